"""Record the golden outputs of the sample: the cleaned tables, the ledger, and a rendered briefing.

Run from the repository root with the project's interpreter::

    .venv/bin/python tests/golden/record.py

It also copies the cleaned tables and ledger into ``data/sample/cleaned/``, the notebooks' default data.

``tests/test_golden.py`` compares a fresh clean and render with what this wrote. A change that is meant to
change an output re-records it in the same commit and says why in the commit message; a restructuring must
leave every file here unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLEAN_ARGS = ["--as-of", "2024-12-31"]
RENDER_ARGS = ["--start", "2023-01-21", "--end", "2023-02-05", "--baseline", "lunar", "--as-of", "2023-02-05"]
SLUG = "2023-01-21_2023-02-05_lunar"


def sample_inputs() -> list[str]:
    """The sample's record-level exports, as relative paths in the order `make briefing` names them."""
    folder = ROOT / "data" / "sample"
    names = sorted(p.name for p in folder.iterdir() if p.name.startswith("incidents_") and ".csv" in p.name)
    names += sorted(p.name for p in folder.iterdir() if p.name.startswith("cases_") and ".csv" in p.name)
    return [f"data/sample/{n}" for n in names]


def frame_digest(path: Path) -> str:
    """SHA-256 of a Parquet table written as CSV in a fixed order (independent of Parquet's metadata)."""
    frame = pd.read_parquet(path)
    frame = frame.sort_values(list(frame.columns), kind="mergesort").reset_index(drop=True)
    return hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


def narrative(html: str) -> list[str]:
    """Every heading, paragraph and list item of the rendered HTML, as plain text, in order."""
    soup = BeautifulSoup(html, features="html.parser")
    return [e.get_text(" ", strip=True) for e in soup.find_all(["h1", "h2", "h3", "h4", "p", "li"])
            if e.get_text(strip=True)]


def briefing_cmd() -> list[str]:
    return [sys.executable, "-c", "import sys; from stats_lib.cli import main; sys.exit(main(sys.argv[1:]))"]


def clean(out: Path) -> None:
    subprocess.run([*briefing_cmd(), "clean", *sample_inputs(), "--out", str(out), *CLEAN_ARGS],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def render(cleaned: Path, out: Path) -> Path:
    subprocess.run([*briefing_cmd(), "render", "--data", str(cleaned), *RENDER_ARGS, "--out", str(out)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out / SLUG


def snapshot(cleaned: Path, report: Path | None) -> dict[str, object]:
    """What the golden files hold, computed from a cleaned folder and (optionally) a rendered report."""
    snap: dict[str, object] = {
        "daily": frame_digest(cleaned / "daily.parquet"),
        "hourly": frame_digest(cleaned / "hourly.parquet"),
        "ledger": json.loads((cleaned / "ledger.json").read_text("utf-8")),
    }
    if report is not None:
        index = json.loads((report / "outputs.json").read_text("utf-8"))
        snap["outputs"] = index
        snap["tables"] = {Path(i["json"]).name: json.loads((report / i["json"]).read_text("utf-8"))
                          for i in index["items"] if i["kind"] == "table"}
        snap["narrative"] = narrative((report / "briefing.html").read_text("utf-8"))
    return snap


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cleaned = Path(tmp) / "cleaned"
        clean(cleaned)
        report = render(cleaned, Path(tmp) / "reports")
        snap = snapshot(cleaned, report)
        # the notebooks' default data: the cleaned sample, committed so that they need not re-clean the exports
        sample = ROOT / "data" / "sample" / "cleaned"
        sample.mkdir(exist_ok=True)
        for name in ("daily.parquet", "hourly.parquet", "ledger.json"):
            shutil.copyfile(cleaned / name, sample / name)
    if (HERE / "sample").exists():
        shutil.rmtree(HERE / "sample")
    (HERE / "sample").mkdir()
    for name, value in snap.items():
        (HERE / "sample" / f"{name}.json").write_text(
            json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"recorded {', '.join(sorted(snap))} in {HERE / 'sample'}", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    main()
