"""Server mode: the fake's engine over HTTP, for the AWS CLI, other SDKs and whole stacks.

Every request under ``/`` is an API request of a served model, answered by ``Engine.answer``
exactly as in process (region from the SigV4 credential scope, account from the access key,
unsigned requests refused with AWS's 403); requests under ``/_fake/`` are the control plane
(``_control_plane``). HTTP/1.1 comes from ``_http`` (h11, a thread per connection); here are the
engine's lock around each answer and, with a state file, the answer's log entry committed
before it is sent; and what keeps web pages out: the Host and Origin checks, the control
plane's media type, no signature by query parameters (docs/server.md, "Closed to web pages").
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import secrets
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botocore.awsrequest import AWSPreparedRequest, HeadersDict

from .._fake import CampaignsFake
from ..engine import _wire
from ..engine._wire import json_default
from ..interception._intercept import DUMMY_ACCESS_KEY, DUMMY_CREDENTIALS, REMOVED_VARIABLES
from . import _control_plane as _control
from . import _http
from ._durable import SETTINGS, StateFile, apply_settings

# The headers a server answer carries besides Content-Length (botocore reads these).
_ANSWER_HEADERS = ("x-amzn-RequestId", "x-amzn-ErrorType", "Content-Type")
TOKEN_HEADER = "X-Fake-Control-Token"


class CampaignsServer:
    """A fake served over HTTP: ``url``, ``fake`` (seed, inject, read the journal as in
    process), ``env`` (what a subprocess needs to call it), ``control_token``.

    ``start()`` serves on a thread of its own; ``serve_forever()`` blocks until ``stop()``.
    """

    def __init__(
        self,
        fake: CampaignsFake | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state: str | os.PathLike[str] | None = None,
        control_token: str | None = None,
        allow_hosts: Sequence[str] = (),
        access_log: TextIO | None = None,
        limits: _http.Limits | None = None,
        drain_timeout: float = 10.0,
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
        self._allowed_hosts = _AllowedHosts(host, allow_hosts)
        self._access_log = access_log
        #: Seconds ``stop()`` lets the requests in flight finish.
        self.drain_timeout = drain_timeout
        self._httpd = _http.HTTPServer(
            (host, port),
            self._respond,
            limits or _http.Limits(),
            self._log if access_log is not None else None,
        )
        # --- durable state (see _durable): the port is bound before the file is opened, so a
        # port clash fails before the file is touched; the file's lock names this server.
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
                self._httpd.stop(0)
                raise
        # --- end durable state
        elif fake is None:
            fake = CampaignsFake(**options)
        if settings and self._state is None:
            # Checked by the fake's own setters.
            with fake._engine.lock:
                apply_settings(fake, settings)
        #: The fake behind the server: seed it, inject faults, read its journal.
        self.fake = fake
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def host(self) -> str:
        """The address the server is bound to."""
        return str(self._httpd.address[0])

    @property
    def port(self) -> int:
        """The port the server listens on (the one picked, for ``port=0``)."""
        return int(self._httpd.address[1])

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
        kept = {k: v for k, v in os.environ.items() if k not in REMOVED_VARIABLES}
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
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="campaigns-server", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called from another thread."""
        self._httpd.serve_forever()

    def stop(self) -> bool:
        """Stop accepting, let the requests in flight finish (at most ``drain_timeout``
        seconds), then close the state file; whether every request in flight finished.

        The file is closed under the engine's lock: no request is writing to it then, and a
        request still running past the drain timeout finds the server closed and answers 503."""
        finished = self._httpd.stop(self.drain_timeout)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self.fake._engine.lock:
            if self._closed:
                return finished
            # From here a request still running finds the server closed (503).
            self._closed = True
        if self._state is not None:
            # Compacted first, then closed under the engine's lock: no request is between its
            # answer and its commit then.
            self._state.close(self.fake)
        return finished

    def __enter__(self) -> CampaignsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<CampaignsServer {self.url}>"

    # -- answering -----------------------------------------------------------------------------

    def _respond(
        self, method: str, target: str, pairs: _http.Headers, body: bytes
    ) -> tuple[int, _http.Headers, bytes, str]:
        """One request's answer, and what it was (an operation or a route) for the access log."""
        headers = HeadersDict()
        for name, value in pairs:
            headers[name] = value
        path = urlsplit(target).path
        try:
            refused = self._refused(method, headers)
            if refused is not None:
                status, answer_headers, payload = _json(*refused)
                return status, [*answer_headers, ("Connection", "close")], payload, path
            if path.startswith(_control.PREFIX):
                status, result = self._answer_control(
                    method, path[len(_control.PREFIX) :], body, headers
                )
                return (*_json(status, result), path)
            return self._answer_api(method, target, headers, body)
        except Exception:
            # The fake's bug, not the client's: a complete 500, and the traceback for its report.
            traceback.print_exc()
            return (
                *_json(500, {"error": "the fake failed to answer: see the server's stderr"}),
                path,
            )

    def _refused(self, method: str, headers: HeadersDict) -> tuple[int, Any] | None:
        """Why a request is refused before anything reads it, or None: closed to web pages."""
        if headers.get("Origin") is not None:
            # Browsers send Origin on cross-origin requests (and preflights); no other client
            # of the fake does, and the server grants no cross-origin access.
            return 403, {
                "error": "a request from a web page (it has an Origin header) is refused: "
                "this server grants no cross-origin access"
            }
        host = headers.get("Host")
        if host is None:
            return None  # HTTP/1.0 (h11 requires Host of HTTP/1.1): no browser sends it
        parsed = _host_and_port(host)
        if parsed is None:
            return 400, {"error": f"the Host header {host!r} is not host[:port]"}
        if not self._allowed_hosts.allows(*parsed, self.port):
            return 421, {
                "error": f"Host {host!r} is not this server's address ({self._allowed_hosts}): "
                "requests for other names are refused, as a web page's DNS rebinding would "
                "send them; serve with --allow-host NAME to answer another name"
            }
        return None

    def _answer_api(
        self, method: str, target: str, headers: HeadersDict, body: bytes
    ) -> tuple[int, _http.Headers, bytes, str]:
        if target.startswith("/"):
            target = f"http://{headers.get('Host') or f'{self.host}:{self.port}'}{target}"
        if _wire._header_scope(headers.get("Authorization")) is None:
            # Server mode takes a SigV4 Authorization header only: a web page can put
            # X-Amz-Credential in a URL without a CORS preflight, but not that header.
            target = _without_query_credentials(target)
        request = AWSPreparedRequest(method, target, headers, body, stream_output=False)
        fake = self.fake
        calls = fake.calls
        # answering: faults a test scoped to its account see whose request this is.
        with fake._engine.lock, _control.answering(request):
            if self._closed:
                return (*_json(503, {"error": "the server is stopping"}), "-")
            before = len(calls)
            if self._state is None:
                response = fake._engine.answer(request)
            else:
                # Committed before it is answered, or a 5xx and the state as it was.
                response = self._state.answer_api(fake, request, headers)
            operation = calls[-1].operation if len(calls) > before else "-"
        answer_headers = [
            (name, str(response.headers[name]))
            for name in _ANSWER_HEADERS
            if name in response.headers
        ]
        return response.status_code, answer_headers, response.content, operation

    def _answer_control(
        self, method: str, path: str, body: bytes, headers: HeadersDict
    ) -> tuple[int, Any]:
        if self.control_token is not None and (method, path) != ("GET", "health"):
            given = headers.get(TOKEN_HEADER) or (headers.get("Authorization") or "").removeprefix(
                "Bearer "
            )
            if not secrets.compare_digest(given.encode(), self.control_token.encode()):
                return 401, {
                    "error": f"the control plane needs its token: send it in {TOKEN_HEADER} "
                    "(or Authorization: Bearer <token>); it was printed when the server started"
                }
        if method not in ("GET", "HEAD"):
            media_type = (headers.get("Content-Type") or "").partition(";")[0].strip().lower()
            if media_type != "application/json":
                # A web page can POST text/plain anywhere without asking; application/json
                # needs a CORS preflight, which this server never grants.
                return 415, {
                    "error": f"a control request that changes the fake needs Content-Type: "
                    f"application/json, not {headers.get('Content-Type')!r} (curl: -H "
                    "'Content-Type: application/json', or --json)"
                }
        try:
            arguments = json.loads(body) if body.strip() else {}
        except RecursionError:
            return 400, {"error": f"the body is nested deeper than {_control.MAX_DEPTH} levels"}
        except ValueError as error:
            return 400, {"error": f"the body is not JSON: {error}"}
        fake = self.fake
        if not isinstance(arguments, dict):
            return 400, {"error": "the request body must be a JSON object"}
        if _control.depth(arguments) > _control.MAX_DEPTH:
            return 400, {"error": f"the body is nested deeper than {_control.MAX_DEPTH} levels"}
        try:
            with fake._engine.lock:
                if self._closed:
                    return 503, {"error": "the server is stopping"}
                if self._state is None:
                    result = _control.apply(fake, method, path, dict(arguments))
                else:
                    # Committed when it changes the state, or a 5xx and the state as it was; a
                    # read answers 503 while the state cannot be read back from the file.
                    result = self._state.apply_control(fake, method, path, arguments)
        except _control.ControlError as error:
            return error.status, {"error": error.message}
        return 200, result

    def _log(self, method: str, what: str, status: int, seconds: float) -> None:
        stream = self._access_log
        if stream is not None:
            now = time.time()
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
            millis = int(now % 1 * 1000)
            line = f"{stamp}.{millis:03d}Z {method} {what} {status} {seconds * 1000:.1f} ms\n"
            with contextlib.suppress(OSError, ValueError):
                stream.write(line)
                stream.flush()


