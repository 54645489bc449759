"""PutDialRequestBatch: the expiration window, client tokens, running campaigns.

Through real boto3 clients; the contract is shared/reference/service-behavior.md.
Every test runs twice (the ``client`` and ``make_client`` fixtures of conftest.py):
with a default client, and with one built with ``parameter_validation=False`` (which
sends what it is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from support import (
    STATES,
    UUID_RE,
    dial,
    raises,
    seed,
)

from pytest_campaigns_fake import CampaignsFake

FROZEN_AT = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


# -- PutDialRequestBatch ---------------------------------------------------------------------


@pytest.fixture
def frozen(campaigns_fake: CampaignsFake) -> datetime:
    """The service's clock, frozen at a whole second."""
    return campaigns_fake.clock.freeze(FROZEN_AT)


def test_put_dial_request_batch_accepts_requests(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    expires = frozen + timedelta(seconds=300)
    answer = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[
            dial("token-a", expires, "+15550101", {"customer": "1"}),
            dial("token-b", expires, "+15550102", {"customer": "2"}),
        ],
    )
    assert answer["failedRequests"] == []
    succeeded = answer["successfulRequests"]
    assert [r["clientToken"] for r in succeeded] == ["token-a", "token-b"]
    assert all(UUID_RE.fullmatch(r["id"]) for r in succeeded)
    assert succeeded[0]["id"] != succeeded[1]["id"]
    accepted = campaigns_fake.dial_requests(campaign_id)
    assert [(r.id, r.client_token, r.phone_number, r.attributes) for r in accepted] == [
        (succeeded[0]["id"], "token-a", "+15550101", {"customer": "1"}),
        (succeeded[1]["id"], "token-b", "+15550102", {"customer": "2"}),
    ]
    assert [r.expiration_time for r in accepted] == [expires, expires]
    assert [r.accepted_at for r in accepted] == [frozen, frozen]


def test_put_dial_request_batch_expiration_window_boundaries(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    offsets = {
        "past": timedelta(seconds=-60),
        "now": timedelta(0),
        "29s": timedelta(seconds=29),
        "just-under-30s": timedelta(seconds=29, microseconds=999999),
        "30s": timedelta(seconds=30),
        "31s": timedelta(seconds=31),
        "899s": timedelta(seconds=899),
        "900s": timedelta(seconds=900),
        "just-over-900s": timedelta(seconds=900, microseconds=1),
        "901s": timedelta(seconds=901),
        "1d": timedelta(days=1),
    }
    answer = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[dial(token, frozen + offset) for token, offset in offsets.items()],
    )
    assert [r["clientToken"] for r in answer["successfulRequests"]] == [
        "30s",
        "31s",
        "899s",
        "900s",
    ]
    failed = answer["failedRequests"]
    assert [r["clientToken"] for r in failed] == [
        "past",
        "now",
        "29s",
        "just-under-30s",
        "just-over-900s",
        "901s",
        "1d",
    ]
    assert {r["failureCode"] for r in failed} == {"InvalidInput"}
    assert [r.client_token for r in campaigns_fake.dial_requests(campaign_id)] == [
        "30s",
        "31s",
        "899s",
        "900s",
    ]


def test_put_dial_request_batch_window_with_clock_frozen_now(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    now = campaigns_fake.clock.freeze()  # frozen wherever real time is, to the microsecond
    campaign_id = seed(campaigns_fake, "Running")
    answer = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[
            dial("under", now + timedelta(seconds=30) - timedelta(microseconds=1)),
            dial("min", now + timedelta(seconds=30)),
            dial("max", now + timedelta(seconds=900)),
            dial("over", now + timedelta(seconds=900, microseconds=1)),
        ],
    )
    assert [r["clientToken"] for r in answer["successfulRequests"]] == ["min", "max"]
    assert [(r["clientToken"], r["failureCode"]) for r in answer["failedRequests"]] == [
        ("under", "InvalidInput"),
        ("over", "InvalidInput"),
    ]
    assert [r.client_token for r in campaigns_fake.dial_requests(campaign_id)] == ["min", "max"]


