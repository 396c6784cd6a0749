"""Spark engine: the same cleaning where the data lives (a provincial platform's Hive tables, HDFS, S3).

:func:`clean` gives what the embedded engine gives — the same daily and hourly tables, ledger (but for
``engine: spark``) and rejects — for record-level CSV, Parquet and catalog tables, computed by Spark:

1. **Plan** (driver, :mod:`stats_lib.clean.spark_plan`): each source's columns are mapped as the readers
   map them; what Spark should not read (Excel, long or wide tables, blank lines …) is shaped on the
   driver by the embedded engine's own code (small desktop files; its rows join the rest).
2. **Read** (executors): one narrow row per input row — file, position, kind/id/time/category/
   subcategory/district text, a 64-bit hash of the whole row — persisted on the executors' disks.
3. **Rules on distinct values.** Times in the common forms (``2023-01-22 08:15:00``, ``2023/01/22``)
   are parsed by Spark's own ``try_to_timestamp``; the distinct remaining values go through
   :func:`stats_lib.clean.rules.parse_times` in a vectorised (Arrow) ``mapInPandas`` on the executors.
   Kinds, districts, categories and normalisation flags are mapped on the driver from the distinct
   (file, kind, category, subcategory, district) values — few, even for billions of rows.
4. **Collect small results**: the rows whose id (or whole row) repeats and the rejected rows, one by
   one, and aggregates of the rest by statistical day (and hour). :mod:`stats_lib.clean.spark_assemble`
   finishes on the driver. Nothing of row size reaches the driver but rejects and duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd

from stats_lib.clean.rules import (
    DATE_YEARS,
    SCI_ID,
    clean_districts,
    kind_values,
    parse_times,
    statistical_day,
)
from stats_lib.clean.shape import shape_file
from stats_lib.clean.spark_assemble import ROW_COLUMNS, Collected, assemble
from stats_lib.clean.spark_plan import Fallback, Source, digest, is_uri, plan_file, plan_table
from stats_lib.clean.spark_session import get_session, run_settings
from stats_lib.errors import InputError
from stats_lib.ingest.readers import read_table
from stats_lib.ingest.schema import Schema
from stats_lib.ingest.taxonomy import normalisation_flags
from stats_lib.tables import Cleaned

__all__ = ["clean"]

# The characters Python's str.strip() removes (ids are stripped with it), as a Java regex class.
_WS = "".join(f"\\u{ord(c):04x}" for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
              "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_FAST = [(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", "yyyy-MM-dd HH:mm:ss", True),
         (r"^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", "yyyy/MM/dd HH:mm:ss", True),
         (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "yyyy-MM-dd", False),
         (r"^[0-9]{4}/[0-9]{2}/[0-9]{2}$", "yyyy/MM/dd", False)]
_NO_KIND = "\x00"


def _read(spark, s: Source):
    """The narrow raw rows of one source (see the module docstring), with ``pid``/``local`` positions."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    c = s.cols
    if s.fmt == "csv":
        width = s.csv["width"]
        fields = [T.StructField(f"c{j}", T.StringType()) for j in range(width)]
        sch = T.StructType([*fields, T.StructField("_corrupt", T.StringType())])
        df = (spark.read.schema(sch)
              .options(header=False, sep=s.csv["delim"], quote='"', escape='"', mode="PERMISSIVE",
                       columnNameOfCorruptRecord="_corrupt", multiLine=False, encoding=s.csv["encoding"])
              .csv(s.name))
        names = {h: f"c{j}" for j, h in enumerate(s.headers[:width])}
        allc = [F.coalesce(F.col(f"c{j}"), F.lit("")) for j in range(width)]
        corrupt = F.col("_corrupt").isNotNull()
        # a row is blank when every field is empty (least/greatest need two columns)
        nonblank = allc[0] != "" if width == 1 else ~(F.least(*[(a == "").cast("int") for a in allc]) == 1)
        skip = s.csv["skip"]
    else:
        df = spark.table(s.name) if s.fmt == "table" else spark.read.parquet(s.name)
        names = {h: h for h in s.headers}
        allc = [F.coalesce(F.col(f"`{h}`").cast("string"), F.lit("")) for h in s.headers]
        corrupt, nonblank, skip = F.lit(False), F.lit(True), -1

    def text(role: str):
        if role not in c:
            return F.lit("")
        return F.coalesce(F.col(f"`{names[c[role]]}`").cast("string"), F.lit(""))

    tcol = F.col(f"`{names[c['time']]}`")
    if s.time_type in ("timestamp", "nanos"):
        ts = tcol.cast("timestamp") if s.time_type == "timestamp" else F.timestamp_micros(F.floor(tcol / 1000))
        lo, hi = F.lit(f"{DATE_YEARS[0]}-01-01 00:00:00").cast("timestamp"), \
            F.lit(f"{DATE_YEARS[1]}-12-31 23:59:59.999999").cast("timestamp")
        oob = ts.isNotNull() & ~ts.between(lo, hi)
        t_ts, t_txt, t_raw = F.when(~oob, ts), F.lit(None).cast("string"), F.coalesce(ts.cast("string"), F.lit(""))
    else:
        t_ts, oob = F.lit(None).cast("timestamp"), F.lit(False)
        t_txt = text("time") if s.time_type == "text" else F.coalesce(tcol.cast("string"), F.lit(""))
        t_raw = t_txt
    id_raw = text("id")
    return df.select(
        F.lit(s.fi).alias("fi"), F.spark_partition_id().alias("pid"),
        (F.monotonically_increasing_id() - F.shiftleft(F.spark_partition_id().cast("long"), 33)).alias("local"),
        corrupt.alias("corrupt"), nonblank.alias("nonblank"), F.lit(skip).alias("skip"),
        (text("kind") if "kind" in c else F.lit(_NO_KIND)).alias("kraw"),
        id_raw.alias("id_raw"), F.regexp_replace(id_raw, f"^[{_WS}]+|[{_WS}]+$", "").alias("id"),
        t_txt.alias("t_txt"), t_ts.alias("t_ts"), oob.alias("oob"), F.lit(s.time_type != "text" and
                                                                         s.time_type != "date").alias("typed"),
        t_raw.alias("t_raw"), text("category").alias("cat"), text("subcategory").alias("sub"),
        text("district").alias("dist"), F.xxhash64(*allc).alias("rh"))


