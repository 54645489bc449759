"""Campaign states: the state machine, unknown campaigns, GetCampaignState(Batch).

Through real boto3 clients; the contract is shared/reference/service-behavior.md.
Every test runs twice (the ``client`` and ``make_client`` fixtures of conftest.py):
with a default client, and with one built with ``parameter_validation=False`` (which
sends what it is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Callable

import pytest
from support import (
    INSTANCE,
    PREDICTIVE,
    STATES,
    create,
    dial,
    raises,
    seed,
    state_of,
)

from pytest_campaigns_fake import CampaignsFake

# -- Unknown campaign, for every operation on one campaign --------------------------------


def _now_plus(fake: CampaignsFake, seconds: float) -> datetime:
    return fake.clock.now() + timedelta(seconds=seconds)


ON_ONE_CAMPAIGN: dict[str, Callable[[Any, CampaignsFake, str], Any]] = {
    "DescribeCampaign": lambda c, f, i: c.describe_campaign(id=i),
    "DeleteCampaign": lambda c, f, i: c.delete_campaign(id=i),
    "GetCampaignState": lambda c, f, i: c.get_campaign_state(id=i),
    "StartCampaign": lambda c, f, i: c.start_campaign(id=i),
    "PauseCampaign": lambda c, f, i: c.pause_campaign(id=i),
    "ResumeCampaign": lambda c, f, i: c.resume_campaign(id=i),
    "StopCampaign": lambda c, f, i: c.stop_campaign(id=i),
    "PutDialRequestBatch": lambda c, f, i: c.put_dial_request_batch(
        id=i, dialRequests=[dial("t1", _now_plus(f, 120))]
    ),
    "UpdateCampaignName": lambda c, f, i: c.update_campaign_name(id=i, name="new"),
    "UpdateCampaignDialerConfig": lambda c, f, i: c.update_campaign_dialer_config(
        id=i, dialerConfig=PREDICTIVE
    ),
    "UpdateCampaignOutboundCallConfig": lambda c, f, i: c.update_campaign_outbound_call_config(
        id=i, connectContactFlowId="flow-2"
    ),
}


@pytest.mark.parametrize("operation", sorted(ON_ONE_CAMPAIGN))
def test_unknown_campaign_is_not_found(
    campaigns_fake: CampaignsFake, client: Any, operation: str
) -> None:
    existing = seed(campaigns_fake, "Running")
    with raises(client, "ResourceNotFoundException", 404):
        ON_ONE_CAMPAIGN[operation](client, campaigns_fake, str(uuid.uuid4()))
    assert state_of(client, existing) == "Running"
    assert campaigns_fake.dial_requests(existing) == []


# -- The state machine -----------------------------------------------------------------------

# operation -> {state it is legal in: state it leads to}; every other state is
# InvalidCampaignStateException. Written out from the contract's table, not from the package.
TRANSITION_TABLE: dict[str, dict[str, str]] = {
    "StartCampaign": {"Initialized": "Running"},
    "PauseCampaign": {"Running": "Paused"},
    "ResumeCampaign": {"Paused": "Running"},
    "StopCampaign": {"Running": "Stopped", "Paused": "Stopped"},
    "PutDialRequestBatch": {"Running": "Running"},
}
STATE_CASES = [(op, state) for op in TRANSITION_TABLE for state in STATES]


@pytest.mark.parametrize(("operation", "state"), STATE_CASES)
def test_state_machine(
    campaigns_fake: CampaignsFake, client: Any, operation: str, state: str
) -> None:
    campaign_id = seed(campaigns_fake, state)
    target = TRANSITION_TABLE[operation].get(state)
    call = ON_ONE_CAMPAIGN[operation]
    if target is not None:
        answer = call(client, campaigns_fake, campaign_id)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert state_of(client, campaign_id) == target
        if operation == "PutDialRequestBatch":
            assert answer["failedRequests"] == []
            assert [r["clientToken"] for r in answer["successfulRequests"]] == ["t1"]
            assert len(campaigns_fake.dial_requests(campaign_id)) == 1
        return
    with raises(client, "InvalidCampaignStateException", 409) as info:
        call(client, campaigns_fake, campaign_id)
    assert info.value.response["state"] == state
    assert state_of(client, campaign_id) == state
    assert campaigns_fake.dial_requests(campaign_id) == []


def test_lifecycle_through_the_api(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaign_id = create(client)["id"]
    seen = [state_of(client, campaign_id)]
    for step in ("start", "pause", "resume", "pause", "stop"):
        getattr(client, f"{step}_campaign")(id=campaign_id)
        seen.append(state_of(client, campaign_id))
    assert seen == ["Initialized", "Running", "Paused", "Running", "Paused", "Stopped"]
    for step in ("start", "resume", "pause", "stop"):
        with raises(client, "InvalidCampaignStateException", 409) as info:
            getattr(client, f"{step}_campaign")(id=campaign_id)
        assert info.value.response["state"] == "Stopped"


# -- GetCampaignState / GetCampaignStateBatch ------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_get_campaign_state(campaigns_fake: CampaignsFake, client: Any, state: str) -> None:
    campaign_id = seed(campaigns_fake, state)
    answer = client.get_campaign_state(id=campaign_id)
    assert answer["state"] == state
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_get_campaign_state_batch_keeps_order(campaigns_fake: CampaignsFake, client: Any) -> None:
    ids = {state: seed(campaigns_fake, state, name=state) for state in STATES}
    unknown = [str(uuid.uuid4()), str(uuid.uuid4())]
    order = [
        ids["Stopped"],
        unknown[0],
        ids["Initialized"],
        ids["Failed"],
        unknown[1],
        ids["Running"],
        ids["Paused"],
    ]
    answer = client.get_campaign_state_batch(campaignIds=order)
    assert answer["successfulRequests"] == [
        {"campaignId": ids["Stopped"], "state": "Stopped"},
        {"campaignId": ids["Initialized"], "state": "Initialized"},
        {"campaignId": ids["Failed"], "state": "Failed"},
        {"campaignId": ids["Running"], "state": "Running"},
        {"campaignId": ids["Paused"], "state": "Paused"},
    ]
    assert answer["failedRequests"] == [
        {"campaignId": unknown[0], "failureCode": "ResourceNotFound"},
        {"campaignId": unknown[1], "failureCode": "ResourceNotFound"},
    ]


def test_get_campaign_state_batch_all_unknown(campaigns_fake: CampaignsFake, client: Any) -> None:
    deleted = seed(campaigns_fake)
    client.delete_campaign(id=deleted)
    answer = client.get_campaign_state_batch(campaignIds=[deleted])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["successfulRequests"] == []
    assert answer["failedRequests"] == [{"campaignId": deleted, "failureCode": "ResourceNotFound"}]


def test_get_campaign_state_batch_of_25(campaigns_fake: CampaignsFake, client: Any) -> None:
    ids = [seed(campaigns_fake, STATES[i % 5], name=f"c{i}") for i in range(25)]
    answer = client.get_campaign_state_batch(campaignIds=ids)
    assert [r["campaignId"] for r in answer["successfulRequests"]] == ids
    assert [r["state"] for r in answer["successfulRequests"]] == [STATES[i % 5] for i in range(25)]
    assert answer["failedRequests"] == []
