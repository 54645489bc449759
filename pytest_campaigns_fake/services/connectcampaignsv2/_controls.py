"""``fake.v2``: the test controls of the connectcampaignsv2 API, beside v1's on the fake, and
``connect``, which serves v2's description on the fake's engine and makes them.

One fake serves both APIs: one store (instances, and so onboarding, shared), one clock, one
journal. What belongs to v2 alone is here: its campaigns, the outbound requests they accepted,
its settings and quotas, and faults named by v2 operation names (checked against the v2 model).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Callable, Protocol

from ...engine._clock import Clock
from ...engine._engine import Engine
from ...engine._errors import ServiceError
from ...engine._faults import Faults, Rule, item_match
from ...engine._journal import Calls
from ...engine._seeds import check_choice, check_request
from ..campaigns._api import SharedSettings
from ..campaigns._context import Context
from ..campaigns._fault_controls import CampaignFaultControls
from ..campaigns._records import (
    V2,
    CampaignV2Record,
    OutboundRequest,
    ProfileOutboundRequest,
    detached,
)
from ..campaigns._views import CampaignV2
from . import _description as v2
from ._snapshot import Section

DEFAULT_TELEPHONY: dict[str, Any] = {
    "connectQueueId": "queue-id",
    "outboundMode": {"progressive": {"bandwidthAllocation": 1.0}},
    "defaultOutboundConfig": {"connectContactFlowId": "contact-flow-id"},
}


class CampaignsV2(CampaignFaultControls):
    """The connectcampaignsv2 side of a fake: ``campaigns_fake.v2``."""

    def __init__(self, context: Context, service: v2.Service, faults: Faults) -> None:
        __tracebackhide__ = True
        self._context = context
        self._service = service
        self._faults = faults

    def __repr__(self) -> str:
        return f"<CampaignsV2 of {self._context.owner!r}>"

    @property
    def settings(self) -> v2.Settings:
        """The switchable v2 rules (pending_request_cap, pending_request_cap_failure_code,
        max_expiration_seconds, profile_requests_need_event_trigger,
        event_trigger_needs_integration, web_notification_needs_object_type, job_expiry_days),
        each checked when set."""
        __tracebackhide__ = True
        return self._service.settings

    @property
    def quotas(self) -> v2.Quotas:
        """campaigns_per_instance (500) and active_campaigns_per_instance (50)."""
        __tracebackhide__ = True
        return self._service.quotas

    # -- seeding ---------------------------------------------------------------------------

    def add_campaign(
        self,
        *,
        connect_instance_id: str,
        name: str = "campaign",
        state: str = "Initialized",
        channel_subtype_config: Mapping[str, Any] | None = None,
        source: Mapping[str, Any] | None = None,
        schedule: Mapping[str, Any] | None = None,
        type: str | None = None,
        connect_campaign_flow_arn: str | None = None,
        entry_limits_config: Mapping[str, Any] | None = None,
        communication_time_config: Mapping[str, Any] | None = None,
        communication_limits_override: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
        account_id: str | None = None,
    ) -> CampaignV2:
        """Seed a v2 campaign in any state (a progressive telephony campaign unless told).

        The CreateCampaign request the arguments make is checked against the v2 model and
        the request rules first; quota and onboarding are not checked.
        """
        __tracebackhide__ = True
        given = {
            "name": name,
            "connectInstanceId": connect_instance_id,
            "channelSubtypeConfig": (
                {"telephony": DEFAULT_TELEPHONY}
                if channel_subtype_config is None and type != "JOURNEY"
                else channel_subtype_config
            ),
            "source": source,
            "schedule": schedule,
            "type": type,
            "connectCampaignFlowArn": connect_campaign_flow_arn,
            "entryLimitsConfig": entry_limits_config,
            "communicationTimeConfig": communication_time_config,
            "communicationLimitsOverride": communication_limits_override,
            "tags": tags or {},
        }
        check_choice("state", state, "CampaignState", V2)
        request = check_request(
            "CreateCampaign", {k: v for k, v in given.items() if v is not None}, V2
        )
        with self._context.lock:
            bucket = self._context.bucket(account_id, region)
            try:
                v2.CHECKS["CreateCampaign"](self._service, bucket, request)
            except ServiceError as error:
                raise ValueError(
                    f"Seed breaks the connectcampaignsv2 rules: {error.message}"
                ) from None
            record = v2.new_campaign(self._service, bucket, request, state)
        return self._view(record)

    def set_campaign_state(self, campaign_id: str, state: str) -> CampaignV2:
        """Put a v2 campaign in any state at once (``Completed``, ``Failed`` included)."""
        __tracebackhide__ = True
        check_choice("state", state, "CampaignState", V2)
        with self._context.lock:
            record = self._find(campaign_id, deleted=False)
            record.state = state
        return self._view(record)

    def campaign(self, campaign_id: str) -> CampaignV2:
        """The stored v2 campaign with this id, in any account or region."""
        __tracebackhide__ = True
        return self._view(self._find(campaign_id, deleted=False))

    @property
    def campaigns(self) -> list[CampaignV2]:
        """Every stored v2 campaign, in creation order (a property, as ``fake.campaigns``)."""
        __tracebackhide__ = True
        with self._context.lock:
            records = [
                record
                for bucket in self._context.store.buckets.values()
                for record in bucket.v2.campaigns.values()
                if isinstance(record, CampaignV2Record)
            ]
        records.sort(key=lambda record: record.seq)
        return [self._view(record) for record in records]

    def _view(self, record: CampaignV2Record) -> CampaignV2:
        """The test's view of a record: its state read as the API reads it."""
        __tracebackhide__ = True
        return CampaignV2(record, self._state)

    def _state(self, record: CampaignV2Record) -> str:
        # Under the engine's lock, as a request would: Completed once the schedule ended.
        __tracebackhide__ = True
        with self._context.lock:
            return v2.complete(self._service, record)

    def outbound_requests(self, campaign_id: str) -> list[OutboundRequest]:
        """The outbound requests a v2 campaign accepted, in order, even after it was deleted
        (copies: editing one changes nothing in the fake)."""
        __tracebackhide__ = True
        with self._context.lock:
            return detached(self._find(campaign_id, deleted=True).outbound_requests)

    def profile_outbound_requests(self, campaign_id: str) -> list[ProfileOutboundRequest]:
        """The profile outbound requests a v2 campaign accepted, in order (copies)."""
        __tracebackhide__ = True
        with self._context.lock:
            return detached(self._find(campaign_id, deleted=True).profile_requests)

    def mark_profile_missing(self, profile_id: str) -> None:
        """PutProfileOutboundRequestBatch items for ``profile_id`` fail ``ResourceNotFound``
        (every well-formed profile id exists otherwise)."""
        __tracebackhide__ = True
        check_request(
            "PutProfileOutboundRequestBatch",
            {"id": "x", "profileOutboundRequests": [{"clientToken": "t", "profileId": profile_id}]},
            V2,
        )
        with self._context.lock:
            self._service.missing_profiles.add(profile_id)

    def _find(self, campaign_id: str, *, deleted: bool) -> CampaignV2Record:
        __tracebackhide__ = True
        with self._context.lock:
            for bucket in self._context.store.buckets.values():
                found = bucket.v2.campaigns.get(campaign_id) or (
                    bucket.v2.deleted.get(campaign_id) if deleted else None
                )
                if isinstance(found, CampaignV2Record):
                    return found
            if any(campaign_id in b.campaigns for b in self._context.store.buckets.values()):
                raise KeyError(
                    f"{campaign_id!r} is a connectcampaigns (v1) campaign: read it with "
                    f"campaigns_fake.campaign({campaign_id!r})"
                )
        raise KeyError(f"No connectcampaignsv2 campaign {campaign_id!r} in this fake")

    # -- faults ----------------------------------------------------------------------------

    def fail_outbound_requests(
        self,
        code: str,
        *,
        client_token: str | None = None,
        campaign_id: str | None = None,
        times: int | None = None,
    ) -> Rule:
        """Fail matching PutOutboundRequestBatch items with ``code`` (per-item failure)."""
        __tracebackhide__ = True
        return self._faults.add_item_failure(
            "PutOutboundRequestBatch",
            code,
            times,
            item_match(client_token=client_token, campaign_id=campaign_id),
        )

    def fail_profile_outbound_requests(
        self,
        code: str,
        *,
        profile_id: str | None = None,
        client_token: str | None = None,
        campaign_id: str | None = None,
        times: int | None = None,
    ) -> Rule:
        """Fail matching PutProfileOutboundRequestBatch items with ``code``."""
        __tracebackhide__ = True
        return self._faults.add_item_failure(
            "PutProfileOutboundRequestBatch",
            code,
            times,
            item_match(profile_id=profile_id, client_token=client_token, campaign_id=campaign_id),
        )

    # -- the journal -----------------------------------------------------------------------

    @property
    def calls(self) -> Calls:
        """The connectcampaignsv2 calls alone, in order (``campaigns_fake.calls`` has all)."""
        __tracebackhide__ = True
        return self._context.journal.view((V2,), only=True)


