"""Labels of the report stage: the reader's names of categories, offences, reject reasons, kinds and festivals.

- category labels from the ONE taxonomy loader (:func:`stats_lib.ingest.taxonomy.load_taxonomy`), so a
  custom taxonomy named in the cleaning ledger is honoured; a name the taxonomy does not know is kept as
  written in the data (never re-cased);
- the names of festival days (``除夕`` → ``Lunar New Year's Eve``) and of common offences (``盗窃`` → ``Theft``);
- the reject reasons of the cleaning ledger (``bad_date`` → ``日期无法识别`` / ``unparseable date``).

Numbers are formatted by :mod:`stats_lib.report.formats`, changes written by :mod:`stats_lib.report.words`.
"""

from __future__ import annotations

from stats_lib.ingest.taxonomy import load_taxonomy
from stats_lib.report.formats import NOUNS_EN, is_missing

__all__ = ["TOTAL_LABEL", "UNKNOWN", "REASONS", "reason_label", "OFFENCES_EN", "category_label", "sentence_label",
           "offence_label", "kind_label", "FESTIVALS", "festival_label"]


#: Label of the total row.
TOTAL_LABEL = "合计"
#: Label of an empty (unknown) group value.
UNKNOWN = "未知"


def category_label(name: object, lang: str = "zh", taxonomy: str | None = "default") -> str:
    """The reader's label of a category (or of any group value) in ``lang``.

    Chinese: the name as in the data (``未知`` for a blank). English: the label of the taxonomy the data
    was cleaned with (``taxonomy``: ``"default"``, ``"none"`` or the YAML path written in the ledger), then
    the fixed labels (合计, 未知, 其他 …) and :data:`OFFENCES_EN`, else the name exactly as written in the
    data (never re-cased).

    Parameters
    ----------
    name : object
        A category or other group value as in the data (None or NaN for a blank).
    lang : str, default 'zh'
        ``zh`` or ``en``.
    taxonomy : str | None, default 'default'
        The taxonomy the data was cleaned with (as in the cleaning ledger); None is ``"default"``.

    Returns
    -------
    str
        The label to print.

    Raises
    ------
    stats_lib.errors.SchemaError
        ``taxonomy`` names a file that cannot be read.
    """
    text = "" if is_missing(name) else str(name)
    if lang != "en":
        return UNKNOWN if text == "" else text
    fixed = {TOTAL_LABEL: "Total", "": "Unknown", UNKNOWN: "Unknown", "警情": "Incidents", "案件": "Cases"}
    if text in fixed:
        return fixed[text]
    for labels in load_taxonomy(taxonomy or "default").labels.values():
        if text in labels:
            return labels[text]
    return _FIXED_EN.get(text) or OFFENCES_EN.get(text, text)


#: Reject reasons of the cleaning ledger: code → (zh, en).
REASONS: dict[str, tuple[str, str]] = {
    "bad_date": ("日期无法识别", "unparseable date"),
    "missing_date": ("日期为空", "empty date"),
    "future_date": ("日期晚于基准日", "future date"),
    "bad_count": ("数量无效", "invalid count"),
    "masked_count": ("数量被遮蔽或缺失", "masked or missing count"),
    "ragged_row": ("字段数与表头不符", "fields do not match the header"),
}


def reason_label(code: str, lang: str = "zh") -> str:
    """The reader's name of a reject reason code (the code itself when unknown).

    Parameters
    ----------
    code : str
        A reject reason code of the cleaning ledger (a key of :data:`REASONS`).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The reason in words, or ``code`` when unknown.
    """
    zh, en = REASONS.get(code, (code, code))
    return en if lang == "en" else zh


#: Fixed group labels that are not categories of the taxonomy.
_FIXED_EN = {"其他": "Other", "其它": "Other", "无效": "Invalid calls", "（已屏蔽）": "(redacted)"}  # privacy.PLACEHOLDER


