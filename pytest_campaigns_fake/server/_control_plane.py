"""The control plane: the fake's test controls as JSON operations, for tests not in Python.

Each operation is the fake's own method (seeding, faults, onboarding, the clock, the journal,
snapshots) behind a method and path under ``/_fake/``; arguments come as a JSON object with the
model's member names (``connectInstanceId``), answers are JSON. The server serves them, and the
durable state file replays them (``Control.apply``), so both go through one table.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engine import _chaos, _wire
from ..engine._journal import Call
from ..engine._seeds import check_account_id
from ..engine._wire import json_default

if TYPE_CHECKING:
    from .._fake import CampaignsFake

PREFIX = "/_fake/"
#: The one operation that moves the clock itself: never answered at a pinned instant.
CLOCK_ADVANCE = "clock/advance"
Handler = Callable[["CampaignsFake", dict[str, Any], dict[str, str]], Any]
#: How deep a control body may nest: a snapshot nests about ten levels; the fake's own walks
#: over a body (validation, copies) recurse, and a body nested thousands deep would exhaust
#: Python's stack in them.
MAX_DEPTH = 64


class ControlError(Exception):
    """A control request the fake refuses: its HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class _Route:
    method: str
    path: str
    pattern: re.Pattern[str]
    handler: Handler
    #: Whether the operation changes the fake (and so goes into the durable log).
    changes: bool


_ROUTES: list[_Route] = []


def control(method: str, path: str, *, changes: bool = True) -> Callable[[Handler], Handler]:
    """Serve ``handler`` at ``method`` ``/_fake/<path>`` (``{name}`` matches one segment)."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)

    def register(handler: Handler) -> Handler:
        _ROUTES.append(_Route(method, path, re.compile(regex), handler, changes))
        return handler

    return register


def route(method: str, path: str) -> tuple[_Route, dict[str, str]]:
    """The operation at ``method`` ``path`` (``path`` without the prefix); ControlError 404."""
    known = False
    for found in _ROUTES:
        match = found.pattern.fullmatch(path)
        if match is not None:
            known = True
            if found.method == method:
                return found, match.groupdict()
    if known:
        raise ControlError(405, f"{method} is not allowed on {PREFIX}{path}")
    raise ControlError(
        404,
        f"No control operation at {PREFIX}{path}; the operations are: "
        + ", ".join(sorted({f"{r.method} {PREFIX}{r.path}" for r in _ROUTES})),
    )


def apply(fake: CampaignsFake, method: str, path: str, body: dict[str, Any]) -> Any:
    """Run one control operation on ``fake``; its JSON-able answer. ControlError 400 when the
    fake refuses the arguments (the message is the fake's own)."""
    found, labels = route(method, path)
    if not isinstance(body, dict):
        raise ControlError(400, "the request body must be a JSON object")
    try:
        return found.handler(fake, body, labels)
    except ControlError:
        raise
    except (ValueError, TypeError, KeyError, AssertionError) as error:
        raise ControlError(400, f"{type(error).__name__}: {error}") from None


def depth(document: Any) -> int:
    """How deep ``document`` (parsed JSON) nests: 0 for a scalar. Iterative: the document is
    untrusted, and recursion is what the limit protects."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        level += 1
        if level > deepest:
            deepest = level
            if deepest > MAX_DEPTH:
                return deepest
        stack.extend((item, level) for item in value)
    return deepest


def changes(method: str, path: str) -> bool:
    try:
        return route(method, path)[0].changes
    except ControlError:
        return False


# -- arguments -----------------------------------------------------------------------------------


def _take(body: dict[str, Any], allowed: dict[str, str]) -> dict[str, Any]:
    """The body's members as keyword arguments: ``allowed`` maps member -> argument name;
    a member it does not list is refused with the list of those it does."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ControlError(
            400,
            f"unknown member(s) {', '.join(unknown)}; this operation takes: "
            + ", ".join(sorted(allowed)),
        )
    return {allowed[name]: value for name, value in body.items()}


