"""Tests of stats_lib.compare: every statistic recomputed independently (scipy, by hand) in the test."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stats_lib.errors import InputError, ParameterError
from stats_lib.report.comparison_table import format_table
from stats_lib.stats.compare import TOTAL, Comparison, compare, dispersion, rate_test
from stats_lib.stats.compstat_block import compstat
from stats_lib.stats.mix import category_mix, rankings, zero_districts
from stats_lib.windows import Baseline, Window

COLUMNS = ["group", "current", "baseline", "baseline_counts", "current_days", "baseline_days",
           "current_daily_mean", "baseline_daily_mean", "baseline_scaled", "change", "pct_change", "share", "rate_ratio", "ci_low", "ci_high",
           "p_value", "p_adjusted", "significant", "direction", "dispersion", "powered"]


def make_daily(rows: list[tuple[str, str, str, int]], kind: str = "警情", subcategory: str = "") -> pd.DataFrame:
    """rows: (date, category, district, count)."""
    df = pd.DataFrame(rows, columns=["date", "category", "district", "count"])
    df["kind"] = kind
    df["subcategory"] = subcategory
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df["count"] = df["count"].astype("int64")
    return df[["date", "kind", "category", "subcategory", "district", "count"]]


def cp_ratio(a: int, b: int, t1: float, t2: float, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval from scipy's binomtest, mapped to the rate ratio, for the tests."""
    ci = stats.binomtest(a, a + b, t1 / (t1 + t2)).proportion_ci(confidence_level=level, method="exact")
    lo = ci.low / (1 - ci.low) * t2 / t1
    hi = math.inf if ci.high == 1 else ci.high / (1 - ci.high) * t2 / t1
    return lo, hi


# ---------------------------------------------------------------------------------------- rate_test


@pytest.mark.parametrize("a,b,t1,t2", [(25, 16, 7, 7), (1234, 1197, 16, 16), (213, 4, 16, 16),
                                       (30, 50, 9, 8), (0, 7, 7, 7), (5, 0, 3, 3), (120, 300, 7, 21)])
def test_rate_test_matches_scipy_binomtest(a, b, t1, t2):
    r = rate_test(a, b, t1, t2)
    assert r.p_value[0] == pytest.approx(stats.binomtest(a, a + b, t1 / (t1 + t2)).pvalue, rel=1e-12)
    lo, hi = cp_ratio(a, b, t1, t2)
    assert r.ci_low[0] == pytest.approx(lo, rel=1e-9, abs=1e-12)
    if math.isinf(hi):
        assert math.isinf(r.ci_high[0])
    else:
        assert r.ci_high[0] == pytest.approx(hi, rel=1e-9)
    expected_rr = math.inf if b == 0 else (a / t1) / (b / t2)
    assert r.rate_ratio[0] == pytest.approx(expected_rr)


def test_rate_test_domain_example():
    # DOMAIN.md: 25 against 16 is "+56%", not a real change.
    r = rate_test(25, 16, 7, 7)
    assert r.rate_ratio[0] == pytest.approx(25 / 16)
    assert r.p_value[0] > 0.05
    assert r.ci_low[0] < 1 < r.ci_high[0]


def test_rate_ratio_interval_coverage_by_simulation():
    rng = np.random.default_rng(20230121)
    n = 3000
    t1 = rng.integers(1, 30, n).astype(float)
    t2 = t1 * rng.choice([1.0, 1.0, 2.0, 3.0], n)  # equal windows, and avgN-like pooled exposures
    rate = rng.uniform(0.3, 40, n)
    true_rr = np.exp(rng.uniform(-0.7, 0.7, n))
    a = rng.poisson(rate * true_rr * t1)
    b = rng.poisson(rate * t2)
    ok = (a + b) > 0
    r = rate_test(a[ok], b[ok], t1[ok], t2[ok], pvalue=False)
    covered = (r.ci_low <= true_rr[ok]) & (true_rr[ok] <= r.ci_high)
    coverage = covered.mean()
    assert ok.sum() >= 2000
    assert coverage >= 0.94, coverage
    # the exact interval is conservative but not absurdly so
    assert coverage <= 0.995, coverage


