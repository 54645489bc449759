"""HTTP/1.1 for server mode: h11 reads and frames every message, this module owns the sockets.

Why h11 under a loop of our own (docs/architecture.md, "Server mode's HTTP layer", has the
measurements): h11 is the maintained, pure-Python HTTP/1.1 state machine (RFC 9112 framing,
conflicting ``Content-Length`` refused, chunked bodies, ``Expect: 100-continue``) and does no
I/O, so the limits and timeouts that keep a long-running server alive are plain code here: a
thread per connection, as the engine answers one request at a time under its lock anyway.

Every request the server cannot read gets a complete answer (status, ``Content-Length``, a
one-line body) and the connection is closed; nothing a client sends reaches a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import http
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import h11
else:
    try:
        import h11
    except ImportError:  # server mode's extra is not installed: said when a server is made
        h11 = None

#: How to install what server mode needs (the ``server`` extra: h11).
INSTALL = (
    "pip install 'pytest-campaigns-fake[server]' (from a clone of the repository: "
    "pip install './pytest-campaigns-fake[server]'; or h11 alone: pip install h11)"
)


class MissingExtra(ImportError):
    """Server mode's HTTP library (h11, the ``server`` extra) is not installed."""


def require() -> None:
    """MissingExtra, naming the install command, unless h11 is importable."""
    if h11 is None:
        raise MissingExtra(
            "server mode needs the h11 package, which pytest-campaigns-fake's 'server' extra "
            f"installs: {INSTALL}"
        )


Headers = list[tuple[str, str]]
#: What the server makes of one request: (status, headers, body, what the request was: an
#: operation or a route, for the access log) from (method, target, headers as (name, value)
#: pairs in the client's spelling, body).
Respond = Callable[[str, str, Headers, bytes], tuple[int, Headers, bytes, str]]
#: Told about each answer: (method, what the request was, status, seconds it took).
Observe = Callable[[str, str, int, float], None]


@dataclass(frozen=True)
class Limits:
    """What one request may be, and how long a client may take (every limit answers a 4xx)."""

    #: Bytes of the request target (the path and query): longer is 414.
    target: int = 8 * 1024
    #: Bytes of the request line and headers together: more is 431 (h11's incomplete-event cap).
    head: int = 64 * 1024
    #: Header fields: more is 431.
    header_count: int = 100
    #: Bytes of a body (declared or received, chunked included): more is 413. A snapshot of
    #: 50,000 campaigns is about 40 MB; nothing the fake answers needs more.
    body: int = 64 * 1024 * 1024
    #: Seconds from a request's first byte to its last: slower is 408 and the connection closed.
    read_timeout: float = 30.0
    #: Seconds a kept-alive connection may wait for its next request before it is closed.
    idle_timeout: float = 60.0
    #: Connections the kernel queues before the server accepts them (capped by somaxconn).
    backlog: int = 1024


class CannotListen(OSError):
    """The server's address cannot be bound: the message says why and what to change."""


def _cannot_listen(host: str, port: int, error: OSError) -> CannotListen:
    where = f"{host}:{port}"
    if error.errno == errno.EADDRINUSE:
        why = "the port is in use (another server?); choose another --port, or 0 for a free one"
    elif error.errno == errno.EACCES:
        why = "permission denied (ports below 1024 need privileges); choose another --port"
    elif error.errno == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        why = f"{host!r} is not an address of this machine (--host)"
    else:
        why = error.strerror or str(error)
    refused = CannotListen(f"cannot listen on {where}: {why}")
    refused.errno = error.errno
    return refused


