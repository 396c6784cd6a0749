"""The text table of ``briefing compare``: a comparison as Markdown, with its header and notes."""

from __future__ import annotations

import math

from stats_lib.report.words import (
    MINUS,
    baseline_name,
    category_label,
    change_word,
    fmt_int,
    fmt_mean,
    fmt_pct,
    length_heads,
    length_note,
    signed_pct,
    small_words,
    unequal_lengths,
)
from stats_lib.safe import md_cell
from stats_lib.stats.compare import TOTAL, Comparison

__all__ = ["format_table"]


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

    Returns
    -------
    str
    """
    en = lang == "en"
    mode = result.baseline.mode
    dim_names = {"category": ("类别", "Category"), "subcategory": ("细类", "Subcategory"),
                 "district": ("辖区", "District"), "kind": ("类型", "Kind")}
    first = " / ".join(dim_names[d][1 if en else 0] for d in result.by) or ("Group" if en else "项目")
    bname = baseline_name(mode, lang, short=True)
    pct_head = ("% change" if en else change_word(mode) or "同比")
    head = ([first, "Current", bname, "Change", pct_head, "Share", "Significance"] if en
            else [first, "本期", bname, "增减", pct_head, "占比", "显著性"])
    tot = result.table.iloc[-1]
    unequal = unequal_lengths(tot["current_days"], tot["baseline_days"])
    if unequal:
        d1, m1, d2, m2 = length_heads(lang)
        head = head[:2] + [d1, m1, head[2], d2, m2] + head[3:]
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

