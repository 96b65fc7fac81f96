"""One RMS call over httpx: ESA auth, pacing, retries, JSON parsing, typed errors.

Retry rule (README "Retries and unknown outcomes"):

* retried: 429, 409 (CE0001), a connection that could not be opened, and for reads also
  5xx, timeouts and dropped connections; each try waits the jittered backoff and at least
  Retry-After, within ``retry_budget_s`` and ``retry_max_attempts``;
* never retried: other 4xx (the request is wrong; retrying cannot help);
* a *write* that got a 5xx, timed out or lost its connection after being sent has an
  unknown outcome: ``WriteUnknown`` is raised and the caller settles it by reading back
  (``rms_upsert``) instead of sending it again blindly.
"""

from __future__ import annotations

import json
import re
from base64 import b64encode
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from zaiko_xl.adapters.rms_pacing import Clock, Pacer, RetryBudget, RetryPolicy, parse_retry_after
from zaiko_xl.adapters.rms_wire import ErrorsWire, MessagesWire
from zaiko_xl.errors import (
    ApiBadResponse,
    ApiError,
    ApiRejected,
    ApiUnavailable,
    FunctionNotEnabled,
    LicenseRejected,
)

JSON_CONTENT_TYPE = "application/json; charset=utf-8"  # rms-api.md §1 client rule
M = TypeVar("M", bound=BaseModel)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class Endpoint:
    """One RMS function: pacing family, RMS function name (as in the app's settings), method, path."""

    family: str
    function: str
    method: str
    path: str

    def url(self, **path_args: str) -> str:
        return self.path.format(**{k: quote(v, safe="") for k, v in path_args.items()})


@dataclass(frozen=True)
class Reply:
    endpoint: Endpoint
    status: int
    content: bytes  # a JSON body (checked media type), or b"" for 204

    def parse(self, model: type[M]) -> M:
        """The body validated into a wire model; ApiBadResponse (E305) if it is not one."""
        try:
            return model.model_validate_json(self.content)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            detail = f"{first['msg']}" + (f" at {where}" if where else "")
            raise ApiBadResponse(endpoint=self.endpoint.function, detail=detail) from exc