def _time_parser(schema: Schema):
    """The ``mapInPandas`` function: distinct time texts in, :func:`parse_times`' answer out."""
    def run(batches):
        for pdf in batches:
            text = pdf["t_txt"].astype(object)
            p = parse_times(text, schema, None)
            ny = np.zeros(len(text), dtype=bool)
            if p.needs_year:  # which values lack a year: rare, so value by value
                bad = np.flatnonzero((p.reasons == "bad_date").to_numpy())
                ny[bad] = [parse_times(text.iloc[[i]], schema, None).needs_year > 0 for i in bad]
            yield pd.DataFrame({"t_txt": text, "p_ts": p.timestamps.astype("datetime64[us]"),
                                "p_reason": p.reasons.astype(object), "p_has": p.has_time.astype(bool),
                                "p_ny": ny})
    return run


def _parsed(spark, base, schema: Schema, as_of: dt.date):
    """Rows with ``ts``, ``reason``, ``has_time``, ``date`` (statistical day), ``hour``, ``off``, ``ny``."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    t = F.col("t_txt")
    full, day = F.lit(None).cast("timestamp"), F.lit(None).cast("timestamp")
    if not schema.date_format and schema.calendar != "roc":
        lo, hi = f"{DATE_YEARS[0]}-01-01", f"{DATE_YEARS[1]}-12-31 23:59:59.999999"
        for rx, fmt, with_time in _FAST:
            got = F.when(t.rlike(rx), F.expr(f"try_to_timestamp(t_txt, '{fmt}')"))
            got = F.when(got.between(F.lit(lo).cast("timestamp"), F.lit(hi).cast("timestamp")), got)
            full, day = (F.coalesce(full, got), day) if with_time else (full, F.coalesce(day, got))
    rows = base.withColumn("full", full).withColumn("day", day)
    slow = rows.where(F.col("t_ts").isNull() & ~F.col("typed") & (t != "") & F.col("full").isNull()
                      & F.col("day").isNull()).select("t_txt").distinct()
    tmap = slow.mapInPandas(_time_parser(schema), "t_txt string, p_ts timestamp, p_reason string, p_has boolean, "
                                                  "p_ny boolean").persist(StorageLevel.MEMORY_AND_DISK)
    rows = rows.join(tmap, "t_txt", "left")
    limit = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    ts = F.coalesce("t_ts", "full", "day", "p_ts")
    reason = (F.when(F.col("typed"), F.when(F.col("t_ts").isNull(), F.when(F.col("oob"), "bad_date")
                                            .otherwise("missing_date")).otherwise(""))
              .when(t == "", "missing_date")
              .when(F.col("full").isNotNull() | F.col("day").isNotNull(), "")
              .otherwise(F.col("p_reason")))
    reason = F.when((reason == "") & (ts >= F.lit(limit).cast("timestamp")), "future_date").otherwise(reason)
    has = F.col("typed") | F.col("full").isNotNull() | (F.col("day").isNull() & F.coalesce("p_has", F.lit(False)))
    minutes = schema.day_start_minutes
    rows = (rows.withColumn("ts", ts).withColumn("reason", reason)
            .withColumn("has_time", (F.col("reason") == "") & has)
            .withColumn("date", F.when(F.col("reason") == "", F.to_date(F.col("ts") - F.expr(
                f"INTERVAL {minutes} MINUTES"))))
            .withColumn("hour", F.when(F.col("reason") == "", F.hour("ts")).otherwise(F.lit(-1)))
            .withColumn("off", F.coalesce(F.col("ts") != F.date_trunc("day", "ts"), F.lit(False)))
            .withColumn("ny", F.coalesce("p_ny", F.lit(False))))
    return rows, tmap


def _combos(frame: pd.DataFrame, sources: dict[int, Source], schema: Schema) -> pd.DataFrame:
    """Kind, cleaned district, flags and ``unmatched`` of the distinct raw (fi, kraw, cat, sub, dist)."""
    u = frame[["fi", "kraw", "cat", "sub", "dist"]].drop_duplicates().reset_index(drop=True)
    kind = pd.Series([sources[int(fi)].kind for fi in u["fi"]], dtype=object)
    need = kind.isna().to_numpy()
    if need.any():
        kind[need] = kind_values(u.loc[need, "kraw"].astype(object)).to_numpy()
    u["kind"] = kind
    u["has_cat"] = [("category" in sources[int(fi)].cols) for fi in u["fi"]]
    dists = u["dist"].drop_duplicates()
    u["district"] = u["dist"].map(dict(zip(dists, clean_districts(dists.astype(object), schema).to_numpy())))
    u["unmatched"] = bool(schema.district_pattern) & (u["dist"].str.strip() != "") & (u["district"] == "")
    flags = np.zeros((len(u), 3), dtype=bool)
    for col in ("cat", "sub", "dist"):
        flags |= normalisation_flags(u[col].astype(object)).to_numpy()
    u["fw"], u["tr"], u["ws"] = flags[:, 0], flags[:, 1], flags[:, 2]
    return u


def _with_combos(frame: pd.DataFrame, combos: pd.DataFrame) -> pd.DataFrame:
    keys = ["fi", "kraw", "cat", "sub", "dist"]
    out = frame.merge(combos, on=keys, how="left", validate="many_to_one")
    return out.drop(columns=["dist"]).rename(columns={"district": "dist"})


def _cut(values: pd.Series) -> pd.Series:
    values = values.astype(object).fillna("").astype(str)
    long = values.str.len() > 200
    return values.where(~long, values.str[:200] + "…")


def _rejects(one: pd.DataFrame, s: Source) -> pd.DataFrame:
    bad = one[(one["fi"] == s.fi) & (one["reason"] != "")].sort_values("line", kind="stable")
    out = pd.DataFrame({"file": s.name, "line": bad["line"].astype("int64").to_numpy(),
                        "reason": bad["reason"].to_numpy()})
    raw = {"id": "id_raw", "time": "t_raw", "category": "cat", "subcategory": "sub", "district": "dist_raw"}
    for role in ("id", "time", "category", "subcategory", "district"):
        if role == "time" or role in s.cols:
            out[role] = _cut(bad[raw[role]]).to_numpy()
    return out


def _driver_rows(part, fi: int, minutes: int) -> pd.DataFrame:
    """A driver-shaped file's rows as :data:`ROW_COLUMNS`."""
    r = part.rows
    day = statistical_day(r["ts"], minutes)
    date, hour = day["date"], day["hour"].fillna(-1).astype("int64")
    return pd.DataFrame({"fi": fi, "line": r["line"].astype("int64"), "shape": r["shape"], "kind": r["kind"],
                         "id": r["id"], "has_cat": r["has_cat"].astype(bool), "cat": r["cat"].astype(str),
                         "sub": r["sub"].astype(str), "dist": r["dist"], "date": date, "hour": hour,
                         "has_time": r["has_time"].astype(bool), "off": True, "count": r["count"].astype("int64"),
                         "reason": r["reason"], "hash": r["hash"].astype("uint64").astype("int64"),
                         "fw": r["fullwidth"], "tr": r["traditional"], "ws": r["whitespace"], "unmatched": False})


