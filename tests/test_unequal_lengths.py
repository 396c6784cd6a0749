"""Windows of different length (issue 13, item 2): every comparison table shows both lengths and both daily means.

The daily means are computed here with plain pandas from the sample's cleaned daily table
(``data/sample/cleaned``), not read from the comparison.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from stats_lib.report import sections
from stats_lib.report.comparison_table import format_table
from stats_lib.report.context import prepare
from stats_lib.stats.compare import compare
from stats_lib.windows import Baseline, Window

CLEANED = Path(__file__).resolve().parents[1] / "data" / "sample" / "cleaned"
# 国庆 2023 is joined with 中秋 (9月29日至10月6日, 8 days); 国庆 2022 is 10月1日至7日 (7 days)
CUR = (dt.date(2023, 9, 29), dt.date(2023, 10, 6))
BASE = (dt.date(2022, 10, 1), dt.date(2022, 10, 7))


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    d = pd.read_parquet(CLEANED / "daily.parquet")
    d["date"] = pd.to_datetime(d["date"]).astype("datetime64[ns]")
    return d


def by_hand(daily: pd.DataFrame, first: dt.date, last: dt.date, by: str | None) -> pd.Series:
    """Incidents per group (or in all) over first..last, with plain pandas."""
    inc = daily[(daily["kind"] == "警情") & (daily["date"] >= pd.Timestamp(first)) & (daily["date"] <= pd.Timestamp(last))]
    if by is None:
        return pd.Series({"合计": int(inc["count"].sum())})
    s = inc.groupby(by)["count"].sum()
    s["合计"] = int(inc["count"].sum())
    return s


def mean_text(x: float) -> str:
    return f"{x:,.1f}"


def md_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells
    return rows


def test_format_table_shows_both_lengths_and_daily_means(daily):
    w = Window(*CUR)
    b = Baseline("holiday", (Window(*BASE),))
    text = format_table(compare(daily, w, b, by="category"))
    rows = md_rows(text)
    assert rows["类别"] == ["类别", "本期", "本期天数", "本期日均", "去年同一假期", "对比期天数", "对比期日均", "增减", "同比",
                          "占比", "显著性"]
    cur, base = by_hand(daily, *CUR, "category"), by_hand(daily, *BASE, "category")
    assert cur["合计"] == 1630 and base["合计"] == 1377  # the figures of the issue
    for g in cur.index:
        cells = rows[g]
        assert cells[1] == f"{int(cur[g]):,}" and cells[4] == f"{int(base.get(g, 0)):,}"
        assert cells[2] == "8" and cells[5] == "7"
        assert cells[3] == mean_text(cur[g] / 8)
        assert cells[6] == mean_text(base.get(g, 0) / 7)
        # 增减 is the current count minus the baseline scaled to 8 days, so it has the sign of the change of the daily mean
        scaled = base.get(g, 0) / 7 * 8
        chg = cells[7].replace("\u2212", "-").replace(",", "")
        assert float(chg) == pytest.approx(round(cur[g] - scaled, 1), abs=0.051)
    # one line says how 增减 is computed, in the table's language
    assert "本期8天，对比期7天，长度不同：增减＝本期－对比期按本期天数折算数" in text
    en = format_table(compare(daily, w, b), "en")
    assert "| Total | 1,630 | 8 | 203.8 | 1,377 | 7 | 196.7 |" in en
    assert "the change is the current count minus the baseline scaled to the current window's length" in en


def test_format_table_mid_autumn_against_three_days(daily):
    w = Window(*CUR)  # --period 中秋 of 2023 is joined with 国庆: 8 days
    b = Baseline("holiday", (Window("2022-09-10", "2022-09-12"),))  # 中秋 2022: 3 days
    text = format_table(compare(daily, w, b))
    cur = by_hand(daily, *CUR, None)["合计"]
    base = by_hand(daily, dt.date(2022, 9, 10), dt.date(2022, 9, 12), None)["合计"]
    row = md_rows(text)["合计"]
    assert row[1:7] == [f"{cur:,}", "8", mean_text(cur / 8), f"{base:,}", "3", mean_text(base / 3)]
    assert "本期8天，对比期3天" in text


def test_equal_lengths_keep_the_usual_columns(daily):
    w = Window("2023-01-21", "2023-02-05")
    b = Baseline("lunar", (Window("2022-01-31", "2022-02-15"),))  # also 16 days
    text = format_table(compare(daily, w, b, by="category"))
    assert "| 类别 | 本期 | 去年农历同期 | 增减 | 同比 | 占比 | 显著性 |" in text
    assert "天数 |" not in text and "长度不同" not in text


@pytest.fixture(scope="module")
def ctx():
    return prepare(str(CLEANED), period="国庆", year=2023, baseline="holiday", as_of="2024-12-31")


def test_rendered_tables_show_both_lengths(ctx, daily):
    assert ctx.window.start == CUR[0] and ctx.window.end == CUR[1]
    cats = sections.categories(ctx).tables[0]
    dists = sections.districts(ctx).tables[0]
    over = sections.overview(ctx).tables[0]
    for table, by, first in ((cats, "category", "类别"), (dists, "district", "辖区"), (over, None, "项目")):
        f = table.frame
        assert list(f.columns[:7]) == [first, "本期", "本期天数", "本期日均", "去年同一假期", "对比期天数", "对比期日均"]
        cur, base = by_hand(daily, *CUR, by), by_hand(daily, *BASE, by)
        labels = f[first].tolist()
        for g in cur.index:
            label = "全部警情" if by is None else g
            r = f.iloc[labels.index(label)]
            assert r["本期"] == cur[g] and r["去年同一假期"] == base.get(g, 0)
            assert r["本期天数"] == 8 and r["对比期天数"] == 7
            assert r["本期日均"] == pytest.approx(round(cur[g] / 8, 1))
            assert r["对比期日均"] == pytest.approx(round(base.get(g, 0) / 7, 1))
        assert table.note.startswith("本期8天，对比期7天，长度不同：增减＝本期－对比期按本期天数折算数")
        # the workbook's numbers carry the same columns
        assert {"本期天数", "本期日均", "对比期天数", "对比期日均"} <= set(table.data.columns)
        assert "日均" not in table.data.columns
    md = sections.categories(ctx).markdown()
    assert f"| 合计 | 1,630 | 8 | {mean_text(1630 / 8)} | 1,377 | 7 | {mean_text(1377 / 7)} |" in md


def test_small_counts_of_unequal_windows_are_worded_as_daily_means(daily):
    """Below the small-count threshold the 同比 cell words the change; with 8 days against 7 it compares the
    daily means (a raw 由2起增至6起 would set 2 in 7 days against 6 in 8)."""
    w = Window(*CUR)
    b = Baseline("holiday", (Window(*BASE),))
    fire = daily[daily["category"] == "火灾"]
    district = fire[(fire["date"] >= pd.Timestamp(CUR[0])) & (fire["date"] <= pd.Timestamp(CUR[1]))]
    name = district.groupby("district")["count"].sum().sort_values().index[0]   # the quietest district
    sub = daily[daily["district"] == name]
    cur = by_hand(sub, *CUR, "category").get("火灾", 0)
    base = by_hand(sub, *BASE, "category").get("火灾", 0)
    assert cur < 5 or base / 7 * 8 < 5     # a small count: no percentage
    row = md_rows(format_table(compare(sub, w, b, by="category")))["火灾"]
    x, y = base / 7, cur / 8
    words = f"日均均为{y:.1f}起" if f"{x:.1f}" == f"{y:.1f}" else \
        f"日均由{x:.1f}起{'增至' if y > x else '降至'}{y:.1f}起"
    assert words in row


def test_compare_csv_carries_both_lengths_and_daily_means(daily):
    from stats_lib.report.comparison_table import comparison_csv

    frame = comparison_csv(compare(daily, Window(*CUR), Baseline("holiday", (Window(*BASE),)), by="category"))
    assert list(frame.columns[:7]) == ["类别", "本期", "日均", "本期天数", "去年同一假期", "对比期天数", "对比期日均"]
    cur, base = by_hand(daily, *CUR, "category"), by_hand(daily, *BASE, "category")
    for _, row in frame.iterrows():
        name = row["类别"]
        assert row["本期"] == cur[name] and row["去年同一假期"] == base[name]
        assert (row["本期天数"], row["对比期天数"]) == (8, 7)
        assert row["日均"] == round(cur[name] / 8, 1) and row["对比期日均"] == round(base[name] / 7, 1)


def test_headline_never_sets_a_raw_count_beside_a_rate_change(daily):
    """国庆 2023 (8 days) against 国庆 2022 (7): the baseline named beside 同比 is its length and daily mean
    (by hand), not its raw count (1,377 of 7 days beside a change of daily means read as +18%)."""
    from stats_lib.report.narrative import headline

    cmp = compare(daily, Window(*CUR), Baseline("holiday", (Window(*BASE),)))
    base = by_hand(daily, *BASE, None)["合计"]
    zh, en = headline(cmp), headline(cmp, lang="en")
    assert f"（去年同一假期7天，日均{mean_text(base / 7)}起）" in zh and f"{base:,}" not in zh
    assert f"({mean_text(base / 7)} a day over 7 days)" in en and f"{base:,}" not in en
