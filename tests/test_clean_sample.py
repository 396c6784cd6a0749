"""The committed sample (data/sample): every planted mess is found with the count in messes.json.

messes.json is written by the sample generator as it plants each mess, independently of the cleaner.
"""

from __future__ import annotations

import gzip
import io
import json

import pandas as pd
import pytest

from stats_lib.clean import load, write_cleaned

AS_OF = "2024-12-31"


@pytest.fixture(scope="module")
def messes(sample_dir):
    path = sample_dir / "messes.json"
    if not path.is_file():
        pytest.fail("data/sample/messes.json is missing: run `make sample`")
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="module")
def records(sample_dir):
    """Incidents and cases cleaned together with no schema, as the Makefile does."""
    files = sorted(sample_dir.glob("incidents_*.csv*")) + sorted(sample_dir.glob("cases_*.csv*"))
    return load(files, as_of=AS_OF)


@pytest.fixture(scope="module")
def sheet(sample_dir):
    return load(sample_dir / "daily_stats_2023.xlsx", schema=sample_dir / "daily_stats_2023.schema.yaml", as_of=AS_OF)


@pytest.mark.parametrize(("kind", "section"), [("警情", "incidents"), ("案件", "cases")])
def test_counts_per_kind(records, messes, kind, section):
    want, got = messes[section], records.ledger["by_kind"][kind]
    for key in ("rows_read", "duplicates_removed", "rows_rejected", "rows_kept", "rejected_by_reason",
                "unmapped_categories"):
        assert got[key] == want[key], key
    assert got["rows_read"] == got["rows_kept"] + got["rows_rejected"] + got["duplicates_removed"]
    daily = records.daily[records.daily["kind"] == kind]
    assert daily.groupby("category")["count"].sum().to_dict() == {k: v for k, v in want["kept_by_category"].items()
                                                                   if v}
    assert daily.groupby(daily["date"].dt.year.astype(str))["count"].sum().to_dict() == want["kept_by_year"]
    assert daily.groupby("district")["count"].sum().to_dict() == want["kept_by_district"]
    fullwidth = want.get("fullwidth_rows", want["fullwidth_category_rows"] + want["fullwidth_district_rows"])
    assert got["normalised_rows"]["fullwidth_or_space"] == fullwidth
    assert got["normalised_rows"]["traditional"] == want.get("traditional_rows", 0)


def test_combined_ledger_and_encodings(records, messes):
    want, got = messes["incidents_and_cases"], records.ledger
    for key in ("rows_read", "duplicates_removed", "rows_rejected", "rows_kept", "rejected_by_reason"):
        assert got[key] == want[key], key
    assert got["unmapped_categories"] == want["unmapped_categories"]
    encodings = {f["path"].rsplit("/", 1)[-1]: f["encoding"] for f in got["files"]}
    for name in messes["incidents"]["gb18030_files"]:
        assert encodings[name] == "gb18030"
    for name, info in {**messes["incidents"]["files"], **messes["cases"]["files"]}.items():
        assert encodings[name].replace("-sig", "") == info["encoding"]
        assert next(f for f in got["files"] if f["path"].endswith(name))["rows_read"] == info["rows"]
    assert got["date_min"] == messes["incidents"]["date_min"] and got["date_max"] == messes["incidents"]["date_max"]
    cases_file = next(f for f in got["files"] if f["kind"] == "案件")
    assert cases_file["time_column"] == "发案时间"


def test_rejected_dates_keep_their_raw_text(records, messes):
    rej = records.rejects
    bad = rej[rej["reason"] == "bad_date"]["time"]
    forms = messes["incidents"]["bad_date_forms"]
    n_forms = {k: messes["incidents"]["bad_date_forms"][k] + messes["cases"]["bad_date_forms"][k] for k in forms}
    assert bad.str.contains("-13-").sum() == n_forms["month13"]
    assert (bad == "N/A").sum() == n_forms["na"]
    assert bad.str.contains("〇").sum() == n_forms["chinese_year"]


def test_reject_lines_point_at_the_raw_rows(records):
    encodings = {f["path"]: f["encoding"] for f in records.ledger["files"]}
    for name, group in records.rejects.groupby("file"):
        text = gzip.decompress(open(name, "rb").read()).decode(encodings[name])
        lines = text.splitlines()
        for line, ident in zip(group["line"], group["id"]):
            assert lines[int(line) - 1].startswith(ident + ","), (name, line)


def test_other_date_spellings_are_kept(records, sample_dir, messes):
    """Count the planted spellings in the raw files with plain pandas; none of those rows is rejected."""
    forms = {"compact": r"\d{14}", "slash": r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}",
             "chinese": r"\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}时\d{1,2}分"}
    encodings = {f["path"].rsplit("/", 1)[-1]: f["encoding"] for f in records.ledger["files"]}
    raw = pd.concat([pd.read_csv(p, usecols=["接警单编号", "报警时间"], dtype=str, keep_default_na=False,
                                 encoding=encodings[p.name]) for p in sorted(sample_dir.glob("incidents_*.csv*"))])
    rejected = set(records.rejects["id"])
    for form, pattern in forms.items():
        hit = raw[raw["报警时间"].str.fullmatch(pattern)]
        assert hit["接警单编号"].nunique() == messes["incidents"]["other_date_formats_kept"][form], form
        assert not set(hit["接警单编号"]) & rejected


def test_daily_sheet(sheet, messes):
    want, got = messes["daily_stats"], sheet.ledger
    assert (got["rows_read"], got["rows_kept"], got["masked_cells"]) == (want["rows_read"], want["rows_kept"],
                                                                         want["masked_cells"])
    assert got["rejected_by_reason"] == want["rejected_by_reason"]
    assert [{k: m[k] for k in ("date", "expected", "found")} for m in got["total_mismatches"]] == \
        want["total_mismatches"]
    assert got["count_total"] == want["total_kept"]
    masked = sheet.rejects[sheet.rejects["reason"] == "masked_count"]
    dates = pd.to_datetime("2023年" + masked["time"], format="%Y年%m月%d日").dt.strftime("%Y-%m-%d")
    assert sorted(zip(dates, masked["category"])) == sorted((m["date"], m["category"]) for m in want["masked"])


def test_daily_sheet_agrees_with_the_record_file(sheet, records, messes):
    """Two shapes, two code paths: the wide sheet equals the 2023 records, apart from the masked cells."""
    rec = records.daily[(records.daily["kind"] == "警情") & (records.daily["date"].dt.year == 2023)]
    rec = rec.groupby(["date", "category"])["count"].sum()
    wide = sheet.daily.groupby(["date", "category"])["count"].sum()
    masked = {(pd.Timestamp(m["date"]), m["category"]) for m in messes["daily_stats"]["masked"]}
    diff = rec.sub(wide, fill_value=0)
    diff = diff[diff != 0]
    assert set(diff.index) <= masked
    for key, value in diff.items():
        assert value == next(m["true"] for m in messes["daily_stats"]["masked"]
                             if (pd.Timestamp(m["date"]), m["category"]) == key)


def test_no_personal_data_in_outputs(records, sample_dir, tmp_path):
    write_cleaned(records, tmp_path)
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir()).decode("utf-8", errors="replace")
    raw = pd.read_csv(io.BytesIO(gzip.decompress((sample_dir / "incidents_2023.csv.gz").read_bytes())), dtype=str,
                      keep_default_na=False, nrows=300)
    for col in ("报警人", "联系电话", "案发地址", "报警内容"):
        for value in raw[col].unique():
            if len(value) >= 4:
                assert value not in blob, col
