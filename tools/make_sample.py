"""Synthetic sample city 示例市: the committed sample exports and large benchmark sets.

``python tools/make_sample.py --out data/sample`` rebuilds the committed sample (fixed seed);
``python tools/make_sample.py --rows 10000000 --out DIR [--format parquet|csv]`` writes a large
record-level incident set for benchmarks, in chunks (memory stays well under 1 GiB for 30M rows).

The sample holds true structure (weekly and seasonal cycles, the Spring Festival effect, a gentle
fall in criminal incidents, hour-of-day profiles) and the messes of real exports in known numbers;
both are written to ``messes.json`` and ``README.md`` by the generator as it plants them.
Everything is drawn with vectorised numpy and the text columns are built with pyarrow compute; there
is no per-row Python loop (only the handful of planted mess rows are formatted one by one).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from lunardate import LunarDate

from stats_lib.errors import ParameterError

__all__ = [
    "SEED",
    "START",
    "END",
    "DISTRICTS",
    "INCIDENT_COLUMNS",
    "CASE_COLUMNS",
    "CATEGORIES",
    "festival_dates",
    "id_check_digit",
    "write_sample",
    "write_large",
    "main",
]

SEED = 20240210
START = dt.date(2021, 1, 1)
END = dt.date(2024, 12, 31)
CITY = "示例市"
DISTRICTS = ["东城区", "西城区", "南湖区", "北山区", "高新区", "开发区", "江北县", "临河县"]
DISTRICT_WEIGHTS = np.array([0.17, 0.16, 0.14, 0.11, 0.13, 0.12, 0.09, 0.08])
INCIDENT_COLUMNS = ["接警单编号", "报警时间", "报警类别", "报警细类", "管辖单位", "报警人", "联系电话",
                    "案发地址", "报警内容", "处警结果"]
CASE_COLUMNS = ["案件编号", "发案时间", "立案时间", "案件类别", "案由", "管辖单位"]

# Top-level incident categories of the default taxonomy, in its order.
CATEGORIES = ["刑事", "治安", "交通", "火灾", "求助", "纠纷", "举报投诉", "其他", "无效"]
# Raw 报警类别 as the old system (2021-2023) and the upgraded one (2024) write them; all are
# taxonomy synonyms.
RAW_OLD = ["刑事类警情", "治安类警情", "交通类警情", "火灾", "群众求助", "纠纷", "举报投诉", "其他", "无效报警"]
RAW_NEW = ["刑事警情", "治安警情", "交通事故", "火警", "求助", "纠纷警情", "举报投诉", "其它", "无效警情"]

# (category, sub-type, base daily mean, hour profile, two phrases for 报警内容)
_SUB = [
    ("刑事", "盗窃", 9.5, 0, "其停放在楼下的电动车被盗", "其放在店内的手机被盗"),
    ("刑事", "诈骗", 6.5, 0, "其接到自称客服的电话后被骗转账", "其在网上刷单被骗"),
    ("刑事", "抢劫", 0.8, 2, "其在路边被人持刀抢走财物", "其在小区门口被抢劫"),
    ("刑事", "故意伤害", 2.4, 2, "其被人用器械打伤", "其在饭店与人争执后被打伤"),
    ("刑事", "抢夺", 1.0, 0, "其手提包被骑摩托车男子抢走", "其项链被人抢走"),
    ("治安", "打架斗殴", 8.5, 2, "有人在烧烤店门口打架", "有多人在广场斗殴"),
    ("治安", "寻衅滋事", 4.0, 2, "有人酒后在店内闹事", "有人在路边随意殴打路人"),
    ("治安", "赌博", 2.5, 2, "有人在出租屋内聚众赌博", "有人在茶楼内赌博"),
    ("治安", "噪音扰民", 8.5, 2, "楼上装修噪音扰民", "附近广场舞音响声音过大"),
    ("治安", "扰乱公共秩序", 3.5, 0, "有人在医院大厅吵闹", "有人在车站拦车"),
    ("交通", "交通事故", 23.0, 1, "两车发生剐蹭", "一辆电动车与小车相撞，有人受伤"),
    ("交通", "交通拥堵", 4.5, 1, "路口车辆拥堵严重", "有车辆违停堵塞道路"),
    ("交通", "交通违法", 3.0, 1, "有车辆逆行", "有人酒后驾车"),
    ("火灾", "火灾", 3.2, 0, "有房屋冒烟起火", "路边垃圾桶着火"),
    ("火灾", "烟花爆竹", 0.3, 2, "有人燃放烟花引燃杂物", "楼下燃放爆竹引发火情"),
    ("求助", "开锁求助", 10.5, 0, "其钥匙反锁在屋内", "其家门锁损坏无法进门"),
    ("求助", "走失求助", 4.0, 0, "其家中老人走失", "其小孩在商场走失"),
    ("求助", "医疗救助", 8.5, 0, "路边有人晕倒", "家中老人突发疾病需要帮助"),
    ("求助", "其他求助", 12.5, 0, "其手机遗失需要帮助", "有人被困电梯"),
    ("纠纷", "家庭纠纷", 9.0, 2, "其与丈夫发生争吵", "其与家人因琐事发生纠纷"),
    ("纠纷", "邻里纠纷", 7.5, 2, "其与邻居因漏水发生纠纷", "其与邻居因停车位发生争执"),
    ("纠纷", "经济纠纷", 7.0, 0, "其与他人因欠款发生纠纷", "其与商家因退款发生纠纷"),
    ("纠纷", "劳资纠纷", 4.5, 0, "其被拖欠工资", "多名工人讨要工资"),
    ("举报投诉", "违法犯罪线索", 5.0, 0, "举报有人在出租屋内吸毒", "举报有人销售假烟"),
    ("举报投诉", "投诉", 7.5, 0, "投诉商家噪音扰民", "投诉出租车拒载"),
    ("其他", "其他", 9.5, 0, "咨询办理户口事宜", "反映路灯损坏"),
    ("无效", "误拨", 14.5, 0, "报警人称误拨", "儿童误拨电话"),
    ("无效", "骚扰", 7.0, 2, "来电人多次无理纠缠", "来电辱骂接警员"),
    ("无效", "无声电话", 7.5, 0, "电话接通后无人说话", "来电无声"),
]
_SUB_CAT = np.array([CATEGORIES.index(s[0]) for s in _SUB])
_SUB_NAME = np.array([s[1] for s in _SUB])
_SUB_BASE = np.array([s[2] for s in _SUB])
_SUB_PROF = np.array([s[3] for s in _SUB])
_SUB_PHRASE = np.array([[s[4], s[5]] for s in _SUB])
_SUB_INDEX = {s[1]: i for i, s in enumerate(_SUB)}

_RESULTS = [
    ["已受理，移交刑侦", "已立案侦查", "现场勘查，已受案"],
    ["已出警处置", "已调解", "已受理治安案件", "劝离"],
    ["已移交交警", "已现场处置", "双方协商解决"],
    ["已通知消防", "已扑灭", "已现场处置"],
    ["已救助", "已帮助解决", "已联系家属"],
    ["已调解", "双方和解", "告知诉讼途径"],
    ["已转相关部门", "已核实处理", "已登记"],
    ["已答复", "已登记"],
    ["无效警情，未出警", "已回拨核实"],
]
_RESULT_TABLE = np.array([[r[k % len(r)] for k in range(4)] for r in _RESULTS])

# Hour-of-day profiles (relative weights, hours 0-23): 0 general, 1 traffic, 2 night-heavy,
# 3 除夕 eve 22-23h, 4 初一 night 0-1h, 5 元宵 evening 18-22h.
_PROFILES = np.array([
    [3.0, 2.2, 1.5, 1.0, 0.8, 0.9, 1.5, 2.8, 4.0, 4.6, 4.9, 5.0, 4.8, 4.7, 4.8, 5.0, 5.2, 5.6, 6.0, 6.5,
     6.8, 6.3, 5.3, 4.1],
    [1.5, 1.0, 0.7, 0.5, 0.5, 0.9, 2.5, 5.5, 6.5, 5.0, 4.5, 4.5, 4.8, 4.5, 4.5, 4.8, 5.5, 6.8, 7.0, 5.5,
     4.5, 3.8, 3.0, 2.2],
    [4.5, 3.5, 2.2, 1.2, 0.8, 0.7, 1.0, 1.8, 2.8, 3.5, 4.0, 4.3, 4.5, 4.3, 4.2, 4.4, 4.8, 5.4, 6.2, 7.0,
     7.6, 7.4, 6.6, 5.6],
    [0.0] * 22 + [1.0, 1.0],
    [1.0, 1.0] + [0.0] * 22,
    [0.0] * 18 + [1.0] * 5 + [0.0],
])
_CDF = np.cumsum(_PROFILES / _PROFILES.sum(axis=1, keepdims=True), axis=1)
_CDF[:, -1] = 1.0

# Weekly (Mon..Sun) and seasonal (amplitude, peak day of year) shape by category.
_WEEK_GENERAL = np.array([0.97, 0.96, 0.97, 0.99, 1.04, 1.06, 1.01])
_WEEK = {"治安": np.array([0.92, 0.91, 0.93, 0.97, 1.08, 1.16, 1.03]),
         "交通": np.array([1.04, 1.02, 1.02, 1.03, 1.06, 0.92, 0.91]),
         "纠纷": np.array([0.95, 0.95, 0.96, 0.98, 1.03, 1.08, 1.05])}
_SEASON = {"治安": (0.12, 205), "纠纷": (0.08, 190), "火灾": (0.25, 15)}
_SEASON_GENERAL = (0.05, 200)
CRIME_TREND = 0.95  # criminal incidents and criminal cases: x0.95 a year
HOLIDAY_FACTOR = 0.80
INCIDENT_RANGE = (150, 250)
BASE_SCALE = 1.03  # brings the incident base to about 200 a day
CASE_RANGE = (20, 40)

# Cases: (案件类别, 案由, base daily mean)
_CASE_SUB = [
    ("刑事案件", "盗窃", 5.8), ("刑事案件", "诈骗", 4.3), ("刑事案件", "抢劫", 0.3),
    ("刑事案件", "故意伤害", 0.9), ("刑事案件", "抢夺", 0.4),
    ("治安案件", "殴打他人", 6.2), ("治安案件", "寻衅滋事", 2.6), ("治安案件", "赌博", 2.6),
    ("治安案件", "盗窃", 4.4), ("治安案件", "卖淫嫖娼", 1.5), ("治安案件", "扰乱公共秩序", 2.2),
]
CASE_CATEGORIES = ["刑事案件", "治安案件"]

_SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
                          "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
                          "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"))
_SURNAME_W = 1.0 / np.arange(1, len(_SURNAMES) + 1) ** 0.8
_SURNAME_W /= _SURNAME_W.sum()
_GIVEN = np.array(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯健俊帆鹏"
                       "志海波东亮林晨欣怡梓涵子轩诗雨佳琪嘉豪思远振国淑珍春梅燕"))
# Given names whose characters are outside GBK (GB18030 only): a file read as GBK breaks on them.
RARE_GIVEN = np.array(["䶮", "㛃", "𠮷祥", "䶮文", "㛃玉", "𠮷"])
_ROADS = np.array(["人民", "解放", "建设", "中山", "和平", "新华", "文化", "学府", "滨江", "湖滨", "青年", "长江",
                   "黄河", "光明", "幸福", "朝阳", "胜利", "迎宾", "振兴", "工业", "商业", "友谊", "团结", "花园"])
_COMPLEX = np.array(["锦绣", "阳光", "翠苑", "金桥", "银河", "碧水", "东方", "紫荆", "桂花", "枫林", "海棠", "明珠"])
_CN_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))
_EPOCH = np.datetime64("1970-01-01", "s")


# ----------------------------------------------------------------------------------------------
# calendar of the planted structure
# ----------------------------------------------------------------------------------------------
def festival_dates(year: int) -> dict[str, dt.date]:
    """Return the Spring Festival dates of ``year`` that the sample's structure is built on.

    Returns
    -------
    dict
        ``spring_festival`` (初一, lunar 1/1), ``chuxi`` (除夕, the day before), ``yuanxiao``
        (元宵, lunar 1/15), ``holiday_start``/``holiday_end`` (除夕 to 初六, the quieter week),
        ``return_start``/``return_end`` (初五 to 初七, return travel), ``theft_start``/``theft_end``
        (the four weeks before the festival when 盗窃 rises), all :class:`datetime.date`.
    """
    sf = LunarDate(year, 1, 1).to_solar_date()
    day = dt.timedelta(days=1)
    return {"spring_festival": sf, "chuxi": sf - day, "yuanxiao": LunarDate(year, 1, 15).to_solar_date(),
            "holiday_start": sf - day, "holiday_end": sf + 5 * day,
            "return_start": sf + 4 * day, "return_end": sf + 6 * day,
            "theft_start": sf - 28 * day, "theft_end": sf - 2 * day}


def _day_frame(start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per day: date (datetime64[s]), dow (0=Mon), doy, years since START."""
    dates = pd.date_range(start, end, freq="D")
    return pd.DataFrame({"date": dates.values.astype("datetime64[s]"), "dow": dates.day_of_week,
                         "doy": dates.day_of_year, "year": dates.year,
                         "t": (dates - pd.Timestamp(START)).days / 365.25})


