"""The cells, labels and small helpers that every section builder shares (in the report language).

Each function takes the :class:`stats_lib.report.context.Context` and formats through
:mod:`stats_lib.report.formats` and :mod:`stats_lib.report.labels`; hidden counts are read through
:func:`stats_lib.report.masking.hidden`. The cells of a comparison table are in
:mod:`stats_lib.report.comparison_cells`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from stats_lib.report import chart_native
from stats_lib.report.formats import date_text
from stats_lib.report.labels import category_label
from stats_lib.report.masking import hidden

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from matplotlib.figure import Figure

    from stats_lib.report.context_types import Context
    from stats_lib.stats.compare import Comparison
    from stats_lib.windows import Window

__all__ = ["flagged", "TITLES", "FEST_ZH", "FEST_EN", "LUNAR_DAYS", "KIND_EN", "NIGHT_SLUGS", "is_zh", "tr",
           "section_title", "group_label", "ctx_date", "day_name", "close_figure", "group_rows", "total_row",
           "window_text", "bar_input", "native_data", "native_bar", "paren", "key_day_label", "int_or_none"]

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
    """Whether the report is written in Chinese (any ``ctx.lang`` but ``en``).

    Parameters
    ----------
    ctx : Context
        The report's context.

    Returns
    -------
    bool
        True unless ``ctx.lang`` is ``en``.
    """
    return ctx.lang != "en"


def tr(ctx: Context, zh: str, en: str) -> str:
    """The text in the report's language.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``lang``).
    zh : str
        The Chinese text.
    en : str
        The English text.

    Returns
    -------
    str
        ``zh`` or ``en``.
    """
    return zh if is_zh(ctx) else en


def section_title(ctx: Context, key: str) -> str:
    """A section's numbered title in the report's language, from :data:`TITLES`.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``lang`` and ``kind``).
    key : str
        The section's key in :data:`TITLES` (``overview``, ``categories`` …).

    Returns
    -------
    str
        The title, ``二、分类警情`` / ``2. Incidents by category``.
    """
    zh, en = TITLES[key]
    return (zh if is_zh(ctx) else en).format(kind=ctx.kind if is_zh(ctx) else KIND_EN.get(ctx.kind, ctx.kind))


def group_label(value: object, ctx: Context) -> str:
    """A group as the reader sees it: the Chinese name, or its English label (taxonomy) with lang="en".

    Parameters
    ----------
    value : object
        A group value as in the comparison's ``group`` column.
    ctx : Context
        The report's context (its ``lang`` and ``taxonomy``).

    Returns
    -------
    str
        The label to print.
    """

    return category_label(value, ctx.lang, taxonomy=ctx.taxonomy)


def ctx_date(d: dt.date, ctx: Context, *, year: bool = False) -> str:
    """A date in the report's language: ``1月21日`` / ``21 Jan`` (:func:`stats_lib.report.formats.date_text`).

    Parameters
    ----------
    d : dt.date
        The day.
    ctx : Context
        The report's context (its ``lang``).
    year : bool, default False
        Write the year too.

    Returns
    -------
    str
        The date as written.
    """
    return date_text(d, ctx.lang, year=year)


def day_name(d: dt.date, ctx: Context) -> str:
    """The festival a date is (``除夕``, ``春节``, ``元宵节`` …), or '' — from calendar.festivals.

    Parameters
    ----------
    d : dt.date
        The day.
    ctx : Context
        The report's context (its ``festival_days`` and ``lang``).

    Returns
    -------
    str
        The festival's name in the report's language, empty when the day is none.
    """
    names = ctx.festival_days.get(d)
    if not names:
        return ""
    return (FEST_ZH if is_zh(ctx) else FEST_EN).get(names, names)


def close_figure(fig: Figure) -> None:
    """Close a matplotlib figure once it is saved, so that a long report does not hold every figure in memory.

    Parameters
    ----------
    fig : Figure
        The figure.
    """
    import matplotlib.pyplot as plt

    plt.close(fig)


def group_rows(cmp: Comparison) -> pd.DataFrame:
    """Group rows of a comparison (the total row, last, dropped).

    Parameters
    ----------
    cmp : Comparison
        A comparison (:class:`stats_lib.stats.compare.Comparison`), its total row last.

    Returns
    -------
    pd.DataFrame
        The rows of ``cmp.table`` but the last, with its columns.
    """
    return cmp.table.iloc[:-1]


def total_row(cmp: Comparison) -> pd.Series:
    """The total row of a comparison (the last row of its table).

    Parameters
    ----------
    cmp : Comparison
        A comparison (:class:`stats_lib.stats.compare.Comparison`), its total row last.

    Returns
    -------
    pd.Series
        The last row of ``cmp.table``.
    """
    return cmp.table.iloc[-1]


def window_text(w: Window, ctx: Context) -> str:
    """``2023年1月21日（除夕）至2月5日（元宵节）`` — the window's dates with their festival names.

    Parameters
    ----------
    w : Window
        The window (whole days, or hours when ``w.whole_days`` is False).
    ctx : Context
        The report's context (its ``lang`` and ``festival_days``).

    Returns
    -------
    str
        The window in words, the first day with its year.
    """
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


def bar_input(cmp: Comparison, ctx: Context) -> pd.DataFrame:
    """Plain frame for the bar charts: group (label), current, baseline, pct_change, significant.

    Parameters
    ----------
    cmp : Comparison
        A comparison (:class:`stats_lib.stats.compare.Comparison`), its total row last (left out).
    ctx : Context
        The report's context (its ``lang``, ``taxonomy`` and ``mask_below``).

    Returns
    -------
    pd.DataFrame
        One row a group. Columns: ``group`` (its label), ``current`` and ``baseline`` (counts, events),
        ``pct_change`` (percent), ``significant`` (bool), ``hide_current`` and ``hide_baseline`` (bool: the
        count is masked).
    """
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


def native_data(kind: str, categories: Iterable[object], series: dict, ctx: Context) -> dict:
    """Data for an editable PowerPoint chart; masked counts become empty points (chart_native.native_bar/line).

    Parameters
    ----------
    kind : str
        ``bar``, else a line chart.
    categories : Iterable[object]
        The categories (x axis), written as text.
    series : dict
        Series name → values, one a category (None for an empty point).
    ctx : Context
        The report's context (its ``lang`` and ``mask_below``).

    Returns
    -------
    dict
        The chart's data as :func:`stats_lib.report.chart_native.native_bar` or ``native_line`` returns it.
    """
    make = chart_native.native_bar if kind == "bar" else chart_native.native_line
    return make([str(x) for x in categories], series, lang=ctx.lang, mask_below=ctx.mask_below)


def native_bar(frame: pd.DataFrame, ctx: Context) -> dict:
    """Native bar data; a hidden count is an empty point (never its true value).

    Parameters
    ----------
    frame : pd.DataFrame
        The frame of :func:`bar_input` (``group``, ``current``, ``baseline``, ``hide_current``, ``hide_baseline``).
    ctx : Context
        The report's context (its ``lang``, ``baseline_name`` and ``mask_below``).

    Returns
    -------
    dict
        The chart's data (:func:`native_data`), two series: the current window and the baseline.
    """
    cur = [None if h else v for v, h in zip(frame["current"], frame["hide_current"])]
    base = [None if h else v for v, h in zip(frame["baseline"], frame["hide_baseline"])]
    return native_data("bar", frame["group"], {tr(ctx, "本期", "Current"): cur, ctx.baseline_name: base}, ctx)


def paren(name: str, ctx: Context) -> str:
    """A name in brackets after a date: ``（除夕）`` / `` (除夕)``; empty for an empty name.

    Parameters
    ----------
    name : str
        The name (a festival's), or empty.
    ctx : Context
        The report's context (its ``lang``).

    Returns
    -------
    str
        The bracketed name with its leading space in English, or empty.
    """
    return tr(ctx, f"（{name}）", f" ({name})") if name else ""


def key_day_label(name: str, ctx: Context) -> str:
    """The name of a key day (a festival or a day of the Lunar New Year) in the report's language.

    Parameters
    ----------
    name : str
        The day's calendar name (``除夕``, ``初三``, ``元宵`` …).
    ctx : Context
        The report's context (its ``lang``).

    Returns
    -------
    str
        ``元宵节`` / ``Lantern Festival``, ``Lunar New Year day 3`` …; an unknown name is kept.
    """
    if is_zh(ctx):
        return {"元宵": "元宵节"}.get(name, name)
    en = {"除夕": "Lunar New Year's Eve", "元宵": "Lantern Festival", "清明": "Qingming", "端午": "Dragon Boat",
          "中秋": "Mid-Autumn"}
    if name in LUNAR_DAYS:
        return "Spring Festival" if name == "初一" else f"Lunar New Year day {LUNAR_DAYS.index(name) + 1}"
    return en.get(name, name)


def int_or_none(v: object) -> int | None:
    """An integer from a value that may not be one (a notebook parameter, a table cell).

    Parameters
    ----------
    v : object
        Any value.

    Returns
    -------
    int | None
        ``int(v)``, or None when ``v`` cannot be converted.
    """
    try:
        return int(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def flagged(ctx: Context, *, total_only: bool = False) -> pd.DataFrame:
    """The flagged days of the anomaly check (``flag`` high/low); only the total series with ``total_only``.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``anomalies`` frame, :func:`stats_lib.stats.anomaly.flag_anomalies`).
    total_only : bool, default False
        Keep only the total series (``group`` empty, ``合计`` or ``total``).

    Returns
    -------
    pd.DataFrame
        The flagged rows, with the anomaly frame's columns (at least ``date``, ``group``, ``observed``,
        ``expected``, ``lower``, ``upper``, ``p_value``, ``flag``).
    """
    a = ctx.anomalies
    if a is None or a.empty:
        return pd.DataFrame(columns=["date", "group", "observed", "expected", "lower", "upper", "p_value", "flag"])
    a = a[a["flag"].astype(str).isin(["high", "low"])]
    if total_only:
        a = a[a["group"].astype(str).isin(["", "合计", "total", "Total"])]
    return a
