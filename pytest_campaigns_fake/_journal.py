"""Every request the fake answered, one entry per attempt, with filters and assertions."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from typing import Any, Callable, overload

from ._model import load

# Parameters worth showing in a one-line summary of a call, most telling first.
_KEY_PARAMS = ("id", "name", "connectInstanceId", "arn", "campaignIds", "maxResults", "nextToken")


class Call:
    """One request as the service received it, and how it was answered."""

    __slots__ = (
        "_body",
        "_response",
        "account",
        "attempt",
        "error_code",
        "error_message",
        "injected",
        "operation",
        "params",
        "region",
        "request_id",
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
    ) -> None:
        self.operation = operation
        #: The parameters as the service decoded them (timestamps as aware datetimes).
        self.params = params
        self.status_code = status_code
        self.error_code = error_code
        self.error_message = error_message
        self.attempt = attempt
        self.region = region
        self.account = account
        self.request_id = request_id
        self.injected = injected
        # The answer is kept as the bytes sent, so later changes to the store cannot alter it,
        # and it is decoded only if a test reads it.
        self._body = body
        self._response: dict[str, Any] | None = None

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
        return self.error_code is None

    def summary(self) -> str:
        shown = []
        for key in _KEY_PARAMS:
            if key in self.params:
                value = self.params[key]
                shown.append(f"{key}={value!r}")
        if "dialRequests" in self.params and isinstance(self.params["dialRequests"], list):
            shown.append(f"dialRequests=<{len(self.params['dialRequests'])} items>")
        outcome = "200 OK" if self.ok else f"{self.status_code} {self.error_code}"
        if self.injected:
            outcome += " (injected)"
        retry = f" [attempt {self.attempt}]" if self.attempt > 1 else ""
        return f"{self.operation}({', '.join(shown)}) -> {outcome}{retry}"


class Calls(Sequence[Call]):
    """A read-only, ordered view of calls, with respx/unittest.mock-style helpers."""

    def __init__(self, calls: list[Call]) -> None:
        self._calls = calls

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> Calls: ...
    def __getitem__(self, index: int | slice) -> Call | Calls:
        if isinstance(index, slice):
            return Calls(self._calls[index])
        return self._calls[index]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(list(self._calls))

    def __repr__(self) -> str:
        return f"<Calls {len(self)}: {[c.operation for c in self._calls]}>"

    @property
    def last(self) -> Call:
        if not self._calls:
            raise AssertionError("No connectcampaigns call was made")
        return self._calls[-1]

    @property
    def call_count(self) -> int:
        return len(self._calls)

    @property
    def called(self) -> bool:
        return bool(self._calls)

    def filter(
        self,
        operation: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        **params: Any,
    ) -> Calls:
        """Calls of one operation (either spelling) whose params include ``params`` and, with
        ``where``, for which ``where(call)`` is true (to look inside nested parameters)."""
        name = load().operation_name(operation) if operation is not None else None
        return Calls(
            [
                c
                for c in self._calls
                if (name is None or c.operation == name)
                and all(k in c.params and c.params[k] == v for k, v in params.items())
                and (where is None or where(c))
            ]
        )

    def count(
        self,
        operation: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        **params: Any,
    ) -> int:
        """How many calls ``filter`` would return."""
        return len(self.filter(operation, where=where, **params))

    def assert_called(self, operation: str, **params: Any) -> Call:
        """The last matching call; AssertionError listing the calls made if there is none."""
        found = self.filter(operation, **params)
        if not found:
            wanted = load().operation_name(operation)
            if params:
                wanted += "(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"
            raise AssertionError(
                f"Expected a call to {wanted}; calls made:\n{self.describe() or '  (none)'}"
            )
        return found.last

    def assert_called_once(self, operation: str, **params: Any) -> Call:
        found = self.filter(operation, **params)
        if len(found) != 1:
            raise AssertionError(
                f"Expected exactly one call to {load().operation_name(operation)}, "
                f"got {len(found)}; calls made:\n{self.describe() or '  (none)'}"
            )
        return found.last

    def assert_not_called(self, operation: str, **params: Any) -> None:
        found = self.filter(operation, **params)
        if found:
            raise AssertionError(
                f"Expected no call to {load().operation_name(operation)}; "
                f"got {len(found)}:\n{found.describe()}"
            )

    def describe(self) -> str:
        return "\n".join(f"  {i}. {c.summary()}" for i, c in enumerate(self._calls, 1))


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

    def view(self) -> Calls:
        return Calls(self._calls)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self.retry_delays.clear()
