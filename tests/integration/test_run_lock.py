"""The run lock: one holder at a time, named in the message; a dead holder leaves no stale lock."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from zaiko_xl.adapters.run_lock import FileRunLock
from zaiko_xl.errors import RunInProgress


def test_a_second_holder_is_refused_with_the_owner_named(tmp_path):
    lock = FileRunLock(tmp_path / "j.lock")
    with lock.hold("sync"), pytest.raises(RunInProgress) as err, FileRunLock(tmp_path / "j.lock").hold("push"):
        pass
    text = err.value.render()
    assert err.value.code == "E502" and "sync" in text and "PID" in text and str(tmp_path / "j.lock") in text


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path):
    path = tmp_path / "j.lock"
    code = ("import os, signal, sys; from pathlib import Path; from zaiko_xl.adapters.run_lock import FileRunLock; "
            f"cm = FileRunLock(Path({str(path)!r})).hold('sync'); cm.__enter__(); os.kill(os.getpid(), signal.SIGKILL)")
    subprocess.run([sys.executable, "-c", code], check=False, cwd=Path(__file__).parent.parent.parent)
    assert json.loads(path.read_text())["purpose"] == "sync"  # the dead run's note is still there
    with FileRunLock(path).hold("push"):
        assert json.loads(path.read_text())["purpose"] == "push"


def test_a_holder_alive_for_too_long_is_reported_as_probably_hung(tmp_path):
    with FileRunLock(tmp_path / "j.lock").hold("sync"):
        path = tmp_path / "j.lock"
        owner = json.loads(path.read_text())
        path.write_text(json.dumps({**owner, "started_at": "2020-01-01T00:00:00"}))
        with pytest.raises(RunInProgress) as err, FileRunLock(path, stale_after=timedelta(minutes=120)).hold("push"):
            pass
    assert "It has run for long; if it hangs, end that process." in err.value.render()
