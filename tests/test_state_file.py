"""What ``serve --state FILE`` promises, and what it refuses, with real server processes.

- Acknowledged means committed, and nothing else changes: a write the file cannot take (disk
  full on a tmpfs, ``database is locked`` by another process) is a 5xx in AWS's format, and the
  state, the ids it would have handed out and the journal are as they were.
- One server per state file: a second one exits 2 naming the holder, the file untouched.
- A file the server cannot use is left byte-identical, with its -wal and -shm, and exits 2
  with a message saying what is wrong.
- Requests that change nothing are not logged; the options that shape the state are.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import INSTANCE, OTHER_ACCOUNT, create, new_client
from support_server import Launch, Served, control, ids_of
from support_v2 import create_v2, new_v2_client

from pytest_campaigns_fake import CampaignsFake, CampaignsServer
from pytest_campaigns_fake.server import _durable
from pytest_campaigns_fake.server._durable import READS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and flock")


def fingerprint(state: Path) -> dict[str, str | None]:
    """The state file and its -wal and -shm, each as a hash of its bytes (None: absent)."""
    found: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{state}{suffix}")
        found[suffix or "file"] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
        )
    return found


def refused(served: Served, state: Path) -> str:
    """The stderr of a server that refused ``state``: exit 2, no traceback, the file named."""
    assert served.url is None, "the server started on a file it should have refused"
    assert served.process.returncode == 2, served.stderr
    stderr = served.stderr
    assert str(state) in stderr, stderr
    assert "Traceback" not in stderr, stderr
    return stderr


def log_rows(state: Path) -> list[tuple[str, str]]:
    """(kind, payload) of the rows logged since the last compaction (read while it runs)."""
    with contextlib.closing(sqlite3.connect(state)) as db:
        return list(db.execute("SELECT kind, payload FROM log ORDER BY seq"))


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs mounted for the test (skipped where mounting is not permitted)."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path) -> Path:
    """A file that takes every free byte of ``directory``'s file system."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    return filler


def seeded_ids(launch: Launch, count: int) -> list[str]:
    """The ids ``count`` CreateCampaigns get from a server seeded 'durable' (no state file)."""
    reference = launch("--seed", "durable", "--no-require-onboarding")
    client = reference.v1()
    return [create(client, name=f"c{n}")["id"] for n in range(count)]


def _error_of(call: Any) -> ClientError:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value


# -- acknowledged means committed ------------------------------------------------------------------


def test_a_full_disk_answers_500_and_changes_nothing(launch: Launch, tmpfs: Path) -> None:
    state = tmpfs / "state.db"
    served = launch("--state", state, "--seed", "durable", "--no-require-onboarding")
    client = served.v1()
    first = create(client, name="c0")["id"]
    before = served.control("GET", "snapshot")
    calls_before = served.control("GET", "calls")["calls"]
    filler = fill(tmpfs)

    error = _error_of(lambda: create(client, name="c1"))
    assert error.response["Error"]["Code"] == "InternalServerException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "could not commit" in error.response["Error"]["Message"]
    assert "full" in error.response["Error"]["Message"]
    status, answer = control(served.endpoint, "POST", "campaigns", {"connectInstanceId": "i"})
    assert status == 500 and "could not commit" in answer["error"], answer
    # Nothing changed: not the state, not the journal (the failed attempts are not in it).
    assert served.control("GET", "snapshot") == before
    assert served.control("GET", "calls")["calls"] == calls_before

    filler.unlink()
    second = create(client, name="c1")["id"]
    # The id the failed request would have had is handed out now: no id was used up.
    assert [first, second] == seeded_ids(launch, 2)
    assert served.stop(signal.SIGKILL) == -signal.SIGKILL
    restarted = launch("--state", state, "--no-require-onboarding")
    assert ids_of(restarted.v1()) == [first, second]


LOCKER = textwrap.dedent(
    """
    import sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
    db.execute("ROLLBACK")
    """
)


@contextlib.contextmanager
def locked(state: Path) -> Iterator[None]:
    """Another process holding an EXCLUSIVE transaction on ``state``."""
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(state)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert locker.stdout is not None and locker.stdin is not None
    try:
        assert locker.stdout.readline().strip() == "locked"
        yield
    finally:
        locker.stdin.close()
        locker.wait(timeout=30)
        locker.stdout.close()


