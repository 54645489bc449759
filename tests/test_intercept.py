"""The interception layer, through real boto3/botocore clients.

Every test here runs under the autouse ``no_network`` socket guard of conftest.py. DNS lookups
do not go through ``socket.connect``, so the module also answers every lookup offline (with a
TEST-NET-1 address) and records it: a request that would leave the process gets as far as
``connect`` on every machine, whether or not it has a resolver, and is caught there.
"""

from __future__ import annotations

import functools
import json
import os
import random
import sys
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import boto3
import botocore.endpoint
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from botocore.hooks import HierarchicalEmitter
from botocore.retries.bucket import TokenBucket
from botocore.useragent import UserAgentString
from support import ACCESS_KEY, ACCOUNT, SECRET_KEY, Client, create, error_code, new_client

from pytest_campaigns_fake import (
    CampaignsFake,
    FakeBypassedWarning,
    current,
    mock_campaigns,
)
from pytest_campaigns_fake.interception import _intercept
from pytest_campaigns_fake.interception._intercept import handler_name

KEYS: dict[str, str] = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})
MAX_ATTEMPTS = {"legacy": 5, "standard": 3, "adaptive": 3}
RETRY_MODES = tuple(MAX_ATTEMPTS)

# Captured at import, before any test can have activated a fake.
ORIGINAL_EMIT = HierarchicalEmitter.__dict__["_emit"]
ORIGINAL_ACQUIRE = TokenBucket.__dict__["acquire"]


# -- fixtures ------------------------------------------------------------------------------


# Shared fixtures of conftest.py, for every test here.
pytestmark = pytest.mark.usefixtures("lookups", "fresh_default_session")


