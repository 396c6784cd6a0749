"""Masks that hold: a hidden count cannot be recovered from anything published beside it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from stats_lib.report.masking import hidden, suppress


def test_primary_and_secondary_suppression_by_hand():
    t = pd.DataFrame({"group": ["a", "b", "c", "d", "合计"], "current": [3, 7, 50, 60, 120],
                      "baseline": [10, 12, 40, 2, 64]})
    s = suppress(t, 5)
    # current: 3 < 5 is hidden, and alone in its column, so the next smallest (7) is hidden too
    assert list(s["hide_current"]) == [True, True, False, False, False]
    # baseline: 2 < 5, the next smallest (10) too
    assert list(s["hide_baseline"]) == [True, False, False, True, False]
    # without a mask nothing is hidden; two primary cells need no secondary one
    assert not suppress(t, None)[["hide_current", "hide_baseline"]].any().any()
    two = suppress(t.assign(current=[3, 4, 50, 63, 120]), 5)
    assert list(two["hide_current"]) == [True, True, False, False, False]


def test_hidden_reads_the_flags_before_the_value():
    assert hidden({"current": 50, "hide_current": True}, "current", 5)
    assert not hidden({"current": 3, "hide_current": False}, "current", 5)
    assert hidden({"current": 3}, "current", 5) and not hidden({"current": 3}, "current", None)


NUM = re.compile(r"^[+\-\u2212]?[\d,]+(\.\d+)?%?$")


def _num(v) -> float | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, int | float | np.integer | np.floating):
        return float(v)
    s = str(v).strip().replace(",", "").replace("\u2212", "-")
    if not NUM.match(s):
        return None
    return float(s.rstrip("%"))


@pytest.fixture(scope="module")
def masked_briefing(root):
    from stats_lib.briefing.notebook import build_all
    from stats_lib.report.context import prepare

    folder = root / "data" / "sample" / "cleaned"
    ctx = prepare(data=[str(folder)], start="2023-01-21", end="2023-02-05", as_of="2023-02-05", baseline="lunar",
                  mask_below=5)
    truth = prepare(data=[str(folder)], start="2023-01-21", end="2023-02-05", as_of="2023-02-05",
                    baseline="lunar")
    sections = build_all(ctx)
    yield ctx, truth, sections
    import matplotlib.pyplot as plt

    plt.close("all")


def _published(sections):
    """Every table (as shown and the numbers behind it), every native chart series, every sentence."""
    tables = [t for s in sections for t in s.tables]
    natives = [c.native for s in sections for c in s.charts if c.native]
    text = "\n".join(s.text for s in sections)
    return tables, natives, text


def test_no_masked_count_can_be_recovered(masked_briefing):
    ctx, truth, sections = masked_briefing
    tables, natives, text = _published(sections)
    comparisons = {"categories": (ctx.by_category, truth.by_category), "cases": (ctx.cases, truth.cases),
                   "districts": (ctx.by_district, truth.by_district)}
    checked = 0
    for slug, (_cmp, true_cmp) in comparisons.items():
        shown = next(t for t in tables if t.slug == slug)
        frame = shown.frame
        cur_col, base_col = frame.columns[1], frame.columns[3]
        change_col, share_col, mean_col = frame.columns[4], frame.columns[6], frame.columns[2]
        true_rows = true_cmp.table.reset_index(drop=True)
        groups = frame.iloc[:-1]
        for col, true_col in ((cur_col, "current"), (base_col, "baseline")):
            values = [_num(v) for v in groups[col]]
            total = _num(frame[col].iloc[-1])
            for i, v in enumerate(values):
                if v is not None:
                    continue
                truth_value = float(true_rows.loc[i, true_col])
                checked += 1
                label = str(groups.iloc[i, 0])
                # 1. the total minus every other published count of the column
                others = [x for j, x in enumerate(values) if j != i]
                if total is not None and all(x is not None for x in others):
                    assert total - sum(others) != truth_value, (slug, label, "total minus the others")
                # 2. the other count of the row and the published change
                other = _num(groups.iloc[i][base_col if true_col == "current" else cur_col])
                change = _num(groups.iloc[i][change_col])
                if other is not None and change is not None:
                    back = other + change if true_col == "current" else other - change
                    assert back != truth_value, (slug, label, "the change")
                # 3. the share or the daily mean of the current count
                if true_col == "current":
                    share, mean = _num(groups.iloc[i][share_col]), _num(groups.iloc[i][mean_col])
                    assert share is None and mean is None, (slug, label, "share or daily mean")
                # 4. the numbers behind the table (workbook) and the native chart data
                if shown.data is not None:
                    assert _num(shown.data.iloc[i][col]) is None, (slug, label, "workbook data")
                for native in natives:
                    series = list(native["series"].values())
                    idx = 0 if true_col == "current" else 1
                    if native["type"] == "bar" and label in native["categories"] and len(series) > idx:
                        assert series[idx][native["categories"].index(label)] is None, (slug, label, "native chart")
                # 5. a sentence that names the group with its count
                n = int(truth_value)
                assert not re.search(rf"{re.escape(label)}[^\d，。；]{{0,4}}{n}起", text), (slug, label, "text")
    assert checked >= 2  # the sample has small counts to hide (cases by offence)
