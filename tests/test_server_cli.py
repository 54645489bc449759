"""The AWS CLI against the ``campaigns_server`` fixture, and the fixture itself (pytester).

The CLI runs as a subprocess with ``env={**os.environ, **campaigns_server.env}``; it is
``$PYTEST_CAMPAIGNS_FAKE_AWS_CLI`` (a path to an ``aws`` executable) or ``aws`` on the PATH, and
the CLI tests are skipped when neither runs. The fixture's own tests need no CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from support import DIALER, INSTANCE

from pytest_campaigns_fake.server._server import CampaignsServer

pytest_plugins = ["pytester"]

CLI_VARIABLE = "PYTEST_CAMPAIGNS_FAKE_AWS_CLI"
# Whatever the CLI would send anywhere but the loopback server goes to a closed port.
OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
}
Aws = Callable[..., "subprocess.CompletedProcess[str]"]


def _find_cli() -> tuple[str | None, str]:
    """The AWS CLI to run, or None and why not."""
    configured = os.environ.get(CLI_VARIABLE)
    path = configured or shutil.which("aws")
    if not path:
        return None, f"no AWS CLI: set {CLI_VARIABLE} to an aws executable, or put aws on PATH"
    try:
        subprocess.run([path, "--version"], capture_output=True, text=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        source = CLI_VARIABLE if configured else "PATH"
        return None, f"the AWS CLI at {path} (from {source}) does not run: `aws --version`: {error}"
    return path, ""


@pytest.fixture(scope="module")
def aws_cli() -> str:
    """The AWS CLI's path; every test that needs it is skipped, saying why, when none runs."""
    path, reason = _find_cli()
    if path is None:
        pytest.skip(reason)
    return path


