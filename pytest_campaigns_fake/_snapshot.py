"""The whole fake as plain JSON-able data, and back.

A snapshot holds everything an answer can depend on (campaigns with their dial requests and
client tokens, instances with their onboarding jobs and poll counts, the creation sequence that
page tokens point into, quotas and settings), so a fake loaded from it answers like the original.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any, Union

from ._connectcampaigns import Quotas, Settings, check_tag_count
from ._errors import ServiceError
from ._options import check_account
from ._records import Bucket, CampaignRecord, DialRequest, InstanceRecord, Store, members, shape
from ._seeds import check_campaign, check_instance, enum
from ._validation import violations
from ._wire import iso8601, json_default, parse_timestamp

FORMAT = "pytest-campaigns-fake/1"
Source = Union[dict[str, Any], str, "os.PathLike[str]"]


def dump(
    store: Store, quotas: Quotas, settings: Settings, accounts: dict[str, str]
) -> dict[str, Any]:
    buckets = []
    for bucket in store.buckets.values():
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
        "partitions": buckets,
    }
    # Round-trip through JSON so the caller gets plain data that shares nothing with the store.
    loaded: dict[str, Any] = json.loads(json.dumps(data, default=json_default))
    return loaded


def _seq(campaign: CampaignRecord) -> int:
    return campaign.seq


# The record's members beside those of the model's shapes: the fake's own.
_INSTANCE_OWN = ("polls",)
_CAMPAIGN_OWN = ("state", "seq", "dialRequests")


def _instance(record: InstanceRecord) -> dict[str, Any]:
    """The instance's config and job members side by side (they share connectInstanceId),
    with the job's status and failure code, and the role, always present (None when unset)."""
    entry: dict[str, Any] = {**record.config, **(record.job or {})}
    entry["status"] = record.status
    entry.setdefault("failureCode", None)
    entry.setdefault("serviceLinkedRoleArn", None)
    entry["polls"] = record.polls
    return entry


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
    data: dict[str, Any], store: Store, quotas: Quotas, settings: Settings
) -> dict[str, str]:
    """Replace the store's contents with the snapshot's; returns the account mapping.

    All or nothing: a corrupted snapshot is a ValueError and leaves the store, quotas and
    settings as they were. The store keeps its own copies, so later requests never change
    ``data`` (the same snapshot can be loaded again, or into another fake).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"Not a pytest-campaigns-fake snapshot (format {found!r})")
    try:
        loaded = _build(copy.deepcopy(data))
    except ValueError as exc:
        raise ValueError(f"Corrupted pytest-campaigns-fake snapshot: {exc}") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(
            f"Corrupted pytest-campaigns-fake snapshot: {type(exc).__name__}: {exc}"
        ) from None
    fresh, per_instance, require_onboarding, onboarding_polls, accounts = loaded
    store.buckets.clear()
    store.buckets.update(fresh.buckets)
    store.last_seq = fresh.last_seq
    store.ids = fresh.ids
    quotas.campaigns_per_instance = per_instance
    settings.require_onboarding = require_onboarding
    settings.onboarding_polls = onboarding_polls
    return accounts


def _build(data: dict[str, Any]) -> tuple[Store, int, bool, int | None, dict[str, str]]:
    store = Store()
    store.last_seq = _count(data["lastSeq"], "lastSeq")
    per_instance = _count(data["quotas"]["campaignsPerInstance"], "quotas.campaignsPerInstance")
    require_onboarding = data["settings"]["requireOnboarding"]
    if not isinstance(require_onboarding, bool):
        raise ValueError(f"settings.requireOnboarding must be a boolean: {require_onboarding!r}")
    polls = data["settings"]["onboardingPolls"]
    if polls is not None:
        polls = _count(polls, "settings.onboardingPolls")
    accounts = data.get("accounts", {})
    if not isinstance(accounts, dict) or not all(
        isinstance(k, str) and _is_account(v) for k, v in accounts.items()
    ):
        raise ValueError(f"accounts must map access key ids to accounts: {accounts!r}")
    if not isinstance(data["partitions"], list):
        raise ValueError("partitions must be a list")
    seqs: set[int] = set()
    for part in data["partitions"]:
        if not _is_account(part["account"]) or not isinstance(part["region"], str):
            raise ValueError(f"bad partition {part['account']!r}/{part['region']!r}")
        bucket = store.bucket(part["account"], part["region"])
        for raw in part["instances"]:
            record = _instance_record(raw)
            bucket.instances[record.connect_instance_id] = record
        deleted = part.get("deletedCampaigns", [])
        if not isinstance(deleted, list):
            raise ValueError("deletedCampaigns must be a list")
        live = sorted(part["campaigns"], key=lambda c: _count(c["seq"], "seq"))
        for raw, gone in [(c, False) for c in live] + [(c, True) for c in deleted]:
            campaign = _campaign_record(raw, bucket, store, seqs)
            if gone:
                bucket.deleted[campaign.id] = campaign
            else:
                bucket.add(campaign)
    return store, per_instance, require_onboarding, polls, {k: str(v) for k, v in accounts.items()}


def _instance_record(raw: dict[str, Any]) -> InstanceRecord:
    """An instance as a valid StartInstanceOnboardingJob made it, then its job and role."""
    unknown = set(raw) - members("InstanceConfig") - members("InstanceOnboardingJobStatus")
    unknown -= set(_INSTANCE_OWN)
    instance_id = raw["connectInstanceId"]
    if unknown:
        raise ValueError(f"instance {instance_id}: unknown member(s) {sorted(unknown)}")
    request = check_instance(instance_id, raw["encryptionConfig"])
    status, failure = raw["status"], raw["failureCode"]
    if status is not None and status not in enum("InstanceOnboardingJobStatusCode"):
        raise ValueError(f"instance {instance_id}: bad status {status!r}")
    if failure is not None and (
        status != "FAILED" or failure not in enum("InstanceOnboardingJobFailureCode")
    ):
        raise ValueError(
            f"instance {instance_id}: bad failureCode {failure!r} for status {status!r}"
        )
    role = raw["serviceLinkedRoleArn"]
    if role is not None and not isinstance(role, str):
        raise ValueError(f"instance {instance_id}: bad role {role!r}")
    config = {
        name: value
        for name, value in {**raw, **request}.items()
        if name in members("InstanceConfig") and value is not None
    }
    job = None
    if status is not None:
        job = {
            name: value
            for name, value in raw.items()
            if name in members("InstanceOnboardingJobStatus") and value is not None
        }
    return InstanceRecord(config, job, _count(raw["polls"], "polls"))


def _campaign_record(
    raw: dict[str, Any], bucket: Bucket, store: Store, seqs: set[int]
) -> CampaignRecord:
    """A campaign as a valid CreateCampaign made it (its members in the model's ``Campaign``
    shape), in a modelled state, with its dial requests."""
    campaign_id, seq = raw["id"], raw["seq"]
    unknown = set(raw) - members("Campaign") - set(_CAMPAIGN_OWN)
    if unknown:
        raise ValueError(f"campaign {campaign_id!r}: unknown member(s) {sorted(unknown)}")
    data = {name: value for name, value in raw.items() if name in members("Campaign")}
    check_campaign(data, raw["state"])
    broken = violations(shape("Campaign"), data)
    if broken:
        raise ValueError(f"campaign {campaign_id!r}: " + "; ".join(broken))
    try:
        check_tag_count(data.get("tags") or {})
    except ServiceError as error:
        raise ValueError(f"campaign {campaign_id!r}: {error.message}") from None
    if not isinstance(campaign_id, str) or not campaign_id or campaign_id in store.ids:
        raise ValueError(f"missing or repeated campaign id {campaign_id!r}")
    store.ids.add(campaign_id)
    if raw["arn"] != bucket.campaign_arn(campaign_id):
        raise ValueError(f"campaign {campaign_id}: arn {raw['arn']!r} is not its ARN")
    if seq in seqs or not 0 < seq <= store.last_seq:
        raise ValueError(f"campaign {campaign_id}: seq {seq} repeated or above lastSeq")
    seqs.add(seq)
    data.setdefault("tags", {})
    campaign = CampaignRecord(data, state=raw["state"], seq=seq)
    for d in raw["dialRequests"]:
        if not all(isinstance(d[k], str) for k in ("id", "clientToken", "phoneNumber")):
            raise ValueError(f"campaign {campaign_id}: bad dial request {d!r}")
        if not isinstance(d["attributes"], dict):
            raise ValueError(f"campaign {campaign_id}: bad dial request attributes")
        accepted = DialRequest(
            id=d["id"],
            client_token=d["clientToken"],
            phone_number=d["phoneNumber"],
            expiration_time=_when(d["expirationTime"]),
            attributes=d["attributes"],
            accepted_at=_when(d["acceptedAt"]),
        )
        if accepted.id in store.ids:
            raise ValueError(f"campaign {campaign_id}: repeated id {accepted.id!r}")
        store.ids.add(accepted.id)
        campaign.dial_requests.append(accepted)
        campaign.tokens[accepted.client_token] = accepted
    return campaign


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, not {value!r}")
    return int(value)


def _is_account(value: Any) -> bool:
    try:
        check_account(value)
    except ValueError:
        return False
    return True


def _when(text: str) -> Any:
    parsed = parse_timestamp(text) if isinstance(text, str) else None
    if parsed is None:
        raise ValueError(f"Not an ISO-8601 timestamp: {text!r}")
    return parsed
