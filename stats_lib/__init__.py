"""stats_lib: incident and case statistics for public-security situation briefings.

Stages, one module each: clean (exports -> daily table), calendar (holidays, periods, baselines),
compare (honest comparisons, anomalies, narrative), charts, render (the briefing).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["load", "compare", "render", "__version__"]


def __getattr__(name: str):
    # Lazy re-exports keep `import stats_lib` fast and free of side effects.
    if name == "load":
        from .clean import load

        return load
    if name == "compare":
        from .compare import compare

        return compare
    if name == "render":
        from .render import render

        return render
    raise AttributeError(f"module 'stats_lib' has no attribute {name!r}")
