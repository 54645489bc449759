"""Every operation's success path and behavioural errors, through real boto3 clients.

The contract is shared/reference/service-behavior.md. Every behavioural test runs twice: with a
default client, and with a client built with ``parameter_validation=False`` (which sends what it
is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError

from pytest_campaigns_fake import CampaignsFake

DEFAULT_ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
DEFAULT_KEY = "AKIAFAKEOPERATIONS01"
OTHER_KEY = "AKIAFAKEOTHERACCT001"
REGION = "us-east-1"
OTHER_REGION = "eu-west-2"
INSTANCE = "instance-1"
STATES = ("Initialized", "Running", "Paused", "Stopped", "Failed")
FROZEN_AT = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SERVICE_LINKED_ROLE_RE = re.compile(
    r"arn:aws:iam::(\d{12}):role/aws-service-role/connect-campaigns\.amazonaws\.com/"
    r"AWSServiceRoleForConnectCampaigns_[A-Za-z0-9]{20}"
)

PROGRESSIVE: dict[str, Any] = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
PREDICTIVE: dict[str, Any] = {
    "predictiveDialerConfig": {"bandwidthAllocation": 0.5, "dialingCapacity": 0.25}
}
AGENTLESS: dict[str, Any] = {"agentlessDialerConfig": {"dialingCapacity": 0.5}}
DIALERS = {"progressive": PROGRESSIVE, "predictive": PREDICTIVE, "agentless": AGENTLESS}
OUTBOUND: dict[str, Any] = {
    "connectContactFlowId": "flow-1",
    "connectSourcePhoneNumber": "+15550000001",
    "connectQueueId": "queue-1",
    "answerMachineDetectionConfig": {
        "enableAnswerMachineDetection": True,
        "awaitAnswerMachinePrompt": False,
    },
}


# -- clients ---------------------------------------------------------------------------------

_CLIENTS: dict[tuple[bool, str, str], Any] = {}


def _client(validate: bool, region: str, access_key: str) -> Any:
    """A cached boto3 client; clients are expensive, and every active fake answers them all."""
    key = (validate, region, access_key)
    client = _CLIENTS.get(key)
    if client is None:
        client = boto3.session.Session().client(
            "connectcampaigns",
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key="x",
            config=Config(parameter_validation=validate),
        )
        _CLIENTS[key] = client
    return client


@pytest.fixture(scope="module", autouse=True)
def _forget_clients() -> Iterator[None]:
    yield
    _CLIENTS.clear()


class ClientFactory:
    """Clients of one validation mode: ``make_client(region=, access_key=)``.

    (``client.meta.config.parameter_validation`` does not tell the mode: botocore reports True
    for every client, so tests that need it read ``validates`` here.)
    """

    def __init__(self, validates: bool) -> None:
        self.validates = validates

    def __call__(self, region: str = REGION, access_key: str = DEFAULT_KEY) -> Any:
        return _client(self.validates, region, access_key)


@pytest.fixture(params=[True, False], ids=["validated", "unvalidated"])
def make_client(request: pytest.FixtureRequest, campaigns_fake: CampaignsFake) -> ClientFactory:
    """The validation mode is the parameter; ``campaigns_fake`` answers every client."""
    return ClientFactory(request.param)


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    return make_client()


# -- helpers ---------------------------------------------------------------------------------


@contextmanager
def raises(client: Any, code: str, status: int) -> Iterator[pytest.ExceptionInfo[Any]]:
    """Expect the modelled exception ``code``, answered with HTTP ``status``."""
    exc_class = getattr(client.exceptions, code)
    with pytest.raises(exc_class) as info:
        yield info
    error = info.value
    assert type(error) is exc_class
    assert error.response["Error"]["Code"] == code
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error.response["Error"]["Message"]


def create(
    client: Any,
    *,
    name: str = "campaign",
    instance: str = INSTANCE,
    dialer: dict[str, Any] | None = None,
    outbound: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "name": name,
        "connectInstanceId": instance,
        "dialerConfig": dialer or PROGRESSIVE,
        "outboundCallConfig": outbound or {"connectContactFlowId": "flow-1"},
    }
    if tags is not None:
        kwargs["tags"] = tags
    result: dict[str, Any] = client.create_campaign(**kwargs)
    return result


def seed(fake: CampaignsFake, state: str = "Initialized", **kwargs: Any) -> str:
    kwargs.setdefault("connect_instance_id", INSTANCE)
    campaign = fake.add_campaign(**kwargs)
    if state != "Initialized":
        fake.set_campaign_state(campaign.id, state)
    return campaign.id


def state_of(client: Any, campaign_id: str) -> str:
    state: str = client.get_campaign_state(id=campaign_id)["state"]
    return state


def dial(
    token: str,
    expires: datetime,
    phone: str = "+15550100",
    attributes: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "clientToken": token,
        "phoneNumber": phone,
        "expirationTime": expires,
        "attributes": attributes or {},
    }


def list_all(client: Any, **kwargs: Any) -> list[list[str]]:
    """Page through ListCampaigns by hand: the ids of every page."""
    pages: list[list[str]] = []
    token: str | None = None
    while True:
        args = dict(kwargs)
        if token is not None:
            args["nextToken"] = token
        answer = client.list_campaigns(**args)
        pages.append([s["id"] for s in answer["campaignSummaryList"]])
        token = answer.get("nextToken")
        if token is None:
            return pages
        assert len(pages) < 100, "pagination does not end"


def tags_of(client: Any, arn: str) -> dict[str, str]:
    tags: dict[str, str] = client.list_tags_for_resource(arn=arn)["tags"]
    return tags


def many_tags(n: int, prefix: str = "key") -> dict[str, str]:
    return {f"{prefix}{i}": f"value{i}" for i in range(n)}


# -- CreateCampaign --------------------------------------------------------------------------


def test_create_campaign_returns_lowercase_uuid_and_arn(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(client, name="renewals")
    campaign_id = created["id"]
    assert UUID_RE.fullmatch(campaign_id), campaign_id
    assert created["arn"] == (
        f"arn:aws:connect-campaigns:{REGION}:{DEFAULT_ACCOUNT}:campaign/{campaign_id}"
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert state_of(client, campaign_id) == "Initialized"
    assert [c.id for c in campaigns_fake.campaigns] == [campaign_id]


def test_create_campaign_ids_are_unique(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    ids = {create(client, name=f"c{i}")["id"] for i in range(5)}
    assert len(ids) == 5


def test_create_campaign_echoes_tags(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    tags = {"team": "sales", "cost-center": "42"}
    created = create(client, tags=tags)
    assert created["tags"] == tags
    assert tags_of(client, created["arn"]) == tags
    assert client.describe_campaign(id=created["id"])["campaign"]["tags"] == tags


def test_create_campaign_accepts_exactly_50_tags(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(client, tags=many_tags(50))
    assert tags_of(client, created["arn"]) == many_tags(50)


def test_create_campaign_with_51_tags_is_rejected(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    with raises(client, "ValidationException", 400):
        create(client, tags=many_tags(51))
    assert campaigns_fake.campaigns == []


def test_create_campaign_rejects_aws_prefixed_tag(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    with raises(client, "ValidationException", 400):
        create(client, tags={"aws:reserved": "x"})
    assert campaigns_fake.campaigns == []


@pytest.mark.parametrize("status", [None, "IN_PROGRESS", "FAILED"])
def test_create_campaign_needs_an_onboarded_instance(
    campaigns_fake: CampaignsFake, client: Any, status: str | None
) -> None:
    if status is not None:
        campaigns_fake.add_instance(INSTANCE, status=status)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    assert campaigns_fake.campaigns == []


def test_create_campaign_checks_the_instance_named(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance("instance-2")
    with raises(client, "ResourceNotFoundException", 404):
        create(client, instance=INSTANCE)
    assert create(client, instance="instance-2")["id"]


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_create_campaign_without_onboarding_check(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    created = create(client, instance="never-onboarded")
    described = client.describe_campaign(id=created["id"])["campaign"]
    assert described["connectInstanceId"] == "never-onboarded"


def test_create_campaign_default_quota_is_25_per_instance(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.add_instance("instance-2")
    for i in range(24):
        seed(campaigns_fake, name=f"seeded-{i}")
    create(client, name="twenty-fifth")
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client, name="twenty-sixth")
    assert len([c for c in campaigns_fake.campaigns if c.connect_instance_id == INSTANCE]) == 25
    # the quota is per instance
    create(client, name="other instance", instance="instance-2")


def test_create_campaign_quota_frees_up_on_delete(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    ids = [seed(campaigns_fake, name=f"seeded-{i}") for i in range(25)]
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client)
    client.delete_campaign(id=ids[3])
    assert create(client)["id"]
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client)


def test_create_campaign_quota_is_adjustable(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.quotas.campaigns_per_instance = 2
    create(client, name="one")
    create(client, name="two")
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client, name="three")
    campaigns_fake.quotas.campaigns_per_instance = 3
    create(client, name="three")
    assert [c.name for c in campaigns_fake.campaigns] == ["one", "two", "three"]


@pytest.mark.campaigns_fake(campaigns_per_instance=1)
def test_create_campaign_quota_from_marker(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    create(client)
    with raises(client, "ServiceQuotaExceededException", 402):
        create(client)


# -- DescribeCampaign ------------------------------------------------------------------------


@pytest.mark.parametrize("dialer", sorted(DIALERS))
def test_describe_campaign_returns_everything_created(
    campaigns_fake: CampaignsFake, client: Any, dialer: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(
        client, name="renewals", dialer=DIALERS[dialer], outbound=OUTBOUND, tags={"a": "b"}
    )
    described = client.describe_campaign(id=created["id"])
    assert described["campaign"] == {
        "id": created["id"],
        "arn": created["arn"],
        "name": "renewals",
        "connectInstanceId": INSTANCE,
        "dialerConfig": DIALERS[dialer],
        "outboundCallConfig": OUTBOUND,
        "tags": {"a": "b"},
    }


def test_describe_unknown_campaign(campaigns_fake: CampaignsFake, client: Any) -> None:
    seed(campaigns_fake)
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id=str(uuid.uuid4()))


# -- DeleteCampaign --------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_delete_campaign_in_every_state(
    campaigns_fake: CampaignsFake, client: Any, state: str
) -> None:
    keep = seed(campaigns_fake, name="keep")
    campaign_id = seed(campaigns_fake, state)
    assert client.delete_campaign(id=campaign_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id=campaign_id)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_campaign_state(id=campaign_id)
    assert [c.id for c in campaigns_fake.campaigns] == [keep]
    assert [s["id"] for s in client.list_campaigns()["campaignSummaryList"]] == [keep]


def test_delete_campaign_twice(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaign_id = seed(campaigns_fake)
    client.delete_campaign(id=campaign_id)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_campaign(id=campaign_id)


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


# -- Updates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_updates_work_in_every_state(
    campaigns_fake: CampaignsFake, client: Any, state: str
) -> None:
    campaign_id = seed(
        campaigns_fake, state, name="old", dialer_config=PROGRESSIVE, outbound_call_config=OUTBOUND
    )
    client.update_campaign_name(id=campaign_id, name="new name")
    client.update_campaign_dialer_config(id=campaign_id, dialerConfig=PREDICTIVE)
    client.update_campaign_outbound_call_config(id=campaign_id, connectContactFlowId="flow-9")
    described = client.describe_campaign(id=campaign_id)["campaign"]
    assert described["name"] == "new name"
    assert described["dialerConfig"] == PREDICTIVE
    assert described["outboundCallConfig"] == {**OUTBOUND, "connectContactFlowId": "flow-9"}
    assert state_of(client, campaign_id) == state


def test_update_campaign_name_shows_in_list(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaign_id = seed(campaigns_fake, name="old")
    answer = client.update_campaign_name(id=campaign_id, name="renamed")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [s["name"] for s in client.list_campaigns()["campaignSummaryList"]] == ["renamed"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("progressive", "predictive"),
        ("predictive", "progressive"),
        ("progressive", "progressive"),
        ("agentless", "agentless"),
    ],
)
def test_update_dialer_config_within_kind(
    campaigns_fake: CampaignsFake, client: Any, before: str, after: str
) -> None:
    new = {
        "progressive": {"progressiveDialerConfig": {"bandwidthAllocation": 0.3}},
        "predictive": PREDICTIVE,
        "agentless": {"agentlessDialerConfig": {"dialingCapacity": 0.9}},
    }[after]
    campaign_id = seed(campaigns_fake, dialer_config=DIALERS[before])
    client.update_campaign_dialer_config(id=campaign_id, dialerConfig=new)
    assert client.describe_campaign(id=campaign_id)["campaign"]["dialerConfig"] == new


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("progressive", "agentless"),
        ("predictive", "agentless"),
        ("agentless", "progressive"),
        ("agentless", "predictive"),
    ],
)
def test_update_dialer_config_cannot_switch_agentless(
    campaigns_fake: CampaignsFake, client: Any, before: str, after: str
) -> None:
    campaign_id = seed(campaigns_fake, dialer_config=DIALERS[before])
    with raises(client, "ConflictException", 409):
        client.update_campaign_dialer_config(id=campaign_id, dialerConfig=DIALERS[after])
    assert client.describe_campaign(id=campaign_id)["campaign"]["dialerConfig"] == DIALERS[before]


@pytest.mark.parametrize(
    "change",
    [
        {"connectContactFlowId": "flow-2"},
        {"connectSourcePhoneNumber": "+15559999999"},
        {"answerMachineDetectionConfig": {"enableAnswerMachineDetection": False}},
        {"connectContactFlowId": "flow-3", "connectSourcePhoneNumber": "+15558888888"},
    ],
    ids=["flow", "source-phone", "amd", "flow+phone"],
)
def test_update_outbound_call_config_changes_only_given_members(
    campaigns_fake: CampaignsFake, client: Any, change: dict[str, Any]
) -> None:
    campaign_id = seed(campaigns_fake, outbound_call_config=OUTBOUND)
    client.update_campaign_outbound_call_config(id=campaign_id, **change)
    described = client.describe_campaign(id=campaign_id)["campaign"]
    assert described["outboundCallConfig"] == {**OUTBOUND, **change}
    assert described["outboundCallConfig"]["connectQueueId"] == "queue-1"


def test_update_outbound_call_config_adds_missing_member(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaign_id = seed(campaigns_fake, outbound_call_config={"connectContactFlowId": "flow-1"})
    client.update_campaign_outbound_call_config(
        id=campaign_id, connectSourcePhoneNumber="+15550000002"
    )
    assert client.describe_campaign(id=campaign_id)["campaign"]["outboundCallConfig"] == {
        "connectContactFlowId": "flow-1",
        "connectSourcePhoneNumber": "+15550000002",
    }


# -- PutDialRequestBatch ---------------------------------------------------------------------


@pytest.fixture
def frozen(campaigns_fake: CampaignsFake) -> datetime:
    """The service's clock, frozen at a whole second."""
    return campaigns_fake.clock.freeze(FROZEN_AT)


