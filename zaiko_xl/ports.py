"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Reports progress of a long operation (rich in the CLI, the status bar in Excel)."""

    def update(self, label: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, UDFs)."""

    def update(self, label: str, done: int, total: int | None = None) -> None:
        return None
