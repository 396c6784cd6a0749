"""A unit column (单位, 所属单位, 管辖单位) beside its code column (单位代码) is the district.

The inputs are built here; the expected counts per district are read off the rows by hand.
"""

from __future__ import annotations

import pytest

from stats_lib.clean import load
from stats_lib.ingest.columns import map_columns
from stats_lib.ingest.schema import load_schema


@pytest.mark.parametrize("unit", ["单位", "所属单位", "管辖单位"])
def test_unit_beside_code_is_the_district(unit):
    cols = map_columns(["日期", "单位代码", unit, "刑事", "治安"], load_schema(None))
    assert cols.get("district") == unit


def test_wide_sheet_by_unit(tmp_path):
    # 东城分局: 刑事 1 + 治安 2 = 3; 西城分局: 4 + 5 = 9; the code column is not a count
    path = tmp_path / "unit.csv"
    path.write_text("日期,单位代码,单位,刑事,治安\n2023-01-21,110101,东城分局,1,2\n"
                    "2023-01-21,110102,西城分局,4,5\n", encoding="utf-8")
    c = load(path, as_of="2024-12-31")
    by = c.daily.groupby("district")["count"].sum().to_dict()
    assert by == {"东城分局": 3, "西城分局": 9}


def test_records_by_unit(tmp_path):
    # two calls, one per unit
    path = tmp_path / "calls.csv"
    path.write_text("报警时间,单位代码,所属单位,报警类别\n2023-01-21 08:00,110101,东城分局,刑事\n"
                    "2023-01-21 09:00,110102,西城分局,治安\n", encoding="utf-8")
    c = load(path, as_of="2024-12-31")
    assert c.daily.groupby("district")["count"].sum().to_dict() == {"东城分局": 1, "西城分局": 1}