def test_a_locked_database_answers_500_and_changes_nothing(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    served = launch("--state", state, "--seed", "durable", "--no-require-onboarding")
    client = served.v1()
    first = create(client, name="c0")["id"]
    before = served.control("GET", "snapshot")
    with locked(state):
        error = _error_of(lambda: create(client, name="c1"))
        assert error.response["Error"]["Code"] == "InternalServerException"
        assert "database is locked" in error.response["Error"]["Message"]
        assert error.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
            "InternalServerException"
        )
        status, answer = control(served.endpoint, "POST", "clock/advance", {"seconds": 3600})
        assert status == 500 and "database is locked" in answer["error"], answer
        # Reads need no commit: answered while the file is locked.
        assert ids_of(client) == [first]
        assert served.control("GET", "snapshot") == before
    second = create(client, name="c1")["id"]
    assert [first, second] == seeded_ids(launch, 2)
    assert served.stop(signal.SIGKILL) == -signal.SIGKILL
    assert ids_of(launch("--state", state, "--no-require-onboarding").v1()) == [first, second]


# -- what is logged ------------------------------------------------------------------------------


def test_reads_are_not_logged_and_a_poll_that_advances_a_job_is(
    launch: Launch, tmp_path: Path
) -> None:
    state = tmp_path / "state.db"
    served = launch("--state", state, "--onboarding-polls", "3")
    client = served.v1()
    client.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )
    logged = len(log_rows(state))
    for _ in range(5):
        client.list_campaigns()
        with pytest.raises(ClientError):
            client.describe_campaign(id="no-such-campaign")
        served.control("GET", "snapshot")
    assert len(log_rows(state)) == logged, "requests that change nothing were logged"

    def status() -> str:
        job = client.get_instance_onboarding_job_status(connectInstanceId=INSTANCE)
        return str(job["connectInstanceOnboardingJobStatus"]["status"])

    assert [status(), status()] == ["IN_PROGRESS", "IN_PROGRESS"]
    assert len(log_rows(state)) == logged + 2
    assert served.stop(signal.SIGKILL) == -signal.SIGKILL
    client = launch("--state", state, "--onboarding-polls", "3").v1()
    assert status() == "SUCCEEDED"  # the third poll: the two before the crash were kept


def _accounts_of(served: Served) -> list[str]:
    snapshot = served.control("GET", "snapshot")
    return [part["account"] for part in snapshot["partitions"] if part["campaigns"]]


def test_account_id_is_logged_with_each_run(launch: Launch, tmp_path: Path) -> None:
    """A request is replayed in the account of its run, whether or not a start compacted
    the log in between."""
    direct, compacted = tmp_path / "direct.db", tmp_path / "compacted.db"
    for state in (direct, compacted):
        first = launch("--state", state, "--account-id", OTHER_ACCOUNT, "--no-require-onboarding")
        create(first.v1())
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    # One more start with the same options compacts compacted.db's log into its snapshot.
    again = launch("--state", compacted, "--account-id", OTHER_ACCOUNT, "--no-require-onboarding")
    assert again.stop() == 0
    for state in (direct, compacted):
        served = launch("--state", state, "--no-require-onboarding")
        assert _accounts_of(served) == [OTHER_ACCOUNT]
        assert ids_of(served.v1()) == []  # made in the other account, not this run's
        assert served.stop() == 0


# -- one server per file -------------------------------------------------------------------------


