"""DuckDB engine: clean large record-level exports without loading them into Python objects.

:func:`clean_records` gives exactly what the pandas engine (:func:`stats_lib.clean.load` with
``engine="pandas"``) gives — the same daily and hourly tables, ledger and rejects — for record-level
CSV, TSV, ``.csv.gz`` and Parquet input. Only the way the work is done differs:

1. **Plan** each file as the readers of :mod:`stats_lib.io` see it (encoding, delimiter, title rows,
   header) and map its columns with :func:`stats_lib.schema.map_columns`. Only the needed columns
   are read. Gzip and non-UTF-8 files (GB18030, Big5) are transcoded in a stream, a few MiB at a
   time, into a UTF-8 file in a temporary folder. CSV is parsed once, in parallel, into a narrow
   columnar table (spilled to disk past the memory limit); Parquet is read in place.
2. **Scan 1** (one pass, two ``GROUPING SETS``): the distinct (file, kind, category, subcategory,
   district) values with the distinct time values that SQL's ``try_strptime`` does not parse in the
   common forms, and the ids that occur more than once.
3. **Python, on distinct values only**, with the pandas engine's own functions
   (:func:`stats_lib.clean.parse_times`, :func:`stats_lib.taxonomy.map_categories`,
   :func:`stats_lib.taxonomy.normalise_values`, :func:`stats_lib.clean.clean_districts`,
   :func:`stats_lib.taxonomy.normalisation_flags`); the mappings go back to DuckDB as small tables.
4. **Scan 2** (``GROUPING SETS`` on 64-bit keys of the raw values; the mappings are joined to the
   small aggregates, not to the rows): daily and hourly counts of the kept rows and the ledger counts,
   plus — materialised in Python because they are few — the rejected rows and the rows whose id
   occurs more than once (de-duplicated in Python, first occurrence kept, as the pandas engine does).

DuckDB runs with a memory limit (``STATS_LIB_DUCKDB_MEMORY``, default ``512MB``), all cores
(``STATS_LIB_DUCKDB_THREADS``) and a temporary folder to spill to, so memory stays flat as the input
grows. Input it does not handle — Excel, long or wide tables, an ``hour:`` or ``address:`` column,
blank lines or ragged rows in a CSV, a file that does not decode — is cleaned by the pandas engine;
the ledger says so (``engine: pandas`` and ``engine_note``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.clean.ledger import ledger_settings
from stats_lib.clean.rules import (
    DATE_YEARS,
    REASONS,
    clean_districts,
    duplicate_flags,
    kind_values,
    parse_times,
)
from stats_lib.clean.shape import RAW_COLUMNS, FilePart, detect_shape, shape_files, show_headers
from stats_lib.errors import InputError, StatsLibError
from stats_lib.ingest.readers import (
    combine_headers,
    detect_encoding,
    header_row,
    sniff_delimiter,
    to_text,
    unique_names,
)
from stats_lib.ingest.schema import AUTO_COLUMNS, Schema, detect_kind, is_sensitive, map_columns
from stats_lib.ingest.taxonomy import (
    OTHER,
    load_taxonomy,
    map_categories,
    normalisation_flags,
    normalise_values,
)
from stats_lib.tables import Cleaned, empty_daily

__all__ = ["Unsupported", "clean"]

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
_BLOCK = 4 << 20
_SAMPLE = 1 << 20
# The characters str.strip() removes (the pandas engine strips ids with it).
_PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                  "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Forms SQL parses exactly as stats_lib.clean.parse_times does (length-guarded: see _fast_time).
_FULL_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


class Unsupported(Exception):
    """DuckDB does not read this input itself: it is read and shaped by :mod:`stats_lib.clean.shape` (the message says why)."""


# ----------------------------------------------------------------------------------------------
# Choosing the engine
# ----------------------------------------------------------------------------------------------


def _is_text(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(_TEXT_SUFFIXES)


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


# ----------------------------------------------------------------------------------------------
# Planning one file
# ----------------------------------------------------------------------------------------------


@dataclass
class _File:
    """One input file as planned: where DuckDB reads it, its headers, mapped columns and ledger entry."""

    fi: int
    path: Path
    read_path: Path
    fmt: str                        # "csv" or "parquet"
    headers: list[str]
    cols: dict
    kind: str | None                # None: from the kind column
    encoding: str | None
    info: dict
    typed_time: bool = False        # the time column is a Parquet timestamp
    csv_options: dict = field(default_factory=dict)
    col_types: dict = field(default_factory=dict)
    has_cat: bool | None = None     # shaped rows: whether they carry a category (a wide table's headers)


def _q(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _open_bytes(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _common_plan(fi: int, path: Path, headers: list[str], schema: Schema, encoding: str | None,
                 notes: list[str]) -> tuple[dict, str | None, dict]:
    cols = map_columns(headers, schema, str(path))
    if "time" not in cols:
        expected = ", ".join(AUTO_COLUMNS["time"][:8])
        raise InputError(f"{path}: no date/time column found (expected one of {expected} …, or 'columns: time:' "
                         f"in the schema); columns found: {show_headers(headers)}")
    shape = detect_shape(headers, cols, schema, [])
    if shape != "records":
        raise Unsupported(f"{path.name} is a {shape} table")
    for role in ("hour", "address", "count"):
        if role in cols:
            raise Unsupported(f"{path.name} has a '{role}' column")
    used = set(cols.values())
    info = {"path": str(path), "sha256": "", "encoding": encoding, "shape": shape, "sheet": None,
            "columns": {k: v for k, v in cols.items() if k != "date_only"}, "time_column": cols["time"],
            "sensitive_columns_dropped": [h for h in headers if is_sensitive(h) and h not in used],
            "notes": list(notes)}
    kind = None if "kind" in cols else detect_kind(headers, schema)
    info["kind"] = kind or f"column {cols['kind']}"
    return cols, kind, info


def _has_blank_line(block: bytes) -> bool:
    """Whether ``block`` holds ``\\n\\n`` or ``\\n\\r\\n``, from the gaps between its newlines (numpy:
    several times faster than searching the bytes, whose newlines are frequent)."""
    a = np.frombuffer(block, np.uint8)
    nl = np.flatnonzero(a == 10)
    gap = np.diff(nl)
    return bool((gap == 1).any() or (a[nl[:-1][gap == 2] + 1] == 13).any())


def _digest(path: Path, find_blank_lines: bool) -> tuple[str, bool]:
    """SHA-256 of the file's bytes and whether it holds an empty line, in one read (flat memory)."""
    sha = hashlib.sha256()
    blank, tail = False, b""
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            sha.update(block)
            if find_blank_lines and not blank:
                edge = tail + block[:2]   # a blank line across the block boundary
                blank = b"\n\n" in edge or b"\n\r\n" in edge or _has_blank_line(block)
                tail = (edge if len(block) < 2 else block)[-2:]
    return sha.hexdigest(), blank


