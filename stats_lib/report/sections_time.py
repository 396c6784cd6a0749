"""Sections on time: 三、每日走势 (daily), 四、时段分布 (hourly, festival nights), 六、重点时段 (key days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from stats_lib.report.cells import (
    NIGHT_SLUGS,
    ctx_date,
    day_name,
    flagged,
    key_day_label,
    native_data,
    paren,
    section_title,
    tr,
)
from stats_lib.report.chart_native import native_line
from stats_lib.report.charts import holiday_days
from stats_lib.report.charts_time import daily_trend, hourly_profile
from stats_lib.report.comparison_cells import cell_count, pct_text, sig_text
from stats_lib.report.formats import fmt_count, masked
from stats_lib.report.section_types import Chart, Section, Table
from stats_lib.report.words import join_names
from stats_lib.stats.compare import day_start_minutes
from stats_lib.tables import coverage

if TYPE_CHECKING:  # pragma: no cover
    from stats_lib.report.context_types import Context

__all__ = ["DailySeries", "daily_series", "daily", "extreme_days", "TIED_DAYS_SHOWN", "HourlyProfiles", "hourly_profiles", "night_counts", "hourly", "key_day_table", "key_days"]


@dataclass(frozen=True)
class DailySeries:
    """Daily totals of the main kind (:func:`daily_series`): int64 counts indexed by ``datetime64`` date.

    Attributes
    ----------
    current : Series
        The window's, one value a day.
    baselines : tuple of Series
        Each baseline window's, in the order of ``ctx.baseline.windows``.
    """

    current: pd.Series
    baselines: tuple[pd.Series, ...]


def daily_series(ctx: Context) -> DailySeries:
    """Daily totals of the main kind: the window's (indexed by date) and each baseline window's.

    Parameters
    ----------
    ctx : Context
        The briefing's context (its ``daily`` table, ``kind``, ``window`` and ``baseline``).

    Returns
    -------
    DailySeries
        ``current`` and ``baselines``: int64 counts (records a day; days without records count as zero)
        indexed by ``datetime64`` date over each window's days.
    """
    d = ctx.daily[ctx.daily["kind"] == ctx.kind]
    per_day = d.groupby("date")["count"].sum()

    def window_series(w) -> pd.Series:
        idx = pd.date_range(w.start, w.end, freq="D")
        return per_day.reindex(idx, fill_value=0).astype("int64").rename_axis("date")

    return DailySeries(window_series(ctx.window), tuple(window_series(b) for b in ctx.baseline.windows))


#: Tied days named one by one up to this many; beyond it the first of them and how many there are.
TIED_DAYS_SHOWN = 3


def extreme_days(current: pd.Series, ctx: Context, which: str) -> str:
    """The day(s) with the most (``which="max"``) or fewest (``"min"``) records and the count, ties named.

    ``1月28日（初七）183起``; tied days all named: ``1月22日（初一）、1月23日（初二）并列，各161起`` /
    ``22 Jan and 23 Jan (tied, 161 each)``; more than :data:`TIED_DAYS_SHOWN` tied days:
    ``1月24日等5天并列，各0起`` / ``24 Jan and 4 other days (tied, 0 each)``.

    Parameters
    ----------
    current : pd.Series
        Counts by day (events) of the current window, indexed by date.
    ctx : Context
        The report's context (its ``lang`` and ``mask_below``).
    which : str
        ``max`` or ``min``.

    Returns
    -------
    str
        The day(s) and the count in words.
    """
    value = current.max() if which == "max" else current.min()
    days = [d.date() for d in current.index[current == value]]
    n = fmt_count(value, ctx.mask_below)
    names = [f"{ctx_date(d, ctx)}{paren(day_name(d, ctx), ctx)}" for d in days]
    if len(names) == 1:
        return tr(ctx, f"{names[0]}{n}起", f"{names[0]} ({n})")
    if len(names) > TIED_DAYS_SHOWN:
        return tr(ctx, f"{names[0]}等{len(names)}天并列，各{n}起",
                  f"{names[0]} and {len(names) - 1} other days (tied, {n} each)")
    return tr(ctx, f"{'、'.join(names)}并列，各{n}起", f"{join_names(names, 'en')} (tied, {n} each)")


def daily(ctx: Context) -> Section:
    """三、每日走势: daily counts vs the aligned baseline window(s), 7-day mean, holidays shaded, anomalies.

    Parameters
    ----------
    ctx : Context
        The report's context (its daily table and baseline windows).

    Returns
    -------
    Section
        The section.
    """
    title = section_title(ctx, "daily")
    series = daily_series(ctx)
    current, bases = series.current, series.baselines
    if int(current.sum()) == 0:
        return Section("daily", title, (tr(ctx, "统计时段内没有数据。", "There are no records in the period."),))
    mb = ctx.mask_below
    mean_text = "*" if masked(current.sum(), mb) else f"{current.mean():,.1f}"
    if current.max() == current.min():  # every day alike: say it once, not as a tie of most and fewest
        n = fmt_count(current.max(), mb)
        par = tr(ctx, f"日均{mean_text}起" + (f"，每天均为{n}起。" if len(current) > 1 else "。"),
                 f"{mean_text} a day" + (f"; every day had {n}." if len(current) > 1 else "."))
    else:
        par = tr(ctx, f"日均{mean_text}起；最多为{extreme_days(current, ctx, 'max')}，"
                      f"最少为{extreme_days(current, ctx, 'min')}。",
                 f"{mean_text} a day; the most on {extreme_days(current, ctx, 'max')}, "
                 f"the fewest on {extreme_days(current, ctx, 'min')}.")
    anomalies = flagged(ctx, total_only=True)
    chart_title = tr(ctx, f"每日{ctx.kind}：本期与{ctx.baseline_name}", f"Daily {ctx.kind_en.lower()} vs {ctx.baseline_phrase}")
    labels = [ctx.baseline_name] if len(bases) == 1 else [str(w.start.year) for w in ctx.baseline.windows]
    fig = daily_trend(current, bases, holidays=ctx.holidays, anomalies=anomalies, title=chart_title,
                                baseline_labels=labels, lang=ctx.lang, mask_below=mb, source=ctx.source_line)
    cats = [ctx_date(d.date(), ctx) for d in current.index]
    series = {tr(ctx, "本期", "Current"): [float(v) for v in current]}
    for name, b in zip(labels, bases):
        vals = [float(v) for v in b][: len(cats)]
        series[name] = vals + [None] * (len(cats) - len(vals))
    native = {**native_data("line", cats, series, ctx), "picture": True}  # shading and markers: the picture on slides
    mb0 = ctx.mask_below
    data = pd.DataFrame({tr(ctx, "日期", "Date"): [d.date() for d in current.index],
                         tr(ctx, "本期", "Current"): [None if masked(v, mb0) else int(v) for v in current]})
    for name, b in zip(labels, bases):
        vals = [None if masked(v, mb0) else int(v) for v in b][: len(current)]
        data[name] = vals + [None] * (len(current) - len(vals))
    series_table = Table("daily-series", tr(ctx, "每日序列", "Daily series"), data, workbook_only=True,
                         data=data, formats={c: "#,##0" for c in data.columns[1:]})
    note = _daily_caption(ctx, current, anomalies, labels)
    if not ctx.window.whole_days:
        note += tr(ctx, "统计时段按小时截取，本图及日均按整日计。",
                   " The period is cut at an hour; this chart and its daily mean count whole days.")
    return Section("daily", title, (par,), charts=(Chart("daily", tr(ctx, "每日走势", "Daily trend"), fig, native),),
                   tables=(series_table,), notes=(note,))


def _daily_caption(ctx: Context, current: pd.Series, anomalies: pd.DataFrame, labels: list[str]) -> str:
    """The daily chart's caption, said from what :func:`charts_time.daily_trend` draws (and only that)."""
    zh = [f"蓝色粗线为本期；灰线为{'、'.join(labels)}（按对比方式逐日对齐）"]
    en = [f"Blue: the period; grey: {', '.join(labels)}, aligned day by day"]
    if len(current) >= 7:
        zh.append("橙色虚线为本期7日均值")
        en.append("orange dashes: 7-day mean")
    hol = ctx.holidays
    if hol is not None and hol["holiday"].fillna("").astype(str).str.len().gt(0).any():
        zh.append("黄色底色为法定节假日")
        en.append("yellow: public holidays")
    flagged = anomalies[pd.to_datetime(anomalies["date"]).isin(current.index)] if len(anomalies) else anomalies
    if len(flagged):
        zh.append("三角为超出预期范围的日期")
        en.append("triangles: days outside their expected range")
    return tr(ctx, "；".join(zh) + "。", "; ".join(en) + ".")


