"""--campaigns-target: one test file, run in process, against a real server process (alone and
under pytest-xdist), and against "AWS" (a server standing in for it: tests have no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support_docs import python_blocks

from pytest_campaigns_fake.suite._target import AWS_STAND_IN

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
READY = "pytest-campaigns-fake serving on "
# urllib without the machine's proxy settings: the server is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# One test file for every target: seeding, a fault and the journal through campaigns_fake, the
# client fixture, and a client the code under test makes itself (no endpoint, no keys).
SAMPLE = """
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_campaigns_fake import contains

DIALER = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
CALLS = {"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"}


def create(client, name="renewals"):
    return client.create_campaign(
        name=name, connectInstanceId="instance-1", dialerConfig=DIALER, outboundCallConfig=CALLS
    )


def application_client():
    # As the code under test makes it: the target comes from the environment.
    return boto3.client("connectcampaigns", config=Config(retries={"total_max_attempts": 1}))


def test_seeded_state_and_the_journal(campaigns_fake, campaigns_client):
    campaigns_fake.add_instance("instance-1")
    seeded = campaigns_fake.add_campaign(connect_instance_id="instance-1", name="seeded")
    created = create(campaigns_client)
    names = sorted(
        s["name"] for s in application_client().list_campaigns()["campaignSummaryList"]
    )
    assert names == ["renewals", "seeded"]
    assert application_client().describe_campaign(id=seeded.id)["campaign"]["name"] == "seeded"
    calls = campaigns_fake.calls
    assert [c.operation for c in calls] == ["CreateCampaign", "ListCampaigns", "DescribeCampaign"]
    calls.assert_called_once("CreateCampaign", name="renewals")
    calls.assert_not_called("DeleteCampaign")
    described = calls.filter("DescribeCampaign", id=seeded.id).last
    assert described.response["campaign"]["id"] == seeded.id
    assert calls[0].response["id"] == created["id"]
    with pytest.raises(TypeError, match="no input member 'nmae'"):
        calls.filter("CreateCampaign", nmae="renewals")


def test_an_injected_fault(campaigns_fake, campaigns_client):
    campaigns_fake.add_instance("instance-1")
    campaigns_fake.inject_error("CreateCampaign", "ServiceQuotaExceededException")
    with pytest.raises(ClientError) as raised:
        create(application_client())
    assert raised.value.response["Error"]["Code"] == "ServiceQuotaExceededException"
    create(campaigns_client)
    failed, succeeded = campaigns_fake.calls
    assert failed.injected and failed.status_code == 402
    assert succeeded.ok


def test_the_v2_api(campaigns_fake):
    campaigns_fake.add_instance("instance-1")
    seeded = campaigns_fake.v2.add_campaign(connect_instance_id="instance-1", name="sms")
    campaigns_fake.v2.set_campaign_state(seeded.id, "Running")
    campaigns_fake.v2.inject_error("DescribeCampaign", "AccessDeniedException")
    v2 = boto3.client("connectcampaignsv2", config=Config(retries={"total_max_attempts": 1}))
    with pytest.raises(ClientError):
        v2.describe_campaign(id=seeded.id)
    assert v2.get_campaign_state(id=seeded.id)["state"] == "Running"
    assert [c.status_code for c in campaigns_fake.v2.calls] == [403, 200]
    campaigns_fake.v2.calls.assert_called_once("GetCampaignState", id=seeded.id)


