"""Calling hours: the window itself, and pausing/resuming a campaign on the fake's clock."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from pytest_campaigns_fake import CampaignsFake
from support import INSTANCE

from reminders import CallingHours, ReminderDialer

BST = timezone(timedelta(hours=1), "BST")
OFFICE = CallingHours(start=time(9), end=time(20), tz=BST, weekdays=frozenset(range(5)))


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (datetime(2024, 6, 3, 8, 59, tzinfo=BST), False),  # Monday, before opening
        (datetime(2024, 6, 3, 9, 0, tzinfo=BST), True),
        (datetime(2024, 6, 3, 19, 59, tzinfo=BST), True),
        (datetime(2024, 6, 3, 20, 0, tzinfo=BST), False),  # the end is excluded
        (datetime(2024, 6, 3, 8, 30, tzinfo=timezone.utc), True),  # 09:30 in London
        (datetime(2024, 6, 8, 12, 0, tzinfo=BST), False),  # Saturday
    ],
)
def test_office_hours(moment: datetime, allowed: bool) -> None:
    assert OFFICE.allows(moment) is allowed


def test_a_window_over_midnight_belongs_to_the_day_it_starts() -> None:
    nights = CallingHours(start=time(22), end=time(2), weekdays=frozenset({4}))  # Friday night
    friday = datetime(2024, 6, 7, tzinfo=timezone.utc)

    assert nights.allows(friday.replace(hour=23))
    assert nights.allows(friday.replace(hour=1) + timedelta(days=1))  # early Saturday
    assert not nights.allows(friday.replace(hour=1))  # early Friday: Thursday's window
    assert not nights.allows(friday.replace(hour=12))


def test_calling_hours_need_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.allows(datetime(2024, 6, 3, 12))


def test_pauses_in_the_evening_and_resumes_in_the_morning(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    campaigns_fake.clock.freeze(datetime(2024, 6, 3, 14, 0, tzinfo=BST))  # Monday afternoon

    assert dialer.enforce_calling_hours(campaign.id, OFFICE) is None
    campaigns_fake.calls.assert_not_called("PauseCampaign")

    campaigns_fake.clock.advance(timedelta(hours=7))  # 21:00
    assert dialer.enforce_calling_hours(campaign.id, OFFICE) == "paused"
    assert campaigns_fake.campaign(campaign.id).state == "Paused"
    assert dialer.enforce_calling_hours(campaign.id, OFFICE) is None  # stays paused overnight

    campaigns_fake.clock.advance(timedelta(hours=12, minutes=5))  # Tuesday 09:05
    assert dialer.enforce_calling_hours(campaign.id, OFFICE) == "resumed"
    assert campaigns_fake.campaign(campaign.id).state == "Running"

    campaigns_fake.calls.assert_called_once("PauseCampaign", id=campaign.id)
    campaigns_fake.calls.assert_called_once("ResumeCampaign", id=campaign.id)


@pytest.mark.parametrize("state", ["Initialized", "Stopped", "Failed"])
def test_leaves_campaigns_that_are_not_running_or_paused_alone(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, state: str
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state=state)
    campaigns_fake.clock.freeze(datetime(2024, 6, 3, 23, 0, tzinfo=BST))

    assert dialer.enforce_calling_hours(campaign.id, OFFICE) is None
    assert [c.operation for c in campaigns_fake.calls] == ["GetCampaignState"]
