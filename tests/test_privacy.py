"""The egress filter (stats_lib.ingest.privacy): what it finds, what it leaves, and its false positives.

Every expected value is written by hand here; the ID numbers' check digits are worked out by the
GB 11643-1999 rule in :func:`_check_digit` (a second implementation, not the filter's).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import REALDATA, SAMPLE

from stats_lib.ingest.privacy import PLACEHOLDER, find_personal, redact, screen_value, screen_values


def _check_digit(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


@pytest.mark.parametrize("text,kind", [
    ("13912345678", "phone"),
    ("回电13912345678 张三丰", "phone"),
    ("+86 139-1234-5678", "phone"),
    ("8613912345678", "phone"),
    ("１３９１２３４５６７８", "phone"),                       # full-width digits
    ("139\u200b1234\u202e5678", "phone"),                     # zero-width and bidi characters inside
    ("010-12345678", "phone"),
    ("(0755)1234567", "phone"),
    ("110101199003078515", "id"),
    ("身份证110101199003078515丢失", "id"),
    ("11010119900307851x", "id"),
    ("110101900307851", "id"),                                # 15-digit pre-1999 number
    ("4111 1111 1111 1111", "card"),                          # a Luhn-valid test card number
    ("4111111111111111", "card"),
    ("someone@example.com", "email"),
    ("示例市东城区幸福路88号", "address"),
    ("臺北市萬華區國興路1~30號", "address"),
    ("3号楼2单元502室", "address"),
    ("报警人：李四", "labelled"),
    ("制表人：王五", "labelled"),
    ("联系人张三丰", "labelled"),
    ("电话: 67890", "labelled"),
])
def test_finds_personal_data(text, kind):
    found = find_personal(text)
    assert found, text
    assert found[0].kind == kind
    assert PLACEHOLDER in redact(text)


def test_id_with_its_check_digit_is_found_and_redacted_whole():
    first17 = "44030419851231002"
    number = first17 + _check_digit(first17)
    assert redact(f"证件{number}。") == f"证件{PLACEHOLDER}。"


@pytest.mark.parametrize("text", [
    "刑事类警情", "盗窃", "电信网络诈骗", "电话诈骗", "手机被盗", "盗窃手机", "东城派出所", "文山区", "道路交通事故",
    "2023-01-21 08:15:00", "20230121", "1040101", "Patrol Borough Bronx", "BATTERY", "24.0", "12", "J00001",
    "110", "119火警", "第3中队", "纠纷（家庭）", "其他", "报警人称钱包被盗。", "(空)", "2023年1月21日",
])
def test_leaves_ordinary_values_alone(text):
    assert find_personal(text) == []
    assert redact(text) == text
    assert screen_value(text) == text


def test_redact_keeps_the_rest_of_a_message():
    msg = "file x.csv, line 4: '13912345678' is not a date"
    assert redact(msg) == f"file x.csv, line 4: '{PLACEHOLDER}' is not a date"


def test_screen_values_replaces_whole_values_and_counts_rows():
    s = pd.Series(["盗窃", "13912345678", "盗窃", "东城区幸福路88号", "", "13912345678"])
    result = screen_values(s)
    assert result.values.tolist() == ["盗窃", PLACEHOLDER, "盗窃", PLACEHOLDER, "", PLACEHOLDER]
    assert result.redacted == 3


def _sample_dimension_values() -> set[str]:
    from stats_lib.ingest.readers import read_table

    values: set[str] = set()
    for f in sorted(SAMPLE.glob("*.csv.gz")) + [SAMPLE / "daily_stats_2023.xlsx"]:
        frame = read_table(f).frame
        for c in frame.columns:
            if c in ("报警类别", "报警细类", "管辖单位", "案件类别", "案由") or f.suffix == ".xlsx":
                values |= set(frame[c].unique())
    return values


def test_no_false_positive_on_the_sample_categories_and_districts():
    values = _sample_dimension_values()
    assert len(values) > 50  # the point is made on many values
    assert [v for v in values if find_personal(v)] == []


def test_every_phone_and_address_of_the_sample_is_found():
    from stats_lib.ingest.readers import read_table

    frame = read_table(SAMPLE / "incidents_2023.csv.gz").frame
    for col in ("联系电话", "案发地址"):
        values = frame[col].drop_duplicates()
        missed = [v for v in values if v and not find_personal(v)]
        assert missed == [], (col, missed[:5])


@pytest.mark.realdata
def test_no_false_positive_on_the_real_categories_and_districts(realdata):
    from stats_lib.ingest.readers import read_table

    values: set[str] = set()
    for f in sorted((REALDATA / "taipei").glob("*.csv")):
        frame = read_table(f).frame
        values |= set(frame["案類"])
        values |= set(frame["發生地點"].str.extract(r"[臺台]北市(..區)", expand=False).dropna())
    chicago = pd.read_csv(REALDATA / "chicago" / "crimes_district.csv", dtype=str)
    values |= set(chicago["District"].dropna())
    assert len(values) >= 30
    assert [v for v in values if find_personal(v)] == []
