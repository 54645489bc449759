"""The corners of botocore the fake relies on that are not its public API, checked one by one.

Every entry of ``_botocore.PRIVATE_CORNERS`` is checked here against the installed botocore: a
method still defined on its class with the parameters the fake uses, an attribute still set on
every instance, a behaviour still there. A botocore release that changes one fails the test
named after it, saying which attribute and why the fake needs it; a corner added to the list is
checked without a new test (a ``behaviour`` corner needs one, named in ``BEHAVIOUR_TESTS``).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import botocore
import botocore.config
import botocore.context
import botocore.session
import botocore.useragent
import pytest
from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.credentials import Credentials
from botocore.hooks import HierarchicalEmitter
from botocore.retries.bucket import TokenBucket

from pytest_campaigns_fake.botocore_corners import _botocore
from pytest_campaigns_fake.botocore_corners._botocore import PRIVATE_CORNERS, Corner

VERSION = botocore.__version__
ROOT = Path(__file__).resolve().parent.parent
CLIENT_KEY = "AKIACORNERSTEST00001"
DUMMY_KEY = "AKIACORNERSDUMMY0001"
SECRET = "corners-secret"


def changed(corner: Corner, what: str) -> str:
    return (
        f"{corner.path} {what} in botocore {VERSION}; pytest-campaigns-fake relies on it: "
        f"{corner.why}. Adapt pytest_campaigns_fake/botocore_corners/_botocore.py (or bound "
        "the supported botocore range in pyproject.toml)."
    )


def resolve(dotted: str) -> Any:
    """The module, class or function named ``dotted``; raises if any part of it is gone."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            found = getattr(found, name)
        return found
    raise ImportError(dotted)


# -- real clients, answered in-process -----------------------------------------------------------


class _Raw:
    """The ``raw`` of a canned AWSResponse: botocore reads its body through ``stream()``."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


@pytest.fixture
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials anywhere in botocore's chain: no variables, files or instance metadata."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def list_campaigns(
    credentials: Credentials | None, before_sign: Callable[..., None] | None = None
) -> dict[str, Any]:
    """One ListCampaigns call of a fresh client, answered by a canned before-send handler;
    returns what the handlers saw: the signer, the request's Authorization header."""
    seen: dict[str, Any] = {}
    keys = {}
    if credentials is not None:
        keys = {"aws_access_key_id": credentials.access_key, "aws_secret_access_key": SECRET}
    client = botocore.session.Session().create_client(
        "connectcampaigns", region_name="us-east-1", **keys
    )

    def sign(request_signer: Any, request: Any, **_: Any) -> None:
        seen["signer"] = request_signer
        if before_sign is not None:
            before_sign(request_signer, request)

    def send(request: Any, **_: Any) -> AWSResponse:
        seen["authorization"] = request.headers.get("Authorization", b"")
        body = json.dumps({"campaignSummaryList": []}).encode()
        headers = {"x-amzn-RequestId": "corners", "Content-Type": "application/json"}
        return AWSResponse(request.url, 200, headers, _Raw(body))

    client.meta.events.register("before-sign.connectcampaigns", sign)
    client.meta.events.register("before-send.connectcampaigns", send)
    assert client.list_campaigns()["campaignSummaryList"] == []
    return seen


class Stop(Exception):
    pass


class FrozenClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def current_time(self) -> float:
        return self.now

    def sleep(self, amount: float) -> None:  # pragma: no cover - never asked to
        raise AssertionError("the token bucket slept")


# -- instances for the `attribute` corners -------------------------------------------------------

