"""``--campaigns-record=DIR`` and ``pytest-campaigns-fake verify DIR``, end to end.

Suites are recorded through ``pytester`` (in process, under xdist, against a server process);
``verify`` runs as the installed command would, in a process of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_campaigns_fake import CampaignsFake

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
RECORD = "--campaigns-record=recorded"
QUIET = ("-p", "no:cacheprovider", "-p", "no:randomly", "-q")

HELPERS = """
import pytest

DIALER = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
OUTBOUND = {"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"}


def create(client, name, instance="instance-1"):
    return client.create_campaign(
        name=name, connectInstanceId=instance, dialerConfig=DIALER, outboundCallConfig=OUTBOUND
    )
"""

# A suite that seeds the fake through its controls before and between its calls.
IN_PROCESS_SUITE = (
    HELPERS
    + """
from datetime import timedelta


def test_seeded_then_driven(campaigns_fake, campaigns_client):
    campaigns_fake.add_instance("instance-1")
    created = create(campaigns_client, "renewals")
    campaigns_client.start_campaign(id=created["id"])
    campaigns_fake.set_campaign_state(created["id"], "Paused")  # a control between two calls
    assert campaigns_client.get_campaign_state(id=created["id"])["state"] == "Paused"
    campaigns_client.resume_campaign(id=created["id"])
    described = campaigns_client.describe_campaign(id=created["id"])["campaign"]
    assert described["arn"] == created["arn"]


@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_onboarding_advanced_by_the_test(campaigns_fake, campaigns_client):
    campaigns_client.start_instance_onboarding_job(
        connectInstanceId="instance-2", encryptionConfig={"enabled": False}
    )
    job = campaigns_client.get_instance_onboarding_job_status(connectInstanceId="instance-2")
    assert job["connectInstanceOnboardingJobStatus"]["status"] == "IN_PROGRESS"
    campaigns_fake.advance_onboarding("instance-2")
    create(campaigns_client, "after onboarding", instance="instance-2")


def test_pages_and_tokens(campaigns_fake, campaigns_client):
    campaigns_fake.add_instance("instance-1")
    for name in ("a", "b", "c"):
        create(campaigns_client, name)
    first = campaigns_client.list_campaigns(maxResults=2)
    rest = campaigns_client.list_campaigns(maxResults=2, nextToken=first["nextToken"])
    assert len(first["campaignSummaryList"]) + len(rest["campaignSummaryList"]) == 3


def test_dial_requests_after_the_clock_moved(campaigns_fake, campaigns_client):
    campaigns_fake.add_instance("instance-1")
    created = create(campaigns_client, "dialer")
    campaigns_client.start_campaign(id=created["id"])
    campaigns_fake.clock.advance(timedelta(days=3))
    answer = campaigns_client.put_dial_request_batch(
        id=created["id"],
        dialRequests=[
            {
                "clientToken": "token-1",
                "phoneNumber": "+15550100",
                "expirationTime": campaigns_fake.clock.now() + timedelta(minutes=5),
                "attributes": {},
            }
        ],
    )
    assert len(answer["successfulRequests"]) == 1


def test_an_error_and_an_injected_fault(campaigns_fake, campaigns_client):
    with pytest.raises(campaigns_client.exceptions.ResourceNotFoundException):
        campaigns_client.describe_campaign(id="no-such-campaign")
    campaigns_fake.inject_error("ListCampaigns", "AccessDeniedException")
    with pytest.raises(campaigns_client.exceptions.AccessDeniedException):
        campaigns_client.list_campaigns()
    assert campaigns_client.list_campaigns()["campaignSummaryList"] == []
"""
)


def verify(directory: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``pytest-campaigns-fake verify DIR`` in a process of its own, this checkout first."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest_campaigns_fake", "verify", str(directory), *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def recordings(directory: Path) -> dict[str, dict[str, Any]]:
    """Each recording of ``directory`` by its test's node id."""
    found = {}
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        found[document["test"]] = document
    return found


def exchanges(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [event for event in document["events"] if event["kind"] == "exchange"]


@pytest.fixture
def recorded_suite(pytester: pytest.Pytester) -> Path:
    pytester.makepyfile(test_rec_suite=IN_PROCESS_SUITE)
    pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=5)
    return pytester.path / "recorded"


