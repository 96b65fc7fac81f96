"""kill -9 of a running `zaiko-xl push` at a random moment, then `--resume`: nothing twice, nothing lost.

The push runs in its own process against the sandbox (this process) while the shopper
orders and cancels and 20% of requests fail; the sandbox audit then checks every SKU.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.push_reliability import build_shop, fault_rules, load, verify
from tests.push_workbook_setup import settings_file, template, workbook_for
from tests.sandbox_server import running_sandbox
from zaiko_xl.adapters.push_journal import SqlitePushJournal
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.domain.push_run import RunState

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture(scope="module")
def sandbox():
    with running_sandbox(skus=5, hang_s=1.0, cancel_share=0.3, ship_share=0.1) as sb:
        yield sb


def _cli(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zaiko_xl", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _env(sandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAIKO_")}
    env.update(sandbox.env())
    env.update({"ZAIKO_RMS_TIMEOUT_S": "0.5", "ZAIKO_RMS_SETTLE_S": "0", "ZAIKO_RMS_RATE_WRITE_PER_S": "12",
                "ZAIKO_RMS_RATE_GET_PER_S": "1000", "ZAIKO_RMS_RETRY_BASE_S": "0.01", "ZAIKO_RMS_RETRY_CAP_S": "0.05",
                "ZAIKO_PUSH_BATCH_SIZE": "20", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    return env


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_push_killed_at_a_random_moment_completes_with_resume_exactly_once(sandbox, tmp_path, seed):
    rng = random.Random(seed)
    shop = build_shop(500, seed)
    audit = load(sandbox.server.state, shop)
    settings_file(tmp_path, hard_max_zero_share=1.0, hard_max_total_change_share=1.0, max_total_change_share=1.0,
                  max_zero_share=1.0)
    book = workbook_for(shop, tmp_path, template(tmp_path), pulled_at=jst_now())
    env = _env(sandbox)
    sandbox.set_faults(*fault_rules(0.2), seed=seed)
    sandbox.configure(orders_per_s=50)
    try:
        push = _cli(env, "push", "--workbook", str(book), "--yes")
        time.sleep(rng.uniform(1.0, 4.5))  # the CLI starts in ~1 s; the push takes ~2-3 s more
        killed = push.poll() is None
        if killed:
            os.kill(push.pid, signal.SIGKILL)
        push.wait(timeout=60)
        resumed = _cli(env, "push", "--workbook", str(book), "--resume")
        output = resumed.communicate(timeout=120)[0]
        if "No interrupted push to resume" in output and _runs(tmp_path) == 0:  # killed before journaling
            output = _cli(env, "push", "--workbook", str(book), "--yes").communicate(timeout=120)[0]
    finally:
        sandbox.configure(orders_per_s=0)
        sandbox.clear_faults()
    verdict = verify(shop, audit)
    assert verdict.ok, (killed, output, verdict.problems)
    journal = SqlitePushJournal(tmp_path / "zaiko-journal.sqlite")
    assert journal.load(None) is None  # nothing left unfinished
    journal.close()


def _runs(folder: Path) -> int:
    path = folder / "zaiko-journal.sqlite"
    if not path.exists():
        return 0
    import sqlite3

    with sqlite3.connect(path) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM push_run WHERE state != ?", (RunState.REFUSED.value,)).fetchone()[0]
        except sqlite3.OperationalError:
            return 0
