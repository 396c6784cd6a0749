"""The expected-count model of a daily series: its regressors and a Poisson fit.

Used by the anomaly limits (:mod:`stats_lib.stats.anomaly`) and by the overdispersion estimate of the
comparisons (:mod:`stats_lib.stats.overdispersion`)::

    log E[y] = intercept + weekday + month + official holiday + make-up working day
               + band of days from Spring Festival (-30..-15, -14..-8, -7..-1, 0..6, 7..15, 16..30)
               + linear trend (years since the first day)
               [+ one term per lunar day 除夕, 初一 … 初七, 元宵, with ``lunar_days=True``]

The official status of a day is that of its own year (``holiday``: a statutory day off; ``makeup``: a
make-up working day, 调休上班; neither: an ordinary day), so 2024's 除夕, a working day, has the status of a
working day although 除夕 was a day off in 2021-2023. The lunar-day terms are deviations from their band:
the days of a festival whose own effect differs from the week around it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stats_lib.calendar.baselines import day_attributes

__all__ = ["SF_BANDS", "LUNAR_DAYS", "design_matrix", "fit_poisson"]

#: Bands of days from Spring Festival (初一 = 0; 除夕 = -1; 元宵 = 14), inclusive bounds.
SF_BANDS = ((-30, -15), (-14, -8), (-7, -1), (0, 6), (7, 15), (16, 30))
#: The lunar days with a term of their own (``lunar_days=True``): column name, name, days from 初一.
LUNAR_DAYS = (("ld_chuxi", "除夕", -1), ("ld_chu1", "初一", 0), ("ld_chu2", "初二", 1), ("ld_chu3", "初三", 2),
              ("ld_chu4", "初四", 3), ("ld_chu5", "初五", 4), ("ld_chu6", "初六", 5), ("ld_chu7", "初七", 6),
              ("ld_yuanxiao", "元宵", 14))


def design_matrix(dates: pd.DatetimeIndex, attrs: pd.DataFrame | None = None, *,
                  lunar_days: bool = False) -> pd.DataFrame:
    """Regressors of the expected-count model for ``dates``.

    Parameters
    ----------
    dates : DatetimeIndex
        The days.
    attrs : DataFrame, optional
        Day attributes with columns ``date`` and some of ``holiday`` (name of the official holiday
        period, ``''`` outside one), ``is_makeup_workday`` and ``days_from_spring_festival``; None
        takes them from ``stats_lib.calendar.day_attributes``. Missing values count as ordinary days.
    lunar_days : bool
        Add one 0/1 column per lunar day of :data:`LUNAR_DAYS` (除夕, 初一 … 初七, 元宵), from
        ``days_from_spring_festival`` (除夕 = -1, 初一 = 0, 元宵 = 14).

    Returns
    -------
    DataFrame
        Indexed by date: ``intercept``, ``wd1`` … ``wd6`` (Tuesday … Sunday), ``m2`` … ``m12``,
        ``holiday``, ``makeup``, ``sf_<lo>_<hi>`` for each band of :data:`SF_BANDS`, with ``lunar_days``
        ``ld_chuxi``, ``ld_chu1`` … ``ld_chu7``, ``ld_yuanxiao``, and ``trend`` (years since the first
        date). All 0/1 except ``trend``.
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
    if lunar_days:
        for col, _name, k in LUNAR_DAYS:
            cols[col] = (sf == k).astype(float)
    cols["trend"] = ((dates - dates.min()).days.to_numpy() / 365.25) if len(dates) else np.zeros(0)
    return pd.DataFrame(cols, index=dates)


def fit_poisson(X: np.ndarray, y: np.ndarray, *, ridge: float | np.ndarray = 1.0, max_iter: int = 50,
                tol: float = 1e-8, offset: np.ndarray | None = None) -> np.ndarray:
    """Poisson regression with log link by IRLS; a ridge penalty on every coefficient but the first.

    ``ridge`` is one penalty for every coefficient or one per column (the first column's is ignored);
    ``offset`` (optional, one value per row) is added to the linear predictor with a fixed coefficient
    of 1: ``log E[y] = offset + X beta``.

    Parameters
    ----------
    X : ndarray, shape (n, p)
        Regressors; the first column is the intercept.
    y : ndarray, shape (n,)
        Counts.
    ridge : float or ndarray
        Penalty (prior precision) on the coefficients.
    max_iter : int
        Most IRLS iterations.
    tol : float
        Stop when no coefficient moves by more than this.
    offset : ndarray, optional
        Log exposure of each row.

    Returns
    -------
    ndarray
        The coefficients (``len = X.shape[1]``).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = X.shape[1]
    pen = np.full(p, ridge, dtype=float) if np.ndim(ridge) == 0 else np.asarray(ridge, dtype=float).copy()
    pen[0] = 1e-8
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    beta = np.zeros(p)
    beta[0] = np.log(max(y.mean(), 1e-3)) - float(off.mean())
    for _ in range(max_iter):
        eta = np.clip(X @ beta + off, -20, 20)
        mu = np.exp(eta)
        z = eta - off + (y - mu) / mu
        xtw = X.T * mu
        new = np.linalg.solve(xtw @ X + np.diag(pen), xtw @ z)
        if np.max(np.abs(new - beta)) < tol:
            beta = new
            break
        beta = new
    return beta
