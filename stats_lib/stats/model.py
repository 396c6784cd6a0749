"""The expected-count model of a daily series: its regressors and a Poisson fit.

Used by the anomaly limits (:mod:`stats_lib.stats.anomaly`) and by the overdispersion estimate of the
comparisons (:mod:`stats_lib.stats.overdispersion`)::

    log E[y] = intercept + weekday + month + official holiday + make-up working day
               + band of days from Spring Festival (-30..-15, -14..-8, -7..-1, 0..6, 7..15, 16..30)
               + linear trend (years since the first day)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stats_lib.calendar.baselines import day_attributes

__all__ = ["SF_BANDS", "design_matrix", "fit_poisson"]

#: Bands of days from Spring Festival (初一 = 0; 除夕 = -1; 元宵 = 14), inclusive bounds.
SF_BANDS = ((-30, -15), (-14, -8), (-7, -1), (0, 6), (7, 15), (16, 30))


def design_matrix(dates: pd.DatetimeIndex, attrs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Regressors of the expected-count model for ``dates``.

    Parameters
    ----------
    dates : DatetimeIndex
        The days.
    attrs : DataFrame, optional
        Day attributes with columns ``date`` and some of ``holiday`` (name of the official holiday
        period, ``''`` outside one), ``is_makeup_workday`` and ``days_from_spring_festival``; None
        takes them from ``stats_lib.calendar.day_attributes``. Missing values count as ordinary days.

    Returns
    -------
    DataFrame
        Indexed by date: ``intercept``, ``wd1`` … ``wd6`` (Tuesday … Sunday), ``m2`` … ``m12``,
        ``holiday``, ``makeup``, ``sf_<lo>_<hi>`` for each band of :data:`SF_BANDS`, and ``trend``
        (years since the first date). All 0/1 except ``trend``.
    """
    dates = pd.DatetimeIndex(dates)
    if attrs is None:
        attrs = day_attributes(dates.min().date(), dates.max().date())
    a = attrs.copy()
    a["date"] = pd.to_datetime(a["date"]).astype("datetime64[ns]")
    a = a.drop_duplicates("date").set_index("date").reindex(dates)
    cols: dict[str, np.ndarray] = {"intercept": np.ones(len(dates))}
    wd = dates.day_of_week.to_numpy()
    for k in range(1, 7):
        cols[f"wd{k}"] = (wd == k).astype(float)
    mo = dates.month.to_numpy()
    for k in range(2, 13):
        cols[f"m{k}"] = (mo == k).astype(float)
    hol = a["holiday"].fillna("").astype(str).to_numpy() if "holiday" in a else np.array([""] * len(dates))
    cols["holiday"] = (hol != "").astype(float)
    mk = a["is_makeup_workday"] if "is_makeup_workday" in a else pd.Series(False, index=a.index)
    cols["makeup"] = mk.astype("boolean").fillna(False).to_numpy(dtype=bool).astype(float)
    if "days_from_spring_festival" in a:
        sf = pd.to_numeric(a["days_from_spring_festival"], errors="coerce").to_numpy(dtype=float)
    else:
        sf = np.full(len(dates), np.nan)
    for lo, hi in SF_BANDS:
        cols[f"sf_{lo}_{hi}"] = ((sf >= lo) & (sf <= hi)).astype(float)
    cols["trend"] = ((dates - dates.min()).days.to_numpy() / 365.25) if len(dates) else np.zeros(0)
    return pd.DataFrame(cols, index=dates)


def fit_poisson(X: np.ndarray, y: np.ndarray, *, ridge: float = 1.0, max_iter: int = 50,
                tol: float = 1e-8) -> np.ndarray:
    """Poisson regression with log link by IRLS; a ridge penalty on every coefficient but the first.

    Returns
    -------
    ndarray
        The coefficients (``len = X.shape[1]``).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = X.shape[1]
    pen = np.full(p, ridge)
    pen[0] = 1e-8
    beta = np.zeros(p)
    beta[0] = np.log(max(y.mean(), 1e-3))
    for _ in range(max_iter):
        eta = np.clip(X @ beta, -20, 20)
        mu = np.exp(eta)
        z = eta + (y - mu) / mu
        xtw = X.T * mu
        new = np.linalg.solve(xtw @ X + np.diag(pen), xtw @ z)
        if np.max(np.abs(new - beta)) < tol:
            beta = new
            break
        beta = new
    return beta