def _transcode(path: Path, encoding: str, out: Path) -> None:
    """Decode ``path`` (gzip or not) in blocks and write it as UTF-8; refuse blank lines."""
    decoder = codecs.getincrementaldecoder(encoding)()
    tail = ""
    try:
        with _open_bytes(path) as src, open(out, "w", encoding="utf-8", newline="") as dst:
            while True:
                block = src.read(_BLOCK)
                text = decoder.decode(block, final=not block)
                if text:
                    probe = tail + text
                    if "\n\n" in probe or "\n\r\n" in probe:
                        raise Unsupported(f"{path.name} has blank lines")
                    tail = probe[-2:]
                    dst.write(text)
                if not block:
                    break
    except (UnicodeDecodeError, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise Unsupported(f"{path.name} cannot be streamed as {encoding} ({type(exc).__name__})") from None


def _plan_text(fi: int, path: Path, schema: Schema, tmp: Path) -> _File:

    try:
        with _open_bytes(path) as fh:
            head = fh.read(_SAMPLE)
            gz = isinstance(fh, gzip.GzipFile)
    except (OSError, EOFError) as exc:
        raise Unsupported(f"{path.name} cannot be read ({type(exc).__name__})") from None
    if not head.strip():
        raise Unsupported(f"{path.name} is empty")
    enc = detect_encoding(head, schema.encoding)
    if b"\x00" in head[:4096] and not enc.startswith("utf-16"):
        raise Unsupported(f"{path.name} holds binary data")
    try:
        text = codecs.getincrementaldecoder(enc)().decode(head, final=False).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        raise Unsupported(f"{path.name} does not decode as {enc}") from None
    head_lines = text.splitlines()[:30]
    delim = sniff_delimiter(path, head_lines)
    try:  # the header needs only the start of each line; a 1 MB field would exceed csv's limit
        rows = list(csv.reader([ln[:65536] for ln in head_lines], delimiter=delim))
    except csv.Error as exc:
        raise Unsupported(f"{path.name}: {exc}") from None
    h = header_row(rows, schema)
    if h >= len(rows):
        raise Unsupported(f"{path.name}: no header row found")
    header = rows[h]
    notes: list[str] = [f"{h} title row(s) above the header skipped"] if h else []
    names, _ = combine_headers([header], len(header))
    headers = unique_names(names, notes)
    cols, kind, info = _common_plan(fi, path, headers, schema, enc, notes)
    if gz or enc not in ("utf-8", "utf-8-sig"):
        read_path = tmp / f"input{fi}.csv"
        _transcode(path, enc, read_path)
    else:
        read_path = path   # blank lines are looked for while the file is hashed (_digest)
    options = {"delim": delim, "skip": h, "width": len(header)}
    return _File(fi=fi, path=path, read_path=read_path, fmt="csv", headers=headers, cols=cols, kind=kind,
                 encoding=enc, info=info, csv_options=options)


def _plan_parquet(fi: int, path: Path, schema: Schema) -> _File:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        arrow_schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise Unsupported(f"{path.name} cannot be read as Parquet ({type(exc).__name__})") from None
    headers = [str(n) for n in arrow_schema.names]
    if len(set(headers)) != len(headers):
        raise Unsupported(f"{path.name} has duplicate column names")
    cols, kind, info = _common_plan(fi, path, headers, schema, None, [])
    types = {}
    for f in arrow_schema:
        t = f.type
        if pa.types.is_timestamp(t):
            if t.tz is not None:
                raise Unsupported(f"{path.name}: time-zone-aware timestamps")
            types[f.name] = "timestamp"
        elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
            types[f.name] = "text"
        elif pa.types.is_integer(t):
            types[f.name] = "int"
        elif pa.types.is_date(t):
            types[f.name] = "date"
        elif pa.types.is_null(t):
            types[f.name] = "null"
        else:
            raise Unsupported(f"{path.name}: column '{f.name}' of type {t}")
    if types[cols["time"]] == "date":
        raise Unsupported(f"{path.name}: a date-typed time column")
    return _File(fi=fi, path=path, read_path=path, fmt="parquet", headers=headers, cols=cols, kind=kind,
                 encoding=None, info=info, typed_time=types[cols["time"]] == "timestamp", col_types=types)


# ----------------------------------------------------------------------------------------------
# SQL of one file: the canonical raw columns
# ----------------------------------------------------------------------------------------------


def _text_expr(f: _File, header: str) -> str:
    """SQL giving a column as the pandas engine's text ('' when empty)."""
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


def _file_sql(f: _File, schema: Schema, with_hash: bool = True) -> str:
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
        names = [f"c{j}" for j in range(f.csv_options["width"])]
        columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
        src = (f"read_csv({_lit(str(f.read_path))}, columns={columns}, header=true, skip={f.csv_options['skip']}, "
               f"delim={_lit(f.csv_options['delim'])}, quote='\"', escape='\"', auto_detect=false)")
        line = "0"  # numbered from the row's place in the table it is stored in (see _run)
        all_cols = [f"coalesce({n}, '')" for n in names]
        nonblank = "NOT (" + " AND ".join(f"{e} = ''" for e in all_cols) + ")"
    else:
        src = f"read_parquet({_lit(str(f.read_path))}, file_row_number=true)"
        line = "file_row_number + 1"
        all_cols = [_text_expr(f, h) for h in f.headers]
        nonblank = "true"
    guard = _guard()
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


def _load_csv(con, plans: list[_File], schema: Schema, as_of: dt.date, hashed: set[int]) -> list[int]:
    """Parse the CSV files once, in parallel, into the table ``src_csv``; return each file's line bias.

    The table lives in a DuckDB database file in the temporary folder, so it is stored compressed,
    column by column (far smaller than an in-memory table spilled to disk). It is narrow: an id that is
    a canonical integer (``CAST(CAST(id AS BIGINT) AS VARCHAR) = id``, so it is rebuilt exactly) is stored
    as a BIGINT, far cheaper to compress than text; the stripped id only where stripping changed it, the time text only where SQL did not parse it or it is a
    future date, the whole-row hash only for files in ``hashed`` or without an id column. It keeps
    the file's row order, so ``rowid + bias[fi]`` is the line of a row in its file.
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
            FROM ({_file_sql(f, schema, f.fi in hashed or "id" not in f.cols)})""")
        bias[f.fi] = f.csv_options["skip"] + 2 - offset
        offset = con.execute("SELECT count(*) FROM src_csv").fetchone()[0]
    return bias


