"""Sentences of the briefing beyond the overview: the flagged days of the anomaly check and 零发案.

The conventions are those of :mod:`stats_lib.report.narrative` (counts through
:mod:`stats_lib.report.formats`, labels through :mod:`stats_lib.report.labels`; with ``mask_below=K`` every
count below K is written ``*``).
"""

from __future__ import annotations

import pandas as pd

from stats_lib.report.formats import fmt_count
from stats_lib.report.labels import category_label, sentence_label
from stats_lib.stats.compare import TOTAL

__all__ = ["anomaly_sentences", "anomaly_skipped", "zero_sentence"]


def _day(d: object, lang: str) -> str:
    ts = pd.Timestamp(d)
    return f"{ts.day} {ts:%b}" if lang == "en" else f"{ts.month}月{ts.day}日"


def anomaly_skipped(error: Exception, lang: str = "zh") -> str:
    """The sentence saying why no day was checked for anomalies, in the reader's words.

    Parameters
    ----------
    error : Exception
        What anomaly detection raised: a :class:`~stats_lib.errors.HistoryError` (too little history) or
        another input error (no day in the window).
    lang : {"zh", "en"}
        Language of the sentence.

    Returns
    -------
    str
        ``统计时段（1月21日起）前仅有20天数据，少于异常检测所需的56天，未做异常检测。`` /
        ``Only 20 days of data before the period (from 21 Jan); anomaly detection needs 56, so no day was
        checked.``; without the numbers: ``数据不足，未做异常检测。`` / ``Not enough data to check for
        anomalies.``
    """
    need, have, start = (getattr(error, k, None) for k in ("need", "have", "start"))
    if need is None or have is None or start is None:
        return "Not enough data to check for anomalies." if lang == "en" else "数据不足，未做异常检测。"
    day = _day(start, lang)
    if lang == "en":
        return (f"Only {have} day{'s' if have != 1 else ''} of data before the period (from {day}); anomaly "
                f"detection needs {need}, so no day was checked.")
    return f"统计时段（{day}起）前仅有{have}天数据，少于异常检测所需的{need}天，未做异常检测。"


def anomaly_sentences(flags: pd.DataFrame, lang: str = "zh", mask_below: int | None = None,
                      kind: str = "警情") -> list[str]:
    """One sentence per flagged day (the rows of :func:`stats_lib.anomaly.flag_anomalies`).

    ``1月28日交通警情183起，高于预期上限（预期96起，上限121起）。`` /
    ``28 Jan: 183 traffic incidents, above the expected upper limit (expected 96, limit 121).``

    Parameters
    ----------
    flags : pd.DataFrame
        The flagged rows (``date``, ``group``, ``observed``, ``expected``, ``upper``, ``lower``, ``flag``).
    lang : str, default 'zh'
        ``zh`` or ``en``.
    mask_below : int | None, default None
        Counts below it are written ``*``; None masks nothing.
    kind : str, default '警情'
        ``警情`` or ``案件``.

    Returns
    -------
    list of str
        The sentences, one a flagged day.
    """
    out = []
    for _, r in flags.iterrows():
        if r["flag"] not in ("high", "low"):
            continue
        high = r["flag"] == "high"
        group = str(r["group"])
        lim = r["upper"] if high else r["lower"]
        obs = fmt_count(r["observed"], mask_below)
        exp, lim_s = fmt_count(round(float(r["expected"])), mask_below), fmt_count(lim, mask_below)
        if lang == "en":
            what = "incidents" if group == TOTAL else _en_subject(group, kind)
            side = "above the expected upper" if high else "below the expected lower"
            out.append(f"{_day(r['date'], 'en')}: {obs} {what}, {side} limit (expected {exp}, limit {lim_s}).")
        else:
            what = kind if group == TOTAL else (group if group.endswith(("警情", "案件")) else group + kind)
            side = "高于预期上限" if high else "低于预期下限"
            out.append(f"{_day(r['date'], 'zh')}{what}{obs}起，{side}（预期{exp}起，{'上限' if high else '下限'}"
                       f"{lim_s}起）。")
    return out


def _en_subject(group: str, kind: str) -> str:
    low = sentence_label(group, "en")
    return low if low.endswith("s") else f"{low} {'cases' if kind == '案件' else 'incidents'}"


def zero_sentence(zero: pd.DataFrame, lang: str = "zh", kind: str = "警情") -> str:
    """零发案 in one sentence from :func:`stats_lib.compare.zero_districts`.

    ``江北县、临河县刑事警情零发案；东城区火灾警情零发案。`` / ``No criminal incidents in 江北县, 临河县; …``.
    Empty string when the frame is empty.

    Parameters
    ----------
    zero : pd.DataFrame
        The zero districts (``district``, ``category``).
    lang : str, default 'zh'
        ``zh`` or ``en``.
    kind : str, default '警情'
        ``警情`` or ``案件``.

    Returns
    -------
    str
        The sentence, empty when the frame is empty.
    """
    if zero.empty:
        return ""
    dim = next((c for c in zero.columns if c != "district"), None)
    parts = []
    groups = zero.groupby(dim, sort=False)["district"] if dim else [("", zero["district"])]
    for g, ds in groups:
        names = [category_label(d, lang) for d in ds] if lang == "en" else list(ds)  # （已屏蔽） → (redacted)
        if lang == "en":
            what = _en_subject(str(g), kind) if g else ("cases" if kind == "案件" else "incidents")
            parts.append(f"no {what} in {', '.join(names)}")
        else:
            what = (str(g) if str(g).endswith(("警情", "案件")) else f"{g}{kind}") if g else kind
            parts.append(f"{'、'.join(names)}{what}零发案")
    if lang == "en":
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "."
    return "；".join(parts) + "。"
