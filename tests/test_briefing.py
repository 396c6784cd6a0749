"""The briefing's section builders on a small hand-built city whose answers are known.

The city: three districts, 2021-01-01 to 2023-03-31, Poisson daily counts by category drawn with a
fixed seed, plus planted facts: traffic doubled in the 2023 Spring Festival window, a handful of fire
calls (6 now, 2 in the baseline: the small-count wording), 临河县 with criminal incidents before
but none in the window (零发案), a public-order spike on 2023-01-28. Expected values are computed in
the tests with plain pandas / scipy, never taken from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stats_lib import briefing as b
from stats_lib.briefing import notebook
from stats_lib.calendar import reporting_window
from stats_lib.report import sections
from stats_lib.tables import Cleaned, normalise_daily, normalise_hourly
from stats_lib.windows import Baseline, Window

START, END = dt.date(2023, 1, 21), dt.date(2023, 2, 5)  # 除夕 to 元宵, 16 days
B_START, B_END = dt.date(2022, 1, 31), dt.date(2022, 2, 15)  # the same lunar days of 2022
LUNAR = Baseline("lunar", (Window(B_START, B_END),), ("对比方式：农历同期",))
MINUS = "\u2212"


def _city(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", "2023-03-31", freq="D")
    rates = {("刑事", "东城区"): 6, ("刑事", "西城区"): 5, ("治安", "东城区"): 9, ("治安", "西城区"): 8,
             ("交通", "东城区"): 7, ("交通", "西城区"): 6, ("无效", "东城区"): 10, ("求助", "西城区"): 4}
    frames = []
    for (cat, dist), lam in rates.items():
        lam_day = np.full(len(days), float(lam))
        if cat == "交通":
            lam_day[(days >= pd.Timestamp(START)) & (days <= pd.Timestamp(END))] *= 2
        frames.append(pd.DataFrame({"date": days, "category": cat, "district": dist,
                                    "count": rng.poisson(lam_day)}))
    daily = pd.concat(frames, ignore_index=True)
    # planted: a public-order spike on 2023-01-28 (初七) in 东城区
    daily.loc[(daily["date"] == "2023-01-28") & (daily["category"] == "治安") & (daily["district"] == "东城区"),
              "count"] += 60
    # 临河县: criminal incidents every 10th day before 2023, none after
    lh = days[(days < "2023-01-01")][::10]
    extra = [pd.DataFrame({"date": lh, "category": "刑事", "district": "临河县", "count": 1})]
    # fire: 2 in the baseline window, 6 in the current window, 1 a month otherwise
    fire_days = list(pd.date_range("2021-01-15", "2023-03-15", freq="MS") + pd.Timedelta(days=14))
    extra.append(pd.DataFrame({"date": fire_days, "category": "火灾", "district": "东城区", "count": 1}))
    extra.append(pd.DataFrame({"date": pd.to_datetime(["2022-02-01", "2022-02-10"]), "category": "火灾",
                               "district": "西城区", "count": 1}))
    extra.append(pd.DataFrame({"date": pd.to_datetime(["2023-01-21", "2023-01-22"]), "category": "火灾",
                               "district": "西城区", "count": 3}))
    daily = pd.concat([daily, *extra], ignore_index=True)
    # fire_days inside the current window would change the planted 6: keep them out
    inside = (daily["category"] == "火灾") & (daily["district"] == "东城区") & \
        (daily["date"].between(pd.Timestamp(START), pd.Timestamp(END)) |
         daily["date"].between(pd.Timestamp(B_START), pd.Timestamp(B_END)))
    daily = daily.loc[~inside & (daily["count"] > 0)]
    daily = daily.assign(kind="警情", subcategory="")
    return normalise_daily(daily)


def _cases(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", "2023-03-31", freq="D")
    frames = [pd.DataFrame({"date": days, "kind": "案件", "category": cat, "subcategory": sub, "district": "东城区",
                            "count": rng.poisson(lam, len(days))})
              for cat, sub, lam in (("刑事案件", "盗窃", 3), ("刑事案件", "诈骗", 2), ("治安案件", "赌博", 1))]
    d = pd.concat(frames, ignore_index=True)
    return d.loc[d["count"] > 0]


def _hourly(daily: pd.DataFrame) -> pd.DataFrame:
    """Spread each daily row over hours deterministically: all of it at hour (day + len(category)) % 24."""
    d = daily.loc[daily["kind"] == "警情"]
    hour = (d["date"].dt.day + d["category"].str.len()) % 24
    return normalise_hourly(d.assign(hour=hour)[["date", "hour", "kind", "category", "district", "count"]])


LEDGER = {"rows_read": 1000, "rows_kept": 940, "rows_rejected": 40, "duplicates_removed": 20,
          "rejected_by_reason": {"bad_date": 31, "future_date": 9},
          "files": [{"file": "incidents_2023.csv", "sha256": "ab" * 32, "rows_read": 1000, "kind": "警情"}]}


@pytest.fixture(scope="module")
def daily():
    return _city()


@pytest.fixture(scope="module")
def ctx(daily):
    return b.prepare(Cleaned(daily=daily, hourly=None), start=START.isoformat(), end=END.isoformat(),
                     as_of=END.isoformat(), baseline=LUNAR)


@pytest.fixture(scope="module")
def ctx_full(daily):
    both = normalise_daily(pd.concat([daily, _cases()], ignore_index=True))
    return b.prepare(Cleaned(daily=both, hourly=_hourly(daily)), start=START.isoformat(), end=END.isoformat(),
                     as_of=END.isoformat(), baseline=LUNAR)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _sum(frame: pd.DataFrame, start: dt.date, end: dt.date, **eq) -> int:
    m = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
    for k, v in eq.items():
        m &= frame[k] == v
    return int(frame.loc[m, "count"].sum())


def _pct(a: float, c: float) -> str:
    v = round((a / c - 1) * 100, 1)
    return ("+" if v > 0 else MINUS) + f"{abs(v):.1f}%"


# ------------------------------------------------------------------------------------------ overview
def test_overview_headline_figures(ctx, daily):
    cur, base = _sum(daily, START, END), _sum(daily, B_START, B_END)
    sec = b.overview(ctx)
    assert sec.title == "一、总体情况"
    t = sec.tables[0].frame
    row = t.iloc[0]
    assert row["项目"] == "全部警情"
    assert row["本期"] == cur
    assert row["去年农历同期"] == base
    assert row["日均"] == round(cur / 16, 1)
    assert row["增减"] == ("+" if cur > base else MINUS) + f"{abs(cur - base):,}"
    assert row["同比"] == _pct(cur, base)
    valid_cur = cur - _sum(daily, START, END, category="无效")
    valid_base = base - _sum(daily, B_START, B_END, category="无效")
    assert t.iloc[1]["项目"] == "有效警情"
    assert (t.iloc[1]["本期"], t.iloc[1]["去年农历同期"]) == (valid_cur, valid_base)


def test_overview_narrative_numbers(ctx, daily):
    from stats_lib.stats.compare import compare

    cur, base = _sum(daily, START, END), _sum(daily, B_START, B_END)
    text = b.overview(ctx).paragraphs[0]
    # the numbers in the sentence: hand-computed, and equal to compare()'s on the same data
    total = compare(daily, Window(START, END), LUNAR).total
    assert int(total["current"]) == cur and int(total["baseline"]) == base
    assert f"共接报警情{cur:,}起" in text
    assert f"日均{cur / 16:,.1f}起" in text
    assert f"同比上升{(cur / base - 1) * 100:.1f}%" in text
    assert f"（去年农历同期{base:,}起）" in text


def test_total_significance_matches_scipy(ctx, daily):
    cur, base = _sum(daily, START, END), _sum(daily, B_START, B_END)
    p = stats.binomtest(cur, cur + base, 0.5).pvalue
    sig = b.overview(ctx).tables[0].frame.iloc[0]["显著性"]
    assert (sig == "▲ 显著") == (p < 0.05)


# ---------------------------------------------------------------------------------------- categories
def test_category_table(ctx, daily):
    sec = b.categories(ctx)
    assert sec.title == "二、分类警情"
    t = sec.tables[0].frame.set_index("类别")
    for cat in ("刑事", "治安", "交通", "无效", "求助"):
        assert t.loc[cat, "本期"] == _sum(daily, START, END, category=cat), cat
        assert t.loc[cat, "去年农历同期"] == _sum(daily, B_START, B_END, category=cat), cat
    cur_total = _sum(daily, START, END)
    assert t.loc["交通", "占比"] == f"{_sum(daily, START, END, category='交通') / cur_total * 100:.1f}%"
    assert t.loc["合计", "本期"] == cur_total
    # traffic doubled: unmistakably significant (scipy agrees)
    a, c = _sum(daily, START, END, category="交通"), _sum(daily, B_START, B_END, category="交通")
    assert stats.binomtest(a, a + c, 0.5).pvalue < 1e-6
    assert t.loc["交通", "显著性"] == "▲ 显著"
    # fire: 6 against 2 → no percentage, the small-count words
    assert (t.loc["火灾", "本期"], t.loc["火灾", "去年农历同期"]) == (6, 2)
    assert t.loc["火灾", "同比"] == "由2起增至6起"
    assert "小于5起时不计算百分比" in sec.tables[0].note and "校正范围为本表各行" in sec.tables[0].note
    assert sec.charts and sec.charts[0].native["categories"][:3] == ["刑事", "治安", "交通"]


def test_categories_without_case_data_say_so(ctx):
    sec = b.categories(ctx)
    assert [t.slug for t in sec.tables] == ["categories"]
    assert any("未提供案件数据" in p for p in sec.paragraphs)


def test_cases_by_offence(ctx_full):
    cases = _cases()
    sec = b.categories(ctx_full)
    assert [t.slug for t in sec.tables] == ["categories", "cases"]
    t = sec.tables[1].frame.set_index("案由")
    for sub in ("盗窃", "诈骗", "赌博"):
        assert t.loc[sub, "本期"] == _sum(cases, START, END, subcategory=sub)
        assert t.loc[sub, "去年农历同期"] == _sum(cases, B_START, B_END, subcategory=sub)
    # the overview counts cases apart
    ov = b.overview(ctx_full).tables[0].frame.set_index("项目")
    assert ov.loc["案件", "本期"] == _sum(cases, START, END)


# -------------------------------------------------------------------------------------------- daily
def test_daily_series_and_chart(ctx, daily):
    series = sections.daily_series(ctx)
    cur, bases = series.current, series.baselines
    by_day = daily.groupby("date")["count"].sum()
    assert len(cur) == 16 and len(bases) == 1 and len(bases[0]) == 16
    assert cur[pd.Timestamp("2023-01-28")] == by_day[pd.Timestamp("2023-01-28")]
    assert bases[0].iloc[0] == by_day[pd.Timestamp(B_START)]
    sec = b.daily(ctx)
    assert sec.title == "三、每日走势"
    native = sec.charts[0].native
    assert native["type"] == "line" and len(native["categories"]) == 16
    assert native["series"]["本期"] == [float(v) for v in cur]
    top = by_day[pd.Timestamp(START):pd.Timestamp(END)].idxmax()
    assert f"最多为{top.month}月{top.day}日" in sec.paragraphs[0]


def test_daily_extremes_name_tied_days(ctx):
    from stats_lib.report.sections_time import extreme_days

    days = pd.date_range(START, END)
    series = pd.Series(170, index=days)
    series[pd.Timestamp("2023-01-22")] = series[pd.Timestamp("2023-01-23")] = 161  # 初一 and 初二 tie
    series[pd.Timestamp("2023-01-28")] = 183
    assert extreme_days(series, ctx, "max") == "1月28日（初七）183起"
    assert extreme_days(series, ctx, "min") == "1月22日（春节）、1月23日（初二）并列，各161起"
    # 15 days tie at 0: the first named, then how many
    zeros = pd.Series(0, index=days)
    zeros[pd.Timestamp("2023-01-28")] = 5
    assert extreme_days(zeros, ctx, "min") == "1月21日（除夕）等15天并列，各0起"


# ------------------------------------------------------------------------------------------- hourly
def test_hourly_needs_record_level_data(ctx):
    sec = b.hourly(ctx)
    assert sec.title == "四、时段分布"
    assert not sec.charts and "逐条记录" in sec.paragraphs[0]


def test_hourly_profile_and_nights(ctx_full, daily):
    h = _hourly(daily)
    sec = b.hourly(ctx_full)
    prof = sections.hourly_profiles(ctx_full)
    cur, base = prof.current, prof.baseline
    win = h[h["date"].between(pd.Timestamp(START), pd.Timestamp(END))]
    assert cur[5] == pytest.approx(win.loc[win["hour"] == 5, "count"].sum() / 16)
    bwin = h[h["date"].between(pd.Timestamp(B_START), pd.Timestamp(B_END))]
    assert base[5] == pytest.approx(bwin.loc[bwin["hour"] == 5, "count"].sum() / 16)
    # 除夕 (2023-01-21) and 元宵 (2023-02-05) nights: 22-23 h of the day and 0-1 h of the next
    slugs = [c.slug for c in sec.charts]
    assert slugs == ["hourly", "chuxi-night", "yuanxiao-night"]  # named by content, stable across reports

    def night(day: str) -> int:
        d0, d1 = pd.Timestamp(day), pd.Timestamp(day) + pd.Timedelta(days=1)
        return int(h.loc[((h["date"] == d0) & h["hour"].isin([22, 23])) |
                         ((h["date"] == d1) & h["hour"].isin([0, 1])), "count"].sum())

    eve = next(p for p in sec.paragraphs if p.startswith("除夕夜"))
    assert f"22时至次日2时接报{night('2023-01-21'):,}起" in eve
    assert f"去年除夕同时段{night('2022-01-31'):,}起" in eve


# ---------------------------------------------------------------------------------------- districts
def test_districts(ctx, daily):
    sec = b.districts(ctx)
    assert sec.title == "五、辖区分布"
    t = sec.tables[0].frame.set_index("辖区")
    for d in ("东城区", "西城区"):
        assert t.loc[d, "本期"] == _sum(daily, START, END, district=d)
    assert "临河县" not in t.index or t.loc["临河县", "本期"] == 0
    assert any("临河县刑事警情零发案" in p for p in sec.paragraphs)
    assert sec.charts[0].slug == "districts"


# ----------------------------------------------------------------------------------------- key days
def test_key_days_against_same_lunar_days(ctx, daily):
    kd = sections.key_day_table(ctx)
    names = list(kd["name"])
    assert names == ["除夕", "初一", "初二", "初三", "初四", "初五", "初六", "初七", "元宵"]
    by_day = daily.groupby("date")["count"].sum()
    eve = kd.iloc[0]
    assert eve["date"] == dt.date(2023, 1, 21) and eve["date_before"] == dt.date(2022, 1, 31)
    assert eve["current"] == by_day[pd.Timestamp("2023-01-21")]
    assert eve["baseline"] == by_day[pd.Timestamp("2022-01-31")]
    lantern = kd.iloc[-1]
    assert lantern["date_before"] == dt.date(2022, 2, 15)
    a, c = int(eve["current"]), int(eve["baseline"])
    assert eve["p_value"] == pytest.approx(stats.binomtest(a, a + c, 0.5).pvalue)
    assert np.allclose(kd["p_adjusted"], stats.false_discovery_control(kd["p_value"].to_numpy()))
    sec = b.key_days(ctx)
    assert sec.title == "六、重点时段"
    frame = sec.tables[0].frame
    assert list(frame["时段"])[:2] == ["除夕", "初一"] and frame.iloc[-1]["时段"] == "元宵节"


def test_prepare_takes_a_resolved_reporting_window(ctx, daily):
    reporting = reporting_window(START.isoformat(), END.isoformat(), baseline=LUNAR, as_of="2023-02-10")
    got = b.prepare(Cleaned(daily=daily, hourly=None), reporting=reporting)
    assert got.reporting is reporting and (got.window, got.baseline, got.cutoff) == (ctx.window, LUNAR, END)
    assert (ctx.reporting.as_of, ctx.cutoff) == (END, END)
    assert b.overview(got).text == b.overview(ctx).text and got.narrative == ctx.narrative


# ---------------------------------------------------------------------------------------- anomalies
def test_planted_spike_is_flagged(ctx):
    sec = b.anomalies(ctx)
    assert sec.title == "七、异常提示"
    assert any(p.startswith("1月28日（初七）治安警情") and "高于预期上限" in p for p in sec.paragraphs)
    t = sec.tables[0].frame
    assert ((t["日期"] == "1月28日（初七）") & (t["类别"] == "治安警情") & (t["方向"] == "偏高")).any()
    # traffic doubled over the whole window: named among the significant categories
    assert any(p.startswith("与去年农历同期相比变化显著的类别") and "交通警情同比上升" in p for p in sec.paragraphs)


def test_short_history_says_so(daily):
    short = daily[daily["date"] >= "2022-12-20"]
    ctx = b.prepare(Cleaned(daily=short, hourly=None), start="2023-01-21", end="2023-01-25",
                    as_of="2023-01-25", baseline=Baseline("previous", (Window(dt.date(2023, 1, 16),
                                                                              dt.date(2023, 1, 20)),)))
    sec = b.anomalies(ctx)
    days = len(pd.date_range("2022-12-20", "2023-01-20"))  # the history left before the window
    assert any(f"前仅有{days}天数据，少于异常检测所需的56天，未做异常检测" in p for p in sec.paragraphs)


# --------------------------------------------------------------------------------------- data notes
def test_data_notes_ledger_and_sources(daily):
    ctx = b.prepare(Cleaned(daily=daily, hourly=None, ledger=LEDGER), start="2023-01-21", end="2023-02-05",
                    as_of="2023-02-05", baseline=LUNAR)
    sec = b.data_notes(ctx)
    assert sec.title == "八、数据说明"
    slugs = [t.slug for t in sec.tables]
    assert slugs == ["sources", "ledger"]
    src = sec.tables[0].frame
    assert src.iloc[0]["SHA-256"] == "ab" * 32 and src.iloc[0]["文件"] == "incidents_2023.csv"
    led = sec.tables[1].frame.set_index("项目")["行数"]
    assert led["读入"] == 1000 and led["保留"] == 940 and led["剔除"] == 40 and led["去除重复"] == 20
    assert led["  其中：日期无法识别"] == 31 and led["  其中：日期晚于基准日"] == 9
    text = sec.text
    assert "2022年1月31日（除夕）至2月15日（元宵节）" in text
    assert "精确条件检验" in text and "定义" in text


# ------------------------------------------------------------------------------------------ masking
def test_masking_in_tables_text_and_charts(daily):
    ctx = b.prepare(Cleaned(daily=daily, hourly=None), start="2023-01-21", end="2023-02-05", as_of="2023-02-05",
                    baseline=LUNAR, mask_below=10)
    sec = b.categories(ctx)
    t = sec.tables[0].frame.set_index("类别")
    assert t.loc["火灾", "本期"] == "*" and t.loc["火灾", "去年农历同期"] == "*"
    assert t.loc["火灾", "同比"] == "*" and t.loc["火灾", "增减"] == "*" and t.loc["火灾", "日均"] == "*"
    assert t.loc["火灾", "占比"] == "*"  # a share of the shown total would give the count away
    assert t.loc["交通", "本期"] == _sum(daily, START, END, category="交通")  # large counts shown
    assert "由2起增至6起" not in sec.text
    # the narrative leaves the masked fire count out
    para = b.overview(ctx).paragraphs[0]
    assert "火灾警情" in para and "数字以“*”表示，不作比较" in para and "6起" not in para
    # chart labels: the fire bars are labelled '*'; the native chart carries no masked count
    labels = [a.get_text() for ax in sec.charts[0].figure.axes for a in ax.texts]
    assert "*" in labels and "6" not in labels
    native = sec.charts[0].native
    i = native["categories"].index("火灾")
    assert native["series"]["本期"][i] is None and native["series"]["去年农历同期"][i] is None
    # the header says so
    assert any("小于10的数字以“*”表示" in n for n in b.header(ctx).notes)


# ------------------------------------------------------------------------------------------ English
def test_english_headings(daily):
    ctx = b.prepare(Cleaned(daily=daily, hourly=None), start="2023-01-21", end="2023-02-05", as_of="2023-02-05",
                    baseline=LUNAR, lang="en")
    titles = [s.title for s in (f(ctx) for f in b.SECTIONS) if not s.omit]  # 8. Holiday forecast is off
    assert titles == ["1. Overview", "2. Incidents by category", "3. Daily trend", "4. Time of day", "5. Districts",
                      "6. Key days", "7. Anomalies", "8. Data notes"]
    ov = b.overview(ctx)
    cols = list(ov.tables[0].frame.columns)
    assert cols[:3] == ["Item", "Current", "Per day"]
    cur = _sum(daily, START, END)
    assert f"received {cur:,} incidents" in ov.paragraphs[0]
    cats = b.categories(ctx).tables[0].frame
    assert "Traffic" in set(cats["Category"]) and "Total" in set(cats["Category"])
    head = b.header(ctx)
    assert [k for k, _ in head.fields] == ["Period", "Compared with", "Data as of", "Test"]
    assert "21 Jan 2023 (Lunar New Year's Eve) to 5 Feb 2023 (Lantern Festival)" in head.fields[0][1]
    # what the notebook shows: ASCII colons after the English field names
    shown = notebook._heading_html(head)
    # holiday shading is labelled in English (2023 春节假期 ran 01-21..01-27 by the State Council notice)
    names = ctx.holidays.set_index("date")["holiday"]
    assert names[pd.Timestamp("2023-01-22")] == "Spring Festival holiday" and names[pd.Timestamp("2023-01-28")] == ""
    assert "<b>Period</b>: " in shown and "：" not in shown
    # no Chinese characters in the English headings or table headers
    cjk = [c for f in b.SECTIONS for t in f(ctx).tables for c in t.frame.columns if any("\u4e00" <= ch <= "\u9fff"
                                                                                       for ch in str(c))]
    assert cjk == []


# -------------------------------------------------------------------------------------------- header
def test_header(ctx):
    head = b.header(ctx)
    assert head.level == 1
    assert head.title == "全市警情形势分析（2023年1月21日至2月5日）"
    fields = dict(head.fields)
    assert fields["统计时段"] == "2023年1月21日（除夕）至2月5日（元宵节），共16天。"
    assert fields["对比时段"].startswith("2022年1月31日（除夕）至2月15日（元宵节）")
    assert fields["数据截至"] == "2023年2月5日24时。"
    assert "Benjamini" in fields["检验方法"]


def test_header_title_of_a_named_period_has_its_year(daily):
    # 2023 春节假期 ran 01-21..01-27 by the State Council notice; the title says which year's it is.
    ctx = b.prepare(Cleaned(daily=daily, hourly=None), period="春节假期", year=2023, as_of="2023-03-31",
                    baseline="lunar")
    assert (ctx.window.start, ctx.window.end) == (dt.date(2023, 1, 21), dt.date(2023, 1, 27))
    assert b.header(ctx).title == "全市2023年春节假期警情形势分析"
    en = b.prepare(Cleaned(daily=daily, hourly=None), period="春节假期", year=2023, as_of="2023-03-31",
                   baseline="lunar", lang="en")
    assert b.header(en).title.startswith("Briefing on ") and ": 2023 Spring Festival holiday (21 Jan to 27 Jan 2023)" in b.header(en).title


# ------------------------------------------------------------------------------- show and collect
def test_show_registers_charts_and_tables(ctx_full, capsys):
    out = b.collector(ctx_full, None)  # registers without writing files
    b.show_all(ctx_full, out)
    titles = [(i["kind"], i["title"]) for i in out.index["items"]]
    for table in ("总体情况", "分类警情", "案件（按案由）", "辖区分布", "重点时段", "异常提示", "清洗台账"):
        assert ("table", table) in titles, table
    for chart in ("分类对比", "每日走势", "时段分布", "除夕夜时段分布", "元宵节夜时段分布", "辖区对比", "重点时段"):
        assert ("chart", chart) in titles, chart
    assert out.index["title"] == "全市警情形势分析（2023年1月21日至2月5日）"
    assert all(i["native"] for i in out.index["items"] if i["kind"] == "chart")
    # the notebook shows text as HTML and each chart as an embedded PNG (IPython's plain-text fallback here)
    printed = capsys.readouterr().out
    assert printed.count("<IPython.core.display.Image object>") == sum(k == "chart" for k, _ in titles)


def test_show_writes_slide_sized_png_and_the_table_shown(ctx, tmp_path):
    from PIL import Image

    from stats_lib.briefing.collect import Collector

    out = b.collector(ctx, tmp_path)
    sec = b.categories(ctx)
    b.show(sec, out)
    index = json.loads((tmp_path / "outputs.json").read_text("utf-8"))
    chart = next(i for i in index["items"] if i["kind"] == "chart")
    with Image.open(tmp_path / chart["png"]) as im:
        assert im.size == (1920, 1080)
    table = next(i for i in index["items"] if i["kind"] == "table")
    back = Collector.read_table(tmp_path / table["json"])
    assert list(back.columns) == list(sec.tables[0].frame.columns)
    assert back["本期"].tolist() == sec.tables[0].frame["本期"].tolist()


def test_filters_and_unknown_names(daily):
    from stats_lib.errors import ParameterError

    ctx = b.prepare(Cleaned(daily=daily, hourly=None), start="2023-01-21", end="2023-02-05", as_of="2023-02-05",
                    baseline=LUNAR, districts=["东城区"], categories="交通")
    row = b.overview(ctx).tables[0].frame.iloc[0]
    assert row["本期"] == _sum(daily, START, END, district="东城区", category="交通")
    with pytest.raises(ParameterError, match="districts"):
        b.prepare(Cleaned(daily=daily, hourly=None), start="2023-01-21", end="2023-02-05", baseline=LUNAR,
                  districts=["不存在区"])


def test_hourly_native_chart_masks_small_counts(daily):
    h = _hourly(daily)
    ctx = b.prepare(Cleaned(daily=daily, hourly=h), start="2023-01-21", end="2023-02-05", as_of="2023-02-05",
                    baseline=LUNAR, mask_below=40)
    chart = b.hourly(ctx).charts[0]
    win = h[h["date"].between(pd.Timestamp(START), pd.Timestamp(END))]
    per_hour = win.groupby("hour")["count"].sum().reindex(range(24), fill_value=0)
    shown = chart.native["series"]["本期"]
    # a mean per day is left out exactly when the count behind it (over 16 days) is below 40
    assert [v is None for v in shown] == list(per_hour < 40)
    kept = [i for i, v in enumerate(shown) if v is not None]
    assert kept and all(shown[i] == pytest.approx(per_hour[i] / 16, abs=0.005) for i in kept)


def test_window_cut_at_an_hour(daily):
    both = normalise_daily(pd.concat([daily, _cases()], ignore_index=True))
    h = _hourly(daily)
    base = Baseline("lunar", (Window(dt.date(2022, 2, 6), dt.date(2022, 2, 12), end_hour=12),))
    ctx = b.prepare(Cleaned(daily=both, hourly=h), start="2023-01-27T00", end="2023-02-02T12", as_of="2023-02-05",
                    baseline=base)
    fields = dict(b.header(ctx).fields)
    assert fields["统计时段"] == "2023年1月27日0时（初六）至2月2日12时，共6.5天。"
    assert fields["数据截至"] == "2023年2月2日12时。"
    # the total counts the hours: 27 Jan .. 1 Feb whole, 2 Feb before 12h (hourly table, by hand)
    m = h["date"].between(pd.Timestamp("2023-01-27"), pd.Timestamp("2023-02-01")) | \
        ((h["date"] == pd.Timestamp("2023-02-02")) & (h["hour"] < 12))
    assert b.overview(ctx).tables[0].frame.iloc[0]["本期"] == int(h.loc[m, "count"].sum())
    # the hourly table has no 案由: cases are shown by category, and the section says why
    sec = b.categories(ctx)
    assert [t.title for t in sec.tables] == ["分类警情", "案件（按类别）"]
    assert any("按小时截取" in p for p in sec.paragraphs)
