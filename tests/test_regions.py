"""Regions: where AWS does not offer connectcampaigns, its host does not exist.

Through real boto3 clients, under conftest.py's socket guard. DNS lookups are answered offline
and recorded (as in test_intercept.py), so a request that would leave the process is caught on
every machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from support import ACCOUNT, new_client

from pytest_campaigns_fake import CampaignsFake, current
from pytest_campaigns_fake._options import offered_regions

OFFERED = ("us-east-1", "us-west-2", "eu-west-2", "ap-southeast-2")
NOT_OFFERED = ("eu-west-1", "us-east-2", "sa-east-1")
ATTEMPTS = {"legacy": 5, "standard": 3}


# Shared fixtures of conftest.py, for every test here.
pytestmark = pytest.mark.usefixtures("lookups")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``time.sleep`` botocore's endpoint asks for, recorded instead of slept."""
    asked: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", asked.append)
    return asked


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    with CampaignsFake(require_onboarding=False) as active:
        yield active


def test_the_tables_agree_with_botocore() -> None:
    assert set(OFFERED) <= set(offered_regions())
    assert not set(NOT_OFFERED) & set(offered_regions())


@pytest.mark.parametrize("region", OFFERED)
def test_an_offered_region_is_answered(
    fake: CampaignsFake, no_network: list[object], lookups: list[str], region: str
) -> None:
    c = new_client(region)
    assert c.meta.endpoint_url == f"https://connect-campaigns.{region}.amazonaws.com"
    assert c.list_campaigns()["campaignSummaryList"] == []
    assert (fake.calls.last.operation, fake.calls.last.region) == ("ListCampaigns", region)
    assert no_network == [] and lookups == []


@pytest.mark.parametrize("mode", list(ATTEMPTS))
@pytest.mark.parametrize("region", NOT_OFFERED)
def test_a_region_not_offered_has_no_endpoint(
    fake: CampaignsFake,
    no_network: list[object],
    lookups: list[str],
    sleeps: list[float],
    region: str,
    mode: str,
) -> None:
    c = new_client(region, retry_mode=mode)
    with pytest.raises(EndpointConnectionError) as raised:
        c.list_campaigns()
    url = f"https://connect-campaigns.{region}.amazonaws.com/campaigns-summary"
    assert str(raised.value).startswith(f'Could not connect to the endpoint URL: "{url}"')
    assert "any_region=True" in str(raised.value)
    # botocore retried the connection error as it would against AWS, without sleeping.
    assert sleeps == [0] * (ATTEMPTS[mode] - 1)
    assert len(fake.retry_delays) == ATTEMPTS[mode] - 1
    # The request never reached a service: not answered, not journaled.
    assert len(fake.calls) == 0
    assert no_network == [] and lookups == []


@pytest.mark.parametrize(
    ("region", "config"),
    [
        ("eu-west-2", Config(use_fips_endpoint=True)),  # FIPS host, region offered
        ("cn-north-1", None),  # amazonaws.com.cn
        ("us-gov-west-1", None),
        ("eu-west-1", Config(use_fips_endpoint=True)),
        ("eu-west-1", Config(use_dualstack_endpoint=True)),  # api.aws
    ],
)
def test_every_aws_host_variant_is_checked_by_its_region(
    fake: CampaignsFake, region: str, config: Config | None
) -> None:
    c = new_client(region, config=config)
    if region in offered_regions():
        c.list_campaigns()
        assert fake.calls.last.region == region
    else:
        with pytest.raises(EndpointConnectionError):
            c.list_campaigns()
        assert len(fake.calls) == 0


def test_the_region_of_the_host_counts_not_the_signing_region(fake: CampaignsFake) -> None:
    # Signed for us-east-1, sent to AWS's host in eu-west-1: there is no such host.
    c = new_client("us-east-1", endpoint_url="https://connect-campaigns.eu-west-1.amazonaws.com")
    with pytest.raises(EndpointConnectionError):
        c.list_campaigns()
    assert len(fake.calls) == 0


@pytest.mark.parametrize(
    "endpoint_url",
    ["https://campaigns.example.invalid", "http://localhost:4566", "https://10.1.2.3:8443"],
)
def test_a_custom_endpoint_is_answered_in_any_region(
    fake: CampaignsFake, no_network: list[object], endpoint_url: str
) -> None:
    c = new_client("eu-west-1", endpoint_url=endpoint_url)
    created = c.create_campaign(
        name="custom",
        connectInstanceId="instance-1",
        dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
        outboundCallConfig={"connectContactFlowId": "flow-1"},
    )
    assert created["arn"].startswith(f"arn:aws:connect-campaigns:eu-west-1:{ACCOUNT}:campaign/")
    assert fake.calls.last.region == "eu-west-1"
    assert no_network == []


@pytest.mark.parametrize("region", ["eu-west-1", "sa-east-1", "cn-north-1"])
def test_any_region_answers_every_region(no_network: list[object], region: str) -> None:
    c = new_client(region)
    with CampaignsFake(any_region=True) as active:
        assert c.list_campaigns()["campaignSummaryList"] == []
        assert active.calls.last.region == region
    assert no_network == []


def test_the_innermost_fake_decides(no_network: list[object]) -> None:
    c = new_client("eu-west-1")
    with CampaignsFake() as outer:
        with CampaignsFake(any_region=True) as inner:
            c.list_campaigns()
        with pytest.raises(EndpointConnectionError):
            c.list_campaigns()
    assert (len(inner.calls), len(outer.calls)) == (1, 0)
    assert current() is None


def test_the_fixture_refuses_a_region_not_offered(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(EndpointConnectionError):
        new_client("eu-west-1", max_attempts=1).list_campaigns()
    assert len(campaigns_fake.calls) == 0


@pytest.mark.campaigns_fake(any_region=True)
def test_the_marker_reaches_any_region(campaigns_fake: CampaignsFake) -> None:
    assert campaigns_fake.options.any_region
    assert new_client("eu-west-1").list_campaigns()["campaignSummaryList"] == []
    assert campaigns_fake.calls.last.region == "eu-west-1"


@pytest.mark.campaigns_fake(any_region=True, region="eu-west-1")
def test_the_marker_puts_the_fake_and_its_client_in_a_region_not_offered(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    assert campaigns_client.meta.region_name == "eu-west-1"
    assert boto3.client("connectcampaigns").meta.region_name == "eu-west-1"
    campaigns_fake.add_campaign(connect_instance_id="instance-1", name="dublin")
    names = [s["name"] for s in campaigns_client.list_campaigns()["campaignSummaryList"]]
    assert names == ["dublin"]
