"""Snapshot load checks every record against the model's shapes and the fake's invariants, and
names the path of the first violation; a load that fails changes nothing (issue 16).

The snapshots are taken of fakes filled through real clients, then broken one way each.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from support import INSTANCE, new_client
from support_v2 import create_v2, new_v2_client, outbound_request

from pytest_campaigns_fake import CampaignsFake

FROZEN_AT = datetime(2030, 1, 1, tzinfo=timezone.utc)


def _dial(token: str, phone: str = "+15550100") -> dict[str, Any]:
    return {
        "clientToken": token,
        "phoneNumber": phone,
        "expirationTime": FROZEN_AT + timedelta(minutes=5),
        "attributes": {"k": "v"},
    }


@pytest.fixture
def filled(campaigns_fake: CampaignsFake) -> dict[str, Any]:
    """A snapshot with two v1 campaigns (two dial requests in the first), a v2 campaign with an
    outbound request, and a registered account."""
    fake = campaigns_fake
    fake.clock.freeze(FROZEN_AT)
    fake.add_instance(INSTANCE)
    fake.register_account("AKIAOTHER", "210987654321")
    v1, v2 = new_client(), new_v2_client()
    first = fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    fake.add_campaign(connect_instance_id=INSTANCE, name="second", state="Running")
    v1.put_dial_request_batch(id=first.id, dialRequests=[_dial("t1"), _dial("t2")])
    campaign = create_v2(v2)["id"]
    v2.start_campaign(id=campaign)
    v2.put_outbound_request_batch(
        id=campaign, outboundRequests=[outbound_request("o1", FROZEN_AT + timedelta(hours=1))]
    )
    return fake.snapshot()


def _part(data: dict[str, Any]) -> dict[str, Any]:
    part: dict[str, Any] = data["partitions"][0]
    return part


def _no_role(data: dict[str, Any]) -> None:
    _part(data)["instances"][0]["serviceLinkedRoleArn"] = None


def _instance_twice(data: dict[str, Any]) -> None:
    _part(data)["instances"].append(copy.deepcopy(_part(data)["instances"][0]))


def _request_id_twice(data: dict[str, Any]) -> None:
    dials = _part(data)["campaigns"][0]["dialRequests"]
    dials[1]["id"] = dials[0]["id"]


def _campaign_id_twice(data: dict[str, Any]) -> None:
    campaigns = _part(data)["campaigns"]
    campaigns[1]["id"] = campaigns[0]["id"]


def _token_twice(data: dict[str, Any]) -> None:
    dials = _part(data)["campaigns"][0]["dialRequests"]
    dials[1]["clientToken"] = dials[0]["clientToken"]


def _outbound_token_twice(data: dict[str, Any]) -> None:
    requests = _part(data)["v2Campaigns"][0]["outboundRequests"]
    twin = copy.deepcopy(requests[0])
    twin["id"] = "00000000-0000-4000-8000-000000000001"
    requests.append(twin)


def _seq_twice(data: dict[str, Any]) -> None:
    campaigns = _part(data)["campaigns"]
    campaigns[1]["seq"] = campaigns[0]["seq"]


def _seq_shared_across_apis(data: dict[str, Any]) -> None:
    _part(data)["v2Campaigns"][0]["seq"] = _part(data)["campaigns"][0]["seq"]


def _phone_number(data: dict[str, Any]) -> None:
    _part(data)["campaigns"][0]["dialRequests"][0]["phoneNumber"] = "call me"


def _union_member(data: dict[str, Any]) -> None:
    config = _part(data)["v2Campaigns"][0]["channelSubtypeConfig"]
    config["fax"] = {"outboundMode": {"agentless": {}}}


def _request_union_member(data: dict[str, Any]) -> None:
    parameters = _part(data)["v2Campaigns"][0]["outboundRequests"][0]["channelSubtypeParameters"]
    parameters["pigeon"] = {}


def _attribute_value(data: dict[str, Any]) -> None:
    _part(data)["campaigns"][0]["dialRequests"][0]["attributes"] = {"k": 7}


def _access_key(data: dict[str, Any]) -> None:
    data["accounts"]["AKIA/SLASH"] = "210987654321"


def _full_width_account(data: dict[str, Any]) -> None:
    data["accounts"]["AKIAOTHER"] = "２１０９８７６５４３２１"


def _partition_twice(data: dict[str, Any]) -> None:
    twin = copy.deepcopy(_part(data))
    twin["instances"], twin["campaigns"], twin["v2Campaigns"] = [], [], []
    twin["deletedCampaigns"], twin["v2DeletedCampaigns"] = [], []
    data["partitions"].append(twin)


CORRUPTIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "SUCCEEDED instance without its role": (
        _no_role,
        r"at partitions\[0\]\.instances\[0\]: instance instance-1: status SUCCEEDED without "
        r"its serviceLinkedRoleArn",
    ),
    "instance id twice": (
        _instance_twice,
        r"at partitions\[0\]\.instances\[1\]: connectInstanceId 'instance-1' repeated",
    ),
    "request id twice": (
        _request_id_twice,
        r"at partitions\[0\]\.campaigns\[0\]\.dialRequests\[1\]: campaign .*: repeated id",
    ),
    "campaign id twice": (_campaign_id_twice, r"at partitions\[0\]\.campaigns\[1\]: .*repeated"),
    "client token twice in one campaign": (
        _token_twice,
        r"at partitions\[0\]\.campaigns\[0\]\.dialRequests\[1\]: clientToken 't1' repeated in "
        r"one campaign within 7 days",
    ),
    "outbound client token twice": (
        _outbound_token_twice,
        r"at partitions\[0\]\.v2Campaigns\[0\]\.outboundRequests\[1\]: clientToken 'o1' "
        r"repeated",
    ),
    "two campaigns share a seq": (
        _seq_twice,
        r"at partitions\[0\]\.campaigns\[1\]: campaign .*: seq 1 is also .*'s \(one campaign "
        r"per seq\)",
    ),
    "a v1 and a v2 campaign share a seq": (
        _seq_shared_across_apis,
        r"at partitions\[0\]\.v2Campaigns\[0\]: v2 campaign .*: seq 1 is also",
    ),
    "phone number outside the model's pattern": (
        _phone_number,
        r"at partitions\[0\]\.campaigns\[0\]\.dialRequests\[0\]: .*'phoneNumber' failed to "
        r"satisfy constraint: Member must satisfy regular expression pattern",
    ),
    "unknown union member of a campaign": (
        _union_member,
        r"at partitions\[0\]\.v2Campaigns\[0\]: channelSubtypeConfig\.fax: "
        r"ChannelSubtypeConfig has no member 'fax'",
    ),
    "unknown union member of a request": (
        _request_union_member,
        r"at partitions\[0\]\.v2Campaigns\[0\]\.outboundRequests\[0\]: "
        r"channelSubtypeParameters\.pigeon: ChannelSubtypeParameters has no member 'pigeon'",
    ),
    "dial request attribute not a string": (
        _attribute_value,
        r"at partitions\[0\]\.campaigns\[0\]\.dialRequests\[0\]: .*attributes",
    ),
    "access key no signature carries": (
        _access_key,
        r"at accounts\.'AKIA/SLASH': access_key_id must be",
    ),
    "full-width account digits": (
        _full_width_account,
        r"at accounts\.'AKIAOTHER': account_id must be 12 ASCII digits",
    ),
    "partition twice": (_partition_twice, r"at partitions\[1\]: partition .* repeated"),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_broken_record_is_named_by_its_path_and_changes_nothing(
    filled: dict[str, Any], corruption: str
) -> None:
    breaks, message = CORRUPTIONS[corruption]
    broken = copy.deepcopy(filled)
    breaks(broken)
    with CampaignsFake() as other:
        other.add_instance("instance-z")
        survivor = other.add_campaign(connect_instance_id="instance-z", name="survivor")
        before = json.dumps(other.snapshot(), sort_keys=True)
        with pytest.raises(
            ValueError, match=r"Corrupted pytest-campaigns-fake snapshot " + message
        ):
            other.load(broken)
        assert json.dumps(other.snapshot(), sort_keys=True) == before
        client = new_client()
        assert client.describe_campaign(id=survivor.id)["campaign"]["name"] == "survivor"
        # The unbroken snapshot loads.
        other.load(filled)
        assert other.snapshot() == filled


def test_a_token_reused_after_it_expired_loads(campaigns_fake: CampaignsFake) -> None:
    """The same client token twice in one campaign is the fake's own state once the first
    expired (7 days): such a snapshot loads, and the reuse stays one request each."""
    campaigns_fake.clock.freeze(FROZEN_AT)
    campaigns_fake.add_instance(INSTANCE)
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    client = new_client()
    client.put_dial_request_batch(id=campaign.id, dialRequests=[_dial("t1")])
    campaigns_fake.clock.advance(timedelta(days=7))
    item = {**_dial("t1"), "expirationTime": campaigns_fake.clock.now() + timedelta(minutes=5)}
    client.put_dial_request_batch(id=campaign.id, dialRequests=[item])
    data = campaigns_fake.snapshot()
    assert [d["clientToken"] for d in data["partitions"][0]["campaigns"][0]["dialRequests"]] == [
        "t1",
        "t1",
    ]
    campaigns_fake.load(data)
    assert campaigns_fake.snapshot() == data
    assert len(campaigns_fake.dial_requests(campaign.id)) == 2


def test_loaded_requests_answer_as_before(filled: dict[str, Any]) -> None:
    with CampaignsFake() as other:
        other.clock.freeze(FROZEN_AT)
        other.load(filled)
        campaign_id = filled["partitions"][0]["campaigns"][0]["id"]
        again = new_client().put_dial_request_batch(id=campaign_id, dialRequests=[_dial("t1")])
        first = filled["partitions"][0]["campaigns"][0]["dialRequests"][0]
        assert again["successfulRequests"] == [{"clientToken": "t1", "id": first["id"]}]
        v2_campaign = filled["partitions"][0]["v2Campaigns"][0]
        client = new_v2_client()
        outbound = outbound_request("o1", FROZEN_AT + timedelta(hours=1))
        answer = client.put_outbound_request_batch(
            id=v2_campaign["id"], outboundRequests=[outbound]
        )
        assert answer["successfulRequests"][0]["id"] == v2_campaign["outboundRequests"][0]["id"]
