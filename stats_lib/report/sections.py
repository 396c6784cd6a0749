"""The sections of the situation briefing, one builder per section, testable without a kernel.

Each builder takes the :class:`stats_lib.briefing.Context` made by :func:`stats_lib.briefing.prepare`
and returns a :class:`Section`: a heading in the report language, paragraphs of plain text, tables
(DataFrames whose headers are in the report language, as the reader sees them) and charts (matplotlib
Figures, with ``native`` data for an editable PowerPoint chart when the chart is a simple bar or line).
A section with nothing to show says so in one sentence instead of failing.

Counts below ``ctx.mask_below`` are shown as ``*`` in the text, the tables and the chart labels; a
change or a percentage derived from a masked count is masked too.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from stats_lib.report import charts
from stats_lib.report.narrative import fmt_count as nfmt
from stats_lib.report.words import category_label, pct_phrase, signed_pct
from stats_lib.tables import coverage
from stats_lib.windows import today_shanghai

if TYPE_CHECKING:  # pragma: no cover
    from stats_lib.report.context import Context

__all__ = ["Section", "Table", "Chart", "TITLES", "SECTIONS", "header", "overview", "categories", "daily", "hourly",
           "districts", "key_days", "anomalies", "data_notes", "focus", "comparison_frame", "daily_series",
           "hourly_profiles", "night_counts", "key_day_table", "ledger_table", "table_html", "window_text",
           "day_name", "fmt_count", "masked"]

#: Section headings in the report language.
TITLES = {
    "overview": ("一、总体情况", "1. Overview"),
    "categories": ("二、分类{kind}", "2. {kind} by category"),
    "daily": ("三、每日走势", "3. Daily trend"),
    "hourly": ("四、时段分布", "4. Time of day"),
    "districts": ("五、辖区分布", "5. Districts"),
    "key_days": ("六、重点时段", "6. Key days"),
    "anomalies": ("七、异常提示", "7. Anomalies"),
    "data_notes": ("八、数据说明", "8. Data notes"),
}

MINUS = "\u2212"  # typographic minus: reads well and is never taken for a formula by a spreadsheet
_FEST_ZH = {"除夕": "除夕", "春节": "春节", "元宵": "元宵节", "清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
_FEST_EN = {"除夕": "Lunar New Year's Eve", "春节": "Spring Festival", "元宵": "Lantern Festival",
            "清明": "Qingming", "端午": "Dragon Boat Festival", "中秋": "Mid-Autumn Festival",
            **{n: f"New Year day {i}" for i, n in enumerate(["初二", "初三", "初四", "初五", "初六", "初七"], start=2)}}
_LUNAR_DAYS = ["初一", "初二", "初三", "初四", "初五", "初六", "初七"]
_KIND_EN = {"警情": "Incidents", "案件": "Cases"}


# --------------------------------------------------------------------------------------------- types
@dataclass(frozen=True)
class Table:
    """A table as the reader sees it: ``frame`` has headers in the report language."""

    slug: str
    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart: the matplotlib Figure, and ``native`` data for an editable PowerPoint chart (or None)."""

    slug: str
    title: str
    figure: object
    native: dict | None = None


@dataclass(frozen=True)
class Section:
    """One section of the briefing.

    Attributes
    ----------
    key : str
        Short English key (``overview``, ``categories`` …).
    title : str
        Heading in the report language (``一、总体情况``).
    paragraphs : tuple of str
        Plain-text paragraphs, in order.
    tables, charts : tuple
        :class:`Table` and :class:`Chart` objects, in the order shown.
    fields : tuple of (label, value)
        Labelled lines (the report header: 统计时段, 对比时段 …), shown before the paragraphs.
    level : int
        Heading level (1 for the report title, 2 for a section).
    """

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    level: int = 2
    notes: tuple[str, ...] = field(default=())
    colon: str = "："

    @property
    def text(self) -> str:
        """All the words of the section (title, fields, paragraphs, notes) as plain text."""
        parts = [self.title] + [f"{k}{self.colon}{v}" for k, v in self.fields] + list(self.paragraphs) + list(self.notes)
        for t in self.tables:
            parts += [t.title, t.note]
        return "\n".join(p for p in parts if p)

    def markdown(self) -> str:
        """The section as Markdown (charts named, not embedded)."""
        out = ["#" * (self.level + 1) + " " + self.title, ""]
        if self.fields:
            out += [" ".join(f"**{k}**{self.colon}{v}" for k, v in self.fields), ""]
        out += [p + "\n" for p in self.paragraphs]
        for t in self.tables:
            out += [f"**{t.title}**", "", _markdown_table(t.frame), ""]
            if t.note:
                out += [t.note, ""]
        out += [f"*{c.title}*\n" for c in self.charts]
        out += [n + "\n" for n in self.notes]
        return "\n".join(out).rstrip() + "\n"

    def html(self) -> str:
        """The section as HTML (text escaped; tables with class ``dataframe``; no charts)."""
        tag = f"h{min(max(self.level, 1), 6)}"
        out = [f"<{tag}>{html.escape(self.title)}</{tag}>"]
        if self.fields:
            out.append("<p>" + "".join(f"<b>{html.escape(k)}</b>{html.escape(self.colon)}{html.escape(v)}<br>"
                                       for k, v in self.fields) + "</p>")
        out += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        for t in self.tables:
            out.append(table_html(t))
        out += [f'<p style="font-size:90%;color:#555">{html.escape(n)}</p>' for n in self.notes]
        return "\n".join(out)


def table_html(t: Table) -> str:
    """Return ``t`` as an HTML table with its title and note; counts get thousands separators."""
    frame = t.frame.copy()
    for col in frame.columns:
        frame[col] = frame[col].map(_cell)
    body = frame.to_html(index=False, classes="dataframe briefing-table", escape=True, na_rep="—", border=0)
    parts = [f"<p><b>{html.escape(t.title)}</b></p>", body]
    if t.note:
        parts.append(f'<p style="font-size:90%;color:#555">{html.escape(t.note)}</p>')
    return "\n".join(parts)


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    if isinstance(v, bool | np.bool_):
        return str(v)
    if isinstance(v, int | np.integer):
        return f"{int(v):,}"
    if isinstance(v, float | np.floating):
        return f"{float(v):,.1f}"
    return str(v)


def _markdown_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    sep = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, sep, *rows])


# ------------------------------------------------------------------------------------- formatting
def _zh(ctx: Context) -> bool:
    return ctx.lang != "en"


def _t(ctx: Context, zh: str, en: str) -> str:
    return zh if _zh(ctx) else en


