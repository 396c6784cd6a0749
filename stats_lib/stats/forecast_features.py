"""Calendar features of a count forecast: the design matrix of every day, and the kind of each day.

One row per day, one column per effect, all known in advance from the calendar (never from the counts):

- ``const``; ``trend`` (years from the forecast origin); yearly seasonality as three Fourier pairs
  (``sin1``, ``cos1`` … ``cos3``, period 365.25 days); day of week (``dow1`` … ``dow6``, Monday the reference);
  ``month_start`` (the 1st of a month: pay days and monthly reports raise counts in many cities);
  ``recent_level`` (1 on the last 56 days before the origin and on every forecast day: the recent level,
  shrunk like the holiday effects);
- region ``CN`` (default): the official status of the day from :mod:`stats_lib.calendar`, relative to its
  day of week: ``off_holiday`` a Monday-Friday inside an official holiday period (a working day given off),
  ``makeup_workday`` a make-up working day (调休上班, a weekend day worked); one effect per lunar day around
  the Spring Festival (``除夕-7`` … ``除夕+18`` = 元宵+3), the festival days ``清明``, ``端午``, ``中秋`` and the
  fixed holidays ``元旦`` (1 January), ``劳动节`` (1 May) and ``国庆`` (1 October);
- region ``US``: one effect per holiday of the ``holidays`` library (fixed and moving: Thanksgiving, Memorial
  Day …), ``observed`` for a day off observed in lieu, and ``Christmas Eve``, ``New Year's Eve`` and the day
  after Thanksgiving.

Where the official arrangement of a year is not published (chinesecalendar ends in 2026 unless
``STATS_LIB_HOLIDAYS`` names a file with later years), the status comes from the statutory holidays of the
law (全国年节及纪念日放假办法, as amended in 2024: 元旦 1 day, 春节 4 days 除夕 to 初三, 清明 1, 劳动节 5-1 and
5-2, 端午 1, 中秋 1, 国庆 10-1 to 10-3) and the lunar calendar, with the Spring Festival off from 除夕 to 初七
as every arrangement since the 2025 amendment has it (2025: 1-28 to 2-4; 2026: 2-15 to 2-23), and no make-up
working days; every day of such a year is marked ``calendar == 'statutory'``.
"""

from __future__ import annotations

import datetime as dt
import os

import holidays as us_holidays
import numpy as np
import pandas as pd

from stats_lib.calendar.baselines import day_attributes
from stats_lib.calendar.lunar import festivals
from stats_lib.calendar.official import is_covered
from stats_lib.errors import ParameterError

__all__ = ["REGIONS", "SPRING_OFFSETS", "PENALISED_PREFIXES", "DayDesign", "design", "statutory_days",
           "day_kind"]

#: Regions whose holidays the features know.
REGIONS = ("CN", "US")
#: Lunar-day effects around the Spring Festival: days from 除夕 (除夕-7 … 元宵+3; 元宵 is 除夕+15).
SPRING_OFFSETS = tuple(range(-7, 19))
#: Columns whose effects are shrunk towards 0 (few days each): holiday and festival effects.
PENALISED_PREFIXES = ("除夕", "清明", "端午", "中秋", "元旦", "劳动节", "国庆", "us:", "observed", "makeup_workday",
                      "off_holiday", "recent_level")
_FOURIER = 3
#: Days before the origin whose level the ``recent_level`` effect carries forward.
RECENT_DAYS = 56


class DayDesign:
    """The design of a run of days (a plain holder; see :func:`design`).

    Attributes
    ----------
    X : DataFrame
        One row per day (index: the dates), float columns as in the module docstring.
    info : DataFrame
        Same index; columns ``calendar`` (``official``, ``statutory`` or ``region``), ``festival`` (festival name
        or ''), ``is_off_day`` (bool), ``kind`` (the kind of day used for hour profiles, see :func:`day_kind`).
    """

    __slots__ = ("X", "info")

    def __init__(self, X: pd.DataFrame, info: pd.DataFrame) -> None:
        self.X = X
        self.info = info


