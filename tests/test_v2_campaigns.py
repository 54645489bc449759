"""connectcampaignsv2 campaigns: create, describe, delete, the state machine, Completed,
GetCampaignState(Batch), ListCampaigns, tags, and the v1/v2 split.

Through real boto3 ``connectcampaignsv2`` clients; the contract is
shared/reference/service-behavior-v2.md. Tests of checks that are the server's job (maximums,
patterns, enums, semantic rules) run twice: with a default client and with one built with
``parameter_validation=False``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ParamValidationError
from support import (
    ACCOUNT,
    INSTANCE,
    REGION,
    UUID_RE,
    Client,
    many_tags,
    new_client,
    raises,
    state_of,
    tags_of,
)
from support import create as create_v1
from support_v2 import (
    EMAIL,
    FLOW_ARN,
    LIMITS,
    SEGMENT_ARN,
    SMS,
    TELEPHONY,
    TIME_ZONE,
    WINDOW,
    create_v2,
    has_member,
    needs_member,
)

from pytest_campaigns_fake import CampaignsFake

STATES = ("Initialized", "Running", "Paused", "Stopped", "Completed", "Failed")
OTHER_INSTANCE = "instance-2"


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    """An active fake with INSTANCE onboarded (shared by v1 and v2)."""
    with CampaignsFake() as active:
        active.add_instance(INSTANCE)
        yield active


def campaign_arn(campaign_id: str) -> str:
    return f"arn:aws:connect-campaigns:{REGION}:{ACCOUNT}:campaign/{campaign_id}"


def stored(client: Client, campaign_id: str) -> dict[str, Any]:
    """DescribeCampaign's campaign, without lastModifiedTime (tested on its own)."""
    campaign: dict[str, Any] = client.describe_campaign(id=campaign_id)["campaign"]
    campaign.pop("lastModifiedTime", None)
    return campaign


def whole_second(fake: CampaignsFake, **delta: float) -> datetime:
    """The fake's clock now (whole seconds: they survive the ISO-8601 round trip) + delta."""
    return fake.clock.now().replace(microsecond=0) + timedelta(**delta)


# -- CreateCampaign / DescribeCampaign ----------------------------------------------------


def test_create_returns_uuid_id_and_arn(fake: CampaignsFake, v2: Client) -> None:
    answer = create_v2(v2)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert UUID_RE.fullmatch(answer["id"])
    assert answer["arn"] == campaign_arn(answer["id"])
    assert "tags" not in answer
    assert stored(v2, answer["id"]) == {  # nothing invented: no type, no defaults
        "id": answer["id"],
        "arn": answer["arn"],
        "name": "campaign",
        "connectInstanceId": INSTANCE,
        "channelSubtypeConfig": {"telephony": TELEPHONY},
        "tags": {},  # DescribeCampaign always includes the tags
    }
    tagged = create_v2(v2, tags={"team": "blue"})
    assert tagged["tags"] == {"team": "blue"}
    assert tagged["id"] != answer["id"]


def test_describe_returns_what_was_stored(fake: CampaignsFake, v2: Client) -> None:
    start = whole_second(fake, days=1)
    members: dict[str, Any] = {
        "source": {"customerProfilesSegmentArn": SEGMENT_ARN},
        "connectCampaignFlowArn": FLOW_ARN,
        "schedule": {"startTime": start, "endTime": start + timedelta(days=7)},
        "communicationTimeConfig": {"localTimeZoneConfig": TIME_ZONE, "telephony": WINDOW},
        "communicationLimitsOverride": {"allChannelSubtypes": LIMITS},
        "tags": {"team": "blue"},
    }
    if has_member("CreateCampaignRequest", "entryLimitsConfig"):
        members["entryLimitsConfig"] = {"maxEntryCount": 2, "minEntryInterval": "PT1H"}
    channels = {"telephony": TELEPHONY, "sms": SMS, "email": EMAIL}
    answer = create_v2(v2, name="full", channels=channels, **members)
    assert stored(v2, answer["id"]) == {
        "id": answer["id"],
        "arn": answer["arn"],
        "name": "full",
        "connectInstanceId": INSTANCE,
        "channelSubtypeConfig": channels,
        **members,
    }


