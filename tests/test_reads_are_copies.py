"""What a test reads from the fake shares nothing with it (issue 16): accepted dial requests'
``attributes``, v2 outbound requests' ``channel_subtype_parameters``, profile requests'
``event_trigger_context`` and every other nested value a view hands out are copies; editing
one changes nothing in the fake, its idempotent answers or its snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from support import INSTANCE, Client, new_client
from support_v2 import (
    DOMAIN_ARN,
    PROFILE_ID,
    create_v2,
    needs_member,
    new_v2_client,
    outbound_request,
    profile_request,
)

from pytest_campaigns_fake import CampaignsFake

FROZEN_AT = datetime(2030, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def fake(campaigns_fake: CampaignsFake) -> CampaignsFake:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.clock.freeze(FROZEN_AT)
    return campaigns_fake


@pytest.fixture
def v2(fake: CampaignsFake) -> Client:
    return new_v2_client()


def _vandalise(value: Any) -> None:
    """Edit a nested value in every way a test might, at every depth."""
    if isinstance(value, dict):
        for nested in list(value.values()):
            _vandalise(nested)
        value["vandal"] = "x"
    elif isinstance(value, list):
        for nested in value:
            _vandalise(nested)
        value.append("vandal")


def test_dial_request_attributes_are_copies(fake: CampaignsFake) -> None:
    client = new_client()
    campaign = fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    item = {
        "clientToken": "t1",
        "phoneNumber": "+15550100",
        "expirationTime": FROZEN_AT + timedelta(minutes=5),
        "attributes": {"customer": "42"},
    }
    first = client.put_dial_request_batch(id=campaign.id, dialRequests=[item])
    before = fake.snapshot()
    for read in (fake.dial_requests(campaign.id), fake.campaign(campaign.id).dial_requests):
        _vandalise(read[0].attributes)
    assert fake.dial_requests(campaign.id)[0].attributes == {"customer": "42"}
    assert fake.campaign(campaign.id).dial_requests[0].attributes == {"customer": "42"}
    assert fake.snapshot() == before
    # The idempotent answer still compares the stored request, unchanged.
    again = client.put_dial_request_batch(id=campaign.id, dialRequests=[item])
    assert again["successfulRequests"] == first["successfulRequests"]


def test_outbound_request_parameters_are_copies(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2)["id"]
    v2.start_campaign(id=campaign_id)
    item = outbound_request("t1", FROZEN_AT + timedelta(hours=1), attributes={"k": "v"})
    first = v2.put_outbound_request_batch(id=campaign_id, outboundRequests=[item])
    before = fake.snapshot()
    sent = item["channelSubtypeParameters"]
    for read in (
        fake.v2.outbound_requests(campaign_id),
        fake.v2.campaign(campaign_id).outbound_requests,
    ):
        _vandalise(read[0].channel_subtype_parameters)
    assert fake.v2.outbound_requests(campaign_id)[0].channel_subtype_parameters == sent
    assert fake.v2.campaign(campaign_id).outbound_requests[0].channel_subtype_parameters == sent
    assert fake.snapshot() == before
    again = v2.put_outbound_request_batch(id=campaign_id, outboundRequests=[item])
    assert again["successfulRequests"] == first["successfulRequests"]
    assert again["failedRequests"] == []


@needs_member("ProfileOutboundRequest", "eventTriggerContext")
def test_profile_request_event_trigger_context_is_a_copy(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2, source={"eventTrigger": {"customerProfilesDomainArn": DOMAIN_ARN}})[
        "id"
    ]
    v2.start_campaign(id=campaign_id)
    context = {"channelContext": {"webNotificationContext": {"sessionId": "s1"}}}
    item = {**profile_request("t1", PROFILE_ID), "eventTriggerContext": context}
    v2.put_profile_outbound_request_batch(id=campaign_id, profileOutboundRequests=[item])
    (accepted,) = fake.v2.profile_outbound_requests(campaign_id)
    stored = accepted.event_trigger_context
    assert stored == context
    before = fake.snapshot()
    for read in (
        fake.v2.profile_outbound_requests(campaign_id),
        fake.v2.campaign(campaign_id).profile_outbound_requests,
    ):
        _vandalise(read[0].event_trigger_context)
    assert fake.v2.profile_outbound_requests(campaign_id)[0].event_trigger_context == stored
    assert fake.snapshot() == before


def test_instance_views_are_copies(fake: CampaignsFake) -> None:
    instance = fake.instance(INSTANCE)
    before = fake.snapshot()
    _vandalise(instance.encryption_config)
    _vandalise(instance.config())
    _vandalise(instance.job())
    campaign = fake.add_campaign(connect_instance_id=INSTANCE, tags={"team": "a"})
    for value in (campaign.tags, campaign.dialer_config, campaign.describe(), campaign.summary()):
        _vandalise(value)
    assert fake.campaign(campaign.id).tags == {"team": "a"}
    after = fake.snapshot()
    after["partitions"][0]["campaigns"] = []
    after["lastSeq"] = before["lastSeq"]
    assert after == before
