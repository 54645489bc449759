"""``share_campaigns``: v1 and v2 campaigns in one namespace.

The contract leaves open whether the two APIs share a campaign store ([CHOSEN] separate by
default, "a setting can share them"). With the setting on, each API finds, lists and acts on
the other's campaigns, seen in its own shape; configuration and requests change only through
the API that created the campaign (ConflictException). Through real boto3 clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from support import (
    AGENTLESS,
    DIALER,
    INSTANCE,
    PREDICTIVE,
    Client,
    dial,
    new_client,
    raises,
    state_of,
    tags_of,
)
from support import create as create_v1
from support_v2 import (
    AGENTLESS_TELEPHONY,
    SEGMENT_ARN,
    SMS,
    TELEPHONY,
    create_v2,
    has_member,
    later,
    outbound_request,
)

from pytest_campaigns_fake import CampaignsFake

CALL_CONFIG: dict[str, Any] = {
    "connectContactFlowId": "flow-1",
    "connectSourcePhoneNumber": "+15550199",
    "connectQueueId": "queue-1",
    "answerMachineDetectionConfig": {"enableAnswerMachineDetection": True},
}


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    with CampaignsFake(share_campaigns=True) as active:
        active.add_instance(INSTANCE)
        yield active


@pytest.fixture(scope="module")
def v1() -> Client:
    return new_client()


def ids(summaries: list[dict[str, Any]]) -> list[str]:
    return [summary["id"] for summary in summaries]


# -- the setting ---------------------------------------------------------------------------


def test_off_by_default() -> None:
    with CampaignsFake() as fake:
        assert fake.options.share_campaigns is False
        assert fake.settings.share_campaigns is False


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_option_and_the_setting_refuse_a_non_bool(value: Any) -> None:
    with pytest.raises(ValueError, match=r"share_campaigns must be True or False"):
        CampaignsFake(share_campaigns=value)
    fake = CampaignsFake()
    with pytest.raises(ValueError, match=r"share_campaigns must be True or False"):
        fake.settings.share_campaigns = value
    assert fake.settings.share_campaigns is False


def test_the_setting_can_be_switched_while_the_fake_runs(v1: Client, v2: Client) -> None:
    with CampaignsFake() as fake:
        fake.add_instance(INSTANCE)
        campaign_id = create_v1(v1)["id"]
        with raises(v2, "ResourceNotFoundException", 404):
            v2.describe_campaign(id=campaign_id)
        fake.settings.share_campaigns = True
        assert v2.describe_campaign(id=campaign_id)["campaign"]["id"] == campaign_id
        fake.settings.share_campaigns = False
        with raises(v2, "ResourceNotFoundException", 404):
            v2.get_campaign_state(id=campaign_id)


def test_the_marker_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.campaigns_fake(share_campaigns=True)
        def test_shared(campaigns_fake):
            assert campaigns_fake.settings.share_campaigns is True

        def test_separate(campaigns_fake):
            assert campaigns_fake.settings.share_campaigns is False
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_snapshot_keeps_the_setting(fake: CampaignsFake, v1: Client, v2: Client) -> None:
    campaign_id = create_v1(v1)["id"]
    snapshot = fake.snapshot()
    assert snapshot["settings"]["shareCampaigns"] is True
    with CampaignsFake() as other:
        other.load(snapshot)
        assert other.settings.share_campaigns is True
        assert v2.describe_campaign(id=campaign_id)["campaign"]["id"] == campaign_id


# -- one campaign, two shapes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialer", "mode", "capacity"),
    [
        (DIALER, {"progressive": {"bandwidthAllocation": 1.0}}, None),
        (PREDICTIVE, {"predictive": {"bandwidthAllocation": 0.5}}, 0.25),
        (AGENTLESS, {"agentless": {}}, 0.5),
    ],
    ids=["progressive", "predictive", "agentless"],
)
def test_v2_describes_a_v1_campaign_as_telephony(
    fake: CampaignsFake,
    v1: Client,
    v2: Client,
    dialer: dict[str, Any],
    mode: dict[str, Any],
    capacity: float | None,
) -> None:
    created = create_v1(v1, dialer=dialer, outbound=CALL_CONFIG, tags={"team": "a"})
    telephony: dict[str, Any] = {
        "connectQueueId": "queue-1",
        "outboundMode": mode,
        "defaultOutboundConfig": {
            "connectContactFlowId": "flow-1",
            "connectSourcePhoneNumber": "+15550199",
            "answerMachineDetectionConfig": {"enableAnswerMachineDetection": True},
        },
    }
    if capacity is not None:
        telephony["capacity"] = capacity
    assert v2.describe_campaign(id=created["id"])["campaign"] == {
        "id": created["id"],
        "arn": created["arn"],
        "name": "campaign",
        "connectInstanceId": INSTANCE,
        "channelSubtypeConfig": {"telephony": telephony},
        "tags": {"team": "a"},
    }


@pytest.mark.parametrize(
    ("telephony", "dialer"),
    [
        (
            TELEPHONY,
            {"progressiveDialerConfig": {"bandwidthAllocation": 1.0, "dialingCapacity": 0.5}},
        ),
        (AGENTLESS_TELEPHONY, {"agentlessDialerConfig": {}}),
    ],
    ids=["progressive", "agentless"],
)
def test_v1_describes_a_v2_telephony_campaign(
    fake: CampaignsFake,
    v1: Client,
    v2: Client,
    telephony: dict[str, Any],
    dialer: dict[str, Any],
) -> None:
    created = create_v2(v2, channels={"telephony": telephony, "sms": SMS})
    described = v1.describe_campaign(id=created["id"])["campaign"]
    call = {
        k: v
        for k, v in {
            **telephony["defaultOutboundConfig"],
            "connectQueueId": telephony.get("connectQueueId"),
        }.items()
        if v is not None
    }
    assert described == {
        "id": created["id"],
        "arn": created["arn"],
        "name": "campaign",
        "connectInstanceId": INSTANCE,
        "dialerConfig": dialer,
        "outboundCallConfig": call,
        "tags": {},
    }


def test_v1_describes_a_v2_campaign_without_telephony_by_its_common_members(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    created = create_v2(v2, channels={"sms": SMS})
    assert v1.describe_campaign(id=created["id"])["campaign"] == {
        "id": created["id"],
        "arn": created["arn"],
        "name": "campaign",
        "connectInstanceId": INSTANCE,
        "tags": {},
    }


@pytest.mark.skipif(
    not has_member("TelephonyOutboundMode", "preview"),
    reason="the installed botocore's connectcampaignsv2 model has no preview mode",
)
def test_v1_sees_no_dialer_config_of_a_preview_campaign(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    preview = {
        **TELEPHONY,
        "outboundMode": {
            "preview": {"bandwidthAllocation": 1.0, "timeoutConfig": {"durationInSeconds": 30}}
        },
    }
    created = create_v2(v2, channels={"telephony": preview})
    described = v1.describe_campaign(id=created["id"])["campaign"]
    assert "dialerConfig" not in described
    assert described["outboundCallConfig"] == {
        "connectContactFlowId": "flow-1",
        "connectQueueId": "queue-1",
    }


# -- lists and states ------------------------------------------------------------------------


def test_both_lists_hold_both_apis_campaigns_in_creation_order(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    made = [
        create_v1(v1, name="a")["id"],
        create_v2(v2, name="b", channels={"sms": SMS})["id"],
        create_v1(v1, name="c")["id"],
        create_v2(v2, name="d")["id"],
    ]
    for client in (v1, v2):
        assert ids(client.list_campaigns()["campaignSummaryList"]) == made
        paged = [
            campaign_id
            for page in client.get_paginator("list_campaigns").paginate(
                PaginationConfig={"PageSize": 1}
            )
            for campaign_id in ids(page["campaignSummaryList"])
        ]
        assert paged == made
    summaries = v2.list_campaigns()["campaignSummaryList"]
    assert [s["channelSubtypes"] for s in summaries] == [
        ["TELEPHONY"],
        ["SMS"],
        ["TELEPHONY"],
        ["TELEPHONY"],
    ]
    assert set(v1.list_campaigns()["campaignSummaryList"][1]) == {
        "id",
        "arn",
        "name",
        "connectInstanceId",
    }
    filtered = v1.list_campaigns(
        filters={"instanceIdFilter": {"value": "instance-9", "operator": "Eq"}}
    )
    assert filtered["campaignSummaryList"] == []


def test_lifecycle_through_either_api(fake: CampaignsFake, v1: Client, v2: Client) -> None:
    from_v1 = create_v1(v1)["id"]
    from_v2 = create_v2(v2)["id"]
    v2.start_campaign(id=from_v1)
    v1.start_campaign(id=from_v2)
    v1.pause_campaign(id=from_v1)
    v2.pause_campaign(id=from_v2)
    assert (state_of(v1, from_v1), state_of(v2, from_v2)) == ("Paused", "Paused")
    v2.resume_campaign(id=from_v1)
    v1.stop_campaign(id=from_v2)
    batch = v1.get_campaign_state_batch(campaignIds=[from_v1, from_v2, "missing"])
    assert batch["successfulRequests"] == [
        {"campaignId": from_v1, "state": "Running"},
        {"campaignId": from_v2, "state": "Stopped"},
    ]
    assert batch["failedRequests"] == [{"campaignId": "missing", "failureCode": "ResourceNotFound"}]
    with raises(v2, "InvalidCampaignStateException", 409) as info:
        v2.start_campaign(id=from_v2)
    assert info.value.response["state"] == "Stopped"


def test_v1_sees_a_v2_campaign_complete_when_its_schedule_ends(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    schedule = {"startTime": later(fake), "endTime": later(fake, hours=1)}
    campaign_id = create_v2(v2, schedule=schedule)["id"]
    v1.start_campaign(id=campaign_id)
    fake.clock.advance(7200)
    assert state_of(v1, campaign_id) == "Completed"


def test_rename_tag_and_delete_through_either_api(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    from_v1 = create_v1(v1)
    from_v2 = create_v2(v2)
    created_at = fake.clock.now()
    v2.update_campaign_name(id=from_v1["id"], name="renamed-by-v2")
    fake.clock.advance(300)
    v1.update_campaign_name(id=from_v2["id"], name="renamed-by-v1")
    assert v1.describe_campaign(id=from_v1["id"])["campaign"]["name"] == "renamed-by-v2"
    described = v2.describe_campaign(id=from_v2["id"])["campaign"]
    assert described["name"] == "renamed-by-v1"
    if has_member("Campaign", "lastModifiedTime"):
        # A rename through v1 is a v2 configuration change all the same.
        assert described["lastModifiedTime"] >= created_at + timedelta(seconds=300)
    v2.tag_resource(arn=from_v1["arn"], tags={"by": "v2"})
    v1.tag_resource(arn=from_v2["arn"], tags={"by": "v1"})
    assert tags_of(v1, from_v1["arn"]) == {"by": "v2"}
    assert tags_of(v2, from_v2["arn"]) == {"by": "v1"}
    v1.untag_resource(arn=from_v2["arn"], tagKeys=["by"])
    assert tags_of(v2, from_v2["arn"]) == {}
    v2.delete_campaign(id=from_v1["id"])
    v1.delete_campaign(id=from_v2["id"])
    for client, campaign_id in ((v1, from_v1["id"]), (v2, from_v2["id"])):
        with raises(client, "ResourceNotFoundException", 404):
            client.describe_campaign(id=campaign_id)
    assert v1.list_campaigns()["campaignSummaryList"] == []
    assert fake.campaigns == [] and fake.v2.campaigns == []


# -- configuration stays with the API that created the campaign ------------------------------


V2_CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("update_campaign_channel_subtype_config", {"channelSubtypeConfig": {"sms": SMS}}),
    ("delete_campaign_channel_subtype_config", {"channelSubtype": "TELEPHONY"}),
    (
        "update_campaign_schedule",
        {"schedule": {"startTime": "2030-01-01T00:00:00Z", "endTime": "2030-02-01T00:00:00Z"}},
    ),
    ("update_campaign_source", {"source": {"customerProfilesSegmentArn": SEGMENT_ARN}}),
]


@pytest.mark.parametrize(("method", "arguments"), V2_CHANGES, ids=[m for m, _ in V2_CHANGES])
def test_v2_cannot_change_a_v1_campaigns_configuration(
    fake: CampaignsFake, v1: Client, v2: Client, method: str, arguments: dict[str, Any]
) -> None:
    campaign_id = create_v1(v1)["id"]
    with raises(v2, "ConflictException", 409) as info:
        getattr(v2, method)(id=campaign_id, **arguments)
    message = info.value.response["Error"]["Message"]
    assert "created through connectcampaigns;" in message
    assert fake.campaign(campaign_id).dialer_config == DIALER


def test_v2_cannot_send_outbound_requests_to_a_v1_campaign(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    campaign_id = create_v1(v1)["id"]
    v1.start_campaign(id=campaign_id)
    with raises(v2, "ConflictException", 409):
        v2.put_outbound_request_batch(
            id=campaign_id, outboundRequests=[outbound_request("t1", later(fake, minutes=5))]
        )
    assert fake.campaign(campaign_id).dial_requests == []


V1_CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("update_campaign_dialer_config", {"dialerConfig": PREDICTIVE}),
    ("update_campaign_outbound_call_config", {"connectContactFlowId": "flow-2"}),
]


@pytest.mark.parametrize(("method", "arguments"), V1_CHANGES, ids=[m for m, _ in V1_CHANGES])
def test_v1_cannot_change_a_v2_campaigns_configuration(
    fake: CampaignsFake, v1: Client, v2: Client, method: str, arguments: dict[str, Any]
) -> None:
    campaign_id = create_v2(v2)["id"]
    with raises(v1, "ConflictException", 409) as info:
        getattr(v1, method)(id=campaign_id, **arguments)
    assert "created through connectcampaignsv2;" in info.value.response["Error"]["Message"]
    assert fake.v2.campaign(campaign_id).channel_subtype_config == {"telephony": TELEPHONY}


def test_v1_cannot_dial_through_a_v2_campaign(fake: CampaignsFake, v1: Client, v2: Client) -> None:
    campaign_id = create_v2(v2)["id"]
    v2.start_campaign(id=campaign_id)
    with raises(v1, "ConflictException", 409):
        v1.put_dial_request_batch(id=campaign_id, dialRequests=[dial("t1", later(fake, minutes=5))])
    assert fake.v2.campaign(campaign_id).outbound_requests == []


# -- the instance's campaigns are one set ------------------------------------------------------


def test_the_quotas_count_both_apis_campaigns(fake: CampaignsFake, v1: Client, v2: Client) -> None:
    fake.quotas.campaigns_per_instance = 2
    fake.v2.quotas.campaigns_per_instance = 2
    create_v1(v1)
    create_v2(v2)
    with raises(v1, "ServiceQuotaExceededException", 402):
        create_v1(v1)
    with raises(v2, "ServiceQuotaExceededException", 402):
        create_v2(v2)


def test_the_active_quota_counts_v1_campaigns(fake: CampaignsFake, v1: Client, v2: Client) -> None:
    fake.v2.quotas.active_campaigns_per_instance = 1
    running = create_v1(v1)["id"]
    v1.start_campaign(id=running)
    waiting = create_v2(v2)["id"]
    with raises(v2, "ConflictException", 409):
        v2.start_campaign(id=waiting)
    v1.stop_campaign(id=running)
    v2.start_campaign(id=waiting)


def test_v1_cannot_delete_the_config_of_an_instance_with_v2_campaigns(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    campaign_id = create_v2(v2)["id"]
    with raises(v1, "InvalidStateException", 409):
        v1.delete_connect_instance_config(connectInstanceId=INSTANCE)
    v2.delete_campaign(id=campaign_id)
    v1.delete_connect_instance_config(connectInstanceId=INSTANCE)


def test_v2_delete_all_deletes_v1_campaigns_too(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    from_v1 = create_v1(v1)["id"]
    create_v2(v2)
    v2.delete_connect_instance_config(
        connectInstanceId=INSTANCE, campaignDeletionPolicy="DELETE_ALL"
    )
    assert fake.campaigns == [] and fake.v2.campaigns == []
    with raises(v1, "ResourceNotFoundException", 404):
        v1.describe_campaign(id=from_v1)


def test_an_injected_state_error_reports_the_other_apis_campaigns_state(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    campaign_id = create_v1(v1)["id"]
    v1.start_campaign(id=campaign_id)
    fake.v2.inject_error("PauseCampaign", "InvalidCampaignStateException", times=1)
    with raises(v2, "InvalidCampaignStateException", 409) as info:
        v2.pause_campaign(id=campaign_id)
    assert info.value.response["state"] == "Running"
