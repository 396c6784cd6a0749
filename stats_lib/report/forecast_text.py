"""Words and plain-text/CSV/JSON output of a forecast and of its backtest (``briefing forecast``).

In: :class:`stats_lib.stats.forecast.Forecast` and :class:`stats_lib.stats.forecast_backtest.Backtest`. Out:
strings. Chinese by default, English with ``lang="en"``.
"""

from __future__ import annotations

import json

import pandas as pd

from stats_lib.report.labels import category_label, festival_label
from stats_lib.safe import safe_frame
from stats_lib.stats.forecast import TOTAL, Forecast
from stats_lib.stats.forecast_backtest import Backtest

__all__ = ["forecast_rows", "format_forecast", "format_backtest", "forecast_sentences", "busiest_hours",
           "forecast_csv", "backtest_csv"]

_METHOD = {"zh": {"model": "模型", "seasonal_naive": "季节朴素（农历同期×近28天比）", "last_year_dates": "去年同日"},
           "en": {"model": "model", "seasonal_naive": "seasonal naive (lunar, scaled)",
                  "last_year_dates": "last year's dates"}}
_KIND_EN = {"警情": "incidents", "案件": "cases"}
_FEST_EN = {"除夕": "Lunar New Year's Eve", "元宵": "Lantern Festival"}
_LEVEL = {"zh": {"total": "合计", "category": "分类", "district": "分区"},
          "en": {"total": "total", "category": "category", "district": "district"}}


def forecast_rows(fc: Forecast) -> pd.DataFrame:
    """The rows of ``briefing forecast``: ``date`` (ISO), ``kind``, ``level``, ``group``, ``mean`` (1 decimal),
    ``lo{L}``/``hi{L}`` (whole counts), ``festival``, ``calendar``.

    Parameters
    ----------
    fc : Forecast
        The forecast.

    Returns
    -------
    pd.DataFrame
        One row a day, kind and group, the columns above (counts in events a day).
    """
    t = fc.table.copy()
    t["date"] = t["date"].dt.strftime("%Y-%m-%d")
    t["mean"] = t["mean"].round(1)
    for lv in fc.levels:
        t[f"lo{lv}"] = t[f"lo{lv}"].astype("int64")
        t[f"hi{lv}"] = t[f"hi{lv}"].astype("int64")
    return t


#: CSV headers of the forecast rows: column -> (Chinese, English).
_CSV_HEADS = {"date": ("日期", "Date"), "kind": ("类型", "Kind"), "level": ("层级", "Level"), "group": ("分组", "Group"),
              "mean": ("预测均值", "Expected"), "festival": ("节日", "Festival"),
              "calendar": ("日历依据（calendar）", "Calendar")}


def forecast_csv(fc: Forecast, lang: str = "zh") -> pd.DataFrame:
    """The rows of :func:`forecast_rows` for ``briefing forecast --format csv``: headers in the report language.

    zh: 日期, 类型, 层级 (合计/分类/分区), 分组, 预测均值 (1 decimal), 80%区间下限, 80%区间上限 … (whole counts),
    节日, 日历依据（calendar）; en: Date, Kind, Level, Group, Expected, 80% low, 80% high …, Festival, Calendar, with
    kinds, groups and festivals in English.

    Parameters
    ----------
    fc : Forecast
        The forecast.
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    DataFrame
        One row a day and group, the columns above.
    """
    en = lang == "en"
    rows = forecast_rows(fc)
    rows["level"] = rows["level"].map(lambda v: _LEVEL[lang].get(v, v))
    if en:
        rows["kind"] = rows["kind"].map(lambda v: _KIND_EN.get(v, v))
        rows["group"] = rows["group"].map(lambda v: "Total" if v == TOTAL else category_label(v, "en"))
        rows["festival"] = rows["festival"].map(lambda v: festival_label(v, "en") if isinstance(v, str) and v else v)
    heads = {k: v[1 if en else 0] for k, v in _CSV_HEADS.items()}
    for lv in fc.levels:
        heads[f"lo{lv}"] = f"{lv}% low" if en else f"{lv}%区间下限"
        heads[f"hi{lv}"] = f"{lv}% high" if en else f"{lv}%区间上限"
    cols = [c for c in ["date", "kind", "level", "group", "mean", *[f"{s}{lv}" for lv in fc.levels for s in ("lo", "hi")],
                        "festival", "calendar"] if c in rows.columns]
    return rows[cols].rename(columns=heads)


