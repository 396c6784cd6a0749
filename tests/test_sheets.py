"""Workbooks with several sheets (FAULTS B3): sheets with the same header are all read, each accounted for.

A workbook of one sheet per month is read whole: every sheet's rows, the ledger listing each sheet with its
rows, the summary naming them, rejects naming the sheet and its Excel row. A second data sheet with another
header stops the clean with one line naming the sheets and their rows. A notes sheet is not read.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from stats_lib import cli
from stats_lib.clean import load
from stats_lib.clean.ledger import ledger_summary
from stats_lib.errors import InputError

AS_OF = "2024-12-31"
HEADER = ["接警单编号", "报警时间", "报警类别", "管辖单位"]


def _book(path, sheets):
    wb = openpyxl.Workbook()
    for k, (name, rows) in enumerate(sheets):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _month(m, n, district="北山区"):
    return [HEADER] + [[f"{m}{i:05d}", dt.datetime(2023, m, 1 + i % 28, 8, 0), "求助", district] for i in range(n)]


def test_sheets_with_the_same_header_are_all_read(tmp_path):
    jan = _month(1, 50)
    feb = _month(2, 30, "东城区")
    feb[5][1] = "不是日期"                      # Excel row 6 of 2月
    path = _book(tmp_path / "b.xlsx", [("1月", jan), ("2月", feb), ("说明", [["只是说明"]])])
    out = load(path, as_of=AS_OF)
    led = out.ledger
    assert led["rows_read"] == 80 and led["rows_kept"] == 79 and led["rows_rejected"] == 1
    daily = out.daily.groupby("district")["count"].sum().to_dict()
    assert daily == {"北山区": 50, "东城区": 29}
    f = led["files"][0]
    assert f["sheets"] == [{"sheet": "1月", "rows": 50}, {"sheet": "2月", "rows": 30}]
    assert any("说明" in n for n in f["notes"])
    rej = out.rejects
    assert rej[["file", "sheet", "line", "reason"]].values.tolist() == [[str(path), "2月", 6, "bad_date"]]
    assert "b.xlsx 读入 2 个工作表（表头相同）：1月 50，2月 30 行。" in ledger_summary(led)


def test_one_sheet_workbook_unchanged(tmp_path):
    rows = _month(1, 10)
    rows[3][1] = ""
    out = load(_book(tmp_path / "one.xlsx", [("1月", rows)]), as_of=AS_OF)
    assert "sheets" not in out.ledger["files"][0]
    assert out.rejects[["line", "reason"]].values.tolist() == [[4, "missing_date"]]
    assert "sheet" not in out.rejects.columns


def test_data_sheets_with_different_headers_stop_and_ask(tmp_path, capsys):
    other = [["日期", "刑事", "治安"], ["2023-02-01", 3, 4], ["2023-02-02", 1, 2]]
    path = _book(tmp_path / "m.xlsx", [("1月", _month(1, 50)), ("汇总", other)])
    with pytest.raises(InputError, match=r"'1月' \(50 rows\), '汇总' \(2 rows\).*sheet: <name>"):
        load(path, as_of=AS_OF)
    assert cli.main(["clean", str(path), "--out", str(tmp_path / "o"), "--as-of", AS_OF]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "m.xlsx" in err[0] and "sheet:" in err[0]


def test_schema_sheet_reads_only_that_sheet(tmp_path):
    other = [["日期", "刑事", "治安"], ["2023-02-01", 3, 4]]
    path = _book(tmp_path / "m.xlsx", [("1月", _month(1, 50)), ("汇总", other)])
    out = load(path, schema={"sheet": "1月"}, as_of=AS_OF)
    assert out.ledger["rows_read"] == 50 and "sheets" not in out.ledger["files"][0]


@pytest.mark.spark
def test_spark_reads_the_same_sheets(spark_session, tmp_path):
    feb = _month(2, 30, "东城区")
    feb[5][1] = "不是日期"
    path = _book(tmp_path / "b.xlsx", [("1月", _month(1, 20)), ("2月", feb)])
    a, b = load(path, as_of=AS_OF), load(path, as_of=AS_OF, engine="spark")
    assert b.ledger["rows_read"] == 50 and b.ledger["files"][0]["sheets"][1] == {"sheet": "2月", "rows": 30}
    assert b.daily["count"].sum() == 49 and a.daily.equals(b.daily)
    assert b.rejects[["sheet", "line"]].values.tolist() == [["2月", 6]]