def _title(ctx: Context, key: str) -> str:
    zh, en = TITLES[key]
    return (zh if _zh(ctx) else en).format(kind=ctx.kind if _zh(ctx) else _KIND_EN.get(ctx.kind, ctx.kind))


def masked(n: object, mask_below: int | None) -> bool:
    """True when count ``n`` is shown as ``*``: ``n < mask_below`` (zero too, as on the charts)."""
    if mask_below is None or n is None or (isinstance(n, float) and np.isnan(n)):
        return False
    return float(n) < mask_below


def fmt_count(n: object, mask_below: int | None = None) -> str:
    """Format a count for reading: ``1,234``, one decimal for a mean (``12.3``), ``*`` when masked."""
    if n is None or (isinstance(n, float) and np.isnan(n)):
        return "—"
    if masked(n, mask_below):
        return "*"
    if float(n) != round(float(n)):
        return f"{float(n):,.1f}"
    return nfmt(int(round(float(n))), mask_below)


def _cell_count(n: object, mask_below: int | None) -> object:
    """A count for a table cell: a number (int, or float rounded to 0.1), or ``*`` when masked."""
    if n is None or (isinstance(n, float) and np.isnan(n)):
        return None
    if masked(n, mask_below):
        return "*"
    f = float(n)
    return int(round(f)) if f == round(f) else round(f, 1)


def _signed(x: float, decimals: int = 0, suffix: str = "") -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "—"
    val = round(float(x), decimals)
    if val == 0:
        return f"{0:.{decimals}f}{suffix}"
    sign = "+" if val > 0 else MINUS
    return f"{sign}{abs(val):,.{decimals}f}{suffix}"


def _pct_text(row: pd.Series, ctx: Context) -> str:
    """同比 cell: ``+3.1%``, ``持平``, the small-count words ``由4起增至213起``, or ``*`` when masked."""
    cur, base = row["current"], row["baseline"]
    if masked(cur, ctx.mask_below) or masked(base, ctx.mask_below):
        return "*"
    pct = row.get("pct_change")
    if pct is None or (isinstance(pct, float) and np.isnan(pct)):
        if float(cur) == float(base):
            return _t(ctx, "持平", "unchanged")
        a, b = fmt_count(base, ctx.mask_below), fmt_count(cur, ctx.mask_below)
        if float(cur) > float(base):
            return _t(ctx, f"由{a}起增至{b}起", f"from {a} to {b}")
        return _t(ctx, f"由{a}起降至{b}起", f"from {a} to {b}")
    return signed_pct(float(pct), row.get("direction"))


def _change_text(row: pd.Series, ctx: Context) -> str:
    if masked(row["current"], ctx.mask_below) or masked(row["baseline"], ctx.mask_below):
        return "*"
    return _signed(float(row["change"]), 0 if float(row["change"]) == round(float(row["change"])) else 1)


def _sig_text(row: pd.Series, ctx: Context) -> str:
    if not bool(row.get("significant", False)):
        return "—"
    up = float(row["current"]) / max(float(row["current_days"]), 1e-9) > \
        float(row["baseline"]) / max(float(row["baseline_days"]), 1e-9)
    return ("▲ " if up else "▼ ") + _t(ctx, "显著", "significant")


def _share_text(row: pd.Series) -> str:
    s = row.get("share")
    if s is None or (isinstance(s, float) and np.isnan(s)):
        return "—"
    return f"{float(s):.1f}%"  # compare gives percent


def _group_label(value: object, ctx: Context) -> str:
    """A group as the reader sees it: the Chinese name, or its English label (taxonomy) with lang="en"."""

    return category_label("" if value is None else str(value), ctx.lang)


def comparison_frame(cmp, ctx: Context, first: str) -> pd.DataFrame:
    """The reader's table of a comparison: one row per group and the total row last.

    Columns (zh): ``first``, 本期, 日均, <baseline name>, 增减, 同比, 占比, 显著性. Counts are numbers
    (``*`` when masked); the other cells are text as printed (``+3.1%``, ``由4起增至213起``, ``▲ 显著``).
    """
    t = cmp.table
    base_name = ctx.baseline_name
    rows = []
    for i, (_, r) in enumerate(t.iterrows()):
        is_total = i == len(t) - 1
        rows.append({
            first: _t(ctx, "合计", "Total") if is_total else _group_label(r["group"], ctx),
            _t(ctx, "本期", "Current"): _cell_count(r["current"], ctx.mask_below),
            _t(ctx, "日均", "Per day"): ("*" if masked(r["current"], ctx.mask_below)
                                        else round(float(r["current_daily_mean"]), 1)),
            base_name: _cell_count(r["baseline"], ctx.mask_below),
            _t(ctx, "增减", "Change"): _change_text(r, ctx),
            _t(ctx, "同比", "% change") if ctx.baseline.mode != "previous" else _t(ctx, "环比", "% change"):
                _pct_text(r, ctx),
            _t(ctx, "占比", "Share"): "*" if masked(r["current"], ctx.mask_below) else _share_text(r),
            _t(ctx, "显著性", "Significance"): _sig_text(r, ctx),
        })
    return pd.DataFrame(rows)


def _sig_note(ctx: Context) -> str:
    mb = ctx.min_base
    return _t(ctx, "「▲ 显著」「▼ 显著」：经多项比较校正（Benjamini–Hochberg，校正范围为本表各行，合计行单独检验）后 p < 0.05"
                   f"（率比区间未校正）。本期或对比期（按本期天数折算）小于{mb}起时不计算百分比。",
              "'▲/▼ significant': p < 0.05 after correction for multiple comparisons (Benjamini–Hochberg over the "
              "rows of this table; the total is tested on its own; intervals are not adjusted). No percentage is "
              f"given when the current count or the baseline (scaled to the current window's days) is below {mb}.")


def _date_text(d: dt.date, ctx: Context, *, year: bool = False) -> str:
    if _zh(ctx):
        return (f"{d.year}年" if year else "") + f"{d.month}月{d.day}日"
    return f"{d.day} {d:%b}" + (f" {d.year}" if year else "")


def day_name(d: dt.date, ctx: Context) -> str:
    """The festival a date is (``除夕``, ``春节``, ``元宵节`` …), or '' — from calendar.festivals."""
    names = ctx.festival_days.get(d)
    if not names:
        return ""
    return (_FEST_ZH if _zh(ctx) else _FEST_EN).get(names, names)


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def _rows(cmp) -> pd.DataFrame:
    """Group rows of a comparison (the total row, last, dropped)."""
    return cmp.table.iloc[:-1]


def _total(cmp) -> pd.Series:
    return cmp.table.iloc[-1]


def _charts():

    return charts


