"""The journal: one entry per attempt, as the service received it, with filters and assertions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from support import INSTANCE, OTHER_ACCOUNT, OTHER_KEY, new_client

from pytest_campaigns_fake import Call, Calls, CampaignsFake


@pytest.fixture(scope="module")
def raw_client() -> Any:
    return new_client(validate=False, max_attempts=1)


def _create(client: Any, name: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "name": name,
        "connectInstanceId": INSTANCE,
        "dialerConfig": {"progressiveDialerConfig": {"bandwidthAllocation": 0.5}},
        "outboundCallConfig": {"connectContactFlowId": "flow-1"},
    }
    if tags is not None:
        kwargs["tags"] = tags
    result: dict[str, Any] = client.create_campaign(**kwargs)
    return result


def test_one_entry_per_call_in_order(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = _create(campaigns_client, "first", tags={"team": "blue"})
    described = campaigns_client.describe_campaign(id=created["id"])
    campaigns_client.get_campaign_state_batch(campaignIds=[created["id"], "missing"])
    campaigns_client.untag_resource(arn=created["arn"], tagKeys=["team", "other"])
    calls = campaigns_fake.calls
    assert [c.operation for c in calls] == [
        "CreateCampaign",
        "DescribeCampaign",
        "GetCampaignStateBatch",
        "UntagResource",
    ]
    create = calls[0]
    assert create.params == {
        "name": "first",
        "connectInstanceId": INSTANCE,
        "dialerConfig": {"progressiveDialerConfig": {"bandwidthAllocation": 0.5}},
        "outboundCallConfig": {"connectContactFlowId": "flow-1"},
        "tags": {"team": "blue"},
    }
    assert (create.status_code, create.error_code, create.error_message) == (200, None, None)
    assert create.ok
    assert create.response == {"id": created["id"], "arn": created["arn"], "tags": {"team": "blue"}}
    assert calls[1].params == {"id": created["id"]}
    assert calls[1].request_id == described["ResponseMetadata"]["RequestId"]
    assert calls[2].params == {"campaignIds": [created["id"], "missing"]}
    # The ARN travels percent-encoded in the path and the keys in a repeated query string.
    assert calls[3].params == {"arn": created["arn"], "tagKeys": ["team", "other"]}
    for call in calls:
        assert isinstance(call, Call)
        assert (call.region, call.account, call.attempt, call.injected) == (
            "us-east-1",
            "123456789012",
            1,
            False,
        )
    assert len({c.request_id for c in calls}) == 4


def test_errors_are_recorded(
    campaigns_fake: CampaignsFake, campaigns_client: Any, raw_client: Any
) -> None:
    with pytest.raises(campaigns_client.exceptions.ResourceNotFoundException) as caught:
        campaigns_client.describe_campaign(id="nope")
    missing = campaigns_fake.calls.last
    assert (missing.status_code, missing.error_code, missing.injected) == (
        404,
        "ResourceNotFoundException",
        False,
    )
    assert missing.error_message == caught.value.response["Error"]["Message"]
    assert missing.request_id == caught.value.response["ResponseMetadata"]["RequestId"]
    assert missing.response is None
    assert not missing.ok
    # What a client without parameter validation sends is recorded exactly as sent.
    with pytest.raises(raw_client.exceptions.ValidationException):
        raw_client.update_campaign_name(id="c1", name=42)
    invalid = campaigns_fake.calls.last
    assert invalid.operation == "UpdateCampaignName"
    assert invalid.params == {"id": "c1", "name": 42}
    assert (invalid.status_code, invalid.error_code) == (400, "ValidationException")


def test_injected_errors_are_marked(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_fake.inject_error("ListCampaigns", "InternalServerException", times=2)
    answer = campaigns_client.list_campaigns()
    assert len(answer["campaignSummaryList"]) == 1
    calls = campaigns_fake.calls
    assert [(c.attempt, c.status_code, c.error_code, c.injected) for c in calls] == [
        (1, 500, "InternalServerException", True),
        (2, 500, "InternalServerException", True),
        (3, 200, None, False),
    ]
    assert calls.last.request_id == answer["ResponseMetadata"]["RequestId"]
    assert "(injected)" in calls[0].summary()
    assert "[attempt 2]" in calls[1].summary()


def test_region_and_account(campaigns_fake: CampaignsFake) -> None:
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    new_client("eu-west-2").list_campaigns()
    new_client("ap-southeast-2", OTHER_KEY).list_campaigns()
    assert [(c.region, c.account) for c in campaigns_fake.calls] == [
        ("eu-west-2", "123456789012"),
        ("ap-southeast-2", OTHER_ACCOUNT),
    ]


def test_helpers(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    one = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="one")
    two = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="two")
    campaigns_client.describe_campaign(id=one.id)
    campaigns_client.describe_campaign(id=two.id)
    campaigns_client.describe_campaign(id=one.id)
    campaigns_client.list_campaigns(maxResults=1)
    calls = campaigns_fake.calls
    assert len(calls) == 4
    assert calls.call_count == 4
    assert calls.called
    assert calls.last.operation == "ListCampaigns"
    assert calls.last.params == {"maxResults": 1}
    assert calls[-1] is calls.last

    head = calls[:2]
    assert isinstance(head, Calls)
    assert [c.params["id"] for c in head] == [one.id, two.id]
    assert [c.operation for c in calls[::3]] == ["DescribeCampaign", "ListCampaigns"]

    ones = calls.filter("describe_campaign", id=one.id)
    assert isinstance(ones, Calls)
    assert [c.request_id for c in ones] == [calls[0].request_id, calls[2].request_id]
    assert len(calls.filter("DescribeCampaign")) == 3
    assert len(calls.filter(id=two.id)) == 1
    assert calls.count_of("DescribeCampaign") == 3
    assert calls.count_of("describe_campaign", id=one.id) == 2
    assert calls.count_of("DescribeCampaign", id="missing") == 0
    assert calls.count_of() == 4
    # count is Sequence.count; an operation name there (which Sequence.count would count 0
    # times) is refused, pointing at count_of.
    assert calls.count(calls[0]) == 1
    with pytest.raises(TypeError, match=r"calls.count_of\('DescribeCampaign', ...\)"):
        calls.count("DescribeCampaign")
    with pytest.raises(TypeError):
        calls.count("DescribeCampaign", id=one.id)  # type: ignore[call-arg]
    assert "DescribeCampaign" in repr(calls)


def test_filter_rejects_unknown_operations(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError, match="Unknown connectcampaigns operation 'describe'"):
        campaigns_fake.calls.filter("describe")


def test_assert_called(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    first = campaigns_client.get_campaign_state(id=campaign.id)
    campaigns_client.pause_campaign(id=campaign.id)
    second = campaigns_client.get_campaign_state(id=campaign.id)
    assert second["state"] == "Paused"

    found = campaigns_fake.calls.assert_called("get_campaign_state", id=campaign.id)
    # The last matching call is returned.
    assert found.request_id == second["ResponseMetadata"]["RequestId"]
    assert found.request_id != first["ResponseMetadata"]["RequestId"]
    assert found.response == {"state": "Paused"}
    assert campaigns_fake.calls.assert_called("PauseCampaign").params == {"id": campaign.id}

    with pytest.raises(AssertionError) as caught:
        campaigns_fake.calls.assert_called("StopCampaign", id=campaign.id)
    message = str(caught.value)
    assert f"Expected a call to StopCampaign(id='{campaign.id}')" in message
    assert f"1. GetCampaignState(id='{campaign.id}') -> 200 OK" in message
    assert f"2. PauseCampaign(id='{campaign.id}') -> 200 OK" in message
    assert "3. GetCampaignState" in message

    with pytest.raises(AssertionError, match="Expected a call to PauseCampaign"):
        campaigns_fake.calls.assert_called("PauseCampaign", id="another")


def test_assert_called_with_no_calls(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(AssertionError, match=r"calls made:\n  \(none\)"):
        campaigns_fake.calls.assert_called("ListCampaigns")
    with pytest.raises(
        AssertionError, match="No connectcampaigns or connectcampaignsv2 call was made"
    ):
        _ = campaigns_fake.calls.last
    assert not campaigns_fake.calls.called


def test_assert_called_once_and_not_called(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_client.describe_campaign(id=campaign.id)
    once = campaigns_fake.calls.assert_called_once("DescribeCampaign", id=campaign.id)
    assert once.params == {"id": campaign.id}
    campaigns_fake.calls.assert_not_called("DeleteCampaign")
    campaigns_fake.calls.assert_not_called("DescribeCampaign", id="other")

    campaigns_client.describe_campaign(id=campaign.id)
    with pytest.raises(
        AssertionError, match="Expected exactly one call to DescribeCampaign, got 2"
    ):
        campaigns_fake.calls.assert_called_once("describe_campaign")
    with pytest.raises(AssertionError, match="got 0"):
        campaigns_fake.calls.assert_called_once("DeleteCampaign")
    with pytest.raises(AssertionError) as caught:
        campaigns_fake.calls.assert_not_called("DescribeCampaign", id=campaign.id)
    assert f"Expected no call to DescribeCampaign(id='{campaign.id}'); got 2" in str(caught.value)
    assert f"DescribeCampaign(id='{campaign.id}')" in str(caught.value)


def test_dial_requests_lists_accepted_requests(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    now = campaigns_fake.clock.now()
    expires = now.replace(microsecond=250000) + timedelta(seconds=600)
    answer = campaigns_client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {
                "clientToken": "tok-1",
                "phoneNumber": "+15550101",
                "expirationTime": expires,
                "attributes": {"customer": "42", "tier": "gold"},
            },
            {
                "clientToken": "tok-2",
                "phoneNumber": "+15550102",
                # outside the 30..900 s window: fails, so it is not listed
                "expirationTime": now + timedelta(seconds=5),
                "attributes": {},
            },
        ],
    )
    assert [f["clientToken"] for f in answer["failedRequests"]] == ["tok-2"]
    accepted = campaigns_fake.dial_requests(campaign.id)
    assert len(accepted) == 1
    request = accepted[0]
    assert request.client_token == "tok-1"
    assert request.phone_number == "+15550101"
    assert request.attributes == {"customer": "42", "tier": "gold"}
    assert request.expiration_time == expires
    assert request.expiration_time.tzinfo is not None
    assert request.expiration_time.utcoffset() == timedelta(0)
    assert request.id == answer["successfulRequests"][0]["id"]

    # A repeated token answers with the same id and adds nothing.
    again = campaigns_client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {
                "clientToken": "tok-1",
                "phoneNumber": "+15550101",
                "expirationTime": expires,
                "attributes": {},
            }
        ],
    )
    assert again["successfulRequests"] == [{"clientToken": "tok-1", "id": request.id}]
    assert len(campaigns_fake.dial_requests(campaign.id)) == 1
    sent = campaigns_fake.calls.filter("PutDialRequestBatch", id=campaign.id)[0]
    assert [d["clientToken"] for d in sent.params["dialRequests"]] == ["tok-1", "tok-2"]
    assert [d["phoneNumber"] for d in sent.params["dialRequests"]] == ["+15550101", "+15550102"]


def test_dial_requests_of_unknown_campaign(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(KeyError, match="nope"):
        campaigns_fake.dial_requests("nope")


def test_calls_are_forgotten_on_reset(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaigns_client.list_campaigns()
    assert campaigns_fake.calls.call_count == 1
    campaigns_fake.reset()
    assert campaigns_fake.calls.call_count == 0


def test_recorded_answers_do_not_change_afterwards(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(
        connect_instance_id=INSTANCE, tags={"team": "blue", "env": "test"}
    )
    campaigns_client.describe_campaign(id=campaign.id)
    described = campaigns_fake.calls.last
    campaigns_client.untag_resource(arn=campaign.arn, tagKeys=["team"])
    campaigns_client.tag_resource(arn=campaign.arn, tags={"env": "prod"})
    assert described.response is not None
    assert described.response["campaign"]["tags"] == {"team": "blue", "env": "test"}
    assert campaigns_client.list_tags_for_resource(arn=campaign.arn)["tags"] == {"env": "prod"}


def test_filter_where_looks_inside_nested_params(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    soon = campaigns_fake.clock.now() + timedelta(seconds=60)
    for number in ("+15550001", "+15550002"):
        campaigns_client.put_dial_request_batch(
            id=campaign.id,
            dialRequests=[
                {
                    "clientToken": number[1:],
                    "phoneNumber": number,
                    "expirationTime": soon,
                    "attributes": {},
                }
            ],
        )

    def dials(number: str) -> Any:
        return lambda call: any(r["phoneNumber"] == number for r in call.params["dialRequests"])

    found = campaigns_fake.calls.filter("PutDialRequestBatch", where=dials("+15550002"))
    assert len(found) == 1
    assert found.last.params["dialRequests"][0]["clientToken"] == "15550002"
    assert campaigns_fake.calls.count_of("put_dial_request_batch", where=dials("+1999")) == 0


def test_save_and_load_a_snapshot_file(
    campaigns_fake: CampaignsFake, campaigns_client: Any, tmp_path: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="saved")
    path = tmp_path / "state.json"
    campaigns_fake.save(path)
    other = CampaignsFake()
    other.load(path)
    assert other.campaign(campaign.id).name == "saved"
    assert other.snapshot() == campaigns_fake.snapshot()


def test_dial_requests_stay_readable_after_the_campaign_is_deleted(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    soon = campaigns_fake.clock.now() + timedelta(seconds=60)
    campaigns_client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {"clientToken": "t1", "phoneNumber": "+1555", "expirationTime": soon, "attributes": {}}
        ],
    )
    campaigns_client.delete_campaign(id=campaign.id)
    assert [d.phone_number for d in campaigns_fake.dial_requests(campaign.id)] == ["+1555"]
    with pytest.raises(KeyError):
        campaigns_fake.campaign(campaign.id)
    with pytest.raises(campaigns_client.exceptions.ResourceNotFoundException):
        campaigns_client.describe_campaign(id=campaign.id)
