"""The DuckDB engine's two scans of ``src``: distinct values first, then every aggregate in one pass."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stats_lib.clean.dates import clock_examples
from stats_lib.clean.duckdb_plan import ReadPlan, Unsupported
from stats_lib.clean.rules import (
    SCI_ID,
    clean_districts,
    kind_values,
    parse_times,
)
from stats_lib.ingest.schema import Schema
from stats_lib.ingest.taxonomy import (
    OTHER,
    load_taxonomy,
    map_categories,
    normalisation_flags,
    normalise_values,
)

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

__all__ = ["connect", "Maps", "COMBO_KEYS", "scan_values", "scan_aggregates", "ledger_aggregates", "rows_apart"]


# ----------------------------------------------------------------------------------------------
# The engine
# ----------------------------------------------------------------------------------------------


def _threads() -> int:
    value = os.environ.get("STATS_LIB_DUCKDB_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 2)


def connect(tmp: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to a database file in ``tmp``, with the engine's memory limit and threads.

    Parameters
    ----------
    tmp
        A temporary folder (the database file and the spill folder go there).

    Returns
    -------
    duckdb.DuckDBPyConnection
        Open; the caller closes it.
    """
    import duckdb

    # a database file (not in-memory): tables written to it are compressed, so large input spills little
    con = duckdb.connect(str(tmp / "work.duckdb"), config={
        "memory_limit": os.environ.get("STATS_LIB_DUCKDB_MEMORY", "512MB"),
        "threads": _threads(),
        "temp_directory": str(tmp / "spill"),
        "preserve_insertion_order": True,   # row_number() OVER () numbers CSV rows in file order
    })
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        # inside a Jupyter kernel DuckDB refuses to touch the setting without ipywidgets (the notebook of
        # `briefing render --data <raw exports>`); the progress bar is off there unless asked for
        pass
    # The input's size is unknown to the planner (a CSV estimate is a few rows), so it might build
    # a hash join on the input: keep the joins as written, the small mapping tables on the build side.
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    return con


@dataclass
class Maps:
    """Mappings of distinct values, computed in Python and handed back to DuckDB as tables.

    Attributes
    ----------
    combos : pd.DataFrame
        (fi, kraw, cat, sub, dist) → kind, category, label, subcategory, district and flags.
    times : pd.DataFrame
        Time values SQL did not parse (``t``) → ``ts``, ``reason``, ``has_time``.
    cand_ids : pd.DataFrame
        Hashes of the ids seen more than once (duplicate candidates).
    cand_hashes : pd.DataFrame
        Hashes of the id-less rows seen more than once.
    blank_ids : set
        Indexes of the Parquet files with an id column and rows without one.
    """

    combos: pd.DataFrame     # fi, kraw, cat, sub, dist -> kind, category, label, subcategory, district, flags
    times: pd.DataFrame      # t -> ts, reason, has_time (the values SQL did not parse)
    cand_ids: pd.DataFrame   # hashes of the ids seen more than once
    cand_hashes: pd.DataFrame  # hashes of id-less rows seen more than once
    blank_ids: set = field(default_factory=set)  # Parquet files with an id column and rows without one


_NO_KIND = "\x00"  # stands for "no kind column" in join keys
# Keys of the raw values (as scan 2 computes them from the rows): ``ck`` of (file, kind column,
# category, subcategory, district), ``hk`` of the same without subcategory (the hourly table's).
_CK = "hash(fi::INTEGER, kraw, cat, sub, dist)"
_HK = "hash(fi::INTEGER, kraw, cat, dist)"
COMBO_KEYS = f", {_CK} AS ck, {_HK} AS hk"


def _flags(values: pd.Series) -> np.ndarray:

    return normalisation_flags(values).to_numpy()


def _unmapped_labels(uniq: pd.Series, category: pd.Series, kind: str, schema: Schema, taxonomy) -> np.ndarray:
    """The label under which each distinct category value is listed as unmapped (``''`` when mapped), as
    :func:`stats_lib.ingest.taxonomy.map_categories` lists it."""
    lab = np.full(len(uniq), "", dtype=object)
    for i in np.flatnonzero((category == OTHER).to_numpy()):
        listed = map_categories(uniq.iloc[i:i + 1], kind, schema, taxonomy).unmapped
        lab[i] = next(iter(listed), "")
    return lab