def test_swapping_current_and_baseline_inverts_ratio_and_interval():
    a, b, t1, t2 = np.array([40, 7, 0, 300]), np.array([25, 13, 6, 280]), np.array([7, 9, 7, 16]), \
        np.array([7, 8, 14, 16])
    r = rate_test(a, b, t1, t2)
    s = rate_test(b, a, t2, t1)
    np.testing.assert_allclose(s.rate_ratio[:2], 1 / r.rate_ratio[:2])
    np.testing.assert_allclose(s.ci_low, 1 / r.ci_high)
    np.testing.assert_allclose(s.ci_high[[0, 1, 3]], 1 / r.ci_low[[0, 1, 3]])
    assert math.isinf(s.ci_high[2]) and r.ci_low[2] == 0  # a = 0: lower bound 0, swapped upper infinite
    np.testing.assert_allclose(s.p_value, r.p_value)


def test_rate_test_dispersion_widens_by_scaled_counts():
    phi = 2.5
    a, b, t = 300, 240, 10.0
    plain = rate_test(a, b, t, t)
    wide = rate_test(a, b, t, t, dispersion=phi)
    assert wide.ci_low[0] < plain.ci_low[0] and wide.ci_high[0] > plain.ci_high[0]
    assert wide.p_value[0] > plain.p_value[0]
    # independent: Clopper-Pearson on a/phi, b/phi via beta quantiles
    ae, be = a / phi, b / phi
    lo = stats.beta.ppf(0.025, ae, be + 1)
    hi = stats.beta.ppf(0.975, ae + 1, be)
    assert wide.ci_low[0] == pytest.approx(lo / (1 - lo))
    assert wide.ci_high[0] == pytest.approx(hi / (1 - hi))
    # p-value: twice the smaller tail of the continuous binomial extension, checked at an integer point
    # against scipy's binomial distribution (phi = 2 makes a/phi, b/phi whole numbers)
    w2 = rate_test(300, 240, t, t, dispersion=2.0)
    x, n = 150, 270
    two_tail = 2 * min(stats.binom.sf(x - 1, n, 0.5), stats.binom.cdf(x, n, 0.5))
    assert w2.p_value[0] == pytest.approx(two_tail, rel=1e-9)


def test_dispersion_by_hand():
    x = np.array([[10, 20, 30], [5, 5, 5]])
    t = np.array([1.0, 1.0, 1.0])
    # group 1: mean 20, X2 = (100 + 0 + 100) / 20 = 10; group 2: 0; df = 2 * 2 = 4 -> phi = 2.5
    assert dispersion(x, t) == pytest.approx(2.5)
    assert dispersion(np.array([[5, 5, 5]]), t) == 1.0  # floored at 1
    assert dispersion(np.array([[10, 30]]), np.array([1.0, 1.0])) == 1.0  # fewer than 3 windows


# ---------------------------------------------------------------------------------------- compare


@pytest.fixture()
def daily() -> pd.DataFrame:
    rows = []
    # current window 2023-01-21..22 (2 days); baseline 2022-01-31..02-01 (2 days)
    for d, cat, dist, n in [
        ("2023-01-21", "刑事", "东城区", 30), ("2023-01-22", "刑事", "西城区", 10),
        ("2023-01-21", "交通", "东城区", 60), ("2023-01-22", "交通", "东城区", 40),
        ("2023-01-21", "火灾", "西城区", 9),
        ("2023-01-22", "纠纷", "西城区", 2),
        ("2022-01-31", "刑事", "东城区", 20), ("2022-02-01", "刑事", "西城区", 5),
        ("2022-01-31", "交通", "东城区", 100), ("2022-02-01", "交通", "西城区", 100),
        ("2022-01-31", "火灾", "西城区", 3),
        ("2022-02-01", "纠纷", "西城区", 0),
        ("2021-01-01", "刑事", "南湖区", 1), ("2023-12-31", "刑事", "南湖区", 1),
    ]:
        rows.append((d, cat, dist, n))
    return make_daily(rows)


