"""The schema YAML of an export, and automatic column mapping.

A schema says what a file holds when the automatic detection is not enough. Every key is optional::

    kind: 警情              # 警情 (incidents, the default) or 案件 (cases); or kind_column: <column>
    shape: records          # records | long | wide; detected when omitted
    encoding: gb18030       # utf-8 | gb18030 | big5 (any Python codec name); detected when omitted
    columns:                # canonical name: column in the file
      id: 接警单编号
      time: 报警时间         # or date: <column> for a date-only column, with optional hour: <column>
                            # (or time_of_day: <column>, 11:00 / 0845 / 8时15分 / 下午3时); or year:,
                            # month:, day: (+ hour:) columns; year: beside a month-day date: column
      category: 报警类别
      subcategory: 报警细类
      district: 管辖单位     # or address: <column> with district_pattern
      count: 数量            # long tables only; a role set to ~ (null) is never detected
    date_format: "%Y%m%d"
    calendar: roc           # Republic-of-China dates such as 1040101 (= 2015-01-01)
    year: 2023              # for dates written without a year (1月21日, or a date_format without %Y)
    dayfirst: true          # 02/01/2015 is 2 January (true) or 1 February (false); detected per column
    min_date: 1990-01-01    # dates before it are rejected as implausible_date (default 1990-01-01)
    ignore_columns: [区划代码] # columns that are keys or codes, never counted as categories (wide sheets)
    timezone: Asia/Shanghai
    day_start: "00:00"      # "08:00" for eight-to-eight duty days
    taxonomy: default       # default | none | path to a taxonomy YAML
    categories: {住宅竊盜: 盗窃}
    district_pattern: "臺北市(..區)"
    sheet: 0                # Excel sheet name or 0-based index (default: the first sheet with data)

Column headers are matched after normalisation (NFKC, Traditional → Simplified, case-folded, without
spaces, ``_`` and ``-``), so ``發生日期``, ``发生日期`` and ``Occurrence_Date`` all match their entry.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import re._constants as _sre  # the stdlib's own regex parser, to check district_pattern
import re._parser as _sre_parser
import zoneinfo
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd
import yaml

from stats_lib.errors import ParameterError, SchemaError
from stats_lib.ingest.headers import (
    header_key,
    is_date_header,
    is_time_header,
)
from stats_lib.ingest.totals import TOTAL_NAMES, is_total
from stats_lib.ingest.yamlsafe import load_yaml, read_yaml_text, short_repr
from stats_lib.windows import as_date

__all__ = [
    "Schema",
    "ROLES",
    "AUTO_COLUMNS",
    "TOTAL_NAMES",
    "load_schema",
    "header_key",
    "nested_repeat",
    "is_sensitive",
    "is_date_header",
    "is_time_header",
    "is_total",
]

#: Canonical column roles a schema's ``columns:`` may name.
ROLES = ("id", "time", "date", "hour", "time_of_day", "year", "month", "day", "category", "subcategory",
         "district", "address", "count")

#: Automatic mapping: role -> header names in priority order (compared with :func:`header_key`).
AUTO_COLUMNS: dict[str, tuple[str, ...]] = {
    "time": ("报警时间", "接警时间", "发案时间", "立案时间", "发生时间", "案发时间", "时间", "time", "datetime",
             "timestamp", "date", "occurrencedate", "日期", "发生日期", "发案日期", "报警日期", "接警日期",
             "统计日期", "立案日期"),
    "hour": ("发生时段", "时段", "报警时段", "hour", "小时"),
    "category": ("报警类别", "警情类别", "案件类别", "案类", "类别", "警情类型", "案件类型", "报警类型", "火警类型",
                 "警情性质", "案件性质", "类型", "type", "category", "offense", "offence", "primarytype",
                 "crimetype", "offensecategory", "crimecategory"),
    "subcategory": ("报警细类", "警情细类", "案由", "细类", "警情细类别", "案件细类", "subtype", "subcategory"),
    "district": ("管辖单位", "辖区", "所属辖区", "所属派出所", "派出所", "所属分局", "分局", "警务区", "所属街道",
                 "街道", "乡镇", "所属乡镇", "社区", "所属社区", "区县", "行政区", "district", "precinct",
                 "neighbourhood", "neighborhood", "areaname", "area", "borough", "patrolboroughname",
                 "pddistrict", "districtname", "neighbourhoodname", "neighborhoodname", "所属单位", "单位",
                 "处警单位", "办案单位", "主办单位"),
    "id": ("接警单编号", "案件编号", "警情编号", "接警编号", "编号", "id", "casenumber", "incidentid",
           "incidentnumber"),
    "count": ("数量", "数目", "件数", "起数", "警情数", "案件数", "警情数量", "案件数量", "报警数", "报警量", "接警数",
              "接警量", "警情量", "count", "incidents", "number", "n", "calls", "numberofcalls"),
}


_SENSITIVE = re.compile(
    r"报警人|姓名|名字|联系人|当事人|嫌疑人|受害人|电话|手机|联系方式|身份证|证件|住址|地址|地点|位置|内容|案情|"
    r"描述|备注|处警结果|处理结果|详情|简要|车牌|主叫|被叫|号码|当事|处所|身份号|微信|邮箱|银行|账号|户籍|籍贯|"
    r"出生|工作单位|填报人|制表人|审核人|"
    r"phone|mobile|tel|address|addr|location|description|content|remark|note|narrative|idcard|plate|"
    r"latitude|longitude|^lat$|^lon$|^lng$|coordinate|email|wechat|^qq|passport|birth"
)

#: "name" in a header is personal data (Caller Name, full_name) unless the rest of the header names a place,
#: a unit or a class: NYPD's ``Patrol Borough Name``, LAPD's ``AREA NAME``, UK police's ``LSOA name``.
_NAME = re.compile(r"name")
_NOT_PERSON = re.compile(
    r"borough|area|district|precinct|neighbou?rhood|ward|lsoa|msoa|beat|division|station|county|city|town|"
    r"zone|sector|region|province|state|municipal|agency|unit|department|dept|offen[cs]e|crime|category|type|"
    r"class|code|descr?|patrol|command|force|court|law|bias|premise|weapon|status|day|month"
)
_PERSON = re.compile(r"caller|victim|suspect|offender|person|officer|reporter|contact|complainant|witness|"
                     r"first|last|full|given|family|sur|user|nick")

_KEYS = {
    "kind": str, "kind_column": str, "shape": str, "encoding": str, "columns": dict, "date_format": str,
    "calendar": str, "year": int, "timezone": str, "day_start": (str, int), "taxonomy": str,
    "categories": dict, "district_pattern": str, "sheet": (str, int), "dayfirst": bool,
    "min_date": (str, dt.date), "ignore_columns": list,
}
#: Keys whose value is a yes/no (every other key refuses true/false).
_BOOL_KEYS = ("dayfirst",)
#: Dates before this day are rejected as implausible (schema ``min_date``).
DEFAULT_MIN_DATE = dt.date(1990, 1, 1)


@dataclass(frozen=True)
class Schema:
    """A validated schema (see the module docstring for the keys). ``Schema()`` is the empty schema.

    Attributes
    ----------
    kind : str | None, default None
        ``警情`` or ``案件`` for every row; None detects it from the headers.
    kind_column : str | None, default None
        A column that holds the kind row by row, or None.
    shape : str | None, default None
        The file's layout (``records``, ``wide``, ``totals`` …); None detects it.
    encoding : str | None, default None
        The text encoding of the export (``gb18030``, ``utf-8``); None detects it.
    columns : dict
        Role → header name (``time``, ``category``, ``district`` …; :data:`ROLES`).
    date_format : str | None, default None
        A ``strptime`` format of the time column, or None to parse the usual formats.
    calendar : str, default 'gregorian'
        ``gregorian`` or ``lunar`` dates in the data.
    year : int | None, default None
        The year of dates written without one, or None.
    timezone : str, default 'Asia/Shanghai'
        The IANA zone of the times (``Asia/Shanghai``).
    day_start : str, default '00:00'
        The statistical day's first minute, ``HH:MM``.
    taxonomy : str, default 'default'
        ``default``, ``none`` or the path of a taxonomy YAML.
    categories : dict
        Raw value → category, applied before the taxonomy.
    district_pattern : str | None, default None
        A regular expression whose first group is the district, or None.
    sheet : str | int | None, default None
        The sheet of a workbook (name or 0-based index), or None for the first.
    dayfirst : bool | None, default None
        ``01/02/2023`` is 1 February (True), 2 January (False) or detected (None).
    min_date : dt.date, default DEFAULT_MIN_DATE
        Dates before this day are rejected as implausible.
    ignore_columns : tuple, default ()
        Headers never mapped nor reported.
    source : str, default 'schema'
        Where the schema came from (a path, or ``schema``), for messages.
    """

    kind: str | None = None
    kind_column: str | None = None
    shape: str | None = None
    encoding: str | None = None
    columns: dict = field(default_factory=dict)
    date_format: str | None = None
    calendar: str = "gregorian"
    year: int | None = None
    timezone: str = "Asia/Shanghai"
    day_start: str = "00:00"
    taxonomy: str = "default"
    categories: dict = field(default_factory=dict)
    district_pattern: str | None = None
    sheet: str | int | None = None
    dayfirst: bool | None = None
    min_date: dt.date = DEFAULT_MIN_DATE
    ignore_columns: tuple = ()
    source: str = "schema"

    @property
    def day_start_minutes(self) -> int:
        """The statistical day boundary in minutes after midnight."""
        h, m = self.day_start.split(":")
        return int(h) * 60 + int(m)

    def as_dict(self) -> dict:
        """The schema as a plain dict (for the ledger).

        Returns
        -------
        dict
            Key → value of every field but ``source``.
        """
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}


def _fail(where: str, key: str, expected: str, value: object) -> SchemaError:
    return SchemaError(f"{where}: key '{key}' must be {expected}, got {short_repr(value)}")


def load_schema(schema: str | Path | dict | Schema | None) -> Schema:
    """Read and validate a schema.

    Parameters
    ----------
    schema
        Path of a YAML file, a dict with the same keys, a :class:`Schema`, or None (empty schema).

    Returns
    -------
    Schema
        The validated schema (defaults filled in).

    Raises
    ------
    SchemaError
        The file cannot be read or is not a mapping, a key is unknown, or a value has the wrong type;
        the message names the file and the key.
    """
    if schema is None:
        return Schema()
    if isinstance(schema, Schema):
        return schema
    where = "schema"
    if isinstance(schema, (str, Path)):
        where = str(schema)
        try:
            data = load_yaml(read_yaml_text(schema))
        except FileNotFoundError as exc:
            raise SchemaError(f"{where}: schema file not found") from exc
        except UnicodeDecodeError:
            raise SchemaError(f"{where}: a schema file must be utf-8 text") from None
        except OSError as exc:
            raise SchemaError(f"{where}: cannot read the schema file ({exc.strerror})") from None
        except yaml.YAMLError as exc:
            raise SchemaError(f"{where}: not valid YAML ({_yaml_problem(exc)})") from None
        if data is None:
            data = {}
    else:
        data = schema
    if not isinstance(data, dict):
        raise SchemaError(f"{where}: a schema must be a mapping of keys (kind, shape, columns …)")
    for key, value in data.items():
        if key not in _KEYS:
            raise SchemaError(f"{where}: unknown key '{key}' (known keys: {', '.join(_KEYS)})")
        if (isinstance(value, bool) and key not in _BOOL_KEYS) or not isinstance(value, _KEYS[key]):
            kind = _KEYS[key]
            names = " or ".join(t.__name__ for t in kind) if isinstance(kind, tuple) else kind.__name__
            raise _fail(where, key, {"str": "a text", "int": "an integer", "dict": "a mapping", "list": "a list",
                                     "bool": "true or false", "str or date": "a date such as 1990-01-01"}.get(
                                         names, names),
                        value)
    return _validate(dict(data), where)


def _yaml_problem(exc: Exception) -> str:
    """One line describing a YAML error: the problem and its line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return (where + " ".join(str(problem).split()))[:200]