def statutory_days(year: int) -> dict[dt.date, str]:
    """Statutory days off of ``year`` from the law and the lunar calendar (no in-lieu days, no make-up days).

    Source: 全国年节及纪念日放假办法 (State Council decree, as amended 2024-11-10, in force 2025-01-01): 元旦
    1 January; 春节 除夕 and lunar 1/1-1/3; 清明 the solar term; 劳动节 1-2 May; 端午 lunar 5/5; 中秋 lunar 8/15;
    国庆 1-3 October.

    Parameters
    ----------
    year : int
        The Gregorian year.

    Returns
    -------
    dict of datetime.date to str
        Day -> holiday name (``春节`` …).
    """
    f = festivals(year)
    out = {dt.date(year, 1, 1): "元旦", f["清明"]: "清明", dt.date(year, 5, 1): "劳动节", dt.date(year, 5, 2): "劳动节",
           f["端午"]: "端午", f["中秋"]: "中秋"}
    out.update({dt.date(year, 10, d): "国庆" for d in (1, 2, 3)})
    out.update({f["除夕"] + dt.timedelta(days=k): "春节" for k in range(4)})
    return out


def day_kind(festival: str, off: bool) -> str:
    """The kind of a day for its hour profile: the festival name, else ``off`` (day off) or ``work``.

    Parameters
    ----------
    festival : str
        The day's festival name, or ``''``.
    off : bool
        Whether the day is a day off.

    Returns
    -------
    str
        ``festival``, ``"off"`` or ``"work"``.
    """
    return festival if festival else ("off" if off else "work")


def _cn(dates: pd.DatetimeIndex, arrangements) -> tuple[pd.DataFrame, pd.DataFrame]:
    attrs = day_attributes(dates[0].date(), dates[-1].date(), arrangements).set_index("date")
    years = sorted({d.year for d in dates})
    known = {y: is_covered(y, arrangements) for y in years}
    stat = {d: n for y in years if not known[y] for d, n in statutory_days(y).items()}
    for y in years:
        if not known[y]:  # the Spring Festival off from 除夕 to 初七, as arranged every year since 2025
            stat.update({festivals(y)["除夕"] + dt.timedelta(days=k): "春节" for k in range(8)})
    is_known = np.array([known[d.year] for d in dates])
    stat_hol = np.array([d.date() in stat for d in dates])
    weekend = dates.day_of_week >= 5
    holiday = attrs["holiday"].fillna("").astype(str).to_numpy() != ""
    off_holiday = np.where(is_known, holiday, stat_hol)
    makeup = np.where(is_known, attrs["is_makeup_workday"].fillna(False).astype(bool).to_numpy(), False)
    is_off = np.where(is_known, attrs["is_off_day"].fillna(False).astype(bool).to_numpy(), stat_hol | weekend)
    # Days from the nearest 除夕 (the lunar calendar's own table: 除夕 = 春节 - 1).
    from_chuxi = attrs["days_from_spring_festival"].to_numpy() + 1
    cols: dict[str, np.ndarray] = {
        "off_holiday": (off_holiday & ~weekend).astype(float),
        "makeup_workday": makeup.astype(float),
    }
    for k in SPRING_OFFSETS:
        cols[f"除夕{k:+d}" if k else "除夕"] = (from_chuxi == k).astype(float)
    fest = attrs["festival"].fillna("").astype(str).to_numpy()
    for name in ("清明", "端午", "中秋"):
        cols[name] = (fest == name).astype(float)
    md = dates.month * 100 + dates.day
    for name, code in (("元旦", 101), ("劳动节", 501), ("国庆", 1001)):
        cols[name] = (md == code).astype(float)
    info = pd.DataFrame({
        "calendar": np.where(is_known, "official", "statutory"),
        "festival": fest,
        "is_off_day": is_off.astype(bool),
    }, index=dates)
    return pd.DataFrame(cols, index=dates), info


