"""The cleaning engine: the one interface between shaping and the cleaned tables.

An engine turns export files into :class:`stats_lib.tables.Cleaned`. The parsing rules
(:mod:`stats_lib.clean.rules`) and the shaping (:mod:`stats_lib.clean.shape`) are not the engine's:
an engine calls them; it never writes a rule again.

What goes in
    ``files`` (a list of paths, in the order the user gave them; ``fi``, a file's index in it, names it
    in the rows), ``schema`` (a validated :class:`stats_lib.ingest.schema.Schema`), ``as_of`` (a date;
    later dates are rejected as ``future_date``) and ``dedupe`` (``"exact"`` or None).

What the engine does
    1. **Rows.** Each file becomes canonical raw rows, the columns of
       :class:`stats_lib.clean.shape.FilePart` (``fi``, ``line``, ``kind``, ``id``, ``ts``, ``has_time``,
       ``cat``, ``sub``, ``dist``, ``count``, ``reason``, ``hash`` and the normalisation flags).
       :func:`stats_lib.clean.shape.shape_files` gives them for any input, as pandas frames. An engine
       may read record-level CSV or Parquet itself (DuckDB and Spark read them out of core), on the
       condition that it gives the same rows: it applies :func:`~stats_lib.clean.rules.parse_times`,
       :func:`~stats_lib.clean.rules.clean_districts`, :func:`~stats_lib.clean.rules.kind_values`,
       :func:`~stats_lib.ingest.taxonomy.map_categories` and
       :func:`~stats_lib.ingest.taxonomy.normalise_values` to the *distinct* values it collects, and
       falls back to the shaped rows for anything it does not read itself.
    2. **Reject**: a row with a reason (``missing_date``, ``bad_date``, ``future_date``, ``masked_count``,
       ``bad_count``: :data:`stats_lib.clean.rules.REASONS`) is counted in the ledger and listed in the
       rejects, never in a table.
    3. **De-duplicate** with :func:`stats_lib.clean.rules.duplicate_flags` (first occurrence in file order).
    4. **Aggregate**: the statistical day (:func:`stats_lib.clean.rules.statistical_day`, the schema's
       ``day_start``), categories mapped per kind, and the sums of ``count``.
    5. **Count the ledger** (its keys and their order: :mod:`stats_lib.clean.ledger`).

What comes out
    :class:`stats_lib.tables.Cleaned`: ``daily`` (date datetime64[ns], kind, category, subcategory,
    district, count int64 > 0; sorted by its keys), ``hourly`` (date, hour 0-23, kind, category,
    district, count; from record-level rows with a time of day only, None when there are none),
    ``ledger`` (dict, as :func:`stats_lib.clean.ledger.ledger_settings` and the engine's counts give it)
    and ``rejects`` (file, line, reason and the raw values of the mapped non-sensitive columns:
    :data:`stats_lib.clean.shape.RAW_COLUMNS`). For one input every engine gives the same four
    results, except the ledger's ``engine`` (the engine's name).

Engines: ``duckdb`` (:mod:`stats_lib.clean.engine_duckdb`, the default, embedded) and ``spark``
(:mod:`stats_lib.clean.engine_spark`, for provincial platforms: Spark reads the files and catalog tables,
``tables=`` keyword; needs the ``spark`` extra and Java). A new engine is a module with a function of the
:class:`Engine` signature, added to :data:`ENGINES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from stats_lib.clean import engine_duckdb, engine_spark
from stats_lib.errors import ParameterError
from stats_lib.ingest.schema import Schema
from stats_lib.tables import Cleaned

__all__ = ["Engine", "ENGINES", "DEFAULT_ENGINE", "get_engine"]


class Engine(Protocol):
    """A cleaning engine: files, schema, as-of date and de-duplication in; the cleaned tables out."""

    def __call__(self, files: Sequence[str | Path], schema: Schema, as_of: dt.date, dedupe: str | None
                 ) -> Cleaned: ...


#: The engines by name.
ENGINES: dict[str, Engine] = {"duckdb": engine_duckdb.clean, "spark": engine_spark.clean}
DEFAULT_ENGINE = "duckdb"


def get_engine(name: str) -> Engine:
    """The engine called ``name``.

    Parameters
    ----------
    name
        A key of :data:`ENGINES` (``"duckdb"``).

    Returns
    -------
    Engine
        Its cleaning function (files, schema, as-of date, dedupe in; a Cleaned out).

    Raises
    ------
    ParameterError
        An unknown name.
    """
    if name not in ENGINES:
        raise ParameterError(f"engine: expected {' or '.join(ENGINES)}, got {name!r}")
    return ENGINES[name]
