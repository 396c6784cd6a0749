"""Loading and writing: export files in, :class:`stats_lib.tables.Cleaned` out, and written to a folder.

:func:`load` cleans export files, :func:`load_data` also accepts a cleaned folder, and
:func:`write_cleaned` writes ``daily.parquet``, ``hourly.parquet``, ``ledger.json`` and ``rejects.csv``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from stats_lib.clean.egress import apply_egress
from stats_lib.clean.engine import DEFAULT_ENGINE, get_engine
from stats_lib.clean.ledger import ALLOW_EMPTY_HINT, check_kept
from stats_lib.clean.records import merged_records
from stats_lib.clean.rules import default_as_of
from stats_lib.clean.spark_plan import is_uri
from stats_lib.errors import InputError, ParameterError
from stats_lib.gaps import find_gaps
from stats_lib.ingest.schema import Schema, load_schema
from stats_lib.ingest.sheets import name_sheets
from stats_lib.safe import write_csv
from stats_lib.tables import Cleaned, is_cleaned_dir, normalise_daily, normalise_hourly, read_cleaned
from stats_lib.windows import as_date

__all__ = ["load", "load_data", "write_cleaned"]


def _expand(paths: str | Path | Sequence[str | Path], uris: bool = False, tables: Sequence[str] = ()
            ) -> list[Path | str]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = [p if uris and is_uri(str(p)) else Path(p) for p in paths]
    if not files and not tables:
        raise InputError("no input files given")
    for p in files:
        if isinstance(p, str):  # a URI (hdfs://, s3a:// …): Spark reads it
            continue
        if not p.exists():
            raise InputError(f"{p}: file not found")
        if p.is_dir():
            raise InputError(f"{p}: is a folder, expected export files (or a cleaned folder with daily.parquet)")
    seen: dict[tuple[int, int], Path] = {}
    for p in files:
        if isinstance(p, Path):
            st = p.stat()
            if (st.st_dev, st.st_ino) in seen:  # the same file under two names (./x and x, a link): counted twice
                raise InputError(f"{p}: the same file as {seen[(st.st_dev, st.st_ino)]}, given twice; give it once")
            seen[(st.st_dev, st.st_ino)] = p
    return files



def load(paths: str | Path | Sequence[str | Path], schema: str | Path | dict | Schema | None = None,
         as_of: str | dt.date | None = None, dedupe: str | None = None, engine: str = DEFAULT_ENGINE,
         allow_empty: bool = False, tables: Sequence[str] = ()) -> Cleaned:
    """Clean one or more exports into the canonical tables.

    Parameters
    ----------
    paths : export files (CSV, TSV, ``.csv.gz``, Excel, Parquet), for example one per month. Files of
        different kinds (incidents and cases) may be cleaned together; the kind of each file comes from
        the schema's ``kind:``/``kind_column:`` or its headers.
    schema
        Path of a schema YAML, a dict with its keys, or None (everything detected).
    as_of
        Dates after this day are rejected as ``future_date`` (default: today, Asia/Shanghai).
    dedupe : ``"exact"`` also drops exact duplicate rows of files without an id column
        (otherwise they are counted in the ledger and kept); ``"none"`` removes nothing, not even
        by id (for an id column that does not identify records, :mod:`stats_lib.clean.ids`).
    engine : the cleaning engine, a name of :data:`stats_lib.clean.engine.ENGINES` (``"duckdb"``, the
        default, embedded) or ``"spark"`` (:mod:`stats_lib.clean.engine_spark`; ``pip install
        'stats-lib[spark]'`` and Java 17), which also reads paths such as ``hdfs://`` and ``s3a://``.
        Every engine gives the same result (:mod:`stats_lib.clean.engine`).
    tables : with ``engine="spark"`` only: tables of the Spark catalog (``db.table``, for example a Hive
        metastore), cleaned after ``paths`` with the same schema (column names as for files).
    allow_empty : when False (the default) a run that keeps no row, or rejects more than half of the
        rows for one reason, raises InputError (:func:`stats_lib.clean.ledger.check_kept`); when True
        it returns, with the message under ``ledger["warning"]``.

    Returns
    -------
    Cleaned
        The daily and hourly tables, the ledger and the rejects.
        ``daily`` (date, kind, category, subcategory, district, count), ``hourly`` (date, hour, kind,
        category, district, count; None without record-level times), ``ledger`` (dict, see
        :func:`ledger_summary`; ``gaps``, when there are some, lists the runs of days without any record
        inside the date range, :func:`stats_lib.gaps.find_gaps`) and ``rejects`` (file, line, reason and the raw values of the
        non-sensitive columns: id, time, hour, category, subcategory, district, count).

    Raises
    ------
    InputError
        Unreadable or empty file, missing required column, no data rows, no row kept or most rows
        rejected for one reason (unless ``allow_empty``). SchemaError for a bad schema.
    ParameterError
        An unknown ``engine`` or ``dedupe``, an ``as_of`` that is not a date.
    """
    out = _load(paths, schema, as_of, dedupe, engine, tables)
    gaps = find_gaps(out.daily) if out.ledger.get("date_min") else ()
    if gaps:  # recorded only when there are some (a ledger without ``gaps`` has none)
        out = replace(out, ledger={**out.ledger, "gaps": [g.to_json() for g in gaps]})
    problem = check_kept(out.ledger, out.rejects)
    if problem is None:
        return out
    if not allow_empty:
        raise InputError(problem)
    warning = problem.replace(f" {ALLOW_EMPTY_HINT}", "")     # it was passed
    return Cleaned(daily=out.daily, hourly=out.hourly, ledger={**out.ledger, "warning": warning}, rejects=out.rejects)


def _load(paths: str | Path | Sequence[str | Path], schema: str | Path | dict | Schema | None,
          as_of: str | dt.date | None, dedupe: str | None, engine: str, tables: Sequence[str]) -> Cleaned:
    if tables and engine != "spark":
        raise ParameterError(f"tables: reading a table needs engine='spark', got engine={engine!r}")
    files = _expand(paths, uris=engine == "spark", tables=tables)
    sch = load_schema(schema)
    as_of_date = default_as_of() if as_of is None else _as_date(as_of)
    if dedupe not in (None, "exact", "none"):
        raise ParameterError(f"dedupe: expected 'exact', 'none' or nothing, got {dedupe!r}")
    run = get_engine(engine)
    out = run(files, sch, as_of_date, dedupe, tables=list(tables)) if tables else run(files, sch, as_of_date, dedupe)
    _check_merged_records(out)
    # rejected rows of a workbook read sheet by sheet name their sheet and row (stats_lib.ingest.sheets)
    out = replace(out, rejects=name_sheets(out.rejects, out.ledger.get("files", [])))
    return apply_egress(out)


def _check_merged_records(cleaned: Cleaned) -> None:
    """Stop when a category, subcategory or district value holds whole records (records.merged_records)."""
    ledger = cleaned.ledger
    columns = {"category": list((ledger.get("unmapped_categories") or {}).keys())}
    for role in ("subcategory", "district"):
        columns[role] = list(cleaned.daily[role].drop_duplicates()) if role in cleaned.daily else []
    for role, values in columns.items():
        found = merged_records(values)
        if found is None:
            continue
        files = ledger.get("files") or []
        where = str(files[0].get("path")) if len(files) == 1 else f"one of the {len(files)} input files"
        header = (files[0].get("columns") or {}).get(role, role) if len(files) == 1 else role
        raise InputError(f"{where}: a value of column '{header}' holds what reads as whole records (dates between "
                         "field separators): a double quote opened by mistake and closed rows later joins those "
                         "rows into one field, and they would be lost; fix the quotes in the file")


def _as_date(value: str | dt.date) -> dt.date:

    return as_date(value, what="as_of")


def load_data(paths: str | Path | Sequence[str | Path], schema: str | Path | dict | Schema | None = None,
              as_of: str | dt.date | None = None) -> Cleaned:
    """Load a cleaned folder (written by ``briefing clean``) or clean raw exports.

    Parameters
    ----------
    paths
        One cleaned folder (holding ``daily.parquet``), or raw export files for :func:`load`.
    schema
        Schema for raw exports (a YAML path, a dict or a :class:`Schema`); None detects the columns.
    as_of
        The as-of date of raw exports (later dates are rejected as future); None is today in Asia/Shanghai.

    Returns
    -------
    Cleaned
        The daily and hourly tables, the ledger and the rejects.

    Raises
    ------
    stats_lib.errors.InputError
        A cleaned folder given together with raw export files.
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    cleaned = [p for p in items if is_cleaned_dir(p)]
    if cleaned:
        if len(items) > 1:
            raise InputError(f"{cleaned[0]}: give either one cleaned folder or raw export files, not both")
        return read_cleaned(cleaned[0])
    return load(items, schema=schema, as_of=as_of)



