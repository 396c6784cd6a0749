"""The DuckDB engine's rows: the SQL of the view ``src``, one row per data row of every input file.

Its columns: ``fi``, ``line``, ``kraw`` (kind column or NULL), ``id`` (stripped), ``id_raw``, ``t_txt``
(time text), ``t_ts`` (typed time), ``t_raw``, ``f_full``/``f_day`` (the time parsed by SQL), ``cat``,
``sub``, ``dist``, ``rh`` (a hash of the whole row, for rows without an id), ``cnt`` (the count), and
``r0``, ``h0``, ``pf`` (reason, time of day and normalisation flags already known for shaped rows;
NULL for the rows DuckDB reads itself).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.clean.duckdb_plan import ReadPlan
from stats_lib.clean.rules import (
    DATE_YEARS,
)
from stats_lib.clean.shape import FilePart
from stats_lib.ingest.readers import (
    to_text,
)
from stats_lib.ingest.schema import Schema

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

__all__ = ["load_csv", "source_sql", "load_shaped"]

# The characters str.strip() removes (shape.shape_file strips ids with it).
_PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                  "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Forms SQL parses exactly as stats_lib.clean.parse_times does (length-guarded: see _fast_time).
_FULL_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


def _q(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# ----------------------------------------------------------------------------------------------
# SQL of one file: the canonical raw columns
# ----------------------------------------------------------------------------------------------


def _text_expr(f: ReadPlan, header: str) -> str:
    """SQL giving a column as the readers' text ('' when empty), as shape.shape_file sees it."""
    if f.fmt == "csv":
        return f"coalesce(c{f.headers.index(header)}, '')"
    t = f.col_types[header]
    col = _q(header)
    if t == "text":
        return f"coalesce(CAST({col} AS VARCHAR), '')"
    if t == "null":
        return "''"
    if t == "date":
        return f"coalesce(strftime({col}, '%Y-%m-%d'), '')"
    return f"coalesce(CAST({col} AS VARCHAR), '')"


def _strip_sql(expr: str) -> str:
    """SQL of ``expr.strip()`` as Python does it; the full trim runs only when an end is not plainly visible."""
    ends = " AND ".join(f"(ord({e}) BETWEEN 33 AND 126 OR ord({e}) > 12288)"
                        for e in (f"left({expr}, 1)", f"right({expr}, 1)"))
    return f"CASE WHEN {expr} = '' OR ({ends}) THEN {expr} ELSE trim({expr}, {_lit(_PY_WHITESPACE)}) END"


def _csv_source(f: ReadPlan) -> str:
    """SQL reading a CSV file's data rows as text columns ``c0``, ``c1`` … in file order."""
    columns = "{" + ", ".join(f"'c{j}': 'VARCHAR'" for j in range(f.csv_options["width"])) + "}"
    return (f"read_csv({_lit(str(f.read_path))}, columns={columns}, header=true, skip={f.csv_options['skip']}, "
            f"delim={_lit(f.csv_options['delim'])}, quote='\"', escape='\"', auto_detect=false)")


def _all_empty(columns: list[str], negate: bool = False) -> str:
    """SQL that is true when every one of ``columns`` (text expressions) is empty (``negate``: not all)."""
    test = "(" + " AND ".join(f"{e} = ''" for e in columns) + ")"
    return f"NOT {test}" if negate else test


def _read_columns(f: ReadPlan) -> list[str]:
    """The text expressions of the columns a CSV file's rows are read from (the mapped ones)."""
    return [_text_expr(f, h) for h in dict.fromkeys(f.cols.values())]