def backtest_csv(bt: Backtest, lang: str = "zh") -> pd.DataFrame:
    """The backtest summary for ``briefing forecast --backtest --format csv``, rounded as the text prints it.

    zh: 层级, 方法, 样本数, 平均绝对误差, 平均绝对百分比误差（%）, 平均偏差, 80%区间覆盖率（%） …; en: Level,
    Method, N, MAE, MAPE (%), Bias, 80% coverage (%) ….

    Parameters
    ----------
    bt : Backtest
        The backtest (:func:`stats_lib.stats.forecast_backtest.backtest`).
    lang : str, default 'zh'
        ``zh`` or ``en`` (the headers).

    Returns
    -------
    DataFrame
        One row a level and method, the columns above (errors in events a day, percentages in percent).
    """
    en = lang == "en"
    s = bt.summary.copy()
    s["level"] = s["level"].map(lambda v: _LEVEL[lang].get(v, v))
    s["method"] = s["method"].map(lambda v: _METHOD[lang].get(v, v))
    s = s.round({"mae": 2, "mape": 1, "bias": 2, **{c: 1 for c in s.columns if c.startswith("cover")}})
    heads = {"level": "Level" if en else "层级", "method": "Method" if en else "方法", "n": "N" if en else "样本数",
             "mae": "MAE" if en else "平均绝对误差", "mape": "MAPE (%)" if en else "平均绝对百分比误差（%）",
             "bias": "Bias" if en else "平均偏差"}
    heads |= {c: (f"{c[5:]}% coverage (%)" if en else f"{c[5:]}%区间覆盖率（%）") for c in s.columns
              if c.startswith("cover")}
    return s.rename(columns=heads)


def format_forecast(fc: Forecast, fmt: str = "table", lang: str = "zh") -> str:
    """``fc`` as ``table`` (aligned text with the notes), ``csv`` (formula-safe, :func:`forecast_csv`; the CLI
    adds the BOM) or ``json`` (``{"window", "origin", "rows": [...], "summary": [...], "hourly": [...], "notes"}``).

    Parameters
    ----------
    fc : Forecast
        The forecast.
    fmt : str, default 'table'
        ``table``, ``csv`` or ``json``.
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The forecast as text.
    """
    rows = forecast_rows(fc)
    if fmt == "csv":
        return safe_frame(forecast_csv(fc, lang)).to_csv(index=False)
    if fmt == "json":
        summ = fc.summary.round(2)
        hourly = fc.hourly.copy()
        if not hourly.empty:
            hourly["date"] = hourly["date"].dt.strftime("%Y-%m-%d")
            hourly = hourly.round(2)
        return json.dumps({"window": [fc.window.start.isoformat(), fc.window.end.isoformat()],
                           "origin": fc.origin.isoformat(), "levels": list(fc.levels),
                           "rows": rows.to_dict("records"), "summary": summ.to_dict("records"),
                           "hourly": hourly.to_dict("records"), "notes": list(fc.notes)},
                          ensure_ascii=False, indent=1)
    head = (f"预测 {fc.window.start} 至 {fc.window.end}（起点 {fc.origin}）" if lang == "zh"
            else f"forecast {fc.window.start} to {fc.window.end} (origin {fc.origin})")
    cols = ["date", "kind", "group", "mean", *[f"{s}{lv}" for lv in fc.levels for s in ("lo", "hi")], "festival"]
    body = rows[cols].to_string(index=False)
    return "\n".join([head, body, "", *[f"注：{n}" if lang == "zh" else f"note: {n}" for n in fc.notes]])


def format_backtest(bt: Backtest, lang: str = "zh") -> str:
    """The backtest summary as aligned text: one line per level and method.

    Parameters
    ----------
    bt : Backtest
        The backtest.
    lang : str, default 'zh'
        ``zh`` or ``en``.

    Returns
    -------
    str
        The table as text.
    """
    s = bt.summary.copy()
    s["level"] = s["level"].map(_LEVEL[lang])
    s["method"] = s["method"].map(_METHOD[lang])
    s = s.round({"mae": 2, "mape": 1, "bias": 2, **{c: 1 for c in s.columns if c.startswith("cover")}})
    wins = ", ".join(f"{w.start}~{w.end}" for w in bt.windows)
    head = f"回测窗口：{wins}" if lang == "zh" else f"backtest windows: {wins}"
    return head + "\n" + s.to_string(index=False, na_rep="-")


def busiest_hours(fc: Forecast, day: object, kind: str = "警情", top: int = 3) -> pd.DataFrame:
    """The ``top`` hours of ``day`` with the highest expected counts: ``hour``, ``mean``, ``lo80``/``hi80``
    where present; empty when the day has no hour profile.

    Parameters
    ----------
    fc : Forecast
        The forecast.
    day : object
        The day (a date or anything ``pd.Timestamp`` reads).
    kind : str, default '警情'
        ``警情`` or ``案件``.
    top : int, default 3
        How many hours.

    Returns
    -------
    pd.DataFrame
        The hours, busiest first (``mean`` in events an hour).
    """
    h = fc.hourly
    if h.empty:
        return h
    d = h[(h["date"] == pd.Timestamp(day)) & (h["kind"] == kind)]
    return d.sort_values(["mean", "hour"], ascending=[False, True]).head(top).reset_index(drop=True)


