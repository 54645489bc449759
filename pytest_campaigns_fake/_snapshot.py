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
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Union

from . import _connectcampaignsv2 as v2
from ._connectcampaigns import Quotas, Settings, check_tag_count
from ._errors import ServiceError
from ._model import SERVICE_NAME
from ._options import check_account
from ._records import (
    V2,
    Bucket,
    CampaignRecord,
    CampaignV2Record,
    DialRequest,
    InstanceRecord,
    OutboundRequest,
    ProfileOutboundRequest,
    Store,
    members,
    shape,
)
from ._seeds import check_campaign, check_choice, check_instance, check_request, enum
from ._validation import violations
from ._wire import iso8601, json_default, parse_timestamp, shaped

FORMAT = "pytest-campaigns-fake/1"
# Whether restore() checks each campaign against the model (not for a state file's own).
_checking: ContextVar[bool] = ContextVar("checking", default=True)
# Every v2 setting: its key in a snapshot's "v2.settings" -> its name on v2.Settings.
V2_SETTINGS = {
    "pendingRequestCap": "pending_request_cap",
    "pendingRequestCapFailureCode": "pending_request_cap_failure_code",
    "maxExpirationSeconds": "max_expiration_seconds",
    "profileRequestsNeedEventTrigger": "profile_requests_need_event_trigger",
    "eventTriggerNeedsIntegration": "event_trigger_needs_integration",
    "jobExpiryDays": "job_expiry_days",
    "webNotificationNeedsObjectType": "web_notification_needs_object_type",
    "acceptUsGovArns": "accept_us_gov_arns",
}
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


# The record's members beside those of the model's shapes: the fake's own.
_INSTANCE_OWN = ("polls", "jobStartedAt", "integrations", "communicationLimits")
_CAMPAIGN_V2_OWN = ("state", "seq", "outboundRequests", "profileOutboundRequests")
_CAMPAIGN_OWN = ("state", "seq", "dialRequests")


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
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"Not a pytest-campaigns-fake snapshot (format {found!r})")
    try:
        checking = _checking.set(not own)
        try:
            loaded = _build(data if own else copy.deepcopy(data))
        finally:
            _checking.reset(checking)
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


# A snapshot without a "v2" part (taken before the fake served connectcampaignsv2) loads
# with v2's defaults.
def _v2_state(raw: Any) -> tuple[v2.Quotas, v2.Settings, set[str]]:
    raw = raw or {}
    quotas_raw, settings_raw = raw.get("quotas") or {}, raw.get("settings") or {}
    defaults = v2.Quotas()
    quotas = v2.Quotas(
        campaigns_per_instance=_count(
            quotas_raw.get("campaignsPerInstance", defaults.campaigns_per_instance),
            "v2.quotas.campaignsPerInstance",
        ),
        active_campaigns_per_instance=_count(
            quotas_raw.get("activeCampaignsPerInstance", defaults.active_campaigns_per_instance),
            "v2.quotas.activeCampaignsPerInstance",
        ),
    )
    settings = v2.Settings()
    for key, name in V2_SETTINGS.items():
        # A setting the snapshot predates keeps its default.
        if key in settings_raw:
            try:
                setattr(settings, name, settings_raw[key])
            except (TypeError, ValueError) as exc:
                raise ValueError(f"v2.settings.{key}: {exc}") from None
    missing = raw.get("missingProfiles") or []
    if not isinstance(missing, list) or not all(isinstance(p, str) for p in missing):
        raise ValueError(f"v2.missingProfiles must be a list of profile ids: {missing!r}")
    return quotas, settings, set(missing)