def _parquet(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    i = table.schema.get_field_index("date")
    table = table.set_column(i, pa.field("date", pa.date32()), table.column("date").cast(pa.date32()))
    pq.write_table(table, path)


def write_cleaned(cleaned: Cleaned, out_dir: str | Path) -> None:
    """Write ``daily.parquet``, ``hourly.parquet`` (record-level input only), ``ledger.json`` and ``rejects.csv``.

    Every file is written to a temporary name in ``out_dir`` first and renamed when all are written,
    so a failure leaves the previous outputs in place. ``date`` is stored as a Parquet ``date32``.
    ``rejects.csv`` is UTF-8 with a BOM (Excel reads it) and cells a spreadsheet would run as a
    formula are prefixed with ``'``. A stale ``hourly.parquet`` is removed when there is no hourly table.

    Parameters
    ----------
    cleaned
        The result of :func:`load`.
    out_dir
        The output folder (created when missing).

    Raises
    ------
    InputError
        The folder cannot be created.
    OSError
        A file cannot be written (the earlier outputs stay as they were).
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    staged: list[tuple[Path, Path]] = []
    try:
        def stage(name: str) -> Path:
            tmp = out / f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"  # normal permissions, unlike mkstemp
            staged.append((tmp, out / name))
            return tmp

        _parquet(normalise_daily(cleaned.daily), stage("daily.parquet"))
        if cleaned.hourly is not None:
            _parquet(normalise_hourly(cleaned.hourly), stage("hourly.parquet"))
        stage("ledger.json").write_text(json.dumps(cleaned.ledger, ensure_ascii=False, indent=2, default=str) + "\n",
                                        "utf-8")
        write_csv(cleaned.rejects, stage("rejects.csv"))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    if cleaned.hourly is None:
        (out / "hourly.parquet").unlink(missing_ok=True)


