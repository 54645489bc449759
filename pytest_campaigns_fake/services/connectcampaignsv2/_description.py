"""connectcampaignsv2 (2024-04-23): the service description, business rules only.

The second description on the engine, beside v1's (``connectcampaigns/``): the same table of
rules by operation name (``@operation("CreateCampaign")``), the same records, store and
onboarding job. v2 campaigns live in each bucket's ``v2`` (not visible to v1, nor v1's to v2,
unless the fake's ``share_campaigns`` setting joins them: ``_shared_views``); instances, and so
onboarding, are shared. The contract is
shared/reference/service-behavior-v2.md; every [CHOSEN] rule is on docs/fidelity.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Callable, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...engine._clock import Clock, Ids
from ...engine._engine import Description, Operation, Result
from ...engine._errors import ServiceError, not_found, validation
from ...engine._faults import ItemFaults, item_failure_codes
from ...engine._model import load
from ...engine._seeds import check_bool, check_count, check_known
from ..campaigns import _serving as serving
from ..campaigns._batches import accept
from ..campaigns._records import (
    V2,
    Bucket,
    CampaignRecord,
    CampaignV2Record,
    InstanceRecord,
    OutboundRequest,
    ProfileOutboundRequest,
    Store,
    channel_subtypes,
    members,
    shape,
    subtype_members,
)
from ..campaigns._shared_views import foreign, v2_data, v2_summary
from ..connectcampaigns import _description as v1

DEFAULT_PAGE_SIZE = 50
ACTIVE = ("Running", "Paused")
# A Running or Paused campaign whose schedule has ended is Completed (evaluated lazily).
TRANSITIONS = v1.TRANSITIONS
# Fault injection answers ThrottlingException only from the operations whose model lists it
# (the contract's choice); v1 answers it, as a common AWS error, from any operation.
MODELLED_ONLY_ERRORS = frozenset({"ThrottlingException"})
# The longest duration any two instances the fake can hold are apart (years 1 to 9999): a
# setting beyond it could only overflow the datetime arithmetic of a later request.
MAX_SPAN = datetime.max - datetime.min
MAX_SPAN_SECONDS = MAX_SPAN.total_seconds()


@dataclass
class Quotas:
    """connectcampaignsv2's adjustable quotas (per instance); checked when set."""

    LABEL: ClassVar[str] = "campaigns_fake.v2.quotas"
    #: CreateCampaign beyond it: ServiceQuotaExceededException.
    campaigns_per_instance: int = 500
    #: StartCampaign/ResumeCampaign beyond it (Running or Paused campaigns): ConflictException.
    active_campaigns_per_instance: int = 50

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True
        check_known(self, name)
        check_count(name, value)
        super().__setattr__(name, value)


