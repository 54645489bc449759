"""Every request the fake answered, one entry per attempt, with filters and assertions."""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Callable, overload

from ._model import SERVICE_NAME, load
from ._wire import shaped

if TYPE_CHECKING:
    from botocore.model import Shape

# Parameters worth showing in a one-line summary of a call, most telling first.
_KEY_PARAMS = ("id", "name", "connectInstanceId", "arn", "campaignIds", "maxResults", "nextToken")
# Batch members, shown by their length.
_BATCHES = ("dialRequests", "outboundRequests", "profileOutboundRequests")


class Call:
    """One request as the service received it, and how it was answered."""

    __slots__ = (
        "_body",
        "_elsewhere",
        "_params",
        "_response",
        "_shape",
        "account",
        "attempt",
        "error_code",
        "error_message",
        "hint",
        "injected",
        "injected_items",
        "operation",
        "region",
        "request_id",
        "service",
        "status_code",
    )

    def __init__(
        self,
        *,
        operation: str,
        params: dict[str, Any],
        status_code: int,
        error_code: str | None,
        error_message: str | None,
        attempt: int,
        region: str,
        account: str,
        request_id: str,
        body: bytes | None = None,
        injected: bool = False,
        injected_items: tuple[str, ...] = (),
        hint: str | None = None,
        elsewhere: bool = False,
        shape: Shape | None = None,
        service: str = SERVICE_NAME,
    ) -> None:
        self.operation = operation
        #: The botocore service name of the API called: ``connectcampaigns`` (v1) or
        #: ``connectcampaignsv2``.
        self.service = service
        # The params as decoded from the wire, made into the model's shape (declared members
        # only, timestamps as datetimes) when a test first reads them: the request path pays
        # nothing for it, and the copy shares nothing with what the service stored.
        self._params = params
        self._shape = shape
        self.status_code = status_code
        self.error_code = error_code
        self.error_message = error_message
        self.attempt = attempt
        self.region = region
        self.account = account
        self.request_id = request_id
        self.injected = injected
        #: The per-item failure codes of a batch that faults injected, in order.
        self.injected_items = injected_items
        #: What in the test would have avoided this error, when the fake can tell.
        self.hint = hint
        self._elsewhere = elsewhere
        # The answer is kept as the bytes sent, so later changes to the store cannot alter it,
        # and it is decoded only if a test reads it.
        self._body = body
        self._response: dict[str, Any] | None = None

    @property
    def params(self) -> dict[str, Any]:
        """The request's parameters as the service acted on them: member names as in the model,
        only the members its input declares, timestamps as aware UTC datetimes (for a request
        that failed validation: as decoded). A copy: changing it changes no stored state."""
        if self._shape is not None:
            self._params = shaped(self._shape, self._params)
            self._shape = None
        return self._params

    @property
    def response(self) -> dict[str, Any] | None:
        """The successful answer's members as sent; None for errors and empty answers."""
        if self._response is None and self._body:
            self._response = json.loads(self._body)
        return self._response

    def __repr__(self) -> str:
        return f"<Call {self.summary()}>"

    @property
    def ok(self) -> bool:
        """Whether the call was answered with success (no error code)."""
        return self.error_code is None

    def summary(self) -> str:
        """One line: operation, key parameters, outcome (per item for batches), hint."""
        shown = []
        for key in _KEY_PARAMS:
            if key in self.params:
                value = self.params[key]
                shown.append(f"{key}={value!r}")
        for batch in _BATCHES:
            if isinstance(self.params.get(batch), list):
                shown.append(f"{batch}=<{len(self.params[batch])} items>")
        outcome = "200 OK" if self.ok else f"{self.status_code} {self.error_code}"
        if self.injected:
            outcome += " (injected)"
        outcome += self._items_outcome()
        retry = f" [attempt {self.attempt}]" if self.attempt > 1 else ""
        where = f" [{self.region}, account {self.account}]" if self._elsewhere else ""
        hint = f"\n       hint: {self.hint}" if self.hint else ""
        api = "" if self.service == SERVICE_NAME else "v2."
        return f"{api}{self.operation}({', '.join(shown)}) -> {outcome}{retry}{where}{hint}"

    def _items_outcome(self) -> str:
        """``, 1 of 2 failed: RequestThrottled (injected)`` for a batch with failed items."""
        response = self.response if self.ok else None
        if not response or "failedRequests" not in response:
            return ""
        failed = [item.get("failureCode") for item in response["failedRequests"]]
        if not failed:
            return ""
        total = len(failed) + len(response.get("successfulRequests") or [])
        injected = list(self.injected_items)
        counts: dict[str, int] = {}
        for code in failed:
            label = str(code)
            if code in injected:
                injected.remove(code)
                label += " (injected)"
            counts[label] = counts.get(label, 0) + 1
        codes = ", ".join(f"{label} x{n}" if n > 1 else label for label, n in counts.items())
        return f", {len(failed)} of {total} failed: {codes}"


