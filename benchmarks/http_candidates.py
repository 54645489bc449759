"""The HTTP libraries server mode could stand on, side by side: the hostile probes of issue 17
and the server's CPU per request, each candidate serving the same fake in a process of its own.

Run:  python benchmarks/http_candidates.py        (candidates not installed are left out:
      pip install waitress uvicorn httptools hypercorn to compare them all)

Each candidate answers through ``CampaignsServer._respond``, the function the project's own
loop calls, so only the HTTP layer differs. moto's server is measured beside them. The
machine is described in the output; on a shared machine, compare within one run only.
"""

from __future__ import annotations

import argparse
import asyncio
import http
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # the benchmarks' own helpers: clients, the CPU of a process

TIMEOUT = 2  # the read and idle timeouts every candidate is given, where it has them


# -- the candidates, each serving in this process (``--serve NAME PORT``) -----------------------


def _fake_server() -> Any:
    from pytest_campaigns_fake import CampaignsServer

    # Its own socket is never used: only its answers. 127.0.0.1 on any port is its Host.
    return CampaignsServer(require_onboarding=False, allow_hosts=["127.0.0.1"])


def _wsgi(server: Any) -> Callable[..., Any]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers = [
            (key[5:].replace("_", "-").title(), value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers.append((key.replace("_", "-").title(), environ[key]))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
        if environ.get("QUERY_STRING") and "?" not in target:
            target += "?" + environ["QUERY_STRING"]
        status, answer, payload, _ = server._respond(
            environ["REQUEST_METHOD"], target, headers, body
        )
        phrase = http.HTTPStatus(status).phrase
        start_response(f"{status} {phrase}", [*answer, ("Content-Length", str(len(payload)))])
        return [payload]

    return app


def _asgi(server: Any) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].rsplit(".", 1)[1]
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        target = scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        # The engine answers one request at a time under its lock: a thread pool adds nothing.
        status, answer, payload, _ = server._respond(scope["method"], target, headers, body)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in answer],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app


def serve_candidate(name: str, port: int) -> None:
    server = _fake_server()
    if name == "waitress":
        import waitress

        waitress.serve(
            _wsgi(server),
            host="127.0.0.1",
            port=port,
            threads=8,
            channel_timeout=TIMEOUT,
            backlog=1024,
            max_request_body_size=64 * 1024 * 1024,
            _quiet=True,
        )
    elif name.startswith("uvicorn"):
        import uvicorn

        uvicorn.run(
            _asgi(server),
            host="127.0.0.1",
            port=port,
            http=name.split("-")[1],
            timeout_keep_alive=TIMEOUT,
            backlog=1024,
            log_level="error",
            access_log=False,
        )
    elif name == "hypercorn":
        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        config = Config()
        config.bind = [f"127.0.0.1:{port}"]
        config.keep_alive_timeout = TIMEOUT
        config.read_timeout = TIMEOUT
        config.backlog = 1024
        config.loglevel = "ERROR"
        asyncio.run(serve(_asgi(server), config))  # type: ignore[arg-type]
    else:
        raise SystemExit(f"unknown candidate {name}")


CANDIDATES = {
    "h11 under the project's loop (chosen)": None,
    "waitress": "waitress",
    "uvicorn-h11": "uvicorn",
    "uvicorn-httptools": "httptools",
    "hypercorn": "hypercorn",
}


def _command(name: str, port: int) -> list[str] | None:
    if name.startswith("h11"):
        return [
            sys.executable,
            "-m",
            "pytest_campaigns_fake",
            "serve",
            "--port",
            str(port),
            "--no-require-onboarding",
            "--no-access-log",
            "--read-timeout",
            str(TIMEOUT),
            "--idle-timeout",
            str(TIMEOUT),
        ]
    if name == "moto":
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    module = CANDIDATES[name]
    try:
        __import__(module or "")
    except ImportError:
        return None
    return [sys.executable, __file__, "--serve", name, str(port)]


# -- the probes ----------------------------------------------------------------------------------


def _exchange(port: int, data: bytes, wait: float = 8) -> tuple[bytes, float]:
    """Everything the server sends until it closes (or ``wait`` passes), and the seconds."""
    start = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as raw:
        try:
            raw.sendall(data)
            while True:
                chunk = raw.recv(65536)
                if not chunk:
                    break
                received += chunk
        except (socket.timeout, ConnectionResetError, BrokenPipeError):
            pass
    return received, time.monotonic() - start


def _verdict(answer: bytes) -> str:
    """``400`` for a complete answer, ``400 cut`` when its body never came, or what happened."""
    if not answer:
        return "no answer"
    head, _, body = answer.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1].decode()
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and int(value) > len(body):
            return f"{status} cut"
    return status


