"""Planning the Spark engine's sources: which Spark reads, how, and which the driver shapes.

A source is a file path (local, or a URI Spark reads: ``hdfs://``, ``s3a://`` …) or a table name
(``db.table``, from the session's catalog: Hive metastore or Unity/Glue). :func:`plan_sources` maps each
one's columns exactly as the readers and :func:`stats_lib.clean.shape.shape_file` do and returns a
:class:`Source` for what Spark reads itself: record-level CSV/TSV (UTF-8, GB18030 or Big5, gzip or not),
Parquet and tables. A local file Spark should not read (Excel, long or wide tables, an ``hour:``,
``address:`` or ``count:`` column, UTF-16, blank lines …) is marked for the driver, which shapes it
with the embedded engine's own code; a remote one stops with an :class:`stats_lib.errors.InputError`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from stats_lib.clean.records import NotRecords, record_plan
from stats_lib.errors import InputError
from stats_lib.ingest.encodings import detect_encoding, foreign_bom
from stats_lib.ingest.headers import combine_headers
from stats_lib.ingest.readers import (
    header_row,
    sniff_delimiter,
    unique_names,
)
from stats_lib.ingest.schema import Schema

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["Source", "Fallback", "is_uri", "plan_file", "plan_table", "SparkDigest", "digest"]

_TEXT = (".csv", ".tsv", ".txt", ".tab")
_SAMPLE = 1 << 20
_BLOCK = 4 << 20
# Python codec name -> Java charset name, for the encodings Spark's line reader splits safely.
# GB18030 and Big5 are not among them: read by Spark 4 with spark.sql.legacy.javaCharsets, a GB18030 file
# with CRLF line ends gave twice its rows in a test, so such local files are shaped on the driver.
_JAVA = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8"}
_BLANK_LINE = re.compile(rb"(?:^|\n)[\x00-\x20]*\n")
#: A line with an odd number of double quotes: a quoted field runs over a line break (Spark, reading line by
#: line, would split the record; the readers keep it whole). Linear: the runs between quotes hold no quote.
_ODD_QUOTES = re.compile(rb'(?m)^[^"\n]*"(?:[^"\n]*"[^"\n]*")*[^"\n]*$')


class Fallback(Exception):
    """This source is shaped on the driver by the embedded engine's code (the message says why)."""


@dataclass
class Source:
    """One source Spark reads.

    Attributes
    ----------
    fi : its index among the sources (file order).
    name : as the ledger names it: the path or URI as given, or ``db.table``.
    fmt : ``csv``, ``parquet`` or ``table``.
    headers, cols : the column names and the roles mapped to them (:func:`map_columns`).
    kind : 警情/案件 for the whole source, or None when a kind column gives it.
    info : the source's ledger entry.
    time_type : ``text``, ``timestamp``, ``nanos`` (Parquet nanoseconds read as a number) or ``date``.
    csv : ``delim``, ``skip`` (title rows), ``width``, ``encoding`` (Java name).
    """

    fi: int
    name: str
    fmt: str
    headers: list[str]
    cols: dict
    kind: str | None
    info: dict
    time_type: str = "text"
    csv: dict = field(default_factory=dict)


def is_uri(name: str) -> bool:
    """True for a URI of another file system (``hdfs://``, ``s3a://`` …); False for a local path or ``file:``.

    Parameters
    ----------
    name : str
        A file name or URI.

    Returns
    -------
    bool
        True for a remote URI.
    """
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", name)) and not name.lower().startswith("file:")


def _records(name: str, headers: list[str], schema: Schema, encoding: str | None,
             notes: list[str]) -> tuple[dict, str | None, dict]:
    """:func:`stats_lib.clean.records.record_plan`, with a file that needs shaping as :class:`Fallback`."""
    try:
        return record_plan(name, headers, schema, encoding, notes)
    except NotRecords as exc:
        raise Fallback(str(exc)) from None


def _head_local(path: Path) -> bytes:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as fh:
            return fh.read(_SAMPLE)
    except (OSError, EOFError) as exc:
        raise Fallback(f"unreadable ({type(exc).__name__})") from None


