"""What every chart of the briefing shares: size, palette, type sizes, labels, wrapping, masking, figure and legend.

Sizes at the figure's 16-inch width; on a 13.33-inch slide everything shrinks by 5/6: title 36 pt
(30 pt on the slide), tick labels 20 pt (16.7 pt), value labels 18 pt (15 pt). Colours are the
Okabe-Ito palette, safe for the common colour-vision deficiencies; the baseline is grey.

The charts themselves are in :mod:`stats_lib.report.charts` (bars), :mod:`stats_lib.report.charts_time`
(days and hours) and :mod:`stats_lib.report.chart_native` (data for editable slide charts).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.errors import InputError
from stats_lib.report.fonts import bold_weight

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "SLIDE_SIZE_IN", "SLIDE_DPI", "OKABE_ITO", "CURRENT_COLOUR", "RISE_COLOUR", "FALL_COLOUR", "NEUTRAL_COLOUR",
    "BASELINE_GREYS", "SERIES_COLOURS", "TITLE_PT", "LABEL_PT", "TICK_PT", "LEGEND_PT", "VALUE_PT", "CHANGE_PT",
    "FOOTER_PT", "CHART_TEXT", "chart_text", "text_width", "wrap_text", "chart_missing", "chart_masked",
    "chart_count", "footer_text", "new_figure", "thousands_axis", "place_legend", "require_columns", "as_dates",
    "date_label",
]

#: Figure size (inches) and DPI of every chart: 1920x1080 pixels, as stats_lib.collect saves them.
SLIDE_SIZE_IN = (16.0, 9.0)
SLIDE_DPI = 120

#: The Okabe-Ito colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: Colours of the current period, a significant rise, a significant fall and an unremarkable bar.
CURRENT_COLOUR = OKABE_ITO["blue"]
RISE_COLOUR = OKABE_ITO["vermillion"]
FALL_COLOUR = OKABE_ITO["blue"]
NEUTRAL_COLOUR = "#9A9A9A"
#: Greys of the baseline lines (first, second, third and later baselines).
BASELINE_GREYS = ("#8C8C8C", "#B0B0B0", "#CFCFCF")
#: Colours of several current series, in order (the nights of 除夕 and 元宵 …).
SERIES_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["orange"],
                  OKABE_ITO["purple"], OKABE_ITO["sky"])

#: Type sizes in points at the figure's 16-inch width.
TITLE_PT, LABEL_PT, TICK_PT, LEGEND_PT, VALUE_PT, CHANGE_PT, FOOTER_PT = 36, 22, 20, 20, 18, 19, 15

#: The built-in labels of the charts (legend, axes, footer) by language.
CHART_TEXT = {
    "zh": {
        "current": "本期", "baseline": "去年同期", "lunar_baseline": "去年农历同期", "count": "数量（起）",
        "mean7": "{n}日均值", "holiday": "法定节假日", "high": "异常（偏高）", "low": "异常（偏低）",
        "rise": "显著上升", "fall": "显著下降", "flat": "变化不显著", "source": "数据来源：", "note": "注：",
        "mask": "“*”表示少于{k}起，不予显示", "sep": "；", "hour": "{h}时", "midnight": "零时",
        "unit": "起", "hidden": "另有{n}项未显示", "daily": "每日走势", "category": "分类对比",
        "district": "辖区对比", "hourly": "时段分布", "days": "重点时段", "cmp": "对比期{i}",
        "sig": "▲▼：经多项比较校正后差异显著",
    },
    "en": {
        "current": "Current period", "baseline": "Same period last year",
        "lunar_baseline": "Same lunar days last year", "count": "Count", "mean7": "{n}-day mean",
        "holiday": "Public holiday", "high": "Anomaly (high)", "low": "Anomaly (low)",
        "rise": "Significant rise", "fall": "Significant fall", "flat": "No significant change",
        "source": "Source: ", "note": "Note: ", "mask": "* fewer than {k}, not shown", "sep": "; ",
        "hour": "{h:02d}:00", "midnight": "midnight", "unit": "", "hidden": "{n} more not shown",
        "daily": "Daily counts", "category": "By category", "district": "By district",
        "hourly": "Hour of day", "days": "Key days", "cmp": "Baseline {i}",
        "sig": "▲▼ significant after multiple-comparison adjustment",
    },
}


def chart_text(lang: str) -> dict[str, str]:
    """The built-in chart labels of ``lang``; raises InputError for a language other than zh and en.

    Parameters
    ----------
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    dict[str, str]
        Label key (``current``, ``baseline`` …) → text.

    Raises
    ------
    stats_lib.errors.InputError
        ``lang`` is neither ``zh`` nor ``en``.
    """
    if lang not in CHART_TEXT:
        raise InputError(f"lang: expected 'zh' or 'en', got {lang!r}")
    return CHART_TEXT[lang]


def text_width(text: str) -> int:
    """Display width: 2 for wide (CJK) characters, 1 otherwise.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    int
        Its width in display columns.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_text(text: str, width: int) -> list[str]:
    """Wrap ``text`` at ``width`` display columns (CJK characters count 2).

    CJK text breaks between any two characters; Latin text breaks between words, and inside a
    word only when the word alone is wider than ``width``.

    Parameters
    ----------
    text : str
        The text.
    width : int
        The widest line, in display columns (:func:`text_width`).

    Returns
    -------
    list[str]
        The lines, none wider than ``width`` unless a single character is.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        # Tokens: a run of non-space non-CJK characters (a word), a single CJK character, or spaces.
        tokens = re.findall(r"[^\sA-Za-z0-9]|[A-Za-z0-9]+(?:[^\sA-Za-z0-9\u2e80-\uffef]+[A-Za-z0-9]*)*|\s+", para)
        line, used = "", 0
        for tok in tokens:
            w = text_width(tok)
            if tok.isspace():
                if line:
                    line, used = line + " ", used + 1
                continue
            if used + w > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
            while w > width:  # a single word wider than a line: cut it
                cut, cw = "", 0
                for ch in tok:
                    if cw + text_width(ch) > width:
                        break
                    cut, cw = cut + ch, cw + text_width(ch)
                lines.append(cut)
                tok, w = tok[len(cut):], text_width(tok[len(cut):])
            line, used = line + tok, used + w
        lines.append(line.rstrip())
    return lines


def chart_missing(value: object) -> bool:
    """True for None and NaN.

    Parameters
    ----------
    value : object
        Any value of a chart's table.

    Returns
    -------
    bool
        True when ``value`` is None or a float NaN.
    """
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def chart_masked(value: object, mask_below: int | None) -> bool:
    """True when ``value`` is a count below ``mask_below`` (shown as ``*``).

    Parameters
    ----------
    value : object
        A count (events); None or NaN is never masked.
    mask_below : int | None
        The smallest count that may be published; None masks nothing.

    Returns
    -------
    bool
        True when the count is shown as ``*``.
    """
    return mask_below is not None and not chart_missing(value) and float(value) < mask_below


def chart_count(value: object, mask_below: int | None = None) -> str:
    """A count as shown on a chart: ``12,345``; ``*`` below ``mask_below``; ``—`` when missing.

    Parameters
    ----------
    value : object
        A count (events); None or NaN when missing.
    mask_below : int | None, default None
        Counts below it are written ``*``; None masks nothing.

    Returns
    -------
    str
        The label.
    """
    if chart_missing(value):
        return "—"
    if chart_masked(value, mask_below):
        return "*"
    v = float(value)
    return f"{int(round(v)):,}" if abs(v - round(v)) < 0.05 else f"{v:,.1f}"


def footer_text(lang: str, source: str | None, note: str | None, mask_below: int | None, extra: str = "") -> str:
    """The footer line: source, note, ``extra`` and the masking note, joined in ``lang``.

    Parameters
    ----------
    lang : str
        ``zh`` or ``en``.
    source : str | None
        The data's source, or None.
    note : str | None
        A note of the caller, or None.
    mask_below : int | None
        The masking threshold (counts below it are ``*``), named in the footer; None for no masking note.
    extra : str, default ''
        A further note (the chart's own), empty for none.

    Returns
    -------
    str
        The footer, one line.
    """
    t = chart_text(lang)
    parts = []
    if source:
        parts.append(t["source"] + source)
    if note:
        parts.append(t["note"] + note)
    if extra:
        parts.append(extra)
    if mask_below is not None:
        parts.append(t["mask"].format(k=mask_below))
    return t["sep"].join(parts)


def new_figure(title: str, footer: str) -> Figure:
    """A 16x9-inch constrained-layout Figure with a left-aligned title, a footer and one axes (``fig.axes[0]``).

    Parameters
    ----------
    title : str
        The chart's title.
    footer : str
        The footer line (:func:`footer_text`).

    Returns
    -------
    Figure
        The figure, one axes.
    """
    from matplotlib.figure import Figure

    bold = bold_weight()
    fig = Figure(figsize=SLIDE_SIZE_IN, dpi=SLIDE_DPI, layout="constrained")
    lines = wrap_text(footer, 150) if footer else []
    bottom = 0.015 + 0.032 * len(lines)
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - bottom), h_pad=0.08, w_pad=0.12)
    fig.suptitle(title, x=0.012, ha="left", fontsize=TITLE_PT, fontweight=bold)
    if lines:
        fig.text(0.012, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=FOOTER_PT, color="#555555",
                 linespacing=1.3)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=TICK_PT, length=6)
    return fig


def thousands_axis(ax: Axes, axis: str = "y") -> None:
    """Whole-number ticks with thousands separators (``12,345``) on the ``axis`` (``"x"`` or ``"y"``) of ``ax``.

    Parameters
    ----------
    ax : Axes
        The axes.
    axis : str, default 'y'
        ``x`` or ``y``.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=3))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def place_legend(fig: Figure, handles: Sequence, labels: Sequence) -> None:
    """Legend top right beside the title when it fits on that line, else in rows between title and axes.

    Parameters
    ----------
    fig : Figure
        The figure of :func:`new_figure`.
    handles : Sequence
        The legend's artists.
    labels : Sequence
        Their labels, one a handle.
    """
    def points(text: str) -> float:  # approximate width of a legend entry in points
        return text_width(text) * LEGEND_PT * 0.55 + LEGEND_PT * 3.4

    title = fig.get_suptitle()
    free = SLIDE_SIZE_IN[0] * 72 - text_width(title) * TITLE_PT * 0.55 - 60
    total = sum(points(str(label)) for label in labels)
    options = {"fontsize": LEGEND_PT, "frameon": False, "handlelength": 1.8, "columnspacing": 1.4}
    if total <= free:
        fig.legend(handles, labels, loc="outside upper right", ncols=len(handles), **options)
        return
    ncols = len(handles) if total <= SLIDE_SIZE_IN[0] * 72 - 160 else math.ceil(len(handles) / 2)
    fig.axes[0].legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncols=ncols,
                       borderaxespad=0.2, **options)


