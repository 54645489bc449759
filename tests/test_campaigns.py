"""CreateCampaign, DescribeCampaign, DeleteCampaign and the three updates.

Through real boto3 clients; the contract is shared/reference/service-behavior.md.
Every test runs twice (the ``client`` and ``make_client`` fixtures of conftest.py):
with a default client, and with one built with ``parameter_validation=False`` (which
sends what it is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from support import (
    ACCOUNT,
    DIALER,
    DIALERS,
    INSTANCE,
    PREDICTIVE,
    REGION,
    STATES,
    UUID_RE,
    create,
    many_tags,
    raises,
    seed,
    state_of,
    tags_of,
)

from pytest_campaigns_fake import CampaignsFake

FULL_OUTBOUND: dict[str, Any] = {
    "connectContactFlowId": "flow-1",
    "connectSourcePhoneNumber": "+15550000001",
    "connectQueueId": "queue-1",
    "answerMachineDetectionConfig": {
        "enableAnswerMachineDetection": True,
        "awaitAnswerMachinePrompt": False,
    },
}


# -- CreateCampaign --------------------------------------------------------------------------


def test_create_campaign_returns_lowercase_uuid_and_arn(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(client, name="renewals")
    campaign_id = created["id"]
    assert UUID_RE.fullmatch(campaign_id), campaign_id
    assert created["arn"] == (
        f"arn:aws:connect-campaigns:{REGION}:{ACCOUNT}:campaign/{campaign_id}"
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert state_of(client, campaign_id) == "Initialized"
    assert [c.id for c in campaigns_fake.campaigns] == [campaign_id]


def test_create_campaign_ids_are_unique(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    ids = {create(client, name=f"c{i}")["id"] for i in range(5)}
    assert len(ids) == 5


def test_create_campaign_echoes_tags(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    tags = {"team": "sales", "cost-center": "42"}
    created = create(client, tags=tags)
    assert created["tags"] == tags
    assert tags_of(client, created["arn"]) == tags
    assert client.describe_campaign(id=created["id"])["campaign"]["tags"] == tags


def test_create_campaign_accepts_exactly_50_tags(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(client, tags=many_tags(50))
    assert tags_of(client, created["arn"]) == many_tags(50)


def test_create_campaign_with_51_tags_is_rejected(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    with raises(client, "ValidationException", 400):
        create(client, tags=many_tags(51))
    assert campaigns_fake.campaigns == []


def test_create_campaign_rejects_aws_prefixed_tag(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    with raises(client, "ValidationException", 400):
        create(client, tags={"aws:reserved": "x"})
    assert campaigns_fake.campaigns == []


@pytest.mark.parametrize("status", [None, "IN_PROGRESS", "FAILED"])
def test_create_campaign_needs_an_onboarded_instance(
    campaigns_fake: CampaignsFake, client: Any, status: str | None
) -> None:
    if status is not None:
        campaigns_fake.add_instance(INSTANCE, status=status)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    assert campaigns_fake.campaigns == []


def test_create_campaign_checks_the_instance_named(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance("instance-2")
    with raises(client, "ResourceNotFoundException", 404):
        create(client, instance=INSTANCE)
    assert create(client, instance="instance-2")["id"]


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_create_campaign_without_onboarding_check(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    created = create(client, instance="never-onboarded")
    described = client.describe_campaign(id=created["id"])["campaign"]
    assert described["connectInstanceId"] == "never-onboarded"


def test_create_campaign_default_quota_is_25_per_instance(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.add_instance("instance-2")
    for i in range(24):
        seed(campaigns_fake, name=f"seeded-{i}")
    create(client, name="twenty-fifth")
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client, name="twenty-sixth")
    assert len([c for c in campaigns_fake.campaigns if c.connect_instance_id == INSTANCE]) == 25
    # the quota is per instance
    create(client, name="other instance", instance="instance-2")


def test_create_campaign_quota_frees_up_on_delete(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    ids = [seed(campaigns_fake, name=f"seeded-{i}") for i in range(25)]
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client)
    client.delete_campaign(id=ids[3])
    assert create(client)["id"]
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client)


def test_create_campaign_quota_is_adjustable(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.quotas.campaigns_per_instance = 2
    create(client, name="one")
    create(client, name="two")
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client, name="three")
    campaigns_fake.quotas.campaigns_per_instance = 3
    create(client, name="three")
    assert [c.name for c in campaigns_fake.campaigns] == ["one", "two", "three"]


@pytest.mark.campaigns_fake(campaigns_per_instance=1)
def test_create_campaign_quota_from_marker(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    create(client)
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client)


# -- DescribeCampaign ------------------------------------------------------------------------


@pytest.mark.parametrize("dialer", sorted(DIALERS))
def test_describe_campaign_returns_everything_created(
    campaigns_fake: CampaignsFake, client: Any, dialer: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(
        client, name="renewals", dialer=DIALERS[dialer], outbound=FULL_OUTBOUND, tags={"a": "b"}
    )
    described = client.describe_campaign(id=created["id"])
    assert described["campaign"] == {
        "id": created["id"],
        "arn": created["arn"],
        "name": "renewals",
        "connectInstanceId": INSTANCE,
        "dialerConfig": DIALERS[dialer],
        "outboundCallConfig": FULL_OUTBOUND,
        "tags": {"a": "b"},
    }


def test_describe_unknown_campaign(campaigns_fake: CampaignsFake, client: Any) -> None:
    seed(campaigns_fake)
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id=str(uuid.uuid4()))


# -- DeleteCampaign --------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_delete_campaign_in_every_state(
    campaigns_fake: CampaignsFake, client: Any, state: str
) -> None:
    keep = seed(campaigns_fake, name="keep")
    campaign_id = seed(campaigns_fake, state)
    assert client.delete_campaign(id=campaign_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id=campaign_id)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_campaign_state(id=campaign_id)
    assert [c.id for c in campaigns_fake.campaigns] == [keep]
    assert [s["id"] for s in client.list_campaigns()["campaignSummaryList"]] == [keep]


def test_delete_campaign_twice(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaign_id = seed(campaigns_fake)
    client.delete_campaign(id=campaign_id)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_campaign(id=campaign_id)


# -- Updates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_updates_work_in_every_state(
    campaigns_fake: CampaignsFake, client: Any, state: str
) -> None:
    campaign_id = seed(
        campaigns_fake, state, name="old", dialer_config=DIALER, outbound_call_config=FULL_OUTBOUND
    )
    client.update_campaign_name(id=campaign_id, name="new name")
    client.update_campaign_dialer_config(id=campaign_id, dialerConfig=PREDICTIVE)
    client.update_campaign_outbound_call_config(id=campaign_id, connectContactFlowId="flow-9")
    described = client.describe_campaign(id=campaign_id)["campaign"]
    assert described["name"] == "new name"
    assert described["dialerConfig"] == PREDICTIVE
    assert described["outboundCallConfig"] == {**FULL_OUTBOUND, "connectContactFlowId": "flow-9"}
    assert state_of(client, campaign_id) == state


def test_update_campaign_name_shows_in_list(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaign_id = seed(campaigns_fake, name="old")
    answer = client.update_campaign_name(id=campaign_id, name="renamed")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [s["name"] for s in client.list_campaigns()["campaignSummaryList"]] == ["renamed"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("progressive", "predictive"),
        ("predictive", "progressive"),
        ("progressive", "progressive"),
        ("agentless", "agentless"),
    ],
)
def test_update_dialer_config_within_kind(
    campaigns_fake: CampaignsFake, client: Any, before: str, after: str
) -> None:
    new = {
        "progressive": {"progressiveDialerConfig": {"bandwidthAllocation": 0.3}},
        "predictive": PREDICTIVE,
        "agentless": {"agentlessDialerConfig": {"dialingCapacity": 0.9}},
    }[after]
    campaign_id = seed(campaigns_fake, dialer_config=DIALERS[before])
    client.update_campaign_dialer_config(id=campaign_id, dialerConfig=new)
    assert client.describe_campaign(id=campaign_id)["campaign"]["dialerConfig"] == new


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("progressive", "agentless"),
        ("predictive", "agentless"),
        ("agentless", "progressive"),
        ("agentless", "predictive"),
    ],
)
def test_update_dialer_config_cannot_switch_agentless(
    campaigns_fake: CampaignsFake, client: Any, before: str, after: str
) -> None:
    campaign_id = seed(campaigns_fake, dialer_config=DIALERS[before])
    with raises(client, "ConflictException", 409):
        client.update_campaign_dialer_config(id=campaign_id, dialerConfig=DIALERS[after])
    assert client.describe_campaign(id=campaign_id)["campaign"]["dialerConfig"] == DIALERS[before]


@pytest.mark.parametrize(
    "change",
    [
        {"connectContactFlowId": "flow-2"},
        {"connectSourcePhoneNumber": "+15559999999"},
        {"answerMachineDetectionConfig": {"enableAnswerMachineDetection": False}},
        {"connectContactFlowId": "flow-3", "connectSourcePhoneNumber": "+15558888888"},
    ],
    ids=["flow", "source-phone", "amd", "flow+phone"],
)
def test_update_outbound_call_config_changes_only_given_members(
    campaigns_fake: CampaignsFake, client: Any, change: dict[str, Any]
) -> None:
    campaign_id = seed(campaigns_fake, outbound_call_config=FULL_OUTBOUND)
    client.update_campaign_outbound_call_config(id=campaign_id, **change)
    described = client.describe_campaign(id=campaign_id)["campaign"]
    assert described["outboundCallConfig"] == {**FULL_OUTBOUND, **change}
    assert described["outboundCallConfig"]["connectQueueId"] == "queue-1"


def test_update_outbound_call_config_adds_missing_member(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaign_id = seed(campaigns_fake, outbound_call_config={"connectContactFlowId": "flow-1"})
    client.update_campaign_outbound_call_config(
        id=campaign_id, connectSourcePhoneNumber="+15550000002"
    )
    assert client.describe_campaign(id=campaign_id)["campaign"]["outboundCallConfig"] == {
        "connectContactFlowId": "flow-1",
        "connectSourcePhoneNumber": "+15550000002",
    }