class _Again(Exception):
    """Sources Spark read but the driver must shape (malformed rows, blank lines, dates without a year)."""

    def __init__(self, fis: set[int], why: str) -> None:
        super().__init__(why)
        self.fis = fis


_DAILY_KEYS = ["fi", "kraw", "cat", "sub", "dist", "date", "has_time", "off"]
_HOURLY_KEYS = ["fi", "kraw", "cat", "dist", "date", "hour"]
_ONE = ["fi", "line", "kraw", "id", "id_raw", "t_raw", "cat", "sub", "dist", "rh", "reason", "date", "hour",
        "has_time", "off", "ny"]


def _spark_part(spark, srcs: list[Source], ext_ids: pd.DataFrame, schema: Schema, as_of: dt.date
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run the Spark query (one job); return the single rows, the daily and the hourly aggregates (raw keys).

    Rows are ordered by ``(pid << 33) + local`` (their place in the scan, which is file order); the line
    numbers are made on the driver from the rows per scan partition, collected in the same query.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    base = reduce(lambda a, b: a.unionByName(b), [_read(spark, s) for s in srcs]).persist(StorageLevel.DISK_ONLY)
    persisted = [base]
    try:
        head = (F.col("pid") == 0) & (F.col("local") <= F.col("skip"))
        lined = (base.where(~head & F.col("nonblank"))
                 .withColumn("line", F.shiftleft(F.col("pid").cast("long"), 33) + F.col("local")))
        rows, tmap = _parsed(spark, lined, schema, as_of)
        persisted.append(tmap)
        good = rows.where(F.col("reason") == "")
        ids = good.where(F.col("id") != "").groupBy("id").agg(F.count(F.lit(1)).alias("c"))
        if len(ext_ids):
            ids = ids.unionByName(spark.createDataFrame(ext_ids)).groupBy("id").agg(F.sum("c").alias("c"))
        rep = ids.where(F.col("c") > 1).select("id", F.lit(True).alias("rep_id"))
        reph = (good.where(F.col("id") == "").groupBy("rh").agg(F.count(F.lit(1)).alias("c"))
                .where(F.col("c") > 1).select("rh", F.lit(True).alias("rep_h")))
        m = rows.join(rep, "id", "left").join(reph, "rh", "left")
        single = ((F.col("reason") != "") | F.coalesce("rep_id", F.lit(False))
                  | ((F.col("id") == "") & F.coalesce("rep_h", F.lit(False))))
        m = m.withColumn("single", single)
        rest = m.where(~F.col("single"))
        parts = [
            m.where("single").select(*_ONE).withColumn("part", F.lit("o")),
            rest.groupBy(*_DAILY_KEYS).agg(F.count(F.lit(1)).alias("n"), F.min("line").alias("first"))
            .withColumn("part", F.lit("d")),
            rest.where("has_time").groupBy(*_HOURLY_KEYS).agg(F.count(F.lit(1)).alias("n"))
            .withColumn("part", F.lit("h")),
            base.groupBy("fi", "pid").agg(F.count(F.lit(1)).alias("n"), F.sum(
                F.when(F.col("corrupt") & ~head, 1).otherwise(0)).alias("bad")).withColumn("part", F.lit("p")),
            # ids in scientific notation (rules.sci_ids): such a file's ids cannot tell records apart
            rows.where(F.trim(F.col("id")).rlike(f"^(?:{SCI_ID})$")).groupBy("fi")
            .agg(F.count(F.lit(1)).alias("n")).withColumn("part", F.lit("s")),
        ]
        got = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts).toPandas()
    finally:
        for df in persisted:
            df.unpersist()
    pos = got[got["part"] == "p"]
    bad = {int(fi) for fi in pos.loc[pos["bad"] > 0, "fi"]}
    if bad:
        raise _Again(bad, "malformed rows (a quoted line break, or more or fewer fields than the header)")
    sci = {int(fi) for fi in got.loc[got["part"] == "s", "fi"]}
    if sci:
        raise _Again(sci, "ids in scientific notation")
    one = got[got["part"] == "o"][_ONE].reset_index(drop=True)
    ny = {int(fi) for fi in one.loc[one["ny"].astype(bool), "fi"]}
    if ny:
        raise _Again(ny, "dates written without a year")
    pos = pos[["fi", "pid", "n"]].astype("int64").sort_values(["fi", "pid"])
    pos["offset"] = pos.groupby("fi")["n"].cumsum() - pos["n"]
    offsets = dict(zip(zip(pos["fi"], pos["pid"]), pos["offset"]))

    def to_line(fi: pd.Series, key: pd.Series) -> np.ndarray:
        key = key.astype("int64").to_numpy()
        pid, local = key >> 33, key & ((1 << 33) - 1)
        base_ = np.array([offsets[(int(f), int(p))] for f, p in zip(fi.to_numpy(), pid)], dtype=np.int64)
        return local + base_ + 1

    one["line"] = to_line(one["fi"], one["line"]) if len(one) else one["line"]
    daily = got[got["part"] == "d"][[*_DAILY_KEYS, "n", "first"]].reset_index(drop=True)
    daily["first"] = to_line(daily["fi"], daily["first"]) if len(daily) else daily["first"]
    hourly = got[got["part"] == "h"][[*_HOURLY_KEYS, "n"]].reset_index(drop=True)
    for frame in (one, daily, hourly):
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
        frame["fi"] = frame["fi"].astype("int64")
    for c in ("hour", "n"):
        hourly[c] = hourly[c].astype("int64")
    daily["n"] = daily["n"].astype("int64")
    for frame in (one, daily):
        for c in ("has_time", "off"):
            frame[c] = frame[c].astype(bool)
    return one, daily, hourly


