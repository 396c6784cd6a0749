"""Snapshot tests of stats_lib.narrative: the expected sentences are written by hand from known counts."""

from __future__ import annotations

import pandas as pd
import pytest

from stats_lib.report.narrative import (
    category_sentences,
    fmt_count,
    headline,
    paragraph,
)
from stats_lib.report.sentences import anomaly_sentences, zero_sentence
from stats_lib.stats.compare import Comparison, compare
from stats_lib.windows import Baseline, Window


def daily_from(spec: dict[str, list[tuple[str, int]]], kind: str = "警情") -> pd.DataFrame:
    """spec: category -> [(date, count), ...]."""
    rows = [(d, kind, cat, "", "东城区", n) for cat, items in spec.items() for d, n in items]
    df = pd.DataFrame(rows, columns=["date", "kind", "category", "subcategory", "district", "count"])
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    return df


def split(first: str, last: str, n: int) -> list[tuple[str, int]]:
    """n incidents, all but 100 on the first day and 100 on the last (so the data spans the window)."""
    return [(first, n - 100), (last, 100)] if n > 200 else [(first, n)]


CUR = ("2023-01-21", "2023-02-05")
BASE = ("2022-01-31", "2022-02-15")
COUNTS = {"刑事": (1234, 1197), "治安": (2345, 2560), "交通": (1987, 1787), "火灾": (213, 4),
          "纠纷": (0, 3), "无效": (3000, 3100)}


@pytest.fixture(scope="module")
def festival():
    spec = {cat: [x for x in split(*CUR, a) + split(*BASE, b) if x[1] > 0] for cat, (a, b) in COUNTS.items()}
    daily = daily_from(spec)
    w = Window(*CUR, name="春节以来", slug="since-spring-festival", name_en="Since Spring Festival")
    b = Baseline("lunar", (Window(*BASE),))
    return compare(daily, w, b, by="category", history=False)


def test_fmt_count():
    assert fmt_count(12345) == "12,345"
    assert fmt_count(4, mask_below=5) == "*"
    assert fmt_count(5, mask_below=5) == "5"
    assert fmt_count(1234.56) == "1,234.6"
    assert fmt_count(float("nan")) == "—"  # one home (report.words): a missing count reads as a dash


def test_paragraph_zh(festival):
    # 通报 style: the overall line (valid and invalid apart), the largest category, the significant movers
    # (rises then falls, the largest change of the daily rate first: 火灾 +209 over 16 days before 交通 +200),
    # then the rest in one clause. 治安, 交通 and 火灾 are the rows the table marks significant.
    sig = festival.rows.set_index("category")["significant"]
    assert sorted(sig[sig].index) == ["交通", "治安", "火灾"]
    expected = (
        "2023年1月21日至2月5日（春节以来），全市共接报警情8,779起，日均548.7起，同比上升1.5%（去年农历同期8,651起），"
        "变化不显著。其中有效警情5,779起，占65.8%；无效警情3,000起，同比下降3.2%，变化不显著。"
        "从类别看，治安警情最多（2,345起）。"
        "变化显著的有：火灾警情213起，同比由4起增至213起；交通警情1,987起，同比上升11.2%；治安警情2,345起，同比下降8.4%。"
        # 刑事 1,234 against 1,197 is not significant; 3 -> 0 is too few to tell (the test cannot see a 20% change)
        "其余类别中，纠纷警情样本量小，尚不能判断，其他变化不显著。"
    )
    assert paragraph(festival) == expected


def test_paragraph_en(festival):
    expected = (
        "Since Spring Festival (21 Jan to 5 Feb 2023), the city received 8,779 incidents, 548.7 a day, up 1.5% on "
        "the same lunar period last year (8,651), not significant. Valid calls: 5,779 (65.8%); invalid calls: "
        "3,000, down 3.2%, not significant. By category, the most were public order incidents (2,345). "
        "Significant changes: fire incidents 213, up from 4 to 213; traffic incidents 1,987, up 11.2%; "
        "public order incidents 2,345, down 8.4%. Of the other categories, disputes: too few to tell; the rest "
        "show no significant change."
    )
    assert paragraph(festival, lang="en") == expected