def test_put_dial_request_batch_accepts_requests(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    expires = frozen + timedelta(seconds=300)
    answer = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[
            dial("token-a", expires, "+15550101", {"customer": "1"}),
            dial("token-b", expires, "+15550102", {"customer": "2"}),
        ],
    )
    assert answer["failedRequests"] == []
    succeeded = answer["successfulRequests"]
    assert [r["clientToken"] for r in succeeded] == ["token-a", "token-b"]
    assert all(UUID_RE.fullmatch(r["id"]) for r in succeeded)
    assert succeeded[0]["id"] != succeeded[1]["id"]
    accepted = campaigns_fake.dial_requests(campaign_id)
    assert [(r.id, r.client_token, r.phone_number, r.attributes) for r in accepted] == [
        (succeeded[0]["id"], "token-a", "+15550101", {"customer": "1"}),
        (succeeded[1]["id"], "token-b", "+15550102", {"customer": "2"}),
    ]
    assert [r.expiration_time for r in accepted] == [expires, expires]
    assert [r.accepted_at for r in accepted] == [frozen, frozen]


def test_put_dial_request_batch_expiration_window_boundaries(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    offsets = {
        "past": timedelta(seconds=-60),
        "now": timedelta(0),
        "29s": timedelta(seconds=29),
        "just-under-30s": timedelta(seconds=29, microseconds=999999),
        "30s": timedelta(seconds=30),
        "31s": timedelta(seconds=31),
        "899s": timedelta(seconds=899),
        "900s": timedelta(seconds=900),
        "just-over-900s": timedelta(seconds=900, microseconds=1),
        "901s": timedelta(seconds=901),
        "1d": timedelta(days=1),
    }
    answer = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[dial(token, frozen + offset) for token, offset in offsets.items()],
    )
    assert [r["clientToken"] for r in answer["successfulRequests"]] == [
        "30s",
        "31s",
        "899s",
        "900s",
    ]
    failed = answer["failedRequests"]
    assert [r["clientToken"] for r in failed] == [
        "past",
        "now",
        "29s",
        "just-under-30s",
        "just-over-900s",
        "901s",
        "1d",
    ]
    assert {r["failureCode"] for r in failed} == {"InvalidInput"}
    assert [r.client_token for r in campaigns_fake.dial_requests(campaign_id)] == [
        "30s",
        "31s",
        "899s",
        "900s",
    ]


