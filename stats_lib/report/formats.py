"""Number and date formats of the report stage: how a count, a mean, a percentage and a p-value are written.

The narrative, the tables, the charts, the slides and the workbook all format through this module (with the
labels of :mod:`stats_lib.report.labels` and the change words of :mod:`stats_lib.report.words`), so that a
figure reads the same everywhere:

- counts with thousands separators (``12,345``), a mean with one decimal (``12.3``), ``*`` when masked;
- percentages with one decimal (``5.2%``), signed with a typographic minus in tables (``−5.2%``); the sign of a
  change survives rounding (``−0.0%``, issue 13, item 5);
- one p-value format: ``p < 0.001`` or ``p = 0.012``;
- English nouns with their plurals (``1 day``, ``2 days``; ``1 fire incident``) from :data:`NOUNS_EN`;
- dates as ``1月21日`` / ``21 Jan``.

Nothing here decides what is masked: masking is decided once, on the figures
(:mod:`stats_lib.report.masking`); this module only writes ``*`` for a value it is told is hidden.
"""

from __future__ import annotations

import datetime as dt
import math

__all__ = ["MINUS", "MASK", "is_missing", "masked", "fmt_int", "fmt_pct", "signed_pct", "fmt_count", "fmt_mean",
           "fmt_signed", "fmt_p", "NOUNS_EN", "plural", "count_phrase", "date_text"]


#: The minus sign of printed numbers (U+2212), as in published tables.
MINUS = "\u2212"
#: What a masked count is written as.
MASK = "*"


def fmt_int(n: float) -> str:
    """``12345`` → ``12,345``; a non-integer mean keeps one decimal (``1,234.5``); empty for NaN.

    Parameters
    ----------
    n : float
        A count, or a mean (NaN or None for a missing value).

    Returns
    -------
    str
        The number with thousands separators, empty for NaN.
    """
    if is_missing(n):
        return ""
    if float(n) == round(float(n)):
        return f"{int(round(float(n))):,}"
    return f"{float(n):,.1f}"


def fmt_pct(p: float, *, signed: bool = False) -> str:
    """Percent with one decimal: ``5.2%`` (``+5.2%`` / ``-5.2%`` when ``signed``); empty for NaN.

    For a change use :func:`signed_pct`, which keeps the sign of a change that rounds to zero.

    Parameters
    ----------
    p : float
        A percentage (``5.2`` for 5.2%, not a fraction); NaN when undefined.
    signed : bool, default False
        Write the sign (``+5.2%`` / ``-5.2%``); else the absolute value.

    Returns
    -------
    str
        The percentage with one decimal and ``%``, empty for NaN.
    """
    if is_missing(p):
        return ""
    v = round(float(p), 1)
    if v == 0:
        v = 0.0
    return f"{v:+.1f}%" if signed else f"{abs(v):.1f}%"


def signed_pct(p: float, direction: str | None = None, *, minus: str = MINUS) -> str:
    """A percentage change for a table or chart, its sign taken from ``direction``.

    ``+3.1%``, ``−3.1%``, ``−0.0%`` (a fall that rounds to zero), ``0.0%`` only for ``flat``.
    ``direction`` None takes the sign of ``p``. Empty for NaN.

    Parameters
    ----------
    p : float
        The percentage change (``-5.24`` for −5.24%); NaN when undefined.
    direction : str | None, default None
        ``up``, ``down`` or ``flat``: the exact comparison of the two daily rates (the comparison's
        ``direction`` column); None takes the sign of ``p``.
    minus : str, default MINUS
        The minus sign written (U+2212 by default, as in published tables).

    Returns
    -------
    str
        The signed percentage with one decimal, empty for NaN.

    Examples
    --------
    >>> signed_pct(-0.03, "down"), signed_pct(0.04, "up"), signed_pct(0.0, "flat"), signed_pct(-5.24)
    ('−0.0%', '+0.0%', '0.0%', '−5.2%')
    """
    if is_missing(p):
        return ""
    if direction is None:
        direction = "up" if p > 0 else "down" if p < 0 else "flat"
    v = abs(round(float(p), 1))
    if direction == "flat":
        return "0.0%"
    return f"{'+' if direction == 'up' else minus}{v:.1f}%"


def is_missing(v: object) -> bool:
    """True for None and NaN.

    Parameters
    ----------
    v : object
        Any value of a table cell.

    Returns
    -------
    bool
        True when ``v`` is None or a float NaN.
    """
    return v is None or (isinstance(v, float) and math.isnan(v))


def masked(n: object, mask_below: int | None) -> bool:
    """True when a count ``n`` is below ``mask_below`` (so it is shown as ``*``); zero counts too.

    Parameters
    ----------
    n : object
        A count (events); None or NaN is never masked.
    mask_below : int | None
        The smallest count that may be published (the briefing's ``mask_below``); None masks nothing.

    Returns
    -------
    bool
        True when the count is to be written as :data:`MASK`.
    """
    if mask_below is None or is_missing(n):
        return False
    return float(n) < mask_below


