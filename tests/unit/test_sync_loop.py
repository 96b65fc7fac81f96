"""The sync loop: a fixed period, failed cycles reported and survived."""

from zaiko_xl.errors import GuardTripped
from zaiko_xl.services.sync import sync_loop


class Clock:
    def __init__(self):
        self.t = 0.0

    def now(self):
        return self.t

    def sleep(self, seconds):
        self.t += seconds


def test_cycles_start_on_a_fixed_period_and_a_failed_cycle_does_not_stop_the_loop():
    clock, seen, starts = Clock(), [], []

    def cycle():
        starts.append(clock.t)
        clock.t += 4  # each cycle takes 4 s
        if len(starts) == 2:
            raise GuardTripped(detail_ja="x", detail_en="x")
        return f"cycle {len(starts)}"

    failed = sync_loop(cycle, interval_s=30, now=clock.now, sleep=clock.sleep, report=seen.append, cycles=3)
    assert starts == [0, 30, 60] and failed == 1
    assert seen[0] == "cycle 1" and isinstance(seen[1], GuardTripped) and seen[2] == "cycle 3"


def test_a_cycle_longer_than_the_interval_starts_the_next_one_at_once():
    clock, starts = Clock(), []

    def cycle():
        starts.append(clock.t)
        clock.t += 45

    sync_loop(cycle, interval_s=30, now=clock.now, sleep=clock.sleep, report=lambda r: None, cycles=3)
    assert starts == [0, 45, 90]
