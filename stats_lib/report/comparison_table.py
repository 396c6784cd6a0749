"""The text table of ``briefing compare``: a comparison as Markdown, with its header and notes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from stats_lib.report.formats import MINUS, fmt_int, fmt_mean, fmt_pct, signed_pct
from stats_lib.report.labels import category_label
from stats_lib.report.words import (
    baseline_name,
    change_word,
    length_note,
    pct_phrase,
    small_words,
    unequal_lengths,
)
from stats_lib.safe import md_cell
from stats_lib.stats.compare import TOTAL, Comparison

__all__ = ["format_table", "comparison_csv", "LengthHeads", "length_heads"]


@dataclass(frozen=True)
class LengthHeads:
    """Column heads of the two windows' lengths and daily means (:func:`length_heads`), in the report language.

    Attributes
    ----------
    current_days : str
        Head of the current window's length (本期天数 / Current days).
    current_mean : str
        Head of its daily mean (本期日均, events a day).
    baseline_days : str
        Head of the baseline's length (对比期天数).
    baseline_mean : str
        Head of the baseline's daily mean (对比期日均, events a day).
    """

    current_days: str
    current_mean: str
    baseline_days: str
    baseline_mean: str


def length_heads(lang: str = "zh") -> LengthHeads:
    """Column heads of the two lengths and daily means: 本期天数, 本期日均, 对比期天数, 对比期日均.

    Parameters
    ----------
    lang : {"zh", "en"}
        Language of the heads (``Days``, ``Per day``, ``Baseline days``, ``Baseline per day``).

    Returns
    -------
    LengthHeads
        ``current_days``, ``current_mean``, ``baseline_days`` and ``baseline_mean``.
    """
    if lang == "en":
        return LengthHeads("Days", "Per day", "Baseline days", "Baseline per day")
    return LengthHeads("本期天数", "本期日均", "对比期天数", "对比期日均")


#: Column names of the grouping dimensions: (Chinese, English).
DIM_NAMES = {"category": ("类别", "Category"), "subcategory": ("细类", "Subcategory"),
             "district": ("辖区", "District"), "kind": ("类型", "Kind")}


def _masked(v: float, mask_below: int | None) -> bool:
    return mask_below is not None and v is not None and not (isinstance(v, float) and math.isnan(v)) \
        and float(v) < mask_below


def format_table(result: Comparison, lang: str = "zh", *, mask_below: int | None = None) -> str:
    """A comparison as a Markdown table for reading (terminal, notes), with its header and notes.

    Columns (zh): 类别 (or 辖区 …), 本期, the baseline's name, 增减, 同比 (环比), 占比, 显著性 (``▲ 显著`` /
    ``▼ 显著`` / ``—``). Counts get thousands separators, percentages one decimal; below ``min_base`` the
    change reads ``由a起增至b起``; counts below ``mask_below`` show as ``*`` (and their changes too).
    When the two windows differ in length, four more columns show both lengths and both daily means
    (本期天数, 本期日均 after 本期; 对比期天数, 对比期日均 after the baseline) and a line under the table says
    that 增减 is the current count minus the baseline scaled to the current window's length.

    Parameters
    ----------
    result : Comparison
        The comparison (:func:`stats_lib.stats.compare.compare`), its total row last.
    lang : str, default 'zh'
        ``zh`` or ``en``.
    mask_below : int | None, default None
        Counts below it are written ``*``; None masks nothing.

    Returns
    -------
    str
        The header, the Markdown table and the notes, one line each.
    """
    en = lang == "en"
    mode = result.baseline.mode
    dim_names = DIM_NAMES
    first = " / ".join(dim_names[d][1 if en else 0] for d in result.by) or ("Group" if en else "项目")
    bname = baseline_name(mode, lang, short=True)
    pct_head = ("% change" if en else change_word(mode) or "同比")
    head = ([first, "Current", bname, "Change", pct_head, "Share", "Significance"] if en
            else [first, "本期", bname, "增减", pct_head, "占比", "显著性"])
    tot = result.table.iloc[-1]
    unequal = unequal_lengths(tot["current_days"], tot["baseline_days"])
    if unequal:
        h = length_heads(lang)
        head = head[:2] + [h.current_days, h.current_mean, head[2], h.baseline_days, h.baseline_mean] + head[3:]
    lines = [
        (f"Window: {result.window.label('en')} ({fmt_int(result.window.exposure_days)} days)" if en
         else f"统计时段：{result.window.label()}（{fmt_int(result.window.exposure_days)}天）"),
        (f"Baseline: {'; '.join(w.label('en') for w in result.baseline.windows)} ({baseline_name(mode, 'en')})"
         if en else f"对比时段：{'；'.join(w.label() for w in result.baseline.windows)}（{baseline_name(mode)}）"),
        (f"Test: {result.test_en}" if en else f"检验方法：{result.test}"),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for r in result.table.to_dict("records"):
        label = " / ".join(category_label(r[d], lang) for d in result.by) if (en and result.by) else r["group"]
        if r["group"] == TOTAL:
            label = "Total" if en else TOTAL
        cur, base = r["current"], r["baseline"]
        hidden = _masked(cur, mask_below) or _masked(base, mask_below)
        cur_s = "*" if _masked(cur, mask_below) else fmt_int(cur)
        base_s = "*" if _masked(base, mask_below) else fmt_int(base)
        if hidden:
            chg_s = pct_s = share_s = "*"
        else:
            chg = r["change"]
            chg_s = ("+" if chg > 0 else MINUS) + fmt_int(abs(chg)) if chg != 0 else "0"
            share_s = fmt_pct(r["share"])
            if math.isnan(r["pct_change"]) and unequal:   # windows of different length: daily means
                pct_s = small_words(r["current_daily_mean"], r["baseline_daily_mean"], lang, per_day=True)
            elif math.isnan(r["pct_change"]):
                pct_s = small_words(cur, base, lang)
            elif r["direction"] == "flat":
                pct_s = "flat" if en else "持平"
            else:
                pct_s = signed_pct(r["pct_change"], r["direction"])
        if r["significant"] and r["direction"] != "flat":
            arrow = "▲" if r["direction"] == "up" else "▼"
            sig = f"{arrow} {'significant' if en else '显著'}"
        else:
            sig = "—"
        cells = [md_cell(label), cur_s, base_s, chg_s, pct_s, share_s, sig]
        if unequal:
            mean1 = "*" if _masked(cur, mask_below) else fmt_mean(r["current_daily_mean"])
            mean2 = "*" if _masked(base, mask_below) else fmt_mean(r["baseline_daily_mean"])
            cells = cells[:2] + [fmt_int(r["current_days"]), mean1, base_s, fmt_int(r["baseline_days"]), mean2] \
                + cells[3:]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if unequal:
        lines.append(length_note(tot["current_days"], tot["baseline_days"], lang))
    if en:
        lines.append(f"'▲ significant': p < {result.alpha:g} after the multiple-comparison correction. "
                     f"No percentage where the current count or the (scaled) baseline is below {result.min_base}.")
        lines += [f"Note: {n}" for n in result.notes_en if not (unequal and "daily means" in n)]
    else:
        lines.append(f"「▲ 显著」：经多项比较校正后 p < {result.alpha:g}。本期或基数（按本期天数折算）小于{result.min_base}起时"
                     "不计算百分比。")
        lines += [f"注：{n}" for n in result.notes if not (unequal and "长度不同" in n)]   # said once, above
    return "\n".join(lines)



def _number(v: object, decimals: int) -> float | int | None:
    """``v`` rounded as the table prints it: a whole number as an int, else ``decimals`` places; None if missing."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    x = round(float(v), decimals)
    return int(x) if float(x).is_integer() else x


