"""Honest comparisons of a window with its baseline: counts, rate ratios, exact tests, FDR control.

The statistics, for one group with ``a`` incidents in the current window (``t1`` days) and ``b``
incidents in the baseline window(s) (``t2`` days in all; for ``avgN`` the N windows are pooled):

- rate ratio ``RR = (a / t1) / (b / t2)``;
- under "no change" the current count given the total is binomial, ``a | a + b ~ Bin(a + b, p0)``
  with ``p0 = t1 / (t1 + t2)``: the exact conditional test (``scipy.stats.binomtest``, two-sided);
- the 95% interval of RR is the exact Clopper-Pearson interval ``[pl, pu]`` of ``p`` transformed by
  ``RR = p / (1 - p) * t2 / t1``;
- overdispersion: when at least three earlier comparable windows exist, the dispersion ``phi``
  (Pearson chi-square / df of those windows' counts around their mean, floored at 1) is estimated
  and the test and interval are applied to the counts divided by ``phi`` (quasi-Poisson): one
  ``phi`` pooled over the groups, and for the total row the larger of its own and the groups';
- many groups in one table: Benjamini-Hochberg over the groups (the total row is not in the family).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from stats_lib.calendar.baselines import (
    baseline_windows,  # lazy: calendar is a lower stage, imported on use
    day_attributes,
    resolve_period,
)
from stats_lib.errors import InputError, ParameterError, StatsLibError
from stats_lib.stats.ratetest import RateTest, dispersion, rate_test
from stats_lib.windows import Baseline, Window, as_date

__all__ = [
    "TOTAL",
    "DIMENSIONS",
    "RateTest",
    "rate_test",
    "dispersion",
    "Comparison",
    "compare",
    "compstat",
    "CategoryMix",
    "category_mix",
    "rankings",
    "zero_districts",
    "format_table",
    "baseline_name",
]

#: Label of the total row.
TOTAL = "合计"
#: Dimensions ``by`` accepts.
DIMENSIONS = ("category", "subcategory", "district", "kind")
#: Label of an empty (unknown) group value.
UNKNOWN = "未知"

_DAILY_NEEDED = ("date", "kind", "category", "subcategory", "district", "count")

TEST_ZH = "精确条件检验（泊松，二项分布条件化），率比区间为 Clopper-Pearson 精确区间；多项比较经 Benjamini–Hochberg 校正"
TEST_EN = ("exact conditional test for two Poisson rates (binomial given the total), Clopper-Pearson "
           "interval for the rate ratio; Benjamini-Hochberg correction across groups")


# --------------------------------------------------------------------------------------------------
# Taxonomy labels and ordering (read from the shipped taxonomy; no dependency on the cleaner)


@functools.lru_cache(maxsize=1)
def _taxonomy() -> tuple[dict[str, int], dict[str, str]]:
    """Return (rank of each category, English label of each category) from the shipped taxonomy."""

    text = resources.files("stats_lib").joinpath("data/taxonomy.yaml").read_text("utf-8")
    tax = yaml.safe_load(text) or {}
    rank: dict[str, int] = {}
    english: dict[str, str] = {}
    for section in ("incidents", "cases"):
        for name, spec in (tax.get(section) or {}).items():
            rank.setdefault(name, len(rank))
            if isinstance(spec, dict) and spec.get("en"):
                english[name] = str(spec["en"])
    return rank, english


def category_label(name: str, lang: str = "zh") -> str:
    """Label of a category or group value in ``lang`` (English from the taxonomy; unknown kept as is)."""
    if lang != "en":
        return UNKNOWN if name == "" else name
    fixed = {TOTAL: "Total", "": "Unknown", UNKNOWN: "Unknown", "警情": "Incidents", "案件": "Cases"}
    if name in fixed:
        return fixed[name]
    return _taxonomy()[1].get(name, name)


# --------------------------------------------------------------------------------------------------
# Baseline names and formatting primitives (shared with narrative.py, which imports them)


def baseline_name(mode: str, lang: str = "zh", *, short: bool = False) -> str:
    """Name of a baseline mode as a briefing writes it.

    ``calendar`` 去年同期, ``lunar`` 去年农历同期, ``weekday`` 去年同期（星期对齐）, ``holiday`` 去年同一假期,
    ``previous`` 上一周期, ``avgN`` 近N年同期均值; in English with ``lang="en"``.
    """
    n = _avg_n(mode)
    if lang == "en":
        if n:
            return f"{n}-year average" if short else f"the {n}-year average of the same period"
        names = {"calendar": "the same period last year", "lunar": "the same lunar period last year",
                 "weekday": "the same weeks last year", "holiday": "the same holiday last year",
                 "previous": "the previous period"}
        name = names.get(mode, f"the baseline ({mode})")
        return name[4:].capitalize() if short and name.startswith("the ") else name
    if n:
        return f"近{n}年同期均值"
    names = {"calendar": "去年同期", "lunar": "去年农历同期", "weekday": "去年同期（星期对齐）",
             "holiday": "去年同一假期", "previous": "上一周期"}
    return names.get(mode, f"基期（{mode}）")


def change_word(mode: str, lang: str = "zh") -> str:
    """``同比`` for year-on-year baselines, ``环比`` for ``previous`` (English: ``""``)."""
    if lang == "en":
        return ""
    return "环比" if mode == "previous" else "同比"


def _avg_n(mode: str) -> int:
    if mode.startswith("avg") and mode[3:].isdigit():
        return int(mode[3:])
    return 0


def fmt_int(n: float) -> str:
    """``12345`` → ``12,345``; a non-integer mean keeps one decimal (``1,234.5``)."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return ""
    if float(n) == round(float(n)):
        return f"{int(round(float(n))):,}"
    return f"{float(n):,.1f}"


