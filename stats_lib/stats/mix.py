"""Category mix, rankings and 零发案: what changed the mix, who rose and fell most, who had none.

In: a :class:`~stats_lib.stats.compare.Comparison` or the daily table and a window. Out: small named
results and frames with language-neutral values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from stats_lib.errors import ParameterError
from stats_lib.stats.compare import Comparison, category_rank
from stats_lib.tables import TOTAL, as_names, check_daily, filter_rows, window_counts
from stats_lib.windows import Window

__all__ = ["CategoryMix", "category_mix", "rankings", "zero_districts"]


@dataclass(frozen=True)
class CategoryMix:
    """Chi-square test of homogeneity of the category mix, current against baseline.

    Attributes
    ----------
    statistic, pvalue : float
        Pearson chi-square statistic (``scipy.stats.chi2_contingency``, no continuity correction unless
        the table is 2x2), each group's contribution divided by its dispersion ``phi``, and its p-value.
    dof : int
        Degrees of freedom.
    table : DataFrame
        One row per group: ``group``, ``current``, ``baseline`` (counts; for ``avgN`` the pooled counts
        of the N windows), ``current_share``, ``baseline_share`` (percent), ``expected`` (expected
        current count under homogeneity), ``residual`` (adjusted standardised residual of the current
        cell divided by ``sqrt(phi)``: about N(0, 1) under homogeneity), ``contribution`` (percent of the
        chi-square statistic), ``dispersion`` (the group's ``phi``).
        Sorted by ``|residual|``, largest first.
    top : tuple of str
        Groups with ``|residual| >= 2``, largest first: those that changed the mix most.
    notes : tuple of str
        Warnings (for example expected counts below 5).
    """

    statistic: float
    pvalue: float
    dof: int
    table: pd.DataFrame
    top: tuple[str, ...]
    notes: tuple[str, ...] = ()


def category_mix(counts: Comparison | pd.DataFrame, *, threshold: float = 2.0,
                 dispersion: float | Sequence[float] | None = None) -> CategoryMix:
    """Test whether the mix of groups changed between the current and the baseline window.

    Parameters
    ----------
    counts : Comparison or DataFrame
        A :class:`Comparison` (its group rows; the baseline counts pooled over the N windows) or a
        frame with columns ``group``, ``current``, ``baseline`` (counts) and optionally ``dispersion``.
    threshold : float
        ``|adjusted residual|`` at or above which a group is named in ``top``.
    dispersion : float or sequence of float, optional
        Each group's overdispersion ``phi`` (one value for all, or one per group in order). None: the
        comparison's own (its ``dispersion`` column, the ``phi`` its rate tests were widened by), else 1.

    Returns
    -------
    CategoryMix
        Pearson chi-square test of the groups x (current, baseline) table, widened by the dispersion,
        per-group shares, adjusted residuals and contributions.

    Raises
    ------
    ParameterError
        ``counts`` is neither, fewer than two groups have counts, a window has none, or a ``phi`` is not
        a number >= 1 (or their number is not the number of groups).

    Notes
    -----
    The counts vary more than Poisson counts (the comparison table widens each row's test by its
    ``phi``); the mix test must allow for the same spread or it calls a change that no row shows. As
    quasi-likelihood does for a Poisson log-linear model, the Pearson statistic is divided by the
    dispersion, ``X^2 / phi`` on the same degrees of freedom (McCullagh and Nelder 1989, section 6.2;
    Agresti 2013, section 4.7). With a ``phi`` per group, each group's contribution to ``X^2`` is divided
    by its own ``phi`` (with one ``phi`` for all this is ``X^2 / phi``), and its adjusted residual by
    ``sqrt(phi)``.

    References
    ----------
    Agresti, A. (2013) *Categorical Data Analysis*, 3rd ed., section 2.4.5 (adjusted residuals) and
    section 4.7 (overdispersion, quasi-likelihood).
    McCullagh, P. and Nelder, J. A. (1989) *Generalized Linear Models*, 2nd ed., section 6.2.
    """
    if isinstance(counts, Comparison):
        rows = counts.rows
        frame = pd.DataFrame({"group": rows["group"].to_numpy(), "current": rows["current"].to_numpy(),
                              "baseline": [sum(x) for x in rows["baseline_counts"]],
                              "dispersion": rows["dispersion"].to_numpy(dtype=float)})
    elif isinstance(counts, pd.DataFrame) and {"group", "current", "baseline"} <= set(counts.columns):
        cols = [c for c in ("group", "current", "baseline", "dispersion") if c in counts.columns]
        frame = counts.loc[counts["group"] != TOTAL, cols].copy()
    else:
        raise ParameterError("category_mix: expected a Comparison or a frame with group, current, baseline")
    if dispersion is not None:
        phi_in = np.atleast_1d(np.asarray(dispersion, dtype=float))
        if phi_in.size not in (1, len(frame)):
            raise ParameterError(f"dispersion: expected one phi or {len(frame)} (one per group), got {phi_in.size}")
        frame["dispersion"] = np.broadcast_to(phi_in, (len(frame),))
    elif "dispersion" not in frame.columns:
        frame["dispersion"] = 1.0
    if not (np.isfinite(frame["dispersion"].to_numpy(dtype=float)).all() and (frame["dispersion"] >= 1).all()):
        raise ParameterError("dispersion: each phi must be a number >= 1")
    frame = frame.loc[(frame["current"] + frame["baseline"]) > 0].reset_index(drop=True)
    if len(frame) < 2:
        raise ParameterError("category_mix: needs at least two groups with counts")
    obs = frame[["current", "baseline"]].to_numpy(dtype=float)
    if obs.sum(axis=0).min() <= 0:
        raise ParameterError("category_mix: the current or the baseline window has no counts")
    res = stats.chi2_contingency(obs)
    exp = res.expected_freq
    phi = frame["dispersion"].to_numpy(dtype=float)
    total = obs.sum()
    rowp = obs.sum(axis=1, keepdims=True) / total
    colp = obs.sum(axis=0, keepdims=True) / total
    adj = (obs - exp) / np.sqrt(exp * (1 - rowp) * (1 - colp)) / np.sqrt(phi)[:, None]
    dev = np.abs(obs - exp)
    if res.dof == 1:  # scipy's Yates correction of a 2x2 table, cell by cell
        dev = dev - np.minimum(0.5, dev)
    contrib = (dev ** 2 / exp).sum(axis=1) / phi
    statistic = float(contrib.sum()) if (phi != 1).any() else float(res.statistic)
    pvalue = float(stats.chi2.sf(statistic, res.dof)) if (phi != 1).any() else float(res.pvalue)
    out = pd.DataFrame({
        "group": frame["group"].to_numpy(),
        "current": obs[:, 0].astype("int64"),
        "baseline": obs[:, 1].astype("int64"),
        "current_share": obs[:, 0] / obs[:, 0].sum() * 100,
        "baseline_share": obs[:, 1] / obs[:, 1].sum() * 100,
        "expected": exp[:, 0],
        "residual": adj[:, 0],
        "contribution": contrib / contrib.sum() * 100 if contrib.sum() > 0 else 0.0,
        "dispersion": phi,
    })
    out = out.iloc[np.argsort(-np.abs(out["residual"].to_numpy()), kind="stable")].reset_index(drop=True)
    top = tuple(out.loc[np.abs(out["residual"]) >= threshold, "group"])
    notes = ()
    if (exp < 5).any():
        notes = (f"{int((exp < 5).sum())}个单元格期望频数小于5，卡方近似可能不准",)
    return CategoryMix(statistic=statistic, pvalue=pvalue, dof=int(res.dof),
                       table=out, top=top, notes=notes)



def rankings(cmp: Comparison, n: int = 5, *, significant_only: bool = True) -> pd.DataFrame:
    """The groups with the largest rises and falls of a comparison (districts, subcategories …).

    Parameters
    ----------
    cmp : Comparison
        A comparison by one or more dimensions.
    n : int
        At most ``n`` rises and ``n`` falls.
    significant_only : bool
        Keep only rows whose change is significant after the FDR correction.

    Returns
    -------
    DataFrame
        The comparison's columns plus ``rank`` (1 = largest), rises first (by ``change``, largest
        first), then falls (most negative first). Empty when nothing qualifies.
    """
    rows = cmp.rows
    if significant_only:
        rows = rows.loc[rows["significant"]]
    up = rows.loc[rows["direction"] == "up"].sort_values(["change", "current"], ascending=False,
                                                           kind="stable").head(n)
    down = rows.loc[rows["direction"] == "down"].sort_values(["change", "current"], ascending=[True, False],
                                                             kind="stable").head(n)
    up = up.assign(rank=np.arange(1, len(up) + 1))
    down = down.assign(rank=np.arange(1, len(down) + 1))
    return pd.concat([up, down], ignore_index=True)


def zero_districts(daily: pd.DataFrame, window: Window, by: str | None = "category", *,
                   kind: str | Sequence[str] | None = None, categories: str | Sequence[str] | None = None,
                   districts: str | Sequence[str] | None = None,
                   hourly: pd.DataFrame | None = None, day_start_minutes: int = 0) -> pd.DataFrame:
    """Districts with no incidents of a kind (零发案) in the window.

    The districts and the categories considered are those present anywhere in ``daily`` (after the
    filters), so a district is listed for a category when it reported that category on some other
    day but none inside the window. Unknown districts (``''``) are never listed.

    Parameters
    ----------
    daily : DataFrame
        The canonical daily table.
    window : Window
        The window examined.
    by : {"category", "subcategory", "kind"}, optional
        Look for districts with none of each value of this dimension; None: with no incident at all.
    kind, categories, districts : str or sequence of str, optional
        Filters on ``kind``, ``category`` and ``district``.
    hourly : DataFrame, optional
        The hourly table, needed when ``window`` is cut at an hour.
    day_start_minutes : int
        Minutes after midnight at which a statistical day starts (the ledger's ``day_start``): a window
        cut at an hour is counted by clock time (:func:`stats_lib.tables.window_counts`).

    Returns
    -------
    DataFrame
        Columns ``by`` (when given: ``category``, ``subcategory`` or ``kind``) and ``district``, in
        taxonomy / name order. With ``by=None``: column ``district`` only (no incident at all).

    Raises
    ------
    ParameterError
        An unknown ``by``.
    """
    check_daily(daily)
    if by is not None and by not in ("category", "subcategory", "kind"):
        raise ParameterError("zero_districts: by must be category, subcategory, kind or None")
    data = filter_rows(daily, districts=as_names(districts, "districts"),
                       categories=as_names(categories, "categories"), kinds=as_names(kind, "kind"))
    data = data.loc[data["district"] != ""]
    dims = [by] if by else []
    all_d = np.sort(data["district"].unique())
    if dims:
        groups = data.loc[data[by] != "", by].unique()
        grid = pd.MultiIndex.from_product([groups, all_d], names=[by, "district"]).to_frame(index=False)
    else:
        grid = pd.DataFrame({"district": all_d})
    hdata = filter_rows(hourly, districts=as_names(districts, "districts"),
                        categories=as_names(categories, "categories"), kinds=as_names(kind, "kind"))
    got = window_counts(data, window, [*dims, "district"], hourly=hdata, day_start_minutes=day_start_minutes)
    got = got[got > 0].reset_index()[[*dims, "district"]]
    out = grid.merge(got, how="left", on=[*dims, "district"], indicator=True)
    out = out.loc[out["_merge"] == "left_only", [*dims, "district"]]
    if by == "category":
        rank = category_rank()
        out = out.assign(_r=out["category"].map(lambda v: rank.get(v, len(rank)))).sort_values(
            ["_r", "category", "district"], kind="stable").drop(columns="_r")
    else:
        out = out.sort_values([*dims, "district"], kind="stable")
    return out.reset_index(drop=True)
