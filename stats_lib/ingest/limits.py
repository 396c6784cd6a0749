"""Bounded reading: what is checked before a file's bytes are trusted.

* Only regular files are read (a FIFO, a device such as ``/dev/zero`` or a socket would block or
  never end).
* gzip is decompressed as a stream, stopped at :func:`max_text_bytes` of text (default 4 GiB, or
  ``STATS_LIB_MAX_TEXT_BYTES``) and at a ratio of :func:`max_ratio` (default 100, or
  ``STATS_LIB_MAX_RATIO``) between text and compressed bytes: real exports compress 5 to 10 times,
  a decompression bomb 300 to 1000 times.
* Workbooks (``.xlsx``, ``.xlsm``, ``.ods`` are zip files) are checked by the sizes their zip directory
  declares before any sheet is read: the same caps.
* :func:`field_counts` counts the fields of every record of a delimited text, so that a row with fewer
  or more fields than the header is never read by position, and a line break inside an unquoted field
  (which splits one record into two short ones) is found.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.errors import InputError

__all__ = ["file_sha256", "max_text_bytes", "max_columns", "max_ratio", "regular_file", "read_bytes", "check_gzip", "check_workbook",
           "FieldCounts", "field_counts", "Ragged", "ragged_rows"]

_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes (read in 1 MiB blocks).

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def max_text_bytes() -> int:
    """Largest decompressed text accepted, in bytes (``STATS_LIB_MAX_TEXT_BYTES``, default 4 GiB).

    Returns
    -------
    int
        The cap in bytes.
    """
    return _env_int("STATS_LIB_MAX_TEXT_BYTES", 4 << 30)


def max_columns() -> int:
    """Most columns a file may have (``STATS_LIB_MAX_COLUMNS``, default 5,000).

    An export has tens of columns, a wide sheet one per day of a year or per district and category: a
    few hundred. Tens of thousands are a malformed or hostile file, and would exhaust the engines' memory.

    Returns
    -------
    int
        The limit, in columns.
    """
    return _env_int("STATS_LIB_MAX_COLUMNS", 5000)


def max_ratio() -> int:
    """Largest ratio of decompressed to compressed bytes accepted (``STATS_LIB_MAX_RATIO``, default 100).

    Returns
    -------
    int
        The ratio (decompressed bytes per compressed byte).
    """
    return _env_int("STATS_LIB_MAX_RATIO", 100)


def regular_file(path: Path) -> os.stat_result:
    """``os.stat`` of ``path``, refused unless it is a regular file.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    os.stat_result
        Its ``os.stat`` result.

    Raises
    ------
    InputError
        Missing, a folder, or not a regular file (FIFO, device, socket); the message names the file.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a folder, expected an export file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file (a device, pipe or socket); save the export to a file first")
    return st


def _too_big(path: Path, what: str) -> InputError:
    return InputError(f"{path}: file too large once decompressed ({what}); a decompression bomb? To read a "
                      f"genuine file this large set STATS_LIB_MAX_TEXT_BYTES / STATS_LIB_MAX_RATIO")


def _inflate(path: Path, fh, compressed: int, keep: bool) -> tuple[bytes, int]:
    """Stream-decompress a gzip file (every member); return (text if ``keep`` else b'', its size)."""
    cap, ratio = max_text_bytes(), max_ratio()
    out = bytearray() if keep else None
    total = consumed = 0
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pending = b""
    try:
        while True:
            if not pending:
                pending = fh.read(_CHUNK)
                consumed += len(pending)
                if not pending:
                    break
            piece = d.decompress(pending, _CHUNK * 16)
            pending = d.unconsumed_tail
            total += len(piece)
            if total > cap:
                raise _too_big(path, f"more than {cap:,} bytes of text")
            if total > ratio * max(consumed, 1 << 20):
                raise _too_big(path, f"more than {ratio} times its compressed size")
            if out is not None:
                out += piece
            if d.eof:
                rest = d.unused_data
                if rest.lstrip(b"\x00") == b"" and not pending:
                    nxt = fh.read(_CHUNK)
                    consumed += len(nxt)
                    if not nxt.lstrip(b"\x00"):
                        break
                    rest += nxt
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)  # a further member
                pending = rest + pending
        if not d.eof:
            raise InputError(f"{path}: truncated or corrupt gzip file (it ends inside the compressed data)")
    except zlib.error as exc:
        raise InputError(f"{path}: truncated or corrupt gzip file ({exc})") from None
    except MemoryError:
        raise InputError(f"{path}: not enough memory to decompress the file; use --engine duckdb or split it"
                         ) from None
    return (bytes(out) if out is not None else b""), total


