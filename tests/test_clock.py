"""The fake's own clock: real time by default, shifted by advance(), or frozen."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_campaigns_fake import CampaignsFake

INSTANT = datetime(2030, 5, 17, 9, 30, 0, tzinfo=timezone.utc)


def _dial(token: str, expires: datetime | str) -> dict[str, Any]:
    return {
        "clientToken": token,
        "phoneNumber": "+15550100",
        "expirationTime": expires,
        "attributes": {},
    }


def _put(client: Any, campaign_id: str, *requests: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = client.put_dial_request_batch(
        id=campaign_id, dialRequests=list(requests)
    )
    return answer


def _outcome(answer: dict[str, Any]) -> dict[str, str]:
    """clientToken -> "ok" or the failure code."""
    result = {s["clientToken"]: "ok" for s in answer["successfulRequests"]}
    result.update({f["clientToken"]: f["failureCode"] for f in answer["failedRequests"]})
    return result


@pytest.fixture
def running(campaigns_fake: CampaignsFake) -> str:
    return campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running").id


def test_now_is_aware_utc_and_real_by_default(campaigns_fake: CampaignsFake) -> None:
    before = datetime.now(timezone.utc)
    now = campaigns_fake.clock.now()
    after = datetime.now(timezone.utc)
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after
    assert not campaigns_fake.clock.frozen
    assert abs(campaigns_fake.clock.time() - time.time()) < 1


def test_advance_by_seconds_and_timedelta(campaigns_fake: CampaignsFake) -> None:
    clock = campaigns_fake.clock
    clock.freeze(at=INSTANT)
    assert clock.advance(90) == INSTANT + timedelta(seconds=90)
    assert clock.now() == INSTANT + timedelta(seconds=90)
    assert clock.advance(timedelta(hours=2, milliseconds=500)) == INSTANT + timedelta(
        hours=2, seconds=90, milliseconds=500
    )
    assert clock.advance(-0.5) == INSTANT + timedelta(hours=2, seconds=90)


def test_advance_a_running_clock(campaigns_fake: CampaignsFake) -> None:
    clock = campaigns_fake.clock
    clock.advance(timedelta(days=3))
    shift = clock.now() - datetime.now(timezone.utc)
    assert timedelta(days=3) - timedelta(seconds=1) < shift <= timedelta(days=3)
    assert not clock.frozen


def test_freeze_and_unfreeze(campaigns_fake: CampaignsFake) -> None:
    clock = campaigns_fake.clock
    frozen_at = clock.freeze()
    assert clock.frozen
    time.sleep(0.02)
    assert clock.now() == frozen_at
    assert clock.time() == clock.time() == pytest.approx(frozen_at.timestamp(), abs=1e-6)
    resumed = clock.unfreeze()
    assert not clock.frozen
    # The clock runs on from where it stood, not from the real time it missed.
    assert frozen_at <= resumed < frozen_at + timedelta(seconds=0.02)
    time.sleep(0.02)
    assert clock.now() > resumed


def test_freeze_at_a_moment(campaigns_fake: CampaignsFake) -> None:
    clock = campaigns_fake.clock
    assert clock.freeze(at=INSTANT) == INSTANT
    assert clock.now() == INSTANT
    paris = timezone(timedelta(hours=2))
    assert clock.freeze(at=datetime(2031, 1, 1, 2, 0, tzinfo=paris)) == datetime(
        2031, 1, 1, 0, 0, tzinfo=timezone.utc
    )
    assert clock.now().utcoffset() == timedelta(0)
    assert clock.freeze(at=INSTANT.timestamp()) == INSTANT
    clock.unfreeze()
    assert INSTANT <= clock.now() < INSTANT + timedelta(seconds=1)


def test_freeze_at_a_naive_datetime_is_rejected(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        campaigns_fake.clock.freeze(at=datetime(2030, 1, 1))
    assert not campaigns_fake.clock.frozen


def test_unfreeze_when_running_is_harmless(campaigns_fake: CampaignsFake) -> None:
    before = campaigns_fake.clock.now()
    after = campaigns_fake.clock.unfreeze()
    assert timedelta(0) <= after - before < timedelta(seconds=1)


def test_each_fake_has_its_own_clock() -> None:
    one, two = CampaignsFake(), CampaignsFake()
    one.clock.freeze(at=INSTANT)
    assert two.clock.now() != INSTANT
    assert not two.clock.frozen


def test_expiration_window_follows_the_fake_clock(
    campaigns_fake: CampaignsFake, campaigns_client: Any, running: str
) -> None:
    clock = campaigns_fake.clock
    clock.freeze(at=INSTANT)
    # The window is [now + 30 s, now + 900 s], on the fake's clock: 2030 is "now".
    answer = _put(
        campaigns_client,
        running,
        _dial("too-soon", INSTANT + timedelta(seconds=29)),
        _dial("earliest", INSTANT + timedelta(seconds=30)),
        _dial("latest", INSTANT + timedelta(seconds=900)),
        _dial("too-late", INSTANT + timedelta(seconds=901)),
    )
    assert _outcome(answer) == {
        "too-soon": "InvalidInput",
        "earliest": "ok",
        "latest": "ok",
        "too-late": "InvalidInput",
    }


def test_a_valid_expiration_becomes_invalid_as_time_passes(
    campaigns_fake: CampaignsFake, campaigns_client: Any, running: str
) -> None:
    clock = campaigns_fake.clock
    clock.freeze(at=INSTANT)
    expires = INSTANT + timedelta(seconds=300)  # expirationTime is absolute
    assert _outcome(_put(campaigns_client, running, _dial("a", expires))) == {"a": "ok"}
    clock.advance(271)  # 29 s left
    assert _outcome(_put(campaigns_client, running, _dial("b", expires))) == {"b": "InvalidInput"}
    clock.advance(timedelta(minutes=10))  # in the past
    assert _outcome(_put(campaigns_client, running, _dial("c", expires))) == {"c": "InvalidInput"}
    assert [d.client_token for d in campaigns_fake.dial_requests(running)] == ["a"]


def test_a_far_expiration_becomes_valid_as_time_passes(
    campaigns_fake: CampaignsFake, campaigns_client: Any, running: str
) -> None:
    clock = campaigns_fake.clock
    clock.freeze(at=INSTANT)
    expires = INSTANT + timedelta(seconds=2000)
    assert _outcome(_put(campaigns_client, running, _dial("x", expires))) == {"x": "InvalidInput"}
    clock.advance(1500)  # 500 s left
    assert _outcome(_put(campaigns_client, running, _dial("y", expires))) == {"y": "ok"}
    accepted = campaigns_fake.dial_requests(running)
    assert [(d.client_token, d.expiration_time) for d in accepted] == [("y", expires)]


def test_real_time_expirations_fail_on_a_clock_in_the_future(
    campaigns_fake: CampaignsFake, campaigns_client: Any, running: str
) -> None:
    real_now = datetime.now(timezone.utc)
    assert _outcome(
        _put(campaigns_client, running, _dial("now", real_now + timedelta(seconds=300)))
    ) == {"now": "ok"}
    campaigns_fake.clock.advance(timedelta(hours=1))
    assert _outcome(
        _put(campaigns_client, running, _dial("later", real_now + timedelta(seconds=300)))
    ) == {"later": "InvalidInput"}


def test_client_token_validity_follows_the_fake_clock(
    campaigns_fake: CampaignsFake, campaigns_client: Any, running: str
) -> None:
    clock = campaigns_fake.clock
    clock.freeze(at=INSTANT)
    first = _put(campaigns_client, running, _dial("same", INSTANT + timedelta(seconds=60)))
    first_id = first["successfulRequests"][0]["id"]
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    replay = _put(campaigns_client, running, _dial("same", clock.now() + timedelta(seconds=60)))
    assert replay["successfulRequests"] == [{"clientToken": "same", "id": first_id}]
    clock.advance(1)  # the token is now 7 days old: no longer remembered
    fresh = _put(campaigns_client, running, _dial("same", clock.now() + timedelta(seconds=60)))
    assert fresh["failedRequests"] == []
    assert fresh["successfulRequests"][0]["id"] != first_id
    accepted = campaigns_fake.dial_requests(running)
    assert [d.accepted_at for d in accepted] == [INSTANT, INSTANT + timedelta(days=7)]


# -- instants the clock cannot hold are refused at once ------------------------------------

EDGE = datetime(9999, 12, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "move",
    [
        pytest.param(lambda clock: clock.advance(10**400), id="advance-int-beyond-float"),
        pytest.param(lambda clock: clock.advance(-(10**400)), id="advance-negative-int"),
        pytest.param(lambda clock: clock.advance(10**20), id="advance-huge-int"),
        pytest.param(lambda clock: clock.advance(timedelta.max), id="advance-timedelta-max"),
        pytest.param(lambda clock: clock.freeze(at=10**400), id="freeze-int-beyond-float"),
        pytest.param(lambda clock: clock.freeze(at=1e300), id="freeze-huge-float"),
        pytest.param(
            lambda clock: clock.freeze(at=datetime.max.replace(tzinfo=timezone.utc)),
            id="freeze-datetime-max",
        ),
        pytest.param(
            lambda clock: clock.freeze(at=datetime.min.replace(tzinfo=timezone.utc)),
            id="freeze-datetime-min",
        ),
        pytest.param(
            lambda clock: clock.freeze(at=EDGE + timedelta(seconds=1)), id="freeze-past-the-edge"
        ),
        pytest.param(lambda clock: clock.freeze(at=-1), id="freeze-before-the-epoch"),
        pytest.param(
            lambda clock: clock.advance(-INSTANT.timestamp() - 1), id="advance-before-the-epoch"
        ),
    ],
)
def test_an_instant_out_of_range_is_a_value_error_at_once(
    campaigns_fake: CampaignsFake, campaigns_client: Any, running: str, move: Any
) -> None:
    clock = campaigns_fake.clock
    clock.freeze(at=INSTANT)
    with pytest.raises(ValueError, match="the clock is unchanged"):
        move(clock)
    assert clock.now() == INSTANT
    answer = _put(campaigns_client, running, _dial("a", INSTANT + timedelta(seconds=60)))
    assert _outcome(answer) == {"a": "ok"}


def test_the_last_instant_the_clock_holds_serves_every_request(
    campaigns_fake: CampaignsFake, campaigns_client: Any, running: str
) -> None:
    # The edges leave room for the service's arithmetic (a dial request up to 900 s ahead) and
    # for timestamps written and parsed by botocore both ways.
    clock = campaigns_fake.clock
    assert clock.freeze(at=EDGE) == EDGE
    answer = _put(campaigns_client, running, _dial("a", EDGE + timedelta(seconds=900)))
    assert _outcome(answer) == {"a": "ok"}
    assert _outcome(_put(campaigns_client, running, _dial("b", EDGE))) == {"b": "InvalidInput"}
    described = campaigns_client.describe_campaign(id=running)["campaign"]
    assert described["id"] == running
    first = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert clock.freeze(at=0) == first
    answer = _put(campaigns_client, running, _dial("c", first + timedelta(seconds=60)))
    assert _outcome(answer) == {"c": "ok"}
