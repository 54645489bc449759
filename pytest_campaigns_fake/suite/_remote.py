"""``campaigns_fake`` where no fake runs in this process (``--campaigns-target=URL|aws``).

Against this project's own server, ``RemoteFake`` drives the server through its control plane
(``/_fake/``): seeding, faults, the clock and the journal, as in process. Each test acts in an
account of its own (a fresh access key the server maps to a fresh account), so tests sharing one
server, pytest-xdist's workers included, never see one another's state, calls or faults.

Where no fake answers (AWS, or an endpoint that is not this project's server), ``FakeOnly``
stands in: reading a control skips the test with a reason that names the control.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any, NoReturn

import pytest

from .._fake import SERVICES, CampaignsFake
from ..engine._call import Call, Summary
from ..engine._clock import Clock
from ..engine._engine import summary_of
from ..engine._errors import FakeUsageError
from ..engine._journal import Calls
from ..engine._model import load
from ..engine._wire import parse_timestamp, shaped
from ..services.campaigns._records import V2, DialRequest
from ..services.connectcampaigns._description import DESCRIPTION as V1_DESCRIPTION
from ..services.connectcampaignsv2._controls import CampaignsV2
from ..services.connectcampaignsv2._description import DESCRIPTION as V2_DESCRIPTION

#: Header of the control token (the server's ``TOKEN_HEADER``; named here, not imported, so
#: that the server's HTTP extra is not needed to reach a server).
TOKEN_HEADER = "X-Fake-Control-Token"
#: Where the run finds a server's control token (a server bound off loopback has one).
TOKEN_VARIABLE = "PYTEST_CAMPAIGNS_FAKE_CONTROL_TOKEN"
_PREFIX = "/_fake/"


class ControlPlane:
    """JSON requests to a server's control plane."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    @classmethod
    def of(cls, url: str) -> ControlPlane:
        """The control plane of the server at ``url``, with the token the environment holds."""
        return cls(url, os.environ.get(TOKEN_VARIABLE) or None)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The answer of ``method /_fake/path``; the fake's refusal raised as in process
        (ValueError, TypeError, KeyError), anything else as FakeUsageError."""
        __tracebackhide__ = True
        data = json.dumps(body or {}).encode()
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers[TOKEN_HEADER] = self.token
        request = urllib.request.Request(
            f"{self.url}{_PREFIX}{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            status, refused = error.code, _error_text(error)
        _raise(method, path, status, refused)

    def probe(self) -> str | None:
        """None when this is this project's server (``GET /_fake/health`` answers ``ok``);
        otherwise what answered instead. OSError when nothing answers."""
        request = urllib.request.Request(f"{self.url}{_PREFIX}health", method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                body = answer.read()
        except urllib.error.HTTPError as error:
            return f"GET {_PREFIX}health answered {error.code}"
        try:
            ok = json.loads(body).get("ok") is True
        except (ValueError, AttributeError):
            ok = False
        return None if ok else f"GET {_PREFIX}health did not answer {{'ok': true}}"


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read()).get("error"))
    except (ValueError, AttributeError, OSError):
        return str(error)


# What a 400 of the control plane says the fake raised ("TypeError: ..."), raised again here.
_RAISED: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "TypeError": TypeError,
    "KeyError": KeyError,
    "AssertionError": AssertionError,
}


def _raise(method: str, path: str, status: int, message: str) -> NoReturn:
    __tracebackhide__ = True
    kind, _, rest = message.partition(": ")
    if status == 400 and kind in _RAISED:
        raise _RAISED[kind](rest)
    if status == 400:
        raise ValueError(message)
    raise FakeUsageError(f"the server refused {method} {_PREFIX}{path} ({status}): {message}")


def skip(reason: str) -> NoReturn:
    """Skip the running test, reported at the test (not at this module's line)."""
    __tracebackhide__ = True
    raise pytest.skip.Exception(reason, _use_item_location=True)


def new_identity() -> tuple[str, str]:
    """A fresh access key and the 12-digit account it acts in, for one test on a shared server:
    random, as pytest-xdist's workers cannot agree on a counter."""
    key = "AKIATARGET" + secrets.token_hex(5).upper()
    account = str(100_000_000_000 + secrets.randbelow(800_000_000_000))
    return key, account


@dataclasses.dataclass(frozen=True)
class RemoteInstance:
    """A seeded instance as the server answered it (what ``add_instance`` returns)."""

    connect_instance_id: str
    status: str | None
    failure_code: str | None
    answer: dict[str, Any]

    def job(self) -> dict[str, Any] | None:
        """The onboarding job as GetInstanceOnboardingJobStatus answers it."""
        job: dict[str, Any] | None = self.answer.get("job")
        return job

    def config(self) -> dict[str, Any] | None:
        """The instance config as GetConnectInstanceConfig answers it."""
        config: dict[str, Any] | None = self.answer.get("config")
        return config


@dataclasses.dataclass(frozen=True)
class RemoteCampaign:
    """A seeded campaign as the server answered it (what ``add_campaign`` returns)."""

    id: str
    arn: str
    name: str
    connect_instance_id: str
    state: str
    description: dict[str, Any]

    def describe(self) -> dict[str, Any]:
        """The campaign as DescribeCampaign answers it."""
        return dict(self.description)


@dataclasses.dataclass(frozen=True)
class RemoteFault:
    """A fault set up on the server: ``describe()`` is its line in reports."""

    description: str

    def describe(self) -> str:
        return self.description


class RemoteClock:
    """The server's clock: shared by every test of the server (see docs/targets.md)."""

    def __init__(self, plane: ControlPlane) -> None:
        self._plane = plane

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or not hasattr(Clock, name):
            raise AttributeError(f"campaigns_fake.clock has no attribute {name!r}")
        skip(
            f"campaigns_fake.clock.{name} is not available over the control plane (the server's "
            f"clock is shared by every test using it): skipped against {self._plane.url}"
        )

    def now(self) -> datetime:
        return _instant(self._plane.request("GET", "clock")["now"])

    def advance(self, seconds: float) -> datetime:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"seconds must be a number over a server target, not {seconds!r}")
        return _instant(self._plane.request("POST", "clock/advance", {"seconds": seconds})["now"])


