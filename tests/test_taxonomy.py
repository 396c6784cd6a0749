"""Tests of stats_lib.taxonomy: normalisation and category mapping."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from stats_lib.errors import SchemaError
from stats_lib.ingest.schema import load_schema
from stats_lib.ingest.taxonomy import (
    load_taxonomy,
    map_categories,
    match_key,
    normalisation_flags,
    normalise_text,
    normalise_values,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("刑事類警情", "刑事类警情"),           # Traditional -> Simplified
    ("糾紛", "纠纷"),
    ("　交通类 ", "交通类"),                # full-width space, trailing space
    ("刑事 类　警情", "刑事类警情"),         # white space between Chinese characters removed
    ("Break   and  Enter", "Break and Enter"),  # runs collapsed, words kept apart
    ("ＡＢ１２", "AB12"),                   # full-width letters and digits
    ("东城\u200b区", "东城区"),              # zero-width space
    ("", ""),
    (None, ""),
])
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def test_match_key_is_case_folded():
    assert match_key(" Traffic ") == "traffic"


def test_normalise_values_maps_back_to_every_row():
    s = pd.Series(["糾紛", "纠纷 ", None, "糾紛"], index=[10, 11, 12, 13])
    out = normalise_values(s)
    assert out.tolist() == ["纠纷", "纠纷", "", "纠纷"]
    assert out.index.tolist() == [10, 11, 12, 13]


def test_normalisation_flags():
    s = pd.Series(["刑事類警情", "交通　", "东城区 ", "治安"])
    f = normalisation_flags(s)
    assert f["traditional"].tolist() == [True, False, False, False]
    assert f["fullwidth"].tolist() == [False, True, False, False]
    assert f["whitespace"].tolist() == [False, True, True, False]


def test_default_taxonomy_has_the_agreed_categories():
    tax = load_taxonomy("default")
    incident_names = set(tax.lookup["警情"].values())
    assert incident_names == {"刑事", "治安", "交通", "火灾", "求助", "纠纷", "举报投诉", "其他", "无效"}
    assert set(tax.lookup["案件"].values()) == {"刑事案件", "治安案件"}
    assert all(tax.labels["警情"][c] for c in incident_names)  # every category has an English label


def test_map_categories_synonyms_traditional_blank_and_unknown():
    raw = pd.Series(["刑事类警情", "刑事類警情", " 治安类警情", "", "刑事类警清", "刑事类警清", "火警", "Traffic",
                     None])
    m = map_categories(raw, "警情")
    assert m.category.tolist() == ["刑事", "刑事", "治安", "其他", "其他", "其他", "火灾", "交通", "其他"]
    assert m.unmapped == {"(空)": 2, "刑事类警清": 2}


def test_map_categories_cases_use_the_case_section():
    m = map_categories(pd.Series(["刑事", "治安类案件", "刑事按件"]), "案件")
    assert m.category.tolist() == ["刑事案件", "治安案件", "其他"]
    assert m.unmapped == {"刑事按件": 1}


def test_schema_categories_apply_first_after_normalisation():
    schema = load_schema({"categories": {"住宅竊盜": "刑事", "打架": "治安"}})
    m = map_categories(pd.Series(["住宅窃盗", "住宅竊盜", "打架 ", "别的"]), "警情", schema)
    assert m.category.tolist() == ["刑事", "刑事", "治安", "其他"]
    assert m.unmapped == {"别的": 1}


def test_taxonomy_none_keeps_cleaned_values():
    schema = load_schema({"taxonomy": "none", "categories": {"住宅竊盜": "盗窃"}})
    m = map_categories(pd.Series(["住宅竊盜", "機車竊盜", ""]), "案件", schema)
    assert m.category.tolist() == ["盗窃", "机车窃盗", "其他"]
    assert m.unmapped == {"(空)": 1}


def test_custom_taxonomy_file(tmp_path):
    path = tmp_path / "tax.yaml"
    path.write_text(yaml.safe_dump({"incidents": {"盗窃": {"en": "Theft", "synonyms": ["偷窃"]}}},
                                   allow_unicode=True), "utf-8")
    m = map_categories(pd.Series(["偷竊", "抢劫"]), "警情", taxonomy=load_taxonomy(path))
    assert m.category.tolist() == ["盗窃", "其他"]


def test_bad_taxonomy_file_is_a_schema_error(tmp_path):
    path = tmp_path / "tax.yaml"
    path.write_text("foo: [1, 2]\n", "utf-8")
    with pytest.raises(SchemaError, match="incidents"):
        load_taxonomy(path)


def test_a_schema_mapping_to_a_name_outside_the_taxonomy_is_refused(tmp_path):
    """`categories: {住宅竊盜: 盗窃}` with the default taxonomy sent every row to 其他, as if no mapping was given."""
    from stats_lib.clean import load
    from stats_lib.errors import SchemaError

    path = tmp_path / "cases.csv"
    path.write_text("案件编号,立案时间,案件类别\nA1,2023-01-21 08:00:00,住宅竊盜\nA2,2023-01-22 08:00:00,诈骗\n", "utf-8")
    with pytest.raises(SchemaError, match="住宅竊盜 → 盗窃.*刑事案件, 治安案件"):
        load([path], as_of="2024-12-31", schema={"kind": "案件", "categories": {"住宅竊盜": "盗窃"}})
    ok = load([path], as_of="2024-12-31", schema={"kind": "案件", "categories": {"住宅竊盜": "刑事案件"}})
    assert ok.daily.groupby("category")["count"].sum().to_dict() == {"其他": 1, "刑事案件": 1}
    plain = load([path], as_of="2024-12-31", schema={"kind": "案件", "taxonomy": "none",
                                                    "categories": {"住宅竊盜": "盗窃"}})
    assert set(plain.daily["category"]) == {"盗窃", "诈骗"}


def test_official_simplified_place_names_are_not_converted():
    """OpenCC's t2s writes 乾县 (陕西, an official Simplified name) as 干县, so `--districts 乾县` failed; names of
    the gazetteer (ingest/names.place_names) keep their official form, Traditional input included."""
    from stats_lib.ingest.taxonomy import normalise_text

    assert [normalise_text(v) for v in ("乾县", "乾縣", "乾县公安局", "乾安县")] == ["乾县", "乾县", "乾县公安局", "乾安县"]
    assert normalise_text("臺北市大安區") == "台北市大安区"   # other Traditional names still converted
