"""Tests of stats_lib.io: readers, encodings, header detection, bad files."""

from __future__ import annotations

import gzip

import numpy as np
import openpyxl
import pandas as pd
import pytest

from stats_lib.errors import InputError
from stats_lib.ingest.encodings import detect_encoding
from stats_lib.ingest.readers import read_table, to_text
from stats_lib.ingest.schema import load_schema

ROWS = "报警时间,报警类别,管辖单位\n2023-01-22 08:15,刑事,东城区\n2023-01-23 09:00,火灾,西城区\n"
RARE = "报警时间,报警类别,报警人\n2023-01-22 08:15,刑事,王𠀀䶮\n"  # 𠀀 and 䶮 are not in GBK


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                    ("gb18030", "gb18030")])
def test_encodings_detected(tmp_path, encoding, expected):
    t = read_table(_write(tmp_path / "a.csv", ROWS, encoding))
    assert t.encoding == expected
    assert t.frame.columns.tolist() == ["报警时间", "报警类别", "管辖单位"]
    assert t.frame["管辖单位"].tolist() == ["东城区", "西城区"]


def test_gb18030_keeps_characters_outside_gbk(tmp_path):
    t = read_table(_write(tmp_path / "a.csv", RARE, "gb18030"))
    assert t.encoding == "gb18030" and t.frame["报警人"].iloc[0] == "王𠀀䶮"


def test_big5_detected():
    text = "編號,案類,發生日期,發生地點\n" + "".join(
        f"{i},住宅竊盜,1040101,臺北市文山區萬美里萬寧街{i}號\n" for i in range(30))
    assert detect_encoding(text.encode("big5")) == "big5"
    assert detect_encoding(text.encode("gb18030")) == "gb18030"
    assert detect_encoding("报警时间,报警类别\n".encode()) == "utf-8"


def test_declared_encoding_mismatch_names_file_and_encoding(tmp_path):
    path = _write(tmp_path / "gb.csv", RARE, "gb18030")
    with pytest.raises(InputError, match=r"gb\.csv: cannot be decoded as utf-8"):
        read_table(path, load_schema({"encoding": "utf-8"}))


def test_gzip_tsv_and_line_numbers(tmp_path):
    path = tmp_path / "a.tsv.gz"
    path.write_bytes(gzip.compress(ROWS.replace(",", "\t").encode()))
    t = read_table(path)
    assert t.frame.shape == (2, 3)
    assert t.lines.tolist() == [2, 3]


def test_semicolon_delimiter_sniffed(tmp_path):
    t = read_table(_write(tmp_path / "a.csv", ROWS.replace(",", ";")))
    assert t.frame.columns.tolist() == ["报警时间", "报警类别", "管辖单位"]


def test_title_rows_and_blank_lines_keep_editor_line_numbers(tmp_path):
    text = "示例市警情统计\n导出时间 2023-02-01\n" + ROWS.replace("西城区\n", "西城区\n\n") + "2023-01-24 10:00,交通,南湖区\n"
    t = read_table(_write(tmp_path / "a.csv", text))
    assert t.frame["报警类别"].tolist() == ["刑事", "火灾", "交通"]
    lines = text.splitlines()
    for row, line in zip(t.frame.itertuples(index=False), t.lines):
        assert lines[line - 1].startswith(row[0])


def test_duplicate_column_names_are_kept_apart(tmp_path):
    t = read_table(_write(tmp_path / "a.csv", "报警时间,类别,类别\n2023-01-01,刑事,x\n"))
    assert t.frame.columns.tolist() == ["报警时间", "类别", "类别 (2)"]
    assert any("duplicate" in n for n in t.notes)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x00\x01\x02\xff\xfe\x00garbage\x00" * 50, "binary"),
])
def test_bad_text_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"bad\.csv: .*{message}"):
        read_table(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(ROWS.encode() * 200)[:60])
    with pytest.raises(InputError, match=r"t\.csv\.gz: truncated or corrupt gzip"):
        read_table(path)


def test_ragged_rows_are_blanked_and_flagged(tmp_path):
    path = _write(tmp_path / "r.csv", ROWS + "2023-01-24,交通,南湖区,extra,more\n2023-01-25,张三丰\n")
    table = read_table(path)
    assert table.ragged.tolist() == [False, False, True, True]
    assert table.lines.tolist() == [2, 3, 4, 5]
    assert (table.frame.iloc[2:] == "").all().all()          # nothing is read by position
    assert "张三丰" not in table.frame.to_string() and "extra" not in table.frame.to_string()
    assert list(table.frame.columns) == ["报警时间", "报警类别", "管辖单位"]
    # a line break inside an unquoted field: one record in two pieces, rejected once at its first line
    path = _write(tmp_path / "s.csv", ROWS + "2023-01-24,交通\r南湖区 回电13912345678,东城区\n2023-01-25,火灾,西城区\n")
    table = read_table(path)
    assert table.ragged.tolist() == [False, False, True, False]
    assert table.lines.tolist() == [2, 3, 4, 6]
    assert "13912345678" not in table.frame.to_string()
    path = _write(tmp_path / "q.csv", ROWS + '2023-01-24,"交通,南湖区\n2023-01-25,交通,南湖区\n')
    with pytest.raises(InputError, match=r"q\.csv: .*line 4: a quote opened here is never closed"):
        read_table(path)


