"""State is never split, corrupted or aliased, whatever the test or other threads do.

Each test here was written against a defect an adversarial hunt found; each fails without its
fix.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import DIALER, OUTBOUND, code_and_message, new_client

from pytest_campaigns_fake import CampaignsFake

QUEUED_OUTBOUND = {**OUTBOUND, "connectQueueId": "queue-1"}


@pytest.fixture(scope="module")
def client() -> Any:
    return new_client(max_attempts=1)


@pytest.fixture(scope="module")
def loose() -> Any:
    """A client that sends what it is given: the server-side checks alone decide."""
    return new_client(validate=False, max_attempts=1)


def _create(client: Any, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.create_campaign(
        name="c",
        connectInstanceId="inst-1",
        dialerConfig=DIALER,
        outboundCallConfig=QUEUED_OUTBOUND,
        **extra,
    )
    return answer


def _soon(seconds: int = 60) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)


# -- 1. ids never collide ----------------------------------------------------------------------


@pytest.mark.campaigns_fake(seed=7, require_onboarding=False)
def test_ids_never_collide_with_a_loaded_snapshot_of_the_same_seed(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    first = _create(client)
    snap = campaigns_fake.snapshot()
    with CampaignsFake(seed=7, require_onboarding=False) as twin:
        twin.load(snap)
        second = _create(client)
        assert second["id"] != first["id"]
        ids = [c["id"] for c in client.list_campaigns()["campaignSummaryList"]]
        assert sorted(ids) == sorted([first["id"], second["id"]])
        assert client.describe_campaign(id=first["id"])["campaign"]["name"] == "c"


@pytest.mark.campaigns_fake(seed=3)
def test_seeded_ids_never_collide_with_loaded_dial_request_ids(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
    dial = {"phoneNumber": "+1", "expirationTime": _soon(), "attributes": {}}
    client.put_dial_request_batch(
        id=campaign.id, dialRequests=[{**dial, "clientToken": f"t{i}"} for i in range(3)]
    )
    snap = campaigns_fake.snapshot()
    loaded = {campaign.id} | {d.id for d in campaigns_fake.dial_requests(campaign.id)}
    with CampaignsFake(seed=3) as twin:
        twin.load(snap)
        # The same seed replays the same id stream: every id it gives must skip the loaded.
        again = twin.add_campaign(connect_instance_id="inst-1", state="Running")
        answer = client.put_dial_request_batch(
            id=again.id, dialRequests=[{**dial, "clientToken": f"u{i}"} for i in range(3)]
        )
        fresh = {again.id} | {item["id"] for item in answer["successfulRequests"]}
        assert len(fresh) == 4
        assert fresh.isdisjoint(loaded)


# -- 2. checks on the request alone come before business rules and faults ----------------------


def test_tag_cap_is_validation_before_onboarding_and_quota(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    # Not onboarded and quota 0: the request itself is invalid, and that is what is said.
    campaigns_fake.quotas.campaigns_per_instance = 0
    tags = {f"k{i}": "v" for i in range(51)}
    code, message = code_and_message(lambda: _create(client, tags=tags))
    assert code == "ValidationException"
    assert "at most 50 tags" in message


@pytest.mark.parametrize(
    ("name", "call"),
    [
        (
            "tag cap",
            lambda c: _create(c, tags={f"k{i}": "v" for i in range(51)}),
        ),
        (
            "keyArn missing",
            lambda c: c.start_instance_onboarding_job(
                connectInstanceId="inst-2",
                encryptionConfig={"enabled": True, "encryptionType": "KMS"},
            ),
        ),
        ("forged nextToken", lambda c: c.list_campaigns(nextToken="forged.token")),
    ],
)
def test_an_invalid_request_never_uses_up_a_fault(
    campaigns_fake: CampaignsFake, client: Any, name: str, call: Callable[[Any], Any]
) -> None:
    rule = campaigns_fake.inject_error(None, "ThrottlingException", times=1)
    assert code_and_message(lambda: call(client))[0] == "ValidationException"
    assert rule.fired == 0
    # The fault is still there for the next valid request.
    assert code_and_message(lambda: client.list_campaigns())[0] == "ThrottlingException"


# -- 3. only the members the model declares are stored -----------------------------------------


def _sending_extra(client: Any, operation: str, extra: Callable[[dict[str, Any]], None]) -> Any:
    """``client``, but its ``operation`` requests carry what ``extra`` adds to the JSON body:
    members botocore's serializer would never write (a newer SDK's, a hand-made request's)."""

    def add(request: Any, **_: Any) -> None:
        body = json.loads(request.data or b"{}")
        extra(body)
        request.data = json.dumps(body).encode()

    client.meta.events.register(f"before-sign.connectcampaigns.{operation}", add)
    return client


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_update_outbound_call_config_ignores_members_its_input_lacks(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    created = _create(client)
    sneaky = _sending_extra(
        new_client(max_attempts=1),
        "UpdateCampaignOutboundCallConfig",
        lambda body: body.update(connectQueueId="queue-evil"),
    )
    sneaky.update_campaign_outbound_call_config(id=created["id"], connectContactFlowId="flow-2")
    described = client.describe_campaign(id=created["id"])["campaign"]["outboundCallConfig"]
    assert described == {"connectContactFlowId": "flow-2", "connectQueueId": "queue-1"}
    assert "connectQueueId" not in campaigns_fake.calls[-2].params


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_unknown_nested_members_are_neither_stored_nor_echoed(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    def nest(body: dict[str, Any]) -> None:
        body["dialerConfig"]["progressiveDialerConfig"]["evil"] = 1
        body["outboundCallConfig"]["hidden"] = {"x": 1}

    created = _create(_sending_extra(new_client(max_attempts=1), "CreateCampaign", nest))
    campaign = client.describe_campaign(id=created["id"])["campaign"]
    assert campaign["dialerConfig"] == DIALER
    assert campaign["outboundCallConfig"] == QUEUED_OUTBOUND
    assert "evil" not in json.dumps(campaigns_fake.snapshot())
    assert "hidden" not in json.dumps(campaigns_fake.snapshot())


# -- 4. reads are safe while requests run on other threads -------------------------------------


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_reads_while_other_threads_create(campaigns_fake: CampaignsFake) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def create() -> None:
        client = new_client(max_attempts=1)
        while not stop.is_set():
            try:
                _create(client)
            except BaseException as error:  # pragma: no cover - the failure being tested
                errors.append(error)
                return

    workers = [threading.Thread(target=create) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        for _ in range(300):
            campaigns = campaigns_fake.campaigns
            if campaigns:
                campaigns_fake.campaign(campaigns[-1].id)
                campaigns_fake.dial_requests(campaigns[0].id)
            campaigns_fake.snapshot()
            list(campaigns_fake.calls)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert errors == []
    assert len(campaigns_fake.campaigns) == len(campaigns_fake.calls)


# -- 5. patterns follow Java ---------------------------------------------------------------------


@pytest.mark.parametrize("terminator", ["\n", "\r", "\u0085", "\u2028", "\u2029"])
def test_dot_matches_no_line_terminator(
    campaigns_fake: CampaignsFake, client: Any, terminator: str
) -> None:
    # TagResource's arn pattern is 'arn:.*'.
    code, message = code_and_message(
        lambda: client.tag_resource(arn=f"arn:aws:connect-campaigns{terminator}x", tags={"k": "v"})
    )
    assert code == "ValidationException"
    assert "Member must satisfy regular expression pattern: arn:.*" in message


# -- 6. Call.params: one form, and a copy --------------------------------------------------------


def test_params_of_an_injected_fault_hold_datetimes(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
    campaigns_fake.inject_error("PutDialRequestBatch", "InternalServerException")
    when = _soon()
    with pytest.raises(ClientError):
        client.put_dial_request_batch(
            id=campaign.id,
            dialRequests=[
                {"clientToken": "t", "phoneNumber": "+1", "expirationTime": when, "attributes": {}}
            ],
        )
    item = campaigns_fake.calls.last.params["dialRequests"][0]
    assert isinstance(item["expirationTime"], datetime)
    assert item["expirationTime"] == when.replace(microsecond=item["expirationTime"].microsecond)


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_changing_call_params_never_changes_stored_state(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    created = _create(client, tags={"team": "a"})
    params = campaigns_fake.calls.last.params
    params["dialerConfig"]["progressiveDialerConfig"]["bandwidthAllocation"] = 0.5
    params["outboundCallConfig"]["connectQueueId"] = "changed"
    params["tags"]["team"] = "changed"
    campaign = client.describe_campaign(id=created["id"])["campaign"]
    assert campaign["dialerConfig"] == DIALER
    assert campaign["outboundCallConfig"]["connectQueueId"] == "queue-1"
    assert campaign["tags"] == {"team": "a"}


# -- 7. onboarding jobs that ended stay ended ----------------------------------------------------


def test_a_failed_job_is_not_rewritten_by_advance_onboarding(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance("inst-1", status="FAILED")
    with pytest.raises(ValueError, match="already ended FAILED"):
        campaigns_fake.advance_onboarding("inst-1")
    status = client.get_instance_onboarding_job_status(connectInstanceId="inst-1")
    assert status["connectInstanceOnboardingJobStatus"]["status"] == "FAILED"


def test_a_seeded_failed_job_has_the_default_failure_code(campaigns_fake: CampaignsFake) -> None:
    seeded = campaigns_fake.add_instance("inst-1", status="FAILED")
    campaigns_fake.add_instance("inst-2", status="IN_PROGRESS")
    advanced = campaigns_fake.advance_onboarding("inst-2", "FAILED")
    assert seeded.failure_code == advanced.failure_code == "INTERNAL_FAILURE"


# -- 8. snapshots are checked on load and keep what the fake exposes ------------------------------


def test_a_snapshot_with_51_tags_is_refused(campaigns_fake: CampaignsFake) -> None:
    campaigns_fake.add_campaign(connect_instance_id="inst-1", tags={"k": "v"})
    snap = campaigns_fake.snapshot()
    snap["partitions"][0]["campaigns"][0]["tags"] = {f"k{i}": "v" for i in range(51)}
    before = campaigns_fake.snapshot()
    with pytest.raises(ValueError, match="at most 50 tags"):
        campaigns_fake.load(snap)
    assert campaigns_fake.snapshot() == before


def test_a_snapshot_keeps_the_dial_requests_of_deleted_campaigns(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
    client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {"clientToken": "t", "phoneNumber": "+1", "expirationTime": _soon(), "attributes": {}}
        ],
    )
    client.delete_campaign(id=campaign.id)
    snap = campaigns_fake.snapshot()
    with CampaignsFake() as other:
        other.load(snap)
        assert [d.client_token for d in other.dial_requests(campaign.id)] == ["t"]
        assert code_and_message(lambda: client.describe_campaign(id=campaign.id))[0] == (
            "ResourceNotFoundException"
        )


# -- 9. page tokens are bound to what issued them; huge numbers ----------------------------------


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_a_page_token_is_refused_under_another_filter_or_region(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    for _ in range(3):
        _create(client)
    token = client.list_campaigns(maxResults=1)["nextToken"]
    assert client.list_campaigns(maxResults=1, nextToken=token)["campaignSummaryList"]
    other_filter = {"instanceIdFilter": {"value": "inst-2", "operator": "Eq"}}
    code, message = code_and_message(
        lambda: client.list_campaigns(maxResults=1, nextToken=token, filters=other_filter)
    )
    assert (code, message) == ("ValidationException", f"Invalid nextToken: {token}")
    west = new_client("eu-west-2", max_attempts=1)
    assert (
        code_and_message(lambda: west.list_campaigns(nextToken=token))[0] == "ValidationException"
    )


def test_a_number_too_large_for_a_double_gets_a_validation_message(
    campaigns_fake: CampaignsFake,
) -> None:
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(
        method="POST",
        url="https://connect-campaigns.us-east-1.amazonaws.com/campaigns-summary",
        data=b'{"maxResults": 1' + b"0" * 5000 + b"}",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAFAKECAMPAIGNS000/20260101/"
            "us-east-1/connect-campaigns/aws4_request, SignedHeaders=host, Signature=0"
        },
    ).prepare()
    answer = campaigns_fake._engine.answer(request)
    assert answer.status_code == 400
    assert answer.headers["x-amzn-ErrorType"] == "ValidationException"
    assert b"Value 'Infinity' at 'maxResults' failed to satisfy constraint" in answer.content


# -- control values are checked before anything changes ------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"campaigns_per_instance": "25"}, "campaigns_per_instance must be an int >= 0"),
        ({"campaigns_per_instance": -1}, "campaigns_per_instance must be an int >= 0"),
        ({"onboarding_polls": True}, "onboarding_polls must be an int >= 0 or None"),
        ({"region": ""}, "region must be a non-empty region name"),
        ({"region": "eu-west-1"}, "AWS does not offer connectcampaigns there"),
        ({"strict": "yes"}, "strict must be True or False"),
        ({"seed": 1.5}, "seed must be an int, a str or None"),
        ({"account_id": "12"}, "account_id must be 12 ASCII digits"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CampaignsFake(**options)


def test_unknown_options_list_the_valid_ones() -> None:
    from pytest_campaigns_fake import mock_campaigns

    with pytest.raises(TypeError, match=r"unknown option\(s\) bad; valid options: .*region"):
        mock_campaigns(bad=1)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("target", "name", "value"),
    [
        ("quotas", "campaigns_per_instance", "25"),
        ("quotas", "campaigns_per_instance", 2.5),
        ("settings", "onboarding_polls", -1),
        ("settings", "require_onboarding", 1),
    ],
)
def test_quotas_and_settings_are_checked_when_set(
    campaigns_fake: CampaignsFake, target: str, name: str, value: Any
) -> None:
    holder = getattr(campaigns_fake, target)
    before = getattr(holder, name)
    with pytest.raises(ValueError, match=name):
        setattr(holder, name, value)
    assert getattr(holder, name) == before


@pytest.mark.parametrize("seconds", [1e12, -1e12, float("nan"), float("inf")])
def test_advancing_out_of_range_leaves_the_clock_working(
    campaigns_fake: CampaignsFake, client: Any, seconds: float
) -> None:
    before = campaigns_fake.clock.now()
    with pytest.raises(ValueError, match="the clock is unchanged"):
        campaigns_fake.clock.advance(seconds)
    assert abs((campaigns_fake.clock.now() - before).total_seconds()) < 60
    campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
    assert client.list_campaigns()["campaignSummaryList"]


def test_seeding_in_a_region_no_client_can_reach_is_refused(
    campaigns_fake: CampaignsFake,
) -> None:
    with pytest.raises(ValueError, match="any_region=True"):
        campaigns_fake.add_instance("inst-1", region="eu-west-1")
