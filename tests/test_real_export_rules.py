"""Real-export rules (issue 12), kind by kind, on small Chinese and English inputs built here.

Each expected value is computed in the test by hand or with plain pandas. Record-level inputs run on both
reading paths of the engine: read by DuckDB itself (``read``) and shaped by pandas first (``shaped``: a
file with a blank line, which DuckDB does not read itself).
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from stats_lib.clean import ledger_summary, load
from stats_lib.clean.dates import day_order, parse_clock, period_of
from stats_lib.errors import InputError

AS_OF = "2025-12-31"
PATHS = ["read", "shaped"]


def _csv(tmp_path, name: str, frame: pd.DataFrame, how: str = "read"):
    path = tmp_path / name
    path.write_text(frame.to_csv(index=False, lineterminator="\n") + ("\n" if how == "shaped" else ""), "utf-8")
    return path


def _hours(cleaned) -> dict:
    return cleaned.hourly.groupby("hour")["count"].sum().to_dict()


def _days(cleaned) -> dict:
    return {d.strftime("%Y-%m-%d"): int(n) for d, n in cleaned.daily.groupby("date")["count"].sum().items()}


# 1. Date and time split over columns --------------------------------------------------------------

@pytest.mark.parametrize("how", PATHS)
def test_kind1_chinese_date_and_time_columns_combined(tmp_path, how):
    frame = pd.DataFrame({"日期": ["2024-03-05", "2024-03-05", "2024-03-06", "2024-03-06"],
                          "时间": ["8时15分", "下午3时20分", "23:40:05", "上午11时"],
                          "类别": ["盗窃", "纠纷", "盗窃", "求助"]})
    out = load(_csv(tmp_path, "a.csv", frame, how), as_of=AS_OF)
    assert _hours(out) == {8: 1, 15: 1, 23: 1, 11: 1}  # 下午3时 = 15h, 上午11时 = 11h
    assert _days(out) == {"2024-03-05": 2, "2024-03-06": 2}


@pytest.mark.parametrize("how", PATHS)
def test_kind1_english_hhmm_column_is_decided_per_column(tmp_path, how):
    frame = pd.DataFrame({"DATE OCC": ["01/13/2024 12:00:00 AM"] * 4, "TIME OCC": ["845", "15", "2130", "0001"],
                          "Crm Cd Desc": ["THEFT"] * 4})
    out = load(_csv(tmp_path, "la.csv", frame, how), as_of=AS_OF,
               schema={"columns": {"date": "DATE OCC", "time_of_day": "TIME OCC", "category": "Crm Cd Desc"}})
    # HHMM: 845 = 08:45, 15 = 00:15 (not 15h), 2130 = 21:30, 0001 = 00:01
    assert _hours(out) == {8: 1, 0: 2, 21: 1}


def test_kind1_small_whole_numbers_are_hours_and_ampm_is_read():
    assert parse_clock(pd.Series(["8", "15", "23"])).tolist() == [480.0, 900.0, 1380.0]
    assert parse_clock(pd.Series(["11:00 PM", "12:30 AM", "08~10", "18-20"])).tolist() == [1380.0, 30.0, 480.0, 1080.0]


@pytest.mark.parametrize("how", PATHS)
def test_kind1_english_date_and_time_headers_found_automatically(tmp_path, how):
    frame = pd.DataFrame({"Date": ["05/29/2015", "05/29/2015", "05/30/2015"], "Time": ["23:40", "07:05", "11:00"],
                          "Category": ["ASSAULT", "THEFT", "THEFT"]})
    out = load(_csv(tmp_path, "sf.csv", frame, how), as_of=AS_OF)
    assert _days(out) == {"2015-05-29": 2, "2015-05-30": 1}
    assert _hours(out) == {23: 1, 7: 1, 11: 1}


@pytest.mark.parametrize("how", PATHS)
def test_kind1_year_month_day_hour_columns(tmp_path, how):
    frame = pd.DataFrame({"年": [2024, 2024, 2024], "月": [1, 1, 2], "日": [5, 5, 29], "时": [7, 19, 0],
                          "类别": ["盗窃", "诈骗", "盗窃"]})
    out = load(_csv(tmp_path, "ymd.csv", frame, how), as_of=AS_OF,
               schema={"columns": {"year": "年", "month": "月", "day": "日", "hour": "时"}})
    assert _days(out) == {"2024-01-05": 2, "2024-02-29": 1}
    assert _hours(out) == {7: 1, 19: 1, 0: 1}


@pytest.mark.parametrize("how", PATHS)
def test_kind1_roc_year_column_beside_month_day(tmp_path, how):
    frame = pd.DataFrame({"發生年度": ["110", "110", "111"], "發生日期": ["0101", "1231", "0215"],
                          "案類": ["住宅竊盜", "汽車竊盜", "住宅竊盜"]})
    out = load(_csv(tmp_path, "tw.csv", frame, how), as_of=AS_OF,
               schema={"calendar": "roc", "taxonomy": "none", "columns": {"year": "發生年度", "date": "發生日期"}})
    assert _days(out) == {"2021-01-01": 1, "2021-12-31": 1, "2022-02-15": 1}  # 110 + 1911 = 2021


def test_kind1_time_only_column_is_never_the_date(tmp_path):
    frame = pd.DataFrame({"报警时间": ["08:15", "09:30"], "类别": ["盗窃", "求助"]})
    with pytest.raises(InputError, match="报警时间.*times of day only"):
        load(_csv(tmp_path, "t.csv", frame), as_of=AS_OF)


# 2. Day-first and month-first dates ---------------------------------------------------------------

@pytest.mark.parametrize("how", PATHS)
def test_kind2_english_day_first_proven_by_the_column(tmp_path, how):
    frame = pd.DataFrame({"Date": ["02/01/2015", "13/01/2015", "02/01/2015"], "Offence": ["Theft"] * 3})
    out = load(_csv(tmp_path, "uk.csv", frame, how), as_of=AS_OF)
    assert _days(out) == {"2015-01-02": 2, "2015-01-13": 1}  # 13 in the first field proves day first


@pytest.mark.parametrize("how", PATHS)
def test_kind2_english_month_first_proven_by_the_column(tmp_path, how):
    frame = pd.DataFrame({"Date": ["02/01/2015", "01/13/2015"], "Offence": ["Theft"] * 2})
    out = load(_csv(tmp_path, "us.csv", frame, how), as_of=AS_OF)
    assert _days(out) == {"2015-02-01": 1, "2015-01-13": 1}


@pytest.mark.parametrize("how", PATHS)
def test_kind2_chinese_hong_kong_day_first(tmp_path, how):
    frame = pd.DataFrame({"报警日期": ["05/01/2024", "25/12/2023", "05/01/2024"], "报警类别": ["盗窃"] * 3})
    out = load(_csv(tmp_path, "hk.csv", frame, how), as_of=AS_OF)
    assert _days(out) == {"2024-01-05": 2, "2023-12-25": 1}


@pytest.mark.parametrize("how", PATHS)
def test_kind2_undecided_order_stops_and_schema_decides(tmp_path, how):
    frame = pd.DataFrame({"报警日期": ["02/01/2015", "03/04/2015"], "报警类别": ["盗窃", "纠纷"]})
    path = _csv(tmp_path, "amb.csv", frame, how)
    with pytest.raises(InputError, match=r"报警日期.*'02/01/2015', '03/04/2015'.*dayfirst"):
        load(path, as_of=AS_OF)
    assert _days(load(path, as_of=AS_OF, schema={"dayfirst": True})) == {
        "2015-01-02": 1, "2015-04-03": 1}
    assert _days(load(path, as_of=AS_OF, schema={"dayfirst": False})) == {
        "2015-02-01": 1, "2015-03-04": 1}


def test_kind2_conflicting_column_stops_with_two_examples(tmp_path):
    frame = pd.DataFrame({"Date": ["13/01/2015", "01/13/2015"], "Offence": ["Theft"] * 2})
    with pytest.raises(InputError, match=r"'13/01/2015'.*'01/13/2015'"):
        load(_csv(tmp_path, "mix.csv", frame), as_of=AS_OF)
    assert day_order(pd.Series(["13/01/2015", "01/13/2015"])).conflict


# 3. Dates that cannot be right ---------------------------------------------------------------------

@pytest.mark.parametrize("how", PATHS)
def test_kind3_format_without_year_takes_the_schema_year(tmp_path, how):
    frame = pd.DataFrame({"日期": ["0121", "0122", "0122"], "类别": ["盗窃"] * 3})
    out = load(_csv(tmp_path, "md.csv", frame, how), as_of=AS_OF,
               schema={"date_format": "%m%d", "year": 2023})
    assert _days(out) == {"2023-01-21": 1, "2023-01-22": 2}  # never 1900


@pytest.mark.parametrize("how", PATHS)
def test_kind3_dates_before_the_lower_bound_are_implausible(tmp_path, how):
    frame = pd.DataFrame({"Date": ["1900-01-01", "2020-05-01", "2020-05-02", "2020-05-02"],
                          "Offence": ["Theft"] * 4})
    out = load(_csv(tmp_path, "old.csv", frame, how), as_of=AS_OF)
    assert out.ledger["rejected_by_reason"] == {"implausible_date": 1}
    assert _days(out) == {"2020-05-01": 1, "2020-05-02": 2}
    later = load(_csv(tmp_path, "old.csv", frame, how), as_of=AS_OF,
                 schema={"min_date": "2020-05-02"}, allow_empty=True)
    assert later.ledger["rejected_by_reason"] == {"implausible_date": 2}


@pytest.mark.parametrize(("values", "word"), [(["2012-01", "2012-02", "2012-03"], "monthly"),
                                              (["2018", "2019", "2020"], "yearly"),
                                              (["2012年1月", "2012年2月"], "monthly")])
def test_kind3_monthly_and_yearly_counts_stop(tmp_path, values, word):
    frame = pd.DataFrame({"日期": values, "类别": ["盗窃"] * len(values), "数量": [3] * len(values)})
    with pytest.raises(InputError, match=f"日期.*{word} counts"):
        load(_csv(tmp_path, "m.csv", frame), as_of=AS_OF)


def test_kind3_roc_months_are_months():
    assert period_of(pd.Series(["89年 1月", "89年 2月"])) == "month"
    assert period_of(pd.Series(["2023-01-05", "2012-01"])) is None


# 4. Nothing kept is not a success -------------------------------------------------------------------

def _cli(*args):
    return subprocess.run([sys.executable, "-m", "stats_lib.cli", *map(str, args)], capture_output=True, text=True)


def test_kind4_chinese_nothing_kept_exits_2_with_one_line(tmp_path):
    frame = pd.DataFrame({"报警时间": ["无", "不详", "待查"], "报警类别": ["盗窃"] * 3})
    path = _csv(tmp_path, "bad.csv", frame)
    run = _cli("clean", path, "--out", tmp_path / "out", "--as-of", AS_OF)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "no row kept" in lines[0] and "报警时间" in lines[0] and "'无'" in lines[0]
    assert not (tmp_path / "out" / "daily.parquet").exists()
    run = _cli("clean", path, "--out", tmp_path / "out", "--as-of", AS_OF, "--allow-empty")
    assert run.returncode == 0 and "警告" in run.stdout
    assert (tmp_path / "out" / "daily.parquet").exists()


def test_kind4_english_most_rows_rejected_for_one_reason(tmp_path):
    frame = pd.DataFrame({"Date": ["2020-01-01", "n/a", "unknown", "later"], "Offence": ["Theft"] * 4})
    path = _csv(tmp_path, "most.csv", frame)
    with pytest.raises(InputError, match=r"3 of 4 rows rejected.*bad_date.*'Date'"):
        load(path, as_of=AS_OF)
    out = load(path, as_of=AS_OF, allow_empty=True)
    assert out.ledger["rows_kept"] == 1 and "bad_date" in out.ledger["warning"]
    assert "--allow-empty" not in out.ledger["warning"]      # it was passed: the warning does not ask for it
    assert "Warning:" in ledger_summary(out.ledger, lang="en")


# 5. Code and key columns ----------------------------------------------------------------------------

def test_kind5_chinese_wide_sheet_unit_code_by_content(tmp_path):
    # '标识' is not a code header: it is found by content (constant, far larger than the counts)
    frame = pd.DataFrame({"日期": ["2024-01-01", "2024-01-02", "2024-01-03"], "标识": [440305] * 3,
                          "刑事": [3, 4, 5], "治安": [7, 8, 2], "交通": [1, 0, 6]})
    out = load(_csv(tmp_path, "w.csv", frame), as_of=AS_OF, schema={"shape": "wide"})
    assert int(out.daily["count"].sum()) == int(frame[["刑事", "治安", "交通"]].to_numpy().sum())
    assert out.ledger["files"][0]["key_columns_ignored"] == ["标识"]


def test_kind5_english_fips_and_ignore_columns(tmp_path):
    frame = pd.DataFrame({"Date": ["2024-01-01", "2024-01-02"], "FIPS": [6037, 6037], "Ward": [3, 4],
                          "Robbery": [3, 4], "Burglary": [5, 6], "Theft": [9, 9]})
    out = load(_csv(tmp_path, "w.csv", frame), as_of=AS_OF,
               schema={"shape": "wide", "taxonomy": "none", "ignore_columns": ["Ward"]})
    assert out.daily.groupby("category")["count"].sum().to_dict() == {"Burglary": 11, "Robbery": 7, "Theft": 18}


def test_kind5_total_check_failing_on_most_rows_stops_naming_the_column(tmp_path):
    frame = pd.DataFrame({"日期": ["2024-01-01", "2024-01-02", "2024-01-03"], "刑事": [3, 4, 5], "治安": [7, 8, 2],
                          "其它数": [50, 60, 70], "合计": [10, 12, 7]})
    with pytest.raises(InputError, match="合计.*3 of 3 rows.*'其它数'"):
        load(_csv(tmp_path, "t.csv", frame), as_of=AS_OF, schema={"shape": "wide"})


# 6. Kind and roles by content -------------------------------------------------------------------------

@pytest.mark.parametrize("how", PATHS)
def test_kind6_chinese_fire_log_with_case_time_is_incidents(tmp_path, how):
    frame = pd.DataFrame({"立案时间": ["2025-01-01 00:17:20", "2025-01-01 01:09:48", "2025-01-02 06:32:49"],
                          "火警类型": ["杂物", "居民", "杂物"], "所属街道": ["唐镇", "惠南镇", "唐镇"]})
    out = load(_csv(tmp_path, "fire.csv", frame, how), as_of=AS_OF)
    info = out.ledger["files"][0]
    assert info["kind"] == "警情"
    assert info["columns"]["category"] == "火警类型" and info["columns"]["district"] == "所属街道"
    assert out.daily.groupby("district")["count"].sum().to_dict() == {"唐镇": 2, "惠南镇": 1}


def test_kind6_english_name_headers_of_districts(tmp_path):
    frame = pd.DataFrame({"Record Create Date": ["03/07/2022", "03/18/2022"], "AREA NAME": ["N Hollywood", "Central"],
                          "Caller Name": ["A B", "C D"], "Offense Category": ["Theft", "Theft"]})
    out = load(_csv(tmp_path, "la.csv", frame), as_of=AS_OF)
    info = out.ledger["files"][0]
    assert info["columns"]["district"] == "AREA NAME" and "Caller Name" in info["sensitive_columns_dropped"]
    assert out.daily.groupby("district")["count"].sum().to_dict() == {"Central": 1, "N Hollywood": 1}


# 7. The same records twice ------------------------------------------------------------------------------

@pytest.mark.parametrize("how", PATHS)
def test_kind7_chinese_same_export_twice_is_reported(tmp_path, how):
    frame = pd.DataFrame({"报警时间": [f"2024-01-0{d} 0{h}:00:00" for d in range(1, 4) for h in range(1, 4)],
                          "报警类别": ["盗窃", "纠纷", "求助"] * 3, "管辖单位": ["东城", "西城", "东城"] * 3})
    a = _csv(tmp_path, "a.csv", frame, how)
    b = _csv(tmp_path, "b.csv", frame.assign(备用=1), how)  # the same export saved again with an extra column
    out = load([a, b], as_of=AS_OF)
    assert out.ledger["overlapping_files"] == [{"files": [str(a), str(b)], "shared": 9, "share": 1.0}]
    assert "a.csv 与 b.csv" in ledger_summary(out.ledger)
    assert int(out.daily["count"].sum()) == 18  # counted twice, and said so


def test_kind7_english_distinct_files_are_not_reported(tmp_path):
    one = pd.DataFrame({"Date": [f"2024-01-{d:02d}" for d in range(1, 11)], "Offence": ["Theft"] * 10})
    two = pd.DataFrame({"Date": [f"2024-02-{d:02d}" for d in range(1, 11)], "Offence": ["Theft"] * 10})
    out = load([_csv(tmp_path, "jan.csv", one), _csv(tmp_path, "feb.csv", two)], as_of=AS_OF)
    assert "overlapping_files" not in out.ledger
    both = load([_csv(tmp_path, "jan.csv", one), _csv(tmp_path, "jan2.csv", one)], as_of=AS_OF)
    assert "share 100% of their records" in ledger_summary(both.ledger, lang="en")


# 8. English output stays English ---------------------------------------------------------------------------

def test_kind8_english_summary_says_other(tmp_path):
    frame = pd.DataFrame({"报警时间": ["2024-01-01 08:00:00", "2024-01-01 09:00:00"], "报警类别": ["盗窃", "奇怪的类别"]})
    out = load(_csv(tmp_path, "o.csv", frame), as_of=AS_OF)
    en = ledger_summary(out.ledger, lang="en")
    assert "counted as Other" in en and "其他" not in en
    assert "计入“其他”" in ledger_summary(out.ledger)