def _file_sql(f: ReadPlan, schema: Schema, with_hash: bool = True, every_column: bool = False) -> str:
    """SQL of one file: one row per data row with the canonical raw columns.

    Columns: ``fi``, ``line`` (as the pandas readers number it), ``kraw`` (kind column or NULL),
    ``id`` (stripped), ``id_raw``, ``t_txt`` (time text; NULL for a timestamp column), ``t_ts``
    (timestamp column), ``t_raw`` (time as the rejects file shows it), ``f_full``/``f_day`` (the
    time parsed by SQL, with or without a time of day), ``cat``, ``sub``, ``dist`` and ``rh`` (a hash
    of the whole row, for rows without an id).
    """
    c = f.cols

    def text(role: str) -> str:
        return _text_expr(f, c[role]) if role in c else "''"

    if f.fmt == "csv":
        src = _csv_source(f)
        line = "0"  # numbered from the row's place in the table it is stored in (see _run)
        all_cols = [f"coalesce(c{j}, '')" for j in range(f.csv_options["width"])]
        # blank rows are left out; checking every column makes DuckDB build every text of the file (free
        # text too), so without a row hash only the columns read decide, and a row empty in all of them
        # is left undecided (NULL) for load_csv to settle from the whole row
        nonblank = (_all_empty(all_cols, negate=True) if with_hash or every_column
                    else f"CASE WHEN NOT {_all_empty(_read_columns(f))} THEN true END")
    else:
        src = f"read_parquet({_lit(str(f.read_path))}, file_row_number=true, binary_as_string=true)"
        line = "file_row_number + 1"
        all_cols = [_text_expr(f, h) for h in f.headers]
        nonblank = "true"
    guard = _guard(schema)
    if f.typed_time:
        cast = f"CAST({_q(c['time'])} AS TIMESTAMP)"
        t_ts = f"CASE WHEN {cast} {guard} THEN {cast} END"
        t_txt = f"CASE WHEN {cast} IS NOT NULL AND NOT ({cast} {guard}) THEN CAST({cast} AS VARCHAR) END"
        t_raw = f"coalesce(CAST({cast} AS VARCHAR), '')"
    else:
        t_txt, t_ts, t_raw = text("time"), "CAST(NULL AS TIMESTAMP)", text("time")
    ident = _strip_sql(text("id")) if "id" in c else "''"
    kraw = f"CAST({text('kind')} AS VARCHAR)" if "kind" in c else "CAST(NULL AS VARCHAR)"
    ts, day = _fast_time("t_txt", schema)
    inner = (f"SELECT {line} AS line, {kraw} AS kraw, {ident} AS id, {text('id')} AS id_raw, {t_txt} AS t_txt, "
             f"{t_ts} AS t_ts, {t_raw} AS t_raw, {text('category')} AS cat, {text('subcategory')} AS sub, "
             f"{text('district')} AS dist, {nonblank} AS nonblank"
             + "".join(f", {e} AS _h{j}" for j, e in enumerate(all_cols) if with_hash) + f" FROM {src}")
    parsed = f"SELECT *, {ts} AS f_full0, {day} AS f_day0 FROM ({inner})"
    # a hash of the whole row, for rows without an id (exact duplicates); reading every column of a
    # Parquet file costs, so it is left out until a file shows rows without an id
    row_hash = (f"CASE WHEN id = '' THEN hash({', '.join(f'_h{j}' for j in range(len(all_cols)))}) END"
                if with_hash else "CAST(NULL AS UBIGINT)")
    return (f"SELECT {f.fi}::INTEGER AS fi, line::BIGINT AS line, nonblank, kraw, id, id_raw, t_txt, t_ts, t_raw, "
            f"CASE WHEN f_full0 {guard} THEN f_full0 END AS f_full, "
            f"CASE WHEN f_full0 IS NULL AND f_day0 {guard} THEN f_day0 END AS f_day, "
            f"cat, sub, dist, {row_hash} AS rh FROM ({parsed})")


_COLUMNS = "fi, line, kraw, id, id_raw, t_txt, t_ts, t_raw, f_full, f_day, cat, sub, dist, rh"
# Rows the engine reads itself count 1 each and get their reason, time of day and flags from the scans.
_READ_EXTRA = "1::BIGINT AS cnt, NULL::VARCHAR AS r0, NULL::BOOLEAN AS h0, NULL::TINYINT AS pf"


