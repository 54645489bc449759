"""Answering one request: the straight path every request takes, under one lock.

    envelope -> decode (route) -> validate -> request checks -> faults -> operation -> encode
                                                       (every attempt journaled)

The engine serves one or more service descriptions. A description says which botocore model
it serves and holds an explicit table, operation name -> rule; a request is routed by path to
the model that serves it. The engine knows no service: rules, the state they act on (sliced by
account and region), hints, the state an injected error reports and how its calls are summed
up come from the description. Interception (and a server) talk only to ``Engine.answer`` and
``Engine.record_delay``.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol
from urllib.parse import urlsplit

from . import _wire
from ._call import Summary
from ._endpoints import aws_host_region
from ._errors import PRODUCT, ServiceError
from ._faults import Faults
from ._journal import Call, Journal
from ._model import Model
from ._validation import Widening, admitter, widening

if TYPE_CHECKING:
    from types import FrameType

    from botocore.awsrequest import AWSPreparedRequest, AWSResponse
    from botocore.model import OperationModel, Shape

    from ._clock import Ids

Result = Optional[dict[str, Any]]
# An operation's implementation: its business rules, on the caller's bucket (what the caller's
# account sees in the request's region: ``Description.buckets``), with params that passed
# validation. ``state`` is the description's own object (settings, quotas, clock...).
Operation = Callable[[Any, Any, dict[str, Any]], Result]


class Registrar(Protocol):
    """``@operation("Name")``, or ``@operation("Name", CHECKS)``."""

    def __call__(
        self, name: str, table: dict[str, Operation] = ...
    ) -> Callable[[Operation], Operation]: ...


def registrar(default: dict[str, Operation]) -> Registrar:
    """The ``@operation("Name")`` decorator of a description's table: registers a rule under
    the model's name of its operation, in ``default`` or in the table given (``CHECKS``)."""

    def operation(
        name: str, table: dict[str, Operation] = default
    ) -> Callable[[Operation], Operation]:
        def register(rule: Operation) -> Operation:
            table[name] = rule
            return rule

        return register

    return operation


# What a description can tell about a request beyond answering it.
ErrorMember = Callable[[Any, Any, str, dict[str, Any]], Any]
Hint = Callable[[Any, str, dict[str, Any], str, str], Optional[str]]
# Given the state the rules act on: the bucket of an (account, region).
Buckets = Callable[[Any], Callable[[str, str], Any]]

#: The status and code of an operation of the installed model the description has no rule for
#: (a newer botocore than the fake): 501 is HTTP's "the server does not support the
#: functionality required", and no retry mode of botocore retries it (500, 502, 503 and 504
#: are), so the client fails at once, with one journaled attempt.
NOT_IMPLEMENTED_STATUS = 501
NOT_IMPLEMENTED_CODE = "NotImplemented"


class UnimplementedOperationWarning(UserWarning):
    """The installed botocore model has an operation the fake does not implement yet.

    Raised once per fake and operation, at the first request to it; the request itself is
    answered HTTP 501 ``NotImplemented`` (a ``ClientError``). Every other operation is
    answered as usual, so a botocore upgrade that adds an operation breaks only the tests that
    call it.
    """


@dataclass(frozen=True)
class Description:
    """One service model the engine serves, and the rules that implement it.

    ``operations`` should hold every operation of the model (the conformance tests check it);
    one it lacks (a botocore newer than the fake) is answered 501 ``NotImplemented``;
    ``checks`` are the operation's checks on the request alone (ValidationException), made
    before faults; ``buckets`` gives, from the state, the function that finds the bucket of an
    (account, region), which each rule gets (None: the rules get None); ``error_member``
    supplies an injected error's required member from the state (an error's ``state`` member:
    the resource's own); ``hint`` explains a ResourceNotFoundException the test could have
    avoided; ``widening`` is a setting of the state under which the model's patterns accept
    more; ``label`` is what a journaled call's repr writes before the operation's name (``v2.``:
    where a test finds that API's controls); ``key_params`` are the parameters a call's
    one-line summary shows, most telling first (by default, the members the model's URIs
    carry); ``item_keys`` are what an item fault's match may name besides an item's own
    members: key -> the member of the batch request whose value items carry under that key.
    """

    model: Model
    operations: Mapping[str, Operation]
    checks: Mapping[str, Operation] = field(default_factory=dict)
    buckets: Buckets | None = None
    error_member: ErrorMember | None = None
    hint: Hint | None = None
    widening: Widening | None = None
    label: str = ""
    key_params: tuple[str, ...] = ()
    item_keys: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Served:
    """A description with the state its rules act on and the faults set up on its model."""

    description: Description
    state: Any
    faults: Faults
    item_faults: _ItemFaults
    #: The bucket of an (account, region), found once per request.
    bucket: Callable[[str, str], Any]
    summary: Summary


@dataclass(frozen=True)
class _Plan:
    """What answering one operation takes, looked up once per operation, not per request."""

    input_shape: Shape | None
    # Validation and the params in the model's shape, in one walk.
    admit: Callable[[dict[str, Any]], dict[str, Any]]
    check: Operation | None
    operation: Operation


