"""The shared real-export cases (../shared/realworld): the right values given in each case's expected.txt.

Each record-level case runs on both reading paths of the engine: the file read by DuckDB itself
(``read``) and a copy with a trailing blank line, which DuckDB does not read itself and which is shaped
by pandas first (``shaped``). Skipped cleanly when ../shared is absent (CI).
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import SHARED

from stats_lib.clean import load

REAL = SHARED / "realworld"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realworld is not present")
PATHS = ["read", "shaped"]


def _case(name: str):
    return REAL / name


def _input(path, tmp_path, how: str):
    """The input itself (``read``), or a copy with a trailing blank line (``shaped``)."""
    if how == "read":
        return path
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes().rstrip(b"\r\n") + b"\n\n")
    return copy


@pytest.mark.parametrize("how", PATHS)
def test_01_district_header_with_name_is_a_district(tmp_path, how):
    case = _case("01_district_header_with_name")
    out = load(_input(case / "input.csv", tmp_path, how), schema=case / "schema.yaml", as_of="2024-12-31")
    got = out.daily.groupby("district")["count"].sum().to_dict()
    names = ["BKLYN NORTH", "BKLYN SOUTH", "BRONX", "MAN NORTH", "MAN SOUTH", "QUEENS NORTH", "QUEENS SOUTH",
             "STATEN ISLAND"]
    assert got == {f"PATROL BORO {n}": 2 for n in names}  # expected.txt: 2 each, deduplicated by id


@pytest.mark.parametrize("how", PATHS)
def test_02_wide_code_column_is_not_summed(tmp_path, how):
    case = _case("02_wide_code_column_summed")
    out = load(_input(case / "input.csv", tmp_path, how), schema=case / "schema.yaml", as_of="2024-12-31")
    assert int(out.daily["count"].sum()) == 89777
    per_day = out.daily.groupby("date")["count"].sum()
    assert per_day.to_dict() == {pd.Timestamp("2018-12-31"): 43251, pd.Timestamp("2019-12-31"): 46526}
    assert "Code" not in set(out.daily["category"])
    # the same from the file with plain pandas: the 16 offence columns, without Code
    raw = pd.read_csv(case / "input.csv")
    assert int(raw.drop(columns=["Year", "District", "Code", "Location"]).to_numpy().sum()) == 89777


@pytest.mark.parametrize("how", PATHS)
def test_02_chinese_desk_sheet_area_code_is_not_a_category(tmp_path, how):
    case = _case("02_wide_code_column_summed")
    out = load(case / "input_zh.xlsx", schema=case / "schema_zh.yaml", as_of="2024-12-31")
    assert int(out.daily["count"].sum()) == 1907
    assert out.daily["date"].nunique() == 10
    assert out.ledger["total_mismatches"] == []  # the sheet's 合计 agrees once 区划代码 is left out
    raw = pd.read_excel(case / "input_zh.xlsx", header=None, skiprows=3, nrows=10, engine="openpyxl")
    assert int(raw[11].sum()) == 1907  # the 合计 column of the sheet itself, over its 10 days
    assert int(raw[list(range(2, 11))].to_numpy().sum()) == 1907  # its nine category columns


BERKELEY_HOURS = {0: 4, 7: 2, 8: 2, 9: 1, 10: 1, 11: 2, 12: 3, 13: 2, 14: 1, 15: 2, 16: 1, 17: 3, 18: 2, 19: 3,
                  20: 6, 21: 2, 23: 3}


@pytest.mark.parametrize("how", PATHS)
def test_04_hour_column_used_when_dates_carry_midnight(tmp_path, how):
    case = _case("04_hour_column_ignored_when_date_has_midnight")
    out = load(_input(case / "input.csv", tmp_path, how), schema=case / "schema.yaml", as_of="2024-12-31")
    assert out.hourly.groupby("hour")["count"].sum().to_dict() == BERKELEY_HOURS
    raw = pd.read_csv(case / "input.csv", dtype=str)  # plain pandas: the hour of EVENTTM
    by_hour = raw["EVENTTM"].str.split(":").str[0].astype(int).value_counts().sort_index().to_dict()
    assert by_hour == BERKELEY_HOURS


@pytest.mark.parametrize("how", PATHS)
def test_04_lapd_hhmm_times(tmp_path, how):
    case = _case("04_hour_column_ignored_when_date_has_midnight")
    out = load(_input(case / "input_lapd_format.csv", tmp_path, how), schema=case / "schema_lapd.yaml", as_of="2024-12-31")
    got = out.hourly.groupby("hour")["count"].sum().to_dict()
    assert got == {8: 1, 21: 1, 0: 2, 12: 1}  # expected.txt: 8, 21, 0, 12, 0
    assert out.daily.groupby("date")["count"].sum().to_dict() == {pd.Timestamp("2020-11-07"): 2,
                                                                  pd.Timestamp("2020-11-08"): 3}


@pytest.mark.parametrize("how", PATHS)
def test_06_pudong_fire_log_is_incidents_with_its_category_and_district(tmp_path, how):
    case = _case("06_key_days_without_baseline_data_reported_as_significant")
    out = load(_input(case / "input.csv", tmp_path, how), schema=case / "schema.yaml", as_of="2025-02-12")
    per_day = out.daily.groupby("date")["count"].sum()
    assert per_day[pd.Timestamp("2025-01-28")] == 90   # 除夕
    assert per_day[pd.Timestamp("2025-01-29")] == 33   # 初一
    assert per_day[pd.Timestamp("2025-02-12")] == 22   # 元宵
    assert set(out.daily["kind"]) == {"警情"}
    # without the schema: kind, category and district found from the headers alone
    auto = load(_input(case / "input.csv", tmp_path, how), as_of="2025-02-12")
    cols = auto.ledger["files"][0]["columns"]
    assert cols["category"] == "火警类型" and cols["district"] == "所属街道"
    assert set(auto.daily["kind"]) == {"警情"}
    assert int(auto.daily["count"].sum()) == 1037


@pytest.mark.parametrize("how", PATHS)
def test_07_separate_date_and_time_columns_are_combined(tmp_path, how):
    case = _case("07_separate_date_and_time_columns_all_rejected")
    zh = load(_input(case / "input_zh.csv", tmp_path, how), as_of="2025-12-31")
    assert zh.daily.groupby("date")["count"].sum().to_dict() == {
        pd.Timestamp("2025-04-20"): 6, pd.Timestamp("2025-04-21"): 11, pd.Timestamp("2025-04-22"): 11,
        pd.Timestamp("2025-04-23"): 2}
    raw = pd.read_csv(case / "input_zh.csv", dtype=str)
    hours = raw["报警时间"].str[:2].astype(int).value_counts().sort_index().to_dict()
    assert zh.hourly.groupby("hour")["count"].sum().to_dict() == hours
    sf = load(_input(case / "input_sf.csv", tmp_path, how), as_of="2025-12-31")
    assert sf.daily.groupby("date")["count"].sum().to_dict() == {pd.Timestamp("2015-05-29"): 2}
    assert sf.hourly.groupby("hour")["count"].sum().to_dict() == {23: 2}


def test_07_cli_exit_code_and_english_summary(tmp_path):
    case = _case("07_separate_date_and_time_columns_all_rejected")
    run = subprocess.run([sys.executable, "-m", "stats_lib.cli", "clean", str(case / "input_sf.csv"), "--out",
                          str(tmp_path / "out"), "--as-of", "2025-12-31", "--lang", "en"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "kept 2" in run.stdout and "其他" not in run.stdout


@pytest.mark.parametrize("how", PATHS)
def test_09_berkeley_hours_come_from_the_time_column(tmp_path, how):
    case = _case("09_render_en_mangles_uppercase_categories")
    out = load(_input(case / "input.csv", tmp_path, how), schema=case / "schema.yaml", as_of="2018-12-10")
    raw = pd.read_csv(case / "input.csv", dtype=str)
    raw["date"] = pd.to_datetime(raw["EVENTDT"].str[:10], format="%m/%d/%Y")
    raw = raw[raw["date"] <= "2018-12-10"]
    expected = raw["EVENTTM"].str.split(":").str[0].astype(int).value_counts().sort_index()
    got = out.hourly.groupby("hour")["count"].sum()
    assert got.to_dict() == expected.to_dict()
    assert got.idxmax() != 0 or expected.idxmax() == 0