def test_put_dial_request_batch_window_follows_the_clock(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    expires = frozen + timedelta(seconds=100)
    campaigns_fake.clock.advance(71)  # 29 s left: too soon
    answer = client.put_dial_request_batch(id=campaign_id, dialRequests=[dial("a", expires)])
    assert [(r["clientToken"], r["failureCode"]) for r in answer["failedRequests"]] == [
        ("a", "InvalidInput")
    ]
    campaigns_fake.clock.advance(-1)  # 30 s left: fine
    answer = client.put_dial_request_batch(id=campaign_id, dialRequests=[dial("a", expires)])
    assert [r["clientToken"] for r in answer["successfulRequests"]] == ["a"]
    assert answer["failedRequests"] == []


def test_put_dial_request_batch_client_token_is_idempotent(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    expires = frozen + timedelta(seconds=120)
    first = client.put_dial_request_batch(id=campaign_id, dialRequests=[dial("same", expires)])
    first_id = first["successfulRequests"][0]["id"]
    campaigns_fake.clock.advance(60)
    again = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[dial("same", expires, "+15559999"), dial("other", expires)],
    )
    assert again["failedRequests"] == []
    assert again["successfulRequests"][0] == {"clientToken": "same", "id": first_id}
    assert again["successfulRequests"][1]["id"] != first_id
    accepted = campaigns_fake.dial_requests(campaign_id)
    assert [(r.client_token, r.phone_number) for r in accepted] == [
        ("same", "+15550100"),
        ("other", "+15550100"),
    ]


def test_put_dial_request_batch_client_token_is_per_campaign(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    one = seed(campaigns_fake, "Running", name="one")
    two = seed(campaigns_fake, "Running", name="two")
    expires = frozen + timedelta(seconds=120)
    a = client.put_dial_request_batch(id=one, dialRequests=[dial("tok", expires)])
    b = client.put_dial_request_batch(id=two, dialRequests=[dial("tok", expires)])
    assert a["successfulRequests"][0]["id"] != b["successfulRequests"][0]["id"]
    assert len(campaigns_fake.dial_requests(one)) == 1
    assert len(campaigns_fake.dial_requests(two)) == 1


def test_put_dial_request_batch_client_token_valid_for_7_days(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")

    def put() -> str:
        expires = campaigns_fake.clock.now() + timedelta(seconds=120)
        answer = client.put_dial_request_batch(
            id=campaign_id, dialRequests=[dial("weekly", expires)]
        )
        assert answer["failedRequests"] == []
        request_id: str = answer["successfulRequests"][0]["id"]
        return request_id

    first = put()
    campaigns_fake.clock.advance(7 * 86400 - 1)
    assert put() == first
    assert len(campaigns_fake.dial_requests(campaign_id)) == 1
    campaigns_fake.clock.advance(2)  # 7 days and 1 second after the first
    second = put()
    assert second != first
    accepted = campaigns_fake.dial_requests(campaign_id)
    assert [r.id for r in accepted] == [first, second]
    assert accepted[1].accepted_at == FROZEN_AT + timedelta(seconds=7 * 86400 + 1)
    # the new request starts a new validity period
    campaigns_fake.clock.advance(86400)
    assert put() == second


def test_put_dial_request_batch_reused_token_after_7_days_and_a_second(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    first = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", frozen + timedelta(seconds=60))]
    )["successfulRequests"][0]["id"]
    later = campaigns_fake.clock.advance(7 * 86400 + 1)
    answer = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", later + timedelta(seconds=60))]
    )
    assert answer["failedRequests"] == []
    second = answer["successfulRequests"][0]["id"]
    assert second != first
    assert [r.id for r in campaigns_fake.dial_requests(campaign_id)] == [first, second]


def test_put_dial_request_batch_failed_item_token_is_not_remembered(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    bad = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", frozen + timedelta(seconds=5))]
    )
    assert [r["failureCode"] for r in bad["failedRequests"]] == ["InvalidInput"]
    good = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", frozen + timedelta(seconds=60))]
    )
    assert [r["clientToken"] for r in good["successfulRequests"]] == ["tok"]
    assert [r.id for r in campaigns_fake.dial_requests(campaign_id)] == [
        good["successfulRequests"][0]["id"]
    ]


@pytest.mark.parametrize("state", [s for s in STATES if s != "Running"])
def test_put_dial_request_batch_needs_running_campaign(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime, state: str
) -> None:
    campaign_id = seed(campaigns_fake, state)
    with raises(client, "InvalidCampaignStateException", 409) as info:
        client.put_dial_request_batch(
            id=campaign_id, dialRequests=[dial("t", frozen + timedelta(seconds=60))]
        )
    assert info.value.response["state"] == state
    assert campaigns_fake.dial_requests(campaign_id) == []
