"""--campaigns-record=DIR: each test's exchanges, one JSON file per test.

Every API call a test's clients make to the faked services is seen by the observer
(``interception._observe``), whatever answers it: the in-process fake, a server, AWS. Each test's
calls go, in order, to ``DIR/<name derived from the node id>.json`` (format: docs/recording.md).

A test may also change an in-process fake through its controls (``add_instance``,
``advance_onboarding``, ``set_campaign_state``, ``load``...), which no client sees. So the
engine of each in-process fake the test uses answers through a wrapper that compares the fake's
snapshot before each request with the one after the previous request: when they differ (the
first request of the test always does), the snapshot is recorded as a ``state`` event before the
exchange, and ``verify`` loads it where it stands. Time is recorded per exchange (the answering
fake's clock, else the wall clock), so ``clock.advance`` needs no event of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..engine._wire import iso8601

if TYPE_CHECKING:
    from .._fake import CampaignsFake
    from ..interception._observe import Exchange

#: What a recording file says it is, and the version of its layout (docs/recording.md).
FORMAT = "pytest-campaigns-fake-recording"
VERSION = 1
INI = "campaigns_record"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# A file name stays well under every file system's 255 bytes, hash and suffix included.
_NAME_LENGTH = 120


def addoption(parser: pytest.Parser) -> None:
    """Register this feature's command-line and ini options."""
    group = parser.getgroup("campaigns-fake", "pytest-campaigns-fake")
    group.addoption(
        "--campaigns-record",
        dest="campaigns_record",
        metavar="DIR",
        default=None,
        help="write each test's connectcampaigns calls to DIR, one JSON file per test "
        "(replay them against the fake with `pytest-campaigns-fake verify DIR`)",
    )
    parser.addini(
        INI,
        "campaigns_fake: record each test's calls to this directory (as --campaigns-record; "
        "relative to the ini file)",
        type="string",
        default=None,
    )


def configure(config: pytest.Config) -> None:
    """Turn the feature on for this run when its option asks for it."""
    directory = recording_dir(config)
    if directory is None:
        return
    recorder = Recorder(directory)
    config.pluginmanager.register(recorder, "campaigns-fake-record")
    config.add_cleanup(recorder.close)


def recording_dir(config: pytest.Config) -> Path | None:
    """The directory the run records to (the command line wins over the ini file), created; None
    when recording is off. A directory that cannot be made is a usage error naming it."""
    value = config.getoption("campaigns_record", None)
    base = config.invocation_params.dir
    source = "--campaigns-record"
    if value is None:
        value = config.getini(INI) or None
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        source = INI
    if value is None:
        return None
    if not str(value).strip():
        raise pytest.UsageError(f"{source} needs a directory, not an empty value")
    directory = (base / str(value)).resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise pytest.UsageError(
            f"{source}={value}: cannot make the directory {directory}: {error}"
        ) from None
    return directory


def file_name(nodeid: str) -> str:
    """The file of a test: its node id with every character outside ``[A-Za-z0-9._-]`` made
    ``_``, shortened, and a hash of the whole node id (two ids that read alike stay apart)."""
    readable = _UNSAFE.sub("_", nodeid.replace("::", "--")).strip("._-")[:_NAME_LENGTH]
    digest = hashlib.sha1(nodeid.encode("utf-8")).hexdigest()[:10]
    return f"{readable or 'test'}-{digest}.json"


def plain(value: Any) -> Any:
    """``value`` as JSON: timestamps as the wire writes them (ISO 8601, ``Z``), any other
    object (a client never sends one to these services) as its text."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, datetime):
        return iso8601(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def exchange_event(exchange: Exchange, at: float, injected: bool) -> dict[str, Any]:
    """One API call as a recording holds it."""
    return {
        "kind": "exchange",
        "service": exchange.service,
        "operation": exchange.operation,
        "region": exchange.region,
        "time": at,
        "params": plain(exchange.params),
        "status": exchange.status,
        "errorCode": exchange.error_code,
        "response": plain(exchange.response),
        "raised": exchange.raised,
        "injected": injected,
    }


@dataclass
class _Watched:
    """An in-process fake a test uses, its engine answering through the recording's wrapper."""

    fake: CampaignsFake
    # The snapshot (as text) after the last request it answered in this test: a snapshot
    # before a request that differs from it is a change a control made.
    after: str | None = None


