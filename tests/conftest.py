"""Shared test set-up: no test may open a network connection; clients in both validation modes."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import INSTANCE, Client, ClientFactory
from support_server import Launch, server_processes
from support_v2 import new_v2_client

from pytest_campaigns_fake import CampaignsFake


class NetworkAccessError(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail any attempt to open a socket connection; return the attempts for inspection."""
    attempts: list[object] = []

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def loopback(address: object) -> bool:
        # The server-mode tests talk to a server on this machine's loopback: not the network.
        host = address[0] if isinstance(address, tuple) and address else None
        return host in ("127.0.0.1", "::1", "localhost")

    def guard(self: socket.socket, address: object, *args: object) -> None:
        if loopback(address):
            return real_connect(self, address)  # type: ignore[arg-type]
        attempts.append(address)
        raise NetworkAccessError(f"test tried to reach the network: {address!r}")

    def guard_ex(self: socket.socket, address: object, *args: object) -> int:
        if loopback(address):
            return real_connect_ex(self, address)  # type: ignore[arg-type]
        guard(self, address)
        return 1

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard_ex)
    yield attempts


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytest's own ``pytester``, with output that does not depend on where the suite runs.

    Seeing a CI environment (``CI``, ``BUILD_NUMBER``), pytest prints a failure's whole
    multi-line message in the short summary instead of its first line: counts of lines in the
    inner run's output would differ between a laptop and CI.
    """
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)
    return pytester


# -- clients in both validation modes ------------------------------------------------------------
# For the tests of every operation (test_campaigns.py, test_dial_requests.py, ...): each test
# asking for ``client`` or ``make_client`` runs twice, with a default client and with one built
# with ``parameter_validation=False`` (which sends what it is given, so that the fake's own
# checks are what answer). A module that defines a fixture of the same name uses its own.


@pytest.fixture(scope="module")
def _client_cache() -> Iterator[dict[tuple[bool, str, str], Client]]:
    cache: dict[tuple[bool, str, str], Client] = {}
    yield cache
    cache.clear()


@pytest.fixture(params=[True, False], ids=["validated", "unvalidated"])
def make_client(
    request: pytest.FixtureRequest,
    campaigns_fake: CampaignsFake,
    _client_cache: dict[tuple[bool, str, str], Client],
) -> ClientFactory:
    """The validation mode is the parameter; ``campaigns_fake`` answers every client."""
    return ClientFactory(request.param, _client_cache)


@pytest.fixture
def client(make_client: ClientFactory) -> Client:
    return make_client()


# -- connectcampaignsv2 clients, for the v2 tests (a module may define its own) --------------


@pytest.fixture(scope="module")
def v2() -> Client:
    return new_v2_client()


@pytest.fixture(scope="module")
def unvalidated() -> Client:
    """A v2 client that sends what it is given: the fake's own checks answer."""
    return new_v2_client(validate=False)


@pytest.fixture(params=["v2", "unvalidated"], ids=["validated", "unvalidated"])
def either(request: pytest.FixtureRequest) -> Client:
    """Each v2 client in turn: a check that is the server's job answers both."""
    client: Client = request.getfixturevalue(request.param)
    return client


@pytest.fixture
def v2_fake() -> Iterator[CampaignsFake]:
    """An active fake with INSTANCE onboarded (shared by v1 and v2)."""
    with CampaignsFake() as fake:
        fake.add_instance(INSTANCE)
        yield fake


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    """``launch(*options)``: start ``serve --port 0 *options`` and wait until it is ready or
    has exited. Every process still running at the end of the test is killed."""
    with server_processes(tmp_path) as start:
        yield start


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every asyncio.sleep of the process, recorded (and awaited for 0 s): an async test sees
    what its clients would have slept."""
    slept: list[float] = []
    real = asyncio.sleep

    async def sleep(delay: float, *args: Any, **kwargs: Any) -> Any:
        slept.append(delay)
        return await real(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return slept


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer every DNS lookup offline and record the host names asked for."""
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(str(host))
        address = ("192.0.2.1", int(port or 443))
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", address)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.fixture
def fresh_default_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """``boto3.client`` caches a default session (and its credentials) per process."""
    import boto3

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
