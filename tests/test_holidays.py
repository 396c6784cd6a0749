"""Official holiday arrangements against the State Council notices (国务院办公厅关于部分节假日安排的通知)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from stats_lib.calendar.official import ENV_VAR, holiday_period, off_day_table, official_periods, workdays
from stats_lib.errors import CalendarError

D = dt.date


def _period(year, slug):
    return next(w for w in official_periods(year) if slug in w.slug.split("+"))


def test_2023_arrangement():
    # 国办发明电〔2022〕16号: 春节 1月21日至27日放假调休，共7天；1月28日（星期六）、1月29日（星期日）上班。
    sf = _period(2023, "spring-festival-holiday")
    assert (sf.start, sf.end, sf.days) == (D(2023, 1, 21), D(2023, 1, 27), 7)
    assert {D(2023, 1, 28), D(2023, 1, 29)} <= set(workdays(2023))
    # 中秋节、国庆节：9月29日至10月6日放假调休，共8天 — one period under both names.
    for key in ("中秋", "国庆"):
        w = holiday_period(2023, key)
        assert (w.start, w.end) == (D(2023, 9, 29), D(2023, 10, 6))
    assert holiday_period(2023, "中秋").slug == "mid-autumn-holiday"
    assert holiday_period(2023, "national-day-holiday").name == "国庆假期"
    # the whole 2023 list of make-up working days of the notice
    assert workdays(2023) == [D(2023, 1, 28), D(2023, 1, 29), D(2023, 4, 23), D(2023, 5, 6), D(2023, 6, 25),
                              D(2023, 10, 7), D(2023, 10, 8)]


def test_2025_and_2026_arrangements():
    # 2025 (国办发明电〔2024〕12号): 春节 1月28日至2月4日，共8天；1月26日（星期日）、2月8日（星期六）上班。
    sf = _period(2025, "spring-festival-holiday")
    assert (sf.start, sf.end, sf.days) == (D(2025, 1, 28), D(2025, 2, 4), 8)
    assert {D(2025, 1, 26), D(2025, 2, 8)} <= set(workdays(2025))
    # 国庆节、中秋节：10月1日至8日，共8天.
    assert (holiday_period(2025, "中秋").start, holiday_period(2025, "中秋").end) == (D(2025, 10, 1), D(2025, 10, 8))
    # 2026: 春节 2月15日至23日，共9天.
    sf26 = _period(2026, "spring-festival-holiday")
    assert (sf26.start, sf26.end, sf26.days) == (D(2026, 2, 15), D(2026, 2, 23), 9)


def test_new_year_starting_in_december_belongs_to_the_next_year():
    ny = _period(2023, "new-year-holiday")
    assert (ny.start, ny.end) == (D(2022, 12, 31), D(2023, 1, 2))
    assert all(w.slug != "new-year-holiday" or w.start.year == 2022 for w in official_periods(2022))
    assert [w for w in official_periods(2022) if w.slug == "new-year-holiday"][0].start == D(2022, 1, 1)


def test_correction_2005_12_31_was_a_working_day():
    # 国办发明电〔2005〕35号: 元旦 2006年1月1日至3日放假，共3天；2005年12月31日（星期六）上班.
    assert D(2005, 12, 31) in workdays(2005)
    ny = _period(2006, "new-year-holiday")
    assert (ny.start, ny.end) == (D(2006, 1, 1), D(2006, 1, 3))


def test_2020_national_day_and_mid_autumn_joined():
    # 国办发明电〔2019〕16号: 国庆节、中秋节 10月1日至8日放假调休，共8天.
    w = holiday_period(2020, "中秋")
    assert (w.start, w.end) == (D(2020, 10, 1), D(2020, 10, 8))


def test_uncovered_year_raises_with_the_yaml_format(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(CalendarError) as err:
        official_periods(2027)
    msg = str(err.value)
    assert "2027" in msg and ENV_VAR in msg and "holidays:" in msg and "workdays:" in msg
    with pytest.raises(CalendarError):
        workdays(2027)


def test_user_file_supplies_and_overrides_years(tmp_path, monkeypatch):
    path = tmp_path / "holidays.yaml"
    path.write_text(
        "2027:\n"
        "  source: test notice\n"
        "  holidays:\n"
        "    - {name: 元旦, start: 2027-01-01, end: 2027-01-03}\n"
        "    - {name: [中秋, 国庆], start: 2027-09-15, end: 2027-09-22}\n"
        "  workdays: [2027-09-26]\n"
        "2023:\n"
        "  holidays:\n"
        "    - {name: 春节, start: 2023-01-20, end: 2023-01-27}\n"
        "  workdays: []\n",
        encoding="utf-8",
    )
    got = official_periods(2027, arrangements=path)
    assert [(w.start, w.end) for w in got] == [(D(2027, 1, 1), D(2027, 1, 3)), (D(2027, 9, 15), D(2027, 9, 22))]
    assert workdays(2027, arrangements=path) == [D(2027, 9, 26)]
    assert holiday_period(2027, "国庆", arrangements=path).start == D(2027, 9, 15)
    # the file replaces chinesecalendar for 2023
    assert [(w.start, w.end) for w in official_periods(2023, arrangements=path)] == [(D(2023, 1, 20), D(2023, 1, 27))]
    # the environment variable works the same way
    monkeypatch.setenv(ENV_VAR, str(path))
    assert len(official_periods(2027)) == 2


def test_user_file_errors_name_the_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("2027:\n  holiday: []\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="holiday"):
        official_periods(2027, arrangements=path)
    path.write_text("2027:\n  holidays:\n    - {name: 春节, start: 2027-02-10, end: 2027-02-01}\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="before start"):
        official_periods(2027, arrangements=path)
    with pytest.raises(CalendarError, match="not found"):
        official_periods(2027, arrangements=tmp_path / "missing.yaml")


@pytest.mark.parametrize("body,match", [
    ("holidays:\n    - {name: 国庆, start: 2026-10-01, end: 2026-10-07}", "not in 2027"),   # last year's dates
    ("holidays:\n    - {name: 春节, start: 2027-02-05, end: 2027-03-12}", "at most 15"),    # 36 days
    ("holidays:\n    - {name: 春节, start: 2027-02-05, end: 2027-02-12}\n  workdays: [2027-02-07]", "inside a holiday"),
    ("holidays: []\n  workdays: [2020-01-19]", "not near 2027"),
])
def test_a_hand_typed_arrangement_that_cannot_be_is_refused(tmp_path, body, match):
    """The file is typed by hand from the State Council notice: dates outside its year, a holiday of two years and
    a make-up working day inside a holiday are typos, refused naming the entry (they were accepted)."""
    path = tmp_path / "typo.yaml"
    path.write_text(f"2027:\n  {body}\n", encoding="utf-8")
    with pytest.raises(CalendarError, match=f"2027.*{match}"):
        official_periods(2027, arrangements=path)
    # 元旦 may start on 31 December of the year before
    path.write_text("2027:\n  holidays:\n    - {name: 元旦, start: 2026-12-31, end: 2027-01-02}\n", encoding="utf-8")
    assert official_periods(2027, arrangements=path)[0].start == D(2026, 12, 31)


def test_off_day_table_is_unknown_not_guessed_for_uncovered_years(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    t = off_day_table(D(2026, 12, 30), D(2027, 1, 2))
    assert t["is_off_day"].iloc[:2].tolist() == [False, False]  # Wed 30 and Thu 31 Dec 2026
    assert t["is_off_day"].iloc[2:].isna().all()
    assert t["holiday"].iloc[2:].isna().all()
    assert t["date"].dtype == "datetime64[ns]"
    assert t["date"].tolist() == list(pd.date_range("2026-12-30", "2027-01-02"))