def test_put_dial_request_batch_window_with_clock_frozen_now(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    now = campaigns_fake.clock.freeze()  # frozen wherever real time is, to the microsecond
    campaign_id = seed(campaigns_fake, "Running")
    answer = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[
            dial("under", now + timedelta(seconds=30) - timedelta(microseconds=1)),
            dial("min", now + timedelta(seconds=30)),
            dial("max", now + timedelta(seconds=900)),
            dial("over", now + timedelta(seconds=900, microseconds=1)),
        ],
    )
    assert [r["clientToken"] for r in answer["successfulRequests"]] == ["min", "max"]
    assert [(r["clientToken"], r["failureCode"]) for r in answer["failedRequests"]] == [
        ("under", "InvalidInput"),
        ("over", "InvalidInput"),
    ]
    assert [r.client_token for r in campaigns_fake.dial_requests(campaign_id)] == ["min", "max"]


def test_put_dial_request_batch_window_follows_the_clock(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    expires = frozen + timedelta(seconds=100)
    campaigns_fake.clock.advance(71)  # 29 s left: too soon
    answer = client.put_dial_request_batch(id=campaign_id, dialRequests=[dial("a", expires)])
    assert [(r["clientToken"], r["failureCode"]) for r in answer["failedRequests"]] == [
        ("a", "InvalidInput")
    ]
    campaigns_fake.clock.advance(-1)  # 30 s left: fine
    answer = client.put_dial_request_batch(id=campaign_id, dialRequests=[dial("a", expires)])
    assert [r["clientToken"] for r in answer["successfulRequests"]] == ["a"]
    assert answer["failedRequests"] == []


def test_put_dial_request_batch_client_token_is_idempotent(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    expires = frozen + timedelta(seconds=120)
    first = client.put_dial_request_batch(id=campaign_id, dialRequests=[dial("same", expires)])
    first_id = first["successfulRequests"][0]["id"]
    campaigns_fake.clock.advance(60)
    again = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[dial("same", expires, "+15559999"), dial("other", expires)],
    )
    assert again["failedRequests"] == []
    assert again["successfulRequests"][0] == {"clientToken": "same", "id": first_id}
    assert again["successfulRequests"][1]["id"] != first_id
    accepted = campaigns_fake.dial_requests(campaign_id)
    assert [(r.client_token, r.phone_number) for r in accepted] == [
        ("same", "+15550100"),
        ("other", "+15550100"),
    ]


def test_put_dial_request_batch_client_token_is_per_campaign(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    one = seed(campaigns_fake, "Running", name="one")
    two = seed(campaigns_fake, "Running", name="two")
    expires = frozen + timedelta(seconds=120)
    a = client.put_dial_request_batch(id=one, dialRequests=[dial("tok", expires)])
    b = client.put_dial_request_batch(id=two, dialRequests=[dial("tok", expires)])
    assert a["successfulRequests"][0]["id"] != b["successfulRequests"][0]["id"]
    assert len(campaigns_fake.dial_requests(one)) == 1
    assert len(campaigns_fake.dial_requests(two)) == 1


def test_put_dial_request_batch_client_token_valid_for_7_days(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")

    def put() -> str:
        expires = campaigns_fake.clock.now() + timedelta(seconds=120)
        answer = client.put_dial_request_batch(
            id=campaign_id, dialRequests=[dial("weekly", expires)]
        )
        assert answer["failedRequests"] == []
        request_id: str = answer["successfulRequests"][0]["id"]
        return request_id

    first = put()
    campaigns_fake.clock.advance(7 * 86400 - 1)
    assert put() == first
    assert len(campaigns_fake.dial_requests(campaign_id)) == 1
    campaigns_fake.clock.advance(2)  # 7 days and 1 second after the first
    second = put()
    assert second != first
    accepted = campaigns_fake.dial_requests(campaign_id)
    assert [r.id for r in accepted] == [first, second]
    assert accepted[1].accepted_at == FROZEN_AT + timedelta(seconds=7 * 86400 + 1)
    # the new request starts a new validity period
    campaigns_fake.clock.advance(86400)
    assert put() == second


def test_put_dial_request_batch_reused_token_after_7_days_and_a_second(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    first = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", frozen + timedelta(seconds=60))]
    )["successfulRequests"][0]["id"]
    later = campaigns_fake.clock.advance(7 * 86400 + 1)
    answer = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", later + timedelta(seconds=60))]
    )
    assert answer["failedRequests"] == []
    second = answer["successfulRequests"][0]["id"]
    assert second != first
    assert [r.id for r in campaigns_fake.dial_requests(campaign_id)] == [first, second]


def test_put_dial_request_batch_failed_item_token_is_not_remembered(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime
) -> None:
    campaign_id = seed(campaigns_fake, "Running")
    bad = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", frozen + timedelta(seconds=5))]
    )
    assert [r["failureCode"] for r in bad["failedRequests"]] == ["InvalidInput"]
    good = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("tok", frozen + timedelta(seconds=60))]
    )
    assert [r["clientToken"] for r in good["successfulRequests"]] == ["tok"]
    assert [r.id for r in campaigns_fake.dial_requests(campaign_id)] == [
        good["successfulRequests"][0]["id"]
    ]