W = Window("2023-01-21", "2023-01-22", name="测试")
B = Baseline("lunar", (Window("2022-01-31", "2022-02-01"),))


def test_compare_columns_counts_and_statistics(daily):
    c = compare(daily, W, B, by="category", history=False)
    assert isinstance(c, Comparison)
    assert list(c.table.columns) == ["group", "category", *COLUMNS[1:]]
    t = c.table.set_index("group")
    assert list(c.table["group"]) == ["刑事", "交通", "火灾", "纠纷", TOTAL]  # taxonomy order, total last
    # counts by hand
    assert t.loc["刑事", "current"] == 40 and t.loc["刑事", "baseline"] == 25
    assert t.loc["交通", "current"] == 100 and t.loc["交通", "baseline"] == 200
    assert t.loc[TOTAL, "current"] == 151 and t.loc[TOTAL, "baseline"] == 228
    assert t.loc["刑事", "change"] == 15
    assert t.loc["刑事", "pct_change"] == pytest.approx(60.0)
    assert t.loc["交通", "pct_change"] == pytest.approx(-50.0)
    assert t.loc["刑事", "share"] == pytest.approx(40 / 151 * 100)
    assert t.loc["刑事", "current_daily_mean"] == pytest.approx(20.0)
    assert t.loc["刑事", "current_days"] == 2 and t.loc["刑事", "baseline_days"] == 2
    assert t.loc["刑事", "baseline_counts"] == [25]
    # the test, recomputed with scipy
    for g in ["刑事", "交通", "火灾", "纠纷", TOTAL]:
        a, b = int(t.loc[g, "current"]), int(t.loc[g, "baseline"])
        assert t.loc[g, "p_value"] == pytest.approx(stats.binomtest(a, a + b, 0.5).pvalue)
        lo, hi = cp_ratio(a, b, 2, 2)
        assert t.loc[g, "ci_low"] == pytest.approx(lo)
        assert t.loc[g, "ci_high"] == pytest.approx(hi) if math.isfinite(hi) else math.isinf(t.loc[g, "ci_high"])
    assert t.loc["交通", "direction"] == "down" and t.loc["刑事", "direction"] == "up"
    assert c.total["group"] == TOTAL and c.total["current"] == 151


def test_bh_adjustment_over_groups_only(daily):
    c = compare(daily, W, B, by="category", history=False)
    p = c.rows["p_value"].to_numpy()
    # Benjamini-Hochberg by hand: sorted p * m / rank, cumulative minimum from the top, capped at 1
    m = len(p)
    order = np.argsort(p)
    adj_sorted = np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    adj = np.empty(m)
    adj[order] = np.minimum(adj_sorted, 1)
    np.testing.assert_allclose(c.rows["p_adjusted"].to_numpy(), adj)
    np.testing.assert_allclose(adj, stats.false_discovery_control(p))
    assert c.total["p_adjusted"] == pytest.approx(c.total["p_value"])  # the total is not in the family
    assert list(c.rows["significant"]) == list(adj < 0.05)


def test_small_counts_and_zero_baseline(daily):
    c = compare(daily, W, B, by="category", history=False)
    t = c.table.set_index("group")
    assert math.isnan(t.loc["火灾", "pct_change"])  # baseline 3 < 5
    assert math.isnan(t.loc["纠纷", "pct_change"])  # baseline 0: never infinite
    assert not np.isinf(c.table["pct_change"]).any()
    assert math.isinf(t.loc["纠纷", "rate_ratio"])  # the ratio itself is infinite, honestly
    c3 = compare(daily, W, B, by="category", history=False, min_base=2)
    assert c3.table.set_index("group").loc["火灾", "pct_change"] == pytest.approx(200.0)
    js = c.to_json()
    text = json.dumps(js, allow_nan=False)  # no NaN/Infinity in the JSON
    row = {r["group"]: r for r in json.loads(text)["rows"]}
    assert row["火灾"]["pct_change"] is None and row["纠纷"]["rate_ratio"] is None


