"""Cleaning: exports in, the canonical daily (and hourly) table out, every input row accounted for.

The pipeline runs in clear stages (pandas engine)::

    read (io.read_table) → map columns (schema.map_columns) → parse dates (parse_times)
    → reject (bad/missing/future date, bad/masked count) → de-duplicate → normalise categories
    (taxonomy.map_categories), subcategories and districts → aggregate → ledger

The per-value stages — :func:`parse_times`, :func:`parse_hours`, :func:`parse_counts`,
:func:`clean_districts`, :func:`statistical_day`, :func:`stats_lib.taxonomy.normalise_values` and
:func:`stats_lib.taxonomy.map_categories` — take a pandas Series and work on its distinct values, so
the DuckDB engine (``engine="duckdb"``, :mod:`stats_lib.engine_duckdb`) applies exactly the same rules
to the distinct values it gets from SQL, and both engines give identical outputs.

Ledger invariant: ``rows_read == rows_kept + rows_rejected + duplicates_removed``; for ``long`` and
``wide`` input a "row" is one count cell.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.errors import InputError, ParameterError
from stats_lib.ingest.readers import RawTable, read_table
from stats_lib.ingest.schema import (
    AUTO_COLUMNS,
    Schema,
    detect_kind,
    header_key,
    is_sensitive,
    is_total,
    load_schema,
    map_columns,
)
from stats_lib.ingest.taxonomy import (
    load_taxonomy,
    map_categories,
    match_key,
    normalisation_flags,
    normalise_text,
    normalise_values,
)
from stats_lib.safe import write_csv
from stats_lib.tables import (
    Cleaned,
    empty_daily,
    is_cleaned_dir,
    normalise_daily,
    normalise_hourly,
    read_cleaned,
)
from stats_lib.windows import as_date, today_shanghai

__all__ = [
    "REASONS",
    "MASKED_TOKENS",
    "ParsedTimes",
    "ParsedCounts",
    "parse_times",
    "parse_hours",
    "parse_counts",
    "statistical_day",
    "clean_districts",
    "default_as_of",
    "load",
    "load_data",
    "write_cleaned",
    "ledger_summary",
]

#: Reject reason codes, in the order they are tested.
REASONS = ("missing_date", "bad_date", "future_date", "masked_count", "bad_count")
#: Count cells that mean "masked or missing": never zero.
MASKED_TOKENS = frozenset({"", "*", "**", "***", "****", "—", "——", "-", "--", "–", "NA", "N/A", "na", "n/a",
                           "NaN", "nan", "null", "NULL", "None", "×", "/"})

_TIME = r"(?:[ T]*(?P<H>\d{1,2})[:时点](?:(?P<M>\d{1,2})分?)?(?::?(?P<S>\d{1,2})(?:\.\d+)?秒?)?)?"
_PATTERNS = {
    "iso": re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{1,2})"
                      r"(?::(?P<S>\d{1,2})(?:\.\d+)?)?)?\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"),
    "zh": re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]" + _TIME + "$"),
    "compact": re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[ T]?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?$"),
    "us": re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
                     r"\s*(?P<ampm>[AaPp][Mm])?)?$"),
}
_ROC = {
    "roc_compact": re.compile(r"^(?P<y>\d{3})(?P<m>\d{2})(?P<d>\d{2})$"),
    "roc": re.compile(r"^(?:民国)?(?P<y>\d{2,3})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?" + _TIME + "$"),
}
_NO_YEAR = re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]" + _TIME + "$")
_SERIAL = re.compile(r"^(?P<serial>\d{5}(?:\.\d+)?)$")
#: Years a date may have; outside them it is a bad date (and beyond what datetime64[ns] holds).
_YEARS = (1900, 2200)


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
    """

    timestamps: pd.Series
    reasons: pd.Series
    has_time: pd.Series
    needs_year: int = 0