@pytest.mark.parametrize("state", [s for s in STATES if s != "Running"])
def test_put_dial_request_batch_needs_running_campaign(
    campaigns_fake: CampaignsFake, client: Any, frozen: datetime, state: str
) -> None:
    campaign_id = seed(campaigns_fake, state)
    with raises(client, "InvalidCampaignStateException", 409) as info:
        client.put_dial_request_batch(
            id=campaign_id, dialRequests=[dial("t", frozen + timedelta(seconds=60))]
        )
    assert info.value.response["state"] == state
    assert campaigns_fake.dial_requests(campaign_id) == []


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


# -- ListCampaigns ---------------------------------------------------------------------------


def test_list_campaigns_empty(campaigns_fake: CampaignsFake, client: Any) -> None:
    answer = client.list_campaigns()
    assert answer["campaignSummaryList"] == []
    assert "nextToken" not in answer


def test_list_campaigns_summaries_in_creation_order(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.add_instance("instance-2")
    created = [
        (create(client, name="zeta", instance=INSTANCE), "zeta", INSTANCE),
        (create(client, name="alpha", instance="instance-2"), "alpha", "instance-2"),
        (create(client, name="mid", instance=INSTANCE), "mid", INSTANCE),
    ]
    answer = client.list_campaigns()
    assert "nextToken" not in answer
    assert answer["campaignSummaryList"] == [
        {"id": c["id"], "arn": c["arn"], "name": name, "connectInstanceId": instance}
        for c, name, instance in created
    ]


def test_list_campaigns_default_page_is_50(campaigns_fake: CampaignsFake, client: Any) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(120)]
    pages = list_all(client)
    assert [len(page) for page in pages] == [50, 50, 20]
    assert [i for page in pages for i in page] == ids