def test_json_shape(daily):
    c = compare(daily, W, B, by="category", history=False)
    js = c.to_json()
    assert set(js) >= {"window", "baseline", "test", "rows", "total", "notes"}
    assert js["window"]["start"] == "2023-01-21" and js["window"]["end"] == "2023-01-22" and js["window"]["days"] == 2
    assert js["baseline"]["mode"] == "lunar"
    assert js["baseline"]["windows"] == [{"start": "2022-01-31", "end": "2022-02-01", "days": 2}]
    assert len(js["rows"]) == 4 and js["total"]["group"] == TOTAL
    assert js["total"]["current"] == 151
    assert js["rows"][0]["p_value"] == stats.binomtest(40, 65, 0.5).pvalue  # unrounded
    assert isinstance(js["test"], str) and "Benjamini" in js["test"]


def test_swapping_windows_in_compare(daily):
    c = compare(daily, W, B, by="category", history=False)
    s = compare(daily, B.windows[0], Baseline("lunar", (W,)), by="category", history=False)
    a, b = c.table.set_index("group"), s.table.set_index("group")
    for g in ["刑事", "交通", TOTAL]:
        assert b.loc[g, "rate_ratio"] == pytest.approx(1 / a.loc[g, "rate_ratio"])
        assert b.loc[g, "ci_low"] == pytest.approx(1 / a.loc[g, "ci_high"])
        assert b.loc[g, "ci_high"] == pytest.approx(1 / a.loc[g, "ci_low"])
        assert b.loc[g, "p_value"] == pytest.approx(a.loc[g, "p_value"])


def test_avg_n_baseline_pools_windows():
    rows = [("2023-02-01", "刑事", "东城区", 30), ("2022-02-01", "刑事", "东城区", 20),
            ("2021-02-01", "刑事", "东城区", 25), ("2020-02-01", "刑事", "东城区", 12)]
    d = make_daily(rows)
    w = Window("2023-02-01", "2023-02-01")
    base = Baseline("avg3", tuple(Window(f"{y}-02-01", f"{y}-02-01") for y in (2022, 2021, 2020)))
    c = compare(d, w, base, history=False)
    tot = c.total
    assert tot["baseline"] == pytest.approx(19.0)  # mean of 20, 25, 12
    assert tot["baseline_counts"] == [20, 25, 12]
    assert tot["pct_change"] == pytest.approx((30 / 19 - 1) * 100)
    assert tot["p_value"] == pytest.approx(stats.binomtest(30, 30 + 57, 1 / 4).pvalue)
    lo, hi = cp_ratio(30, 57, 1, 3)
    assert tot["ci_low"] == pytest.approx(lo) and tot["ci_high"] == pytest.approx(hi)
    assert tot["change"] == pytest.approx(11.0)


def test_windows_of_different_length_compare_daily_means():
    rows = [("2025-01-28", "刑事", "东城区", 50), ("2025-02-05", "刑事", "东城区", 40),
            ("2024-02-10", "刑事", "东城区", 30), ("2024-02-17", "刑事", "东城区", 50)]
    d = make_daily(rows)
    w = Window("2025-01-28", "2025-02-05")  # 9 days
    b = Baseline("holiday", (Window("2024-02-10", "2024-02-17"),))  # 8 days
    c = compare(d, w, b, history=False)
    assert c.total["rate_ratio"] == pytest.approx((90 / 9) / (80 / 8))
    assert c.total["pct_change"] == pytest.approx(0.0)
    assert c.total["direction"] == "flat"
    assert c.total["p_value"] == pytest.approx(stats.binomtest(90, 170, 9 / 17).pvalue)
    assert any("日均" in n for n in c.notes)


