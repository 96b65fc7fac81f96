"""Per-SKU resolved numbers for reconciliation, built from the source frames (pure).

``build_reconcile_input(frames, as_of)`` turns the frames of data-contracts §2 into the
``reconcile_input`` frame of data-contracts §5: one row per master SKU (sets included)
plus one row per raw code that matches no SKU (an *orphan*). Everything is vectorised:
codes are hashed into row positions once, set order lines are exploded to their leaf
components with index arrays, per-SKU cut-off times (the warehouse file's time, RMS's last
update) are compared event by event and summed with ``bincount``.

Booking rule (which ledger row books which event): a ledger ``入荷`` books the inbound row
with the same ``reference``; ``出荷``, ``返品`` and ``キャンセル戻し`` book the order line with
``reference`` = ``order_number`` (and the same SKU).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.domain._reconcile_standins import explode_bom, normalise_rms_key, resolve_codes
from zaiko_xl.domain.model import MovementKind

_KINDS = list(MovementKind)
_KIND_ID = {k.value: i for i, k in enumerate(_KINDS)}
_SIGN = np.array([k.sign for k in _KINDS] + [0], dtype=np.int64)  # last: unknown kind
_NAT = np.datetime64("NaT", "ns")
_INT_COLUMNS = ("wh_on_hand", "wh_reserved", "wh_available", "rms_quantity", "ledger_balance", "allocated",
                "moved_after_wh", "moved_after_rms", "inbound_after_rms", "alloc_change_after_rms",
                "orders_after_rms", "pending_inbound", "pending_returns", "pending_cancels")


@dataclass(frozen=True)
class SourceFrames:
    """The source frames of data-contracts §2 that reconciliation reads."""

    items: pd.DataFrame
    warehouse: pd.DataFrame
    rms_stock: pd.DataFrame
    ledger: pd.DataFrame
    orders: pd.DataFrame
    inbound: pd.DataFrame
    bom: pd.DataFrame
    set_rules: pd.DataFrame | None = None


@dataclass
class _Work:
    """The SKU index (hashed once), the cut-off time and the columns being built."""

    skus: pd.Index
    t: np.datetime64
    cols: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return len(self.skus)

    def total(self, pos: np.ndarray, values: np.ndarray) -> np.ndarray:
        if not len(pos):
            return np.zeros(self.n, np.int64)
        return np.bincount(pos, weights=values, minlength=self.n).astype(np.int64)


def build_reconcile_input(frames: SourceFrames, as_of: datetime) -> pd.DataFrame:
    """The ``reconcile_input`` frame (data-contracts §5) as of ``as_of`` (JST, naive)."""
    items = frames.items.reset_index(drop=True)
    skus = pd.Index(_text(items["sku"]), dtype=object)
    w = _Work(skus, np.datetime64(pd.Timestamp(as_of), "ns"), {
        "sku": skus.to_numpy(), "name": _text(items["name"]) if "name" in items else "",
        "group": _text(items["group"]) if "group" in items else "",
        "is_set": items["is_set"].to_numpy(dtype=bool), "orphan": np.full(len(items), "", dtype=object)})
    orphans = [_add_warehouse(w, items, frames.warehouse), _add_rms(w, items, frames.rms_stock)]
    led, led_orphans = _ledger_events(w, frames.ledger)
    _add_ledger(w, led)
    lines = _exploded_lines(w, frames.orders, frames.bom)
    _add_allocations(w, lines)
    _add_pending(w, frames.inbound, lines, led)
    out = pd.DataFrame(w.cols)
    for col in _INT_COLUMNS:
        out[col] = pd.array(out[col], dtype="Int64")
    return pd.concat([out, *orphans, led_orphans], ignore_index=True)


def _add_warehouse(w: _Work, items: pd.DataFrame, wh: pd.DataFrame) -> pd.DataFrame:
    codes = _text(wh["warehouse_code"])
    pos, match = resolve_codes(pd.Series(codes), items["warehouse_code"], items["sku"])
    hit = pos >= 0
    seen = np.zeros(w.n, dtype=bool)
    seen[pos[hit]] = True
    for col in ("on_hand", "reserved", "available"):
        total = w.total(pos[hit], wh[col].to_numpy(dtype=np.int64)[hit]).astype(float)
        w.cols[f"wh_{col}"] = np.where(seen, total, np.nan)
    w.cols["wh_updated_at"] = _per_sku(w, pos[hit], wh["updated_at"].to_numpy(dtype="datetime64[ns]")[hit], _NAT)
    w.cols["wh_match"] = np.where(w.cols["is_set"], "", _worst_match(w, pos[hit], match[hit]))  # sets are virtual
    w.cols["wh_code"] = _per_sku(w, pos[hit], codes[hit], "")
    return _orphans(codes[~hit], "warehouse", "wh_code")


def _add_rms(w: _Work, items: pd.DataFrame, rms: pd.DataFrame) -> pd.DataFrame:
    raw = _text(rms["manage_number"]) + ":" + _text(rms["variant_id"])
    master = pd.Series(_text(items["manage_number"]) + ":" + _text(items["variant_id"]))
    pos, match = resolve_codes(pd.Series(raw), master, items["sku"], fold=normalise_rms_key)
    hit = pos >= 0
    seen = np.zeros(w.n, dtype=bool)
    seen[pos[hit]] = True
    qty = w.total(pos[hit], rms["quantity"].to_numpy(dtype=np.int64)[hit]).astype(float)
    w.cols["rms_quantity"] = np.where(seen, qty, np.nan)
    w.cols["rms_updated"] = _per_sku(w, pos[hit], rms["updated"].to_numpy(dtype="datetime64[ns]")[hit], _NAT)
    w.cols["rms_match"] = _worst_match(w, pos[hit], match[hit])
    w.cols["rms_code"] = _per_sku(w, pos[hit], raw[hit], "")
    return _orphans(raw[~hit], "rms", "rms_code")


def _ledger_events(w: _Work, ledger: pd.DataFrame) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Ledger rows up to ``as_of`` with SKU position and signed delta; orphans for unknown codes."""
    codes = _text(ledger["sku"])
    pos, match = resolve_codes(pd.Series(codes), pd.Series(w.skus), pd.Series(w.skus))
    factor, labels = pd.factorize(_text(ledger["kind"]))
    kind = np.array([_KIND_ID.get(str(k), -1) for k in labels] + [-1], dtype=np.int64)[factor]
    sign = _SIGN[kind]
    qty = ledger["quantity"].to_numpy(dtype=np.int64)
    at = ledger["at"].to_numpy(dtype="datetime64[ns]")
    hit = pos >= 0
    has_rows = np.zeros(w.n, dtype=bool)
    has_rows[pos[hit]] = True
    drifted = hit & (match == "normalised")
    w.cols["ledger_match"] = np.where(w.cols["is_set"], "",  # the ledger books components, not sets
                                      np.where(has_rows, _worst_match(w, pos[hit], match[hit]), "unmatched"))
    w.cols["ledger_code"] = _per_sku(w, pos[drifted], codes[drifted], "")
    keep = hit & (at <= w.t)
    led = {"pos": pos[keep], "kind": kind[keep], "at": at[keep], "reference": _text(ledger["reference"])[keep],
           "delta": np.where(sign == 0, qty, sign * np.abs(qty))[keep]}
    return led, _orphans(pd.unique(codes[~hit]), "ledger", "ledger_code")


