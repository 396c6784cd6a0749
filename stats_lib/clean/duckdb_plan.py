"""The DuckDB engine's plan of each input file: what DuckDB reads itself, and how.

A record-level CSV, TSV, ``.csv.gz`` or Parquet file is planned as the readers of :mod:`stats_lib.ingest`
see it (encoding, delimiter, title rows, header, mapped columns): a :class:`ReadPlan`. A file DuckDB
does not read itself raises :class:`Unsupported`; the whole input is then shaped by pandas
(:func:`stats_lib.clean.shape.shape_files`) and each shaped file gets a plan too (:func:`shaped_plan`).
"""
from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stats_lib.clean.records import NotRecords, record_plan
from stats_lib.clean.shape import FilePart
from stats_lib.ingest.encodings import detect_encoding, foreign_bom
from stats_lib.ingest.headers import combine_headers
from stats_lib.ingest.limits import check_gzip, regular_file
from stats_lib.ingest.readers import (
    header_row,
    sniff_delimiter,
    unique_names,
)
from stats_lib.ingest.schema import Schema

__all__ = ["Unsupported", "ReadPlan", "Digest", "is_text", "is_parquet", "plan_text", "plan_parquet", "digest",
           "shaped_plan"]

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
_BLOCK = 4 << 20
_SAMPLE = 1 << 20


class Unsupported(Exception):
    """DuckDB does not read this input itself: it is read and shaped by :mod:`stats_lib.clean.shape` (the message says why)."""


# ----------------------------------------------------------------------------------------------
# Choosing the engine
# ----------------------------------------------------------------------------------------------


def is_text(path: Path) -> bool:
    """Whether ``path`` names delimited text (``.csv``, ``.tsv``, ``.txt``, ``.tab``, optionally ``.gz``).

    Parameters
    ----------
    path
        A file name.

    Returns
    -------
    bool
        True for such a name (case-insensitive).
    """
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(_TEXT_SUFFIXES)


def is_parquet(path: Path) -> bool:
    """Whether ``path`` names a Parquet file (``.parquet``, ``.pq``).

    Parameters
    ----------
    path
        A file name.

    Returns
    -------
    bool
        True for such a name (case-insensitive).
    """
    return path.suffix.lower() in (".parquet", ".pq")


# ----------------------------------------------------------------------------------------------
# Planning one file
# ----------------------------------------------------------------------------------------------


@dataclass
class ReadPlan:
    """One input file as planned: where DuckDB reads it, its headers, mapped columns and ledger entry.

    Attributes
    ----------
    fi : int
        The file's index among the inputs (0-based).
    path : Path
        The file as given.
    read_path : Path
        The file DuckDB reads (a decompressed or re-encoded copy, else ``path``).
    fmt : str
        ``csv`` or ``parquet``.
    headers : list[str]
        The file's headers, in order.
    cols : dict
        Role → header (:func:`stats_lib.ingest.columns.map_columns`).
    kind : str | None
        ``警情`` or ``案件``; None when a kind column gives it row by row.
    encoding : str | None
        The text encoding, or None for Parquet.
    info : dict
        The file's ledger entry (path, sha256, rows …).
    typed_time : bool, default False
        The time column is a Parquet timestamp.
    csv_options : dict
        Options of DuckDB's ``read_csv`` (delimiter, quote …).
    col_types : dict
        Header → DuckDB column type given to ``read_csv``.
    has_cat : bool | None, default None
        Shaped rows only: whether they carry a category; None for records.
    """

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