def _json(status: int, document: Any) -> tuple[int, _http.Headers, bytes]:
    return (
        status,
        [("Content-Type", "application/json")],
        json.dumps(document, default=json_default).encode(),
    )


def _without_query_credentials(url: str) -> str:
    parts = urlsplit(url)
    if "x-amz-credential" not in parts.query.lower():
        return url
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() != "x-amz-credential"
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))


# host[:port]: a name or IPv4 address, or an IPv6 address in brackets.
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(?::([0-9]{1,5}))?")


def _host_and_port(value: str) -> tuple[str, int | None] | None:
    """(host, port or None) of a Host header, the host lower case without brackets; None when
    it is not host[:port]."""
    found = _HOST.fullmatch(value.strip())
    if found is None:
        return None
    host = found.group(1).lower()
    if host.startswith("["):
        host = host[1:-1]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
    return host, int(found.group(2)) if found.group(2) else None


class _AllowedHosts:
    """The names a Host header may give: the bound address and, for a loopback bind, every
    loopback spelling; with the port. A wildcard bind (0.0.0.0, ::) answers every IP address
    (DNS rebinding needs a name), localhost, and the names given, on any port (a container's
    port is often published as another)."""

    def __init__(self, bound: str, extra: Sequence[str]) -> None:
        self.wildcard = bound in ("0.0.0.0", "::", "")
        names = {bound.lower().strip("[]")}
        if _is_loopback(bound) or self.wildcard:
            names |= {"localhost", "127.0.0.1", "::1"}
        self.names = names
        #: Names given (--allow-host): on any port, as a proxy or a published port may change it.
        self.given = {name.lower().strip("[]") for name in extra}

    def allows(self, host: str, port: int | None, bound_port: int) -> bool:
        if host in self.given:
            return True
        if host not in self.names:
            if not self.wildcard:
                return False
            try:
                ipaddress.ip_address(host)
            except ValueError:
                return False
        return self.wildcard or (port or 80) == bound_port

    def __str__(self) -> str:
        shown = ", ".join(sorted(f"[{n}]" if ":" in n else n for n in self.names))
        given = "".join(f", {name} on any port" for name in sorted(self.given))
        if self.wildcard:
            return f"any IP address, {shown} on any port{given}"
        return f"{shown} with the server's port{given}"


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