class WriteUnknown(Exception):
    """A write was sent but its outcome is unknown (5xx, timeout, dropped connection)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class _Retriable:
    detail: str
    retry_after: float | None = None


def esa_header(service_secret: str, license_key: str) -> str:
    """``ESA base64(serviceSecret:licenseKey)`` (rms-api.md §1)."""
    return "ESA " + b64encode(f"{service_secret}:{license_key}".encode()).decode("ascii")


AttemptHook = Callable[[str, int, str, int], None]  # function, HTTP status (0: no answer), RMS code, attempt (1 = first)


class RmsTransport:
    """Sends RMS calls through one pooled httpx.Client, paced per family, with retries.

    ``on_attempt`` (optional) hears of every HTTP attempt, retries included: the ``api_calls``
    KPI input (docs/data-contracts.md §9). It must not raise.
    """

    def __init__(self, client: httpx.Client, pacers: Mapping[str, Pacer], policy: RetryPolicy, clock: Clock,
                 on_attempt: AttemptHook | None = None) -> None:
        self._client = client
        self._pacers = pacers
        self._policy = policy
        self._clock = clock
        self._on_attempt = on_attempt
        self.requests = 0  # requests sent, retries included (for reports and benchmarks)

    def call(self, ep: Endpoint, *, body: Any = None, params: Mapping[str, str] | None = None,
             write: bool = False, **path_args: str) -> Reply:
        """Send one call; retry what is safe to retry; raise a typed error or ``WriteUnknown``."""
        content = None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": JSON_CONTENT_TYPE} if ep.method in ("POST", "PUT", "PATCH") else {}
        budget = RetryBudget(self._policy, self._clock)
        url = ep.url(**path_args)
        attempt = 0
        while True:
            self._pacers[ep.family].wait()
            self.requests += 1
            attempt += 1
            outcome = self._send_once(ep, url, content, headers, params, write, attempt)
            if isinstance(outcome, Reply):
                return outcome
            wait = budget.next_wait(outcome.retry_after)
            if wait is None:
                raise ApiUnavailable(endpoint=ep.function, detail=f"{outcome.detail} ({budget.failures} tries).")
            self._clock.sleep(wait)

    def _send_once(self, ep: Endpoint, url: str, content: bytes | None, headers: dict[str, str],
                   params: Mapping[str, str] | None, write: bool, attempt: int) -> Reply | _Retriable:
        try:
            response = self._client.request(ep.method, url, content=content, headers=headers, params=params)
        except _NOT_SENT as exc:
            self._heard(ep, 0, "", attempt)
            return _Retriable(f"connection failed: {type(exc).__name__}")
        except _MAYBE_SENT as exc:
            self._heard(ep, 0, "", attempt)
            detail = f"{type(exc).__name__}: {exc}"
            if write:
                raise WriteUnknown(detail) from exc
            return _Retriable(detail)
        self._heard(ep, response.status_code, _rms_code(response) if response.status_code >= 400 else "", attempt)
        return _classify(ep, response, write)

    def _heard(self, ep: Endpoint, status: int, code: str, attempt: int) -> None:
        if self._on_attempt is not None:
            self._on_attempt(ep.function, status, code, attempt)


def _classify(ep: Endpoint, response: httpx.Response, write: bool) -> Reply | _Retriable:
    status = response.status_code
    if 200 <= status < 300:
        if response.content and not _is_json(response):
            raise ApiBadResponse(endpoint=ep.function, detail=f"expected JSON, got {_text_summary(response)}")
        return Reply(ep, status, response.content)
    if status in (409, 429):
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return _Retriable(f"HTTP {status} {_rms_code(response)}".strip(), retry_after)
    if status >= 500:
        detail = f"HTTP {status} {_rms_code(response) or _text_summary(response)}".strip()
        if write:
            raise WriteUnknown(detail)
        return _Retriable(detail, parse_retry_after(response.headers.get("Retry-After")))
    raise rejection(ep, response)


def rejection(ep: Endpoint, response: httpx.Response) -> ApiError:
    """The typed error for a 4xx answer; ``errors`` in the context keeps every RMS error."""
    status = response.status_code
    errors = _errors(response)
    code = errors[0][0] if errors else ""
    if status == 401:
        return LicenseRejected(endpoint=ep.function, status=status, rms_code=code or "-")
    if status == 403:
        return FunctionNotEnabled(endpoint=ep.function, status=status, function=ep.function)
    detail = "; ".join(msg for _, msg, _ in errors) if errors else _text_summary(response)
    return ApiRejected(endpoint=ep.function, status=status, rms_code=code or "-", detail=detail, errors=errors)


def _errors(response: httpx.Response) -> list[tuple[str, str, str]]:
    """(code, message, propertyPath) of an inventory ``errors[]`` or order ``MessageModelList``."""
    if not _is_json(response):
        return []
    try:
        data = response.json()
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    try:
        if "errors" in data:
            return [(e.code, e.message, e.property_path) for e in ErrorsWire.model_validate(data).errors]
        if "MessageModelList" in data:
            messages = MessagesWire.model_validate(data).messages
            return [(m.message_code, m.message, m.order_number or "") for m in messages if m.message_type == "ERROR"]
    except ValidationError:
        return []
    return []


def _rms_code(response: httpx.Response) -> str:
    errors = _errors(response)
    return errors[0][0] if errors else ""


def _is_json(response: httpx.Response) -> bool:
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return media == "application/json"


def _text_summary(response: httpx.Response) -> str:
    """A short description of a non-JSON body: its media type and, for HTML, the page title."""
    media = response.headers.get("Content-Type", "?").split(";")[0] or "?"
    text = response.text[:2000]
    title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    snippet = title.group(1).strip() if title else " ".join(text.split())[:80]
    return f"{media}: {snippet}" if snippet else media
