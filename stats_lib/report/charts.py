"""Charts of the briefing, made for a 16:9 slide.

Every chart function takes plain pandas inputs (documented column by column), returns a
:class:`matplotlib.figure.Figure` of 16x9 inches (1920x1080 pixels at 120 dpi, the size
:class:`stats_lib.collect.Collector` saves) and never touches pyplot's global figure list, so a
notebook shows a chart only when it displays it and the memory goes when the figure does.

Common keyword arguments:

- ``title``: the chart title (a default in the report language when None);
- ``lang``: ``"zh"`` (default) or ``"en"`` for the built-in labels (legend, axes, footer);
- ``source`` and ``note``: a small line at the bottom (数据来源…；注…);
- ``mask_below``: counts below K are labelled ``*`` (bar and point labels, and the change labels
  that would reveal them); the footer says so. The bars and lines themselves are still drawn to
  scale, so an exact redaction needs the table, not the chart, or leave the small groups out.

Sizes at the figure's 16-inch width; on a 13.33-inch slide everything shrinks by 5/6: title 36 pt
(30 pt on the slide), tick labels 20 pt (16.7 pt), value labels 18 pt (15 pt). Colours are the
Okabe-Ito palette, safe for the common colour-vision deficiencies; the baseline is grey.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from stats_lib.errors import InputError
from stats_lib.report.fonts import bold_weight
from stats_lib.report.words import signed_pct

__all__ = [
    "OKABE_ITO",
    "daily_trend",
    "category_bars",
    "district_bars",
    "hourly_profile",
    "holiday_days",
    "native_bar",
    "native_line",
    "MIDNIGHT_HOURS",
    "SLIDE_SIZE_IN",
    "SLIDE_DPI",
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
_CURRENT = OKABE_ITO["blue"]
_RISE = OKABE_ITO["vermillion"]
_FALL = OKABE_ITO["blue"]
_NEUTRAL = "#9A9A9A"
_BASE_GREYS = ("#8C8C8C", "#B0B0B0", "#CFCFCF")
_SERIES = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["orange"],
           OKABE_ITO["purple"], OKABE_ITO["sky"])

#: Hours of the midnight-centred profile (the night of 除夕 or 元宵): 18 h to 6 h next morning.
MIDNIGHT_HOURS = (18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6)

_TITLE, _LABEL, _TICK, _LEGEND, _VALUE, _CHANGE, _FOOTER = 36, 22, 20, 20, 18, 19, 15

_TEXT = {
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


# --------------------------------------------------------------------------- helpers


def _t(lang: str) -> dict:
    if lang not in _TEXT:
        raise InputError(f"lang: expected 'zh' or 'en', got {lang!r}")
    return _TEXT[lang]


def _width(text: str) -> int:
    """Display width: 2 for wide (CJK) characters, 1 otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` at ``width`` display columns (CJK characters count 2).

    CJK text breaks between any two characters; Latin text breaks between words, and inside a
    word only when the word alone is wider than ``width``.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        # Tokens: a run of non-space non-CJK characters (a word), a single CJK character, or spaces.
        tokens = re.findall(r"[^\sA-Za-z0-9]|[A-Za-z0-9]+(?:[^\sA-Za-z0-9\u2e80-\uffef]+[A-Za-z0-9]*)*|\s+", para)
        line, used = "", 0
        for tok in tokens:
            w = _width(tok)
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
                    if cw + _width(ch) > width:
                        break
                    cut, cw = cut + ch, cw + _width(ch)
                lines.append(cut)
                tok, w = tok[len(cut):], _width(tok[len(cut):])
            line, used = line + tok, used + w
        lines.append(line.rstrip())
    return lines


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _gaps(values: np.ndarray, mask_below: int | None) -> np.ndarray:
    """Counts below ``mask_below`` as NaN: a line chart leaves a gap there instead of drawing the count to scale."""
    if mask_below is None:
        return values
    return np.where(np.nan_to_num(values, nan=np.inf) < mask_below, np.nan, values)


def _hide(table: pd.DataFrame, column: str, mask_below: int | None) -> np.ndarray:
    """``table[column]`` as floats, ``inf`` where the count is hidden (its ``hide_<column>`` flag or below K)."""
    v = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    flags = table[f"hide_{column}"].to_numpy(dtype=bool) if f"hide_{column}" in table else np.zeros(len(v), bool)
    below = np.array([_masked(x, mask_below) for x in v], dtype=bool)
    return np.where(flags | below, np.inf, v)


def _masked(value, mask_below: int | None) -> bool:
    return mask_below is not None and not _is_missing(value) and float(value) < mask_below


def _fmt(value, mask_below: int | None = None) -> str:
    """A count as shown on a chart: ``12,345``; ``*`` below ``mask_below``; ``—`` when missing."""
    if _is_missing(value):
        return "—"
    if _masked(value, mask_below):
        return "*"
    v = float(value)
    return f"{int(round(v)):,}" if abs(v - round(v)) < 0.05 else f"{v:,.1f}"


def _change_label(current, baseline, pct, significant: bool, lang: str, mask_below: int | None) -> str:
    """``+3.1%`` (or ``+209起`` when no percentage), ``▲``/``▼`` first when significant, ``*`` if masked."""
    if _masked(current, mask_below) or _masked(baseline, mask_below):
        return "*"
    if _is_missing(current) or _is_missing(baseline):
        return ""
    if not _is_missing(pct):
        text = signed_pct(float(pct))  # the sign survives rounding: a fall of 0.03% is −0.0%
    else:
        text = f"{float(current) - float(baseline):+,.0f}{_t(lang)['unit']}"
    if significant:
        text = ("▲" if float(current) > float(baseline) else "▼") + text
    return text


def _change_colour(current, baseline, significant: bool, mask_below: int | None = None) -> str:
    if (not significant or _is_missing(current) or _is_missing(baseline) or _masked(current, mask_below)
            or _masked(baseline, mask_below)):
        return "#333333"
    return _RISE if float(current) > float(baseline) else _FALL


def _footer(lang: str, source: str | None, note: str | None, mask_below: int | None, extra: str = "") -> str:
    t = _t(lang)
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


def _new_figure(title: str, footer: str):
    """A 16x9-inch constrained-layout Figure with a left-aligned title and a footer; returns (fig, ax)."""
    from matplotlib.figure import Figure


    bold = bold_weight()
    fig = Figure(figsize=SLIDE_SIZE_IN, dpi=SLIDE_DPI, layout="constrained")
    lines = _wrap(footer, 150) if footer else []
    bottom = 0.015 + 0.032 * len(lines)
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - bottom), h_pad=0.08, w_pad=0.12)
    fig.suptitle(title, x=0.012, ha="left", fontsize=_TITLE, fontweight=bold)
    if lines:
        fig.text(0.012, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=_FOOTER, color="#555555",
                 linespacing=1.3)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_TICK, length=6)
    return fig, ax


def _bold() -> str:

    return bold_weight()


def _thousands(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=3))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def _legend(fig, handles, labels) -> None:
    """Legend top right beside the title when it fits on that line, else in rows between title and axes."""
    def points(text: str) -> float:  # approximate width of a legend entry in points
        return _width(text) * _LEGEND * 0.55 + _LEGEND * 3.4

    title = fig.get_suptitle()
    free = SLIDE_SIZE_IN[0] * 72 - _width(title) * _TITLE * 0.55 - 60
    total = sum(points(str(label)) for label in labels)
    options = {"fontsize": _LEGEND, "frameon": False, "handlelength": 1.8, "columnspacing": 1.4}
    if total <= free:
        fig.legend(handles, labels, loc="outside upper right", ncols=len(handles), **options)
        return
    ncols = len(handles) if total <= SLIDE_SIZE_IN[0] * 72 - 160 else math.ceil(len(handles) / 2)
    fig.axes[0].legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncols=ncols,
                       borderaxespad=0.2, **options)


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{what}: expected a DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{what}: missing column(s) {missing}; columns are {list(table.columns)}")


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


def _as_dates(index) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(index)).normalize()


def _date_label(ts: pd.Timestamp, lang: str) -> str:
    return f"{ts.month}月{ts.day}日" if lang == "zh" else f"{ts.day} {ts.strftime('%b')}"


def _drop_total(table: pd.DataFrame, column: str) -> pd.DataFrame:
    return table[~table[column].astype(str).isin(["合计", "总计", "Total", "total"])]


# --------------------------------------------------------------------------- paired bars


def _paired_bars(table: pd.DataFrame, labels: list[str], *, title: str, lang: str, source, note, mask_below,
                 current_label: str, baseline_label: str):
    """Grouped vertical bars current vs baseline, value labels on bars, change label above each pair."""
    t = _t(lang)
    cur, base = _hide(table, "current", mask_below), _hide(table, "baseline", mask_below)
    pct = _pct_column(table).to_numpy(dtype=float)
    sig = _sig_column(table).to_numpy()
    extra = t["sig"] if sig.any() else ""
    fig, ax = _new_figure(title, _footer(lang, source, note, mask_below, extra))
    x = np.arange(len(table))
    width = 0.42
    cur_labels = ["*" if np.isinf(v) else _fmt(v, mask_below) for v in cur]
    base_labels = ["*" if np.isinf(v) else _fmt(v, mask_below) for v in base]
    hid = np.isinf(cur) | np.isinf(base)
    cur, base = np.where(np.isinf(cur), np.nan, cur), np.where(np.isinf(base), np.nan, base)  # a gap, not to scale
    # value labels as wide as a bar at most: the axes are about 14.5 in wide, a character ~0.55 em
    bar_pt = 14.5 * 72 / (len(table) + 0.2) * width
    chars = max([_width(s) for s in cur_labels + base_labels] + [1])
    size = int(min(_VALUE, max(12, bar_pt * 1.05 / (chars * 0.55))))
    b1 = ax.bar(x - width / 2, np.nan_to_num(cur), width, color=_CURRENT, label=current_label, zorder=3, gid="current")
    b2 = ax.bar(x + width / 2, np.nan_to_num(base), width, color=_NEUTRAL, label=baseline_label, zorder=3, gid="baseline")
    ax.bar_label(b1, labels=cur_labels, padding=3, fontsize=size)
    ax.bar_label(b2, labels=base_labels, padding=3, fontsize=size, color="#444444")
    top = float(np.nanmax(np.concatenate([cur, base, [1.0]])))
    for i in range(len(table)):
        text = "*" if hid[i] else _change_label(cur[i], base[i], pct[i], bool(sig[i]), lang, mask_below)
        if text:
            y = np.nanmax([cur[i], base[i], 0.0]) + top * 0.085
            ax.text(x[i], y, text, ha="center", va="bottom", fontsize=_CHANGE, fontweight=_bold(),
                    color=_change_colour(cur[i], base[i], bool(sig[i]), mask_below))
    ax.set_ylim(0, top * 1.28)
    wrap = max(4, min(16, 110 // max(len(table), 1)))
    ax.set_xticks(x, ["\n".join(_wrap(s, wrap)) for s in labels])
    ax.set_xlim(-0.6, len(table) - 0.4)
    _thousands(ax)
    ax.set_ylabel(t["count"], fontsize=_LABEL)
    ax.grid(axis="y", color="#E5E5E5", zorder=0)
    _legend(fig, [b1, b2], [current_label, baseline_label])
    return fig


def category_bars(table: pd.DataFrame, *, title: str | None = None, lang: str = "zh", source: str | None = None,
                  note: str | None = None, mask_below: int | None = None, current_label: str | None = None,
                  baseline_label: str | None = None, drop_total: bool = True):
    """Current against baseline by group (category), with the change above each pair.

    Parameters
    ----------
    table : DataFrame
        One row per group, in the order to draw: ``group`` (label), ``current`` and ``baseline``
        (counts; for a several-year baseline its mean), optional ``pct_change`` (in percent, 3.1 means
        +3.1 %; NaN when the baseline is too small, then the absolute change is shown) and optional
        ``significant`` (bool: the change label gets ▲/▼ and a colour). A total row (``合计``/``Total``)
        is left out unless ``drop_total=False``.

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    _require(table, ["group", "current", "baseline"], "category_bars")
    t = _t(lang)
    data = _drop_total(table, "group") if drop_total else table
    return _paired_bars(data.reset_index(drop=True), [str(g) for g in data["group"]], title=title or t["category"],
                        lang=lang, source=source, note=note, mask_below=mask_below,
                        current_label=current_label or t["current"], baseline_label=baseline_label or t["baseline"])


def holiday_days(table: pd.DataFrame, *, title: str | None = None, lang: str = "zh", source: str | None = None,
                 note: str | None = None, mask_below: int | None = None, current_label: str | None = None,
                 baseline_label: str | None = None):
    """Key days of a festival (除夕, 初一, 元宵 …) against the same lunar days last year.

    Parameters
    ----------
    table : DataFrame
        One row per day, in order: ``day`` (its name), ``current`` and ``baseline`` (counts that day),
        optional ``date`` (the current date, shown under the name), ``pct_change`` (percent) and
        ``significant`` (bool).

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    _require(table, ["day", "current", "baseline"], "holiday_days")
    t = _t(lang)
    labels = [str(d) for d in table["day"]]
    if "date" in table.columns:
        dates = pd.to_datetime(table["date"], errors="coerce")
        labels = [f"{name}\n{_date_label(d, lang)}" if not pd.isna(d) else name for name, d in zip(labels, dates)]
    return _paired_bars(table.reset_index(drop=True), labels, title=title or t["days"], lang=lang, source=source,
                        note=note, mask_below=mask_below, current_label=current_label or t["current"],
                        baseline_label=baseline_label or t["lunar_baseline"])


# --------------------------------------------------------------------------- districts


def district_bars(table: pd.DataFrame, *, title: str | None = None, lang: str = "zh", source: str | None = None,
                  note: str | None = None, mask_below: int | None = None, top: int = 20,
                  baseline_label: str | None = None, drop_total: bool = True):
    """Horizontal bars of the current count by district, largest on top; significant changes coloured.

    Parameters
    ----------
    table : DataFrame
        One row per district: ``group`` (district name), ``current``, ``baseline`` (drawn as a black
        tick on each bar), optional ``pct_change`` (percent) and ``significant`` (bool). A significant
        rise is vermillion, a significant fall blue, the rest grey. The ``top`` largest are drawn; the
        footer counts the rest.

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    _require(table, ["group", "current", "baseline"], "district_bars")
    t = _t(lang)
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
    fig, ax = _new_figure(title or t["district"], _footer(lang, source, note, mask_below, extra))
    colours = np.where(~sig, _NEUTRAL, np.where(cur > base, _RISE, _FALL))
    y = np.arange(len(data))
    ax.barh(y, np.nan_to_num(cur), height=0.68, color=colours, zorder=3, gid="current")
    ax.scatter(np.nan_to_num(base), y, marker="|", s=900 / max(1.0, len(data) / 10), linewidths=3,
               color="black", zorder=4, gid="baseline")
    size = _VALUE if len(data) <= 14 else max(13, int(_VALUE * 14 / len(data)))
    ends = np.fmax(np.nan_to_num(cur), np.nan_to_num(base))
    for i in range(len(data)):
        count = "*" if masked_cur[i] else _fmt(cur[i], mask_below)
        change = _change_label(cur[i], base[i], pct[i], bool(sig[i]), lang, mask_below)
        text = count if not change or count == "*" else (
            f"{count}（{change}）" if lang == "zh" else f"{count} ({change})")
        ax.annotate(text, (ends[i], y[i]), xytext=(10, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=size, color=_change_colour(cur[i], base[i], bool(sig[i]), mask_below))
    right = float(np.nanmax(np.concatenate([cur, base, [1.0]])))
    ax.set_xlim(0, right * 1.3)
    ax.set_yticks(y, [str(g) for g in data["group"]])
    ax.tick_params(axis="y", labelsize=_TICK if len(data) <= 14 else max(14, int(_TICK * 14 / len(data))))
    pad = max(6 - len(data), 0) / 2  # few districts: keep the bars slim, centred
    ax.set_ylim(-0.6 - pad, len(data) - 0.4 + pad)
    _thousands(ax, "x")
    ax.set_xlabel(t["count"], fontsize=_LABEL)
    ax.grid(axis="x", color="#E5E5E5", zorder=0)
    # legend: only the colours drawn, then the baseline tick
    shown = [(Patch(color=c), t[k]) for c, k in ((_RISE, "rise"), (_FALL, "fall"), (_NEUTRAL, "flat"))
             if (colours == c).any()]
    shown.append((Line2D([], [], color="black", marker="|", linestyle="none", markersize=22, markeredgewidth=3),
                   baseline_label or t["baseline"]))
    _legend(fig, [h for h, _ in shown], [label for _, label in shown])
    return fig


# --------------------------------------------------------------------------- daily trend


def _holiday_spans(holidays) -> pd.DataFrame:
    """Contiguous runs of named holiday days → DataFrame start, end, name."""
    if holidays is None:
        return pd.DataFrame(columns=["start", "end", "name"])
    if isinstance(holidays, pd.DataFrame):
        _require(holidays, ["date", "holiday"], "daily_trend holidays")
        days = pd.DataFrame({"date": _as_dates(holidays["date"]),
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
        _require(anomalies, ["date"], "daily_trend anomalies")
        flag = anomalies["flag"].astype(str) if "flag" in anomalies.columns else "high"
        return pd.DataFrame({"date": _as_dates(anomalies["date"]), "flag": flag}).reset_index(drop=True)
    return pd.DataFrame({"date": _as_dates(list(anomalies)), "flag": "high"})


def daily_trend(current: pd.Series, baselines: Sequence[pd.Series] | pd.Series | None = None, *,
                holidays=None, anomalies=None, title: str | None = None, lang: str = "zh",
                source: str | None = None, note: str | None = None, mask_below: int | None = None,
                current_label: str | None = None, baseline_labels: Sequence[str] | None = None,
                rolling: int | None = 7, labels: bool | None = None, ylabel: str | None = None):
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

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    t = _t(lang)
    if not isinstance(current, pd.Series) or current.empty:
        raise InputError("daily_trend: current must be a non-empty Series of daily counts indexed by date")
    cur = pd.Series(pd.to_numeric(current, errors="coerce").to_numpy(dtype=float),
                    index=_as_dates(current.index)).sort_index()
    if isinstance(baselines, pd.Series):
        baselines = [baselines]
    baselines = list(baselines or [])
    fig, ax = _new_figure(title or t["daily"], _footer(lang, source, note, mask_below))
    handles, names = [], []
    day = pd.Timedelta(days=1)
    first, last = cur.index[0], cur.index[-1]

    spans = _holiday_spans(holidays)
    spans = spans[(spans["end"] >= first) & (spans["start"] <= last)]
    top_tf = blended_transform_factory(ax.transData, ax.transAxes)
    # labels of neighbouring holidays take turns between two heights so that they never overlap: a label
    # is about 0.55 em a character at _VALUE pt on axes about 14.5 in wide
    per_day = 14.5 * 72 / max((last - first).days + 1, 1)
    right_edge, level = [-np.inf, -np.inf], 0
    for span in spans.itertuples(index=False):
        s, e = max(span.start, first), min(span.end, last)
        ax.axvspan(s - day / 2, e + day / 2, color=OKABE_ITO["yellow"], alpha=0.28, zorder=0, linewidth=0)
        centre = (s - first).days + (e - s).days / 2
        half = _width(str(span.name)) * _VALUE * 0.55 / 2 / per_day
        level = 0 if centre - half > right_edge[0] else 1 if centre - half > right_edge[1] else (level + 1) % 2
        right_edge[level] = centre + half
        ax.text(s + (e - s) / 2, 0.985 - 0.07 * level, span.name, transform=top_tf, ha="center", va="top", fontsize=_VALUE,
                color="#6B5E00")
    if len(spans):
        handles.append(Patch(color=OKABE_ITO["yellow"], alpha=0.5))
        names.append(t["holiday"])

    for i, series in enumerate(baselines):
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        if not isinstance(series.index, pd.RangeIndex):
            values = pd.Series(values, index=series.index).sort_index().to_numpy(dtype=float)
        x = first + pd.to_timedelta(np.arange(len(values)), unit="D")
        (line,) = ax.plot(x, values, color=_BASE_GREYS[min(i, 2)], linewidth=2.6, zorder=2, gid=f"baseline-{i}")
        handles.append(line)
        if baseline_labels is not None and i < len(baseline_labels):
            names.append(baseline_labels[i])
        else:
            names.append(t["baseline"] if len(baselines) == 1 else t["cmp"].format(i=i + 1))

    (line,) = ax.plot(cur.index, cur.to_numpy(), color=_CURRENT, linewidth=3.2 if len(cur) <= 45 else 2.4,
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
    for flag, marker, colour in (("high", "^", _RISE), ("low", "v", OKABE_ITO["purple"])):
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
            ax.annotate(_fmt(v, mask_below), (d, v), xytext=(0, 26 if d in marked else 14),
                        textcoords="offset points", ha="center",
                        va="bottom", fontsize=_VALUE - 2, color=_CURRENT, zorder=6)
    ax.set_xlim(first - day * 0.6, last + day * 0.6)
    ticks = pd.date_range(first, last, freq=f"{max(1, math.ceil(len(cur) / 10))}D")
    ax.set_xticks(ticks, [_date_label(d, lang) for d in ticks])
    _thousands(ax)
    ax.set_ylabel(ylabel or t["count"], fontsize=_LABEL)
    ax.grid(axis="y", color="#E5E5E5", zorder=0)
    _legend(fig, handles, names)
    return fig


# --------------------------------------------------------------------------- hours


def hourly_profile(current: pd.Series | Mapping[str, pd.Series], baseline: pd.Series | None = None, *,
                   midnight: bool = False, title: str | None = None, lang: str = "zh", source: str | None = None,
                   note: str | None = None, mask_below: int | None = None, current_label: str | None = None,
                   baseline_label: str | None = None, labels: bool | None = None, ylabel: str | None = None):
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

    Returns
    -------
    matplotlib.figure.Figure
        16x9 inches at 120 dpi.
    """
    t = _t(lang)
    series = dict(current) if isinstance(current, Mapping) else {current_label or t["current"]: current}
    if not series:
        raise InputError("hourly_profile: current is empty")
    hours = list(MIDNIGHT_HOURS) if midnight else list(range(24))
    x = np.arange(len(hours))
    fig, ax = _new_figure(title or t["hourly"], _footer(lang, source, note, mask_below))
    handles, names, tops = [], [], [1.0]
    if baseline is not None:
        values = pd.Series(pd.to_numeric(baseline, errors="coerce").to_numpy(dtype=float),
                           index=pd.Index(baseline.index).astype(int)).reindex(hours).to_numpy()
        values = _gaps(values, mask_below)
        (line,) = ax.plot(x, values, color=_BASE_GREYS[0], linewidth=3, linestyle="--", marker="s", markersize=7,
                          zorder=2, gid="baseline")
        handles.append(line)
        names.append(baseline_label or t["baseline"])
        tops.append(float(np.nanmax(np.append(values, 0.0))))
    show = labels if labels is not None else (midnight and len(series) == 1)
    for i, (name, s) in enumerate(series.items()):
        raw = pd.Series(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float),
                        index=pd.Index(s.index).astype(int)).reindex(hours).to_numpy()
        values = _gaps(raw, mask_below)
        (line,) = ax.plot(x, values, color=_SERIES[i % len(_SERIES)], linewidth=3.2, marker="o", markersize=8,
                          zorder=3, gid=f"current-{i}")
        handles.insert(i, line)
        names.insert(i, str(name))
        tops.append(float(np.nanmax(np.append(values, 0.0))))
        if show:
            for xi, v, r in zip(x, values, raw):
                if _is_missing(v) and not _is_missing(r):  # a masked count: a gap with * on the axis, not its height
                    ax.annotate("*", (xi, 0), xytext=(0, 6), textcoords="offset points", ha="center", va="bottom",
                                fontsize=_VALUE - 1, color=_SERIES[i % len(_SERIES)])
                elif not _is_missing(v):
                    ax.annotate(_fmt(v, mask_below), (xi, v), xytext=(0, 14), textcoords="offset points",
                                ha="center", va="bottom", fontsize=_VALUE - 1, color=_SERIES[i % len(_SERIES)])
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
                fontsize=_VALUE, color="#444444")
    _thousands(ax)
    ax.set_ylabel(ylabel or t["count"], fontsize=_LABEL)
    ax.grid(axis="y", color="#E5E5E5", zorder=0)
    _legend(fig, handles, names)
    return fig


# --------------------------------------------------------------------------- native chart data


def _native(kind: str, categories, series: Mapping[str, Sequence], lang: str, mask_below: int | None) -> dict:
    cats = list(categories)
    if cats and all(isinstance(c, pd.Timestamp | np.datetime64) or hasattr(c, "isoformat") for c in cats):
        cats = [_date_label(pd.Timestamp(c), lang) for c in cats]
    out: dict[str, list] = {}
    for name, values in series.items():
        arr = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype=float)
        if len(arr) != len(cats):
            raise InputError(f"native chart: series {name!r} has {len(arr)} values for {len(cats)} categories")
        keep = ~np.isnan(arr)
        if mask_below is not None:
            keep &= arr >= mask_below
        out[str(name)] = [float(v) if k else None for v, k in zip(arr, keep)]
    return {"type": kind, "categories": [str(c) for c in cats], "series": out}


def native_bar(categories: Sequence, series: Mapping[str, Sequence], *, lang: str = "zh",
               mask_below: int | None = None) -> dict:
    """Data for an editable PowerPoint bar chart (the ``native`` argument of ``Collector.chart``).

    Returns
    -------
    dict
        ``{"type": "bar", "categories": [str, ...], "series": {name: [float | None, ...]}}``; dates
        become ``1月21日`` (``21 Jan`` in English), NaN and counts below ``mask_below`` become None
        (an empty point, so the deck does not carry a redacted count).
    """
    return _native("bar", categories, series, lang, mask_below)


def native_line(categories: Sequence, series: Mapping[str, Sequence], *, lang: str = "zh",
                mask_below: int | None = None) -> dict:
    """Data for an editable PowerPoint line chart; same shape as :func:`native_bar` with ``"type": "line"``."""
    return _native("line", categories, series, lang, mask_below)
