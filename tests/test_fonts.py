"""Tests of stats_lib.fonts: Chinese glyphs drawn with a CJK font, no warning, matplotlib untouched."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from stats_lib.report import fonts

CJK_TEXT = "春节除夕元宵警情同比上升▲▼（起）"

# Run in a fresh interpreter: the font manager's state (an added font) persists inside a process.
_PROBE = r"""
import io, json, logging, sys, warnings
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger("matplotlib").addHandler(Keep(level=logging.WARNING))

def draw(text):
    fig = Figure(figsize=(4, 2))
    fig.text(0.1, 0.5, text, fontsize=20)
    fig.suptitle(text, fontweight="normal")
    fig.savefig(io.BytesIO(), format="png")

mode = sys.argv[1]
text = sys.argv[2]
out = {}
if mode == "control":
    # Without setup_fonts the default DejaVu Sans lacks the glyphs: matplotlib must warn.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw(text)
    out["warnings"] = [str(w.message) for w in caught]
else:
    warnings.simplefilter("error")
    from stats_lib.report.fonts import setup_fonts, bold_weight, find_system_cjk
    system_before = find_system_cjk()
    family = setup_fonts()
    again = setup_fonts()
    draw(text)
    fig = Figure(figsize=(4, 2))
    fig.suptitle(text, fontweight=bold_weight())
    fig.savefig(io.BytesIO(), format="png")
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = FT2Font(path)
    out = {
        "family": family, "again": again, "path": path, "system_before": system_before,
        "missing": [ch for ch in text if font.get_char_index(ord(ch)) == 0],
        "sans": matplotlib.rcParams["font.sans-serif"],
        "unicode_minus": matplotlib.rcParams["axes.unicode_minus"],
        "svg": matplotlib.rcParams["svg.fonttype"],
        "mplfonts_imported": "mplfonts" in sys.modules,
    }
    svg = io.StringIO()
    fig.savefig(svg, format="svg")
    out["svg_text_elements"] = svg.getvalue().count("<text")
    out["svg_glyph_paths"] = svg.getvalue().count("<path")
out["log"] = records
print(json.dumps(out, ensure_ascii=False))
"""


def _probe(mode: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, mode, CJK_TEXT], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def probe() -> dict:
    before = _mpl_files_digest()
    out = _probe("setup")
    out["mpl_files_unchanged"] = _mpl_files_digest() == before
    return out


def _mpl_files_digest() -> str:
    """A digest of matplotlib's own data files (matplotlibrc and the bundled fonts folder)."""
    data = Path(matplotlib.get_data_path())
    h = hashlib.sha256()
    for path in sorted([data / "matplotlibrc", *(data / "fonts" / "ttf").iterdir()]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_control_default_font_warns_about_missing_glyphs():
    # Shows the test below can fail: DejaVu Sans has no Chinese glyphs and matplotlib says so.
    out = _probe("control")
    assert any("missing from font" in w for w in out["warnings"] + out["log"])


def test_setup_fonts_uses_a_cjk_font_without_warnings(probe):
    assert probe["family"] in fonts.SYSTEM_CJK_FAMILIES
    assert probe["again"] == probe["family"]
    assert probe["log"] == []  # no "Glyph … missing", no "findfont: Failed to find font weight"
    assert probe["missing"] == []  # the resolved font file has every glyph (checked with FreeType)
    assert probe["sans"][0] == probe["family"] and probe["sans"].count(probe["family"]) == 1
    assert probe["unicode_minus"] is False


def test_font_choice_system_first_else_the_mplfonts_file(probe):
    assert probe["mplfonts_imported"] is False  # the package is never run, only its file read
    if probe["system_before"] is not None:  # a machine with a system CJK font: that one is used
        assert probe["family"] == probe["system_before"]
        return
    # this machine (no system CJK font): the Noto Sans CJK SC file shipped in the mplfonts wheel
    bundled = fonts.bundled_font_path()
    assert bundled is not None and bundled.name == "NotoSansCJKsc-Regular.otf"
    assert Path(probe["path"]).resolve() == bundled.resolve()
    assert probe["family"] == "Noto Sans CJK SC"


def test_svg_text_is_drawn_as_paths(probe):
    assert probe["svg"] == "path"
    # 'path' draws glyphs as outlines (matplotlib keeps the string only as an XML comment)
    assert probe["svg_text_elements"] == 0
    assert probe["svg_glyph_paths"] >= len(set(CJK_TEXT))


def test_matplotlib_files_are_not_modified(probe):
    assert probe["mpl_files_unchanged"] is True


def test_setup_fonts_in_process_is_idempotent():
    first = fonts.setup_fonts()
    second = fonts.setup_fonts()
    assert first == second
    assert matplotlib.rcParams["font.sans-serif"].count(first) == 1
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
