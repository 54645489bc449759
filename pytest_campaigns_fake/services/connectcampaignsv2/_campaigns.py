"""connectcampaignsv2's campaigns: their life (create, describe, delete, state, transitions,
list, tags: rules written once in ``campaigns/``, registered for v2's ``API``, with v2's own
checks as hooks) and their configuration, changed member by member (v2's alone).

A Running or Paused campaign whose schedule has ended is Completed, evaluated lazily
(``CampaignV2Record.settle``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ...engine._engine import Operation, Result
from ...engine._errors import ServiceError, validation
from ..campaigns import _rules as rules
from ..campaigns._onboarding import is_onboarded
from ..campaigns._records import (
    V2,
    Bucket,
    CampaignRecord,
    CampaignV2Record,
    channel_subtypes,
    members,
    shape,
    subtype_members,
)
from ..campaigns._rules import TRANSITIONS, invalid_state, settled
from ..campaigns._shared_views import v2_data
from ._operations import API, OPERATIONS, operation, own_campaign, set_members
from ._service import Service

ACTIVE = ("Running", "Paused")


def check_event_trigger(
    service: Service, bucket: Bucket, instance_id: str, source: dict[str, Any] | None
) -> None:
    if not service.settings.event_trigger_needs_integration:
        return
    trigger = (source or {}).get("eventTrigger")
    if not trigger:
        return
    domain = trigger.get("customerProfilesDomainArn")
    instance = bucket.instances.get(instance_id)
    domains = [
        config["customerProfiles"].get("domainArn")
        for config in (instance.integrations if instance is not None else [])
        if "customerProfiles" in config
    ]
    if domain not in domains:
        raise ServiceError(
            "ConflictException",
            f"Instance {instance_id} has no Customer Profiles integration of domain {domain}",
        )


def check_create_source(service: Service, bucket: Bucket, params: dict[str, Any]) -> None:
    """CreateCampaign's check beyond v1's: an event trigger's Customer Profiles integration."""
    check_event_trigger(service, bucket, params["connectInstanceId"], params.get("source"))


operation("CreateCampaign")(rules.create_campaign(API, check_create_source))
operation("DescribeCampaign")(rules.describe_campaign(API))
operation("DeleteCampaign")(rules.delete_campaign(API))
operation("GetCampaignState")(rules.get_campaign_state(API))
operation("GetCampaignStateBatch")(rules.get_campaign_state_batch(API))
operation("ListCampaigns")(rules.list_campaigns(API))


def new_campaign(
    service: Service, bucket: Bucket, request: dict[str, Any], state: str = "Initialized"
) -> CampaignV2Record:
    """A v2 campaign from a valid CreateCampaign request (a seed's too): the members the v2
    ``Campaign`` declares, then id, ARN, tags and lastModifiedTime."""
    campaign = rules.new_campaign(API, service, bucket, request, state)
    assert isinstance(campaign, CampaignV2Record)
    return campaign


def complete(service: Service, campaign: CampaignRecord) -> str:
    """The campaign's state, Completed once its schedule has ended while it was active."""
    return campaign.settle(service.clock.now())


def check_can_run(service: Service, bucket: Bucket, campaign: CampaignRecord) -> None:
    """StartCampaign's and ResumeCampaign's preconditions, each a ConflictException."""
    instance_id = campaign.connect_instance_id
    if service.shared.require_onboarding and not is_onboarded(bucket, instance_id):
        raise ServiceError(
            "ConflictException",
            f"Connect instance {instance_id} is no longer onboarded to outbound campaigns",
        )
    data = v2_data(campaign)
    if data.get("type") != "JOURNEY" and not channel_subtypes(
        data.get("channelSubtypeConfig") or {}
    ):
        raise ServiceError(
            "ConflictException", f"Campaign {campaign.id} has no channel subtype configured"
        )
    quota = service.quotas.active_campaigns_per_instance
    active = sum(
        1
        for other in bucket.v2.all_after(0, service.shared.share_campaigns)
        if other is not campaign
        and other.connect_instance_id == instance_id
        and complete(service, other) in ACTIVE
    )
    if active >= quota:
        raise ServiceError(
            "ConflictException",
            f"Active campaigns per instance quota of {quota} reached for instance {instance_id}",
        )


for _name in TRANSITIONS:
    operation(_name)(rules.transition(API, _name, before_running=check_can_run))


