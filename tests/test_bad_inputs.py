"""The corpus of bad inputs (``tests/data/bad``): each file ends in a ledger entry or in one clear error.

Every case of ``tests/data/bad/expected.yaml`` runs ``briefing clean`` in-process through
:func:`stats_lib.cli.main` and checks: the exit code (0 or 2), a one-line ``briefing: error:`` message
naming the file and the key/column/row, no traceback, no outputs after an error, and for usable files
the ledger values, 合计 mismatches and daily totals worked out by hand in ``expected.yaml``. A few cases
also run in a real subprocess to show that no traceback reaches stderr. The last test states how many
bad inputs were tried and how many ended in a traceback (zero).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import subprocess
import sys
import traceback
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from stats_lib import cli

BAD = Path(__file__).resolve().parent / "data" / "bad"
SPEC = yaml.safe_load((BAD / "expected.yaml").read_text("utf-8"))
CASES = {c["id"]: c for c in SPEC["cases"]}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: id -> "ok" | "error" | "traceback" for every case run in this session (for the summary test).
TRIED: dict[str, str] = {}


def _corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inputs(case: dict, tmp: Path) -> list[Path]:
    if "generated" in case:
        gen = case["generated"]
        return [_corpus_module().big_field_csv(tmp / gen["file"], gen["column"])]
    return [BAD / name for name in case["files"]]


def _argv(case: dict, tmp: Path, out: Path, engine: str = "duckdb") -> list[str]:
    argv = [
        "clean",
        *map(str, _inputs(case, tmp)),
        "--out",
        str(out),
        "--as-of",
        str(case.get("as_of", SPEC["defaults"]["as_of"])),
        "--engine",
        engine,
    ]
    if case.get("schema"):
        argv += ["--schema", str(BAD / case["schema"])]
    if case.get("allow_empty"):
        argv.append("--allow-empty")
    return argv


def run_case(case: dict, tmp: Path, engine: str = "duckdb") -> tuple[int | None, str, str, str | None]:
    """Run one case in-process; return (exit code, stdout, stderr, traceback text or None)."""
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    key = case["id"] if engine == "duckdb" else f"{case['id']}[{engine}]"
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            rc = cli.main(_argv(case, tmp, out, engine))
    except Exception:  # anything that escapes main() is a traceback for the user
        TRIED[key] = "traceback"
        return None, stdout.getvalue(), stderr.getvalue(), traceback.format_exc()
    TRIED[key] = "ok" if rc == 0 else "error"
    return rc, stdout.getvalue(), stderr.getvalue(), None


def _output_texts(out: Path) -> dict[str, str]:
    texts = {}
    for p in out.rglob("*"):
        if p.is_file():
            texts[p.name] = p.read_bytes().decode("utf-8", errors="replace")
    return texts


def _totals(frame: pd.DataFrame, column: str) -> dict[str, int]:
    if column == "date":
        keys = frame["date"].dt.strftime("%Y-%m-%d")
    else:
        keys = frame[column].astype(str)
    return {str(k): int(v) for k, v in frame.groupby(keys)["count"].sum().items()}


def check_ok(case: dict, out: Path, stdout: str, stderr: str) -> None:
    ledger = json.loads((out / "ledger.json").read_text("utf-8"))
    assert ledger["rows_read"] == ledger["rows_kept"] + ledger["rows_rejected"] + ledger["duplicates_removed"]
    for key, value in case.get("ledger", {}).items():
        assert ledger[key] == value, (key, ledger[key], value)
    if "mismatches" in case:
        found = sorted(
            (m["date"] or m["category"], m["expected"], m["found"]) for m in ledger["total_mismatches"]
        )
        assert found == sorted(tuple(m) for m in case["mismatches"])
    daily = pd.read_parquet(out / "daily.parquet")
    assert int(daily["count"].sum()) == ledger["count_total"]
    daily["date"] = pd.to_datetime(daily["date"])
    for key, column in (("categories", "category"), ("districts", "district"), ("dates", "date")):
        if key in case:
            assert _totals(daily, column) == {str(k): v for k, v in case[key].items()}, key
    if "hours" in case:
        hourly = pd.read_parquet(out / "hourly.parquet")
        assert _totals(hourly, "hour") == {str(k): v for k, v in case["hours"].items()}
    for key, value in case.get("file", {}).items():
        assert ledger["files"][0][key] == value, key
    rejects = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(rejects) == ledger["rows_rejected"]
    if case.get("neutralised"):
        cells = rejects.drop(columns=["line"]).to_numpy().ravel()
        assert len(cells) and not any(str(c).startswith(FORMULA_START) for c in cells)
    texts = {**_output_texts(out), "stdout": stdout, "stderr": stderr}
    for secret in case.get("forbidden", []):
        hits = [name for name, text in texts.items() if secret in text]
        assert hits == [], (secret, hits)
    if "max_stdout" in case:
        assert len(stdout) <= case["max_stdout"]
    if "max_ledger_bytes" in case:
        assert (out / "ledger.json").stat().st_size <= case["max_ledger_bytes"]


def check_error(case: dict, out: Path, stdout: str, stderr: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("briefing: error: ")
    for part in case["message"]:
        assert part in lines[0], (part, lines[0])
    assert not out.exists() or not any(out.iterdir()), "outputs written after an error"
    for secret in case.get("forbidden", []):
        assert secret not in stdout + stderr


@pytest.mark.parametrize("case_id", list(CASES))
def test_corpus_case(case_id, tmp_path):
    """The engine gives the outcome worked out by hand (what DuckDB does not read itself is shaped by pandas)."""
    case = CASES[case_id]
    rc, stdout, stderr, tb = run_case(case, tmp_path)
    assert tb is None, f"{case_id} ended in a traceback:\n{tb}"
    assert "Traceback" not in stderr
    if case["outcome"] == "error":
        assert rc == 2, (rc, stderr)
        check_error(case, tmp_path / "out", stdout, stderr)
    else:
        assert rc == 0, stderr
        assert stderr == ""
        check_ok(case, tmp_path / "out", stdout, stderr)


def test_corpus_is_large_and_small():
    """At least 25 corpus files, each under 50 KB; every file is used by a case."""
    files = [p for p in BAD.iterdir() if p.is_file() and p.name not in ("make_corpus.py", "expected.yaml")]
    assert len(files) >= 25
    assert [p.name for p in files if p.stat().st_size >= 50_000] == []
    used = {f for c in CASES.values() for f in c.get("files", [])} | {
        c["schema"] for c in CASES.values() if c.get("schema")
    }
    used.add("bad_taxonomy.yaml")  # named inside schema_bad_taxonomy.yaml
    assert sorted(p.name for p in files if p.name not in used) == []


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    """The parts of a workbook but its creation time (docProps/core.xml)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_corpus_regenerates_identically(tmp_path):
    """make_corpus.py writes exactly the committed files (workbooks: every part but the creation time)."""
    _corpus_module().main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    committed = [
        p.name for p in BAD.iterdir() if p.is_file() and p.name not in ("make_corpus.py", "expected.yaml")
    ]
    assert written == sorted(committed)
    for name in written:
        new, old = tmp_path / name, BAD / name
        if name.endswith(".xlsx") and new.stat().st_size:
            try:
                assert _xlsx_parts(new) == _xlsx_parts(old), name
                continue
            except zipfile.BadZipFile:
                pass
        assert new.read_bytes() == old.read_bytes(), name


