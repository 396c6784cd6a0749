"""Statistical days that start at 08:00 (schema ``day_start: "08:00"``): hour cuts and festival nights are
clock time on every path (CLI compare, 零发案, 除夕 night, dispersion from earlier windows).

Trial 2, A2: ``briefing compare --start 2023-01-27T00 --end 2023-01-27T12`` on 08:00 days counted 27日8-12时
plus 28日0-8时 because the CLI did not hand the ledger's day start to ``compare``.
"""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from stats_lib.report.sections_time import night_counts
from stats_lib.stats.mix import zero_districts
from stats_lib.windows import Window


def _records(seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    clock = pd.date_range("2022-12-01 00:00", "2023-02-28 23:00", freq="h")
    n = rng.poisson(2.0, len(clock))
    t = np.repeat(clock, n) + pd.to_timedelta(np.tile([7, 31], n.sum())[: n.sum()], unit="m")
    return pd.DataFrame({"报警时间": t.strftime("%Y-%m-%d %H:%M:%S"), "报警类别": "刑事", "管辖单位": "东城区"})


def _hourly(records: pd.DataFrame) -> pd.DataFrame:
    t = pd.to_datetime(records["报警时间"])
    stat_day = (t - pd.Timedelta(hours=8)).dt.normalize()
    h = pd.DataFrame({"date": stat_day, "hour": t.dt.hour, "kind": "警情", "category": records["报警类别"],
                      "district": records["管辖单位"], "count": 1})
    return h.groupby(["date", "hour", "kind", "category", "district"], as_index=False)["count"].sum()


def test_cli_compare_cuts_hours_by_clock_time_on_duty_days(tmp_path, capsys):
    from stats_lib import cli

    rec = _records()
    rec.to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "ds8.yaml").write_text('day_start: "08:00"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["clean", str(tmp_path / "in.csv"), "--schema", str(tmp_path / "ds8.yaml"), "--out", str(out),
                     "--as-of", "2023-02-28"]) == 0
    capsys.readouterr()
    assert cli.main(["compare", "--data", str(out), "--start", "2023-01-27T00", "--end", "2023-01-27T12",
                     "--baseline", "previous", "--as-of", "2023-02-28", "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)["total"]
    t = pd.to_datetime(rec["报警时间"])
    truth = int(((t >= "2023-01-27 00:00") & (t < "2023-01-27 12:00")).sum())
    before = int(((t >= "2023-01-26 12:00") & (t < "2023-01-27 00:00")).sum())
    assert (got["current"], got["baseline"]) == (truth, before)


def test_night_counts_are_clock_hours_on_duty_days():
    rec = _records()
    t = pd.to_datetime(rec["报警时间"])
    night = night_counts(_hourly(rec), dt.date(2023, 1, 21), day_start_minutes=480)
    eve = [int(((t.dt.date == dt.date(2023, 1, 21)) & (t.dt.hour == h)).sum()) for h in range(18, 24)]
    morn = [int(((t.dt.date == dt.date(2023, 1, 22)) & (t.dt.hour == h)).sum()) for h in range(7)]
    assert night.tolist() == eve + morn
    assert night.index.tolist() == [*range(18, 24), *range(7)]


def test_zero_districts_cuts_hours_by_clock_time_on_duty_days():
    # 西城区 has records only at clock 2023-01-28 03:00 (statistical day 27, hour 3): outside the clock window
    # 27日0时至12时, so 西城区 had none there; by statistical day + hour it would seem to have some.
    rec = _records()
    rec = pd.concat([rec, pd.DataFrame({"报警时间": ["2023-01-28 03:10:00"] * 4, "报警类别": "刑事",
                                         "管辖单位": "西城区"})], ignore_index=True)
    hourly = _hourly(rec)
    daily = hourly.groupby(["date", "kind", "category", "district"], as_index=False)["count"].sum()
    daily["subcategory"] = ""
    w = Window("2023-01-27", "2023-01-27", start_hour=0, end_hour=12)
    z = zero_districts(daily, w, by=None, hourly=hourly, day_start_minutes=480)
    assert z["district"].tolist() == ["西城区"]
