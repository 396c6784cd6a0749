"""Encodings of text exports: UTF-8 (with or without BOM, or UTF-16 with BOM), else GB18030 (never plain GBK,
which cannot hold rare characters in names), or Big5 when the schema says so or it is detected.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from stats_lib.errors import InputError
from stats_lib.ingest.schema import Schema

__all__ = ["detect_encoding", "foreign_bom", "decode_text"]

_SAMPLE = 1 << 20


def _cjk_score(text: str) -> float:
    """Share of CJK characters that are common ones (GB2312 level 1 or Big5 frequent block)."""
    chars = [c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    if not chars:
        return 0.0
    common = 0
    for c in set(chars):
        ok = False
        try:
            ok = 0xB0 <= c.encode("gb2312")[0] <= 0xD7
        except UnicodeEncodeError:
            pass
        if not ok:
            try:
                ok = 0xA4 <= c.encode("big5")[0] <= 0xC6
            except UnicodeEncodeError:
                pass
        common += ok * chars.count(c)
    return common / len(chars)


def detect_encoding(sample: bytes, declared: str | None = None) -> str:
    """Guess the encoding of a text sample.

    Parameters
    ----------
    sample
        The first bytes of the (decompressed) file.
    declared
        The schema's ``encoding:``; returned unchanged when given (``gbk`` is read as ``gb18030``).

    Returns
    -------
    str
        ``utf-8-sig`` (UTF-8 with BOM), ``utf-16`` (with BOM), ``utf-8``, ``gb18030`` or ``big5``; a UTF-8
        mark before text that is not UTF-8 gives the encoding of what follows it (see :func:`foreign_bom`).
        Big5 is chosen only when the sample decodes as Big5 and its characters are clearly more
        common Chinese characters than the GB18030 reading gives.
    """
    if declared:
        return declared
    if sample.startswith(codecs.BOM_UTF8):
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample[3:], final=False)
            return "utf-8-sig"
        except UnicodeDecodeError:  # an export tool's mark before GB18030 or Big5 text
            return detect_encoding(sample[3:])
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        as_big5 = codecs.getincrementaldecoder("big5")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    as_gb = sample.decode("gb18030", errors="replace")
    return "big5" if _cjk_score(as_big5) > _cjk_score(as_gb) + 0.2 else "gb18030"


def foreign_bom(sample: bytes, encoding: str) -> bool:
    """Whether ``sample`` starts with a UTF-8 byte-order mark although the text is in another ``encoding``
    (an export tool that writes the mark before GB18030 text).

    Parameters
    ----------
    sample : bytes
        The first bytes of the (decompressed) file.
    encoding : str
        The encoding the text is read in.

    Returns
    -------
    bool
        True when the three bytes of the mark must be dropped before decoding.
    """
    return sample.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig")


def decode_text(path: Path, data: bytes, schema: Schema) -> tuple[str, str]:
    """Decode a text file's bytes in the schema's encoding, else the detected one (:func:`detect_encoding`).

    A UTF-8 byte-order mark before text in another encoding is dropped (:func:`foreign_bom`); a file that
    looked like UTF-8 at the start but is not throughout is read as GB18030.

    Parameters
    ----------
    path : Path
        The file (for messages).
    data : bytes
        Its (decompressed) bytes.
    schema : Schema
        For ``encoding:``.

    Returns
    -------
    tuple of (str, str)
        The text and the encoding used.

    Raises
    ------
    InputError
        Binary data, or bytes that do not decode in the declared or detected encoding.
    """
    enc = detect_encoding(data[:_SAMPLE], schema.encoding)
    if foreign_bom(data, enc):
        data = data[3:]
    if b"\x00" in data[:4096] and not enc.startswith("utf-16"):
        raise InputError(f"{path}: binary data, not a text table (expected CSV/TSV text, Excel or Parquet)")
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        if schema.encoding or enc == "gb18030":
            raise InputError(f"{path}: cannot be decoded as {enc} (invalid byte at offset {exc.start}); "
                             "set 'encoding:' in the schema (utf-8, gb18030 or big5)") from None
    try:  # the sample looked like UTF-8 (or Big5) but the rest is not
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot be decoded as {enc} nor gb18030 (invalid byte at offset {exc.start})"
                         ) from None
