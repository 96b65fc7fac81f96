"""The order lines reconciliation reads, set lines exploded to their leaf components (pure, vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zaiko_xl.domain.bom import explode_bom
from zaiko_xl.domain.model import OrderStatus
from zaiko_xl.domain.reconcile_codes import positions, text_values

_SHIPPED, _RETURNED, _CANCELLED = OrderStatus.SHIPPED.value, OrderStatus.RETURNED.value, OrderStatus.CANCELLED.value


def exploded_lines(skus: pd.Index, orders: pd.DataFrame, bom: pd.DataFrame | None, *,
                   cut_offs: tuple[np.datetime64, np.ndarray]) -> dict[str, np.ndarray]:
    """The order lines that matter, set lines exploded to leaf components (quantities multiplied).

    Args:
        skus: the master SKUs (row positions).
        orders: the orders frame (data-contracts §2), ``sku`` already the shop's code.
        bom: set structure (nested or exploded).
        cut_offs: ``as_of`` and RMS's last update per SKU (NaT: none); see ``relevant_lines``.

    Returns:
        Arrays ``pos``, ``quantity``, ``status``, ``order_number``, ``ordered_at``, ``changed_at``;
        lines of unknown SKUs are dropped.
    """
    changed = orders["changed_at"].to_numpy(dtype="datetime64[ns]")
    relevant = np.flatnonzero(relevant_lines(orders, changed, cut_offs))
    orders = orders.iloc[relevant]
    pos = positions(skus, text_values(orders["sku"]))
    cols = {"pos": pos, "quantity": orders["quantity"].to_numpy(dtype=np.int64),
            "status": text_values(orders["status"]), "order_number": text_values(orders["order_number"]),
            "ordered_at": orders["ordered_at"].to_numpy(dtype="datetime64[ns]"), "changed_at": changed[relevant]}
    leaves = explode_bom(bom) if bom is not None and not bom.empty else pd.DataFrame(
        {"set_sku": [], "component_sku": [], "quantity": []})
    set_pos = positions(skus, text_values(leaves["set_sku"]))
    leaves = leaves[set_pos >= 0].assign(_set=set_pos[set_pos >= 0]).sort_values("_set", kind="stable")
    leaf_pos = positions(skus, text_values(leaves["component_sku"]))
    per = leaves["quantity"].to_numpy(dtype=np.int64)
    count = np.bincount(leaves["_set"].to_numpy(dtype=np.int64), minlength=len(skus))
    start = np.cumsum(count) - count
    known = pos >= 0
    plain = np.flatnonzero(known & (count[np.maximum(pos, 0)] == 0))
    sets = np.flatnonzero(known & (count[np.maximum(pos, 0)] > 0))
    reps = count[pos[sets]]
    line = np.repeat(sets, reps)
    offset = np.arange(len(line)) - np.repeat(np.cumsum(reps) - reps, reps)
    recipe_row = start[pos[line]] + offset
    idx = np.concatenate([plain, line])
    out = {k: v[idx] for k, v in cols.items()}
    out["pos"] = np.concatenate([pos[plain], leaf_pos[recipe_row]])
    out["quantity"] = out["quantity"] * np.concatenate([np.ones(len(plain), np.int64), per[recipe_row]])
    valid = out["pos"] >= 0
    return {k: v[valid] for k, v in out.items()}


def relevant_lines(orders: pd.DataFrame, changed: np.ndarray, cut_offs: tuple[np.datetime64, np.ndarray]) -> np.ndarray:
    """Mask of the order lines reconciliation reads.

    A shipped line matters while it was still open at one of the cut-off times (``as_of`` or a
    SKU's last RMS update), or when its order also has a returned or cancelled line (to tell
    which units went out). Of two years of history only the last hours' shipments and the
    orders with a return or cancellation remain. Lines of one order share its ``ordered_at``
    (the order's time), which finds those orders without comparing every order number.
    """
    as_of, rms_t = cut_offs
    status = text_values(orders["status"])
    first_cut = min(as_of, rms_t.min()) if (~np.isnat(rms_t)).any() else as_of
    keep = (status != _SHIPPED) | ~(changed <= first_cut)
    back = (status == _RETURNED) | (status == _CANCELLED)
    todo = np.flatnonzero(~keep)
    if back.any() and len(todo):
        ordered = orders["ordered_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        todo = todo[pd.Index(np.unique(ordered[back])).get_indexer(ordered[todo]) >= 0]
        numbers = orders["order_number"].to_numpy(dtype=object)
        same = pd.Index(pd.unique(numbers[back])).get_indexer(numbers[todo]) >= 0
        keep[todo[same]] = True
    return keep
