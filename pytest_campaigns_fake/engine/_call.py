"""One journal entry: a request as the service received it, and how it was answered."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from ._journal_values import copied
from ._wire import shaped

if TYPE_CHECKING:
    from botocore.model import Shape


class Summary(NamedTuple):
    """How a service's calls are written on one line (the engine makes one per description)."""

    #: Written before the operation's name: where a test finds that API's controls (``v2.``).
    label: str
    #: Parameters worth showing, most telling first, as ``name='value'``.
    key_params: tuple[str, ...]
    #: Batch members (lists of structures), shown by their length: ``items=<3 items>``.
    batches: tuple[str, ...]


#: The summary of a call whose service says nothing of its own.
PLAIN = Summary("", (), ())


class Call:
    """One request as the service received it, and how it was answered.

    Read-only: its fields cannot be set, and ``params`` and ``response`` are copies, so what a
    test does with them changes nothing in the journal, the fake or its snapshots."""

    __slots__ = (
        "_account",
        "_attempt",
        "_body",
        "_elsewhere",
        "_error_code",
        "_error_message",
        "_hint",
        "_injected",
        "_injected_items",
        "_operation",
        "_params",
        "_region",
        "_request_id",
        "_response",
        "_service",
        "_shape",
        "_status_code",
        "_summary",
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
        service: str,
        summary: Summary = PLAIN,
    ) -> None:
        # On the hot path: plain slot stores, nothing computed. The params as decoded from the
        # wire are made into the model's shape (declared members only, timestamps as
        # datetimes) when a test first reads them.
        self._operation = operation
        self._service = service
        self._summary = summary
        self._params = params
        self._shape = shape
        self._status_code = status_code
        self._error_code = error_code
        self._error_message = error_message
        self._attempt = attempt
        self._region = region
        self._account = account
        self._request_id = request_id
        self._injected = injected
        self._injected_items = injected_items
        self._hint = hint
        self._elsewhere = elsewhere
        # The answer is kept as the bytes sent, so later changes to the store cannot alter it,
        # and it is decoded only if a test reads it.
        self._body = body
        self._response: dict[str, Any] | None = None

    @property
    def operation(self) -> str:
        """The operation's name in the model, ``"CreateThing"`` (not ``create_thing``)."""
        return self._operation

    @property
    def service(self) -> str:
        """The botocore service name of the API called (as ``boto3.client()`` takes it)."""
        return self._service

    @property
    def status_code(self) -> int:
        """The HTTP status answered: 200, or the error's."""
        return self._status_code

    @property
    def error_code(self) -> str | None:
        """The error's name, ``"ResourceNotFoundException"``; None on success."""
        return self._error_code

    @property
    def error_message(self) -> str | None:
        """The error's message; None on success."""
        return self._error_message

    @property
    def attempt(self) -> int:
        """botocore's attempt number: 1 for the first try, 2 for the first retry, ..."""
        return self._attempt

    @property
    def region(self) -> str:
        """The region the request was signed for."""
        return self._region

    @property
    def account(self) -> str:
        """The account the request acted in."""
        return self._account

    @property
    def request_id(self) -> str:
        """The ``x-amzn-RequestId`` answered."""
        return self._request_id

    @property
    def injected(self) -> bool:
        """Whether a fault produced the answer."""
        return self._injected

    @property
    def injected_items(self) -> tuple[str, ...]:
        """The per-item failure codes of a batch that faults injected, in order."""
        return self._injected_items

    @property
    def hint(self) -> str | None:
        """What in the test would have avoided this error, when the fake can tell."""
        return self._hint

    @property
    def params(self) -> dict[str, Any]:
        """The request's parameters as the service acted on them: member names as in the model,
        only the members its input declares, timestamps as aware UTC datetimes (for a request
        that failed validation: as decoded). A copy: changing it changes nothing."""
        return copied(self._shaped())

    def _shaped(self) -> dict[str, Any]:
        """The params, shaped once, for the journal's own reading (never handed out)."""
        if self._shape is not None:
            self._params = shaped(self._shape, self._params)
            self._shape = None
        return self._params

    @property
    def response(self) -> dict[str, Any] | None:
        """The successful answer's members as sent; None for errors and empty answers. A copy:
        changing it changes nothing."""
        answer = self._answer()
        return None if answer is None else copied(answer)

    def _answer(self) -> dict[str, Any] | None:
        if self._response is None and self._body:
            answer: dict[str, Any] = json.loads(self._body)
            self._response = answer
        return self._response

    def __repr__(self) -> str:
        return f"<Call {self.summary()}>"

    @property
    def ok(self) -> bool:
        """Whether the call was answered with success (no error code)."""
        return self._error_code is None

    def summary(self) -> str:
        """One line: operation, key parameters, outcome (per item for batches), hint."""
        return self._line()

    def _line(self, note: str = "") -> str:
        params = self._shaped()
        label, key_params, batches = self._summary
        shown = []
        for key in key_params:
            if key in params:
                shown.append(f"{key}={params[key]!r}")
        for batch in batches:
            if isinstance(params.get(batch), list):
                shown.append(f"{batch}=<{len(params[batch])} items>")
        outcome = "200 OK" if self.ok else f"{self._status_code} {self._error_code}"
        if self._injected:
            outcome += " (injected)"
        outcome += self._items_outcome()
        retry = f" [attempt {self._attempt}]" if self._attempt > 1 else ""
        where = f" [{self._region}, account {self._account}]" if self._elsewhere else ""
        hint = f"\n       hint: {self._hint}" if self._hint else ""
        called = f"{label}{self._operation}({', '.join(shown)})"
        return f"{called} -> {outcome}{retry}{where}{note}{hint}"

    def _items_outcome(self) -> str:
        """``, 1 of 2 failed: RequestThrottled (injected)`` for a batch with failed items."""
        response = self._answer() if self.ok else None
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
