"""The sections of the situation briefing, one builder per section, testable without a kernel.

Each builder takes the :class:`stats_lib.briefing.Context` made by :func:`stats_lib.briefing.prepare`
and returns a :class:`Section`: a heading in the report language, paragraphs of plain text, tables
(DataFrames whose headers are in the report language, as the reader sees them) and charts (matplotlib
Figures, with ``native`` data for an editable PowerPoint chart when the chart is a simple bar or line).
A section with nothing to show says so in one sentence instead of failing.

Counts below ``ctx.mask_below`` are shown as ``*`` in the text, the tables and the chart labels; a
change or a percentage derived from a masked count is masked too.

The builders of the time sections live in :mod:`stats_lib.report.sections_time`, that of 八、数据说明 in
:mod:`stats_lib.report.sections_notes`; this module re-exports them and lists all in :data:`SECTIONS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.calendar.periods import period_title
from stats_lib.report.cells import (
    TITLES,
    bar_input,
    ctx_date,
    day_name,
    flagged,
    group_label,
    group_rows,
    is_zh,
    native_bar,
    paren,
    section_title,
    tr,
    window_text,
)
from stats_lib.report.charts import category_bars, district_bars
from stats_lib.report.comparison_cells import (
    cell_count,
    change_words,
    comparison_data,
    comparison_frame,
    comparison_table,
    table_note,
)
from stats_lib.report.forecast_section import holiday_forecast
from stats_lib.report.formats import fmt_count, fmt_p, masked
from stats_lib.report.labels import sentence_label
from stats_lib.report.section_types import Chart, Section, Table, table_html
from stats_lib.report.sections_notes import data_notes, ledger_table
from stats_lib.report.sections_time import (
    daily,
    daily_series,
    hourly,
    hourly_profiles,
    key_day_table,
    key_days,
    night_counts,
)
from stats_lib.windows import today_shanghai

if TYPE_CHECKING:  # pragma: no cover
    from stats_lib.report.context_types import Context

__all__ = ["Section", "Table", "Chart", "TITLES", "SECTIONS", "header", "overview", "categories", "daily", "hourly",
           "districts", "key_days", "anomalies", "data_notes", "focus", "comparison_frame", "comparison_data",
           "daily_series", "hourly_profiles", "night_counts", "key_day_table", "ledger_table", "table_html",
           "window_text", "day_name", "fmt_count", "masked"]


def header(ctx: Context) -> Section:
    """The report header: title, 统计时段, 对比时段 (with the mode named), 数据截至, 检验方法.

    Parameters
    ----------
    ctx : Context
        The report's context.

    Returns
    -------
    Section
        The header, level 1, its lines as ``fields``.
    """
    w = ctx.window
    period = period_title(w, ctx.lang)  # 2023年春节假期; a joined holiday by both names: 2023年中秋国庆假期
    place = "、".join(ctx.districts) or ctx.city
    if is_zh(ctx):
        subject = "、".join(ctx.categories) + ctx.kind
        title = f"{place}{period}{subject}形势分析" if period else f"{place}{subject}形势分析（{w.label('zh')}）"
    else:
        title = f"Briefing on {ctx.subject}: " + (f"{period} ({w.label('en')})" if period else w.label("en"))
    days = f"{w.exposure_days:g}"
    cut_hour = w.end_hour if (ctx.cutoff == w.end and not w.whole_days) else 24
    partial = partial_day_hour(ctx)
    if partial is not None:  # the day is not over: say so, with the hour of the last record
        cut_hour = partial
    fields = [
        (tr(ctx, "统计时段", "Period"), window_text(w, ctx) + tr(ctx, f"，共{days}天。", f", {days} day{'' if days == '1' else 's'}.")),
        (tr(ctx, "对比时段", "Compared with"), "；".join(window_text(b, ctx) for b in ctx.baseline.windows)
         + tr(ctx, f"，{ctx.baseline_name}。", f", {ctx.baseline_phrase}.")),
        (tr(ctx, "数据截至", "Data as of"),
         tr(ctx, f"{ctx_date(ctx.cutoff, ctx, year=True)}{cut_hour}时"
                 + ("（当日尚未结束，最后一条记录在此前一小时内，当日数据不完整）。" if partial is not None else "。"),
            f"{cut_hour:02d}:00 on {ctx_date(ctx.cutoff, ctx, year=True)}"
            + (" (the day is not over: its last record is in the hour before; the day is partial)."
               if partial is not None else "."))),
        (tr(ctx, "检验方法", "Test"), ctx.test_text),
    ]
    notes = []
    if ctx.districts or ctx.categories:
        sel = "、".join(list(ctx.districts or []) + list(ctx.categories or []))
        notes.append(tr(ctx, f"本报告仅含：{sel}。", f"This report covers only: {', '.join(list(ctx.districts or []) + list(ctx.categories or []))}."))
    if ctx.mask_below:
        notes.append(tr(ctx, f"小于{ctx.mask_below}的数字以“*”表示。",
                        f"Counts below {ctx.mask_below} are shown as '*'."))
    return Section("header", title, fields=tuple(fields), level=1, notes=tuple(notes), colon=tr(ctx, "：", ": "))


def overview(ctx: Context) -> Section:
    """一、总体情况: the headline figures and the narrative paragraph.

    Table 总体情况: one row for all incidents (and valid incidents, and cases when present), columns as
    :func:`comparison_frame` without 占比.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``total`` comparison and narrative).

    Returns
    -------
    Section
        The section.
    """
    if ctx.total is None:
        return Section("overview", section_title(ctx, "overview"),
                       (tr(ctx, "统计时段内没有数据。", "There are no records in the period."),))
    rows = [(tr(ctx, f"全部{ctx.kind}", f"All {ctx.kind_en.lower()}"), ctx.total)]
    if ctx.valid is not None:
        rows.append((tr(ctx, "有效警情", "Valid incidents"), ctx.valid))
    if ctx.cases_total is not None:
        rows.append((tr(ctx, "案件", "Cases"), ctx.cases_total))
    frames = []
    for label, cmp in rows:
        f = comparison_frame(cmp, ctx, tr(ctx, "项目", "Item")).iloc[[-1]].copy()
        f.iloc[0, 0] = label
        frames.append(f.drop(columns=[tr(ctx, "占比", "Share")]))
    table = pd.concat(frames, ignore_index=True)
    data, formats = comparison_data([(label, cmp.table.iloc[-1]) for label, cmp in rows], ctx,
                                    tr(ctx, "项目", "Item"), share=False)
    paragraphs = [ctx.narrative]
    return Section("overview", section_title(ctx, "overview"), tuple(p for p in paragraphs if p),
                   tables=(Table("overview", tr(ctx, "总体情况", "Overview"), table, table_note(ctx.total.table, ctx), data=data,
                                 formats=formats),))


def categories(ctx: Context) -> Section:
    """二、分类警情: the table by category (and cases by 案由 when case data is present) with a bar chart.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``by_category`` and case comparisons).

    Returns
    -------
    Section
        The section.
    """
    title = section_title(ctx, "categories")
    if ctx.by_category is None or group_rows(ctx.by_category).empty:
        return Section("categories", title, (tr(ctx, "统计时段内没有分类数据。", "No categories in the period."),))
    first = tr(ctx, "类别", "Category")
    tables = [comparison_table("categories", tr(ctx, f"分类{ctx.kind}", f"{ctx.kind_en} by category"), ctx.by_category,
                               ctx, first)]
    paragraphs = []
    if ctx.cases is not None and not group_rows(ctx.cases).empty:
        by_offence = "subcategory" in ctx.cases.by
        tables.append(comparison_table("cases", tr(ctx, "案件（按案由）", "Cases by offence") if by_offence
                                       else tr(ctx, "案件（按类别）", "Cases by category"), ctx.cases, ctx,
                                       tr(ctx, "案由", "Offence") if by_offence else tr(ctx, "类别", "Category")))
        if not by_offence:
            paragraphs.append(tr(ctx, "统计时段按小时截取，分时数据不含案由，案件按类别列示。",
                                 "The period is cut at an hour and the hourly table has no offence: cases are "
                                 "shown by category."))
    elif ctx.kind == "警情":
        paragraphs.append(tr(ctx, "未提供案件数据，不列案由表。", "No case data: the table by offence is left out."))
    chart = _category_chart(ctx)
    return Section("categories", title, tuple(paragraphs), tables=tuple(tables), charts=(chart,) if chart else ())


#: Categories drawn one by one; beyond this the smallest are drawn together as 其他 (the table lists them all).
TOP_CATEGORIES = 12


def _top_with_other(frame: pd.DataFrame, ctx: Context, top: int = TOP_CATEGORIES) -> pd.DataFrame:
    """The ``top - 1`` largest groups and one 其他 / Other bar for the rest (hidden when any of the rest is)."""
    if len(frame) <= top:
        return frame
    order = frame.sort_values("current", ascending=False, kind="stable")
    keep, rest = order.head(top - 1), order.iloc[top - 1:]
    other = {"group": tr(ctx, "其他（合并）", "Other (combined)"), "current": rest["current"].sum(),
             "baseline": rest["baseline"].sum(), "pct_change": np.nan, "significant": False,
             "hide_current": bool(rest["hide_current"].any()), "hide_baseline": bool(rest["hide_baseline"].any())}
    return pd.concat([keep, pd.DataFrame([other])], ignore_index=True)


def _category_chart(ctx: Context) -> Chart | None:
    frame = _top_with_other(bar_input(ctx.by_category, ctx), ctx)
    title = tr(ctx, f"分类{ctx.kind}：本期与{ctx.baseline_name}", f"{ctx.kind_en} by category vs {ctx.baseline_phrase}")
    many = len(frame) > 10 or frame["group"].astype(str).str.len().max() > 12
    draw = district_bars if many else category_bars
    fig = draw(frame, title=title, baseline_label=ctx.baseline_name, lang=ctx.lang, mask_below=ctx.mask_below,
               source=ctx.source_line, **({"drop_total": False} if many else {}))
    native = native_bar(frame, ctx)
    return Chart("categories", tr(ctx, "分类对比", "Categories"), fig, native)


def districts(ctx: Context) -> Section:
    """五、辖区分布: table and bar chart by district, the largest significant changes, 零发案 districts.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``by_district`` comparison).

    Returns
    -------
    Section
        The section.
    """
    title = section_title(ctx, "districts")
    if ctx.by_district is None or group_rows(ctx.by_district).empty:
        return Section("districts", title, (tr(ctx, "数据中没有辖区信息。", "The data has no districts."),))
    r = group_rows(ctx.by_district)
    if set(r["group"].astype(str)) <= {"", "未知"}:  # no district column, or every row's district unknown
        return Section("districts", title, (tr(ctx, "数据中没有辖区信息。", "The data has no districts."),))
    paragraphs = []
    sig = r[r["significant"].astype(bool)]
    if not sig.empty:
        order = sig.assign(_abs=(sig["current"] - sig["baseline"]).abs()).sort_values("_abs", ascending=False)
        parts = []
        for _, row in order.head(3).iterrows():
            parts.append(tr(ctx, f"{group_label(row['group'], ctx)}{ctx.kind}{change_words(row, ctx)}（显著）",
                            f"{group_label(row['group'], ctx)} {change_words(row, ctx)} (significant)"))
        paragraphs.append(tr(ctx, "；".join(parts) + "。", "; ".join(parts) + "."))
    else:
        paragraphs.append(tr(ctx, "各辖区变化均不显著。", "No district's change is significant."))
    if ctx.zero_text and not ctx.mask_below:
        paragraphs.append(ctx.zero_text)
    bar = bar_input(ctx.by_district, ctx)
    fig = district_bars(bar, title=tr(ctx, f"各辖区{ctx.kind}：本期与{ctx.baseline_name}",
                                                f"{ctx.kind_en} by district vs {ctx.baseline_phrase}"),
                                  baseline_label=ctx.baseline_name, lang=ctx.lang, mask_below=ctx.mask_below,
                                  source=ctx.source_line)
    native = native_bar(bar, ctx)
    return Section("districts", title, tuple(paragraphs),
                   tables=(comparison_table("districts", tr(ctx, "辖区分布", "Districts"), ctx.by_district, ctx,
                                            tr(ctx, "辖区", "District")),),
                   charts=(Chart("districts", tr(ctx, "辖区对比", "Districts"), fig, native),))


def _series_label(group: object, ctx: Context) -> str:
    """``火灾警情`` / ``fire incidents`` (``disputes``, ``invalid calls``: no second noun)."""
    if str(group) in ("", "合计", "total", "Total"):
        return tr(ctx, f"{ctx.kind}总量", f"all {ctx.kind_en.lower()}")
    if is_zh(ctx):
        return f"{group_label(group, ctx)}{ctx.kind}"
    low = sentence_label(group, ctx.lang, taxonomy=ctx.taxonomy)
    return low if low.endswith("s") else f"{low} {ctx.kind_en.lower()}"


def partial_day_hour(ctx: Context) -> int | None:
    """The hour (1-24) just after the last record, when the report's last day is today or later (not over).

    None when the last day is complete (before today in Asia/Shanghai) or there is no hourly table.
    """
    if ctx.cutoff < today_shanghai() or ctx.hourly is None:
        return None
    h = ctx.hourly[(ctx.hourly["date"] == pd.Timestamp(ctx.cutoff)) & (ctx.hourly["count"] > 0)]
    return int(h["hour"].max()) + 1 if len(h) else 0


def anomalies(ctx: Context) -> Section:
    """七、异常提示: flagged days (total and by category) and the categories that changed significantly.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``anomalies`` and comparisons).

    Returns
    -------
    Section
        The section.
    """
    title = section_title(ctx, "anomalies")
    flags = flagged(ctx)
    mb = ctx.mask_below
    paragraphs = []
    rows = []
    a = ctx.anomalies
    n_series = int(a["group"].nunique()) if a is not None and not a.empty else 0
    n_days = int(a["date"].nunique()) if a is not None and not a.empty else 0
    level = f"{float(a['level'].iloc[0]) * 100:.2g}%" if a is not None and not a.empty else ""
    for _, r in flags.sort_values(["date", "group"]).iterrows():
        d = pd.Timestamp(r["date"]).date()
        label = _series_label(r["group"], ctx)
        high = r["flag"] == "high"
        lim = r["upper"] if high else r["lower"]
        paragraphs.append(tr(
            ctx,
            f"{ctx_date(d, ctx)}{paren(day_name(d, ctx), ctx)}{label}{fmt_count(r['observed'], mb)}起，"
            f"{'高于预期上限' if high else '低于预期下限'}（预期{fmt_count(round(float(r['expected'])), mb)}起，"
            f"{'上限' if high else '下限'}{fmt_count(round(float(lim)), mb)}起）。",
            f"{ctx_date(d, ctx)}{paren(day_name(d, ctx), ctx)}: {fmt_count(r['observed'], mb)} {label}, "
            f"{'above the expected upper' if high else 'below the expected lower'} limit (expected "
            f"{fmt_count(round(float(r['expected'])), mb)}, limit {fmt_count(round(float(lim)), mb)})."))
        rows.append({
            tr(ctx, "日期", "Date"): ctx_date(d, ctx) + paren(day_name(d, ctx), ctx),
            tr(ctx, "类别", "Series"): label,
            tr(ctx, "实际", "Observed"): cell_count(r["observed"], mb),
            tr(ctx, "预期", "Expected"): cell_count(round(float(r["expected"]), 1), mb),
            tr(ctx, "下限", "Lower"): cell_count(float(r["lower"]), mb),
            tr(ctx, "上限", "Upper"): cell_count(float(r["upper"]), mb),
            tr(ctx, "方向", "Direction"): tr(ctx, "偏高", "high") if high else tr(ctx, "偏低", "low"),
            "p": fmt_p(float(r["p_value"])).removeprefix("p = ").replace("p < ", "< "),  # one p-value format
        })
    if ctx.anomaly_note:
        paragraphs.append(ctx.anomaly_note)
    elif not rows:
        paragraphs.append(tr(ctx, "统计时段内各序列均未超出预期范围。", "No day in the period fell outside its expected range."))
    sig = group_rows(ctx.by_category) if ctx.by_category is not None else pd.DataFrame()
    if not sig.empty:
        sig = sig[sig["significant"].astype(bool)]
    if len(sig):
        parts = [tr(ctx, f"{group_label(r['group'], ctx)}{ctx.kind}{change_words(r, ctx)}",
                    f"{sentence_label(r['group'], ctx.lang, taxonomy=ctx.taxonomy)} {change_words(r, ctx)}") for _, r in sig.iterrows()]
        paragraphs.append(tr(ctx, f"与{ctx.baseline_name}相比变化显著的类别：" + "；".join(parts) + "。",
                             f"Categories with a significant change against {ctx.baseline_phrase}: "
                             + "; ".join(parts) + "."))
    if ctx.mix_text:
        paragraphs.append(ctx.mix_text)
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=[
        tr(ctx, "日期", "Date"), tr(ctx, "类别", "Series"), tr(ctx, "实际", "Observed"), tr(ctx, "预期", "Expected"),
        tr(ctx, "下限", "Lower"), tr(ctx, "上限", "Upper"), tr(ctx, "方向", "Direction"), "p"])
    budget = f"{ctx.anomaly_tail:g}"
    terms_zh = ("星期、月份、当年法定节假日与调休上班日、距春节天数、除夕至初七及元宵各日、趋势" if ctx.region == "CN" else
                f"星期、月份、{ctx.region}公众假日{'、除夕至初七及元宵各日' if ctx.lunar else ''}、趋势")
    terms_en = ("weekday, month, that year's public holidays and make-up working days, days from Spring Festival, "
                "each day from Lunar New Year's Eve to the 7th day and the Lantern Festival, trend"
                if ctx.region == "CN" else
                f"weekday, month, the public holidays of {ctx.region}"
                + (", each day from Lunar New Year's Eve to the 7th day and the Lantern Festival" if ctx.lunar else "")
                + ", trend")
    note = tr(ctx, f"预期值由统计时段之前的数据估计（{terms_zh}；"
                   "泊松/负二项回归）；"
                   f"上下限按整份通报误提示的期望次数不超过{budget}次设定（{n_series}个序列×{n_days}天，"
                   f"每个序列每天双侧{level}），超出即提示。",
              f"Expected counts are estimated from the days before the period ({terms_en}; "
              "Poisson/negative-binomial regression); the limits are set so that "
              f"the whole briefing expects at most {budget} false flags ({n_series} series x {n_days} days, "
              f"two-sided {level} for each series and day).")
    if not rows:  # no empty table: the sentence above says there is nothing (and no limits when none were set)
        return Section("anomalies", title, tuple(paragraphs), notes=(note,) if n_series else ())
    data = frame.copy()
    dates = [pd.Timestamp(r["date"]).date() for _, r in flags.sort_values(["date", "group"]).iterrows()]
    data.insert(0, tr(ctx, "日期", "Date"), dates, allow_duplicates=True)
    data.columns = [tr(ctx, "日期", "Date"), tr(ctx, "日期（说明）", "Date (as printed)"), *frame.columns[1:]]
    data["p"] = [float(r["p_value"]) for _, r in flags.sort_values(["date", "group"]).iterrows()]
    return Section("anomalies", title, tuple(paragraphs),
                   tables=(Table("anomalies", tr(ctx, "异常提示", "Anomalies"), frame, note, data=data,
                                 formats={"p": "0.0E+00"}),))


def focus(ctx: Context) -> Section:
    """For the explore notebook: the comparison of the selected category or district, by sub-group.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``focus`` selection).

    Returns
    -------
    Section
        The section.
    """
    if ctx.focus is None or group_rows(ctx.focus).empty:
        return Section("focus", tr(ctx, "对比表", "Comparison"), (tr(ctx, "所选范围内没有数据。", "No records in the selection."),))
    first = {"subcategory": tr(ctx, "细类", "Sub-type"), "category": tr(ctx, "类别", "Category"),
             "district": tr(ctx, "辖区", "District")}.get(ctx.focus_by, ctx.focus_by)
    frame = comparison_frame(ctx.focus, ctx, first)
    sel = "、".join(list(ctx.categories or []) + list(ctx.districts or [])) or tr(ctx, "全部", "all")
    return Section("focus", tr(ctx, f"{sel}：本期与{ctx.baseline_name}", f"{sel} vs {ctx.baseline_phrase}"),
                   (ctx.narrative,) if ctx.narrative else (),
                   tables=(Table("focus", tr(ctx, "对比表", "Comparison"), frame, table_note(ctx.focus.table, ctx)),))


#: The sections of the briefing, in order.
SECTIONS = (overview, categories, daily, hourly, districts, key_days, anomalies, holiday_forecast, data_notes)