def _parse_unique(text: pd.Series, schema: Schema) -> pd.DataFrame:
    """Parse normalised distinct strings; return columns ts (datetime64[ns]), has_time, needs_year."""
    n = len(text)
    parts = pd.DataFrame({k: np.full(n, np.nan) for k in ("y", "m", "d", "H", "M", "S", "tzmin")})
    done = np.zeros(n, dtype=bool)
    fixed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    fast_time = np.zeros(n, dtype=bool)
    formats = ([schema.date_format] if schema.date_format else []) + ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
    for fmt in formats:  # fast exact formats first (C parser); the regular expressions take the rest
        todo = ~done
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        got = got.where(got.dt.year.between(_YEARS[0], _YEARS[1])).astype("datetime64[ns]")
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
        if "ampm" in sub:
            pm = sub["ampm"].str.lower().eq("pm").to_numpy()
            hours = parts.loc[parts.index[idx], "H"].to_numpy()
            hours = np.where(pm & (hours < 12), hours + 12, np.where(~pm & sub["ampm"].notna().to_numpy()
                                                                     & (hours == 12), 0, hours))
            parts.loc[parts.index[idx], "H"] = hours
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
    valid = parts["y"].between(*_YEARS) & parts["m"].between(1, 12) & parts["d"].between(1, 31) \
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
    ``20230122081500``, US ``1/22/2023 08:15:00 PM``, Excel serial numbers (20000-80000), the schema's
    ``date_format``; with ``calendar: roc`` also ``1040101`` and ``104/01/01`` (year + 1911); with
    ``year:`` also ``1月21日``. Full-width digits are accepted (NFKC). A value with a UTC offset is
    converted to the schema's time zone. Datetime columns (Parquet) are taken as they are.

    Parameters
    ----------
    values : Series of raw text (or datetime64).
    schema : for ``date_format``, ``calendar``, ``year`` and ``timezone``.
    as_of : when given, a date after it is rejected as ``future_date``.

    Returns
    -------
    ParsedTimes
    """
    schema = schema or Schema()
    if pd.api.types.is_datetime64_any_dtype(values):
        ts = values
        if getattr(ts.dt, "tz", None) is not None:
            ts = ts.dt.tz_convert(schema.timezone).dt.tz_localize(None)
        out_of_range = ts.notna() & ~ts.dt.year.between(*_YEARS)
        ts = ts.where(~out_of_range).astype("datetime64[ns]")
        reasons = pd.Series(np.where(out_of_range, "bad_date", np.where(ts.isna(), "missing_date", "")),
                            index=values.index, dtype=object)
        has_time = pd.Series(ts.notna(), index=values.index)
        needs_year = 0
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        text = pd.Series(uniques).astype("str").str.normalize("NFKC").str.strip()
        text = text.str.replace(r"\s+", " ", regex=True)
        parsed = _parse_unique(text, schema)
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
    if as_of is not None:
        limit = pd.Timestamp(as_of) + pd.Timedelta(days=1)
        future = (ts >= limit).to_numpy() & (reasons == "").to_numpy()
        reasons = reasons.where(~future, "future_date")
    ts = ts.where(reasons == "")
    return ParsedTimes(timestamps=ts, reasons=reasons.astype(str), has_time=has_time & (reasons == ""),
                       needs_year=needs_year)


def parse_hours(values: pd.Series) -> pd.Series:
    """Parse an hour-of-day column: the leading number of ``8``, ``08``, ``08:00``, ``8时``, ``08~10``, ``18-20``.

    Returns
    -------
    Series of float, same index: hour 0-23, NaN when missing or not an hour.
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


