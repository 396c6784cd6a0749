"""Honest comparisons of a window with its baseline: counts, rate ratios, exact tests, FDR control.

In: the canonical daily (and hourly) table, a :class:`~stats_lib.windows.Window` and its
:class:`~stats_lib.windows.Baseline` (resolved once by :func:`stats_lib.calendar.baseline_windows`).
Out: a :class:`Comparison` whose table carries numbers and language-neutral codes (``direction`` is
``up``, ``down`` or ``flat``); the words are :mod:`stats_lib.report.words`'.

The statistics, for one group with ``a`` incidents in the current window (``t1`` days) and ``b``
incidents in the baseline window(s) (``t2`` days in all; for ``avgN`` the N windows are pooled):

- rate ratio ``RR = (a / t1) / (b / t2)``;
- under "no change" the current count given the total is binomial, ``a | a + b ~ Bin(a + b, p0)``
  with ``p0 = t1 / (t1 + t2)``: the exact conditional test (``scipy.stats.binomtest``, two-sided);
- the 95% interval of RR is the exact Clopper-Pearson interval ``[pl, pu]`` of ``p`` transformed by
  ``RR = p / (1 - p) * t2 / t1``;
- overdispersion: each row (each category, district …, and the total) has its own ``phi``, the
  Pearson dispersion of a Poisson GLM of that series' daily counts before the window (trend,
  weekday, month, holidays; :mod:`stats_lib.stats.overdispersion`), floored at 1; the test and the
  interval are applied to the counts divided by ``phi`` (quasi-Poisson). A category's trend never
  widens another category's test;
- many groups in one table: Benjamini-Hochberg over the groups (the total row is not in the family).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from stats_lib.calendar.baselines import baseline_windows
from stats_lib.errors import ParameterError
from stats_lib.ingest.taxonomy import load_taxonomy
from stats_lib.stats.overdispersion import comparison_dispersion
from stats_lib.stats.ratetest import RateTest, dispersion, rate_test
from stats_lib.tables import (
    TOTAL,
    as_names,
    check_coverage,
    check_daily,
    check_filter_values,
    coverage,
    filter_rows,
    window_counts,
)
from stats_lib.windows import Baseline, Window

__all__ = ["TOTAL", "DIMENSIONS", "UNKNOWN", "DIRECTIONS", "RateTest", "rate_test", "dispersion", "Comparison",
           "compare", "category_rank", "normalise_by", "window_counts"]

#: Dimensions ``by`` accepts.
DIMENSIONS = ("category", "subcategory", "district", "kind")
#: Label of an empty (unknown) group value.
UNKNOWN = "未知"
#: The codes of the ``direction`` column: the sign of the change of the daily rate.
DIRECTIONS = ("up", "down", "flat")

TEST_ZH = "精确条件检验（泊松，二项分布条件化），率比区间为 Clopper-Pearson 精确区间；多项比较经 Benjamini–Hochberg 校正"
TEST_EN = ("exact conditional test for two Poisson rates (binomial given the total), Clopper-Pearson "
           "interval for the rate ratio; Benjamini-Hochberg correction across groups")


@functools.lru_cache(maxsize=4)
def category_rank(taxonomy: str = "default") -> dict[str, int]:
    """Order of the categories in the taxonomy (incidents first, then cases): ``{category: rank}``."""
    rank: dict[str, int] = {}
    for labels in load_taxonomy(taxonomy).labels.values():
        for name in labels:
            rank.setdefault(name, len(rank))
    return rank


def _avg_n(mode: str) -> int:
    if mode.startswith("avg") and mode[3:].isdigit():
        return int(mode[3:])
    return 0


def _days_text(x: float) -> str:
    return f"{int(round(x)):,}" if float(x) == round(float(x)) else f"{float(x):,.1f}"


def normalise_by(by: object) -> list[str]:
    """The grouping dimensions as a list (a comma-joined string too), each checked against :data:`DIMENSIONS`.

    Parameters
    ----------
    by : str, sequence of str or None
        ``"district"``, ``"category,district"``, ``["category", "district"]``; None for none.

    Returns
    -------
    list of str
        The dimensions in the order given (empty for None).

    Raises
    ------
    ParameterError
        An unknown or repeated dimension.
    """
    dims = as_names(by, "by") or []
    flat: list[str] = []
    for d in dims:
        flat.extend(p.strip() for p in d.split(",") if p.strip())
    for d in flat:
        if d not in DIMENSIONS:
            raise ParameterError(f"by: unknown dimension {d!r}; expected one of {', '.join(DIMENSIONS)}")
    if len(set(flat)) != len(flat):
        raise ParameterError(f"by: a dimension is repeated in {flat}")
    return flat


# --------------------------------------------------------------------------------------------------
# The comparison


@dataclass(frozen=True)
class Comparison:
    """A window compared with its baseline, one row per group and a total row.

    Attributes
    ----------
    window : Window
        The current window.
    baseline : Baseline
        The baseline windows and the mode that chose them.
    by : tuple of str
        The grouping dimensions (empty: total only).
    test : str
        One sentence naming the test (Chinese; ``test_en`` in English).
    table : DataFrame
        One row per group, then the total row (``group == "合计"``) last. Columns: ``group`` (values of
        the ``by`` columns joined with `` / ``; ``未知`` for an empty value), one column per ``by``
        dimension, ``current`` (count in the window), ``baseline`` (count in the baseline window; for
        ``avgN`` the mean of the N windows), ``baseline_counts`` (list of the N window counts, most recent
        first), ``current_days``, ``baseline_days`` (exposure in days; for ``avgN`` the mean length),
        ``current_daily_mean``, ``baseline_daily_mean`` (日均, incidents per day), ``baseline_scaled`` (the
        baseline scaled to the current window's length, ``baseline_daily_mean * current_days``; equal to
        ``baseline`` when the windows have equal length), ``change`` (``current - baseline_scaled``: the
        raw difference when the lengths are equal, int), ``pct_change`` (percent, ``100 (RR - 1)``: the
        change of the daily rate; NaN when ``current`` or ``baseline_scaled`` is below ``min_base``, where
        the words say "from a to b"; ``change``, ``pct_change`` and ``direction`` always agree in sign),
        ``share`` (percent of the current total), ``rate_ratio``, ``ci_low``, ``ci_high`` (95% interval of
        the rate ratio), ``p_value``, ``p_adjusted`` (Benjamini-Hochberg over the groups; for the total
        row its own p-value), ``significant`` (``p_adjusted < alpha``), ``direction`` (``up``, ``down`` or
        ``flat``: the sign of the change of the daily rate, whether significant or not), ``dispersion``
        (the row's ``phi``, 1 = Poisson), ``powered`` (True when the test had at least 80% power to detect
        a 20% change of the daily rate: a non-significant change is then "not significant" rather than
        "too few to tell").
    total : dict
        The total row.
    notes : tuple of str
        Sentences the reader must see (Chinese); ``notes_en`` the same in English.
    kinds : tuple of str
        The kinds (警情, 案件) counted.
    dispersion : dict
        ``{"method", "groups", "total", "history_days", "windows"}``: how the dispersion was found
        (``daily``, ``windows``, ``default`` or ``none``), the largest ``phi`` of the groups, the total's,
        the days of history of the daily model and the number of earlier windows (``windows`` method).
    filters : dict
        ``{"districts", "categories", "kind"}`` as applied (None = all).
    notes_en, test_en : tuple of str, str
        ``notes`` and ``test`` in English.
    min_base : int
        Smallest count (current and scaled baseline) for which a percentage is printed.
    alpha : float
        Significance level of ``significant`` (on ``p_adjusted``).
    """

    window: Window
    baseline: Baseline
    by: tuple[str, ...]
    test: str
    table: pd.DataFrame
    total: dict
    notes: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    test_en: str = TEST_EN
    kinds: tuple[str, ...] = ()
    min_base: int = 5
    alpha: float = 0.05
    dispersion: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)

    @property
    def rows(self) -> pd.DataFrame:
        """The group rows (the table without the total row)."""
        return self.table.iloc[:-1]

    def to_json(self) -> dict:
        """The JSON shape of ``briefing compare --format json``.

        ``{"window": {"start", "end", "days", ...}, "baseline": {"mode", "windows": [...], "notes"},
        "test", "rows": [...], "total": {...}, "notes": [...]}``: dates ISO, ``end`` inclusive, numbers
        unrounded, NaN and infinite values as ``null``.

        Returns
        -------
        dict
            As above; ``rows`` are the group rows of ``table`` (columns as keys), ``total`` its last row.
        """
        records = [_json_row(r) for r in self.table.to_dict("records")]
        return {
            "window": self.window.as_dict(),
            "baseline": self.baseline.as_dict(),
            "by": list(self.by),
            "test": self.test,
            "rows": records[:-1],
            "total": records[-1],
            "notes": list(self.notes),
        }


def _json_value(v: object) -> object:
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_json_value(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (dt.date, pd.Timestamp)):
        return v.isoformat()[:10]
    return v


def _json_row(row: dict) -> dict:
    return {k: _json_value(v) for k, v in row.items()}


def _resolve_baseline(window: Window, baseline: object) -> Baseline:
    """The Baseline given, or the one the calendar resolves for a mode name (notes in both languages)."""
    if isinstance(baseline, Baseline):
        return baseline
    if baseline is None or isinstance(baseline, str):
        return baseline_windows(window, baseline)
    raise ParameterError(f"baseline: expected a Baseline, a mode name or None, got {baseline!r}")


def compare(daily: pd.DataFrame, window: Window, baseline: Baseline | str | None = None,
            by: str | Sequence[str] | None = None, *, hourly: pd.DataFrame | None = None,
            districts: str | Sequence[str] | None = None, categories: str | Sequence[str] | None = None,
            kind: str | Sequence[str] | None = None, min_base: int = 5, alpha: float = 0.05,
            history: Baseline | Sequence[Window] | bool | None = None, ledger: object = None) -> Comparison:
    """Compare the counts of ``window`` with its baseline, by group, with an exact test per group.

    Parameters
    ----------
    daily : DataFrame
        The canonical daily table (``date, kind, category, subcategory, district, count``).
    window : Window
        The current window (dates inclusive; may be cut at an hour when ``hourly`` is given).
    baseline : Baseline, str or None
        The baseline windows, or a mode (``calendar``, ``lunar``, ``weekday``, ``holiday``,
        ``previous``, ``avgN``) resolved by ``stats_lib.calendar.baseline_windows``; None = its default.
    by : str or list of str, optional
        ``category``, ``subcategory``, ``district``, ``kind`` or several (a comma-joined string too).
    hourly : DataFrame, optional
        The hourly table, needed when a window is cut at an hour.
    districts, categories, kind : str or list of str, optional
        Filters applied before counting. ``kind`` None: when the data holds both 警情 and 案件 and
        ``by`` does not include ``kind``, incidents only (with a note), since the two are different
        units; ``kind="all"`` adds them up.
    min_base : int
        Below this count, current or baseline (scaled to the current window's length), ``pct_change``
        is NaN (the words say "from a to b").
    alpha : float
        Level of the interval and of ``significant``.
    history : Baseline, list of Window, None or False
        How overdispersion is allowed for. None (default): each row's own ``phi`` from a model of its
        daily counts before the window (:func:`stats_lib.stats.overdispersion.comparison_dispersion`;
        a conservative default where the history is short); a list of earlier comparable windows: their
        pooled dispersion; False: plain Poisson.
    ledger : dict, optional
        The cleaning ledger: its ``date_min``..``date_max`` is the data's coverage (default: the
        daily table's first and last day, before any filter).

    Returns
    -------
    Comparison
        See :class:`Comparison` for the table's columns.

    Raises
    ------
    InputError
        When the daily table lacks a column, or a window is not covered by the data.
    ParameterError
        For an unknown dimension or filter value, or a window cut at an hour without an hourly table.
    """
    check_daily(daily)
    if not isinstance(window, Window):
        raise ParameterError(f"window: expected a Window, got {type(window).__name__}")
    if min_base < 0 or not 0 < alpha < 1:
        raise ParameterError("min_base must be >= 0 and alpha between 0 and 1")
    dims = normalise_by(by)
    base = _resolve_baseline(window, baseline)
    base_notes_en = base.notes_en
    if not base.windows:
        raise ParameterError(f"baseline {base.mode}: no windows to compare with")
    wins = (window, *base.windows)
    cover = coverage(daily, ledger)
    check_coverage(cover, wins, ["current"] + [f"baseline ({base.mode})"] * base.n)

    dl, cl = as_names(districts, "districts"), as_names(categories, "categories")
    kl = None if kind == "all" else as_names(kind, "kind")
    check_filter_values(daily, "district", dl, "districts")
    check_filter_values(daily, "category", cl, "categories")
    if kl is not None:
        bad = [k for k in kl if k not in ("警情", "案件")]
        if bad:
            raise ParameterError(f"kind: {bad[0]!r} is not 警情 or 案件")
        check_filter_values(daily, "kind", kl, "kind")
    data = filter_rows(daily, districts=dl, categories=cl, kinds=kl)
    auto_notes: list[tuple[str, str]] = []
    if kind is None and "kind" not in dims and data["kind"].nunique() > 1:
        # incidents and cases are different units: never add them up silently
        kl = ["警情"]
        data = data.loc[data["kind"] == "警情"]
        auto_notes.append(("数据同时含警情和案件，本表只比较警情；案件请指定 kind='案件'（或 kind='all' 合并）",
                           "the data holds incidents and cases: this table compares incidents only; use "
                           "kind='案件' for cases (or kind='all' to add them up)"))
    hdata = filter_rows(hourly, districts=dl, categories=cl, kinds=kl)
    ds = day_start_minutes(ledger)
    counts = pd.concat([window_counts(data, w, dims, hourly=hdata, day_start_minutes=ds).rename(i)
                        for i, w in enumerate(wins)], axis=1)
    counts = counts.fillna(0).astype("int64")
    if dims:
        counts = counts.loc[counts.sum(axis=1) > 0]
    groups = counts.reset_index() if dims else pd.DataFrame(index=range(0))
    if dims:
        groups = groups.rename(columns={i: f"w{i}" for i in range(len(wins))})
        groups = _sort_groups(groups, dims)
    total = pd.DataFrame({f"w{i}": [int(counts[i].sum())] for i in range(len(wins))})
    for d in dims:
        total[d] = ""
    frame = pd.concat([groups, total], ignore_index=True) if dims else total
    n_groups = len(frame) - 1

    # Dispersion: each row's own, from the daily model of its history (or as the caller asked).
    keys = [tuple(r) for r in frame.iloc[:-1][dims].itertuples(index=False)] if dims else []
    disp = comparison_dispersion(data, keys, dims, window, history, cover, hourly=hdata, day_start_minutes=ds)
    notes_zh: list[str] = list(base.notes) + [z for z, _ in auto_notes] + list(disp.notes)
    notes_en: list[str] = list(base_notes_en) + [e for _, e in auto_notes] + list(disp.notes_en)

    a = frame["w0"].to_numpy(dtype=float)
    bmat = frame[[f"w{i}" for i in range(1, len(wins))]].to_numpy(dtype=float)
    b = bmat.sum(axis=1)
    n = base.n
    t1 = window.exposure_days
    t2s = np.array([w.exposure_days for w in base.windows])
    t2 = float(t2s.sum())
    phi = disp.phi
    res = rate_test(a, b, t1, t2, alpha=alpha, dispersion=phi)

    bmean = b / n
    scaled = b * t1 / t2  # the baseline scaled to the current window's length
    equal = n == 1 and abs(t1 - t2) < 1e-9
    small = np.minimum(a, scaled) < min_base
    pct = np.where(small, np.nan, (res.rate_ratio - 1) * 100)
    pct = np.where(np.isfinite(pct), pct, np.nan)
    powered = _powered(a, b, phi, alpha)
    p_adj = np.full(len(frame), np.nan)
    fam = np.isfinite(res.p_value[:n_groups])
    if fam.any():
        p_adj[:n_groups][fam] = stats.false_discovery_control(res.p_value[:n_groups][fam], method="bh")
    p_adj[-1] = res.p_value[-1]
    lhs, rhs = a * t2, b * t1
    direction = np.where(np.isclose(lhs, rhs), "flat", np.where(lhs > rhs, "up", "down"))
    total_a = a[-1]

    def days(x: float) -> float | int:
        return int(x) if float(x).is_integer() else float(x)

    table = pd.DataFrame({
        "group": _group_labels(frame, dims),
        **{d: frame[d].astype(str) for d in dims},
        "current": frame["w0"].astype("int64"),
        "baseline": (pd.Series(b.astype("int64")) if n == 1 else pd.Series(bmean)),
        "baseline_counts": [[int(x) for x in row] for row in bmat],
        "current_days": days(t1),
        "baseline_days": days(t2 / n),
        "current_daily_mean": a / t1,
        "baseline_daily_mean": b / t2,
        "baseline_scaled": scaled,
        "change": pd.Series((a - b).astype("int64")) if equal else pd.Series(a - scaled),
        "pct_change": pct,
        "share": (a / total_a * 100) if total_a > 0 else np.full(len(frame), np.nan),
        "rate_ratio": res.rate_ratio,
        "ci_low": res.ci_low,
        "ci_high": res.ci_high,
        "p_value": res.p_value,
        "p_adjusted": p_adj,
        "significant": np.nan_to_num(p_adj, nan=1.0) < alpha,
        "direction": direction,
        "dispersion": phi,
        "powered": powered,
    })

    if abs(t1 - t2 / n) > 1e-9:
        notes_zh.append(f"本期{_days_text(t1)}天，对比时段{_days_text(t2 / n)}天，长度不同：同比为日均之比，增减为本期减去"
                        "按本期天数折算的基数（基数日均×本期天数）")
        notes_en.append(f"the current window has {_days_text(t1)} days and the baseline {_days_text(t2 / n)}: the "
                        "percentage change compares daily means, and the change is the current count minus the "
                        "baseline scaled to the current window's length (baseline daily mean x current days)")
    if n > 1:
        notes_zh.append(f"对比基数为{n}个时段的均值（检验合并{n}个时段的计数与天数）")
        notes_en.append(f"the baseline is the mean of {n} windows (the test pools their counts and days)")
    n_small = int(small[:-1].sum())
    if n_small:
        notes_zh.append(f"本期或基数（按本期天数折算）小于{min_base}起时不计算百分比（{n_small}组）")
        notes_en.append(f"no percentage where the current count or the (scaled) baseline is below {min_base} "
                        f"({n_small} groups)")
    kinds = tuple(sorted(data["kind"].unique())) if len(data) else tuple(kl or ())
    test_zh = TEST_ZH if phi.max() == 1 else TEST_ZH + "；按离散度放宽（准泊松）"
    test_en = TEST_EN if phi.max() == 1 else TEST_EN + "; widened for overdispersion (quasi-Poisson)"
    return Comparison(window=window, baseline=base, by=tuple(dims), test=test_zh, table=table,
                      total=table.iloc[-1].to_dict(), notes=tuple(notes_zh), notes_en=tuple(notes_en),
                      test_en=test_en, kinds=kinds, min_base=min_base, alpha=alpha,
                      dispersion=disp.summary,
                      filters={"districts": dl, "categories": cl, "kind": kl})


def day_start_minutes(ledger: object) -> int:
    """Minutes after midnight at which the ledger's statistical day starts (``day_start: "08:00"`` is 480)."""
    if ledger is None:
        return 0
    value = ledger.get("day_start") if isinstance(ledger, dict) else getattr(ledger, "day_start", None)
    if not value:
        return 0
    try:
        hh, mm = str(value).split(":")[:2]
        return int(hh) * 60 + int(mm)
    except ValueError:
        return 0


def _powered(a: np.ndarray, b: np.ndarray, phi: np.ndarray, alpha: float) -> np.ndarray:
    """True where the test has at least 80% power to detect a 20% change of the daily rate.

    Normal approximation on the log rate ratio: ``Var(log RR) = phi (1/a + 1/b)`` (counts floored at
    0.5), power ``= Phi(log(1.2) / se - z_{1 - alpha/2})``.
    """
    se = np.sqrt(phi * (1 / np.maximum(a, 0.5) + 1 / np.maximum(b, 0.5)))
    power = stats.norm.cdf(np.log(1.2) / se - stats.norm.ppf(1 - alpha / 2))
    return power >= 0.8


def _group_labels(frame: pd.DataFrame, dims: list[str]) -> list[str]:
    if not dims:
        return [TOTAL]
    parts = [frame[d].astype(str).where(frame[d].astype(str) != "", UNKNOWN) for d in dims]
    label = parts[0]
    for p in parts[1:]:
        label = label + " / " + p
    out = label.tolist()
    out[-1] = TOTAL
    return out


def _sort_groups(groups: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    rank = category_rank()
    keys = []
    g = groups.copy()
    for d in dims:
        col = f"_k_{d}"
        if d == "category":
            g[col] = g[d].map(lambda v: rank.get(v, len(rank))).astype("int64")
            keys += [col, d]
        else:
            g[col] = -g.groupby(d)["w0"].transform("sum")  # larger current first
            g[col + "_u"] = (g[d] == "").astype("int64")  # unknown last
            keys += [col + "_u", col, d]
    g = g.sort_values(keys, kind="stable")
    return g.drop(columns=[c for c in g.columns if c.startswith("_k_")]).reset_index(drop=True)
