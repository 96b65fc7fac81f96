"""Fault injection per RMS function (seeded) and the sliding-window rate limiter.

A rule names a function (or ``*``), a kind, and either a ``rate`` (probability per
request, drawn from a seeded RNG) or ``times`` (the next N requests, deterministic).

Kinds: ``5xx`` (500 X0000), ``503`` (503, plain JSON), ``429``, ``html`` (502 with an HTML
page, as a proxy sends), ``latency`` (adds ``latency_s``, then serves normally),
``timeout`` (applies the request, then holds the answer for ``hang_s``: the client times
out *after* the write was applied), ``drop`` (connection dropped before anything is
applied), ``drop_after_write`` (applied, then dropped), ``malformed`` (200 with broken
JSON), ``maintenance`` (200 with an HTML maintenance page instead of JSON),
``extra_fields`` (valid answer with unknown fields added).
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import asdict, dataclass

KINDS = ("5xx", "503", "429", "html", "maintenance", "latency", "timeout", "drop", "drop_after_write", "malformed",
         "extra_fields")
BEFORE_HANDLER = ("5xx", "503", "429", "html", "maintenance", "drop")  # answered without touching the state


@dataclass
class FaultRule:
    function: str = "*"
    kind: str = "5xx"
    rate: float = 0.0
    times: int | None = None  # deterministic: the next N matching requests
    latency_s: float = 0.5

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        if not 0 <= self.rate <= 1:
            raise ValueError("rate must be between 0 and 1")

    def matches(self, function: str) -> bool:
        return self.function in ("*", function)


class FaultPlan:
    """Decides, per request, which fault (if any) to inject. Thread-safe."""

    def __init__(self, rules: list[FaultRule] | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.set(rules or [], seed)

    def set(self, rules: list[FaultRule], seed: int) -> None:
        with self._lock:
            self.rules = list(rules)
            self.seed = seed
            self._rng = random.Random(seed)

    def draw(self, function: str) -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(function) and rule.times:
                    rule.times -= 1
                    return rule
            roll = self._rng.random()
            for rule in self.rules:
                if rule.matches(function) and rule.times is None and rule.rate > 0:
                    if roll < rule.rate:
                        return rule
                    roll -= rule.rate
            return None

    def describe(self) -> dict:
        with self._lock:
            return {"seed": self.seed, "rules": [asdict(r) for r in self.rules]}


class SlidingWindow:
    """At most ``limit`` admitted requests in any window of ``window`` seconds."""

    def __init__(self, rate_per_s: float) -> None:
        self.rate = rate_per_s
        self.window = max(1.0, 1.0 / rate_per_s)
        self.limit = max(1, round(rate_per_s * self.window))
        self._times: deque[float] = deque()

    def admit(self, now: float) -> bool:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        if len(self._times) >= self.limit:
            return False
        self._times.append(now)
        return True


class RateLimiter:
    """One sliding window per (credential, function); rates can change at run time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], SlidingWindow] = {}

    def admit(self, credential: str, function: str, rate: float | None, now: float) -> bool:
        if rate is None:
            return True
        with self._lock:
            window = self._windows.get((credential, function))
            if window is None or window.rate != rate:
                window = self._windows[(credential, function)] = SlidingWindow(rate)
            return window.admit(now)

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
