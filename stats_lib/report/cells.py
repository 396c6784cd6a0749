"""The cells, labels and small helpers that every section builder shares (in the report language).

Each function takes the :class:`stats_lib.report.context.Context` and formats through
:mod:`stats_lib.report.words`; hidden counts are read through :func:`stats_lib.report.masking.hidden`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.report import chart_native
from stats_lib.report.comparison_table import length_heads
from stats_lib.report.formats import date_text, fmt_count, fmt_signed, masked, signed_pct
from stats_lib.report.labels import category_label
from stats_lib.report.masking import hidden
from stats_lib.report.section_types import Table
from stats_lib.report.words import length_note, pct_phrase, unequal_lengths

if TYPE_CHECKING:  # pragma: no cover
    from stats_lib.report.context import Context

__all__ = ["flagged", "TITLES", "FEST_ZH", "FEST_EN", "LUNAR_DAYS", "KIND_EN", "NIGHT_SLUGS", "is_zh", "tr", "section_title", "cell_count", "pct_text", "change_text", "sig_text", "share_text", "group_label", "comparison_frame", "comparison_data", "comparison_table", "sig_note", "lengths_differ",
           "table_note", "ctx_date", "day_name", "close_figure", "group_rows", "total_row", "window_text", "bar_input", "native_data", "native_bar", "paren", "change_words", "key_day_label", "int_or_none"]

TITLES = {
    "overview": ("一、总体情况", "1. Overview"),
    "categories": ("二、分类{kind}", "2. {kind} by category"),
    "daily": ("三、每日走势", "3. Daily trend"),
    "hourly": ("四、时段分布", "4. Time of day"),
    "districts": ("五、辖区分布", "5. Districts"),
    "key_days": ("六、重点时段", "6. Key days"),
    "anomalies": ("七、异常提示", "7. Anomalies"),
    "forecast": ("八、节日预测", "8. Holiday forecast"),  # optional; numbered in order shown (collect.section)
    "data_notes": ("八、数据说明", "8. Data notes"),
}

FEST_ZH = {"除夕": "除夕", "春节": "春节", "元宵": "元宵节", "清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
FEST_EN = {"除夕": "Lunar New Year's Eve", "春节": "Spring Festival", "元宵": "Lantern Festival",
            "清明": "Qingming", "端午": "Dragon Boat Festival", "中秋": "Mid-Autumn Festival",
            **{n: f"Lunar New Year day {i}" for i, n in enumerate(["初二", "初三", "初四", "初五", "初六", "初七"], start=2)}}
LUNAR_DAYS = ["初一", "初二", "初三", "初四", "初五", "初六", "初七"]
KIND_EN = {"警情": "Incidents", "案件": "Cases"}
#: File names of the festival-night charts (stable across reports).
NIGHT_SLUGS = {"除夕": "chuxi", "元宵": "yuanxiao"}


def is_zh(ctx: Context) -> bool:
    return ctx.lang != "en"


def tr(ctx: Context, zh: str, en: str) -> str:
    return zh if is_zh(ctx) else en


def section_title(ctx: Context, key: str) -> str:
    zh, en = TITLES[key]
    return (zh if is_zh(ctx) else en).format(kind=ctx.kind if is_zh(ctx) else KIND_EN.get(ctx.kind, ctx.kind))


def cell_count(n: object, mask_below: int | None) -> object:
    """A count for a table cell: a number (int, or float rounded to 0.1), or ``*`` when masked."""
    if n is None or (isinstance(n, float) and np.isnan(n)):
        return None
    if masked(n, mask_below):
        return "*"
    f = float(n)
    return int(round(f)) if f == round(f) else round(f, 1)


def pct_text(row: pd.Series, ctx: Context) -> str:
    """同比 cell: ``+3.1%``, ``持平``, the small-count words ``由4起增至213起``, or ``*`` when masked."""
    cur, base = row["current"], row["baseline"]
    if hidden(row, "current", ctx.mask_below) or hidden(row, "baseline", ctx.mask_below):
        return "*"
    pct = row.get("pct_change")
    if pct is None or (isinstance(pct, float) and np.isnan(pct)):
        if float(cur) == float(base):
            return tr(ctx, "持平", "unchanged")
        a, b = fmt_count(base, ctx.mask_below), fmt_count(cur, ctx.mask_below)
        if float(cur) > float(base):
            return tr(ctx, f"由{a}起增至{b}起", f"from {a} to {b}")
        return tr(ctx, f"由{a}起降至{b}起", f"from {a} to {b}")
    return signed_pct(float(pct), row.get("direction"))


def change_text(row: pd.Series, ctx: Context) -> str:
    if hidden(row, "current", ctx.mask_below) or hidden(row, "baseline", ctx.mask_below):
        return "*"
    return fmt_signed(float(row["change"]), 0 if float(row["change"]) == round(float(row["change"])) else 1)


def sig_text(row: pd.Series, ctx: Context) -> str:
    if not bool(row.get("significant", False)):
        return "—"
    up = float(row["current"]) / max(float(row["current_days"]), 1e-9) > \
        float(row["baseline"]) / max(float(row["baseline_days"]), 1e-9)
    return ("▲ " if up else "▼ ") + tr(ctx, "显著", "significant")


def share_text(row: pd.Series) -> str:
    s = row.get("share")
    if s is None or (isinstance(s, float) and np.isnan(s)):
        return "—"
    return f"{float(s):.1f}%"  # compare gives percent


def group_label(value: object, ctx: Context) -> str:
    """A group as the reader sees it: the Chinese name, or its English label (taxonomy) with lang="en"."""

    return category_label(value, ctx.lang, taxonomy=ctx.taxonomy)


def lengths_differ(rows: pd.DataFrame | list[pd.Series]) -> bool:
    """True when any comparison row's current window and baseline differ in length (天数)."""
    recs = [r for _, r in rows.iterrows()] if isinstance(rows, pd.DataFrame) else list(rows)
    return any(unequal_lengths(r["current_days"], r["baseline_days"]) for r in recs)