@dataclass(frozen=True)
class HourlyProfiles:
    """Mean count per day in each hour (:func:`hourly_profiles`): float Series indexed by hour 0-23.

    Attributes
    ----------
    current : Series
        The window's (records in that hour over the window, divided by its days).
    baseline : Series
        The baseline windows' together (divided by their days together).
    """

    current: pd.Series
    baseline: pd.Series


def hourly_profiles(ctx: Context, hourly: pd.DataFrame | None = None) -> HourlyProfiles | None:
    """Mean count per day in each hour (0-23): the window's and the baseline windows'.

    Parameters
    ----------
    ctx : Context
        The briefing's context (``kind``, ``window``, ``baseline`` and, unless given, ``hourly``).
    hourly : DataFrame, optional
        An hourly table to use instead of ``ctx.hourly`` (columns ``date``, ``hour``, ``kind``, ``count``).

    Returns
    -------
    HourlyProfiles or None
        ``current`` and ``baseline`` (records per day in each hour), or None without an hourly table.
    """
    h = ctx.hourly if hourly is None else hourly
    if h is None or h.empty:
        return None
    h = h[h["kind"] == ctx.kind]

    def profile(windows) -> pd.Series:
        days = sum(w.days for w in windows)
        mask = np.zeros(len(h), dtype=bool)
        for w in windows:
            mask |= ((h["date"] >= pd.Timestamp(w.start)) & (h["date"] <= pd.Timestamp(w.end))).to_numpy()
        s = h[mask].groupby("hour")["count"].sum().reindex(range(24), fill_value=0).astype(float)
        return s / max(days, 1)

    return HourlyProfiles(profile([ctx.window]), profile(ctx.baseline.windows))