def _collected(srcs: dict[int, Source], parts: dict, one: pd.DataFrame, daily: pd.DataFrame, hourly: pd.DataFrame,
               schema: Schema, n_sources: int) -> Collected:
    keys = pd.concat([f[["fi", "kraw", "cat", "sub", "dist"]] for f in (one, daily)], ignore_index=True)
    hk = hourly[["fi", "kraw", "cat", "dist"]].assign(sub="")
    combos = _combos(pd.concat([keys, hk], ignore_index=True), srcs, schema) if len(srcs) else None
    rows, dly, hly = [], None, None
    if combos is not None:
        o = _with_combos(one.assign(dist_raw=one["dist"]), combos)
        rows.append(pd.DataFrame({
            "fi": o["fi"].astype("int64"), "line": o["line"].astype("int64"), "shape": "records", "kind": o["kind"],
            "id": o["id"], "has_cat": o["has_cat"], "cat": o["cat"], "sub": o["sub"], "dist": o["dist"],
            "date": o["date"], "hour": o["hour"].astype("int64"), "has_time": o["has_time"].astype(bool),
            "off": o["off"].astype(bool), "count": 1, "reason": o["reason"], "hash": o["rh"].astype("int64"),
            "fw": o["fw"], "tr": o["tr"], "ws": o["ws"], "unmatched": o["unmatched"]}))
        one = o
        d = _with_combos(daily, combos)
        dly = d.assign(shape="records", count=d["n"], first=d["fi"].astype("int64") * (1 << 40) + d["first"])
        hc = combos.drop_duplicates(["fi", "kraw", "cat", "dist"])[["fi", "kraw", "cat", "dist", "kind", "has_cat",
                                                                     "district"]]
        hly = hourly.merge(hc, on=["fi", "kraw", "cat", "dist"], how="left").drop(columns=["dist"]).rename(
            columns={"district": "dist"})
    for fi, part in sorted(parts.items()):
        rows.append(_driver_rows(part, fi, schema.day_start_minutes))
    empty_rows = pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})
    rows_df = pd.concat(rows, ignore_index=True) if rows else empty_rows
    if dly is None:
        dly = pd.DataFrame(columns=["fi", "shape", "kind", "has_cat", "cat", "sub", "dist", "fw", "tr", "ws",
                                    "unmatched", "date", "has_time", "off", "n", "count", "first"])
        hly = pd.DataFrame(columns=["fi", "kind", "has_cat", "cat", "dist", "date", "hour", "n"])
    rejects, infos, mismatches = [], [], []
    for fi in range(n_sources):
        if fi in srcs:
            rejects.append(_rejects(one, srcs[fi]))
            infos.append(srcs[fi].info)
        else:
            rejects.append(parts[fi].rejects)
            infos.append(parts[fi].info)
            mismatches += parts[fi].mismatches
    typed = {fi for fi, s in srcs.items() if s.time_type in ("timestamp", "nanos")}
    return Collected(daily=dly, hourly=hly, rows=rows_df, rejects=rejects, infos=infos, mismatches=mismatches,
                     typed_files=typed, spark_files=set(srcs))


