from __future__ import annotations

from typing import Any

import pytest

from pytest_campaigns_fake import CampaignsFake


def test_create_and_start(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaigns_fake.add_instance("instance-1")
    created = campaigns_client.create_campaign(
        name="renewals",
        connectInstanceId="instance-1",
        dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
        outboundCallConfig={"connectContactFlowId": "flow-1"},
    )
    campaigns_client.start_campaign(id=created["id"])
    assert campaigns_client.get_campaign_state(id=created["id"])["state"] == "Running"
    campaigns_fake.calls.assert_called("StartCampaign", id=created["id"])


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_throttled_twice_then_ok(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="instance-1")
    campaigns_fake.throttle("DescribeCampaign", times=2)
    answer = campaigns_client.describe_campaign(id=campaign.id)
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(campaigns_fake.retry_delays) == 2
