"""Key days and festival nights never compare with days outside the data (issue 13, item 3).

Data that start on 2025-01-01 hold 除夕 2025 but not 除夕 2024: the key-days table and the night sentences
must say 去年同期无数据 (no data last year), never a zero and never 由0起增至90起 ▲ 显著.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED

from stats_lib import briefing as b
from stats_lib.clean import load
from stats_lib.report import sections
from stats_lib.tables import Cleaned, normalise_daily, normalise_hourly

CASE = SHARED / "realworld" / "06_key_days_without_baseline_data_reported_as_significant"


def _synthetic() -> Cleaned:
    """Fire calls from 2025-01-01 to 2025-02-12: 90 on 除夕 (2025-01-28), 5 every other day, at 22 h."""
    days = pd.date_range("2025-01-01", "2025-02-12")
    counts = np.where(days == pd.Timestamp("2025-01-28"), 90, 5)
    daily = normalise_daily(pd.DataFrame({"date": days, "kind": "警情", "category": "火灾", "subcategory": "",
                                          "district": "唐镇", "count": counts}))
    hourly = normalise_hourly(daily.assign(hour=22)[["date", "hour", "kind", "category", "district", "count"]])
    ledger = {"date_min": "2025-01-01", "date_max": "2025-02-12"}
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger)


def _check(ctx, chuxi: int) -> None:
    kd = sections.key_day_table(ctx)
    row = kd.set_index("name").loc["除夕"]
    assert int(row["current"]) == chuxi  # counted independently (pandas) by whoever built the case
    assert kd["baseline"].isna().all() and kd["p_adjusted"].isna().all()  # 2024's lunar days: no data
    sec = sections.key_days(ctx)
    table = sec.tables[0].frame
    assert (table["去年农历同期"] == "去年同期无数据").all()
    assert not (table["显著性"].astype(str).str.contains("显著")).any()
    text = "".join(sec.paragraphs)
    assert "由0起" not in text and "显著的有" not in text
    hour = sections.hourly(ctx)
    nights = [p for p in hour.paragraphs if "夜（" in p]
    assert nights and all("去年同期无数据" in p and "同时段0起" not in p for p in nights)


def test_synthetic_data_starting_2025_invent_no_zero():
    ctx = b.prepare(_synthetic(), start="2025-01-28", end="2025-02-12", baseline="previous", as_of="2025-02-12")
    _check(ctx, 90)


def test_realworld_case_06_invents_no_zero():
    if not CASE.is_dir():
        pytest.skip("../shared/realworld is absent (a clone outside the workplace)")
    cleaned = load([CASE / "input.csv"], schema=CASE / "schema.yaml", as_of="2025-02-12")
    ctx = b.prepare(cleaned, start="2025-01-28", end="2025-02-12", baseline="previous", as_of="2025-02-12")
    _check(ctx, 90)
