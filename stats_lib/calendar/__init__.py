"""Calendar: lunar festivals, official holiday arrangements, named periods, windows and baselines.

In: dates, years, period names and baseline modes. Out: :class:`stats_lib.windows.Window` and
:class:`stats_lib.windows.Baseline` objects with notes in both languages, festival dates, official
arrangements (holidays and make-up working days) and per-day attributes.
"""

from stats_lib.calendar.baselines import (
    baseline_windows,
    day_attributes,
    reporting_window,
    resolve_window,
)
from stats_lib.calendar.lunar import festivals, spring_festival
from stats_lib.calendar.official import official_periods, workdays
from stats_lib.calendar.overview import calendar_report, format_calendar
from stats_lib.calendar.periods import resolve_period
from stats_lib.calendar.regions import LUNAR_REGIONS, region_day_attributes, region_holidays

__all__ = ["baseline_windows", "reporting_window", "resolve_window", "day_attributes", "calendar_report", "format_calendar",
           "festivals", "spring_festival", "official_periods", "workdays", "resolve_period",
           "LUNAR_REGIONS", "region_holidays", "region_day_attributes"]