class _ItemFaults:
    """The faults' per-item failures, noting the codes injected into the current request
    (the journal shows them; requests are answered one at a time, under the engine's lock)."""

    def __init__(self, faults: Faults) -> None:
        self._faults = faults
        self.injected: list[str] = []

    def item_failure(self, operation: str, item: dict[str, Any]) -> str | None:
        code = self._faults.item_failure(operation, item)
        if code is not None:
            self.injected.append(code)
        return code


class Engine:
    """Answers HTTP requests for the served descriptions, journaling every attempt."""

    def __init__(
        self,
        *,
        ids: Ids,
        faults: Faults,
        journal: Journal,
        accounts: Mapping[str, str],
        home: Callable[[], tuple[str, str]],
    ) -> None:
        self.faults = faults
        self.journal = journal
        # What rules call for per-item failures (and what the journal learns from).
        self.item_faults = _ItemFaults(faults)
        # One request at a time, journal included: the journal's order is the order in which
        # the service acted, whatever the threads. Reentrant: seeds take it too.
        self.lock = threading.RLock()
        self._ids = ids
        self._accounts = accounts
        self._home = home
        self._served: list[Served] = []
        self._plans: dict[OperationModel, _Plan] = {}

    def serve(
        self, description: Description, state: Any, faults: Faults | None = None
    ) -> _ItemFaults:
        """Serve ``description``'s model, its rules acting on ``state``, the faults of
        ``faults`` (the engine's own by default) firing on its requests; returns what its rules
        call for per-item failures."""
        # An operation without a rule (the installed botocore is newer than the fake) does not
        # stop the fake: its requests are answered 501 NotImplemented (see _plan).
        if faults is None or faults is self.faults:
            faults, item_faults = self.faults, self.item_faults
        else:
            item_faults = _ItemFaults(faults)
        if hasattr(state, "faults"):
            # The rules ask their own model's faults for per-item failures.
            state.faults = item_faults
        # What an item fault's match may name beyond an item's own members: faults shared by
        # several descriptions take the keys of each.
        faults.item_keys = {**faults.item_keys, **description.item_keys}
        bucket = description.buckets(state) if description.buckets is not None else _no_bucket
        self._served.append(
            Served(description, state, faults, item_faults, bucket, summary_of(description))
        )
        return item_faults

    def _plan(self, description: Description, op_model: OperationModel) -> _Plan:
        plan = self._plans.get(op_model)
        if plan is None:
            shape = op_model.input_shape
            rule = description.operations.get(op_model.name)
            if rule is None:
                # Made once per operation and engine: the warning is given once per fake, and
                # the requests that follow cost what any other operation's do.
                rule = _not_implemented(description.model, op_model.name)
            plan = self._plans[op_model] = _Plan(
                shape,
                admitter(shape),
                description.checks.get(op_model.name),
                rule,
            )
        return plan

    @property
    def served(self) -> Sequence[Served]:
        return tuple(self._served)

    def record_delay(self, seconds: float) -> None:
        """A wait botocore asked for (retry backoff), recorded instead of slept."""
        self.journal.record_delay(seconds)

    def answer(self, request: AWSPreparedRequest) -> AWSResponse:
        """Answer one HTTP request as the service would."""
        with self.lock:
            return self._answer(request)

    def _route(self, request: AWSPreparedRequest) -> tuple[Served, _wire.Routed]:
        """The model that serves the request's method and path, and its route there."""
        for served in self._served:
            routed = _wire.route(served.description.model, request)
            if routed is not None:
                return served, routed
        # Nothing routes: the first model answers UnknownOperationException as AWS would.
        return self._served[0], None

    def _answer(self, request: AWSPreparedRequest) -> AWSResponse:
        envelope = _wire.envelope(request)
        served, routed = self._route(request)
        description, state = served.description, served.state
        model = description.model
        account_default, region_default = self._home()
        region = envelope.region or region_default
        request_id = self._ids.request_id()
        if not envelope.signed:
            # AWS's front end refuses it (403) before any operation runs; journaled all the same,
            # in the region of the host when it is AWS's host of the service.
            host = urlsplit(envelope.url).hostname or ""
            region = aws_host_region(model, host) or region_default
            name, decoded = _wire.identify(model, request, routed)
            refused = _wire.missing_token()
            self.journal.record(
                Call(
                    operation=name,
                    params=decoded,
                    status_code=403,
                    error_code=refused.code,
                    error_message=refused.message,
                    attempt=envelope.attempt,
                    region=region,
                    account=account_default,
                    request_id=request_id,
                    service=model.service.service_name,
                    summary=served.summary,
                )
            )
            return _wire.failure(envelope.url, request_id, 403, refused)
        account = self._accounts.get(envelope.access_key or "", account_default)
        operation = "Unknown"
        params: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        valid: Shape | None = None
        error: ServiceError | None = None
        injected = False
        body: bytes | None = None
        faults = served.faults
        injected_items = served.item_faults.injected
        injected_items.clear()
        bucket = served.bucket(account, region)
        try:
            op_model, raw = _wire.decode(request, routed)
            operation = op_model.name
            plan = self._plan(description, op_model)
            # Validation, then the checks on the request alone, then faults: an invalid
            # request is rejected before any fault can fire, so it never uses one up.
            # From here on, the params hold only the members the model declares, timestamps
            # as datetimes, whoever answers: the service, or an injected fault.
            wider = description.widening
            if wider is not None and wider.active(state):
                widened = widening.set(wider)
                try:
                    params = plan.admit(raw)
                finally:
                    widening.reset(widened)
            else:
                params = plan.admit(raw)
            valid = plan.input_shape
            if plan.check is not None:
                plan.check(state, bucket, params)
            if faults.armed:
                fault = faults.request_error(
                    operation, params, _state_of(description, state, bucket, params)
                )
                if fault is not None:
                    injected = True
                    raise fault
            body = _wire.encode(plan.operation(state, bucket, params))
        except ServiceError as raised:
            error = raised
        status = 200 if error is None else _status(model, error)
        hint = None
        if (
            error is not None
            and error.code == "ResourceNotFoundException"
            and not injected
            and description.hint is not None
        ):
            hint = description.hint(state, operation, params, account, region)
        call = Call(
            operation=operation,
            # The raw decoded request, which nothing else holds: the journal makes it into the
            # model's shape only if a test reads it.
            params=raw,
            shape=valid,
            status_code=status,
            error_code=error.code if error else None,
            error_message=error.message if error else None,
            attempt=envelope.attempt,
            region=region,
            account=account,
            request_id=request_id,
            body=body,
            injected=injected,
            injected_items=tuple(injected_items) if injected_items else (),
            hint=hint,
            elsewhere=account != account_default or region != region_default,
            service=model.service.service_name,
            summary=served.summary,
        )
        self.journal.record(call)
        if error is not None:
            return _wire.failure(envelope.url, request_id, status, error)
        return _wire.success(envelope.url, request_id, body)


