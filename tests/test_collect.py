"""The Collector: sections numbered in the order shown, files named by what they show."""

import json

import matplotlib.pyplot as plt
import pandas as pd

from stats_lib.briefing.collect import Collector, numbered, section_number


def test_section_numbers():
    assert [section_number(n) for n in (1, 2, 10, 11, 20, 23)] == ["一、", "二、", "十、", "十一、", "二十、", "二十三、"]
    assert section_number(3, "en") == "3. "
    assert numbered("七、异常提示", 4) == "四、异常提示"
    assert numbered("7. Anomalies", 4, "en") == "4. Anomalies"
    assert numbered("节日预测", 8) == "八、节日预测"


def test_sections_numbered_as_shown_and_files_named_by_content(tmp_path):
    c = Collector(tmp_path, title="t")
    assert c.section("header", "全市警情形势分析", level=1) == "全市警情形势分析"
    assert c.section("daily", "三、每日走势", ["日均180起。"]) == "一、每日走势"
    fig = plt.figure()
    c.chart("daily", "每日走势", fig)
    c.chart("daily", "每日走势", fig)
    plt.close(fig)
    c.table("daily", "每日", pd.DataFrame({"a": [1]}))
    assert c.section("anomalies", "七、异常提示") == "二、异常提示"
    index = json.loads((tmp_path / "outputs.json").read_text("utf-8"))
    paths = [i.get("png") or i.get("json") for i in index["items"] if i["kind"] != "section"]
    assert paths == ["charts/daily.png", "charts/daily-2.png", "tables/daily.json"]
    assert all((tmp_path / p).is_file() for p in paths)
    assert index["items"][1]["paragraphs"] == ["日均180起。"]
