"""Request validation with RMS's error codes (rms-api.md §2.5) and ``propertyPath`` for bulk bodies.

Codes marked "sandbox-only" are invented where RMS's own code is not known; their names
start with ``SANDBOX_`` so nobody mistakes them for real ones.
"""

from __future__ import annotations

from typing import Any

from zaiko_xl.domain.rms_codes import MANAGE_NUMBER_PATTERN, MAX_CODE_BYTES, MAX_QUANTITY, VARIANT_ID_PATTERN


class RmsFailure(Exception):
    """An RMS error answer: HTTP status and the ``errors[]`` list."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["code"] if errors else str(status))
        self.status = status
        self.errors = errors


def error(code: str, message: str, path: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"code": code, "message": message}
    if path is not None:
        item["metadata"] = {"propertyPath": path}
    return item


def fail(status: int, code: str, message: str, path: str | None = None) -> RmsFailure:
    return RmsFailure(status, [error(code, message, path)])


def code_errors(value: Any, field: str, path: str | None) -> list[dict[str, Any]]:
    """IE0001 missing, IE0004 too long, IE0002 refused characters (manageNumber is case-folded first)."""
    if value is None or value == "":
        return [error("IE0001", f"{field} is mandatory.", path)]
    if not isinstance(value, str):
        return [error("IE0002", f"{field} has an invalid value : {value}.", path)]
    if len(value.encode("utf-8")) > MAX_CODE_BYTES:
        return [error("IE0004", f"Max length of {field} must be within {MAX_CODE_BYTES} bytes.", path)]
    pattern = MANAGE_NUMBER_PATTERN if field == "manageNumber" else VARIANT_ID_PATTERN
    subject = value.lower() if field == "manageNumber" else value
    if not pattern.fullmatch(subject):
        return [error("IE0002", f"{field} has an invalid value : {value}.", path)]
    return []


def mode_errors(value: Any, path: str) -> list[dict[str, Any]]:
    if value is None:
        return [error("IE0001", "mode is mandatory.", path)]
    if value not in ("ABSOLUTE", "RELATIVE"):
        return [error("IE0002", f"mode has an invalid value : {value}.", path)]
    return []


def quantity_errors(value: Any, mode: Any, path: str) -> list[dict[str, Any]]:
    if value is None:
        return [error("IE0001", "quantity is mandatory.", path)]
    if isinstance(value, bool) or not isinstance(value, int):
        return [error("IE0002", f"quantity has an invalid value : {value}.", path)]
    low = 0 if mode == "ABSOLUTE" else -MAX_QUANTITY
    if not low <= value <= MAX_QUANTITY:
        return [error("IE0003", f"quantity must be between {low} and {MAX_QUANTITY}.", path)]
    return []


def inventory_list(body: Any, limit: int) -> list[dict[str, Any]]:
    """The ``inventories`` list of a bulk body: GE0011 no body, IE0001 missing, IE1101 too long."""
    if not isinstance(body, dict) or not body:
        raise fail(400, "GE0011", "Request body is missing or empty.")
    items = body.get("inventories")
    if items is None:
        raise fail(400, "IE0001", "inventories is mandatory.", "inventories")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise fail(400, "IE0002", "inventories has an invalid value.", "inventories")
    if len(items) > limit:
        raise fail(400, "IE1101", f"The number of inventories must be within {limit}.", "inventories")
    return items


def key_errors(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per-element code checks plus IE1102 for a pair that appears twice."""
    errors, seen = [], set()
    for i, item in enumerate(items):
        found = (code_errors(item.get("manageNumber"), "manageNumber", f"inventories[{i}].manageNumber")
                 + code_errors(item.get("variantId"), "variantId", f"inventories[{i}].variantId"))
        errors += found
        if not found:
            pair = (item["manageNumber"].lower(), item["variantId"])
            if pair in seen:
                errors.append(error("IE1102", f"Duplicate inventory : {pair[0]}, {pair[1]}.", f"inventories[{i}]"))
            seen.add(pair)
    return errors


def int_param(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise fail(400, "IE0002", f"{name} has an invalid value : {raw}.", name) from None
    if not 0 <= value <= MAX_QUANTITY:
        raise fail(400, "IE0003", f"{name} must be between 0 and {MAX_QUANTITY}.", name)
    return value
