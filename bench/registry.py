"""The registry of benchmark cases.

A case is a function that sets itself up, times only the work it measures, and returns a
dict of metrics with at least ``seconds``; other keys (counts, ratios, targets) are reported
as they are. Register with ``@case("name", repeat=N, target="...")`` (``programs=("soffice",)``
names programs the case needs on PATH); modules in ``bench/cases/`` are imported by the runner.

Every case takes a keyword ``smoke``: when it is true the case runs on tiny data (a few
hundred rows or SKUs, fast sandbox limits, short waits) so that it finishes in seconds. Smoke
runs prove that a case still runs (``python -m bench --smoke``, ``tests/test_bench_smoke.py``);
their figures mean nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Metrics = dict[str, Any]
CaseFunc = Callable[..., Metrics]  # (*, smoke: bool = False) -> Metrics


@dataclass(frozen=True)
class Case:
    name: str
    func: CaseFunc
    repeat: int
    target: str
    programs: tuple[str, ...] = ()  # programs it needs on PATH (e.g. soffice)

    def run(self, *, smoke: bool = False) -> Metrics:
        """Run the case once (on tiny data when ``smoke``); returns its metrics."""
        return self.func(smoke=smoke)


CASES: dict[str, Case] = {}


def case(name: str, *, repeat: int = 3, target: str = "",
         programs: tuple[str, ...] = ()) -> Callable[[CaseFunc], CaseFunc]:
    def register(func: CaseFunc) -> CaseFunc:
        if "smoke" not in inspect.signature(func).parameters:
            raise TypeError(f"benchmark case {name} ({func.__name__}) must take a `smoke` keyword")
        CASES[name] = Case(name, func, repeat, target, programs)
        return func

    return register


def load_cases() -> dict[str, Case]:
    import importlib
    import pkgutil

    import bench.cases

    for info in pkgutil.iter_modules(bench.cases.__path__):
        importlib.import_module(f"bench.cases.{info.name}")
    return CASES
