"""Benchmark ``briefing clean`` and ``briefing render`` against a reference DuckDB query.

Usage::

    python bench/run.py --rows 10000000 [--format parquet|csv] [--runs 3] [--no-render]

The input is generated once with the sample generator (``python tools/make_sample.py``) and cached
under ``bench/.cache/`` (git-ignored). Each measured command runs as a fresh process; its wall time
is measured around the process and its peak resident memory is read from the ``rusage`` that
``os.wait4`` returns for that child (the largest process of its tree, in MiB). The median of the
runs is reported, with the ratio to the reference query:

- ``reference``: DuckDB in a fresh ``python -c`` process doing the same logical work as the
  cleaning (read id, time, category and district; drop duplicate ids; count by date, category and
  district; write the counts to Parquet);
- ``clean``: ``briefing clean`` on the same input;
- ``render``: ``briefing render`` on the cleaned result (skipped with a note when the render stage
  is not installed, or with ``--no-render``).

The table is printed and written as JSON to ``bench/results/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"

# Header names the reference query looks for (first match wins); the cleaner maps more.
CANDIDATES = {
    "id": ["接警单编号", "案件编号", "编号", "id"],
    "time": ["报警时间", "接警时间", "发案时间", "立案时间", "time", "date"],
    "category": ["报警类别", "警情类别", "案件类别", "类别", "category", "type"],
    "district": ["管辖单位", "辖区", "所属派出所", "district", "precinct"],
}


def generate(rows: int, fmt: str) -> Path:
    """Return the folder of cached input with ``rows`` records in ``fmt``, generating it when absent."""
    folder = CACHE / f"{fmt}-{rows}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    cmd = [sys.executable, str(HERE.parent / "tools" / "make_sample.py"), "--rows", str(rows), "--out", str(folder),
           "--format", fmt]
    print(f"generating {rows:,} rows ({fmt}) into {folder} ...", flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    done.write_text(json.dumps({"command": cmd, "seconds": round(time.perf_counter() - t0, 1)}))
    return folder


def input_files(folder: Path, fmt: str) -> list[Path]:
    """Record-level input files of the generated folder (Parquet, or CSV / CSV.gz)."""
    patterns = ["*.parquet"] if fmt == "parquet" else ["*.csv", "*.csv.gz"]
    files = sorted(p for pat in patterns for p in folder.rglob(pat))
    if not files:
        raise SystemExit(f"bench: no {fmt} files in {folder}")
    return files


def find_columns(files: list[Path], fmt: str) -> dict[str, str]:
    """Map id/time/category/district to the input's header names (for the reference query)."""
    import duckdb

    src = _source_sql(files, fmt)
    names = duckdb.sql(f"SELECT * FROM {src} LIMIT 0").columns
    lower = {n.strip().lower(): n for n in names}
    found = {}
    for canon, cands in CANDIDATES.items():
        match = next((lower[c.lower()] for c in cands if c.lower() in lower), None)
        if match is None:
            raise SystemExit(f"bench: no {canon} column among {names}")
        found[canon] = match
    return found


def _source_sql(files: list[Path], fmt: str) -> str:
    lst = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    if fmt == "parquet":
        return f"read_parquet({lst})"
    return f"read_csv({lst}, all_varchar=true)"


def reference_code(files: list[Path], fmt: str, cols: dict[str, str], out: Path, memory: str | None = None) -> str:
    """Python source of the reference query (run with ``python -c``), optionally under a memory limit."""
    src = _source_sql(files, fmt)
    q = {k: '"' + v.replace('"', '""') + '"' for k, v in cols.items()}
    sql = f"""
COPY (
  WITH d AS (SELECT DISTINCT ON ({q['id']}) {q['time']} AS t, {q['category']} AS c, {q['district']} AS k
             FROM {src})
  SELECT CAST(TRY_CAST(t AS TIMESTAMP) AS DATE) AS date, c AS category, k AS district, count(*) AS count
  FROM d GROUP BY ALL
) TO '{out}' (FORMAT parquet)
"""
    limit = f"duckdb.sql(\"SET memory_limit = '{memory}'\")\n" if memory else ""
    return "import duckdb\n" + limit + "duckdb.sql(" + repr(sql) + ")\n"


