"""Tests of the sample city generator and the committed sample in data/sample.

Every expected value is recomputed here from the raw files with plain pandas (a small independent
cleaner below), from lunardate, or from the GB 11643 ID rule, never copied from the generator.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from pathlib import Path

import make_sample as sample
import numpy as np
import opencc
import pandas as pd
import pytest
import yaml
from lunardate import LunarDate

from stats_lib.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
TAXONOMY = ROOT / "stats_lib" / "data" / "taxonomy.yaml"
AS_OF = pd.Timestamp("2024-12-31 23:59:59")
FORMATS = {"iso": "%Y-%m-%d %H:%M:%S", "slash": "%Y/%m/%d %H:%M", "chinese": "%Y年%m月%d日 %H时%M分",
           "compact": "%Y%m%d%H%M%S"}
EXPECTED_FILES = (["incidents_2021.csv.gz", "incidents_2022.csv.gz", "incidents_2023.csv.gz"]
                  + [f"incidents_2024-{m:02d}.csv.gz" for m in range(1, 13)]
                  + ["cases_2021-2024.csv.gz", "daily_stats_2023.xlsx", "daily_stats_2023.schema.yaml",
                     "messes.json", "README.md"])


# ------------------------------------------------------------------------------------------------
# a small independent cleaner (plain pandas), used as the second method
# ------------------------------------------------------------------------------------------------
_T2S = opencc.OpenCC("t2s")


def _norm(s: pd.Series) -> pd.Series:
    out = s.map(lambda v: unicodedata.normalize("NFKC", v)).str.strip()
    out = out.str.replace(r"\s+", " ", regex=True)
    out = out.str.replace(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", regex=True)
    return out.map(_T2S.convert).str.casefold()


def _lookup(kind: str) -> dict[str, str]:
    tax = yaml.safe_load(TAXONOMY.read_text("utf-8"))[kind]
    table = {}
    for cat, spec in tax.items():
        for raw in [cat, *spec.get("synonyms", [])]:
            table[_norm(pd.Series([str(raw)]))[0]] = cat
    return table


def _parse_times(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parsed times and the name of the format that parsed each value ('' when none did)."""
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    which = pd.Series("", index=raw.index, dtype=object)
    for name, fmt in FORMATS.items():
        todo = parsed.isna()
        got = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
        ok = got.notna()
        parsed.loc[got.index[ok]] = got[ok]
        which.loc[got.index[ok]] = name
    return parsed, which


def _mini_clean(df: pd.DataFrame, id_col: str, time_col: str, cat_col: str, kind: str) -> dict:
    """Dedupe by id, reject bad/missing/future times, map categories; return counts and the kept rows."""
    rows_read = len(df)
    uniq = df.drop_duplicates(id_col, keep="first")
    t, which = _parse_times(uniq[time_col])
    empty = uniq[time_col].str.strip() == ""
    reason = pd.Series("", index=uniq.index, dtype=object)
    reason[empty] = "missing_date"
    reason[~empty & t.isna()] = "bad_date"
    reason[t.notna() & (t > AS_OF)] = "future_date"
    kept = uniq[reason == ""].copy()
    kept["time"] = t[reason == ""]
    uniq_raw = pd.Series(kept[cat_col].unique())
    key = kept[cat_col].map(dict(zip(uniq_raw, _norm(uniq_raw))))
    kept["category"] = key.map(_lookup(kind)).fillna("其他")
    unmapped = kept.loc[kept["category"].eq("其他") & ~key.isin(_lookup(kind)), cat_col]
    unmapped = unmapped.map(lambda v: "(空)" if v.strip() == "" else v).value_counts()
    kept["district"] = kept["管辖单位"].str.normalize("NFKC").str.strip()
    return {"rows_read": rows_read, "duplicates_removed": rows_read - len(uniq),
            "rejected_by_reason": {r: int((reason == r).sum()) for r in ("bad_date", "missing_date", "future_date")},
            "rows_kept": len(kept), "unmapped": {k: int(v) for k, v in unmapped.items()},
            "formats": which[reason == ""].value_counts().to_dict(), "kept": kept}


