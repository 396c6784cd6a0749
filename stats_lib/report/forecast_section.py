"""八、节日预测: the optional forecast section of the briefing (the coming holiday, with prediction intervals).

Built from the briefing's :class:`stats_lib.report.context.Context` (its data up to the cut-off) and the
forecast window (``forecast_start``/``forecast_end`` or ``forecast_period``/``forecast_year``). The forecast
origin is the day after the briefing's cut-off, or the window's first day when that is earlier: nothing after
the cut-off is used. Shows a chart of the last 4 weeks and the window with the expected daily counts and their
80%/95% bands (an editable line chart in the deck), a table by day and category, the busiest expected hours
of 除夕 and 元宵 nights, and two or three sentences.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pandas as pd

from stats_lib.calendar.lunar import shift_lunar_years
from stats_lib.calendar.periods import period_title
from stats_lib.errors import CalendarError
from stats_lib.report.cells import TITLES, section_title
from stats_lib.report.chart_base import OKABE_ITO, SLIDE_DPI, SLIDE_SIZE_IN
from stats_lib.report.chart_native import native_line
from stats_lib.report.fonts import bold_weight
from stats_lib.report.forecast_text import busiest_hours, forecast_sentences, group_label
from stats_lib.report.labels import festival_label
from stats_lib.report.section_types import Chart, Section, Table
from stats_lib.stats.forecast import Forecast, forecast, forecast_window
from stats_lib.tables import Cleaned

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from stats_lib.report.context_types import Context

__all__ = ["TITLE", "PARAMS", "holiday_forecast", "forecast_section", "run_forecast", "forecast_chart", "day_table", "night_table"]

#: The briefing parameters of this section (in ``Context.params``).
PARAMS = ("forecast_start", "forecast_end", "forecast_period", "forecast_year")
#: Section heading (zh, en).
TITLE = TITLES["forecast"]
_HISTORY_DAYS = 28


def _t(ctx: Context, zh: str, en: str) -> str:
    return en if ctx.lang == "en" else zh


def run_forecast(ctx: Context, start: str | None = None, end: str | None = None, period: str | None = None,
                 year: int | None = None, *, n_sims: int = 1000) -> Forecast | None:
    """The forecast of ``ctx.kind`` for the window (None when no window is given).

    Raises :class:`stats_lib.errors.ParameterError` for a bad window (named by the forecast parameters).

    Parameters
    ----------
    ctx : Context
        The report's context (its daily table, ``kind`` and region).
    start, end : str | None, default None
        The window's first and last day (ISO dates, inclusive), or None.
    period : str | None, default None
        An official period's name (``春节``) instead of ``start``/``end``.
    year : int | None, default None
        The year of ``period``.
    n_sims : int, default 1000
        Simulations for the intervals.

    Returns
    -------
    Forecast | None
        The forecast, or None.

    Raises
    ------
    stats_lib.errors.ParameterError
        The window is not valid.
    """
    if not any(v not in (None, "") for v in (start, end, period)):
        return None
    window, _ = forecast_window(start, end, period, year, lang=ctx.lang)
    origin = min(ctx.cutoff + dt.timedelta(days=1), window.start)
    data = Cleaned(daily=ctx.daily[ctx.daily["kind"] == ctx.kind], hourly=ctx.hourly)
    return forecast(data, start, end, period=period, year=year, as_of=origin, by=("category", "district"),
                    kinds=(ctx.kind,), n_sims=n_sims, lang=ctx.lang)


def _label(ts: pd.Timestamp, lang: str) -> str:
    return f"{ts.month}月{ts.day}日" if lang != "en" else ts.strftime("%d %b")


def _last_year(days: pd.DatetimeIndex, daily: pd.DataFrame) -> pd.Series:
    """Counts on the same lunar days one lunar year before each forecast day, where the data have them."""
    per_day = daily.groupby("date")["count"].sum()
    out = {}
    for d in days:
        try:
            prev = pd.Timestamp(shift_lunar_years(d.date(), 1)[0])
        except CalendarError:
            continue
        if per_day.index.min() <= prev <= per_day.index.max():
            out[d] = float(per_day.get(prev, 0))
    return pd.Series(out, dtype=float)


def _tick_step(labels: list[str], slots: int, fontsize: float) -> int:
    """Every how many evenly spaced days a date label fits without touching the next one: the widest label
    (a CJK character about 1 em wide, others about 0.6 em) plus a fifth, over the width of one day on the
    slide's axes (about 90% of :data:`SLIDE_SIZE_IN`'s width)."""
    em = fontsize / 72
    widest = max((sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in s) for s in labels), default=0.0) * em
    per_day = SLIDE_SIZE_IN[0] * 0.9 / max(slots, 1)
    return max(1, math.ceil(widest * 1.2 / per_day))


def forecast_chart(ctx: Context, fc: Forecast) -> Figure:
    """The chart: the last 4 weeks of data, then the expected daily counts with 80%/95% bands, and the same lunar
    days one year before the forecast where the data have them. Days are evenly spaced; a gap between the last
    data day and the window is marked. Returns a matplotlib Figure.

    Parameters
    ----------
    ctx : Context
        The report's context (its daily table and ``kind``).
    fc : Forecast
        The forecast.

    Returns
    -------
    Figure
        The chart.
    """
    from matplotlib.figure import Figure

    d = ctx.daily[ctx.daily["kind"] == ctx.kind]
    t = fc.table[(fc.table["level"] == "total") & (fc.table["kind"] == ctx.kind)].reset_index(drop=True)
    last_day = min(pd.Timestamp(fc.origin) - pd.Timedelta(days=1), d["date"].max())
    hist_idx = pd.date_range(last_day - pd.Timedelta(days=_HISTORY_DAYS - 1), last_day, freq="D")
    hist = d.groupby("date")["count"].sum().reindex(hist_idx, fill_value=0)
    gap = (t["date"].iloc[0] - last_day).days > 1
    x_hist = list(range(len(hist)))
    x0 = len(hist) + (2 if gap else 0)
    x_fc = [x0 + i for i in range(len(t))]
    fig = Figure(figsize=SLIDE_SIZE_IN, dpi=SLIDE_DPI, layout="constrained")
    name = window_name(fc, ctx.lang)
    title = _t(ctx, f"{name or '预测期'}每日{ctx.kind}预测", f"Daily {ctx.kind_en.lower()} forecast: {name or 'window'}")
    fig.suptitle(title, x=0.012, ha="left", fontsize=34, fontweight=bold_weight())
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=17, length=6)
    lv = sorted(fc.levels)
    blue = OKABE_ITO["blue"]
    if len(lv) > 1:
        ax.fill_between(x_fc, t[f"lo{lv[-1]}"], t[f"hi{lv[-1]}"], color=blue, alpha=0.15, linewidth=0,
                        label=_t(ctx, f"{lv[-1]}%预测区间", f"{lv[-1]}% prediction interval"))
    ax.fill_between(x_fc, t[f"lo{lv[0]}"], t[f"hi{lv[0]}"], color=blue, alpha=0.3, linewidth=0,
                    label=_t(ctx, f"{lv[0]}%预测区间", f"{lv[0]}% prediction interval"))
    ax.plot(x_fc, t["mean"], color=blue, linewidth=3.5, marker="o", markersize=7,
            label=_t(ctx, "预测（期望值）", "forecast (expected)"))
    ax.plot(x_hist, hist.to_numpy(), color="#444444", linewidth=2.2, label=_t(ctx, "近4周实际", "last 4 weeks"))
    prev = _last_year(pd.DatetimeIndex(t["date"]), d)
    if not prev.empty:
        xs = [x_fc[i] for i, day in enumerate(t["date"]) if day in prev.index]
        ax.plot(xs, prev.to_numpy(), color="#9A9A9A", linewidth=2, linestyle="--",
                label=_t(ctx, f"{prev.index[0].year - 1}年农历同期实际", f"same lunar days {prev.index[0].year - 1}"))
    top = float(t[f"hi{lv[-1]}"].max())
    for i, row in t[t["festival"] != ""].iterrows():
        ax.annotate(row["festival"], (x_fc[i], row[f"hi{lv[-1]}"]), textcoords="offset points",
                    xytext=(0, 10 + 22 * (i % 2)), ha="center", fontsize=18, color="#333333")
    if gap:
        ax.axvline(len(hist) + 0.5, color="#9A9A9A", linestyle=":", linewidth=1.5)
        ax.text(len(hist) + 0.5, top * 0.06, _t(ctx, "（间隔）", "(gap)"), ha="center", fontsize=15, color="#555555")
    def label(x: pd.Timestamp) -> str:
        return f"{x.month}/{x.day}" if ctx.lang == "en" else f"{x.month}月{x.day}日"

    step = _tick_step([label(x) for x in t["date"]], x_fc[-1] + 1, 17)
    ticks = x_hist[::7] + x_fc[::step]
    days = list(hist.index[::7]) + list(t["date"].iloc[::step])
    ax.set_xticks(ticks, [label(x) for x in days])
    ax.set_ylim(0, top * 1.18)
    ax.legend(fontsize=17, frameon=False, loc="lower left", ncols=3)
    ax.set_xlabel(_t(ctx, f"预测起点{fc.origin}，其后数据不参与；阴影为预测区间", f"Origin {fc.origin}; no data "
                     "after it used; shading: prediction intervals"), fontsize=15, color="#555555", loc="left")
    return fig


def _native(ctx: Context, fc: Forecast) -> dict:
    t = fc.table[(fc.table["level"] == "total") & (fc.table["kind"] == ctx.kind)]
    lv = min(fc.levels)
    cats = list(t["date"])
    return native_line(cats, {_t(ctx, "预测", "Forecast"): list(t["mean"].round(1)),
                              _t(ctx, f"{lv}%下限", f"{lv}% lower"): list(t[f"lo{lv}"]),
                              _t(ctx, f"{lv}%上限", f"{lv}% upper"): list(t[f"hi{lv}"])}, lang=ctx.lang)


def day_table(ctx: Context, fc: Forecast) -> pd.DataFrame:
    """Expected counts by day (rows) and category (columns), the total with its 80% interval; 日均 last row.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``lang`` and ``kind``).
    fc : Forecast
        The forecast.

    Returns
    -------
    pd.DataFrame
        The table as printed (counts in events a day).
    """
    t = fc.table[fc.table["kind"] == ctx.kind]
    cats = t[t["level"] == "category"].pivot(index="date", columns="group", values="mean")
    cats = cats[cats.sum().sort_values(ascending=False).index]
    cats.columns = [group_label(c, ctx.lang, ctx.taxonomy) for c in cats.columns]
    tot = t[t["level"] == "total"].set_index("date")
    lv = min(fc.levels)
    day_col, tot_col, iv_col = _t(ctx, "日期", "Date"), _t(ctx, "合计", "Total"), _t(ctx, f"{lv}%区间", f"{lv}% interval")
    out = pd.DataFrame({day_col: [_label(d, ctx.lang) + (_t(ctx, f"（{f}）", f" ({festival_label(f, 'en')})") if f else "")
                                  for d, f in zip(tot.index, tot["festival"])],
                        tot_col: tot["mean"].round(0).astype(int).to_numpy(),
                        iv_col: [f"{a:.0f}–{b:.0f}" for a, b in zip(tot[f"lo{lv}"], tot[f"hi{lv}"])]})
    for c in cats.columns:
        out[c] = cats[c].round(1).to_numpy()
    s = fc.summary[(fc.summary["kind"] == ctx.kind)]
    srow = s[s["level"] == "total"].iloc[0]
    mean_row = {day_col: _t(ctx, "日均", "Daily mean"), tot_col: int(round(srow["mean"])),
                iv_col: f"{srow[f'lo{lv}']:.0f}–{srow[f'hi{lv}']:.0f}"}
    cat_means = s[s["level"] == "category"].set_index("group")["mean"]
    for g, v in cat_means.items():
        mean_row[group_label(g, ctx.lang, ctx.taxonomy)] = round(float(v), 1)
    return pd.concat([out, pd.DataFrame([mean_row])], ignore_index=True)


def night_table(ctx: Context, fc: Forecast) -> pd.DataFrame:
    """The three busiest expected hours of 除夕 and 元宵 in the window, with 80% intervals (empty without).

    Parameters
    ----------
    ctx : Context
        The report's context (its ``lang`` and ``kind``).
    fc : Forecast
        The forecast.

    Returns
    -------
    pd.DataFrame
        One row an hour (events an hour), the 80% interval beside it.
    """
    t = fc.table[(fc.table["kind"] == ctx.kind) & (fc.table["level"] == "total")]
    rows = []
    lv = min(fc.levels)
    for fest in ("除夕", "元宵"):
        day = t[t["festival"] == fest]
        if day.empty:
            continue
        top = busiest_hours(fc, day["date"].iloc[0], ctx.kind, top=3)
        for _, r in top.iterrows():
            rows.append({_t(ctx, "节日", "Festival"): _t(ctx, fest, festival_label(fest, "en")), _t(ctx, "日期", "Date"): _label(day["date"].iloc[0], ctx.lang),
                         _t(ctx, "时段", "Hour"): f"{int(r['hour']):02d}:00–{int(r['hour']) + 1:02d}:00",
                         _t(ctx, "预计起数", "Expected"): round(float(r["mean"]), 1),
                         _t(ctx, f"{lv}%区间", f"{lv}% interval"): f"{r[f'lo{lv}']:.0f}–{r[f'hi{lv}']:.0f}"})
    return pd.DataFrame(rows)


def window_name(fc: Forecast, lang: str) -> str:
    """The window in words: its period name, else 春节（除夕至元宵） when it runs from 除夕 to 元宵, else its dates."""
    w = fc.window
    name = period_title(w, lang)  # 2024年春节假期; a joined holiday by both names
    if name:
        return name
    fest = set(fc.table.loc[fc.table["date"] == pd.Timestamp(w.start), "festival"]) | \
        set(fc.table.loc[fc.table["date"] == pd.Timestamp(w.end), "festival"])
    if {"除夕", "元宵"} <= fest:
        return "Spring Festival (Lunar New Year's Eve to Lantern Festival)" if lang == "en" else "春节（除夕至元宵）"
    s, e = pd.Timestamp(w.start), pd.Timestamp(w.end)
    return f"{_label(s, lang)} to {_label(e, lang)}" if lang == "en" else f"{_label(s, lang)}至{_label(e, lang)}"


def forecast_section(ctx: Context, start: str | None = None, end: str | None = None, period: str | None = None,
                     year: int | None = None) -> Section | None:
    """八、节日预测, or None when no forecast window is given (the section is optional).

    Parameters
    ----------
    ctx : Context
        The report's context.
    start, end : str | None, default None
        The window's first and last day (ISO dates, inclusive), or None.
    period : str | None, default None
        An official period's name (``春节``) instead of ``start``/``end``.
    year : int | None, default None
        The year of ``period``.

    Returns
    -------
    Section | None
        The section, or None.
    """
    fc = run_forecast(ctx, start, end, period, year)
    if fc is None:
        return None
    title = section_title(ctx, "forecast")
    paragraphs = tuple(forecast_sentences(fc, ctx.kind, lang=ctx.lang, name=window_name(fc, ctx.lang),
                                          taxonomy=ctx.taxonomy))
    chart = Chart("forecast", _t(ctx, "节日预测", "Holiday forecast"), forecast_chart(ctx, fc), _native(ctx, fc))
    tables = [Table("forecast-days", _t(ctx, f"分日分类预测（{ctx.kind}，期望值）", f"Forecast by day and category ({ctx.kind_en})"),
                    day_table(ctx, fc), _t(ctx, "分类之和等于合计（按比例分配）；区间为合计的预测区间。",
                                           "Categories add up to the total; the interval is the total's."))]
    nights = night_table(ctx, fc)
    if not nights.empty:
        tables.append(Table("forecast-nights", _t(ctx, "除夕、元宵高峰时段预测", "Busiest hours of Lunar New Year's Eve and Lantern Festival"), nights,
                            _t(ctx, "时段分布取历年同一节日的小时占比。", "Hour shares from the same festival in past years.")))
    return Section("forecast", title, paragraphs, tables=tuple(tables), charts=(chart,), notes=tuple(fc.notes))



def holiday_forecast(ctx: Context) -> Section:
    """The section builder of the registry: :func:`forecast_section` with the window of ``ctx.params``
    (``forecast_start``/``forecast_end`` or ``forecast_period``/``forecast_year``).

    When no window is set the section is ``omit`` (not shown; the sections after it keep their numbers
    in the order shown, see :meth:`stats_lib.briefing.collect.Collector.section`).

    Parameters
    ----------
    ctx : Context
        The report's context (its ``params``).

    Returns
    -------
    Section
        The section.
    """
    p = ctx.params or {}
    sec = forecast_section(ctx, p.get("forecast_start"), p.get("forecast_end"), p.get("forecast_period"),
                           p.get("forecast_year"))
    return sec if sec is not None else Section("forecast", section_title(ctx, "forecast"), omit=True)
