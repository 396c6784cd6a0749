"""Ids that do not identify records (FAULTS B2): two stations number their rows 1..N in 编号.

Rows sharing an id with different dates/times, for most repeated ids, stop the clean (exit 2, one line naming
the files, the id column and the counts); ``--dedupe none`` keeps every row; true duplicates (overlapping
exports: same id, same time) are still removed; a few disagreeing ids are resolved as before.
"""

from __future__ import annotations

import pytest

from stats_lib import cli
from stats_lib.clean import load
from stats_lib.errors import InputError

AS_OF = "2024-12-31"
HEADER = "编号,报警时间,报警类别,管辖单位\n"


def _station(path, n, hour, district, start=1):
    rows = "".join(f"{i},2023-01-{1 + i % 28:02d} {hour}:{i % 60:02d}:00,求助,{district}\n" for i in range(start, n + 1))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _by_district(c) -> dict:
    return {k: int(v) for k, v in c.daily.groupby("district")["count"].sum().items()}


def test_local_serial_numbers_stop_and_ask(tmp_path, capsys):
    a, b = _station(tmp_path / "north.csv", 100, 8, "北山区"), _station(tmp_path / "east.csv", 100, 15, "东城区")
    with pytest.raises(InputError, match=r"column '编号' does not identify records: 100 of 100 repeated ids"):
        load([a, b], as_of=AS_OF)
    assert cli.main(["clean", str(a), str(b), "--out", str(tmp_path / "o"), "--as-of", AS_OF]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "north.csv, " in err[0] and "east.csv" in err[0] and "--dedupe none" in err[0]


def test_dedupe_none_keeps_every_row(tmp_path):
    a, b = _station(tmp_path / "north.csv", 100, 8, "北山区"), _station(tmp_path / "east.csv", 100, 15, "东城区")
    c = load([a, b], as_of=AS_OF, dedupe="none")
    assert _by_district(c) == {"东城区": 100, "北山区": 100}
    assert c.ledger["rows_kept"] == 200 and c.ledger["duplicates_removed"] == 0


def test_overlapping_exports_still_deduplicated(tmp_path):
    # rows 71..100 of the first export again in the second (same id, same time): 30 duplicates, 100 kept
    a = _station(tmp_path / "jan.csv", 100, 8, "北山区")
    b = _station(tmp_path / "jan_late.csv", 100, 8, "北山区", start=71)
    c = load([a, b], as_of=AS_OF)
    assert c.ledger["rows_read"] == 130 and c.ledger["duplicates_removed"] == 30
    assert _by_district(c) == {"北山区": 100}


def test_few_disagreeing_ids_resolved_as_before(tmp_path):
    # 10 repeated ids, 4 of them with another time (fewer than 5): first occurrence kept, 10 removed
    a = _station(tmp_path / "a.csv", 20, 8, "北山区")
    lines = a.read_text(encoding="utf-8").splitlines()[1:11]
    again = [ln.replace(" 8:", " 9:") if k < 4 else ln for k, ln in enumerate(lines)]
    b = tmp_path / "b.csv"
    b.write_text(HEADER + "\n".join(again) + "\n", encoding="utf-8")
    c = load([a, b], as_of=AS_OF)
    assert c.ledger["duplicates_removed"] == 10 and _by_district(c) == {"北山区": 20}


@pytest.mark.spark
def test_spark_stops_and_keeps_the_same(spark_session, tmp_path):
    a, b = _station(tmp_path / "north.csv", 100, 8, "北山区"), _station(tmp_path / "east.csv", 100, 15, "东城区")
    with pytest.raises(InputError, match=r"column '编号' does not identify records: 100 of 100"):
        load([a, b], as_of=AS_OF, engine="spark")
    s = load([a, b], as_of=AS_OF, engine="spark", dedupe="none")
    assert _by_district(s) == {"东城区": 100, "北山区": 100}
    over = _station(tmp_path / "late.csv", 100, 8, "北山区", start=71)
    assert load([a, over], as_of=AS_OF, engine="spark").ledger["duplicates_removed"] == 30