#: English names of common offences (案由) of the case data.
OFFENCES_EN: dict[str, str] = {
    "盗窃": "Theft", "诈骗": "Fraud", "殴打他人": "Assault (battery)", "故意伤害": "Intentional injury",
    "寻衅滋事": "Picking quarrels", "赌博": "Gambling", "扰乱公共秩序": "Disturbing public order",
    "卖淫嫖娼": "Prostitution", "抢劫": "Robbery", "抢夺": "Snatching", "入室盗窃": "Burglary",
    "盗窃电动车": "E-bike theft", "电信网络诈骗": "Telecom and online fraud", "故意毁坏财物": "Criminal damage",
    "吸毒": "Drug use", "贩毒": "Drug trafficking", "强奸": "Rape", "故意杀人": "Homicide",
    "交通肇事": "Traffic offence", "危险驾驶": "Dangerous driving", "敲诈勒索": "Extortion",
    "非法拘禁": "Unlawful detention", "妨害公务": "Obstructing officials", "放火": "Arson",
}


def sentence_label(name: object, lang: str = "zh", *, taxonomy: str | None = None) -> str:
    """A category label inside an English sentence: a label of our tables loses its capital (``Fire`` → ``fire``).

    A name kept as written in the data (``ASSAULT``, ``Race/Color``) is never re-cased.

    Parameters
    ----------
    name : object
        A category or other group value as in the data.
    lang : str, default 'zh'
        ``zh`` or ``en``.
    taxonomy : str | None, default None
        The taxonomy the data was cleaned with (:func:`category_label`).

    Returns
    -------
    str
        The label for use inside a sentence.
    """
    label = category_label(name, lang, taxonomy=taxonomy)
    if lang != "en" or label == ("" if is_missing(name) else str(name)):
        return label
    return label[:1].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label


def offence_label(name: object, lang: str = "zh") -> str:
    """An offence (案由) in ``lang``: :data:`OFFENCES_EN` in English, the data's name otherwise.

    Parameters
    ----------
    name : object
        The offence (案由) as in the data (None or NaN for a blank).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The offence's label, the name as written when it has no English name.
    """
    text = "" if is_missing(name) else str(name)
    return (_FIXED_EN.get(text) or OFFENCES_EN.get(text, text)) if lang == "en" else text


def kind_label(kind: str, lang: str = "zh", *, plural_form: bool = True) -> str:
    """``警情``/``案件`` in ``lang``: ``incidents``/``cases`` (``incident``/``case`` when not plural).

    Parameters
    ----------
    kind : str
        ``警情`` (incidents) or ``案件`` (cases); another value is kept.
    lang : str, default 'zh'
        ``zh`` or ``en``.
    plural_form : bool, default True
        The English plural (``incidents``), else the singular.

    Returns
    -------
    str
        The kind's noun in ``lang``.
    """
    if lang != "en":
        return kind
    noun = {"警情": "incident", "案件": "case"}.get(kind, kind)
    return NOUNS_EN.get(noun, noun + "s") if plural_form else noun


#: Festival days by their calendar name: (zh, en).
FESTIVALS: dict[str, tuple[str, str]] = {
    "除夕": ("除夕", "Lunar New Year's Eve"), "春节": ("春节", "Spring Festival"), "初一": ("初一", "Spring Festival"),
    "元宵": ("元宵节", "Lantern Festival"), "清明": ("清明节", "Qingming Festival"),
    "端午": ("端午节", "Dragon Boat Festival"), "中秋": ("中秋节", "Mid-Autumn Festival"),
    **{n: (n, f"{ordinal} day of the Lunar New Year") for n, ordinal in
       zip(["初二", "初三", "初四", "初五", "初六", "初七"], ["2nd", "3rd", "4th", "5th", "6th", "7th"])},
}


def festival_label(name: str, lang: str = "zh") -> str:
    """The reader's name of a festival day (``元宵`` → ``元宵节`` / ``Lantern Festival``); unknown kept.

    Parameters
    ----------
    name : str
        The festival day's name in the calendar (a key of :data:`FESTIVALS`).
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The festival's name for the reader, ``name`` itself when unknown.
    """
    zh, en = FESTIVALS.get(name, (name, name))
    return en if lang == "en" else zh
