"""Holes in the data: runs of days without any record inside the data's date range.

A missing export (a yearly or monthly file) leaves days with no row at all between the first and the last
day of the data. Counted as zeros they make a baseline of 0 and every row "significant"; they are days
without data, not days without incidents. :func:`find_gaps` finds them from the whole data's days (never
per category or district, whose zeros are real), the clean stage records them in the ledger (``gaps``) and
:class:`stats_lib.tables.Coverage` treats a window that falls in one as not covered.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from stats_lib.errors import InputError

__all__ = ["GAP_MIN_DAYS", "GAP_FALSE_ALARMS", "Gap", "find_gaps", "as_gaps"]

#: A run shorter than this is never called a gap (a short run is not the mark of a missing file).
GAP_MIN_DAYS = 7
#: A run is a gap when a run that long would be expected fewer times than this in the whole data under
#: Poisson counts with the data's daily mean.
GAP_FALSE_ALARMS = 0.001


@dataclass(frozen=True)
class Gap:
    """A run of consecutive days without any record, ``start`` to ``end`` inclusive.

    Attributes
    ----------
    start, end : datetime.date
        First and last empty day, both inclusive.
    """

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Number of days in the run."""
        return (self.end - self.start).days + 1

    def to_json(self) -> dict:
        """The gap as the ledger stores it.

        Returns
        -------
        dict
            ``{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "days": int}``.
        """
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "days": self.days}


def find_gaps(daily: pd.DataFrame, first: dt.date | None = None, last: dt.date | None = None) -> tuple[Gap, ...]:
    """Runs of days without any record that Poisson counts would (almost) never produce.

    Parameters
    ----------
    daily : pandas.DataFrame
        The whole daily table (``date``, ``count``): every kind, category and district together.
    first, last : datetime.date, optional
        The data's first and last day (default: the table's).

    Returns
    -------
    tuple of Gap
        The gaps in date order; empty when there is none.

    Notes
    -----
    With ``N`` days from ``first`` to ``last`` and ``m`` records a day on average over all of them, a day is
    empty with probability ``exp(-m)`` under Poisson counts, and a run of ``L`` empty days is expected about
    ``N exp(-m L)`` times in the data. A run of empty days (no row on any day of it) is a gap when
    ``L >= GAP_MIN_DAYS`` and ``N exp(-m L) < GAP_FALSE_ALARMS``, i.e. ``L > ln(N / GAP_FALSE_ALARMS) / m``.
    The mean over all days, gaps included, only makes the rule stricter, and a day with any row (even a
    reported 0) has data. Real zeros of a sparse series (a small district on a quiet day) are never
    tested: the rule looks at the whole data's days.
    """
    if daily.empty:
        return ()
    dates = pd.to_datetime(daily["date"])
    lo = pd.Timestamp(first) if first is not None else dates.min()
    hi = pd.Timestamp(last) if last is not None else dates.max()
    if hi < lo:
        return ()
    inside = (dates >= lo) & (dates <= hi)
    n_days = (hi - lo).days + 1
    mean = float(pd.to_numeric(daily.loc[inside, "count"], errors="coerce").fillna(0).sum()) / n_days
    if mean <= 0:
        return ()
    need = max(GAP_MIN_DAYS, math.floor(math.log(n_days / GAP_FALSE_ALARMS) / mean) + 1)
    seen = pd.Series(True, index=pd.DatetimeIndex(dates[inside].unique()))
    empty = ~seen.reindex(pd.date_range(lo, hi, freq="D"), fill_value=False).to_numpy()
    out: list[Gap] = []
    run_start = None
    days = pd.date_range(lo, hi, freq="D")
    for i, e in enumerate(list(empty) + [False]):
        if e and run_start is None:
            run_start = i
        elif not e and run_start is not None:
            if i - run_start >= need:
                out.append(Gap(days[run_start].date(), days[i - 1].date()))
            run_start = None
    return tuple(out)


def as_gaps(value: Iterable | None) -> tuple[Gap, ...]:
    """Gaps from the ledger's ``gaps`` (a list of ``{"start", "end"}`` dicts) or from Gap objects.

    Parameters
    ----------
    value : iterable of dict or Gap, or None
        What the ledger holds.

    Returns
    -------
    tuple of Gap
        The gaps (empty for None).

    Raises
    ------
    InputError
        An entry without readable ``start`` and ``end`` dates.
    """
    out = []
    for g in value or ():
        if isinstance(g, Gap):
            out.append(g)
            continue
        try:
            out.append(Gap(dt.date.fromisoformat(str(g["start"])[:10]), dt.date.fromisoformat(str(g["end"])[:10])))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"ledger gaps: cannot read {g!r} (expected start and end dates)") from None
    return tuple(out)