def _instant(value: Any) -> datetime:
    instant = parse_timestamp(value)
    if instant is None:
        raise FakeUsageError(f"the server's clock answered {value!r}, not an instant")
    return instant


def _campaign(answer: dict[str, Any]) -> RemoteCampaign:
    described = answer["campaign"]
    return RemoteCampaign(
        described["id"],
        described["arn"],
        described["name"],
        described["connectInstanceId"],
        answer["state"],
        described,
    )


def _given(**values: Any) -> dict[str, Any]:
    """The members given (None: not given, the fake's default)."""
    return {name: value for name, value in values.items() if value is not None}


def _mapping(control: str, value: Any, where: str) -> Any:
    """``value``, a match to send; a callable cannot be sent: the test is skipped."""
    if value is not None and callable(value):
        skip(
            f"{control}(match=<a callable>) is not available over the control plane (a function "
            f"cannot be sent to the server; a mapping of members can): skipped against {where}"
        )
    return value


class _Controls:
    """What v1's and v2's controls share: faults scoped to the test's account."""

    _api = "v1"
    _prefix = "campaigns_fake"
    _of: type = CampaignsFake

    def __init__(self, plane: ControlPlane, account_id: str, region: str, where: str) -> None:
        self._plane = plane
        self._account = account_id
        self._region = region
        self._where = where

    def _post(self, path: str, **members: Any) -> Any:
        __tracebackhide__ = True
        return self._plane.request("POST", path, {"api": self._api, **members})

    def inject_error(
        self,
        operation: str | None,
        code: str,
        *,
        times: int | None = 1,
        message: str | None = None,
        match: Any = None,
        members: Any = None,
    ) -> RemoteFault:
        """As in process; ``match`` must be a mapping (a callable cannot be sent)."""
        __tracebackhide__ = True
        body = _given(operation=operation, message=message, members=members)
        body.update(code=code, times=times, accountId=self._account)
        if match is not None:
            body["match"] = _mapping(f"{self._prefix}.inject_error", match, self._where)
        return RemoteFault(self._post("faults/errors", **body)["fault"])

    def throttle(
        self, operation: str | None = None, *, times: int | None = 1, rate: Any = None
    ) -> RemoteFault:
        """ThrottlingException for the next ``times`` requests of this test. A rate limit
        (``rate=``) would throttle every test sharing the server: refused."""
        __tracebackhide__ = True
        if rate is not None:
            raise FakeUsageError(
                f"{self._prefix}.throttle(rate=...) would throttle every test sharing the server "
                f"at {self._where}: use times=, or run this test in process"
            )
        body = _given(operation=operation)
        return RemoteFault(
            self._post("faults/throttle", times=times, accountId=self._account, **body)["fault"]
        )

    def _fail_items(
        self, operation: str, code: str, times: int | None, match: dict[str, Any] | None
    ) -> RemoteFault:
        __tracebackhide__ = True
        body: dict[str, Any] = {
            "operation": operation,
            "code": code,
            "times": times,
            "accountId": self._account,
        }
        if match:
            body["match"] = match
        return RemoteFault(self._post("faults/items", **body)["fault"])

    def set_campaign_state(self, campaign_id: str, state: str) -> str:
        """Put a campaign in any state at once; the state set."""
        __tracebackhide__ = True
        path = f"campaigns/{_segment(campaign_id)}/state"
        answer = self._post(path, state=state)
        return str(answer["state"])

    @property
    def calls(self) -> Calls:
        """This test's calls (those that acted in its account), as in process."""
        services = (V2,) if self._api == "v2" else SERVICES
        answer = self._plane.request("GET", "calls", {"accountId": self._account})
        calls = [_call(entry) for entry in answer["calls"] if entry["service"] in services]
        return Calls(calls, services)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or not hasattr(self._of, name):
            raise AttributeError(f"{self._prefix} has no attribute {name!r}")
        skip(
            f"{self._prefix}.{name} is not available over the control plane: skipped against "
            f"{self._where}"
        )


