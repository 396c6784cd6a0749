"""What ``briefing calendar YEAR`` prints: the year's festivals, official arrangements and named periods.

:func:`calendar_report` gathers them (with notes on what is not known yet) into a JSON-ready mapping;
:func:`format_calendar` lays that out as text for a terminal.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata

import numpy as np

from stats_lib.calendar import official as hol
from stats_lib.calendar.arrangements import load_arrangements
from stats_lib.calendar.lunar import FESTIVALS, FIRST_YEAR, LAST_YEAR, festivals
from stats_lib.calendar.official import workdays
from stats_lib.calendar.periods import PERIODS, period_listing, period_spec, two_sessions_unsure
from stats_lib.errors import CalendarError, ParameterError
from stats_lib.windows import Window

__all__ = ["calendar_report", "format_calendar"]

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _day(d: dt.date, lang: str) -> str:
    return f"{d.day} {d:%b} {d.year}" if lang == "en" else f"{d.year}年{d.month}月{d.day}日"


def _check_report_year(year: object) -> int:
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarError(f"year {year!r}: the calendar is available for {FIRST_YEAR}-{LAST_YEAR}")
    return int(year)


def _report_notes(year: int, wins: list[Window], missing: dict[str, str], as_of: object, lang: str,
                  arrangements) -> list[str]:
    notes: list[str] = []
    f = festivals(year)
    if lang == "en":
        notes.append(f"Festivals {year}: " + ", ".join(
            f"{FESTIVALS[name]} {d.day} {d:%b}" for name, d in f.items()))
    else:
        notes.append(f"{year}年节日：" + "，".join(f"{name}{d.month}月{d.day}日" for name, d in f.items()))
    official = [s for s in PERIODS if s.kind == "official"]
    if any(missing.get(s.slug) == "official" for s in official) and not hol.is_covered(year, arrangements):
        known = hol.covered_years(arrangements)
        fmt = f"{year}: {{holidays: [{{name: 春节, start: YYYY-MM-DD, end: YYYY-MM-DD}}], workdays: [YYYY-MM-DD]}}"
        notes.append(_t(
            lang,
            f"{year}年法定节假日安排未收录（已收录{known[0]}—{known[-1]}年），节假日时段与调休上班日未列出。"
            f"请将国务院办公厅通知中的安排写入YAML文件，并设置环境变量 {hol.ENV_VAR}=文件路径，格式：{fmt}（每个假期一项，含其中的周末；连休写 name: [中秋, 国庆]）",
            f"The official holiday arrangement for {year} is not available (known: {known[0]}-{known[-1]}); "
            f"holiday periods and make-up working days are not listed. Write the State Council notice's "
            f"arrangement into a YAML file and set {hol.ENV_VAR}=/path/to/file.yaml; format: {fmt} (one entry per period, weekend days inside included; joined: name: [中秋, 国庆])",
        ))
    by_slug = {w.slug: w for w in wins}
    for a, b in (("mid-autumn-holiday", "national-day-holiday"), ("dragon-boat-holiday", "labour-day-holiday")):
        if a in by_slug and b in by_slug and (by_slug[a].start, by_slug[a].end) == (by_slug[b].start, by_slug[b].end):
            w = by_slug[a]
            notes.append(_t(lang, f"{w.name}与{by_slug[b].name}连休（{w.label()}），为同一时段",
                            f"{w.name_en} and {by_slug[b].name_en} are one joined period ({w.label('en')})"))
    ny = by_slug.get("new-year-holiday")
    if ny is not None and ny.start.year < year:
        notes.append(_t(lang, f"元旦假期自{_day(ny.start, lang)}起，计入{year}年",
                        f"the New Year holiday starts on {_day(ny.start, lang)} and counts as {year}'s"))
    if missing.get("two-sessions"):
        notes.append(_t(lang, f"{year}年两会日期不在表中（可补充 stats_lib/data/two_sessions.yaml）",
                        f"the Two Sessions dates of {year} are not in the table (extend stats_lib/data/two_sessions.yaml)"))
    elif two_sessions_unsure(year):
        notes.append(_t(lang, f"{year}年两会日期待核对", f"the Two Sessions dates of {year} are unconfirmed"))
    if missing.get("ytd") == "future":
        notes.append(_t(lang, "开放式时段（春节以来、年初至今、近7天等）未列出：请指定 --as-of",
                        "open-ended periods (since Spring Festival, year to date, last 7 days …) need --as-of"))
    else:
        ref = by_slug["ytd"].end
        notes.append(_t(lang, f"开放式时段截至{_day(ref, lang)}", f"open-ended periods end on {_day(ref, lang)}"))
        if missing.get("since-spring-festival"):
            notes.append(_t(lang, f"截至{_day(ref, lang)}春节尚未到来，未列出春节以来",
                            f"Spring Festival has not come by {_day(ref, lang)}: no since-spring-festival"))
    if hol.is_covered(year, arrangements):
        off = load_arrangements(arrangements)
        src = (off.path if year in off.user_years else "chinesecalendar")
        notes.append(_t(lang, f"法定节假日来源：{src}", f"official holidays from {src}"))
    return notes


def calendar_report(year: int, as_of: object = None, *, lang: str = "zh",
                    arrangements: str | os.PathLike | None = None) -> dict:
    """Return what ``briefing calendar YEAR --json`` prints.

    Parameters
    ----------
    year : int
        Gregorian year, 1950-2099.
    as_of : date or ISO string, optional
        Last day of the open-ended periods; default today (Asia/Shanghai) for the current year,
        31 December for a past year; a future year without ``as_of`` lists no open-ended period.
    lang : {"zh", "en"}
        Language of ``name`` and ``notes``.
    arrangements : path, optional
        User YAML of official arrangements (default ``$STATS_LIB_HOLIDAYS``).

    Returns
    -------
    dict
        ``{"year": int, "periods": [{"slug", "name", "start", "end", "days"}, ...],
        "workdays": ["YYYY-MM-DD", ...], "notes": [str, ...]}``; ``end`` inclusive, ``days`` the
        number of days. For a year without a known official arrangement the official holiday
        periods and ``workdays`` are left out and a note says how to supply them (never a guess);
        the first note always lists the year's festivals.
    """
    year = _check_report_year(year)
    listing = period_listing(year, as_of, arrangements)
    wins, missing = list(listing.windows), listing.missing
    rows = [{"slug": w.slug, "name": w.name_en if lang == "en" else w.name, "start": w.start.isoformat(),
             "end": w.end.isoformat(), "days": w.days} for w in wins]
    work = [d.isoformat() for d in workdays(year, arrangements)] if hol.is_covered(year, arrangements) else []
    return {"year": year, "periods": rows, "workdays": work,
            "notes": _report_notes(year, wins, missing, as_of, lang, arrangements)}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def format_calendar(report: dict, lang: str = "zh") -> str:
    """Return ``report`` (from :func:`calendar_report`) as a readable text table with workdays and notes.

    Parameters
    ----------
    report : dict
        What :func:`calendar_report` returns.
    lang : {"zh", "en"}
        Language of the headings (English notes are recomputed when ``report`` holds Chinese ones).

    Returns
    -------
    str
        Title, one line per period (name, slug, start, end, days), the make-up working days, the notes.
    """
    en = lang == "en"
    notes = list(report.get("notes", []))
    if en and notes and all(_CJK.search(n) for n in notes):
        ref = next((p["end"] for p in report["periods"] if p["slug"] == "ytd"), None)
        try:
            notes = calendar_report(report["year"], as_of=ref, lang="en")["notes"]
        except (CalendarError, ParameterError):
            pass
    head = ["Period", "Slug", "Start", "End", "Days"] if en else ["名称", "标识", "开始", "结束", "天数"]
    rows = []
    for p in report["periods"]:
        name = p["name"]
        if en and _CJK.search(name):
            try:
                name = period_spec(p["slug"]).name_en
            except ParameterError:
                pass
        rows.append([name, p["slug"], p["start"], p["end"], str(p["days"])])
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(5)]
    lines = [f"{report['year']} calendar" if en else f"{report['year']}年日历", ""]
    for r in [head, *rows]:
        lines.append("  ".join(_pad(c, w) if i < 4 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    lines.append("")
    work = report.get("workdays") or []
    sep = ", " if en else "、"
    label = "Make-up working days: " if en else "调休上班日："
    lines.append(label + (sep.join(work) if work else ("none listed" if en else "未列出")))
    if notes:
        lines.append("")
        lines.append("Notes:" if en else "说明：")
        lines.extend(f"- {n}" for n in notes)
    return "\n".join(lines)

