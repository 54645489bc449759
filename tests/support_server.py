"""Server processes the tests start: ``python -m pytest_campaigns_fake serve --port 0`` as a
subprocess, ready when it prints its URL (the ``launch`` fixture of conftest.py starts them),
and the control plane's JSON requests to it."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from support import ACCESS_KEY, REGION, SECRET_KEY, Client, new_client
from support_v2 import SERVICE_V2

READY = "pytest-campaigns-fake serving on "
STARTUP_SECONDS = 60.0
# urllib without the machine's proxy settings: the servers are on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Served:
    """A server process: its URL once ready (None if it exited first), its output so far."""

    process: subprocess.Popen[str]
    stderr_path: Path
    lines: queue.Queue[str | None]
    url: str | None = None
    stdout: list[str] = field(default_factory=list)

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def next_line(self, deadline: float) -> str | None:
        """The next stdout line (None at its end); the test fails at ``deadline``."""
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pytest.fail(f"no output from the server in time; stderr:\n{self.stderr}")
        if line is not None:
            self.stdout.append(line)
        return line

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=30)

    def control(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        """A control-plane request that must succeed: its JSON answer."""
        status, answer = control(self.endpoint, method, path, body, headers)
        assert status == 200, answer
        return answer

    @property
    def endpoint(self) -> str:
        assert self.url is not None, f"the server exited: {self.stderr}"
        return self.url

    def v1(self, region: str = REGION) -> Client:
        return new_client(region, endpoint_url=self.endpoint, max_attempts=1)

    def v2(self, region: str = REGION) -> Client:
        return boto3.session.Session().client(
            SERVICE_V2,
            region_name=region,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            endpoint_url=self.endpoint,
            config=Config(retries={"total_max_attempts": 1}),
        )


Launch = Callable[..., Served]


@contextmanager
def server_processes(tmp_path: Path) -> Iterator[Launch]:
    """``start(*options)``: start ``serve --port 0 *options`` in ``tmp_path`` and wait until it
    is ready or has exited. Every process still running at the end is killed."""
    started: list[Served] = []

    def start(*options: str | os.PathLike[str]) -> Served:
        stderr_path = tmp_path / f"stderr-{len(started)}.txt"
        with stderr_path.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "pytest_campaigns_fake", "serve", "--port", "0"]
                + [str(option) for option in options],
                stdout=subprocess.PIPE,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                text=True,
                cwd=tmp_path,
            )
        lines: queue.Queue[str | None] = queue.Queue()
        served = Served(process, stderr_path, lines)
        started.append(served)

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while (line := served.next_line(deadline)) is not None:
            if line.startswith(READY):
                served.url = line[len(READY) :]
                return served
        process.wait(timeout=30)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
        served.process.wait(timeout=30)
        if served.process.stdout is not None:
            served.process.stdout.close()


def control(
    url: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    data: bytes | None = None,
) -> tuple[int, Any]:
    """A control-plane request: its status and JSON answer (``data`` is sent as it is)."""
    request = urllib.request.Request(
        f"{url}/_fake/{path}",
        data=data if data is not None else None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def ids_of(client: Client) -> list[str]:
    pages = client.get_paginator("list_campaigns").paginate()
    return [c["id"] for page in pages for c in page["campaignSummaryList"]]
