"""Time values as exports write them: midnights that mean dates, 12-hour clocks, one-cell forms.

Every expected value is worked out by hand from the input written in the test. Each CSV is read twice:
by the DuckDB engine directly, and (with a trailing blank line, which DuckDB does not stream) shaped by
pandas first, so a rule is checked on both paths.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stats_lib.clean import load

AS_OF = "2024-12-31"


def _both(tmp_path: Path, name: str, text: str, **kw) -> list:
    """Clean ``text`` read directly by DuckDB and shaped by pandas (a blank line at the end)."""
    direct = tmp_path / name
    direct.write_text(text, "utf-8")
    shaped = tmp_path / ("blank_" + name)
    shaped.write_text(text + "\n", "utf-8")
    return [load([direct], as_of=AS_OF, **kw), load([shaped], as_of=AS_OF, **kw)]


@pytest.mark.parametrize("header", ["接警单编号,报警时间,报警类别", "Incident ID,Date,Category"])
def test_a_text_column_of_midnights_holds_dates_not_hours(tmp_path, header):
    text = f"{header}\nA,2023-01-21 00:00:00,刑事\nB,2023-01-21 00:00:00,治安\nC,2023-01-22 00:00:00,刑事\n"
    for b in _both(tmp_path, "mid.csv", text):
        # by hand: 2 records on the 21st, 1 on the 22nd; no record has an hour
        by_day = b.daily.groupby(b.daily["date"].dt.strftime("%Y-%m-%d"))["count"].sum().to_dict()
        assert by_day == {"2023-01-21": 2, "2023-01-22": 1}
        assert b.hourly is None or b.hourly.empty
        assert b.ledger["hour_unknown"] == 3


def test_one_time_of_day_keeps_the_file_timed(tmp_path):
    # one record at 09:30: the midnights are real times, all three go to the hourly table
    text = "接警单编号,报警时间,报警类别\nA,2023-01-21 00:00:00,刑事\nB,2023-01-21 00:00:00,治安\n" \
           "C,2023-01-22 09:30:00,刑事\n"
    for b in _both(tmp_path, "mixed.csv", text):
        assert b.hourly.groupby("hour")["count"].sum().to_dict() == {0: 2, 9: 1}
        assert b.ledger["hour_unknown"] == 0


@pytest.mark.parametrize("header,rows", [
    ("报警日期,报警时间", ["上午12:10", "上午07:59", "下午12:30", "上午08:00"]),
    ("Date,Time", ["12:10 AM", "07:59 AM", "12:30 PM", "08:00 AM"]),
])
def test_twelve_on_a_twelve_hour_clock(tmp_path, header, rows):
    text = header + "\n" + "".join(f"2023-01-22,{r}\n" for r in rows)
    for b in _both(tmp_path, "clock.csv", text, schema={"day_start": "08:00"}):
        # by hand: 上午12:10 = 00:10 and 上午07:59 = 07:59 fall before the 08:00 boundary (the 21st);
        # 下午12:30 = 12:30 and 上午08:00 = 08:00 are on the 22nd
        by_day = b.daily.groupby(b.daily["date"].dt.strftime("%Y-%m-%d"))["count"].sum().to_dict()
        assert by_day == {"2023-01-21": 2, "2023-01-22": 2}
        hours = b.hourly.groupby("hour")["count"].sum().to_dict()
        assert hours == {0: 1, 7: 1, 8: 1, 12: 1}
        first = b.hourly[b.hourly["hour"] == 0]
        assert first["date"].tolist() == [pd.Timestamp("2023-01-21")]


def test_parse_clock_twelve_o_clock_markers():
    from stats_lib.clean.dates import parse_clock

    got = parse_clock(pd.Series(["上午12:10", "凌晨12:05", "中午12:00", "下午12:30", "12:10 AM", "12:10 PM"]))
    # minutes after midnight by hand: 0*60+10, 0*60+5, 12*60, 12*60+30, 10, 12*60+10
    assert got.tolist() == [10, 5, 720, 750, 10, 730]


def _days(b) -> dict:
    return b.daily.groupby(b.daily["date"].dt.strftime("%Y-%m-%d"))["count"].sum().to_dict()


@pytest.mark.parametrize("header", ["接警单编号,报警时间,报警类别", "Incident ID,Date,Category"])
def test_one_cell_twelve_hour_forms(tmp_path, header):
    text = f"{header}\nA,2023/1/21 下午 3:15,刑事\nB,2023-01-22 上午12:10,治安\nC,2023-01-22 12:10 AM,刑事\n"
    for b in _both(tmp_path, "ampm.csv", text):
        assert b.ledger["rows_kept"] == 3 and not b.ledger["rejected_by_reason"]
        # by hand: 下午3:15 = 15:15 on the 21st; 上午12:10 and 12:10 AM = 00:10 on the 22nd
        assert _days(b) == {"2023-01-21": 1, "2023-01-22": 2}
        assert b.hourly.groupby("hour")["count"].sum().to_dict() == {0: 2, 15: 1}


@pytest.mark.parametrize("rows,days,hours", [
    # 31 can only be a day: the column is day.month.yy (01.02.23 = 1 February 2023)
    (["31.01.23 08:00", "01.02.23 09:00"], {"2023-01-31": 1, "2023-02-01": 1}, {8: 1, 9: 1}),
    # 13 can only be the day in second place: the column is month.day.yy (02.01.23 = 1 February 2023)
    (["01.13.23 10:00", "02.01.23 11:00"], {"2023-01-13": 1, "2023-02-01": 1}, {10: 1, 11: 1}),
])
def test_dotted_dates_with_a_two_digit_year(tmp_path, rows, days, hours):
    text = "编号,报警时间,类别\n" + "".join(f"x{i},{r},刑事\n" for i, r in enumerate(rows))
    for b in _both(tmp_path, "dotted.csv", text):
        assert _days(b) == days
        assert b.hourly.groupby("hour")["count"].sum().to_dict() == hours


def test_roc_years_written_in_chinese(tmp_path):
    text = "编号,报警日期,类别\nr1,民國112年1月21日,刑事\nr2,112年1月22日,治安\nr3,民国112年1月22日,刑事\n"
    for b in _both(tmp_path, "roc.csv", text, schema={"calendar": "roc"}):
        # ROC year 112 = 1911 + 112 = 2023; dates only: no hours
        assert _days(b) == {"2023-01-21": 1, "2023-01-22": 2}
        assert b.ledger["hour_unknown"] == 3


def _cli(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "stats_lib.cli", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("values,roc", [(["112/01/21", "112/01/22"], True), (["1120121", "民國112年1月22日"], True),
                                        (["2023-13-45", "无"], False)])
def test_rejected_roc_dates_suggest_the_calendar(tmp_path, values, roc):
    path = tmp_path / "dates.csv"
    path.write_text("编号,报警时间,类别\n" + "".join(f"r{i},{v},刑事\n" for i, v in enumerate(values)), "utf-8")
    run = _cli("clean", path, "--out", tmp_path / "out", "--as-of", AS_OF)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and "no row kept" in lines[0]
    assert ("'calendar: roc'" in lines[0]) is roc and "'dayfirst'" in lines[0]


def test_ids_in_scientific_notation_do_not_remove_records(tmp_path):
    from stats_lib.clean import ledger_summary

    # two records (different times, different categories) whose ids Excel wrote as one number
    text = "接警单编号,报警时间,报警类别\n3.20100202301210E+19,2023-01-21 08:00:00,刑事\n" \
           "3.20100202301210E+19,2023-01-21 09:00:00,治安\n"
    xlsx_float = tmp_path / "float.xlsx"  # 20-digit ids as numbers: a double keeps about 16 digits
    pd.DataFrame({"接警单编号": [32010020230121000001.0, 32010020230121000002.0],
                  "报警时间": ["2023-01-21 08:00:00", "2023-01-21 09:00:00"],
                  "报警类别": ["刑事", "治安"]}).to_excel(xlsx_float, index=False)
    xlsx_text = tmp_path / "text.xlsx"  # the same ids pasted back as text
    pd.DataFrame({"接警单编号": ["3.20100202301210E+19"] * 2, "报警时间": ["2023-01-21 08:00:00", "2023-01-21 09:00:00"],
                  "报警类别": ["刑事", "治安"]}).to_excel(xlsx_text, index=False)
    results = _both(tmp_path, "sci.csv", text) + [load([p], as_of=AS_OF) for p in (xlsx_float, xlsx_text)]
    for b in results:
        assert b.ledger["rows_kept"] == 2 and b.ledger["duplicates_removed"] == 0
        assert b.hourly.groupby("hour")["count"].sum().to_dict() == {8: 1, 9: 1}
        assert b.ledger["files"][0]["ids_unusable"] == 2
        assert any("scientific notation" in n for n in b.ledger["files"][0]["notes"])
        assert "科学计数法" in ledger_summary(b.ledger) and "scientific notation" in ledger_summary(b.ledger, "en")


def test_long_ids_written_in_full_still_remove_duplicates(tmp_path):
    # the same 20-digit id twice, written in full: a duplicate (1 removed), no note
    text = "接警单编号,报警时间,报警类别\n32010020230121000001,2023-01-21 08:00:00,刑事\n" \
           "32010020230121000001,2023-01-21 09:00:00,治安\n32010020230121000002,2023-01-21 10:00:00,刑事\n"
    for b in _both(tmp_path, "full.csv", text):
        assert b.ledger["rows_kept"] == 2 and b.ledger["duplicates_removed"] == 1  # 3 read, 1 a duplicate
        assert "ids_unusable" not in b.ledger["files"][0]
        assert "科学计数法" not in ledger_summary_of(b)


def ledger_summary_of(b) -> str:
    from stats_lib.clean import ledger_summary

    return ledger_summary(b.ledger)


def test_an_id_number_read_from_an_excel_number_is_still_personal():
    from stats_lib.ingest.privacy import has_personal

    # 110105 19491231 000 as a double: the reader writes 1.1010519491231e+17 (region 110105, born 1949-12-31)
    assert has_personal("1.1010519491231e+17") and has_personal("110105194912310000")
    # a 20-digit record id (e+19) and Excel's short display keep no birth date: not personal
    assert not has_personal("3.2010020230121e+19") and not has_personal("1.10105E+17")


def test_times_with_a_zone_word_are_converted_to_local_time(tmp_path):
    """BigQuery writes '2023-01-21 00:30:00 UTC': 00:30 UTC is 08:30 in Asia/Shanghai, 20:00 GMT the next day's
    04:00 (they were all rejected, and the date_format the error suggested kept them 8 hours off)."""
    from stats_lib.clean import load

    path = tmp_path / "bq.csv"
    path.write_text("报警时间,报警类别\n2023-01-21 00:30:00 UTC,纠纷\n2023-01-21 20:00:00 GMT,纠纷\n"
                    "2023-01-21 09:00:00 UTC+8,纠纷\n", "utf-8")
    c = load([path], as_of="2024-12-31")
    assert c.ledger["rows_kept"] == 3
    hours = c.hourly.groupby(["date", "hour"])["count"].sum()
    assert hours.to_dict() == {(pd.Timestamp("2023-01-21"), 8): 1, (pd.Timestamp("2023-01-21"), 9): 1,
                               (pd.Timestamp("2023-01-22"), 4): 1}


def test_24_00_is_the_next_days_midnight(tmp_path):
    """Duty logs write the last minute of a day as 24:00: it is the next day's 00:00 (it was rejected as bad_date);
    24:30 is not a time."""
    path = tmp_path / "h24.csv"
    path.write_text("报警时间,报警类别\n2023-01-21 24:00,纠纷\n2023-12-31 24:00:00,纠纷\n2023-01-21 24:30,纠纷\n"
                    "2023-01-21 08:00,纠纷\n", "utf-8")
    c = load([path], as_of="2024-12-31", allow_empty=True)
    hours = c.hourly.groupby(["date", "hour"])["count"].sum().to_dict()
    assert hours == {(pd.Timestamp("2023-01-21"), 8): 1, (pd.Timestamp("2023-01-22"), 0): 1,
                     (pd.Timestamp("2024-01-01"), 0): 1}
    assert c.ledger["rejected_by_reason"] == {"bad_date": 1}