def _us(dates: pd.DatetimeIndex) -> tuple[pd.DataFrame, pd.DataFrame]:
    years = range(dates[0].year, dates[-1].year + 1)
    cal = us_holidays.country_holidays("US", years=years, observed=True)
    names = pd.Series([cal.get(d.date(), "") or "" for d in dates], index=dates, dtype=str)
    observed = names.str.contains("observed", case=False).to_numpy()
    base = names.str.replace(r"\s*\(observed\)", "", regex=True).str.split(";").str[0].str.strip()
    base = base.where(~observed, "")
    cols: dict[str, np.ndarray] = {}
    for name in sorted(set(us_holidays.country_holidays("US", years=range(2000, 2031)).values())):
        name = name.split(";")[0].strip()
        if "observed" in name.lower():
            continue
        cols[f"us:{name}"] = (base.to_numpy() == name).astype(float)
    md = dates.month * 100 + dates.day
    thanks = base.to_numpy() == "Thanksgiving Day"
    cols["us:Christmas Eve"] = (md == 1224).astype(float)
    cols["us:New Year's Eve"] = (md == 1231).astype(float)
    cols["us:Day after Thanksgiving"] = np.r_[False, thanks[:-1]].astype(float)
    cols["observed"] = observed.astype(float)
    info = pd.DataFrame({"calendar": "region", "festival": base.to_numpy(),
                         "is_off_day": (names.to_numpy() != "") | (dates.day_of_week >= 5)}, index=dates)
    return pd.DataFrame(cols, index=dates), info


def design(start: object, end: object, origin: object, *, region: str = "CN",
           arrangements: str | os.PathLike | None = None) -> DayDesign:
    """Return the design matrix and day information of every day from ``start`` to ``end`` inclusive.

    Parameters
    ----------
    start, end : date-like
        First and last day, inclusive.
    origin : date-like
        The forecast origin: ``trend`` is 0 there and counts years (365.25 days) from it.
    region : {'CN', 'US'}
        Which calendar of holidays to use (see the module docstring).
    arrangements : path, optional
        A YAML file of official arrangements (default ``$STATS_LIB_HOLIDAYS``); region CN only.

    Returns
    -------
    DayDesign
        ``X`` (one row per day, float columns) and ``info`` (``calendar``, ``festival``, ``is_off_day``, ``kind``).

    Raises
    ------
    ParameterError
        An unknown region, or ``end`` before ``start``.
    """
    if region not in REGIONS:
        raise ParameterError(f"region: expected one of {', '.join(REGIONS)}, got {region!r}")
    dates = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if len(dates) == 0:
        raise ParameterError(f"design: end {end} is before start {start}")
    t = (dates - pd.Timestamp(origin)).days.to_numpy() / 365.25
    doy = dates.day_of_year.to_numpy() / 365.25
    cols: dict[str, np.ndarray] = {"const": np.ones(len(dates)), "trend": t}
    for k in range(1, _FOURIER + 1):
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * doy)
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * doy)
    for d in range(1, 7):
        cols[f"dow{d}"] = (dates.day_of_week == d).astype(float)
    cols["month_start"] = (dates.day == 1).astype(float)
    # Local level: 1 on the last RECENT_DAYS before the origin and after it, so that a recent shift of the
    # level (a district redrawn, a new reporting rule) is carried into the forecast instead of averaged away.
    cols["recent_level"] = (t >= -RECENT_DAYS / 365.25 - 1e-9).astype(float)
    base = pd.DataFrame(cols, index=dates)
    extra, info = _cn(dates, arrangements) if region == "CN" else _us(dates)
    info["kind"] = [day_kind(f, o) for f, o in zip(info["festival"], info["is_off_day"])]
    return DayDesign(pd.concat([base, extra], axis=1), info)
