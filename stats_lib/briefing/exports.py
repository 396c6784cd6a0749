"""The exports of a briefing: the slide deck (:mod:`.deck`) and the workbook (:mod:`.workbook`).

Both are built by the render process from what the notebook registered with
:class:`stats_lib.briefing.collect.Collector` (``outputs.json``, ``charts/*.png``, ``tables/*.json``).

Spreadsheet formula injection: every text cell written to a workbook (and every CSV the package writes,
through :func:`safe_frame`) goes through :func:`safe_cell`, which neutralises text that a spreadsheet would
run as a formula. Numbers are never touched.
"""

from stats_lib.briefing.deck import CJK_FONT, MAX_TABLE_SLIDES, ROWS_PER_SLIDE, write_pptx
from stats_lib.briefing.workbook import sheet_name, write_xlsx
from stats_lib.safe import safe_cell, safe_frame, write_csv

__all__ = ["write_pptx", "write_xlsx", "safe_cell", "safe_frame", "write_csv", "sheet_name", "CJK_FONT",
           "ROWS_PER_SLIDE", "MAX_TABLE_SLIDES"]
