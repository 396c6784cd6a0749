"""The plan of a record-level file that an engine reads itself, the same for every engine.

In: a file's (or table's) name and headers and the schema. Out: the column mapping, the kind and the file's
ledger entry; or :class:`NotRecords` when the file needs shaping first (a long or wide table, an hour,
address, count or year column), so that the DuckDB and Spark engines hand the same files to
:mod:`stats_lib.clean.shape`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from stats_lib.clean.display import show_headers
from stats_lib.clean.shape import detect_shape
from stats_lib.clean.tablecheck import check_records
from stats_lib.errors import InputError
from stats_lib.ingest.columns import detect_kind, map_columns
from stats_lib.ingest.schema import AUTO_COLUMNS, Schema, is_sensitive

__all__ = ["NotRecords", "record_plan", "merged_records"]


class NotRecords(Exception):
    """The file is not a plain record file: the message says why (``a 'year' column``, ``a wide table``)."""


def record_plan(name: str, headers: list[str], schema: Schema, encoding: str | None,
                notes: list[str]) -> tuple[dict, str | None, dict]:
    """Map the columns of a record-level file and start its ledger entry.

    Parameters
    ----------
    name
        The file's path or URI, or the table's name (in messages and the ledger).
    headers
        Its column names.
    schema
        The cleaning schema.
    encoding
        The text encoding (None for Parquet and tables).
    notes
        Notes for the ledger entry.

    Returns
    -------
    (cols, kind, info)
        ``cols`` role -> header; ``kind`` 警情/案件, or None when a ``kind`` column gives it per row; ``info``
        the file's ledger entry (``path``, ``sha256`` left empty, ``encoding``, ``shape``, ``columns``,
        ``time_column``, ``sensitive_columns_dropped``, ``notes``, ``kind``).

    Raises
    ------
    NotRecords
        The file must be shaped first (a year/month/day date, a long or wide table, an hour, address or
        count column).
    InputError
        No date/time column; a table of counts read as records (:func:`stats_lib.clean.tablecheck.check_records`).
    """
    cols = map_columns(headers, schema, name)
    if "year" in cols:  # year/month/day columns are joined into a date when the file is shaped
        raise NotRecords("a 'year' column")
    if "time" not in cols:
        expected = ", ".join(AUTO_COLUMNS["time"][:8])
        raise InputError(f"{name}: no date/time column found (expected one of {expected} …, or 'columns: time:' "
                         f"in the schema); columns found: {show_headers(headers)}")
    shape = detect_shape(headers, cols, schema, [])
    if shape != "records":
        raise NotRecords(f"a {shape} table")
    check_records(name, headers, cols, schema)
    for role in ("hour", "address", "count"):
        if role in cols:
            raise NotRecords(f"a '{role}' column")
    used = set(cols.values())
    info = {"path": name, "sha256": "", "encoding": encoding, "shape": shape, "sheet": None,
            "columns": {k: v for k, v in cols.items() if k != "date_only"}, "time_column": cols["time"],
            "sensitive_columns_dropped": [h for h in headers if is_sensitive(h) and h not in used],
            "notes": list(notes)}
    kind = None if "kind" in cols else detect_kind(headers, schema)
    info["kind"] = kind or f"column {cols['kind']}"
    return cols, kind, info


_DATE_BETWEEN_SEPARATORS = re.compile(r"[,\t;|][^,\t;|]*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}[^,\t;|]*[,\t;|]")


def merged_records(values: Sequence[object]) -> str | None:
    """The first value that holds other records: a date between two field separators (``,``, tab, ``;``,
    ``|``), what a double quote opened by mistake and closed rows later makes of the records between (they are
    read as one field of one record, line breaks and all, and lost); None when there is none.

    Parameters
    ----------
    values : sequence
        Distinct values of a column read as text (a category, subcategory or district), before or after
        white space was normalised.

    Returns
    -------
    str or None
        The offending value (for the caller to describe, never to show: it holds whole records).
    """
    for v in values:
        if isinstance(v, str) and _DATE_BETWEEN_SEPARATORS.search(v):
            return v
    return None