# ----------------------------------------------------------------------------------------- header
def header(ctx: Context) -> Section:
    """The report header: title, 统计时段, 对比时段 (with the mode named), 数据截至, 检验方法."""
    w = ctx.window
    period = w.name if _zh(ctx) else (w.name_en or w.slug.replace("-", " ").capitalize())
    place = "、".join(ctx.districts) or ctx.city
    if _zh(ctx):
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
        (_t(ctx, "统计时段", "Period"), window_text(w, ctx) + _t(ctx, f"，共{days}天。", f", {days} days.")),
        (_t(ctx, "对比时段", "Compared with"), "；".join(window_text(b, ctx) for b in ctx.baseline.windows)
         + _t(ctx, f"，{ctx.baseline_name}。", f", {ctx.baseline_phrase}.")),
        (_t(ctx, "数据截至", "Data as of"),
         _t(ctx, f"{_date_text(ctx.cutoff, ctx, year=True)}{cut_hour}时"
                 + ("（当日尚未结束，最后一条记录在此前一小时内，当日数据不完整）。" if partial is not None else "。"),
            f"{cut_hour:02d}:00 on {_date_text(ctx.cutoff, ctx, year=True)}"
            + (" (the day is not over: its last record is in the hour before; the day is partial)."
               if partial is not None else "."))),
        (_t(ctx, "检验方法", "Test"), ctx.test_text),
    ]
    notes = []
    if ctx.districts or ctx.categories:
        sel = "、".join(list(ctx.districts or []) + list(ctx.categories or []))
        notes.append(_t(ctx, f"本报告仅含：{sel}。", f"This report covers only: {', '.join(list(ctx.districts or []) + list(ctx.categories or []))}."))
    if ctx.mask_below:
        notes.append(_t(ctx, f"小于{ctx.mask_below}的数字以“*”表示。",
                        f"Counts below {ctx.mask_below} are shown as '*'."))
    return Section("header", title, fields=tuple(fields), level=1, notes=tuple(notes), colon=_t(ctx, "：", ": "))


def partial_day_hour(ctx: Context) -> int | None:
    """The hour (1-24) just after the last record, when the report's last day is today or later (not over).

    None when the last day is complete (before today in Asia/Shanghai) or there is no hourly table.
    """
    if ctx.cutoff < today_shanghai() or ctx.hourly is None:
        return None
    h = ctx.hourly[(ctx.hourly["date"] == pd.Timestamp(ctx.cutoff)) & (ctx.hourly["count"] > 0)]
    return int(h["hour"].max()) + 1 if len(h) else 0


def window_text(w, ctx: Context) -> str:
    """``2023年1月21日（除夕）至2月5日（元宵节）`` — the window's dates with their festival names."""
    def one(d: dt.date, year: bool, hour: int | None) -> str:
        s = _date_text(d, ctx, year=year)
        if hour is not None:
            s += _t(ctx, f"{hour}时", f" {hour:02d}:00")
        name = day_name(d, ctx)
        return s + (_t(ctx, f"（{name}）", f" ({name})") if name else "")

    hours = not w.whole_days
    left = one(w.start, True, w.start_hour if hours else None)
    if w.start == w.end and not hours:
        return left
    right = one(w.end, w.end.year != w.start.year or not _zh(ctx), w.end_hour if hours else None)
    return left + _t(ctx, "至", " to ") + right


# --------------------------------------------------------------------------------------- sections
def overview(ctx: Context) -> Section:
    """一、总体情况: the headline figures and the narrative paragraph.

    Table 总体情况: one row for all incidents (and valid incidents, and cases when present), columns as
    :func:`comparison_frame` without 占比.
    """
    if ctx.total is None:
        return Section("overview", _title(ctx, "overview"),
                       (_t(ctx, "统计时段内没有数据。", "There are no records in the period."),))
    rows = [(_t(ctx, f"全部{ctx.kind}", f"All {ctx.kind_en.lower()}"), ctx.total)]
    if ctx.valid is not None:
        rows.append((_t(ctx, "有效警情", "Valid incidents"), ctx.valid))
    if ctx.cases_total is not None:
        rows.append((_t(ctx, "案件", "Cases"), ctx.cases_total))
    frames = []
    for label, cmp in rows:
        f = comparison_frame(cmp, ctx, _t(ctx, "项目", "Item")).iloc[[-1]].copy()
        f.iloc[0, 0] = label
        frames.append(f.drop(columns=[_t(ctx, "占比", "Share")]))
    table = pd.concat(frames, ignore_index=True)
    paragraphs = [ctx.narrative]
    return Section("overview", _title(ctx, "overview"), tuple(p for p in paragraphs if p),
                   tables=(Table("overview", _t(ctx, "总体情况", "Overview"), table, _sig_note(ctx)),))


def categories(ctx: Context) -> Section:
    """二、分类警情: the table by category (and cases by 案由 when case data is present) with a bar chart."""
    title = _title(ctx, "categories")
    if ctx.by_category is None or _rows(ctx.by_category).empty:
        return Section("categories", title, (_t(ctx, "统计时段内没有分类数据。", "No categories in the period."),))
    first = _t(ctx, "类别", "Category")
    frame = comparison_frame(ctx.by_category, ctx, first)
    tables = [Table("categories", _t(ctx, f"分类{ctx.kind}", f"{ctx.kind_en} by category"), frame, _sig_note(ctx))]
    paragraphs = []
    if ctx.cases is not None and not _rows(ctx.cases).empty:
        by_offence = "subcategory" in ctx.cases.by
        cf = comparison_frame(ctx.cases, ctx, _t(ctx, "案由", "Offence") if by_offence else _t(ctx, "类别", "Category"))
        tables.append(Table("cases", _t(ctx, "案件（按案由）", "Cases by offence") if by_offence
                            else _t(ctx, "案件（按类别）", "Cases by category"), cf, _sig_note(ctx)))
        if not by_offence:
            paragraphs.append(_t(ctx, "统计时段按小时截取，分时数据不含案由，案件按类别列示。",
                                 "The period is cut at an hour and the hourly table has no offence: cases are "
                                 "shown by category."))
    elif ctx.kind == "警情":
        paragraphs.append(_t(ctx, "未提供案件数据，不列案由表。", "No case data: the table by offence is left out."))
    chart = _category_chart(ctx)
    return Section("categories", title, tuple(paragraphs), tables=tuple(tables), charts=(chart,) if chart else ())


def _bar_input(cmp, ctx: Context) -> pd.DataFrame:
    """Plain frame for the bar charts: group (label), current, baseline, pct_change, significant."""
    r = _rows(cmp)
    return pd.DataFrame({
        "group": [_group_label(g, ctx) for g in r["group"]],
        "current": r["current"].astype(float).to_numpy(),
        "baseline": r["baseline"].astype(float).to_numpy(),
        "pct_change": r["pct_change"].astype(float).to_numpy(),
        "significant": r["significant"].astype(bool).to_numpy(),
    })


