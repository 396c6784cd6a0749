"""The cleaning engine (DuckDB) against an independent plain-pandas computation and hand-worked counts.

The mixed mess below carries, for each row, what a correct cleaner makes of it (worked out by hand from
the cleaning rules: the local time, the taxonomy category, the cleaned district, or the reject reason);
:func:`reference` turns those annotations into the daily and hourly tables and the ledger counts with
plain pandas, without the package. Input DuckDB does not read itself is shaped by pandas and goes through
the same engine; the two reading paths are compared with each other on the same records.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stats_lib.clean import load
from stats_lib.errors import InputError, ParameterError

AS_OF = "2024-12-31"
HEADER = ["接警单编号", "报警时间", "报警类别", "报警细类", "管辖单位", "报警人"]
# (id, time, category, subcategory, district, reason; then by hand: local time, category, district)
ROWS = [
    ("A1", "2023-01-22 08:15:00", "刑事类警情", "盗窃", "东城区", "", "2023-01-22 08:15", "刑事", "东城区"),
    ("A1", "2023-01-23 09:00:00", "治安类警情", "斗殴", "西城区", "", "2023-01-23 09:00", "治安", "西城区"),  # dup id
    (" A2 ", "2023/1/22 8:15", "刑事類警情", "盗窃", "东城区", "", "2023-01-22 08:15", "刑事", "东城区"),  # Traditional
    ("A2", "2023年1月22日 8时15分", "交通类警情", "事故", "东城区", "", "2023-01-22 08:15", "交通", "东城区"),  # dup
    ("A3", "2023-13-45 10:00", "纠纷", "", "南湖区", "bad_date", None, "", ""),
    ("A3", "20230122081500", "纠纷", "家庭纠纷", "南湖区", "", "2023-01-22 08:15", "纠纷", "南湖区"),  # twin rejected
    ("A4", "2023-01-22", "求助", "", "北山区", "", "2023-01-22", "求助", "北山区"),       # date only: not hourly
    ("A5", "20230122", "求助", "", "北山区", "", "2023-01-22", "求助", "北山区"),
    ("A6", "2023-01-22T08:15:00+00:00", "火灾", "", "高新区", "", "2023-01-22 16:15", "火灾", "高新区"),  # UTC
    ("A7", " 2023-01-22 07:59:00 ", "治安类警情　", "", "东城区　", "", "2023-01-22 07:59", "治安", "东城区"),
    ("A8", "２０２３-01-22 10:00", "Break  and Enter", "", "开发区", "", "2023-01-22 10:00", "其他", "开发区"),
    ("A9", "44948.5", "刑事类警清", "", "开发区", "", "2023-01-22 12:00", "其他", "开发区"),  # Excel serial
    ("A10", "N/A", "刑事类警情", "", "东城区", "bad_date", None, "", ""),
    ("A11", "", "刑事类警情", "", "东城区", "missing_date", None, "", ""),
    ("A12", "2041-01-01 00:00:00", "刑事类警情", "", "东城区", "future_date", None, "", ""),
    ("A13", "2023-02-30 00:00:00", "刑事类警情", "", "东城区", "bad_date", None, "", ""),
    ("A14", "2023-01-24 23:30:00", "", "", "", "", "2023-01-24 23:30", "其他", ""),      # blank category
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", "", "2023-01-25 10:00", "纠纷", "西城区"),  # no id, 3 twins
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", "", "2023-01-25 10:00", "纠纷", "西城区"),
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", "", "2023-01-25 10:00", "纠纷", "西城区"),
    ("A15", "2023-01-26 00:00:00", "无效报警", "", "江北县", "", "2023-01-26 00:00", "无效", "江北县"),
]
NAMES = ["张三", "李四", "王五", "张三", "赵六", "孙七", "周八", "吴九", "郑十", "王一", "李二", "钱三", "孙四", "李五",
         "周六", "吴七", "郑八", "王九", "王九", "王九", "冯十"]
#: Unmapped category values as the ledger lists them (NFKC, spaces collapsed; blank as (空)), by rows, then first seen.
UNMAPPED = {"Break and Enter": 1, "刑事类警清": 1, "(空)": 1}


def reference(rows: list[tuple], dedupe: str | None = None, day_start_minutes: int = 0) -> dict:
    """The daily and hourly tables and the ledger counts of ``rows``, in plain pandas from the annotations."""
    f = pd.DataFrame(rows, columns=["id", "t", "c", "s", "d", "reason", "local", "category", "district"])
    f["id"] = f["id"].str.strip()
    good = f["reason"] == ""
    with_id = good & (f["id"] != "")
    dup = with_id & f[with_id].duplicated("id").reindex(f.index, fill_value=False)
    no_id = good & (f["id"] == "")
    exact = no_id & f[no_id].duplicated(["t", "c", "s", "d"]).reindex(f.index, fill_value=False)
    final = good & ~dup & ~(exact if dedupe == "exact" else False)
    kept = f[final].copy()
    ts = pd.to_datetime(kept["local"], format="ISO8601")
    kept["date"] = (ts - pd.Timedelta(minutes=day_start_minutes)).dt.normalize().astype("datetime64[ns]")
    kept["hour"] = ts.dt.hour.astype("int64")
    kept["kind"] = "警情"
    kept["subcategory"] = kept["s"]
    daily = (kept.groupby(["date", "kind", "category", "subcategory", "district"]).size()
             .rename("count").reset_index().astype({"count": "int64"}))
    timed = kept[kept["local"].str.len() > 10]
    hourly = (timed.groupby(["date", "hour", "kind", "category", "district"]).size()
              .rename("count").reset_index().astype({"count": "int64"}))
    reasons = f.loc[~good, "reason"].value_counts()
    order = ("missing_date", "bad_date", "future_date", "masked_count", "bad_count")
    return {"daily": daily, "hourly": hourly, "rows_read": len(f), "rows_kept": int(final.sum()),
            "rows_rejected": int((~good).sum()), "duplicates_removed": int((dup | (exact & (dedupe == "exact"))).sum()),
            "exact_duplicates": int(exact.sum()), "count_total": int(final.sum()),
            "rejected_by_reason": {r: int(reasons[r]) for r in order if r in reasons},
            "hour_unknown": int((kept["local"].str.len() <= 10).sum()),
            "date_min": daily["date"].min().strftime("%Y-%m-%d"), "date_max": daily["date"].max().strftime("%Y-%m-%d")}


def assert_matches(cleaned, ref: dict) -> None:
    """The engine's tables and ledger counts equal the reference (tables compared as sorted frames)."""
    keys = ["date", "kind", "category", "subcategory", "district"]
    got = cleaned.daily[[*keys, "count"]].sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref["daily"].sort_values(keys).reset_index(drop=True), check_dtype=False)
    hkeys = ["date", "hour", "kind", "category", "district"]
    got = cleaned.hourly[[*hkeys, "count"]].sort_values(hkeys).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref["hourly"].sort_values(hkeys).reset_index(drop=True), check_dtype=False)
    led = cleaned.ledger
    for key in ("rows_read", "rows_kept", "rows_rejected", "duplicates_removed", "exact_duplicates", "count_total",
                "rejected_by_reason", "hour_unknown", "date_min", "date_max"):
        assert led[key] == ref[key], key
    assert led["rows_read"] == led["rows_kept"] + led["rows_rejected"] + led["duplicates_removed"]
    assert led["engine"] == "duckdb"


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame([r[:5] for r in ROWS], columns=HEADER[:5])
    frame["报警人"] = NAMES
    return frame