# count() with no argument: the deprecated "every call".
_ALL: Any = object()


class Calls(Sequence[Call]):
    """A read-only, ordered view of calls, with respx/unittest.mock-style helpers.

    The parameter names given to ``filter``, ``count`` and the assertions are checked against
    the operation's input shape in the botocore model: a name the input does not have is a
    ``TypeError`` (as an unexpected keyword argument is), so a misspelt or nested name can never
    make ``assert_not_called`` pass unnoticed. Use :class:`contains` to match an item of a list.
    """

    def __init__(
        self, calls: list[Call], services: tuple[str, ...] = (SERVICE_NAME,), only: bool = False
    ) -> None:
        # ``calls`` may be the journal's own list (a live view); with ``only``, the view holds
        # the calls of ``services`` alone. Names given to the helpers are checked against the
        # models of ``services``.
        self._source = calls
        self._services = services
        self._only = only

    @property
    def _calls(self) -> list[Call]:
        if not self._only:
            return self._source
        services = self._services
        return [c for c in list(self._source) if c.service in services]

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> Calls: ...
    def __getitem__(self, index: int | slice) -> Call | Calls:
        if isinstance(index, slice):
            return Calls(self._calls[index], self._services)
        return self._calls[index]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        # A snapshot: other threads may record calls meanwhile.
        return iter(list(self._calls))

    def __repr__(self) -> str:
        calls = list(self._calls)
        return f"<Calls {len(calls)}: {[c.operation for c in calls]}>"

    @property
    def last(self) -> Call:
        """The most recent call; AssertionError when there is none."""
        __tracebackhide__ = True
        calls = list(self._calls)
        if not calls:
            raise AssertionError(f"No {' or '.join(self._services)} call was made")
        return calls[-1]

    @property
    def call_count(self) -> int:
        """How many calls (``len(calls)``)."""
        return len(self._calls)

    @property
    def called(self) -> bool:
        """Whether any call was made."""
        return bool(self._calls)

    def filter(
        self,
        operation: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        **params: Any,
    ) -> Calls:
        """Calls of one operation (either spelling) whose params include ``params`` and, with
        ``where``, for which ``where(call)`` is true (to look inside nested parameters).

        A parameter's value may be a :class:`contains` matcher, true when an item of that list
        parameter matches. ``ValueError`` for an unknown operation; ``TypeError`` for a parameter
        name the operation's input (or, without an operation, every operation's input) does not
        have, or a matcher that does not fit the member's shape."""
        __tracebackhide__ = True
        services = self._services
        name = _operation_name(operation, services) if operation is not None else None
        _check_params(name, params, services)
        return Calls(
            [
                c
                for c in list(self._calls)
                if (name is None or (c.operation == name and c.service in services))
                and all(k in c.params and _matches(c.params[k], v) for k, v in params.items())
                and (where is None or where(c))
            ],
            services,
        )

    def count_of(
        self,
        operation: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        **params: Any,
    ) -> int:
        """How many calls ``filter`` would return."""
        __tracebackhide__ = True
        return len(self.filter(operation, where=where, **params))

    def count(self, value: Any = _ALL, /, **params: Any) -> int:
        """``Sequence.count``: how many times the ``Call`` ``value`` is in the journal.

        Deprecated: ``count("Operation", **params)`` (and ``count()``) counted matching
        calls; that is ``count_of`` now, and warns here.
        """
        __tracebackhide__ = True
        if isinstance(value, Call) and not params:
            return super().count(value)
        warnings.warn(
            "Calls.count(operation, **params) is deprecated: use Calls.count_of(...); "
            "Calls.count(call) is Sequence.count",
            DeprecationWarning,
            stacklevel=2,
        )
        operation = None if value is _ALL else value
        return self.count_of(operation, **params)

    def assert_called(self, operation: str, **params: Any) -> Call:
        """The last matching call; AssertionError listing the calls made if there is none."""
        __tracebackhide__ = True
        found = self.filter(operation, **params)
        if not found:
            raise AssertionError(
                f"Expected a call to {_wanted(operation, params, self._services)}; "
                f"calls made:\n"
                f"{self.describe() or '  (none)'}"
            )
        return found.last

    def assert_called_once(self, operation: str, **params: Any) -> Call:
        """The one matching call; AssertionError listing the calls made unless exactly one."""
        __tracebackhide__ = True
        found = self.filter(operation, **params)
        if len(found) != 1:
            raise AssertionError(
                f"Expected exactly one call to {_wanted(operation, params, self._services)}, "
                f"got {len(found)}; calls made:\n{self.describe() or '  (none)'}"
            )
        return found.last

    def assert_not_called(self, operation: str, **params: Any) -> None:
        """AssertionError listing the matching calls if there is any."""
        __tracebackhide__ = True
        found = self.filter(operation, **params)
        if found:
            raise AssertionError(
                f"Expected no call to {_wanted(operation, params, self._services)}; "
                f"got {len(found)}:\n{found.describe()}"
            )

    def describe(self) -> str:
        """The numbered one-line summaries of the calls, as in the report section."""
        return "\n".join(f"  {i}. {c.summary()}" for i, c in enumerate(list(self._calls), 1))


