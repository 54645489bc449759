"""Controls refuse at once what can never work (issue 16): settings and quotas refuse names
they do not have and values later requests could not handle; register_account refuses keys
that can never match and accounts that are not twelve ASCII digits; rate limits refuse what a
token bucket cannot count. Each refusal leaves the fake as it was, and the fake still answers
through real clients afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from support import INSTANCE, Client, new_client, raises
from support_v2 import create_v2, new_v2_client, outbound_request

from pytest_campaigns_fake import CampaignsFake

FROZEN_AT = datetime(2030, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def fake(campaigns_fake: CampaignsFake) -> CampaignsFake:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.clock.freeze(FROZEN_AT)
    return campaigns_fake


@pytest.fixture
def v2(fake: CampaignsFake) -> Client:
    return new_v2_client()


# -- settings and quotas: names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "typo", "meant"),
    [
        ("quotas", "campaign_per_instance", "campaigns_per_instance"),
        ("settings", "require_onbording", "require_onboarding"),
        ("v2.quotas", "active_campaign_per_instance", "active_campaigns_per_instance"),
        ("v2.settings", "max_expiration_second", "max_expiration_seconds"),
    ],
)
def test_an_unknown_name_is_refused_with_the_nearest(
    fake: CampaignsFake, campaigns_client: Client, where: str, typo: str, meant: str
) -> None:
    controls: Any = fake
    for part in where.split("."):
        controls = getattr(controls, part)
    before = dict(vars(controls))
    with pytest.raises(AttributeError, match=rf"campaigns_fake\.{where} has no '{typo}'") as info:
        setattr(controls, typo, 1)
    assert f"did you mean '{meant}'?" in str(info.value)
    assert vars(controls) == before
    assert typo not in vars(controls)


def test_the_quota_a_typo_would_have_missed_still_applies(
    fake: CampaignsFake, campaigns_client: Client
) -> None:
    with pytest.raises(AttributeError):
        fake.quotas.campaign_per_instance = 0
    fake.quotas.campaigns_per_instance = 1
    campaigns_client.create_campaign(
        name="one",
        connectInstanceId=INSTANCE,
        dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
        outboundCallConfig={"connectContactFlowId": "flow", "connectQueueId": "queue"},
    )
    with raises(campaigns_client, "ServiceQuotaExceededException", 402):
        campaigns_client.create_campaign(
            name="two",
            connectInstanceId=INSTANCE,
            dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
            outboundCallConfig={"connectContactFlowId": "flow", "connectQueueId": "queue"},
        )


# -- settings: values later code could not handle --------------------------------------------


@pytest.mark.parametrize("value", [1e12, 10**400, float("inf"), 0, -1.0, True, "60"])
def test_max_expiration_seconds_out_of_range_is_refused(fake: CampaignsFake, value: Any) -> None:
    fake.v2.settings.max_expiration_seconds = 3600
    with pytest.raises(ValueError, match=r"max_expiration_seconds must be .* <= 315537897600"):
        fake.v2.settings.max_expiration_seconds = value
    assert fake.v2.settings.max_expiration_seconds == 3600


@pytest.mark.parametrize("value", [10**9, 3652059, 0, 1.5])
def test_job_expiry_days_out_of_range_is_refused(fake: CampaignsFake, value: Any) -> None:
    with pytest.raises(ValueError, match=r"job_expiry_days must be .* from 1 to 3652058"):
        fake.v2.settings.job_expiry_days = value
    assert fake.v2.settings.job_expiry_days == 14


def test_the_longest_settings_still_answer_requests(fake: CampaignsFake, v2: Client) -> None:
    """At the top of their ranges, the settings never overflow a request's arithmetic."""
    fake.v2.settings.max_expiration_seconds = 315537897600
    fake.v2.settings.job_expiry_days = 3652058
    campaign = create_v2(v2)["id"]
    v2.start_campaign(id=campaign)
    expires = datetime(9999, 1, 1, tzinfo=timezone.utc)
    answer = v2.put_outbound_request_batch(
        id=campaign, outboundRequests=[outbound_request("t1", expires)]
    )
    assert answer["failedRequests"] == []
    assert (
        v2.get_instance_onboarding_job_status(connectInstanceId=INSTANCE)[
            "connectInstanceOnboardingJobStatus"
        ]["status"]
        == "SUCCEEDED"
    )
    assert [c.operation for c in fake.v2.calls] == [
        "CreateCampaign",
        "StartCampaign",
        "PutOutboundRequestBatch",
        "GetInstanceOnboardingJobStatus",
    ]


