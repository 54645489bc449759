"""Faults a test sets up on purpose: request errors, throttling, per-item failure codes.

Every rule is checked against the service model when it is registered, so a typo fails the
test at once instead of silently never firing. Rules are consumed in registration order.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from ._clock import Clock
from ._errors import ServiceError
from ._model import COMMON_ERRORS, load
from ._service import Hooks
from ._store import Campaign, Partition
from ._validation import violations

Match = Union[Mapping[str, Any], Callable[[dict[str, Any]], bool], None]
# Supplies the value of an error member the test did not set, from the service's state.
Guess = Optional[Callable[[str], Any]]


@dataclass
class Rule:
    """One registered fault. ``fired`` counts how often it answered a request or item."""

    kind: str
    operation: str | None
    code: str
    times: int | None
    message: str | None = None
    match: Match = None
    members: dict[str, Any] = field(default_factory=dict)
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def describe(self) -> str:
        where = self.operation or _ITEMS_OF.get(self.kind, "any operation")
        times = "every time" if self.times is None else f"times={self.times}"
        match = f", match={self.match!r}" if self.match else ""
        return f"{self.kind} {self.code} on {where} ({times}{match}, fired {self.fired})"

    def matches(self, params: dict[str, Any]) -> bool:
        if self.match is None:
            return True
        if callable(self.match):
            return bool(self.match(params))
        return all(k in params and params[k] == v for k, v in self.match.items())


@dataclass
class RateLimit:
    """A token bucket on the fake's clock: ``rate`` requests per second, ``burst`` at once."""

    operation: str | None
    rate: float
    burst: float
    tokens: float
    last: float
    fired: int = 0

    def take(self, now: float) -> bool:
        # A clock moved back (advance(-n)) refills nothing rather than taking tokens away.
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.fired += 1
        return False


_ITEMS_OF = {"dial": "PutDialRequestBatch items", "state": "GetCampaignStateBatch items"}


class Faults(Hooks):
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.rules: list[Rule] = []
        self.limits: list[RateLimit] = []

    # -- registration ------------------------------------------------------------------------

    def add_error(
        self,
        operation: str | None,
        code: str,
        *,
        times: int | None,
        message: str | None,
        match: Match,
        members: Mapping[str, Any] | None,
        kind: str = "error",
    ) -> Rule:
        name = load().operation_name(operation) if operation is not None else None
        _check_times(times)
        model = load()
        if name is not None:
            allowed = model.errors_of(name)
            if code not in allowed and code not in COMMON_ERRORS:
                raise ValueError(
                    f"{code!r} is not an error of {name}: its model lists "
                    f"{', '.join(allowed)}; common AWS errors: {', '.join(sorted(COMMON_ERRORS))}"
                )
        elif code not in model.error_status and code not in COMMON_ERRORS:
            raise ValueError(f"{code!r} is neither a connectcampaigns error nor a common AWS error")
        if match is not None and not callable(match) and not isinstance(match, Mapping):
            raise TypeError("match must be a mapping of request parameters or a callable")
        rule = Rule(
            kind, name, code, times, message, match, _check_members(code, dict(members or {}))
        )
        with self._lock:
            self.rules.append(rule)
        return rule

    def add_rate_limit(self, operation: str | None, rate: float, burst: float | None) -> RateLimit:
        if rate <= 0:
            raise ValueError("rate must be a positive number of requests per second")
        size = float(burst if burst is not None else max(1.0, rate))
        limit = RateLimit(
            load().operation_name(operation) if operation else None,
            float(rate),
            size,
            size,
            self._clock.time(),
        )
        with self._lock:
            self.limits.append(limit)
        return limit

    def add_item_failure(
        self, kind: str, code: str, allowed: tuple[str, ...], times: int | None, match: Match
    ) -> Rule:
        if code not in allowed:
            raise ValueError(f"{code!r} is not a failure code here; choose from {allowed}")
        _check_times(times)
        rule = Rule(kind, None, code, times, match=match)
        with self._lock:
            self.rules.append(rule)
        return rule

    # -- consumption -------------------------------------------------------------------------

    def request_error(
        self, operation: str, params: dict[str, Any], guess: Guess = None
    ) -> ServiceError | None:
        with self._lock:
            rule = self._take(("error", "throttle"), operation, params)
            if rule is not None:
                return ServiceError(
                    rule.code,
                    rule.message or _default_message(rule.code, operation),
                    **_required_members(rule.code, rule.members, guess),
                )
            now = self._clock.time()
            for limit in self.limits:
                if limit.operation in (None, operation) and not limit.take(now):
                    return ServiceError("ThrottlingException", "Rate exceeded")
        return None

    def _item(self, kind: str, item: dict[str, Any]) -> str | None:
        with self._lock:
            rule = self._take((kind,), None, item)
        return rule.code if rule is not None else None

    def _take(
        self, kinds: tuple[str, ...], operation: str | None, params: dict[str, Any]
    ) -> Rule | None:
        """The first live rule of these kinds that matches, counted as fired."""
        for rule in self.rules:
            if (
                rule.kind in kinds
                and not rule.exhausted
                and rule.operation in (None, operation)
                and rule.matches(params)
            ):
                rule.fired += 1
                return rule
        return None

    def dial_request_failure(self, campaign: Campaign, item: dict[str, Any]) -> str | None:
        return self._item("dial", {**item, "campaignId": campaign.id})

    def campaign_state_failure(self, partition: Partition, campaign_id: str) -> str | None:
        return self._item("state", {"campaignId": campaign_id})

    # -- strictness --------------------------------------------------------------------------

    def unused(self) -> list[Rule]:
        with self._lock:
            return [rule for rule in self.rules if rule.fired == 0]

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.limits.clear()


