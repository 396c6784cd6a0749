"""Chinese fonts for matplotlib, on any machine, without touching matplotlib's own files.

:func:`setup_fonts` picks a CJK sans-serif font for every chart:

1. a CJK font already installed on the system, in the order of :data:`SYSTEM_CJK_FAMILIES`
   (as matplotlib's font manager sees it);
2. otherwise the Noto Sans CJK SC file that the ``mplfonts`` wheel ships
   (``mplfonts/fonts/NotoSansCJKsc-Regular.otf``, SIL Open Font License), registered as a plain
   file with ``matplotlib.font_manager.fontManager.addfont``. mplfonts is never imported and its
   commands (which rewrite matplotlib's installation) are never run.

SVG text is written as paths (``svg.fonttype = "path"``): the glyphs are drawn as outlines, so the
SVG looks the same in a browser, WPS or PowerPoint on a machine without any Chinese font. The price
is that the text in the SVG cannot be selected or edited; the PPTX carries native, editable charts
for that.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from stats_lib.errors import RenderError

__all__ = [
    "SYSTEM_CJK_FAMILIES",
    "BUNDLED_FAMILY",
    "bundled_font_path",
    "find_system_cjk",
    "setup_fonts",
    "bold_weight",
]

#: System CJK families preferred, best first (names as matplotlib's font manager reports them).
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
)

#: Family name of the font file shipped in the mplfonts wheel.
BUNDLED_FAMILY = "Noto Sans CJK SC"
_BUNDLED_FILE = "NotoSansCJKsc-Regular.otf"

_chosen: str | None = None


def bundled_font_path() -> Path | None:
    """Return the path of ``NotoSansCJKsc-Regular.otf`` inside the installed mplfonts package.

    Returns
    -------
    pathlib.Path or None
        The font file, or None when mplfonts is not installed or the file is absent. The package is
        located with :func:`importlib.util.find_spec`, which does not import (run) it.
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "fonts" / _BUNDLED_FILE
        if path.is_file():
            return path
    return None


def find_system_cjk() -> str | None:
    """Return the first family of :data:`SYSTEM_CJK_FAMILIES` known to matplotlib's font manager, or None.

    Returns
    -------
    str | None
        The family's name, or None.
    """
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in SYSTEM_CJK_FAMILIES:
        if family in installed:
            return family
    return None


def setup_fonts() -> str:
    """Make matplotlib draw Chinese text with a CJK font; idempotent.

    Sets ``font.family = "sans-serif"``, puts the chosen family first in ``font.sans-serif``
    (DejaVu Sans stays as a fallback for rare symbols), ``axes.unicode_minus = False`` (an ASCII
    hyphen for negative ticks) and ``svg.fonttype = "path"``.

    Returns
    -------
    str
        The family used, for example ``"Noto Sans CJK SC"``.

    Raises
    ------
    stats_lib.errors.RenderError
        When no system CJK font is installed and the mplfonts font file cannot be found.
    """
    global _chosen
    import matplotlib
    from matplotlib import font_manager

    family = _chosen or find_system_cjk()
    if family is None:
        path = bundled_font_path()
        if path is None:

            raise RenderError(
                "no Chinese font: install a CJK font (e.g. fonts-noto-cjk) or the mplfonts package "
                f"(which ships {_BUNDLED_FILE})"
            )
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
    _chosen = family

    rc = matplotlib.rcParams
    rest = [name for name in rc["font.sans-serif"] if name != family]
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [family, *rest]
    rc["axes.unicode_minus"] = False
    rc["text.parse_math"] = False  # a label such as "a$b$c" or "$\\frac{1}{$" is drawn as written
    rc["svg.fonttype"] = "path"
    rc["svg.hashsalt"] = "stats-lib"  # stable ids: the same chart gives the same SVG on every run
    return family


def bold_weight() -> str:
    """Return ``"bold"`` when the family chosen by :func:`setup_fonts` has a bold face, else ``"normal"``.

    The mplfonts file is Regular only; asking matplotlib for bold would log "Failed to find font
    weight bold" and draw Regular anyway.

    Returns
    -------
    str
        The font weight to ask matplotlib for.
    """
    from matplotlib import font_manager

    family = setup_fonts()
    weights = {entry.weight for entry in font_manager.fontManager.ttflist if entry.name == family}
    numeric = [w if isinstance(w, int) else font_manager.weight_dict.get(w, 400) for w in weights]
    return "bold" if any(w >= 600 for w in numeric) else "normal"