def fmt_pct(p: float, *, signed: bool = False) -> str:
    """Percent with one decimal: ``5.2%`` (``+5.2%`` / ``-5.2%`` when ``signed``); empty for NaN."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    v = round(float(p), 1)
    if v == 0:
        v = 0.0
    return f"{v:+.1f}%" if signed else f"{abs(v):.1f}%"


# --------------------------------------------------------------------------------------------------
# Counting in windows


def _check_daily(daily: pd.DataFrame, what: str = "daily") -> None:
    if not isinstance(daily, pd.DataFrame):
        raise ParameterError(f"{what}: expected the daily table (a DataFrame), got {type(daily).__name__}")
    missing = [c for c in _DAILY_NEEDED if c not in daily.columns]
    if missing:
        raise InputError(f"{what}: missing column(s) {', '.join(missing)}; expected the daily table "
                         f"({', '.join(_DAILY_NEEDED)})")


def _as_list(value: object, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        out = [str(v) for v in value]
        return out or None
    raise ParameterError(f"{what}: expected a name or a list of names, got {value!r}")


def _normalise_by(by: object) -> list[str]:
    dims = _as_list(by, "by") or []
    flat: list[str] = []
    for d in dims:
        flat.extend(p.strip() for p in d.split(",") if p.strip())
    for d in flat:
        if d not in DIMENSIONS:
            raise ParameterError(f"by: unknown dimension {d!r}; expected one of {', '.join(DIMENSIONS)}")
    if len(set(flat)) != len(flat):
        raise ParameterError(f"by: a dimension is repeated in {flat}")
    return flat


def _filter(table: pd.DataFrame | None, *, districts: list[str] | None, categories: list[str] | None,
            kinds: list[str] | None) -> pd.DataFrame | None:
    if table is None:
        return None
    mask = np.ones(len(table), dtype=bool)
    if districts is not None:
        mask &= table["district"].isin(districts).to_numpy()
    if categories is not None:
        mask &= table["category"].isin(categories).to_numpy()
    if kinds is not None:
        mask &= table["kind"].isin(kinds).to_numpy()
    return table.loc[mask]


def _check_filter_values(daily: pd.DataFrame, column: str, values: list[str] | None, what: str) -> None:
    if values is None:
        return
    known = set(daily[column].unique())
    unknown = [v for v in values if v not in known]
    if unknown:
        shown = "、".join(sorted(str(k) for k in known if k)[:20])
        raise ParameterError(f"{what}: {', '.join(map(repr, unknown))} not found in the data (known: {shown})")


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def window_counts(daily: pd.DataFrame, window: Window, by: Sequence[str] = (), *,
                  hourly: pd.DataFrame | None = None) -> pd.Series:
    """Counts of ``daily`` inside ``window``, summed by the ``by`` columns.

    Whole days come from the daily table; a first or last day cut at an hour comes from the hourly
    table (``hour >= start_hour`` on the first day, ``hour < end_hour`` on the last).

    Returns
    -------
    Series
        ``count`` indexed by the ``by`` columns (a one-element Series with index ``[TOTAL]`` when
        ``by`` is empty). Raises :class:`ParameterError` when the window is cut at an hour and there is
        no hourly table, or ``by`` asks for ``subcategory`` (the hourly table has none).
    """
    by = list(by)
    start, end = _ts(window.start), _ts(window.end)
    d = daily.loc[(daily["date"] >= start) & (daily["date"] <= end), [*by, "count"]]
    if not window.whole_days:
        if hourly is None:
            raise ParameterError(
                f"window {window.label()} is cut at an hour, which needs the hourly table (record-level "
                "exports); pre-aggregated daily data can only be compared by whole days")
        if "subcategory" in by:
            raise ParameterError("by=subcategory is not available for a window cut at an hour "
                                 "(the hourly table has no subcategory)")
        cut = []
        if window.start_hour > 0:
            cut.append(start)
        if window.end_hour < 24:
            cut.append(end)
        d = daily.loc[(daily["date"] >= start) & (daily["date"] <= end) & ~daily["date"].isin(cut), [*by, "count"]]
        h = hourly.loc[hourly["date"].isin(cut)]
        keep = np.ones(len(h), dtype=bool)
        on_start = (h["date"] == start).to_numpy()
        on_end = (h["date"] == end).to_numpy()
        hours = h["hour"].to_numpy()
        keep &= ~on_start | (hours >= window.start_hour)
        keep &= ~on_end | (hours < window.end_hour)
        d = pd.concat([d, h.loc[keep, [*by, "count"]]], ignore_index=True)
    if not by:
        return pd.Series([int(d["count"].sum())], index=pd.Index([TOTAL], name="group"), name="count")
    return d.groupby(by, sort=False, observed=True)["count"].sum()


def _check_coverage(daily: pd.DataFrame, windows: Sequence[Window], role: Sequence[str]) -> None:
    if daily.empty:
        raise InputError("daily table: no rows to compare")
    first, last = daily["date"].min().date(), daily["date"].max().date()
    for w, r in zip(windows, role):
        if w.start < first or w.end > last:
            raise InputError(
                f"{r} window {w.start}..{w.end} is not covered by the data ({first}..{last}); "
                "give data for those days or choose another period or baseline")


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
        ``current_daily_mean`` (日均, incidents per day), ``change`` (``current - baseline``),
        ``pct_change`` (percent, ``100 (RR - 1)``: the change of the daily rate, which is the change of the
        count when the windows have equal length; NaN when the baseline is below ``min_base``),
        ``share`` (percent of the current total), ``rate_ratio``, ``ci_low``, ``ci_high`` (95% interval of
        the rate ratio), ``p_value``, ``p_adjusted`` (Benjamini-Hochberg over the groups; for the total
        row its own p-value), ``significant`` (``p_adjusted < alpha``), ``direction`` (上升, 下降 or 持平:
        the sign of the change of the daily rate, whether significant or not).
    total : dict
        The total row.
    notes : tuple of str
        Sentences the reader must see (Chinese); ``notes_en`` the same in English.
    kinds : tuple of str
        The kinds (警情, 案件) counted.
    dispersion : dict
        ``{"groups": phi, "total": phi, "windows": K}``: the dispersion applied (1 = Poisson) and the
        number of earlier comparable windows it was estimated from.
    filters : dict
        ``{"districts", "categories", "kind"}`` as applied (None = all).
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


def _resolve_baseline(window: Window, baseline: object) -> tuple[Baseline, tuple[str, ...]]:
    """The Baseline, and its notes in English when the calendar resolved it here."""
    if isinstance(baseline, Baseline):
        try:  # the same baseline's notes in English, when the calendar gives the same windows

            en = baseline_windows(window, baseline.mode, lang="en")
            return baseline, (tuple(en.notes) if en.windows == baseline.windows else ())
        except (ImportError, TypeError, StatsLibError):
            return baseline, ()
    if baseline is None or isinstance(baseline, str):

        base = baseline_windows(window, baseline)
        try:
            en = baseline_windows(window, baseline, lang="en").notes
        except TypeError:  # a calendar without the lang keyword
            en = ()
        return base, tuple(en)
    raise ParameterError(f"baseline: expected a Baseline, a mode name or None, got {baseline!r}")


def _history_windows(window: Window, baseline: Baseline, history: object,
                     first: dt.date, last: dt.date) -> tuple[Window, ...]:
    """Earlier comparable windows for the dispersion (at least 3 to be used), covered by the data."""
    if history is False:
        return ()
    if isinstance(history, Baseline):
        wins = tuple(history.windows)
    elif history is not None:
        wins = tuple(history)
        if not all(isinstance(w, Window) for w in wins):
            raise ParameterError("history: expected a Baseline, a list of Window, None or False")
    elif baseline.mode == "previous":
        step = dt.timedelta(days=window.days)
        wins = tuple(Window(window.start - step * k, window.end - step * k, start_hour=window.start_hour,
                            end_hour=window.end_hour) for k in range(1, 6))
    else:
        years = max(0, min(5, window.start.year - first.year))
        if years < 3:
            return ()
        try:

            if _avg_n(baseline.mode):
                wins = tuple(baseline_windows(window, f"avg{years}").windows)
            else:
                found = []
                for k in range(1, years + 1):
                    try:
                        found.append(baseline_windows(window, baseline.mode, years=k).windows[0])
                    except StatsLibError:
                        break
                wins = tuple(found)
        except ImportError:
            return ()
    return tuple(w for w in wins if w.start >= first and w.end <= last and w.end < window.start)


def compare(daily: pd.DataFrame, window: Window, baseline: Baseline | str | None = None,
            by: str | Sequence[str] | None = None, *, hourly: pd.DataFrame | None = None,
            districts: str | Sequence[str] | None = None, categories: str | Sequence[str] | None = None,
            kind: str | Sequence[str] | None = None, min_base: int = 5, alpha: float = 0.05,
            history: Baseline | Sequence[Window] | bool | None = None) -> Comparison:
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
        Below this baseline count ``pct_change`` is NaN (the words say "from a to b").
    alpha : float
        Level of the interval and of ``significant``.
    history : Baseline, list of Window, None or False
        Earlier comparable windows for the dispersion estimate. None: the same alignment in up to
        five earlier years found by the calendar (the preceding windows for ``previous``), kept
        where the data covers them; False: no dispersion adjustment.

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
    _check_daily(daily)
    if not isinstance(window, Window):
        raise ParameterError(f"window: expected a Window, got {type(window).__name__}")
    if min_base < 0 or not 0 < alpha < 1:
        raise ParameterError("min_base must be >= 0 and alpha between 0 and 1")
    dims = _normalise_by(by)
    base, base_notes_en = _resolve_baseline(window, baseline)
    if not base.windows:
        raise ParameterError(f"baseline {base.mode}: no windows to compare with")
    wins = (window, *base.windows)
    _check_coverage(daily, wins, ["current"] + [f"baseline ({base.mode})"] * base.n)
    first, last = daily["date"].min().date(), daily["date"].max().date()

    dl, cl = _as_list(districts, "districts"), _as_list(categories, "categories")
    kl = None if kind == "all" else _as_list(kind, "kind")
    _check_filter_values(daily, "district", dl, "districts")
    _check_filter_values(daily, "category", cl, "categories")
    if kl is not None:
        bad = [k for k in kl if k not in ("警情", "案件")]
        if bad:
            raise ParameterError(f"kind: {bad[0]!r} is not 警情 or 案件")
        _check_filter_values(daily, "kind", kl, "kind")
    data = _filter(daily, districts=dl, categories=cl, kinds=kl)
    auto_notes: list[tuple[str, str]] = []
    if kind is None and "kind" not in dims and data["kind"].nunique() > 1:
        # incidents and cases are different units: never add them up silently
        kl = ["警情"]
        data = data.loc[data["kind"] == "警情"]
        auto_notes.append(("数据同时含警情和案件，本表只比较警情；案件请指定 kind='案件'（或 kind='all' 合并）",
                           "the data holds incidents and cases: this table compares incidents only; use "
                           "kind='案件' for cases (or kind='all' to add them up)"))
    hdata = _filter(hourly, districts=dl, categories=cl, kinds=kl)

    counts = pd.concat([window_counts(data, w, dims, hourly=hdata).rename(i) for i, w in enumerate(wins)], axis=1)
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

    # Dispersion from earlier comparable windows.
    hist = _history_windows(window, base, history, first, last)
    phi_groups = phi_total = 1.0
    notes_zh: list[str] = list(base.notes) + [z for z, _ in auto_notes]
    notes_en: list[str] = list(base_notes_en) + [e for _, e in auto_notes]
    hc = None
    if len(hist) >= 3:
        try:
            hc = pd.concat([window_counts(data, w, dims, hourly=hdata).rename(i) for i, w in enumerate(hist)],
                           axis=1).fillna(0)
        except ParameterError:  # earlier windows cut at an hour without an hourly table
            hc = None
    if hc is not None:
        texp = np.array([w.exposure_days for w in hist])
        phi_total = dispersion(hc.sum(axis=0).to_numpy(), texp)
        phi_groups = dispersion(hc.to_numpy(), texp) if dims else phi_total
        # with one dispersion for independent groups the total's is the same; its own estimate
        # (K - 1 degrees of freedom) is noisier, and positive correlation only raises it: take the larger
        phi_total = max(phi_total, phi_groups)
        if phi_total > 1:
            notes_zh.append(f"离散度按{len(hist)}个往年可比时段估计（组别φ={phi_groups:.2f}，合计φ={phi_total:.2f}），"
                            "区间与检验已按准泊松放宽")
            notes_en.append(f"dispersion estimated from {len(hist)} earlier comparable windows (groups "
                            f"phi={phi_groups:.2f}, total phi={phi_total:.2f}); intervals and tests widened "
                            "(quasi-Poisson)")
        else:
            notes_zh.append(f"按{len(hist)}个往年可比时段检查，未见超出泊松的离散（φ=1），按泊松计算")
            notes_en.append(f"{len(hist)} earlier comparable windows show no overdispersion (phi=1): plain Poisson")
    elif history is not False:
        notes_zh.append("往年可比时段不足3个，未估计离散度（按泊松计算）")
        notes_en.append("fewer than 3 earlier comparable windows: no dispersion estimate (plain Poisson)")

    a = frame["w0"].to_numpy(dtype=float)
    bmat = frame[[f"w{i}" for i in range(1, len(wins))]].to_numpy(dtype=float)
    b = bmat.sum(axis=1)
    n = base.n
    t1 = window.exposure_days
    t2s = np.array([w.exposure_days for w in base.windows])
    t2 = float(t2s.sum())
    phi = np.full(len(frame), phi_groups)
    phi[-1] = phi_total
    res = rate_test(a, b, t1, t2, alpha=alpha, dispersion=phi)

    bmean = b / n
    pct = np.where(bmean >= max(min_base, 1e-12), (res.rate_ratio - 1) * 100, np.nan)
    pct = np.where(np.isfinite(pct), pct, np.nan)
    p_adj = np.full(len(frame), np.nan)
    fam = np.isfinite(res.p_value[:n_groups])
    if fam.any():
        p_adj[:n_groups][fam] = stats.false_discovery_control(res.p_value[:n_groups][fam], method="bh")
    p_adj[-1] = res.p_value[-1]
    lhs, rhs = a * t2, b * t1
    direction = np.where(np.isclose(lhs, rhs), "持平", np.where(lhs > rhs, "上升", "下降"))
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
        "change": (pd.Series((a - b).astype("int64")) if n == 1 else pd.Series(a - bmean)),
        "pct_change": pct,
        "share": (a / total_a * 100) if total_a > 0 else np.full(len(frame), np.nan),
        "rate_ratio": res.rate_ratio,
        "ci_low": res.ci_low,
        "ci_high": res.ci_high,
        "p_value": res.p_value,
        "p_adjusted": p_adj,
        "significant": np.nan_to_num(p_adj, nan=1.0) < alpha,
        "direction": direction,
    })

    if abs(t1 - t2 / n) > 1e-9 and not any("长度不同" in x for x in base.notes):
        notes_zh.append(f"本期{fmt_int(t1)}天，对比时段{fmt_int(t2 / n)}天，增减幅度按日均计算")
        notes_en.append(f"the current window has {fmt_int(t1)} days and the baseline {fmt_int(t2 / n)}: "
                        "percentage changes compare daily means")
    if n > 1:
        notes_zh.append(f"对比基数为{n}个时段的均值（检验合并{n}个时段的计数与天数）")
        notes_en.append(f"the baseline is the mean of {n} windows (the test pools their counts and days)")
    small = table.iloc[:-1]["baseline"] < min_base
    if small.any():
        notes_zh.append(f"基数小于{min_base}起时不计算百分比（{int(small.sum())}组）")
        notes_en.append(f"no percentage where the baseline is below {min_base} ({int(small.sum())} groups)")
    kinds = tuple(sorted(data["kind"].unique())) if len(data) else tuple(kl or ())
    test_zh = TEST_ZH if phi.max() == 1 else TEST_ZH + "；按离散度放宽（准泊松）"
    test_en = TEST_EN if phi.max() == 1 else TEST_EN + "; widened for overdispersion (quasi-Poisson)"
    return Comparison(window=window, baseline=base, by=tuple(dims), test=test_zh, table=table,
                      total=table.iloc[-1].to_dict(), notes=tuple(notes_zh), notes_en=tuple(notes_en),
                      test_en=test_en, kinds=kinds, min_base=min_base, alpha=alpha,
                      dispersion={"groups": phi_groups, "total": phi_total,
                                  "windows": len(hist) if hc is not None else 0},
                      filters={"districts": dl, "categories": cl, "kind": kl})


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
    rank, _ = _taxonomy()
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


# --------------------------------------------------------------------------------------------------
# CompStat block


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def compstat(daily: pd.DataFrame, as_of: object, by: str | Sequence[str] | None = "category", *,
             kind: str | Sequence[str] | None = None, districts: str | Sequence[str] | None = None,
             categories: str | Sequence[str] | None = None, min_base: int = 5,
             holiday: bool = True) -> pd.DataFrame:
    """CompStat block: 本周, 近28天, 年初至今 (and the holiday period in progress) against last year.

    Windows end at ``as_of``: 本周 (week to date, Monday to ``as_of``) and 近28天 against the same
    weekdays 364 days earlier; 年初至今 (1 January to ``as_of``) against the same dates last year
    (29 February → 28 February); with ``holiday=True`` an official holiday period containing
    ``as_of`` (from the calendar), to ``as_of``, against the same holiday last year cut to the same
    number of days.

    Returns
    -------
    DataFrame
        One row per window and group (total row ``合计`` last in each window). Columns: ``period``
        (Chinese name), ``slug``, ``start``, ``end``, ``baseline_mode``, ``baseline_start``,
        ``baseline_end`` (dates), then the :class:`Comparison` table's columns. Windows whose baseline
        is not covered by the data are left out.
    """
    day = as_date(as_of, what="as_of")
    specs: list[tuple[str, str, Window, Baseline]] = []
    wk = Window(day - dt.timedelta(days=day.weekday()), day, name="本周", slug="this-week")
    specs.append(("本周", "this-week", wk, _shifted(wk, 364, "weekday")))
    l28 = Window(day - dt.timedelta(days=27), day, name="近28天", slug="last-28d")
    specs.append(("近28天", "last-28d", l28, _shifted(l28, 364, "weekday")))
    ytd = Window(dt.date(day.year, 1, 1), day, name="年初至今", slug="ytd")
    prev = Window(dt.date(day.year - 1, 1, 1), _year_back(day))
    specs.append(("年初至今", "ytd", ytd, Baseline("calendar", (prev,))))
    if holiday:
        hol = _holiday_in_progress(day)
        if hol is not None:
            specs.append(hol)
    frames = []
    for name, slug, w, b in specs:
        try:
            c = compare(daily, w, b, by=by, kind=kind, districts=districts, categories=categories,
                        min_base=min_base, history=False)
        except InputError:
            continue
        t = c.table.copy()
        head = pd.DataFrame({"period": name, "slug": slug, "start": w.start, "end": w.end,
                             "baseline_mode": b.mode, "baseline_start": b.windows[0].start,
                             "baseline_end": b.windows[0].end}, index=t.index)
        frames.append(pd.concat([head, t], axis=1))
    if not frames:
        raise InputError(f"compstat: the data does not cover any window ending {day} and its baseline")
    return pd.concat(frames, ignore_index=True)


def _shifted(w: Window, days: int, mode: str) -> Baseline:
    step = dt.timedelta(days=days)
    return Baseline(mode, (Window(w.start - step, w.end - step),))


def _holiday_in_progress(day: dt.date) -> tuple[str, str, Window, Baseline] | None:
    """The official holiday period containing ``day`` and the same holiday last year, or None."""

    # A New Year holiday that begins in December belongs to the year it leads into.
    year = day.year + 1 if day.month == 12 else day.year
    try:
        attrs = day_attributes(day, day)
        name = str(attrs["holiday"].iloc[0] or "") if "holiday" in attrs else ""
        if not name:
            return None
        period = name if name.endswith("假期") else name + "假期"
        this = resolve_period(period, year=year, as_of=day)
        last = resolve_period(period, year=year - 1, as_of=day)
    except (StatsLibError, KeyError, ValueError):
        return None
    if not this.start <= day <= this.end:
        return None
    cur = Window(this.start, day, name=this.name, slug=this.slug)
    n = cur.days
    prev = Window(last.start, min(last.end, last.start + dt.timedelta(days=n - 1)))
    return this.name, this.slug, cur, Baseline("holiday", (prev,))


# --------------------------------------------------------------------------------------------------
# Category mix


@dataclass(frozen=True)
class CategoryMix:
    """Chi-square test of homogeneity of the category mix, current against baseline.

    Attributes
    ----------
    statistic, pvalue : float
        Pearson chi-square statistic and its p-value (``scipy.stats.chi2_contingency``, no continuity
        correction unless the table is 2x2).
    dof : int
        Degrees of freedom.
    table : DataFrame
        One row per group: ``group``, ``current``, ``baseline`` (counts; for ``avgN`` the pooled counts
        of the N windows), ``current_share``, ``baseline_share`` (percent), ``expected`` (expected
        current count under homogeneity), ``residual`` (adjusted standardised residual of the current
        cell: about N(0, 1) under homogeneity), ``contribution`` (percent of the chi-square statistic).
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


