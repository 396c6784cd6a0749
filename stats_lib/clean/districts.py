"""District values: cleaned, or found in addresses by the schema's ``district_pattern``.

Split from :mod:`stats_lib.clean.rules` (which re-exports :func:`clean_districts`); works on distinct values.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import regex

from stats_lib.errors import InputError
from stats_lib.ingest.privacy import PLACEHOLDER, has_personal
from stats_lib.ingest.schema import Schema
from stats_lib.ingest.taxonomy import normalise_text

__all__ = ["PATTERN_TIMEOUT", "clean_districts"]

#: Seconds one ``district_pattern`` match may take (a catastrophic pattern such as ``(a+)+$`` would hang).
PATTERN_TIMEOUT = 0.25
#: Characters of an address the pattern is matched on.
_PATTERN_INPUT = 1000


def _tolerant(pattern: str) -> regex.Pattern:
    """Compile ``pattern`` so that each Chinese character also matches its Traditional/Simplified variants."""
    from opencc import OpenCC

    s2t = OpenCC("s2t")
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped or ch == "\\":
            out.append(ch)
            escaped = not escaped and ch == "\\"
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        variants = "".join(dict.fromkeys(ch + normalise_text(ch) + s2t.convert(ch)))
        if len(variants) > 1 and "\u4e00" <= ch <= "\u9fff":
            out.append(variants if in_class else f"[{variants}]")
        else:
            out.append(ch)
    return regex.compile("".join(out), flags=regex.V0)


def clean_districts(values: pd.Series, schema: Schema | None = None) -> pd.Series:
    """Clean a district column, or extract districts from an address column with ``district_pattern``.

    The pattern is matched on the NFKC text, each Chinese character of the pattern also matching its
    Traditional and Simplified variants, so ``臺北市(..區)`` also finds ``台北市文山区``; each match may take
    at most :data:`PATTERN_TIMEOUT` seconds (on the first 1,000 characters). The result is normalised
    (NFKC, trimmed, Simplified); integral numbers lose a trailing ``.0`` (``1.0`` → ``1``). A district
    holding personal data (a street address kept by a permissive pattern, a phone, a name after a
    label; :func:`stats_lib.ingest.privacy.has_personal`) becomes ``（已屏蔽）``. A bare name such as
    ``李四`` is kept here and screened by :func:`stats_lib.clean.egress.apply_egress`, which counts the
    records of each value it redacts (a place taken for a name must not merge silently).

    Parameters
    ----------
    values
        Series of district (or, with ``district_pattern``, address) values.
    schema
        For ``district_pattern`` (a regular expression whose first group is the district).

    Returns
    -------
    Series of str
        Same index; ``''`` when blank or when the pattern does not match.

    Raises
    ------
    InputError
        The pattern takes longer than :data:`PATTERN_TIMEOUT` on a value (catastrophic backtracking).
    """

    schema = schema or Schema()
    rx = _tolerant(schema.district_pattern) if schema.district_pattern else None

    def one(raw: object) -> str:
        if raw is None or (isinstance(raw, float) and np.isnan(raw)):
            return ""
        text = str(raw)
        if rx is not None:
            try:
                m = rx.search(unicodedata.normalize("NFKC", text)[:_PATTERN_INPUT], timeout=PATTERN_TIMEOUT)
            except TimeoutError:
                raise InputError(f"{schema.source}: key 'district_pattern' took more than {PATTERN_TIMEOUT} s on "
                                 "one value (nested repeats such as (a+)+ backtrack without end); write a simpler "
                                 "pattern such as '市(..区)'") from None
            text = m.group(1) if m and m.group(1) else ""
        out = re.sub(r"^(\d+)\.0+$", r"\1", normalise_text(text))
        return PLACEHOLDER if has_personal(out) else out

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([one(u) for u in uniques] + [""], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object).astype(str)
