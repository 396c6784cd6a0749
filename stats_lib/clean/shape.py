"""Shaping: one file as read (:class:`stats_lib.ingest.readers.RawTable`) in, canonical raw rows out.

:func:`shape_file` maps the file's columns (:func:`stats_lib.ingest.columns.map_columns`), detects its
shape (``records``: one row per incident; ``long``: a count per date and category; ``wide``: one count
column per category), drops 合计/小计 rows and columns (checking wide totals against their parts), drops a
wide sheet's column whose header is personal data (a name such as 张三, a phone number; listed as
``（已屏蔽）`` under ``sensitive_columns_dropped``, never counted), applies
the parsing rules of :mod:`stats_lib.clean.rules`, and returns a :class:`FilePart`: one canonical raw row
per record or count cell, with its reject reason, the rejected rows and the file's ledger entry. What is
done with the rows afterwards (de-duplication, category mapping, aggregation, the ledger counts) is the
engine's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.clean.dates import clock_examples, join_year, parse_clock, safe_example
from stats_lib.clean.display import show_headers
from stats_lib.clean.keys import count_like, key_columns
from stats_lib.clean.rules import (
    ParsedTimes,
    clean_districts,
    kind_values,
    parse_counts,
    parse_times,
    sci_ids,
)
from stats_lib.clean.tablecheck import check_records, check_wide
from stats_lib.clean.totals import district_totals, long_totals, wide_row_groups, wide_total_checks
from stats_lib.errors import InputError
from stats_lib.ingest.columns import detect_kind, map_columns
from stats_lib.ingest.privacy import PLACEHOLDER, is_personal_value
from stats_lib.ingest.readers import RawTable, read_table
from stats_lib.ingest.schema import (
    AUTO_COLUMNS,
    Schema,
    header_key,
    is_sensitive,
    is_total,
)
from stats_lib.ingest.taxonomy import load_taxonomy, match_key, normalisation_flags
from stats_lib.ingest.totals import is_breakdown, is_derived, is_subtotal

__all__ = ["RAW_COLUMNS", "FilePart", "detect_shape", "shape_file", "shape_files"]

RAW_COLUMNS = ["id", "time", "hour", "category", "subcategory", "district", "count"]
_IGNORED_WIDE = ("序号", "星期", "周", "周几", "weekday", "day", "备注", "说明", "天气")


@dataclass
class FilePart:
    """One file shaped into canonical raw rows (the result of :func:`shape_file`).

    Attributes
    ----------
    rows : DataFrame
        One row per input row (record and long shapes) or per count cell (wide shape), in file order:
        ``fi`` (int32, the file's index), ``line`` (int, line or sheet row in the file), ``shape``
        (``records``/``long``/``wide``), ``kind`` (警情/案件), ``id`` (str, stripped; ``''`` when none),
        ``ts`` (datetime64[ns], local time; NaT when rejected), ``has_time`` (bool: a time of day is
        known), ``has_cat`` (bool: the file has a category column), ``cat``, ``sub`` (raw category and
        subcategory), ``dist`` (cleaned district, str), ``count`` (int64; 1 per record), ``reason``
        (``''`` when kept, else a code of :data:`stats_lib.clean.rules.REASONS`), ``hash`` (uint64 of
        the whole row, for exact duplicates) and the flags ``fullwidth``, ``traditional``, ``whitespace``.
    rejects : DataFrame
        The rejected rows: ``file``, ``line``, ``reason`` and the raw values of the mapped
        non-sensitive columns (:data:`RAW_COLUMNS`), cut to 200 characters.
    info : dict
        The file's ledger entry (path, sha256, encoding, shape, sheet, columns, notes …).
    mismatches : list of dict
        Totals of a wide table that do not match its parts (date or category, expected, found, file,
        line, column).
    """

    rows: pd.DataFrame
    rejects: pd.DataFrame
    info: dict
    mismatches: list


def detect_shape(headers: list[str], cols: dict, schema: Schema, levels: list) -> str:
    """The shape of a file: the schema's ``shape:``, else ``long`` with a count column, else ``wide`` when
    two or more other headers name a taxonomy category or a total, else ``records``.

    Parameters
    ----------
    headers
        The file's column names.
    cols
        The mapped columns (role -> header), as :func:`stats_lib.ingest.columns.map_columns` gives them.
    schema
        A validated schema.
    levels
        The parts of each header of a multi-row header (``[]`` for one row).

    Returns
    -------
    str
        ``records``, ``long`` or ``wide``.
    """
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
    for name in RAW_COLUMNS:
        if name in raw:
            values = pd.Series(raw[name].astype(str).to_numpy()[bad], dtype=object)
            long = values.str.len() > 200
            out[name] = values.where(~long, values.str[:200] + "…").to_numpy()
    return out


def check_dates(parsed: ParsedTimes, path: str, column: str) -> None:
    """Stop (InputError, exit 2) when a date column cannot be read without guessing.

    Raised when most dates are written without a year and the schema has none, when the column holds
    ``02/01/2015`` dates whose order its values do not prove (or prove both ways), and when most values
    are months or years (monthly or yearly counts, not days). The message names the file and column,
    shows two example values and says which schema key settles it.
    """
    nonblank = int((parsed.reasons != "missing_date").sum())
    if parsed.needs_year and parsed.needs_year * 2 >= nonblank:
        raise InputError(f"{path}: dates in column '{column}' are written without a year (such as "
                         "1月21日); set 'year:' in the schema")
    if parsed.order.examples:
        a, b = (safe_example(v) for v in (parsed.order.examples + parsed.order.examples)[:2])
        why = (f"some values are day first ('{a}') and others month first ('{b}')" if parsed.order.conflict
               else f"no value shows whether the day or the month comes first (such as '{a}', '{b}')")
        raise InputError(f"{path}: column '{column}': {why}; set 'dayfirst: true' (02/01/2015 = 2 January) or "
                         "'dayfirst: false' (= 1 February), or 'date_format:', in the schema")
    if parsed.period:
        words = {"month": ("monthly", "months such as 2012-01"), "year": ("yearly", "years such as 2018")}
        kind, such = words[parsed.period]
        raise InputError(f"{path}: column '{column}' holds {such}, not days: the file holds {kind} counts, "
                         "which this tool does not compare by day (give a daily export)")


def _time_columns(frame: pd.DataFrame, cols: dict, schema: Schema, as_of: dt.date, path: str,
                  typed: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse the time (and hour or time-of-day) columns of one file: timestamps, reasons, has_time.

    A time-of-day column fills in the time of the dates that have none, and also of dates that all
    carry the same midnight (``08/26/2018 12:00:00 AM``, as Socrata writes every date). Without one, a
    file whose every time is midnight (typed cells, or text such as ``2023-01-21 00:00:00``) has dates.
    """
    raw = frame[cols["time"]]
    parsed = parse_times(raw, schema, as_of)
    check_dates(parsed, path, cols["time"])
    ts, has_time = parsed.timestamps, parsed.has_time
    if "hour" in cols:
        minutes = parse_clock(frame[cols["hour"]])
        kept = ts.notna()
        timed = has_time & kept
        all_midnight = bool(timed.any()) and bool((ts[timed] == ts[timed].dt.normalize()).all())
        date_only = ~has_time | all_midnight
        add = minutes.notna() & date_only & kept
        ts = ts.where(~add, ts.dt.normalize() + pd.to_timedelta(minutes.fillna(0), unit="min"))
        has_time = (has_time & ~all_midnight) | add
    # Excel/Parquet cells cannot tell a date from midnight; nor can text that is midnight on every row
    # (2023-01-21 00:00:00, as date-only systems write): a file whose every time is midnight has dates
    if (typed or "hour" not in cols) and has_time.any():
        kept = ts[has_time]
        if (kept == kept.dt.normalize()).all():
            has_time = pd.Series(False, index=ts.index)
    return ts, parsed.reasons, has_time


def _date_roles(frame: pd.DataFrame, cols: dict, schema: Schema, path: str) -> pd.DataFrame:
    """Settle the date roles of one file by content (``cols`` is changed in place); return the frame.

    - year + month + day columns, or a year column beside a month-day date column, become one date
      column (ISO text, named after the columns it joins);
    - a "date" column whose values are all times of day (``08:15``) is never the date: another column
      whose values are dates takes its place and it becomes the time of day.
    """
    if "year" in cols and ("month" in cols or "time" in cols):
        roc = schema.calendar == "roc"
        if "month" in cols:
            text = join_year(frame[cols["year"]], month=frame[cols["month"]], day=frame[cols["day"]], roc=roc)
            name = "+".join(cols[r] for r in ("year", "month", "day"))
        else:
            if schema.date_format:
                raise InputError(f"{path}: with 'columns.year' the date column '{cols['time']}' is read as month "
                                 "and day (0101, 1/1, 1月1日); leave 'date_format' out")
            text = join_year(frame[cols["year"]], month_day=frame[cols["time"]], roc=roc)
            name = f"{cols['year']}+{cols['time']}"
        frame = frame.assign(**{name: text})
        cols["time"] = cols["date_only"] = name
        return frame
    time = cols.get("time")
    if time is None or cols.get("date_only") == time and "hour" in cols or not clock_examples(frame[time]):
        return frame
    used = set(cols.values())
    for h in frame.columns:
        if h in used or is_sensitive(h):
            continue
        parsed = parse_times(frame[h], schema)
        nonblank = parsed.reasons != "missing_date"
        if nonblank.any() and (parsed.reasons[nonblank] == "").mean() >= 0.9 and not parsed.has_time.any():
            if "hour" not in cols:
                cols["hour"] = time
            cols["time"] = cols["date_only"] = h
            return frame
    raise InputError(f"{path}: column '{time}' holds times of day only (such as "
                     f"'{safe_example(frame[time].dropna().iloc[0])}'), no date; name the date column with "
                     f"'columns: {{date: <date column>, time_of_day: {time}}}' in the schema")


def shape_file(table: RawTable, schema: Schema, as_of: dt.date, fi: int) -> FilePart:
    """Shape one file as read into canonical raw rows.

    Parameters
    ----------
    table
        The file as :func:`stats_lib.ingest.readers.read_table` read it.
    schema
        A validated schema.
    as_of
        Dates after this day are rejected as ``future_date``.
    fi
        The file's index among the input files.

    Returns
    -------
    FilePart
        The file's canonical raw rows, its rejects and its ledger entry.

    Raises
    ------
    InputError
        No time column; a long table without a count column; a wide table without category columns;
        dates written without a year and no ``year:`` in the schema.
    """
    path = str(table.path)
    frame = table.frame
    headers = list(frame.columns)
    cols = map_columns(headers, schema, path)
    frame = _date_roles(frame, cols, schema, path)
    if frame is not table.frame:
        table = replace(table, frame=frame)
    if "time" not in cols:
        expected = ", ".join(AUTO_COLUMNS["time"][:8])
        raise InputError(f"{path}: no date/time column found (expected one of {expected} …, or 'columns: time:' "
                         f"in the schema); columns found: {show_headers(headers)}")

    shape = detect_shape(headers, cols, schema, table.header_levels)
    if shape == "long" and "count" not in cols:
        raise InputError(f"{path}: a long table needs a count column (expected one of "
                         f"{', '.join(AUTO_COLUMNS['count'][:6])} …, or 'columns: count:'); columns found: "
                         f"{show_headers(headers)}")
    used = set(cols.values())
    sensitive = [h for h in headers if is_sensitive(h) and h not in used]
    info = {"path": path, "sha256": table.sha256, "encoding": table.encoding, "shape": shape,
            "sheet": table.sheet, "columns": {k: v for k, v in cols.items() if k != "date_only"},
            "time_column": cols["time"], "sensitive_columns_dropped": sensitive, "notes": list(table.notes)}
    if table.sheets:  # a workbook of several sheets with the same header: each sheet read, with its rows
        info["sheets"] = list(table.sheets)
    kind = None if "kind" in cols else detect_kind(headers, schema)
    info["kind"] = kind or f"column {cols['kind']}"
    if shape == "wide":
        return _wide_part(table, cols, schema, as_of, fi, kind, info)
    if shape == "records":  # a table of counts (district columns, 合计, 报警数) is never one incident per row
        check_records(path, headers, cols, schema)
    mismatches: list[dict] = []
    if shape == "long":  # a 合计/小计/全市 row (by date, category or district) is a sum of other rows, not data
        total, mismatches = long_totals(frame, cols, parse_counts(frame[cols["count"]]).counts, table.lines, path)
        info["total_rows_dropped"] = int(total.sum())
        if total.any():
            info["notes"].append(f"{int(total.sum())} 合计/小计/全市 row(s) dropped (sums of other rows, not data)")
            ragged = None if table.ragged is None else table.ragged[~total]
            table = replace(table, frame=frame[~total].reset_index(drop=True), lines=table.lines[~total],
                            ragged=ragged)
            frame = table.frame
    ts, reasons, has_time = _time_columns(frame, cols, schema, as_of, path, table.encoding is None)
    if table.ragged is not None and table.ragged.any():  # never read by position: rejected whole
        reasons = reasons.where(~table.ragged, "ragged_row")
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
    sci = sci_ids(frame[cols["id"]]) if "id" in cols else 0
    if sci:  # Excel's 3.2E+19: distinct records share the id, which cannot remove duplicates
        info["ids_unusable"] = sci
        info["notes"].append(f"{sci} id(s) in column '{cols['id']}' in scientific notation (digits lost by Excel): "
                             "ids not used to remove duplicates")
    ids = frame[cols["id"]] if "id" in cols and not sci else None
    rows = pd.DataFrame({
        "fi": np.int32(fi), "line": table.lines, "shape": shape,
        "kind": kind_values(frame[cols["kind"]]) if "kind" in cols else kind,
        "id": ids.astype(str).str.strip() if ids is not None else "",
        "ts": ts, "has_time": has_time.to_numpy(), "has_cat": "category" in cols,
        "cat": frame[cols["category"]] if "category" in cols else "",
        "sub": frame[cols["subcategory"]] if "subcategory" in cols else "",
        "dist": district, "count": count, "reason": reasons.astype(str),
        "hash": _row_hashes(frame, ids),
    }, index=frame.index)
    rows = pd.concat([rows, _flags(flag_cols, frame.index)], axis=1).reset_index(drop=True)
    info["rows_read"] = n
    info["district_unmatched"] = unmatched
    return FilePart(rows=rows, rejects=_rejects(path, table.lines, reasons, raw), info=info, mismatches=mismatches)


def shape_files(files: list[Path], schema: Schema, as_of: dt.date) -> list[FilePart]:
    """Read each file (:func:`stats_lib.ingest.readers.read_table`) and shape it (:func:`shape_file`).

    Parameters
    ----------
    files
        Export files, in order (the ``fi`` of their rows).
    schema
        A validated schema.
    as_of
        Dates after this day are rejected as ``future_date``.

    Returns
    -------
    list of FilePart
        One per file.

    Raises
    ------
    InputError
        A file that cannot be read or shaped, or no data rows in any file.
    """
    parts = [shape_file(read_table(path, schema), schema, as_of, i) for i, path in enumerate(files)]
    if sum(len(p.rows) for p in parts) == 0:
        raise InputError(f"{', '.join(str(f) for f in files)}: no data rows (only a header?)")
    return parts


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
               info: dict) -> FilePart:
    path = str(table.path)
    frame = table.frame
    headers = list(frame.columns)
    role_cols = {cols["time"], cols.get("district"), cols.get("kind"), cols.get("address"), cols.get("id")}
    levels = {h: (table.header_levels[j] if table.header_levels else [p for p in str(h).split("/") if p])
              for j, h in enumerate(headers)}
    totals, cats, ignored, derived, breakdowns = [], [], [], [], []
    for h in headers:
        if h in role_cols or is_sensitive(h):
            continue
        if is_personal_value(h) or any(is_personal_value(p) for p in levels[h]):  # 张三, 13912345678 as a header:
            info["sensitive_columns_dropped"].append(PLACEHOLDER)             # dropped, never a category
            continue
        if any(is_derived(p) for p in levels[h]):
            derived.append(h)
        elif any(is_breakdown(p) for p in levels[h]):
            breakdowns.append(h)
        elif any(is_total(p) for p in levels[h]):
            totals.append(h)
        elif any(header_key(p) in _IGNORED_WIDE for p in levels[h]) or not levels[h]:
            ignored.append(h)
        else:
            parsed = parse_counts(frame[h])
            (cats if (parsed.reasons != "bad_count").any() and count_like(frame[h], parsed.counts)
             else ignored).append(h)
    check_wide(path, cats, schema)  # columns named after districts are not categories
    keys = key_columns(frame, cats, frame[cols["district"]] if "district" in cols else None, schema.ignore_columns)
    if keys:
        cats = [h for h in cats if h not in keys]
        info["key_columns_ignored"] = keys
        info["notes"].append(f"code/key columns not counted: {', '.join(map(str, keys))}")
    if not cats:
        raise InputError(f"{path}: a wide table needs one column per category; none found among {show_headers(headers)}")
    if ignored:
        info["notes"].append(f"columns ignored (not counts): {', '.join(ignored)}")
    if derived:
        info["notes"].append(f"comparison columns ignored (not incidents): {', '.join(map(str, derived))}")
    if breakdowns:
        info["notes"].append(f"'of which' (其中) columns not added (part of another column): "
                             f"{', '.join(map(str, breakdowns))}")
    date_raw = frame[cols["time"]]
    is_total_row = date_raw.map(is_total).astype(bool) if len(frame) else pd.Series([], dtype=bool)
    subtotal = np.array(date_raw.map(is_subtotal), dtype=bool)
    if "district" in cols:
        is_total_row |= district_totals(frame[cols["district"]])
        subtotal |= frame[cols["district"]].map(is_subtotal).astype(bool).to_numpy()
    cells = frame[cats]
    parsed_date = parse_times(date_raw, schema, as_of)
    empty_cells = (cells.apply(lambda s: s.astype(str).str.strip()) == "").all(axis=1)
    ragged = pd.Series(table.ragged if table.ragged is not None else False, index=frame.index, dtype=bool)
    skipped = ~is_total_row & empty_cells & (parsed_date.reasons != "") & ~ragged
    data = ~is_total_row & ~skipped
    if skipped.any():
        info["notes"].append(f"{int(skipped.sum())} row(s) without a date or counts skipped (notes, blank rows)")
    info["total_rows_dropped"] = int(is_total_row.sum())
    info["total_columns_dropped"] = totals
    ts, reasons, _ = _time_columns(frame[data], cols, schema, as_of, path, table.encoding is None)
    reasons = reasons.where(~ragged[data], "ragged_row")
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
    kinds = (np.repeat(kind_values(sub[cols["kind"]]).to_numpy(), n_cats) if "kind" in cols else kind)
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
    row_day = parse_times(date_raw[is_total_row], schema, as_of).timestamps.dt.normalize()
    groups = wide_row_groups(is_total_row.to_numpy(), subtotal, row_day, ts.dt.normalize(), data.to_numpy())
    for k, group in enumerate(groups):
        if group is not None and not group.any():
            where = cols.get("district", cols["time"])
            raise InputError(f"{path}: line {int(table.lines[is_total_row.to_numpy()][k])}: the total row in column "
                             f"'{where}' has no other rows of its date to sum: drop it, or name its district")
    mismatches = wide_total_checks(frame, data, is_total_row, cats, totals, label, ts, table.lines, path, breakdowns,
                               groups)
    return FilePart(rows=rows, rejects=_rejects(path, lines, reason, raw), info=info, mismatches=mismatches)
