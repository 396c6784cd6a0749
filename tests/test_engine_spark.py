"""The Spark engine gives what the embedded engine gives (daily, hourly, ledger, rejects).

Each test cleans the same input with both engines and compares the four results (the embedded engine
is the second method), on the sample, on hand-made records whose outcome is known by construction, on
a Hive table made from a Parquet file, on the whole bad-input corpus through ``briefing clean``, and on
examples of the fuzz strategies of test_fuzz.py.
All of them share one ``local[2]`` session (``spark_session`` in conftest.py) and skip cleanly when
pyspark or Java is absent; CI installs the ``spark`` extra.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from test_fuzz import csv_files, good_and_bad_rows, hostile_rows

from stats_lib import cli
from stats_lib.clean import load
from stats_lib.clean.spark_plan import digest
from stats_lib.errors import SetupError, StatsLibError
from stats_lib.tables import read_cleaned

pytestmark = pytest.mark.spark

AS_OF = "2024-12-31"
EMBEDDED = "duckdb"
BAD = Path(__file__).resolve().parent / "data" / "bad"
SPEC = yaml.safe_load((BAD / "expected.yaml").read_text("utf-8"))
CASES = {c["id"]: c for c in SPEC["cases"]}
HEADER = ["接警单编号", "报警时间", "报警类别", "报警细类", "管辖单位", "报警人"]
# (id, time, category, subcategory, district) and the reason the embedded engine gives (by construction)
ROWS = [
    ("A1", "2023-01-22 08:15:00", "刑事类警情", "盗窃", "东城区", ""),
    ("A1", "2023-01-23 09:00:00", "治安类警情", "斗殴", "西城区", ""),        # repeated id: removed
    (" A2 ", "2023/1/22 8:15", "刑事類警情", "盗窃", "东城区", ""),           # Traditional, Python parser
    ("A2", "2023年1月22日 8时15分", "交通类警情", "事故", "东城区", ""),     # same id once stripped
    ("A3", "2023-13-45 10:00", "纠纷", "", "南湖区", "bad_date"),
    ("A3", "20230122081500", "纠纷", "家庭纠纷", "南湖区", ""),
    ("A4", "2023-01-22", "求助", "", "北山区", ""),                          # Spark's date form: no hour
    ("A5", "20230122", "求助", "", "北山区", ""),
    ("A6", "2023-01-22T08:15:00+00:00", "火灾", "", "高新区", ""),          # UTC offset: 16:15 local
    ("A7", " 2023-01-22 07:59:00 ", "治安类警情　", "", "东城区　", ""),
    ("A8", "２０２３-01-22 10:00", "Break  and Enter", "", "开发区", ""),    # full-width digits, unmapped
    ("A9", "44948.5", "刑事类警清", "", "开发区", ""),                       # Excel serial, misspelled
    ("A10", "N/A", "刑事类警情", "", "东城区", "bad_date"),
    ("A11", "", "刑事类警情", "", "东城区", "missing_date"),
    ("A12", "2041-01-01 00:00:00", "刑事类警情", "", "东城区", "future_date"),
    ("A13", "2023-02-30 00:00:00", "刑事类警情", "", "东城区", "bad_date"),   # Spark's form, not a date
    ("A14", "2023-01-24 23:30:00", "", "", "", ""),
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", ""),                   # no id, exact twins below
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", ""),
    ("", "2023-01-25 10:00:00", "纠纷", "", "西城区", ""),
    ("A15", "1899-12-31 00:00:00", "纠纷", "", "西城区", "bad_date"),         # before DATE_YEARS
    ("A16", "2023-01-26 00:00:00", "无效报警", "", "江北县", ""),
]


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame([r[:5] for r in ROWS], columns=HEADER[:5])
    names = [f"张{i}" for i in range(len(ROWS))]
    names[18] = names[19] = names[17]        # the three rows without an id are exact twins
    frame["报警人"] = names
    return frame


def _typed(text: str) -> pd.Timestamp:
    """One cell as a typed local time (each cell parsed alone: pandas 3 takes one format for a whole column)."""
    t = pd.to_datetime(text, errors="coerce")
    if pd.isna(t):
        return pd.NaT
    return t.tz_convert("Asia/Shanghai").tz_localize(None) if t.tzinfo else t


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.daily, b.daily)
    if a.hourly is None:
        assert b.hourly is None
    else:
        pd.testing.assert_frame_equal(a.hourly, b.hourly)
    assert b.ledger["engine"] == "spark"
    la = {k: v for k, v in a.ledger.items() if k not in ("engine", "engine_note")}
    lb = {k: v for k, v in b.ledger.items() if k not in ("engine", "engine_note")}
    assert list(la) == list(lb)
    assert la == lb
    pd.testing.assert_frame_equal(a.rejects.reset_index(drop=True), b.rejects.reset_index(drop=True))


def _both(paths, **kwargs):
    return (load(paths, as_of=AS_OF, engine=EMBEDDED, **kwargs), load(paths, as_of=AS_OF, engine="spark", **kwargs))


def test_sample_same_tables_ledger_rejects(spark_session, sample_dir):
    files = sorted(sample_dir.glob("incidents_*.csv.gz")) + sorted(sample_dir.glob("cases_*.csv.gz"))
    a, b = _both(files)
    _same(a, b)
    assert b.ledger["rows_read"] > 10_000 and b.hourly is not None


def test_records_known_by_construction(spark_session, tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_text(_frame().to_csv(index=False, lineterminator="\n"), "utf-8")
    a, b = _both([path])
    _same(a, b)
    reasons = [r[5] for r in ROWS if r[5]]
    assert b.ledger["rows_rejected"] == len(reasons)
    assert b.ledger["rejected_by_reason"] == {r: reasons.count(r) for r in dict.fromkeys(
        ["missing_date", "bad_date", "future_date"]) if r in reasons}
    assert b.ledger["duplicates_removed"] == 2 and b.ledger["exact_duplicates_kept"] == 2
    assert list(b.rejects["line"]) == [i + 2 for i, r in enumerate(ROWS) if r[5]]   # header is line 1
    assert "张" not in b.rejects.to_csv()      # the caller's name column never reaches the rejects
    a2, b2 = _both([path], dedupe="exact")
    _same(a2, b2)
    assert b2.ledger["duplicates_removed"] == 4


def test_gb18030_title_rows_and_parquet_typed_times(spark_session, tmp_path):
    text = "示例市警情导出\n" + _frame().to_csv(index=False, sep="\t", lineterminator="\r\n")
    tsv = tmp_path / "gb.tsv"
    tsv.write_bytes(text.encode("gb18030"))
    _same(*_both([tsv]))
    frame = _frame()
    frame["报警时间"] = pd.Series([_typed(v) for v in frame["报警时间"]], dtype="datetime64[ns]")  # Parquet timestamps
    pq = tmp_path / "typed.parquet"
    frame.to_parquet(pq)
    _same(*_both([pq]))
    both = load([pq, tsv], as_of=AS_OF, engine="spark")     # one file read by Spark, one shaped on the driver
    assert [f["rows_read"] for f in both.ledger["files"]] == [len(ROWS), len(ROWS)]
    assert both.ledger["rows_read"] == 2 * len(ROWS)
    midnight = tmp_path / "dates.parquet"
    frame.assign(报警时间=frame["报警时间"].dt.normalize()).to_parquet(midnight)
    a, b = _both([midnight])
    _same(a, b)
    assert b.hourly is None       # every time is midnight: dates, not times


def test_blank_and_ragged_lines_are_shaped_on_the_driver(spark_session, tmp_path):
    good = _frame().to_csv(index=False, lineterminator="\n")
    blank = tmp_path / "blank.csv"
    blank.write_text(good.replace("\n", "\n\n", 3), "utf-8")
    assert digest(blank).on_driver is True
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(good + "A99,2023-01-27 10:00:00,纠纷\n", "utf-8")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(good + 'A98,2023-01-27 11:00:00,"纠\n纷",,西城区,x\n', "utf-8")
    assert digest(quoted).on_driver is True and digest(ragged).on_driver is False
    single = tmp_path / "single.csv"     # one column: a split quoted field would still look like two good rows
    single.write_text('报警时间\n2023-01-22 08:00\n"2023-01-22\n09:00"\n2023-01-23 10:00\n', "utf-8")
    assert digest(single).on_driver is True
    for path in (blank, ragged, quoted, single):
        _same(*_both([path], allow_empty=True))


def test_hive_table_gives_the_parquet_files_tables(spark_session, tmp_path):
    frame = _frame()
    pq = tmp_path / "incidents.parquet"
    frame.to_parquet(pq)
    spark_session.sql("CREATE DATABASE IF NOT EXISTS police")
    spark_session.read.parquet(str(pq)).write.mode("overwrite").saveAsTable("police.incidents")
    out_table, out_file = tmp_path / "from_table", tmp_path / "from_file"
    assert _cli(["clean", "--engine", "spark", "--table", "police.incidents", "--out", str(out_table),
                 "--as-of", AS_OF])[0] == 0
    assert _cli(["clean", str(pq), "--engine", EMBEDDED, "--out", str(out_file), "--as-of", AS_OF])[0] == 0
    t, f = read_cleaned(out_table), read_cleaned(out_file)
    pd.testing.assert_frame_equal(t.daily, f.daily)
    pd.testing.assert_frame_equal(t.hourly, f.hourly)
    lt = json.loads((out_table / "ledger.json").read_text("utf-8"))
    lf = json.loads((out_file / "ledger.json").read_text("utf-8"))
    for key in ("rows_read", "rows_kept", "rows_rejected", "duplicates_removed", "rejected_by_reason",
                "unmapped_categories", "by_kind"):
        assert lt[key] == lf[key], key
    assert lt["files"][0]["path"] == "police.incidents"


def test_missing_table_and_table_without_spark_are_one_line_errors(spark_session, tmp_path):
    rc, _, err = _cli(["clean", "--engine", "spark", "--table", "police.nope", "--out", str(tmp_path / "o")])
    assert rc == 2 and err.count("\n") == 1 and "police.nope" in err
    rc, _, err = _cli(["clean", "--table", "police.incidents", "--out", str(tmp_path / "o")])
    assert rc == 2 and err.count("\n") == 1 and "spark" in err


def test_without_pyspark_one_line_exit_1(monkeypatch, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(_frame().to_csv(index=False), "utf-8")
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    monkeypatch.setitem(sys.modules, "pyspark", None)    # import pyspark raises ImportError
    rc, out, err = _cli(["clean", str(path), "--engine", "spark", "--out", str(tmp_path / "o")])
    assert rc == 1 and err.count("\n") == 1 and "pyspark" in err and "stats-lib[spark]" in err  # the machine's
    assert not (tmp_path / "o").exists()
    with pytest.raises(SetupError, match="Java"):
        monkeypatch.delitem(sys.modules, "pyspark")
        pytest.importorskip("pyspark")
        monkeypatch.setenv("PATH", str(tmp_path))
        monkeypatch.delenv("JAVA_HOME", raising=False)
        from stats_lib.clean.spark_session import get_session

        get_session()


def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv)
    return rc, out.getvalue(), err.getvalue()


def _corpus_inputs(case: dict, tmp: Path) -> list[str]:
    if "generated" in case:
        spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        gen = case["generated"]
        return [str(module.big_field_csv(tmp / gen["file"], gen["column"]))]
    return [str(BAD / name) for name in case["files"]]


def _outputs(out: Path) -> dict:
    if not out.exists():
        return {}
    got = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".csv",)}
    for name in ("daily.parquet", "hourly.parquet"):
        if (out / name).exists():
            got[name] = pd.read_parquet(out / name)
    if (out / "ledger.json").exists():
        ledger = json.loads((out / "ledger.json").read_text("utf-8"))
        got["ledger"] = {k: v for k, v in ledger.items() if k not in ("engine", "engine_note")}
    return got


def test_bad_input_corpus_same_outcome(spark_session, tmp_path):
    """Every case of tests/data/bad: the same exit code, message and outputs from both engines."""
    differ = []
    for case_id, case in CASES.items():
        tmp = tmp_path / case_id
        tmp.mkdir()
        inputs = _corpus_inputs(case, tmp)
        results = {}
        for engine in (EMBEDDED, "spark"):
            argv = ["clean", *inputs, "--out", str(tmp / engine), "--as-of",
                    str(case.get("as_of", SPEC["defaults"]["as_of"])), "--engine", engine]
            if case.get("schema"):
                argv += ["--schema", str(BAD / case["schema"])]
            rc, _, err = _cli(argv)
            results[engine] = (rc, err, _outputs(tmp / engine))
        (rc_a, err_a, out_a), (rc_b, err_b, out_b) = results[EMBEDDED], results["spark"]
        same = rc_a == rc_b and err_a == err_b and out_a.keys() == out_b.keys()
        for name in out_a if same else ():
            a, b = out_a[name], out_b[name]
            same = same and (a.equals(b) if isinstance(a, pd.DataFrame) else a == b)
        if not same:
            differ.append(case_id)
    assert len(CASES) >= 70
    assert differ == []


# ---------------------------------------------------------------- the fuzz strategies, both engines

SPARK_EXAMPLES = 12   # each example is two Spark jobs of about a second; test_fuzz runs the strategies at length


def _outcome(path: Path, engine: str, **kwargs):
    """What ``load`` gives: ('error', message) or ('ok', Cleaned)."""
    try:
        return "ok", load(path, as_of=AS_OF, engine=engine, **kwargs)
    except StatsLibError as exc:
        return "error", str(exc)


def _same_outcome(path: Path, **kwargs) -> None:
    (ka, a), (kb, b) = _outcome(path, EMBEDDED, **kwargs), _outcome(path, "spark", **kwargs)
    assert ka == kb, (a, b)
    if ka == "error":
        assert a == b
    else:
        _same(a, b)


@settings(max_examples=SPARK_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_fuzz_random_csv_same_outcome(spark_session, file):
    name, data = file
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        _same_outcome(path)


@settings(max_examples=SPARK_EXAMPLES, deadline=None, derandomize=True, database=None)
@given(good_and_bad_rows())
def test_fuzz_good_and_bad_rows_same_tables(spark_session, case):
    rows, n_good = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mix.csv"
        pd.DataFrame(rows, columns=["接警单编号", "报警时间", "报警类别"]).to_csv(path, index=False)
        _same_outcome(path, allow_empty=True)
        assert int(load(path, as_of=AS_OF, engine="spark", allow_empty=True).daily["count"].sum()) == n_good


@settings(max_examples=SPARK_EXAMPLES, deadline=None, derandomize=True, database=None)
@given(hostile_rows())
def test_fuzz_ragged_rows_same_tables(spark_session, case):
    text, n_good, damaged = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hostile.csv"
        path.write_text(text, "utf-8")
        _same_outcome(path)


def test_ids_in_scientific_notation_are_not_used_by_either_engine(spark_session, tmp_path):
    """Two records whose ids Excel turned into the same E-notation number (rules.sci_ids): both engines keep
    both (no duplicate removed) and give the same tables and ledger."""
    path = tmp_path / "sci.csv"
    path.write_text("接警单编号,报警时间,报警类别\n3.20100202301210E+19,2023-01-21 08:00,刑事\n"
                    "3.20100202301210E+19,2023-01-21 09:00,刑事\nA7,2023-01-22 10:00,治安\n", "utf-8")
    a, b = _both([path])
    _same(a, b)
    assert b.ledger["rows_kept"] == 3 and b.ledger["duplicates_removed"] == 0


def test_year_month_day_columns_are_shaped_by_both_engines(spark_session, tmp_path):
    """A date in year, month and day columns is joined when the file is shaped: the plan of a record file
    (clean/records.py, one for both engines) hands it over, as it does long and wide tables."""
    path = tmp_path / "ymd.csv"
    path.write_text("年,月,日,报警类别\n2023,1,21,刑事\n2023,1,21,治安\n2023,1,22,刑事\n", "utf-8")
    schema = {"columns": {"year": "年", "month": "月", "day": "日", "category": "报警类别"}}
    a, b = _both([path], schema=schema)
    _same(a, b)
    assert b.daily.groupby("date")["count"].sum().tolist() == [2, 1]