@dataclass
class Recording:
    """One test's events, in order, and what the wrapper of an in-process fake learnt about the
    attempt it answered last (its clock, whether a fault made the answer)."""

    nodeid: str
    events: list[dict[str, Any]] = field(default_factory=list)
    outcome: str = "passed"
    watched: dict[int, _Watched] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # (the answering fake's clock, injected) of the attempt the next exchange ended with.
    attempt: tuple[float, bool] | None = None

    def watch(self, fake: CampaignsFake) -> None:
        if id(fake) in self.watched:
            return
        self.watched[id(fake)] = watched = _Watched(fake)
        engine = fake._engine
        original: Callable[[Any], Any] = engine.answer

        def answer(request: Any) -> Any:
            # Under the engine's (reentrant) lock: no other thread's request comes between the
            # snapshot and the answer it is the state before.
            with engine.lock:
                before = _text(fake.snapshot())
                at = fake.clock.time()
                if before != watched.after:
                    self._add(_state_event(fake, json.loads(before), at))
                response = original(request)
                calls = fake.calls
                last = calls[len(calls) - 1] if len(calls) else None
                injected = last is not None and (last.injected or bool(last.injected_items))
                # verify does not send an answer a fault made: whatever it changed (the items a
                # batch accepted beside the failed ones) comes as the next state event.
                watched.after = before if injected else _text(fake.snapshot())
                self.attempt = (at, injected)
            return response

        # An attribute of the engine object, read by every path to it (interception and the
        # server look up ``fake._engine.answer`` per request); removed in unwatch().
        vars(engine)["answer"] = answer

    def unwatch(self) -> None:
        for watched in self.watched.values():
            vars(watched.fake._engine).pop("answer", None)
        self.watched.clear()

    def observe(self, exchange: Exchange) -> None:
        attempt, self.attempt = self.attempt, None
        at, injected = attempt if attempt is not None else (time.time(), False)
        self._add(exchange_event(exchange, at, injected))

    def _add(self, event: dict[str, Any]) -> None:
        with self.lock:
            self.events.append(event)

    def document(self) -> dict[str, Any]:
        with self.lock:
            events = list(self.events)
        return {
            "format": FORMAT,
            "version": VERSION,
            "test": self.nodeid,
            "outcome": self.outcome,
            "events": events,
        }


def _text(snapshot: dict[str, Any]) -> str:
    return json.dumps(plain(snapshot), sort_keys=True)


def _state_event(fake: CampaignsFake, snapshot: dict[str, Any], at: float) -> dict[str, Any]:
    return {
        "kind": "state",
        # The options a snapshot does not hold, and requests depend on: whose account and
        # region the fake's state is kept in.
        "accountId": fake.account_id,
        "region": fake.region,
        "time": at,
        "snapshot": snapshot,
    }


class Recorder:
    """The plugin object of a recording run: one Recording per test, written at its end."""

    def __init__(self, directory: Path) -> None:
        from .._fake import SERVICES
        from ..interception import _observe

        self.directory = directory
        self.current: Recording | None = None
        self._stop_observing = _observe.observe(SERVICES, self._observed)

    def close(self) -> None:
        self._stop_observing()

    def _observed(self, exchange: Exchange) -> None:
        recording = self.current
        if recording is not None:  # calls outside any test (collection, a session's end)
            recording.observe(exchange)

    def _started(self, fake: CampaignsFake) -> None:
        recording = self.current
        if recording is not None:
            recording.watch(fake)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        from .. import _fake
        from ..interception import _intercept

        recording = self.current = Recording(item.nodeid)
        for fake in list(_intercept._active):
            recording.watch(fake)  # type: ignore[arg-type]
        _fake._on_start.append(self._started)
        try:
            return (yield)
        finally:
            _fake._on_start.remove(self._started)
            recording.unwatch()
            self.current = None
            self._write(recording)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        recording = self.current
        if recording is None or report.nodeid != recording.nodeid:
            return
        if report.failed:
            recording.outcome = "failed"
        elif report.skipped and recording.outcome == "passed":
            recording.outcome = "skipped"

    def _write(self, recording: Recording) -> None:
        path = self.directory / file_name(recording.nodeid)
        # Written whole, then renamed: an interrupted run leaves no half-written recording.
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(recording.document(), file, indent=1, sort_keys=False)
            file.write("\n")
        os.replace(temporary, path)
