"""A real HTTP server on loopback that receives webhook deliveries.

It records every request it gets, with the status it answered, and answers
from a script of statuses (then 200), so tests can see exactly what the mock
sent and make it retry.  Given digest credentials it challenges a request
without a correct digest with a 401 and checks the answer as RFC 7616 says,
so a delivery only gets through with the right password.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

REALM = "receiver"
NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
_DIGEST_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]+))')


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").partition(";")[0]

    def fields(self) -> dict[str, str]:
        """The body's fields, for form and multipart bodies."""
        if self.content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(self.body.decode(), keep_blank_values=True))
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode() + self.body)
        return {part.get_param("name", header="content-disposition"): part.get_content() for part in message.iter_parts()}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class Receiver:
    """``statuses`` are answered in turn to requests that pass the digest
    check (all of them without ``digest``), then 200."""

    def __init__(self, statuses: tuple[int, ...] = (), digest: tuple[str, str] | None = None) -> None:
        self.requests: list[Received] = []
        self._statuses = list(statuses)
        self._digest = digest
        self._arrived = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first ``count`` requests, waiting for them to arrive."""
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.requests) >= count, timeout), f"{len(self.requests)} of {count} requests arrived"
            return self.requests[:count]

    def _answer(self, received: Received) -> tuple[int, dict[str, str]]:
        if self._digest and not self._digest_ok(received):
            return 401, {"WWW-Authenticate": f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm=MD5'}
        return (self._statuses.pop(0) if self._statuses else 200), {}

    def _digest_ok(self, received: Received) -> bool:
        scheme, _, rest = received.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "digest":
            return False
        params = {name: quoted or bare for name, quoted, bare in _DIGEST_PARAM.findall(rest)}
        username, password = self._digest
        first = _md5(f"{username}:{REALM}:{password}")
        second = _md5(f"POST:{params.get('uri')}")
        expected = _md5(f"{first}:{NONCE}:{params.get('nc')}:{params.get('cnonce')}:auth:{second}")
        return params.get("username") == username and params.get("response") == expected

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._arrived:
                    received.status, headers = receiver._answer(received)
                    receiver.requests.append(received)
                    receiver._arrived.notify_all()
                self.send_response(received.status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