class RemoteV2(_Controls):
    """``campaigns_fake.v2`` against this project's server."""

    _api = "v2"
    _prefix = "campaigns_fake.v2"
    _of = CampaignsV2

    def add_campaign(self, **arguments: Any) -> RemoteCampaign:
        """As in process (keyword arguments, in snake_case), in this test's account."""
        __tracebackhide__ = True
        members = {_camel(name): value for name, value in arguments.items()}
        members.setdefault("region", self._region)
        return _campaign(self._post("campaigns", accountId=self._account, **members))


class RemoteFake(_Controls):
    """``campaigns_fake`` against this project's server, in an account of this test's own."""

    def __init__(
        self, plane: ControlPlane, access_key: str, account_id: str, region: str, strict: bool
    ) -> None:
        super().__init__(plane, account_id, region, plane.url)
        #: The access key this test's clients sign with: it acts in ``account_id``.
        self.access_key_id = access_key
        self.strict = strict
        self.url = plane.url
        self.clock = RemoteClock(plane)
        self.v2 = RemoteV2(plane, account_id, region, plane.url)

    def __repr__(self) -> str:
        return f"<RemoteFake {self.url} account={self._account}>"

    @property
    def account_id(self) -> str:
        """The account this test acts in (its own)."""
        return self._account

    @property
    def region(self) -> str:
        return self._region

    def add_instance(
        self,
        connect_instance_id: str,
        *,
        status: str = "SUCCEEDED",
        failure_code: str | None = None,
        encryption_config: dict[str, Any] | None = None,
        region: str | None = None,
    ) -> RemoteInstance:
        """As in process, in this test's account."""
        __tracebackhide__ = True
        body = _given(failureCode=failure_code, encryptionConfig=encryption_config)
        body.update(
            connectInstanceId=connect_instance_id,
            status=status,
            region=region or self._region,
            accountId=self._account,
        )
        answer = self._plane.request("POST", "instances", body)
        return _instance(connect_instance_id, answer)

    def add_campaign(
        self,
        *,
        connect_instance_id: str,
        name: str = "campaign",
        state: str = "Initialized",
        dialer_config: dict[str, Any] | None = None,
        outbound_call_config: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
        region: str | None = None,
    ) -> RemoteCampaign:
        """As in process, in this test's account."""
        __tracebackhide__ = True
        body = _given(
            dialerConfig=dialer_config, outboundCallConfig=outbound_call_config, tags=tags
        )
        answer = self._post(
            "campaigns",
            connectInstanceId=connect_instance_id,
            name=name,
            state=state,
            region=region or self._region,
            accountId=self._account,
            **body,
        )
        return _campaign(answer)

    def advance_onboarding(
        self,
        connect_instance_id: str,
        status: str = "SUCCEEDED",
        failure_code: str | None = None,
        *,
        region: str | None = None,
    ) -> RemoteInstance:
        """As in process, in this test's account."""
        __tracebackhide__ = True
        path = f"instances/{_segment(connect_instance_id)}/onboarding"
        body = _given(failureCode=failure_code)
        answer = self._plane.request(
            "POST",
            path,
            {"status": status, "region": region or self._region, "accountId": self._account} | body,
        )
        return _instance(connect_instance_id, answer)

    def fail_dial_requests(
        self,
        code: str,
        *,
        phone_number: str | None = None,
        client_token: str | None = None,
        campaign_id: str | None = None,
        times: int | None = None,
    ) -> RemoteFault:
        """Fail matching PutDialRequestBatch items of this test with ``code``."""
        __tracebackhide__ = True
        match = _given(phoneNumber=phone_number, clientToken=client_token, campaignId=campaign_id)
        return self._fail_items("PutDialRequestBatch", code, times, match)

    def fail_campaign_state(
        self, campaign_id: str, code: str = "UnknownError", *, times: int | None = None
    ) -> RemoteFault:
        """Report ``campaign_id`` under failedRequests of GetCampaignStateBatch with ``code``."""
        __tracebackhide__ = True
        return self._fail_items("GetCampaignStateBatch", code, times, {"campaignId": campaign_id})

    def dial_requests(self, campaign_id: str) -> list[DialRequest]:
        """The dial requests a campaign accepted, in order, as in process."""
        __tracebackhide__ = True
        answer = self._plane.request("GET", f"campaigns/{_segment(campaign_id)}/requests")
        return [
            DialRequest(
                id=item["id"],
                client_token=item["clientToken"],
                phone_number=item["phoneNumber"],
                expiration_time=_instant(item["expirationTime"]),
                attributes=item["attributes"],
                accepted_at=_instant(item["acceptedAt"]),
            )
            for item in answer.get("dialRequests", [])
        ]

    @property
    def unused_faults(self) -> list[RemoteFault]:
        """This test's faults that never fired."""
        answer = self._plane.request("GET", "faults/unused", {"accountId": self._account})
        return [RemoteFault(line) for line in answer["unused"]]

    def verify(self) -> None:
        """FakeUsageError naming every fault of this test that never fired."""
        __tracebackhide__ = True
        unused = self.unused_faults
        if unused:
            lines = "\n".join(f"  - {fault.describe()}" for fault in unused)
            raise FakeUsageError(
                f"{len(unused)} fault(s) set up on the server at {self.url} never fired:\n"
                f"{lines}\n(pass strict=False to allow this)"
            )

    def forget_faults(self) -> None:
        """Remove this test's faults from the server (at the end of the test)."""
        self._plane.request("DELETE", "faults", {"accountId": self._account})