def _native(kind: str, categories, series: dict, ctx: Context) -> dict:
    """Data for an editable PowerPoint chart; masked counts become empty points (charts.native_bar/line)."""
    c = _charts()
    make = c.native_bar if kind == "bar" else c.native_line
    return make([str(x) for x in categories], series, lang=ctx.lang, mask_below=ctx.mask_below)


def _native_bar(frame: pd.DataFrame, ctx: Context) -> dict:
    return _native("bar", frame["group"], {_t(ctx, "本期", "Current"): list(frame["current"]),
                                           ctx.baseline_name: list(frame["baseline"])}, ctx)


def _category_chart(ctx: Context) -> Chart | None:
    frame = _bar_input(ctx.by_category, ctx)
    title = _t(ctx, f"分类{ctx.kind}：本期与{ctx.baseline_name}", f"{ctx.kind_en} by category vs {ctx.baseline_phrase}")
    fig = _charts().category_bars(frame, title=title, baseline_label=ctx.baseline_name, lang=ctx.lang,
                                  mask_below=ctx.mask_below, source=ctx.source_line)
    native = _native_bar(frame, ctx)
    return Chart("categories", _t(ctx, "分类对比", "Categories"), fig, native)


def daily_series(ctx: Context) -> tuple[pd.Series, list[pd.Series]]:
    """Daily totals of the main kind: the window's (indexed by date) and each baseline window's.

    Days without records count as zero. Returns ``(current, [baseline_1, ...])``; each a Series of
    int64 counts indexed by ``datetime64`` date over that window's days.
    """
    d = ctx.daily[ctx.daily["kind"] == ctx.kind]
    per_day = d.groupby("date")["count"].sum()

    def window_series(w) -> pd.Series:
        idx = pd.date_range(w.start, w.end, freq="D")
        return per_day.reindex(idx, fill_value=0).astype("int64").rename_axis("date")

    return window_series(ctx.window), [window_series(b) for b in ctx.baseline.windows]


def daily(ctx: Context) -> Section:
    """三、每日走势: daily counts vs the aligned baseline window(s), 7-day mean, holidays shaded, anomalies."""
    title = _title(ctx, "daily")
    current, bases = daily_series(ctx)
    if int(current.sum()) == 0:
        return Section("daily", title, (_t(ctx, "统计时段内没有数据。", "There are no records in the period."),))
    hi, lo = current.idxmax().date(), current.idxmin().date()
    mb = ctx.mask_below
    mean_text = "*" if masked(current.sum(), mb) else f"{current.mean():,.1f}"
    par = _t(ctx,
             f"日均{mean_text}起；最多为{_date_text(hi, ctx)}"
             f"{_paren(day_name(hi, ctx), ctx)}{fmt_count(current.max(), mb)}起，最少为{_date_text(lo, ctx)}"
             f"{_paren(day_name(lo, ctx), ctx)}{fmt_count(current.min(), mb)}起。",
             f"{mean_text} a day; the most on {_date_text(hi, ctx)}"
             f"{_paren(day_name(hi, ctx), ctx)} ({fmt_count(current.max(), mb)}), the fewest on "
             f"{_date_text(lo, ctx)}{_paren(day_name(lo, ctx), ctx)} ({fmt_count(current.min(), mb)}).")
    anomalies = _flagged(ctx, total_only=True)
    chart_title = _t(ctx, f"每日{ctx.kind}：本期与{ctx.baseline_name}", f"Daily {ctx.kind_en.lower()} vs {ctx.baseline_phrase}")
    labels = [ctx.baseline_name] if len(bases) == 1 else [str(w.start.year) for w in ctx.baseline.windows]
    fig = _charts().daily_trend(current, bases, holidays=ctx.holidays, anomalies=anomalies, title=chart_title,
                                baseline_labels=labels, lang=ctx.lang, mask_below=mb, source=ctx.source_line)
    cats = [_date_text(d.date(), ctx) for d in current.index]
    series = {_t(ctx, "本期", "Current"): [float(v) for v in current]}
    for name, b in zip(labels, bases):
        vals = [float(v) for v in b][: len(cats)]
        series[name] = vals + [None] * (len(cats) - len(vals))
    native = _native("line", cats, series, ctx)
    note = _t(ctx, "灰线为对比期（按对比方式逐日对齐），粗线为7日均线，底色为法定节假日，圆点为异常日。",
              "Grey: the baseline, aligned day by day; thick line: 7-day mean; shading: public holidays; "
              "dots: flagged days.")
    if not ctx.window.whole_days:
        note += _t(ctx, "统计时段按小时截取，本图及日均按整日计。",
                   " The period is cut at an hour; this chart and its daily mean count whole days.")
    return Section("daily", title, (par,), charts=(Chart("daily", _t(ctx, "每日走势", "Daily trend"), fig, native),),
                   notes=(note,))


def _paren(name: str, ctx: Context) -> str:
    return _t(ctx, f"（{name}）", f" ({name})") if name else ""