def _add_ledger(w: _Work, led: dict[str, np.ndarray]) -> None:
    pos, delta, at = led["pos"], led["delta"], led["at"]
    w.cols["ledger_balance"] = w.total(pos, delta).astype(float)
    after_wh = at > w.cols["wh_updated_at"][pos]
    w.cols["moved_after_wh"] = w.total(pos[after_wh], delta[after_wh])
    after_rms = at > w.cols["rms_updated"][pos]
    w.cols["moved_after_rms"] = w.total(pos[after_rms], delta[after_rms])
    inbound = after_rms & (led["kind"] == _KIND_ID[MovementKind.INBOUND.value])
    w.cols["inbound_after_rms"] = w.total(pos[inbound], delta[inbound])


def _add_allocations(w: _Work, lines: dict[str, np.ndarray]) -> None:
    """Open allocations now, the change since RMS's last update, and new orders since then."""
    pos, qty, ordered, changed = lines["pos"], lines["quantity"], lines["ordered_at"], lines["changed_at"]
    unshipped = lines["status"] == "unshipped"

    def open_at(when: np.ndarray | np.datetime64) -> np.ndarray:
        return (ordered <= when) & (unshipped | (changed > when))

    now = open_at(w.t)
    w.cols["allocated"] = w.total(pos[now], qty[now])
    rms_t = w.cols["rms_updated"][pos]
    then = open_at(rms_t)
    w.cols["alloc_change_after_rms"] = w.cols["allocated"] - w.total(pos[then], qty[then])
    new = now & (ordered > rms_t)
    w.cols["orders_after_rms"] = w.total(pos[new], qty[new])


def _add_pending(w: _Work, inbound: pd.DataFrame, lines: dict[str, np.ndarray], led: dict[str, np.ndarray]) -> None:
    """Received per the WMS / orders but not booked in the ledger, up to the warehouse file's time.

    Such units are in the warehouse's ``on_hand``; those received after RMS's last update are
    also physical movement RMS has not seen (added to ``moved_after_rms``).
    """
    wh_t, rms_t = np.minimum(w.cols["wh_updated_at"], w.t), w.cols["rms_updated"]
    back = np.flatnonzero((lines["status"] == "returned") | (lines["status"] == "cancelled"))
    refs = pd.Index(pd.unique(lines["order_number"][back]))
    ref_of = refs.get_indexer(led["reference"])
    mine = ref_of >= 0
    books = {"key": ref_of[mine] * w.n + led["pos"][mine], "kind": led["kind"][mine]}
    line_key = refs.get_indexer(lines["order_number"][back]) * w.n + lines["pos"][back]
    for col, (pos, at, qty) in (("pending_inbound", _unbooked_inbound(w, inbound, led)),
                                ("pending_returns", _unbooked_lines(lines, back, line_key, books, "returned")),
                                ("pending_cancels", _unbooked_lines(lines, back, line_key, books, "cancelled"))):
        keep = at <= wh_t[pos]
        pos, at, qty = pos[keep], at[keep], qty[keep]
        w.cols[col] = w.total(pos, qty)
        late = at > rms_t[pos]
        w.cols["moved_after_rms"] = w.cols["moved_after_rms"] + w.total(pos[late], qty[late])
        if col == "pending_inbound":
            w.cols["inbound_after_rms"] = w.cols["inbound_after_rms"] + w.total(pos[late], qty[late])


