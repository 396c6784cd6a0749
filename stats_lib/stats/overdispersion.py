"""Overdispersion of a daily series, from the daily residuals of a model of its history.

Counts of incidents vary more than a Poisson count: a quasi-Poisson model allows ``Var(y) = phi * mu``.
A comparison of two window totals applies the ``phi`` of the series it tests (never one pooled over
categories): the counts are divided by ``phi`` before the exact test (see :func:`stats_lib.stats.ratetest.rate_test`).
For independent days with ``Var(y_d) = phi mu_d`` the window total has ``Var = phi * sum(mu_d)``, so the
daily ``phi`` is the window total's.

``phi`` is estimated on the days *before* the current window (at most :data:`MAX_HISTORY_DAYS`), by a
Poisson GLM with log link whose regressors are those of :func:`stats_lib.stats.model.design_matrix`
(weekday, month, official holiday and make-up day, days from Spring Festival, linear trend), as the
Pearson statistic over its residual degrees of freedom, ``phi = X2 / (n - p)`` (McCullagh & Nelder 1989,
*Generalized Linear Models*, 2nd ed., section 4.5.2), floored at 1. The trend term keeps a steady yearly
rise or fall out of ``phi``: a trend is not noise.

Where the history is shorter than :data:`MIN_HISTORY_DAYS` days or holds fewer than
:data:`MIN_HISTORY_COUNT` events, ``phi`` is not estimated and the conservative default
:data:`DEFAULT_PHI` is applied (and the notes say so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stats_lib.errors import ParameterError
from stats_lib.gaps import Gap
from stats_lib.stats.model import design_matrix, fit_poisson
from stats_lib.stats.ratetest import dispersion
from stats_lib.tables import Coverage, window_counts
from stats_lib.windows import Baseline, Window

__all__ = ["MIN_HISTORY_DAYS", "MIN_HISTORY_COUNT", "MAX_HISTORY_DAYS", "DEFAULT_PHI", "Overdispersion",
           "estimate_overdispersion", "series_overdispersion", "RowDispersion", "comparison_dispersion"]

#: Fewest days of history on which ``phi`` is estimated.
MIN_HISTORY_DAYS = 90
#: Fewest events in the history on which ``phi`` is estimated.
MIN_HISTORY_COUNT = 30
#: Days of history used at most (the three years before the window).
MAX_HISTORY_DAYS = 1096
#: ``phi`` applied when the history is too short to estimate it. The sample city's series show daily
#: ``phi`` between 1.0 and 1.3; 1.5 errs on the side of calling fewer changes significant.
DEFAULT_PHI = 1.5


@dataclass(frozen=True)
class Overdispersion:
    """The overdispersion of one series.

    Attributes
    ----------
    phi : float
        The dispersion applied (>= 1; 1 = Poisson).
    estimate : float
        Pearson ``X2 / df`` of the model of the history (NaN when not estimated).
    df : int
        Residual degrees of freedom of the fit (0 when not estimated).
    days : int
        Days of history used.
    estimated : bool
        True when ``phi`` comes from the history, False when it is :data:`DEFAULT_PHI`.
    """

    phi: float
    estimate: float
    df: int
    days: int
    estimated: bool


def estimate_overdispersion(y: np.ndarray, X: np.ndarray, *, default: float = DEFAULT_PHI) -> Overdispersion:
    """Pearson dispersion ``X2 / (n - p)`` of a Poisson log-linear fit of counts ``y`` on regressors ``X``.

    Parameters
    ----------
    y : array (n,)
        Daily counts of the history.
    X : array (n, p)
        Regressors (first column the intercept). Columns constant at zero in the history are dropped.
    default : float
        ``phi`` applied when the history is too short (see the module notes).

    Returns
    -------
    Overdispersion
        ``phi`` (floored at 1), the raw estimate, its degrees of freedom and the days used.

    Raises
    ------
    ParameterError
        ``y`` does not have one value per row of ``X``.

    Notes
    -----
    ``X2 = sum (y - mu)^2 / mu`` with ``mu`` the fitted means (iteratively reweighted least squares with a
    negligible ridge, which matches ``statsmodels.GLM(y, X, family=Poisson()).fit(scale="X2").scale``).
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(y) != X.shape[0]:
        raise ParameterError("estimate_overdispersion: y must have one value per row of X")
    n = len(y)
    if n < MIN_HISTORY_DAYS or y.sum() < MIN_HISTORY_COUNT:
        return Overdispersion(phi=float(default), estimate=float("nan"), df=0, days=n, estimated=False)
    keep = np.abs(X).sum(axis=0) > 0
    keep[0] = True
    Xk = X[:, keep]
    beta = fit_poisson(Xk, y, ridge=1e-6)
    mu = np.exp(np.clip(Xk @ beta, -20, 20))
    df = n - int(np.linalg.matrix_rank(Xk.T @ Xk, hermitian=True))
    x2 = float(((y - mu) ** 2 / mu).sum())
    est = x2 / df
    return Overdispersion(phi=max(1.0, est), estimate=est, df=df, days=n, estimated=True)