def hourly_profiles(ctx: Context, hourly: pd.DataFrame | None = None) -> tuple[pd.Series, pd.Series] | None:
    """Mean count per day in each hour (0-23): the window's and the baseline windows'.

    Returns ``(current, baseline)``, float Series indexed 0-23, or None without an hourly table.
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

    return profile([ctx.window]), profile(ctx.baseline.windows)


def night_counts(hourly: pd.DataFrame, day: dt.date, *, category: str | None = None) -> pd.Series:
    """Counts by hour for the night of ``day``: 18-23 h of ``day`` then 0-6 h of the next day.

    Returns an int64 Series of 13 values indexed by labels ``18 … 23, 0 … 6``.
    """
    h = hourly if category is None else hourly[hourly["category"] == category]
    d0, d1 = pd.Timestamp(day), pd.Timestamp(day + dt.timedelta(days=1))
    eve = h[(h["date"] == d0) & (h["hour"] >= 18)].groupby("hour")["count"].sum().reindex(range(18, 24), fill_value=0)
    morn = h[(h["date"] == d1) & (h["hour"] <= 6)].groupby("hour")["count"].sum().reindex(range(7), fill_value=0)
    return pd.concat([eve, morn]).astype("int64")


def hourly(ctx: Context) -> Section:
    """四、时段分布: hour-of-day profile vs the baseline; the hours around midnight of 除夕 and 元宵."""
    title = _title(ctx, "hourly")
    prof = hourly_profiles(ctx)
    if prof is None:
        return Section("hourly", title, (_t(ctx, "时段分布需要逐条记录数据（含报警时间）；本次输入为按日汇总数据。",
                                            "The time-of-day profile needs record-level data with times; the input "
                                            "here is daily totals."),))
    cur, base = prof
    if cur.sum() == 0:
        return Section("hourly", title, (_t(ctx, "统计时段内没有逐时数据。", "No hourly records in the period."),))
    peak = int(cur.idxmax())
    nb = sum(w.days for w in ctx.baseline.windows)
    now_mean = "*" if masked(cur.max() * ctx.window.days, ctx.mask_below) else f"{cur.max():.1f}"
    base_mean = "*" if masked(base[peak] * nb, ctx.mask_below) else f"{base[peak]:.1f}"
    paragraphs = [_t(ctx, f"本期{ctx.kind}以{peak}时至{peak + 1}时最多（日均{now_mean}起），"
                          f"{ctx.baseline_name}同时段日均{base_mean}起。",
                          f"The busiest hour is {peak:02d}:00-{peak + 1:02d}:00 ({now_mean} a day), against "
                          f"{base_mean} a day in the same hour in {ctx.baseline_phrase}.")]
    fig = _charts().hourly_profile(cur, base, title=_t(ctx, "各时段日均：本期与" + ctx.baseline_name,
                                                       f"Mean per day by hour vs {ctx.baseline_phrase}"),
                                   baseline_label=ctx.baseline_name, lang=ctx.lang, source=ctx.source_line)
    hours = [_t(ctx, f"{i}时", f"{i:02d}h") for i in range(24)]
    # means per day: masked where the count behind them (mean x days) is below mask_below
    ndays = {"cur": ctx.window.days, "base": sum(w.days for w in ctx.baseline.windows)}
    mb = ctx.mask_below or 0
    series = {_t(ctx, "本期", "Current"): [None if v * ndays["cur"] < mb else round(float(v), 2) for v in cur],
              ctx.baseline_name: [None if v * ndays["base"] < mb else round(float(v), 2) for v in base]}
    charts = [Chart("hourly", _t(ctx, "时段分布", "Time of day"), fig,
                    _charts().native_line(hours, series, lang=ctx.lang))]
    h = ctx.hourly[ctx.hourly["kind"] == ctx.kind]
    cover = coverage(ctx.daily, ctx.ledger)
    for d, name, d_prev in ctx.nights:
        now, before = night_counts(h, d), night_counts(h, d_prev)
        label = day_name(d, ctx) or name
        # A night on the window's last day is cut at 24时: the report's data end there.
        cut = d >= ctx.window.end
        peak_hours = [22, 23] if cut else [22, 23, 0, 1]
        if cut:
            now = now.astype("float64")
            now.loc[list(range(7))] = float("nan")
        peak_now = int(now.loc[peak_hours].sum())
        span_zh, span_en = ("22时至24时", "22:00 and midnight") if cut else ("22时至次日2时", "22:00 and 02:00")
        if cover.first <= d_prev and d_prev + dt.timedelta(days=1) <= cover.last:
            peak_before = fmt_count(int(before.loc[peak_hours].sum()), ctx.mask_below)
            then_zh, then_en = f"去年{label}同时段{peak_before}起", f"{peak_before} on the same night last year"
        else:  # last year's night is outside the data: no count, never a zero
            before = before.astype("float64") * float("nan")
            then_zh, then_en = "去年同期无数据", "no data for the same night last year"
        sent = _t(ctx, f"{label}夜（{_date_text(d, ctx)}）{span_zh}接报{fmt_count(peak_now, ctx.mask_below)}起"
                       f"（{then_zh}）",
                  f"On {label} night ({_date_text(d, ctx)}), {fmt_count(peak_now, ctx.mask_below)} between {span_en} "
                  f"({then_en})")
        if "火灾" in set(h["category"]):
            fire = int(night_counts(h, d, category="火灾").loc[peak_hours].sum())
            sent += _t(ctx, f"，其中火灾警情{fmt_count(fire, ctx.mask_below)}起。",
                       f", of which {fmt_count(fire, ctx.mask_below)} fire calls.")
        else:
            sent += _t(ctx, "。", ".")
        paragraphs.append(sent)
        nfig = _charts().hourly_profile(now, before, midnight=True, lang=ctx.lang, mask_below=ctx.mask_below,
                                        title=_t(ctx, f"{label}夜逐小时{ctx.kind}（18时至次日6时）",
                                                 f"{label} night by hour (18:00 to 06:00)"),
                                        current_label=_t(ctx, f"{d.year}年{label}", f"{label} {d.year}"),
                                        baseline_label=_t(ctx, f"{d_prev.year}年{label}", f"{label} {d_prev.year}"),
                                        source=ctx.source_line)
        cats = [_t(ctx, f"{i}时", f"{i:02d}h") for i in now.index]
        now_values = [None if pd.isna(v) else int(v) for v in now]
        before_values = [None if pd.isna(v) else int(v) for v in before]
        native = _native("line", cats, {str(d.year): now_values, str(d_prev.year): before_values}, ctx)
        charts.append(Chart(f"night-{d.isoformat()}", _t(ctx, f"{label}夜时段分布", f"{label} night by hour"), nfig,
                            native))
    return Section("hourly", title, tuple(paragraphs), charts=tuple(charts))


def districts(ctx: Context) -> Section:
    """五、辖区分布: table and bar chart by district, the largest significant changes, 零发案 districts."""
    title = _title(ctx, "districts")
    if ctx.by_district is None or _rows(ctx.by_district).empty:
        return Section("districts", title, (_t(ctx, "数据中没有辖区信息。", "The data has no districts."),))
    r = _rows(ctx.by_district)
    if set(r["group"].astype(str)) <= {""}:
        return Section("districts", title, (_t(ctx, "数据中没有辖区信息。", "The data has no districts."),))
    frame = comparison_frame(ctx.by_district, ctx, _t(ctx, "辖区", "District"))
    paragraphs = []
    sig = r[r["significant"].astype(bool)]
    if not sig.empty:
        order = sig.assign(_abs=(sig["current"] - sig["baseline"]).abs()).sort_values("_abs", ascending=False)
        parts = []
        for _, row in order.head(3).iterrows():
            parts.append(_t(ctx, f"{_group_label(row['group'], ctx)}{ctx.kind}{_change_words(row, ctx)}（显著）",
                            f"{_group_label(row['group'], ctx)} {_change_words(row, ctx)} (significant)"))
        paragraphs.append(_t(ctx, "；".join(parts) + "。", "; ".join(parts) + "."))
    else:
        paragraphs.append(_t(ctx, "各辖区变化均不显著。", "No district's change is significant."))
    if ctx.zero_text and not ctx.mask_below:
        paragraphs.append(ctx.zero_text)
    bar = _bar_input(ctx.by_district, ctx)
    fig = _charts().district_bars(bar, title=_t(ctx, f"各辖区{ctx.kind}：本期与{ctx.baseline_name}",
                                                f"{ctx.kind_en} by district vs {ctx.baseline_phrase}"),
                                  baseline_label=ctx.baseline_name, lang=ctx.lang, mask_below=ctx.mask_below,
                                  source=ctx.source_line)
    native = _native_bar(bar, ctx)
    return Section("districts", title, tuple(paragraphs),
                   tables=(Table("districts", _t(ctx, "辖区分布", "Districts"), frame, _sig_note(ctx)),),
                   charts=(Chart("districts", _t(ctx, "辖区对比", "Districts"), fig, native),))


def _change_words(row: pd.Series, ctx: Context) -> str:
    """``同比上升14.8%`` / ``up 14.8%`` / the small-count words, for a comparison row."""
    txt = _pct_text(row, ctx)
    if txt in ("*", "持平", "unchanged") or txt.startswith(("由", "from")):
        return txt if txt != "*" else _t(ctx, "变化幅度不公开", "change masked")
    direction = row.get("direction") or ("up" if float(row["current"]) > float(row["baseline"]) else "down")
    return _t(ctx, f"{ctx.change_word}{pct_phrase(float(row['pct_change']), direction, 'zh')}",
              pct_phrase(float(row["pct_change"]), direction, "en"))


def key_day_table(ctx: Context) -> pd.DataFrame:
    """Counts on the key festival days inside the window and on the same lunar days a year earlier.

    Returns columns ``name`` (除夕, 初一 … 初七, 元宵), ``date``, ``date_before``, ``current``,
    ``baseline`` (int64), ``p_value`` (exact conditional test, one day against one day) and
    ``p_adjusted`` (Benjamini–Hochberg over the days).
    """
    d = ctx.daily[ctx.daily["kind"] == ctx.kind]
    per_day = d.groupby("date")["count"].sum()
    rows = ctx.key_days
    if not rows:
        return pd.DataFrame(columns=["name", "date", "date_before", "current", "baseline", "p_value", "p_adjusted"])
    out = pd.DataFrame(rows, columns=["name", "date", "date_before"])
    out["current"] = per_day.reindex(pd.to_datetime(out["date"]), fill_value=0).to_numpy().astype("int64")
    base = per_day.reindex(pd.to_datetime(out["date_before"]), fill_value=0).astype("Int64")
    # a day outside the data's coverage has no count: 去年同期无数据, never zero (inside, a zero is a real zero)
    cover = coverage(ctx.daily, ctx.ledger)
    seen = np.array([cover.first <= pd.Timestamp(x).date() <= cover.last for x in out["date_before"]], dtype=bool)
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
    """六、重点时段: the festival days inside the window against the same lunar days last year."""
    title = _title(ctx, "key_days")
    kd = key_day_table(ctx)
    if kd.empty:
        return Section("key_days", title, (_t(ctx, "统计时段内没有重点节日。", "No festival day falls in the period."),))
    rows = []
    no_data = _t(ctx, "去年同期无数据", "no data last year")
    for _, r in kd.iterrows():
        label = {_t(ctx, "时段", "Day"): _key_day_label(r["name"], ctx),
                 _t(ctx, "日期", "Date"): _date_text(r["date"], ctx),
                 _t(ctx, "本期", "Current"): _cell_count(r["current"], ctx.mask_below)}
        if pd.isna(r["baseline"]):
            rows.append({**label, _t(ctx, "去年农历同期", "Same lunar day last year"): no_data,
                         _t(ctx, "同比", "% change"): "—", _t(ctx, "显著性", "Significance"): "—"})
            continue
        cur, bas = int(r["current"]), int(r["baseline"])
        row = pd.Series({"current": cur, "baseline": bas, "current_days": 1, "baseline_days": 1,
                         "pct_change": (cur / bas - 1) * 100 if min(cur, bas) >= ctx.min_base else np.nan,
                         "change": cur - bas, "significant": r["p_adjusted"] < 0.05,
                         "direction": "up" if cur > bas else "down" if cur < bas else "flat"})
        rows.append({**label, _t(ctx, "去年农历同期", "Same lunar day last year"): _cell_count(bas, ctx.mask_below),
                     _t(ctx, "同比", "% change"): _pct_text(row, ctx),
                     _t(ctx, "显著性", "Significance"): _sig_text(row, ctx)})
    frame = pd.DataFrame(rows)
    note = _t(ctx, "去年农历同期：去年同一农历日（如除夕对除夕）。显著性：单日精确条件检验（泊松），多日经 Benjamini–Hochberg 校正。",
              "Same lunar day last year: e.g. New Year's Eve against New Year's Eve. Significance: exact conditional "
              "test of one day against one day, Benjamini–Hochberg across the days.")
    plot = pd.DataFrame({"day": frame.iloc[:, 0], "date": pd.to_datetime(kd["date"]),
                         "current": kd["current"].astype(float),
                         "baseline": pd.to_numeric(kd["baseline"], errors="coerce").astype(float),
                         "pct_change": [(a / b - 1) * 100 if not pd.isna(b) and min(a, b) >= ctx.min_base else np.nan
                                        for a, b in zip(kd["current"], kd["baseline"])],
                         "significant": kd["p_adjusted"].to_numpy() < 0.05})
    fig = _charts().holiday_days(plot, title=_t(ctx, "重点时段：本期与去年农历同期", "Key days vs the same lunar days last year"),
                                 baseline_label=_t(ctx, "去年农历同期", "Last year"), lang=ctx.lang,
                                 mask_below=ctx.mask_below, source=ctx.source_line)
    native = _native("bar", plot["day"], {_t(ctx, "本期", "Current"): list(plot["current"]),
                                          _t(ctx, "去年农历同期", "Last year"): [
                                              None if pd.isna(v) else v for v in plot["baseline"]]}, ctx)
    sig = kd[kd["p_adjusted"] < 0.05]
    missing = kd[kd["baseline"].isna()]
    if len(missing) == len(kd):
        par = _t(ctx, "数据不含去年农历同期，各重点日不作同比。",
                 "The data do not cover the same lunar days last year: no comparison on the key days.")
    elif sig.empty:
        par = _t(ctx, "各重点日与去年农历同期相比变化均不显著。",
                 "On no key day is the change against last year significant.")
    else:
        par = _t(ctx, "与去年农历同期相比变化显著的有：" + "、".join(_key_day_label(n, ctx) for n in sig["name"]) + "。",
                 "Significant changes against last year on: " + ", ".join(_key_day_label(n, ctx) for n in sig["name"]) + ".")
    return Section("key_days", title, (par,),
                   tables=(Table("key-days", _t(ctx, "重点时段", "Key days"), frame, note),),
                   charts=(Chart("key-days", _t(ctx, "重点时段", "Key days"), fig, native),))


def _key_day_label(name: str, ctx: Context) -> str:
    if _zh(ctx):
        return {"元宵": "元宵节"}.get(name, name)
    en = {"除夕": "New Year's Eve", "元宵": "Lantern Festival", "清明": "Qingming", "端午": "Dragon Boat",
          "中秋": "Mid-Autumn"}
    if name in _LUNAR_DAYS:
        return "Spring Festival" if name == "初一" else f"New Year day {_LUNAR_DAYS.index(name) + 1}"
    return en.get(name, name)


def _flagged(ctx: Context, *, total_only: bool = False) -> pd.DataFrame:
    a = ctx.anomalies
    if a is None or a.empty:
        return pd.DataFrame(columns=["date", "group", "observed", "expected", "lower", "upper", "p_value", "flag"])
    a = a[a["flag"].astype(str).isin(["high", "low"])]
    if total_only:
        a = a[a["group"].astype(str).isin(["", "合计", "total", "Total"])]
    return a


def _series_label(group: object, ctx: Context) -> str:
    """``火灾警情`` / ``fire incidents`` (``disputes``, ``invalid calls``: no second noun)."""
    if str(group) in ("", "合计", "total", "Total"):
        return _t(ctx, f"{ctx.kind}总量", f"all {ctx.kind_en.lower()}")
    if _zh(ctx):
        return f"{_group_label(group, ctx)}{ctx.kind}"
    low = _group_label(group, ctx).lower()
    return low if low.endswith("s") else f"{low} {ctx.kind_en.lower()}"


def anomalies(ctx: Context) -> Section:
    """七、异常提示: flagged days (total and by category) and the categories that changed significantly."""
    title = _title(ctx, "anomalies")
    flagged = _flagged(ctx)
    mb = ctx.mask_below
    paragraphs = []
    rows = []
    a = ctx.anomalies
    n_series = int(a["group"].nunique()) if a is not None and not a.empty else 0
    n_days = int(a["date"].nunique()) if a is not None and not a.empty else 0
    level = f"{float(a['level'].iloc[0]) * 100:.2g}%" if a is not None and not a.empty else ""
    for _, r in flagged.sort_values(["date", "group"]).iterrows():
        d = pd.Timestamp(r["date"]).date()
        label = _series_label(r["group"], ctx)
        high = r["flag"] == "high"
        lim = r["upper"] if high else r["lower"]
        paragraphs.append(_t(
            ctx,
            f"{_date_text(d, ctx)}{_paren(day_name(d, ctx), ctx)}{label}{fmt_count(r['observed'], mb)}起，"
            f"{'高于预期上限' if high else '低于预期下限'}（预期{fmt_count(round(float(r['expected'])), mb)}起，"
            f"{'上限' if high else '下限'}{fmt_count(round(float(lim)), mb)}起）。",
            f"{_date_text(d, ctx)}{_paren(day_name(d, ctx), ctx)}: {fmt_count(r['observed'], mb)} {label}, "
            f"{'above the expected upper' if high else 'below the expected lower'} limit (expected "
            f"{fmt_count(round(float(r['expected'])), mb)}, limit {fmt_count(round(float(lim)), mb)})."))
        rows.append({
            _t(ctx, "日期", "Date"): _date_text(d, ctx) + _paren(day_name(d, ctx), ctx),
            _t(ctx, "类别", "Series"): label,
            _t(ctx, "实际", "Observed"): _cell_count(r["observed"], mb),
            _t(ctx, "预期", "Expected"): _cell_count(round(float(r["expected"]), 1), mb),
            _t(ctx, "下限", "Lower"): _cell_count(float(r["lower"]), mb),
            _t(ctx, "上限", "Upper"): _cell_count(float(r["upper"]), mb),
            _t(ctx, "方向", "Direction"): _t(ctx, "偏高", "high") if high else _t(ctx, "偏低", "low"),
            "p": f"{float(r['p_value']):.2g}",
        })
    if ctx.anomaly_note:
        paragraphs.append(ctx.anomaly_note)
    elif not rows:
        paragraphs.append(_t(ctx, "统计时段内各序列均未超出预期范围。", "No day in the period fell outside its expected range."))
    sig = _rows(ctx.by_category) if ctx.by_category is not None else pd.DataFrame()
    if not sig.empty:
        sig = sig[sig["significant"].astype(bool)]
    if len(sig):
        parts = [_t(ctx, f"{_group_label(r['group'], ctx)}{ctx.kind}{_change_words(r, ctx)}",
                    f"{_group_label(r['group'], ctx).lower()} {_change_words(r, ctx)}") for _, r in sig.iterrows()]
        paragraphs.append(_t(ctx, f"与{ctx.baseline_name}相比变化显著的类别：" + "；".join(parts) + "。",
                             f"Categories with a significant change against {ctx.baseline_phrase}: "
                             + "; ".join(parts) + "."))
    if ctx.mix_text:
        paragraphs.append(ctx.mix_text)
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=[
        _t(ctx, "日期", "Date"), _t(ctx, "类别", "Series"), _t(ctx, "实际", "Observed"), _t(ctx, "预期", "Expected"),
        _t(ctx, "下限", "Lower"), _t(ctx, "上限", "Upper"), _t(ctx, "方向", "Direction"), "p"])
    budget = f"{ctx.anomaly_tail:g}"
    note = _t(ctx, "预期值由统计时段之前的数据估计（星期、月份、法定节假日、距春节天数、趋势；泊松/负二项回归）；"
                   f"上下限按整份通报误提示的期望次数不超过{budget}次设定（{n_series}个序列×{n_days}天，"
                   f"每个序列每天双侧{level}），超出即提示。",
              "Expected counts are estimated from the days before the period (weekday, month, public holidays, "
              "days from Spring Festival, trend; Poisson/negative-binomial regression); the limits are set so that "
              f"the whole briefing expects at most {budget} false flags ({n_series} series x {n_days} days, "
              f"two-sided {level} for each series and day).")
    return Section("anomalies", title, tuple(paragraphs),
                   tables=(Table("anomalies", _t(ctx, "异常提示", "Anomalies"), frame, note),))


def data_notes(ctx: Context) -> Section:
    """八、数据说明: sources with SHA-256, the cleaning ledger, the baseline, the test, definitions."""
    title = _title(ctx, "data_notes")
    led = ctx.ledger or {}
    paragraphs = []
    files = led.get("files") or []
    src_rows = []
    for f in files:
        src_rows.append({
            _t(ctx, "文件", "File"): Path(str(f.get("path") or f.get("file") or f.get("name") or "")).name,
            _t(ctx, "类型", "Kind"): _t(ctx, str(f.get("kind", "")), _KIND_EN.get(str(f.get("kind", "")), "")),
            _t(ctx, "读入行数", "Rows read"): _int_or_none(f.get("rows_read")),
            "SHA-256": str(f.get("sha256", "")),
        })
    if files:
        paragraphs.append(_t(ctx, f"数据来源：导出文件{len(files)}个（SHA-256 见下表）。",
                             f"Sources: {len(files)} exported file(s) (SHA-256 in the table below)."))
    else:
        paragraphs.append(_t(ctx, "数据来源：已清洗的数据表（未附清洗台账）。", "Source: cleaned tables (no cleaning ledger)."))
    if ctx.ledger_text:
        paragraphs.append(_t(ctx, "数据清洗：", "Cleaning: ") + ctx.ledger_text.replace("\n", _t(ctx, "", " ")))
    ledger_rows = ledger_table(led, ctx)
    b = ctx.baseline
    paragraphs.append(_t(ctx, "对比时段：", "Baseline windows: ") + _t(ctx, "；", "; ").join(
        window_text(w, ctx) for w in b.windows) + _t(ctx, f"（{ctx.baseline_name}，{b.mode}）。",
                                                    f" ({ctx.baseline_name}, {b.mode})."))
    notes = [n for n in (*b.notes, *ctx.compare_notes) if n]
    if notes:
        paragraphs.append(_t(ctx, "；".join(n.rstrip("。") for n in notes) + "。",
                             "; ".join(n.rstrip(".") for n in notes) + "."))
    paragraphs.append(_t(ctx, "检验方法：", "Test: ") + ctx.test_text)
    paragraphs.append(_t(
        ctx,
        "定义：日均＝本期总数÷天数；同比＝（本期日均÷对比期日均－1）×100%；两期天数不同时，增减＝本期－对比期按本期天数折算数；"
        f"本期或对比期小于{ctx.min_base}起时不计算百分比，写作“由a起增至b起”；“显著”指经多项比较校正后 p < 0.05；"
        "不显著时，检验有足够把握发现20%变化的写作“变化不显著”，否则写作“样本量小，尚不能判断”；有效警情＝全部警情－无效警情。",
        "Definitions: per day = total / days; % change = (current per day / baseline per day - 1) x 100; when the "
        "windows differ in length, change = current minus the baseline scaled to the current window's days; no "
        f"percentage when either count is below {ctx.min_base}, written 'from a to b'; 'significant' = p < 0.05 after "
        "correction for multiple comparisons; a change that is not is 'not significant' when the test had 80% power "
        "to see a 20% change, else 'too few to tell'; valid incidents = all minus invalid calls."))
    if ctx.mask_below:
        paragraphs.append(_t(ctx, f"为便于传阅，小于{ctx.mask_below}的数字以“*”表示（清洗台账数字不遮蔽，零发案不单独列出）。",
                             f"For circulation, counts below {ctx.mask_below} are shown as '*' (the cleaning ledger "
                             "is not masked; districts with none are not listed)."))
    tables = [Table("ledger", _t(ctx, "清洗台账", "Cleaning ledger"), ledger_rows)]
    if src_rows:
        tables.insert(0, Table("sources", _t(ctx, "数据说明", "Data sources"), pd.DataFrame(src_rows)))
    return Section("data_notes", title, tuple(paragraphs), tables=tuple(tables))


def _int_or_none(v: object) -> int | None:
    try:
        return int(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


_REASONS = {
    "bad_date": ("日期无法识别", "unparseable date"),
    "missing_date": ("日期为空", "empty date"),
    "future_date": ("日期晚于基准日", "future date"),
    "bad_count": ("数量无效", "invalid count"),
    "masked_count": ("数量被遮蔽或缺失", "masked or missing count"),
}


def ledger_table(ledger: dict, ctx: Context) -> pd.DataFrame:
    """The cleaning ledger as a two-column table: 项目 (item), 数量 (rows).

    Rows: 读入, 保留, 剔除 and one row per reject reason, 去除重复, 未映射类别 (when known).
    """
    item, num = _t(ctx, "项目", "Item"), _t(ctx, "行数", "Rows")
    rows = []

    def add(zh: str, en: str, v: object) -> None:
        iv = _int_or_none(v)
        if iv is not None:
            rows.append({item: _t(ctx, zh, en), num: iv})

    add("读入", "Read", ledger.get("rows_read"))
    add("保留", "Kept", ledger.get("rows_kept"))
    add("剔除", "Rejected", ledger.get("rows_rejected"))
    for code, n in (ledger.get("rejected_by_reason") or {}).items():
        zh, en = _REASONS.get(code, (code, code))
        add(f"  其中：{zh}", f"  of which {en}", n)
    add("去除重复", "Duplicates removed", ledger.get("duplicates_removed"))
    unm = ledger.get("unmapped_categories")
    if isinstance(unm, dict):
        add("未映射类别（计入“其他”）", "Unmapped categories (counted as Other)", sum(int(v) for v in unm.values()))
    elif unm is not None:
        add("未映射类别（计入“其他”）", "Unmapped categories (counted as Other)", unm)
    if not rows:
        rows.append({item: _t(ctx, "无清洗台账（输入为已汇总数据）", "No ledger (pre-aggregated input)"), num: None})
    return pd.DataFrame(rows)


def focus(ctx: Context) -> Section:
    """For the explore notebook: the comparison of the selected category or district, by sub-group."""
    if ctx.focus is None or _rows(ctx.focus).empty:
        return Section("focus", _t(ctx, "对比表", "Comparison"), (_t(ctx, "所选范围内没有数据。", "No records in the selection."),))
    first = {"subcategory": _t(ctx, "细类", "Sub-type"), "category": _t(ctx, "类别", "Category"),
             "district": _t(ctx, "辖区", "District")}.get(ctx.focus_by, ctx.focus_by)
    frame = comparison_frame(ctx.focus, ctx, first)
    sel = "、".join(list(ctx.categories or []) + list(ctx.districts or [])) or _t(ctx, "全部", "all")
    return Section("focus", _t(ctx, f"{sel}：本期与{ctx.baseline_name}", f"{sel} vs {ctx.baseline_phrase}"),
                   (ctx.narrative,) if ctx.narrative else (),
                   tables=(Table("focus", _t(ctx, "对比表", "Comparison"), frame, _sig_note(ctx)),))


#: The sections of the briefing, in order.
SECTIONS = (overview, categories, daily, hourly, districts, key_days, anomalies, data_notes)
