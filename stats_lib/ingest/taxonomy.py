"""Text normalisation and the category taxonomy.

Every function here works on the **distinct values** of a column (``pd.factorize`` → normalise the
uniques → map back), so a column of millions of rows with a few hundred distinct values costs a few
hundred conversions. The DuckDB engine calls the same functions on the distinct values it gets from
SQL, so both engines give identical results.

Normalisation of a value (:func:`normalise_text`):

1. Unicode NFKC (full-width letters, digits and spaces become half-width), zero-width, bidirectional and
   other format characters and control characters removed;
2. trimmed, runs of white space collapsed to one space, white space between Chinese characters removed
   (``刑事 类`` → ``刑事类`` while ``Break and Enter`` stays readable);
3. Traditional → Simplified Chinese with OpenCC ``t2s`` (opencc-python-reimplemented).

Lookup keys (:func:`match_key`) are the normalised value, case-folded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from stats_lib.errors import SchemaError
from stats_lib.ingest.names import place_names
from stats_lib.ingest.privacy import PLACEHOLDER, has_personal, is_personal_value
from stats_lib.ingest.yamlsafe import load_yaml, read_yaml_text

__all__ = [
    "KINDS",
    "BLANK_LABEL",
    "OTHER",
    "Taxonomy",
    "CategoryMapping",
    "normalise_text",
    "match_key",
    "normalise_values",
    "normalisation_flags",
    "load_taxonomy",
    "map_categories",
]

#: The two kinds of record: incidents (警情) and cases (案件); the taxonomy YAML sections.
KINDS = {"警情": "incidents", "案件": "cases"}
#: How a blank category is listed in the ledger's ``unmapped_categories``.
BLANK_LABEL = "(空)"
#: The category an unmapped or blank value is counted under.
OTHER = "其他"

#: Zero-width, bidirectional (U+202A-U+202E, U+2066-U+2069, marks) and other format characters, and
#: control characters: removed, so that a value cannot look like another one (``\u202e区城东`` shows as 东城区).
_ZERO_WIDTH = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e"
                         "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_SPACES = re.compile(r"\s+")
_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def _steps(value: str) -> tuple[str, bool, bool, bool]:
    """Normalise one value; return it with flags (full-width changed, Traditional changed, space changed)."""
    nfkc = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", value))
    fullwidth = nfkc != _ZERO_WIDTH.sub("", value)
    spaced = _SPACE_BETWEEN_CJK.sub("", _SPACES.sub(" ", nfkc).strip())
    whitespace = spaced != nfkc
    simplified = _t2s().convert(spaced) if spaced and not spaced.isascii() else spaced
    for converted, official in _official_places().items():  # 乾县 stays 乾县, never 干县
        if converted in simplified:
            simplified = simplified.replace(converted, official)
    return simplified, fullwidth, simplified != spaced, whitespace


@lru_cache(maxsize=1)
def _official_places() -> dict[str, str]:
    """Official Simplified place names that OpenCC's t2s would change (乾县 → 干县): changed form -> official."""
    convert = _t2s().convert
    return {convert(p): p for p in place_names() if convert(p) != p}


def normalise_text(value: object) -> str:
    """Return one value normalised (NFKC, trimmed, white space collapsed, Simplified); ``''`` for None/NaN.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str
        The normalised text.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return _steps(str(value))[0]


def match_key(value: object) -> str:
    """Return the lookup key of a value: :func:`normalise_text`, case-folded.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str
        The key.
    """
    return normalise_text(value).casefold()


def _by_uniques(values: pd.Series, func) -> pd.Series:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([func(u) for u in uniques] + [func(None)], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def normalise_values(values: pd.Series) -> pd.Series:
    """Normalise a column of text values (see the module docstring), working on its distinct values.

    Parameters
    ----------
    values : pd.Series
        A column of text values.

    Returns
    -------
    Series of str
        Same index; missing values become ``''``.
    """
    return _by_uniques(values, normalise_text).astype(str)


def normalisation_flags(values: pd.Series) -> pd.DataFrame:
    """Say, for each value, which normalisation step changed it.

    Parameters
    ----------
    values : pd.Series
        A column of text values.

    Returns
    -------
    DataFrame
        Same index, boolean columns ``fullwidth`` (NFKC changed it: full-width characters or spaces),
        ``traditional`` (Traditional → Simplified changed it) and ``whitespace`` (trimmed or collapsed white
        space).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    flags = np.array([_steps(str(u))[1:] for u in uniques] + [(False, False, False)], dtype=bool).reshape(-1, 3)
    picked = flags[codes]
    return pd.DataFrame(picked, index=values.index, columns=["fullwidth", "traditional", "whitespace"])


