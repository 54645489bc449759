"""connectcampaignsv2 campaign configuration: the Update*/Delete* operations, by state and by
effect (channel subtypes, name, source, communication time and limits, entry limits, flow,
schedule), and lastModifiedTime.

Through real boto3 ``connectcampaignsv2`` clients; the contract is
shared/reference/service-behavior-v2.md. Tests of checks that are the server's job (maximums,
patterns, enums, unions, semantic rules) run twice: with a default client and with one built
with ``parameter_validation=False``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore import xform_name
from support import INSTANCE, Client, raises, state_of
from support_v2 import (
    AGENTLESS_TELEPHONY,
    DOMAIN_ARN,
    EMAIL,
    FLOW_ARN,
    LIMITS,
    OTHER_DOMAIN_ARN,
    OTHER_SEGMENT_ARN,
    SEGMENT_ARN,
    SMS,
    TELEPHONY,
    TIME_ZONE,
    create_v2,
    has_member,
    needs_member,
    needs_operation,
)

from pytest_campaigns_fake import CampaignsFake

STATES = ("Initialized", "Running", "Paused", "Stopped", "Completed", "Failed")
# Iso8601Time is `T\d{2}:\d{2}` [MODEL]: support_v2.WINDOW's "09:00" does not match it.
WINDOW: dict[str, Any] = {
    "openHours": {"dailyHours": {"MONDAY": [{"startTime": "T09:00", "endTime": "T17:00"}]}}
}
LATE_WINDOW: dict[str, Any] = {
    "openHours": {"dailyHours": {"FRIDAY": [{"startTime": "T18:00", "endTime": "T20:00"}]}},
    "restrictedPeriods": {
        "restrictedPeriodList": [
            {"name": "holidays", "startDate": "2030-12-24", "endDate": "2030-12-26"}
        ]
    },
}
ENTRY = {"maxEntryCount": 2, "minEntryInterval": "PT1H"}
OTHER_FLOW_ARN = FLOW_ARN.replace("flow-1", "flow-2")
SEGMENT = {"customerProfilesSegmentArn": SEGMENT_ARN}


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    """An active fake with INSTANCE onboarded (shared by v1 and v2)."""
    with CampaignsFake() as active:
        active.add_instance(INSTANCE)
        yield active


def schedule_in(fake: CampaignsFake, days: float, length: float = 7) -> dict[str, datetime]:
    start = fake.clock.now().replace(microsecond=0) + timedelta(days=days)
    return {"startTime": start, "endTime": start + timedelta(days=length)}


def configured(fake: CampaignsFake, client: Client, state: str = "Initialized") -> str:
    """A campaign with every piece of configuration the installed model has, forced into
    ``state``: its id."""
    if has_member("CreateCampaignRequest", "entryLimitsConfig"):
        extra: dict[str, Any] = {"entryLimitsConfig": ENTRY}
    else:
        extra = {}
    campaign_id: str = create_v2(
        client,
        channels={"telephony": TELEPHONY, "sms": SMS},
        source=SEGMENT,
        connectCampaignFlowArn=FLOW_ARN,
        schedule=schedule_in(fake, 1),
        **extra,
        communicationTimeConfig={
            "localTimeZoneConfig": TIME_ZONE,
            "telephony": WINDOW,
            "email": WINDOW,
        },
        communicationLimitsOverride={
            "allChannelSubtypes": LIMITS,
            "instanceLimitsHandling": "OPT_OUT",
        },
    )["id"]
    if state != "Initialized":
        fake.v2.set_campaign_state(campaign_id, state)
    return campaign_id


def stored(client: Client, campaign_id: str) -> dict[str, Any]:
    """DescribeCampaign's campaign, without lastModifiedTime (tested on its own)."""
    campaign: dict[str, Any] = client.describe_campaign(id=campaign_id)["campaign"]
    campaign.pop("lastModifiedTime", None)
    return campaign


# -- Which state each operation is allowed in ---------------------------------------------

Call = Callable[[Client, CampaignsFake, str], Any]