def _write_csv(path: Path, encoding: str = "utf-8", sep: str = ",", title: bool = False,
               blank_line: bool = False) -> Path:
    text = _frame().to_csv(index=False, sep=sep, lineterminator="\n")
    if title:
        text = "示例市警情导出\n" + text
    if blank_line:  # DuckDB does not read a file with blank lines itself: it is shaped by pandas
        text += "\n"
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def _same_result(a, b) -> None:
    """Two results of the engine on the same records: identical tables, ledger counts and rejects."""
    pd.testing.assert_frame_equal(a.daily, b.daily)
    if a.hourly is None:
        assert b.hourly is None
    else:
        pd.testing.assert_frame_equal(a.hourly, b.hourly)
    la = {k: v for k, v in a.ledger.items() if k not in ("files", "overlapping_files")}
    lb = {k: v for k, v in b.ledger.items() if k not in ("files", "overlapping_files")}
    assert la == lb
    # the same pairs of files (named by their place: the two runs may read copies under other names)
    places = [{str(f["path"]): i for i, f in enumerate(r.ledger["files"])} for r in (a, b)]
    pairs = [[({**o, "files": [p[x] for x in o["files"]]}) for o in r.ledger.get("overlapping_files", [])]
             for p, r in zip(places, (a, b))]
    assert pairs[0] == pairs[1]
    assert list(la["unmapped_categories"]) == list(lb["unmapped_categories"])  # same order too
    pd.testing.assert_frame_equal(a.rejects.astype(str), b.rejects.astype(str))


