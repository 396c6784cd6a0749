"""The canonical tables every stage after cleaning works on.

``daily``: one row per non-empty (date, kind, category, subcategory, district) combination.

============  ===============  ==============================================================
column        dtype            meaning
============  ===============  ==============================================================
date          datetime64[ns]   statistical day (midnight); stored as a Parquet ``date32``
kind          str              ``警情`` (incidents) or ``案件`` (cases)
category      str              top-level category of the taxonomy (``刑事``, ``交通`` …)
subcategory   str              cleaned sub-type (``盗窃`` …), ``''`` when unknown
district      str              cleaned district name, ``''`` when unknown
count         int64            number of incidents or cases
============  ===============  ==============================================================

``hourly`` (record-level input only): ``date``, ``hour`` (0-23, by the statistical day),
``kind``, ``category``, ``district``, ``count``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.errors import InputError, ParameterError
from stats_lib.gaps import Gap, as_gaps, find_gaps
from stats_lib.windows import Window, as_date

__all__ = ["DAILY_COLUMNS", "HOURLY_COLUMNS", "TOTAL", "Cleaned", "Coverage", "empty_daily", "empty_hourly",
           "normalise_daily", "normalise_hourly", "read_cleaned", "is_cleaned_dir", "check_daily", "as_names",
           "filter_rows", "check_filter_values", "window_counts", "coverage", "check_coverage"]

#: Label of the total row (and of the total series).
TOTAL = "合计"

DAILY_COLUMNS = ["date", "kind", "category", "subcategory", "district", "count"]
HOURLY_COLUMNS = ["date", "hour", "kind", "category", "district", "count"]


@dataclass(frozen=True)
class Cleaned:
    """Result of cleaning: the canonical tables and the ledger.

    Attributes
    ----------
    daily : DataFrame
        The daily-count table (see module docstring).
    hourly : DataFrame or None
        The hourly-count table, ``None`` when the input was pre-aggregated.
    ledger : dict
        Every input row accounted for: ``rows_read == rows_kept + rows_rejected + duplicates_removed``.
    rejects : DataFrame
        One row per rejected input row: ``file``, ``line``, ``reason`` and the raw values of the
        non-sensitive columns.
    """

    daily: pd.DataFrame
    hourly: pd.DataFrame | None
    ledger: dict = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", "line", "reason"]))


def empty_daily() -> pd.DataFrame:
    """Return an empty daily table.

    Returns
    -------
    pandas.DataFrame
        No rows; the columns of :data:`DAILY_COLUMNS` with the canonical dtypes (see the module docstring).
    """
    return normalise_daily(pd.DataFrame({c: [] for c in DAILY_COLUMNS}))


def empty_hourly() -> pd.DataFrame:
    """Return an empty hourly table.

    Returns
    -------
    pandas.DataFrame
        No rows; the columns of :data:`HOURLY_COLUMNS` with the canonical dtypes.
    """
    return normalise_hourly(pd.DataFrame({c: [] for c in HOURLY_COLUMNS}))


def normalise_daily(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the daily columns, canonical dtypes, sorted, index reset.

    Parameters
    ----------
    df : pandas.DataFrame
        A daily table with at least the columns of :data:`DAILY_COLUMNS` (others are dropped).

    Returns
    -------
    pandas.DataFrame
        ``date`` (datetime64[ns]), ``kind``, ``category``, ``subcategory``, ``district`` (str, NaN as ``''``),
        ``count`` (int64), sorted by the first five columns.
    """
    out = df[DAILY_COLUMNS].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    for c in ("kind", "category", "subcategory", "district"):
        out[c] = out[c].fillna("").astype(str)
    out["count"] = out["count"].astype("int64")
    return out.sort_values(DAILY_COLUMNS[:-1], kind="stable").reset_index(drop=True)