def _build(
    data: dict[str, Any],
) -> tuple[
    Store,
    int,
    bool,
    int | None,
    bool,
    dict[str, str],
    tuple[v2.Quotas, v2.Settings, set[str]],
]:
    store = Store()
    store.last_seq = _count(data["lastSeq"], "lastSeq")
    per_instance = _count(data["quotas"]["campaignsPerInstance"], "quotas.campaignsPerInstance")
    require_onboarding = data["settings"]["requireOnboarding"]
    if not isinstance(require_onboarding, bool):
        raise ValueError(f"settings.requireOnboarding must be a boolean: {require_onboarding!r}")
    polls = data["settings"]["onboardingPolls"]
    if polls is not None:
        polls = _count(polls, "settings.onboardingPolls")
    # Absent from snapshots taken before campaigns could be shared: separate, as then.
    share = data["settings"].get("shareCampaigns", False)
    if not isinstance(share, bool):
        raise ValueError(f"settings.shareCampaigns must be a boolean: {share!r}")
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
        v2_live = sorted(part.get("v2Campaigns", []), key=lambda c: _count(c["seq"], "seq"))
        v2_deleted = part.get("v2DeletedCampaigns", [])
        if not isinstance(v2_deleted, list):
            raise ValueError("v2DeletedCampaigns must be a list")
        for raw, gone in [(c, False) for c in v2_live] + [(c, True) for c in v2_deleted]:
            kept = _campaign_v2_record(raw, bucket, store, seqs)
            if gone:
                bucket.v2.deleted[kept.id] = kept
            else:
                bucket.v2.add(kept)
    accounts = {k: str(v) for k, v in accounts.items()}
    return (
        store,
        per_instance,
        require_onboarding,
        polls,
        share,
        accounts,
        _v2_state(data.get("v2")),
    )


def _instance_record(raw: dict[str, Any]) -> InstanceRecord:
    """An instance as a valid StartInstanceOnboardingJob made it, then its job and role."""
    unknown = set(raw) - members("InstanceConfig") - members("InstanceOnboardingJobStatus")
    unknown -= set(_INSTANCE_OWN)
    instance_id = raw["connectInstanceId"]
    if unknown:
        raise ValueError(f"instance {instance_id}: unknown member(s) {sorted(unknown)}")
    status, failure = raw["status"], raw["failureCode"]
    if status is None and "encryptionConfig" not in raw:
        # Known without a job or config: v2 integrations or limits written while
        # require_onboarding was off.
        request = check_request(
            "GetInstanceCommunicationLimits", {"connectInstanceId": instance_id}, V2
        )
    else:
        request = check_instance(instance_id, raw["encryptionConfig"])
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
    record = InstanceRecord(config, job, _count(raw["polls"], "polls"))
    started = raw.get("jobStartedAt")
    record.job_started = None if started is None else _when(started)
    integrations = raw.get("integrations") or []
    for integration in integrations:
        request = {"connectInstanceId": instance_id, "integrationConfig": integration}
        check_request("PutConnectInstanceIntegration", request, V2)
    record.integrations = [dict(i) for i in integrations]
    limits = raw.get("communicationLimits")
    if limits is not None:
        request = {"connectInstanceId": instance_id, "communicationLimitsConfig": limits}
        record.limits = check_request("PutInstanceCommunicationLimits", request, V2)[
            "communicationLimitsConfig"
        ]
    return record


