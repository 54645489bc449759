"""Server mode's HTTP layer, probed with raw sockets: every malformed or hostile request gets a
complete 4xx (status line, Content-Length, the whole body) and the server keeps serving; the
limits, timeouts and backlog hold; a web page can neither read nor change the fake."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import INSTANCE, new_client

from pytest_campaigns_fake import CampaignsServer
from pytest_campaigns_fake.server._http import Limits

AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=AKIAHTTPPROBE0000001/20260101/us-east-1/connect-campaigns/"
    "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


@pytest.fixture
def server() -> Iterator[CampaignsServer]:
    limits = Limits(read_timeout=1.0, idle_timeout=1.0, body=1024 * 1024)
    with CampaignsServer(limits=limits, require_onboarding=False) as served:
        yield served


def exchange(server: CampaignsServer, data: bytes, *, wait: float = 10) -> bytes:
    """Send ``data`` (``{port}`` replaced by the server's) on a fresh connection; everything the
    server sends until it closes."""
    with socket.create_connection((server.host, server.port), timeout=wait) as raw:
        raw.sendall(data.replace(b"{port}", str(server.port).encode()))
        received = b""
        while True:
            try:
                chunk = raw.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            received += chunk
    return received


def parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    """A complete answer: (status, headers, body); AssertionError when the body is cut."""
    head, separator, body = answer.partition(b"\r\n\r\n")
    assert separator, answer
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    assert int(headers["content-length"]) == len(body), answer
    return status, headers, body


def request(target: str, *lines: str, body: bytes = b"", host: str | None = None) -> bytes:
    head = [target, *(["Host: 127.0.0.1:{port}"] if host is None else [f"Host: {host}"]), *lines]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


def still_serves(server: CampaignsServer) -> None:
    assert new_client(endpoint_url=server.url, max_attempts=1).list_campaigns()


# -- malformed requests: a complete 4xx, the connection closed, nothing else --------------------


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n", 400),
        (b"\x00\x01\x02 / HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n\r\n", 400),  # no Host
        (request("POST /_fake/reset HTTP/1.1", "Content-Length: 99999999999999"), 413),
        (request("POST /_fake/reset HTTP/1.1", "Content-Length: abc"), 400),
        (request("POST /_fake/reset HTTP/1.1", "Content-Length: -1"), 400),
        (request("POST /_fake/reset HTTP/1.1", "Content-Length: 5", "Content-Length: 6"), 400),
        (
            request(
                "POST /_fake/reset HTTP/1.1", "Transfer-Encoding: chunked", "Content-Length: 5"
            ),
            400,
        ),
        (request("POST /_fake/reset HTTP/1.1", "Transfer-Encoding: chunked", body=b"-1\r\n"), 400),
        (
            request("POST /_fake/reset HTTP/1.1", "Transfer-Encoding: chunked", body=b"zz\r\n"),
            400,
        ),
        (request("POST /_fake/reset HTTP/1.1", "Transfer-Encoding: gzip"), 501),
        (request("GET /_fake/health HTTP/1.1", host="[x"), 400),
        (request("GET /" + "a" * 9000 + " HTTP/1.1"), 414),
        (request("GET / HTTP/1.1", *(f"X-{n}: v" for n in range(150))), 431),
        (request("GET / HTTP/1.1", "X-Big: " + "v" * 70000), 431),
    ],
    ids=[
        "request-line",
        "request-line-four-parts",
        "binary",
        "no-host",
        "content-length-huge",
        "content-length-abc",
        "content-length-negative",
        "content-length-conflicting",
        "chunked-and-content-length",
        "chunk-size-negative",
        "chunk-size-not-hex",
        "transfer-encoding-unknown",
        "host-bracket",
        "target-too-long",
        "too-many-headers",
        "head-too-long",
    ],
)
def test_a_malformed_request_gets_a_complete_4xx(
    server: CampaignsServer, capfd: pytest.CaptureFixture[str], data: bytes, status: int
) -> None:
    answered, headers, body = parse(exchange(server, data))
    assert answered == status, body
    assert headers["connection"] == "close"
    assert body.strip()  # says what was wrong
    assert "Traceback" not in capfd.readouterr().err
    still_serves(server)


def test_a_huge_chunk_is_413_once_past_the_body_limit(server: CampaignsServer) -> None:
    data = request("POST /_fake/reset HTTP/1.1", "Transfer-Encoding: chunked")
    data += b"FFFFFFFFFFFF\r\n" + b"x" * (2 * 1024 * 1024)
    status, _, body = parse(exchange(server, data))
    assert status == 413, body
    still_serves(server)


def test_a_huge_chunk_never_sent_is_408(server: CampaignsServer) -> None:
    data = request("POST /_fake/reset HTTP/1.1", "Transfer-Encoding: chunked")
    status, _, _ = parse(exchange(server, data + b"FFFFFFFFFFFF\r\nabc"))
    assert status == 408


def test_a_slow_request_is_408_after_the_read_timeout(server: CampaignsServer) -> None:
    started = time.monotonic()
    status, _, _ = parse(
        exchange(server, b"GET /_fake/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n")
    )
    assert status == 408
    assert time.monotonic() - started < 8


def test_an_idle_connection_is_closed_after_the_idle_timeout(server: CampaignsServer) -> None:
    with socket.create_connection((server.host, server.port), timeout=10) as raw:
        raw.sendall(request("GET /_fake/health HTTP/1.1", host=f"127.0.0.1:{server.port}"))
        time.sleep(0.2)
        assert parse(raw.recv(65536))[0] == 200
        started = time.monotonic()
        assert raw.recv(65536) == b""  # closed by the server, without an answer
        assert time.monotonic() - started < 8


def test_a_deeply_nested_control_body_is_400(server: CampaignsServer) -> None:
    for depth in (100, 5000, 100_000):
        body = b"[" * depth + b"]" * depth
        data = request(
            "PUT /_fake/snapshot HTTP/1.1",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            body=body,
        )
        status, _, answer = parse(exchange(server, data))
        assert status == 400, answer
        assert b"nested" in answer or b"JSON object" in answer
    nested: object = {}
    for _ in range(80):
        nested = {"a": nested}
    body = json.dumps({"connectInstanceId": INSTANCE, "tags": nested}).encode()
    data = request(
        "POST /_fake/instances HTTP/1.1",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        body=body,
    )
    status, _, answer = parse(exchange(server, data))
    assert status == 400 and b"nested deeper than 64" in answer, answer
    still_serves(server)


def test_keep_alive_and_pipelining_still_work(server: CampaignsServer) -> None:
    one = request("GET /_fake/health HTTP/1.1", host=f"127.0.0.1:{server.port}")
    with socket.create_connection((server.host, server.port), timeout=10) as raw:
        raw.sendall(one * 3)
        received = b""
        while received.count(b'{"ok": true}') < 3:
            chunk = raw.recv(65536)
            assert chunk, received
            received += chunk


def test_expect_100_continue(server: CampaignsServer) -> None:
    body = b'{"connectInstanceId": "i-1"}'
    with socket.create_connection((server.host, server.port), timeout=10) as raw:
        raw.sendall(
            request(
                "POST /_fake/instances HTTP/1.1",
                "Content-Type: application/json",
                f"Content-Length: {len(body)}",
                "Expect: 100-continue",
                host=f"127.0.0.1:{server.port}",
            )
        )
        assert raw.recv(65536).startswith(b"HTTP/1.1 100 ")
        raw.sendall(body)
        assert raw.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_64_clients_connecting_at_once_are_all_answered(server: CampaignsServer) -> None:
    clients, rounds = 64, 3
    barrier = threading.Barrier(clients, timeout=60)

    def one(_: int) -> list[int]:
        statuses = []
        for _ in range(rounds):
            barrier.wait()
            answer = exchange(
                server, request("GET /_fake/health HTTP/1.1", "Connection: close"), wait=30
            )
            statuses.append(parse(answer)[0])
        return statuses

    with ThreadPoolExecutor(clients) as pool:
        statuses = [s for each in pool.map(one, range(clients)) for s in each]
    assert statuses == [200] * clients * rounds


# -- closed to web pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost", "10.0.0.1:{port}"]
)
def test_a_foreign_host_is_refused(server: CampaignsServer, host: str) -> None:
    data = request("GET /_fake/snapshot HTTP/1.1", host=host.format(port=server.port))
    status, _, body = parse(exchange(server, data))
    assert status == 421, body
    assert b"DNS rebinding" in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
def test_loopback_spellings_of_the_host_are_served(server: CampaignsServer, host: str) -> None:
    data = request(
        "GET /_fake/health HTTP/1.1", "Connection: close", host=host.format(port=server.port)
    )
    assert parse(exchange(server, data))[0] == 200


def test_allowed_host_names_are_served() -> None:
    with CampaignsServer(allow_hosts=["campaigns"]) as served:
        data = request(
            "GET /_fake/health HTTP/1.1", "Connection: close", host=f"campaigns:{served.port}"
        )
        assert parse(exchange(served, data))[0] == 200


def test_a_cross_origin_page_cannot_change_the_fake(server: CampaignsServer) -> None:
    server.fake.add_campaign(connect_instance_id=INSTANCE)
    host = f"127.0.0.1:{server.port}"
    # What a page can send without a preflight: text/plain (the browser adds Origin).
    for extra in (["Origin: https://evil.example"], []):
        body = b"{}"
        data = request(
            "POST /_fake/reset HTTP/1.1",
            "Content-Type: text/plain",
            f"Content-Length: {len(body)}",
            *extra,
            body=body,
            host=host,
        )
        status, _, answer = parse(exchange(server, data))
        assert status in (403, 415), answer
    # A preflight is never granted.
    preflight = request(
        "OPTIONS /_fake/reset HTTP/1.1",
        "Origin: https://evil.example",
        "Access-Control-Request-Method: POST",
        host=host,
    )
    status, headers, _ = parse(exchange(server, preflight))
    assert status == 403
    assert not any(name.startswith("access-control-") for name in headers)
    assert len(server.fake.campaigns) == 1  # not reset


def test_query_credentials_do_not_sign_a_server_request(server: CampaignsServer) -> None:
    campaign = server.fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    credential = "AKIAQUERY00000000001/20260101/us-east-1/connect-campaigns/aws4_request"
    data = request(
        f"POST /campaigns/{campaign.id}/stop?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={credential}&X-Amz-Signature=00 HTTP/1.1",
        "Content-Length: 0",
    )
    status, headers, _ = parse(exchange(server, data))
    assert status == 403
    assert headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert server.fake.campaign(campaign.id).state == "Running"
    # The same request with its Authorization header is answered.
    signed = request(
        f"POST /campaigns/{campaign.id}/stop HTTP/1.1",
        f"Authorization: {AUTHORIZATION}",
        "Content-Length: 0",
    )
    assert parse(exchange(server, signed))[0] == 200
    assert server.fake.campaign(campaign.id).state == "Stopped"


def test_health_needs_no_token_and_nothing_else_answers_without_it() -> None:
    with CampaignsServer(control_token="t") as guarded:
        assert (
            parse(exchange(guarded, request("GET /_fake/health HTTP/1.1", "Connection: close")))[0]
            == 200
        )
        for route in ("GET /_fake/clock", "GET /_fake/snapshot", "GET /_fake/calls"):
            answer = exchange(guarded, request(f"{route} HTTP/1.1", "Connection: close"))
            assert parse(answer)[0] == 401, route


# -- the command line: a clean stop, the environment, the access log, the port -------------------


def serve(*options: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """``serve --port 0 *options`` in a process of its own; (process, url) once it is ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_campaigns_fake", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("pytest-campaigns-fake serving on "):
        process.kill()
        _, err = process.communicate(timeout=30)
        raise AssertionError(f"{line!r} {err}")
    return process, line.rsplit(" ", 1)[1].strip()


def test_sigterm_under_load_with_a_state_file_exits_0(tmp_path: Path) -> None:
    """Requests in flight finish, then the file closes: never a crash (was exit -11)."""
    state = tmp_path / "state.db"
    acknowledged: list[str] = []
    for trial in range(6):
        process, url = serve("--state", str(state), "--no-require-onboarding")
        stop = threading.Event()

        def load(n: int, url: str = url, stop: threading.Event = stop) -> None:
            client = new_client(endpoint_url=url, max_attempts=1)
            while not stop.is_set():
                try:
                    answer = client.create_campaign(
                        name=f"load-{n}",
                        connectInstanceId=INSTANCE,
                        dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
                        outboundCallConfig={"connectContactFlowId": "flow-1"},
                    )
                except Exception:  # refused or cut once the server stops: expected
                    continue
                acknowledged.append(answer["id"])

        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM if trial % 2 == 0 else signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        _, err = process.communicate(timeout=30)
        assert code == 0, (trial, code, err)
        assert "Traceback" not in err, err
    process, url = serve("--state", str(state))
    try:
        pages = new_client(endpoint_url=url).get_paginator("list_campaigns").paginate()
        kept = {c["id"] for page in pages for c in page["campaignSummaryList"]}
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert acknowledged and set(acknowledged) <= kept


def test_every_option_has_its_environment_variable_in_one_table() -> None:
    """docs/server.md's table lists every option of serve with its variable and default."""
    from pytest_campaigns_fake.__main__ import env_name, parser, serve_actions, subcommand

    text = (Path(__file__).parent.parent / "docs" / "server.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`--"):
            rows[cells[0].strip("`").split(" ")[0]] = cells[1].strip("`")
    actions = serve_actions(subcommand(parser(), "serve"))
    assert rows == {action.option_strings[0]: env_name(action) for action in actions}


def test_options_from_the_environment(tmp_path: Path) -> None:
    process, url = serve(
        env={
            "PYTEST_CAMPAIGNS_FAKE_REGION": "eu-west-2",
            "PYTEST_CAMPAIGNS_FAKE_REQUIRE_ONBOARDING": "false",
            "PYTEST_CAMPAIGNS_FAKE_CONTROL_TOKEN": "from-env",
            "PYTEST_CAMPAIGNS_FAKE_ACCESS_LOG": "false",
            "PYTEST_CAMPAIGNS_FAKE_ALLOW_HOST": "campaigns,other",
        }
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "control plane token: from-env"
        client = new_client("eu-west-2", endpoint_url=url, max_attempts=1)
        created = client.create_campaign(  # no onboarded instance needed
            name="env",
            connectInstanceId=INSTANCE,
            dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
            outboundCallConfig={"connectContactFlowId": "flow-1"},
        )
        assert ":eu-west-2:" in created["arn"]
        port = url.rsplit(":", 1)[1]
        with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as raw:
            raw.sendall(request("GET /_fake/health HTTP/1.1", "Connection: close", host="other"))
            assert raw.recv(65536).startswith(b"HTTP/1.1 200 ")
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert err == ""  # no access log


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PYTEST_CAMPAIGNS_FAKE_PORT", "99999"), ("PYTEST_CAMPAIGNS_FAKE_SHARE_CAMPAIGNS", "maybe")],
)
def test_a_bad_environment_variable_exits_2(variable: str, value: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_campaigns_fake", "serve"],
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert variable in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "http", "65536"])
def test_a_bad_port_exits_2(port: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_campaigns_fake", "serve", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--port" in done.stderr and "65535" in done.stderr


def test_a_port_in_use_exits_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "pytest_campaigns_fake", "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_one_access_log_line_per_request() -> None:
    process, url = serve("--no-require-onboarding")
    try:
        client = new_client(endpoint_url=url, max_attempts=1)
        client.list_campaigns()
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_campaign(id="nothing")
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(
                request("GET /_fake/clock HTTP/1.1", "Connection: close", host=f"127.0.0.1:{port}")
            )
            raw.recv(65536)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GARBAGE\r\n\r\n")
            raw.recv(65536)
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    lines = err.splitlines()
    assert len(lines) == 4, err
    pattern = r"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z {} {} {} \d+\.\d ms"
    for line, (method, what, status) in zip(
        lines,
        [
            ("POST", "ListCampaigns", 200),
            ("GET", "DescribeCampaign", 404),
            ("GET", "/_fake/clock", 200),
            ("-", "-", 400),
        ],
    ):
        assert re.fullmatch(pattern.format(method, re.escape(what), status), line), line


# -- without the server extra --------------------------------------------------------------------


def without_h11(directory: Path) -> dict[str, str]:
    """An environment where ``import h11`` fails, as where the extra is not installed."""
    (directory / "h11.py").write_text("raise ImportError('No module named h11')\n")
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(directory), os.environ.get("PYTHONPATH", "")]),
    }


def test_serve_names_the_extra_when_h11_is_missing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_campaigns_fake", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=without_h11(tmp_path),
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'pytest-campaigns-fake[server]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_fixture_names_the_extra_when_h11_is_missing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    monkeypatch.setenv("PYTHONPATH", without_h11(blocker)["PYTHONPATH"])
    pytester.makepyfile("def test_served(campaigns_server):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "campaigns_server: server mode needs the h11 package" in output
    assert "pip install 'pytest-campaigns-fake[server]'" in output
    assert "During handling" not in output
