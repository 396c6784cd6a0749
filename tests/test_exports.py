"""Tests of stats_lib.exports: the 16:9 deck, the workbook, and formula-injection defences."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

from stats_lib.briefing import exports
from stats_lib.briefing.collect import Collector
from stats_lib.briefing.exports import safe_cell, safe_frame, sheet_name, write_csv, write_pptx, write_xlsx
from stats_lib.errors import RenderError

INJECTIONS = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def _figure(text: str = "chart") -> Figure:
    fig = Figure(figsize=(16, 9))
    fig.add_subplot().plot([0, 1], [0, 1])
    fig.suptitle(text)
    return fig


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A tiny briefing output folder written by the real Collector: 3 sections, 3 charts (2 native), 2 tables."""
    out = tmp_path_factory.mktemp("built") / "out"
    c = Collector(out, title="示例市春节以来警情形势分析", subtitle="2023年1月21日至2月5日")
    c.section("overview", "一、总体情况", ["全市共接报警情12,345起，同比下降5.2%。其余基本持平。"])
    c.section("categories", "二、分类警情", ["刑事警情1,234起。"], ["注：显著指 p < 0.05。"])
    c.chart("by-category", "分类对比", _figure(),
            native={"type": "bar", "categories": ["刑事", "治安", "=1+1"],
                    "series": {"本期": [1234.0, 2345.0, None], "去年同期": [1197.0, 2560.0, 5.0]}})
    c.table("categories", "分类警情", pd.DataFrame({
        "类别": ["刑事", "治安", "交通"], "本期": [1234, 2345, 1987], "去年同期": [1197, 2560, 1787],
        "同比": ["+3.1%", "-8.4%", "+11.2%"], "显著性": ["—", "▼ 显著", "▲ 显著"]}))
    c.section("daily", "三、每日走势", ["日均771.6起。"])
    c.chart("daily", "每日走势", _figure(),
            native={"type": "line", "categories": ["1月21日", "1月22日"], "series": {"本期": [801.0, 766.0]}})
    c.chart("hours", "时段分布", _figure())
    c.table("notes", "数据说明 / 清洗台账", pd.DataFrame({"项目": ["读入", "保留"], "条数": [12480, 12401]}))
    return out


@pytest.fixture
def output_dir(built, tmp_path):
    """A private copy of the built folder (some tests alter it)."""
    import shutil

    return shutil.copytree(built, tmp_path / "out")


def _slide_texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


# --------------------------------------------------------------------------- PPTX


def _kind(slide) -> str:
    types = {s.shape_type for s in slide.shapes}
    return ("picture" if MSO_SHAPE_TYPE.PICTURE in types else "chart" if any(s.has_chart for s in slide.shapes)
            else "table" if MSO_SHAPE_TYPE.TABLE in types else "text")


def test_pptx_slides_in_order_on_layouts_with_titles_and_notes(output_dir, tmp_path):
    path = write_pptx(output_dir, tmp_path / "b.pptx", title="示例市春节以来警情形势分析",
                      subtitle_lines=["统计时段：2023年1月21日至2月5日", "对比时段：去年农历同期", "数据截至：2023年2月5日24时"])
    prs = Presentation(str(path))  # reopens
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 1e-3
    assert abs(prs.slide_height - Inches(7.5)) < Inches(0.01)
    slides = list(prs.slides)
    # every slide has a title placeholder (the outline view lists it) and no slide is a Blank layout
    titles = [s.shapes.title.text_frame.text for s in slides]
    assert titles == ["示例市春节以来警情形势分析", "要点", "一、总体情况", "分类对比", "分类警情", "每日走势", "时段分布",
                      "数据说明 / 清洗台账"]
    assert all(s.slide_layout.name != "Blank" for s in slides)
    sub = [p for p in slides[0].placeholders if p.placeholder_format.idx == 1][0]
    assert sub.text_frame.text.split("\n") == ["统计时段：2023年1月21日至2月5日", "对比时段：去年农历同期",
                                               "数据截至：2023年2月5日24时"]
    assert [_kind(s) for s in slides[1:]] == ["text", "text", "chart", "table", "chart", "picture", "table"]
    # the headline slide carries the overview's sentences, one bullet each
    body = [p for p in slides[1].placeholders if p.placeholder_format.idx == 1][0]
    assert [p.text for p in body.text_frame.paragraphs] == ["全市共接报警情12,345起，同比下降5.2%。", "其余基本持平。"]
    # notes on every content slide: the words of its section
    for slide in slides[1:]:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    assert "刑事警情1,234起。" in slides[3].notes_slide.notes_text_frame.text
    assert "注：显著指 p < 0.05。" in slides[4].notes_slide.notes_text_frame.text