@pytest.fixture(autouse=True)
def no_fake_left_active() -> Iterator[None]:
    assert current() is None, "a fake leaked into this test"
    yield
    leaked = current()
    while current() is not None:
        current().stop()  # type: ignore[union-attr]
    assert leaked is None, f"{leaked!r} was left active"


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    with CampaignsFake(require_onboarding=False, campaigns_per_instance=10_000) as active:
        yield active


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``time.sleep`` botocore's endpoint asks for, recorded instead of slept."""
    asked: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", asked.append)
    return asked


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """No AWS configuration anywhere: no AWS_* variables, no config or credentials file."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    return aws_environment()


# -- helpers -------------------------------------------------------------------------------


def aws_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


def arn(region: str, account: str, campaign_id: str) -> str:
    return f"arn:aws:connect-campaigns:{region}:{account}:campaign/{campaign_id}"


def wrapped(cls: type, name: str, original: object) -> bool:
    """Whether ``cls.name`` is now a wrapper around ``original``."""
    now = cls.__dict__[name]
    return now is not original and getattr(now, "__wrapped__", None) is original


def expiration() -> datetime:
    return datetime.now(timezone.utc) + timedelta(minutes=5)


# -- every client is intercepted -------------------------------------------------------------


def _boto3_client(region: str, endpoint_url: str | None) -> Client:
    return boto3.client("connectcampaigns", region_name=region, endpoint_url=endpoint_url, **KEYS)


def _boto3_session_client(region: str, endpoint_url: str | None) -> Client:
    return boto3.Session(**KEYS).client(
        "connectcampaigns", region_name=region, endpoint_url=endpoint_url
    )


def _botocore_client(region: str, endpoint_url: str | None) -> Client:
    return botocore.session.get_session().create_client(
        "connectcampaigns", region_name=region, endpoint_url=endpoint_url, **KEYS
    )


MAKERS: dict[str, Callable[[str, str | None], Client]] = {
    "boto3.client": _boto3_client,
    "boto3.Session().client": _boto3_session_client,
    "botocore create_client": _botocore_client,
}


@pytest.mark.parametrize("endpoint_url", [None, "https://example.invalid", "http://10.9.8.7:1"])
@pytest.mark.parametrize("maker", list(MAKERS))
def test_client_made_any_way_is_answered_by_the_fake(
    fake: CampaignsFake,
    no_network: list[object],
    lookups: list[str],
    maker: str,
    endpoint_url: str | None,
) -> None:
    c = MAKERS[maker]("eu-west-2", endpoint_url)
    created = create(c, name="any-way")
    assert created["arn"] == arn("eu-west-2", ACCOUNT, created["id"])
    assert [campaign.id for campaign in fake.campaigns] == [created["id"]]
    call = fake.calls.assert_called_once("CreateCampaign", name="any-way")
    assert (call.region, call.account, call.status_code) == ("eu-west-2", ACCOUNT, 200)
    assert c.describe_campaign(id=created["id"])["campaign"]["name"] == "any-way"
    assert no_network == []
    assert lookups == []


def test_client_created_before_activation_is_answered(no_network: list[object]) -> None:
    early = new_client("ap-southeast-2")
    with CampaignsFake(require_onboarding=False) as active:
        created = create(early)
        assert created["arn"] == arn("ap-southeast-2", ACCOUNT, created["id"])
        active.calls.assert_called_once("CreateCampaign")
    assert no_network == []


def test_client_created_on_another_thread_is_answered(
    fake: CampaignsFake, no_network: list[object]
) -> None:
    made: list[Client] = []
    worker = threading.Thread(target=lambda: made.append(new_client()))
    worker.start()
    worker.join()
    created = create(made[0])
    assert fake.campaign(created["id"]).name == "campaign"
    assert no_network == []


def test_client_used_from_another_thread_is_answered(
    fake: CampaignsFake, no_network: list[object]
) -> None:
    c = new_client()
    answers: list[dict[str, Any]] = []
    failures: list[BaseException] = []

    def work() -> None:
        try:
            answers.append(create(c, name="from-thread"))
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert failures == []
    assert fake.campaign(answers[0]["id"]).name == "from-thread"
    assert fake.calls.last.operation == "CreateCampaign"
    assert no_network == []


def test_many_calls_never_touch_the_network(
    fake: CampaignsFake, no_network: list[object], lookups: list[str]
) -> None:
    clients = [new_client(region) for region in ("us-east-1", "us-west-2", "eu-west-2")]
    for i in range(60):
        c = clients[i % len(clients)]
        created = create(c, name=f"c{i}")
        c.start_campaign(id=created["id"])
        c.put_dial_request_batch(
            id=created["id"],
            dialRequests=[
                {
                    "clientToken": f"t{i}",
                    "phoneNumber": "+15550100",
                    "expirationTime": expiration(),
                    "attributes": {},
                }
            ],
        )
        with pytest.raises(c.exceptions.ResourceNotFoundException):
            c.describe_campaign(id=f"missing-{i}")
    for c in clients:
        c.list_campaigns()
    assert len(fake.calls) == 60 * 4 + 3
    assert len(fake.campaigns) == 60
    assert no_network == []
    assert lookups == []


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def test_a_before_send_handler_of_the_test_keeps_precedence(fake: CampaignsFake) -> None:
    c = new_client()
    canned = {"id": "canned", "arn": "arn:canned", "name": "canned", "connectInstanceId": "i"}

    def answer(request: Any, **_: Any) -> AWSResponse:
        body = json.dumps({"campaignSummaryList": [canned]}).encode()
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"}, _Raw(body))

    c.meta.events.register("before-send.connectcampaigns.ListCampaigns", answer)
    with pytest.warns(
        FakeBypassedWarning, match=r"answer .* answered connectcampaigns\.ListCampaigns"
    ) as caught:
        line = sys._getframe().f_lineno + 1
        assert c.list_campaigns()["campaignSummaryList"] == [canned]
    # Named as a reader finds it, and pointing at the test's own call.
    (warning,) = caught
    defined = answer.__code__.co_firstlineno
    assert str(warning.message).startswith(
        "test_intercept.test_a_before_send_handler_of_the_test_keeps_precedence.answer "
        f"({__file__}:{defined}) answered"
    )
    assert (warning.filename, warning.lineno) == (__file__, line)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per fake, not once per call
        assert c.list_campaigns()["campaignSummaryList"] == [canned]
    assert len(fake.calls) == 0
    assert new_client().list_campaigns()["campaignSummaryList"] == []
    assert len(fake.calls) == 1


class _Stubber:
    """A before-send handler that is an object, as moto's BotocoreStubber is."""

    def __call__(self, request: Any, **_: Any) -> None:
        return None


