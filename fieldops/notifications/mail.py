"""Email over SMTP with the standard library, sent only after the request's commit.

Without `SMTP_HOST` (development) each mail is written to the log instead. A failing SMTP
server is logged and does not fail the request: the notification is already in the inbox.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT_SECONDS"]
    if config["SMTP_TLS"] == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    if config["SMTP_TLS"] == "starttls":
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def send_mails(mails: Iterable[Mail], config: Mapping[str, Any]) -> int:
    """Send `mails` over one SMTP connection (or log them without SMTP_HOST); the number
    sent. Never raises: what fails is logged."""
    mails = list(mails)
    if not mails:
        return 0
    sender = config["MAIL_SENDER"]
    if not config["SMTP_HOST"]:
        for mail in mails:
            log.info("Mail (no SMTP_HOST set) to %s: %s\n%s", mail.to, mail.subject, mail.body)
        return len(mails)
    sent = 0
    try:
        with _connect(config) as smtp:
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            for mail in mails:
                try:
                    smtp.send_message(_message(mail, sender))
                    sent += 1
                except smtplib.SMTPException:
                    log.exception("Mail to %s was refused: %s", mail.to, mail.subject)
    except (OSError, smtplib.SMTPException):
        log.exception(
            "The SMTP server %s:%s failed; %d mail(s) not sent",
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            len(mails) - sent,
        )
    return sent
