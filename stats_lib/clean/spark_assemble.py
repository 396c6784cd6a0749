"""The Spark engine's driver half: small aggregates and a few rows in, the cleaned tables and ledger out.

Spark hands the driver three small frames (:class:`Collected`): aggregates of the kept rows whose id
is seen once (by file, raw kind/category/subcategory/district, statistical day and hour), and the rows
that must be seen one by one — rejected rows (for ``rejects.csv``) and rows whose id or whole row
repeats (first occurrence kept, :func:`duplicate_flags` as the embedded engine resolves them). Files the
engine shapes on the driver (Excel, long and wide tables …) arrive as rows too. :func:`assemble` maps
categories and subcategories on the distinct values and counts the ledger, each row weighted by the
number of input rows it stands for, so the result is the embedded engine's, key for key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stats_lib.clean.ids import check_ids
from stats_lib.clean.ledger import ledger_settings, overlapping_files
from stats_lib.clean.rules import REASONS, duplicate_flags
from stats_lib.clean.shape import RAW_COLUMNS
from stats_lib.ingest.schema import Schema
from stats_lib.ingest.taxonomy import OTHER, load_taxonomy, map_categories, normalise_values
from stats_lib.tables import Cleaned, empty_daily, normalise_daily, normalise_hourly

__all__ = ["ROW_COLUMNS", "Collected", "assemble"]

#: Columns of :attr:`Collected.rows` and :attr:`Collected.daily` (daily has ``n``/``count``/``first``
#: and no ``line``/``id``/``hash``/``reason``/``raw_*``).
ROW_COLUMNS = ["fi", "line", "shape", "kind", "id", "has_cat", "cat", "sub", "dist", "date", "hour", "has_time",
               "off", "count", "reason", "hash", "fw", "tr", "ws", "unmatched"]
_ORDER = 1 << 40   # order key of a row: fi * 2**40 + line


@dataclass
class Collected:
    """What the driver holds after the Spark jobs.

    Attributes
    ----------
    daily : DataFrame
        Kept rows seen once, aggregated: ``fi``, ``shape``, ``kind``, ``has_cat``, ``cat``, ``sub`` (raw),
        ``dist`` (cleaned), ``fw``, ``tr``, ``ws``, ``unmatched``, ``date`` (statistical day,
        datetime64[ns]), ``has_time``, ``off`` (a time of day other than midnight was seen), ``n`` (rows),
        ``count`` (sum of counts) and ``first`` (order key of the first row).
    hourly : DataFrame
        The same rows with a time of day by hour: ``fi``, ``kind``, ``has_cat``, ``cat``, ``dist``, ``date``,
        ``hour``, ``n``.
    rows : DataFrame
        Rows seen one by one, in file order: :data:`ROW_COLUMNS`.
    rejects : list of DataFrame
        The rejects of each file, in file order (``file``, ``line``, ``reason`` and raw values).
    infos : list of dict
        The ledger entry of each file (``rows_read`` and ``district_unmatched`` filled in here for files
        Spark read: those listed in ``spark_files``).
    mismatches : list of dict
        Wide-table total mismatches of driver-shaped files.
    typed_files : set of int
        Files whose time column is a typed timestamp (Parquet, table): a file whose every kept time is
        midnight has dates, not times.
    spark_files : set of int
    """

    daily: pd.DataFrame
    hourly: pd.DataFrame
    rows: pd.DataFrame
    rejects: list
    infos: list
    mismatches: list
    typed_files: set
    spark_files: set


def _category_maps(pairs: pd.DataFrame, schema: Schema) -> tuple[dict, dict]:
    """(kind, raw category) -> category and -> unmapped label ('' when mapped), value by value."""
    taxonomy = load_taxonomy(schema.taxonomy)
    cats, labels = {}, {}
    for kind, raw in pairs.drop_duplicates().itertuples(index=False):
        mapping = map_categories(pd.Series([raw], dtype=object), kind, schema, taxonomy)
        cats[(kind, raw)] = str(mapping.category.iloc[0])
        labels[(kind, raw)] = next(iter(mapping.unmapped), "")
    return cats, labels


def _map(frame: pd.DataFrame, table: dict, default: str = OTHER) -> np.ndarray:
    keys = list(zip(frame["kind"], frame["cat"]))
    return np.array([table.get(k, default) for k in keys], dtype=object)


def _block(w: pd.DataFrame) -> dict:
    """The ledger counts of weighted rows ``w`` (as the embedded engine counts them row by row)."""
    fin = w[w["final"]]
    n = w["n"]
    rejected = w[w["reason"] != ""]
    by_reason = rejected.groupby("reason")["n"].sum()
    dates = fin["date"].dropna()
    return {
        "rows_read": int(n.sum()),
        "rows_kept": int(fin["n"].sum()),
        "rows_rejected": int(rejected["n"].sum()),
        "duplicates_removed": int(w.loc[w["removed"], "n"].sum()),
        "exact_duplicates": int(w.loc[w["exact"], "n"].sum()),
        "rejected_by_reason": {r: int(by_reason[r]) for r in REASONS if r in by_reason.index},
        "masked_cells": int(w.loc[w["reason"] == "masked_count", "n"].sum()),
        "count_total": int(fin["count"].sum()),
        "normalised_rows": {
            **{k: int(fin.loc[fin[f], "n"].sum()) for k, f in (("fullwidth", "fw"), ("traditional", "tr"),
                                                               ("whitespace", "ws"))},
            "fullwidth_or_space": int(fin.loc[fin["fw"] | fin["ws"], "n"].sum())},
        "date_min": pd.Timestamp(dates.min()).strftime("%Y-%m-%d") if len(dates) else None,
        "date_max": pd.Timestamp(dates.max()).strftime("%Y-%m-%d") if len(dates) else None,
    }


def _unmapped(w: pd.DataFrame) -> dict:
    """``{label: rows}`` of unmapped categories among kept rows: by count, then first appearance."""
    sel = w[w["final"] & w["has_cat"] & (w["label"] != "")]
    if sel.empty:
        return {}
    agg = sel.groupby("label").agg(n=("n", "sum"), first=("first", "min")).reset_index()
    agg = agg.sort_values("first", kind="stable").sort_values("n", ascending=False, kind="stable")
    return {str(k): int(v) for k, v in zip(agg["label"], agg["n"])}


def _weighted(c: Collected, dedupe: str | None) -> pd.DataFrame:
    """Aggregates and single rows as one frame of weighted rows with kept/removed/exact/final flags."""
    rows = c.rows.sort_values(["fi", "line"], kind="stable").reset_index(drop=True)
    check_ids(rows, c.infos, dedupe)
    flags = duplicate_flags(rows, ["shape", "hash"], dedupe)
    one = rows.assign(n=1, first=rows["fi"].astype("int64") * _ORDER + rows["line"].astype("int64"),
                      final=flags["final"].to_numpy(), removed=flags["removed"].to_numpy(),
                      exact=flags["exact"].to_numpy())
    one = one.assign(single=True)
    agg = c.daily.assign(reason="", id="", final=True, removed=False, exact=False, single=False)
    cols = ["fi", "shape", "kind", "has_cat", "cat", "sub", "dist", "date", "has_time", "off", "n", "count",
            "reason", "final", "removed", "exact", "fw", "tr", "ws", "unmatched", "first", "hour", "single"]
    agg = agg.assign(hour=-1)
    w = pd.concat([agg[cols], one[cols]], ignore_index=True)
    for b in ("has_cat", "has_time", "off", "final", "removed", "exact", "fw", "tr", "ws", "unmatched", "single"):
        w[b] = w[b].astype(bool)
    w["date"] = pd.to_datetime(w["date"]).astype("datetime64[ns]")
    return w


def _overlap(fin: pd.DataFrame, hourly_agg: pd.DataFrame, paths: list[str]) -> list[dict]:
    """Pairs of files that hold mostly the same records (:func:`stats_lib.clean.ledger.overlapping_files`).

    A file's tuples are its (statistical day, hour, category, district) cells with the number of kept
    records in each, as the embedded engine counts them: timed aggregates by hour, untimed aggregates
    by day, and the rows seen one by one.
    """
    cols = ["fi", "date", "hour", "category", "dist", "n"]
    untimed = fin[~fin["single"] & ~fin["has_time"]].assign(hour=-1)[cols]
    timed = hourly_agg[cols]
    ones = fin[fin["single"] & (fin["reason"] == "")]
    ones = ones.assign(hour=ones["hour"].where(ones["has_time"] & (ones["hour"] >= 0), -1))[cols]
    cells = pd.concat([untimed, timed, ones], ignore_index=True)
    cells["date"] = pd.to_datetime(cells["date"]).astype("datetime64[ns]")
    cells["hour"] = cells["hour"].astype("int64")
    cells = cells.groupby(cols[:-1], dropna=False)["n"].sum().reset_index()
    keys = pd.DataFrame({"fi": cells["fi"].astype(int), "key": pd.util.hash_pandas_object(
        cells[cols[1:]].astype(str), index=False)})
    return overlapping_files(keys, paths)


def assemble(c: Collected, schema: Schema, as_of: dt.date, dedupe: str | None, engine: str = "spark") -> Cleaned:
    """The cleaned tables, ledger and rejects from what Spark collected (see :class:`Collected`).

    Parameters
    ----------
    c : Collected
        What the Spark jobs collected.
    schema : Schema
        A validated schema.
    as_of : dt.date
        The as-of date (later dates are future).
    dedupe : str | None
        ``"exact"`` or None.
    engine : str, default 'spark'
        The engine's name written in the ledger.

    Returns
    -------
    Cleaned
        As the embedded engine gives it for the same input; the ledger's ``engine`` is ``engine``.
    """
    w = _weighted(c, dedupe)
    hourly_agg = c.hourly.copy()
    # Times that are all midnight are dates (as the embedded engine: typed cells and text alike).
    for fi in c.spark_files:
        sel = (w["fi"] == fi) & (w["reason"] == "") & w["has_time"]
        if sel.any() and not w.loc[sel, "off"].any():
            w.loc[w["fi"] == fi, "has_time"] = False
            hourly_agg = hourly_agg[hourly_agg["fi"] != fi]
    pairs = pd.concat([w.loc[w["has_cat"], ["kind", "cat"]], hourly_agg.loc[hourly_agg["has_cat"], ["kind", "cat"]]])
    cats, labels = _category_maps(pairs, schema)
    w["category"] = np.where(w["has_cat"], _map(w, cats), OTHER)
    w["label"] = np.where(w["has_cat"], _map(w, labels, ""), "")
    subs = w["sub"].drop_duplicates()
    w["subcategory"] = w["sub"].map(dict(zip(subs, normalise_values(subs).to_numpy())))
    fin = w[w["final"]]
    keys = ["date", "kind", "category", "subcategory", "district"]
    daily = fin.rename(columns={"dist": "district"}).groupby(keys, as_index=False, sort=True)["count"].sum()
    daily = normalise_daily(daily[daily["count"] > 0]) if len(daily) else empty_daily()
    hourly_agg = hourly_agg.assign(category=np.where(hourly_agg["has_cat"], _map(hourly_agg, cats), OTHER))
    timed = fin[fin["has_time"] & (fin["shape"] == "records") & (fin["hour"] >= 0)]
    parts = [hourly_agg.rename(columns={"dist": "district", "n": "count"}),
             timed.rename(columns={"dist": "district"})]
    hk = ["date", "hour", "kind", "category", "district"]
    both = pd.concat([p[hk + ["count"]] for p in parts], ignore_index=True)
    hourly = None
    if len(both):
        both["date"] = pd.to_datetime(both["date"]).astype("datetime64[ns]")
        hourly = normalise_hourly(both.groupby(hk, as_index=False, sort=True)["count"].sum())
    infos = []
    for i, info in enumerate(c.infos):
        info = dict(info)
        if i in c.spark_files:
            sel = w[w["fi"] == i]
            info["rows_read"] = int(sel["n"].sum())
            info["district_unmatched"] = int(sel.loc[sel["unmatched"], "n"].sum())
            if info["rows_read"] == 0:
                info["notes"] = [*info["notes"], "no data rows"]
        infos.append(info)
    kinds = sorted(w["kind"].unique())
    by_kind = {k: {**_block(w[w["kind"] == k]), "unmapped_categories": _unmapped(w[w["kind"] == k])} for k in kinds}
    merged: dict = {}
    for k in kinds:
        for label, n in by_kind[k]["unmapped_categories"].items():
            merged[label] = merged.get(label, 0) + n
    ledger = {
        **_block(w),
        "unmapped_categories": dict(sorted(merged.items(), key=lambda kv: -kv[1])),
        "total_mismatches": list(c.mismatches),
        "hour_unknown": int(fin.loc[~fin["has_time"] & (fin["shape"] == "records"), "n"].sum()),
        "district_unmatched": int(sum(i.get("district_unmatched", 0) for i in infos)),
        **ledger_settings(schema, as_of, dedupe, engine),
        "files": infos,
        "by_kind": by_kind,
    }
    if dedupe != "exact":
        ledger["exact_duplicates_kept"] = ledger["exact_duplicates"]
    overlap = _overlap(fin, hourly_agg, [str(i["path"]) for i in infos])
    if overlap:
        ledger["overlapping_files"] = overlap
    rejects = pd.concat([r for r in c.rejects if len(r)] or [pd.DataFrame(columns=["file", "line", "reason"])],
                        ignore_index=True)
    rejects = rejects.reindex(columns=["file", "line", "reason"] + [c for c in RAW_COLUMNS if c in rejects])
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger, rejects=rejects.fillna(""))
