"""No name, phone number, ID number or address of the sample inputs reaches any output of a briefing.

The sample exports are cleaned and the sample briefing rendered exactly as ``make briefing`` does (two
real ``briefing`` processes), then every file written is scanned: the HTML and the executed notebook
(images dropped: pixels), every XML part of the PPTX and the XLSX, the text chunks (tEXt, zTXt, iTXt) of
every PNG, the SVGs (text and metadata), the JSON files (manifest, outputs, tables, ledger), the Parquet
tables, rejects.csv and the captured stdout/stderr of both commands. The personal data is read from the
raw sample files with plain pandas: 报警人 (names), 联系电话 (phones, also in separated forms such as
139-1234-5678 or +86 139 1234 5678), 案发地址 (addresses) and the 18-digit ID numbers inside 报警内容.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_IMAGE_DATA = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s]+")
_PHONE_LIKE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1\d{2})[\s.-]?(\d{4})[\s.-]?(\d{4})(?!\d)")
_ROAD_NUMBER = re.compile(rf"[{CJK}]{{1,6}}[路街道巷]\d+号")


# ---------------------------------------------------------------------------------------- what to look for


def read_raw(path: Path) -> pd.DataFrame:
    """A raw sample export as text (UTF-8 with or without BOM, else GB18030), read with plain pandas."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")


def personal_data(files: list[Path]) -> dict[str, set[str]]:
    """Every name, phone, ID number and address in the raw incident exports."""
    names, phones, ids, addresses = set(), set(), set(), set()
    for path in files:
        raw = read_raw(path)
        if "报警人" not in raw:
            continue
        names |= set(raw["报警人"].str.strip())
        phones |= set(raw["联系电话"].str.replace(r"\D", "", regex=True))
        addresses |= set(raw["案发地址"].str.strip())
        ids |= set(raw["报警内容"].str.extractall(r"(?<!\d)(\d{17}[\dXx])(?!\d)")[0].str.upper())
    return {
        k: {v for v in s if v}
        for k, s in {"names": names, "phones": phones, "ids": ids, "addresses": addresses}.items()
    }


# ---------------------------------------------------------------------------------------- what was written