@needs_member("Campaign", "lastModifiedTime")
def test_describe_has_last_modified_time(fake: CampaignsFake, v2: Client) -> None:
    before = fake.clock.now() - timedelta(seconds=1)
    campaign_id = create_v2(v2)["id"]
    modified = v2.describe_campaign(id=campaign_id)["campaign"]["lastModifiedTime"]
    assert before <= modified <= fake.clock.now() + timedelta(seconds=1)


@pytest.mark.parametrize(
    "kind", [pytest.param("MANAGED", marks=needs_member("CreateCampaignRequest", "type")), None]
)
@pytest.mark.parametrize("channels", [None, {}], ids=["absent", "empty"])
def test_create_without_channel_subtype(
    fake: CampaignsFake,
    v2: Client,
    either: Client,
    kind: str | None,
    channels: dict[str, Any] | None,
) -> None:
    request: dict[str, Any] = {"name": "c", "connectInstanceId": INSTANCE}
    if kind is not None:
        request["type"] = kind
    if channels is not None:
        request["channelSubtypeConfig"] = channels
    create_shape = v2.meta.service_model.shape_for("CreateCampaignRequest")
    if (
        channels is None
        and either is v2
        and "channelSubtypeConfig" in create_shape.required_members
    ):
        # an older model requires it (botocore 1.38): botocore refuses before sending
        with pytest.raises(ParamValidationError, match="channelSubtypeConfig"):
            either.create_campaign(**request)
    else:
        with raises(either, "ValidationException", 400):
            either.create_campaign(**request)
    assert either.list_campaigns()["campaignSummaryList"] == []


@needs_member("CreateCampaignRequest", "type")
def test_journey_needs_no_channel_subtype(fake: CampaignsFake, v2: Client) -> None:
    answer = v2.create_campaign(name="j", connectInstanceId=INSTANCE, type="JOURNEY")
    campaign = stored(v2, answer["id"])
    assert campaign["type"] == "JOURNEY"
    assert not campaign.get("channelSubtypeConfig")
    (summary,) = v2.list_campaigns()["campaignSummaryList"]
    assert summary["channelSubtypes"] == []
    assert summary["type"] == "JOURNEY"
    v2.start_campaign(id=answer["id"])  # only MANAGED (or untyped) campaigns need one
    assert state_of(v2, answer["id"]) == "Running"


def test_telephony_needs_a_queue_or_a_source_number(fake: CampaignsFake, either: Client) -> None:
    neither = {key: value for key, value in TELEPHONY.items() if key != "connectQueueId"}
    with raises(either, "ValidationException", 400):
        create_v2(either, channels={"telephony": neither})
    assert either.list_campaigns()["campaignSummaryList"] == []
    number_only = {
        **neither,
        "defaultOutboundConfig": {"connectContactFlowId": "f", "connectSourcePhoneNumber": "+1555"},
    }
    create_v2(either, channels={"telephony": number_only})
    create_v2(either, channels={"telephony": TELEPHONY})  # a queue only
    assert len(either.list_campaigns()["campaignSummaryList"]) == 2


@pytest.mark.parametrize("length", [0, -3600], ids=["equal", "before"])
def test_create_schedule_must_end_after_start(
    fake: CampaignsFake, either: Client, length: int
) -> None:
    start = whole_second(fake, days=1)
    schedule = {"startTime": start, "endTime": start + timedelta(seconds=length)}
    with raises(either, "ValidationException", 400):
        create_v2(either, schedule=schedule)
    assert either.list_campaigns()["campaignSummaryList"] == []


