"""`sync`: pull (warehouse file, RMS orders, RMS stock) -> targets -> guarded push, on the sandbox."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pandas as pd
import pytest

from tests.sandbox_server import running_sandbox
from tests.sync_setup import build, expected
from zaiko_xl.bootstrap import build_kpi_store, build_sync, jst_now
from zaiko_xl.config import load_settings
from zaiko_xl.errors import GuardTripped
from zaiko_xl.services.sync import sync_once

RANGE = "inventories.bulk.get.range"


@pytest.fixture(scope="module")
def sandbox():
    with running_sandbox(skus=5, hang_s=1.0, cancel_share=0.3, ship_share=0.0) as sb:
        yield sb


def _sync(sandbox, folder):
    settings = load_settings(folder / "zaiko.toml", rms=sandbox.rms_overrides(timeout_s=2))
    ports, deps, options = build_sync(settings)
    return ports, deps, options


def _rms(sandbox, shop):
    stock = sandbox.stock()
    return {k: stock[k] for k in shop.physical}


def test_one_cycle_makes_rms_show_warehouse_minus_open_orders(sandbox, push_template, tmp_path):
    shop, _audit = build(sandbox.server.state, tmp_path, push_template, skus=120, seed=1,
                         stamp=f"{jst_now():%Y-%m-%d %H:%M:%S}")
    ranges = sandbox.counters()["requests"].get(RANGE, 0)
    report = sync_once(*_sync(sandbox, tmp_path))
    assert report.full and report.read == 120 and report.changed > 50
    assert _rms(sandbox, shop) == expected(sandbox.server.state, shop)
    assert sandbox.counters()["requests"].get(RANGE, 0) == ranges  # sync never sweeps for unlisted SKUs (pull does)


def test_a_warehouse_change_is_read_and_pushed_for_the_changed_skus_only(sandbox, push_template, tmp_path):
    shop, _audit = build(sandbox.server.state, tmp_path, push_template, skus=120, seed=2,
                         stamp=f"{jst_now():%Y-%m-%d %H:%M:%S}")
    sync_once(*_sync(sandbox, tmp_path))
    changed = list(shop.physical)[:7]
    for key in changed:
        shop.physical[key] += 5
    shop.write_warehouse(f"{jst_now():%Y-%m-%d %H:%M:%S}")
    report = sync_once(*_sync(sandbox, tmp_path))
    assert not report.full and report.read == 7 and report.changed == 7
    assert _rms(sandbox, shop) == expected(sandbox.server.state, shop)


@pytest.mark.parametrize("seed", [3, 4])
def test_orders_during_a_sync_never_oversell_and_quiet_cycles_converge(sandbox, push_template, tmp_path, seed):
    shop, audit = build(sandbox.server.state, tmp_path, push_template, skus=150, seed=seed,
                        stamp=f"{(jst_now() - timedelta(minutes=1)):%Y-%m-%d %H:%M:%S}")
    sandbox.configure(orders_per_s=80)
    try:
        for _ in range(4):
            sync_once(*_sync(sandbox, tmp_path))
            time.sleep(0.2)
    finally:
        sandbox.configure(orders_per_s=0)
    report = audit.report()
    assert sum(max(0, report[k].peak - p) for k, p in shop.physical.items()) == 0  # never more than physical
    for _ in range(2):  # a cancel just before the last read undersells for one cycle, never longer
        sync_once(*_sync(sandbox, tmp_path), full=True)
    assert _rms(sandbox, shop) == expected(sandbox.server.state, shop)
    assert sandbox.server.shopper.actions["cancelled"] > 5


def _sync_events(folder):
    settings = load_settings(folder / "zaiko.toml")
    today = jst_now().date()
    events = build_kpi_store(settings).kpi_inputs(today - timedelta(days=1), today, 0).sync_events
    return events.astype({"sku": str, "source": str})


def test_a_warehouse_change_is_journaled_from_its_file_time_until_rms_shows_it(sandbox, push_template, tmp_path):
    shop, _audit = build(sandbox.server.state, tmp_path, push_template, skus=60, seed=5,
                         stamp=f"{jst_now() - timedelta(minutes=10):%Y-%m-%d %H:%M:%S}")
    sync_once(*_sync(sandbox, tmp_path))
    assert _sync_events(tmp_path).empty  # the first look only remembers the numbers
    changed = list(shop.physical)[:4]
    for key in changed:
        shop.physical[key] += 3
    stamp = (jst_now() - timedelta(minutes=2)).replace(microsecond=0)
    shop.write_warehouse(f"{stamp:%Y-%m-%d %H:%M:%S}")
    before = jst_now().replace(microsecond=0)
    report = sync_once(*_sync(sandbox, tmp_path))
    events = _sync_events(tmp_path).sort_values("sku")
    assert report.changes == 4 and report.shown == 4
    assert events["sku"].tolist() == sorted(shop.sku(k) for k in changed)
    assert (events["source"] == "warehouse").all() and (events["changed_at"] == pd.Timestamp(stamp)).all()
    assert events["shown_at"].between(pd.Timestamp(before), pd.Timestamp(jst_now())).all()


def test_a_change_whose_write_a_guard_stops_stays_open_until_a_later_cycle_writes_it(sandbox, push_template,
                                                                                      tmp_path):
    shop, _audit = build(sandbox.server.state, tmp_path, push_template, skus=60, seed=6, agree=True,
                         stamp=f"{jst_now():%Y-%m-%d %H:%M:%S}")
    sync_once(*_sync(sandbox, tmp_path))
    big = next(iter(shop.physical))
    shop.physical[big] += 40  # past a soft per-SKU limit of 20
    shop.write_warehouse(f"{jst_now():%Y-%m-%d %H:%M:%S}")
    settings = load_settings(tmp_path / "zaiko.toml", rms=sandbox.rms_overrides(timeout_s=2),
                             push={"max_sku_change": 20})
    with pytest.raises(GuardTripped):
        sync_once(*build_sync(settings))
    assert _sync_events(tmp_path)["shown_at"].isna().tolist() == [True]
    ports, deps, options = build_sync(settings)
    report = sync_once(ports, deps, replace(options, push=replace(options.push, confirmed=True)))
    events = _sync_events(tmp_path)
    assert report.shown == 1 and events["sku"].tolist() == [shop.sku(big)] and events["shown_at"].notna().all()