def night_counts(hourly: pd.DataFrame, day: dt.date, *, category: str | None = None,
                 day_start_minutes: int = 0) -> pd.Series:
    """Counts by clock hour for the night of ``day``: 18-23 h of ``day`` then 0-6 h of the next day.

    Returns an int64 Series of 13 values indexed by labels ``18 … 23, 0 … 6``.

    Parameters
    ----------
    hourly : DataFrame
        The hourly table (``date`` is the statistical day, ``hour`` the clock hour).
    day : datetime.date
        The calendar day the night begins on (除夕, 元宵).
    category : str, optional
        Count this category only.
    day_start_minutes : int
        Minutes after midnight at which the data's statistical day starts (the ledger's ``day_start``;
        ``"08:00"`` is 480). A record of statistical day D at a clock hour before the day start happened
        on the calendar day D + 1, so the night is selected by clock time, never by the statistical day.

    Returns
    -------
    pandas.Series
        int64 counts, 13 values indexed by the clock hours ``18 … 23, 0 … 6``.
    """
    h = hourly if category is None else hourly[hourly["category"] == category]
    late = pd.to_timedelta((h["hour"] * 60 < day_start_minutes).astype("int64"), unit="D")
    clock_day = pd.to_datetime(h["date"]) + late
    d0, d1 = pd.Timestamp(day), pd.Timestamp(day + dt.timedelta(days=1))
    eve = h[(clock_day == d0) & (h["hour"] >= 18)].groupby("hour")["count"].sum().reindex(range(18, 24), fill_value=0)
    morn = h[(clock_day == d1) & (h["hour"] <= 6)].groupby("hour")["count"].sum().reindex(range(7), fill_value=0)
    return pd.concat([eve, morn]).astype("int64")


