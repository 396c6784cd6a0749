"""Comparison windows, day attributes, the calendar report and ``briefing calendar``."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from lunardate import LunarDate

from stats_lib.calendar.baselines import (
    Window,
    baseline_windows,
    day_attributes,
    reporting_window,
    resolve_period,
    resolve_window,
)
from stats_lib.calendar.overview import calendar_report, format_calendar
from stats_lib.cli import main
from stats_lib.errors import CalendarError, ParameterError
from stats_lib.windows import Baseline, ReportingWindow, last_complete_day

D = dt.date

# 春节 dates (HKO published tables) used as an independent reference for days_from_spring_festival.
SPRING_FESTIVAL = {2021: D(2021, 2, 12), 2022: D(2022, 2, 1), 2023: D(2023, 1, 22), 2024: D(2024, 2, 10)}


@pytest.fixture(autouse=True)
def _no_user_arrangements(monkeypatch):
    monkeypatch.delenv("STATS_LIB_HOLIDAYS", raising=False)


# ------------------------------------------------------------------------------------------ baselines
def test_lunar_baseline_of_the_2023_festival_is_2022_chuxi_to_lantern():
    w = resolve_window("2023-01-21", "2023-02-05")  # 除夕 to 元宵 2023
    b = baseline_windows(w, "lunar")
    assert b.mode == "lunar"
    assert [(x.start, x.end) for x in b.windows] == [(D(2022, 1, 31), D(2022, 2, 15))]  # 除夕 to 元宵 2022


def test_default_mode_is_lunar_within_chunyun_and_calendar_outside():
    b = baseline_windows(resolve_window("2023-01-21", "2023-02-05"))
    assert b.mode == "lunar" and "农历" in b.notes[0] and "春运" in b.notes[0]
    c = baseline_windows(resolve_window("2023-06-01", "2023-06-30"))
    assert c.mode == "calendar" and "公历" in c.notes[0]
    assert [(x.start, x.end) for x in c.windows] == [(D(2022, 6, 1), D(2022, 6, 30))]
    # a month that only overlaps 春运 stays calendar, with a warning
    j = baseline_windows(resolve_window("2023-01-01", "2023-01-31"))
    assert j.mode == "calendar" and any("春运" in n for n in j.notes[1:])
    assert baseline_windows(w := resolve_window("2023-01-21", "2023-02-05"), lang="en").notes[0].startswith("Baseline")
    assert w.days == 16


def test_lunar_windows_of_different_lengths_report_both():
    # 2023-01-10 is 腊月十九 and 2023-01-25 正月初四 (春节 22 Jan); lunar 2021's twelfth month had 29 days,
    # so 腊月十九 was 2022-01-21 and 正月初四 2022-02-04 (春节 1 Feb): 16 days against 15.
    b = baseline_windows(resolve_window("2023-01-10", "2023-01-25"), "lunar")
    assert (b.windows[0].start, b.windows[0].end) == (D(2022, 1, 21), D(2022, 2, 4))
    assert any("16" in n and "15" in n for n in b.notes)
    # second method: lunardate directly
    ls, le = LunarDate.from_solar_date(2023, 1, 10), LunarDate.from_solar_date(2023, 1, 25)
    assert LunarDate(ls.year - 1, ls.month, ls.day).to_solar_date() == b.windows[0].start
    assert LunarDate(le.year - 1, le.month, le.day).to_solar_date() == b.windows[0].end


def test_weekday_mode_is_364_days_back():
    w = resolve_window("2023-05-08", "2023-05-14")
    b = baseline_windows(w, "weekday")
    x = b.windows[0]
    assert (w.start - x.start).days == 364 and (w.end - x.end).days == 364
    assert x.start.weekday() == w.start.weekday() == 0  # Monday 8 May 2023 -> Monday 9 May 2022
    assert x.start == D(2022, 5, 9)


def test_calendar_mode_maps_29_february_with_a_note():
    b = baseline_windows(resolve_window("2024-02-29", "2024-03-10"), "calendar")
    assert (b.windows[0].start, b.windows[0].end) == (D(2023, 2, 28), D(2023, 3, 10))
    assert any("2月29日" in n for n in b.notes)
    assert baseline_windows(resolve_window("2024-02-29", "2024-02-29"), "calendar", lang="en").notes[1].startswith(
        "29 February")


def test_previous_mode_is_the_equal_window_just_before():
    b = baseline_windows(resolve_window("2023-02-01", "2023-02-07"), "previous")
    assert (b.windows[0].start, b.windows[0].end) == (D(2023, 1, 25), D(2023, 1, 31))
    # 1月27日0时至2月2日12时 (156 hours) -> 1月20日12时至1月27日0时
    h = baseline_windows(resolve_window("2023-01-27T00", "2023-02-02T12"), "previous").windows[0]
    assert (h.start, h.start_hour, h.end, h.end_hour) == (D(2023, 1, 20), 12, D(2023, 1, 26), 24)
    assert h.hours == 156


def test_avg3_one_window_per_previous_year_most_recent_first():
    b = baseline_windows(resolve_window("2023-06-01", "2023-06-30"), "avg3")
    assert b.mode == "avg3" and b.n == 3
    assert [(x.start, x.end) for x in b.windows] == [
        (D(2022, 6, 1), D(2022, 6, 30)), (D(2021, 6, 1), D(2021, 6, 30)), (D(2020, 6, 1), D(2020, 6, 30))]
    # within 春运 the years are aligned on the lunar calendar: 除夕 of 2022, 2021, 2020
    lunar = baseline_windows(resolve_window("2023-01-21", "2023-01-27"), "avg3")
    assert [x.start for x in lunar.windows] == [SPRING_FESTIVAL[y] - dt.timedelta(days=1) for y in (2022, 2021)] + [
        D(2020, 1, 24)]


def test_holiday_mode_uses_the_same_named_period_a_year_earlier():
    b = baseline_windows(resolve_period("春节假期", 2026), "holiday")
    assert (b.windows[0].start, b.windows[0].end) == (D(2025, 1, 28), D(2025, 2, 4))
    assert b.windows[0].slug == "spring-festival-holiday"
    assert any("9" in n and "8" in n for n in b.notes[1:])  # 9 days against 8
    ny = baseline_windows(resolve_period("元旦假期", 2023), "holiday").windows[0]
    assert (ny.start, ny.end) == (D(2022, 1, 1), D(2022, 1, 3))
    with pytest.raises(ParameterError):
        baseline_windows(resolve_window("2023-06-01", "2023-06-30"), "holiday")


@pytest.mark.parametrize("mode", ["fortnight", "avg1", "avg", "avg12"])
def test_unknown_modes_raise(mode):
    with pytest.raises(ParameterError):
        baseline_windows(resolve_window("2023-06-01", "2023-06-30"), mode)


# ------------------------------------------------------------------------------------------ day attributes
def test_day_attributes_2023_spring_festival():
    t = day_attributes("2023-01-20", "2023-02-06")
    assert list(t.columns) == ["date", "weekday", "holiday", "is_off_day", "is_makeup_workday", "lunar_month",
                               "lunar_day", "lunar_leap", "days_from_spring_festival", "festival"]
    assert t["date"].dtype == "datetime64[ns]" and t.index.equals(pd.RangeIndex(len(t)))
    by = t.set_index("date")
    off = by.loc["2023-01-21":"2023-01-27", "is_off_day"]
    assert off.all() and (by.loc["2023-01-21":"2023-01-27", "holiday"] == "春节假期").all()
    assert by.loc["2023-01-28", "is_makeup_workday"] and not by.loc["2023-01-28", "is_off_day"]
    assert not by.loc["2023-01-20", "is_off_day"]  # Friday before 除夕, a working day
    assert by.loc["2023-01-22", "weekday"] == 6  # 22 January 2023 was a Sunday
    assert by.loc["2023-02-05", "festival"] == "元宵" and by.loc["2023-01-21", "festival"] == "除夕"
    expected = [LunarDate.from_solar_date(d.year, d.month, d.day) for d in t["date"]]
    assert t["lunar_month"].tolist() == [x.month for x in expected]
    assert t["lunar_day"].tolist() == [x.day for x in expected]


def test_days_from_spring_festival_against_plain_pandas():
    t = day_attributes("2022-01-01", "2023-12-31")
    sf = pd.to_datetime(pd.Series(list(SPRING_FESTIVAL.values())))
    diffs = (t["date"].to_numpy()[:, None] - sf.to_numpy()[None, :]) / np.timedelta64(1, "D")
    nearest = diffs[np.arange(len(t)), np.abs(diffs).argmin(axis=1)]  # ties go to the earlier festival
    assert t["days_from_spring_festival"].tolist() == nearest.astype(int).tolist()
    assert t.loc[t["date"] == "2023-01-22", "days_from_spring_festival"].item() == 0


def test_day_attributes_unknown_official_year_is_na():
    t = day_attributes("2027-02-01", "2027-02-10")
    assert t["is_off_day"].isna().all() and t["is_makeup_workday"].isna().all()
    assert t.loc[t["date"] == "2027-02-06", "festival"].item() == "春节"  # published: 春节 2027 = 6 February


# ------------------------------------------------------------------------------------------ report and CLI
def test_calendar_report_2023_shape_and_values():
    r = calendar_report(2023, as_of="2023-03-01")
    assert set(r) == {"year", "periods", "workdays", "notes"} and r["year"] == 2023
    assert all(set(p) == {"slug", "name", "start", "end", "days"} for p in r["periods"])
    by = {p["slug"]: p for p in r["periods"]}
    assert (by["spring-festival-holiday"]["start"], by["spring-festival-holiday"]["end"]) == ("2023-01-21", "2023-01-27")
    for slug in ("mid-autumn-holiday", "national-day-holiday"):
        assert (by[slug]["start"], by[slug]["end"], by[slug]["days"]) == ("2023-09-29", "2023-10-06", 8)
    assert by["two-sessions"]["start"] == "2023-03-04" and by["chunyun"]["days"] == 40
    assert {"2023-01-28", "2023-01-29"} <= set(r["workdays"])
    assert any("连休" in n for n in r["notes"])


def test_calendar_report_2027_says_the_arrangement_is_missing():
    r = calendar_report(2027, as_of="2027-03-01")
    slugs = {p["slug"] for p in r["periods"]}
    assert {"chunyun", "chuxi", "spring-festival", "lantern", "since-spring-festival"} <= slugs
    assert not slugs & {"spring-festival-holiday", "national-day-holiday", "new-year-holiday"}
    assert r["workdays"] == []
    text = " ".join(r["notes"])
    assert "2027年法定节假日安排未收录" in text and "STATS_LIB_HOLIDAYS" in text and "holidays:" in text
    assert "春节2月6日" in text  # published: 春节 2027 = 6 February
    assert "STATS_LIB_HOLIDAYS" in format_calendar(r) and "STATS_LIB_HOLIDAYS" in format_calendar(r, lang="en")


def test_cli_calendar_2027_exits_0_with_the_note_and_festivals(capsys):
    assert main(["calendar", "2027"]) == 0
    out = capsys.readouterr().out
    assert "未收录" in out and "STATS_LIB_HOLIDAYS" in out
    assert "2027-02-06" in out and "除夕" in out and "元宵" in out


def test_cli_calendar_2023_json_parses(capsys):
    assert main(["calendar", "2023", "--json", "--as-of", "2023-12-31"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2023
    by = {p["slug"]: p for p in data["periods"]}
    assert by["lantern"]["start"] == "2023-02-05" and by["ytd"]["end"] == "2023-12-31"


def test_cli_bad_year_is_a_user_error(capsys):
    assert main(["calendar", "1800"]) == 2
    assert "1950-2099" in capsys.readouterr().err


def test_window_reexport_is_the_shared_type():
    from stats_lib.windows import Window as Shared

    assert Window is Shared


def test_lunar_window_running_into_a_leap_month_keeps_its_order():
    # 2023 had a leap second month (闰二月 from 2023-03-22); 2022 had none.
    b = baseline_windows(resolve_window("2023-03-10", "2023-03-25"), "lunar")
    s, e = LunarDate.from_solar_date(2023, 3, 10), LunarDate.from_solar_date(2023, 3, 25)
    assert (s.month, s.is_leap_month, e.month, e.is_leap_month) == (2, False, 2, True)
    x = b.windows[0]
    assert x.start == LunarDate(2022, 2, s.day).to_solar_date()
    # day by day the end (闰二月初四) would map to 2022's 三月初四, one day short: the baseline keeps the length
    assert LunarDate(2022, 3, e.day).to_solar_date() == x.end - dt.timedelta(days=1)
    assert x.days == 16 and any("跨闰月" in n for n in b.notes)


def test_lunar_window_across_a_leap_month_gets_a_baseline_of_the_same_length():
    # issue 13: 2023-03-20..04-25 holds all of 2023's 闰二月 (03-22..04-19); mapped day by day it collapsed
    # to 7 days (2022-03-31..04-06). Now it starts on the same lunar day and has the same 37 days.
    w = resolve_window("2023-03-20", "2023-04-25")
    s = LunarDate.from_solar_date(2023, 3, 20)
    b = baseline_windows(w, "lunar")
    x = b.windows[0]
    assert x.start == LunarDate(2022, s.month, s.day).to_solar_date() == dt.date(2022, 3, 31)
    assert x.days == w.days == 37
    assert any("2022年3月31日" in n and "37天" in n for n in b.notes)
    assert any("same length (37 days)" in n for n in b.notes_en)
    # a window clear of leap months is mapped day by day as before
    plain = baseline_windows(resolve_window("2024-03-20", "2024-03-30"), "lunar").windows[0]
    s2, e2 = LunarDate.from_solar_date(2024, 3, 20), LunarDate.from_solar_date(2024, 3, 30)
    assert plain.start == LunarDate(2023, s2.month, s2.day).to_solar_date()
    assert plain.end == LunarDate(2023, e2.month, e2.day).to_solar_date()


# ------------------------------------------------------------------------------------------ reporting window


def test_reporting_window_resolves_window_baseline_and_cutoff_as_the_parts_do():
    got = reporting_window("2023-01-21", "2023-02-05", baseline="lunar", as_of="2023-01-30", lang="en")
    window = resolve_window("2023-01-21", "2023-02-05")
    assert got == ReportingWindow(window, baseline_windows(window, "lunar", lang="en"), D(2023, 1, 30))
    assert got.cutoff == D(2023, 1, 30)  # as_of before the window's end
    assert reporting_window("2023-01-21", "2023-02-05", as_of=D(2023, 3, 1)).cutoff == D(2023, 2, 5)
    assert reporting_window(period="春节以来", as_of="2023-02-05").window == resolve_period("春节以来", as_of="2023-02-05")


def test_reporting_window_defaults_and_a_given_baseline():
    got = reporting_window("2023-01-21", "2023-02-05")
    assert got.as_of == last_complete_day() and got.baseline.mode == "lunar"  # the window lies within 春运
    given = Baseline("previous", (Window(D(2023, 1, 5), D(2023, 1, 20)),))
    assert reporting_window("2023-01-21", "2023-02-05", baseline=given).baseline is given


def test_reporting_window_raises_the_errors_of_its_parts():
    with pytest.raises(ParameterError, match="^as_of: expected a date"):
        reporting_window("2023-01-21", "2023-02-05", as_of="x")
    with pytest.raises(ParameterError, match="before start") as exc:
        reporting_window("2023-02-05", "2023-01-21")
    assert exc.value.parameter == ""
    with pytest.raises(ParameterError, match="^baseline 'yearly' is unknown") as exc:
        reporting_window("2023-01-21", "2023-02-05", baseline="yearly")
    assert exc.value.parameter == "baseline"
    with pytest.raises(CalendarError, match="^year 1899") as exc:
        reporting_window("1901-01-21", "1901-02-05", baseline="lunar", as_of="1901-03-01")
    assert exc.value.parameter == "baseline"
