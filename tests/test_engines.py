"""The DuckDB engine gives exactly what the pandas engine gives (daily, hourly, ledger, rejects).

Each test cleans the same input with both engines and compares them (the second method), and checks
counts known by construction of the input.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stats_lib.clean import engine_duckdb, load
from stats_lib.errors import InputError

AS_OF = "2024-12-31"
HEADER = ["接警单编号", "报警时间", "报警类别", "报警细类", "管辖单位", "报警人"]
# (id, time, category, subcategory, district, reason the pandas engine must give)
ROWS = [
    ("A1", "2023-01-22 08:15:00", "刑事类警情", "盗窃", "东城区", ""),
    ("A1", "2023-01-23 09:00:00", "治安类警情", "斗殴", "西城区", ""),        # duplicate id: removed
    (" A2 ", "2023/1/22 8:15", "刑事類警情", "盗窃", "东城区", ""),           # Traditional category
    ("A2", "2023年1月22日 8时15分", "交通类警情", "事故", "东城区", ""),     # same id once stripped: removed
    ("A3", "2023-13-45 10:00", "纠纷", "", "南湖区", "bad_date"),
    ("A3", "20230122081500", "纠纷", "家庭纠纷", "南湖区", ""),              # a rejected twin does not count
    ("A4", "2023-01-22", "求助", "", "北山区", ""),                          # date only: not in hourly
    ("A5", "20230122", "求助", "", "北山区", ""),
    ("A6", "2023-01-22T08:15:00+00:00", "火灾", "", "高新区", ""),          # UTC offset: 16:15 local
    ("A7", " 2023-01-22 07:59:00 ", "治安类警情　", "", "东城区　", ""),      # spaces, full-width space
    ("A8", "２０２３-01-22 10:00", "Break  and Enter", "", "开发区", ""),    # full-width digits, unmapped
    ("A9", "44948.5", "刑事类警清", "", "开发区", ""),                       # Excel serial, misspelled
    ("A10", "N/A", "刑事类警情", "", "东城区", "bad_date"),
    ("A11", "", "刑事类警情", "", "东城区", "missing_date"),
    ("A12", "2041-01-01 00:00:00", "刑事类警情", "", "东城区", "future_date"),
    ("A13", "2023-02-30 00:00:00", "刑事类警情", "", "东城区", "bad_date"),
    ("A14", "2023-01-24 23:30:00", "", "", "", ""),                          # blank category and district
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", ""),                   # no id, exact twin below
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", ""),
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", ""),
    ("A15", "2023-01-26 00:00:00", "无效报警", "", "江北县", ""),
]
NAMES = ["张三", "李四", "王五", "张三", "赵六", "孙七", "周八", "吴九", "郑十", "王一", "李二", "钱三", "孙四", "李五",
         "周六", "吴七", "郑八", "王九", "王九", "王九", "冯十"]


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame([r[:5] for r in ROWS], columns=HEADER[:5])
    frame["报警人"] = NAMES
    return frame


def _write_csv(path: Path, encoding: str = "utf-8", sep: str = ",", title: bool = False) -> Path:
    text = _frame().to_csv(index=False, sep=sep, lineterminator="\n")
    if title:
        text = "示例市警情导出\n" + text
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def _both(paths, **kwargs):
    a = load(paths, as_of=AS_OF, engine="pandas", **kwargs)
    b = load(paths, as_of=AS_OF, engine="duckdb", **kwargs)
    return a, b


def _assert_same(a, b, engine: str = "duckdb") -> None:
    pd.testing.assert_frame_equal(a.daily, b.daily)
    if a.hourly is None:
        assert b.hourly is None
    else:
        pd.testing.assert_frame_equal(a.hourly, b.hourly)
    assert b.ledger["engine"] == engine, b.ledger.get("engine_note")
    la = {k: v for k, v in a.ledger.items() if k not in ("engine", "engine_note")}
    lb = {k: v for k, v in b.ledger.items() if k not in ("engine", "engine_note")}
    assert la == lb
    assert list(la["unmapped_categories"]) == list(lb["unmapped_categories"])  # same order too
    pd.testing.assert_frame_equal(a.rejects.astype(str), b.rejects.astype(str))


def _expected_counts() -> dict:
    reasons = pd.Series([r[5] for r in ROWS])
    good = pd.DataFrame([r for r in ROWS if not r[5]], columns=["id", "t", "c", "s", "d", "r"])
    ids = good["id"].str.strip()
    dup = int(ids[ids != ""].duplicated().sum())
    exact = int(good[ids == ""].duplicated().sum())
    return {"read": len(ROWS), "rejected": int((reasons != "").sum()), "dup": dup, "exact": exact,
            "by_reason": reasons[reasons != ""].value_counts().to_dict()}


@pytest.mark.parametrize("name,encoding,sep,title", [
    ("mess.csv", "utf-8", ",", False),
    ("mess.csv.gz", "gb18030", ",", False),
    ("mess.tsv", "utf-8-sig", "\t", True),
])
def test_engines_agree_on_a_mixed_mess(tmp_path, name, encoding, sep, title):
    path = _write_csv(tmp_path / name, encoding, sep, title)
    a, b = _both([path])
    _assert_same(a, b)
    exp = _expected_counts()
    led = b.ledger
    assert led["rows_read"] == exp["read"]
    assert led["rows_rejected"] == exp["rejected"]
    assert led["rejected_by_reason"] == exp["by_reason"]
    assert led["duplicates_removed"] == exp["dup"] == 2
    assert led["exact_duplicates"] == exp["exact"] == 2
    assert led["rows_kept"] == exp["read"] - exp["rejected"] - exp["dup"]
    assert int(b.daily["count"].sum()) == led["rows_kept"]
    assert "张三" not in b.rejects.to_string()
    # the rejected rows are named by their line in the file (header on line 1, or 2 under a title)
    first = 2 + title
    lines = [first + i for i, r in enumerate(ROWS) if r[5]]
    assert b.rejects["line"].astype(int).tolist() == lines


def test_engines_agree_with_dedupe_exact_and_an_eight_oclock_day(tmp_path):
    path = _write_csv(tmp_path / "mess.csv")
    schema = {"day_start": "08:00", "categories": {"Break and Enter": "刑事"}}
    a, b = _both([path], schema=schema, dedupe="exact")
    _assert_same(a, b)
    assert b.ledger["duplicates_removed"] == 4
    # 07:59 on the 22nd belongs to the 21st under an 08:00 day boundary
    a7 = b.daily[(b.daily["district"] == "东城区") & (b.daily["date"] == pd.Timestamp("2023-01-21"))]
    assert int(a7["count"].sum()) == 1


def test_engines_agree_on_parquet(tmp_path):
    frame = _frame()
    text = tmp_path / "mess.parquet"
    frame.to_parquet(text, index=False)
    typed = tmp_path / "typed.parquet"
    stamps = pd.to_datetime(pd.Series(["2023-01-22 08:15:00", None, "2023-01-22 23:59:59", "2041-01-01 00:00:00"]))
    pd.DataFrame({"编号": ["p1", "p2", "p3", "p1"], "时间": stamps, "类别": ["刑事", "治安", "火灾", "刑事"],
                  "辖区": ["东城区", "西城区", "", "东城区"]}).to_parquet(typed, index=False)
    midnight = tmp_path / "dates.parquet"
    pd.DataFrame({"编号": ["m1", "m2"], "日期": pd.to_datetime(["2023-01-22", "2023-01-23"]),
                  "类别": ["交通", "交通"]}).to_parquet(midnight, index=False)
    a, b = _both([text, typed, midnight])
    _assert_same(a, b)
    kinds = b.ledger["files"]
    assert [f["rows_read"] for f in kinds] == [len(ROWS), 4, 2]
    # a Parquet file of midnights holds dates, not times: none of its rows are in the hourly table
    assert b.hourly[b.hourly["category"] == "交通"].empty


def test_engines_agree_on_the_committed_sample(sample_dir):
    files = [sample_dir / "incidents_2024-01.csv.gz", sample_dir / "incidents_2024-02.csv.gz",
             sample_dir / "cases_2021-2024.csv.gz"]
    a, b = _both(files)
    _assert_same(a, b)
    planted = json.loads((sample_dir / "messes.json").read_text("utf-8"))  # written by the generator
    assert b.ledger["by_kind"]["案件"]["duplicates_removed"] == planted["cases"]["duplicates_removed"]


@pytest.mark.slow
def test_engines_agree_on_the_whole_sample(sample_dir):
    files = sorted(sample_dir.glob("incidents_*.csv.gz")) + sorted(sample_dir.glob("cases_*.csv.gz"))
    a, b = _both(files)
    _assert_same(a, b)
    planted = json.loads((sample_dir / "messes.json").read_text("utf-8"))  # written by the generator
    keys = ("rows_read", "duplicates_removed", "rows_rejected", "rows_kept")
    for kind, section in (("警情", "incidents"), ("案件", "cases")):
        assert {k: b.ledger["by_kind"][kind][k] for k in keys} == {k: planted[section][k] for k in keys}


def test_input_the_engine_does_not_handle_goes_to_pandas(tmp_path, sample_dir):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("编号,时间,类别\n1,2023-01-22 08:00,刑事\n2,2023-01-22 09:00\n\n3,2023-01-23 10:00,交通\n",
                      "utf-8")
    a, b = _both([ragged])
    _assert_same(a, b, engine="pandas")
    assert "DuckDB engine not used" in b.ledger["engine_note"]
    xlsx = sample_dir / "daily_stats_2023.xlsx"
    schema = sample_dir / "daily_stats_2023.schema.yaml"
    a, b = _both([xlsx], schema=schema)
    _assert_same(a, b, engine="pandas")


def test_should_use_picks_duckdb_for_large_record_files(tmp_path, sample_dir, monkeypatch):
    small = _write_csv(tmp_path / "mess.csv")
    assert not engine_duckdb.should_use([small])
    assert not engine_duckdb.should_use([sample_dir / "daily_stats_2023.xlsx"])
    monkeypatch.setattr(engine_duckdb, "AUTO_MIN_BYTES", small.stat().st_size - 1)
    assert engine_duckdb.should_use([small])
    assert not engine_duckdb.should_use([small, sample_dir / "daily_stats_2023.xlsx"])
    rows = tmp_path / "rows.parquet"
    pd.DataFrame({"时间": np.repeat("2023-01-01", 20)}).to_parquet(rows)
    monkeypatch.setattr(engine_duckdb, "AUTO_MIN_ROWS", 19)
    monkeypatch.setattr(engine_duckdb, "AUTO_MIN_BYTES", 1 << 40)
    assert engine_duckdb.should_use([rows])


@pytest.mark.parametrize("schema", [
    {"taxonomy": "none"},
    {"district_pattern": "(..)区"},
    {"kind_column": "类型", "timezone": "UTC"},
    {"date_format": "%Y-%m-%d %H:%M:%S", "columns": {"subcategory": None}},
])
def test_engines_agree_under_schema_options(tmp_path, schema):
    frame = _frame()
    frame["类型"] = np.where(np.arange(len(frame)) % 3 == 0, "刑事案件", "警情")
    path = tmp_path / "mess.csv"
    frame.to_csv(path, index=False)
    parquet = tmp_path / "mess.parquet"
    frame.to_parquet(parquet, index=False)
    a, b = _both([path, parquet], schema=schema)
    _assert_same(a, b)
    assert b.ledger["rows_read"] == 2 * len(ROWS)


def test_engines_agree_on_dates_without_times_and_on_errors(tmp_path):
    dates = tmp_path / "dates.csv"
    dates.write_text("编号,日期,类别\nd1,2023-01-22,刑事\nd2,2023/1/23,交通\nd3,20230124,火灾\n", "utf-8")
    a, b = _both([dates])
    _assert_same(a, b)
    assert b.hourly is None and int(b.daily["count"].sum()) == 3
    no_time = tmp_path / "no_time.csv"
    no_time.write_text("编号,类别\nx1,刑事\n", "utf-8")
    messages = []
    for engine in ("pandas", "duckdb"):
        with pytest.raises(InputError) as info:
            load([no_time], as_of=AS_OF, engine=engine)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and "no_time.csv" in messages[0]