def hourly(ctx: Context) -> Section:
    """四、时段分布: hour-of-day profile vs the baseline; the hours around midnight of 除夕 and 元宵.

    Parameters
    ----------
    ctx : Context
        The report's context (its hourly table).

    Returns
    -------
    Section
        The section.
    """
    title = section_title(ctx, "hourly")
    prof = hourly_profiles(ctx)
    if prof is None:
        return Section("hourly", title, (tr(ctx, "时段分布需要逐条记录数据（含报警时间）；本次输入为按日汇总数据。",
                                            "The time-of-day profile needs record-level data with times; the input "
                                            "here is daily totals."),))
    cur, base = prof.current, prof.baseline
    if cur.sum() == 0:
        return Section("hourly", title, (tr(ctx, "统计时段内没有逐时数据。", "No hourly records in the period."),))
    peak = int(cur.idxmax())
    nb = sum(w.days for w in ctx.baseline.windows)
    now_mean = "*" if masked(cur.max() * ctx.window.days, ctx.mask_below) else f"{cur.max():.1f}"
    base_mean = "*" if masked(base[peak] * nb, ctx.mask_below) else f"{base[peak]:.1f}"
    paragraphs = [tr(ctx, f"本期{ctx.kind}以{peak}时至{peak + 1}时最多（日均{now_mean}起），"
                          f"{ctx.baseline_name}同时段日均{base_mean}起。",
                          f"The busiest hour is {peak:02d}:00-{peak + 1:02d}:00 ({now_mean} a day), against "
                          f"{base_mean} a day in the same hour in {ctx.baseline_phrase}.")]
    fig = hourly_profile(cur, base, title=tr(ctx, "各时段日均：本期与" + ctx.baseline_name,
                                                       f"Mean per day by hour vs {ctx.baseline_phrase}"),
                                   baseline_label=ctx.baseline_name, lang=ctx.lang, source=ctx.source_line)
    hours = [tr(ctx, f"{i}时", f"{i:02d}h") for i in range(24)]
    # means per day: masked where the count behind them (mean x days) is below mask_below
    ndays = {"cur": ctx.window.days, "base": sum(w.days for w in ctx.baseline.windows)}
    mb = ctx.mask_below or 0
    series = {tr(ctx, "本期", "Current"): [None if v * ndays["cur"] < mb else round(float(v), 2) for v in cur],
              ctx.baseline_name: [None if v * ndays["base"] < mb else round(float(v), 2) for v in base]}
    charts = [Chart("hourly", tr(ctx, "时段分布", "Time of day"), fig,
                    native_line(hours, series, lang=ctx.lang))]
    hdata = pd.DataFrame({tr(ctx, "时", "Hour"): list(range(24)), **series})
    hourly_table = Table("hourly-series", tr(ctx, "各时段日均", "Mean per day by hour"), hdata, workbook_only=True,
                         data=hdata, formats={c: "0.00" for c in series})
    h = ctx.hourly[ctx.hourly["kind"] == ctx.kind]
    cover = coverage(ctx.daily, ctx.ledger)
    ds = day_start_minutes(ctx.ledger)
    for d, name, d_prev in ctx.nights:
        now, before = night_counts(h, d, day_start_minutes=ds), night_counts(h, d_prev, day_start_minutes=ds)
        label = day_name(d, ctx) or name
        # A night on the window's last day is cut at 24时: the report's data end there.
        cut = d >= ctx.window.end
        peak_hours = [22, 23] if cut else [22, 23, 0, 1]
        if cut:
            now = now.astype("float64")
            now.loc[list(range(7))] = float("nan")
        peak_now = int(now.loc[peak_hours].sum())
        span_zh, span_en = ("22时至24时", "22:00 and midnight") if cut else ("22时至次日2时", "22:00 and 02:00")
        if cover.has_day(d_prev) and cover.has_day(d_prev + dt.timedelta(days=1)):
            peak_before = fmt_count(int(before.loc[peak_hours].sum()), ctx.mask_below)
            then_zh, then_en = f"去年{label}同时段{peak_before}起", f"{peak_before} on the same night last year"
        else:  # last year's night is outside the data: no count, never a zero
            before = before.astype("float64") * float("nan")
            then_zh, then_en = "去年同期无数据", "no data for the same night last year"
        sent = tr(ctx, f"{label}夜（{ctx_date(d, ctx)}）{span_zh}接报{fmt_count(peak_now, ctx.mask_below)}起"
                       f"（{then_zh}）",
                  f"On {label} night ({ctx_date(d, ctx)}), {fmt_count(peak_now, ctx.mask_below)} between {span_en} "
                  f"({then_en})")
        if "火灾" in set(h["category"]):
            fire = int(night_counts(h, d, category="火灾", day_start_minutes=ds).loc[peak_hours].sum())
            sent += tr(ctx, f"，其中火灾警情{fmt_count(fire, ctx.mask_below)}起。",
                       f", of which {fmt_count(fire, ctx.mask_below)} fire calls.")
        else:
            sent += tr(ctx, "。", ".")
        paragraphs.append(sent)
        nfig = hourly_profile(now, before, midnight=True, lang=ctx.lang, mask_below=ctx.mask_below,
                                        title=tr(ctx, f"{label}夜逐小时{ctx.kind}（18时至次日6时）",
                                                 f"{label} night by hour (18:00 to 06:00)"),
                                        current_label=tr(ctx, f"{d.year}年{label}", f"{label} {d.year}"),
                                        baseline_label=tr(ctx, f"{d_prev.year}年{label}", f"{label} {d_prev.year}"),
                                        source=ctx.source_line)
        cats = [tr(ctx, f"{i}时", f"{i:02d}h") for i in now.index]
        now_values = [None if pd.isna(v) else int(v) for v in now]
        before_values = [None if pd.isna(v) else int(v) for v in before]
        native = native_data("line", cats, {str(d.year): now_values, str(d_prev.year): before_values}, ctx)
        charts.append(Chart(f"{NIGHT_SLUGS.get(name, 'festival')}-night", tr(ctx, f"{label}夜时段分布", f"{label} night by hour"), nfig,
                            native))
    return Section("hourly", title, tuple(paragraphs), charts=tuple(charts), tables=(hourly_table,))


