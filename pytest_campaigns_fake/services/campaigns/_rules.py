"""The campaign rules v1 and v2 answer alike, written once.

Each description registers them for its ``Api``: a factory here takes the API and returns the
rule, which acts on that API's campaigns (a bucket's own for v1, its ``v2`` for v2; either
API's when ``share_campaigns`` joins them) and answers in that API's shapes. The choice is
made once, when the description is built: on the request path a rule costs what a rule
written for one API costs. What only one API does is a hook (v2's event-trigger check on
CreateCampaign, its preconditions to run) or stays in that API's description.
"""

from __future__ import annotations

from typing import Any, Callable

from ...engine._engine import ErrorMember, Operation, Result
from ...engine._errors import ServiceError, not_found
from ._api import Api, CampaignsService
from ._page_tokens import DEFAULT_PAGE_SIZE, list_scope, page_token, read_page_token
from ._records import Bucket, CampaignRecord, CampaignV2Record, members
from ._tags import MAX_TAGS as MAX_TAGS
from ._tags import check_tag_count as check_tag_count

# operation -> {current state: new state}; a state missing from the map is illegal there.
# (A v2 campaign also becomes Completed by the clock: ``CampaignV2Record.settle``.)
TRANSITIONS: dict[str, dict[str, str]] = {
    "StartCampaign": {"Initialized": "Running"},
    "PauseCampaign": {"Running": "Paused"},
    "ResumeCampaign": {"Paused": "Running"},
    "StopCampaign": {"Running": "Stopped", "Paused": "Stopped"},
}

# A check of CreateCampaign beyond the quota and onboarding (v2's event trigger).
CreateCheck = Callable[[Any, Bucket, dict[str, Any]], None]
# A check before a campaign runs (v2's StartCampaign and ResumeCampaign preconditions).
RunCheck = Callable[[Any, Bucket, CampaignRecord], None]


# -- checks on the request alone ---------------------------------------------------------------


def check_tags(service: Any, bucket: Bucket, params: dict[str, Any]) -> Result:
    """CreateCampaign's and TagResource's check on the request alone: the 50-tag cap."""
    check_tag_count(params.get("tags") or {})
    return None


# -- campaigns ---------------------------------------------------------------------------------


def create_campaign(api: Api, check: CreateCheck | None = None) -> Operation:
    """CreateCampaign: an onboarded instance (unless ``require_onboarding`` is off), ``check``,
    the API's quota of campaigns per instance, then the campaign."""
    v2 = api.v2

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        instance_id = params["connectInstanceId"]
        shared = service.shared
        if shared.require_onboarding:
            instance = bucket.instances.get(instance_id)
            if instance is None or instance.status != "SUCCEEDED":
                raise ServiceError(
                    "ResourceNotFoundException",
                    f"Connect instance {instance_id} is not onboarded to outbound campaigns",
                )
        if check is not None:
            check(service, bucket, params)
        quota = service.quotas.campaigns_per_instance
        campaigns = bucket.v2 if v2 else bucket
        if campaigns.count(instance_id, shared.share_campaigns) >= quota:
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"Campaigns per instance quota of {quota} reached for instance {instance_id}",
            )
        campaign = new_campaign(api, service, bucket, params)
        result: dict[str, Any] = {"id": campaign.id, "arn": campaign.data["arn"]}
        if params.get("tags"):
            # Encoded at once, never kept: the stored tags themselves.
            result["tags"] = campaign.data["tags"]
        return result

    return rule


def new_campaign(
    api: Api,
    service: CampaignsService,
    bucket: Bucket,
    request: dict[str, Any],
    state: str = "Initialized",
) -> CampaignRecord:
    """A campaign of ``api`` made from a valid CreateCampaign request: the members the API's
    ``Campaign`` declares are copied from it (a member a botocore release adds to both comes
    along without code), then the service's own: id, ARN, tags (v2: lastModifiedTime)."""
    # The 50-tag cap was checked with the request (CHECKS; seeds run the same check).
    v2 = api.v2
    campaign_id = service.store.fresh_id(service.ids.uuid)
    # The request's params are the request path's own copy (the journal keeps the raw
    # request), and seeds copy the test's dicts: nothing stored here is shared.
    declared = members("Campaign", api.name)
    data = {name: value for name, value in request.items() if name in declared}
    data["id"] = campaign_id
    data["arn"] = bucket.campaign_arn(campaign_id)
    data["tags"] = dict(request.get("tags") or {})
    if v2 and "lastModifiedTime" in declared:
        data["lastModifiedTime"] = service.clock.now()
    # Positional: a class called with keywords has them packed into a dict first.
    campaign = (CampaignV2Record if v2 else CampaignRecord)(data, state, service.store.next_seq())
    (bucket.v2 if v2 else bucket).add(campaign)
    return campaign


def settled(campaigns: Bucket, service: CampaignsService, campaign_id: str) -> CampaignRecord:
    """The campaign ``campaign_id`` of ``campaigns``' API (either API's when campaigns are
    shared), its state settled at the fake's now."""
    campaign = campaigns.find(campaign_id, service.shared.share_campaigns)
    if campaign is None:
        raise not_found("Campaign", campaign_id)
    campaign.settle(service.clock.now())
    return campaign