def measure(cmd: list[str]) -> dict:
    """Run ``cmd`` as a fresh process; return wall seconds, peak RSS (MiB) and the exit code.

    Peak RSS comes from ``/usr/bin/time`` (GNU time's ``%M``) when present, else from the rusage
    ``os.wait4`` returns. (A forked child's ``ru_maxrss`` starts from its parent's size; GNU time is a
    small parent, so its figure is the command's own.)
    """
    gnu_time = shutil.which("time", path="/usr/bin")
    full = [gnu_time, "-f", "BENCH-RSS %M", *cmd] if gnu_time else cmd
    t0 = time.perf_counter()
    proc = subprocess.Popen(full, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""   # read before waiting: no full pipe
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = err.decode("utf-8", "replace")
    rss_kib = usage.ru_maxrss
    if gnu_time:
        lines = [ln for ln in text.splitlines() if ln.startswith("BENCH-RSS ")]
        if lines:
            rss_kib = int(lines[-1].split()[1])
    return {"wall_s": wall, "peak_rss_mib": rss_kib / 1024, "rc": proc.returncode, "stderr": text[-2000:]}


def run_case(name: str, cmd: list[str], runs: int, setup=None) -> dict:
    """Run ``cmd`` ``runs`` times (calling ``setup`` before each); return the runs and their medians."""
    results = []
    for i in range(runs):
        if setup:
            setup()
        r = measure(cmd)
        if r["rc"] != 0:
            print(f"  {name}: exit code {r['rc']}\n{r['stderr']}", file=sys.stderr)
            raise SystemExit(f"bench: {name} failed")
        print(f"  {name} run {i + 1}: {r['wall_s']:.2f} s, {r['peak_rss_mib']:.0f} MiB", flush=True)
        results.append(r)
    return {
        "command": cmd,
        "runs": [{k: round(r[k], 3) for k in ("wall_s", "peak_rss_mib")} for r in results],
        "wall_s": round(statistics.median(r["wall_s"] for r in results), 3),
        "peak_rss_mib": round(statistics.median(r["peak_rss_mib"] for r in results), 1),
    }


def machine() -> dict:
    """A short description of the machine and the library versions."""
    import duckdb
    import pandas
    import pyarrow

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                   if x.startswith("MemTotal"))
        mem_gib = round(mem / 1024**2, 1)
    except (OSError, StopIteration):
        mem_gib = None
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": mem_gib, "os": platform.platform(),
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__}


def render_command(cleaned: Path, out: Path) -> list[str] | None:
    """The ``briefing render`` command for the last 14 days of the cleaned data, or None without render."""
    if importlib.util.find_spec("stats_lib.render") is None:
        return None
    ledger = json.loads((cleaned / "ledger.json").read_text("utf-8"))
    end = dt.date.fromisoformat(str(ledger["date_max"])[:10])
    start = end - dt.timedelta(days=13)
    return [sys.executable, "-m", "stats_lib.cli", "render", "--data", str(cleaned), "--start", start.isoformat(),
            "--end", end.isoformat(), "--as-of", end.isoformat(), "--out", str(out)]


def print_table(cases: dict) -> None:
    """Print wall time, peak RSS and the ratio to the reference."""
    ref = cases["reference"]
    print(f"\n{'step':<18}{'wall s':>9}{'peak RSS MiB':>14}{'x reference':>13}")
    for name, c in cases.items():
        ratio = f"{c['wall_s'] / ref['wall_s']:.2f}" if name != "render" else "-"
        print(f"{name:<18}{c['wall_s']:>9.2f}{c['peak_rss_mib']:>14.0f}{ratio:>13}")


