"""The DuckDB engine: export files in, the cleaned tables out (:mod:`stats_lib.clean.engine` is its interface).

:func:`clean` works in four steps, each in its own module:

1. **Rows** (:mod:`stats_lib.clean.duckdb_plan`, :mod:`stats_lib.clean.duckdb_rows`). Record-level CSV, TSV, ``.csv.gz`` and Parquet files
   are planned as the readers of :mod:`stats_lib.ingest` see them (encoding, delimiter, title rows,
   header) and read by DuckDB itself: only the needed columns; gzip and non-UTF-8 files transcoded in
   a stream; CSV parsed once, in parallel, into a narrow columnar table (spilled to disk past the
   memory limit); Parquet read in place. Any other input (Excel, long or wide tables, an ``hour:`` or
   ``address:`` column, blank lines or ragged rows, a file that does not stream) is read and shaped by
   :func:`stats_lib.clean.shape.shape_files` and handed to DuckDB as a table of canonical raw rows.
2. **Scan 1** (:func:`stats_lib.clean.duckdb_scan.scan_values`, one pass): the distinct (file, kind,
   category, subcategory, district) values, the distinct time values SQL did not parse, and the ids
   that occur more than once. The parsing rules of :mod:`stats_lib.clean.rules` and the taxonomy are
   applied in Python to these distinct values only; the mappings go back to DuckDB as small tables.
3. **Scan 2** (:func:`stats_lib.clean.duckdb_scan.scan_aggregates`, ``GROUPING SETS`` on 64-bit keys
   of the raw values): the daily and hourly counts of the kept rows and the ledger counts, plus —
   materialised because they are few — the rejected rows and the rows whose id repeats.
4. **Result** (:func:`stats_lib.clean.duckdb_result.assemble`): repeated ids resolved with
   :func:`stats_lib.clean.rules.duplicate_flags` (first occurrence kept), the tables and the ledger.

DuckDB runs with a memory limit (``STATS_LIB_DUCKDB_MEMORY``, default ``512MB``), all cores
(``STATS_LIB_DUCKDB_THREADS``) and a temporary folder to spill to, so memory stays flat as the input grows.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from stats_lib.clean.duckdb_plan import (
    Unsupported,
    digest,
    is_parquet,
    is_text,
    plan_parquet,
    plan_text,
    shaped_plan,
)
from stats_lib.clean.duckdb_result import assemble
from stats_lib.clean.duckdb_rows import load_csv, load_shaped, source_sql
from stats_lib.clean.duckdb_scan import (
    COMBO_KEYS,
    connect,
    ledger_aggregates,
    rows_apart,
    scan_aggregates,
    scan_values,
)
from stats_lib.clean.shape import FilePart, shape_files
from stats_lib.errors import StatsLibError
from stats_lib.ingest.schema import Schema
from stats_lib.tables import Cleaned

__all__ = ["clean"]


def clean(files: Sequence[str | Path], schema: Schema, as_of: dt.date, dedupe: str | None) -> Cleaned:
    """Clean export files with DuckDB (the engine interface of :mod:`stats_lib.clean.engine`).

    Record-level CSV, TSV, ``.csv.gz`` and Parquet files are read by DuckDB itself (out of core). Any
    other input — Excel, long or wide tables, an ``hour:`` or ``address:`` column, blank lines or ragged
    rows, a file that does not stream — is read by :mod:`stats_lib.ingest` and shaped into canonical raw
    rows by :func:`stats_lib.clean.shape.shape_files`, and those rows go through the same scans.

    Parameters
    ----------
    files
        Export files.
    schema
        A validated :class:`stats_lib.ingest.schema.Schema`.
    as_of
        Dates after this day are rejected as ``future_date``.
    dedupe
        ``"exact"`` also drops exact duplicate rows that have no id; None keeps them.

    Returns
    -------
    Cleaned
        See :func:`stats_lib.clean.load`; the ledger's ``engine`` is ``"duckdb"``.

    Raises
    ------
    InputError
        A file without a time column or data rows, a column named in the schema missing …
    StatsLibError
        DuckDB failed on input it had accepted.
    """
    paths = [Path(p) for p in files]
    try:
        return _run(paths, schema, as_of, dedupe, None)
    except Unsupported:
        return _run(paths, schema, as_of, dedupe, shape_files(paths, schema, as_of))


def _run(paths: list[Path], schema: Schema, as_of: dt.date, dedupe: str | None, parts: list[FilePart] | None
         ) -> Cleaned:
    """One run of the scans, on the files as DuckDB reads them (``parts`` None) or on shaped rows."""
    import duckdb

    if parts is None:
        for p in paths:
            if not (is_text(p) or is_parquet(p)) or not p.is_file():
                raise Unsupported(f"{p.name} is not a CSV or Parquet file")
    tmp = Path(tempfile.mkdtemp(prefix="stats_lib_duckdb_"))
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        if parts is None:
            plans = [(plan_parquet(i, p, schema) if is_parquet(p) else plan_text(i, p, schema, tmp))
                     for i, p in enumerate(paths)]
            # hashing (and looking for blank lines in CSV read in place) overlaps with the scans
            digests = [pool.submit(digest, f.path, f.read_path == f.path and f.fmt == "csv") for f in plans]
        else:
            plans, digests = [shaped_plan(i, p) for i, p in enumerate(parts)], []
        con = connect(tmp)
        try:
            if parts is None:
                bias = load_csv(con, plans, schema, as_of, set())
            else:
                load_shaped(con, parts)
                bias = [0] * len(plans)
            con.execute("CREATE TEMP VIEW src AS " + source_sql(plans, schema, bias, set()))
            maps = scan_values(con, schema, plans, as_of)
            if maps.blank_ids:  # files with an id column and rows without one: hash their rows too
                if any(plans[fi].fmt == "csv" for fi in maps.blank_ids):
                    load_csv(con, plans, schema, as_of, maps.blank_ids)
                con.execute("CREATE OR REPLACE TEMP VIEW src AS " + source_sql(plans, schema, bias, maps.blank_ids))
                maps.cand_hashes = con.execute(
                    "SELECT rh FROM src WHERE rh IS NOT NULL GROUP BY rh HAVING count(*) > 1").df()
            for name, frame in (("combos", maps.combos), ("tmap", maps.times), ("cand_ids", maps.cand_ids),
                                ("cand_hashes", maps.cand_hashes)):
                # DuckDB's own (small) tables, the build side of the joins
                con.register("_frame", frame)
                keys = COMBO_KEYS if name == "combos" else ""
                con.execute(f"CREATE TEMP TABLE {name} AS SELECT *{keys} FROM _frame")
                con.unregister("_frame")
            # the aggregates are grouped by these 64-bit keys of the raw values: check they are unique
            if con.execute("SELECT count(DISTINCT ck) = count(*) AND count(DISTINCT hk) = "
                           "count(DISTINCT (fi, kraw, cat, dist)) FROM combos").fetchone()[0] is not True:
                raise (Unsupported if parts is None else StatsLibError)("two distinct values share a 64-bit hash")
            scan_aggregates(con, schema, plans, as_of, maps)
            stats, one = ledger_aggregates(con), rows_apart(con)
            for f, pending in zip(plans, digests):
                done = pending.result()
                f.info["sha256"] = done.sha256
                if done.blank_lines:
                    raise Unsupported(f"{f.path.name} has blank lines")
            return assemble(con, stats, one, plans, schema, as_of, dedupe, parts)
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            if parts is not None:
                raise StatsLibError(f"{', '.join(str(p) for p in paths)}: the DuckDB engine failed "
                                    f"({str(exc).splitlines()[0][:200]})") from None
            # a malformed or oddly encoded file: the readers read and shape it, or name the problem
            raise Unsupported(f"DuckDB could not read the input ({str(exc).splitlines()[0][:200]})") from None
        except duckdb.Error as exc:
            raise StatsLibError(f"{', '.join(str(p) for p in paths)}: the DuckDB engine failed "
                                f"({str(exc).splitlines()[0][:200]})") from None
        finally:
            con.close()
    finally:
        pool.shutdown(wait=True)
        shutil.rmtree(tmp, ignore_errors=True)
