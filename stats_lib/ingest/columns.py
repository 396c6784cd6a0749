"""Which header of an export plays which role (time, category, district …), and whether it holds incidents or cases.

:func:`map_columns` maps the canonical roles (:data:`stats_lib.ingest.schema.ROLES`) to a file's headers, the
schema's ``columns:`` first, then the usual names (:data:`stats_lib.ingest.schema.AUTO_COLUMNS`); a sensitive
header (:func:`stats_lib.ingest.schema.is_sensitive`) is never mapped automatically. :func:`detect_kind` says
whether a file holds incidents (警情) or cases (案件).
"""

from __future__ import annotations

from stats_lib.errors import InputError
from stats_lib.ingest.headers import (
    CALL_WORDS,
    CASE_HEADERS,
    ROLE_SUFFIXES,
    WEAK_CASE_HEADERS,
    header_key,
    pair_date_time,
)
from stats_lib.ingest.limits import max_columns
from stats_lib.ingest.schema import AUTO_COLUMNS, Schema, is_sensitive

__all__ = ["map_columns", "detect_kind"]


def map_columns(headers: list[str], schema: Schema, path: str = "") -> dict[str, str]:
    """Map the canonical roles to the file's headers.

    The schema's ``columns:`` wins; other roles are found automatically (:data:`AUTO_COLUMNS`, first
    match in priority order, then a header ending in :data:`ROLE_SUFFIXES`; a header is used once;
    sensitive headers are never mapped automatically). A date header and a time-of-day header found
    together (``报警日期`` + ``报警时间``, ``Date`` + ``Time``, ``DATE OCC`` + ``TIME OCC``) are paired: the date is
    the ``time`` role (``date_only``) and the time of day the ``hour`` role; the cleaner checks their
    content (:func:`stats_lib.clean.rules.pair_date_time`).

    Parameters
    ----------
    headers : list[str]
        The file's headers, in order.
    schema : Schema
        The schema (its ``columns:``, ``kind_column`` and ``ignore_columns``).
    path : str, default ''
        The file, for messages.

    Returns
    -------
    dict
        ``{role: header}`` for the roles found. A schema ``date:`` column is returned under ``time``
        (date-only values parse the same way), with ``date_only`` set to that header; a
        ``time_of_day:`` column under ``hour``; ``year``, ``month``, ``day`` as given.

    Raises
    ------
    InputError
        A column named in the schema is not in the file (the message lists the headers found); more
        columns than :func:`stats_lib.ingest.limits.max_columns`; a column found for a role appears twice
        (ambiguous: the schema must name it).
    """

    if len(headers) > max_columns():
        raise InputError(f"{path or 'input'}: more than {max_columns():,} columns, far more than an export has "
                         "(set STATS_LIB_MAX_COLUMNS to allow more)")
    keys = {header_key(h): h for h in reversed(headers)}  # first occurrence wins
    count_words = {header_key(c) for c in AUTO_COLUMNS["count"]}
    for h in headers:  # a multi-row header "警情信息/报警类别" also answers to its last level (first one wins)
        low = header_key(str(h).rsplit("/", 1)[-1]) if "/" in str(h) else None
        if low is not None and low not in count_words:  # '刑事/起数' is a wide table's category, not a count
            keys.setdefault(low, h)
    found: dict[str, str] = {}
    used: set[str] = set()
    off = {role for role, wanted in schema.columns.items() if wanted is None}
    for role, wanted in schema.columns.items():
        if wanted is None:
            continue
        header = keys.get(header_key(wanted))
        if header is None:
            raise InputError(f"{path}: column '{wanted}' (schema columns.{role}) not found; "
                             f"columns found: {_show(headers)}")
        target = {"date": "time", "time_of_day": "hour"}.get(role, role)
        found[target] = header
        if role == "date":
            found["date_only"] = header
        used.add(header)
    if schema.kind_column:
        header = keys.get(header_key(schema.kind_column))
        if header is None:
            raise InputError(f"{path}: column '{schema.kind_column}' (schema kind_column) not found; "
                             f"columns found: {_show(headers)}")
        used.add(header)
        found["kind"] = header
    ymd = all(r in found for r in ("year", "month", "day"))
    if ymd:
        off.add("time")
    ignored = {header_key(c) for c in schema.ignore_columns}
    free = [h for h in headers if h not in used and not is_sensitive(h) and header_key(h) not in ignored]
    for role, candidates in AUTO_COLUMNS.items():
        if role in found or role in off or (role == "district" and "address" in found):
            continue
        for cand in candidates:
            header = keys.get(header_key(cand))
            if header is not None and header in free and header not in used:
                found[role] = header
                used.add(header)
                break
    for role, suffixes in ROLE_SUFFIXES.items():
        if role in found or role in off or (role == "district" and "address" in found):
            continue
        for h in free:
            key = header_key(h)
            if h not in used and key.endswith(suffixes) and not (role == "category" and key.endswith("细类")):
                found[role] = h
                used.add(h)
                break
    if not ymd and "time" not in schema.columns and "date" not in schema.columns and "hour" not in off:
        pair_date_time(found, used, [h for h in free if h not in used], off)
    named = set(schema.columns) | {"time" for r in ("date",) if r in schema.columns} \
        | {"hour" for r in ("time_of_day",) if r in schema.columns}
    present = set(headers)
    for role, header in found.items():
        if role != "date_only" and role not in named and f"{header} (2)" in present:
            where = [j + 1 for j, h in enumerate(headers) if h == header or h.startswith(f"{header} (")]
            raise InputError(f"{path}: column '{header}' appears {len(where)} times (columns "
                             f"{', '.join(map(str, where))}); which one is the {role}? Keep one in the export, or "
                             f"name it in the schema (columns: {{{role}: '{header} (2)'}} for the second)")
    return found


def detect_kind(headers: list[str], schema: Schema) -> str:
    """Return the kind of a file: the schema's ``kind``, else from the headers.

    ``案件`` when a case header is present (:data:`CASE_HEADERS`; :data:`WEAK_CASE_HEADERS` such as 立案时间
    only when no header speaks of calls, :data:`CALL_WORDS`), else ``警情``.

    Parameters
    ----------
    headers : list[str]
        The file's headers.
    schema : Schema
        The schema (its ``kind``).

    Returns
    -------
    str
        ``警情`` or ``案件``.
    """
    if schema.kind:
        return schema.kind
    keys = {header_key(h) for h in headers}
    if any(header_key(h) in keys for h in CASE_HEADERS):
        return "案件"
    calls = any(w in k for k in keys for w in CALL_WORDS)
    return "案件" if not calls and any(header_key(h) in keys for h in WEAK_CASE_HEADERS) else "警情"


def _show(headers: list[str], limit: int = 12) -> str:
    shown = [str(h)[:30] for h in headers[:limit]]
    more = f" … ({len(headers)} in all)" if len(headers) > limit else ""
    return ", ".join(shown) + more if shown else "(none)"