@pytest.mark.parametrize("name,encoding,sep,title", [
    ("mess.csv", "utf-8", ",", False),
    ("mess.csv.gz", "gb18030", ",", False),
    ("mess.tsv", "utf-8-sig", "\t", True),
])
def test_the_engine_cleans_a_mixed_mess(tmp_path, name, encoding, sep, title):
    path = _write_csv(tmp_path / name, encoding, sep, title)
    b = load([path], as_of=AS_OF)
    assert_matches(b, reference(ROWS))
    assert b.ledger["duplicates_removed"] == 2 and b.ledger["exact_duplicates"] == 2
    assert b.ledger["unmapped_categories"] == UNMAPPED
    assert "张三" not in b.rejects.to_string()
    # the rejected rows are named by their line in the file (header on line 1, or 2 under a title)
    first = 2 + title
    lines = [first + i for i, r in enumerate(ROWS) if r[5]]
    assert b.rejects["line"].astype(int).tolist() == lines
    assert b.rejects["reason"].tolist() == [r[5] for r in ROWS if r[5]]


def test_the_engine_with_dedupe_exact_and_an_eight_oclock_day(tmp_path):
    path = _write_csv(tmp_path / "mess.csv")
    schema = {"day_start": "08:00"}
    b = load([path], as_of=AS_OF, schema=schema, dedupe="exact")
    assert_matches(b, reference(ROWS, dedupe="exact", day_start_minutes=480))
    assert b.ledger["duplicates_removed"] == 4
    # 07:59 on the 22nd belongs to the 21st under an 08:00 day boundary
    a7 = b.daily[(b.daily["district"] == "东城区") & (b.daily["date"] == pd.Timestamp("2023-01-21"))]
    assert int(a7["count"].sum()) == 1


def test_read_by_duckdb_or_shaped_by_pandas_the_result_is_the_same(tmp_path):
    direct = load([_write_csv(tmp_path / "mess.csv")], as_of=AS_OF)
    shaped = load([_write_csv(tmp_path / "blank.csv", blank_line=True)], as_of=AS_OF)
    assert_matches(shaped, reference(ROWS))
    rejects = direct.rejects.assign(file=direct.rejects["file"].str.replace("mess.csv", "blank.csv"))
    _same_result(replace(direct, rejects=rejects), shaped)


def test_the_engine_on_parquet(tmp_path):
    text = tmp_path / "mess.parquet"
    _frame().to_parquet(text, index=False)
    b = load([text], as_of=AS_OF)
    assert_matches(b, reference(ROWS))
    typed = tmp_path / "typed.parquet"
    stamps = pd.to_datetime(pd.Series(["2023-01-22 08:15:00", None, "2023-01-22 23:59:59", "2041-01-01 00:00:00"]))
    pd.DataFrame({"编号": ["p1", "p2", "p3", "p1"], "时间": stamps, "类别": ["刑事", "治安", "火灾", "刑事"],
                  "辖区": ["东城区", "西城区", "", "东城区"]}).to_parquet(typed, index=False)
    midnight = tmp_path / "dates.parquet"
    pd.DataFrame({"编号": ["m1", "m2"], "日期": pd.to_datetime(["2023-01-22", "2023-01-23"]),
                  "类别": ["交通", "交通"]}).to_parquet(midnight, index=False)
    b = load([typed, midnight], as_of=AS_OF)
    assert [f["rows_read"] for f in b.ledger["files"]] == [4, 2]
    # typed: p1 and p3 kept, p2 missing, the second p1 is in the future (rejected before de-duplication)
    assert b.ledger["rejected_by_reason"] == {"missing_date": 1, "future_date": 1}
    assert b.ledger["rows_kept"] == 4 and b.ledger["duplicates_removed"] == 0
    assert b.hourly["count"].sum() == 2 and set(b.hourly["hour"]) == {8, 23}
    # a Parquet file of midnights holds dates, not times: none of its rows are in the hourly table
    assert b.hourly[b.hourly["category"] == "交通"].empty and b.ledger["hour_unknown"] == 2


