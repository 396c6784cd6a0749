"""Change words of the report stage: one home for how a change and a baseline are written.

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

Numbers and dates are written by :mod:`stats_lib.report.formats`, labels by :mod:`stats_lib.report.labels`.
"""

from __future__ import annotations

from stats_lib.report.formats import fmt_int, is_missing

__all__ = ["avg_years", "direction_word", "pct_phrase", "baseline_name", "change_word", "small_words",
           "not_significant_words", "dimension_words", "join_names", "others_words", "OTHERS_NAMED",
           "unequal_lengths", "length_note"]


def avg_years(mode: str) -> int:
    """N of an ``avgN`` baseline mode, 0 for any other mode.

    Parameters
    ----------
    mode : str
        A baseline mode (``calendar``, ``lunar``, ``weekday``, ``holiday``, ``previous``, ``avgN``).

    Returns
    -------
    int
        N (years) of ``avgN``, else 0.
    """
    if mode.startswith("avg") and mode[3:].isdigit():
        return int(mode[3:])
    return 0


def direction_word(direction: str, lang: str = "zh") -> str:
    """``上升`` / ``下降`` / ``持平`` (``up`` / ``down`` / ``level``).

    Parameters
    ----------
    direction : str
        ``up``, ``down`` or ``flat`` (the comparison's ``direction`` column); any other value is level.
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The direction in words.
    """
    if lang == "en":
        return {"up": "up", "down": "down"}.get(direction, "level")
    return {"up": "上升", "down": "下降"}.get(direction, "持平")