def parse_counts(values: pd.Series) -> ParsedCounts:
    """Parse the count cells of a long or wide table, working on distinct values.

    Masked or missing cells are never zero: they are rejected as ``masked_count``. ``1,234`` and
    ``37.0`` are accepted (1234, 37).

    Returns
    -------
    ParsedCounts
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
    finite = np.isfinite(values_f) & (np.abs(np.nan_to_num(values_f)) < 1e12)
    whole = np.mod(np.where(finite, values_f, 0.5), 1) == 0
    bad = ~masked & ~(finite & (np.nan_to_num(values_f) >= 0) & whole)
    reasons = np.where(masked, "masked_count", np.where(bad, "bad_count", ""))
    counts = num.where(reasons == "").round().astype("Int64")
    return ParsedCounts(counts=counts, reasons=pd.Series(reasons, index=values.index, dtype=object).astype(str))


def statistical_day(timestamps: pd.Series, day_start_minutes: int = 0) -> tuple[pd.Series, pd.Series]:
    """Return the statistical day (midnight, datetime64[ns]) and the clock hour (0-23) of each timestamp.

    With a day boundary of 08:00 (480 minutes) a record at 07:59 belongs to the previous day.
    """
    shifted = timestamps - pd.Timedelta(minutes=day_start_minutes)
    return shifted.dt.normalize(), timestamps.dt.hour


def _tolerant(pattern: str) -> re.Pattern:
    """Compile ``pattern`` so that each Chinese character also matches its Traditional/Simplified variants."""
    from opencc import OpenCC


    s2t = OpenCC("s2t")
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped or ch == "\\":
            out.append(ch)
            escaped = not escaped and ch == "\\"
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        variants = "".join(dict.fromkeys(ch + normalise_text(ch) + s2t.convert(ch)))
        if len(variants) > 1 and "\u4e00" <= ch <= "\u9fff":
            out.append(variants if in_class else f"[{variants}]")
        else:
            out.append(ch)
    return re.compile("".join(out))


def clean_districts(values: pd.Series, schema: Schema | None = None) -> pd.Series:
    """Clean a district column, or extract districts from an address column with ``district_pattern``.

    The pattern is matched on the NFKC text, each Chinese character of the pattern also matching its
    Traditional and Simplified variants, so ``臺北市(..區)`` also finds ``台北市文山区``. The result is
    normalised (NFKC, trimmed, Simplified); integral numbers lose a trailing ``.0`` (``1.0`` → ``1``).

    Returns
    -------
    Series of str, same index; ``''`` when blank or when the pattern does not match.
    """

    schema = schema or Schema()
    rx = _tolerant(schema.district_pattern) if schema.district_pattern else None

    def one(raw: object) -> str:
        if raw is None or (isinstance(raw, float) and np.isnan(raw)):
            return ""
        text = str(raw)
        if rx is not None:
            m = rx.search(unicodedata.normalize("NFKC", text))
            text = m.group(1) if m and m.group(1) else ""
        return re.sub(r"^(\d+)\.0+$", r"\1", normalise_text(text))

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([one(u) for u in uniques] + [""], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object).astype(str)


def default_as_of() -> dt.date:
    """Today in Asia/Shanghai: the default reference date (later dates are rejected as future)."""
    return today_shanghai()


# ----------------------------------------------------------------------------------------------
# One file: read → map columns → parse → reasons
# ----------------------------------------------------------------------------------------------

_RAW_COLUMNS = ["id", "time", "hour", "category", "subcategory", "district", "count"]
_IGNORED_WIDE = ("序号", "星期", "周", "周几", "weekday", "day", "备注", "说明", "天气")


@dataclass
class _Part:
    rows: pd.DataFrame          # one row per input row (or count cell)
    rejects: pd.DataFrame
    info: dict
    mismatches: list


def _kind_values(values: pd.Series) -> pd.Series:
    def one(v: object) -> str:
        key = match_key(v)
        return "案件" if ("案" in key and "警情" not in key) or key.startswith("case") else "警情"

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([one(u) for u in uniques] + ["警情"], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object).astype(str)


def _detect_shape(headers: list[str], cols: dict, schema: Schema, levels: list) -> str:
    if schema.shape:
        return schema.shape
    if "count" in cols:
        return "long"
    taxonomy = load_taxonomy("default")
    known = set(taxonomy.lookup.get("警情", {})) | set(taxonomy.lookup.get("案件", {}))
    role_headers = set(cols.values())
    hits = 0
    for j, h in enumerate(headers):
        if h in role_headers:
            continue
        parts = levels[j] if levels and j < len(levels) else str(h).split("/")
        if any(match_key(p) in known or is_total(p) for p in parts):
            hits += 1
    return "wide" if hits >= 2 else "records"


def _flags(raw_columns: list[pd.Series], index: pd.Index) -> pd.DataFrame:
    out = pd.DataFrame(False, index=index, columns=["fullwidth", "traditional", "whitespace"])
    for s in raw_columns:
        out |= normalisation_flags(s).to_numpy()
    return out


def _rejects(path: str, lines: np.ndarray, reasons: pd.Series, raw: dict[str, pd.Series]) -> pd.DataFrame:
    bad = (reasons != "").to_numpy()
    out = pd.DataFrame({"file": path, "line": lines[bad], "reason": reasons.to_numpy()[bad]})
    for name in _RAW_COLUMNS:
        if name in raw:
            values = pd.Series(raw[name].astype(str).to_numpy()[bad], dtype=object)
            long = values.str.len() > 200
            out[name] = values.where(~long, values.str[:200] + "…").to_numpy()
    return out


def _time_columns(frame: pd.DataFrame, cols: dict, schema: Schema, as_of: dt.date, path: str,
                  typed: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse the time (and hour) columns of one file: timestamps, reasons, has_time."""
    raw = frame[cols["time"]]
    parsed = parse_times(raw, schema, as_of)
    if parsed.needs_year:
        nonblank = int((parsed.reasons != "missing_date").sum())
        if parsed.needs_year * 2 >= nonblank:
            raise InputError(f"{path}: dates in column '{cols['time']}' are written without a year (such as "
                             "1月21日); set 'year:' in the schema")
    ts, has_time = parsed.timestamps, parsed.has_time
    if "hour" in cols:
        hours = parse_hours(frame[cols["hour"]])
        add = hours.notna() & ~has_time & ts.notna()
        ts = ts.where(~add, ts + pd.to_timedelta(hours.fillna(0), unit="h"))
        has_time = has_time | add
    if typed and has_time.any():  # Excel/Parquet cells cannot tell a date from midnight
        kept = ts[has_time]
        if (kept == kept.dt.normalize()).all():
            has_time = pd.Series(False, index=ts.index)
    return ts, parsed.reasons, has_time