def test_the_engine_on_the_committed_sample(sample_dir):
    files = [sample_dir / "incidents_2024-01.csv.gz", sample_dir / "incidents_2024-02.csv.gz",
             sample_dir / "cases_2021-2024.csv.gz"]
    b = load(files, as_of=AS_OF)
    assert b.ledger["engine"] == "duckdb"
    planted = json.loads((sample_dir / "messes.json").read_text("utf-8"))  # written by the generator
    assert b.ledger["by_kind"]["案件"]["duplicates_removed"] == planted["cases"]["duplicates_removed"]


@pytest.mark.slow
def test_the_engine_on_the_whole_sample(sample_dir):
    files = sorted(sample_dir.glob("incidents_*.csv.gz")) + sorted(sample_dir.glob("cases_*.csv.gz"))
    b = load(files, as_of=AS_OF)
    assert b.ledger["engine"] == "duckdb"
    planted = json.loads((sample_dir / "messes.json").read_text("utf-8"))  # written by the generator
    keys = ("rows_read", "duplicates_removed", "rows_rejected", "rows_kept")
    for kind, section in (("警情", "incidents"), ("案件", "cases")):
        assert {k: b.ledger["by_kind"][kind][k] for k in keys} == {k: planted[section][k] for k in keys}


def test_input_duckdb_does_not_read_is_shaped_and_cleaned_by_the_same_engine(tmp_path, sample_dir):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("编号,时间,类别\n1,2023-01-22 08:00,刑事\n2,2023-01-22 09:00\n\n3,2023-01-23 10:00,交通\n",
                      "utf-8")
    b = load([ragged], as_of=AS_OF)
    assert b.ledger["engine"] == "duckdb" and "engine_note" not in b.ledger
    assert (b.ledger["rows_read"], b.ledger["rows_kept"]) == (3, 2)
    # the short row is never read by position: rejected whole as ragged_row (issue 16)
    assert b.ledger["rejected_by_reason"] == {"ragged_row": 1}
    assert b.daily.groupby("category")["count"].sum().to_dict() == {"交通": 1, "刑事": 1}
    assert b.ledger["unmapped_categories"] == {}
    xlsx = sample_dir / "daily_stats_2023.xlsx"
    b = load([xlsx], schema=sample_dir / "daily_stats_2023.schema.yaml", as_of=AS_OF)
    assert b.ledger["engine"] == "duckdb" and b.hourly is None
    assert int(b.daily["count"].sum()) == b.ledger["count_total"]


def test_long_and_wide_tables_through_the_engine(tmp_path):
    long = tmp_path / "long.csv"
    long.write_text("日期,类别,数量\n2023-01-01,刑事,3\n2023-01-01,交通,*\n2023-01-02,刑事,0\n2023-01-02,火灾,2\n"
                    "2023-01-02,合计,5\n", "utf-8")
    b = load([long], as_of=AS_OF)
    led = b.ledger
    # 4 count cells (合计 row dropped): 3 kept (3 + 0 + 2), 1 masked; a zero count is kept but not in the table
    assert (led["rows_read"], led["rows_kept"], led["masked_cells"], led["count_total"]) == (4, 3, 1, 5)
    assert led["hour_unknown"] == 0 and b.hourly is None
    assert b.daily[["category", "count"]].values.tolist() == [["刑事", 3], ["火灾", 2]]


