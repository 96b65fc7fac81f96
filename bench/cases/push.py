"""Push and sync benchmarks against the sandbox with RMS's rate limits on (issue 8).

* ``push.full_100k``: 100,000 SKUs that all change, pushed RELATIVE in 250 bulk-upserts;
  the bound is 250 requests at 1/s, the target 1.1x that (275 s).
* ``push.delta_sync_1k_of_100k``: after a full sync of 100,000 SKUs, 1,000 change in the
  warehouse file; ``zaiko-xl sync --once`` is timed end to end as a process (start-up,
  workbook and file reads, RMS orders, 1,000 RMS reads, 3 bulk-upserts, journal).
* ``push.warehouse_to_rms_latency``: ``zaiko-xl sync --interval 30`` runs; warehouse changes
  made at random moments are watched for on RMS; the worst latency is reported.
* ``push.reliability_10k``: 10,000 SKUs, the shopper at 10 orders/s, 20% injected faults,
  the push process killed (-9) at a random moment, then ``--resume``; the sandbox audit
  counts oversold units, lost, doubled and mismatched updates (a new seed each run).

Set-up (sandbox, files, workbook) is never timed. Smoke runs use 300 SKUs, the sandbox's fast
limits, the shortest sync interval and one watched change.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.registry import Metrics, case

ROOT = Path(__file__).parent.parent.parent
REAL = {"retry_after_s": 1, "hang_s": 3.0}  # RMS's rate limits (the sandbox defaults); timeouts hold 3 s
SMOKE_SKUS = 300


def _sandbox(smoke: bool, **config):
    """The sandbox in a thread: RMS's rate limits, or its fast test limits for a smoke run."""
    from tests.sandbox_server import running_sandbox

    return running_sandbox(skus=5, fast=smoke, **({} if smoke else REAL), **config)


def _settings(sandbox, folder: Path, **push):
    from zaiko_xl.config import load_settings

    return load_settings(folder / "zaiko.toml" if (folder / "zaiko.toml").exists() else None,
                         rms={"base_url": sandbox.base_url, "service_secret": sandbox.service_secret,
                              "license_key": sandbox.license_key, "timeout_s": 2.0, "settle_s": 0.0},
                         journal={"path": str(folder / "zaiko-journal.sqlite")},
                         push={"hard_max_zero_share": 1, "hard_max_total_change_share": 1, "max_zero_share": 1,
                               "max_total_change_share": 1, "hard_max_sku_change": 99_999, **push})


@case("push.full_100k", repeat=1, target="<= 275 s (1.1 x 250 bulk-upserts at 1/s)")
def full_push_100k(smoke: bool = False) -> Metrics:
    from tests.push_reliability import build_shop
    from zaiko_xl.bootstrap import build_push_deps, jst_now, push_options
    from zaiko_xl.domain.push_plan import plan_from_confirmed
    from zaiko_xl.domain.push_run import RunKind
    from zaiko_xl.services import push as push_service
    from zaiko_xl.services.push import PlanContext

    shop = build_shop(SMOKE_SKUS if smoke else 100_000, seed=1, new_share=0)
    for key, before in shop.before.items():  # every SKU changes
        if before == shop.target[key]:
            shop.before[key] = before + 1
    with _sandbox(smoke) as sandbox, tempfile.TemporaryDirectory() as tmp:
        state = sandbox.server.state
        with state.lock:
            state.clear()
            state.set_stock([(m, v, q) for (m, v), q in shop.before.items()])
        settings = _settings(sandbox, Path(tmp))
        plan = plan_from_confirmed(shop.rows())
        context = PlanContext(RunKind.PUSH, "bench", jst_now(), len(plan), int(plan["before"].sum()))
        started = time.perf_counter()
        result = push_service.send(plan, context, build_push_deps(settings), push_options(settings, confirmed=True))
        seconds = time.perf_counter() - started
        stock = sandbox.stock()
    wrong = sum(1 for k, t in shop.target.items() if stock.get(k) != t)
    return {"seconds": seconds, "skus": len(plan), "requests": result.requests, "bound_s": 250,
            "ratio_to_bound": round(seconds / 250, 3), "state": result.state.value, "wrong_skus": wrong}


