"""The command line, ``python -m pytest_campaigns_fake serve``, as a subprocess.

Each server is started on a free loopback port (``--port 0``) and is ready when it prints
``pytest-campaigns-fake serving on <url>``: the tests read its stdout for that line, with a
deadline. Signals stop it (exit 0); SIGKILL is the crash that ``--state FILE`` must survive:
every acknowledged request is in the file, and a restart replays it.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from support import (
    ACCESS_KEY,
    DIALER,
    INSTANCE,
    OTHER_ACCOUNT,
    OTHER_REGION,
    REGION,
    create,
    dial,
    raises,
    state_of,
)
from support_server import READY, STARTUP_SECONDS, Launch, Served, control, ids_of
from support_v2 import create_v2, has_member, outbound_request

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX signals (SIGTERM, SIGINT, SIGKILL)"
)


def soon(served: Served) -> datetime:
    """Inside the dial request window (30 to 900 s ahead) of the server's clock."""
    now = served.control("GET", "clock")["now"]
    return datetime.fromisoformat(now.replace("Z", "+00:00")) + timedelta(minutes=10)


# -- starting and stopping -----------------------------------------------------------------------


def test_prints_its_url_when_ready(launch: Launch) -> None:
    served = launch()
    assert served.url is not None
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", served.url), served.url
    assert int(served.url.rsplit(":", 1)[1]) > 0
    assert served.stdout == [f"{READY}{served.url}"]
    # Ready means serving: the first requests are answered.
    assert control(served.url, "GET", "health") == (200, {"ok": True})
    assert served.v1().list_campaigns()["campaignSummaryList"] == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_it_with_status_0(launch: Launch, signum: int) -> None:
    served = launch()
    port = int(served.endpoint.rsplit(":", 1)[1])
    assert served.stop(signum) == 0
    assert served.stderr == ""
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=5).connect()


def test_control_token_option(launch: Launch) -> None:
    served = launch("--control-token", "secret")
    assert served.next_line(time.monotonic() + STARTUP_SECONDS) == "control plane token: secret"
    assert control(served.endpoint, "GET", "clock")[0] == 401
    assert "now" in served.control("GET", "clock", **{"X-Fake-Control-Token": "secret"})
    assert served.control("GET", "health") == {"ok": True}  # liveness needs no token


# -- options -------------------------------------------------------------------------------------


def test_no_require_onboarding(launch: Launch) -> None:
    strict, lenient = launch(), launch("--no-require-onboarding")
    client = strict.v1()
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    assert create(lenient.v1())["id"]


def test_share_campaigns_option(launch: Launch) -> None:
    separate, shared = launch(), launch("--share-campaigns")
    for served in (separate, shared):
        served.control("POST", "instances", {"connectInstanceId": INSTANCE})
        create(served.v1())
    assert shared.v2().list_campaigns()["campaignSummaryList"] != []
    assert separate.v2().list_campaigns()["campaignSummaryList"] == []


def test_region_option(launch: Launch) -> None:
    served = launch("--region", OTHER_REGION)
    served.control("POST", "instances", {"connectInstanceId": INSTANCE})
    seeded = served.control("POST", "campaigns", {"connectInstanceId": INSTANCE})["campaign"]
    assert f":{OTHER_REGION}:" in seeded["arn"]
    assert ids_of(served.v1(OTHER_REGION)) == [seeded["id"]]
    assert ids_of(served.v1(REGION)) == []


def test_account_id_option(launch: Launch) -> None:
    served = launch("--account-id", OTHER_ACCOUNT)
    served.control("POST", "instances", {"connectInstanceId": INSTANCE})
    made = create(served.v1())
    assert (
        made["arn"] == f"arn:aws:connect-campaigns:{REGION}:{OTHER_ACCOUNT}:campaign/{made['id']}"
    )


def _ids_made(served: Served) -> list[str]:
    served.control("POST", "instances", {"connectInstanceId": INSTANCE})
    client = served.v1()
    made = [create(client, name=f"c{i}") for i in range(3)]
    return [m["id"] for m in made] + [m["ResponseMetadata"]["RequestId"] for m in made]


def test_seed_gives_the_same_ids_in_two_runs(launch: Launch) -> None:
    first = _ids_made(launch("--seed", "alpha"))
    second = _ids_made(launch("--seed", "alpha"))
    other = _ids_made(launch("--seed", "beta"))
    assert first == second
    assert len(set(first)) == 6
    assert not set(first) & set(other)


