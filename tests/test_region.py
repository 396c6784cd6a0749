"""The region parameter: holidays of the region's own calendar; lunar key days only where they are holidays."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import pytest
from conftest import SHARED

from stats_lib.briefing.notebook import build_all
from stats_lib.report.context import prepare

US_CASE = SHARED / "realworld" / "09_render_en_mangles_uppercase_categories"


def _sample(root, **kw):
    return prepare(data=[str(root / "data" / "sample" / "cleaned")], start="2023-01-10", end="2023-01-25",
                   as_of="2023-01-25", baseline="calendar", **kw)


def test_us_region_gets_us_holidays_and_no_lunar_section(root):
    ctx = _sample(root, region="US", lang="en")
    shaded = set(ctx.holidays.loc[ctx.holidays["holiday"] != "", "holiday"])
    assert shaded == {"Martin Luther King Jr. Day"}  # 16 Jan 2023, the third Monday of January
    assert ctx.key_days == () and ctx.nights == () and ctx.festival_days == {}
    sections = build_all(ctx)
    assert "key_days" not in [s.key for s in sections]
    hourly = next(s for s in sections if s.key == "hourly")
    assert [c.slug for c in hourly.charts] == ["hourly"]  # no 除夕/元宵 night charts
    text = "\n".join(s.text for s in sections)
    assert "Lunar New Year" not in text and "春节" not in text and "Key days" not in text
    plt.close("all")


def test_cn_region_keeps_the_chinese_calendar(root):
    ctx = _sample(root)
    shaded = set(ctx.holidays["holiday"].dropna()) - {""}
    assert "春节假期" in shaded
    assert [k[0] for k in ctx.key_days][:2] == ["除夕", "初一"]  # 21 and 22 Jan 2023
    plt.close("all")


def test_unknown_region_is_a_parameter_error(root):
    from stats_lib.errors import ParameterError

    with pytest.raises(ParameterError, match="region"):
        _sample(root, region="XX")


@pytest.mark.skipif(not US_CASE.is_dir(), reason="../shared/realworld is not present")
def test_berkeley_data_in_english_with_us_region(tmp_path):
    from stats_lib.clean import load

    cleaned = load([str(US_CASE / "input.csv")], schema=str(US_CASE / "schema.yaml"), as_of="2018-12-10")
    ctx = prepare(data=cleaned, start="2018-10-01", end="2018-11-30", baseline="previous", as_of="2018-12-10",
                  lang="en", region="US")
    shaded = set(ctx.holidays.loc[ctx.holidays["holiday"] != "", "holiday"])
    assert {"Veterans Day", "Thanksgiving Day"} <= shaded and not any("Festival" in h for h in shaded)
    sections = build_all(ctx)
    text = "\n".join(s.text for s in sections)
    # category names as written in the data, in the words and in the tables (the category table names them
    # all; the words name ASSAULT only when something about it stands out)
    tables = "\n".join(t.frame.to_string() for s in sections for t in s.tables)
    assert "aSSAULT" not in text + tables and "ASSAULT" in tables
    assert "key_days" not in [s.key for s in sections]
    plt.close("all")


def test_us_anomaly_model_expects_us_holidays_not_chinese_ones():
    """A series built here with known effects: 100 a day, half on US public holidays, nothing on Chinese
    ones. With the US attributes the expected count of Independence Day 2024 is about 50 (by construction);
    the Chinese calendar knows no 4 July and expects about 100, and expects a Chinese holiday day at 100
    although nothing happens then in this city."""
    import holidays as holidays_lib
    import numpy as np
    import pandas as pd

    from stats_lib.calendar.regions import region_day_attributes
    from stats_lib.stats.anomaly import expected_counts

    days = pd.date_range("2021-01-01", "2024-07-10", freq="D")
    us = holidays_lib.country_holidays("US", years=range(2021, 2025))
    rate = np.where([d.date() in us for d in days], 50.0, 100.0)
    series = pd.DataFrame({"合计": rate}, index=days)       # the expected counts themselves: no noise
    attrs = region_day_attributes(dt.date(2021, 1, 1), dt.date(2024, 7, 10), "US")
    assert attrs["days_from_spring_festival"].isna().all() and not attrs["is_makeup_workday"].any()
    got = expected_counts(series, "2024-07-01", "2024-07-10", attrs=attrs, tail=0.2, per="briefing")
    by_day = got.set_index("date")["expected"]
    assert abs(by_day[pd.Timestamp("2024-07-04")] - 50) < 2.5
    assert abs(by_day[pd.Timestamp("2024-07-03")] - 100) < 5
    cn = expected_counts(series, "2024-07-01", "2024-07-10", tail=0.2, per="briefing").set_index("date")["expected"]
    assert cn[pd.Timestamp("2024-07-04")] > 80      # the Chinese calendar cannot know 4 July


def test_us_anomaly_note_names_the_region_holidays(root):
    ctx = _sample(root, region="US", lang="en")
    sec = next(s for s in build_all(ctx) if s.key == "anomalies")
    note = " ".join([*sec.notes, *(t.note or "" for t in sec.tables)])
    assert "public holidays of US" in note and "Lunar" not in note and "make-up" not in note