def _source_sql(plans: list[_File], schema: Schema, bias: list[int], hashed: set[int]) -> str:
    """SQL of all input rows (blank CSV rows left out) with the line of each row; Parquet read in place."""
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


def _guard() -> str:
    """SQL ``BETWEEN`` of the years a date may have (:data:`stats_lib.clean.rules.DATE_YEARS`); SQL leaves any other
    year to the Python parser, which rejects it as a bad date, as the pandas engine does."""
    return f"BETWEEN TIMESTAMP '{DATE_YEARS[0]}-01-01' AND TIMESTAMP '{DATE_YEARS[1]}-12-31 23:59:59.999999'"


# ----------------------------------------------------------------------------------------------
# The engine
# ----------------------------------------------------------------------------------------------


def _threads() -> int:
    value = os.environ.get("STATS_LIB_DUCKDB_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 2)


def _connect(tmp: Path):
    import duckdb

    # a database file (not in-memory): tables written to it are compressed, so large input spills little
    con = duckdb.connect(str(tmp / "work.duckdb"), config={
        "memory_limit": os.environ.get("STATS_LIB_DUCKDB_MEMORY", "512MB"),
        "threads": _threads(),
        "temp_directory": str(tmp / "spill"),
        "preserve_insertion_order": True,   # row_number() OVER () numbers CSV rows in file order
    })
    con.execute("SET enable_progress_bar = false")
    # The input's size is unknown to the planner (a CSV estimate is a few rows), so it might build
    # a hash join on the input: keep the joins as written, the small mapping tables on the build side.
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    return con


@dataclass
class _Maps:
    """Mappings of distinct values, computed in Python and handed back to DuckDB as tables."""

    combos: pd.DataFrame     # fi, kraw, cat, sub, dist -> kind, category, label, subcategory, district, flags
    times: pd.DataFrame      # t -> ts, reason, has_time (the values SQL did not parse)
    cand_ids: pd.DataFrame   # hashes of the ids seen more than once
    cand_hashes: pd.DataFrame  # hashes of id-less rows seen more than once
    blank_ids: set = field(default_factory=set)  # Parquet files with an id column and rows without one


_NO_KIND = "\x00"  # stands for "no kind column" in join keys
# Keys of the raw values (as scan 2 computes them from the rows): ``ck`` of (file, kind column,
# category, subcategory, district), ``hk`` of the same without subcategory (the hourly table's).
_CK = "hash(fi::INTEGER, kraw, cat, sub, dist)"
_HK = "hash(fi::INTEGER, kraw, cat, dist)"
_COMBO_KEYS = f", {_CK} AS ck, {_HK} AS hk"


def _flags(values: pd.Series) -> np.ndarray:

    return normalisation_flags(values).to_numpy()


def _unmapped_labels(uniq: pd.Series, category: pd.Series, kind: str, schema: Schema, taxonomy) -> np.ndarray:
    """The label under which each distinct category value is listed as unmapped (``''`` when mapped), as
    :func:`stats_lib.ingest.taxonomy.map_categories` lists it."""
    lab = np.full(len(uniq), "", dtype=object)
    for i in np.flatnonzero((category == OTHER).to_numpy()):
        listed = map_categories(uniq.iloc[i:i + 1], kind, schema, taxonomy).unmapped
        lab[i] = next(iter(listed), "")
    return lab


def _scan1(con, schema: Schema, files: list[_File], as_of: dt.date) -> _Maps:
    """First scan: repeated ids, the distinct raw values, the time values SQL did not parse."""
    # one scan: the distinct values (with the time values SQL did not parse) and, as a second grouping
    # set, the ids seen more than once, by their 64-bit hash (a superset: Python compares the ids themselves)
    con.execute("""
        CREATE TEMP TABLE scan1 AS
        SELECT * FROM (
          SELECT GROUPING(h) AS g, fi, kraw, cat, sub, dist, tl, h, count(*) AS n,
                 count(*) FILTER (WHERE id = '') AS n_blank
          FROM (SELECT fi, coalesce(kraw, '\x00') AS kraw, cat, sub, dist, id,
                       CASE WHEN t_ts IS NULL AND t_txt <> '' AND f_full IS NULL AND f_day IS NULL THEN t_txt END AS tl,
                       CASE WHEN id <> '' THEN hash(id) END AS h
                FROM src)
          GROUP BY GROUPING SETS ((fi, kraw, cat, sub, dist, tl), (h)))
        WHERE g = 1 OR (h IS NOT NULL AND n > 1)""")
    values = con.execute("SELECT fi, kraw, cat, sub, dist, tl, n, n_blank FROM scan1 WHERE g = 1").df()
    if values["n"].sum() == 0:
        raise Unsupported("no data rows")
    cand_ids = con.execute("SELECT h FROM scan1 WHERE g = 0").df()
    con.execute("DROP TABLE scan1")
    # rows without an id: the whole-row hashes that repeat (files with an id column are hashed only
    # when they hold such rows: see _run)
    blank = values.groupby("fi")["n_blank"].sum()
    hashed = {f.fi for f in files if "id" not in f.cols or f.fmt == "rows"}
    blank_ids = {int(fi) for fi, n in blank.items() if n and int(fi) not in hashed}
    if blank[blank.index.isin(list(hashed))].sum() > 1:
        cand_hashes = con.execute("SELECT rh FROM src WHERE rh IS NOT NULL GROUP BY rh HAVING count(*) > 1").df()
    else:
        cand_hashes = pd.DataFrame({"rh": pd.Series([], dtype="uint64")})
    combos = values[["fi", "kraw", "cat", "sub", "dist"]].drop_duplicates().reset_index(drop=True)
    combos = combos.astype({"kraw": object, "cat": object, "sub": object, "dist": object})
    # kind of each row: the file's, or from its kind column
    const = {f.fi: f.kind for f in files}
    kind = pd.Series([const[int(fi)] for fi in combos["fi"]], dtype=object)
    need = kind.isna().to_numpy()
    if need.any():
        kind[need] = kind_values(combos.loc[need, "kraw"]).to_numpy()
    combos["kind"] = kind
    # categories per kind (the pandas engine maps every kind's values together; per value it is the same)
    taxonomy = load_taxonomy(schema.taxonomy)
    category = pd.Series(OTHER, index=combos.index, dtype=object)
    label = pd.Series("", index=combos.index, dtype=object)
    has_cat = combos["fi"].map({f.fi: "category" in f.cols if f.has_cat is None else f.has_cat
                                for f in files}).astype(bool)
    for k in combos["kind"].unique():
        sel = (combos["kind"] == k) & has_cat
        if not sel.any():
            continue
        uniq = combos.loc[sel, "cat"].drop_duplicates()
        mapping = map_categories(uniq, k, schema, taxonomy)
        lab = _unmapped_labels(uniq, mapping.category, k, schema, taxonomy)
        lookup_cat = dict(zip(uniq, mapping.category.to_numpy()))
        lookup_lab = dict(zip(uniq, lab))
        category[sel] = combos.loc[sel, "cat"].map(lookup_cat).to_numpy()
        label[sel] = combos.loc[sel, "cat"].map(lookup_lab).to_numpy()
    combos["category"], combos["label"] = category, label
    subs = combos["sub"].drop_duplicates()
    combos["subcategory"] = combos["sub"].map(dict(zip(subs, normalise_values(subs).to_numpy())))
    dists = combos["dist"].drop_duplicates()
    cleaned = clean_districts(dists, schema).to_numpy()
    combos["district"] = combos["dist"].map(dict(zip(dists, cleaned)))
    shaped = combos["fi"].isin([f.fi for f in files if f.fmt == "rows"])  # districts cleaned when shaped
    combos.loc[shaped, "district"] = combos.loc[shaped, "dist"]
    combos["unmatched"] = bool(schema.district_pattern) & (combos["dist"].str.strip() != "") \
        & (combos["district"] == "")
    flags = _flags(combos["cat"]) | _flags(combos["sub"]) | _flags(combos["dist"])
    combos["fw"], combos["tr"], combos["ws"] = flags[:, 0], flags[:, 1], flags[:, 2]
    tl = values["tl"].dropna().drop_duplicates().astype(object).reset_index(drop=True)
    parsed = parse_times(tl, schema, as_of)
    if parsed.needs_year:
        raise Unsupported("dates written without a year")
    times = pd.DataFrame({"t": tl, "ts": parsed.timestamps.to_numpy(), "reason": parsed.reasons.to_numpy(),
                          "has_time": parsed.has_time.to_numpy()})
    return _Maps(combos=combos, times=times, cand_ids=cand_ids, cand_hashes=cand_hashes, blank_ids=blank_ids)


def _scan2(con, schema: Schema, files: list[_File], as_of: dt.date, maps: _Maps) -> None:
    """Second scan: every aggregate the result needs, into the temporary table ``agg``.

    The rows are grouped by a 64-bit key of their raw values (file, kind column, category,
    subcategory, district: ``ck``, ``hk``, unique among the distinct values, checked in :func:`_run`),
    not the mapped ones: the mapping (``combos``) is joined to the small aggregates afterwards
    (see :func:`_stats`, :func:`_one` and :func:`_tables`), not to every row.
    """
    limit = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    shift = schema.day_start_minutes
    cand = []
    if len(maps.cand_ids):
        cand.append("(s.id <> '' AND hash(s.id) IN (SELECT h FROM cand_ids))")
    if len(maps.cand_hashes):
        cand.append("(s.rh IS NOT NULL AND s.rh IN (SELECT rh FROM cand_hashes))")
    tjoin = ("LEFT JOIN tmap tm ON tm.t = CASE WHEN s.t_ts IS NULL AND s.f_full IS NULL AND s.f_day IS NULL "
             "THEN s.t_txt END") if len(maps.times) else ""
    # the count of a row: 1 for a record the engine reads, the count cell of a shaped long or wide table
    total = "sum(cnt)::BIGINT" if any(f.fmt == "rows" for f in files) else "count(*)"
    sql = f"""
    CREATE TEMP TABLE agg AS
    WITH q AS (
      SELECT s.fi, s.line, s.id, s.id_raw, s.rh, coalesce(s.kraw, '{_NO_KIND}') AS kraw, s.cat, s.sub, s.dist,
             s.t_raw, s.cnt, s.pf,
             coalesce(s.t_ts, s.f_full, s.f_day, {'tm.ts' if tjoin else 'NULL'}) AS ts0,
             CASE WHEN s.r0 IS NOT NULL THEN s.r0
                  WHEN s.t_ts IS NOT NULL OR s.f_full IS NOT NULL OR s.f_day IS NOT NULL THEN ''
                  WHEN s.t_txt IS NULL OR s.t_txt = '' THEN 'missing_date'
                  ELSE {'coalesce(tm.reason, ' if tjoin else '('}'bad_date') END AS reason0,
             CASE WHEN s.h0 IS NOT NULL THEN s.h0
                  WHEN s.t_ts IS NOT NULL OR s.f_full IS NOT NULL THEN true
                  WHEN s.f_day IS NOT NULL THEN false ELSE {'coalesce(tm.has_time, false)' if tjoin else 'false'}
             END AS has0,
             {' OR '.join(cand) if cand else 'false'} AS cand
      FROM src s {tjoin}),
    z AS (
      SELECT fi, line, id, id_raw, rh, kraw, cand, cat, sub, dist, t_raw, cnt, pf,
             CASE WHEN reason0 = '' AND ts0 >= TIMESTAMP '{limit}' THEN 'future_date' ELSE reason0 END AS reason,
             CASE WHEN reason0 = '' THEN CAST(ts0 - INTERVAL {shift} MINUTE AS DATE) END AS date0,
             CASE WHEN reason0 = '' THEN hour(ts0) END AS hour0,
             reason0 = '' AND has0 AS has_time0,
             reason0 = '' AND has0 AND ts0 <> date_trunc('day', ts0) AS off0,
             fi::BIGINT * 1099511627776 + line AS pos
      FROM q),
    w AS (
      SELECT *, CASE WHEN reason = '' THEN date0 END AS date, CASE WHEN reason = '' THEN hour0 END AS hour,
             has_time0 AND reason = '' AS has_time, off0 AND reason = '' AS off,
             CASE WHEN reason = '' AND NOT cand THEN true END AS keep
      FROM z),
    v AS (
      SELECT *, CASE WHEN cand OR reason <> '' THEN struct_pack(fi, line, id, id_raw, rh, kraw, reason, cand, date,
                  hour, has_time, off, cat, sub, dist, t_raw, cnt, pf) END AS one
      FROM w)
    SELECT GROUPING(date, ck) AS g_d, GROUPING(hour) AS g_h, GROUPING(reason) AS g_s, GROUPING(one) AS g_i,
           keep, ck, hk, date, hour, has_time, cand, reason, off, pf, one,
           min(date) AS dmin, max(date) AS dmax, min(pos) AS first, count(*) AS n, {total} AS c
    FROM (SELECT *, {_CK} AS ck, {_HK} AS hk FROM v)
    GROUP BY GROUPING SETS ((keep, ck, date), (keep, has_time, hk, date, hour),
                            (cand, ck, reason, has_time, off, pf), (one))
    """
    con.execute(sql)


def _stats(con) -> pd.DataFrame:
    """The ledger aggregates of the rows whose id does not repeat, by file, kind, reason, label and flags."""
    return con.execute("""
        SELECT c.fi, c.kind, a.reason, c.label, a.has_time, c.unmatched, a.off, CASE WHEN a.pf IS NULL THEN c.fw ELSE (a.pf & 1) <> 0 END AS fw, CASE WHEN a.pf IS NULL THEN c.tr ELSE (a.pf & 2) <> 0 END AS tr, CASE WHEN a.pf IS NULL THEN c.ws ELSE (a.pf & 4) <> 0 END AS ws,
               min(a.dmin) AS dmin, max(a.dmax) AS dmax, min(a.first) AS first, sum(a.n)::BIGINT AS n,
               sum(a.c)::BIGINT AS c
        FROM agg a JOIN combos c ON a.ck = c.ck
        WHERE a.g_s = 0 AND NOT a.cand
        GROUP BY ALL""").df()


def _one(con) -> pd.DataFrame:
    """The rows rejected or whose id (or whole row) repeats, one row each, with their mapped values."""
    return con.execute("""
        SELECT o.fi, o.line, o.id, o.id_raw, o.rh, c.kind, o.reason, o.cand, o.date, o.hour, o.has_time, o.off,
               c.category, c.label, c.subcategory, c.district, c.unmatched,
               CASE WHEN o.pf IS NULL THEN c.fw ELSE (o.pf & 1) <> 0 END AS fw, CASE WHEN o.pf IS NULL THEN c.tr ELSE (o.pf & 2) <> 0 END AS tr, CASE WHEN o.pf IS NULL THEN c.ws ELSE (o.pf & 4) <> 0 END AS ws,
               o.cat, o.sub, o.dist, o.t_raw, o.cnt
        FROM (SELECT unnest(one) FROM agg WHERE g_i = 0 AND one IS NOT NULL) o
        JOIN combos c ON o.fi = c.fi AND o.kraw = c.kraw AND o.cat = c.cat AND o.sub = c.sub AND o.dist = c.dist
        """).df()


def clean(files: Sequence[str | Path], schema: Schema, as_of: dt.date, dedupe: str | None) -> Cleaned:
    """Clean export files with DuckDB (the engine interface of :mod:`stats_lib.clean.engine`).

    Record-level CSV, TSV, ``.csv.gz`` and Parquet files are read by DuckDB itself (out of core). Any
    other input — Excel, long or wide tables, an ``hour:`` or ``address:`` column, blank lines or ragged
    rows, a file that does not stream — is read by :mod:`stats_lib.ingest` and shaped into canonical raw
    rows by :func:`stats_lib.clean.shape.shape_files`, and those rows go through the same scans.

    Parameters
    ----------
    files : export files.
    schema : a validated :class:`stats_lib.ingest.schema.Schema`.
    as_of : dates after this day are rejected as ``future_date``.
    dedupe : ``"exact"`` also drops exact duplicate rows that have no id; None keeps them.

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
            if not (_is_text(p) or _is_parquet(p)) or not p.is_file():
                raise Unsupported(f"{p.name} is not a CSV or Parquet file")
    tmp = Path(tempfile.mkdtemp(prefix="stats_lib_duckdb_"))
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        if parts is None:
            plans = [(_plan_parquet(i, p, schema) if _is_parquet(p) else _plan_text(i, p, schema, tmp))
                     for i, p in enumerate(paths)]
            # hashing (and looking for blank lines in CSV read in place) overlaps with the scans
            digests = [pool.submit(_digest, f.path, f.read_path == f.path and f.fmt == "csv") for f in plans]
        else:
            plans, digests = [_shaped_plan(i, p) for i, p in enumerate(parts)], []
        con = _connect(tmp)
        try:
            if parts is None:
                bias = _load_csv(con, plans, schema, as_of, set())
            else:
                _load_shaped(con, parts)
                bias = [0] * len(plans)
            con.execute("CREATE TEMP VIEW src AS " + _source_sql(plans, schema, bias, set()))
            maps = _scan1(con, schema, plans, as_of)
            if maps.blank_ids:  # files with an id column and rows without one: hash their rows too
                if any(plans[fi].fmt == "csv" for fi in maps.blank_ids):
                    _load_csv(con, plans, schema, as_of, maps.blank_ids)
                con.execute("CREATE OR REPLACE TEMP VIEW src AS " + _source_sql(plans, schema, bias, maps.blank_ids))
                maps.cand_hashes = con.execute(
                    "SELECT rh FROM src WHERE rh IS NOT NULL GROUP BY rh HAVING count(*) > 1").df()
            for name, frame in (("combos", maps.combos), ("tmap", maps.times), ("cand_ids", maps.cand_ids),
                                ("cand_hashes", maps.cand_hashes)):
                # DuckDB's own (small) tables, the build side of the joins
                con.register("_frame", frame)
                keys = _COMBO_KEYS if name == "combos" else ""
                con.execute(f"CREATE TEMP TABLE {name} AS SELECT *{keys} FROM _frame")
                con.unregister("_frame")
            # the aggregates are grouped by these 64-bit keys of the raw values: check they are unique
            if con.execute("SELECT count(DISTINCT ck) = count(*) AND count(DISTINCT hk) = "
                           "count(DISTINCT (fi, kraw, cat, dist)) FROM combos").fetchone()[0] is not True:
                raise (Unsupported if parts is None else StatsLibError)("two distinct values share a 64-bit hash")
            _scan2(con, schema, plans, as_of, maps)
            stats, one = _stats(con), _one(con)
            for f, digest in zip(plans, digests):
                f.info["sha256"], blank = digest.result()
                if blank:
                    raise Unsupported(f"{f.path.name} has blank lines")
            return _assemble(con, stats, one, plans, schema, as_of, dedupe, parts)
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            if parts is not None:
                raise StatsLibError(f"{', '.join(str(p) for p in paths)}: the DuckDB engine failed "
                                    f"({str(exc).splitlines()[0][:200]})") from None
            # a malformed or oddly encoded file: the pandas engine reads it or names the problem
            raise Unsupported(f"DuckDB could not read the input ({str(exc).splitlines()[0][:200]})") from None
        except duckdb.Error as exc:
            raise StatsLibError(f"{', '.join(str(p) for p in paths)}: the DuckDB engine failed "
                                f"({str(exc).splitlines()[0][:200]})") from None
        finally:
            con.close()
    finally:
        pool.shutdown(wait=True)
        shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------------------------
# Assembling the result (small frames only)
# ----------------------------------------------------------------------------------------------

_ONE_COLUMNS = ["fi", "line", "id", "id_raw", "rh", "kind", "reason", "cand", "date", "hour", "has_time", "off",
                "category", "label", "subcategory", "district", "unmatched", "fw", "tr", "ws", "cat", "sub", "dist",
                "t_raw", "cnt"]
_RAW = {"id": "id_raw", "time": "t_raw", "category": "cat", "subcategory": "sub", "district": "dist"}


def _dedupe_candidates(one: pd.DataFrame, dedupe: str | None) -> pd.DataFrame:
    """Resolve the rows whose id (or whole row) repeats: first occurrence kept, as the pandas engine."""
    one = one.sort_values(["fi", "line"], kind="stable").reset_index(drop=True)
    return pd.concat([one, duplicate_flags(one, ["rh"], dedupe)], axis=1)


def _block(stats: pd.DataFrame, cands: pd.DataFrame) -> dict:
    """The ledger counts of one kind (or all), from the aggregates and the candidate rows."""
    good = stats[stats["reason"] == ""]
    fin = cands[cands["final"]]
    rej = pd.concat([stats.loc[stats["reason"] != "", ["reason", "n"]],
                     cands.loc[cands["reason"] != "", ["reason"]].assign(n=1)])
    by_reason = rej.groupby("reason")["n"].sum()
    dates = pd.concat([good["dmin"], good["dmax"], fin["date"]]).dropna()
    kept = int(good["n"].sum()) + len(fin)
    return {
        "rows_read": int(stats["n"].sum()) + len(cands),
        "rows_kept": kept,
        "rows_rejected": int(by_reason.sum()),
        "duplicates_removed": int(cands["removed"].sum()),
        "exact_duplicates": int(cands["exact"].sum()),
        "rejected_by_reason": {r: int(by_reason[r]) for r in REASONS if r in by_reason.index},
        "masked_cells": int(by_reason.get("masked_count", 0)),
        "count_total": int(good["c"].sum()) + int(fin["cnt"].sum()),
        "normalised_rows": {
            **{k: int(good.loc[good[f].astype(bool), "n"].sum() + fin[f].astype(bool).sum())
               for k, f in (("fullwidth", "fw"), ("traditional", "tr"), ("whitespace", "ws"))},
            "fullwidth_or_space": int(good.loc[good["fw"].astype(bool) | good["ws"].astype(bool), "n"].sum()
                                      + (fin["fw"].astype(bool) | fin["ws"].astype(bool)).sum())},
        "date_min": pd.Timestamp(dates.min()).strftime("%Y-%m-%d") if len(dates) else None,
        "date_max": pd.Timestamp(dates.max()).strftime("%Y-%m-%d") if len(dates) else None,
    }


def _unmapped(stats: pd.DataFrame, cands: pd.DataFrame) -> dict:
    """``{label: rows}`` of unmapped categories among kept rows, by count then first appearance."""
    good = stats[(stats["reason"] == "") & (stats["label"] != "")][["label", "n", "first"]]
    fin = cands[cands["final"] & (cands["label"] != "")]
    fin = pd.DataFrame({"label": fin["label"], "n": 1, "first": fin["fi"].astype("int64") * 1099511627776
                        + fin["line"].astype("int64")})
    both = pd.concat([good, fin])
    if both.empty:
        return {}
    agg = both.groupby("label").agg(n=("n", "sum"), first=("first", "min")).reset_index()
    agg = agg.sort_values(["n", "first"], ascending=[False, True], kind="stable")
    return {str(k): int(v) for k, v in zip(agg["label"], agg["n"])}


def _ranked_sum(key: str, names: list[str], rows: str, fin: str) -> str:
    """SQL summing ``n`` by (date[, hour], mapped names), sorted by them, on small integer keys.

    Each distinct tuple of mapped ``names`` (from ``combos`` and ``fin``) gets its rank in sort order
    (``mk``); the aggregate rows (``rows``: ``a.date[, a.hour], m.mk, a.n`` from ``agg a`` joined
    to ``m``, the raw ``key`` -> ``mk``) and the rows of ``fin`` are summed by (date[, hour], mk) and
    sorted by them: the order of sorting by the names themselves, without comparing text per row.
    """
    cols = ", ".join(names)
    same = " AND ".join(f"x.{c} IS NOT DISTINCT FROM y.{c}" for c in names)
    hour = ", hour" if "hour" in rows else ""
    return f"""
        WITH nm AS (SELECT {cols}, row_number() OVER (ORDER BY {cols}) AS mk
                    FROM (SELECT {cols} FROM combos UNION SELECT {cols} FROM fin)),
             m AS (SELECT x.{key}, x.fi, y.mk FROM (SELECT DISTINCT {key}, fi, {cols} FROM combos) x
                   JOIN nm y ON {same}),
             g AS (SELECT date{hour}, mk, sum(n)::BIGINT AS count FROM (
                     {rows}
                     UNION ALL
                     SELECT CAST(x.date AS DATE){', x.hour' if hour else ''}, y.mk, x.cnt
                     FROM (SELECT * FROM fin {fin}) x JOIN nm y ON {same})
                   GROUP BY ALL HAVING sum(n) > 0)
        SELECT g.date{', g.hour::BIGINT AS hour' if hour else ''}, {', '.join('y.' + c for c in names)}, g.count
        FROM g JOIN nm y ON g.mk = y.mk
        ORDER BY g.date{', g.hour' if hour else ''}, g.mk"""


def _tables(con, fin: pd.DataFrame, no_time: set[int]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The daily and hourly tables: SQL aggregates plus the surviving repeated-id rows ``fin``."""
    con.register("fin", fin)
    daily = con.sql(_ranked_sum("ck", ["kind", "category", "subcategory", "district"],
                                "SELECT a.date, m.mk, a.c AS n FROM agg a JOIN m ON a.ck = m.ck "
                                "WHERE a.g_d = 0 AND a.keep", "")).to_arrow_table()
    skip = "[" + ", ".join(str(i) for i in sorted(no_time)) + "]::INTEGER[]"
    hourly = con.sql(_ranked_sum("hk", ["kind", "category", "district"],
                                 "SELECT a.date, a.hour, m.mk, a.c AS n FROM agg a JOIN m ON a.hk = m.hk "
                                 f"WHERE a.g_h = 0 AND a.keep AND a.has_time AND NOT list_contains({skip}, m.fi)",
                                 "WHERE has_time")).to_arrow_table()
    con.close()  # frees DuckDB's memory before the tables become pandas frames
    daily_df = _frame(daily, ["kind", "category", "subcategory", "district"]) if daily.num_rows else empty_daily()
    hourly_df = _frame(hourly, ["kind", "category", "district"]) if hourly.num_rows else None
    return daily_df, hourly_df


def _frame(table, text: list[str]) -> pd.DataFrame:
    """A canonical table (as :func:`stats_lib.tables.normalise_daily` makes it) from a result that SQL
    already sorted by its keys (byte order of UTF-8 = code-point order, pandas' order for str)."""
    frame = table.to_pandas()
    frame["date"] = frame["date"].astype("datetime64[ns]")
    for c in text:
        frame[c] = frame[c].astype(str)
    return frame


def _shaped_plan(fi: int, part: FilePart) -> _File:
    """A shaped file as the scans see it: its kind comes with each row, its district is already clean."""
    path = Path(part.info["path"])
    return _File(fi=fi, path=path, read_path=path, fmt="rows", headers=[], cols=dict(part.info["columns"]),
                 kind=None, encoding=part.info.get("encoding"), info=part.info,
                 has_cat="category" in part.info["columns"] or part.info["shape"] == "wide")


def _load_shaped(con, parts: list[FilePart]) -> None:
    """The canonical raw rows of the shaped files, as the table ``shaped`` (the columns of ``src``).

    ``line`` is the row's place among its file's rows (a wide table gives several rows per line of
    the file), so that sorting by it keeps their order; the rejects file names the lines themselves.
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


def _assemble(con, stats: pd.DataFrame, one: pd.DataFrame, plans: list[_File], schema: Schema, as_of: dt.date,
              dedupe: str | None, parts: list[FilePart] | None) -> Cleaned:
    for c in ("reason", "label", "kind"):
        stats[c] = stats[c].astype(object).fillna("")
    if not len(one):
        one = pd.DataFrame({c: pd.Series(dtype=object) for c in _ONE_COLUMNS})
        one = one.astype({"fi": "int64", "line": "int64", "cand": bool, "hour": "int64",
                          "date": "datetime64[ns]", "cnt": "int64"})
    for c in ("reason", "label", "kind", "id"):
        one[c] = one[c].astype(object).fillna("")
    for c in ("has_time", "off", "unmatched", "fw", "tr", "ws", "cand"):
        one[c] = one[c].astype(object).fillna(False).astype(bool)
    cands = _dedupe_candidates(one[one["cand"]], dedupe)
    # Parquet files whose every kept time is midnight have dates, not times (as the pandas engine).
    no_time: set[int] = set()
    for f in plans:
        if f.fmt != "parquet":
            continue
        s = stats[(stats["fi"] == f.fi) & stats["has_time"].fillna(False).astype(bool)]
        c = cands[(cands["fi"] == f.fi) & cands["has_time"]]
        if (len(s) or len(c)) and not (s["off"].astype(bool).any() or c["off"].any()):
            no_time.add(f.fi)
    if no_time:
        stats.loc[stats["fi"].isin(no_time), "has_time"] = False
        cands.loc[cands["fi"].isin(no_time), "has_time"] = False
    fin = cands[cands["final"]]
    # shaped long and wide tables have no hourly counts and no "hour unknown" records
    untimed = {f.fi for f in plans if f.fmt == "rows" and f.info["shape"] != "records"}
    daily, hourly = _tables(con, fin[["date", "hour", "has_time", "kind", "category", "subcategory", "district",
                                      "cnt"]].astype({"date": "datetime64[ns]", "hour": "int64", "cnt": "int64"}),
                            no_time | untimed)
    kinds = sorted(set(stats["kind"]) | set(cands["kind"]))
    files = []
    for f in plans:
        s, c = stats[stats["fi"] == f.fi], cands[cands["fi"] == f.fi]
        info = dict(f.info)
        info["rows_read"] = int(s["n"].sum()) + len(c)
        if f.fmt != "rows":  # a shaped file counted its own (from its address column)
            info["district_unmatched"] = int(s.loc[s["unmatched"].astype(bool), "n"].sum() + c["unmatched"].sum())
        if info["rows_read"] == 0:
            info["notes"].append("no data rows")
        files.append(info)
    good = stats[(stats["reason"] == "") & ~stats["fi"].isin(untimed)]
    timed = fin[~fin["fi"].isin(untimed)]
    ledger = {
        **_block(stats, cands),
        "unmapped_categories": {},
        "total_mismatches": [m for p in parts or [] for m in p.mismatches],
        "hour_unknown": int(good.loc[~good["has_time"].astype(bool), "n"].sum() + (~timed["has_time"]).sum()),
        "district_unmatched": int(sum(i["district_unmatched"] for i in files)),
        **ledger_settings(schema, as_of, dedupe, "duckdb"),
        "files": files,
        "by_kind": {},
    }
    if dedupe != "exact":
        ledger["exact_duplicates_kept"] = ledger["exact_duplicates"]
    merged: dict = {}
    for kind in kinds:
        s, c = stats[stats["kind"] == kind], cands[cands["kind"] == kind]
        ledger["by_kind"][kind] = {**_block(s, c), "unmapped_categories": _unmapped(s, c)}
        for label, n in ledger["by_kind"][kind]["unmapped_categories"].items():
            merged[label] = merged.get(label, 0) + n
    # as the pandas engine: kinds in order, then a stable sort by count
    ledger["unmapped_categories"] = dict(sorted(merged.items(), key=lambda kv: -kv[1]))
    if parts is None:
        rejects = _rejects(one, plans)
    else:  # the shaped files' rejected rows, as their shaping wrote them
        rejects = pd.concat([p.rejects for p in parts if len(p.rejects)] or [pd.DataFrame(
            columns=["file", "line", "reason"])], ignore_index=True)
        rejects = rejects.reindex(columns=["file", "line", "reason"] + [c for c in RAW_COLUMNS if c in rejects])
        rejects = rejects.fillna("")
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger, rejects=rejects)


def _rejects(one: pd.DataFrame, plans: list[_File]) -> pd.DataFrame:
    """Rejected rows: file, line, reason and the raw values of the mapped non-sensitive columns."""
    bad = one[one["reason"] != ""].sort_values(["fi", "line"], kind="stable") if len(one) else one
    if not len(bad):
        return pd.DataFrame(columns=["file", "line", "reason"])
    by_fi = {f.fi: f for f in plans}
    roles = set()
    for fi in bad["fi"].unique():
        roles |= {"time"} | {r for r in _RAW if r in by_fi[int(fi)].cols}
    out = pd.DataFrame({"file": [str(by_fi[int(fi)].path) for fi in bad["fi"]],
                        "line": bad["line"].astype("int64").to_numpy(), "reason": bad["reason"].to_numpy()})
    for role in [r for r in RAW_COLUMNS if r in roles]:
        has = np.array([role == "time" or role in by_fi[int(fi)].cols for fi in bad["fi"]], dtype=bool)
        out[role] = np.where(has, bad[_RAW[role]].astype(object).fillna("").to_numpy(), "")
    return out.reset_index(drop=True)
