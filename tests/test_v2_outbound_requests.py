"""connectcampaignsv2 PutOutboundRequestBatch and PutProfileOutboundRequestBatch; v2 faults and
the journal of both versions.

Through real boto3 clients; the contract is shared/reference/service-behavior-v2.md
("PutOutboundRequestBatch", "PutProfileOutboundRequestBatch", "Quotas and throttling").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from support import (
    ACCESS_KEY,
    INSTANCE,
    REGION,
    SECRET_KEY,
    UUID_RE,
    Client,
    new_client,
    raises,
)
from support_v2 import (
    DOMAIN_ARN,
    EMAIL,
    OTHER_DOMAIN_ARN,
    PROFILE_ID,
    SEGMENT_ARN,
    SERVICE_V2,
    SMS,
    TELEPHONY,
    create_v2,
    later,
    needs_member,
    outbound_request,
    profile_request,
    running_v2,
)

from pytest_campaigns_fake import CampaignsFake

FROZEN_AT = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
OTHER_PROFILE = "fedcba9876543210fedcba9876543210"
EVENT_TRIGGER: dict[str, Any] = {"eventTrigger": {"customerProfilesDomainArn": DOMAIN_ARN}}
WEEK = 7 * 86400
MODEL = botocore.session.get_session().get_service_model(SERVICE_V2)


@pytest.fixture(scope="module")
def v2() -> Client:
    return boto3.session.Session().client(
        SERVICE_V2,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1}),  # an injected fault stays visible
    )


@pytest.fixture
def fake(v2_fake: CampaignsFake) -> CampaignsFake:
    """The v2 fake, its clock frozen at a whole second."""
    v2_fake.clock.freeze(FROZEN_AT)
    return v2_fake


@pytest.fixture
def lenient() -> Iterator[CampaignsFake]:
    """A fake that tolerates faults left unfired, INSTANCE onboarded."""
    with CampaignsFake(strict=False) as fake:
        fake.add_instance(INSTANCE)
        fake.clock.freeze(FROZEN_AT)
        yield fake


MESSAGES: dict[str, dict[str, Any]] = {
    "sms": {"destinationPhoneNumber": "+15550111", "templateParameters": {}},
    "email": {"destinationEmailAddress": "a@example.com", "templateParameters": {}},
}


def message_request(subtype: str, token: str, expires: datetime) -> dict[str, Any]:
    """One PutOutboundRequestBatch item on the ``sms`` or ``email`` subtype."""
    parameters = {subtype: MESSAGES[subtype]}
    return {"clientToken": token, "expirationTime": expires, "channelSubtypeParameters": parameters}


def put(client: Client, campaign_id: str, *items: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = client.put_outbound_request_batch(
        id=campaign_id, outboundRequests=list(items)
    )
    # every item in exactly one of the two lists
    assert len(answer["successfulRequests"]) + len(answer["failedRequests"]) == len(items)
    return answer


def put_profiles(client: Client, campaign_id: str, *items: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = client.put_profile_outbound_request_batch(
        id=campaign_id, profileOutboundRequests=list(items)
    )
    assert len(answer["successfulRequests"]) + len(answer["failedRequests"]) == len(items)
    return answer


def outcome(answer: dict[str, Any]) -> tuple[list[str], list[tuple[str, str]]]:
    """The tokens that succeeded, and (token, failureCode) of those that failed, in order."""
    return (
        [r["clientToken"] for r in answer["successfulRequests"]],
        [(r["clientToken"], r["failureCode"]) for r in answer["failedRequests"]],
    )


def event_campaign(client: Client, fake: CampaignsFake) -> str:
    return running_v2(client, fake, source=EVENT_TRIGGER)


def not_running(client: Client, fake: CampaignsFake, state: str, **members: Any) -> str:
    """A campaign brought to ``state`` through the API."""
    if state == "Completed":
        members["schedule"] = {"startTime": later(fake, hours=-1), "endTime": later(fake, hours=1)}
    campaign_id: str = create_v2(client, **members)["id"]
    if state == "Initialized":
        return campaign_id
    client.start_campaign(id=campaign_id)
    if state == "Paused":
        client.pause_campaign(id=campaign_id)
    elif state == "Stopped":
        client.stop_campaign(id=campaign_id)
    elif state == "Completed":
        fake.clock.advance(2 * 3600)  # past schedule.endTime: completed when next acted on
    return campaign_id


# -- PutOutboundRequestBatch -----------------------------------------------------------------


def test_outbound_batch_is_accepted_in_order(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = running_v2(v2, fake)
    expires = later(fake, hours=1)
    answer = put(
        v2,
        campaign_id,
        outbound_request("t1", expires, "+15550101", attributes={"customer": "1"}),
        outbound_request("t2", expires, "+15550102"),
        outbound_request("t3", expires, "+15550103"),
    )
    assert answer["failedRequests"] == []
    succeeded = answer["successfulRequests"]
    assert [r["clientToken"] for r in succeeded] == ["t1", "t2", "t3"]
    ids = [r["id"] for r in succeeded]
    assert all(UUID_RE.fullmatch(i) for i in ids)
    assert len(set(ids)) == 3
    accepted = fake.v2.outbound_requests(campaign_id)
    assert [(r.id, r.client_token, r.expiration_time) for r in accepted] == [
        (ids[0], "t1", expires),
        (ids[1], "t2", expires),
        (ids[2], "t3", expires),
    ]
    telephony = accepted[0].channel_subtype_parameters["telephony"]
    assert telephony["destinationPhoneNumber"] == "+15550101"
    assert telephony["attributes"] == {"customer": "1"}


def test_outbound_batch_every_item_in_exactly_one_list(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = running_v2(v2, fake)
    ok, gone = later(fake, hours=1), later(fake, hours=-1)
    answer = put(
        v2,
        campaign_id,
        outbound_request("a", ok),
        outbound_request("b", gone),
        message_request("sms", "c", ok),
        outbound_request("d", ok),
        outbound_request("e", gone),
    )
    assert outcome(answer) == (
        ["a", "d"],
        [("b", "InvalidInput"), ("c", "InvalidInput"), ("e", "InvalidInput")],
    )
    assert [r.client_token for r in fake.v2.outbound_requests(campaign_id)] == ["a", "d"]


@pytest.mark.parametrize("state", ["Initialized", "Paused", "Stopped", "Completed"])
def test_outbound_batch_needs_running_campaign(fake: CampaignsFake, v2: Client, state: str) -> None:
    campaign_id = not_running(v2, fake, state)
    with raises(v2, "InvalidCampaignStateException", 409) as info:
        put(v2, campaign_id, outbound_request("t", later(fake, hours=3)))
    assert info.value.response["state"] == state
    assert fake.v2.outbound_requests(campaign_id) == []


@pytest.mark.parametrize(
    "source",
    [{"customerProfilesSegmentArn": SEGMENT_ARN}, EVENT_TRIGGER],
    ids=["segment", "event-trigger"],
)
def test_outbound_batch_refused_for_campaign_with_source(
    fake: CampaignsFake, v2: Client, source: dict[str, Any]
) -> None:
    campaign_id = running_v2(v2, fake, source=source)
    with raises(v2, "ConflictException", 409):
        put(v2, campaign_id, outbound_request("t", later(fake, hours=1)))
    assert fake.v2.outbound_requests(campaign_id) == []


def test_outbound_batch_unknown_campaign(fake: CampaignsFake, v2: Client) -> None:
    with raises(v2, "ResourceNotFoundException", 404):
        put(v2, "no-such-campaign", outbound_request("t", later(fake, hours=1)))


def test_outbound_client_token_is_idempotent(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = running_v2(v2, fake)
    first = put(v2, campaign_id, outbound_request("same", later(fake, days=1)))
    first_id = first["successfulRequests"][0]["id"]
    fake.clock.advance(WEEK - 1)
    again = put(
        v2,
        campaign_id,
        outbound_request("same", later(fake, days=1), "+15559999"),
        outbound_request("new", later(fake, days=1)),
        outbound_request("new", later(fake, days=1), "+15558888"),
    )
    assert again["failedRequests"] == []
    tokens_ids = [(r["clientToken"], r["id"]) for r in again["successfulRequests"]]
    assert tokens_ids[0] == ("same", first_id)
    assert tokens_ids[1][0] == tokens_ids[2][0] == "new"
    assert tokens_ids[1][1] == tokens_ids[2][1] != first_id  # repeated inside one batch
    accepted = fake.v2.outbound_requests(campaign_id)
    assert [r.client_token for r in accepted] == ["same", "new"]
    assert accepted[0].channel_subtype_parameters["telephony"]["destinationPhoneNumber"] == (
        "+15550100"
    )


def test_outbound_client_token_valid_for_7_days(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = running_v2(v2, fake)
    first = put(v2, campaign_id, outbound_request("tok", later(fake, hours=1)))
    first_id = first["successfulRequests"][0]["id"]
    fake.clock.advance(WEEK + 1)
    answer = put(v2, campaign_id, outbound_request("tok", later(fake, hours=1)))
    assert outcome(answer) == (["tok"], [])
    second_id = answer["successfulRequests"][0]["id"]
    assert second_id != first_id
    assert [r.id for r in fake.v2.outbound_requests(campaign_id)] == [first_id, second_id]


def test_outbound_client_token_is_per_campaign(fake: CampaignsFake, v2: Client) -> None:
    one, two = running_v2(v2, fake, name="one"), running_v2(v2, fake, name="two")
    a = put(v2, one, outbound_request("tok", later(fake, hours=1)))
    b = put(v2, two, outbound_request("tok", later(fake, hours=1)))
    assert a["successfulRequests"][0]["id"] != b["successfulRequests"][0]["id"]


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(days=-1), False),
        (timedelta(seconds=-1), False),
        (timedelta(0), False),
        (timedelta(seconds=1), True),
        (timedelta(days=365), True),  # no upper bound by default
    ],
    ids=["a-day-ago", "a-second-ago", "now", "in-a-second", "in-a-year"],
)
def test_outbound_expiration_must_be_after_now(
    fake: CampaignsFake, v2: Client, offset: timedelta, accepted: bool
) -> None:
    campaign_id = running_v2(v2, fake)
    answer = put(v2, campaign_id, outbound_request("t", FROZEN_AT + offset))
    assert outcome(answer) == ((["t"], []) if accepted else ([], [("t", "InvalidInput")]))
    assert len(fake.v2.outbound_requests(campaign_id)) == int(accepted)


def test_outbound_item_on_unconfigured_subtype_fails_alone(fake: CampaignsFake, v2: Client) -> None:
    telephony_only = running_v2(v2, fake)
    expires = later(fake, hours=1)
    answer = put(
        v2,
        telephony_only,
        message_request("sms", "sms", expires),
        outbound_request("call", expires),
        message_request("email", "mail", expires),
    )
    assert outcome(answer) == (["call"], [("sms", "InvalidInput"), ("mail", "InvalidInput")])
    messaging = running_v2(v2, fake, channels={"sms": SMS, "email": EMAIL})
    answer = put(
        v2,
        messaging,
        outbound_request("call", expires),
        message_request("sms", "sms", expires),
        message_request("email", "mail", expires),
    )
    assert outcome(answer) == (["sms", "mail"], [("call", "InvalidInput")])
    assert [r.client_token for r in fake.v2.outbound_requests(messaging)] == ["sms", "mail"]


_ITEM = "outboundRequests.2.member"
_TELEPHONY = f"{_ITEM}.channelSubtypeParameters.telephony"
SPOILERS: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "phone-letters": (
        lambda i: i["channelSubtypeParameters"]["telephony"].update(
            destinationPhoneNumber="+1555ABC"
        ),
        f"{_TELEPHONY}.destinationPhoneNumber",
    ),
    "token-pattern": (lambda i: i.update(clientToken="has spaces"), f"{_ITEM}.clientToken"),
    "empty-union": (lambda i: i.update(channelSubtypeParameters={}), _ITEM),
    "two-members": (
        lambda i: i["channelSubtypeParameters"].update(
            sms={"destinationPhoneNumber": "+1", "templateParameters": {}}
        ),
        _ITEM,
    ),
    "ring-timeout": (
        lambda i: i["channelSubtypeParameters"]["telephony"].update(ringTimeout=5),
        f"{_TELEPHONY}.ringTimeout",
    ),
    "no-expiration": (lambda i: i.pop("expirationTime"), f"{_ITEM}.expirationTime"),
}


# ringTimeout: botocore cannot even serialize a member its model lacks.
SPOILER_MARKS = {"ring-timeout": needs_member("TelephonyChannelSubtypeParameters", "ringTimeout")}


@pytest.mark.parametrize(
    "spoiler",
    [pytest.param(name, marks=SPOILER_MARKS.get(name, ())) for name in SPOILERS],
)
def test_outbound_item_violation_fails_whole_request(
    fake: CampaignsFake, unvalidated: Client, spoiler: str
) -> None:
    campaign_id = running_v2(unvalidated, fake)
    expires = later(fake, hours=1)
    items = [outbound_request(f"t{i}", expires) for i in range(1, 4)]
    spoil, path = SPOILERS[spoiler]
    spoil(items[1])
    with raises(unvalidated, "ValidationException", 400) as info:
        put(unvalidated, campaign_id, *items)
    message = info.value.response["Error"]["Message"]
    assert path in message
    assert "+1555ABC" not in message  # a sensitive member is reported without its value
    assert fake.v2.outbound_requests(campaign_id) == []


def test_outbound_batch_over_25_items(fake: CampaignsFake, unvalidated: Client) -> None:
    campaign_id = running_v2(unvalidated, fake)
    items = [outbound_request(f"t{i}", later(fake, hours=1)) for i in range(26)]
    with raises(unvalidated, "ValidationException", 400):
        put(unvalidated, campaign_id, *items)
    assert fake.v2.outbound_requests(campaign_id) == []


def test_outbound_item_fault_injection(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = running_v2(v2, fake)
    fake.v2.fail_outbound_requests("UnknownError", client_token="t2")
    expires = later(fake, hours=1)
    answer = put(v2, campaign_id, *(outbound_request(t, expires) for t in ("t1", "t2", "t3")))
    assert outcome(answer) == (["t1", "t3"], [("t2", "UnknownError")])
    assert [r.client_token for r in fake.v2.outbound_requests(campaign_id)] == ["t1", "t3"]


@pytest.mark.parametrize("code", [None, "BufferLimitExceeded", "RequestThrottled"])
def test_outbound_pending_request_cap(fake: CampaignsFake, v2: Client, code: str | None) -> None:
    campaign_id = running_v2(v2, fake)
    fake.v2.settings.pending_request_cap = 2
    if code is not None:
        fake.v2.settings.pending_request_cap_failure_code = code
    soon, later_on = later(fake, minutes=30), later(fake, hours=2)
    answer = put(
        v2,
        campaign_id,
        outbound_request("a", soon),
        outbound_request("b", later_on),
        outbound_request("c", later_on),
    )
    expected = code or "BufferLimitExceeded"  # the default
    assert outcome(answer) == (["a", "b"], [("c", expected)])
    fake.clock.advance(30 * 60)  # "a" expired: its place is free
    answer = put(v2, campaign_id, outbound_request("d", later_on), outbound_request("e", later_on))
    assert outcome(answer) == (["d"], [("e", expected)])
    assert [r.client_token for r in fake.v2.outbound_requests(campaign_id)] == ["a", "b", "d"]


@pytest.mark.parametrize("value", ["InvalidInput", "UnknownError", "Throttled", None, 1])
def test_pending_request_cap_failure_code_is_checked(fake: CampaignsFake, value: object) -> None:
    fake.v2.settings.pending_request_cap_failure_code = "RequestThrottled"
    with pytest.raises(ValueError, match="'BufferLimitExceeded', 'RequestThrottled'"):
        fake.v2.settings.pending_request_cap_failure_code = value  # type: ignore[assignment]
    assert fake.v2.settings.pending_request_cap_failure_code == "RequestThrottled"


# -- PutProfileOutboundRequestBatch ----------------------------------------------------------


def test_profile_batch_is_accepted(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = event_campaign(v2, fake)
    answer = put_profiles(
        v2,
        campaign_id,
        profile_request("a"),
        profile_request("b", OTHER_PROFILE, later(fake, hours=1)),
    )
    assert answer["failedRequests"] == []
    succeeded = answer["successfulRequests"]
    assert [r["clientToken"] for r in succeeded] == ["a", "b"]
    accepted = fake.v2.profile_outbound_requests(campaign_id)
    assert [(r.id, r.client_token, r.profile_id) for r in accepted] == [
        (succeeded[0]["id"], "a", PROFILE_ID),
        (succeeded[1]["id"], "b", OTHER_PROFILE),
    ]
    assert succeeded[0]["id"] != succeeded[1]["id"]


@pytest.mark.parametrize(
    "source",
    [None, {"customerProfilesSegmentArn": SEGMENT_ARN}],
    ids=["no-source", "segment"],
)
def test_profile_batch_needs_event_trigger(
    fake: CampaignsFake, v2: Client, source: dict[str, Any] | None
) -> None:
    members = {} if source is None else {"source": source}
    campaign_id = running_v2(v2, fake, **members)
    with raises(v2, "ConflictException", 409):
        put_profiles(v2, campaign_id, profile_request("a"))
    assert fake.v2.profile_outbound_requests(campaign_id) == []
    fake.v2.settings.profile_requests_need_event_trigger = False
    answer = put_profiles(v2, campaign_id, profile_request("a"))
    assert outcome(answer) == (["a"], [])


@pytest.mark.parametrize("state", ["Initialized", "Paused", "Stopped", "Completed"])
def test_profile_batch_needs_running_campaign(fake: CampaignsFake, v2: Client, state: str) -> None:
    campaign_id = not_running(v2, fake, state, source=EVENT_TRIGGER)
    with raises(v2, "InvalidCampaignStateException", 409) as info:
        put_profiles(v2, campaign_id, profile_request("a"))
    assert info.value.response["state"] == state
    assert fake.v2.profile_outbound_requests(campaign_id) == []


def test_profile_batch_unknown_campaign(fake: CampaignsFake, v2: Client) -> None:
    with raises(v2, "ResourceNotFoundException", 404):
        put_profiles(v2, "no-such-campaign", profile_request("a"))


def test_profile_client_token_idempotency_and_conflict(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = event_campaign(v2, fake)
    first_id = put_profiles(v2, campaign_id, profile_request("a"))["successfulRequests"][0]["id"]
    fake.clock.advance(WEEK - 1)
    answer = put_profiles(
        v2,
        campaign_id,
        profile_request("a"),
        profile_request("a", OTHER_PROFILE),
        profile_request("b", OTHER_PROFILE),
    )
    assert outcome(answer) == (["a", "b"], [("a", "Conflict")])
    assert answer["successfulRequests"][0]["id"] == first_id
    assert [r.client_token for r in fake.v2.profile_outbound_requests(campaign_id)] == ["a", "b"]
    fake.clock.advance(2)  # the first token is 7 days and a second old
    answer = put_profiles(v2, campaign_id, profile_request("a", OTHER_PROFILE))
    assert outcome(answer) == (["a"], [])
    assert answer["successfulRequests"][0]["id"] != first_id


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(timedelta(hours=-1), False), (timedelta(seconds=-1), False), (timedelta(hours=1), True)],
    ids=["an-hour-ago", "a-second-ago", "future"],
)
def test_profile_expiration_in_the_past(
    fake: CampaignsFake, v2: Client, offset: timedelta, accepted: bool
) -> None:
    campaign_id = event_campaign(v2, fake)
    answer = put_profiles(v2, campaign_id, profile_request("t", expires=FROZEN_AT + offset))
    assert outcome(answer) == ((["t"], []) if accepted else ([], [("t", "InvalidInput")]))


def test_profile_requests_have_no_pending_cap(fake: CampaignsFake, v2: Client) -> None:
    # The cap counts unexpired outbound requests; a profile request may never expire.
    fake.v2.settings.pending_request_cap = 1
    fake.v2.settings.pending_request_cap_failure_code = "RequestThrottled"
    fake.v2.settings.max_expiration_seconds = 60
    campaign_id = event_campaign(v2, fake)
    answer = put_profiles(
        v2,
        campaign_id,
        profile_request("a"),
        profile_request("b", OTHER_PROFILE, later(fake, days=30)),
        profile_request("c", OTHER_PROFILE),
    )
    assert outcome(answer) == (["a", "b", "c"], [])


WEB_EVENT = "Campaign-WebNotification"


def needs_web_notifications(test: Callable[..., None]) -> Callable[..., None]:
    """Skip where the installed model cannot mark a profile request as a web notification
    (older models have no eventTriggerContext) or map its object type."""
    marks = [
        needs_member("ProfileOutboundRequest", "eventTriggerContext"),
        needs_member("ChannelContext", "webNotificationContext"),
        pytest.mark.skipif(
            WEB_EVENT not in MODEL.shape_for("EventType").enum,
            reason=f"the installed model's EventType has no {WEB_EVENT}",
        ),
    ]
    for mark in marks:
        test = mark(test)
    return test


def web_request(token: str, profile_id: str = PROFILE_ID) -> dict[str, Any]:
    """A profile outbound request for a web notification."""
    item = profile_request(token, profile_id)
    item["eventTriggerContext"] = {
        "channelContext": {"webNotificationContext": {"sessionId": "s-1", "browserId": "b-1"}}
    }
    return item


def profiles_integration(client: Client, domain: str, *events: str) -> None:
    client.put_connect_instance_integration(
        connectInstanceId=INSTANCE,
        integrationConfig={
            "customerProfiles": {
                "domainArn": domain,
                "objectTypeNames": {event: f"{event}-object" for event in events},
            }
        },
    )


@needs_web_notifications
def test_web_notifications_unchecked_by_default(fake: CampaignsFake, v2: Client) -> None:
    assert fake.v2.settings.web_notification_needs_object_type is False
    campaign_id = event_campaign(v2, fake)
    answer = put_profiles(v2, campaign_id, web_request("a"))
    assert outcome(answer) == (["a"], [])
    (accepted,) = fake.v2.profile_outbound_requests(campaign_id)
    assert accepted.event_trigger_context == web_request("a")["eventTriggerContext"]


@needs_web_notifications
def test_web_notification_needs_the_object_type(fake: CampaignsFake, v2: Client) -> None:
    fake.v2.settings.web_notification_needs_object_type = True
    campaign_id = event_campaign(v2, fake)

    def attempt(token: str) -> tuple[list[str], list[tuple[str, str]]]:
        plain = profile_request(f"{token}-plain", OTHER_PROFILE)
        sourced = profile_request(f"{token}-event", OTHER_PROFILE)
        sourced["eventTriggerContext"] = {"sourceEvent": "{}"}
        return outcome(put_profiles(v2, campaign_id, web_request(token), plain, sourced))

    # Without an integration, with one lacking the key: the web notification fails alone.
    assert attempt("a") == (["a-plain", "a-event"], [("a", "InvalidInput")])
    profiles_integration(v2, DOMAIN_ARN, "Campaign-SMS")
    assert attempt("b") == (["b-plain", "b-event"], [("b", "InvalidInput")])
    profiles_integration(v2, DOMAIN_ARN, "Campaign-SMS", WEB_EVENT)
    assert attempt("c") == (["c", "c-plain", "c-event"], [])
    # Read at every request: the key removed, the check fails again.
    profiles_integration(v2, DOMAIN_ARN, "Campaign-SMS")
    assert attempt("d") == (["d-plain", "d-event"], [("d", "InvalidInput")])
    assert [r.client_token for r in fake.v2.profile_outbound_requests(campaign_id)] == [
        "a-plain",
        "a-event",
        "b-plain",
        "b-event",
        "c",
        "c-plain",
        "c-event",
        "d-plain",
        "d-event",
    ]
    fake.v2.settings.web_notification_needs_object_type = False
    assert attempt("e") == (["e", "e-plain", "e-event"], [])


@needs_web_notifications
def test_web_notification_object_type_of_another_domain(fake: CampaignsFake, v2: Client) -> None:
    fake.v2.settings.web_notification_needs_object_type = True
    profiles_integration(v2, OTHER_DOMAIN_ARN, WEB_EVENT)
    campaign_id = event_campaign(v2, fake)  # triggered by DOMAIN_ARN
    assert outcome(put_profiles(v2, campaign_id, web_request("a"))) == ([], [("a", "InvalidInput")])
    # A campaign without an event trigger has no domain to map it in.
    fake.v2.settings.profile_requests_need_event_trigger = False
    untriggered = running_v2(v2, fake)
    assert outcome(put_profiles(v2, untriggered, web_request("b"))) == ([], [("b", "InvalidInput")])


@pytest.mark.parametrize("value", [1, "yes", None])
def test_web_notification_setting_is_checked(fake: CampaignsFake, value: object) -> None:
    with pytest.raises(ValueError, match="web_notification_needs_object_type must be True or"):
        fake.v2.settings.web_notification_needs_object_type = value  # type: ignore[assignment]
    assert fake.v2.settings.web_notification_needs_object_type is False


def test_profile_marked_missing(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = event_campaign(v2, fake)
    fake.v2.mark_profile_missing(PROFILE_ID)
    answer = put_profiles(
        v2, campaign_id, profile_request("a"), profile_request("b", OTHER_PROFILE)
    )
    assert outcome(answer) == (["b"], [("a", "ResourceNotFound")])
    assert [r.profile_id for r in fake.v2.profile_outbound_requests(campaign_id)] == [OTHER_PROFILE]


def test_profile_item_fault_injection(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = event_campaign(v2, fake)
    fake.v2.fail_profile_outbound_requests("UnknownError", profile_id=OTHER_PROFILE)
    answer = put_profiles(
        v2, campaign_id, profile_request("a"), profile_request("b", OTHER_PROFILE)
    )
    assert outcome(answer) == (["a"], [("b", "UnknownError")])


def test_profile_id_pattern_fails_whole_request(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = event_campaign(v2, fake)
    with raises(v2, "ValidationException", 400):  # botocore checks no pattern: the fake does
        put_profiles(v2, campaign_id, profile_request("a"), profile_request("b", "NOT-HEX"))
    assert fake.v2.profile_outbound_requests(campaign_id) == []


# -- faults by v2 operation name, and the journal --------------------------------------------


def test_inject_error_on_v2_operation(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = running_v2(v2, fake)
    fake.v2.inject_error("PutOutboundRequestBatch", "ThrottlingException")
    with raises(v2, "ThrottlingException", 429):
        put(v2, campaign_id, outbound_request("a", later(fake, hours=1)))
    assert fake.v2.outbound_requests(campaign_id) == []
    assert outcome(put(v2, campaign_id, outbound_request("a", later(fake, hours=1)))) == (["a"], [])


def test_inject_error_refuses_unmodelled_code(lenient: CampaignsFake) -> None:
    with pytest.raises(ValueError, match="ListCampaigns"):
        lenient.v2.inject_error("ListCampaigns", "InvalidCampaignStateException")
    assert lenient.unused_faults == []


def test_inject_error_refuses_v1_only_operation(lenient: CampaignsFake) -> None:
    with pytest.raises(ValueError, match="PutDialRequestBatch"):
        lenient.v2.inject_error("PutDialRequestBatch", "ThrottlingException")
    assert lenient.unused_faults == []


# The operations of the installed model that list ThrottlingException, and some that do not.
THROTTLING = sorted(
    name
    for name in MODEL.operation_names
    if "ThrottlingException" in {e.name for e in MODEL.operation_model(name).error_shapes}
)
UNTHROTTLED = ("ListCampaigns", "DescribeCampaign", "UpdateCampaignName")


@pytest.mark.parametrize("operation", UNTHROTTLED)
@pytest.mark.parametrize(
    "inject",
    [
        lambda fake, op: fake.v2.throttle(op),
        lambda fake, op: fake.v2.throttle(op, rate=1),
        lambda fake, op: fake.v2.inject_error(op, "ThrottlingException"),
    ],
    ids=["throttle", "rate-limit", "inject-error"],
)
def test_throttling_refused_where_the_model_lists_none(
    lenient: CampaignsFake, operation: str, inject: Callable[[CampaignsFake, str], object]
) -> None:
    assert operation not in THROTTLING
    with pytest.raises(ValueError, match=f"not an error of {operation}") as refused:
        inject(lenient, operation)
    # The message names every operation that does model it, and no other.
    named = str(refused.value).rpartition(": ")[2].split(", ")
    assert named == THROTTLING
    assert lenient.unused_faults == []
    assert lenient.v2._faults.limits == []


def test_throttling_without_operation_fires_only_where_modelled(
    fake: CampaignsFake, v2: Client
) -> None:
    campaign_id = running_v2(v2, fake)
    rule = fake.v2.throttle(times=1)
    v2.list_campaigns()
    v2.describe_campaign(id=campaign_id)
    v2.update_campaign_name(id=campaign_id, name="renamed")
    assert rule.fired == 0
    with raises(v2, "ThrottlingException", 429):
        v2.get_campaign_state(id=campaign_id)
    assert rule.fired == 1
    injected = fake.v2.inject_error(None, "ThrottlingException")
    v2.describe_campaign(id=campaign_id)
    with raises(v2, "ThrottlingException", 429):
        v2.pause_campaign(id=campaign_id)
    assert injected.fired == 1
    assert [c.operation for c in fake.v2.calls if c.injected] == [
        "GetCampaignState",
        "PauseCampaign",
    ]


def test_rate_limit_without_operation_spares_unthrottled_operations(
    fake: CampaignsFake, v2: Client
) -> None:
    campaign_id = running_v2(v2, fake)
    limit = fake.v2.throttle(rate=1, burst=1)
    for _ in range(3):  # the frozen clock refills nothing
        v2.describe_campaign(id=campaign_id)
        v2.list_campaigns()
    assert limit.fired == 0
    v2.get_campaign_state(id=campaign_id)  # the one token
    with raises(v2, "ThrottlingException", 429):
        v2.get_campaign_state(id=campaign_id)
    assert limit.fired == 1


def test_v1_throttles_any_operation(lenient: CampaignsFake) -> None:
    # v1 keeps ThrottlingException a common AWS error, answered by every operation.
    lenient.throttle("ListCampaigns")
    lenient.throttle("DescribeCampaign", rate=1)
    new_client().list_campaigns()  # botocore retries the 429
    assert [(c.operation, c.status_code) for c in lenient.calls] == [
        ("ListCampaigns", 429),
        ("ListCampaigns", 200),
    ]


def test_v2_fault_does_not_fire_on_v1(lenient: CampaignsFake, v2: Client) -> None:
    lenient.v2.inject_error("ListCampaigns", "InternalServerException")
    new_client().list_campaigns()  # the v1 operation of the same name is untouched
    with raises(v2, "InternalServerException", 500):
        v2.list_campaigns()


def test_journal_holds_both_versions(fake: CampaignsFake, v2: Client) -> None:
    v1 = new_client()
    v1.list_campaigns()
    campaign_id = create_v2(v2, channels={"telephony": TELEPHONY})["id"]
    v1.get_connect_instance_config(connectInstanceId=INSTANCE)
    v2.describe_campaign(id=campaign_id)
    assert [(c.service, c.operation) for c in fake.calls] == [
        ("connectcampaigns", "ListCampaigns"),
        ("connectcampaignsv2", "CreateCampaign"),
        ("connectcampaigns", "GetConnectInstanceConfig"),
        ("connectcampaignsv2", "DescribeCampaign"),
    ]
    assert [(c.service, c.operation) for c in fake.v2.calls] == [
        ("connectcampaignsv2", "CreateCampaign"),
        ("connectcampaignsv2", "DescribeCampaign"),
    ]