@dataclass
class Settings:
    """The v2 rules that are guesses ([CHOSEN] in the contract), each switchable; checked when
    set."""

    LABEL: ClassVar[str] = "campaigns_fake.v2.settings"
    #: Outbound requests a campaign holds unexpired before the next fails
    #: ``pending_request_cap_failure_code``; None: no cap.
    pending_request_cap: int | None = None
    #: The FailureCode of an outbound request beyond the cap: BufferLimitExceeded ("pending
    #: dial requests") or RequestThrottled ("large number of requests").
    pending_request_cap_failure_code: str = "BufferLimitExceeded"
    #: The latest expirationTime an outbound request may have, from now (seconds); None: no
    #: upper bound.
    max_expiration_seconds: float | None = None
    #: PutProfileOutboundRequestBatch only on campaigns whose source is an event trigger.
    profile_requests_need_event_trigger: bool = True
    #: CreateCampaign/UpdateCampaignSource with an eventTrigger need a Customer Profiles
    #: integration of that domain on the instance (ConflictException otherwise).
    event_trigger_needs_integration: bool = False
    #: ARNs of us-gov-* regions pass the model's Arn pattern, which, matched on the whole
    #: string, refuses them (ValidationException by default).
    accept_us_gov_arns: bool = False
    #: A PutProfileOutboundRequestBatch item for a web notification (its eventTriggerContext
    #: has a channelContext.webNotificationContext) needs the instance's Customer Profiles
    #: integration of the campaign's event-trigger domain to map the Campaign-WebNotification
    #: object type (the item fails InvalidInput otherwise).
    web_notification_needs_object_type: bool = False
    #: Days after it started that an onboarding job is forgotten, on both APIs' routes (the job
    #: is one record); None: never. GetInstanceOnboardingJobStatus may answer 404 "if the
    #: instance was onboarded more than 14 days ago".
    job_expiry_days: int | None = 14

    def job_retention(self) -> timedelta | None:
        """``job_expiry_days`` as a duration, None for never."""
        days = self.job_expiry_days
        return None if days is None else timedelta(days=days)

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True
        check_known(self, name)
        if name in (
            "profile_requests_need_event_trigger",
            "event_trigger_needs_integration",
            "accept_us_gov_arns",
            "web_notification_needs_object_type",
        ):
            check_bool(name, value)
        elif name == "pending_request_cap_failure_code":
            allowed = cap_failure_codes()
            if value not in allowed:
                raise ValueError(
                    f"{name} must be one of {', '.join(map(repr, allowed))} (the FailureCode "
                    f"values of a pending-request cap), not {value!r}"
                )
        elif name == "job_expiry_days":
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 1 <= value <= MAX_SPAN.days
            ):
                raise ValueError(
                    f"{name} must be a whole number of days from 1 to {MAX_SPAN.days} (the "
                    f"span of a datetime, years 1 to 9999) or None, not {value!r}"
                )
        elif name == "max_expiration_seconds":
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                # An int too big for a float: compared before math.isfinite() would overflow.
                or not 0 < value <= MAX_SPAN_SECONDS
                or not math.isfinite(value)
            ):
                raise ValueError(
                    f"{name} must be a number of seconds > 0 and <= {MAX_SPAN_SECONDS:.0f} "
                    f"(the span of a datetime, years 1 to 9999) or None, not {value!r}"
                )
        elif value is not None:
            check_count(name, value, none="None")
        super().__setattr__(name, value)


@cache
def cap_failure_codes() -> tuple[str, ...]:
    """What a pending-request cap may answer: the contract's two throttling codes, as far as
    the model's FailureCode has them."""
    modelled = item_failure_codes("PutOutboundRequestBatch", V2)
    return tuple(code for code in ("BufferLimitExceeded", "RequestThrottled") if code in modelled)


@dataclass
class Service:
    """What the v2 rules act on besides the bucket."""

    store: Store
    clock: Clock
    ids: Ids
    #: v1's settings (require_onboarding, onboarding_polls): onboarding is shared.
    shared: v1.Settings
    settings: Settings
    quotas: Quotas
    faults: ItemFaults
    #: The onboarding rules of v1 act on this (one job per instance for both APIs).
    v1: v1.Service
    #: Customer Profiles profile ids a test marked missing (ResourceNotFound items).
    missing_profiles: set[str] = field(default_factory=set)


OPERATIONS: dict[str, Operation] = {}
CHECKS: dict[str, Operation] = {}


def operation(
    name: str, table: dict[str, Operation] = OPERATIONS
) -> Callable[[Operation], Operation]:
    """Register a rule for the v2 model's operation ``name`` (in v2's own table)."""
    return v1.operation(name, table)


# -- checks on the request alone (ValidationException, before faults) ------------------------


