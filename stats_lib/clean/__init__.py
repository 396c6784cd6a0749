"""Clean: parse, reject, de-duplicate and aggregate raw rows into the canonical tables, with a ledger.

In: export files (read by :mod:`stats_lib.ingest`), a schema and an as-of date. Out: :class:`stats_lib.tables.Cleaned`
(the daily and hourly tables, the ledger that accounts for every input row, and the rejected rows), written
with :func:`write_cleaned` as ``daily.parquet``, ``hourly.parquet``, ``ledger.json`` and ``rejects.csv``.

Modules: ``rules`` (parsing rules applied to distinct values), ``shape`` (one file -> canonical raw rows),
``engine_pandas`` and ``engine_duckdb`` (raw rows -> tables and ledger counts), ``ledger`` (the ledger's
settings and its summary in words), ``api`` (load, load_data, write_cleaned).
"""

from stats_lib.clean.api import load, load_data, write_cleaned
from stats_lib.clean.ledger import ledger_summary
from stats_lib.clean.rules import (
    clean_districts,
    default_as_of,
    parse_counts,
    parse_hours,
    parse_times,
    statistical_day,
)

__all__ = ["load", "load_data", "write_cleaned", "ledger_summary", "parse_times", "parse_hours", "parse_counts",
           "statistical_day", "clean_districts", "default_as_of"]