class contains:  # lower case: it reads as a call in ``dialRequests=contains(...)``
    """Matches a list parameter of which any item is ``value``, or, for a list of structures,
    any item whose given ``members`` all equal the values given.

    ``calls.filter("GetCampaignStateBatch", campaignIds=contains("id-1"))``,
    ``calls.assert_not_called("PutDialRequestBatch", dialRequests=contains(phoneNumber="+1555"))``.
    When used, it is checked against the model: the parameter must be a list; a list of
    structures takes member names as keywords (names its items have), a list of scalars one
    positional value; anything else is a ``TypeError``. A member's value may itself be a
    ``contains`` for a list nested in the items.
    """

    __slots__ = ("_members", "_value")

    def __init__(self, *value: Any, **members: Any) -> None:
        if len(value) > 1:
            raise TypeError(
                f"contains() takes one item value, got {len(value)}: {value!r}; "
                "to require several items, give several assertions"
            )
        if value and members:
            raise TypeError(
                "contains() takes either one item value (a list of scalars) or item members "
                "as keywords (a list of structures), not both"
            )
        if not value and not members:
            raise TypeError(
                "contains() needs one item value, contains('id-1'), or item members as "
                "keywords, contains(phoneNumber='+15550100')"
            )
        self._value: tuple[Any, ...] = value
        self._members: dict[str, Any] = members

    def __repr__(self) -> str:
        shown = [repr(v) for v in self._value]
        shown += [f"{k}={v!r}" for k, v in self._members.items()]
        return f"contains({', '.join(shown)})"

    def matches(self, actual: Any) -> bool:
        """Whether ``actual`` is a list with an item that matches."""
        if not isinstance(actual, list):
            return False
        if self._value:
            return any(_matches(item, self._value[0]) for item in actual)
        return any(
            isinstance(item, dict)
            and all(k in item and _matches(item[k], v) for k, v in self._members.items())
            for item in actual
        )

    def check(self, path: str, shape: Any, siblings: dict[str, Any]) -> None:
        """TypeError unless this matcher fits ``shape``, the botocore shape of member ``path``
        (``Operation.member``), whose structure has the members ``siblings``."""
        __tracebackhide__ = True
        if shape.type_name != "list":
            owner = path.rpartition(".")[0]
            lists = sorted(k for k, s in siblings.items() if s.type_name == "list")
            raise TypeError(
                f"{path} is a {shape.type_name}, not a list: contains() matches an item of a "
                "list member; "
                + (f"{owner}'s are: {', '.join(lists)}" if lists else f"{owner} has none")
            )
        item = shape.member
        name = path.rpartition(".")[2]
        if item.type_name == "structure":
            valid = ", ".join(sorted(item.members))
            if self._value:
                raise TypeError(
                    f"{path} holds structures ({item.name}): give item members as keywords, "
                    f"{name}=contains(<member>=...), not {self!r}; the members are: {valid}"
                )
            for key, value in self._members.items():
                if key not in item.members:
                    raise TypeError(
                        f"{path} items ({item.name}) have no member {key!r}; "
                        f"their members are: {valid}"
                    )
                if isinstance(value, contains):
                    value.check(f"{path}[].{key}", item.members[key], item.members)
        elif self._members:
            raise TypeError(
                f"{path} holds {item.type_name}s, which have no members: give the item itself, "
                f"{name}=contains(...), not {self!r}"
            )
        elif isinstance(self._value[0], contains):
            raise TypeError(f"{path} holds {item.type_name}s, not lists: {self!r} cannot match")


