"""The bureau's PowerPoint template, checked before a render starts (``briefing render --template``)."""

from __future__ import annotations

from pathlib import Path

from stats_lib.errors import ParameterError

__all__ = ["check_template"]


def check_template(template: str | Path) -> None:
    """Check, before a render starts, that ``template`` is a PowerPoint file the deck can be built on.

    Parameters
    ----------
    template : str or Path
        A ``.pptx`` (or ``.potx``) file: the bureau's template.

    Raises
    ------
    ParameterError
        Not a regular file, not readable as a PowerPoint file, or without a slide layout that has a title
        placeholder (every slide of the deck has a title).
    """
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER

    path = Path(template)
    if not path.is_file():
        what = "a folder" if path.is_dir() else "no such file"
        raise ParameterError(f"template: {what}: {template}; expected a .pptx file")
    try:
        layouts = list(Presentation(str(path)).slide_layouts)
    except Exception as exc:  # python-pptx raises zipfile, KeyError and lxml errors for a bad file
        raise ParameterError(f"template: cannot read {template} as a PowerPoint file ({type(exc).__name__})") from None
    titles = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
    if not any(ph.placeholder_format.type in titles for layout in layouts for ph in layout.placeholders):
        raise ParameterError(f"template: no slide layout with a title placeholder in {template}")
