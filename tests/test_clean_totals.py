"""Wide and long sheets: totals, whole-city rows, comparison and 'of which' columns are never incidents.

Each input is built here; the expected counts are worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from stats_lib.clean import load
from stats_lib.errors import InputError


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _clean(path, **schema):
    return load(path, schema=schema or None, as_of="2024-12-31")


def _total(c) -> int:
    return int(c.daily["count"].sum())


def _file(c) -> dict:
    return c.ledger["files"][0]


# ------------------------------------------------------------ fault 3: totals not spelled 合计


@pytest.mark.parametrize("word", ["总数", "全市合计", "总计", "共计", "累计", "Total", "All", "Sum"])
def test_total_column_any_spelling_is_not_counted(tmp_path, word):
    # parts: 1+2 + 4+5 = 12; the total column (3, 9) and the total row (5, 7, 12) are not incidents
    text = f"日期,刑事,治安,{word}\n2023-01-21,1,2,3\n2023-01-22,4,5,9\n{word},5,7,12\n"
    c = _clean(_write(tmp_path, "t.csv", text))
    assert _total(c) == 12
    assert _file(c)["total_columns_dropped"] == [word]
    assert _file(c)["total_rows_dropped"] == 1
    assert c.ledger["total_mismatches"] == []


def test_total_column_checked_in_english(tmp_path):
    # Date,Theft,Assault,Total: 3+1=4 but the sheet says 5 on 2023-01-22 -> one mismatch; counts 2+2+3+1 = 8
    text = "Date,Theft,Assault,Total\n2023-01-21,2,2,4\n2023-01-22,3,1,5\n2023-01-23,0,0,0\n"
    c = _clean(_write(tmp_path, "en.csv", text), shape="wide")
    assert _total(c) == 8
    mism = c.ledger["total_mismatches"]
    assert [(m["date"], m["expected"], m["found"], m["column"]) for m in mism] == [("2023-01-22", 5, 4, "Total")]


def test_total_row_checked_like_heji(tmp_path):
    # the 总数 row says 刑事 6 but 1+4 = 5 -> one mismatch on column 刑事
    text = "日期,刑事,治安,总数\n2023-01-21,1,2,3\n2023-01-22,4,5,9\n总数,6,7,13\n"
    c = _clean(_write(tmp_path, "r.csv", text))
    assert _total(c) == 12
    mism = [(m["expected"], m["found"], m["column"]) for m in c.ledger["total_mismatches"]]
    assert (6, 5, "刑事") in mism


# ------------------------------------------------------------ fault 5: comparison columns


def test_comparison_columns_are_ignored_zh(tmp_path):
    # 刑事+治安: 10+5 + 8+4 = 27; 去年同期 (14, 13) and 同比 are comparisons
    text = "日期,刑事,治安,去年同期,同比\n2023-01-21,10,5,14,7.1\n2023-01-22,8,4,13,-7.7\n"
    c = _clean(_write(tmp_path, "cmp.csv", text))
    assert _total(c) == 27
    assert set(c.daily["category"]) == {"刑事", "治安"}
    notes = " ".join(_file(c)["notes"])
    assert "去年同期" in notes and "同比" in notes


def test_comparison_columns_are_ignored_en(tmp_path):
    # Theft+Assault: 3+2 + 1+4 = 10; Last year, Change, YoY, % are comparisons
    text = ("Date,Theft,Assault,Last year,Change,YoY,%\n"
            "2023-01-21,3,2,6,-1,-16.7,50\n2023-01-22,1,4,4,1,25,20\n")
    c = _clean(_write(tmp_path, "cmp_en.csv", text), shape="wide")
    assert _total(c) == 10
    notes = " ".join(_file(c)["notes"])
    assert all(w in notes for w in ("Last year", "Change", "YoY"))


def test_percent_header_is_ignored(tmp_path):
    # 占比（%） and 环比 are not categories: 6+2 = 8
    text = "日期,刑事,治安,占比（%）,环比\n2023-01-21,6,2,75,3\n"
    c = _clean(_write(tmp_path, "pct.csv", text))
    assert _total(c) == 8


# ------------------------------------------------------------ fault 6: 其中 breakdowns


def test_of_which_columns_not_added_zh(tmp_path):
    # 刑事+治安: 10+5 + 8+4 = 27; 其中盗窃/其中诈骗 are parts of 刑事
    text = "日期,刑事,其中盗窃,其中诈骗,治安\n2023-01-21,10,6,3,5\n2023-01-22,8,4,2,4\n"
    c = _clean(_write(tmp_path, "qz.csv", text))
    assert _total(c) == 27
    assert set(c.daily["category"]) == {"刑事", "治安"}
    assert "其中盗窃" in " ".join(_file(c)["notes"])


def test_of_which_columns_not_added_en(tmp_path):
    # Crime + ASB: 7+2 + 5+1 = 15; "Of which: burglary" is part of Crime
    text = "Date,Crime,Of which: burglary,Anti-social behaviour\n2023-01-21,7,3,2\n2023-01-22,5,2,1\n"
    c = _clean(_write(tmp_path, "ow.csv", text), shape="wide")
    assert _total(c) == 15


def test_of_which_named_when_total_disagrees(tmp_path):
    # 合计 = 刑事 + 其中盗窃 + 治安 on every row (16 = 10+1+5, 13 = 8+1+4): the sheet adds its own breakdown
    text = "日期,刑事,其中盗窃,治安,合计\n2023-01-21,10,1,5,16\n2023-01-22,8,1,4,13\n2023-01-23,6,1,3,10\n"
    with pytest.raises(InputError, match=r"qz2\.csv.*合计.*其中盗窃"):
        _clean(_write(tmp_path, "qz2.csv", text))


# ------------------------------------------------------------ faults 4, 10, 11: total rows


@pytest.mark.parametrize("city", ["全市", "全区", "全县", "合计", "总计", "小计", "全局"])
def test_whole_city_row_of_wide_sheet_dropped_zh(tmp_path, city):
    # districts: 1+2 + 4+5 = 12; the city row (5, 7) sums them: dropped, checked, no mismatch
    text = f"日期,辖区,刑事,治安\n2023-01-21,东城区,1,2\n2023-01-21,西城区,4,5\n2023-01-21,{city},5,7\n"
    c = _clean(_write(tmp_path, "w.csv", text))
    assert _total(c) == 12
    assert city not in set(c.daily["district"])
    assert _file(c)["total_rows_dropped"] == 1
    assert c.ledger["total_mismatches"] == []


def test_whole_city_row_of_wide_sheet_checked_per_date_en(tmp_path):
    # 2023-01-21: A+B = 1+4 = 5 and 2+5 = 7, the Citywide row says 5 and 8 -> one mismatch (Assault, 8 vs 7);
    # 2023-01-22: A = 3, 1 and Citywide 3, 1 -> fine. Counts: 1+2+4+5+3+1 = 16
    text = ("Date,District,Theft,Assault\n2023-01-21,A,1,2\n2023-01-21,B,4,5\n2023-01-21,Citywide,5,8\n"
            "2023-01-22,A,3,1\n2023-01-22,Citywide,3,1\n")
    c = _clean(_write(tmp_path, "w_en.csv", text), shape="wide")
    assert _total(c) == 16
    assert _file(c)["total_rows_dropped"] == 2
    mism = [(m["date"], m["expected"], m["found"], m["column"]) for m in c.ledger["total_mismatches"]]
    assert mism == [("2023-01-21", 8, 7, "Assault")]


@pytest.mark.parametrize("city", ["全市", "合计", "Total", "All"])
def test_whole_city_row_of_long_sheet_dropped(tmp_path, city):
    # 东城区 2 + 西城区 3 = 5; the city row (5) is their sum
    text = f"日期,辖区,类别,数量\n2023-01-21,东城区,刑事,2\n2023-01-21,西城区,刑事,3\n2023-01-21,{city},刑事,5\n"
    c = _clean(_write(tmp_path, "l.csv", text))
    assert _total(c) == 5
    assert _file(c)["total_rows_dropped"] == 1
    assert c.ledger["total_mismatches"] == []


def test_whole_city_row_of_long_sheet_mismatch_en(tmp_path):
    # Theft: A 2 + B 3 = 5 but Citywide says 6 -> mismatch; Assault: A 1, Citywide 1 -> fine. Counts 2+3+1 = 6
    text = ("Date,District,Category,Count\n2023-01-21,A,Theft,2\n2023-01-21,B,Theft,3\n2023-01-21,Citywide,Theft,6\n"
            "2023-01-21,A,Assault,1\n2023-01-21,Citywide,Assault,1\n")
    c = _clean(_write(tmp_path, "l_en.csv", text))
    assert _total(c) == 6
    assert _file(c)["total_rows_dropped"] == 2
    mism = [(m["date"], m["category"], m["expected"], m["found"]) for m in c.ledger["total_mismatches"]]
    assert mism == [("2023-01-21", "Theft", 6, 5)]


def test_city_only_export_keeps_its_rows(tmp_path):
    # every district is 全市: a city-level export, its rows are the data (3 + 4 = 7)
    text = "日期,辖区,刑事,治安\n2023-01-21,全市,1,2\n2023-01-22,全市,3,1\n"
    c = _clean(_write(tmp_path, "city.csv", text))
    assert _total(c) == 7


def test_city_row_without_districts_on_its_date_stops(tmp_path):
    # 2023-01-22 has only the 全市 row: a total of nothing or the day's data? The file stops.
    text = "日期,辖区,类别,数量\n2023-01-21,东城区,刑事,2\n2023-01-21,全市,刑事,2\n2023-01-22,全市,刑事,4\n"
    with pytest.raises(InputError, match=r"amb\.csv: line 4: '全市' in column '辖区'"):
        _clean(_write(tmp_path, "amb.csv", text))
    wide = "日期,辖区,刑事,治安\n2023-01-21,东城区,1,2\n2023-01-21,全市,1,2\n2023-01-22,全市,3,1\n"
    with pytest.raises(InputError, match=r"ambw\.csv: line 4: .*'辖区'"):
        _clean(_write(tmp_path, "ambw.csv", wide))


def test_subtotal_rows_checked_per_group_gb18030(tmp_path):
    # title row, 小计 after each date, grand 合计 of the district rows: 1+2+4+5 + 2+1+1+2 = 18.
    # The 小计 of 2023-01-22 says 治安 4 but 1+2 = 3 -> the only mismatch; the grand 合计 (8, 10, 18) holds.
    text = ("2023年1月辖区警情统计表\n日期,辖区,刑事,治安,合计\n2023-01-21,东城区,1,2,3\n2023-01-21,西城区,4,5,9\n"
            "2023-01-21,小计,5,7,12\n2023-01-22,东城区,2,1,3\n2023-01-22,西城区,1,2,3\n2023-01-22,小计,3,4,7\n"
            "合计,,8,10,18\n")
    c = _clean(_write(tmp_path, "sub.csv", text, encoding="gb18030"))
    assert _total(c) == 18
    assert _file(c)["total_rows_dropped"] == 3
    mism = [(m["date"], m["expected"], m["found"], m["column"]) for m in c.ledger["total_mismatches"]]
    assert mism == [("2023-01-22", 4, 3, "治安")]


def test_subtotal_rows_checked_per_group_en(tmp_path):
    # Subtotal rows without a date sum the rows above them (one date each): 3 = 1+2, 5 = 2+3; Total 8 holds
    text = ("Date,District,Theft,Assault\n2023-01-21,A,1,0\n2023-01-21,B,2,0\nSubtotal,,3,0\n"
            "2023-01-22,A,2,1\n2023-01-22,B,3,1\nSubtotal,,5,2\nTotal,,8,2\n")
    c = _clean(_write(tmp_path, "sub_en.csv", text), shape="wide")
    assert _total(c) == 10
    assert _file(c)["total_rows_dropped"] == 3
    assert c.ledger["total_mismatches"] == []


def test_long_total_row_checked(tmp_path):
    # 西城区 on 2023-01-22: 4 + 3 = 7, its 合计 row says 99 -> counted as dropped and listed as a mismatch
    text = ("日期,辖区,类别,数量\n2023-01-22,东城区,刑事,3\n2023-01-22,西城区,刑事,4\n2023-01-22,西城区,治安,3\n"
            "2023-01-22,西城区,合计,99\n")
    c = _clean(_write(tmp_path, "lt.csv", text))
    assert _total(c) == 10
    assert _file(c)["total_rows_dropped"] == 1
    mism = [(m["date"], m["expected"], m["found"], m["line"], m["column"]) for m in c.ledger["total_mismatches"]]
    assert mism == [("2023-01-22", 99, 7, 5, "类别")]


def test_long_total_row_checked_en(tmp_path):
    # B on 2023-01-22: 4 + 3 = 7 and its Total row says 7 -> no mismatch; A's Total says 2 but A has 3
    text = ("Date,District,Category,Count\n2023-01-22,A,Theft,3\n2023-01-22,A,Total,2\n2023-01-22,B,Theft,4\n"
            "2023-01-22,B,Assault,3\n2023-01-22,B,Total,7\n")
    c = _clean(_write(tmp_path, "lt_en.csv", text))
    assert _total(c) == 10
    mism = [(m["expected"], m["found"], m["line"]) for m in c.ledger["total_mismatches"]]
    assert mism == [(2, 3, 3)]


# ------------------------------------------------------------ B9: total labels as typed (punctuation, units)


@pytest.mark.parametrize("label", ["合计：", "总计(起)", "Total:", "合计（件）", "【合 计】", "总数(宗)"])
def test_long_total_label_with_punctuation_or_unit_is_a_total(tmp_path, label):
    # 5 dates x (东城区 10 + 西城区 20) = 150; the label's row (30 each date) is the sum, not a district
    rows = "".join(f"2023-01-2{k},东城区,10\n2023-01-2{k},西城区,20\n2023-01-2{k},{label},30\n" for k in range(1, 6))
    c = _clean(_write(tmp_path, "lab.csv", "日期,辖区,数量\n" + rows))
    assert _total(c) == 150
    assert c.daily.groupby("district")["count"].sum().to_dict() == {"东城区": 50, "西城区": 100}
    assert _file(c)["total_rows_dropped"] == 5
    assert c.ledger["total_mismatches"] == []


def test_wide_total_column_with_unit_is_checked(tmp_path):
    # 刑事 1+4, 治安 2+5 = 12; the 合计(起) column says 3 and 10 -> one mismatch (9 found on 2023-01-22)
    text = "日期,刑事,治安,合计(起)\n2023-01-21,1,2,3\n2023-01-22,4,5,10\n"
    c = _clean(_write(tmp_path, "w.csv", text))
    assert _total(c) == 12
    assert _file(c)["total_columns_dropped"] == ["合计(起)"]
    assert [(m["date"], m["expected"], m["found"]) for m in c.ledger["total_mismatches"]] == [("2023-01-22", 10, 9)]


def test_names_like_totals_are_not_totals():
    from stats_lib.ingest.totals import is_total

    assert [is_total(x) for x in ("一起", "起", "东城区", "盗窃(入室)", "All (excl. traffic)")] == [False] * 5
    assert [is_total(x) for x in ("合计：", "总计(起)", "Total:", "Sum:", "全市：", "合计件")] == [True] * 6
