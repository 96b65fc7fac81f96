"""The push service on a fake RMS, a real SQLite journal and a real lock file.

Each test asserts on the end state: RMS stock, what RMS applied (never twice), the journal.
"""

from collections import Counter
from datetime import timedelta

import pandas as pd
import pytest

from tests.fakes import FakeRmsStock, FakeWallClock
from zaiko_xl.adapters.push_journal import SqlitePushJournal
from zaiko_xl.adapters.run_lock import FileRunLock
from zaiko_xl.domain.guards import GuardLimits
from zaiko_xl.domain.push_plan import plan_from_confirmed
from zaiko_xl.domain.push_run import RunKind, RunState
from zaiko_xl.errors import (
    ConfirmationNeeded,
    GuardTripped,
    RunAlreadyRolledBack,
    RunUnfinished,
    StalePull,
    WriteOutcomeUnknown,
)
from zaiko_xl.services import push as push_service
from zaiko_xl.services.push import PlanContext, PushDeps, PushOptions


def _plan(before: dict[str, int], target: dict[str, int]):
    keys = list(target)
    rows = pd.DataFrame({"sku": [k.upper() for k in keys], "manage_number": [k.split(":")[0] for k in keys],
                         "variant_id": [k.split(":")[1] for k in keys], "rms": [before.get(k) for k in keys],
                         "confirmed": [target[k] for k in keys], "push": True})
    return plan_from_confirmed(rows)


@pytest.fixture
def env(tmp_path):
    clock = FakeWallClock()
    journal = SqlitePushJournal(tmp_path / "journal.sqlite")
    yield clock, journal, FileRunLock(tmp_path / "journal.sqlite.lock")
    journal.close()


def _deps(env, rms):
    clock, journal, lock = env
    return PushDeps(rms=rms, journal=journal, lock=lock, now=clock.now, sleep=clock.sleep)


def _context(env, total_skus=100, total_units=10_000):
    return PlanContext(RunKind.PUSH, "test.xlsx", env[0].now(), total_skus, total_units)


def _send(env, rms, before, target, **options):
    plan = _plan(before, target)
    return push_service.send(plan, _context(env), _deps(env, rms), PushOptions(settle_s=2, **options))


def _writes_per_sku(rms):
    return Counter(key for key, _mode, _q in rms.applied)


BEFORE = {"a:1": 5, "b:2": 10, "c:3": 0}
TARGET = {"a:1": 8, "b:2": 7, "c:3": 4}


def test_a_plan_is_sent_relative_and_journaled_as_done(env):
    rms = FakeRmsStock(BEFORE)
    result = _send(env, rms, BEFORE, TARGET)
    assert rms.stock == TARGET
    assert {mode for _k, mode, _q in rms.applied} == {"RELATIVE"}
    assert result.state is RunState.DONE and result.counts == {"skus": 3, "applied": 3}
    record = env[1].load(result.run_id)
    assert record.header.state is RunState.DONE
    assert record.items["pre"].tolist() == [5, 10, 0] and record.items["outcome"].tolist() == ["applied"] * 3


def test_orders_placed_during_the_push_are_kept(env):
    sold = []

    def shopper(rms):
        if len(sold) < 2:
            rms.order("b:2", 1)
            sold.append(1)

    rms = FakeRmsStock(BEFORE, between=shopper)
    _send(env, rms, BEFORE, TARGET)
    assert rms.stock == {"a:1": 8, "b:2": 5, "c:3": 4}  # 7 wanted, 2 sold meanwhile: never shows sold units


def test_a_write_applied_but_unanswered_is_settled_as_applied_and_not_sent_again(env):
    rms = FakeRmsStock(BEFORE, script=["late"])
    result = _send(env, rms, BEFORE, TARGET)
    assert rms.stock == TARGET
    assert set(_writes_per_sku(rms).values()) == {1}
    assert result.settled == 1 and result.resent == 0 and result.state is RunState.DONE


def test_a_write_lost_before_rms_applied_it_is_sent_again_once(env):
    rms = FakeRmsStock(BEFORE, script=["lost", "lost"])
    result = _send(env, rms, BEFORE, TARGET)
    assert rms.stock == TARGET
    assert set(_writes_per_sku(rms).values()) == {1}
    assert result.resent == 2 and len(rms.sent) == 3


def test_an_order_during_an_unknown_write_does_not_fool_the_read_back(env):
    calls = []

    def shopper(rms):
        calls.append(1)
        if len(calls) == 3:  # after the lost request, before the read-back: -3 on the SKU whose delta is -3
            rms.order("b:2", 3)

    rms = FakeRmsStock(BEFORE, script=["lost"], between=shopper)
    _send(env, rms, BEFORE, TARGET)
    assert rms.stock == {"a:1": 8, "b:2": 4, "c:3": 4}  # b's write was still applied once; the order kept
    assert set(_writes_per_sku(rms).values()) == {1}


def test_a_partial_write_is_reported_never_guessed(env):
    before = {f"m{i}:v": 10 for i in range(5)}
    rms = FakeRmsStock(before, script=["partial"])
    result = _send(env, rms, before, {k: 12 for k in before})
    assert result.state is RunState.UNSETTLED and len(result.unknown) == 5
    assert set(_writes_per_sku(rms).values()) == {1} and len(rms.applied) == 3  # nothing sent twice
    with pytest.raises(WriteOutcomeUnknown) as err:
        push_service.raise_for_outcome(result)
    assert "M0:V, M1:V, M2:V, M3:V, M4:V" in err.value.render()


def test_a_refused_sku_fails_alone_and_the_rest_is_applied(env):
    rms = FakeRmsStock(BEFORE, script=["reject:b:2"])
    result = _send(env, rms, BEFORE, TARGET)
    assert rms.stock == {"a:1": 8, "b:2": 10, "c:3": 4}
    assert result.state is RunState.FAILED and result.failed == ["B:2"]


