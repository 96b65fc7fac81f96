"""Set products sold -> component units demanded, on top of ``domain.bom``'s explode."""

from __future__ import annotations

import pandas as pd

from zaiko_xl.domain.bom import explode_bom


def explode_set_lines(lines: pd.DataFrame, bom: pd.DataFrame | None) -> pd.DataFrame:
    """Replace every line of a set SKU by its leaf components (nested sets included).

    Args:
        lines: any frame with ``sku`` and ``quantity`` columns (other columns are kept and
            copied to the component lines).
        bom: ``set_sku``, ``component_sku``, ``quantity`` (units of the component per set).

    Returns:
        The same columns; set lines replaced by component lines with quantity × BOM quantity.

    Raises:
        BomCycle: a set contains itself (directly or through other sets).
    """
    if bom is None or bom.empty or lines.empty:
        return lines
    recipe = explode_bom(bom).rename(columns={"set_sku": "sku", "quantity": "_per_set"})
    is_set = lines["sku"].isin(recipe["sku"].unique())
    parts = lines[is_set].merge(recipe, on="sku", how="inner")
    parts["quantity"] = parts["quantity"] * parts.pop("_per_set")
    parts["sku"] = parts.pop("component_sku")
    return pd.concat([lines[~is_set], parts[list(lines.columns)]], ignore_index=True)
