"""stats_lib: incident and case statistics for public-security situation briefings.

The pipeline, one sub-package per stage, each importing only the stages before it:
ingest (files, schema, taxonomy) -> clean (rules, one engine, ledger) -> tables (the canonical daily and hourly
tables) -> calendar (lunar festivals, official arrangements, periods, baselines) -> stats (comparisons,
anomalies) -> report (words, narrative, charts, sections) -> briefing (parameters, render, exports) -> cli.
"""

from __future__ import annotations

from stats_lib.version import __version__

__all__ = ["load", "compare", "forecast", "render", "__version__"]


def __getattr__(name: str):
    # Lazy re-exports keep `import stats_lib` fast and free of side effects.
    if name == "load":
        from stats_lib.clean import load

        return load
    if name == "compare":
        from stats_lib.stats.compare import compare

        return compare
    if name == "forecast":
        from stats_lib.stats.forecast import forecast

        return forecast
    if name == "render":
        from stats_lib.briefing.render import render

        return render
    raise AttributeError(f"module 'stats_lib' has no attribute {name!r}")
