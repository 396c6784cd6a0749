"""Readers: CSV/TSV (plain or gzip), Excel (.xlsx/.xlsm/.xls through calamine) and Parquet.

Each file becomes a :class:`RawTable`: every cell as text (Parquet datetime columns stay datetimes),
the header found below any title rows (multi-row merged headers combined), and the line number of
each row as a user sees it (text-editor line for CSV, Excel row number for Excel, 1-based row for Parquet).

Encoding of text files: :mod:`stats_lib.ingest.encodings`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.errors import InputError
from stats_lib.ingest.encodings import decode_text
from stats_lib.ingest.headers import combine_headers, header_cells
from stats_lib.ingest.limits import (
    check_workbook,
    field_counts,
    file_sha256,
    ragged_rows,
    read_bytes,
    regular_file,
)
from stats_lib.ingest.schema import AUTO_COLUMNS, Schema, header_key
from stats_lib.ingest.sheets import SheetFrame, stack_sheets

__all__ = ["RawTable", "read_table", "workbook_content", "file_sha256", "to_text", "EXCEL_SUFFIXES", "sniff_delimiter",
           "header_row", "unique_names"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_SAMPLE = 1 << 20
_HEADER_SCAN = 30


@lru_cache(maxsize=1)
def _time_keys() -> frozenset:
    return frozenset(header_key(h) for h in AUTO_COLUMNS["time"])


@dataclass
class RawTable:
    """One input file as read.

    Attributes
    ----------
    path : Path
    frame : DataFrame
        One column per header (unique names, in file order), cells as ``str`` ('' when empty);
        Parquet datetime columns keep their datetime dtype.
    lines : ndarray of int64
        The 1-based line (CSV) or row (Excel, Parquet) of each row of ``frame``.
    encoding : str or None
        The text encoding used (None for Excel and Parquet).
    sha256 : str
        Hash of the file's bytes.
    sheet : str or None
        The Excel sheet read (the first one when several sheets with the same header are read).
    sheets : list of dict
        ``{"sheet", "rows"}`` per sheet read when several are (:mod:`stats_lib.ingest.sheets`); else empty.
    header_levels : list of list of str
        For a multi-row header, the levels of each column (upper first); empty otherwise.
    notes : list of str
        Things the reader did that the ledger should say (other sheets ignored, duplicate headers …).
    ragged : ndarray of bool or None (text only): rows whose field count is not the header's, cells blanked.
    """

    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    encoding: str | None = None
    sha256: str = ""
    sheet: str | None = None
    header_levels: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    ragged: np.ndarray | None = None
    sheets: list = field(default_factory=list)


def sniff_delimiter(path: Path, lines: list[str]) -> str:
    """The delimiter of a delimited text file: tab for ``.tsv``/``.tab``, else the one of ``,``, tab, ``;`` and ``|``
    whose most common count per non-blank line of ``lines`` is highest (``,`` on a tie).

    Parameters
    ----------
    path : Path
        The file (only its name is read).
    lines : list[str]
        The first lines of the file, decoded.

    Returns
    -------
    str
        The delimiter, one character.
    """
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".tsv", ".tab")):
        return "\t"
    best, best_count = ",", 0
    for delim in (",", "\t", ";", "|"):
        counts = [ln.count(delim) for ln in lines if ln.strip()]
        modal = max(set(counts), key=counts.count) if counts else 0
        if modal > best_count:
            best, best_count = delim, modal
    return best


def _wanted_keys(schema: Schema) -> set[str]:
    for role in ("time", "date"):
        if schema.columns.get(role):
            return {header_key(schema.columns[role])}
    return set(_time_keys())


def header_row(rows: list[list[str]], schema: Schema) -> int:
    """Index of the header row: the first row naming a time/date column (after any title rows).

    Parameters
    ----------
    rows : list[list[str]]
        The first rows of the file, split into cells.
    schema : Schema
        Its ``columns: time:`` (or ``date:``) names the time column; otherwise the usual names.

    Returns
    -------
    int
        0-based row index; 0 when no row of the first 30 names a time column.
    """
    wanted = _wanted_keys(schema)
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        if any(header_key(c) in wanted for c in row):
            return i
    return 0


def _header_levels(rows: list[list[str]], h: int, width: int, schema: Schema) -> int:
    """Number of header rows starting at ``h``: more than one when the header has gaps (merged cells)
    that the next rows fill while the date column stays empty."""
    top = header_cells(rows[h], width)
    wanted = _wanted_keys(schema)
    j0 = next((j for j, c in enumerate(top) if header_key(c) in wanted), 0)
    n = 1
    while h + n < len(rows) and n < 4:
        row = header_cells(rows[h + n], width)
        gaps = [j for j in range(width) if not top[j]]
        if row[j0] or not gaps or not any(row[j] for j in gaps):
            break
        top = [top[j] or row[j] for j in range(width)]
        n += 1
    return n


def unique_names(names: list[str], notes: list[str]) -> list[str]:
    """Make column names unique: an empty name becomes ``(列j)``, a repeated one ``name (2)`` ….

    Parameters
    ----------
    names : list[str]
        Column names in order.
    notes : list[str]
        A note is appended for each repeated name (the first column of that name is the one used).

    Returns
    -------
    list[str]
        The names, as many as given, all different.
    """
    seen: dict[str, int] = {}
    out = []
    for j, name in enumerate(names):
        name = name or f"(列{j + 1})"
        if name in seen:
            seen[name] += 1
            notes.append(f"duplicate column name '{name}': the first one is used")
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _finish(path: Path, grid: pd.DataFrame, first_line: int, schema: Schema, notes: list[str],
            rows_for_header: list[list[str]], levels_ok: bool, line_numbers: np.ndarray | None = None,
            keep: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray, list, np.ndarray]:
    """Find the header in ``grid`` (all text); return the frame, its lines (``line_numbers`` per grid row, or
    counted from ``first_line``), header levels and ``keep`` per frame row (rows kept even when blank)."""
    width = grid.shape[1]
    h = header_row(rows_for_header, schema)
    n_levels = _header_levels(rows_for_header, h, width, schema) if levels_ok and h < len(rows_for_header) else 1
    header_rows = grid.iloc[h:h + n_levels].to_numpy().tolist()
    if not header_rows:
        raise InputError(f"{path}: no header row found")
    header = combine_headers(header_rows, width)
    names, levels = header.names, header.levels
    if h:
        notes.append(f"{h} title row(s) above the header skipped")
    body = grid.iloc[h + n_levels:].copy()
    lines = (np.arange(len(body), dtype=np.int64) + first_line + h + n_levels if line_numbers is None
             else np.asarray(line_numbers[h + n_levels:], dtype=np.int64))
    kept = np.zeros(len(body), bool) if keep is None else np.asarray(keep[h + n_levels:], dtype=bool)
    body.columns = unique_names(names, notes)
    keep_cols = [c for c, n in zip(body.columns, names) if n or (body[c] != "").any()]
    body = body[keep_cols]
    filled = (body != "").any(axis=1).to_numpy() if len(body.columns) else np.zeros(len(body), bool)
    filled = filled | kept
    return body[filled].reset_index(drop=True), lines[filled], levels, kept[filled]


def to_text(values: pd.Series) -> pd.Series:
    """Return a column as text (by distinct value): '' for missing, ISO dates and times, no ``.0`` on integers.

    Parameters
    ----------
    values : pd.Series
        A column as read (any dtype).

    Returns
    -------
    Series of str
        Same index.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return values.fillna("").astype(str)
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells (nested lists or structs in Parquet)
        return pd.Series([_cell_text(v) for v in values], index=values.index, dtype=object).astype(str)
    conv = np.array([_cell_text(u) for u in uniques] + [""], dtype=object)
    return pd.Series(conv[codes], index=values.index, dtype=object).astype(str)


