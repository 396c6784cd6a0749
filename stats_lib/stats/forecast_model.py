"""The count model of one daily series: a negative-binomial GLM with shrunk holiday effects, and its simulation.

Fitting (statsmodels)
---------------------
1. A Poisson GLM (log link) on the calendar design of :mod:`stats_lib.stats.forecast_features`, with a ridge
   penalty on the holiday and festival effects only (each rests on a handful of days, and a category with no
   count on a festival day would otherwise push its effect to minus infinity): ``GLM.fit_regularized`` with
   ``L1_wt=0``, penalty ``ridge / n`` per penalised column, i.e. a normal prior with variance ``1 / ridge``
   on those log rate ratios.
2. The overdispersion ``alpha`` of the NB2 variance ``mu + alpha * mu**2`` by the auxiliary regression of
   Cameron and Trivedi (1990): ``alpha = sum((y - mu)**2 - y) / sum(mu**2)``, scaled by ``n / (n - p)``,
   floored at 1e-4 (Cameron A.C., Trivedi P.K., *Regression Analysis of Count Data*, 2nd ed. 2013, 3.2.4).
3. A negative-binomial GLM with that ``alpha``, same penalty, started from the Poisson fit. The covariance of
   the coefficients is the inverse of the penalised Fisher information ``X' W X + n * P`` with
   ``W = mu / (1 + alpha * mu)`` (the Laplace approximation of the posterior under the normal prior).

Simulation
----------
Each draw takes coefficients from the normal with that covariance (parameter uncertainty), the day's rate
``exp(X b)``, then a gamma-Poisson (negative-binomial) count with that rate and ``alpha`` (count noise with
overdispersion). ``alpha`` itself is not drawn: with years of daily data its uncertainty is small beside
the rest. Guards: a series with fewer than ``SPARSE_TOTAL`` counts in its history is fitted with a constant
rate and the recent level only, and a simulated rate is capped at ``RATE_CAP`` times the history's largest
daily count (+1), so that one near-empty district cannot draw an absurd day.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stats_lib.errors import ParameterError
from stats_lib.stats.forecast_features import PENALISED_PREFIXES

__all__ = ["SeriesFit", "SPARSE_TOTAL", "RATE_CAP", "fit_series", "draw_rates", "draw_counts"]

#: Largest log rate a simulated day may take (e**20 is far above any daily count).
_MAX_LOG_RATE = 20.0
#: A series with fewer counts than this in its history gets a constant rate and the recent level only: its
#: calendar effects cannot be estimated, and their huge variances would make wild simulated days.
SPARSE_TOTAL = 500
#: A simulated rate is capped at this many times the largest daily count of the history (+1).
RATE_CAP = 10


@dataclass(frozen=True)
class SeriesFit:
    """A fitted series.

    Attributes
    ----------
    params : Series
        Coefficients (log rate ratios) by design column.
    cov : ndarray, shape (p, p)
        Their covariance (penalised Fisher information, inverted).
    alpha : float
        NB2 overdispersion: variance = mu + alpha * mu**2.
    n_days : int
        Days of history fitted.
    total : int
        Sum of the counts fitted; a series with total 0 forecasts 0.
    max_count : int
        Largest daily count fitted; a simulated rate is capped at ``RATE_CAP`` times (this + 1).
    """

    params: pd.Series
    cov: np.ndarray
    alpha: float
    n_days: int
    total: int
    max_count: int = 0


def _penalty(columns: pd.Index, n: int, ridge: float) -> np.ndarray:
    pen = np.array([ridge if c.startswith(PENALISED_PREFIXES) else 1e-6 for c in columns], dtype=float)
    return pen / n


def fit_series(y: np.ndarray | pd.Series, X: pd.DataFrame, *, ridge: float = 4.0) -> SeriesFit:
    """Fit the negative-binomial GLM of one daily series.

    Parameters
    ----------
    y : array of int, shape (n,)
        Daily counts, one per row of ``X``; a day with no record counts 0.
    X : DataFrame, shape (n, p)
        The design (:func:`stats_lib.stats.forecast_features.design` ``.X``).
    ridge : float
        Prior precision of the holiday and festival effects (default 4: a prior standard deviation of 0.5
        on a log rate ratio; with three past festivals of 100 a day an effect is shrunk by about 4%, with
        three of 3 a day by about a third).

    Returns
    -------
    SeriesFit
        Coefficients and covariance (Laplace approximation), NB2 ``alpha`` and the history's size.

    Raises
    ------
    ParameterError
        Lengths differ, negative counts, or fewer than 28 days of history.
    """
    import statsmodels.api as sm

    yv = np.asarray(y, dtype=float)
    if len(yv) != len(X):
        raise ParameterError(f"fit_series: {len(yv)} counts for {len(X)} design rows")
    if len(yv) < 28:
        raise ParameterError(f"fit_series: {len(yv)} days of history before the origin; at least 28 are needed")
    if (yv < 0).any() or not np.isfinite(yv).all():
        raise ParameterError("fit_series: counts must be finite and non-negative")
    total = int(yv.sum())
    if total < SPARSE_TOTAL:  # too few counts for a calendar: a constant rate and the recent level
        X = X[[c for c in ("const", "recent_level") if c in X.columns]]
    n, p = X.shape
    if total == 0:
        return SeriesFit(pd.Series(0.0, index=X.columns), np.zeros((p, p)), 1e-4, n, 0, 0)
    Xv = X.to_numpy(dtype=float)
    pen = _penalty(X.columns, n, ridge)
    start = np.zeros(p)
    start[list(X.columns).index("const")] = np.log(yv.mean())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' ConvergenceWarning: a failed fit is caught below
        pois = np.asarray(sm.GLM(yv, Xv, family=sm.families.Poisson()).fit_regularized(
            alpha=pen, L1_wt=0.0, start_params=start).params)
    if not np.isfinite(pois).all():  # L-BFGS lost its way (a near-empty series): the constant rate
        pois = start
    mu = np.exp(np.clip(Xv @ pois, -_MAX_LOG_RATE, _MAX_LOG_RATE))
    alpha = float(np.sum((yv - mu) ** 2 - yv) / np.sum(mu ** 2) * n / max(n - p, 1))
    alpha = max(alpha, 1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a failed NB fit is caught below and the Poisson fit kept
        nb = sm.GLM(yv, Xv, family=sm.families.NegativeBinomial(alpha=alpha)).fit_regularized(
            alpha=pen, L1_wt=0.0, start_params=pois)
    b = np.asarray(nb.params)
    if not np.isfinite(b).all():  # (a near-empty series): the Poisson coefficients are consistent for the mean
        b = pois
    mu = np.exp(np.clip(Xv @ b, -_MAX_LOG_RATE, _MAX_LOG_RATE))
    w = mu / (1.0 + alpha * mu)
    info = (Xv * w[:, None]).T @ Xv + np.diag(pen * n)
    cov = np.linalg.pinv(info, hermitian=True)
    return SeriesFit(pd.Series(b, index=X.columns), cov, alpha, n, total, int(yv.max()))


def draw_rates(fit: SeriesFit, X: pd.DataFrame, n_sims: int, rng: np.random.Generator) -> np.ndarray:
    """Daily rates ``exp(X b)`` for coefficients ``b`` drawn from their normal approximation.

    Parameters
    ----------
    fit : SeriesFit
        The fitted series (``params``, ``cov``).
    X : DataFrame
        Design rows of the days to forecast (at least the columns of ``fit.params``).
    n_sims : int
        Number of draws.
    rng : numpy.random.Generator
        Source of the draws.

    Returns
    -------
    ndarray, shape (n_sims, len(X))
        Expected counts per day (events a day), capped at ``RATE_CAP * (fit.max_count + 1)``; all zeros
        for a series whose history is all zero.
    """
    if fit.total == 0:
        return np.zeros((n_sims, len(X)))
    Xv = X[fit.params.index].to_numpy(dtype=float)
    vals, vecs = np.linalg.eigh((fit.cov + fit.cov.T) / 2)
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))
    b = fit.params.to_numpy() + rng.standard_normal((n_sims, len(vals))) @ root.T
    rates = np.exp(np.clip(b @ Xv.T, -_MAX_LOG_RATE, _MAX_LOG_RATE))
    return np.minimum(rates, RATE_CAP * (fit.max_count + 1))


def draw_counts(rates: np.ndarray, alpha: float, rng: np.random.Generator) -> np.ndarray:
    """Negative-binomial counts (gamma-Poisson mixture, NB2 with ``alpha``) for an array of rates.

    Parameters
    ----------
    rates : ndarray
        Expected daily counts ``mu``.
    alpha : float
        NB2 overdispersion, ``Var = mu + alpha mu^2`` (> 0).
    rng : numpy.random.Generator
        Source of the draws.

    Returns
    -------
    ndarray of int
        Same shape as ``rates``: Poisson draws of ``mu * G`` with ``G ~ Gamma(1/alpha, alpha)`` (mean 1).

    References
    ----------
    Cameron, A. C. & Trivedi, P. K. (2013) *Regression Analysis of Count Data*, 2nd ed., section 3.3 (NB2).
    """
    lam = rates * rng.gamma(1.0 / alpha, alpha, size=rates.shape)
    return rng.poisson(lam)
