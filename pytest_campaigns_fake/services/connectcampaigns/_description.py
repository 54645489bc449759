"""connectcampaigns (2021-01-30): the service description, business rules only.

``OPERATIONS`` is the explicit table the engine dispatches by: each rule is registered under
the model's operation name, at its implementation (grep ``"CreateCampaign"`` and land on it).
A rule receives the caller's bucket and parameters that already passed the model's
validation, and returns the output shape's members (or None for operations without output).
``CHECKS`` are the checks an operation makes on the request alone, run before faults.

The rules v1 and v2 answer alike are written once in ``campaigns/`` (``_rules.py``,
``_onboarding.py``) and registered here for v1's ``API``: its campaigns are a bucket's own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ...engine._engine import Description, Operation, Result, registrar
from ...engine._errors import ServiceError
from ...engine._model import load
from ..campaigns import _onboarding as onboarding
from ..campaigns import _rules as rules
from ..campaigns import _serving as serving
from ..campaigns._api import Api
from ..campaigns._batches import accept
from ..campaigns._hints import not_found_hint
from ..campaigns._onboarding import finish_onboarding as finish_onboarding
from ..campaigns._onboarding import new_instance as new_instance
from ..campaigns._page_tokens import list_scope, page_token_check
from ..campaigns._records import V1, Bucket, CampaignRecord, DialRequest
from ..campaigns._rules import TRANSITIONS, invalid_state, settled
from ..campaigns._shared_views import foreign, is_v2, v1_data, v1_summary
from ..campaigns._tags import MAX_TAGS as MAX_TAGS
from ..campaigns._tags import check_tag_count as check_tag_count
from ._service import Quotas as Quotas
from ._service import Service as Service
from ._service import Settings as Settings

EXPIRATION_MIN = timedelta(seconds=30)
EXPIRATION_MAX = timedelta(seconds=900)
AGENTLESS = "agentlessDialerConfig"

#: Which API the rules written once act for: v1's campaigns are a bucket's own.
API = Api(V1, data=v1_data, summary=v1_summary)

OPERATIONS: dict[str, Operation] = {}
CHECKS: dict[str, Operation] = {}

#: ``@operation("Name")``: a rule registered in the table (``CHECKS`` given as second argument).
operation = registrar(OPERATIONS)


# -- checks on the request alone -------------------------------------------------------------

operation("CreateCampaign", CHECKS)(rules.check_tags)
operation("TagResource", CHECKS)(rules.check_tags)
operation("StartInstanceOnboardingJob", CHECKS)(onboarding.check_encryption)
operation("ListCampaigns", CHECKS)(page_token_check(list_scope(API.scope_prefix)))


# -- campaigns -------------------------------------------------------------------------------

operation("CreateCampaign")(rules.create_campaign(API))
operation("DescribeCampaign")(rules.describe_campaign(API))
operation("DeleteCampaign")(rules.delete_campaign(API))
operation("GetCampaignState")(rules.get_campaign_state(API))
operation("GetCampaignStateBatch")(rules.get_campaign_state_batch(API))
for _name in TRANSITIONS:
    operation(_name)(rules.transition(API, _name))
operation("ListCampaigns")(rules.list_campaigns(API))


def new_campaign(
    service: Service, bucket: Bucket, request: dict[str, Any], state: str = "Initialized"
) -> CampaignRecord:
    """A v1 campaign made from a valid CreateCampaign request (a seed's too)."""
    return rules.new_campaign(API, service, bucket, request, state)


@operation("UpdateCampaignName")
def update_campaign_name(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    data = settled(bucket, service, params["id"]).data
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


def own_campaign(service: Service, bucket: Bucket, campaign_id: str) -> CampaignRecord:
    """A campaign whose configuration or requests the call changes: this API's own."""
    campaign = settled(bucket, service, campaign_id)
    if is_v2(campaign):
        raise foreign(campaign)
    return campaign


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


# -- onboarding and instance config (one job per instance, for both APIs) ----------------------

operation("StartInstanceOnboardingJob")(onboarding.start_instance_onboarding_job)
operation("GetInstanceOnboardingJobStatus")(onboarding.get_instance_onboarding_job_status)
operation("DeleteInstanceOnboardingJob")(onboarding.delete_instance_onboarding_job)
operation("GetConnectInstanceConfig")(onboarding.get_connect_instance_config)


@operation("DeleteConnectInstanceConfig")
def delete_connect_instance_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = onboarding.onboarded(bucket, params["connectInstanceId"])
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

operation("TagResource")(rules.tag_resource(API))
operation("UntagResource")(rules.untag_resource(API))
operation("ListTagsForResource")(rules.list_tags_for_resource(API))


def hint(
    service: Service, operation: str, params: dict[str, Any], account: str, region: str
) -> str | None:
    return not_found_hint(service.store, operation, params, account, region)


DESCRIPTION = Description(
    model=load(V1),
    operations=OPERATIONS,
    checks=CHECKS,
    buckets=serving.buckets,
    error_member=rules.error_member(API),
    hint=hint,
    key_params=serving.KEY_PARAMS,
    item_keys=serving.ITEM_KEYS,
)
