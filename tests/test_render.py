"""The render machinery: slugs and paths, the lock, the offline HTML, atomic replacement, failures.

Fast tests use no kernel. Tests marked ``slow`` run the tiny fixture notebook
``tests/data/notebooks/tiny.ipynb`` (or a variant with one more cell) through papermill; each takes a
few seconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from stats_lib import cli
from stats_lib.briefing import outdir
from stats_lib.briefing import render as render_mod
from stats_lib.briefing.lock import ReportLock, pid_alive
from stats_lib.briefing.render import export_html, render, report_slug
from stats_lib.errors import InputError, LockError, ParameterError, RenderError, SchemaError
from stats_lib.windows import Baseline, Window

FIXTURE = Path(__file__).parent / "data" / "notebooks" / "tiny.ipynb"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)
INJECTIONS = ['"); import os; os.system(\'x\')#', '\\"); open("PWNED", "w").close()#',
              "'''; open('PWNED', 'w').close(); '''", "\\u0022); open('PWNED','w').close()#", "城关区"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with its sha256 (an independent snapshot)."""
    return {p.relative_to(folder).as_posix(): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def datafile(tmp_path) -> Path:
    f = tmp_path / "in" / "incidents.csv"
    f.parent.mkdir()
    f.write_text("date,count\n2023-01-21,1\n", "utf-8")
    return f


@pytest.fixture()
def params(datafile) -> dict:
    return {"data": [str(datafile)], "start": "2023-01-21", "end": "2023-02-05", "as_of": "2023-02-05",
            "baseline": "calendar"}


SLUG = "2023-01-21_2023-02-05_calendar"


def variant(tmp_path: Path, code: str, name: str = "variant") -> Path:
    """The fixture notebook with one more code cell at the end."""
    nb = nbformat.read(FIXTURE, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(code))
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def earlier_report(out: Path) -> dict[str, str]:
    """A complete earlier report of SLUG, made by hand; returns its snapshot."""
    folder = out / SLUG
    (folder / "charts").mkdir(parents=True)
    (folder / "briefing.html").write_text("<html>earlier report</html>", "utf-8")
    (folder / "charts" / "01-a.png").write_bytes(b"\x89PNG earlier")
    outputs = [{"path": rel, "sha256": digest} for rel, digest in tree(folder).items()]  # all written by us
    (folder / "manifest.json").write_text(json.dumps({"report": SLUG, "versions": {"stats-lib": "0"},
                                                      "outputs": outputs}), "utf-8")
    return tree(folder)


def processes_in(folder: Path, wait: float = 5.0) -> list[int]:
    """Pids of processes still working in ``folder`` (a kernel runs in its notebook's folder) after ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        pids = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and Path(os.readlink(proc / "cwd")) == folder.resolve():
                    pids.append(int(proc.name))
            except OSError:
                continue
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.2)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


# ---------------------------------------------------------------- slugs and paths (fast)

def test_slug_from_window_and_baseline():
    w = Window("2023-01-21", "2023-02-05")
    b = Baseline("lunar", (Window("2022-01-31", "2022-02-15"),))
    assert report_slug({"lang": "zh"}, w, b) == "2023-01-21_2023-02-05_lunar"
    assert report_slug({"lang": "en", "mask_below": 3}, w, b) == "2023-01-21_2023-02-05_lunar_en_mask3"
    cut = Window("2023-01-27", "2023-02-02", start_hour=0, end_hour=12)
    assert report_slug({"lang": "zh"}, cut, b) == "2023-01-27T00_2023-02-02T12_lunar"
    sel = {"lang": "zh", "districts": ["城关区", "七里河区"]}
    assert report_slug(sel, w, b) == "2023-01-21_2023-02-05_lunar_sel-七里河区-城关区"  # names, readable
    assert report_slug({"lang": "zh", "districts": ["临河县"], "categories": ["火灾"], "region": "CN"}, w, b) == \
        "2023-01-21_2023-02-05_lunar_sel-临河县-火灾"
    assert report_slug({"lang": "en", "region": "US"}, w, b) == "2023-01-21_2023-02-05_lunar_en_us"
    odd = {"lang": "zh", "districts": ["A/B", "C"]}  # not a folder-safe name: the first safe one and a hash
    digest = hashlib.sha256(json.dumps({"districts": ["A/B", "C"]}, ensure_ascii=False,
                                       sort_keys=True).encode()).hexdigest()[:8]
    assert report_slug(odd, w, b) == f"2023-01-21_2023-02-05_lunar_sel-{digest}"


@pytest.mark.parametrize("mode", ["../../etc", "/abs", "a/b", "x\\y"])
def test_unsafe_slug_refused(mode):
    w = Window("2023-01-21", "2023-02-05")
    with pytest.raises(ParameterError):
        report_slug({"lang": "zh"}, w, Baseline(mode, (w,)))


@pytest.mark.parametrize("name", ["../x", "..", "/etc/passwd", "a/b", "", "."])
def test_paths_stay_inside_out(tmp_path, name):
    with pytest.raises(ParameterError):
        outdir.inside(tmp_path.resolve(), name)
    assert outdir.inside(tmp_path.resolve(), "ok_name") == tmp_path.resolve() / "ok_name"


@pytest.mark.parametrize("bad", [{"period": "../../etc"}, {"period": "/etc"}, {"baseline": "../x"},
                                 {"lang": "../en"}, {"output_dir": "/tmp"}])
def test_traversal_through_parameters_refused_before_any_write(tmp_path, params, bad):
    p = dict(params, **bad)
    if "period" in bad:
        del p["start"], p["end"]
    out = tmp_path / "reports"
    with pytest.raises(ParameterError):
        render(p, out=out, notebook=FIXTURE)
    assert not out.exists()


def test_bad_timeout_and_missing_notebook(tmp_path, params):
    with pytest.raises(ParameterError, match="timeout"):
        render(params, out=tmp_path / "r", timeout=0, notebook=FIXTURE)
    with pytest.raises(ParameterError, match="notebook"):
        render(params, out=tmp_path / "r", notebook=tmp_path / "absent.ipynb")
    for wait in (-5, float("nan"), 10**6):   # --wait -5 was accepted silently
        with pytest.raises(ParameterError, match="wait: expected seconds from 0 to 86400"):
            render(params, out=tmp_path / "r", lock_wait=wait, notebook=FIXTURE)
    assert not (tmp_path / "r").exists()


# ---------------------------------------------------------------- the lock (fast)

def test_second_lock_refused_with_holder(tmp_path):
    path = tmp_path / ".s.lock"
    with ReportLock(path):
        info = json.loads(path.read_text())
        assert info["pid"] == os.getpid()
        with pytest.raises(LockError) as exc:
            ReportLock(path).acquire()
        assert f"pid {os.getpid()}" in str(exc.value)
    assert not path.exists()


def test_lock_waits_for_holder(tmp_path):
    path = tmp_path / ".s.lock"
    first = ReportLock(path).acquire()
    timer = threading.Timer(0.6, first.release)
    timer.start()
    t0 = time.monotonic()
    with ReportLock(path, wait=10):
        waited = time.monotonic() - t0
    timer.join()
    assert 0.4 < waited < 5


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not pid_alive(proc.pid)
    return proc.pid


def test_stale_lock_cleared_with_note(tmp_path, capsys):
    import socket

    path = tmp_path / ".s.lock"
    pid = dead_pid()
    path.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "time": "2023-02-05T07:30:00+00:00"}))
    with ReportLock(path) as lock:
        assert json.loads(path.read_text())["pid"] == os.getpid()
        assert str(pid) in lock.stale_note
    err = capsys.readouterr().err
    assert "stale lock" in err and str(pid) in err and "gone" in err


def test_lock_held_by_another_process_refused_by_render_and_cli(tmp_path, params, monkeypatch):
    monkeypatch.setattr(render_mod, "default_notebook", lambda: FIXTURE)
    out = tmp_path / "reports"
    out.mkdir()
    lock = out / f".{SLUG}.lock"
    code = ("import sys, time; from stats_lib.briefing.lock import ReportLock; l = ReportLock(sys.argv[1]).acquire(); "
            "print('held', flush=True); time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockError) as exc:
            render(params, out=out, notebook=FIXTURE)
        assert f"pid {holder.pid}" in str(exc.value)
        argv = ["render", "--data", params["data"][0], "--start", "2023-01-21", "--end", "2023-02-05",
                "--as-of", "2023-02-05", "--baseline", "calendar", "--out", str(out)]
        assert cli.main(argv) == 2
        assert not (out / SLUG).exists() and leftovers(out) == [f".{SLUG}.lock"]
    finally:
        holder.kill()
        holder.wait()


# ---------------------------------------------------------------- HTML (fast)

def test_html_has_no_code_no_external_url_and_embeds_images():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 32).decode()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 一、总体情况\n\n见 [官网](https://example.gov.cn) ![logo](http://cdn.example.com/x.png)"),
        nbformat.v4.new_code_cell("secret_code_marker = 1\nprint('本期合计')", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="本期合计 8 起\n"),
            nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: stderr_marker\n"),
            nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("display_data", data={
                "text/html": '<script src="https://cdn.jsdelivr.net/x.js"></script>'
                             '<link rel="stylesheet" href="//fonts.googleapis.com/css">'
                             '<style>@import url("https://fonts.googleapis.com/a.css");</style><b>表</b>'
                             '<div style="background: url(https://x.example/bg.png)">底</div>'}),
            nbformat.v4.new_output("display_data", data={
                "text/html": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                             '<image xlink:href="https://x.example/a.png"/><text>矢量</text></svg>'}),
        ], execution_count=3),
    ]
    html = export_html(nb, lang="zh", title="测试")
    assert "secret_code_marker" not in html and "print(" not in html
    assert "In&nbsp;[" not in html and "[3]:" not in html
    assert "stderr_marker" not in html
    assert "本期合计 8 起" in html and "<b>表</b>" in html and "一、总体情况" in html and "矢量" in html
    assert f"data:image/png;base64,{png}" in html
    assert EXTERNAL.findall(html) == []
    assert '<html lang="zh">' in html and "<title>测试</title>" in html


# ---------------------------------------------------------------- atomic move (fast)

def test_move_into_place_replaces_whole_report(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    earlier_report(out)
    new = out / ".tmp-new"
    (new / "charts").mkdir(parents=True)
    (new / "briefing.html").write_text("<html>new</html>", "utf-8")
    outdir.move_into_place(new, out / SLUG)
    assert tree(out / SLUG) == {"briefing.html": hashlib.sha256(b"<html>new</html>").hexdigest()}
    assert leftovers(out) == []


def test_execution_error_shows_cell_error_not_traceback():
    from papermill.exceptions import PapermillExecutionError

    exc = PapermillExecutionError(4, 7, "# load\nctx = prepare(data)\n", "KeyError", "'district'",
                                  ["Traceback (most recent call last)", "  File x.py, line 3", "KeyError"])
    err = render_mod._execution_error(exc, 600)
    assert isinstance(err, RenderError) and err.exit_code == 1
    assert str(err) == "the notebook failed in cell 7 (ctx = prepare(data)): KeyError: 'district'"
    schema = render_mod._execution_error(
        PapermillExecutionError(1, 2, "x", "SchemaError", "s.yaml: unknown key 'foo'", []), 600)
    assert isinstance(schema, SchemaError) and schema.exit_code == 2


# ---------------------------------------------------------------- kernel runs (slow)

@pytest.mark.slow
def test_render_writes_complete_report_atomically(tmp_path, params, datafile):
    out = tmp_path / "reports"
    before = earlier_report(out)
    path = render(params, out=out, notebook=FIXTURE, timeout=60)
    assert path == (out / SLUG).resolve()
    files = tree(path)
    assert files != before and "briefing.html" in files
    for name in ("briefing.ipynb", "briefing.html", "briefing.pptx", "tables.xlsx", "manifest.json",
                 "outputs.json", "charts/test-bars.png", "charts/test-bars.svg",  # named by content
                 "tables/test-table.json"):
        assert name in files, name
    assert leftovers(out) == []                    # no temp folder, no old report, no lock

    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    assert listed == {k: v for k, v in files.items() if k != "manifest.json"}
    assert manifest["inputs"] == [{"path": str(datafile.resolve()), "bytes": datafile.stat().st_size,
                                   "sha256": sha(datafile)}]
    assert manifest["parameters"]["start"] == "2023-01-21" and manifest["window"]["days"] == 16
    assert manifest["baseline"]["mode"] == "calendar"
    assert manifest["versions"]["papermill"] and manifest["versions"]["pandas"]
    t0 = dt.datetime.fromisoformat(manifest["started"])
    t1 = dt.datetime.fromisoformat(manifest["finished"])
    assert t0.utcoffset() == dt.timedelta(0) and t0 <= t1

    html = (path / "briefing.html").read_text("utf-8")
    assert "Collector(" not in html and "params_seen" not in html     # no code
    assert "FIXTURE-STDERR-LINE" not in html
    assert "本期合计 8 起" in html and "data:image/png;base64," in html
    assert EXTERNAL.findall(html) == []

    from openpyxl import load_workbook
    from pptx import Presentation

    assert len(Presentation(str(path / "briefing.pptx")).slides) >= 2
    assert load_workbook(path / "tables.xlsx").sheetnames

    # a selection of hostile names (its own folder): each name reaches the kernel as a plain string
    p = dict(params, districts=INJECTIONS, categories=["刑事"])
    del p["baseline"]
    path2 = render(p, out=out, notebook=FIXTURE, timeout=60)
    assert path2.name.startswith("2023-01-21_2023-02-05_lunar_sel-")  # default baseline within 春运
    seen = json.loads((path2 / "params_seen.json").read_text("utf-8"))
    assert seen["districts"] == INJECTIONS and seen["categories"] == ["刑事"]
    assert seen["data"] == [str(datafile.resolve())] and seen["as_of"] == "2023-02-05"
    assert seen["baseline"] is None and seen["mask_below"] is None
    assert not list(tmp_path.rglob("PWNED")) and not (FIXTURE.parent / "PWNED").exists()
    assert tree(path) == files                     # the other slug is untouched


@pytest.mark.slow
def test_failing_cell_exit_1_earlier_report_untouched(tmp_path, params, monkeypatch, capsys):
    out = tmp_path / "reports"
    before = earlier_report(out)
    nb = variant(tmp_path, 'raise ValueError("boom 42")')
    monkeypatch.setattr(render_mod, "default_notebook", lambda: nb)
    argv = ["render", "--data", params["data"][0], "--start", "2023-01-21", "--end", "2023-02-05",
            "--as-of", "2023-02-05", "--baseline", "calendar", "--out", str(out), "--timeout", "60"]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "ValueError: boom 42" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert tree(out / SLUG) == before and leftovers(out) == []


@pytest.mark.slow
def test_input_error_in_cell_exit_2(tmp_path, params, monkeypatch, capsys):
    out = tmp_path / "reports"
    nb = variant(tmp_path, "from stats_lib.errors import SchemaError\n"
                           "raise SchemaError(\"schema.yaml: unknown key 'colour'\")")
    with pytest.raises(InputError, match="unknown key 'colour'"):
        render(params, out=out, notebook=nb, timeout=60)
    assert leftovers(out) == [] and list(out.iterdir()) == []
    monkeypatch.setattr(render_mod, "default_notebook", lambda: FIXTURE)
    good = ["render", "--data", params["data"][0], "--start", "2023-01-21", "--end", "2023-02-05",
            "--as-of", "2023-02-05", "--baseline", "calendar", "--out", str(out)]
    assert cli.main(good) == 0
    assert capsys.readouterr().out.strip() == str((out / SLUG).resolve())
    assert cli.main(good[:-2] + ["--baseline", "sideways", "--out", str(out)]) == 2
    assert "baseline" in capsys.readouterr().err


@pytest.mark.slow
def test_timeout_ends_non_zero_within_limit(tmp_path, params):
    out = tmp_path / "reports"
    before = earlier_report(out)
    nb = variant(tmp_path, "import time\ntime.sleep(120)")
    t0 = time.monotonic()
    with pytest.raises(RenderError, match="timeout of 3 s"):
        render(params, out=out, notebook=nb, timeout=3)
    assert time.monotonic() - t0 < 25
    assert tree(out / SLUG) == before and leftovers(out) == []
    assert processes_in(tmp_path) == []            # the kernel was shut down


@pytest.mark.slow
def test_dying_kernel_ends_non_zero_no_partial_report(tmp_path, params):
    out = tmp_path / "reports"
    nb = variant(tmp_path, "import os\nos._exit(1)")
    t0 = time.monotonic()
    with pytest.raises(RenderError, match="kernel died"):
        render(params, out=out, notebook=nb, timeout=60)
    assert time.monotonic() - t0 < 30
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_sigterm_cleans_up_and_stops_the_kernel(tmp_path, params):
    out = tmp_path / "reports"
    before = earlier_report(out)
    nb = variant(tmp_path, "import time\ntime.sleep(120)")
    code = ("import sys; from pathlib import Path; from stats_lib import cli; from stats_lib.briefing import render; "
            "render.default_notebook = lambda: Path(sys.argv[1]); sys.exit(cli.main(sys.argv[2:]))")
    argv = ["render", "--data", params["data"][0], "--start", "2023-01-21", "--end", "2023-02-05",
            "--as-of", "2023-02-05", "--baseline", "calendar", "--out", str(out)]
    proc = subprocess.Popen([sys.executable, "-c", code, str(nb), *argv], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (list(out.glob(".*.tmp-*/params_seen.json")) or time.monotonic() > deadline):
        time.sleep(0.2)                            # the kernel has reached the sleeping cell
    assert processes_in(tmp_path, wait=0) != []    # the kernel is found while it runs
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "SIGTERM" in err and "Traceback" not in err
    assert tree(out / SLUG) == before and leftovers(out) == []
    assert processes_in(tmp_path) == []


@pytest.mark.slow
def test_stale_lock_and_leftover_temp_folder_cleared(tmp_path, params, capsys):
    import socket

    out = tmp_path / "reports"
    out.mkdir()
    pid = dead_pid()
    (out / f".{SLUG}.lock").write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "time": "x"}))
    crashed = out / f".{SLUG}.tmp-crashed"
    (crashed / "charts").mkdir(parents=True)
    path = render(params, out=out, notebook=FIXTURE, timeout=60)
    assert path.is_dir() and leftovers(out) == []
    assert f"stale lock left by pid {pid}" in capsys.readouterr().err


# ---------------------------------------------------------------- the sample briefing, end to end (slow)

@pytest.fixture(scope="module")
def sample_cleaned(tmp_path_factory, sample_dir) -> Path:
    """The sample exports of 2022-2023 (and the case file) cleaned into a folder, as ``briefing clean`` does."""
    from stats_lib.clean import load, write_cleaned

    files = [sample_dir / "incidents_2022.csv.gz", sample_dir / "incidents_2023.csv.gz",
             sample_dir / "cases_2021-2024.csv.gz"]
    if not all(f.is_file() for f in files):
        pytest.skip("data/sample is missing; run `make sample`")
    out = tmp_path_factory.mktemp("sample") / "cleaned"
    write_cleaned(load(files, as_of="2024-12-31"), out)
    return out


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR), read without an imaging library."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.slow
def test_sample_briefing_end_to_end(tmp_path, sample_cleaned):
    from bs4 import BeautifulSoup
    from openpyxl import load_workbook
    from pptx import Presentation

    from stats_lib.calendar.baselines import baseline_windows, resolve_window
    from stats_lib.stats.compare import compare
    from stats_lib.tables import read_cleaned

    out = tmp_path / "reports"
    argv = ["render", "--data", str(sample_cleaned), "--start", "2023-01-21", "--end", "2023-02-05",
            "--baseline", "lunar", "--as-of", "2023-02-05", "--out", str(out)]
    assert cli.main(argv) == 0
    path = out / "2023-01-21_2023-02-05_lunar"
    assert leftovers(out) == []
    for name in ("briefing.ipynb", "briefing.html", "briefing.pptx", "tables.xlsx", "manifest.json"):
        assert (path / name).is_file(), name
    index = json.loads((path / "outputs.json").read_text("utf-8"))
    charts = [i for i in index["items"] if i["kind"] == "chart"]
    tables = [i for i in index["items"] if i["kind"] == "table"]
    assert len(charts) >= 4 and len(tables) >= 4
    for item in charts:
        assert (path / item["svg"]).is_file()
        assert png_size(path / item["png"]) == (1920, 1080), item["png"]
    assert sorted(p.name for p in (path / "charts").glob("*.png")) == sorted(Path(i["png"]).name for i in charts)

    # the HTML: no code, no prompts, no external URL, and every chart embedded
    html = (path / "briefing.html").read_text("utf-8")
    for code in ("from stats_lib", "b.show(", "b.prepare(", "output_dir"):
        assert code not in html, code
    assert EXTERNAL.findall(html) == []
    assert html.count("data:image/png;base64,") >= len(charts)
    soup = BeautifulSoup(html, features="html.parser")
    assert soup.select(".jp-InputArea, .jp-CodeMirrorEditor, .highlight") == []
    assert [e.get_text(strip=True) for e in soup.select(".jp-InputPrompt, .jp-OutputPrompt")
            if e.get_text(strip=True)] == []

    # the deck: a title placeholder on every slide, notes on every content slide, each chart once
    deck = Presentation(str(path / "briefing.pptx"))
    slides = list(deck.slides)
    assert all(s.shapes.title is not None and s.shapes.title.text_frame.text for s in slides)
    assert slides[0].shapes.title.text_frame.text.replace("\n", "") == index["title"]  # the date on a line of its own
    assert all(s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip() for s in slides[1:])
    pictures = [sh for s in slides for sh in s.shapes if sh.shape_type == 13]
    natives = [sh for s in slides for sh in s.shapes if getattr(sh, "has_chart", False) and sh.has_chart]
    assert len(pictures) + len(natives) == len(charts)  # no chart twice
    assert len(natives) == sum(1 for c in charts if c.get("native") and not c["native"].get("picture"))
    assert any(sh.has_table for s in slides for sh in s.shapes)
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.01

    # the workbook: 说明 first, then one sheet per table; every cell that reads as a number is a number
    book = load_workbook(path / "tables.xlsx")
    assert book.sheetnames[0] == "说明" and len(book.sheetnames) == 1 + len(tables)
    number = re.compile(r"^[+\-\u2212]?[\d,]+(\.\d+)?%?$")
    for ws in book.worksheets[1:]:
        heads = [c.value for c in ws[1]]
        for col, head in zip(ws.iter_cols(min_row=2), heads):
            if str(head).endswith(("（说明）", "(as printed)")):
                continue  # the wording beside a rate is text by design
            texts = [c.value for c in col if isinstance(c.value, str) and number.match(c.value.strip())]
            assert texts == [], (ws.title, head, texts[:3])
    day = book["每日序列"]
    assert hasattr(day["A2"].value, "year") and isinstance(day["B2"].value, int)

    # the narrative's figures equal compare() on the same data, and a plain pandas sum
    data = read_cleaned(sample_cleaned)
    window = resolve_window("2023-01-21", "2023-02-05")
    base = baseline_windows(window, "lunar")
    by_cat = compare(data.daily, window, base, by="category", kind="警情").table
    total = by_cat[by_cat["group"] == "合计"].iloc[0]
    d = data.daily
    in_window = (d["kind"] == "警情") & (d["date"] >= "2023-01-21") & (d["date"] <= "2023-02-05")
    assert int(d.loc[in_window, "count"].sum()) == int(total["current"])
    heading = next(h for h in soup.find_all(["h1", "h2", "h3"]) if "总体情况" in h.get_text())
    paragraph = heading.find_next("p").get_text()
    assert f"{int(total['current']):,}起" in paragraph
    assert f"{int(total['baseline']):,}起" in paragraph
    assert f"{abs(total['pct_change']):.1f}%" in paragraph
    assert f"{total['current'] / 16:.1f}起" in paragraph
    # 通报 style: the significant movers (BH-adjusted, as compare() marks them) and 无效 (apart) with their
    # numbers; the other categories only in the closing clause, never with a count of their own
    movers = 0
    for row in by_cat[by_cat["group"] != "合计"].itertuples():
        said = f"{row.category}警情{row.current:,}起"
        if row.significant or row.category == "无效":
            movers += row.category != "无效"
            clause = paragraph.split(said, 1)[1].split("；", 1)[0].split("。", 1)[0]
            assert f"{abs(row.pct_change):.1f}%" in clause, (row.category, clause)
            assert ("上升" in clause) == (row.pct_change > 0), (row.category, clause)
        else:
            assert said not in paragraph, row.category
    assert ("其余类别" in paragraph) == bool(movers) and ("各类别" in paragraph) == (not movers)

    # the manifest lists every output with its hash, and the input files
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    first = tree(path)
    assert {o["path"]: o["sha256"] for o in manifest["outputs"]} == {
        k: v for k, v in first.items() if k != "manifest.json"}
    assert {Path(i["path"]).name for i in manifest["inputs"]} >= {"daily.parquet", "ledger.json"}

    # the same inputs and parameters again: the report is replaced whole, with identical tables,
    # numbers, PNG charts and HTML
    assert cli.main(argv) == 0
    assert leftovers(out) == []
    second = tree(path)
    same = [k for k in first if k.startswith(("tables/", "charts/")) and k.endswith((".json", ".png"))]
    same += ["outputs.json", "briefing.html"]
    assert {k: second[k] for k in same} == {k: first[k] for k in same}
    assert sorted(second) == sorted(first)


def pd_columns(path: Path) -> list[str]:
    return json.loads(path.read_text("utf-8"))["columns"]


def test_kernel_of_this_interpreter(monkeypatch):
    import jupyter_client.kernelspec as ks

    name = render_mod._kernel_name()
    argv0 = ks.KernelSpecManager().get_kernel_spec(name).argv[0]
    assert argv0 in ("python", "python3") or os.path.samefile(argv0, sys.executable)

    class Foreign:                                 # a python3 kernelspec of another interpreter
        def get_kernel_spec(self, name):
            if name == "python3":
                return type("Spec", (), {"argv": ["/opt/other/bin/python3", "-m", "ipykernel_launcher"]})()
            raise ks.NoSuchKernel(name)

    installed = {}
    monkeypatch.setattr(ks, "KernelSpecManager", Foreign)
    monkeypatch.setattr("ipykernel.kernelspec.install", lambda **kw: installed.update(kw))
    assert render_mod._kernel_name() == "stats-lib-python3"
    assert installed["prefix"] == sys.prefix and installed["kernel_name"] == "stats-lib-python3"


@pytest.mark.slow
def test_drill_down_render_succeeds(tmp_path, root):
    """--districts 临河县 --categories 火灾: the data's coverage is the whole export's, not the selected rows'."""
    out = tmp_path / "reports"
    argv = ["render", "--data", str(root / "data" / "sample" / "cleaned"), "--start", "2023-01-21", "--end",
            "2023-02-05", "--baseline", "lunar", "--as-of", "2023-02-05", "--districts", "临河县", "--categories", "火灾",
            "--out", str(out)]
    assert cli.main(argv) == 0
    path = out / "2023-01-21_2023-02-05_lunar_sel-临河县-火灾"
    html = (path / "briefing.html").read_text("utf-8")
    assert "临河县共接报警情" in html and "火灾警情" in html


@pytest.mark.slow
def test_render_from_raw_exports_equals_render_from_the_cleaned_folder(tmp_path, root):
    """``--data`` with raw export files cleans inside the notebook's kernel (DuckDB there refused to touch
    its progress bar without ipywidgets, and every such render failed); its figures equal a render of the
    same window from the committed cleaned sample (the second method)."""
    sample = root / "data" / "sample"
    window = ["--start", "2023-01-21", "--end", "2023-01-27", "--baseline", "lunar", "--as-of", "2023-01-27"]
    raw = [str(sample / "incidents_2022.csv.gz"), str(sample / "incidents_2023.csv.gz")]
    assert cli.main(["render", "--data", *raw, *window, "--out", str(tmp_path / "raw")]) == 0
    assert cli.main(["render", "--data", str(sample / "cleaned"), *window, "--out", str(tmp_path / "cleaned")]) == 0
    slug = "2023-01-21_2023-01-27_lunar"
    a, b = (json.loads((tmp_path / d / slug / "tables" / "overview.json").read_text("utf-8")) for d in ("raw", "cleaned"))
    incidents = [row for row in b["data"] if row[0] != "案件"]     # the cleaned sample holds cases too
    assert a["data"] == incidents and a["data"][0][1] > 1000


@pytest.mark.parametrize("kind", ["text", "folder", "no_title_layout"])
def test_a_bad_template_is_refused_before_the_notebook_runs(tmp_path, capsys, monkeypatch, datafile, kind):
    from pptx import Presentation

    from stats_lib import cli
    from stats_lib.briefing import render as render_module

    if kind == "text":
        template = tmp_path / "bad.pptx"
        template.write_text("not a pptx", "utf-8")
    elif kind == "folder":
        template = tmp_path
    else:  # a real deck whose layouts have no title placeholder
        prs = Presentation()
        for layout in list(prs.slide_layouts):
            for ph in list(layout.placeholders):
                ph._element.getparent().remove(ph._element)
        template = tmp_path / "notitle.pptx"
        prs.save(template)
    ran = []

    def notebook(*args, **kwargs):
        ran.append(1)
        raise KeyboardInterrupt  # stop here: the notebook was reached

    monkeypatch.setattr(render_module, "_run_notebook", notebook)
    rc = cli.main(["render", "--data", str(datafile), "--start", "2023-01-21", "--end", "2023-01-22",
                   "--as-of", "2023-01-22", "--out", str(tmp_path / "out"), "--template", str(template)])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("briefing: error: template: ") and len(err.strip().splitlines()) == 1
    assert ran == [] and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_phone_number_in_a_data_path_reaches_no_report_file(tmp_path):
    """`--data /…/pn_13812345678/…`: the manifest and the executed notebook's parameters carried the path as
    typed; every file of the report is searched for the number (the digests in the manifest are kept)."""
    folder = tmp_path / "pn_13812345678"
    folder.mkdir()
    f = folder / "incidents.csv"
    f.write_text("date,count\n2023-01-21,1\n", "utf-8")
    params = {"data": [str(f)], "start": "2023-01-21", "end": "2023-02-05", "as_of": "2023-02-05",
              "baseline": "calendar"}
    path = render(params, out=tmp_path / "reports", notebook=FIXTURE, timeout=60)
    leaks = [p.name for p in path.rglob("*") if p.is_file() and b"13812345678" in p.read_bytes()
             and p.name != "params_seen.json"]   # written by the test's own tiny notebook, not by the package
    assert leaks == []
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    assert manifest["inputs"][0]["sha256"] == sha(f)