def _plan_text(fi: int, name: str, head: bytes, schema: Schema) -> Source:
    if not head.strip():
        raise Fallback("empty")
    enc = detect_encoding(head, schema.encoding)
    if b"\x00" in head[:4096] or enc.lower() not in _JAVA:
        raise Fallback(f"encoding {enc}")
    if foreign_bom(head, enc):
        raise Fallback("a UTF-8 mark before text in another encoding")
    try:
        text = codecs.getincrementaldecoder(enc)().decode(head, final=False).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        raise Fallback(f"does not decode as {enc}") from None
    lines = text.splitlines()[:30]
    delim = sniff_delimiter(Path(name), lines)
    try:
        rows = list(csv.reader([ln[:65536] for ln in lines], delimiter=delim))
    except csv.Error as exc:
        raise Fallback(str(exc)) from None
    h = header_row(rows, schema)
    if h >= len(rows):
        raise Fallback("no header row")
    notes: list[str] = [f"{h} title row(s) above the header skipped"] if h else []
    names = combine_headers([rows[h]], len(rows[h])).names
    headers = unique_names(names, notes)
    cols, kind, info = _records(name, headers, schema, enc, notes)
    return Source(fi=fi, name=name, fmt="csv", headers=headers, cols=cols, kind=kind, info=info,
                  csv={"delim": delim, "skip": h, "width": len(rows[h]), "encoding": _JAVA[enc.lower()]})


def _arrow_kind(t) -> str:
    import pyarrow as pa

    if pa.types.is_timestamp(t):
        return "tz" if t.tz is not None else ("nanos" if t.unit == "ns" else "timestamp")
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return "text"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_null(t):
        return "null"
    if pa.types.is_date(t):
        return "date"
    return "other"


def _spark_kind(t) -> str:
    from pyspark.sql import types as T

    if isinstance(t, T.TimestampType) or type(t).__name__ == "TimestampNTZType":
        return "timestamp"
    if isinstance(t, T.StringType):
        return "text"
    if isinstance(t, (T.IntegerType, T.LongType, T.ShortType, T.ByteType)):
        return "int"
    if isinstance(t, T.NullType):
        return "null"
    if isinstance(t, T.DateType):
        return "date"
    return "other"


def _plan_typed(fi: int, name: str, fmt: str, types: dict[str, str], schema: Schema, local: bool) -> Source:
    headers = list(types)
    if len(set(headers)) != len(headers):
        raise Fallback("duplicate column names")
    cols, kind, info = _records(name, headers, schema, None, [])
    for role, col in cols.items():
        if role == "date_only":
            continue
        t = types[col]
        if t in ("tz", "other") or (t == "date" and local) or (t == "nanos" and role != "time"):
            raise Fallback(f"column '{col}' of a type Spark would read differently")
    t = types[cols["time"]]
    time_type = {"timestamp": "timestamp", "nanos": "nanos", "date": "date"}.get(t, "text")
    return Source(fi=fi, name=name, fmt=fmt, headers=headers, cols=cols, kind=kind, info=info, time_type=time_type)