def key_day_table(ctx: Context) -> pd.DataFrame:
    """Counts on the key festival days inside the window and on the same lunar days a year earlier.

    Returns columns ``name`` (除夕, 初一 … 初七, 元宵), ``date``, ``date_before``, ``current``,
    ``baseline`` (int64), ``p_value`` (exact conditional test, one day against one day) and
    ``p_adjusted`` (Benjamini–Hochberg over the days).

    Parameters
    ----------
    ctx : Context
        The report's context (its daily table and festival days).

    Returns
    -------
    pd.DataFrame
        One row a key day, with the columns above.
    """
    d = ctx.daily[ctx.daily["kind"] == ctx.kind]
    per_day = d.groupby("date")["count"].sum()
    rows = ctx.key_days
    if not rows:
        return pd.DataFrame(columns=["name", "date", "date_before", "current", "baseline", "p_value", "p_adjusted"])
    out = pd.DataFrame(rows, columns=["name", "date", "date_before"])
    out["current"] = per_day.reindex(pd.to_datetime(out["date"]), fill_value=0).to_numpy().astype("int64")
    base = per_day.reindex(pd.to_datetime(out["date_before"]), fill_value=0).astype("Int64")
    # a day outside the data's coverage or in a gap has no count: 去年同期无数据, never zero (else a real zero)
    cover = coverage(ctx.daily, ctx.ledger)
    seen = np.array([cover.has_day(pd.Timestamp(x).date()) for x in out["date_before"]], dtype=bool)
    base[~seen] = pd.NA
    out["baseline"] = base.to_numpy()
    p = np.array([stats.binomtest(int(a), int(a + b), 0.5).pvalue if ok and a + b > 0 else (1.0 if ok else np.nan)
                  for a, b, ok in zip(out["current"], base.fillna(0), seen)])
    out["p_value"] = p
    adj = np.full(len(p), np.nan)
    if seen.sum() > 1:
        adj[seen] = stats.false_discovery_control(p[seen])
    elif seen.sum() == 1:
        adj[seen] = p[seen]
    out["p_adjusted"] = adj
    return out