def test_list_campaigns_exact_multiple_has_no_empty_last_page(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(100)]
    first = client.list_campaigns()
    assert len(first["campaignSummaryList"]) == 50
    second = client.list_campaigns(nextToken=first["nextToken"])
    assert [s["id"] for s in second["campaignSummaryList"]] == ids[50:]
    assert "nextToken" not in second


@pytest.mark.parametrize(("count", "size"), [(10, 3), (10, 5), (10, 1), (10, 10), (10, 50)])
def test_list_campaigns_max_results(
    campaigns_fake: CampaignsFake, client: Any, count: int, size: int
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(count)]
    pages = list_all(client, maxResults=size)
    expected = [ids[i : i + size] for i in range(0, count, size)]
    assert pages == expected


def test_list_campaigns_paginator(campaigns_fake: CampaignsFake, client: Any) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(23)]
    assert client.can_paginate("list_campaigns")
    paginator = client.get_paginator("list_campaigns")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["campaignSummaryList"]) for p in pages] == [5, 5, 5, 5, 3]
    assert ["nextToken" in p for p in pages] == [True, True, True, True, False]
    assert [s["id"] for p in pages for s in p["campaignSummaryList"]] == ids
    full = paginator.paginate().build_full_result()
    assert [s["id"] for s in full["campaignSummaryList"]] == ids


def test_list_campaigns_instance_filter(campaigns_fake: CampaignsFake, client: Any) -> None:
    wanted = []
    for i in range(12):
        instance = "instance-2" if i % 3 == 0 else INSTANCE
        campaign_id = seed(campaigns_fake, name=f"c{i}", connect_instance_id=instance)
        if instance == "instance-2":
            wanted.append(campaign_id)
    eq = {"instanceIdFilter": {"value": "instance-2", "operator": "Eq"}}
    answer = client.list_campaigns(filters=eq)
    assert [s["id"] for s in answer["campaignSummaryList"]] == wanted
    assert {s["connectInstanceId"] for s in answer["campaignSummaryList"]} == {"instance-2"}
    assert "nextToken" not in answer
    assert list_all(client, filters=eq, maxResults=3) == [wanted[:3], wanted[3:]]
    assert list_all(client, filters=eq, maxResults=2) == [wanted[:2], wanted[2:]]
    none = {"instanceIdFilter": {"value": "instance-9", "operator": "Eq"}}
    assert client.list_campaigns(filters=none)["campaignSummaryList"] == []


def test_list_campaigns_filter_pages_by_matches(campaigns_fake: CampaignsFake, client: Any) -> None:
    seed(campaigns_fake, name="match-1", connect_instance_id="instance-2")
    for i in range(5):
        seed(campaigns_fake, name=f"other-{i}")
    last = seed(campaigns_fake, name="match-2", connect_instance_id="instance-2")
    eq = {"instanceIdFilter": {"value": "instance-2", "operator": "Eq"}}
    first = client.list_campaigns(filters=eq, maxResults=1)
    assert [s["name"] for s in first["campaignSummaryList"]] == ["match-1"]
    second = client.list_campaigns(filters=eq, maxResults=1, nextToken=first["nextToken"])
    assert [s["id"] for s in second["campaignSummaryList"]] == [last]
    assert "nextToken" not in second


@pytest.mark.parametrize(
    "delete",
    [[2], [3], [2, 3], [0, 1, 2], [3, 4, 5], [9]],
    ids=["last-of-page", "first-of-next", "both", "whole-page", "whole-next-page", "final"],
)
def test_list_campaigns_delete_between_pages(
    campaigns_fake: CampaignsFake, client: Any, delete: list[int]
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(10)]
    first = client.list_campaigns(maxResults=3)
    assert [s["id"] for s in first["campaignSummaryList"]] == ids[:3]
    for index in delete:
        client.delete_campaign(id=ids[index])
    rest = list_all(client, maxResults=3, nextToken=first["nextToken"])
    remaining_after_first_page = [c for i, c in enumerate(ids[3:], 3) if i not in delete]
    assert [i for page in rest for i in page] == remaining_after_first_page
    assert all(len(page) <= 3 for page in rest)


def test_list_campaigns_created_between_pages_come_last(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(4)]
    first = client.list_campaigns(maxResults=2)
    newer = seed(campaigns_fake, name="newer")
    rest = list_all(client, maxResults=2, nextToken=first["nextToken"])
    assert [i for page in rest for i in page] == [*ids[2:], newer]


@pytest.mark.parametrize(
    "token",
    ["made-up-token", "eyJhZnRlciI6IDN9.000000000000000000000000", "x" * 1000],
    ids=["garbage", "forged", "long"],
)
def test_list_campaigns_made_up_token(
    campaigns_fake: CampaignsFake, client: Any, token: str
) -> None:
    for i in range(5):
        seed(campaigns_fake, name=f"c{i}")
    with raises(client, "ValidationException", 400):
        client.list_campaigns(nextToken=token)


