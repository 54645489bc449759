"""Partitioning by region and account.

Through real boto3 clients; the contract is shared/reference/service-behavior.md.
Every test runs twice (the ``client`` and ``make_client`` fixtures of conftest.py):
with a default client, and with one built with ``parameter_validation=False`` (which
sends what it is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

import pytest
from support import (
    ACCOUNT,
    INSTANCE,
    OTHER_ACCOUNT,
    OTHER_KEY,
    OTHER_REGION,
    REGION,
    SERVICE_LINKED_ROLE_RE,
    ClientFactory,
    create,
    job_of,
    raises,
    state_of,
    tags_of,
)

from pytest_campaigns_fake import CampaignsFake

# -- Partitioning by region and account ------------------------------------------------------


def test_campaign_is_invisible_from_another_region(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    east = make_client()
    west = make_client(region=OTHER_REGION)
    campaigns_fake.add_instance(INSTANCE)
    created = create(east)
    campaign_id = created["id"]
    with raises(west, "ResourceNotFoundException", 404):
        west.describe_campaign(id=campaign_id)
    with raises(west, "ResourceNotFoundException", 404):
        west.get_campaign_state(id=campaign_id)
    with raises(west, "ResourceNotFoundException", 404):
        west.start_campaign(id=campaign_id)
    with raises(west, "ResourceNotFoundException", 404):
        west.delete_campaign(id=campaign_id)
    assert west.list_campaigns()["campaignSummaryList"] == []
    assert west.get_campaign_state_batch(campaignIds=[campaign_id])["failedRequests"] == [
        {"campaignId": campaign_id, "failureCode": "ResourceNotFound"}
    ]
    # onboarding is per region too
    with raises(west, "ResourceNotFoundException", 404):
        west.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(west, "ResourceNotFoundException", 404):
        create(west)
    assert state_of(east, campaign_id) == "Initialized"
    assert [s["id"] for s in east.list_campaigns()["campaignSummaryList"]] == [campaign_id]


def test_campaign_in_another_region_has_that_region_in_its_arn(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    west = make_client(region=OTHER_REGION)
    west.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )
    assert job_of(west)["status"] == "SUCCEEDED"
    created = create(west)
    assert created["arn"] == (
        f"arn:aws:connect-campaigns:{OTHER_REGION}:{ACCOUNT}:campaign/{created['id']}"
    )
    assert make_client().list_campaigns()["campaignSummaryList"] == []
    with raises(make_client(), "ResourceNotFoundException", 404):
        job_of(make_client())


@pytest.mark.campaigns_fake(any_region=True)
@pytest.mark.parametrize(
    ("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")]
)
def test_campaign_arn_partition(
    campaigns_fake: CampaignsFake, make_client: ClientFactory, region: str, partition: str
) -> None:
    client = make_client(region=region)
    campaigns_fake.add_instance(INSTANCE, region=region)
    created = create(client)
    assert created["arn"] == (
        f"arn:{partition}:connect-campaigns:{region}:{ACCOUNT}:campaign/{created['id']}"
    )
    assert tags_of(client, created["arn"]) == {}
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["serviceLinkedRoleArn"].startswith(
        f"arn:{partition}:iam::{ACCOUNT}:role/aws-service-role/"
    )


def test_registered_access_key_acts_in_its_account(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    home = make_client()
    other = make_client(access_key=OTHER_KEY)
    campaigns_fake.add_instance(INSTANCE)
    # onboarding is per account: the other account's instance is not onboarded yet
    with raises(other, "ResourceNotFoundException", 404):
        create(other)
    other.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )
    assert job_of(other)["status"] == "SUCCEEDED"
    role = other.get_connect_instance_config(connectInstanceId=INSTANCE)["connectInstanceConfig"][
        "serviceLinkedRoleArn"
    ]
    match = SERVICE_LINKED_ROLE_RE.fullmatch(role)
    assert match is not None and match.group(1) == OTHER_ACCOUNT
    created = create(other, name="theirs")
    campaign_id = created["id"]
    assert created["arn"] == (
        f"arn:aws:connect-campaigns:{REGION}:{OTHER_ACCOUNT}:campaign/{campaign_id}"
    )
    assert other.describe_campaign(id=campaign_id)["campaign"]["name"] == "theirs"
    assert tags_of(other, created["arn"]) == {}
    with raises(home, "ResourceNotFoundException", 404):
        home.describe_campaign(id=campaign_id)
    with raises(home, "ResourceNotFoundException", 404):
        home.list_tags_for_resource(arn=created["arn"])
    assert home.list_campaigns()["campaignSummaryList"] == []
    mine = create(home, name="mine")
    assert f":{ACCOUNT}:" in mine["arn"]
    assert [s["id"] for s in other.list_campaigns()["campaignSummaryList"]] == [campaign_id]
    assert [s["id"] for s in home.list_campaigns()["campaignSummaryList"]] == [mine["id"]]
    calls = [c for c in campaigns_fake.calls if c.operation == "CreateCampaign"]
    assert [(c.account, c.status_code) for c in calls] == [
        (OTHER_ACCOUNT, 404),
        (OTHER_ACCOUNT, 200),
        (ACCOUNT, 200),
    ]


def test_quota_is_per_account(campaigns_fake: CampaignsFake, make_client: ClientFactory) -> None:
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    campaigns_fake.quotas.campaigns_per_instance = 1
    home = make_client()
    other = make_client(access_key=OTHER_KEY)
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.add_instance(INSTANCE, account_id=OTHER_ACCOUNT)
    create(home)
    with raises(home, "ServiceQuotaExceededException", 402):
        create(home)
    assert create(other)["id"]