def series_overdispersion(series: pd.DataFrame, before: dt.date, first: dt.date, *,
                          attrs: pd.DataFrame | None = None, default: float = DEFAULT_PHI,
                          gaps: Sequence[Gap] = ()) -> dict[str, Overdispersion]:
    """The overdispersion of each column of a wide daily frame, from the days before ``before``.

    Parameters
    ----------
    series : DataFrame
        Daily counts, index a daily DatetimeIndex covering at least ``first``..``before - 1``
        (zero-filled), one column per series.
    before : date
        First day of the current window: only earlier days are used.
    first : date
        First day of the data's coverage.
    attrs : DataFrame, optional
        Day attributes for the design (None: from the calendar).
    default : float
        ``phi`` for a series whose history is too short.
    gaps : sequence of Gap
        Runs of days without data (:func:`stats_lib.gaps.find_gaps`): left out of the history, never
        read as zeros.

    Returns
    -------
    dict
        ``{column: Overdispersion}``.
    """
    start = max(pd.Timestamp(first), pd.Timestamp(before) - pd.Timedelta(days=MAX_HISTORY_DAYS))
    days = pd.date_range(start, pd.Timestamp(before) - pd.Timedelta(days=1), freq="D")
    for g in gaps:
        days = days[(days < pd.Timestamp(g.start)) | (days > pd.Timestamp(g.end))]
    hist = series.reindex(days, fill_value=0)
    if len(days) < MIN_HISTORY_DAYS:
        return {str(c): Overdispersion(float(default), float("nan"), 0, len(days), False) for c in series.columns}
    X = design_matrix(days, attrs)
    if (days.max() - days.min()).days < 365:  # a trend over less than a year would take up the season
        X = X.drop(columns="trend")
    Xn = X.to_numpy()
    return {str(c): estimate_overdispersion(hist[c].to_numpy(), Xn, default=default) for c in series.columns}


@dataclass(frozen=True)
class RowDispersion:
    """The dispersion applied to each row of a comparison (the groups, then the total).

    Attributes
    ----------
    phi : ndarray
        One ``phi >= 1`` per row, the total's last.
    method : str
        ``daily`` (each series' own daily model), ``windows`` (earlier comparable windows given by the
        caller, pooled), ``default`` (history too short: :data:`DEFAULT_PHI`) or ``none`` (Poisson, asked for).
    notes, notes_en : tuple of str
        What the reader must be told, in Chinese and English.
    summary : dict
        ``{"method", "groups" (largest phi of the groups), "total", "history_days", "windows"}``.
    """

    phi: np.ndarray
    method: str
    notes: tuple[str, ...]
    notes_en: tuple[str, ...]
    summary: dict