def test_deltas_are_clamped_so_rms_never_goes_below_zero(env):
    rms = FakeRmsStock({"a:1": 5}, between=lambda r: r.stock.update({"a:1": min(r.stock["a:1"], 1)}))
    result = _send(env, rms, {"a:1": 5}, {"a:1": 2})
    assert rms.stock == {"a:1": 0} and rms.applied == [("a:1", "RELATIVE", -1)]
    assert env[1].load(result.run_id).items["delta"].tolist() == [-1]


def test_batches_hold_at_most_the_batch_size(env):
    before = {f"m{i}:v": 0 for i in range(5)}
    rms = FakeRmsStock(before)
    result = _send(env, rms, before, {k: 1 for k in before}, batch_size=2)
    assert [len(changes) for _a, changes in rms.sent] == [2, 2, 1] and result.requests == 3


def test_a_tripped_guard_sends_nothing_and_journals_the_refusal(env):
    rms = FakeRmsStock(BEFORE)
    with pytest.raises(GuardTripped) as err:
        _send(env, rms, BEFORE, TARGET, limits=GuardLimits(max_sku_change=2))
    assert "b:2" not in err.value.render() and "A:1 5→8" in err.value.render()
    assert rms.sent == [] and env[1].load(None) is None


def test_a_stale_pull_is_refused(env):
    rms = FakeRmsStock(BEFORE)
    context = PlanContext(RunKind.PUSH, "x", env[0].now() - timedelta(minutes=31), 100, 10_000)
    with pytest.raises(StalePull):
        push_service.send(_plan(BEFORE, TARGET), context, _deps(env, rms), PushOptions())


class Crash(Exception):
    """Stands for kill -9: the process stops between two statements."""


def test_a_run_killed_after_rms_applied_a_batch_resumes_without_applying_it_twice(env):
    rms = FakeRmsStock(BEFORE)
    original = rms.send_batch

    def crash_after_apply(changes, mode):
        original(changes, mode)
        raise Crash

    rms.send_batch = crash_after_apply
    with pytest.raises(Crash):
        _send(env, rms, BEFORE, TARGET)
    with pytest.raises(RunUnfinished) as err:
        _send(env, rms, BEFORE, TARGET)
    assert "push --resume" in err.value.render()
    rms.send_batch = original
    result = push_service.resume(_deps(env, rms), PushOptions(settle_s=2))
    assert result.state is RunState.DONE and rms.stock == TARGET
    assert set(_writes_per_sku(rms).values()) == {1}
    assert push_service.resume(_deps(env, rms), PushOptions()) is None


def test_a_run_killed_before_the_request_left_resumes_by_sending_it(env):
    rms = FakeRmsStock(BEFORE)
    original = rms.send_batch

    def crash_before_send(changes, mode):
        raise Crash

    rms.send_batch = crash_before_send
    with pytest.raises(Crash):
        _send(env, rms, BEFORE, TARGET)
    rms.send_batch = original
    result = push_service.resume(_deps(env, rms), PushOptions(settle_s=2))
    assert rms.stock == TARGET and result.resent == 1


def test_rollback_restores_exactly_and_keeps_orders_placed_since(env):
    rms = FakeRmsStock(BEFORE)
    first = _send(env, rms, BEFORE, TARGET)
    rms.order("a:1", 2)
    with pytest.raises(ConfirmationNeeded):
        push_service.rollback(first.run_id, _deps(env, rms), PushOptions())
    assert rms.stock == {"a:1": 6, "b:2": 7, "c:3": 4}
    undo = push_service.rollback(first.run_id, _deps(env, rms), PushOptions(), confirm=lambda preview: True)
    assert undo.kind is RunKind.ROLLBACK and undo.state is RunState.DONE
    assert rms.stock == {"a:1": 3, "b:2": 10, "c:3": 0}  # 5 before, 2 sold since: 3
    with pytest.raises(RunAlreadyRolledBack) as err:
        push_service.rollback(first.run_id, _deps(env, rms), PushOptions(confirmed=True))
    assert undo.run_id in err.value.render()



def test_the_result_says_when_rms_began_showing_each_applied_sku(env):
    clock = env[0]
    t0 = pd.Timestamp(clock.now())
    rms = FakeRmsStock(BEFORE, script=["lost", "reject:c:3"])  # batch 1 (a, b) lost then re-sent; batch 2 (c) refused
    result = _send(env, rms, BEFORE, TARGET, batch_size=2)
    shown = result.shown().set_index("sku")["shown_at"]
    assert sorted(shown.index) == ["A:1", "B:2"]  # C:3 failed: RMS does not show its target
    assert (shown == shown.iloc[0]).all() and shown.iloc[0] >= t0 + pd.Timedelta(seconds=2)  # after the settle wait


def test_a_resumed_run_keeps_the_time_its_earlier_batches_were_applied(env):
    clock = env[0]
    t0 = pd.Timestamp(clock.now())
    rms = FakeRmsStock(BEFORE)
    original = rms.send_batch

    def crash_on_the_second_batch(changes, mode):
        if rms.sent:
            raise Crash
        original(changes, mode)

    rms.send_batch = crash_on_the_second_batch
    with pytest.raises(Crash):
        _send(env, rms, BEFORE, TARGET, batch_size=2)
    rms.send_batch = original
    clock.sleep(60)  # resumed a minute later
    result = push_service.resume(_deps(env, rms), PushOptions(settle_s=2))
    shown = result.shown().set_index("sku")["shown_at"]
    assert shown["A:1"] == shown["B:2"] == t0  # batch 1, applied before the crash
    assert shown["C:3"] >= t0 + pd.Timedelta(seconds=60)