INSTANCES: dict[str, Callable[[], Any]] = {
    "botocore.useragent.UserAgentString": lambda: (
        botocore.session.Session()
        .create_client(
            "connectcampaigns",
            region_name="us-east-1",
            aws_access_key_id=CLIENT_KEY,
            aws_secret_access_key=SECRET,
        )
        ._user_agent_creator
    ),
    "botocore.retries.bucket.TokenBucket": lambda: TokenBucket(max_rate=2, clock=FrozenClock()),
    "aiobotocore.retries.bucket.AsyncTokenBucket": lambda: resolve(
        "aiobotocore.retries.bucket.AsyncTokenBucket"
    )(max_rate=2, clock=FrozenClock()),
    "botocore.config.Config": lambda: (
        botocore.session.Session()
        .create_client(
            "connectcampaigns",
            region_name="us-east-1",
            aws_access_key_id=CLIENT_KEY,
            aws_secret_access_key=SECRET,
        )
        .meta.config
    ),
    "botocore.context.ClientContext": lambda: botocore.context.ClientContext(),
    "botocore.awsrequest.HeadersDict": lambda: AWSResponse("https://x", 200, {}, None).headers,
    "botocore.signers.RequestSigner": lambda: list_campaigns(Credentials(CLIENT_KEY, SECRET))[
        "signer"
    ],
    "botocore.model.Shape": lambda: (
        botocore.session.Session()
        .get_service_model("connectcampaigns")
        .operation_model("CreateCampaign")
        .input_shape
    ),
}


# -- every corner: still there, same parameters --------------------------------------------------


@pytest.mark.parametrize("corner", PRIVATE_CORNERS, ids=[c.path for c in PRIVATE_CORNERS])
def test_corner_is_still_there(corner: Corner) -> None:
    try:
        owner = resolve(corner.owner)
    except ImportError:
        if corner.optional:
            pytest.skip(f"{corner.owner.split('.')[0]} is not installed (an optional extra)")
        pytest.fail(changed(corner, f"is gone: {corner.owner} no longer exists"))
    except AttributeError:
        pytest.fail(changed(corner, f"is gone: {corner.owner} no longer exists"))
    if corner.kind == "method":
        # Defined on the class itself: wrapping replaces the class's own function.
        assert corner.name in vars(owner), changed(corner, f"is no longer defined on {owner}")
        method = vars(owner)[corner.name]
        assert callable(method), changed(corner, "is no longer a method")
        names = list(inspect.signature(method).parameters)[1:]  # after self
        assert names[: len(corner.parameters)] == list(corner.parameters), changed(
            corner, f"now takes ({', '.join(names)}), not ({', '.join(corner.parameters)}, ...)"
        )
    elif corner.kind == "attribute":
        assert corner.owner in INSTANCES, f"add a way to make a {corner.owner} to INSTANCES"
        instance = INSTANCES[corner.owner]()
        assert isinstance(instance, owner), f"INSTANCES made {instance!r}, not a {owner}"
        assert hasattr(instance, corner.name), changed(
            corner, f"is no longer set on {type(instance).__name__} instances"
        )
    elif corner.kind == "behaviour":
        test = BEHAVIOUR_TESTS.get(corner.path)
        assert test is not None and callable(globals().get(test)), (
            f"{corner.path}: name the test that checks this behaviour in BEHAVIOUR_TESTS"
        )
    else:
        pytest.fail(f"{corner.path}: unknown kind {corner.kind!r}")


def test_the_corners_are_the_ones_the_module_touches() -> None:
    # Every `_name` of a botocore object that _botocore.py reads is listed (and vice versa).
    source = inspect.getsource(_botocore)
    for corner in PRIVATE_CORNERS:
        if corner.kind != "behaviour":
            assert corner.name in source, f"{corner.path} is listed but no longer used"
    listed = {c.name for c in PRIVATE_CORNERS}
    for name in sorted(set(re.findall(r"\.(_[a-z]\w*)", source))):
        assert name in listed, f"_botocore.py touches .{name}: list it in PRIVATE_CORNERS"


# -- what each corner does, where the fake relies on more than its existence ---------------------

BEHAVIOUR_TESTS = {
    "botocore.awsrequest._HeaderKey": "test_an_answers_headers_are_a_headers_dict_like_any_other",
    "botocore.awsrequest.AWSResponse.raw.stream()": "test_a_response_body_is_read_from_raw",
    "botocore.loaders.Loader.load_data.partitions['partitions'][*]['outputs']"
    "[dnsSuffix|dualStackDnsSuffix]": "test_partitions_data_gives_the_aws_dns_suffixes",
    "botocore.useragent.UserAgentString.to_string.inputs": (
        "test_the_memoized_user_agent_is_the_one_botocore_builds"
    ),
    "botocore.client.BaseClient.request-created handlers": (
        "test_request_created_names_the_clients_own_user_agent_builder"
    ),
    "botocore.awsrequest.AWSRequest.context['signing']['region'|'signing_name']": (
        "test_the_signing_context_names_the_region_and_the_signing_name"
    ),
    "botocore.exceptions.ProfileNotFound.fmt": "test_profile_not_found_is_formatted_from_fmt",
    "aiobotocore.awsrequest.AioAWSResponse.(url, status_code, headers, raw) with raw.read() "
    "awaited": "test_an_async_answer_is_read_by_awaiting_raw",
}