def describe_campaign(api: Api) -> Operation:
    v2, data = api.v2, api.data

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        return {"campaign": data(settled(bucket.v2 if v2 else bucket, service, params["id"]))}

    return rule


def delete_campaign(api: Api) -> Operation:
    v2 = api.v2

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaigns = bucket.v2 if v2 else bucket
        campaigns.remove_anywhere(settled(campaigns, service, params["id"]))
        return None

    return rule


def get_campaign_state(api: Api) -> Operation:
    v2 = api.v2

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        return {"state": settled(bucket.v2 if v2 else bucket, service, params["id"]).state}

    return rule


def get_campaign_state_batch(api: Api) -> Operation:
    v2 = api.v2

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaigns = bucket.v2 if v2 else bucket
        shared = service.shared.share_campaigns
        succeeded: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for campaign_id in params["campaignIds"]:
            campaign = campaigns.find(campaign_id, shared)
            code = (
                "ResourceNotFound"
                if campaign is None
                else service.faults.item_failure(
                    "GetCampaignStateBatch", {"campaignId": campaign_id}
                )
            )
            if code is not None or campaign is None:
                failed.append({"campaignId": campaign_id, "failureCode": code})
            else:
                succeeded.append(
                    {"campaignId": campaign_id, "state": campaign.settle(service.clock.now())}
                )
        return {"successfulRequests": succeeded, "failedRequests": failed}

    return rule


def transition(api: Api, name: str, before_running: RunCheck | None = None) -> Operation:
    """Start, Pause, Resume and Stop: one rule over the TRANSITIONS table; ``before_running``
    checks a campaign about to be Running."""
    v2 = api.v2
    legal = TRANSITIONS[name]

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaign = settled(bucket.v2 if v2 else bucket, service, params["id"])
        target = legal.get(campaign.state)
        if target is None:
            raise invalid_state(campaign, name)
        if before_running is not None and target == "Running":
            before_running(service, bucket, campaign)
        campaign.state = target
        return None

    return rule


def list_campaigns(api: Api) -> Operation:
    v2, summary, scope = api.v2, api.summary, list_scope(api.scope_prefix)

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        size = params.get("maxResults") or DEFAULT_PAGE_SIZE
        token = params.get("nextToken")
        issued = scope(bucket, params)
        after = read_page_token(token, issued) if token else 0
        instance_filter = (params.get("filters") or {}).get("instanceIdFilter")
        wanted = instance_filter["value"] if instance_filter else None
        page: list[dict[str, Any]] = []
        last = after
        more = False
        campaigns = bucket.v2 if v2 else bucket
        for campaign in campaigns.all_after(after, service.shared.share_campaigns):
            if wanted is not None and campaign.connect_instance_id != wanted:
                continue
            if len(page) == size:
                more = True
                break
            page.append(summary(campaign))
            last = campaign.seq
        result: dict[str, Any] = {"campaignSummaryList": page}
        if more:
            result["nextToken"] = page_token(last, issued)
        return result

    return rule


def invalid_state(campaign: CampaignRecord, operation: str) -> ServiceError:
    return ServiceError(
        "InvalidCampaignStateException",
        f"{operation} is not allowed for campaign {campaign.id} in state {campaign.state}",
        state=campaign.state,
    )


def error_member(api: Api) -> ErrorMember:
    """What an injected error reports of the state: InvalidCampaignStateException's
    ``state`` is the campaign's own."""
    v2 = api.v2

    def member_of(
        service: CampaignsService, bucket: Bucket, member: str, params: dict[str, Any]
    ) -> Any:
        if member == "state":
            campaigns = bucket.v2 if v2 else bucket
            campaign = campaigns.find(params.get("id", ""), service.shared.share_campaigns)
            return campaign.state if campaign is not None else None
        return None

    return member_of


# -- tags --------------------------------------------------------------------------------------


def tag_resource(api: Api) -> Operation:
    v2 = api.v2

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaign = tagged(bucket.v2 if v2 else bucket, service, params["arn"])
        merged = {**campaign.data["tags"], **params["tags"]}
        check_tag_count(merged)
        campaign.data["tags"] = merged
        return None

    return rule


def untag_resource(api: Api) -> Operation:
    v2 = api.v2

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        campaign = tagged(bucket.v2 if v2 else bucket, service, params["arn"])
        for key in params["tagKeys"]:
            campaign.data["tags"].pop(key, None)
        return None

    return rule


def list_tags_for_resource(api: Api) -> Operation:
    v2 = api.v2

    def rule(service: CampaignsService, bucket: Bucket, params: dict[str, Any]) -> Result:
        return {
            "tags": dict(tagged(bucket.v2 if v2 else bucket, service, params["arn"]).data["tags"])
        }

    return rule


def tagged(campaigns: Bucket, service: CampaignsService, arn: str) -> CampaignRecord:
    # An ARN of another partition, account, region, service or resource type never has this
    # bucket's prefix.
    prefix = campaigns.campaign_arn("")
    campaign = (
        campaigns.find(arn[len(prefix) :], service.shared.share_campaigns)
        if arn.startswith(prefix)
        else None
    )
    if campaign is None:
        raise not_found("Resource", arn)
    return campaign
