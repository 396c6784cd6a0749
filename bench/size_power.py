"""Size and power of the comparison test under overdispersion, by simulation.

Usage::

    python bench/size_power.py [--sims 20000] [--phi 1.6] [--seed 2024]

Each simulated series is a year of daily counts before the window (mean 30 a day with a weekday
pattern and a slow trend), negative-binomial with ``Var = phi * mu``; the current and the baseline
windows are 16 days each (the baseline one year before, at the same expected rate). The test is the one
``compare`` applies: ``phi`` estimated from the history's daily model
(:func:`stats_lib.stats.overdispersion.estimate_overdispersion`), then the quasi-Poisson exact test
(:func:`stats_lib.stats.ratetest.rate_test`). Printed: the share of p < 0.05 with no change (size),
and with the current rate changed by -5%, -10% and -20% (power), beside the plain Poisson test (phi = 1)
on the same counts. ``tests/test_overdispersion.py`` runs the same simulation with fewer series.
"""

from __future__ import annotations

import argparse

import numpy as np

from stats_lib.stats.overdispersion import estimate_overdispersion
from stats_lib.stats.ratetest import rate_test

HISTORY = 365
WINDOW = 16
MEAN = 30.0
WEEKDAY = np.array([1.0, 0.95, 0.95, 1.0, 1.1, 1.2, 1.15])


def _nb(rng: np.random.Generator, mu: np.ndarray, phi: float) -> np.ndarray:
    if phi <= 1:
        return rng.poisson(mu)
    return rng.negative_binomial(mu / (phi - 1), 1 / phi)


def simulate(sims: int, phi: float, change: float, seed: int) -> dict[str, float]:
    """Share of simulated comparisons with p < 0.05: ``{"quasi": ..., "poisson": ..., "phi_mean": ...}``.

    ``change`` is the relative change of the current window's rate (0 for the size).
    """
    rng = np.random.default_rng(seed)
    days = np.arange(HISTORY)
    wd = days % 7
    X = np.column_stack([np.ones(HISTORY), *[(wd == k).astype(float) for k in range(1, 7)], days / 365.0])
    mu_hist = MEAN * WEEKDAY[wd] * (1 - 0.03 * days / 365.0)
    mu_win = MEAN * WEEKDAY[np.arange(WINDOW) % 7]
    a = np.empty(sims)
    b = np.empty(sims)
    phis = np.empty(sims)
    for i in range(sims):
        y = _nb(rng, mu_hist, phi)
        phis[i] = estimate_overdispersion(y, X).phi
        b[i] = _nb(rng, mu_win, phi).sum()
        a[i] = _nb(rng, mu_win * (1 + change), phi).sum()
    quasi = rate_test(a, b, WINDOW, WINDOW, dispersion=phis).p_value
    plain = rate_test(a, b, WINDOW, WINDOW).p_value
    return {"quasi": float((quasi < 0.05).mean()), "poisson": float((plain < 0.05).mean()),
            "phi_mean": float(phis.mean())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sims", type=int, default=20000)
    ap.add_argument("--phi", type=float, default=1.6)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    print(f"{args.sims} series per row, true phi = {args.phi}, windows of {WINDOW} days at {MEAN:g} a day")
    print(f"{'change':>8} {'quasi-Poisson':>14} {'plain Poisson':>14} {'mean phi':>9}")
    for change in (0.0, -0.05, -0.10, -0.20):
        r = simulate(args.sims, args.phi, change, args.seed)
        label = "size" if change == 0 else f"{change:+.0%}"
        print(f"{label:>8} {r['quasi']:>14.4f} {r['poisson']:>14.4f} {r['phi_mean']:>9.3f}")


if __name__ == "__main__":
    main()