@operation("UpdateCampaignName")
def update_campaign_name(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = settled(bucket.v2, service, params["id"])
    if isinstance(campaign, CampaignV2Record):
        change(service, campaign, "name", params["name"])
    else:
        # A v1 campaign renamed through v2 (shared campaigns): v1 has no lastModifiedTime.
        campaign.data["name"] = params["name"]
    return None


@operation("UpdateCampaignChannelSubtypeConfig")
def update_channel_subtype_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    stored = dict(campaign.data.get("channelSubtypeConfig") or {})
    new = params["channelSubtypeConfig"]
    old_telephony, new_telephony = stored.get("telephony"), new.get("telephony")
    if (
        old_telephony is not None
        and new_telephony is not None
        and _agentless(old_telephony) != _agentless(new_telephony)
    ):
        raise ServiceError(
            "ConflictException",
            "The telephony outbound mode of a campaign cannot be switched between "
            "agentless and agent-based",
        )
    stored.update({name: value for name, value in new.items() if value is not None})
    change(service, campaign, "channelSubtypeConfig", stored)
    return None


def _agentless(telephony: dict[str, Any]) -> bool:
    return "agentless" in (telephony.get("outboundMode") or {})


@operation("DeleteCampaignChannelSubtypeConfig")
def delete_channel_subtype_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    if campaign.state != "Initialized":
        raise ServiceError(
            "ConflictException",
            f"A channel subtype can be removed only from an Initialized campaign; campaign "
            f"{campaign.id} is {campaign.state}",
        )
    member = subtype_member(params["channelSubtype"])
    config = campaign.data.get("channelSubtypeConfig")
    if config and member in config:
        del config[member]
        touch(service, campaign)
    return None


def _replace(name: str, member: str) -> Operation:
    """An Initialized-only update that replaces one member of the campaign."""

    def replace(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaign = initialized(service, bucket, params["id"], name)
        change(service, campaign, member, params[member])
        return None

    return replace


for _name, _member in (
    ("UpdateCampaignSchedule", "schedule"),
    ("UpdateCampaignCommunicationLimits", "communicationLimitsOverride"),
    ("UpdateCampaignEntryLimits", "entryLimitsConfig"),
    ("UpdateCampaignFlowAssociation", "connectCampaignFlowArn"),
):
    OPERATIONS[_name] = _replace(_name, _member)


@operation("UpdateCampaignSource")
def update_campaign_source(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = initialized(service, bucket, params["id"], "UpdateCampaignSource")
    stored, new = campaign.data.get("source"), params["source"]
    if not stored or set(set_members(stored)) != set(set_members(new)):
        raise ServiceError(
            "ConflictException",
            "A campaign's source cannot be added, removed or switched to another kind after "
            "the campaign is created; only its value can change",
        )
    check_event_trigger(service, bucket, campaign.connect_instance_id, new)
    change(service, campaign, "source", new)
    return None


@operation("UpdateCampaignCommunicationTime")
def update_communication_time(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = initialized(service, bucket, params["id"], "UpdateCampaignCommunicationTime")
    merged = dict(campaign.data.get("communicationTimeConfig") or {})
    merged.update(set_members(params["communicationTimeConfig"]))
    change(service, campaign, "communicationTimeConfig", merged)
    return None


@operation("DeleteCampaignCommunicationTime")
def delete_communication_time(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = initialized(service, bucket, params["id"], "DeleteCampaignCommunicationTime")
    member = subtype_member(params["config"])
    config = campaign.data.get("communicationTimeConfig")
    if config and member in config:
        del config[member]
        if not any(config.get(window) for _, window in subtype_members()):
            del campaign.data["communicationTimeConfig"]
        touch(service, campaign)
    return None


@operation("DeleteCampaignCommunicationLimits")
def delete_communication_limits(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = initialized(service, bucket, params["id"], "DeleteCampaignCommunicationLimits")
    member = limits_member(params["config"])
    config = campaign.data.get("communicationLimitsOverride")
    if config and member in config:
        del config[member]
        if not set_members(config):
            del campaign.data["communicationLimitsOverride"]
        touch(service, campaign)
    return None


@operation("DeleteCampaignEntryLimits")
def delete_entry_limits(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = initialized(service, bucket, params["id"], "DeleteCampaignEntryLimits")
    if campaign.data.pop("entryLimitsConfig", None) is not None:
        touch(service, campaign)
    return None


operation("TagResource")(rules.tag_resource(API))
operation("UntagResource")(rules.untag_resource(API))
operation("ListTagsForResource")(rules.list_tags_for_resource(API))


def initialized(
    service: Service, bucket: Bucket, campaign_id: str, operation: str
) -> CampaignV2Record:
    campaign = own_campaign(service, bucket, campaign_id)
    if campaign.state != "Initialized":
        raise invalid_state(campaign, operation)
    return campaign


def change(service: Service, campaign: CampaignV2Record, member: str, value: Any) -> None:
    """An update of one configuration member. Only a new value is a modification: a repeated
    identical request succeeds and changes nothing further, lastModifiedTime included."""
    if campaign.data.get(member) != value:
        campaign.data[member] = value
        touch(service, campaign)


def touch(service: Service, campaign: CampaignV2Record) -> None:
    """A configuration change: lastModifiedTime moves (not on state or tag changes)."""
    if "lastModifiedTime" in members("Campaign", V2):
        campaign.data["lastModifiedTime"] = service.clock.now()


@cache
def subtype_member(value: str) -> str:
    """ChannelSubtype/CommunicationTimeConfigType value -> the member it names (``whatsApp``)."""
    return dict(subtype_members())[value]


@cache
def limits_member(value: str) -> str:
    """CommunicationLimitsConfigType value -> the member it names (``allChannelSubtypes``)."""
    wanted = value.replace("_", "").lower()
    for name in shape("CommunicationLimitsConfig", V2).members:
        if name.lower() == wanted:
            return str(name)
    raise validation(f"Unknown communication limits config {value}")
