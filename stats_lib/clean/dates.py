"""Rules for dates and times as real exports write them, each decided per column from all its values.

- :func:`day_order` — whether ``02/01/2015`` is 2 January (day first) or 1 February (month first):
  proven by a first field above 12 (day first) or a second field above 12 (month first), never per cell;
- :func:`parse_clock` — a time-of-day column (``11:00``, ``23:40:05``, ``0845``/``845`` HHMM as LAPD
  writes it, ``8时15分``, ``08~10`` bands, ``上午``/``下午``, ``AM``/``PM``) as minutes after midnight;
- :func:`period_of` — whether a column that does not parse as days holds months (``2012-01``,
  ``89年 1月``) or years (``2018``);
- :func:`join_year` — a year column (Taiwan's ``發生年度`` = 110) and a month-day column (``0101``), or
  year, month and day columns, as ISO date text.

Every function works on the distinct values, so an engine that holds the rows elsewhere calls the same
rules on the values it gets from SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DayOrder", "day_order", "SLASH_DATE", "CLOCK_WORDS", "twelve_hour", "dotted_years", "parse_clock",
           "clock_examples", "period_of", "join_year", "safe_example", "zone_offsets"]

#: A date with two one- or two-digit fields before a four-digit year: ``02/01/2015``, ``2.1.2015``,
#: ``08/26/2018 12:00:00 AM`` (the order of the two fields is decided by :func:`day_order`).
SLASH_DATE = re.compile(r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4})(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})"
                        r"(?::(?P<S>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?$")


@dataclass(frozen=True)
class DayOrder:
    """The field order of a column's ``a/b/yyyy`` dates (:func:`day_order`).

    Attributes
    ----------
    dayfirst : True (``dd/mm/yyyy``), False (``mm/dd/yyyy``), or None when the values do not decide.
    examples : two raw values that show the conflict (one of each order) or the ambiguity; empty when decided.
    conflict : True when some values prove day first and others month first.
    """

    dayfirst: bool | None
    examples: tuple[str, ...] = ()
    conflict: bool = False


def day_order(text: pd.Series, dayfirst: bool | None = None) -> DayOrder:
    """Decide the order of the two fields of the ``a/b/yyyy`` dates in ``text`` (distinct normalised values).

    A first field above 12 proves day first; a second field above 12 proves month first. When no
    value proves either, a value with ``AM``/``PM`` (the ``MM/dd/yyyy hh:mm:ss AM`` form of US
    open-data exports such as Socrata) decides month first. ``dayfirst`` (the schema's ``dayfirst:``)
    overrides the values.

    Parameters
    ----------
    text : pd.Series
        Distinct normalised date texts.
    dayfirst : bool | None, default None
        The schema's ``dayfirst:``; None decides from the values.

    Returns
    -------
    DayOrder
        Day first, month first or undecided, with the values that show a conflict.
    """
    if dayfirst is not None:
        return DayOrder(dayfirst)
    ext = text.str.extract(SLASH_DATE)
    ext = ext[ext["y"].notna()]
    if not len(ext):
        return DayOrder(None)
    a, b = ext["a"].astype(int), ext["b"].astype(int)
    # a value proves an order only when it is a valid date that way (13/45/2023 proves nothing)
    first = (a > 12) & (a <= 31) & (b >= 1) & (b <= 12)
    second = (b > 12) & (b <= 31) & (a >= 1) & (a <= 12)
    if first.any() and second.any():
        return DayOrder(None, (text[first[first].index[0]], text[second[second].index[0]]), conflict=True)
    if first.any():
        return DayOrder(True)
    if second.any():
        return DayOrder(False)
    if ext["ampm"].notna().any():
        return DayOrder(False)
    ambiguous = (a >= 1) & (a <= 12) & (b >= 1) & (b <= 12)
    if not ambiguous.any():  # no value is a date either way (13/45/2023): they are bad dates, nothing to ask
        return DayOrder(None)
    both = ext.index[(ambiguous & (a != b)).to_numpy()]
    shown = list(text[both[:2]]) if len(both) else list(text[ext.index[ambiguous.to_numpy()][:2]])
    return DayOrder(None, tuple(shown))


#: Words written before a time of day on a 12-hour clock (上午8时, 下午 3:15), for regular expressions.
CLOCK_WORDS = "上午|下午|晚上|凌晨|早上|中午|夜间"
_HHMM = re.compile(r"^\d{1,4}$")
_CLOCK = re.compile(
    r"^(?P<pre>" + CLOCK_WORDS + r"|AM|PM)?\s*(?P<H>\d{1,2})\s*(?:[:时点h]\s*(?P<M>\d{1,2})?\s*分?"
    r"(?:\s*:?\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?)?\s*(?P<post>[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:[~～\-–—至到]|to)\s*\d{1,4}(?:\s*[:时点]\s*\d{0,2}\s*分?)?)?$", re.IGNORECASE)
_DATETIME = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]*(?P<rest>(?:" + CLOCK_WORDS + r")?\s*\d{1,2}:\d{1,2}.*)$")
_PM_WORDS = ("下午", "晚上", "夜间", "PM")
#: Markers under which 12 o'clock is midnight (上午12:10 = 00:10, 12:10 AM = 00:10); 中午12 is noon.
_AM_WORDS = ("上午", "凌晨", "早上", "AM")


def twelve_hour(hours: np.ndarray, marker: pd.Series | pd.DataFrame) -> np.ndarray:
    """Hours written on a 12-hour clock, on the 24-hour clock.

    Parameters
    ----------
    hours
        The hours as written (float, NaN allowed).
    marker : the words beside each (``上午``, ``下午``, ``AM``, ``p.m.`` …; empty or NaN for none), or a
        frame of such columns, joined.

    Returns
    -------
    ndarray of float
        ``下午3`` and ``3 PM`` are 15, ``上午12``, ``凌晨12`` and ``12 AM`` are 0, ``中午12`` and ``下午12`` are 12;
        hours without a marker unchanged.
    """
    if isinstance(marker, pd.DataFrame):  # several columns of words (上午 before, AM after): joined
        marker = marker.astype(object).fillna("").astype(str).agg("".join, axis=1)
    m = pd.Series(marker, dtype=object).fillna("").astype(str).str.upper().str.replace(".", "", regex=False)
    pm = m.str.contains("|".join(_PM_WORDS)).to_numpy(dtype=bool)
    am = m.str.contains("|".join(_AM_WORDS)).to_numpy(dtype=bool) & ~pm
    h = np.asarray(hours, dtype=float)
    return np.where(pm & (h < 12), h + 12, np.where(am & (h == 12), 0, h))


_DOTTED_YY = re.compile(r"^(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<y>\d{2})(?=$|[ T])")


def dotted_years(text: pd.Series) -> pd.Series:
    """Write the two-digit year of ``31.01.23 08:00`` (day.month.year, as European systems export) in full.

    The year follows the C library's ``%y``: 69-99 are 1969-1999, 00-68 are 2000-2068. The order of the
    two first fields is then decided per column by :func:`day_order`, as for ``31.01.2023``.

    Parameters
    ----------
    text
        Normalised text values.

    Returns
    -------
    Series of str
        Same index.
    """
    def full(m: re.Match) -> str:
        y = int(m.group("y"))
        return f"{m.group('a')}.{m.group('b')}.{(1900 if y >= 69 else 2000) + y}"

    return text.str.replace(_DOTTED_YY, full, regex=True)


def parse_clock(values: pd.Series) -> pd.Series:
    """Parse a time-of-day column as minutes after midnight, deciding its form from all its values.

    Accepted: ``11:00``, ``23:40:05``, ``8时15分``, ``8点``, ``08~10`` and ``18-20`` bands (the start),
    ``上午8时``/``下午3时`` (``上午12:10`` is 00:10, ``下午12:30`` 12:30, as with AM/PM), ``11:00 PM``, a date-time whose time part is taken (``2023-01-22 08:15``), and
    whole numbers. A column of whole numbers is HHMM (``0845``, ``845``; ``15`` is 00:15) when any of
    them has three or four digits or exceeds 23, as LAPD writes ``TIME OCC``; otherwise the numbers are
    hours (``8`` is 08:00). The form is decided per column, never per cell.

    Parameters
    ----------
    values : pd.Series
        The time-of-day column as text.

    Returns
    -------
    Series of float
        Same index: minutes 0-1439; NaN when blank or not a time of day.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return (values.dt.hour * 60 + values.dt.minute).astype(float)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(uniques, dtype=object).astype(str).str.normalize("NFKC").str.strip()
    text = text.str.replace(r"\.0+$", "", regex=True)  # 845.0 from a numeric Excel column
    minutes = pd.Series(np.nan, index=text.index)
    digits = text.str.fullmatch(_HHMM).to_numpy()
    if digits.any():
        num = text[digits].astype(int)
        hhmm = bool((text[digits].str.len() >= 3).any() or (num > 23).any())
        if hhmm:
            h, m = num // 100, num % 100
            ok = (h <= 23) & (m <= 59)
            minutes[digits] = np.where(ok, h * 60 + m, np.nan)
        else:
            minutes[digits] = np.where(num <= 23, num * 60, np.nan)
    rest = ~digits & text.ne("").to_numpy()
    if rest.any():
        sub = text[rest].str.replace(_DATETIME, lambda m: m.group("rest"), regex=True)
        ext = sub.str.extract(_CLOCK)
        h = pd.to_numeric(ext["H"], errors="coerce")
        m = pd.to_numeric(ext["M"], errors="coerce").fillna(0)
        h = pd.Series(twelve_hour(h.to_numpy(), ext["pre"].fillna("") + ext["post"].fillna("")), index=sub.index)
        ok = h.between(0, 23) & m.between(0, 59)
        minutes[rest] = np.where(ok, h * 60 + m, np.nan)
    fraction = text.str.fullmatch(r"0?\.\d+")  # an Excel time cell read as a fraction of a day
    if fraction.any():
        minutes[fraction] = np.floor(pd.to_numeric(text[fraction]) * 1440 + 1e-6)
    return pd.Series(np.append(minutes.to_numpy(dtype=float), np.nan)[codes], index=values.index)


def clock_examples(values: pd.Series) -> bool:
    """True when most non-blank values of a column are times of day without a date (``08:15``, ``8时``).

    Parameters
    ----------
    values : pd.Series
        A column as text.

    Returns
    -------
    bool
        True for a time-of-day column.
    """
    text = pd.Series(values.dropna().unique(), dtype=object).astype(str).str.strip()
    text = text[text.ne("")]
    if not len(text):
        return False
    clock = text.str.fullmatch(r"\d{1,2}[:时点]\d{0,2}分?(?::\d{1,2})?(?:\s*[AaPp][Mm])?|(?:上午|下午)\d{1,2}[:时点].*")
    return bool(clock.mean() > 0.5)


_MONTH = re.compile(r"^(?:\d{4}[-/.年]\s*\d{1,2}月?|\d{2,3}年\s*\d{1,2}月|\d{1,2}[-/]\d{4}|\d{4}(?:0[1-9]|1[0-2]))$")
_YEAR = re.compile(r"^(?:\d{4}|\d{2,3})年?(?:度)?$")


def period_of(bad: pd.Series) -> str | None:
    """Return ``"month"`` or ``"year"`` when the unparsed values of a date column are months or years.

    ``2012-01``, ``2012年1月``, ``89年 1月`` (ROC), ``201201`` are months; ``2018``, ``2018年`` years.

    Parameters
    ----------
    bad
        Distinct text values that did not parse as days (blank ones excluded).

    Returns
    -------
    ``"month"``
        ``"month"``, ``"year"`` or None (when fewer than 90% of the values are of one kind).
    """
    text = bad.astype(str).str.strip()
    if not len(text):
        return None
    if text.str.fullmatch(_MONTH).mean() >= 0.9:
        return "month"
    if text.str.fullmatch(_YEAR).mean() >= 0.9:
        return "year"
    return None


_MONTH_DAY = re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?$|^(?P<m2>\d{2})(?P<d2>\d{2})$")


def join_year(years: pd.Series, month_day: pd.Series | None = None, month: pd.Series | None = None,
              day: pd.Series | None = None, roc: bool = False) -> pd.Series:
    """Build ISO dates (``YYYY-MM-DD``) from a year column and a month-day column, or year, month and day.

    Parameters
    ----------
    years
        The year column (``2021``; with ``roc=True`` a Republic-of-China year such as ``110``, + 1911).
    month_day
        ``0101``, ``1/1``, ``01-01`` or ``1月1日`` (with ``years``), or None.
    month, day
        Month and day columns (when ``month_day`` is None).
    roc
        ``years`` are Republic-of-China years (民国, + 1911).

    Returns
    -------
    Series of str
        Same index: ``YYYY-MM-DD``, or the raw values joined with ``|`` when a part does not parse (so the
        date is rejected as ``bad_date`` with its raw text).
    """
    y = pd.to_numeric(years.astype(str).str.strip().str.replace(r"年度?$", "", regex=True).str.replace(
        r"\.0+$", "", regex=True), errors="coerce")
    if roc:
        y = y + 1911
    if month_day is not None:
        ext = month_day.astype(str).str.strip().str.replace(r"\.0+$", "", regex=True).str.extract(_MONTH_DAY)
        m = pd.to_numeric(ext["m"].fillna(ext["m2"]), errors="coerce")
        d = pd.to_numeric(ext["d"].fillna(ext["d2"]), errors="coerce")
        raw = years.astype(str) + "|" + month_day.astype(str)
    else:
        def num(s: pd.Series) -> pd.Series:
            return pd.to_numeric(s.astype(str).str.strip().str.replace(r"[月日号]$|\.0+$", "", regex=True),
                                 errors="coerce")
        m, d = num(month), num(day)
        raw = years.astype(str) + "|" + month.astype(str) + "|" + day.astype(str)
    ok = y.notna() & m.notna() & d.notna()
    iso = (y.fillna(0).astype(int).astype(str).str.zfill(4) + "-" + m.fillna(0).astype(int).astype(str).str.zfill(2)
           + "-" + d.fillna(0).astype(int).astype(str).str.zfill(2))
    blank = years.isna() | years.astype(str).str.strip().eq("")
    return iso.where(ok, raw.where(~blank, ""))


_PRIVATE_RUN = re.compile(r"\d{9,}")


def safe_example(value: object, limit: int = 30) -> str:
    """A raw value short and harmless enough to quote in a message: long digit runs (phones, ID
    numbers) and text over ``limit`` characters are cut to ``…``; compact dates (8, 12 or 14 digits
    starting 19 or 20) are kept.

    Parameters
    ----------
    value : object
        A raw cell value.
    limit : int, default 30
        The longest text kept, in characters.

    Returns
    -------
    str
        The value to quote.
    """
    text = str(value).strip()

    def cut(m: re.Match) -> str:
        run = m.group(0)
        return run if len(run) in (12, 14) and run[:2] in ("19", "20") else "…"

    text = _PRIVATE_RUN.sub(cut, text)
    return text if len(text) <= limit else text[:limit] + "…"


def zone_offsets(text: pd.Series) -> pd.Series:
    """Write a zone word at the end of a time (``… UTC``, ``… GMT``, ``… UTC+8``, BigQuery's form) as the ISO
    offset it names (``+00:00``, ``+08:00``), which the time parser converts to local time.

    Parameters
    ----------
    text : Series of str
        Normalised time texts.

    Returns
    -------
    Series of str
        The same texts, the zone words replaced.
    """
    text = text.str.replace(r"(?<=\d)\s*(?:UTC|GMT)$", "+00:00", regex=True, case=False)
    return text.str.replace(r"(?<=\d)\s*(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$",
                            lambda m: f"{m[1]}{int(m[2]):02d}:{m[3] or '00'}", regex=True, case=False)