def _validate(data: dict, where: str) -> Schema:
    if "kind" in data and data["kind"] not in ("警情", "案件"):
        raise _fail(where, "kind", "警情 or 案件", data["kind"])
    if "kind" in data and "kind_column" in data:
        raise SchemaError(f"{where}: keys 'kind' and 'kind_column' exclude each other")
    if "kind_column" in data and is_sensitive(data["kind_column"]):
        raise SchemaError(f"{where}: key 'kind_column' names '{data['kind_column']}', which looks like a name, "
                          "phone, ID number, address or free text; such columns never reach the output")
    if "shape" in data and data["shape"] not in ("records", "long", "wide"):
        raise _fail(where, "shape", "records, long or wide", data["shape"])
    if "calendar" in data and data["calendar"] not in ("gregorian", "roc"):
        raise _fail(where, "calendar", "gregorian or roc", data["calendar"])
    if "encoding" in data:

        try:
            data["encoding"] = codecs.lookup(data["encoding"]).name
        except LookupError:
            raise _fail(where, "encoding", "a known encoding (utf-8, gb18030, big5)", data["encoding"]) from None
        if data["encoding"] in ("gbk", "gb2312"):
            data["encoding"] = "gb18030"  # a superset: GBK cannot hold rare characters in names
    cols = data.get("columns", {})
    for role, header in cols.items():
        if role not in ROLES:
            raise SchemaError(f"{where}: unknown key 'columns.{role}' (known: {', '.join(ROLES)})")
        if header is None:
            continue  # "id: ~" switches the automatic mapping of a role off
        if not isinstance(header, (str, int)) or isinstance(header, bool):
            raise _fail(where, f"columns.{role}", "a column name (or ~ for none)", header)
        if role != "address" and is_sensitive(str(header)):
            hint = " (for districts use 'columns.address' with 'district_pattern')" if role == "district" else ""
            raise SchemaError(f"{where}: key 'columns.{role}' names '{header}', which looks like a name, phone, "
                              f"ID number, address or free text; such columns never reach the output{hint}")
    data["columns"] = {k: (None if v is None else str(v)) for k, v in cols.items()}
    if cols.get("time") is not None and cols.get("date") is not None:
        raise SchemaError(f"{where}: keys 'columns.time' and 'columns.date' exclude each other")
    if cols.get("hour") is not None and cols.get("time_of_day") is not None:
        raise SchemaError(f"{where}: keys 'columns.hour' and 'columns.time_of_day' exclude each other")
    if cols.get("time_of_day") is not None and cols.get("time") is not None:
        raise SchemaError(f"{where}: key 'columns.time_of_day' goes with 'columns.date' (a date-only column), "
                          "not with 'columns.time'")
    parts = [r for r in ("year", "month", "day") if cols.get(r) is not None]
    if parts and not (parts == ["year"] or len(parts) == 3):
        raise SchemaError(f"{where}: give 'columns.year', 'columns.month' and 'columns.day' together "
                          f"(or 'columns.year' beside a month-day 'columns.date'); got {', '.join(parts)}")
    if len(parts) == 3 and (cols.get("time") is not None or cols.get("date") is not None):
        raise SchemaError(f"{where}: 'columns.year/month/day' replace 'columns.time' and 'columns.date'")
    if parts == ["year"] and cols.get("date") is None and cols.get("time") is None:
        raise SchemaError(f"{where}: 'columns.year' alone needs 'columns.month' and 'columns.day', or a "
                          "month-day 'columns.date'")
    if "min_date" in data:
        try:
            data["min_date"] = as_date(data["min_date"], what="min_date")
        except ParameterError:
            raise _fail(where, "min_date", "a date such as 1990-01-01", data["min_date"]) from None
    if "ignore_columns" in data:
        bad = [c for c in data["ignore_columns"] if not isinstance(c, (str, int)) or isinstance(c, bool)]
        if bad:
            raise _fail(where, "ignore_columns", "a list of column names", data["ignore_columns"])
        data["ignore_columns"] = tuple(str(c) for c in data["ignore_columns"])
    if cols.get("address") is not None and "district_pattern" not in data:
        raise SchemaError(f"{where}: key 'columns.address' needs 'district_pattern'")
    if "timezone" in data:
        try:
            zoneinfo.ZoneInfo(data["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise _fail(where, "timezone", "an IANA time zone such as Asia/Shanghai", data["timezone"]) from None
    if "day_start" in data:
        value = data["day_start"]
        if isinstance(value, int):
            value = f"{value:02d}:00" if 0 <= value < 24 else value
        if not isinstance(value, str) or not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value):
            raise _fail(where, "day_start", 'a quoted time of day "HH:MM"', data["day_start"])
        data["day_start"] = value
    if "year" in data and not 1900 <= data["year"] <= 2200:
        raise _fail(where, "year", "a four-digit year", data["year"])
    if "categories" in data:
        for k, v in data["categories"].items():
            if not isinstance(v, (str, int)) or isinstance(v, bool):
                raise _fail(where, "categories", "a mapping of raw value to one category name", {k: v})
        data["categories"] = {str(k): str(v) for k, v in data["categories"].items()}
    if "date_format" in data:
        fmt = data["date_format"]
        try:
            sample = dt.datetime(2023, 1, 22, 8, 15, 30).strftime(fmt)
            ok = pd.notna(pd.to_datetime(sample, format=fmt)) and "%" in fmt
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            raise _fail(where, "date_format", 'a strftime format such as "%Y%m%d %H:%M"', fmt)
        if not any(d in fmt for d in ("%Y", "%y")) and "year" not in data and cols.get("year") is None:
            raise SchemaError(f"{where}: key 'date_format' {fmt!r} has no year (%Y): set 'year:' or "
                              "'columns.year'")
    if "district_pattern" in data:
        try:
            groups = re.compile(data["district_pattern"]).groups
        except re.error as exc:
            raise _fail(where, "district_pattern", f"a regular expression ({exc})", data["district_pattern"]) from None
        if groups != 1:
            raise _fail(where, "district_pattern", "a regular expression with exactly one group (…)",
                        data["district_pattern"])
        if nested_repeat(data["district_pattern"]):
            raise _fail(where, "district_pattern", "a pattern without a repeat inside a repeat such as (a+)+ or "
                        "(a|aa)+ (it can take forever on one address)", data["district_pattern"])
    if "taxonomy" in data and data["taxonomy"] not in ("default", "none"):
        path = Path(data["taxonomy"])
        if not path.is_absolute() and where != "schema":
            path = Path(where).parent / path
        if not path.is_file():
            raise _fail(where, "taxonomy", "default, none or the path of a taxonomy YAML", data["taxonomy"])
        data["taxonomy"] = str(path)
    return Schema(source=where, **data)


def nested_repeat(pattern: str) -> bool:
    """True when a regular expression repeats something that can itself match in several ways: a repeat
    (``(a+)+``) or an alternation (``(a|aa)+``) inside an unbounded repeat. Such patterns backtrack
    exponentially on a near-miss (OWASP, "Regular expression Denial of Service").

    Parameters
    ----------
    pattern : str
        A regular expression (the schema's ``district_pattern``).

    Returns
    -------
    bool
        True when the pattern is refused.

    References
    ----------
    .. [1] OWASP, "Regular expression Denial of Service - ReDoS",
       https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS
    """
    def walk(items, inside: bool) -> bool:
        for op, av in items:
            if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
                lo, hi, sub = av
                if inside:
                    return True
                if walk(sub, inside or hi > 1):
                    return True
            elif op is _sre.BRANCH:
                if inside or any(walk(b, inside) for b in av[1]):
                    return True
            elif op is _sre.SUBPATTERN:
                if walk(av[-1], inside):
                    return True
            elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
                if walk(av[1], inside):
                    return True
        return False

    try:
        return walk(_sre_parser.parse(pattern), False)
    except Exception:  # a pattern re cannot parse is refused earlier
        return False


def is_sensitive(header: str) -> bool:
    """True when a column header names personal data or free text (name, phone, ID, address, content …).

    A header with "name" is judged whole: ``Caller Name`` is personal, ``Patrol Borough Name`` and
    ``AREA NAME`` are districts, ``Offense Name`` a category.

    Parameters
    ----------
    header : str
        A column header.

    Returns
    -------
    bool
        True for a sensitive header.
    """
    key = header_key(header)
    if _SENSITIVE.search(key):
        return True
    if _NAME.search(key):
        rest = _NAME.sub("", key)
        return bool(_PERSON.search(rest)) or not _NOT_PERSON.search(rest)
    return False