# -- register_account ------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, 7, b"AKIAFAKE", ""])
def test_register_account_refuses_a_key_of_another_type_or_empty(
    fake: CampaignsFake, key: Any
) -> None:
    with pytest.raises((TypeError, ValueError), match="access_key_id must be"):
        fake.register_account(key, "210987654321")
    assert fake.snapshot()["accounts"] == {}


@pytest.mark.parametrize("key", ["AKIA/FAKE", "AKIA FAKE", "AKIA,FAKE", "AKIA=FAKE", "AKIAÉ"])
def test_register_account_refuses_a_key_no_signature_can_carry(
    fake: CampaignsFake, key: str
) -> None:
    with pytest.raises(ValueError, match=r"access_key_id must be .* credential scope"):
        fake.register_account(key, "210987654321")


@pytest.mark.parametrize(
    "account",
    ["１２３４５６７８９０１２", "٠١٢٣٤٥٦٧٨٩٠١", "12345678901", "1234567890123", 123456789012],
)
def test_register_account_needs_twelve_ascii_digits(fake: CampaignsFake, account: Any) -> None:
    with pytest.raises(ValueError, match="12 ASCII digits"):
        fake.register_account("AKIAOTHER", account)
    with pytest.raises(ValueError, match="12 ASCII digits"):
        fake.add_instance("instance-2", account_id=account)


def test_full_width_digits_are_refused_as_the_fake_s_own_account() -> None:
    with pytest.raises(ValueError, match="12 ASCII digits"):
        CampaignsFake(account_id="１２３４５６７８９０１２")


def test_a_registered_key_acts_in_its_account(fake: CampaignsFake) -> None:
    fake.register_account("AKIAOTHER", "210987654321")
    client = new_client(access_key="AKIAOTHER")
    fake.add_instance(INSTANCE, account_id="210987654321")
    created = client.create_campaign(
        name="there",
        connectInstanceId=INSTANCE,
        dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
        outboundCallConfig={"connectContactFlowId": "flow", "connectQueueId": "queue"},
    )
    assert ":210987654321:" in created["arn"]


# -- rate limits ----------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [2.0**53 + 2, 10**400, 1e308])
def test_a_rate_no_token_bucket_can_count_is_refused(fake: CampaignsFake, rate: Any) -> None:
    with pytest.raises(ValueError, match=r"rate must be .* <= 9007199254740992"):
        fake.throttle("ListCampaigns", rate=rate)
    with pytest.raises(ValueError, match=r"burst must be .* <= 9007199254740992"):
        fake.throttle("ListCampaigns", rate=1, burst=10**400)


def test_a_rate_below_one_without_burst_lets_one_request_through(fake: CampaignsFake) -> None:
    """rate=0.5 and no burst: one request at once (burst 1), then one every two seconds; never
    a bucket that can hold less than one request, which would throttle every request."""
    client = new_client(max_attempts=1)  # each throttle stays visible
    limit = fake.throttle("ListCampaigns", rate=0.5)
    assert limit.burst == 1
    client.list_campaigns()
    with raises(client, "ThrottlingException", 429):
        client.list_campaigns()
    fake.clock.advance(1)
    with raises(client, "ThrottlingException", 429):
        client.list_campaigns()
    fake.clock.advance(1)
    client.list_campaigns()
    assert [c.status_code for c in fake.calls] == [200, 429, 429, 200]


# -- fault match values are checked against the model ----------------------------------------


