"""The egress filter for personal data: every string that leaves the package passes :func:`redact`.

Callers' names, phone numbers, ID numbers, e-mail addresses, bank-card numbers and street addresses
must never reach a table, message, log line, rejects file, chart, slide or workbook. Columns whose
*header* names personal data are dropped when a file is read (:func:`stats_lib.ingest.schema.is_sensitive`);
this module judges the *values*, so that personal data in a column of another role (a phone in the
category column, an address in 辖区, a name shifted into the district column by a short row) is caught too.

What counts as personal data (:func:`find_personal`), after NFKC (full-width digits become ASCII) and
with format characters (zero-width, bidirectional controls) removed:

============  ===============================================================================================
kind          pattern
============  ===============================================================================================
``phone``     mainland mobile ``1[3-9]x xxxx xxxx`` with optional ``+86``/``86``, the prefix optionally in
              brackets, separated by any dash (``-``, ``—``, ``–``), ``_``, ``.``, ``/`` or spaces;
              landline ``0xx(x)-xxxxxxx(x)`` (area code with a leading 0, optionally in brackets)
``id``        18-digit resident ID (a plausible birth date; the ISO 7064 MOD 11-2 check digit is not
              required, so a mistyped number is still caught), the 15-digit pre-1999 form, and an 18-digit ID
              as an Excel number reads (``1.10105194912310e+17``: region and birth date kept); written in
              groups, with a valid check digit or grouped 6-8-4 with a plausible birth date
``card``      16 to 19 digits (in any grouping) with an issuer prefix (UnionPay 62, Visa 4, Mastercard
              51–55) that pass the Luhn check; other long digit runs are record numbers
``email``     ``name@domain.tld``
``address``   a road/street/lane name followed by a number (甲/乙 … allowed) and 号/弄/巷 (``幸福路88号``,
              ``大街甲6号``); a number with 号楼/栋/幢/单元/室 (``3单元502室``); building-unit-room after a
              place (``小区12-3-401``); a block with a room (``B座1502``, ``SOHO T1 1802``); a village group
              (``幸福村3组``); a US street address (``1200 W 7TH ST``, ``047XX S KEDZIE AVE``)
``labelled``  the text after a label of a person or a contact: 报警人, 联系人, 填报人, 制表人, 审核人, 当事人,
              联系电话, 电话, 手机, 身份证(号), 姓名 followed by ``:``/``：``; a person label followed by a
              2–4 character name at the end of the value; a contact or document number after its label
              (微信号, QQ, 护照, 通行证, 驾驶证, 银行卡号, 账号, 车牌 …); a role word (事主, 车主, 嫌疑人, 受害人,
              报警人 …) followed by a personal name (:func:`stats_lib.ingest.names.is_person_name`)
============  ===============================================================================================

A number may touch letters (``Tel13812345678``, ``ID1101…``), never other digits.

Sources: the layout of the resident ID number and its check digit, GB 11643-1999; mobile number
prefixes, the MIIT numbering plan (13x–19x); the Luhn check, ISO/IEC 7812-1.

A dimension value that holds any of these is replaced whole by :data:`PLACEHOLDER` (:func:`screen_values`,
counted in the ledger's ``values_redacted``), and so is every cell of the rejects and every string of the
ledger (:func:`stats_lib.clean.egress.apply_egress`): a cell is never shown in part. A free-text message has
each finding (or the quoted value holding it) replaced (:func:`redact`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stats_lib.ingest.names import holds_person_name, is_person_name

__all__ = [
    "PLACEHOLDER",
    "PLACEHOLDER_EN",
    "Finding",
    "find_personal",
    "has_personal",
    "is_personal_value",
    "redact",
    "screen_value",
    "screen_values",
    "Screened",
    "strip_format_chars",
    "shorten",
]

#: What a dimension value or a part of a message holding personal data becomes.
PLACEHOLDER = "（已屏蔽）"
#: The English form, for English output.
PLACEHOLDER_EN = "(redacted)"

#: Unicode format characters (category Cf: zero-width, bidirectional embeddings/overrides/isolates,
#: soft hyphen …) and C0/C1 controls other than tab, LF and CR.
_FORMAT = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e"
                     "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb]")

_D = r"(?<!\d)"   # no digit before (a letter may touch the number: Tel13812345678, ID1101…)
_E = r"(?!\d)"    # no digit after
#: A separator inside a number: any dash (ASCII, en/em dash, minus), underscore, dot, slash, white space.
_SEP = r"(?:\s*[-_.—–‐‑‒―−/~]\s*|\s+)?"
_DATE = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_PATTERNS: dict[str, re.Pattern] = {
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "id": re.compile(_D + r"(?:[1-9]\d{5}" + _DATE + r"\d{3}[\dXx]"
                     r"|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
                     r"|[1-9]\.\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d*[Ee]\+?17)" + _E),
    # an 18-digit ID written in groups (110101 19900307 123X): kept only with a valid check digit
    "id_grouped": re.compile(_D + r"[1-9]\d{5}" + _SEP + r"\d{4}" + _SEP + r"\d{4}" + _SEP + r"\d{3}[\dXx]" + _E),
    "phone": re.compile(
        r"(?<![\d+])(?:(?:\+|00)?86" + _SEP + r")?(?:1[3-9]\d|\(1[3-9]\d\)|（1[3-9]\d）)" + _SEP + r"\d{4}" + _SEP
        + r"\d{4}" + _E
        + r"|" + _D + r"(?:(?:\+|00)86" + _SEP + r"\(?0?\d{2,3}\)?|\(0\d{2,3}\)|0\d{2,3})"
        + r"(?:\s*[-_—–]\s*|\s)?\d{7,8}(?:-\d{1,5})?" + _E),
    "card": re.compile(_D + r"(?:62|4\d|5[1-5])\d{2}(?:[-_\s—–]?\d){12,15}" + _E),
    "address": re.compile(
        r"[\u4e00-\u9fff]{1,12}(?:路|街|道|巷|弄|胡同|衚衕|里|大街|大道)[甲乙丙丁]?"
        r"[\s\d一二三四五六七八九十百零〇段巷弄~～至-]*[\d一二三四五六七八九十百零〇][\s\d~～至-]*(?:号|號|弄|巷)"
        r"|\d+\s*(?:号楼|號樓|栋|棟|幢|单元|單元|室|号院|號院)"
        # building-unit-room after a place name (阳光小区12-3-401), a block letter (B座1502, T1 1802)
        r"|(?<=[\u4e00-\u9fff])\d{1,3}\s*[-—–]\s*\d{1,2}\s*[-—–]\s*(?!(?:19|20)\d\d(?!\d))\d{3,4}" + _E +
        r"|(?<![A-Za-z0-9])[A-Za-z0-9]{1,3}\s*(?:座|栋|棟|幢|号楼|號樓)\s*\d{2,5}"
        r"|(?:(?<=[\u4e00-\u9fff])|(?<=[A-Z]{2}\s))[A-PR-Z]\d{1,2}\s*[-\s]\s*\d{3,4}" + _E +
        # a village group (幸福村3组)
        r"|[\u4e00-\u9fff]{1,10}(?:村|屯|社区|小区)\s*[\d一二三四五六七八九十]+\s*(?:组|組|队|隊|社)"
        # a US street address (1200 W 7TH ST, 047XX S KEDZIE AVE)
        r"|(?<![A-Za-z0-9])\d[\dX]{0,5}\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9][A-Za-z0-9'.]*\s+){1,3}"
        r"(?:ST|STREET|AVE?|AVENUE|BLVD|BOULEVARD|RD|ROAD|DR|DRIVE|LN|LANE|WAY|PL|PLACE|CT|COURT|PKWY|HWY|TER|CIR)"
        r"(?![A-Za-z0-9])"),
    "labelled": re.compile(
        r"(?:报警人|联系人|填报人|制表人|审核人|当事人|联系电话|电话|手机|手机号|身份证号?码?|姓名|caller|contact)"
        r"\s*[:：]\s*[^\s,，;；。、|]+"
        r"|(?:报警人|联系人|填报人|制表人|审核人|当事人)(?![称稱说說表反讲講未已不在于於被因等的和与與及家属屬方均也都])"
        r"[\u4e00-\u9fff·]{2,4}(?=$|[\s,，;；。、)）|])"
        # a contact or document number after its label (微信号zhangwei888, 护照E12345678)
        r"|(?:微信号?|微信id|wechat|wx|QQ号?|护照号?码?|護照號?碼?|passport|通行证号?码?|通行證號?碼?|驾驶证号?码?"
        r"|駕駛證號?碼?|驾照号?|军官证号?|银行卡号?|銀行卡號?|卡号|卡號|账号|帳號|帐号|支付宝|支付寶|车牌号?码?|車牌號?碼?)"
        r"\s*[:：]?\s*[A-Za-z0-9\u4e00-\u9fff]?[A-Za-z0-9][A-Za-z0-9_.@-]{4,}",
        re.I),
    # a role word followed by a name (事主张伟, 嫌疑人张伟, 车主王芳): the name checked by names.is_person_name
    "role": re.compile(
        r"(?:报警人|報警人|报案人|報案人|求助人|事主|失主|车主|車主|户主|戶主|房主|嫌疑人|受害人|被害人|当事人|當事人|"
        r"证人|證人|驾驶人|駕駛人|驾驶员|駕駛員|联系人|聯繫人|监护人|監護人)\s*[:：]?\s*([\u4e00-\u9fff]{2,4})"),
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text.

    Attributes
    ----------
    kind : str
        ``phone``, ``id``, ``card``, ``email``, ``address`` or ``labelled``.
    start, end : int
        Its span in the text as returned by :func:`strip_format_chars` after NFKC.
    """

    kind: str
    start: int
    end: int


