"""The anomaly model's lunar-day and official-status terms (issue 13, item 7).

A synthetic series is built here with known effects: days off (weekends) x0.8, a statutory holiday x0.7, a
make-up working day x1.25 (so that a Saturday worked counts as a working day), and 除夕 x1.4. In 2021-2023
除夕 was a statutory holiday; in 2024 (2月9日, a Friday) it was an ordinary working day. The expectation of
that day is then 200 x 1.4 = 280 by hand, not the 200 x 0.7 x 1.4 = 196 of a holiday 除夕.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stats_lib.calendar.baselines import day_attributes
from stats_lib.stats.anomaly import expected_counts
from stats_lib.stats.model import LUNAR_DAYS, design_matrix

BASE, OFF, HOLIDAY, MAKEUP, CHUXI = 200.0, 0.8, 0.7, 1.25, 1.4
WORKING_CHUXI = pd.Timestamp("2024-02-09")


def synthetic(noise: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    attrs = day_attributes("2021-01-01", "2024-02-29")
    a = attrs.set_index(pd.to_datetime(attrs["date"]))
    # the calendar facts the test relies on, checked first
    chuxi = a.index[a["festival"] == "除夕"]
    assert list(chuxi.strftime("%Y-%m-%d")) == ["2021-02-11", "2022-01-31", "2023-01-21", "2024-02-09"]
    assert (a.loc[chuxi[:3], "holiday"] != "").all() and a.loc[WORKING_CHUXI, "holiday"] == ""
    assert WORKING_CHUXI.day_of_week == 4 and not a.loc[WORKING_CHUXI, "is_makeup_workday"]
    mu = np.full(len(a), BASE)
    mu *= np.where(a.index.day_of_week >= 5, OFF, 1.0)
    mu *= np.where(a["holiday"].fillna("") != "", HOLIDAY, 1.0)
    mu *= np.where(a["is_makeup_workday"].fillna(False).astype(bool), MAKEUP, 1.0)
    mu *= np.where(a["festival"] == "除夕", CHUXI, 1.0)
    y = np.random.default_rng(13).poisson(mu) if noise else mu
    return pd.DataFrame({"警情": y}, index=pd.DatetimeIndex(a.index, name="date")), attrs


def test_design_has_one_term_per_lunar_day():
    attrs = day_attributes("2024-02-01", "2024-02-29")
    X = design_matrix(pd.date_range("2024-02-01", "2024-02-29"), attrs, lunar_days=True)
    sf = pd.to_numeric(attrs["days_from_spring_festival"]).to_numpy()
    for col, _name, k in LUNAR_DAYS:
        assert X[col].sum() == 1 and sf[X[col].to_numpy() == 1][0] == k
    # 除夕 2024-02-09 and 元宵 2024-02-24 by the calendar
    assert X.loc["2024-02-09", "ld_chuxi"] == 1 and X.loc["2024-02-24", "ld_yuanxiao"] == 1
    assert X.loc["2024-02-09", "holiday"] == 0 and X.loc["2024-02-10", "holiday"] == 1
    assert X.loc["2024-02-18", "makeup"] == 1  # 调休上班, a Sunday
    assert "ld_chuxi" not in design_matrix(pd.date_range("2024-02-01", "2024-02-29"), attrs).columns


@pytest.mark.parametrize("noise,rtol", [(False, 0.02), (True, 0.10)])
def test_working_chuxi_is_expected_as_a_working_day(noise, rtol):
    series, attrs = synthetic(noise)
    res = expected_counts(series, WORKING_CHUXI, WORKING_CHUXI, attrs=attrs)
    expected = float(res["expected"].iloc[0])
    by_hand = BASE * CHUXI  # an ordinary Friday (working day) with the 除夕 effect
    assert expected == pytest.approx(by_hand, rel=rtol)
    assert abs(expected - BASE * HOLIDAY * CHUXI) > 0.25 * BASE * HOLIDAY * CHUXI  # not a holiday 除夕
    # the day before (an ordinary Thursday) and 初一 (a statutory holiday on a Saturday) by hand too
    around = expected_counts(series, "2024-02-08", "2024-02-10", attrs=attrs).set_index("date")["expected"]
    assert around[pd.Timestamp("2024-02-08")] == pytest.approx(BASE, rel=rtol)
    assert around[pd.Timestamp("2024-02-10")] == pytest.approx(BASE * OFF * HOLIDAY, rel=rtol)
