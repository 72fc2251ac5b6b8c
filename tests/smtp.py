"""A real SMTP server for tests: aiosmtpd listening on 127.0.0.1, on a free port, in a thread.

The `serveur_smtp` fixture (registered in tests/conftest.py) starts it and points Django's e-mail settings at it
with the real SMTP backend (`django.core.mail.backends.smtp.EmailBackend`): the test sends e-mails exactly as
production does, over a socket, and reads what the server received:

    def test_x(serveur_smtp):
        ...  # something that sends an e-mail
        [message] = serveur_smtp.attendre(1)
        assert message["To"] == "a@example.org"
        corps = message.get_body(preferencelist=("plain",)).get_content()
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def _port_libre() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, serveur: ServeurSMTP):
        self.serveur = serveur

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.serveur._recevoir(message, envelope.mail_from, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class ServeurSMTP:
    """The messages received (`messages`: email.message.EmailMessage, in arrival order) and their envelopes."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host = host
        self.port = port or _port_libre()
        self.messages: list[EmailMessage] = []
        self.enveloppes: list[tuple[str, list[str]]] = []
        self._condition = threading.Condition()
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)

    def _recevoir(self, message: EmailMessage, expediteur: str, destinataires: list[str]) -> None:
        with self._condition:
            self.messages.append(message)
            self.enveloppes.append((expediteur, destinataires))
            self._condition.notify_all()

    def demarrer(self) -> ServeurSMTP:
        self._controller.start()
        return self

    def arreter(self) -> None:
        self._controller.stop()

    def attendre(self, nombre: int = 1, delai: float = 10.0) -> list[EmailMessage]:
        """Wait until at least `nombre` messages arrived (at most `delai` seconds), return them all.

        Fails the test with the count received if they did not arrive in time."""
        fin = time.monotonic() + delai
        with self._condition:
            while len(self.messages) < nombre:
                reste = fin - time.monotonic()
                if reste <= 0:
                    pytest.fail(f"{nombre} e-mail(s) attendu(s) sur le serveur SMTP de test, {len(self.messages)} reçu(s).")
                self._condition.wait(reste)
            return list(self.messages)

    # The helper's English alias, for readers who look for it.
    wait_for = attendre


@pytest.fixture
def serveur_smtp(settings):
    """A real SMTP server on 127.0.0.1; Django's e-mail settings point at it with the SMTP backend."""
    serveur = ServeurSMTP().demarrer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = serveur.host
    settings.EMAIL_PORT = serveur.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield serveur
    finally:
        serveur.arreter()
