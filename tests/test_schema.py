"""Tests of stats_lib.schema: keys, validation, automatic column mapping."""

from __future__ import annotations

import pandas as pd
import pytest

from stats_lib.errors import InputError, SchemaError
from stats_lib.ingest.columns import detect_kind, map_columns
from stats_lib.ingest.schema import is_sensitive, is_total, load_schema


def test_full_schema_from_yaml(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "kind: 案件\nshape: records\nencoding: gbk\ncolumns:\n  id: 编号\n  date: 日期\n  hour: 时段\n"
        "date_format: '%Y%m%d'\ncalendar: roc\nyear: 2023\ntimezone: Asia/Taipei\nday_start: '08:00'\n"
        "taxonomy: none\ncategories:\n  住宅竊盜: 盗窃\ndistrict_pattern: '臺北市(..區)'\nsheet: 0\n", "utf-8")
    s = load_schema(path)
    assert s.kind == "案件" and s.calendar == "roc" and s.year == 2023
    assert s.encoding == "gb18030"  # GBK is read as its superset
    assert s.day_start_minutes == 8 * 60
    assert s.columns == {"id": "编号", "date": "日期", "hour": "时段"}
    assert s.categories == {"住宅竊盜": "盗窃"}


def test_empty_schema_file_is_the_empty_schema(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("", "utf-8")
    s = load_schema(path)
    assert s.kind is None and s.columns == {} and s.shape is None and s.taxonomy == "default"


@pytest.mark.parametrize(("data", "key"), [
    ({"kinds": "警情"}, "kinds"),
    ({"year": "2023"}, "year"),
    ({"year": True}, "year"),
    ({"shape": "tall"}, "shape"),
    ({"columns": ["time"]}, "columns"),
    ({"columns": {"phone": "电话"}}, "columns.phone"),
    ({"columns": {"time": ["a"]}}, "columns.time"),
    ({"day_start": "8am"}, "day_start"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"district_pattern": "臺北市..區"}, "district_pattern"),
    ({"district_pattern": "(("}, "district_pattern"),
    ({"encoding": "no-such-codec"}, "encoding"),
    ({"kind": "警察"}, "kind"),
    ({"taxonomy": "missing.yaml"}, "taxonomy"),
    ({"calendar": "lunar"}, "calendar"),
])
def test_bad_schema_names_the_key(data, key):
    with pytest.raises(SchemaError, match=f"'{key}'"):
        load_schema(data)


def test_schema_file_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("colums:\n  time: 报警时间\n", "utf-8")
    with pytest.raises(SchemaError, match=r"bad\.yaml: unknown key 'colums'"):
        load_schema(path)
    path.write_text("- just\n- a list\n", "utf-8")
    with pytest.raises(SchemaError, match="bad.yaml"):
        load_schema(path)
    with pytest.raises(SchemaError, match="not found"):
        load_schema(tmp_path / "absent.yaml")


def test_sensitive_column_cannot_be_a_category():
    with pytest.raises(SchemaError, match="columns.district"):
        load_schema({"columns": {"district": "案发地址"}})
    assert load_schema({"columns": {"address": "案发地址"}, "district_pattern": "(..区)"}).columns["address"] == "案发地址"


def test_day_start_as_hour_integer():
    assert load_schema({"day_start": 8}).day_start == "08:00"


@pytest.mark.parametrize("header", ["报警人", "联系电话", "身份证号", "案发地址", "报警内容", "处警结果", "發生地點",
                                    "Caller Name", "phone_number", "Address"])
def test_sensitive_headers(header):
    assert is_sensitive(header)


@pytest.mark.parametrize("header", ["报警时间", "报警类别", "管辖单位", "接警单编号", "District", "Date"])
def test_needed_headers_are_not_sensitive(header):
    assert not is_sensitive(header)


def test_totals():
    assert is_total("合计") and is_total(" 總計 ") and is_total("Total") and not is_total("刑事")


def test_auto_mapping_incidents():
    headers = ["接警单编号", "报警时间", "报警类别", "报警细类", "管辖单位", "报警人", "联系电话", "案发地址", "报警内容"]
    cols = map_columns(headers, load_schema(None))
    assert cols == {"time": "报警时间", "category": "报警类别", "subcategory": "报警细类", "district": "管辖单位",
                    "id": "接警单编号"}


def test_auto_mapping_prefers_occurrence_time_for_cases():
    headers = ["案件编号", "立案时间", "发案时间", "案件类别", "案由", "管辖单位"]
    cols = map_columns(headers, load_schema(None))
    assert cols["time"] == "发案时间" and cols["subcategory"] == "案由" and cols["category"] == "案件类别"
    assert detect_kind(headers, load_schema(None)) == "案件"
    assert detect_kind(["报警时间", "报警类别"], load_schema(None)) == "警情"


def test_auto_mapping_traditional_and_english_headers():
    cols = map_columns(["編號", "案類", "發生日期", "發生時段", "發生地點"], load_schema(None))
    assert cols == {"time": "發生日期", "hour": "發生時段", "category": "案類", "id": "編號"}
    cols = map_columns(["District", "Date", "Incidents"], load_schema(None))
    assert cols == {"time": "Date", "district": "District", "count": "Incidents"}
    cols = map_columns(["Case Number", "Occurrence_Date", "Primary Type", "Neighbourhood"], load_schema(None))
    assert cols == {"time": "Occurrence_Date", "category": "Primary Type", "district": "Neighbourhood",
                    "id": "Case Number"}


def test_schema_columns_override_and_switch_off():
    schema = load_schema({"columns": {"date": "日期2", "id": None}})
    cols = map_columns(["编号", "日期", "日期2", "类别"], schema)
    assert cols["time"] == "日期2" and cols["date_only"] == "日期2" and "id" not in cols


def test_missing_schema_column_lists_found_columns():
    with pytest.raises(InputError, match=r"f\.csv: column '时间X'.*columns found: a, b"):
        map_columns(["a", "b"], load_schema({"columns": {"time": "时间X"}}), "f.csv")


def test_a_role_column_that_appears_twice_is_asked_about(tmp_path):
    """Two 报警时间 columns a month apart: the first one silently won. Now the clean asks which; the schema answers."""
    from stats_lib.clean import load
    from stats_lib.errors import InputError

    path = tmp_path / "dup.csv"
    path.write_text("接警单编号,报警时间,报警类别,报警时间\nA1,2023-01-21 08:00:00,纠纷,2023-02-21 08:00:00\n", "utf-8")
    with pytest.raises(InputError, match=r"'报警时间' appears 2 times \(columns 2, 4\).*columns: \{time: '报警时间 \(2\)'\}"):
        load([path], as_of="2024-12-31")
    second = load([path], as_of="2024-12-31", schema={"columns": {"time": "报警时间 (2)"}})
    first = load([path], as_of="2024-12-31", schema={"columns": {"time": "报警时间"}})
    assert second.daily["date"].tolist() == [pd.Timestamp("2023-02-21")]
    assert first.daily["date"].tolist() == [pd.Timestamp("2023-01-21")]
