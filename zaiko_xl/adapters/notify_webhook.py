"""Webhook notifications: Slack, Microsoft Teams, Chatwork, or generic JSON.

Formats:
- Slack incoming webhook: JSON ``{"text": ...}`` (``&``, ``<``, ``>`` escaped as Slack asks).
- Microsoft Teams (a Workflows "when a Teams webhook request is received" URL): JSON message
  with one Adaptive Card attachment (``application/vnd.microsoft.card.adaptive``).
- Chatwork: ``POST https://api.chatwork.com/v2/rooms/{room_id}/messages`` with the API token in
  the ``X-ChatWorkToken`` header and a form-encoded ``body`` (``[info][title]..[/title]..[/info]``).
- generic: JSON with stable keys (see ``generic_payload``).
The URL and the token are secrets: they never appear in an error message.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx

from zaiko_xl.domain.notify import Notice, notice_text, scrub
from zaiko_xl.errors import NotifyFailed

Kind = Literal["generic", "slack", "teams", "chatwork"]


def generic_payload(notice: Notice) -> dict[str, Any]:
    """Stable keys for scripts and integration tools (version 1)."""
    i = notice.incident
    subject, text = notice_text(notice)
    return {"source": "zaiko-xl", "version": 1, "key": i.key, "kind": i.kind, "severity": i.severity.value,
            "status": notice.status, "at": notice.at.isoformat(timespec="seconds"), "subject": subject,
            "title_ja": i.title_ja, "title_en": i.title_en, "detail_ja": i.detail_ja, "detail_en": i.detail_en,
            "hint_ja": i.hint_ja, "hint_en": i.hint_en, "text": text}


def slack_payload(notice: Notice) -> dict[str, Any]:
    subject, text = notice_text(notice)
    escaped = f"*{subject}*\n{text}".replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"text": escaped}


def teams_payload(notice: Notice) -> dict[str, Any]:
    subject, text = notice_text(notice)
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": [{"type": "TextBlock", "text": subject, "weight": "Bolder", "size": "Medium", "wrap": True},
                     {"type": "TextBlock", "text": text.replace("\n", "\n\n"), "wrap": True}]}
    return {"type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}


def chatwork_body(notice: Notice) -> str:
    subject, text = notice_text(notice)
    return f"[info][title]{subject}[/title]{text}[/info]"


class WebhookNotifier:
    """The Notifier port over HTTP POST (httpx)."""

    def __init__(self, url: str, kind: Kind = "generic", *, token: str | None = None, timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        if kind == "chatwork" and not token:
            raise NotifyFailed(channel="webhook:chatwork", detail="X-ChatWorkToken (ZAIKO_NOTIFY_CHATWORK_TOKEN) is not set")
        self.channel = f"webhook:{kind}"
        self._url, self._kind, self._token = url, kind, token
        self._timeout, self._transport = timeout_s, transport

    def send(self, notice: Notice) -> None:
        try:
            with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
                response = client.post(self._url, **self._request(notice))
        except httpx.HTTPError as exc:
            raise NotifyFailed(channel=self.channel, detail=self._clean(f"{type(exc).__name__}: {exc}")) from None
        if not 200 <= response.status_code < 300:
            raise NotifyFailed(channel=self.channel,
                               detail=self._clean(f"HTTP {response.status_code} {response.text[:200]}"))

    def _request(self, notice: Notice) -> dict[str, Any]:
        if self._kind == "chatwork":
            return {"data": {"body": chatwork_body(notice)}, "headers": {"X-ChatWorkToken": self._token or ""}}
        payload = {"slack": slack_payload, "teams": teams_payload}.get(self._kind, generic_payload)(notice)
        return {"json": payload}

    def _clean(self, text: str) -> str:
        return scrub(text, [self._url, self._token or ""])
