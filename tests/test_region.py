"""The region parameter: holidays of the region's own calendar; lunar key days only where they are holidays."""

from __future__ import annotations

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
    assert "aSSAULT" not in text and "ASSAULT" in text  # category names as written in the data
    assert "key_days" not in [s.key for s in sections]
    plt.close("all")
