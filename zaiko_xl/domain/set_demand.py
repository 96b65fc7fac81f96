"""Set products sold -> component units demanded (a minimal BOM explode).

TODO(replace): ``zaiko_xl.domain.bom`` (issue 4) owns the BOM; when its explode function is on
this branch, make ``explode_set_lines`` call it and delete the loop below. Until then this is
the one place the reorder code explodes sets.
"""

from __future__ import annotations

import pandas as pd

from zaiko_xl.errors import BomCycle

MAX_SET_DEPTH = 20


def explode_set_lines(lines: pd.DataFrame, bom: pd.DataFrame | None) -> pd.DataFrame:
    """Replace every line of a set SKU by its components (nested sets down to leaves).

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
    recipe = bom[["set_sku", "component_sku", "quantity"]].rename(
        columns={"set_sku": "sku", "quantity": "_per_set"})
    sets = set(recipe["sku"])
    done = [lines[~lines["sku"].isin(sets)]]
    pending = lines[lines["sku"].isin(sets)]
    for _ in range(MAX_SET_DEPTH):
        if pending.empty:
            return pd.concat(done, ignore_index=True)
        parts = pending.merge(recipe, on="sku", how="inner")
        parts["quantity"] = parts["quantity"] * parts.pop("_per_set")
        parts["sku"] = parts.pop("component_sku")
        parts = parts[list(lines.columns)]
        done.append(parts[~parts["sku"].isin(sets)])
        pending = parts[parts["sku"].isin(sets)]
    raise BomCycle(sku=", ".join(sorted(set(pending["sku"]))[:5]))
