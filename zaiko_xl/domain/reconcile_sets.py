"""The set rule as reconciliation needs it: per row, units a set may show, units taken from singles.

``allot_sets`` applies ``domain.bom.split_sellable`` (data-contracts §4) to the sellable
units of the single SKUs and lays the outcome out along the rows of the comparison, with
the component that limits each set (for the evidence text).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zaiko_xl.domain.bom import explode_bom, set_order, split_sellable


@dataclass(frozen=True)
class SetAllotment:
    """What the set rule gives, aligned with the ``skus`` passed to :func:`allot_sets`."""

    units: np.ndarray  # sets: units the set may sell; singles: units left for the single
    taken: np.ndarray  # singles: units given to sets (0 for sets)
    limit_sku: np.ndarray  # sets: the component that limits the set ('' if none)
    limit_units: np.ndarray  # sets: that component's sellable units left when the set's turn came


def allot_sets(skus: pd.Series, sellable: np.ndarray, bom: pd.DataFrame | None,
               set_rules: pd.DataFrame | None) -> SetAllotment:
    """The set rule on the sellable units of ``skus`` (entries of sets and NaN are ignored).

    Args:
        skus: the rows' SKU codes (may repeat: orphan codes; the first row of a code counts).
        sellable: sellable units per row (``max(0, P - allocated - buffer)``).
        bom: set structure (nested or exploded); None or empty: no sets.
        set_rules: ``set_sku``, ``priority``, ``cap``.
    """
    n = len(skus)
    have = np.maximum(np.nan_to_num(np.asarray(sellable, dtype=float)), 0).astype(np.int64)
    limit_sku, limit_units = np.full(n, "", dtype=object), np.zeros(n, dtype=np.int64)
    if bom is None or bom.empty:
        return SetAllotment(have.copy(), np.zeros(n, np.int64), limit_sku, limit_units)
    leaves = explode_bom(bom)
    codes = pd.Index(skus.astype(str).to_numpy(dtype=object))
    is_set = codes.isin(pd.Index(leaves["set_sku"].unique()))
    first = ~codes.duplicated()
    used = ~is_set & first & codes.isin(pd.Index(leaves["component_sku"].unique()))  # singles no set uses keep all
    split = split_sellable(pd.Series(have[used], index=codes[used]), leaves, set_rules)
    left = np.where(used, split.singles.reindex(codes).fillna(0).to_numpy(dtype=np.int64), have)
    given = split.sets.reindex(codes).fillna(0).to_numpy(dtype=np.int64)
    units = np.where(is_set, given, left)
    taken = np.where(is_set, 0, have - left)
    limits = _limits(leaves, split.sets, split.singles, set_order(leaves, set_rules))
    limit_sku = np.where(is_set, limits["component_sku"].reindex(codes).fillna("").to_numpy(dtype=object), "")
    limit_units = np.where(is_set, limits["before"].reindex(codes).fillna(0).to_numpy(dtype=np.int64), 0)
    return SetAllotment(units.astype(np.int64), taken.astype(np.int64), limit_sku.astype(object),
                        limit_units.astype(np.int64))


def _limits(leaves: pd.DataFrame, sets: pd.Series, left: pd.Series, order: pd.DataFrame) -> pd.DataFrame:
    """Per set: the component with the fewest buildable units when the set's turn came, and its units.

    A component's units at set ``s``'s turn are what is left after every set (what ``left``
    holds) plus what ``s`` and the sets served after it took.
    """
    rank = pd.Series(np.arange(len(order)), index=order["set_sku"].to_numpy())
    rows = leaves.assign(rank=leaves["set_sku"].map(rank).to_numpy(),
                         took=leaves["set_sku"].map(sets).fillna(0).to_numpy(dtype=np.int64) * leaves["quantity"])
    rows = rows.sort_values(["component_sku", "rank"], ascending=[True, False], kind="stable")
    later = rows.groupby("component_sku", sort=False)["took"].cumsum()  # this set and the later ones
    rows["before"] = left.reindex(rows["component_sku"]).fillna(0).to_numpy(dtype=np.int64) + later.to_numpy()
    rows["per"] = rows["before"] // rows["quantity"]
    best = rows.sort_values(["set_sku", "per", "component_sku"], kind="stable").drop_duplicates("set_sku")
    return best.set_index("set_sku")[["component_sku", "before"]]