def _file_part(table: RawTable, schema: Schema, as_of: dt.date, fi: int) -> _Part:
    path = str(table.path)
    frame = table.frame
    headers = list(frame.columns)
    cols = map_columns(headers, schema, path)
    if "time" not in cols:
        expected = ", ".join(AUTO_COLUMNS["time"][:8])
        raise InputError(f"{path}: no date/time column found (expected one of {expected} …, or 'columns: time:' "
                         f"in the schema); columns found: {_show(headers)}")

    shape = _detect_shape(headers, cols, schema, table.header_levels)
    if shape == "long" and "count" not in cols:
        raise InputError(f"{path}: a long table needs a count column (expected one of "
                         f"{', '.join(AUTO_COLUMNS['count'][:6])} …, or 'columns: count:'); columns found: "
                         f"{_show(headers)}")
    used = set(cols.values())
    sensitive = [h for h in headers if is_sensitive(h) and h not in used]
    info = {"path": path, "sha256": table.sha256, "encoding": table.encoding, "shape": shape,
            "sheet": table.sheet, "columns": {k: v for k, v in cols.items() if k != "date_only"},
            "time_column": cols["time"], "sensitive_columns_dropped": sensitive, "notes": list(table.notes)}
    kind = None if "kind" in cols else detect_kind(headers, schema)
    info["kind"] = kind or f"column {cols['kind']}"
    if shape == "wide":
        return _wide_part(table, cols, schema, as_of, fi, kind, info)
    if shape == "long":  # a 合计/小计 row (by date, category or district) is a sum of other rows, not data
        total = np.zeros(len(frame), dtype=bool)
        for role in ("time", "category", "subcategory", "district"):
            if role in cols:
                codes, uniques = pd.factorize(frame[cols[role]], use_na_sentinel=True)
                total |= np.append(np.array([is_total(u) for u in uniques], dtype=bool), False)[codes]
        info["total_rows_dropped"] = int(total.sum())
        if total.any():
            info["notes"].append(f"{int(total.sum())} 合计/小计 row(s) dropped (sums of other rows, not data)")
            table = replace(table, frame=frame[~total].reset_index(drop=True), lines=table.lines[~total])
            frame = table.frame
    ts, reasons, has_time = _time_columns(frame, cols, schema, as_of, path, table.encoding is None)
    n = len(frame)
    raw = {"time": frame[cols["time"]]}
    for role in ("id", "hour", "category", "subcategory", "district", "count"):
        if role in cols:
            raw[role] = frame[cols[role]]
    if shape == "long":
        counts = parse_counts(frame[cols["count"]])
        reasons = reasons.where(reasons != "", counts.reasons)
        count = counts.counts.fillna(0).astype("int64")
    else:
        count = pd.Series(1, index=frame.index, dtype="int64")
    district_src = frame[cols["address"]] if "address" in cols else frame.get(cols.get("district", ""))
    empty = pd.Series("", index=frame.index, dtype=object)
    district = clean_districts(district_src, schema) if district_src is not None else empty.astype(str)
    if "address" in cols:
        raw["district"] = district
        unmatched = int(((frame[cols["address"]].str.strip() != "") & (district == "")).sum())
    elif schema.district_pattern and district_src is not None:
        unmatched = int(((district_src.astype(str).str.strip() != "") & (district == "")).sum())
    else:
        unmatched = 0
    flag_cols = [frame[cols[r]] for r in ("category", "subcategory", "district") if r in cols]
    rows = pd.DataFrame({
        "fi": np.int32(fi), "line": table.lines, "shape": shape,
        "kind": _kind_values(frame[cols["kind"]]) if "kind" in cols else kind,
        "id": frame[cols["id"]].astype(str).str.strip() if "id" in cols else "",
        "ts": ts, "has_time": has_time.to_numpy(), "has_cat": "category" in cols,
        "cat": frame[cols["category"]] if "category" in cols else "",
        "sub": frame[cols["subcategory"]] if "subcategory" in cols else "",
        "dist": district, "count": count, "reason": reasons.astype(str),
        "hash": _row_hashes(frame, frame[cols["id"]] if "id" in cols else None),
    }, index=frame.index)
    rows = pd.concat([rows, _flags(flag_cols, frame.index)], axis=1).reset_index(drop=True)
    info["rows_read"] = n
    info["district_unmatched"] = unmatched
    return _Part(rows=rows, rejects=_rejects(path, table.lines, reasons, raw), info=info, mismatches=[])


