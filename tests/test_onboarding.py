"""Instance onboarding jobs and instance configs.

Through real boto3 clients; the contract is shared/reference/service-behavior.md.
Every test runs twice (the ``client`` and ``make_client`` fixtures of conftest.py):
with a default client, and with one built with ``parameter_validation=False`` (which
sends what it is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from support import (
    ACCOUNT,
    INSTANCE,
    REGION,
    SERVICE_LINKED_ROLE_RE,
    STATES,
    create,
    job_of,
    raises,
    seed,
)

from pytest_campaigns_fake import CampaignsFake

# -- Onboarding ------------------------------------------------------------------------------


def start_job(
    client: Any, instance: str = INSTANCE, encryption: dict[str, Any] | None = None
) -> dict[str, Any]:
    job: dict[str, Any] = client.start_instance_onboarding_job(
        connectInstanceId=instance, encryptionConfig=encryption or {"enabled": False}
    )["connectInstanceOnboardingJobStatus"]
    return job


def test_onboarding_succeeds_on_first_poll(campaigns_fake: CampaignsFake, client: Any) -> None:
    assert start_job(client) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    assert job_of(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert job_of(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    # a job already present is returned unchanged
    assert start_job(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert create(client)["id"]


def test_onboarded_instance_config(campaigns_fake: CampaignsFake, client: Any) -> None:
    start_job(client)
    job_of(client)
    start_job(client, "instance-2")
    job_of(client, "instance-2")
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["ResponseMetadata"]["HTTPStatusCode"] == 200
    instance_config = config["connectInstanceConfig"]
    assert instance_config["connectInstanceId"] == INSTANCE
    assert instance_config["encryptionConfig"] == {"enabled": False}
    role = instance_config["serviceLinkedRoleArn"]
    match = SERVICE_LINKED_ROLE_RE.fullmatch(role)
    assert match is not None, role
    assert match.group(1) == ACCOUNT
    # stable for the instance, one per instance
    again = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert again["connectInstanceConfig"]["serviceLinkedRoleArn"] == role
    other = client.get_connect_instance_config(connectInstanceId="instance-2")
    other_role = other["connectInstanceConfig"]["serviceLinkedRoleArn"]
    assert SERVICE_LINKED_ROLE_RE.fullmatch(other_role)
    assert other_role != role


def test_onboarding_with_kms_key(campaigns_fake: CampaignsFake, client: Any) -> None:
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{uuid.uuid4()}"
    encryption = {"enabled": True, "encryptionType": "KMS", "keyArn": key}
    assert start_job(client, encryption=encryption)["status"] == "IN_PROGRESS"
    assert job_of(client)["status"] == "SUCCEEDED"
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["encryptionConfig"] == encryption
    # starting again returns the job unchanged and leaves the config alone
    assert start_job(client, encryption={"enabled": False})["status"] == "SUCCEEDED"
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["encryptionConfig"] == encryption


@pytest.mark.parametrize(
    "encryption",
    [{"enabled": True}, {"enabled": True, "encryptionType": "KMS"}],
    ids=["bare", "kms-type-only"],
)
def test_onboarding_encryption_needs_key(
    campaigns_fake: CampaignsFake, client: Any, encryption: dict[str, Any]
) -> None:
    with raises(client, "ValidationException", 400):
        start_job(client, encryption=encryption)
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)


@pytest.mark.campaigns_fake(onboarding_polls=3)
def test_onboarding_succeeds_on_third_poll(campaigns_fake: CampaignsFake, client: Any) -> None:
    assert start_job(client)["status"] == "IN_PROGRESS"
    assert start_job(client)["status"] == "IN_PROGRESS"  # starting again is not a poll
    assert [job_of(client)["status"] for _ in range(4)] == [
        "IN_PROGRESS",
        "IN_PROGRESS",
        "SUCCEEDED",
        "SUCCEEDED",
    ]
    assert client.get_connect_instance_config(connectInstanceId=INSTANCE)


@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_onboarding_waits_for_the_test(campaigns_fake: CampaignsFake, client: Any) -> None:
    start_job(client)
    start_job(client, "instance-2")
    assert [job_of(client)["status"] for _ in range(10)] == ["IN_PROGRESS"] * 10
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    campaigns_fake.advance_onboarding(INSTANCE)
    assert job_of(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert client.get_connect_instance_config(connectInstanceId=INSTANCE)
    campaigns_fake.advance_onboarding("instance-2", "FAILED", "KMS_KEY_NOT_FOUND")
    assert job_of(client, "instance-2") == {
        "connectInstanceId": "instance-2",
        "status": "FAILED",
        "failureCode": "KMS_KEY_NOT_FOUND",
    }


@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_failed_onboarding_job_lifecycle(campaigns_fake: CampaignsFake, client: Any) -> None:
    start_job(client)
    campaigns_fake.advance_onboarding(INSTANCE, "FAILED", "IAM_ACCESS_DENIED")
    failed = {"connectInstanceId": INSTANCE, "status": "FAILED", "failureCode": "IAM_ACCESS_DENIED"}
    assert job_of(client) == failed
    # Start keeps returning the FAILED status, whatever it is asked
    assert start_job(client) == failed
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{uuid.uuid4()}"
    assert start_job(client, encryption={"enabled": True, "keyArn": key}) == failed
    assert job_of(client) == failed
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    # delete the failed job, then start again
    answer = client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert start_job(client) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    campaigns_fake.advance_onboarding(INSTANCE)
    assert job_of(client)["status"] == "SUCCEEDED"


@pytest.mark.parametrize("status", ["IN_PROGRESS", "SUCCEEDED"])
def test_delete_onboarding_job_only_when_failed(
    campaigns_fake: CampaignsFake, client: Any, status: str
) -> None:
    campaigns_fake.add_instance(INSTANCE, status=status)
    with raises(client, "InvalidStateException", 409):
        client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert campaigns_fake.instance(INSTANCE).status == status


def test_delete_seeded_failed_onboarding_job(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE, status="FAILED", failure_code="KMS_ACCESS_DENIED")
    assert job_of(client)["failureCode"] == "KMS_ACCESS_DENIED"
    client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)


def test_onboarding_operations_without_job(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance("instance-2")
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)


@pytest.mark.parametrize("status", ["IN_PROGRESS", "FAILED"])
@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_instance_config_not_found_unless_succeeded(
    campaigns_fake: CampaignsFake, client: Any, status: str
) -> None:
    campaigns_fake.add_instance(INSTANCE, status=status)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    assert campaigns_fake.instance(INSTANCE).status == status


@pytest.mark.parametrize("state", STATES)
def test_delete_instance_config_while_campaigns_exist(
    campaigns_fake: CampaignsFake, client: Any, state: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaign_id = seed(campaigns_fake, state)
    with raises(client, "InvalidStateException", 409):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    assert client.get_connect_instance_config(connectInstanceId=INSTANCE)
    client.delete_campaign(id=campaign_id)
    client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)


def test_delete_instance_config_removes_config_and_job(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    start_job(client)
    job_of(client)
    start_job(client, "instance-2")
    job_of(client, "instance-2")
    seed(campaigns_fake, connect_instance_id="instance-2")  # another instance's campaigns
    answer = client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    assert client.get_connect_instance_config(connectInstanceId="instance-2")
    # the instance can be onboarded again
    assert start_job(client)["status"] == "IN_PROGRESS"
    assert job_of(client)["status"] == "SUCCEEDED"