def _request(port: int, head: str, *lines: str, body: bytes = b"") -> bytes:
    return "\r\n".join([head, f"Host: 127.0.0.1:{port}", *lines]).encode() + b"\r\n\r\n" + body


def probes(port: int) -> dict[str, str]:
    found: dict[str, str] = {}
    post = "POST /_fake/reset HTTP/1.1"
    cases = {
        "malformed request line": b"GARBAGE\r\n\r\n",
        "Content-Length: 99999999999999": _request(port, post, "Content-Length: 99999999999999"),
        "chunk size -1": _request(port, post, "Transfer-Encoding: chunked", body=b"-1\r\n"),
        "chunk size FFFFFFFFFFFF, 2 MiB sent": _request(
            port, post, "Transfer-Encoding: chunked", body=b"FFFFFFFFFFFF\r\n" + b"x" * 2**21
        ),
        "Host: [x": b"GET /_fake/health HTTP/1.1\r\nHost: [x\r\n\r\n",
        "conflicting Content-Length": _request(
            port, post, "Content-Length: 1", "Content-Length: 2", body=b"{}"
        ),
    }
    for name, data in cases.items():
        found[name] = _verdict(_exchange(port, data)[0])
    nested = b"[" * 5000 + b"]" * 5000
    answer, _ = _exchange(
        port,
        _request(
            port,
            "PUT /_fake/snapshot HTTP/1.1",
            "Content-Type: application/json",
            f"Content-Length: {len(nested)}",
            "Connection: close",
            body=nested,
        ),
    )
    found["control body nested 5,000 deep"] = _verdict(answer)
    _, seconds = _exchange(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode(), 8)
    found[f"read timeout ({TIMEOUT} s given)"] = (
        "none in 8 s" if seconds >= 8 else f"{seconds:.1f} s"
    )
    _, seconds = _exchange(port, b"", 8)
    found[f"idle timeout ({TIMEOUT} s given)"] = (
        "none in 8 s" if seconds >= 8 else f"{seconds:.1f} s"
    )
    found["64 clients connecting at once"] = _connecting(port)
    return found


def _connecting(port: int, clients: int = 64, rounds: int = 3) -> str:
    """p99 of 64 clients, each opening a connection per request, all at once, 3 rounds."""
    barrier = threading.Barrier(clients)
    times: list[float] = []
    failures: list[str] = []

    def one() -> None:
        for _ in range(rounds):
            barrier.wait()
            start = time.monotonic()
            try:
                answer, _ = _exchange(
                    port, _request(port, "GET /_fake/health HTTP/1.1", "Connection: close"), 10
                )
                if not answer.startswith(b"HTTP/1.1 200"):
                    failures.append(answer[:20].decode("latin-1"))
            except OSError as error:
                failures.append(type(error).__name__)
            times.append(time.monotonic() - start)

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p99 = statistics.quantiles(times, n=100)[98]
    return f"p99 {p99 * 1000:.0f} ms, {len(failures)} failed"


# -- the run -------------------------------------------------------------------------------------


def measure(name: str) -> dict[str, str] | None:
    port = run._free_port()
    command = _command(name, port)
    if command is None:
        return None
    url = f"http://127.0.0.1:{port}"
    with run._serving(command, f"{url}/_fake/health") as process:
        client = run._http_client(url)
        campaign_id = client.create_campaign(**run.create_kwargs())["id"]
        results: dict[str, str] = {}
        if name != "moto":
            results.update(probes(port))
        call = run._call(client, "DescribeCampaign", campaign_id)
        cpu = [run.server_cpu_per_request(process.pid, lambda: run._serial(call)) for _ in range(3)]
        results["server CPU per DescribeCampaign"] = f"{statistics.median(cpu) * 1e6:,.0f} µs"
        rate = run.requests_per_second(url, "DescribeCampaign", campaign_id, repeat=1)
        results["DescribeCampaign requests/s (8 processes)"] = f"{rate:,.0f}"
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", nargs=2, metavar=("NAME", "PORT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve_candidate(arguments.serve[0], int(arguments.serve[1]))
        return
    print(f"Machine: {run.machine()}.\n")
    columns: dict[str, dict[str, str]] = {}
    for name in [*CANDIDATES, "moto"]:
        found = measure(name)
        if found is not None:
            columns[name] = found
            print(f"{name}: {json.dumps(found)}", file=sys.stderr)
    rows = list(dict.fromkeys(key for found in columns.values() for key in found))
    print("| probe | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for row in rows:
        print(f"| {row} | " + " | ".join(columns[n].get(row, "") for n in columns) + " |")


if __name__ == "__main__":
    main()
