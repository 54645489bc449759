"""The whole day of a reminder run, written as a unittest TestCase with ``mock_campaigns``.

``@mock_campaigns(...)`` gives every test method a fresh, active fake as
``self.campaigns_fake``; pytest runs the class like any other test.
"""

from __future__ import annotations

import unittest
from datetime import datetime, time, timedelta, timezone

import boto3
from pytest_campaigns_fake import CampaignsFake, mock_campaigns
from support import INSTANCE, REGION, FakeTime, make_contacts

from reminders import CallingHours, CampaignSpec, OnboardingFailed, ReminderDialer, make_client


# mock_campaigns knows nothing of pytest's ini options: its default region (where seeds go) must
# be the region the app's client uses, or seeds land where the app never looks.
@mock_campaigns(onboarding_polls=2, region=REGION)
class ReminderDayTest(unittest.TestCase):
    campaigns_fake: CampaignsFake  # set by mock_campaigns before setUp runs

    def setUp(self) -> None:
        session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name=REGION,
        )
        self.time = FakeTime()
        self.dialer = ReminderDialer(
            make_client(session=session),
            sleep=self.time.sleep,
            monotonic=self.time.monotonic,
            now=self.campaigns_fake.clock.now,
        )
        self.campaigns_fake.clock.freeze(datetime(2024, 6, 3, 17, 0, tzinfo=timezone.utc))

    def test_a_day_of_reminders(self) -> None:
        fake = self.campaigns_fake
        spec = CampaignSpec(
            name="dental-reminders", connect_instance_id=INSTANCE, contact_flow_id="flow"
        )
        hours = CallingHours(start=time(9), end=time(19))
        contacts = make_contacts(52)

        self.dialer.onboard(INSTANCE, poll_interval=30)
        campaign, pushed = self.dialer.launch(spec, contacts, run_key="2024-06-03")
        fake.clock.advance(timedelta(hours=3))  # 20:00: past calling hours
        paused = self.dialer.enforce_calling_hours(campaign.id, hours)
        self.dialer.shutdown(campaign.id, offboard_instance=True)

        self.assertEqual(self.time.sleeps, [30, 30])
        self.assertTrue(pushed.ok)
        self.assertEqual(pushed.batches, 3)
        self.assertEqual(paused, "paused")
        self.assertEqual(fake.calls.count_of("PutDialRequestBatch"), 3)
        fake.calls.assert_called_once("StopCampaign", id=campaign.id)
        fake.calls.assert_called_once("DeleteConnectInstanceConfig", connectInstanceId=INSTANCE)
        self.assertEqual(fake.campaigns, [])
        with self.assertRaises(KeyError):
            fake.instance(INSTANCE)

    def test_onboarding_that_keeps_failing_is_reported(self) -> None:
        self.campaigns_fake.add_instance(
            INSTANCE, status="FAILED", failure_code="KMS_ACCESS_DENIED"
        )

        with self.assertRaises(OnboardingFailed) as raised:
            self.dialer.onboard(INSTANCE, restart_failed=False)

        self.assertEqual(raised.exception.failure_code, "KMS_ACCESS_DENIED")
        self.campaigns_fake.calls.assert_not_called("DeleteInstanceOnboardingJob")
