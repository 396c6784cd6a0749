"""Tests of the charts (report.charts, charts_time, chart_native): slide-sized figures, labels, masking, native data."""

from __future__ import annotations

import io
import logging
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

from stats_lib.errors import InputError
from stats_lib.report import chart_base, chart_native, charts, charts_time


def _png_size(fig) -> tuple[int, int]:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)  # as stats_lib.collect.Collector saves it
    buf.seek(0)
    with Image.open(buf) as img:
        return img.size


def _texts(fig) -> list[str]:
    """Every non-empty text of the figure but the axes' ticks and axis labels (titles, legend, labels, footer)."""
    fig.savefig(io.BytesIO(), format="png")  # draws: tick labels and layout are final
    ticks = {id(t) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
    return [t.get_text().strip() for t in fig.findobj(Text) if t.get_text().strip() and id(t) not in ticks]


def _by_gid(fig, gid: str) -> list:
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid)]


@pytest.fixture
def strict(caplog):
    """Turn warnings into errors and fail on any matplotlib warning log (missing glyph, font weight)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING, logger="matplotlib"):
            yield
    assert [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")] == []


@pytest.fixture
def days() -> pd.DatetimeIndex:
    return pd.date_range("2023-01-21", "2023-02-05")


@pytest.fixture
def current(days) -> pd.Series:
    values = [801, 766, 784, 830, 804, 822, 786, 783, 764, 773, 822, 799, 803, 801, 810, 809]
    return pd.Series(values, index=days)


@pytest.fixture
def category_table() -> pd.DataFrame:
    return pd.DataFrame({
        "group": ["刑事", "交通", "火灾", "举报投诉", "合计"],
        "current": [1234, 1987, 213, 3, 3437],
        "baseline": [1000, 1787, 4, 7, 2798],
        "significant": [False, True, True, False, True],
    })


# --------------------------------------------------------------------------- every chart


def _all_charts(current, days, category_table):
    base = pd.Series(np.arange(16) + 700, index=pd.date_range("2022-01-31", periods=16))
    hours = pd.Series(np.arange(24) * 2 + 10, index=range(24))
    return {
        "daily": charts_time.daily_trend(current, [base], holidays=[("2023-01-21", "2023-01-27", "春节")]),
        "category": charts.category_bars(category_table),
        "district": charts.district_bars(category_table.rename(columns={"group": "group"})),
        "hourly": charts_time.hourly_profile(hours, hours * 0.8),
        "midnight": charts_time.hourly_profile(hours, hours * 0.8, midnight=True),
        "days": charts.holiday_days(pd.DataFrame({"day": ["除夕", "初一"], "current": [845, 611],
                                                  "baseline": [902, 640]})),
        "en": charts.category_bars(category_table, lang="en"),
    }


def test_every_chart_is_a_1920x1080_slide_without_warnings(strict, current, days, category_table):
    from matplotlib.figure import Figure

    figs = _all_charts(current, days, category_table)
    for name, fig in figs.items():
        assert isinstance(fig, Figure), name
        assert _png_size(fig) == (1920, 1080), name
        svg = io.StringIO()
        fig.savefig(svg, format="svg")
        assert "<text" not in svg.getvalue(), name  # glyphs as paths


def test_figure_size_matches_the_collector():
    from stats_lib.briefing import collect

    assert chart_base.SLIDE_SIZE_IN == collect.SLIDE_SIZE_IN and chart_base.SLIDE_DPI == collect.SLIDE_DPI
    assert (chart_base.SLIDE_SIZE_IN[0] * chart_base.SLIDE_DPI, chart_base.SLIDE_SIZE_IN[1] * chart_base.SLIDE_DPI) == (1920, 1080)


def test_sizes_are_readable_at_slide_size(current, days, category_table):
    # On a 13.333-inch slide the 16-inch figure shrinks by 13.333/16: title >= 28 pt, ticks >= 16 pt there.
    scale = 13.333 / 16
    fig = charts.category_bars(category_table)
    assert fig._suptitle.get_fontsize() * scale >= 28
    ax = fig.axes[0]
    fig.savefig(io.BytesIO(), format="png")
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        assert label.get_fontsize() * scale >= 16


def test_charts_do_not_touch_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts_time.hourly_profile(pd.Series(range(24), index=range(24)))
    assert plt.get_fignums() == before


# --------------------------------------------------------------------------- category bars


def test_category_bars_labels_changes_and_mask(category_table):
    fig = charts.category_bars(category_table, mask_below=5, source="接处警系统", note="基数小于5起时不计算百分比")
    texts = _texts(fig)
    # values and changes computed here by hand from the table
    assert "1,234" in texts and "1,000" in texts and "1,987" in texts and "1,787" in texts
    assert f"{(1234 - 1000) / 1000 * 100:+.1f}%" == "+23.4%" and "+23.4%" in texts  # not significant: no arrow
    assert "▲+11.2%" in texts  # (1987-1787)/1787 = +11.19 %, significant rise
    assert "▲+209起" in _texts(charts.category_bars(category_table))  # baseline 4 < 5: the difference, no %
    # masked: 3 (current) and 4 (baseline) are below 5; the pairs 火灾 and 举报投诉 hide their change too
    assert "3" not in texts and "4" not in texts and "7" in texts
    assert texts.count("*") == 4 and "▲+209起" not in texts
    assert "-57.1%" not in texts
    # total row left out; the ticks are the four groups
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["刑事", "交通", "火灾", "举报投诉"]
    footer = [t for t in texts if t.startswith("数据来源：")]
    assert footer and "接处警系统" in footer[0] and "注：基数小于5起时不计算百分比" in footer[0]
    assert "少于5起" in footer[0]
    heights = [p.get_height() for p in _by_gid(fig, "current")]
    assert heights == [1234, 1987, 213, 0]  # the masked 3 is a gap labelled *, never drawn to scale


def test_category_bars_uses_given_pct_change_and_english_labels():
    table = pd.DataFrame({"group": ["A", "B"], "current": [110, 90], "baseline": [100, 100],
                          "pct_change": [10.0, float("nan")], "significant": [True, False]})
    texts = _texts(charts.category_bars(table, lang="en", title="By category"))
    assert "▲+10.0%" in texts
    assert "-10" in texts  # NaN percentage → absolute change, no unit in English
    assert "Current period" in texts and "Same period last year" in texts
    assert not any("本期" in t or "起" in t for t in texts)


def test_category_bars_rejects_missing_columns():
    with pytest.raises(InputError, match="baseline"):
        charts.category_bars(pd.DataFrame({"group": ["a"], "current": [1]}))


# --------------------------------------------------------------------------- daily trend


def test_daily_trend_lines_holidays_and_anomalies(current, days):
    base = pd.Series(np.arange(16) + 700.0, index=pd.date_range("2022-01-31", periods=16))
    hol = pd.DataFrame({"date": days, "holiday": ["春节"] * 7 + [""] * 8 + ["元宵节"]})
    anomalies = pd.DataFrame({"date": ["2023-01-28"], "flag": ["high"]})
    fig = charts_time.daily_trend(current, [base], holidays=hol, anomalies=anomalies, source="测试")
    texts = _texts(fig)
    (line,) = _by_gid(fig, "current")
    assert list(line.get_ydata()) == list(current.to_numpy())
    # baseline aligned by day offset: its k-th value sits on the k-th current day
    (bline,) = _by_gid(fig, "baseline-0")
    assert list(pd.DatetimeIndex(bline.get_xdata())) == list(days)
    assert list(bline.get_ydata()) == list(np.arange(16) + 700.0)
    # 7-day trailing mean, by convolution (a second method)
    (mline,) = _by_gid(fig, "rolling")
    expected = np.convolve(current.to_numpy(float), np.ones(7) / 7, mode="valid")
    got = np.asarray(mline.get_ydata(), float)
    assert np.isnan(got[:6]).all() and np.allclose(got[6:], expected)
    # holiday bands: 春节 and 元宵节, each named once
    assert texts.count("春节") == 1 and texts.count("元宵节") == 1 and "法定节假日" in texts
    (marks,) = _by_gid(fig, "anomaly-high")
    assert marks.get_offsets().shape[0] == 1
    assert marks.get_offsets()[0][1] == 783  # the count on 28 January
    assert "异常（偏高）" in texts and "7日均值" in texts and "去年同期" in texts
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "1月21日"
    assert "801" in texts and "783" in texts  # point labels on a 16-day window


def test_daily_trend_masks_small_point_labels(days):
    cur = pd.Series([2, 8, 4, 12] * 4, index=days)
    texts = _texts(charts_time.daily_trend(cur, None, mask_below=5, rolling=None))
    assert "2" not in texts and "4" not in texts
    assert texts.count("8") == 4 and texts.count("12") == 4 and texts.count("*") >= 8


def test_daily_trend_english_and_span_list(current):
    fig = charts_time.daily_trend(current, holidays=[("2023-01-21", "2023-01-27", "Spring Festival")], lang="en")
    texts = _texts(fig)
    assert "Spring Festival" in texts and "Current period" in texts and "7-day mean" in texts
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][0] == "21 Jan"


def test_daily_trend_rejects_empty():
    with pytest.raises(InputError):
        charts_time.daily_trend(pd.Series([], dtype=float))


# --------------------------------------------------------------------------- districts, hours, days


def test_district_bars_order_highlight_mask_and_top():
    table = pd.DataFrame({"group": ["高新区", "临河县", "城关区", "江北县"], "current": [500, 2, 800, 300],
                          "baseline": [430, 0, 790, 360], "significant": [True, False, False, True]})
    fig = charts.district_bars(table, mask_below=3, top=3)
    bars = _by_gid(fig, "current")
    # largest on top (the last bar drawn is the top row); 临河县 (2) is cut by top=3
    assert [b.get_width() for b in bars] == [300, 500, 800]
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["江北县", "高新区", "城关区"]
    colours = [b.get_facecolor()[:3] for b in bars]
    from matplotlib.colors import to_rgb

    assert colours[0] == pytest.approx(to_rgb(chart_base.OKABE_ITO["blue"]))  # significant fall
    assert colours[1] == pytest.approx(to_rgb(chart_base.OKABE_ITO["vermillion"]))  # significant rise
    texts = _texts(fig)
    assert f"500（▲{(500 - 430) / 430 * 100:+.1f}%）" in texts
    assert any("另有1项未显示" in t for t in texts)


def test_district_bars_mask_hides_count_and_change():
    table = pd.DataFrame({"group": ["临河县", "城关区"], "current": [2, 800], "baseline": [9, 790]})
    texts = _texts(charts.district_bars(table, mask_below=3))
    assert "*" in texts and not any(t.startswith("2") for t in texts)


def test_hourly_profile_midnight_order_and_labels():
    hours = pd.Series(np.arange(24) * 10.0, index=range(24))
    base = pd.Series(np.full(24, 5.0), index=range(24))
    fig = charts_time.hourly_profile(hours, base, midnight=True, baseline_label="平日同时段均值", mask_below=15)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == [f"{h}时" for h in (18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6)]
    (line,) = _by_gid(fig, "current-0")
    drawn = [None if np.isnan(v) else v for v in line.get_ydata()]
    # 0 and 10 are below 15: a gap, never drawn to scale; the baseline's 5s are gaps too
    assert drawn == [None if h * 10 < 15 else h * 10.0 for h in (18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6)]
    (base_line,) = _by_gid(fig, "baseline")
    assert all(np.isnan(v) for v in base_line.get_ydata())
    texts = _texts(fig)
    assert "180" in texts and "60" in texts and "10" not in texts and texts.count("*") == 2
    assert "平日同时段均值" in texts and "零时" in texts


def test_hourly_profile_several_nights_full_day():
    hours = pd.Series(np.arange(24.0), index=range(24))
    fig = charts_time.hourly_profile({"除夕": hours, "元宵": hours * 2}, lang="en")
    assert len(_by_gid(fig, "current-0")) == 1 and len(_by_gid(fig, "current-1")) == 1
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "00:00" and ticks[-1] == "22:00" and len(ticks) == 12
    assert "除夕" in _texts(fig)


def test_holiday_days_labels():
    table = pd.DataFrame({"day": ["除夕", "元宵节"], "date": ["2023-01-21", "2023-02-05"],
                          "current": [845, 798], "baseline": [902, 715], "significant": [False, True]})
    fig = charts.holiday_days(table)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["除夕\n1月21日", "元宵节\n2月5日"]
    texts = _texts(fig)
    # the chart prints the typographic minus, as the tables do
    assert f"{(845 - 902) / 902 * 100:+.1f}%".replace("-", "\u2212") in texts  # −6.3%
    assert f"▲{(798 - 715) / 715 * 100:+.1f}%" in texts  # ▲+11.6%
    assert "去年农历同期" in texts


# --------------------------------------------------------------------------- native data


def test_native_bar_and_line():
    got = chart_native.native_bar(["刑事", "火灾"], {"本期": [1234, 3], "去年同期": [1000.0, float("nan")]}, mask_below=5)
    assert got == {"type": "bar", "categories": ["刑事", "火灾"],
                   "series": {"本期": [1234.0, None], "去年同期": [1000.0, None]}}
    days = pd.date_range("2023-01-31", periods=2)
    line = chart_native.native_line(days, {"本期": pd.Series([5, 6])})
    assert line == {"type": "line", "categories": ["1月31日", "2月1日"], "series": {"本期": [5.0, 6.0]}}
    assert chart_native.native_line(days, {"x": [1, 2]}, lang="en")["categories"] == ["31 Jan", "1 Feb"]
    with pytest.raises(InputError, match="3 values for 2 categories"):
        chart_native.native_bar(["a", "b"], {"s": [1, 2, 3]})


def test_footer_wraps_long_notes():
    note = "长" * 200
    fig = charts.category_bars(pd.DataFrame({"group": ["a"], "current": [1], "baseline": [1]}), note=note)
    (footer,) = [t for t in _texts(fig) if t.startswith("注：")]
    lines = footer.split("\n")
    assert len(lines) == math.ceil((len(note) + 2) * 2 / 150)
    assert _png_size(fig) == (1920, 1080)