def category_mix(counts: Comparison | pd.DataFrame, *, threshold: float = 2.0) -> CategoryMix:
    """Test whether the mix of groups changed between the current and the baseline window.

    Parameters
    ----------
    counts : Comparison or DataFrame
        A :class:`Comparison` (its group rows; the baseline counts pooled over the N windows) or a
        frame with columns ``group``, ``current``, ``baseline`` (counts).
    threshold : float
        ``|adjusted residual|`` at or above which a group is named in ``top``.

    Returns
    -------
    CategoryMix
    """
    if isinstance(counts, Comparison):
        rows = counts.rows
        frame = pd.DataFrame({"group": rows["group"].to_numpy(), "current": rows["current"].to_numpy(),
                              "baseline": [sum(x) for x in rows["baseline_counts"]]})
    elif isinstance(counts, pd.DataFrame) and {"group", "current", "baseline"} <= set(counts.columns):
        frame = counts.loc[counts["group"] != TOTAL, ["group", "current", "baseline"]].copy()
    else:
        raise ParameterError("category_mix: expected a Comparison or a frame with group, current, baseline")
    frame = frame.loc[(frame["current"] + frame["baseline"]) > 0].reset_index(drop=True)
    if len(frame) < 2:
        raise ParameterError("category_mix: needs at least two groups with counts")
    obs = frame[["current", "baseline"]].to_numpy(dtype=float)
    if obs.sum(axis=0).min() <= 0:
        raise ParameterError("category_mix: the current or the baseline window has no counts")
    res = stats.chi2_contingency(obs)
    exp = res.expected_freq
    total = obs.sum()
    rowp = obs.sum(axis=1, keepdims=True) / total
    colp = obs.sum(axis=0, keepdims=True) / total
    adj = (obs - exp) / np.sqrt(exp * (1 - rowp) * (1 - colp))
    contrib = ((obs - exp) ** 2 / exp).sum(axis=1)
    out = pd.DataFrame({
        "group": frame["group"].to_numpy(),
        "current": obs[:, 0].astype("int64"),
        "baseline": obs[:, 1].astype("int64"),
        "current_share": obs[:, 0] / obs[:, 0].sum() * 100,
        "baseline_share": obs[:, 1] / obs[:, 1].sum() * 100,
        "expected": exp[:, 0],
        "residual": adj[:, 0],
        "contribution": contrib / contrib.sum() * 100 if contrib.sum() > 0 else 0.0,
    })
    out = out.iloc[np.argsort(-np.abs(out["residual"].to_numpy()), kind="stable")].reset_index(drop=True)
    top = tuple(out.loc[np.abs(out["residual"]) >= threshold, "group"])
    notes = ()
    if (exp < 5).any():
        notes = (f"{int((exp < 5).sum())}个单元格期望频数小于5，卡方近似可能不准",)
    return CategoryMix(statistic=float(res.statistic), pvalue=float(res.pvalue), dof=int(res.dof),
                       table=out, top=top, notes=notes)


