"""Async clients (aiobotocore, aioboto3) are answered in process with every guarantee the
sync path has: the same service, validation, journal, faults, strict mode and retries, whose
backoff is recorded and never slept.

aiobotocore is an optional extra (``pip install "pytest-campaigns-fake[async]"``): these
tests run where it is installed (CI runs them in an environment of their own, with the
aiobotocore line aioboto3 pins and with the current one).
"""

from __future__ import annotations

import asyncio
import socket
import textwrap
import unittest
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

import botocore
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError, EndpointConnectionError

from pytest_campaigns_fake import CampaignsFake, mock_campaigns

DIALER = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
OUTBOUND = {"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"}


def client(region: str = "us-east-1", **config: Any) -> Any:
    """An aiobotocore connectcampaigns client (an async context manager)."""
    return get_session().create_client(
        "connectcampaigns",
        region_name=region,
        aws_access_key_id="AKIAFAKECAMPAIGNS000",
        aws_secret_access_key="secret",
        config=AioConfig(**config) if config else None,
    )


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Beside conftest's connect guard: aiohttp resolves names first, in a thread."""
    looked_up: list[object] = []

    def guard(host: object, *args: object, **kwargs: object) -> Any:
        looked_up.append(host)
        raise AssertionError(f"test tried to resolve {host!r}")

    monkeypatch.setattr(socket, "getaddrinfo", guard)
    yield looked_up


def test_an_async_client_is_answered_by_the_fake(campaigns_fake: CampaignsFake) -> None:
    campaigns_fake.add_instance("inst-1")

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with client() as campaigns:
            created = await campaigns.create_campaign(
                name="async",
                connectInstanceId="inst-1",
                dialerConfig=DIALER,
                outboundCallConfig=OUTBOUND,
            )
            await campaigns.start_campaign(id=created["id"])
            described = await campaigns.describe_campaign(id=created["id"])
            state = await campaigns.get_campaign_state(id=created["id"])
            return described["campaign"], state

    described, state = asyncio.run(scenario())
    assert described["name"] == "async"
    assert state["state"] == "Running"
    assert [c.operation for c in campaigns_fake.calls] == [
        "CreateCampaign",
        "StartCampaign",
        "DescribeCampaign",
        "GetCampaignState",
    ]
    assert campaigns_fake.campaigns[0].state == "Running"


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "unvalidated"])
def test_service_errors_are_real_client_errors(
    campaigns_fake: CampaignsFake, validate: bool
) -> None:
    async def scenario() -> ClientError:
        async with client(parameter_validation=validate) as campaigns:
            with pytest.raises(ClientError) as caught:
                await campaigns.update_campaign_name(id="x" * 300, name="n")
            return caught.value

    error = asyncio.run(scenario())
    assert error.response["Error"]["Code"] == "ValidationException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "Member must have length less than or equal to 256" in str(error)


