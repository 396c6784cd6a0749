"""Clean: parse, reject, de-duplicate and aggregate raw rows into the canonical tables, with a ledger.

In: export files (read by :mod:`stats_lib.ingest`), a schema and an as-of date. Out: :class:`stats_lib.tables.Cleaned`
(the daily and hourly tables, the ledger that accounts for every input row, and the rejected rows), written
with :func:`write_cleaned` as ``daily.parquet``, ``hourly.parquet``, ``ledger.json`` and ``rejects.csv``.

Modules, in the order the data goes through them:

- ``rules`` — the parsing rules, applied to distinct values (dates, hours, counts, districts, kinds, duplicates);
- ``shape`` — one file as read -> canonical raw rows (record, long and wide shapes, 合计 checks);
- ``engine`` — the engine interface (what goes in, what comes out) and the registry of engines;
- ``engine_duckdb`` — the DuckDB engine, with ``duckdb_plan`` (what DuckDB reads itself), ``duckdb_rows``
  (the SQL of the rows), ``duckdb_scan`` (the two scans) and ``duckdb_result`` (tables, ledger, rejects);
- ``engine_spark`` — the Spark engine, with ``spark_session`` (the session), ``spark_plan`` (what Spark
  reads) and ``spark_assemble`` (the driver half: tables, ledger, rejects);
- ``ledger`` — the ledger's settings block and its summary in words;
- ``api`` — :func:`load`, :func:`load_data`, :func:`write_cleaned`.
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
