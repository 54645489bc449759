"""The server's durable state: a SQLite file holding a snapshot and the log of what came after.

Why this shape: every change to the fake is the answer to one request (an API call or a
control-plane operation), made under the engine's lock, and the fake is deterministic given
its seed, its clock and the order of requests. So the file keeps what is small and certain, the
requests themselves in the order they were answered, each with the instant the clock read,
instead of diffing records after every request. A row is committed (SQLite, WAL journal,
``synchronous=FULL``: fsynced) before the answer is sent: an acknowledged request survives
SIGKILL. At start the log is replayed onto the last snapshot, then compacted: a new snapshot
(the fake's own format, with the id streams' positions and the clock) replaces it in one
transaction. SQLite is the standard library's, and gives atomic compaction and a file that a
crash cannot leave half-written.

Faults and the journal belong to a test run, not to the service's state: a restart forgets
them once the log is replayed.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from botocore.awsrequest import AWSPreparedRequest, HeadersDict

from . import _control

if TYPE_CHECKING:
    from ._fake import CampaignsFake

FORMAT = "pytest-campaigns-fake/state/1"
# What of a request the fake reads besides the method, URL and body.
KEPT_HEADERS = ("Authorization", "amz-sdk-request", "Content-Type", "X-Amz-Date")


class StateFileError(Exception):
    """The state file cannot be used: not one of ours, corrupt, or made with other options."""


class StateFile:
    """A fake's durable state: open() builds the fake it holds; record_*() log each change."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None

    def open(self, make_fake: Callable[[str], CampaignsFake], seed: str | None) -> CampaignsFake:
        """The fake the file holds (a new one, seeded, for a new file), its log replayed and
        compacted."""
        new = not self.path.exists() or self.path.stat().st_size == 0
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            if not new:
                # Read before anything is written: a file that is not ours stays as it was.
                self._check_format(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            if new:
                stored_seed = seed or base64.b32encode(_random_bytes()).decode().rstrip("=")
                with db:
                    db.execute("BEGIN")
                    db.executescript(_SCHEMA)
                    db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
                    db.execute("INSERT INTO meta VALUES ('seed', ?)", (stored_seed,))
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as error:
            raise StateFileError(
                f"{self.path} is not a pytest-campaigns-fake state file ({error}); "
                "give another --state path, or remove this file to start empty"
            ) from None
        if seed is not None and seed != meta["seed"]:
            raise StateFileError(
                f"{self.path} was made with seed {meta['seed']!r}, not {seed!r}: a state file "
                "keeps the seed it was made with (drop --seed, or use another file)"
            )
        self._db = db
        fake = make_fake(meta["seed"])
        try:
            self._replay(fake)
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
            raise StateFileError(
                f"{self.path} is corrupt: {type(error).__name__}: {error}"
            ) from None
        self.compact(fake)
        return fake

    def _check_format(self, db: sqlite3.Connection) -> None:
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError:
            meta = {}
        if meta.get("format") != FORMAT:
            db.close()
            raise StateFileError(
                f"{self.path} is not a pytest-campaigns-fake state file (format "
                f"{meta.get('format')!r}, expected {FORMAT!r}); give another --state path, or "
                "remove this file to start empty"
            )

    def _replay(self, fake: CampaignsFake) -> None:
        db = self._connection()
        row = db.execute("SELECT snapshot, ids, clock FROM snapshot").fetchone()
        if row is not None:
            snapshot, ids, clock = row
            fake.load(json.loads(snapshot))
            fake._ids._restore(json.loads(ids))
            fake.clock._restore(json.loads(clock))
        for kind, at, payload in db.execute("SELECT kind, at, payload FROM log ORDER BY seq"):
            entry = json.loads(payload)
            if kind == "api":
                request = AWSPreparedRequest(
                    entry["method"],
                    entry["url"],
                    HeadersDict(entry["headers"]),
                    base64.b64decode(entry["body"]),
                    stream_output=False,
                )
                with fake.clock._pinned(at):
                    fake.engine.answer(request)
            elif kind == "settings":
                apply_settings(fake, entry)
            elif kind == "control":
                if entry["path"] == _control.CLOCK_ADVANCE:
                    # Moves the clock itself: applied as it was, not at a pinned instant.
                    _control.apply(fake, entry["method"], entry["path"], entry["body"])
                else:
                    with fake.clock._pinned(at):
                        _control.apply(fake, entry["method"], entry["path"], entry["body"])
            else:
                raise ValueError(f"unknown log entry kind {kind!r}")

    def compact(self, fake: CampaignsFake) -> None:
        """Replace the snapshot with the fake as it is now, and empty the log (one
        transaction); the fake's faults and journal are forgotten."""
        db = self._connection()
        with fake.engine.lock:
            fake._faults.clear()
            fake._faults_v2.clear()
            fake._journal.clear()
            snapshot = json.dumps(fake.snapshot())
            ids = json.dumps(fake._ids._state())
            clock = json.dumps(fake.clock._state())
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM snapshot")
                db.execute("INSERT INTO snapshot VALUES (?, ?, ?)", (snapshot, ids, clock))
                db.execute("DELETE FROM log")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def record_api(
        self, at: float, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> None:
        # Header names in any case (SDKs differ): the mapping given is case-insensitive.
        kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
        entry = {
            "method": method,
            "url": url,
            "headers": kept,
            "body": base64.b64encode(body).decode(),
        }
        self._append("api", at, entry)

    def record_settings(self, at: float, values: dict[str, Any]) -> None:
        """The options a run started with: what its logged requests were answered under."""
        self._append("settings", at, values)

    def record_control(self, at: float, method: str, path: str, body: dict[str, Any]) -> None:
        self._append("control", at, {"method": method, "path": path, "body": body})

    def _append(self, kind: str, at: float, entry: dict[str, Any]) -> None:
        # Autocommit: the INSERT is its own transaction, fsynced before this returns.
        self._connection().execute(
            "INSERT INTO log (kind, at, payload) VALUES (?, ?, ?)", (kind, at, json.dumps(entry))
        )

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the state file is not open")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


# The options of a run that are the fake's settings and quotas (not its data): given anew at
# every start, logged so that a replay answers each request under the options of its run.
SETTINGS = (
    "require_onboarding",
    "onboarding_polls",
    "share_campaigns",
    "campaigns_per_instance",
    "v2_campaigns_per_instance",
    "v2_active_campaigns_per_instance",
)


def apply_settings(fake: CampaignsFake, values: dict[str, Any]) -> None:
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    for name, value in values.items():
        if name.startswith("v2_"):
            setattr(fake.v2.quotas, name[3:], value)
        elif name == "campaigns_per_instance":
            fake.quotas.campaigns_per_instance = value
        else:
            setattr(fake.settings, name, value)


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


def _random_bytes() -> bytes:
    import os

    return os.urandom(10)