# ------------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def messes() -> dict:
    return json.loads((SAMPLE / "messes.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    frames = []
    for path in sorted(SAMPLE.glob("incidents_*.csv.gz")):
        enc = "gb18030" if path.name == "incidents_2022.csv.gz" else "utf-8"
        d = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
        d["file"] = path.name
        frames.append(d)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "cases_2021-2024.csv.gz", dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def clean_incidents(incidents) -> dict:
    return _mini_clean(incidents, "接警单编号", "报警时间", "报警类别", "incidents")


# ------------------------------------------------------------------------------------------------
# files, sizes, encodings
# ------------------------------------------------------------------------------------------------
def test_files_present_and_within_size_budget():
    names = sorted(p.name for p in SAMPLE.iterdir() if p.is_file())
    assert sorted(EXPECTED_FILES) == names
    total = sum(p.stat().st_size for p in SAMPLE.iterdir())
    assert total <= 15 * 1024 * 1024, f"data/sample is {total / 2**20:.1f} MiB"


def test_headers_and_encodings():
    raw22 = gzip.decompress((SAMPLE / "incidents_2022.csv.gz").read_bytes())
    with pytest.raises(UnicodeDecodeError):
        raw22.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):  # names with characters outside GBK
        raw22.decode("gbk")
    text = raw22.decode("gb18030")
    assert text.split("\r\n", 1)[0].split(",") == sample.INCIDENT_COLUMNS
    for name in ("incidents_2021.csv.gz", "incidents_2023.csv.gz", "incidents_2024-06.csv.gz"):
        head = gzip.decompress((SAMPLE / name).read_bytes()).decode("utf-8").split("\n", 1)[0]
        assert head.split(",") == sample.INCIDENT_COLUMNS
    raw = gzip.decompress((SAMPLE / "cases_2021-2024.csv.gz").read_bytes())
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").split("\n", 1)[0].split(",") == sample.CASE_COLUMNS
    schema = yaml.safe_load((SAMPLE / "daily_stats_2023.schema.yaml").read_text("utf-8"))
    assert schema["shape"] == "wide" and schema["year"] == 2023


# ------------------------------------------------------------------------------------------------
# structure, recomputed from the raw files
# ------------------------------------------------------------------------------------------------
def test_daily_counts_between_150_and_250(incidents, cases):
    # The day of each incident is in its 接警单编号 (9901 + YYYYMMDD + sequence), so this holds before messes.
    uniq = incidents.drop_duplicates("接警单编号")
    per_day = uniq["接警单编号"].str.slice(4, 12).value_counts()
    assert len(per_day) == (pd.Timestamp("2024-12-31") - pd.Timestamp("2021-01-01")).days + 1
    assert per_day.min() >= 150 and per_day.max() <= 250
    t = pd.to_datetime(cases.drop_duplicates("案件编号")["立案时间"], format=FORMATS["iso"])
    assert t.notna().all()


def test_spring_festival_structure(clean_incidents):
    kept = clean_incidents["kept"]
    day = kept["time"].dt.normalize()
    for year in range(2021, 2025):
        sf = pd.Timestamp(LunarDate(year, 1, 1).to_solar_date())
        chuxi, yuanxiao = sf - pd.Timedelta(days=1), pd.Timestamp(LunarDate(year, 1, 15).to_solar_date())
        in_year = kept["time"].dt.year == year
        fire = kept[in_year & kept["category"].eq("火灾")]
        fire_mean = len(fire) / (366 if year % 4 == 0 else 365)
        assert (fire["time"].dt.normalize() == chuxi).sum() > 3 * fire_mean
        night = fire["time"].between(chuxi + pd.Timedelta(hours=22), sf + pd.Timedelta(hours=2), inclusive="left")
        assert night.sum() > 4 * fire_mean * (4 / 24) * 5
        eve = fire["time"].between(yuanxiao + pd.Timedelta(hours=18), yuanxiao + pd.Timedelta(hours=23),
                                   inclusive="left")
        assert eve.sum() > 3 * fire_mean * (5 / 24)
        # fewer incidents overall in the holiday week (除夕..初六) than in the two weeks after 元宵
        week = day.between(chuxi, sf + pd.Timedelta(days=5)) & in_year
        after = day.between(yuanxiao + pd.Timedelta(days=1), yuanxiao + pd.Timedelta(days=14))
        assert week.sum() / 7 < 0.95 * after.sum() / 14
        # traffic up on the return-travel days 初五-初七, compared with the holiday week's other days
        traffic = kept["category"].eq("交通")
        ret = traffic & day.between(sf + pd.Timedelta(days=4), sf + pd.Timedelta(days=6))
        early = traffic & day.between(chuxi, sf + pd.Timedelta(days=3))
        assert ret.sum() / 3 > 1.3 * early.sum() / 5
        # theft in the four weeks before the festival above the same weeks after 元宵
        theft = kept["报警细类"].eq("盗窃")
        before = theft & day.between(sf - pd.Timedelta(days=28), sf - pd.Timedelta(days=2))
        later = theft & day.between(yuanxiao + pd.Timedelta(days=7), yuanxiao + pd.Timedelta(days=33))
        assert before.sum() > 1.1 * later.sum()
        # family disputes up in the holiday week against the rest of the year's daily mean
        fam = kept["报警细类"].eq("家庭纠纷") & in_year
        assert (fam & week).sum() / 7 > 1.2 * fam.sum() / 365


def test_criminal_trend_and_hours(clean_incidents):
    kept = clean_incidents["kept"]
    crim = kept[kept["category"].eq("刑事")]["time"].dt.year.value_counts().sort_index()
    assert list(crim.index) == [2021, 2022, 2023, 2024]
    assert (np.diff(crim.to_numpy()) < 0).all()
    ratio = (crim[2024] / crim[2021]) ** (1 / 3)
    assert 0.92 < ratio < 0.98
    hours = kept["time"].dt.hour.value_counts(normalize=True)
    assert hours[[3, 4, 5]].sum() < 0.5 * hours[[19, 20, 21]].sum()


def test_phone_numbers_and_id_numbers(incidents):
    phones = incidents["联系电话"]
    assert phones.str.fullmatch(r"1[3-9]\d{9}").all()
    ids = incidents["报警内容"].str.extractall(r"(?<!\d)(\d{17}[\dX])(?!\d)")[0]
    assert len(ids) > 1000
    digits = np.array([[int(c) for c in s[:17]] for s in ids.drop_duplicates()])
    weights = np.array([2 ** (17 - i) % 11 for i in range(17)])  # GB 11643: W_i = 2^(i-1) mod 11
    check = np.array(list("10X98765432"))[(digits @ weights) % 11]
    assert (check == ids.drop_duplicates().str[-1].to_numpy()).all()
    birth = pd.to_datetime(ids.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    assert birth.notna().all()
    assert incidents["报警人"].str.len().between(2, 4).all()
    assert incidents["案发地址"].str.startswith("示例市").all()


def test_id_check_digit_against_a_published_example():
    # The example number of GB 11643-1999: 11010519491231002X.
    assert sample.id_check_digit(np.array(["11010519491231002"]))[0] == "X"
    assert sample.id_check_digit(np.array(["44052418800101001"]))[0] == "4"


def test_festival_dates_from_lunardate(messes):
    for year in range(2021, 2025):
        sf = LunarDate(year, 1, 1).to_solar_date()
        planted = messes["planted"]["years"][str(year)]
        assert planted["spring_festival"] == sf.isoformat()
        assert planted["chuxi"] == (pd.Timestamp(sf) - pd.Timedelta(days=1)).date().isoformat()
        assert planted["yuanxiao"] == LunarDate(year, 1, 15).to_solar_date().isoformat()
    assert messes["planted"]["years"]["2023"]["chuxi"] == "2023-01-21"  # known: 除夕 2023 was 21 January


# ------------------------------------------------------------------------------------------------
# the messes, recounted
# ------------------------------------------------------------------------------------------------
def test_incident_messes_recounted(incidents, clean_incidents, messes):
    m, c = messes["incidents"], clean_incidents
    assert c["rows_read"] == m["rows_read"]
    assert c["duplicates_removed"] == m["duplicates_removed"]
    assert c["rejected_by_reason"] == m["rejected_by_reason"]
    assert c["rows_kept"] == m["rows_kept"]
    assert m["rows_read"] == m["rows_kept"] + m["rows_rejected"] + m["duplicates_removed"]
    assert c["unmapped"] == m["unmapped_categories"]
    kept = c["kept"]
    assert kept["category"].value_counts().to_dict() == m["kept_by_category"]
    assert kept["district"].value_counts().to_dict() == m["kept_by_district"]
    assert {str(k): v for k, v in kept["time"].dt.year.value_counts().items()} == m["kept_by_year"]
    formats = {k: v for k, v in c["formats"].items() if k != "iso"}
    assert formats == m["other_date_formats_kept"]
    trad = incidents["报警类别"].str.contains("[類糾紛]")
    assert trad.sum() == m["traditional_rows"]
    spaced = incidents[["报警类别", "管辖单位"]].apply(lambda s: s.ne(s.str.strip()) & s.str.strip().ne(""))
    uniq = incidents.drop_duplicates("接警单编号").index
    assert spaced.loc[uniq].sum().to_dict() == {"报警类别": m["fullwidth_category_rows"],
                                                "管辖单位": m["fullwidth_district_rows"]}
    assert m["gb18030_files"] == ["incidents_2022.csv.gz"]
    dup = incidents[incidents.duplicated("接警单编号", keep=False)]
    assert set(dup["file"].str.slice(0, 14)) == {"incidents_2024"}
    assert dup.groupby("接警单编号").nunique().drop(columns="file").eq(1).all().all()  # exact copies


def test_case_messes_recounted(cases, messes):
    m = messes["cases"]
    c = _mini_clean(cases, "案件编号", "发案时间", "案件类别", "cases")
    assert (c["rows_read"], c["duplicates_removed"], c["rows_kept"]) == (
        m["rows_read"], m["duplicates_removed"], m["rows_kept"])
    assert c["rejected_by_reason"] == m["rejected_by_reason"]
    assert c["unmapped"] == m["unmapped_categories"]
    assert c["kept"]["category"].value_counts().to_dict() == m["kept_by_category"]
    assert c["kept"]["district"].value_counts().to_dict() == m["kept_by_district"]
    per_day = c["kept"]["time"].dt.normalize().value_counts()
    assert per_day.min() >= 20 - 2 and per_day.max() <= 40  # a few rejected rows may lower a day


def test_daily_stats_sheet_matches_the_2023_records(clean_incidents, messes):
    from openpyxl import load_workbook

    ws = load_workbook(SAMPLE / "daily_stats_2023.xlsx", read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "示例市2023年警情统计日报表"
    assert rows[1][0] == "日期" and rows[1][1] == "警情类别" and rows[1][-1] == "合计"
    cats = list(rows[2][1:-1])
    assert cats == sample.CATEGORIES
    body, bottom = rows[3:-1], rows[-1]
    assert bottom[0] == "合计" and len(body) == 365
    labels = [r[0] for r in body]
    assert labels[0] == "1月1日" and labels[20] == "1月21日"
    sheet = pd.DataFrame([r[1:-1] for r in body], columns=cats)
    written_total = pd.Series([r[-1] for r in body])
    kept = clean_incidents["kept"]
    k23 = kept[kept["time"].dt.year == 2023]
    truth = (pd.crosstab(k23["time"].dt.normalize(), k23["category"]).reindex(columns=cats, fill_value=0)
             .reindex(pd.date_range("2023-01-01", "2023-12-31"), fill_value=0).reset_index(drop=True))
    masked = sheet.eq("*")
    assert int(masked.to_numpy().sum()) == messes["daily_stats"]["masked_cells"]
    numeric = sheet.where(~masked)
    assert (numeric.fillna(-1).to_numpy() == truth.where(~masked, -1).to_numpy()).all()
    off = written_total != truth.sum(axis=1)
    assert off.sum() == 1
    i = int(np.flatnonzero(off)[0])
    mismatch = messes["daily_stats"]["total_mismatches"]
    day = (pd.Timestamp("2023-01-01") + pd.Timedelta(days=i)).strftime("%Y-%m-%d")
    assert mismatch == [{"date": day, "expected": int(written_total[i]), "found": int(truth.sum(axis=1)[i])}]
    assert list(bottom[1:-1]) == truth.sum().tolist()
    assert bottom[-1] == int(truth.to_numpy().sum())


def test_readme_states_the_counts(messes):
    text = (SAMPLE / "README.md").read_text("utf-8")
    inc = messes["incidents"]
    for n in (inc["duplicates_removed"], inc["rows_kept"], inc["rejected_by_reason"]["bad_date"]):
        assert f"| {n} |" in text or f" {n} " in text
    assert "GB18030" in text and "incidents_2022.csv.gz" in text


# ------------------------------------------------------------------------------------------------
# the generator
# ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_generator_rebuilds_the_committed_sample(tmp_path):
    sample.write_sample(tmp_path)
    for name in EXPECTED_FILES:
        new, old = tmp_path / name, SAMPLE / name
        if name.endswith(".gz"):
            assert gzip.decompress(new.read_bytes()) == gzip.decompress(old.read_bytes()), name
        elif name.endswith(".xlsx"):
            from openpyxl import load_workbook

            a = [list(r) for r in load_workbook(new).active.iter_rows(values_only=True)]
            b = [list(r) for r in load_workbook(old).active.iter_rows(values_only=True)]
            assert a == b
        else:
            assert new.read_text("utf-8") == old.read_text("utf-8"), name


def test_large_csv_has_exactly_the_rows_asked(tmp_path):
    path = sample.write_large(5000, tmp_path, fmt="csv", chunk_rows=1500,
                              start=pd.Timestamp("2023-01-01").date(), end=pd.Timestamp("2023-01-20").date())
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(df.columns) == sample.INCIDENT_COLUMNS
    assert len(df) == 5000 and df["接警单编号"].is_unique
    t = pd.to_datetime(df["报警时间"], format=FORMATS["iso"])
    assert t.min() >= pd.Timestamp("2023-01-01") and t.max() < pd.Timestamp("2023-01-21")
    assert df["联系电话"].str.fullmatch(r"1[3-9]\d{9}").all()


def test_large_parquet_is_reproducible(tmp_path):
    a = sample.write_large(2000, tmp_path / "a", fmt="parquet", chunk_rows=700)
    b = sample.write_large(2000, tmp_path / "b", fmt="parquet", chunk_rows=700)
    da, db = pd.read_parquet(a), pd.read_parquet(b)
    assert len(da) == 2000
    pd.testing.assert_frame_equal(da, db)


def test_cli_and_bad_parameters(tmp_path, capsys):
    assert sample.main(["--rows", "300", "--out", str(tmp_path), "--format", "csv"]) == 0
    assert (tmp_path / "incidents_synthetic.csv").is_file()
    assert "300" in capsys.readouterr().out
    with pytest.raises(ParameterError, match="--rows"):
        sample.write_large(0, tmp_path)
    with pytest.raises(ParameterError, match="--format"):
        sample.write_large(10, tmp_path, fmt="xlsx")


def test_no_sensitive_column_text_in_messes_json(incidents):
    text = (SAMPLE / "messes.json").read_text("utf-8") + (SAMPLE / "README.md").read_text("utf-8")
    phones = set(incidents["联系电话"].head(2000))
    assert not any(p in text for p in phones)
    assert not re.search(r"\d{17}[\dX]", text)
