"""The briefing's context: the data, windows and comparisons computed once by :func:`prepare`.

The notebook ``notebooks/briefing.ipynb`` is thin: it calls :func:`prepare` with its parameters,
:func:`collector` for the hand-over to the render process, then :func:`show` on each section
builder (:func:`header`, :func:`overview` … :func:`data_notes`). Everything a reader sees is output
(HTML), never a Markdown cell, because the rendered HTML drops the code.

Example
-------
>>> from stats_lib import briefing as b                                       # doctest: +SKIP
>>> ctx = b.prepare(data=["cleaned/"], start="2023-01-21", end="2023-02-05", baseline="lunar")
>>> print(b.overview(ctx).text)                                              # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from stats_lib.calendar.baselines import day_attributes, festivals, official_periods, reporting_window
from stats_lib.calendar.regions import LUNAR_REGIONS, region_day_attributes, region_holidays
from stats_lib.clean import ledger_summary, load_data
from stats_lib.errors import CalendarError, InputError, ParameterError
from stats_lib.report import narrative
from stats_lib.report.context_types import Context, baseline_name
from stats_lib.report.formats import fmt_p
from stats_lib.report.labels import sentence_label
from stats_lib.report.masking import suppress_comparison
from stats_lib.report.sentences import anomaly_skipped, zero_sentence
from stats_lib.stats.anomaly import FALSE_FLAGS_PER_BRIEFING, flag_anomalies
from stats_lib.stats.compare import compare, day_start_minutes
from stats_lib.stats.mix import category_mix, zero_districts
from stats_lib.tables import Cleaned, coverage
from stats_lib.windows import Baseline, ReportingWindow, Window

__all__ = ["Context", "prepare", "baseline_name", "LUNAR_REGIONS", "region_holidays"]


# ------------------------------------------------------------------------------------------ prepare
def _load(data, schema: str | None) -> Cleaned:
    if isinstance(data, Cleaned):
        return data
    if data is None or (isinstance(data, Sequence) and not isinstance(data, str) and not data):
        raise ParameterError("data: give a cleaned folder or raw export files")
    paths = [_locate(str(data))] if isinstance(data, str | Path) else [_locate(str(p)) for p in data]

    return load_data(paths, schema=schema, as_of=None)


def _locate(path: str) -> str:
    """A relative ``path`` that is not in the working folder, looked up in the folders above it.

    So the notebooks' default ``data/sample/cleaned`` works from the repository root and from ``notebooks/``.
    An absolute path, or one found nowhere, is returned as given (the loader then names it in its error).
    """
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return str(p)
    for parent in Path.cwd().resolve().parents:
        if (parent / p).exists():
            return str(parent / p)
    return path


def _select(frame: pd.DataFrame | None, column: str, values: tuple[str, ...], what: str) -> pd.DataFrame | None:
    if frame is None or not values:
        return frame
    return frame[frame[column].isin(values)].reset_index(drop=True)


def _check_names(daily: pd.DataFrame, column: str, values: tuple[str, ...], what: str) -> None:
    known = set(daily[column].astype(str))
    unknown = [v for v in values if v not in known]
    if unknown:
        listing = "、".join(sorted(k for k in known if k)[:30])
        raise ParameterError(f"{what}: not in the data: {', '.join(unknown)}; the data has: {listing}")


def _festival_days(years: range) -> dict[dt.date, str]:
    """{date: name} of the festivals (除夕, 春节, 元宵 …) and of 初二 … 初七, over ``years``."""

    out: dict[dt.date, str] = {}
    for y in years:
        try:
            f = festivals(y)
        except CalendarError:
            continue
        for name, d in f.items():
            out[d] = name
        for i, name in enumerate(["初二", "初三", "初四", "初五", "初六", "初七"], start=1):
            out[f["春节"] + dt.timedelta(days=i)] = name
    return out


def _key_days(window: Window, cutoff: dt.date) -> tuple[tuple[str, dt.date, dt.date], ...]:
    """(name, date, same lunar day last year) for the festival days inside the window, in date order."""

    rows = []
    for y in range(window.start.year, window.end.year + 1):
        try:
            f, g = festivals(y), festivals(y - 1)
        except CalendarError:
            continue
        cand = [("除夕", f["除夕"], g["除夕"])]
        cand += [(n, f["春节"] + dt.timedelta(days=i), g["春节"] + dt.timedelta(days=i))
                 for i, n in enumerate(["初一", "初二", "初三", "初四", "初五", "初六", "初七"])]
        cand += [(n, f[n], g[n]) for n in ("元宵", "清明", "端午", "中秋")]
        rows += [c for c in cand if window.start <= c[1] <= min(window.end, cutoff)]
    return tuple(sorted(rows, key=lambda r: r[1]))


def _holidays(window: Window, lang: str = "zh") -> pd.DataFrame | None:
    """Official holiday name of each day of ``window`` (``''`` on other days), in the report language."""

    try:
        attrs = day_attributes(window.start, window.end)[["date", "holiday"]]
        if lang == "en":
            names = {w.name: w.name_en for y in range(window.start.year, window.end.year + 1)
                     for w in official_periods(y)}
            attrs = attrs.assign(holiday=attrs["holiday"].map(lambda h: names.get(h, h) if isinstance(h, str) else h))
    except CalendarError:
        return None
    return attrs


def prepare(data: str | Path | Sequence[str | Path] | Cleaned | None = None, schema: str | None = None, start: str | None = None, end: str | None = None,
            period: str | None = None, year: int | None = None, as_of: str | None = None,
            baseline: str | Baseline | None = None, lang: str = "zh", districts: Sequence[str] | None = None,
            categories: Sequence[str] | None = None, mask_below: int | None = None,
            output_dir: str | None = None, region: str = "CN", *, forecast_start: str | None = None,
            forecast_end: str | None = None, forecast_period: str | None = None,
            forecast_year: int | None = None, min_base: int = 5,
            tail: float = FALSE_FLAGS_PER_BRIEFING, reporting: ReportingWindow | None = None) -> Context:
    """Load the data, resolve the window and baseline, and compute every comparison of the briefing once.

    Parameters
    ----------
    data : list of str, str or Cleaned
        A cleaned folder (with ``daily.parquet``) or raw export files, or an already cleaned
        :class:`stats_lib.tables.Cleaned` (tests, an analyst's session).
    schema : str, optional
        Schema YAML for raw exports.
    start, end : str, optional
        First and last day, inclusive (ISO; an hour may follow, ``2023-01-27T12``).
    period, year : optional
        A named period (``春节以来``, ``since-spring-festival``) instead of ``start``/``end``; when
        given it takes precedence over ``start``/``end``.
    as_of : str, optional
        The data cut-off (default the last complete day: yesterday in Asia/Shanghai); records after it
        are left out.
    baseline : str or Baseline, optional
        ``calendar``, ``lunar``, ``weekday``, ``holiday``, ``previous`` or ``avgN`` (None: the
        calendar's default mode), or an already resolved :class:`~stats_lib.windows.Baseline`.
    lang : {"zh", "en"}
        Report language.
    districts, categories : list of str or str, optional
        Only these districts / categories (names as in the data; one name may be given as a string);
        an unknown name is an error.
    mask_below : int, optional
        Counts below this are shown as ``*``.
    output_dir : str, optional
        Ignored here (see :func:`collector`); accepted so that the notebook's parameters pass through.
    region : str
        Calendar region (ISO country code, default ``CN``): whose public holidays are shaded (other than
        CN through the ``holidays`` library), and whether the lunar key days and festival nights apply
        (only in :data:`LUNAR_REGIONS`).
    forecast_start, forecast_end, forecast_period, forecast_year : optional
        The window of the optional section 八、节日预测 (kept in ``Context.params``; see
        :mod:`stats_lib.report.forecast_section`).
    min_base : int
        Baseline counts below this get no percentage (the small-count wording instead).
    tail : float
        Expected number of false anomaly flags in the whole briefing, all series and days together
        (default 0.2; each series-day is tested at ``tail / (series x days)``, Bonferroni).
    reporting : ReportingWindow, optional
        The window, baseline and cut-off already resolved (:func:`stats_lib.calendar.reporting_window`);
        when given, ``start``, ``end``, ``period``, ``year``, ``as_of`` and ``baseline`` are not used.

    Returns
    -------
    Context
        The data, windows, comparisons and sentences of the briefing.

    Raises
    ------
    ParameterError
        A bad date, period, baseline, language, or a district/category not in the data.
    InputError
        Unreadable data, or data with neither incidents nor cases.
    """

    if lang not in ("zh", "en"):
        raise ParameterError(f"lang: expected zh or en, got {lang!r}")
    if mask_below is not None and (not isinstance(mask_below, int) or mask_below < 1):
        raise ParameterError(f"mask_below: expected a whole number >= 1, got {mask_below!r}")
    if period:
        start = end = None
    if reporting is None:
        reporting = reporting_window(start, end, period, year, baseline=baseline, as_of=as_of, lang=lang)
    window, base, as_of_date = reporting.window, reporting.baseline, reporting.as_of
    cleaned = _load(data, schema)

    dsel = (districts,) if isinstance(districts, str) else tuple(districts or ())
    csel = (categories,) if isinstance(categories, str) else tuple(categories or ())
    d = cleaned.daily
    if dsel:
        _check_names(d, "district", dsel, "districts")
    if csel:
        _check_names(d, "category", csel, "categories")
    cut = pd.Timestamp(as_of_date)
    d = _select(_select(d, "district", dsel, "districts"), "category", csel, "categories")
    d = d[d["date"] <= cut].reset_index(drop=True)
    h = _select(_select(cleaned.hourly, "district", dsel, "districts"), "category", csel, "categories")
    if h is not None:
        h = h[h["date"] <= cut].reset_index(drop=True)
    kinds = set(d["kind"])
    if not kinds:
        raise InputError("data: no incidents or cases left (check the districts/categories and the as_of date)")
    kind = "警情" if "警情" in kinds else sorted(kinds)[0]
    cutoff = reporting.cutoff

    # the data's coverage: the ledger's days, else the whole daily table's (never the filtered rows)
    full = coverage(cleaned.daily, cleaned.ledger)
    cover = {"date_min": full.first.isoformat(), "date_max": min(full.last, as_of_date).isoformat(),
             "day_start": dict(cleaned.ledger or {}).get("day_start", "00:00"),
             "gaps": [g.to_json() for g in full.gaps]}
    comps = _comparisons(d, h, window, base, kind, min_base, cover, csel, dsel)
    # masking decided once, on the figures, before any table, sentence or chart is made
    comps = {k: suppress_comparison(v, mask_below) if hasattr(v, "table") else v for k, v in comps.items()}
    comps = _protect_valid(comps)
    region = str(region or "CN").upper()
    anomalies_df, anomaly_note = _anomalies(d, window, cutoff, kind, tail, region)
    years = range(min([window.start.year] + [w.start.year for w in base.windows]) - 1, window.end.year + 2)
    lunar = region in LUNAR_REGIONS
    hol = _holidays(window, lang) if region == "CN" else region_holidays(window, region, lang)
    ctx = Context(
        lang=lang, reporting=reporting, kind=kind, daily=d, hourly=h,
        ledger=dict(cleaned.ledger or {}), taxonomy=str((cleaned.ledger or {}).get("taxonomy") or "default"),
        anomalies=anomalies_df, anomaly_tail=tail,
        anomaly_note=anomaly_note[1] if lang == "en" else anomaly_note[0], mask_below=mask_below,
        min_base=min_base, districts=dsel, categories=csel, festival_days=_festival_days(years) if lunar else {},
        holidays=hol, key_days=_key_days(window, cutoff) if lunar else (), region=region,
        params={"start": start, "end": end, "period": period, "year": year,
                                        "as_of": as_of_date.isoformat(), "baseline": base.mode, "lang": lang,
                "forecast_start": forecast_start, "forecast_end": forecast_end, "forecast_period": forecast_period,
                "forecast_year": forecast_year},
        **comps)
    nights = tuple((dd, name, prev) for name, dd, prev in ctx.key_days if name in ("除夕", "元宵"))
    words = _words(ctx)
    zero = _zero(ctx)
    return _replace(ctx, nights=nights, zero_text=zero, **words)


def _replace(ctx: Context, **changes) -> Context:

    return replace(ctx, **changes)


def _comparisons(d: pd.DataFrame, h, window: Window, base: Baseline, kind: str, min_base: int, cover: dict,
                 csel: tuple, dsel: tuple) -> dict:
    """Every comparison of the briefing, computed once."""

    def cmp(frame, by=None, k=kind):
        return compare(frame, window, base, by=by, hourly=h, kind=k, min_base=min_base, ledger=cover)

    out = {"total": cmp(d), "by_category": cmp(d, "category"), "by_district": cmp(d, "district")}
    if kind == "警情" and "无效" in set(d.loc[d["kind"] == kind, "category"]):
        valid = d[d["category"] != "无效"]
        hv = h[h["category"] != "无效"] if h is not None else None
        out["valid"] = compare(valid, window, base, hourly=hv, kind=kind, min_base=min_base, ledger=cover)
    # sub-types (案由) are not in the hourly table: a window cut at an hour cannot be counted by them
    by_sub = "subcategory" if window.whole_days else "category"
    if kind == "警情" and "案件" in set(d["kind"]):
        out["cases"] = cmp(d, by_sub, "案件")
        out["cases_total"] = cmp(d, None, "案件")
    if csel:
        out["focus"], out["focus_by"] = cmp(d, by_sub), by_sub
    elif dsel:
        out["focus"], out["focus_by"] = cmp(d, "category"), "category"
    return out


def _protect_valid(comps: dict) -> dict:
    """Hide 有效警情 (all − 无效) when the 无效 count is hidden: it would give 无效 back by subtraction."""
    by_cat, valid = comps.get("by_category"), comps.get("valid")
    if by_cat is None or valid is None:
        return comps
    rows = by_cat.table.iloc[:-1]
    inv = rows[rows["group"].astype(str) == "无效"]
    if len(inv) and bool(inv["hide_current"].any()):
        t = valid.table.copy()
        t["hide_current"] = True
        comps = {**comps, "valid": replace(valid, table=t)}
    return comps


def _anomalies(d: pd.DataFrame, window: Window, cutoff: dt.date, kind: str, tail: float, region: str = "CN"):
    """Every day of the window scored against history: the total series (``合计``) and each category.

    Returns ``(frame or None, note)``: the frame of :func:`stats_lib.anomaly.flag_anomalies` with
    ``all_days=True`` (``flag`` is ``high``/``low`` on flagged days, ``''`` otherwise), or None with a
    sentence (in Chinese and English) saying why nothing could be checked.
    """

    sub = d[d["kind"] == kind]
    try:
        last = min(window.end, cutoff)
        attrs = region_day_attributes(min(sub["date"].min().date(), window.start), last, region) if len(sub) else None
        res = flag_anomalies(sub, window.start, last, by="category", tail=tail, per="briefing",
                             all_days=True, attrs=attrs)
        return res, ("", "")
    except InputError as exc:
        return None, (anomaly_skipped(exc, "zh"), anomaly_skipped(exc, "en"))


def _words(ctx: Context) -> dict:
    """The narrative paragraph, the category-mix sentence, the ledger summary and the test sentence."""

    en = ctx.lang == "en"
    place = "、".join(ctx.districts) if ctx.districts else None
    out = {"narrative": narrative.paragraph(ctx.total, ctx.by_category, lang=ctx.lang, mask_below=ctx.mask_below,
                                            place=place)}
    out["mix_text"] = _mix_sentence(ctx) if ctx.by_category is not None else ""
    if ctx.ledger:

        out["ledger_text"] = ledger_summary(ctx.ledger, lang=ctx.lang)
    out["test_text"] = ctx.total.test_en if en else ctx.total.test
    notes = ctx.total.notes_en if en else ctx.total.notes
    out["compare_notes"] = tuple(n for n in notes if n not in ctx.baseline.notes)
    return out


def _mix_sentence(ctx: Context) -> str:
    """One sentence on the chi-square test of the category mix (current against baseline)."""

    try:
        mix = category_mix(ctx.by_category)
    except InputError:
        return ""
    p = fmt_p(mix.pvalue)
    if mix.pvalue >= 0.05:
        if ctx.lang == "en":
            return f"The mix of categories is in line with {ctx.baseline_phrase} (chi-square test, {p})."
        return f"各类{ctx.kind}构成与{ctx.baseline_name}相比无显著变化（卡方检验，{p}）。"
    names = [sentence_label(str(g), ctx.lang, taxonomy=ctx.taxonomy) for g in mix.top[:3]]
    if ctx.lang == "en":
        tail = f", mostly {', '.join(names)}" if names else ""
        return f"The mix of categories changed against {ctx.baseline_phrase} (chi-square test, {p}){tail}."
    tail = f"，主要是{'、'.join(names)}" if names else ""
    return f"{ctx.kind}类别构成与{ctx.baseline_name}相比有显著变化（卡方检验，{p}）{tail}。"


def _zero(ctx: Context) -> str:
    """The 零发案 sentence: districts with no record of a category of the main kind in the window."""

    z = zero_districts(ctx.daily[ctx.daily["kind"] == ctx.kind], ctx.window, by="category", hourly=ctx.hourly,
                       day_start_minutes=day_start_minutes(ctx.ledger))
    return zero_sentence(z, lang=ctx.lang, kind=ctx.kind)