def comparison_csv(result: Comparison, lang: str = "zh", *, mask_below: int | None = None) -> pd.DataFrame:
    """The table of :func:`format_table` as a frame for ``briefing compare --format csv``.

    Headers in the report language; numbers are numbers, rounded as the table prints them: counts whole (a
    mean baseline of ``avgN`` to 1 decimal), 日均 and percentages to 1 decimal (``同比（%）`` ``-8.4`` for
    −8.4%; empty where the table gives words), with the wording beside (``同比说明``: ``下降8.4%``,
    ``由4起增至13起``, ``持平``). Columns (zh): one per grouping dimension (类别, 辖区 …; 合计 in the first on
    the total row), 本期, 日均, <baseline>, 增减, 同比（%）, 同比说明, 占比（%）, 显著性; when the windows differ
    in length, 本期天数 after 日均 and 对比期天数, 对比期日均 after the baseline. Counts below
    ``mask_below`` and the cells that would reveal them are empty (and the wording ``*``).

    Parameters
    ----------
    result : Comparison
        The comparison (:func:`stats_lib.stats.compare.compare`), its total row last.
    lang : str, default 'zh'
        ``zh`` or ``en`` (headers and wording).
    mask_below : int | None, default None
        Counts below it are left empty; None masks nothing.

    Returns
    -------
    DataFrame
        One row a group and the total last, the columns above.
    """
    en = lang == "en"
    mode = result.baseline.mode
    dims = [DIM_NAMES.get(d, (d, d))[1 if en else 0] for d in result.by] or (["Group"] if en else ["项目"])
    pct_word = "% change" if en else (change_word(mode) or "同比")
    bname = baseline_name(mode, lang, short=True)
    cur_h, mean_h, chg_h = ("Current", "Per day", "Change") if en else ("本期", "日均", "增减")
    pct_h, words_h = (pct_word, f"{pct_word} (as printed)") if en else (f"{pct_word}（%）", f"{pct_word}说明")
    share_h, sig_h = ("Share (%)", "Significance") if en else ("占比（%）", "显著性")
    tot = result.table[result.table["group"] == TOTAL]
    unequal = len(tot) > 0 and unequal_lengths(tot["current_days"].iloc[0], tot["baseline_days"].iloc[0])
    heads = length_heads(lang)
    days_h, bdays_h, bmean_h = heads.current_days, heads.baseline_days, heads.baseline_mean
    rows = []
    for r in result.table.to_dict("records"):
        total = r["group"] == TOTAL
        rec = {}
        for i, (d, head) in enumerate(zip(result.by or [None], dims)):
            if total:
                rec[head] = ("Total" if en else TOTAL) if i == 0 else ""
            else:
                rec[head] = category_label(r[d], lang) if d else r["group"]  # a blank district: 未知 / Unknown
        cur, base = r["current"], r["baseline"]
        hc, hb = _masked(cur, mask_below), _masked(base, mask_below)
        hidden = hc or hb
        small = isinstance(r["pct_change"], float) and math.isnan(r["pct_change"])
        if hidden:
            words = "*"
        elif small and unequal:   # windows of different length: the daily means
            words = small_words(r["current_daily_mean"], r["baseline_daily_mean"], lang, per_day=True)
        elif small:
            words = small_words(cur, base, lang)
        else:
            words = pct_phrase(r["pct_change"], r["direction"], lang)
        sig = "—"
        if r["significant"] and r["direction"] != "flat":
            sig = f"{'▲' if r['direction'] == 'up' else '▼'} {'significant' if en else '显著'}"
        rec.update({
            cur_h: None if hc else _number(cur, 0),
            mean_h: None if hc else _number(r["current_daily_mean"], 1),
            **({days_h: _number(r["current_days"], 1)} if unequal else {}),
            bname: None if hb else _number(base, 1),
            **({bdays_h: _number(r["baseline_days"], 1),
                bmean_h: None if hb else _number(r["baseline_daily_mean"], 1)} if unequal else {}),
            chg_h: None if hidden else _number(r["change"], 1),
            pct_h: None if hidden or small else _number(r["pct_change"], 1),
            words_h: words,
            share_h: None if hc else _number(r["share"], 1),
            sig_h: sig,
        })
        rows.append(rec)
    return pd.DataFrame(rows)
