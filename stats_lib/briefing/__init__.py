"""Briefing: the notebook's API, parameters, the papermill render, the lock, and the exports.

In: a cleaned folder (or raw exports) and the briefing's parameters. Out: a report folder with the executed
notebook, offline HTML, PNG/SVG charts, a PPTX deck, an XLSX workbook and a manifest, replaced atomically.
The notebooks call ``from stats_lib import briefing as b`` and use :func:`prepare`, :func:`collector`,
:func:`show` and the section builders re-exported here.
"""

from stats_lib.briefing.notebook import build_all, collector, show, show_all
from stats_lib.report.context import prepare
from stats_lib.report.context_types import Context, baseline_name
from stats_lib.report.forecast_section import holiday_forecast
from stats_lib.report.sections import (
    SECTIONS,
    Chart,
    Section,
    Table,
    anomalies,
    categories,
    daily,
    data_notes,
    districts,
    focus,
    header,
    hourly,
    key_days,
    overview,
)

__all__ = ["Context", "Section", "Table", "Chart", "prepare", "collector", "show", "show_all", "build_all",
           "header", "overview", "categories", "daily", "hourly", "districts", "key_days", "anomalies",
           "data_notes", "focus", "holiday_forecast", "SECTIONS", "baseline_name"]