def scan_values(con: duckdb.DuckDBPyConnection, schema: Schema, files: list[ReadPlan], as_of: dt.date) -> Maps:
    """First scan: repeated ids, the distinct raw values, the time values SQL did not parse.

    The parsing rules (:mod:`stats_lib.clean.rules`) and the taxonomy are applied to the distinct values.

    Parameters
    ----------
    con
        A connection holding the view ``src``.
    schema
        A validated schema.
    files
        The plans of the input files.
    as_of
        The as-of date.

    Returns
    -------
    Maps
        The mappings for the second scan.

    Raises
    ------
    Unsupported
        No data rows, or dates written without a year (the shaped path names the problem).
    """
    # one scan: the distinct values (with the time values SQL did not parse) and, as a second grouping
    # set, the ids seen more than once, by their 64-bit hash (a superset: Python compares the ids themselves)
    con.execute(f"""
        CREATE TEMP TABLE scan1 AS
        SELECT * FROM (
          SELECT GROUPING(h) AS g, fi, kraw, cat, sub, dist, tl, h, count(*) AS n,
                 count(*) FILTER (WHERE id = '') AS n_blank,
                 count(*) FILTER (WHERE regexp_full_match(id, '{SCI_ID}')) AS n_sci
          FROM (SELECT fi, coalesce(kraw, '\x00') AS kraw, cat, sub, dist, id,
                       CASE WHEN t_ts IS NULL AND t_txt <> '' AND f_full IS NULL AND f_day IS NULL THEN t_txt END AS tl,
                       CASE WHEN id <> '' THEN hash(id) END AS h
                FROM src)
          GROUP BY GROUPING SETS ((fi, kraw, cat, sub, dist, tl), (h)))
        WHERE g = 1 OR (h IS NOT NULL AND n > 1)""")
    values = con.execute("SELECT fi, kraw, cat, sub, dist, tl, n, n_blank, n_sci FROM scan1 WHERE g = 1").df()
    if values["n"].sum() == 0:
        raise Unsupported("no data rows")
    if values["n_sci"].sum():  # shaped, the file's ids are set aside with a note (rules.sci_ids)
        raise Unsupported("ids in scientific notation")
    cand_ids = con.execute("SELECT h FROM scan1 WHERE g = 0").df()
    con.execute("DROP TABLE scan1")
    # rows without an id: the whole-row hashes that repeat (files with an id column are hashed only
    # when they hold such rows: see _run)
    blank = values.groupby("fi")["n_blank"].sum()
    hashed = {f.fi for f in files if "id" not in f.cols or f.fmt == "rows"}
    blank_ids = {int(fi) for fi, n in blank.items() if n and int(fi) not in hashed}
    if blank[blank.index.isin(list(hashed))].sum() > 1:
        cand_hashes = con.execute("SELECT rh FROM src WHERE rh IS NOT NULL GROUP BY rh HAVING count(*) > 1").df()
    else:
        cand_hashes = pd.DataFrame({"rh": pd.Series([], dtype="uint64")})
    combos = values[["fi", "kraw", "cat", "sub", "dist"]].drop_duplicates().reset_index(drop=True)
    combos = combos.astype({"kraw": object, "cat": object, "sub": object, "dist": object})
    # kind of each row: the file's, or from its kind column
    const = {f.fi: f.kind for f in files}
    kind = pd.Series([const[int(fi)] for fi in combos["fi"]], dtype=object)
    need = kind.isna().to_numpy()
    if need.any():
        kind[need] = kind_values(combos.loc[need, "kraw"]).to_numpy()
    combos["kind"] = kind
    # categories per kind, on distinct values (a value maps the same way wherever it occurs)
    taxonomy = load_taxonomy(schema.taxonomy)
    category = pd.Series(OTHER, index=combos.index, dtype=object)
    label = pd.Series("", index=combos.index, dtype=object)
    has_cat = combos["fi"].map({f.fi: "category" in f.cols if f.has_cat is None else f.has_cat
                                for f in files}).astype(bool)
    for k in combos["kind"].unique():
        sel = (combos["kind"] == k) & has_cat
        if not sel.any():
            continue
        uniq = combos.loc[sel, "cat"].drop_duplicates()
        mapping = map_categories(uniq, k, schema, taxonomy)
        lab = _unmapped_labels(uniq, mapping.category, k, schema, taxonomy)
        lookup_cat = dict(zip(uniq, mapping.category.to_numpy()))
        lookup_lab = dict(zip(uniq, lab))
        category[sel] = combos.loc[sel, "cat"].map(lookup_cat).to_numpy()
        label[sel] = combos.loc[sel, "cat"].map(lookup_lab).to_numpy()
    combos["category"], combos["label"] = category, label
    subs = combos["sub"].drop_duplicates()
    combos["subcategory"] = combos["sub"].map(dict(zip(subs, normalise_values(subs).to_numpy())))
    dists = combos["dist"].drop_duplicates()
    cleaned = clean_districts(dists, schema).to_numpy()
    combos["district"] = combos["dist"].map(dict(zip(dists, cleaned)))
    shaped = combos["fi"].isin([f.fi for f in files if f.fmt == "rows"])  # districts cleaned when shaped
    combos.loc[shaped, "district"] = combos.loc[shaped, "dist"]
    combos["unmatched"] = bool(schema.district_pattern) & (combos["dist"].str.strip() != "") \
        & (combos["district"] == "")
    flags = _flags(combos["cat"]) | _flags(combos["sub"]) | _flags(combos["dist"])
    combos["fw"], combos["tr"], combos["ws"] = flags[:, 0], flags[:, 1], flags[:, 2]
    tl = values["tl"].dropna().drop_duplicates().astype(object).reset_index(drop=True)
    parsed = parse_times(tl, schema, as_of)
    if parsed.needs_year:
        raise Unsupported("dates written without a year")
    if parsed.order.examples or parsed.period:  # shaped, the file stops with the message (rules.check_dates)
        raise Unsupported("dates whose day order or period needs a decision")
    if len(tl) and (parsed.reasons == "bad_date").mean() > 0.5 and clock_examples(tl):
        raise Unsupported("the time column holds times of day only")
    times = pd.DataFrame({"t": tl, "ts": parsed.timestamps.to_numpy(), "reason": parsed.reasons.to_numpy(),
                          "has_time": parsed.has_time.to_numpy()})
    return Maps(combos=combos, times=times, cand_ids=cand_ids, cand_hashes=cand_hashes, blank_ids=blank_ids)