def test_every_client_event_goes_through_the_wrapped_emit() -> None:
    original = vars(HierarchicalEmitter)["_emit"]
    seen: list[tuple[str, dict[str, Any], Any]] = []

    def wrapper(
        emit: Callable[..., Any],
        emitter: Any,
        event_name: str,
        event_kwargs: dict[str, Any],
        stop_on_response: bool,
    ) -> Any:
        responses = emit(emitter, event_name, event_kwargs, stop_on_response)
        seen.append((event_name, event_kwargs, responses))
        return responses

    _botocore.wrap_emitter(wrapper)
    try:
        assert vars(HierarchicalEmitter)["_emit"] is not original
        list_campaigns(Credentials(CLIENT_KEY, SECRET))
    finally:
        _botocore.unwrap_emitter()
    assert vars(HierarchicalEmitter)["_emit"] is original, "unwrap_emitter() did not restore _emit"
    by_event = {name.split(".")[0]: (kwargs, responses) for name, kwargs, responses in seen}
    for event in ("before-sign", "before-send", "needs-retry"):
        assert event in by_event, (
            f"a client's {event} event no longer goes through HierarchicalEmitter._emit in "
            f"botocore {VERSION}: the fake would never see it"
        )
    sign_kwargs, _ = by_event["before-sign"]
    assert {"request_signer", "request"} <= set(sign_kwargs), (
        f"before-sign no longer passes request_signer and request (botocore {VERSION})"
    )
    send_kwargs, send_responses = by_event["before-send"]
    assert "request" in send_kwargs
    # The wrapper reads _emit's answer as (handler, response) pairs, and appends its own.
    assert isinstance(send_responses, list) and all(
        isinstance(pair, tuple) and len(pair) == 2 for pair in send_responses
    ), f"HierarchicalEmitter._emit no longer returns (handler, response) pairs: {send_responses!r}"
    assert any(isinstance(response, AWSResponse) for _, response in send_responses)