@case("push.delta_sync_1k_of_100k", repeat=1, target="<= 10 s end to end")
def delta_sync(smoke: bool = False) -> Metrics:
    from tests.push_workbook_setup import template
    from tests.sync_setup import build, expected
    from zaiko_xl.bootstrap import jst_now

    skus, changes = (SMOKE_SKUS, 10) if smoke else (100_000, 1000)
    with _sandbox(smoke) as sandbox, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shop, _audit = build(sandbox.server.state, folder, template(folder), skus=skus, seed=4,
                             stamp=f"{jst_now():%Y-%m-%d %H:%M:%S}", agree=True, open_share=0.01)
        env = _env(sandbox, smoke)
        first = _run(env, "sync", "--once", "--workbook", str(shop.workbook))  # full: reads every SKU
        changed = random.Random(4).sample(list(shop.physical), changes)
        for key in changed:
            shop.physical[key] += 3
        shop.write_warehouse(f"{jst_now():%Y-%m-%d %H:%M:%S}")
        started = time.perf_counter()
        _run(env, "sync", "--once", "--workbook", str(shop.workbook))
        seconds = time.perf_counter() - started
        stock, want = sandbox.stock(), expected(sandbox.server.state, shop)
        events = _journaled_changes(folder)
    wrong = sum(1 for k, t in want.items() if stock.get(k) != t)
    return {"seconds": seconds, "first_full_sync_s": round(first, 1), "changed": changes, "wrong_skus": wrong,
            "skus": skus, "journaled_changes": len(events), "journaled_shown": int(events["shown_at"].notna().sum())}


def _journaled_changes(folder: Path):
    """The update-latency events the sync journaled today (``sync_events``)."""
    from zaiko_xl.bootstrap import build_kpi_store, jst_now
    from zaiko_xl.config import load_settings

    today = jst_now().date()
    return build_kpi_store(load_settings(folder / "zaiko.toml")).kpi_inputs(today, today, 0).sync_events


@dataclass(frozen=True)
class _LatencyRun:
    skus: int
    interval_s: int  # sync --interval
    first_cycle_s: float  # waited before the first change (the first cycle is a full one)
    spread_s: float  # each change comes at a random moment of this many seconds
    changes: int


LATENCY = _LatencyRun(10_000, 30, 45, 30, 3)
LATENCY_SMOKE = _LatencyRun(SMOKE_SKUS, 5, 0, 0, 1)  # the shortest interval; the change rides the first cycle


