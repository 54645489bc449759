"""The whole fake as plain JSON-able data, and back.

A snapshot holds everything an answer can depend on (campaigns with their dial requests and
client tokens, instances with their onboarding jobs and poll counts, the creation sequence that
page tokens point into, quotas and settings), so a fake loaded from it answers like the original.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Union

from ._service import Quotas, Settings
from ._store import Campaign, DialRequest, Instance, Store
from ._validation import parse_timestamp

FORMAT = "pytest-campaigns-fake/1"
Source = Union[dict[str, Any], str, "os.PathLike[str]"]


def dump(store: Store, quotas: Quotas, settings: Settings, accounts: dict[str, str]) -> dict[str, Any]:
    partitions = []
    for p in store.partitions.values():
        partitions.append(
            {
                "account": p.account,
                "region": p.region,
                "instances": [
                    {
                        "connectInstanceId": i.connect_instance_id,
                        "status": i.status,
                        "failureCode": i.failure_code,
                        "encryptionConfig": i.encryption_config,
                        "serviceLinkedRoleArn": i.service_linked_role_arn,
                        "polls": i.polls,
                    }
                    for i in p.instances.values()
                ],
                "campaigns": [_campaign(c) for c in sorted(p.campaigns.values(), key=_seq)],
            }
        )
    data = {
        "format": FORMAT,
        "lastSeq": store.last_seq,
        "quotas": {"campaignsPerInstance": quotas.campaigns_per_instance},
        "settings": {
            "requireOnboarding": settings.require_onboarding,
            "onboardingPolls": settings.onboarding_polls,
        },
        "accounts": dict(accounts),
        "partitions": partitions,
    }
    # Round-trip through JSON so the caller gets plain data that shares nothing with the store.
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded


def _seq(campaign: Campaign) -> int:
    return campaign.seq


def _campaign(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.id,
        "arn": c.arn,
        "name": c.name,
        "connectInstanceId": c.connect_instance_id,
        "dialerConfig": c.dialer_config,
        "outboundCallConfig": c.outbound_call_config,
        "tags": c.tags,
        "state": c.state,
        "seq": c.seq,
        "dialRequests": [
            {
                "id": d.id,
                "clientToken": d.client_token,
                "phoneNumber": d.phone_number,
                "expirationTime": _iso(d.expiration_time),
                "attributes": d.attributes,
                "acceptedAt": _iso(d.accepted_at),
            }
            for d in c.dial_requests
        ],
    }


def _iso(value: Any) -> str:
    return str(value.isoformat()).replace("+00:00", "Z")


def read(source: Source) -> dict[str, Any]:
    """Snapshot data from a dict, or from a JSON (or, with PyYAML, YAML) file."""
    if isinstance(source, dict):
        return source
    path = Path(source)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ImportError(f"Loading {path} needs PyYAML: pip install PyYAML") from None
        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a pytest-campaigns-fake snapshot")
    return data


def restore(data: dict[str, Any], store: Store, quotas: Quotas, settings: Settings) -> dict[str, str]:
    """Replace the store's contents with the snapshot's; returns the account mapping."""
    if data.get("format") != FORMAT:
        raise ValueError(f"Not a pytest-campaigns-fake snapshot (format {data.get('format')!r})")
    from ._fake import check_campaign_seed, check_instance_seed

    store.partitions.clear()
    store.last_seq = int(data["lastSeq"])
    quotas.campaigns_per_instance = int(data["quotas"]["campaignsPerInstance"])
    settings.require_onboarding = bool(data["settings"]["requireOnboarding"])
    settings.onboarding_polls = data["settings"]["onboardingPolls"]
    for part in data["partitions"]:
        p = store.partition(part["account"], part["region"])
        for raw in part["instances"]:
            check_instance_seed(raw["connectInstanceId"], raw["encryptionConfig"])
            p.instances[raw["connectInstanceId"]] = Instance(
                raw["connectInstanceId"],
                status=raw["status"],
                failure_code=raw["failureCode"],
                encryption_config=raw["encryptionConfig"],
                service_linked_role_arn=raw["serviceLinkedRoleArn"],
                polls=int(raw["polls"]),
            )
        for raw in part["campaigns"]:
            check_campaign_seed(raw, raw["state"])
            campaign = Campaign(
                id=raw["id"],
                arn=raw["arn"],
                name=raw["name"],
                connect_instance_id=raw["connectInstanceId"],
                dialer_config=raw["dialerConfig"],
                outbound_call_config=raw["outboundCallConfig"],
                tags=raw["tags"],
                state=raw["state"],
                seq=int(raw["seq"]),
            )
            for d in raw["dialRequests"]:
                accepted = DialRequest(
                    id=d["id"],
                    client_token=d["clientToken"],
                    phone_number=d["phoneNumber"],
                    expiration_time=_when(d["expirationTime"]),
                    attributes=d["attributes"],
                    accepted_at=_when(d["acceptedAt"]),
                )
                campaign.dial_requests.append(accepted)
                campaign.tokens[accepted.client_token] = accepted
            p.add(campaign)
    return {str(k): str(v) for k, v in data.get("accounts", {}).items()}


def _when(text: str) -> Any:
    parsed = parse_timestamp(text)
    if parsed is None:
        raise ValueError(f"Not an ISO-8601 timestamp: {text!r}")
    return parsed
