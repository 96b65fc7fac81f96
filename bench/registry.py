"""The registry of benchmark cases.

A case is a function that sets itself up, times only the work it measures, and returns a
dict of metrics with at least ``seconds``; other keys (counts, ratios, targets) are reported
as they are. Register with ``@case("name", repeat=N, target="...")``; modules in
``bench/cases/`` are imported by the runner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Metrics = dict[str, Any]


@dataclass(frozen=True)
class Case:
    name: str
    func: Callable[[], Metrics]
    repeat: int
    target: str


CASES: dict[str, Case] = {}


def case(name: str, *, repeat: int = 3, target: str = "") -> Callable[[Callable[[], Metrics]], Callable[[], Metrics]]:
    def register(func: Callable[[], Metrics]) -> Callable[[], Metrics]:
        CASES[name] = Case(name, func, repeat, target)
        return func

    return register


def load_cases() -> dict[str, Case]:
    import importlib
    import pkgutil

    import bench.cases

    for info in pkgutil.iter_modules(bench.cases.__path__):
        importlib.import_module(f"bench.cases.{info.name}")
    return CASES
