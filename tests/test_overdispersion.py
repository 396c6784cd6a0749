"""Overdispersion per series from the daily model of its history: values against statsmodels, the test's
size and power by simulation, and on the sample the planted yearly fall of 刑事 found in every year pair."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from stats_lib.stats.compare import compare
from stats_lib.stats.overdispersion import DEFAULT_PHI, estimate_overdispersion
from stats_lib.windows import Baseline, Window


def _bench():
    spec = importlib.util.spec_from_file_location("size_power", ROOT / "bench" / "size_power.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_pearson_dispersion_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(7)
    n = 400
    wd = np.arange(n) % 7
    X = np.column_stack([np.ones(n), *[(wd == k).astype(float) for k in range(1, 7)], np.arange(n) / 365])
    mu = 12 * np.exp(0.1 * (wd == 5) - 0.4 * np.arange(n) / 365)
    y = rng.negative_binomial(mu / 0.8, 1 / 1.8)  # Var = 1.8 mu
    ref = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2").scale
    got = estimate_overdispersion(y, X)
    assert got.estimated and got.estimate == pytest.approx(ref, rel=1e-4)
    assert got.phi == pytest.approx(max(1.0, ref), rel=1e-4) and got.df == n - 8


def test_short_history_gives_the_stated_default():
    X = np.ones((30, 1))
    got = estimate_overdispersion(np.full(30, 5.0), X)
    assert not got.estimated and got.phi == DEFAULT_PHI


def _two_categories() -> pd.DataFrame:
    """刑事 falls steadily by 6% a year (a trend, Poisson around it); 火灾 is plain Poisson at 8 a day."""
    rng = np.random.default_rng(11)
    days = pd.date_range("2021-01-01", "2024-02-29")
    years = (days - days[0]).days.to_numpy() / 365.25
    crim = rng.poisson(20 * 0.94 ** years)
    fire = rng.poisson(np.full(len(days), 8.0))
    frames = [pd.DataFrame({"date": days, "category": c, "count": v}) for c, v in (("刑事", crim), ("火灾", fire))]
    d = pd.concat(frames, ignore_index=True)
    d["kind"], d["subcategory"], d["district"] = "警情", "", ""
    return d


def test_one_categorys_trend_never_widens_another():
    d = _two_categories()
    w = Window("2024-01-01", "2024-02-29")
    base = Baseline("calendar", (Window("2023-01-01", "2023-03-01"),))
    c = compare(d, w, base, by="category")
    t = c.table.set_index("group")
    # the daily model has a trend term: a steady fall is not noise, so neither series is overdispersed
    assert c.dispersion["method"] == "daily"
    assert t.loc["刑事", "dispersion"] < 1.15 and t.loc["火灾", "dispersion"] < 1.15
    # the old rule (pooled Pearson of three yearly windows) is inflated by 刑事's trend alone
    hist = [Window(f"{y}-01-01", f"{y}-02-28") for y in (2023, 2022, 2021)]
    old = compare(d, w, base, by="category", history=hist)
    x = np.array([[d[(d.category == g) & (d.date >= f"{y}-01-01") & (d.date <= f"{y}-02-28")]["count"].sum()
                   for y in (2023, 2022, 2021)] for g in ("刑事",)], dtype=float)
    own = ((x - x.mean()) ** 2 / x.mean()).sum() / 2
    assert own > 1.5 and old.dispersion["groups"] > t.loc["火灾", "dispersion"]


def test_size_within_one_point_of_nominal_and_power_reported():
    bench = _bench()
    null = bench.simulate(2000, phi=1.6, change=0.0, seed=2024)
    assert abs(null["quasi"] - 0.05) <= 0.01, null
    assert null["poisson"] > 0.08  # ignoring the overdispersion doubles the false alarms
    assert null["phi_mean"] == pytest.approx(1.6, abs=0.03)
    alt = bench.simulate(500, phi=1.6, change=-0.2, seed=2025)
    assert alt["quasi"] > 0.6, alt  # measured power at -20% (bench/size_power.py prints the figures)