def load_csv(con: duckdb.DuckDBPyConnection, plans: list[ReadPlan], schema: Schema, as_of: dt.date,
             hashed: set[int], every_column: frozenset[int] = frozenset()) -> list[int]:
    """Parse the CSV files once, in parallel, into the table ``src_csv``; return each file's line bias.

    The table lives in a DuckDB database file in the temporary folder, so it is stored compressed,
    column by column (far smaller than an in-memory table spilled to disk). It is narrow: an id that is
    a canonical integer (``CAST(CAST(id AS BIGINT) AS VARCHAR) = id``, so it is rebuilt exactly) is stored
    as a BIGINT, far cheaper to compress than text; the stripped id only where stripping changed it, the time text only where SQL did not parse it or it is a
    future date, the whole-row hash only for files in ``hashed`` or without an id column. It keeps
    the file's row order, so ``rowid + bias[fi]`` is the line of a row in its file.

    Parameters
    ----------
    con
        A DuckDB connection.
    plans
        The files (only the CSV ones are loaded).
    schema
        A validated schema.
    as_of
        The as-of date (times after it keep their text, to be rejected in Python).
    hashed
        Files whose rows all get a whole-row hash.
    every_column
        Files whose blank rows are found by looking at every column. For the others only the columns
        read are looked at (building the text of every column, free text included, costs a fifth of
        the load); when a file has rows empty in all of those, it is loaded again this way.

    Returns
    -------
    list of int
        One per plan: the line bias of each CSV file (0 for the others).
    """
    con.execute("DROP TABLE IF EXISTS src_csv")
    limit = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    bias = [0] * len(plans)
    offset = 0
    for f in plans:
        if f.fmt != "csv":
            continue
        verb = "INSERT INTO src_csv " if any(g.fmt == "csv" and g.fi < f.fi for g in plans) \
            else "CREATE TABLE src_csv AS "
        con.execute(verb + f"""
            SELECT fi, nonblank, kraw,
                   CASE WHEN CAST(TRY_CAST(id_raw AS BIGINT) AS VARCHAR) = id_raw THEN TRY_CAST(id_raw AS BIGINT)
                   END AS id_num,
                   CASE WHEN id_num IS NULL THEN id_raw END AS id_txt, CASE WHEN id <> id_raw THEN id END AS id_fix,
                   CASE WHEN coalesce(f_full, f_day) IS NULL OR coalesce(f_full, f_day) >= TIMESTAMP '{limit}'
                        THEN t_txt END AS t_keep,
                   f_full, f_day, cat, sub, dist, rh
            FROM ({_file_sql(f, schema, f.fi in hashed or "id" not in f.cols, f.fi in every_column)})""")
        bias[f.fi] = f.csv_options["skip"] + 2 - offset
        offset = con.execute("SELECT count(*) FROM src_csv").fetchone()[0]
    if not any(f.fmt == "csv" for f in plans):  # Parquet only: no src_csv table
        return bias
    undecided = {fi for (fi,) in con.execute("SELECT DISTINCT fi FROM src_csv WHERE nonblank IS NULL").fetchall()}
    if undecided:
        return load_csv(con, plans, schema, as_of, hashed, every_column | undecided)
    return bias


def source_sql(plans: list[ReadPlan], schema: Schema, bias: list[int], hashed: set[int]) -> str:
    """SQL of all input rows (blank CSV rows left out) with the line of each row; Parquet read in place.

    Parameters
    ----------
    plans
        The files.
    schema
        A validated schema.
    bias
        The line bias of each CSV file (:func:`load_csv`).
    hashed
        Parquet files whose rows all get a whole-row hash.

    Returns
    -------
    str
        A ``SELECT`` giving the columns of ``src`` (see the module docstring).
    """
    parts = []
    if any(f.fmt == "csv" for f in plans):
        parts.append(f"SELECT fi, rowid + {bias}[fi + 1] AS line, kraw, "
                     "coalesce(id_fix, id_txt, CAST(id_num AS VARCHAR)) AS id, "
                     "coalesce(id_txt, CAST(id_num AS VARCHAR)) AS id_raw, "
                     "coalesce(t_keep, '<parsed>') AS t_txt, CAST(NULL AS TIMESTAMP) AS t_ts, "
                     "coalesce(t_keep, '<parsed>') AS t_raw, f_full, f_day, cat, sub, dist, rh, "
                     f"{_READ_EXTRA} FROM src_csv WHERE nonblank")
    parts += [f"SELECT {_COLUMNS}, {_READ_EXTRA} FROM ({_file_sql(f, schema, f.fi in hashed or 'id' not in f.cols)})"
              for f in plans if f.fmt == "parquet"]
    if any(f.fmt == "rows" for f in plans):
        parts.append(f"SELECT {_COLUMNS}, cnt, r0, h0, pf FROM shaped")
    return "\nUNION ALL\n".join(parts)


