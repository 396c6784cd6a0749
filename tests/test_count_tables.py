"""Tables of counts are never read as one incident per row (FAULTS B1).

Count headers 报警数, 接警量, 警情数量, Calls make a long table; a sheet with one column per district, a 合计
column or an unmapped count header beside date/category/district (no id, no time of day) stops the clean with
one line asking for the mapping; ``shape: records`` says each row is one incident.
"""

from __future__ import annotations

import pytest

from stats_lib import cli
from stats_lib.clean import load
from stats_lib.errors import InputError

AS_OF = "2024-12-31"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("header", ["报警数", "接警量", "警情数量", "Calls"])
def test_count_headers_make_a_long_table(tmp_path, header):
    # 10 dates x 25 = 250 incidents (not 10 rows)
    rows = "".join(f"2023-01-{21 + k},东城区,求助,25\n" for k in range(10))
    c = load(_write(tmp_path, "l.csv", f"日期,辖区,类别,{header}\n" + rows), as_of=AS_OF)
    assert int(c.daily["count"].sum()) == 250 and c.ledger["files"][0]["shape"] == "long"


def test_columns_named_after_districts_stop_and_ask(tmp_path, capsys):
    rows = "".join(f"2023-01-{21 + k},10,20,30,60\n" for k in range(10))
    path = _write(tmp_path, "wd.csv", "日期,东城区,西城区,北山区,合计\n" + rows)
    with pytest.raises(InputError, match=r"columns 东城区, 西城区, 北山区 look like districts"):
        load(path, as_of=AS_OF)
    with pytest.raises(InputError, match=r"districts with counts .*not categories"):
        load(path, schema={"shape": "wide"}, as_of=AS_OF)
    assert cli.main(["clean", str(path), "--out", str(tmp_path / "o"), "--as-of", AS_OF]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize(("header", "match"), [("出警次数", "'出警次数' looks like a count"),
                                               ("合计", "'合计' is a total")])
def test_unmapped_count_or_total_column_stops(tmp_path, header, match):
    rows = "".join(f"2023-01-{21 + k},东城区,求助,7\n" for k in range(5))
    with pytest.raises(InputError, match=match):
        load(_write(tmp_path, "c.csv", f"日期,辖区,类别,{header}\n" + rows), as_of=AS_OF)


def test_records_with_id_or_shape_records_unchanged(tmp_path):
    # an id column: records (5 incidents); shape: records says so for a file without one
    rows = "".join(f"A{k},2023-01-{21 + k},东城区,求助,7\n" for k in range(5))
    c = load(_write(tmp_path, "r.csv", "接警单编号,日期,辖区,类别,出警次数\n" + rows), as_of=AS_OF)
    assert int(c.daily["count"].sum()) == 5
    rows = "".join(f"2023-01-{21 + k},东城区,求助,7\n" for k in range(5))
    c = load(_write(tmp_path, "s.csv", "日期,辖区,类别,出警次数\n" + rows), schema={"shape": "records"}, as_of=AS_OF)
    assert int(c.daily["count"].sum()) == 5
