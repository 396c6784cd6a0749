"""The calendar stage: festivals, official holidays, named periods, comparison windows, day attributes.

This module is the calendar's public face. It re-exports the festival, holiday and period functions
of :mod:`stats_lib.lunar`, :mod:`stats_lib.holidays` and :mod:`stats_lib.periods`, and adds

- :func:`baseline_windows`: the windows a comparison sets the current one against, in one of the
  modes ``calendar``, ``lunar``, ``weekday``, ``holiday``, ``previous`` or ``avgN``;
- :func:`resolve_window`: a window from dates or a period name;
- :func:`reporting_window`: a report's window, baseline and cut-off day resolved together;
- :func:`day_attributes`: one row per day (weekday, official holiday, make-up working day, lunar
  date, days from 春节, festival) that a notebook joins to the daily table;

Official arrangements for a year chinesecalendar does not cover are read from a YAML file named by
``arrangements=`` or the environment variable ``STATS_LIB_HOLIDAYS`` (format in
:mod:`stats_lib.holidays`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache

import numpy as np
import pandas as pd

from stats_lib.calendar import official as hol
from stats_lib.calendar.lunar import (
    FIRST_YEAR,
    LAST_YEAR,
    festivals,
    lunar_attributes,
    shift_lunar_years,
    spring_festival,
)
from stats_lib.calendar.official import official_periods, workdays
from stats_lib.calendar.periods import (
    chunyun,
    fixed_period,
    period_spec,
    periods,
    resolve_period,
    today_shanghai,
)
from stats_lib.errors import CalendarError, InputError, ParameterError
from stats_lib.windows import BASELINE_MODES, Baseline, ReportingWindow, Window, as_date, last_complete_day

__all__ = ["festivals", "official_periods", "workdays", "periods", "resolve_period", "resolve_window",
           "today_shanghai", "baseline_windows", "reporting_window", "day_attributes", "Window", "Baseline",
           "ReportingWindow"]

_AVG = re.compile(r"^avg(\d+)$")


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _day(d: dt.date, lang: str) -> str:
    return f"{d.day} {d:%b} {d.year}" if lang == "en" else f"{d.year}年{d.month}月{d.day}日"


# ------------------------------------------------------------------------------------------ baselines
def _in_chunyun(w: Window) -> bool:
    if not 1900 <= w.start.year <= 2099:
        return False
    cy = chunyun(w.start.year)
    return cy.start <= w.start and w.end <= cy.end


def _touches_chunyun(w: Window) -> bool:
    for y in {w.start.year, w.end.year}:
        if 1900 <= y <= 2099:
            cy = chunyun(y)
            if w.start <= cy.end and cy.start <= w.end:
                return True
    return False


def _has_leap_day(start: dt.date, end: dt.date) -> bool:
    """True when a day of ``start``..``end`` lies in a lunar leap month."""
    days = pd.date_range(start, end, freq="D")
    return bool(lunar_attributes(days)["lunar_leap"].any()) if len(days) else False


def _is_official(w: Window) -> bool:
    try:
        return bool(w.slug) and period_spec(w.slug.split("+")[-1]).kind == "official"
    except ParameterError:
        return False


def _minus_years(d: dt.date, k: int, lang: str, notes: list[str]) -> dt.date:
    try:
        return d.replace(year=d.year - k)
    except ValueError:  # 29 February
        out = dt.date(d.year - k, 2, 28)
        notes.append(_t(lang, f"2月29日在{out.year}年不存在，按2月28日对齐",
                        f"29 February does not exist in {out.year}; mapped to 28 February"))
        return out


def _like(w: Window, start: dt.date, end: dt.date, name: str = "", slug: str = "", name_en: str = "") -> Window:
    return Window(start, end, name=name, slug=slug, start_hour=w.start_hour, end_hour=w.end_hour, name_en=name_en)


def _shift(w: Window, mode: str, k: int, lang: str, notes: list[str], arrangements) -> Window:
    """One baseline window ``k`` years (or one window, for ``previous``) before ``w``."""
    if mode == "calendar":
        return _like(w, _minus_years(w.start, k, lang, notes), _minus_years(w.end, k, lang, notes))
    if mode == "weekday":
        delta = dt.timedelta(days=364 * k)
        return _like(w, w.start - delta, w.end - delta)
    if mode == "lunar":
        start, n1 = shift_lunar_years(w.start, k, lang=lang)
        end, n2 = shift_lunar_years(w.end, k, lang=lang)
        if end < start:  # the window runs into a leap month: its end maps to the month after
            end, n2 = shift_lunar_years(w.end, k, leap_as_next=True, lang=lang)
        if (end - start).days + 1 != w.days and (_has_leap_day(w.start, w.end) or _has_leap_day(start, end)):
            # a leap month in one year only: day-by-day mapping would shrink or stretch the baseline
            end = start + dt.timedelta(days=w.days - 1)
            n2 = [_t(lang, f"窗口跨闰月，基期自{start.year}年{start.month}月{start.day}日（农历同日）起取相同天数（{w.days}天）",
                     f"the window crosses a leap month: the baseline starts on the same lunar day "
                     f"({start:%d %b %Y}) and has the same length ({w.days} days)")]
        notes.extend(n for n in n1 + n2 if n not in notes)
        return _like(w, start, end)
    if mode == "holiday":
        return _holiday(w, k, lang, notes, arrangements)
    # previous: the window of equal length (in hours) just before
    begin = dt.datetime.combine(w.start, dt.time()) + dt.timedelta(hours=w.start_hour)
    new_begin = begin - dt.timedelta(hours=w.hours)
    last = begin - dt.timedelta(hours=1)  # last hour inside the new window
    end_hour = last.hour + 1
    return Window(new_begin.date(), last.date(), start_hour=new_begin.hour, end_hour=end_hour)


def _holiday(w: Window, k: int, lang: str, notes: list[str], arrangements) -> Window:

    if not w.slug:
        raise ParameterError("baseline holiday: the window is not a named period; give --period (春节假期, 国庆假期 …) "
                             "or use calendar or lunar")
    parts = w.slug.split("+")
    spec = period_spec(parts[-1])
    if len(parts) > 1:
        notes.append(_t(lang, f"连休假期按{spec.name}对齐", f"joined holiday aligned on the {spec.name_en}"))
    if spec.kind == "open":
        raise ParameterError(f"baseline holiday: {spec.name} ({spec.slug}) is open-ended; use lunar or calendar")
    year = w.end.year
    for y in (w.end.year, w.start.year):
        try:
            p = fixed_period(spec, y, arrangements)
        except CalendarError:
            continue
        if (p.start, p.end) == (w.start, w.end):
            year = y
            break
    prev = fixed_period(spec, year - k, arrangements)
    return _like(w, prev.start, prev.end, name=prev.name, slug=prev.slug, name_en=prev.name_en)


def _parse_mode(mode: str | None) -> tuple[str | None, int]:
    if mode is None or str(mode).strip().lower() in ("", "default", "auto"):
        return None, 1
    m = str(mode).strip().lower()
    hit = _AVG.match(m)
    if hit:
        n = int(hit.group(1))
        if not 2 <= n <= 9:
            raise ParameterError(f"baseline {mode!r}: avgN needs N from 2 to 9")
        return "avg", n
    if m not in BASELINE_MODES:
        raise ParameterError(f"baseline {mode!r} is unknown; valid: {', '.join(BASELINE_MODES)}, avgN (avg2 … avg9)")
    return m, 1


_MODE_ZH = {"calendar": "公历同期", "lunar": "农历同期", "weekday": "星期对齐（364天前）", "holiday": "上年同名假期",
            "previous": "环比（紧邻的前一时段）"}
_MODE_EN = {"calendar": "same dates a year earlier", "lunar": "same lunar days a year earlier",
            "weekday": "364 days earlier (weekdays aligned)", "holiday": "the same named holiday a year earlier",
            "previous": "the equal window just before"}


def baseline_windows(window: Window, mode: str | None = None, years: int = 1, *, lang: str = "zh",
                     arrangements: str | os.PathLike | None = None) -> Baseline:
    """Return the baseline a comparison sets ``window`` against.

    Parameters
    ----------
    window : Window
        The current window (a named period keeps its ``slug``, which ``holiday`` mode needs).
    mode : str, optional
        ``calendar`` (same dates ``years`` years earlier; 29 February maps to 28 February),
        ``lunar`` (same lunar days; 除夕 maps to 除夕), ``weekday`` (``364 * years`` days earlier),
        ``holiday`` (the same named period ``years`` years earlier, whatever its length),
        ``previous`` (环比: the window of equal length just before; ``years`` is ignored) or
        ``avgN`` (N windows, one per previous year, most recent first, aligned as the default
        would align them). ``None``: ``lunar`` when the window lies within 春运, else ``calendar``.
    years : int
        How many years back the single baseline lies (default 1).
    lang : {"zh", "en"}
        Language of the notes.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    Baseline
        ``mode`` (the mode used: ``calendar``, ``lunar`` … or ``avgN``), ``windows``, ``notes`` (in
        ``lang``) and ``notes_en`` (always English): short sentences a narrative can quote, the first always naming the mode and, for
        the default, why; others report 29 February, leap months and differing lengths.

    Raises
    ------
    ParameterError
        Unknown mode, ``holiday`` for a window that is not a named fixed period, ``years`` < 1.
    CalendarError
        The baseline year is outside the calendar (or its official arrangement is unknown).
    """
    if not isinstance(window, Window):
        raise ParameterError(f"baseline: expected a Window, got {type(window).__name__}")
    if not isinstance(years, int) or years < 1:
        raise ParameterError(f"baseline: years must be a positive whole number, got {years!r}")
    zh = _resolve(window, mode, years, "zh", arrangements)
    en = _resolve(window, mode, years, "en", arrangements)
    notes = en.notes if lang == "en" else zh.notes
    return Baseline(mode=zh.mode, windows=zh.windows, notes=notes, notes_en=en.notes)


def _resolve(window: Window, mode: str | None, years: int, lang: str, arrangements) -> Baseline:
    kind, n = _parse_mode(mode)
    notes: list[str] = []
    names = _MODE_EN if lang == "en" else _MODE_ZH
    if kind in (None, "avg"):
        align = "lunar" if _in_chunyun(window) else "calendar"
        if kind == "avg":
            wins = tuple(_shift(window, align, k, lang, notes, arrangements) for k in range(1, n + 1))
            used = f"avg{n}"
            head = _t(lang, f"对比方式：前{n}年同期平均（{names[align]}）",
                      f"Baseline: average of the {n} previous years ({names[align]})")
        else:
            wins = (_shift(window, align, years, lang, notes, arrangements),)
            used = align
            why = (_t(lang, "默认：窗口位于春运期间，按农历对齐以避免春节错月",
                      "default: the window lies within Chunyun, aligned on the lunar calendar")
                   if align == "lunar" else _t(lang, "默认：窗口不在春运期间", "default: the window is outside Chunyun"))
            head = _t(lang, f"对比方式：{names[align]}（{why}）", f"Baseline: {names[align]} ({why})")
        if kind is None and align == "calendar" and _is_official(window):
            notes.append(_t(lang, "同名假期对比可用 holiday 模式", "for the same named holiday a year earlier use holiday"))
        if align == "calendar" and _touches_chunyun(window):
            notes.append(_t(lang, "窗口部分位于春运期间，公历同期可能受春节错月影响，可改用 lunar",
                            "the window overlaps Chunyun: calendar alignment may mix festival and ordinary days; "
                            "consider lunar"))
    else:
        k = 1 if kind == "previous" else years
        wins = (_shift(window, kind, k, lang, notes, arrangements),)
        used = kind
        back = "" if years == 1 or kind == "previous" else _t(lang, f"，{years}年前", f", {years} years back")
        head = _t(lang, f"对比方式：{names[kind]}{back}", f"Baseline: {names[kind]}{back}")
    lengths = [w.days for w in wins]
    if any(d != window.days for d in lengths):
        base = "、".join(map(str, lengths)) if lang != "en" else ", ".join(map(str, lengths))
        notes.append(_t(lang, f"本期{window.days}天，基期{base}天，长度不同，按日均比较",
                        f"current window {window.days} days, baseline {base} days: compare daily means"))
    return Baseline(mode=used, windows=wins, notes=tuple([head, *notes]))


# ------------------------------------------------------------------------------------------ windows
_POINT = re.compile(
    r"^\s*(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:[T\s]*(\d{1,2})(?:[:时点](\d{2})?(?::(\d{2}))?)?)?\s*$"
)


def _point(value: object, what: str) -> tuple[dt.date, int | None]:
    """A day and an optional hour from a date, datetime or string (``2023-01-27T12``, ``2023年1月27日0时``)."""
    if isinstance(value, str):
        m = _POINT.match(value)
        if not m:
            raise ParameterError(f"{what}: expected YYYY-MM-DD, optionally with an hour (YYYY-MM-DDTHH), got {value!r}")
        y, mo, d, h, mi, se = m.groups()
        try:
            day = dt.date(int(y), int(mo), int(d))
        except ValueError:
            raise ParameterError(f"{what}: {value!r} is not a valid date") from None
        if (mi and int(mi)) or (se and int(se)):
            raise ParameterError(f"{what}: windows are cut at whole hours, got {value!r}")
        return day, (int(h) if h is not None else None)
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
        ts = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        if ts.minute or ts.second or ts.microsecond:
            raise ParameterError(f"{what}: windows are cut at whole hours, got {value!r}")
        return ts.date(), (ts.hour or None)
    return as_date(value, what=what), None


def resolve_window(start: object = None, end: object = None, period: str | None = None,
                   year: int | None = None, as_of: object = None,
                   arrangements: str | os.PathLike | None = None) -> Window:
    """Return the window named by either ``start`` and ``end`` or ``period``.

    Parameters
    ----------
    start, end : date or str, optional
        First and last day, inclusive (``YYYY-MM-DD``). An hour cuts the window: ``2023-01-27T00``,
        ``2023-01-27 12:00`` or ``2023年1月27日0时``; a start hour ``h`` begins the window at h:00
        and an end hour ``h`` ends it at h:00 of that day (``2023-02-02T12`` = "至2月2日12时";
        an end hour 0 means the previous day, whole).
    period : str, optional
        A named period (Chinese name or slug), resolved by :func:`resolve_period` with ``year``
        and ``as_of``.
    year : int, optional
        Year of ``period``.
    as_of : date-like, optional
        Last day of an open-ended period.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    Window
        Dates inclusive, hour cuts as given; named for a period.

    Raises
    ------
    ParameterError
        Both dates and a period, neither, only one of start/end, a bad date, or end before start.
    """
    has_dates = any(v not in (None, "") for v in (start, end))
    if period not in (None, "") and has_dates:
        raise ParameterError("give either start and end dates or a period, not both")
    if period not in (None, ""):
        return resolve_period(period, year=year, as_of=as_of, arrangements=arrangements)
    if not has_dates:
        raise ParameterError("give a window: start and end (YYYY-MM-DD), or a named period")
    if start in (None, "") or end in (None, ""):
        raise ParameterError("give both start and end (YYYY-MM-DD), inclusive")
    s, sh = _point(start, "start")
    e, eh = _point(end, "end")
    if sh is not None and not 0 <= sh <= 23:
        raise ParameterError(f"start: hour must be 0-23, got {sh}")
    if eh is not None and not 0 <= eh <= 24:
        raise ParameterError(f"end: hour must be 0-24, got {eh}")
    if eh == 0:
        e, eh = e - dt.timedelta(days=1), 24
    if s == e and sh is not None and eh is not None and eh <= sh:
        raise ParameterError(f"end {end!r} is not after start {start!r}")
    return Window(s, e, start_hour=sh or 0, end_hour=eh or 24)


def reporting_window(start: object = None, end: object = None, period: str | None = None, year: int | None = None,
                     *, baseline: str | Baseline | None = None, as_of: object = None, lang: str = "zh",
                     arrangements: str | os.PathLike | None = None) -> ReportingWindow:
    """Resolve the window of a report, its baseline and the data's cut-off day, in one place.

    Parameters
    ----------
    start, end, period, year
        The window: dates, or a named period (see :func:`resolve_window`).
    baseline : str or Baseline, optional
        A mode for :func:`baseline_windows` (None: its default), or an already resolved baseline.
    as_of : date or ISO string, optional
        The cut-off day (default the last complete day in Asia/Shanghai); open-ended periods end on it.
    lang : {"zh", "en"}
        Language of the baseline's ``notes``.
    arrangements
        User YAML of official holiday arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    ReportingWindow
        ``window``, ``baseline`` and ``as_of`` (and the ``cutoff`` they give).

    Raises
    ------
    ParameterError, CalendarError
        As :func:`resolve_window` and :func:`baseline_windows`, with their messages; an error of the
        baseline has ``parameter == "baseline"``.
    """
    day = as_date(as_of, what="as_of") if as_of not in (None, "") else last_complete_day()
    window = resolve_window(start=start, end=end, period=period, year=year, as_of=day.isoformat(),
                            arrangements=arrangements)
    if isinstance(baseline, Baseline):
        return ReportingWindow(window, baseline, day)
    try:
        base = baseline_windows(window, baseline, lang=lang, arrangements=arrangements)
    except InputError as exc:
        exc.parameter = "baseline"
        raise
    return ReportingWindow(window, base, day)


# ------------------------------------------------------------------------------------------ day attributes
@cache
def _festival_days(year: int) -> tuple[tuple[pd.Timestamp, str], ...]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return ()
    return tuple((pd.Timestamp(d), name) for name, d in festivals(year).items())


def day_attributes(start: object, end: object, arrangements: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return calendar attributes of every day from ``start`` to ``end`` inclusive.

    Parameters
    ----------
    start, end : date-like
        First and last day, inclusive.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    DataFrame
        One row per day, default index, columns:

        - ``date`` (datetime64[ns], midnight);
        - ``weekday`` (int, 0 = Monday … 6 = Sunday);
        - ``holiday`` (str): official holiday period name (``春节假期``; joined ``中秋、国庆假期``),
          ``''`` outside; missing (NaN) in a year whose arrangement is unknown;
        - ``is_off_day`` (nullable boolean): an official day off, weekend days not worked included;
          ``<NA>`` in a year whose arrangement is unknown (never a guess);
        - ``is_makeup_workday`` (nullable boolean): a make-up working day (调休上班); ``<NA>`` likewise;
        - ``lunar_month`` (int 1-12), ``lunar_day`` (int 1-30), ``lunar_leap`` (bool);
        - ``days_from_spring_festival`` (int): days after (+) or before (-) the nearest 春节; a day
          exactly midway counts from the earlier one;
        - ``festival`` (str): 除夕, 春节, 元宵, 清明, 端午, 中秋 on those days, else ``''``.

    Raises
    ------
    ParameterError
        A bad date, or ``end`` before ``start``.
    """
    s, e = as_date(start, what="start"), as_date(end, what="end")
    if e < s:
        raise ParameterError(f"day_attributes: end {e} is before start {s}")
    out = hol.off_day_table(s, e, arrangements)
    dates = out["date"]
    lunar = lunar_attributes(dates)
    ords = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    sf_years = range(max(s.year - 1, 1900), min(e.year + 1, 2099) + 1)
    sf = np.array([np.datetime64(spring_festival(y), "D").astype(np.int64) for y in sf_years])
    i = np.clip(np.searchsorted(sf, ords, side="right"), 1, len(sf) - 1)
    before, after = ords - sf[i - 1], ords - sf[i]
    from_sf = np.where(np.abs(after) < np.abs(before), after, before)
    fest = dict(f for y in range(s.year, e.year + 1) for f in _festival_days(y))
    out.insert(1, "weekday", dates.dt.day_of_week.astype("int64"))
    out["lunar_month"] = lunar["lunar_month"].to_numpy()
    out["lunar_day"] = lunar["lunar_day"].to_numpy()
    out["lunar_leap"] = lunar["lunar_leap"].to_numpy()
    out["days_from_spring_festival"] = from_sf.astype("int64")
    out["festival"] = dates.map(fest).astype("str").fillna("")
    return out
