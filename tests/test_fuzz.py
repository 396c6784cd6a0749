"""Fuzzing the cleaner: random CSV text and random schemas never raise anything but stats_lib's errors.

Hypothesis writes CSV files (headers from the known aliases, sensitive names and junk; cells with dates in
many forms, counts, masked tokens, unicode, delimiters, quotes and line breaks; four encodings; properly
quoted or naively joined) and schema dicts (valid and invalid keys and value types). For each,
:func:`stats_lib.clean.load` either returns a :class:`~stats_lib.tables.Cleaned` whose ledger invariant
holds (checked against the daily table, computed here), or raises a :class:`~stats_lib.errors.StatsLibError`.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stats_lib.clean import load
from stats_lib.errors import InputError, StatsLibError
from stats_lib.ingest.schema import AUTO_COLUMNS
from stats_lib.tables import DAILY_COLUMNS, Cleaned

ALIASES = sorted({h for names in AUTO_COLUMNS.values() for h in names})
OTHER_HEADERS = [
    "报警人",
    "联系电话",
    "案发地址",
    "报警内容",
    "序号",
    "刑事",
    "治安",
    "交通",
    "合计",
    "小计",
    "Total",
    "备注",
    "",
    " ",
    "報警時間",
    "ＩＤ",
    "date/时间",
    "=SUM(A1)",
    "a,b",
    'q"q',
]
DATE_FORMS = st.one_of(
    st.dates(
        min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()
    ).flatmap(
        lambda d: st.sampled_from(
            [
                d.isoformat(),
                f"{d.year}/{d.month}/{d.day} 8:15",
                f"{d.year}年{d.month}月{d.day}日 23时5分",
                d.strftime("%Y%m%d"),
                d.strftime("%Y%m%d") + "081500",
                f"{d.month}/{d.day}/{d.year} 11:59 PM",
                f"{d.isoformat()}T08:15:00+08:00",
                f"{d.isoformat()}T23:15:00Z",
                f"{d.month}月{d.day}日",
                f"{d.year - 1911:03d}{d.month:02d}{d.day:02d}",
                f"{d.year - 1911}/{d.month}/{d.day}",
                d.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
            ]
        )
    ),
    st.integers(min_value=-10, max_value=100_000).map(str),  # Excel serials and junk numbers
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "2023-02-30",
            "2023-13-01",
            "24:00",
            "2023-01-01 25:61",
            "昨天",
            "0000-00-00",
            "9999-12-31",
            "1677-09-21",
            "2262-04-12",
            "1e10",
            "NaT",
            "None",
            "-",
            "",
        ]
    ),
)
CELLS = st.one_of(
    DATE_FORMS,
    st.sampled_from(
        [
            "",
            " ",
            "*",
            "**",
            "—",
            "-",
            "NA",
            "NaN",
            "null",
            "0",
            "-3",
            "2.5",
            "1,234",
            "1e3",
            "１２",
            "刑事类警情",
            "治安",
            "合计",
            "總計",
            "=1+1",
            "@x",
            "\t",
            '"',
            '""',
            "a,b",
            "a;b",
            "a\nb",
            "\r",
            "\ufeff",
            "😀",
            "𠀀",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12),
    st.integers(min_value=-5, max_value=10**6).map(str),
)
#: More examples for a longer local run: ``FUZZ_EXAMPLES=2000 FUZZ_RANDOM=1 pytest tests/test_fuzz.py``.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
DERANDOMIZE = not os.environ.get("FUZZ_RANDOM")
HEADERS = st.one_of(
    st.sampled_from(ALIASES),
    st.sampled_from(OTHER_HEADERS),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=8),
)


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    """(file name, bytes) of a random CSV/TSV export."""
    headers = draw(st.lists(HEADERS, min_size=1, max_size=7))
    time_col = None
    if draw(st.sampled_from([True, True, True, False])):  # most tables have a time column
        time_col = draw(st.integers(0, len(headers) - 1))
        headers[time_col] = draw(st.sampled_from(AUTO_COLUMNS["time"]))
    width = len(headers)
    extra = draw(st.sampled_from([0, 0, 0, 1]))  # now and then a row wider than the header
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width + extra), min_size=1, max_size=12))
    if time_col is not None:  # mostly dates in the time column
        for row in rows:
            row[time_col] = draw(st.one_of(DATE_FORMS, DATE_FORMS, DATE_FORMS, CELLS))
    delim = draw(st.sampled_from([",", "\t", ";", "|"]))
    if draw(st.booleans()):
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
            [headers, *rows]
        )
        text = buf.getvalue()
    else:  # naive export: no quoting at all
        text = "\n".join(delim.join(r) for r in [headers, *rows]) + draw(st.sampled_from(["", "\n"]))
    title = draw(st.sampled_from(["", "示例市警情统计表\n", "\n\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    data = (title + text).encode(encoding, errors="replace")
    name = draw(st.sampled_from(["x.csv", "x.tsv", "x.txt"]))
    return name, data


ROLE_MAP = st.dictionaries(
    st.sampled_from(
        ["id", "time", "date", "hour", "category", "subcategory", "district", "address", "count", "when", ""]
    ),
    st.one_of(
        st.sampled_from(ALIASES + OTHER_HEADERS), st.none(), st.integers(), st.lists(st.text(max_size=3))
    ),
    max_size=4,
)
#: Valid values of each schema key (a valid schema still may not fit the file).
VALID = {
    "kind": st.sampled_from(["警情", "案件"]),
    "shape": st.sampled_from(["records", "long", "wide"]),
    "encoding": st.sampled_from(["utf-8", "gb18030", "gbk", "big5"]),
    "columns": st.dictionaries(
        st.sampled_from(["id", "time", "category", "subcategory", "district", "count"]),
        st.one_of(st.sampled_from(ALIASES), st.none()),
        max_size=3,
    ),
    "date_format": st.sampled_from(["%Y%m%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y"]),
    "calendar": st.sampled_from(["gregorian", "roc"]),
    "year": st.integers(min_value=1990, max_value=2030),
    "timezone": st.sampled_from(["Asia/Shanghai", "UTC", "Asia/Taipei"]),
    "day_start": st.sampled_from(["00:00", "08:00", "8:00", 8]),
    "taxonomy": st.sampled_from(["default", "none"]),
    "categories": st.dictionaries(
        st.sampled_from(["刑事类警情", "其他", "x"]), st.sampled_from(["治安", "刑事", "新类"]), max_size=2
    ),
    "district_pattern": st.sampled_from(["(..区)", "示例市(.+?区)", "(.*)"]),
}
#: Any value, valid or not, of each schema key.
VALUES = {
    "kind": st.sampled_from(["警情", "案件", "cases", 1]),
    "kind_column": st.sampled_from(["报警类别", "nope", 3]),
    "shape": st.sampled_from(["records", "long", "wide", "table", None]),
    "encoding": st.sampled_from(["utf-8", "gb18030", "gbk", "big5", "utf-16", "latin-1", "klingon", 8]),
    "columns": ROLE_MAP,
    "date_format": st.sampled_from(
        ["%Y%m%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%Q", "%", "no directives", 5]
    ),
    "calendar": st.sampled_from(["gregorian", "roc", "lunar"]),
    "year": st.one_of(st.integers(min_value=-5, max_value=10_000), st.sampled_from(["2023", True, 2023.0])),
    "timezone": st.sampled_from(["Asia/Shanghai", "UTC", "Asia/Taipei", "Beijing", "", "+08:00"]),
    "day_start": st.sampled_from(["00:00", "08:00", "8:00", "24:00", 8, 25, -1, "八点", None]),
    "taxonomy": st.sampled_from(["default", "none", "/nonexistent.yaml", 0]),
    "categories": st.dictionaries(
        st.text(max_size=5),
        st.one_of(st.text(max_size=5), st.integers(), st.none(), st.lists(st.integers())),
        max_size=3,
    ),
    "district_pattern": st.sampled_from(["(..区)", "示例市(.+?区)", "no group", "(a)(b)", "(", "[", 7]),
    "sheet": st.sampled_from([0, "Sheet1", -1, None]),
}
SCHEMAS = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(sorted(VALID)), st.none(), max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries({k: VALID[k] for k in keys})
    ),
    st.dictionaries(st.sampled_from(sorted(VALUES)), st.none(), max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries({k: VALUES[k] for k in keys})
    ),
    st.dictionaries(
        st.sampled_from([*VALUES, "delimiter", "Columns", "名称"]),
        st.one_of(
            st.text(max_size=6),
            st.integers(),
            st.booleans(),
            st.none(),
            st.lists(st.integers()),
            st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
        ),
        max_size=3,
    ),
)


def _check_cleaned(result: Cleaned) -> None:
    ledger = result.ledger
    assert ledger["rows_read"] == ledger["rows_kept"] + ledger["rows_rejected"] + ledger["duplicates_removed"]
    assert sum(ledger["rejected_by_reason"].values()) == ledger["rows_rejected"]
    assert list(result.daily.columns) == DAILY_COLUMNS
    assert (result.daily["count"] > 0).all()
    assert int(result.daily["count"].sum()) == ledger["count_total"]
    assert len(result.rejects) == ledger["rows_rejected"]
    if result.hourly is not None:
        assert int(result.hourly["count"].sum()) <= ledger["count_total"]


def _load_or_package_error(file: tuple[str, bytes], schema: object, engine: str) -> None:
    name, data = file
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            result = load(path, schema=schema, as_of="2024-12-31", engine=engine)
        except StatsLibError as exc:
            assert str(exc).strip(), "an error without a message"
            return
        _check_cleaned(result)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(csv_files(), SCHEMAS)
def test_random_csv_and_schema_only_raise_package_errors(file, schema):
    _load_or_package_error(file, schema, "duckdb")


@st.composite
def good_and_bad_rows(draw) -> tuple[list[list[str]], int]:
    """Record rows with unique ids: some with a valid 2023 time, the rest bad; returns (rows, good count)."""
    n_good = draw(st.integers(0, 15))
    n_bad = draw(st.integers(0 if n_good else 1, 10))
    good = [
        draw(
            st.dates(min_value=pd.Timestamp("2023-01-01").date(), max_value=pd.Timestamp("2023-12-31").date())
        ).isoformat()
        for _ in range(n_good)
    ]
    bad = [draw(st.sampled_from(["", "2023-02-30", "abc", "2099-01-01", "13/45/2023"])) for _ in range(n_bad)]
    times = draw(st.permutations(good + bad))
    rows = [
        [f"ID{i}", t, draw(st.sampled_from(["刑事类警情", "治安", "", "未知类"]))]
        for i, t in enumerate(times)
    ]
    return rows, n_good


@settings(max_examples=max(EXAMPLES // 3, 20), deadline=None, derandomize=DERANDOMIZE, database=None)
@given(good_and_bad_rows())
def test_mixture_daily_total_equals_good_rows(case):
    """The daily total equals the number of good rows, counted here before any cleaning."""
    rows, n_good = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mix.csv"
        pd.DataFrame(rows, columns=["接警单编号", "报警时间", "报警类别"]).to_csv(path, index=False)
        result = load(path, as_of="2024-12-31", allow_empty=True)
    _check_cleaned(result)
    assert result.ledger["rows_read"] == len(rows)
    assert int(result.daily["count"].sum()) == n_good


# ---------------------------------------------------------------- hostile structure and personal data (issue 16)

FAKE_PII = ["13912345678", "+86 139-8765-4321", "110101199003078515", "示例市东城区幸福路88号", "联系人：王五",
            "caller@example.com", "010-12345678"]
PII_HEAD = ["接警单编号", "报警时间", "报警类别", "报警细类", "管辖单位", "报警人", "联系电话"]


@st.composite
def hostile_rows(draw) -> tuple[str, int, int]:
    """A CSV of good rows plus ragged rows (fields dropped or added) and rows broken by a bare CR or LF inside
    an unquoted middle field; returns (text, good rows, damaged records)."""
    n_good = draw(st.integers(1, 12))
    lines, damaged = [], 0
    for i in range(n_good):
        lines.append([f"G{i}", f"2023-01-{1 + i % 28:02d} 08:00:00", "刑事类警情", "盗窃", "东城区", "张三丰",
                      "13912345678"])
    out = [",".join(r) for r in lines]
    for j in range(draw(st.integers(0, 6))):
        row = [f"D{j}", "2023-01-05 09:00:00", "治安类警情", "赌博", "西城区", "欧阳娜娜", "13987654321"]
        how = draw(st.sampled_from(["drop", "add", "cr", "lf"]))
        if how == "drop":
            del row[draw(st.integers(2, 5))]
            text = ",".join(row)
        elif how == "add":
            row.insert(draw(st.integers(2, 6)), draw(st.sampled_from(FAKE_PII)))
            text = ",".join(row)
        else:
            k = draw(st.integers(2, 5))  # a middle field: both pieces are short
            row[k] = row[k][:1] + ("\r" if how == "cr" else "\n") + row[k][1:]
            text = ",".join(row)
        out.insert(draw(st.integers(0, len(out))), text)
        damaged += 1
    return ",".join(PII_HEAD) + "\n" + "\n".join(out) + "\n", n_good, damaged


@settings(max_examples=max(EXAMPLES // 3, 20), deadline=None, derandomize=DERANDOMIZE, database=None)
@given(hostile_rows())
def test_ragged_rows_and_line_breaks_are_rejected_whole(case):
    """Every damaged record is one ragged_row reject; every good row is kept; no personal value leaks."""
    text, n_good, damaged = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hostile.csv"
        path.write_text(text, "utf-8")
        if 2 * damaged > n_good + damaged:      # most rows damaged: the run stops (check_kept) …
            with pytest.raises(InputError, match=f"{damaged} rows whose fields do not match the header"):
                load(path, as_of="2024-12-31")
        result = load(path, as_of="2024-12-31", allow_empty=True)   # … and keeps the good rows when told to
    _check_cleaned(result)
    assert int(result.daily["count"].sum()) == n_good
    assert result.ledger["rejected_by_reason"] == ({"ragged_row": damaged} if damaged else {})
    assert result.ledger["rows_read"] == n_good + damaged
    everything = result.daily.to_string() + result.rejects.to_string() + str(result.ledger)
    assert [s for s in ("张三丰", "欧阳娜娜", "13912345678", "13987654321") + tuple(FAKE_PII) if s in everything] == []


@st.composite
def pii_in_every_column(draw) -> tuple[pd.DataFrame, list[str]]:
    """Records with fake personal data drawn into any cell of any kept column; returns (frame, planted)."""
    n = draw(st.integers(2, 15))
    frame = pd.DataFrame({"接警单编号": [f"Q{i}" for i in range(n)],
                          "报警时间": [f"2023-02-{1 + i % 28:02d} 10:00:00" for i in range(n)],
                          "报警类别": ["刑事类警情"] * n, "报警细类": ["盗窃"] * n, "管辖单位": ["东城区"] * n})
    planted = []
    for _ in range(draw(st.integers(1, 6))):
        col = draw(st.sampled_from(list(frame.columns)))
        row = draw(st.integers(0, n - 1))
        value = draw(st.sampled_from(FAKE_PII))
        frame.loc[row, col] = draw(st.sampled_from(["{}", "回电{}", "{} 张三"])).format(value)
        planted.append(value)
    return frame, planted


@settings(max_examples=max(EXAMPLES // 3, 20), deadline=None, derandomize=DERANDOMIZE, database=None)
@given(pii_in_every_column(), st.sampled_from(["default", "none"]))
def test_personal_data_in_any_column_never_leaves(case, taxonomy):
    frame, planted = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pii.csv"
        frame.to_csv(path, index=False)
        try:
            load(path, schema={"taxonomy": taxonomy}, as_of="2024-12-31")
            message = ""
        except InputError as exc:    # most times replaced by planted values: the run stops, naming examples
            message = str(exc)
        result = load(path, schema={"taxonomy": taxonomy}, as_of="2024-12-31", allow_empty=True)
    _check_cleaned(result)
    everything = " ".join([message, result.daily.to_string(), result.rejects.to_string(), str(result.ledger),
                           "" if result.hourly is None else result.hourly.to_string()])
    assert [p for p in planted if p in everything] == []