def test_onboarding_polls_option(launch: Launch) -> None:
    client = launch("--onboarding-polls", "3").v1()
    client.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )
    seen = [
        client.get_instance_onboarding_job_status(connectInstanceId=INSTANCE)[
            "connectInstanceOnboardingJobStatus"
        ]["status"]
        for _ in range(4)
    ]
    assert seen == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED", "SUCCEEDED"]


def test_bad_option_exits_2(launch: Launch) -> None:
    served = launch("--onboarding-polls", "-1")
    assert served.url is None
    assert served.process.returncode == 2
    assert "must be an integer >= 0" in served.stderr


# -- durability ----------------------------------------------------------------------------------


@dataclass
class Before:
    """What the first run made, to find again after the crash."""

    campaigns: list[str]
    running: str
    paused: str
    v2_campaign: str
    role: str
    dial_ids: dict[str, str]
    outbound_id: str
    snapshot: dict[str, Any]
    requests: dict[str, Any]


def _first_run(served: Served) -> Before:
    client, client_v2 = served.v1(), served.v2()
    client.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )
    client.get_instance_onboarding_job_status(connectInstanceId=INSTANCE)
    role = client.get_connect_instance_config(connectInstanceId=INSTANCE)["connectInstanceConfig"][
        "serviceLinkedRoleArn"
    ]
    served.control(
        "POST",
        "instances",
        {"connectInstanceId": "failed-1", "status": "FAILED", "failureCode": "KMS_KEY_NOT_FOUND"},
    )
    running = create(client, name="running", tags={"team": "a"})["id"]
    paused = create(client, name="paused")["id"]
    client.start_campaign(id=running)
    served.control("POST", f"campaigns/{paused}/state", {"state": "Paused"})
    seeded = served.control("POST", "campaigns", {"connectInstanceId": INSTANCE, "name": "seed"})
    served.control("POST", "clock/advance", {"seconds": 60})
    expires = soon(served)
    answer = client.put_dial_request_batch(
        id=running, dialRequests=[dial("t1", expires), dial("t2", expires, "+15550102")]
    )
    dial_ids = {r["clientToken"]: r["id"] for r in answer["successfulRequests"]}
    v2_campaign = create_v2(client_v2, name="v2")["id"]
    client_v2.start_campaign(id=v2_campaign)
    put = client_v2.put_outbound_request_batch(
        id=v2_campaign, outboundRequests=[outbound_request("o1", expires)]
    )
    return Before(
        campaigns=[running, paused, seeded["campaign"]["id"]],
        running=running,
        paused=paused,
        v2_campaign=v2_campaign,
        role=role,
        dial_ids=dial_ids,
        outbound_id=put["successfulRequests"][0]["id"],
        snapshot=served.control("GET", "snapshot"),
        requests={
            running: served.control("GET", f"campaigns/{running}/requests"),
            v2_campaign: served.control("GET", f"campaigns/{v2_campaign}/requests"),
        },
    )


_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")


def timeless(value: Any) -> Any:
    """``value`` with every instant (ISO-8601 string) as ``<instant>``: a replay re-answers
    requests at the instant logged for them, which the answers' own instants differ from by
    the time answering took (test_instants_survive_a_restart)."""
    if isinstance(value, dict):
        return {key: timeless(item) for key, item in value.items()}
    if isinstance(value, list):
        return [timeless(item) for item in value]
    if isinstance(value, str) and _INSTANT.fullmatch(value):
        return "<instant>"
    return value