def strip_format_chars(text: str) -> str:
    """Return ``text`` without Unicode format characters (zero-width, bidirectional controls such as U+202E,
    soft hyphen) and control characters other than tab, line feed and carriage return.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    str
        The text without those characters.
    """
    return _FORMAT.sub("", text)


def _prepared(text: object) -> str:
    return strip_format_chars(unicodedata.normalize("NFKC", str(text)))


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _id_check(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check digit of an 18-character resident ID number (GB 11643-1999)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights))
    return len(number) == 18 and "10X98765432"[total % 11] == number[17].upper()


def _grouped_id(text: str) -> bool:
    """An ID number written in groups: its check digit is valid, or it is grouped as region, birth date and
    serial (6-8-4) with a plausible birth date."""
    groups = re.findall(r"[\dXx]+", text)
    number = "".join(groups)
    if _id_check(number):
        return True
    return [len(g) for g in groups] == [6, 8, 4] and re.fullmatch(r"\d{6}" + _DATE + r"\d{3}[\dXx]", number) is not None


def find_personal(text: object) -> list[Finding]:
    """Find personal data in one text.

    Parameters
    ----------
    text
        Any value; converted with ``str``, NFKC-normalised, format characters removed.

    Returns
    -------
    list of Finding
        In order of position; overlapping findings are merged into the first.
    """
    s = _prepared(text)
    if len(s) < 4:
        return []
    found: list[Finding] = []
    for kind, rx in _PATTERNS.items():
        for m in rx.finditer(s):
            end = m.end()
            if kind == "card" and not _luhn(re.sub(r"\D", "", m.group(0))):
                continue
            if kind == "id_grouped":
                if not _grouped_id(m.group(0)):
                    continue
                kind = "id"
            if kind == "role":
                name = m.group(1)
                size = next((n for n in range(2, len(name) + 1) if is_person_name(name[:n])), 0)
                if not size:
                    continue
                kind, end = "labelled", m.start(1) + size
            found.append(Finding(kind, m.start(), end))
    found.sort(key=lambda f: (f.start, -f.end))
    merged: list[Finding] = []
    for f in found:
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(last.kind, last.start, max(last.end, f.end))
        else:
            merged.append(f)
    return merged


