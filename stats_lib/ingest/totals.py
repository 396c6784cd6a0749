"""Vocabulary of the rows and columns of a sheet that are not incidents: totals, comparisons, breakdowns.

Desk sheets spell their totals many ways (合计, 总数, 全市合计, 总计, 共计, Total, All, Sum), name whole-city
rows after the area (全市, 全区, 全县, Citywide), add comparison columns (去年同期, 同比, 环比, 增减, 占比,
``…（%）``, Last year, Change, YoY) and "of which" breakdowns (其中盗窃, of which burglary). Counted as
categories, each of them adds incidents that are already counted or are not incidents at all.
"""

from __future__ import annotations

import re

from stats_lib.ingest.headers import header_key

__all__ = ["TOTAL_NAMES", "AREA_TOTALS", "is_total", "is_subtotal", "is_area_total", "is_derived", "is_breakdown",
           "label_key"]

#: Row or column names (compared with :func:`header_key`) that are totals: dropped, and used as checks.
TOTAL_NAMES = ("合计", "总计", "小计", "累计", "总数", "共计", "总和", "总量", "合计数", "总件数", "总起数", "全部",
               "total", "totals", "sum", "grandtotal", "subtotal", "all", "overall", "alltypes", "allcategories")
#: Names of a whole area (a row that sums the districts): 全市, 全区, 全县 …, Citywide.
AREA_TOTALS = ("citywide", "wholecity", "countywide", "forcewide", "statewide", "allareas", "alldistricts",
               "allprecincts", "allboroughs", "allforces", "allunits")
_TOTAL_SUFFIX = re.compile(r"(合计|总计|小计|共计|总数)$")
_AREA = re.compile(r"^全(市|区|县|局|省|州|旗|盟|镇|乡|所|队|辖区|分局)$")
_TOTAL_EN = re.compile(r"^(grand|sub)?totals?(incidents|crimes|offen[cs]es|cases|calls|count|number)?$")
_SUBTOTAL = re.compile(r"小计$|^subtotal")
_DERIVED = re.compile(r"同期|同比|环比|增减|增幅|降幅|增长|升降|涨幅|比例|占比|百分比|比重|变化|变动|对比|去年|上年|"
                      r"上月|上周|前年|%|％|lastyear|previousyear|prioryear|prevyear|change|yoy|percent|pct|"
                      r"ratio|difference|variance|^diff|^rate$|^share$|^mom$|^vs")
#: A unit in brackets (总计(起), 合计（件）), then punctuation as typed around a label (合计：, Total:, 【合计】).
_UNIT_BRACKET = re.compile(r"[(（\[【〔]\s*(起|件|宗|次|个|人次|单|条|cases?|incidents?|calls?|no\.?)?\s*[)）\]】〕]",
                           re.IGNORECASE)
_PUNCT = re.compile(r"[:：;；,，.。、!！?？*＊#＃'\"“”‘’()（）\[\]【】〔〕<>《》「」『』…·]")
_UNIT_END = re.compile(r"(起|件|宗)$")
_BREAKDOWN = re.compile(r"^(其中|内含|含:|含：|ofwhich|ofthese|including|incl\.)")


def label_key(name: object) -> str:
    """Return the key a row or column label is compared with as a total: :func:`header_key` of the label
    without a unit in brackets (总计(起), 合计（件）), punctuation (合计：, Total:, 【合计】) and spaces.

    Parameters
    ----------
    name
        A row or column label as written.

    Returns
    -------
    str
        The key ('' for a blank label).
    """
    return header_key(_PUNCT.sub("", _UNIT_BRACKET.sub("", str(name))))


def is_total(name: object) -> bool:
    """True when a row or column name is a total or a whole area.

    合计, 总计, 小计, 累计, 总数, 共计, a name ending in one of them (全市合计, 分局小计), 全市, 全区, 全县 …,
    Total, All, Sum, Subtotal, Citywide; also as typed with punctuation, a unit or spaces (``合计：``,
    ``总计(起)``, ``合计件``, ``Total:``, ``【合 计】``).

    Parameters
    ----------
    name : object
        A row or column label.

    Returns
    -------
    bool
        True for a total or a whole area.
    """
    key = label_key(name)
    if not key:
        return False
    return any(k in TOTAL_NAMES or is_area_total(k) or bool(_TOTAL_SUFFIX.search(k)) or bool(_TOTAL_EN.match(k))
               for k in {key, _UNIT_END.sub("", key)} if k)


def is_area_total(name: object) -> bool:
    """True when a district value names the whole area: 全市, 全区, 全县, 全局 …, Citywide, All districts.

    Parameters
    ----------
    name : object
        A district value.

    Returns
    -------
    bool
        True for a whole-area name.
    """
    key = label_key(name)
    return bool(_AREA.match(key)) or key in AREA_TOTALS


def is_subtotal(name: object) -> bool:
    """True when a total is a subtotal (小计, 分局小计, Subtotal): the sum of a group, not of the sheet.

    Parameters
    ----------
    name : object
        A row or column name.

    Returns
    -------
    bool
        True for a subtotal.
    """
    return bool(_SUBTOTAL.search(label_key(name)))


def is_derived(name: object) -> bool:
    """True when a column header names a comparison, not incidents.

    去年同期, 上年同期, 同比, 环比, 增减, 增幅, 比例, 占比, 百分比, a header with % or （%）, Last year, Change,
    YoY, Percent, Ratio.

    Parameters
    ----------
    name : object
        A column header.

    Returns
    -------
    bool
        True for a derived column.
    """
    text = str(name)
    return "%" in text or "％" in text or bool(_DERIVED.search(header_key(name)))


def is_breakdown(name: object) -> bool:
    """True when a column header is an "of which" breakdown of another column (其中盗窃, Of which: burglary).

    Parameters
    ----------
    name : object
        A column header.

    Returns
    -------
    bool
        True for a breakdown.
    """
    return bool(_BREAKDOWN.match(header_key(name)))
