"""Tables of counts that look like records: stop and ask rather than count one incident per row (FAULTS B1).

A file detected as records (one incident per row) is checked on its headers, the same way in every engine
(:func:`check_records`, called by :func:`stats_lib.clean.records.record_plan` and
:func:`stats_lib.clean.shape.shape_file`). Without an id column and without a time-of-day column, the file
stops (InputError, exit 2) when:

- two or more unmapped headers are district names (东城区, 西城区 …, or match ``district_pattern``): a sheet
  of counts by district. It is not reshaped (nothing in the schema says "the columns are districts"): the
  message asks for a long table (日期,辖区,数量) or ``shape: records``;
- an unmapped header is a total (合计, 总计): a table of counts;
- an unmapped header names a count (…数, …量, 数量, 次数, Calls, Count, Total …): the message asks for
  ``columns: {count: <header>}``.

A wide sheet (``shape: wide`` or detected) whose candidate category columns are two or more district names
stops too (:func:`check_wide`): they would be counted as unknown categories under 其他 and the district lost.
``shape: records`` in the schema skips these checks (each row is one incident).
"""

from __future__ import annotations

import re

from stats_lib.errors import InputError
from stats_lib.ingest.headers import header_key
from stats_lib.ingest.schema import Schema, is_sensitive
from stats_lib.ingest.taxonomy import load_taxonomy, match_key
from stats_lib.ingest.totals import is_total

__all__ = ["is_district_header", "check_records", "check_wide"]

_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{1,10}(区|县|旗|市|镇|乡|街道|分局|派出所)$")
_ROLE = re.compile(r"所属|管辖|归属|主办|处警|接警|报警|发生|案发")
_COUNT = re.compile(r"(数|量|数量|次数|起数|件数)$|^(calls?|counts?|numberof\w+|total\w*|incidents?|cases?|crimes?)$")


def is_district_header(header: str, schema: Schema) -> bool:
    """True when a column header is a district name (东城区, 北山县 …, or matches the schema's ``district_pattern``).

    Parameters
    ----------
    header
        A column header.
    schema
        The cleaning schema (``district_pattern``).

    Returns
    -------
    bool
        Whether the header names a district rather than a category or a role.
    """
    text = str(header).strip()
    if schema.district_pattern and re.search(schema.district_pattern, text):
        return True
    return bool(_DISTRICT.match(text)) and not _ROLE.search(text) and not is_total(text)


def _stop(name: str, found: str, ask: str) -> None:
    raise InputError(f"{name}: {found}, but the file would be read as one incident per row; {ask} "
                     f"(or 'shape: records' in the schema if each row is one incident)")


def check_records(name: str, headers: list[str], cols: dict, schema: Schema) -> None:
    """Stop when a file read as records looks like a table of counts.

    Parameters
    ----------
    name
        The file (for the message).
    headers
        Its column names.
    cols
        The mapped columns (role -> header).
    schema
        The cleaning schema; ``shape: records`` skips the check.

    Raises
    ------
    InputError
        No id and no time-of-day column, and two or more district headers, a total header or a count header
        that is not mapped.
    """
    if schema.shape == "records" or "id" in cols or "hour" in cols:
        return
    used = set(cols.values())
    free = [h for h in headers if h not in used and not is_sensitive(h) and str(h).strip()]
    districts = [h for h in free if is_district_header(h, schema)]
    if len(districts) >= 2:
        _stop(name, f"columns {', '.join(districts[:6])} look like districts with counts (one column per district)",
              "make it a long table (日期,辖区,数量: one row per date and district)")
    totals = [h for h in free if is_total(h)]
    if totals:
        _stop(name, f"column '{totals[0]}' is a total: the file looks like a table of counts",
              "name its count column with 'columns: {count: <header>}' or make it a long table (日期,类别,数量)")
    counts = [h for h in free if _COUNT.search(header_key(h))]
    if counts:
        _stop(name, f"column '{counts[0]}' looks like a count of incidents",
              f"map it with 'columns: {{count: {counts[0]}}}'")


def check_wide(name: str, categories: list[str], schema: Schema) -> None:
    """Stop when the category columns of a wide sheet are district names, not categories.

    Parameters
    ----------
    name
        The file (for the message).
    categories
        The headers that would be counted as categories.
    schema
        The cleaning schema.

    Raises
    ------
    InputError
        Two or more of them are district names and not categories of the taxonomy.
    """
    taxonomy = load_taxonomy("default")
    known = set().union(*(set(t) for t in taxonomy.lookup.values()))
    districts = [h for h in categories if is_district_header(h, schema) and match_key(h) not in known]
    if len(districts) >= 2:
        raise InputError(f"{name}: columns {', '.join(districts[:6])} look like districts with counts (one column "
                         "per district), not categories; the district would be lost (counted under 其他): make it "
                         "a long table (日期,辖区,数量: one row per date and district)")
