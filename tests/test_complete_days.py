"""Complete days only (issue 13, item 4): the default as-of is yesterday in Asia/Shanghai, and a report
whose last day is still running says so with the hour of its last record."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd

from stats_lib import briefing as b
from stats_lib.report import sections
from stats_lib.tables import Cleaned, normalise_daily, normalise_hourly


def _today() -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()


def _data_to_today(last_hour: int) -> Cleaned:
    """175 incidents a day, 7 or 8 an hour, up to today at ``last_hour`` (a morning's partial day)."""
    today = _today()
    days = pd.date_range(today - dt.timedelta(days=500), today)
    rows = []
    for d in days:
        hours = range(24) if d.date() < today else range(last_hour + 1)
        rows += [(d, hr, "警情", "刑事", "东城区", 7 + (hr % 8 == 0)) for hr in hours]
    hourly = normalise_hourly(pd.DataFrame(rows, columns=["date", "hour", "kind", "category", "district", "count"]))
    daily = hourly.groupby(["date", "kind", "category", "district"], as_index=False)["count"].sum()
    daily = normalise_daily(daily.assign(subcategory=""))
    return Cleaned(daily=daily, hourly=hourly, ledger={})


def test_default_as_of_leaves_out_the_running_day():
    data = _data_to_today(last_hour=7)
    ctx = b.prepare(data, period="last-7d", baseline="previous")
    yesterday = _today() - dt.timedelta(days=1)
    assert ctx.window.end == yesterday and ctx.cutoff == yesterday
    # 7 whole days of 175 (computed here: 7 x 24 + 3 hours at 8)
    per_day = 7 * 24 + 3
    assert int(ctx.total.total["current"]) == 7 * per_day
    assert ctx.total.total["direction"] == "flat"
    assert "不完整" not in str(sections.header(ctx))


def test_a_window_ending_today_says_the_day_is_partial_with_the_hour():
    data = _data_to_today(last_hour=7)
    ctx = b.prepare(data, start=(_today() - dt.timedelta(days=6)).isoformat(), end=_today().isoformat(),
                    as_of=_today().isoformat(), baseline="previous")
    assert sections.partial_day_hour(ctx) == 8  # last record in the 7 o'clock hour: data up to 8时
    text = str(sections.header(ctx))
    assert "8时" in text and "当日数据不完整" in text