def has_personal(text: object) -> bool:
    """True when :func:`find_personal` finds anything in ``text``.

    Parameters
    ----------
    text : object
        Any value (read as text).

    Returns
    -------
    bool
        True when it holds personal data.
    """
    return bool(find_personal(text))


def is_personal_value(value: object) -> bool:
    """True when a dimension value (category, subcategory, district, a wide sheet's header, a rejects cell)
    holds personal data (:func:`find_personal`) or a personal name
    (:func:`stats_lib.ingest.names.holds_person_name`: ``张三``, ``欧阳娜娜``, ``王芳称被打``; never a place
    name or an ordinary word such as ``黄浦``, ``钱包``). Not for free text.

    Parameters
    ----------
    value : object
        A dimension value (read as text).

    Returns
    -------
    bool
        True when it must not be shown.
    """
    return bool(find_personal(value)) or holds_person_name(value)


def redact(text: object, placeholder: str = PLACEHOLDER) -> str:
    """Return ``text`` with every piece of personal data replaced by ``placeholder``.

    The one function every outgoing string passes: messages, notes, ledger entries, summaries, labels.
    A finding inside a quoted value (``'…'``, ``"…"``, ``“…”``, ``「…」``) masks the whole quoted value: a
    message quoting a cell shows none of it. Format characters are removed and the text is NFKC-normalised
    when anything is found; a text without findings is returned unchanged (only format characters removed).

    Parameters
    ----------
    text : object
        Any value (read as text; None is ``''``).
    placeholder : str, default PLACEHOLDER
        What each finding is replaced by.

    Returns
    -------
    str
        The text with nothing personal left.
    """
    s = _prepared(text)
    found = [_quoted(s, f) for f in find_personal(s)]
    if not found:
        return strip_format_chars(str(text))
    out, pos = [], 0
    for f in found:
        if f.start < pos:  # inside a quoted value masked already
            continue
        out.append(s[pos:f.start])
        out.append(placeholder)
        pos = f.end
    out.append(s[pos:])
    return "".join(out)


