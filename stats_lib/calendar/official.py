"""Official public-holiday arrangements (法定节假日安排): holiday periods and make-up working days.

Sources, in order of precedence:

1. A user YAML file (``arrangements=`` path, else the environment variable ``STATS_LIB_HOLIDAYS``):
   a year it lists replaces everything else for that year. Format (one key per year)::

       2027:
         source: 国务院办公厅关于2027年部分节假日安排的通知
         holidays:                 # one entry per period, weekend days inside included
           - {name: 元旦, start: 2027-01-01, end: 2027-01-03}
           - {name: 春节, start: YYYY-MM-DD, end: YYYY-MM-DD}
           - {name: [中秋, 国庆], start: YYYY-MM-DD, end: YYYY-MM-DD}   # a joined period
         workdays: [YYYY-MM-DD, YYYY-MM-DD]   # make-up working days (调休上班)
         two_sessions: [YYYY-MM-DD, YYYY-MM-DD]   # optional: extends the 两会 table

   Names: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆 (or the slugs ``new-year-holiday`` …); any other
   name is kept as a special holiday.
2. ``stats_lib/data/holiday_corrections.yaml``: days where chinesecalendar is known to be wrong.
3. chinesecalendar (2004-2026).

A holiday *period* is the whole run of consecutive days off (statutory, in-lieu and touching weekend days
that are not make-up working days). Two festivals in one run (中秋节、国庆节 2023: 09-29 to 10-06) form one
period; a period belongs to the year of its last day (2022-12-31 to 2023-01-02 is 2023's New Year).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import chinese_calendar as cc
import numpy as np
import pandas as pd
import yaml

from stats_lib.errors import CalendarError, ParameterError
from stats_lib.ingest.yamlsafe import load_yaml, read_yaml_text
from stats_lib.windows import Window, as_date

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

#: Environment variable naming a YAML file of official arrangements (see the module docstring).
ENV_VAR = "STATS_LIB_HOLIDAYS"

#: Holiday key -> (festival name, period name, period slug, English period name).
HOLIDAYS: dict[str, tuple[str, str, str, str]] = {
    "new_year": ("元旦", "元旦假期", "new-year-holiday", "New Year holiday"),
    "spring_festival": ("春节", "春节假期", "spring-festival-holiday", "Spring Festival holiday"),
    "qingming": ("清明", "清明假期", "qingming-holiday", "Qingming holiday"),
    "labour_day": ("劳动节", "劳动节假期", "labour-day-holiday", "Labour Day holiday"),
    "dragon_boat": ("端午", "端午假期", "dragon-boat-holiday", "Dragon Boat holiday"),
    "mid_autumn": ("中秋", "中秋假期", "mid-autumn-holiday", "Mid-Autumn holiday"),
    "national_day": ("国庆", "国庆假期", "national-day-holiday", "National Day holiday"),
    "victory_day_70": ("抗战胜利70周年纪念日", "抗战胜利70周年纪念日假期", "victory-day-holiday",
                       "Victory Day (70th anniversary) holiday"),
}

# chinesecalendar's Holiday values -> our keys.
_CC_KEYS = {
    "New Year's Day": "new_year",
    "Spring Festival": "spring_festival",
    "Tomb-sweeping Day": "qingming",
    "Labour Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat",
    "Mid-autumn Festival": "mid_autumn",
    "National Day": "national_day",
    "Anti-Fascist 70th Day": "victory_day_70",
}

_ALIASES: dict[str, str] = {}
for _key, (_fest, _period, _slug, _en) in HOLIDAYS.items():
    for _alias in (_key, _fest, _fest + "节", _period, _slug):
        _ALIASES[_alias] = _key
_ALIASES.update({"五一": "labour_day", "清明节": "qingming", "端午节": "dragon_boat", "中秋节": "mid_autumn",
                 "国庆节": "national_day"})
_ALIASES.update(_CC_KEYS)

_YEAR_KEYS = {"source", "holidays", "workdays", "two_sessions"}


@dataclass(frozen=True)
class _Period:
    start: dt.date
    end: dt.date
    keys: tuple[str, ...]  # holiday keys (or custom names), in order of first appearance


@dataclass(frozen=True)
class _Official:
    periods: dict[int, tuple[_Period, ...]]  # by the year each period belongs to
    workdays: dict[dt.date, str]  # make-up working day -> holiday key
    covered: frozenset[int]
    user_years: frozenset[int]
    two_sessions: dict[int, tuple[dt.date, dt.date]]  # from the user file
    path: str


# ----------------------------------------------------------------------------------------- loading
def _date(value: object, where: str) -> dt.date:
    """``value`` as a date (:func:`stats_lib.windows.as_date`); a CalendarError naming ``where`` otherwise."""
    try:
        return as_date(value, what=where)
    except ParameterError:
        raise CalendarError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None


def _key(name: object, where: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise CalendarError(f"{where}: name must be a holiday name such as 春节, got {name!r}")
    return _ALIASES.get(name.strip(), name.strip())


def _cc_data() -> tuple[dict[dt.date, str], dict[dt.date, str], range, dict[dt.date, tuple[str, ...]]]:
    """chinesecalendar's days off and make-up days (our keys), corrected; ``joined``: day -> keys naming its period."""
    hol = {d: _CC_KEYS.get(v, v) for d, v in cc.holidays.items()}
    work = {d: _CC_KEYS.get(v, v) for d, v in cc.workdays.items()}
    text = resources.files("stats_lib").joinpath("data/holiday_corrections.yaml").read_text(encoding="utf-8")
    corr = yaml.safe_load(text) or {}
    where = "stats_lib/data/holiday_corrections.yaml"
    for item in corr.get("workdays") or []:
        d = _date(item["date"], where)
        work[d] = _key(item["holiday"], where)
        hol.pop(d, None)
    for item in corr.get("holidays") or []:
        d = _date(item["date"], where)
        hol[d] = _key(item["holiday"], where)
        work.pop(d, None)
    for item in corr.get("ordinary") or []:
        d = _date(item["date"], where)
        hol.pop(d, None)
        work.pop(d, None)
    joined = {_date(item["date"], where): tuple(_key(k, where) for k in item["holidays"])
              for item in corr.get("joined") or []}
    years = range(min(cc.holidays).year, max(cc.holidays).year + 1)
    return hol, work, years, joined


