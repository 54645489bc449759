"""The whole fake as plain JSON-able data, and back.

A snapshot holds everything an answer can depend on (campaigns with their dial requests and
client tokens, instances with their onboarding jobs and poll counts, the creation sequence that
page tokens point into, quotas and settings; for connectcampaignsv2, its campaigns with their
outbound requests, instance integrations and limits, its quotas and settings), so a fake loaded
from it answers like the original.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any, Union

from ...engine._wire import iso8601, json_default
from ..connectcampaigns._description import Quotas, Settings
from ..connectcampaignsv2 import _description as v2
from . import _snapshot_load
from ._records import (
    CampaignRecord,
    CampaignV2Record,
    InstanceRecord,
    Store,
)
from ._snapshot_load import V2_SETTINGS, Violation, build

FORMAT = "pytest-campaigns-fake/1"
Source = Union[dict[str, Any], str, "os.PathLike[str]"]


def dump(
    store: Store,
    quotas: Quotas,
    settings: Settings,
    accounts: dict[str, str],
    service_v2: v2.Service,
) -> dict[str, Any]:
    buckets = []
    for bucket in store.buckets.values():
        v2_bucket = bucket.v2
        buckets.append(
            {
                "account": bucket.account,
                "region": bucket.region,
                "instances": [_instance(i) for i in bucket.instances.values()],
                "campaigns": [_campaign(c) for c in sorted(bucket.campaigns.values(), key=_seq)],
                # Kept because the fake keeps them: their dial requests stay readable.
                "deletedCampaigns": [
                    _campaign(c) for c in sorted(bucket.deleted.values(), key=_seq)
                ],
                "v2Campaigns": [
                    _campaign_v2(c) for c in sorted(v2_bucket.campaigns.values(), key=_seq)
                ],
                "v2DeletedCampaigns": [
                    _campaign_v2(c) for c in sorted(v2_bucket.deleted.values(), key=_seq)
                ],
            }
        )
    data = {
        "format": FORMAT,
        "lastSeq": store.last_seq,
        "quotas": {"campaignsPerInstance": quotas.campaigns_per_instance},
        "settings": {
            "requireOnboarding": settings.require_onboarding,
            "onboardingPolls": settings.onboarding_polls,
            "shareCampaigns": settings.share_campaigns,
        },
        "accounts": dict(accounts),
        "partitions": buckets,
        "v2": {
            "quotas": {
                "campaignsPerInstance": service_v2.quotas.campaigns_per_instance,
                "activeCampaignsPerInstance": service_v2.quotas.active_campaigns_per_instance,
            },
            "settings": {
                key: getattr(service_v2.settings, name) for key, name in V2_SETTINGS.items()
            },
            "missingProfiles": sorted(service_v2.missing_profiles),
        },
    }
    # Round-trip through JSON so the caller gets plain data that shares nothing with the store.
    loaded: dict[str, Any] = json.loads(json.dumps(data, default=json_default))
    return loaded


def _seq(campaign: CampaignRecord) -> int:
    return campaign.seq


def _instance(record: InstanceRecord) -> dict[str, Any]:
    """The instance's config and job members side by side (they share connectInstanceId),
    with the job's status and failure code, and the role, always present (None when unset)."""
    entry: dict[str, Any] = {**record.config, **(record.job or {})}
    entry["status"] = record.status
    entry.setdefault("failureCode", None)
    entry.setdefault("serviceLinkedRoleArn", None)
    entry["polls"] = record.polls
    entry["jobStartedAt"] = None if record.job_started is None else iso8601(record.job_started)
    entry["integrations"] = record.integrations
    entry["communicationLimits"] = record.limits
    return entry


def _campaign_v2(record: CampaignRecord) -> dict[str, Any]:
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


def _yaml(path: Path, verb: str) -> Any:
    __tracebackhide__ = True
    try:
        import yaml
    except ImportError:
        raise ImportError(f"{verb} {path} needs PyYAML: pip install PyYAML") from None
    return yaml


def write(data: dict[str, Any], path: str | os.PathLike[str]) -> None:
    target = Path(path)
    if target.suffix.lower() in (".yaml", ".yml"):
        text = _yaml(target, "Writing").safe_dump(data, sort_keys=False)
    else:
        text = json.dumps(data, indent=2)
    target.write_text(text, encoding="utf-8")


def read(source: Source) -> dict[str, Any]:
    """Snapshot data from a dict, or from a JSON (or, with PyYAML, YAML) file."""
    __tracebackhide__ = True
    if isinstance(source, dict):
        return source
    path = Path(source)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        yaml = _yaml(path, "Loading")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path} is not valid YAML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a pytest-campaigns-fake snapshot")
    return data


def restore(
    data: dict[str, Any],
    store: Store,
    quotas: Quotas,
    settings: Settings,
    service_v2: v2.Service,
    *,
    own: bool = False,
) -> dict[str, str]:
    """Replace the store's contents with the snapshot's; returns the account mapping.

    All or nothing: a corrupted snapshot is a ValueError and leaves the store, quotas and
    settings as they were. The store keeps its own copies, so later requests never change
    ``data`` (the same snapshot can be loaded again, or into another fake).

    ``own``: ``data`` is a state file's snapshot, which the fake itself dumped and nothing
    else holds (``_durable``): taken as it is, its campaigns not checked against the model
    again (two thirds of a 50,000-campaign restart); ids, ARNs and seqs still are.
    """
    __tracebackhide__ = True
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"Not a pytest-campaigns-fake snapshot (format {found!r})")
    try:
        checking = _snapshot_load.checking.set(not own)
        try:
            loaded = build(data if own else copy.deepcopy(data))
        finally:
            _snapshot_load.checking.reset(checking)
    except Violation as violation:
        raise ValueError(
            f"Corrupted pytest-campaigns-fake snapshot at {violation.where}: {violation.reason}"
        ) from None
    except ValueError as exc:
        raise ValueError(f"Corrupted pytest-campaigns-fake snapshot: {exc}") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(
            f"Corrupted pytest-campaigns-fake snapshot: {type(exc).__name__}: {exc}"
        ) from None
    fresh, per_instance, require_onboarding, onboarding_polls, share, accounts, v2_state = loaded
    store.buckets.clear()
    store.buckets.update(fresh.buckets)
    store.last_seq = fresh.last_seq
    store.ids = fresh.ids
    quotas.campaigns_per_instance = per_instance
    settings.require_onboarding = require_onboarding
    settings.onboarding_polls = onboarding_polls
    settings.share_campaigns = share
    v2_quotas, v2_settings, missing = v2_state
    service_v2.quotas.campaigns_per_instance = v2_quotas.campaigns_per_instance
    service_v2.quotas.active_campaigns_per_instance = v2_quotas.active_campaigns_per_instance
    for name in V2_SETTINGS.values():
        setattr(service_v2.settings, name, getattr(v2_settings, name))
    service_v2.missing_profiles.clear()
    service_v2.missing_profiles.update(missing)
    return accounts
