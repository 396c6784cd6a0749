"""Forecast the coming days: expected incidents by day, category, district and hour, with prediction intervals.

``forecast(data, start, end, as_of=...)`` fits one negative-binomial GLM per series on the history before the
origin (:mod:`stats_lib.stats.forecast_model`, design from :mod:`stats_lib.stats.forecast_features`) and
simulates the window.

Reconciliation (categories and districts add up to the total)
--------------------------------------------------------------
Top-down by forecast proportions, draw by draw (Athanasopoulos, Ahmed and Hyndman 2009, *Int. J. Forecasting*
25, 146-166, in its simulated form): in each simulation the total of a kind is drawn from the total's model;
each group's model gives a rate with its own parameter draw and gamma (overdispersion) noise, and the total is
split among the groups by a multinomial draw with those rates as proportions. Every draw of the groups adds up
to the draw of the total, so the means and the sums of the draws agree exactly; a group's interval keeps the
group's own overdispersion.

Hours
-----
The hour profile of a day is the share of each hour on the days of the same kind in the history (除夕 from past
除夕, 元宵 from past 元宵, else days off or working days); hourly draws are binomial from the day's total draw,
so they are conditional on the day's total.
"""

from __future__ import annotations

import datetime as dt
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from stats_lib.calendar.baselines import resolve_window
from stats_lib.calendar.lunar import festivals
from stats_lib.calendar.periods import period_spec
from stats_lib.errors import CalendarError, InputError, ParameterError
from stats_lib.stats.forecast_features import design
from stats_lib.stats.forecast_model import draw_counts, draw_rates, fit_series
from stats_lib.tables import Cleaned, read_cleaned
from stats_lib.windows import Window, as_date

__all__ = ["Forecast", "forecast", "forecast_window", "DailyInput", "daily_input", "TOTAL", "LEVELS", "MAX_WINDOW_DAYS",
           "MAX_HORIZON_DAYS"]

#: ``group`` of the rows of a kind's total.
TOTAL = "合计"
#: The aggregation levels a forecast can add: each a column of the daily table.
LEVELS = ("category", "district")
#: Statutory span used for a holiday period whose official arrangement is not published: days from 除夕.
_SPRING_STATUTORY = (0, 7)


