"""Per-SKU resolved numbers for reconciliation, built from the source frames (pure).

``build_reconcile_input(frames, as_of)`` turns the frames of data-contracts §2 into the
``reconcile_input`` frame of data-contracts §8: one row per master SKU (sets included)
plus one row per raw code that matches no SKU (an *orphan*). Codes are resolved by
``domain.reconcile_codes`` (``domain.sku``; pulled sheets arrive resolved). Everything is
vectorised: codes are hashed into row positions once, set order lines are exploded to
their leaf components (``domain.bom.explode_bom``) with index arrays, per-SKU cut-off
times (the warehouse file's time, RMS's last update) are compared event by event and
summed with ``bincount``.

Ledger and allocations: the signs of movements are ``domain.ledger.movement_deltas``'s,
and ``ledger_balance`` / ``allocated`` equal ``domain.ledger.ledger_balance(ledger, as_of)``
and ``domain.allocation.open_allocations(orders, bom)`` (a test holds them equal). They are
summed here rather than called because reconciliation also needs them at a different
cut-off per SKU (RMS's last update, the warehouse file's time), which those functions,
taking one moment for all SKUs, do not offer.

Booking rule (which ledger row books which event): a ledger ``入荷`` books the inbound row
with the same ``reference`` and SKU (one purchase order may bring several SKUs); ``出荷``,
``返品`` and ``キャンセル戻し`` book the order line with ``reference`` = ``order_number`` (and
the same SKU).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.domain.ledger import movement_deltas
from zaiko_xl.domain.model import MovementKind, OrderStatus
from zaiko_xl.domain.reconcile_codes import positions, resolve_ledger, resolve_rms, resolve_warehouse, text_values
from zaiko_xl.domain.reconcile_orders import exploded_lines
from zaiko_xl.domain.reconcile_pending import unbooked_returns
from zaiko_xl.domain.sku import Match

_KINDS = list(MovementKind)
_KIND_ID = {k.value: i for i, k in enumerate(_KINDS)}
_NAT = np.datetime64("NaT", "ns")
_MATCH_RANK = {Match.EXACT.value: 0, Match.MAPPING.value: 1, Match.NORMALISED.value: 2}
_BOOKING_KINDS = [_KIND_ID[k.value] for k in (MovementKind.INBOUND, MovementKind.SHIPMENT, MovementKind.RETURN,
                                              MovementKind.CANCEL_RETURN)]
_KIND_LABELS = np.array([k.value for k in _KINDS], dtype=object)
_RETURNED, _CANCELLED = OrderStatus.RETURNED.value, OrderStatus.CANCELLED.value
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
    mapping: pd.DataFrame | None = None  # 対応表: sku, manage_number, variant_id, warehouse_code
    pulled_at: datetime | None = None  # when the pulled frames were read (RMS在庫's time), if known


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
    """The ``reconcile_input`` frame (data-contracts §8) as of ``as_of`` (JST, naive)."""
    items = frames.items.reset_index(drop=True)
    skus = pd.Index(text_values(items["sku"]), dtype=object)
    w = _Work(skus, np.datetime64(pd.Timestamp(as_of), "ns"), {
        "sku": skus.to_numpy(), "name": text_values(items["name"]) if "name" in items else "",
        "group": text_values(items["group"]) if "group" in items else "",
        "is_set": items["is_set"].to_numpy(dtype=bool), "orphan": np.full(len(items), "", dtype=object)})
    orphans = [_add_warehouse(w, frames), _add_rms(w, frames)]
    led, led_orphans = _ledger_events(w, frames)
    _add_ledger(w, led)
    lines = exploded_lines(w.skus, frames.orders, frames.bom, cut_offs=(w.t, w.cols["rms_updated"]))
    _add_allocations(w, lines)
    _add_pending(w, frames.inbound, lines, led)
    out = pd.DataFrame(w.cols)
    for col in _INT_COLUMNS:
        out[col] = pd.array(out[col], dtype="Int64")
    return pd.concat([out, *orphans, led_orphans], ignore_index=True)


def _add_warehouse(w: _Work, frames: SourceFrames) -> pd.DataFrame:
    wh = frames.warehouse
    codes = text_values(wh["warehouse_code"])
    found = resolve_warehouse(wh, frames.items, frames.mapping, w.skus)
    pos, hit = found.pos, found.pos >= 0
    seen = np.zeros(w.n, dtype=bool)
    seen[pos[hit]] = True
    for col in ("on_hand", "reserved", "available"):
        total = w.total(pos[hit], wh[col].to_numpy(dtype=np.int64)[hit]).astype(float)
        w.cols[f"wh_{col}"] = np.where(seen, total, np.nan)
    w.cols["wh_updated_at"] = _per_sku(w, pos[hit], wh["updated_at"].to_numpy(dtype="datetime64[ns]")[hit], _NAT)
    w.cols["wh_match"] = np.where(w.cols["is_set"], "", _worst_match(w, pos[hit], found.match[hit]))  # sets: virtual
    w.cols["wh_code"] = _per_sku(w, pos[hit], codes[hit], "")
    return _orphans(codes[~hit], "warehouse", "wh_code")


def _add_rms(w: _Work, frames: SourceFrames) -> pd.DataFrame:
    rms = frames.rms_stock
    raw = text_values(rms["manage_number"]) + ":" + text_values(rms["variant_id"])
    found = resolve_rms(rms, frames.items, frames.mapping, w.skus)
    pos, hit = found.pos, found.pos >= 0
    seen = np.zeros(w.n, dtype=bool)
    seen[pos[hit]] = True
    qty = w.total(pos[hit], rms["quantity"].to_numpy(dtype=np.int64)[hit]).astype(float)
    w.cols["rms_quantity"] = np.where(seen, qty, np.nan)
    w.cols["rms_updated"] = _per_sku(w, pos[hit], rms["updated"].to_numpy(dtype="datetime64[ns]")[hit], _NAT)
    w.cols["rms_match"] = _worst_match(w, pos[hit], found.match[hit])
    w.cols["rms_code"] = _per_sku(w, pos[hit], raw[hit], "")
    return _orphans(raw[~hit], "rms", "rms_code")


def _ledger_events(w: _Work, frames: SourceFrames) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Ledger rows up to ``as_of`` with SKU position and signed delta; orphans for unknown codes.

    Raises:
        UnknownMovementKind: a ``kind`` that is not one of the six labels (``domain.ledger``).
    """
    ledger = frames.ledger
    codes = text_values(ledger["sku"])
    found = resolve_ledger(ledger, frames.items, frames.mapping, w.skus)
    pos, match = found.pos, found.match
    factor, labels = pd.factorize(text_values(ledger["kind"]))
    kind, delta = _signed(ledger, factor, np.asarray(labels, dtype=object))
    at = ledger["at"].to_numpy(dtype="datetime64[ns]")
    hit = pos >= 0
    has_rows = np.zeros(w.n, dtype=bool)
    has_rows[pos[hit]] = True
    drifted = hit & (match == Match.NORMALISED.value)
    w.cols["ledger_match"] = np.where(w.cols["is_set"], "",  # the ledger books components, not sets
                                      np.where(has_rows, _worst_match(w, pos[hit], match[hit]), "unmatched"))
    w.cols["ledger_code"] = _per_sku(w, pos[drifted], codes[drifted], "")
    keep = hit & (at <= w.t)
    booking = keep & np.isin(kind, _BOOKING_KINDS)  # rows whose reference books an inbound, a return...
    led = {"pos": pos[keep], "kind": kind[keep], "at": at[keep], "delta": delta[keep],
           "ref_pos": pos[booking], "ref_kind": kind[booking], "ref_delta": delta[booking], "ref_at": at[booking],
           "reference": text_values(ledger["reference"][booking])}
    return led, _orphans(pd.unique(codes[~hit]), "ledger", "ledger_code")


