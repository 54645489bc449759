"""The 22 operations: business rules only.

Each method receives the caller's partition and parameters that already passed the model's
validation, and returns the output shape's members (or None for operations without output).
Method names are the model's operation names in snake case; the fake dispatches by them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Optional

from botocore import xform_name

from ._clock import Clock, Ids
from ._errors import ServiceError, not_found, validation
from ._options import check_bool, check_count
from ._store import Campaign, DialRequest, Instance, Partition, Store

Result = Optional[dict[str, Any]]

EXPIRATION_MIN = timedelta(seconds=30)
EXPIRATION_MAX = timedelta(seconds=900)
CLIENT_TOKEN_VALIDITY = timedelta(days=7)
DEFAULT_PAGE_SIZE = 50
_TOKEN_KEY = b"pytest-campaigns-fake/list-campaigns"

# operation -> {current state: new state}; a state missing from the map is illegal there.
TRANSITIONS: dict[str, dict[str, str]] = {
    "StartCampaign": {"Initialized": "Running"},
    "PauseCampaign": {"Running": "Paused"},
    "ResumeCampaign": {"Paused": "Running"},
    "StopCampaign": {"Running": "Stopped", "Paused": "Stopped"},
}
AGENTLESS = "agentlessDialerConfig"


@dataclass
class Quotas:
    """Adjustable service quotas; a value is checked when it is set (``"25"`` is refused)."""

    campaigns_per_instance: int = 25

    def __setattr__(self, name: str, value: Any) -> None:
        check_count(name, value)
        super().__setattr__(name, value)


@dataclass
class Settings:
    """Behaviour a test may change while the fake runs; values are checked when set."""

    require_onboarding: bool = True
    # An IN_PROGRESS onboarding job succeeds on this status poll; None: only when told.
    onboarding_polls: int | None = 1

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "require_onboarding":
            check_bool(name, value)
        elif value is not None:
            check_count(name, value, none="None")
        super().__setattr__(name, value)


class Hooks:
    """Points where the test-control surface reaches into an operation (per-item faults)."""

    def dial_request_failure(self, campaign: Campaign, item: dict[str, Any]) -> str | None:
        return None

    def campaign_state_failure(self, partition: Partition, campaign_id: str) -> str | None:
        return None


class Service:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: Ids,
        settings: Settings,
        quotas: Quotas,
        hooks: Hooks | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.settings = settings
        self.quotas = quotas
        self.hooks = hooks or Hooks()

    def check(self, operation: str, p: Partition, params: dict[str, Any]) -> None:
        """The checks an operation makes on the request alone (ValidationException), made
        before any business rule or fault: an invalid request never uses up a fault."""
        if operation in ("CreateCampaign", "TagResource"):
            check_tag_count(params.get("tags") or {})
        elif operation == "StartInstanceOnboardingJob":
            encryption = params["encryptionConfig"]
            if encryption.get("enabled") and not encryption.get("keyArn"):
                raise validation("keyArn is required when encryption is enabled")
        elif operation == "ListCampaigns" and params.get("nextToken"):
            read_page_token(params["nextToken"], list_scope(p, params))

    def handler(self, operation: str) -> Callable[[Partition, dict[str, Any]], Result] | None:
        """What implements ``operation``: a state transition of the table, or the method named
        as the model names the operation, in snake case."""
        if operation in TRANSITIONS:
            return functools.partial(self._transition, operation=operation)
        method = getattr(self, xform_name(operation), None)
        return method if callable(method) else None

    # -- campaigns ---------------------------------------------------------------------------

    def create_campaign(self, p: Partition, params: dict[str, Any]) -> Result:
        instance_id = params["connectInstanceId"]
        instance = p.instances.get(instance_id)
        if self.settings.require_onboarding and (
            instance is None or instance.status != "SUCCEEDED"
        ):
            raise ServiceError(
                "ResourceNotFoundException",
                f"Connect instance {instance_id} is not onboarded to outbound campaigns",
            )
        if p.campaigns_per_instance.get(instance_id, 0) >= self.quotas.campaigns_per_instance:
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"Campaigns per instance quota of {self.quotas.campaigns_per_instance} "
                f"reached for instance {instance_id}",
            )
        campaign = self.new_campaign(
            p,
            name=params["name"],
            connect_instance_id=instance_id,
            dialer_config=params["dialerConfig"],
            outbound_call_config=params["outboundCallConfig"],
            tags=params.get("tags") or {},
        )
        result: dict[str, Any] = {"id": campaign.id, "arn": campaign.arn}
        if campaign.tags:
            result["tags"] = campaign.tags
        return result

    def new_campaign(
        self,
        p: Partition,
        *,
        name: str,
        connect_instance_id: str,
        dialer_config: dict[str, Any],
        outbound_call_config: dict[str, Any],
        tags: dict[str, str],
        state: str = "Initialized",
    ) -> Campaign:
        check_tag_count(tags)
        campaign_id = self.store.fresh_id(self.ids.uuid)
        # The request path's params are its own copy (the journal keeps the raw request), and
        # seeds copy the test's dicts: nothing stored here is shared.
        campaign = Campaign(
            id=campaign_id,
            arn=p.campaign_arn(campaign_id),
            name=name,
            connect_instance_id=connect_instance_id,
            dialer_config=dialer_config,
            outbound_call_config=outbound_call_config,
            tags=dict(tags),
            state=state,
            seq=self.store.next_seq(),
        )
        p.add(campaign)
        return campaign

    def describe_campaign(self, p: Partition, params: dict[str, Any]) -> Result:
        return {"campaign": campaign_of(p, params["id"]).describe()}

    def delete_campaign(self, p: Partition, params: dict[str, Any]) -> Result:
        p.remove(campaign_of(p, params["id"]))
        return None

    def get_campaign_state(self, p: Partition, params: dict[str, Any]) -> Result:
        return {"state": campaign_of(p, params["id"]).state}

    def get_campaign_state_batch(self, p: Partition, params: dict[str, Any]) -> Result:
        succeeded: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for campaign_id in params["campaignIds"]:
            campaign = p.campaigns.get(campaign_id)
            code = (
                "ResourceNotFound"
                if campaign is None
                else self.hooks.campaign_state_failure(p, campaign_id)
            )
            if code is not None:
                failed.append({"campaignId": campaign_id, "failureCode": code})
            else:
                assert campaign is not None
                succeeded.append({"campaignId": campaign_id, "state": campaign.state})
        return {"successfulRequests": succeeded, "failedRequests": failed}

    def _transition(self, p: Partition, params: dict[str, Any], operation: str) -> Result:
        """Start, Pause, Resume and Stop: one rule, the TRANSITIONS table."""
        campaign = campaign_of(p, params["id"])
        target = TRANSITIONS[operation].get(campaign.state)
        if target is None:
            raise invalid_state(campaign, operation)
        campaign.state = target
        return None

    def update_campaign_name(self, p: Partition, params: dict[str, Any]) -> Result:
        campaign_of(p, params["id"]).name = params["name"]
        return None

    def update_campaign_dialer_config(self, p: Partition, params: dict[str, Any]) -> Result:
        campaign = campaign_of(p, params["id"])
        new = params["dialerConfig"]
        if (AGENTLESS in campaign.dialer_config) != (AGENTLESS in new):
            raise ServiceError(
                "ConflictException",
                "The dialer of a campaign cannot be switched between agentless and "
                "agent-based after creation",
            )
        campaign.dialer_config = new
        return None

    def update_campaign_outbound_call_config(self, p: Partition, params: dict[str, Any]) -> Result:
        campaign = campaign_of(p, params["id"])
        changes = {k: v for k, v in params.items() if k != "id" and v is not None}
        campaign.outbound_call_config = {**campaign.outbound_call_config, **changes}
        return None

    def list_campaigns(self, p: Partition, params: dict[str, Any]) -> Result:
        size = params.get("maxResults") or DEFAULT_PAGE_SIZE
        token = params.get("nextToken")
        after = read_page_token(token, list_scope(p, params)) if token else 0
        instance_filter = (params.get("filters") or {}).get("instanceIdFilter")
        wanted = instance_filter["value"] if instance_filter else None
        page: list[dict[str, Any]] = []
        last = after
        more = False
        for campaign in p.after(after):
            if wanted is not None and campaign.connect_instance_id != wanted:
                continue
            if len(page) == size:
                more = True
                break
            page.append(campaign.summary())
            last = campaign._seq
        result: dict[str, Any] = {"campaignSummaryList": page}
        if more:
            result["nextToken"] = page_token(last, list_scope(p, params))
        return result

    # -- dial requests -----------------------------------------------------------------------

    def put_dial_request_batch(self, p: Partition, params: dict[str, Any]) -> Result:
        campaign = campaign_of(p, params["id"])
        if campaign.state != "Running":
            raise invalid_state(campaign, "PutDialRequestBatch")
        now = self.clock.now()
        succeeded: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for item in params["dialRequests"]:
            token = item["clientToken"]
            known = campaign._tokens.get(token)
            if known is not None and now - known.accepted_at < CLIENT_TOKEN_VALIDITY:
                succeeded.append({"clientToken": token, "id": known.id})
                continue
            expires = item["expirationTime"]
            code = (
                "InvalidInput"
                if not now + EXPIRATION_MIN <= expires <= now + EXPIRATION_MAX
                else self.hooks.dial_request_failure(campaign, item)
            )
            if code is not None:
                failed.append(
                    {
                        "clientToken": token,
                        "id": self.store.fresh_id(self.ids.uuid),
                        "failureCode": code,
                    }
                )
                continue
            accepted = DialRequest(
                id=self.store.fresh_id(self.ids.uuid),
                client_token=token,
                phone_number=item["phoneNumber"],
                expiration_time=expires,
                attributes=dict(item["attributes"]),
                accepted_at=now,
            )
            campaign.dial_requests.append(accepted)
            campaign._tokens[token] = accepted
            succeeded.append({"clientToken": token, "id": accepted.id})
        return {"successfulRequests": succeeded, "failedRequests": failed}

    # -- onboarding and instance config ------------------------------------------------------

    def start_instance_onboarding_job(self, p: Partition, params: dict[str, Any]) -> Result:
        instance_id = params["connectInstanceId"]
        encryption = params["encryptionConfig"]
        instance = p.instances.get(instance_id)
        if instance is None or instance.status is None:
            instance = p.instances[instance_id] = Instance(
                instance_id, status="IN_PROGRESS", encryption_config=dict(encryption)
            )
            if self.settings.onboarding_polls == 0:
                self.finish_onboarding(p, instance, "SUCCEEDED", None)
        return {"connectInstanceOnboardingJobStatus": instance.job()}

    def get_instance_onboarding_job_status(self, p: Partition, params: dict[str, Any]) -> Result:
        instance = p.instances.get(params["connectInstanceId"])
        if instance is None or instance.status is None:
            raise not_found("Onboarding job", params["connectInstanceId"])
        if instance.status == "IN_PROGRESS":
            instance.polls += 1
            target = self.settings.onboarding_polls
            if target is not None and instance.polls >= target:
                self.finish_onboarding(p, instance, "SUCCEEDED", None)
        return {"connectInstanceOnboardingJobStatus": instance.job()}

    def finish_onboarding(
        self, p: Partition, instance: Instance, status: str, failure_code: str | None
    ) -> None:
        instance.status = status
        instance.failure_code = failure_code
        if status == "SUCCEEDED" and instance.service_linked_role_arn is None:
            instance.service_linked_role_arn = (
                f"arn:{p.aws_partition}:iam::{p.account}:role/aws-service-role/"
                "connect-campaigns.amazonaws.com/AWSServiceRoleForConnectCampaigns_"
                f"{self.ids.alphanumeric(20)}"
            )

    def delete_instance_onboarding_job(self, p: Partition, params: dict[str, Any]) -> Result:
        instance = p.instances.get(params["connectInstanceId"])
        if instance is None or instance.status is None:
            raise not_found("Onboarding job", params["connectInstanceId"])
        if instance.status != "FAILED":
            raise ServiceError(
                "InvalidStateException",
                f"Only a FAILED onboarding job can be deleted; this one is {instance.status}",
            )
        del p.instances[instance.connect_instance_id]
        return None

    def get_connect_instance_config(self, p: Partition, params: dict[str, Any]) -> Result:
        instance = onboarded(p, params["connectInstanceId"])
        return {"connectInstanceConfig": instance.config()}

    def delete_connect_instance_config(self, p: Partition, params: dict[str, Any]) -> Result:
        instance = onboarded(p, params["connectInstanceId"])
        remaining = p.campaigns_per_instance.get(instance.connect_instance_id, 0)
        if remaining:
            raise ServiceError(
                "InvalidStateException",
                f"Instance {instance.connect_instance_id} still has {remaining} campaign(s); "
                "delete them first",
            )
        del p.instances[instance.connect_instance_id]
        return None

    # -- tags --------------------------------------------------------------------------------

    def tag_resource(self, p: Partition, params: dict[str, Any]) -> Result:
        campaign = tagged(p, params["arn"])
        merged = {**campaign.tags, **params["tags"]}
        check_tag_count(merged)
        campaign.tags = merged
        return None

    def untag_resource(self, p: Partition, params: dict[str, Any]) -> Result:
        campaign = tagged(p, params["arn"])
        for key in params["tagKeys"]:
            campaign.tags.pop(key, None)
        return None

    def list_tags_for_resource(self, p: Partition, params: dict[str, Any]) -> Result:
        return {"tags": dict(tagged(p, params["arn"]).tags)}


MAX_TAGS = 50


def check_tag_count(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise validation(
            f"A resource can have at most {MAX_TAGS} tags; this one would have {len(tags)}"
        )


def campaign_of(p: Partition, campaign_id: str) -> Campaign:
    campaign = p.campaigns.get(campaign_id)
    if campaign is None:
        raise not_found("Campaign", campaign_id)
    return campaign


def invalid_state(campaign: Campaign, operation: str) -> ServiceError:
    return ServiceError(
        "InvalidCampaignStateException",
        f"{operation} is not allowed for campaign {campaign.id} in state {campaign.state}",
        state=campaign.state,
    )


def onboarded(p: Partition, instance_id: str) -> Instance:
    instance = p.instances.get(instance_id)
    if instance is None or instance.status != "SUCCEEDED":
        raise not_found("Connect instance config", instance_id)
    return instance


def tagged(p: Partition, arn: str) -> Campaign:
    # An ARN of another partition, account, region, service or resource type never has this
    # partition's prefix.
    prefix = p.campaign_arn("")
    campaign = p.campaigns.get(arn[len(prefix) :]) if arn.startswith(prefix) else None
    if campaign is None:
        raise not_found("Resource", arn)
    return campaign


def list_scope(p: Partition, params: dict[str, Any]) -> str:
    """What a ListCampaigns page token is bound to: the account, region and filter that
    issued it (a token replayed elsewhere is refused, as a forged one is)."""
    instance_filter = (params.get("filters") or {}).get("instanceIdFilter") or {}
    return json.dumps([p.account, p.region, instance_filter.get("value")])


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