def _row_hashes(frame: pd.DataFrame, ids: pd.Series | None) -> np.ndarray:
    """Hash of every cell of each row (for exact duplicates); only rows without an id need one."""
    out = np.zeros(len(frame), dtype=np.uint64)
    need = np.ones(len(frame), dtype=bool) if ids is None else (ids.astype(str).str.strip() == "").to_numpy()
    if need.any():
        out[need] = pd.util.hash_pandas_object(frame[need], index=False).to_numpy()
    return out


def _wide_label(levels: list[str], kind: str | None) -> str:
    taxonomy = load_taxonomy("default")
    tables = [taxonomy.lookup.get(kind, {})] if kind else list(taxonomy.lookup.values())
    for part in reversed(levels):
        if any(match_key(part) in t for t in tables):
            return part
    return levels[-1] if levels else ""


def _wide_part(table: RawTable, cols: dict, schema: Schema, as_of: dt.date, fi: int, kind: str | None,
               info: dict) -> _Part:
    path = str(table.path)
    frame = table.frame
    headers = list(frame.columns)
    role_cols = {cols["time"], cols.get("district"), cols.get("kind"), cols.get("address"), cols.get("id")}
    levels = {h: (table.header_levels[j] if table.header_levels else [p for p in str(h).split("/") if p])
              for j, h in enumerate(headers)}
    totals, cats, ignored = [], [], []
    for h in headers:
        if h in role_cols or is_sensitive(h):
            continue
        if any(is_total(p) for p in levels[h]):
            totals.append(h)
        elif any(header_key(p) in _IGNORED_WIDE for p in levels[h]) or not levels[h]:
            ignored.append(h)
        else:
            parsed = parse_counts(frame[h])
            (cats if (parsed.reasons != "bad_count").any() else ignored).append(h)
    if not cats:
        raise InputError(f"{path}: a wide table needs one column per category; none found among {_show(headers)}")
    if ignored:
        info["notes"].append(f"columns ignored (not counts): {', '.join(ignored)}")
    date_raw = frame[cols["time"]]
    is_total_row = date_raw.map(is_total).astype(bool) if len(frame) else pd.Series([], dtype=bool)
    if "district" in cols:
        is_total_row |= frame[cols["district"]].map(is_total).astype(bool)
    cells = frame[cats]
    parsed_date = parse_times(date_raw, schema, as_of)
    empty_cells = (cells.apply(lambda s: s.astype(str).str.strip()) == "").all(axis=1)
    skipped = ~is_total_row & empty_cells & (parsed_date.reasons != "")
    data = ~is_total_row & ~skipped
    if skipped.any():
        info["notes"].append(f"{int(skipped.sum())} row(s) without a date or counts skipped (notes, blank rows)")
    info["total_rows_dropped"] = int(is_total_row.sum())
    info["total_columns_dropped"] = totals
    ts, reasons, _ = _time_columns(frame[data], cols, schema, as_of, path, table.encoding is None)
    sub = frame[data]
    label = {h: _wide_label(levels[h], kind) for h in cats}
    n_rows, n_cats = len(sub), len(cats)
    long = pd.DataFrame({
        "row": np.repeat(np.arange(n_rows), n_cats),
        "cat": np.tile(np.array([label[h] for h in cats], dtype=object), n_rows),
        "raw": sub[cats].to_numpy().ravel(),
    })
    counts = parse_counts(long["raw"])
    row_reason = np.repeat(reasons.to_numpy(), n_cats)
    reason = pd.Series(np.where(row_reason != "", row_reason, counts.reasons.to_numpy()), dtype=object)
    dist_raw = sub[cols["district"]] if "district" in cols else None
    district = clean_districts(dist_raw, schema) if dist_raw is not None else pd.Series("", index=sub.index)
    lines = np.repeat(table.lines[data.to_numpy()], n_cats)
    date_rep = np.repeat(sub[cols["time"]].astype(str).to_numpy(), n_cats)
    dist_rep = np.repeat(dist_raw.astype(str).to_numpy(), n_cats) if dist_raw is not None else np.full(len(long), "")
    kinds = (np.repeat(_kind_values(sub[cols["kind"]]).to_numpy(), n_cats) if "kind" in cols else kind)
    hash_frame = pd.DataFrame({"d": date_rep, "r": dist_rep, "c": long["cat"], "v": long["raw"].astype(str)})
    cat_flags = _flags([long["cat"]], long.index)
    dist_flags = _flags([pd.Series(dist_rep)], long.index) if dist_raw is not None else cat_flags & False
    rows = pd.DataFrame({
        "fi": np.int32(fi), "line": lines, "shape": "wide", "kind": kinds, "id": "",
        "ts": np.repeat(ts.to_numpy(), n_cats), "has_time": False, "has_cat": True,
        "cat": long["cat"], "sub": "", "dist": np.repeat(district.to_numpy(), n_cats),
        "count": counts.counts.fillna(0).astype("int64").to_numpy(), "reason": reason.astype(str),
        "hash": pd.util.hash_pandas_object(hash_frame, index=False).to_numpy(),
    })
    rows = pd.concat([rows, cat_flags | dist_flags], axis=1)
    raw = {"time": pd.Series(date_rep), "category": long["cat"], "count": long["raw"].astype(str)}
    if dist_raw is not None:
        raw["district"] = pd.Series(dist_rep)
    info["rows_read"] = len(rows)
    info["district_unmatched"] = 0
    mismatches = _total_checks(frame, data, is_total_row, cats, totals, label, ts, table.lines, path)
    return _Part(rows=rows, rejects=_rejects(path, lines, reason, raw), info=info, mismatches=mismatches)


