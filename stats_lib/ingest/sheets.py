"""Workbooks with several sheets: which sheets are read, how their rows are numbered, how rejects name them.

When the schema names no ``sheet:``, the reader picks the first visible sheet whose first rows name a
date/time column (:func:`stats_lib.ingest.readers.read_table`). The other sheets are then judged by
:func:`stack_sheets`:

- a visible sheet with **the same header** and data rows (one sheet per month, per station …) is read too:
  its rows follow the first sheet's, and the file's ledger entry lists every sheet read with its rows
  (``sheets: [{sheet, rows}]``);
- a visible sheet that also names a date/time column but has **another header** (a 汇总 sheet, another
  layout) stops the clean: one line naming the sheets and their data rows, asking for ``sheet:``;
- any other sheet (notes such as 说明, an empty or hidden sheet) is not read; the ledger notes it with its
  row count.

Rows keep their Excel row number as a user sees it: sheet *k* of the stack (0 for the first) numbers its
rows ``k * SHEET_LINES + row``, so rows sort by sheet and then by row, the first sheet's numbers are
unchanged, and :func:`name_sheets` turns the numbers of rejected rows back into a sheet name and a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stats_lib.errors import InputError

__all__ = ["SHEET_LINES", "SheetFrame", "Stacked", "stack_sheets", "name_sheets"]

#: Row numbers of the k-th sheet read start at ``k * SHEET_LINES`` (an Excel sheet has at most 2**20 rows).
SHEET_LINES = 1 << 20


@dataclass
class SheetFrame:
    """One sheet as read: its name, rows (header found), Excel row numbers and what the reader noted.

    Attributes
    ----------
    name : str
    frame : DataFrame
        One column per header, cells as text.
    lines : ndarray of int64
        The Excel row of each row of ``frame``.
    header_levels : list of list of str
    notes : list of str
    dated : bool
        Whether the sheet's first rows name a date/time column (a data sheet).
    visible : bool
    """

    name: str
    frame: pd.DataFrame
    lines: np.ndarray
    header_levels: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    dated: bool = True
    visible: bool = True


@dataclass
class Stacked:
    """The sheets read from one workbook, stacked.

    Attributes
    ----------
    frame : DataFrame
        The rows of every sheet read, in sheet order.
    lines : ndarray of int64
        ``k * SHEET_LINES + row`` for the k-th sheet read.
    sheets : list of dict
        ``{"sheet": name, "rows": data rows}`` per sheet read (empty when only one sheet is read).
    notes : list of str
        The first sheet's notes, then one per sheet not read.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    sheets: list
    notes: list


def stack_sheets(path: str, first: SheetFrame, others: list[SheetFrame]) -> Stacked:
    """Stack the sheets of a workbook that share the first sheet's header; stop when another data sheet differs.

    Parameters
    ----------
    path
        The workbook (for messages).
    first
        The sheet the reader picked.
    others
        Every other sheet of the workbook, in workbook order.

    Returns
    -------
    Stacked
        The rows of the sheets read and the ledger's account of each sheet.

    Raises
    ------
    InputError
        A visible sheet that names a date/time column and has data rows but a different header than the
        first one: the message names the sheets with their rows and asks for ``sheet:``.
    """
    header = list(first.frame.columns)
    same, differ, notes = [first], [], list(first.notes)
    for s in others:
        if not len(s.frame):
            notes.append(f"sheet '{s.name}' not read: no data rows")
        elif not s.visible:
            notes.append(f"hidden sheet '{s.name}' ({len(s.frame)} rows) not read")
        elif list(s.frame.columns) == header:
            same.append(s)
        elif s.dated:
            differ.append(s)
        else:
            notes.append(f"sheet '{s.name}' ({len(s.frame)} rows) not read: no date/time column")
    if differ:
        listed = ", ".join(f"'{s.name}' ({len(s.frame)} rows)" for s in [first, *differ])
        raise InputError(f"{path}: sheets with different headers hold data: {listed}; name the sheet to read with "
                         f"'sheet: <name>' in the schema (sheets with the same header are read together)")
    if len(same) == 1:
        return Stacked(frame=first.frame, lines=first.lines, sheets=[], notes=notes)
    frame = pd.concat([s.frame for s in same], ignore_index=True)
    lines = np.concatenate([np.asarray(s.lines, dtype=np.int64) + k * SHEET_LINES for k, s in enumerate(same)])
    notes.append(f"{len(same)} sheets with the same header read: "
                 + ", ".join(f"'{s.name}' ({len(s.frame)} rows)" for s in same))
    return Stacked(frame=frame, lines=lines, sheets=[{"sheet": s.name, "rows": len(s.frame)} for s in same],
                   notes=notes)


def name_sheets(rejects: pd.DataFrame, files: list[dict]) -> pd.DataFrame:
    """Rejected rows of stacked workbooks named by sheet and Excel row.

    Parameters
    ----------
    rejects
        ``file``, ``line``, ``reason`` … as the engines give them (``line`` as :func:`stack_sheets` numbers it).
    files
        The ledger's file entries; an entry with ``sheets`` is a stacked workbook.

    Returns
    -------
    DataFrame
        ``rejects`` with, when some rejected row comes from a stacked workbook, a ``sheet`` column after
        ``file`` (the sheet's name; '' for other files) and ``line`` the row within that sheet.
    """
    stacked = {str(f["path"]): [s["sheet"] for s in f["sheets"]] for f in files if f.get("sheets")}
    if not stacked or not len(rejects) or not rejects["file"].astype(str).isin(stacked).any():
        return rejects
    out = rejects.copy()
    line = out["line"].astype("int64")
    sheet = [stacked[f][int(n) // SHEET_LINES] if f in stacked else "" for f, n in zip(out["file"].astype(str), line)]
    inside = out["file"].astype(str).isin(stacked).to_numpy()
    out["line"] = np.where(inside, line % SHEET_LINES, line)
    out.insert(int(out.columns.get_loc("file")) + 1, "sheet", sheet)
    return out
