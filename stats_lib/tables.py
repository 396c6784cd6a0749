"""The canonical tables every stage after cleaning works on.

``daily``: one row per non-empty (date, kind, category, subcategory, district) combination.

============  ===============  ==============================================================
column        dtype            meaning
============  ===============  ==============================================================
date          datetime64[ns]   statistical day (midnight); stored as a Parquet ``date32``
kind          str              ``警情`` (incidents) or ``案件`` (cases)
category      str              top-level category of the taxonomy (``刑事``, ``交通`` …)
subcategory   str              cleaned sub-type (``盗窃`` …), ``''`` when unknown
district      str              cleaned district name, ``''`` when unknown
count         int64            number of incidents or cases
============  ===============  ==============================================================

``hourly`` (record-level input only): ``date``, ``hour`` (0-23, by the statistical day),
``kind``, ``category``, ``district``, ``count``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from stats_lib.errors import InputError

__all__ = ["DAILY_COLUMNS", "HOURLY_COLUMNS", "Cleaned", "empty_daily", "empty_hourly", "normalise_daily",
           "normalise_hourly", "read_cleaned", "is_cleaned_dir"]

DAILY_COLUMNS = ["date", "kind", "category", "subcategory", "district", "count"]
HOURLY_COLUMNS = ["date", "hour", "kind", "category", "district", "count"]


@dataclass(frozen=True)
class Cleaned:
    """Result of cleaning: the canonical tables and the ledger.

    Attributes
    ----------
    daily : DataFrame
        The daily-count table (see module docstring).
    hourly : DataFrame or None
        The hourly-count table, ``None`` when the input was pre-aggregated.
    ledger : dict
        Every input row accounted for: ``rows_read == rows_kept + rows_rejected + duplicates_removed``.
    rejects : DataFrame
        One row per rejected input row: ``file``, ``line``, ``reason`` and the raw values of the
        non-sensitive columns.
    """

    daily: pd.DataFrame
    hourly: pd.DataFrame | None
    ledger: dict = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", "line", "reason"]))


def empty_daily() -> pd.DataFrame:
    """Return an empty daily table with the canonical columns and dtypes."""
    return normalise_daily(pd.DataFrame({c: [] for c in DAILY_COLUMNS}))


def empty_hourly() -> pd.DataFrame:
    """Return an empty hourly table with the canonical columns and dtypes."""
    return normalise_hourly(pd.DataFrame({c: [] for c in HOURLY_COLUMNS}))


def normalise_daily(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the daily columns, canonical dtypes, sorted, index reset."""
    out = df[DAILY_COLUMNS].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    for c in ("kind", "category", "subcategory", "district"):
        out[c] = out[c].fillna("").astype(str)
    out["count"] = out["count"].astype("int64")
    return out.sort_values(DAILY_COLUMNS[:-1], kind="stable").reset_index(drop=True)


def normalise_hourly(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the hourly columns, canonical dtypes, sorted, index reset."""
    out = df[HOURLY_COLUMNS].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["hour"] = out["hour"].astype("int64")
    for c in ("kind", "category", "district"):
        out[c] = out[c].fillna("").astype(str)
    out["count"] = out["count"].astype("int64")
    return out.sort_values(HOURLY_COLUMNS[:-1], kind="stable").reset_index(drop=True)


def is_cleaned_dir(path: str | Path) -> bool:
    """True when ``path`` is a folder written by ``briefing clean`` (it holds ``daily.parquet``)."""
    p = Path(path)
    return p.is_dir() and (p / "daily.parquet").is_file()


def read_cleaned(path: str | Path) -> Cleaned:
    """Read a folder written by ``briefing clean`` back into a :class:`Cleaned`.

    Raises :class:`InputError` naming the folder when ``daily.parquet`` is missing or unreadable.
    """
    p = Path(path)
    if not is_cleaned_dir(p):
        raise InputError(f"{p}: not a cleaned folder (expected {p / 'daily.parquet'})")
    try:
        daily = normalise_daily(pd.read_parquet(p / "daily.parquet"))
        hourly = normalise_hourly(pd.read_parquet(p / "hourly.parquet")) if (p / "hourly.parquet").is_file() else None
        ledger = json.loads((p / "ledger.json").read_text("utf-8")) if (p / "ledger.json").is_file() else {}
        rejects = (pd.read_csv(p / "rejects.csv", dtype=str, keep_default_na=False)
                   if (p / "rejects.csv").is_file() else pd.DataFrame(columns=["file", "line", "reason"]))
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{p}: cannot read the cleaned tables ({exc})") from exc
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger, rejects=rejects)