def _festival_masks(days: pd.DataFrame) -> dict[str, np.ndarray]:
    """Boolean/float arrays over days: holiday, return travel, theft ramp, wage ramp."""
    d = days["date"].values.astype("datetime64[D]")
    out = {k: np.zeros(len(d)) for k in ("holiday", "return", "theft", "wage")}
    for y in sorted(set(days["year"])):
        f = {k: np.datetime64(v) for k, v in festival_dates(int(y)).items()}
        out["holiday"] += (d >= f["holiday_start"]) & (d <= f["holiday_end"])
        out["return"] += (d >= f["return_start"]) & (d <= f["return_end"])
        ramp = (d - (f["theft_start"] - 1)).astype(float) / 27.0
        out["theft"] += np.where((d >= f["theft_start"]) & (d <= f["theft_end"]), ramp, 0.0)
        out["wage"] += (d >= f["spring_festival"] - 35) & (d <= f["theft_end"])
    return out


@dataclass(frozen=True)
class _Cells:
    """Expected counts of (day, sub-type, hour profile) cells; the unit the draws work on."""

    day: np.ndarray
    sub: np.ndarray
    prof: np.ndarray
    mean: np.ndarray


def _incident_cells(days: pd.DataFrame, scale: float = 1.0) -> _Cells:
    """Expected incident counts per day and sub-type, with the festival spikes as extra cells."""
    n_days, n_sub = len(days), len(_SUB)
    dow = days["dow"].to_numpy()
    doy = days["doy"].to_numpy()
    t = days["t"].to_numpy()
    fm = _festival_masks(days)
    mean = np.empty((n_days, n_sub))
    for s, (cat, name, base, *_rest) in enumerate(_SUB):
        week = _WEEK.get(cat, _WEEK_GENERAL)[dow]
        amp, peak = _SEASON.get(cat, _SEASON_GENERAL)
        season = 1.0 + amp * np.cos(2 * np.pi * (doy - peak) / 365.25)
        trend = CRIME_TREND ** t if cat == "刑事" else 1.0
        fest = np.where(fm["holiday"] > 0, HOLIDAY_FACTOR, 1.0)
        if cat == "交通":
            fest = fest * np.where(fm["return"] > 0, 1.7, 1.0)
        if name == "盗窃":
            fest = fest * (1.0 + 0.5 * fm["theft"])
        if name == "劳资纠纷":
            fest = fest * np.where(fm["wage"] > 0, 1.6, 1.0)
        if name == "家庭纠纷":
            fest = fest * np.where(fm["holiday"] > 0, 1.8, 1.0)
        if name == "烟花爆竹":
            fest = fest * np.where(fm["holiday"] > 0, 6.0, 1.0)
        if name == "火灾":
            fest = fest * np.where(fm["holiday"] > 0, 1.25, 1.0)
        mean[:, s] = BASE_SCALE * base * week * season * trend * fest
    day = np.repeat(np.arange(n_days), n_sub)
    sub = np.tile(np.arange(n_sub), n_days)
    prof = np.tile(_SUB_PROF, n_days)
    cells = [(day, sub, prof, mean.ravel())]
    # 除夕 night (22h-02h) and 元宵 evening fire and fireworks spikes.
    d = days["date"].values.astype("datetime64[D]")
    fw, fire = _SUB_INDEX["烟花爆竹"], _SUB_INDEX["火灾"]
    for y in sorted(set(days["year"])):
        f = festival_dates(int(y))
        for date, sub_i, prof_i, m in ((f["chuxi"], fw, 3, 14.0), (f["chuxi"], fire, 3, 4.0),
                                       (f["spring_festival"], fw, 4, 10.0), (f["spring_festival"], fire, 4, 3.0),
                                       (f["yuanxiao"], fw, 5, 8.0), (f["yuanxiao"], fire, 5, 3.0)):
            hit = np.flatnonzero(d == np.datetime64(date))
            if hit.size:
                cells.append((hit, np.array([sub_i]), np.array([prof_i]), np.array([m])))
    day, sub, prof, m = (np.concatenate([c[i] for c in cells]) for i in range(4))
    return _Cells(day=day, sub=sub, prof=prof, mean=m * scale)


