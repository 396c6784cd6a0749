"""The DuckDB engine's result: the daily and hourly tables, the ledger and the rejects, from the aggregates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.clean.duckdb_plan import ReadPlan
from stats_lib.clean.ids import check_ids
from stats_lib.clean.ledger import KindLedger, Ledger, RowCounts, ledger_settings, overlapping_files
from stats_lib.clean.rules import (
    REASONS,
    duplicate_flags,
)
from stats_lib.clean.shape import RAW_COLUMNS, FilePart
from stats_lib.ingest.schema import Schema
from stats_lib.tables import Cleaned, empty_daily

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

__all__ = ["assemble"]


# ----------------------------------------------------------------------------------------------
# Assembling the result (small frames only)
# ----------------------------------------------------------------------------------------------

_ONE_COLUMNS = ["fi", "line", "id", "id_raw", "rh", "kind", "reason", "cand", "date", "hour", "has_time", "off",
                "category", "label", "subcategory", "district", "unmatched", "fw", "tr", "ws", "cat", "sub", "dist",
                "t_raw", "cnt"]
_RAW = {"id": "id_raw", "time": "t_raw", "category": "cat", "subcategory": "sub", "district": "dist"}


def _dedupe_candidates(one: pd.DataFrame, dedupe: str | None) -> pd.DataFrame:
    """Resolve the rows whose id (or whole row) repeats: first occurrence in file order kept."""
    one = one.sort_values(["fi", "line"], kind="stable").reset_index(drop=True)
    return pd.concat([one, duplicate_flags(one, ["rh"], dedupe)], axis=1)


def _block(stats: pd.DataFrame, cands: pd.DataFrame) -> RowCounts:
    """The ledger counts of one kind (or all), from the aggregates and the candidate rows."""
    good = stats[stats["reason"] == ""]
    fin = cands[cands["final"]]
    rej = pd.concat([stats.loc[stats["reason"] != "", ["reason", "n"]],
                     cands.loc[cands["reason"] != "", ["reason"]].assign(n=1)])
    by_reason = rej.groupby("reason")["n"].sum()
    dates = pd.concat([good["dmin"], good["dmax"], fin["date"]]).dropna()
    kept = int(good["n"].sum()) + len(fin)
    return RowCounts(
        rows_read=int(stats["n"].sum()) + len(cands),
        rows_kept=kept,
        rows_rejected=int(by_reason.sum()),
        duplicates_removed=int(cands["removed"].sum()),
        exact_duplicates=int(cands["exact"].sum()),
        rejected_by_reason={r: int(by_reason[r]) for r in REASONS if r in by_reason.index},
        masked_cells=int(by_reason.get("masked_count", 0)),
        count_total=int(good["c"].sum()) + int(fin["cnt"].sum()),
        normalised_rows={
            **{k: int(good.loc[good[f].astype(bool), "n"].sum() + fin[f].astype(bool).sum())
               for k, f in (("fullwidth", "fw"), ("traditional", "tr"), ("whitespace", "ws"))},
            "fullwidth_or_space": int(good.loc[good["fw"].astype(bool) | good["ws"].astype(bool), "n"].sum()
                                      + (fin["fw"].astype(bool) | fin["ws"].astype(bool)).sum())},
        date_min=pd.Timestamp(dates.min()).strftime("%Y-%m-%d") if len(dates) else None,
        date_max=pd.Timestamp(dates.max()).strftime("%Y-%m-%d") if len(dates) else None,
    )


def _unmapped(stats: pd.DataFrame, cands: pd.DataFrame) -> dict:
    """``{label: rows}`` of unmapped categories among kept rows, by count then first appearance."""
    good = stats[(stats["reason"] == "") & (stats["label"] != "")][["label", "n", "first"]]
    fin = cands[cands["final"] & (cands["label"] != "")]
    fin = pd.DataFrame({"label": fin["label"], "n": 1, "first": fin["fi"].astype("int64") * 1099511627776
                        + fin["line"].astype("int64")})
    both = pd.concat([good, fin])
    if both.empty:
        return {}
    agg = both.groupby("label").agg(n=("n", "sum"), first=("first", "min")).reset_index()
    agg = agg.sort_values(["n", "first"], ascending=[False, True], kind="stable")
    return {str(k): int(v) for k, v in zip(agg["label"], agg["n"])}


def _ranked_sum(key: str, names: list[str], rows: str, fin: str) -> str:
    """SQL summing ``n`` by (date[, hour], mapped names), sorted by them, on small integer keys.

    Each distinct tuple of mapped ``names`` (from ``combos`` and ``fin``) gets its rank in sort order
    (``mk``); the aggregate rows (``rows``: ``a.date[, a.hour], m.mk, a.n`` from ``agg a`` joined
    to ``m``, the raw ``key`` -> ``mk``) and the rows of ``fin`` are summed by (date[, hour], mk) and
    sorted by them: the order of sorting by the names themselves, without comparing text per row.
    """
    cols = ", ".join(names)
    same = " AND ".join(f"x.{c} IS NOT DISTINCT FROM y.{c}" for c in names)
    hour = ", hour" if "hour" in rows else ""
    return f"""
        WITH nm AS (SELECT {cols}, row_number() OVER (ORDER BY {cols}) AS mk
                    FROM (SELECT {cols} FROM combos UNION SELECT {cols} FROM fin)),
             m AS (SELECT x.{key}, x.fi, y.mk FROM (SELECT DISTINCT {key}, fi, {cols} FROM combos) x
                   JOIN nm y ON {same}),
             g AS (SELECT date{hour}, mk, sum(n)::BIGINT AS count FROM (
                     {rows}
                     UNION ALL
                     SELECT CAST(x.date AS DATE){', x.hour' if hour else ''}, y.mk, x.cnt
                     FROM (SELECT * FROM fin {fin}) x JOIN nm y ON {same})
                   GROUP BY ALL HAVING sum(n) > 0)
        SELECT g.date{', g.hour::BIGINT AS hour' if hour else ''}, {', '.join('y.' + c for c in names)}, g.count
        FROM g JOIN nm y ON g.mk = y.mk
        ORDER BY g.date{', g.hour' if hour else ''}, g.mk"""


def _tables(con, fin: pd.DataFrame, no_time: set[int]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The daily and hourly tables: SQL aggregates plus the surviving repeated-id rows ``fin``."""
    con.register("fin", fin)
    daily = con.sql(_ranked_sum("ck", ["kind", "category", "subcategory", "district"],
                                "SELECT a.date, m.mk, a.c AS n FROM agg a JOIN m ON a.ck = m.ck "
                                "WHERE a.g_d = 0 AND a.keep", "")).to_arrow_table()
    skip = "[" + ", ".join(str(i) for i in sorted(no_time)) + "]::INTEGER[]"
    hourly = con.sql(_ranked_sum("hk", ["kind", "category", "district"],
                                 "SELECT a.date, a.hour, m.mk, a.c AS n FROM agg a JOIN m ON a.hk = m.hk "
                                 f"WHERE a.g_h = 0 AND a.keep AND a.has_time AND NOT list_contains({skip}, m.fi)",
                                 "WHERE has_time")).to_arrow_table()
    con.close()  # frees DuckDB's memory before the tables become pandas frames
    daily_df = _frame(daily, ["kind", "category", "subcategory", "district"]) if daily.num_rows else empty_daily()
    hourly_df = _frame(hourly, ["kind", "category", "district"]) if hourly.num_rows else None
    return daily_df, hourly_df