def test_error_leaves_earlier_outputs_untouched(tmp_path):
    """A failing clean into a folder that holds an earlier good clean changes nothing there."""
    out = tmp_path / "out"
    assert cli.main(["clean", str(BAD / "good.csv"), "--out", str(out), "--as-of", "2024-12-31"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"daily.parquet", "ledger.json", "rejects.csv"} <= set(before)
    for case_id in ("empty", "truncated_gz", "schema_unknown_key", "good_plus_empty", "unclosed_quote"):
        case = CASES[case_id]
        argv = _argv(case, tmp_path, out)
        with contextlib.redirect_stderr(io.StringIO()):
            assert cli.main(argv) == 2, case_id
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before, case_id


SUBPROCESS_CASES = [
    "empty",
    "binary_garbage",
    "truncated_gz",
    "schema_bad_yaml",
    "parquet_categorical",
    "megabyte_free_text",
    "excel_wide_merged_hidden_formulas",
]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_real_process_no_traceback(case_id, tmp_path):
    case = CASES[case_id]
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "stats_lib.cli", *_argv(case, tmp_path, out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    if case["outcome"] == "error":
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert all(part in proc.stderr for part in case["message"])
        assert not out.exists() or not any(out.iterdir())
    else:
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        assert (out / "daily.parquet").is_file()


def test_summary_counts(tmp_path, request):
    """Every case tried (re-running those a -k filter skipped); zero tracebacks. States the counts."""
    for case_id, case in CASES.items():
        if case_id not in TRIED:
            run_case(case, tmp_path / case_id)
    outcomes = list(TRIED.values())
    tracebacks = sorted(k for k, v in TRIED.items() if v == "traceback")
    line = (
        f"bad inputs tried: {len(CASES)} cases = {len(TRIED)} runs "
        f"(exit 0: {outcomes.count('ok')}, exit 2: {outcomes.count('error')}); "
        f"tracebacks: {len(tracebacks)} {tracebacks}"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:  # shown without -s
        reporter.write_line("\n" + line)
    assert len(TRIED) == len(CASES)
    assert tracebacks == []