# --------------------------------------------------------------------------------------------------
# Rankings and 零发案


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
    up = rows.loc[rows["direction"] == "上升"].sort_values(["change", "current"], ascending=False,
                                                           kind="stable").head(n)
    down = rows.loc[rows["direction"] == "下降"].sort_values(["change", "current"], ascending=[True, False],
                                                             kind="stable").head(n)
    up = up.assign(rank=np.arange(1, len(up) + 1))
    down = down.assign(rank=np.arange(1, len(down) + 1))
    return pd.concat([up, down], ignore_index=True)


def zero_districts(daily: pd.DataFrame, window: Window, by: str | None = "category", *,
                   kind: str | Sequence[str] | None = None, categories: str | Sequence[str] | None = None,
                   districts: str | Sequence[str] | None = None,
                   hourly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Districts with no incidents of a kind (零发案) in the window.

    The districts and the categories considered are those present anywhere in ``daily`` (after the
    filters), so a district is listed for a category when it reported that category on some other
    day but none inside the window. Unknown districts (``''``) are never listed.

    Returns
    -------
    DataFrame
        Columns ``by`` (when given: ``category``, ``subcategory`` or ``kind``) and ``district``, in
        taxonomy / name order. With ``by=None``: column ``district`` only (no incident at all).
    """
    _check_daily(daily)
    if by is not None and by not in ("category", "subcategory", "kind"):
        raise ParameterError("zero_districts: by must be category, subcategory, kind or None")
    data = _filter(daily, districts=_as_list(districts, "districts"), categories=_as_list(categories, "categories"),
                   kinds=_as_list(kind, "kind"))
    data = data.loc[data["district"] != ""]
    dims = [by] if by else []
    all_d = np.sort(data["district"].unique())
    if dims:
        groups = data.loc[data[by] != "", by].unique()
        grid = pd.MultiIndex.from_product([groups, all_d], names=[by, "district"]).to_frame(index=False)
    else:
        grid = pd.DataFrame({"district": all_d})
    hdata = _filter(hourly, districts=_as_list(districts, "districts"),
                    categories=_as_list(categories, "categories"), kinds=_as_list(kind, "kind"))
    got = window_counts(data, window, [*dims, "district"], hourly=hdata)
    got = got[got > 0].reset_index()[[*dims, "district"]]
    out = grid.merge(got, how="left", on=[*dims, "district"], indicator=True)
    out = out.loc[out["_merge"] == "left_only", [*dims, "district"]]
    if by == "category":
        rank, _ = _taxonomy()
        out = out.assign(_r=out["category"].map(lambda v: rank.get(v, len(rank)))).sort_values(
            ["_r", "category", "district"], kind="stable").drop(columns="_r")
    else:
        out = out.sort_values([*dims, "district"], kind="stable")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Text table


def _masked(v: float, mask_below: int | None) -> bool:
    return mask_below is not None and v is not None and not (isinstance(v, float) and math.isnan(v)) \
        and float(v) < mask_below


def format_table(result: Comparison, lang: str = "zh", *, mask_below: int | None = None) -> str:
    """A comparison as a Markdown table for reading (terminal, notes), with its header and notes.

    Columns (zh): 类别 (or 辖区 …), 本期, the baseline's name, 增减, 同比 (环比), 占比, 显著性 (``▲ 显著`` /
    ``▼ 显著`` / ``—``). Counts get thousands separators, percentages one decimal; below ``min_base`` the
    change reads ``由a起增至b起``; counts below ``mask_below`` show as ``*`` (and their changes too).

    Returns
    -------
    str
    """
    en = lang == "en"
    mode = result.baseline.mode
    dim_names = {"category": ("类别", "Category"), "subcategory": ("细类", "Subcategory"),
                 "district": ("辖区", "District"), "kind": ("类型", "Kind")}
    first = " / ".join(dim_names[d][1 if en else 0] for d in result.by) or ("Group" if en else "项目")
    bname = baseline_name(mode, lang, short=True)
    pct_head = ("% change" if en else change_word(mode) or "同比")
    head = ([first, "Current", bname, "Change", pct_head, "Share", "Significance"] if en
            else [first, "本期", bname, "增减", pct_head, "占比", "显著性"])
    lines = [
        (f"Window: {result.window.label('en')} ({fmt_int(result.window.exposure_days)} days)" if en
         else f"统计时段：{result.window.label()}（{fmt_int(result.window.exposure_days)}天）"),
        (f"Baseline: {'; '.join(w.label('en') for w in result.baseline.windows)} ({baseline_name(mode, 'en')})"
         if en else f"对比时段：{'；'.join(w.label() for w in result.baseline.windows)}（{baseline_name(mode)}）"),
        (f"Test: {result.test_en}" if en else f"检验方法：{result.test}"),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for r in result.table.to_dict("records"):
        label = " / ".join(category_label(r[d], lang) for d in result.by) if (en and result.by) else r["group"]
        if r["group"] == TOTAL:
            label = "Total" if en else TOTAL
        cur, base = r["current"], r["baseline"]
        hidden = _masked(cur, mask_below) or _masked(base, mask_below)
        cur_s = "*" if _masked(cur, mask_below) else fmt_int(cur)
        base_s = "*" if _masked(base, mask_below) else fmt_int(base)
        if hidden:
            chg_s = pct_s = share_s = "*"
        else:
            chg = r["change"]
            chg_s = ("+" if chg > 0 else "") + fmt_int(chg) if chg != 0 else "0"
            share_s = fmt_pct(r["share"])
            if math.isnan(r["pct_change"]):
                pct_s = _small_words(cur, base, lang)
            elif r["direction"] == "持平":
                pct_s = "flat" if en else "持平"
            else:
                pct_s = fmt_pct(r["pct_change"], signed=True)
        if r["significant"] and r["direction"] != "持平":
            arrow = "▲" if r["direction"] == "上升" else "▼"
            sig = f"{arrow} {'significant' if en else '显著'}"
        else:
            sig = "—"
        lines.append("| " + " | ".join([label, cur_s, base_s, chg_s, pct_s, share_s, sig]) + " |")
    lines.append("")
    if en:
        lines.append(f"'▲ significant': p < {result.alpha:g} after the multiple-comparison correction. "
                     f"No percentage where the baseline is below {result.min_base}.")
        lines += [f"Note: {n}" for n in result.notes_en]
    else:
        lines.append(f"「▲ 显著」：经多项比较校正后 p < {result.alpha:g}。基数小于{result.min_base}起时不计算百分比。")
        lines += [f"注：{n}" for n in result.notes]
    return "\n".join(lines)


def _small_words(cur: float, base: float, lang: str) -> str:
    """``由4起增至13起`` / ``from 4 to 13``."""
    if lang == "en":
        return f"from {fmt_int(base)} to {fmt_int(cur)}"
    if cur == base:
        return f"均为{fmt_int(cur)}起"
    verb = "增至" if cur > base else "降至"
    return f"由{fmt_int(base)}起{verb}{fmt_int(cur)}起"