def _open_bytes(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _records(path: Path, headers: list[str], schema: Schema, encoding: str | None,
             notes: list[str]) -> tuple[dict, str | None, dict]:
    """:func:`stats_lib.clean.records.record_plan`, with a file that needs shaping as :class:`Unsupported`."""
    try:
        return record_plan(str(path), headers, schema, encoding, notes)
    except NotRecords as exc:
        raise Unsupported(f"{path.name}: {exc}") from None


def _has_blank_line(block: bytes) -> bool:
    """Whether ``block`` holds ``\\n\\n`` or ``\\n\\r\\n``, from the gaps between its newlines (numpy:
    several times faster than searching the bytes, whose newlines are frequent)."""
    a = np.frombuffer(block, np.uint8)
    nl = np.flatnonzero(a == 10)
    gap = np.diff(nl)
    return bool((gap == 1).any() or (a[nl[:-1][gap == 2] + 1] == 13).any())


@dataclass(frozen=True)
class Digest:
    """Result of :func:`digest`: the SHA-256 (hex) of a file and whether it holds a blank line.

    Attributes
    ----------
    sha256 : str
        SHA-256 of the file's bytes, 64 hex digits.
    blank_lines : bool
        The file holds a blank line (DuckDB's reader then falls back to the shaped path).
    """

    sha256: str
    blank_lines: bool


def digest(path: Path, find_blank_lines: bool) -> Digest:
    """SHA-256 of the file's bytes and whether it holds an empty line, in one read (flat memory).

    Parameters
    ----------
    path
        The file.
    find_blank_lines
        Look for ``\\n\\n`` and ``\\n\\r\\n`` too (a CSV that DuckDB reads in place).

    Returns
    -------
    Digest
        ``sha256`` (hex) and ``blank_lines`` (bool).
    """
    sha = hashlib.sha256()
    blank, tail = False, b""
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            sha.update(block)
            if find_blank_lines and not blank:
                edge = tail + block[:2]   # a blank line across the block boundary
                blank = b"\n\n" in edge or b"\n\r\n" in edge or _has_blank_line(block)
                tail = (edge if len(block) < 2 else block)[-2:]
    return Digest(sha256=sha.hexdigest(), blank_lines=blank)


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


def plan_text(fi: int, path: Path, schema: Schema, tmp: Path) -> ReadPlan:
    """Plan a delimited text file: encoding, delimiter, title rows, header and mapped columns.

    Parameters
    ----------
    fi
        The file's index among the input files.
    path
        The file (gzip or not).
    schema
        A validated schema.
    tmp
        A folder for a UTF-8 copy (gzip and non-UTF-8 files are transcoded in a stream).

    Returns
    -------
    ReadPlan
        How the DuckDB engine reads the file, or why it cannot (hand it to the shaped path).

    Raises
    ------
    Unsupported
        DuckDB does not read this file itself (the whole input is then shaped).
    InputError
        No time column; not a regular file; a gzip file larger than the caps once decompressed.
    """
    regular_file(path)
    if path.name.lower().endswith(".gz"):
        check_gzip(path)  # bounded: a decompression bomb stops here, before it is transcoded to disk
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
    if foreign_bom(head, enc):
        raise Unsupported(f"{path.name}: a UTF-8 mark before text in another encoding")
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
    names = combine_headers([header], len(header)).names
    headers = unique_names(names, notes)
    cols, kind, info = _records(path, headers, schema, enc, notes)
    if gz or enc not in ("utf-8", "utf-8-sig"):
        read_path = tmp / f"input{fi}.csv"
        _transcode(path, enc, read_path)
    else:
        read_path = path   # blank lines are looked for while the file is hashed (digest)
    options = {"delim": delim, "skip": h, "width": len(header)}
    return ReadPlan(fi=fi, path=path, read_path=read_path, fmt="csv", headers=headers, cols=cols, kind=kind,
                 encoding=enc, info=info, csv_options=options)


def plan_parquet(fi: int, path: Path, schema: Schema) -> ReadPlan:
    """Plan a Parquet file: its column types and mapped columns.

    Parameters
    ----------
    fi
        The file's index among the input files.
    path
        The file.
    schema
        A validated schema.

    Returns
    -------
    ReadPlan
        How the DuckDB engine reads the file, or why it cannot (hand it to the shaped path).

    Raises
    ------
    Unsupported
        Column types or a file DuckDB does not read itself.
    InputError
        No time column.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        arrow_schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise Unsupported(f"{path.name} cannot be read as Parquet ({type(exc).__name__})") from None
    headers = [str(n) for n in arrow_schema.names]
    if len(set(headers)) != len(headers):
        raise Unsupported(f"{path.name} has duplicate column names")
    cols, kind, info = _records(path, headers, schema, None, [])
    types = {}
    for f in arrow_schema:
        t = f.type
        if pa.types.is_timestamp(t):
            if t.tz is not None:
                raise Unsupported(f"{path.name}: time-zone-aware timestamps")
            types[f.name] = "timestamp"
        elif (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t)
              or pa.types.is_binary(t) or pa.types.is_large_binary(t)):  # read with binary_as_string
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
    return ReadPlan(fi=fi, path=path, read_path=path, fmt="parquet", headers=headers, cols=cols, kind=kind,
                 encoding=None, info=info, typed_time=types[cols["time"]] == "timestamp", col_types=types)


def shaped_plan(fi: int, part: FilePart) -> ReadPlan:
    """A shaped file as the scans see it: its kind comes with each row, its district is already clean.

    Parameters
    ----------
    fi
        The file's index among the input files.
    part
        The file shaped by :func:`stats_lib.clean.shape.shape_file`.

    Returns
    -------
    ReadPlan
        ReadPlan with ``fmt="rows"``.
    """
    path = Path(part.info["path"])
    return ReadPlan(fi=fi, path=path, read_path=path, fmt="rows", headers=[], cols=dict(part.info["columns"]),
                 kind=None, encoding=part.info.get("encoding"), info=part.info,
                 has_cat="category" in part.info["columns"] or part.info["shape"] == "wide")
