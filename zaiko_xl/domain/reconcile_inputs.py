"""Per-SKU resolved numbers for reconciliation, built from the source frames (pure).

``build_reconcile_input(frames, as_of)`` turns the frames of data-contracts §2 into the
``reconcile_input`` frame of data-contracts §5: one row per master SKU (sets included)
plus one row per raw code that matches no SKU (an *orphan*). Everything is vectorised:
codes are turned into row positions once, then per-SKU cut-off times (the warehouse
file's time, RMS's last update) are compared event by event with numpy and summed with
``bincount``.

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

_SIGN = {k.value: k.sign for k in MovementKind}
_NAT = np.datetime64("NaT")


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


def build_reconcile_input(frames: SourceFrames, as_of: datetime) -> pd.DataFrame:
    """The ``reconcile_input`` frame (data-contracts §5) as of ``as_of`` (JST, naive)."""
    items = frames.items.reset_index(drop=True)
    n, t = len(items), np.datetime64(pd.Timestamp(as_of), "ns")
    out = pd.DataFrame({"sku": items["sku"].astype(str), "name": items.get("name", ""),
                        "group": items.get("group", "").fillna("").astype(str),
                        "is_set": items["is_set"].astype(bool), "orphan": ""})
    wh_orphans = _add_warehouse(out, items, frames.warehouse)
    rms_orphans = _add_rms(out, items, frames.rms_stock)
    led, led_orphans = _ledger_events(out, items, frames.ledger, t)
    _add_ledger(out, led, n, t)
    lines = _exploded_lines(frames.orders, frames.bom, out["sku"])
    _add_allocations(out, lines, n, t)
    _add_pending(out, frames.inbound, lines, led, n, t)
    return pd.concat([out, wh_orphans, rms_orphans, led_orphans], ignore_index=True)


def _add_warehouse(out: pd.DataFrame, items: pd.DataFrame, wh: pd.DataFrame) -> pd.DataFrame:
    pos, match = resolve_codes(wh["warehouse_code"], items["warehouse_code"], items["sku"])
    n, hit = len(out), pos >= 0
    for col in ("on_hand", "reserved", "available"):
        vals = np.zeros(n, dtype=np.int64)
        np.add.at(vals, pos[hit], wh[col].to_numpy(dtype=np.int64)[hit])
        out[f"wh_{col}"] = pd.array(vals, dtype="Int64")
    seen = np.zeros(n, dtype=bool)
    seen[pos[hit]] = True
    for col in (f"wh_{c}" for c in ("on_hand", "reserved", "available")):
        out.loc[~seen, col] = pd.NA
    out["wh_updated_at"] = _per_sku_time(n, pos[hit], wh["updated_at"].to_numpy()[hit])
    out["wh_match"] = _worst_match(n, pos[hit], match[hit])
    out["wh_code"] = _per_sku_text(n, pos[hit], wh["warehouse_code"].astype(str).to_numpy()[hit])
    out.loc[out["is_set"], "wh_match"] = ""  # sets are virtual: the warehouse holds components only
    return _orphans(wh.loc[~hit, "warehouse_code"], "warehouse", "wh_code")


def _add_rms(out: pd.DataFrame, items: pd.DataFrame, rms: pd.DataFrame) -> pd.DataFrame:
    key = lambda m, v: m.astype(str) + ":" + v.astype(str)  # noqa: E731
    raw = key(rms["manage_number"], rms["variant_id"])
    pos, match = resolve_codes(raw, key(items["manage_number"], items["variant_id"]), items["sku"],
                               fold=normalise_rms_key)
    n, hit = len(out), pos >= 0
    qty = np.zeros(n, dtype=np.int64)
    np.add.at(qty, pos[hit], rms["quantity"].to_numpy(dtype=np.int64)[hit])
    seen = np.zeros(n, dtype=bool)
    seen[pos[hit]] = True
    out["rms_quantity"] = pd.array(np.where(seen, qty, 0), dtype="Int64")
    out.loc[~seen, "rms_quantity"] = pd.NA
    out["rms_updated"] = _per_sku_time(n, pos[hit], rms["updated"].to_numpy()[hit])
    out["rms_match"] = _worst_match(n, pos[hit], match[hit])
    out["rms_code"] = _per_sku_text(n, pos[hit], raw.to_numpy()[hit])
    return _orphans(raw[~hit], "rms", "rms_code")


def _ledger_events(out: pd.DataFrame, items: pd.DataFrame, ledger: pd.DataFrame,
                   t: np.datetime64) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ledger rows with SKU position and signed delta; orphans for codes matching no SKU."""
    pos, match = resolve_codes(ledger["sku"], items["sku"], items["sku"])
    kind = ledger["kind"].astype(str).to_numpy()
    qty = ledger["quantity"].to_numpy(dtype=np.int64)
    codes, labels = pd.factorize(kind)
    sign = np.array([_SIGN.get(str(k), 0) for k in labels] + [0], dtype=np.int64)[codes]
    delta = np.where(sign == 0, qty, sign * np.abs(qty))
    at = ledger["at"].to_numpy(dtype="datetime64[ns]")
    led = pd.DataFrame({"pos": pos, "kind": kind, "delta": delta, "at": at,
                        "reference": ledger["reference"].astype(str).to_numpy()})
    hit = pos >= 0
    n = len(out)
    has_rows = np.zeros(n, dtype=bool)
    has_rows[pos[hit]] = True
    out["ledger_match"] = np.where(has_rows, _worst_match(n, pos[hit], match[hit]), "unmatched")
    out.loc[out["is_set"], "ledger_match"] = ""  # the ledger books components, not sets
    orphans = _orphans(ledger.loc[~hit, "sku"].drop_duplicates(), "ledger", "ledger_code")
    return led[hit & (at <= t)], orphans


