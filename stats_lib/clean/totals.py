"""Total rows of wide and long sheets: which rows are totals, what each one sums, and the check.

A row is a total when its date, category, subcategory or district is a total name
(:func:`stats_lib.ingest.totals.is_total`: 合计, 小计, 总计, 全市, 全区, Total, Citywide …). Such rows are
dropped (counted in the file's ledger as ``total_rows_dropped``) and checked against the rows they sum:

- a long sheet's total row sums the other rows that agree with it on every column that is not a total
  (``2023-01-22,西城区,合计,99`` sums the rows of 2023-01-22 and 西城区; ``全市,刑事`` sums 刑事 of that date);
- a wide sheet's whole-city row (全市 with a date) sums the rows of its date; a 小计 row sums the rows since
  the previous total row when they are all of one date (else it is only dropped); a 合计 row without a
  date sums every row that is not a total.

A whole-area name (全市) is data, not a total, when every district of the file is one (a city-level export).
A whole-city row on a date without other rows cannot be told from data: the file stops (InputError).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stats_lib.clean.keys import total_breaker
from stats_lib.clean.rules import parse_counts
from stats_lib.errors import InputError
from stats_lib.ingest.totals import is_area_total, is_subtotal, is_total

__all__ = ["district_totals", "long_totals", "wide_row_groups", "wide_total_checks"]


def _flags(values: pd.Series, test) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.append(np.array([bool(test(u)) for u in uniques], dtype=bool), False)[codes]


def district_totals(values: pd.Series) -> np.ndarray:
    """Which district values are totals (合计, 小计, 全市, 全区, Citywide …), as a bool array.

    Whole-area names (全市, 全区 …) are data when every non-blank district of the file is one: the file
    is a city-level export, not districts with a city row.

    Parameters
    ----------
    values : pd.Series
        The district column as text.

    Returns
    -------
    np.ndarray
        One a value: True for a total.
    """
    total = _flags(values, is_total)
    area = _flags(values, is_area_total)
    blank = (values.astype(str).str.strip() == "").to_numpy() | values.isna().to_numpy()
    if area.any() and (area | blank).all():
        total &= ~area
    return total


def long_totals(frame: pd.DataFrame, cols: dict, counts: pd.Series, lines: np.ndarray, path: str
                ) -> tuple[np.ndarray, list[dict]]:
    """The total rows of a long sheet and their mismatches.

    Parameters
    ----------
    frame : pd.DataFrame
        The sheet's rows (raw values).
    cols : dict
        The mapped columns (role -> header).
    counts : pd.Series
        The parsed count of each row (NA where masked or bad).
    lines : np.ndarray
        The line of each row in the file.
    path : str
        The file, for messages.

    Returns
    -------
    totals : numpy.ndarray of bool
        One a row: the total rows.
    mismatches : list of dict
        One a total that differs from its parts: ``date``, ``category``, ``expected``, ``found``, ``file``,
        ``line``, ``column``.

    Raises
    ------
    InputError
        A whole-area row (全市) on a date that has no other rows: a total of nothing, or the data.
    """
    roles = [r for r in ("time", "category", "subcategory", "district") if r in cols]
    keys = {r: frame[cols[r]].astype(str).str.strip().to_numpy() for r in roles}
    flag = {r: (district_totals(frame[cols[r]]) if r == "district" else _flags(frame[cols[r]], is_total))
            for r in roles}
    total = np.zeros(len(frame), dtype=bool)
    sub = np.zeros(len(frame), dtype=bool)
    for r in roles:
        total |= flag[r]
        sub |= _flags(frame[cols[r]], is_subtotal)
    out: list[dict] = []
    check = total & ~sub
    if not check.any():
        return total, out
    value = pd.to_numeric(counts, errors="coerce").to_numpy(dtype=float)
    parts = pd.DataFrame({r: keys[r][~total] for r in roles})
    parts["n"] = value[~total]
    pattern = np.stack([flag[r] | (keys[r] == "") | (keys[r] == "nan") for r in roles], axis=1)  # blank: any
    for pat in {tuple(p) for p in pattern[check]}:
        rows = np.flatnonzero(check & (pattern == np.array(pat)).all(axis=1))
        by = [r for r, f in zip(roles, pat) if not f]
        if by:
            grouped = parts.assign(na=parts["n"].isna()).groupby(by, sort=False)
            stats = pd.DataFrame({"sum": grouped["n"].sum(), "size": grouped.size(), "na": grouped["na"].any()})
            wanted = pd.MultiIndex.from_arrays([keys[r][rows] for r in by]) if len(by) > 1 else keys[by[0]][rows]
            found = stats.reindex(wanted)
        else:
            found = pd.DataFrame({"sum": [parts["n"].sum()] * len(rows), "size": len(parts),
                                  "na": parts["n"].isna().any()})
        for k, i in enumerate(rows):
            size = found["size"].iloc[k]
            named = [r for r in roles if flag[r][i]]
            if pd.isna(size) or size == 0:
                on = "" if flag["time"][i] else f" on {keys['time'][i]}"
                raise InputError(f"{path}: line {int(lines[i])}: '{keys[named[0]][i]}' in column '{cols[named[0]]}' "
                                 f"has no other rows{on} to be the total of: is it a total or data? (drop the row, "
                                 "or name the district)")
            if bool(found["na"].iloc[k]) or np.isnan(value[i]):
                continue
            if int(found["sum"].iloc[k]) != int(value[i]):
                out.append({"date": keys["time"][i] if not flag["time"][i] else None,
                            "category": keys["category"][i] if "category" in keys and not flag["category"][i]
                            else None, "expected": int(value[i]), "found": int(found["sum"].iloc[k]),
                            "file": path, "line": int(lines[i]),
                            "column": ", ".join(cols[r] for r in named)})
    return total, out


def wide_row_groups(total_rows: np.ndarray, subtotal: np.ndarray, row_day: pd.Series, data_day: pd.Series,
                    data: np.ndarray) -> list[np.ndarray | None]:
    """For each total row of a wide sheet (in file order), the data rows it sums, or None (not checked).

    Parameters
    ----------
    total_rows : np.ndarray
        Bool, one per sheet row: the total rows.
    subtotal : np.ndarray
        Bool, one per sheet row: the 小计 rows.
    row_day : pd.Series
        The parsed day of each total row (NaT when its date is a total name or blank).
    data_day : pd.Series
        The parsed day of each data row (NaT when rejected).
    data : np.ndarray
        Bool, one per sheet row: the data rows (not totals, not skipped notes).

    Returns
    -------
    list[np.ndarray | None]
        One a total row: a bool array over the data rows, or None.
    """
    data_pos = np.cumsum(data) - 1  # index among the data rows
    out: list[np.ndarray | None] = []
    last = -1  # the previous total row
    days = data_day.to_numpy()
    for k, i in enumerate(np.flatnonzero(total_rows)):
        day = row_day.iloc[k]
        if subtotal[i]:
            block = np.zeros(len(days), dtype=bool)
            members = [data_pos[j] for j in range(last + 1, i) if data[j]]
            block[members] = True
            block_days = pd.unique(days[block])
            ok = block.any() and len(block_days) == 1 and not pd.isna(block_days[0]) and (
                pd.isna(day) or block_days[0] == day)
            out.append(block if ok else None)
        elif not pd.isna(day):
            out.append(days == np.datetime64(day))
        else:
            out.append(np.ones(len(days), dtype=bool))
        last = i
    return out


def wide_total_checks(frame: pd.DataFrame, data: pd.Series, total_rows: pd.Series, cats: list[str], totals: list[str],
                  label: dict, ts: pd.Series, lines: np.ndarray, path: str, breakdowns: list, groups: list) -> list:
    """Compare the parts of a wide table with its 合计 columns (per row) and its total rows (per column, each
    with the data rows it sums: ``groups``, from :func:`wide_row_groups`).

    Parameters
    ----------
    frame : pd.DataFrame
        The sheet's rows (raw values).
    data : pd.Series
        Bool, one a sheet row: the data rows.
    total_rows : pd.Series
        Bool, one a sheet row: the total rows.
    cats : list[str]
        The category columns.
    totals : list[str]
        The sheet's 合计 columns.
    label : dict
        Column → the category it counts.
    ts : pd.Series
        The parsed day of each row.
    lines : np.ndarray
        The line of each row in the file.
    path : str
        The file, for messages.
    breakdowns : list
        The 其中 (of which) columns, left out of the sums.
    groups : list
        The data rows each total row sums (:func:`wide_row_groups`).

    Returns
    -------
    list of dict
        One mismatch each: ``date``, ``expected``, ``found``, ``file``, ``line``, ``column`` (and ``category``
        for a total row).

    Raises
    ------
    InputError
        A 合计 column differs from the sum of the category columns on most rows (naming the column that
        breaks it, and the 其中 columns).
    """
    out: list[dict] = []
    parts = pd.DataFrame({h: parse_counts(frame.loc[data, h]).counts for h in cats})
    complete = parts.notna().all(axis=1) & ts.notna().to_numpy()
    found = parts.sum(axis=1, skipna=True)
    day = ts.dt.strftime("%Y-%m-%d")
    data_lines = lines[data.to_numpy()]
    for t in totals:
        expected = parse_counts(frame.loc[data, t]).counts
        bad = complete & expected.notna() & (expected != found)
        checked = int((complete & expected.notna()).sum())
        if checked >= 2 and bad.sum() * 2 > checked:
            culprit = total_breaker(parts[complete], expected[complete])
            why = (f"column '{culprit}' is not part of it (name it in 'ignore_columns:' of the schema)" if culprit
                   else "check the category columns")
            if breakdowns:
                why += f"; the 'of which' (其中) columns {', '.join(map(str, breakdowns))} are not added"
            raise InputError(f"{path}: the sheet's own total '{t}' differs from the sum of the category columns "
                             f"on {int(bad.sum())} of {checked} rows: {why}")
        for i in np.flatnonzero(bad.to_numpy()):
            out.append({"date": day.iloc[i], "expected": int(expected.iloc[i]), "found": int(found.iloc[i]),
                        "file": path, "line": int(data_lines[i]), "column": t})
    total_lines = lines[total_rows.to_numpy()]
    for k, (_, row) in enumerate(frame[total_rows].iterrows()):  # a few 合计 rows, not data rows
        group = groups[k]
        if group is None:  # a 小计 whose group is not one date: dropped, not checked
            continue
        for h in cats:
            expected = parse_counts(pd.Series([row[h]])).counts.iloc[0]
            column = parts[h][group]
            if pd.isna(expected) or column.isna().any():
                continue
            if int(column.sum()) != int(expected):
                one = day[group].dropna().unique()
                date = one[0] if len(one) == 1 else None
                out.append({"date": date, "category": label[h], "expected": int(expected),
                            "found": int(column.sum()), "file": path, "line": int(total_lines[k]), "column": h})
    return out
