"""``/_sandbox`` control endpoints: inspect the state; set faults, license, stock, limits; place orders.

They need no credentials and are never rate limited or faulted (they are not RMS). They are
``async`` so that they run on the server's event loop, never alongside an API call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from zaiko_xl.sandbox.faults import FaultRule
from zaiko_xl.sandbox.inventory import iso
from zaiko_xl.sandbox.orders import order_time
from zaiko_xl.sandbox.seed import seed_data, seed_state
from zaiko_xl.sandbox.state import Counters, Line, OutOfStock, SandboxState

router = APIRouter(prefix="/_sandbox")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FaultsBody(_Body):
    seed: int = 0
    rules: list[dict[str, Any]] = Field(default_factory=list)


class LicenseBody(_Body):
    expiry: datetime | None = None
    rejected: bool = False


class StockRowBody(_Body):
    manageNumber: str
    variantId: str
    quantity: int


class StockBody(_Body):
    inventories: list[StockRowBody]
    replace: bool = False


class ConfigBody(_Body):
    rates: dict[str, float] | None = None
    retry_after_s: int | None = None  # null: no Retry-After header
    hang_s: float | None = None
    search_cap: int | None = None
    disabled_functions: list[str] | None = None
    migrated: bool | None = None
    orders_per_s: float | None = None
    cancel_share: float | None = None
    ship_share: float | None = None


class LineBody(_Body):
    manageNumber: str
    variantId: str
    units: int = 1


class OrderBody(_Body):
    lines: list[LineBody]
    orderedAt: datetime | None = None


class ResetBody(_Body):
    skus: int = 50
    seed: int = 1


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


@router.get("/state")
async def state_view(request: Request, inventory: bool = True, orders: bool = True) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        view: dict[str, Any] = {
            "license": {"expiry": state.config.license_expiry.isoformat(), "rejected": state.config.license_rejected},
            "config": {"rates": state.config.rates, "retry_after_s": state.config.retry_after_s,
                       "hang_s": state.config.hang_s, "search_cap": state.config.search_cap,
                       "disabled_functions": sorted(state.config.disabled_functions),
                       "migrated": state.config.migrated, "orders_per_s": state.config.orders_per_s},
            "faults": state.faults.describe(), "counters": state.counters.as_dict(),
            "skus": len(state.inventory), "order_count": len(state.orders),
            "shopper": dict(getattr(getattr(request.app.state, "shopper", None), "actions", {})),
        }
        if inventory:
            view["inventory"] = [{"manageNumber": m, "variantId": v, "quantity": r.quantity, "updated": iso(r.updated)}
                                 for (m, v), r in state.inventory.items()]
        if orders:
            view["orders"] = [_order_view(o) for o in state.orders.values()]
    return view


def _order_view(order: Any) -> dict[str, Any]:
    return {"orderNumber": order.number, "orderProgress": order.progress, "orderDatetime": order_time(order.ordered_at),
            "shippedAt": order_time(order.shipped_at), "cancelledAt": order_time(order.cancelled_at),
            "cancelReason": order.cancel_reason,
            "lines": [{"manageNumber": li.manage_number, "variantId": li.variant_id, "units": li.units}
                      for li in order.lines]}


@router.post("/reset")
async def reset(request: Request, body: ResetBody) -> dict[str, Any]:
    """Reseed stock and orders; clear faults, counters and rate windows (the config stays)."""
    state = _state(request)
    seed_state(state, *seed_data(body.skus, body.seed, state.now()))
    state.faults.set([], 0)
    state.counters = Counters()
    state.limiter.reset()
    return {"skus": len(state.inventory), "orders": len(state.orders)}


@router.put("/faults")
async def set_faults(request: Request, body: FaultsBody) -> dict[str, Any]:
    try:
        rules = [FaultRule(**rule) for rule in body.rules]
    except (TypeError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None
    _state(request).faults.set(rules, body.seed)
    return _state(request).faults.describe()


@router.delete("/faults")
async def clear_faults(request: Request) -> dict[str, Any]:
    _state(request).faults.set([], 0)
    return _state(request).faults.describe()


@router.put("/license")
async def set_license(request: Request, body: LicenseBody) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        if body.expiry is not None:
            state.config.license_expiry = body.expiry.replace(tzinfo=None)
        state.config.license_rejected = body.rejected
        return {"expiry": state.config.license_expiry.isoformat(), "rejected": state.config.license_rejected}


@router.put("/stock")
async def set_stock(request: Request, body: StockBody) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        if body.replace:
            state.inventory.clear()
            state.products.clear()
        state.set_stock([(r.manageNumber, r.variantId, r.quantity) for r in body.inventories])
        return {"skus": len(state.inventory)}


@router.put("/config")
async def set_config(request: Request, body: ConfigBody) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        changes = body.model_dump(exclude_unset=True)  # only what the caller named
        if "disabled_functions" in changes:
            changes["disabled_functions"] = set(changes["disabled_functions"])
        for name, value in changes.items():
            setattr(state.config, name, value)
        state.limiter.reset()
    return {"changed": sorted(changes)}


@router.post("/orders")
async def place_order(request: Request, body: OrderBody) -> dict[str, Any]:
    state = _state(request)
    lines = [Line(li.manageNumber.lower(), li.variantId, li.units) for li in body.lines]
    with state.lock:
        try:
            order = state.place_order(lines, body.orderedAt.replace(tzinfo=None) if body.orderedAt else None)
        except OutOfStock as exc:
            raise HTTPException(409, f"out of stock: {exc}") from None
        return _order_view(order)


@router.post("/orders/{number}/{action}")
async def order_action(request: Request, number: str, action: str, reason: int | None = None) -> dict[str, Any]:
    """cancel (``?reason=`` RMS changeReasonDetail, e.g. 8 out of stock; default 1 customer), ship, return."""
    state = _state(request)
    actions = {"cancel": lambda n: state.cancel_order(n, reason=reason), "ship": state.ship_order,
               "return": state.return_order}
    if action not in actions:
        raise HTTPException(404, f"unknown action {action}; one of cancel, ship, return")
    with state.lock:
        if number not in state.orders:
            raise HTTPException(404, f"unknown order {number}")
        return _order_view(actions[action](number))