@pytest.mark.campaigns_fake(require_onboarding=False)
@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_throttling_is_retried_by_aiobotocore_without_sleeping(
    campaigns_fake: CampaignsFake, sleeps: list[float], mode: str
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
    campaigns_fake.throttle("DescribeCampaign", times=2)

    async def scenario() -> dict[str, Any]:
        async with client(retries={"mode": mode, "max_attempts": 5}) as campaigns:
            answer: dict[str, Any] = await campaigns.describe_campaign(id=campaign.id)
            return answer

    answer = asyncio.run(scenario())
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.error_code for c in campaigns_fake.calls] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]
    assert len(campaigns_fake.retry_delays) == 2
    assert all(delay > 0 for delay in campaigns_fake.retry_delays)
    # What aiobotocore's retry handler slept: nothing (the fake answered 0).
    assert [delay for delay in sleeps if delay] == []


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_server_errors_are_retried_without_sleeping(
    campaigns_fake: CampaignsFake, sleeps: list[float]
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
    campaigns_fake.inject_error("GetCampaignState", "InternalServerException", times=2)

    async def scenario() -> dict[str, Any]:
        async with client(retries={"mode": "standard", "max_attempts": 3}) as campaigns:
            answer: dict[str, Any] = await campaigns.get_campaign_state(id=campaign.id)
            return answer

    answer = asyncio.run(scenario())
    assert (answer["state"], answer["ResponseMetadata"]["RetryAttempts"]) == ("Initialized", 2)
    assert [c.status_code for c in campaigns_fake.calls] == [500, 500, 200]
    assert [delay for delay in sleeps if delay] == []


def test_a_client_made_before_the_fake_started_is_answered() -> None:
    async def scenario() -> list[dict[str, Any]]:
        async with client() as campaigns:
            with mock_campaigns(require_onboarding=False) as fake:
                fake.add_campaign(connect_instance_id="inst-1", name="seeded")
                listed = await campaigns.list_campaigns()
            summaries: list[dict[str, Any]] = listed["campaignSummaryList"]
            return summaries

    summaries = asyncio.run(scenario())
    assert [s["name"] for s in summaries] == ["seeded"]


def test_no_credentials_are_needed(campaigns_fake: CampaignsFake) -> None:
    async def scenario() -> dict[str, Any]:
        # No keys given: the fake's isolated environment supplies dummies.
        session = get_session()
        async with session.create_client("connectcampaigns", region_name="us-east-1") as c:
            answer: dict[str, Any] = await c.list_campaigns()
            return answer

    assert asyncio.run(scenario())["campaignSummaryList"] == []


def test_unsigned_requests_get_the_403(campaigns_fake: CampaignsFake) -> None:
    async def scenario() -> ClientError:
        async with client(signature_version=botocore.UNSIGNED) as campaigns:
            with pytest.raises(ClientError) as caught:
                await campaigns.list_campaigns()
            return caught.value

    error = asyncio.run(scenario())
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert campaigns_fake.calls.last.status_code == 403


def test_a_region_aws_does_not_offer_has_no_endpoint(
    campaigns_fake: CampaignsFake, sleeps: list[float]
) -> None:
    async def scenario() -> None:
        async with client("eu-west-1", retries={"mode": "standard"}) as campaigns:
            await campaigns.list_campaigns()

    with pytest.raises(EndpointConnectionError):
        asyncio.run(scenario())
    assert len(campaigns_fake.calls) == 0
    # aiobotocore retried the connection error (standard mode: 3 attempts), sleeping 0 s.
    assert len(campaigns_fake.retry_delays) == 2
    assert [delay for delay in sleeps if delay] == []


def test_injected_item_failures_reach_async_batches(campaigns_fake: CampaignsFake) -> None:
    import datetime

    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
    campaigns_fake.fail_dial_requests("RequestThrottled", phone_number="+15550100")
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=60)

    async def scenario() -> dict[str, Any]:
        async with client() as campaigns:
            answer: dict[str, Any] = await campaigns.put_dial_request_batch(
                id=campaign.id,
                dialRequests=[
                    {
                        "clientToken": "a",
                        "phoneNumber": "+15550100",
                        "expirationTime": soon,
                        "attributes": {},
                    },
                    {
                        "clientToken": "b",
                        "phoneNumber": "+15550101",
                        "expirationTime": soon,
                        "attributes": {},
                    },
                ],
            )
            return answer

    answer = asyncio.run(scenario())
    assert [f["failureCode"] for f in answer["failedRequests"]] == ["RequestThrottled"]
    assert [d.phone_number for d in campaigns_fake.dial_requests(campaign.id)] == ["+15550101"]


def test_an_aioboto3_client_is_answered(campaigns_fake: CampaignsFake) -> None:
    aioboto3 = pytest.importorskip("aioboto3")
    campaigns_fake.add_instance("inst-1")

    async def scenario() -> dict[str, Any]:
        session = aioboto3.Session(
            aws_access_key_id="AKIAFAKECAMPAIGNS000",
            aws_secret_access_key="secret",
            region_name="us-east-1",
        )
        async with session.client("connectcampaigns") as campaigns:
            answer: dict[str, Any] = await campaigns.get_connect_instance_config(
                connectInstanceId="inst-1"
            )
            return answer

    config = asyncio.run(scenario())["connectInstanceConfig"]
    assert config["connectInstanceId"] == "inst-1"
    campaigns_fake.calls.assert_called_once("GetConnectInstanceConfig")


# -- decorators and test frameworks -----------------------------------------------------------


def test_mock_campaigns_decorates_a_coroutine() -> None:
    @mock_campaigns(require_onboarding=False)
    async def scenario() -> list[str]:
        async with client() as campaigns:
            await campaigns.create_campaign(
                name="decorated",
                connectInstanceId="inst-1",
                dialerConfig=DIALER,
                outboundCallConfig=OUTBOUND,
            )
            listed = await campaigns.list_campaigns()
            return [s["name"] for s in listed["campaignSummaryList"]]

    assert asyncio.run(scenario()) == ["decorated"]


