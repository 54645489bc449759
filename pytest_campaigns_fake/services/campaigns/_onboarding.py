"""Onboarding and instance config: one job per Connect instance, for both APIs.

An instance belongs to the Connect instance, not to an API version: both APIs' onboarding
routes answer from the same record, and both descriptions register these rules, acting on
either API's service (``OnboardingService``). v1's DeleteConnectInstanceConfig and v2's differ
(v2 may delete the instance's campaigns), and stay with their API.
"""

from __future__ import annotations

from typing import Any

from ...engine._engine import Result
from ...engine._errors import ServiceError, not_found, validation
from ._api import OnboardingService
from ._records import Bucket, InstanceRecord, members


def check_encryption(service: Any, bucket: Bucket, params: dict[str, Any]) -> Result:
    """StartInstanceOnboardingJob's check on the request alone: a key with encryption."""
    encryption = params["encryptionConfig"]
    if encryption.get("enabled") and not encryption.get("keyArn"):
        raise validation("keyArn is required when encryption is enabled")
    return None


def start_instance_onboarding_job(
    service: OnboardingService, bucket: Bucket, params: dict[str, Any]
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
        if service.shared.onboarding_polls == 0:
            finish_onboarding(service, bucket, instance, "SUCCEEDED", None)
    return {"connectInstanceOnboardingJobStatus": dict(instance.job or {})}


def new_instance(
    service: OnboardingService, bucket: Bucket, request: dict[str, Any]
) -> InstanceRecord:
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


def get_instance_onboarding_job_status(
    service: OnboardingService, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = with_job(service, bucket, params["connectInstanceId"])
    if instance.status == "IN_PROGRESS":
        instance.polls += 1
        target = service.shared.onboarding_polls
        if target is not None and instance.polls >= target:
            finish_onboarding(service, bucket, instance, "SUCCEEDED", None)
    return {"connectInstanceOnboardingJobStatus": dict(instance.job or {})}


def finish_onboarding(
    service: OnboardingService,
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


def delete_instance_onboarding_job(
    service: OnboardingService, bucket: Bucket, params: dict[str, Any]
) -> Result:
    instance = with_job(service, bucket, params["connectInstanceId"])
    if instance.status != "FAILED":
        raise ServiceError(
            "InvalidStateException",
            f"Only a FAILED onboarding job can be deleted; this one is {instance.status}",
        )
    del bucket.instances[instance.connect_instance_id]
    return None


def get_connect_instance_config(service: Any, bucket: Bucket, params: dict[str, Any]) -> Result:
    instance = onboarded(bucket, params["connectInstanceId"])
    return {"connectInstanceConfig": dict(instance.config)}


def with_job(service: OnboardingService, bucket: Bucket, instance_id: str) -> InstanceRecord:
    """The instance, which must have an onboarding job not yet forgotten."""
    instance = bucket.instances.get(instance_id)
    if instance is None or instance.job is None or job_expired(service, instance):
        raise not_found("Onboarding job", instance_id)
    return instance


def job_expired(service: OnboardingService, instance: InstanceRecord) -> bool:
    """Whether the instance's onboarding job is forgotten (its config and campaigns stay)."""
    retention = service.job_retention()
    started = instance.job_started
    return (
        retention is not None and started is not None and service.clock.now() - started >= retention
    )


def onboarded(bucket: Bucket, instance_id: str) -> InstanceRecord:
    """The instance, onboarded (ResourceNotFoundException otherwise)."""
    instance = bucket.instances.get(instance_id)
    if instance is None or instance.status != "SUCCEEDED":
        raise not_found("Connect instance config", instance_id)
    return instance


def is_onboarded(bucket: Bucket, instance_id: str) -> bool:
    instance = bucket.instances.get(instance_id)
    return instance is not None and instance.status == "SUCCEEDED"
