"""Date windows and baselines: the small value types shared by the calendar and the comparisons.

A :class:`Window` is a run of whole days (``start`` to ``end``, both inclusive), optionally cut at an
hour at either end (``1月27日0时至2月2日12时``). A :class:`Baseline` is the set of windows a comparison
sets the current window against, with the mode that chose them and notes a reader must see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stats_lib.errors import ParameterError

__all__ = ["Window", "Baseline", "ReportingWindow", "BASELINE_MODES", "as_date", "today_shanghai", "last_complete_day"]

#: Baseline modes accepted everywhere a baseline is named; ``avgN`` (``avg2`` … ``avg9``) also.
BASELINE_MODES = ("calendar", "lunar", "weekday", "holiday", "previous")


def as_date(value: object, *, what: str = "date") -> dt.date:
    """Return ``value`` as a :class:`datetime.date`.

    Parameters
    ----------
    value : object
        A date, a datetime (its date is taken), a pandas Timestamp or an ISO string ``YYYY-MM-DD``.
    what : str
        Name of the value in the error message (``start``, ``as_of`` …).

    Returns
    -------
    datetime.date
        The day.

    Raises
    ------
    ParameterError
        For anything else, naming ``what`` and the value given.
    """

    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()  # pandas Timestamp
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError(f"{what}: expected a date as YYYY-MM-DD, got {value!r}")


@dataclass(frozen=True)
class Window:
    """A window of days, ``start`` to ``end`` inclusive.

    Attributes
    ----------
    start, end : datetime.date
        First and last day, both inclusive (a date, datetime or ISO string is accepted and converted).
    name : str
        Chinese name of a named period (``春节以来``); empty for a plain date range.
    slug : str
        English slug of the named period (``since-spring-festival``); empty for a plain date range.
    start_hour : int
        0-23: the window begins at ``start`` + ``start_hour`` hours.
    end_hour : int
        1-24: the window ends before ``end`` + ``end_hour`` hours; 24 means the whole last day.
    name_en : str
        English name of the named period; empty when there is none.

    Raises
    ------
    ParameterError
        When ``end`` is before ``start``, a date cannot be read, or an hour is out of range.
    """

    start: dt.date
    end: dt.date
    name: str = ""
    slug: str = ""
    start_hour: int = 0
    end_hour: int = 24
    name_en: str = ""

    def __post_init__(self) -> None:

        object.__setattr__(self, "start", as_date(self.start, what="start"))
        object.__setattr__(self, "end", as_date(self.end, what="end"))
        if self.end < self.start:
            raise ParameterError(f"window: end {self.end} is before start {self.start}")
        if not (0 <= self.start_hour <= 23 and 1 <= self.end_hour <= 24):
            raise ParameterError("window: start_hour must be 0-23 and end_hour 1-24")

    @property
    def days(self) -> int:
        """Number of calendar days touched, ``end - start + 1``."""
        return (self.end - self.start).days + 1

    @property
    def hours(self) -> int:
        """Length in hours, after the hour cuts at either end."""
        return self.days * 24 - self.start_hour - (24 - self.end_hour)

    @property
    def exposure_days(self) -> float:
        """Length in days, fractional when the window is cut at an hour (``hours / 24``)."""
        return self.hours / 24

    @property
    def whole_days(self) -> bool:
        """True when the window is not cut at an hour at either end."""
        return self.start_hour == 0 and self.end_hour == 24

    def dates(self) -> list[dt.date]:
        """Every day of the window, in order.

        Returns
        -------
        list of datetime.date
            ``start`` … ``end``, ``days`` dates (a day cut at an hour is included).
        """
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def contains(self, day: dt.date) -> bool:
        """Tell whether ``day`` lies within the window.

        Parameters
        ----------
        day : datetime.date
            The day (anything :func:`as_date` reads).

        Returns
        -------
        bool
            True when ``start <= day <= end`` (hour cuts are ignored: a cut day is in the window).
        """
        return self.start <= as_date(day) <= self.end

    def label(self, lang: str = "zh") -> str:
        """Human label of the window's dates.

        Parameters
        ----------
        lang : {"zh", "en"}
            Language of the label.

        Returns
        -------
        str
            ``2023年1月21日至2月5日`` or ``21 Jan to 5 Feb 2023``; one date for a one-day window, with the
            hours (``1月27日0时至2月2日12时``, ``27 Jan 00:00 to 2 Feb 2023 12:00``) for a window cut at an hour.
        """
        s, e = self.start, self.end
        if lang == "en":
            left = f"{s.day} {s:%b}" + ("" if s.year == e.year else f" {s.year}")
            if not self.whole_days:
                left = f"{left} {self.start_hour:02d}:00"
            right = f"{e.day} {e:%b} {e.year}"
            if not self.whole_days:
                right = f"{right} {self.end_hour:02d}:00"
            return right if s == e and self.whole_days else f"{left} to {right}"
        left = f"{s.year}年{s.month}月{s.day}日"
        right = (f"{e.year}年" if e.year != s.year else "") + f"{e.month}月{e.day}日"
        if not self.whole_days:
            left += f"{self.start_hour}时"
            right += f"{self.end_hour}时"
        return left if s == e and self.whole_days else f"{left}至{right}"

    def as_dict(self) -> dict:
        """The window as JSON-ready values.

        Returns
        -------
        dict
            ``{"start", "end", "days"}`` (ISO dates, ``end`` inclusive, ``days`` a count of days), plus ``name``
            and ``slug`` when set and ``start_hour``/``end_hour`` when the window is cut at an hour.
        """
        d = {"start": self.start.isoformat(), "end": self.end.isoformat(), "days": self.days}
        if self.name:
            d["name"] = self.name
        if self.slug:
            d["slug"] = self.slug
        if not self.whole_days:
            d["start_hour"] = self.start_hour
            d["end_hour"] = self.end_hour
        return d


@dataclass(frozen=True)
class Baseline:
    """The windows a comparison sets the current window against.

    Attributes
    ----------
    mode : str
        One of :data:`BASELINE_MODES` or ``avgN``.
    windows : tuple of Window
        One window, or N for ``avgN`` (most recent year first).
    notes : tuple of str
        Sentences a reader must see, in Chinese (for example that 29 February was mapped to 28 February,
        or that the two windows differ in length).
    notes_en : tuple of str
        The same sentences in English (empty when whoever built the baseline gave none).
    """

    mode: str
    windows: tuple[Window, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    notes_en: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        """Number of baseline windows (N for ``avgN``, else 1)."""
        return len(self.windows)

    def as_dict(self) -> dict:
        """The baseline as JSON-ready values.

        Returns
        -------
        dict
            ``{"mode", "windows": [Window.as_dict(), ...], "notes": [...]}`` (notes in Chinese).
        """
        return {"mode": self.mode, "windows": [w.as_dict() for w in self.windows], "notes": list(self.notes)}


@dataclass(frozen=True)
class ReportingWindow:
    """The window a report covers, resolved once: the window, its baseline and the data's cut-off day.

    :func:`stats_lib.calendar.reporting_window` resolves it from the parameters (dates or a named
    period, a baseline mode, ``as_of``); the CLI, the parameter check and the briefing all use it.

    Attributes
    ----------
    window : Window
        The window reported on.
    baseline : Baseline
        The windows it is compared with.
    as_of : datetime.date
        The data's cut-off day: records after it are left out.
    """

    window: Window
    baseline: Baseline
    as_of: dt.date

    @property
    def cutoff(self) -> dt.date:
        """The last day counted: the window's end, or ``as_of`` when that is earlier."""
        return min(self.window.end, self.as_of)


def today_shanghai() -> dt.date:
    """Today's date in Asia/Shanghai (UTC+8; China has no daylight saving time).

    The one definition of "today" in the package: default as-of dates, named periods of the current year
    and parameter defaults all call it.

    Returns
    -------
    datetime.date
        The date at UTC+8 now.
    """
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")).date()



def last_complete_day() -> dt.date:
    """The last complete day in Asia/Shanghai: yesterday (today is not over, so its counts are partial).

    The default ``as_of`` of a briefing or a comparison: a run at 07:24 reports up to yesterday 24时, not
    a morning's 56 incidents as if they were a whole day. Data that end earlier end earlier; a window
    asked to end today is reported with the hour of its last record (see the briefing header).

    Returns
    -------
    datetime.date
        :func:`today_shanghai` minus one day.
    """
    return today_shanghai() - dt.timedelta(days=1)