def _campaign_data(
    raw: dict[str, Any],
    bucket: Bucket,
    store: Store,
    seqs: set[int],
    service: str,
    check: Callable[[dict[str, Any], str], Any],
) -> dict[str, Any]:
    """A campaign's members in the ``Campaign`` shape of ``service``'s model, checked against
    it (and by ``check``, with the state), its id, ARN and seq against the store; what every
    campaign of a snapshot must be, whichever API made it."""
    label = "campaign" if service == SERVICE_NAME else "v2 campaign"
    campaign_id, seq = raw["id"], raw["seq"]
    declared = members("Campaign", service)
    own = _CAMPAIGN_OWN if service == SERVICE_NAME else _CAMPAIGN_V2_OWN
    unknown = set(raw) - declared - set(own)
    if unknown:
        raise ValueError(f"{label} {campaign_id!r}: unknown member(s) {sorted(unknown)}")
    data = {name: value for name, value in raw.items() if name in declared}
    if _checking.get():
        check(data, raw["state"])
        broken = violations(shape("Campaign", service), data)
        if broken:
            raise ValueError(f"{label} {campaign_id!r}: " + "; ".join(broken))
    # As a request made it: timestamps as datetimes, numbers as the model's types.
    data = dict(shaped(shape("Campaign", service), data))
    try:
        check_tag_count(data.get("tags") or {})
    except ServiceError as error:
        raise ValueError(f"{label} {campaign_id!r}: {error.message}") from None
    if not isinstance(campaign_id, str) or not campaign_id or campaign_id in store.ids:
        raise ValueError(f"missing or repeated campaign id {campaign_id!r}")
    store.ids.add(campaign_id)
    if raw["arn"] != bucket.campaign_arn(campaign_id):
        raise ValueError(f"{label} {campaign_id}: arn {raw['arn']!r} is not its ARN")
    if seq in seqs or not 0 < seq <= store.last_seq:
        raise ValueError(f"{label} {campaign_id}: seq {seq} repeated or above lastSeq")
    seqs.add(seq)
    data.setdefault("tags", {})
    return data


def _campaign_record(
    raw: dict[str, Any], bucket: Bucket, store: Store, seqs: set[int]
) -> CampaignRecord:
    """A campaign as a valid CreateCampaign made it, in a modelled state, with its dial
    requests."""
    data = _campaign_data(raw, bucket, store, seqs, SERVICE_NAME, check_campaign)
    campaign_id = data["id"]
    campaign = CampaignRecord(data, state=raw["state"], seq=raw["seq"])
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
        _hold_id(store, f"campaign {campaign_id}", accepted.id)
        campaign.dial_requests.append(accepted)
        campaign.tokens[accepted.client_token] = accepted
    return campaign


def _campaign_v2_record(
    raw: dict[str, Any], bucket: Bucket, store: Store, seqs: set[int]
) -> CampaignV2Record:
    """A v2 campaign in a modelled state, with the outbound and profile outbound requests it
    accepted."""
    data = _campaign_data(
        raw,
        bucket,
        store,
        seqs,
        V2,
        lambda data, state: check_choice("state", state, "CampaignState", V2),
    )
    campaign_id = data["id"]
    record = CampaignV2Record(data, state=raw["state"], seq=raw["seq"])
    for r in raw.get("outboundRequests", []):
        if not all(isinstance(r[k], str) for k in ("id", "clientToken")) or not isinstance(
            r["channelSubtypeParameters"], dict
        ):
            raise ValueError(f"v2 campaign {campaign_id}: bad outbound request {r!r}")
        outbound = OutboundRequest(
            id=r["id"],
            client_token=r["clientToken"],
            expiration_time=_when(r["expirationTime"]),
            channel_subtype_parameters=r["channelSubtypeParameters"],
            accepted_at=_when(r["acceptedAt"]),
        )
        _hold_id(store, f"v2 campaign {campaign_id}", outbound.id)
        record.outbound_requests.append(outbound)
        record.outbound_tokens[outbound.client_token] = outbound
    for r in raw.get("profileOutboundRequests", []):
        if not all(isinstance(r[k], str) for k in ("id", "clientToken", "profileId")):
            raise ValueError(f"v2 campaign {campaign_id}: bad profile request {r!r}")
        expires = r.get("expirationTime")
        profile = ProfileOutboundRequest(
            id=r["id"],
            client_token=r["clientToken"],
            profile_id=r["profileId"],
            expiration_time=None if expires is None else _when(expires),
            event_trigger_context=r.get("eventTriggerContext"),
            accepted_at=_when(r["acceptedAt"]),
        )
        _hold_id(store, f"v2 campaign {campaign_id}", profile.id)
        record.profile_requests.append(profile)
        record.profile_tokens[profile.client_token] = profile
    return record


def _hold_id(store: Store, label: str, ident: str) -> None:
    if ident in store.ids:
        raise ValueError(f"{label}: repeated id {ident!r}")
    store.ids.add(ident)


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
