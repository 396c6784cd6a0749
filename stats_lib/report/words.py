"""Words and number formats of the report stage: one home for how a count, a change and a baseline are written.

The statistics tables carry language-neutral values (``direction`` is ``up``, ``down`` or ``flat``); the
words for them live here, in Chinese and English, and every writer (narrative, tables, charts, the text
table of ``briefing compare``) calls these functions, so one rule reads the same everywhere.

Rules (issue 13, item 5):

- **Sign survives rounding.** ``direction`` is the exact comparison of the two daily rates; a percentage
  is printed with that sign even when it rounds to zero: ``−0.0%`` in a table or chart, ``同比下降不足0.1%``
  in a sentence. ``持平`` (``level``) only when the two daily rates are equal.
- **Small counts look at both counts.** A percentage is printed only when the baseline (scaled to the
  current window's length) *and* the current count are both at least ``min_base``; otherwise the words say
  ``由7起降至2起``.
- **Not significant** is never "normal": ``变化不显著`` when the test had the power to see a change of the
  size observed, ``样本量小，尚不能判断`` when it did not.
- **avgN** is ``较近N年同期均值``, never ``同比``.
"""

from __future__ import annotations

import math

from stats_lib.ingest.taxonomy import load_taxonomy

__all__ = ["MINUS", "TOTAL_LABEL", "UNKNOWN", "fmt_int", "fmt_pct", "signed_pct", "pct_phrase", "baseline_name",
           "change_word", "category_label", "small_words", "direction_word", "avg_years",
           "not_significant_words"]

#: The minus sign of printed numbers (U+2212), as in published tables.
MINUS = "\u2212"
#: Label of the total row.
TOTAL_LABEL = "合计"
#: Label of an empty (unknown) group value.
UNKNOWN = "未知"


