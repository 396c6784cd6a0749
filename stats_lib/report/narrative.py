"""The words of the briefing: comparisons turned into the sentences of a 警情通报 (zh) or English.

Conventions (the rules themselves are in :mod:`stats_lib.report.words`): thousands separators
(``12,345``); one decimal for percentages and daily means; ``同比上升5.2%`` / ``同比下降5.2%`` /
``同比下降不足0.1%`` (the sign survives rounding) / ``同比持平`` (equal daily rates only); ``环比`` for the
previous-period baseline, ``较近3年同期均值`` for ``avg3``; when the current count or the baseline is
below the comparison's ``min_base`` no percentage, ``由7起降至2起`` instead (``日均由1.3起增至3.6起`` when the
windows differ in length); a change that is not significant after the FDR correction is ``变化不显著``
when the test could have seen a 20% change and ``样本量小，尚不能判断`` when it could not; the baseline is
named (去年农历同期, 去年同期, 上一周期, 近3年同期均值 …); a group is left out only when it is zero in both
windows (a fall to 0 is reported); with ``mask_below=K`` every count below K is written ``*`` and the
changes that would reveal it are not written.
"""

from __future__ import annotations

import math

import pandas as pd

from stats_lib.calendar.periods import period_title
from stats_lib.report.masking import hidden
from stats_lib.report.words import (
    avg_years,
    baseline_name,
    category_label,
    change_word,
    dimension_words,
    direction_word,
    fmt_count,
    fmt_int,
    fmt_pct,
    join_names,
    not_significant_words,
    others_words,
    pct_phrase,
    sentence_label,
    small_words,
)
from stats_lib.stats.compare import TOTAL, Comparison
from stats_lib.windows import Window

__all__ = ["fmt_count", "fmt_pct", "change_phrase", "headline", "category_sentences", "paragraph",
           "anomaly_sentences", "anomaly_skipped", "zero_sentence"]


