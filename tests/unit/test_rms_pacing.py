"""Pacing and the retry policy, on a fake clock."""

import itertools
import random

from tests.fakes import FakeClock
from zaiko_xl.adapters.rms_pacing import PACING_MARGIN, Pacer, RetryBudget, RetryPolicy, parse_retry_after


def test_the_pacer_spaces_request_starts_by_the_rate_plus_the_margin():
    clock = FakeClock()
    pacer = Pacer(5, clock)
    starts = []
    for _ in range(6):
        pacer.wait()
        starts.append(clock.monotonic())
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(starts)]
    assert gaps == [round(PACING_MARGIN / 5, 6)] * 5


def test_the_pacer_does_not_wait_when_requests_are_already_slow():
    clock = FakeClock()
    pacer = Pacer(1, clock)
    pacer.wait()
    clock.now += 5
    pacer.wait()
    assert clock.sleeps == []


def _policy(**kwargs):
    args = {"budget_s": 100, "base_s": 1, "cap_s": 30, "max_attempts": 6, "rng": random.Random(3)} | kwargs
    return RetryPolicy(**args)


def test_backoff_doubles_with_jitter_and_is_capped():
    policy = _policy(cap_s=4)
    waits = [policy.backoff(n) for n in range(1, 6)]
    for n, wait in enumerate(waits, start=1):
        step = min(4, 2 ** (n - 1))
        assert step / 2 <= wait <= step


def test_retry_after_is_honoured_even_when_longer_than_the_backoff():
    budget = RetryBudget(_policy(), FakeClock())
    assert budget.next_wait(7.0) == 7.0


def test_retries_stop_at_the_attempt_limit_and_at_the_time_budget():
    budget = RetryBudget(_policy(max_attempts=3), FakeClock())
    assert budget.next_wait(None) is not None
    assert budget.next_wait(None) is not None
    assert budget.next_wait(None) is None
    clock = FakeClock()
    budget = RetryBudget(_policy(budget_s=5), clock)
    assert budget.next_wait(10.0) is None  # waiting would overrun the budget: give up now


def test_retry_after_header_in_seconds_or_as_a_date():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now_epoch=1445412480.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