def request_faults(clock: Clock) -> Faults:
    """v2's request faults: operation names and codes checked against the v2 model, and
    ThrottlingException answered only from the operations whose model lists it."""
    return Faults(clock, V2, modelled_only=v2.MODELLED_ONLY_ERRORS)


class SharingService(Protocol):
    """What v2 shares with the service it is served beside (v1's): the settings both APIs
    read, and the onboarding job's retention, which v2's setting decides for both."""

    @property
    def settings(self) -> SharedSettings: ...

    def share_job_retention(self, reader: Callable[[], timedelta | None]) -> None: ...


def connect(
    context: Context, engine: Engine, faults: Faults, v1_service: SharingService
) -> tuple[CampaignsV2, Section]:
    """Serve connectcampaignsv2's description on ``engine`` beside v1's (instances, and so
    onboarding, are shared with ``v1_service``), ``faults`` firing on its requests; returns
    its controls (``fake.v2``) and its snapshot section."""
    service = v2.Service(
        store=context.store,
        clock=context.clock,
        ids=context.ids,
        shared=v1_service.settings,
        settings=v2.Settings(),
        quotas=v2.Quotas(),
        faults=engine.item_faults,  # replaced by serve(): the v2 faults' own
    )
    engine.serve(v2.DESCRIPTION, service, faults)
    # One onboarding job for both APIs, forgotten on both routes by v2's setting.
    v1_service.share_job_retention(service.settings.job_retention)
    return CampaignsV2(context, service, faults), Section(service)
