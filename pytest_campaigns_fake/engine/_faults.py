"""Faults a test sets up on purpose: request errors, throttling, per-item failure codes.

Every rule is checked against the service model when it is registered, so a typo fails the
test at once instead of silently never firing. Rules are consumed in registration order.
"""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Optional, Protocol, overload

from ._clock import Clock
from ._errors import PRODUCT, ServiceError
from ._matches import Match, answering_operations, check_item_match, check_match, may_answer
from ._model import COMMON_ERRORS, load
from ._nearest import did_you_mean
from ._validation import violations

# Supplies the value of an error member the test did not set (an error's ``state``: the
# resource's own) from the service's state: a callback the engine hands over with each request.
StateOf = Optional[Callable[[str], Any]]
THROTTLING = "ThrottlingException"
# A token bucket counts requests in floats: beyond 2**53, taking one token changes nothing
# (2**53 - 1 == 2**53 in a float), so a larger rate or burst could never throttle as said.
MOST_TOKENS = 2.0**53


@dataclass
class Rule:
    """One registered fault. ``fired`` counts how often it answered a request or item."""

    operation: str | None
    code: str
    times: int | None
    match: Match = None
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        """Whether the rule fired its ``times`` and answers no more."""
        return self.times is not None and self.fired >= self.times

    def describe(self) -> str:
        """One line naming the rule, as the strict check and the report list it."""
        times = "every time" if self.times is None else f"times={self.times}"
        match = f", match={self.match!r}" if self.match else ""
        return (
            f"{self._label()} {self.code} on {self._where()} ({times}{match}, fired {self.fired})"
        )

    def matches(self, params: dict[str, Any]) -> bool:
        """Whether a request (or batch item) meets every criterion of ``match``."""
        if self.match is None:
            return True
        if callable(self.match):
            return bool(self.match(params))
        return all(k in params and params[k] == v for k, v in self.match.items())

    def _label(self) -> str:
        return "fault"

    def _where(self) -> str:
        return self.operation or "any operation"


@dataclass
class ErrorRule(Rule):
    """A request fault: matching requests are answered with the error ``code``."""

    message: str | None = None
    members: dict[str, Any] = field(default_factory=dict)

    def _label(self) -> str:
        return "error"


@dataclass
class ThrottleRule(ErrorRule):
    """A request fault answering ThrottlingException (``throttle(times=...)``)."""

    def _label(self) -> str:
        return "throttle"


@dataclass
class ItemRule(Rule):
    """An item fault: matching items of a batch operation fail with the failure ``code``,
    while the call itself succeeds (a batch answers them under its failed items)."""

    def _label(self) -> str:
        return "item failure"

    def _where(self) -> str:
        return f"{self.operation} items"


class Chaos(Protocol):
    """Transient faults drawn for a test's requests (``_chaos.Chaos``):
    no rule, asked only when no rule answered."""

    def error(self, service: str, operation: str) -> str | None:
        """The error code to answer this request with, or None."""

    def message(self, code: str, operation: str) -> str:
        """The injected error's message."""

    def item_failure(self, service: str, operation: str, item: dict[str, Any]) -> str | None:
        """The failure code of this batch item, or None."""


class ItemFaults(Protocol):
    """What an operation asks, item by item, while it answers a batch."""

    def item_failure(self, operation: str, item: dict[str, Any]) -> str | None:
        """The failure code a fault gives this item, or None."""


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
        """Take a token for a request at ``now``; False (and counted) when throttled."""
        # A clock moved back (advance(-n)) refills nothing rather than taking tokens away.
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.fired += 1
        return False

    def describe(self) -> str:
        """One line naming the limit, as the report lists it (``fired``: requests throttled)."""
        where = self.operation or "any operation"
        return (
            f"rate limit {THROTTLING} on {where} (rate={self.rate:g}/s, burst={self.burst:g}, "
            f"fired {self.fired})"
        )