def test_missing_and_folder(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="folder"):
        read_table(tmp_path)


def test_zero_byte_xlsx(tmp_path):
    path = tmp_path / "z.xlsx"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"z\.xlsx: the file is empty"):
        read_table(path)
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match=r"z\.xlsx: cannot read the workbook"):
        read_table(path)


def _merged_sheet(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "日报"
    ws["A1"] = "示例市2023年警情统计日报表"
    ws.merge_cells("A1:E1")
    ws["A2"], ws["B2"], ws["E2"] = "日期", "警情类别", "合计"
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:D2")
    ws.merge_cells("E2:E3")
    ws["B3"], ws["C3"], ws["D3"] = "刑事", "治安", "交通"
    ws.append(["1月1日", 3, 4, "*", 12])
    ws.append(["1月2日", 1, 2, 3, 7])
    ws.row_dimensions[5].hidden = True
    ws.append(["合计", 4, 6, 8, 19])
    wb.create_sheet("说明")["A1"] = "notes"
    wb.save(path)
    return path


def test_excel_merged_header_title_row_and_row_numbers(tmp_path):
    t = read_table(_merged_sheet(tmp_path / "d.xlsx"))
    assert t.sheet == "日报"
    assert t.frame.columns.tolist() == ["日期", "警情类别/刑事", "警情类别/治安", "警情类别/交通", "合计"]
    assert t.header_levels[1] == ["警情类别", "刑事"]
    assert t.frame["日期"].tolist() == ["1月1日", "1月2日", "合计"]
    assert t.lines.tolist() == [4, 5, 6]  # Excel row numbers
    assert t.frame["警情类别/交通"].tolist() == ["*", "3", "8"]
    assert any("说明" in n for n in t.notes)


def test_excel_sheet_by_name_and_unknown_sheet(tmp_path):
    path = _merged_sheet(tmp_path / "d.xlsx")
    with pytest.raises(InputError, match="no sheet 'x'"):
        read_table(path, load_schema({"sheet": "x"}))
    assert read_table(path, load_schema({"sheet": "说明"})).sheet == "说明"


def test_parquet(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"报警时间": pd.to_datetime(["2023-01-22 08:15", None]), "数量": [1.0, np.nan],
                  "类别": ["刑事", None]}).to_parquet(path)
    t = read_table(path)
    assert pd.api.types.is_datetime64_any_dtype(t.frame["报警时间"])
    assert t.frame["数量"].tolist() == ["1", ""] and t.frame["类别"].tolist() == ["刑事", ""]
    assert t.lines.tolist() == [1, 2]
    assert len(t.sha256) == 64


def test_to_text_on_mixed_cells():
    import datetime as dt

    s = pd.Series([dt.datetime(2023, 1, 2, 8, 15), dt.date(2023, 1, 3), 3.0, 2.5, None, "x"], dtype=object)
    assert to_text(s).tolist() == ["2023-01-02 08:15:00", "2023-01-03", "3", "2.5", "", "x"]


@pytest.mark.parametrize("declared", [None, "gb18030"])
def test_a_utf8_mark_before_gb18030_text_is_dropped(tmp_path, declared):
    """Some export tools write the UTF-8 byte-order mark before GB18030 text: the mark is dropped, the text read
    as GB18030 (it stopped with 'cannot be decoded as gb18030' even when the schema said gb18030)."""
    from stats_lib.clean import load

    rows = ["接警单编号,报警时间,报警类别,管辖单位"] + [f"E{i},2023-01-2{i} 08:00:00,刑事类警情,北山区" for i in range(1, 4)]
    path = tmp_path / "bom_gb.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(rows) + "\n").encode("gb18030"))
    cleaned = load([path], as_of="2024-12-31", schema={"encoding": declared} if declared else None)
    assert cleaned.ledger["rows_kept"] == 3
    assert set(cleaned.daily["district"]) == {"北山区"} and set(cleaned.daily["category"]) == {"刑事"}


def test_files_named_xls_are_read_for_what_they_hold(tmp_path):
    """Web systems export an HTML table or tab-separated text as '.xls', users rename .xlsx to .xls: each is read
    for what it is (they stopped with calamine's 'Invalid OLE'), a renamed .xlsx named in one line."""
    from stats_lib.clean import load
    from stats_lib.errors import InputError

    rows = [["接警单编号", "报警时间", "报警类别", "管辖单位"]] + [
        [f"H{i}", f"2023-01-2{i} 08:00:00", "求助", "北山区"] for i in range(1, 4)]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    html = tmp_path / "web.xls"
    html.write_bytes(f"<html><head><meta charset='gb2312'></head><body><table>{cells}</table></body></html>"
                     .encode("gb18030"))
    tsv = tmp_path / "text.xls"
    tsv.write_bytes("\n".join("\t".join(r) for r in rows).encode("gb18030") + b"\n")
    for path in (html, tsv):
        c = load([path], as_of="2024-12-31")
        assert c.ledger["rows_kept"] == 3 and set(c.daily["district"]) == {"北山区"}, path.name
        assert set(c.daily["category"]) == {"求助"}
    renamed = tmp_path / "renamed.xls"
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(tmp_path / "real.xlsx", index=False)
    renamed.write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(InputError, match="an .xlsx workbook named .xls; rename it to .xlsx"):
        load([renamed], as_of="2024-12-31")
