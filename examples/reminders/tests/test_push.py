"""Pushing contacts: batching, idempotent re-runs, per-item failures, throttling."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from pytest_campaigns_fake import CampaignsFake
from support import INSTANCE, FakeTime, make_contacts

from reminders import (
    CampaignNotRunning,
    Contact,
    ReminderDialer,
    client_token,
    make_client,
)


@pytest.fixture
def campaign_id(campaigns_fake: CampaignsFake) -> str:
    """A running campaign, seeded straight into the fake (seeds skip the onboarding check)."""
    return campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running").id


@pytest.mark.parametrize("n", [1, 25, 26, 60])
def test_contacts_go_out_in_batches_of_25(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str, n: int
) -> None:
    contacts = make_contacts(n)

    result = dialer.push(campaign_id, contacts, run_key="monday")

    assert result.ok
    assert result.batches == math.ceil(n / 25)
    batches = campaigns_fake.calls.filter("PutDialRequestBatch", id=campaign_id)
    assert len(batches) == math.ceil(n / 25)
    assert [len(c.params["dialRequests"]) for c in batches] == [
        min(25, n - i) for i in range(0, n, 25)
    ]
    dialed = campaigns_fake.dial_requests(campaign_id)
    assert [d.phone_number for d in dialed] == [c.phone_number for c in contacts]
    assert [d.id for d in dialed] == [a.dial_request_id for a in result.accepted]


def test_dial_requests_carry_attributes_tokens_and_a_five_minute_expiry(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    now = campaigns_fake.clock.freeze(datetime(2024, 6, 3, 9, 30, tzinfo=timezone.utc))
    contact = Contact("+442079000001", {"patient": "p1", "clinic": "soho"}, key="appt-1")

    dialer.push(campaign_id, [contact], run_key="monday")

    (dialed,) = campaigns_fake.dial_requests(campaign_id)
    assert dialed.attributes == {"patient": "p1", "clinic": "soho"}
    assert dialed.client_token == client_token("monday", contact)
    assert dialed.expiration_time == now + timedelta(minutes=5)


def test_a_repeated_run_dials_nobody_twice(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    contacts = make_contacts(40)

    first = dialer.push(campaign_id, contacts, run_key="monday")
    again = dialer.push(campaign_id, contacts, run_key="monday")
    tuesday = dialer.push(campaign_id, contacts[:5], run_key="tuesday")

    assert [a.dial_request_id for a in again.accepted] == [
        a.dial_request_id for a in first.accepted
    ]
    assert len(tuesday.accepted) == 5
    assert len(campaigns_fake.dial_requests(campaign_id)) == 45
    assert campaigns_fake.calls.count_of("PutDialRequestBatch") == 2 + 2 + 1


def test_a_rerun_after_a_restart_is_still_idempotent(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str, tmp_path: Path
) -> None:
    contacts = make_contacts(10)
    first = dialer.push(campaign_id, contacts, run_key="monday")
    saved = tmp_path / "service.json"
    saved.write_text(json.dumps(campaigns_fake.snapshot()))

    campaigns_fake.reset()  # the service forgets everything ...
    campaigns_fake.load(saved)  # ... and comes back from the saved state
    again = dialer.push(campaign_id, contacts, run_key="monday")

    assert [a.dial_request_id for a in again.accepted] == [
        a.dial_request_id for a in first.accepted
    ]
    assert len(campaigns_fake.dial_requests(campaign_id)) == 10


def test_duplicate_contacts_are_sent_once(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    twice = [Contact("+442079000001"), Contact("+442079000001"), Contact("+442079000002")]

    result = dialer.push(campaign_id, twice, run_key="monday")

    assert len(result.accepted) == 2
    sent = campaigns_fake.calls.assert_called_once("PutDialRequestBatch").params["dialRequests"]
    assert len(sent) == 2


def test_throttled_items_are_sent_again_with_backoff(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str, fake_time: FakeTime
) -> None:
    contacts = make_contacts(30)
    busy = contacts[27].phone_number
    campaigns_fake.fail_dial_requests("RequestThrottled", phone_number=busy, times=2)

    result = dialer.push(campaign_id, contacts, run_key="monday")

    assert result.ok
    assert result.throttled_rounds == 2
    assert fake_time.sleeps == [1.0, 2.0]
    sizes = [len(c.params["dialRequests"]) for c in campaigns_fake.calls]
    assert sizes == [25, 5, 1, 1]  # two batches, then the busy number alone, twice
    phones = [d.phone_number for d in campaigns_fake.dial_requests(campaign_id)]
    assert sorted(phones) == sorted(c.phone_number for c in contacts)
    assert phones[-1] == busy


def test_items_throttled_on_every_attempt_are_rejected(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str, fake_time: FakeTime
) -> None:
    contacts = make_contacts(3)
    campaigns_fake.fail_dial_requests("RequestThrottled", phone_number=contacts[1].phone_number)

    result = dialer.push(campaign_id, contacts, run_key="monday")

    assert [(r.contact, r.failure_code) for r in result.rejected] == [
        (contacts[1], "RequestThrottled")
    ]
    assert campaigns_fake.calls.count_of("PutDialRequestBatch") == dialer.max_item_attempts == 4
    assert fake_time.sleeps == [1.0, 2.0, 4.0]


@pytest.mark.parametrize("code", ["InvalidInput", "UnknownError"])
def test_invalid_and_unknown_items_are_rejected_without_retry(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str, code: str
) -> None:
    contacts = make_contacts(4)
    token = client_token("monday", contacts[2])
    campaigns_fake.fail_dial_requests(code, client_token=token)

    result = dialer.push(campaign_id, contacts, run_key="monday")

    assert [(r.client_token, r.failure_code) for r in result.rejected] == [(token, code)]
    assert len(result.accepted) == 3
    campaigns_fake.calls.assert_called_once("PutDialRequestBatch")


def test_a_skewed_clock_gets_every_item_rejected(
    campaigns_client: object, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    # The app's clock is 20 minutes behind the service: its 5-minute expiry is already past.
    def late() -> datetime:
        return campaigns_fake.clock.now() - timedelta(minutes=20)

    dialer = ReminderDialer(campaigns_client, now=late)

    result = dialer.push(campaign_id, make_contacts(3), run_key="monday")

    assert {r.failure_code for r in result.rejected} == {"InvalidInput"}
    assert result.accepted == []
    assert campaigns_fake.dial_requests(campaign_id) == []


def test_a_paused_campaign_takes_no_dial_requests(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    campaigns_fake.set_campaign_state(campaign_id, "Paused")

    with pytest.raises(CampaignNotRunning) as raised:
        dialer.push(campaign_id, make_contacts(3), run_key="monday")

    assert raised.value.state == "Paused"
    assert campaigns_fake.calls.last.error_code == "InvalidCampaignStateException"


def test_a_push_cut_short_resumes_where_it_stopped(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    contacts = make_contacts(60)
    second_batch = contacts[25].phone_number
    # The campaign is paused (say, by an operator) just before the second batch arrives.
    campaigns_fake.inject_error(
        "PutDialRequestBatch",
        "InvalidCampaignStateException",
        members={"state": "Paused"},
        match=lambda params: params["dialRequests"][0]["phoneNumber"] == second_batch,
    )

    with pytest.raises(CampaignNotRunning):
        dialer.push(campaign_id, contacts, run_key="monday")
    assert len(campaigns_fake.dial_requests(campaign_id)) == 25

    result = dialer.push(campaign_id, contacts, run_key="monday")  # the same run, again

    assert len(result.accepted) == 60
    assert len(campaigns_fake.dial_requests(campaign_id)) == 60  # the first 25 not twice


def test_botocore_absorbs_throttling(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    campaigns_fake.throttle("PutDialRequestBatch", times=2)

    result = dialer.push(campaign_id, make_contacts(3), run_key="monday")

    assert result.ok
    assert result.batches == 1  # the app saw one call ...
    attempts = campaigns_fake.calls.filter("PutDialRequestBatch")
    assert [(c.attempt, c.status_code) for c in attempts] == [(1, 429), (2, 429), (3, 200)]
    assert len(campaigns_fake.retry_delays) == 2  # ... botocore's backoff, recorded, not slept
    assert len(campaigns_fake.dial_requests(campaign_id)) == 3


def test_throttling_beyond_the_retry_budget_reaches_the_caller(
    dummy_session: boto3.session.Session, campaigns_fake: CampaignsFake, campaign_id: str
) -> None:
    client = make_client(max_attempts=3, session=dummy_session)  # the app's production client
    dialer = ReminderDialer(client, now=campaigns_fake.clock.now)
    campaigns_fake.throttle("PutDialRequestBatch", times=3)

    with pytest.raises(ClientError) as raised:
        dialer.push(campaign_id, make_contacts(1), run_key="monday")

    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert campaigns_fake.calls.count_of("PutDialRequestBatch") == 3
