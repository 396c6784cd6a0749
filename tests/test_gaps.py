"""Holes in the data (trial 2, A1): a run of days without any record inside date_min..date_max is no data,
never zeros. A missing yearly export made the baseline 0 and every row 「由0起增至2,891起 ▲ 显著」.
"""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from stats_lib import briefing as b
from stats_lib.errors import InputError
from stats_lib.gaps import Gap, find_gaps
from stats_lib.report import sections
from stats_lib.stats.compare import compare
from stats_lib.tables import Cleaned, coverage, normalise_daily, normalise_hourly
from stats_lib.windows import Baseline, Window

#: The ledger of the whole data (its first and last day): gaps are looked for in the whole data only.
LEDGER = {"date_min": "2021-01-01", "date_max": "2023-03-31"}


def _daily(days: pd.DatetimeIndex, counts, district: str = "东城区") -> pd.DataFrame:
    return pd.DataFrame({"date": days, "kind": "警情", "category": "刑事", "subcategory": "",
                         "district": district, "count": np.asarray(counts, dtype="int64")})


def _with_hole(mean: float = 40.0, hole=("2022-02-01", "2022-03-02"), seed: int = 1) -> pd.DataFrame:
    days = pd.date_range("2021-01-01", "2023-03-31")
    n = np.random.default_rng(seed).poisson(mean, len(days))
    d = _daily(days, n)
    d = d[(d["date"] < hole[0]) | (d["date"] > hole[1])]
    return normalise_daily(d[d["count"] > 0].reset_index(drop=True))


def test_a_missing_month_is_a_gap_and_real_zeros_of_a_small_district_are_not():
    d = _with_hole()
    # a small district: 0.3 a day, so it has many days (and runs of several days) without any incident
    days = pd.date_range("2021-01-01", "2023-03-31")
    small = np.random.default_rng(2).poisson(0.3, len(days))
    runs = pd.Series(small == 0).groupby((small != 0).cumsum()).sum()
    assert runs.max() >= 7  # long runs of real zeros exist in the small district's series
    in_file = (days < "2022-02-01") | (days > "2022-03-02")  # the missing file held both districts' records
    both = normalise_daily(pd.concat([d, _daily(days[in_file], small[in_file], "小镇").query("count > 0")],
                                     ignore_index=True))
    assert find_gaps(both) == (Gap(dt.date(2022, 2, 1), dt.date(2022, 3, 2)),)
    # the district alone (its own mean 0.3 a day): runs shorter than ln(N / 0.001) / m days are real zeros
    alone = normalise_daily(_daily(days, small, "小镇").query("count > 0"))
    need = math.log(len(days) / 0.001) / (small.sum() / len(days))
    assert runs.max() < need and find_gaps(alone) == ()


def test_short_holes_are_not_gaps():
    # 6 empty days at 40 a day: improbable, but shorter than a week (no missing file), not called a gap
    d = _with_hole(hole=("2022-02-01", "2022-02-06"))
    assert find_gaps(d) == ()


def test_a_baseline_in_a_gap_is_not_covered_and_a_covered_one_is_compared():
    d = _with_hole()
    w = Window("2023-02-10", "2023-02-20")
    gap_base = Baseline("calendar", (Window("2022-02-10", "2022-02-20"),))
    partly = Baseline("calendar", (Window("2022-01-25", "2022-02-04"),))  # 4 of 11 days in the gap
    for base in (gap_base, partly):
        with pytest.raises(InputError, match="no records 2022-02-01..2022-03-02"):
            compare(d, w, base, history=False, ledger=LEDGER)
    ok = compare(d, Window("2023-03-10", "2023-03-20"), Baseline("calendar", (Window("2022-03-10", "2022-03-20"),)),
                 history=False, ledger=LEDGER)
    dd = d.set_index("date")["count"]
    assert ok.total["baseline"] == int(dd["2022-03-10":"2022-03-20"].sum())


