"""Small-count masking, decided once on the figures before any table, sentence, chart or slide is made.

``--mask-below K`` hides every count below K (primary suppression). A hidden count must not come back
from what is published beside it, so :func:`suppress` also hides, in each column of a table with a total
row, the next smallest count whenever exactly one count of that column is hidden (secondary suppression,
the rule of statistical offices' complementary suppression: a single hidden cell of a row or column with
a published total is always recoverable by subtraction). The change, the percentage, the share and the
daily mean of a hidden count are hidden with it, because each gives the count back from a published one.

The decision is recorded in the comparison table as two boolean columns, ``hide_current`` and
``hide_baseline``; every writer (narrative, tables, charts, native chart data, slides, workbook) reads them
through :func:`hidden` instead of comparing a value with K itself.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4 (cell suppression, secondary
suppression). Wiley.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from stats_lib.stats.compare import Comparison

__all__ = ["suppress", "suppress_comparison", "hidden", "RULE_ZH", "RULE_EN"]

#: How the rule is stated in 数据说明.
RULE_ZH = ("为便于传阅，小于{k}的数字以“*”表示；同一表中仅一个数字被遮蔽时，另遮蔽同列次小的数字，"
           "使其不能由合计相减得出；被遮蔽数字的增减、同比、占比和日均一并不显示，图中不按比例绘制。")
RULE_EN = ("For circulation, counts below {k} are shown as '*'; where only one count of a column would be hidden, "
           "the next smallest is hidden too, so that none can be recovered from the total; the change, "
           "percentage, share and daily mean of a hidden count are not shown, and charts do not draw it to scale.")


def _primary(values: pd.Series, k: int) -> np.ndarray:
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return np.nan_to_num(v, nan=np.inf) < k


def _secondary(values: pd.Series, hide: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Hide the next smallest group count when exactly one group count of the column is hidden."""
    hide = hide.copy()
    while groups.any() and (hide & groups).sum() == 1 and (~hide & groups).any():
        v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        candidates = np.where(~hide & groups, v, np.inf)
        hide[int(np.argmin(candidates))] = True
    return hide


def suppress(table: pd.DataFrame, k: int | None, *, total_last: bool = True) -> pd.DataFrame:
    """The table with ``hide_current`` and ``hide_baseline`` columns: which counts are shown as ``*``.

    Parameters
    ----------
    table : DataFrame
        A comparison table: columns ``current`` and ``baseline`` (counts), one row per group, the total
        row last when ``total_last``.
    k : int or None
        Counts below ``k`` are hidden; None hides nothing.
    total_last : bool
        The last row is the total of the others (secondary suppression applies to the group rows).

    Returns
    -------
    DataFrame
        A copy of ``table`` with two boolean columns added.
    """
    out = table.copy()
    n = len(out)
    if k is None or n == 0:
        out["hide_current"] = np.zeros(n, dtype=bool)
        out["hide_baseline"] = np.zeros(n, dtype=bool)
        return out
    groups = np.ones(n, dtype=bool)
    if total_last:
        groups[-1] = False
    for col in ("current", "baseline"):
        hide = _primary(out[col], k)
        if total_last and n > 2:  # one group row only: the group is the total, nothing to protect
            hide = _secondary(out[col], hide, groups)
        out[f"hide_{col}"] = hide
    return out


def suppress_comparison(cmp: Comparison | None, k: int | None) -> Comparison | None:
    """A :class:`~stats_lib.stats.compare.Comparison` whose ``table`` carries the hide columns.

    Parameters
    ----------
    cmp : Comparison | None
        A comparison, its total row last; None passes through.
    k : int | None
        The masking threshold (:func:`suppress`); None hides nothing.

    Returns
    -------
    Comparison | None
        A copy whose table has the ``hide_*`` columns, or None.
    """
    if cmp is None:
        return None
    return replace(cmp, table=suppress(cmp.table, k, total_last=True))


def hidden(row: pd.Series | dict, column: str, k: int | None = None) -> bool:
    """True when ``row[column]`` is shown as ``*``: the row's ``hide_<column>`` flag, else ``value < k``.

    Parameters
    ----------
    row : pd.Series | dict
        A table row with ``column`` and, after :func:`suppress`, ``hide_<column>``.
    column : str
        The count's column (``current``, ``baseline``).
    k : int | None, default None
        The masking threshold (counts below it are hidden) when the row has no flag; None hides nothing.

    Returns
    -------
    bool
        True when the cell is shown as ``*``.
    """
    flag = row.get(f"hide_{column}") if hasattr(row, "get") else None
    if flag is not None and not (isinstance(flag, float) and np.isnan(flag)):
        return bool(flag)
    v = row.get(column) if hasattr(row, "get") else None
    if k is None or v is None or (isinstance(v, float) and np.isnan(v)):
        return False
    return float(v) < k