CONFIG_CALLS: dict[str, Call] = {
    "UpdateCampaignSchedule": lambda c, f, i: c.update_campaign_schedule(
        id=i, schedule=schedule_in(f, 2)
    ),
    "UpdateCampaignSource": lambda c, f, i: c.update_campaign_source(
        id=i, source={"customerProfilesSegmentArn": OTHER_SEGMENT_ARN}
    ),
    "UpdateCampaignCommunicationTime": lambda c, f, i: c.update_campaign_communication_time(
        id=i, communicationTimeConfig={"localTimeZoneConfig": TIME_ZONE, "sms": WINDOW}
    ),
    "DeleteCampaignCommunicationTime": lambda c, f, i: c.delete_campaign_communication_time(
        id=i, config="TELEPHONY"
    ),
    "UpdateCampaignCommunicationLimits": lambda c, f, i: c.update_campaign_communication_limits(
        id=i, communicationLimitsOverride={"instanceLimitsHandling": "OPT_IN"}
    ),
    "DeleteCampaignCommunicationLimits": lambda c, f, i: c.delete_campaign_communication_limits(
        id=i, config="ALL_CHANNEL_SUBTYPES"
    ),
    "UpdateCampaignEntryLimits": lambda c, f, i: c.update_campaign_entry_limits(
        id=i, entryLimitsConfig={"maxEntryCount": 5, "minEntryInterval": "PT2H"}
    ),
    "DeleteCampaignEntryLimits": lambda c, f, i: c.delete_campaign_entry_limits(id=i),
    "UpdateCampaignFlowAssociation": lambda c, f, i: c.update_campaign_flow_association(
        id=i, connectCampaignFlowArn=OTHER_FLOW_ARN
    ),
    "DeleteCampaignChannelSubtypeConfig": lambda c, f, i: c.delete_campaign_channel_subtype_config(
        id=i, channelSubtype="SMS"
    ),
    "UpdateCampaignChannelSubtypeConfig": lambda c, f, i: c.update_campaign_channel_subtype_config(
        id=i, channelSubtypeConfig={"email": EMAIL}
    ),
    "UpdateCampaignName": lambda c, f, i: c.update_campaign_name(id=i, name="renamed"),
}
# Outside Initialized: the error (and HTTP status), or None where every state is allowed.
OUTSIDE_INITIALIZED: dict[str, tuple[str, int] | None] = {
    name: ("InvalidCampaignStateException", 409) for name in CONFIG_CALLS
}
OUTSIDE_INITIALIZED["DeleteCampaignChannelSubtypeConfig"] = ("ConflictException", 409)
OUTSIDE_INITIALIZED["UpdateCampaignChannelSubtypeConfig"] = None
OUTSIDE_INITIALIZED["UpdateCampaignName"] = None
OPERATIONS = [
    pytest.param(name, marks=needs_operation(name)) if "EntryLimits" in name else name
    for name in CONFIG_CALLS
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_config_operation_by_state(
    fake: CampaignsFake, v2: Client, operation: str, state: str
) -> None:
    campaign_id = configured(fake, v2, state)
    before = v2.describe_campaign(id=campaign_id)["campaign"]
    error = None if state == "Initialized" else OUTSIDE_INITIALIZED[operation]
    if error is None:
        answer = CONFIG_CALLS[operation](v2, fake, campaign_id)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert stored(v2, campaign_id) != {
            k: v for k, v in before.items() if k != "lastModifiedTime"
        }
    else:
        with raises(v2, *error) as info:
            CONFIG_CALLS[operation](v2, fake, campaign_id)
        if error[0] == "InvalidCampaignStateException":
            assert info.value.response["state"] == state
        assert v2.describe_campaign(id=campaign_id)["campaign"] == before
    assert state_of(v2, campaign_id) == state


@pytest.mark.parametrize("operation", OPERATIONS)
def test_config_operation_on_unknown_campaign(
    fake: CampaignsFake, v2: Client, operation: str
) -> None:
    with raises(v2, "ResourceNotFoundException", 404):
        CONFIG_CALLS[operation](v2, fake, str(uuid.uuid4()))


# -- Channel subtypes ---------------------------------------------------------------------


def test_update_channel_subtype_config_merges_per_subtype(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2, channels={"telephony": TELEPHONY, "sms": SMS})["id"]
    v2.start_campaign(id=campaign_id)
    telephony = {
        "connectQueueId": "queue-2",
        "outboundMode": {"predictive": {"bandwidthAllocation": 0.5}},
        "defaultOutboundConfig": {"connectContactFlowId": "flow-2"},
    }
    v2.update_campaign_channel_subtype_config(
        id=campaign_id, channelSubtypeConfig={"email": EMAIL, "telephony": telephony}
    )
    assert stored(v2, campaign_id)["channelSubtypeConfig"] == {
        "telephony": telephony,  # replaced whole: no capacity left
        "sms": SMS,
        "email": EMAIL,
    }
    assert state_of(v2, campaign_id) == "Running"


def _telephony(mode: dict[str, Any]) -> dict[str, Any]:
    return {**AGENTLESS_TELEPHONY, "connectQueueId": "queue-1", "outboundMode": mode}


MODES: dict[str, dict[str, Any]] = {
    "agentless": {"agentless": {}},
    "progressive": {"progressive": {"bandwidthAllocation": 1.0}},
    "predictive": {"predictive": {"bandwidthAllocation": 0.5}},
    "preview": {
        "preview": {"bandwidthAllocation": 0.5, "timeoutConfig": {"durationInSeconds": 30}}
    },
}
SWITCHES = [("progressive", "agentless"), ("predictive", "agentless"), ("preview", "agentless")]
SWITCHES += [(b, a) for a, b in SWITCHES]
NEEDS_PREVIEW = needs_member("TelephonyOutboundMode", "preview")


def _switch(old: str, new: str) -> Any:
    """A (old, new) parameter, skipped where the model has no preview outbound mode."""
    return pytest.param(old, new, marks=NEEDS_PREVIEW) if "preview" in (old, new) else (old, new)


@pytest.mark.parametrize("state", ["Initialized", "Running", "Stopped"])
@pytest.mark.parametrize(("old", "new"), [_switch(old, new) for old, new in SWITCHES])
def test_switching_agentless_and_agent_based_conflicts(
    fake: CampaignsFake, v2: Client, old: str, new: str, state: str
) -> None:
    campaign_id = create_v2(v2, channels={"telephony": _telephony(MODES[old])})["id"]
    fake.v2.set_campaign_state(campaign_id, state)
    before = stored(v2, campaign_id)
    with raises(v2, "ConflictException", 409):
        v2.update_campaign_channel_subtype_config(
            id=campaign_id, channelSubtypeConfig={"telephony": _telephony(MODES[new])}
        )
    assert stored(v2, campaign_id) == before


@pytest.mark.parametrize("new", ["predictive", pytest.param("preview", marks=NEEDS_PREVIEW)])
def test_switching_between_agent_based_modes(fake: CampaignsFake, v2: Client, new: str) -> None:
    campaign_id = create_v2(v2, channels={"telephony": _telephony(MODES["progressive"])})["id"]
    config = {"telephony": _telephony(MODES[new])}
    v2.update_campaign_channel_subtype_config(id=campaign_id, channelSubtypeConfig=config)
    assert stored(v2, campaign_id)["channelSubtypeConfig"] == config


def test_delete_channel_subtype_config(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = create_v2(v2, channels={"telephony": TELEPHONY, "sms": SMS})["id"]
    v2.delete_campaign_channel_subtype_config(id=campaign_id, channelSubtype="SMS")
    assert stored(v2, campaign_id)["channelSubtypeConfig"] == {"telephony": TELEPHONY}
    absent = v2.delete_campaign_channel_subtype_config(id=campaign_id, channelSubtype="EMAIL")
    assert absent["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert stored(v2, campaign_id)["channelSubtypeConfig"] == {"telephony": TELEPHONY}
    v2.delete_campaign_channel_subtype_config(id=campaign_id, channelSubtype="TELEPHONY")
    assert not stored(v2, campaign_id).get("channelSubtypeConfig")
    (summary,) = v2.list_campaigns()["campaignSummaryList"]
    assert summary["channelSubtypes"] == []


@pytest.mark.parametrize("value", ["FAX", "telephony"])
def test_delete_channel_subtype_config_unknown_value(
    fake: CampaignsFake, either: Client, value: str
) -> None:
    campaign_id = create_v2(either)["id"]
    with raises(either, "ValidationException", 400):
        either.delete_campaign_channel_subtype_config(id=campaign_id, channelSubtype=value)
    assert stored(either, campaign_id)["channelSubtypeConfig"] == {"telephony": TELEPHONY}


# -- Name and source ----------------------------------------------------------------------


def test_update_campaign_name(fake: CampaignsFake, either: Client) -> None:
    campaign_id = create_v2(either)["id"]
    either.update_campaign_name(id=campaign_id, name="n" * 127)
    assert stored(either, campaign_id)["name"] == "n" * 127
    with raises(either, "ValidationException", 400):
        either.update_campaign_name(id=campaign_id, name="n" * 128)
    assert stored(either, campaign_id)["name"] == "n" * 127


SOURCES: dict[str, dict[str, Any]] = {
    "segment": SEGMENT,
    "other-segment": {"customerProfilesSegmentArn": OTHER_SEGMENT_ARN},
    "trigger": {"eventTrigger": {"customerProfilesDomainArn": DOMAIN_ARN}},
    "other-trigger": {"eventTrigger": {"customerProfilesDomainArn": OTHER_DOMAIN_ARN}},
}


@pytest.mark.parametrize(
    ("old", "new"), [("segment", "other-segment"), ("trigger", "other-trigger")]
)
def test_update_source_within_its_variant(
    fake: CampaignsFake, v2: Client, old: str, new: str
) -> None:
    campaign_id = create_v2(v2, source=SOURCES[old])["id"]
    v2.update_campaign_source(id=campaign_id, source=SOURCES[new])
    assert stored(v2, campaign_id)["source"] == SOURCES[new]


@pytest.mark.parametrize(
    ("old", "new"),
    [("segment", "trigger"), ("trigger", "segment"), (None, "segment"), (None, "trigger")],
)
def test_update_source_cannot_switch_or_add(
    fake: CampaignsFake, v2: Client, old: str | None, new: str
) -> None:
    members: dict[str, Any] = {} if old is None else {"source": SOURCES[old]}
    campaign_id = create_v2(v2, **members)["id"]
    with raises(v2, "ConflictException", 409):
        v2.update_campaign_source(id=campaign_id, source=SOURCES[new])
    assert stored(v2, campaign_id).get("source") == members.get("source")


@pytest.mark.parametrize("source", [{}, {**SEGMENT, **SOURCES["trigger"]}], ids=["none", "two"])
def test_update_source_union_checked_by_the_server(
    fake: CampaignsFake, unvalidated: Client, source: dict[str, Any]
) -> None:
    campaign_id = create_v2(unvalidated, source=SEGMENT)["id"]
    with raises(unvalidated, "ValidationException", 400):
        unvalidated.update_campaign_source(id=campaign_id, source=source)
    assert stored(unvalidated, campaign_id)["source"] == SEGMENT


# -- Communication time -------------------------------------------------------------------


def test_update_communication_time_merges_windows(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = configured(fake, v2)
    detection = {"localTimeZoneDetection": ["ZIP_CODE"]}
    v2.update_campaign_communication_time(
        id=campaign_id,
        communicationTimeConfig={"localTimeZoneConfig": detection, "telephony": LATE_WINDOW},
    )
    assert stored(v2, campaign_id)["communicationTimeConfig"] == {
        "localTimeZoneConfig": detection,  # replaced, not merged
        "telephony": LATE_WINDOW,
        "email": WINDOW,
    }
    bare = create_v2(v2)["id"]
    config = {"localTimeZoneConfig": TIME_ZONE, "sms": WINDOW}
    v2.update_campaign_communication_time(id=bare, communicationTimeConfig=config)
    assert stored(v2, bare)["communicationTimeConfig"] == config


def _times(
    start: str = "T09:00", end: str = "T17:00", period: tuple[str, str] | None = None
) -> dict[str, Any]:
    """A CommunicationTimeConfig with one SMS window (and one restricted period)."""
    window: dict[str, Any] = {
        "openHours": {"dailyHours": {"MONDAY": [{"startTime": start, "endTime": end}]}}
    }
    if period is not None:
        dates = {"startDate": period[0], "endDate": period[1]}
        window["restrictedPeriods"] = {"restrictedPeriodList": [dates]}
    return {"localTimeZoneConfig": TIME_ZONE, "sms": window}


BAD_TIMES: dict[str, dict[str, Any]] = {
    "range-backwards": _times("T17:00", "T09:00"),
    "range-empty": _times("T09:00", "T09:00"),
    "time-without-T": _times("09:00", "17:00"),
    "not-a-time": _times("T25:00", "T26:00"),
    "period-backwards": _times(period=("2030-12-26", "2030-12-24")),
    "not-a-date": _times(period=("2030-02-30", "2030-03-01")),
    "not-a-zone": {"localTimeZoneConfig": {"defaultTimeZone": "Mars/Olympus_Mons"}},
}


@pytest.mark.parametrize("config", sorted(BAD_TIMES))
def test_update_communication_time_rejects(
    fake: CampaignsFake, either: Client, config: str
) -> None:
    campaign_id = configured(fake, either)
    before = stored(either, campaign_id)
    with raises(either, "ValidationException", 400):
        either.update_campaign_communication_time(
            id=campaign_id, communicationTimeConfig=BAD_TIMES[config]
        )
    assert stored(either, campaign_id) == before


def test_delete_communication_time(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = configured(fake, v2)
    v2.delete_campaign_communication_time(id=campaign_id, config="TELEPHONY")
    assert stored(v2, campaign_id)["communicationTimeConfig"] == {
        "localTimeZoneConfig": TIME_ZONE,
        "email": WINDOW,
    }
    absent = v2.delete_campaign_communication_time(id=campaign_id, config="SMS")
    assert absent["ResponseMetadata"]["HTTPStatusCode"] == 200
    v2.delete_campaign_communication_time(id=campaign_id, config="EMAIL")
    assert "communicationTimeConfig" not in stored(v2, campaign_id)
    again = v2.delete_campaign_communication_time(id=campaign_id, config="EMAIL")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_delete_communication_time_unknown_config(fake: CampaignsFake, either: Client) -> None:
    campaign_id = configured(fake, either)
    with raises(either, "ValidationException", 400):
        either.delete_campaign_communication_time(id=campaign_id, config="FAX")
    assert set(stored(either, campaign_id)["communicationTimeConfig"]) == {
        "localTimeZoneConfig",
        "telephony",
        "email",
    }


# -- Communication limits, entry limits, flow, schedule -----------------------------------


def test_communication_limits(fake: CampaignsFake, v2: Client) -> None:
    replaced = configured(fake, v2)
    opt_in = {"instanceLimitsHandling": "OPT_IN"}
    v2.update_campaign_communication_limits(id=replaced, communicationLimitsOverride=opt_in)
    assert stored(v2, replaced)["communicationLimitsOverride"] == opt_in  # wholesale
    kept = configured(fake, v2)
    v2.delete_campaign_communication_limits(id=kept, config="ALL_CHANNEL_SUBTYPES")
    assert stored(v2, kept)["communicationLimitsOverride"] == {"instanceLimitsHandling": "OPT_OUT"}
    dropped = create_v2(v2, communicationLimitsOverride={"allChannelSubtypes": LIMITS})["id"]
    v2.delete_campaign_communication_limits(id=dropped, config="ALL_CHANNEL_SUBTYPES")
    assert "communicationLimitsOverride" not in stored(v2, dropped)
    again = v2.delete_campaign_communication_limits(id=dropped, config="ALL_CHANNEL_SUBTYPES")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_delete_communication_limits_unknown_config(fake: CampaignsFake, either: Client) -> None:
    campaign_id = configured(fake, either)
    with raises(either, "ValidationException", 400):
        either.delete_campaign_communication_limits(id=campaign_id, config="TELEPHONY")
    assert "allChannelSubtypes" in stored(either, campaign_id)["communicationLimitsOverride"]


@needs_operation("UpdateCampaignEntryLimits")
def test_entry_limits(fake: CampaignsFake, either: Client) -> None:
    campaign_id = create_v2(either)["id"]
    unlimited = {"maxEntryCount": 0, "minEntryInterval": "PT0H"}
    either.update_campaign_entry_limits(id=campaign_id, entryLimitsConfig=ENTRY)
    assert stored(either, campaign_id)["entryLimitsConfig"] == ENTRY
    either.update_campaign_entry_limits(id=campaign_id, entryLimitsConfig=unlimited)
    assert stored(either, campaign_id)["entryLimitsConfig"] == unlimited
    with raises(either, "ValidationException", 400):  # Iso8601Duration pattern
        either.update_campaign_entry_limits(
            id=campaign_id, entryLimitsConfig={"maxEntryCount": 1, "minEntryInterval": "1 hour"}
        )
    assert stored(either, campaign_id)["entryLimitsConfig"] == unlimited
    either.delete_campaign_entry_limits(id=campaign_id)
    assert "entryLimitsConfig" not in stored(either, campaign_id)
    again = either.delete_campaign_entry_limits(id=campaign_id)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_flow_association(fake: CampaignsFake, either: Client) -> None:
    campaign_id = create_v2(either)["id"]
    either.update_campaign_flow_association(id=campaign_id, connectCampaignFlowArn=FLOW_ARN)
    assert stored(either, campaign_id)["connectCampaignFlowArn"] == FLOW_ARN
    with raises(either, "ValidationException", 400):
        either.update_campaign_flow_association(
            id=campaign_id, connectCampaignFlowArn="not-an-arn" * 3
        )
    assert stored(either, campaign_id)["connectCampaignFlowArn"] == FLOW_ARN


def test_update_schedule_replaces(fake: CampaignsFake, v2: Client) -> None:
    campaign_id = configured(fake, v2)
    schedule: dict[str, Any] = {**schedule_in(fake, 3), "refreshFrequency": "PT1H"}
    v2.update_campaign_schedule(id=campaign_id, schedule=schedule)
    assert stored(v2, campaign_id)["schedule"] == schedule
    bare = schedule_in(fake, 4)
    v2.update_campaign_schedule(id=campaign_id, schedule=bare)
    assert stored(v2, campaign_id)["schedule"] == bare


@pytest.mark.parametrize("length", [0, -1], ids=["equal", "before"])
def test_update_schedule_must_end_after_start(
    fake: CampaignsFake, either: Client, length: float
) -> None:
    campaign_id = configured(fake, either)
    before = stored(either, campaign_id)["schedule"]
    with raises(either, "ValidationException", 400):
        either.update_campaign_schedule(id=campaign_id, schedule=schedule_in(fake, 2, length))
    assert stored(either, campaign_id)["schedule"] == before


# -- lastModifiedTime ---------------------------------------------------------------------


def modified(client: Client, campaign_id: str) -> datetime:
    when: datetime = client.describe_campaign(id=campaign_id)["campaign"]["lastModifiedTime"]
    return when


@needs_member("Campaign", "lastModifiedTime")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_last_modified_time_moves_on_config_updates(
    fake: CampaignsFake, v2: Client, operation: str
) -> None:
    campaign_id = configured(fake, v2)
    created = modified(v2, campaign_id)
    fake.clock.advance(3600)
    CONFIG_CALLS[operation](v2, fake, campaign_id)
    assert modified(v2, campaign_id) >= created + timedelta(seconds=3599)


@needs_member("Campaign", "lastModifiedTime")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_repeated_identical_request_changes_nothing_further(
    fake: CampaignsFake, v2: Client, operation: str
) -> None:
    campaign_id = configured(fake, v2)
    fake.clock.advance(3600)
    CONFIG_CALLS[operation](v2, fake, campaign_id)
    # The same request again, as the service received it (built from the clock: not rebuilt).
    request = fake.v2.calls.last.params
    first = v2.describe_campaign(id=campaign_id)["campaign"]
    fake.clock.advance(3600)
    answer = getattr(v2, xform_name(operation))(**request)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert fake.v2.calls.last.params == request
    assert v2.describe_campaign(id=campaign_id)["campaign"] == first  # lastModifiedTime too


@needs_member("Campaign", "lastModifiedTime")
def test_last_modified_time_stays_on_state_and_tag_changes(fake: CampaignsFake, v2: Client) -> None:
    created = create_v2(v2)
    campaign_id = created["id"]
    at_create = modified(v2, campaign_id)
    for step in ("start", "pause", "resume", "stop"):
        fake.clock.advance(600)
        getattr(v2, f"{step}_campaign")(id=campaign_id)
    fake.clock.advance(600)
    v2.tag_resource(arn=created["arn"], tags={"k": "v"})
    v2.untag_resource(arn=created["arn"], tagKeys=["k"])
    assert modified(v2, campaign_id) == at_create