def _add_ledger(out: pd.DataFrame, led: pd.DataFrame, n: int, t: np.datetime64) -> None:
    pos, delta, at = led["pos"].to_numpy(), led["delta"].to_numpy(), led["at"].to_numpy()
    out["ledger_balance"] = _sum(n, pos, delta)
    after_wh = at > out["wh_updated_at"].to_numpy()[pos]
    out["moved_after_wh"] = _sum(n, pos[after_wh], delta[after_wh])
    after_rms = at > out["rms_updated"].to_numpy()[pos]
    out["moved_after_rms"] = _sum(n, pos[after_rms], delta[after_rms])
    inbound = after_rms & (led["kind"].to_numpy() == MovementKind.INBOUND.value)
    out["inbound_after_rms"] = _sum(n, pos[inbound], delta[inbound])


def _add_allocations(out: pd.DataFrame, lines: pd.DataFrame, n: int, t: np.datetime64) -> None:
    """Open allocations now, the change since RMS's last update, and new orders since then."""
    pos, qty = lines["pos"].to_numpy(), lines["quantity"].to_numpy(dtype=np.int64)
    ordered, changed = lines["ordered_at"].to_numpy(), lines["changed_at"].to_numpy()
    unshipped = lines["status"].to_numpy() == "unshipped"

    def open_at(when: np.ndarray | np.datetime64) -> np.ndarray:
        return (ordered <= when) & (unshipped | (changed > when))

    now = open_at(t)
    out["allocated"] = _sum(n, pos[now], qty[now])
    rms_t = out["rms_updated"].to_numpy()[pos]
    then = open_at(rms_t)
    out["alloc_change_after_rms"] = out["allocated"].to_numpy() - _sum(n, pos[then], qty[then])
    new = now & (ordered > rms_t)
    out["orders_after_rms"] = _sum(n, pos[new], qty[new])


def _add_pending(out: pd.DataFrame, inbound: pd.DataFrame, lines: pd.DataFrame, led: pd.DataFrame,
                 n: int, t: np.datetime64) -> None:
    """Received per the WMS / orders but not booked in the ledger, up to the warehouse file's time.

    Such units are in the warehouse's ``on_hand``; those received after RMS's last update are
    also physical movement RMS has not seen (added to ``moved_after_rms``).
    """
    wh_t, rms_t = np.minimum(out["wh_updated_at"].to_numpy(), t), out["rms_updated"].to_numpy()
    for col, events in (("pending_inbound", _unbooked_inbound(inbound, out["sku"], led)),
                        ("pending_returns", _unbooked_lines(lines, led, "returned")),
                        ("pending_cancels", _unbooked_lines(lines, led, "cancelled"))):
        pos, at, qty = events["pos"].to_numpy(), events["at"].to_numpy(), events["quantity"].to_numpy(np.int64)
        keep = at <= wh_t[pos]
        pos, at, qty = pos[keep], at[keep], qty[keep]
        out[col] = _sum(n, pos, qty)
        late = at > rms_t[pos]
        out["moved_after_rms"] += _sum(n, pos[late], qty[late])
        if col == "pending_inbound":
            out["inbound_after_rms"] += _sum(n, pos[late], qty[late])


