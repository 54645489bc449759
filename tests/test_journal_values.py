"""Journal values are checked against the model: a value given to a query or an assertion that
can never match a request the service accepted is a FakeUsageError naming the member path,
what the model allows and what was given, never a silent "not called"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest
from support_v2 import create_v2, new_v2_client, outbound_request

from pytest_campaigns_fake import Calls, CampaignsFake, FakeUsageError, contains

INSTANCE = "instance-1"
QUERIES: dict[str, Callable[..., Any]] = {
    "filter": Calls.filter,
    "count_of": Calls.count_of,
    "assert_called": Calls.assert_called,
    "assert_called_once": Calls.assert_called_once,
    "assert_not_called": Calls.assert_not_called,
    "assert_attempted": lambda calls, *a, **k: calls.assert_attempted(*a, **k),
}
AT = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def _refused(query: Callable[[], object], *fragments: str) -> str:
    with pytest.raises(FakeUsageError) as caught:
        query()
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.fixture
def listed(campaigns_fake: CampaignsFake, campaigns_client: Any) -> Calls:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_client.list_campaigns(maxResults=10)
    return campaigns_fake.calls


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_a_string_for_an_integer_member_is_refused(listed: Calls, query: Any) -> None:
    _refused(
        lambda: query(listed, "ListCampaigns", maxResults="10"),
        "ListCampaigns.maxResults",
        "integer",
        "'10'",
    )


def test_a_string_for_an_integer_is_refused_without_an_operation(listed: Calls) -> None:
    _refused(lambda: listed.filter(maxResults="10"), "maxResults", "integer", "'10'")


def test_the_right_type_still_matches(listed: Calls) -> None:
    assert listed.count_of("ListCampaigns", maxResults=10) == 1
    assert listed.count_of(maxResults=10) == 1
    listed.assert_not_called("ListCampaigns", maxResults=11)


def test_a_bool_is_not_an_integer_nor_a_double(listed: Calls) -> None:
    # True == 1 in Python: it would match maxResults=1 by accident.
    _refused(lambda: listed.count_of("ListCampaigns", maxResults=True), "integer", "True")
    _refused(
        lambda: listed.count_of(
            "CreateCampaign",
            dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": True}},
        ),
        "CreateCampaign.dialerConfig.progressiveDialerConfig.bandwidthAllocation",
        "double",
    )


def test_an_enum_value_the_model_does_not_have_is_refused(listed: Calls) -> None:
    message = _refused(
        lambda: listed.assert_not_called(
            "ListCampaigns", filters={"instanceIdFilter": {"value": INSTANCE, "operator": "EQ"}}
        ),
        "ListCampaigns.filters.instanceIdFilter.operator",
        "'EQ'",
        "Eq",
    )
    assert "did you mean 'Eq'" in message


def test_a_plain_dict_means_equality(listed: Calls) -> None:
    listed.assert_called(
        "ListCampaigns", maxResults=10
    )  # the request had no filters: an equal dict never matches
    assert (
        listed.count_of(
            "ListCampaigns", filters={"instanceIdFilter": {"value": INSTANCE, "operator": "Eq"}}
        )
        == 0
    )
    # A member the structure does not have is refused ...
    _refused(
        lambda: listed.count_of("ListCampaigns", filters={"instanceId": INSTANCE}),
        "ListCampaigns.filters",
        "'instanceId'",
        "instanceIdFilter",
    )
    # ... and so is a dict without a member every request has (equality can never hold).
    _refused(
        lambda: listed.count_of("ListCampaigns", filters={"instanceIdFilter": {"value": INSTANCE}}),
        "ListCampaigns.filters.instanceIdFilter",
        "operator",
        "where=",
    )


def test_structures_maps_and_unions_at_any_depth(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    outbound = {"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"}
    dialer = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
    campaigns_client.create_campaign(
        name="renewals",
        connectInstanceId=INSTANCE,
        dialerConfig=dialer,
        outboundCallConfig=outbound,
        tags={"team": "billing"},
    )
    calls = campaigns_fake.calls
    calls.assert_called_once(
        "CreateCampaign", outboundCallConfig=outbound, tags={"team": "billing"}
    )
    # An int for a double matches (1 == 1.0), as the number it is.
    calls.assert_called_once(
        "CreateCampaign", dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1}}
    )
    _refused(
        lambda: calls.count_of("CreateCampaign", tags={"team": 1}),
        "CreateCampaign.tags['team']",
        "string",
        "1",
    )
    _refused(lambda: calls.count_of("CreateCampaign", tags=["team"]), "CreateCampaign.tags", "map")
    _refused(
        lambda: calls.count_of(
            "CreateCampaign",
            dialerConfig={
                "progressiveDialerConfig": {"bandwidthAllocation": 1.0},
                "agentlessDialerConfig": {"dialingCapacity": 1.0},
            },
        ),
        "CreateCampaign.dialerConfig",
        "one of",
    )
    _refused(
        lambda: calls.count_of("CreateCampaign", outboundCallConfig="flow-1"),
        "CreateCampaign.outboundCallConfig",
        "structure",
    )


def test_lists_and_matchers_inside_them(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    campaigns_client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {
                "clientToken": "t1",
                "phoneNumber": "+15550100",
                "expirationTime": AT,
                "attributes": {},
            }
        ],
    )
    campaigns_client.get_campaign_state_batch(campaignIds=[campaign.id, "other"])
    calls = campaigns_fake.calls
    # A tuple is the list it spells.
    calls.assert_called("GetCampaignStateBatch", campaignIds=(campaign.id, "other"))
    _refused(
        lambda: calls.count_of("GetCampaignStateBatch", campaignIds=campaign.id),
        "GetCampaignStateBatch.campaignIds",
        "list",
        "contains(",
    )
    _refused(
        lambda: calls.count_of("GetCampaignStateBatch", campaignIds=[campaign.id, 7]),
        "GetCampaignStateBatch.campaignIds[1]",
        "string",
        "7",
    )
    # contains() as an item of a list literal stands for an item, a structure here: never a list.
    _refused(
        lambda: calls.assert_not_called(
            "PutDialRequestBatch", dialRequests=[contains(phoneNumber="+15550100")]
        ),
        "PutDialRequestBatch.dialRequests[0]",
        "dialRequests=contains(",
    )
    # The values inside contains() are checked too, at any depth.
    _refused(
        lambda: calls.assert_not_called(
            "PutDialRequestBatch", dialRequests=contains(phoneNumber=15550100)
        ),
        "PutDialRequestBatch.dialRequests[].phoneNumber",
        "string",
        "15550100",
    )
    _refused(
        lambda: calls.count_of("PutDialRequestBatch", dialRequests=contains(attributes={"a": 1})),
        "PutDialRequestBatch.dialRequests[].attributes['a']",
        "string",
    )
    _refused(
        lambda: calls.count_of("GetCampaignStateBatch", campaignIds=contains(7)),
        "GetCampaignStateBatch.campaignIds[]",
        "string",
    )
    # A list literal of structures with matchers inside them.
    assert (
        calls.count_of(
            "PutDialRequestBatch",
            dialRequests=[
                {
                    "clientToken": "t1",
                    "phoneNumber": "+15550100",
                    "expirationTime": AT,
                    "attributes": {},
                }
            ],
        )
        == 1
    )


def test_timestamps(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    campaigns_client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {
                "clientToken": "t1",
                "phoneNumber": "+15550100",
                "expirationTime": AT,
                "attributes": {},
            }
        ],
    )
    calls = campaigns_fake.calls

    def count(when: Any) -> int:
        return calls.count_of("PutDialRequestBatch", dialRequests=contains(expirationTime=when))

    # An aware datetime, in any zone, is the instant it names.
    assert count(AT) == 1
    assert count(AT.astimezone(timezone(timedelta(hours=5)))) == 1
    assert count(AT + timedelta(seconds=1)) == 0
    # What names one instant unambiguously is read as that instant, as botocore sends it.
    assert count("2030-01-02T03:04:05Z") == 1
    assert count("2030-01-02T05:04:05+02:00") == 1
    assert count(AT.timestamp()) == 1
    assert count(int(AT.timestamp())) == 1
    # A naive datetime (or a string without an offset) names no instant: refused.
    path = "PutDialRequestBatch.dialRequests[].expirationTime"
    message = _refused(lambda: count(AT.replace(tzinfo=None)), path, "naive", "tzinfo=timezone.utc")
    assert "2030, 1, 2, 3, 4, 5" in message
    _refused(lambda: count("2030-01-02T03:04:05"), path, "offset")
    _refused(lambda: count("soon"), path, "timestamp", "'soon'")
    _refused(lambda: count(True), path, "timestamp")


def test_v2_values_are_checked(v2_fake_calls: tuple[CampaignsFake, Any]) -> None:
    fake, client = v2_fake_calls
    client.list_campaigns(maxResults=10)
    for calls in (fake.v2.calls, fake.calls):
        with pytest.raises(FakeUsageError, match=r"ListCampaigns\.maxResults.*'10'"):
            calls.assert_not_called("ListCampaigns", maxResults="10")
        calls.assert_called("ListCampaigns", maxResults=10)
    expires = fake.clock.now() + timedelta(hours=1)
    campaign = create_v2(client)
    client.start_campaign(id=campaign["id"])
    client.put_outbound_request_batch(
        id=campaign["id"], outboundRequests=[outbound_request("t1", expires)]
    )
    v2 = fake.v2.calls
    v2.assert_called(
        "PutOutboundRequestBatch",
        outboundRequests=contains(expirationTime=expires.isoformat(), clientToken="t1"),
    )
    _refused(
        lambda: v2.count_of(
            "PutOutboundRequestBatch",
            outboundRequests=contains(
                channelSubtypeParameters={"telephony": {"destinationPhoneNumber": 15550100}}
            ),
        ),
        "PutOutboundRequestBatch.outboundRequests[].channelSubtypeParameters.telephony",
    )
    _refused(
        lambda: v2.count_of(
            "PutOutboundRequestBatch",
            outboundRequests=contains(expirationTime=expires.replace(tzinfo=None)),
        ),
        "expirationTime",
        "naive",
    )


@pytest.fixture
def v2_fake_calls(campaigns_fake: CampaignsFake) -> tuple[CampaignsFake, Any]:
    campaigns_fake.add_instance(INSTANCE)
    return campaigns_fake, new_v2_client()
