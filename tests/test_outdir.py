"""File safety of the report folder (stats_lib.briefing.outdir and the lock): planted links, FIFOs,
folders that are not reports, leftovers of crashed renders, SIGHUP, inputs changed during a render."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from stats_lib.briefing import outdir
from stats_lib.briefing.lock import ReportLock
from stats_lib.errors import InputError, LockError, RenderError

SLUG = "2023-01-21_2023-02-05_lunar"


def _report(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "briefing.html").write_text("old", "utf-8")
    (folder / "manifest.json").write_text(json.dumps({"report": folder.name, "versions": {"stats-lib": "0"}}))


def test_lock_symlink_is_refused_and_its_target_kept(tmp_path):
    precious = tmp_path / "index.html"
    precious.write_text("precious index page\n", "utf-8")
    lock = tmp_path / f".{SLUG}.lock"
    lock.symlink_to("index.html")
    with pytest.raises(LockError, match="symbolic link or not a regular file"):
        ReportLock(lock).acquire()
    assert precious.read_text("utf-8") == "precious index page\n"
    assert lock.is_symlink()


def test_lock_fifo_is_refused(tmp_path):
    lock = tmp_path / f".{SLUG}.lock"
    os.mkfifo(lock)
    with pytest.raises(LockError, match="not a regular file"):
        ReportLock(lock).acquire()


def test_release_removes_only_the_file_it_locked(tmp_path):
    lock = tmp_path / f".{SLUG}.lock"
    held = ReportLock(lock).acquire()
    lock.unlink()
    lock.write_text("someone else's file", "utf-8")   # put in its place while we held the lock
    held.release()
    assert lock.read_text("utf-8") == "someone else's file"


def test_folder_that_is_not_a_report_is_never_replaced(tmp_path):
    target = tmp_path / SLUG
    target.mkdir()
    (target / "notes.txt").write_text("analyst notes, not a report\n", "utf-8")
    new = tmp_path / f".{SLUG}.tmp-x"
    new.mkdir()
    with pytest.raises(RenderError, match="is not a report folder"):
        outdir.move_into_place(new, target)
    assert (target / "notes.txt").read_text("utf-8") == "analyst notes, not a report\n"
    # a manifest written by someone else (another report name) does not make it ours
    (target / "manifest.json").write_text(json.dumps({"report": "other", "versions": {"stats-lib": "0"}}))
    assert not outdir.is_report_folder(target)


def test_a_report_of_ours_is_replaced(tmp_path):
    target = tmp_path / SLUG
    _report(target)
    new = tmp_path / f".{SLUG}.tmp-x"
    new.mkdir()
    (new / "briefing.html").write_text("new", "utf-8")
    outdir.move_into_place(new, target)
    assert (target / "briefing.html").read_text("utf-8") == "new" and not new.exists()


def test_leftovers_of_every_slug_are_swept_when_stale_and_unlocked(tmp_path):
    old = time.time() - 2 * outdir.STALE_AFTER
    names = {
        "own": f".{SLUG}.tmp-abc",                       # our slug: swept at once
        "other_old": ".2024-01-01_2024-01-07_calendar.tmp-x1y2",
        "other_new": ".2024-02-01_2024-02-07_calendar.tmp-z9",
        "other_locked": ".2024-03-01_2024-03-07_calendar.old-q1",
        "old_lock": ".2024-01-01_2024-01-07_calendar.lock",
    }
    for key, name in names.items():
        p = tmp_path / name
        if key == "old_lock":
            p.write_text("{}", "utf-8")
        else:
            p.mkdir()
        if key != "other_new":
            os.utime(p, (old, old))
    held = ReportLock(tmp_path / ".2024-03-01_2024-03-07_calendar.lock").acquire()
    victim = tmp_path / "victim"
    victim.mkdir()
    (tmp_path / ".2024-04-01_2024-04-07_calendar.tmp-link").symlink_to(victim)
    try:
        removed = outdir.sweep_leftovers(tmp_path, SLUG)
    finally:
        held.release()
    assert sorted(removed) == sorted([names["own"], names["other_old"], names["old_lock"]])
    assert (tmp_path / names["other_new"]).is_dir() and (tmp_path / names["other_locked"]).is_dir()
    assert victim.is_dir()


def test_sighup_is_turned_into_terminated():
    with pytest.raises(outdir.Terminated) as stop:
        with outdir.stop_signals_raise():
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(1)
    assert stop.value.name == "SIGHUP"
    assert signal.getsignal(signal.SIGHUP) is not None


def test_input_changed_during_the_render_is_refused(tmp_path):
    data = tmp_path / "cleaned"
    data.mkdir()
    (data / "daily.parquet").write_bytes(b"one")
    params = {"data": [str(data)]}
    before = outdir.input_files(params)
    outdir.check_inputs_unchanged(params, before)  # unchanged: no error
    (data / "daily.parquet").write_bytes(b"two")
    with pytest.raises(InputError, match="daily.parquet: the input changed while the report was being made"):
        outdir.check_inputs_unchanged(params, before)


def _written(folder: Path, files: dict[str, str]) -> None:
    """A report folder of ours holding ``files`` (relative path -> text), all listed in its manifest."""
    folder.mkdir(parents=True)
    outputs = []
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, "utf-8")
        outputs.append({"path": rel, "sha256": outdir.sha256_file(folder / rel)})
    (folder / "manifest.json").write_text(json.dumps({"report": folder.name, "versions": {"stats-lib": "0"},
                                                      "outputs": outputs}))


def test_re_rendering_keeps_what_the_analyst_added_or_edited(tmp_path):
    target = tmp_path / SLUG
    _written(target, {"briefing.html": "old", "briefing.pptx": "old deck", "charts/01.png": "old chart"})
    (target / "批注.txt").write_text("analyst notes", "utf-8")              # added by hand
    (target / "charts" / "mine.png").write_text("my chart", "utf-8")       # added in a sub-folder
    (target / "briefing.pptx").write_text("deck with the chief's edits", "utf-8")  # edited in place
    (target / "link").symlink_to("/etc/hostname")                          # a link: kept as a link
    os.mkfifo(target / "pipe")                                             # not a file: left out
    new = tmp_path / f".{SLUG}.tmp-x"
    _written(new, {"briefing.html": "new", "briefing.pptx": "new deck", "charts/01.png": "new chart"})
    kept = outdir.keep_analyst_files(target, new)
    outdir.move_into_place(new, target)
    assert sorted(kept) == ["briefing.edited.pptx", "charts/mine.png", "link", "批注.txt"]
    assert (target / "批注.txt").read_text("utf-8") == "analyst notes"
    assert (target / "charts" / "mine.png").read_text("utf-8") == "my chart"
    assert (target / "briefing.edited.pptx").read_text("utf-8") == "deck with the chief's edits"
    assert (target / "briefing.pptx").read_text("utf-8") == "new deck"
    assert (target / "link").is_symlink() and os.readlink(target / "link") == "/etc/hostname"
    assert not (target / "pipe").exists()
    # unchanged outputs of the old report are not kept twice
    assert sorted(p.name for p in target.iterdir()) == ["briefing.edited.pptx", "briefing.html", "briefing.pptx",
                                                        "charts", "link", "manifest.json", "批注.txt"]
    # a second re-render keeps them again: the kept files are not in the new manifest
    again = tmp_path / f".{SLUG}.tmp-y"
    _written(again, {"briefing.html": "newer", "briefing.pptx": "newer deck"})
    assert sorted(outdir.keep_analyst_files(target, again)) == ["briefing.edited.pptx", "charts/mine.png",
                                                                 "link", "批注.txt"]
    # a file the analyst named like a new output is kept beside it
    (again / "extra.csv").write_text("ours", "utf-8")
    (target / "extra.csv").write_text("theirs", "utf-8")
    assert "extra.kept.csv" in outdir.keep_analyst_files(target, again)
    assert (again / "extra.kept.csv").read_text("utf-8") == "theirs"