class _Refused(Exception):
    """A request answered with a 4xx before it reached the fake."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Idle(Exception):
    """The client went away, or waited past the idle timeout: close without an answer."""


class HTTPServer:
    """Listen on ``address``; each request's answer comes from ``respond``."""

    def __init__(
        self,
        address: tuple[str, int],
        respond: Respond,
        limits: Limits,
        observe: Observe | None = None,
    ) -> None:
        require()
        self._respond = respond
        self._observe = observe
        self.limits = limits
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind(address)
            self._listener.listen(limits.backlog)
        except OSError as error:
            self._listener.close()
            raise _cannot_listen(address[0], address[1], error) from None
        except BaseException:
            self._listener.close()
            raise
        self.address: tuple[str, int] = self._listener.getsockname()[:2]
        # Wakes the accepting loop when stop() is called (a closed socket does not, everywhere).
        self._wake_read, self._wake_write = socket.socketpair()
        self._lock = threading.Lock()
        self._drained = threading.Condition(self._lock)
        self._connections: dict[socket.socket, bool] = {}  # socket -> busy with a request
        self._stopping = False
        self._accepting = False
        self._accepted = threading.Event()

    # -- accepting ---------------------------------------------------------------------------

    def serve_forever(self) -> None:
        """Accept connections until ``stop()``; each is served on a thread of its own."""
        with self._lock:
            if self._stopping:
                return  # stopped before it served: the listening socket is closed
            self._accepting = True
        try:
            self._accept()
        finally:
            self._accepted.set()

    def _accept(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while not self._stopping:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_read or self._stopping:
                        return
                    try:
                        client, _address = self._listener.accept()
                    except OSError:  # the client gave up before it was accepted
                        continue
                    threading.Thread(
                        target=self._serve_connection, args=(client,), daemon=True
                    ).start()

    def stop(self, drain: float) -> bool:
        """Stop accepting, close idle connections, let requests in flight finish (at most
        ``drain`` seconds); whether every one finished."""
        with self._lock:
            self._stopping = True
            for connection, busy in self._connections.items():
                if not busy:
                    # Its thread waits for a next request: wake it, it has nothing to finish.
                    with contextlib.suppress(OSError):
                        connection.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._wake_write.send(b"x")
        if self._accepting:  # the sockets are closed once the accepting loop let them go
            self._accepted.wait(5)
        # Refused from now on, not left waiting in the backlog.
        self._listener.close()
        self._wake_read.close()
        self._wake_write.close()
        deadline = time.monotonic() + drain
        with self._lock:
            while any(self._connections.values()):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._drained.wait(left)
            finished = not any(self._connections.values())
        return finished

    # -- one connection ----------------------------------------------------------------------

    def _serve_connection(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if self._stopping:
                sock.close()
                return
            self._connections[sock] = False
        try:
            _Connection(self, sock).run()
        except Exception:  # a socket error mid-answer: the client is gone, nothing to tell it
            pass
        finally:
            with self._lock:
                del self._connections[sock]
                self._drained.notify_all()
            sock.close()

    def _busy(self, sock: socket.socket, busy: bool) -> bool:
        """Mark ``sock`` busy with a request (or done with it); whether the server is stopping."""
        with self._lock:
            self._connections[sock] = busy
            if not busy:
                self._drained.notify_all()
            return self._stopping


class _Connection:
    """One client connection. h11 reads each request (a fresh h11 connection per request, fed
    what the client pipelined after the last one); the answers are written here: they are the
    server's own, and h11's checks of them cost as much as reading the request did."""

    def __init__(self, server: HTTPServer, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.limits = server.limits
        self.h11 = self._new_h11(b"")

    def _new_h11(self, received: bytes) -> h11.Connection:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self.limits.head)
        if received:
            conn.receive_data(received)
        return conn

    def run(self) -> None:
        while True:
            try:
                self._wait_for_request()
            except _Idle:
                return
            stopping = self.server._busy(self.sock, True)
            started = time.perf_counter()
            method, what, keep_alive = "-", "-", False
            try:
                request = self._read_head(started)
                method = request.method.decode("ascii", "replace")
                what = request.target.decode("ascii", "replace").partition("?")[0][:200]
                keep_alive = _keeps_alive(request)
                status, headers, body, what = self._answer(request, started)
            except _Idle:
                return
            except _Refused as refused:
                status, headers, body = _plain(refused.status, refused.message)
            keep_alive = (
                keep_alive
                and not (stopping or self.server._stopping)
                and self.h11.their_state is h11.DONE
                and not any(name.lower() == "connection" for name, _ in headers)
            )
            if self.server._observe is not None:
                # Before the answer leaves: a client's next request is logged after this one.
                self.server._observe(method, what, status, time.perf_counter() - started)
            self._send(method, status, headers, body, keep_alive)
            self.server._busy(self.sock, False)
            if not keep_alive:
                return
            self.h11 = self._new_h11(self.h11.trailing_data[0])

    # -- reading -----------------------------------------------------------------------------

    def _wait_for_request(self) -> None:
        """Return once the next request's first bytes are here (idle timeout: _Idle)."""
        if self.h11.trailing_data[0]:
            return  # pipelined: already received
        self.sock.settimeout(self.limits.idle_timeout)
        try:
            data = self.sock.recv(65536)
        except OSError:  # timed out, reset, or shut down by stop()
            raise _Idle from None
        if not data:
            raise _Idle
        self.h11.receive_data(data)

    def _next_event(self, deadline: float) -> Any:
        conn = self.h11
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as error:
                raise _Refused(error.error_status_hint, _protocol_message(error)) from None
            if event is not h11.NEED_DATA:
                return event
            left = deadline - time.perf_counter()
            if left <= 0:
                raise _Refused(408, "the request was not received within the read timeout")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise _Refused(
                    408, "the request was not received within the read timeout"
                ) from None
            except OSError:
                raise _Idle from None
            if not data and conn.their_state is h11.IDLE and not conn.trailing_data[0]:
                raise _Idle
            conn.receive_data(data)

    def _read_head(self, started: float) -> h11.Request:
        event = self._next_event(started + self.limits.read_timeout)
        if isinstance(event, h11.ConnectionClosed):
            raise _Idle
        if not isinstance(event, h11.Request):  # h11 yields nothing else first on a server
            raise _Refused(400, "expected a request")
        limits = self.limits
        if len(event.target) > limits.target:
            raise _Refused(414, f"the request target is longer than {limits.target} bytes")
        raw = event.headers.raw_items()
        if len(raw) > limits.header_count:
            raise _Refused(431, f"more than {limits.header_count} header fields")
        if len(event.target) + sum(len(n) + len(v) + 4 for n, v in raw) > limits.head:
            # h11's own cap counts only what arrived before the head was complete.
            raise _Refused(431, f"the request line and headers are longer than {limits.head} bytes")
        names = [name.lower() for name, _ in raw]
        if b"transfer-encoding" in names and b"content-length" in names:
            # RFC 9112 6.3: a request smuggling attempt, or a broken client.
            raise _Refused(400, "both Transfer-Encoding and Content-Length are given")
        for name, value in raw:
            if name.lower() == b"content-length" and int(value) > limits.body:
                raise _Refused(413, f"the body is larger than {limits.body} bytes")
        return event

    def _read_body(self, started: float) -> bytes:
        conn = self.h11
        if conn.they_are_waiting_for_100_continue:
            self.sock.sendall(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
        chunks: list[bytes] = []
        size = 0
        deadline = started + self.limits.read_timeout
        while True:
            event = self._next_event(deadline)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.limits.body:
                    raise _Refused(413, f"the body is larger than {self.limits.body} bytes")
                chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            else:  # ConnectionClosed mid-body
                raise _Idle

    def _answer(self, request: h11.Request, started: float) -> tuple[int, Headers, bytes, str]:
        body = self._read_body(started)
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw_items()
        ]
        return self.server._respond(
            request.method.decode("ascii"), request.target.decode("ascii"), headers, body
        )

    # -- writing -----------------------------------------------------------------------------

    def _send(
        self, method: str, status: int, headers: Headers, body: bytes, keep_alive: bool
    ) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, '')}"]
        # The server's own headers; one with a line break would split the answer: dropped.
        lines += [f"{n}: {v}" for n, v in headers if "\n" not in v and "\r" not in v]
        lines.append(f"Content-Length: {len(body)}")
        if not keep_alive and not any(name.lower() == "connection" for name, _ in headers):
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # One write: status line, headers and body leave together (Nagle and delayed ACKs
        # would cost 40 ms a call on a write split in two).
        self.sock.sendall(head if method == "HEAD" else head + body)


def _keeps_alive(request: h11.Request) -> bool:
    """Whether the client keeps the connection for another request (as h11 decides it:
    HTTP/1.1 without ``Connection: close``)."""
    if request.http_version != b"1.1":
        return False
    return not any(
        name == b"connection" and b"close" in value.lower() for name, value in request.headers
    )


_REASONS = {status.value: status.phrase for status in http.HTTPStatus}


def _plain(status: int, message: str) -> tuple[int, Headers, bytes]:
    return status, [("Content-Type", "text/plain; charset=utf-8")], (message + "\n").encode()


def _protocol_message(error: h11.RemoteProtocolError) -> str:
    text = str(error)
    if "Content-Length" in text:
        return f"malformed framing: {text}"
    if "exceeded" in text or "maximum" in text:
        return "the request line and headers are longer than the server reads"
    return f"malformed request: {text}"