def _side(fake: CampaignsFake, body: dict[str, Any]) -> Any:
    """``fake`` or ``fake.v2``, as the body's ``api`` (``v1``, the default, or ``v2``) says."""
    api = body.pop("api", "v1")
    if api not in ("v1", "v2"):
        raise ControlError(400, f"api must be 'v1' or 'v2', not {api!r}")
    return fake.v2 if api == "v2" else fake


_WHERE = {"region": "region", "accountId": "account_id"}


# -- accounts: what keeps the tests sharing one server apart ---------------------------------------

# The access key of the API request the server is answering (None: no request, or unsigned).
# A fault scoped to an account (``accountId`` in its body) reads it when it may fire: the
# engine hands a fault the request's parameters alone, and tests sharing one server (pytest
# --campaigns-target=URL, under xdist too) must not fire one another's faults.
_answering: ContextVar[str | None] = ContextVar("answering_access_key", default=None)


@contextlib.contextmanager
def answering(request: Any) -> Iterator[None]:
    """While the server answers ``request``: faults scoped to an account see whose it is."""
    token = _answering.set(_wire.envelope(request).access_key)
    try:
        yield
    finally:
        _answering.reset(token)


class _InAccount:
    """A fault's match that also requires the request to act in ``account`` (its repr is what
    the fault's description shows)."""

    def __init__(self, fake: CampaignsFake, account: str, match: Any) -> None:
        self.fake = fake
        self.account = account
        self.match = match

    def __call__(self, params: dict[str, Any]) -> bool:
        key = _answering.get()
        account = self.fake._accounts.get(key or "", self.fake.account_id)
        if account != self.account:
            return False
        if self.match is None:
            return True
        return all(k in params and params[k] == v for k, v in self.match.items())

    def __repr__(self) -> str:
        shown = f"{self.match!r} " if self.match else ""
        return f"{shown}in account {self.account}"


def _scoped(fake: CampaignsFake, rule: Any, account: str | None) -> Any:
    """``rule``, limited to requests in ``account`` when one is given (checked as given)."""
    if account is not None:
        check_account_id(account)
        rule.match = _InAccount(fake, account, rule.match)
    return rule


def _in_account(rule: Any, account: str | None) -> bool:
    """Whether ``rule`` belongs to ``account`` (every rule, when no account is given)."""
    return account is None or (isinstance(rule.match, _InAccount) and rule.match.account == account)


