"""connectcampaignsv2's section of a snapshot: its quotas, settings and missing profiles under
``v2``, and in each partition its campaigns (``v2Campaigns``, ``v2DeletedCampaigns``) with
the outbound and profile outbound requests they accepted. What every API shares (the creation
sequence, accounts, partitions, instances) is ``campaigns/_snapshot``'s."""

from __future__ import annotations

from typing import Any, Callable

from ...engine._seeds import check_choice
from ...engine._wire import iso8601
from ..campaigns._records import (
    V2,
    Bucket,
    CampaignRecord,
    CampaignV2Record,
    OutboundRequest,
    ProfileOutboundRequest,
    Store,
)
from ..campaigns._snapshot import in_creation_order
from ..campaigns._snapshot_load import (
    accepted_item,
    at,
    campaign_data,
    count,
    items,
    keep,
    load_campaigns,
    when,
)
from ..campaigns._tags import check_tag_count
from . import _description as v2

# Every v2 setting: its key in a snapshot's "v2.settings" -> its name on v2's Settings.
SETTINGS = {
    "pendingRequestCap": "pending_request_cap",
    "pendingRequestCapFailureCode": "pending_request_cap_failure_code",
    "maxExpirationSeconds": "max_expiration_seconds",
    "profileRequestsNeedEventTrigger": "profile_requests_need_event_trigger",
    "eventTriggerNeedsIntegration": "event_trigger_needs_integration",
    "jobExpiryDays": "job_expiry_days",
    "webNotificationNeedsObjectType": "web_notification_needs_object_type",
    "acceptUsGovArns": "accept_us_gov_arns",
}
# A v2 campaign's members beside those of the model's Campaign shape: the fake's own.
OWN = ("state", "seq", "outboundRequests", "profileOutboundRequests")


class Section:
    """v2's part of a snapshot, read into and written from v2's ``Service`` (its quotas,
    settings and missing profiles)."""

    def __init__(self, service: v2.Service) -> None:
        self.service = service

    def dump(self) -> dict[str, Any]:
        service = self.service
        return {
            "v2": {
                "quotas": {
                    "campaignsPerInstance": service.quotas.campaigns_per_instance,
                    "activeCampaignsPerInstance": service.quotas.active_campaigns_per_instance,
                },
                "settings": {
                    key: getattr(service.settings, name) for key, name in SETTINGS.items()
                },
                "missingProfiles": sorted(service.missing_profiles),
            }
        }

    def dump_partition(self, bucket: Bucket) -> dict[str, Any]:
        return {
            "v2Campaigns": [_campaign(c) for c in in_creation_order(bucket.v2.campaigns.values())],
            "v2DeletedCampaigns": [
                _campaign(c) for c in in_creation_order(bucket.v2.deleted.values())
            ],
        }

    def load(self, data: dict[str, Any]) -> Callable[[], None]:
        """Every one of v2's quotas and settings is in a snapshot (a missing one is a
        corrupted snapshot, not a default)."""
        with at("v2"):
            raw = data["v2"]
            quotas_raw, settings_raw = raw["quotas"], raw["settings"]
            quotas = v2.Quotas(
                campaigns_per_instance=count(
                    quotas_raw["campaignsPerInstance"], "v2.quotas.campaignsPerInstance"
                ),
                active_campaigns_per_instance=count(
                    quotas_raw["activeCampaignsPerInstance"],
                    "v2.quotas.activeCampaignsPerInstance",
                ),
            )
            settings = v2.Settings()
            for key, name in SETTINGS.items():
                try:
                    setattr(settings, name, settings_raw[key])
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"v2.settings.{key}: {exc}") from None
            missing = raw["missingProfiles"]
            if not isinstance(missing, list) or not all(isinstance(p, str) for p in missing):
                raise ValueError(f"v2.missingProfiles must be a list of profile ids: {missing!r}")

        def apply() -> None:
            service = self.service
            service.quotas.campaigns_per_instance = quotas.campaigns_per_instance
            service.quotas.active_campaigns_per_instance = quotas.active_campaigns_per_instance
            for name in SETTINGS.values():
                setattr(service.settings, name, getattr(settings, name))
            service.missing_profiles.clear()
            service.missing_profiles.update(missing)

        return apply

    def load_partition(
        self, part: dict[str, Any], bucket: Bucket, store: Store, seqs: dict[int, str]
    ) -> None:
        load_campaigns(
            part,
            ("v2Campaigns", "v2DeletedCampaigns"),
            bucket.v2,
            lambda raw: _campaign_record(raw, bucket, store, seqs),
        )

    def clear(self) -> None:
        """Forget the profiles marked missing (``mark_profile_missing``)."""
        self.service.missing_profiles.clear()


def _campaign(record: CampaignRecord) -> dict[str, Any]:
    assert isinstance(record, CampaignV2Record)
    return {
        **record.data,
        "state": record.state,
        "seq": record.seq,
        "outboundRequests": [
            {
                "id": r.id,
                "clientToken": r.client_token,
                "expirationTime": iso8601(r.expiration_time),
                "channelSubtypeParameters": r.channel_subtype_parameters,
                "acceptedAt": iso8601(r.accepted_at),
            }
            for r in record.outbound_requests
        ],
        "profileOutboundRequests": [
            {
                "id": r.id,
                "clientToken": r.client_token,
                "profileId": r.profile_id,
                "expirationTime": None if r.expiration_time is None else iso8601(r.expiration_time),
                "eventTriggerContext": r.event_trigger_context,
                "acceptedAt": iso8601(r.accepted_at),
            }
            for r in record.profile_requests
        ],
    }


def _check_state(data: dict[str, Any], state: str) -> None:
    check_choice("state", state, "CampaignState", V2)


def _campaign_record(
    raw: dict[str, Any], bucket: Bucket, store: Store, seqs: dict[int, str]
) -> CampaignV2Record:
    """A v2 campaign in a modelled state, with the outbound and profile outbound requests it
    accepted."""
    data = campaign_data(
        raw, bucket, store, seqs, V2, "v2 campaign", OWN, _check_state, check_tag_count
    )
    campaign_id = data["id"]
    label = f"v2 campaign {campaign_id}"
    record = CampaignV2Record(data, state=raw["state"], seq=raw["seq"])
    for index, r in enumerate(items(raw["outboundRequests"], "outboundRequests")):
        with at(f"outboundRequests[{index}]"):
            item = accepted_item(r, "OutboundRequest", V2, ("channelSubtypeParameters",))
            outbound = OutboundRequest(
                id=r["id"],
                client_token=item["clientToken"],
                expiration_time=item["expirationTime"],
                channel_subtype_parameters=item["channelSubtypeParameters"],
                accepted_at=when(r["acceptedAt"]),
            )
            keep(store, label, outbound, record.outbound_requests, record.outbound_tokens)
    profiles = items(raw["profileOutboundRequests"], "profileOutboundRequests")
    for index, r in enumerate(profiles):
        with at(f"profileOutboundRequests[{index}]"):
            item = accepted_item(r, "ProfileOutboundRequest", V2, ("eventTriggerContext",))
            profile = ProfileOutboundRequest(
                id=r["id"],
                client_token=item["clientToken"],
                profile_id=item["profileId"],
                expiration_time=item.get("expirationTime"),
                event_trigger_context=item.get("eventTriggerContext"),
                accepted_at=when(r["acceptedAt"]),
            )
            keep(store, label, profile, record.profile_requests, record.profile_tokens)
    return record