def _total_checks(frame: pd.DataFrame, data: pd.Series, total_rows: pd.Series, cats: list[str], totals: list[str],
                  label: dict, ts: pd.Series, lines: np.ndarray, path: str) -> list[dict]:
    """Compare the parts of a wide table with its 合计 columns (per row) and 合计 rows (per column)."""
    out: list[dict] = []
    parts = pd.DataFrame({h: parse_counts(frame.loc[data, h]).counts for h in cats})
    complete = parts.notna().all(axis=1) & ts.notna().to_numpy()
    found = parts.sum(axis=1, skipna=True)
    day = ts.dt.strftime("%Y-%m-%d")
    data_lines = lines[data.to_numpy()]
    for t in totals:
        expected = parse_counts(frame.loc[data, t]).counts
        bad = complete & expected.notna() & (expected != found)
        for i in np.flatnonzero(bad.to_numpy()):
            out.append({"date": day.iloc[i], "expected": int(expected.iloc[i]), "found": int(found.iloc[i]),
                        "file": path, "line": int(data_lines[i]), "column": t})
    total_lines = lines[total_rows.to_numpy()]
    for k, (_, row) in enumerate(frame[total_rows].iterrows()):  # a few 合计 rows, not data rows
        for h in cats:
            expected = parse_counts(pd.Series([row[h]])).counts.iloc[0]
            column = parts[h]
            if pd.isna(expected) or column.isna().any():
                continue
            if int(column.sum()) != int(expected):
                out.append({"date": None, "category": label[h], "expected": int(expected),
                            "found": int(column.sum()), "file": path, "line": int(total_lines[k]), "column": h})
    return out


def _show(headers: list[str], limit: int = 12) -> str:
    shown = [str(h)[:30] for h in headers[:limit]]
    more = f" … ({len(headers)} in all)" if len(headers) > limit else ""
    return ", ".join(shown) + more if shown else "(none)"


# ----------------------------------------------------------------------------------------------
# All files: de-duplicate → categories → aggregate → ledger
# ----------------------------------------------------------------------------------------------


def _expand(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = [Path(p) for p in paths]
    if not files:
        raise InputError("no input files given")
    for p in files:
        if not p.exists():
            raise InputError(f"{p}: file not found")
        if p.is_dir():
            raise InputError(f"{p}: is a folder, expected export files (or a cleaned folder with daily.parquet)")
    return files


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


def ledger_settings(schema: Schema, as_of: dt.date, dedupe: str | None, engine: str) -> dict:
    """The settings part of the ledger (the same keys, in the same order, for both engines)."""
    return {
        "dedupe": dedupe,
        "as_of": as_of.isoformat(),
        "day_start": schema.day_start,
        "timezone": schema.timezone,
        "taxonomy": schema.taxonomy,
        "schema": None if schema == Schema() else schema.source,
        "engine": engine,
    }


def _assemble(parts: list[_Part], schema: Schema, as_of: dt.date, dedupe: str | None) -> Cleaned:
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
    rejects = rejects.reindex(columns=["file", "line", "reason"] + [c for c in _RAW_COLUMNS if c in rejects])
    rejects = rejects.fillna("")
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger, rejects=rejects)