@case("push.warehouse_to_rms_latency", repeat=1, target="<= 60 s with a 30 s sync interval")
def latency(smoke: bool = False) -> Metrics:
    from tests.processes import interruptible
    from tests.push_workbook_setup import template
    from tests.sync_setup import build
    from zaiko_xl.bootstrap import jst_now

    run, rng = LATENCY_SMOKE if smoke else LATENCY, random.Random(6)
    with _sandbox(smoke) as sandbox, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shop, _audit = build(sandbox.server.state, folder, template(folder), skus=run.skus, seed=6,
                             stamp=f"{jst_now():%Y-%m-%d %H:%M:%S}", agree=True, open_share=0.01)
        loop = interruptible([sys.executable, "-m", "zaiko_xl", "sync", "--interval", str(run.interval_s),
                                 "--workbook", str(shop.workbook)], cwd=ROOT, env=_env(sandbox, smoke),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(run.first_cycle_s)
            latencies = [_watch_change(sandbox, shop, rng, run.spread_s) for _ in range(run.changes)]
        finally:
            loop.send_signal(signal.SIGINT)
            loop.wait(timeout=30)
        events = _journaled_changes(folder)
    journaled = ((events["shown_at"] - events["changed_at"]).dt.total_seconds()).sort_values()
    return {"seconds": max(latencies), "latencies_s": [round(x, 1) for x in latencies],
            "interval_s": run.interval_s, "skus": run.skus, "journaled_latencies_s": [round(x, 1) for x in journaled]}


def _watch_change(sandbox, shop, rng: random.Random, spread_s: float, give_up_s: float = 120) -> float:
    """Change one SKU in the warehouse file at a random moment; the seconds until RMS shows it."""
    from zaiko_xl.bootstrap import jst_now

    time.sleep(rng.uniform(0, spread_s))
    key = rng.choice(list(shop.physical))
    shop.physical[key] += 7
    want = sandbox.stock()[key] + 7
    shop.write_warehouse(f"{jst_now():%Y-%m-%d %H:%M:%S}")
    changed_at = time.perf_counter()
    while sandbox.stock()[key] != want:
        if time.perf_counter() - changed_at > give_up_s:
            raise RuntimeError(f"the warehouse change of {key} did not reach RMS within {give_up_s} s")
        time.sleep(0.5)
    return time.perf_counter() - changed_at


@case("push.reliability_10k", repeat=3, target="0 oversold, 0 lost, 0 doubled, every SKU as expected")
def reliability(smoke: bool = False) -> Metrics:
    from tests.push_reliability import build_shop, fault_rules, load, verify
    from tests.push_workbook_setup import settings_file, template, workbook_for
    from zaiko_xl.bootstrap import jst_now

    seed = int.from_bytes(os.urandom(2), "big")
    rng = random.Random(seed)
    shop = build_shop(SMOKE_SKUS if smoke else 10_000, seed)
    with _sandbox(smoke, cancel_share=0.3, ship_share=0.1) as sandbox, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        audit = load(sandbox.server.state, shop)
        settings_file(folder, hard_max_zero_share=1.0, hard_max_total_change_share=1.0, max_total_change_share=1.0,
                      max_zero_share=1.0, hard_max_sku_change=99_999)
        book = workbook_for(shop, folder, template(folder), pulled_at=jst_now())
        env = _env(sandbox, smoke)
        sandbox.set_faults(*fault_rules(0.2), seed=seed)
        sandbox.configure(orders_per_s=10)
        started = time.perf_counter()
        push = subprocess.Popen([sys.executable, "-m", "zaiko_xl", "push", "--workbook", str(book), "--yes"], cwd=ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_after = rng.uniform(1, 3) if smoke else rng.uniform(2, 30)
        time.sleep(kill_after)
        killed = push.poll() is None
        if killed:
            push.send_signal(signal.SIGKILL)
        push.wait()
        _run(env, "push", "--workbook", str(book), "--resume")
        seconds = time.perf_counter() - started
        sandbox.configure(orders_per_s=0)
        sandbox.clear_faults()
        verdict = verify(shop, audit)
        counters = sandbox.counters()
    faults = sum(sum(v.values()) for v in counters["faults"].values())
    return {"seconds": seconds, "seed": seed, "killed_after_s": round(kill_after, 1), "killed": killed,
            "skus": verdict.checked, "planned": verdict.planned, "oversold_units": verdict.oversold_units,
            "lost": verdict.lost, "doubled": verdict.doubled, "mismatched": verdict.mismatched,
            "write_count_errors": verdict.write_count_errors, "faults_injected": faults,
            "orders_placed": sandbox.server.shopper.actions["placed"], "ok": verdict.ok}


def _env(sandbox, smoke: bool) -> dict[str, str]:
    """The CLI's environment: this sandbox, short timeouts, no settling; no pacing, quick retries in a smoke run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAIKO_")}
    env.update(sandbox.env())
    env.update({"ZAIKO_RMS_TIMEOUT_S": "2", "ZAIKO_RMS_SETTLE_S": "0",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    if smoke:
        env.update({f"ZAIKO_RMS_RATE_{kind}_PER_S": "1000" for kind in ("GET", "WRITE", "ORDER")})
        env.update({"ZAIKO_RMS_TIMEOUT_S": "1", "ZAIKO_RMS_RETRY_BASE_S": "0.01", "ZAIKO_RMS_RETRY_CAP_S": "0.05"})
    return env


def _run(env: dict[str, str], *args: str) -> float:
    """Run the CLI to the end; returns its wall time (raises if it failed)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "zaiko_xl", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    if proc.returncode not in (0,):
        raise RuntimeError(f"zaiko-xl {' '.join(args)} exited {proc.returncode}: {proc.stdout[-2000:]}")
    return time.perf_counter() - started
