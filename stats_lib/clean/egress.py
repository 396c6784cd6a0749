"""The egress filter applied to a cleaning result: nothing personal leaves the clean stage.

:func:`apply_egress` passes every string of a :class:`stats_lib.tables.Cleaned` through
:mod:`stats_lib.ingest.privacy`: dimension values of the daily and hourly tables (a value holding a
phone, ID number, address … or a bare personal name such as ``张三`` becomes ``（已屏蔽）``, rows that became
equal are summed), every string of
the ledger (keys and values: file names, headers, notes, unmapped categories) and every cell of the
rejects (bare personal names too). A string or cell holding personal data is replaced whole (``xx张三13912345678`` becomes
``（已屏蔽）``, never ``xx张三（已屏蔽）``). It adds ``values_redacted`` to the ledger: the number of records (the sum of ``count``) whose
category, subcategory or district value was replaced. Both engines' results pass here, in
:func:`stats_lib.clean.api.load`.
"""

from __future__ import annotations

import pandas as pd

from stats_lib.ingest.privacy import PLACEHOLDER, screen_value, screen_values
from stats_lib.tables import Cleaned

__all__ = ["apply_egress", "redact_tree"]

_DIMENSIONS = ("kind", "category", "subcategory", "district")
_NOT_TEXT = ("sha256",)  # hex digests: never personal, never changed


def redact_tree(value: object, key: str = "") -> object:
    """Return ``value`` (dict, list, str, number …) with every string, dict keys included, that holds personal
    data replaced whole by the placeholder (:func:`stats_lib.ingest.privacy.screen_value`).

    Parameters
    ----------
    value : object
        A value of the ledger (nested dicts and lists).
    key : str, default ''
        The key it is held under (for the value's context).

    Returns
    -------
    object
        The same structure, screened.
    """
    if isinstance(value, dict):
        return {redact_tree(k): (v if k in _NOT_TEXT else redact_tree(v, k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_tree(v, key) for v in value]
    if isinstance(value, str):
        return screen_value(value)
    return value


def _screen_table(frame: pd.DataFrame | None, redacted: dict, largest: dict) -> pd.DataFrame | None:
    if frame is None or frame.empty:
        return frame
    out = frame.copy()
    changed = False
    for col in _DIMENSIONS:
        if col in out.columns:
            before = out[col].astype(str)
            screened = screen_values(before, names=col != "kind")
            if screened.redacted:
                out[col] = screened.values.astype(str)
                changed = True
                hit = out[col] != before
                largest[col] = int(out.loc[hit, "count"].groupby(before[hit]).sum().max())
            hit = out[col] == PLACEHOLDER  # also values the cleaning rules replaced already
            if hit.any():
                redacted[col] = int(out.loc[hit, "count"].sum())
    if changed:  # two values that became the placeholder are one row now
        keys = [c for c in out.columns if c != "count"]
        out = out.groupby(keys, sort=True, dropna=False, observed=True)["count"].sum().reset_index()
        out = out[list(frame.columns)]
    return out


def _redact_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            values = out[col].astype(str)
            codes, uniques = pd.factorize(values)
            mapped = pd.Index([screen_value(u, names=True) for u in uniques])
            out[col] = mapped.take(codes).to_numpy() if len(values) else values
    out.columns = [screen_value(c, names=True) for c in out.columns]
    return out


def apply_egress(cleaned: Cleaned) -> Cleaned:
    """Filter a cleaning result for personal data (see the module docstring).

    Parameters
    ----------
    cleaned : Cleaned
        A cleaning result.

    Returns
    -------
    Cleaned
        The same tables with dimension values screened (daily and hourly re-summed where values
        merged), the ledger redacted with ``values_redacted`` = ``{category, subcategory, district}:
        records}`` and, when this run redacted values of the daily table, ``values_redacted_largest`` =
        ``{column: records of the one value redacted most often}`` (the value itself is never kept), and
        the rejects redacted cell by cell.
    """
    redacted: dict[str, int] = {}
    largest: dict[str, int] = {}
    daily = _screen_table(cleaned.daily, redacted, largest)
    hourly = _screen_table(cleaned.hourly, {}, {})
    ledger = redact_tree(cleaned.ledger)
    by_category = int((ledger.get("unmapped_categories") or {}).get(PLACEHOLDER, 0))
    ledger["values_redacted"] = {
        "category": max(by_category, redacted.get("category", 0)),
        "subcategory": redacted.get("subcategory", 0),
        "district": redacted.get("district", 0),
    }
    if redacted.get("kind"):
        ledger["values_redacted"]["kind"] = redacted["kind"]
    if largest:  # the records of the one value redacted most often, by column: named in the summary
        ledger["values_redacted_largest"] = largest
    return Cleaned(daily=daily, hourly=hourly, ledger=ledger, rejects=_redact_frame(cleaned.rejects))