def test_a_second_server_on_the_same_file_exits_2(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    first = launch("--state", state, "--no-require-onboarding")
    made = create(first.v1())["id"]
    # Read while the first runs: the log row is in the WAL; nothing may change it now.
    before = fingerprint(state)
    second = launch("--state", state, "--no-require-onboarding")
    stderr = refused(second, state)
    assert f"pid {first.process.pid}" in stderr and first.endpoint in stderr, stderr
    assert "in use by another server" in stderr
    assert fingerprint(state) == before
    assert ids_of(first.v1()) == [made]  # the first serves on
    assert first.stop() == 0
    # Released at a stop, and by the kernel at SIGKILL.
    third = launch("--state", state, "--no-require-onboarding")
    assert third.stop(signal.SIGKILL) == -signal.SIGKILL
    assert ids_of(launch("--state", state, "--no-require-onboarding").v1()) == [made]


def test_a_port_clash_fails_before_the_file_is_touched(launch: Launch, tmp_path: Path) -> None:
    first = launch()
    port = first.endpoint.rsplit(":", 1)[1]
    state = tmp_path / "new.db"
    clash = launch("--state", state, "--port", port)
    assert clash.url is None and clash.process.returncode == 2, clash.stderr
    assert "Traceback" not in clash.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new.db")) == []


# -- files the server cannot use -----------------------------------------------------------------


def test_a_valid_file_on_a_read_only_file_system(launch: Launch, tmpfs: Path) -> None:
    state = tmpfs / "state.db"
    served = launch("--state", state, "--no-require-onboarding")
    create(served.v1())
    assert served.stop(signal.SIGKILL) == -signal.SIGKILL  # its -wal and -shm stay
    before = fingerprint(state)
    assert before["-wal"] is not None
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        stderr = refused(launch("--state", state), state)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert "read-only file system" in stderr
    assert "remove" not in stderr and "not a pytest-campaigns-fake state file" not in stderr
    assert fingerprint(state) == before


def test_a_file_the_server_may_not_write(launch: Launch, tmp_path: Path) -> None:
    """``chattr +i``: even root may not write it (chmod would not stop root)."""
    state = tmp_path / "state.db"
    served = launch("--state", state, "--no-require-onboarding")
    create(served.v1())
    assert served.stop() == 0
    before = fingerprint(state)
    if subprocess.run(["chattr", "+i", str(state)], check=False).returncode != 0:
        pytest.skip("chattr +i is not supported here")
    try:
        stderr = refused(launch("--state", state), state)
    finally:
        subprocess.run(["chattr", "-i", str(state)], check=True)
    assert "is not writable by this process" in stderr
    assert "remove" not in stderr and "not a pytest-campaigns-fake state file" not in stderr
    assert fingerprint(state) == before
    assert not Path(f"{state}.lock").exists()


def test_a_missing_directory(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "missing" / "state.db"
    stderr = refused(launch("--state", state), state)
    assert "does not exist" in stderr
    assert not state.parent.exists()


def test_a_file_that_is_not_sqlite_is_left_as_it_was(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "notes.txt"
    state.write_text("not a database\n" * 100)
    before = fingerprint(state)
    stderr = refused(launch("--state", state), state)
    assert "not an SQLite database" in stderr
    assert fingerprint(state) == before


FOREIGN = textwrap.dedent(
    """
    import os, sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO users VALUES (1, 'ada')")
    os._exit(0)  # no close: its -wal and -shm stay, as an application's that crashed
    """
)


def test_a_foreign_wal_file_is_left_byte_identical(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "app.db"
    subprocess.run([sys.executable, "-c", FOREIGN, str(state)], check=True)
    before = fingerprint(state)
    assert before["-wal"] is not None and before["-shm"] is not None
    stderr = refused(launch("--state", state), state)
    assert "not a pytest-campaigns-fake state file" in stderr
    assert fingerprint(state) == before
    with contextlib.closing(sqlite3.connect(state)) as db:  # still the application's
        assert db.execute("SELECT name FROM users").fetchall() == [("ada",)]


@pytest.mark.parametrize("damage", ["snapshot", "clock", "log", "bytes"])
def test_a_corrupt_state_file_is_left_as_it_was(
    launch: Launch, tmp_path: Path, damage: str
) -> None:
    state = tmp_path / "state.db"
    served = launch("--state", state, "--no-require-onboarding")
    create(served.v1())
    assert served.stop() == 0
    with contextlib.closing(sqlite3.connect(state, isolation_level=None)) as db:
        if damage == "snapshot":
            db.execute("UPDATE snapshot SET snapshot = '{\"format\": 1'")
        elif damage == "clock":
            db.execute("UPDATE snapshot SET clock = '[]'")
        elif damage == "log":
            db.execute("INSERT INTO log (kind, at, payload) VALUES ('api', 0, '[]')")
    if damage == "bytes":
        data = bytearray(state.read_bytes())
        data[4096:8192] = b"\xff" * 4096  # a page of the database, not its header
        state.write_bytes(bytes(data))
    before = fingerprint(state)
    stderr = refused(launch("--state", state), state)
    assert "corrupt" in stderr or "not a pytest-campaigns-fake state file" in stderr, stderr
    assert "remove" not in stderr
    assert fingerprint(state) == before


def test_the_lock_file_is_removed_at_a_clean_stop(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    served = launch("--state", state)
    assert Path(f"{state}.lock").exists()
    assert json.dumps(served.control("GET", "health"))
    assert served.stop() == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("state.db")) == [
        "state.db"
    ]


# -- in process: a file closed under a request, a file that cannot be read back ------------------


def test_a_request_after_the_file_closed_answers_503(tmp_path: Path) -> None:
    """A handler still answering while the server stops (the file closed under it) gets AWS's
    503, and the fake keeps what the file holds."""
    server = CampaignsServer(state=tmp_path / "state.db", require_onboarding=False).start()
    try:
        client = new_client(endpoint_url=server.url, max_attempts=1)
        made = create(client)["id"]
        assert server._state is not None
        server._state.close()
        error = _error_of(lambda: create(client, name="late"))
        assert error.response["Error"]["Code"] == "ServiceUnavailable"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert "stopping" in error.response["Error"]["Message"]
        assert [c.id for c in server.fake.campaigns] == [made]
    finally:
        server.stop()


def test_a_fake_that_cannot_be_read_back_refuses_requests_until_it_can(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    server = CampaignsServer(state=state, require_onboarding=False, seed="durable").start()
    try:
        client = new_client(endpoint_url=server.url, max_attempts=1)
        made = create(client)["id"]
        durable = server._state
        assert durable is not None
        working = durable._db
        # A connection that can neither commit nor read: the rebuild fails too.
        durable._db = sqlite3.connect(":memory:", check_same_thread=False)
        error = _error_of(lambda: create(client, name="lost"))
        assert error.response["Error"]["Code"] == "ServiceUnavailable"
        assert "could not be read back" in error.response["Error"]["Message"]
        assert durable.broken is not None
        # Reads too: the fake in memory may not be what the file holds.
        assert _error_of(client.list_campaigns).response["Error"]["Code"] == "ServiceUnavailable"
        status, answer = control(server.url, "GET", "snapshot")
        assert status == 503 and "could not be read back" in answer["error"]
        durable._db.close()
        durable._db = working
        assert ids_of(client) == [made]  # rebuilt from the file at the next request
        assert durable.broken is None
        assert create(client, name="again")["id"] == seeded_ids_in_process(2)[1]
    finally:
        server.stop()


def seeded_ids_in_process(count: int) -> list[str]:
    with CampaignsServer(require_onboarding=False, seed="durable") as reference:
        client = new_client(endpoint_url=reference.url, max_attempts=1)
        return [create(client, name=f"c{n}")["id"] for n in range(count)]


def test_the_operations_not_logged_change_nothing(v2_fake: CampaignsFake) -> None:
    """Every operation READS names, answered on a fake with campaigns of both APIs running,
    leaves the snapshot and both id streams as they were: what is not logged changes nothing."""
    fake = v2_fake
    v1, v2 = new_client(), new_v2_client()
    campaign = create(v1, tags={"team": "a"})
    v1.start_campaign(id=campaign["id"])
    campaign_v2 = create_v2(v2, tags={"team": "b"})
    v2.start_campaign(id=campaign_v2["id"])
    fake.clock.advance(3600)
    calls = {
        ("connectcampaigns", "DescribeCampaign"): lambda: v1.describe_campaign(id=campaign["id"]),
        ("connectcampaigns", "GetCampaignState"): lambda: v1.get_campaign_state(id=campaign["id"]),
        ("connectcampaigns", "GetCampaignStateBatch"): lambda: v1.get_campaign_state_batch(
            campaignIds=[campaign["id"], "missing"]
        ),
        ("connectcampaigns", "ListCampaigns"): v1.list_campaigns,
        ("connectcampaigns", "GetConnectInstanceConfig"): lambda: v1.get_connect_instance_config(
            connectInstanceId=INSTANCE
        ),
        ("connectcampaigns", "ListTagsForResource"): lambda: v1.list_tags_for_resource(
            arn=campaign["arn"]
        ),
        ("connectcampaignsv2", "DescribeCampaign"): lambda: v2.describe_campaign(
            id=campaign_v2["id"]
        ),
        ("connectcampaignsv2", "GetCampaignState"): lambda: v2.get_campaign_state(
            id=campaign_v2["id"]
        ),
        ("connectcampaignsv2", "GetCampaignStateBatch"): lambda: v2.get_campaign_state_batch(
            campaignIds=[campaign_v2["id"]]
        ),
        ("connectcampaignsv2", "ListCampaigns"): v2.list_campaigns,
        ("connectcampaignsv2", "GetConnectInstanceConfig"): lambda: v2.get_connect_instance_config(
            connectInstanceId=INSTANCE
        ),
        ("connectcampaignsv2", "ListConnectInstanceIntegrations"): lambda: (
            v2.list_connect_instance_integrations(connectInstanceId=INSTANCE)
        ),
        ("connectcampaignsv2", "GetInstanceCommunicationLimits"): lambda: (
            v2.get_instance_communication_limits(connectInstanceId=INSTANCE)
        ),
        ("connectcampaignsv2", "ListTagsForResource"): lambda: v2.list_tags_for_resource(
            arn=campaign_v2["arn"]
        ),
    }
    assert set(calls) == set(READS), "a read operation this test does not call"
    before = fake.snapshot(), fake._ids._state()
    for call in calls.values():
        with contextlib.suppress(ClientError):
            call()
    assert (fake.snapshot(), fake._ids._state()[0]) == (before[0], before[1][0])
    assert all(c.status_code == 200 for c in fake.calls), [c.summary() for c in fake.calls]


def test_a_long_log_is_compacted_while_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After COMPACT_AFTER logged requests the log is compacted (a start after a crash replays
    no more than that); the journal stays, and nothing is lost."""
    monkeypatch.setattr(_durable, "COMPACT_AFTER", 3)
    state = tmp_path / "state.db"
    server = CampaignsServer(state=state, require_onboarding=False).start()
    try:
        client = new_client(endpoint_url=server.url, max_attempts=1)
        made = [create(client, name=f"c{n}")["id"] for n in range(4)]
        assert [kind for kind, _ in log_rows(state)] == ["api"]  # the fourth, after the third
        assert len(server.fake.calls) == 4
        server.fake.inject_error("ListCampaigns", "AccessDeniedException")
        for n in range(4, 8):  # a fault set up: no compaction (the snapshot holds no faults)
            made.append(create(client, name=f"c{n}")["id"])
        assert len(log_rows(state)) == 5  # the fourth and these four
        with pytest.raises(ClientError):
            client.list_campaigns()
    finally:
        assert server._state is not None
        server._state.close()  # as a crash: no compaction at the stop
        server.stop()
    reopened = CampaignsServer(state=state, require_onboarding=False)
    try:
        assert [c.id for c in reopened.fake.campaigns] == made
    finally:
        reopened.stop()


def test_faults_are_forgotten_at_a_restart_and_in_later_replays(
    launch: Launch, tmp_path: Path
) -> None:
    """A fault set up in one run (through the control plane: logged, as the requests it
    fails) does not outlive the run, neither live nor when a later start replays the log."""
    state = tmp_path / "state.db"
    options = ("--state", state, "--no-require-onboarding")
    first = launch(*options)
    first.control(
        "POST",
        "faults/errors",
        {"operation": "CreateCampaign", "code": "ServiceQuotaExceededException", "times": 3},
    )
    with pytest.raises(ClientError):
        create(first.v1(), name="refused")
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL

    second = launch(*options)
    assert second.control("GET", "faults/unused") == {"unused": []}
    made = create(second.v1(), name="after")["id"]  # the fault's two other times are gone
    assert second.stop(signal.SIGKILL) == -signal.SIGKILL

    third = launch(*options)
    assert ids_of(third.v1()) == [made]
    assert third.control("GET", "faults/unused") == {"unused": []}
