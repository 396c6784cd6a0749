"""The category-mix chi-square allows for the overdispersion the comparison table applies (trial 2, A3).

With phi = 1.5 on every row the table marked no category significant while 七、异常提示 said the mix changed
significantly (p = 0.009): the mix test was a plain chi2_contingency. Quasi-likelihood divides the Pearson
statistic by phi (McCullagh and Nelder 1989, section 6.2).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stats_lib.errors import ParameterError
from stats_lib.stats.compare import compare
from stats_lib.stats.mix import category_mix
from stats_lib.tables import normalise_daily
from stats_lib.windows import Baseline, Window

CUR = [145, 400, 350, 300, 210, 180, 90, 60, 45]
BASE = [87, 410, 330, 320, 200, 190, 95, 55, 50]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"group": [f"c{i}" for i in range(len(CUR))], "current": CUR, "baseline": BASE})


def test_one_phi_divides_the_pearson_statistic():
    obs = np.array([CUR, BASE], dtype=float).T
    plain = stats.chi2_contingency(obs)
    mix = category_mix(_frame(), dispersion=1.5)
    assert mix.statistic == pytest.approx(plain.statistic / 1.5, rel=1e-12)
    assert mix.pvalue == pytest.approx(stats.chi2.sf(plain.statistic / 1.5, len(CUR) - 1), rel=1e-12)
    assert plain.pvalue < 0.05 < mix.pvalue  # significant as plain Poisson, not once widened
    # phi = 1 (or no dispersion given) is the plain test
    assert category_mix(_frame()).pvalue == pytest.approx(plain.pvalue, rel=1e-12)


def test_a_phi_per_group_divides_each_groups_contribution():
    phi = np.array([3.0, 1.0, 1.2, 1.0, 2.0, 1.0, 1.5, 1.0, 1.0])
    obs = np.array([CUR, BASE], dtype=float).T
    exp = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / obs.sum()
    x2 = float((((obs - exp) ** 2 / exp).sum(axis=1) / phi).sum())  # by hand
    mix = category_mix(_frame().assign(dispersion=phi))
    assert mix.statistic == pytest.approx(x2, rel=1e-12)
    assert mix.pvalue == pytest.approx(stats.chi2.sf(x2, 8), rel=1e-12)
    r = mix.table.set_index("group").loc["c0", "residual"]
    n, rs, cs = obs.sum(), obs.sum(axis=1), obs.sum(axis=0)
    adj = (obs[0, 0] - exp[0, 0]) / np.sqrt(exp[0, 0] * (1 - rs[0] / n) * (1 - cs[0] / n)) / np.sqrt(3.0)
    assert r == pytest.approx(adj, rel=1e-12)


def test_the_mix_of_a_comparison_uses_its_rows_phi():
    # two weeks of history only: every row gets the default phi; the mix test must use the same
    days = pd.date_range("2023-01-01", "2023-01-20")
    rows = []
    for i, (c, b) in enumerate(zip(CUR, BASE)):
        cat = ["刑事", "治安", "交通", "火灾", "求助", "纠纷", "举报投诉", "无效", "其他"][i]
        for k, day in enumerate(days):  # the window totals are BASE and CUR, spread over the ten days
            n = b if k < 10 else c
            rows.append({"date": day, "category": cat, "count": n // 10 + (n % 10 if k % 10 == 0 else 0)})
    d = normalise_daily(pd.DataFrame(rows).assign(kind="警情", subcategory="", district="东城区"))
    cmp = compare(d, Window("2023-01-11", "2023-01-20"), Baseline("previous", (Window("2023-01-01", "2023-01-10"),)),
                  by="category")
    phi = cmp.rows["dispersion"].to_numpy(dtype=float)
    cats = ["刑事", "治安", "交通", "火灾", "求助", "纠纷", "举报投诉", "无效", "其他"]
    assert (phi > 1).all() and dict(zip(cmp.rows["group"], cmp.rows["current"])) == dict(zip(cats, CUR))
    assert dict(zip(cmp.rows["group"], [sum(x) for x in cmp.rows["baseline_counts"]])) == dict(zip(cats, BASE))
    obs = np.column_stack([cmp.rows["current"], [sum(x) for x in cmp.rows["baseline_counts"]]]).astype(float)
    exp = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / obs.sum()
    x2 = float((((obs - exp) ** 2 / exp).sum(axis=1) / phi).sum())
    assert category_mix(cmp).pvalue == pytest.approx(stats.chi2.sf(x2, len(obs) - 1), rel=1e-12)


def test_bad_dispersion_is_refused():
    with pytest.raises(ParameterError, match="dispersion"):
        category_mix(_frame(), dispersion=0.5)
    with pytest.raises(ParameterError, match="dispersion"):
        category_mix(_frame(), dispersion=[1.2, 1.3])