def test_mock_campaigns_decorates_an_isolated_asyncio_test_case() -> None:
    @mock_campaigns(require_onboarding=False)
    class Campaigns(unittest.IsolatedAsyncioTestCase):
        campaigns_fake: CampaignsFake

        async def test_list(self) -> None:
            self.campaigns_fake.add_campaign(connect_instance_id="inst-1", name="in-case")
            async with client() as campaigns:
                listed = await campaigns.list_campaigns()
            self.assertEqual(listed["campaignSummaryList"][0]["name"], "in-case")

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Campaigns).run(result)
    assert (result.testsRun, result.errors, result.failures) == (1, [], [])


CLIENT = """
from aiobotocore.session import get_session

def client():
    return get_session().create_client(
        "connectcampaigns", region_name="us-east-1",
        aws_access_key_id="AKIAFAKECAMPAIGNS000", aws_secret_access_key="secret",
    )
"""


def test_fixtures_and_marker_in_pytest_asyncio_tests(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_asyncio")
    pytester.makepyfile(
        CLIENT
        + textwrap.dedent(
            """
            import pytest

            @pytest.mark.asyncio
            @pytest.mark.campaigns_fake(require_onboarding=False)
            async def test_it(campaigns_fake):
                campaigns_fake.add_campaign(connect_instance_id="inst-1", name="a")
                async with client() as campaigns:
                    listed = await campaigns.list_campaigns()
                assert [s["name"] for s in listed["campaignSummaryList"]] == ["a"]
                campaigns_fake.calls.assert_called_once("ListCampaigns")

            @pytest.mark.asyncio
            async def test_unfired(campaigns_fake):
                campaigns_fake.throttle("DescribeCampaign")
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*FakeUsageError: 1 fault(s)*never fired*"])


def test_fixtures_and_marker_in_anyio_tests(pytester: pytest.Pytester) -> None:
    pytest.importorskip("anyio")
    pytester.makepyfile(
        CLIENT
        + textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def anyio_backend():
                return "asyncio"

            @pytest.mark.anyio
            @pytest.mark.campaigns_fake(require_onboarding=False)
            async def test_it(campaigns_fake):
                campaigns_fake.add_campaign(connect_instance_id="inst-1", name="a")
                async with client() as campaigns:
                    listed = await campaigns.list_campaigns()
                assert [s["name"] for s in listed["campaignSummaryList"]] == ["a"]
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=1)


def test_an_async_connectcampaignsv2_client_is_answered_with_v1_in_one_journal(
    campaigns_fake: CampaignsFake, sleeps: list[float]
) -> None:
    campaigns_fake.add_instance("inst-1")
    campaigns_fake.v2.throttle("PutOutboundRequestBatch")

    async def scenario() -> dict[str, Any]:
        v2 = get_session().create_client(
            "connectcampaignsv2",
            region_name="us-east-1",
            aws_access_key_id="AKIAFAKECAMPAIGNS000",
            aws_secret_access_key="secret",
        )
        async with v2 as campaigns, client() as v1:
            created = await campaigns.create_campaign(
                name="sms-reminders",
                connectInstanceId="inst-1",
                channelSubtypeConfig={
                    "telephony": {
                        "connectQueueId": "queue-1",
                        "outboundMode": {"progressive": {"bandwidthAllocation": 1.0}},
                        "defaultOutboundConfig": {"connectContactFlowId": "flow-1"},
                    }
                },
            )
            await campaigns.start_campaign(id=created["id"])
            expires = campaigns_fake.clock.now() + timedelta(hours=1)
            answer: dict[str, Any] = await campaigns.put_outbound_request_batch(
                id=created["id"],
                outboundRequests=[
                    {
                        "clientToken": "t-1",
                        "expirationTime": expires,
                        "channelSubtypeParameters": {
                            "telephony": {"destinationPhoneNumber": "+15550100", "attributes": {}}
                        },
                    }
                ],
            )
            await v1.list_campaigns()
            return answer

    answer = asyncio.run(scenario())
    assert [item["clientToken"] for item in answer["successfulRequests"]] == ["t-1"]
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert sleeps == [0] * len(sleeps) and campaigns_fake.retry_delays
    assert [(c.service, c.operation, c.status_code) for c in campaigns_fake.calls] == [
        ("connectcampaignsv2", "CreateCampaign", 200),
        ("connectcampaignsv2", "StartCampaign", 200),
        ("connectcampaignsv2", "PutOutboundRequestBatch", 429),
        ("connectcampaignsv2", "PutOutboundRequestBatch", 200),
        ("connectcampaigns", "ListCampaigns", 200),
    ]