def test_item_failures_and_the_clock(campaigns_fake, campaigns_client):
    campaigns_fake.add_instance("instance-1")
    campaign = campaigns_fake.add_campaign(connect_instance_id="instance-1", state="Running")
    campaigns_fake.fail_dial_requests("RequestThrottled", phone_number="+15555550101")
    soon = campaigns_fake.clock.now().replace(microsecond=0)
    campaigns_fake.clock.advance(60)
    expires = campaigns_fake.clock.now().replace(microsecond=0)
    assert (expires - soon).total_seconds() >= 60
    from datetime import timedelta

    answer = campaigns_client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {
                "clientToken": f"token-{n}",
                "phoneNumber": f"+1555555010{n}",
                "expirationTime": expires + timedelta(minutes=5),
                "attributes": {},
            }
            for n in (0, 1)
        ],
    )
    assert [f["failureCode"] for f in answer["failedRequests"]] == ["RequestThrottled"]
    call = campaigns_fake.calls.assert_called(
        "PutDialRequestBatch", dialRequests=contains(phoneNumber="+15555550100")
    )
    assert call.injected_items == ("RequestThrottled",)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``pytest-campaigns-fake serve`` process on a free loopback port: its URL."""
    log = tmp_path_factory.mktemp("server") / "stderr.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest_campaigns_fake", "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(READY), f"{line}{log.read_text()}"
        yield line[len(READY) :].strip()
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def control(url: str, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{url}/_fake/{path}",
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"},
        method=method,
    )
    with _OPENER.open(request, timeout=30) as answer:
        return json.loads(answer.read())


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "-rs", *args)


def test_the_same_file_passes_in_process_and_against_a_server(
    pytester: pytest.Pytester, server: str
) -> None:
    pytester.makepyfile(test_sample=SAMPLE)
    run(pytester).assert_outcomes(passed=4)
    before = len(control(server, "GET", "calls")["calls"])
    run(pytester, f"--campaigns-target={server}").assert_outcomes(passed=4)
    calls = control(server, "GET", "calls")["calls"][before:]
    # The calls went to the server, each test's in an account of its own; the campaigns the
    # tests created were deleted when they ended.
    accounts = {call["account"] for call in calls}
    assert len(accounts) == 4 and "123456789012" not in accounts
    created = [
        c["response"]["id"] for c in calls if c["operation"] == "CreateCampaign" and c["response"]
    ]
    deleted = [c["params"]["id"] for c in calls if c["operation"] == "DeleteCampaign"]
    assert sorted(created) == sorted(deleted) and len(created) == 2


def test_the_ini_option_and_what_other_plugins_read(pytester: pytest.Pytester, server: str) -> None:
    pytester.makeini(f"[pytest]\ncampaigns_target = {server}/\n")
    pytester.makeconftest(
        """
        def pytest_report_header(config):
            return f"target: {config.getoption('campaigns_target')}"
        """
    )
    pytester.makepyfile(test_sample=SAMPLE)
    result = run(pytester)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([f"target: {server}"])
    result = run(pytester, "--campaigns-target=inprocess", "-k", "fault")
    result.assert_outcomes(passed=1, deselected=3)
    result.stdout.fnmatch_lines(["target: inprocess"])


def test_tests_sharing_one_server_under_xdist_see_only_their_own(
    pytester: pytest.Pytester, server: str
) -> None:
    # Each test seeds the same instance, creates a campaign and sets up a fault that fires on
    # every ListCampaigns of its own: were state, faults or journals shared, the counts differ.
    pytester.makepyfile(
        test_shared="""
        import pytest
        from botocore.exceptions import ClientError

        @pytest.mark.parametrize("n", range(8))
        def test_alone(campaigns_fake, campaigns_client, n):
            campaigns_fake.add_instance("instance-1")
            campaigns_fake.add_campaign(connect_instance_id="instance-1", name=f"c{n}")
            listed = campaigns_client.list_campaigns()["campaignSummaryList"]
            assert [s["name"] for s in listed] == [f"c{n}"]
            campaigns_fake.inject_error("ListCampaigns", "AccessDeniedException", times=None)
            with pytest.raises(ClientError):
                campaigns_client.list_campaigns()
            assert [c.status_code for c in campaigns_fake.calls] == [200, 403]
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", f"--campaigns-target={server}"
    )
    result.assert_outcomes(passed=8)
    # The faults were removed with their tests: the server's own account sees none.
    assert control(server, "GET", "faults/unused")["unused"] == []


def test_a_fault_that_never_fired_fails_the_test_as_in_process(
    pytester: pytest.Pytester, server: str
) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_unfired(campaigns_fake):
            campaigns_fake.inject_error("DeleteCampaign", "AccessDeniedException")

        @pytest.mark.campaigns_fake(strict=False)
        def test_not_strict(campaigns_fake):
            campaigns_fake.inject_error("DeleteCampaign", "AccessDeniedException")

        def test_failing(campaigns_fake, campaigns_client):
            campaigns_client.list_campaigns(maxResults=5)
            assert False, "the test's own failure"
        """
    )
    result = run(pytester, f"--campaigns-target={server}")
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(["*1 fault(s) set up on the server at * never fired:*"])
    # A failing test's report shows its calls on the server, as in process.
    result.stdout.fnmatch_lines(
        [
            "*the test's own failure*",
            f"*- connectcampaigns calls (server {server}, account *) -*",
            "  1. ListCampaigns(maxResults=5) -> 200 OK",
        ]
    )


def test_marker_options_only_a_fake_in_process_honours_skip(
    pytester: pytest.Pytester, server: str
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.campaigns_fake(campaigns_per_instance=1)
        def test_quota(campaigns_fake):
            pass

        def test_register(campaigns_fake):
            campaigns_fake.register_account("AKIAOTHER00000000001", "210987654321")
        """
    )
    result = run(pytester, f"--campaigns-target={server}")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.campaigns_fake(campaigns_per_instance=...) is a fake-only control: "
            f"skipped against {server}*",
            "*campaigns_fake.register_account is not available over the control plane: "
            f"skipped against {server}*",
        ]
    )


def test_a_bad_target_is_a_usage_error_and_an_absent_server_fails_clearly(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_sample=SAMPLE)
    result = run(pytester, "--campaigns-target=localhost:8999")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'localhost:8999' is not a target: give inprocess*"])
    result = run(pytester, "--campaigns-target=http://127.0.0.1:9", "-k", "fault")
    result.assert_outcomes(errors=1, deselected=3)
    result.stdout.fnmatch_lines(["*http://127.0.0.1:9: nothing answers there*"])