def _same_tables(folders: list[Path]) -> bool:
    """Whether every folder holds the same daily.parquet and hourly.parquet (as frames)."""
    import pandas as pd

    for name in ("daily.parquet", "hourly.parquet"):
        frames = [pd.read_parquet(f / name) if (f / name).exists() else None for f in folders]
        first = frames[0]
        for other in frames[1:]:
            if (first is None) != (other is None) or (first is not None and not first.equals(other)):
                return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, required=True, help="number of records to generate")
    ap.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    ap.add_argument("--runs", type=int, default=3, help="runs per step (median reported)")
    ap.add_argument("--engine", default="duckdb",
                    help="briefing clean --engine; several joined by ',' (duckdb, spark) are run "
                         "one after the other on the same input, and their tables compared")
    ap.add_argument("--spark-master", dest="spark_master", default="local[2]",
                    help="master of the Spark engine's local session (STATS_LIB_SPARK_MASTER; default local[2])")
    ap.add_argument("--as-of", dest="as_of", help="briefing clean --as-of (default: today)")
    ap.add_argument("--no-render", dest="render", action="store_false", help="skip briefing render")
    args = ap.parse_args(argv)

    folder = generate(args.rows, args.format)
    files = input_files(folder, args.format)
    size = sum(f.stat().st_size for f in files)
    print(f"input: {len(files)} file(s), {size / 2**20:,.0f} MiB, {args.rows:,} rows ({args.format})")
    work = CACHE / "work" / f"{args.format}-{args.rows}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    cols = find_columns(files, args.format)
    ref_out = work / "reference.parquet"
    cases: dict[str, dict] = {}
    cases["reference"] = run_case("reference", [sys.executable, "-c", reference_code(files, args.format, cols, ref_out)],
                                  args.runs)
    # the same query held to the memory the cleaning engine gets (for context; ratios use the above)
    memory = os.environ.get("STATS_LIB_DUCKDB_MEMORY", "512MB")
    cases[f"reference@{memory}"] = run_case(
        f"reference@{memory}", [sys.executable, "-c", reference_code(files, args.format, cols, ref_out, memory)],
        args.runs)
    engines = [e.strip() for e in args.engine.split(",") if e.strip()]
    os.environ["STATS_LIB_SPARK_MASTER"] = args.spark_master
    outputs = {}
    for i, engine in enumerate(engines):
        cleaned = work / f"cleaned-{engine}"
        outputs[engine] = cleaned
        clean_cmd = [sys.executable, "-m", "stats_lib.cli", "clean", *map(str, files), "--out", str(cleaned),
                     "--engine", engine]
        if args.as_of:
            clean_cmd += ["--as-of", args.as_of]
        name = "clean" if i == 0 else f"clean[{engine}]"
        cases[name] = run_case(name, clean_cmd, args.runs,
                               setup=lambda c=cleaned: shutil.rmtree(c, ignore_errors=True))
    same = _same_tables(list(outputs.values())) if len(outputs) > 1 else None
    if same is not None:
        print(f"daily and hourly tables identical across {', '.join(engines)}: {same}")
    cleaned = outputs[engines[0]]

    note = None
    if args.render:
        cmd = render_command(cleaned, work / "reports")
        if cmd is None:
            note = "render skipped: stats_lib.render is not installed yet"
            print(note)
        else:
            cases["render"] = run_case("render", cmd, args.runs)
    else:
        note = "render skipped (--no-render)"

    print_table(cases)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {"rows": args.rows, "format": args.format, "input_files": len(files), "input_mib": round(size / 2**20, 1),
              "engine": args.engine, "spark_master": args.spark_master, "tables_identical": same,
              "runs": args.runs, "utc": stamp, "machine": machine(), "note": note,
              "cases": cases,
              "ratio_clean_to_reference": round(cases["clean"]["wall_s"] / cases["reference"]["wall_s"], 2),
              "command": " ".join(["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])}
    path = RESULTS / f"{stamp}-{args.format}-{args.rows}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nwritten {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
