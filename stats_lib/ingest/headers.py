"""Header vocabulary shared by the schema and the cleaner: header keys, date and time-of-day headers, kinds.

:func:`header_key` is the comparison key of a header; :func:`is_date_header` and :func:`is_time_header`
tell a date column (日期, Date, DATE OCC) from a time-of-day column (时间, Time, TIME OCC), and
:func:`pair_date_time` pairs them; the constants below decide the kind (警情 or 案件) and the roles
found by header suffix. :func:`combine_headers` makes column names of a header of several rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stats_lib.ingest.taxonomy import match_key

__all__ = ["CASE_HEADERS", "WEAK_CASE_HEADERS", "CALL_WORDS", "ROLE_SUFFIXES", "header_key", "is_date_header",
           "is_time_header", "pair_date_time", "header_cells", "HeaderNames", "combine_headers"]

#: Headers that mark a file as cases (案件) when the schema does not say: strong ones always ...
CASE_HEADERS = ("案件编号", "案由", "案件类别", "案件类型", "案件性质")
#: ... weak ones only when no header speaks of calls (a fire brigade's call log has 立案时间 too).
WEAK_CASE_HEADERS = ("立案时间", "立案日期")
#: Words of a header that mark a log of calls (警情): 报警, 接警, 火警, 110.
CALL_WORDS = ("报警", "接警", "火警", "110", "出警", "处警")
#: Header suffixes that name a category (…类型, …类别, …性质) or a district (…街道, …辖区 …) when no
#: header of the vocabulary above is present.
ROLE_SUFFIXES = {"category": ("类型", "类别", "性质"), "subcategory": ("细类", "子类", "小类"),
                 "district": ("街道", "辖区", "派出所", "分局", "警务区", "乡镇", "社区")}


def header_key(name: object) -> str:
    """Return the comparison key of a column header: normalised, case-folded, no spaces, ``_`` or ``-``.

    Parameters
    ----------
    name : object
        A column header (any value; None and NaN are ``''``).

    Returns
    -------
    str
        The key two headers are compared by.
    """
    return re.sub(r"[\s_\-]+", "", match_key(name))


def is_date_header(header: str) -> bool:
    """True when a header names a date (日期, date) and not a time of day (时间, time).

    Parameters
    ----------
    header : str
        A column header.

    Returns
    -------
    bool
        True for a date header.
    """
    key = header_key(header)
    return bool(re.search(r"日期|date|^day$|^dt$", key)) and not re.search(r"时间|时刻|time", key)


def is_time_header(header: str) -> bool:
    """True when a header names a time of day (时间, 时刻, time) and not a date (日期, date).

    Parameters
    ----------
    header : str
        A column header.

    Returns
    -------
    bool
        True for a time-of-day header.
    """
    key = header_key(header)
    return bool(re.search(r"时间|时刻|time|^tm$", key)) and not re.search(r"日期|date|stamp", key)


def pair_date_time(found: dict[str, str], used: set[str], free: list[str], off: set[str]) -> None:
    """Pair a date header with a time-of-day header (in place): the date is ``time``, the time of day ``hour``.

    Parameters
    ----------
    found : dict[str, str]
        Role → header mapped so far; ``time``, ``hour`` and ``date_only`` are set here.
    used : set[str]
        Headers already mapped; the paired ones are added.
    free : list[str]
        Headers not yet mapped, in file order.
    off : set[str]
        Roles the schema turned off (not looked for).
    """
    time = found.get("time")
    if "hour" in found and time is not None and not is_time_header(time):
        return
    if time is None:  # no header of the vocabulary: 'DATE OCC' / 'TIME OCC', 'Record Create Date'
        dates = [h for h in free if is_date_header(h)]
        occurred = [h for h in dates if re.search(r"occ|发生|案发|event|incident", header_key(h))]
        dates = occurred if len(dates) > 1 else dates
        if len(dates) != 1:
            return
        found["time"] = time = dates[0]
        used.add(time)
        free = [h for h in free if h != time]
    if is_time_header(time):
        dates = [h for h in free if is_date_header(h)]
        if dates:
            found["time"], found["date_only"] = dates[0], dates[0]
            used.add(dates[0])
            if "hour" not in found:
                found["hour"] = time
            else:
                used.discard(time)
    elif is_date_header(time) and "hour" not in found:
        times = [h for h in free if is_time_header(h)]
        if times:
            found["hour"] = times[0]
            found["date_only"] = time
            used.add(times[0])


def header_cells(row: list[str], width: int) -> list[str]:
    """The first ``width`` cells of a header row as stripped text, padded with ''.

    Parameters
    ----------
    row : list[str]
        A row of the sheet, as cells.
    width : int
        How many cells (the table's width).

    Returns
    -------
    list[str]
        Exactly ``width`` cells.
    """
    return [(str(row[j]) if j < len(row) else "").strip() for j in range(width)]


@dataclass(frozen=True)
class HeaderNames:
    """Column names from one or more header rows (:func:`combine_headers`).

    Attributes
    ----------
    names : list of str
        One name per column, the levels joined with '/'.
    levels : list of list of str
        The parts of each name, or ``[]`` for a one-row header.
    """

    names: list[str]
    levels: list[list[str]]


def combine_headers(rows: list[list[str]], width: int) -> HeaderNames:
    """Column names from one or more header rows: upper levels forward-filled over merged cells
    (only where a lower level names the column), levels joined with '/'.

    Parameters
    ----------
    rows : list of list of str
        The header rows, split into cells.
    width : int
        Number of columns.

    Returns
    -------
    HeaderNames
        ``names``: one per column; ``levels``: the parts of each name, or ``[]`` for a one-row header.
    """
    levels = [header_cells(row, width) for row in rows]
    for i, cells in enumerate(levels[:-1]):
        for j in range(1, width):
            if not cells[j] and any(lv[j] for lv in levels[i + 1:]):
                cells[j] = cells[j - 1]
    names, per_col = [], []
    for j in range(width):
        parts: list[str] = []
        for cells in levels:
            if cells[j] and cells[j] not in parts:
                parts.append(cells[j])
        per_col.append(parts)
        names.append("/".join(parts))
    return HeaderNames(names, per_col if len(levels) > 1 else [])
