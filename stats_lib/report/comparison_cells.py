"""The cells of a comparison table in the report language: counts, changes, percentages and significance.

A comparison (:func:`stats_lib.compare.compare`) becomes the reader's table (:func:`comparison_frame`), the
numbers behind it for the workbook (:func:`comparison_data`) and the note under it (:func:`table_note`). Each
function takes the :class:`stats_lib.report.context.Context`, formats through :mod:`stats_lib.report.formats`
and :mod:`stats_lib.report.words`, and reads hidden counts through :func:`stats_lib.report.masking.hidden`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.report.cells import group_label, is_zh, tr
from stats_lib.report.comparison_table import length_heads
from stats_lib.report.formats import fmt_count, fmt_signed, masked, signed_pct
from stats_lib.report.masking import hidden
from stats_lib.report.section_types import Table
from stats_lib.report.words import length_note, pct_phrase, unequal_lengths

if TYPE_CHECKING:  # pragma: no cover
    from stats_lib.report.context_types import Context
    from stats_lib.stats.compare import Comparison

__all__ = ["cell_count", "pct_text", "change_text", "sig_text", "share_text", "comparison_frame", "comparison_data",
           "comparison_table", "sig_note", "lengths_differ", "table_note", "change_words"]


def cell_count(n: object, mask_below: int | None) -> object:
    """A count for a table cell: a number (int, or float rounded to 0.1), or ``*`` when masked.

    Parameters
    ----------
    n : object
        A count (events); None or NaN when missing.
    mask_below : int | None
        Counts below it are masked (:func:`stats_lib.report.formats.masked`); None masks nothing.

    Returns
    -------
    object
        An int, a float with one decimal, ``*``, or None when missing.
    """
    if n is None or (isinstance(n, float) and np.isnan(n)):
        return None
    if masked(n, mask_below):
        return "*"
    f = float(n)
    return int(round(f)) if f == round(f) else round(f, 1)


def pct_text(row: pd.Series, ctx: Context) -> str:
    """同比 cell: ``+3.1%``, ``持平``, the small-count words ``由4起增至213起``, or ``*`` when masked.

    Parameters
    ----------
    row : pd.Series
        A comparison row (``current``, ``baseline``, ``pct_change`` in percent, ``direction``).
    ctx : Context
        The report's context (its ``lang`` and ``mask_below``).

    Returns
    -------
    str
        The cell's text.
    """
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
    """The 增减 cell: the change in events with its sign (``+12``, ``−3``), or ``*`` when a count is masked.

    Parameters
    ----------
    row : pd.Series
        A comparison row (``current``, ``baseline``, ``change``: current minus the scaled baseline, events).
    ctx : Context
        The report's context (its ``mask_below``).

    Returns
    -------
    str
        The cell's text.
    """
    if hidden(row, "current", ctx.mask_below) or hidden(row, "baseline", ctx.mask_below):
        return "*"
    return fmt_signed(float(row["change"]), 0 if float(row["change"]) == round(float(row["change"])) else 1)


def sig_text(row: pd.Series, ctx: Context) -> str:
    """The 显著性 cell: ``▲ 显著`` / ``▼ 显著`` for a significant rise or fall of the daily rate, else ``—``.

    Parameters
    ----------
    row : pd.Series
        A comparison row (``significant``, ``current``, ``current_days``, ``baseline``, ``baseline_days``).
    ctx : Context
        The report's context (its ``lang``).

    Returns
    -------
    str
        The cell's text.
    """
    if not bool(row.get("significant", False)):
        return "—"
    up = float(row["current"]) / max(float(row["current_days"]), 1e-9) > \
        float(row["baseline"]) / max(float(row["baseline_days"]), 1e-9)
    return ("▲ " if up else "▼ ") + tr(ctx, "显著", "significant")


def share_text(row: pd.Series) -> str:
    """The 占比 cell: the group's share of the current total with one decimal (``12.3%``), ``—`` when missing.

    Parameters
    ----------
    row : pd.Series
        A comparison row (``share``, in percent).

    Returns
    -------
    str
        The cell's text.
    """
    s = row.get("share")
    if s is None or (isinstance(s, float) and np.isnan(s)):
        return "—"
    return f"{float(s):.1f}%"  # compare gives percent


def lengths_differ(rows: pd.DataFrame | list[pd.Series]) -> bool:
    """True when any comparison row's current window and baseline differ in length (天数).

    Parameters
    ----------
    rows : pd.DataFrame | list[pd.Series]
        Comparison rows (``current_days``, ``baseline_days``), as a frame or a list of rows.

    Returns
    -------
    bool
        True when any row's windows differ in length.
    """
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


def comparison_frame(cmp: Comparison, ctx: Context, first: str) -> pd.DataFrame:
    """The reader's table of a comparison: one row per group and the total row last.

    Columns (zh): ``first``, 本期, 日均, <baseline name>, 增减, 同比, 占比, 显著性. Counts are numbers
    (``*`` when masked); the other cells are text as printed (``+3.1%``, ``由4起增至213起``, ``▲ 显著``).
    When the windows differ in length (:func:`lengths_differ`): ``first``, 本期, 本期天数, 本期日均,
    <baseline name>, 对比期天数, 对比期日均, 增减, 同比, 占比, 显著性.

    Parameters
    ----------
    cmp : Comparison
        A comparison (:class:`stats_lib.stats.compare.Comparison`), its total row last.
    ctx : Context
        The report's context (its ``lang``, ``baseline_name``, ``baseline``, ``taxonomy`` and ``mask_below``).
    first : str
        The heading of the first column (the groups: ``类别``, ``辖区`` …).

    Returns
    -------
    pd.DataFrame
        The table as printed, with the columns above.
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

    Parameters
    ----------
    rows : list[tuple[str, pd.Series]]
        (label, comparison row) pairs, in the order printed.
    ctx : Context
        The report's context (its ``lang``, ``baseline_name``, ``baseline`` and ``mask_below``).
    first : str
        The heading of the first column.
    share : bool, default True
        Include the 占比 column.

    Returns
    -------
    frame : pandas.DataFrame
        The numbers, with the columns above.
    formats : dict
        Column → Excel number format (``#,##0``, ``+0.0%;-0.0%;0.0%`` …).
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


def comparison_table(slug: str, title: str, cmp: Comparison, ctx: Context, first: str) -> Table:
    """A comparison as a :class:`Table`: :func:`comparison_frame` to read, :func:`comparison_data` behind it.

    Parameters
    ----------
    slug : str
        The table's file name stem (stable across reports).
    title : str
        The table's title.
    cmp : Comparison
        A comparison (:class:`stats_lib.stats.compare.Comparison`), its total row last.
    ctx : Context
        The report's context.
    first : str
        The heading of the first column.

    Returns
    -------
    Table
        The table, its note (:func:`table_note`), its numbers and their Excel formats.
    """
    t = cmp.table
    labels = [tr(ctx, "合计", "Total") if i == len(t) - 1 else group_label(g, ctx) for i, g in enumerate(t["group"])]
    data, formats = comparison_data([(lab, r) for lab, (_, r) in zip(labels, t.iterrows())], ctx, first)
    return Table(slug, title, comparison_frame(cmp, ctx, first), table_note(t, ctx), data=data, formats=formats)


def table_note(table: pd.DataFrame, ctx: Context) -> str:
    """The note under a comparison table: :func:`sig_note`, after the length note when the windows differ.

    Parameters
    ----------
    table : pd.DataFrame
        The comparison's table (``current_days``, ``baseline_days``), its total row last.
    ctx : Context
        The report's context (its ``lang`` and ``min_base``).

    Returns
    -------
    str
        The note, one or two sentences.
    """
    if not lengths_differ(table):
        return sig_note(ctx)
    tot = table.iloc[-1]
    return length_note(tot["current_days"], tot["baseline_days"], ctx.lang) + " " + sig_note(ctx)


def sig_note(ctx: Context) -> str:
    """The note that explains the 显著性 column: the Benjamini–Hochberg correction and the small-count rule.

    Parameters
    ----------
    ctx : Context
        The report's context (its ``lang`` and ``min_base``: the smallest count given a percentage, events).

    Returns
    -------
    str
        The note.

    References
    ----------
    .. [1] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a practical and powerful
       approach to multiple testing. *Journal of the Royal Statistical Society B*, 57(1), 289-300.
    """
    mb = ctx.min_base
    return tr(ctx, "「▲ 显著」「▼ 显著」：经多项比较校正（Benjamini–Hochberg，校正范围为本表各行，合计行单独检验）后 p < 0.05"
                   f"（率比区间未校正）。本期或对比期（按本期天数折算）小于{mb}起时不计算百分比。",
              "'▲/▼ significant': p < 0.05 after correction for multiple comparisons (Benjamini–Hochberg over the "
              "rows of this table; the total is tested on its own; intervals are not adjusted). No percentage is "
              f"given when the current count or the baseline (scaled to the current window's days) is below {mb}.")


def change_words(row: pd.Series, ctx: Context) -> str:
    """``同比上升14.8%`` / ``up 14.8%`` / the small-count words, for a comparison row.

    Parameters
    ----------
    row : pd.Series
        A comparison row (``current``, ``baseline``, ``pct_change`` in percent, ``direction``).
    ctx : Context
        The report's context (its ``lang``, ``change_word`` and ``mask_below``).

    Returns
    -------
    str
        The change in words; ``变化幅度不公开`` / ``change masked`` when a count is masked.
    """
    txt = pct_text(row, ctx)
    if txt in ("*", "持平", "unchanged") or txt.startswith(("由", "from")):
        return txt if txt != "*" else tr(ctx, "变化幅度不公开", "change masked")
    direction = row.get("direction") or ("up" if float(row["current"]) > float(row["baseline"]) else "down")
    return tr(ctx, f"{ctx.change_word}{pct_phrase(float(row['pct_change']), direction, 'zh')}",
              pct_phrase(float(row["pct_change"]), direction, "en"))
