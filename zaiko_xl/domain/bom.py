"""Set products (セット商品): explosion to leaf components, buildable quantity, the set rule.

Sets are virtual: the warehouse holds only components. ``bom`` rows are
``set_sku, component_sku, quantity``; a component may itself be a set (nested). Every
function here accepts the raw (nested) frame or the frame from :func:`explode_bom`.

The set rule (data-contracts.md §4) shares each component's sellable units among its
claimants: sets in ``set_rules.priority`` order (ties by ``set_sku``; sets without a rule
come last), each taking ``min(buildable from what remains, cap)``; then the component's
own single SKU takes whatever remains. No unit is ever counted twice.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zaiko_xl.errors import BomCycle, BomInvalid

BOM_COLUMNS = ["set_sku", "component_sku", "quantity"]


def explode_bom(bom: pd.DataFrame) -> pd.DataFrame:
    """Nested sets -> leaf components, quantities multiplied along the way.

    Args:
        bom: ``set_sku``, ``component_sku``, ``quantity`` (positive int); repeated pairs add up.

    Returns:
        ``set_sku``, ``component_sku``, ``quantity`` (int64), one row per (set, leaf
        component), sorted; no ``component_sku`` is a set.

    Raises:
        BomInvalid: a missing code or a quantity that is not a positive whole number.
        BomCycle: a set contains itself, directly or through other sets.
    """
    bom = _validated(bom)
    _check_cycles(bom)
    set_skus = pd.Index(bom["set_sku"].unique())
    leaves, frontier = [bom.iloc[:0]], bom
    while not frontier.empty:
        nested = frontier["component_sku"].isin(set_skus)
        leaves.append(frontier[~nested])
        inner = frontier[nested].merge(bom, left_on="component_sku", right_on="set_sku", suffixes=("", "_in"))
        frontier = pd.DataFrame({"set_sku": inner["set_sku"], "component_sku": inner["component_sku_in"],
                                 "quantity": inner["quantity"] * inner["quantity_in"]})
    flat = pd.concat(leaves, ignore_index=True).groupby(["set_sku", "component_sku"], sort=True)["quantity"].sum()
    return flat.reset_index().astype({"quantity": "int64"})


def buildable(bom: pd.DataFrame, stock: pd.Series) -> pd.Series:
    """How many of each set the component stock can build (each set on its own, not shared).

    Args:
        bom: set structure (nested or exploded).
        stock: units per component ``sku``; missing components count as 0, negatives as 0.

    Returns:
        int64 Series ``set_sku`` -> buildable units.
    """
    leaves = _leaves(bom)
    have = leaves["component_sku"].map(stock).fillna(0).clip(lower=0).astype("int64")
    per_line = have // leaves["quantity"]
    return per_line.groupby(leaves["set_sku"], sort=True).min().astype("int64").rename("buildable")


@dataclass(frozen=True)
class SetSplit:
    """Sellable units after the set rule.

    Attributes:
        sets: ``set_sku`` -> units given to the set.
        singles: ``sku`` -> units left for the single SKU (every SKU of ``sellable`` and every
            leaf component).
    """

    sets: pd.Series
    singles: pd.Series

    def quantities(self) -> pd.Series:
        """Every SKU (sets and singles) -> units it may show."""
        return pd.concat([self.singles, self.sets]).rename("quantity")

    def used_by_sets(self, sellable: pd.Series) -> pd.Series:
        """Units of each single taken by sets (``sellable`` clipped at 0, minus what remains)."""
        before = sellable.reindex(self.singles.index).fillna(0).clip(lower=0).astype("int64")
        return (before - self.singles).rename("used_by_sets")


def split_sellable(sellable: pd.Series, bom: pd.DataFrame, set_rules: pd.DataFrame | None = None) -> SetSplit:
    """Share sellable component units between sets and singles by the set rule.

    Args:
        sellable: ``sku`` -> sellable units (``on_hand - A - buffer``); negatives count as 0.
        bom: set structure (nested or exploded).
        set_rules: ``set_sku``, ``priority`` (lower first), ``cap`` (nullable: no cap).

    Returns:
        A :class:`SetSplit`.
    """
    leaves = _leaves(bom)
    order = _set_order(leaves, set_rules)
    skus = pd.Index(sellable.index).union(pd.Index(leaves["component_sku"].unique()))
    remaining = sellable.reindex(skus).fillna(0).clip(lower=0).astype("int64").to_numpy().copy()
    leaves = leaves.assign(rank=leaves["set_sku"].map(pd.Series(np.arange(len(order)), index=order["set_sku"])))
    leaves = leaves.sort_values(["rank", "component_sku"], kind="stable")
    positions = skus.get_indexer(leaves["component_sku"])
    quantity = leaves["quantity"].to_numpy()
    bounds = np.searchsorted(leaves["rank"].to_numpy(), np.arange(len(order) + 1))
    given = _take_in_order(remaining, positions, quantity, bounds, order["cap"].to_numpy())
    sets = pd.Series(given, index=pd.Index(order["set_sku"], name="set_sku"), name="quantity").sort_index()
    return SetSplit(sets=sets, singles=pd.Series(remaining, index=skus.rename("sku"), name="quantity"))


def set_order(bom: pd.DataFrame, set_rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every set of ``bom`` in the order the set rule serves them (what :func:`split_sellable` uses).

    Returns:
        ``set_sku``, ``priority`` (float; sets without a rule: inf), ``cap`` (int64; -1 = no cap).
    """
    return _set_order(_leaves(bom), set_rules)


