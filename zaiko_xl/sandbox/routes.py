"""RMS paths served by the sandbox (the same paths as api.rms.rakuten.co.jp)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from zaiko_xl.sandbox import inventory, orders
from zaiko_xl.sandbox.app import dispatch
from zaiko_xl.sandbox.validate import fail

router = APIRouter()
_VARIANT = "/es/{version}/inventories/manage-numbers/{manage_number}/variants/{variant_id}"


def _version(version: str) -> None:
    if version not in ("2.0", "2.1"):
        raise fail(404, "GE0007", "The request path does not exist.")


@router.get(_VARIANT)
async def variants_get(request: Request, version: str, manage_number: str, variant_id: str) -> Response:
    def handle(state, _body):
        _version(version)
        return inventory.get_one(state, manage_number, variant_id)

    return await dispatch(request, "inventories.variants.get", handle, body=False)


@router.put(_VARIANT)
async def variants_upsert(request: Request, version: str, manage_number: str, variant_id: str) -> Response:
    def handle(state, body):
        _version(version)
        return inventory.put_one(state, manage_number, variant_id, body)

    return await dispatch(request, "inventories.variants.upsert", handle, body=True, write=True)


@router.post("/es/{version}/inventories/bulk-get")
async def bulk_get(request: Request, version: str) -> Response:
    def handle(state, body):
        _version(version)
        return inventory.bulk_get(state, body)

    return await dispatch(request, "inventories.bulk.get", handle, body=True)


@router.get("/es/{version}/inventories/bulk-get/range")
async def bulk_get_range(request: Request, version: str) -> Response:
    params = request.query_params

    def handle(state, _body):
        _version(version)
        return inventory.range_get(state, params.get("minQuantity"), params.get("maxQuantity"))

    return await dispatch(request, "inventories.bulk.get.range", handle, body=False)


@router.post("/es/{version}/inventories/bulk-upsert")
async def bulk_upsert(request: Request, version: str) -> Response:
    def handle(state, body):
        _version(version)
        return inventory.bulk_upsert(state, body)

    return await dispatch(request, "inventories.bulk.upsert", handle, body=True, write=True)


@router.get("/es/2.1/inventories/variant-lists/manage-numbers/{manage_number}")
async def variant_lists(request: Request, manage_number: str) -> Response:
    return await dispatch(request, "inventories.variant-lists.get",
                          lambda state, _body: inventory.variant_list(state, manage_number), body=False)


@router.post("/es/2.0/order/searchOrder/")
@router.post("/es/2.0/order/searchOrder")
async def search_order(request: Request) -> Response:
    return await dispatch(request, "rpay.order.searchOrder", orders.search, body=True)


@router.post("/es/2.0/order/getOrder/")
@router.post("/es/2.0/order/getOrder")
async def get_order(request: Request) -> Response:
    return await dispatch(request, "rpay.order.getOrder", orders.get, body=True)


@router.get("/es/1.0/license-management/license-key/expiry-date")
async def license_expiry(request: Request) -> Response:
    given = request.query_params.get("licenseKey")

    def handle(state, _body):
        if not given:
            raise fail(400, "IE0001", "licenseKey is mandatory.", "licenseKey")
        if given != state.config.license_key:
            raise fail(400, "SANDBOX_LICENSE_KEY_MISMATCH", "licenseKey does not belong to this app.", "licenseKey")
        return 200, {"expiryDate": state.config.license_expiry.strftime("%Y-%m-%dT%H:%M:%S")}

    return await dispatch(request, "license.expiryDate.get", handle, body=False)