def test_a_suite_recorded_in_process_verifies_cleanly(recorded_suite: Path) -> None:
    found = recordings(recorded_suite)
    assert sorted(found) == sorted(
        f"test_rec_suite.py::{name}"
        for name in (
            "test_seeded_then_driven",
            "test_onboarding_advanced_by_the_test",
            "test_pages_and_tokens",
            "test_dial_requests_after_the_clock_moved",
            "test_an_error_and_an_injected_fault",
        )
    )
    document = found["test_rec_suite.py::test_seeded_then_driven"]
    assert document["format"] == "pytest-campaigns-fake-recording" and document["version"] == 1
    assert document["outcome"] == "passed"
    kinds = [(e["kind"], e.get("operation")) for e in document["events"]]
    # The seeded instance before the first call; the state set between two calls before the
    # second of them.
    assert kinds == [
        ("state", None),
        ("exchange", "CreateCampaign"),
        ("exchange", "StartCampaign"),
        ("state", None),
        ("exchange", "GetCampaignState"),
        ("exchange", "ResumeCampaign"),
        ("exchange", "DescribeCampaign"),
    ]
    create = exchanges(document)[0]
    assert create["service"] == "connectcampaigns" and create["region"] == "us-east-1"
    assert create["status"] == 200 and create["errorCode"] is None
    assert create["params"]["name"] == "renewals" and create["response"]["id"]
    error = exchanges(found["test_rec_suite.py::test_an_error_and_an_injected_fault"])
    assert [(e["status"], e["errorCode"], e["injected"]) for e in error] == [
        (404, "ResourceNotFoundException", False),
        (403, "AccessDeniedException", True),
        (200, None, False),
    ]

    result = verify(recorded_suite)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "5 recording(s), 19 exchange(s): all match the fake (1 exchange(s) answered by a "
        "fault the test injected, not replayed)"
    )


def test_a_tampered_answer_is_the_difference_verify_reports(recorded_suite: Path) -> None:
    path = next(p for p in recorded_suite.glob("*.json") if "test_seeded_then_driven" in p.name)
    document = json.loads(path.read_text(encoding="utf-8"))
    state = next(e for e in exchanges(document) if e["operation"] == "GetCampaignState")
    state["response"]["state"] = "Running"
    path.write_text(json.dumps(document), encoding="utf-8")

    result = verify(recorded_suite)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == textwrap.dedent(
        """\
        DIFFERS test_rec_suite.py::test_seeded_then_driven
          exchange 3 of 5: GetCampaignState
            recorded: 200
            replayed: 200
            at response.state: recorded "Running", replayed "Paused"
        1 of 5 recording(s) differ from the fake (1 exchange(s) answered by a fault the test \
injected, not replayed)
        """
    )


def test_ids_are_renamed_consistently_not_ignored(recorded_suite: Path) -> None:
    # Another id where the recording had the created campaign's: the fake answered the same id
    # as in the CreateCampaign before, so the renaming no longer holds.
    path = next(p for p in recorded_suite.glob("*.json") if "test_seeded_then_driven" in p.name)
    document = json.loads(path.read_text(encoding="utf-8"))
    described = next(e for e in exchanges(document) if e["operation"] == "DescribeCampaign")
    created_id = described["response"]["campaign"]["id"]
    described["response"]["campaign"]["id"] = "0" * 8 + created_id[8:]
    path.write_text(json.dumps(document), encoding="utf-8")
    # Between calls alone: the first two campaigns of the list, swapped.
    path = next(p for p in recorded_suite.glob("*.json") if "test_pages_and_tokens" in p.name)
    document = json.loads(path.read_text(encoding="utf-8"))
    listed = next(e for e in exchanges(document) if e["operation"] == "ListCampaigns")
    first, second = listed["response"]["campaignSummaryList"][:2]
    id_a, id_b = first["id"], second["id"]
    first["id"], second["id"] = id_b, id_a
    path.write_text(json.dumps(document), encoding="utf-8")

    result = verify(recorded_suite)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "exchange 4 of 5: ListCampaigns" in result.stdout
    assert (
        f"at response.campaignSummaryList[0].id: recorded {id_b!r} was replayed as "
    ) in result.stdout
    assert "in exchange 2, and as " in result.stdout  # b's CreateCampaign
    assert "exchange 5 of 5: DescribeCampaign" in result.stdout
    assert "at response.campaign.id: replayed " in result.stdout
    # The state the control set was loaded before it: the fake holds the recorded id itself.
    assert (
        f"stands for recorded {created_id!r} (in the recorded state loaded before it), and "
        f"for recorded '00000000{created_id[8:]}' here"
    ) in result.stdout


def test_a_control_between_calls_is_what_makes_the_replay_match(recorded_suite: Path) -> None:
    # Without the state event the control left, the replayed campaign is still Running.
    path = next(p for p in recorded_suite.glob("*.json") if "test_seeded_then_driven" in p.name)
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["events"][3]
    path.write_text(json.dumps(document), encoding="utf-8")
    result = verify(recorded_suite)
    assert result.returncode == 1
    assert 'at response.state: recorded "Paused", replayed "Running"' in result.stdout


