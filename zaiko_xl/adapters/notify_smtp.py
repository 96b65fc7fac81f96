"""E-mail notifications and reports over SMTP (stdlib smtplib; STARTTLS when configured)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from zaiko_xl.domain.notify import Notice, notice_text, scrub
from zaiko_xl.errors import NotifyFailed


class SmtpNotifier:
    """The Notifier port (and a report mailer) over SMTP."""

    channel = "email"

    def __init__(self, host: str, port: int, *, mail_from: str, mail_to: list[str], user: str | None = None,
                 password: str | None = None, starttls: bool = False, ca_file: Path | None = None,
                 timeout_s: float = 30.0) -> None:
        if not mail_to or not mail_from:
            raise NotifyFailed(channel=self.channel, detail="mail_from and mail_to must be set under [notify]")
        self._host, self._port, self._from, self._to = host, port, mail_from, list(mail_to)
        self._user, self._password, self._starttls = user, password, starttls
        self._ca_file, self._timeout = ca_file, timeout_s

    def send(self, notice: Notice) -> None:
        subject, text = notice_text(notice)
        self.send_mail(subject, text)

    def send_mail(self, subject: str, text: str, html: str | None = None) -> None:
        """One message to every recipient (text, plus an HTML alternative when given)."""
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = subject, self._from, ", ".join(self._to)
        message["Date"], message["Message-ID"] = formatdate(localtime=True), make_msgid(domain="zaiko-xl")
        message.set_content(text, charset="utf-8")
        if html is not None:
            message.add_alternative(html, subtype="html", charset="utf-8")
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.ehlo()
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=self._ca_file))
                    smtp.ehlo()
                if self._user:
                    smtp.login(self._user, self._password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:  # ssl.SSLError and timeouts are OSErrors
            detail = scrub(f"{type(exc).__name__}: {exc}", [self._password or ""])
            raise NotifyFailed(channel=f"{self.channel} ({self._host}:{self._port})", detail=detail) from None
