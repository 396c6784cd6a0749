"""The briefing's context object: what :func:`stats_lib.report.context.prepare` computes once for the builders.

:class:`Context` is a frozen dataclass of the data, windows, comparisons and ready-made sentences that every
section builder reads; :func:`baseline_name` is how the report names its baseline. :func:`prepare`, which
makes a context, lives in :mod:`stats_lib.report.context` (which re-exports both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from stats_lib.calendar.regions import LUNAR_REGIONS
from stats_lib.report.labels import sentence_label
from stats_lib.report.words import baseline_name as comparison_baseline_name
from stats_lib.stats.anomaly import FALSE_FLAGS_PER_BRIEFING
from stats_lib.stats.compare import Comparison
from stats_lib.windows import Baseline, ReportingWindow, Window

__all__ = ["Context", "baseline_name"]


def baseline_name(mode: str, lang: str = "zh", *, short: bool = True) -> str:
    """How the report names a baseline: ``去年农历同期`` / ``Same lunar period last year`` (see compare).

    Parameters
    ----------
    mode : str
        The baseline mode (``calendar``, ``lunar``, ``weekday``, ``holiday``, ``previous``, ``avgN``).
    lang : str, default 'zh'
        ``zh`` or ``en``.
    short : bool, default True
        English only: the label form (``Same lunar period last year``) rather than the phrase.

    Returns
    -------
    str
        The baseline's name (:func:`stats_lib.report.words.baseline_name`).
    """
    return comparison_baseline_name(mode, lang, short=short)


@dataclass(frozen=True)
class Context:
    """Everything the section builders need, computed once by :func:`prepare`.

    The comparisons (``total``, ``by_category`` …) are :class:`stats_lib.compare.Comparison`
    results on the main kind (``警情`` when the data has incidents, else ``案件``); ``None`` where
    the data has nothing to compare (for example no case data → ``cases`` is None). ``reporting``
    holds the window, its baseline and the data's cut-off day; ``window``, ``baseline`` and ``cutoff``
    read them from it.

    Attributes
    ----------
    lang : str
        Report language, ``zh`` or ``en``.
    reporting : ReportingWindow
        The window, its baseline and the data's cut-off day.
    kind : str
        The main kind counted: ``警情`` (incidents) or ``案件`` (cases).
    daily : pd.DataFrame
        The canonical daily table (:mod:`stats_lib.tables`: ``date``, ``kind``, ``category``, ``district``,
        ``count`` …), after the selection of districts and categories.
    hourly : pd.DataFrame | None
        The canonical hourly table, or None when the data has no times.
    ledger : dict[str, object]
        The cleaning ledger (:func:`stats_lib.clean.ledger_summary`).
    total, by_category, by_district : Comparison
        The comparisons of the main kind: in all, by category, by district.
    valid : Comparison | None, default None
        Valid incidents only (invalid calls apart), or None.
    cases, cases_total : Comparison | None, default None
        Cases by 案由 and in all, or None without case data.
    focus : Comparison | None, default None
        The selected category or district by sub-group (the explore notebook), or None.
    focus_by : str, default ''
        The dimension of ``focus`` (``subcategory``, ``district``), empty without.
    anomalies : pd.DataFrame | None, default None
        Days flagged by :func:`stats_lib.stats.anomaly.flag_anomalies` (``date``, ``group``, ``observed``,
        ``expected``, ``lower``, ``upper``, ``p_value``, ``flag``), or None.
    anomaly_tail : float, default FALSE_FLAGS_PER_BRIEFING
        Expected false flags in the whole briefing (the test's tail).
    anomaly_note : str, default ''
        A note on the anomaly check (why it was not run), empty for none.
    mask_below : int | None, default None
        Counts below it are shown as ``*``; None masks nothing.
    min_base : int, default 5
        Counts (events) below it get no percentage, the small-count words instead.
    districts, categories : tuple[str, ...], default ()
        The selection (names as in the data); empty for all.
    city : str, default '全市'
        The place named in the text (``全市``).
    narrative, mix_text, ledger_text, test_text, zero_text : str, default ''
        Ready-made paragraphs: the overview, the category mix, the cleaning, the test, 零发案.
    compare_notes : tuple[str, ...], default ()
        Notes of the comparison (baseline days missing …).
    festival_days : dict[dt.date, str]
        Day → its festival name (``除夕``, ``元宵`` …) over the years of the data.
    holidays : pd.DataFrame | None, default None
        Official holiday days of the window (``date``, ``holiday``) for shading, or None.
    key_days : tuple[tuple[str, dt.date, dt.date], ...], default ()
        (name, day, the same lunar day a year before) of the key festival days in the window.
    nights : tuple[tuple[dt.date, str, dt.date], ...], default ()
        (day, name, next day) of the festival nights (除夕, 元宵) in the window.
    params : dict[str, str | int | None]
        The notebook's parameters as given (the forecast window among them).
    taxonomy : str, default 'default'
        The taxonomy the data was cleaned with (``default``, ``none`` or a YAML path).
    region : str, default 'CN'
        Calendar region (ISO country code, ``CN``).
    """

    lang: str
    reporting: ReportingWindow
    kind: str
    daily: pd.DataFrame
    hourly: pd.DataFrame | None
    ledger: dict[str, object]
    total: Comparison
    by_category: Comparison
    by_district: Comparison
    valid: Comparison | None = None
    cases: Comparison | None = None
    cases_total: Comparison | None = None
    focus: Comparison | None = None
    focus_by: str = ""
    anomalies: pd.DataFrame | None = None
    anomaly_tail: float = FALSE_FLAGS_PER_BRIEFING
    anomaly_note: str = ""
    mask_below: int | None = None
    min_base: int = 5
    districts: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    city: str = "全市"
    narrative: str = ""
    mix_text: str = ""
    ledger_text: str = ""
    test_text: str = ""
    compare_notes: tuple[str, ...] = ()
    festival_days: dict[dt.date, str] = field(default_factory=dict)
    holidays: pd.DataFrame | None = None
    key_days: tuple[tuple[str, dt.date, dt.date], ...] = ()
    nights: tuple[tuple[dt.date, str, dt.date], ...] = ()
    zero_text: str = ""
    params: dict[str, str | int | None] = field(default_factory=dict)
    taxonomy: str = "default"
    region: str = "CN"

    @property
    def window(self) -> Window:
        """The window reported on."""
        return self.reporting.window

    @property
    def baseline(self) -> Baseline:
        """The baseline windows the comparisons set the window against."""
        return self.reporting.baseline

    @property
    def cutoff(self) -> dt.date:
        """The last day counted: the window's end, or ``as_of`` when that is earlier."""
        return self.reporting.cutoff

    @property
    def lunar(self) -> bool:
        """True where the lunar festivals are public holidays (CN, HK, MO, TW, SG): key days and nights apply."""
        return self.region in LUNAR_REGIONS

    @property
    def kind_en(self) -> str:
        """``Incidents`` or ``Cases``."""
        return {"警情": "Incidents", "案件": "Cases"}.get(self.kind, self.kind)

    @property
    def baseline_name(self) -> str:
        """The baseline as a label (table header, legend): ``去年农历同期`` / ``Same lunar period last year``."""
        return baseline_name(self.baseline.mode, self.lang)

    @property
    def baseline_phrase(self) -> str:
        """The baseline inside a sentence: ``去年农历同期`` / ``the same lunar period last year``."""
        return baseline_name(self.baseline.mode, self.lang, short=False)

    @property
    def subject(self) -> str:
        """What is counted: ``警情``, or with a selection ``高新区火灾警情`` / ``fire incidents in 高新区``."""

        if self.lang == "en":
            cats = " and ".join(sentence_label(c, "en", taxonomy=self.taxonomy) for c in self.categories)
            where = f" in {', '.join(self.districts)}" if self.districts else ""
            return f"{cats + ' ' if cats else ''}{self.kind_en.lower()}{where}"
        return "、".join(self.districts) + "、".join(self.categories) + self.kind

    @property
    def change_word(self) -> str:
        """``同比`` against last year, ``环比`` against the previous period."""
        return "环比" if self.baseline.mode == "previous" else "同比"

    @property
    def source_line(self) -> str:
        """The small source line under each chart."""
        d = self.cutoff
        if self.lang == "en":
            return f"exported records, as of {d.day} {d:%b} {d.year}"
        return f"接处警系统导出数据，截至{d.year}年{d.month}月{d.day}日"