def _with_lengths(rec: dict, r: pd.Series, ctx: Context, *, current: str, base: str, per_day: str,
                  hc: bool, hb: bool, as_text: bool) -> dict:
    """``rec`` with the two lengths and the two daily means inserted after 本期 and after the baseline.

    ``per_day`` (the 日均 column) becomes 本期日均; a hidden count hides its daily mean too.
    """
    h = length_heads("zh" if is_zh(ctx) else "en")
    d1, m1, d2, m2 = h.current_days, h.current_mean, h.baseline_days, h.baseline_mean
    hidden_cell = "*" if as_text else None
    out: dict = {}
    for k, v in rec.items():
        if k == per_day:
            continue
        out[k] = v
        if k == current:
            out[d1] = cell_count(r["current_days"], None)
            out[m1] = hidden_cell if hc else round(float(r["current_daily_mean"]), 1)
        elif k == base:
            out[d2] = cell_count(r["baseline_days"], None)
            out[m2] = hidden_cell if hb else round(float(r["baseline_daily_mean"]), 1)
    return out


def comparison_frame(cmp, ctx: Context, first: str) -> pd.DataFrame:
    """The reader's table of a comparison: one row per group and the total row last.

    Columns (zh): ``first``, 本期, 日均, <baseline name>, 增减, 同比, 占比, 显著性. Counts are numbers
    (``*`` when masked); the other cells are text as printed (``+3.1%``, ``由4起增至213起``, ``▲ 显著``).
    When the windows differ in length (:func:`lengths_differ`): ``first``, 本期, 本期天数, 本期日均,
    <baseline name>, 对比期天数, 对比期日均, 增减, 同比, 占比, 显著性.
    """
    t = cmp.table
    base_name = ctx.baseline_name
    unequal = lengths_differ(t)
    rows = []
    for i, (_, r) in enumerate(t.iterrows()):
        is_total = i == len(t) - 1
        hc, hb = hidden(r, "current", ctx.mask_below), hidden(r, "baseline", ctx.mask_below)
        rec = {
            first: tr(ctx, "合计", "Total") if is_total else group_label(r["group"], ctx),
            tr(ctx, "本期", "Current"): "*" if hc else cell_count(r["current"], None),
            tr(ctx, "日均", "Per day"): ("*" if hc else round(float(r["current_daily_mean"]), 1)),
            base_name: "*" if hb else cell_count(r["baseline"], None),
            tr(ctx, "增减", "Change"): change_text(r, ctx),
            tr(ctx, "同比", "% change") if ctx.baseline.mode != "previous" else tr(ctx, "环比", "% change"):
                pct_text(r, ctx),
            tr(ctx, "占比", "Share"): "*" if hc else share_text(r),
            tr(ctx, "显著性", "Significance"): sig_text(r, ctx),
        }
        if unequal:
            rec = _with_lengths(rec, r, ctx, current=tr(ctx, "本期", "Current"), base=base_name,
                                per_day=tr(ctx, "日均", "Per day"), hc=hc, hb=hb, as_text=True)
        rows.append(rec)
    return pd.DataFrame(rows)


