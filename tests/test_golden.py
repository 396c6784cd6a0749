"""The sample's outputs are those recorded in ``tests/golden/sample`` (see ``tests/golden/record.py``).

The recorded files were written by the code before the restructuring into sub-packages; a change that is
meant to change an output re-records them in the same commit and says why.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "sample"

spec = importlib.util.spec_from_file_location("golden_record", HERE / "golden" / "record.py")
record = importlib.util.module_from_spec(spec)
spec.loader.exec_module(record)


def golden(name: str) -> object:
    return json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "cleaned"
    record.clean(out)
    return out


def test_clean_tables_and_ledger_unchanged(cleaned):
    snap = record.snapshot(cleaned, None)
    assert snap["ledger"] == golden("ledger")
    assert snap["daily"] == golden("daily")
    assert snap["hourly"] == golden("hourly")


def test_committed_cleaned_sample_is_the_clean_of_the_sample(cleaned):
    committed = record.ROOT / "data" / "sample" / "cleaned"
    assert record.snapshot(committed, None) == record.snapshot(cleaned, None)


@pytest.mark.slow
def test_rendered_tables_and_narrative_unchanged(cleaned, tmp_path):
    snap = record.snapshot(cleaned, record.render(cleaned, tmp_path / "reports"))
    assert snap["tables"] == golden("tables")
    assert snap["outputs"] == golden("outputs")
    assert snap["narrative"] == golden("narrative")
