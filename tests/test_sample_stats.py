"""The comparisons on the whole sample city (2021-2024): what issue 13 asked to see on it.

The sample generator plants a steady yearly fall of 刑事 (about 6% a year); every year pair must find it.
Expected values are recomputed here with plain pandas and SciPy.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE
from scipy import stats

from stats_lib.clean import load
from stats_lib.stats.compare import compare
from stats_lib.windows import Window


@pytest.fixture(scope="module")
def sample():
    files = sorted(SAMPLE.glob("incidents_*.csv.gz")) + sorted(SAMPLE.glob("cases_*.csv.gz"))
    if not files:
        pytest.skip("data/sample is missing; run `make sample`")
    return load(files, as_of="2024-12-31")


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_planted_fall_of_criminal_incidents_is_significant_every_year(sample, year):
    d = sample.daily
    c = compare(d, Window(f"{year}-01-01", f"{year}-12-30"), "calendar", by="category", ledger=sample.ledger)
    row = c.table.set_index("group").loc["刑事"]
    inc = d[(d["kind"] == "警情") & (d["category"] == "刑事")]
    a = int(inc.loc[inc["date"].between(f"{year}-01-01", f"{year}-12-30"), "count"].sum())
    b = int(inc.loc[inc["date"].between(f"{year - 1}-01-01", f"{year - 1}-12-30"), "count"].sum())
    assert (row["current"], row["baseline"]) == (a, b) and a < b
    assert row["direction"] == "down" and row["significant"]
    # the dispersion applied is the category's own, from its daily model: near 1 for a Poisson series
    # with a trend (the old pooled rule gave 2.59 and hid this fall)
    assert 1.0 <= row["dispersion"] < 1.3
    phi = row["dispersion"]
    ae, be = a / phi, b / phi
    t1 = (pd.Timestamp(f"{year}-12-30") - pd.Timestamp(f"{year}-01-01")).days + 1  # 365 in a leap year
    t2 = (pd.Timestamp(f"{year - 1}-12-30") - pd.Timestamp(f"{year - 1}-01-01")).days + 1
    p0 = t1 / (t1 + t2)
    ref = min(1.0, 2 * min(stats.beta.cdf(p0, ae, be + 1), stats.beta.sf(p0, ae + 1, be)))
    assert row["p_value"] == pytest.approx(ref, rel=1e-6)


def test_change_and_percentage_never_disagree_in_sign(sample):
    d = sample.daily
    windows = [Window("2023-01-21", "2023-02-05"), Window("2023-09-29", "2023-10-06"),
               Window("2024-02-09", "2024-02-17"), Window("2023-03-20", "2023-04-25"), Window("2024-06-01", "2024-06-30")]
    seen = 0
    for w, mode in itertools.product(windows, ["calendar", "lunar", "weekday", "previous", "avg2"]):
        for by in ("category", "district"):
            t = compare(d, w, mode, by=by, ledger=sample.ledger, history=False).table
            pct = t["pct_change"].to_numpy(dtype=float)
            chg = t["change"].to_numpy(dtype=float)
            ok = np.isfinite(pct)
            assert (np.sign(chg[ok]) == np.sign(np.round(pct[ok], 12))).all(), (w, mode, by)
            sign = {"up": 1, "down": -1, "flat": 0}
            assert (np.sign(chg) == t["direction"].map(sign).to_numpy()).all(), (w, mode, by)
            seen += len(t)
    assert seen > 400


def test_leap_month_window_gets_a_same_length_baseline_and_keeps_its_direction(sample):
    # issue 13: with the 7-day baseline the sample printed "+4.6%"; the same-length baseline gives a fall
    d = sample.daily
    c = compare(d, Window("2023-03-20", "2023-04-25"), "lunar", ledger=sample.ledger)
    b = c.baseline.windows[0]
    assert b.days == 37 and str(b.start) == "2022-03-31"
    inc = d[d["kind"] == "警情"]
    a = int(inc.loc[inc["date"].between("2023-03-20", "2023-04-25"), "count"].sum())
    base = int(inc.loc[inc["date"].between("2022-03-31", "2022-05-06"), "count"].sum())
    assert (c.total["current"], c.total["baseline"]) == (a, base)
    assert c.total["pct_change"] == pytest.approx((a / base - 1) * 100) and c.total["pct_change"] < 0
    assert c.total["direction"] == "down" and c.total["change"] == a - base