def test_state_survives_sigkill_and_restarts(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    first = launch("--state", state)
    before = _first_run(first)
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL

    second = launch("--state", state)
    assert timeless(second.control("GET", "snapshot")) == timeless(before.snapshot)
    client, client_v2 = second.v1(), second.v2()
    assert ids_of(client) == before.campaigns
    assert [state_of(client, i) for i in before.campaigns] == ["Running", "Paused", "Initialized"]
    assert client.list_tags_for_resource(
        arn=client.describe_campaign(id=before.running)["campaign"]["arn"]
    )["tags"] == {"team": "a"}
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["serviceLinkedRoleArn"] == before.role
    assert client.get_instance_onboarding_job_status(connectInstanceId="failed-1")[
        "connectInstanceOnboardingJobStatus"
    ] == {"connectInstanceId": "failed-1", "status": "FAILED", "failureCode": "KMS_KEY_NOT_FOUND"}
    for campaign_id, accepted in before.requests.items():
        assert timeless(second.control("GET", f"campaigns/{campaign_id}/requests")) == timeless(
            accepted
        )

    # A repeated client token names the request it named before the crash; new ids are new.
    expires = soon(second)
    again = client.put_dial_request_batch(
        id=before.running, dialRequests=[dial("t1", expires), dial("t3", expires, "+15550103")]
    )
    by_token = {r["clientToken"]: r["id"] for r in again["successfulRequests"]}
    assert by_token["t1"] == before.dial_ids["t1"]
    assert by_token["t3"] not in before.dial_ids.values()
    repeated = client_v2.put_outbound_request_batch(
        id=before.v2_campaign, outboundRequests=[outbound_request("o1", expires)]
    )
    assert repeated["successfulRequests"][0]["id"] == before.outbound_id
    assert client_v2.get_campaign_state(id=before.v2_campaign)["state"] == "Running"
    new_v1 = create(client, name="after-crash")["id"]
    new_v2 = create_v2(client_v2, name="after-crash-v2")["id"]
    assert not {new_v1, new_v2} & {*before.campaigns, before.v2_campaign}
    client.delete_campaign(id=before.paused)
    after_second = second.control("GET", "snapshot")
    requests_second = second.control("GET", f"campaigns/{before.running}/requests")
    assert second.stop(signal.SIGKILL) == -signal.SIGKILL

    # A restart after a restart: the first run is in the compacted snapshot, the second in
    # the log after it; the start compacts again.
    third = launch("--state", state)
    assert timeless(third.control("GET", "snapshot")) == timeless(after_second)
    client, client_v2 = third.v1(), third.v2()
    running, _, seeded = before.campaigns
    assert ids_of(client) == [running, seeded, new_v1]
    assert [c["id"] for c in client_v2.list_campaigns()["campaignSummaryList"]] == [
        before.v2_campaign,
        new_v2,
    ]
    requests_third = third.control("GET", f"campaigns/{before.running}/requests")
    assert timeless(requests_third) == timeless(requests_second)
    assert [r["clientToken"] for r in requests_second["dialRequests"]] == ["t1", "t2", "t3"]
    newest = create(client, name="third-run")["id"]
    assert newest not in {*before.campaigns, new_v1, new_v2, before.v2_campaign}
    assert third.stop() == 0


def _job_started(snapshot: dict[str, Any], instance: str) -> str:
    """The instance's onboarding job start, as the snapshot writes it."""
    (started,) = [
        i["jobStartedAt"]
        for part in snapshot["partitions"]
        for i in part["instances"]
        if i["connectInstanceId"] == instance
    ]
    assert isinstance(started, str) and _INSTANT.fullmatch(started), started
    return started


def test_instants_survive_a_restart(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    served = launch("--state", state)
    served.control("POST", "instances", {"connectInstanceId": INSTANCE})
    client_v2 = served.v2()
    campaign_id = create_v2(client_v2)["id"]
    client_v2.start_campaign(id=campaign_id)
    client_v2.put_outbound_request_batch(
        id=campaign_id, outboundRequests=[outbound_request("o1", soon(served))]
    )
    described = client_v2.describe_campaign(id=campaign_id)["campaign"]
    running = create(served.v1())["id"]
    served.v1().start_campaign(id=running)
    served.v1().put_dial_request_batch(id=running, dialRequests=[dial("t1", soon(served))])
    accepted = served.control("GET", f"campaigns/{running}/requests")
    accepted_v2 = served.control("GET", f"campaigns/{campaign_id}/requests")
    assert [r["clientToken"] for r in accepted_v2["outboundRequests"]] == ["o1"]
    assert timeless(accepted_v2) != accepted_v2  # it has instants to compare
    job_started = _job_started(served.control("GET", "snapshot"), INSTANCE)
    assert served.stop(signal.SIGKILL) == -signal.SIGKILL

    restarted = launch("--state", state)
    again = restarted.v2().describe_campaign(id=campaign_id)["campaign"]
    assert again == described
    if has_member("Campaign", "lastModifiedTime"):  # not in botocore 1.38's model
        assert again["lastModifiedTime"] == described["lastModifiedTime"]
    assert restarted.control("GET", f"campaigns/{running}/requests") == accepted
    assert restarted.control("GET", f"campaigns/{campaign_id}/requests") == accepted_v2
    assert _job_started(restarted.control("GET", "snapshot"), INSTANCE) == job_started


def test_a_thousand_campaigns_restart(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "big.db"
    served = launch("--state", state)
    served.control("POST", "instances", {"connectInstanceId": INSTANCE})
    url = served.endpoint
    connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=30)
    seeded: list[str] = []
    try:  # one keep-alive connection: a thousand seeds in well under a second
        for n in range(1000):
            body = json.dumps({"connectInstanceId": INSTANCE, "name": f"campaign-{n}"})
            connection.request(
                "POST", "/_fake/campaigns", body=body, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            answer = json.loads(response.read())
            assert response.status == 200, answer
            seeded.append(answer["campaign"]["id"])
    finally:
        connection.close()
    assert len(set(seeded)) == 1000
    assert served.stop(signal.SIGKILL) == -signal.SIGKILL

    for _ in range(2):  # the log replayed, then the compacted snapshot alone
        restarted = launch("--state", state)
        client = restarted.v1()
        pages = client.get_paginator("list_campaigns").paginate()
        listed = [c for page in pages for c in page["campaignSummaryList"]]
        assert [c["id"] for c in listed] == seeded
        assert [c["name"] for c in listed] == [f"campaign-{n}" for n in range(1000)]
        assert client.describe_campaign(id=seeded[-1])["campaign"]["dialerConfig"] == DIALER
        assert restarted.stop() == 0


# -- state files the server refuses ----------------------------------------------------------------


def _refused(served: Served, state: Path) -> str:
    assert served.url is None, "the server started on a file it should have refused"
    assert served.process.returncode == 2
    assert served.stdout == []
    stderr = served.stderr
    assert str(state) in stderr or state.name in stderr, stderr
    return stderr


def test_a_corrupt_file_exits_2(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "corrupt.db"
    state.write_bytes(bytes(range(256)) * 16)
    stderr = _refused(launch("--state", state), state)
    assert "is not a pytest-campaigns-fake state file" in stderr
    assert "Traceback" not in stderr


def _foreign(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO users VALUES (1, 'ada')")
    db.close()
    return path


@pytest.mark.parametrize("schema", ["other-tables", "other-meta"])
def test_a_foreign_sqlite_file_exits_2(launch: Launch, tmp_path: Path, schema: str) -> None:
    state = _foreign(tmp_path / "app.db")
    if schema == "other-meta":
        with sqlite3.connect(state) as db:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("INSERT INTO meta VALUES ('format', 'someone-else/3')")
        db.close()
    stderr = _refused(launch("--state", state), state)
    assert "not a pytest-campaigns-fake state file" in stderr
    assert "Traceback" not in stderr


def test_a_refused_file_is_left_as_it_was(launch: Launch, tmp_path: Path) -> None:
    state = _foreign(tmp_path / "app.db")
    before = state.read_bytes()
    _refused(launch("--state", state), state)
    assert state.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("app.db*")) == ["app.db"]


def test_another_seed_than_the_files_exits_2(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "seeded.db"
    first = launch("--state", state, "--seed", "one")
    first.control("POST", "instances", {"connectInstanceId": INSTANCE})
    made = create(first.v1())["id"]
    assert first.stop() == 0

    stderr = _refused(launch("--state", state, "--seed", "two"), state)
    assert "'one'" in stderr and "'two'" in stderr

    for options in (("--seed", "one"), ()):  # the same seed, or none: the file's
        again = launch("--state", state, *options)
        assert ids_of(again.v1()) == [made]
        assert again.stop() == 0


def test_lower_case_headers_survive_a_restart(launch: Launch, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    served = launch("--state", state, "--no-require-onboarding")
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/connect-campaigns/"
        "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
    )
    body = {
        "name": "lower",
        "connectInstanceId": INSTANCE,
        "dialerConfig": DIALER,
        "outboundCallConfig": {"connectContactFlowId": "flow-1"},
    }
    connection = http.client.HTTPConnection(
        "127.0.0.1", int(served.endpoint.rsplit(":", 1)[1]), timeout=30
    )
    try:
        connection.request(
            "PUT",
            "/campaigns",
            body=json.dumps(body),
            headers={"authorization": authorization, "content-type": "application/json"},
        )
        response = connection.getresponse()
        created = json.loads(response.read())
        assert response.status == 200, created
    finally:
        connection.close()
    assert served.stop(signal.SIGKILL) == -signal.SIGKILL
    restarted = launch("--state", state, "--no-require-onboarding")
    assert ids_of(restarted.v1()) == [created["id"]]


def test_options_on_a_restart_take_effect(launch: Launch, tmp_path: Path) -> None:
    """Settings are options of each run, not of the file; a request is replayed under the
    options of the run that answered it."""
    state = tmp_path / "state.db"
    assert launch("--state", state).stop() == 0
    lenient = launch("--state", state, "--no-require-onboarding")
    made = create(lenient.v1())["id"]  # no onboarded instance: allowed in this run
    assert lenient.stop(signal.SIGKILL) == -signal.SIGKILL

    strict = launch("--state", state)
    client = strict.v1()
    assert ids_of(client) == [made]
    with raises(client, "ResourceNotFoundException", 404):
        create(client, name="needs-onboarding")