def test_masking(festival):
    text = category_sentences(festival, mask_below=250)
    # 火灾 213 (baseline 4) and 纠纷 0 (3) are hidden: no mover, no count, no change, named as not compared
    assert text.endswith("其余类别变化不显著；火灾警情、纠纷警情数字以“*”表示，不作比较。")
    assert "213" not in text and "由4起" not in text and "由3起" not in text
    assert "变化显著的有：交通警情1,987起，同比上升11.2%；治安警情2,345起，同比下降8.4%。" in text


def simple(cur: int, base: int, mode: str = "calendar", extra: tuple[int, ...] = ()) -> object:
    w = Window("2023-03-01", "2023-03-07")
    if mode == "previous":
        bw = (Window("2023-02-22", "2023-02-28"),)
    else:
        bw = tuple(Window(f"{y}-03-01", f"{y}-03-07") for y in range(2022, 2022 - 1 - len(extra), -1))
    counts = (base, *extra)
    spec = {"刑事": [("2023-03-01", cur - 1), ("2023-03-07", 1)] + [(str(x.start), n) for x, n in zip(bw, counts)]}
    daily = daily_from(spec)  # spans the earliest baseline day to the current window's last day
    return compare(daily, w, Baseline(mode, bw), history=False)


def test_headline_significant_fall():
    c = simple(700, 800)
    assert headline(c) == ("2023年3月1日至3月7日，全市共接报警情700起，日均100.0起，同比下降12.5%（去年同期800起），"
                           "降幅具有统计学意义。")
    assert headline(c, lang="en") == ("From 1 Mar to 7 Mar 2023, the city received 700 incidents, 100.0 a day, "
                                      "down 12.5% on the same period last year (800), a significant fall.")


def test_headline_previous_period():
    c = simple(700, 800, mode="previous")
    assert headline(c) == ("2023年3月1日至3月7日，全市共接报警情700起，日均100.0起，环比下降12.5%（上一周期800起），"
                           "降幅具有统计学意义。")
    assert "down 12.5% on the previous period (800)" in headline(c, lang="en")


def test_headline_avg3():
    c = simple(700, 800, mode="avg3", extra=(790, 815))
    # mean 801.67: -12.7%; exact test 700 of 3,105 with p0 = 1/4 -> p ~ 0.001
    # avgN is not 同比: 较近3年同期均值
    assert headline(c) == ("2023年3月1日至3月7日，全市共接报警情700起，日均100.0起，较近3年同期均值（801.7起）下降12.7%，"
                           "降幅具有统计学意义。")


def test_headline_flat_and_small():
    assert headline(simple(500, 500)) == "2023年3月1日至3月7日，全市共接报警情500起，日均71.4起，同比持平（去年同期500起）。"
    assert headline(simple(500, 500), lang="en").endswith("level with the same period last year (500).")
    assert headline(simple(3, 1)) == ("2023年3月1日至3月7日，全市共接报警情3起，日均0.4起，同比由1起增至3起，"
                                      "样本量小，尚不能判断。")
    assert headline(simple(3, 1), lang="en").endswith(", up from 1 to 3 on the same period last year, "
                                                      "too few to tell.")
    assert headline(simple(3, 1), mask_below=5) == "2023年3月1日至3月7日，全市共接报警情*起，日均*起。"


def test_anomaly_and_zero_sentences():
    flags = pd.DataFrame({"date": pd.to_datetime(["2023-01-28"]), "group": ["交通"], "observed": [183],
                          "expected": [96.4], "lower": [70.0], "upper": [121.0], "flag": ["high"]})
    assert anomaly_sentences(flags) == ["1月28日交通警情183起，高于预期上限（预期96起，上限121起）。"]
    assert anomaly_sentences(flags, lang="en") == [
        "28 Jan: 183 traffic incidents, above the expected upper limit (expected 96, limit 121)."]
    zero = pd.DataFrame({"category": ["刑事", "刑事", "火灾"], "district": ["临河县", "江北县", "东城区"]})
    assert zero_sentence(zero) == "临河县、江北县刑事警情零发案；东城区火灾警情零发案。"
    assert zero_sentence(zero, lang="en") == "No criminal incidents in 临河县, 江北县; no fire incidents in 东城区."
    assert zero_sentence(zero.iloc[0:0]) == ""


