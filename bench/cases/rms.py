"""RMS client against the sandbox with RMS's real rate limits (the sandbox runs in its own process).

* ``rms.pull_100k_stock``: stock of 100,000 SKUs by bulk-get (100 requests at 5 req/s);
  target <= 1.1 x the rate-limit bound (22 s); client CPU per 1000-SKU request <= 20 ms.
* ``rms.pull_100k_stock_faults20``: the same pull with 20% of bulk-get requests faulted
  (5xx, 503, 429, 502 HTML page, dropped connection, timeout, added latency); the result
  must equal the sandbox's state exactly.

Smoke runs: 300 SKUs, the sandbox's fast limits, quick client timeouts and retries.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from typing import Any

import httpx

from bench.registry import case

SKUS = 100_000
SMOKE_SKUS = 300
# smoke: no client pacing, short timeouts (the fast sandbox holds a "timeout" 1.5 s) and retries
SMOKE_RMS = {"rate_get_per_s": 1000, "rate_write_per_s": 1000, "rate_order_per_s": 1000, "timeout_s": 1.0,
             "retry_base_s": 0.01, "retry_cap_s": 0.05}
BOUND_S = SKUS / 1000 / 5  # 100 bulk-get requests at 5 per second
FAULTS_20 = [("5xx", 0.05), ("503", 0.03), ("429", 0.03), ("html", 0.03), ("drop", 0.03), ("timeout", 0.01),
             ("latency", 0.02)]


def _serve(conn: Any, skus: int, config_fields: dict[str, Any]) -> None:
    """Child process: a seeded sandbox (RMS's default rate limits unless told); sends its URL, serves until killed."""
    from zaiko_xl.sandbox.config import SandboxConfig
    from zaiko_xl.sandbox.seed import build_state
    from zaiko_xl.sandbox.server import SandboxServer

    config = SandboxConfig(**config_fields)
    server = SandboxServer(build_state(config, skus=skus, seed=7), seed=7).start()
    conn.send((server.base_url, config.service_secret, config.license_key))
    while True:
        time.sleep(3600)


class _Sandbox:
    def __init__(self, skus: int, hang_s: float = 3.0, *, smoke: bool = False) -> None:
        from tests.sandbox_server import FAST

        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        config = FAST if smoke else {"hang_s": hang_s}
        self.process = context.Process(target=_serve, args=(child, skus, config), daemon=True)
        self.process.start()
        self.base_url, self.secret, self.key = parent.recv()
        self.control = httpx.Client(base_url=self.base_url + "/_sandbox", timeout=120)

    def stock(self) -> dict[tuple[str, str], int]:
        rows = self.control.get("/state", params={"orders": False}).json()["inventory"]
        return {(r["manageNumber"], r["variantId"]): r["quantity"] for r in rows}

    def counters(self) -> dict[str, Any]:
        return self.control.get("/state", params={"orders": False, "inventory": False}).json()["counters"]

    def close(self) -> None:
        self.control.close()
        self.process.kill()
        self.process.join()


def _pull(sandbox: _Sandbox, smoke: bool, **rms: Any) -> dict[str, Any]:
    from zaiko_xl.bootstrap import build_rms_client
    from zaiko_xl.config import load_settings
    from zaiko_xl.domain.model import RmsSkuKey

    truth = sandbox.stock()
    keys = [RmsSkuKey(m, v) for m, v in truth]
    settings = load_settings(None, rms={"base_url": sandbox.base_url, "service_secret": sandbox.secret,
                                        "license_key": sandbox.key, **rms, **(SMOKE_RMS if smoke else {})})
    with build_rms_client(settings, rng=random.Random(1)) as client:
        client.get_stock(keys[:10])  # warm up the connection and imports
        time.sleep(0 if smoke else 1)  # let the warm-up's pacing slot pass: it is not part of the pull
        sent_before = client.transport.requests
        cpu, wall = time.process_time(), time.perf_counter()
        frame = client.get_stock(keys)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        requests = client.transport.requests - sent_before
    got = dict(zip(zip(frame["manage_number"], frame["variant_id"], strict=True), frame["quantity"], strict=True))
    mismatches = sum(1 for k, q in truth.items() if got.get(k) != q) + len(set(got) - set(truth))
    return {"seconds": round(wall, 3), "requests": requests, "skus": len(frame),
            "client_cpu_ms_per_request": round(cpu * 1000 / requests, 2), "bound_s": BOUND_S,
            "ratio_to_bound": round(wall / BOUND_S, 3), "matches_sandbox": mismatches == 0, "mismatches": mismatches}


@case("rms.pull_100k_stock", repeat=1, target="<= 22 s (1.1 x 100 bulk-get at 5/s); client CPU <= 20 ms/request")
def pull_100k_stock(smoke: bool = False) -> dict[str, Any]:
    sandbox = _Sandbox(SMOKE_SKUS if smoke else SKUS, smoke=smoke)
    try:
        metrics = _pull(sandbox, smoke)
        metrics["sandbox_429"] = sandbox.counters()["statuses"].get("inventories.bulk.get", {}).get("429", 0)
        return metrics
    finally:
        sandbox.close()


@case("rms.pull_100k_stock_faults20", repeat=1, target="result == sandbox state exactly, with 20% faulted requests")
def pull_100k_stock_faults20(smoke: bool = False) -> dict[str, Any]:
    sandbox = _Sandbox(SMOKE_SKUS if smoke else SKUS, hang_s=3.0, smoke=smoke)
    try:
        rules = [{"function": "inventories.bulk.get", "kind": kind, "rate": rate, "latency_s": 0.5}
                 for kind, rate in FAULTS_20]
        sandbox.control.put("/faults", json={"seed": 11, "rules": rules}).raise_for_status()
        metrics = _pull(sandbox, smoke, timeout_s=2.0)
        counters = sandbox.counters()
        metrics["faults_injected"] = counters["faults"].get("inventories.bulk.get", {})
        metrics["fault_share"] = round(sum(metrics["faults_injected"].values())
                                       / counters["requests"]["inventories.bulk.get"], 3)
        return metrics
    finally:
        sandbox.close()
