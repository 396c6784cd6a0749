"""Bar charts of the briefing, made for a 16:9 slide: by category, by district, and the key days.

Every chart function takes plain pandas inputs (documented column by column), returns a
:class:`matplotlib.figure.Figure` of 16x9 inches (1920x1080 pixels at 120 dpi, the size
:class:`stats_lib.collect.Collector` saves) and never touches pyplot's global figure list, so a
notebook shows a chart only when it displays it and the memory goes when the figure does. The
line charts (days, hours) are in :mod:`stats_lib.report.charts_time`, the data of editable slide
charts in :mod:`stats_lib.report.chart_native`, and what they all share (palette, type sizes,
labels, footer, legend) in :mod:`stats_lib.report.chart_base`.

Common keyword arguments:

- ``title``: the chart title (a default in the report language when None);
- ``lang``: ``"zh"`` (default) or ``"en"`` for the built-in labels (legend, axes, footer);
- ``source`` and ``note``: a small line at the bottom (数据来源…；注…);
- ``mask_below``: counts below K are labelled ``*`` (bar and point labels, and the change labels
  that would reveal them); the footer says so. The bars and lines themselves are still drawn to
  scale, so an exact redaction needs the table, not the chart, or leave the small groups out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.report.chart_base import (
    CHANGE_PT,
    CURRENT_COLOUR,
    FALL_COLOUR,
    LABEL_PT,
    NEUTRAL_COLOUR,
    RISE_COLOUR,
    TICK_PT,
    VALUE_PT,
    chart_count,
    chart_masked,
    chart_missing,
    chart_text,
    date_label,
    footer_text,
    new_figure,
    place_legend,
    require_columns,
    text_width,
    thousands_axis,
    wrap_text,
)
from stats_lib.report.fonts import bold_weight
from stats_lib.report.formats import signed_pct

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["category_bars", "district_bars", "holiday_days"]


def _hide(table: pd.DataFrame, column: str, mask_below: int | None) -> np.ndarray:
    """``table[column]`` as floats, ``inf`` where the count is hidden (its ``hide_<column>`` flag or below K)."""
    v = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    flags = table[f"hide_{column}"].to_numpy(dtype=bool) if f"hide_{column}" in table else np.zeros(len(v), bool)
    below = np.array([chart_masked(x, mask_below) for x in v], dtype=bool)
    return np.where(flags | below, np.inf, v)


def _change_label(current, baseline, pct, significant: bool, lang: str, mask_below: int | None) -> str:
    """``+3.1%`` (or ``+209起`` when no percentage), ``▲``/``▼`` first when significant, ``*`` if masked."""
    if chart_masked(current, mask_below) or chart_masked(baseline, mask_below):
        return "*"
    if chart_missing(current) or chart_missing(baseline):
        return ""
    if not chart_missing(pct):
        text = signed_pct(float(pct))  # the sign survives rounding: a fall of 0.03% is −0.0%
    else:
        text = f"{float(current) - float(baseline):+,.0f}{chart_text(lang)['unit']}"
    if significant:
        text = ("▲" if float(current) > float(baseline) else "▼") + text
    return text


def _change_colour(current, baseline, significant: bool, mask_below: int | None = None) -> str:
    """The colour of a change label: vermillion for a significant rise, blue for a fall, else dark grey."""
    if (not significant or chart_missing(current) or chart_missing(baseline) or chart_masked(current, mask_below)
            or chart_masked(baseline, mask_below)):
        return "#333333"
    return RISE_COLOUR if float(current) > float(baseline) else FALL_COLOUR


def _pct_column(table: pd.DataFrame) -> pd.Series:
    """``pct_change`` in percent; computed as (current − baseline)/baseline·100 when absent (baseline ≥ 5)."""
    if "pct_change" in table.columns:
        return pd.to_numeric(table["pct_change"], errors="coerce")
    cur = pd.to_numeric(table["current"], errors="coerce")
    base = pd.to_numeric(table["baseline"], errors="coerce")
    return ((cur - base) / base * 100).where(base >= 5)


def _sig_column(table: pd.DataFrame) -> pd.Series:
    if "significant" not in table.columns:
        return pd.Series(False, index=table.index)
    return table["significant"].fillna(False).astype(bool)


def _drop_total(table: pd.DataFrame, column: str) -> pd.DataFrame:
    return table[~table[column].astype(str).isin(["合计", "总计", "Total", "total"])]


# --------------------------------------------------------------------------- paired bars


def _paired_bars(table: pd.DataFrame, labels: list[str], *, title: str, lang: str, source, note, mask_below,
                 current_label: str, baseline_label: str):
    """Grouped vertical bars current vs baseline, value labels on bars, change label above each pair."""
    t = chart_text(lang)
    cur, base = _hide(table, "current", mask_below), _hide(table, "baseline", mask_below)
    pct = _pct_column(table).to_numpy(dtype=float)
    sig = _sig_column(table).to_numpy()
    extra = t["sig"] if sig.any() else ""
    fig = new_figure(title, footer_text(lang, source, note, mask_below, extra))
    ax = fig.axes[0]
    x = np.arange(len(table))
    width = 0.42
    cur_labels = ["*" if np.isinf(v) else chart_count(v, mask_below) for v in cur]
    base_labels = ["*" if np.isinf(v) else chart_count(v, mask_below) for v in base]
    hid = np.isinf(cur) | np.isinf(base)
    cur, base = np.where(np.isinf(cur), np.nan, cur), np.where(np.isinf(base), np.nan, base)  # a gap, not to scale
    # value labels as wide as a bar at most: the axes are about 14.5 in wide, a character ~0.55 em
    bar_pt = 14.5 * 72 / (len(table) + 0.2) * width
    chars = max([text_width(s) for s in cur_labels + base_labels] + [1])
    size = int(min(VALUE_PT, max(12, bar_pt * 1.05 / (chars * 0.55))))
    b1 = ax.bar(x - width / 2, np.nan_to_num(cur), width, color=CURRENT_COLOUR, label=current_label, zorder=3, gid="current")
    b2 = ax.bar(x + width / 2, np.nan_to_num(base), width, color=NEUTRAL_COLOUR, label=baseline_label, zorder=3, gid="baseline")
    ax.bar_label(b1, labels=cur_labels, padding=3, fontsize=size)
    ax.bar_label(b2, labels=base_labels, padding=3, fontsize=size, color="#444444")
    top = float(np.nanmax(np.concatenate([cur, base, [1.0]])))
    for i in range(len(table)):
        text = "*" if hid[i] else _change_label(cur[i], base[i], pct[i], bool(sig[i]), lang, mask_below)
        if text:
            y = np.nanmax([cur[i], base[i], 0.0]) + top * 0.085
            ax.text(x[i], y, text, ha="center", va="bottom", fontsize=CHANGE_PT, fontweight=bold_weight(),
                    color=_change_colour(cur[i], base[i], bool(sig[i]), mask_below))
    ax.set_ylim(0, top * 1.28)
    wrap = max(4, min(16, 110 // max(len(table), 1)))
    ax.set_xticks(x, ["\n".join(wrap_text(s, wrap)) for s in labels])
    ax.set_xlim(-0.6, len(table) - 0.4)
    thousands_axis(ax)
    ax.set_ylabel(t["count"], fontsize=LABEL_PT)
    ax.grid(axis="y", color="#E5E5E5", zorder=0)
    place_legend(fig, [b1, b2], [current_label, baseline_label])
    return fig


def category_bars(table: pd.DataFrame, *, title: str | None = None, lang: str = "zh", source: str | None = None,
                  note: str | None = None, mask_below: int | None = None, current_label: str | None = None,
                  baseline_label: str | None = None, drop_total: bool = True) -> Figure:
    """Current against baseline by group (category), with the change above each pair.

    Parameters
    ----------
    table : DataFrame
        One row per group, in the order to draw: ``group`` (label), ``current`` and ``baseline``
        (counts; for a several-year baseline its mean), optional ``pct_change`` (in percent, 3.1 means
        +3.1 %; NaN when the baseline is too small, then the absolute change is shown) and optional
        ``significant`` (bool: the change label gets ▲/▼ and a colour). A total row (``合计``/``Total``)
        is left out unless ``drop_total=False``.
    title
        The chart's title; None for the default of ``lang``.
    lang
        ``zh`` or ``en``.
    source
        The data's source, for the footer; None for none.
    note
        A note for the footer; None for none.
    mask_below
        Counts below it are drawn as ``*`` (no bar); None masks nothing.
    current_label, baseline_label
        Legend labels of the two windows; None for the defaults of ``lang``.
    drop_total
        Leave out a total row.

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    require_columns(table, ["group", "current", "baseline"], "category_bars")
    t = chart_text(lang)
    data = _drop_total(table, "group") if drop_total else table
    return _paired_bars(data.reset_index(drop=True), [str(g) for g in data["group"]], title=title or t["category"],
                        lang=lang, source=source, note=note, mask_below=mask_below,
                        current_label=current_label or t["current"], baseline_label=baseline_label or t["baseline"])


