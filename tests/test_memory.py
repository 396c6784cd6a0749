"""A record-level input larger than the memory a process may use is cleaned without being loaded whole.

The sample generator writes a large clean incident file; the DuckDB engine cleans it in a subprocess
whose address space is capped (``resource.setrlimit(RLIMIT_AS)``) below what holding the file in a
pandas frame needs. That is measured, not assumed: the peak resident memory of ``pandas.read_csv`` on
two slices of the file gives the memory per row, scaled to the whole file (address space is never
smaller than resident memory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROWS = 5_000_000
LIMIT = 3 * 2**30  # bytes of address space for the DuckDB run
# Arrow's default allocator reserves gigabytes of address space up front (not memory it uses);
# the system allocator reserves what it uses, so RLIMIT_AS measures the work, not the reservation.
ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "STATS_LIB_DUCKDB_MEMORY": "256MB"}


def _run(code: str, limit: int | None = None) -> tuple[dict, float]:
    """Run ``code`` in a fresh Python; return the JSON it prints last and its peak RSS in bytes.

    The child reads its own high-water mark (``VmHWM``): ``ru_maxrss`` would start from the parent's
    resident size, which a forked child inherits.
    """
    prefix = f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n" if limit else ""
    proc = subprocess.run([sys.executable, "-c", prefix + code], env={**os.environ, **ENV},
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result, float(result["maxrss_kib"]) * 1024


def _clean_code(path: Path, engine: str) -> str:
    return (
        "import json\n"
        "from stats_lib.clean import load\n"
        f"c = load([{str(path)!r}], as_of='2026-01-01', engine={engine!r})\n"
        "print(json.dumps({'engine': c.ledger['engine'], 'read': c.ledger['rows_read'],\n"
        "                  'kept': c.ledger['rows_kept'], 'daily': int(c.daily['count'].sum()),\n"
        "                  'hourly': int(c.hourly['count'].sum()),\n"
        "                  'maxrss_kib': int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])}))\n")


def _pandas_code(path: Path) -> str:
    return (
        "import json\n"
        "import pandas as pd\n"
        f"f = pd.read_csv({str(path)!r}, dtype=object, keep_default_na=False)\n"
        "print(json.dumps({'read': len(f),\n"
        "                  'maxrss_kib': int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])}))\n")


def _slice(src: Path, dst: Path, rows: int) -> Path:
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for i, line in enumerate(fin):
            if i > rows:
                break
            fout.write(line)
    return dst


@pytest.mark.slow
def test_duckdb_engine_cleans_a_file_a_pandas_frame_cannot_hold(tmp_path):
    from make_sample import write_large

    path = write_large(ROWS, tmp_path, fmt="csv")
    # what a pandas frame of the file needs: resident memory per row, from two slices of the same file
    small, large = 20_000, 200_000
    (a, rss_a) = _run(_pandas_code(_slice(path, tmp_path / "a.csv", small)))
    (b, rss_b) = _run(_pandas_code(_slice(path, tmp_path / "b.csv", large)))
    assert (a["read"], b["read"]) == (small, large)
    per_row = (rss_b - rss_a) / (large - small)
    pandas_needs = rss_a + per_row * (ROWS - small)
    assert pandas_needs > LIMIT, f"the point is not made: pandas needs about {pandas_needs / 2**30:.1f} GiB"

    result, _ = _run(_clean_code(path, "duckdb"), limit=LIMIT)
    assert result["engine"] == "duckdb"
    # the generator writes ROWS clean records with unique ids, all before the as-of date
    assert result["read"] == result["kept"] == result["daily"] == result["hourly"] == ROWS
