"""The README's printed examples are what the package prints (so that they cannot drift)."""

from __future__ import annotations

import json
import re

from stats_lib.clean import ledger_summary


def test_clean_summaries_in_the_readme_are_the_sample_ledgers(root):
    """Every printed clean summary of the README (the tour's and the clean section's, both for the sample) is
    the summary of the committed cleaned sample, whose counts tests/test_clean_sample.py checks against the
    planted messes (messes.json). The clean section's had drifted (331,146 rows read)."""
    readme = (root / "README.md").read_text("utf-8")
    blocks = re.findall(r"```\n(读入 .*?)```", readme, flags=re.S)
    assert blocks, "the README shows no clean summary"
    ledger = json.loads((root / "data" / "sample" / "cleaned" / "ledger.json").read_text("utf-8"))
    assert [b.strip() for b in blocks] == [ledger_summary(ledger).strip()] * len(blocks)