def scan_aggregates(con: duckdb.DuckDBPyConnection, schema: Schema, files: list[ReadPlan], as_of: dt.date, maps: Maps) -> None:
    """Second scan: every aggregate the result needs, into the temporary table ``agg``.

    The rows are grouped by a 64-bit key of their raw values (file, kind column, category,
    subcategory, district: ``ck``, ``hk``, unique among the distinct values, checked by the engine),
    not the mapped ones: the mapping (``combos``) is joined to the small aggregates afterwards
    (see :func:`ledger_aggregates`, :func:`rows_apart` and :mod:`stats_lib.clean.duckdb_result`).

    Parameters
    ----------
    con
        A connection holding ``src`` and the tables of ``maps``.
    schema
        A validated schema (``day_start``).
    files
        The plans of the input files.
    as_of
        The as-of date.
    maps
        The result of :func:`scan_values`.
    """
    limit = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    shift = schema.day_start_minutes
    cand = []
    if len(maps.cand_ids):
        cand.append("(s.id <> '' AND hash(s.id) IN (SELECT h FROM cand_ids))")
    if len(maps.cand_hashes):
        cand.append("(s.rh IS NOT NULL AND s.rh IN (SELECT rh FROM cand_hashes))")
    tjoin = ("LEFT JOIN tmap tm ON tm.t = CASE WHEN s.t_ts IS NULL AND s.f_full IS NULL AND s.f_day IS NULL "
             "THEN s.t_txt END") if len(maps.times) else ""
    # the count of a row: 1 for a record the engine reads, the count cell of a shaped long or wide table
    total = "sum(cnt)::BIGINT" if any(f.fmt == "rows" for f in files) else "count(*)"
    sql = f"""
    CREATE TEMP TABLE agg AS
    WITH q AS (
      SELECT s.fi, s.line, s.id, s.id_raw, s.rh, coalesce(s.kraw, '{_NO_KIND}') AS kraw, s.cat, s.sub, s.dist,
             s.t_raw, s.cnt, s.pf,
             coalesce(s.t_ts, s.f_full, s.f_day, {'tm.ts' if tjoin else 'NULL'}) AS ts0,
             CASE WHEN s.r0 IS NOT NULL THEN s.r0
                  WHEN s.t_ts IS NOT NULL OR s.f_full IS NOT NULL OR s.f_day IS NOT NULL THEN ''
                  WHEN s.t_txt IS NULL OR s.t_txt = '' THEN 'missing_date'
                  ELSE {'coalesce(tm.reason, ' if tjoin else '('}'bad_date') END AS reason0,
             CASE WHEN s.h0 IS NOT NULL THEN s.h0
                  WHEN s.t_ts IS NOT NULL OR s.f_full IS NOT NULL THEN true
                  WHEN s.f_day IS NOT NULL THEN false ELSE {'coalesce(tm.has_time, false)' if tjoin else 'false'}
             END AS has0,
             {' OR '.join(cand) if cand else 'false'} AS cand
      FROM src s {tjoin}),
    z AS (
      SELECT fi, line, id, id_raw, rh, kraw, cand, cat, sub, dist, t_raw, cnt, pf,
             CASE WHEN reason0 = '' AND ts0 >= TIMESTAMP '{limit}' THEN 'future_date' ELSE reason0 END AS reason,
             CASE WHEN reason0 = '' THEN CAST(ts0 - INTERVAL {shift} MINUTE AS DATE) END AS date0,
             CASE WHEN reason0 = '' THEN hour(ts0) END AS hour0,
             reason0 = '' AND has0 AS has_time0,
             reason0 = '' AND has0 AND ts0 <> date_trunc('day', ts0) AS off0,
             fi::BIGINT * 1099511627776 + line AS pos
      FROM q),
    w AS (
      SELECT *, CASE WHEN reason = '' THEN date0 END AS date, CASE WHEN reason = '' THEN hour0 END AS hour,
             has_time0 AND reason = '' AS has_time, off0 AND reason = '' AS off,
             CASE WHEN reason = '' AND NOT cand THEN true END AS keep
      FROM z),
    v AS (
      SELECT *, CASE WHEN cand OR reason <> '' THEN struct_pack(fi, line, id, id_raw, rh, kraw, reason, cand, date,
                  hour, has_time, off, cat, sub, dist, t_raw, cnt, pf) END AS one
      FROM w)
    SELECT GROUPING(date, ck) AS g_d, GROUPING(hour) AS g_h, GROUPING(reason) AS g_s, GROUPING(one) AS g_i,
           keep, ck, hk, date, hour, has_time, cand, reason, off, pf, one,
           min(date) AS dmin, max(date) AS dmax, min(pos) AS first, count(*) AS n, {total} AS c
    FROM (SELECT *, {_CK} AS ck, {_HK} AS hk FROM v)
    GROUP BY GROUPING SETS ((keep, ck, date), (keep, has_time, hk, date, hour),
                            (cand, ck, reason, has_time, off, pf), (one))
    """
    con.execute(sql)


