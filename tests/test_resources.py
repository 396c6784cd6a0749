"""Hostile inputs that try to eat the machine end in one line and exit code 2, in a process whose address
space is capped at 1 GiB (``RLIMIT_AS``, as tests/test_memory.py does): a gzip bomb, an xlsx bomb, a YAML
alias bomb, a catastrophic ``district_pattern`` and a device given as the input. Each child prints its
elapsed time; the 120 s subprocess timeout only guards against a hang."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

LIMIT = 1 << 30
ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
HEAD = "接警单编号,报警时间,报警类别,管辖单位\n"
pytestmark = pytest.mark.slow  # each child process imports the package under the cap (about 10 s here)


def _briefing(argv: list[str], cwd: Path) -> tuple[int, str, float]:
    code = (f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))\n"
            "import sys\nfrom stats_lib import cli\nsys.exit(cli.main(sys.argv[1:]))\n")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code, *argv], cwd=cwd, env={**os.environ, **ENV},
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stderr, time.monotonic() - t0


def _one_line_exit_2(rc: int, err: str, *needles: str) -> None:
    assert rc == 2, err[-2000:]
    assert err.count("\n") == 1 and err.startswith("briefing: error: "), err[-2000:]
    assert "Traceback" not in err and len(err) < 600
    for needle in needles:
        assert needle in err, err


def gzip_bomb(path: Path, text_bytes: int = 300_000_000) -> Path:
    """A gzip file of one header and ``text_bytes`` of identical valid rows (about 1/350 of that on disk)."""
    block = ",2023-01-21 08:15:00,刑事,东城区\n".encode() * 100_000
    with gzip.open(path, "wb", compresslevel=9) as g:
        g.write(HEAD.encode())
        for _ in range(text_bytes // len(block)):
            g.write(block)
    return path


def xlsx_bomb(path: Path, rows: int = 3_000_000) -> Path:
    """A workbook whose one sheet declares ``rows`` rows of text (a few hundred MB of XML, 1-2 MB zipped)."""
    row = '<row><c t="inlineStr"><is><t>2023-01-21</t></is></c><c t="inlineStr"><is><t>刑事</t></is></c></row>'
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is><t>报警时间</t></is></c>'
            '<c t="inlineStr"><is><t>报警类别</t></is></c></row>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main"><sheets><sheet name="s" sheetId="1" r:id="rId1" xmlns:r="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            chunk = (row * 10_000).encode()
            for _ in range(rows // 10_000):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return path


def test_gzip_bomb_ends_in_one_line(tmp_path):
    bomb = gzip_bomb(tmp_path / "bomb.csv.gz")
    assert bomb.stat().st_size < 2_000_000
    rc, err, secs = _briefing(["clean", str(bomb), "--out", "o", "--as-of", "2024-12-31"], tmp_path)
    print(f"gzip bomb: {secs:.1f} s")
    _one_line_exit_2(rc, err, "bomb.csv.gz", "too large once decompressed")
    assert not (tmp_path / "o").exists()


def test_xlsx_bomb_ends_in_one_line(tmp_path):
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(bomb) as z:
        declared = sum(i.file_size for i in z.infolist())
    assert declared > 100 * max(bomb.stat().st_size, 1 << 20)  # the point: far more than the ratio allows
    rc, err, secs = _briefing(["clean", str(bomb), "--out", "o", "--as-of", "2024-12-31"], tmp_path)
    print(f"xlsx bomb: {secs:.1f} s")
    _one_line_exit_2(rc, err, "bomb.xlsx", "too large once decompressed")


def test_yaml_alias_bomb_ends_in_one_line(tmp_path):
    levels = ["year:", "  - &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    names = "abcdefghi"
    for prev, cur in zip(names, names[1:]):
        levels.append(f"  - &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (tmp_path / "laughs.yaml").write_text("\n".join(levels) + "\n", "utf-8")
    (tmp_path / "x.csv").write_text(HEAD + "1,2023-01-21 08:00:00,刑事,东城区\n", "utf-8")
    rc, err, secs = _briefing(["clean", "x.csv", "--schema", "laughs.yaml", "--out", "o"], tmp_path)
    print(f"YAML alias bomb: {secs:.1f} s")
    _one_line_exit_2(rc, err, "laughs.yaml", "aliases")


@pytest.mark.parametrize("pattern", ["(a|aa)+$", "(东+)+区", "(?:.*市){12}(..区)"])
def test_catastrophic_district_pattern_ends_in_one_line(tmp_path, pattern):
    (tmp_path / "s.yaml").write_text(f"columns: {{address: 地址}}\ndistrict_pattern: '{pattern}'\n", "utf-8")
    (tmp_path / "x.csv").write_text("报警时间,报警类别,地址\n2023-01-21 08:00,刑事," + "a" * 60 + "!\n", "utf-8")
    rc, err, secs = _briefing(["clean", "x.csv", "--schema", "s.yaml", "--out", "o"], tmp_path)
    print(f"pattern {pattern}: {secs:.1f} s")
    _one_line_exit_2(rc, err, "s.yaml", "district_pattern")


@pytest.mark.parametrize("device", ["/dev/zero", "fifo"])
def test_device_or_fifo_as_input_is_refused(tmp_path, device):
    if device == "fifo":
        device = str(tmp_path / "pipe.csv")
        os.mkfifo(device)
    rc, err, _ = _briefing(["clean", device, "--out", "o"], tmp_path)
    _one_line_exit_2(rc, err, device, "not a regular file")


@pytest.mark.parametrize("columns,expected", [(6000, 2), (60, 0)])
def test_a_file_with_thousands_of_columns_is_refused_in_one_line(tmp_path, capsys, columns, expected):
    """50,000 columns made DuckDB run out of memory (exit 1, its internals in the message): refused up front."""
    from stats_lib.cli import main

    header = ["报警时间", "报警类别", "管辖单位"] + [f"c{j}" for j in range(columns - 3)]
    rows = [["2023-01-21 08:00:00", "纠纷", "东城区"] + [""] * (columns - 3)] * 3
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", "utf-8")
    rc = main(["clean", str(path), "--out", str(tmp_path / "out"), "--as-of", "2024-12-31"])
    err = capsys.readouterr().err
    assert rc == expected
    if expected:
        assert len(err.strip().splitlines()) == 1 and "wide.csv" in err and "5,000 columns" in err