def pct_phrase(p: float, direction: str, lang: str = "zh") -> str:
    """A percentage change inside a sentence, after the change word: ``上升3.1%``, ``下降不足0.1%``, ``持平``.

    English: ``up 3.1%``, ``down less than 0.1%``, ``level``.

    Parameters
    ----------
    p : float
        The percentage change (``3.1`` for 3.1%); NaN when undefined (then ``持平``).
    direction : str
        ``up``, ``down`` or ``flat``: the sign, which survives rounding.
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The change word and the percentage.
    """
    if direction == "flat" or is_missing(p):
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

    Parameters
    ----------
    mode : str
        The baseline mode (``calendar``, ``lunar``, ``weekday``, ``holiday``, ``previous`` or ``avgN``).
    lang : str, default 'zh'
        ``zh`` or ``en``.
    short : bool, default False
        English only: the short form for a table header (``3-year average``, ``Same period last year``).

    Returns
    -------
    str
        The baseline's name; an unknown mode is named ``基期（mode）`` / ``the baseline (mode)``.
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

    Parameters
    ----------
    mode : str
        The baseline mode (``previous``, ``avgN`` or a year-on-year mode).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The word before the change, empty in English.
    """
    if lang == "en":
        return ""
    n = avg_years(mode)
    if n:
        return f"较近{n}年同期均值"
    return "环比" if mode == "previous" else "同比"


def small_words(cur: float, base: float, lang: str = "zh", per_day: bool = False) -> str:
    """A change between small counts, in words: ``由4起增至13起``, ``由7起降至0起``, ``均为3起``.

    With ``per_day`` (windows of different length) ``cur`` and ``base`` are daily means, written with one
    decimal: ``日均由0.5起增至3.6起`` / ``from 0.5 to 3.6 a day``. English: ``from 4 to 13``.

    Parameters
    ----------
    cur : float
        The current count (events), or its daily mean with ``per_day``.
    base : float
        The baseline count scaled to the current window (events), or its daily mean with ``per_day``.
    lang : str, default 'zh'
        ``zh`` or ``en``.
    per_day : bool, default False
        The two values are daily means (events a day) of windows of different length.

    Returns
    -------
    str
        The change in words.
    """
    def num(v: float) -> str:
        return f"{v:.1f}" if per_day else fmt_int(v)

    if lang == "en":
        return f"from {num(base)} to {num(cur)}" + (" a day" if per_day else "")
    pre = "日均" if per_day else ""
    if num(cur) == num(base):
        return f"{pre}均为{num(cur)}起"
    verb = "增至" if cur > base else "降至"
    return f"{pre}由{num(base)}起{verb}{num(cur)}起"


def not_significant_words(powered: bool, lang: str = "zh") -> str:
    """The verdict on a change that is not significant, never "normal".

    ``，变化不显著`` (", not significant") when the test had the power to see a 20% change;
    ``，样本量小，尚不能判断`` (", too few to tell") when it did not (the comparison's ``powered`` column).

    Parameters
    ----------
    powered : bool
        The test had the power to see a 20% change (the comparison's ``powered`` column).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The clause, with its leading comma.
    """
    if lang == "en":
        return ", not significant" if powered else ", too few to tell"
    return "，变化不显著" if powered else "，样本量小，尚不能判断"


#: What the groups of a comparison are, by its last dimension: (Chinese, English singular, English plural).
DIMENSIONS = {"category": ("类别", "category", "categories"), "subcategory": ("案由", "offence", "offences"),
              "district": ("辖区", "district", "districts"), "kind": ("类型", "kind", "kinds")}


def dimension_words(dim: str, lang: str = "zh", *, plural: bool = True) -> str:
    """The groups of dimension ``dim`` in words: ``类别`` / ``categories`` (``category`` with ``plural=False``).

    Parameters
    ----------
    dim : str
        The dimension (``category``, ``subcategory``, ``district`` or ``kind``; another is ``groups``).
    lang : str, default 'zh'
        ``zh`` or ``en``.
    plural : bool, default True
        English only: the plural (``categories``), else the singular.

    Returns
    -------
    str
        The groups' word.
    """
    zh, one, many = DIMENSIONS.get(dim, ("类别", "group", "groups"))
    if lang == "en":
        return many if plural else one
    return zh


def join_names(names: list[str], lang: str = "zh") -> str:
    """Names in a list: ``刑事警情、治安警情`` / ``a``, ``a and b``, ``a, b and c``.

    Parameters
    ----------
    names : list[str]
        The names, in the order written (at least one in English).
    lang : str, default 'zh'
        ``zh`` (joined by ``、``) or ``en``.

    Returns
    -------
    str
        The names as one phrase.
    """
    if lang != "en":
        return "、".join(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


#: At most this many groups are named in the closing clause; beyond it they are counted.
OTHERS_NAMED = 3


def others_words(dim: str, powered: list[str], unpowered: list[str], hidden: list[str] = (), *,
                 movers: bool = True, lang: str = "zh") -> str:
    """The groups that are not significant movers, in one sentence (never one clause each).

    ``powered``: names of groups whose change is not significant although the test could see a 20% change
    (or that are level); ``unpowered``: too few to tell; ``hidden``: a count masked, so not compared.
    ``dim`` is the groups' word (:func:`dimension_words`). With ``movers`` they are the rest (``其余类别``),
    else all of them (``各类别``). Per the rules above, not significant is never "normal" (no 正常波动), and
    a group the test cannot judge is said so. Of the two lists the shorter is named (up to
    :data:`OTHERS_NAMED` names), else the too-few are counted.

    ``其余类别变化均不显著。`` · ``其余类别中，纠纷警情样本量小，尚不能判断，其他变化不显著。`` ·
    ``各类别中，求助警情变化不显著，其他样本量小，尚不能判断。`` ·
    ``各类别变化均不显著，其中7类样本量小，尚不能判断。`` · ``火灾警情数字以“*”表示，不作比较。``

    Parameters
    ----------
    dim : str
        The groups' word (:func:`dimension_words`), e.g. ``类别`` / ``categories``.
    powered : list[str]
        Names of groups not significant although the test could see a 20% change (or level).
    unpowered : list[str]
        Names of groups too few to tell.
    hidden : list[str], default ()
        Names of groups whose count is masked, so not compared.
    movers : bool, default True
        There are significant movers named before, so these are ``the other`` groups.
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        Empty when all three lists are empty.
    """
    en = lang == "en"
    p, u = len(powered), len(unpowered)
    parts = []
    if en:
        who = f"the other {dim}" if movers else f"all {dim}"
        if p and not u:
            parts.append(f"The other {dim} show no significant change" if movers
                         else f"None of the {dim} shows a significant change")
        elif u and not p:
            parts.append(f"{who[:1].upper() + who[1:]}: too few to tell")
        elif u and u <= p and u <= OTHERS_NAMED:
            parts.append(f"Of {who}, {join_names(unpowered, 'en')}: too few to tell; the rest show no "
                         "significant change")
        elif u:
            parts.append(f"Of {who}, {join_names(powered, 'en')}: no significant change; the rest too few to tell"
                         if p <= OTHERS_NAMED else
                         f"{who[:1].upper() + who[1:]}: no significant change ({u} of them too few to tell)")
        if hidden:
            parts.append(f"{join_names(list(hidden), 'en')}: too few to publish, not compared")
        return "; ".join(parts) + "." if parts else ""
    who = ("其余" if movers else "各") + dim
    if p and not u:
        parts.append(f"{who}变化{'均' if p > 1 else ''}不显著")
    elif u and not p:
        parts.append(f"{who}样本量小，尚不能判断")
    elif u and u <= p and u <= OTHERS_NAMED:
        parts.append(f"{who}中，{join_names(unpowered)}样本量小，尚不能判断，其他变化{'均' if p > 1 else ''}不显著")
    elif u:
        parts.append(f"{who}中，{join_names(powered)}变化不显著，其他样本量小，尚不能判断" if p <= OTHERS_NAMED
                     else f"{who}变化均不显著，其中{u}类样本量小，尚不能判断")
    if hidden:
        parts.append(f"{join_names(list(hidden))}数字以“*”表示，不作比较")
    return "；".join(parts) + "。" if parts else ""


def unequal_lengths(current_days: object, baseline_days: object) -> bool:
    """True when the current window and the baseline (its mean length for ``avgN``) differ in length.

    Then every comparison table shows both lengths (天数) and both daily means (日均), with
    :func:`length_note` under it; with equal lengths the tables keep their usual columns.

    Parameters
    ----------
    current_days : object
        Length of the current window (days); None or NaN when unknown.
    baseline_days : object
        Length of the baseline (days; the mean length for ``avgN``); None or NaN when unknown.

    Returns
    -------
    bool
        True when both are known and differ.
    """
    if is_missing(current_days) or is_missing(baseline_days):
        return False
    return abs(float(current_days) - float(baseline_days)) > 1e-9  # type: ignore[arg-type]


def length_note(current_days: object, baseline_days: object, lang: str = "zh") -> str:
    """The one line under a table whose windows differ in length: how 增减 and 同比 are then computed.

    Parameters
    ----------
    current_days : object
        Length of the current window (days).
    baseline_days : object
        Length of the baseline (days; the mean length for ``avgN``).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The note, one sentence.

    Examples
    --------
    >>> length_note(8, 7)
    '本期8天，对比期7天，长度不同：增减＝本期－对比期按本期天数折算数（对比期日均×本期天数），百分比为两期日均之比。'
    """
    t1, t2 = fmt_int(current_days), fmt_int(baseline_days)  # type: ignore[arg-type]
    if lang == "en":
        return (f"The current window has {t1} days and the baseline {t2}: the change is the current count minus "
                "the baseline scaled to the current window's length (baseline per day x current days); the "
                "percentage change compares the two daily means.")
    return (f"本期{t1}天，对比期{t2}天，长度不同：增减＝本期－对比期按本期天数折算数（对比期日均×本期天数），"
            "百分比为两期日均之比。")
