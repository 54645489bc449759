"""The server's durable state: a SQLite file holding a snapshot and the log of what came after.

Why this shape: every change to the fake is the answer to one request (an API call or a
control-plane operation), made under the engine's lock, and the fake is deterministic given
its seed, its clock, its settings and the order of requests. So the file keeps what is small
and certain, the requests that changed something, in the order they were answered, each with
the instant the clock read, instead of diffing records after every request. A row is committed
(SQLite, WAL journal, ``synchronous=FULL``: fsynced) before the answer is sent: an acknowledged
request survives SIGKILL. At start the log is replayed onto the last snapshot. Compaction, a
new snapshot (the fake's own format, with the id streams' positions and the clock) in place of
the old one and the log in one transaction, runs at a clean stop and once the log holds
COMPACT_AFTER requests: a start after a crash replays no more than that.

Acknowledged means committed, and nothing else changes: a request is answered in memory first
(whether it changed anything is known only then), then committed; when the commit fails (disk
full, a read-only remount, ``database is locked``), the fake is rebuilt in place from the file,
which holds exactly the committed state, and the client gets AWS's 500 InternalServerException.
The journal and the request-id stream are kept as they were (the failed attempt is not
journaled; its request id, which the client saw, is not handed out again).

Faults and the journal belong to a test run, not to the service's state: a restart forgets
them once the log is replayed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from ..engine import _wire
from ..engine._errors import ServiceError
from ..engine._model import load as load_model
from . import _control_plane as _control
from ._replay import SETTINGS, apply_settings, current_settings, forget_run, replay
from ._state_guard import Lock, StateFileError, check_header, check_usable, read_only

if TYPE_CHECKING:
    from .._fake import CampaignsFake

__all__ = ["SETTINGS", "StateFile", "StateFileError", "apply_settings"]

FORMAT = "pytest-campaigns-fake/state/1"
# What of a request the fake reads besides the method, URL and body.
KEPT_HEADERS = ("Authorization", "amz-sdk-request", "Content-Type", "X-Amz-Date")
# How long a write waits for SQLite's lock. The server's own lock (one server per file) leaves
# no other writer; waiting under the engine's lock would stall every client.
BUSY_TIMEOUT_SECONDS = 0.1
# A running server compacts its log after this many requests: a start after a crash replays
# at most this many (about 0.1 ms each), after loading the snapshot. The request that triggers
# it waits for the snapshot to be written (about 1.5 s of CPU for 50,000 campaigns).
COMPACT_AFTER = 5_000
# What a commit failure answers: the model's own 500 (botocore retries it), and 503 while the
# fake cannot be rebuilt from the file (or the file is closed: the server is stopping).
COMMIT_FAILED = "InternalServerException"
UNAVAILABLE = "ServiceUnavailable"

# The operations whose rule reads and never writes: their requests are not logged. Every
# Describe, Get and List of the served models but the onboarding status poll, which counts
# polls and may end the job. A refused request (an error the service answered, no fault
# armed) changes nothing either: AWS's operations are all or nothing.
_WRITING_READS = frozenset({"GetInstanceOnboardingJobStatus"})


def _reads() -> frozenset[tuple[str, str]]:
    found = set()
    for service in ("connectcampaigns", "connectcampaignsv2"):
        for name in load_model(service).operations:
            if name.startswith(("Describe", "Get", "List")) and name not in _WRITING_READS:
                found.add((service, name))
    return frozenset(found)


READS = _reads()


class StateFile:
    """A fake's durable state: ``open()`` builds the fake it holds; ``answer_api()`` and
    ``apply_control()`` answer a request and commit it when it changed something."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._lock = Lock(self.path)
        # Serializes the connection's use with close(): a handler still writing while the server
        # stops gets an error, never a closed connection under its feet.
        self._guard = threading.Lock()
        #: Why the fake in memory may not be the committed state (a rebuild failed); None when
        #: it is. Every request tries the rebuild again first and gets a 503 until it works.
        self.broken: str | None = None
        # Requests logged since the snapshot: what the next start would replay.
        self._requests = 0

    # -- opening -------------------------------------------------------------------------------

    def open(
        self,
        make_fake: Callable[[str], CampaignsFake],
        seed: str | None,
        settings: Mapping[str, Any] | None = None,
        holder: str | None = None,
    ) -> CampaignsFake:
        """The fake the file holds (a new one, seeded, for a new file), its log replayed (and
        compacted if long), the run's ``settings`` applied and logged. The file is locked first
        (``holder`` says who holds it: pid, URL), then checked read-only; a file the server
        cannot use raises StateFileError and is left byte-identical."""
        check_usable(self.path)  # the directory exists and is writable: the lock needs it
        self._lock.acquire(self.path, holder or f"pid {os.getpid()}")
        try:
            return self._open(make_fake, seed, dict(settings or {}))
        except BaseException:
            self.close()
            raise

    def _open(
        self, make_fake: Callable[[str], CampaignsFake], seed: str | None, settings: dict[str, Any]
    ) -> CampaignsFake:
        new = check_usable(self.path)
        if new:
            stored_seed = seed or base64.b32encode(os.urandom(10)).decode().rstrip("=")
            fake = make_fake(stored_seed)
            run = {**current_settings(fake), **settings}
            self._db = self._connect()
            self._create(stored_seed)
        else:
            check_header(self.path)
            meta: dict[str, str] = {}
            try:
                with read_only(self.path) as source:
                    meta = self._meta(source)
                    if seed is not None and seed != meta["seed"]:
                        raise StateFileError(
                            f"{self.path} was made with seed {meta['seed']!r}, not {seed!r}: a "
                            "state file keeps the seed it was made with (drop --seed, or use "
                            "another file)"
                        )
                    fake = make_fake(meta["seed"])
                    # What this run was given, or its defaults: not the file's last run's.
                    run = {**current_settings(fake), **settings}
                    replayed = self._replay_from(source, fake)
            except sqlite3.DatabaseError as error:
                if meta:
                    raise StateFileError(self._corrupt(error)) from None
                raise StateFileError(
                    f"{self.path} cannot be read as an SQLite database ({error}): corrupt, or "
                    "not a pytest-campaigns-fake state file; it was left as it was"
                ) from None
            self._db = self._connect()
            if replayed >= COMPACT_AFTER:
                self.compact(fake)
            else:
                # A short log is kept, not compacted: dumping 50,000 campaigns again would be
                # most of the start. It grows on until a running server compacts it.
                self._requests = replayed
        if new:
            self.compact(fake)
        with fake._engine.lock:
            apply_settings(fake, run)
            try:
                if self._requests:
                    # Faults and the journal belong to a run: forgotten here, and at this
                    # point of every later replay.
                    forget_run(fake)
                    self._append("restart", fake.clock.time(), {})
                self._append("settings", fake.clock.time(), current_settings(fake))
            except sqlite3.Error as error:
                raise StateFileError(
                    f"cannot write {self.path} ({error}); it holds what it held before"
                ) from None
        return fake

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(
                self.path,
                check_same_thread=False,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_SECONDS,
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as error:
            raise StateFileError(f"cannot open {self.path} for writing: {error}") from None
        return db

    def _create(self, seed: str) -> None:
        db = self._connection()
        try:
            # One transaction: a crash leaves no file with tables and no format.
            db.execute("BEGIN")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('format', ?), ('seed', ?)", (FORMAT, seed))
            db.execute("COMMIT")
            # Into the main file at once: the read-only check that opens it next time reads
            # the main file alone (immutable) when there is no WAL, and its meta table is
            # never written again.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:
            raise StateFileError(f"cannot create the state file {self.path}: {error}") from None

    def _meta(self, db: sqlite3.Connection) -> dict[str, str]:
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as error:
            if "no such table" not in str(error):
                raise
            meta = {}
        if meta.get("format") != FORMAT or "seed" not in meta:
            raise StateFileError(
                f"{self.path} is not a pytest-campaigns-fake state file (format "
                f"{meta.get('format')!r}, expected {FORMAT!r}); give another --state path. "
                "The file was left as it was"
            )
        return meta

    def _corrupt(self, error: BaseException) -> str:
        return (
            f"{self.path} is a pytest-campaigns-fake state file, but corrupt "
            f"({type(error).__name__}: {error}); it was left as it was: move it aside to start "
            "empty, or put back a copy"
        )

    # -- replaying -----------------------------------------------------------------------------

    def _replay_from(self, db: sqlite3.Connection, fake: CampaignsFake) -> int:
        try:
            with fake._engine.lock:
                return replay(db, fake)
        except Exception as error:  # whatever a damaged file makes replay raise
            raise StateFileError(self._corrupt(error)) from None

    def compact(self, fake: CampaignsFake, *, forget: bool = True) -> None:
        """Replace the snapshot with the fake as it is now, and empty the log (one
        transaction); with ``forget``, the fake's faults and journal are forgotten (the file
        never holds them)."""
        db = self._connection()
        with fake._engine.lock:
            if forget:
                forget_run(fake)
            snapshot = json.dumps(fake.snapshot(), separators=(",", ":"))
            ids = json.dumps(fake._ids._state())
            clock = json.dumps(fake.clock._state())
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.execute("DELETE FROM snapshot")
                    db.execute("INSERT INTO snapshot VALUES (?, ?, ?)", (snapshot, ids, clock))
                    db.execute("DELETE FROM log")
                    db.execute("COMMIT")
                    self._requests = 0
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                raise StateFileError(
                    f"cannot write {self.path} ({error}); it holds what it held before"
                ) from None

    # -- answering -----------------------------------------------------------------------------

    def answer_api(
        self, fake: CampaignsFake, request: AWSPreparedRequest, headers: Mapping[str, str]
    ) -> AWSResponse:
        """Answer an API request (the caller holds the engine's lock) at one instant, the one
        logged, and commit it if it changed anything; a 5xx and the state as it was when the
        commit fails."""
        url = request.url or ""
        if self._db is None:  # closed: nothing is answered that could not be kept
            return _error(url, fake, UNAVAILABLE, self._closed_message())
        if self.broken is not None and not self._rebuild(fake):
            return _error(url, fake, UNAVAILABLE, self.broken)
        at = fake.clock.time()
        journal = fake._journal
        kept = len(journal._calls)
        seeded = fake._ids._random
        drawn = seeded.getstate() if seeded is not None else None
        armed = fake._faults.armed or fake._faults_v2.armed
        with fake.clock._pinned(at):
            response = fake._engine.answer(request)
        call = journal._calls[-1] if len(journal._calls) > kept else None
        changed = (
            armed
            or (seeded is not None and seeded.getstate() != drawn)
            or (
                call is not None
                and call.status_code < 300
                and (call.service, call.operation) not in READS
            )
        )
        if not changed:
            return response
        method = request.method or "POST"
        body = request.body if isinstance(request.body, bytes) else b""
        failure = self._commit(fake, kept, self._api_entry, at, method, url, headers, body)
        if failure is None:
            return response
        request_id = str(response.headers.get("x-amzn-RequestId", ""))
        return _error(url, fake, *failure, request_id=request_id)

    def apply_control(
        self, fake: CampaignsFake, method: str, path: str, arguments: dict[str, Any]
    ) -> Any:
        """Run a control operation (the caller holds the engine's lock), committing it when it
        changes the state; ControlError 500 or 503 when the commit fails, the state as it was."""
        if self._db is None:
            raise _control.ControlError(503, self._closed_message())
        if self.broken is not None and not self._rebuild(fake):
            raise _control.ControlError(503, self.broken)
        if not _control.changes(method, path):
            return _control.apply(fake, method, path, dict(arguments))
        at = fake.clock.time()
        kept = len(fake._journal._calls)
        if path == _control.CLOCK_ADVANCE:  # moves the clock itself: never at a pinned instant
            result = _control.apply(fake, method, path, dict(arguments))
        else:
            with fake.clock._pinned(at):
                result = _control.apply(fake, method, path, dict(arguments))
        entry = {"method": method, "path": path, "body": arguments}
        failure = self._commit(fake, kept, lambda: ("control", at, entry))
        if failure is not None:
            raise _control.ControlError(500 if failure[0] == COMMIT_FAILED else 503, failure[1])
        return result

    @staticmethod
    def _api_entry(
        at: float, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[str, float, dict[str, Any]]:
        # Header names in any case (SDKs differ): the mapping given is case-insensitive.
        kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
        entry = {
            "method": method,
            "url": url,
            "headers": kept,
            "body": base64.b64encode(body).decode(),
        }
        return "api", at, entry

    def _commit(
        self,
        fake: CampaignsFake,
        kept: int,
        make_entry: Callable[..., tuple[str, float, dict[str, Any]]],
        *arguments: Any,
    ) -> tuple[str, str] | None:
        """Commit the entry; on failure, put the fake back as the file holds it and return the
        error to answer (code, message)."""
        try:
            self._append(*make_entry(*arguments))
        except (sqlite3.Error, _Closed) as error:
            reason = f"{type(error).__name__}: {error}"
        else:
            self._compact_a_long_log(fake)
            return None
        calls, delays = fake._journal._calls[:kept], list(fake._journal.retry_delays)
        requests = fake._ids._requests
        request_ids = requests.getstate() if requests is not None else None
        rebuilt = self._rebuild(fake)
        # The journal as it was; the request-id stream as it is: the client saw the failed
        # attempt's request id.
        fake._journal._calls[:] = calls
        fake._journal.retry_delays[:] = delays
        if requests is not None and request_ids is not None:
            requests.setstate(request_ids)
        message = (
            f"the fake could not commit this request to its state file {self.path} ({reason}): "
            "nothing changed"
        )
        if not rebuilt:
            return UNAVAILABLE, f"{message}; {self.broken}"
        return COMMIT_FAILED, message

    def _compact_a_long_log(self, fake: CampaignsFake) -> None:
        """Compact once the log holds COMPACT_AFTER requests, so that a start after a crash
        replays no more than that. Not while a fault is set up: the snapshot holds no faults,
        and a rebuild from it would lose them. The journal is kept."""
        if self._requests < COMPACT_AFTER or fake._faults.armed or fake._faults_v2.armed:
            return
        # Nothing is lost if it fails: the log stays, and is tried again at the next request.
        with contextlib.suppress(StateFileError):
            self.compact(fake, forget=False)

    def _rebuild(self, fake: CampaignsFake) -> bool:
        """Put the fake back to the state the file holds (in place: tests hold the fake);
        False, with ``broken`` saying why, when the file cannot be read."""
        try:
            with self._guard:
                db = self._connection()
                fake.reset()
                replay(db, fake)
        except Exception as error:  # the file could not be read back: say why
            self.broken = (
                f"the fake's state could not be read back from {self.path} "
                f"({type(error).__name__}: {error}); requests are refused until it can"
            )
            return False
        self.broken = None
        return True

    # -- the log -------------------------------------------------------------------------------

    def _append(self, kind: str, at: float, entry: dict[str, Any]) -> None:
        # Autocommit: the INSERT is its own transaction, fsynced before this returns.
        payload = json.dumps(entry)
        with self._guard:
            self._connection().execute(
                "INSERT INTO log (kind, at, payload) VALUES (?, ?, ?)", (kind, at, payload)
            )
            if kind in ("api", "control"):
                self._requests += 1

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise _Closed(self._closed_message())
        return self._db

    def _closed_message(self) -> str:
        return f"the state file {self.path} is closed: the server is stopping"

    def close(self, fake: CampaignsFake | None = None) -> None:
        """Close the file and release its lock; a request still answering after this gets a
        503 and its change is not kept. Given the ``fake``, a log of requests is compacted
        first (its journal and faults kept): the next start loads the snapshot alone, where
        replaying the log would cost it more than twice as much per campaign."""
        if fake is not None and self._db is not None and self._requests and self.broken is None:
            # Nothing is lost if it fails: the log stays, and the next start replays it.
            with contextlib.suppress(StateFileError):
                self.compact(fake, forget=False)
        # Under the engine's lock when the fake is given: no request is between its answer
        # and its commit.
        with fake._engine.lock if fake is not None else contextlib.nullcontext(), self._guard:
            if self._db is not None:
                self._db.close()
                self._db = None
        self._lock.release()


class _Closed(Exception):
    """The state file is closed (the server is stopping)."""


def _error(
    url: str, fake: CampaignsFake, code: str, message: str, *, request_id: str | None = None
) -> AWSResponse:
    status = 500 if code == COMMIT_FAILED else 503
    return _wire.failure(
        url, request_id or fake._ids.request_id(), status, ServiceError(code, message)
    )


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE snapshot (snapshot TEXT NOT NULL, ids TEXT NOT NULL, clock TEXT NOT NULL);
CREATE TABLE log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    at REAL NOT NULL,
    payload TEXT NOT NULL
);
"""