@pytest.mark.parametrize("schema", [
    {"taxonomy": "none"},
    {"district_pattern": "(..)区"},
    {"kind_column": "类型", "timezone": "UTC"},
    {"date_format": "%Y-%m-%d %H:%M:%S", "columns": {"subcategory": None}},
])
def test_read_by_duckdb_or_shaped_agree_under_schema_options(tmp_path, schema):
    frame = _frame()
    frame["类型"] = np.where(np.arange(len(frame)) % 3 == 0, "刑事案件", "警情")
    path = tmp_path / "mess.csv"
    frame.to_csv(path, index=False)
    parquet = tmp_path / "mess.parquet"
    frame.to_parquet(parquet, index=False)
    direct = load([path, parquet], schema=schema, as_of=AS_OF)
    blank = tmp_path / "blank.csv"
    blank.write_text(path.read_text("utf-8") + "\n", "utf-8")
    shaped = load([blank, parquet], schema=schema, as_of=AS_OF)
    rejects = direct.rejects.assign(file=direct.rejects["file"].str.replace("mess.csv", "blank.csv"))
    _same_result(replace(direct, rejects=rejects), shaped)
    assert direct.ledger["rows_read"] == 2 * len(ROWS)


def test_the_engine_on_dates_without_times_and_on_errors(tmp_path):
    dates = tmp_path / "dates.csv"
    dates.write_text("编号,日期,类别\nd1,2023-01-22,刑事\nd2,2023/1/23,交通\nd3,20230124,火灾\n", "utf-8")
    b = load([dates], as_of=AS_OF)
    assert b.hourly is None and int(b.daily["count"].sum()) == 3
    assert b.daily["date"].dt.strftime("%m-%d").tolist() == ["01-22", "01-23", "01-24"]
    no_time = tmp_path / "no_time.csv"
    no_time.write_text("编号,类别\nx1,刑事\n", "utf-8")
    with pytest.raises(InputError, match="no_time.csv: no date/time column found"):
        load([no_time], as_of=AS_OF)


def test_an_unknown_engine_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="engine: expected duckdb or spark, got 'pandas'"):
        load([_write_csv(tmp_path / "mess.csv")], as_of=AS_OF, engine="pandas")


def test_blank_rows_and_rows_empty_in_every_column_read(tmp_path):
    """A row of empty cells is left out; a row empty in the columns read but not in another (here only the
    caller's name) is a data row without a date. DuckDB first looks only at the columns it reads and, for
    such a file, loads it again looking at every column: the result must equal the shaped path's and the
    counts worked out by hand."""
    text = ("接警单编号,报警时间,报警类别,管辖单位,报警人\n"
            "B1,2023-01-22 08:15:00,纠纷,东城区,张三\n"      # line 2
            ",,,,\n"                                          # line 3: blank, left out
            "B2,2023-01-22 09:15:00,求助,西城区,李四\n"      # line 4
            ",,,,王五\n"                                      # line 5: no date (only a name)
            "B3,2023-01-23 10:00:00,纠纷,东城区,赵六\n")     # line 6
    direct = load([_write_text(tmp_path / "rows.csv", text)], as_of=AS_OF)
    shaped = load([_write_text(tmp_path / "shaped.csv", text + "\n")], as_of=AS_OF)
    led = direct.ledger
    assert (led["rows_read"], led["rows_kept"], led["rows_rejected"]) == (4, 3, 1)
    assert led["rejected_by_reason"] == {"missing_date": 1}
    assert direct.rejects["line"].astype(int).tolist() == [5]
    assert "王五" not in direct.rejects.to_string()
    assert int(direct.daily["count"].sum()) == 3
    rejects = direct.rejects.assign(file=direct.rejects["file"].str.replace("rows.csv", "shaped.csv"))
    _same_result(replace(direct, rejects=rejects), shaped)
    # without the name, the same file has no such row: nothing is loaded twice, and the answer is the same
    plain = load([_write_text(tmp_path / "plain.csv", text.replace(",,,,王五\n", ""))], as_of=AS_OF)
    assert (plain.ledger["rows_read"], plain.ledger["rows_kept"]) == (3, 3)
    pd.testing.assert_frame_equal(plain.daily, direct.daily)


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_spark_engine_without_pyspark_is_an_environment_failure(tmp_path, capsys, monkeypatch):
    """A missing optional part is the machine's failure (exit 1, one line naming what to install), not the input's."""
    from stats_lib import cli
    from stats_lib.clean import spark_session

    monkeypatch.setattr(spark_session, "spark_available", lambda: "pyspark is not installed")
    path = _write_csv(tmp_path / "x.csv")
    assert cli.main(["clean", str(path), "--engine", "spark", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "pip install 'stats-lib[spark]'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