def test_token_bucket_acquire_is_wrapped_and_restored() -> None:
    original = vars(TokenBucket)["acquire"]
    calls: list[Any] = []

    def wrapper(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
        calls.append(_botocore.token_bucket_amount(args, kwargs))
        return True

    _botocore.wrap_token_bucket_acquire(wrapper)
    try:
        bucket = TokenBucket(max_rate=2, clock=FrozenClock())
        assert bucket.acquire() is True
        assert bucket.acquire(3) is True
        assert bucket.acquire(amount=2) is True
    finally:
        _botocore.unwrap_token_bucket_acquire()
    assert vars(TokenBucket)["acquire"] is original
    assert calls == [1, 3, 2]


def test_token_bucket_take_waits_as_acquire_would_and_never_blocks() -> None:
    clock = FrozenClock()
    bucket = TokenBucket(max_rate=2, clock=clock)
    # An empty bucket filling at 2 tokens a second: acquire(1) would wait half a second.
    assert bucket.available_capacity == 0
    assert _botocore.token_bucket_take(bucket, 1) == pytest.approx(0.5)
    assert bucket.available_capacity == 0
    clock.now += 10  # refills to its capacity, 2
    assert _botocore.token_bucket_take(bucket, 1) is None
    assert bucket.available_capacity == pytest.approx(1)
    # botocore's own acquire agrees that one token is left, and then none.
    assert bucket.acquire(1, block=False) is True
    with pytest.raises(botocore.exceptions.CapacityNotAvailableError):
        bucket.acquire(1, block=False)


def test_signer_credentials_are_the_clients_own(no_ambient_credentials: None) -> None:
    signer = list_campaigns(Credentials(CLIENT_KEY, SECRET))["signer"]
    credentials = _botocore.signer_credentials(signer)
    assert credentials is not None and credentials.access_key == CLIENT_KEY, (
        f"RequestSigner._credentials no longer holds the client's credentials in botocore "
        f"{VERSION}: {credentials!r}"
    )
    # Without credentials: read at before-sign, then stop before botocore refuses to sign.
    found: list[Any] = []

    def read_and_stop(signer: Any, request: Any) -> None:
        found.append(_botocore.signer_credentials(signer))
        raise Stop

    with pytest.raises(Stop):
        list_campaigns(None, read_and_stop)
    assert found == [None], (
        f"RequestSigner._credentials of a client without credentials is {found[0]!r}, not None, "
        f"in botocore {VERSION}"
    )


def test_shapes_of_one_model_share_an_identity_and_another_model_has_its_own() -> None:
    session = botocore.session.Session()
    model = session.get_service_model("connectcampaigns")
    create = model.operation_model("CreateCampaign").input_shape
    nested = create.members["dialerConfig"]
    again = botocore.session.Session().get_service_model("connectcampaigns")
    identity = _botocore.shape_model_identity
    assert identity(create) == identity(nested) == identity(model.shape_for("Campaign")), (
        f"shapes of one ServiceModel no longer share Shape._shape_resolver in botocore {VERSION}"
    )
    assert identity(again.shape_for("Campaign")) != identity(create), (
        f"two ServiceModels share a Shape._shape_resolver in botocore {VERSION}"
    )


def user_agents(config: botocore.config.Config, memoize: list[Any] | None = None) -> list[str]:
    """The User-Agent headers of three calls of one client: plain, paginated (a feature of
    the call), plain again; each with its feature ids sorted (a set's order is arbitrary).
    With ``memoize``, the client's UserAgentString is memoized first, and added to it."""
    client = botocore.session.Session().create_client(
        "connectcampaigns",
        region_name="us-east-1",
        aws_access_key_id=CLIENT_KEY,
        aws_secret_access_key=SECRET,
        config=config,
    )
    if memoize is not None:
        _botocore.memoize_user_agent(client._user_agent_creator)
        memoize.append(client._user_agent_creator)
    seen: list[str] = []

    def send(request: Any, **_: Any) -> AWSResponse:
        words = request.headers["User-Agent"].decode().split(" ")
        seen.append(
            " ".join(
                "m/" + ",".join(sorted(word[2:].split(","))) if word.startswith("m/") else word
                for word in words
            )
        )
        body = json.dumps({"campaignSummaryList": []}).encode()
        return AWSResponse(request.url, 200, {"x-amzn-RequestId": "ua"}, _Raw(body))

    client.meta.events.register("before-send.connectcampaigns", send)
    client.list_campaigns()
    list(client.get_paginator("list_campaigns").paginate())
    client.list_campaigns()
    return seen


USER_AGENT_CONFIGS = {
    "default": botocore.config.Config(),
    "extra and app id": botocore.config.Config(user_agent_extra="extra/1", user_agent_appid="app"),
    "standard retries": botocore.config.Config(retries={"mode": "standard"}),
    "adaptive retries": botocore.config.Config(retries={"mode": "adaptive"}),
    "own user agent": botocore.config.Config(user_agent="mine/2.0"),
}


@pytest.mark.parametrize("config", USER_AGENT_CONFIGS.values(), ids=USER_AGENT_CONFIGS)
def test_the_memoized_user_agent_is_the_one_botocore_builds(
    config: botocore.config.Config,
) -> None:
    original = vars(botocore.useragent.UserAgentString)["to_string"]
    built = user_agents(config)
    memoized: list[Any] = []
    try:
        first = user_agents(config, memoize=memoized)
        again = user_agents(config, memoize=memoized)
        assert first == again
        # The clients' own objects, not the class.
        assert vars(botocore.useragent.UserAgentString)["to_string"] is original
        assert all("to_string" in vars(agent) for agent in memoized)
    finally:
        _botocore.unmemoize_user_agents()
    assert all("to_string" not in vars(agent) for agent in memoized)
    assert memoized and built
    strings = user_agents(config)
    assert strings == built
    assert user_agents(config, memoize=[]) == again == built, (
        f"botocore {VERSION}'s User-Agent depends on more than the client's config and "
        "features and the call's features: the memo (memoize_user_agent) gave another string"
    )
    _botocore.unmemoize_user_agents()
    if "mine/2.0" not in built[0]:
        # A paginated call lists a feature the plain ones do not: the memo told them apart.
        assert built[1] != built[0] == built[2]


def test_request_created_names_the_clients_own_user_agent_builder() -> None:
    client = botocore.session.Session().create_client(
        "connectcampaigns",
        region_name="us-east-1",
        aws_access_key_id=CLIENT_KEY,
        aws_secret_access_key=SECRET,
    )
    seen: list[Any] = []

    def stop(request: Any, **_: Any) -> None:
        raise Stop

    def record(**kwargs: Any) -> None:
        seen.append(kwargs)

    original = vars(HierarchicalEmitter)["_emit"]

    def wrapper(emit: Any, emitter: Any, name: str, kwargs: Any, stop_on: bool) -> Any:
        responses = emit(emitter, name, kwargs, stop_on)
        seen.append((name, responses))
        return responses

    client.meta.events.register("before-send.connectcampaigns", stop)
    _botocore.wrap_emitter(wrapper, ("request-created.connectcampaigns.",))
    try:
        with pytest.raises(Stop):
            client.list_campaigns()
    finally:
        _botocore.unwrap_emitter()
    assert vars(HierarchicalEmitter)["_emit"] is original
    handlers = [handler for _, responses in seen for handler, _ in responses]
    agent = client._user_agent_creator
    assert any(
        getattr(h, "__self__", None) is agent
        and getattr(h, "__func__", None)
        is vars(botocore.useragent.UserAgentString)["rebuild_and_replace_user_agent_handler"]
        for h in handlers
    ), (
        f"botocore {VERSION}: request-created no longer runs the client's own "
        f"UserAgentString.rebuild_and_replace_user_agent_handler: {handlers!r}"
    )
    try:
        _botocore.memoize_user_agents_of([(h, None) for h in handlers])
        assert "to_string" in vars(agent)
    finally:
        _botocore.unmemoize_user_agents()
    assert "to_string" not in vars(agent)


def test_the_signing_context_names_the_region_and_the_signing_name() -> None:
    # Where a service's endpoint rules name a signing scope (S3's do; connectcampaigns' name
    # none today, and the before-sign event's region_name and signing_name stand in), botocore
    # puts it in the request's context under "signing", and signs with it.
    found: list[Any] = []

    def read_and_stop(request: Any, **_: Any) -> None:
        found.append(_botocore.signing_scope(request))
        raise Stop

    for service, region in (("s3", "eu-west-2"), ("connectcampaigns", "eu-west-2")):
        client = botocore.session.Session().create_client(
            service,
            region_name=region,
            aws_access_key_id=CLIENT_KEY,
            aws_secret_access_key=SECRET,
        )
        client.meta.events.register(f"before-sign.{service}", read_and_stop)
        with pytest.raises(Stop):
            if service == "s3":
                client.list_objects_v2(Bucket="corners")
            else:
                client.list_campaigns()
    assert found[0] == ("eu-west-2", "s3"), (
        f"botocore {VERSION}: a request's context no longer holds signing.region and "
        f"signing.signing_name at before-sign: {found!r}"
    )
    assert found[1] in {(None, None), ("eu-west-2", "connect-campaigns")}


def test_profile_not_found_is_formatted_from_fmt(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ProfileNotFound

    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    original = vars(ProfileNotFound)["fmt"]
    _botocore.explain_profile_not_found("hidden: {profile}")
    try:
        with pytest.raises(ProfileNotFound) as caught:
            botocore.session.Session(profile="nowhere").get_scoped_config()
    finally:
        _botocore.unexplain_profile_not_found()
    assert str(caught.value) == "hidden: nowhere", (
        f"botocore {VERSION}: ProfileNotFound's message no longer comes from its fmt with "
        f"profile=...: {caught.value}"
    )
    assert vars(ProfileNotFound)["fmt"] is original


def test_an_async_answer_is_read_by_awaiting_raw() -> None:
    pytest.importorskip("aiobotocore")
    import asyncio

    from pytest_campaigns_fake.botocore_corners._aiobotocore import aio_http_response
    from pytest_campaigns_fake.botocore_corners._botocore import http_response

    answer = aio_http_response(http_response("https://x", 200, {"A": "b"}, b'{"a":1}'))

    async def read() -> Any:
        return await answer.content

    assert asyncio.run(read()) == b'{"a":1}', (
        f"aiobotocore: AioAWSResponse.content no longer awaits raw.read(): {answer!r}"
    )
    assert (answer.status_code, answer.headers["a"]) == (200, "b")


def test_partitions_data_gives_the_aws_dns_suffixes() -> None:
    suffixes = _botocore.aws_dns_suffixes()
    assert {"amazonaws.com", "amazonaws.com.cn", "api.aws"} <= suffixes, (
        f"botocore {VERSION}'s partitions data no longer lists the AWS DNS suffixes under "
        f"partitions[*].outputs.dnsSuffix/dualStackDnsSuffix: {sorted(suffixes)}"
    )


# -- the supported range -------------------------------------------------------------------------


def test_ci_tests_the_floor_that_pyproject_declares() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    floor = re.search(r'"botocore>=([0-9.]+)', pyproject)
    assert floor is not None, "pyproject.toml declares no botocore floor"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^OLDEST_(BOTOCORE|BOTO3)=(\S+)$", ci, re.MULTILINE))
    assert pinned.get("BOTOCORE") == floor.group(1), (
        f".ci/run tests botocore {pinned.get('BOTOCORE')}, pyproject.toml declares "
        f">={floor.group(1)}: keep them equal"
    )
    # boto3 and botocore share their version numbers since 1.34.
    assert pinned.get("BOTO3") == floor.group(1), f".ci/run pins boto3 {pinned.get('BOTO3')}"


def test_an_answers_headers_are_a_headers_dict_like_any_other() -> None:
    from pytest_campaigns_fake.botocore_corners._botocore import http_response

    assert _botocore._HEADER_KEY is not None, (
        f"botocore.awsrequest._HeaderKey is gone in botocore {VERSION}: answers take the slower "
        "public path (http_response)"
    )
    sent = {"x-amzn-RequestId": "r", "Content-Type": "application/json", "Content-Length": "2"}
    sent_lower = {"x-amzn-requestid": "r", "Content-Type": "application/json"}
    for _ in range(2):  # the second answer reuses the keys the first one made
        headers = http_response("https://x", 200, sent, b"{}").headers
        built = HeadersDict(sent)
        assert type(headers) is HeadersDict
        assert list(headers.items()) == list(built.items()) == list(sent.items()), (
            f"botocore {VERSION}: a HeadersDict filled with _HeaderKey keys no longer iterates "
            "as one filled through __setitem__"
        )
        assert headers["X-AMZN-REQUESTID"] == headers.get("x-amzn-requestid") == "r"
        # What the fake reads of a request's headers, as get() reads them.
        for name in ("x-amzn-requestid", "Content-Type", "Authorization"):
            assert _botocore.header(headers, name) == built.get(name) == sent_lower.get(name)
        assert "content-type" in headers and len(headers) == len(built) == 3
        assert repr(headers) == repr(built)
        assert dict(headers.copy()) == dict(built.copy())
        headers["content-length"] = "3"
        del headers["CONTENT-TYPE"]
        assert dict(headers) == {"x-amzn-RequestId": "r", "Content-Length": "3"}
    assert sent == {
        "x-amzn-RequestId": "r",
        "Content-Type": "application/json",
        "Content-Length": "2",
    }


def test_a_response_body_is_read_from_raw() -> None:
    from pytest_campaigns_fake.botocore_corners._botocore import http_response

    response = http_response("https://x", 200, {"Content-Length": "7"}, b'{"a":1}')
    assert response.content == b'{"a":1}', (
        f"botocore {VERSION}: AWSResponse.content no longer reads raw.stream()"
    )
    assert response.status_code == 200