def _signed(ledger: pd.DataFrame, factor: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kind id and signed change of every movement, by ``domain.ledger.movement_deltas``'s rule.

    The rule is applied to each distinct kind once (with quantity +1 and -1), not to every row.

    Raises:
        UnknownMovementKind: a kind that is not one of the six labels (with its row count).
    """
    known = np.isin(labels, _KIND_LABELS)
    if not known.all():
        movement_deltas(ledger[~known[factor]])  # raises, naming the kind and counting its rows
    probe = pd.DataFrame({"kind": np.concatenate([labels, labels]),
                          "quantity": np.r_[np.ones(len(labels), np.int64), -np.ones(len(labels), np.int64)]})
    sign = movement_deltas(probe).to_numpy(dtype=np.int64)
    plus, minus = sign[: len(labels)][factor], sign[len(labels):][factor]
    qty = ledger["quantity"].to_numpy(dtype=np.int64)
    kind = np.array([_KIND_ID[str(k)] for k in labels], dtype=np.int64)[factor]
    return kind, np.where(qty >= 0, plus * qty, -minus * qty)


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
    unshipped = lines["status"] == OrderStatus.UNSHIPPED.value

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
    also physical movement RMS has not seen (added to ``moved_after_rms``). Receipts and returns
    at or before the SKU's last 棚卸調整 are not pending: a stocktake sets the ledger to the count
    (and a balance carried forward, ``ledger.carry_forward``, holds every booking before it).
    """
    wh_t, rms_t = np.minimum(w.cols["wh_updated_at"], w.t), w.cols["rms_updated"]
    counted = np.full(w.n, _NAT)
    stocktake = led["kind"] == _KIND_ID[MovementKind.STOCKTAKE.value]
    np.maximum.at(counted.view(np.int64), led["pos"][stocktake], led["at"][stocktake].view(np.int64))
    books = {"pos": led["ref_pos"], "kind": _KIND_LABELS[led["ref_kind"]], "reference": led["reference"],
             "quantity": np.abs(led["ref_delta"]), "at": led["ref_at"]}
    back = unbooked_returns(lines, books, w.n)
    for col, (pos, at, qty) in (("pending_inbound", _unbooked_inbound(w, inbound, led)),
                                ("pending_returns", back[_RETURNED]), ("pending_cancels", back[_CANCELLED])):
        keep = (at <= wh_t[pos]) & ~(at <= counted[pos])
        pos, at, qty = pos[keep], at[keep], qty[keep]
        w.cols[col] = w.total(pos, qty)
        late = at > rms_t[pos]
        w.cols["moved_after_rms"] = w.cols["moved_after_rms"] + w.total(pos[late], qty[late])
        if col == "pending_inbound":
            w.cols["inbound_after_rms"] = w.cols["inbound_after_rms"] + w.total(pos[late], qty[late])


def _unbooked_inbound(w: _Work, inbound: pd.DataFrame, led: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Received inbound rows of which no ledger 入荷 of the same SKU carries the reference.

    One purchase order (one reference) may bring several SKUs, so a booking is (reference, SKU).
    """
    pos = positions(w.skus, text_values(inbound["sku"]))
    received = inbound["received_at"].to_numpy(dtype="datetime64[ns]")
    got = np.flatnonzero((pos >= 0) & ~np.isnat(received))
    entry = led["ref_kind"] == _KIND_ID[MovementKind.INBOUND.value]
    refs = pd.Index(pd.unique(led["reference"][entry]))
    booked = refs.get_indexer(led["reference"][entry]) * w.n + led["ref_pos"][entry]
    ref_of = refs.get_indexer(text_values(inbound["reference"])[got])
    unbooked = (ref_of < 0) | ~np.isin(ref_of * w.n + pos[got], booked)
    keep = got[unbooked]
    return pos[keep], received[keep], inbound["quantity"].to_numpy(dtype=np.int64)[keep]


def _per_sku(w: _Work, pos: np.ndarray, values: np.ndarray, empty) -> np.ndarray:
    out = np.full(w.n, empty, dtype=values.dtype if values.dtype.kind == "M" else object)
    out[pos] = values
    return out


def _worst_match(w: _Work, pos: np.ndarray, match: np.ndarray) -> np.ndarray:
    """Per SKU the weakest match among its rows; 'unmatched' when no row matched it."""
    codes, labels = pd.factorize(match)
    ranks = np.array([_MATCH_RANK.get(str(k), 0) for k in labels] + [0], dtype=np.int64)[codes]
    worst = np.full(w.n, -1, dtype=np.int64)
    np.maximum.at(worst, pos, ranks)
    return np.array(["unmatched", "exact", "mapping", "normalised"], dtype=object)[worst + 1]


def _orphans(codes: np.ndarray, source: str, code_col: str) -> pd.DataFrame:
    codes = np.asarray(codes, dtype=object)
    return pd.DataFrame({"sku": codes, "orphan": source, code_col: codes})
