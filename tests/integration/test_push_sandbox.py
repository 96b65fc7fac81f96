"""Push against the real sandbox over loopback HTTP: shopper running, faults injected.

The full-size run (10,000 SKUs, 10 orders/s, rate limits on) is in the benchmark
(``bench/cases/push.py``); here the same scenario runs smaller and faster so the suite stays
quick, with several seeds.
"""

from __future__ import annotations

import time

import pytest

from tests.push_reliability import build_shop, fault_rules, load, verify
from tests.sandbox_server import running_sandbox
from zaiko_xl.bootstrap import build_push_deps, jst_now, push_options
from zaiko_xl.config import load_settings
from zaiko_xl.domain.push_plan import plan_from_confirmed
from zaiko_xl.domain.push_run import RunKind, RunState
from zaiko_xl.services import push as push_service
from zaiko_xl.services.push import PlanContext


@pytest.fixture(scope="module")
def sandbox():
    with running_sandbox(skus=10, hang_s=1.0, cancel_share=0.3, ship_share=0.1) as sb:
        yield sb


def _settings(sandbox, tmp_path, **push):
    return load_settings(None, rms=sandbox.rms_overrides(timeout_s=0.5), journal={"path": str(tmp_path / "j.sqlite")},
                         push={"hard_max_zero_share": 1, "hard_max_total_change_share": 1,
                               "hard_max_sku_change": 99_999, **push})


def _push(settings, shop):
    deps = build_push_deps(settings)
    plan = plan_from_confirmed(shop.rows())
    context = PlanContext(RunKind.PUSH, "reliability", jst_now(), len(shop.target),
                          sum(v or 0 for v in shop.before.values()))
    return push_service.send(plan, context, deps, push_options(settings, confirmed=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_orders_and_faults_during_a_push_leave_no_oversell_no_lost_and_no_doubled_update(sandbox, tmp_path, seed):
    shop = build_shop(600, seed)
    audit = load(sandbox.server.state, shop)
    sandbox.set_faults(*fault_rules(0.2), seed=seed)
    sandbox.configure(orders_per_s=60)
    time.sleep(0.3)  # orders between the read of the plan's values and the push
    try:
        settings = _settings(sandbox, tmp_path, batch_size=40)
        result = _push(settings.model_copy(update={"rms": settings.rms.model_copy(update={"rate_write_per_s": 25})}),
                       shop)
    finally:
        sandbox.configure(orders_per_s=0)
        sandbox.clear_faults()
    verdict = verify(shop, audit)
    assert verdict.ok, verdict.problems
    assert result.state is RunState.DONE and result.counts["applied"] == verdict.planned
    assert sandbox.server.shopper.actions["placed"] > 40
    faults = sandbox.counters()["faults"]["inventories.bulk.upsert"]
    assert sum(faults.values()) >= 1 and result.requests > 15


def test_the_check_catches_a_naive_absolute_push_that_overwrites_orders(sandbox, tmp_path):
    """The control experiment: ABSOLUTE targets, written after orders arrived, oversell."""
    from zaiko_xl.bootstrap import build_rms_client
    from zaiko_xl.domain.model import RmsSkuKey
    from zaiko_xl.domain.rms import StockChange, UpsertMode

    shop = build_shop(300, 7, new_share=0)
    audit = load(sandbox.server.state, shop)
    sandbox.configure(orders_per_s=200)
    time.sleep(1.0)  # orders after the values were read
    try:
        with build_rms_client(_settings(sandbox, tmp_path)) as client:
            client.upsert([StockChange(RmsSkuKey(*k), t) for k, t in shop.target.items()], UpsertMode.ABSOLUTE)
    finally:
        sandbox.configure(orders_per_s=0)
    verdict = verify(shop, audit)
    assert not verdict.ok and verdict.mismatched > 0