class Faults:
    """The faults a test registered, consumed in registration order under one lock."""

    def __init__(
        self,
        clock: Clock,
        service: str,
        modelled_only: frozenset[str] = frozenset(),
    ) -> None:
        self._clock = clock
        #: The botocore service name of the model whose operations and errors the rules name.
        self.service = service
        #: Common AWS errors this service's faults answer only from operations whose model
        #: lists them (ThrottlingException, for a service that says so), not from any operation.
        self.modelled_only = modelled_only
        #: What an item fault's match may name besides an item's own members: key -> the
        #: member of the batch request whose value the items carry under it (the engine sets
        #: it from the description it serves these faults with).
        self.item_keys: Mapping[str, str] = {}
        self._lock = threading.Lock()
        self.rules: list[Rule] = []
        self.limits: list[RateLimit] = []
        #: The chaos of the test running (``_chaos.Chaos``), asked after every rule.
        self.chaos: Chaos | None = None

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
        throttle: bool = False,
    ) -> ErrorRule:
        # Every check runs before the rule is registered: a refused call changes nothing.
        __tracebackhide__ = True
        service = self.service
        name = _operation(operation, service)
        _check_code(code)
        _check_times(times)
        if message is not None and not isinstance(message, str):
            raise TypeError(f"message must be a str or None, not {message!r}")
        if members is not None and not isinstance(members, Mapping):
            raise TypeError(f"members must be a mapping of error members, not {members!r}")
        model = load(service)
        modelled_only = self.modelled_only
        common = ", ".join(sorted(set(COMMON_ERRORS) - modelled_only))
        if name is not None and code in modelled_only:
            self._check_modelled(name, code)
        elif name is not None:
            allowed = model.errors_of(name)
            if code not in allowed and code not in COMMON_ERRORS:
                near = did_you_mean(code, [*allowed, *sorted(set(COMMON_ERRORS) - modelled_only)])
                raise ValueError(
                    f"{code!r} is not an error of {name}{near}: its model lists "
                    f"{', '.join(allowed)}; common AWS errors: {common}"
                )
        elif code not in model.error_status and code not in COMMON_ERRORS:
            near = did_you_mean(code, [*sorted(model.error_status), *sorted(COMMON_ERRORS)])
            raise ValueError(
                f"{code!r} is neither a {service} error nor a common AWS error{near}; "
                f"the model's errors: {', '.join(sorted(model.error_status))}; "
                f"common AWS errors: {common}"
            )
        # The rule keeps its own copy of what was checked: a test editing its dict afterwards
        # must not turn a checked match into one that can never fire.
        if isinstance(match, Mapping):
            match = copy.deepcopy(dict(match))
        check_match(name, code, match, service, modelled_only)
        checked = _check_members(code, copy.deepcopy(dict(members or {})), service)
        kind = ThrottleRule if throttle else ErrorRule
        rule = kind(name, code, times, match, message=message, members=checked)
        with self._lock:
            self.rules.append(rule)
        return rule

    def add_rate_limit(self, operation: str | None, rate: float, burst: float | None) -> RateLimit:
        __tracebackhide__ = True
        name = _operation(operation, self.service)
        if name is not None:
            self._check_modelled(name, THROTTLING, f"a rate limit answers {THROTTLING}; ")
        if not _finite_number(rate) or not 0 < rate <= MOST_TOKENS:
            raise ValueError(
                f"rate must be a positive number of requests per second <= {MOST_TOKENS:.0f} "
                f"(2**53: what a token bucket of floats can count), not {rate!r}"
            )
        if burst is not None and (not _finite_number(burst) or not 1 <= burst <= MOST_TOKENS):
            raise ValueError(
                f"burst must be a number of requests >= 1 and <= {MOST_TOKENS:.0f} (or None for "
                f"max(1, rate)), not {burst!r}"
            )
        # A bucket always holds at least one request: with rate < 1 and no burst, one request
        # passes at once and then one every 1/rate seconds (a bucket of 0.5 would throttle all).
        size = float(burst if burst is not None else max(1.0, rate))
        limit = RateLimit(name, float(rate), size, size, self._clock.time())
        with self._lock:
            self.limits.append(limit)
        return limit

    def add_item_failure(
        self, operation: str, code: str, times: int | None, match: Match
    ) -> ItemRule:
        __tracebackhide__ = True
        _check_code(code)
        allowed = item_failure_codes(operation, self.service)
        if code not in allowed:
            raise ValueError(
                f"{code!r} is not a failure code of {operation} items"
                f"{did_you_mean(code, allowed)}; choose from {allowed}"
            )
        _check_times(times)
        check_item_match(operation, match, self.service, self.item_keys)
        rule = ItemRule(operation, code, times, match)
        with self._lock:
            self.rules.append(rule)
        return rule

    def _check_modelled(self, operation: str, code: str, prefix: str = "") -> None:
        """A code this service answers only where the model lists it (``modelled_only``) is
        refused on any other operation, naming those that list it."""
        __tracebackhide__ = True
        if code not in self.modelled_only:
            return
        answering = answering_operations(code, self.service, self.modelled_only)
        if operation not in answering:
            raise ValueError(
                f"{prefix}{code!r} is not an error of {operation}: on {self.service} it comes "
                f"only from the operations whose model lists it: {', '.join(answering)}"
            )

    # -- consumption -------------------------------------------------------------------------

    @property
    def armed(self) -> bool:
        """Whether any request fault, rate limit or chaos is set up (most requests: none)."""
        return bool(self.rules or self.limits) or self.chaos is not None

    def request_error(
        self, operation: str, params: dict[str, Any], state_of: StateOf = None
    ) -> ServiceError | None:
        """The error a request fault answers this request with, or None."""
        with self._lock:
            rule = self._take(ErrorRule, operation, params)
            if isinstance(rule, ErrorRule):
                return ServiceError(
                    rule.code,
                    rule.message or _default_message(rule.code, operation),
                    **_required_members(rule.code, rule.members, state_of, self.service),
                )
            now = self._clock.time()
            # A rate limit without an operation spares those that cannot answer throttling.
            throttles = may_answer(operation, THROTTLING, self.service, self.modelled_only)
            for limit in self.limits:
                if throttles and limit.operation in (None, operation) and not limit.take(now):
                    return ServiceError(THROTTLING, "Rate exceeded")
            chaos = self.chaos
            code = chaos.error(self.service, operation) if chaos is not None else None
            if chaos is not None and code is not None:
                members = _required_members(code, {}, state_of, self.service)
                return ServiceError(code, chaos.message(code, operation), **members)
        return None

    def item_failure(self, operation: str, item: dict[str, Any]) -> str | None:
        """The failure code an item fault gives this item of ``operation``, or None."""
        with self._lock:
            rule = self._take(ItemRule, operation, item)
            chaos = self.chaos
            if rule is None and chaos is not None:
                return chaos.item_failure(self.service, operation, item)
        return rule.code if rule is not None else None

    def _take(self, kind: type[Rule], operation: str, params: dict[str, Any]) -> Rule | None:
        """The first live rule of these kinds that matches, counted as fired. A rule without an
        operation skips operations whose model cannot answer its code (common errors aside)."""
        for rule in self.rules:
            if (
                isinstance(rule, kind)
                and not rule.exhausted
                and rule.operation in (None, operation)
                and (
                    isinstance(rule, ItemRule)
                    or may_answer(operation, rule.code, self.service, self.modelled_only)
                )
                and rule.matches(params)
            ):
                rule.fired += 1
                return rule
        return None

    # -- strictness --------------------------------------------------------------------------

    def rate_limits(self) -> list[RateLimit]:
        with self._lock:
            return list(self.limits)

    def unused(self) -> list[Rule]:
        with self._lock:
            return [rule for rule in self.rules if rule.fired == 0]

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.limits.clear()

    def remove(self, which: Callable[[Rule], bool]) -> int:
        """Remove the rules ``which`` picks (rate limits stay); how many were removed."""
        with self._lock:
            kept = [rule for rule in self.rules if not which(rule)]
            removed = len(self.rules) - len(kept)
            self.rules[:] = kept
        return removed


