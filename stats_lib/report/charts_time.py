"""Line charts of the briefing over time, made for a 16:9 slide: the daily trend and the profile by hour.

As the bar charts of :mod:`stats_lib.report.charts` (see there for the common keyword arguments
``title``, ``lang``, ``source``, ``note`` and ``mask_below``), every function takes plain pandas
inputs and returns a 16x9-inch :class:`matplotlib.figure.Figure` that pyplot does not hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.errors import InputError
from stats_lib.report.chart_base import (
    BASELINE_GREYS,
    CURRENT_COLOUR,
    LABEL_PT,
    OKABE_ITO,
    RISE_COLOUR,
    SERIES_COLOURS,
    VALUE_PT,
    as_dates,
    chart_count,
    chart_missing,
    chart_text,
    date_label,
    footer_text,
    new_figure,
    place_legend,
    require_columns,
    text_width,
    thousands_axis,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["daily_trend", "hourly_profile", "MIDNIGHT_HOURS"]

#: Hours of the midnight-centred profile (the night of 除夕 or 元宵): 18 h to 6 h next morning.
MIDNIGHT_HOURS = (18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6)


def _gaps(values: np.ndarray, mask_below: int | None) -> np.ndarray:
    """Counts below ``mask_below`` as NaN: a line chart leaves a gap there instead of drawing the count to scale."""
    if mask_below is None:
        return values
    return np.where(np.nan_to_num(values, nan=np.inf) < mask_below, np.nan, values)


# --------------------------------------------------------------------------- daily trend


def _holiday_spans(holidays) -> pd.DataFrame:
    """Contiguous runs of named holiday days → DataFrame start, end, name."""
    if holidays is None:
        return pd.DataFrame(columns=["start", "end", "name"])
    if isinstance(holidays, pd.DataFrame):
        require_columns(holidays, ["date", "holiday"], "daily_trend holidays")
        days = pd.DataFrame({"date": as_dates(holidays["date"]),
                             "name": holidays["holiday"].astype(object).where(holidays["holiday"].notna(), "")})
        days = days[days["name"].astype(str).str.len() > 0].sort_values("date")
        if days.empty:
            return pd.DataFrame(columns=["start", "end", "name"])
        new = (days["name"] != days["name"].shift()) | (days["date"].diff() != pd.Timedelta(days=1))
        spans = days.groupby(new.cumsum().to_numpy()).agg(start=("date", "min"), end=("date", "max"),
                                                          name=("name", "first"))
        return spans.reset_index(drop=True)
    rows = [(pd.Timestamp(s).normalize(), pd.Timestamp(e).normalize(), str(n)) for s, e, n in holidays]
    return pd.DataFrame(rows, columns=["start", "end", "name"])


def _anomaly_frame(anomalies) -> pd.DataFrame:
    if anomalies is None:
        return pd.DataFrame({"date": pd.DatetimeIndex([]), "flag": pd.Series([], dtype=object)})
    if isinstance(anomalies, pd.DataFrame):
        require_columns(anomalies, ["date"], "daily_trend anomalies")
        flag = anomalies["flag"].astype(str) if "flag" in anomalies.columns else "high"
        return pd.DataFrame({"date": as_dates(anomalies["date"]), "flag": flag}).reset_index(drop=True)
    return pd.DataFrame({"date": as_dates(list(anomalies)), "flag": "high"})


def daily_trend(current: pd.Series, baselines: Sequence[pd.Series] | pd.Series | None = None, *,
                holidays: pd.DataFrame | Sequence[tuple[object, object, str]] | None = None,
                anomalies: pd.DataFrame | Sequence[object] | None = None, title: str | None = None, lang: str = "zh",
                source: str | None = None, note: str | None = None, mask_below: int | None = None,
                current_label: str | None = None, baseline_labels: Sequence[str] | None = None,
                rolling: int | None = 7, labels: bool | None = None, ylabel: str | None = None) -> Figure:
    """Daily counts of the window against aligned baseline windows, with a moving mean, holidays, anomalies.

    Parameters
    ----------
    current : Series
        Daily counts of the current window, indexed by date (one value a day).
    baselines : Series or list of Series, optional
        Baseline windows (for example last year's same lunar days), each in day order; the k-th value
        is drawn on the k-th day of the current window (aligned by day offset), in grey.
    holidays : DataFrame or list of (start, end, name), optional
        Official holiday days to shade: a frame with ``date`` and ``holiday`` (name; empty or NaN on
        other days; contiguous days of one name make one band), or explicit spans.
    anomalies : DataFrame or list of dates, optional
        Days to mark: a frame with ``date`` and optional ``flag`` (``"high"`` or ``"low"``).
    rolling : int or None
        Trailing moving mean of the current counts over this many days (drawn once a full window of
        days is available); None draws none.
    labels : bool, optional
        Write the count above each current point; default when the window has at most 21 days.
    title
        The chart's title; None for the default of ``lang``.
    lang
        ``zh`` or ``en``.
    source
        The data's source, for the footer; None for none.
    note
        A note for the footer; None for none.
    mask_below
        Counts below it are written ``*`` and not labelled; None masks nothing.
    current_label
        Legend label of the current window; None for the default of ``lang``.
    baseline_labels
        Legend labels of the baseline windows, one a window; None for the defaults.
    ylabel
        The y axis's label (events a day by default).

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.

    Raises
    ------
    stats_lib.errors.InputError
        ``current`` is not a non-empty Series of daily counts indexed by date.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    t = chart_text(lang)
    if not isinstance(current, pd.Series) or current.empty:
        raise InputError("daily_trend: current must be a non-empty Series of daily counts indexed by date")
    cur = pd.Series(pd.to_numeric(current, errors="coerce").to_numpy(dtype=float),
                    index=as_dates(current.index)).sort_index()
    if isinstance(baselines, pd.Series):
        baselines = [baselines]
    baselines = list(baselines or [])
    fig = new_figure(title or t["daily"], footer_text(lang, source, note, mask_below))
    ax = fig.axes[0]
    handles, names = [], []
    day = pd.Timedelta(days=1)
    first, last = cur.index[0], cur.index[-1]

    spans = _holiday_spans(holidays)
    spans = spans[(spans["end"] >= first) & (spans["start"] <= last)]
    top_tf = blended_transform_factory(ax.transData, ax.transAxes)
    # labels of neighbouring holidays take turns between two heights so that they never overlap: a label
    # is about 0.55 em a character at VALUE_PT pt on axes about 14.5 in wide
    per_day = 14.5 * 72 / max((last - first).days + 1, 1)
    right_edge, level = [-np.inf, -np.inf], 0
    for span in spans.itertuples(index=False):
        s, e = max(span.start, first), min(span.end, last)
        ax.axvspan(s - day / 2, e + day / 2, color=OKABE_ITO["yellow"], alpha=0.28, zorder=0, linewidth=0)
        centre = (s - first).days + (e - s).days / 2
        half = text_width(str(span.name)) * VALUE_PT * 0.55 / 2 / per_day
        level = 0 if centre - half > right_edge[0] else 1 if centre - half > right_edge[1] else (level + 1) % 2
        right_edge[level] = centre + half
        ax.text(s + (e - s) / 2, 0.985 - 0.07 * level, span.name, transform=top_tf, ha="center", va="top", fontsize=VALUE_PT,
                color="#6B5E00")
    if len(spans):
        handles.append(Patch(color=OKABE_ITO["yellow"], alpha=0.5))
        names.append(t["holiday"])

    for i, series in enumerate(baselines):
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        if not isinstance(series.index, pd.RangeIndex):
            values = pd.Series(values, index=series.index).sort_index().to_numpy(dtype=float)
        x = first + pd.to_timedelta(np.arange(len(values)), unit="D")
        (line,) = ax.plot(x, values, color=BASELINE_GREYS[min(i, 2)], linewidth=2.6, zorder=2, gid=f"baseline-{i}")
        handles.append(line)
        if baseline_labels is not None and i < len(baseline_labels):
            names.append(baseline_labels[i])
        else:
            names.append(t["baseline"] if len(baselines) == 1 else t["cmp"].format(i=i + 1))

    (line,) = ax.plot(cur.index, cur.to_numpy(), color=CURRENT_COLOUR, linewidth=3.2 if len(cur) <= 45 else 2.4,
                      marker="o" if len(cur) <= 45 else None, markersize=7, zorder=4, gid="current")
    handles.insert(0, line)
    names.insert(0, current_label or t["current"])
    if rolling and len(cur) >= rolling:
        mean = cur.rolling(rolling, min_periods=rolling).mean()
        (mline,) = ax.plot(mean.index, mean.to_numpy(), color=OKABE_ITO["orange"], linewidth=3, linestyle="--",
                           zorder=3, gid="rolling")
        handles.insert(1, mline)
        names.insert(1, t["mean7"].format(n=rolling))

    marks = _anomaly_frame(anomalies)
    marks = marks[marks["date"].isin(cur.index)]
    for flag, marker, colour in (("high", "^", RISE_COLOUR), ("low", "v", OKABE_ITO["purple"])):
        sel = marks[marks["flag"] == flag]
        if len(sel):
            ax.scatter(sel["date"], cur.reindex(sel["date"]).to_numpy(), marker=marker, s=420, color=colour,
                       edgecolors="black", linewidths=1.2, zorder=5, gid=f"anomaly-{flag}")
            handles.append(Line2D([], [], marker=marker, color=colour, markeredgecolor="black",
                                  linestyle="none", markersize=18))
            names.append(t[flag])

    all_values = np.concatenate([cur.to_numpy()] + [pd.to_numeric(b, errors="coerce").to_numpy(dtype=float)
                                                    for b in baselines] + [np.array([1.0])])
    lo, hi = float(np.nanmin(all_values[:-1])), float(np.nanmax(all_values))
    pad = max(hi - lo, hi * 0.1, 1.0)
    ax.set_ylim(max(0.0, lo - pad * 0.35), hi + pad * (0.55 if len(spans) else 0.4))
    if (labels if labels is not None else len(cur) <= 21):
        marked = set(marks["date"])
        for d, v in cur.items():
            ax.annotate(chart_count(v, mask_below), (d, v), xytext=(0, 26 if d in marked else 14),
                        textcoords="offset points", ha="center",
                        va="bottom", fontsize=VALUE_PT - 2, color=CURRENT_COLOUR, zorder=6)
    ax.set_xlim(first - day * 0.6, last + day * 0.6)
    ticks = pd.date_range(first, last, freq=f"{max(1, math.ceil(len(cur) / 10))}D")
    ax.set_xticks(ticks, [date_label(d, lang) for d in ticks])
    thousands_axis(ax)
    ax.set_ylabel(ylabel or t["count"], fontsize=LABEL_PT)
    ax.grid(axis="y", color="#E5E5E5", zorder=0)
    place_legend(fig, handles, names)
    return fig


# --------------------------------------------------------------------------- hours


def hourly_profile(current: pd.Series | Mapping[str, pd.Series], baseline: pd.Series | None = None, *,
                   midnight: bool = False, title: str | None = None, lang: str = "zh", source: str | None = None,
                   note: str | None = None, mask_below: int | None = None, current_label: str | None = None,
                   baseline_label: str | None = None, labels: bool | None = None, ylabel: str | None = None) -> Figure:
    """Counts by hour of day, current against baseline.

    Parameters
    ----------
    current : Series or mapping name → Series
        Counts (or mean counts) indexed by hour 0-23; several named series (e.g. 除夕 and 元宵 nights)
        are drawn in different colours.
    baseline : Series, optional
        The baseline profile indexed by hour 0-23 (grey, dashed).
    midnight : bool
        Draw only the night, hours 18-23 then 0-6 (:data:`MIDNIGHT_HOURS`), centred on midnight. The
        caller's series then hold, at hours 0-6, the morning after the evening (the night of 除夕).
    labels : bool, optional
        Write the value above each point of the current series; default for the midnight view with a
        single current series.
    title
        The chart's title; None for the default of ``lang``.
    lang
        ``zh`` or ``en``.
    source
        The data's source, for the footer; None for none.
    note
        A note for the footer; None for none.
    mask_below
        Counts below it are written ``*``; None masks nothing.
    current_label, baseline_label
        Legend labels; None for the defaults of ``lang``.
    ylabel
        The y axis's label (events an hour by default).

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.

    Raises
    ------
    stats_lib.errors.InputError
        ``current`` is empty.
    """
    t = chart_text(lang)
    series = dict(current) if isinstance(current, Mapping) else {current_label or t["current"]: current}
    if not series:
        raise InputError("hourly_profile: current is empty")
    hours = list(MIDNIGHT_HOURS) if midnight else list(range(24))
    x = np.arange(len(hours))
    fig = new_figure(title or t["hourly"], footer_text(lang, source, note, mask_below))
    ax = fig.axes[0]
    handles, names, tops = [], [], [1.0]
    if baseline is not None:
        values = pd.Series(pd.to_numeric(baseline, errors="coerce").to_numpy(dtype=float),
                           index=pd.Index(baseline.index).astype(int)).reindex(hours).to_numpy()
        values = _gaps(values, mask_below)
        (line,) = ax.plot(x, values, color=BASELINE_GREYS[0], linewidth=3, linestyle="--", marker="s", markersize=7,
                          zorder=2, gid="baseline")
        handles.append(line)
        names.append(baseline_label or t["baseline"])
        tops.append(float(np.nanmax(np.append(values, 0.0))))
    show = labels if labels is not None else (midnight and len(series) == 1)
    for i, (name, s) in enumerate(series.items()):
        raw = pd.Series(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float),
                        index=pd.Index(s.index).astype(int)).reindex(hours).to_numpy()
        values = _gaps(raw, mask_below)
        (line,) = ax.plot(x, values, color=SERIES_COLOURS[i % len(SERIES_COLOURS)], linewidth=3.2, marker="o", markersize=8,
                          zorder=3, gid=f"current-{i}")
        handles.insert(i, line)
        names.insert(i, str(name))
        tops.append(float(np.nanmax(np.append(values, 0.0))))
        if show:
            for xi, v, r in zip(x, values, raw):
                if chart_missing(v) and not chart_missing(r):  # a masked count: a gap with * on the axis, not its height
                    ax.annotate("*", (xi, 0), xytext=(0, 6), textcoords="offset points", ha="center", va="bottom",
                                fontsize=VALUE_PT - 1, color=SERIES_COLOURS[i % len(SERIES_COLOURS)])
                elif not chart_missing(v):
                    ax.annotate(chart_count(v, mask_below), (xi, v), xytext=(0, 14), textcoords="offset points",
                                ha="center", va="bottom", fontsize=VALUE_PT - 1, color=SERIES_COLOURS[i % len(SERIES_COLOURS)])
    ax.set_ylim(0, max(tops) * 1.2)
    if midnight:  # counts: whole-number ticks (never 0, 0, 1, 1, 2)
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = 1 if midnight else 2
    ax.set_xticks(x[::step], [t["hour"].format(h=h) for h in hours[::step]])
    ax.set_xlim(-0.5, len(hours) - 0.5)
    if midnight:
        zero = hours.index(0)
        ax.axvline(zero - 0.5, color="#666666", linestyle=":", linewidth=2, zorder=1)
        ax.text(zero - 0.5, 0.985, " " + t["midnight"], transform=ax.get_xaxis_transform(), ha="left", va="top",
                fontsize=VALUE_PT, color="#444444")
    thousands_axis(ax)
    ax.set_ylabel(ylabel or t["count"], fontsize=LABEL_PT)
    ax.grid(axis="y", color="#E5E5E5", zorder=0)
    place_legend(fig, handles, names)
    return fig


