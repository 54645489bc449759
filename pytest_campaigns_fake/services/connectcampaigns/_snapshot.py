"""connectcampaigns' (v1) section of a snapshot: its quotas and settings at the top, and in
each partition its campaigns (``campaigns``, ``deletedCampaigns``) with their dial requests.

The format is older than v2: v1's entries are the snapshot's unprefixed ones. What every API
shares (the creation sequence, accounts, partitions, instances) is ``campaigns/_snapshot``'s.
"""

from __future__ import annotations

from typing import Any, Callable

from ...engine._wire import iso8601
from ..campaigns._records import V1, Bucket, CampaignRecord, DialRequest, Store
from ..campaigns._seeds import check_campaign
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
from ._service import Quotas, Settings

# A campaign's members beside those of the model's Campaign shape: the fake's own.
OWN = ("state", "seq", "dialRequests")


class Section:
    """v1's part of a snapshot, read into and written from its quotas and settings."""

    def __init__(self, quotas: Quotas, settings: Settings) -> None:
        self.quotas = quotas
        self.settings = settings

    def dump(self) -> dict[str, Any]:
        return {
            "quotas": {"campaignsPerInstance": self.quotas.campaigns_per_instance},
            "settings": {
                "requireOnboarding": self.settings.require_onboarding,
                "onboardingPolls": self.settings.onboarding_polls,
                "shareCampaigns": self.settings.share_campaigns,
            },
        }

    def dump_partition(self, bucket: Bucket) -> dict[str, Any]:
        return {
            "campaigns": [_campaign(c) for c in in_creation_order(bucket.campaigns.values())],
            # Kept because the fake keeps them: their dial requests stay readable.
            "deletedCampaigns": [_campaign(c) for c in in_creation_order(bucket.deleted.values())],
        }

    def load(self, data: dict[str, Any]) -> Callable[[], None]:
        with at("quotas"):
            per_instance = count(data["quotas"]["campaignsPerInstance"], "campaignsPerInstance")
        with at("settings"):
            require_onboarding = data["settings"]["requireOnboarding"]
            if not isinstance(require_onboarding, bool):
                raise ValueError(f"requireOnboarding must be a boolean: {require_onboarding!r}")
            polls = data["settings"]["onboardingPolls"]
            if polls is not None:
                polls = count(polls, "onboardingPolls")
            share = data["settings"]["shareCampaigns"]
            if not isinstance(share, bool):
                raise ValueError(f"shareCampaigns must be a boolean: {share!r}")

        def apply() -> None:
            self.quotas.campaigns_per_instance = per_instance
            self.settings.require_onboarding = require_onboarding
            self.settings.onboarding_polls = polls
            self.settings.share_campaigns = share

        return apply

    def load_partition(
        self, part: dict[str, Any], bucket: Bucket, store: Store, seqs: dict[int, str]
    ) -> None:
        load_campaigns(
            part,
            ("campaigns", "deletedCampaigns"),
            bucket,
            lambda raw: _campaign_record(raw, bucket, store, seqs),
        )

    def clear(self) -> None:
        """v1 keeps nothing beside the store and its settings (which a reset keeps)."""


def _campaign(record: CampaignRecord) -> dict[str, Any]:
    return {
        **record.data,
        "state": record.state,
        "seq": record.seq,
        "dialRequests": [
            {
                "id": d.id,
                "clientToken": d.client_token,
                "phoneNumber": d.phone_number,
                "expirationTime": iso8601(d.expiration_time),
                "attributes": d.attributes,
                "acceptedAt": iso8601(d.accepted_at),
            }
            for d in record.dial_requests
        ],
    }


def _campaign_record(
    raw: dict[str, Any], bucket: Bucket, store: Store, seqs: dict[int, str]
) -> CampaignRecord:
    """A campaign as a valid CreateCampaign made it, in a modelled state, with its dial
    requests."""
    data = campaign_data(
        raw, bucket, store, seqs, V1, "campaign", OWN, check_campaign, check_tag_count
    )
    campaign_id = data["id"]
    campaign = CampaignRecord(data, state=raw["state"], seq=raw["seq"])
    for index, d in enumerate(items(raw["dialRequests"], "dialRequests")):
        with at(f"dialRequests[{index}]"):
            item = accepted_item(d, "DialRequest", V1, ("attributes",))
            accepted = DialRequest(
                id=d["id"],
                client_token=item["clientToken"],
                phone_number=item["phoneNumber"],
                expiration_time=item["expirationTime"],
                attributes=item["attributes"],
                accepted_at=when(d["acceptedAt"]),
            )
            keep(
                store, f"campaign {campaign_id}", accepted, campaign.dial_requests, campaign.tokens
            )
    return campaign