class FaultControls:
    """``inject_error`` and ``throttle``, for a fake (or one API of it) whose ``_faults`` are
    the faults of its model: operation names and codes are checked against that model."""

    _faults: Faults

    def inject_error(
        self,
        operation: str | None,
        code: str,
        *,
        times: int | None = 1,
        message: str | None = None,
        match: Match = None,
        members: Mapping[str, Any] | None = None,
    ) -> Rule:
        """Answer the next ``times`` matching requests of ``operation`` with error ``code``."""
        __tracebackhide__ = True
        return self._faults.add_error(
            operation, code, times=times, message=message, match=match, members=members
        )

    @overload
    def throttle(
        self, operation: str | None = None, *, times: int | None = 1, rate: None = None
    ) -> ThrottleRule: ...
    @overload
    def throttle(
        self, operation: str | None = None, *, rate: float, burst: float | None = None
    ) -> RateLimit: ...
    def throttle(
        self,
        operation: str | None = None,
        *,
        times: int | None = 1,
        rate: float | None = None,
        burst: float | None = None,
    ) -> ThrottleRule | RateLimit:
        """ThrottlingException (429) for the next ``times`` requests, or a rate limit.

        With ``rate`` (requests per second on the fake's clock, ``burst`` at once), requests
        beyond the limit are throttled for as long as the fake runs; ``times`` does not apply.
        """
        __tracebackhide__ = True
        if rate is None and burst is not None:
            raise TypeError("burst applies to a rate limit: pass rate= too")
        if rate is not None and (times != 1 or isinstance(times, bool)):
            raise TypeError("times does not apply to a rate limit (rate=...)")
        if rate is not None:
            return self._faults.add_rate_limit(operation, rate, burst)
        rule = self._faults.add_error(
            operation,
            THROTTLING,
            times=times,
            message=None,
            match=None,
            members=None,
            throttle=True,
        )
        assert isinstance(rule, ThrottleRule)
        return rule


