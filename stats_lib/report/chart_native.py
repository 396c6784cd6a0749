"""Data for the editable (native) PowerPoint charts of the deck: categories and series, masked counts left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from stats_lib.errors import InputError
from stats_lib.report.chart_base import date_label

__all__ = ["native_bar", "native_line"]


def _native(kind: str, categories, series: Mapping[str, Sequence], lang: str, mask_below: int | None) -> dict:
    cats = list(categories)
    if cats and all(isinstance(c, pd.Timestamp | np.datetime64) or hasattr(c, "isoformat") for c in cats):
        cats = [date_label(pd.Timestamp(c), lang) for c in cats]
    out: dict[str, list] = {}
    for name, values in series.items():
        arr = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype=float)
        if len(arr) != len(cats):
            raise InputError(f"native chart: series {name!r} has {len(arr)} values for {len(cats)} categories")
        keep = ~np.isnan(arr)
        if mask_below is not None:
            keep &= arr >= mask_below
        out[str(name)] = [float(v) if k else None for v, k in zip(arr, keep)]
    return {"type": kind, "categories": [str(c) for c in cats], "series": out}


def native_bar(categories: Sequence, series: Mapping[str, Sequence], *, lang: str = "zh",
               mask_below: int | None = None) -> dict:
    """Data for an editable PowerPoint bar chart (the ``native`` argument of ``Collector.chart``).

    Parameters
    ----------
    categories : Sequence
        The categories (x axis), in order: labels, or dates (written as days).
    series : Mapping[str, Sequence]
        Series name → values, one a category (counts; NaN or None for an empty point).
    lang : str, default 'zh'
        ``zh`` or ``en`` (how dates are written).
    mask_below : int | None, default None
        Counts below it become empty points; None masks nothing.

    Returns
    -------
    dict
        ``{"type": "bar", "categories": [str, ...], "series": {name: [float | None, ...]}}``; dates
        become ``1月21日`` (``21 Jan`` in English), NaN and counts below ``mask_below`` become None
        (an empty point, so the deck does not carry a redacted count).
    """
    return _native("bar", categories, series, lang, mask_below)


def native_line(categories: Sequence, series: Mapping[str, Sequence], *, lang: str = "zh",
                mask_below: int | None = None) -> dict:
    """Data for an editable PowerPoint line chart; same shape as :func:`native_bar` with ``"type": "line"``.

    Parameters
    ----------
    categories : Sequence
        The categories (x axis), in order: labels, or dates (written as days).
    series : Mapping[str, Sequence]
        Series name → values, one a category (counts; NaN or None for an empty point).
    lang : str, default 'zh'
        ``zh`` or ``en`` (how dates are written).
    mask_below : int | None, default None
        Counts below it become empty points; None masks nothing.

    Returns
    -------
    dict
        ``{"type": "line", "categories": [...], "series": {...}}`` as :func:`native_bar`.
    """
    return _native("line", categories, series, lang, mask_below)