def test_create_on_instance_not_onboarded(fake: CampaignsFake, v2: Client) -> None:
    with raises(v2, "ResourceNotFoundException", 404):
        create_v2(v2, instance="instance-never-onboarded")
    assert v2.list_campaigns()["campaignSummaryList"] == []


def test_total_campaign_quota_is_per_instance(fake: CampaignsFake, v2: Client) -> None:
    fake.add_instance(OTHER_INSTANCE)
    fake.v2.quotas.campaigns_per_instance = 1
    first = create_v2(v2)["id"]
    with raises(v2, "ServiceQuotaExceededException", 402):
        create_v2(v2)
    create_v2(v2, instance=OTHER_INSTANCE)
    v2.delete_campaign(id=first)
    create_v2(v2)
    assert len(v2.list_campaigns()["campaignSummaryList"]) == 2


# -- DeleteCampaign and unknown campaigns -------------------------------------------------

ON_ONE_CAMPAIGN: dict[str, Callable[[Client, str], Any]] = {
    "DescribeCampaign": lambda c, i: c.describe_campaign(id=i),
    "DeleteCampaign": lambda c, i: c.delete_campaign(id=i),
    "GetCampaignState": lambda c, i: c.get_campaign_state(id=i),
    "StartCampaign": lambda c, i: c.start_campaign(id=i),
    "PauseCampaign": lambda c, i: c.pause_campaign(id=i),
    "ResumeCampaign": lambda c, i: c.resume_campaign(id=i),
    "StopCampaign": lambda c, i: c.stop_campaign(id=i),
    "ListTagsForResource": lambda c, i: c.list_tags_for_resource(arn=campaign_arn(i)),
    "TagResource": lambda c, i: c.tag_resource(arn=campaign_arn(i), tags={"k": "v"}),
    "UntagResource": lambda c, i: c.untag_resource(arn=campaign_arn(i), tagKeys=["k"]),
}


@pytest.mark.parametrize("operation", sorted(ON_ONE_CAMPAIGN))
def test_unknown_campaign_is_not_found(fake: CampaignsFake, v2: Client, operation: str) -> None:
    existing = create_v2(v2)["id"]
    with raises(v2, "ResourceNotFoundException", 404):
        ON_ONE_CAMPAIGN[operation](v2, str(uuid.uuid4()))
    assert state_of(v2, existing) == "Initialized"


@pytest.mark.parametrize("state", STATES)
def test_delete_campaign_in_any_state(fake: CampaignsFake, v2: Client, state: str) -> None:
    campaign_id = create_v2(v2, tags={"k": "v"})["id"]
    kept = create_v2(v2, name="kept")["id"]
    fake.v2.set_campaign_state(campaign_id, state)
    answer = v2.delete_campaign(id=campaign_id)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    for operation in ("DescribeCampaign", "GetCampaignState", "ListTagsForResource"):
        with raises(v2, "ResourceNotFoundException", 404):
            ON_ONE_CAMPAIGN[operation](v2, campaign_id)
    with raises(v2, "ResourceNotFoundException", 404):
        v2.delete_campaign(id=campaign_id)
    assert [s["id"] for s in v2.list_campaigns()["campaignSummaryList"]] == [kept]


# -- The state machine --------------------------------------------------------------------

