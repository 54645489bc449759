"""Every request the fake answered, one entry per attempt, with filters and assertions."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any, Callable, overload

from ._call import Call
from ._journal_values import contains, expect, matches
from ._model import load
from ._nearest import did_you_mean

# Under a calls description in which botocore's retries absorbed an error.
_ABSORBED = (
    "  absorbed: botocore retried the error until an attempt succeeded; the application never"
    " saw it.\n  To make it see one, inject it for every attempt (times=None) or make the client"
    " with Config(retries={'total_max_attempts': 1}): see docs/faults.md"
)

__all__ = ["Call", "Calls", "Journal", "contains"]


class Calls(Sequence[Call]):
    """A read-only, ordered view of calls, with respx/unittest.mock-style helpers.

    The parameter names given to ``filter``, ``count`` and the assertions are checked against
    the operation's input shape in the botocore model: a name the input does not have is a
    ``TypeError`` (as an unexpected keyword argument is), so a misspelt or nested name can never
    make ``assert_not_called`` pass unnoticed. Use :class:`contains` to match an item of a list.
    """

    def __init__(self, calls: list[Call], services: tuple[str, ...], only: bool = False) -> None:
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

        A parameter's value is compared for equality (a dict with a structure's, a list item by
        item) and may be, or hold, a :class:`contains` matcher, true when an item of that list
        parameter matches. ``ValueError`` for an unknown operation; ``TypeError`` for a
        parameter name the operation's input (or, without an operation, every operation's
        input) does not have; ``FakeUsageError`` for a value that does not fit the member's
        shape in the model, so that no call could match it."""
        __tracebackhide__ = True
        services = self._services
        name = _operation_name(operation, services) if operation is not None else None
        expected = _check_params(name, params, services)
        return Calls(
            [
                c
                for c in list(self._calls)
                if (name is None or (c.operation == name and c.service in services))
                and _matches_all(c._shaped(), expected)
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
        """How many calls ``filter`` would return: attempts of any outcome."""
        __tracebackhide__ = True
        return len(self.filter(operation, where=where, **params))

    def count(self, value: Any) -> int:
        """``Sequence.count``: how many times the ``Call`` ``value`` is in the view. To count
        the calls of an operation, use ``count_of``: an operation name given here is a
        ``TypeError`` (``Sequence.count`` would answer 0, and ``== 0`` pass by accident)."""
        __tracebackhide__ = True
        if isinstance(value, str):
            raise TypeError(
                f"Calls.count counts one Call; to count the calls of an operation use "
                f"calls.count_of({value!r}, ...)"
            )
        return super().count(value)

    def assert_called(self, operation: str, **params: Any) -> Call:
        """The last matching call that succeeded; AssertionError listing the calls made if
        there is none (naming the matching calls that failed: a start answered 403 started
        nothing). ``assert_attempted`` takes attempts of any outcome."""
        __tracebackhide__ = True
        found = self.filter(operation, **params)
        succeeded = [c for c in found if c.ok]
        if not succeeded:
            raise AssertionError(
                self._failed(found, "a successful call to", operation, params)
                if found
                else f"Expected a call to {_wanted(operation, params, self._services)}; "
                f"calls made:\n{self.describe() or '  (none)'}"
            )
        return succeeded[-1]

    def assert_called_once(self, operation: str, **params: Any) -> Call:
        """The one matching call that succeeded; AssertionError listing the calls made unless
        exactly one did (failed attempts, such as the throttled tries botocore retried, do not
        count)."""
        __tracebackhide__ = True
        found = self.filter(operation, **params)
        succeeded = [c for c in found if c.ok]
        if len(succeeded) == 1:
            return succeeded[0]
        if found and not succeeded:
            raise AssertionError(
                self._failed(found, "exactly one successful call to", operation, params)
            )
        raise AssertionError(
            f"Expected exactly one call to {_wanted(operation, params, self._services)}, "
            f"got {len(succeeded)}; calls made:\n{self.describe() or '  (none)'}"
        )

    def assert_attempted(self, operation: str, **params: Any) -> Call:
        """The last matching call whatever its outcome (an error answered, injected or not);
        AssertionError listing the calls made if there is none."""
        __tracebackhide__ = True
        found = self.filter(operation, **params)
        if not found:
            raise AssertionError(
                f"Expected an attempt at {_wanted(operation, params, self._services)}; "
                f"calls made:\n{self.describe() or '  (none)'}"
            )
        return found.last

    def assert_not_called(self, operation: str, **params: Any) -> None:
        """AssertionError listing the matching calls if there is any, whatever its outcome."""
        __tracebackhide__ = True
        found = self.filter(operation, **params)
        if found:
            raise AssertionError(
                f"Expected no call to {_wanted(operation, params, self._services)}; "
                f"got {len(found)}:\n{found.describe()}"
            )

    def _failed(self, found: Calls, wanted: str, operation: str, params: dict[str, Any]) -> str:
        """Why an assertion on a successful call fails when every matching call failed."""
        given = "".join(f", {k}={v!r}" for k, v in params.items())
        failed = "\n".join(f"  - {c.summary()}" for c in found)
        return (
            f"Expected {wanted} {_wanted(operation, params, self._services)}; the "
            f"{len(found)} matching call{'s' if len(found) > 1 else ''} failed:\n{failed}\n"
            f"To assert an attempt whatever its outcome, use "
            f"calls.assert_attempted({operation!r}{given}). Calls made:\n{self.describe()}"
        )

    def describe(self) -> str:
        """The numbered one-line summaries of the calls, as in the report section; an error
        botocore retried until an attempt succeeded is marked as absorbed (the application
        never saw it)."""
        calls = list(self._calls)
        absorbed = _absorbed(calls)
        lines = [f"  {i}. {c._line(_note(absorbed.get(i - 1)))}" for i, c in enumerate(calls, 1)]
        if absorbed:
            lines.append(_ABSORBED)
        return "\n".join(lines)


def _note(succeeded: Call | None) -> str:
    if succeeded is None:
        return ""
    return f" [absorbed by botocore's retries: attempt {succeeded.attempt} succeeded]"


def _absorbed(calls: list[Call]) -> dict[int, Call]:
    """The failed calls botocore retried until an attempt succeeded, by index, with that
    attempt. A retry is the next attempt of the same operation, service, region and account
    with the same params, later in the journal (one pass: chains wait for their next attempt)."""
    waiting: dict[tuple[str, str, str, str, int], list[list[int]]] = {}
    found: dict[int, Call] = {}
    for index, call in enumerate(calls):
        chain: list[int] = []
        if call.attempt > 1:
            key = (call.service, call.operation, call.region, call.account, call.attempt)
            chains = waiting.get(key, [])
            params = call._shaped()
            for n, candidate in enumerate(chains):
                if calls[candidate[-1]]._shaped() == params:
                    chain = chains.pop(n)
                    break
        chain.append(index)
        if call.ok:
            for failed in chain[:-1]:
                found[failed] = call
        else:
            key = (call.service, call.operation, call.region, call.account, call.attempt + 1)
            waiting.setdefault(key, []).append(chain)
    return found


def _matches_all(params: dict[str, Any], expected: dict[str, Any]) -> bool:
    for key, value in expected.items():
        if key not in params or not matches(params[key], value):
            return False
    return True


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


def _inputs(operation: str, services: tuple[str, ...]) -> list[dict[str, Any]]:
    """The input members of one operation, by name, as botocore shapes: one mapping per model
    in ``services`` that has the operation (two versions of an API share operation names)."""
    found = []
    for service in services:
        model = load(service)
        if operation in model.operations:
            shape = model.operations[operation].input_shape
            if shape is not None:
                found.append(dict(shape.members))
    return found


def _input_members(operation: str, services: tuple[str, ...]) -> dict[str, Any]:
    """The input members of one operation in any of ``services``, by name (the first
    model's shape where two have the name)."""
    found: dict[str, Any] = {}
    for members in reversed(_inputs(operation, services)):
        found.update(members)
    return found


def _check_params(
    operation: str | None, params: dict[str, Any], services: tuple[str, ...]
) -> dict[str, Any]:
    """The values of ``params`` as compared with the journal's. TypeError for a parameter name
    the operation's input does not have (without an operation: that no operation's input
    has); FakeUsageError for a value that fits none of the shapes the name has."""
    __tracebackhide__ = True
    if operation is not None:
        members = _input_members(operation, services)
        for key in params:
            if key not in members:
                # Where the name is a nested member, how to reach it is the hint, not a near name.
                nested = _nested_hint(key, [operation], services)
                raise TypeError(
                    f"{operation} has no input member {key!r}"
                    f"{'' if nested else did_you_mean(key, members)}; its members are: "
                    f"{', '.join(sorted(members)) or '(none)'}"
                    f"{nested or _list_hint(operation, services)}"
                )
        places = [(operation, m) for m in _inputs(operation, services)]
        return {key: _expect(key, value, places) for key, value in params.items()}
    operations = sorted({op for service in services for op in load(service).operations})
    expected = {}
    for key, value in params.items():
        places = [
            (op, members)
            for op in operations
            for members in _inputs(op, services)
            if key in members
        ]
        if not places:
            every = sorted({m for op in operations for m in _input_members(op, services)})
            nested = _nested_hint(key, operations, services)
            raise TypeError(
                f"No {' or '.join(services)} operation has an input member {key!r}"
                f"{'' if nested else did_you_mean(key, every)}; the input members are: "
                f"{', '.join(every)}{nested}"
            )
        expected[key] = _expect(key, value, places)
    return expected


def _expect(key: str, value: Any, places: list[tuple[str, dict[str, Any]]]) -> Any:
    """``value`` as compared, checked against member ``key`` of each input that has it: it
    must fit one of them (calls of the others never match it); the first refusal otherwise."""
    __tracebackhide__ = True
    problem: AssertionError | None = None
    for operation, members in places:
        if key not in members:
            continue
        try:
            return expect(f"{operation}.{key}", members[key], value, members)
        except AssertionError as refused:
            problem = problem or refused
    assert problem is not None
    raise problem


def _nested_hint(key: str, operations: list[str], services: tuple[str, ...]) -> str:
    """How to reach ``key`` where it is a member nested in these operations' inputs; ``""``
    where it is not."""
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
    return ""


def _list_hint(operation: str, services: tuple[str, ...]) -> str:
    """How to match an item of the operation's first list member, if it has one."""
    lists = [
        n for n, s in sorted(_input_members(operation, services).items()) if s.type_name == "list"
    ]
    return f". To match an item of {lists[0]} use {lists[0]}=contains(...)" if lists else ""


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

    def view(self, services: tuple[str, ...], *, only: bool = False) -> Calls:
        """The calls (of ``services`` alone, with ``only``), names checked against their
        models."""
        return Calls(self._calls, services, only)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self.retry_delays.clear()
