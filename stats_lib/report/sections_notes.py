"""Section 八、数据说明 (data notes) of the briefing: the sources, the cleaning ledger, the baseline and the test.

A builder as in :mod:`stats_lib.report.sections` (which re-exports it and lists it in ``SECTIONS``): it takes
the :class:`stats_lib.report.context.Context` and returns a :class:`stats_lib.report.section_types.Section`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from stats_lib.report.cells import KIND_EN, int_or_none, section_title, tr, window_text
from stats_lib.report.formats import count_phrase
from stats_lib.report.labels import REASONS
from stats_lib.report.masking import RULE_EN, RULE_ZH
from stats_lib.report.section_types import Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from stats_lib.report.context_types import Context

__all__ = ["data_notes", "ledger_table"]


def data_notes(ctx: Context) -> Section:
    """八、数据说明: sources with SHA-256, the cleaning ledger, the baseline, the test, definitions.

    Parameters
    ----------
    ctx : Context
        The report's context (its sources, ledger and baseline).

    Returns
    -------
    Section
        The section.
    """
    title = section_title(ctx, "data_notes")
    led = ctx.ledger or {}
    paragraphs = []
    files = led.get("files") or []
    src_rows = []
    for f in files:
        src_rows.append({
            tr(ctx, "文件", "File"): Path(str(f.get("path") or f.get("file") or f.get("name") or "")).name,
            tr(ctx, "类型", "Kind"): tr(ctx, str(f.get("kind", "")), KIND_EN.get(str(f.get("kind", "")), "")),
            tr(ctx, "读入行数", "Rows read"): int_or_none(f.get("rows_read")),
            "SHA-256": str(f.get("sha256", "")),
        })
    if files:
        paragraphs.append(tr(ctx, f"数据来源：导出文件{len(files)}个（SHA-256 见下表）。",
                             f"Sources: {count_phrase(len(files), 'exported file', 'en')} (SHA-256 in the table "
                             "below)."))
    else:
        paragraphs.append(tr(ctx, "数据来源：已清洗的数据表（未附清洗台账）。", "Source: cleaned tables (no cleaning ledger)."))
    if ctx.ledger_text:
        paragraphs.append(tr(ctx, "数据清洗：", "Cleaning: ") + ctx.ledger_text.replace("\n", tr(ctx, "", " ")))
    ledger_rows = ledger_table(led, ctx)
    b = ctx.baseline
    paragraphs.append(tr(ctx, "对比时段：", "Baseline windows: ") + tr(ctx, "；", "; ").join(
        window_text(w, ctx) for w in b.windows) + tr(ctx, f"（{ctx.baseline_name}，{b.mode}）。",
                                                    f" ({ctx.baseline_name}, {b.mode})."))
    notes = [n for n in (*b.notes, *ctx.compare_notes) if n]
    if notes:
        paragraphs.append(tr(ctx, "；".join(n.rstrip("。") for n in notes) + "。",
                             "; ".join(n.rstrip(".") for n in notes) + "."))
    paragraphs.append(tr(ctx, "检验方法：", "Test: ") + ctx.test_text)
    paragraphs.append(tr(
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
        paragraphs.append(tr(ctx, RULE_ZH.format(k=ctx.mask_below) + "清洗台账数字不遮蔽，零发案不单独列出。",
                             RULE_EN.format(k=ctx.mask_below) + " The cleaning ledger is not masked; districts "
                             "with none are not listed."))
    tables = [Table("ledger", tr(ctx, "清洗台账", "Cleaning ledger"), ledger_rows)]
    if src_rows:
        tables.insert(0, Table("sources", tr(ctx, "数据说明", "Data sources"), pd.DataFrame(src_rows)))
    return Section("data_notes", title, tuple(paragraphs), tables=tuple(tables))


def ledger_table(ledger: dict, ctx: Context) -> pd.DataFrame:
    """The cleaning ledger as a two-column table: 项目 (item), 数量 (rows).

    Rows: 读入, 保留, 剔除 and one row per reject reason, 去除重复, 未映射类别 (when known).

    Parameters
    ----------
    ledger : dict
        The cleaning ledger (:func:`stats_lib.clean.ledger_summary`).
    ctx : Context
        The report's context (its ``lang``).

    Returns
    -------
    pd.DataFrame
        The table, the columns above (counts in rows).
    """
    item, num = tr(ctx, "项目", "Item"), tr(ctx, "行数", "Rows")
    rows = []

    def add(zh: str, en: str, v: object) -> None:
        iv = int_or_none(v)
        if iv is not None:
            rows.append({item: tr(ctx, zh, en), num: iv})

    add("读入", "Read", ledger.get("rows_read"))
    add("保留", "Kept", ledger.get("rows_kept"))
    add("剔除", "Rejected", ledger.get("rows_rejected"))
    for code, n in (ledger.get("rejected_by_reason") or {}).items():
        zh, en = REASONS.get(code, (code, code))
        add(f"  其中：{zh}", f"  of which {en}", n)
    add("去除重复", "Duplicates removed", ledger.get("duplicates_removed"))
    unm = ledger.get("unmapped_categories")
    if isinstance(unm, dict):
        add("未映射类别（计入“其他”）", "Unmapped categories (counted as Other)", sum(int(v) for v in unm.values()))
    elif unm is not None:
        add("未映射类别（计入“其他”）", "Unmapped categories (counted as Other)", unm)
    if not rows:
        rows.append({item: tr(ctx, "无清洗台账（输入为已汇总数据）", "No ledger (pre-aggregated input)"), num: None})
    return pd.DataFrame(rows)