def test_hour_windows_need_hourly_and_use_it():
    d = make_daily([("2023-01-27", "刑事", "东城区", 24), ("2023-01-28", "刑事", "东城区", 24),
                    ("2023-01-29", "刑事", "东城区", 24), ("2022-01-27", "刑事", "东城区", 24),
                    ("2022-01-28", "刑事", "东城区", 24), ("2022-01-29", "刑事", "东城区", 24)])
    hourly = pd.DataFrame({
        "date": pd.to_datetime(np.repeat(["2023-01-27", "2023-01-28", "2023-01-29", "2022-01-27",
                                          "2022-01-28", "2022-01-29"], 24)).astype("datetime64[ns]"),
        "hour": np.tile(np.arange(24), 6), "kind": "警情", "category": "刑事", "district": "东城区", "count": 1})
    w = Window("2023-01-27", "2023-01-29", start_hour=6, end_hour=12)
    b = Baseline("calendar", (Window("2022-01-27", "2022-01-29", start_hour=6, end_hour=12),))
    with pytest.raises(ParameterError, match="hourly"):
        compare(d, w, b, history=False)
    c = compare(d, w, b, hourly=hourly, history=False)
    # 18 hours of the first day + 24 of the middle day + 12 of the last day, one per hour
    assert c.total["current"] == 18 + 24 + 12
    assert c.total["current_days"] == pytest.approx(54 / 24)
    with pytest.raises(ParameterError, match="subcategory"):
        compare(d, w, b, by="subcategory", hourly=hourly, history=False)


def test_filters_and_errors(daily):
    c = compare(daily, W, B, by="district", districts=["东城区"], history=False)
    assert list(c.table["group"]) == ["东城区", TOTAL]
    assert c.total["current"] == 30 + 60 + 40
    c2 = compare(daily, W, B, categories="刑事", history=False)
    assert c2.total["current"] == 40 and c2.total["baseline"] == 25
    with pytest.raises(ParameterError, match="北极区"):
        compare(daily, W, B, districts=["北极区"], history=False)
    with pytest.raises(ParameterError, match="dimension"):
        compare(daily, W, B, by="colour", history=False)
    with pytest.raises(InputError, match="not covered"):
        compare(daily, W, Baseline("calendar", (Window("2020-01-21", "2020-01-22"),)), history=False)
    with pytest.raises(InputError, match="missing column"):
        compare(daily.drop(columns="district"), W, B)


def test_by_list_keeps_columns(daily):
    c = compare(daily, W, B, by=["district", "category"], history=False)
    assert {"district", "category"} <= set(c.table.columns)
    r = c.table.set_index("group")
    assert r.loc["东城区 / 交通", "current"] == 100 and r.loc["东城区 / 交通", "baseline"] == 100
    assert r.loc["西城区 / 交通", "current"] == 0 and r.loc["西城区 / 交通", "baseline"] == 100
    assert r.loc["东城区 / 交通", "district"] == "东城区"
    # the groups partition the total
    assert c.rows["current"].sum() == c.total["current"] == 151


def test_overdispersion_from_history():
    # three earlier windows with very different counts: strong overdispersion
    rows = [("2023-03-01", "刑事", "东城区", 130), ("2022-03-01", "刑事", "东城区", 100),
            ("2021-03-01", "刑事", "东城区", 60), ("2020-03-01", "刑事", "东城区", 140)]
    d = make_daily(rows)
    w = Window("2023-03-01", "2023-03-01")
    b = Baseline("calendar", (Window("2022-03-01", "2022-03-01"),))
    hist = [Window(f"{y}-03-01", f"{y}-03-01") for y in (2022, 2021, 2020)]
    c = compare(d, w, b, history=hist)
    x = np.array([100, 60, 140])
    m = x.mean()
    phi = ((x - m) ** 2 / m).sum() / 2  # Pearson X2 / df by hand
    assert c.dispersion["total"] == pytest.approx(phi)
    ae, be = 130 / phi, 100 / phi
    lo, hi = stats.beta.ppf(0.025, ae, be + 1), stats.beta.ppf(0.975, ae + 1, be)
    assert c.total["ci_low"] == pytest.approx(lo / (1 - lo))
    assert c.total["ci_high"] == pytest.approx(hi / (1 - hi))
    assert any("离散" in n for n in c.notes)
    plain = compare(d, w, b, history=False)
    assert plain.total["p_value"] < c.total["p_value"]


