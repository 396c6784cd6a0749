"""Personal data judged by value, whole cells: planted values never reach an output, in part or whole.

Each test plants fake personal data in a small export, runs ``clean`` through the command line and scans
every output (daily/hourly Parquet read back, ledger.json, rejects.csv, stdout and stderr) for the planted
text and each of its parts. The expected cells are written by hand here (the placeholder, or the value).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import REALDATA, SAMPLE

from stats_lib import cli
from stats_lib.clean.egress import redact_tree
from stats_lib.ingest.privacy import PLACEHOLDER, is_personal_value, redact, screen_value, shorten


def _main(argv: list) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def _outputs(folder: Path, out: str, err: str) -> dict[str, str]:
    """Every output of a clean run as text: files (Parquet read back too), stdout and stderr."""
    texts = {"stdout": out, "stderr": err}
    for p in sorted(folder.iterdir()):
        texts[p.name] = p.read_bytes().decode("utf-8", errors="replace")
        if p.suffix == ".parquet":
            texts[p.name + "#read"] = pd.read_parquet(p).to_string()
    return texts


def _texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text; zip members (pptx, xlsx, the workbooks inside) unpacked."""
    found: dict[str, str] = {}

    def add(name: str, data: bytes) -> None:
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in z.namelist():
                    add(f"{name}!{member}", z.read(member))
        else:
            found[name] = data.decode("utf-8", errors="replace")

    for p in sorted(folder.rglob("*")):
        if p.is_file():
            add(str(p.relative_to(folder)), p.read_bytes())
    return found


