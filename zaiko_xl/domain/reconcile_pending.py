"""Returns and cancellation returns the ledger has not booked (pure, vectorised).

Bookings are matched to order lines by (order number, SKU): the ledger's ``出荷``, ``返品``
and ``キャンセル戻し`` rows carry the order number in ``reference``. One order may hold several
lines of one SKU (say one shipped and one cancelled before shipping; or a set and a single
sharing a component), so units are compared per (order, SKU), never line by line:

- units that went out and must come back: the returned lines' units, plus the units booked
  out (``出荷``) no later than the cancellation beyond what the shipped and returned lines
  account for, up to the cancelled lines' units (a line cancelled before it shipped has no
  such ``出荷`` and counts 0; a shipment booked after the cancellation is another line's,
  which the orders sheet may leave out: pull keeps no shipped lines);
- units booked back: ``返品`` and ``キャンセル戻し`` alike (RMS calls a parcel refused after
  shipping a return, orderProgress 900 after shipping; shops book it as either);
- unbooked = went out - booked back (not below 0), counted as returns first, the rest as
  cancellation returns.

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
        books: ledger rows: ``pos``, ``kind`` (MovementKind label), ``reference``, ``quantity`` (units), ``at``.
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
    latest = {s: _latest(line_ix, lines["changed_at"][sel], lines["status"][sel] == s, len(keys))
              for s in _STATUSES[1:]}
    kind, at = books["kind"][bsel], books["at"][bsel].astype("datetime64[ns]")
    shipped_before_cancel = (kind == _BOOKED[0]) & (at <= latest[OrderStatus.CANCELLED.value][book_ix])
    booked_out = _sum(book_ix, books["quantity"][bsel], shipped_before_cancel, len(keys))
    booked_back = _sum(book_ix, books["quantity"][bsel], (kind == _BOOKED[1]) | (kind == _BOOKED[2]), len(keys))
    shipped_lines, returned_lines, cancelled_lines = (units[s] for s in _STATUSES)
    cancelled_out = np.clip(booked_out - shipped_lines - returned_lines, 0, cancelled_lines)
    unbooked = np.clip(returned_lines + cancelled_out - booked_back, 0, None)
    returned = np.minimum(unbooked, returned_lines)
    cancelled = unbooked - returned
    result = {}
    for status, qty in ((OrderStatus.RETURNED.value, returned), (OrderStatus.CANCELLED.value, cancelled)):
        at = latest[status]
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