# ---------------------------------------------------------------------------------------- others


def test_category_mix_against_chi2_contingency(daily):
    c = compare(daily, W, B, by="category", history=False)
    mix = category_mix(c)
    obs = np.array([[40, 25], [100, 200], [9, 3], [2, 0]])
    ref = stats.chi2_contingency(obs)
    assert mix.statistic == pytest.approx(ref.statistic)
    assert mix.pvalue == pytest.approx(ref.pvalue)
    assert mix.dof == 3
    # adjusted residual of 交通's current cell by hand
    n = obs.sum()
    e = 300 * 151 / n
    adj = (100 - e) / math.sqrt(e * (1 - 300 / n) * (1 - 151 / n))
    row = mix.table.set_index("group").loc["交通"]
    assert row["residual"] == pytest.approx(adj)
    assert mix.top[0] in ("交通", "刑事")
    assert "交通" in mix.top and abs(adj) >= 2


def test_rankings_and_zero_districts(daily):
    c = compare(daily, W, B, by="district", history=False)
    r = rankings(c, significant_only=False)
    up = r.loc[r["direction"] == "up"]
    down = r.loc[r["direction"] == "down"]
    # 东城区: now 30+60+40 = 130 vs 20+100 = 120; 西城区: 10+9+2 = 21 vs 5+100+3 = 108
    assert list(up["group"]) == ["东城区"] and list(down["group"]) == ["西城区"]
    sig = rankings(c)
    assert set(sig["group"]) == set(c.rows.loc[c.rows["significant"], "group"])
    z = zero_districts(daily, W, "category")
    # districts seen: 东城区, 西城区, 南湖区; 刑事 in the window: 东城区, 西城区 -> 南湖区 has none
    got = set(map(tuple, z[["category", "district"]].to_numpy()))
    assert ("刑事", "南湖区") in got and ("刑事", "东城区") not in got
    assert ("交通", "西城区") in got and ("火灾", "东城区") in got and ("纠纷", "东城区") in got
    assert len(got) == 3 * 4 - 5  # 12 (category, district) pairs minus the 5 seen in the window


def test_compstat_windows_and_counts():
    days = pd.date_range("2022-01-01", "2023-03-15")
    d = make_daily([(str(x.date()), "刑事", "东城区", 2 if x.year == 2023 else 1) for x in days])
    cs = compstat(d, "2023-03-15", by=None)
    t = cs.set_index("slug")
    # 2023-03-15 is a Wednesday: week to date = Mon 13 to Wed 15, against 364 days earlier
    assert t.loc["this-week", "start"] == dt.date(2023, 3, 13)
    assert t.loc["this-week", "baseline_start"] == dt.date(2022, 3, 14)
    assert t.loc["this-week", "current"] == 6 and t.loc["this-week", "baseline"] == 3
    assert t.loc["last-28d", "current"] == 56 and t.loc["last-28d", "baseline"] == 28
    assert t.loc["ytd", "current"] == 74 * 2 and t.loc["ytd", "baseline"] == 74
    assert t.loc["ytd", "pct_change"] == pytest.approx(100.0)


def test_format_table_words(daily):
    c = compare(daily, W, B, by="category", history=False)
    text = format_table(c)
    assert "| 类别 | 本期 | 去年农历同期 | 增减 | 同比 | 占比 | 显著性 |" in text
    assert "| 刑事 | 40 | 25 | +15 | +60.0% | 26.5% |" in text
    assert "由3起增至9起" in text and "由0起增至2起" in text
    assert "▼ 显著" in text  # 交通 100 vs 200
    en = format_table(c, "en")
    assert "| Traffic | 100 | 200 | \u2212100 | \u221250.0% |" in en and "from 3 to 9" in en
    masked = format_table(c, mask_below=5)
    assert "| 纠纷 | * | * | * | * | * |" in masked