@pytest.mark.parametrize(
    ("match", "complaint"),
    [
        ({"maxResults": "10"}, r"match\['maxResults'\]='10' could never match: .* of type integer"),
        ({"maxResults": True}, r"match\['maxResults'\]=True could never match: .* of type integer"),
        ({"maxResults": 500}, r"maxResults.* less than or equal to 50"),
        (
            {"filters": {"instanceIdFilter": {"value": INSTANCE, "operator": "EQ"}}},
            r"operator.* enum value set: \[Eq\]",
        ),
        (
            {"filters": {"instanceIdFilter": {"value": INSTANCE, "operator": "Eq", "not": 1}}},
            r"filters.instanceIdFilter.not: InstanceIdFilter has no member 'not' \(its members: "
            r"value, operator\)",
        ),
    ],
)
def test_a_match_value_that_could_never_match_is_refused(
    fake: CampaignsFake, match: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        fake.inject_error("ListCampaigns", "InternalServerException", match=match)
    with pytest.raises(ValueError, match=complaint):
        fake.inject_error(None, "InternalServerException", match=match)
    assert fake.unused_faults == []


def test_a_match_value_the_model_allows_fires(fake: CampaignsFake) -> None:
    client = new_client(max_attempts=1)
    fake.inject_error(
        "ListCampaigns",
        "InternalServerException",
        match={
            "maxResults": 10,
            "filters": {"instanceIdFilter": {"value": INSTANCE, "operator": "Eq"}},
        },
    )
    client.list_campaigns(maxResults=10)  # no filter: not matched
    with raises(client, "InternalServerException", 500):
        client.list_campaigns(
            maxResults=10, filters={"instanceIdFilter": {"value": INSTANCE, "operator": "Eq"}}
        )


def test_a_timestamp_match_value_is_an_aware_datetime(fake: CampaignsFake) -> None:
    v2 = new_v2_client()
    expires = datetime(2030, 1, 2, tzinfo=timezone.utc)
    item = outbound_request("t1", expires)
    for given in ("2030-01-02T00:00:00Z", expires.replace(tzinfo=None), expires.timestamp()):
        as_sent = {**item, "expirationTime": given}
        with pytest.raises(ValueError, match=r"expirationTime is a timestamp: give a timezone"):
            fake.v2.inject_error(
                "PutOutboundRequestBatch",
                "InternalServerException",
                match={"outboundRequests": [as_sent]},
            )
    fake.v2.inject_error(
        "PutOutboundRequestBatch",
        "InternalServerException",
        match={"outboundRequests": [item]},
        times=None,  # every attempt: the client's retries too
    )
    campaign = create_v2(v2)["id"]
    v2.start_campaign(id=campaign)
    with raises(v2, "InternalServerException", 500):
        v2.put_outbound_request_batch(id=campaign, outboundRequests=[item])


def test_phone_number_and_profile_id_are_checked_when_set(fake: CampaignsFake) -> None:
    with pytest.raises(
        ValueError, match=r"phone_number='call me' could never match: .*regular expression"
    ):
        fake.fail_dial_requests("InvalidInput", phone_number="call me")
    with pytest.raises(ValueError, match=r"phone_number=.* length less than or equal to 20"):
        fake.fail_dial_requests("InvalidInput", phone_number="+1" + "5" * 30)
    with pytest.raises(TypeError, match="phone_number must be a str"):
        fake.fail_dial_requests("InvalidInput", phone_number=15550100)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"profile_id='NOT-HEX' could never match: .*\[a-f0-9\]\{32\}"
    ):
        fake.v2.fail_profile_outbound_requests("InvalidInput", profile_id="NOT-HEX")
    with pytest.raises(ValueError, match=r"campaign_id=.* length less than or equal to 256"):
        fake.fail_campaign_state("c" * 300)
    assert fake.unused_faults == []


def test_a_phone_number_the_model_allows_fails_its_item(fake: CampaignsFake) -> None:
    client = new_client()
    fake.fail_dial_requests("InvalidInput", phone_number="+15550100")
    campaign = fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    answer = client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {
                "clientToken": token,
                "phoneNumber": phone,
                "expirationTime": FROZEN_AT + timedelta(minutes=5),
                "attributes": {},
            }
            for token, phone in (("t1", "+15550100"), ("t2", "+15550101"))
        ],
    )
    assert [f["clientToken"] for f in answer["failedRequests"]] == ["t1"]


# -- seeds -------------------------------------------------------------------------------------


def test_a_seed_with_a_member_the_model_does_not_have_is_refused(
    fake: CampaignsFake, v2: Client
) -> None:
    telephony = {
        "connectQueueId": "queue-id",
        "outboundMode": {"progressive": {"bandwidthAllocation": 1.0}},
        "defaultOutboundConfig": {"connectContactFlowId": "flow"},
    }
    with pytest.raises(ValueError, match=r"channelSubtypeConfig\.fax: ChannelSubtypeConfig has no"):
        fake.v2.add_campaign(
            connect_instance_id=INSTANCE,
            channel_subtype_config={"telephony": telephony, "fax": {}},
        )
    with pytest.raises(ValueError, match=r"dialerConfig\.progressiveDialerConfig\.speed: "):
        fake.add_campaign(
            connect_instance_id=INSTANCE,
            dialer_config={"progressiveDialerConfig": {"bandwidthAllocation": 1.0, "speed": 2}},
        )
    assert fake.campaigns == [] and fake.v2.campaigns == []
    assert v2.list_campaigns()["campaignSummaryList"] == []


def test_a_match_is_kept_as_checked(fake: CampaignsFake) -> None:
    """Editing the dict given as ``match`` after registering changes nothing: the rule keeps
    the value that was checked."""
    client = new_client(max_attempts=1)
    match: dict[str, Any] = {"maxResults": 10}
    fake.inject_error("ListCampaigns", "InternalServerException", match=match)
    match["maxResults"] = "10"
    with raises(client, "InternalServerException", 500):
        client.list_campaigns(maxResults=10)