def _cell_text(v: object) -> str:
    if isinstance(v, bytes):  # Parquet BINARY holding UTF-8 text (Impala and older Spark write strings so)
        return v.decode("utf-8", "replace")
    if isinstance(v, (list, tuple, dict, np.ndarray)):
        return str(v.tolist() if isinstance(v, np.ndarray) else v)
    if v is None or v is pd.NaT or v is pd.NA:
        return ""
    if isinstance(v, float | np.floating):
        return "" if np.isnan(v) else str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def _parser_message(message: str, skipped: int) -> str:
    """Rewrite the pandas parser's row/line numbers as the file's 1-based line numbers."""

    text = " ".join(message.split()).replace("Error tokenizing data. C error: ", "")
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if m:
        return f"line {int(m.group(2)) + skipped}: {m.group(3)} fields where the header has {m.group(1)}"
    m = re.search(r"EOF inside string starting at row (\d+)", text)
    if m:
        return f"line {int(m.group(1)) + 1 + skipped}: a quote opened here is never closed"
    return text[:200]


def _read_text(path: Path, schema: Schema) -> RawTable:
    data = read_bytes(path)
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    text, enc = decode_text(path, data, schema)
    del data
    text = text.lstrip("\ufeff")
    head_lines = text[:_SAMPLE].splitlines()[:_HEADER_SCAN]
    delim = sniff_delimiter(path, head_lines)
    try:  # header detection needs only the start of each line (a 1 MB field would exceed csv's limit)
        rows = list(csv.reader([ln[:65536] for ln in head_lines], delimiter=delim))
    except csv.Error as exc:
        raise InputError(f"{path}: not a well-formed table ({exc})") from None
    h = header_row(rows, schema)
    fields = field_counts(text, delim)
    counts, starts = fields.counts[h:], fields.lines[h:]
    names = range(max(int(counts.max()) if len(counts) else 1, 1))
    try:
        grid = pd.read_csv(io.StringIO(text), sep=delim, header=None, names=names, skiprows=h, dtype=str,
                           keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{path}: not a well-formed table ({_parser_message(str(exc), h)})") from None
    del text
    grid = grid.fillna("").astype(str)
    notes: list[str] = []
    if len(counts) == len(grid):
        rr = ragged_rows(grid, counts)
        ragged, split = rr.ragged, rr.split
        if rr.note:
            notes.append(rr.note)
        grid.loc[ragged] = ""          # never read a value by position
        grid, ragged, starts = grid[~split], ragged[~split], starts[~split]
    else:  # the two parsers disagree on records (odd quoting): trust neither's positions
        raise InputError(f"{path}: not a well-formed table (quotes that do not pair up); check the quoting")
    width = int(counts[0]) if len(counts) else grid.shape[1]
    grid = grid.iloc[:, :max(width, 1)].reset_index(drop=True)
    sub_rows = rows[h:]
    frame, lines, levels, ragged = _finish(path, grid, 1 + h, schema, notes, sub_rows, schema.shape == "wide",
                                           line_numbers=starts, keep=ragged)
    if h:
        notes.insert(0, f"{h} title row(s) above the header skipped")
    return RawTable(path=path, frame=frame, lines=lines, encoding=enc, header_levels=levels, notes=notes,
                    ragged=ragged)


def _sheet_list(book, schema: Schema) -> list[tuple[str, bool, bool]]:
    """The workbook's worksheets with data as (name, dated, visible), the one to read first: visible sheets
    before hidden ones, the first whose first rows name a date/time column, else the first with data."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    meta = {m.name: m for m in book.sheets_metadata}
    names = [n for n in book.sheet_names if n not in meta or meta[n].typ == SheetTypeEnum.WorkSheet]
    visible = [n for n in names if n not in meta or meta[n].visible == SheetVisibleEnum.Visible]
    wanted = _wanted_keys(schema)
    found = []
    for name in visible + [n for n in names if n not in visible]:
        sheet = book.get_sheet_by_name(name)
        if sheet.height == 0:
            continue
        head = sheet.to_python(nrows=_HEADER_SCAN)
        found.append((name, any(header_key(_cell_text(c)) in wanted for row in head for c in row), name in visible))
    pick = next((f for f in found if f[1]), found[0] if found else None)
    return [pick] + [f for f in found if f is not pick] if pick else []


def _sheet_frame(path: Path, name: str, schema: Schema, dated: bool = True, visible: bool = True) -> SheetFrame:
    """One sheet read: cells as text, the header found, Excel row numbers."""
    raw = pd.read_excel(path, sheet_name=name, header=None, engine="calamine", dtype=object)
    if raw.empty:
        raise InputError(f"{path}: sheet '{name}' is empty")
    # Excel numbers are doubles: one of 16 digits or more has lost digits (a 20-digit id), written 3.2e+19
    grid = pd.DataFrame({c: to_text(raw[c].map(lambda v: float(v) if type(v) is int and abs(v) >= 1e15 else v))
                         for c in raw.columns})
    grid = grid.apply(lambda s: s.str.strip())
    rows = grid.iloc[:_HEADER_SCAN].to_numpy().tolist()
    notes: list[str] = []
    frame, lines, levels, _ = _finish(path, grid, 1, schema, notes, rows, True)
    return SheetFrame(name=name, frame=frame, lines=lines, header_levels=levels, notes=notes, dated=dated,
                      visible=visible)


def _read_excel(path: Path, schema: Schema) -> RawTable:
    """Read the schema's ``sheet:``, or the sheets :func:`stats_lib.ingest.sheets.stack_sheets` reads."""
    from python_calamine import CalamineWorkbook

    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    check_workbook(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if schema.sheet is not None:
            if isinstance(schema.sheet, int):
                if not 0 <= schema.sheet < len(names):
                    raise InputError(f"{path}: no sheet number {schema.sheet} (sheets: {', '.join(names)})")
                sheet = names[schema.sheet]
            elif schema.sheet in names:
                sheet = schema.sheet
            else:
                raise InputError(f"{path}: no sheet '{schema.sheet}' (sheets: {', '.join(names)})")
            one = _sheet_frame(path, sheet, schema)
            return RawTable(path=path, frame=one.frame, lines=one.lines, sheet=sheet, header_levels=one.header_levels,
                            notes=one.notes)
        found = _sheet_list(book, schema)
        if not found:
            raise InputError(f"{path}: the workbook has no sheets" if not names else f"{path}: sheet '{names[0]}' is empty")
        first = _sheet_frame(path, found[0][0], schema)
        others = []
        for name, dated, visible in found[1:]:
            try:
                others.append(_sheet_frame(path, name, schema, dated, visible))
            except InputError:  # no header found: not a data sheet
                others.append(SheetFrame(name=name, frame=pd.DataFrame(), lines=np.zeros(0, np.int64), dated=False))
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own types for corrupt workbooks
        raise InputError(f"{path}: cannot read the workbook ({type(exc).__name__}: {str(exc)[:160]})") from None
    st = stack_sheets(str(path), first, others)
    return RawTable(path=path, frame=st.frame, lines=st.lines, sheet=first.name, header_levels=first.header_levels,
                    notes=st.notes, sheets=st.sheets)


def _read_parquet(path: Path) -> RawTable:
    try:
        raw = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError subclasses
        raise InputError(f"{path}: cannot read the Parquet file ({type(exc).__name__}: {str(exc)[:160]})") from None
    cols = {}
    for c in raw.columns:
        s = raw[c]
        cols[str(c)] = s if pd.api.types.is_datetime64_any_dtype(s) else to_text(s)
    frame = pd.DataFrame(cols)
    return RawTable(path=path, frame=frame, lines=np.arange(1, len(frame) + 1, dtype=np.int64))


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def workbook_content(path: Path) -> str:
    """What a file with an Excel name really holds, from its first bytes.

    Web-based systems export an HTML table or tab-separated text under ``.xls``, and users rename ``.xlsx``
    files to ``.xls``.

    Parameters
    ----------
    path : Path
        A file named ``.xls``, ``.xlsx`` …

    Returns
    -------
    str
        ``"ole"`` (a binary .xls), ``"zip"`` (an .xlsx/.xlsm/.ods), ``"html"`` (an HTML table) or ``"text"``.
    """
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    start = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head")):
        return "html"
    return "text"


def _read_html(path: Path, schema: Schema) -> RawTable:
    """The largest table of an HTML file (an '.xls' export of a web system), read as a sheet is."""
    text, enc = decode_text(path, read_bytes(path), schema)
    try:
        tables = pd.read_html(io.StringIO(text), header=None, keep_default_na=False, displayed_only=False)
    except (ValueError, ImportError) as exc:
        raise InputError(f"{path}: an HTML file named {path.suffix}, without a table that can be read "
                         f"({str(exc)[:80]})") from None
    raw = max(tables, key=len)
    grid = pd.DataFrame({j: to_text(raw[c]).str.strip() for j, c in enumerate(raw.columns)})
    notes = [f"an HTML table read ({path.suffix} holds HTML, not a workbook)"]
    rows = grid.iloc[:_HEADER_SCAN].to_numpy().tolist()
    frame, lines, levels, _ = _finish(path, grid, 1, schema, notes, rows, True)
    return RawTable(path=path, frame=frame, lines=lines, encoding=enc, header_levels=levels, notes=notes)


def read_table(path: str | Path, schema: Schema | None = None) -> RawTable:
    """Read one export file into a :class:`RawTable`.

    Parameters
    ----------
    path : str | Path
        A ``.csv``, ``.tsv``, ``.txt`` (optionally ``.gz``), Excel or ``.parquet`` file.
    schema : Schema | None, default None
        For ``encoding:``, ``sheet:`` and the column names that locate the header; None for none.

    Returns
    -------
    RawTable
        The file's cells as text under its header, with the notes on what reading it found.

    Raises
    ------
    InputError
        Missing, empty, binary, undecodable, truncated or malformed file; the message names the file.
    """
    path = Path(path)
    schema = schema or Schema()
    regular_file(path)
    suffix = path.suffix.lower()
    content = workbook_content(path) if suffix in EXCEL_SUFFIXES and path.stat().st_size else ""
    if content == "zip" and suffix in (".xls", ".xlsb"):
        raise InputError(f"{path}: an .xlsx workbook named {suffix}; rename it to .xlsx")
    if content == "html":
        table = _read_html(path, schema)
    elif content == "text" and suffix == ".xls":  # the legacy name web systems give tab-separated text
        table = _read_text(path, schema)
    elif content == "text":
        raise InputError(f"{path}: text, not a workbook; rename it to .csv")
    elif suffix in EXCEL_SUFFIXES:
        table = _read_excel(path, schema)
    elif suffix in (".parquet", ".pq"):
        table = _read_parquet(path)
    else:
        table = _read_text(path, schema)
    table.sha256 = file_sha256(path)
    return table
