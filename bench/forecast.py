"""Benchmark the forecast: fit + forecast time of every series (total, each category, each district) of the sample.

Usage::

    python bench/forecast.py [--data reports/.sample-cleaned] [--start 2027-02-05 --end 2027-02-20] [--sims 1000]

Cleans the committed sample into a temporary folder when ``--data`` is not given (or is missing). For each kind
(警情, 案件) and each series it times, in this process, the fit (``forecast_model.fit_series``: the Poisson and
negative-binomial GLMs) and the forecast of the window (``draw_rates`` + ``draw_counts``, ``--sims`` paths), then
times one whole ``stats_lib.forecast(...)`` call (every series, reconciliation, hours) and prints a table.
BLAS runs on one thread (as inside ``forecast``). The figures are wall times on whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]


def _cleaned(path: str | None) -> Path:
    from stats_lib.clean import load, write_cleaned

    if path and (Path(path) / "daily.parquet").is_file():
        return Path(path)
    out = Path(tempfile.mkdtemp(prefix="bench-forecast-")) / "cleaned"
    files = sorted((ROOT / "data" / "sample").glob("incidents_*.csv.gz")) + \
        sorted((ROOT / "data" / "sample").glob("cases_*.csv.gz"))
    write_cleaned(load([str(f) for f in files], as_of="2024-12-31"), out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "reports" / ".sample-cleaned"))
    ap.add_argument("--start", default="2027-02-05")
    ap.add_argument("--end", default="2027-02-20")
    ap.add_argument("--sims", type=int, default=1000)
    args = ap.parse_args(argv)

    import statsmodels.api  # noqa: F401  (imported once before timing: about 1-2 s, not part of a fit)

    import stats_lib
    from stats_lib.stats.forecast_features import design
    from stats_lib.stats.forecast_model import draw_counts, draw_rates, fit_series
    from stats_lib.tables import read_cleaned

    c = read_cleaned(_cleaned(args.data))
    daily = c.daily
    origin = daily["date"].max().date() + dt.timedelta(days=1)
    h0 = max(daily["date"].min().date(), origin - dt.timedelta(days=round(365.25 * 4)))
    t = time.perf_counter()
    days = design(h0, dt.date.fromisoformat(args.end), origin)
    t_design = time.perf_counter() - t
    hist = pd.date_range(h0, origin - dt.timedelta(days=1), freq="D")
    X_hist, X_fut = days.X.loc[hist], days.X.loc[pd.Timestamp(args.start):]
    rng = np.random.default_rng(0)
    rows = []
    with threadpool_limits(limits=1, user_api="blas"):
        for kind in sorted(daily["kind"].unique()):
            dk = daily[daily["kind"] == kind]
            series = {("total", "合计"): dk.groupby("date")["count"].sum()}
            for level in ("category", "district"):
                for g, s in dk.groupby(level):
                    series[(level, g or "''")] = s.groupby("date")["count"].sum()
            for (level, g), s in series.items():
                y = s.reindex(hist, fill_value=0).to_numpy()
                t = time.perf_counter()
                fit = fit_series(y, X_hist)
                t_fit = time.perf_counter() - t
                t = time.perf_counter()
                draw_counts(draw_rates(fit, X_fut, args.sims, rng), fit.alpha, rng)
                t_fc = time.perf_counter() - t
                rows.append({"kind": kind, "level": level, "group": g, "days": len(y), "mean/day": y.mean(),
                             "fit_s": t_fit, "forecast_s": t_fc})
        t = time.perf_counter()
        stats_lib.forecast(c, args.start, args.end, n_sims=args.sims)
        t_all = time.perf_counter() - t
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 160)
    print(f"python {sys.version.split()[0]}, {platform.machine()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; "
          f"history {hist[0].date()}..{hist[-1].date()} ({len(hist)} days), window {args.start}..{args.end}, "
          f"{args.sims} simulations")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\ndesign matrix (all days): {t_design:.2f} s; {len(table)} series: fit {table['fit_s'].sum():.2f} s, "
          f"forecast {table['forecast_s'].sum():.2f} s, median fit per series {table['fit_s'].median():.3f} s")
    print(f"whole stats_lib.forecast(...) (both kinds, by category and district, reconciled, hours): {t_all:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