def _runs(hol: dict[dt.date, str], work: dict[dt.date, str]) -> list[_Period]:
    """Whole runs of days off around the statutory days (setup code, a few hundred days)."""

    def off(d: dt.date) -> bool:
        return d in hol or (d.weekday() >= 5 and d not in work)

    out: list[_Period] = []
    seen: set[dt.date] = set()
    one = dt.timedelta(days=1)
    for d in sorted(hol):
        if d in seen:
            continue
        start, end = d, d
        while off(start - one):
            start -= one
        while off(end + one):
            end += one
        keys: list[str] = []
        day = start
        while day <= end:
            seen.add(day)
            if day in hol and hol[day] not in keys:
                keys.append(hol[day])
            day += one
        out.append(_Period(start, end, tuple(keys)))
    return out


def _parse_user(path: str) -> dict[int, dict]:
    p = Path(path)
    if not p.is_file():
        raise CalendarError(f"{path}: holiday arrangement file not found (set by arrangements= or {ENV_VAR})")
    try:
        data = load_yaml(read_yaml_text(p))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise CalendarError(f"{path}: cannot be read as a YAML holiday file ({problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CalendarError(f"{path}: expected a mapping of years, e.g. '2027: {{holidays: [...], workdays: [...]}}'")
    out: dict[int, dict] = {}
    for year, body in data.items():
        if not isinstance(year, int) or isinstance(year, bool):
            raise CalendarError(f"{path}: key {year!r} is not a year (expected e.g. 2027)")
        where = f"{path}: {year}"
        if not isinstance(body, dict):
            raise CalendarError(f"{where}: expected a mapping with holidays, workdays (and optionally two_sessions)")
        unknown = set(body) - _YEAR_KEYS
        if unknown:
            raise CalendarError(f"{where}: unknown key {sorted(map(str, unknown))[0]!r}; allowed: {sorted(_YEAR_KEYS)}")
        entry: dict = {"source": str(body.get("source") or path)}
        if "holidays" in body:
            periods = []
            for i, item in enumerate(body.get("holidays") or []):
                w = f"{where}: holidays[{i}]"
                if not isinstance(item, dict) or not {"name", "start", "end"} <= set(item):
                    raise CalendarError(f"{w}: expected {{name: 春节, start: YYYY-MM-DD, end: YYYY-MM-DD}}")
                names = item["name"] if isinstance(item["name"], list) else [item["name"]]
                start, end = _date(item["start"], w), _date(item["end"], w)
                if end < start:
                    raise CalendarError(f"{w}: end {end} is before start {start}")
                periods.append(_Period(start, end, tuple(_key(n, w) for n in names)))
            entry["periods"] = tuple(sorted(periods, key=lambda x: x.start))
            entry["workdays"] = [_date(d, f"{where}: workdays") for d in body.get("workdays") or []]
        if "two_sessions" in body:
            ts = body["two_sessions"]
            if not isinstance(ts, list) or len(ts) != 2:
                raise CalendarError(f"{where}: two_sessions must be [YYYY-MM-DD, YYYY-MM-DD]")
            entry["two_sessions"] = (_date(ts[0], where), _date(ts[1], where))
        out[year] = entry
    return out


@lru_cache(maxsize=8)
def _build(path: str, mtime: float) -> _Official:
    hol, work, cc_years, joined = _cc_data()
    user = _parse_user(path) if path else {}
    user_years = {y for y, e in user.items() if "periods" in e}
    periods: dict[int, list[_Period]] = {}
    for p in _runs(hol, work):
        for day, keys in joined.items():
            if p.start <= day <= p.end:
                p = _Period(p.start, p.end, keys)
        if p.end.year not in user_years:
            periods.setdefault(p.end.year, []).append(p)
    workdays_ = {d: k for d, k in work.items() if d.year not in user_years}
    for y in user_years:
        periods[y] = list(user[y]["periods"])
        for d in user[y]["workdays"]:
            nearest = min(user[y]["periods"], key=lambda p: abs((p.start - d).days), default=None)
            workdays_[d] = nearest.keys[0] if nearest else ""
    return _Official(
        periods={y: tuple(v) for y, v in periods.items()},
        workdays=dict(sorted(workdays_.items())),
        covered=frozenset(set(cc_years) | user_years),
        user_years=frozenset(user_years),
        two_sessions={y: e["two_sessions"] for y, e in user.items() if "two_sessions" in e},
        path=path,
    )


def _official(arrangements: str | os.PathLike | None = None) -> _Official:
    path = str(arrangements) if arrangements else os.environ.get(ENV_VAR, "")
    mtime = os.path.getmtime(path) if path and os.path.exists(path) else 0.0
    return _build(path, mtime)


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
    return sorted(_official(arrangements).covered)


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
    return year in _official(arrangements).covered


def missing_arrangement_message(year: int, arrangements: str | os.PathLike | None = None) -> str:
    """The message of the :class:`CalendarError` for a year with no known arrangement (English, one line)."""
    years = covered_years(arrangements)
    return (
        f"no official holiday arrangement for {year} (known: {years[0]}-{years[-1]} from chinesecalendar"
        f"{', plus the years of ' + _official(arrangements).path if _official(arrangements).path else ''}). "
        f"Copy the periods and make-up working days of the State Council notice "
        f"(国务院办公厅关于{year}年部分节假日安排的通知) into a YAML file and set {ENV_VAR}=/path/to/file.yaml "
        f"(or pass arrangements=); format: "
        f"'{year}: {{holidays: [{{name: 元旦, start: YYYY-MM-DD, end: YYYY-MM-DD}}, "
        f"{{name: 春节, start: YYYY-MM-DD, end: YYYY-MM-DD}}, {{name: [中秋, 国庆], start: YYYY-MM-DD, "
        f"end: YYYY-MM-DD}}], workdays: [YYYY-MM-DD, YYYY-MM-DD]}}' "
        f"(one entry per period, weekend days inside included; names 元旦 春节 清明 劳动节 端午 中秋 国庆)"
    )


def _require(year: int, arrangements) -> _Official:
    off = _official(arrangements)
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


def _window(p: _Period) -> Window:
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
    key = _ALIASES.get(holiday, holiday)
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
    off = _official(arrangements)
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
    off = _official(arrangements)
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
    return dict(_official(arrangements).two_sessions)
