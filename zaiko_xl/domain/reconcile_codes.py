"""Which master SKU each source row belongs to, for reconciliation (pure).

A frame that carries a ``match`` column next to ``sku`` was resolved already: the sheets
RMS在庫 and 倉庫在庫 are written that way by ``zaiko-xl pull``, which matched them with
``domain.sku``. Its ``sku`` and ``match`` are taken as they are (a ``sku`` the item master
no longer has counts as unmatched). Any other frame is resolved here with the same
functions of ``domain.sku`` (data-contracts §6):

- warehouse codes: ``match_warehouse_codes``, with the ``warehouse_code`` of the item master
  and of the mapping sheet (対応表) as aliases;
- RMS keys: ``match_rms_keys`` (exact = ``variant_id`` is the shop code; mapping = the
  (folded manageNumber, variantId) pair is in the item master or the mapping sheet;
  normalised = ``variant_id`` equals a shop code after normalisation);
- ledger codes: ``match_codes``, with the ``warehouse_code`` and ``jan`` of the item master and
  the mapping sheet as aliases (as ``domain.pull_match`` reports them on 照合結果).

Codes are matched once per distinct value, so a ledger of millions of rows costs what its
distinct codes cost.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from zaiko_xl.domain.sku import CodeMatch, Match, match_codes, match_rms_keys, match_warehouse_codes

if TYPE_CHECKING:
    from zaiko_xl.domain.reconcile_inputs import SourceFrames

RMS_IDENTITY = ("manage_number", "variant_id")


@dataclass(frozen=True)
class Resolved:
    """Per source row: position of its SKU in the master index (-1: none) and how it matched."""

    pos: np.ndarray
    match: np.ndarray


def resolve_warehouse(frame: pd.DataFrame, items: pd.DataFrame, mapping: pd.DataFrame | None,
                      skus: pd.Index) -> Resolved:
    """Warehouse rows (``warehouse_code``) -> master SKUs."""
    if "match" in frame:
        return _from_match(frame["sku"], frame["match"], skus)
    return _resolve(text_values(frame["warehouse_code"]), skus, lambda codes: match_warehouse_codes(
        codes, pd.Series(skus), _aliases(items, mapping, ("warehouse_code",))))


def resolve_ledger(frame: pd.DataFrame, items: pd.DataFrame, mapping: pd.DataFrame | None,
                   skus: pd.Index) -> Resolved:
    """Ledger rows (``sku`` as the ledger writes it) -> master SKUs.

    Like pull's 照合結果 (``domain.pull_match``): the shop code, or a ``warehouse_code`` / ``jan``
    of the item master or 対応表, exactly or after normalisation.
    """
    if "match" in frame:
        return _from_match(frame["sku"], frame["match"], skus)
    def match(codes: pd.Series) -> CodeMatch:  # only for codes that are not a shop code as written
        aliases = pd.concat([_aliases(items, mapping, (column,)).rename(columns={column: "code"})
                             for column in ("warehouse_code", "jan")], ignore_index=True)
        return match_codes(codes, pd.Series(skus), aliases)

    return _resolve(text_values(frame["sku"]), skus, match)


def resolve_rms(frame: pd.DataFrame, items: pd.DataFrame, mapping: pd.DataFrame | None,
                skus: pd.Index) -> Resolved:
    """RMS rows (``manage_number``, ``variant_id``) -> master SKUs."""
    if "match" in frame:
        return _from_match(frame["sku"], frame["match"], skus)
    manage, variant = text_values(frame["manage_number"]), text_values(frame["variant_id"])
    pos = positions(skus, variant)  # exact: the variantId is the shop code, case and all
    match = np.where(pos >= 0, Match.EXACT.value, Match.UNMATCHED.value).astype(object)
    todo = np.flatnonzero(pos < 0)
    if len(todo):
        found = match_rms_keys(pd.Series(manage[todo], dtype="str"), pd.Series(variant[todo], dtype="str"),
                               pd.Series(skus), _aliases(items, mapping, RMS_IDENTITY)).resolved
        rest = _from_match(found["sku"], found["match"], skus)
        pos[todo], match[todo] = rest.pos, rest.match
    return Resolved(pos, match)


def with_matches(frames: SourceFrames) -> SourceFrames:
    """The frames with ``sku`` and ``match`` on the warehouse and RMS rows, as ``zaiko-xl pull`` writes them."""
    skus = pd.Index(text_values(frames.items["sku"]))
    out = {}
    for name, resolve in (("warehouse", resolve_warehouse), ("rms_stock", resolve_rms)):
        frame = getattr(frames, name)
        found = resolve(frame, frames.items, frames.mapping, skus)
        sku = np.where(found.pos >= 0, skus.to_numpy()[np.maximum(found.pos, 0)], "")
        out[name] = frame.assign(sku=pd.array(sku, dtype="str"), match=pd.array(found.match, dtype="str"))
    return dataclasses.replace(frames, **out)


def positions(index: pd.Index, values: np.ndarray) -> np.ndarray:
    """Position of each value in ``index`` (its first occurrence), -1 when absent."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    if index.is_unique:
        return index.get_indexer(values).astype(np.int64)
    dup = index.duplicated()
    found = index[~dup].get_indexer(values)
    return np.where(found >= 0, np.flatnonzero(~dup)[np.maximum(found, 0)], -1).astype(np.int64)


def _resolve(raw: np.ndarray, skus: pd.Index, match: Callable[[pd.Series], CodeMatch]) -> Resolved:
    """Raw codes -> SKUs: exact codes directly, the others (once per distinct code) by ``match``."""
    codes, uniques = pd.factorize(raw)
    distinct = np.asarray(uniques, dtype=object)
    pos = positions(skus, distinct)  # exact (domain.sku's first step, which nothing overrides)
    labels = np.where(pos >= 0, Match.EXACT.value, Match.UNMATCHED.value).astype(object)
    todo = np.flatnonzero(pos < 0)
    if len(todo):
        found = match(pd.Series(distinct[todo], dtype="str")).resolved
        rest = _from_match(found["sku"], found["match"], skus)
        pos[todo], labels[todo] = rest.pos, rest.match
    return Resolved(pos[codes], labels[codes])


def _from_match(sku: pd.Series, match: pd.Series, skus: pd.Index) -> Resolved:
    labels = text_values(match)
    pos = positions(skus, text_values(sku))
    pos = np.where(labels == Match.UNMATCHED.value, -1, pos)
    labels = np.where(pos >= 0, np.where(np.isin(labels, [m.value for m in Match]), labels, Match.EXACT.value),
                      Match.UNMATCHED.value).astype(object)
    return Resolved(pos.astype(np.int64), labels)


def _aliases(items: pd.DataFrame, mapping: pd.DataFrame | None, columns: tuple[str, ...]) -> pd.DataFrame:
    """The identity columns of the item master and the mapping sheet, one table (rows with a gap dropped)."""
    frames = [f.loc[:, ["sku", *columns]] for f in (items, mapping)
              if f is not None and set(columns) <= set(f.columns) and "sku" in f.columns]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["sku", *columns])
    table = table.dropna()
    table = table[(table[list(columns)].astype(str) != "").all(axis=1)]
    return table.astype("str").drop_duplicates(ignore_index=True)


def text_values(col: pd.Series) -> np.ndarray:
    """A text column as an object array of str ('' for missing; numbers as text)."""
    values = col.to_numpy(dtype=object, na_value="")
    if isinstance(col.dtype, pd.StringDtype):
        return values
    return np.array([v if type(v) is str else "" if v is None or v != v else str(v) for v in values], dtype=object)