def test_pptx_each_chart_once_native_where_possible(output_dir, tmp_path):
    prs = Presentation(str(write_pptx(output_dir, tmp_path / "b.pptx", title="t", subtitle_lines=[], lang="zh")))
    index = json.loads((output_dir / "outputs.json").read_text("utf-8"))
    charts_ = [i for i in index["items"] if i["kind"] == "chart"]
    pics = [s for slide in prs.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    natives = [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert len(pics) + len(natives) == len(charts_) == 3
    (only,) = [i for i in charts_ if not i.get("native")]
    assert hashlib.sha256(pics[0].image.blob).hexdigest() == hashlib.sha256(
        (output_dir / only["png"]).read_bytes()).hexdigest()
    assert not any("可编辑" in s.shapes.title.text_frame.text for s in prs.slides)


def test_pptx_picture_flag_keeps_a_chart_a_picture(output_dir, tmp_path):
    index = json.loads((output_dir / "outputs.json").read_text("utf-8"))
    for item in index["items"]:
        if item.get("slug") == "daily" and item["kind"] == "chart":
            item["native"]["picture"] = True
    (output_dir / "outputs.json").write_text(json.dumps(index, ensure_ascii=False), "utf-8")
    prs = Presentation(str(write_pptx(output_dir, tmp_path / "b.pptx", title="t", subtitle_lines=[])))
    daily = [s for s in prs.slides if s.shapes.title.text_frame.text == "每日走势"]
    assert len(daily) == 1 and _kind(daily[0]) == "picture"


def test_pptx_uses_a_bureau_template(output_dir, tmp_path):
    template = Presentation()
    template.slide_width, template.slide_height = Inches(10), Inches(7.5)  # a 4:3 bureau master
    template.slides.add_slide(template.slide_layouts[6])  # a slide the template came with is dropped
    template.save(tmp_path / "bureau.pptx")
    prs = Presentation(str(write_pptx(output_dir, tmp_path / "b.pptx", title="t", subtitle_lines=["x"],
                                      template=tmp_path / "bureau.pptx")))
    assert prs.slide_width == Inches(10)
    assert all(s.shapes.title is not None for s in prs.slides)
    assert len(prs.slides) == 8
    with pytest.raises(RenderError, match="template"):
        write_pptx(output_dir, tmp_path / "c.pptx", template=output_dir / "outputs.json")


def test_pptx_native_charts_hold_the_input_numbers(output_dir, tmp_path):
    prs = Presentation(str(write_pptx(output_dir, tmp_path / "b.pptx", title="t", subtitle_lines=[])))
    found = [s.chart for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert len(found) == 2
    bar, line = found
    assert list(bar.plots[0].categories) == ["刑事", "治安", "'=1+1"]  # category text neutralised
    series = {s.name: s.values for s in bar.plots[0].series}
    assert series == {"本期": (1234.0, 2345.0, None), "去年同期": (1197.0, 2560.0, 5.0)}
    assert list(line.plots[0].categories) == ["1月21日", "1月22日"]
    assert [s.values for s in line.plots[0].series] == [(801.0, 766.0)]
    from pptx.enum.chart import XL_CHART_TYPE

    assert bar.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED and line.chart_type == XL_CHART_TYPE.LINE_MARKERS


def test_pptx_tables_cell_text_and_cjk_font(output_dir, tmp_path):
    prs = Presentation(str(write_pptx(output_dir, tmp_path / "b.pptx", title="t", subtitle_lines=[])))
    tables = [s.table for slide in prs.slides for s in slide.shapes if s.has_table]
    first = tables[0]
    rows = [[first.cell(r, c).text for c in range(len(first.columns))] for r in range(len(first.rows))]
    assert rows == [["类别", "本期", "去年同期", "同比", "显著性"],
                    ["刑事", "1,234", "1,197", "+3.1%", "—"],
                    ["治安", "2,345", "2,560", "-8.4%", "▼ 显著"],
                    ["交通", "1,987", "1,787", "+11.2%", "▲ 显著"]]
    from pptx.enum.text import PP_ALIGN

    assert first.cell(1, 1).text_frame.paragraphs[0].alignment == PP_ALIGN.RIGHT  # numbers right
    assert first.cell(1, 3).text_frame.paragraphs[0].alignment == PP_ALIGN.RIGHT  # "+3.1%" text too
    assert first.cell(1, 0).text_frame.paragraphs[0].alignment == PP_ALIGN.LEFT
    xml = first._tbl.xml
    assert f'<a:ea typeface="{exports.CJK_FONT}"/>' in xml and f'<a:latin typeface="{exports.CJK_FONT}"/>' in xml


def test_pptx_long_table_is_split_then_cut(tmp_path):
    out = tmp_path / "long"
    c = Collector(out, title="t")
    n = 60
    c.table("daily", "每日明细", pd.DataFrame({"日期": [f"第{i}天" for i in range(n)], "数量": np.arange(n) * 1000}))
    prs = Presentation(str(write_pptx(out, tmp_path / "l.pptx", title="t", subtitle_lines=[])))
    per = exports.ROWS_PER_SLIDE
    shown = per * exports.MAX_TABLE_SLIDES
    assert len(prs.slides) == 1 + math.ceil(shown / per)
    body = []
    for slide in list(prs.slides)[1:]:
        (table,) = [s.table for s in slide.shapes if s.has_table]
        assert table.cell(0, 0).text == "日期"
        body += [table.cell(r, 1).text for r in range(1, len(table.rows))]
    assert body == [f"{i * 1000:,}" for i in range(shown)]
    texts = _slide_texts(list(prs.slides)[-1])
    assert "每日明细（续）" in texts and any(f"共{n}行" in t for t in texts)
    assert f"共{n}行" in list(prs.slides)[-1].notes_slide.notes_text_frame.text


def test_pptx_wrapping_rows_go_to_more_slides_and_fit(tmp_path):
    out = tmp_path / "wrap"
    c = Collector(out, title="t")
    texts = [f"说明{i}" + "很长的文字" * 60 for i in range(10)]
    c.table("notes", "说明", pd.DataFrame({"编号": range(10), "说明": texts}))
    prs = Presentation(str(write_pptx(out, tmp_path / "w.pptx", title="t", subtitle_lines=[])))
    tables = [s.table for slide in list(prs.slides)[1:] for s in slide.shapes if s.has_table]
    assert len(tables) > 1  # ten rows of ~300 characters cannot share one slide
    got = [t.cell(r, 1).text for t in tables for r in range(1, len(t.rows))]
    assert got == texts
    for t in tables:  # below the title (1.25 in) and above the slide's foot (7.5 in)
        assert 1.25 + sum(row.height for row in t.rows) / 914400 <= 7.0


def test_pptx_refuses_paths_outside_the_folder(output_dir, tmp_path):
    index = json.loads((output_dir / "outputs.json").read_text("utf-8"))
    next(i for i in index["items"] if i["kind"] == "chart" and not i.get("native"))["png"] = "../../etc/passwd"
    (output_dir / "outputs.json").write_text(json.dumps(index), "utf-8")
    with pytest.raises(RenderError, match="leaves the output folder"):
        write_pptx(output_dir, tmp_path / "b.pptx", title="t", subtitle_lines=[])


def test_missing_outputs_json_is_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="outputs.json"):
        write_xlsx(tmp_path, tmp_path / "t.xlsx")


# --------------------------------------------------------------------------- XLSX


def test_xlsx_sheets_headers_and_numbers(output_dir, tmp_path):
    wb = openpyxl.load_workbook(write_xlsx(output_dir, tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["说明", "分类警情", "数据说明 清洗台账"]  # '/' is not allowed in a sheet name
    ws = wb["分类警情"]
    assert [c.value for c in ws[1]] == ["类别", "本期", "去年同期", "同比", "显著性"]
    assert all(c.font.b for c in ws[1])
    assert [c.value for c in ws["B"][1:]] == [1234, 2345, 1987]
    assert all(c.data_type == "n" for c in ws["B"][1:])
    # "+3.1%" text → the number 0.031 shown as a signed percentage
    assert [c.value for c in ws["D"][1:]] == pytest.approx([0.031, -0.084, 0.112])
    assert ws["D2"].number_format.startswith("+0.0%")
    assert [c.value for c in ws["E"][1:]] == ["—", "▼ 显著", "▲ 显著"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 8
    assert wb["数据说明 清洗台账"]["B3"].value == 12401


def test_xlsx_formula_injection_neutralised(tmp_path):
    out = tmp_path / "inj"
    c = Collector(out, title="t")
    frame = pd.DataFrame({"文本": INJECTIONS + ["正常"], "数": [-2, 1, -3.5, 0, 7, 8, 9]})
    c.table("inj", "注入", frame)
    c.table("head", "=HYPERLINK", pd.DataFrame({"=bad": ["-2"], "ok": [1]}))
    ws_all = openpyxl.load_workbook(write_xlsx(out, tmp_path / "t.xlsx"))
    ws = ws_all["注入"]
    got = [c.value for c in ws["A"][1:]]
    assert got == INJECTIONS + ["正常"]     # shown as written …
    assert all(c.data_type == "s" for c in ws["A"][1:])    # … as text cells, never formulas
    assert [c.quotePrefix for c in ws["A"][1:]] == [True] * len(INJECTIONS) + [False]   # and kept text on edit
    assert [c.value for c in ws["B"][1:]] == [-2, 1, -3.5, 0, 7, 8, 9]  # real numbers untouched
    assert all(c.data_type == "n" for c in ws["B"][1:])
    ws2 = ws_all["=HYPERLINK"]  # a title that starts with '=' is a harmless sheet name
    assert ws2["A1"].value == "=bad" and ws2["A1"].data_type == "s" and ws2["A1"].quotePrefix
    # the raw XML holds no formula element at all
    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)


def test_xlsx_number_column_with_negative_text_is_numeric_not_text(tmp_path):
    # A column of numbers written as text ("1,234", "-5") is stored as numbers, which cannot be formulas.
    out = tmp_path / "num"
    Collector(out).table("n", "数", pd.DataFrame({"变化": ["1,234", "-5", "*", "−7"], "p": ["0.012", "1.4e-13", "", "1"]}))
    ws = openpyxl.load_workbook(write_xlsx(out, tmp_path / "n.xlsx"))["数"]
    assert [c.value for c in ws["A"][1:]] == [1234, -5, "*", -7]
    assert ws["A2"].number_format == "#,##0"
    assert [c.value for c in ws["B"][1:]] == [0.012, 1.4e-13, None, 1]
    assert ws["B3"].number_format == "General"


def test_sheet_names_valid_and_unique():
    taken: set[str] = set()
    names = [sheet_name(t, taken, i) for i, t in enumerate(
        ["分类[警情]:*?/\\", "x" * 40, "x" * 40, "History", "", "'引号'", "Sheet", "sheet"], start=1)]
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
    assert len({n.lower() for n in names}) == len(names)
    assert names[0] == "分类 警情"
    assert names[1] == "x" * 31 and names[2] == "x" * 27 + " (2)"
    assert names[3] != "History" and names[4] == "表5" and names[5] == "引号"
    assert names[6] == "Sheet" and names[7] == "sheet (2)"


def test_xlsx_without_tables_has_one_sheet(tmp_path):
    out = tmp_path / "empty"
    c = Collector(out, title="t")
    c.chart("only", "chart", _figure())
    wb = openpyxl.load_workbook(write_xlsx(out, tmp_path / "e.xlsx", lang="en"))
    assert wb.sheetnames == ["No tables"]


# --------------------------------------------------------------------------- safe_cell / safe_frame


def test_safe_cell_cases():
    assert [safe_cell(s) for s in INJECTIONS] == ["'" + s for s in INJECTIONS]
    for value in (-2, -2.5, 0, 3, None, "正常", "", "a=b", "{x}", "x =1", np.int64(-4), pd.Timestamp("2023-01-21")):
        assert safe_cell(value) is value or safe_cell(value) == value
    # XlsxWriter (the deck's chart workbooks) writes "{=…}" as an array formula; LibreOffice skips spaces
    for value in ("{=cmd|' /C calc'!A0}", " =1+1", "{ +1}", "\n=1"):
        assert safe_cell(value) == "'" + value


@given(st.text(max_size=20))
def test_safe_cell_property(text):
    out = safe_cell(text)
    starts = ("=", "+", "-", "@", "\t", "\r")
    if text[:1] in starts or text.lstrip(" \t\n\r\f\v{")[:1] in starts:
        assert out == "'" + text
    else:
        assert out == text
    assert out[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_safe_frame_for_csv_writers():
    df = pd.DataFrame({"text": INJECTIONS + ["ok"], "obj": pd.Series(["=1", 5, None, "x", -1, "@a", "b"],
                                                                        dtype=object),
                       "num": [-1, -2, 3, 4, 5, 6, 7]})
    df["-col"] = 1
    before = df.copy()
    safe = safe_frame(df)
    pd.testing.assert_frame_equal(df, before)  # the input is not modified
    assert list(safe["text"]) == ["'" + s for s in INJECTIONS] + ["ok"]
    assert list(safe["obj"]) == ["'=1", 5, None, "x", -1, "'@a", "b"]
    assert list(safe["num"]) == [-1, -2, 3, 4, 5, 6, 7] and safe["num"].dtype == df["num"].dtype
    assert list(safe.columns) == ["text", "obj", "num", "'-col"]


def test_write_csv_quotes_text_and_keeps_numbers(tmp_path):
    df = pd.DataFrame({"text": INJECTIONS + ["a\r=2+2"], "num": [-1, -2, 3, 4, 5, 6, 7]})
    path = write_csv(df, tmp_path / "x.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 1 + len(df)  # an embedded carriage return does not start a new row
    assert [r[0] for r in rows[1:]] == ["'" + s for s in INJECTIONS] + ["a\r=2+2"]
    assert [r[1] for r in rows[1:]] == ["-1", "-2", "3", "4", "5", "6", "7"]  # numbers stay numbers


def test_pptx_means_keep_one_decimal_and_digests_are_shortened(tmp_path):
    out = tmp_path / "fmt"
    digest = hashlib.sha256(b"incidents_2023.csv.gz").hexdigest()
    c = Collector(out, title="t")
    c.table("sources", "数据说明", pd.DataFrame({"文件": ["a.csv"], "日均": [26.0], "SHA-256": [digest]}))
    c.table("means", "日均", pd.DataFrame({"类别": ["刑事", "治安"], "日均": [26.0, 17.2]}))
    prs = Presentation(str(write_pptx(out, tmp_path / "f.pptx", title="t", subtitle_lines=[])))
    tables = [s.table for slide in list(prs.slides)[1:] for s in slide.shapes if s.has_table]
    # A column of whole numbers stays whole; a column with a fraction shows one decimal throughout.
    assert tables[0].cell(1, 1).text == "26"
    assert tables[0].cell(1, 2).text == digest[:12] + "…"
    assert [tables[1].cell(r, 1).text for r in (1, 2)] == ["26.0", "17.2"]
    # The workbook keeps the whole digest.
    wb = openpyxl.load_workbook(write_xlsx(out, tmp_path / "f.xlsx", "zh"))
    assert wb.worksheets[0]["C2"].value == digest


def test_xlsx_about_sheet_and_data_behind_a_table(tmp_path):
    """A table registered with its numbers: rates as fractions with a percent format, wording beside, dates as dates."""
    import datetime as dt

    out = tmp_path / "data"
    c = Collector(out, title="全市警情形势分析")
    c.section("header", "全市警情形势分析", level=1, fields=[("统计时段", "2023年1月21日至2月5日"), ("数据截至", "2023年2月5日24时。")])
    shown = pd.DataFrame({"日期": ["1月21日", "1月22日"], "本期": [166, 3], "同比": ["−0.6%", "由4起降至3起"]})
    data = pd.DataFrame({"日期": [dt.date(2023, 1, 21), dt.date(2023, 1, 22)], "本期": [166, 3],
                         "同比": [-0.006, None], "同比（说明）": ["−0.6%", "由4起降至3起"]})
    c.table("key-days", "重点时段", shown, data=data, formats={"本期": "#,##0", "同比": "+0.0%;-0.0%;0.0%"})
    c.section("data_notes", "八、数据说明", ["定义：日均＝本期总数÷天数。"])
    wb = openpyxl.load_workbook(write_xlsx(out, tmp_path / "d.xlsx"))
    assert wb.sheetnames[0] == "说明"
    about = {(r[0].value, r[1].value) for r in wb["说明"].iter_rows(min_row=2)}
    assert ("统计时段", "2023年1月21日至2月5日") in about and ("数据截至", "2023年2月5日24时。") in about
    assert ("一、数据说明", "定义：日均＝本期总数÷天数。") in about
    ws = wb["重点时段"]
    assert [c.value.date() for c in ws["A"][1:]] == [dt.date(2023, 1, 21), dt.date(2023, 1, 22)]
    assert ws["C2"].value == pytest.approx(-0.006) and ws["C2"].number_format == "+0.0%;-0.0%;0.0%"
    assert ws["C3"].value is None and ws["D3"].value == "由4起降至3起"
    assert ws.auto_filter.ref == "A1:D3" and ws.freeze_panes == "A2"
