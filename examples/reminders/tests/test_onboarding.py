"""Onboarding a Connect instance: waiting, failures, timeouts, and switching it off again."""

from __future__ import annotations

import re

import pytest
from pytest_campaigns_fake import CampaignsFake
from support import INSTANCE, FakeTime

from reminders import (
    InstanceStillInUse,
    OnboardingFailed,
    OnboardingTimeout,
    ReminderDialer,
)

ROLE = re.compile(
    r"arn:aws:iam::\d{12}:role/aws-service-role/connect-campaigns\.amazonaws\.com/"
    r"AWSServiceRoleForConnectCampaigns_[A-Z0-9]{20}"
)


@pytest.mark.campaigns_fake(onboarding_polls=3)
def test_waits_for_the_job_then_returns_the_config(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, fake_time: FakeTime
) -> None:
    config = dialer.onboard(INSTANCE, poll_interval=10)

    assert config["connectInstanceId"] == INSTANCE
    assert ROLE.fullmatch(config["serviceLinkedRoleArn"])
    assert config["encryptionConfig"] == {"enabled": False}
    # The job succeeds on its third status poll; the app slept before each one, instantly.
    assert campaigns_fake.calls.count_of("GetInstanceOnboardingJobStatus") == 3
    assert fake_time.sleeps == [10, 10, 10]
    campaigns_fake.calls.assert_called_once(
        "StartInstanceOnboardingJob",
        connectInstanceId=INSTANCE,
        encryptionConfig={"enabled": False},
    )


@pytest.mark.campaigns_fake(onboarding_polls=0)
def test_kms_encryption_is_passed_through(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    key = "arn:aws:kms:eu-west-2:123456789012:key/1b6e0d1c-7c58-4f5e-9c4e-2d1f6a9b8c7d"

    config = dialer.onboard(INSTANCE, kms_key_arn=key)

    assert config["encryptionConfig"] == {"enabled": True, "encryptionType": "KMS", "keyArn": key}
    campaigns_fake.calls.assert_not_called("GetInstanceOnboardingJobStatus")


def test_an_onboarded_instance_needs_no_waiting(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, instance: str, fake_time: FakeTime
) -> None:
    dialer.onboard(instance)

    campaigns_fake.calls.assert_not_called("GetInstanceOnboardingJobStatus")
    assert fake_time.sleeps == []


def test_a_leftover_failed_job_is_deleted_and_started_again(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    campaigns_fake.add_instance(INSTANCE, status="FAILED", failure_code="IAM_ACCESS_DENIED")

    dialer.onboard(INSTANCE)

    operations = [call.operation for call in campaigns_fake.calls]
    assert operations == [
        "StartInstanceOnboardingJob",  # answers with the old FAILED job
        "DeleteInstanceOnboardingJob",
        "StartInstanceOnboardingJob",  # a new job, IN_PROGRESS
        "GetInstanceOnboardingJobStatus",  # SUCCEEDED (onboarding_polls=1)
        "GetConnectInstanceConfig",
    ]
    assert campaigns_fake.instance(INSTANCE).status == "SUCCEEDED"


def test_a_leftover_failed_job_can_be_surfaced_instead(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    campaigns_fake.add_instance(INSTANCE, status="FAILED", failure_code="IAM_ACCESS_DENIED")

    with pytest.raises(OnboardingFailed) as raised:
        dialer.onboard(INSTANCE, restart_failed=False)

    assert raised.value.failure_code == "IAM_ACCESS_DENIED"
    campaigns_fake.calls.assert_not_called("DeleteInstanceOnboardingJob")


@pytest.mark.campaigns_fake(onboarding_polls=None)  # the job only moves when the test says so
def test_a_job_that_fails_while_we_wait_is_not_restarted(
    campaigns_client: object, campaigns_fake: CampaignsFake, fake_time: FakeTime
) -> None:
    def sleep(seconds: float) -> None:
        fake_time.sleep(seconds)
        if len(fake_time.sleeps) == 2:  # the job fails during the second wait
            campaigns_fake.advance_onboarding(INSTANCE, "FAILED", "KMS_KEY_NOT_FOUND")

    dialer = ReminderDialer(campaigns_client, sleep=sleep, monotonic=fake_time.monotonic)

    with pytest.raises(OnboardingFailed, match="KMS_KEY_NOT_FOUND") as raised:
        dialer.onboard(INSTANCE)

    assert raised.value.failure_code == "KMS_KEY_NOT_FOUND"
    assert campaigns_fake.calls.count_of("GetInstanceOnboardingJobStatus") == 2
    campaigns_fake.calls.assert_not_called("DeleteInstanceOnboardingJob")
    campaigns_fake.calls.assert_called_once("StartInstanceOnboardingJob")


@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_gives_up_after_the_timeout(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, fake_time: FakeTime
) -> None:
    with pytest.raises(OnboardingTimeout) as raised:
        dialer.onboard(INSTANCE, timeout=50, poll_interval=15)

    assert fake_time.sleeps == [15, 15, 15, 5]  # the last wait is cut to the deadline
    assert raised.value.polls == 4
    assert raised.value.waited == 50
    assert campaigns_fake.instance(INSTANCE).status == "IN_PROGRESS"


def test_offboarding_needs_the_campaigns_gone_first(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, instance: str
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=instance)

    with pytest.raises(InstanceStillInUse):
        dialer.offboard(instance)

    dialer.shutdown(campaign.id)
    assert dialer.offboard(instance) is True
    assert dialer.offboard(instance) is False  # already off: nothing to do
    with pytest.raises(KeyError):
        campaigns_fake.instance(instance)