def _canned(body: bytes, request: Any, **_: Any) -> None:
    return None


def test_a_handler_is_named_as_a_reader_finds_it() -> None:
    where = f"({__file__}:"
    assert handler_name(_Stubber()) == "test_intercept._Stubber"
    assert handler_name(_Stubber().__call__).startswith(f"test_intercept._Stubber.__call__ {where}")
    partial = functools.partial(functools.partial(_canned, b"{}"))
    assert handler_name(partial).startswith(f"test_intercept._canned {where}")
    assert handler_name(print) == "builtins.print"


# -- deactivation restores botocore --------------------------------------------------------


def test_without_a_fake_a_call_goes_to_the_network(
    no_network: list[object], lookups: list[str]
) -> None:
    c = new_client(max_attempts=1)
    # NetworkAccessError is an AssertionError, in case botocore lets it through unwrapped.
    with pytest.raises((BotoCoreError, AssertionError)):
        c.list_campaigns()
    assert len(no_network) == 1
    assert lookups == ["connect-campaigns.us-east-1.amazonaws.com"]

    with CampaignsFake() as active:
        assert c.list_campaigns()["campaignSummaryList"] == []
        assert len(active.calls) == 1
    assert len(no_network) == 1

    with pytest.raises((BotoCoreError, AssertionError)):
        c.list_campaigns()
    assert len(no_network) == 2
    assert len(active.calls) == 1


def test_last_stop_restores_the_original_functions() -> None:
    assert not hasattr(ORIGINAL_EMIT, "__wrapped__")
    assert not hasattr(ORIGINAL_ACQUIRE, "__wrapped__")
    assert HierarchicalEmitter.__dict__["_emit"] is ORIGINAL_EMIT
    outer = CampaignsFake().start()
    inner = CampaignsFake().start()
    assert wrapped(HierarchicalEmitter, "_emit", ORIGINAL_EMIT)
    assert wrapped(TokenBucket, "acquire", ORIGINAL_ACQUIRE)
    outer.stop()  # out of order: the inner fake still answers, so the wrapper stays
    assert wrapped(HierarchicalEmitter, "_emit", ORIGINAL_EMIT)
    inner.stop()
    assert HierarchicalEmitter.__dict__["_emit"] is ORIGINAL_EMIT
    assert TokenBucket.__dict__["acquire"] is ORIGINAL_ACQUIRE
    # A second round installs and restores again.
    with CampaignsFake():
        assert HierarchicalEmitter.__dict__["_emit"] is not ORIGINAL_EMIT
    assert HierarchicalEmitter.__dict__["_emit"] is ORIGINAL_EMIT
    assert TokenBucket.__dict__["acquire"] is ORIGINAL_ACQUIRE


@pytest.mark.parametrize("service", ["sts", "s3"])
def test_other_services_are_not_answered(
    fake: CampaignsFake, no_network: list[object], lookups: list[str], service: str
) -> None:
    other = boto3.session.Session().client(
        service, region_name="us-east-1", config=ONE_ATTEMPT, **KEYS
    )
    with pytest.raises((BotoCoreError, AssertionError)):
        if service == "sts":
            other.get_caller_identity()
        else:
            other.list_buckets()
    assert len(no_network) == 1
    assert len(lookups) == 1
    assert service in lookups[0]
    assert len(fake.calls) == 0
    assert fake.retry_delays == []


