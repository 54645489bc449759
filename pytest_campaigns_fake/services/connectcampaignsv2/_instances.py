"""connectcampaignsv2's instances: onboarding (one job per instance for both APIs: the rules
written once in ``campaigns/_onboarding.py``), the instance config, integrations and
instance communication limits."""

from __future__ import annotations

from typing import Any

from ...engine._engine import Result
from ...engine._errors import ServiceError, not_found
from ..campaigns import _onboarding as onboarding
from ..campaigns._page_tokens import DEFAULT_PAGE_SIZE, page_token, read_page_token
from ..campaigns._records import V2, Bucket, InstanceRecord, shape
from ._operations import operation, set_members
from ._service import Service

# -- onboarding, one job per instance for both APIs ------------------------------------------

operation("StartInstanceOnboardingJob")(onboarding.start_instance_onboarding_job)
operation("GetInstanceOnboardingJobStatus")(onboarding.get_instance_onboarding_job_status)
operation("DeleteInstanceOnboardingJob")(onboarding.delete_instance_onboarding_job)
operation("GetConnectInstanceConfig")(onboarding.get_connect_instance_config)


@operation("DeleteConnectInstanceConfig")
def delete_connect_instance_config(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance_id = params["connectInstanceId"]
    instance = bucket.instances.get(instance_id)
    if instance is not None and instance.status == "IN_PROGRESS":
        raise ServiceError(
            "InvalidStateException",
            f"The onboarding job of instance {instance_id} is still IN_PROGRESS",
        )
    onboarding.onboarded(bucket, instance_id)
    if (params.get("campaignDeletionPolicy") or "RETAIN_ALL") == "DELETE_ALL":
        campaigns = bucket.v2
        for campaign in list(campaigns.all_after(0, service.shared.share_campaigns)):
            if campaign.connect_instance_id == instance_id:
                campaigns.remove_anywhere(campaign)
    del bucket.instances[instance_id]
    return None


# -- integrations and instance limits ----------------------------------------------------------


@operation("PutConnectInstanceIntegration")
def put_connect_instance_integration(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = writable_instance(service, bucket, params["connectInstanceId"])
    config = set_members(params["integrationConfig"])
    kind, value = next(iter(config.items()))
    key = integration_key(kind, value)
    for index, existing in enumerate(instance.integrations):
        other_kind, other = next(iter(existing.items()))
        if other_kind != kind:
            continue
        if integration_key(kind, other) == key:
            instance.integrations[index] = config
            return None
        if kind in ONE_PER_INSTANCE:
            raise ServiceError(
                "ConflictException",
                f"Instance {instance.connect_instance_id} already has a {kind} integration "
                f"({integration_key(kind, other)}); delete it first",
            )
    instance.add_integration(config)
    return None


# An instance is associated with one Customer Profiles domain and one Q knowledge base.
ONE_PER_INSTANCE = ("customerProfiles", "qConnect")


@operation("DeleteConnectInstanceIntegration")
def delete_connect_instance_integration(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = readable_instance(service, bucket, params["connectInstanceId"])
    integrations = instance.integrations if instance is not None else []
    kind, value = next(iter(set_members(params["integrationIdentifier"]).items()))
    key = integration_key(kind, value)
    for index, existing in enumerate(integrations):
        other_kind, other = next(iter(existing.items()))
        if instance is not None and other_kind == kind and integration_key(kind, other) == key:
            instance.remove_integration(index)
            return None
    raise not_found("Integration", f"{kind} {key}")


@operation("ListConnectInstanceIntegrations")
def list_connect_instance_integrations(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = readable_instance(service, bucket, params["connectInstanceId"])
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    token = params.get("nextToken")
    scope = integration_scope(bucket, params)
    # The token names the place of the last integration listed (not an index): deleting one
    # already listed shifts no later one out of the next page.
    after = read_page_token(token, scope) if token else 0
    rest = instance.integrations_after(after) if instance is not None else []
    summary = shape("IntegrationSummary", V2)
    page = [
        {
            kind: {k: v for k, v in value.items() if k in summary.members[kind].members}
            for kind, value in config.items()
            if kind in summary.members
        }
        for _, config in rest[:size]
    ]
    result: dict[str, Any] = {"integrationSummaryList": page}
    # No token on the last page, even when it is full (the contract: no empty last page).
    if len(rest) > size:
        result["nextToken"] = page_token(rest[size - 1][0], scope)
    return result


def integration_key(kind: str, value: dict[str, Any]) -> str:
    """What identifies an integration of ``kind``: the one member its IntegrationIdentifier
    variant carries (domainArn, knowledgeBaseArn, functionArn)."""
    identifier = shape("IntegrationIdentifier", V2).members[kind]
    return str(value.get(next(iter(identifier.members))))


@operation("PutInstanceCommunicationLimits")
def put_instance_communication_limits(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = writable_instance(service, bucket, params["connectInstanceId"])
    instance.limits = params["communicationLimitsConfig"]
    return None


@operation("GetInstanceCommunicationLimits")
def get_instance_communication_limits(
    service: Service, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = readable_instance(service, bucket, params["connectInstanceId"])
    if instance is None or instance.limits is None:
        return {}
    return {"communicationLimitsConfig": instance.limits}


def integration_scope(bucket: Bucket, params: dict[str, Any]) -> str:
    """What a ListConnectInstanceIntegrations page token is bound to: v2, and the account,
    region and instance that issued it."""
    return f"v2-integrations:{bucket.account}:{bucket.region}:{params['connectInstanceId']}"


def readable_instance(service: Service, bucket: Bucket, instance_id: str) -> InstanceRecord | None:
    """The instance an integration or instance-limit operation reads: an onboarded one
    (ResourceNotFoundException otherwise); with require_onboarding off, whatever the service
    holds of it, None when nothing."""
    if service.shared.require_onboarding:
        return onboarding.onboarded(bucket, instance_id)
    return bucket.instances.get(instance_id)


def writable_instance(service: Service, bucket: Bucket, instance_id: str) -> InstanceRecord:
    """The instance an integration or instance-limit operation writes to. With
    require_onboarding off, an instance the service does not know is recorded without a job or
    config (as CreateCampaign then needs none), to hold what is written; onboarding it later
    keeps them."""
    instance = readable_instance(service, bucket, instance_id)
    if instance is None:
        instance = InstanceRecord({"connectInstanceId": instance_id})
        bucket.instances[instance_id] = instance
    return instance
