"""The sandbox's FastAPI app: RMS paths with RMS's checks, in RMS's order of concern.

Every API call passes ``dispatch``: ESA credentials and license (401 GA0001), function
enabled (403), rate limit (429 with Retry-After), injected fault, Content-Type (415),
JSON body, then the handler under the state lock, then after-write faults.
"""

from __future__ import annotations

import asyncio
import json
from base64 import b64encode
from collections.abc import Callable
from time import monotonic
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from zaiko_xl.sandbox import control
from zaiko_xl.sandbox.faults import BEFORE_HANDLER, FaultRule
from zaiko_xl.sandbox.orders import OrderFailure
from zaiko_xl.sandbox.state import SandboxState
from zaiko_xl.sandbox.validate import RmsFailure, fail

Handler = Callable[[SandboxState, Any], tuple[int, Any]]
_HTML = ("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
         "<p>The proxy server received an invalid response.</p></body></html>")


_MAINTENANCE = ("<html><head><title>RMS メンテナンス中 / Maintenance</title></head>"
                "<body><p>ただいまメンテナンス中です。</p></body></html>")


class DropConnection(Exception):
    """Raised after a response has started: the server closes the connection mid-answer."""


class _Dropped(Response):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"inventories": [', "more_body": True})
        raise DropConnection("sandbox fault: connection dropped")


def json_response(status: int, payload: Any, *, headers: dict[str, str] | None = None) -> Response:
    if payload is None:
        return Response(status_code=status, headers=headers)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def errors_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"errors": [{"code": code, "message": message}]}, headers=headers)


def _add_unknown_fields(payload: Any) -> Any:
    if isinstance(payload, dict):
        return {**{k: _add_unknown_fields(v) for k, v in payload.items()}, "sandboxUnexpectedField": {"x": 1}}
    if isinstance(payload, list):
        return [_add_unknown_fields(v) for v in payload]
    return payload


def _gate(state: SandboxState, request: Request, function: str) -> Response | None:
    config = state.config
    expected = "ESA " + b64encode(f"{config.service_secret}:{config.license_key}".encode()).decode()
    expired = config.license_expiry is not None and state.now() > config.license_expiry
    if request.headers.get("authorization") != expected or config.license_rejected or expired:
        return errors_response(401, "GA0001", "Un-Authorised")
    if function in config.disabled_functions:
        return errors_response(403, "SANDBOX_FUNCTION_DISABLED", f"{function} is not enabled for this app.")
    if not state.limiter.admit(expected, function, config.rate_for(function), monotonic()):
        after = {"Retry-After": str(config.retry_after_s)} if config.retry_after_s is not None else None
        return errors_response(429, "SANDBOX_RATE_LIMIT", "Too many requests.", after)
    return None


def _fault_response(state: SandboxState, fault: FaultRule) -> Response:
    if fault.kind == "5xx":
        return errors_response(500, "X0000", "Unexpected error occurred. Please retry later.")
    if fault.kind == "503":
        return errors_response(503, "SANDBOX_UNAVAILABLE", "Service temporarily unavailable.")
    if fault.kind == "429":
        after = {"Retry-After": str(state.config.retry_after_s)} if state.config.retry_after_s is not None else None
        return errors_response(429, "SANDBOX_RATE_LIMIT", "Too many requests.", after)
    if fault.kind == "html":
        return Response(_HTML, status_code=502, media_type="text/html")
    if fault.kind == "maintenance":
        return Response(_MAINTENANCE, status_code=200, media_type="text/html")
    return _Dropped()


async def _body(request: Request) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":  # any application/json, with or without charset (rms-api.md §1)
        raise fail(415, "ES04-03", "Content-Type must be application/json.")
    raw = await request.body()
    if not raw.strip():
        raise fail(400, "GE0011", "Request body is missing or empty.")
    try:
        return json.loads(raw)
    except ValueError:
        raise fail(400, "SANDBOX_MALFORMED_JSON", "The request body is not valid JSON.") from None


async def dispatch(request: Request, function: str, handler: Handler, *, body: bool, write: bool = False) -> Response:
    state: SandboxState = request.app.state.sandbox
    state.counters.requests[function] += 1
    response = await _dispatch(state, request, function, handler, body, write)
    status = "dropped" if isinstance(response, _Dropped) else str(response.status_code)
    state.counters.statuses[function][status] += 1
    return response


async def _dispatch(state: SandboxState, request: Request, function: str, handler: Handler, body: bool,
                    write: bool) -> Response:
    refused = _gate(state, request, function)
    if refused is not None:
        return refused
    fault = state.faults.draw(function)
    if fault is not None:
        state.counters.faults[function][fault.kind] += 1
        if fault.kind == "latency":
            await asyncio.sleep(fault.latency_s)
        elif fault.kind in BEFORE_HANDLER:
            return _fault_response(state, fault)
    try:
        payload = await _body(request) if body else None
        with state.lock:
            status, result = handler(state, payload)
            if write:
                state.counters.writes_applied[function] += 1
    except RmsFailure as exc:
        return json_response(exc.status, {"errors": exc.errors})
    except OrderFailure as exc:
        return json_response(400, exc.body)
    return await _after(state, fault, status, result)


async def _after(state: SandboxState, fault: FaultRule | None, status: int, result: Any) -> Response:
    kind = fault.kind if fault else None
    if kind == "timeout":
        await asyncio.sleep(state.config.hang_s)
    if kind == "drop_after_write":
        return _Dropped()
    if kind == "malformed":
        return Response(b'{"inventories": [{"manageNumber": "trunc', media_type="application/json")
    if kind == "extra_fields":
        result = _add_unknown_fields(result)
    return json_response(status, result)


def make_app(state: SandboxState) -> FastAPI:
    """The ASGI app serving RMS paths and the ``/_sandbox`` control endpoints."""
    from zaiko_xl.sandbox.routes import router

    app = FastAPI(title="zaiko-xl RMS sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sandbox = state
    app.include_router(router)
    app.include_router(control.router)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Response:
        return errors_response(404, "GE0007", "The request path does not exist.")

    @app.exception_handler(405)
    async def _not_allowed(request: Request, exc: Exception) -> Response:
        return errors_response(405, "GE0007", "The method is not allowed for this path.")

    return app

