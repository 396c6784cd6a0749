"""How a file's column headers are shown in a message: never a data row taken for a header."""

from __future__ import annotations

import re

from stats_lib.ingest.privacy import PLACEHOLDER, is_personal_value
from stats_lib.ingest.schema import AUTO_COLUMNS, header_key, is_sensitive, is_total

__all__ = ["show_headers"]

#: Words of a table's title row (示例市警情统计表): shown in a message like a header.
_TITLE_WORDS = re.compile(r"统计|报表|明细|一览|汇总|警情|案件|日报|月报|周报|表$")


def _header_like(name: object) -> bool:
    """Whether a cell reads like a column header: it holds a word of the header vocabulary or a sensitive one."""
    key = header_key(name)
    words = {header_key(w) for names in AUTO_COLUMNS.values() for w in names}
    return is_sensitive(str(name)) or is_total(name) or _TITLE_WORDS.search(key) is not None or any(
        w in key for w in words if len(w) >= (2 if not w.isascii() else 4))


def show_headers(headers: list[str], limit: int = 12) -> str:
    """Column names for an error message: the first ``limit``, each cut to 30 characters; a header that is
    personal data (a name such as 张三, a phone number) is shown as ``（已屏蔽）``, whole. When no cell reads
    like a header (a file without a header row), its first row is data and is not shown at all.

    Parameters
    ----------
    headers
        Column names.
    limit
        How many to show.

    Returns
    -------
    str
        ``(none)`` when there are none.
    """
    if headers and not any(_header_like(h) for h in headers):
        return f"({len(headers)} columns; the first row does not look like a header, so it is not shown)"
    shown = [PLACEHOLDER if is_personal_value(h) else str(h)[:30] for h in headers[:limit]]
    more = f" … ({len(headers)} in all)" if len(headers) > limit else ""
    return ", ".join(shown) + more if shown else "(none)"