def _unbooked_inbound(inbound: pd.DataFrame, skus: pd.Series, led: pd.DataFrame) -> pd.DataFrame:
    """Received inbound rows whose reference no ledger 入荷 carries."""
    pos = pd.Index(skus).get_indexer(inbound["sku"].astype(str))
    refs = led.loc[led["kind"] == MovementKind.INBOUND.value, "reference"]
    received = inbound["received_at"].to_numpy(dtype="datetime64[ns]")
    keep = (pos >= 0) & ~np.isnat(received) & ~inbound["reference"].astype(str).isin(refs).to_numpy()
    return pd.DataFrame({"pos": pos[keep], "at": received[keep],
                         "quantity": inbound["quantity"].to_numpy(dtype=np.int64)[keep]})


def _unbooked_lines(lines: pd.DataFrame, led: pd.DataFrame, status: str) -> pd.DataFrame:
    """Returned lines without a 返品 booking; cancelled lines booked out (出荷) without キャンセル戻し."""
    sel = lines[lines["status"].to_numpy() == status]
    book = MovementKind.RETURN.value if status == "returned" else MovementKind.CANCEL_RETURN.value
    books = led[led["reference"].isin(sel["order_number"].astype(str))]
    booked = _has_booking(sel, books, book)
    if status == "cancelled":
        booked = booked | ~_has_booking(sel, books, MovementKind.SHIPMENT.value)  # never shipped: nothing came back
    sel = sel[~booked]
    return pd.DataFrame({"pos": sel["pos"].to_numpy(), "at": sel["changed_at"].to_numpy(),
                         "quantity": sel["quantity"].to_numpy(dtype=np.int64)})


def _has_booking(sel: pd.DataFrame, books: pd.DataFrame, kind: str) -> np.ndarray:
    keys = books.loc[books["kind"] == kind, ["pos", "reference"]].drop_duplicates()
    hit = sel[["pos", "order_number"]].astype({"order_number": str}).merge(
        keys, left_on=["pos", "order_number"], right_on=["pos", "reference"], how="left", indicator=True)
    return (hit["_merge"] == "both").to_numpy()


def _exploded_lines(orders: pd.DataFrame, bom: pd.DataFrame, skus: pd.Series) -> pd.DataFrame:
    """Order lines with set lines exploded to leaf components; ``pos`` = SKU row (unknown dropped)."""
    lines = orders[["order_number", "sku", "quantity", "status", "ordered_at", "changed_at"]].copy()
    lines["sku"] = lines["sku"].astype(str)
    recipes = explode_bom(bom) if bom is not None and not bom.empty else {}
    if recipes:
        rec = pd.DataFrame([(s, c, q) for s, parts in recipes.items() for c, q in parts.items()],
                           columns=["sku", "leaf", "per"])
        sets = lines.merge(rec, on="sku", how="inner")
        sets = sets.assign(sku=sets["leaf"], quantity=sets["quantity"] * sets["per"]).drop(columns=["leaf", "per"])
        lines = pd.concat([lines[~lines["sku"].isin(recipes)], sets], ignore_index=True)
    lines["pos"] = pd.Index(skus).get_indexer(lines["sku"])
    lines["ordered_at"] = lines["ordered_at"].astype("datetime64[ns]")
    lines["changed_at"] = lines["changed_at"].astype("datetime64[ns]")
    return lines[lines["pos"] >= 0]


def _sum(n: int, pos: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.bincount(pos, weights=values, minlength=n).astype(np.int64) if len(pos) else np.zeros(n, np.int64)


def _per_sku_time(n: int, pos: np.ndarray, times: np.ndarray) -> np.ndarray:
    out = np.full(n, _NAT, dtype="datetime64[ns]")
    out[pos] = times.astype("datetime64[ns]")
    return out


def _per_sku_text(n: int, pos: np.ndarray, texts: np.ndarray) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    out[pos] = texts
    return out


def _worst_match(n: int, pos: np.ndarray, match: np.ndarray) -> np.ndarray:
    """Per SKU the weakest match among its rows; 'unmatched' when no row matched it."""
    rank = {"exact": 0, "mapping": 1, "normalised": 2}
    worst = np.full(n, -1, dtype=np.int64)
    codes, labels = pd.factorize(match)
    ranks = np.array([rank.get(str(k), 0) for k in labels] + [0], dtype=np.int64)[codes]
    np.maximum.at(worst, pos, ranks)
    return np.array(["unmatched", "exact", "mapping", "normalised"], dtype=object)[worst + 1]


def _orphans(codes: pd.Series, source: str, code_col: str) -> pd.DataFrame:
    codes = codes.astype(str)
    return pd.DataFrame({"sku": codes.to_numpy(), "orphan": source, code_col: codes.to_numpy()})
