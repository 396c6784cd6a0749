"""The slide deck of a briefing, as a bureau presents it (python-pptx).

Built from what the notebook registered (``outputs.json``): every slide is made from a real layout with
a title placeholder (so PowerPoint's and WPS's outline view lists the slides, and a bureau's own master
applies through ``template``); the section's words go into the speaker notes; each chart appears once —
as a native, editable chart when it is a plain bar or line chart, as its picture only where a native
chart cannot say it (shading, markers: the daily chart); tables are native tables.

Slides, in order: the title slide (title, 统计时段, 对比时段, 数据截至); a 要点 slide (the overview sentences
and the anomaly sentences as bullets); then per section its charts and tables (a section with neither gets
one text slide).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.briefing.outputs import (
    cell_text,
    has_fractions,
    inside,
    is_missing,
    load_index,
    read_table,
    sections,
    texts,
)
from stats_lib.briefing.workbook import numberlike
from stats_lib.errors import RenderError
from stats_lib.report.chart_base import text_width
from stats_lib.safe import safe_cell

__all__ = ["write_pptx", "CJK_FONT", "ROWS_PER_SLIDE", "MAX_TABLE_SLIDES", "TableLayout", "table_layout"]

#: Font named in every text run of the deck (East Asian and Latin), present with Windows and WPS.
CJK_FONT = "Microsoft YaHei"
#: Rows of a table on one slide, and slides of one table at most (the workbook has them all).
ROWS_PER_SLIDE = 12
MAX_TABLE_SLIDES = 4

_SLIDE_W, _SLIDE_H = 12192000, 6858000  # EMU: 13.333 x 7.5 in, 16:9
_EMU = 914400
_PALETTE = ("0072B2", "9A9A9A", "D55E00", "009E73", "E69F00", "CC79A7", "56B4E9")


# ------------------------------------------------------------------------------------------ text
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


def _fit(text: str, width_in: float, largest: float, smallest: float = 16) -> float:
    """The largest size (pt) from ``largest`` down to ``smallest`` at which ``text`` fits one line."""
    units = max(text_width(text), 1)
    return float(np.clip(math.floor((width_in - 0.3) * 72 / (units * 0.6)), smallest, largest))


def _fill(shape, lines, size: float, *, bold: bool = False, colour: str = "222222", bullets: bool = False) -> None:
    frame = shape.text_frame
    frame.word_wrap = True
    frame.clear()
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if bullets:
            para.space_after = 6
        run = para.add_run()
        run.text = str(line)
        _font(run.font, size, bold=bold, colour=colour)


def _title_lines(shape, title: str) -> None:
    """The title slide's title: a date in brackets goes to a second, smaller line, never wrapped mid-date."""
    if "（" not in title:
        return
    head, tail = title.split("（", 1)
    _fill(shape, [head, "（" + tail], 24, bold=True, colour="1F3864")
    first, second = shape.text_frame.paragraphs
    _font(first.runs[0].font, _fit(head, shape.width / _EMU, 36), bold=True, colour="1F3864")
    _font(second.runs[0].font, _fit("（" + tail, shape.width / _EMU, 24), bold=False, colour="1F3864")


def _notes(slide, lines) -> None:
    text = "\n".join(str(x) for x in lines if x)
    if text:
        slide.notes_slide.notes_text_frame.text = text


# --------------------------------------------------------------------------------------- layouts
class _Layouts:
    """The layouts of the deck, found by their placeholders (works with a bureau's template too)."""

    def __init__(self, prs, own: bool):
        from pptx.enum.shapes import PP_PLACEHOLDER as P

        self.own = own
        self.width, self.height = prs.slide_width, prs.slide_height

        def kinds(layout) -> set:
            return {p.placeholder_format.type for p in layout.placeholders} - {P.DATE, P.FOOTER, P.SLIDE_NUMBER}

        layouts = list(prs.slide_layouts)
        has_title = [lay for lay in layouts if kinds(lay) & {P.TITLE, P.CENTER_TITLE}]
        if not has_title:
            raise RenderError("template: no slide layout with a title placeholder")
        self.title = next((lay for lay in has_title if P.SUBTITLE in kinds(lay)), has_title[0])
        self.content = next((lay for lay in has_title if kinds(lay) & {P.BODY, P.OBJECT} and len(kinds(lay)) == 2),
                            has_title[0])
        self.title_only = next((lay for lay in has_title if kinds(lay) == {P.TITLE}), self.content)

    def slide(self, prs, layout, title: str, *, size: float = 28):
        slide = prs.slides.add_slide(layout)
        ph = slide.shapes.title
        if self.own:  # the default master is 4:3: place the title for 16:9
            ph.left, ph.top, ph.width, ph.height = int(0.5 * _EMU), int(0.25 * _EMU), int(12.33 * _EMU), int(0.9 * _EMU)
        _fill(ph, [title], _fit(title, ph.width / _EMU, size), bold=True, colour="1F3864")
        return slide

    def body_top(self, slide) -> int:
        t = slide.shapes.title
        return int(t.top + t.height + 0.1 * _EMU)


