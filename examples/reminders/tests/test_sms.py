"""SMS reminders on the v2 API: the event-triggered campaign and its profile requests.

The same ``campaigns_fake`` answers the v2 client: the instance onboarded for the v1 dialer is
the one the SMS campaign uses, and ``campaigns_fake.v2`` reads what the campaign accepted.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from pytest_campaigns_fake import CampaignsFake
from support import REGION

from reminders.sms import MAX_PROFILE_BATCH, SmsCampaignSpec, SmsReminders, profile_token

DOMAIN = f"arn:aws:profile:{REGION}:123456789012:domains/clinic"
PHONE = f"arn:aws:connect:{REGION}:123456789012:phone-number/clinic-sms"
TEMPLATE = f"arn:aws:wisdom:{REGION}:123456789012:message-template/kb/reminder"


@pytest.fixture
def sms_client(campaigns_fake: CampaignsFake) -> Any:
    return boto3.session.Session().client(
        "connectcampaignsv2",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def sms(sms_client: Any) -> SmsReminders:
    return SmsReminders(sms_client)


@pytest.fixture
def sms_spec(instance: str) -> SmsCampaignSpec:
    return SmsCampaignSpec(
        name="sms-reminders",
        connect_instance_id=instance,
        domain_arn=DOMAIN,
        phone_number_arn=PHONE,
        template_arn=TEMPLATE,
        tags={"team": "clinic"},
    )


def profiles(n: int) -> list[str]:
    return [f"{i:032x}" for i in range(1, n + 1)]


def test_the_campaign_is_created_once_and_running(
    sms: SmsReminders, sms_spec: SmsCampaignSpec, campaigns_fake: CampaignsFake
) -> None:
    first = sms.ensure_campaign(sms_spec)
    again = sms.ensure_campaign(sms_spec)
    assert first == again
    campaign = campaigns_fake.v2.campaign(first)
    assert campaign.state == "Running"
    assert campaign.source == {"eventTrigger": {"customerProfilesDomainArn": DOMAIN}}
    assert list(campaign.channel_subtype_config) == ["sms"]
    assert campaigns_fake.v2.calls.count_of("CreateCampaign") == 1


def test_profiles_are_sent_in_batches_and_a_rerun_sends_nobody_twice(
    sms: SmsReminders, sms_spec: SmsCampaignSpec, campaigns_fake: CampaignsFake
) -> None:
    campaign_id = sms.ensure_campaign(sms_spec)
    patients = profiles(MAX_PROFILE_BATCH + 5)
    result = sms.notify(campaign_id, patients, run_key="2024-06-03")
    assert result.batches == 2 and set(result.accepted) == set(patients) and not result.failed
    again = sms.notify(campaign_id, patients, run_key="2024-06-03")
    assert again.accepted == result.accepted
    accepted = campaigns_fake.v2.profile_outbound_requests(campaign_id)
    assert [r.profile_id for r in accepted] == patients
    assert accepted[0].client_token == profile_token("2024-06-03", patients[0])


def test_a_missing_profile_and_an_injected_failure_are_reported_per_profile(
    sms: SmsReminders, sms_spec: SmsCampaignSpec, campaigns_fake: CampaignsFake
) -> None:
    campaign_id = sms.ensure_campaign(sms_spec)
    gone, flaky, fine = profiles(3)
    campaigns_fake.v2.mark_profile_missing(gone)
    campaigns_fake.v2.fail_profile_outbound_requests("UnknownError", profile_id=flaky, times=1)
    result = sms.notify(campaign_id, [gone, flaky, fine], run_key="run-1")
    assert result.failed == {gone: "ResourceNotFound", flaky: "UnknownError"}
    assert list(result.accepted) == [fine]