def test_place_follows_the_district_filter():
    spec = {"刑事": [("2022-03-01", 10), ("2023-03-01", 12), ("2023-03-07", 0)]}
    daily = daily_from(spec)
    other = daily.assign(district="西城区", count=50)
    both = pd.concat([daily, other], ignore_index=True)
    w = Window("2023-03-01", "2023-03-07")
    b = Baseline("calendar", (Window("2022-03-01", "2022-03-07"),))
    c = compare(both, w, b, districts=["东城区"], history=False)
    assert headline(c) == ("2023年3月1日至3月7日，东城区共接报警情12起，日均1.7起，同比上升20.0%（去年同期10起），"
                           "样本量小，尚不能判断。")
    assert headline(c, lang="en").startswith("From 1 Mar to 7 Mar 2023, 东城区 received 12 incidents")


def test_one_verdict_when_no_change_is_significant():
    # 1,010 vs 1,000, 505 vs 500 and 220 vs 200: none is significant (exact test p well above 0.05).
    counts = {"刑事": (1010, 1000), "治安": (505, 500), "交通": (220, 200)}
    spec = {cat: split(*CUR, a) + split(*BASE, b) for cat, (a, b) in counts.items()}
    w = Window(*CUR)
    cmp = compare(daily_from(spec), w, Baseline("lunar", (Window(*BASE),)), by="category", history=False)
    # no mover: no category is listed with its numbers, one verdict for them all
    assert category_sentences(cmp) == ("从类别看，刑事警情最多（1,010起）。"
                                       # 220 against 200: power to see a 20% change is about 46% (z = log 1.2 /
                                       # sqrt(1/220 + 1/200) = 1.87 against 1.96): too few to tell
                                       "各类别中，交通警情样本量小，尚不能判断，其他变化均不显著。")
    assert category_sentences(cmp, lang="en") == (
        "By category, the most were criminal incidents (1,010). Of all categories, traffic incidents: too few to "
        "tell; the rest show no significant change.")


def _row(cat: str, cur: float, base: float, significant: bool, powered: bool = True, days: int = 10) -> dict:
    """One comparison row written by hand (equal windows of ``days``); the verdict columns as given."""
    pct = float("nan") if min(cur, base) < 5 else (cur / base - 1) * 100
    direction = "up" if cur > base else "down" if cur < base else "flat"
    return {"group": cat, "category": cat, "current": cur, "baseline": base, "current_days": days,
            "baseline_days": days, "current_daily_mean": cur / days, "baseline_daily_mean": base / days,
            "baseline_scaled": base, "change": cur - base, "pct_change": pct, "significant": significant,
            "direction": direction, "powered": powered}


def test_tongbao_order_by_hand():
    # Hand-built comparison: 盗窃 300 vs 200 and 交通 150 vs 100 rise, 诈骗 300 vs 400 falls, all three marked
    # significant (as the table's ▲/▼ 显著 would); 纠纷 and 求助 are not; 火灾 3 vs 2 is too few to tell;
    # 其他 is zero in both (left out); 无效 is written apart and out of the ranking, where 盗窃 and 诈骗 tie.
    rows = [_row("盗窃", 300, 200, True), _row("诈骗", 300, 400, True), _row("交通", 150, 100, True),
            _row("纠纷", 120, 118, False), _row("火灾", 3, 2, False, powered=False), _row("求助", 100, 100, False),
            _row("其他", 0, 0, False), _row("无效", 500, 520, False)]
    cur, base = sum(r["current"] for r in rows), sum(r["baseline"] for r in rows)
    assert (cur, base) == (1473, 1440)
    total = _row("合计", cur, base, False) | {"category": ""}
    table = pd.DataFrame(rows + [total])
    w, b = Window("2023-03-01", "2023-03-10"), Baseline("calendar", (Window("2022-03-01", "2022-03-10"),))
    cmp = Comparison(window=w, baseline=b, by=("category",), test="", table=table, total=total, kinds=("警情",))
    text = paragraph(cmp)
    parts = [
        # the overall line: 1,473 / 1,440 - 1 = +2.29%; valid 973 of 1,473 = 66.06%; 500 / 520 - 1 = -3.85%
        "2023年3月1日至3月10日，全市共接报警情1,473起，日均147.3起，同比上升2.3%（去年同期1,440起），变化不显著。",
        "其中有效警情973起，占66.1%；无效警情500起，同比下降3.8%，变化不显著。",
        "从类别看，盗窃警情、诈骗警情并列第一（各300起）。",
        # rises first, the larger change of the daily rate first (盗窃 +10 a day, 交通 +5), then the fall
        "变化显著的有：盗窃警情300起，同比上升50.0%；交通警情150起，同比上升50.0%；诈骗警情300起，同比下降25.0%。",
        "其余类别中，火灾警情样本量小，尚不能判断，其他变化均不显著。",
    ]
    assert text == "".join(parts)
    # never a clause per category for the rest: their counts are not in the text
    assert "120起" not in text and "求助" not in text and "其他" not in text.replace("其他变化", "")
    en = paragraph(cmp, lang="en")
    assert en.endswith(
        "Valid calls: 973 (66.1%); invalid calls: 500, down 3.8%, not significant. By category, theft incidents "
        "and fraud incidents tie for first (300 each). Significant changes: theft incidents 300, up 50.0%; traffic "
        "incidents 150, up 50.0%; fraud incidents 300, down 25.0%. Of the other categories, fire incidents: too "
        "few to tell; the rest show no significant change.")


