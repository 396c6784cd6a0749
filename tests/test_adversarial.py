"""The eleven hostile cases of ../shared/adversarial behave as their READMEs expect.

Each test runs the case's own input through the command in-process (``stats_lib.cli.main``) and checks the
README's "Expected" line; the renders (cases 01, 16, 24) are slow. Skipped when ../shared is absent: the
classes are also covered without it by tests/data/bad (test_bad_inputs), test_hostile, test_outdir,
test_resources and test_pii_end_to_end.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE, SHARED

from stats_lib import cli

ADV = SHARED / "adversarial"
pytestmark = pytest.mark.skipif(not ADV.is_dir(), reason="../shared/adversarial is absent (a clone elsewhere)")
PERSONAL = ("张三丰", "欧阳娜娜", "13912345678", "13987654321", "110101199003078515", "110101199105061234")


def _main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def _case(name: str, tmp: Path) -> Path:
    """A writable copy of a case folder (the shared one is read-only)."""
    dst = tmp / name
    shutil.copytree(ADV / name, dst)
    return dst


def _all_text(folder: Path) -> str:
    """Every file under ``folder`` as text, zip members (pptx, xlsx and the workbooks inside) unpacked."""
    parts = []

    def add(name: str, data: bytes) -> None:
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in z.namelist():
                    add(f"{name}!{member}", z.read(member))
        else:
            parts.append(data.decode("utf-8", errors="replace"))

    for p in folder.rglob("*"):
        if p.is_file():
            add(str(p), p.read_bytes())
    return "\n".join(parts)


def test_01_short_row_never_shifts_a_name_or_phone_into_a_district(tmp_path):
    d = _case("01_short_row_pii_shift", tmp_path)
    rc, out, err = _main(["clean", d / "short_row_shift.csv", "--out", tmp_path / "o", "--as-of", "2024-12-31"])
    assert rc == 0, err
    daily = pd.read_parquet(tmp_path / "o" / "daily.parquet")
    # rows 4 and 5 have 9 and 8 fields for a 10-column header: rejected, never read by position
    assert sorted(daily["district"]) == ["东城区", "南湖区", "西城区"]
    ledger = json.loads((tmp_path / "o" / "ledger.json").read_text("utf-8"))
    assert ledger["rejected_by_reason"] == {"ragged_row": 2}
    text = _all_text(tmp_path / "o") + out + err
    assert [s for s in PERSONAL if s in text] == []


@pytest.mark.parametrize("name", ["cr_in_text.csv", "lf_in_text.csv"])
def test_02_line_break_in_unquoted_text_rejects_the_row_whole(tmp_path, name):
    d = _case("02_unquoted_cr_lf_in_free_text", tmp_path)
    rc, out, err = _main(["clean", d / name, "--out", tmp_path / "o", "--as-of", "2024-12-31"])
    assert rc == 0, err
    ledger = json.loads((tmp_path / "o" / "ledger.json").read_text("utf-8"))
    assert (ledger["rows_read"], ledger["rows_kept"], ledger["rejected_by_reason"]) == (4, 3, {"ragged_row": 1})
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert rejects["line"].tolist() == ["5"] and rejects["reason"].tolist() == ["ragged_row"]
    text = _all_text(tmp_path / "o") + out + err
    assert [s for s in PERSONAL if s in text] == []


@pytest.mark.parametrize("name,secret", [("phone_in_category.csv", "13912345678"),
                                         ("idnum_category.csv", "110101199003078515")])
def test_03_personal_data_in_the_category_column_is_never_echoed(tmp_path, name, secret):
    d = _case("03_pii_in_category_column", tmp_path)
    rc, out, err = _main(["clean", d / name, "--out", tmp_path / "o", "--as-of", "2024-12-31"])
    assert rc == 0, err
    ledger = json.loads((tmp_path / "o" / "ledger.json").read_text("utf-8"))
    assert ledger["unmapped_categories"] == {"（已屏蔽）": 1}
    assert ledger["values_redacted"]["category"] == 1
    assert secret not in _all_text(tmp_path / "o") + out + err


@pytest.mark.parametrize("schema,key", [("schema_id_idcard.yaml", "columns.id"),
                                        ("schema_hour_name.yaml", "columns.hour"),
                                        ("schema_time_phone.yaml", "columns.time")])
def test_07_schema_cannot_map_a_personal_column_to_any_role(tmp_path, schema, key):
    d = _case("07_schema_maps_sensitive_to_id_time_hour", tmp_path)
    rc, out, err = _main(["clean", d / "export.csv", "--schema", d / schema, "--out", tmp_path / "o"])
    assert rc == 2 and err.count("\n") == 1 and key in err and schema in err
    assert not (tmp_path / "o").exists()


def _cleaned_sample(tmp: Path) -> Path:
    out = tmp / "cleaned"
    rc, _, err = _main(["clean", SAMPLE / "incidents_2023.csv.gz", "--out", out, "--as-of", "2024-12-31"])
    assert rc == 0, err
    return out


RENDER = ["--start", "2023-01-21", "--end", "2023-02-05", "--baseline", "lunar", "--as-of", "2023-02-05"]


def test_13_lock_symlink_is_refused_and_its_target_kept(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "index.html").write_text("precious index page\n", "utf-8")
    os.symlink("index.html", reports / ".2023-01-21_2023-02-05_lunar.lock")
    rc, _, err = _main(["render", "--data", _cleaned_sample(tmp_path), *RENDER, "--out", reports])
    assert rc == 2 and err.count("\n") == 1 and "symbolic link" in err
    assert (reports / "index.html").read_text("utf-8") == "precious index page\n"


def test_14_folder_that_is_not_a_report_is_never_replaced(tmp_path):
    home = tmp_path / "home2"
    (home / "2023-01-21_2023-02-05_lunar").mkdir(parents=True)
    notes = home / "2023-01-21_2023-02-05_lunar" / "notes.txt"
    notes.write_text("analyst notes, not a report\n", "utf-8")
    rc, _, err = _main(["render", "--data", _cleaned_sample(tmp_path), *RENDER, "--out", home])
    assert rc == 2 and err.count("\n") == 1 and "is not a report folder" in err
    assert notes.read_text("utf-8") == "analyst notes, not a report\n"
    assert sorted(p.name for p in home.iterdir()) == ["2023-01-21_2023-02-05_lunar"]


def _render_injection_case(tmp: Path, name: str) -> Path:
    d = _case(name, tmp)
    rc, _, err = _main(["clean", d / "inj.csv", "--schema", d / "schema_none.yaml", "--out", tmp / "cleaned",
                        "--as-of", "2024-12-31"])
    assert rc == 0, err
    rc, out, err = _main(["render", "--data", tmp / "cleaned", *RENDER, "--out", tmp / "rep"])
    assert rc == 0, err
    return Path(out.strip())


@pytest.mark.slow
def test_16_no_formula_in_any_workbook_of_the_deck(tmp_path):
    report = _render_injection_case(tmp_path, "16_pptx_array_formula_injection")
    with zipfile.ZipFile(report / "briefing.pptx") as deck:
        books = [n for n in deck.namelist() if n.startswith("ppt/embeddings/")]
        assert books
        for name in books:
            with zipfile.ZipFile(io.BytesIO(deck.read(name))) as book:
                for member in book.namelist():
                    if member.startswith("xl/worksheets/"):
                        assert "<f" not in book.read(member).decode("utf-8"), (name, member)
    with zipfile.ZipFile(report / "tables.xlsx") as book:
        for member in book.namelist():
            if member.startswith("xl/worksheets/"):
                assert "<f" not in book.read(member).decode("utf-8"), member


@pytest.mark.slow
def test_24_dollar_signs_in_labels_are_drawn_literally(tmp_path):
    report = _render_injection_case(tmp_path, "24_mathtext_in_labels_crashes_render")
    assert (report / "briefing.html").is_file()


@pytest.mark.parametrize("name", ["laughs_year.yaml", "laughs_params.yaml"])
def test_22_yaml_aliases_are_refused_at_once(tmp_path, name):
    d = _case("22_billion_laughs_yaml", tmp_path)
    rc, _, err = _main(["clean", d / "export.csv", "--schema", d / name, "--out", tmp_path / "o"])
    assert rc == 2 and err.count("\n") == 1 and "aliases" in err and len(err) < 300
    rc, _, err = _main(["render", "--params-file", d / name, "--data", d / "export.csv", "--start", "2023-01-21",
                        "--end", "2023-01-22", "--out", tmp_path / "r"])
    assert rc == 2 and err.count("\n") == 1 and "aliases" in err and len(err) < 300


def test_27_parquet_binary_strings_are_decoded(tmp_path):
    d = _case("27_parquet_binary_strings", tmp_path)
    rc, _, err = _main(["clean", d / "binary_cols.parquet", "--out", tmp_path / "o", "--as-of", "2024-12-31"])
    assert rc == 0, err
    daily = pd.read_parquet(tmp_path / "o" / "daily.parquet")
    assert sorted(zip(daily["category"], daily["district"])) == [("刑事", "东城区"), ("治安", "西城区")]
