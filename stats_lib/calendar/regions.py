"""Regions other than mainland China: their public holidays (the ``holidays`` library) and day attributes.

In: a window or a span of days and an ISO region code (``CN``, ``HK``, ``TW``, ``US``, ``GB`` …). Out: the
public holiday of each day, and the day attributes the expected-count models take
(:func:`stats_lib.calendar.baselines.day_attributes` gives mainland China's, with the official arrangements).
"""

from __future__ import annotations

import datetime as dt

import holidays as holidays_lib
import pandas as pd

from stats_lib.calendar.baselines import day_attributes
from stats_lib.errors import ParameterError
from stats_lib.windows import Window

__all__ = ["LUNAR_REGIONS", "region_holidays", "region_day_attributes"]

#: Regions whose public holidays include the lunar festivals (Spring Festival …).
LUNAR_REGIONS = frozenset({"CN", "HK", "MO", "TW", "SG"})


def region_holidays(window: Window, region: str, lang: str = "zh") -> pd.DataFrame:
    """Public holiday of each day of ``window`` in ``region`` (``''`` on other days), from the ``holidays`` library.

    Parameters
    ----------
    window : Window
        The days.
    region : str
        ISO country code (``HK``, ``US`` …).
    lang : str
        Not used: names are English where the library has them.

    Returns
    -------
    DataFrame
        Columns ``date`` (datetime64) and ``holiday`` (the holiday's name, in English where the library
        has it; ``''`` on ordinary days).

    Raises
    ------
    ParameterError
        The ``holidays`` library does not know ``region``.
    """
    try:
        cal = holidays_lib.country_holidays(region, years=range(window.start.year, window.end.year + 1),
                                            language="en_US")
    except NotImplementedError:
        raise ParameterError(f"region: {region!r} is not a country the holidays library knows "
                             "(use an ISO code such as CN, HK, TW, US, GB)") from None
    days = pd.date_range(window.start, window.end, freq="D")
    names = [str(cal.get(d.date()) or "") for d in days]
    return pd.DataFrame({"date": days, "holiday": names})


def region_day_attributes(first: dt.date, last: dt.date, region: str) -> pd.DataFrame | None:
    """Day attributes of ``region`` for the expected-count model (:func:`stats_lib.stats.model.design_matrix`).

    None for ``CN`` (the calendar's official holidays and make-up working days). Elsewhere the public
    holidays of ``region`` from the ``holidays`` library, no make-up working days, and the lunar days
    (days from Spring Festival) only where the lunar festivals are public holidays (:data:`LUNAR_REGIONS`).

    Parameters
    ----------
    first, last : datetime.date
        First and last day, inclusive.
    region : str
        ISO country code; ``CN`` gives None.

    Returns
    -------
    DataFrame or None
        Columns ``date``, ``holiday`` (name or ``''``), ``is_makeup_workday`` (all False) and
        ``days_from_spring_festival`` (NaN outside lunar regions).
    """
    if region == "CN":
        return None
    out = region_holidays(Window(first, last), region)
    out["is_makeup_workday"] = False
    if region in LUNAR_REGIONS:
        cal = day_attributes(first, last)
        out["days_from_spring_festival"] = cal["days_from_spring_festival"].to_numpy()
    else:
        out["days_from_spring_festival"] = float("nan")
    return out