def clean(files: Sequence[str | Path], schema: Schema, as_of: dt.date, dedupe: str | None,
          tables: Sequence[str] = ()) -> Cleaned:
    """Clean export files and catalog tables with Spark (the engine interface of :mod:`stats_lib.clean`).

    Parameters
    ----------
    files : paths Spark can read (local, ``hdfs://``, ``s3a://`` …): CSV/TSV (gzip or not) and Parquet; local
        files of other kinds (Excel …) are shaped on the driver.
    schema
        The schema (column names as for files, also for tables).
    as_of
        Later dates are rejected as ``future_date``.
    dedupe
        ``"exact"`` also drops exact duplicate rows without an id.
    tables
        Tables of the session's catalog (``db.table``), after the files in file order.

    Returns
    -------
    Cleaned
        What the embedded engine gives for the same input (``engine: spark`` in the ledger).

    Raises
    ------
    ParameterError
        pyspark or Java missing (one line: what to install).
    InputError
        As the embedded engine; a remote file or table Spark cannot clean.
    """
    names = [str(f) for f in files] + [str(t) for t in tables]
    if not names:
        raise InputError("no input files given")
    spark = get_session()
    with run_settings(spark):
        srcs: dict[int, Source] = {}
        driver: set[int] = set()
        for fi, name in enumerate(names):
            if fi >= len(files):
                srcs[fi] = plan_table(fi, name, schema, spark)
                continue
            try:
                srcs[fi] = plan_file(fi, name, schema, spark)
            except Fallback:
                driver.add(fi)
        local = {fi: Path(s.name.removeprefix("file://").removeprefix("file:")) for fi, s in srcs.items()
                 if s.fmt != "table" and not is_uri(s.name)}
        with ThreadPoolExecutor(max_workers=2) as pool:
            digests = {fi: pool.submit(digest, p) for fi, p in local.items()}
            while True:
                for fi in [fi for fi in digests if fi in srcs and srcs[fi].fmt == "csv" and digests[fi].result().on_driver]:
                    driver.add(fi)  # Spark skips blank lines, the readers number them
                    srcs.pop(fi)
                parts = {fi: shape_file(read_table(names[fi], schema), schema, as_of, fi) for fi in sorted(driver)}
                spark_srcs = [srcs[fi] for fi in sorted(srcs)]
                try:
                    if spark_srcs:
                        ext = _ext_ids(parts)
                        one, daily, hourly = _spark_part(spark, spark_srcs, ext, schema, as_of)
                    else:
                        one = pd.DataFrame({c: pd.Series(dtype=object) for c in _ONE})
                        daily = pd.DataFrame(columns=[*_DAILY_KEYS, "n", "first"])
                        hourly = pd.DataFrame(columns=[*_HOURLY_KEYS, "n"])
                    break
                except _Again as again:
                    remote = [names[fi] for fi in again.fis if fi not in local]
                    if remote:
                        raise InputError(f"{remote[0]}: the Spark engine cannot clean it ({again})") from None
                    for fi in again.fis:
                        srcs.pop(fi)
                        driver.add(fi)
            for fi, fut in digests.items():
                if fi in srcs:
                    srcs[fi].info["sha256"] = fut.result().sha256
        collected = _collected(srcs, parts, one, daily, hourly, schema, len(names))
        result = assemble(collected, schema, as_of, dedupe, "spark")
    if result.ledger["rows_read"] == 0:
        raise InputError(f"{', '.join(names)}: no data rows (only a header?)")
    return result


def _ext_ids(parts: dict) -> pd.DataFrame:
    """Ids of the kept rows of driver-shaped files, with counts (repeated ids span all sources)."""
    ids = [p.rows.loc[(p.rows["reason"] == "") & (p.rows["id"] != ""), "id"] for p in parts.values()]
    if not ids or not sum(len(i) for i in ids):
        return pd.DataFrame({"id": pd.Series(dtype=str), "c": pd.Series(dtype="int64")})
    counts = pd.concat(ids).value_counts()
    return pd.DataFrame({"id": counts.index.astype(str), "c": counts.to_numpy().astype("int64")})
