"""Backtest of :func:`stats_lib.stats.forecast.forecast` from past origins, beside two reference methods.

For each past festival in the data (region CN: 除夕 to 元宵 of each Spring Festival; region US: 24 December to
1 January), the forecast is re-run from an origin ``lead_days`` before the window (only data before the origin
are used) and compared with what happened. Two reference methods are computed the same way:

- ``seasonal_naive``: the same lunar days one lunar year earlier (region US, whose backtest window holds
  fixed-date holidays: the same dates), scaled by the ratio of the 28 days before the origin to the same 28
  days one year earlier;
- ``last_year_dates``: the count on the same calendar date one year earlier (29 February: 28 February).

Metrics per level (total, category, district) and method: MAE and bias (forecast - actual, counts per day and
group), MAPE (%, over days with a count above 0) and, for the model, the share of actual counts inside each
prediction interval (``cover80`` …).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stats_lib.calendar.lunar import festivals, shift_lunar_years
from stats_lib.errors import ParameterError
from stats_lib.stats.forecast import LEVELS, TOTAL, daily_input, forecast
from stats_lib.windows import Window

__all__ = ["Backtest", "backtest", "festival_windows", "METHODS"]

#: The methods compared, in order.
METHODS = ("model", "seasonal_naive", "last_year_dates")


@dataclass(frozen=True)
class Backtest:
    """Result of :func:`backtest`.

    Attributes
    ----------
    summary : DataFrame
        One row per (level, method): ``level``, ``method``, ``n`` (day-group values), ``mae``, ``mape`` (%),
        ``bias``, and ``cover{L}`` for each interval level (model rows only; NaN for the reference methods).
    detail : DataFrame
        One row per (window, date, level, group, method): ``window`` (first day), ``date``, ``level``,
        ``group``, ``method``, ``forecast``, ``actual``, ``lo{L}``/``hi{L}`` (model rows).
    windows : tuple[Window, ...]
        The windows backtested.
    """

    summary: pd.DataFrame
    detail: pd.DataFrame
    windows: tuple[Window, ...]


def festival_windows(first: dt.date, last: dt.date, *, region: str = "CN", lead_days: int = 14,
                     min_history: int = 365) -> list[Window]:
    """Past festival windows fully inside the data with ``min_history`` days before their origin.

    Region CN: 除夕 to 元宵 of each year; US: 24 December to 1 January. The window's last-year counterpart must
    be in the data too (the reference methods need it).

    Parameters
    ----------
    first, last : datetime.date
        First and last day of the data.
    region : {"CN", "US"}
        Which festival.
    lead_days : int
        Days from the forecast origin to the window's first day.
    min_history : int
        Days of data needed before the origin.

    Returns
    -------
    list of Window
        The windows, oldest first.
    """
    out = []
    for y in range(first.year, last.year + 2):
        if region == "CN":
            try:
                f = festivals(y)
            except Exception:  # outside the lunar calendar's years
                continue
            w = Window(f["除夕"], f["元宵"], name=f"{y}春节", slug=f"spring-festival-{y}")
        else:
            w = Window(dt.date(y - 1, 12, 24), dt.date(y, 1, 1), name=f"{y - 1}-{y} Christmas", slug=f"christmas-{y}")
        origin = w.start - dt.timedelta(days=lead_days)
        if (origin - first).days >= min_history and w.end <= last:
            out.append(w)
    return out


def _one_year_back(d: dt.date, region: str) -> dt.date:
    if region == "CN":
        return shift_lunar_years(d, 1)[0]
    return _calendar_back(d)  # US: the window's holidays (24 December - 1 January) have fixed dates


def _calendar_back(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def _wide(daily: pd.DataFrame, level: str) -> pd.DataFrame:
    if level == "total":
        return daily.groupby("date")["count"].sum().to_frame(TOTAL)
    return daily.groupby(["date", level])["count"].sum().unstack(fill_value=0)


def _references(wide: pd.DataFrame, w: Window, origin: dt.date, region: str) -> dict[str, pd.DataFrame]:
    days = pd.date_range(w.start, w.end, freq="D")
    full = wide.reindex(pd.date_range(wide.index.min(), wide.index.max(), freq="D"), fill_value=0)
    recent = pd.date_range(origin - dt.timedelta(28), origin - dt.timedelta(1), freq="D")
    before = pd.DatetimeIndex([pd.Timestamp(_one_year_back(d.date(), region)) for d in recent])
    both = before >= full.index.min()  # the ratio uses the days whose year-earlier day is in the data
    num, den = full.reindex(recent[both]).sum(), full.reindex(before[both]).sum()
    ratio = (num / den.where(den > 0)).fillna(1.0)
    lunar = full.reindex([pd.Timestamp(_one_year_back(d.date(), region)) for d in days]).fillna(0)
    cal = full.reindex([pd.Timestamp(_calendar_back(d.date())) for d in days]).fillna(0)
    lunar.index = cal.index = days
    return {"seasonal_naive": lunar * ratio, "last_year_dates": cal}


def backtest(data: object, *, kind: str | None = None, by: tuple[str, ...] = LEVELS, lead_days: int = 14,
             windows: list[Window] | None = None, levels: tuple[int, ...] = (80, 95), n_sims: int = 1000,
             seed: int = 0, region: str = "CN", arrangements: str | os.PathLike | None = None) -> Backtest:
    """Re-run the forecast from past origins and score it beside seasonal naive and last year's dates.

    Parameters
    ----------
    data : Cleaned, path or DataFrame
        As for :func:`stats_lib.stats.forecast.forecast`.
    kind : str, optional
        The kind to backtest (default 警情 when present, else the first kind).
    by : tuple of {'category', 'district'}
        Levels scored besides the total.
    lead_days : int
        Days from the origin to the window's first day (default 14).
    windows : list of Window, optional
        Windows to backtest (default :func:`festival_windows` of the data).
    levels : tuple of int
        Interval levels in percent whose coverage is scored.
    n_sims, seed : int
        Simulated paths and seed of each forecast (as for ``forecast``).
    region : {"CN", "US"}
        Holiday calendar of the design and of the default windows.
    arrangements : path, optional
        Official arrangements YAML (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    Backtest
        Scores by level and method (``summary``), every scored day (``detail``) and the windows.

    Raises
    ------
    ParameterError
        No window with enough history (a year before the origin); ``lead_days`` not 0-366.
    """
    if isinstance(lead_days, bool) or not isinstance(lead_days, int) or not 0 <= lead_days <= 366:
        raise ParameterError(f"lead_days: expected a whole number of days from 0 to 366, got {lead_days!r}")
    daily = daily_input(data).daily
    kinds = sorted(daily["kind"].unique())
    kind = kind if kind is not None else ("警情" if "警情" in kinds else kinds[0])
    if kind not in kinds:
        raise ParameterError(f"kind: {kind} is not in the data; expected one of {', '.join(kinds)}")
    daily = daily[daily["kind"] == kind]
    first, last = daily["date"].min().date(), daily["date"].max().date()
    wins = windows if windows is not None else festival_windows(first, last, region=region, lead_days=lead_days)
    if not wins:
        raise ParameterError(f"backtest: no festival window between {first} and {last} with a year "
                             f"of history before its origin ({lead_days} days before it)")
    parts = []
    for w in wins:
        origin = w.start - dt.timedelta(days=lead_days)
        fc = forecast(daily, w.start, w.end, as_of=origin, by=by, levels=levels, kinds=(kind,), n_sims=n_sims,
                      seed=seed, region=region, arrangements=arrangements).table
        for level in ("total", *by):
            wide = _wide(daily, level)
            days = pd.date_range(w.start, w.end, freq="D")
            actual = wide.reindex(days, fill_value=0)
            f = fc[fc["level"] == level].pivot(index="date", columns="group", values="mean")
            groups = [g for g in f.columns]
            actual = actual.reindex(columns=groups, fill_value=0)
            past = wide[wide.index < pd.Timestamp(origin)].reindex(columns=groups, fill_value=0)
            refs = _references(past, w, origin, region)
            for method, pred in [("model", f), *refs.items()]:
                pred = pred.reindex(index=days, columns=groups).fillna(0)
                long = pd.DataFrame({
                    "window": w.start, "date": np.repeat(days, len(groups)), "level": level,
                    "group": np.tile(groups, len(days)), "method": method,
                    "forecast": pred.to_numpy().ravel(), "actual": actual.to_numpy().ravel()})
                if method == "model":
                    for lv in levels:
                        for side in ("lo", "hi"):
                            v = fc[fc["level"] == level].pivot(index="date", columns="group", values=f"{side}{lv}")
                            long[f"{side}{lv}"] = v.reindex(index=days, columns=groups).to_numpy().ravel()
                parts.append(long)
    detail = pd.concat(parts, ignore_index=True)
    return Backtest(_summary(detail, levels), detail, tuple(wins))


def _summary(detail: pd.DataFrame, levels: tuple[int, ...]) -> pd.DataFrame:
    rows = []
    for (level, method), d in detail.groupby(["level", "method"], sort=False):
        err = d["forecast"] - d["actual"]
        pos = d["actual"] > 0
        row = {"level": level, "method": method, "n": len(d), "mae": float(err.abs().mean()),
               "mape": float((err[pos].abs() / d.loc[pos, "actual"]).mean() * 100), "bias": float(err.mean())}
        for lv in levels:
            row[f"cover{lv}"] = (float(((d[f"lo{lv}"] <= d["actual"]) & (d["actual"] <= d[f"hi{lv}"])).mean() * 100)
                                 if method == "model" else np.nan)
        rows.append(row)
    out = pd.DataFrame(rows)
    order = {m: i for i, m in enumerate(METHODS)}
    lv_order = {"total": 0, "category": 1, "district": 2}
    return out.sort_values(["level", "method"], key=lambda s: s.map(lv_order if s.name == "level" else order),
                           kind="stable").reset_index(drop=True)
