"""A lock against overlapping runs: a lock file with the owner's PID, held by an OS lock.

Exclusion comes from an OS advisory lock on the file (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows), which the kernel releases when the owner dies, even by
kill -9 or a power cut of the process: a lock left by a dead run is stale and simply taken
over, without a race between two new runs. The file's content (PID, host, start time,
purpose) names the owner in the error message. A lock held longer than ``stale_after`` by a
process that is still alive is reported as probably hung, but never broken automatically:
two runs writing at once is the one thing the lock exists to prevent.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from zaiko_xl.errors import RunInProgress


class FileRunLock:
    """The RunLock port on a lock file (e.g. the journal path + ``.lock``)."""

    def __init__(self, path: Path, stale_after: timedelta = timedelta(hours=2)) -> None:
        self.path = path
        self.stale_after = stale_after

    @contextmanager
    def hold(self, purpose: str) -> Iterator[None]:
        """Hold the lock for the block.

        Raises:
            RunInProgress: another live process holds it (its PID, start and age named).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                raise self._busy(fd)
            owner = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": datetime.now().isoformat(
                timespec="seconds"), "purpose": purpose}
            os.ftruncate(fd, 0)
            _write_at_start(fd, owner)
            os.fsync(fd)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                _unlock(fd)
        finally:
            os.close(fd)

    def _busy(self, fd: int) -> RunInProgress:
        owner = _read_owner(fd)
        started = owner.get("started_at", "?")
        age = ""
        try:
            held = datetime.now() - datetime.fromisoformat(started)
            age = f"{held.total_seconds() / 60:,.0f}"
            hung = held > self.stale_after
        except (TypeError, ValueError):
            hung = False
        note_ja = " 長時間終わっていません。止まっている場合はそのプロセスを終了してください。" if hung else ""
        note_en = " It has run for long; if it hangs, end that process." if hung else ""
        return RunInProgress(lock_file=str(self.path), pid=owner.get("pid", "?"), host=owner.get("host", "?"),
                             started_at=started, age_min=age, purpose=owner.get("purpose", "?"),
                             hung_ja=note_ja, hung_en=note_en)


def _read_owner(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return json.loads(os.read(fd, 4096).decode() or "{}")
    except (OSError, ValueError):
        return {}


def _write_at_start(fd: int, owner: dict) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(owner).encode())


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    _LOCK_OFFSET = 1 << 30  # Windows locks are mandatory: lock a byte past the content so it stays readable

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
