"""Parsing rules: raw values in, parsed values out, each rule written once and applied to distinct values.

In: a pandas Series of raw cells (text as the readers give it, or a typed column from Parquet/Excel).
Out: a Series (or a small frozen result) aligned with it. Every function here factorises its input and
works on the distinct values, so an engine that holds the rows elsewhere (DuckDB) calls the same
functions on the distinct values it gets from SQL, and the rules exist in one place only:

- :func:`parse_times` — dates and date-times in the forms Chinese exports use (reasons ``missing_date``,
  ``bad_date``, ``future_date``);
- :func:`parse_hours` — an hour-of-day column;
- :func:`parse_counts` — count cells of long and wide tables (reasons ``masked_count``, ``bad_count``);
- :func:`statistical_day` — the statistical day and clock hour of a timestamp;
- :func:`clean_districts` — district values, or districts found in addresses (from :mod:`.districts`);
- :func:`kind_values` — a kind column read as 警情 or 案件;
- :func:`duplicate_flags` — which rows are duplicates (first occurrence kept).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from stats_lib.clean.dates import (
    CLOCK_WORDS,
    SLASH_DATE,
    DayOrder,
    day_order,
    dotted_years,
    period_of,
    twelve_hour,
    zone_offsets,
)
from stats_lib.clean.districts import PATTERN_TIMEOUT, clean_districts
from stats_lib.ingest.schema import Schema
from stats_lib.ingest.taxonomy import match_key
from stats_lib.windows import today_shanghai

__all__ = [
    "MAX_COUNT",
    "PATTERN_TIMEOUT",
    "REASONS",
    "MASKED_TOKENS",
    "DATE_YEARS",
    "ParsedTimes",
    "ParsedCounts",
    "parse_times",
    "parse_hours",
    "parse_counts",
    "statistical_day",
    "clean_districts",
    "kind_values",
    "duplicate_flags",
    "SCI_ID",
    "sci_ids",
    "default_as_of",
]

REASONS = ("missing_date", "bad_date", "implausible_date", "future_date", "masked_count", "bad_count",
           "ragged_row")
#: Count cells that mean "masked or missing": never zero.
MASKED_TOKENS = frozenset({"", "*", "**", "***", "****", "—", "——", "-", "--", "–", "NA", "N/A", "na", "n/a",
                           "NaN", "nan", "null", "NULL", "None", "×", "/"})

_AMPM = r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"  # 12:10 AM; _PRE: 下午 3:15 (dates.twelve_hour reads both)
_PRE = r"(?:[ T]*(?P<pre>" + CLOCK_WORDS + r")\s*|[ T]+)"
_TIME = (r"(?:(?:[ T]*(?P<pre>" + CLOCK_WORDS + r"))?[ T]*(?P<H>\d{1,2})[:时点](?:(?P<M>\d{1,2})分?)?"
         r"(?::?(?P<S>\d{1,2})(?:\.\d+)?秒?)?" + _AMPM + ")?")
_PATTERNS = {
    "iso": re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:" + _PRE + r"(?P<H>\d{1,2}):(?P<M>\d{1,2})"
                      r"(?::(?P<S>\d{1,2})(?:\.\d+)?)?" + _AMPM + r")?\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"),
    "zh": re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]" + _TIME + "$"),
    "compact": re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[ T]?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?$"),
    "slash": SLASH_DATE,  # 02/01/2015: day or month first, decided per column (dates.day_order)
}
_ROC = {
    "roc_compact": re.compile(r"^(?P<y>\d{3})(?P<m>\d{2})(?P<d>\d{2})$"),
    "roc": re.compile(r"^(?:民[国國])?(?P<y>\d{2,3})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?" + _TIME + "$"),
}
_NO_YEAR = re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]" + _TIME + "$")
_SERIAL = re.compile(r"^(?P<serial>\d{5}(?:\.\d+)?)$")
#: Years a date may have; outside them it is a bad date (and beyond what datetime64[ns] holds).
DATE_YEARS = (1900, 2200)


# ----------------------------------------------------------------------------------------------
# Per-value stages (work on distinct values; reused by the DuckDB engine)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedTimes:
    """Result of :func:`parse_times`.

    Attributes
    ----------
    timestamps : Series of datetime64[ns]
        Local time (the schema's time zone, naive); NaT where the value is rejected.
    reasons : Series of str
        ``''`` when kept, else ``missing_date``, ``bad_date`` or ``future_date``.
    has_time : Series of bool
        True when the value carried a time of day (``2023-01-22 08:15``), False for a date only.
    needs_year : int
        Number of rows written without a year (``1月21日``) that could not be dated because the
        schema has no ``year:``.
    order : DayOrder
        The field order of ``02/01/2015`` dates; ``order.examples`` non-empty when the column does not
        decide it (those values are ``bad_date`` here, and :func:`check_dates` stops).
    period : ``"month"``, ``"year"`` or None: most values are months or years, not days.
    """

    timestamps: pd.Series
    reasons: pd.Series
    has_time: pd.Series
    needs_year: int = 0
    order: DayOrder = DayOrder(None)
    period: str | None = None


def _parse_unique(text: pd.Series, schema: Schema, order: DayOrder) -> pd.DataFrame:
    """Parse normalised distinct strings; return columns ts (datetime64[ns]), has_time, needs_year."""
    n = len(text)
    parts = pd.DataFrame({k: np.full(n, np.nan) for k in ("y", "m", "d", "H", "M", "S", "tzmin")})
    done = np.zeros(n, dtype=bool)
    fixed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    fast_time = np.zeros(n, dtype=bool)
    if schema.date_format and not any(d in schema.date_format for d in ("%Y", "%y")) and schema.year:
        text = str(schema.year) + "#" + text  # a format without a year (%m%d) takes the schema's year
        schema = replace(schema, date_format="%Y#" + schema.date_format)
    formats = ([schema.date_format] if schema.date_format else []) + ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
    for fmt in formats:  # fast exact formats first (C parser); the regular expressions take the rest
        todo = ~done
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        got = got.where(got.dt.year.between(DATE_YEARS[0], DATE_YEARS[1])).astype("datetime64[ns]")
        ok = got.notna().to_numpy()
        idx = np.flatnonzero(todo)[ok]
        fixed.iloc[idx] = got[ok].to_numpy()
        fast_time[idx] = fmt == "%Y-%m-%d %H:%M:%S" or (fmt == schema.date_format and any(
            d in fmt for d in ("%H", "%I")))
        done[idx] = True
    patterns = dict(_PATTERNS)
    if schema.calendar == "roc":
        patterns = {**_ROC, **patterns}
    for name, rx in patterns.items():
        todo = ~done
        if not todo.any():
            break
        ext = text[todo].str.extract(rx)
        if name == "slash":  # the field order decided for the whole column; undecided: left unparsed
            ext = ext.rename(columns={"a": "d", "b": "m"} if order.dayfirst else {"a": "m", "b": "d"})
            if order.dayfirst is None:
                ext["y"] = np.nan
        ok = ext["y"].notna().to_numpy()
        if not ok.any():
            continue
        idx = np.flatnonzero(todo)[ok]
        sub = ext[ok]
        year = sub["y"].astype(float)
        if name.startswith("roc"):
            year = year + 1911
        parts.loc[parts.index[idx], "y"] = year.to_numpy()
        for k in ("m", "d", "H", "M", "S"):
            if k in sub:
                parts.loc[parts.index[idx], k] = sub[k].astype(float).to_numpy()
        hours = parts.loc[parts.index[idx], "H"].to_numpy()
        parts.loc[parts.index[idx], "H"] = twelve_hour(hours, sub.reindex(columns=["pre", "ampm"]))
        if "tz" in sub:
            tz = sub["tz"].fillna("")
            sign = np.where(tz.str.startswith("-"), -1, 1)
            digits = tz.str.replace(r"[^0-9]", "", regex=True).str.pad(4, side="right", fillchar="0")
            minutes = np.where(tz.eq(""), np.nan,
                               np.where(tz.eq("Z"), 0, sign * (pd.to_numeric(digits.str[:2], errors="coerce") * 60
                                                               + pd.to_numeric(digits.str[2:4], errors="coerce"))))
            parts.loc[parts.index[idx], "tzmin"] = minutes
        done[idx] = True
    needs_year = np.zeros(n, dtype=bool)
    todo = ~done
    if todo.any():
        ext = text[todo].str.extract(_NO_YEAR)
        ok = ext["m"].notna().to_numpy()
        idx = np.flatnonzero(todo)[ok]
        if schema.year is None:
            needs_year[idx] = True
        elif ok.any():
            sub = ext[ok]
            parts.loc[parts.index[idx], "y"] = float(schema.year)
            for k in ("m", "d", "H", "M", "S"):
                parts.loc[parts.index[idx], k] = sub[k].astype(float).to_numpy()
            parts.loc[parts.index[idx], "H"] = twelve_hour(sub["H"].astype(float), sub[["pre", "ampm"]])
            done[idx] = True
    todo = ~done
    if todo.any():
        serial = pd.to_numeric(text[todo].str.extract(_SERIAL)["serial"], errors="coerce")
        ok = serial.between(20000, 80000).to_numpy()
        if ok.any():
            idx = np.flatnonzero(todo)[ok]
            stamp = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[ok].to_numpy() * 86400, unit="s").round("s")
            fixed.iloc[idx] = stamp
            has = (serial[ok].to_numpy() % 1) != 0
            parts.loc[parts.index[idx], "H"] = np.where(has, 0, np.nan)
            done[idx] = True
    has_time = parts["H"].notna().to_numpy() | fast_time
    valid = parts["y"].between(*DATE_YEARS) & parts["m"].between(1, 12) & parts["d"].between(1, 31) \
        & parts["H"].fillna(0).between(0, 23) & parts["M"].fillna(0).between(0, 59) & parts["S"].fillna(0).between(0, 59)
    comp = parts[valid]
    built = pd.to_datetime(
        pd.DataFrame({"year": comp["y"], "month": comp["m"], "day": comp["d"], "hour": comp["H"].fillna(0),
                      "minute": comp["M"].fillna(0), "second": comp["S"].fillna(0)}),
        errors="coerce") if len(comp) else pd.Series([], dtype="datetime64[ns]")
    ts = fixed.copy()
    ts.loc[comp.index] = built.astype("datetime64[ns]").to_numpy()
    offset = parts["tzmin"]
    if offset.notna().any():
        sel = offset.notna() & ts.notna()
        utc = ts[sel] - pd.to_timedelta(offset[sel], unit="m")
        ts.loc[sel] = utc.dt.tz_localize("UTC").dt.tz_convert(schema.timezone).dt.tz_localize(None).to_numpy()
    return pd.DataFrame({"ts": ts.astype("datetime64[ns]"), "has_time": has_time, "needs_year": needs_year},
                        index=text.index)


def parse_times(values: pd.Series, schema: Schema | None = None, as_of: dt.date | None = None) -> ParsedTimes:
    """Parse a column of dates or date-times, working on its distinct values.

    Accepted forms: ISO (``2023-01-22``, ``2023-01-22 08:15:00``, ``2023-01-22T08:15:00+08:00``),
    ``2023/1/22 8:15``, ``2023.1.22``, ``2023年1月22日 8时15分``, ``20230122``, ``202301220815``,
    ``20230122081500``, US ``1/22/2023 08:15:00 PM``, ``2023/1/21 下午 3:15``, ``2023-01-22 12:10 AM``,
    ``31.01.23 08:00`` (:func:`~stats_lib.clean.dates.dotted_years`), Excel serials (20000-80000), the schema's
    ``date_format``; with ``calendar: roc`` also ``1040101``, ``104/01/01``, ``民國104年1月1日`` (+ 1911); with
    ``year:`` also ``1月21日``. Full-width digits are accepted (NFKC). A value with a UTC offset is
    converted to the schema's time zone. Datetime columns (Parquet) are taken as they are.

    Parameters
    ----------
    values
        Series of raw text (or datetime64).
    schema
        For ``date_format``, ``calendar``, ``year`` and ``timezone``.
    as_of
        When given, a date after it is rejected as ``future_date``.

    Returns
    -------
    ParsedTimes
        Timestamps (local, NaT where rejected) and a reject reason per value (``''`` when good).
    """
    schema = schema or Schema()
    if pd.api.types.is_datetime64_any_dtype(values):
        ts = values
        if getattr(ts.dt, "tz", None) is not None:
            ts = ts.dt.tz_convert(schema.timezone).dt.tz_localize(None)
        out_of_range = ts.notna() & ~ts.dt.year.between(*DATE_YEARS)
        ts = ts.where(~out_of_range).astype("datetime64[ns]")
        reasons = pd.Series(np.where(out_of_range, "bad_date", np.where(ts.isna(), "missing_date", "")),
                            index=values.index, dtype=object)
        has_time = pd.Series(ts.notna(), index=values.index)
        needs_year, order, period = 0, DayOrder(None), None
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        text = pd.Series(uniques).astype("str").str.normalize("NFKC").str.strip()
        text = text.str.replace(r"\s+", " ", regex=True)
        # a zone written as a word (BigQuery's '… UTC', '… GMT', '… UTC+8'): the ISO offset it names
        if not schema.date_format:
            text = zone_offsets(text)
        if not schema.date_format and schema.calendar != "roc":  # 31.01.23: year 2023
            text = dotted_years(text)
        order = day_order(text, schema.dayfirst)
        # 24:00 ends a day: the next day's 00:00 (a duty log writes the last call of the day so)
        h24 = text.str.contains(r"(?<=\d)[ T]24:00(?::00)?$", regex=True).to_numpy()
        if h24.any():
            text = text.where(~h24, text.str.replace(r"24:00(?::00)?$", "00:00", regex=True))
        parsed = _parse_unique(text, schema, order)
        if h24.any():
            parsed.loc[h24, "ts"] = parsed.loc[h24, "ts"] + pd.Timedelta(days=1)
        blank = text.eq("").to_numpy()
        reason_u = np.where(blank, "missing_date", np.where(parsed["ts"].isna().to_numpy(), "bad_date", ""))
        # append the missing-value slot (code -1)
        ts_u = np.append(parsed["ts"].to_numpy(), np.datetime64("NaT", "ns"))
        reason_u = np.append(reason_u, "missing_date")
        has_u = np.append(parsed["has_time"].to_numpy(), False)
        ny_u = np.append(parsed["needs_year"].to_numpy(), False)
        ts = pd.Series(ts_u[codes], index=values.index, dtype="datetime64[ns]")
        reasons = pd.Series(reason_u[codes], index=values.index, dtype=object)
        has_time = pd.Series(has_u[codes], index=values.index)
        needs_year = int(ny_u[codes].sum())
        bad = text[(reason_u[:-1] == "bad_date")]
        period = period_of(bad) if len(bad) * 2 > int((~blank).sum()) else None
    if len(ts):
        early = (ts < pd.Timestamp(schema.min_date)).to_numpy() & (reasons == "").to_numpy()
        reasons = reasons.where(~early, "implausible_date")
    if as_of is not None:
        limit = pd.Timestamp(as_of) + pd.Timedelta(days=1)
        future = (ts >= limit).to_numpy() & (reasons == "").to_numpy()
        reasons = reasons.where(~future, "future_date")
    ts = ts.where(reasons == "")
    return ParsedTimes(timestamps=ts, reasons=reasons.astype(str), has_time=has_time & (reasons == ""),
                       needs_year=needs_year, order=order, period=period)


def parse_hours(values: pd.Series) -> pd.Series:
    """Parse an hour-of-day column: the leading number of ``8``, ``08``, ``08:00``, ``8时``, ``08~10``, ``18-20``.

    Parameters
    ----------
    values
        Series of raw text.

    Returns
    -------
    Series of float
        Same index: hour 0-23, NaN when missing or not an hour.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(uniques).astype("str").str.normalize("NFKC").str.strip()
    hour = pd.to_numeric(text.str.extract(r"^(\d{1,2})(?!\d)", expand=False), errors="coerce")
    hour = hour.where(hour.between(0, 23))
    return pd.Series(np.append(hour.to_numpy(dtype=float), np.nan)[codes], index=values.index)


@dataclass(frozen=True)
class ParsedCounts:
    """Result of :func:`parse_counts`.

    Attributes
    ----------
    counts : Series of Int64
        The count (a non-negative integer); ``<NA>`` where rejected.
    reasons : Series of str
        ``''`` when kept, ``masked_count`` (``*``, ``—``, ``-``, empty, ``NA`` …) or ``bad_count``
        (negative, fractional or not a number).
    """

    counts: pd.Series
    reasons: pd.Series


#: Counts from this value up are rejected as bad_count (a phone or ID number in a count cell, not a count).
MAX_COUNT = 100_000_000


def parse_counts(values: pd.Series) -> ParsedCounts:
    """Parse the count cells of a long or wide table, working on distinct values.

    Masked or missing cells are never zero: they are rejected as ``masked_count``. ``1,234`` and
    ``37.0`` are accepted (1234, 37). A count of :data:`MAX_COUNT` or more is ``bad_count``: no cell of a
    desk's table holds a hundred million incidents, while a phone number (13812345678) or an ID number typed
    into a count cell does.

    Parameters
    ----------
    values
        Series of raw text, or numbers (Excel, Parquet).

    Returns
    -------
    ParsedCounts
        Counts (Int64, <NA> where rejected) and a reject reason per cell (``''`` when good).
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        num = values.astype(float)
        masked = num.isna().to_numpy()
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        text = pd.Series(uniques).astype("str").str.normalize("NFKC").str.strip()
        is_masked = text.isin(MASKED_TOKENS).to_numpy() | text.str.fullmatch(r"[*—\-–]+").to_numpy()
        num_u = pd.to_numeric(text.str.replace(r"(?<=\d),(?=\d{3})", "", regex=True), errors="coerce")
        num = pd.Series(np.append(num_u.to_numpy(dtype=float), np.nan)[codes], index=values.index)
        masked = np.append(is_masked, True)[codes]
    values_f = num.to_numpy(dtype=float)
    finite = np.isfinite(values_f) & (np.abs(np.nan_to_num(values_f)) < MAX_COUNT)
    whole = np.mod(np.where(finite, values_f, 0.5), 1) == 0
    bad = ~masked & ~(finite & (np.nan_to_num(values_f) >= 0) & whole)
    reasons = np.where(masked, "masked_count", np.where(bad, "bad_count", ""))
    counts = num.where(reasons == "").round().astype("Int64")
    return ParsedCounts(counts=counts, reasons=pd.Series(reasons, index=values.index, dtype=object).astype(str))


def statistical_day(timestamps: pd.Series, day_start_minutes: int = 0) -> pd.DataFrame:
    """The statistical day and the clock hour of each timestamp.

    With a day boundary of 08:00 (480 minutes) a record at 07:59 belongs to the previous day. The
    DuckDB engine applies the same rule in SQL (``CAST(ts - INTERVAL m MINUTE AS DATE)``, ``hour(ts)``).

    Parameters
    ----------
    timestamps
        Series of datetime64[ns], local time.
    day_start_minutes
        The day boundary, minutes after midnight (the schema's ``day_start``).

    Returns
    -------
    DataFrame
        Same index: ``date`` (datetime64[ns], midnight of the statistical day) and ``hour`` (the clock hour
        0-23 of the timestamp itself).
    """
    shifted = timestamps - pd.Timedelta(minutes=day_start_minutes)
    return pd.DataFrame({"date": shifted.dt.normalize(), "hour": timestamps.dt.hour}, index=timestamps.index)


def default_as_of() -> dt.date:
    """Return today in Asia/Shanghai (a ``datetime.date``): the default as-of date; later dates are future.

    Returns
    -------
    dt.date
        Today's date in Asia/Shanghai.
    """
    return today_shanghai()


def kind_values(values: pd.Series) -> pd.Series:
    """Read a kind column (``警情``/``案件``, ``incident``/``case`` …), working on its distinct values.

    Parameters
    ----------
    values
        Series of raw text.

    Returns
    -------
    Series of str
        Same index: ``案件`` when the value names a case (holds 案 but not 警情, or starts with ``case``), else
        ``警情`` (also for a missing value).
    """
    def one(v: object) -> str:
        key = match_key(v)
        return "案件" if ("案" in key and "警情" not in key) or key.startswith("case") else "警情"

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([one(u) for u in uniques] + ["警情"], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object).astype(str)


#: An id in scientific notation (3.20100202301210E+19): Excel's display of a long number, digits lost.
#: The DuckDB engine counts such ids with the same expression in SQL (duckdb_scan).
SCI_ID = r"[+-]?[0-9]+(?:\.[0-9]*)?[Ee][+-]?[0-9]+"


def sci_ids(values: pd.Series) -> int:
    """Count the ids written in scientific notation (``3.20100202301210E+19``, or ``3.2010020230121e+19``
    as the Excel reader writes a number of 16 digits or more, which a double cannot hold).

    Such ids lost their last digits: distinct records share one. A column holding any is not used to
    remove duplicates (its rows are treated as rows without an id).

    Parameters
    ----------
    values
        Series of id text.

    Returns
    -------
    int
        The number of such values.
    """
    return int(values.astype(str).str.strip().str.fullmatch(SCI_ID).sum())


def duplicate_flags(rows: pd.DataFrame, row_key: Sequence[str], dedupe: str | None) -> pd.DataFrame:
    """Which rows are kept, removed as duplicates, exact duplicates, and final (counted).

    A good row (``reason == ''``) whose (kind, id) appeared before is a duplicate and removed; a good row
    without an id whose ``row_key`` (a hash of the whole row) appeared before is an exact duplicate,
    removed only with ``dedupe="exact"``. The first occurrence, in the order of ``rows``, is kept.

    Parameters
    ----------
    rows : DataFrame with ``reason`` (str), ``kind`` (str), ``id`` (str, ``''`` when none) and the
        ``row_key`` columns, in file order.
    row_key
        The columns that identify a whole row.
    dedupe
        ``"exact"``, None, or ``"none"`` (nothing removed: neither by id nor exact duplicates).

    Returns
    -------
    DataFrame
        DataFrame aligned with ``rows``, boolean columns ``kept`` (not rejected), ``removed`` (a duplicate
        removed), ``exact`` (an exact duplicate, removed or not) and ``final`` (kept and not removed).
    """
    kept = rows["reason"] == ""
    by_id = kept & (rows["id"] != "") & (dedupe != "none")
    dup_id = pd.Series(False, index=rows.index)
    dup_id[by_id] = rows.loc[by_id].duplicated(["kind", "id"], keep="first")
    no_id = kept & (rows["id"] == "")
    exact = pd.Series(False, index=rows.index)
    exact[no_id] = rows.loc[no_id].duplicated(["kind", *row_key], keep="first")
    removed = dup_id | exact if dedupe == "exact" else dup_id
    return pd.DataFrame({"kept": kept, "removed": removed, "exact": exact, "final": kept & ~removed},
                        index=rows.index)
