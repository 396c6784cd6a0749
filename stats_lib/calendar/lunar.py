"""Lunar festivals and lunar dates, from the ``lunardate`` library and chinesecalendar's solar terms.

The Chinese (lunisolar) calendar fixes 除夕, 春节, 元宵, 端午 and 中秋; 清明 is a solar term. This module
answers the lunar questions the rest of the calendar asks: the festival dates of a year, the lunar
date of any day (vectorised over a range) and the same lunar day one lunar year earlier.

Sources
-------
- ``lunardate`` (the Hong Kong Observatory tables, 1900-2099) for every lunar month and day.
- ``chinese_calendar.get_solar_terms`` for 清明 (the shouxing formula with its correction table,
  valid 1900-2100, so it covers the whole supported range 1950-2099 and no fallback is used).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd
from chinese_calendar import get_solar_terms
from lunardate import LunarDate

from stats_lib.errors import CalendarError
from stats_lib.windows import as_date

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "FESTIVALS",
    "LunarDay",
    "festivals",
    "spring_festival",
    "lunar_date",
    "lunar_attributes",
    "shift_lunar_years",
    "LunarShift",
]

#: First and last Gregorian year whose festivals this module answers for.
FIRST_YEAR = 1950
LAST_YEAR = 2099

#: Festival keys of :func:`festivals`, in calendar order, with their English names.
FESTIVALS = {
    "除夕": "Chinese New Year's Eve",
    "春节": "Spring Festival",
    "元宵": "Lantern Festival",
    "清明": "Qingming",
    "端午": "Dragon Boat Festival",
    "中秋": "Mid-Autumn Festival",
}


@dataclass(frozen=True)
class LunarDay:
    """A lunar date.

    Attributes
    ----------
    year : int
        Lunar year, named by the Gregorian year of its 春节.
    month, day : int
        Lunar month 1-12 and day 1-30.
    leap : bool
        True inside a leap month.
    """

    year: int
    month: int
    day: int
    leap: bool = False


def _check_year(year: int, lo: int = FIRST_YEAR, hi: int = LAST_YEAR) -> int:
    if not isinstance(year, (int, np.integer)) or isinstance(year, bool) or not lo <= year <= hi:
        raise CalendarError(f"year {year!r}: the lunar calendar is available for {lo}-{hi}")
    return int(year)


def _lunar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    return LunarDate(year, month, day, leap).to_solar_date()


@cache
def _month_table(lunar_year: int) -> tuple[tuple[int, int, bool, int], ...]:
    """Months of one lunar year: ``(first day as ordinal, month, leap, length in days)``, in order."""
    leap_month = LunarDate.leap_month_for_year(lunar_year)
    months: list[tuple[int, int, bool, int]] = []
    for m in range(1, 13):
        for leap in (False, True) if leap_month == m else (False,):
            first = _lunar(lunar_year, m, 1, leap)
            try:
                _lunar(lunar_year, m, 30, leap)
                length = 30
            except ValueError:
                length = 29
            months.append((first.toordinal(), m, leap, length))
    return tuple(months)


def spring_festival(year: int) -> dt.date:
    """Return the date of 春节 (lunar 1/1) that falls in Gregorian ``year`` (1900-2099).

    Parameters
    ----------
    year : int
        Gregorian year.

    Returns
    -------
    datetime.date
        Lunar 1/1 (between 21 January and 20 February).

    Raises
    ------
    CalendarError
        ``year`` outside 1900-2099.
    """
    return _lunar(_check_year(year, 1900, 2099), 1, 1)


@cache
def _festivals(year: int) -> tuple[tuple[str, dt.date], ...]:
    sf = spring_festival(year)
    qingming = [d for d, name in get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30)) if name == "清明"]
    return (
        ("除夕", sf - dt.timedelta(days=1)),
        ("春节", sf),
        ("元宵", _lunar(year, 1, 15)),
        ("清明", qingming[0]),
        ("端午", _lunar(year, 5, 5)),
        ("中秋", _lunar(year, 8, 15)),
    )


def festivals(year: int) -> dict[str, dt.date]:
    """Return the traditional festivals of Gregorian ``year`` (1950-2099).

    Parameters
    ----------
    year : int
        Gregorian year.

    Returns
    -------
    dict[str, datetime.date]
        Keys in order 除夕 (last day of the previous lunar year, the 29th or 30th of the twelfth
        month), 春节 (1/1), 元宵 (1/15), 清明 (the solar term, from chinesecalendar), 端午 (5/5),
        中秋 (8/15). All fall in ``year``: 春节 is never before 21 January.

    Raises
    ------
    CalendarError
        When ``year`` is outside 1950-2099.
    """
    return dict(_festivals(_check_year(year)))


def lunar_date(day: object) -> LunarDay:
    """Return the lunar date of one Gregorian day (1900-02-01 to 2099 lunar year end).

    Parameters
    ----------
    day : date-like
        The Gregorian day.

    Returns
    -------
    LunarDay
        Lunar year, month, day and leap flag.

    Raises
    ------
    CalendarError
        ``day`` is outside the lunar tables.
    """
    d = as_date(day)
    table = _tables_for(d.year, d.year)
    i = int(np.searchsorted(table[0], d.toordinal(), side="right") - 1)
    if i < 0 or d.toordinal() - int(table[0][i]) >= int(table[3][i]):
        raise CalendarError(f"{d}: the lunar calendar is available for 1900-2099")
    return LunarDay(int(table[4][i]), int(table[1][i]), d.toordinal() - int(table[0][i]) + 1, bool(table[2][i]))


def _tables_for(first_year: int, last_year: int) -> tuple[np.ndarray, ...]:
    """Month tables for the lunar years touching Gregorian ``first_year``..``last_year`` as arrays.

    Returns ``(start ordinals, month, leap, length, lunar year)``.
    """
    rows = []
    for ly in range(max(first_year - 1, 1900), min(last_year, 2099) + 1):
        rows.extend((*row, ly) for row in _month_table(ly))
    if not rows:
        raise CalendarError(f"years {first_year}-{last_year}: the lunar calendar is available for 1900-2099")
    arr = np.array(rows, dtype=np.int64)
    return arr[:, 0], arr[:, 1], arr[:, 2].astype(bool), arr[:, 3], arr[:, 4]


def lunar_attributes(dates: pd.Series | pd.DatetimeIndex) -> pd.DataFrame:
    """Lunar month, day and leap flag of each date, vectorised.

    Parameters
    ----------
    dates : Series or DatetimeIndex of datetime64
        Days between 1900-01-31 and the end of lunar year 2099.

    Returns
    -------
    DataFrame
        One row per date, in the same order, with a default index and columns ``lunar_year`` (int,
        the Gregorian year of the lunar year's 春节), ``lunar_month`` (int 1-12), ``lunar_day``
        (int 1-30) and ``lunar_leap`` (bool, True inside a leap month).

    Raises
    ------
    CalendarError
        A date outside the lunar tables (1900-2099).
    """
    idx = pd.DatetimeIndex(dates)
    if len(idx) == 0:
        return pd.DataFrame({"lunar_year": [], "lunar_month": [], "lunar_day": [], "lunar_leap": []})
    ordinals = (idx.values.astype("datetime64[D]").astype(np.int64) + dt.date(1970, 1, 1).toordinal())
    starts, months, leaps, lengths, years = _tables_for(idx.min().year, idx.max().year)
    pos = np.searchsorted(starts, ordinals, side="right") - 1
    day = ordinals - starts[pos] + 1
    if (pos < 0).any() or (day > lengths[pos]).any():
        raise CalendarError("dates outside the lunar calendar's range 1900-2099")
    return pd.DataFrame(
        {
            "lunar_year": years[pos],
            "lunar_month": months[pos],
            "lunar_day": day.astype(np.int64),
            "lunar_leap": leaps[pos],
        }
    )


class LunarShift(NamedTuple):
    """Result of :func:`shift_lunar_years`: the earlier ``day`` and the ``notes`` on any adjustment.

    A named tuple, so that ``day, notes = shift_lunar_years(...)`` and ``[0]`` keep working.

    Attributes
    ----------
    day : datetime.date
        The earlier Gregorian date.
    notes : list of str
        Adjustments made (leap month, a missing 30th), in the language asked for.
    """

    day: dt.date
    notes: list[str]


def shift_lunar_years(day: dt.date, years: int = 1, *, leap_as_next: bool = False,
                      lang: str = "zh") -> LunarShift:
    """Return the same lunar day ``years`` lunar years earlier, and notes on any adjustment.

    The twelfth month's last day (除夕) maps to the earlier year's 除夕 whether that is the 29th or
    the 30th; a 30th that does not exist in the earlier month maps to its 29th. A day in a leap
    month maps to the leap month of the same number if the earlier year has one, else to the
    ordinary month of that number, or, with ``leap_as_next``, to the month after it (used for the
    end of a window that starts before the leap month, so that the window keeps its order).

    Parameters
    ----------
    day : datetime.date
        The Gregorian day.
    years : int
        Lunar years back (1 = last year).
    leap_as_next : bool
        Map a leap month the earlier year lacks to the month after it (for a window's end).
    lang : {"zh", "en"}
        Language of the notes.

    Returns
    -------
    LunarShift
        ``day`` (the earlier date) and ``notes`` (short sentences, empty when nothing was adjusted).

    Raises
    ------
    CalendarError
        The earlier year is outside 1900-2099 (the lunar tables of ``lunardate``).
    """
    ld = lunar_date(day)
    target = ld.year - years
    _check_year(target, 1900, 2099)
    notes: list[str] = []
    length = next(row[3] for row in _month_table(ld.year) if row[1] == ld.month and row[2] == ld.leap)
    if ld.month == 12 and not ld.leap and ld.day == length:
        out = spring_festival(target + 1) - dt.timedelta(days=1)
        return LunarShift(out, notes)
    month, leap = ld.month, False
    if ld.leap:
        if any(row[1] == month and row[2] for row in _month_table(target)):
            leap = True
        else:
            if leap_as_next and month < 12:
                month += 1
            notes.append(f"leap month {ld.month} aligned on month {month} of {target}" if lang == "en"
                         else f"闰{ld.month}月按{target}年{month}月对齐")
    target_len = next(row[3] for row in _month_table(target) if row[1] == month and row[2] == leap)
    d = ld.day
    if d > target_len:
        notes.append(f"lunar {month}/{d} does not exist in {target}; day {target_len} used" if lang == "en"
                     else f"农历{month}月{d}日在{target}年不存在，按{target_len}日对齐")
        d = target_len
    return LunarShift(_lunar(target, month, d, leap), notes)
