"""Fake personal data planted in every column, header and footer of long and wide inputs (CSV, Excel,
Parquet) never reaches any output: clean, compare and render run, and every output file (zip members of the
deck and workbooks unpacked, the executed notebook included), stdout and stderr are scanned. Expected: 0 hits.

Names reach an output only through a label (联系人：王五) or a shifted row; a bare name in a column the
package keeps cannot be told from a district by its value, so the test plants names where an export has them
(person columns, labelled footers, short rows), and phones, ID numbers, addresses and e-mail everywhere.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE

from stats_lib import cli

NAMES = ["欧阳娜娜", "张三丰", "王五", "赵六"]
PHONES = ["13912345678", "13987654321", "13700001111", "139-1234-5678"]
SECRETS = NAMES + PHONES + ["110101199003078515", "幸福路88号", "caller@example.com"]
HEAD = ["接警单编号", "报警时间", "报警类别", "报警细类", "管辖单位", "报警人", "联系电话", "身份证号", "案发地址",
        "报警内容", "备注（联系人：赵六 13700001111）"]


def _records(n: int = 40) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append([f"P{i:04d}", f"2023-01-{21 + i % 16:02d} {8 + i % 12:02d}:30:00",
                     ["刑事类警情", "治安类警情", "交通类警情"][i % 3], "盗窃", ["东城派出所", "西城派出所"][i % 2],
                     NAMES[i % 2], PHONES[i % 4], "110101199003078515", "示例市东城区幸福路88号",
                     f"报警人{NAMES[i % 2]}称被盗，回电{PHONES[i % 4]}", "caller@example.com"])
    # personal data in the columns that are kept
    rows[1][2] = "13912345678"
    rows[2][3] = "身份证110101199003078515"
    rows[3][4] = "示例市东城区幸福路88号"
    rows[4][4] = "联系人：王五"
    rows[5][4] = "caller@example.com"
    rows[6][1] = "13987654321"                       # a date cell holding a phone
    rows[7][0] = "110101199003078515"                # an id cell holding an ID number
    return pd.DataFrame(rows, columns=HEAD)


def _csv_text(frame: pd.DataFrame) -> str:
    lines = ["示例市警情统计表 制表人：王五 电话：13987654321", ",".join(HEAD)]
    lines += [",".join(r) for r in frame.astype(str).to_numpy().tolist()]
    lines.append("P9001,2023-01-22 10:00:00,刑事类警情,盗窃,张三丰,13912345678")                      # short row
    lines.append("P9002,2023-01-22 11:00:00,刑事类警情,盗\r窃,东城派出所,欧阳娜娜,13912345678,"       # split by CR
                 "110101199003078515,幸福路88号,x,y")
    lines.append("制表人：王五 联系电话：13987654321" + "," * (len(HEAD) - 1))                          # footer
    lines.append("审核人：赵六 手机 13700001111" + "," * (len(HEAD) - 1))
    return "\n".join(lines) + "\n"


def _write_inputs(tmp: Path) -> dict[str, Path]:
    frame = _records()
    paths = {"csv": tmp / "hostile.csv", "xlsx": tmp / "hostile.xlsx", "parquet": tmp / "hostile.parquet",
             "wide": tmp / "hostile_wide.xlsx"}
    paths["csv"].write_text(_csv_text(frame), "utf-8")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["警情明细 填报人：王五 联系电话：13987654321"])
    ws.append(HEAD)
    for row in frame.assign(接警单编号=frame["接警单编号"] + "x").to_numpy().tolist():
        ws.append(row)
    ws.append(["制表人：王五", "", "", "", "", "", "13987654321"])
    wb.save(paths["xlsx"])
    frame.assign(接警单编号=frame["接警单编号"] + "p").to_parquet(paths["parquet"], index=False)
    wb = Workbook()
    ws = wb.active
    ws.append(["每日警情 制表人：王五 电话：13987654321"])
    ws.append(["日期", "刑事", "治安", "主叫号码", "备用", "联系人"])
    for d in range(21, 28):
        ws.append([f"2023-01-{d}", d % 3, d % 4, 13912345678, 13987654321, "赵六"])
    ws.append(["审核人：赵六 13700001111"])
    wb.save(paths["wide"])
    return paths


def _main(argv: list) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def _texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text; zip members (pptx, xlsx, the workbooks inside) unpacked."""
    found: dict[str, str] = {}

    def add(name: str, data: bytes) -> None:
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in z.namelist():
                    add(f"{name}!{member}", z.read(member))
        else:
            found[name] = data.decode("utf-8", errors="replace")
            if name.endswith(".parquet"):  # strings are stored plainly, but read back to be sure
                found[name + "#read"] = pd.read_parquet(io.BytesIO(data)).to_string()

    for p in sorted(folder.rglob("*")):
        if p.is_file():
            add(str(p.relative_to(folder)), p.read_bytes())
    return found


def _hits(texts: dict[str, str]) -> list[tuple[str, str]]:
    return [(secret, name) for name, text in texts.items() for secret in SECRETS if secret in text]


@pytest.mark.slow
def test_planted_personal_data_reaches_no_output(tmp_path):
    inputs = _write_inputs(tmp_path)
    logs: dict[str, str] = {}
    cleaned = tmp_path / "cleaned"
    base = [SAMPLE / "incidents_2022.csv.gz", SAMPLE / "incidents_2023.csv.gz"]
    rc, out, err = _main(["clean", *base, inputs["csv"], inputs["xlsx"], inputs["parquet"], "--out", cleaned,
                          "--as-of", "2024-12-31"])
    assert rc == 0, err
    logs["clean"] = out + err
    ledger = json.loads((cleaned / "ledger.json").read_text("utf-8"))
    assert ledger["rejected_by_reason"].get("ragged_row") == 2           # the short row and the CR split
    assert ledger["values_redacted"]["district"] >= 3 * 3                # 3 districts x 3 files
    wide = tmp_path / "wide"
    rc, out, err = _main(["clean", inputs["wide"], "--out", wide, "--as-of", "2024-12-31"])
    assert rc == 0, err
    logs["clean wide"] = out + err
    daily = pd.read_parquet(wide / "daily.parquet")
    assert sorted(daily["category"].unique()) == ["刑事", "治安"]           # no phone column counted
    window = ["--start", "2023-01-21", "--end", "2023-02-05", "--baseline", "lunar", "--as-of", "2023-02-05"]
    for fmt in ("table", "csv", "json"):
        for by in ("district", "category", "subcategory"):
            rc, out, err = _main(["compare", "--data", cleaned, *window, "--by", by, "--format", fmt])
            assert rc == 0, err
            logs[f"compare {by} {fmt}"] = out + err
    reports = tmp_path / "reports"
    rc, out, err = _main(["render", "--data", cleaned, *window, "--out", reports])
    assert rc == 0, err
    logs["render"] = out + err
    texts = {**_texts(cleaned), **_texts(wide), **_texts(reports), **logs}
    assert any(name.endswith("briefing.ipynb") for name in texts)
    assert any("ppt/embeddings/" in name for name in texts)
    assert any("（已屏蔽）" in text for text in texts.values())  # the planted values got this far, redacted
    assert _hits(texts) == []