@control("POST", "accounts")
def _register_account(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    arguments = _take(body, {"accessKeyId": "access_key_id", "accountId": "account_id"})
    if len(arguments) != 2:
        raise ControlError(400, "accessKeyId and accountId are required")
    fake.register_account(arguments["access_key_id"], arguments["account_id"])
    return {}


def _account_of(body: dict[str, Any]) -> str | None:
    """The body's ``accountId`` (its only member), checked: None when it names none."""
    account: str | None = _take(body, {"accountId": "account_id"}).get("account_id")
    if account is not None:
        check_account_id(account)
    return account


# -- state -----------------------------------------------------------------------------------------


@control("GET", "health", changes=False)
def _health(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    return {"ok": True}


@control("POST", "reset")
def _reset(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    _take(body, {})
    fake.reset()
    return {}


@control("POST", "instances")
def _add_instance(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    arguments = _take(
        body,
        {
            "connectInstanceId": "connect_instance_id",
            "status": "status",
            "failureCode": "failure_code",
            "encryptionConfig": "encryption_config",
            **_WHERE,
        },
    )
    instance = fake.add_instance(arguments.pop("connect_instance_id"), **arguments)
    return {"job": instance.job(), "config": instance.config()}


@control("POST", "instances/{instance}/onboarding")
def _advance_onboarding(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    arguments = _take(body, {"status": "status", "failureCode": "failure_code", **_WHERE})
    instance = fake.advance_onboarding(labels["instance"], **arguments)
    return {"job": instance.job(), "config": instance.config()}


_V1_CAMPAIGN = {
    "connectInstanceId": "connect_instance_id",
    "name": "name",
    "state": "state",
    "dialerConfig": "dialer_config",
    "outboundCallConfig": "outbound_call_config",
    "tags": "tags",
    **_WHERE,
}
_V2_CAMPAIGN = {
    "connectInstanceId": "connect_instance_id",
    "name": "name",
    "state": "state",
    "channelSubtypeConfig": "channel_subtype_config",
    "source": "source",
    "schedule": "schedule",
    "type": "type",
    "connectCampaignFlowArn": "connect_campaign_flow_arn",
    "entryLimitsConfig": "entry_limits_config",
    "communicationTimeConfig": "communication_time_config",
    "communicationLimitsOverride": "communication_limits_override",
    "tags": "tags",
    **_WHERE,
}


@control("POST", "campaigns")
def _add_campaign(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    side = _side(fake, body)
    arguments = _take(body, _V2_CAMPAIGN if side is fake.v2 else _V1_CAMPAIGN)
    campaign = side.add_campaign(**arguments)
    return {"campaign": campaign.describe(), "state": campaign.state}


@control("POST", "campaigns/{campaign}/state")
def _set_state(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    side = _side(fake, body)
    arguments = _take(body, {"state": "state"})
    campaign = side.set_campaign_state(labels["campaign"], **arguments)
    return {"id": campaign.id, "state": campaign.state}


@control("GET", "campaigns/{campaign}/requests", changes=False)
def _accepted(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    """What a campaign accepted: dial requests (v1), outbound and profile requests (v2)."""
    campaign_id = labels["campaign"]
    try:
        return {
            "dialRequests": [_record(r) for r in fake.dial_requests(campaign_id)],
        }
    except KeyError:
        return {
            "outboundRequests": [_record(r) for r in fake.v2.outbound_requests(campaign_id)],
            "profileOutboundRequests": [
                _record(r) for r in fake.v2.profile_outbound_requests(campaign_id)
            ],
        }


@control("GET", "snapshot", changes=False)
def _snapshot(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    return fake.snapshot()


@control("PUT", "snapshot")
def _load(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    fake.load(body)
    return {}


# -- faults --------------------------------------------------------------------------------------


@control("POST", "faults/errors")
def _inject_error(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    side = _side(fake, body)
    arguments = _take(
        body,
        {
            "operation": "operation",
            "code": "code",
            "times": "times",
            "message": "message",
            "match": "match",
            "members": "members",
            "accountId": "account_id",
        },
    )
    account = arguments.pop("account_id", None)
    rule = side.inject_error(arguments.pop("operation", None), **arguments)
    return {"fault": _scoped(fake, rule, account).describe()}


@control("POST", "faults/throttle")
def _throttle(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    side = _side(fake, body)
    arguments = _take(
        body,
        {
            "operation": "operation",
            "times": "times",
            "rate": "rate",
            "burst": "burst",
            "accountId": "account_id",
        },
    )
    account = arguments.pop("account_id", None)
    if account is not None and "rate" in arguments:
        raise ControlError(
            400,
            "a rate limit is the whole server's and cannot be scoped to an account: "
            "give times instead of rate, or no accountId",
        )
    rule = side.throttle(**arguments)
    if hasattr(rule, "describe"):
        return {"fault": _scoped(fake, rule, account).describe()}
    return {
        "fault": f"rate limit of {rule.rate:g} requests/s (burst {rule.burst:g}) on "
        f"{rule.operation or 'every operation'}"
    }


@control("POST", "faults/items")
def _fail_items(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    side = _side(fake, body)
    arguments = _take(
        body,
        {
            "operation": "operation",
            "code": "code",
            "times": "times",
            "match": "match",
            "accountId": "account_id",
        },
    )
    faults = fake._faults_v2 if side is fake.v2 else fake._faults
    if "operation" not in arguments or "code" not in arguments:
        raise ControlError(400, "operation and code are required")
    rule = faults.add_item_failure(
        arguments["operation"], arguments["code"], arguments.get("times"), arguments.get("match")
    )
    return {"fault": _scoped(fake, rule, arguments.get("account_id")).describe()}


@control("GET", "faults/unused", changes=False)
def _unused(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    account = _account_of(body)
    return {
        "unused": [rule.describe() for rule in fake.unused_faults if _in_account(rule, account)]
    }


@control("DELETE", "faults")
def _forget_faults(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    """Remove the faults scoped to ``accountId`` (every request fault and item fault without
    one): a test sharing the server removes its own when it ends."""
    account = _account_of(body)
    if account is None:
        removed = len(fake._faults.rules) + len(fake._faults_v2.rules)
        fake._faults.clear()
        fake._faults_v2.clear()
        return {"removed": removed}
    removed = 0
    for faults in (fake._faults, fake._faults_v2):
        removed += faults.remove(lambda rule: _in_account(rule, account))
    return {"removed": removed}


# -- time and the journal ------------------------------------------------------------------------


@control("GET", "clock", changes=False)
def _clock(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    return {"now": json_default(fake.clock.now())}


@control("POST", CLOCK_ADVANCE)
def _advance(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    arguments = _take(body, {"seconds": "seconds"})
    return {"now": json_default(fake.clock.advance(arguments["seconds"]))}


@control("GET", "calls", changes=False)
def _calls(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    # With accountId: the calls that acted in that account alone (one test's, on a shared
    # server).
    account = _account_of(body)
    return {
        "calls": [
            call_json(call) for call in fake.calls if account is None or call.account == account
        ]
    }


def call_json(call: Call) -> dict[str, Any]:
    """One journal entry as JSON: what the service received and how it answered."""
    entry: dict[str, Any] = _plain(
        {
            "service": call.service,
            "operation": call.operation,
            "params": call.params,
            "statusCode": call.status_code,
            "errorCode": call.error_code,
            "errorMessage": call.error_message,
            "attempt": call.attempt,
            "region": call.region,
            "account": call.account,
            "requestId": call.request_id,
            "injected": call.injected,
            "injectedItems": list(call.injected_items),
            "response": call.response,
            "summary": call.summary(),
        }
    )
    return entry


def _record(record: Any) -> dict[str, Any]:
    """An accepted request (a dataclass) with its fields named as the model names members."""
    return {_camel(name): _plain(value) for name, value in vars(record).items()}


def _plain(value: Any) -> Any:
    """``value`` with datetimes as the wire writes them."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return json_default(value)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# -- chaos (--campaigns-chaos against a server target) -----------------------------------------


@control("POST", "chaos")
def _chaos_start(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    """One test's chaos: its faults drawn from ``seed`` and ``test`` at ``rate``, from now on.
    Logged, so that a restart replays the same draws; a restart then forgets it."""
    arguments = _take(body, {"seed": "seed", "rate": "rate", "test": "test"})
    if sorted(arguments) != ["rate", "seed", "test"]:
        raise ControlError(400, "seed, rate and test are required")
    chaos = _chaos.Chaos(**arguments)
    _chaos_of_another(fake, chaos.test)
    _chaos.attach(fake._engine, chaos)
    return {"chaos": repr(chaos)}


@control("GET", "chaos", changes=False)
def _chaos_read(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    chaos = _chaos.attached(fake._engine)
    if chaos is None:
        return {"chaos": None, "injected": []}
    return {
        "chaos": {"seed": chaos.seed, "rate": chaos.rate, "test": chaos.test},
        "injected": [fault.describe() for fault in chaos.injected],
    }


@control("DELETE", "chaos")
def _chaos_stop(fake: CampaignsFake, body: dict[str, Any], labels: dict[str, str]) -> Any:
    """No chaos from now on; the faults the test's chaos injected (``test``: only if it is
    that test's, so that a run never ends another's)."""
    test = _take(body, {"test": "test"}).get("test")
    if test is not None and not isinstance(test, str):
        raise ControlError(400, f"test must be the test's node id (a string), not {test!r}")
    if test is not None:
        _chaos_of_another(fake, test)
    chaos = _chaos.attach(fake._engine, None)
    return {"injected": [fault.describe() for fault in chaos.injected] if chaos else []}


def _chaos_of_another(fake: CampaignsFake, test: str) -> None:
    """409 when another test's chaos is on: the server answers every client alike, so two
    tests at once (xdist workers sharing one server) would draw from each other's chaos."""
    current = _chaos.attached(fake._engine)
    if current is not None and current.test != test:
        raise ControlError(
            409,
            f"the chaos of test {current.test!r} is on: chaos against a server runs one test "
            "at a time (under pytest-xdist give each worker a server of its own); if the run "
            "that set it is gone, DELETE /_fake/chaos with no body clears it",
        )