def load(paths: str | Path | Sequence[str | Path], schema: str | Path | dict | Schema | None = None,
         as_of: str | dt.date | None = None, dedupe: str | None = None, engine: str = "auto") -> Cleaned:
    """Clean one or more exports into the canonical tables.

    Parameters
    ----------
    paths : export files (CSV, TSV, ``.csv.gz``, Excel, Parquet), for example one per month. Files of
        different kinds (incidents and cases) may be cleaned together; the kind of each file comes from
        the schema's ``kind:``/``kind_column:`` or its headers.
    schema : path of a schema YAML, a dict with its keys, or None (everything detected).
    as_of : dates after this day are rejected as ``future_date`` (default: today, Asia/Shanghai).
    dedupe : ``"exact"`` also drops exact duplicate rows of files without an id column
        (otherwise they are counted in the ledger and kept).
    engine : ``"pandas"`` (this module), ``"duckdb"`` (:mod:`stats_lib.engine_duckdb`), or ``"auto"``:
        DuckDB for record-level input above
        :data:`stats_lib.engine_duckdb.AUTO_MIN_BYTES` (or Parquet above ``AUTO_MIN_ROWS`` rows), else pandas.

    Returns
    -------
    Cleaned
        ``daily`` (date, kind, category, subcategory, district, count), ``hourly`` (date, hour, kind,
        category, district, count; None without record-level times), ``ledger`` (dict, see
        :func:`ledger_summary`) and ``rejects`` (file, line, reason and the raw values of the
        non-sensitive columns: id, time, hour, category, subcategory, district, count).

    Raises
    ------
    InputError
        Unreadable or empty file, missing required column, no data rows. SchemaError for a bad schema.
    """
    files = _expand(paths)
    sch = load_schema(schema)
    as_of_date = default_as_of() if as_of is None else _as_date(as_of)
    if dedupe not in (None, "exact"):
        raise ParameterError(f"dedupe: expected 'exact' or nothing, got {dedupe!r}")
    if engine == "auto":
        from stats_lib.clean import engine_duckdb

        # Large record-level input goes out of core (memory stays flat); small input stays in pandas.
        engine = "duckdb" if engine_duckdb.should_use(files) else "pandas"
    if engine == "duckdb":
        from stats_lib.clean import engine_duckdb

        return engine_duckdb.clean_records(files, sch, as_of_date, dedupe)
    if engine not in ("auto", "pandas"):
        raise ParameterError(f"engine: expected auto, pandas or duckdb, got {engine!r}")
    parts = [_file_part(read_table(path, sch), sch, as_of_date, i) for i, path in enumerate(files)]
    if sum(len(p.rows) for p in parts) == 0:
        names = ", ".join(str(f) for f in files)
        raise InputError(f"{names}: no data rows (only a header?)")
    for p in parts:
        if p.info["rows_read"] == 0:
            p.info["notes"].append("no data rows")
    return _assemble(parts, sch, as_of_date, dedupe)


def _as_date(value: str | dt.date) -> dt.date:

    return as_date(value, what="as_of")


def load_data(paths: str | Path | Sequence[str | Path], schema: str | Path | dict | Schema | None = None,
              as_of: str | dt.date | None = None) -> Cleaned:
    """Load a cleaned folder (written by ``briefing clean``) or clean raw exports.

    Parameters
    ----------
    paths : one cleaned folder (holding ``daily.parquet``), or raw export files for :func:`load`.

    Returns
    -------
    Cleaned
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    cleaned = [p for p in items if is_cleaned_dir(p)]
    if cleaned:
        if len(items) > 1:
            raise InputError(f"{cleaned[0]}: give either one cleaned folder or raw export files, not both")
        return read_cleaned(cleaned[0])
    return load(items, schema=schema, as_of=as_of)


# ----------------------------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------------------------

def _parquet(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    i = table.schema.get_field_index("date")
    table = table.set_column(i, pa.field("date", pa.date32()), table.column("date").cast(pa.date32()))
    pq.write_table(table, path)


def write_cleaned(cleaned: Cleaned, out_dir: str | Path) -> None:
    """Write ``daily.parquet``, ``hourly.parquet`` (record-level input only), ``ledger.json`` and ``rejects.csv``.

    Every file is written to a temporary name in ``out_dir`` first and renamed when all are written,
    so a failure leaves the previous outputs in place. ``date`` is stored as a Parquet ``date32``.
    ``rejects.csv`` is UTF-8 with a BOM (Excel reads it) and cells a spreadsheet would run as a
    formula are prefixed with ``'``. A stale ``hourly.parquet`` is removed when there is no hourly table.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    staged: list[tuple[Path, Path]] = []
    try:
        def stage(name: str) -> Path:
            tmp = out / f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"  # normal permissions, unlike mkstemp
            staged.append((tmp, out / name))
            return tmp

        _parquet(normalise_daily(cleaned.daily), stage("daily.parquet"))
        if cleaned.hourly is not None:
            _parquet(normalise_hourly(cleaned.hourly), stage("hourly.parquet"))
        stage("ledger.json").write_text(json.dumps(cleaned.ledger, ensure_ascii=False, indent=2, default=str) + "\n",
                                        "utf-8")
        write_csv(cleaned.rejects, stage("rejects.csv"))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    if cleaned.hourly is None:
        (out / "hourly.parquet").unlink(missing_ok=True)


