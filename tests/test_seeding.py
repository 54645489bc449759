"""Seeding state directly, snapshots of the whole fake, and deterministic identifiers."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from support import ACCOUNT, DIALER, OTHER_ACCOUNT, OTHER_KEY, STATES, code_and_status, new_client

from pytest_campaigns_fake import Campaign, CampaignsFake, Instance

ROLE = re.compile(
    r"arn:aws:iam::123456789012:role/aws-service-role/connect-campaigns\.amazonaws\.com/"
    r"AWSServiceRoleForConnectCampaigns_[A-Za-z0-9]{20}"
)


@pytest.fixture(scope="module")
def client() -> Any:
    return new_client(max_attempts=1)


@pytest.fixture(scope="module")
def eu_client() -> Any:
    """A client acting in OTHER_ACCOUNT (once the fake registers OTHER_KEY) in eu-west-2."""
    return new_client("eu-west-2", OTHER_KEY, max_attempts=1)


def _plain(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


# -- add_instance ----------------------------------------------------------------------------


def test_add_instance_succeeded(campaigns_fake: CampaignsFake, client: Any) -> None:
    instance = campaigns_fake.add_instance("inst-ok")
    assert isinstance(instance, Instance)
    assert (instance.connect_instance_id, instance.status, instance.failure_code) == (
        "inst-ok",
        "SUCCEEDED",
        None,
    )
    config = client.get_connect_instance_config(connectInstanceId="inst-ok")
    assert config["connectInstanceConfig"]["connectInstanceId"] == "inst-ok"
    assert config["connectInstanceConfig"]["encryptionConfig"] == {"enabled": False}
    assert ROLE.fullmatch(config["connectInstanceConfig"]["serviceLinkedRoleArn"])
    status = client.get_instance_onboarding_job_status(connectInstanceId="inst-ok")
    assert status["connectInstanceOnboardingJobStatus"] == {
        "connectInstanceId": "inst-ok",
        "status": "SUCCEEDED",
    }


def test_add_instance_with_encryption(campaigns_fake: CampaignsFake, client: Any) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/0f8c4c39-9a4c-4d2b-8f57-3e0d6f9a1b2c"
    campaigns_fake.add_instance(
        "inst-kms", encryption_config={"enabled": True, "encryptionType": "KMS", "keyArn": key}
    )
    config = client.get_connect_instance_config(connectInstanceId="inst-kms")
    assert config["connectInstanceConfig"]["encryptionConfig"] == {
        "enabled": True,
        "encryptionType": "KMS",
        "keyArn": key,
    }


@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_add_instance_in_progress(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance("inst-wip", status="IN_PROGRESS")
    job = client.get_instance_onboarding_job_status(connectInstanceId="inst-wip")
    assert job["connectInstanceOnboardingJobStatus"] == {
        "connectInstanceId": "inst-wip",
        "status": "IN_PROGRESS",
    }
    assert code_and_status(
        lambda: client.get_connect_instance_config(connectInstanceId="inst-wip")
    ) == (
        "ResourceNotFoundException",
        404,
    )
    assert campaigns_fake.instance("inst-wip").service_linked_role_arn is None


def test_add_instance_failed(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance("inst-bad", status="FAILED", failure_code="KMS_KEY_NOT_FOUND")
    job = client.get_instance_onboarding_job_status(connectInstanceId="inst-bad")
    assert job["connectInstanceOnboardingJobStatus"] == {
        "connectInstanceId": "inst-bad",
        "status": "FAILED",
        "failureCode": "KMS_KEY_NOT_FOUND",
    }
    # Only a FAILED job can be deleted.
    client.delete_instance_onboarding_job(connectInstanceId="inst-bad")
    assert code_and_status(
        lambda: client.get_instance_onboarding_job_status(connectInstanceId="inst-bad")
    ) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "DONE"}, "status='DONE' is not one of IN_PROGRESS, SUCCEEDED, FAILED"),
        (
            {"status": "FAILED", "failure_code": "DISK_FULL"},
            "failure_code='DISK_FULL' is not one of EVENT_BRIDGE_ACCESS_DENIED, "
            "EVENT_BRIDGE_MANAGED_RULE_LIMIT_EXCEEDED, IAM_ACCESS_DENIED, KMS_ACCESS_DENIED, "
            "KMS_KEY_NOT_FOUND, INTERNAL_FAILURE",
        ),
        (
            {"status": "SUCCEEDED", "failure_code": "INTERNAL_FAILURE"},
            "failure_code is only meaningful with status='FAILED'",
        ),
    ],
)
def test_add_instance_rejects_bad_status(
    campaigns_fake: CampaignsFake, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.add_instance("inst-1", **kwargs)
    assert str(caught.value) == message
    with pytest.raises(KeyError):
        campaigns_fake.instance("inst-1")


def test_add_instance_rejects_id_breaking_the_pattern(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.add_instance("my instance")
    assert str(caught.value) == (
        "Seed breaks the connectcampaigns model (StartInstanceOnboardingJobRequest): "
        "Value 'my instance' at 'connectInstanceId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_\\-.]*"
    )
    with pytest.raises(ValueError, match="Member must have length less than or equal to 256"):
        campaigns_fake.add_instance("i" * 257)


# -- add_campaign ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_add_campaign_in_every_state(
    campaigns_fake: CampaignsFake, client: Any, state: str
) -> None:
    campaign = campaigns_fake.add_campaign(
        connect_instance_id="inst-1", name=f"in {state}", state=state, tags={"team": "blue"}
    )
    assert isinstance(campaign, Campaign)
    assert campaign.name == f"in {state}"
    assert campaign.state == state
    assert campaign.arn == f"arn:aws:connect-campaigns:us-east-1:{ACCOUNT}:campaign/{campaign.id}"
    assert client.get_campaign_state(id=campaign.id)["state"] == state
    assert client.describe_campaign(id=campaign.id)["campaign"] == {
        "id": campaign.id,
        "arn": campaign.arn,
        "name": f"in {state}",
        "connectInstanceId": "inst-1",
        "dialerConfig": DIALER,
        "outboundCallConfig": {
            "connectContactFlowId": "contact-flow-id",
            "connectQueueId": "queue-id",
        },
        "tags": {"team": "blue"},
    }
    assert campaigns_fake.campaign(campaign.id) == campaign
    assert campaigns_fake.campaigns == [campaign]


def test_add_campaign_with_configs(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaign = campaigns_fake.add_campaign(
        connect_instance_id="inst-1",
        name="agentless",
        dialer_config={"agentlessDialerConfig": {"dialingCapacity": 0.5}},
        outbound_call_config={
            "connectContactFlowId": "flow-9",
            "connectSourcePhoneNumber": "+15550199",
            "answerMachineDetectionConfig": {"enableAnswerMachineDetection": True},
        },
    )
    described = client.describe_campaign(id=campaign.id)["campaign"]
    assert described["dialerConfig"] == {"agentlessDialerConfig": {"dialingCapacity": 0.5}}
    assert described["outboundCallConfig"] == {
        "connectContactFlowId": "flow-9",
        "connectSourcePhoneNumber": "+15550199",
        "answerMachineDetectionConfig": {"enableAnswerMachineDetection": True},
    }
    assert described["tags"] == {}


def test_add_campaign_skips_onboarding_and_quota(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.quotas.campaigns_per_instance = 1
    ids = [campaigns_fake.add_campaign(connect_instance_id="never-onboarded").id for _ in range(3)]
    listed = client.list_campaigns()["campaignSummaryList"]
    assert [c["id"] for c in listed] == ids


@pytest.mark.parametrize(
    ("kwargs", "violation"),
    [
        (
            {"name": "n" * 128},
            f"Value '{'n' * 128}' at 'name' failed to satisfy constraint: "
            "Member must have length less than or equal to 127",
        ),
        (
            {
                "dialer_config": {
                    "progressiveDialerConfig": {"bandwidthAllocation": 1.0},
                    "predictiveDialerConfig": {"bandwidthAllocation": 1.0},
                }
            },
            "at 'dialerConfig' failed to satisfy constraint: Member must have exactly one of "
            "[progressiveDialerConfig, predictiveDialerConfig, agentlessDialerConfig] set",
        ),
        ({"tags": {"aws:x": "y"}}, "Member must satisfy regular expression pattern: (?!aws:)"),
        (
            {"dialer_config": {"progressiveDialerConfig": {"bandwidthAllocation": 1.5}}},
            "Value '1.5' at 'dialerConfig.progressiveDialerConfig.bandwidthAllocation' "
            "failed to satisfy constraint: Member must have value less than or equal to 1",
        ),
        ({"connect_instance_id": "has space"}, "at 'connectInstanceId' failed to satisfy"),
    ],
)
def test_add_campaign_rejects_seeds_breaking_the_model(
    campaigns_fake: CampaignsFake, kwargs: dict[str, Any], violation: str
) -> None:
    arguments: dict[str, Any] = {"connect_instance_id": "inst-1", **kwargs}
    with pytest.raises(ValueError) as caught:
        campaigns_fake.add_campaign(**arguments)
    message = str(caught.value)
    assert message.startswith("Seed breaks the connectcampaigns model (CreateCampaignRequest): ")
    assert violation in message
    assert campaigns_fake.campaigns == []


def test_add_campaign_rejects_unknown_state_and_too_many_tags(
    campaigns_fake: CampaignsFake,
) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running2")
    assert str(caught.value) == (
        "state='Running2' is not one of Initialized, Running, Paused, Stopped, Failed "
        "(did you mean 'Running'?)"
    )
    with pytest.raises(ValueError, match="at most 50 tags"):
        campaigns_fake.add_campaign(
            connect_instance_id="inst-1", tags={f"k{i}": "v" for i in range(51)}
        )
    assert campaigns_fake.campaigns == []


def test_seeds_in_another_region_and_account(
    campaigns_fake: CampaignsFake, client: Any, eu_client: Any
) -> None:
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    campaigns_fake.add_instance("inst-eu", region="eu-west-2", account_id=OTHER_ACCOUNT)
    campaign = campaigns_fake.add_campaign(
        connect_instance_id="inst-eu", name="eu", region="eu-west-2", account_id=OTHER_ACCOUNT
    )
    assert campaign.arn == (
        f"arn:aws:connect-campaigns:eu-west-2:{OTHER_ACCOUNT}:campaign/{campaign.id}"
    )
    assert eu_client.describe_campaign(id=campaign.id)["campaign"]["name"] == "eu"
    assert eu_client.list_campaigns()["campaignSummaryList"][0]["id"] == campaign.id
    config = eu_client.get_connect_instance_config(connectInstanceId="inst-eu")
    assert (
        f"arn:aws:iam::{OTHER_ACCOUNT}:role/"
        in config["connectInstanceConfig"]["serviceLinkedRoleArn"]
    )
    # Invisible from the default account and region...
    assert code_and_status(lambda: client.describe_campaign(id=campaign.id))[0] == (
        "ResourceNotFoundException"
    )
    assert client.list_campaigns()["campaignSummaryList"] == []
    assert code_and_status(lambda: client.get_connect_instance_config(connectInstanceId="inst-eu"))[
        0
    ] == ("ResourceNotFoundException")
    # ...and from the same account in another region.
    same_account_us = new_client("us-east-1", OTHER_KEY, max_attempts=1)
    assert same_account_us.list_campaigns()["campaignSummaryList"] == []
    assert campaigns_fake.instance("inst-eu", region="eu-west-2", account_id=OTHER_ACCOUNT)
    with pytest.raises(KeyError):
        campaigns_fake.instance("inst-eu")


@pytest.mark.campaigns_fake(any_region=True)
@pytest.mark.parametrize(
    ("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")]
)
def test_seed_arn_partition(campaigns_fake: CampaignsFake, region: str, partition: str) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1", region=region)
    assert campaign.arn == (
        f"arn:{partition}:connect-campaigns:{region}:{ACCOUNT}:campaign/{campaign.id}"
    )


def test_set_campaign_state(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
    returned = campaigns_fake.set_campaign_state(campaign.id, "Stopped")
    assert returned == campaign
    assert campaign.state == "Stopped"
    assert client.get_campaign_state(id=campaign.id)["state"] == "Stopped"
    with pytest.raises(client.exceptions.InvalidCampaignStateException) as caught:
        client.resume_campaign(id=campaign.id)
    assert caught.value.response["state"] == "Stopped"
    # Any state, whatever the state machine says.
    campaigns_fake.set_campaign_state(campaign.id, "Paused")
    client.resume_campaign(id=campaign.id)
    assert client.get_campaign_state(id=campaign.id)["state"] == "Running"


def test_set_campaign_state_rejects_bad_input(campaigns_fake: CampaignsFake) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
    with pytest.raises(ValueError, match="state='running' is not one of Initialized"):
        campaigns_fake.set_campaign_state(campaign.id, "running")
    with pytest.raises(KeyError, match="no-such-id"):
        campaigns_fake.set_campaign_state("no-such-id", "Running")
    assert campaign.state == "Initialized"


# -- snapshots -------------------------------------------------------------------------------


def _populate(fake: CampaignsFake, client: Any) -> dict[str, Any]:
    """Rich state in two partitions, made partly by seeding and partly through the API."""
    fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    fake.add_instance("inst-a")
    fake.add_instance("inst-wip", status="IN_PROGRESS")
    fake.add_instance("inst-bad", status="FAILED", failure_code="IAM_ACCESS_DENIED")
    ids = [
        fake.add_campaign(connect_instance_id="inst-a", name=f"seeded {state}", state=state).id
        for state in STATES
    ]
    created = client.create_campaign(
        name="made by api",
        connectInstanceId="inst-a",
        dialerConfig={"predictiveDialerConfig": {"bandwidthAllocation": 0.25}},
        outboundCallConfig={"connectContactFlowId": "flow-1", "connectQueueId": "q-1"},
        tags={"team": "red", "cost": "42"},
    )
    ids.append(created["id"])
    client.start_campaign(id=created["id"])
    client.untag_resource(arn=created["arn"], tagKeys=["cost"])
    client.delete_campaign(id=ids[2])  # a hole in the sequence that pages skip
    dial = client.put_dial_request_batch(
        id=created["id"],
        dialRequests=[
            {
                "clientToken": "tok-1",
                "phoneNumber": "+15550101",
                "expirationTime": fake.clock.now() + timedelta(seconds=600),
                "attributes": {"customer": "7"},
            }
        ],
    )
    client.get_instance_onboarding_job_status(connectInstanceId="inst-wip")  # 1 of 3 polls
    fake.add_instance("inst-eu", region="eu-west-2", account_id=OTHER_ACCOUNT)
    eu = fake.add_campaign(
        connect_instance_id="inst-eu",
        name="eu",
        region="eu-west-2",
        account_id=OTHER_ACCOUNT,
        tags={"where": "eu"},
    )
    first_page = client.list_campaigns(maxResults=2)
    return {
        "ids": [i for i in ids if i != ids[2]],
        "running": created["id"],
        "arn": created["arn"],
        "dial_id": dial["successfulRequests"][0]["id"],
        "eu": eu.id,
        "eu_arn": eu.arn,
        "token": first_page["nextToken"],
    }


def _observe(client: Any, eu_client: Any, made: dict[str, Any]) -> dict[str, Any]:
    """Every answer a test could get, as plain data (changes polls and dial state alike)."""
    seen: dict[str, Any] = {}
    seen["describe"] = [_plain(client.describe_campaign(id=i)) for i in made["ids"]]
    pages, token = [], None
    while True:
        page = client.list_campaigns(maxResults=2, **({"nextToken": token} if token else {}))
        pages.append(_plain(page))
        token = page.get("nextToken")
        if not token:
            break
    seen["pages"] = pages
    seen["page_after_issued_token"] = _plain(
        client.list_campaigns(maxResults=2, nextToken=made["token"])
    )
    seen["filtered"] = _plain(
        client.list_campaigns(filters={"instanceIdFilter": {"value": "inst-a", "operator": "Eq"}})
    )
    seen["states"] = _plain(client.get_campaign_state_batch(campaignIds=[*made["ids"], "gone"]))
    seen["tags"] = [_plain(client.list_tags_for_resource(arn=made["arn"]))]
    seen["onboarding"] = [
        _plain(client.get_instance_onboarding_job_status(connectInstanceId=i))
        for i in ("inst-a", "inst-bad", "inst-wip", "inst-wip", "inst-wip")
    ]
    seen["config"] = _plain(client.get_connect_instance_config(connectInstanceId="inst-a"))
    seen["replayed_dial"] = _plain(
        client.put_dial_request_batch(
            id=made["running"],
            dialRequests=[
                {
                    "clientToken": "tok-1",
                    "phoneNumber": "+15550101",
                    "expirationTime": "2000-01-01T00:00:00Z",
                    "attributes": {},
                }
            ],
        )
    )
    seen["eu"] = [
        _plain(eu_client.describe_campaign(id=made["eu"])),
        _plain(eu_client.list_tags_for_resource(arn=made["eu_arn"])),
        _plain(eu_client.get_connect_instance_config(connectInstanceId="inst-eu")),
    ]
    seen["eu_from_default"] = code_and_status(lambda: client.describe_campaign(id=made["eu"]))
    return seen


@pytest.mark.campaigns_fake(onboarding_polls=3, campaigns_per_instance=7)
def test_snapshot_reproduces_every_answer(
    campaigns_fake: CampaignsFake, client: Any, eu_client: Any
) -> None:
    made = _populate(campaigns_fake, client)
    snap = campaigns_fake.snapshot()
    assert json.loads(json.dumps(snap)) == snap
    assert {(p["account"], p["region"]) for p in snap["partitions"]} == {
        (ACCOUNT, "us-east-1"),
        (OTHER_ACCOUNT, "eu-west-2"),
    }
    original = _observe(client, eu_client, made)
    original_dials = campaigns_fake.dial_requests(made["running"])

    with CampaignsFake() as other:
        other.load(snap)
        loaded = _observe(client, eu_client, made)
        assert other.dial_requests(made["running"]) == original_dials
        assert other.quotas.campaigns_per_instance == 7
        assert other.settings.onboarding_polls == 3

    assert loaded == original
    # Spot checks, so that "equal" cannot mean "equally broken".
    assert original["replayed_dial"] == {
        "successfulRequests": [{"clientToken": "tok-1", "id": made["dial_id"]}],
        "failedRequests": [],
    }
    assert len(original_dials) == 1
    assert [p["campaignSummaryList"][0]["name"] for p in original["pages"]] == [
        "seeded Initialized",
        "seeded Stopped",
        "made by api",
    ]
    assert original["page_after_issued_token"] == original["pages"][1]
    assert [o["connectInstanceOnboardingJobStatus"]["status"] for o in original["onboarding"]] == [
        "SUCCEEDED",
        "FAILED",
        "IN_PROGRESS",
        "SUCCEEDED",
        "SUCCEEDED",
    ]
    assert original["tags"] == [{"tags": {"team": "red"}}]
    assert original["eu_from_default"] == ("ResourceNotFoundException", 404)
    assert original["states"]["failedRequests"] == [
        {"campaignId": "gone", "failureCode": "ResourceNotFound"}
    ]


def test_loaded_fake_keeps_creating_after_the_snapshot(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance("inst-a")
    old = [
        campaigns_fake.add_campaign(connect_instance_id="inst-a", name=f"c{i}") for i in range(3)
    ]
    snap = campaigns_fake.snapshot()
    with CampaignsFake() as other:
        other.load(snap)
        created = client.create_campaign(
            name="after",
            connectInstanceId="inst-a",
            dialerConfig=DIALER,
            outboundCallConfig={"connectContactFlowId": "flow-1"},
        )
        listed = [c["id"] for c in client.list_campaigns()["campaignSummaryList"]]
    assert listed == [*(c.id for c in old), created["id"]]


def test_loading_does_not_tie_the_fake_to_the_snapshot(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(
        connect_instance_id="inst-a", tags={"a": "1", "b": "2"}, state="Running"
    )
    snap = campaigns_fake.snapshot()
    pristine = copy.deepcopy(snap)
    with CampaignsFake() as first:
        first.load(snap)
        client.untag_resource(arn=campaign.arn, tagKeys=["a"])
        client.pause_campaign(id=campaign.id)
    assert snap == pristine
    with CampaignsFake() as second:
        second.load(snap)
        assert client.list_tags_for_resource(arn=campaign.arn)["tags"] == {"a": "1", "b": "2"}
        assert client.get_campaign_state(id=campaign.id)["state"] == "Running"


def test_load_replaces_existing_state(campaigns_fake: CampaignsFake, client: Any) -> None:
    kept = campaigns_fake.add_campaign(connect_instance_id="inst-a", name="kept")
    snap = campaigns_fake.snapshot()
    dropped = campaigns_fake.add_campaign(connect_instance_id="inst-a", name="dropped")
    campaigns_fake.load(snap)
    assert [c.id for c in campaigns_fake.campaigns] == [kept.id]
    assert code_and_status(lambda: client.describe_campaign(id=dropped.id))[0] == (
        "ResourceNotFoundException"
    )


@pytest.mark.parametrize("as_str", [False, True])
def test_load_from_json_file(
    campaigns_fake: CampaignsFake, client: Any, tmp_path: Path, as_str: bool
) -> None:
    campaign = campaigns_fake.add_campaign(
        connect_instance_id="inst-a", name="from json", state="Paused", tags={"k": "v"}
    )
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(campaigns_fake.snapshot()), encoding="utf-8")
    with CampaignsFake() as other:
        other.load(str(path) if as_str else path)
        assert client.describe_campaign(id=campaign.id)["campaign"]["name"] == "from json"
        assert client.get_campaign_state(id=campaign.id)["state"] == "Paused"
        assert client.list_tags_for_resource(arn=campaign.arn)["tags"] == {"k": "v"}
        assert other.snapshot() == campaigns_fake.snapshot()


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_load_from_yaml_file(
    campaigns_fake: CampaignsFake, client: Any, tmp_path: Path, suffix: str
) -> None:
    yaml = pytest.importorskip("yaml")
    campaigns_fake.add_instance("inst-a", status="FAILED", failure_code="KMS_ACCESS_DENIED")
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-a", name="from yaml")
    path = tmp_path / f"snapshot{suffix}"
    path.write_text(yaml.safe_dump(campaigns_fake.snapshot()), encoding="utf-8")
    with CampaignsFake() as other:
        other.load(path)
        assert client.describe_campaign(id=campaign.id)["campaign"]["name"] == "from yaml"
        job = client.get_instance_onboarding_job_status(connectInstanceId="inst-a")
        assert job["connectInstanceOnboardingJobStatus"]["failureCode"] == "KMS_ACCESS_DENIED"
        assert other.snapshot() == campaigns_fake.snapshot()


def _corrupt(snap: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    broken = copy.deepcopy(snap)
    change(broken)
    return broken


def _first_campaign(snap: dict[str, Any]) -> dict[str, Any]:
    campaign: dict[str, Any] = snap["partitions"][0]["campaigns"][0]
    return campaign


CORRUPTIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "format": lambda s: s.update(format="something-else/1"),
    "no format": lambda s: s.pop("format"),
    "no partitions": lambda s: s.pop("partitions"),
    "partitions not a list": lambda s: s.update(partitions="oops"),
    "lastSeq not a number": lambda s: s.update(lastSeq="abc"),
    "lastSeq below a campaign": lambda s: s.update(lastSeq=0),
    "quota missing": lambda s: s.update(quotas={}),
    "campaign name too long": lambda s: _first_campaign(s).update(name="x" * 200),
    "campaign state": lambda s: _first_campaign(s).update(state="Sleeping"),
    "campaign arn": lambda s: _first_campaign(s).update(arn="arn:aws:nope"),
    "campaign id missing": lambda s: _first_campaign(s).pop("id"),
    "dial expiration": lambda s: _first_campaign(s)["dialRequests"][0].update(
        expirationTime="tomorrow"
    ),
    "instance status": lambda s: s["partitions"][0]["instances"][0].update(status="DONE"),
    "instance id": lambda s: s["partitions"][0]["instances"][0].update(connectInstanceId="a b"),
    "polls": lambda s: s["partitions"][0]["instances"][0].update(polls=-1),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupted_snapshot_is_rejected_and_changes_nothing(
    campaigns_fake: CampaignsFake, client: Any, corruption: str
) -> None:
    campaigns_fake.add_instance("inst-a")
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-a", state="Running")
    client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {
                "clientToken": "tok",
                "phoneNumber": "+15550101",
                "expirationTime": campaigns_fake.clock.now() + timedelta(seconds=120),
                "attributes": {},
            }
        ],
    )
    snap = campaigns_fake.snapshot()
    broken = _corrupt(snap, CORRUPTIONS[corruption])
    with CampaignsFake() as other:
        survivor = other.add_campaign(connect_instance_id="inst-z", name="survivor")
        with pytest.raises(ValueError, match="snapshot"):
            other.load(broken)
        # All or nothing: the fake is as it was.
        assert [c.id for c in other.campaigns] == [survivor.id]
        assert client.describe_campaign(id=survivor.id)["campaign"]["name"] == "survivor"


@pytest.mark.parametrize(
    ("name", "text"),
    [("bad.json", "{not json"), ("list.json", "[1, 2]"), ("bad.yaml", "a: [1, 2")],
)
def test_corrupted_snapshot_file_is_rejected(
    campaigns_fake: CampaignsFake, tmp_path: Path, name: str, text: str
) -> None:
    if name.endswith(".yaml"):
        pytest.importorskip("yaml")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        campaigns_fake.load(path)


# -- deterministic ids -----------------------------------------------------------------------


def _run_with_seed(client: Any, seed: int | None) -> list[str]:
    with CampaignsFake(seed=seed) as fake:
        fake.add_instance("inst-a")
        ids = [fake.add_campaign(connect_instance_id="inst-a").id]
        for name in ("one", "two", "three"):
            ids.append(
                client.create_campaign(
                    name=name,
                    connectInstanceId="inst-a",
                    dialerConfig=DIALER,
                    outboundCallConfig={"connectContactFlowId": "flow-1"},
                )["id"]
            )
        fake.set_campaign_state(ids[0], "Running")
        answer = client.put_dial_request_batch(
            id=ids[0],
            dialRequests=[
                {
                    "clientToken": "t",
                    "phoneNumber": "+15550101",
                    "expirationTime": fake.clock.now() + timedelta(seconds=60),
                    "attributes": {},
                }
            ],
        )
        ids.append(answer["successfulRequests"][0]["id"])
        ids.append(fake.calls.last.request_id)
        return ids


def _assert_uuid4(value: str) -> None:
    parsed = uuid.UUID(value)
    assert parsed.version == 4
    assert str(parsed) == value  # lowercase, hyphenated


def test_seeded_ids_repeat(client: Any) -> None:
    first = _run_with_seed(client, 42)
    second = _run_with_seed(client, 42)
    assert first == second
    assert len(set(first)) == len(first)
    for value in first:
        _assert_uuid4(value)
    other_seed = _run_with_seed(client, 43)
    assert set(other_seed).isdisjoint(first)


def test_unseeded_ids_are_random_uuid4(client: Any) -> None:
    first = _run_with_seed(client, None)
    second = _run_with_seed(client, None)
    assert set(first).isdisjoint(second)
    for value in first + second:
        _assert_uuid4(value)


@pytest.mark.campaigns_fake(seed="reproducible")
def test_seed_via_marker(campaigns_fake: CampaignsFake, client: Any) -> None:
    mine = campaigns_fake.add_campaign(connect_instance_id="inst-a").id
    with CampaignsFake(seed="reproducible") as twin:
        assert twin.add_campaign(connect_instance_id="inst-a").id == mine
    _assert_uuid4(mine)


def test_seeded_campaign_keeps_its_own_copy_of_the_callers_dicts() -> None:
    fake = CampaignsFake()
    dialer = {"progressiveDialerConfig": {"bandwidthAllocation": 0.5}}
    tags = {"team": "blue"}
    campaign = fake.add_campaign(connect_instance_id="i", dialer_config=dialer, tags=tags)
    dialer["progressiveDialerConfig"]["bandwidthAllocation"] = 0.9
    tags["team"] = "red"
    assert campaign.dialer_config == {"progressiveDialerConfig": {"bandwidthAllocation": 0.5}}
    assert campaign.tags == {"team": "blue"}


def test_extra_calls_do_not_shift_seeded_resource_ids(client: Any) -> None:
    def campaign_ids(extra_calls: int) -> list[str]:
        with CampaignsFake(seed=7, require_onboarding=False) as fake:
            created = []
            for n in range(2):
                for _ in range(extra_calls):
                    client.list_campaigns()
                answer = client.create_campaign(
                    name=f"c{n}",
                    connectInstanceId="i",
                    dialerConfig={"agentlessDialerConfig": {"dialingCapacity": 1.0}},
                    outboundCallConfig={"connectContactFlowId": "flow"},
                )
                created.append(answer["id"])
            assert len(fake.calls) == 2 + 2 * extra_calls
            return created

    assert campaign_ids(0) == campaign_ids(3)