def require_columns(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise InputError naming ``what`` when ``table`` is not a DataFrame or lacks one of ``columns``.

    Parameters
    ----------
    table : pd.DataFrame
        The frame a chart is given.
    columns : Sequence[str]
        The columns it needs.
    what : str
        The chart's name, for the message.

    Raises
    ------
    stats_lib.errors.InputError
        ``table`` is not a DataFrame, or lacks one of ``columns``.
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{what}: expected a DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{what}: missing column(s) {missing}; columns are {list(table.columns)}")


def as_dates(index: object) -> pd.DatetimeIndex:
    """Dates (or anything ``pd.to_datetime`` reads) as a DatetimeIndex at midnight.

    Parameters
    ----------
    index : object
        Dates, timestamps or ISO strings (a Series, an Index or a list).

    Returns
    -------
    pd.DatetimeIndex
        The days, normalised to midnight.
    """
    return pd.DatetimeIndex(pd.to_datetime(index)).normalize()


def date_label(ts: pd.Timestamp, lang: str) -> str:
    """A day as a chart labels it: ``1月21日`` or ``21 Jan``.

    Parameters
    ----------
    ts : pd.Timestamp
        The day.
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    str
        The day's label.
    """
    return f"{ts.month}月{ts.day}日" if lang == "zh" else f"{ts.day} {ts.strftime('%b')}"