def _rejects(folder: Path) -> list[dict]:
    with open(folder / "rejects.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _hits(texts: dict[str, str], secrets: list[str]) -> list[tuple[str, str]]:
    return [(s, name) for name, text in texts.items() for s in secrets if s in text]


def _wide_xlsx(path: Path, headers: list, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


# --- a. a cell holding personal data is masked whole ------------------------------------------------------

def test_a_message_quoting_a_cell_shows_none_of_it():
    assert redact("line 3: 'xx张三13912345678' 不是日期") == f"line 3: '{PLACEHOLDER}' 不是日期"
    assert redact("value “赵六13812345678” in column 辖区") == f"value “{PLACEHOLDER}” in column 辖区"
    assert shorten("xx张三13912345678") == PLACEHOLDER
    assert shorten("2023-01-xx") == "2023-01-xx"


def test_ledger_strings_are_masked_whole():
    ledger = {"notes": ["赵六13812345678", "第1行为标题"], "赵六13812345678": 1, "sha256": "ab"}
    assert redact_tree(ledger) == {"notes": [PLACEHOLDER, "第1行为标题"], PLACEHOLDER: 1, "sha256": "ab"}


def test_a_rejected_time_cell_with_a_phone_is_masked_whole(tmp_path):
    src = tmp_path / "calls.csv"
    src.write_text("接警单编号,报警时间,报警类别,管辖单位\n"
                   "J1,2023-01-21 08:00,治安,东城区\n"
                   "J2,xx张三13912345678,治安,东城区\n"
                   "J3,2023-01-22 09:00,刑事,西城区\n", "utf-8")
    out_dir = tmp_path / "out"
    rc, out, err = _main(["clean", src, "--out", out_dir, "--as-of", "2024-12-31"])
    assert rc == 0, err
    rejects = _rejects(out_dir)
    assert [(r["id"], r["reason"], r["time"]) for r in rejects] == [("J2", "bad_date", PLACEHOLDER)]
    assert _hits(_outputs(out_dir, out, err), ["xx张三", "张三", "13912345678", "xx"]) == []


def test_a_wide_district_with_a_phone_is_masked_whole(tmp_path):
    rows = [[f"2023-01-{d}", "东城区", d % 3, d % 4] for d in range(21, 26)]
    rows += [["2023-01-26", "赵六13812345678", 2, 1], ["2023-01-xx", "赵六13812345678", 1, 1]]
    src = _wide_xlsx(tmp_path / "wide.xlsx", ["日期", "辖区", "刑事", "治安"], rows)
    out_dir = tmp_path / "out"
    rc, out, err = _main(["clean", src, "--out", out_dir, "--as-of", "2024-12-31"])
    assert rc == 0, err
    rejects = _rejects(out_dir)
    assert len(rejects) == 2 and {r["district"] for r in rejects} == {PLACEHOLDER}  # the bad date, 2 columns
    daily = pd.read_parquet(out_dir / "daily.parquet")
    assert daily.loc[daily["district"] == PLACEHOLDER, "count"].sum() == 3          # 2 + 1 on 2023-01-26
    ledger = json.loads((out_dir / "ledger.json").read_text("utf-8"))
    assert ledger["values_redacted"]["district"] == 3
    assert _hits(_outputs(out_dir, out, err), ["赵六", "13812345678"]) == []


# --- b. bare personal names in category, subcategory and district values ----------------------------------

NAMES = ["张三", "李四", "王五", "欧阳娜娜", "司马光"]


@pytest.mark.parametrize("text", ["张三", "李四", "欧阳娜娜", "司马光", "諸葛亮", "陳小明", "李 四", "王先生"])
def test_bare_names_are_personal(text):
    assert is_personal_value(text)
    assert screen_value(text, names=True) == PLACEHOLDER
    assert screen_value(text) == text  # messages and free text are not judged by this rule


@pytest.mark.parametrize("text", ["东城区", "黄浦区", "高新区", "江北派出所", "第3中队", "黄赌毒", "王府井", "治安",
                                  "刑事类警情", "文山區", "高空抛物", "张家庄", "万达广场", "司马台", "其他", "12",
                                  "李", "张三丰有限公司"])
def test_places_offences_and_other_words_are_not_names(text):
    assert not is_personal_value(text)


def _sample_values() -> set[str]:
    """Every category, subcategory and district value of the sample exports, the wide sheet's cells and
    headers, and the committed cleaned tables."""
    from stats_lib.ingest.readers import read_table

    values: set[str] = set()
    for f in sorted(SAMPLE.glob("*.csv.gz")):
        frame = read_table(f).frame
        for c in ("报警类别", "报警细类", "管辖单位", "案件类别", "案由"):
            if c in frame.columns:
                values |= {str(v) for v in frame[c].unique()}
    wide = read_table(SAMPLE / "daily_stats_2023.xlsx").frame
    values |= {str(c) for c in wide.columns}
    for c in wide.columns:
        values |= {str(v) for v in wide[c].unique()}
    daily = pd.read_parquet(SAMPLE / "cleaned" / "daily.parquet")
    for c in ("category", "subcategory", "district"):
        values |= {str(v) for v in daily[c].unique()}
    return values


def test_no_false_positive_of_the_name_rule_on_the_sample():
    values = _sample_values()
    assert len(values) > 600  # 614 when written
    assert [v for v in values if is_personal_value(v)] == []


@pytest.mark.realdata
def test_no_false_positive_of_the_name_rule_on_the_real_data(realdata):
    from stats_lib.ingest.readers import read_table

    values: set[str] = set()
    for f in sorted((REALDATA / "taipei").glob("*.csv")):
        frame = read_table(f).frame
        values |= set(frame["案類"])
        values |= set(frame["發生地點"].str.extract(r"[臺台]北市(..區)", expand=False).dropna())
    values |= set(pd.read_csv(REALDATA / "chicago" / "crimes_district.csv", dtype=str)["District"].dropna())
    assert len(values) == 42
    assert [v for v in values if is_personal_value(v)] == []


def _names_csv(path: Path) -> Path:
    rows = ["接警单编号,报警时间,报警类别,报警细类,管辖单位"]
    for i in range(20):
        day = f"2023-01-{21 + i % 10}"
        rows += [f"J{i},{day} 08:00,张三,王五,东城区", f"P{i},{day} 11:00,治安,司马光,李四",
                 f"Q{i},{day} 12:00,刑事,盗窃,欧阳娜娜"]
    rows.append("R1,2023-01-xx,张三,王五,李四")  # rejected: every cell but the id and the time is a name
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.mark.slow
def test_bare_names_reach_no_output(tmp_path):
    cleaned = tmp_path / "cleaned"
    base = [SAMPLE / "incidents_2022.csv.gz", SAMPLE / "incidents_2023.csv.gz"]
    rc, out, err = _main(["clean", *base, _names_csv(tmp_path / "names.csv"), "--out", cleaned,
                          "--as-of", "2024-12-31", "--lang", "en"])
    assert rc == 0, err
    texts = {f"clean:{k}": v for k, v in _outputs(cleaned, out, err).items()}
    ledger = json.loads((cleaned / "ledger.json").read_text("utf-8"))
    # 20 rows each: districts 李四 and 欧阳娜娜 (40), subcategories 王五 and 司马光 (40), category 张三 (20)
    assert ledger["values_redacted"]["district"] == 40
    assert ledger["values_redacted"]["subcategory"] == 40
    assert ledger["unmapped_categories"][PLACEHOLDER] == 20
    assert "(redacted) 20" in out and PLACEHOLDER not in out  # the English summary
    [reject] = [r for r in _rejects(cleaned) if r["id"] == "R1"]
    assert (reject["category"], reject["district"]) == (PLACEHOLDER, PLACEHOLDER)
    window = ["--start", "2023-01-21", "--end", "2023-02-03", "--baseline", "lunar", "--as-of", "2023-02-05"]
    for lang in ("zh", "en"):
        reports = tmp_path / f"reports_{lang}"
        rc, out, err = _main(["render", "--data", cleaned, *window, "--lang", lang, "--out", reports])
        assert rc == 0, err
        report = {f"{lang}:{k}": v for k, v in _texts(reports).items()}
        report[f"{lang}:render"] = out + err
        assert any("districts" in k and (PLACEHOLDER if lang == "zh" else "(redacted)") in v
                   for k, v in report.items())  # the district got this far, masked
        if lang == "en":
            assert [k for k, v in report.items() if PLACEHOLDER in v] == []
        texts.update(report)
    assert any("tables.xlsx!xl/worksheets/" in k for k in texts)
    assert any("ppt/embeddings/" in k for k in texts)
    assert _hits(texts, NAMES) == []


# --- c. a wide sheet's column headed by personal data is dropped, never a category -------------------------

def test_a_wide_column_headed_by_a_name_or_phone_is_dropped(tmp_path):
    days = range(21, 28)
    rows = [[f"2023-01-{d}", "东城区", d % 3, d % 4, 5, 2, 1] for d in days]
    headers = ["日期", "辖区", "刑事", "治安", "张三", 13912345678, "欧阳娜娜"]
    src = _wide_xlsx(tmp_path / "wide.xlsx", headers, rows)
    out_dir = tmp_path / "out"
    rc, out, err = _main(["clean", src, "--out", out_dir, "--as-of", "2024-12-31"])
    assert rc == 0, err
    daily = pd.read_parquet(out_dir / "daily.parquet")
    by_category = daily.groupby("category")["count"].sum().to_dict()
    assert by_category == {"刑事": sum(d % 3 for d in days), "治安": sum(d % 4 for d in days)}
    ledger = json.loads((out_dir / "ledger.json").read_text("utf-8"))
    assert ledger["count_total"] == sum(d % 3 + d % 4 for d in days)
    [entry] = ledger["files"]
    assert entry["sensitive_columns_dropped"] == [PLACEHOLDER] * 3
    assert not ledger.get("unmapped_categories")
    assert _hits(_outputs(out_dir, out, err), ["张三", "13912345678", "13,912,345,678", "欧阳娜娜"]) == []


def test_an_error_listing_the_headers_shows_no_name_or_phone(tmp_path):
    src = tmp_path / "nodate.csv"
    src.write_text("编号,张三,报警类别,13912345678\nJ1,x,治安,y\n", "utf-8")
    rc, out, err = _main(["clean", src, "--out", tmp_path / "out", "--as-of", "2024-12-31"])
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert f"columns found: 编号, {PLACEHOLDER}, 报警类别, {PLACEHOLDER}" in err
    assert _hits({"stdout": out, "stderr": err}, ["张三", "13912345678"]) == []
