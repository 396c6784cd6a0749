"""Anomalies on daily series: an expected count for each day from history, limits, flagged days.

Model (one per series: the total and each category). On the days *before* the window only (no
peeking), a Poisson log-linear regression fitted by iteratively reweighted least squares in numpy
(with a light ridge penalty):

    log E[y] = intercept + weekday + month + official holiday + make-up working day
               + band of days from Spring Festival (-30..-15, -14..-8, -7..-1, 0..6, 7..15, 16..30)
               + linear trend (when the history spans two years or more)
               + c x L, where L is the lunar day's own effect (除夕, 初一 … 初七, 元宵) fitted on the total

The official status is that of the day's own year (:mod:`stats_lib.stats.model`): 2024's 除夕, a working
day, has the status of a working day, and its expectation is a working day's with 除夕's own effect, not
that of the holiday 除夕s of 2021-2023. The lunar-day effects ``L`` (deviations from their band, once the
history holds that lunar day in two years or more) are fitted once on the total of the series, robustly:
the city's rhythm on each lunar day. Each series follows it by its own factor ``c`` (one coefficient per
series, shrunk towards 1 by the ridge penalty): the fire calls of a city whose 初七 is busier than its holiday
week need not be. Tried and dropped: a free term per series and lunar day (with one day a year it absorbed
the planted spikes, missed 2024's 元宵 fire spike and flagged a 治安 day), and ``c`` fixed at 1 (two false
flags on 2023's 初七, a make-up working day: 火灾 1 against 11 expected, 纠纷 17 against 36).

The fit is made robust as in the Farrington method of outbreak detection: training days that are
themselves beyond the limits are dropped and the model refitted once, so that last year's spikes do
not raise this year's expectation. Overdispersion is estimated from the training residuals
(moment estimator of the negative-binomial ``alpha``, ``Var = mu + alpha mu^2``); limits are
negative-binomial quantiles (Poisson when ``alpha`` is 0).

Tail probability: ``tail`` (default 0.01, "1 in 100", as crime analysts advise) is, with the
default ``per="day"``, the chance that an ordinary day of a series falls outside its limits (split
between the two sides: the limits are the 0.5% and 99.5% quantiles). With ``per="series"`` it is
the chance that *any* day of the window is flagged (each day uses ``tail / n_days``, a Bonferroni
correction), for monitoring many long series at once.

With ``per="briefing"`` (what a briefing uses) ``tail`` is the expected number of false flags in the
whole briefing, all series and days together: each series-day is tested at ``tail / (series x days)``
(Bonferroni), and :data:`FALSE_FLAGS_PER_BRIEFING` = 0.2 is the briefing's default.

Measured on the sample city (``python bench/anomaly_flags.py --cleaned data/sample/cleaned``; the
festival window 除夕..元宵 of 2022, 2023 and 2024 by category): with ``per="day"``, ``tail=0.01`` 1.33 false
flags per briefing on the five categories with nothing planted (and 5-8 flags in all); with
``per="briefing"``, ``tail=0.2`` none on those five, while the planted fire spikes of 除夕 night and 元宵 are
still flagged every year (2, 3 and 2 flags in all, every one on a planted fire spike; 2024's 除夕 day itself,
17 fire calls against 9.2 expected, p = 0.025, is no longer flagged, its 初一 with 28 is). Over whole
years at ``per="day"``: 0.88% of days flagged at the nominal 1% (``tests/test_anomaly.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from stats_lib.calendar.baselines import day_attributes
from stats_lib.errors import HistoryError, InputError, ParameterError
from stats_lib.stats.compare import category_rank
from stats_lib.stats.model import LUNAR_DAYS, SF_BANDS, design_matrix, fit_poisson
from stats_lib.tables import TOTAL, as_names, check_daily, filter_rows
from stats_lib.windows import as_date

__all__ = ["SF_BANDS", "FALSE_FLAGS_PER_BRIEFING", "daily_series", "design_matrix", "fit_poisson", "expected_counts", "flag_anomalies"]

#: Expected number of false flags per briefing (all series and days together) with ``per="briefing"``.
FALSE_FLAGS_PER_BRIEFING = 0.2
_MIN_HISTORY_DAYS = 56
_MIN_SERIES_TOTAL = 20
#: Two-sided probability below which a day of the history is left out of the robust refit.
_ROBUST = 1e-3
#: A lunar day has a term of its own once the history holds it in this many years.
_MIN_LUNAR_YEARS = 2
_LUNAR_COLS = frozenset(c for c, _name, _k in LUNAR_DAYS)


def daily_series(daily: pd.DataFrame, by: str | None = None, *, kind: str | Sequence[str] | None = None,
                 districts: str | Sequence[str] | None = None,
                 categories: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Daily counts as a wide frame: every day from the data's first to its last, zero-filled.

    Parameters
    ----------
    daily : DataFrame
        The canonical daily table.
    by : {"category", "subcategory", "district", "kind"}, optional
        One column per value of this dimension besides the total; None = the total only.
    kind : str or sequence of str, optional
        Kinds counted. None with data holding both 警情 and 案件: the incidents only (different units are
        never added silently); ``"all"`` adds them.
    districts, categories : str or sequence of str, optional
        Filters on ``district`` and ``category``; None keeps all.

    Returns
    -------
    DataFrame
        Index ``date`` (DatetimeIndex, daily); columns ``合计`` (the total) then one column per value
        of ``by`` (``category``, ``subcategory``, ``district`` or ``kind``; ``未知`` for an empty value),
        counts (int64).

    Raises
    ------
    ParameterError
        An unknown ``by``, or ``daily`` not a DataFrame.
    InputError
        ``daily`` has no rows or lacks a column.
    """

    check_daily(daily)
    if by is not None and by not in ("category", "subcategory", "district", "kind"):
        raise ParameterError(f"by: unknown dimension {by!r}; expected category, subcategory, district or kind")
    if daily.empty:
        raise InputError("daily table: no rows")
    days = pd.date_range(daily["date"].min(), daily["date"].max(), freq="D", name="date")
    kinds = None if kind == "all" else as_names(kind, "kind")
    if kind is None and by != "kind" and daily["kind"].nunique() > 1:
        kinds = ["警情"]  # incidents and cases are different units: never add them up silently
    data = filter_rows(daily, districts=as_names(districts, "districts"),
                       categories=as_names(categories, "categories"), kinds=kinds)
    total = data.groupby("date")["count"].sum().reindex(days, fill_value=0).rename(TOTAL)
    out = total.to_frame()
    if by is not None:
        wide = data.assign(_g=data[by].where(data[by] != "", "未知")).pivot_table(
            index="date", columns="_g", values="count", aggfunc="sum", fill_value=0)
        wide = wide.reindex(days, fill_value=0)
        rank = category_rank()
        cols = sorted(wide.columns, key=lambda c: (rank.get(c, len(rank)), -int(wide[c].sum()), str(c)))
        out = pd.concat([out, wide[cols]], axis=1)
    out.columns = [str(c) for c in out.columns]
    out.columns.name = None
    return out.astype("int64")


