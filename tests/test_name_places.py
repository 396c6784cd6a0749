"""Place names and ordinary words are never taken for bare personal names (trial 2, C2), and a redaction that
hits many records of one value is named in the clean summary.

The places and words below are written by hand (districts of Shanghai, Chengdu, Wuhan, Shenzhen, Guangzhou,
Nanjing, Hangzhou, Suzhou … without 区/县/市; incident subcategories), not taken from the package's lists.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pandas as pd
import pytest
from conftest import REALDATA, SAMPLE

from stats_lib import cli
from stats_lib.clean import ledger_summary
from stats_lib.ingest.names import is_person_name, place_names
from stats_lib.ingest.privacy import PLACEHOLDER, is_personal_value

#: Taken for names by the first rule (surname + no place word): each must now be a place or a word.
PLACES = ("黄浦 徐汇 杨浦 武侯 金牛 江岸 江汉 武昌 黄陂 龙华 龙岗 白云 黄埔 秦淮 江宁 余杭 吴中 吴江 常熟 江北 江南 沈阳 "
          "江苏 江津 萬華 万华").split()
WORDS = "孔明灯 龙舟 龙灯 黄牛 钱包 高温 雷击 金融 黄金 石头 白天 方向 金额 万元 毛衣".split()
#: Places and words the first rule left alone already (no surname first, or a place word inside): guards
#: that the new lists do not change them.
GUARDS = ("长宁 静安 普陀 虹口 闵行 宝山 嘉定 青浦 成华 福田 南山 天河 海珠 番禺 鼓楼 西湖 广东 四川 海淀 丰台 "
          "石景山 门头沟 杨浦区 徐汇区 信義 大安 士林 北投 湾仔 油尖旺 马路 高空 高速 文物").split()


@pytest.mark.parametrize("text", PLACES + WORDS)
def test_places_and_words_are_not_persons(text):
    assert not is_personal_value(text), text


@pytest.mark.parametrize("text", GUARDS)
def test_places_and_words_left_alone_before_still_are(text):
    assert not is_personal_value(text), text


@pytest.mark.parametrize("text", ["张伟", "王芳", "李娜", "刘洋", "陈静", "欧阳娜娜", "诸葛亮", "王先生", "黄晓明",
                                  "江小白", "龙小云", "武大郎", "沈一鸣", "常遇春"])
def test_names_are_still_persons(text):
    # a guard, true before the lists too: the lists must not take common names for places or words
    assert is_person_name(text) and is_personal_value(text), text


def test_the_gazetteer_holds_county_level_units_and_their_short_forms():
    places = place_names()
    assert len(places) > 5000  # about 2,850 county-level units, 333 prefectures, 34 provinces, short forms
    for full in ("浦东新区", "朝阳区", "吴江区", "常熟市", "余杭区", "黄陂区", "龙岗区", "沈阳市", "江苏省",
                 "新疆维吾尔自治区", "峨边彝族自治县", "阿拉善盟", "大兴安岭地区"):
        assert full in places, full
    for short in ("浦东", "峨边", "阿拉善", "大兴安岭", "新疆"):
        assert short in places, short


def _suffixless(values: set[str]) -> set[str]:
    return {re.sub(r"(?:派出所|分局|区|區|县|縣|市)$", "", v.strip()) for v in values} - {""}


def test_no_false_positive_on_the_sample_districts_without_their_suffix():
    from stats_lib.ingest.readers import read_table

    values: set[str] = set()
    for f in sorted(SAMPLE.glob("incidents_*.csv.gz")):
        values |= {str(v) for v in read_table(f).frame["管辖单位"].unique()}
    values |= set(pd.read_parquet(SAMPLE / "cleaned" / "daily.parquet")["district"].astype(str))
    short = _suffixless(values)
    assert len(short) >= 6  # 8 when written
    assert sorted(v for v in short if is_personal_value(v)) == []


@pytest.mark.realdata
def test_no_false_positive_on_the_real_districts_without_their_suffix(realdata):
    from stats_lib.ingest.readers import read_table

    values: set[str] = set()
    for f in sorted((REALDATA / "taipei").glob("*.csv")):
        values |= set(read_table(f).frame["發生地點"].str.extract(r"[臺台]北市(..區)", expand=False).dropna())
    short = _suffixless(values)
    assert len(short) == 12  # Taipei's twelve districts
    assert sorted(v for v in short if is_personal_value(v)) == []


def _clean(tmp_path, rows: list[str], lang: str = "zh") -> tuple[pd.DataFrame, dict, str]:
    src = tmp_path / f"in_{lang}.csv"
    src.write_text("\n".join(["接警单编号,报警时间,报警类别,管辖单位", *rows]) + "\n", "utf-8")
    out_dir = tmp_path / f"out_{lang}"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(["clean", str(src), "--out", str(out_dir), "--as-of", "2024-12-31", "--lang", lang])
    assert rc == 0, err.getvalue()
    ledger = json.loads((out_dir / "ledger.json").read_text("utf-8"))
    return pd.read_parquet(out_dir / "daily.parquet"), ledger, out.getvalue()


def _rows(districts: dict[str, int]) -> list[str]:
    rows, n = [], 0
    for d, k in districts.items():
        for i in range(k):
            n += 1
            rows.append(f"S{n:05d},2023-01-{i % 28 + 1:02d} 10:00:00,求助,{d}")
    return rows


def test_shanghai_districts_without_qu_are_kept_apart(tmp_path):
    counts = {"黄浦": 10, "徐汇": 20, "杨浦": 30, "长宁": 40, "静安": 50, "浦东": 60}
    daily, ledger, out = _clean(tmp_path, _rows(counts))
    assert daily.groupby("district")["count"].sum().to_dict() == counts
    assert ledger["values_redacted"]["district"] == 0
    assert PLACEHOLDER not in out


def test_a_redaction_of_many_records_of_one_value_is_named_in_the_summary(tmp_path):
    counts = {"东城区": 5, "张伟": 30, "李娜": 2}
    for lang, words in (("zh", ["辖区 32 条记录", "单个取值就有 30 条", "地名或普通词"]),
                        ("en", ["district 32 records", "one value alone accounts for 30", "place or an ordinary word"])):
        daily, ledger, out = _clean(tmp_path, _rows(counts), lang)
        assert daily.groupby("district")["count"].sum().to_dict() == {"东城区": 5, PLACEHOLDER: 32}
        assert ledger["values_redacted_largest"] == {"district": 30}
        for w in words:
            assert w in out and w in ledger_summary(ledger, lang), (lang, w)
        assert "张伟" not in out and "李娜" not in out


def test_a_few_redacted_records_are_counted_but_not_flagged(tmp_path):
    daily, ledger, out = _clean(tmp_path, _rows({"东城区": 5, "张伟": 3}))
    assert "辖区 3 条记录" in out and "单个取值" not in out
