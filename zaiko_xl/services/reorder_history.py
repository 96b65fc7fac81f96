"""The reorder's order history from the journal as well as the 受注 sheet.

A year of orders of a large shop does not fit an Excel sheet (1,048,576 rows) and reads slowly,
but the journal keeps every order line the pulls recorded (docs/data-contracts.md §9). The
statistics window is read from it, joined with the sheet's lines (``domain.order_history``:
the sheet wins for the orders it holds, no line counted twice), and the history starts where
the two sources together start. Without a journal, or with nothing in it for the window, the
inputs stay as they are.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from zaiko_xl.domain.demand import DemandOptions, history_window_days
from zaiko_xl.domain.order_history import channel_first_days, combined_history, history_start, order_numbers
from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.ports import OrderHistorySource


def with_journal_history(inputs: ReorderInputs, journal: OrderHistorySource | None, demand: DemandOptions,
                         as_of: date) -> ReorderInputs:
    """``inputs`` with ``order_history`` (sheet + journal) and ``history_start`` of both sources.

    Args:
        inputs: what the workbook holds (``orders`` = the 受注 sheet).
        journal: the journal's order lines; None: no journal.
        demand: the statistics' windows (how many days back to read).
        as_of: the order date; the history ends the day before.
    """
    if journal is None:
        return inputs
    sheet = inputs.frame("orders")
    first = as_of - timedelta(days=history_window_days(demand))
    lines = journal.order_lines(first, as_of - timedelta(days=1), skip_orders=order_numbers(sheet))
    if lines.empty:
        return inputs
    journal_first = journal.first_order_days(sorted(set(lines["channel"].astype(str))))
    return replace(inputs, order_history=combined_history(sheet, lines),
                   history_start=history_start(channel_first_days(sheet), journal_first))