def test_other_services_clients_run_botocores_own_user_agent_code() -> None:
    # The User-Agent memo is given to the fake's services' clients alone, object by object;
    # botocore's class, and an S3 client, keep botocore's own function while a fake is active.
    original = vars(UserAgentString)["to_string"]
    campaigns = new_client()  # made before the fake: memoized all the same
    s3 = boto3.session.Session().client("s3", region_name="us-east-1", **KEYS)
    agents: list[list[str]] = []

    def canned(request: Any, **_: Any) -> AWSResponse:
        agents.append(request.headers["User-Agent"].decode())
        body = b"<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>"
        return AWSResponse(request.url, 200, {"Content-Type": "application/xml"}, _Raw(body))

    s3.meta.events.register("before-send.s3", canned)
    with CampaignsFake(require_onboarding=False):
        for _ in range(3):
            campaigns.list_campaigns()
            s3.list_buckets()
        assert vars(UserAgentString)["to_string"] is original
        assert "to_string" not in vars(s3._user_agent_creator)
        assert s3._user_agent_creator.to_string.__func__ is original
        memo = vars(campaigns._user_agent_creator)["to_string"]
        assert memo.__wrapped__ is original
    assert "to_string" not in vars(campaigns._user_agent_creator)
    assert len(agents) == 3 and len(set(agents)) == 1


# -- credentials and region ----------------------------------------------------------------


def test_no_configuration_anywhere_gets_dummy_credentials_and_region(
    no_credentials: dict[str, str], no_network: list[object], lookups: list[str]
) -> None:
    before = no_credentials
    with CampaignsFake(require_onboarding=False) as active:
        c = boto3.client("connectcampaigns")
        created = create(c)
        assert c.meta.region_name == "us-east-1"
        assert created["arn"] == arn("us-east-1", ACCOUNT, created["id"])
        assert active.calls.last.region == "us-east-1"
    assert aws_environment() == before
    assert no_network == []
    assert lookups == []


def test_client_without_credentials_made_before_activation_is_signed_with_dummies(
    no_credentials: dict[str, str], monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    # Not credentials: without it, making the client would ask the instance metadata service.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    early = botocore.session.get_session().create_client(
        "connectcampaigns", region_name="eu-central-1"
    )
    with pytest.raises(NoCredentialsError):
        early.list_campaigns()
    with CampaignsFake(require_onboarding=False) as active:
        created = create(early)
        assert created["arn"] == arn("eu-central-1", ACCOUNT, created["id"])
        assert active.calls.last.region == "eu-central-1"
    with pytest.raises(NoCredentialsError):
        early.list_campaigns()
    assert no_network == []