def comparison_data(rows: list[tuple[str, pd.Series]], ctx: Context, first: str, *,
                    share: bool = True) -> tuple[pd.DataFrame, dict]:
    """The numbers behind :func:`comparison_frame` for the workbook, and their Excel formats.

    ``rows`` are (label, comparison row). Columns: ``first``, 本期, 日均, <baseline>, 增减 (numbers; empty
    where masked), 同比 (a fraction, ``0.031`` for +3.1%; empty where the text says 持平, 由a起增至b起 or *),
    同比说明 (the wording as printed), 占比 (a fraction), 显著性; with windows of different lengths also
    本期天数, 本期日均 (in place of 日均), 对比期天数 and 对比期日均, as in :func:`comparison_frame`.
    """
    pct = tr(ctx, "同比", "% change") if ctx.baseline.mode != "previous" else tr(ctx, "环比", "% change")
    base_name, mb = ctx.baseline_name, ctx.mask_below
    unequal = lengths_differ([r for _, r in rows])
    out = []
    for label, r in rows:
        hc, hb = hidden(r, "current", mb), hidden(r, "baseline", mb)
        p = r.get("pct_change")
        rec = {
            first: label,
            tr(ctx, "本期", "Current"): None if hc else int(round(float(r["current"]))),
            tr(ctx, "日均", "Per day"): None if hc else round(float(r["current_daily_mean"]), 1),
            base_name: None if hb else round(float(r["baseline"]), 1),
            tr(ctx, "增减", "Change"): None if hc or hb else round(float(r["change"]), 1),
            pct: None if hc or hb or p is None or np.isnan(float(p)) else round(float(p) / 100, 4),
            pct + tr(ctx, "（说明）", " (as printed)"): pct_text(r, ctx),
        }
        if share:
            s_ = r.get("share")
            rec[tr(ctx, "占比", "Share")] = (None if hc or s_ is None or np.isnan(float(s_))
                                            else round(float(s_) / 100, 4))
        rec[tr(ctx, "显著性", "Significance")] = sig_text(r, ctx)
        if unequal:
            rec = _with_lengths(rec, r, ctx, current=tr(ctx, "本期", "Current"), base=base_name,
                                per_day=tr(ctx, "日均", "Per day"), hc=hc, hb=hb, as_text=False)
        out.append(rec)
    formats = {tr(ctx, "本期", "Current"): "#,##0", tr(ctx, "日均", "Per day"): "#,##0.0", base_name: "#,##0.#",
               tr(ctx, "增减", "Change"): "+#,##0.#;-#,##0.#;0", pct: "+0.0%;-0.0%;0.0%",
               tr(ctx, "占比", "Share"): "0.0%"}
    if unequal:
        h = length_heads("zh" if is_zh(ctx) else "en")
        formats.update({h.current_days: "#,##0.#", h.current_mean: "#,##0.0", h.baseline_days: "#,##0.#",
                        h.baseline_mean: "#,##0.0"})
    return pd.DataFrame(out), formats


def comparison_table(slug: str, title: str, cmp, ctx: Context, first: str) -> Table:
    """A comparison as a :class:`Table`: :func:`comparison_frame` to read, :func:`comparison_data` behind it."""
    t = cmp.table
    labels = [tr(ctx, "合计", "Total") if i == len(t) - 1 else group_label(g, ctx) for i, g in enumerate(t["group"])]
    data, formats = comparison_data([(lab, r) for lab, (_, r) in zip(labels, t.iterrows())], ctx, first)
    return Table(slug, title, comparison_frame(cmp, ctx, first), table_note(t, ctx), data=data, formats=formats)


def table_note(table: pd.DataFrame, ctx: Context) -> str:
    """The note under a comparison table: :func:`sig_note`, after the length note when the windows differ."""
    if not lengths_differ(table):
        return sig_note(ctx)
    tot = table.iloc[-1]
    return length_note(tot["current_days"], tot["baseline_days"], ctx.lang) + " " + sig_note(ctx)


def sig_note(ctx: Context) -> str:
    mb = ctx.min_base
    return tr(ctx, "「▲ 显著」「▼ 显著」：经多项比较校正（Benjamini–Hochberg，校正范围为本表各行，合计行单独检验）后 p < 0.05"
                   f"（率比区间未校正）。本期或对比期（按本期天数折算）小于{mb}起时不计算百分比。",
              "'▲/▼ significant': p < 0.05 after correction for multiple comparisons (Benjamini–Hochberg over the "
              "rows of this table; the total is tested on its own; intervals are not adjusted). No percentage is "
              f"given when the current count or the baseline (scaled to the current window's days) is below {mb}.")


def ctx_date(d: dt.date, ctx: Context, *, year: bool = False) -> str:
    return date_text(d, ctx.lang, year=year)


def day_name(d: dt.date, ctx: Context) -> str:
    """The festival a date is (``除夕``, ``春节``, ``元宵节`` …), or '' — from calendar.festivals."""
    names = ctx.festival_days.get(d)
    if not names:
        return ""
    return (FEST_ZH if is_zh(ctx) else FEST_EN).get(names, names)