def holiday_days(table: pd.DataFrame, *, title: str | None = None, lang: str = "zh", source: str | None = None,
                 note: str | None = None, mask_below: int | None = None, current_label: str | None = None,
                 baseline_label: str | None = None) -> Figure:
    """Key days of a festival (除夕, 初一, 元宵 …) against the same lunar days last year.

    Parameters
    ----------
    table : DataFrame
        One row per day, in order: ``day`` (its name), ``current`` and ``baseline`` (counts that day),
        optional ``date`` (the current date, shown under the name), ``pct_change`` (percent) and
        ``significant`` (bool).
    title
        The chart's title; None for the default of ``lang``.
    lang
        ``zh`` or ``en``.
    source
        The data's source, for the footer; None for none.
    note
        A note for the footer; None for none.
    mask_below
        Counts below it are drawn as ``*`` (no bar); None masks nothing.
    current_label, baseline_label
        Legend labels of the two windows; None for the defaults of ``lang``.

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    require_columns(table, ["day", "current", "baseline"], "holiday_days")
    t = chart_text(lang)
    labels = [str(d) for d in table["day"]]
    if "date" in table.columns:
        dates = pd.to_datetime(table["date"], errors="coerce")
        labels = [f"{name}\n{date_label(d, lang)}" if not pd.isna(d) else name for name, d in zip(labels, dates)]
    return _paired_bars(table.reset_index(drop=True), labels, title=title or t["days"], lang=lang, source=source,
                        note=note, mask_below=mask_below, current_label=current_label or t["current"],
                        baseline_label=baseline_label or t["lunar_baseline"])


# --------------------------------------------------------------------------- districts


def district_bars(table: pd.DataFrame, *, title: str | None = None, lang: str = "zh", source: str | None = None,
                  note: str | None = None, mask_below: int | None = None, top: int = 20,
                  baseline_label: str | None = None, drop_total: bool = True) -> Figure:
    """Horizontal bars of the current count by district, largest on top; significant changes coloured.

    Parameters
    ----------
    table : DataFrame
        One row per district: ``group`` (district name), ``current``, ``baseline`` (drawn as a black
        tick on each bar), optional ``pct_change`` (percent) and ``significant`` (bool). A significant
        rise is vermillion, a significant fall blue, the rest grey. The ``top`` largest are drawn; the
        footer counts the rest.
    title
        The chart's title; None for the default of ``lang``.
    lang
        ``zh`` or ``en``.
    source
        The data's source, for the footer; None for none.
    note
        A note for the footer; None for none.
    mask_below
        Counts below it are drawn as ``*`` (no bar); None masks nothing.
    top
        How many districts are drawn, largest first.
    baseline_label
        Legend label of the baseline tick; None for the default of ``lang``.
    drop_total
        Leave out a total row.

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    require_columns(table, ["group", "current", "baseline"], "district_bars")
    t = chart_text(lang)
    data = (_drop_total(table, "group") if drop_total else table).copy()
    data["_cur"] = pd.to_numeric(data["current"], errors="coerce")
    data = data.sort_values("_cur", ascending=False, kind="stable")
    hidden = max(len(data) - top, 0)
    data = data.head(top).iloc[::-1].reset_index(drop=True)
    extra = t["hidden"].format(n=hidden) if hidden else ""
    cur, base = _hide(data, "current", mask_below), _hide(data, "baseline", mask_below)
    masked_cur = np.isinf(cur)
    cur, base = np.where(np.isinf(cur), np.nan, cur), np.where(np.isinf(base), np.nan, base)  # a gap, not to scale
    pct = _pct_column(data).to_numpy(dtype=float)
    sig = _sig_column(data).to_numpy()
    if sig.any():
        extra = t["sep"].join(p for p in (extra, t["sig"]) if p)
    fig = new_figure(title or t["district"], footer_text(lang, source, note, mask_below, extra))
    ax = fig.axes[0]
    colours = np.where(~sig, NEUTRAL_COLOUR, np.where(cur > base, RISE_COLOUR, FALL_COLOUR))
    y = np.arange(len(data))
    ax.barh(y, np.nan_to_num(cur), height=0.68, color=colours, zorder=3, gid="current")
    ax.scatter(np.nan_to_num(base), y, marker="|", s=900 / max(1.0, len(data) / 10), linewidths=3,
               color="black", zorder=4, gid="baseline")
    size = VALUE_PT if len(data) <= 14 else max(13, int(VALUE_PT * 14 / len(data)))
    ends = np.fmax(np.nan_to_num(cur), np.nan_to_num(base))
    for i in range(len(data)):
        count = "*" if masked_cur[i] else chart_count(cur[i], mask_below)
        change = _change_label(cur[i], base[i], pct[i], bool(sig[i]), lang, mask_below)
        text = count if not change or count == "*" else (
            f"{count}（{change}）" if lang == "zh" else f"{count} ({change})")
        ax.annotate(text, (ends[i], y[i]), xytext=(10, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=size, color=_change_colour(cur[i], base[i], bool(sig[i]), mask_below))
    right = float(np.nanmax(np.concatenate([cur, base, [1.0]])))
    ax.set_xlim(0, right * 1.3)
    ax.set_yticks(y, [str(g) for g in data["group"]])
    ax.tick_params(axis="y", labelsize=TICK_PT if len(data) <= 14 else max(14, int(TICK_PT * 14 / len(data))))
    pad = max(6 - len(data), 0) / 2  # few districts: keep the bars slim, centred
    ax.set_ylim(-0.6 - pad, len(data) - 0.4 + pad)
    thousands_axis(ax, "x")
    ax.set_xlabel(t["count"], fontsize=LABEL_PT)
    ax.grid(axis="x", color="#E5E5E5", zorder=0)
    # legend: only the colours drawn, then the baseline tick
    shown = [(Patch(color=c), t[k]) for c, k in ((RISE_COLOUR, "rise"), (FALL_COLOUR, "fall"), (NEUTRAL_COLOUR, "flat"))
             if (colours == c).any()]
    shown.append((Line2D([], [], color="black", marker="|", linestyle="none", markersize=22, markeredgewidth=3),
                   baseline_label or t["baseline"]))
    place_legend(fig, [h for h, _ in shown], [label for _, label in shown])
    return fig