def _matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, contains):
        return expected.matches(actual)
    return bool(actual == expected)


def _wanted(operation: str, params: dict[str, Any], services: tuple[str, ...]) -> str:
    wanted = _operation_name(operation, services)
    if params:
        wanted += "(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"
    return wanted


def _operation_name(operation: str, services: tuple[str, ...]) -> str:
    """The model's name of ``operation`` (either spelling) in the first of ``services`` that
    has it; ValueError, as the first model words it, when none has."""
    __tracebackhide__ = True
    for service in services:
        model = load(service)
        if operation in model.operations:
            return operation
        if operation in model.by_snake_name:
            return model.by_snake_name[operation]
    return load(services[0]).operation_name(operation)


def _input_members(operation: str, services: tuple[str, ...] = (SERVICE_NAME,)) -> dict[str, Any]:
    """The input members of one operation, by name, as botocore shapes (of every model in
    ``services`` that has the operation)."""
    found: dict[str, Any] = {}
    for service in services:
        model = load(service)
        if operation in model.operations:
            shape = model.operations[operation].input_shape
            if shape is not None:
                found = {**dict(shape.members), **found}
    return found


def _check_params(
    operation: str | None, params: dict[str, Any], services: tuple[str, ...] = (SERVICE_NAME,)
) -> None:
    """TypeError for a parameter name the operation's input does not have (without an
    operation: that no operation's input has), or a ``contains`` that does not fit."""
    __tracebackhide__ = True
    if operation is not None:
        members = _input_members(operation, services)
        for key, value in params.items():
            if key not in members:
                raise TypeError(
                    f"{operation} has no input member {key!r}; its members are: "
                    f"{', '.join(sorted(members)) or '(none)'}"
                    f"{_hint(key, [operation], services)}"
                )
            if isinstance(value, contains):
                value.check(f"{operation}.{key}", members[key], members)
        return
    operations = sorted({op for service in services for op in load(service).operations})
    for key, value in params.items():
        having = [op for op in operations if key in _input_members(op, services)]
        if not having:
            every = sorted({m for op in operations for m in _input_members(op, services)})
            raise TypeError(
                f"No {' or '.join(services)} operation has an input member {key!r}; the "
                f"input members are: {', '.join(every)}{_hint(key, operations, services)}"
            )
        if isinstance(value, contains):
            # Without an operation, the matcher must fit the member of at least one of them.
            problems: list[TypeError] = []
            for op in having:
                members = _input_members(op, services)
                try:
                    value.check(f"{op}.{key}", members[key], members)
                except TypeError as problem:
                    problems.append(problem)
                else:
                    break
            else:
                raise problems[0]


def _hint(key: str, operations: list[str], services: tuple[str, ...]) -> str:
    """How to reach ``key`` where it is a member nested in these operations' inputs."""
    for operation in operations:
        for name, shape in sorted(_input_members(operation, services).items()):
            if shape.type_name == "list" and shape.member.type_name == "structure":
                if key in shape.member.members:
                    where = f"{operation}.{name}" if len(operations) > 1 else name
                    return f". To match inside {where} use {name}=contains({key}=...)"
            elif shape.type_name == "structure" and key in shape.members:
                where = f"{operation}.{name}" if len(operations) > 1 else name
                return (
                    f". {key} is a member of {where}: match it with "
                    f"where=lambda call: call.params[{name!r}].get({key!r}) == ..."
                )
    if len(operations) == 1:
        lists = [
            n
            for n, s in sorted(_input_members(operations[0], services).items())
            if s.type_name == "list"
        ]
        if lists:
            return f". To match an item of {lists[0]} use {lists[0]}=contains(...)"
    return ""


class Journal:
    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self.retry_delays: list[float] = []

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def record_delay(self, seconds: float) -> None:
        with self._lock:
            self.retry_delays.append(seconds)

    def view(self, services: tuple[str, ...] = (SERVICE_NAME,), *, only: bool = False) -> Calls:
        """The calls (of ``services`` alone, with ``only``), names checked against their
        models."""
        return Calls(self._calls, services, only)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self.retry_delays.clear()