@operation("CreateCampaign", CHECKS)
def check_create(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    v1.check_tag_count(params.get("tags") or {})
    if params.get("type") != "JOURNEY" and not channel_subtypes(
        params.get("channelSubtypeConfig") or {}
    ):
        raise validation(
            "channelSubtypeConfig must configure at least one channel subtype (telephony, sms, "
            "email) unless the campaign type is JOURNEY"
        )
    check_config(params)
    return None


@operation("UpdateCampaignChannelSubtypeConfig", CHECKS)
@operation("UpdateCampaignSchedule", CHECKS)
@operation("UpdateCampaignCommunicationTime", CHECKS)
def check_config_update(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    check_config(params)
    return None


# The same checks as v1's on the same requests: the 50-tag cap, keyArn with encryption.
CHECKS["TagResource"] = v1.CHECKS["TagResource"]
CHECKS["StartInstanceOnboardingJob"] = v1.CHECKS["StartInstanceOnboardingJob"]


def list_scope(bucket: Bucket, params: dict[str, Any]) -> str:
    return "v2:" + v1.list_scope(bucket, params)


def integration_scope(bucket: Bucket, params: dict[str, Any]) -> str:
    return f"v2-integrations:{bucket.account}:{bucket.region}:{params['connectInstanceId']}"


# Page tokens as v1's, bound to v2 (a v1 token on v2 is refused) and, for integrations, to
# the instance.
CHECKS["ListCampaigns"] = v1.page_token_check(list_scope)
CHECKS["ListConnectInstanceIntegrations"] = v1.page_token_check(integration_scope)


def check_config(params: dict[str, Any]) -> None:
    """The semantic rules the model cannot say: telephony's queue or source number, a schedule
    that ends after it starts, real times and dates in order, an IANA time zone."""
    telephony = (params.get("channelSubtypeConfig") or {}).get("telephony")
    if telephony is not None:
        default = telephony.get("defaultOutboundConfig") or {}
        if not telephony.get("connectQueueId") and not default.get("connectSourcePhoneNumber"):
            raise validation(
                "telephony needs a connectQueueId or a "
                "defaultOutboundConfig.connectSourcePhoneNumber"
            )
    schedule = params.get("schedule")
    if schedule is not None and not schedule["startTime"] < schedule["endTime"]:
        raise validation("schedule.endTime must be after schedule.startTime")
    time_config = params.get("communicationTimeConfig")
    if time_config is not None:
        zone = (time_config.get("localTimeZoneConfig") or {}).get("defaultTimeZone")
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise validation(f"defaultTimeZone {zone!r} is not an IANA time zone") from None
        for _, member in subtype_members():
            window = time_config.get(member)
            if window is not None:
                check_window(member, window)


def check_window(channel: str, window: dict[str, Any]) -> None:
    daily = (window.get("openHours") or {}).get("dailyHours") or {}
    for day, ranges in daily.items():
        for time_range in ranges:
            start = _minutes(time_range["startTime"])
            end = _minutes(time_range["endTime"])
            if start is None or end is None or not start < end:
                raise validation(
                    f"{channel} openHours on {day}: {time_range['startTime']}-"
                    f"{time_range['endTime']} is not a time range (real times, start before end)"
                )
    periods = (window.get("restrictedPeriods") or {}).get("restrictedPeriodList") or []
    for period in periods:
        start_date, end_date = _date(period["startDate"]), _date(period["endDate"])
        if start_date is None or end_date is None or start_date > end_date:
            raise validation(
                f"{channel} restricted period {period['startDate']}..{period['endDate']} is not "
                "a date range (real dates, start not after end)"
            )


def _minutes(value: str) -> int | None:
    try:
        hours, minutes = int(value[1:3]), int(value[4:6])
    except ValueError:
        return None
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# -- campaigns ---------------------------------------------------------------------------------


@operation("CreateCampaign")
def create_campaign(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    instance_id = params["connectInstanceId"]
    if service.shared.require_onboarding and not is_onboarded(bucket, instance_id):
        raise ServiceError(
            "ResourceNotFoundException",
            f"Connect instance {instance_id} is not onboarded to outbound campaigns",
        )
    check_event_trigger(service, bucket, instance_id, params.get("source"))
    quota = service.quotas.campaigns_per_instance
    if bucket.v2.count(instance_id, service.shared.share_campaigns) >= quota:
        raise ServiceError(
            "ServiceQuotaExceededException",
            f"Campaigns per instance quota of {quota} reached for instance {instance_id}",
        )
    campaign = new_campaign(service, bucket, params)
    result: dict[str, Any] = {"id": campaign.id, "arn": campaign.data["arn"]}
    if params.get("tags"):
        result["tags"] = dict(campaign.data["tags"])
    return result


def new_campaign(
    service: Service, bucket: Bucket, request: dict[str, Any], state: str = "Initialized"
) -> CampaignV2Record:
    """A v2 campaign from a valid CreateCampaign request: the members the v2 ``Campaign``
    declares, then id, ARN, tags and lastModifiedTime."""
    campaign_id = service.store.fresh_id(service.ids.uuid)
    declared = members("Campaign", V2)
    data = {name: value for name, value in request.items() if name in declared}
    data.update(id=campaign_id, arn=bucket.campaign_arn(campaign_id))
    data["tags"] = dict(request.get("tags") or {})
    if "lastModifiedTime" in declared:
        data["lastModifiedTime"] = service.clock.now()
    campaign = CampaignV2Record(data, state=state, seq=service.store.next_seq())
    bucket.v2.add(campaign)
    return campaign


@operation("DescribeCampaign")
def describe_campaign(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return {"campaign": v2_data(campaign_of(service, bucket, params["id"]))}


@operation("DeleteCampaign")
def delete_campaign(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    bucket.v2.remove_anywhere(campaign_of(service, bucket, params["id"]))
    return None


@operation("GetCampaignState")
def get_campaign_state(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return {"state": campaign_of(service, bucket, params["id"]).state}


@operation("GetCampaignStateBatch")
def get_campaign_state_batch(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for campaign_id in params["campaignIds"]:
        campaign = bucket.v2.find(campaign_id, service.shared.share_campaigns)
        code = (
            "ResourceNotFound"
            if campaign is None
            else service.faults.item_failure("GetCampaignStateBatch", {"campaignId": campaign_id})
        )
        if code is not None or campaign is None:
            failed.append({"campaignId": campaign_id, "failureCode": code})
        else:
            complete(service, campaign)
            succeeded.append({"campaignId": campaign_id, "state": campaign.state})
    return {"successfulRequests": succeeded, "failedRequests": failed}


def _transition(name: str) -> Operation:
    legal = TRANSITIONS[name]

    def transition(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaign = campaign_of(service, bucket, params["id"])
        target = legal.get(campaign.state)
        if target is None:
            raise v1.invalid_state(campaign, name)
        if target == "Running":
            check_can_run(service, bucket, campaign)
        campaign.state = target
        return None

    return transition


for _name in TRANSITIONS:
    OPERATIONS[_name] = _transition(_name)


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


@operation("UpdateCampaignName")
def update_campaign_name(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = campaign_of(service, bucket, params["id"])
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
    if not stored or set(_set(stored)) != set(_set(new)):
        raise ServiceError(
            "ConflictException",
            "A campaign's source cannot be added, removed or switched to another kind after "
            "the campaign is created; only its value can change",
        )
    check_event_trigger(service, bucket, campaign.connect_instance_id, new)
    change(service, campaign, "source", new)
    return None


def _set(union: dict[str, Any]) -> dict[str, Any]:
    # A union member whose value is null counts as unset.
    return {name: value for name, value in union.items() if value is not None}


@operation("UpdateCampaignCommunicationTime")
def update_communication_time(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = initialized(service, bucket, params["id"], "UpdateCampaignCommunicationTime")
    merged = dict(campaign.data.get("communicationTimeConfig") or {})
    merged.update(_set(params["communicationTimeConfig"]))
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
        if not _set(config):
            del campaign.data["communicationLimitsOverride"]
        touch(service, campaign)
    return None


@operation("DeleteCampaignEntryLimits")
def delete_entry_limits(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = initialized(service, bucket, params["id"], "DeleteCampaignEntryLimits")
    if campaign.data.pop("entryLimitsConfig", None) is not None:
        touch(service, campaign)
    return None


@operation("ListCampaigns")
def list_campaigns(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    token = params.get("nextToken")
    scope = list_scope(bucket, params)
    after = v1.read_page_token(token, scope) if token else 0
    instance_filter = (params.get("filters") or {}).get("instanceIdFilter")
    wanted = instance_filter["value"] if instance_filter else None
    page: list[dict[str, Any]] = []
    last = after
    more = False
    for campaign in bucket.v2.all_after(after, service.shared.share_campaigns):
        if wanted is not None and campaign.connect_instance_id != wanted:
            continue
        if len(page) == size:
            more = True
            break
        page.append(v2_summary(campaign))
        last = campaign.seq
    result: dict[str, Any] = {"campaignSummaryList": page}
    if more:
        result["nextToken"] = v1.page_token(last, scope)
    return result


# -- outbound requests -------------------------------------------------------------------------


@operation("PutOutboundRequestBatch")
def put_outbound_request_batch(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    if campaign.state != "Running":
        raise v1.invalid_state(campaign, "PutOutboundRequestBatch")
    if campaign.data.get("source"):
        raise ServiceError(
            "ConflictException",
            f"Campaign {campaign.id} takes its recipients from its source; outbound requests "
            "go to campaigns without a source",
        )
    now = service.clock.now()
    configured = campaign.data.get("channelSubtypeConfig") or {}
    settings = service.settings

    def refuse(item: dict[str, Any]) -> str | None:
        expires = item["expirationTime"]
        subtype = next(iter(_set(item["channelSubtypeParameters"])), None)
        if (
            expires <= now
            or subtype is None
            or configured.get(subtype) is None
            or (
                settings.max_expiration_seconds is not None
                # A difference, never a sum: now + a long maximum would leave datetime's range.
                and expires - now > timedelta(seconds=settings.max_expiration_seconds)
            )
        ):
            return "InvalidInput"
        if settings.pending_request_cap is not None and (
            sum(1 for r in campaign.outbound_requests if r.expiration_time > now)
            >= settings.pending_request_cap
        ):
            return settings.pending_request_cap_failure_code
        return None

    def make(ident: str, item: dict[str, Any]) -> OutboundRequest:
        return OutboundRequest(
            id=ident,
            client_token=item["clientToken"],
            expiration_time=item["expirationTime"],
            channel_subtype_parameters=_set(item["channelSubtypeParameters"]),
            accepted_at=now,
        )

    return accept(
        service,
        "PutOutboundRequestBatch",
        campaign.id,
        params["outboundRequests"],
        now=now,
        tokens=campaign.outbound_tokens,
        accepted=campaign.outbound_requests,
        refuse=refuse,
        make=make,
    )


@operation("PutProfileOutboundRequestBatch")
def put_profile_outbound_request_batch(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    if campaign.state != "Running":
        raise v1.invalid_state(campaign, "PutProfileOutboundRequestBatch")
    source = _set(campaign.data.get("source") or {})
    if service.settings.profile_requests_need_event_trigger and "eventTrigger" not in source:
        raise ServiceError(
            "ConflictException",
            f"Campaign {campaign.id} has no event trigger source; only Customer Profiles event "
            "triggers may send profile outbound requests",
        )
    now = service.clock.now()

    def refuse(item: dict[str, Any]) -> str | None:
        expires = item.get("expirationTime")
        if (expires is not None and expires <= now) or (
            service.settings.web_notification_needs_object_type
            and web_notification(item)
            and not web_notification_mapped(bucket, campaign)
        ):
            return "InvalidInput"
        return "ResourceNotFound" if item["profileId"] in service.missing_profiles else None

    def make(ident: str, item: dict[str, Any]) -> ProfileOutboundRequest:
        return ProfileOutboundRequest(
            id=ident,
            client_token=item["clientToken"],
            profile_id=item["profileId"],
            expiration_time=item.get("expirationTime"),
            event_trigger_context=item.get("eventTriggerContext"),
            accepted_at=now,
        )

    return accept(
        service,
        "PutProfileOutboundRequestBatch",
        campaign.id,
        params["profileOutboundRequests"],
        now=now,
        tokens=campaign.profile_tokens,
        accepted=campaign.profile_requests,
        refuse=refuse,
        make=make,
        # The same token with another profile is a conflict, not the request it made.
        conflicts=lambda known, item: known.profile_id != item["profileId"],
    )


# -- onboarding, shared with v1 ----------------------------------------------------------------


@operation("StartInstanceOnboardingJob")
def start_instance_onboarding_job(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    return v1.start_instance_onboarding_job(service.v1, bucket, params)


@operation("GetInstanceOnboardingJobStatus")
def get_instance_onboarding_job_status(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    return v1.get_instance_onboarding_job_status(service.v1, bucket, params)


@operation("DeleteInstanceOnboardingJob")
def delete_instance_onboarding_job(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    return v1.delete_instance_onboarding_job(service.v1, bucket, params)


@operation("GetConnectInstanceConfig")
def get_connect_instance_config(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return v1.get_connect_instance_config(service.v1, bucket, params)


@operation("DeleteConnectInstanceConfig")
def delete_connect_instance_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance_id = params["connectInstanceId"]
    instance = bucket.instances.get(instance_id)
    if instance is not None and instance.status == "IN_PROGRESS":
        raise ServiceError(
            "InvalidStateException",
            f"The onboarding job of instance {instance_id} is still IN_PROGRESS",
        )
    v1.onboarded(bucket, instance_id)
    if (params.get("campaignDeletionPolicy") or "RETAIN_ALL") == "DELETE_ALL":
        campaigns = bucket.v2
        for campaign in list(campaigns.all_after(0, service.shared.share_campaigns)):
            if campaign.connect_instance_id == instance_id:
                campaigns.remove_anywhere(campaign)
    del bucket.instances[instance_id]
    return None


# -- integrations and instance limits ----------------------------------------------------------


@operation("PutConnectInstanceIntegration")
def put_connect_instance_integration(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = writable_instance(service, bucket, params["connectInstanceId"])
    config = _set(params["integrationConfig"])
    kind, value = next(iter(config.items()))
    key = integration_key(kind, value)
    for index, existing in enumerate(instance.integrations):
        other_kind, other = next(iter(existing.items()))
        if other_kind != kind:
            continue
        if integration_key(kind, other) == key:
            instance.integrations[index] = config
            return None
        if kind in ONE_PER_INSTANCE:
            raise ServiceError(
                "ConflictException",
                f"Instance {instance.connect_instance_id} already has a {kind} integration "
                f"({integration_key(kind, other)}); delete it first",
            )
    instance.add_integration(config)
    return None


# An instance is associated with one Customer Profiles domain and one Q knowledge base.
ONE_PER_INSTANCE = ("customerProfiles", "qConnect")


@operation("DeleteConnectInstanceIntegration")
def delete_connect_instance_integration(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = readable_instance(service, bucket, params["connectInstanceId"])
    integrations = instance.integrations if instance is not None else []
    kind, value = next(iter(_set(params["integrationIdentifier"]).items()))
    key = integration_key(kind, value)
    for index, existing in enumerate(integrations):
        other_kind, other = next(iter(existing.items()))
        if instance is not None and other_kind == kind and integration_key(kind, other) == key:
            instance.remove_integration(index)
            return None
    raise not_found("Integration", f"{kind} {key}")


@operation("ListConnectInstanceIntegrations")
def list_connect_instance_integrations(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = readable_instance(service, bucket, params["connectInstanceId"])
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    token = params.get("nextToken")
    scope = integration_scope(bucket, params)
    # The token names the place of the last integration listed (not an index): deleting one
    # already listed shifts no later one out of the next page.
    after = v1.read_page_token(token, scope) if token else 0
    rest = instance.integrations_after(after) if instance is not None else []
    summary = shape("IntegrationSummary", V2)
    page = [
        {
            kind: {k: v for k, v in value.items() if k in summary.members[kind].members}
            for kind, value in config.items()
            if kind in summary.members
        }
        for _, config in rest[:size]
    ]
    result: dict[str, Any] = {"integrationSummaryList": page}
    # No token on the last page, even when it is full (the contract: no empty last page).
    if len(rest) > size:
        result["nextToken"] = v1.page_token(rest[size - 1][0], scope)
    return result


def integration_key(kind: str, value: dict[str, Any]) -> str:
    """What identifies an integration of ``kind``: the one member its IntegrationIdentifier
    variant carries (domainArn, knowledgeBaseArn, functionArn)."""
    identifier = shape("IntegrationIdentifier", V2).members[kind]
    return str(value.get(next(iter(identifier.members))))


@operation("PutInstanceCommunicationLimits")
def put_instance_communication_limits(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = writable_instance(service, bucket, params["connectInstanceId"])
    instance.limits = params["communicationLimitsConfig"]
    return None


@operation("GetInstanceCommunicationLimits")
def get_instance_communication_limits(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = readable_instance(service, bucket, params["connectInstanceId"])
    if instance is None or instance.limits is None:
        return {}
    return {"communicationLimitsConfig": instance.limits}


# -- tags --------------------------------------------------------------------------------------


@operation("TagResource")
def tag_resource(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return v1.tag_resource(service.v1, bucket.v2, params)


@operation("UntagResource")
def untag_resource(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return v1.untag_resource(service.v1, bucket.v2, params)


@operation("ListTagsForResource")
def list_tags_for_resource(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return v1.list_tags_for_resource(service.v1, bucket.v2, params)


# -- shared by the rules -----------------------------------------------------------------------


def campaign_of(service: Service, bucket: Bucket, campaign_id: str) -> CampaignRecord:
    """The v2 campaign ``campaign_id`` (a v1 one too when campaigns are shared), its state
    settled at the fake's now."""
    campaign = bucket.v2.find(campaign_id, service.shared.share_campaigns)
    if campaign is None:
        raise not_found("Campaign", campaign_id)
    complete(service, campaign)
    return campaign


def own_campaign(service: Service, bucket: Bucket, campaign_id: str) -> CampaignV2Record:
    """A campaign whose configuration or requests the call changes: a v2 campaign."""
    campaign = campaign_of(service, bucket, campaign_id)
    if not isinstance(campaign, CampaignV2Record):
        raise foreign(campaign)
    return campaign


def complete(service: Service, campaign: CampaignRecord) -> str:
    """The campaign's state, Completed once its schedule has ended while it was active."""
    return campaign.settle(service.clock.now())


def initialized(
    service: Service, bucket: Bucket, campaign_id: str, operation: str
) -> CampaignV2Record:
    campaign = own_campaign(service, bucket, campaign_id)
    if campaign.state != "Initialized":
        raise v1.invalid_state(campaign, operation)
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


def readable_instance(service: Service, bucket: Bucket, instance_id: str) -> InstanceRecord | None:
    """The instance an integration or instance-limit operation reads: an onboarded one
    (ResourceNotFoundException otherwise); with require_onboarding off, whatever the service
    holds of it, None when nothing."""
    if service.shared.require_onboarding:
        return v1.onboarded(bucket, instance_id)
    return bucket.instances.get(instance_id)


def writable_instance(service: Service, bucket: Bucket, instance_id: str) -> InstanceRecord:
    """The instance an integration or instance-limit operation writes to. With
    require_onboarding off, an instance the service does not know is recorded without a job or
    config (as CreateCampaign then needs none), to hold what is written; onboarding it later
    keeps them."""
    instance = readable_instance(service, bucket, instance_id)
    if instance is None:
        instance = InstanceRecord({"connectInstanceId": instance_id})
        bucket.instances[instance_id] = instance
    return instance


def is_onboarded(bucket: Bucket, instance_id: str) -> bool:
    instance = bucket.instances.get(instance_id)
    return instance is not None and instance.status == "SUCCEEDED"


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


def web_notification(item: dict[str, Any]) -> bool:
    """Whether a profile outbound request is for a web notification (a model without
    eventTriggerContext has none)."""
    context = (item.get("eventTriggerContext") or {}).get("channelContext") or {}
    return context.get("webNotificationContext") is not None


# The EventType key a Customer Profiles integration maps web-notification object types under.
WEB_NOTIFICATION_EVENT = "Campaign-WebNotification"


def web_notification_mapped(bucket: Bucket, campaign: CampaignV2Record) -> bool:
    """Whether the campaign's instance has a Customer Profiles integration of the campaign's
    event-trigger domain whose objectTypeNames maps Campaign-WebNotification."""
    trigger = _set(campaign.data.get("source") or {}).get("eventTrigger") or {}
    domain = trigger.get("customerProfilesDomainArn")
    instance = bucket.instances.get(campaign.connect_instance_id)
    for config in instance.integrations if instance is not None else []:
        profiles = config.get("customerProfiles")
        if (
            profiles is not None
            and profiles.get("domainArn") == domain
            and WEB_NOTIFICATION_EVENT in (profiles.get("objectTypeNames") or {})
        ):
            return True
    return False


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


def error_member(service: Service, bucket: Bucket, member: str, params: dict[str, Any]) -> Any:
    if member == "state":
        campaign = bucket.v2.find(params.get("id", ""), service.shared.share_campaigns)
        return campaign.state if campaign is not None else None
    return None


def hint(
    service: Service, operation: str, params: dict[str, Any], account: str, region: str
) -> str | None:
    campaign_id = params.get("id")
    if isinstance(params.get("arn"), str):
        campaign_id = params["arn"].rpartition("/")[2]
    if isinstance(campaign_id, str):
        for bucket in service.store.buckets.values():
            if campaign_id in bucket.campaigns and not service.shared.share_campaigns:
                return (
                    f"campaign {campaign_id} is a connectcampaigns (v1) campaign; v1 and v2 "
                    "campaigns are separate: use a connectcampaigns client, or seed a v2 one "
                    "with campaigns_fake.v2.add_campaign(...)"
                )
            if campaign_id in bucket.v2.campaigns and (bucket.account, bucket.region) != (
                account,
                region,
            ):
                return (
                    f"campaign {campaign_id} is in account {bucket.account}, region "
                    f"{bucket.region} of the fake; this request was signed for account "
                    f"{account}, region {region}"
                )
            if campaign_id in bucket.v2.deleted:
                return f"campaign {campaign_id} was deleted earlier (DeleteCampaign)"
        return (
            f"no v2 campaign {campaign_id} was created or seeded in this fake; seed one with "
            "campaigns_fake.v2.add_campaign(...) and use its .id"
        )
    return v1.hint(service.v1, operation, params, account, region)


DESCRIPTION = Description(
    model=load(V2),
    operations=OPERATIONS,
    checks=CHECKS,
    error_member=error_member,
    hint=hint,
    buckets=serving.buckets,
    widening=serving.US_GOV_ARNS,
    # Its calls are read on fake.v2: the journal says so.
    label="v2.",
    key_params=serving.KEY_PARAMS,
    item_keys=serving.ITEM_KEYS,
)