# -- a server started with other options -----------------------------------------------------


@contextlib.contextmanager
def served(*options: str) -> Iterator[str]:
    """``pytest-campaigns-fake serve`` in a process of its own, with ``options``: its URL."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "pytest_campaigns_fake", "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--no-access-log", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("pytest-campaigns-fake serving on "), line
        yield line.split()[-1]
    finally:
        process.terminate()
        process.communicate(timeout=60)


@pytest.fixture
def server_with_quota_of_one() -> Iterator[str]:
    """A server with one campaign per instance (the fake's default: 25)."""
    with served("--campaigns-per-instance", "1") as url:
        yield url


SERVER_SUITE = (
    HELPERS
    + """
import os

import boto3


@pytest.fixture
def client():
    return boto3.client(
        "connectcampaigns",
        endpoint_url=os.environ["CAMPAIGNS_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_onboard_and_create_two(client):
    client.start_instance_onboarding_job(
        connectInstanceId="instance-1", encryptionConfig={"enabled": False}
    )
    client.get_instance_onboarding_job_status(connectInstanceId="instance-1")
    first = create(client, "first")
    client.describe_campaign(id=first["id"])
    try:
        create(client, "second")
    except client.exceptions.ServiceQuotaExceededException:
        pass
    client.list_campaigns()


def test_untouched_by_the_quota(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_campaign(id="no-such-campaign")
"""
)


def test_verify_finds_exactly_what_a_server_with_another_quota_answered(
    pytester: pytest.Pytester, server_with_quota_of_one: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGNS_URL", server_with_quota_of_one)
    pytester.makepyfile(test_rec_server=SERVER_SUITE)
    pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=2)
    directory = pytester.path / "recorded"
    found = recordings(directory)
    # Nothing but the clients' calls: the server's fake is another process.
    assert all(e["kind"] == "exchange" for d in found.values() for e in d["events"])

    result = verify(directory)
    assert result.returncode == 1, result.stdout + result.stderr
    # The quota, and nothing else: the second CreateCampaign, and the list that followed it.
    assert result.stdout == textwrap.dedent(
        """\
        DIFFERS test_rec_server.py::test_onboard_and_create_two
          exchange 5 of 6: CreateCampaign
            recorded: 402 ServiceQuotaExceededException
            replayed: 200
            at status: recorded 402, replayed 200
          and 1 later exchange(s) differ
        1 of 2 recording(s) differ from the fake
        """
    )


# -- under xdist, and the ini option ---------------------------------------------------------


def test_xdist_workers_each_write_their_own_tests_files(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        test_rec_many="""
        import pytest

        @pytest.mark.parametrize("number", range(6))
        def test_calls(campaigns_client, number):
            answer = campaigns_client.list_campaigns(maxResults=number + 1)
            assert answer["campaignSummaryList"] == []
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", RECORD, *QUIET)
    result.assert_outcomes(passed=6)
    directory = pytester.path / "recorded"
    found = recordings(directory)
    assert sorted(found) == sorted(f"test_rec_many.py::test_calls[{n}]" for n in range(6))
    assert len(list(directory.iterdir())) == 6  # no leftover temporary file
    for nodeid, document in found.items():
        (call,) = exchanges(document)
        assert call["params"] == {"maxResults": int(nodeid[-2]) + 1}
    verified = verify(directory)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "6 recording(s), 6 exchange(s): all match the fake" in verified.stdout


def test_the_ini_option_records_relative_to_the_ini_file(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\ncampaigns_record = from-ini\n")
    pytester.makepyfile(
        test_rec_one="""
        def test_it(campaigns_client):
            campaigns_client.list_campaigns()

        def test_failing(campaigns_client):
            campaigns_client.list_campaigns()
            assert False
        """
    )
    elsewhere = pytester.mkdir("elsewhere")
    monkeypatch.chdir(elsewhere)  # run from another directory: the ini file's is the base
    pytester.runpytest(str(pytester.path), *QUIET).assert_outcomes(passed=1, failed=1)
    monkeypatch.chdir(pytester.path)
    found = recordings(pytester.path / "from-ini")
    assert {nodeid: d["outcome"] for nodeid, d in found.items()} == {
        "test_rec_one.py::test_it": "passed",
        "test_rec_one.py::test_failing": "failed",
    }
    assert not (elsewhere / "from-ini").exists()
    # The command line wins over the ini file.
    pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=1, failed=1)
    assert len(list((pytester.path / "recorded").iterdir())) == 2


def test_file_names_are_safe_and_distinct(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_rec_names="""
        import pytest

        @pytest.mark.parametrize("text", ["a/b", "a:b", "a b", "ü/../x", "a_b"])
        def test_it(campaigns_client, text):
            pass
        """
    )
    pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=5)
    names = [p.name for p in (pytester.path / "recorded").iterdir()]
    assert len(names) == 5
    assert all(
        set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        for name in names
    )
    assert all(name.startswith("test_rec_names.py--test_it_") for name in names), names


# -- unreadable input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a readable JSON file"),
        ('{"format": "something else"}', "not a recording"),
        (
            '{"format": "pytest-campaigns-fake-recording", "version": 99, "test": "t", '
            '"events": []}',
            "recording version 99; this pytest-campaigns-fake reads version 1",
        ),
        (
            '{"format": "pytest-campaigns-fake-recording", "version": 1, "test": "t", '
            '"events": [{"kind": "exchange"}]}',
            "event 1: exchange event without 'service' (str)",
        ),
    ],
)
def test_unreadable_input_exits_2(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "one.json").write_text(content, encoding="utf-8")
    result = verify(tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_no_recording_to_verify_exits_2(tmp_path: Path) -> None:
    result = verify(tmp_path)
    assert result.returncode == 2 and "holds no recording" in result.stderr
    result = verify(tmp_path / "missing")
    assert result.returncode == 2 and "is not a directory" in result.stderr


def test_the_region_and_the_v2_api_are_replayed_as_recorded(pytester: pytest.Pytester) -> None:
    # The instance is in eu-west-2 alone: replayed in the fake's default region, the
    # CreateCampaign would find no onboarded instance.
    pytester.makepyfile(
        test_rec_elsewhere=HELPERS
        + """
import boto3


def test_in_another_region(campaigns_fake):
    campaigns_fake.add_instance("instance-1", region="eu-west-2")
    v1 = boto3.client("connectcampaigns", region_name="eu-west-2")
    v2 = boto3.client("connectcampaignsv2", region_name="eu-west-2")
    created = create(v1, "renewals")
    assert v2.list_campaigns()["campaignSummaryList"] == []
    with pytest.raises(v2.exceptions.ResourceNotFoundException):
        v2.describe_campaign(id=created["id"])
"""
    )
    pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=1)
    directory = pytester.path / "recorded"
    (document,) = recordings(directory).values()
    calls = [(e["service"], e["operation"], e["region"]) for e in exchanges(document)]
    assert calls == [
        ("connectcampaigns", "CreateCampaign", "eu-west-2"),
        ("connectcampaignsv2", "ListCampaigns", "eu-west-2"),
        ("connectcampaignsv2", "DescribeCampaign", "eu-west-2"),
    ]
    result = verify(directory)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 recording(s), 3 exchange(s): all match the fake" in result.stdout
    for event in exchanges(document):
        event["region"] = "us-east-1"
    (path,) = directory.glob("*.json")
    path.write_text(json.dumps(document), encoding="utf-8")
    result = verify(directory)
    assert result.returncode == 1
    assert "exchange 1 of 3: CreateCampaign" in result.stdout


# A suite written for a sandbox account: its instance is onboarded already, and the test builds
# an ARN from the account it knows.
SANDBOX_SUITE = (
    HELPERS
    + """
import os

import boto3

ACCOUNT = "111122223333"


def test_tag_a_campaign_by_its_arn():
    client = boto3.client(
        "connectcampaigns",
        endpoint_url=os.environ["CAMPAIGNS_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    created = create(client, "renewals", instance="sandbox-instance")
    arn = f"arn:aws:connect-campaigns:us-east-1:{ACCOUNT}:campaign/{created['id']}"
    client.tag_resource(arn=arn, tags={"team": "renewals"})
    assert client.list_tags_for_resource(arn=arn)["tags"] == {"team": "renewals"}
"""
)


def test_a_snapshot_gives_verify_the_state_the_recorded_service_started_from(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The "sandbox": another account, an instance onboarded before the run (no client saw it).
    with served("--account-id", "111122223333") as url:
        request = urllib.request.Request(
            f"{url}/_fake/instances",
            data=json.dumps({"connectInstanceId": "sandbox-instance"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=30) as answer:
            assert answer.status == 200
        monkeypatch.setenv("CAMPAIGNS_URL", url)
        pytester.makepyfile(test_rec_sandbox=SANDBOX_SUITE)
        pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=1)
    directory = pytester.path / "recorded"

    result = verify(directory)  # from an empty fake: the instance is not there
    assert result.returncode == 1, result.stdout + result.stderr
    assert "exchange 1 of 3: CreateCampaign" in result.stdout

    sandbox = pytester.path / "sandbox.json"
    fake = CampaignsFake()
    fake.add_instance("sandbox-instance")
    fake.save(sandbox)
    # The ARN the test built (account 111122223333) is the one CreateCampaign answered: the
    # request verify sends names the fake's campaign, in the fake's account.
    result = verify(directory, "--snapshot", str(sandbox))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 recording(s), 3 exchange(s): all match the fake" in result.stdout

    sandbox.write_text("{", encoding="utf-8")
    result = verify(directory, "--snapshot", str(sandbox))
    assert result.returncode == 2 and f"--snapshot {sandbox}: " in result.stderr


def test_the_campaigns_server_fixtures_controls_are_recorded(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_rec_served=HELPERS
        + """
import boto3


def test_through_http(campaigns_server):
    campaigns_server.fake.add_instance("instance-1")
    client = boto3.client(
        "connectcampaigns",
        endpoint_url=campaigns_server.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    created = create(client, "renewals")
    campaigns_server.fake.set_campaign_state(created["id"], "Running")
    assert client.get_campaign_state(id=created["id"])["state"] == "Running"
"""
    )
    pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=1)
    directory = pytester.path / "recorded"
    (document,) = recordings(directory).values()
    assert [(e["kind"], e.get("operation")) for e in document["events"]] == [
        ("state", None),
        ("exchange", "CreateCampaign"),
        ("state", None),
        ("exchange", "GetCampaignState"),
    ]
    result = verify(directory)
    assert result.returncode == 0, result.stdout + result.stderr


def test_what_an_injected_item_failure_left_comes_as_the_next_state(
    pytester: pytest.Pytester,
) -> None:
    # verify does not send the batch a fault answered; the item it accepted is in the state
    # recorded before the next call.
    pytester.makepyfile(
        test_rec_items=HELPERS
        + """
from datetime import timedelta


def test_one_item_fails(campaigns_fake, campaigns_client):
    campaigns_fake.add_instance("instance-1")
    created = create(campaigns_client, "dialer")
    campaigns_client.start_campaign(id=created["id"])
    campaigns_fake.fail_dial_requests("InvalidInput", phone_number="+15550101")
    expires = campaigns_fake.clock.now() + timedelta(minutes=5)
    answer = campaigns_client.put_dial_request_batch(
        id=created["id"],
        dialRequests=[
            {"clientToken": f"token-{n}", "phoneNumber": f"+1555010{n}",
             "expirationTime": expires, "attributes": {}}
            for n in (0, 1)
        ],
    )
    assert len(answer["failedRequests"]) == 1
    campaigns_client.describe_campaign(id=created["id"])
"""
    )
    pytester.runpytest(RECORD, *QUIET).assert_outcomes(passed=1)
    directory = pytester.path / "recorded"
    (document,) = recordings(directory).values()
    assert [(e["kind"], e.get("operation"), e.get("injected")) for e in document["events"]] == [
        ("state", None, None),
        ("exchange", "CreateCampaign", False),
        ("exchange", "StartCampaign", False),
        ("exchange", "PutDialRequestBatch", True),
        ("state", None, None),
        ("exchange", "DescribeCampaign", False),
    ]
    (state,) = [e for e in document["events"][1:] if e["kind"] == "state"]
    (campaign,) = state["snapshot"]["partitions"][0]["campaigns"]
    assert [r["clientToken"] for r in campaign["dialRequests"]] == ["token-0"]
    result = verify(directory)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_number_is_compared_by_value_and_a_bool_is_not_a_number(recorded_suite: Path) -> None:
    path = next(p for p in recorded_suite.glob("*.json") if "test_seeded_then_driven" in p.name)
    document = json.loads(path.read_text(encoding="utf-8"))
    described = next(e for e in exchanges(document) if e["operation"] == "DescribeCampaign")
    dialer = described["response"]["campaign"]["dialerConfig"]["progressiveDialerConfig"]
    assert dialer["bandwidthAllocation"] == 1.0
    dialer["bandwidthAllocation"] = 1  # what another service's JSON may write
    path.write_text(json.dumps(document), encoding="utf-8")
    result = verify(recorded_suite)
    assert result.returncode == 0, result.stdout + result.stderr

    dialer["bandwidthAllocation"] = True
    path.write_text(json.dumps(document), encoding="utf-8")
    result = verify(recorded_suite)
    assert result.returncode == 1
    assert (
        "at response.campaign.dialerConfig.progressiveDialerConfig.bandwidthAllocation: "
        "recorded true, replayed 1.0"
    ) in result.stdout