def test_sign_survives_rounding_and_filtered_headline_says_what_it_counts():
    # 10,003 against 10,006: -0.03% rounds to 0.0 but is a fall: 同比下降不足0.1%, never 持平 or +0.0%
    c = simple(10003, 10006)
    assert c.total["direction"] == "down"
    assert "同比下降不足0.1%（去年同期10,006起）" in headline(c)
    assert "down less than 0.1% on the same period last year" in headline(c, lang="en")
    # small counts look at both counts: 7 -> 2 is words, not "下降71.4%"
    assert "同比由7起降至2起" in headline(simple(2, 7))
    spec = {"火灾": [("2022-03-01", 20), ("2023-03-01", 17)], "刑事": [("2022-03-01", 90), ("2023-03-07", 144)]}
    w = Window("2023-03-01", "2023-03-07")
    c2 = compare(daily_from(spec), w, Baseline("calendar", (Window("2022-03-01", "2022-03-07"),)),
                 categories=["火灾"], history=False)
    assert headline(c2).startswith("2023年3月1日至3月7日，全市共接报火灾警情17起")
    assert "fire incidents" in headline(c2, lang="en") or "Fire incidents" in headline(c2, lang="en")


def test_windows_of_different_length_compare_daily_means_in_words():
    # 8 days against 3: 29 and 4 are daily means 3.6 and 1.3 -- never "由4起增至29起"
    spec = {"火灾": [("2022-09-10", 4), ("2023-09-29", 29), ("2023-10-06", 0)]}
    w = Window("2023-09-29", "2023-10-06")
    c = compare(daily_from(spec), w, Baseline("holiday", (Window("2022-09-10", "2022-09-12"),)), min_base=50,
                history=False)
    assert c.total["change"] == pytest.approx(29 - 4 * 8 / 3)
    assert "同比日均由1.3起增至3.6起" in headline(c) and "由4起增至29起" not in headline(c)


def test_headline_names_a_joined_holiday_by_both():
    # 2023-09-29..10-06 is one official run (中秋 and 国庆), whichever name asked for it; 2024's 国庆 is alone.
    def cmp_for(first: str, last: str, name: str, slug: str) -> object:
        b_first, b_last = (str(int(d[:4]) - 1) + d[4:] for d in (first, last))
        daily = daily_from({"刑事": [(first, 40), (last, 40), (b_first, 40), (b_last, 40)]})
        w = Window(first, last, name=name, slug=slug)
        return compare(daily, w, Baseline("calendar", (Window(b_first, b_last),)), history=False)

    joined = cmp_for("2023-09-29", "2023-10-06", "国庆假期", "national-day-holiday")
    assert headline(joined).startswith("2023年9月29日至10月6日（中秋国庆假期），全市共接报警情80起")
    assert headline(joined, lang="en").startswith("Mid-Autumn and National Day holiday (29 Sep to 6 Oct 2023),")
    alone = cmp_for("2024-10-01", "2024-10-07", "国庆假期", "national-day-holiday")
    assert headline(alone).startswith("2024年10月1日至10月7日（国庆假期），")
