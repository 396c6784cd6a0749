"""report/formats.py, labels.py and words.py: the one home of the briefing's number formats, labels and change words."""

import datetime as dt

import yaml

from stats_lib.report import formats as fm
from stats_lib.report import labels as lb
from stats_lib.report import words as w


def test_counts_and_means():
    assert fm.fmt_count(1234567) == "1,234,567"
    assert fm.fmt_count(4, mask_below=5) == "*"
    assert fm.fmt_count(0, mask_below=1) == "*"
    assert fm.fmt_count(5, mask_below=5) == "5"
    assert fm.fmt_count(None) == "—"
    assert fm.fmt_mean(26) == "26.0"


def test_percentages_and_changes_keep_their_sign():
    assert fm.signed_pct(-5.24) == "\u22125.2%"
    assert fm.signed_pct(42.86) == "+42.9%"
    assert fm.fmt_signed(-7) == "\u22127"
    assert fm.fmt_signed(0) == "0"


def test_one_p_value_format():
    assert fm.fmt_p(0.00046) == "p < 0.001"
    assert fm.fmt_p(0.0123) == "p = 0.012"


def test_small_change_words():
    assert w.small_words(13, 4) == "由4起增至13起"
    assert w.small_words(4, 13) == "由13起降至4起"
    assert w.small_words(4, 13, "en") == "from 13 to 4"
    assert w.small_words(4, 4) == "均为4起"


def test_english_plurals():
    assert fm.count_phrase(1, "fire incident", "en") == "1 fire incident"
    assert fm.count_phrase(16, "exported file", "en") == "16 exported files"
    assert fm.count_phrase(1, "day", "en") == "1 day"
    assert fm.count_phrase(3, "day", "zh", unit="天") == "3天"


def test_category_labels_come_from_the_taxonomy_and_data_names_keep_their_case(tmp_path):
    assert lb.category_label("火灾", "en") == "Fire"
    assert lb.sentence_label("火灾", "en") == "fire"
    assert lb.category_label("ASSAULT", "en") == "ASSAULT"
    assert lb.sentence_label("Race/Color", "en") == "Race/Color"
    assert lb.category_label("盗窃", "en") == "Theft"
    assert lb.category_label("其他", "en") == "Other"
    custom = tmp_path / "tax.yaml"
    custom.write_text(yaml.safe_dump({"incidents": {"火灾": {"en": "Fires and explosions"}}}, allow_unicode=True),
                      "utf-8")
    assert lb.category_label("火灾", "en", taxonomy=str(custom)) == "Fires and explosions"


def test_reasons_and_dates():
    assert lb.reason_label("bad_date") == "日期无法识别"
    assert lb.reason_label("bad_date", "en") == "unparseable date"
    assert fm.date_text(dt.date(2023, 1, 21), year=True) == "2023年1月21日"
    assert fm.date_text(dt.date(2023, 1, 21), "en") == "21 Jan"
    assert lb.festival_label("初二", "en") == "2nd day of the Lunar New Year"


def test_the_rest_in_one_clause_never_called_normal():
    cats = ["刑事警情", "治安警情", "交通警情", "火灾警情", "纠纷警情"]
    assert w.others_words("类别", cats[:2], []) == "其余类别变化均不显著。"
    assert w.others_words("类别", cats[:1], []) == "其余类别变化不显著。"
    assert w.others_words("类别", cats[:3], [], movers=False) == "各类别变化均不显著。"
    assert w.others_words("类别", [], cats[:2]) == "其余类别样本量小，尚不能判断。"
    # the shorter list is named: one too few among three
    assert w.others_words("类别", cats[:3], ["纠纷警情"]) == "其余类别中，纠纷警情样本量小，尚不能判断，其他变化均不显著。"
    # one judged among four too few: that one is named
    assert w.others_words("类别", ["求助警情"], cats[:4], movers=False) == \
        "各类别中，求助警情变化不显著，其他样本量小，尚不能判断。"
    # both lists long: the too-few are counted, no names
    many = [f"类{i}" for i in range(5)]
    assert w.others_words("类别", many[:4], many, movers=False) == "各类别变化均不显著，其中5类样本量小，尚不能判断。"
    assert w.others_words("辖区", ["东城区"], [], ["临河县", "江北县"]) == \
        "其余辖区变化不显著；临河县、江北县数字以“*”表示，不作比较。"
    assert w.others_words("类别", [], []) == ""
    assert w.others_words("categories", ["criminal incidents"], ["fire incidents"], lang="en") == \
        "Of the other categories, fire incidents: too few to tell; the rest show no significant change."
    assert w.others_words("categories", ["a", "b"], [], movers=False, lang="en") == \
        "None of the categories shows a significant change."
    for text in (w.others_words("类别", cats[:2], cats[2:]), w.others_words("categories", cats, [], lang="en")):
        assert "正常" not in text and "normal" not in text
    assert w.join_names(["a", "b", "c"], "en") == "a, b and c" and w.join_names(["甲", "乙"]) == "甲、乙"
    assert w.dimension_words("subcategory") == "案由" and w.dimension_words("district", "en", plural=False) == "district"
