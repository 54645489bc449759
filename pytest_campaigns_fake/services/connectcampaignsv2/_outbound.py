"""connectcampaignsv2's outbound requests: PutOutboundRequestBatch (recipients a campaign
without a source dials) and PutProfileOutboundRequestBatch (Customer Profiles profiles an
event-triggered campaign reaches), item by item through the one batch pipeline
(``campaigns/_batches.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ...engine._engine import Result
from ...engine._errors import ServiceError
from ..campaigns._batches import accept
from ..campaigns._records import Bucket, CampaignV2Record, OutboundRequest, ProfileOutboundRequest
from ..campaigns._rules import invalid_state
from ._operations import operation, own_campaign, set_members
from ._service import Service


@operation("PutOutboundRequestBatch")
def put_outbound_request_batch(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    if campaign.state != "Running":
        raise invalid_state(campaign, "PutOutboundRequestBatch")
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
        subtype = next(iter(set_members(item["channelSubtypeParameters"])), None)
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
            channel_subtype_parameters=set_members(item["channelSubtypeParameters"]),
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
        raise invalid_state(campaign, "PutProfileOutboundRequestBatch")
    source = set_members(campaign.data.get("source") or {})
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
    trigger = set_members(campaign.data.get("source") or {}).get("eventTrigger") or {}
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
