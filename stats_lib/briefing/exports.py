"""The slide deck and the workbook of a briefing, built from what the notebook registered.

The notebook registers its charts and tables with :class:`stats_lib.collect.Collector`, which writes
``outputs.json``, ``charts/*.png`` and ``tables/*.json`` into the output folder. After the notebook
has run, the render process calls :func:`write_pptx` and :func:`write_xlsx` on that folder.

Spreadsheet formula injection: every text cell written to a workbook (and every CSV the package
writes, through :func:`safe_frame`) goes through :func:`safe_cell`, which puts an apostrophe before
text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, so that Excel, WPS or
LibreOffice show it as text and never run it. Numbers are never touched.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.briefing.collect import Collector
from stats_lib.errors import RenderError
from stats_lib.safe import safe_cell, safe_frame, write_csv

__all__ = ["write_pptx", "write_xlsx", "safe_cell", "safe_frame", "write_csv", "sheet_name", "CJK_FONT"]

#: Font named in every text run of the deck (East Asian and Latin), present with Windows and WPS.
CJK_FONT = "Microsoft YaHei"

_SLIDE_W, _SLIDE_H = 12192000, 6858000  # EMU: 13.333 x 7.5 in, 16:9
_HEX_DIGEST = re.compile(r"^[0-9a-f]{40,128}$")
_ISO_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?$")
_ROWS_PER_SLIDE = 12
_MAX_TABLE_SLIDES = 4
_PALETTE = ("0072B2", "9A9A9A", "D55E00", "009E73", "E69F00", "CC79A7", "56B4E9")

_TEXT = {
    "zh": {"editable": "（可编辑）", "cont": "（续）", "truncated": "仅显示前{n}行，共{total}行；完整表格见 tables.xlsx。",
           "empty": "（无数据）", "yes": "是", "no": "否", "table": "表{n}", "none": "无表格"},
    "en": {"editable": " (editable)", "cont": " (cont.)",
           "truncated": "First {n} of {total} rows shown; the full table is in tables.xlsx.",
           "empty": "(no data)", "yes": "yes", "no": "no", "table": "Table {n}", "none": "No tables"},
}


# --------------------------------------------------------------------------- shared


def _t(lang: str) -> dict:
    return _TEXT["en" if lang == "en" else "zh"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _inside(base: Path, rel: str, what: str) -> Path:
    """``base / rel``, refusing a path that leaves ``base`` (an absolute path or ``..``)."""
    path = (base / rel).resolve()
    if not path.is_relative_to(base.resolve()):
        raise RenderError(f"outputs.json: {what} path {rel!r} leaves the output folder {base}")
    if not path.is_file():
        raise RenderError(f"outputs.json: {what} file {rel!r} is missing in {base}")
    return path


def _load_index(output_dir: str | Path) -> tuple[Path, dict]:
    base = Path(output_dir)
    path = base / "outputs.json"
    try:
        index = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RenderError(f"{path}: missing; the notebook registered no outputs (Collector)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RenderError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(index, dict) or not isinstance(index.get("items"), list):
        raise RenderError(f"{path}: expected an object with an 'items' list")
    return base, index


def _read_table(base: Path, item: dict) -> pd.DataFrame:

    return Collector.read_table(_inside(base, str(item.get("json", "")), "table"))


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell_text(value, lang: str, *, decimals: bool = False) -> str:
    """A table value as slide text: thousands separators, one decimal, empty for missing.

    ``decimals=True`` (a column that holds fractions) writes whole numbers with one decimal too,
    so that a column of daily means reads 26.0 beside 17.2. A SHA-256 digest is shortened to its
    first 12 characters (the full digest is in tables.xlsx and the manifest).
    """
    if _is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return _t(lang)["yes" if value else "no"]
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if v.is_integer() and not decimals:
            return f"{int(v):,}"
        return f"{v:,.1f}" if abs(v) >= 1 or decimals else f"{v:.3g}"
    text = str(value)
    if _HEX_DIGEST.match(text):
        return text[:12] + "…"
    return text[:10] if _ISO_MIDNIGHT.match(text) else text


def _has_fractions(column: pd.Series) -> bool:
    """True when a column holds floats of which at least one is not a whole number."""
    values = [float(v) for v in column if isinstance(v, float | np.floating) and not _is_missing(v)]
    return any(not v.is_integer() for v in values)


# --------------------------------------------------------------------------- PPTX


def _font(font, size: float, *, bold: bool = False, colour: str | None = None) -> None:
    """Size, weight, colour and the CJK font (Latin and East Asian typefaces) of a python-pptx Font."""
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font.size = Pt(size)
    font.bold = bold
    if colour:
        font.color.rgb = RGBColor.from_string(colour)
    font.name = CJK_FONT
    rpr = font._element  # a:rPr / a:defRPr: add <a:ea typeface> right after <a:latin>
    for old in rpr.findall(qn("a:ea")):
        rpr.remove(old)
    ea = rpr.makeelement(qn("a:ea"), {"typeface": CJK_FONT})
    rpr.find(qn("a:latin")).addnext(ea)


def _textbox(slide, left, top, width, height, lines, size, *, bold=False, colour="222222", align=None):
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = str(line)
        _font(run.font, size, bold=bold, colour=colour)
    return box


def _slide_title(slide, title: str) -> None:
    _textbox(slide, 0.5, 0.25, 12.33, 0.9, [title], 28, bold=True, colour="1F3864")


def _picture_slide(prs, base: Path, item: dict) -> None:
    from PIL import Image

    path = _inside(base, str(item.get("png", "")), "chart")
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    with Image.open(path) as img:
        w, h = img.size
    scale = min(_SLIDE_W / w, _SLIDE_H / h)
    width, height = int(w * scale), int(h * scale)
    pic = slide.shapes.add_picture(str(path), (_SLIDE_W - width) // 2, (_SLIDE_H - height) // 2, width, height)
    pic.name = f"chart {item.get('n', '')}"
    pic._element.nvPicPr.cNvPr.set("descr", str(item.get("title", "")))


def _native_slide(prs, item: dict, lang: str) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    native = item["native"]
    kind = native.get("type")
    if kind not in ("bar", "line"):
        raise RenderError(f"outputs.json: chart {item.get('slug')!r}: native type must be 'bar' or 'line', got {kind!r}")
    categories = [safe_cell(str(c)) for c in native.get("categories", [])]
    data = CategoryChartData(number_format="#,##0")
    data.categories = categories
    series = native.get("series") or {}
    for name, values in series.items():
        values = [None if _is_missing(v) else float(v) for v in values]
        if len(values) != len(categories):
            raise RenderError(f"outputs.json: chart {item.get('slug')!r}: series {name!r} has {len(values)} values "
                              f"for {len(categories)} categories")
        data.add_series(safe_cell(str(name)), values)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _slide_title(slide, f"{item.get('title', '')}{_t(lang)['editable']}")
    chart_type = XL_CHART_TYPE.COLUMN_CLUSTERED if kind == "bar" else XL_CHART_TYPE.LINE_MARKERS
    frame = slide.shapes.add_chart(chart_type, Inches(0.5), Inches(1.25), Inches(12.33), Inches(5.95), data)
    chart = frame.chart
    _font(chart.font, 16)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    chart.value_axis.has_major_gridlines = True
    for i, s in enumerate(chart.plots[0].series):
        colour = RGBColor.from_string(_PALETTE[i % len(_PALETTE)])
        if kind == "bar":
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = colour
        else:
            s.format.line.color.rgb = colour
            s.format.line.width = Pt(2.5)
            s.smooth = False
    if kind == "bar" and len(categories) * max(len(series), 1) <= 30:
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = "#,##0"
        plot.data_labels.number_format_is_linked = False
        _font(plot.data_labels.font, 13)


def _table_layout(headers: list[str], text: pd.DataFrame) -> tuple[int, np.ndarray, np.ndarray]:
    """Font size, column widths (in) and per-row heights (in, header first) of a slide table.

    The size is the largest from 16 pt down to 10 pt at which every column fits its longest text on
    one line (a display column, half a CJK character, is about 0.55 em; a cell has 0.2 in of
    margins); below that, narrow columns keep their width and the wide ones share the rest and wrap.
    """
    ncols = max(len(headers), 1)
    units = np.array([max([_width(h)] + [_width(v) for v in text[i]]) for i, h in enumerate(headers)], float)
    units = np.maximum(units, 2) if len(units) else np.array([2.0])
    margin, avail = 0.22, 12.33
    size = int(np.clip((avail - margin * ncols) * 72 / (units.sum() * 0.55), 10, 16))
    need = units * size * 0.55 / 72 + margin
    if need.sum() <= avail:
        col_in = need + (avail - need.sum()) * units / units.sum()
    else:
        narrow = need <= np.sort(need)[len(need) // 2]  # the narrower half keeps its width
        if narrow.all() or need[narrow].sum() >= avail * 0.6:
            col_in = need * avail / need.sum()
        else:
            col_in = need.copy()
            col_in[~narrow] = need[~narrow] * (avail - need[narrow].sum()) / need[~narrow].sum()
    cells = [headers] + [list(row) for row in text.itertuples(index=False, name=None)]
    line = size * 1.25 / 72
    heights = np.array([0.14 + line * max([math.ceil(_width(v) * size * 0.55 / 72 / max(col_in[j] - margin, 0.1))
                                           for j, v in enumerate(row)] + [1]) for row in cells])
    return size, col_in, heights


def _table_slides(prs, title: str, df: pd.DataFrame, lang: str) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    t = _t(lang)
    total = len(df)
    limit = _ROWS_PER_SLIDE * _MAX_TABLE_SLIDES
    shown = df.head(limit)
    ncols = max(df.shape[1], 1)
    headers = [str(c) for c in df.columns]
    frac = [_has_fractions(df.iloc[:, i]) for i in range(df.shape[1])]
    text = pd.DataFrame({i: [_cell_text(v, lang, decimals=frac[i]) for v in shown.iloc[:, i]]
                         for i in range(df.shape[1])})
    numeric = [_numberlike(df.iloc[:, i]) for i in range(df.shape[1])]  # right-aligned
    size, col_in, heights = _table_layout(headers, text)
    # rows per slide: at most _ROWS_PER_SLIDE, and no taller than the 5.6 in below the title
    chunks, first, used = [], 0, heights[0]
    for r in range(len(text)):
        if r > first and (r - first >= _ROWS_PER_SLIDE or used + heights[r + 1] > 5.6):
            chunks.append((first, r))
            first, used = r, heights[0]
        used += heights[r + 1]
    chunks.append((first, len(text)))
    for k, (lo, hi) in enumerate(chunks):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        _slide_title(slide, title if k == 0 else f"{title}{t['cont']}")
        rows = hi - lo + 1
        row_h = [heights[0], *heights[lo + 1:hi + 1]]
        shape = slide.shapes.add_table(rows, ncols, Inches(0.5), Inches(1.25), Inches(12.33),
                                       Inches(float(sum(row_h))))
        table = shape.table
        for j, w in enumerate(col_in):
            table.columns[j].width = Inches(float(w))
        for r, h in enumerate(row_h):
            table.rows[r].height = Inches(float(h))
        for j, header in enumerate(headers):
            cell = table.cell(0, j)
            cell.text = header
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor.from_string("1F4E79")
            for para in cell.text_frame.paragraphs:
                para.alignment = PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT
                for run in para.runs:
                    _font(run.font, size, bold=True, colour="FFFFFF")
        for r in range(lo, hi):
            for j in range(df.shape[1]):
                cell = table.cell(r - lo + 1, j)
                cell.text = text.iat[r, j]
                for para in cell.text_frame.paragraphs:
                    para.alignment = PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT
                    for run in para.runs:
                        _font(run.font, size, colour="222222")
        notes = []
        if total == 0:
            notes.append(t["empty"])
        if k == len(chunks) - 1 and total > limit:
            notes.append(t["truncated"].format(n=limit, total=total))
        if notes:
            _textbox(slide, 0.5, 6.95, 12.33, 0.4, notes, 12, colour="555555")


def write_pptx(output_dir: str | Path, pptx_path: str | Path, *, title: str | None = None,
               subtitle_lines: list[str] | tuple[str, ...] = (), lang: str = "zh") -> Path:
    """Build the 16:9 slide deck of a briefing from ``output_dir/outputs.json``.

    Slides, in the order the notebook registered its items:

    - a title slide: ``title`` (default: the title in outputs.json) and ``subtitle_lines`` (统计时段,
      对比时段, 数据截至 …);
    - per chart: its PNG filling the slide (16:9, 13.333x7.5 in); when the chart has ``native`` data,
      a second slide right after it with the same title and 「（可编辑）」 holding an editable
      PowerPoint chart (clustered columns for ``bar``, lines with markers for ``line``) whose
      numbers can be corrected in PowerPoint or WPS;
    - per table: a native PowerPoint table, 10 to 16 pt so that columns fit their text, at most 12 rows
      a slide (fewer when long texts wrap; continued slides titled 「（续）」), at most 48 rows in all,
      with a note pointing to the workbook when cut.

    Every text run names :data:`CJK_FONT` as its Latin and East Asian typeface.

    Returns
    -------
    pathlib.Path
        ``pptx_path``.

    Raises
    ------
    stats_lib.errors.RenderError
        outputs.json is missing or malformed, or names a file that is missing or outside ``output_dir``.
    """
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN

    base, index = _load_index(output_dir)
    prs = Presentation()
    prs.slide_width, prs.slide_height = _SLIDE_W, _SLIDE_H
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _textbox(slide, 0.8, 2.0, 11.73, 1.5, [title or index.get("title") or ""], 40, bold=True, colour="1F3864",
             align=PP_ALIGN.CENTER)
    lines = list(subtitle_lines) or ([index["subtitle"]] if index.get("subtitle") else [])
    if lines:
        _textbox(slide, 0.8, 3.7, 11.73, 3.0, lines, 22, colour="404040", align=PP_ALIGN.CENTER)
    for item in index["items"]:
        if item.get("kind") == "chart":
            _picture_slide(prs, base, item)
            if item.get("native"):
                _native_slide(prs, item, lang)
        elif item.get("kind") == "table":
            _table_slides(prs, str(item.get("title", "")), _read_table(base, item), lang)
    out = Path(pptx_path)
    prs.save(out)
    return out


# --------------------------------------------------------------------------- XLSX

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_NUMBER = re.compile(r"^\s*[+\-\u2212]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+\-]?\d+)?\s*$")
_PERCENT = re.compile(r"^\s*[+\-\u2212]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%\s*$")
_MASKS = {"", "*", "**", "—", "–", "-"}


def sheet_name(title: str, taken: set[str], n: int = 1, lang: str = "zh") -> str:
    """A valid, unique worksheet name for ``title``.

    Removes ``[ ] : * ? / \\``, leading and trailing apostrophes and spaces, cuts to 31 characters,
    avoids Excel's reserved ``History`` and adds `` (2)``, `` (3)`` … when the name (compared without
    case, as Excel does) is in ``taken``. An empty title becomes 表n / Table n. The name is added to
    ``taken``.

    Returns
    -------
    str
        The sheet name.
    """
    name = _BAD_SHEET_CHARS.sub(" ", str(title)).strip(" '")
    name = re.sub(r"\s+", " ", name)[:31].strip(" '") or _t(lang)["table"].format(n=n)
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


def _typed_column(col: pd.Series) -> tuple[pd.Series, str | None]:
    """Text columns that hold only numbers (1,234 / −5 / +3.1%), masks apart, become numbers; with a format."""
    if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
        if pd.api.types.is_integer_dtype(col.dtype):
            return col, "#,##0"
        return col, None
    text = col.astype(object).where(col.notna(), "").astype(str).str.strip()
    values = text[~text.isin(_MASKS)]
    if values.empty or not col.map(lambda v: v is None or isinstance(v, str) or _is_missing(v)).all():
        return col, None
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
        return col, None
    out = col.astype(object).copy()
    out.loc[numbers.index] = numbers.astype(object)
    return out, fmt


def _numberlike(col: pd.Series) -> bool:
    """True for a numeric column, or a text column of numbers (``1,234``, ``+3.1%``) with masks."""
    if pd.api.types.is_bool_dtype(col.dtype):
        return False
    return pd.api.types.is_numeric_dtype(col.dtype) or _typed_column(col)[0] is not col


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        if _ISO_MIDNIGHT.match(value):
            return pd.Timestamp(value).to_pydatetime()
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)[:32767])
    return value


def write_xlsx(output_dir: str | Path, xlsx_path: str | Path, lang: str = "zh") -> Path:
    """Write every table of ``output_dir/outputs.json`` to one workbook, one sheet each.

    Sheets are named after the tables' titles (see :func:`sheet_name`), in the order registered.
    Row 1 holds the headers as given (Chinese in a Chinese briefing), bold on grey, frozen; column
    widths follow the longest text (CJK characters count double). Numbers are numeric cells: JSON
    numbers, and text columns whose every value reads as a number (``1,234``, ``-5``, ``+3.1%``,
    ``12.5%``; masks ``*`` and ``—`` stay text) with a matching number format; dates written by the
    Collector as ISO midnight timestamps become date cells. Every other text goes through
    :func:`safe_cell`. A briefing with no table gets one sheet saying so.

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
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    t = _t(lang)
    base, index = _load_index(output_dir)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    tables = [item for item in index["items"] if item.get("kind") == "table"]
    for n, item in enumerate(tables, start=1):
        df = _read_table(base, item)
        ws = wb.create_sheet(sheet_name(str(item.get("title", "")), taken, n, lang))
        ws.append([_xlsx_value(str(c)) for c in df.columns])
        formats: list[str | None] = []
        columns = []
        for i in range(df.shape[1]):
            col, fmt = _typed_column(df.iloc[:, i])
            columns.append(col.tolist())
            formats.append(fmt)
        for row in zip(*columns):
            ws.append([_xlsx_value(v) for v in row])
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
        for j, fmt in enumerate(formats, start=1):
            head = ws.cell(row=1, column=j)
            head.font, head.fill = bold, fill
            head.alignment = Alignment(vertical="center", wrap_text=False)
            letter = get_column_letter(j)
            for cell in ws[letter][1:]:
                if isinstance(cell.value, int | float) and fmt:
                    cell.number_format = fmt
                elif hasattr(cell.value, "year"):
                    cell.number_format = "yyyy-mm-dd"
            texts = [str(df.columns[j - 1])] + [str(v) if isinstance(v, str) else _cell_text(v, lang)
                                                for v in df.iloc[:, j - 1]]
            ws.column_dimensions[letter].width = min(60, max(8, max(_width(s) for s in texts) + 2))
        ws.freeze_panes = "A2"
    if not tables:
        ws = wb.create_sheet(t["none"])
        ws.append([t["none"]])
    out = Path(xlsx_path)
    wb.save(out)
    return out