def test_incidents_and_cases_are_not_added_up(daily):
    cases = daily.assign(kind="案件", category="刑事案件", count=7)
    both = pd.concat([daily, cases], ignore_index=True)
    c = compare(both, W, B, by="category", history=False)
    assert c.total["current"] == 151 and c.kinds == ("警情",)  # incidents only, by default
    assert any("案件" in n for n in c.notes)
    k = compare(both, W, B, kind="案件", history=False)
    assert k.total["current"] == 7 * 6  # six case rows fall in the current window
    a = compare(both, W, B, kind="all", history=False)
    assert a.total["current"] == 151 + 42
    byk = compare(both, W, B, by="kind", history=False)
    assert dict(zip(byk.rows["group"], byk.rows["current"])) == {"警情": 151, "案件": 42}


def test_grouped_dispersion_pooled_and_total_takes_the_larger():
    hist_counts = {"刑事": (100, 60, 140), "交通": (50, 52, 48)}
    rows = [("2023-03-01", "刑事", "东城区", 120), ("2023-03-01", "交通", "东城区", 50)]
    for cat, xs in hist_counts.items():
        rows += [(f"{y}-03-01", cat, "东城区", n) for y, n in zip((2022, 2021, 2020), xs)]
    d = make_daily(rows)
    w = Window("2023-03-01", "2023-03-01")
    b = Baseline("calendar", (Window("2022-03-01", "2022-03-01"),))
    c = compare(d, w, b, by="category", history=[Window(f"{y}-03-01", f"{y}-03-01") for y in (2022, 2021, 2020)])
    x2 = 0.0
    for xs in hist_counts.values():
        x = np.array(xs, dtype=float)
        x2 += ((x - x.mean()) ** 2 / x.mean()).sum()
    pooled = x2 / 4  # two groups x (3 - 1) degrees of freedom
    tot = np.array([150, 112, 188], dtype=float)
    own = ((tot - tot.mean()) ** 2 / tot.mean()).sum() / 2
    assert c.dispersion["groups"] == pytest.approx(pooled)
    assert c.dispersion["total"] == pytest.approx(max(own, pooled))


def test_kind_absent_from_data_is_an_error(daily):
    with pytest.raises(ParameterError, match="案件"):
        compare(daily, W, B, kind="案件", history=False)


def test_with_the_calendar_lunar_baseline_and_history():
    pytest.importorskip("stats_lib.calendar")
    days = pd.date_range("2020-01-01", "2023-02-05")
    d = make_daily([(str(x.date()), "刑事", "东城区", 10) for x in days])
    w = Window("2023-01-21", "2023-02-05")
    c = compare(d, w, "lunar")
    # issue 4: the lunar baseline of 2023-01-21..02-05 is 2022-01-31..02-15
    assert c.baseline.windows[0].start == dt.date(2022, 1, 31) and c.baseline.windows[0].end == dt.date(2022, 2, 15)
    assert c.total["current"] == 160 and c.total["baseline"] == 160
    # a constant series is under-dispersed: its daily model's phi is floored at 1 (Poisson)
    assert c.dispersion["method"] == "daily" and c.dispersion["total"] == 1.0
    assert c.total["p_value"] == pytest.approx(1.0)


def test_compstat_new_year_holiday_starting_in_december():
    # Published arrangements: 元旦 2023 ran 2022-12-31..2023-01-02; 元旦 2022 ran 2022-01-01..01-03.
    days = pd.date_range("2021-11-01", "2023-01-10")
    daily = pd.DataFrame({"date": days, "kind": "警情", "category": "刑事", "subcategory": "",
                          "district": "", "count": 10})
    block = compstat(daily, "2022-12-31", by=None)
    hol = block[block["slug"] == "new-year-holiday"]
    assert len(hol) == 1
    row = hol.iloc[0]
    assert (row["start"], row["end"]) == (dt.date(2022, 12, 31), dt.date(2022, 12, 31))
    assert (row["baseline_start"], row["baseline_end"]) == (dt.date(2022, 1, 1), dt.date(2022, 1, 1))
    assert row["current"] == 10 and row["baseline"] == 10


