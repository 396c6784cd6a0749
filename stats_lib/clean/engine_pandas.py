"""The pandas engine: canonical raw rows in, the cleaned tables and the ledger out.

:func:`clean_files` reads and shapes each file (:func:`stats_lib.clean.shape.shape_file`) and
:func:`assemble` de-duplicates, maps categories, aggregates and counts the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from stats_lib.clean.ledger import ledger_settings
from stats_lib.clean.rules import REASONS, statistical_day
from stats_lib.clean.shape import RAW_COLUMNS, FilePart, shape_file
from stats_lib.errors import InputError
from stats_lib.ingest.readers import read_table
from stats_lib.ingest.schema import Schema
from stats_lib.ingest.taxonomy import load_taxonomy, map_categories, normalise_values
from stats_lib.tables import Cleaned, empty_daily, normalise_daily, normalise_hourly

__all__ = ["duplicate_flags", "assemble", "clean_files"]


def _reason_counts(reasons: pd.Series) -> dict:
    counts = reasons[reasons != ""].value_counts()
    return {r: int(counts[r]) for r in REASONS if r in counts.index}


def _date_range(dates: pd.Series) -> tuple[str | None, str | None]:
    if dates.notna().any():
        return dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")
    return None, None


def _counts_block(rows: pd.DataFrame, kept: pd.Series, final: pd.Series, dup: pd.Series, exact: pd.Series,
                  dates: pd.Series) -> dict:
    start, end = _date_range(dates[final])
    return {
        "rows_read": int(len(rows)),
        "rows_kept": int(final.sum()),
        "rows_rejected": int((~kept).sum()),
        "duplicates_removed": int(dup.sum()),
        "exact_duplicates": int(exact.sum()),
        "rejected_by_reason": _reason_counts(rows["reason"]),
        "masked_cells": int((rows["reason"] == "masked_count").sum()),
        "count_total": int(rows.loc[final, "count"].sum()),
        "normalised_rows": {
            **{k: int(rows.loc[final, k].sum()) for k in ("fullwidth", "traditional", "whitespace")},
            "fullwidth_or_space": int((rows.loc[final, "fullwidth"] | rows.loc[final, "whitespace"]).sum())},
        "date_min": start,
        "date_max": end,
    }


def duplicate_flags(rows: pd.DataFrame, row_key: Sequence[str], dedupe: str | None
                    ) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Which rows are kept, removed as duplicates, exact duplicates, and final (counted).

    ``rows`` holds ``reason`` ('' for a good row), ``kind`` and ``id`` in file order. A good row whose
    (kind, id) appeared before is removed; a good row without an id whose ``row_key`` (a hash of the
    whole row) appeared before is an exact duplicate, removed only with ``dedupe="exact"``. Both
    engines call this, so they resolve duplicates the same way.

    Returns
    -------
    tuple of boolean Series ``(kept, removed, exact, final)`` aligned with ``rows``.
    """
    kept = rows["reason"] == ""
    by_id = kept & (rows["id"] != "")
    dup_id = pd.Series(False, index=rows.index)
    dup_id[by_id] = rows.loc[by_id].duplicated(["kind", "id"], keep="first")
    no_id = kept & (rows["id"] == "")
    exact = pd.Series(False, index=rows.index)
    exact[no_id] = rows.loc[no_id].duplicated(["kind", *row_key], keep="first")
    removed = dup_id | exact if dedupe == "exact" else dup_id
    return kept, removed, exact, kept & ~removed



def assemble(parts: list[FilePart], schema: Schema, as_of: dt.date, dedupe: str | None) -> Cleaned:
    rows = pd.concat([p.rows for p in parts], ignore_index=True)
    kept, removed, exact, final = duplicate_flags(rows, ["shape", "hash"], dedupe)
    taxonomy = load_taxonomy(schema.taxonomy)
    category = pd.Series("其他", index=rows.index, dtype=object)
    unmapped_by_kind: dict = {}
    for kind in sorted(rows.loc[final, "kind"].unique()):
        sel = final & (rows["kind"] == kind) & rows["has_cat"]
        mapping = map_categories(rows.loc[sel, "cat"], kind, schema, taxonomy)
        category[sel] = mapping.category
        unmapped_by_kind[kind] = mapping.unmapped
    out = pd.DataFrame({
        "kind": rows["kind"], "category": category, "subcategory": normalise_values(rows["sub"]),
        "district": rows["dist"], "count": rows["count"]})[final]
    date, hour = statistical_day(rows.loc[final, "ts"], schema.day_start_minutes)
    out["date"], out["hour"] = date, hour
    keys = ["date", "kind", "category", "subcategory", "district"]
    daily = out.groupby(keys, as_index=False, sort=True)["count"].sum()
    daily = normalise_daily(daily[daily["count"] > 0]) if len(daily) else empty_daily()
    timed = final & rows["has_time"] & (rows["shape"] == "records")
    hourly = None
    if timed.any():
        hk = ["date", "hour", "kind", "category", "district"]
        h = out[timed[final].to_numpy()].groupby(hk, as_index=False, sort=True)["count"].sum()
        hourly = normalise_hourly(h)
    dates = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    dates[final] = date
    unmapped: dict = {}
    for per_kind in unmapped_by_kind.values():
        for k, v in per_kind.items():
            unmapped[k] = unmapped.get(k, 0) + v
    mismatches = [m for p in parts for m in p.mismatches]
    ledger = {
        **_counts_block(rows, kept, final, removed, exact, dates),
        "unmapped_categories": dict(sorted(unmapped.items(), key=lambda kv: -kv[1])),
        "total_mismatches": mismatches,
        "hour_unknown": int((final & ~rows["has_time"] & (rows["shape"] == "records")).sum()),
        "district_unmatched": int(sum(p.info.get("district_unmatched", 0) for p in parts)),
        **ledger_settings(schema, as_of, dedupe, "pandas"),
        "files": [p.info for p in parts],
        "by_kind": {},
    }
    if dedupe != "exact":
        ledger["exact_duplicates_kept"] = ledger["exact_duplicates"]
    for kind in sorted(rows["kind"].unique()):
        sel = rows["kind"] == kind
        block = _counts_block(rows[sel], kept[sel], final[sel], removed[sel], exact[sel], dates[sel])
        block["unmapped_categories"] = unmapped_by_kind.get(kind, {})
        ledger["by_kind"][kind] = block
    rejects = pd.concat([p.rejects for p in parts if len(p.rejects)] or [pd.DataFrame(
        columns=["file", "line", "reason"])], ignore_index=True)
    rejects = rejects.reindex(columns=["file", "line", "reason"] + [c for c in RAW_COLUMNS if c in rejects])
    rejects = rejects.fillna("")
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger, rejects=rejects)



def clean_files(files: list[Path], schema: Schema, as_of: dt.date, dedupe: str | None) -> Cleaned:
    """Clean ``files`` with pandas (any input the readers read)."""
    parts = [shape_file(read_table(path, schema), schema, as_of, i) for i, path in enumerate(files)]
    if sum(len(p.rows) for p in parts) == 0:
        names = ", ".join(str(f) for f in files)
        raise InputError(f"{names}: no data rows (only a header?)")
    for p in parts:
        if p.info["rows_read"] == 0:
            p.info["notes"].append("no data rows")
    return assemble(parts, schema, as_of, dedupe)
