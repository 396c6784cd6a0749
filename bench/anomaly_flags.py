"""False flags per briefing of the anomaly section, and planted spikes found, on the sample city.

Usage::

    python bench/anomaly_flags.py [--cleaned reports/.sample-cleaned]

A "briefing" is the festival window of one year (除夕 to 元宵, 16 days) scored by category, with data up to
its last day, as ``briefing render`` does. Printed per year: the flags on the five categories with nothing
planted (治安, 求助, 举报投诉, 其他, 无效: every flag there is false), all flags, and whether the planted fire
spikes (除夕 night, 元宵 evening) were flagged. The mean of the first column is the false flags per briefing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from stats_lib.stats.anomaly import flag_anomalies
from stats_lib.tables import read_cleaned

UNPLANTED = ["治安", "求助", "举报投诉", "其他", "无效"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cleaned", default="reports/.sample-cleaned")
    ap.add_argument("--tail", type=float, default=0.2, help="expected false flags per briefing (--per briefing)")
    ap.add_argument("--per", default="briefing", choices=["briefing", "day", "series"])
    args = ap.parse_args()
    daily = read_cleaned(args.cleaned).daily
    root = Path(__file__).resolve().parents[1]
    planted = json.loads((root / "data" / "sample" / "messes.json").read_text("utf-8"))["planted"]["years"]
    false_total = 0
    print(f"{'year':>6} {'false (5 unplanted)':>20} {'all flags':>10} {'fire 除夕':>10} {'fire 元宵':>10}")
    for year in ("2022", "2023", "2024"):
        p = planted[year]
        d = daily[daily["date"] <= p["yuanxiao"]]
        f = flag_anomalies(d, p["chuxi"], p["yuanxiao"], by="category", kind="警情", tail=args.tail, per=args.per)
        false = int(f["group"].isin(UNPLANTED).sum())
        fire = set(f.loc[(f["group"] == "火灾") & (f["flag"] == "high"), "date"].dt.strftime("%Y-%m-%d"))
        chuxi = bool(fire & {p["chuxi"], p["spring_festival"]})
        false_total += false
        print(f"{year:>6} {false:>20} {len(f):>10} {str(chuxi):>10} {str(p['yuanxiao'] in fire):>10}")
    print(f"false flags per briefing on the unplanted series: {false_total / 3:.2f}")


if __name__ == "__main__":
    main()