def _isnan(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _masked(row: dict | pd.Series, mask_below: int | None) -> bool:
    """True when either count of the row is hidden (the flags of :mod:`stats_lib.report.masking`, or below K)."""
    return hidden(row, "current", mask_below) or hidden(row, "baseline", mask_below)


def _flat(row: dict | pd.Series) -> bool:
    return row["direction"] == "flat"


def _lengths_differ(row: dict | pd.Series) -> bool:
    try:
        return abs(float(row["current_days"]) - float(row["baseline_days"])) > 1e-9
    except (KeyError, TypeError, ValueError):
        return False


def _small_phrase(row: dict | pd.Series, cw: str, lang: str) -> str:
    """Small counts in words. Windows of different length compare daily means, never a raw count."""
    cur, base = float(row["current"]), float(row["baseline"])
    if _lengths_differ(row):
        x, y = float(row["baseline_daily_mean"]), float(row["current_daily_mean"])
        if lang == "en":
            return f"{direction_word(row['direction'], 'en')} from {x:.1f} to {y:.1f} a day"
        if row["direction"] == "flat":
            return f"{cw}持平（日均均为{y:.1f}起）"
        return f"{cw}日均由{x:.1f}起{'增至' if row['direction'] == 'up' else '降至'}{y:.1f}起"
    if lang == "en":
        if cur == base:
            return f"level at {fmt_int(cur)}"
        return f"{'up' if cur > base else 'down'} from {fmt_int(base)} to {fmt_int(cur)}"
    if cur == base:
        return f"{cw}持平（均为{fmt_int(cur)}起）"
    return f"{cw}{small_words(cur, base, 'zh')}"


def change_phrase(row: dict | pd.Series, mode: str, lang: str = "zh", *, mask_below: int | None = None,
                  with_baseline: bool = False) -> str:
    """The change of one comparison row: ``同比上升3.1%``, ``同比下降不足0.1%``, ``同比由4起增至13起``, ``同比持平``.

    English: ``up 3.1%``, ``up from 4 to 13``, ``level``; with ``with_baseline`` the baseline is named
    (``同比下降5.2%（去年农历同期13,021起）``, ``较近3年同期均值（801.7起）下降12.7%``,
    ``down 5.2% on the same lunar period last year (13,021)``). Empty when a count is masked. The rules
    (sign kept through rounding, small counts by both counts, daily means when the lengths differ) are
    those of :mod:`stats_lib.report.words`.
    """
    if _masked(row, mask_below):
        return ""
    base = float(row["baseline"])
    cw = change_word(mode, lang)
    bn = baseline_name(mode, lang)
    small = _isnan(row["pct_change"])
    # the baseline named beside a rate change: its count, or its daily mean and length when the lengths differ
    # (a raw count of 7 days never stands beside the change of the daily means of 8)
    if _lengths_differ(row):
        days, mean = fmt_int(row["baseline_days"]), f"{float(row['baseline_daily_mean']):,.1f}"
        base_en, base_zh = f"{mean} a day over {days} days", f"{days}天，日均{mean}起"
    else:
        base_en, base_zh = fmt_int(base), f"{fmt_int(base)}起"
    if lang == "en":
        if small:
            text = _small_phrase(row, cw, "en")
            return f"{text} on {bn}" if with_baseline else text
        if _flat(row):
            return f"level with {bn} ({base_en})" if with_baseline else "level"
        text = pct_phrase(row["pct_change"], row["direction"], "en")
        return f"{text} on {bn} ({base_en})" if with_baseline else text
    if small:
        return _small_phrase(row, cw, "zh")
    phrase = pct_phrase(row["pct_change"], row["direction"], "zh")
    if with_baseline and avg_years(mode):
        return f"{cw}（{base_zh}）{phrase}"
    text = f"{cw}{phrase}"
    return f"{text}（{bn}{base_zh}）" if with_baseline else text


def _hedge(row: dict | pd.Series, lang: str, *, strong: bool) -> str:
    """The verdict after a change: ``，变化不显著`` / ``，样本量小，尚不能判断`` when not significant (by the
    test's power to see a 20% change); for ``strong``, the significant wording."""
    if _flat(row) and not bool(row["significant"]):
        return ""
    up = row["direction"] == "up"
    if not bool(row["significant"]):
        return not_significant_words(bool(row.get("powered", True)), lang)
    if not strong:
        return ""
    if lang == "en":
        return f", a significant {'rise' if up else 'fall'}"
    return f"，{'升' if up else '降'}幅具有统计学意义"


def _kind_word(cmp: Comparison, lang: str) -> str:
    kinds = set(cmp.kinds)
    if kinds == {"案件"}:
        return "cases" if lang == "en" else "案件"
    if kinds <= {"警情"}:
        return "incidents" if lang == "en" else "警情"
    return "incidents and cases" if lang == "en" else "警情和案件"


def _subject(row: dict | pd.Series, cmp: Comparison, lang: str) -> str:
    """What a row counts: ``刑事警情``, ``东城区警情``; ``criminal incidents``, ``东城区 incidents``."""
    kw = _kind_word(cmp, lang)
    if lang == "en":
        parts = [category_label(str(row[d]), "en") for d in cmp.by]
        label = " / ".join(parts)
        if cmp.by and cmp.by[-1] in ("category", "subcategory"):
            low = " / ".join(sentence_label(str(row[d]), "en") for d in cmp.by)
            return low if low.endswith("s") else f"{low} {kw}"
        if cmp.by and cmp.by[-1] == "kind":
            return label[:1].lower() + label[1:]
        return f"{label} {kw}"
    label = str(row["group"])
    if cmp.by and cmp.by[-1] == "kind":
        return label
    if label.endswith(("警情", "案件", "报警")):
        return label
    return f"{label}{kw}"


def _period_label(window: Window, period_name: str | None, lang: str) -> str:
    label = window.label(lang)
    # The dates carry the year; a joined holiday is named by both (中秋国庆假期).
    own = period_title(window, lang, year=False)
    if lang == "en":
        name = period_name if period_name is not None else own
        if name:
            return f"{name} ({label}),"
        return f"On {label}," if window.days == 1 and window.whole_days else f"From {label},"
    name = period_name if period_name is not None else own
    return f"{label}（{name}），" if name else f"{label}，"


def headline(cmp: Comparison, period_name: str | None = None, lang: str = "zh", mask_below: int | None = None,
             *, place: str | None = None) -> str:
    """The opening sentence: the total, its daily mean and its change against the named baseline.

    Example (zh): ``2023年1月21日至2月5日（春节以来），全市共接报警情12,345起，日均771.6起，同比下降5.2%
    （去年农历同期13,021起），降幅具有统计学意义。`` (en): ``Since Spring Festival (21 Jan to 5 Feb 2023),
    the city received 12,345 incidents, 771.6 a day, down 5.2% on the same lunar period last year
    (13,021), a significant fall.``

    Parameters
    ----------
    cmp : Comparison
        The comparison (its total row is used).
    period_name : str, optional
        Name of the period; default the window's name (``name_en`` in English).
    lang
        {"zh", "en"}
    mask_below : int, optional
        Counts below it are written ``*`` (and their change is not written).
    place : str, optional
        Who counts: default the districts the comparison was filtered to, else 全市 / "the city".

    Returns
    -------
    str
        One sentence in ``lang``, counts masked below ``mask_below``.
    """
    row = cmp.total
    mode = cmp.baseline.mode
    en = lang == "en"
    masked_cur = hidden(row, "current", mask_below)
    n = "*" if masked_cur else fmt_count(row["current"], mask_below)
    mean = "*" if masked_cur else f"{float(row['current_daily_mean']):,.1f}"
    per_day = cmp.window.exposure_days > 1
    change = change_phrase(row, mode, lang, mask_below=mask_below, with_baseline=True)
    hedge = _hedge(row, lang, strong=True) if change else ""
    kw = _kind_word(cmp, lang)
    cats = (cmp.filters or {}).get("categories")
    if cats:  # a filtered headline says what it counts: 全市共接报火灾警情17起
        kw = (f"{', '.join(category_label(c, 'en') for c in cats)} {kw}" if en
              else "、".join(cats) + ("" if cats[-1].endswith(("警情", "案件")) else kw))
    districts = (cmp.filters or {}).get("districts")
    if place is None and districts:
        place = ("、" if not en else ", ").join(districts)
    if en:
        who = place or "the city"
        verb = "recorded" if kw.endswith("cases") else "received"
        text = f"{_period_label(cmp.window, period_name, 'en')} {who} {verb} {n} {kw}"
        text += f", {mean} a day" if per_day else ""
        return text + (f", {change}{hedge}." if change else ".")
    who = place or "全市"
    verb = "共发生" if kw.endswith("案件") else "共接报"
    text = f"{_period_label(cmp.window, period_name, 'zh')}{who}{verb}{kw}{n}起"
    text += f"，日均{mean}起" if per_day else ""
    return text + (f"，{change}{hedge}。" if change else "。")


def _zero_both(r: pd.Series) -> bool:
    return float(r["current"]) == 0 and float(r["baseline"]) == 0


def _invalid_apart(cmp: Comparison) -> bool:
    """Incidents by category with 无效 among them: the invalid calls are written apart from the movers."""
    return ("category" in cmp.by and len(cmp.by) == 1 and set(cmp.kinds) == {"警情"}
            and (cmp.rows["category"] == "无效").any() and float(cmp.total["current"]) > 0)


def _overall_lines(cmp: Comparison, lang: str, mask_below: int | None) -> list[str]:
    """``其中有效警情8,901起，占72.1%；无效警情3,000起，同比下降3.2%，变化不显著。`` (empty without 无效)."""
    if not _invalid_apart(cmp):
        return []
    en, rows, total = lang == "en", cmp.rows, float(cmp.total["current"])
    invalid = rows[rows["category"] == "无效"]
    r = invalid.iloc[0]
    if any(hidden(x, "current", mask_below) for _, x in invalid.iterrows()):
        return []
    v = fmt_count(total - float(invalid["current"].sum()), mask_below)
    if v in ("*", "—"):
        return []
    share = fmt_pct((total - float(invalid["current"].sum())) / total * 100)
    change = change_phrase(r, cmp.baseline.mode, lang, mask_below=mask_below)
    verdict = ""
    if change and not _flat(r):
        verdict = ((", significant" if en else "，变化显著") if bool(r["significant"])
                   else not_significant_words(bool(r.get("powered", True)), lang))
    n = fmt_count(r["current"], mask_below)
    if en:
        return [f"Valid calls: {v} ({share}); invalid calls: {n}" + (f", {change}{verdict}." if change else ".")]
    return [f"其中有效警情{v}起，占{share}；无效警情{n}起" + (f"，{change}{verdict}。" if change else "。")]


def _ranking_line(cmp: Comparison, groups: pd.DataFrame, lang: str, mask_below: int | None) -> str:
    """The largest group, ties named: ``从类别看，治安警情最多（2,345起）。`` / ``…、…并列第一（各2,345起）。``"""
    if len(groups) < 2:
        return ""
    top = float(groups["current"].max())
    first = groups[groups["current"] == top]
    if top <= 0 or any(hidden(r, "current", mask_below) for _, r in first.iterrows()):
        return ""
    names = [_subject(r, cmp, lang) for _, r in first.iterrows()]
    n = fmt_count(top, mask_below)
    dim = cmp.by[-1] if cmp.by else ""
    if lang == "en":
        by = f"By {dimension_words(dim, 'en', plural=False)}, "
        if len(names) == 1:
            return f"{by}the most were {names[0]} ({n})."
        return f"{by}{join_names(names, 'en')} tie for first ({n} each)."
    if len(names) == 1:
        return f"从{dimension_words(dim)}看，{names[0]}最多（{n}起）。"
    return f"从{dimension_words(dim)}看，{join_names(names)}并列第一（各{n}起）。"


def category_sentences(cmp: Comparison, lang: str = "zh", mask_below: int | None = None) -> str:
    """The groups of a comparison as a 通报 says them: the overall line, the significant movers, then the rest.

    1. For incidents by category, the valid and the invalid calls apart: ``其中有效警情8,901起，占72.1%；无效警情
       3,000起，同比下降3.2%，变化不显著。``
    2. The largest group, ties named: ``从类别看，治安警情最多（2,345起）。`` / ``刑事警情、治安警情并列第一（各
       2,345起）。``
    3. The movers, the groups the comparison table marks ``▲/▼ 显著`` (Benjamini–Hochberg adjusted), rises then
       falls, each by the size of its change of the daily rate: ``变化显著的有：火灾警情213起，同比由4起增至213起；
       交通警情1,987起，同比上升11.2%；治安警情2,345起，同比下降8.4%。``
    4. The rest in one clause, never one by one (:func:`stats_lib.report.words.others_words`):
       ``其余类别变化均不显著。`` / ``其余类别中，纠纷警情样本量小，尚不能判断，其他变化均不显著。``

    Groups zero in both windows are left out; a group with a masked count is no mover and is named as not
    compared. Empty string when there are no groups.

    Returns
    -------
    str
    """
    en = lang == "en"
    mode = cmp.baseline.mode
    rows = cmp.rows
    if _invalid_apart(cmp):
        rows = rows[rows["category"] != "无效"]
    groups = rows[[not _zero_both(r) for _, r in rows.iterrows()]]
    out = _overall_lines(cmp, lang, mask_below)
    if groups.empty:
        return " ".join(out) if en else "".join(out)
    rank = _ranking_line(cmp, groups, lang, mask_below)
    out += [rank] if rank else []
    movers, powered, unpowered, hid = [], [], [], []
    for _, r in groups.iterrows():
        name = _subject(r, cmp, lang)
        change = change_phrase(r, mode, lang, mask_below=mask_below)
        if _masked(r, mask_below) or not change:
            hid.append(name)
        elif bool(r["significant"]) and not _flat(r):
            step = abs(float(r["current_daily_mean"]) - float(r["baseline_daily_mean"]))
            n = fmt_count(r["current"], mask_below)
            movers.append((r["direction"] != "up", -step, f"{name} {n}, {change}" if en else f"{name}{n}起，{change}"))
        elif bool(r.get("powered", True)) or _flat(r):
            powered.append(name)
        else:
            unpowered.append(name)
    movers.sort(key=lambda m: (m[0], m[1]))  # rises first, then falls; the largest change first (stable on ties)
    clauses = [m[2] for m in movers]
    if len(clauses) == 1:
        text = clauses[0] + (", significant." if en else "，变化显著。")
        out.append(text[:1].upper() + text[1:] if en else text)
    elif clauses:
        out.append("Significant changes: " + "; ".join(clauses) + "." if en else "变化显著的有：" + "；".join(clauses) + "。")
    dim = cmp.by[-1] if cmp.by else ""
    rest = others_words(dimension_words(dim, lang), powered, unpowered, hid, movers=bool(movers), lang=lang)
    out += [rest] if rest else []
    return " ".join(out) if en else "".join(out)


def paragraph(cmp: Comparison, by_group: Comparison | None = None, *, period_name: str | None = None,
              lang: str = "zh", mask_below: int | None = None, place: str | None = None) -> str:
    """The overview paragraph: :func:`headline` of ``cmp``, then :func:`category_sentences` of ``by_group``.

    ``by_group`` defaults to ``cmp`` itself when it is grouped (``compare(..., by="category")`` gives both
    the total row and the categories in one result).

    Returns
    -------
    str
    """
    head = headline(cmp, period_name=period_name, lang=lang, mask_below=mask_below, place=place)
    groups = by_group if by_group is not None else (cmp if cmp.by else None)
    if groups is None:
        return head
    rest = category_sentences(groups, lang=lang, mask_below=mask_below)
    if not rest:
        return head
    return f"{head} {rest}" if lang == "en" else head + rest


def _day(d: object, lang: str) -> str:
    ts = pd.Timestamp(d)
    return f"{ts.day} {ts:%b}" if lang == "en" else f"{ts.month}月{ts.day}日"


def anomaly_skipped(error: Exception, lang: str = "zh") -> str:
    """The sentence saying why no day was checked for anomalies, in the reader's words.

    Parameters
    ----------
    error : Exception
        What anomaly detection raised: a :class:`~stats_lib.errors.HistoryError` (too little history) or
        another input error (no day in the window).
    lang : {"zh", "en"}
        Language of the sentence.

    Returns
    -------
    str
        ``统计时段（1月21日起）前仅有20天数据，少于异常检测所需的56天，未做异常检测。`` /
        ``Only 20 days of data before the period (from 21 Jan); anomaly detection needs 56, so no day was
        checked.``; without the numbers: ``数据不足，未做异常检测。`` / ``Not enough data to check for
        anomalies.``
    """
    need, have, start = (getattr(error, k, None) for k in ("need", "have", "start"))
    if need is None or have is None or start is None:
        return "Not enough data to check for anomalies." if lang == "en" else "数据不足，未做异常检测。"
    day = _day(start, lang)
    if lang == "en":
        return (f"Only {have} day{'s' if have != 1 else ''} of data before the period (from {day}); anomaly "
                f"detection needs {need}, so no day was checked.")
    return f"统计时段（{day}起）前仅有{have}天数据，少于异常检测所需的{need}天，未做异常检测。"


def anomaly_sentences(flags: pd.DataFrame, lang: str = "zh", mask_below: int | None = None,
                      kind: str = "警情") -> list[str]:
    """One sentence per flagged day (the rows of :func:`stats_lib.anomaly.flag_anomalies`).

    ``1月28日交通警情183起，高于预期上限（预期96起，上限121起）。`` /
    ``28 Jan: 183 traffic incidents, above the expected upper limit (expected 96, limit 121).``

    Returns
    -------
    list
        list of str
    """
    out = []
    for _, r in flags.iterrows():
        if r["flag"] not in ("high", "low"):
            continue
        high = r["flag"] == "high"
        group = str(r["group"])
        lim = r["upper"] if high else r["lower"]
        obs = fmt_count(r["observed"], mask_below)
        exp, lim_s = fmt_count(round(float(r["expected"])), mask_below), fmt_count(lim, mask_below)
        if lang == "en":
            what = "incidents" if group == TOTAL else _en_subject(group, kind)
            side = "above the expected upper" if high else "below the expected lower"
            out.append(f"{_day(r['date'], 'en')}: {obs} {what}, {side} limit (expected {exp}, limit {lim_s}).")
        else:
            what = kind if group == TOTAL else (group if group.endswith(("警情", "案件")) else group + kind)
            side = "高于预期上限" if high else "低于预期下限"
            out.append(f"{_day(r['date'], 'zh')}{what}{obs}起，{side}（预期{exp}起，{'上限' if high else '下限'}"
                       f"{lim_s}起）。")
    return out


def _en_subject(group: str, kind: str) -> str:
    low = sentence_label(group, "en")
    return low if low.endswith("s") else f"{low} {'cases' if kind == '案件' else 'incidents'}"


def zero_sentence(zero: pd.DataFrame, lang: str = "zh", kind: str = "警情") -> str:
    """零发案 in one sentence from :func:`stats_lib.compare.zero_districts`.

    ``江北县、临河县刑事警情零发案；东城区火灾警情零发案。`` / ``No criminal incidents in 江北县, 临河县; …``.
    Empty string when the frame is empty.

    Returns
    -------
    str
    """
    if zero.empty:
        return ""
    dim = next((c for c in zero.columns if c != "district"), None)
    parts = []
    groups = zero.groupby(dim, sort=False)["district"] if dim else [("", zero["district"])]
    for g, ds in groups:
        names = [category_label(d, lang) for d in ds] if lang == "en" else list(ds)  # （已屏蔽） → (redacted)
        if lang == "en":
            what = _en_subject(str(g), kind) if g else ("cases" if kind == "案件" else "incidents")
            parts.append(f"no {what} in {', '.join(names)}")
        else:
            what = (str(g) if str(g).endswith(("警情", "案件")) else f"{g}{kind}") if g else kind
            parts.append(f"{'、'.join(names)}{what}零发案")
    if lang == "en":
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "."
    return "；".join(parts) + "。"
