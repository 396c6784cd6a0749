"""Write the corpus of bad inputs in this folder (``python tests/data/bad/make_corpus.py``).

Every file is small (< 50 KB) and deterministic; the expected outcome of each one, worked out by
hand, is in ``expected.yaml`` next to this script. The two 1 MB-field files are not committed: the
test writes them into its temporary folder with :func:`big_field_csv`.
"""

from __future__ import annotations

import gzip
import random
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Header of the usual incident export (the sample generator's columns).
HEAD = "接警单编号,报警时间,报警类别,报警细类,管辖单位"
#: Fake personal data planted in some files: none of it may reach an output.
NAME, PHONE, ADDRESS, IDNO = "欧阳娜娜", "13912345678", "示例市东城区幸福路88号", "110101199003078515"


def _csv(rows: list[str], head: str = HEAD) -> str:
    return "\n".join([head, *rows]) + "\n"


def good_rows(n: int = 6, start: int = 1) -> list[str]:
    """``n`` valid incident rows of January 2023 (ids 'J' + number), cycling over three categories."""
    cats = ["刑事类警情", "治安类警情", "交通类警情"]
    return [
        f"J{start + i:05d},2023-01-{1 + i % 28:02d} {8 + i % 12:02d}:15:00,{cats[i % 3]},盗窃,东城派出所"
        for i in range(n)
    ]


def big_field_csv(path: Path, column: str = "报警内容", size: int = 1 << 20) -> Path:
    """Write a 3-row incident CSV whose second row has a ``size``-character field in ``column``
    (``报警内容`` — free text, dropped — or ``报警类别``). Returns ``path``."""
    blob = ("有人在楼道内大声喧哗，" * (size // 11 + 1))[:size]
    head = "接警单编号,报警时间,报警类别,管辖单位,报警内容"
    rows = ["B1,2023-01-05 10:00:00,治安类警情,东城派出所,噪音扰民"]
    if column == "报警内容":
        rows.append(f'B2,2023-01-05 11:00:00,刑事类警情,西城派出所,"{blob}"')
    else:
        rows.append(f'B2,2023-01-05 11:00:00,"{blob}",西城派出所,短')
    rows.append("B3,2023-01-06 12:00:00,交通类警情,东城派出所,追尾")
    path.write_text(_csv(rows, head), "utf-8")
    return path


def _text_files() -> dict[str, bytes]:
    f: dict[str, bytes] = {}
    u = lambda s: s.encode("utf-8")  # noqa: E731
    f["empty.csv"] = b""
    f["blank_lines.csv"] = b"\n  \n\r\n\t\n"
    f["header_only.csv"] = u(HEAD + "\n")
    f["binary_garbage.csv"] = b"\x00\x01\x02\x03garbage" + random.Random(8).randbytes(3000)
    f["wrong_delimiter.csv"] = u(_csv([r.replace(",", "，") for r in good_rows(4)], HEAD.replace(",", "，")))
    f["semicolon.csv"] = u(_csv([r.replace(",", ";") for r in good_rows(5)], HEAD.replace(",", ";")))
    f["tabs.tsv"] = u(_csv([r.replace(",", "\t") for r in good_rows(5)], HEAD.replace(",", "\t")))
    gb = _csv(
        [r + f",{NAME}" for r in good_rows(6)]
        + ["J00099,2023-01-09 09:00:00,纠纷类,邻里纠纷,北城派出所,𬌗𠀀"],
        HEAD + ",报警人",
    )
    f["gb18030.csv"] = gb.encode("gb18030")
    f["utf16.csv"] = _csv(good_rows(4)).encode("utf-16")
    f["bom_crlf.csv"] = b"\xef\xbb\xbf" + u(
        _csv(good_rows(5) + [good_rows(1, start=3)[0]]).replace("\n", "\r\n")
    )
    # eleven spellings of 2023-01-22 08:15 (Asia/Shanghai) and one date without a time
    forms = [
        "2023-01-22 08:15:00",
        "2023/1/22 8:15",
        "2023年1月22日 8时15分",
        "20230122081500",
        "202301220815",
        "2023-01-22T08:15:00+08:00",
        "2023-01-22T00:15:00Z",
        "44948.34375",
        "1/22/2023 8:15 AM",
        "２０２３-０１-２２ ０８:１５",
        "2023-01-22 09:15:00+09:00",
        "2023.1.22",
    ]
    f["mixed_dates.csv"] = u(_csv([f"M{i:03d},{d},刑事类警情,盗窃,东城派出所" for i, d in enumerate(forms)]))
    bad = ["昨天", "2023-13-01", "2023-02-30", "abc", "99999999", "2023/01/32", "25:00"]
    f["all_bad_dates.csv"] = u(_csv([f"X{i},{d},刑事类警情,盗窃,东城派出所" for i, d in enumerate(bad)]))
    f["all_missing_dates.csv"] = u(
        _csv([f"E{i},,治安类警情,,东城派出所" for i in range(4)] + ["E9,  ,治安类警情,,"])
    )
    fut = [
        "2023-03-01 10:00:00",
        "2024-12-31 23:59:59",
        "2025-01-01 00:00:00",
        "2030-06-01",
        "2023-03-02",
        "2099-01-01 08:00:00",
        "2024-01-01",
    ]
    f["future_dates.csv"] = u(_csv([f"F{i},{d},交通类警情,追尾,南城派出所" for i, d in enumerate(fut)]))
    f["dup_columns.csv"] = u(
        _csv(
            [f"{r},junk{i}" for i, r in enumerate(good_rows(6))],
            "接警单编号,报警时间,报警类别,报警细类,管辖单位,报警类别",
        )
    )
    # long table: NaN, negative, fractional, text, masked and thousands-separated counts
    f["long_bad_counts.csv"] = u(
        "日期,类别,数量\n"
        "2023-01-01,刑事,5\n2023-01-01,治安,NaN\n2023-01-01,交通,-3\n"
        "2023-01-02,刑事,2.5\n2023-01-02,治安,*\n2023-01-02,交通,\n"
        '2023-01-03,刑事,7.0\n2023-01-03,治安,"1,234"\n2023-01-03,交通,abc\n'
        "2023-01-04,刑事,0\n2023-01-04,治安,—\n2023-01-04,交通,3\n"
    )
    # long table with a 合计 row per day, a 小计 district row and a grand total row: sums, not data
    f["long_totals.csv"] = u(
        "日期,辖区,类别,数量\n2023-01-01,东城,刑事,5\n2023-01-01,东城,治安,7\n2023-01-01,东城,合计,12\n"
        "2023-01-02,东城,刑事,3\n2023-01-02,东城,治安,4\n2023-01-02,小计,,7\n合计,,,19\n"
    )
    f["long_huge_counts.csv"] = u(
        "日期,类别,数量\n2023-01-01,刑事,9223372036854775808\n2023-01-01,治安,1e30\n"
        "2023-01-01,交通,inf\n2023-01-02,刑事,4\n"
    )
    # some systems write 9999-12-31 for "no date"; 1600, 1850 and 2250 are typos
    f["sentinel_dates.csv"] = u(
        _csv(
            [
                "S1,2023-01-05 08:00:00,刑事类警情,,东城派出所",
                "S2,9999-12-31,刑事类警情,,东城派出所",
                "S3,2023-01-06 09:00:00,刑事类警情,,东城派出所",
                "S4,1600-01-01,刑事类警情,,东城派出所",
                "S5,1850-06-01 10:00:00,刑事类警情,,东城派出所",
                "S6,2250-01-01,刑事类警情,,东城派出所",
            ]
        )
    )
    # wide table whose 合计 column (two rows) and 合计 row (交通) do not add up
    f["wide_totals.csv"] = u(
        "日期,刑事,治安,交通,合计\n"
        "2023-01-01,3,4,5,12\n2023-01-02,2,2,2,7\n2023-01-03,1,1,1,3\n2023-01-04,0,5,5,9\n"
        "合计,6,12,14,31\n"
    )
    f["traditional_types.csv"] = u(
        _csv(
            [
                "T1,2023-01-10 10:00:00,刑事類警情,竊盜,東城派出所",
                "T2,2023-01-10 11:00:00,治安類警情,,東城派出所",
                "T3,2023-01-10 12:00:00,交通類警情,,東城派出所",
                "T4,2023-01-11 10:00:00,群眾求助,,東城派出所",
                "T5,2023-01-11 11:00:00,糾紛類,,東城派出所",
                "T6,2023-01-11 12:00:00,火災,,東城派出所",
                "T7,2023-01-11 13:00:00, 刑事類警情 ,,東城派出所",
            ],
            "接警單編號,報警時間,報警類別,報警細類,管轄單位",
        )
    )
    ten_head = "序号,接警单编号,报警时间,报警类别,管辖单位,报警人,联系电话,案发地址,报警内容,处警结果"
    ten = [
        f"{i + 1},K{i:03d},2023-01-{12 + i % 3} 1{i % 10}:00:00,{['治安类警情', '刑事类警情'][i % 2]},"
        f"东城派出所,{NAME},{PHONE},{ADDRESS},报警人{NAME}称身份证{IDNO}被盗,已处理"
        for i in range(9)
    ]
    ten.append(f"10,K999,不详,刑事类警情,东城派出所,{NAME},{PHONE},{ADDRESS},{NAME}报警,已处理")
    f["ten_columns.csv"] = u(_csv(ten, ten_head))
    rows = good_rows(3) + [HEAD] + good_rows(3, start=4)
    f["repeated_header.csv"] = u(_csv(rows))
    f["empty_category.csv"] = u(_csv([f"C{i},2023-01-0{1 + i} 08:00:00,,,东城派出所" for i in range(5)]))
    f["no_time_column.csv"] = u("编号,类别,辖区\n1,刑事,东城\n2,治安,西城\n")
    f["good.csv"] = u(_csv(good_rows(6)))
    f["ragged.csv"] = u(
        _csv(
            good_rows(2)
            + ["J00003,2023-01-03 08:15:00,刑事类警情,盗窃,东城派出所,多,余"]
            + good_rows(2, start=4)
        )
    )
    f["unclosed_quote.csv"] = u(
        _csv(
            good_rows(2) + ['J00003,"2023-01-03 08:15:00,刑事类警情,盗窃,东城派出所'] + good_rows(2, start=4)
        )
    )
    f["no_year.csv"] = u("日期,刑事,治安,交通\n1月21日,3,4,5\n1月22日,2,2,2\n1月23日,1,1,1\n")
    f["dup_ids.csv"] = u(_csv(good_rows(6) + good_rows(2, start=2)))
    f["tz_offsets.csv"] = u(
        _csv(
            [
                "Z1,2023-01-21T23:30:00Z,刑事类警情,,东城派出所",
                "Z2,2023-01-21T15:59:59-00:00,刑事类警情,,东城派出所",
                "Z3,2023-01-22 00:30:00+09:00,刑事类警情,,东城派出所",
            ]
        )
    )
    f["formula_injection.csv"] = u(
        _csv(
            [
                "Q1,=1+1,=cmd|' /C calc'!A0,盗窃,东城派出所",
                "Q2,@SUM(A1),+刑事,盗窃,-东城",
                'Q3,2023-01-05 08:00:00,=HYPERLINK("http://x"),盗窃,东城派出所',
            ]
        )
    )
    f["long_no_count.csv"] = u("日期,类别\n2023-01-01,刑事\n")
    f["fake_excel.xlsx"] = u(_csv(good_rows(3)))
    f["zero_byte.xlsx"] = b""
    raw = gzip.compress(u(_csv(good_rows(400))), mtime=0)
    f["truncated.csv.gz"] = raw[: len(raw) // 2]
    f["good.csv.gz"] = raw
    return f


def _schemas() -> dict[str, str]:
    return {
        "schema_utf8.yaml": "encoding: utf-8\n",
        "schema_unknown_key.yaml": 'kind: 警情\ndelimiter: ";"\ncolumns:\n  time: 报警时间\n',
        "schema_unknown_column_role.yaml": "columns:\n  when: 报警时间\n",
        "schema_wrong_type_year.yaml": "year: 二〇二三\n",
        "schema_wrong_type_columns.yaml": "columns:\n  - 报警时间\n  - 报警类别\n",
        "schema_wrong_value_shape.yaml": "shape: table\n",
        "schema_bool_year.yaml": "year: yes\n",
        "schema_missing_column.yaml": "columns:\n  time: 发生时间\n",
        "schema_list.yaml": "- kind\n- shape\n",
        "schema_bad_yaml.yaml": "kind: [警情\nshape: records\n",
        "schema_sensitive_district.yaml": "columns:\n  district: 案发地址\n",
        "schema_year_2023.yaml": "year: 2023\n",
        "schema_long.yaml": "shape: long\n",
        "schema_bad_timezone.yaml": "timezone: Beijing\n",
        "schema_bad_day_start.yaml": 'day_start: "8点"\n',
        "schema_sheet_missing.yaml": "sheet: 汇总\n",
        "schema_bad_date_format.yaml": 'date_format: "%Q-%Y"\n',
        "schema_category_list.yaml": "categories:\n  刑事类警情: [刑事, 治安]\n",
        "schema_python_tag.yaml": 'kind: !!python/object/apply:os.system ["echo owned"]\n',
        "schema_gbk_bytes.yaml": None,
        "schema_bad_taxonomy.yaml": "taxonomy: bad_taxonomy.yaml\n",
        "bad_taxonomy.yaml": "- 刑事\n- 治安\n",
    }


def _patch_cached_values(path: Path, values: dict[str, dict[str, object]]) -> None:
    """Give formula cells a cached value, as Excel does when it saves (openpyxl writes none)."""
    src = zipfile.ZipFile(path)
    items = [(i, src.read(i.filename)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if m and m.group(1) in values:
                xml = data.decode("utf-8")
                for ref, v in values[m.group(1)].items():
                    xml, n = re.subn(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?',
                        rf"\g<1>\g<2><v>{v}</v>",
                        xml,
                    )
                    assert n == 1, (path.name, ref)
                data = xml.encode("utf-8")
            dst.writestr(info, data)


def _excel_files(out: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    # 1. wide daily sheet: merged title, hidden row, formula totals, two more sheets
    wb = Workbook()
    ws = wb.active
    ws.title = "日报"
    ws["A1"] = "示例市2023年1月警情日报表（内部资料）"
    ws.merge_cells("A1:E1")
    ws.append(["日期", "刑事", "治安", "交通", "合计"])
    data = [(3, 4, 5), (2, 2, 2), (1, "*", 1), (0, 5, 5), (4, 4, 4), (1, 2, 3), (2, 2, 2)]
    cached = {}
    for i, (a, b, c) in enumerate(data):
        r = 3 + i
        ws.append([dt.datetime(2023, 1, 1 + i), a, b, c, f"=SUM(B{r}:D{r})"])
        total = sum(x for x in (a, b, c) if isinstance(x, int))
        cached[f"E{r}"] = total + (1 if i == 1 else 0)  # 2023-01-02: 合计 says 7, the parts add up to 6
    ws.append(["合计", "=SUM(B3:B9)", "=SUM(C3:C9)", "=SUM(D3:D9)", "=SUM(E3:E9)"])
    cached.update({"B10": 13, "C10": 19, "D10": 23, "E10": 55})  # 交通 really adds up to 22
    ws.row_dimensions[5].hidden = True  # 2023-01-03 (with the masked cell) is hidden: still data
    wb.create_sheet("说明").append(["本表由值班室每日填报", "数据截至 2023-01-07"])
    ch = wb.create_sheet("图表数据")
    ch.append(["类别", "合计"])
    ch.append(["刑事", "=日报!B10"])
    wb.save(out / "excel_wide_merged.xlsx")
    _patch_cached_values(out / "excel_wide_merged.xlsx", {"1": cached, "3": {"B2": 13}})

    # 2. record-level: empty cover sheet first, title row, two-row merged header, a formula column
    wb = Workbook()
    wb.active.title = "封面"
    ws = wb.create_sheet("警情")
    ws["A1"] = "示例市警情明细（2023年1月）"
    ws.merge_cells("A1:F1")
    ws.append(["序号", "接警单编号", "报警时间", "警情信息", None, "报警人"])
    ws.append([None, None, None, "报警类别", "管辖单位", None])
    ws.merge_cells("D2:E2")
    for c in ("A", "B", "C", "F"):
        ws.merge_cells(f"{c}2:{c}3")
    rows = [
        ("R1", dt.datetime(2023, 1, 3, 9, 30), "刑事类警情", "东城派出所"),
        ("R2", dt.datetime(2023, 1, 3, 22, 5), "治安类警情", "西城派出所"),
        ("R3", "2023-01-04 07:45", "交通类警情", "东城派出所"),
        ("R4", dt.datetime(2023, 1, 4, 13, 0), "刑事类警情", "南城派出所"),
    ]
    for rid, t, cat, dist in rows:
        ws.append(["=ROW()-3", rid, t, cat, dist, NAME])
    ws.row_dimensions[6].hidden = True
    wb.create_sheet("统计").append(["合计", "=COUNTA(警情!B4:B7)"])
    wb.save(out / "excel_records_merged_header.xlsx")
    _patch_cached_values(
        out / "excel_records_merged_header.xlsx",
        {"2": {f"A{4 + i}": i + 1 for i in range(4)}, "3": {"B1": 4}},
    )

    # 3. wide sheet whose categories have two sub-columns: 起数 (a count word) and 同比 (a percentage)
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "刑事", None, "治安", None])
    ws.append([None, "起数", "同比", "起数", "同比"])
    for cells in ("A1:A2", "B1:C1", "D1:E1"):
        ws.merge_cells(cells)
    for i in range(3):
        ws.append([dt.datetime(2023, 1, 1 + i), 3 + i, "5%", 10 + i, "-2%"])
    wb.save(out / "excel_wide_two_level.xlsx")

    # 4. record-level, two merged groups with the same sub-headers: the first (报警信息) is the incident's
    wb = Workbook()
    ws = wb.active
    ws.append(["接警单编号", "报警时间", "报警信息", None, "处警信息", None])
    ws.append([None, None, "类别", "管辖单位", "类别", "管辖单位"])
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:F1"):
        ws.merge_cells(cells)
    ws.append(["P1", "2023-01-03 09:30", "刑事类警情", "东城派出所", "无效警情", "西城派出所"])
    ws.append(["P2", "2023-01-03 11:00", "治安类警情", "东城派出所", "治安类警情", "西城派出所"])
    wb.save(out / "excel_records_two_groups.xlsx")

    # 5. a hidden lookup sheet first; 6. a visible notes sheet first: the data sheet is the third/second
    wb = Workbook()
    ws = wb.active
    ws.title = "代码表"
    ws.append(["代码", "名称"])
    ws.append([1, "刑事"])
    ws.sheet_state = "hidden"
    ws = wb.create_sheet("填表说明")
    ws.append(["本表每日8时前报送；日期格式 YYYY-MM-DD"])
    ws.sheet_state = "hidden"
    ws = wb.create_sheet("警情")
    ws.append(["接警单编号", "报警时间", "报警类别"])
    ws.append(["H1", dt.datetime(2023, 1, 5, 8), "刑事类警情"])
    ws.append(["H2", dt.datetime(2023, 1, 5, 9), "交通类警情"])
    wb.active = 2
    wb.save(out / "excel_hidden_sheets_first.xlsx")
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["本表每日8时前报送；日期格式 YYYY-MM-DD"])
    wb.active.append(["报警时间填写到分钟"])
    ws = wb.create_sheet("警情")
    ws.append(["接警单编号", "报警时间", "报警类别"])
    ws.append(["N1", dt.datetime(2023, 1, 6, 8), "治安类警情"])
    wb.save(out / "excel_notes_sheet_first.xlsx")

    # 7. only a title; 8. a header and no rows
    wb = Workbook()
    wb.active["A1"] = "示例市警情统计表"
    wb.active.merge_cells("A1:F1")
    wb.save(out / "excel_title_only.xlsx")
    wb = Workbook()
    wb.active.append(["接警单编号", "报警时间", "报警类别"])
    wb.save(out / "excel_header_only.xlsx")


def _parquet_files(out: Path) -> None:
    import datetime as dt

    import pandas as pd

    frame = pd.DataFrame(
        {
            "接警单编号": [1, 2, 3, 4, 5],
            "报警时间": pd.array([20230105, 20230105, 20231345, 20230106, 20230107], dtype="int64"),
            "报警类别": pd.array([1, 2, 2, 1, 1], dtype="int64"),
            "管辖单位": [1.0, float("nan"), 2.0, 2.0, 1.0],
        }
    )
    frame.to_parquet(out / "wrong_types.parquet", index=False)
    stamps = pd.to_datetime(["2023-01-05 08:00", "2023-01-05 23:30", None, "2023-01-06 00:10"]).tz_localize(
        "UTC"
    )
    pd.DataFrame({"报警时间": stamps, "报警类别": ["刑事", "治安", "交通", None]}).to_parquet(
        out / "tz_aware.parquet", index=False
    )
    pd.DataFrame(
        {"报警时间": ["2023-01-05 08:00", "2023-01-06 09:00"], "报警类别": pd.Categorical(["刑事", None])}
    ).to_parquet(out / "categorical.parquet", index=False)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table(
            {
                "报警时间": ["2023-01-05 08:00", "2023-01-06 09:00"],
                "标签": [[1, 2], [3]],
                "附加": [{"a": 1}, {"a": 2}],
                "报警类别": ["刑事类警情", "治安类警情"],
            }
        ),
        out / "nested.parquet",
    )
    pq.write_table(
        pa.table({"报警时间": pa.array([], pa.string()), "报警类别": pa.array([], pa.string())}),
        out / "zero_rows.parquet",
    )
    stamps = pa.array(
        [dt.datetime(2023, 1, 5, 8), dt.datetime(9999, 12, 31), dt.datetime(2023, 1, 6, 9), None],
        pa.timestamp("us"),
    )
    pq.write_table(
        pa.table({"报警时间": stamps, "报警类别": ["刑事类警情"] * 4}), out / "sentinel_dates.parquet"
    )
    (out / "not_parquet.parquet").write_bytes(b"PAR1 this is not a parquet file PAR1")


# ---------------------------------------------------------------- hostile inputs (issue 16): personal data,
# structure, resources. Every name, phone, ID number and address below is fake.
PII_HEAD = "接警单编号,报警时间,报警类别,报警细类,管辖单位,报警人,联系电话,报警内容"
#: What a hostile file may never leak (checked in every output, stdout and stderr).
SECRETS = [NAME, PHONE, IDNO, "幸福路88号", "王五", "13987654321", "caller@example.com"]


def _pii_rows(n: int = 4) -> list[str]:
    cats = ["刑事类警情", "治安类警情"]
    return [f"H{i:03d},2023-01-0{1 + i % 9} 10:00:00,{cats[i % 2]},盗窃,东城派出所,{NAME},{PHONE},报警人称被盗。"
            for i in range(1, n + 1)]


def _hostile_text_files() -> dict[str, bytes]:
    f: dict[str, bytes] = {}
    u = lambda s: s.encode("utf-8")  # noqa: E731
    # a row with one field fewer: padded by position, the caller's name would become the district
    f["hostile_short_row.csv"] = u(_csv(_pii_rows(3) + [f"H009,2023-01-05 10:00:00,刑事类警情,盗窃,{NAME},{PHONE},"
                                                        "报警人称被盗。"], PII_HEAD))
    # a row with extra, non-empty fields
    f["hostile_long_row.csv"] = u(_csv(_pii_rows(3) + [f"H009,2023-01-05 10:00:00,刑事类警情,盗窃,东城派出所,{NAME},"
                                                       f"{PHONE},报警人称被盗,{IDNO},{ADDRESS}"], PII_HEAD))
    # a bare CR, then a bare LF, inside the unquoted free text: one record in two pieces
    f["hostile_cr_in_text.csv"] = u(_csv(_pii_rows(3) + [f"H009,2023-01-05 10:00:00,刑事类警情,盗\r窃,东城派出所,{NAME},"
                                                         f"{PHONE},身份证{IDNO}丢失"], PII_HEAD))
    f["hostile_lf_in_text.csv"] = u(_csv(_pii_rows(3) + [f"H009,2023-01-05 10:00:00,刑事类警情,盗窃,东城派出所,欧阳\n娜娜,"
                                                         f"{PHONE},回电{PHONE} {NAME}"], PII_HEAD))
    # personal data in the columns that are kept: category, subcategory and district
    f["hostile_pii_in_dimensions.csv"] = u(_csv(_pii_rows(3) + [
        f"H010,2023-01-05 10:00:00,{PHONE},盗窃,东城派出所,{NAME},{PHONE},x",
        f"H011,2023-01-05 11:00:00,刑事类警情,身份证{IDNO},东城派出所,{NAME},{PHONE},x",
        f"H012,2023-01-05 12:00:00,刑事类警情,盗窃,{ADDRESS},{NAME},{PHONE},x",
        "H013,2023-01-05 13:00:00,刑事类警情,盗窃,联系人：王五,a,b,x",
        "H014,2023-01-05 14:00:00,刑事类警情,盗窃,caller@example.com,a,b,x",
    ], PII_HEAD))
    # a footer of record with the names and phone of the people who made the table, and a date cell
    # holding a phone
    f["hostile_footer.csv"] = u(_csv(_pii_rows(3) + [f"H020,{PHONE},刑事类警情,盗窃,东城派出所,a,b,x",
                                                     "制表人：王五 联系电话：13987654321,,,,,,,"], PII_HEAD))
    # a district that shows as 东城区 with a right-to-left override
    f["hostile_bidi_district.csv"] = u(_csv([
        "B1,2023-01-05 10:00:00,刑事类警情,盗窃,\u202e区城东", "B2,2023-01-05 11:00:00,刑事类警情,盗窃,东城区",
        "B3,2023-01-05 12:00:00,刑事类警情,盗窃,东\u200b城区"]))
    # a wide table with a column of phone numbers among the category columns
    f["hostile_wide_phone.csv"] = u("日期,刑事,治安,备用\n2023-01-05,3,4,13912345678\n2023-01-06,1,2,13987654321\n")
    # a headerless file: the first data row must not be quoted in the error
    f["hostile_headerless.csv"] = u(f"{NAME},{PHONE},刑事,东城区\n王五,13987654321,治安,西城区\n")
    # an address column with a permissive district_pattern
    f["hostile_address.csv"] = u("报警时间,报警类别,案发位置\n2023-01-05 10:00,刑事类警情,示例市东城区幸福路88号\n"
                                 "2023-01-05 11:00,刑事类警情,示例市西城区\n")
    return f


def _hostile_schemas() -> dict[str, str]:
    laughs = ["year:", "  - &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        laughs.append(f"  - &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return {
        "schema_hostile_id_idcard.yaml": "columns:\n  id: 联系电话\n",
        "schema_hostile_hour_name.yaml": "columns:\n  hour: 报警人\n",
        "schema_hostile_aliases.yaml": "\n".join(laughs) + "\n",
        "schema_hostile_pattern.yaml": "columns:\n  address: 案发位置\ndistrict_pattern: '(?:东+)+(..区)'\n",
        "schema_hostile_permissive.yaml": "columns:\n  address: 案发位置\ndistrict_pattern: '(.+区.*)'\n",
    }


def _hostile_parquet(out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({
        "报警时间": pa.array([b"2023-01-05 08:00:00", b"2023-01-05 09:00:00"], pa.binary()),
        "报警类别": pa.array(["刑事类警情".encode(), "治安类警情".encode()], pa.binary()),
        "管辖单位": pa.array(["东城区".encode(), "西城区".encode()], pa.binary()),
    }), out / "hostile_binary_strings.parquet")


def hostile_files(out: Path = HERE) -> None:
    """Write only the hostile cases (issue 16) into ``out``."""
    for name, data in _hostile_text_files().items():
        (out / name).write_bytes(data)
    for name, text in _hostile_schemas().items():
        (out / name).write_text(text, "utf-8")
    _hostile_parquet(out)


def main(out: Path = HERE) -> None:
    """Write every corpus file into ``out``."""
    for name, data in _text_files().items():
        (out / name).write_bytes(data)
    for name, text in _schemas().items():
        if text is None:  # a schema saved in GBK by a Windows editor
            (out / name).write_bytes("kind: 警情\nyear: 2023\n".encode("gbk"))
        else:
            (out / name).write_text(text, "utf-8")
    _excel_files(out)
    _parquet_files(out)
    hostile_files(out)
    big = [p.name for p in out.iterdir() if p.is_file() and p.stat().st_size > 50_000]
    assert not big, big
    print(f"{len(list(out.iterdir()))} files in {out}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
