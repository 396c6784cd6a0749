"""Whether an id column identifies records, before rows are de-duplicated by id (FAULTS B2).

De-duplication removes a row whose (kind, id) appeared before: right for overlapping exports of one system
(the same record twice, same time), wrong when the "id" is a local serial number (two stations' exports each
numbering rows 1..100 in 编号), where the rows that share an id are different records.

The rule (:func:`check_ids`): among the ids that repeat, an id *disagrees* when its rows do not all have
the same date and hour. When at least :data:`MIN_DISAGREE` ids disagree and they are more than half of the
repeated ids, the id column does not identify records: the clean stops (one line naming the files, the id
column, how many repeated ids disagree, and what to set). True duplicates (same id, same date and hour) are
still removed; a few ids that disagree (a corrected record exported twice) are resolved as before, first
occurrence kept. ``dedupe="none"`` keeps every row (no de-duplication at all).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stats_lib.errors import InputError

__all__ = ["MIN_DISAGREE", "check_ids"]

#: The fewest repeated ids disagreeing on date/hour that stop the clean (with more than half of them).
MIN_DISAGREE = 5


def check_ids(rows: pd.DataFrame, infos: list[dict], dedupe: str | None) -> None:
    """Stop when the rows sharing an id are mostly different records.

    Parameters
    ----------
    rows
        Rows with ``fi`` (file index), ``reason`` ('' when kept), ``kind``, ``id`` ('' when none), ``date``,
        ``hour`` and ``has_time``; every row of each repeated id must be present.
    infos
        The ledger entry of each file (``path``, ``columns``), by file index.
    dedupe
        ``"none"`` skips the check (nothing is removed by id).

    Raises
    ------
    InputError
        At least :data:`MIN_DISAGREE` repeated ids, more than half of the repeated ids, have rows with
        different dates or hours: the message names the files, the id column and the counts, and asks for
        another id column (``columns: {id: …}``) or ``--dedupe none``.
    """
    if dedupe == "none" or not len(rows):
        return
    good = rows[(rows["reason"] == "") & (rows["id"] != "")]
    if len(good) < 2:
        return
    when = good["date"].astype(str) + np.where(good["has_time"].astype(bool), " " + good["hour"].astype(str), "")
    frame = pd.DataFrame({"kind": good["kind"].astype(str), "id": good["id"].astype(str), "when": when,
                          "fi": good["fi"].astype("int64")})
    groups = frame.groupby(["kind", "id"], sort=False)
    size = groups.size()
    repeated = size[size > 1].index
    if not len(repeated):
        return
    differ = groups["when"].nunique().reindex(repeated) > 1
    n_differ, n_rep = int(differ.sum()), len(repeated)
    if n_differ < MIN_DISAGREE or n_differ * 2 <= n_rep:
        return
    keys = set(differ[differ].index)
    fis = sorted(set(frame.loc[[k in keys for k in zip(frame["kind"], frame["id"])], "fi"]))
    files = ", ".join(str(infos[fi].get("path", "")) for fi in fis if fi < len(infos))
    column = next((str(infos[fi].get("columns", {}).get("id")) for fi in fis
                   if fi < len(infos) and infos[fi].get("columns", {}).get("id")), "id")
    raise InputError(f"{files}: column '{column}' does not identify records: {n_differ} of {n_rep} repeated ids "
                     f"have rows with different dates or times (row numbers of separate exports?); map another id "
                     f"column with 'columns: {{id: <column>}}' in the schema, or use '--dedupe none' to keep every "
                     f"row")