def plan_file(fi: int, name: str, schema: Schema, spark: SparkSession) -> Source:
    """Plan one file (local path or URI).

    Parameters
    ----------
    fi : int
        The file's index among the inputs (0-based).
    name : str
        A local path or a URI.
    schema : Schema
        A validated schema.
    spark : SparkSession
        The Spark session.

    Returns
    -------
    Source
        How Spark reads the file.

    Raises
    ------
    Fallback
        A local file the driver shapes instead (any problem the embedded engine reports is reported by it).
    InputError
        A remote file Spark cannot read as records (the message says why).
    """
    remote = is_uri(name)
    lower = name.lower()
    parquet = lower.endswith((".parquet", ".pq"))
    text = lower.removesuffix(".gz").endswith(_TEXT)
    try:
        if not remote:
            path = Path(name.removeprefix("file://").removeprefix("file:"))
            if parquet:
                import pyarrow.parquet as pq

                try:
                    arrow = pq.read_schema(path)
                except Exception as exc:  # pyarrow raises several types for corrupt files
                    raise Fallback(f"not readable as Parquet ({type(exc).__name__})") from None
                return _plan_typed(fi, name, "parquet", {str(f.name): _arrow_kind(f.type) for f in arrow}, schema,
                                   True)
            if text:
                return _plan_text(fi, name, _head_local(path), schema)
            raise Fallback("not CSV or Parquet")
        if parquet:
            df = spark.read.parquet(name)
            return _plan_typed(fi, name, "parquet", {f.name: _spark_kind(f.dataType) for f in df.schema.fields},
                               schema, False)
        head = "\n".join(r[0] for r in spark.read.text(name).limit(30).collect()).encode("utf-8")
        return _plan_text(fi, name, head, schema)
    except (Fallback, InputError) as exc:
        if remote:
            raise InputError(f"{name}: the Spark engine cannot read it as a record-level table ({exc})") from None
        raise Fallback(str(exc)) from None


def plan_table(fi: int, name: str, schema: Schema, spark: SparkSession) -> Source:
    """Plan a table of the session's catalog (``db.table``).

    Parameters
    ----------
    fi : int
        The table's index among the inputs (0-based).
    name : str
        The table's name, ``db.table``.
    schema : Schema
        A validated schema.
    spark : SparkSession
        The Spark session.

    Returns
    -------
    Source
        How Spark reads the table.

    Raises
    ------
    InputError
        The table does not exist, or it is not a record-level table Spark can clean.
    """
    if not re.fullmatch(r"[A-Za-z0-9_`.]+", name):
        raise InputError(f"--table {name}: expected a table name such as db.table")
    try:
        df = spark.table(name)
    except Exception as exc:  # AnalysisException: table or view not found
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        raise InputError(f"--table {name}: the table cannot be read ({first})") from None
    try:
        return _plan_typed(fi, name, "table", {f.name: _spark_kind(f.dataType) for f in df.schema.fields}, schema,
                           False)
    except Fallback as exc:
        raise InputError(f"--table {name}: the Spark engine cannot clean it ({exc})") from None


def _driver_lines(stream) -> bool:
    """Whether the ``stream`` (bytes) holds a line of nothing but white space (bytes <= 0x20) or a line break
    inside a quoted field. The quote byte 0x22 is never part of a GB18030 or Big5 character."""
    carry = b""
    while block := stream.read(_BLOCK):
        data = carry + block
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            continue
        if _BLANK_LINE.search(data[:cut + 1]) or _ODD_QUOTES.search(data[:cut]):
            return True
        carry = data[cut + 1:]
    return bool(carry) and (not carry.strip(bytes(range(33))) or bool(_ODD_QUOTES.search(carry)))


@dataclass(frozen=True)
class SparkDigest:
    """Result of :func:`digest`: the SHA-256 (hex) of a local file and whether the driver must shape it.

    Attributes
    ----------
    sha256 : str
        SHA-256 of the file's bytes, 64 hex digits.
    on_driver : bool
        The driver shapes the file (it is not a plain CSV or Parquet table Spark can read).
    """

    sha256: str
    on_driver: bool


def digest(path: Path) -> SparkDigest:
    """SHA-256 of a local file's bytes and whether the driver must shape it: a blank line (Spark skips blank
    lines, the readers count them) or a quoted field over a line break; the file is read in blocks (flat
    memory).

    Parameters
    ----------
    path : Path
        A local file, plain or gzip-compressed.

    Returns
    -------
    SparkDigest
        ``sha256`` (hex, of the file's bytes as stored) and ``on_driver`` (True: shape it on the driver).
    """
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            sha.update(block)
        fh.seek(0)
        gz = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        if gz:
            with gzip.open(fh, "rb") as inner:
                blank = _driver_lines(inner)
        else:
            blank = _driver_lines(fh)
    return SparkDigest(sha256=sha.hexdigest(), on_driver=blank)