def test_environment_credentials_give_way_to_dummies_inside_the_fake(
    no_credentials: dict[str, str], monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKING12345")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    before = aws_environment()
    early = boto3.client("connectcampaigns")  # made before activation: keeps its static keys
    with CampaignsFake(require_onboarding=False, region="eu-west-2") as active:
        active.register_account("AKIAREALLOOKING12345", "210987654321")
        assert aws_environment() != before
        inside = boto3.session.Session().client("connectcampaigns")
        assert inside._request_signer._credentials.access_key == _intercept.DUMMY_ACCESS_KEY
        assert inside.meta.region_name == "eu-west-2"
        created = create(inside)
        assert created["arn"] == arn("eu-west-2", ACCOUNT, created["id"])
        # Static keys sign as given and pick the account.
        created = create(early)
        assert created["arn"] == arn("ap-northeast-1", "210987654321", created["id"])
        assert (active.calls.last.region, active.calls.last.account) == (
            "ap-northeast-1",
            "210987654321",
        )
    assert aws_environment() == before
    assert no_network == []


def test_environment_credentials_are_left_alone_without_isolation(
    no_credentials: dict[str, str], monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKING12345")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    before = aws_environment()
    with CampaignsFake(require_onboarding=False, isolate_environment=False) as active:
        active.register_account("AKIAREALLOOKING12345", "210987654321")
        assert aws_environment() == before
        c = boto3.client("connectcampaigns")
        assert c._request_signer._credentials.access_key == "AKIAREALLOOKING12345"
        created = create(c)
        assert created["arn"] == arn("ap-northeast-1", "210987654321", created["id"])
    assert aws_environment() == before
    assert no_network == []


@pytest.mark.parametrize("isolate", [True, False])
def test_static_keys_of_a_credentials_file_sign_only_without_isolation(
    no_credentials: dict[str, str], no_network: list[object], isolate: bool
) -> None:
    Path(no_credentials["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[default]\n"
        "aws_access_key_id = AKIAFROMFILE00000001\n"
        "aws_secret_access_key = from-file-secret\n"
    )
    before = aws_environment()
    with CampaignsFake(require_onboarding=False, isolate_environment=isolate) as active:
        active.register_account("AKIAFROMFILE00000001", "333333333333")
        assert (aws_environment() == before) is not isolate
        created = create(boto3.client("connectcampaigns", region_name="ca-central-1"))
        account = ACCOUNT if isolate else "333333333333"
        assert created["arn"] == arn("ca-central-1", account, created["id"])
    assert aws_environment() == before
    assert no_network == []


# Profiles whose credentials botocore fetches when a request is signed: the SSO one needs a
# cached login (there is none: the SDK raises SSOTokenLoadError), the web identity one calls STS.
PROFILES = {
    "sso": (
        "sso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 210987654321\n"
        "sso_role_name = Developer\n"
    ),
    "web-identity": (
        "role_arn = arn:aws:iam::210987654321:role/ci\nweb_identity_token_file = {home}/token\n"
    ),
}


@pytest.mark.parametrize("profile", list(PROFILES))
def test_credentials_needing_a_fetch_are_not_fetched(
    no_credentials: dict[str, str],
    no_network: list[object],
    lookups: list[str],
    profile: str,
) -> None:
    home = Path(no_credentials["AWS_CONFIG_FILE"]).parent
    (home / "token").write_text("web-identity-token")
    settings = PROFILES[profile].format(home=home)
    Path(no_credentials["AWS_CONFIG_FILE"]).write_text(
        f"[profile {profile}]\n{settings}region = ca-central-1\n"
    )
    c = boto3.Session(profile_name=profile).client("connectcampaigns")
    with CampaignsFake(require_onboarding=False) as active:
        created = create(c)
        assert created["arn"] == arn("ca-central-1", ACCOUNT, created["id"])
        assert active.calls.last.region == "ca-central-1"
    assert no_network == []
    assert lookups == []


def test_region_comes_from_the_signing_scope(fake: CampaignsFake) -> None:
    # Same endpoint for both: only the SigV4 scope tells the regions apart.
    europe = new_client("eu-west-2", endpoint_url="https://example.invalid")
    virginia = new_client("us-east-1", endpoint_url="https://example.invalid")
    created = create(europe)
    assert created["arn"] == arn("eu-west-2", ACCOUNT, created["id"])
    assert fake.calls.last.region == "eu-west-2"
    with pytest.raises(virginia.exceptions.ResourceNotFoundException):
        virginia.describe_campaign(id=created["id"])
    assert virginia.list_campaigns()["campaignSummaryList"] == []
    assert europe.describe_campaign(id=created["id"])["campaign"]["arn"] == created["arn"]
    assert [c["id"] for c in europe.list_campaigns()["campaignSummaryList"]] == [created["id"]]


def test_account_comes_from_the_registered_access_key(fake: CampaignsFake) -> None:
    fake.register_account("AKIAACCOUNTA00000001", "111111111111")
    fake.register_account("AKIAACCOUNTB00000002", "222222222222")
    a = new_client(access_key="AKIAACCOUNTA00000001")
    b = new_client(access_key="AKIAACCOUNTB00000002")
    unknown = new_client(access_key="AKIAUNREGISTERED0003")
    in_a, in_b, in_default = create(a), create(b), create(unknown)
    assert in_a["arn"] == arn("us-east-1", "111111111111", in_a["id"])
    assert in_b["arn"] == arn("us-east-1", "222222222222", in_b["id"])
    assert in_default["arn"] == arn("us-east-1", ACCOUNT, in_default["id"])
    assert [call.account for call in fake.calls] == [
        "111111111111",
        "222222222222",
        ACCOUNT,
    ]
    with pytest.raises(b.exceptions.ResourceNotFoundException):
        b.describe_campaign(id=in_a["id"])
    with pytest.raises(b.exceptions.ResourceNotFoundException):
        b.list_tags_for_resource(arn=in_a["arn"])
    assert [c["id"] for c in a.list_campaigns()["campaignSummaryList"]] == [in_a["id"]]


# -- retries -------------------------------------------------------------------------------


@pytest.fixture
def condition_waits(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """Timeouts of Condition.wait on this thread: adaptive mode's token bucket blocks there."""
    waits: list[float | None] = []
    original = threading.Condition.wait
    me = threading.get_ident()

    def wait(self: threading.Condition, timeout: float | None = None) -> bool:
        if threading.get_ident() == me:
            waits.append(timeout)
        return original(self, timeout)

    monkeypatch.setattr(threading.Condition, "wait", wait)
    return waits


@pytest.mark.parametrize("mode", RETRY_MODES)
def test_throttled_twice_then_success_is_retried_without_sleeping(
    fake: CampaignsFake,
    sleeps: list[float],
    condition_waits: list[float | None],
    no_network: list[object],
    mode: str,
) -> None:
    c = new_client(retry_mode=mode)
    campaign = fake.add_campaign(connect_instance_id="instance-1")
    fake.throttle("DescribeCampaign", times=2)
    answer = c.describe_campaign(id=campaign.id)
    assert answer["campaign"]["id"] == campaign.id
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [call.attempt for call in fake.calls] == [1, 2, 3]
    assert [call.status_code for call in fake.calls] == [429, 429, 200]
    assert [call.error_code for call in fake.calls] == ["ThrottlingException"] * 2 + [None]
    delays = fake.retry_delays
    # Both modes' backoff: random() * 2 ** (attempt - 1) seconds, below the 20 s cap.
    assert len(delays) >= 2
    assert all(0 <= d < 20 for d in delays)
    if mode != "adaptive":
        assert len(delays) == 2
        assert delays[0] < 1 and delays[1] < 2
    # The endpoint sleeps once per retry, for 0 s; the token bucket never waits.
    assert sleeps == [0, 0]
    assert condition_waits == []
    assert no_network == []


@pytest.mark.parametrize("mode", RETRY_MODES)
def test_internal_server_error_is_retried(
    fake: CampaignsFake, sleeps: list[float], mode: str
) -> None:
    c = new_client(retry_mode=mode)
    campaign = fake.add_campaign(connect_instance_id="instance-1")
    fake.inject_error("GetCampaignState", "InternalServerException", times=2)
    answer = c.get_campaign_state(id=campaign.id)
    assert answer["state"] == "Initialized"
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(call.attempt, call.status_code) for call in fake.calls] == [
        (1, 500),
        (2, 500),
        (3, 200),
    ]
    assert [call.injected for call in fake.calls] == [True, True, False]
    assert len(fake.retry_delays) == 2
    assert sleeps == [0, 0]


@pytest.mark.parametrize("mode", RETRY_MODES)
def test_throttling_beyond_max_attempts_surfaces(
    fake: CampaignsFake, sleeps: list[float], condition_waits: list[float | None], mode: str
) -> None:
    c = new_client(retry_mode=mode)
    campaign = fake.add_campaign(connect_instance_id="instance-1")
    fake.throttle("DescribeCampaign", times=None)
    with pytest.raises(c.exceptions.ThrottlingException) as raised:
        c.describe_campaign(id=campaign.id)
    attempts = MAX_ATTEMPTS[mode]
    metadata = raised.value.response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 429
    assert metadata["RetryAttempts"] == attempts - 1
    assert [call.attempt for call in fake.calls] == list(range(1, attempts + 1))
    assert all(call.status_code == 429 for call in fake.calls)
    assert len(sleeps) == attempts - 1
    assert set(sleeps) == {0}
    assert condition_waits == []


def test_only_one_fake_records_retry_delays(sleeps: list[float]) -> None:
    with CampaignsFake(require_onboarding=False) as outer:
        with CampaignsFake(require_onboarding=False) as inner:
            campaign = inner.add_campaign(connect_instance_id="instance-1")
            inner.throttle("DescribeCampaign", times=1)
            new_client().describe_campaign(id=campaign.id)
        assert len(inner.retry_delays) == 1
        assert outer.retry_delays == []
        assert len(outer.calls) == 0
    assert sleeps == [0]


# -- thread safety -------------------------------------------------------------------------

THREADS = 8
OPERATIONS = 50


def test_threads_share_one_fake_without_losing_anything(
    fake: CampaignsFake, no_network: list[object]
) -> None:
    shared_client = new_client()
    shared = [create(shared_client, name=f"shared-{i}") for i in range(4)]
    for campaign in shared:
        shared_client.start_campaign(id=campaign["id"])
    setup_calls = len(fake.calls)
    barrier = threading.Barrier(THREADS)

    def work(n: int) -> dict[str, Any]:
        rng = random.Random(n)
        c = shared_client if n % 2 else new_client()
        done: dict[str, Any] = {
            "requests": 0,
            "created": [],
            "dialed": [],
            "tags": {},
            "unexpected": [],
        }
        barrier.wait()
        for i in range(OPERATIONS):
            target = rng.choice(shared)
            operation = rng.choice(("create", "state", "dial", "tag", "list"))
            try:
                if operation == "create":
                    done["requests"] += 1
                    done["created"].append(create(c, name=f"t{n}-{i}")["id"])
                elif operation == "state":
                    transition = rng.choice((c.start_campaign, c.pause_campaign, c.resume_campaign))
                    done["requests"] += 1
                    transition(id=target["id"])
                elif operation == "dial":
                    done["requests"] += 1
                    answer = c.put_dial_request_batch(
                        id=target["id"],
                        dialRequests=[
                            {
                                "clientToken": f"t{n}-{i}-{k}",
                                "phoneNumber": "+15550100",
                                "expirationTime": expiration(),
                                "attributes": {"thread": str(n)},
                            }
                            for k in range(3)
                        ],
                    )
                    assert answer["failedRequests"] == []
                    done["dialed"] += [r["id"] for r in answer["successfulRequests"]]
                elif operation == "tag":
                    done["requests"] += 1
                    c.tag_resource(arn=target["arn"], tags={f"thread-{n}": str(i)})
                    done["tags"][target["id"]] = str(i)
                else:
                    paginator = c.get_paginator("list_campaigns")
                    for page in paginator.paginate(PaginationConfig={"PageSize": 7}):
                        done["requests"] += 1
                        ids = [s["id"] for s in page["campaignSummaryList"]]
                        assert len(ids) == len(set(ids))
            except ClientError as error:
                if error_code(error) != "InvalidCampaignStateException":
                    done["unexpected"].append(repr(error))
            except Exception as error:  # anything else is a bug in the fake
                done["unexpected"].append(repr(error))
        return done

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))

    assert [r["unexpected"] for r in results] == [[]] * THREADS
    assert len(fake.calls) == setup_calls + sum(r["requests"] for r in results)
    created = [i for r in results for i in r["created"]]
    assert len(created) == len(set(created))
    assert {c.id for c in fake.campaigns} == {c["id"] for c in shared} | set(created)
    dialed = [i for r in results for i in r["dialed"]]
    stored = [d.id for campaign in shared for d in fake.dial_requests(campaign["id"])]
    assert sorted(stored) == sorted(dialed)
    assert len(stored) == len(set(stored))
    for campaign in shared:
        tags = shared_client.list_tags_for_resource(arn=campaign["arn"])["tags"]
        expected = {
            f"thread-{n}": r["tags"][campaign["id"]]
            for n, r in enumerate(results)
            if campaign["id"] in r["tags"]
        }
        assert tags == expected
    assert no_network == []
    # The mix did exercise every path.
    assert dialed and created and any(r["tags"] for r in results)


# -- nested activation ---------------------------------------------------------------------


def test_innermost_fake_answers_and_the_outer_one_resumes(no_network: list[object]) -> None:
    c = new_client()
    outer = CampaignsFake(require_onboarding=False).start()
    create(c, name="outer-1")
    inner = CampaignsFake(require_onboarding=False).start()
    assert current() is inner and inner.active and not outer.active
    create(c, name="inner-1")
    assert [x.name for x in inner.campaigns] == ["inner-1"]
    assert c.list_campaigns()["campaignSummaryList"][0]["name"] == "inner-1"
    inner.stop()
    assert current() is outer and outer.active and not inner.active
    create(c, name="outer-2")
    assert [x.name for x in outer.campaigns] == ["outer-1", "outer-2"]
    assert [x.name for x in inner.campaigns] == ["inner-1"]
    inner.stop()  # stopping an inactive fake is a no-op
    assert current() is outer
    assert len(c.list_campaigns()["campaignSummaryList"]) == 2
    outer.stop()
    outer.stop()
    assert current() is None
    assert HierarchicalEmitter.__dict__["_emit"] is ORIGINAL_EMIT
    assert [call.operation for call in outer.calls] == [
        "CreateCampaign",
        "CreateCampaign",
        "ListCampaigns",
    ]
    assert [call.operation for call in inner.calls] == ["CreateCampaign", "ListCampaigns"]
    assert no_network == []


def test_stopping_a_fake_that_never_started_is_a_no_op() -> None:
    CampaignsFake().stop()
    assert current() is None
    assert HierarchicalEmitter.__dict__["_emit"] is ORIGINAL_EMIT
    with CampaignsFake() as active:
        CampaignsFake().stop()
        assert current() is active
        assert wrapped(HierarchicalEmitter, "_emit", ORIGINAL_EMIT)


def test_starting_an_active_fake_twice_is_refused() -> None:
    with CampaignsFake() as active:
        with pytest.raises(RuntimeError, match="already active"):
            active.start()
        assert current() is active
    assert current() is None


def test_nested_mock_campaigns_blocks(no_network: list[object]) -> None:
    c = new_client()
    with mock_campaigns(require_onboarding=False) as outer:
        create(c, name="outer")
        with mock_campaigns(require_onboarding=False) as inner:
            assert c.list_campaigns()["campaignSummaryList"] == []
            create(c, name="inner")
        names = [s["name"] for s in c.list_campaigns()["campaignSummaryList"]]
        assert names == ["outer"]
    assert [x.name for x in inner.campaigns] == ["inner"]
    assert [x.name for x in outer.campaigns] == ["outer"]
    assert current() is None
    assert _intercept._saved_env == {}


def test_a_sync_client_resolves_no_name_while_a_fake_is_active(lookups: list[str]) -> None:
    # conftest refuses connections; name lookups, which come first, are recorded here.
    with CampaignsFake(require_onboarding=False) as fake:
        fake.add_campaign(connect_instance_id="inst-1")
        client = boto3.session.Session().client("connectcampaigns", region_name="us-east-1")
        assert len(client.list_campaigns()["campaignSummaryList"]) == 1
    assert lookups == []


def test_requests_the_fake_answers_skip_the_sigv4_hmac_and_user_handlers_still_run() -> None:
    seen: dict[str, Any] = {}

    def user_before_sign(request: Any, **_: Any) -> None:
        seen["before-sign"] = True

    def user_before_send(request: Any, **_: Any) -> None:
        seen["authorization"] = request.headers["Authorization"]

    with CampaignsFake() as fake:
        client = boto3.session.Session().client(
            "connectcampaigns",
            region_name="eu-west-2",
            aws_access_key_id="AKIASTATICKEY0000001",
            aws_secret_access_key="secret",
        )
        client.meta.events.register("before-sign.connectcampaigns", user_before_sign)
        client.meta.events.register("before-send.connectcampaigns", user_before_send)
        fake.register_account("AKIASTATICKEY0000001", "210987654321")
        client.list_campaigns()
    authorization = (
        seen["authorization"].decode()
        if isinstance(seen["authorization"], bytes)
        else seen["authorization"]
    )
    # The scope a signature would carry (access key, region), and no HMAC.
    assert "Credential=AKIASTATICKEY0000001/" in authorization
    assert "/eu-west-2/connect-campaigns/aws4_request" in authorization
    assert authorization.endswith("Signature=unsigned-pytest-campaigns-fake")
    assert seen["before-sign"] is True
    assert (fake.calls.last.account, fake.calls.last.region) == ("210987654321", "eu-west-2")


def test_presigned_urls_are_still_signed_while_a_fake_is_active() -> None:
    with CampaignsFake():
        client = boto3.session.Session().client(
            "connectcampaigns",
            region_name="us-east-1",
            aws_access_key_id="AKIASTATICKEY0000001",
            aws_secret_access_key="secret",
        )
        url = client.generate_presigned_url("describe_campaign", Params={"id": "c1"})
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Credential=AKIASTATICKEY0000001" in url