@dataclass(frozen=True)
class Taxonomy:
    """Categories and synonyms per kind.

    Attributes
    ----------
    name : str
        ``"default"``, ``"none"`` (keep the cleaned raw values) or the path of the YAML.
    lookup : dict
        ``{kind: {match key: category}}`` for kind ``警情`` and ``案件``.
    labels : dict
        ``{kind: {category: English label}}``.
    """

    name: str
    lookup: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)

    @property
    def is_none(self) -> bool:
        """True for ``taxonomy: none``: categories are the cleaned raw values."""
        return self.name == "none"


def _parse_taxonomy(data: object, where: str) -> Taxonomy:
    if not isinstance(data, dict) or not set(data) <= set(KINDS.values()) or not data:
        raise SchemaError(f"{where}: a taxonomy needs the sections 'incidents' and/or 'cases'")
    lookup: dict = {}
    labels: dict = {}
    for kind, section in KINDS.items():
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise SchemaError(f"{where}: taxonomy section '{section}' must map category names to entries")
        table: dict = {}
        for category, entry in entries.items():
            entry = entry or {}
            synonyms = entry.get("synonyms", []) if isinstance(entry, dict) else None
            if not isinstance(synonyms, list):
                raise SchemaError(f"{where}: taxonomy '{section}.{category}.synonyms' must be a list")
            name = normalise_text(category)
            labels.setdefault(kind, {})[name] = str(entry.get("en", name))
            for raw in [category, entry.get("en", "")] + synonyms:
                key = match_key(raw)
                if key:
                    table.setdefault(key, name)
            table[match_key(category)] = name
        lookup[kind] = table
    return Taxonomy(name=where, lookup=lookup, labels=labels)


@lru_cache(maxsize=8)
def _load_cached(spec: str) -> Taxonomy:
    if spec == "none":
        return Taxonomy(name="none")
    if spec == "default":
        text = resources.files("stats_lib").joinpath("data/taxonomy.yaml").read_text("utf-8")
        tax = _parse_taxonomy(yaml.safe_load(text), "taxonomy.yaml")
        return Taxonomy(name="default", lookup=tax.lookup, labels=tax.labels)
    path = Path(spec)
    try:
        data = load_yaml(read_yaml_text(path))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SchemaError(f"{path}: cannot read the taxonomy ({exc})") from exc
    return _parse_taxonomy(data, str(path))


def load_taxonomy(spec: str | Path | None = "default") -> Taxonomy:
    """Return the taxonomy named by a schema's ``taxonomy:`` key.

    Parameters
    ----------
    spec : str | Path | None, default 'default'
        ``"default"`` (the one shipped in ``stats_lib/data/taxonomy.yaml``), ``"none"`` (keep the cleaned raw
        values) or the path of a YAML with the same layout; None is ``"default"``.

    Returns
    -------
    Taxonomy
        The categories, labels and synonyms of each kind.

    Raises
    ------
    stats_lib.errors.SchemaError
        The YAML cannot be read or does not have the layout.
    """
    return _load_cached(str(spec or "default"))


