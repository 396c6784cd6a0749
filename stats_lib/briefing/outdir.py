"""The report folder's file safety: where a report may go, how it replaces an earlier one, what is swept.

* :func:`inside` keeps every path a direct child of the output folder.
* :func:`move_into_place` puts a finished temporary folder at its target; a folder already there is
  replaced only when it is a report of this package (it holds our ``manifest.json``), never an
  analyst's folder that happens to have the slug's name.
* :func:`keep_analyst_files` carries the files an analyst put into an earlier report (or edited there)
  into the new one, so that re-rendering never deletes them.
* :func:`sweep_leftovers` removes temporary folders (``.<slug>.tmp-*``, ``.<slug>.old-*``) and lock files
  left by crashed renders of *every* slug, when they are older than an age limit and their slug's lock
  is not held.
* :func:`stop_signals_raise` turns SIGTERM and SIGHUP into :class:`Terminated` during a render, so that
  its clean-up runs (a cron job killed, a terminal closed).
* :func:`input_files` hashes the inputs; :func:`check_inputs_unchanged` hashes them again after the run,
  so that the manifest never describes data other than what the report used.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from stats_lib.errors import InputError, ParameterError, RenderError

__all__ = [
    "MANIFEST",
    "STALE_AFTER",
    "Terminated",
    "inside",
    "is_report_folder",
    "move_into_place",
    "keep_analyst_files",
    "sweep_leftovers",
    "stop_signals_raise",
    "sha256_file",
    "input_files",
    "check_inputs_unchanged",
]

#: The file that marks a folder as a report of this package.
MANIFEST = "manifest.json"
#: Seconds after which a leftover temporary folder or an unheld lock of another slug is swept.
STALE_AFTER = 3600.0

_LEFTOVER = re.compile(r"^\.(?P<slug>.+)\.(?:tmp|old)-[A-Za-z0-9_]+$")
_LOCK = re.compile(r"^\.(?P<slug>.+)\.lock$")


def inside(out: Path, name: str) -> Path:
    """``out / name``, refused unless it is a direct child of ``out`` (no ``..``, no absolute path).

    A symbolic link at that path is not followed (the path is returned as it is, for the caller to refuse).

    Parameters
    ----------
    out : Path
        The output folder.
    name : str
        The report's folder name.

    Returns
    -------
    Path
        The path inside ``out``.

    Raises
    ------
    stats_lib.errors.ParameterError
        ``name`` would leave ``out``.
    """
    if not name or "/" in name or "\\" in name or name in (".", "..") or os.path.isabs(name):
        raise ParameterError(f"report name {name!r} would leave the output folder {out}")
    target = out / name
    if target.parent != out:
        raise ParameterError(f"report name {name!r} would leave the output folder {out}")
    return target


def is_report_folder(path: Path) -> bool:
    """True when ``path`` is a real folder (not a link) holding a ``manifest.json`` this package wrote
    (a JSON object whose ``report`` is the folder's name and whose ``versions`` name stats-lib).

    Parameters
    ----------
    path : Path
        A path in the output folder.

    Returns
    -------
    bool
        True for a report folder this package wrote.
    """
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        fd = os.open(path / MANIFEST, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        with os.fdopen(os.dup(fd), "rb") as fh:
            info = json.loads(fh.read(64 << 20).decode("utf-8"))
    except (OSError, ValueError):
        return False
    finally:
        os.close(fd)
    return (isinstance(info, dict) and info.get("report") == path.name
            and isinstance(info.get("versions"), dict) and "stats-lib" in info["versions"])


def _rename_exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux ``renameat2(RENAME_EXCHANGE)``; False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def move_into_place(tmp: Path, target: Path) -> None:
    """Put the finished ``tmp`` folder at ``target``; an earlier report there is swapped out, then deleted.

    Parameters
    ----------
    tmp : Path
        The finished report, in a temporary folder beside ``target``.
    target : Path
        The report's folder.

    Raises
    ------
    RenderError
        ``target`` exists and is not a report folder of this package (a file, a link, or a folder
        without our manifest.json); nothing is changed.
    """
    if os.path.lexists(target) and not is_report_folder(target):
        raise RenderError(f"{target} exists and is not a report folder (no manifest.json of this tool); "
                          "remove or rename it first")
    if not os.path.lexists(target):
        os.rename(tmp, target)
        return
    if _rename_exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old report
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, old / "report")
    try:
        os.rename(tmp, target)
    except OSError:
        os.rename(old / "report", target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _written_by_us(old: Path) -> dict[str, str]:
    """The outputs the manifest of the report folder ``old`` lists: relative path -> SHA-256."""
    try:
        info = json.loads((old / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    listed = info.get("outputs") if isinstance(info, dict) else None
    return {str(o["path"]): str(o.get("sha256", "")) for o in listed or []
            if isinstance(o, dict) and isinstance(o.get("path"), str)}


def _free_name(folder: Path, rel: Path, tag: str) -> Path:
    """``folder / rel``, or ``<stem>.<tag><suffix>`` (then ``.<tag>-2`` …) when that is taken."""
    target = folder / rel
    n = 1
    while os.path.lexists(target):
        label = tag if n == 1 else f"{tag}-{n}"
        target = folder / rel.parent / f"{rel.stem}.{label}{rel.suffix}"
        n += 1
    return target


def keep_analyst_files(old: Path, new: Path) -> list[str]:
    """Carry into ``new`` the files of the earlier report ``old`` that this package did not write as they are.

    A file that the manifest of ``old`` does not list (an analyst's notes, an annotated copy of the deck)
    keeps its path in ``new`` (``<stem>.kept<suffix>`` when the new report has a file of that name); an
    output changed since it was written (its SHA-256 differs from the manifest's) is kept as
    ``<stem>.edited<suffix>`` (its own name when the new report has no such file). Files are hard-linked when possible, else copied; a symbolic link is kept as
    a link (never followed); anything but a regular file or a link is left out. Call it before
    :func:`move_into_place`, which deletes ``old``.

    Parameters
    ----------
    old : Path
        The report folder about to be replaced (a folder :func:`is_report_folder` accepts).
    new : Path
        The finished new report folder (its manifest already written, so the kept files stay unlisted).

    Returns
    -------
    list of str
        The paths kept, relative to ``new``, in the order found.
    """
    ours = _written_by_us(old)
    kept = []
    for dirpath, dirnames, filenames in os.walk(old):  # does not follow links to folders
        here = Path(dirpath)
        for name in sorted(filenames) + sorted(d for d in dirnames if os.path.islink(here / d)):
            path = here / name
            rel = path.relative_to(old)
            key = rel.as_posix()
            mode = os.lstat(path).st_mode
            if key == MANIFEST or not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
                continue
            if key in ours:
                if stat.S_ISLNK(mode) or sha256_file(path) == ours[key]:
                    continue
                target = _free_name(new, rel, "edited")
            else:
                target = _free_name(new, rel, "kept")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(path, target, follow_symlinks=False)
            kept.append(target.relative_to(new).as_posix())
    return kept


def _lock_free(lock: Path) -> bool:
    """True when no process holds the flock of ``lock`` (or it does not exist); never follows a link."""
    try:
        fd = os.open(lock, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def sweep_leftovers(out: Path, slug: str, *, stale_after: float = STALE_AFTER) -> list[str]:
    """Remove what crashed renders left in ``out`` (call it while holding the lock of ``slug``).

    Temporary folders of ``slug`` go at once (its lock is ours). Those of other slugs, and lock files
    of other slugs, go when they are older than ``stale_after`` seconds and their slug's lock is free.
    Links and other non-regular entries are never followed or removed.

    Parameters
    ----------
    out : Path
        The output folder.
    slug : str
        The report's folder name, whose lock the caller holds.
    stale_after : float, default STALE_AFTER
        Age (seconds) after which another slug's leftovers count as crashed.

    Returns
    -------
    list of str
        Names removed.
    """
    removed: list[str] = []
    now = time.time()
    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        m = _LEFTOVER.match(entry.name) or _LOCK.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        own = m.group("slug") == slug
        is_lock = _LOCK.match(entry.name) is not None
        if is_lock and (own or not stat.S_ISREG(st.st_mode)):
            continue
        if not is_lock and not stat.S_ISDIR(st.st_mode):
            continue
        if not own and (now - st.st_mtime < stale_after or not _lock_free(out / f".{m.group('slug')}.lock")):
            continue
        path = out / entry.name
        if is_lock:
            with contextlib.suppress(OSError):
                path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(entry.name)
    return removed


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM or SIGHUP during a render, so that its clean-up runs (a
    BaseException, like KeyboardInterrupt, so that no ``except Exception`` in papermill swallows it).

    Parameters
    ----------
    signum : int
        The signal received (``SIGTERM`` or ``SIGHUP``).

    Attributes
    ----------
    name : str
        The signal's name.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.name = signal.Signals(signum).name


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """While rendering in the main thread, turn SIGTERM and SIGHUP into :class:`Terminated`.

    Yields
    ------
    None
        Inside the ``with`` block SIGTERM and SIGHUP raise; the previous handlers come back after it.

    Raises
    ------
    Terminated
        SIGTERM or SIGHUP received inside the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _handler(signum, frame):
        raise Terminated(signum)

    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {s: signal.signal(s, _handler) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def input_files(params: Mapping[str, object]) -> list[dict]:
    """Every input file (data paths, folders walked, and the schema) with its size and sha256.

    Parameters
    ----------
    params : Mapping[str, object]
        The validated parameters (``data``, ``schema``).

    Returns
    -------
    list of dict
        ``{"path", "bytes", "sha256"}`` per regular file, in a stable order.

    Raises
    ------
    stats_lib.errors.InputError
        An input is not a regular file or cannot be read.
    """
    paths: list[Path] = []
    for p in list(params.get("data") or []) + ([params["schema"]] if params.get("schema") else []):
        path = Path(p)
        if path.is_dir():
            paths.extend(sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith(".")))
        else:
            paths.append(path)
    out = []
    for f in paths:
        try:
            if not f.is_file():
                raise InputError(f"{f}: not a regular file (expected an export file or a cleaned folder)")
            out.append({"path": str(f), "bytes": f.stat().st_size, "sha256": sha256_file(f)})
        except OSError as exc:
            raise InputError(f"{f}: cannot read the file ({exc.strerror})") from None
    return out


def check_inputs_unchanged(params: Mapping[str, object], before: list[dict]) -> None:
    """Hash the inputs again after the run; raise when any changed, so the manifest is never wrong.

    Parameters
    ----------
    params : Mapping[str, object]
        The validated parameters (``data``, ``schema``).
    before : list[dict]
        :func:`input_files` before the run.

    Raises
    ------
    InputError
        An input file was added, removed or changed while the report was being made.
    """
    after = input_files(params)
    if after != before:
        old = {d["path"]: d["sha256"] for d in before}
        new = {d["path"]: d["sha256"] for d in after}
        changed = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
        raise InputError(f"{changed[0]}: the input changed while the report was being made "
                         f"({len(changed)} file(s)); nothing was written, run again")