_REASON_ZH = {"bad_date": "日期无法识别", "missing_date": "日期为空", "future_date": "日期晚于基准日",
              "bad_count": "数量无效", "masked_count": "数量被遮蔽或缺失"}
_REASON_EN = {"bad_date": "unparseable date", "missing_date": "empty date", "future_date": "future date",
              "bad_count": "invalid count", "masked_count": "masked or missing count"}


def ledger_summary(ledger: dict, lang: str = "zh") -> str:
    """Return a short human summary of a cleaning ledger (Chinese by default, ``lang="en"`` for English).

    Example (zh): ``读入 1,000 行，保留 950 行，剔除 30 行（日期无法识别 20，日期为空 10），去除重复 20 行。``
    """
    if lang not in ("zh", "en"):
        raise ParameterError(f"lang: expected zh or en, got {lang!r}")
    zh = lang == "zh"
    names = _REASON_ZH if zh else _REASON_EN
    reasons = ledger.get("rejected_by_reason", {})
    sep = "，" if zh else ", "
    detail = sep.join(f"{names.get(r, r)} {n:,}" for r, n in reasons.items())
    read, kept, rej, dup = (ledger.get(k, 0) for k in ("rows_read", "rows_kept", "rows_rejected", "duplicates_removed"))
    if zh:
        line = f"读入 {read:,} 行，保留 {kept:,} 行，剔除 {rej:,} 行" + (f"（{detail}）" if detail else "") \
            + f"，去除重复 {dup:,} 行。"
    else:
        line = f"Read {read:,} rows, kept {kept:,}, rejected {rej:,}" + (f" ({detail})" if detail else "") \
            + f", removed {dup:,} duplicates."
    lines = [line]
    files = ledger.get("files", [])
    if ledger.get("date_min"):
        span = f"{ledger['date_min']} ~ {ledger['date_max']}"
        lines.append(f"文件 {len(files)} 个，日期范围 {span}。" if zh else f"{len(files)} file(s), dates {span}.")
    exact = ledger.get("exact_duplicates_kept", 0)
    if exact:
        lines.append(f"完全相同的行 {exact:,} 行（无编号列，已保留；--dedupe exact 可去除）。" if zh
                     else f"{exact:,} exact duplicate rows kept (no id column; --dedupe exact removes them).")
    unmapped = ledger.get("unmapped_categories", {})
    if unmapped:
        shown = sep.join(f"{k} {v:,}" for k, v in list(unmapped.items())[:8])
        lines.append(f"未识别的类别计入“其他”：{shown}。" if zh else f"Unmapped categories counted as 其他: {shown}.")
    if ledger.get("masked_cells"):
        n = ledger["masked_cells"]
        lines.append(f"遮蔽或缺失的数量 {n:,} 格（按缺失处理，不计为 0）。" if zh
                     else f"{n:,} masked or missing count cells (missing, not zero).")
    mism = ledger.get("total_mismatches", [])
    if mism:
        first = sep.join(f"{m.get('date') or m.get('category')}: {m['expected']}≠{m['found']}" for m in mism[:5])
        lines.append(f"合计核对不符 {len(mism)} 处：{first}。" if zh else f"{len(mism)} total mismatch(es): {first}.")
    if ledger.get("hour_unknown"):
        n = ledger["hour_unknown"]
        lines.append(f"无具体时刻的记录 {n:,} 条（不计入分时表）。" if zh
                     else f"{n:,} records without a time of day (not in the hourly table).")
    return "\n".join(lines)