def comparison_dispersion(data: pd.DataFrame, keys: list[tuple], dims: list[str], window: Window,
                          history: object, cover: Coverage, *, hourly: pd.DataFrame | None = None,
                          day_start_minutes: int = 0) -> RowDispersion:
    """The dispersion of each row of a comparison.

    Parameters
    ----------
    data : DataFrame
        The daily table after the comparison's filters.
    keys : list of tuple
        The values of ``dims`` of each group row, in table order (the total row is added last).
    dims : list of str
        The grouping dimensions.
    window : Window
        The current window; the history is the coverage's days before it.
    history : None, False, Baseline or list of Window
        None: each series' own daily model (:func:`series_overdispersion`). False: Poisson (phi = 1).
        Windows: the pooled Pearson dispersion of those earlier windows' counts
        (:func:`stats_lib.stats.ratetest.dispersion`), the same for every row (the total's the larger).
    cover : Coverage
        The data's coverage.
    hourly : DataFrame, optional
        The hourly table, for earlier windows cut at an hour.
    day_start_minutes : int
        Minutes after midnight at which a statistical day starts (the ledger's ``day_start``): windows
        cut at an hour are counted by clock time (:func:`stats_lib.tables.window_counts`).

    Returns
    -------
    RowDispersion
        One ``phi`` per row (total last), the method used and the notes for the reader.
    """
    n_rows = len(keys) + 1
    if history is False:
        return RowDispersion(np.ones(n_rows), "none", (), (), {"method": "none", "groups": 1.0, "total": 1.0,
                                                                "history_days": 0, "windows": 0})
    if history is not None:
        return _from_windows(data, keys, dims, history, window, cover, hourly, n_rows, day_start_minutes)
    first = cover.first
    start = max(pd.Timestamp(first), pd.Timestamp(window.start) - pd.Timedelta(days=MAX_HISTORY_DAYS))
    end = pd.Timestamp(window.start) - pd.Timedelta(days=1)
    h = data.loc[(data["date"] >= start) & (data["date"] <= end)]
    total = h.groupby("date")["count"].sum().rename("total")
    cols = {"total": total}
    if dims:
        wide = h.groupby(["date", *dims], observed=True)["count"].sum().unstack(dims)
        for i, k in enumerate(keys):
            col = k if len(dims) > 1 else k[0]
            cols[f"g{i}"] = wide[col] if col in wide.columns else pd.Series(dtype=float)
    series = pd.DataFrame(cols).fillna(0)
    res = series_overdispersion(series, window.start, first, gaps=cover.gaps) if end >= start else {
        c: Overdispersion(DEFAULT_PHI, float("nan"), 0, 0, False) for c in cols}
    phi = np.array([res[f"g{i}"].phi for i in range(len(keys))] + [res["total"].phi])
    days = res["total"].days
    est = [r for r in res.values() if r.estimated]
    if not est:
        zh = (f"统计时段前的历史数据不足{MIN_HISTORY_DAYS}天（或不足{MIN_HISTORY_COUNT}起），无法估计离散度，"
              f"检验与区间按保守默认值φ={DEFAULT_PHI:g}放宽")
        en = (f"less than {MIN_HISTORY_DAYS} days (or {MIN_HISTORY_COUNT} events) of history before the window: "
              f"overdispersion not estimated, tests and intervals widened by the conservative default "
              f"phi={DEFAULT_PHI:g}")
        method = "default"
    else:
        lo, hi = float(phi.min()), float(phi.max())
        rng = f"{lo:.2f}" if abs(hi - lo) < 0.005 else f"{lo:.2f}–{hi:.2f}"
        widened = hi > 1.0
        zh = (f"离散度按统计时段前{days}天的日计数模型（趋势、星期、月份、节假日）逐项估计（φ={rng}），"
              + ("检验与区间按准泊松放宽" if widened else "未见超出泊松的离散，按泊松计算"))
        en = (f"overdispersion estimated for each row from a model of the {days} days before the window (trend, "
              f"weekday, month, holidays): phi={rng}; "
              + ("tests and intervals widened (quasi-Poisson)" if widened else "no overdispersion, plain Poisson"))
        if len(est) < len(res):
            zh += f"；历史过少的项按保守默认值φ={DEFAULT_PHI:g}"
            en += f"; rows with too little history use the default phi={DEFAULT_PHI:g}"
        method = "daily"
    groups = float(phi[:-1].max()) if len(phi) > 1 else float(phi[-1])
    return RowDispersion(phi, method, (zh,), (en,), {"method": method, "groups": groups, "total": float(phi[-1]),
                                                     "history_days": days, "windows": 0})


def _from_windows(data: pd.DataFrame, keys: list[tuple], dims: list[str], history: object, window: Window,
                  cover: Coverage, hourly: pd.DataFrame | None, n_rows: int, ds: int) -> RowDispersion:
    wins = tuple(history.windows) if isinstance(history, Baseline) else tuple(history)
    if not all(isinstance(w, Window) for w in wins):
        raise ParameterError("history: expected a Baseline, a list of Window, None or False")
    wins = tuple(w for w in wins if cover.covers(w) and w.end < window.start)
    hc = None
    if len(wins) >= 3:
        try:
            hc = pd.concat([window_counts(data, w, dims, hourly=hourly, day_start_minutes=ds).rename(i) for i, w in enumerate(wins)],
                           axis=1).fillna(0)
        except ParameterError:  # earlier windows cut at an hour without an hourly table
            hc = None
    if hc is None:
        zh = "给定的往年可比时段不足3个，未估计离散度（按泊松计算）"
        en = "fewer than 3 earlier comparable windows given: no dispersion estimate (plain Poisson)"
        return RowDispersion(np.ones(n_rows), "none", (zh,), (en,), {"method": "none", "groups": 1.0, "total": 1.0,
                                                                      "history_days": 0, "windows": 0})
    texp = np.array([w.exposure_days for w in wins])
    phi_total = dispersion(hc.sum(axis=0).to_numpy(), texp)
    phi_groups = dispersion(hc.to_numpy(), texp) if dims else phi_total
    phi_total = max(phi_total, phi_groups)
    zh = f"离散度按{len(wins)}个给定的往年可比时段估计（组别φ={phi_groups:.2f}，合计φ={phi_total:.2f}）"
    en = (f"dispersion estimated from {len(wins)} given earlier windows (groups phi={phi_groups:.2f}, "
          f"total phi={phi_total:.2f})")
    phi = np.full(n_rows, phi_groups)
    phi[-1] = phi_total
    return RowDispersion(phi, "windows", (zh,), (en,), {"method": "windows", "groups": phi_groups, "total": phi_total,
                                                         "history_days": 0, "windows": len(wins)})