def normalise_hourly(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the hourly columns, canonical dtypes, sorted, index reset.

    Parameters
    ----------
    df : pandas.DataFrame
        An hourly table with at least the columns of :data:`HOURLY_COLUMNS` (others are dropped).

    Returns
    -------
    pandas.DataFrame
        ``date`` (datetime64[ns]), ``hour`` (int64, 0-23), ``kind``, ``category``, ``district`` (str, NaN as
        ``''``), ``count`` (int64), sorted by the first five columns.
    """
    out = df[HOURLY_COLUMNS].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["hour"] = out["hour"].astype("int64")
    for c in ("kind", "category", "district"):
        out[c] = out[c].fillna("").astype(str)
    out["count"] = out["count"].astype("int64")
    return out.sort_values(HOURLY_COLUMNS[:-1], kind="stable").reset_index(drop=True)


def is_cleaned_dir(path: str | Path) -> bool:
    """Tell whether ``path`` is a folder written by ``briefing clean``.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder.

    Returns
    -------
    bool
        True when it is a folder holding ``daily.parquet``.
    """
    p = Path(path)
    return p.is_dir() and (p / "daily.parquet").is_file()


def read_cleaned(path: str | Path) -> Cleaned:
    """Read a folder written by ``briefing clean`` back into a :class:`Cleaned`.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder: ``daily.parquet`` and, when present, ``hourly.parquet``, ``ledger.json``, ``rejects.csv``.

    Returns
    -------
    Cleaned
        The normalised daily and hourly tables (hourly None when absent), the ledger dict (empty when
        absent) and the rejects (all columns as text).

    Raises
    ------
    InputError
        Naming the folder, when ``daily.parquet`` is missing or a file cannot be read.
    """
    p = Path(path)
    if not is_cleaned_dir(p):
        raise InputError(f"{p}: not a cleaned folder (expected {p / 'daily.parquet'})")
    try:
        daily = normalise_daily(pd.read_parquet(p / "daily.parquet"))
        hourly = normalise_hourly(pd.read_parquet(p / "hourly.parquet")) if (p / "hourly.parquet").is_file() else None
        ledger = json.loads((p / "ledger.json").read_text("utf-8")) if (p / "ledger.json").is_file() else {}
        rejects = (pd.read_csv(p / "rejects.csv", dtype=str, keep_default_na=False)
                   if (p / "rejects.csv").is_file() else pd.DataFrame(columns=["file", "line", "reason"]))
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{p}: cannot read the cleaned tables ({exc})") from exc
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger, rejects=rejects)


# --------------------------------------------------------------------------------------------------
# Queries on the daily and hourly tables (the one home of the filters and counts every stage uses)


def check_daily(daily: object, what: str = "daily") -> None:
    """Raise unless ``daily`` is a frame with the daily table's columns.

    Parameters
    ----------
    daily : object
        The value given as the daily table.
    what : str
        Its name in the error message.

    Raises
    ------
    ParameterError
        ``daily`` is not a DataFrame.
    InputError
        A column of :data:`DAILY_COLUMNS` is missing (the message names it).
    """
    if not isinstance(daily, pd.DataFrame):
        raise ParameterError(f"{what}: expected the daily table (a DataFrame), got {type(daily).__name__}")
    missing = [c for c in DAILY_COLUMNS if c not in daily.columns]
    if missing:
        raise InputError(f"{what}: missing column(s) {', '.join(missing)}; expected the daily table "
                         f"({', '.join(DAILY_COLUMNS)})")


def as_names(value: object, what: str) -> list[str] | None:
    """A filter value as a list of names: None stays None, a string becomes ``[value]``.

    Parameters
    ----------
    value : object
        None, one name, or an iterable of names.
    what : str
        The filter's name in the error message (``districts`` …).

    Returns
    -------
    list of str or None
        The names as strings; None for None or an empty iterable (no filter).

    Raises
    ------
    ParameterError
        ``value`` is neither a string nor an iterable of names (the message names ``what``).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        out = [str(v) for v in value]
        return out or None
    raise ParameterError(f"{what}: expected a name or a list of names, got {value!r}")


def filter_rows(table: pd.DataFrame | None, *, districts: Sequence[str] | None = None,
                categories: Sequence[str] | None = None, kinds: Sequence[str] | None = None) -> pd.DataFrame | None:
    """The rows of a daily or hourly table whose district, category and kind are among those given.

    Parameters
    ----------
    table : pandas.DataFrame or None
        A daily or hourly table; None (no hourly table) returns None.
    districts, categories, kinds : sequence of str, optional
        The values to keep of ``district``, ``category`` and ``kind``; None keeps every value.

    Returns
    -------
    pandas.DataFrame or None
        A view of ``table`` with the same columns.
    """
    if table is None:
        return None
    mask = np.ones(len(table), dtype=bool)
    if districts is not None:
        mask &= table["district"].isin(districts).to_numpy()
    if categories is not None:
        mask &= table["category"].isin(categories).to_numpy()
    if kinds is not None:
        mask &= table["kind"].isin(kinds).to_numpy()
    return table.loc[mask]


def check_filter_values(daily: pd.DataFrame, column: str, values: Sequence[str] | None, what: str) -> None:
    """Raise when a filter names a value that is not in the data.

    Parameters
    ----------
    daily : pandas.DataFrame
        The daily table.
    column : str
        The column filtered (``district``, ``category``, ``kind``).
    values : sequence of str or None
        The values asked for; None checks nothing.
    what : str
        The filter's name in the error message.

    Raises
    ------
    ParameterError
        Naming ``what``, the unknown values and up to 20 known ones.
    """
    if values is None:
        return
    known = set(daily[column].unique())
    unknown = [v for v in values if v not in known]
    if unknown:
        shown = "、".join(sorted(str(k) for k in known if k)[:20])
        raise ParameterError(f"{what}: {', '.join(map(repr, unknown))} not found in the data (known: {shown})")


def window_counts(daily: pd.DataFrame, window: Window, by: Sequence[str] = (), *,
                  hourly: pd.DataFrame | None = None, day_start_minutes: int = 0) -> pd.Series:
    """Counts of ``daily`` inside ``window``, summed by the ``by`` columns.

    Whole days come from the daily table; a first or last day cut at an hour comes from the hourly
    table (``hour >= start_hour`` on the first day, ``hour < end_hour`` on the last). With statistical
    days that start at ``day_start_minutes`` after midnight, a window cut at an hour is counted by clock
    time on the hourly table: a record of statistical day D at clock hour h < 8 happened on D + 1 (the
    hourly table's ``hour`` is the clock hour). Day starts that are not whole hours are counted by the
    hour the record falls in.

    Parameters
    ----------
    daily : pandas.DataFrame
        The daily table (:data:`DAILY_COLUMNS`).
    window : Window
        The days (and hour cuts) to count.
    by : sequence of str
        Columns to group by (``district``, ``category`` …); empty for the total.
    hourly : pandas.DataFrame, optional
        The hourly table, needed when ``window`` is cut at an hour.
    day_start_minutes : int
        Minutes after midnight at which a statistical day starts (``day_start: "08:00"`` is 480).

    Returns
    -------
    pandas.Series
        ``count`` (number of records) indexed by the ``by`` columns (a one-element Series with index
        ``[TOTAL]`` named ``group`` when ``by`` is empty).

    Raises
    ------
    ParameterError
        The window is cut at an hour and there is no hourly table, or ``by`` asks for ``subcategory``
        with a cut window (the hourly table has none).
    """
    by = list(by)
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    if day_start_minutes and not window.whole_days and hourly is not None and "subcategory" not in by:
        hours = hourly["hour"].to_numpy()
        late = (hours * 60 < day_start_minutes).astype("int64")  # after midnight: the next calendar day
        clock = hourly["date"].to_numpy() + ((hours + 24 * late) * 3600).astype("timedelta64[s]")
        lo = np.datetime64(start + pd.Timedelta(hours=window.start_hour))
        hi = np.datetime64(end + pd.Timedelta(hours=window.end_hour))
        d = hourly.loc[(clock >= lo) & (clock < hi), [*by, "count"]]
        if not by:
            return pd.Series([int(d["count"].sum())], index=pd.Index([TOTAL], name="group"), name="count")
        return d.groupby(by, sort=False, observed=True)["count"].sum()
    inside = (daily["date"] >= start) & (daily["date"] <= end)
    d = daily.loc[inside, [*by, "count"]]
    if not window.whole_days:
        if hourly is None:
            raise ParameterError(
                f"window {window.label()} is cut at an hour, which needs the hourly table (record-level "
                "exports); pre-aggregated daily data can only be compared by whole days")
        if "subcategory" in by:
            raise ParameterError("by=subcategory is not available for a window cut at an hour "
                                 "(the hourly table has no subcategory)")
        cut = []
        if window.start_hour > 0:
            cut.append(start)
        if window.end_hour < 24:
            cut.append(end)
        d = daily.loc[inside & ~daily["date"].isin(cut), [*by, "count"]]
        h = hourly.loc[hourly["date"].isin(cut)]
        keep = np.ones(len(h), dtype=bool)
        on_start = (h["date"] == start).to_numpy()
        on_end = (h["date"] == end).to_numpy()
        hours = h["hour"].to_numpy()
        keep &= ~on_start | (hours >= window.start_hour)
        keep &= ~on_end | (hours < window.end_hour)
        d = pd.concat([d, h.loc[keep, [*by, "count"]]], ignore_index=True)
    if not by:
        return pd.Series([int(d["count"].sum())], index=pd.Index([TOTAL], name="group"), name="count")
    return d.groupby(by, sort=False, observed=True)["count"].sum()


@dataclass(frozen=True)
class Coverage:
    """The days the input actually spans, ``first`` to ``last`` inclusive, less its gaps.

    Taken from the ledger (or from the whole daily table), never from filtered rows: inside the
    coverage a day without a row is a real zero; outside it, or in a gap (a run of days without any
    record, :func:`stats_lib.gaps.find_gaps`), there is no data.

    Attributes
    ----------
    first, last : datetime.date
        First and last day of the data, both inclusive.
    gaps : tuple of Gap
        Runs of days without data between ``first`` and ``last``.
    """

    first: dt.date
    last: dt.date
    gaps: tuple[Gap, ...] = ()

    def covers(self, window: Window) -> bool:
        """Tell whether every day of ``window`` has data.

        Parameters
        ----------
        window : Window
            The window asked for.

        Returns
        -------
        bool
            True when ``first <= window.start``, ``window.end <= last`` and no day of the window is in a
            gap (a window partly in a gap would count its missing days as zeros).
        """
        return (self.first <= window.start and window.end <= self.last
                and not any(g.start <= window.end and window.start <= g.end for g in self.gaps))

    def has_day(self, day: dt.date) -> bool:
        """Tell whether ``day`` has data (inside ``first..last`` and in no gap).

        Parameters
        ----------
        day : datetime.date
            The day asked for.

        Returns
        -------
        bool
            True when a day without a row would be a real zero.
        """
        return self.first <= day <= self.last and not any(g.start <= day <= g.end for g in self.gaps)

    def label(self) -> str:
        """The coverage as text.

        Returns
        -------
        str
            ``2021-01-01..2024-12-31`` (ISO dates, both inclusive), then the gaps:
            ``2021-01-01..2023-12-31, no records 2022-01-01..2022-12-31``.
        """
        return f"{self.first}..{self.last}" + "".join(f", no records {g.start}..{g.end}" for g in self.gaps)


def coverage(daily: pd.DataFrame, ledger: object = None) -> Coverage:
    """The coverage of the data: the ledger's ``date_min``..``date_max`` when given, else the daily table's.

    Parameters
    ----------
    daily : pandas.DataFrame
        The whole daily table (not filtered rows).
    ledger : dict or object, optional
        The cleaning ledger (a dict or an object with ``date_min`` / ``date_max`` and, when the data has
        holes, ``gaps``). A ledger without ``gaps`` (none found, or written before gaps were recorded)
        has them found again from ``daily`` (:func:`stats_lib.gaps.find_gaps`); without a ledger none
        (``daily`` may be a selection, one district …, whose empty days are real zeros).

    Returns
    -------
    Coverage
        First and last day covered, and the gaps between them.

    Raises
    ------
    InputError
        No ledger dates and an empty daily table.
    """
    lo = hi = gaps = None
    if ledger is not None:
        get = ledger.get if isinstance(ledger, dict) else (lambda k: getattr(ledger, k, None))
        lo, hi, gaps = get("date_min"), get("date_max"), get("gaps")
    if lo and hi:
        first, last = as_date(lo, what="ledger date_min"), as_date(hi, what="ledger date_max")
    elif daily.empty:
        raise InputError("daily table: no rows, so no days covered")
    else:
        first, last = daily["date"].min().date(), daily["date"].max().date()
    found = as_gaps(gaps) if gaps is not None else find_gaps(daily, first, last) if ledger is not None else ()
    return Coverage(first, last, tuple(g for g in found if g.start <= last and first <= g.end))


def check_coverage(cover: Coverage, windows: Sequence[Window], roles: Sequence[str]) -> None:
    """Raise when the data do not cover a window.

    Parameters
    ----------
    cover : Coverage
        The days the data span.
    windows : sequence of Window
        The windows of a comparison.
    roles : sequence of str
        Each window's role in the message (``current``, ``baseline`` …).

    Raises
    ------
    InputError
        Naming the first window (by its role) that ``cover`` does not cover.
    """
    for w, r in zip(windows, roles):
        if not cover.covers(w):
            raise InputError(
                f"{r} window {w.start}..{w.end} is not covered by the data ({cover.label()}); "
                "give data for those days or choose another period or baseline")
