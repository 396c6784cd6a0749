"""Named periods (春节假期, 春运, 两会, 春节以来, 近7天 …): their windows in a given year.

Each named period has a Chinese name and an English slug; either is accepted wherever a period is
named. Fixed periods are a function of the year; open-ended and rolling periods (春节以来, 年初至今,
近7天, 近28天, 本周, 本月, 本季度) end on ``as_of``, which defaults to today in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from stats_lib.calendar import official as hol
from stats_lib.calendar.lunar import festivals, spring_festival
from stats_lib.errors import CalendarError, ParameterError
from stats_lib.windows import Window, as_date, today_shanghai

__all__ = [
    "PERIODS",
    "PeriodSpec",
    "CHUNYUN_BEFORE",
    "CHUNYUN_AFTER",
    "today_shanghai",
    "period_spec",
    "periods",
    "resolve_period",
    "period_title",
    "chunyun",
    "two_sessions",
    "two_sessions_unsure",
    "fixed_period",
    "period_listing",
    "PeriodListing",
]

#: 春运 runs from 15 days before 春节 to 24 days after it (40 days in all).
CHUNYUN_BEFORE = 15
CHUNYUN_AFTER = 24


@dataclass(frozen=True)
class PeriodSpec:
    """A named period.

    Attributes
    ----------
    slug, name, name_en : str
        English slug, Chinese name, English name.
    kind : str
        ``official`` (from the official arrangement), ``lunar`` (from the lunar calendar), ``table`` (两会)
        or ``open`` (ends on ``as_of``).
    holiday : str
        The holiday key of an ``official`` period (``spring_festival``); ``''`` otherwise.
    """

    slug: str
    name: str
    name_en: str
    kind: str
    holiday: str = ""


#: The named periods, in the order ``briefing calendar`` lists them.
PERIODS: tuple[PeriodSpec, ...] = (
    PeriodSpec("new-year-holiday", "元旦假期", "New Year holiday", "official", "new_year"),
    PeriodSpec("spring-festival-holiday", "春节假期", "Spring Festival holiday", "official", "spring_festival"),
    PeriodSpec("chunyun", "春运", "Spring Festival travel season", "lunar"),
    PeriodSpec("chuxi", "除夕", "Chinese New Year's Eve", "lunar"),
    PeriodSpec("spring-festival", "春节", "Spring Festival (day 1)", "lunar"),
    PeriodSpec("lantern", "元宵节", "Lantern Festival", "lunar"),
    PeriodSpec("qingming-holiday", "清明假期", "Qingming holiday", "official", "qingming"),
    PeriodSpec("labour-day-holiday", "劳动节假期", "Labour Day holiday", "official", "labour_day"),
    PeriodSpec("dragon-boat-holiday", "端午假期", "Dragon Boat holiday", "official", "dragon_boat"),
    PeriodSpec("mid-autumn-holiday", "中秋假期", "Mid-Autumn holiday", "official", "mid_autumn"),
    PeriodSpec("national-day-holiday", "国庆假期", "National Day holiday", "official", "national_day"),
    PeriodSpec("two-sessions", "两会", "Two Sessions (NPC and CPPCC)", "table"),
    PeriodSpec("since-spring-festival", "春节以来", "Since Spring Festival", "open"),
    PeriodSpec("ytd", "年初至今", "Year to date", "open"),
    PeriodSpec("last-7d", "近7天", "Last 7 days", "open"),
    PeriodSpec("last-28d", "近28天", "Last 28 days", "open"),
    PeriodSpec("this-week", "本周", "This week", "open"),
    PeriodSpec("this-month", "本月", "This month", "open"),
    PeriodSpec("this-quarter", "本季度", "This quarter", "open"),
)

# A few everyday names for the same periods.
_ALIASES = {
    "元旦": "new-year-holiday", "清明": "qingming-holiday", "清明节": "qingming-holiday",
    "劳动节": "labour-day-holiday", "五一": "labour-day-holiday", "端午": "dragon-boat-holiday",
    "端午节": "dragon-boat-holiday", "中秋": "mid-autumn-holiday", "中秋节": "mid-autumn-holiday",
    "国庆": "national-day-holiday", "国庆节": "national-day-holiday", "元宵": "lantern",
    "春节当天": "spring-festival", "大年初一": "spring-festival", "初一": "spring-festival",
    "全国两会": "two-sessions", "今年以来": "ytd", "最近7天": "last-7d", "最近28天": "last-28d",
}
_BY_KEY = {s.slug: s for s in PERIODS} | {s.name: s for s in PERIODS}


def period_spec(name_or_slug: str) -> PeriodSpec:
    """Return the :class:`PeriodSpec` of a Chinese name, slug or everyday alias (``国庆``).

    The name of a joined official period (``中秋、国庆假期``, ``mid-autumn-holiday+national-day-holiday``)
    gives the spec of its first holiday; both resolve to the same dates in that year.

    Parameters
    ----------
    name_or_slug : str
        ``春节假期``, ``spring-festival-holiday``, ``春节`` …

    Returns
    -------
    PeriodSpec
        The period's names, kind and holiday key.

    Raises
    ------
    ParameterError
        Listing the valid names when the name is unknown.
    """
    key = str(name_or_slug).strip()
    if "、" in key or "+" in key:  # a joined official period (中秋、国庆假期 or mid-autumn-holiday+…): its first part
        key = re.split(r"[、+]", key)[0]
        key = key if key in _BY_KEY or key.endswith("假期") or "-" in key else key + "假期"
    spec = _BY_KEY.get(key) or _BY_KEY.get(key.lower()) or _BY_KEY.get(_ALIASES.get(key, ""))
    if spec is None:
        valid = ", ".join(f"{s.name} ({s.slug})" for s in PERIODS)
        raise ParameterError(f"period {name_or_slug!r} is unknown; valid periods: {valid}")
    return spec


# ------------------------------------------------------------------------------------------ 两会
@lru_cache(maxsize=1)
def _two_sessions_table() -> dict[int, tuple[dt.date, dt.date, bool]]:
    text = resources.files("stats_lib").joinpath("data/two_sessions.yaml").read_text(encoding="utf-8")
    out = {}
    for year, body in (yaml.safe_load(text) or {}).items():
        days = [as_date(d, what=f"two_sessions.yaml {year}") for k in ("cppcc", "npc") for d in body[k]]
        out[int(year)] = (min(days), max(days), bool(body.get("unsure", False)))
    return out


def two_sessions(year: int, arrangements: str | os.PathLike | None = None) -> Window:
    """The 两会 window of ``year``: first opening (usually the CPPCC's) to last closing (the NPC's).

    From ``stats_lib/data/two_sessions.yaml`` (2019 on), or the ``two_sessions`` entry of the user
    arrangement file, which wins.

    Parameters
    ----------
    year : int
        Gregorian year.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    Window
        Named 两会, both days inclusive.

    Raises
    ------
    CalendarError
        For a year in neither, saying how to add it.
    """
    user = hol.user_two_sessions(arrangements)
    spec = _BY_KEY["two-sessions"]
    if year in user:
        start, end = user[year]
    elif year in _two_sessions_table():
        start, end, _ = _two_sessions_table()[year]
    else:
        known = sorted(_two_sessions_table())
        raise CalendarError(
            f"两会 (two-sessions) dates for {year} are not in the table ({known[0]}-{known[-1]}); add "
            f"'{year}: {{cppcc: [YYYY-MM-DD, YYYY-MM-DD], npc: [YYYY-MM-DD, YYYY-MM-DD]}}' to "
            f"stats_lib/data/two_sessions.yaml, or 'two_sessions: [YYYY-MM-DD, YYYY-MM-DD]' under {year} "
            f"in the file named by {hol.ENV_VAR}"
        )
    return Window(start, end, name=spec.name, slug=spec.slug, name_en=spec.name_en)


def two_sessions_unsure(year: int) -> bool:
    """Tell whether the shipped 两会 dates of ``year`` are marked ``unsure`` (not yet checked).

    Parameters
    ----------
    year : int
        Gregorian year.

    Returns
    -------
    bool
        True when marked unsure; False for a checked year or one not in the table.
    """
    return _two_sessions_table().get(year, (None, None, False))[2]


# ------------------------------------------------------------------------------------------ periods
def chunyun(year: int) -> Window:
    """春运 of ``year``: 15 days before 春节 to 24 days after it, 40 days.

    Parameters
    ----------
    year : int
        Gregorian year of the 春节.

    Returns
    -------
    Window
        Named 春运 (``chunyun``), 40 days inclusive.
    """
    sf = spring_festival(year)
    spec = _BY_KEY["chunyun"]
    return Window(sf - dt.timedelta(days=CHUNYUN_BEFORE), sf + dt.timedelta(days=CHUNYUN_AFTER),
                  name=spec.name, slug=spec.slug, name_en=spec.name_en)


def _named(spec: PeriodSpec, start: dt.date, end: dt.date) -> Window:
    return Window(start, end, name=spec.name, slug=spec.slug, name_en=spec.name_en)


def fixed_period(spec: PeriodSpec, year: int, arrangements: str | os.PathLike | None = None) -> Window:
    """Return the window of a fixed period (a holiday, 两会, 春运 or a festival day) in ``year``.

    Parameters
    ----------
    spec : PeriodSpec
        The period (:func:`period_spec`); not an open-ended or rolling one.
    year : int
        The year (the end's year for periods across New Year).
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    Window
        Dates inclusive, named after the period.

    Raises
    ------
    CalendarError
        The year is outside the lunar tables, or its official arrangement is not known.
    """
    if spec.kind == "official":
        w = hol.holiday_period(year, spec.holiday, arrangements)
        return _named(spec, w.start, w.end)
    if spec.kind == "table":
        return two_sessions(year, arrangements)
    if spec.slug == "chunyun":
        return chunyun(year)
    fest = festivals(year)
    day = {"chuxi": fest["除夕"], "spring-festival": fest["春节"], "lantern": fest["元宵"]}[spec.slug]
    return _named(spec, day, day)


def _open(spec: PeriodSpec, as_of: dt.date) -> Window:
    one = dt.timedelta(days=1)
    if spec.slug == "since-spring-festival":
        sf = spring_festival(as_of.year)
        if as_of < sf:
            raise ParameterError(f"春节以来 (since-spring-festival): as_of {as_of} is before 春节 {sf} of {as_of.year}")
        start = sf
    elif spec.slug == "ytd":
        start = dt.date(as_of.year, 1, 1)
    elif spec.slug == "last-7d":
        start = as_of - 6 * one
    elif spec.slug == "last-28d":
        start = as_of - 27 * one
    elif spec.slug == "this-week":
        start = as_of - as_of.weekday() * one
    elif spec.slug == "this-month":
        start = as_of.replace(day=1)
    else:  # this-quarter
        start = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    return _named(spec, start, as_of)


def _as_of_for(year: int | None, as_of: object) -> dt.date:
    """The reference day of open-ended periods (see :func:`resolve_period`)."""
    if as_of is not None and as_of != "":
        day = as_date(as_of, what="as_of")
        if year is not None and day.year != int(year):
            raise ParameterError(f"as_of {day} is not in year {year}; give an as_of within {year} or no year")
        return day
    today = today_shanghai()
    if year is None or int(year) == today.year:
        return today
    if int(year) < today.year:
        return dt.date(int(year), 12, 31)
    raise ParameterError(f"year {year} is after today ({today}); give as_of for open-ended periods")


def resolve_period(name_or_slug: str, year: int | None = None, as_of: object = None,
                   arrangements: str | os.PathLike | None = None) -> Window:
    """Return the window of a named period.

    Parameters
    ----------
    name_or_slug : str
        Chinese name (``春节假期``), slug (``spring-festival-holiday``) or alias (``国庆``).
    year : int, optional
        Year of a fixed period; default the year of ``as_of``. For open-ended periods it only
        chooses the default ``as_of``: today, or 31 December of a past ``year``.
    as_of : date or ISO string, optional
        Last day of open-ended periods (春节以来, 年初至今, 近7天 …); default today in Asia/Shanghai.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    Window
        Dates inclusive, with ``name``, ``slug`` and ``name_en`` of the period.

    Raises
    ------
    ParameterError
        Unknown name (the message lists the valid names), or an ``as_of`` outside ``year``.
    CalendarError
        The period is not known for that year (official arrangement or 两会 table missing).
    """
    spec = period_spec(name_or_slug)
    if spec.kind == "open":
        return _open(spec, _as_of_for(year, as_of))
    if year is None:
        year = (as_date(as_of, what="as_of") if as_of not in (None, "") else today_shanghai()).year
    return fixed_period(spec, int(year), arrangements)


def periods(year: int, as_of: object = None, arrangements: str | os.PathLike | None = None) -> list[Window]:
    """Return every named period of ``year`` that can be determined, in :data:`PERIODS` order.

    Official holiday periods are left out when the year's arrangement is unknown, 两会 when the
    year is not in the table, open-ended periods when ``year`` is after today and no ``as_of`` is
    given, and 春节以来 when ``as_of`` is before 春节 (see :func:`calendar_report` for the notes).

    Parameters
    ----------
    year : int
        Gregorian year.
    as_of : date-like, optional
        Last day of the open-ended periods.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    list[Window]
        Named windows (``name`` Chinese, ``slug`` English, ``name_en``), dates inclusive.
    """
    return list(period_listing(year, as_of, arrangements).windows)


@dataclass(frozen=True)
class PeriodListing:
    """Result of :func:`period_listing`.

    Attributes
    ----------
    windows : tuple of Window
        The periods of the year that can be determined.
    missing : dict
        Slug -> short reason code of each period that cannot (no official arrangement yet …).
    """

    windows: tuple[Window, ...]
    missing: dict[str, str]


def period_listing(year: int, as_of: object = None, arrangements: str | os.PathLike | None = None) -> PeriodListing:
    """Return the windows of every named period in ``year`` that can be determined, and why the others cannot.

    Parameters
    ----------
    year : int
        The year.
    as_of : date-like, optional
        The day open-ended and rolling periods end on (default today in Asia/Shanghai).
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    PeriodListing
        ``windows`` (in the order of :data:`PERIODS`) and ``missing``: slug -> a short reason code.

    Raises
    ------
    ParameterError
        ``as_of`` given but not a date.
    """
    out: list[Window] = []
    missing: dict[str, str] = {}
    try:
        ref: dt.date | None = _as_of_for(year, as_of)
    except ParameterError:
        if as_of not in (None, ""):
            raise
        ref = None
    for spec in PERIODS:
        try:
            if spec.kind == "open":
                if ref is None:
                    missing[spec.slug] = "future"
                    continue
                out.append(_open(spec, ref))
            else:
                out.append(fixed_period(spec, year, arrangements))
        except CalendarError:
            missing[spec.slug] = spec.kind
        except ParameterError:
            missing[spec.slug] = "before-spring-festival"
    return PeriodListing(tuple(out), missing)


def period_title(window: Window, lang: str = "zh", *, year: bool = True,
                 arrangements: str | os.PathLike | None = None) -> str:
    """The name of a named window as a title says it: with its year, and a joined holiday named by both.

    ``2023年春节假期`` / ``2023 Spring Festival holiday``; a window that is one official period made of
    two holidays is named by both, whichever of them named it: ``2023年中秋国庆假期`` /
    ``2023 Mid-Autumn and National Day holiday`` (2023-09-29 to 10-06, asked as 中秋 or as 国庆). Open
    periods (春节以来, 近7天 …) end on the as-of day and keep their name alone (the dates beside them say
    the year). A window of plain dates has no name: ``''``.

    Parameters
    ----------
    window : Window
        The window, named by :func:`resolve_period` (or :func:`official_periods`).
    lang : {"zh", "en"}
        Language of the title.
    year : bool, default True
        Put the year first (the year of the window's last day: a period belongs to the year it ends in).
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    str
        The title, ``''`` for a window without a name.
    """
    en = lang == "en"
    name = (window.name_en or window.slug.replace("-", " ").capitalize()) if en else window.name
    if not name:
        return ""
    try:
        spec = period_spec(window.slug or window.name)
    except ParameterError:
        spec = None
    if spec is not None and spec.kind == "open":
        return name
    keys = hol.period_holidays(window, arrangements)
    if len(keys) > 1:
        metas = [hol.HOLIDAYS.get(k, (k, k, "", k)) for k in keys]
        name = (" and ".join(m[3].removesuffix(" holiday") for m in metas) + " holiday" if en
                else "".join(m[0] for m in metas) + "假期")
    if not year:
        return name
    return f"{window.end.year} {name}" if en else f"{window.end.year}年{name}"
