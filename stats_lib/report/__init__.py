"""Report: every word and number format, the narrative, charts, fonts, and the briefing's sections.

In: comparisons and anomaly frames from :mod:`stats_lib.stats`. Out: :class:`Section` objects (a heading,
paragraphs, tables with headers in the report language, matplotlib charts with native-chart data) built from
the :class:`Context` that :func:`prepare` computes once.
"""

from stats_lib.report.context import prepare
from stats_lib.report.context_types import Context
from stats_lib.report.sections import SECTIONS, Chart, Section, Table

__all__ = ["Context", "prepare", "Section", "Table", "Chart", "SECTIONS"]