def explode_order_lines(orders: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    """Order lines of sets -> lines of their leaf components (quantity multiplied).

    Args:
        orders: any frame with ``sku`` and ``quantity`` (e.g. the orders contract).
        bom: set structure (nested or exploded).

    Returns:
        The same columns plus ``set_sku`` (the set a line came from; missing for singles).
        Set lines are repeated once per component; the index labels of the input are kept
        (repeated for set lines) and lines stay in input order.
    """
    leaves = _leaves(bom)
    is_set = orders["sku"].isin(pd.Index(leaves["set_sku"].unique()))
    singles = orders[~is_set].assign(set_sku=pd.Series(np.nan, index=orders.index[~is_set], dtype="str"))
    sets = orders[is_set]
    if sets.empty:
        return singles
    merged = sets.reset_index(names="_line").merge(
        leaves.rename(columns={"quantity": "_per_set", "component_sku": "_component"}),
        left_on="sku", right_on="set_sku", how="inner")
    merged["quantity"] = merged["quantity"] * merged["_per_set"]
    merged["sku"] = merged["_component"]
    exploded = merged.set_index("_line").rename_axis(orders.index.name)[[*orders.columns, "set_sku"]]
    return pd.concat([singles, exploded]).sort_index(kind="stable")


# ------------------------------------------------------------------ helpers
def _validated(bom: pd.DataFrame) -> pd.DataFrame:
    frame = bom.loc[:, BOM_COLUMNS]
    missing = frame[["set_sku", "component_sku"]].isna().any(axis=1) | (frame["set_sku"] == "") | (
        frame["component_sku"] == "")
    quantity = pd.to_numeric(frame["quantity"], errors="coerce")
    bad_quantity = quantity.isna() | (quantity <= 0) | (quantity != quantity.round())
    bad = missing | bad_quantity
    if bad.any():
        row = frame[bad].iloc[0]
        what = ("コードが空です", "a code is empty") if missing[bad].iloc[0] else (
            f"数量 {row['quantity']} は正の整数ではありません", f"quantity {row['quantity']} is not a positive whole number")
        raise BomInvalid(set_sku=row["set_sku"], component_sku=row["component_sku"],
                         detail_ja=what[0], detail_en=what[1])
    return frame.assign(quantity=quantity.astype("int64")).astype({"set_sku": "str", "component_sku": "str"})


def _check_cycles(bom: pd.DataFrame) -> None:
    set_skus = set(bom["set_sku"])
    nested = bom[bom["component_sku"].isin(set_skus)]
    graph: dict[str, set[str]] = {}
    for parent, child in zip(nested["set_sku"], nested["component_sku"], strict=True):
        graph.setdefault(parent, set()).add(child)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        raise BomCycle(cycle=" -> ".join(reversed(exc.args[1]))) from None


def _leaves(bom: pd.DataFrame) -> pd.DataFrame:
    if bom["component_sku"].isin(pd.Index(bom["set_sku"].unique())).any() or bom.duplicated(
            ["set_sku", "component_sku"]).any():
        return explode_bom(bom)
    return _validated(bom)


def _set_order(leaves: pd.DataFrame, set_rules: pd.DataFrame | None) -> pd.DataFrame:
    """Every set of ``leaves`` with its priority and cap (-1 = no cap), in rule order."""
    sets = pd.DataFrame({"set_sku": leaves["set_sku"].unique()})
    if set_rules is not None and not set_rules.empty:
        rules = set_rules.loc[:, ["set_sku", "priority", "cap"]].drop_duplicates("set_sku", keep="first")
        sets = sets.merge(rules, on="set_sku", how="left")
    else:
        sets = sets.assign(priority=np.nan, cap=np.nan)
    sets["priority"] = pd.to_numeric(sets["priority"]).astype("float64").fillna(np.inf)  # no rule: last
    sets["cap"] = pd.to_numeric(sets["cap"]).fillna(-1).clip(lower=-1).astype("int64")
    return sets.sort_values(["priority", "set_sku"], kind="stable").reset_index(drop=True)


def _take_in_order(remaining: np.ndarray, positions: np.ndarray, quantity: np.ndarray, bounds: np.ndarray,
                   caps: np.ndarray) -> np.ndarray:
    """Each set in turn takes what it can build from ``remaining`` (changed in place)."""
    given = np.zeros(len(caps), dtype=np.int64)
    for i, cap in enumerate(caps.tolist()):
        start, end = bounds[i], bounds[i + 1]
        idx, per_set = positions[start:end], quantity[start:end]
        units = int((remaining[idx] // per_set).min()) if end > start else 0
        if cap >= 0:
            units = min(units, cap)
        if units > 0:
            remaining[idx] -= units * per_set  # a component appears once per set
            given[i] = units
    return given