def test_list_campaigns_tampered_token(campaigns_fake: CampaignsFake, client: Any) -> None:
    for i in range(5):
        seed(campaigns_fake, name=f"c{i}")
    token = client.list_campaigns(maxResults=2)["nextToken"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with raises(client, "ValidationException", 400):
        client.list_campaigns(nextToken=tampered)


@pytest.mark.parametrize("size", [0, 51])
def test_list_campaigns_max_results_out_of_range(
    campaigns_fake: CampaignsFake, make_client: ClientFactory, size: int
) -> None:
    client = make_client()
    if size == 0 and make_client.validates:
        # botocore checks minimum values itself: the request never reaches the service
        with pytest.raises(ParamValidationError):
            client.list_campaigns(maxResults=size)
        assert len(campaigns_fake.calls) == 0
        return
    with raises(client, "ValidationException", 400):
        client.list_campaigns(maxResults=size)


# -- Onboarding ------------------------------------------------------------------------------


def job_of(client: Any, instance: str = INSTANCE) -> dict[str, Any]:
    job: dict[str, Any] = client.get_instance_onboarding_job_status(connectInstanceId=instance)[
        "connectInstanceOnboardingJobStatus"
    ]
    return job


def start_job(
    client: Any, instance: str = INSTANCE, encryption: dict[str, Any] | None = None
) -> dict[str, Any]:
    job: dict[str, Any] = client.start_instance_onboarding_job(
        connectInstanceId=instance, encryptionConfig=encryption or {"enabled": False}
    )["connectInstanceOnboardingJobStatus"]
    return job


def test_onboarding_succeeds_on_first_poll(campaigns_fake: CampaignsFake, client: Any) -> None:
    assert start_job(client) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    assert job_of(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert job_of(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    # a job already present is returned unchanged
    assert start_job(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert create(client)["id"]


def test_onboarded_instance_config(campaigns_fake: CampaignsFake, client: Any) -> None:
    start_job(client)
    job_of(client)
    start_job(client, "instance-2")
    job_of(client, "instance-2")
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["ResponseMetadata"]["HTTPStatusCode"] == 200
    instance_config = config["connectInstanceConfig"]
    assert instance_config["connectInstanceId"] == INSTANCE
    assert instance_config["encryptionConfig"] == {"enabled": False}
    role = instance_config["serviceLinkedRoleArn"]
    match = SERVICE_LINKED_ROLE_RE.fullmatch(role)
    assert match is not None, role
    assert match.group(1) == DEFAULT_ACCOUNT
    # stable for the instance, one per instance
    again = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert again["connectInstanceConfig"]["serviceLinkedRoleArn"] == role
    other = client.get_connect_instance_config(connectInstanceId="instance-2")
    other_role = other["connectInstanceConfig"]["serviceLinkedRoleArn"]
    assert SERVICE_LINKED_ROLE_RE.fullmatch(other_role)
    assert other_role != role


def test_onboarding_with_kms_key(campaigns_fake: CampaignsFake, client: Any) -> None:
    key = f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:key/{uuid.uuid4()}"
    encryption = {"enabled": True, "encryptionType": "KMS", "keyArn": key}
    assert start_job(client, encryption=encryption)["status"] == "IN_PROGRESS"
    assert job_of(client)["status"] == "SUCCEEDED"
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["encryptionConfig"] == encryption
    # starting again returns the job unchanged and leaves the config alone
    assert start_job(client, encryption={"enabled": False})["status"] == "SUCCEEDED"
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["encryptionConfig"] == encryption


@pytest.mark.parametrize(
    "encryption",
    [{"enabled": True}, {"enabled": True, "encryptionType": "KMS"}],
    ids=["bare", "kms-type-only"],
)
def test_onboarding_encryption_needs_key(
    campaigns_fake: CampaignsFake, client: Any, encryption: dict[str, Any]
) -> None:
    with raises(client, "ValidationException", 400):
        start_job(client, encryption=encryption)
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)


@pytest.mark.campaigns_fake(onboarding_polls=3)
def test_onboarding_succeeds_on_third_poll(campaigns_fake: CampaignsFake, client: Any) -> None:
    assert start_job(client)["status"] == "IN_PROGRESS"
    assert start_job(client)["status"] == "IN_PROGRESS"  # starting again is not a poll
    assert [job_of(client)["status"] for _ in range(4)] == [
        "IN_PROGRESS",
        "IN_PROGRESS",
        "SUCCEEDED",
        "SUCCEEDED",
    ]
    assert client.get_connect_instance_config(connectInstanceId=INSTANCE)


@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_onboarding_waits_for_the_test(campaigns_fake: CampaignsFake, client: Any) -> None:
    start_job(client)
    start_job(client, "instance-2")
    assert [job_of(client)["status"] for _ in range(10)] == ["IN_PROGRESS"] * 10
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    campaigns_fake.advance_onboarding(INSTANCE)
    assert job_of(client) == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    assert client.get_connect_instance_config(connectInstanceId=INSTANCE)
    campaigns_fake.advance_onboarding("instance-2", "FAILED", "KMS_KEY_NOT_FOUND")
    assert job_of(client, "instance-2") == {
        "connectInstanceId": "instance-2",
        "status": "FAILED",
        "failureCode": "KMS_KEY_NOT_FOUND",
    }


@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_failed_onboarding_job_lifecycle(campaigns_fake: CampaignsFake, client: Any) -> None:
    start_job(client)
    campaigns_fake.advance_onboarding(INSTANCE, "FAILED", "IAM_ACCESS_DENIED")
    failed = {"connectInstanceId": INSTANCE, "status": "FAILED", "failureCode": "IAM_ACCESS_DENIED"}
    assert job_of(client) == failed
    # Start keeps returning the FAILED status, whatever it is asked
    assert start_job(client) == failed
    key = f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:key/{uuid.uuid4()}"
    assert start_job(client, encryption={"enabled": True, "keyArn": key}) == failed
    assert job_of(client) == failed
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    # delete the failed job, then start again
    answer = client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert start_job(client) == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    campaigns_fake.advance_onboarding(INSTANCE)
    assert job_of(client)["status"] == "SUCCEEDED"


@pytest.mark.parametrize("status", ["IN_PROGRESS", "SUCCEEDED"])
def test_delete_onboarding_job_only_when_failed(
    campaigns_fake: CampaignsFake, client: Any, status: str
) -> None:
    campaigns_fake.add_instance(INSTANCE, status=status)
    with raises(client, "InvalidStateException", 409):
        client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    assert campaigns_fake.instance(INSTANCE).status == status


def test_delete_seeded_failed_onboarding_job(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE, status="FAILED", failure_code="KMS_ACCESS_DENIED")
    assert job_of(client)["failureCode"] == "KMS_ACCESS_DENIED"
    client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)


def test_onboarding_operations_without_job(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance("instance-2")
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_instance_onboarding_job(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)


@pytest.mark.parametrize("status", ["IN_PROGRESS", "FAILED"])
@pytest.mark.campaigns_fake(onboarding_polls=None)
def test_instance_config_not_found_unless_succeeded(
    campaigns_fake: CampaignsFake, client: Any, status: str
) -> None:
    campaigns_fake.add_instance(INSTANCE, status=status)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    assert campaigns_fake.instance(INSTANCE).status == status


@pytest.mark.parametrize("state", STATES)
def test_delete_instance_config_while_campaigns_exist(
    campaigns_fake: CampaignsFake, client: Any, state: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaign_id = seed(campaigns_fake, state)
    with raises(client, "InvalidStateException", 409):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    assert client.get_connect_instance_config(connectInstanceId=INSTANCE)
    client.delete_campaign(id=campaign_id)
    client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)


def test_delete_instance_config_removes_config_and_job(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    start_job(client)
    job_of(client)
    start_job(client, "instance-2")
    job_of(client, "instance-2")
    seed(campaigns_fake, connect_instance_id="instance-2")  # another instance's campaigns
    answer = client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    with raises(client, "ResourceNotFoundException", 404):
        client.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        job_of(client)
    with raises(client, "ResourceNotFoundException", 404):
        client.delete_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(client, "ResourceNotFoundException", 404):
        create(client)
    assert client.get_connect_instance_config(connectInstanceId="instance-2")
    # the instance can be onboarded again
    assert start_job(client)["status"] == "IN_PROGRESS"
    assert job_of(client)["status"] == "SUCCEEDED"


# -- Tags ------------------------------------------------------------------------------------


def test_tag_list_untag(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    answer = client.tag_resource(arn=arn, tags={"b": "2", "a": "one", "c/d:e.f": ""})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(client, arn) == {"a": "one", "b": "2", "c/d:e.f": ""}
    answer = client.untag_resource(arn=arn, tagKeys=["a", "c/d:e.f", "not-there"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(client, arn) == {"b": "2"}
    client.untag_resource(arn=arn, tagKeys=["b"])
    assert tags_of(client, arn) == {}
    campaign_id = arn.rsplit("/", 1)[1]
    assert client.describe_campaign(id=campaign_id)["campaign"]["tags"] == {}


def test_untag_resource_with_no_keys(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    answer = client.untag_resource(arn=arn, tagKeys=[])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(client, arn) == {"a": "1"}


def test_tags_are_per_campaign(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    one = create(client, name="one", tags={"k": "1"})["arn"]
    two = create(client, name="two")["arn"]
    client.tag_resource(arn=two, tags={"k": "2"})
    assert tags_of(client, one) == {"k": "1"}
    assert tags_of(client, two) == {"k": "2"}


@pytest.mark.parametrize("key", ["aws:created-by", "aws:x"])
def test_tag_resource_rejects_aws_prefix(
    campaigns_fake: CampaignsFake, client: Any, key: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags={key: "v", "b": "2"})
    assert tags_of(client, arn) == {"a": "1"}


def test_tag_resource_50_tag_limit_counts_merged_tags(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags=many_tags(45))["arn"]
    client.tag_resource(arn=arn, tags=many_tags(5, prefix="more"))
    assert len(tags_of(client, arn)) == 50
    # overwriting existing keys does not add tags
    client.tag_resource(arn=arn, tags={"key0": "changed", "more4": "changed"})
    tags = tags_of(client, arn)
    assert len(tags) == 50
    assert tags["key0"] == tags["more4"] == "changed"
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags={"one-too-many": "x"})
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags={"key1": "changed", "one-too-many": "x"})
    assert tags_of(client, arn) == tags
    client.untag_resource(arn=arn, tagKeys=["key1"])
    client.tag_resource(arn=arn, tags={"now-fits": "x"})
    assert len(tags_of(client, arn)) == 50


def test_tag_resource_51_at_once(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client)["arn"]
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags=many_tags(51))
    assert tags_of(client, arn) == {}
    client.tag_resource(arn=arn, tags=many_tags(50))
    assert tags_of(client, arn) == many_tags(50)


TAG_OPERATIONS: dict[str, Callable[[Any, str], Any]] = {
    "TagResource": lambda c, arn: c.tag_resource(arn=arn, tags={"k": "v"}),
    "UntagResource": lambda c, arn: c.untag_resource(arn=arn, tagKeys=["a"]),
    "ListTagsForResource": lambda c, arn: c.list_tags_for_resource(arn=arn),
}


def _foreign_arns(arn: str) -> dict[str, str]:
    campaign_id = arn.rsplit("/", 1)[1]
    return {
        "unknown-id": arn.replace(campaign_id, str(uuid.uuid4())),
        "other-account": arn.replace(f":{DEFAULT_ACCOUNT}:", f":{OTHER_ACCOUNT}:"),
        "other-region": arn.replace(f":{REGION}:", f":{OTHER_REGION}:"),
        "other-partition": arn.replace("arn:aws:", "arn:aws-cn:"),
        "other-service": arn.replace(":connect-campaigns:", ":connect:"),
        "other-resource-type": arn.replace(":campaign/", ":instance/"),
        "not-campaigns": f"arn:aws:s3:::bucket-{campaign_id}",
    }


@pytest.mark.parametrize("operation", sorted(TAG_OPERATIONS))
@pytest.mark.parametrize(
    "which",
    [
        "unknown-id",
        "other-account",
        "other-region",
        "other-partition",
        "other-service",
        "other-resource-type",
        "not-campaigns",
    ],
)
def test_tag_operations_on_unknown_arn(
    campaigns_fake: CampaignsFake, client: Any, operation: str, which: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    with raises(client, "ResourceNotFoundException", 404):
        TAG_OPERATIONS[operation](client, _foreign_arns(arn)[which])
    assert tags_of(client, arn) == {"a": "1"}


@pytest.mark.parametrize("operation", sorted(TAG_OPERATIONS))
def test_tag_operations_on_deleted_campaign(
    campaigns_fake: CampaignsFake, client: Any, operation: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(client, tags={"a": "1"})
    client.delete_campaign(id=created["id"])
    with raises(client, "ResourceNotFoundException", 404):
        TAG_OPERATIONS[operation](client, created["arn"])


def test_arn_of_same_id_in_other_account_or_region_is_not_found(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    """A real campaign's ARN, asked about from the wrong account or region."""
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    home = make_client()
    campaigns_fake.add_instance(INSTANCE)
    arn = create(home, tags={"a": "1"})["arn"]
    for stranger in (make_client(region=OTHER_REGION), make_client(access_key=OTHER_KEY)):
        with raises(stranger, "ResourceNotFoundException", 404):
            stranger.list_tags_for_resource(arn=arn)
        with raises(stranger, "ResourceNotFoundException", 404):
            stranger.tag_resource(arn=arn, tags={"b": "2"})
        with raises(stranger, "ResourceNotFoundException", 404):
            stranger.untag_resource(arn=arn, tagKeys=["a"])
    assert tags_of(home, arn) == {"a": "1"}


# -- Partitioning by region and account ------------------------------------------------------


def test_campaign_is_invisible_from_another_region(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    east = make_client()
    west = make_client(region=OTHER_REGION)
    campaigns_fake.add_instance(INSTANCE)
    created = create(east)
    campaign_id = created["id"]
    with raises(west, "ResourceNotFoundException", 404):
        west.describe_campaign(id=campaign_id)
    with raises(west, "ResourceNotFoundException", 404):
        west.get_campaign_state(id=campaign_id)
    with raises(west, "ResourceNotFoundException", 404):
        west.start_campaign(id=campaign_id)
    with raises(west, "ResourceNotFoundException", 404):
        west.delete_campaign(id=campaign_id)
    assert west.list_campaigns()["campaignSummaryList"] == []
    assert west.get_campaign_state_batch(campaignIds=[campaign_id])["failedRequests"] == [
        {"campaignId": campaign_id, "failureCode": "ResourceNotFound"}
    ]
    # onboarding is per region too
    with raises(west, "ResourceNotFoundException", 404):
        west.get_connect_instance_config(connectInstanceId=INSTANCE)
    with raises(west, "ResourceNotFoundException", 404):
        create(west)
    assert state_of(east, campaign_id) == "Initialized"
    assert [s["id"] for s in east.list_campaigns()["campaignSummaryList"]] == [campaign_id]


def test_campaign_in_another_region_has_that_region_in_its_arn(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    west = make_client(region=OTHER_REGION)
    west.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )
    assert job_of(west)["status"] == "SUCCEEDED"
    created = create(west)
    assert created["arn"] == (
        f"arn:aws:connect-campaigns:{OTHER_REGION}:{DEFAULT_ACCOUNT}:campaign/{created['id']}"
    )
    assert make_client().list_campaigns()["campaignSummaryList"] == []
    with raises(make_client(), "ResourceNotFoundException", 404):
        job_of(make_client())


@pytest.mark.campaigns_fake(any_region=True)
@pytest.mark.parametrize(
    ("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")]
)
def test_campaign_arn_partition(
    campaigns_fake: CampaignsFake, make_client: ClientFactory, region: str, partition: str
) -> None:
    client = make_client(region=region)
    campaigns_fake.add_instance(INSTANCE, region=region)
    created = create(client)
    assert created["arn"] == (
        f"arn:{partition}:connect-campaigns:{region}:{DEFAULT_ACCOUNT}:campaign/{created['id']}"
    )
    assert tags_of(client, created["arn"]) == {}
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["serviceLinkedRoleArn"].startswith(
        f"arn:{partition}:iam::{DEFAULT_ACCOUNT}:role/aws-service-role/"
    )


def test_registered_access_key_acts_in_its_account(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    home = make_client()
    other = make_client(access_key=OTHER_KEY)
    campaigns_fake.add_instance(INSTANCE)
    # onboarding is per account: the other account's instance is not onboarded yet
    with raises(other, "ResourceNotFoundException", 404):
        create(other)
    other.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )
    assert job_of(other)["status"] == "SUCCEEDED"
    role = other.get_connect_instance_config(connectInstanceId=INSTANCE)["connectInstanceConfig"][
        "serviceLinkedRoleArn"
    ]
    match = SERVICE_LINKED_ROLE_RE.fullmatch(role)
    assert match is not None and match.group(1) == OTHER_ACCOUNT
    created = create(other, name="theirs")
    campaign_id = created["id"]
    assert created["arn"] == (
        f"arn:aws:connect-campaigns:{REGION}:{OTHER_ACCOUNT}:campaign/{campaign_id}"
    )
    assert other.describe_campaign(id=campaign_id)["campaign"]["name"] == "theirs"
    assert tags_of(other, created["arn"]) == {}
    with raises(home, "ResourceNotFoundException", 404):
        home.describe_campaign(id=campaign_id)
    with raises(home, "ResourceNotFoundException", 404):
        home.list_tags_for_resource(arn=created["arn"])
    assert home.list_campaigns()["campaignSummaryList"] == []
    mine = create(home, name="mine")
    assert f":{DEFAULT_ACCOUNT}:" in mine["arn"]
    assert [s["id"] for s in other.list_campaigns()["campaignSummaryList"]] == [campaign_id]
    assert [s["id"] for s in home.list_campaigns()["campaignSummaryList"]] == [mine["id"]]
    calls = [c for c in campaigns_fake.calls if c.operation == "CreateCampaign"]
    assert [(c.account, c.status_code) for c in calls] == [
        (OTHER_ACCOUNT, 404),
        (OTHER_ACCOUNT, 200),
        (DEFAULT_ACCOUNT, 200),
    ]


def test_quota_is_per_account(campaigns_fake: CampaignsFake, make_client: ClientFactory) -> None:
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    campaigns_fake.quotas.campaigns_per_instance = 1
    home = make_client()
    other = make_client(access_key=OTHER_KEY)
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.add_instance(INSTANCE, account_id=OTHER_ACCOUNT)
    create(home)
    with raises(home, "ServiceQuotaExceededException", 402):
        create(home)
    assert create(other)["id"]
