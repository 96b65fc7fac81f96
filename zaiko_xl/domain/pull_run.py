"""One pull as the journal keeps it, and the window of orders and inbound a pull shows (pure).

A pull records, per source, how many rows it gave, how they matched, how many problems the
照合結果 report lists, how many input warnings there were, and the time its numbers are as of:

- RMS stock and RMS orders: the moment they were read (``at``);
- the warehouse file: its newest ``updated_at`` (the WMS export time);
- the ledger: its newest movement; other channels' orders: their newest order or change;
- inbound: its newest receipt.

Later steps read it back: push's stale-pull guard (how old is the pull), reconcile (when).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from zaiko_xl.domain.model import OrderStatus
from zaiko_xl.domain.pull_match import PullSource


@dataclass(frozen=True)
class SourceRun:
    """One source of one pull."""

    source: str  # a PullSource value
    name: str  # what the user calls it: a file name, ``book [sheet]``, or the RMS URL
    rows: int
    exact: int = 0
    mapping: int = 0
    normalised: int = 0
    unmatched: int = 0
    problems: int = 0
    warnings: int = 0
    as_of: datetime | None = None


@dataclass(frozen=True)
class PullRun:
    """One pull: when, into which workbook, the license it saw, and its sources."""

    run_id: str
    at: datetime  # JST, naive
    workbook: str
    license_level: str  # domain.rms.LicenseLevel value
    license_expiry: datetime | None
    sources: tuple[SourceRun, ...]

    def source(self, name: str) -> SourceRun | None:
        return next((s for s in self.sources if s.source == name), None)


def recent_orders(orders: pd.DataFrame, since: datetime, *, include_shipped: bool = False) -> pd.DataFrame:
    """Order lines ordered since ``since`` (shipped ones only with ``include_shipped``), as RMS's search gives them."""
    keep = orders["ordered_at"] >= pd.Timestamp(since)
    if not include_shipped:
        keep &= orders["status"] != OrderStatus.SHIPPED.value
    return orders.loc[keep].reset_index(drop=True)


def recent_inbound(inbound: pd.DataFrame, since: datetime) -> pd.DataFrame:
    """Inbound lines still pending, or received since ``since`` (reconcile books recent receipts)."""
    received = inbound["received_at"]
    return inbound.loc[received.isna() | (received >= pd.Timestamp(since))].reset_index(drop=True)


TIME_COLUMNS = {PullSource.WAREHOUSE.value: ("updated_at",), PullSource.LEDGER.value: ("at",),
                PullSource.OTHER_ORDERS.value: ("ordered_at", "changed_at"), PullSource.INBOUND.value: ("received_at",)}


def as_of_times(now: datetime, frames: Mapping[str, pd.DataFrame]) -> dict[str, datetime | None]:
    """The time each source's numbers are as of (see the module docstring); ``frames`` by PullSource value."""
    times: dict[str, datetime | None] = {PullSource.RMS_STOCK.value: now, PullSource.RMS_ORDERS.value: now}
    for source, frame in frames.items():
        if source in TIME_COLUMNS:
            times[source] = newest(*(frame[c] for c in TIME_COLUMNS[source] if c in frame))
    return times


def newest(*columns: pd.Series) -> datetime | None:
    """The newest time in the given columns (None when all are empty)."""
    stamps = [c.max() for c in columns if len(c)]
    stamps = [s for s in stamps if pd.notna(s)]
    return max(stamps).to_pydatetime() if stamps else None


def source_runs(counts: pd.DataFrame, names: dict[str, str], warnings: dict[str, int],
                as_of: dict[str, datetime | None]) -> tuple[SourceRun, ...]:
    """One SourceRun per source of ``names`` (in PullSource order), counts from ``resolve_pull``."""
    runs = []
    for source in PullSource:
        if source.value not in names:
            continue
        row = counts.loc[source.value]
        runs.append(SourceRun(source.value, names[source.value], int(row["rows"]), int(row["exact"]),
                              int(row["mapping"]), int(row["normalised"]), int(row["unmatched"]),
                              int(row["problems"]), warnings.get(source.value, 0), as_of.get(source.value)))
    return tuple(runs)

