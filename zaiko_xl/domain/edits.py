"""Hand edits that must survive a rewrite of one of zaiko-xl's sheets. Pure: DataFrames in and out.

A person edits a few cells of a generated sheet (e.g. 確定在庫 and 反映 on 在庫比較); the next run
writes fresh rows. ``carry_hand_edits`` copies those edits into the fresh rows, matching rows by
a key column, so that a run never overwrites what a person decided.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def hand_edited(old: pd.DataFrame, field: str, baseline: str | None) -> pd.Series:
    """Which rows of ``old`` hold a hand edit in ``field``.

    Booleans count when true (a tick). Other values count when present and, if ``baseline`` is
    given, different from the baseline (the value zaiko-xl suggested in the same row).
    """
    values = old[field]
    if values.dtype == bool or pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype(bool)
    present = values.notna()
    if baseline is None or baseline not in old.columns:
        return present
    base = old[baseline]
    same = (values == base) & base.notna()
    return present & ~same.fillna(False).astype(bool)


def carry_hand_edits(new: pd.DataFrame, old: pd.DataFrame, key: str,
                     kept: Mapping[str, str | None]) -> tuple[pd.DataFrame, int]:
    """Copy hand edits from ``old`` into ``new`` where the key matches.

    Args:
        new: the rows about to be written.
        old: the rows read back from the sheet before writing.
        key: column identifying a row in both frames (e.g. ``sku``).
        kept: field -> baseline field (or None) for every column whose hand edits survive.

    Returns:
        A copy of ``new`` with the edits applied, and how many cells were carried over.
    """
    out = new.copy()
    if old.empty or key not in old.columns or key not in out.columns:
        return out, 0
    old_by_key = old.drop_duplicates(subset=key, keep="first").set_index(key)
    carried = 0
    for field, baseline in kept.items():
        if field not in old_by_key.columns:
            continue
        edited = hand_edited(old_by_key, field, baseline)
        edits = old_by_key.loc[edited, field]
        if edits.empty:
            continue
        incoming = out[key].map(edits)
        take = incoming.notna()
        if not take.any():
            continue
        current = out[field] if field in out.columns else pd.Series(pd.NA, index=out.index, dtype=object)
        out[field] = current.where(~take, incoming)
        carried += int(take.sum())
    return out, carried
