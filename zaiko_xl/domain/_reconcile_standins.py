"""Private stand-ins for domain modules built in parallel (REPLACE when they land).

Each stand-in sits behind one function with the shape reconciliation needs:

- ``resolve_codes``  -> ``domain/sku.py`` (matching raw codes to ``sku`` with ``match``)
- ``allot_sets``     -> ``domain/bom.py`` (set explode + the set rule of data-contracts §4)

Ledger balances and open allocations are computed inline in ``reconcile_inputs`` with
per-SKU cut-off times (vectorised ``bincount``), which ``domain/ledger.py`` and
``domain/allocation.py`` may offer later; they are marked there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

MATCHES = ("exact", "mapping", "normalised", "unmatched")
_HYPHENS = re.compile(r"[\u2010-\u2015\u2212\u30fc\uff70\u2043\ufe63\uff0d\u02d7\u2796]")
_SPACES = re.compile(r"\s+")
_PLAIN = re.compile(r"[\x00\x21-\x7e]*")  # printable ASCII without spaces, NUL-separated


def normalise_code(code: str) -> str:
    """NFKC, every hyphen / long-vowel variant to '-', no spaces, case-folded (stand-in)."""
    text = unicodedata.normalize("NFKC", str(code))
    return _SPACES.sub("", _HYPHENS.sub("-", text)).casefold()


def normalise_rms_key(key: str) -> str:
    """``manage_number:variant_id``: the manage number case-folded, the variant id case kept."""
    manage, _, variant = str(key).partition(":")
    text = unicodedata.normalize("NFKC", variant)
    return normalise_code(manage) + ":" + _SPACES.sub("", _HYPHENS.sub("-", text))


def _normalised(codes: np.ndarray, fold: Callable[[str], str]) -> list[str]:
    """``fold`` for many codes; plain ASCII codes take the fast path (lower case) with normalise_code."""
    if fold is not normalise_code:
        return [fold(c) for c in codes]
    joined = "\x00".join(codes)
    if joined.isascii() and not _SPACES.search(joined) and _PLAIN.fullmatch(joined):
        return joined.lower().split("\x00") if len(codes) else []  # one pass for plain ASCII codes
    return [c.lower() if c.isascii() and c.isprintable() and " " not in c else normalise_code(c) for c in codes]


def resolve_codes(raw: pd.Series, exact: pd.Series, skus: pd.Series, mapped: pd.Series | None = None,
                  fold: Callable[[str], str] = normalise_code) -> tuple[np.ndarray, np.ndarray]:
    """REPLACE with domain/sku.py. Raw codes -> (row index into ``skus`` or -1, match label).

    Args:
        raw: codes as a source writes them.
        exact: the code each SKU carries in that source (aligned with ``skus``).
        skus: the master codes.
        mapped: optional alternative code per SKU from the mapping sheet (aligned with ``skus``).
        fold: the normalisation (``normalise_rms_key`` for RMS keys).
    """
    raw_codes = raw.astype(str).to_numpy(dtype=object)
    pos = _first_positions(pd.Index(exact.astype(str).to_numpy(dtype=object)), raw_codes)
    match = np.where(pos >= 0, "exact", "unmatched").astype(object)
    if mapped is not None:
        todo = np.flatnonzero(pos < 0)
        found = _first_positions(pd.Index(mapped.astype(str).to_numpy(dtype=object)), raw_codes[todo])
        pos[todo] = found
        match[todo[found >= 0]] = "mapping"
    todo = np.flatnonzero(pos < 0)
    if len(todo):
        exact_codes = exact.astype(str).to_numpy(dtype=object)
        sku_codes = skus.astype(str).to_numpy(dtype=object)
        keys = _normalised(exact_codes, fold)
        if fold is normalise_code and not np.array_equal(exact_codes, sku_codes):
            keys = keys + _normalised(sku_codes, fold)
        found = _first_positions(pd.Index(keys), np.array(_normalised(raw_codes[todo], fold), dtype=object))
        found = np.where(found >= len(exact_codes), found - len(exact_codes), found)
        pos[todo] = found
        match[todo[found >= 0]] = "normalised"
    return pos, match


def _first_positions(index: pd.Index, values: np.ndarray) -> np.ndarray:
    """Position of each value in ``index`` (first occurrence), -1 when absent."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    if index.is_unique:
        return index.get_indexer(values).astype(np.int64)
    dup = index.duplicated()
    found = index[~dup].get_indexer(values)
    return np.where(found >= 0, np.flatnonzero(~dup)[np.maximum(found, 0)], -1).astype(np.int64)


