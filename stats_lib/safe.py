"""Text that spreadsheets open safely: formula injection neutralised in every XLSX and CSV we write.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, WPS and LibreOffice; XlsxWriter (which python-pptx uses for the workbooks inside
editable charts) writes ``{=…}`` as an array formula; leading spaces do not stop LibreOffice. Every writer of the package (the cleaning rejects file, the
compare CSV, the briefing workbook) passes its text through :func:`safe_cell`.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

__all__ = ["safe_cell", "safe_frame", "write_csv", "csv_bytes", "md_cell"]

_DANGEROUS_RE = r"^[ \t\n\r\f\v{]*[=+\-@\t\r]"
_DANGEROUS = re.compile(_DANGEROUS_RE)


def safe_cell(value: object) -> object:
    """Neutralise text that a spreadsheet would read as a formula.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``"'" + value`` when ``value`` is a string beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
        carriage return, also after white space or ``{`` (``{=…}`` is an array formula); ``value``
        unchanged otherwise (numbers, including negative ones, dates, None).
    """
    if isinstance(value, str) and _DANGEROUS.match(value):
        return "'" + value
    return value


def md_cell(value: object) -> str:
    """Text for one cell of a Markdown table, which can never end its cell or its row.

    Parameters
    ----------
    value : object
        Any value; it is written with ``str``.

    Returns
    -------
    str
        The text with ``|`` and ``\\`` escaped and every run of white space (line breaks too) as one space.
    """
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|")


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with :func:`safe_cell` applied to every text cell and column label.

    Use it on every frame written to CSV.

    Parameters
    ----------
    df : pandas.DataFrame
        Any frame; it is not changed.

    Returns
    -------
    pandas.DataFrame
        Same shape, columns and dtypes; numeric, boolean and date columns unchanged; in text columns
        (``str`` or ``object`` dtype) and labels, dangerous strings prefixed with ``'``.
    """
    out = df.copy()
    out.columns = [safe_cell(c) for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if pd.api.types.is_string_dtype(col.dtype) and not isinstance(col.dtype, pd.CategoricalDtype):
            if col.dtype == object:
                out.isetitem(i, col.map(safe_cell))
            else:
                hit = col.str.contains(_DANGEROUS_RE, regex=True, na=False)
                out.isetitem(i, col.where(~hit, "'" + col))
        elif col.dtype == object:
            out.isetitem(i, col.map(safe_cell))
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as a CSV that Excel and WPS open safely: :func:`safe_frame`, every text field quoted.

    UTF-8 with a byte-order mark (so that Excel reads Chinese correctly), no index. Quoting every
    text field keeps a carriage return or line feed inside a value from starting a new row whose
    first cell could be a formula.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to write; its columns become the header row.
    path : str or pathlib.Path
        The file to write (replaced if it exists).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    out = Path(path)
    safe_frame(df).to_csv(out, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_NONNUMERIC)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as the bytes of a CSV, as :func:`write_csv` writes a file: UTF-8 with a byte-order mark.

    :func:`safe_frame`, every text field quoted, no index, ``\\n`` line ends: for a CSV that goes to
    standard output (``briefing compare --format csv``), which Excel on Chinese Windows then reads right.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; its columns become the header row.

    Returns
    -------
    bytes
        Starting with the UTF-8 byte-order mark ``EF BB BF``.
    """
    text = safe_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    return text.encode("utf-8-sig")
