"""Tests of stats_lib.clean: per-value parsers, the pipeline, the ledger, outputs and errors."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stats_lib.clean import (
    ledger_summary,
    load,
    load_data,
    parse_counts,
    parse_hours,
    parse_times,
    statistical_day,
    write_cleaned,
)
from stats_lib.cli import main
from stats_lib.errors import InputError, SchemaError
from stats_lib.ingest.schema import load_schema
from stats_lib.tables import DAILY_COLUMNS, read_cleaned

T = pd.Timestamp

# ------------------------------------------------------------------ per-value parsers


@pytest.mark.parametrize(("raw", "expected", "has_time"), [
    ("2023-01-22", T(2023, 1, 22), False),
    ("2023-01-22 08:15:00", T(2023, 1, 22, 8, 15), True),
    ("2023-01-22T08:15:30.250", T(2023, 1, 22, 8, 15, 30), True),
    ("2023/1/22 8:15", T(2023, 1, 22, 8, 15), True),
    ("2023.1.22", T(2023, 1, 22), False),
    ("2023年1月22日 8时15分", T(2023, 1, 22, 8, 15), True),
    ("2023年1月22日8时", T(2023, 1, 22, 8), True),
    ("2023年1月22日 08:15:09", T(2023, 1, 22, 8, 15, 9), True),
    ("20230122081500", T(2023, 1, 22, 8, 15), True),
    ("202301220815", T(2023, 1, 22, 8, 15), True),
    ("20230122", T(2023, 1, 22), False),
    ("２０２３－０１－２２　０８：１５", T(2023, 1, 22, 8, 15), True),  # full-width
    ("1/22/2023 08:15:00 PM", T(2023, 1, 22, 20, 15), True),
    ("1/22/2023 12:05:00 AM", T(2023, 1, 22, 0, 5), True),
    ("2023-01-22T00:30:00Z", T(2023, 1, 22, 8, 30), True),       # UTC -> Asia/Shanghai
    ("2023-01-22 10:00:00+09:00", T(2023, 1, 22, 9, 0), True),    # Tokyo -> Shanghai
    ("2023-01-21T20:00:00-0500", T(2023, 1, 22, 9, 0), True),     # New York -> Shanghai
])
def test_parse_times_forms(raw, expected, has_time):
    p = parse_times(pd.Series([raw]))
    assert p.reasons.iloc[0] == ""
    assert p.timestamps.iloc[0] == expected
    assert bool(p.has_time.iloc[0]) is has_time


@pytest.mark.parametrize(("raw", "reason"), [
    ("2023-13-45 08:00:00", "bad_date"), ("N/A", "bad_date"), ("二〇二三年", "bad_date"), ("2023-02-30", "bad_date"),
    ("2023-01-22 24:30", "bad_date"), ("1040101", "bad_date"), ("", "missing_date"), ("   ", "missing_date"),
    (None, "missing_date"), ("2042-01-01 08:00", "future_date"), ("2025-01-01", "future_date"),
    ("9999-12-31", "bad_date"), ("1000-01-01 08:00", "bad_date"),
])
def test_parse_times_rejects(raw, reason):
    p = parse_times(pd.Series([raw], dtype=object), as_of=dt.date(2024, 12, 31))
    assert p.reasons.iloc[0] == reason
    assert pd.isna(p.timestamps.iloc[0])


def test_parse_times_as_of_day_itself_is_kept():
    p = parse_times(pd.Series(["2024-12-31 23:59:59"]), as_of=dt.date(2024, 12, 31))
    assert p.reasons.iloc[0] == ""


def test_parse_times_roc_yearless_serial_and_format():
    roc = load_schema({"calendar": "roc"})
    p = parse_times(pd.Series(["1040101", "104/01/02", "1111127", "110420"]), roc)
    assert p.timestamps.iloc[:3].tolist() == [T(2015, 1, 1), T(2015, 1, 2), T(2022, 11, 27)]
    assert p.reasons.iloc[3] == "bad_date"  # six digits: a corrupt ROC date
    p = parse_times(pd.Series(["1月21日", "12月31日 8时"]), load_schema({"year": 2023}))
    assert p.timestamps.tolist() == [T(2023, 1, 21), T(2023, 12, 31, 8)]
    p = parse_times(pd.Series(["1月21日"]))
    assert p.reasons.iloc[0] == "bad_date" and p.needs_year == 1
    serial = 44948.5
    p = parse_times(pd.Series([str(serial)]))
    assert p.timestamps.iloc[0] == T(dt.datetime(1899, 12, 30) + dt.timedelta(days=serial))
    p = parse_times(pd.Series(["22.01.2023 08:15"]), load_schema({"date_format": "%d.%m.%Y %H:%M"}))
    assert p.timestamps.iloc[0] == T(2023, 1, 22, 8, 15)


def test_parse_times_datetime_column_with_zone():
    s = pd.Series(pd.to_datetime(["2023-01-22 00:30"]).tz_localize("UTC"))
    assert parse_times(s).timestamps.iloc[0] == T(2023, 1, 22, 8, 30)


def test_parse_times_works_on_repeated_values():
    values = pd.Series(["2023-01-22 08:15", "bad", "2023-01-22 08:15", None, "bad"], index=[5, 6, 7, 8, 9])
    p = parse_times(values)
    assert p.reasons.tolist() == ["", "bad_date", "", "missing_date", "bad_date"]
    assert p.timestamps.index.tolist() == [5, 6, 7, 8, 9]


def test_parse_hours():
    h = parse_hours(pd.Series(["08~10", "18-20", "6", "23:00", "8时", "25", "", None, "x"]))
    assert h.iloc[:5].tolist() == [8, 18, 6, 23, 8]
    assert h.iloc[5:].isna().all()


def test_parse_counts():
    c = parse_counts(pd.Series(["3", "0", "1,234", "37.0", "*", "**", "—", "-", "", "NA", "-2", "1.5", "abc", None]))
    assert c.counts.iloc[:4].tolist() == [3, 0, 1234, 37]
    assert c.reasons.tolist() == [""] * 4 + ["masked_count"] * 6 + ["bad_count"] * 3 + ["masked_count"]
    numeric = parse_counts(pd.Series([1.0, float("nan"), -1.0, float("inf"), 1e30]))
    assert numeric.reasons.tolist() == ["", "masked_count", "bad_count", "bad_count", "bad_count"]


def test_statistical_day_eight_to_eight():
    ts = pd.Series([T(2023, 1, 22, 7, 59), T(2023, 1, 22, 8, 0), T(2023, 1, 22, 23, 0)])
    out = statistical_day(ts, 8 * 60)
    assert out["date"].tolist() == [T(2023, 1, 21), T(2023, 1, 22), T(2023, 1, 22)]
    assert out["hour"].tolist() == [7, 8, 23]


# ------------------------------------------------------------------ pipeline

HEADER = "接警单编号,报警时间,报警类别,报警细类,管辖单位,报警人,联系电话,案发地址,报警内容\n"
SECRET = ["张三丰", "13812345678", "110101199003074514", "示例市东城区幸福路8号", "有人砸车窗"]


def _row(i, time, cat="刑事类警情", sub="盗窃", district="东城区"):
    return f"{i},{time},{cat},{sub},{district},{SECRET[0]},{SECRET[1]},{SECRET[3]},{SECRET[4]}{SECRET[2]}\n"


@pytest.fixture
def incidents(tmp_path):
    rows = [
        _row("A1", "2023-01-22 08:15:00"),
        _row("A2", "2023/1/22 9:00", cat="刑事類警情", district="东城区 "),
        _row("A3", "2023年1月22日 23时10分", cat="　交通类警情", sub="交通事故", district="西城区"),
        _row("A4", "2023-01-23 01:00:00", cat="", sub="", district=""),
        _row("A5", "2023-13-45 08:00:00"),
        _row("A6", ""),
        _row("A7", "2042-01-01 08:00:00"),
        _row("A1", "2023-01-22 08:15:00"),                      # duplicate id
        _row("A8", "2023-01-23 02:00:00", cat="刑事类警清"),
        _row("A9", "=cmd|' /C calc'!A0"),                        # a formula as a date
    ]
    path = tmp_path / "incidents.csv"
    path.write_text(HEADER + "".join(rows), "utf-8")
    return path


def test_records_pipeline(incidents):
    c = load(incidents, as_of="2024-12-31")
    got = c.daily.set_index(["date", "category", "subcategory", "district"])["count"].to_dict()
    assert got == {
        (T(2023, 1, 22), "刑事", "盗窃", "东城区"): 2,
        (T(2023, 1, 22), "交通", "交通事故", "西城区"): 1,
        (T(2023, 1, 23), "其他", "", ""): 1,
        (T(2023, 1, 23), "其他", "盗窃", "东城区"): 1,
    }
    assert c.daily.columns.tolist() == DAILY_COLUMNS and (c.daily["kind"] == "警情").all()
    led = c.ledger
    assert (led["rows_read"], led["rows_kept"], led["rows_rejected"], led["duplicates_removed"]) == (10, 5, 4, 1)
    assert led["rejected_by_reason"] == {"missing_date": 1, "bad_date": 2, "future_date": 1}
    assert led["unmapped_categories"] == {"(空)": 1, "刑事类警清": 1}
    assert led["date_min"] == "2023-01-22" and led["date_max"] == "2023-01-23"
    assert led["files"][0]["time_column"] == "报警时间" and led["files"][0]["kind"] == "警情"
    assert set(led["files"][0]["sensitive_columns_dropped"]) == {"报警人", "联系电话", "案发地址", "报警内容"}
    hours = c.hourly.groupby("hour")["count"].sum().to_dict()
    assert hours == {8: 1, 9: 1, 23: 1, 1: 1, 2: 1}
    assert c.rejects["line"].tolist() == [6, 7, 8, 11]  # header is line 1
    assert c.rejects["reason"].tolist() == ["bad_date", "missing_date", "future_date", "bad_date"]
    assert c.rejects.columns.tolist() == ["file", "line", "reason", "id", "time", "category", "subcategory",
                                          "district"]


def test_outputs_hold_no_sensitive_values_and_neutralise_formulas(incidents, tmp_path):
    c = load(incidents, as_of="2024-12-31")
    out = tmp_path / "out"
    write_cleaned(c, out)
    assert sorted(p.name for p in out.iterdir()) == ["daily.parquet", "hourly.parquet", "ledger.json", "rejects.csv"]
    blob = b"".join(p.read_bytes() for p in out.iterdir())
    summary = ledger_summary(c.ledger) + ledger_summary(c.ledger, "en")
    for secret in SECRET:
        assert secret.encode() not in blob and secret not in summary
    rejects = (out / "rejects.csv").read_text("utf-8-sig")
    assert "'=cmd" in rejects and ",=cmd" not in rejects
    assert pq.read_schema(out / "daily.parquet").field("date").type == "date32[day]"
    back = read_cleaned(out)
    pd.testing.assert_frame_equal(back.daily, c.daily)
    assert back.ledger["rows_read"] == 10
    again = load_data(out)
    assert again.daily["count"].sum() == 5
    with pytest.raises(InputError):
        load_data([out, incidents])


def test_day_start_and_dedupe_exact(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("报警时间,报警类别\n2023-01-22 07:59,火灾\n2023-01-22 08:00,火灾\n2023-01-22 08:00,火灾\n", "utf-8")
    c = load(path, schema={"day_start": "08:00"}, as_of="2024-01-01")
    assert c.daily.set_index("date")["count"].to_dict() == {T(2023, 1, 21): 1, T(2023, 1, 22): 2}
    assert c.ledger["exact_duplicates"] == 1 and c.ledger["duplicates_removed"] == 0
    c = load(path, schema={"day_start": "08:00"}, as_of="2024-01-01", dedupe="exact")
    assert c.daily["count"].sum() == 2 and c.ledger["duplicates_removed"] == 1
    assert c.ledger["rows_read"] == c.ledger["rows_kept"] + c.ledger["rows_rejected"] + c.ledger["duplicates_removed"]


def test_incidents_and_cases_together(tmp_path):
    inc = tmp_path / "inc.csv"
    inc.write_text("接警单编号,报警时间,报警类别\n1,2023-01-22 08:00,治安类警情\n", "utf-8")
    cases = tmp_path / "cases.csv"
    cases.write_text("案件编号,立案时间,发案时间,案件类别,案由\n1,2023-01-25 10:00,2023-01-20 22:00,刑事,盗窃\n", "utf-8")
    c = load([inc, cases], as_of="2024-01-01")
    got = c.daily.set_index(["date", "kind", "category"])["count"].to_dict()
    assert got == {(T(2023, 1, 22), "警情", "治安"): 1, (T(2023, 1, 20), "案件", "刑事案件"): 1}
    assert c.ledger["duplicates_removed"] == 0  # same id "1" in two kinds is not a duplicate
    assert [f["time_column"] for f in c.ledger["files"]] == ["报警时间", "发案时间"]
    assert c.ledger["by_kind"]["案件"]["rows_kept"] == 1


def test_kind_column_and_date_plus_hour(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("类型,日期,时段,类别\n警情,2023-01-22,08~10,火灾\n案件,2023-01-22,,刑事\n", "utf-8")
    c = load(path, schema={"kind_column": "类型", "columns": {"date": "日期", "hour": "时段"}}, as_of="2024-01-01")
    assert c.daily.set_index("kind")["category"].to_dict() == {"警情": "火灾", "案件": "刑事案件"}
    assert c.hourly[["hour", "kind", "count"]].values.tolist() == [[8, "警情", 1]]
    assert c.ledger["hour_unknown"] == 1


def test_long_table_with_masked_and_bad_counts(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("日期,类别,辖区,数量\n2023-01-01,刑事,东城区,3\n2023-01-01,交通,东城区,*\n2023-01-02,刑事,东城区,-1\n"
                    "2023-01-02,交通,东城区,2.5\n2023-01-02,火灾,东城区,0\nbad,火灾,东城区,4\n", "utf-8")
    c = load(path, as_of="2024-01-01")
    assert c.ledger["files"][0]["shape"] == "long"
    assert c.daily[["date", "category", "count"]].values.tolist() == [[T(2023, 1, 1), "刑事", 3]]
    assert c.ledger["rejected_by_reason"] == {"bad_date": 1, "masked_count": 1, "bad_count": 2}
    assert c.ledger["masked_cells"] == 1 and c.ledger["rows_kept"] == 2 and c.hourly is None


def test_wide_csv_with_totals(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("日报表,,,,\n日期,刑事,交通,火灾,合计\n1月1日,1,2,3,6\n1月2日,2,*,1,5\n1月3日,1,1,1,4\n合计,4,5,5,15\n",
                    "utf-8")
    c = load(path, schema={"year": 2023}, as_of="2024-01-01")
    led = c.ledger
    assert led["files"][0]["shape"] == "wide" and led["files"][0]["total_rows_dropped"] == 1
    assert (led["rows_read"], led["rows_kept"], led["masked_cells"]) == (9, 8, 1)
    # row 1月3日: parts 3 but 合计 4; column 刑事: parts 4 = total; 火灾: 5 = 5; 交通 has a masked cell: not checked
    assert [(m["date"], m["expected"], m["found"]) for m in led["total_mismatches"]] == [("2023-01-03", 4, 3)]
    assert c.daily.groupby("category")["count"].sum().to_dict() == {"刑事": 4, "交通": 3, "火灾": 5}
    with pytest.raises(InputError, match="year"):
        load(path, as_of="2024-01-01")


def test_address_feeds_district_pattern_and_is_dropped(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("發生日期,案類,發生地點\n1040101,住宅竊盜,臺北市文山區萬美里萬寧街1號\n"
                    "1040102,住宅竊盜,台北市萬華區大理街159巷\n1040103,住宅竊盜,新北市板橋區\n", "utf-8")
    schema = {"calendar": "roc", "taxonomy": "none", "columns": {"address": "發生地點"},
              "district_pattern": "臺北市(..區)"}
    c = load(path, schema=schema, as_of="2024-01-01")
    assert c.daily["district"].tolist() == ["文山区", "万华区", ""]
    assert c.daily["category"].unique().tolist() == ["住宅窃盗"]
    assert c.ledger["district_unmatched"] == 1
    assert c.daily["date"].tolist() == [T(2015, 1, 1), T(2015, 1, 2), T(2015, 1, 3)]


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "nocol.csv"
    path.write_text("编号,类别\n1,刑事\n", "utf-8")
    with pytest.raises(InputError, match=r"nocol\.csv: no date/time column found.*columns found: 编号, 类别"):
        load(path)
    header_only = tmp_path / "header.csv"
    header_only.write_text("报警时间,报警类别\n", "utf-8")
    with pytest.raises(InputError, match="no data rows"):
        load(header_only)
    with pytest.raises(SchemaError, match="'foo'"):
        load(path, schema={"foo": 1})


def test_cli_clean_writes_nothing_on_error(tmp_path, incidents, capsys):
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    assert main(["clean", str(incidents), str(bad), "--out", str(out)]) == 2
    assert "empty.csv" in capsys.readouterr().err and not out.exists()
    assert main(["clean", str(incidents), "--out", str(out), "--as-of", "2024-12-31"]) == 0
    assert "读入 10 行" in capsys.readouterr().out
    assert json.loads((out / "ledger.json").read_text("utf-8"))["rows_kept"] == 5
    assert main(["clean", str(incidents), "--out", str(out), "--lang", "en"]) == 0
    assert "Read 10 rows" in capsys.readouterr().out


def test_ledger_summary_languages():
    led = {"rows_read": 1000, "rows_kept": 950, "rows_rejected": 30, "duplicates_removed": 20,
           "rejected_by_reason": {"bad_date": 20, "missing_date": 10}}
    assert ledger_summary(led).startswith("读入 1,000 行，保留 950 行，剔除 30 行（日期无法识别 20，日期为空 10），去除重复 20 行。")
    assert ledger_summary(led, "en").startswith("Read 1,000 rows, kept 950, rejected 30 (unparseable date 20")
    # an unmapped blank category is listed as (空) in Chinese and (blank) in English
    led["unmapped_categories"] = {"(空)": 18, "盗窃类": 2}
    assert "未识别的类别计入“其他”：(空) 18" in ledger_summary(led)
    assert "Unmapped categories counted as Other: (blank) 18, 盗窃类 2." in ledger_summary(led, "en")


# ------------------------------------------------------------------ property test

GOOD = st.tuples(st.integers(0, 40), st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)),
                 st.integers(0, 23), st.sampled_from(["刑事类警情", "交通", "糾紛", "", "未知类"]))
BAD = st.sampled_from(["2023-13-45 08:00", "N/A", "", "2042-05-01 08:00", "二〇二三年", "2023/02/30"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.one_of(GOOD.map(lambda g: ("good", g)), st.tuples(st.just("bad"), st.integers(0, 40), BAD)),
                     min_size=1, max_size=60),
       with_id=st.booleans())
def test_ledger_invariant_property(tmp_path, rows, with_id):
    lines, good_ids, n_good, n_bad = [], set(), 0, 0
    for kind, *rest in rows:
        if kind == "good":
            (i, day, hour, cat), = rest
            lines.append((i, f"{day:%Y-%m-%d} {hour:02d}:30", cat))
            good_ids.add(i)
            n_good += 1
        else:
            i, raw = rest
            lines.append((i, raw, "刑事"))
            n_bad += 1
    header = "编号,报警时间,报警类别\n" if with_id else "报警时间,报警类别\n"
    body = "".join((f"{i},{t},{c}\n" if with_id else f"{t},{c}\n") for i, t, c in lines)
    if n_good == 0 and n_bad == 0:
        return
    path = tmp_path / "p.csv"
    path.write_text(header + body, "utf-8")
    cleaned = load(path, as_of="2024-12-31", allow_empty=True)  # mostly bad rows: a warning, not an error
    led = cleaned.ledger
    assert led["rows_read"] == led["rows_kept"] + led["rows_rejected"] + led["duplicates_removed"] == len(lines)
    assert led["rows_rejected"] == n_bad
    expected_total = len(good_ids) if with_id else n_good  # without ids, exact duplicates are kept
    assert led["count_total"] == expected_total
    assert int(cleaned.daily["count"].sum()) == expected_total


CELL = st.text(alphabet=st.sampled_from(list("0123456789-/: 年月日时分*,\"\n刑事類　abc\t=")), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(["报警时间", "日期", "报警类别", "数量", "管辖单位", "编号", "合计", "x", ""]),
                       min_size=1, max_size=5),
       cells=st.lists(st.lists(CELL, min_size=1, max_size=6), max_size=8),
       schema=st.sampled_from([None, {"shape": "wide"}, {"shape": "long"}, {"year": 2023}, {"calendar": "roc"},
                               {"day_start": "08:00", "taxonomy": "none"}]))
def test_fuzz_only_package_errors(tmp_path, header, cells, schema):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(cells)
    path = tmp_path / "fuzz.csv"
    path.write_text(buf.getvalue(), "utf-8")
    try:
        cleaned = load(path, schema=schema, as_of="2024-12-31")
    except InputError:
        return
    led = cleaned.ledger
    assert led["rows_read"] == led["rows_kept"] + led["rows_rejected"] + led["duplicates_removed"]


# ------------------------------------------------------------------ typed ledger


def test_typed_ledger_writes_the_recorded_json():
    """The recorded ledger of the sample (written before the ledger was typed; stored with sorted keys)
    survives a round trip through the typed Ledger; the counts add up."""
    from pathlib import Path

    from stats_lib.clean.ledger import Ledger

    recorded = json.loads((Path(__file__).parent / "golden" / "sample" / "ledger.json").read_text("utf-8"))
    typed = Ledger.from_dict(recorded)
    again = typed.to_dict()
    assert again == recorded
    c = typed.counts
    assert c.rows_read == c.rows_kept + c.rows_rejected + c.duplicates_removed
    assert sum(k.counts.rows_read for k in typed.by_kind.values()) == c.rows_read


def test_every_row_after_the_cut_off_names_as_of(tmp_path, capsys):
    """`--as-of 1980-01-01`: every row is a future date; the one line names --as-of and the day, not only the
    column mapping (which is not the cause)."""
    path = tmp_path / "x.csv"
    path.write_text("报警时间,报警类别\n2023-01-21 08:00:00,纠纷\n2023-01-22 09:00:00,求助\n", "utf-8")
    assert main(["clean", str(path), "--out", str(tmp_path / "out"), "--as-of", "1990-01-01"]) == 2
    err = capsys.readouterr().err
    assert "future_date" in err and "--as-of" in err and "1990-01-01" in err and len(err.strip().splitlines()) == 1


def test_a_stray_quote_that_joins_records_stops_the_clean(tmp_path, capsys):
    """A clerk typed "盗窃 in one row and 盗窃" ten rows later: the CSV reader reads the rows between as one field;
    ten records were lost and callers' names reached a subcategory. The clean stops naming the file and column."""
    lines = ["接警单编号,报警时间,报警类别,报警细类,管辖单位,报警人"]
    for i in range(40):
        sub = '"盗窃' if i == 10 else ('盗窃"' if i == 20 else "盗窃")
        lines.append(f"U{i},2023-01-{i % 28 + 1:02d} 08:00:00,求助,{sub},北山区,张{i}")
    path = tmp_path / "quotes.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["clean", str(path), "--out", str(tmp_path / "out"), "--as-of", "2024-12-31"]) == 2
    err = capsys.readouterr().err
    assert "quotes.csv" in err and "'报警细类'" in err and "quote" in err and len(err.strip().splitlines()) == 1
    assert "张1" not in err and not (tmp_path / "out").exists()
    # a value with a line break but no records in it (a two-line district name) is kept
    ok = tmp_path / "ok.csv"
    ok.write_text('报警时间,报警类别,管辖单位\n2023-01-21 08:00:00,求助,"北山区\n城关派出所"\n', "utf-8")
    assert main(["clean", str(ok), "--out", str(tmp_path / "out2"), "--as-of", "2024-12-31"]) == 0