def describe_rules(rules: Sequence[Rule | RateLimit]) -> str:
    """The rules (or rate limits), one ``describe()`` line each, as listed in reports."""
    return "\n".join(f"  - {rule.describe()}" for rule in rules)


def _operation(operation: str | None, service: str) -> str | None:
    __tracebackhide__ = True
    if operation is None:
        return None
    if not isinstance(operation, str):
        raise TypeError(f"operation must be an operation name (a str) or None, not {operation!r}")
    return load(service).operation_name(operation)


def _check_code(code: str) -> None:
    __tracebackhide__ = True
    if not isinstance(code, str):
        raise TypeError(f"code must be an error name (a str), not {code!r}")


def _check_times(times: int | None) -> None:
    # bool is an int: times=True would silently mean times=1.
    __tracebackhide__ = True
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError(f"times must be a positive integer or None (always), not {times!r}")


def _finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # Any int is finite; math.isfinite() of one too big for a float would overflow.
    return isinstance(value, int) or math.isfinite(value)


def item_match(**given: str | None) -> dict[str, str] | None:
    """The match of an item failure from a control's keyword arguments (``client_token=``):
    each given one under its model name (``clientToken``); None when none is given."""
    __tracebackhide__ = True
    for argument, value in given.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{argument} must be a str or None, not {value!r}")
    match = {_camel(argument): value for argument, value in given.items() if value is not None}
    return match or None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _default_message(code: str, operation: str) -> str:
    if code == THROTTLING:
        return "Rate exceeded"
    return f"{code} injected into {operation} by {PRODUCT}"


def _check_members(code: str, members: dict[str, Any], service: str) -> dict[str, Any]:
    """The members a test gives an injected error must be members of its shape, with values
    the shape allows (an enum member takes one of the enum's values)."""
    __tracebackhide__ = True
    shape = load(service).error_shape(code)
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
        first = sorted(unknown)[0]
        raise ValueError(
            f"{code} has no member(s) {sorted(unknown)}{did_you_mean(first, known)}; "
            f"it has {sorted(known)}"
        )
    broken = [e for name, v in members.items() for e in violations(shape.members[name], v, name)]
    if broken:
        raise ValueError(f"members of {code} break the model: " + "; ".join(broken))
    return members


def _required_members(
    code: str, members: dict[str, Any], state_of: StateOf, service: str
) -> dict[str, Any]:
    """The error's required members (beyond its message) the test left out: the service's own
    answer when ``state_of`` knows it, else the shape's first enum value."""
    shape = load(service).error_shape(code)
    if shape is None:
        return members
    filled = dict(members)
    for name in shape.required_members:
        if name != "message" and name not in filled:
            value = state_of(name) if state_of is not None else None
            if value is None:
                enum = getattr(shape.members[name], "enum", None)
                value = enum[0] if enum else ""
            filled[name] = value
    return filled


@cache
def item_failure_codes(operation: str, service: str) -> tuple[str, ...]:
    """The failure codes an item of ``operation``'s batch can carry: the enum of the
    ``failureCode`` member of the items its output lists as failed."""
    output = load(service).operations[operation].output_shape
    for member in output.members.values() if output is not None else ():
        if member.type_name == "list" and "failureCode" in member.member.members:
            return tuple(member.member.members["failureCode"].enum)
    raise ValueError(f"{operation} has no per-item failures")
