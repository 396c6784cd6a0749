"""The CompStat block: 本周, 近28天, 年初至今 (and the holiday period in progress) against last year.

In: the daily table and an as-of date. Out: one frame stacking the :class:`~stats_lib.stats.compare.Comparison`
tables of each window. After NYPD's CompStat weekly report (week to date, 28 days, year to date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from stats_lib.calendar.baselines import day_attributes, resolve_period
from stats_lib.errors import InputError, StatsLibError
from stats_lib.stats.compare import compare
from stats_lib.windows import Baseline, Window, as_date

__all__ = ["compstat"]


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def compstat(daily: pd.DataFrame, as_of: object, by: str | Sequence[str] | None = "category", *,
             kind: str | Sequence[str] | None = None, districts: str | Sequence[str] | None = None,
             categories: str | Sequence[str] | None = None, min_base: int = 5,
             holiday: bool = True) -> pd.DataFrame:
    """CompStat block: 本周, 近28天, 年初至今 (and the holiday period in progress) against last year.

    Windows end at ``as_of``: 本周 (week to date, Monday to ``as_of``) and 近28天 against the same
    weekdays 364 days earlier; 年初至今 (1 January to ``as_of``) against the same dates last year
    (29 February → 28 February); with ``holiday=True`` an official holiday period containing
    ``as_of`` (from the calendar), to ``as_of``, against the same holiday last year cut to the same
    number of days.

    Parameters
    ----------
    daily : DataFrame
        The canonical daily table.
    as_of : date-like
        Last day of every window (inclusive).
    by : str or sequence of str, optional
        Grouping dimensions, as for :func:`stats_lib.stats.compare.compare`; None = the total only.
    kind, districts, categories : str or sequence of str, optional
        Filters, as for :func:`stats_lib.stats.compare.compare`.
    min_base : int
        Smallest count for which a percentage is printed (counts).
    holiday : bool
        Add the official holiday period in progress on ``as_of``, if any.

    Returns
    -------
    DataFrame
        One row per window and group (total row ``合计`` last in each window). Columns: ``period``
        (Chinese name), ``slug``, ``start``, ``end``, ``baseline_mode``, ``baseline_start``,
        ``baseline_end`` (dates), then the :class:`Comparison` table's columns. Windows whose baseline
        is not covered by the data are left out.

    Raises
    ------
    InputError
        No window's baseline is covered by the data.
    """
    day = as_date(as_of, what="as_of")
    specs: list[tuple[str, str, Window, Baseline]] = []
    wk = Window(day - dt.timedelta(days=day.weekday()), day, name="本周", slug="this-week")
    specs.append(("本周", "this-week", wk, _shifted(wk, 364, "weekday")))
    l28 = Window(day - dt.timedelta(days=27), day, name="近28天", slug="last-28d")
    specs.append(("近28天", "last-28d", l28, _shifted(l28, 364, "weekday")))
    ytd = Window(dt.date(day.year, 1, 1), day, name="年初至今", slug="ytd")
    prev = Window(dt.date(day.year - 1, 1, 1), _year_back(day))
    specs.append(("年初至今", "ytd", ytd, Baseline("calendar", (prev,))))
    if holiday:
        hol = _holiday_in_progress(day)
        if hol is not None:
            specs.append(hol)
    frames = []
    for name, slug, w, b in specs:
        try:
            c = compare(daily, w, b, by=by, kind=kind, districts=districts, categories=categories,
                        min_base=min_base, history=False)
        except InputError:
            continue
        t = c.table.copy()
        head = pd.DataFrame({"period": name, "slug": slug, "start": w.start, "end": w.end,
                             "baseline_mode": b.mode, "baseline_start": b.windows[0].start,
                             "baseline_end": b.windows[0].end}, index=t.index)
        frames.append(pd.concat([head, t], axis=1))
    if not frames:
        raise InputError(f"compstat: the data does not cover any window ending {day} and its baseline")
    return pd.concat(frames, ignore_index=True)


def _shifted(w: Window, days: int, mode: str) -> Baseline:
    step = dt.timedelta(days=days)
    return Baseline(mode, (Window(w.start - step, w.end - step),))


def _holiday_in_progress(day: dt.date) -> tuple[str, str, Window, Baseline] | None:
    """The official holiday period containing ``day`` and the same holiday last year, or None."""

    # A New Year holiday that begins in December belongs to the year it leads into.
    year = day.year + 1 if day.month == 12 else day.year
    try:
        attrs = day_attributes(day, day)
        name = str(attrs["holiday"].iloc[0] or "") if "holiday" in attrs else ""
        if not name:
            return None
        period = name if name.endswith("假期") else name + "假期"
        this = resolve_period(period, year=year, as_of=day)
        last = resolve_period(period, year=year - 1, as_of=day)
    except (StatsLibError, KeyError, ValueError):
        return None
    if not this.start <= day <= this.end:
        return None
    cur = Window(this.start, day, name=this.name, slug=this.slug)
    n = cur.days
    prev = Window(last.start, min(last.end, last.start + dt.timedelta(days=n - 1)))
    return this.name, this.slug, cur, Baseline("holiday", (prev,))
