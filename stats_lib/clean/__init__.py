"""Clean: parse, reject, de-duplicate and aggregate raw rows into the canonical tables, with a ledger.

In: export files (read by :mod:`stats_lib.ingest`), a schema and an as-of date. Out: :class:`stats_lib.tables.Cleaned`
(the daily and hourly tables, the ledger that accounts for every input row, and the rejected rows), written
with :func:`write_cleaned` as ``daily.parquet``, ``hourly.parquet``, ``ledger.json`` and ``rejects.csv``.
"""

from stats_lib.clean.cleaner import ledger_summary, load, load_data, write_cleaned

__all__ = ["load", "load_data", "write_cleaned", "ledger_summary"]