def key_days(ctx: Context) -> Section:
    """六、重点时段: the festival days inside the window against the same lunar days last year.

    Parameters
    ----------
    ctx : Context
        The report's context (its daily table and festival days).

    Returns
    -------
    Section
        The section; ``omit`` when the region has no lunar key days.
    """
    title = section_title(ctx, "key_days")
    if not ctx.lunar:  # the lunar festivals are not public holidays in this region: no such section
        return Section("key_days", title, omit=True)
    kd = key_day_table(ctx)
    if kd.empty:
        return Section("key_days", title, (tr(ctx, "统计时段内没有重点节日。", "No festival day falls in the period."),))
    rows = []
    no_data = tr(ctx, "去年同期无数据", "no data last year")
    for _, r in kd.iterrows():
        label = {tr(ctx, "时段", "Day"): key_day_label(r["name"], ctx),
                 tr(ctx, "日期", "Date"): ctx_date(r["date"], ctx),
                 tr(ctx, "本期", "Current"): cell_count(r["current"], ctx.mask_below)}
        if pd.isna(r["baseline"]):
            rows.append({**label, tr(ctx, "去年农历同期", "Same lunar day last year"): no_data,
                         tr(ctx, "同比", "% change"): "—", tr(ctx, "显著性", "Significance"): "—"})
            continue
        cur, bas = int(r["current"]), int(r["baseline"])
        row = pd.Series({"current": cur, "baseline": bas, "current_days": 1, "baseline_days": 1,
                         "pct_change": (cur / bas - 1) * 100 if min(cur, bas) >= ctx.min_base else np.nan,
                         "change": cur - bas, "significant": r["p_adjusted"] < 0.05,
                         "direction": "up" if cur > bas else "down" if cur < bas else "flat"})
        rows.append({**label, tr(ctx, "去年农历同期", "Same lunar day last year"): cell_count(bas, ctx.mask_below),
                     tr(ctx, "同比", "% change"): pct_text(row, ctx),
                     tr(ctx, "显著性", "Significance"): sig_text(row, ctx)})
    frame = pd.DataFrame(rows)
    pct_col = tr(ctx, "同比", "% change")
    data = frame.copy()
    data[tr(ctx, "日期", "Date")] = list(kd["date"])
    data[tr(ctx, "去年农历同期", "Same lunar day last year")] = [None if pd.isna(b) or masked(b, ctx.mask_below) else int(b)
                                                           for b in kd["baseline"]]
    data[pct_col] = [None if (pd.isna(b) or masked(a, ctx.mask_below) or masked(b, ctx.mask_below)
                              or min(a, b) < ctx.min_base) else round(a / b - 1, 4)
                     for a, b in zip(kd["current"], kd["baseline"])]
    data.insert(data.columns.get_loc(pct_col) + 1, pct_col + tr(ctx, "（说明）", " (as printed)"), frame[pct_col])
    note = tr(ctx, "去年农历同期：去年同一农历日（如除夕对除夕）。显著性：单日精确条件检验（泊松），多日经 Benjamini–Hochberg 校正。",
              "Same lunar day last year: e.g. Lunar New Year's Eve against Lunar New Year's Eve. Significance: exact conditional "
              "test of one day against one day, Benjamini–Hochberg across the days.")
    plot = pd.DataFrame({"day": frame.iloc[:, 0], "date": pd.to_datetime(kd["date"]),
                         "current": kd["current"].astype(float),
                         "baseline": pd.to_numeric(kd["baseline"], errors="coerce").astype(float),
                         "pct_change": [(a / b - 1) * 100 if not pd.isna(b) and min(a, b) >= ctx.min_base else np.nan
                                        for a, b in zip(kd["current"], kd["baseline"])],
                         "significant": kd["p_adjusted"].to_numpy() < 0.05})
    fig = holiday_days(plot, title=tr(ctx, "重点时段：本期与去年农历同期", "Key days vs the same lunar days last year"),
                                 baseline_label=tr(ctx, "去年农历同期", "Last year"), lang=ctx.lang,
                                 mask_below=ctx.mask_below, source=ctx.source_line)
    native = native_data("bar", plot["day"], {tr(ctx, "本期", "Current"): list(plot["current"]),
                                          tr(ctx, "去年农历同期", "Last year"): [
                                              None if pd.isna(v) else v for v in plot["baseline"]]}, ctx)
    sig = kd[kd["p_adjusted"] < 0.05]
    missing = kd[kd["baseline"].isna()]
    if len(missing) == len(kd):
        par = tr(ctx, "数据不含去年农历同期，各重点日不作同比。",
                 "The data do not cover the same lunar days last year: no comparison on the key days.")
    elif sig.empty:
        par = tr(ctx, "各重点日与去年农历同期相比变化均不显著。",
                 "On no key day is the change against last year significant.")
    else:
        par = tr(ctx, "与去年农历同期相比变化显著的有：" + "、".join(key_day_label(n, ctx) for n in sig["name"]) + "。",
                 "Significant changes against last year on: " + ", ".join(key_day_label(n, ctx) for n in sig["name"]) + ".")
    return Section("key_days", title, (par,),
                   tables=(Table("key-days", tr(ctx, "重点时段", "Key days"), frame, note, data=data,
                                 formats={pct_col: "+0.0%;-0.0%;0.0%"}),),
                   charts=(Chart("key-days", tr(ctx, "重点时段", "Key days"), fig, native),))
