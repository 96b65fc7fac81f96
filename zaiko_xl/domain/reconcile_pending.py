"""Returns and cancellation returns the ledger has not booked (pure, vectorised).

Bookings are matched to order lines by (order number, SKU): the ledger's ``出荷``, ``返品``
and ``キャンセル戻し`` rows carry the order number in ``reference``. One order may hold several
lines of one SKU (say one shipped and one cancelled before shipping; or a set and a single
sharing a component), so units are compared per (order, SKU), never line by line:

- returned units not booked: ``returned lines - 返品 booked``;
- cancelled units that went out and did not come back: the units booked out (``出荷``) beyond
  what the shipped and returned lines account for, up to the cancelled lines' units, minus
  ``キャンセル戻し`` booked. A line cancelled before it shipped has no ``出荷`` and counts 0.

The time of an unbooked return or cancellation is the latest ``changed_at`` of those lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zaiko_xl.domain.model import MovementKind, OrderStatus

_STATUSES = (OrderStatus.SHIPPED.value, OrderStatus.RETURNED.value, OrderStatus.CANCELLED.value)
_BOOKED = (MovementKind.SHIPMENT.value, MovementKind.RETURN.value, MovementKind.CANCEL_RETURN.value)


def unbooked_returns(lines: dict[str, np.ndarray], books: dict[str, np.ndarray],
                     n: int) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per (order, SKU) the unbooked returned and cancelled units.

    Args:
        lines: order lines (sets exploded): ``pos`` (SKU position), ``quantity``, ``status``,
            ``order_number``, ``changed_at``; every line of an order with a returned or cancelled line.
        books: ledger rows: ``pos``, ``kind`` (MovementKind label), ``reference``, ``quantity`` (units).
        n: number of SKU positions.

    Returns:
        ``{"returned": (pos, at, units), "cancelled": (pos, at, units)}``, only keys with units > 0.
    """
    back = (lines["status"] == OrderStatus.RETURNED.value) | (lines["status"] == OrderStatus.CANCELLED.value)
    refs = pd.Index(pd.unique(lines["order_number"][back]))
    line_key = _keys(refs, lines["order_number"], lines["pos"], n)
    book_key = _keys(refs, books["reference"], books["pos"], n)
    keys, inverse = np.unique(np.concatenate([line_key[line_key >= 0], book_key[book_key >= 0]]), return_inverse=True)
    n_lines = int((line_key >= 0).sum())
    line_ix, book_ix = inverse[:n_lines], inverse[n_lines:]
    sel, bsel = line_key >= 0, book_key >= 0
    units = {s: _sum(line_ix, lines["quantity"][sel], lines["status"][sel] == s, len(keys)) for s in _STATUSES}
    booked = {k: _sum(book_ix, books["quantity"][bsel], books["kind"][bsel] == k, len(keys)) for k in _BOOKED}
    out_ship, out_ret, out_back = booked[_BOOKED[0]], booked[_BOOKED[1]], booked[_BOOKED[2]]
    returned = np.clip(units[_STATUSES[1]] - out_ret, 0, None)
    went_out = np.clip(out_ship - units[_STATUSES[0]] - units[_STATUSES[1]], 0, units[_STATUSES[2]])
    cancelled = np.clip(went_out - out_back, 0, None)
    result = {}
    for status, qty in ((OrderStatus.RETURNED.value, returned), (OrderStatus.CANCELLED.value, cancelled)):
        at = _latest(line_ix, lines["changed_at"][sel], lines["status"][sel] == status, len(keys))
        hit = qty > 0
        result[status] = ((keys[hit] % n).astype(np.int64), at[hit], qty[hit].astype(np.int64))
    return result


def _keys(refs: pd.Index, numbers: np.ndarray, pos: np.ndarray, n: int) -> np.ndarray:
    """(order number, SKU position) as one integer; -1 for orders without a return or cancellation."""
    ref_of = refs.get_indexer(numbers) if len(numbers) else np.empty(0, np.int64)
    return np.where((ref_of >= 0) & (pos >= 0), ref_of.astype(np.int64) * n + pos, -1)


def _sum(index: np.ndarray, values: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(index[mask], weights=values[mask], minlength=size).astype(np.int64)


def _latest(index: np.ndarray, times: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    out = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    stamps = times.astype("datetime64[ns]").astype(np.int64)
    np.maximum.at(out, index[mask], stamps[mask])
    return out.astype("datetime64[ns]")
