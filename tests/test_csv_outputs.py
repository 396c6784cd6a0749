"""CSV outputs as Excel on Chinese Windows reads them: UTF-8 with a BOM, headers in the report language,
numbers rounded as the table prints them. Expected values from plain pandas on the cleaned sample."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from stats_lib import cli
from stats_lib.safe import csv_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "cleaned"
WINDOW = ["--start", "2023-01-21", "--end", "2023-02-05", "--baseline", "lunar", "--as-of", "2023-02-05"]
BOM = b"\xef\xbb\xbf"


def _run(*args: str) -> bytes:
    """``briefing compare`` in a child process: the bytes it writes to standard output."""
    code = "import sys; from stats_lib.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run([sys.executable, "-c", code, "compare", "--data", str(SAMPLE), *WINDOW, *args],
                          capture_output=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return proc.stdout


def _window_counts(first: str, last: str) -> pd.Series:
    d = pd.read_parquet(SAMPLE / "daily.parquet")
    d = d[(d["kind"] == "警情") & (pd.to_datetime(d["date"]) >= first) & (pd.to_datetime(d["date"]) <= last)]
    return d.groupby("category")["count"].sum()


@pytest.fixture(scope="module")
def zh_bytes() -> bytes:
    return _run("--by", "category", "--format", "csv")


def test_compare_csv_has_a_bom_and_chinese_headers(zh_bytes):
    assert zh_bytes.startswith(BOM) and not zh_bytes.startswith(BOM * 2)
    rows = list(csv.reader(io.StringIO(zh_bytes[len(BOM):].decode("utf-8"))))
    assert rows[0] == ["类别", "本期", "日均", "去年农历同期", "增减", "同比（%）", "同比说明", "占比（%）", "显著性"]
    assert rows[-1][0] == "合计"


def test_compare_csv_numbers_are_rounded_as_displayed(zh_bytes):
    # 2023-01-21..02-05 against the same lunar days of 2022 (2022-01-31..02-15), 16 days each
    cur, base = _window_counts("2023-01-21", "2023-02-05"), _window_counts("2022-01-31", "2022-02-15")
    text = zh_bytes.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text))
    assert len(frame) == len(cur) + 1
    for _, r in frame.iloc[:-1].iterrows():
        c, b = int(cur[r["类别"]]), int(base[r["类别"]])
        assert (r["本期"], r["去年农历同期"], r["增减"]) == (c, b, c - b), r["类别"]
        assert r["日均"] == round(c / 16, 1)
        assert r["同比（%）"] == pytest.approx(round((c / b - 1) * 100, 1), abs=1e-9), r["类别"]
        assert r["占比（%）"] == pytest.approx(round(c / cur.sum() * 100, 1), abs=1e-9)
    total = frame.iloc[-1]
    assert (total["本期"], total["去年农历同期"]) == (cur.sum(), base.sum())
    # no unrounded float anywhere: every number has at most one decimal
    numbers = [f for line in text.splitlines()[1:] for f in line.split(",") if not f.startswith('"')]
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d)?", f) for f in numbers), numbers[:5]


def test_compare_csv_in_english_and_through_a_text_stream():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["compare", "--data", str(SAMPLE), *WINDOW, "--by", "district", "--format", "csv",
                         "--lang", "en"]) == 0
    text = out.getvalue()
    assert text.startswith("\ufeff")  # a text stream gets the BOM as its character
    head = next(csv.reader(io.StringIO(text[1:])))
    assert head == ["District", "Current", "Per day", "Same lunar period last year", "Change", "% change",
                    "% change (as printed)", "Share (%)", "Significance"]
    assert not any("\u4e00" <= ch <= "\u9fff" for h in head for ch in h)


def test_csv_bytes_starts_with_one_bom():
    data = csv_bytes(pd.DataFrame({"类别": ["=1+1", "火灾"], "本期": [3, 4]}))
    assert data.startswith(BOM) and data.count(BOM) == 1
    assert data[len(BOM):].decode("utf-8").splitlines() == ['"类别","本期"', "\"'=1+1\",3", '"火灾",4']


def test_forecast_csv_bom_headers_and_rounding():
    argv = ["forecast", "--data", str(SAMPLE), "--start", "2024-02-09", "--end", "2024-02-10", "--as-of", "2024-01-26",
            "--by", "category", "--kind", "警情", "--levels", "80", "95", "--format", "csv", "--sims", "200"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    text = out.getvalue()
    assert text.startswith("\ufeff")
    frame = pd.read_csv(io.StringIO(text[1:]))
    assert list(frame.columns) == ["日期", "类型", "层级", "分组", "预测均值", "80%区间下限", "80%区间上限", "95%区间下限",
                                   "95%区间上限", "节日", "日历依据（calendar）"]
    assert set(frame["层级"]) == {"合计", "分类"} and (frame["类型"] == "警情").all()
    # 2024-02-09 is 除夕 and 2024-02-10 春节 (lunar calendar)
    assert dict(zip(frame.loc[frame["层级"] == "合计", "日期"], frame.loc[frame["层级"] == "合计", "节日"])) == {
        "2024-02-09": "除夕", "2024-02-10": "春节"}
    assert (frame["预测均值"] * 10).round(9).eq((frame["预测均值"] * 10).round()).all()  # one decimal at most
    for col in ("80%区间下限", "95%区间上限"):
        assert pd.api.types.is_integer_dtype(frame[col])
    assert (frame["80%区间下限"] <= frame["预测均值"]).all() and (frame["预测均值"] <= frame["80%区间上限"]).all()


def test_backtest_csv_headers_and_rounding():
    from stats_lib.report.forecast_text import backtest_csv
    from stats_lib.stats.forecast_backtest import Backtest

    summary = pd.DataFrame({"level": ["total", "total"], "method": ["model", "last_year_dates"], "n": [32, 32],
                            "mae": [12.3456, 20.0], "mape": [6.789, 11.04], "bias": [-1.234, 3.0],
                            "cover80": [81.2345, float("nan")]})
    bt = Backtest(summary, pd.DataFrame(), ())
    zh = backtest_csv(bt)
    assert list(zh.columns) == ["层级", "方法", "样本数", "平均绝对误差", "平均绝对百分比误差（%）", "平均偏差", "80%区间覆盖率（%）"]
    assert zh.iloc[0].tolist()[:7] == ["合计", "模型", 32, 12.35, 6.8, -1.23, 81.2]
    en = backtest_csv(bt, "en")
    assert list(en.columns) == ["Level", "Method", "N", "MAE", "MAPE (%)", "Bias", "80% coverage (%)"]
    assert en.iloc[1]["Method"] == "last year's dates"
    assert csv_bytes(zh).startswith(BOM)


def test_a_blank_district_is_named_unknown_in_the_csv_as_in_the_table():
    """`compare --by district --format csv` wrote the blank district as "" where the table says 未知 / Unknown."""
    from stats_lib.report.comparison_table import comparison_csv
    from stats_lib.stats.compare import compare
    from stats_lib.windows import Window

    days = pd.date_range("2023-01-01", "2023-01-14")
    daily = pd.DataFrame({"date": list(days) * 2, "kind": "警情", "category": "纠纷", "subcategory": "",
                          "district": ["东城区"] * 14 + [""] * 14, "count": 3})
    res = compare(daily, Window(dt.date(2023, 1, 8), dt.date(2023, 1, 14)), "previous", by="district")
    zh, en = comparison_csv(res, "zh"), comparison_csv(res, "en")
    assert set(zh["辖区"]) == {"东城区", "未知", "合计"} and set(en["District"]) == {"东城区", "Unknown", "Total"}