def _body(slide, layouts: _Layouts):
    """The slide's body placeholder placed under the title (16:9 default), or None."""
    for p in slide.placeholders:
        if p.placeholder_format.idx == 1:
            if layouts.own:
                p.left, p.top = int(0.6 * _EMU), layouts.body_top(slide)
                p.width, p.height = int(12.1 * _EMU), int(layouts.height - p.top - 0.4 * _EMU)
            return p
    return None


def _drop_slides(prs) -> None:
    """Remove the slides a template came with (its masters and layouts stay)."""
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


# ---------------------------------------------------------------------------------------- slides
def _text_slide(prs, layouts: _Layouts, title: str, lines: list[str], notes: list[str]):
    slide = layouts.slide(prs, layouts.content, title)
    body = _body(slide, layouts)
    lines = [x for x in lines if x] or [title]
    size = 20 if sum(text_width(x) for x in lines) < 700 else 16
    if body is not None:
        _fill(body, lines, size, bullets=True)
    _notes(slide, notes)
    return slide


def _picture_slide(prs, layouts: _Layouts, base: Path, item: dict, notes: list[str]) -> None:
    from PIL import Image

    path = inside(base, str(item.get("png", "")), "chart")
    slide = layouts.slide(prs, layouts.title_only, str(item.get("title", "")))
    top = layouts.body_top(slide)
    with Image.open(path) as img:
        w, h = img.size
    avail_w, avail_h = layouts.width - int(0.4 * _EMU), layouts.height - top - int(0.1 * _EMU)
    scale = min(avail_w / w, avail_h / h)
    width, height = int(w * scale), int(h * scale)
    pic = slide.shapes.add_picture(str(path), (layouts.width - width) // 2, top, width, height)
    pic.name = f"chart {item.get('slug', '')}"
    pic._element.nvPicPr.cNvPr.set("descr", str(item.get("title", "")))
    _notes(slide, notes)


def _native_slide(prs, layouts: _Layouts, item: dict, notes: list[str]) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Pt

    native = item["native"]
    kind = native.get("type")
    if kind not in ("bar", "line"):
        raise RenderError(f"outputs.json: chart {item.get('slug')!r}: native type must be 'bar' or 'line', got {kind!r}")
    categories = [safe_cell(str(c)) for c in native.get("categories", [])]
    data = CategoryChartData(number_format="#,##0")
    data.categories = categories
    series = native.get("series") or {}
    for name, values in series.items():
        values = [None if is_missing(v) else float(v) for v in values]
        if len(values) != len(categories):
            raise RenderError(f"outputs.json: chart {item.get('slug')!r}: series {name!r} has {len(values)} values "
                              f"for {len(categories)} categories")
        data.add_series(safe_cell(str(name)), values)
    slide = layouts.slide(prs, layouts.title_only, str(item.get("title", "")))
    top = layouts.body_top(slide)
    chart_type = XL_CHART_TYPE.COLUMN_CLUSTERED if kind == "bar" else XL_CHART_TYPE.LINE_MARKERS
    frame = slide.shapes.add_chart(chart_type, int(0.5 * _EMU), top, layouts.width - _EMU,
                                   layouts.height - top - int(0.2 * _EMU), data)
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
    _notes(slide, notes)


@dataclass(frozen=True)
class TableLayout:
    """The layout of a slide table (:func:`table_layout`).

    Attributes
    ----------
    font_size : int
        Font size in points (10 to 16).
    widths : ndarray
        Column widths in inches, one per column.
    heights : ndarray
        Row heights in inches, the header row first.
    """

    font_size: int
    widths: np.ndarray
    heights: np.ndarray


def table_layout(headers: list[str], text: pd.DataFrame, avail: float = 12.33) -> TableLayout:
    """Font size (pt), column widths (in) and row heights (in, header first) of a slide table.

    The size is the largest from 16 pt down to 10 pt at which every column fits its longest text on one
    line (a display column, half a CJK character, is about 0.55 em; a cell has 0.22 in of margins); below
    that, the narrower half of the columns keep their width and the wide ones share the rest and wrap.

    Parameters
    ----------
    headers : list of str
        The column heads.
    text : DataFrame
        The cells as they will be shown (text), one column per head.
    avail : float
        The width available, in inches.

    Returns
    -------
    TableLayout
        ``font_size`` (pt), ``widths`` (in) and ``heights`` (in, header first).
    """
    ncols = max(len(headers), 1)
    units = np.array([max([text_width(h)] + [text_width(v) for v in text[i]]) for i, h in enumerate(headers)],
                     float)
    units = np.maximum(units, 2) if len(units) else np.array([2.0])
    margin = 0.22
    size = int(np.clip((avail - margin * ncols) * 72 / (units.sum() * 0.55), 10, 16))
    need = units * size * 0.55 / 72 + margin
    if need.sum() <= avail:
        col_in = need + (avail - need.sum()) * units / units.sum()
    else:
        narrow = need <= np.sort(need)[len(need) // 2]
        if narrow.all() or need[narrow].sum() >= avail * 0.6:
            col_in = need * avail / need.sum()
        else:
            col_in = need.copy()
            col_in[~narrow] = need[~narrow] * (avail - need[narrow].sum()) / need[~narrow].sum()
    cells = [headers] + [list(row) for row in text.itertuples(index=False, name=None)]
    line = size * 1.25 / 72
    heights = np.array([0.14 + line * max([math.ceil(text_width(v) * size * 0.55 / 72 / max(col_in[j] - margin, 0.1))
                                           for j, v in enumerate(row)] + [1]) for row in cells])
    return TableLayout(size, col_in, heights)


def _table_slides(prs, layouts: _Layouts, title: str, df: pd.DataFrame, lang: str, notes: list[str]) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN

    t = texts(lang)
    total = len(df)
    limit = ROWS_PER_SLIDE * MAX_TABLE_SLIDES
    shown = df.head(limit)
    ncols = max(df.shape[1], 1)
    headers = [str(c) for c in df.columns]
    frac = [has_fractions(df.iloc[:, i]) for i in range(df.shape[1])]
    text = pd.DataFrame({i: [cell_text(v, lang, decimals=frac[i]) for v in shown.iloc[:, i]]
                         for i in range(df.shape[1])})
    numeric = [numberlike(df.iloc[:, i]) for i in range(df.shape[1])]  # right-aligned
    avail_w = (layouts.width - _EMU) / _EMU
    layout = table_layout(headers, text, avail_w)
    size, col_in, heights = layout.font_size, layout.widths, layout.heights
    room = (layouts.height / _EMU) - 1.25 - 0.5
    chunks, first, used = [], 0, heights[0]
    for r in range(len(text)):
        if r > first and (r - first >= ROWS_PER_SLIDE or used + heights[r + 1] > room):
            chunks.append((first, r))
            first, used = r, heights[0]
        used += heights[r + 1]
    chunks.append((first, len(text)))
    for k, (lo, hi) in enumerate(chunks):
        slide = layouts.slide(prs, layouts.title_only, title if k == 0 else f"{title}{t['cont']}")
        top = layouts.body_top(slide)
        row_h = [heights[0], *heights[lo + 1:hi + 1]]
        shape = slide.shapes.add_table(hi - lo + 1, ncols, int(0.5 * _EMU), top, int(avail_w * _EMU),
                                       int(sum(row_h) * _EMU))
        table = shape.table
        for j, w in enumerate(col_in):
            table.columns[j].width = int(w * _EMU)
        for r, h in enumerate(row_h):
            table.rows[r].height = int(h * _EMU)
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
        extra = []
        if total == 0:
            extra.append(t["empty"])
        if k == len(chunks) - 1 and total > limit:
            extra.append(t["truncated"].format(n=limit, total=total))
        if extra:
            box = slide.shapes.add_textbox(int(0.5 * _EMU), layouts.height - int(0.55 * _EMU), int(avail_w * _EMU),
                                           int(0.4 * _EMU))
            _fill(box, extra, 12, colour="555555")
        _notes(slide, notes + extra)


def _sentences(text: str) -> list[str]:
    """A paragraph cut into sentences (after 。 or '. '), each kept whole."""
    out, cur = [], ""
    for i, ch in enumerate(text):
        cur += ch
        if ch == "。" or (ch == "." and text[i + 1:i + 2] == " "):
            out.append(cur.strip())
            cur = ""
    if cur.strip():
        out.append(cur.strip())
    return out


def _key_points(groups: list[dict]) -> tuple[str, list[str]]:
    """The 要点 bullets: the overview's sentences, then the anomaly sentences (at most 8 in all)."""
    by_key = {g["section"].get("slug"): g["section"] for g in groups if g["section"]}
    overview = by_key.get("overview") or {}
    lines = [s for p in overview.get("paragraphs", []) for s in _sentences(p)]
    anomalies = by_key.get("anomalies") or {}
    lines += [p for p in anomalies.get("paragraphs", [])][:3]
    return str(overview.get("title", "")), [_shorten(x) for x in lines[:8]]


def _shorten(line: str, width: int = 180) -> str:
    """A bullet of at most ``width`` display columns (the whole sentence stays in the speaker notes)."""
    if text_width(line) <= width:
        return line
    out = ""
    for ch in line:
        if text_width(out + ch) > width - 1:
            break
        out += ch
    return out.rstrip("，,；; ") + "…"


def write_pptx(output_dir: str | Path, pptx_path: str | Path, *, title: str | None = None,
               subtitle_lines: list[str] | tuple[str, ...] = (), lang: str = "zh",
               template: str | Path | None = None) -> Path:
    """Build the slide deck of a briefing from ``output_dir/outputs.json``.

    Parameters
    ----------
    output_dir : str or Path
        The folder the notebook's :class:`~stats_lib.briefing.collect.Collector` wrote.
    pptx_path : str or Path
        Where to write the deck.
    title : str, optional
        Title of the first slide (default: the title in outputs.json).
    subtitle_lines : sequence of str
        Lines under it (统计时段, 对比时段, 数据截至 …).
    lang : {"zh", "en"}
    template : str or Path, optional
        A bureau's ``.pptx``: its slide size, masters and layouts are used (its own slides are dropped);
        default python-pptx's template at 16:9 (13.333 x 7.5 in).

    Returns
    -------
    pathlib.Path
        ``pptx_path``. Every slide has a title placeholder; every slide after the first has speaker notes
        (the words of its section); each chart is on one slide only.

    Raises
    ------
    stats_lib.errors.RenderError
        outputs.json is missing or malformed or names a file outside ``output_dir``; the template cannot be
        read or has no layout with a title.
    """
    from pptx import Presentation

    loaded = load_index(output_dir)
    base, index = loaded.folder, loaded.index
    if template is not None:
        try:
            prs = Presentation(str(template))
        except Exception as exc:  # python-pptx raises zipfile, KeyError and lxml errors for a bad file
            raise RenderError(f"template: cannot read {template} as a PowerPoint file ({type(exc).__name__})") from None
        _drop_slides(prs)
    else:
        prs = Presentation()
        prs.slide_width, prs.slide_height = _SLIDE_W, _SLIDE_H
    layouts = _Layouts(prs, own=template is None)
    slide = layouts.slide(prs, layouts.title, title or str(index.get("title") or ""), size=36)
    _title_lines(slide.shapes.title, title or str(index.get("title") or ""))
    lines = list(subtitle_lines) or ([index["subtitle"]] if index.get("subtitle") else [])
    for p in slide.placeholders:
        if p.placeholder_format.idx == 1:
            if layouts.own:
                p.left, p.top, p.width, p.height = (int(0.8 * _EMU), int(3.6 * _EMU), int(11.73 * _EMU),
                                                    int(3.0 * _EMU))
                slide.shapes.title.top = int(2.0 * _EMU)
                slide.shapes.title.height = int(1.4 * _EMU)
            _fill(p, lines or [""], 20, colour="404040")
    groups = sections(index)
    head, points = _key_points(groups)
    if points:
        overview = [p for g in groups if g["section"] and g["section"].get("slug") == "overview"
                    for p in g["section"].get("paragraphs", [])]
        _text_slide(prs, layouts, texts(lang)["key_points"], points, [head, *overview])
    for g in groups:
        sec = g["section"] or {}
        if sec.get("level") == 1:
            continue
        notes = [str(sec.get("title", ""))] + list(sec.get("paragraphs", [])) + list(sec.get("notes", []))
        if not g["items"]:
            _text_slide(prs, layouts, str(sec.get("title", "")), list(sec.get("paragraphs", [])), notes)
        for item in g["items"]:
            if item.get("kind") == "chart":
                native = item.get("native")
                if native and not native.get("picture"):
                    _native_slide(prs, layouts, item, notes)
                else:
                    _picture_slide(prs, layouts, base, item, notes)
            elif item.get("kind") == "table" and not item.get("workbook_only"):
                _table_slides(prs, layouts, str(item.get("title", "")), read_table(base, item), lang,
                              notes + ([item["note"]] if item.get("note") else []))
    out = Path(pptx_path)
    prs.save(out)
    return out