def fmt_count(n: object, mask_below: int | None = None) -> str:
    """A count for reading: ``12,345``; ``*`` when ``n < mask_below``; ``—`` when missing.

    Parameters
    ----------
    n : object
        A count (events), or a mean; None or NaN when missing.
    mask_below : int | None, default None
        Counts below it are written ``*`` (:func:`masked`); None masks nothing.

    Returns
    -------
    str
        The formatted count, ``*`` or ``—``.

    Examples
    --------
    >>> fmt_count(12345), fmt_count(3, mask_below=5), fmt_count(12.25)
    ('12,345', '*', '12.2')
    """
    if is_missing(n):
        return "—"
    if masked(n, mask_below):
        return MASK
    return fmt_int(n)


def fmt_mean(x: object) -> str:
    """A daily mean: one decimal always (``26.0``, ``1,234.5``).

    Parameters
    ----------
    x : object
        A mean (events a day); None or NaN when missing.

    Returns
    -------
    str
        The mean with one decimal and thousands separators, ``—`` when missing.
    """
    if is_missing(x):
        return "—"
    return f"{float(x):,.1f}"  # type: ignore[arg-type]


def fmt_signed(x: object, decimals: int = 0, suffix: str = "") -> str:
    """A change with its sign: ``+12``, ``−3``, ``0``; ``—`` when missing.

    Parameters
    ----------
    x : object
        A change (a count difference, or a percentage with ``suffix="%"``); None or NaN when missing.
    decimals : int, default 0
        Decimal places kept.
    suffix : str, default ''
        Text written after the number (``%``, ``起``).

    Returns
    -------
    str
        The change with ``+`` or the typographic minus, ``0`` unsigned, ``—`` when missing.
    """
    if is_missing(x):
        return "—"
    v = round(float(x), decimals)  # type: ignore[arg-type]
    if v == 0:
        return f"{0:.{decimals}f}{suffix}"
    return f"{'+' if v > 0 else MINUS}{abs(v):,.{decimals}f}{suffix}"


def fmt_p(p: object) -> str:
    """The one p-value format of the briefing: ``p < 0.001`` or ``p = 0.012`` (three decimals).

    Parameters
    ----------
    p : object
        A p-value in [0, 1]; None or NaN when the test was not run.

    Returns
    -------
    str
        ``p < 0.001``, ``p = 0.012`` or ``p = —``.
    """
    if is_missing(p):
        return "p = —"
    v = float(p)  # type: ignore[arg-type]
    return "p < 0.001" if v < 0.001 else f"p = {v:.3f}"


#: English nouns and their plurals (everything the briefing counts).
NOUNS_EN: dict[str, str] = {
    "day": "days", "incident": "incidents", "case": "cases", "file": "files", "row": "rows",
    "exported file": "exported files", "record": "records", "duplicate": "duplicates", "call": "calls",
    "district": "districts", "category": "categories", "hour": "hours", "year": "years",
    "fire incident": "fire incidents", "fire call": "fire calls", "invalid call": "invalid calls",
}


def plural(n: float, noun: str) -> str:
    """``noun`` in the number that ``n`` asks for: ``day`` for 1, ``days`` otherwise (from :data:`NOUNS_EN`).

    Parameters
    ----------
    n : float
        The number counted.
    noun : str
        The English noun in the singular (a key of :data:`NOUNS_EN`, else ``s`` is added).

    Returns
    -------
    str
        The singular for exactly 1, else the plural.
    """
    if float(n) == 1:
        return noun
    return NOUNS_EN.get(noun, noun + "s")


def count_phrase(n: object, noun: str, lang: str = "zh", *, unit: str = "起", mask_below: int | None = None) -> str:
    """A count with its noun: ``1 fire incident``, ``16 exported files``, ``3起``; ``*`` when masked.

    In Chinese the noun is not repeated: ``unit`` follows the count.

    Parameters
    ----------
    n : object
        The count (events); None or NaN when missing.
    noun : str
        The English noun in the singular (``fire incident``), used when ``lang="en"``.
    lang : str, default 'zh'
        ``zh`` or ``en``.
    unit : str, default '起'
        The Chinese measure word after the count (``起``, ``个``).
    mask_below : int | None, default None
        Counts below it are written ``*`` (:func:`masked`); None masks nothing.

    Returns
    -------
    str
        The count and its noun (English) or unit (Chinese).
    """
    text = fmt_count(n, mask_below)
    if lang != "en":
        return f"{text}{unit}"
    if text == MASK or is_missing(n):
        return f"{text} {NOUNS_EN.get(noun, noun + 's')}"
    return f"{text} {plural(float(n), noun)}"  # type: ignore[arg-type]


def date_text(d: dt.date, lang: str = "zh", *, year: bool = False) -> str:
    """``1月21日`` / ``2023年1月21日``; English ``21 Jan`` / ``21 Jan 2023``.

    Parameters
    ----------
    d : dt.date
        The day.
    lang : str, default 'zh'
        ``zh`` or ``en``.
    year : bool, default False
        Write the year too.

    Returns
    -------
    str
        The day as a briefing writes it.
    """
    if lang == "en":
        return f"{d.day} {d:%b}" + (f" {d.year}" if year else "")
    return (f"{d.year}年" if year else "") + f"{d.month}月{d.day}日"
