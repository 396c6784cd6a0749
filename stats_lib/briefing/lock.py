"""A lock per report folder, so that two renders of the same report never interleave.

The lock is the file ``OUT/.<slug>.lock``, opened with ``O_NOFOLLOW`` and used only when it is a regular
file: a symbolic link or a FIFO planted at that path is refused, never followed, truncated or removed. Its holder keeps an exclusive ``flock`` on it for the whole
render and writes its pid, host and start time (UTC) into it, for the message a second run shows. The
operating system releases a ``flock`` when its process dies, so a lock left by a crashed run is never
in force: the next run takes it, and notes on stderr that it cleared a stale lock (and whether that
run's pid is dead).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import socket
import stat
import sys
import time
from pathlib import Path

from stats_lib.errors import LockError

__all__ = ["ReportLock", "pid_alive"]


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists on this host.

    Parameters
    ----------
    pid : int
        A process id.

    Returns
    -------
    bool
        True when it exists (also when it belongs to another user).
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _open_regular(path: Path) -> int:
    """Open (or create) the lock file without following a symbolic link; refuse anything but a regular file."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:  # ELOOP: a symbolic link; ENXIO/EISDIR: a FIFO, socket or folder
        if os.path.islink(path) or path.is_dir() or exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
            raise LockError(f"lock file {path} is a symbolic link or not a regular file; remove it and "
                            "run again (nothing was written)") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LockError(f"lock file {path} is not a regular file; remove it and run again (nothing was written)")
    return fd


def _read(path: Path) -> dict:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return {}
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return {}
        info = json.loads(os.read(fd, 4096).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    finally:
        os.close(fd)
    return info if isinstance(info, dict) else {}


def _describe(info: dict) -> str:
    if not info:
        return "another run"
    return f"pid {info.get('pid')} on {info.get('host')}, started {info.get('time')}"


class ReportLock:
    """Exclusive lock of one report slug inside ``out``; a context manager.

    Parameters
    ----------
    path : str or Path
        The lock file (``OUT/.<slug>.lock``).
    wait : float
        Seconds to wait for a running render of the same slug to finish; 0 refuses at once.
    """

    def __init__(self, path: str | Path, *, wait: float = 0.0) -> None:
        self.path = Path(path)
        self.wait = float(wait)
        self._fd: int | None = None
        self.stale_note: str = ""

    def acquire(self) -> ReportLock:
        """Take the lock; raise :class:`LockError` naming the holder when it is busy after ``wait`` s.

        Returns
        -------
        ReportLock
            The lock itself (held).

        Raises
        ------
        stats_lib.errors.LockError
            Another render holds the lock after ``wait`` seconds.
        """
        deadline = time.monotonic() + self.wait
        while True:
            fd = _open_regular(self.path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    holder = _describe(_read(self.path))
                    raise LockError(f"another render of this report is running ({holder}); lock file "
                                    f"{self.path}; try again when it has finished") from None
                time.sleep(0.2)
                continue
            # The holder may have unlinked the file between our open and our flock: retry on the new file.
            try:
                same = os.path.samestat(os.fstat(fd), os.lstat(self.path))
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            break
        old = _read(self.path)
        if old:
            pid = old.get("pid")
            state = ("its process is gone" if isinstance(pid, int) and old.get("host") == socket.gethostname()
                     and not pid_alive(pid) else "it was not held")
            self.stale_note = f"cleared a stale lock left by {_describe(old)} ({state}): {self.path}"
            print(f"briefing: note: {self.stale_note}", file=sys.stderr)
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file and release the lock (idempotent).

        The file is removed only while the path still names the file this object locked (never a file
        or link that was put in its place)."""
        if self._fd is None:
            return
        try:
            st = os.lstat(self.path)
            if stat.S_ISREG(st.st_mode) and os.path.samestat(st, os.fstat(self._fd)):
                self.path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
        finally:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> ReportLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
