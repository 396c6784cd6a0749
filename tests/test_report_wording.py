"""Wording of the Chinese 通报 (trial 2, E2): no English internal message in 七、异常提示, no limits footnote
with 0个序列×0天 when nothing was tested, and 三、每日走势 says once that every day had the same count."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stats_lib import briefing as b
from stats_lib.report import sections
from stats_lib.tables import Cleaned, normalise_daily, normalise_hourly


def _flat(lang: str):
    """12 records every day from 2023-01-01 to 2023-02-05: 20 days of history before 2023-01-21."""
    days = pd.date_range("2023-01-01", "2023-02-05")
    daily = normalise_daily(pd.DataFrame({"date": days, "kind": "警情", "category": "刑事", "subcategory": "",
                                          "district": "东城区", "count": np.full(len(days), 12)}))
    hourly = normalise_hourly(daily.assign(hour=10)[["date", "hour", "kind", "category", "district", "count"]])
    cleaned = Cleaned(daily=daily, hourly=hourly, ledger={"date_min": "2023-01-01", "date_max": "2023-02-05"})
    return b.prepare(cleaned, start="2023-01-21", end="2023-02-05", baseline="previous", as_of="2023-02-05",
                     lang=lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_short_history_is_said_in_the_readers_words_and_no_empty_limits_note(lang):
    sec = sections.anomalies(_flat(lang))
    text = "".join(sec.paragraphs)
    history = int((pd.Timestamp("2023-01-21") - pd.Timestamp("2023-01-01")).days)  # 20 days before the window
    if lang == "zh":
        assert f"统计时段（1月21日起）前仅有{history}天数据，少于异常检测所需的56天，未做异常检测。" in text
        assert "anomalies:" not in text and "history" not in text
    else:
        assert f"Only {history} days of data before the period (from 21 Jan); anomaly detection needs 56" in text
    notes = "".join(sec.notes) + "".join(t.note or "" for t in sec.tables)
    assert "0个序列" not in notes and "0 series" not in notes and "上下限" not in notes


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_day_alike_is_said_once(lang):
    sec = sections.daily(_flat(lang))
    first = sec.paragraphs[0]
    # 16 days of 12 each, counted by hand: mean 12.0, every day 12
    if lang == "zh":
        assert first.startswith("日均12.0起，每天均为12起。")
        assert "并列" not in first and "最多" not in first
    else:
        assert first.startswith("12.0 a day; every day had 12.")
        assert "tied" not in first
