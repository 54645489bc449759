"""Snapshots hold connectcampaignsv2 too: campaigns in any state with their schedules and the
requests they accepted, instance integrations and limits, v2 quotas and settings; a fake loaded
from one answers every v2 read as the original did, and a corrupted v2 part is refused whole."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import INSTANCE, Client
from support_v2 import (
    DOMAIN_ARN,
    LAMBDA_ARN,
    LIMITS,
    PROFILE_ID,
    SMS,
    create_v2,
    has_member,
    later,
    outbound_request,
    profile_request,
)

from pytest_campaigns_fake import CampaignsFake


def populate(fake: CampaignsFake, client: Client) -> dict[str, str]:
    """A fake holding one of every kind of v2 state; the ids of its campaigns."""
    fake.add_instance(INSTANCE)
    client.put_connect_instance_integration(
        connectInstanceId=INSTANCE,
        integrationConfig={"customerProfiles": {"domainArn": DOMAIN_ARN, "objectTypeNames": {}}},
    )
    if has_member("IntegrationConfig", "lambda"):
        client.put_connect_instance_integration(
            connectInstanceId=INSTANCE, integrationConfig={"lambda": {"functionArn": LAMBDA_ARN}}
        )
    client.put_instance_communication_limits(
        connectInstanceId=INSTANCE, communicationLimitsConfig={"allChannelSubtypes": LIMITS}
    )
    external = create_v2(client, name="external", tags={"team": "renewals"})["id"]
    client.start_campaign(id=external)
    client.put_outbound_request_batch(
        id=external, outboundRequests=[outbound_request("t-1", later(fake, hours=1))]
    )
    triggered = create_v2(
        client,
        name="triggered",
        channels={"sms": SMS},
        source={"eventTrigger": {"customerProfilesDomainArn": DOMAIN_ARN}},
    )["id"]
    client.start_campaign(id=triggered)
    client.put_profile_outbound_request_batch(
        id=triggered, profileOutboundRequests=[profile_request("p-1")]
    )
    scheduled = create_v2(
        client,
        name="scheduled",
        schedule={"startTime": later(fake, hours=1), "endTime": later(fake, days=2)},
    )["id"]
    client.start_campaign(id=scheduled)
    gone = create_v2(client, name="gone")["id"]
    client.delete_campaign(id=gone)
    fake.v2.quotas.active_campaigns_per_instance = 7
    fake.v2.settings.pending_request_cap = 3
    fake.v2.mark_profile_missing("f" * 32)
    return {"external": external, "triggered": triggered, "scheduled": scheduled, "gone": gone}


def reads(client: Client, ids: dict[str, str]) -> list[Any]:
    answers: list[Any] = []
    for name in ("external", "triggered", "scheduled"):
        answers.append(client.describe_campaign(id=ids[name])["campaign"])
        answers.append(client.get_campaign_state(id=ids[name])["state"])
    answers.append(client.list_campaigns()["campaignSummaryList"])
    answers.append(client.list_connect_instance_integrations(connectInstanceId=INSTANCE))
    answers.append(client.get_instance_communication_limits(connectInstanceId=INSTANCE))
    answers.append(client.get_connect_instance_config(connectInstanceId=INSTANCE))
    for answer in answers:
        if isinstance(answer, dict):
            answer.pop("ResponseMetadata", None)
    return answers


def test_a_loaded_fake_answers_every_v2_read_as_the_original(v2: Client, tmp_path: Path) -> None:
    with CampaignsFake() as original:
        ids = populate(original, v2)
        before = reads(v2, ids)
        path = tmp_path / "fake.json"
        original.save(path)
        accepted = original.v2.outbound_requests(ids["external"])
        profiles = original.v2.profile_outbound_requests(ids["triggered"])
    with CampaignsFake() as loaded:
        loaded.load(path)
        assert reads(v2, ids) == before
        assert loaded.v2.outbound_requests(ids["external"]) == accepted
        assert loaded.v2.profile_outbound_requests(ids["triggered"]) == profiles
        assert loaded.v2.outbound_requests(ids["gone"]) == []
        assert loaded.v2.quotas.active_campaigns_per_instance == 7
        assert loaded.v2.settings.pending_request_cap == 3
        # Client tokens stay idempotent across the snapshot: the same id comes back.
        again = v2.put_outbound_request_batch(
            id=ids["external"], outboundRequests=[outbound_request("t-1", later(loaded, hours=1))]
        )
        assert again["successfulRequests"] == [{"clientToken": "t-1", "id": accepted[0].id}]
        # A profile marked missing stays missing.
        failed = v2.put_profile_outbound_request_batch(
            id=ids["triggered"], profileOutboundRequests=[profile_request("p-2", "f" * 32)]
        )["failedRequests"]
        assert [item["failureCode"] for item in failed] == ["ResourceNotFound"]
        # The schedule still drives Completed after loading.
        loaded.clock.advance(3 * 86400)
        assert v2.get_campaign_state(id=ids["scheduled"])["state"] == "Completed"
        # New ids never repeat a loaded one.
        fresh = create_v2(v2, name="after")["id"]
        assert fresh not in ids.values()


# A value other than the default for every v2 setting.
SETTINGS: dict[str, Any] = {
    "pending_request_cap": 4,
    "pending_request_cap_failure_code": "RequestThrottled",
    "max_expiration_seconds": 600.5,
    "profile_requests_need_event_trigger": False,
    "event_trigger_needs_integration": True,
    "job_expiry_days": None,
    "web_notification_needs_object_type": True,
    "accept_us_gov_arns": True,
}


def test_every_v2_setting_travels_in_a_snapshot(tmp_path: Path) -> None:
    with CampaignsFake() as original:
        defaults = dict(vars(original.v2.settings))
        assert sorted(SETTINGS) == sorted(defaults), "a v2 setting this test does not set"
        for name, value in SETTINGS.items():
            assert defaults[name] != value
            setattr(original.v2.settings, name, value)
        original.save(tmp_path / "fake.json")
    with CampaignsFake() as loaded:
        loaded.load(tmp_path / "fake.json")
        assert vars(loaded.v2.settings) == SETTINGS


# Every member a snapshot writes is read back: one left out is a corrupted snapshot (0.1.0 is
# the first format; there is no older one whose members would take defaults).
@pytest.mark.parametrize(
    ("remove", "where"),
    [
        (lambda data: data.pop("v2"), "v2"),
        (lambda data: data["v2"]["settings"].pop("jobExpiryDays"), "v2"),
        (lambda data: data["settings"].pop("shareCampaigns"), "settings"),
        (lambda data: data.pop("accounts"), "accounts"),
        (lambda data: data["partitions"][0].pop("v2Campaigns"), "partitions[0]"),
        (
            lambda data: data["partitions"][0]["instances"][0].pop("integrations"),
            "partitions[0].instances[0]",
        ),
    ],
    ids=["v2", "v2-setting", "shareCampaigns", "accounts", "v2Campaigns", "integrations"],
)
def test_a_snapshot_missing_a_member_is_refused_and_changes_nothing(
    remove: Callable[[dict[str, Any]], Any], where: str
) -> None:
    with CampaignsFake() as fake:
        fake.add_instance(INSTANCE)
        data = fake.snapshot()
        remove(data)
        fake.v2.quotas.campaigns_per_instance = 1
        with pytest.raises(
            ValueError, match=rf"Corrupted .* at {re.escape(where)}: missing member"
        ):
            fake.load(data)
        assert fake.v2.quotas.campaigns_per_instance == 1
        assert fake.instance(INSTANCE) is not None


def _break_state(data: dict[str, Any]) -> None:
    data["partitions"][0]["v2Campaigns"][0]["state"] = "Dialling"


def _break_member(data: dict[str, Any]) -> None:
    data["partitions"][0]["v2Campaigns"][0]["dialerConfig"] = {}


def _break_schedule(data: dict[str, Any]) -> None:
    campaign = next(c for c in data["partitions"][0]["v2Campaigns"] if "schedule" in c)
    campaign["schedule"]["startTime"] = "not a time"


def _break_integration(data: dict[str, Any]) -> None:
    data["partitions"][0]["instances"][0]["integrations"] = [{"customerProfiles": {}}]


def _break_repeated_id(data: dict[str, Any]) -> None:
    campaigns = data["partitions"][0]["v2Campaigns"]
    campaigns[1]["outboundRequests"] = copy.deepcopy(campaigns[0]["outboundRequests"])


def _break_quota(data: dict[str, Any]) -> None:
    data["v2"]["quotas"]["activeCampaignsPerInstance"] = "50"


def _break_setting(data: dict[str, Any]) -> None:
    data["v2"]["settings"]["profileRequestsNeedEventTrigger"] = "yes"


def _break_cap_code(data: dict[str, Any]) -> None:
    data["v2"]["settings"]["pendingRequestCapFailureCode"] = "InvalidInput"


CORRUPTIONS = {
    "unknown state": _break_state,
    "v1 member on a v2 campaign": _break_member,
    "schedule time": _break_schedule,
    "integration breaks the model": _break_integration,
    "repeated request id": _break_repeated_id,
    "quota as a string": _break_quota,
    "setting not a boolean": _break_setting,
    "cap failure code not a throttling code": _break_cap_code,
}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS)
def test_a_corrupted_v2_part_is_refused_and_changes_nothing(v2: Client, corrupt: Any) -> None:
    with CampaignsFake() as fake:
        ids = populate(fake, v2)
        data = fake.snapshot()
        before = json.dumps(fake.snapshot(), sort_keys=True)
        corrupt(data)
        with pytest.raises(ValueError, match="Corrupted pytest-campaigns-fake snapshot"):
            fake.load(data)
        assert json.dumps(fake.snapshot(), sort_keys=True) == before
        assert v2.describe_campaign(id=ids["external"])["campaign"]["name"] == "external"


def test_profile_requests_keep_their_profile(v2: Client) -> None:
    with CampaignsFake() as fake:
        ids = populate(fake, v2)
        entry = next(
            c
            for c in fake.snapshot()["partitions"][0]["v2Campaigns"]
            if c["id"] == ids["triggered"]
        )
        assert [r["profileId"] for r in entry["profileOutboundRequests"]] == [PROFILE_ID]


def test_reading_a_campaign_of_the_other_api_says_where_it_is() -> None:
    with CampaignsFake() as fake:
        v1 = fake.add_campaign(connect_instance_id=INSTANCE)
        v2 = fake.v2.add_campaign(connect_instance_id=INSTANCE)
        with pytest.raises(KeyError, match=r"connectcampaigns \(v1\) campaign: .*campaign\("):
            fake.v2.campaign(v1.id)
        with pytest.raises(KeyError, match=r"connectcampaignsv2 campaign: .*v2\.campaign\("):
            fake.campaign(v2.id)