def _case_cells(days: pd.DataFrame) -> _Cells:
    """Expected case counts per day and (案件类别, 案由)."""
    dow = days["dow"].to_numpy()
    doy = days["doy"].to_numpy()
    t = days["t"].to_numpy()
    fm = _festival_masks(days)
    amp, peak = _SEASON_GENERAL
    season = 1.0 + amp * np.cos(2 * np.pi * (doy - peak) / 365.25)
    hol = np.where(fm["holiday"] > 0, HOLIDAY_FACTOR, 1.0)
    cols = []
    for cat, name, base in _CASE_SUB:
        trend = CRIME_TREND ** t if cat == "刑事案件" else 1.0
        theft = 1.0 + 0.4 * fm["theft"] if name == "盗窃" else 1.0
        cols.append(base * _WEEK_GENERAL[dow] * season * trend * hol * theft)
    mean = np.column_stack(cols)
    n_days, n_sub = mean.shape
    return _Cells(day=np.repeat(np.arange(n_days), n_sub), sub=np.tile(np.arange(n_sub), n_days),
                  prof=np.zeros(n_days * n_sub, dtype=int), mean=mean.ravel())


def _draw_bounded(cells: _Cells, n_days: int, bounds: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Poisson counts per cell, redrawing whole days whose total falls outside ``bounds``."""
    counts = rng.poisson(cells.mean)
    for _ in range(200):
        total = np.bincount(cells.day, weights=counts, minlength=n_days)
        bad = (total < bounds[0]) | (total > bounds[1])
        if not bad.any():
            return counts
        redo = bad[cells.day]
        counts[redo] = rng.poisson(cells.mean[redo])
    raise RuntimeError("could not draw daily totals within bounds")  # pragma: no cover


def _expand(cells: _Cells, counts: np.ndarray, dates: np.ndarray, rng: np.random.Generator) -> dict:
    """One row per event: sorted timestamps (datetime64[s]), day index, sub-type, district index."""
    idx = np.repeat(np.arange(len(counts)), counts)
    n = idx.size
    prof = cells.prof[idx]
    u = rng.random(n)
    hour = np.zeros(n, dtype=np.int64)
    for p in np.unique(prof):  # six hour profiles, not rows
        sel = prof == p
        hour[sel] = np.minimum(np.searchsorted(_CDF[p], u[sel], side="right"), 23)
    ts = dates[cells.day[idx]] + (hour * 3600 + rng.integers(0, 3600, n)).astype("timedelta64[s]")
    order = np.argsort(ts, kind="stable")
    return {"ts": ts[order], "day": cells.day[idx][order], "sub": cells.sub[idx][order],
            "district": rng.choice(len(DISTRICTS), n, p=DISTRICT_WEIGHTS)}


# ----------------------------------------------------------------------------------------------
# fake personal data (built with pyarrow compute: fast and compact for tens of millions of rows)
# ----------------------------------------------------------------------------------------------
def id_check_digit(first17: np.ndarray) -> np.ndarray:
    """Return the GB 11643 check character ('0'-'9' or 'X') of 17-digit strings (array of str)."""
    digits = np.frombuffer(np.asarray(first17).astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - 48
    return _ID_CHECK[(digits.astype(np.int64) @ _ID_WEIGHTS) % 11]


def _ids(n: int, district: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """18-digit resident ID numbers with a valid check digit (fictional region code 9901xx)."""
    birth = np.datetime64("1950-01-01") + rng.integers(0, 20454, n).astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
    region = np.char.add("9901", np.char.zfill((district + 1).astype(str), 2))
    seq = np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    first = np.char.add(np.char.add(region, ymd), seq)
    return np.char.add(first, id_check_digit(first))


def _take(values: Sequence[str] | np.ndarray, idx: np.ndarray) -> pa.Array:
    """``values[idx]`` as a pyarrow string array."""
    return pa.array(list(values), type=pa.string()).take(pa.array(idx))


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and constants."""
    return pc.binary_join_element_wise(*parts, "")


def _str(values: np.ndarray) -> pa.Array:
    """Integers as decimal strings."""
    return pc.cast(pa.array(values), pa.string())


def _names(n: int, rng: np.random.Generator) -> pa.Array:
    second = np.where(rng.random(n) < 0.7, rng.integers(0, len(_GIVEN), n), len(_GIVEN))
    return _join(_take(_SURNAMES, rng.choice(len(_SURNAMES), n, p=_SURNAME_W)),
                 _take(_GIVEN, rng.integers(0, len(_GIVEN), n)), _take([*_GIVEN, ""], second))


def _phones(n: int, rng: np.random.Generator) -> pa.Array:
    """11-digit mobile numbers 1[3-9]x xxxx xxxx."""
    return _str(10**10 + rng.integers(3, 10, n) * 10**9 + rng.integers(0, 10**9, n))


def _addresses(district: np.ndarray, rng: np.random.Generator) -> pa.Array:
    n = district.size
    base = _join(CITY, _take(DISTRICTS, district), _take(_ROADS, rng.integers(0, len(_ROADS), n)), "路",
                 _str(rng.integers(1, 300, n)), "号")
    flat = _join(_take(_COMPLEX, rng.integers(0, len(_COMPLEX), n)), "小区", _str(rng.integers(1, 30, n)), "栋",
                 _str(rng.integers(1, 7, n)), "单元",
                 _str(rng.integers(1, 30, n) * 100 + rng.integers(1, 5, n)), "室")
    return pc.if_else(pa.array(rng.random(n) < 0.45), _join(base, flat), base)


def _timestamps(ts: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD HH:MM:SS' strings of datetime64[s] values."""
    return np.char.replace(np.datetime_as_string(ts, unit="s"), "T", " ")


def _incident_table(ev: dict, dates: np.ndarray, rng: np.random.Generator, id_width: int = 5) -> pa.Table:
    """The ten export columns (all strings) for the events in ``ev`` (sorted by time)."""
    n = ev["ts"].size
    day, sub, dist = ev["day"], ev["sub"], ev["district"]
    cat = _SUB_CAT[sub]
    first = np.searchsorted(day, day, side="left")
    seq = pc.utf8_lpad(_str(np.arange(n) - first + 1), width=id_width, padding="0")
    ymd = np.char.replace(np.datetime_as_string(dates.astype("datetime64[D]"), unit="D"), "-", "")
    year = dates.astype("datetime64[Y]").astype(int) + 1970
    raw = _take(RAW_OLD + RAW_NEW, cat + len(CATEGORIES) * (year[day] >= 2024))
    invalid = cat == CATEGORIES.index("无效")
    with_id = np.flatnonzero((rng.random(n) < 0.03) & ~invalid)
    tail_idx = np.zeros(n, dtype=np.int64)
    tail_idx[with_id] = np.arange(1, with_id.size + 1)
    tails = ["", *np.char.add("，报警人身份证号", _ids(with_id.size, dist[with_id], rng)).tolist()]
    phrase = _take(_SUB_PHRASE.ravel(), sub * 2 + rng.integers(0, 2, n))
    content = _join(_take(["报警人称", ""], invalid.astype(np.int64)), phrase, _take(tails, tail_idx), "。")
    when = pc.cast(pa.array(ev["ts"], type=pa.timestamp("s")), pa.string())  # "YYYY-MM-DD HH:MM:SS"
    return pa.table({
        "接警单编号": _join("9901", _take(ymd, day), seq),
        "报警时间": when,
        "报警类别": raw,
        "报警细类": _take(_SUB_NAME, sub),
        "管辖单位": _take(DISTRICTS, dist),
        "报警人": _names(n, rng),
        "联系电话": _phones(n, rng),
        "案发地址": _addresses(dist, rng),
        "报警内容": content,
        "处警结果": _take(_RESULT_TABLE.ravel(), cat * 4 + rng.integers(0, 4, n)),
    })


# ----------------------------------------------------------------------------------------------
# messes
# ----------------------------------------------------------------------------------------------
# Per file group (year of the true time): how many rows get each mess. Rows are disjoint: a row
# carries at most one mess, and no mess is planted on rows duplicated by the 2024 monthly overlap.
_INCIDENT_MESSES = {
    2021: {"bad_date": 3, "missing_date": 2, "future_date": 2, "blank": 4,
           "misspelled": {"刑事类警清": 3}, "traditional": {"刑事類警情": 2, "糾紛": 2},
           "fw_category": 3, "fw_district": 3, "rare_names": 0, "formats": {"compact": 40}},
    2022: {"bad_date": 3, "missing_date": 2, "future_date": 1, "blank": 3,
           "misspelled": {"治安类警倩": 2}, "traditional": {"治安類警情": 2, "糾紛": 1},
           "fw_category": 3, "fw_district": 2, "rare_names": 6, "formats": {}},
    2023: {"bad_date": 4, "missing_date": 3, "future_date": 2, "blank": 5,
           "misspelled": {"刑事类警清": 4, "交通类警晴": 2}, "traditional": {"刑事類警情": 3, "糾紛": 2},
           "fw_category": 4, "fw_district": 3, "rare_names": 0,
           "formats": {"slash": 60, "chinese": 40, "compact": 30}},
    2024: {"bad_date": 2, "missing_date": 1, "future_date": 1, "blank": 3,
           "misspelled": {"刑事警清": 2}, "traditional": {},
           "fw_category": 2, "fw_district": 2, "rare_names": 0, "formats": {"slash": 20}},
}
_BAD_DATE_FORMS = ("month13", "na", "chinese_year")
_FW_CAT_FORMS = ("{}　", "　{}", "{} ", "{}  ")   # U+3000 ideographic space, ASCII spaces
_FW_DIST_FORMS = ("{} ", "{}　", "　{}", "{}  ")
# The category of the rows a misspelled or Traditional value is planted on.
_MESS_TRUE_CATEGORY = {"刑事类警清": "刑事", "治安类警倩": "治安", "交通类警晴": "交通", "刑事警清": "刑事",
                       "刑事類警情": "刑事", "治安類警情": "治安", "糾紛": "纠纷"}
MONTH_OVERLAP_DAYS = 2
# Messes of the case file (all in 发案时间 and 案件类别/管辖单位; 立案时间 is always valid).
_CASE_MESSES = {"bad_date": 3, "missing_date": 2, "future_date": 2, "blank": 3, "misspelled": 2,
                "fw_category": 4, "fw_district": 3, "duplicates": 6}
_CASE_MISSPELLED = "刑事按件"  # each 2024 monthly export also holds the first two days of the next month


def _pick(rng: np.random.Generator, free: np.ndarray, k: int, where: np.ndarray | None = None) -> np.ndarray:
    """Choose ``k`` free row indices (optionally only where ``where``) and mark them used."""
    pool = np.flatnonzero(free if where is None else free & where)
    chosen = np.sort(rng.choice(pool, size=k, replace=False)) if k else np.array([], dtype=int)
    free[chosen] = False
    return chosen


def _fmt_dates(ts: np.ndarray, form: str) -> np.ndarray:
    """Alternative (parseable) spellings of timestamps: slash, chinese or compact."""
    s = pd.Series(pd.to_datetime(ts))
    y, m, d = s.dt.year.astype(str), s.dt.month.astype(str), s.dt.day.astype(str)
    hh, mm = s.dt.hour.astype(str), s.dt.strftime("%M")
    if form == "slash":
        out = y + "/" + m + "/" + d + " " + hh + ":" + mm
    elif form == "chinese":
        out = y + "年" + m + "月" + d + "日 " + hh + "时" + mm + "分"
    else:
        out = s.dt.strftime("%Y%m%d%H%M%S")
    return out.to_numpy(dtype=object).astype(str)


def _bad_dates(ts: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Unparseable date strings, cycling through the forms of ``_BAD_DATE_FORMS``."""
    y = (ts.astype("datetime64[Y]").astype(int) + 1970).astype(str)
    hms = np.char.rpartition(_timestamps(ts), " ")[..., 2] if ts.size else np.array([], dtype=str)  # HH:MM:SS
    forms = np.arange(ts.size) % len(_BAD_DATE_FORMS)
    month13 = np.char.add(np.char.add(y, "-13-45 "), hms)
    chinese = np.char.add(np.char.translate(y, _CN_DIGITS), "年")
    out = np.where(forms == 0, month13, np.where(forms == 1, "N/A", chinese))
    return out, {f: int((forms == i).sum()) for i, f in enumerate(_BAD_DATE_FORMS)}


def _plant_incident_messes(df: pd.DataFrame, ev: dict, year: np.ndarray, overlap: np.ndarray,
                           rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Plant the messes of ``_INCIDENT_MESSES``; return the messy frame and per-row outcomes.

    The outcome dict holds, per row: ``reason`` ('' kept, else a reject code), ``category``
    (the taxonomy category a correct cleaner assigns), plus the logged counts.
    """
    n = len(df)
    free = ~overlap
    cols = {c: df[c].to_numpy(dtype=object).copy() for c in ("报警时间", "报警类别", "管辖单位", "报警人")}
    cat = _SUB_CAT[ev["sub"]].copy()
    reason = np.full(n, "", dtype="<U12")
    mess = np.full(n, "", dtype=object)
    log: dict = {"bad_date_forms": {}, "formats": {}, "unmapped": {}, "traditional": {}}
    totals = {"traditional_rows": 0, "fullwidth_category_rows": 0, "fullwidth_district_rows": 0,
              "gbk_unencodable_name_rows": 0}
    other = CATEGORIES.index("其他")
    for y, spec in _INCIDENT_MESSES.items():
        in_year = year == y
        rows = _pick(rng, free, spec["bad_date"], in_year)
        mess[rows] = "bad_date"
        cols["报警时间"][rows], forms = _bad_dates(ev["ts"][rows])
        reason[rows] = "bad_date"
        for k, v in forms.items():
            log["bad_date_forms"][k] = log["bad_date_forms"].get(k, 0) + v
        rows = _pick(rng, free, spec["missing_date"], in_year)
        mess[rows] = "missing_date"
        cols["报警时间"][rows] = ""
        reason[rows] = "missing_date"
        rows = _pick(rng, free, spec["future_date"], in_year)
        mess[rows] = "future_date"
        fut = _timestamps(ev["ts"][rows])
        cols["报警时间"][rows] = np.char.add(str(y + 20), np.char.lstrip(fut, "0123456789")) if rows.size else fut
        reason[rows] = "future_date"
        rows = _pick(rng, free, spec["blank"], in_year)
        mess[rows] = "blank_category"
        cols["报警类别"][rows] = ""
        cat[rows] = other
        log["unmapped"]["(空)"] = log["unmapped"].get("(空)", 0) + spec["blank"]
        for raw, k in spec["misspelled"].items():
            true_cat = CATEGORIES.index(_MESS_TRUE_CATEGORY[raw])
            rows = _pick(rng, free, k, in_year & (cat == true_cat))
            mess[rows] = f"misspelled_category:{raw}"
            cols["报警类别"][rows] = raw
            cat[rows] = other
            log["unmapped"][raw] = log["unmapped"].get(raw, 0) + k
        for raw, k in spec["traditional"].items():
            true_cat = CATEGORIES.index(_MESS_TRUE_CATEGORY[raw])
            rows = _pick(rng, free, k, in_year & (cat == true_cat))
            mess[rows] = f"traditional_category:{raw}"
            cols["报警类别"][rows] = raw
            log["traditional"][raw] = log["traditional"].get(raw, 0) + k
            totals["traditional_rows"] += k
        rows = _pick(rng, free, spec["fw_category"], in_year)
        mess[rows] = "fullwidth_category"
        forms_c = np.array(_FW_CAT_FORMS)[np.arange(rows.size) % len(_FW_CAT_FORMS)]
        cols["报警类别"][rows] = [f.format(v) for f, v in zip(forms_c.tolist(), cols["报警类别"][rows].tolist())]
        totals["fullwidth_category_rows"] += rows.size
        rows = _pick(rng, free, spec["fw_district"], in_year)
        mess[rows] = "fullwidth_district"
        forms_d = np.array(_FW_DIST_FORMS)[np.arange(rows.size) % len(_FW_DIST_FORMS)]
        cols["管辖单位"][rows] = [f.format(v) for f, v in zip(forms_d.tolist(), cols["管辖单位"][rows].tolist())]
        totals["fullwidth_district_rows"] += rows.size
        if spec["rare_names"]:
            rows = _pick(rng, free, spec["rare_names"], in_year)
            mess[rows] = "gbk_unencodable_name"
            sur = np.array([s[0] for s in cols["报警人"][rows].tolist()])
            cols["报警人"][rows] = np.char.add(sur, RARE_GIVEN[np.arange(rows.size) % len(RARE_GIVEN)])
            totals["gbk_unencodable_name_rows"] += rows.size
        for form, k in spec["formats"].items():
            rows = _pick(rng, free, k, in_year)
            mess[rows] = f"date_format:{form}"
            cols["报警时间"][rows] = _fmt_dates(ev["ts"][rows], form)
            log["formats"][form] = log["formats"].get(form, 0) + k
    out = df.copy()
    for c, v in cols.items():
        out[c] = v
    return out, {"reason": reason, "category": cat, "mess": mess, "log": log, "totals": totals}


# ----------------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------------
def _gzip_bytes(df: pd.DataFrame, encoding: str, bom: bool = False, newline: str = "\n") -> bytes:
    """CSV text of ``df`` compressed reproducibly (no file name, mtime 0 in the gzip header)."""
    text = df.to_csv(index=False, lineterminator=newline)
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(raw)
    return buf.getvalue()


def _cleaned_district(values: np.ndarray) -> np.ndarray:
    return np.char.strip(np.char.replace(values.astype(str), "　", " "))


def _build_incidents(rng_seed: np.random.SeedSequence) -> dict:
    """Draw, expand, tabulate and mess up the 2021-2024 incidents; return frames and facts."""
    r_draw, r_rows, r_mess = (np.random.default_rng(s) for s in rng_seed.spawn(3))
    days = _day_frame(START, END)
    dates = days["date"].to_numpy()
    cells = _incident_cells(days)
    counts = _draw_bounded(cells, len(days), INCIDENT_RANGE, r_draw)
    ev = _expand(cells, counts, dates, r_rows)
    clean = _incident_table(ev, dates, r_rows).to_pandas()
    day_d = dates.astype("datetime64[D]")[ev["day"]]
    year = day_d.astype("datetime64[Y]").astype(int) + 1970
    month = day_d.astype("datetime64[M]")
    dom = (day_d - month.astype("datetime64[D]")).astype(int) + 1
    overlap = (year == 2024) & (dom <= MONTH_OVERLAP_DAYS) & (month > np.datetime64("2024-01"))
    messy, outcome = _plant_incident_messes(clean, ev, year, overlap, r_mess)
    return {"days": days, "cells": cells, "counts": counts, "ev": ev, "clean": clean, "messy": messy,
            "outcome": outcome, "year": year, "month": month, "dom": dom, "overlap": overlap}


def _incident_files(b: dict) -> dict[str, tuple[pd.DataFrame, str, bool, str]]:
    """File name -> (frame, encoding, bom, newline) of the incident exports."""
    messy, year, month, dom = b["messy"], b["year"], b["month"], b["dom"]
    files = {
        "incidents_2021.csv.gz": (messy[year == 2021], "utf-8", False, "\n"),
        "incidents_2022.csv.gz": (messy[year == 2022], "gb18030", False, "\r\n"),
        "incidents_2023.csv.gz": (messy[year == 2023], "utf-8", False, "\n"),
    }
    for m in range(1, 13):
        this = np.datetime64(f"2024-{m:02d}")
        take = (month == this) | ((month == this + 1) & (dom <= MONTH_OVERLAP_DAYS) & (year == 2024))
        files[f"incidents_2024-{m:02d}.csv.gz"] = (messy[take], "utf-8", False, "\n")
    return files


def _case_build(seed: np.random.SeedSequence) -> dict:
    """Draw the 2021-2024 cases, plant their messes; return the frame and the facts."""
    r_draw, r_rows, r_mess = (np.random.default_rng(s) for s in seed.spawn(3))
    days = _day_frame(START, END)
    dates = days["date"].to_numpy()
    cells = _case_cells(days)
    counts = _draw_bounded(cells, len(days), CASE_RANGE, r_draw)
    ev = _expand(cells, counts, dates, r_rows)
    n = ev["ts"].size
    cat = np.array([c[0] for c in _CASE_SUB])[ev["sub"]]
    lag = (r_rows.exponential(30.0, n) * 3600 + 1800).astype("timedelta64[s]")
    filed = np.minimum(ev["ts"] + lag, np.datetime64("2024-12-31T23:59:59"))
    yr = ev["ts"].astype("datetime64[Y]").astype(int) + 1970
    first = np.searchsorted(yr, yr, side="left")
    df = pd.DataFrame({
        "案件编号": np.char.add(np.char.add(np.where(cat == "刑事案件", "A9901", "B9901"), yr.astype(str)),
                            np.char.zfill((np.arange(n) - first + 1).astype(str), 6)),
        "发案时间": _timestamps(ev["ts"]),
        "立案时间": _timestamps(filed),
        "案件类别": cat,
        "案由": np.array([c[1] for c in _CASE_SUB])[ev["sub"]],
        "管辖单位": np.array(DISTRICTS)[ev["district"]],
    })
    free = np.ones(n, dtype=bool)
    reason = np.full(n, "", dtype="<U12")
    clean_cat = cat.astype("<U8")
    t = df["发案时间"].to_numpy(dtype=object).copy()
    kc = df["案件类别"].to_numpy(dtype=object).copy()
    dist = df["管辖单位"].to_numpy(dtype=object).copy()
    k = _CASE_MESSES
    rows = _pick(r_mess, free, k["bad_date"])
    t[rows], forms = _bad_dates(ev["ts"][rows])
    reason[rows] = "bad_date"
    rows = _pick(r_mess, free, k["missing_date"])
    t[rows] = ""
    reason[rows] = "missing_date"
    rows = _pick(r_mess, free, k["future_date"])
    t[rows] = np.char.add((yr[rows] + 20).astype(str), np.char.lstrip(t[rows].astype(str), "0123456789"))
    reason[rows] = "future_date"
    rows = _pick(r_mess, free, k["blank"])
    kc[rows] = ""
    clean_cat[rows] = "其他"
    rows = _pick(r_mess, free, k["misspelled"], kc == "刑事案件")
    kc[rows] = _CASE_MISSPELLED
    clean_cat[rows] = "其他"
    rows = _pick(r_mess, free, k["fw_category"])
    forms_c = np.array(_FW_CAT_FORMS)[np.arange(rows.size) % len(_FW_CAT_FORMS)]
    kc[rows] = [f.format(v) for f, v in zip(forms_c.tolist(), kc[rows].tolist())]
    fw_cat = rows.size
    rows = _pick(r_mess, free, k["fw_district"])
    forms_d = np.array(_FW_DIST_FORMS)[np.arange(rows.size) % len(_FW_DIST_FORMS)]
    dist[rows] = [f.format(v) for f, v in zip(forms_d.tolist(), dist[rows].tolist())]
    fw_dist = rows.size
    df["发案时间"], df["案件类别"], df["管辖单位"] = t, kc, dist
    dup = _pick(r_mess, free, k["duplicates"])
    order = np.sort(np.concatenate([np.arange(n), dup]), kind="stable")
    return {"frame": df.iloc[order].reset_index(drop=True), "n_unique": n, "reason": reason,
            "category": clean_cat, "district": ev["district"], "year": yr, "dup": dup.size,
            "bad_date_forms": forms, "fw_cat": fw_cat, "fw_dist": fw_dist, "sub": ev["sub"], "ts": ev["ts"]}


def _daily_stats(b: dict) -> pd.DataFrame:
    """Counts per day of 2023 and category, as a correct cleaner finds them in the record file."""
    oc = b["outcome"]
    keep = (b["year"] == 2023) & (oc["reason"] == "")
    d = b["ev"]["day"][keep]
    c = oc["category"][keep]
    days = b["days"]
    in23 = np.flatnonzero(days["year"].to_numpy() == 2023)
    grid = np.zeros((len(in23), len(CATEGORIES)), dtype=np.int64)
    np.add.at(grid, (d - in23[0], c), 1)
    frame = pd.DataFrame(grid, columns=CATEGORIES)
    frame.insert(0, "date", pd.to_datetime(days["date"].to_numpy()[in23]))
    return frame


_XLSX_STAMP = dt.datetime(2024, 1, 2, 9, 0, 0)


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx with fixed entry times and a fixed ``modified`` stamp (openpyxl writes now)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + _XLSX_STAMP.strftime(
                    "%Y-%m-%dT%H:%M:%SZ").encode(), body)
            entry = zipfile.ZipInfo(info.filename, date_time=_XLSX_STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()


def _write_xlsx(path: Path, grid: pd.DataFrame, rng: np.random.Generator) -> dict:
    """Write the desk's daily sheet (title, two-row merged header, 合计 row and column)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    n = len(grid)
    values = grid[CATEGORIES].to_numpy()
    totals = values.sum(axis=1)
    masked_cols = [CATEGORIES.index(c) for c in ("火灾", "举报投诉", "其他")]
    rows = np.sort(rng.choice(n, size=6, replace=False))
    mis_row = int(rows[-1])
    masked = [(int(r), int(rng.choice(masked_cols))) for r in rows[:-1]]
    written_total = totals.copy()
    written_total[mis_row] = totals[mis_row] + 10

    wb = Workbook()
    ws = wb.active
    ws.title = "日报表"
    ncol = len(CATEGORIES) + 2
    ws.cell(row=1, column=1, value="示例市2023年警情统计日报表").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(row=2, column=1, value="日期")
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    ws.cell(row=2, column=2, value="警情类别")
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=ncol - 1)
    ws.cell(row=2, column=ncol, value="合计")
    ws.merge_cells(start_row=2, start_column=ncol, end_row=3, end_column=ncol)
    for j, c in enumerate(CATEGORIES):
        ws.cell(row=3, column=2 + j, value=c)
    labels = (grid["date"].dt.month.astype(str) + "月" + grid["date"].dt.day.astype(str) + "日").tolist()
    table = values.astype(object)
    for r, c in masked:
        table[r, c] = "*"
    for i in range(n):  # 365 sheet rows
        ws.append([labels[i], *table[i].tolist(), int(written_total[i])])
    ws.append(["合计", *values.sum(axis=0).tolist(), int(totals.sum())])
    for row in ws.iter_rows(min_row=1, max_row=3):
        for cell in row:
            cell.alignment = Alignment(horizontal="center", vertical="center")
    wb.properties.created = _XLSX_STAMP
    wb.properties.creator = "stats_lib.sample"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_reproducible_zip(buf.getvalue()))
    dates = grid["date"].dt.strftime("%Y-%m-%d").to_numpy()
    return {
        "rows_read": int(n * len(CATEGORIES)),
        "masked_cells": len(masked),
        "masked": [{"date": dates[r], "category": CATEGORIES[c], "value": "*", "true": int(values[r, c])}
                   for r, c in masked],
        "rows_kept": int(n * len(CATEGORIES) - len(masked)),
        "rejected_by_reason": {"masked_count": len(masked)},
        "total_mismatches": [{"date": dates[mis_row], "expected": int(written_total[mis_row]),
                              "found": int(totals[mis_row])}],
        "total_kept": int(values.sum() - sum(values[r, c] for r, c in masked)),
        "total_true": int(values.sum()),
    }


def _counts(values: np.ndarray, order: Sequence[str]) -> dict[str, int]:
    u, c = np.unique(values, return_counts=True)
    got = dict(zip(u.tolist(), c.tolist()))
    return {k: int(got[k]) for k in order if k in got}


def _messes_by_file(b: dict) -> dict[str, dict[str, int]]:
    """{mess label: {file: rows}} of the planted incident messes (no mess is on a duplicated row)."""
    mess = b["outcome"]["mess"]
    rows = np.flatnonzero(mess != "")
    month = np.datetime_as_string(b["month"][rows], unit="M")
    name = np.where(b["year"][rows] >= 2024, np.char.add("incidents_", month),
                    np.char.add("incidents_", b["year"][rows].astype(str)))
    table = pd.crosstab(pd.Series(mess[rows].astype(str), name="mess"), pd.Series(np.char.add(name, ".csv.gz")))
    order = ["bad_date", "missing_date", "future_date", "blank_category", "misspelled_category",
             "traditional_category", "fullwidth_category", "fullwidth_district", "gbk_unencodable_name", "date_format"]
    labels = sorted(table.index, key=lambda m: (order.index(m.partition(":")[0]), m))
    return {m: {f: int(v) for f, v in table.loc[m].items() if v} for m in labels}


def _incident_facts(b: dict, files: dict) -> dict:
    oc, ev = b["outcome"], b["ev"]
    reason, cat = oc["reason"], oc["category"]
    keep = reason == ""
    dups = int(b["overlap"].sum())
    rows_read = int(sum(len(f[0]) for f in files.values()))
    rej = {k: int((reason == k).sum()) for k in ("bad_date", "missing_date", "future_date")}
    dist = b["messy"]["管辖单位"].to_numpy(dtype=object).astype(str)
    kept_days = ev["day"][keep]
    dates = b["days"]["date"].to_numpy().astype("datetime64[D]")
    totals = oc["totals"]
    return {
        "rows_read": rows_read,
        "rows_unique": int(len(b["messy"])),
        "duplicates_removed": dups,
        "rows_rejected": int(sum(rej.values())),
        "rejected_by_reason": rej,
        "bad_date_forms": oc["log"]["bad_date_forms"],
        "unmapped_categories": oc["log"]["unmapped"],
        "traditional_categories": oc["log"]["traditional"],
        "traditional_rows": totals["traditional_rows"],
        "fullwidth_rows": totals["fullwidth_category_rows"] + totals["fullwidth_district_rows"],
        "fullwidth_category_rows": totals["fullwidth_category_rows"],
        "fullwidth_district_rows": totals["fullwidth_district_rows"],
        "gbk_unencodable_name_rows": totals["gbk_unencodable_name_rows"],
        "other_date_formats_kept": oc["log"]["formats"],
        "gb18030_files": [k for k, v in files.items() if v[1] == "gb18030"],
        "rows_kept": int(keep.sum()),
        "kept_by_category": _counts(np.array(CATEGORIES)[cat[keep]], CATEGORIES),
        "kept_by_year": {str(y): int(((b["year"] == y) & keep).sum()) for y in range(2021, 2025)},
        "kept_by_district": _counts(_cleaned_district(dist[keep]), DISTRICTS),
        "date_min": str(dates[kept_days.min()]),
        "date_max": str(dates[kept_days.max()]),
        "messes_by_file": _messes_by_file(b),
        "files": {k: {"rows": int(len(v[0])), "encoding": v[1], "bom": v[2],
                      "newline": "CRLF" if v[3] == "\r\n" else "LF"} for k, v in files.items()},
    }


def _case_facts(c: dict) -> dict:
    reason, keep = c["reason"], c["reason"] == ""
    rej = {k: int((reason == k).sum()) for k in ("bad_date", "missing_date", "future_date")}
    frame = c["frame"]
    dist = np.array(DISTRICTS)[c["district"]]
    return {
        "rows_read": int(len(frame)),
        "rows_unique": c["n_unique"],
        "duplicates_removed": c["dup"],
        "rows_rejected": int(sum(rej.values())),
        "rejected_by_reason": rej,
        "bad_date_forms": c["bad_date_forms"],
        "unmapped_categories": {"(空)": _CASE_MESSES["blank"], _CASE_MISSPELLED: _CASE_MESSES["misspelled"]},
        "fullwidth_category_rows": c["fw_cat"],
        "fullwidth_district_rows": c["fw_dist"],
        "rows_kept": int(keep.sum()),
        "kept_by_category": _counts(c["category"][keep], [*CASE_CATEGORIES, "其他"]),
        "kept_by_year": {str(y): int(((c["year"] == y) & keep).sum()) for y in range(2021, 2025)},
        "kept_by_district": _counts(dist[keep], DISTRICTS),
        "files": {"cases_2021-2024.csv.gz": {"rows": int(len(frame)), "encoding": "utf-8", "bom": True,
                                             "newline": "LF"}},
    }


def _planted(b: dict, c: dict) -> dict:
    """Facts of the planted structure that anomaly and calendar tests can check against."""
    ev = b["ev"]
    cat = _SUB_CAT[ev["sub"]]
    fire = cat == CATEGORIES.index("火灾")
    days = b["days"]
    dates = days["date"].to_numpy().astype("datetime64[D]")
    per_day_fire = np.bincount(ev["day"][fire], minlength=len(days))
    total = np.bincount(ev["day"], minlength=len(days))
    years = {}
    for y in range(2021, 2025):
        f = festival_dates(y)
        iy = np.flatnonzero(days["year"].to_numpy() == y)
        lo = np.datetime64(f["chuxi"]) + np.timedelta64(22, "h")
        night = fire & (ev["ts"] >= lo) & (ev["ts"] < lo + np.timedelta64(4, "h"))
        yx = np.datetime64(f["yuanxiao"]) + np.timedelta64(18, "h")
        evening = fire & (ev["ts"] >= yx) & (ev["ts"] < yx + np.timedelta64(5, "h"))
        i_cx = int(np.flatnonzero(dates == np.datetime64(f["chuxi"]))[0])
        years[str(y)] = {**{k: v.isoformat() for k, v in f.items()},
                         "fire_calls_chuxi_night_22h_02h": int(night.sum()),
                         "fire_calls_yuanxiao_evening_18h_23h": int(evening.sum()),
                         "fire_calls_on_chuxi": int(per_day_fire[i_cx]),
                         "fire_calls_on_spring_festival": int(per_day_fire[i_cx + 1]),
                         "fire_calls_daily_mean": round(float(per_day_fire[iy].mean()), 3),
                         "incidents_daily_mean": round(float(total[iy].mean()), 3),
                         "criminal_incidents": int(((cat == 0) & (b["year"] == y)).sum()),
                         "criminal_cases": int(((c["year"] == y) & (np.array(
                             [s[0] for s in _CASE_SUB])[c["sub"]] == "刑事案件")).sum())}
    return {
        "note": "counts of the true events, before messes (rows later rejected are included)",
        "crime_trend_per_year": CRIME_TREND,
        "holiday_factor": HOLIDAY_FACTOR,
        "incidents_per_day_range": [int(total.min()), int(total.max())],
        "incidents_per_day_bounds": list(INCIDENT_RANGE),
        "cases_per_day_bounds": list(CASE_RANGE),
        "hour_profile_peak_general": int(np.argmax(_PROFILES[0])),
        "hour_profile_low_hours": [3, 4, 5],
        "years": years,
    }


def write_sample(out_dir: str | Path, seed: int = SEED) -> dict:
    """Write the committed sample (exports, daily sheet, schema, messes.json, README.md) into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Target folder; created when missing. Existing sample files are overwritten.
    seed : int
        Seed of the generator; the committed sample uses :data:`SEED`.

    Returns
    -------
    dict
        The content of ``messes.json``: per export kind the rows read, duplicates, rejects by
        reason, unmapped categories and rows kept a correct cleaner finds (``as_of`` 2024-12-31),
        the daily sheet's masked cells and 合计 mismatch, and the planted structure.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ss = np.random.SeedSequence(seed)
    s_inc, s_case, s_xlsx = ss.spawn(3)
    b = _build_incidents(s_inc)
    files = _incident_files(b)
    for name, (frame, enc, bom, nl) in files.items():
        (out / name).write_bytes(_gzip_bytes(frame, enc, bom, nl))
    c = _case_build(s_case)
    (out / "cases_2021-2024.csv.gz").write_bytes(_gzip_bytes(c["frame"], "utf-8", bom=True))
    grid = _daily_stats(b)
    xl = _write_xlsx(out / "daily_stats_2023.xlsx", grid, np.random.default_rng(s_xlsx))
    (out / "daily_stats_2023.schema.yaml").write_text(
        "# Schema of daily_stats_2023.xlsx (a pre-aggregated wide sheet; see README.md)\n"
        "kind: 警情\nshape: wide\nyear: 2023\n", encoding="utf-8")
    inc, cas = _incident_facts(b, files), _case_facts(c)
    both = {k: inc[k] + cas[k] for k in ("rows_read", "duplicates_removed", "rows_rejected", "rows_kept")}
    both["rejected_by_reason"] = {k: inc["rejected_by_reason"][k] + cas["rejected_by_reason"][k]
                                  for k in inc["rejected_by_reason"]}
    unm = dict(inc["unmapped_categories"])
    for k, v in cas["unmapped_categories"].items():
        unm[k] = unm.get(k, 0) + v
    both["unmapped_categories"] = unm
    messes = {
        "seed": seed,
        "as_of": "2024-12-31",
        "as_of_note": ("future dates are year typos 2041-2044, so every as_of from 2024-12-31 to 2030-12-31 "
                       "gives the same counts; an earlier as_of also rejects genuine rows after it"),
        "incidents": inc,
        "cases": cas,
        "incidents_and_cases": both,
        "daily_stats": {"file": "daily_stats_2023.xlsx", "schema": "daily_stats_2023.schema.yaml", **xl},
        "planted": _planted(b, c),
    }
    (out / "messes.json").write_text(json.dumps(messes, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(_readme(messes), encoding="utf-8")
    return messes


def _readme(m: dict) -> str:
    """The data/sample/README.md text, with every number taken from ``m`` (messes.json)."""
    inc, cas, xl, pl = m["incidents"], m["cases"], m["daily_stats"], m["planted"]
    cb = cas["rejected_by_reason"]
    lines = [
        "# data/sample: the fictional city 示例市 (2021-01-01 to 2024-12-31)",
        "",
        "Synthetic exports of a city public-security bureau, built by `python tools/make_sample.py --out data/sample`",
        f"(seed {m['seed']}; `make sample`). Every name, phone number, ID number and address is fake, but realistic",
        "in form, so that tests can prove none of them reaches an output. Every number below is computed by the",
        "generator as it plants the data; the same numbers are machine-readable in `messes.json`.",
        "",
        "## Files",
        "",
        "| file | what it is |",
        "|---|---|",
        "| `incidents_2021.csv.gz` | 110 incidents (警情) of 2021, record level, UTF-8 |",
        "| `incidents_2022.csv.gz` | incidents of 2022, **GB18030** (CRLF line ends) |",
        "| `incidents_2023.csv.gz` | incidents of 2023, UTF-8, with mixed date spellings |",
        "| `incidents_2024-01.csv.gz` … `incidents_2024-12.csv.gz` | monthly exports of 2024; each also holds "
        f"the first {MONTH_OVERLAP_DAYS} days of the next month (overlap → duplicated 接警单编号) |",
        "| `cases_2021-2024.csv.gz` | recorded cases (案件), UTF-8 with BOM |",
        "| `daily_stats_2023.xlsx` | the desk's pre-aggregated daily sheet of 2023 incidents (wide) |",
        "| `daily_stats_2023.schema.yaml` | its schema: `shape: wide`, `year: 2023` |",
        "| `messes.json` | every planted mess and structure fact, machine-readable |",
        "",
        "Incident columns: " + ", ".join(INCIDENT_COLUMNS) + ". Case columns: " + ", ".join(CASE_COLUMNS) + ".",
        "The 2021-2023 files write 报警类别 as " + "/".join(RAW_OLD) + "; the upgraded 2024 system as "
        + "/".join(RAW_NEW) + " (all synonyms of `stats_lib/data/taxonomy.yaml`).",
        "报警内容 holds a fake 18-digit ID number (valid check digit) in about 3% of rows. The statistical date of a",
        "case is its 发案时间 (all messes of the case file are in 发案时间; 立案时间 is always valid).",
        "",
        "## Planted structure",
        "",
        f"- {INCIDENT_RANGE[0]}-{INCIDENT_RANGE[1]} incidents a day (drawn range "
        f"{pl['incidents_per_day_range'][0]}-{pl['incidents_per_day_range'][1]}), "
        f"{CASE_RANGE[0]}-{CASE_RANGE[1]} cases a day; Poisson draws.",
        "- Weekly cycle (Friday/Saturday high for 治安 and 纠纷, weekend low for 交通) and seasons (治安 and 纠纷",
        "  peak in summer, 火灾 in winter).",
        f"- Criminal incidents (刑事) and criminal cases fall by {round((1 - CRIME_TREND) * 100)}% a year.",
        "- Hour of day: few calls at 3-6h, evening peak (19-21h); traffic peaks at 7-9h and 17-19h.",
        f"- Spring Festival: the holiday week (除夕 to 初六) has x{HOLIDAY_FACTOR} incidents overall; more 家庭纠纷 (x1.8)",
        "  and 烟花爆竹 (x6); fire and fireworks spikes on 除夕 night (22h-02h) and 元宵 evening (18h-23h); 交通 x1.7 on",
        "  the return-travel days 初五-初七; 盗窃 rising over the four weeks before the festival (to x1.5); 劳资纠纷",
        "  x1.6 in the five weeks before it.",
        "",
        "| year | 除夕 | 元宵 | fire calls 除夕 22h-02h | fire calls 元宵 18h-23h | fire calls a day (mean) |",
        "|---|---|---|---|---|---|",
    ]
    for y, f in pl["years"].items():
        lines.append(f"| {y} | {f['chuxi']} | {f['yuanxiao']} | {f['fire_calls_chuxi_night_22h_02h']} | "
                     f"{f['fire_calls_yuanxiao_evening_18h_23h']} | {f['fire_calls_daily_mean']} |")
    lines += [
        "",
        "## Messes (a correct cleaner, `--as-of 2024-12-31`)",
        "",
        "Each mess is planted on distinct rows, never on rows duplicated by the monthly overlap. The counts assume",
        "`as_of` 2024-12-31 (as `make briefing` runs): the future dates are year typos 2041-2044, so any `as_of`",
        "from 2024-12-31 to 2030-12-31 gives the same counts; an earlier `as_of` also rejects the genuine rows",
        "after it. Duplicates are removed by id before dates are checked; a rejected row is not counted by type.",
        "",
        "| mess | file(s) | count |",
        "|---|---|---|",
        f"| GB18030 encoding (names with characters outside GBK: {inc['gbk_unencodable_name_rows']} rows) | "
        f"{', '.join(inc['gb18030_files'])} | 1 file |",
        f"| duplicated rows (same 接警单编号) from overlapping monthly exports | incidents_2024-* | "
        f"{inc['duplicates_removed']} |",
    ]
    labels = {"bad_date": "unparseable 报警时间 (`2023-13-45 …`, `N/A`, `二〇二三年`) → `bad_date`",
              "missing_date": "empty 报警时间 → `missing_date`",
              "future_date": "报警时间 with a year typo (2041-2044) → `future_date`",
              "blank_category": "blank 报警类别 → 其他, listed as unmapped `(空)`",
              "fullwidth_category": "full-width space `　` or trailing spaces around 报警类别 (maps after normalisation)",
              "fullwidth_district": "full-width space `　` or trailing spaces around 管辖单位",
              "gbk_unencodable_name": "报警人 with characters outside GBK (䶮, 㛃, 𠮷)",
              "date_format:slash": "报警时间 written as `2023/1/22 8:15` (parseable: kept)",
              "date_format:chinese": "报警时间 written as `2023年1月22日 8时15分` (parseable: kept)",
              "date_format:compact": "报警时间 written as `20230122081500` (parseable: kept)"}
    for label, where in inc["messes_by_file"].items():
        kind, _, raw = label.partition(":")
        if kind == "misspelled_category":
            what = f"misspelled 报警类别 `{raw}` → 其他, listed as unmapped `{raw}`"
        elif kind == "traditional_category":
            what = f"Traditional 报警类别 `{raw}` (maps after conversion to Simplified)"
        else:
            what = labels[label]
        files_txt = ", ".join(f"{f.removesuffix('.csv.gz')} ({n})" for f, n in where.items())
        lines.append(f"| {what} | {files_txt} | {sum(where.values())} |")
    lines += [
        f"| exact duplicate rows (same 案件编号) | cases | {cas['duplicates_removed']} |",
        f"| unparseable / empty / future 发案时间 | cases | {cb['bad_date']} / {cb['missing_date']} / "
        f"{cb['future_date']} |",
        f"| blank 案件类别 / misspelled `{_CASE_MISSPELLED}` → 其他 | cases | {cas['unmapped_categories']['(空)']} / "
        f"{cas['unmapped_categories'][_CASE_MISSPELLED]} |",
        f"| full-width or trailing spaces in 案件类别 / 管辖单位 | cases | {cas['fullwidth_category_rows']} / "
        f"{cas['fullwidth_district_rows']} |",
        f"| masked cells `*` (missing, never zero) → `masked_count` | daily_stats_2023.xlsx | {xl['masked_cells']} |",
        f"| row whose 合计 differs from the sum of its parts | daily_stats_2023.xlsx | "
        f"{len(xl['total_mismatches'])} ({xl['total_mismatches'][0]['date']}: 合计 "
        f"{xl['total_mismatches'][0]['expected']}, parts add to {xl['total_mismatches'][0]['found']}) |",
        "",
        "## Totals a correct cleaner reports",
        "",
        "| | rows read | duplicates removed | rejected | kept |",
        "|---|---|---|---|---|",
        f"| incidents | {inc['rows_read']} | {inc['duplicates_removed']} | {inc['rows_rejected']} | {inc['rows_kept']} |",
        f"| cases | {cas['rows_read']} | {cas['duplicates_removed']} | {cas['rows_rejected']} | {cas['rows_kept']} |",
        f"| incidents and cases together (`make briefing`) | {m['incidents_and_cases']['rows_read']} | "
        f"{m['incidents_and_cases']['duplicates_removed']} | {m['incidents_and_cases']['rows_rejected']} | "
        f"{m['incidents_and_cases']['rows_kept']} |",
        f"| daily_stats_2023.xlsx (one row = one count cell) | {xl['rows_read']} | 0 | {xl['masked_cells']} | "
        f"{xl['rows_kept']} |",
        "",
        "`rows_read == rows_kept + rows_rejected + duplicates_removed` holds for each. The kept counts by category,",
        "year and district are in `messes.json` (`kept_by_category`, `kept_by_year`, `kept_by_district`).",
        "",
        "## The daily sheet",
        "",
        "Title row 示例市2023年警情统计日报表; header rows 2-3: 日期 | 警情类别 (spanning " + " ".join(CATEGORIES)
        + ") | 合计; one row per day of 2023 (`1月1日` …); a 合计 row at the bottom. Its counts equal what the",
        "2023 record file gives after cleaning (rejected rows left out, unmapped and blank types under 其他), except:",
        "the masked cells (their true values are in `messes.json`; the row's 合计 and the bottom 合计 row include",
        "them, so a row with a masked part cannot be checked) and the one mismatch row, whose 合计 cell was",
        "written 10 too high (`expected` = the 合计 written in the sheet, `found` = the sum of its parts). The",
        "bottom 合计 row holds the true column sums and the true grand total.",
        "",
    ]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# large synthetic sets
# ----------------------------------------------------------------------------------------------
def write_large(rows: int, out_dir: str | Path, fmt: str = "parquet", seed: int = SEED,
                chunk_rows: int = 250_000, start: dt.date = START, end: dt.date = END) -> Path:
    """Write ``rows`` clean record-level incidents (the export columns) for benchmarks.

    The days and sub-types follow the sample's structure, scaled so that the total is exactly
    ``rows``; rows are generated and written in chunks of whole days (about ``chunk_rows`` each).

    Parameters
    ----------
    rows : int
        Number of incident rows (> 0).
    out_dir : str or Path
        Output folder, created when missing.
    fmt : {"parquet", "csv"}
        ``incidents_synthetic.parquet`` (string columns, one row group per chunk) or
        ``incidents_synthetic.csv`` (UTF-8).
    seed, chunk_rows, start, end
        Generator seed, rows per chunk, first and last day (inclusive).

    Returns
    -------
    Path
        The written file.
    """
    if rows <= 0:
        raise ParameterError(f"--rows must be a positive number of rows, got {rows}")
    if fmt not in ("parquet", "csv"):
        raise ParameterError(f"--format must be parquet or csv, got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"incidents_synthetic.{fmt}"
    days = _day_frame(start, end)
    dates = days["date"].to_numpy()
    cells = _incident_cells(days)
    day_mean = np.bincount(cells.day, weights=cells.mean, minlength=len(days))
    per_day = rows / len(days)
    days_per_chunk = max(1, int(chunk_rows / max(per_day, 1.0)))
    bounds = np.arange(0, len(days), days_per_chunk)
    chunk_mean = np.add.reduceat(day_mean, bounds)
    ss = np.random.SeedSequence(seed)
    top = np.random.default_rng(ss.spawn(1)[0])
    n_chunk = top.multinomial(rows, chunk_mean / chunk_mean.sum())
    id_width = max(5, len(str(int(per_day * 3))))
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.string()) for c in INCIDENT_COLUMNS])
    with contextlib.ExitStack() as stack:
        if fmt == "parquet":
            writer = stack.enter_context(pq.ParquetWriter(path, schema, compression="zstd"))
        else:
            sink = stack.enter_context(open(path, "wb"))
            sink.write((",".join(INCIDENT_COLUMNS) + "\n").encode("utf-8"))
            options = pacsv.WriteOptions(include_header=False, quoting_style="none")
            writer = stack.enter_context(pacsv.CSVWriter(sink, schema, write_options=options))
        for k, (lo, nk) in enumerate(zip(bounds, n_chunk)):
            hi = min(lo + days_per_chunk, len(days))
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, k)))
            sel = (cells.day >= lo) & (cells.day < hi)
            part = _Cells(day=cells.day[sel], sub=cells.sub[sel], prof=cells.prof[sel], mean=cells.mean[sel])
            counts = rng.multinomial(int(nk), part.mean / part.mean.sum())
            writer.write_table(_incident_table(_expand(part, counts, dates, rng), dates, rng, id_width=id_width))
    return path


# ----------------------------------------------------------------------------------------------
# command line
# ----------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """``python tools/make_sample.py``: rebuild the sample, or write a large set with ``--rows``."""
    p = argparse.ArgumentParser(prog="python tools/make_sample.py", description=__doc__.splitlines()[0])
    p.add_argument("--out", default="data/sample", help="output folder (default data/sample)")
    p.add_argument("--rows", type=int, help="write this many synthetic incident rows instead of the sample")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet", help="format of --rows output")
    p.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default {SEED})")
    a = p.parse_args(argv)
    if a.rows is not None:
        path = write_large(a.rows, a.out, fmt=a.format, seed=a.seed)
        print(f"wrote {a.rows} rows to {path}")
    else:
        m = write_sample(a.out, seed=a.seed)
        print(f"wrote the sample to {a.out}: {m['incidents']['rows_read']} incident rows, "
              f"{m['cases']['rows_read']} case rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