def _instance(connect_instance_id: str, answer: dict[str, Any]) -> RemoteInstance:
    job = answer.get("job") or {}
    return RemoteInstance(connect_instance_id, job.get("status"), job.get("failureCode"), answer)


def _segment(value: Any) -> str:
    if not isinstance(value, str) or not value or "/" in value:
        raise ValueError(f"{value!r} is not an id")
    return urllib.parse.quote(value, safe="")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _call(entry: dict[str, Any]) -> Call:
    """A journal entry of the control plane's JSON, as the engine's ``Call``: the journal's
    filters and assertions then work as in process."""
    service = entry["service"]
    operation = entry["operation"]
    params = entry["params"]
    model = load(service)
    if operation in model.operations:
        # Timestamps back to datetimes, as in process (a request that failed validation keeps
        # its params as decoded).
        with contextlib.suppress(TypeError, ValueError):
            params = shaped(model.operations[operation].input_shape, params)
    response = entry.get("response")
    return Call(
        operation=operation,
        params=params,
        status_code=entry["statusCode"],
        error_code=entry["errorCode"],
        error_message=entry["errorMessage"],
        attempt=entry["attempt"],
        region=entry["region"],
        account=entry["account"],
        request_id=entry["requestId"],
        body=None if response is None else json.dumps(response).encode(),
        injected=entry["injected"],
        injected_items=tuple(entry.get("injectedItems") or ()),
        service=service,
        summary=_summaries()[service],
    )


@functools.cache
def _summaries() -> dict[str, Summary]:
    """How each API's calls are written on one line, as the engine serving it writes them."""
    return {
        description.model.service.service_name: summary_of(description)
        for description in (V1_DESCRIPTION, V2_DESCRIPTION)
    }


# Attributes a fake has that its class does not (set in __init__).
_INSTANCE_ATTRIBUTES = {
    CampaignsFake: {"options", "clock", "quotas", "settings", "v2"},
    CampaignsV2: set(),
}


class FakeOnly:
    """``campaigns_fake`` where no fake answers (AWS, or an endpoint that is not this project's
    server): every control skips the test, naming the control; ``region`` is the clients'."""

    def __init__(
        self, where: str, region: str, prefix: str = "campaigns_fake", of: type = CampaignsFake
    ) -> None:
        self._where = where
        self._prefix = prefix
        self._of = of
        self.region = region

    def __repr__(self) -> str:
        return f"<FakeOnly {self._prefix} against {self._where}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or not (
            hasattr(self._of, name) or name in _INSTANCE_ATTRIBUTES[self._of]
        ):
            raise AttributeError(f"{self._prefix} has no attribute {name!r}")
        if name == "v2" and self._of is CampaignsFake:
            return FakeOnly(self._where, self.region, f"{self._prefix}.v2", CampaignsV2)
        skip(f"{self._prefix}.{name} is a fake-only control: skipped against {self._where}")