@dataclass(frozen=True)
class Forecast:
    """Result of :func:`forecast`.

    Attributes
    ----------
    table : DataFrame
        One row per (date, kind, level, group): ``date`` (datetime64), ``kind`` (警情 / 案件), ``level``
        (``total``, ``category`` or ``district``), ``group`` (``合计`` for the total, else the category or
        district), ``mean`` (expected count, float), ``lo{L}`` and ``hi{L}`` for each level L (the central L%
        prediction interval, counts), ``festival`` ('' or 除夕 …), ``calendar`` (``official``: from the
        published arrangement; ``statutory``: from the law and the lunar calendar; ``region``: US holidays).
    summary : DataFrame
        The window as a whole, one row per (kind, level, group): ``kind``, ``level``, ``group``, ``mean`` (the
        expected daily mean over the window, 日均), ``lo{L}``/``hi{L}`` (interval of the window's daily mean,
        from the same simulations), ``total`` (expected sum over the window).
    hourly : DataFrame
        The total of each kind by hour: ``date``, ``kind``, ``hour`` (0-23), ``day_kind`` (the kind of day
        whose hour shares were used), ``mean``, ``lo{L}``, ``hi{L}``. Empty without an hourly table.
    window : Window
        The forecast window.
    origin : datetime.date
        First day not used: only data dated before it were read.
    levels : tuple[int, ...]
        Interval levels in percent.
    notes : tuple[str, ...]
        Sentences a reader must see (method, statutory days, horizon).
    fits : dict
        ``(kind, level, group) -> SeriesFit`` (for inspection).
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    hourly: pd.DataFrame
    window: Window
    origin: dt.date
    levels: tuple[int, ...]
    notes: tuple[str, ...]
    fits: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class DailyInput:
    """The tables a forecast reads (:func:`daily_input`).

    Attributes
    ----------
    daily : DataFrame
        The canonical daily table: ``date`` (datetime64), ``kind``, ``category``, ``district`` (str) and
        ``count`` (records that day).
    hourly : DataFrame or None
        The canonical hourly table of a cleaned folder or :class:`Cleaned`; None for a bare daily frame.
    """

    daily: pd.DataFrame
    hourly: pd.DataFrame | None


def daily_input(data: object) -> DailyInput:
    """The daily (and hourly) table from a :class:`Cleaned`, a cleaned folder or a daily frame.

    Parameters
    ----------
    data : Cleaned, str, path or DataFrame
        A cleaned result or folder, or a daily frame with ``date`` and ``count`` (missing ``kind``,
        ``category``, ``district`` are filled with '').

    Returns
    -------
    DailyInput
        ``daily`` and ``hourly`` (None for a daily frame).

    Raises
    ------
    ParameterError
        ``data`` is none of these.
    InputError
        The frame lacks ``date`` or ``count``.
    """
    if isinstance(data, (str, os.PathLike, Path)):
        data = read_cleaned(data)
    if isinstance(data, Cleaned):
        return DailyInput(data.daily, data.hourly)
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"data: expected a cleaned folder, a Cleaned or a daily DataFrame, got {type(data).__name__}")
    missing = [c for c in ("date", "count") if c not in data.columns]
    if missing:
        raise InputError(f"daily table: missing column(s) {', '.join(missing)}")
    out = data.copy()
    for c in ("kind", "category", "district"):
        out[c] = out[c].fillna("").astype(str) if c in out.columns else ""
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return DailyInput(out, None)


def forecast_window(start: object = None, end: object = None, period: str | None = None, year: int | None = None,
                    arrangements: str | os.PathLike | None = None, lang: str = "zh") -> tuple[Window, list[str]]:
    """The window to forecast, and notes when a holiday period had to come from the law.

    A named official period (春节假期 …) of a year whose arrangement is not published falls back to the
    statutory days: 春节假期 = 除夕 to 初七 (the span of the 2025 and 2026 arrangements, the law's 4 days with
    the usual weekend swaps), any other holiday = its festival day (marked; raises when that is unknown).

    Parameters
    ----------
    start, end : date-like, optional
        The window, inclusive.
    period : str, optional
        A named period (春节假期 …) instead of ``start``/``end``.
    year : int, optional
        The year of ``period``.
    arrangements : path, optional
        Official arrangements YAML (default ``$STATS_LIB_HOLIDAYS``).
    lang : {"zh", "en"}
        Language of the note.

    Returns
    -------
    tuple of (Window, list of str)
        The window, and a note when it was taken from the statutory days (else no note).

    Raises
    ------
    CalendarError
        The window cannot be resolved and no statutory fall-back applies.
    """
    try:
        return resolve_window(start, end, period=period, year=year, arrangements=arrangements), []
    except CalendarError:
        if not period or year is None:
            raise
        spec = period_spec(period)
        fest = festivals(int(year))
        if spec.holiday == "spring_festival":
            s = fest["除夕"] + dt.timedelta(days=_SPRING_STATUTORY[0])
            e = fest["除夕"] + dt.timedelta(days=_SPRING_STATUTORY[1])
        elif spec.holiday in ("qingming", "dragon_boat", "mid_autumn"):
            s = e = fest[{"qingming": "清明", "dragon_boat": "端午", "mid_autumn": "中秋"}[spec.holiday]]
        elif spec.holiday in ("new_year", "labour_day", "national_day"):
            s, e = {"new_year": ((1, 1), (1, 1)), "labour_day": ((5, 1), (5, 2)),
                    "national_day": ((10, 1), (10, 3))}[spec.holiday]
            s, e = dt.date(int(year), *s), dt.date(int(year), *e)
        else:
            raise
        note = (f"{year}年节假日安排尚未公布（或未收录），{spec.name}按法定假日与农历推算为{s}至{e}，以国务院通知为准；"
                f"可用环境变量STATS_LIB_HOLIDAYS提供安排文件") if lang != "en" else (
                f"the official holiday arrangement of {year} is not published (or not known): {spec.name_en} taken "
                f"as {s} to {e} from the statutory holidays and the lunar calendar, until the State Council notice; "
                f"a file of arrangements can be given with STATS_LIB_HOLIDAYS")
        return Window(s, e, name=spec.name, slug=spec.slug, name_en=spec.name_en), [note]


#: Longest forecast window, in days, and farthest day ahead of the origin: a coming holiday, month or quarter
#: (both bound the simulation: 20 years took 200 s and 3.2 GB, 74 years ran out of memory).
MAX_WINDOW_DAYS = 92
MAX_HORIZON_DAYS = 800


def _rng(seed: int, *key: str) -> np.random.Generator:
    """A generator of its own for each series: a forecast does not depend on which other series are drawn."""
    return np.random.default_rng([seed, zlib.crc32("\x1f".join(key).encode("utf-8"))])


def _series(daily: pd.DataFrame, dates: pd.DatetimeIndex, col: str | None) -> dict[str, np.ndarray]:
    sub = daily[(daily["date"] >= dates[0]) & (daily["date"] <= dates[-1])]
    if col is None:
        s = sub.groupby("date")["count"].sum().reindex(dates, fill_value=0)
        return {TOTAL: s.to_numpy()}
    wide = sub.groupby(["date", col])["count"].sum().unstack(fill_value=0).reindex(dates, fill_value=0)
    return {str(g): wide[g].to_numpy() for g in wide.columns}


def _quantiles(draws: np.ndarray, levels: tuple[int, ...]) -> dict[str, np.ndarray]:
    out = {"mean": draws.mean(axis=0)}
    for lv in levels:
        a = (1 - lv / 100) / 2
        out[f"lo{lv}"] = np.quantile(draws, a, axis=0, method="inverted_cdf").astype(float)
        out[f"hi{lv}"] = np.quantile(draws, 1 - a, axis=0, method="inverted_cdf").astype(float)
    return out


def _allocate(total: np.ndarray, rates: list[np.ndarray], alphas: list[float],
              rng: np.random.Generator) -> np.ndarray:
    """Split the total draws (S, H) among groups by multinomial draws with gamma-noised rates as proportions."""
    lam = np.stack([r * rng.gamma(1.0 / a, a, size=r.shape) for r, a in zip(rates, alphas)], axis=-1)
    s = lam.sum(axis=-1, keepdims=True)
    p = np.where(s > 0, lam / np.where(s > 0, s, 1.0), 1.0 / lam.shape[-1])
    p = p / p.sum(axis=-1, keepdims=True)
    return rng.multinomial(total, p)


def _hour_profiles(hourly: pd.DataFrame | None, kind: str, info: pd.DataFrame, origin: pd.Timestamp) -> dict:
    if hourly is None or hourly.empty:
        return {}
    h = hourly[(hourly["kind"] == kind) & (hourly["date"] < origin)]
    if h.empty:
        return {}
    wide = h.groupby(["date", "hour"])["count"].sum().unstack(fill_value=0).reindex(columns=range(24), fill_value=0)
    kinds = info["kind"].reindex(wide.index)
    out = {}
    for k, rows in wide.groupby(kinds):
        tot = rows.to_numpy().sum(axis=0)
        if tot.sum() > 0:
            out[k] = (tot / tot.sum(), len(rows))
    return out


def _check_levels(levels) -> tuple[int, ...]:
    try:
        out = tuple(int(v) for v in levels)
    except (TypeError, ValueError):
        raise ParameterError(f"levels: expected whole percentages such as 80 95, got {levels!r}") from None
    if not out or any(not 1 <= v <= 99 for v in out):
        raise ParameterError(f"levels: each must be between 1 and 99 (percent), got {list(out)}")
    return tuple(sorted(set(out)))


def forecast(data: object, start: object = None, end: object = None, *, period: str | None = None,
             year: int | None = None, as_of: object = None, by: tuple[str, ...] | str | None = LEVELS,
             levels: tuple[int, ...] = (80, 95), kinds: tuple[str, ...] | None = None, n_sims: int = 1000,
             seed: int = 0, history_years: float = 4.0, region: str = "CN",
             arrangements: str | os.PathLike | None = None, lang: str = "zh") -> Forecast:
    """Forecast daily counts of a window, by kind, category and district, with prediction intervals.

    Parameters
    ----------
    data : Cleaned, path of a cleaned folder, or DataFrame
        The daily table (``date``, ``kind``, ``category``, ``district``, ``count``) and, for hours, the hourly.
    start, end : date-like, optional
        The window, inclusive; or ``period`` (春节假期 …) with ``year``.
    period : str, optional
        A named period (:mod:`stats_lib.calendar.periods`) instead of ``start``/``end``.
    year : int, optional
        The year of ``period``.
    as_of : date-like, optional
        The forecast origin: only data dated before it are used. Default: the window's first day, or the day
        after the last data day if earlier. Must not be after the window's first day.
    by : tuple of {'category', 'district'}, optional
        Levels reconciled to the total (default both); ``None`` or ``()`` for totals only.
    levels : tuple of int
        Interval levels in percent (default 80 and 95).
    kinds : tuple of str, optional
        Kinds to forecast (default every kind in the data: 警情 and 案件 apart).
    n_sims : int
        Simulated paths (default 1000; intervals' Monte Carlo error is about 1 point at 80%).
    seed : int
        Seed of the simulation: the same inputs and seed give the same forecast.
    history_years : float
        Years of history before the origin fitted (default 4).
    region : {'CN', 'US'}
        Holiday calendar of the design.
    arrangements : path, optional
        Official arrangements YAML (default ``$STATS_LIB_HOLIDAYS``).
    lang : {'zh', 'en'}
        Language of the notes.

    Returns
    -------
    Forecast
        ``.table`` and ``.hourly`` (columns in :class:`Forecast`), ``.notes``.

    Raises
    ------
    ParameterError
        A bad window, level, ``by``, ``as_of``, ``n_sims`` or ``seed``; a window longer than
        :data:`MAX_WINDOW_DAYS` or ending more than :data:`MAX_HORIZON_DAYS` after the origin; fewer than 28 days
        of history before the origin.
    InputError
        A folder or frame that is not a daily table.
    """
    # Hundreds of small fits: BLAS threads only add contention (measured 10x slower on a busy 2-core box).
    with threadpool_limits(limits=1, user_api="blas"):
        return _forecast(data, start, end, period, year, as_of, by, levels, kinds, n_sims, seed, history_years,
                         region, arrangements, lang)


def _forecast(data, start, end, period, year, as_of, by, levels, kinds, n_sims, seed, history_years, region,
              arrangements, lang) -> Forecast:
    levels = _check_levels(levels)
    by_levels = (by,) if isinstance(by, str) else tuple(by or ())
    bad = [b for b in by_levels if b not in LEVELS]
    if bad:
        raise ParameterError(f"by: expected category or district, got {', '.join(map(str, bad))}")
    if not isinstance(n_sims, int) or not 100 <= n_sims <= 100_000:
        raise ParameterError(f"n_sims: expected a whole number from 100 to 100000, got {n_sims!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ParameterError(f"seed: expected a whole number from 0 to 2**63-1, got {seed!r}")
    tables = daily_input(data)
    daily, hourly = tables.daily, tables.hourly
    window, notes = forecast_window(start, end, period, year, arrangements, lang)
    if daily.empty:
        raise InputError("daily table: no rows to forecast from")
    last = daily["date"].max().date()
    origin = as_date(as_of, what="as_of") if as_of not in (None, "") else min(window.start, last + dt.timedelta(1))
    if origin > window.start:
        raise ParameterError(f"as_of {origin}: the origin must not be after the window's first day {window.start}")
    if window.days > MAX_WINDOW_DAYS:
        raise ParameterError(f"window: {window.days} days; a forecast covers at most {MAX_WINDOW_DAYS} days (a holiday, "
                             "a month, a quarter)")
    if (window.end - origin).days >= MAX_HORIZON_DAYS:
        raise ParameterError(f"window: it ends {(window.end - origin).days} days after the origin {origin}; forecasts "
                             f"reach at most {MAX_HORIZON_DAYS} days ahead (give a later as_of or an earlier window)")
    daily = daily[daily["date"] < pd.Timestamp(origin)]
    if daily.empty:
        raise ParameterError(f"as_of {origin}: no data before the origin")
    h_start = max(daily["date"].min().date(), origin - dt.timedelta(days=round(365.25 * history_years)))
    hist_dates = pd.date_range(h_start, origin - dt.timedelta(1), freq="D")
    if len(hist_dates) < 28:
        raise ParameterError(f"as_of {origin}: {len(hist_dates)} days of history before the origin; 28 needed")
    days = design(h_start, window.end, origin, region=region, arrangements=arrangements)
    X_hist, X_fut = days.X.loc[hist_dates], days.X.loc[pd.Timestamp(window.start):]
    info_fut = days.info.loc[X_fut.index]
    present = sorted(daily["kind"].unique())
    if isinstance(kinds, str):
        kinds = (kinds,)
    unknown = [k for k in kinds or () if k not in present]
    if unknown:
        raise ParameterError(f"kind: {', '.join(map(str, unknown))} is not in the data before the origin; "
                             f"expected one of {', '.join(present)}")
    kinds = tuple(kinds) if kinds else tuple(present)
    rows, hours, sums, fits = [], [], [], {}

    def emit(kind, level, group, draws):
        q = _quantiles(draws, levels)
        w = _quantiles(draws.mean(axis=1, keepdims=True), levels)
        sums.append({"kind": kind, "level": level, "group": group, **{k: float(v[0]) for k, v in w.items()},
                     "total": float(q["mean"].sum())})
        rows.append(pd.DataFrame({"date": X_fut.index, "kind": kind, "level": level, "group": group, **q,
                                  "festival": info_fut["festival"].to_numpy(),
                                  "calendar": info_fut["calendar"].to_numpy()}))

    for kind in kinds:
        dk = daily[daily["kind"] == kind]
        fit = fit_series(_series(dk, hist_dates, None)[TOTAL], X_hist)
        fits[(kind, "total", TOTAL)] = fit
        rng = _rng(seed, kind)
        total = draw_counts(draw_rates(fit, X_fut, n_sims, rng), fit.alpha, rng)
        emit(kind, "total", TOTAL, total)
        for level in by_levels:
            series = _series(dk, hist_dates, level)
            gfits = {g: fit_series(y, X_hist) for g, y in series.items()}
            fits.update({(kind, level, g): f for g, f in gfits.items()})
            groups = list(gfits)
            rng = _rng(seed, kind, level)
            alloc = _allocate(total, [draw_rates(gfits[g], X_fut, n_sims, rng) for g in groups],
                              [gfits[g].alpha for g in groups], rng)
            for i, g in enumerate(groups):
                emit(kind, level, g, alloc[..., i])
        profiles = _hour_profiles(hourly, kind, days.info, pd.Timestamp(origin))
        rng = _rng(seed, kind, "hour")
        for j, day in enumerate(X_fut.index):
            k = info_fut["kind"].iloc[j]
            k = k if k in profiles else ("off" if info_fut["is_off_day"].iloc[j] else "work")
            if k not in profiles:
                continue
            share, _n = profiles[k]
            hd = rng.binomial(total[:, j][:, None], share[None, :])
            hours.append(pd.DataFrame({"date": day, "kind": kind, "hour": np.arange(24), "day_kind": k,
                                       **_quantiles(hd, levels)}))
    table = pd.concat(rows, ignore_index=True)
    hourly_out = (pd.concat(hours, ignore_index=True) if hours else
                  pd.DataFrame(columns=["date", "kind", "hour", "day_kind", "mean"]))
    notes = _notes(notes, info_fut, origin, last, hist_dates, n_sims, by_levels, region, lang)
    return Forecast(table, pd.DataFrame(sums), hourly_out, window, origin, levels, tuple(notes), fits)


def _notes(notes: list[str], info: pd.DataFrame, origin: dt.date, last: dt.date, hist: pd.DatetimeIndex,
           n_sims: int, by: tuple[str, ...], region: str, lang: str) -> list[str]:
    en = lang == "en"
    out = list(notes)
    if en:
        effects = ("official days off and make-up working days, lunar days around the Spring Festival, Qingming, "
                   "Dragon Boat, Mid-Autumn, New Year, Labour Day and National Day") if region == "CN" else "US holidays"
        out.append(f"model: a negative-binomial regression per series (trend, yearly season, weekday, {effects}) "
                   f"fitted on {hist[0].date()} to {hist[-1].date()} ({len(hist)} days); origin {origin} (no later "
                   "data used)")
        out.append(f"intervals: {n_sims} simulations, with parameter uncertainty and negative-binomial count noise "
                   "(overdispersion)")
    else:
        effects = "官方放假/调休状态、春节前后逐日农历效应、清明端午中秋及元旦五一国庆" if region == "CN" else "美国节假日"
        out.append(f"模型：逐序列负二项回归（趋势、年周期、星期、{effects}），"
                   f"用{hist[0].date()}至{hist[-1].date()}共{len(hist)}天数据，预测起点{origin}（其后数据不参与）")
        out.append(f"区间：{n_sims}次模拟，含参数不确定性与负二项计数波动（过度离散）")
    if by:
        out.append("categories and districts: each simulated total split by forecast proportions (top-down), so "
                   "they add up to the total" if en else
                   "分类/分区预测按每次模拟的合计数按比例分配（自上而下、预测比例法），各组之和等于合计")
    stat = info.index[info["calendar"] == "statutory"]
    if len(stat):
        out.append(f"official arrangement of {stat[0].year} not known: days off from {stat[0].date()} to "
                   f"{stat[-1].date()} from the statutory holidays and the lunar calendar, no make-up working days "
                   "(calendar=statutory)" if en else
                   f"{stat[0].year}年官方节假日安排未收录：{stat[0].date()}至{stat[-1].date()}的放假状态按法定假日与农历推算，"
                   "未计调休上班日（表中calendar=statutory）")
    gap = (origin - last).days - 1
    if gap > 0:
        out.append(f"data end on {last}, {gap} days before the origin" if en else
                   f"数据截至{last}，距预测起点{gap}天；此间不参与估计")
    if (info.index[-1].date() - origin).days > 365:
        out.append("the window ends more than a year after the origin: the trend's uncertainty is in the intervals"
                   if en else "预测期距起点超过一年，趋势外推的不确定性已计入区间")
    return out
