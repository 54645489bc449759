"""Shared test set-up: no test may open a network connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


class NetworkAccessError(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail any attempt to open a socket connection; return the attempts for inspection."""
    attempts: list[object] = []

    def guard(self: socket.socket, address: object, *args: object) -> None:
        attempts.append(address)
        raise NetworkAccessError(f"test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)
    yield attempts