@dataclass(frozen=True)
class SetAllotment:
    """What the set rule gives: per SKU (aligned with the ``skus`` passed in)."""

    units: np.ndarray  # sets: units the set may sell; leaves: units left for the single
    taken: np.ndarray  # leaves: units given to sets (0 for sets)
    limit_sku: np.ndarray  # sets: the component that limits the set ('' if none)
    limit_units: np.ndarray  # sets: that component's remaining sellable units before the set took


def explode_bom(bom: pd.DataFrame) -> dict[str, dict[str, int]]:
    """REPLACE with domain/bom.py. Set -> {leaf component: units per set}, nested sets flattened."""
    direct: dict[str, list[tuple[str, int]]] = {}
    for s, c, q in zip(bom["set_sku"].astype(str).tolist(), bom["component_sku"].astype(str).tolist(),
                       bom["quantity"].astype(int).tolist(), strict=True):
        direct.setdefault(s, []).append((c, q))
    memo: dict[str, dict[str, int]] = {}

    def leaves(sku: str, depth: int) -> dict[str, int]:
        if sku not in direct:
            return {sku: 1}
        if depth > 20:
            raise ValueError(f"set {sku} nests more than 20 levels (a cycle?)")
        if sku not in memo:
            out: dict[str, int] = {}
            for comp, qty in direct[sku]:
                for leaf, q in leaves(comp, depth + 1).items():
                    out[leaf] = out.get(leaf, 0) + q * qty
            memo[sku] = out
        return memo[sku]

    return {s: leaves(s, 0) for s in direct}


def allot_sets(skus: pd.Series, sellable: np.ndarray, bom: pd.DataFrame,
               set_rules: pd.DataFrame | None) -> SetAllotment:
    """REPLACE with domain/bom.py. The set rule (data-contracts §4) on sellable leaf units.

    Sets take in ``priority`` order (ties: ``set_sku``), each ``min(buildable, cap)``; the
    singles keep what remains. ``sellable`` is aligned with ``skus`` (sets' entries ignored).
    """
    n = len(skus)
    remaining = np.maximum(np.nan_to_num(sellable.astype(float)), 0).astype(np.int64)
    units, taken = remaining.copy(), np.zeros(n, dtype=np.int64)
    limit_sku, limit_units = np.full(n, "", dtype=object), np.zeros(n, dtype=np.int64)
    if bom is None or bom.empty:
        return SetAllotment(units, taken, limit_sku, limit_units)
    index = pd.Index(skus.astype(str))
    recipes = explode_bom(bom)
    order = _set_order(recipes, set_rules)
    flat = [(c, q) for s, _ in order for c, q in recipes[s].items()]
    leaf_pos = index.get_indexer([c for c, _ in flat]).tolist()
    set_pos = index.get_indexer([s for s, _ in order]).tolist()
    rem = remaining.tolist()
    k = 0
    for (set_sku, cap), row in zip(order, set_pos, strict=True):
        comps = [(leaf_pos[k + i], q, c) for i, (c, q) in enumerate(recipes[set_sku].items())]
        k += len(comps)
        have = [rem[p] if p >= 0 else 0 for p, _, _ in comps]
        per = [h // q for h, (_, q, _) in zip(have, comps, strict=True)]
        build = min(per) if cap is None else min(min(per), cap)
        for p, q, _ in comps:
            if p >= 0:
                rem[p] -= build * q
        if row >= 0:
            units[row] = build
            j = per.index(min(per))
            limit_sku[row], limit_units[row] = comps[j][2], have[j]
    remaining = np.array(rem, dtype=np.int64)
    leaves = ~index.isin(list(recipes))
    taken[leaves] = units[leaves] - remaining[leaves]
    units[leaves] = remaining[leaves]
    return SetAllotment(units, taken, limit_sku, limit_units)


def _set_order(recipes: dict[str, dict[str, int]], rules: pd.DataFrame | None) -> list[tuple[str, int | None]]:
    prio: dict[str, tuple[float, int | None]] = {}
    if rules is not None and not rules.empty:
        caps = rules["cap"].astype("Int64") if "cap" in rules else pd.Series(pd.NA, index=rules.index, dtype="Int64")
        for s, p, c in zip(rules["set_sku"].astype(str).tolist(), rules["priority"].astype(float).tolist(),
                           caps.tolist(), strict=True):
            prio[s] = (p, None if c is pd.NA else int(c))
    order = sorted(recipes, key=lambda s: (prio.get(s, (float("inf"), None))[0], s))
    return [(s, prio.get(s, (0.0, None))[1]) for s in order]
