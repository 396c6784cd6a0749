"""Personal data judged by value, whole cells: planted values never reach an output, in part or whole.

Each test plants fake personal data in a small export, runs ``clean`` through the command line and scans
every output (daily/hourly Parquet read back, ledger.json, rejects.csv, stdout and stderr) for the planted
text and each of its parts. The expected cells are written by hand here (the placeholder, or the value).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pandas as pd

from stats_lib import cli
from stats_lib.clean.egress import redact_tree
from stats_lib.ingest.privacy import PLACEHOLDER, redact, shorten


def _main(argv: list) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def _outputs(folder: Path, out: str, err: str) -> dict[str, str]:
    """Every output of a clean run as text: files (Parquet read back too), stdout and stderr."""
    texts = {"stdout": out, "stderr": err}
    for p in sorted(folder.iterdir()):
        texts[p.name] = p.read_bytes().decode("utf-8", errors="replace")
        if p.suffix == ".parquet":
            texts[p.name + "#read"] = pd.read_parquet(p).to_string()
    return texts


def _rejects(folder: Path) -> list[dict]:
    with open(folder / "rejects.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _hits(texts: dict[str, str], secrets: list[str]) -> list[tuple[str, str]]:
    return [(s, name) for name, text in texts.items() for s in secrets if s in text]


def _wide_xlsx(path: Path, headers: list, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


# --- a. a cell holding personal data is masked whole ------------------------------------------------------

def test_a_message_quoting_a_cell_shows_none_of_it():
    assert redact("line 3: 'xx张三13912345678' 不是日期") == f"line 3: '{PLACEHOLDER}' 不是日期"
    assert redact("value “赵六13812345678” in column 辖区") == f"value “{PLACEHOLDER}” in column 辖区"
    assert shorten("xx张三13912345678") == PLACEHOLDER
    assert shorten("2023-01-xx") == "2023-01-xx"


def test_ledger_strings_are_masked_whole():
    ledger = {"notes": ["赵六13812345678", "第1行为标题"], "赵六13812345678": 1, "sha256": "ab"}
    assert redact_tree(ledger) == {"notes": [PLACEHOLDER, "第1行为标题"], PLACEHOLDER: 1, "sha256": "ab"}


def test_a_rejected_time_cell_with_a_phone_is_masked_whole(tmp_path):
    src = tmp_path / "calls.csv"
    src.write_text("接警单编号,报警时间,报警类别,管辖单位\n"
                   "J1,2023-01-21 08:00,治安,东城区\n"
                   "J2,xx张三13912345678,治安,东城区\n"
                   "J3,2023-01-22 09:00,刑事,西城区\n", "utf-8")
    out_dir = tmp_path / "out"
    rc, out, err = _main(["clean", src, "--out", out_dir, "--as-of", "2024-12-31"])
    assert rc == 0, err
    rejects = _rejects(out_dir)
    assert [(r["id"], r["reason"], r["time"]) for r in rejects] == [("J2", "bad_date", PLACEHOLDER)]
    assert _hits(_outputs(out_dir, out, err), ["xx张三", "张三", "13912345678", "xx"]) == []


def test_a_wide_district_with_a_phone_is_masked_whole(tmp_path):
    rows = [[f"2023-01-{d}", "东城区", d % 3, d % 4] for d in range(21, 26)]
    rows += [["2023-01-26", "赵六13812345678", 2, 1], ["2023-01-xx", "赵六13812345678", 1, 1]]
    src = _wide_xlsx(tmp_path / "wide.xlsx", ["日期", "辖区", "刑事", "治安"], rows)
    out_dir = tmp_path / "out"
    rc, out, err = _main(["clean", src, "--out", out_dir, "--as-of", "2024-12-31"])
    assert rc == 0, err
    rejects = _rejects(out_dir)
    assert len(rejects) == 2 and {r["district"] for r in rejects} == {PLACEHOLDER}  # the bad date, 2 columns
    daily = pd.read_parquet(out_dir / "daily.parquet")
    assert daily.loc[daily["district"] == PLACEHOLDER, "count"].sum() == 3          # 2 + 1 on 2023-01-26
    ledger = json.loads((out_dir / "ledger.json").read_text("utf-8"))
    assert ledger["values_redacted"]["district"] == 3
    assert _hits(_outputs(out_dir, out, err), ["赵六", "13812345678"]) == []