def test_the_same_file_given_twice_is_refused(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("报警时间,报警类别\n2023-01-21 08:00:00,纠纷\n", "utf-8")
    (tmp_path / "link.csv").symlink_to(path)
    for second in (tmp_path / "." / "x.csv", tmp_path / "link.csv"):
        assert main(["clean", str(path), str(second), "--out", str(tmp_path / "out"), "--as-of", "2024-12-31"]) == 2
        err = capsys.readouterr().err
        assert "given twice" in err and len(err.strip().splitlines()) == 1


def test_merged_records_needs_a_date_between_separators():
    from stats_lib.clean.records import merged_records

    assert merged_records(["盗窃", "盗窃,抢劫", "2023-01-21", "东城区; 西城区", None]) is None
    joined = "盗窃,北山区,张10 U11,2023-01-12 08:00:00,求助,盗窃"
    assert merged_records(["盗窃", joined]) == joined
    assert merged_records(["x\tA2\t2023/1/5 8:00\t纠纷"]) is not None


def test_most_rows_rejected_for_two_reasons_stops_the_clean(tmp_path, capsys):
    """40% bad dates and 40% future dates: no single reason passes half, but 80% of the rows are rejected."""
    rows = ["2023-13-45 08:00:00"] * 4 + ["2031-01-01 08:00:00"] * 4 + ["2023-01-21 08:00:00"] * 2
    path = tmp_path / "two.csv"
    path.write_text("报警时间,报警类别\n" + "".join(f"{t},纠纷\n" for t in rows), "utf-8")
    assert main(["clean", str(path), "--out", str(tmp_path / "out"), "--as-of", "2024-12-31"]) == 2
    err = capsys.readouterr().err
    assert "8 of 10 rows rejected (bad_date 4, future_date 4)" in err and len(err.strip().splitlines()) == 1
    # half rejected or fewer passes, as before
    path.write_text("报警时间,报警类别\n" + "".join(f"{t},纠纷\n" for t in rows[:2] + rows[4:6] + rows[8:] * 2),
                    "utf-8")
    assert main(["clean", str(path), "--out", str(tmp_path / "out"), "--as-of", "2024-12-31"]) == 0


def test_a_phone_number_in_a_count_cell_is_not_a_count(tmp_path):
    """A mobile number typed into a long table's count cell was kept as 13,812,345,678 incidents."""
    from stats_lib.clean.rules import MAX_COUNT, parse_counts

    path = tmp_path / "long.csv"
    path.write_text("日期,辖区,类别,数量\n2023-01-21,东城区,纠纷,12\n2023-01-21,西城区,纠纷,13812345678\n"
                    "2023-01-22,东城区,纠纷,99999999\n", "utf-8")
    c = load([path], as_of="2024-12-31")
    assert int(c.daily["count"].sum()) == 12 + 99_999_999 and c.ledger["rejected_by_reason"] == {"bad_count": 1}
    assert "13812345678" not in c.rejects.to_string()
    got = parse_counts(pd.Series([str(MAX_COUNT - 1), str(MAX_COUNT), "110101199003071234"]))
    assert got.reasons.tolist() == ["", "bad_count", "bad_count"]