def _nan(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def avg_years(mode: str) -> int:
    """N of an ``avgN`` baseline mode, 0 for any other mode."""
    if mode.startswith("avg") and mode[3:].isdigit():
        return int(mode[3:])
    return 0


def fmt_int(n: float) -> str:
    """``12345`` → ``12,345``; a non-integer mean keeps one decimal (``1,234.5``); empty for NaN."""
    if _nan(n):
        return ""
    if float(n) == round(float(n)):
        return f"{int(round(float(n))):,}"
    return f"{float(n):,.1f}"


def fmt_pct(p: float, *, signed: bool = False) -> str:
    """Percent with one decimal: ``5.2%`` (``+5.2%`` / ``-5.2%`` when ``signed``); empty for NaN.

    For a change use :func:`signed_pct`, which keeps the sign of a change that rounds to zero.
    """
    if _nan(p):
        return ""
    v = round(float(p), 1)
    if v == 0:
        v = 0.0
    return f"{v:+.1f}%" if signed else f"{abs(v):.1f}%"


def signed_pct(p: float, direction: str | None = None, *, minus: str = MINUS) -> str:
    """A percentage change for a table or chart, its sign taken from ``direction``.

    ``+3.1%``, ``−3.1%``, ``−0.0%`` (a fall that rounds to zero), ``0.0%`` only for ``flat``.
    ``direction`` None takes the sign of ``p``. Empty for NaN.

    Examples
    --------
    >>> signed_pct(-0.03, "down"), signed_pct(0.04, "up"), signed_pct(0.0, "flat"), signed_pct(-5.24)
    ('−0.0%', '+0.0%', '0.0%', '−5.2%')
    """
    if _nan(p):
        return ""
    if direction is None:
        direction = "up" if p > 0 else "down" if p < 0 else "flat"
    v = abs(round(float(p), 1))
    if direction == "flat":
        return "0.0%"
    return f"{'+' if direction == 'up' else minus}{v:.1f}%"


def direction_word(direction: str, lang: str = "zh") -> str:
    """``上升`` / ``下降`` / ``持平`` (``up`` / ``down`` / ``level``)."""
    if lang == "en":
        return {"up": "up", "down": "down"}.get(direction, "level")
    return {"up": "上升", "down": "下降"}.get(direction, "持平")


def pct_phrase(p: float, direction: str, lang: str = "zh") -> str:
    """A percentage change inside a sentence, after the change word: ``上升3.1%``, ``下降不足0.1%``, ``持平``.

    English: ``up 3.1%``, ``down less than 0.1%``, ``level``.
    """
    if direction == "flat" or _nan(p):
        return "level" if lang == "en" else "持平"
    word = direction_word(direction, lang)
    v = abs(round(float(p), 1))
    if v == 0:
        return f"{word} less than 0.1%" if lang == "en" else f"{word}不足0.1%"
    return f"{word} {v:.1f}%" if lang == "en" else f"{word}{v:.1f}%"


def baseline_name(mode: str, lang: str = "zh", *, short: bool = False) -> str:
    """Name of a baseline mode as a briefing writes it.

    ``calendar`` 去年同期, ``lunar`` 去年农历同期, ``weekday`` 去年同期（星期对齐）, ``holiday`` 去年同一假期,
    ``previous`` 上一周期, ``avgN`` 近N年同期均值; in English with ``lang="en"``.
    """
    n = avg_years(mode)
    if lang == "en":
        if n:
            return f"{n}-year average" if short else f"the {n}-year average of the same period"
        names = {"calendar": "the same period last year", "lunar": "the same lunar period last year",
                 "weekday": "the same weeks last year", "holiday": "the same holiday last year",
                 "previous": "the previous period"}
        name = names.get(mode, f"the baseline ({mode})")
        return name[4:].capitalize() if short and name.startswith("the ") else name
    if n:
        return f"近{n}年同期均值"
    names = {"calendar": "去年同期", "lunar": "去年农历同期", "weekday": "去年同期（星期对齐）",
             "holiday": "去年同一假期", "previous": "上一周期"}
    return names.get(mode, f"基期（{mode}）")


def change_word(mode: str, lang: str = "zh") -> str:
    """``同比`` for a year-on-year baseline, ``环比`` for ``previous``, ``较近N年同期均值`` for ``avgN``.

    English: ``""`` (the baseline is named after the change instead).
    """
    if lang == "en":
        return ""
    n = avg_years(mode)
    if n:
        return f"较近{n}年同期均值"
    return "环比" if mode == "previous" else "同比"


def category_label(name: str, lang: str = "zh", taxonomy: str = "default") -> str:
    """Label of a category or group value in ``lang`` (English from the taxonomy; unknown kept as is)."""
    if lang != "en":
        return UNKNOWN if name == "" else name
    fixed = {TOTAL_LABEL: "Total", "": "Unknown", UNKNOWN: "Unknown", "警情": "Incidents", "案件": "Cases"}
    if name in fixed:
        return fixed[name]
    for labels in load_taxonomy(taxonomy).labels.values():
        if name in labels:
            return labels[name]
    return name


def small_words(cur: float, base: float, lang: str = "zh") -> str:
    """A change between small counts, in words: ``由4起增至13起``, ``由7起降至0起``, ``均为3起``.

    English: ``from 4 to 13``.
    """
    if lang == "en":
        return f"from {fmt_int(base)} to {fmt_int(cur)}"
    if cur == base:
        return f"均为{fmt_int(cur)}起"
    verb = "增至" if cur > base else "降至"
    return f"由{fmt_int(base)}起{verb}{fmt_int(cur)}起"


def not_significant_words(powered: bool, lang: str = "zh") -> str:
    """The verdict on a change that is not significant, never "normal".

    ``，变化不显著`` (", not significant") when the test had the power to see a 20% change;
    ``，样本量小，尚不能判断`` (", too few to tell") when it did not (the comparison's ``powered`` column).
    """
    if lang == "en":
        return ", not significant" if powered else ", too few to tell"
    return "，变化不显著" if powered else "，样本量小，尚不能判断"