AWS_FILE = """
import pytest

DIALER = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
CALLS = {"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"}


def test_onboard_and_create(campaigns_client):
    campaigns_client.start_instance_onboarding_job(
        connectInstanceId="instance-1", encryptionConfig={"enabled": False}
    )
    campaigns_client.get_instance_onboarding_job_status(connectInstanceId="instance-1")
    campaigns_client.create_campaign(
        name="nightly", connectInstanceId="instance-1", dialerConfig=DIALER,
        outboundCallConfig=CALLS,
    )


def test_seeding(campaigns_fake):
    campaigns_fake.add_instance("instance-1")


def test_journal(campaigns_fake, campaigns_client):
    campaigns_client.list_campaigns()
    assert campaigns_fake.calls.called


def test_v2(campaigns_fake):
    campaigns_fake.v2.add_campaign(connect_instance_id="instance-1")


@pytest.mark.campaigns_fake(seed=1)
def test_marker(campaigns_fake):
    pass


def test_typo(campaigns_fake):
    campaigns_fake.add_instanse("instance-1")
"""


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, server: str) -> str:
    """The environment of a machine with AWS credentials, and the switch that sends the aws
    target's requests to the server instead of AWS. The key acts in an account of its own."""
    key, account = "AKIAENVIRONMENT00001", "555555555555"
    control(server, "POST", "accounts", {"accessKeyId": key, "accountId": account})
    monkeypatch.setenv(AWS_STAND_IN, server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL_CONNECTCAMPAIGNS"):
        monkeypatch.delenv(name, raising=False)
    return account


def test_against_aws_fake_only_controls_skip_naming_the_control(
    pytester: pytest.Pytester, server: str, aws: str
) -> None:
    pytester.makepyfile(test_aws=AWS_FILE)
    before = len(control(server, "GET", "calls", {"accountId": aws})["calls"])
    result = run(pytester, "--campaigns-target=aws")
    result.assert_outcomes(passed=1, skipped=4, failed=1)
    result.stdout.fnmatch_lines_random(
        [
            "*campaigns_fake.add_instance is a fake-only control: skipped against AWS",
            "*campaigns_fake.calls is a fake-only control: skipped against AWS",
            "*campaigns_fake.v2.add_campaign is a fake-only control: skipped against AWS",
            "*@pytest.mark.campaigns_fake(seed=...) is a fake-only control: skipped against AWS",
            "*AttributeError: campaigns_fake has no attribute 'add_instanse'",
        ]
    )
    # The environment's credentials and region, no dummy keys; the campaign the test created
    # deleted at teardown.
    calls = control(server, "GET", "calls", {"accountId": aws})["calls"][before:]
    assert [(c["operation"], c["region"]) for c in calls] == [
        ("StartInstanceOnboardingJob", "eu-west-2"),
        ("GetInstanceOnboardingJobStatus", "eu-west-2"),
        ("CreateCampaign", "eu-west-2"),
        ("DeleteCampaign", "eu-west-2"),
        ("ListCampaigns", "eu-west-2"),
    ]
    assert calls[3]["params"]["id"] == calls[2]["response"]["id"]


def test_campaigns_that_could_not_be_deleted_are_listed(
    pytester: pytest.Pytester, server: str, aws: str
) -> None:
    control(
        server,
        "POST",
        "faults/errors",
        {"operation": "DeleteCampaign", "code": "AccessDeniedException", "accountId": aws},
    )
    pytester.makepyfile(test_aws=AWS_FILE)
    # Under pytest-xdist, in a process of its own (as the xdist test above): the list comes
    # from the workers' reports.
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--campaigns-target=aws", "-k", "onboard", "-n", "2"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*= campaigns target: resources not deleted =*",
            "  connectcampaigns campaign arn:aws:connect-campaigns:eu-west-2:555555555555:"
            "campaign/* (created by test_aws.py::test_onboard_and_create): "
            "AccessDeniedException: *",
            "  (1 resource(s) left: delete them by hand)",
        ]
    )


class _NotOurs(BaseHTTPRequestHandler):
    """An endpoint that is not this project's server: 404 for everything."""

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_an_endpoint_that_is_not_this_projects_server_skips_fake_only_controls(
    pytester: pytest.Pytester,
) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _NotOurs)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        pytester.makepyfile(test_sample=SAMPLE)
        result = run(pytester, f"--campaigns-target={url}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    result.assert_outcomes(skipped=4)
    result.stdout.fnmatch_lines(
        [
            f"*campaigns_fake.add_instance is a fake-only control: skipped against {url} (not a "
            "pytest-campaigns-fake server: GET /_fake/health answered 404)"
        ]
    )


def test_the_docs_example_passes_against_a_server_and_skips_its_seeding_against_aws(
    pytester: pytest.Pytester, server: str, aws: str
) -> None:
    [(_, source)] = python_blocks(ROOT / "docs" / "targets.md")
    pytester.makepyfile(test_doc=source)
    run(pytester, f"--campaigns-target={server}").assert_outcomes(passed=2)
    result = run(pytester, "--campaigns-target=aws")
    result.assert_outcomes(skipped=2)
    # Reported at the test, where the user looks, not at the plugin's line.
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] test_doc.py:*: campaigns_fake.add_instance is a fake-only control: *"] * 2
    )
