"""Server mode: the fake's engine over HTTP, for the AWS CLI, other SDKs and whole stacks.

Every request under ``/`` is an API request of a served model, answered by ``Engine.answer``
exactly as in process (region from the SigV4 credential scope, account from the access key,
unsigned requests refused with AWS's 403); requests under ``/_fake/`` are the control plane
(``_control``). HTTP/1.1 with keep-alive, a thread per connection, the engine's lock around
each answer, and, with a state file, the answer's log entry committed before it is sent.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, HeadersDict

from . import _control
from ._durable import SETTINGS, StateFile, apply_settings
from ._fake import CampaignsFake
from ._intercept import _REMOVED_VARIABLES, DUMMY_ACCESS_KEY, DUMMY_CREDENTIALS
from ._wire import json_default

# The headers a server answer carries besides Content-Length (botocore reads these).
_ANSWER_HEADERS = ("x-amzn-RequestId", "x-amzn-ErrorType", "Content-Type")
TOKEN_HEADER = "X-Fake-Control-Token"


class CampaignsServer:
    """A fake served over HTTP: ``url``, ``fake`` (seed, inject, read the journal as in
    process), ``env`` (what a subprocess needs to call it), ``control_token``.

    ``start()`` serves on a thread of its own; ``serve_forever()`` blocks (the command line).
    """

    def __init__(
        self,
        fake: CampaignsFake | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state: str | os.PathLike[str] | None = None,
        control_token: str | None = None,
        **options: Any,
    ) -> None:
        self._state: StateFile | None = None
        if fake is not None and options:
            raise TypeError("options apply to a fake the server makes, not to one given")
        if state is not None and fake is not None:
            raise TypeError("give a fake or a state file, not both")
        # The options that are settings and quotas apply to each run; v2's are not options of
        # CampaignsFake.
        settings = {name: options[name] for name in SETTINGS if name in options}
        for name in SETTINGS:
            if name.startswith("v2_"):
                options.pop(name, None)
        loopback = _is_loopback(host)
        #: What the control plane asks for (header X-Fake-Control-Token, or Authorization:
        #: Bearer): always on a non-loopback address, where one is made up if none is given.
        self.control_token = control_token or (None if loopback else secrets.token_urlsafe(24))
        # --- durable state (see _durable): the port is bound before the file is opened, so a
        # port clash fails before the file is touched; the file's lock names this server.
        self._httpd = _HTTPServer((host, port), _Handler, self)
        if state is not None:
            self._state = StateFile(Path(state))
            seed = options.pop("seed", None)
            try:
                fake = self._state.open(
                    lambda stored: CampaignsFake(seed=stored, **options),
                    None if seed is None else str(seed),
                    settings,
                    holder=f"pid {os.getpid()}, {self.url}",
                )
            except BaseException:
                self._httpd.server_close()
                raise
        # --- end durable state
        elif fake is None:
            fake = CampaignsFake(**options)
        if settings and self._state is None:
            # Checked by the fake's own setters.
            with fake.engine.lock:
                apply_settings(fake, settings)
        #: The fake behind the server: seed it, inject faults, read its journal.
        self.fake = fake
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        """The address the server is bound to."""
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        """The port the server listens on (the one picked, for ``port=0``)."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint URL clients use (``http://127.0.0.1:<port>``)."""
        host = self.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """The whole environment for a subprocess (``subprocess.run(..., env=server.env)``):
        this process's, without the variables that would pick another identity
        (``AWS_PROFILE``, session tokens, roles), with both APIs' endpoint URL, dummy
        credentials, the fake's region, and no config or credentials file of the machine's."""
        kept = {k: v for k, v in os.environ.items() if k not in _REMOVED_VARIABLES}
        return {
            **kept,
            "AWS_ENDPOINT_URL_CONNECTCAMPAIGNS": self.url,
            "AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2": self.url,
            "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIALS.secret_key,
            "AWS_DEFAULT_REGION": self.fake.region,
            "AWS_REGION": self.fake.region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
        }

    def start(self) -> CampaignsServer:
        """Serve on a daemon thread; returns at once."""
        if self._thread is None:
            # A short poll: stop() waits for the serving loop to notice (0.5 s by default).
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="campaigns-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve until an interrupt (the command line; ``start()`` serves on a thread)."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        """Stop serving, close the socket and the state file."""
        if self._thread is not None:
            # shutdown() waits for a serving loop: only one that was started.
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        if self._state is not None:
            self._state.close(self.fake)  # compacted first (see _durable)

    def __enter__(self) -> CampaignsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<CampaignsServer {self.url}>"

    # -- answering -----------------------------------------------------------------------------

    def _answer_api(
        self, method: str, url: str, headers: HeadersDict, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        request = AWSPreparedRequest(method, url, headers, body, stream_output=False)
        fake = self.fake
        with fake.engine.lock:
            if self._state is None:
                response = fake.engine.answer(request)
            else:
                # Committed before it is answered, or a 5xx and the state as it was.
                response = self._state.answer_api(fake, request, headers)
        answer_headers = [
            (name, str(response.headers[name]))
            for name in _ANSWER_HEADERS
            if name in response.headers
        ]
        return response.status_code, answer_headers, response.content

    def _answer_control(
        self, method: str, path: str, body: bytes, headers: HeadersDict
    ) -> tuple[int, Any]:
        if self.control_token is not None:
            given = headers.get(TOKEN_HEADER) or (headers.get("Authorization") or "").removeprefix(
                "Bearer "
            )
            if not secrets.compare_digest(given.encode(), self.control_token.encode()):
                return 401, {
                    "error": f"the control plane needs its token: send it in {TOKEN_HEADER} "
                    "(or Authorization: Bearer <token>); it was printed when the server started"
                }
        try:
            arguments = json.loads(body) if body.strip() else {}
        except ValueError as error:
            return 400, {"error": f"the body is not JSON: {error}"}
        fake = self.fake
        if not isinstance(arguments, dict):
            return 400, {"error": "the request body must be a JSON object"}
        try:
            with fake.engine.lock:
                if self._state is None:
                    result = _control.apply(fake, method, path, dict(arguments))
                else:
                    # Committed when it changes the state, or a 5xx and the state as it was.
                    result = self._state.apply_control(fake, method, path, arguments)
        except _control.ControlError as error:
            return error.status, {"error": error.message}
        return 200, result


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: type[_Handler], owner: CampaignsServer
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self.owner = owner


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffered: the status line, headers and body leave in one write, flushed per answer
    # (by BaseHTTPRequestHandler); written piecemeal, Nagle and delayed ACKs cost 40 ms a call.
    wbufsize = -1
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def parse_request(self) -> bool:
        # BaseHTTPRequestHandler's parses the headers with the email package: most of what a
        # request cost the server. HTTP/1.1 request line and headers need no more than this.
        # raw_requestline: set by handle_one_request() before it calls this (not typeshed's).
        raw_line: bytes = getattr(self, "raw_requestline", b"")
        line = str(raw_line, "iso-8859-1").rstrip("\r\n")
        self.requestline = line
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            self.request_version = "HTTP/1.1"
            self.close_connection = True
            self.send_error(400, f"Bad request line {line!r}")
            return False
        self.command, self.path, self.request_version = parts
        self.close_connection = self.request_version == "HTTP/1.0"
        headers = HeadersDict()
        for _ in range(200):
            raw = self.rfile.readline(65537)
            if raw in (b"\r\n", b"\n", b""):
                break
            name, _, value = raw.decode("iso-8859-1").partition(":")
            headers[name.strip()] = value.strip()
        else:
            self.close_connection = True
            self.send_error(431, "Too many headers")
            return False
        self.headers = headers
        connection = (headers.get("Connection") or "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        if (headers.get("Expect") or "").lower() == "100-continue":
            self.send_response_only(100)
            self.end_headers()
        return True

    def _handle(self) -> None:
        try:
            body = self._body()
        except (_BadRequest, ValueError) as error:
            # What the body is cannot be known: the connection cannot be reused.
            self.close_connection = True
            self._send(400, [("Content-Type", "text/plain")], str(error).encode())
            return
        headers: Any = self.headers
        path = urlsplit(self.path).path
        owner = self.server.owner
        if path.startswith(_control.PREFIX):
            status, result = owner._answer_control(
                self.command, path[len(_control.PREFIX) :], body, headers
            )
            payload = json.dumps(result, default=json_default).encode()
            self._send(status, [("Content-Type", "application/json")], payload)
            return
        host = self.headers.get("Host") or f"{owner.host}:{owner.port}"
        status, answer_headers, payload = owner._answer_api(
            self.command, f"http://{host}{self.path}", headers, body
        )
        self._send(status, answer_headers, payload)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            # Some SDKs stream request bodies: chunk sizes in hex, a zero-size chunk last.
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers, up to the blank line
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        text = self.headers.get("Content-Length") or "0"
        if not text.isdigit():
            raise _BadRequest(f"Content-Length {text!r} is not a length")
        length = int(text)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class _BadRequest(Exception):
    """A request whose framing is broken (its body cannot be read)."""


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
