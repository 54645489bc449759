"""Outcomes are told as they are: ``assert_called`` passes on calls that succeeded, an attempt
is asserted as such, botocore's absorbed retries are shown as absorbed; what a test reads from
the journal is its own copy; the v2 view slices itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from support import new_client
from support_v2 import TELEPHONY, new_v2_client, outbound_request

from pytest_campaigns_fake import CampaignsFake, FakeUsageError

pytest_plugins = ["pytester"]

INSTANCE = "instance-1"
CHANNELS: dict[str, Any] = {"telephony": TELEPHONY}


def _campaign(fake: CampaignsFake, state: str = "Initialized") -> str:
    fake.add_instance(INSTANCE)
    return fake.add_campaign(connect_instance_id=INSTANCE, state=state).id


def test_assert_called_does_not_pass_on_calls_that_all_failed(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = _campaign(campaigns_fake)
    campaigns_fake.inject_error("StartCampaign", "AccessDeniedException", times=None)
    for _ in range(2):
        with pytest.raises(campaigns_client.exceptions.AccessDeniedException):
            campaigns_client.start_campaign(id=campaign)
    calls = campaigns_fake.calls

    for assertion in (calls.assert_called, calls.assert_called_once):
        with pytest.raises(AssertionError) as caught:
            assertion("StartCampaign", id=campaign)
        message = str(caught.value)
        assert "successful" in message, message
        # Each failed call by name, status and error code, and the way to assert an attempt.
        assert message.count(f"StartCampaign(id='{campaign}') -> 403 AccessDeniedException") >= 2
        assert f"assert_attempted('StartCampaign', id='{campaign}')" in message

    attempted = calls.assert_attempted("StartCampaign", id=campaign)
    assert (attempted.status_code, attempted.error_code) == (403, "AccessDeniedException")
    # assert_not_called counts attempts of any outcome.
    with pytest.raises(AssertionError, match="got 2"):
        calls.assert_not_called("StartCampaign")
    assert calls.count_of("StartCampaign") == 2


def test_assert_called_once_counts_the_successful_call_of_a_retried_request(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = _campaign(campaigns_fake)
    campaigns_fake.throttle("StartCampaign")
    campaigns_client.start_campaign(id=campaign)
    calls = campaigns_fake.calls
    started = calls.assert_called_once("StartCampaign", id=campaign)
    assert (started.ok, started.attempt) == (True, 2)
    assert calls.assert_attempted("StartCampaign").attempt == 2
    assert calls.count_of("StartCampaign") == 2


def test_assert_attempted_lists_the_calls_when_none_was_made(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(AssertionError, match=r"(?s)Expected an attempt at StopCampaign.*\(none\)"):
        campaigns_fake.calls.assert_attempted("StopCampaign")
    with pytest.raises(TypeError, match="no input member"):
        campaigns_fake.calls.assert_attempted("StopCampaign", campaignId="x")


def test_a_fault_absorbed_by_retries_is_shown_as_absorbed(campaigns_fake: CampaignsFake) -> None:
    campaign = _campaign(campaigns_fake)
    campaigns_fake.throttle("StartCampaign")
    new_client().start_campaign(id=campaign)  # botocore retries; the application sees a 200
    described = campaigns_fake.calls.describe().splitlines()
    assert "429 ThrottlingException (injected)" in described[0]
    assert "absorbed by botocore's retries" in described[0], described
    assert "attempt 2 succeeded" in described[0]
    assert "absorbed" not in described[1]
    assert "faults.md" in described[-1] and "max_attempts" in described[-1]


def test_a_fault_the_application_saw_is_not_shown_as_absorbed(
    campaigns_fake: CampaignsFake,
) -> None:
    campaign = _campaign(campaigns_fake)
    campaigns_fake.throttle("StartCampaign", times=None)
    client = new_client(max_attempts=1)
    with pytest.raises(client.exceptions.ThrottlingException):
        client.start_campaign(id=campaign)
    campaigns_fake.throttle("StopCampaign", times=None)
    retrying = new_client(max_attempts=3)
    with pytest.raises(retrying.exceptions.ThrottlingException):
        retrying.stop_campaign(id=campaign)
    described = campaigns_fake.calls.describe()
    assert "absorbed" not in described, described
    assert len(campaigns_fake.calls) == 1 + 3


def test_two_requests_alike_are_not_one_retried_request(campaigns_fake: CampaignsFake) -> None:
    campaign = _campaign(campaigns_fake)
    campaigns_fake.throttle("DescribeCampaign")
    client = new_client(max_attempts=1)
    with pytest.raises(client.exceptions.ThrottlingException):
        client.describe_campaign(id=campaign)
    client.describe_campaign(id=campaign)  # a new request (attempt 1), not a retry
    assert "absorbed" not in campaigns_fake.calls.describe()


def test_the_report_section_shows_absorbed_faults(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(campaigns_fake, campaigns_client):
            campaigns_fake.add_instance("instance-1")
            campaign = campaigns_fake.add_campaign(connect_instance_id="instance-1")
            campaigns_fake.throttle("StartCampaign")
            campaigns_client.start_campaign(id=campaign.id)
            assert False
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*connectcampaigns calls*",
            "*1. StartCampaign(id=*) -> 429 ThrottlingException (injected)*absorbed by botocore's"
            " retries*",
            "*2. StartCampaign(id=*) -> 200 OK [[]attempt 2[]]",
        ]
    )


# -- what a test reads is its own -----------------------------------------------------------


def test_editing_what_a_call_holds_changes_nothing(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = campaigns_client.create_campaign(
        name="renewals",
        connectInstanceId=INSTANCE,
        dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
        outboundCallConfig={"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"},
        tags={"team": "billing"},
    )
    call = campaigns_fake.calls.last
    call.response["tags"]["team"] = "edited"  # type: ignore[index]
    call.response["id"] = "edited"  # type: ignore[index]
    call.params["tags"]["team"] = "edited"
    call.params["name"] = "edited"
    assert call.response == {
        "id": created["id"],
        "arn": created["arn"],
        "tags": {"team": "billing"},
    }
    assert call.params["name"] == "renewals" and call.params["tags"] == {"team": "billing"}
    campaigns_fake.calls.assert_called_once("CreateCampaign", name="renewals")
    assert "edited" not in call.summary() and "edited" not in campaigns_fake.calls.describe()
    assert "edited" not in str(campaigns_fake.snapshot())
    assert campaigns_client.describe_campaign(id=created["id"])["campaign"]["name"] == "renewals"
    with pytest.raises(AttributeError):
        call.status_code = 500  # type: ignore[misc]
    with pytest.raises(AttributeError):
        call.operation = "DeleteCampaign"  # type: ignore[misc]


def test_params_of_a_request_that_failed_validation_are_a_copy_too(
    campaigns_fake: CampaignsFake,
) -> None:
    client = new_client(validate=False)
    with pytest.raises(client.exceptions.ValidationException):
        client.list_campaigns(maxResults="many")
    call = campaigns_fake.calls.last
    call.params["maxResults"] = 10
    assert call.params == {"maxResults": "many"}
    campaigns_fake.calls.assert_not_called("ListCampaigns", maxResults=10)


# -- mutation survivors ----------------------------------------------------------------------


def test_a_slice_of_the_v2_view_indexes_the_v2_calls(campaigns_fake: CampaignsFake) -> None:
    campaigns_fake.add_instance(INSTANCE)
    v1, v2 = new_client(), new_v2_client()
    v1.list_campaigns()
    v1.list_campaigns()
    v2.list_campaigns()
    v2.describe_campaign(id=_campaign_v2(campaigns_fake, v2))
    view = campaigns_fake.v2.calls
    assert [c.operation for c in view[0:2]] == ["ListCampaigns", "CreateCampaign"]
    assert {c.service for c in view[0:3]} == {"connectcampaignsv2"}
    assert [c.operation for c in view[-1:]] == ["DescribeCampaign"]
    assert [c.operation for c in view[1:]] == ["CreateCampaign", "DescribeCampaign"]
    # The slice keeps the v2 view's model: the names it checks are v2's.
    assert view[0:2].count_of("CreateCampaign", channelSubtypeConfig=CHANNELS) == 1


def _campaign_v2(fake: CampaignsFake, client: Any) -> str:
    created: dict[str, Any] = client.create_campaign(
        name="v2", connectInstanceId=INSTANCE, channelSubtypeConfig=CHANNELS
    )
    campaign_id: str = created["id"]
    return campaign_id


def test_injected_items_belong_to_their_own_call(campaigns_fake: CampaignsFake) -> None:
    campaigns_fake.add_instance(INSTANCE)
    client = new_v2_client()
    campaign = _campaign_v2(campaigns_fake, client)
    client.start_campaign(id=campaign)
    expires = campaigns_fake.clock.now() + timedelta(hours=1)
    campaigns_fake.v2.fail_outbound_requests("RequestThrottled", client_token="t1", times=1)
    client.put_outbound_request_batch(
        id=campaign,
        outboundRequests=[outbound_request("t1", expires), outbound_request("t2", expires)],
    )
    client.put_outbound_request_batch(
        id=campaign, outboundRequests=[outbound_request("t3", expires)]
    )
    client.describe_campaign(id=campaign)
    first, second, described = campaigns_fake.v2.calls[-3:]
    assert first.injected_items == ("RequestThrottled",)
    assert second.injected_items == () and described.injected_items == ()
    assert "(injected)" not in second.summary()


def test_injected_items_belong_to_their_own_call_v1(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = _campaign(campaigns_fake, state="Running")
    expires = campaigns_fake.clock.now() + timedelta(minutes=5)
    campaigns_fake.fail_dial_requests("RequestThrottled", phone_number="+15550100", times=1)

    def dial(*numbers: str) -> None:
        campaigns_client.put_dial_request_batch(
            id=campaign,
            dialRequests=[
                {
                    "clientToken": n[1:],
                    "phoneNumber": n,
                    "expirationTime": expires,
                    "attributes": {},
                }
                for n in numbers
            ],
        )

    dial("+15550100", "+15550101")
    dial("+15550102")
    campaigns_client.describe_campaign(id=campaign)
    first, second, described = campaigns_fake.calls[-3:]
    assert first.injected_items == ("RequestThrottled",)
    assert second.injected_items == () and described.injected_items == ()
    assert "1 of 2 failed: RequestThrottled (injected)" in first.summary()


def test_v2_outcomes_are_told_as_they_are(campaigns_fake: CampaignsFake) -> None:
    campaigns_fake.add_instance(INSTANCE)
    client = new_v2_client()
    campaign = _campaign_v2(campaigns_fake, client)
    campaigns_fake.v2.inject_error("StartCampaign", "AccessDeniedException")
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.start_campaign(id=campaign)
    calls = campaigns_fake.v2.calls
    with pytest.raises(AssertionError, match=r"(?s)403 AccessDeniedException.*assert_attempted"):
        calls.assert_called("StartCampaign", id=campaign)
    assert (
        calls.assert_attempted("StartCampaign", id=campaign).error_code == "AccessDeniedException"
    )
    with pytest.raises(AssertionError, match="got 1"):
        calls.assert_not_called("StartCampaign")
    with pytest.raises(FakeUsageError, match=r"ListCampaigns\.filters\.instanceIdFilter\.operator"):
        calls.count_of(
            "ListCampaigns", filters={"instanceIdFilter": {"value": "i", "operator": "EQ"}}
        )
