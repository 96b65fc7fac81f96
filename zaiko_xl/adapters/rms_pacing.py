"""Client-side pacing per endpoint family and the retry policy of the RMS client.

Pacing: request starts of one family are spaced at least ``PACING_MARGIN / rate`` seconds
apart, so RMS's per-second limits are never exceeded even with a little network jitter.
Retries: equal-jitter exponential backoff (``base * 2**n``, capped, half fixed + half
random), never shorter than the server's Retry-After, within a total time budget per call.
The clock is injectable so tests can use a fake one.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Protocol

PACING_MARGIN = 1.03  # 3% slower than the documented limit


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class Pacer:
    """Spaces the starts of one family's requests evenly (thread-safe)."""

    def __init__(self, rate_per_s: float, clock: Clock, margin: float = PACING_MARGIN) -> None:
        self._interval = margin / rate_per_s
        self._clock = clock
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            self._clock.sleep(start - now)


@dataclass(frozen=True)
class RetryPolicy:
    budget_s: float
    base_s: float
    cap_s: float
    max_attempts: int
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def backoff(self, failures: int) -> float:
        """Wait after the ``failures``-th failure (1-based): half fixed, half random."""
        step = min(self.cap_s, self.base_s * 2 ** (failures - 1))
        return step / 2 + self.rng.uniform(0, step / 2)


class RetryBudget:
    """Tracks one call's tries and time; says how long to wait before the next try, or None."""

    def __init__(self, policy: RetryPolicy, clock: Clock) -> None:
        self._policy = policy
        self._clock = clock
        self._deadline = clock.monotonic() + policy.budget_s
        self.failures = 0

    def next_wait(self, retry_after: float | None) -> float | None:
        self.failures += 1
        if self.failures >= self._policy.max_attempts:
            return None
        wait = max(self._policy.backoff(self.failures), retry_after or 0.0)
        if self._clock.monotonic() + wait > self._deadline:
            return None
        return wait


def parse_retry_after(value: str | None, now_epoch: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now_epoch is None else now_epoch))