def _nb_alpha(y: np.ndarray, mu: np.ndarray, dof: int) -> float:
    """Moment estimator of the negative-binomial ``alpha`` (``Var = mu + alpha mu^2``), at least 0."""
    denom = float((mu ** 2).sum())
    if denom <= 0:
        return 0.0
    n = len(y)
    num = float(((y - mu) ** 2 - mu).sum()) * n / max(n - dof, 1)
    return max(0.0, num / denom)


def _dist(mu: np.ndarray, alpha: float):
    if alpha <= 1e-9:
        return stats.poisson(mu)
    size = 1.0 / alpha
    return stats.nbinom(size, size / (size + mu))


def _robust_fit(X: np.ndarray, y: np.ndarray, ridge: float, offset: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """Poisson fit, then refit without the days beyond the ``_ROBUST`` limits (Farrington).

    Returns (beta, negative-binomial alpha, the boolean mask of the days kept).
    """
    beta = fit_poisson(X, y, ridge=ridge, offset=offset)
    mu = np.exp(np.clip(X @ beta + offset, -20, 20))
    alpha = _nb_alpha(y, mu, X.shape[1])
    d = _dist(mu, alpha)
    keep = ~((d.sf(y - 1) < _ROBUST / 2) | (d.cdf(y) < _ROBUST / 2))
    if not keep.all():  # robust refit without the history's own outliers
        beta = fit_poisson(X[keep], y[keep], ridge=ridge, offset=offset[keep])
        mu = np.exp(np.clip(X[keep] @ beta + offset[keep], -20, 20))
        alpha = _nb_alpha(y[keep], mu, X.shape[1])
    return beta, alpha, keep


def expected_counts(series: pd.DataFrame | pd.Series, start: object, end: object, *,
                    attrs: pd.DataFrame | None = None, tail: float = 0.01, per: str = "day",
                    ridge: float = 1.0) -> pd.DataFrame:
    """Expected count, limits and probability for each day of ``start``..``end`` of each series.

    Parameters
    ----------
    series : DataFrame or Series
        Daily counts indexed by a daily DatetimeIndex (as :func:`daily_series` returns), one column
        per series; the days before ``start`` are the history the model is fitted on.
    start, end : date
        The window to score (inclusive); days beyond the data's last day are left out.
    attrs : DataFrame, optional
        Day attributes for every day of ``series`` (see :func:`design_matrix`); None = the calendar's.
    tail : float
        Probability of a false flag per day (``per="day"``) or per series (``per="series"``); with
        ``per="briefing"`` the expected number of false flags over all series and days.
    per : {"day", "series", "briefing"}
        How ``tail`` is spent (see the module notes).
    ridge : float
        Ridge penalty of the regression.

    Returns
    -------
    DataFrame
        One row per day and series: ``date``, ``group``, ``observed``, ``expected`` (the model's mean),
        ``lower``, ``upper`` (limits: a count below ``lower`` or above ``upper`` is flagged),
        ``p_value`` (one-sided probability of a count at least as extreme, in the direction of the
        deviation), ``z`` (Poisson z, ``2 (sqrt(observed) - sqrt(expected))``), ``flag`` (``high``,
        ``low`` or ``''``), ``alpha`` (the negative-binomial dispersion used; 0 = Poisson) and
        ``level`` (the two-sided probability per day behind the limits).

    Raises
    ------
    ParameterError
        ``tail`` is not a probability (or, with ``per="briefing"``, not positive), or ``per`` is unknown.
    HistoryError
        When fewer than 56 days of history precede ``start`` (an :class:`InputError` whose ``need``,
        ``have`` and ``start`` let the report word it).
    InputError
        When the data has no day between ``start`` and ``end``.
    """
    if not 0 < tail < 1 and per != "briefing":
        raise ParameterError(f"tail: expected a probability between 0 and 1, got {tail!r}")
    if per not in ("series", "day", "briefing"):
        raise ParameterError(f"per: expected 'series', 'day' or 'briefing', got {per!r}")
    if per == "briefing" and tail <= 0:
        raise ParameterError(f"tail: expected a positive number of false flags, got {tail!r}")
    frame = series.to_frame() if isinstance(series, pd.Series) else series
    s, e = pd.Timestamp(as_date(start, what="start")), pd.Timestamp(as_date(end, what="end"))
    if e < s:
        raise ParameterError(f"end {e.date()} is before start {s.date()}")
    idx = pd.DatetimeIndex(frame.index)
    train = idx < s
    score = (idx >= s) & (idx <= e)
    if train.sum() < _MIN_HISTORY_DAYS:
        raise HistoryError(f"anomalies: need at least {_MIN_HISTORY_DAYS} days of history before {s.date()}, "
                           f"the data has {int(train.sum())}", need=_MIN_HISTORY_DAYS, have=int(train.sum()),
                           start=s.date().isoformat())
    if not score.any():
        raise InputError(f"anomalies: the data has no day between {s.date()} and {e.date()}")
    X = design_matrix(idx, attrs, lunar_days=True)
    Xt = X.to_numpy()[train]
    lunar = np.array([c in _LUNAR_COLS for c in X.columns])
    binary = np.array([c != "trend" for c in X.columns])
    keep_cols = ~(binary & (Xt.sum(axis=0) < 1))  # never seen in history: not estimable
    keep_cols &= ~(lunar & (Xt.sum(axis=0) < _MIN_LUNAR_YEARS))  # a lunar day seen in one year only: no term
    keep_cols[0] = True
    span_years = (idx[train].max() - idx[train].min()).days / 365.25
    if span_years < 1.9:
        keep_cols[list(X.columns).index("trend")] = False
    # The lunar days' own effects: fitted once on the total (see the module notes), then an offset and a
    # regressor of every series (its coefficient, shrunk to 0, is the series' own factor c minus 1).
    Xk = X.to_numpy()[:, keep_cols]
    lun = lunar[keep_cols]
    offset = np.zeros(len(idx))
    if lun.any():
        pooled = frame[TOTAL] if TOTAL in frame.columns else frame.sum(axis=1)
        beta_f, _alpha, _kept = _robust_fit(Xk[train], pooled.to_numpy(dtype=float)[train], ridge,
                                            np.zeros(int(train.sum())))
        offset = Xk[:, lun] @ beta_f[lun]
    Xk = Xk[:, ~lun]
    if lun.any():  # how far each series follows the city's rhythm
        Xk = np.column_stack([Xk, offset])
    Xtr, Xsc = Xk[train], Xk[score]
    off_tr, off_sc = offset[train], offset[score]
    n_days = int(score.sum())
    # too rare in history to have an expectation: not scored (and not counted in the briefing's tests)
    scored = [c for c in frame.columns if frame[c].to_numpy(dtype=float)[train].sum() >= _MIN_SERIES_TOTAL]
    if per == "briefing":  # Bonferroni: the expected false flags of all series and days together <= tail
        level = min(tail / max(len(scored) * n_days, 1), 0.5)
    else:
        level = tail / n_days if per == "series" else tail
    out = []
    for name in scored:
        y = frame[name].to_numpy(dtype=float)
        beta, alpha, _kept = _robust_fit(Xtr, y[train], ridge, off_tr)
        mu = np.exp(np.clip(Xsc @ beta + off_sc, -20, 20))
        obs = y[score]
        d = _dist(mu, alpha)
        lower = d.ppf(level / 2)
        upper = d.ppf(1 - level / 2)
        p_hi, p_lo = d.sf(obs - 1), d.cdf(obs)
        flag = np.where(obs > upper, "high", np.where(obs < lower, "low", ""))
        out.append(pd.DataFrame({
            "date": idx[score], "group": name, "observed": obs.astype("int64"), "expected": mu,
            "lower": lower, "upper": upper, "p_value": np.where(obs >= mu, p_hi, p_lo),
            "z": 2 * (np.sqrt(obs) - np.sqrt(mu)), "flag": flag, "alpha": alpha, "level": level}))
    if not out:
        return pd.DataFrame(columns=["date", "group", "observed", "expected", "lower", "upper", "p_value", "z",
                                     "flag", "alpha", "level"])
    return pd.concat(out, ignore_index=True)


def flag_anomalies(daily: pd.DataFrame, start: object, end: object, by: str | None = None, tail: float = 0.01, *,
                   kind: str | Sequence[str] | None = None, districts: str | Sequence[str] | None = None,
                   categories: str | Sequence[str] | None = None, attrs: pd.DataFrame | None = None,
                   per: str = "day", all_days: bool = False) -> pd.DataFrame:
    """Days of ``start``..``end`` whose count is beyond the limits expected from history.

    Parameters
    ----------
    daily : DataFrame
        The canonical daily table.
    start, end : date
        The window to examine (inclusive).
    by : str, optional
        ``category`` (the usual), ``subcategory``, ``district`` or ``kind``: each value is a series
        besides the total; None = the total only.
    tail : float
        Chance of a false flag, spent as ``per`` says (see :func:`expected_counts`).
    per : {"day", "series", "briefing"}
        How ``tail`` is spent (see :func:`expected_counts`).
    kind, districts, categories : str or sequence of str, optional
        Filters, as in :func:`stats_lib.stats.compare.compare` (kind None: incidents only when both kinds).
    attrs : DataFrame, optional
        Day attributes (None: from the calendar).
    all_days : bool
        Return every day of every series (for a chart's expected band), not only flagged days.

    Returns
    -------
    DataFrame
        The columns of :func:`expected_counts`; flagged days only (sorted by date, then the total before
        the groups) unless ``all_days``.
    """
    series = daily_series(daily, by, kind=kind, districts=districts, categories=categories)
    if attrs is None:
        first = series.index.min().date()
        attrs = day_attributes(first, max(series.index.max().date(), as_date(end, what="end")))
    res = expected_counts(series, start, end, attrs=attrs, tail=tail, per=per)
    if not all_days:
        res = res.loc[res["flag"] != ""]
    order = {g: i for i, g in enumerate(series.columns)}
    res = res.assign(_o=res["group"].map(order)).sort_values(["date", "_o"], kind="stable").drop(columns="_o")
    return res.reset_index(drop=True)
