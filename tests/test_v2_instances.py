"""connectcampaignsv2 instances: onboarding (shared with v1), instance configs, integrations and
instance communication limits.

Through real boto3 clients; the contract is shared/reference/service-behavior-v2.md
("Onboarding an instance", "Integrations", "Instance communication limits").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from support import (
    ACCOUNT,
    INSTANCE,
    REGION,
    SERVICE_LINKED_ROLE_RE,
    Client,
    job_of,
    new_client,
    raises,
)
from support_v2 import (
    DOMAIN_ARN,
    KB_ARN,
    LAMBDA_ARN,
    LIMITS,
    OTHER_DOMAIN_ARN,
    create_v2,
    needs_member,
    running_v2,
)

from pytest_campaigns_fake import CampaignsFake

FROZEN_AT = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
DAY = 86400
OTHER_KB_ARN = "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/kb2"
PROFILES: dict[str, Any] = {
    "customerProfiles": {
        "domainArn": DOMAIN_ARN,
        "objectTypeNames": {"Campaign-Telephony": "telephony-object"},
    }
}
QCONNECT: dict[str, Any] = {"qConnect": {"knowledgeBaseArn": KB_ARN}}
OTHER_LIMITS: dict[str, Any] = {
    "communicationLimitsList": [
        {"maxCountPerRecipient": 1, "frequency": 1, "unit": "DAY"},
        {"maxCountPerRecipient": 5, "frequency": 30, "unit": "DAY"},
    ]
}
needs_lambda = needs_member("IntegrationConfig", "lambda")


def lambda_arn(n: int) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:hook-{n}"


def lambda_config(arn: str = LAMBDA_ARN) -> dict[str, Any]:
    return {"lambda": {"functionArn": arn}}


@pytest.fixture(scope="module")
def v1() -> Client:
    return new_client()


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    """An active fake without instances, its clock frozen."""
    with CampaignsFake() as fake:
        fake.clock.freeze(FROZEN_AT)
        yield fake


@pytest.fixture
def onboarded(v2_fake: CampaignsFake) -> CampaignsFake:
    return v2_fake


def start(
    client: Client, instance: str = INSTANCE, encryption: dict[str, Any] | None = None
) -> dict[str, Any]:
    job: dict[str, Any] = client.start_instance_onboarding_job(
        connectInstanceId=instance, encryptionConfig=encryption or {"enabled": False}
    )["connectInstanceOnboardingJobStatus"]
    return job


def config_of(client: Client, instance: str = INSTANCE) -> dict[str, Any]:
    config: dict[str, Any] = client.get_connect_instance_config(connectInstanceId=instance)[
        "connectInstanceConfig"
    ]
    return config


def integrations(client: Client, instance: str = INSTANCE) -> list[dict[str, Any]]:
    pages = client.get_paginator("list_connect_instance_integrations").paginate(
        connectInstanceId=instance
    )
    return [s for page in pages for s in page["integrationSummaryList"]]


def put_integration(client: Client, config: dict[str, Any], instance: str = INSTANCE) -> None:
    client.put_connect_instance_integration(connectInstanceId=instance, integrationConfig=config)


def limits_of(client: Client, instance: str = INSTANCE) -> dict[str, Any]:
    answer: dict[str, Any] = client.get_instance_communication_limits(connectInstanceId=instance)
    answer.pop("ResponseMetadata")
    return answer


def in_instance(client: Client, instance: str = INSTANCE) -> list[str]:
    pages = client.get_paginator("list_campaigns").paginate(
        filters={"instanceIdFilter": {"value": instance, "operator": "Eq"}}
    )
    return [c["id"] for page in pages for c in page["campaignSummaryList"]]


# -- onboarding ------------------------------------------------------------------------------


def test_v2_onboarding_completes_on_first_poll(fake: CampaignsFake, v2: Client) -> None:
    assert start(v2) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    with raises(v2, "ResourceNotFoundException", 404):
        config_of(v2)
    assert job_of(v2) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert start(v2) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    config = config_of(v2)
    assert config["connectInstanceId"] == INSTANCE
    assert config["encryptionConfig"] == {"enabled": False}
    match = SERVICE_LINKED_ROLE_RE.fullmatch(config["serviceLinkedRoleArn"])
    assert match is not None and match.group(1) == ACCOUNT


def test_v2_onboarding_with_kms_key(fake: CampaignsFake, v2: Client) -> None:
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{uuid.uuid4()}"
    encryption = {"enabled": True, "encryptionType": "KMS", "keyArn": key}
    start(v2, encryption=encryption)
    job_of(v2)
    assert config_of(v2)["encryptionConfig"] == encryption


@pytest.mark.parametrize(
    "encryption",
    [{"enabled": True}, {"enabled": True, "encryptionType": "KMS"}],
    ids=["bare", "kms-type-only"],
)
def test_v2_onboarding_encryption_needs_key(
    fake: CampaignsFake, v2: Client, encryption: dict[str, Any]
) -> None:
    with raises(v2, "ValidationException", 400):
        start(v2, encryption=encryption)
    with raises(v2, "ResourceNotFoundException", 404):
        job_of(v2)


def test_v2_failed_job_is_returned_as_is(fake: CampaignsFake, v2: Client) -> None:
    fake.add_instance(INSTANCE, status="FAILED", failure_code="KMS_KEY_NOT_FOUND")
    failed = {"connectInstanceId": INSTANCE, "status": "FAILED", "failureCode": "KMS_KEY_NOT_FOUND"}
    assert job_of(v2) == failed
    assert start(v2) == failed
    assert job_of(v2) == failed
    with raises(v2, "ResourceNotFoundException", 404):
        config_of(v2)
    v2.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    with raises(v2, "ResourceNotFoundException", 404):
        job_of(v2)
    with raises(v2, "ResourceNotFoundException", 404):
        v2.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert start(v2)["status"] == "IN_PROGRESS"


@pytest.mark.parametrize("status", ["IN_PROGRESS", "SUCCEEDED"])
def test_v2_delete_job_only_when_failed(fake: CampaignsFake, v2: Client, status: str) -> None:
    fake.add_instance(INSTANCE, status=status)
    with raises(v2, "InvalidStateException", 409):
        v2.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert fake.instance(INSTANCE).status == status


def test_v2_onboarding_operations_without_job(fake: CampaignsFake, v2: Client) -> None:
    fake.add_instance("instance-2")
    calls: list[Callable[[], object]] = [
        lambda: job_of(v2),
        lambda: v2.delete_instance_onboarding_job(connectInstanceId=INSTANCE),
        lambda: config_of(v2),
        lambda: v2.delete_connect_instance_config(connectInstanceId=INSTANCE),
    ]
    for call in calls:
        with raises(v2, "ResourceNotFoundException", 404):
            call()


def test_onboarding_through_v1_is_read_through_v2(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    assert start(v1)["status"] == "IN_PROGRESS"
    assert job_of(v2) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert job_of(v1) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert config_of(v2) == config_of(v1)
    assert create_v2(v2)["id"]


def test_onboarding_through_v2_is_read_through_v1(
    fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    fake.settings.onboarding_polls = 2
    assert start(v2)["status"] == "IN_PROGRESS"
    assert job_of(v1)["status"] == "IN_PROGRESS"
    assert job_of(v2)["status"] == "SUCCEEDED"  # the second poll, whoever asks
    assert config_of(v1) == config_of(v2)
    fake.add_instance("instance-2", status="FAILED")
    v1.delete_instance_onboarding_job(connectInstanceId="instance-2")
    with raises(v2, "ResourceNotFoundException", 404):
        job_of(v2, "instance-2")


@pytest.fixture(params=["v1", "v2"])
def api(request: pytest.FixtureRequest) -> Client:
    """A client of either API: the job is one record, forgotten on both routes alike."""
    client: Client = request.getfixturevalue(request.param)
    return client


def test_job_record_expires_after_14_days(
    fake: CampaignsFake, api: Client, v1: Client, v2: Client
) -> None:
    start(v2)
    job_of(v2)
    campaign_id = create_v2(v2)["id"]
    fake.clock.advance(14 * DAY - 1)
    assert job_of(api)["status"] == "SUCCEEDED"
    fake.clock.advance(1)  # 14 days to the second
    for client in (v1, v2):
        with raises(client, "ResourceNotFoundException", 404):
            job_of(client)
        with raises(client, "ResourceNotFoundException", 404):
            client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    # The job is forgotten, not the onboarding it did.
    assert config_of(api)["connectInstanceId"] == INSTANCE
    assert v2.describe_campaign(id=campaign_id)["campaign"]["id"] == campaign_id
    v2.start_campaign(id=campaign_id)  # still onboarded: no ConflictException
    assert v2.get_campaign_state(id=campaign_id)["state"] == "Running"
    assert fake.instance(INSTANCE).status == "SUCCEEDED"  # the record as it ended
    # Start answers the onboarded instance's job again, and its 14 days start over.
    assert start(api) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    role = config_of(v1)["serviceLinkedRoleArn"]
    fake.clock.advance(14 * DAY - 1)
    assert job_of(v1) == job_of(v2) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert config_of(v2)["serviceLinkedRoleArn"] == role
    fake.clock.advance(1)
    with raises(api, "ResourceNotFoundException", 404):
        job_of(api)


@pytest.mark.parametrize("status", ["IN_PROGRESS", "FAILED"])
def test_an_expired_unfinished_job_starts_over(
    fake: CampaignsFake, api: Client, status: str
) -> None:
    fake.settings.onboarding_polls = None  # the new job stays IN_PROGRESS
    fake.add_instance(INSTANCE, status=status)
    assert start(api)["status"] == status  # a job is there: answered unchanged
    fake.clock.advance(14 * DAY)
    with raises(api, "ResourceNotFoundException", 404):
        job_of(api)
    assert start(api) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    assert job_of(api) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    assert fake.instance(INSTANCE).status == "IN_PROGRESS"


def test_job_expiry_days_is_a_setting(fake: CampaignsFake, v1: Client, v2: Client) -> None:
    assert fake.v2.settings.job_expiry_days == 14
    start(v1)
    job_of(v1)
    fake.clock.advance(3 * DAY)
    fake.v2.settings.job_expiry_days = 3  # applies at once, to the job already there
    with raises(v1, "ResourceNotFoundException", 404):
        job_of(v1)
    fake.v2.settings.job_expiry_days = 4
    assert job_of(v1)["status"] == "SUCCEEDED"
    fake.v2.settings.job_expiry_days = None  # never forgotten
    fake.clock.advance(3650 * DAY)
    assert job_of(v1) == job_of(v2) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}


@pytest.mark.parametrize("value", [0, -1, 1.5, "14", True])
def test_job_expiry_days_is_checked(fake: CampaignsFake, value: object) -> None:
    fake.v2.settings.job_expiry_days = 7
    with pytest.raises(ValueError, match="job_expiry_days must be a whole number of days"):
        fake.v2.settings.job_expiry_days = value  # type: ignore[assignment]
    assert fake.v2.settings.job_expiry_days == 7


# -- instance configs ------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["IN_PROGRESS", "FAILED"])
def test_v2_instance_config_not_found_unless_succeeded(
    fake: CampaignsFake, v2: Client, status: str
) -> None:
    fake.add_instance(INSTANCE, status=status)
    with raises(v2, "ResourceNotFoundException", 404):
        config_of(v2)
    with raises(v2, "ResourceNotFoundException", 404):
        config_of(v2, "instance-9")


def test_delete_instance_config_delete_all(onboarded: CampaignsFake, v2: Client) -> None:
    onboarded.add_instance("instance-2")
    idle = create_v2(v2, tags={"team": "a"})
    running = running_v2(v2, onboarded)
    other = create_v2(v2, instance="instance-2")["id"]
    v2.delete_connect_instance_config(
        connectInstanceId=INSTANCE, campaignDeletionPolicy="DELETE_ALL"
    )
    for campaign_id in (idle["id"], running):
        with raises(v2, "ResourceNotFoundException", 404):
            v2.describe_campaign(id=campaign_id)
    with raises(v2, "ResourceNotFoundException", 404):
        v2.list_tags_for_resource(arn=idle["arn"])
    assert in_instance(v2) == []
    assert in_instance(v2, "instance-2") == [other]
    with raises(v2, "ResourceNotFoundException", 404):
        config_of(v2)
    with raises(v2, "ResourceNotFoundException", 404):
        job_of(v2)
    assert config_of(v2, "instance-2")


@pytest.mark.parametrize("policy", [None, "RETAIN_ALL"], ids=["default", "retain-all"])
def test_delete_instance_config_retain_all(
    onboarded: CampaignsFake, v2: Client, policy: str | None
) -> None:
    kept = create_v2(v2, name="kept")["id"]
    running = running_v2(v2, onboarded)
    members = {} if policy is None else {"campaignDeletionPolicy": policy}
    v2.delete_connect_instance_config(connectInstanceId=INSTANCE, **members)
    assert v2.describe_campaign(id=kept)["campaign"]["name"] == "kept"
    assert v2.describe_campaign(id=running)["campaign"]["id"] == running
    assert in_instance(v2) == [kept, running]
    with raises(v2, "ConflictException", 409):
        v2.start_campaign(id=kept)
    assert v2.get_campaign_state(id=kept)["state"] == "Initialized"
    with raises(v2, "ResourceNotFoundException", 404):
        config_of(v2)
    with raises(v2, "ResourceNotFoundException", 404):
        job_of(v2)


def test_delete_instance_config_while_onboarding(fake: CampaignsFake, v2: Client) -> None:
    fake.add_instance(INSTANCE, status="IN_PROGRESS")
    with raises(v2, "InvalidStateException", 409):
        v2.delete_connect_instance_config(connectInstanceId=INSTANCE)
    assert fake.instance(INSTANCE).status == "IN_PROGRESS"


@pytest.mark.parametrize("status", [None, "FAILED"], ids=["no-instance", "failed-job"])
def test_delete_instance_config_not_onboarded(
    fake: CampaignsFake, v2: Client, status: str | None
) -> None:
    if status is not None:
        fake.add_instance(INSTANCE, status=status)
    with raises(v2, "ResourceNotFoundException", 404):
        v2.delete_connect_instance_config(connectInstanceId=INSTANCE)


def test_delete_instance_config_removes_integrations_and_limits(
    onboarded: CampaignsFake, v2: Client
) -> None:
    put_integration(v2, PROFILES)
    v2.put_instance_communication_limits(
        connectInstanceId=INSTANCE, communicationLimitsConfig={"allChannelSubtypes": LIMITS}
    )
    v2.delete_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(v2, "ResourceNotFoundException", 404):
        integrations(v2)
    with raises(v2, "ResourceNotFoundException", 404):
        limits_of(v2)
    start(v2)
    assert job_of(v2)["status"] == "SUCCEEDED"
    assert integrations(v2) == []
    assert limits_of(v2) == {}


# -- integrations ----------------------------------------------------------------------------


@needs_lambda
def test_integrations_listed_in_insertion_order(onboarded: CampaignsFake, v2: Client) -> None:
    put_integration(v2, QCONNECT)
    put_integration(v2, lambda_config())
    put_integration(v2, PROFILES)
    assert integrations(v2) == [QCONNECT, lambda_config(), PROFILES]


def test_put_integration_upserts_by_identity(onboarded: CampaignsFake, v2: Client) -> None:
    put_integration(v2, PROFILES)
    put_integration(v2, QCONNECT)
    renamed = {
        "customerProfiles": {
            "domainArn": DOMAIN_ARN,
            "objectTypeNames": {"Campaign-Email": "email-object", "Campaign-SMS": "sms-object"},
        }
    }
    put_integration(v2, renamed)
    put_integration(v2, QCONNECT)  # a repeat changes nothing
    assert integrations(v2) == [renamed, QCONNECT]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (PROFILES, {"customerProfiles": {"domainArn": OTHER_DOMAIN_ARN, "objectTypeNames": {}}}),
        (QCONNECT, {"qConnect": {"knowledgeBaseArn": OTHER_KB_ARN}}),
    ],
    ids=["customer-profiles", "q-connect"],
)
def test_one_integration_of_a_kind(
    onboarded: CampaignsFake, v2: Client, first: dict[str, Any], second: dict[str, Any]
) -> None:
    put_integration(v2, first)
    with raises(v2, "ConflictException", 409):
        put_integration(v2, second)
    assert integrations(v2) == [first]


@needs_lambda
def test_many_lambda_integrations_page(onboarded: CampaignsFake, v2: Client) -> None:
    configs = [lambda_config(lambda_arn(n)) for n in range(5)]
    for config in configs:
        put_integration(v2, config)
    pages: list[list[dict[str, Any]]] = []
    token: str | None = None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = v2.list_connect_instance_integrations(
            connectInstanceId=INSTANCE, maxResults=2, **kwargs
        )
        pages.append(page["integrationSummaryList"])
        token = page.get("nextToken")
        if not token:
            break
    assert pages == [configs[0:2], configs[2:4], configs[4:5]]
    assert integrations(v2) == configs


def _pages(v2: Client, size: int, between: Any = None) -> list[list[dict[str, Any]]]:
    """Every page of ListConnectInstanceIntegrations, calling ``between()`` after each."""
    pages: list[list[dict[str, Any]]] = []
    token: str | None = None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = v2.list_connect_instance_integrations(
            connectInstanceId=INSTANCE, maxResults=size, **kwargs
        )
        pages.append(page["integrationSummaryList"])
        token = page.get("nextToken")
        if not token:
            return pages
        if between is not None:
            between()


@needs_lambda
def test_an_exact_multiple_of_the_page_size_has_no_empty_last_page(
    onboarded: CampaignsFake, v2: Client
) -> None:
    configs = [lambda_config(lambda_arn(n)) for n in range(4)]
    for config in configs:
        put_integration(v2, config)
    assert _pages(v2, 2) == [configs[0:2], configs[2:4]]
    assert _pages(v2, 4) == [configs]
    assert _pages(v2, 50) == [configs]


@needs_lambda
@pytest.mark.parametrize("deleted", [0, 1, 2], ids=["first", "last-listed", "next"])
def test_a_deletion_between_pages_skips_nothing(
    onboarded: CampaignsFake, v2: Client, deleted: int
) -> None:
    """Page tokens name the last integration listed, not an index: deleting one between pages
    neither skips nor repeats any other."""
    configs = [lambda_config(lambda_arn(n)) for n in range(5)]
    for config in configs:
        put_integration(v2, config)
    gone = configs[deleted]

    def delete_once() -> None:
        if gone in integrations(v2):
            v2.delete_connect_instance_integration(
                connectInstanceId=INSTANCE, integrationIdentifier=gone
            )

    listed = [item for page in _pages(v2, 2, delete_once) for item in page]
    expected = [c for c in configs if c != gone or deleted < 2]
    assert listed == expected


@needs_lambda
def test_integration_tokens_survive_a_snapshot(onboarded: CampaignsFake, v2: Client) -> None:
    configs = [lambda_config(lambda_arn(n)) for n in range(3)]
    for config in configs:
        put_integration(v2, config)
    first = v2.list_connect_instance_integrations(connectInstanceId=INSTANCE, maxResults=2)
    onboarded.load(onboarded.snapshot())
    rest = v2.list_connect_instance_integrations(
        connectInstanceId=INSTANCE, maxResults=2, nextToken=first["nextToken"]
    )
    assert first["integrationSummaryList"] + rest["integrationSummaryList"] == configs
    assert "nextToken" not in rest


@needs_lambda
def test_delete_integration(onboarded: CampaignsFake, v2: Client) -> None:
    for config in (PROFILES, QCONNECT, lambda_config()):
        put_integration(v2, config)
    v2.delete_connect_instance_integration(
        connectInstanceId=INSTANCE,
        integrationIdentifier={"customerProfiles": {"domainArn": DOMAIN_ARN}},
    )
    assert integrations(v2) == [QCONNECT, lambda_config()]
    v2.delete_connect_instance_integration(
        connectInstanceId=INSTANCE, integrationIdentifier={"lambda": {"functionArn": LAMBDA_ARN}}
    )
    assert integrations(v2) == [QCONNECT]
    # once another domain is free to take the place
    put_integration(
        v2, {"customerProfiles": {"domainArn": OTHER_DOMAIN_ARN, "objectTypeNames": {}}}
    )


@pytest.mark.parametrize(
    "identifier",
    [
        {"customerProfiles": {"domainArn": DOMAIN_ARN}},
        {"customerProfiles": {"domainArn": OTHER_DOMAIN_ARN}},
        {"qConnect": {"knowledgeBaseArn": KB_ARN}},
    ],
    ids=["deleted", "other-domain", "never-put"],
)
def test_delete_unknown_integration(
    onboarded: CampaignsFake, v2: Client, identifier: dict[str, Any]
) -> None:
    put_integration(v2, PROFILES)
    v2.delete_connect_instance_integration(
        connectInstanceId=INSTANCE,
        integrationIdentifier={"customerProfiles": {"domainArn": DOMAIN_ARN}},
    )
    with raises(v2, "ResourceNotFoundException", 404):
        v2.delete_connect_instance_integration(
            connectInstanceId=INSTANCE, integrationIdentifier=identifier
        )


INSTANCE_OPERATIONS: dict[str, Callable[[Client], object]] = {
    "put-integration": lambda c: put_integration(c, PROFILES),
    "list-integrations": lambda c: c.list_connect_instance_integrations(connectInstanceId=INSTANCE),
    "delete-integration": lambda c: c.delete_connect_instance_integration(
        connectInstanceId=INSTANCE, integrationIdentifier={"qConnect": {"knowledgeBaseArn": KB_ARN}}
    ),
    "get-limits": lambda c: c.get_instance_communication_limits(connectInstanceId=INSTANCE),
    "put-limits": lambda c: c.put_instance_communication_limits(
        connectInstanceId=INSTANCE, communicationLimitsConfig={"allChannelSubtypes": LIMITS}
    ),
}


@pytest.mark.parametrize("operation", list(INSTANCE_OPERATIONS))
@pytest.mark.parametrize("status", [None, "IN_PROGRESS", "FAILED"], ids=["none", "busy", "failed"])
def test_instance_operations_need_onboarded_instance(
    fake: CampaignsFake, v2: Client, operation: str, status: str | None
) -> None:
    if status is not None:
        fake.add_instance(INSTANCE, status=status)
    with raises(v2, "ResourceNotFoundException", 404):
        INSTANCE_OPERATIONS[operation](v2)


def test_a_missing_instance_hint_names_the_switch(fake: CampaignsFake, v2: Client) -> None:
    with raises(v2, "ResourceNotFoundException", 404):
        put_integration(v2, PROFILES)
    hint = fake.v2.calls.last.hint
    assert hint is not None and "require_onboarding=False" in hint, hint


def test_an_unknown_integration_has_no_instance_hint(onboarded: CampaignsFake, v2: Client) -> None:
    with raises(v2, "ResourceNotFoundException", 404):
        v2.delete_connect_instance_integration(
            connectInstanceId=INSTANCE,
            integrationIdentifier={"qConnect": {"knowledgeBaseArn": KB_ARN}},
        )
    assert onboarded.v2.calls.last.hint is None  # the instance is onboarded: nothing to seed


# -- require_onboarding=False ------------------------------------------------------------------


@pytest.fixture
def unchecked() -> Iterator[CampaignsFake]:
    """An active fake that needs no onboarded instance (shared with v1), no instances."""
    with CampaignsFake(require_onboarding=False) as fake:
        fake.clock.freeze(FROZEN_AT)
        yield fake


def test_without_onboarding_check_an_unknown_instance_reads_empty(
    unchecked: CampaignsFake, v2: Client
) -> None:
    assert integrations(v2) == []
    assert limits_of(v2) == {}
    with raises(v2, "ResourceNotFoundException", 404):  # the integration, not the instance
        v2.delete_connect_instance_integration(
            connectInstanceId=INSTANCE,
            integrationIdentifier={"customerProfiles": {"domainArn": DOMAIN_ARN}},
        )
    with pytest.raises(KeyError):  # reads created nothing
        unchecked.instance(INSTANCE)


@pytest.mark.parametrize("status", [None, "IN_PROGRESS", "FAILED"], ids=["none", "busy", "failed"])
def test_without_onboarding_check_integrations_and_limits_are_kept(
    unchecked: CampaignsFake, v2: Client, status: str | None
) -> None:
    if status is not None:
        unchecked.add_instance(INSTANCE, status=status)
    put_integration(v2, PROFILES)
    put_integration(v2, QCONNECT)
    v2.put_instance_communication_limits(
        connectInstanceId=INSTANCE, communicationLimitsConfig={"allChannelSubtypes": LIMITS}
    )
    v2.delete_connect_instance_integration(
        connectInstanceId=INSTANCE, integrationIdentifier={"qConnect": {"knowledgeBaseArn": KB_ARN}}
    )
    assert integrations(v2) == [PROFILES]
    assert limits_of(v2) == {"communicationLimitsConfig": {"allChannelSubtypes": LIMITS}}
    assert unchecked.instance(INSTANCE).status == status  # no job was made up
    assert create_v2(v2)["id"]  # as CreateCampaign
    # The check back on: the instance is not onboarded.
    unchecked.settings.require_onboarding = True
    for operation in INSTANCE_OPERATIONS.values():
        with raises(v2, "ResourceNotFoundException", 404):
            operation(v2)


def test_an_instance_known_by_its_integrations_keeps_them_when_onboarded(
    unchecked: CampaignsFake, v1: Client, v2: Client
) -> None:
    put_integration(v2, PROFILES)
    v2.put_instance_communication_limits(
        connectInstanceId=INSTANCE, communicationLimitsConfig={"allChannelSubtypes": LIMITS}
    )
    instance = unchecked.instance(INSTANCE)
    assert (instance.status, instance.job(), instance.encryption_config) == (None, None, {})
    with raises(v2, "ResourceNotFoundException", 404):  # no job, no config
        job_of(v2)
    with raises(v1, "ResourceNotFoundException", 404):
        config_of(v1)
    assert start(v1) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    assert job_of(v2)["status"] == "SUCCEEDED"
    assert config_of(v2)["encryptionConfig"] == {"enabled": False}
    unchecked.settings.require_onboarding = True
    assert integrations(v2) == [PROFILES]
    assert limits_of(v2) == {"communicationLimitsConfig": {"allChannelSubtypes": LIMITS}}
    # Off-boarding removes them, as for any instance.
    v2.delete_connect_instance_config(connectInstanceId=INSTANCE)
    unchecked.add_instance(INSTANCE)
    assert integrations(v2) == []


def test_an_instance_known_by_its_integrations_survives_a_snapshot(
    unchecked: CampaignsFake, v2: Client
) -> None:
    put_integration(v2, PROFILES)
    v2.put_instance_communication_limits(
        connectInstanceId=INSTANCE, communicationLimitsConfig={"allChannelSubtypes": LIMITS}
    )
    data = unchecked.snapshot()
    unchecked.reset()
    assert integrations(v2) == []
    unchecked.load(data)
    assert integrations(v2) == [PROFILES]
    assert limits_of(v2) == {"communicationLimitsConfig": {"allChannelSubtypes": LIMITS}}
    assert unchecked.instance(INSTANCE).status is None
    assert unchecked.snapshot() == data
    # A job without its config is still refused.
    (entry,) = data["partitions"][0]["instances"]
    entry["status"] = "SUCCEEDED"
    with pytest.raises(ValueError, match="Corrupted"):
        unchecked.load(data)


# -- instance communication limits -----------------------------------------------------------


def test_instance_limits_absent_before_put(onboarded: CampaignsFake, v2: Client) -> None:
    assert limits_of(v2) == {}


def test_put_instance_limits_replaces(onboarded: CampaignsFake, v2: Client) -> None:
    for limits in (LIMITS, OTHER_LIMITS, OTHER_LIMITS):
        v2.put_instance_communication_limits(
            connectInstanceId=INSTANCE, communicationLimitsConfig={"allChannelSubtypes": limits}
        )
        assert limits_of(v2) == {"communicationLimitsConfig": {"allChannelSubtypes": limits}}
    onboarded.add_instance("instance-2")
    assert limits_of(v2, "instance-2") == {}