# operation -> {state it is legal in: the state it leads to}; ICS in every other state.
TRANSITIONS: dict[str, dict[str, str]] = {
    "StartCampaign": {"Initialized": "Running"},
    "PauseCampaign": {"Running": "Paused"},
    "ResumeCampaign": {"Paused": "Running"},
    "StopCampaign": {"Running": "Stopped", "Paused": "Stopped"},
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("operation", sorted(TRANSITIONS))
def test_state_machine(fake: CampaignsFake, v2: Client, operation: str, state: str) -> None:
    campaign_id = create_v2(v2)["id"]
    fake.v2.set_campaign_state(campaign_id, state)
    target = TRANSITIONS[operation].get(state)
    if target is not None:
        answer = ON_ONE_CAMPAIGN[operation](v2, campaign_id)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert state_of(v2, campaign_id) == target
        return
    with raises(v2, "InvalidCampaignStateException", 409) as info:
        ON_ONE_CAMPAIGN[operation](v2, campaign_id)
    assert info.value.response["state"] == state
    assert state_of(v2, campaign_id) == state


def test_lifecycle_through_the_api(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2)["id"]
    seen = [state_of(v2, campaign_id)]
    for step in ("start", "pause", "resume", "pause", "stop"):
        getattr(v2, f"{step}_campaign")(id=campaign_id)
        seen.append(state_of(v2, campaign_id))
    assert seen == ["Initialized", "Running", "Paused", "Running", "Paused", "Stopped"]


def test_start_needs_a_channel_subtype(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2)["id"]
    v2.delete_campaign_channel_subtype_config(id=campaign_id, channelSubtype="TELEPHONY")
    with raises(v2, "ConflictException", 409):
        v2.start_campaign(id=campaign_id)
    assert state_of(v2, campaign_id) == "Initialized"
    v2.update_campaign_channel_subtype_config(id=campaign_id, channelSubtypeConfig={"sms": SMS})
    v2.start_campaign(id=campaign_id)
    assert state_of(v2, campaign_id) == "Running"


def test_active_campaign_quota(fake: CampaignsFake, v2: Client) -> None:
    fake.add_instance(OTHER_INSTANCE)
    fake.v2.quotas.active_campaigns_per_instance = 1
    first, second = create_v2(v2)["id"], create_v2(v2)["id"]
    v2.start_campaign(id=first)
    with raises(v2, "ConflictException", 409):
        v2.start_campaign(id=second)
    v2.pause_campaign(id=first)  # Paused is still active
    with raises(v2, "ConflictException", 409):
        v2.start_campaign(id=second)
    assert state_of(v2, second) == "Initialized"
    elsewhere = create_v2(v2, instance=OTHER_INSTANCE)["id"]
    v2.start_campaign(id=elsewhere)  # the quota is per instance
    v2.stop_campaign(id=first)
    v2.start_campaign(id=second)
    assert state_of(v2, second) == "Running"


def test_start_after_instance_config_deleted_retain_all(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2)["id"]
    v2.delete_connect_instance_config(
        connectInstanceId=INSTANCE, campaignDeletionPolicy="RETAIN_ALL"
    )
    assert stored(v2, campaign_id)["id"] == campaign_id
    assert [s["id"] for s in v2.list_campaigns()["campaignSummaryList"]] == [campaign_id]
    with raises(v2, "ConflictException", 409):
        v2.start_campaign(id=campaign_id)
    assert state_of(v2, campaign_id) == "Initialized"


def test_future_start_time_does_not_block_start(fake: CampaignsFake, v2: Client) -> None:
    start = whole_second(fake, days=30)
    schedule = {"startTime": start, "endTime": start + timedelta(days=1)}
    campaign_id = create_v2(v2, schedule=schedule)["id"]
    v2.start_campaign(id=campaign_id)
    assert state_of(v2, campaign_id) == "Running"


# -- Completed ----------------------------------------------------------------------------


def scheduled(fake: CampaignsFake, client: Client, state: str, hours: float = 1) -> str:
    """A campaign whose schedule ends ``hours`` from the (frozen) clock, brought to ``state``."""
    fake.clock.freeze(whole_second(fake))
    start = fake.clock.now()
    schedule = {"startTime": start, "endTime": start + timedelta(hours=hours)}
    campaign_id: str = create_v2(client, schedule=schedule)["id"]
    if state != "Initialized":
        client.start_campaign(id=campaign_id)
    if state == "Paused":
        client.pause_campaign(id=campaign_id)
    elif state == "Stopped":
        client.stop_campaign(id=campaign_id)
    return campaign_id


@pytest.mark.parametrize("state", ["Running", "Paused"])
def test_completes_at_schedule_end(fake: CampaignsFake, v2: Client, state: str) -> None:
    campaign_id = scheduled(fake, v2, state)
    fake.clock.advance(3599)
    assert state_of(v2, campaign_id) == state
    fake.clock.advance(1)  # endTime <= now
    assert state_of(v2, campaign_id) == "Completed"
    batch = v2.get_campaign_state_batch(campaignIds=[campaign_id])
    assert batch["successfulRequests"] == [{"campaignId": campaign_id, "state": "Completed"}]
    for operation in ("StartCampaign", "PauseCampaign", "ResumeCampaign", "StopCampaign"):
        with raises(v2, "InvalidCampaignStateException", 409) as info:
            ON_ONE_CAMPAIGN[operation](v2, campaign_id)
        assert info.value.response["state"] == "Completed"


@pytest.mark.parametrize("state", ["Running", "Paused"])
def test_test_side_reads_evaluate_completion(fake: CampaignsFake, v2: Client, state: str) -> None:
    campaign_id = scheduled(fake, v2, state)
    other = create_v2(v2, name="unscheduled")["id"]
    held = fake.v2.campaign(campaign_id)
    fake.clock.advance(3599)
    assert held.state == state
    assert [c.state for c in fake.v2.campaigns] == [state, "Initialized"]
    fake.clock.advance(1)  # endTime <= now; no request has read the campaign since
    assert [(c.id, c.state) for c in fake.v2.campaigns] == [
        (campaign_id, "Completed"),
        (other, "Initialized"),
    ]
    assert fake.v2.campaign(campaign_id).state == "Completed"
    assert held.state == "Completed"  # a view taken earlier reads it now too
    assert "state='Completed'" in repr(held)
    assert state_of(v2, campaign_id) == "Completed"  # and the API agrees


def test_a_seeded_campaign_completes_on_a_test_side_read(fake: CampaignsFake) -> None:
    fake.clock.freeze(whole_second(fake))
    now = fake.clock.now()
    seeded = fake.v2.add_campaign(
        connect_instance_id=INSTANCE,
        state="Running",
        schedule={"startTime": now - timedelta(hours=2), "endTime": now - timedelta(hours=1)},
    )
    assert seeded.state == "Completed"  # its schedule had ended when it was seeded
    assert fake.v2.set_campaign_state(seeded.id, "Paused").state == "Completed"
    forced = fake.v2.set_campaign_state(seeded.id, "Failed")
    assert forced.state == "Failed"  # only Running and Paused complete


@pytest.mark.parametrize("operation", ["PauseCampaign", "StopCampaign", "ResumeCampaign"])
def test_completion_is_evaluated_before_acting(
    fake: CampaignsFake, v2: Client, operation: str
) -> None:
    state = "Paused" if operation == "ResumeCampaign" else "Running"
    campaign_id = scheduled(fake, v2, state)
    fake.clock.advance(7200)
    with raises(v2, "InvalidCampaignStateException", 409) as info:
        ON_ONE_CAMPAIGN[operation](v2, campaign_id)
    assert info.value.response["state"] == "Completed"


@pytest.mark.parametrize("state", ["Initialized", "Stopped"])
def test_only_running_or_paused_complete(fake: CampaignsFake, v2: Client, state: str) -> None:
    campaign_id = scheduled(fake, v2, state)
    fake.clock.advance(7200)
    assert state_of(v2, campaign_id) == state


def test_without_schedule_never_completes(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2)["id"]
    v2.start_campaign(id=campaign_id)
    fake.clock.advance(timedelta(days=3650))
    assert state_of(v2, campaign_id) == "Running"
    v2.pause_campaign(id=campaign_id)
    assert state_of(v2, campaign_id) == "Paused"


# -- GetCampaignStateBatch ----------------------------------------------------------------


def test_get_campaign_state_batch_keeps_order(fake: CampaignsFake, v2: Client) -> None:
    ids = {state: create_v2(v2, name=state)["id"] for state in STATES}
    for state, campaign_id in ids.items():
        fake.v2.set_campaign_state(campaign_id, state)
    unknown = [str(uuid.uuid4()), str(uuid.uuid4())]
    order = [ids["Completed"], unknown[0], ids["Initialized"], ids["Failed"], unknown[1]]
    order += [ids["Running"], ids["Paused"], ids["Stopped"]]
    answer = v2.get_campaign_state_batch(campaignIds=order)
    assert answer["successfulRequests"] == [
        {"campaignId": i, "state": s}
        for i, s in [(ids[s], s) for s in ("Completed", "Initialized", "Failed")]
        + [(ids[s], s) for s in ("Running", "Paused", "Stopped")]
    ]
    assert answer["failedRequests"] == [
        {"campaignId": u, "failureCode": "ResourceNotFound"} for u in unknown
    ]


# -- ListCampaigns ------------------------------------------------------------------------


def summaries(client: Client, **request: Any) -> list[dict[str, Any]]:
    answer = client.list_campaigns(**request)
    assert "nextToken" not in answer
    found: list[dict[str, Any]] = answer["campaignSummaryList"]
    for summary in found:
        summary.pop("lastModifiedTime", None)
    return found


def test_list_campaigns_summaries(fake: CampaignsFake, v2: Client) -> None:
    start = whole_second(fake, days=1)
    schedule = {"startTime": start, "endTime": start + timedelta(days=1)}
    entry = {"maxEntryCount": 0, "minEntryInterval": "PT0H"}
    with_entry = has_member("CreateCampaignRequest", "entryLimitsConfig")
    in_summary = with_entry and has_member("CampaignSummary", "entryLimitsConfig")
    extra: dict[str, Any] = {"entryLimitsConfig": entry} if with_entry else {}
    plain = create_v2(v2, name="plain")
    full = create_v2(
        v2,
        name="full",
        channels={"email": EMAIL, "sms": SMS, "telephony": TELEPHONY},
        source={"customerProfilesSegmentArn": SEGMENT_ARN},
        schedule=schedule,
        connectCampaignFlowArn=FLOW_ARN,
        communicationTimeConfig={"localTimeZoneConfig": TIME_ZONE, "email": WINDOW},
        tags={"k": "v"},
        **extra,
    )
    email = create_v2(v2, name="email", channels={"email": EMAIL})
    common = {"connectInstanceId": INSTANCE}
    assert summaries(v2) == [
        {"id": plain["id"], "arn": plain["arn"], "name": "plain", **common}
        | {"channelSubtypes": ["TELEPHONY"]},
        {"id": full["id"], "arn": full["arn"], "name": "full", **common}
        | {"channelSubtypes": ["TELEPHONY", "SMS", "EMAIL"], "schedule": schedule}
        | ({"entryLimitsConfig": entry} if in_summary else {})
        | {"connectCampaignFlowArn": FLOW_ARN},
        {"id": email["id"], "arn": email["arn"], "name": "email", **common}
        | {"channelSubtypes": ["EMAIL"]},
    ]


@needs_member("ChannelSubtypeConfig", "whatsApp")
def test_list_campaigns_whatsapp_comes_last(fake: CampaignsFake, v2: Client) -> None:
    create_v2(v2, channels={"whatsApp": SMS, "sms": SMS})
    (summary,) = summaries(v2)
    assert summary["channelSubtypes"] == ["SMS", "WHATSAPP"]


def test_list_campaigns_instance_filter(fake: CampaignsFake, v2: Client) -> None:
    fake.add_instance(OTHER_INSTANCE)
    mine = [create_v2(v2, name=f"m{i}")["id"] for i in range(2)]
    create_v2(v2, instance=OTHER_INSTANCE)

    def by_instance(value: str) -> list[str]:
        filters = {"instanceIdFilter": {"value": value, "operator": "Eq"}}
        return [s["id"] for s in summaries(v2, filters=filters)]

    assert by_instance(INSTANCE) == mine
    assert len(by_instance(OTHER_INSTANCE)) == 1
    assert by_instance("instance-unknown") == []


def test_list_campaigns_pages(fake: CampaignsFake, v2: Client) -> None:
    ids = [create_v2(v2, name=f"c{i}")["id"] for i in range(5)]
    pages: list[list[str]] = []
    request: dict[str, Any] = {"maxResults": 2}
    while True:
        answer = v2.list_campaigns(**request)
        pages.append([s["id"] for s in answer["campaignSummaryList"]])
        if "nextToken" not in answer:
            break
        request["nextToken"] = answer["nextToken"]
        assert len(pages) < 10
    assert pages == [ids[:2], ids[2:4], ids[4:]]
    paged = v2.get_paginator("list_campaigns").paginate(PaginationConfig={"PageSize": 4})
    assert [s["id"] for page in paged for s in page["campaignSummaryList"]] == ids


@pytest.mark.parametrize(
    "request_", [{"nextToken": "forged-token"}, {"maxResults": 51}], ids=["token", "max"]
)
def test_list_campaigns_rejects(
    fake: CampaignsFake, either: Client, request_: dict[str, Any]
) -> None:
    create_v2(either)
    with raises(either, "ValidationException", 400):
        either.list_campaigns(**request_)


# -- Tags ---------------------------------------------------------------------------------


def test_tag_list_untag(fake: CampaignsFake, v2: Client) -> None:
    created = create_v2(v2, tags={"a": "1"})
    arn = created["arn"]
    assert tags_of(v2, arn) == {"a": "1"}
    v2.tag_resource(arn=arn, tags={"b": "2", "a": "one"})
    assert tags_of(v2, arn) == {"a": "one", "b": "2"}
    v2.untag_resource(arn=arn, tagKeys=["a", "not-there"])
    assert tags_of(v2, arn) == {"b": "2"}
    assert stored(v2, created["id"])["tags"] == {"b": "2"}


def test_tag_limits(fake: CampaignsFake, either: Client) -> None:
    with raises(either, "ValidationException", 400):
        create_v2(either, tags=many_tags(51))
    arn = create_v2(either, tags=many_tags(49))["arn"]
    with raises(either, "ValidationException", 400):
        either.tag_resource(arn=arn, tags=many_tags(2, prefix="more"))
    assert tags_of(either, arn) == many_tags(49)
    either.tag_resource(arn=arn, tags=many_tags(1, prefix="more"))
    assert len(tags_of(either, arn)) == 50
    with raises(either, "ValidationException", 400):
        either.tag_resource(arn=arn, tags={"aws:x": "v"})  # TagKey pattern
    assert len(tags_of(either, arn)) == 50


# -- v1 and v2 are separate ---------------------------------------------------------------


def test_v1_and_v2_campaigns_are_separate(fake: CampaignsFake, v2: Client) -> None:
    v1 = new_client()
    v1_id = create_v1(v1)["id"]
    v2_id = create_v2(v2)["id"]
    with raises(v2, "ResourceNotFoundException", 404):
        v2.describe_campaign(id=v1_id)
    with raises(v2, "ResourceNotFoundException", 404):
        v2.start_campaign(id=v1_id)
    with raises(v1, "ResourceNotFoundException", 404):
        v1.describe_campaign(id=v2_id)
    with raises(v1, "ResourceNotFoundException", 404):
        v1.start_campaign(id=v2_id)
    assert [s["id"] for s in v2.list_campaigns()["campaignSummaryList"]] == [v2_id]
    assert [s["id"] for s in v1.list_campaigns()["campaignSummaryList"]] == [v1_id]
    assert v2.get_campaign_state_batch(campaignIds=[v1_id])["failedRequests"] == [
        {"campaignId": v1_id, "failureCode": "ResourceNotFound"}
    ]