def test_hour_cut_window_with_duty_days_counts_by_clock_time():
    # issue 13, item 6: statistical days run 08:00 to 08:00 (day_start "08:00"); the hourly table keeps the
    # clock hour. A window 2023-02-10 20时 to 2023-02-15 6时 is clock time: count every record in it.
    rng = np.random.default_rng(3)
    clock = pd.date_range("2023-02-01 00:00", "2023-02-25 23:00", freq="h")
    n = rng.poisson(3.0, len(clock))
    stat_day = (clock - pd.Timedelta(hours=8)).normalize()
    hourly = pd.DataFrame({"date": stat_day, "hour": clock.hour, "kind": "警情", "category": "刑事",
                           "district": "东城区", "count": n})
    hourly = hourly.groupby(["date", "hour", "kind", "category", "district"], as_index=False)["count"].sum()
    daily = hourly.groupby(["date", "kind", "category", "district"], as_index=False)["count"].sum()
    daily["subcategory"] = ""
    w = Window("2023-02-10", "2023-02-15", start_hour=20, end_hour=6)
    b = Baseline("previous", (Window("2023-02-06", "2023-02-10", start_hour=10, end_hour=20),))
    truth = int(n[(clock >= "2023-02-10 20:00") & (clock < "2023-02-15 06:00")].sum())  # by clock, plain numpy
    before = int(n[(clock >= "2023-02-06 10:00") & (clock < "2023-02-10 20:00")].sum())
    c = compare(daily, w, b, hourly=hourly, history=False, ledger={"day_start": "08:00"})
    assert (c.total["current"], c.total["baseline"]) == (truth, before)
    # without the day start the cut would apply clock hours to statistical days and count otherwise
    wrong = compare(daily, w, b, hourly=hourly, history=False)
    assert wrong.total["current"] != truth


def test_compare_refuses_a_window_after_the_as_of_cut_off(capsys, root):
    """--as-of is the data's cut-off: a window that ends after it was compared in full (data after the
    cut-off used, `--as-of 1900-01-01` too); now one line, exit 2. A window ending on the cut-off is compared,
    and its total is the plain sum of the cleaned table over the window."""
    import pandas as pd

    from stats_lib import cli

    data = str(root / "data" / "sample" / "cleaned")
    for as_of in ("2023-01-25", "1900-01-01"):
        assert cli.main(["compare", "--data", data, "--start", "2023-01-21", "--end", "2023-02-05",
                         "--as-of", as_of]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "--as-of" in err and "2023-02-05" in err
    assert cli.main(["compare", "--data", data, "--start", "2023-01-21", "--end", "2023-01-25",
                     "--as-of", "2023-01-25", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    d = pd.read_parquet(root / "data" / "sample" / "cleaned" / "daily.parquet")
    d = d[(d["kind"] == "警情") & (pd.to_datetime(d["date"]) >= "2023-01-21") & (pd.to_datetime(d["date"]) <= "2023-01-25")]
    assert out["total"]["current"] == int(d["count"].sum())


def test_usage_errors_say_briefing_once_and_name_the_sub_command(capsys):
    from stats_lib import cli

    assert cli.main(["compare", "--data", "x", "--start", "2023-01-01", "--end", "2023-01-02", "--bogus", "1"]) == 2
    assert capsys.readouterr().err.strip() == "briefing: error: unrecognized arguments: --bogus 1"
    assert cli.main(["compare", "--start", "2023-01-01"]) == 2
    assert capsys.readouterr().err.strip() == "briefing: error: compare: the following arguments are required: --data"
