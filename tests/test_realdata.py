"""Real public data (../shared/realdata): Taipei thefts (UTF-8 and Big5, ROC dates) and Chicago daily counts.

Every expected value is computed here with plain pandas from the raw files, not by stats_lib.
"""

from __future__ import annotations

import pandas as pd
import pytest

from stats_lib.clean import load

pytestmark = pytest.mark.realdata

SCHEMA = """\
kind: 案件
calendar: roc
taxonomy: none
columns:
  id: ~                  # 編號 is a row number per file, not an id
  date: 發生日期
  hour: 發生時段
  category: 案類
  address: 發生地點
district_pattern: "臺北市(..區)"
"""
#: Traditional -> Simplified, by hand, for the values in these files.
SIMPLIFIED = {"住宅竊盜": "住宅窃盗", "機車竊盜": "机车窃盗", "汽車竊盜": "汽车窃盗", "自行車竊盜": "自行车窃盗",
              "強盜": "强盗", "搶奪": "抢夺", "中正區": "中正区", "大同區": "大同区", "中山區": "中山区",
              "松山區": "松山区", "大安區": "大安区", "萬華區": "万华区", "信義區": "信义区", "士林區": "士林区",
              "北投區": "北投区", "內湖區": "内湖区", "南港區": "南港区", "文山區": "文山区"}


def _expected(files, encoding):
    frames = []
    for f in files:
        raw = pd.read_csv(f, dtype=str, encoding=encoding, keep_default_na=False)
        raw["line"] = raw.index + 2
        raw["file"] = str(f)
        frames.append(raw)
    df = pd.concat(frames, ignore_index=True)
    d = df["發生日期"]
    ok = d.str.fullmatch(r"\d{7}")
    date = pd.to_datetime((d.str[:3].where(ok).astype(float) + 1911).astype("Int64").astype(str) + d.str[3:],
                          format="%Y%m%d", errors="coerce")
    df["date"] = date
    df["district"] = df["發生地點"].str.extract(r"[臺台]北市(..區)", expand=False).map(SIMPLIFIED).fillna("")
    df["category"] = df["案類"].map(SIMPLIFIED)
    df["hour"] = df["發生時段"].str.strip().str.extract(r"^(\d{1,2})", expand=False).astype(int)
    return df


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "taipei.yaml"
    path.write_text(SCHEMA, "utf-8")
    return path


def test_taipei_utf8(realdata, schema_file):
    files = sorted((realdata / "taipei").glob("*-UTF8.csv")) + sorted((realdata / "taipei").glob("*點位資訊.csv"))
    c = load(files, schema=schema_file, as_of="2024-12-31")
    exp = _expected(files, "utf-8-sig")
    good = exp[exp["date"].notna()]
    led = c.ledger
    assert led["rows_read"] == len(exp)
    assert led["rows_kept"] == len(good) and led["rows_rejected"] == len(exp) - len(good) == 1
    bom = [f.read_bytes().startswith(b"\xef\xbb\xbf") for f in files]
    assert [f["encoding"] for f in led["files"]] == ["utf-8-sig" if b else "utf-8" for b in bom]
    bad = exp[exp["date"].isna()]
    assert c.rejects[["file", "line", "reason", "time"]].values.tolist() == [
        [bad["file"].iloc[0], bad["line"].iloc[0], "bad_date", bad["發生日期"].iloc[0]]]
    assert "發生地點" not in c.rejects.columns and not c.rejects.astype(str).apply(
        lambda s: s.str.contains("號")).any().any()
    assert c.daily.groupby("category")["count"].sum().to_dict() == good.groupby("category").size().to_dict()
    assert c.daily.groupby("district")["count"].sum().to_dict() == good.groupby("district").size().to_dict()
    assert c.daily.groupby("date")["count"].sum().to_dict() == good.groupby("date").size().to_dict()
    assert c.hourly.groupby("hour")["count"].sum().to_dict() == good.groupby("hour").size().to_dict()
    assert led["date_min"] == good["date"].min().strftime("%Y-%m-%d")  # records before the main range are kept
    assert led["district_unmatched"] == int((good["district"] == "").sum())


@pytest.mark.parametrize("declared", [False, True])
def test_taipei_big5(realdata, schema_file, tmp_path, declared):
    path = realdata / "taipei" / "臺北市住宅竊盜點位資訊-BIG5.csv"
    schema = schema_file
    if declared:
        schema = tmp_path / "big5.yaml"
        schema.write_text(SCHEMA + "encoding: big5\n", "utf-8")
    c = load(path, schema=schema, as_of="2024-12-31")
    exp = _expected([path], "big5")
    good = exp[exp["date"].notna()]
    assert c.ledger["files"][0]["encoding"] == "big5"
    assert c.ledger["rows_read"] == len(exp) == c.ledger["rows_kept"] + c.ledger["rows_rejected"]
    assert c.daily["count"].sum() == len(good)
    assert c.daily.groupby("district")["count"].sum().to_dict() == good.groupby("district").size().to_dict()
    assert c.daily.groupby(c.daily["date"].dt.year)["count"].sum().to_dict() == \
        good.groupby(good["date"].dt.year).size().to_dict()


def test_chicago_long(realdata):
    path = realdata / "chicago" / "crimes_district.csv"
    c = load(path, schema={"shape": "long", "taxonomy": "none"}, as_of="2024-12-31")
    raw = pd.read_csv(path)
    led = c.ledger
    assert led["files"][0]["shape"] == "long" and led["files"][0]["columns"]["count"] == "Incidents"
    assert led["rows_read"] == len(raw) == led["rows_kept"]
    assert c.daily["count"].sum() == raw["Incidents"].sum()
    by_district = raw.groupby(raw["District"].astype(int).astype(str))["Incidents"].sum().astype(int).to_dict()
    assert c.daily.groupby("district")["count"].sum().to_dict() == by_district
    by_day = raw.groupby(pd.to_datetime(raw["Date"]))["Incidents"].sum().astype(int)
    got = c.daily.groupby("date")["count"].sum()
    pd.testing.assert_series_equal(got, by_day[by_day > 0], check_names=False, check_index_type=False)
    assert led["date_min"] == "2001-01-01" and led["date_max"] == "2018-10-31"
    assert c.hourly is None
    christmas = got[pd.Timestamp("2017-12-25")] / got[pd.Timestamp("2017-12-18"):pd.Timestamp("2017-12-22")].mean()
    assert christmas < 0.75  # the documented holiday effect survives cleaning


def test_chicago_total_needs_its_count_column_named(realdata):
    path = realdata / "chicago" / "crime_total.csv"
    c = load(path, schema={"columns": {"count": "crimes_total"}}, as_of="2024-12-31")
    assert c.daily["count"].sum() == pd.read_csv(path)["crimes_total"].sum()
