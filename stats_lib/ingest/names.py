"""Bare Chinese personal names in dimension values: ``张三`` as a category, ``李四`` as a district.

A name without a label (报警人：…) cannot be told from any other word in free text, but a category,
subcategory or district value (or a wide sheet's column header, which becomes a category) is a short
word of its own: an offence, a unit, a place. :func:`is_person_name` takes such a value for a personal
name when, after NFKC, format characters and white space removed and Traditional → Simplified:

- it is 2 to 4 Han characters;
- it starts with one of the ~100 most common Chinese surnames (:data:`SURNAMES`, the ranking of the
  Ministry of Public Security's household-register name report, 《2020年全国姓名报告》, with the
  variants 萧/肖, 阎/闫, 付/傅) or a compound surname (:data:`COMPOUND_SURNAMES`: 欧阳, 司马, 诸葛 …);
- it holds no place, organisation or offence word (:data:`NOT_NAME_WORDS`: 区, 县, 街, 派出所, 中队, 盗,
  骗, 纠纷, 交通, 治安, 其他 …): ``黄浦区``, ``高新区``, ``江北派出所``, ``黄赌毒``, ``高空抛物`` are not names.

The rule is for dimension values only (never for messages or free text, where ``周末`` or ``高于`` would be
taken for names). Its cost is measured in ``tests/test_pii_values.py``: 0 false positives on the sample's
and the real data's category, subcategory and district values. A name that contains a place word
(``张山``, ``王河``) is missed; such a value still never carries a phone, ID number or address
(:mod:`stats_lib.ingest.privacy`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["SURNAMES", "COMPOUND_SURNAMES", "NOT_NAME_WORDS", "is_person_name"]

#: The ~100 most common single-character surnames (Simplified), most common first.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
    "萧阎傅")
#: Compound surnames.
COMPOUND_SURNAMES = frozenset([
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯",
    "轩辕", "端木", "南宫", "西门", "独孤", "百里", "呼延", "澹台", "申屠", "万俟", "闻人", "赫连", "钟离"])
#: Words of places, units and offences: a value holding one is not a name.
NOT_NAME_WORDS = (
    # places and units
    "省", "市", "区", "县", "州", "旗", "镇", "乡", "村", "街", "道", "路", "巷", "弄", "所", "局", "队", "站", "社区",
    "派出所", "分局", "中队", "大队", "支队", "中心", "园", "庄", "屯", "营", "寨", "堡", "桥", "湖", "山", "河", "港",
    "湾", "岛", "城", "门", "里", "苑", "台", "府", "井", "坊", "楼", "场", "厂", "店", "馆", "院", "校", "厅", "处", "科",
    "部", "组", "岭", "坡", "塘", "沟", "溪", "洲", "滩", "口", "关", "寺", "庙", "塔", "广场", "商圈", "开发", "新区",
    "高新", "工业", "辖", "片", "线", "号", "站", "机场", "码头", "车站", "地铁", "公交", "铁路", "高速", "东部",
    "西部", "南部", "北部", "中部", "城东", "城西", "城南", "城北", "郊",
    # offences and incident kinds
    "类", "警", "案", "事", "罪", "纠纷", "盗", "窃", "抢", "骗", "诈", "火", "灾", "交通", "治安", "刑事", "求助",
    "举报", "投诉", "无效", "其他", "其它", "伤", "害", "殴", "打", "斗", "赌", "毒", "嫖", "娼", "淫", "杀", "绑",
    "拐", "失", "救", "援", "扰", "闹", "噪", "欺", "违", "法", "规", "车", "船", "电", "水", "气", "爆", "溺", "坠",
    "死", "亡", "尸", "医", "病", "疫", "动物", "狗", "猫", "污", "消防", "施工", "咨询", "建议", "表扬", "感谢",
    "骚扰", "误拨", "测试", "挂断", "重复", "未知", "不明", "不详", "空", "合计", "总", "小计", "共计", "全部",
    "走私", "贩", "逃", "诬", "伪", "假", "物", "财", "钱财", "损", "毁", "侵", "占", "涉", "非", "黑", "恶", "枪",
    "刀", "械", "险", "患", "隐", "情", "况", "线索", "信息", "网络", "通讯", "民生", "服务", "政务", "行政",
)

_HAN = re.compile(r"[\u4e00-\u9fff]{2,4}")
_DROP = re.compile(r"[\s·•\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s").convert


def is_person_name(value: object) -> bool:
    """Whether a dimension value (category, subcategory, district, a wide sheet's header) is a bare
    Chinese personal name, by the rule of the module docstring.

    Parameters
    ----------
    value
        Any value; converted with ``str``.

    Returns
    -------
    bool
        True when the value reads as a bare personal name.
    """
    return _is_name("" if value is None else str(value))


@lru_cache(maxsize=65536)
def _is_name(value: str) -> bool:
    text = _DROP.sub("", unicodedata.normalize("NFKC", value))
    if not _HAN.fullmatch(text):
        return False
    text = _t2s()(text)
    if not (text[:2] in COMPOUND_SURNAMES and len(text) >= 3 or text[0] in SURNAMES):
        return False
    return not any(w in text for w in NOT_NAME_WORDS)