def close_figure(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def group_rows(cmp) -> pd.DataFrame:
    """Group rows of a comparison (the total row, last, dropped)."""
    return cmp.table.iloc[:-1]


def total_row(cmp) -> pd.Series:
    return cmp.table.iloc[-1]


def window_text(w, ctx: Context) -> str:
    """``2023年1月21日（除夕）至2月5日（元宵节）`` — the window's dates with their festival names."""
    def one(d: dt.date, year: bool, hour: int | None) -> str:
        s = ctx_date(d, ctx, year=year)
        if hour is not None:
            s += tr(ctx, f"{hour}时", f" {hour:02d}:00")
        name = day_name(d, ctx)
        return s + (tr(ctx, f"（{name}）", f" ({name})") if name else "")

    hours = not w.whole_days
    left = one(w.start, True, w.start_hour if hours else None)
    if w.start == w.end and not hours:
        return left
    right = one(w.end, w.end.year != w.start.year or not is_zh(ctx), w.end_hour if hours else None)
    return left + tr(ctx, "至", " to ") + right


def bar_input(cmp, ctx: Context) -> pd.DataFrame:
    """Plain frame for the bar charts: group (label), current, baseline, pct_change, significant."""
    r = group_rows(cmp)
    return pd.DataFrame({
        "group": [group_label(g, ctx) for g in r["group"]],
        "current": r["current"].astype(float).to_numpy(),
        "baseline": r["baseline"].astype(float).to_numpy(),
        "pct_change": r["pct_change"].astype(float).to_numpy(),
        "significant": r["significant"].astype(bool).to_numpy(),
        "hide_current": [hidden(x, "current", ctx.mask_below) for _, x in r.iterrows()],
        "hide_baseline": [hidden(x, "baseline", ctx.mask_below) for _, x in r.iterrows()],
    })


def native_data(kind: str, categories, series: dict, ctx: Context) -> dict:
    """Data for an editable PowerPoint chart; masked counts become empty points (chart_native.native_bar/line)."""
    make = chart_native.native_bar if kind == "bar" else chart_native.native_line
    return make([str(x) for x in categories], series, lang=ctx.lang, mask_below=ctx.mask_below)


def native_bar(frame: pd.DataFrame, ctx: Context) -> dict:
    """Native bar data; a hidden count is an empty point (never its true value)."""
    cur = [None if h else v for v, h in zip(frame["current"], frame["hide_current"])]
    base = [None if h else v for v, h in zip(frame["baseline"], frame["hide_baseline"])]
    return native_data("bar", frame["group"], {tr(ctx, "本期", "Current"): cur, ctx.baseline_name: base}, ctx)


def paren(name: str, ctx: Context) -> str:
    return tr(ctx, f"（{name}）", f" ({name})") if name else ""


def change_words(row: pd.Series, ctx: Context) -> str:
    """``同比上升14.8%`` / ``up 14.8%`` / the small-count words, for a comparison row."""
    txt = pct_text(row, ctx)
    if txt in ("*", "持平", "unchanged") or txt.startswith(("由", "from")):
        return txt if txt != "*" else tr(ctx, "变化幅度不公开", "change masked")
    direction = row.get("direction") or ("up" if float(row["current"]) > float(row["baseline"]) else "down")
    return tr(ctx, f"{ctx.change_word}{pct_phrase(float(row['pct_change']), direction, 'zh')}",
              pct_phrase(float(row["pct_change"]), direction, "en"))


def key_day_label(name: str, ctx: Context) -> str:
    if is_zh(ctx):
        return {"元宵": "元宵节"}.get(name, name)
    en = {"除夕": "Lunar New Year's Eve", "元宵": "Lantern Festival", "清明": "Qingming", "端午": "Dragon Boat",
          "中秋": "Mid-Autumn"}
    if name in LUNAR_DAYS:
        return "Spring Festival" if name == "初一" else f"Lunar New Year day {LUNAR_DAYS.index(name) + 1}"
    return en.get(name, name)


def int_or_none(v: object) -> int | None:
    try:
        return int(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def flagged(ctx: Context, *, total_only: bool = False) -> pd.DataFrame:
    """The flagged days of the anomaly check (``flag`` high/low); only the total series with ``total_only``."""
    a = ctx.anomalies
    if a is None or a.empty:
        return pd.DataFrame(columns=["date", "group", "observed", "expected", "lower", "upper", "p_value", "flag"])
    a = a[a["flag"].astype(str).isin(["high", "low"])]
    if total_only:
        a = a[a["group"].astype(str).isin(["", "合计", "total", "Total"])]
    return a
