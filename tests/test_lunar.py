"""Lunar festivals and lunar dates against published tables and a second method."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from lunardate import LunarDate

from stats_lib.calendar.lunar import (
    festivals,
    lunar_attributes,
    lunar_date,
    shift_lunar_years,
    spring_festival,
)
from stats_lib.errors import CalendarError

# 春节 (lunar 1/1), 2000-2030, from the Hong Kong Observatory's published Gregorian-lunar tables
# (also the dates of the State Council holiday notices for 2004-2026).
SPRING_FESTIVAL = {
    2000: "02-05", 2001: "01-24", 2002: "02-12", 2003: "02-01", 2004: "01-22", 2005: "02-09",
    2006: "01-29", 2007: "02-18", 2008: "02-07", 2009: "01-26", 2010: "02-14", 2011: "02-03",
    2012: "01-23", 2013: "02-10", 2014: "01-31", 2015: "02-19", 2016: "02-08", 2017: "01-28",
    2018: "02-16", 2019: "02-05", 2020: "01-25", 2021: "02-12", 2022: "02-01", 2023: "01-22",
    2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13",
    2030: "02-03",
}


def _d(year: int, mmdd: str) -> dt.date:
    return dt.date.fromisoformat(f"{year}-{mmdd}")


@pytest.mark.parametrize("year", sorted(SPRING_FESTIVAL))
def test_spring_festival_matches_published_table(year):
    expected = _d(year, SPRING_FESTIVAL[year])
    f = festivals(year)
    assert f["春节"] == expected
    assert spring_festival(year) == expected
    assert f["除夕"] == expected - dt.timedelta(days=1)


def test_published_festival_dates():
    # Published dates (State Council notices / HKO): Lantern 2023, Dragon Boat and Mid-Autumn.
    assert festivals(2023)["元宵"] == dt.date(2023, 2, 5)
    assert festivals(2023)["端午"] == dt.date(2023, 6, 22)
    assert festivals(2023)["中秋"] == dt.date(2023, 9, 29)
    assert festivals(2024)["端午"] == dt.date(2024, 6, 10)
    assert festivals(2024)["中秋"] == dt.date(2024, 9, 17)
    assert festivals(2025)["端午"] == dt.date(2025, 5, 31)
    assert festivals(2025)["中秋"] == dt.date(2025, 10, 6)
    assert festivals(2020)["中秋"] == dt.date(2020, 10, 1)
    # 清明 (published solar-term dates)
    qingming = {2019: 5, 2020: 4, 2021: 4, 2022: 5, 2023: 5, 2024: 4, 2025: 4}
    for year, day in qingming.items():
        assert festivals(year)["清明"] == dt.date(year, 4, day)
    assert list(festivals(2023)) == ["除夕", "春节", "元宵", "清明", "端午", "中秋"]


def _sun_longitude(jd: float) -> float:
    """Apparent solar longitude in degrees (Meeus, Astronomical Algorithms ch. 25, low accuracy)."""
    t = (jd - 2451545.0) / 36525
    l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    m = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    c = ((1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(m)
         + (0.019993 - 0.000101 * t) * math.sin(2 * m) + 0.000289 * math.sin(3 * m))
    omega = math.radians(125.04 - 1934.136 * t)
    return (l0 + c - 0.00569 - 0.00478 * math.sin(omega)) % 360


def _qingming_beijing(year: int) -> tuple[dt.date, float]:
    """Beijing date of the moment the Sun reaches longitude 15°, and hours to the nearest midnight."""
    j2000 = dt.datetime(2000, 1, 1, 12)
    jd = 2451545.0 + (dt.datetime(year, 4, 4) - j2000).total_seconds() / 86400
    for _ in range(8):
        diff = (15 - _sun_longitude(jd) + 180) % 360 - 180
        jd += diff * 365.2422 / 360
    moment = j2000 + dt.timedelta(days=jd - 2451545.0) + dt.timedelta(hours=8)  # TT ~ UT; +8 h Beijing
    hours = moment.hour + moment.minute / 60
    return moment.date(), min(hours, 24 - hours)


def test_qingming_agrees_with_an_astronomical_computation_1950_2099():
    checked = 0
    for year in range(1950, 2100):
        day, margin = _qingming_beijing(year)
        if margin < 0.5:  # within 30 minutes of midnight: the low-accuracy formula cannot decide
            continue
        assert festivals(year)["清明"] == day, year
        checked += 1
    assert checked > 130


def test_lunar_attributes_match_lunardate_day_by_day():
    dates = pd.date_range("2019-01-01", "2024-12-31", freq="D")
    got = lunar_attributes(dates)
    expected = [LunarDate.from_solar_date(d.year, d.month, d.day) for d in dates]
    assert got["lunar_month"].tolist() == [x.month for x in expected]
    assert got["lunar_day"].tolist() == [x.day for x in expected]
    assert got["lunar_leap"].tolist() == [bool(x.is_leap_month) for x in expected]
    assert got["lunar_year"].tolist() == [x.year for x in expected]
    assert lunar_date(dt.date(2023, 3, 25)).leap  # 2023 had a leap second month (闰二月)


def test_shift_lunar_years_maps_chuxi_to_chuxi():
    # 2023-01-21 is 腊月三十 (除夕); lunar 2021's twelfth month had 29 days, 除夕 2022 was 2022-01-31.
    assert shift_lunar_years(dt.date(2023, 1, 21))[0] == dt.date(2022, 1, 31)
    assert shift_lunar_years(dt.date(2023, 2, 5))[0] == dt.date(2022, 2, 15)  # 正月十五 -> 正月十五


def test_out_of_range_years_raise_calendar_error():
    with pytest.raises(CalendarError, match="1950-2099"):
        festivals(1949)
    with pytest.raises(CalendarError):
        festivals(2100)


def test_shift_lunar_years_is_a_named_result():
    got = shift_lunar_years(dt.date(2023, 1, 21))  # 除夕 2023 -> 除夕 2022, the day before 春节 2022
    assert got.day == got[0] == LunarDate(2022, 1, 1).to_solar_date() - dt.timedelta(days=1)
    day, notes = got
    assert day == got.day and notes == got.notes == []