def png_text(data: bytes) -> str:
    """The text chunks of a PNG (tEXt, zTXt, iTXt): the only place a PNG holds text (the rest is pixels)."""
    out, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            out.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            out.append(key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _tkey, _, text = rest.partition(b"\0")
            out.append(
                key.decode("latin-1") + " " + (zlib.decompress(text) if compressed else text).decode("utf-8")
            )
        pos += 12 + length
    return "\n".join(out)


def notebook_text(data: bytes) -> str:
    """An executed notebook without its image outputs (pixels), everything else as JSON text."""
    nb = json.loads(data)
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            bundle = output.get("data", {})
            for mime in [m for m in bundle if m.startswith("image/") and m != "image/svg+xml"]:
                bundle[mime] = ""
    return json.dumps(nb, ensure_ascii=False)


def file_texts(path: Path) -> dict[str, str]:
    """``{name: text}`` for one output file; Office files give one entry per XML part."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".pptx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return {
                f"{path.name}:{n}": z.read(n).decode("utf-8", errors="replace")
                for n in z.namelist()
                if n.endswith((".xml", ".rels"))
            }
    if suffix == ".png":
        return {path.name: png_text(data)}
    if suffix == ".ipynb":
        return {path.name: notebook_text(data)}
    if suffix == ".parquet":
        return {path.name: pd.read_parquet(path).astype(str).to_csv(index=False)}
    text = data.decode("utf-8", errors="replace")
    if suffix in (".html", ".htm", ".svg"):
        text = _IMAGE_DATA.sub("", text)
    return {path.name: text}


def all_texts(folders: list[Path]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                texts.update(
                    {f"{path.relative_to(folder.parent)}|{k}": v for k, v in file_texts(path).items()}
                )
    return texts


# ---------------------------------------------------------------------------------------- the scan


def scan(texts: dict[str, str], secret: dict[str, set[str]]) -> dict[str, list[tuple[str, str]]]:
    """Hits ``{kind: [(value, where)]}`` of each kind of personal data in the texts (exact, no sampling).

    Phones: any phone-like digit group (with or without +86, spaces, dots or dashes) whose digits are a
    sample phone, and any 11-digit window of a longer digit run. IDs: any 18-character window of a digit
    run. Names: any 3-4 character window of a run of Chinese characters; a 2-character name when it is a
    run on its own or follows a label (报警人, 姓名, 联系人, 当事人). Addresses: the road and house number
    of each address (``友谊路176号``) and the whole address.
    """
    hits: dict[str, list[tuple[str, str]]] = {"names": [], "phones": [], "ids": [], "addresses": []}
    names3 = {n for n in secret["names"] if len(n) >= 3}
    names2 = {n for n in secret["names"] if len(n) == 2}
    roads = {m for a in secret["addresses"] for m in _ROAD_NUMBER.findall(a)}
    for where, text in texts.items():
        for m in _PHONE_LIKE.finditer(text):
            if "".join(m.groups()) in secret["phones"]:
                hits["phones"].append((m.group(0), where))
        for run in re.findall(r"[0-9Xx]{11,}", text):
            for i in range(len(run) - 10):
                if run[i : i + 11] in secret["phones"]:
                    hits["phones"].append((run[i : i + 11], where))
            for i in range(len(run) - 17):
                if run[i : i + 18].upper() in secret["ids"]:
                    hits["ids"].append((run[i : i + 18], where))
        for run in re.findall(rf"[{CJK}]+", text):
            if len(run) == 2 and run in names2:
                hits["names"].append((run, where))
            for n in (3, 4):
                for i in range(len(run) - n + 1):
                    if run[i : i + n] in names3:
                        hits["names"].append((run[i : i + n], where))
        for m in re.finditer(rf"(?:报警人|姓名|联系人|当事人)[:：\s]*([{CJK}]{{2}})", text):
            if m.group(1) in names2:
                hits["names"].append((m.group(1), where))
        for road in _ROAD_NUMBER.findall(text):
            if road in roads:
                hits["addresses"].append((road, where))
        if "示例市" in text:
            hits["addresses"] += [(a, where) for a in secret["addresses"] if a in text]
    return hits


# ---------------------------------------------------------------------------------------- the run


@pytest.fixture(scope="module")
def sample_inputs(sample_dir) -> list[Path]:
    files = sorted(sample_dir.glob("incidents_*.csv*")) + sorted(sample_dir.glob("cases_*.csv*"))
    if not files:
        pytest.fail("data/sample has no exports; run `make sample`")
    return files


@pytest.fixture(scope="module")
def secret(sample_inputs) -> dict[str, set[str]]:
    return personal_data(sample_inputs)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, sample_inputs) -> Path:
    """``make briefing`` into a temporary folder: ``cleaned/``, ``reports/``, ``logs/`` (stdout, stderr)."""
    base = tmp_path_factory.mktemp("sensitive")
    logs = base / "logs"
    logs.mkdir()
    commands = {
        "clean": ["clean", *map(str, sample_inputs), "--out", str(base / "cleaned"), "--as-of", "2024-12-31"],
        "render": [
            "render",
            "--data",
            str(base / "cleaned"),
            "--start",
            "2023-01-21",
            "--end",
            "2023-02-05",
            "--baseline",
            "lunar",
            "--as-of",
            "2023-02-05",
            "--out",
            str(base / "reports"),
        ],
    }
    for name, argv in commands.items():
        proc = subprocess.run(
            [sys.executable, "-m", "stats_lib.cli", *argv], capture_output=True, text=True, timeout=900
        )
        (logs / f"{name}.stdout").write_text(proc.stdout, "utf-8")
        (logs / f"{name}.stderr").write_text(proc.stderr, "utf-8")
        assert proc.returncode == 0, proc.stderr
    return base


@pytest.fixture(scope="module")
def texts(rendered) -> dict[str, str]:
    return all_texts([rendered / "cleaned", rendered / "reports", rendered / "logs"])


def test_secrets_read_from_the_raw_files(secret):
    """The sample plants tens of thousands of each (README: every incident has a caller and a phone)."""
    assert len(secret["names"]) > 1000 and len(secret["phones"]) > 10_000
    assert len(secret["addresses"]) > 10_000 and len(secret["ids"]) > 100
    assert all(re.fullmatch(r"1\d{10}", p) for p in list(secret["phones"])[:100])


def test_every_kind_of_output_scanned(texts):
    kinds = {
        ".html",
        ".ipynb",
        ".pptx",
        ".xlsx",
        ".png",
        ".svg",
        ".json",
        ".csv",
        ".parquet",
        ".stdout",
        ".stderr",
    }
    seen = {Path(k.split("|")[1].split(":")[0]).suffix for k in texts}
    assert kinds <= seen, kinds - seen
    names = {Path(k.split("|")[0]).name for k in texts}
    assert {"manifest.json", "ledger.json", "rejects.csv", "briefing.html", "briefing.ipynb"} <= names
    assert sum(len(t) for t in texts.values()) > 50_000  # real content, not empty files


@pytest.fixture(scope="module")
def hits(texts, secret) -> dict[str, list[tuple[str, str]]]:
    return scan(texts, secret)


@pytest.mark.parametrize("kind", ["names", "phones", "ids", "addresses"])
def test_no_personal_data_in_any_output(hits, kind):
    assert hits[kind] == [], f"{len(hits[kind])} {kind} found, first: {hits[kind][:5]}"


def test_scanner_finds_what_it_looks_for(secret):
    """The scan is not blind: planted values in several forms are all found (so the zero above means zero)."""
    name3 = sorted(n for n in secret["names"] if len(n) == 3)[0]
    name2 = sorted(n for n in secret["names"] if len(n) == 2)[0]
    phone, idno, address = (
        sorted(secret["phones"])[0],
        sorted(secret["ids"])[0],
        sorted(secret["addresses"])[0],
    )
    road = _ROAD_NUMBER.findall(address)[0]
    spaced = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    itxt = b"iTXt" + b"Comment\0\0\0\0\0" + f"报警人{name3}".encode()
    png = b"\x89PNG\r\n\x1a\n" + (len(itxt) - 4).to_bytes(4, "big") + itxt + b"\0\0\0\0"
    planted = {
        "a.html": f"<td>{name3}</td><p>联系人：{name2}，{spaced}</p><img src='data:image/png;base64,"
        f"{base64.b64encode(b'x' * 30).decode()}'>",
        "b.json": json.dumps(
            {"note": f"身份证{idno}号", "where": road, "tel": f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"},
            ensure_ascii=False,
        ),
        "c.xml": f"<a:t>{address}</a:t><t>x{phone}y</t>",
        "d.png": png_text(png),
    }
    hits = scan(planted, secret)
    found = {k: {v for v, _ in h} for k, h in hits.items()}
    assert {name3, name2} <= found["names"]
    assert {spaced, f"{phone[:3]}-{phone[3:7]}-{phone[7:]}", phone} <= found["phones"]
    assert found["ids"] == {idno}
    assert {road, address} <= found["addresses"]
    assert ("b.json" in {w for _, w in hits["ids"]}) and any(w == "d.png" for _, w in hits["names"])