def _fast_time(col: str, schema: Schema) -> tuple[str, str]:
    """SQL parsing the common time forms exactly as parse_times does: (date-time, date only).

    ``try_strptime`` accepts one-digit months, days and hours as the Python patterns do; the length
    guards keep it from reading ``2023012`` as a date. With a schema ``date_format`` or
    ``calendar: roc`` every value goes to the Python parser.
    """
    if schema.date_format or schema.calendar == "roc":
        return "CAST(NULL AS TIMESTAMP)", "CAST(NULL AS TIMESTAMP)"
    full = "[" + ", ".join(_lit(x) for x in _FULL_FORMATS) + "]"
    date = "[" + ", ".join(_lit(x) for x in _DATE_FORMATS) + "]"
    ts = (f"coalesce(CASE WHEN length({col}) BETWEEN 12 AND 19 THEN try_strptime({col}, {full}) END, "
          f"CASE WHEN length({col}) = 14 THEN try_strptime({col}, '%Y%m%d%H%M%S') END)")
    day = (f"coalesce(CASE WHEN length({col}) BETWEEN 8 AND 10 AND (contains({col}, '-') OR contains({col}, '/')) "
           f"THEN try_strptime({col}, {date}) END, "
           f"CASE WHEN length({col}) = 8 THEN try_strptime({col}, '%Y%m%d') END)")
    return ts, day


def _guard(schema: Schema) -> str:
    """SQL ``BETWEEN`` of the dates a value may have (the schema's ``min_date`` to the end of
    :data:`stats_lib.clean.rules.DATE_YEARS`); SQL leaves any other date to the Python parser, which
    rejects it as an implausible or bad date (rules.parse_times)."""
    low = max(schema.min_date, dt.date(DATE_YEARS[0], 1, 1)).isoformat()
    return f"BETWEEN TIMESTAMP '{low}' AND TIMESTAMP '{DATE_YEARS[1]}-12-31 23:59:59.999999'"


def load_shaped(con: duckdb.DuckDBPyConnection, parts: list[FilePart]) -> None:
    """The canonical raw rows of the shaped files, as the table ``shaped`` (the columns of ``src``).

    ``line`` is the row's place among its file's rows (a wide table gives several rows per line of
    the file), so that sorting by it keeps their order; the rejects file names the lines themselves.

    Parameters
    ----------
    con
        A DuckDB connection.
    parts
        The shaped files, in order.
    """
    frames = []
    for part in parts:
        r = part.rows
        flags = (r["fullwidth"].astype("int8") + 2 * r["traditional"].astype("int8")
                 + 4 * r["whitespace"].astype("int8"))
        rh = pd.Series(r["hash"].to_numpy(dtype=np.uint64), dtype="UInt64").where((r["id"] == "").to_numpy())
        frames.append(pd.DataFrame({
            "fi": r["fi"].astype("int32"), "line": np.arange(1, len(r) + 1, dtype=np.int64),
            "kraw": r["kind"].astype(str), "id": r["id"].astype(str), "t_ts": r["ts"].astype("datetime64[ns]"),
            "cat": to_text(r["cat"].astype(object)), "sub": to_text(r["sub"].astype(object)),
            "dist": r["dist"].astype(str), "rh": rh, "cnt": r["count"].astype("int64"),
            "r0": r["reason"].astype(str), "h0": r["has_time"].astype(bool), "pf": flags.astype("int8")}))
    rows = pd.concat(frames, ignore_index=True)
    con.register("_shaped", rows)
    con.execute("""CREATE TEMP TABLE shaped AS
        SELECT fi::INTEGER AS fi, line::BIGINT AS line, kraw::VARCHAR AS kraw, id::VARCHAR AS id,
               id::VARCHAR AS id_raw, NULL::VARCHAR AS t_txt, t_ts::TIMESTAMP AS t_ts, '' AS t_raw,
               NULL::TIMESTAMP AS f_full, NULL::TIMESTAMP AS f_day, cat::VARCHAR AS cat, sub::VARCHAR AS sub,
               dist::VARCHAR AS dist, rh::UBIGINT AS rh, cnt::BIGINT AS cnt, r0::VARCHAR AS r0, h0::BOOLEAN AS h0,
               pf::TINYINT AS pf
        FROM _shaped""")
    con.unregister("_shaped")