@dataclass(frozen=True)
class CategoryMapping:
    """Result of :func:`map_categories`.

    Attributes
    ----------
    category : Series of str
        Top-level category per input value (``其他`` for unmapped and blank values).
    unmapped : dict
        ``{normalised raw value: number of rows}`` of values counted under ``其他`` because the taxonomy
        does not know them (values longer than 60 characters are cut, ending in ``…``); blank values are
        listed as ``(空)``.
    """

    category: pd.Series
    unmapped: dict


def map_categories(values: pd.Series, kind: str, schema: object | None = None,
                   taxonomy: Taxonomy | None = None) -> CategoryMapping:
    """Map raw category values to the taxonomy's top-level categories.

    Each value is normalised; the schema's ``categories:`` (raw value → category, keys matched after
    the same normalisation) is applied first; the result is looked up in the taxonomy for ``kind``
    (its names, English labels and synonyms). With ``taxonomy: none`` the category is the cleaned value.
    A blank value is counted under ``其他`` and listed as ``(空)``; an unknown one under ``其他`` and listed;
    one holding personal data or a bare personal name not in the taxonomy
    (:func:`stats_lib.ingest.privacy.is_personal_value`) under ``其他`` (``（已屏蔽）`` with ``taxonomy: none``)
    and listed as ``（已屏蔽）``, never as itself.

    Parameters
    ----------
    values
        Series of raw category values (one per row, or the distinct values).
    kind
        ``"警情"`` or ``"案件"``.
    schema
        A :class:`stats_lib.ingest.schema.Schema` (for ``categories:`` and ``taxonomy:``) or None (typed
        ``object``: the schema module imports this one).
    taxonomy
        Overrides the schema's taxonomy.

    Returns
    -------
    CategoryMapping
        The category of each value and the values listed as unknown, blank or screened.

    Raises
    ------
    SchemaError
        A value of the data is mapped by the schema's ``categories:`` to a name that is not a category of the
        taxonomy for ``kind`` (it would be counted under 其他 as if no mapping had been given).
    """
    if taxonomy is None:
        taxonomy = load_taxonomy(getattr(schema, "taxonomy", "default"))
    given = getattr(schema, "categories", None) or {}
    user = {match_key(k): normalise_text(v) for k, v in given.items()}
    keys = {match_key(k): k for k in given}
    table = taxonomy.lookup.get(kind, {})

    def one(raw: object) -> tuple[str, str | None]:
        clean = normalise_text(raw)
        if not clean:
            return OTHER, BLANK_LABEL
        value = user.get(clean.casefold(), clean)
        known = not taxonomy.is_none and value.casefold() in table
        if clean.casefold() in user and not known and not taxonomy.is_none:  # a mapping to nowhere: never silent
            names = sorted(set(table.values()))
            raise SchemaError(f"categories: {keys[clean.casefold()]} → {value}: '{value}' is not a {kind} category of "
                              f"the taxonomy in use; expected one of {', '.join(names)} (or set taxonomy: none)")
        if has_personal(clean) or (not known and is_personal_value(value)):  # a phone, ID number or bare name
            return (PLACEHOLDER if taxonomy.is_none else OTHER), PLACEHOLDER  # never shown, never a category
        if taxonomy.is_none:
            return value, None
        found = table.get(value.casefold())
        return (found, None) if found is not None else (OTHER, clean if len(clean) <= 60 else clean[:60] + "…")

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    pairs = [one(u) for u in uniques] + [one(None)]
    cats = np.array([p[0] for p in pairs], dtype=object)
    flagged = np.array([p[1] or "" for p in pairs], dtype=object)
    category = pd.Series(cats[codes], index=values.index, dtype=object).astype(str)
    counts = pd.Series(flagged[codes]).value_counts(sort=False)
    unmapped = {str(k): int(v) for k, v in counts.items() if k}
    return CategoryMapping(category=category, unmapped=dict(sorted(unmapped.items(), key=lambda kv: -kv[1])))