def _md(ts: pd.Timestamp, lang: str) -> str:
    return f"{ts.month}月{ts.day}日" if lang == "zh" else ts.strftime("%d %b")


def forecast_sentences(fc: Forecast, kind: str = "警情", lang: str = "zh", name: str = "",
                       taxonomy: str | None = "default") -> list[str]:
    """Two or three sentences on the forecast of ``kind``: daily mean with its 80% interval, the busiest day,
    the busiest hours of 除夕 and 元宵 in the window.

    Example: 预计春节假期全市日均接报警情约178起（80%区间165至191起），最多在2月12日（约207起）。

    Parameters
    ----------
    fc : Forecast
        The forecast.
    kind : str, default '警情'
        ``警情`` or ``案件``.
    lang : str, default 'zh'
        ``zh`` or ``en``.
    name : str, default ''
        The window's name (``春节假期``), empty for none.
    taxonomy : str, optional
        The taxonomy the data was cleaned with, for English category labels.

    Returns
    -------
    list[str]
        The sentences.
    """
    s = fc.summary
    row = s[(s["kind"] == kind) & (s["level"] == "total")]
    if row.empty:
        return []
    r = row.iloc[0]
    lv = 80 if 80 in fc.levels else fc.levels[0]
    name = name or (fc.window.name if lang == "zh" else fc.window.name_en) or ("预测期" if lang == "zh" else "the window")
    kind_en = _KIND_EN.get(kind, kind)
    t = fc.table[(fc.table["kind"] == kind) & (fc.table["level"] == "total")]
    peak = t.loc[t["mean"].idxmax()]
    if lang == "zh":
        out = [f"预计{name}全市日均接报{kind}约{r['mean']:.0f}起（{lv}%区间{r[f'lo{lv}']:.0f}至{r[f'hi{lv}']:.0f}起），"
               f"最多在{_md(peak['date'], lang)}（约{peak['mean']:.0f}起）。"]
    else:
        out = [f"Expected {kind_en} per day over {name}: about {r['mean']:.0f} ({lv}% interval {r[f'lo{lv}']:.0f} to "
               f"{r[f'hi{lv}']:.0f}); the busiest day {_md(peak['date'], lang)} (about {peak['mean']:.0f})."]
    cats = fc.table[(fc.table["kind"] == kind) & (fc.table["level"] == "category")]
    if not cats.empty:
        top = cats.groupby("group")["mean"].sum().sort_values(ascending=False).head(2)
        share = top / t["mean"].sum() * 100
        out.append("以" + "、".join(f"{g}类（约{p:.0f}%）" for g, p in share.items()) + "为主。" if lang == "zh" else
                   "Mostly " + ", ".join(f"{group_label(g, lang, taxonomy)} (about {p:.0f}%)"
                                         for g, p in share.items()) + ".")
    nights = []
    for fest in ("除夕", "元宵"):
        day = t[t["festival"] == fest]
        if day.empty:
            continue
        top = busiest_hours(fc, day["date"].iloc[0], kind, top=2)
        if not top.empty:
            hrs = "、".join(f"{h}时" for h in sorted(top["hour"])) if lang == "zh" else \
                ", ".join(f"{h}:00" for h in sorted(top["hour"]))
            nights.append(f"{fest}{hrs}" if lang == "zh" else f"{_FEST_EN[fest]} {hrs}")
    if nights:
        out.append(("高峰时段：" + "；".join(nights) + "。") if lang == "zh" else ("Peak hours: " + "; ".join(nights) + "."))
    return out


def group_label(group: str, lang: str = "zh", taxonomy: str | None = "default") -> str:
    """Display name of a group: the total and an unknown ('') group spelled out, a category in ``lang``.

    Parameters
    ----------
    group : str
        A category or district as in the forecast table, ``合计`` or ``''``.
    lang : {'zh', 'en'}
        Language of the label.
    taxonomy : str, optional
        The taxonomy the data was cleaned with (as in the ledger), for English category labels.

    Returns
    -------
    str
        ``合计``/``total``, ``未注明``/``not stated``, else :func:`stats_lib.report.labels.category_label`.
    """
    if group == TOTAL:
        return TOTAL if lang == "zh" else "total"
    if not group:
        return "未注明" if lang == "zh" else "not stated"
    return category_label(group, lang, taxonomy)
