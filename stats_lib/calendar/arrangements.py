"""Where the official holiday arrangements (法定节假日安排) come from, loaded once per file and cached.

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

The queries (periods of a year, make-up working days, the off-day table) are in
:mod:`stats_lib.calendar.official`; :func:`load_arrangements` is what they read.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import chinese_calendar as cc
import yaml

from stats_lib.errors import CalendarError, ParameterError
from stats_lib.ingest.yamlsafe import load_yaml, read_yaml_text
from stats_lib.windows import as_date

__all__ = ["ENV_VAR", "HOLIDAYS", "MAX_HOLIDAY_DAYS", "ArrangementPeriod", "Arrangements", "holiday_key",
           "load_arrangements"]

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


#: Longest official holiday accepted in a user's arrangement file, in days (春节 and 国庆 run 8 or 9).
MAX_HOLIDAY_DAYS = 15


def holiday_key(name: str) -> str:
    """The key of :data:`HOLIDAYS` that a holiday's name or alias stands for.

    Parameters
    ----------
    name
        A key (``spring_festival``), a festival or period name (``春节``, ``春节假期``, ``五一``), a slug
        (``spring-festival-holiday``) or chinesecalendar's English name (``Spring Festival``).

    Returns
    -------
    str
        The key, or ``name`` itself when it is no known holiday (a special holiday keeps its name).
    """
    return _ALIASES.get(name, name)


@dataclass(frozen=True)
class ArrangementPeriod:
    """A holiday period: a whole run of consecutive days off, both ends inclusive.

    Attributes
    ----------
    start, end : dt.date
        The first and last day off.
    keys : tuple[str, ...]
        The holiday keys (:data:`HOLIDAYS`) or custom names of the period, in order of first appearance.
    """
    start: dt.date
    end: dt.date
    keys: tuple[str, ...]  # holiday keys (or custom names), in order of first appearance


@dataclass(frozen=True)
class Arrangements:
    """The official arrangements of every known year, from all sources merged (:func:`load_arrangements`).

    Attributes
    ----------
    periods : dict[int, tuple[ArrangementPeriod, ...]]
        Year → its holiday periods in order; a period belongs to the year of its last day.
    workdays : dict[dt.date, str]
        Make-up working day (调休上班) → the key of the holiday it belongs to.
    covered : frozenset[int]
        Years whose arrangement is known (chinesecalendar's and the user file's).
    user_years : frozenset[int]
        Years taken from the user file (they replace chinesecalendar's).
    two_sessions : dict[int, tuple[dt.date, dt.date]]
        Year → the 两会 dates (first, last day) the user file gives.
    path : str
        The user file, or ``''`` for none.
    """
    periods: dict[int, tuple[ArrangementPeriod, ...]]  # by the year each period belongs to
    workdays: dict[dt.date, str]  # make-up working day -> holiday key
    covered: frozenset[int]
    user_years: frozenset[int]
    two_sessions: dict[int, tuple[dt.date, dt.date]]  # from the user file
    path: str


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


def _runs(hol: dict[dt.date, str], work: dict[dt.date, str]) -> list[ArrangementPeriod]:
    """Whole runs of days off around the statutory days (setup code, a few hundred days)."""

    def off(d: dt.date) -> bool:
        return d in hol or (d.weekday() >= 5 and d not in work)

    out: list[ArrangementPeriod] = []
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
        out.append(ArrangementPeriod(start, end, tuple(keys)))
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
                # typed by hand from the State Council notice: a year or a length that cannot be is a typo
                if start.year not in (year - 1, year) or end.year != year:
                    raise CalendarError(f"{w}: {start} to {end} is not in {year} (元旦 may start on 31 December)")
                if (end - start).days + 1 > MAX_HOLIDAY_DAYS:
                    raise CalendarError(f"{w}: {(end - start).days + 1} days from {start} to {end}; an official "
                                        f"holiday is at most {MAX_HOLIDAY_DAYS} days")
                periods.append(ArrangementPeriod(start, end, tuple(_key(n, w) for n in names)))
            entry["periods"] = tuple(sorted(periods, key=lambda x: x.start))
            entry["workdays"] = [_date(d, f"{where}: workdays") for d in body.get("workdays") or []]
            for d in entry["workdays"]:
                if abs(d.year - year) > 1 or any(p.start <= d <= p.end for p in periods):
                    raise CalendarError(f"{where}: workdays: {d} is "
                                        + (f"not near {year}" if abs(d.year - year) > 1 else "inside a holiday"))
        if "two_sessions" in body:
            ts = body["two_sessions"]
            if not isinstance(ts, list) or len(ts) != 2:
                raise CalendarError(f"{where}: two_sessions must be [YYYY-MM-DD, YYYY-MM-DD]")
            entry["two_sessions"] = (_date(ts[0], where), _date(ts[1], where))
        out[year] = entry
    return out


@lru_cache(maxsize=8)
def _build(path: str, mtime: float) -> Arrangements:
    hol, work, cc_years, joined = _cc_data()
    user = _parse_user(path) if path else {}
    user_years = {y for y, e in user.items() if "periods" in e}
    periods: dict[int, list[ArrangementPeriod]] = {}
    for p in _runs(hol, work):
        for day, keys in joined.items():
            if p.start <= day <= p.end:
                p = ArrangementPeriod(p.start, p.end, keys)
        if p.end.year not in user_years:
            periods.setdefault(p.end.year, []).append(p)
    workdays_ = {d: k for d, k in work.items() if d.year not in user_years}
    for y in user_years:
        periods[y] = list(user[y]["periods"])
        for d in user[y]["workdays"]:
            nearest = min(user[y]["periods"], key=lambda p: abs((p.start - d).days), default=None)
            workdays_[d] = nearest.keys[0] if nearest else ""
    return Arrangements(
        periods={y: tuple(v) for y, v in periods.items()},
        workdays=dict(sorted(workdays_.items())),
        covered=frozenset(set(cc_years) | user_years),
        user_years=frozenset(user_years),
        two_sessions={y: e["two_sessions"] for y, e in user.items() if "two_sessions" in e},
        path=path,
    )


def load_arrangements(arrangements: str | os.PathLike | None = None) -> Arrangements:
    """The official arrangements with a user file (cached by the file's path and modification time).

    Parameters
    ----------
    arrangements : str | os.PathLike | None, default None
        User YAML of official arrangements; None reads ``$STATS_LIB_HOLIDAYS`` (no file when unset).

    Returns
    -------
    Arrangements
        Every known year's periods and make-up working days.

    Raises
    ------
    stats_lib.errors.CalendarError
        The user file is missing, is not valid YAML, or does not have the format above (named in the message).
    """
    path = str(arrangements) if arrangements else os.environ.get(ENV_VAR, "")
    mtime = os.path.getmtime(path) if path and os.path.exists(path) else 0.0
    return _build(path, mtime)
