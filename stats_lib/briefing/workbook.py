"""The workbook of a briefing (openpyxl), as an analyst uses it.

A first sheet 说明 (About) states the report, its window, baseline, as-of date, test, data sources and
definitions; then one sheet per table in the order shown, then the daily and hourly series. Numbers are
stored as numbers (counts ``#,##0``, means ``0.0``, rates as fractions with a percent format), the wording
of a change in a column beside it; dates are dates; headers are bold, frozen and filtered; columns are as
wide as their text.

A table registered with ``data`` (the numbers behind what the reader sees, see
:meth:`stats_lib.briefing.collect.Collector.table`) is written from that data with its ``formats``; any
other table is written as shown, with text columns that hold only numbers (``1,234``, ``−5``, ``+3.1%``)
turned into numbers. Text that :func:`stats_lib.safe.safe_cell` finds dangerous is stored as text with Excel's
quote prefix (never as a formula, and without a visible apostrophe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stats_lib.briefing.outputs import cell_text, is_missing, load_index, read_table, texts
from stats_lib.report.chart_base import text_width
from stats_lib.safe import safe_cell

__all__ = ["write_xlsx", "sheet_name", "numberlike", "TypedColumn", "typed_column"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_NUMBER = re.compile(r"^\s*[+\-\u2212]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+\-]?\d+)?\s*$")
_PERCENT = re.compile(r"^\s*[+\-\u2212]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%\s*$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?$")
_MASKS = {"", "*", "**", "—", "–", "-"}


def sheet_name(title: str, taken: set[str], n: int = 1, lang: str = "zh") -> str:
    """A valid, unique worksheet name for ``title``.

    Removes ``[ ] : * ? / \\``, leading and trailing apostrophes and spaces, cuts to 31 characters, avoids
    Excel's reserved ``History`` and adds `` (2)``, `` (3)`` … when the name (compared without case, as
    Excel does) is in ``taken``. An empty title becomes 表n / Table n. The name is added to ``taken``.

    Parameters
    ----------
    title : str
        The table's title.
    taken : set[str]
        Names already used (changed: the new name is added).
    n : int, default 1
        The table's number, for an empty title.
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The sheet's name, at most 31 characters.
    """
    name = _BAD_SHEET_CHARS.sub(" ", str(title)).strip(" '")
    name = re.sub(r"\s+", " ", name)[:31].strip(" '") or texts(lang)["table"].format(n=n)
    if name.lower() == "history":
        name = f"{name}_"
    lowered = {s.lower() for s in taken}
    candidate, k = name, 2
    while candidate.lower() in lowered:
        suffix = f" ({k})"
        candidate = name[: 31 - len(suffix)].rstrip(" '") + suffix
        k += 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class TypedColumn:
    """A column as the workbook stores it (:func:`typed_column`).

    Attributes
    ----------
    values : Series
        The column: numbers where the text read as numbers (percentages as fractions), else the column given.
    number_format : str or None
        Its Excel number format (``#,##0``, ``0.0%``, ``+#,##0;-#,##0;#,##0`` …), or None for General.
    """

    values: pd.Series
    number_format: str | None


def typed_column(col: pd.Series) -> TypedColumn:
    """A column as the workbook stores it, and its number format.

    Integer columns get ``#,##0``; text columns whose every value (masks ``*``/``—`` apart) reads as a
    number (``1,234``, ``−5``, ``+3.1%``) become numbers, percentages as fractions with a percent format.
    Other columns are returned unchanged with no format.

    Parameters
    ----------
    col : Series
        A column of a table to write.

    Returns
    -------
    TypedColumn
        ``values`` (``col`` itself when unchanged) and ``number_format``.
    """
    if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
        if pd.api.types.is_integer_dtype(col.dtype):
            return TypedColumn(col, "#,##0")
        return TypedColumn(col, None)
    text = col.astype(object).where(col.notna(), "").astype(str).str.strip()
    values = text[~text.isin(_MASKS)]
    if values.empty or not col.map(lambda v: v is None or isinstance(v, str) or is_missing(v)).all():
        return TypedColumn(col, None)
    clean = values.str.replace(",", "", regex=False).str.replace("\u2212", "-", regex=False)
    if values.str.fullmatch(_PERCENT).all():
        numbers = pd.to_numeric(clean.str.rstrip("%").str.strip(), errors="coerce") / 100
        decimals = values.str.extract(r"\.(\d+)")[0].str.len().fillna(0).max()
        fmt = "0" + ("." + "0" * int(decimals) if decimals else "") + "%"
        if values.str.startswith("+").any():
            fmt = f"+{fmt};-{fmt};{fmt}"
    elif values.str.fullmatch(_NUMBER).all():
        numbers = pd.to_numeric(clean, errors="coerce")
        decimals = values.str.extract(r"\.(\d+)")[0].str.len().fillna(0).max()
        fmt = "#,##0" + ("." + "0" * int(decimals) if decimals else "")
        if values.str.contains(r"[eE]", regex=True).any():
            fmt = None  # scientific notation (tiny p-values): Excel's General format shows it
    else:
        return TypedColumn(col, None)
    out = col.astype(object).copy()
    out.loc[numbers.index] = numbers.astype(object)
    return TypedColumn(out, fmt)


def numberlike(col: pd.Series) -> bool:
    """True for a numeric column, or a text column of numbers (``1,234``, ``+3.1%``) with masks.

    Parameters
    ----------
    col : pd.Series
        A table column.

    Returns
    -------
    bool
        True when Excel should align and format it as numbers.
    """
    if pd.api.types.is_bool_dtype(col.dtype):
        return False
    return pd.api.types.is_numeric_dtype(col.dtype) or typed_column(col).values is not col


def _value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, str):
        if _ISO.match(value):
            ts = pd.Timestamp(value)
            return ts.to_pydatetime() if ts.time().hour or ts.time().minute else ts.to_pydatetime().date()
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    return value


def _append(ws, values: list) -> None:
    """Append one row. Text that a spreadsheet would take for a formula (:func:`stats_lib.safe.safe_cell`
    says which: ``=``, ``+``, ``-``, ``@`` …) is stored as a text cell with Excel's quote prefix, the flag
    the apostrophe typed before a cell sets: shown as written (``+3.6%``, no visible apostrophe) and kept as
    text when the cell is edited."""
    ws.append(values)
    row = ws.max_row
    for j, v in enumerate(values, start=1):
        if isinstance(v, str) and safe_cell(v) != v:
            cell = ws.cell(row=row, column=j)
            cell.value = v
            cell.data_type = "s"          # openpyxl takes a leading = for a formula; this is text
            cell.quotePrefix = True


def _write_sheet(ws, df: pd.DataFrame, formats: dict | None, lang: str) -> None:
    """``df`` into ``ws``; ``formats`` None: a table as shown (number-like text columns become numbers),
    else the numbers behind a table, written as they are with these formats."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    _append(ws, [_value(str(c)) for c in df.columns])
    columns, fmts = [], []
    for i in range(df.shape[1]):
        name = str(df.columns[i])
        typed = typed_column(df.iloc[:, i]) if formats is None else TypedColumn(df.iloc[:, i], formats.get(name))
        col, fmt = typed.values, typed.number_format
        columns.append(col.tolist())
        fmts.append(fmt)
    for row in zip(*columns):
        _append(ws, [_value(v) for v in row])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    for j, fmt in enumerate(fmts, start=1):
        head = ws.cell(row=1, column=j)
        head.font, head.fill = bold, fill
        head.alignment = Alignment(vertical="center", wrap_text=False)
        letter = get_column_letter(j)
        for cell in ws[letter][1:]:
            if isinstance(cell.value, bool):
                continue
            if isinstance(cell.value, int | float) and fmt:
                cell.number_format = fmt
            elif hasattr(cell.value, "year"):
                cell.number_format = "yyyy-mm-dd hh:mm" if hasattr(cell.value, "hour") else "yyyy-mm-dd"
        shown = [str(df.columns[j - 1])] + [v if isinstance(v, str) else cell_text(v, lang) for v in df.iloc[:, j - 1]]
        ws.column_dimensions[letter].width = min(60, max(10, max(text_width(s) for s in shown) + 2))
    ws.freeze_panes = "A2"
    if df.shape[1] and len(df):
        ws.auto_filter.ref = f"A1:{get_column_letter(df.shape[1])}{len(df) + 1}"


def _about(index: dict, lang: str) -> pd.DataFrame:
    """The 说明 sheet: the report's title, its header fields, and the data-notes section's paragraphs."""
    t = texts(lang)
    rows = [("报告" if lang != "en" else "Report", str(index.get("title", "")))]
    for item in index["items"]:
        if item.get("kind") != "section":
            continue
        for k, v in item.get("fields", []):
            rows.append((str(k), str(v)))
        if item.get("slug") in ("data-notes", "header"):
            rows += [(str(item.get("title", "")), str(p)) for p in item.get("paragraphs", [])]
            rows += [(str(item.get("title", "")), str(p)) for p in item.get("notes", [])]
    return pd.DataFrame(rows, columns=[t["item"], t["value"]])


def write_xlsx(output_dir: str | Path, xlsx_path: str | Path, lang: str = "zh") -> Path:
    """Write the workbook of ``output_dir/outputs.json``: 说明 first, then every table, one sheet each.

    Sheets are named after the tables' titles (see :func:`sheet_name`), in the order registered.

    Parameters
    ----------
    output_dir : str | Path
        The report's output folder (its ``outputs.json``).
    xlsx_path : str | Path
        The workbook to write.
    lang : str, default 'zh'
        ``zh`` or ``en`` (the 说明 sheet).

    Returns
    -------
    pathlib.Path
        ``xlsx_path``.

    Raises
    ------
    stats_lib.errors.RenderError
        outputs.json is missing or malformed, or names a file that is missing or outside ``output_dir``.
    """
    from openpyxl import Workbook

    t = texts(lang)
    loaded = load_index(output_dir)
    base, index = loaded.folder, loaded.index
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    tables = [item for item in index["items"] if item.get("kind") == "table"]
    if any(item.get("kind") == "section" for item in index["items"]):
        _write_sheet(wb.create_sheet(sheet_name(t["about"], taken, 0, lang)), _about(index, lang), {}, lang)
    for n, item in enumerate(tables, start=1):
        ws = wb.create_sheet(sheet_name(str(item.get("title", "")), taken, n, lang))
        if item.get("data"):
            _write_sheet(ws, read_table(base, item, "data"), dict(item.get("formats") or {}), lang)
        else:
            _write_sheet(ws, read_table(base, item), None, lang)
    if not tables and not wb.sheetnames:
        ws = wb.create_sheet(t["none"])
        ws.append([t["none"]])
    out = Path(xlsx_path)
    wb.save(out)
    return out