def _unbooked_inbound(w: _Work, inbound: pd.DataFrame, led: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Received inbound rows whose reference no ledger 入荷 carries."""
    pos = w.skus.get_indexer(_text(inbound["sku"]))
    booked = pd.Index(pd.unique(led["reference"][led["kind"] == _KIND_ID[MovementKind.INBOUND.value]]))
    received = inbound["received_at"].to_numpy(dtype="datetime64[ns]")
    keep = (pos >= 0) & ~np.isnat(received) & (booked.get_indexer(_text(inbound["reference"])) < 0)
    return pos[keep], received[keep], inbound["quantity"].to_numpy(dtype=np.int64)[keep]


def _unbooked_lines(lines: dict[str, np.ndarray], back: np.ndarray, line_key: np.ndarray,
                    books: dict[str, np.ndarray], status: str) -> tuple[np.ndarray, ...]:
    """Returned lines without a 返品 booking; cancelled lines booked out (出荷) without キャンセル戻し.

    ``line_key`` / ``books["key"]`` encode (order number, SKU position) as one integer.
    """
    mine = lines["status"][back] == status
    sel, key = back[mine], line_key[mine]
    kind = MovementKind.RETURN if status == "returned" else MovementKind.CANCEL_RETURN
    booked = np.isin(key, books["key"][books["kind"] == _KIND_ID[kind.value]])
    if status == "cancelled":  # never shipped: nothing came back
        booked = booked | ~np.isin(key, books["key"][books["kind"] == _KIND_ID[MovementKind.SHIPMENT.value]])
    keep = sel[~booked]
    return lines["pos"][keep], lines["changed_at"][keep], lines["quantity"][keep]


def _exploded_lines(w: _Work, orders: pd.DataFrame, bom: pd.DataFrame) -> dict[str, np.ndarray]:
    """Order lines with set lines exploded to leaf components (quantities multiplied); unknown SKUs dropped."""
    pos = w.skus.get_indexer(_text(orders["sku"]))
    cols = {"pos": pos, "quantity": orders["quantity"].to_numpy(dtype=np.int64),
            "status": _text(orders["status"]), "order_number": _text(orders["order_number"]),
            "ordered_at": orders["ordered_at"].to_numpy(dtype="datetime64[ns]"),
            "changed_at": orders["changed_at"].to_numpy(dtype="datetime64[ns]")}
    recipes = explode_bom(bom) if bom is not None and not bom.empty else {}
    names = list(recipes)
    sizes = np.array([len(recipes[s]) for s in names], dtype=np.int64)
    leaf_pos = w.skus.get_indexer([c for s in names for c in recipes[s]]) if names else np.zeros(0, np.int64)
    per = np.array([q for s in names for q in recipes[s].values()], dtype=np.int64)
    start, count = np.zeros(w.n, np.int64), np.zeros(w.n, np.int64)
    at = w.skus.get_indexer(names) if names else np.zeros(0, np.int64)
    start[at[at >= 0]], count[at[at >= 0]] = (np.cumsum(sizes) - sizes)[at >= 0], sizes[at >= 0]
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


def _text(col: pd.Series) -> np.ndarray:
    """A text column as a numpy object array of str ('' for missing)."""
    return col.fillna("").astype(str).to_numpy(dtype=object)


def _per_sku(w: _Work, pos: np.ndarray, values: np.ndarray, empty) -> np.ndarray:
    out = np.full(w.n, empty, dtype=values.dtype if values.dtype.kind == "M" else object)
    out[pos] = values
    return out


def _worst_match(w: _Work, pos: np.ndarray, match: np.ndarray) -> np.ndarray:
    """Per SKU the weakest match among its rows; 'unmatched' when no row matched it."""
    rank = {"exact": 0, "mapping": 1, "normalised": 2}
    codes, labels = pd.factorize(match)
    ranks = np.array([rank.get(str(k), 0) for k in labels] + [0], dtype=np.int64)[codes]
    worst = np.full(w.n, -1, dtype=np.int64)
    np.maximum.at(worst, pos, ranks)
    return np.array(["unmatched", "exact", "mapping", "normalised"], dtype=object)[worst + 1]


def _orphans(codes: np.ndarray, source: str, code_col: str) -> pd.DataFrame:
    codes = np.asarray(codes, dtype=object)
    return pd.DataFrame({"sku": codes, "orphan": source, code_col: codes})
