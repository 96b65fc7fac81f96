"""Inventory API 2.0/2.1 behaviour of the sandbox (rms-api.md §2, §8.3-8.6).

Each function takes the state (lock held by the caller) and the parsed request, and returns
``(status, json_or_None)`` or raises ``RmsFailure``. Writes are all-or-nothing: every
element is checked before any is applied (safe reading of rms-api.md §2.5).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from zaiko_xl.domain.rms_codes import MAX_QUANTITY, MAX_SKUS_PER_PRODUCT
from zaiko_xl.sandbox.state import Key, Record, SandboxState
from zaiko_xl.sandbox.validate import (
    RmsFailure,
    code_errors,
    error,
    fail,
    int_param,
    inventory_list,
    key_errors,
    mode_errors,
    quantity_errors,
)

Reply = tuple[int, Any]
BULK_GET_MAX, BULK_UPSERT_MAX, RANGE_MAX = 1000, 400, 1000


def iso(moment: datetime) -> str:
    """Inventory API time format: ISO 8601 with ``+09:00``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + "+09:00"


def record_json(key: Key, record: Record) -> dict[str, Any]:
    return {"manageNumber": key[0], "variantId": key[1], "quantity": record.quantity,
            "created": iso(record.created), "updated": iso(record.updated)}


def bulk_get(state: SandboxState, body: Any) -> Reply:
    items = inventory_list(body, BULK_GET_MAX)
    errors = key_errors(items)
    if errors:
        raise RmsFailure(400, errors)
    found = []
    for item in items:
        key = (item["manageNumber"].lower(), item["variantId"])
        record = state.inventory.get(key)
        if record is not None:  # unknown pairs are left out (rms-api.md §2.3, assumed)
            found.append(record_json(key, record))
    return 200, {"inventories": found}


def range_get(state: SandboxState, min_raw: str | None, max_raw: str | None) -> Reply:
    low, high = int_param(min_raw, "minQuantity"), int_param(max_raw, "maxQuantity")
    if low is None and high is None:
        raise fail(400, "IE0105", "minQuantity or maxQuantity is mandatory.")
    low, high = (0 if low is None else low), (MAX_QUANTITY if high is None else high)
    if low > high:
        raise fail(400, "IE0113", "minQuantity must be less than or equal to maxQuantity.")
    hits = [(k, r) for k, r in state.inventory.items() if low <= r.quantity <= high]
    if len(hits) > RANGE_MAX:
        raise fail(400, "IE0116", "Too many search results, please change the query of search.")
    hits.sort(key=lambda kr: kr[1].updated, reverse=True)
    return 200, {"inventories": [record_json(k, r) for k, r in hits]}


def get_one(state: SandboxState, manage_number: str, variant_id: str) -> Reply:
    errors = code_errors(manage_number, "manageNumber", None) + code_errors(variant_id, "variantId", None)
    if errors:
        raise RmsFailure(400, errors)
    key = (manage_number.lower(), variant_id)
    record = state.inventory.get(key)
    if record is None:
        raise fail(404, "GE0014", f"Not found for inputs; manageNumber={key[0]}, variantId={variant_id}")
    return 200, record_json(key, record)


def put_one(state: SandboxState, manage_number: str, variant_id: str, body: Any) -> Reply:
    if not isinstance(body, dict) or not body:
        raise fail(400, "GE0011", "Request body is missing or empty.")
    errors = code_errors(manage_number, "manageNumber", None) + code_errors(variant_id, "variantId", None)
    errors += mode_errors(body.get("mode"), "mode") + quantity_errors(body.get("quantity"), body.get("mode"), "quantity")
    if errors:
        raise RmsFailure(400, errors)
    _apply(state, [((manage_number.lower(), variant_id), body["mode"], body["quantity"], None)])
    return 204, None


def bulk_upsert(state: SandboxState, body: Any) -> Reply:
    items = inventory_list(body, BULK_UPSERT_MAX)
    errors = key_errors(items)
    for i, item in enumerate(items):
        errors += mode_errors(item.get("mode"), f"inventories[{i}].mode")
        errors += quantity_errors(item.get("quantity"), item.get("mode"), f"inventories[{i}].quantity")
    if errors:
        raise RmsFailure(400, errors)
    writes = [((item["manageNumber"].lower(), item["variantId"]), item["mode"], item["quantity"], f"inventories[{i}]")
              for i, item in enumerate(items)]
    _apply(state, writes)
    return 204, None


def _apply(state: SandboxState, writes: list[tuple[Key, str, int, str | None]]) -> None:
    """Check the state rules for every write (IE1105, IE0500, IE0117, IE0121), then apply all."""
    if not state.config.migrated:
        raise fail(400, "IE1105", "This shop has not migrated to the SKU model; use the legacy inventory API.")
    errors = []
    new_per_product = Counter(k[0] for k, _, _, _ in writes if k not in state.inventory)
    for key, mode, quantity, path in writes:
        record = state.inventory.get(key)
        where = f"{path}.quantity" if path else "quantity"
        if mode == "RELATIVE" and record is None:
            errors.append(error("IE0500", "RELATIVE mode is not allowed for a new inventory.", where))
        elif mode == "RELATIVE" and not 0 <= record.quantity + quantity <= MAX_QUANTITY:
            errors.append(error("IE0117", f"Inventory after update must be between 0 and {MAX_QUANTITY}.", where))
        if record is None and len(state.products.get(key[0], ())) + new_per_product[key[0]] > MAX_SKUS_PER_PRODUCT:
            errors.append(error("IE0121", f"A product can have at most {MAX_SKUS_PER_PRODUCT} variants.",
                                f"{path}.variantId" if path else "variantId"))
    if errors:
        raise RmsFailure(400, errors)
    now = state.now()
    for key, mode, quantity, _ in writes:
        record = state.inventory.get(key)
        target = quantity if mode == "ABSOLUTE" else record.quantity + quantity  # type: ignore[union-attr]
        state.set_stock([(key[0], key[1], target)], at=now)


def variant_list(state: SandboxState, manage_number: str) -> Reply:
    errors = code_errors(manage_number, "manageNumber", None)
    if errors:
        raise RmsFailure(400, errors)
    key = manage_number.lower()
    variants = list(state.products.get(key, ()))
    if not variants:
        raise fail(404, "GE0014", f"Not found for inputs; manageNumber={key}")
    records = [state.inventory[(key, v)] for v in variants]
    return 200, {"manageNumber": key, "variantList": variants,
                 "created": iso(min(r.created for r in records)), "updated": iso(max(r.updated for r in records))}