def ledger_aggregates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ledger aggregates of the rows whose id does not repeat, by file, kind, reason, label and flags.

    Parameters
    ----------
    con
        A connection holding ``agg`` and ``combos``.

    Returns
    -------
    DataFrame
        ``fi``, ``kind``, ``reason``, ``label`` (unmapped category), ``has_time``, ``unmatched``, ``off`` (a
        time not at midnight), ``fw``, ``tr``, ``ws`` (flags), ``dmin``, ``dmax`` (dates), ``first``
        (position of the first row), ``n`` (rows) and ``c`` (sum of counts).
    """
    return con.execute("""
        SELECT c.fi, c.kind, a.reason, c.label, a.has_time, c.unmatched, a.off, CASE WHEN a.pf IS NULL THEN c.fw ELSE (a.pf & 1) <> 0 END AS fw, CASE WHEN a.pf IS NULL THEN c.tr ELSE (a.pf & 2) <> 0 END AS tr, CASE WHEN a.pf IS NULL THEN c.ws ELSE (a.pf & 4) <> 0 END AS ws,
               min(a.dmin) AS dmin, max(a.dmax) AS dmax, min(a.first) AS first, sum(a.n)::BIGINT AS n,
               sum(a.c)::BIGINT AS c
        FROM agg a JOIN combos c ON a.ck = c.ck
        WHERE a.g_s = 0 AND NOT a.cand
        GROUP BY ALL""").df()


def rows_apart(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rows rejected or whose id (or whole row) repeats, one row each, with their mapped values.

    Parameters
    ----------
    con
        A connection holding ``agg`` and ``combos``.

    Returns
    -------
    DataFrame
        One row per such input row, the columns of ``duckdb_result``'s ``_ONE_COLUMNS``.
    """
    return con.execute("""
        SELECT o.fi, o.line, o.id, o.id_raw, o.rh, c.kind, o.reason, o.cand, o.date, o.hour, o.has_time, o.off,
               c.category, c.label, c.subcategory, c.district, c.unmatched,
               CASE WHEN o.pf IS NULL THEN c.fw ELSE (o.pf & 1) <> 0 END AS fw, CASE WHEN o.pf IS NULL THEN c.tr ELSE (o.pf & 2) <> 0 END AS tr, CASE WHEN o.pf IS NULL THEN c.ws ELSE (o.pf & 4) <> 0 END AS ws,
               o.cat, o.sub, o.dist, o.t_raw, o.cnt
        FROM (SELECT unnest(one) FROM agg WHERE g_i = 0 AND one IS NOT NULL) o
        JOIN combos c ON o.fi = c.fi AND o.kraw = c.kraw AND o.cat = c.cat AND o.sub = c.sub AND o.dist = c.dist
        """).df()
