"""SMS reminders triggered by Customer Profiles events, on the v2 API (``connectcampaignsv2``).

A clinic's booking system writes appointment events to Customer Profiles; an event-triggered
SMS campaign texts the patient. ``SmsReminders`` sets that campaign up once (find or create,
then start) and forwards profile requests in batches, idempotently per run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: PutProfileOutboundRequestBatch takes at most 20 items.
MAX_PROFILE_BATCH = 20


@dataclass(frozen=True)
class SmsCampaignSpec:
    """An event-triggered SMS campaign: where its events come from and what it sends."""

    name: str
    connect_instance_id: str
    domain_arn: str
    phone_number_arn: str
    template_arn: str
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class SmsResult:
    """What a ``notify`` run achieved: accepted request ids by profile, failures by profile."""

    accepted: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    batches: int = 0


class SmsReminders:
    """The v2 side of the app: ``client`` is a boto3 ``connectcampaignsv2`` client."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def ensure_campaign(self, spec: SmsCampaignSpec) -> str:
        """The id of the running campaign named ``spec.name`` on the instance: found, or
        created and started."""
        paginator = self._client.get_paginator("list_campaigns")
        filters = {"instanceIdFilter": {"value": spec.connect_instance_id, "operator": "Eq"}}
        for page in paginator.paginate(filters=filters):
            for summary in page["campaignSummaryList"]:
                if summary["name"] == spec.name:
                    campaign_id: str = summary["id"]
                    state = self._client.get_campaign_state(id=campaign_id)["state"]
                    if state == "Initialized":
                        self._client.start_campaign(id=campaign_id)
                    return campaign_id
        created = self._client.create_campaign(
            name=spec.name,
            connectInstanceId=spec.connect_instance_id,
            channelSubtypeConfig={
                "sms": {
                    "outboundMode": {"agentless": {}},
                    "defaultOutboundConfig": {
                        "connectSourcePhoneNumberArn": spec.phone_number_arn,
                        "wisdomTemplateArn": spec.template_arn,
                    },
                }
            },
            source={"eventTrigger": {"customerProfilesDomainArn": spec.domain_arn}},
            tags=spec.tags,
        )
        campaign_id = created["id"]
        self._client.start_campaign(id=campaign_id)
        return str(campaign_id)

    def notify(self, campaign_id: str, profile_ids: Iterable[str], *, run_key: str) -> SmsResult:
        """PutProfileOutboundRequestBatch for each profile, in batches of 20; a profile's client
        token is a hash of ``run_key`` and its id, so a rerun texts nobody twice."""
        result = SmsResult()
        unique = list(dict.fromkeys(profile_ids))
        for start in range(0, len(unique), MAX_PROFILE_BATCH):
            batch = unique[start : start + MAX_PROFILE_BATCH]
            answer = self._send(campaign_id, batch, run_key)
            result.batches += 1
            by_token = {profile_token(run_key, profile): profile for profile in batch}
            for item in answer["successfulRequests"]:
                result.accepted[by_token[item["clientToken"]]] = item["id"]
            for item in answer["failedRequests"]:
                result.failed[by_token[item["clientToken"]]] = item["failureCode"]
        return result

    def _send(self, campaign_id: str, profiles: Sequence[str], run_key: str) -> Any:
        return self._client.put_profile_outbound_request_batch(
            id=campaign_id,
            profileOutboundRequests=[
                {"clientToken": profile_token(run_key, profile), "profileId": profile}
                for profile in profiles
            ],
        )


def profile_token(run_key: str, profile_id: str) -> str:
    """The client token of one profile's request in one run."""
    return hashlib.sha256(f"{run_key}/{profile_id}".encode()).hexdigest()[:64]
