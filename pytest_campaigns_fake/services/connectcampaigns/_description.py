"""connectcampaigns (2021-01-30): the service description, business rules only.

``OPERATIONS`` is the explicit table the engine dispatches by: each rule is registered under
the model's operation name, at its implementation (grep ``"CreateCampaign"`` and land on it).
A rule receives the caller's bucket and parameters that already passed the model's
validation, and returns the output shape's members (or None for operations without output).
``CHECKS`` are the checks an operation makes on the request alone, run before faults.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any, Callable

from ...engine._engine import Description, Operation, Result
from ...engine._errors import ServiceError, not_found, validation
from ...engine._model import load
from ..campaigns import _serving as serving
from ..campaigns._batches import accept
from ..campaigns._records import (
    V1,
    Bucket,
    CampaignRecord,
    DialRequest,
    InstanceRecord,
    members,
)
from ..campaigns._shared_views import foreign, is_v2, v1_data, v1_summary
from ._hints import not_found_hint
from ._service import Quotas as Quotas
from ._service import Service as Service
from ._service import Settings as Settings

EXPIRATION_MIN = timedelta(seconds=30)
EXPIRATION_MAX = timedelta(seconds=900)
DEFAULT_PAGE_SIZE = 50
MAX_TAGS = 50
_TOKEN_KEY = b"pytest-campaigns-fake/list-campaigns"

# operation -> {current state: new state}; a state missing from the map is illegal there.
TRANSITIONS: dict[str, dict[str, str]] = {
    "StartCampaign": {"Initialized": "Running"},
    "PauseCampaign": {"Running": "Paused"},
    "ResumeCampaign": {"Paused": "Running"},
    "StopCampaign": {"Running": "Stopped", "Paused": "Stopped"},
}
AGENTLESS = "agentlessDialerConfig"


OPERATIONS: dict[str, Operation] = {}
CHECKS: dict[str, Operation] = {}


def operation(
    name: str, table: dict[str, Operation] = OPERATIONS
) -> Callable[[Operation], Operation]:
    """Register a rule for the model's operation ``name``."""

    def register(rule: Operation) -> Operation:
        table[name] = rule
        return rule

    return register


# -- checks on the request alone -------------------------------------------------------------