@pytest.fixture
def aws(aws_cli: str, campaigns_server: CampaignsServer) -> Aws:
    """``aws(*arguments)``: the CLI's completed process, JSON output, against the server."""

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        # Read at each call: a test may change the environment first.
        # .env is the whole environment: this process's, without what picks another identity.
        env = {**campaigns_server.env, **OFFLINE}
        return subprocess.run(
            [aws_cli, *arguments, "--output", "json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def output(process: subprocess.CompletedProcess[str]) -> Any:
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout) if process.stdout.strip() else None


# -- the AWS CLI ---------------------------------------------------------------------------------


def test_cli_campaign_lifecycle(aws: Aws, campaigns_server: CampaignsServer) -> None:
    fake = campaigns_server.fake
    fake.add_instance(INSTANCE)
    created = output(
        aws(
            "connectcampaigns",
            "create-campaign",
            "--name",
            "from-the-cli",
            "--connect-instance-id",
            INSTANCE,
            "--dialer-config",
            json.dumps(DIALER),
            "--outbound-call-config",
            json.dumps({"connectContactFlowId": "flow-1"}),
            "--tags",
            json.dumps({"team": "cli"}),
        )
    )
    campaign_id = created["id"]
    assert fake.campaign(campaign_id).name == "from-the-cli"
    assert output(aws("connectcampaigns", "start-campaign", "--id", campaign_id)) is None
    expires = (fake.clock.now() + timedelta(minutes=5)).isoformat()
    requests = [
        {"clientToken": t, "phoneNumber": phone, "expirationTime": expires, "attributes": {}}
        for t, phone in (("t1", "+15550101"), ("t2", "+15550102"))
    ]
    put = output(
        aws(
            "connectcampaigns",
            "put-dial-request-batch",
            "--id",
            campaign_id,
            "--dial-requests",
            json.dumps(requests),
        )
    )
    assert [r["clientToken"] for r in put["successfulRequests"]] == ["t1", "t2"]
    assert put["failedRequests"] == []
    described = output(aws("connectcampaigns", "describe-campaign", "--id", campaign_id))
    assert described["campaign"]["name"] == "from-the-cli"
    assert described["campaign"]["tags"] == {"team": "cli"}
    assert described["campaign"]["dialerConfig"] == DIALER
    state = output(aws("connectcampaigns", "get-campaign-state", "--id", campaign_id))
    assert state == {"state": "Running"}

    assert [call.operation for call in fake.calls] == [
        "CreateCampaign",
        "StartCampaign",
        "PutDialRequestBatch",
        "DescribeCampaign",
        "GetCampaignState",
    ]
    assert all(call.status_code == 200 for call in fake.calls)
    assert {call.region for call in fake.calls} == {fake.region}
    fake.calls.assert_called_once("CreateCampaign", name="from-the-cli", tags={"team": "cli"})
    accepted = fake.dial_requests(campaign_id)
    assert [(r.client_token, r.phone_number) for r in accepted] == [
        ("t1", "+15550101"),
        ("t2", "+15550102"),
    ]
    assert [r.id for r in accepted] == [r["id"] for r in put["successfulRequests"]]


def test_cli_errors(aws: Aws, campaigns_server: CampaignsServer) -> None:
    fake = campaigns_server.fake
    missing = aws("connectcampaigns", "describe-campaign", "--id", "no-such-campaign")
    assert missing.returncode in (254, 255), missing
    assert "ResourceNotFoundException" in missing.stderr
    assert "DescribeCampaign" in missing.stderr
    assert missing.stdout == ""

    fake.inject_error("ListCampaigns", "AccessDeniedException", message="not for you")
    denied = aws("connectcampaigns", "list-campaigns")
    assert denied.returncode in (254, 255), denied
    assert "AccessDeniedException" in denied.stderr and "not for you" in denied.stderr

    assert [(c.operation, c.status_code, c.error_code) for c in fake.calls] == [
        ("DescribeCampaign", 404, "ResourceNotFoundException"),
        ("ListCampaigns", 403, "AccessDeniedException"),
    ]
    assert fake.calls.last.injected


def test_cli_v2_list_campaigns(aws: Aws, campaigns_server: CampaignsServer) -> None:
    fake = campaigns_server.fake
    fake.add_instance(INSTANCE)
    seeded = fake.v2.add_campaign(connect_instance_id=INSTANCE, name="v2-seeded")
    listed = output(aws("connectcampaignsv2", "list-campaigns"))
    assert [(c["id"], c["name"]) for c in listed["campaignSummaryList"]] == [
        (seeded.id, "v2-seeded")
    ]
    call = fake.v2.calls.assert_called_once("ListCampaigns")
    assert call.service == "connectcampaignsv2"
    assert call.status_code == 200
    assert len(fake.calls) == 1


def test_cli_with_a_profile_in_the_environment(
    aws: Aws, campaigns_server: CampaignsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "developer")
    listed = output(aws("connectcampaigns", "list-campaigns"))
    assert listed == {"campaignSummaryList": []}
    assert len(campaigns_server.fake.calls) == 1


# -- the campaigns_server fixture ----------------------------------------------------------------

FIXTURE_TESTS = """
import boto3
import pytest
from botocore.exceptions import ClientError


def client(server, region="us-east-1"):
    return boto3.session.Session().client(
        "connectcampaigns",
        region_name=region,
        aws_access_key_id="AKIAINNERTEST0000001",
        aws_secret_access_key="secret",
        endpoint_url=server.url,
    )


def test_seed_call_and_read_the_journal(campaigns_server):
    fake = campaigns_server.fake
    fake.add_instance("instance-1")
    seeded = fake.add_campaign(connect_instance_id="instance-1", name="seeded")
    answer = client(campaigns_server).describe_campaign(id=seeded.id)
    assert answer["campaign"]["name"] == "seeded"
    call = fake.calls.assert_called_once("DescribeCampaign", id=seeded.id)
    assert call.status_code == 200
    assert not fake.active  # answered over HTTP, not intercepted
    assert campaigns_server.url.startswith("http://127.0.0.1:")
    assert campaigns_server.env["AWS_ENDPOINT_URL_CONNECTCAMPAIGNS"] == campaigns_server.url


def test_each_test_gets_a_fresh_server(campaigns_server):
    assert campaigns_server.fake.campaigns == []
    assert len(campaigns_server.fake.calls) == 0


@pytest.mark.campaigns_fake(region="eu-west-2", require_onboarding=False)
def test_marker_options(campaigns_server):
    assert campaigns_server.env["AWS_REGION"] == "eu-west-2"
    made = client(campaigns_server, "eu-west-2").create_campaign(
        name="n",
        connectInstanceId="not-onboarded",
        dialerConfig={"agentlessDialerConfig": {"dialingCapacity": 0.5}},
        outboundCallConfig={"connectContactFlowId": "flow"},
    )
    assert ":eu-west-2:" in made["arn"]


def test_fired_fault(campaigns_server):
    campaigns_server.fake.inject_error("ListCampaigns", "AccessDeniedException")
    with pytest.raises(ClientError):
        client(campaigns_server).list_campaigns()


def test_unfired_fault(campaigns_server):
    campaigns_server.fake.inject_error("ListCampaigns", "AccessDeniedException")


@pytest.mark.campaigns_fake(strict=False)
def test_unfired_fault_not_strict(campaigns_server):
    campaigns_server.fake.inject_error("ListCampaigns", "AccessDeniedException")


def test_failing_test_with_an_unfired_fault(campaigns_server):
    campaigns_server.fake.inject_error("DescribeCampaign", "AccessDeniedException")
    assert False, "the test's own failure"
"""


def test_campaigns_server_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_fixture=FIXTURE_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "-rA")
    # The strict check fails the one passing test whose fault never fired, at teardown; a
    # test that failed on its own is not failed again, and strict=False turns the check off.
    result.assert_outcomes(passed=6, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_unfired_fault*",
            "*1 fault(s) set up on the connectcampaigns fake never fired*",
            "*error AccessDeniedException on ListCampaigns*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*FAILED test_fixture.py::test_failing_test_with_an_unfired_fault*"]
    )
    assert "ERROR test_fixture.py::test_unfired_fault_not_strict" not in result.stdout.str()
    assert "ERROR test_fixture.py::test_failing_test_with" not in result.stdout.str()
