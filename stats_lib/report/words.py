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

Formats and labels (the report engineer's part):

The narrative, the tables, the charts, the slides and the workbook all format through this module, so
that a count, a percentage, a change, a reject reason or a category reads the same everywhere:

- counts with thousands separators (``12,345``), a mean with one decimal (``12.3``), ``*`` when masked;
- percentages with one decimal (``5.2%``), signed with a typographic minus in tables (``−5.2%``);
- a change on a small base in words: ``由4起增至13起`` / ``up from 4 to 13``;
- one p-value format: ``p < 0.001`` or ``p = 0.012``;
- category labels from the ONE taxonomy loader (:func:`stats_lib.ingest.taxonomy.load_taxonomy`), so a
  custom taxonomy named in the cleaning ledger is honoured; a name the taxonomy does not know is kept as
  written in the data (never re-cased);
- English nouns with their plurals (``1 day``, ``2 days``; ``1 fire incident``) from :data:`NOUNS_EN`;
- the names of festival days (``除夕`` → ``Lunar New Year's Eve``) and of common offences (``盗窃`` → ``Theft``).

Nothing here computes a statistic or decides what is masked: masking is decided once, on the figures
(:mod:`stats_lib.report.masking`); this module only writes ``*`` for a value it is told is hidden.
"""

from __future__ import annotations

import datetime as dt
import math

from stats_lib.ingest.taxonomy import load_taxonomy

__all__ = ["MINUS", "MASK", "TOTAL_LABEL", "UNKNOWN", "fmt_int", "fmt_pct", "signed_pct", "pct_phrase", "baseline_name",
           "change_word", "category_label", "small_words", "direction_word", "avg_years", "is_missing", "masked",
           "fmt_count", "fmt_mean", "fmt_signed", "fmt_p", "REASONS", "reason_label", "sentence_label",
           "offence_label", "plural", "count_phrase", "date_text", "festival_label", "kind_label", "NOUNS_EN",
           "OFFENCES_EN", "FESTIVALS", "not_significant_words", "unequal_lengths",
           "length_note", "dimension_words", "join_names", "others_words", "OTHERS_NAMED"]

#: The minus sign of printed numbers (U+2212), as in published tables.
MINUS = "\u2212"
#: Label of the total row.
TOTAL_LABEL = "合计"
#: Label of an empty (unknown) group value.
UNKNOWN = "未知"
#: What a masked count is written as.
MASK = "*"


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


def category_label(name: object, lang: str = "zh", taxonomy: str | None = "default") -> str:
    """The reader's label of a category (or of any group value) in ``lang``.

    Chinese: the name as in the data (``未知`` for a blank). English: the label of the taxonomy the data
    was cleaned with (``taxonomy``: ``"default"``, ``"none"`` or the YAML path written in the ledger), then
    the fixed labels (合计, 未知, 其他 …) and :data:`OFFENCES_EN`, else the name exactly as written in the
    data (never re-cased).

    Raises
    ------
    stats_lib.errors.SchemaError
        ``taxonomy`` names a file that cannot be read.
    """
    text = "" if is_missing(name) else str(name)
    if lang != "en":
        return UNKNOWN if text == "" else text
    fixed = {TOTAL_LABEL: "Total", "": "Unknown", UNKNOWN: "Unknown", "警情": "Incidents", "案件": "Cases"}
    if text in fixed:
        return fixed[text]
    for labels in load_taxonomy(taxonomy or "default").labels.values():
        if text in labels:
            return labels[text]
    return _FIXED_EN.get(text) or OFFENCES_EN.get(text, text)


def small_words(cur: float, base: float, lang: str = "zh", per_day: bool = False) -> str:
    """A change between small counts, in words: ``由4起增至13起``, ``由7起降至0起``, ``均为3起``.

    With ``per_day`` (windows of different length) ``cur`` and ``base`` are daily means, written with one
    decimal: ``日均由0.5起增至3.6起`` / ``from 0.5 to 3.6 a day``. English: ``from 4 to 13``.
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
    """
    if lang == "en":
        return ", not significant" if powered else ", too few to tell"
    return "，变化不显著" if powered else "，样本量小，尚不能判断"


#: What the groups of a comparison are, by its last dimension: (Chinese, English singular, English plural).
DIMENSIONS = {"category": ("类别", "category", "categories"), "subcategory": ("案由", "offence", "offences"),
              "district": ("辖区", "district", "districts"), "kind": ("类型", "kind", "kinds")}


def dimension_words(dim: str, lang: str = "zh", *, plural: bool = True) -> str:
    """The groups of dimension ``dim`` in words: ``类别`` / ``categories`` (``category`` with ``plural=False``)."""
    zh, one, many = DIMENSIONS.get(dim, ("类别", "group", "groups"))
    if lang == "en":
        return many if plural else one
    return zh


def join_names(names: list[str], lang: str = "zh") -> str:
    """Names in a list: ``刑事警情、治安警情`` / ``a``, ``a and b``, ``a, b and c``."""
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


# ---------------------------------------------------------------------- formats and labels (report)
def unequal_lengths(current_days: object, baseline_days: object) -> bool:
    """True when the current window and the baseline (its mean length for ``avgN``) differ in length.

    Then every comparison table shows both lengths (天数) and both daily means (日均), with
    :func:`length_note` under it; with equal lengths the tables keep their usual columns.
    """
    if is_missing(current_days) or is_missing(baseline_days):
        return False
    return abs(float(current_days) - float(baseline_days)) > 1e-9  # type: ignore[arg-type]


def length_note(current_days: object, baseline_days: object, lang: str = "zh") -> str:
    """The one line under a table whose windows differ in length: how 增减 and 同比 are then computed.

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


def is_missing(v: object) -> bool:
    """True for None and NaN."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def masked(n: object, mask_below: int | None) -> bool:
    """True when a count ``n`` is below ``mask_below`` (so it is shown as ``*``); zero counts too."""
    if mask_below is None or is_missing(n):
        return False
    return float(n) < mask_below


def fmt_count(n: object, mask_below: int | None = None) -> str:
    """A count for reading: ``12,345``; ``*`` when ``n < mask_below``; ``—`` when missing.

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
    """A daily mean: one decimal always (``26.0``, ``1,234.5``)."""
    if is_missing(x):
        return "—"
    return f"{float(x):,.1f}"  # type: ignore[arg-type]


def fmt_signed(x: object, decimals: int = 0, suffix: str = "") -> str:
    """A change with its sign: ``+12``, ``−3``, ``0``; ``—`` when missing."""
    if is_missing(x):
        return "—"
    v = round(float(x), decimals)  # type: ignore[arg-type]
    if v == 0:
        return f"{0:.{decimals}f}{suffix}"
    return f"{'+' if v > 0 else MINUS}{abs(v):,.{decimals}f}{suffix}"


def fmt_p(p: object) -> str:
    """The one p-value format of the briefing: ``p < 0.001`` or ``p = 0.012`` (three decimals)."""
    if is_missing(p):
        return "p = —"
    v = float(p)  # type: ignore[arg-type]
    return "p < 0.001" if v < 0.001 else f"p = {v:.3f}"


# ------------------------------------------------------------------------------------------- labels
#: Reject reasons of the cleaning ledger: code → (zh, en).
REASONS: dict[str, tuple[str, str]] = {
    "bad_date": ("日期无法识别", "unparseable date"),
    "missing_date": ("日期为空", "empty date"),
    "future_date": ("日期晚于基准日", "future date"),
    "bad_count": ("数量无效", "invalid count"),
    "masked_count": ("数量被遮蔽或缺失", "masked or missing count"),
    "ragged_row": ("字段数与表头不符", "fields do not match the header"),
}


def reason_label(code: str, lang: str = "zh") -> str:
    """The reader's name of a reject reason code (the code itself when unknown)."""
    zh, en = REASONS.get(code, (code, code))
    return en if lang == "en" else zh


#: Fixed group labels that are not categories of the taxonomy.
_FIXED_EN = {"其他": "Other", "其它": "Other", "无效": "Invalid calls", "（已屏蔽）": "(redacted)"}  # privacy.PLACEHOLDER

#: English names of common offences (案由) of the case data.
OFFENCES_EN: dict[str, str] = {
    "盗窃": "Theft", "诈骗": "Fraud", "殴打他人": "Assault (battery)", "故意伤害": "Intentional injury",
    "寻衅滋事": "Picking quarrels", "赌博": "Gambling", "扰乱公共秩序": "Disturbing public order",
    "卖淫嫖娼": "Prostitution", "抢劫": "Robbery", "抢夺": "Snatching", "入室盗窃": "Burglary",
    "盗窃电动车": "E-bike theft", "电信网络诈骗": "Telecom and online fraud", "故意毁坏财物": "Criminal damage",
    "吸毒": "Drug use", "贩毒": "Drug trafficking", "强奸": "Rape", "故意杀人": "Homicide",
    "交通肇事": "Traffic offence", "危险驾驶": "Dangerous driving", "敲诈勒索": "Extortion",
    "非法拘禁": "Unlawful detention", "妨害公务": "Obstructing officials", "放火": "Arson",
}


def sentence_label(name: object, lang: str = "zh", *, taxonomy: str | None = None) -> str:
    """A category label inside an English sentence: a label of our tables loses its capital (``Fire`` → ``fire``).

    A name kept as written in the data (``ASSAULT``, ``Race/Color``) is never re-cased.
    """
    label = category_label(name, lang, taxonomy=taxonomy)
    if lang != "en" or label == ("" if is_missing(name) else str(name)):
        return label
    return label[:1].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label


def offence_label(name: object, lang: str = "zh") -> str:
    """An offence (案由) in ``lang``: :data:`OFFENCES_EN` in English, the data's name otherwise."""
    text = "" if is_missing(name) else str(name)
    return (_FIXED_EN.get(text) or OFFENCES_EN.get(text, text)) if lang == "en" else text


def kind_label(kind: str, lang: str = "zh", *, plural_form: bool = True) -> str:
    """``警情``/``案件`` in ``lang``: ``incidents``/``cases`` (``incident``/``case`` when not plural)."""
    if lang != "en":
        return kind
    noun = {"警情": "incident", "案件": "case"}.get(kind, kind)
    return NOUNS_EN.get(noun, noun + "s") if plural_form else noun


#: English nouns and their plurals (everything the briefing counts).
NOUNS_EN: dict[str, str] = {
    "day": "days", "incident": "incidents", "case": "cases", "file": "files", "row": "rows",
    "exported file": "exported files", "record": "records", "duplicate": "duplicates", "call": "calls",
    "district": "districts", "category": "categories", "hour": "hours", "year": "years",
    "fire incident": "fire incidents", "fire call": "fire calls", "invalid call": "invalid calls",
}


def plural(n: float, noun: str) -> str:
    """``noun`` in the number that ``n`` asks for: ``day`` for 1, ``days`` otherwise (from :data:`NOUNS_EN`)."""
    if float(n) == 1:
        return noun
    return NOUNS_EN.get(noun, noun + "s")


def count_phrase(n: object, noun: str, lang: str = "zh", *, unit: str = "起", mask_below: int | None = None) -> str:
    """A count with its noun: ``1 fire incident``, ``16 exported files``, ``3起``; ``*`` when masked.

    In Chinese the noun is not repeated: ``unit`` follows the count.
    """
    text = fmt_count(n, mask_below)
    if lang != "en":
        return f"{text}{unit}"
    if text == MASK or is_missing(n):
        return f"{text} {NOUNS_EN.get(noun, noun + 's')}"
    return f"{text} {plural(float(n), noun)}"  # type: ignore[arg-type]


def date_text(d: dt.date, lang: str = "zh", *, year: bool = False) -> str:
    """``1月21日`` / ``2023年1月21日``; English ``21 Jan`` / ``21 Jan 2023``."""
    if lang == "en":
        return f"{d.day} {d:%b}" + (f" {d.year}" if year else "")
    return (f"{d.year}年" if year else "") + f"{d.month}月{d.day}日"


#: Festival days by their calendar name: (zh, en).
FESTIVALS: dict[str, tuple[str, str]] = {
    "除夕": ("除夕", "Lunar New Year's Eve"), "春节": ("春节", "Spring Festival"), "初一": ("初一", "Spring Festival"),
    "元宵": ("元宵节", "Lantern Festival"), "清明": ("清明节", "Qingming Festival"),
    "端午": ("端午节", "Dragon Boat Festival"), "中秋": ("中秋节", "Mid-Autumn Festival"),
    **{n: (n, f"{ordinal} day of the Lunar New Year") for n, ordinal in
       zip(["初二", "初三", "初四", "初五", "初六", "初七"], ["2nd", "3rd", "4th", "5th", "6th", "7th"])},
}


def festival_label(name: str, lang: str = "zh") -> str:
    """The reader's name of a festival day (``元宵`` → ``元宵节`` / ``Lantern Festival``); unknown kept."""
    zh, en = FESTIVALS.get(name, (name, name))
    return en if lang == "en" else zh
