"""Named periods and window resolution; expected dates worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

import stats_lib.calendar.periods as periods_mod
from stats_lib.calendar.baselines import resolve_window
from stats_lib.calendar.periods import PERIODS, period_title, periods, resolve_period
from stats_lib.errors import CalendarError, ParameterError
from stats_lib.windows import Window

D = dt.date

SLUGS = ["new-year-holiday", "spring-festival-holiday", "chunyun", "chuxi", "spring-festival", "lantern",
         "qingming-holiday", "labour-day-holiday", "dragon-boat-holiday", "mid-autumn-holiday",
         "national-day-holiday", "two-sessions", "since-spring-festival", "ytd", "last-7d", "last-28d",
         "this-week", "this-month", "this-quarter"]


def test_every_issue_slug_is_defined_and_names_resolve_alike():
    assert [s.slug for s in PERIODS] == SLUGS
    for spec in PERIODS:
        a = resolve_period(spec.name, year=2023, as_of="2023-03-01")
        b = resolve_period(spec.slug, year=2023, as_of="2023-03-01")
        assert (a.start, a.end, a.slug, a.name) == (b.start, b.end, spec.slug, spec.name)


def test_unknown_period_lists_the_valid_names():
    with pytest.raises(ParameterError) as err:
        resolve_period("春节前后")
    assert "春节以来" in str(err.value) and "since-spring-festival" in str(err.value)


def test_chunyun_is_40_days_around_spring_festival():
    # 春节 2023 = 22 January: 15 days before is 7 January, 24 days after is 15 February.
    w = resolve_period("春运", 2023)
    assert (w.start, w.end, w.days) == (D(2023, 1, 7), D(2023, 2, 15), 40)


def test_lunar_day_periods():
    assert resolve_period("元宵节", 2023).start == D(2023, 2, 5)
    assert resolve_period("chuxi", 2023).start == D(2023, 1, 21)
    assert resolve_period("春节", 2024).start == D(2024, 2, 10)


def test_rolling_and_open_ended_periods():
    # as_of Wednesday 1 March 2023 (春节 was 22 January)
    expected = {
        "春节以来": (D(2023, 1, 22), D(2023, 3, 1)),
        "年初至今": (D(2023, 1, 1), D(2023, 3, 1)),
        "近7天": (D(2023, 2, 23), D(2023, 3, 1)),
        "近28天": (D(2023, 2, 2), D(2023, 3, 1)),
        "本周": (D(2023, 2, 27), D(2023, 3, 1)),
        "本月": (D(2023, 3, 1), D(2023, 3, 1)),
        "本季度": (D(2023, 1, 1), D(2023, 3, 1)),
    }
    for name, (start, end) in expected.items():
        w = resolve_period(name, as_of="2023-03-01")
        assert (w.start, w.end) == (start, end), name
    assert resolve_period("this-quarter", as_of="2023-08-15").start == D(2023, 7, 1)
    with pytest.raises(ParameterError, match="before 春节"):
        resolve_period("春节以来", as_of="2023-01-10")


def test_as_of_defaults_to_today_in_shanghai(monkeypatch):
    monkeypatch.setattr(periods_mod, "today_shanghai", lambda: D(2024, 5, 20))
    assert resolve_period("近7天").start == D(2024, 5, 14)
    assert resolve_period("国庆假期").start == D(2024, 10, 1)  # fixed periods: the year of as_of
    assert resolve_period("ytd", year=2022).end == D(2022, 12, 31)  # a past year ends on 31 December
    with pytest.raises(ParameterError):
        resolve_period("ytd", year=2023, as_of="2024-01-03")


def test_two_sessions_table():
    assert (resolve_period("两会", 2020).start, resolve_period("两会", 2020).end) == (D(2020, 5, 21), D(2020, 5, 28))
    assert (resolve_period("two-sessions", 2023).start, resolve_period("two-sessions", 2023).end) == (
        D(2023, 3, 4), D(2023, 3, 13))
    with pytest.raises(CalendarError, match="two_sessions"):
        resolve_period("两会", 2018)


def test_official_period_of_an_uncovered_year_raises(monkeypatch):
    monkeypatch.delenv("STATS_LIB_HOLIDAYS", raising=False)
    with pytest.raises(CalendarError, match="STATS_LIB_HOLIDAYS"):
        resolve_period("春节假期", 2027)
    slugs = [w.slug for w in periods(2027, as_of="2027-03-01")]
    assert "spring-festival-holiday" not in slugs and {"chunyun", "chuxi", "spring-festival", "lantern"} <= set(slugs)


def test_resolve_window_dates_and_hours():
    w = resolve_window("2023-01-21", "2023-02-05")
    assert (w.start, w.end, w.days, w.whole_days) == (D(2023, 1, 21), D(2023, 2, 5), 16, True)
    # "1月27日0时至2月2日12时"
    for start, end in (("2023-01-27T00", "2023-02-02T12"), ("2023-01-27 00:00", "2023-02-02 12:00"),
                       ("2023年1月27日0时", "2023年2月2日12时")):
        h = resolve_window(start, end)
        assert (h.start, h.start_hour, h.end, h.end_hour) == (D(2023, 1, 27), 0, D(2023, 2, 2), 12)
        assert h.hours == 6 * 24 + 12
    assert resolve_window(period="国庆", year=2023).start == D(2023, 9, 29)


@pytest.mark.parametrize("kwargs", [
    {},
    {"start": "2023-01-01", "end": "2023-01-31", "period": "春运"},
    {"start": "2023-01-01"},
    {"start": "2023-01-31", "end": "2023-01-01"},
    {"start": "2023-02-30", "end": "2023-03-01"},
    {"start": "2023-01-27T08:30", "end": "2023-01-28"},
])
def test_resolve_window_errors(kwargs):
    with pytest.raises(ParameterError):
        resolve_window(**kwargs)


def test_joined_period_names_resolve_to_the_joined_dates():
    # day_attributes labels 2023-09-29..10-06 "中秋、国庆假期"; that label and its slug form resolve too.
    for name in ("中秋、国庆假期", "mid-autumn-holiday+national-day-holiday", "国庆"):
        w = resolve_period(name, 2023)
        assert (w.start, w.end) == (D(2023, 9, 29), D(2023, 10, 6))


def test_period_titles_carry_the_year_and_name_a_joined_holiday_by_both():
    # The State Council's notices on the 2023 and 2024 arrangements: 2023 春节 01-21..01-27, 中秋 and 国庆
    # 2023 one run 09-29..10-06; 2024 国庆 10-01..10-07 alone, 中秋 09-15..09-17 apart.
    spring = resolve_period("春节假期", 2023)
    assert (spring.start, spring.end) == (D(2023, 1, 21), D(2023, 1, 27))
    assert period_title(spring) == "2023年春节假期"
    assert period_title(spring, "en") == "2023 Spring Festival holiday"
    for asked in ("中秋", "国庆", "mid-autumn-holiday", "national-day-holiday"):
        joined = resolve_period(asked, 2023)
        assert (joined.start, joined.end) == (D(2023, 9, 29), D(2023, 10, 6))
        assert period_title(joined) == "2023年中秋国庆假期", asked
        assert period_title(joined, "en") == "2023 Mid-Autumn and National Day holiday", asked
        assert period_title(joined, year=False) == "中秋国庆假期"
    national = resolve_period("国庆", 2024)
    assert (national.start, national.end) == (D(2024, 10, 1), D(2024, 10, 7))
    assert period_title(national) == "2024年国庆假期"
    assert period_title(national, "en") == "2024 National Day holiday"
    mid = resolve_period("中秋", 2024)
    assert (mid.start, mid.end) == (D(2024, 9, 15), D(2024, 9, 17)) and period_title(mid) == "2024年中秋假期"
    # a period belongs to the year it ends in: 元旦 2023 ran 2022-12-31..2023-01-02
    assert period_title(resolve_period("元旦", 2023)) == "2023年元旦假期"
    # open periods end on the as-of day and keep their name; plain dates have none
    assert period_title(resolve_period("春节以来", as_of="2023-03-01")) == "春节以来"
    assert period_title(Window(D(2023, 9, 29), D(2023, 10, 6))) == ""