def read_bytes(path: Path) -> bytes:
    """The bytes of a text export, gzip decompressed as a bounded stream.

    Parameters
    ----------
    path : Path
        The export file (``.gz`` is decompressed).

    Returns
    -------
    bytes
        The file's (decompressed) bytes.

    Raises
    ------
    InputError
        Not a regular file, unreadable, corrupt gzip, or larger than the caps once decompressed.
    """
    st = regular_file(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            if head == _GZIP_MAGIC:
                return _inflate(path, fh, st.st_size, keep=True)[0]
            if st.st_size > max_text_bytes():
                raise _too_big(path, f"{st.st_size:,} bytes")
            return fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    except MemoryError:
        raise InputError(f"{path}: not enough memory to read the file; use --engine duckdb or split it") from None


def check_gzip(path: Path) -> int:
    """Decompress a gzip file as a stream without keeping it; return its text size in bytes.

    For readers that decompress on their own (DuckDB): the same caps as :func:`read_bytes`.

    Parameters
    ----------
    path : Path
        The ``.gz`` file.

    Returns
    -------
    int
        Its decompressed size in bytes.

    Raises
    ------
    stats_lib.errors.InputError
        Not a regular file, unreadable, corrupt gzip, or larger than the caps once decompressed.
    """
    st = regular_file(path)
    with open(path, "rb") as fh:
        return _inflate(path, fh, st.st_size, keep=False)[1]


def check_workbook(path: Path) -> None:
    """Check a zip-based workbook (xlsx, xlsm, xlsb, ods) by the sizes its zip directory declares.

    Parameters
    ----------
    path : Path
        The workbook file.

    Raises
    ------
    InputError
        Not a regular file, not a zip/workbook, or members declaring more text than the caps allow.
    """
    st = regular_file(path)
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return  # an old binary .xls: calamine reads it with its own bounds
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise InputError(f"{path}: cannot read the workbook (its zip container is damaged)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    declared = sum(i.file_size for i in infos)
    if declared > max_text_bytes():
        raise _too_big(path, f"its sheets declare {declared:,} bytes")
    if declared > max_ratio() * max(st.st_size, 1 << 20):
        raise _too_big(path, f"its sheets declare more than {max_ratio()} times the file's size")


@dataclass(frozen=True)
class FieldCounts:
    """Result of :func:`field_counts`.

    Attributes
    ----------
    counts : ndarray of int64
        Fields in each record (0 for a blank line).
    lines : ndarray of int64
        The 1-based line where each record starts.
    """

    counts: np.ndarray
    lines: np.ndarray


def field_counts(text: str, delimiter: str) -> FieldCounts:
    """Count the fields of every record of a delimited text (the rules of Python's :mod:`csv`, which
    like pandas' parser ends a record at an unquoted CR, LF or CRLF).

    Parameters
    ----------
    text : str
        The whole decoded text.
    delimiter : str
        The field delimiter (``,``, tab, ``;``, ``|``).

    Returns
    -------
    FieldCounts
        Fields in each record and the line where it starts.

    Raises
    ------
    stats_lib.errors.InputError
        The text is not a well-formed table for :mod:`csv` (an unterminated quote …).
    """
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    counts, ends = [], []
    try:
        for row in reader:
            counts.append(len(row))
            ends.append(reader.line_num)
    except csv.Error as exc:  # a NUL byte: reported by the caller's parser
        raise InputError(f"not a well-formed table ({exc})") from None
    ends_arr = np.asarray(ends, dtype=np.int64)
    starts = np.concatenate([[1], ends_arr[:-1] + 1]) if len(ends_arr) else ends_arr
    return FieldCounts(np.asarray(counts, dtype=np.int64), starts.astype(np.int64))


@dataclass(frozen=True)
class Ragged:
    """Result of :func:`ragged_rows`.

    Attributes
    ----------
    ragged : ndarray of bool
        Rows whose field count differs from the header's (a row split in two is marked at its first half).
    split : ndarray of bool
        Second halves of records split by a line break inside an unquoted field (to drop: the record is
        counted once).
    note : str
        What the ledger should say ('' when nothing was found).
    """

    ragged: np.ndarray
    split: np.ndarray
    note: str


def ragged_rows(grid: pd.DataFrame, counts: np.ndarray) -> Ragged:
    """Find the rows of ``grid`` (all text, header row first, one row per record) whose field count
    (``counts``, from :func:`field_counts`) differs from the header's. Extra fields that are all empty
    and blank lines are not ragged. Two ragged rows in a row whose counts add up to the header's plus
    one are one record split by a line break inside an unquoted field.

    Parameters
    ----------
    grid : pd.DataFrame
        The table as text, header row first, one row a record.
    counts : np.ndarray
        Fields of each record (:func:`field_counts`), one a row of ``grid``.

    Returns
    -------
    Ragged
        The ragged rows, the split records and the ledger's note.
    """
    width = int(counts[0]) if len(counts) else grid.shape[1]
    nonblank = (grid != "").to_numpy()
    blank = ~nonblank.any(axis=1)
    extra = nonblank[:, width:].any(axis=1) if grid.shape[1] > width else np.zeros(len(grid), bool)
    ragged = ~blank & ((counts < width) | ((counts > width) & extra))
    split = np.zeros(len(grid), bool)
    i = 1
    while i < len(grid) - 1:
        if ragged[i] and ragged[i + 1] and counts[i] + counts[i + 1] - 1 == width:
            split[i + 1] = True
            i += 2
        else:
            i += 1
    n_split, n_ragged = int(split.sum()), int(ragged.sum() - split.sum())
    note = ""
    if n_ragged:
        note = (f"{n_ragged} row(s) with more or fewer fields than the header rejected as ragged_row"
                + (f", {n_split} of them split by a line break inside an unquoted field" if n_split else ""))
    return Ragged(ragged & ~split, split, note)