@operation("CreateCampaign", CHECKS)
@operation("TagResource", CHECKS)
def check_tags(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    check_tag_count(params.get("tags") or {})
    return None


@operation("StartInstanceOnboardingJob", CHECKS)
def check_encryption(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    encryption = params["encryptionConfig"]
    if encryption.get("enabled") and not encryption.get("keyArn"):
        raise validation("keyArn is required when encryption is enabled")
    return None


def list_scope(bucket: Bucket, params: dict[str, Any]) -> str:
    """What a ListCampaigns page token is bound to: the account, region and filter that
    issued it (a token replayed elsewhere is refused, as a forged one is)."""
    instance_filter = (params.get("filters") or {}).get("instanceIdFilter") or {}
    return json.dumps([bucket.account, bucket.region, instance_filter.get("value")])


def page_token_check(scope: Callable[[Bucket, dict[str, Any]], str]) -> Operation:
    """A list operation's check of its ``nextToken``: one this API issued for ``scope``."""

    def check(service: Any, bucket: Bucket, params: dict[str, Any]) -> Result:
        if params.get("nextToken"):
            read_page_token(params["nextToken"], scope(bucket, params))
        return None

    return check


CHECKS["ListCampaigns"] = page_token_check(list_scope)


# -- campaigns -------------------------------------------------------------------------------


@operation("CreateCampaign")
def create_campaign(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    instance_id = params["connectInstanceId"]
    instance = bucket.instances.get(instance_id)
    if service.settings.require_onboarding and (instance is None or instance.status != "SUCCEEDED"):
        raise ServiceError(
            "ResourceNotFoundException",
            f"Connect instance {instance_id} is not onboarded to outbound campaigns",
        )
    quota = service.quotas.campaigns_per_instance
    if bucket.count(instance_id, service.settings.share_campaigns) >= quota:
        raise ServiceError(
            "ServiceQuotaExceededException",
            f"Campaigns per instance quota of {quota} reached for instance {instance_id}",
        )
    campaign = new_campaign(service, bucket, params)
    result: dict[str, Any] = {"id": campaign.id, "arn": campaign.data["arn"]}
    if params.get("tags"):
        result["tags"] = campaign.data["tags"]
    return result


def new_campaign(
    service: Service, bucket: Bucket, request: dict[str, Any], state: str = "Initialized"
) -> CampaignRecord:
    """A campaign made from a valid CreateCampaign request: the members the model's
    ``Campaign`` declares are copied from it (a member a botocore release adds to both comes
    along without code), then the service's own: id, ARN, tags."""
    # The 50-tag cap was checked with the request (CHECKS; seeds run the same check).
    campaign_id = service.store.fresh_id(service.ids.uuid)
    # The request's params are the request path's own copy (the journal keeps the raw
    # request), and seeds copy the test's dicts: nothing stored here is shared.
    declared = members("Campaign")
    data = {name: value for name, value in request.items() if name in declared}
    data["id"] = campaign_id
    data["arn"] = bucket.campaign_arn(campaign_id)
    data["tags"] = dict(request.get("tags") or {})
    # Positional: a class called with keywords has them packed into a dict first.
    campaign = CampaignRecord(data, state, service.store.next_seq())
    bucket.add(campaign)
    return campaign


@operation("DescribeCampaign")
def describe_campaign(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return {"campaign": v1_data(campaign_of(service, bucket, params["id"]))}


@operation("DeleteCampaign")
def delete_campaign(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    bucket.remove_anywhere(campaign_of(service, bucket, params["id"]))
    return None


@operation("GetCampaignState")
def get_campaign_state(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return {"state": campaign_of(service, bucket, params["id"]).state}


@operation("GetCampaignStateBatch")
def get_campaign_state_batch(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for campaign_id in params["campaignIds"]:
        campaign = bucket.find(campaign_id, service.settings.share_campaigns)
        code = (
            "ResourceNotFound"
            if campaign is None
            else service.faults.item_failure("GetCampaignStateBatch", {"campaignId": campaign_id})
        )
        if code is not None or campaign is None:
            failed.append({"campaignId": campaign_id, "failureCode": code})
        else:
            succeeded.append(
                {"campaignId": campaign_id, "state": campaign.settle(service.clock.now())}
            )
    return {"successfulRequests": succeeded, "failedRequests": failed}


def _transition(name: str) -> Operation:
    """Start, Pause, Resume and Stop: one rule over the TRANSITIONS table."""
    legal = TRANSITIONS[name]

    def transition(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaign = campaign_of(service, bucket, params["id"])
        target = legal.get(campaign.state)
        if target is None:
            raise invalid_state(campaign, name)
        campaign.state = target
        return None

    return transition


for _name in TRANSITIONS:
    OPERATIONS[_name] = _transition(_name)


@operation("UpdateCampaignName")
def update_campaign_name(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    data = campaign_of(service, bucket, params["id"]).data
    if "lastModifiedTime" in data and data["name"] != params["name"]:
        # A v2 campaign renamed through v1 (shared campaigns) records the change as v2 does.
        data["lastModifiedTime"] = service.clock.now()
    data["name"] = params["name"]
    return None


@operation("UpdateCampaignDialerConfig")
def update_campaign_dialer_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    new = params["dialerConfig"]
    if (AGENTLESS in campaign.data["dialerConfig"]) != (AGENTLESS in new):
        raise ServiceError(
            "ConflictException",
            "The dialer of a campaign cannot be switched between agentless and "
            "agent-based after creation",
        )
    campaign.data["dialerConfig"] = new
    return None


@operation("UpdateCampaignOutboundCallConfig")
def update_campaign_outbound_call_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    changes = {k: v for k, v in params.items() if k != "id" and v is not None}
    campaign.data["outboundCallConfig"] = {**campaign.data["outboundCallConfig"], **changes}
    return None


@operation("ListCampaigns")
def list_campaigns(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    token = params.get("nextToken")
    after = read_page_token(token, list_scope(bucket, params)) if token else 0
    instance_filter = (params.get("filters") or {}).get("instanceIdFilter")
    wanted = instance_filter["value"] if instance_filter else None
    page: list[dict[str, Any]] = []
    last = after
    more = False
    for campaign in bucket.all_after(after, service.settings.share_campaigns):
        if wanted is not None and campaign.connect_instance_id != wanted:
            continue
        if len(page) == size:
            more = True
            break
        page.append(v1_summary(campaign))
        last = campaign.seq
    result: dict[str, Any] = {"campaignSummaryList": page}
    if more:
        result["nextToken"] = page_token(last, list_scope(bucket, params))
    return result


# -- dial requests ---------------------------------------------------------------------------


@operation("PutDialRequestBatch")
def put_dial_request_batch(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = own_campaign(service, bucket, params["id"])
    if campaign.state != "Running":
        raise invalid_state(campaign, "PutDialRequestBatch")
    now = service.clock.now()

    def refuse(item: dict[str, Any]) -> str | None:
        expires = item["expirationTime"]
        return None if now + EXPIRATION_MIN <= expires <= now + EXPIRATION_MAX else "InvalidInput"

    def make(ident: str, item: dict[str, Any]) -> DialRequest:
        return DialRequest(
            id=ident,
            client_token=item["clientToken"],
            phone_number=item["phoneNumber"],
            expiration_time=item["expirationTime"],
            attributes=dict(item["attributes"]),
            accepted_at=now,
        )

    return accept(
        service,
        "PutDialRequestBatch",
        campaign.id,
        params["dialRequests"],
        now=now,
        tokens=campaign.tokens,
        accepted=campaign.dial_requests,
        refuse=refuse,
        make=make,
    )


# -- onboarding and instance config ----------------------------------------------------------


@operation("StartInstanceOnboardingJob")
def start_instance_onboarding_job(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = bucket.instances.get(params["connectInstanceId"])
    if instance is not None and job_expired(service, instance):
        # The job is forgotten, the onboarding it did is not: the job reads SUCCEEDED again,
        # and is forgotten again a retention later; any other job starts over.
        instance.job_started = service.clock.now()
        if instance.status == "SUCCEEDED":
            return {"connectInstanceOnboardingJobStatus": dict(instance.job or {})}
        instance.job = None
    if instance is None or instance.status is None:
        instance = new_instance(service, bucket, params)
        if service.settings.onboarding_polls == 0:
            finish_onboarding(service, bucket, instance, "SUCCEEDED", None)
    return {"connectInstanceOnboardingJobStatus": dict(instance.job or {})}


def new_instance(service: Service, bucket: Bucket, request: dict[str, Any]) -> InstanceRecord:
    """An instance with an IN_PROGRESS job, from a valid StartInstanceOnboardingJob request:
    its config holds the members the model's ``InstanceConfig`` declares."""
    config = {k: v for k, v in request.items() if k in members("InstanceConfig")}
    instance_id = request["connectInstanceId"]
    job = {"connectInstanceId": instance_id, "status": "IN_PROGRESS"}
    known = bucket.instances.get(instance_id)
    instance = bucket.instances[instance_id] = InstanceRecord(
        config, job, job_started=service.clock.now()
    )
    if known is not None and known.job is None:
        # An instance known without a job (v2 integrations or limits written while
        # require_onboarding was off) keeps them when it is onboarded.
        instance.adopt_integrations(known)
        instance.limits = known.limits
    return instance


@operation("GetInstanceOnboardingJobStatus")
def get_instance_onboarding_job_status(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = with_job(service, bucket, params["connectInstanceId"])
    if instance.status == "IN_PROGRESS":
        instance.polls += 1
        target = service.settings.onboarding_polls
        if target is not None and instance.polls >= target:
            finish_onboarding(service, bucket, instance, "SUCCEEDED", None)
    return {"connectInstanceOnboardingJobStatus": dict(instance.job or {})}


def finish_onboarding(
    service: Service,
    bucket: Bucket,
    instance: InstanceRecord,
    status: str,
    failure_code: str | None,
) -> None:
    job = instance.job = {"connectInstanceId": instance.connect_instance_id, "status": status}
    if failure_code is not None:
        job["failureCode"] = failure_code
    if status == "SUCCEEDED" and instance.config.get("serviceLinkedRoleArn") is None:
        instance.config["serviceLinkedRoleArn"] = (
            f"arn:{bucket.aws_partition}:iam::{bucket.account}:role/aws-service-role/"
            "connect-campaigns.amazonaws.com/AWSServiceRoleForConnectCampaigns_"
            f"{service.ids.alphanumeric(20)}"
        )


@operation("DeleteInstanceOnboardingJob")
def delete_instance_onboarding_job(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = with_job(service, bucket, params["connectInstanceId"])
    if instance.status != "FAILED":
        raise ServiceError(
            "InvalidStateException",
            f"Only a FAILED onboarding job can be deleted; this one is {instance.status}",
        )
    del bucket.instances[instance.connect_instance_id]
    return None


@operation("GetConnectInstanceConfig")
def get_connect_instance_config(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    instance = onboarded(bucket, params["connectInstanceId"])
    return {"connectInstanceConfig": dict(instance.config)}


@operation("DeleteConnectInstanceConfig")
def delete_connect_instance_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = onboarded(bucket, params["connectInstanceId"])
    remaining = bucket.count(instance.connect_instance_id, service.settings.share_campaigns)
    if remaining:
        raise ServiceError(
            "InvalidStateException",
            f"Instance {instance.connect_instance_id} still has {remaining} campaign(s); "
            "delete them first",
        )
    del bucket.instances[instance.connect_instance_id]
    return None


# -- tags ------------------------------------------------------------------------------------


@operation("TagResource")
def tag_resource(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = tagged(service, bucket, params["arn"])
    merged = {**campaign.data["tags"], **params["tags"]}
    check_tag_count(merged)
    campaign.data["tags"] = merged
    return None


@operation("UntagResource")
def untag_resource(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    campaign = tagged(service, bucket, params["arn"])
    for key in params["tagKeys"]:
        campaign.data["tags"].pop(key, None)
    return None


@operation("ListTagsForResource")
def list_tags_for_resource(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    return {"tags": dict(tagged(service, bucket, params["arn"]).data["tags"])}


# -- shared by the rules ---------------------------------------------------------------------


def check_tag_count(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise validation(
            f"A resource can have at most {MAX_TAGS} tags; this one would have {len(tags)}"
        )


def campaign_of(service: Service, bucket: Bucket, campaign_id: str) -> CampaignRecord:
    """The campaign ``campaign_id`` of this API (either API's when campaigns are shared), its
    state settled at the fake's now."""
    campaign = bucket.find(campaign_id, service.settings.share_campaigns)
    if campaign is None:
        raise not_found("Campaign", campaign_id)
    campaign.settle(service.clock.now())
    return campaign


def own_campaign(service: Service, bucket: Bucket, campaign_id: str) -> CampaignRecord:
    """A campaign whose configuration or requests the call changes: this API's own."""
    campaign = campaign_of(service, bucket, campaign_id)
    if is_v2(campaign):
        raise foreign(campaign)
    return campaign


def invalid_state(campaign: CampaignRecord, operation: str) -> ServiceError:
    return ServiceError(
        "InvalidCampaignStateException",
        f"{operation} is not allowed for campaign {campaign.id} in state {campaign.state}",
        state=campaign.state,
    )


def with_job(service: Service, bucket: Bucket, instance_id: str) -> InstanceRecord:
    """The instance, which must have an onboarding job not yet forgotten."""
    instance = bucket.instances.get(instance_id)
    if instance is None or instance.job is None or job_expired(service, instance):
        raise not_found("Onboarding job", instance_id)
    return instance


def job_expired(service: Service, instance: InstanceRecord) -> bool:
    """Whether the instance's onboarding job is forgotten (its config and campaigns stay)."""
    retention = service.job_retention()
    started = instance.job_started
    return (
        retention is not None and started is not None and service.clock.now() - started >= retention
    )


def onboarded(bucket: Bucket, instance_id: str) -> InstanceRecord:
    instance = bucket.instances.get(instance_id)
    if instance is None or instance.status != "SUCCEEDED":
        raise not_found("Connect instance config", instance_id)
    return instance


def tagged(service: Service, bucket: Bucket, arn: str) -> CampaignRecord:
    # An ARN of another partition, account, region, service or resource type never has this
    # bucket's prefix.
    prefix = bucket.campaign_arn("")
    campaign = (
        bucket.find(arn[len(prefix) :], service.settings.share_campaigns)
        if arn.startswith(prefix)
        else None
    )
    if campaign is None:
        raise not_found("Resource", arn)
    return campaign


def page_token(after: int, scope: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode()
    return f"{payload}.{_mac(payload, scope)}"


def read_page_token(token: str, scope: str) -> int:
    payload, _, mac = token.partition(".")
    # As bytes: compare_digest refuses str with non-ASCII characters.
    if not hmac.compare_digest(mac.encode(), _mac(payload, scope).encode()):
        raise validation(f"Invalid nextToken: {token}")
    try:
        after = json.loads(base64.urlsafe_b64decode(payload.encode()))["after"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise validation(f"Invalid nextToken: {token}") from None
    if not isinstance(after, int):
        raise validation(f"Invalid nextToken: {token}")
    return after


def _mac(payload: str, scope: str) -> str:
    signed = f"{scope}\n{payload}".encode()
    return hmac.new(_TOKEN_KEY, signed, hashlib.sha256).hexdigest()[:24]


def error_member(service: Service, bucket: Bucket, member: str, params: dict[str, Any]) -> Any:
    """What an injected error reports of the state: InvalidCampaignStateException's
    ``state`` is the campaign's own."""
    if member == "state":
        campaign = bucket.find(params.get("id", ""), service.settings.share_campaigns)
        return campaign.state if campaign is not None else None
    return None


def hint(
    service: Service, operation: str, params: dict[str, Any], account: str, region: str
) -> str | None:
    return not_found_hint(service.store, operation, params, account, region)


DESCRIPTION = Description(
    model=load(V1),
    operations=OPERATIONS,
    checks=CHECKS,
    buckets=serving.buckets,
    error_member=error_member,
    hint=hint,
    key_params=serving.KEY_PARAMS,
    item_keys=serving.ITEM_KEYS,
)