def test_a_small_districts_zero_baseline_stays_a_zero():
    days = pd.date_range("2022-01-01", "2023-03-31")
    big = _daily(days, np.full(len(days), 30))
    small = _daily(days[days >= "2023-01-01"][:5], [2, 1, 1, 3, 1], "小镇")  # nothing in 2022
    d = normalise_daily(pd.concat([big, small], ignore_index=True))
    c = compare(d, Window("2023-01-01", "2023-01-10"), Baseline("calendar", (Window("2022-01-01", "2022-01-10"),)),
                by="district", history=False, ledger={"date_min": "2022-01-01", "date_max": "2023-03-31"})
    row = c.table.set_index("group").loc["小镇"]
    assert (int(row["current"]), int(row["baseline"])) == (8, 0)


def test_overdispersion_leaves_gap_days_out():
    # Poisson counts (phi = 1 by construction) with a 60-day hole in the history: read as zeros, the hole
    # would make phi many times 1
    d = _with_hole(hole=("2022-09-01", "2022-10-30"))
    c = compare(d, Window("2023-03-10", "2023-03-20"), Baseline("calendar", (Window("2022-03-10", "2022-03-20"),)),
                ledger=LEDGER)
    assert c.dispersion["total"] < 1.5


def test_cli_clean_reports_the_gap_and_compare_stops(tmp_path, capsys):
    from stats_lib import cli

    rng = np.random.default_rng(4)
    rows = []
    for part, (lo, hi) in enumerate((("2021-12-01", "2022-01-20"), ("2022-03-01", "2023-02-28"))):
        days = pd.date_range(lo, hi)
        n = rng.poisson(6, len(days))
        t = np.repeat(days, n) + pd.to_timedelta(np.tile([9, 15, 21], n.sum())[: n.sum()], unit="h")
        f = tmp_path / f"part{part}.csv"
        pd.DataFrame({"报警时间": t.strftime("%Y-%m-%d %H:%M:%S"), "报警类别": "刑事", "管辖单位": "东城区"}
                     ).to_csv(f, index=False)
        rows.append(f)
    out = tmp_path / "out"
    assert cli.main(["clean", *map(str, rows), "--out", str(out), "--as-of", "2023-02-28"]) == 0
    summary = capsys.readouterr().out
    assert "2022-01-21 ~ 2022-02-28（39天）" in summary
    ledger = json.loads((out / "ledger.json").read_text("utf-8"))
    assert ledger["gaps"] == [{"start": "2022-01-21", "end": "2022-02-28", "days": 39}]
    # 2023-01-21..02-05 against the same lunar days of 2022 (2022-01-31..02-15): in the gap
    assert cli.main(["compare", "--data", str(out), "--start", "2023-01-21", "--end", "2023-02-05",
                     "--as-of", "2023-02-28"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no records 2022-01-21..2022-02-28" in err


def test_key_days_and_nights_in_a_gap_say_no_data():
    # fire calls 2024-01-01..01-20 and 2025-01-01..02-12 (除夕 2024 = 2024-02-09 is in the hole)
    days = pd.date_range("2024-01-01", "2025-02-12")
    days = days[(days <= "2024-01-20") | (days >= "2025-01-01")]
    counts = np.where(days == pd.Timestamp("2025-01-28"), 90, 5)
    daily = normalise_daily(_daily(days, counts, "唐镇").assign(category="火灾"))
    hourly = normalise_hourly(daily.assign(hour=22)[["date", "hour", "kind", "category", "district", "count"]])
    cleaned = Cleaned(daily=daily, hourly=hourly, ledger={"date_min": "2024-01-01", "date_max": "2025-02-12"})
    assert coverage(daily, cleaned.ledger).gaps == (Gap(dt.date(2024, 1, 21), dt.date(2024, 12, 31)),)
    ctx = b.prepare(cleaned, start="2025-01-28", end="2025-02-12", baseline="previous", as_of="2025-02-12")
    kd = sections.key_day_table(ctx)
    assert int(kd.set_index("name").loc["除夕", "current"]) == 90
    assert kd["baseline"].isna().all()
    table = sections.key_days(ctx).tables[0].frame
    assert (table["去年农历同期"] == "去年同期无数据").all()
    nights = [p for p in sections.hourly(ctx).paragraphs if "夜（" in p]
    assert nights and all("去年同期无数据" in p for p in nights)