def _frame(table, text: list[str]) -> pd.DataFrame:
    """A canonical table (as :func:`stats_lib.tables.normalise_daily` makes it) from a result that SQL
    already sorted by its keys (byte order of UTF-8 = code-point order, pandas' order for str)."""
    frame = table.to_pandas()
    frame["date"] = frame["date"].astype("datetime64[ns]")
    for c in text:
        frame[c] = frame[c].astype(str)
    return frame


def assemble(con: duckdb.DuckDBPyConnection, stats: pd.DataFrame, one: pd.DataFrame, plans: list[ReadPlan], schema: Schema, as_of: dt.date,
              dedupe: str | None, parts: list[FilePart] | None) -> Cleaned:
    """The cleaned tables, the ledger and the rejects, from the aggregates of the scans.

    Parameters
    ----------
    con
        A connection holding ``agg`` and ``combos`` (closed here, once the tables are built).
    stats
        :func:`stats_lib.clean.duckdb_scan.ledger_aggregates`.
    one
        :func:`stats_lib.clean.duckdb_scan.rows_apart`.
    plans
        The plans of the input files.
    schema
        A validated schema.
    as_of
        The as-of date.
    dedupe
        ``"exact"`` or None.
    parts
        The shaped files (their rejects and total checks), or None when DuckDB read the files.

    Returns
    -------
    Cleaned
        The daily and hourly tables, the ledger and the rejects, as the embedded engine gives them.
    """
    for c in ("reason", "label", "kind"):
        stats[c] = stats[c].astype(object).fillna("")
    if not len(one):
        one = pd.DataFrame({c: pd.Series(dtype=object) for c in _ONE_COLUMNS})
        one = one.astype({"fi": "int64", "line": "int64", "cand": bool, "hour": "int64",
                          "date": "datetime64[ns]", "cnt": "int64"})
    for c in ("reason", "label", "kind", "id"):
        one[c] = one[c].astype(object).fillna("")
    for c in ("has_time", "off", "unmatched", "fw", "tr", "ws", "cand"):
        one[c] = one[c].astype(object).fillna(False).astype(bool)
    check_ids(one[one["cand"]], [f.info for f in sorted(plans, key=lambda f: f.fi)], dedupe)
    cands = _dedupe_candidates(one[one["cand"]], dedupe)
    # Files whose every kept time is midnight have dates, not times (as shape.shape_file decides; the
    # rows it shaped were decided there).
    no_time: set[int] = set()
    for f in plans:
        if f.fmt == "rows":
            continue
        s = stats[(stats["fi"] == f.fi) & stats["has_time"].fillna(False).astype(bool)]
        c = cands[(cands["fi"] == f.fi) & cands["has_time"]]
        if (len(s) or len(c)) and not (s["off"].astype(bool).any() or c["off"].any()):
            no_time.add(f.fi)
    if no_time:
        stats.loc[stats["fi"].isin(no_time), "has_time"] = False
        cands.loc[cands["fi"].isin(no_time), "has_time"] = False
    fin = cands[cands["final"]]
    overlap = _overlap(con, fin, plans) if len(plans) > 1 else []
    # shaped long and wide tables have no hourly counts and no "hour unknown" records
    untimed = {f.fi for f in plans if f.fmt == "rows" and f.info["shape"] != "records"}
    daily, hourly = _tables(con, fin[["date", "hour", "has_time", "kind", "category", "subcategory", "district",
                                      "cnt"]].astype({"date": "datetime64[ns]", "hour": "int64", "cnt": "int64"}),
                            no_time | untimed)
    kinds = sorted(set(stats["kind"]) | set(cands["kind"]))
    files = []
    for f in plans:
        s, c = stats[stats["fi"] == f.fi], cands[cands["fi"] == f.fi]
        info = dict(f.info)
        info["rows_read"] = int(s["n"].sum()) + len(c)
        if f.fmt != "rows":  # a shaped file counted its own (from its address column)
            info["district_unmatched"] = int(s.loc[s["unmatched"].astype(bool), "n"].sum() + c["unmatched"].sum())
        if info["rows_read"] == 0:
            info["notes"].append("no data rows")
        files.append(info)
    good = stats[(stats["reason"] == "") & ~stats["fi"].isin(untimed)]
    timed = fin[~fin["fi"].isin(untimed)]
    by_kind: dict[str, KindLedger] = {}
    merged: dict = {}
    for kind in kinds:
        s, c = stats[stats["kind"] == kind], cands[cands["kind"] == kind]
        by_kind[kind] = KindLedger(counts=_block(s, c), unmapped_categories=_unmapped(s, c))
        for label, n in by_kind[kind].unmapped_categories.items():
            merged[label] = merged.get(label, 0) + n
    ledger = Ledger(
        counts=_block(stats, cands),
        # kinds in order, then a stable sort by count
        unmapped_categories=dict(sorted(merged.items(), key=lambda kv: -kv[1])),
        total_mismatches=[m for p in parts or [] for m in p.mismatches],
        hour_unknown=int(good.loc[~good["has_time"].astype(bool), "n"].sum() + (~timed["has_time"]).sum()),
        district_unmatched=int(sum(i["district_unmatched"] for i in files)),
        settings=ledger_settings(schema, as_of, dedupe, "duckdb"),
        files=files,
        by_kind=by_kind,
    )
    if parts is None:
        rejects = _rejects(one, plans)
    else:  # the shaped files' rejected rows, as their shaping wrote them
        rejects = pd.concat([p.rejects for p in parts if len(p.rejects)] or [pd.DataFrame(
            columns=["file", "line", "reason"])], ignore_index=True)
        rejects = rejects.reindex(columns=["file", "line", "reason"] + [c for c in RAW_COLUMNS if c in rejects])
        rejects = rejects.fillna("")
    out = ledger.to_dict()
    if overlap:
        out["overlapping_files"] = overlap
    return Cleaned(daily=daily, hourly=hourly, ledger=out, rejects=rejects)