_QUOTES = {"'": "'", '"': '"', "“": "”", "‘": "’", "「": "」", "『": "』"}


def _quoted(s: str, f: Finding) -> Finding:
    """A finding inside a quoted value of a message (``'xx张三13912345678'``) widened to the whole value."""
    for i in range(f.start - 1, -1, -1):
        close = _QUOTES.get(s[i])
        if close is not None:
            j = s.find(close, f.end)
            if j != -1 and "\n" not in s[i:j]:
                return Finding(f.kind, i + 1, j)
            break
        if s[i] == "\n":
            break
    return f


def screen_value(value: object, placeholder: str = PLACEHOLDER, *, names: bool = False) -> str:
    """Return ``placeholder`` when ``value`` holds personal data (with ``names``, also when it is a bare
    personal name, :func:`is_personal_value`), else ``value`` as text (unchanged).

    Parameters
    ----------
    value : object
        A dimension value.
    placeholder : str, default PLACEHOLDER
        What a screened value is replaced by.
    names : bool, default False
        Screen bare personal names too.

    Returns
    -------
    str
        ``placeholder`` or the value as text.
    """
    text = "" if value is None else str(value)
    return placeholder if (is_personal_value(text) if names else find_personal(text)) else text


@dataclass(frozen=True)
class Screened:
    """Result of :func:`screen_values`.

    Attributes
    ----------
    values : Series of str
        The input with each value holding personal data replaced whole by the placeholder (same index).
    redacted : int
        Number of rows replaced.
    """

    values: pd.Series
    redacted: int


def screen_values(values: pd.Series, placeholder: str = PLACEHOLDER, *, names: bool = False) -> Screened:
    """Screen a column of dimension values (category, subcategory, district, kind), by distinct value;
    with ``names``, bare personal names are screened too (:func:`is_personal_value`).

    Parameters
    ----------
    values : pd.Series
        A column of dimension values.
    placeholder : str, default PLACEHOLDER
        What a screened value is replaced by.
    names : bool, default False
        Screen bare personal names too.

    Returns
    -------
    Screened
        The screened values and how many rows were replaced.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    test = is_personal_value if names else has_personal
    hit = np.array([test(u) for u in uniques] + [False], dtype=bool)
    if not hit.any():
        return Screened(values, 0)
    rows = hit[codes]
    return Screened(values.astype(object).where(~rows, placeholder), int(rows.sum()))


def shorten(value: object, limit: int = 40) -> str:
    """A value as it may be quoted in a message: :data:`PLACEHOLDER` when it holds personal data (the whole
    value, never the rest of it), else on one line, at most ``limit`` characters.

    Parameters
    ----------
    value : object
        Any value (read as text).
    limit : int, default 40
        The longest text kept, in characters (a longer one is cut with ``…``).

    Returns
    -------
    str
        The value to quote.
    """
    text = PLACEHOLDER if find_personal(value) else " ".join(strip_format_chars(str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
