import socketserver
import threading
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from obligations.models import Obligation

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """A moment in Beijing time: at("2026-11-30 23:59")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def no_default_obligations(db):
    """Tests build the obligations they reason about; the migration's defaults would only add noise."""
    Obligation.objects.all().delete()


# --- A real SMTP server, small, for the failure paths ---------------------------------------


@dataclass
class SmtpServer:
    host: str
    port: int
    refuse: set = field(default_factory=set)  # addresses answered with 550 at RCPT TO
    messages: list = field(default_factory=list)  # (recipients, raw data) accepted

    def settings(self, settings) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = self.host
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Speaks enough SMTP (RFC 5321) for Django's SMTP backend: EHLO, MAIL, RCPT, DATA, RSET, QUIT."""

    def _send(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        server: SmtpServer = self.server.smtp  # type: ignore[attr-defined]
        self._send("220 test ESMTP")
        recipients: list[str] = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._send("250 test")
            elif verb == "MAIL":
                recipients = []
                self._send("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                if address in server.refuse:
                    self._send(f"550 5.1.1 <{address}>: mailbox unavailable")
                else:
                    recipients.append(address)
                    self._send("250 OK")
            elif verb == "DATA":
                self._send("354 go ahead")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line)
                server.messages.append((list(recipients), b"".join(lines)))
                self._send("250 OK queued")
            elif verb == "RSET":
                recipients = []
                self._send("250 OK")
            elif verb == "NOOP":
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 bye")
                return
            else:
                self._send("502 not implemented")


@pytest.fixture
def smtp_server(settings):
    tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    tcp.daemon_threads = True
    smtp = SmtpServer("127.0.0.1", tcp.server_address[1])
    tcp.smtp = smtp
    thread = threading.Thread(target=tcp.serve_forever, daemon=True)
    thread.start()
    smtp.settings(settings)
    try:
        yield smtp
    finally:
        tcp.shutdown()
        tcp.server_close()


# The channel tests' platforms and branches (tests/obligations/channel_world.py).
from .channel_world import platforms, three_branches  # noqa: E402, F401