def _overlap(con, fin: pd.DataFrame, plans: list[ReadPlan]) -> list[dict]:
    """Pairs of files that hold mostly the same records (:func:`stats_lib.clean.ledger.overlapping_files`).

    A file's tuples are its (statistical day, hour, category, district) cells with the number of kept
    records in each, from the aggregates and the de-duplicated candidate rows, so that both reading
    paths give the same tuples.
    """
    agg = con.execute("""
        SELECT c.fi, a.date, a.hour, c.category, c.district, sum(a.n)::BIGINT AS n
        FROM agg a JOIN (SELECT DISTINCT hk, fi, category, district FROM combos) c ON a.hk = c.hk
        WHERE a.g_h = 0 AND a.keep GROUP BY ALL""").df()
    cand = fin.groupby(["fi", "date", "hour", "category", "district"], dropna=False).size().rename("n").reset_index()
    cells = pd.concat([agg, cand], ignore_index=True).astype({"date": "datetime64[ns]"})
    cells = cells.groupby(["fi", "date", "hour", "category", "district"], dropna=False)["n"].sum().reset_index()
    keys = pd.DataFrame({"fi": cells["fi"].astype(int), "key": pd.util.hash_pandas_object(
        cells[["date", "hour", "category", "district", "n"]].astype(str), index=False)})
    return overlapping_files(keys, [str(f.info["path"]) for f in sorted(plans, key=lambda f: f.fi)])


def _rejects(one: pd.DataFrame, plans: list[ReadPlan]) -> pd.DataFrame:
    """Rejected rows: file, line, reason and the raw values of the mapped non-sensitive columns."""
    bad = one[one["reason"] != ""].sort_values(["fi", "line"], kind="stable") if len(one) else one
    if not len(bad):
        return pd.DataFrame(columns=["file", "line", "reason"])
    by_fi = {f.fi: f for f in plans}
    roles = set()
    for fi in bad["fi"].unique():
        roles |= {"time"} | {r for r in _RAW if r in by_fi[int(fi)].cols}
    out = pd.DataFrame({"file": [str(by_fi[int(fi)].path) for fi in bad["fi"]],
                        "line": bad["line"].astype("int64").to_numpy(), "reason": bad["reason"].to_numpy()})
    for role in [r for r in RAW_COLUMNS if r in roles]:
        has = np.array([role == "time" or role in by_fi[int(fi)].cols for fi in bad["fi"]], dtype=bool)
        out[role] = np.where(has, bad[_RAW[role]].astype(object).fillna("").to_numpy(), "")
    return out.reset_index(drop=True)
