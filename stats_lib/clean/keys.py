"""Code and key columns of wide and long sheets: area codes, unit codes, serial numbers and ids beside the counts.

Desk sheets and open-data tables carry ``区划代码``, ``单位代码``, ``序号``, Berlin's ``Code`` (LOR), US
``FIPS`` codes and ids next to their count columns. Such a column is never a category: summed, it would
add 310,115 incidents a day. :func:`key_columns` finds them by header and by content, and
:func:`total_breaker` names the column that makes a sheet's own 合计 check fail.
"""

from __future__ import annotations

import re

import pandas as pd

from stats_lib.ingest.privacy import has_personal
from stats_lib.ingest.schema import header_key

__all__ = ["KEY_HEADERS", "is_key_header", "key_columns", "total_breaker", "count_like"]

#: A daily count per category above this is not a count (a phone number, an identifier).
MAX_DAILY_COUNT = 1_000_000

#: Headers (compared with :func:`stats_lib.ingest.schema.header_key`) that name a code or key column.
KEY_HEADERS = ("区划代码", "行政区划代码", "单位代码", "机构代码", "编码", "代码", "序号", "编号", "行号", "code", "lor",
               "fips", "geoid", "id", "objectid", "fid", "zip", "zipcode", "postcode", "no", "nr", "index")
_KEY_PART = re.compile(r"代码|编码|编号|序号|(?:code|id|fips|geoid|lor)$")


def is_key_header(header: object) -> bool:
    """True when a header names a code or key column (``区划代码``, ``单位代码``, ``Code``, ``FIPS``, ``LOR``, ``id``).

    Parameters
    ----------
    header : object
        A column header.

    Returns
    -------
    bool
        True for a code or key header.
    """
    key = header_key(header)
    return key in KEY_HEADERS or bool(_KEY_PART.search(key))


def _integers(values: pd.Series) -> pd.Series | None:
    num = pd.to_numeric(values.astype(str).str.strip().str.replace(r"\.0+$", "", regex=True), errors="coerce")
    if num.isna().any() or not len(num) or (num % 1 != 0).any():
        return None
    return num


def key_columns(frame: pd.DataFrame, candidates: list[str], by: pd.Series | None = None,
                ignore: tuple[str, ...] = ()) -> list[str]:
    """Return the candidate count columns of a wide sheet that are codes or keys, not counts.

    A column is a key when its header says so (:func:`is_key_header`), when the schema's
    ``ignore_columns`` names it, or by content: all its values are whole numbers, constant (or constant
    within each group of ``by``, i.e. not varying along the dates) or unique per row, and far larger than
    the counts beside them (every value at least 1,000 and ten times the largest median of the other columns).

    Parameters
    ----------
    frame
        The sheet's data rows (text or numbers).
    candidates
        The headers that would otherwise be categories.
    by
        The district of each row, when there is one (a code constant per district is a key).
    ignore
        Headers the schema names as keys (``ignore_columns``).

    Returns
    -------
    list of str
        In the order of ``candidates``.
    """
    wanted = {header_key(c) for c in ignore}
    keys = [h for h in candidates if header_key(h) in wanted or is_key_header(h)]
    rest = [h for h in candidates if h not in keys]
    if len(frame) < 3 or len(rest) < 2:
        return keys
    nums = {h: _integers(frame[h]) for h in rest}
    medians = {h: float(n.median()) for h, n in nums.items() if n is not None}
    for h, num in nums.items():
        if num is None:
            continue
        others = [m for k, m in medians.items() if k != h]
        if not others or num.min() < 1000 or num.min() < 10 * max(1.0, max(others)):
            continue
        constant = num.nunique() == 1 or (by is not None and (num.groupby(by.to_numpy()).nunique() == 1).all())
        unique = num.nunique() == len(num)
        if constant or unique:
            keys.append(h)
    return [h for h in candidates if h in keys]


def total_breaker(parts: pd.DataFrame, expected: pd.Series) -> str | None:
    """Name the column that breaks a row-total check (合计 = sum of the parts) on most rows.

    Parameters
    ----------
    parts
        The category counts of each row (one column per category).
    expected
        The sheet's 合计 of each row.

    Returns
    -------
    The
        The column whose removal makes the check hold on most of the failing rows, or None when no single
        column explains it.
    """
    found = parts.sum(axis=1)
    bad = expected.notna() & (found != expected)
    if not bad.any():
        return None
    for h in parts.columns:
        if ((found[bad] - parts.loc[bad, h]) == expected[bad]).mean() > 0.5:
            return str(h)
    return None


def count_like(values: pd.Series, counts: pd.Series) -> bool:
    """Whether a wide sheet's column behaves like daily counts.

    Parameters
    ----------
    values
        The column's raw cells.
    counts
        The same cells parsed as counts (NaN where not a count).

    Returns
    -------
    bool
        False when any count exceeds :data:`MAX_DAILY_COUNT` (an identifier-sized number: a numeric 主叫号码
        column would otherwise count 13,912,345,678 incidents) or any value is personal data.
    """
    if (counts.dropna() > MAX_DAILY_COUNT).any():
        return False
    return not any(has_personal(v) for v in pd.unique(values.astype(str)))

