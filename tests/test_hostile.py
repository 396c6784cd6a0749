"""Hostile settings and labels: YAML aliases, huge or non-regular settings files, array formulas,
mathtext and bidirectional controls in labels. Expected values are written by hand."""

from __future__ import annotations

import contextlib
import io

import pytest

from stats_lib import cli
from stats_lib.errors import SchemaError
from stats_lib.ingest.schema import load_schema
from stats_lib.ingest.taxonomy import normalise_text

BOMB = """year:
  - &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]
  - &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  - &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  - &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  - &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  - &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  - &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  - &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  - &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv)
    return rc, out.getvalue(), err.getvalue()


def test_schema_with_aliases_is_refused_in_one_line(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BOMB, "utf-8")
    with pytest.raises(SchemaError, match=r"line 3, column 9: aliases .* are not allowed"):
        load_schema(path)


def test_params_file_with_aliases_is_refused_in_one_line(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BOMB, "utf-8")
    rc, _, err = _main(["render", "--params-file", str(path), "--data", str(path), "--out", str(tmp_path / "r")])
    assert rc == 2
    assert err.count("\n") == 1 and "aliases" in err and len(err) < 300


def test_long_values_are_shown_short_in_messages(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("year: [" + ", ".join(["lol"] * 10000) + "]\n", "utf-8")
    with pytest.raises(SchemaError) as err:
        load_schema(path)
    assert len(str(err.value)) < 250 and "year" in str(err.value)


@pytest.mark.parametrize("make", ["fifo", "big"])
def test_non_regular_or_huge_schema_is_refused(tmp_path, make):
    import os

    path = tmp_path / "schema.yaml"
    if make == "fifo":
        os.mkfifo(path)
        # a writer that never writes: reading the FIFO would block forever; open O_NONBLOCK keeps it open
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        wfd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    else:
        path.write_text("# " + "x" * (2 << 20) + "\n", "utf-8")
    try:
        with pytest.raises(SchemaError, match="not a regular file|larger than"):
            load_schema(path)
    finally:
        if make == "fifo":
            os.close(wfd)
            os.close(fd)


def test_bidi_and_format_characters_are_removed_in_normalisation():
    assert normalise_text("\u202e区城东") == "区城东"          # shows as 东城区 with the override
    assert normalise_text("东\u200e城\u2066区\u2069") == "东城区"
    assert normalise_text("盗\u00ad窃\x07") == "盗窃"


def test_mathtext_is_off_for_chart_labels():
    import matplotlib
    import matplotlib.pyplot as plt

    from stats_lib.report.fonts import setup_fonts

    setup_fonts()
    assert matplotlib.rcParams["text.parse_math"] is False
    fig, ax = plt.subplots()
    ax.set_xticks([0, 1, 2], ["$\\frac{1}{$", "cost $5 #1 $", "a$b$c"])
    fig.canvas.draw()  # raises ValueError (ParseSyntaxException) when mathtext is on
    assert [t.get_text() for t in ax.get_xticklabels()] == ["$\\frac{1}{$", "cost $5 #1 $", "a$b$c"]
    plt.close(fig)


def test_array_formula_never_reaches_a_chart_workbook(tmp_path):
    import zipfile

    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    from stats_lib.safe import safe_cell

    data = CategoryChartData()
    data.categories = [safe_cell(c) for c in ["{=cmd|' /C calc'!A0}", "盗窃"]]
    data.add_series(safe_cell("=1+1"), [1, 2])
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, 0, 0, Inches(4), Inches(3), data)
    prs.save(tmp_path / "d.pptx")
    with zipfile.ZipFile(tmp_path / "d.pptx") as z:
        emb = [n for n in z.namelist() if n.startswith("ppt/embeddings/")]
        inner = zipfile.ZipFile(io.BytesIO(z.read(emb[0])))
        sheet = inner.read("xl/worksheets/sheet1.xml").decode()
    assert "<f" not in sheet  # no formula of any kind
    shared = inner.read("xl/sharedStrings.xml").decode()
    assert "'{=cmd" in shared




@pytest.mark.parametrize("pattern", ["(a|aa)+$", "(东+)+区", "(?:.*市){12}(..区)", "(?:(?:a+)b)*(c)"])
def test_catastrophic_district_pattern_is_refused(pattern):
    with pytest.raises(SchemaError, match="district_pattern.*repeat inside a repeat"):
        load_schema({"columns": {"address": "地址"}, "district_pattern": pattern})


@pytest.mark.parametrize("pattern", ["臺北市(..區)", "市(..区)", "([^市]{2,3}区)", "(?:北京|上海)市(\\S+?区)"])
def test_ordinary_district_patterns_are_accepted(pattern):
    assert load_schema({"columns": {"address": "地址"}, "district_pattern": pattern}).district_pattern == pattern


def test_permissive_pattern_keeps_no_address():
    import pandas as pd

    from stats_lib.clean.rules import clean_districts
    from stats_lib.ingest.privacy import PLACEHOLDER

    schema = load_schema({"columns": {"address": "地址"}, "district_pattern": "(.+区.*)"})
    out = clean_districts(pd.Series(["示例市东城区幸福路88号", "示例市西城区", "示例市东城区幸福路88号"]), schema)
    assert out.tolist() == [PLACEHOLDER, "示例市西城区", PLACEHOLDER]


@pytest.mark.parametrize("device", ["/dev/zero", "fifo"])
def test_device_or_fifo_as_input_is_refused_in_one_line(tmp_path, device):
    import os

    if device == "fifo":
        device = str(tmp_path / "pipe.csv")
        os.mkfifo(device)
    rc, _, err = _main(["clean", device, "--out", str(tmp_path / "o")])
    assert rc == 2 and err.count("\n") == 1 and "not a regular file" in err and device in err


def test_markdown_cells_cannot_break_a_table():
    from stats_lib.safe import md_cell

    assert md_cell("a|b") == "a\\|b"
    assert md_cell("x\\|y") == "x\\\\\\|y"
    assert md_cell("两行\n文字 |") == "两行 文字 \\|"
    row = "| " + " | ".join([md_cell("东城|西城"), "3"]) + " |"
    # a Markdown row splits at unescaped pipes only: two cells
    import re

    assert len(re.split(r"(?<!\\)\|", row.strip().strip("|"))) == 2