def _status(model: Model, error: ServiceError) -> int:
    if type(error) is _NotImplemented:
        return NOT_IMPLEMENTED_STATUS
    return model.status_of(error.code)


class _NotImplemented(ServiceError):
    """The answer to an operation of the model the description has no rule for."""


def _not_implemented(model: Model, operation: str) -> Operation:
    """The rule of an operation the fake does not implement: warns now (the first request to
    it), and answers each request 501 ``NotImplemented``, naming the operation."""
    import botocore

    service = model.service.service_name
    message = (
        f"{PRODUCT} does not implement {service} {operation} yet (it is in the model of the "
        f"installed botocore {botocore.__version__}); every other operation is answered as "
        f"usual. Upgrade {PRODUCT}, or pin botocore to a release without it"
    )
    warnings.warn(message, UnimplementedOperationWarning, stacklevel=user_stacklevel())

    def answer(state: Any, bucket: Any, params: dict[str, Any]) -> Result:
        raise _NotImplemented(NOT_IMPLEMENTED_CODE, message)

    return answer


# Where a warning about a request points: the first frame outside the request's way through
# botocore, boto3, aiobotocore and this package (the user's call), as a warning should.
_MACHINERY = ("botocore", "boto3", "aiobotocore", "aioboto3", "wrapt", __name__.partition(".")[0])


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a ``warnings.warn`` made by the caller at the user's
    line: the first frame outside botocore, boto3, aiobotocore and this package."""
    frame: FrameType | None = sys._getframe(1)  # the frame that calls warnings.warn
    level = 1
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.partition(".")[0] not in _MACHINERY:
            return level
        frame = frame.f_back
        level += 1
    return 1


def _state_of(
    description: Description, state: Any, bucket: Any, params: dict[str, Any]
) -> Callable[[str], Any] | None:
    """The callback an injected error asks for the required members the test left out."""
    error_member = description.error_member
    if error_member is None:
        return None
    return lambda member: error_member(state, bucket, member, params)


def _no_bucket(account: str, region: str) -> None:
    """The bucket of a description that names none: its rules get None."""
    return None


def summary_of(description: Description) -> Summary:
    """How the description's calls are written on one line: its label, its key parameters (by
    default the members the model's URIs carry, in the order the model lists them) and its
    batches (the input members that are lists of structures)."""
    service = description.model.service
    inputs = [
        shape
        for shape in (service.operation_model(op).input_shape for op in service.operation_names)
        if shape is not None
    ]
    key_params = description.key_params or tuple(
        dict.fromkeys(
            name
            for shape in inputs
            for name, member in shape.members.items()
            if member.serialization.get("location") == "uri"
        )
    )
    batches = tuple(
        dict.fromkeys(
            name
            for shape in inputs
            for name, member in shape.members.items()
            if member.type_name == "list" and member.member.type_name == "structure"
        )
    )
    return Summary(description.label, key_params, batches)
