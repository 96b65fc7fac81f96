"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from typing import Protocol

from zaiko_xl.domain.imported import ImportedTable


class Progress(Protocol):
    """Reports progress of a long operation (rich in the CLI, the status bar in Excel)."""

    def update(self, label: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, UDFs)."""

    def update(self, label: str, done: int, total: int | None = None) -> None:
        return None


class WarehouseSource(Protocol):
    """The warehouse's (WMS/3PL) stock export."""

    def read_warehouse(self) -> ImportedTable:
        """The ``warehouse`` frame and its warnings; raises InputError (E2xx) on fatal problems."""
        ...


class LedgerSource(Protocol):
    """The shop's ledger of movements (社内台帳), from a file or the workbook's sheet."""

    def read_ledger(self) -> ImportedTable:
        """The ``ledger`` frame and its warnings; raises InputError (E2xx) on fatal problems."""
        ...


class OrderExportSource(Protocol):
    """One order export of another channel (Yahoo!ショッピング, Amazon, own site...)."""

    def read_orders(self) -> ImportedTable:
        """The ``orders`` frame and its warnings; raises InputError (E2xx) on fatal problems."""
        ...


class TableSource(Protocol):
    """Any other input table: item master, mapping sheet, BOM, set rules, suppliers, inbound."""

    def read_table(self) -> ImportedTable:
        """The frame of the table's kind and its warnings; raises InputError (E2xx) on fatal problems."""
        ...
