"""Official public-holiday arrangements (法定节假日安排): holiday periods and make-up working days.

The sources (a user YAML file, ``stats_lib/data/holiday_corrections.yaml``, chinesecalendar) and the user file's
format are described in :mod:`stats_lib.calendar.arrangements`.

A holiday *period* is the whole run of consecutive days off (statutory, in-lieu and touching weekend days
that are not make-up working days). Two festivals in one run (中秋节、国庆节 2023: 09-29 to 10-06) form one
period; a period belongs to the year of its last day (2022-12-31 to 2023-01-02 is 2023's New Year).
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd

from stats_lib.calendar.arrangements import (
    ENV_VAR,
    HOLIDAYS,
    ArrangementPeriod,
    Arrangements,
    holiday_key,
    load_arrangements,
)
from stats_lib.errors import CalendarError
from stats_lib.windows import Window

__all__ = [
    "ENV_VAR",
    "HOLIDAYS",
    "official_periods",
    "workdays",
    "covered_years",
    "is_covered",
    "holiday_period",
    "period_holidays",
    "off_day_table",
    "user_two_sessions",
    "missing_arrangement_message",
]

# ------------------------------------------------------------------------------------------ public
def covered_years(arrangements: str | os.PathLike | None = None) -> list[int]:
    """Years whose official arrangement is known.

    Parameters
    ----------
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    list of int
        chinesecalendar's years plus the user file's, ascending.
    """
    return sorted(load_arrangements(arrangements).covered)


def is_covered(year: int, arrangements: str | os.PathLike | None = None) -> bool:
    """Tell whether the official arrangement of ``year`` is known.

    Parameters
    ----------
    year : int
        Gregorian year.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    bool
        True when known (shipped with chinesecalendar or in the user file).
    """
    return year in load_arrangements(arrangements).covered


def missing_arrangement_message(year: int, arrangements: str | os.PathLike | None = None) -> str:
    """The message of the :class:`CalendarError` for a year with no known arrangement (English, one line).

    Parameters
    ----------
    year : int
        The Gregorian year with no known arrangement.
    arrangements : str | os.PathLike | None, default None
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``), named in the message.

    Returns
    -------
    str
        The message: the known years and how to add the missing one.
    """
    years = covered_years(arrangements)
    return (
        f"no official holiday arrangement for {year} (known: {years[0]}-{years[-1]} from chinesecalendar"
        f"{', plus the years of ' + load_arrangements(arrangements).path if load_arrangements(arrangements).path else ''}). "
        f"Copy the periods and make-up working days of the State Council notice "
        f"(国务院办公厅关于{year}年部分节假日安排的通知) into a YAML file and set {ENV_VAR}=/path/to/file.yaml "
        f"(or pass arrangements=); format: "
        f"'{year}: {{holidays: [{{name: 元旦, start: YYYY-MM-DD, end: YYYY-MM-DD}}, "
        f"{{name: 春节, start: YYYY-MM-DD, end: YYYY-MM-DD}}, {{name: [中秋, 国庆], start: YYYY-MM-DD, "
        f"end: YYYY-MM-DD}}], workdays: [YYYY-MM-DD, YYYY-MM-DD]}}' "
        f"(one entry per period, weekend days inside included; names 元旦 春节 清明 劳动节 端午 中秋 国庆)"
    )


def _require(year: int, arrangements) -> Arrangements:
    off = load_arrangements(arrangements)
    if year not in off.covered:
        raise CalendarError(missing_arrangement_message(year, arrangements))
    return off


def _names(keys: tuple[str, ...]) -> tuple[str, str, str]:
    """(Chinese name, slug, English name) of a period made of the holidays ``keys``."""
    metas = [HOLIDAYS.get(k, (k, k, "", k)) for k in keys]
    if len(metas) == 1:
        return metas[0][1], metas[0][2], metas[0][3]
    name = "、".join(m[0] for m in metas) + "假期"
    slug = "+".join(m[2] for m in metas if m[2])
    name_en = " and ".join(m[3].removesuffix(" holiday") for m in metas) + " holiday"
    return name, slug, name_en


def _window(p: ArrangementPeriod) -> Window:
    name, slug, name_en = _names(p.keys)
    return Window(p.start, p.end, name=name, slug=slug, name_en=name_en)


def official_periods(year: int, arrangements: str | os.PathLike | None = None) -> list[Window]:
    """Return the official public-holiday periods of ``year``, in order.

    Parameters
    ----------
    year : int
        Gregorian year; a period belongs to the year of its last day.
    arrangements : path, optional
        A YAML file of arrangements (see the module docstring); default ``$STATS_LIB_HOLIDAYS``.

    Returns
    -------
    list[Window]
        One window per run of official days off (weekend days inside included), with ``name``
        ``春节假期`` (joined periods: ``中秋、国庆假期``), ``slug`` ``spring-festival-holiday`` (joined:
        ``mid-autumn-holiday+national-day-holiday``) and ``name_en``.

    Raises
    ------
    CalendarError
        When the arrangement of ``year`` is not known; the message says how to supply it.
    """
    off = _require(year, arrangements)
    return [_window(p) for p in off.periods.get(year, ())]


def workdays(year: int, arrangements: str | os.PathLike | None = None) -> list[dt.date]:
    """Return the make-up working days (调休上班日, usually weekend days) dated in ``year``, in order.

    Parameters
    ----------
    year : int
        Gregorian year.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    list of datetime.date
        The days, in order.

    Raises
    ------
    CalendarError
        The arrangement of ``year`` is not known.
    """
    off = _require(year, arrangements)
    return [d for d in off.workdays if d.year == year]


def holiday_period(year: int, holiday: str, arrangements: str | os.PathLike | None = None) -> Window:
    """Return the period of ``year`` that contains the holiday ``holiday`` (a key, name or slug).

    Parameters
    ----------
    year : int
        Gregorian year.
    holiday : str
        Holiday key (``mid_autumn``), Chinese name or slug.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    Window
        Named after that one holiday (``中秋假期``, ``mid-autumn-holiday``) even when the period is joined
        with another; its dates (inclusive) are those of the whole joined period.

    Raises
    ------
    CalendarError
        When the arrangement of ``year`` is not known, or it has no period for that holiday.
    """
    key = holiday_key(holiday)
    off = _require(year, arrangements)
    fest, name, slug, name_en = HOLIDAYS.get(key, (key, key, "", key))
    for p in off.periods.get(year, ()):
        if key in p.keys:
            return Window(p.start, p.end, name=name, slug=slug, name_en=name_en)
    raise CalendarError(f"{year}: the official arrangement has no {name} ({slug or key})")


def period_holidays(window: Window, arrangements: str | os.PathLike | None = None) -> tuple[str, ...]:
    """The holiday keys of the official period whose dates are those of ``window``, in order.

    Parameters
    ----------
    window : Window
        The window (its hours are ignored).
    arrangements : path, optional
        A YAML file of arrangements (see the module docstring); default ``$STATS_LIB_HOLIDAYS``.

    Returns
    -------
    tuple of str
        ``('mid_autumn', 'national_day')`` for 2023-09-29 to 2023-10-06 (a joined period), ``('national_day',)``
        for 2024-10-01 to 2024-10-07; ``()`` when no official period of the year of ``window.end`` has exactly
        these dates, or that year's arrangement is not known.
    """
    off = load_arrangements(arrangements)
    for p in off.periods.get(window.end.year, ()):
        if (p.start, p.end) == (window.start, window.end):
            return tuple(p.keys)
    return ()


def off_day_table(start: dt.date, end: dt.date, arrangements: str | os.PathLike | None = None) -> pd.DataFrame:
    """Official status of every day from ``start`` to ``end`` inclusive.

    Parameters
    ----------
    start, end : datetime.date
        First and last day, inclusive.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    DataFrame
        Columns ``date`` (datetime64[ns]), ``holiday`` (str: the period name such as ``春节假期``,
        ``''`` outside a period, missing where the year's arrangement is unknown), ``is_off_day``
        (nullable boolean: a day in a period, or a weekend day that is not a make-up working day;
        ``<NA>`` where unknown) and ``is_makeup_workday`` (nullable boolean, ``<NA>`` where unknown).
    """
    off = load_arrangements(arrangements)
    dates = pd.date_range(start, end, freq="D")
    names: dict[pd.Timestamp, str] = {}
    for y in range(start.year, end.year + 2):
        for p in off.periods.get(y, ()):
            if p.end >= start and p.start <= end:
                label = _names(p.keys)[0]
                names.update({ts: label for ts in pd.date_range(p.start, p.end, freq="D")})
    s = pd.Series(dates)
    holiday = s.map(names).astype("str").fillna("")
    makeup = s.isin(pd.DatetimeIndex(list(off.workdays)))
    weekend = s.dt.day_of_week >= 5
    is_off = (holiday != "") | (weekend & ~makeup)
    known = s.dt.year.isin(list(off.covered)).to_numpy()
    out = pd.DataFrame({
        "date": s.astype("datetime64[ns]"),
        "holiday": holiday.where(known, np.nan),
        "is_off_day": is_off.astype("boolean").where(known, pd.NA),
        "is_makeup_workday": makeup.astype("boolean").where(known, pd.NA),
    })
    return out


def user_two_sessions(arrangements: str | os.PathLike | None = None) -> dict[int, tuple[dt.date, dt.date]]:
    """The ``two_sessions`` entries of the user arrangement file.

    Parameters
    ----------
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    dict of int to tuple of datetime.date
        Year -> (first day, last day), inclusive; empty without a user file.
    """
    return dict(load_arrangements(arrangements).two_sessions)