def describe_rules(rules: list[Rule]) -> str:
    return "\n".join(f"  - {rule.describe()}" for rule in rules)


def _check_times(times: int | None) -> None:
    if times is not None and (not isinstance(times, int) or times < 1):
        raise ValueError(f"times must be a positive integer or None (always), not {times!r}")


def _default_message(code: str, operation: str) -> str:
    if code == "ThrottlingException":
        return "Rate exceeded"
    return f"{code} injected into {operation} by pytest-campaigns-fake"


def _check_members(code: str, members: dict[str, Any]) -> dict[str, Any]:
    """The members a test gives an injected error must be members of its shape, with values
    the shape allows (InvalidCampaignStateException.state is a CampaignState)."""
    shape = load().error_shape(code)
    if shape is None:
        if members:
            raise ValueError(f"{code} carries no members; got {sorted(members)}")
        return members
    # Members bound to a header (xAmzErrorType) come from the code, not from the test.
    known = {
        name
        for name, member in shape.members.items()
        if name != "message" and "location" not in member.serialization
    }
    unknown = set(members) - known
    if unknown:
        raise ValueError(f"{code} has no member(s) {sorted(unknown)}; it has {sorted(known)}")
    broken = [e for name, v in members.items() for e in violations(shape.members[name], v, name)]
    if broken:
        raise ValueError(f"members of {code} break the model: " + "; ".join(broken))
    return members


def _required_members(code: str, members: dict[str, Any], guess: Guess) -> dict[str, Any]:
    """The error's required members (InvalidCampaignStateException.state) the test left out:
    the service's own answer when ``guess`` knows it, else the shape's first enum value."""
    shape = load().error_shape(code)
    if shape is None:
        return members
    filled = dict(members)
    for name in shape.required_members:
        if name != "message" and name not in filled:
            value = guess(name) if guess is not None else None
            if value is None:
                enum = getattr(shape.members[name], "enum", None)
                value = enum[0] if enum else ""
            filled[name] = value
    return filled
