"""Observing every API call of the faked services' clients, whatever answers them.

The run-wide features (``--campaigns-record``, ``--campaigns-coverage``) need each call a test
makes, with its outcome, under every target: the in-process fake, a server, AWS itself. The
engine's journal sees only what the fake answers; this sees the client's side. Each botocore (and
aiobotocore) client's ``_make_api_call`` is wrapped on the class while at least one observer is
registered, so a client made anywhere, before or after, is seen; clients of other services pass
through at the cost of one set lookup.

One ``Exchange`` per API call, after botocore's retries: what the application saw.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..botocore_corners import _aiobotocore, _botocore


@dataclass(frozen=True)
class Exchange:
    """One API call as the client saw it: what it sent, and what it got back."""

    service: str
    operation: str
    #: The parameters the application passed (a deep copy).
    params: dict[str, Any]
    #: The HTTP status of the final answer (0 when none came: a connection error).
    status: int
    #: The error code of a failed call (``ClientError``), else None.
    error_code: str | None
    #: The parsed answer, without ``ResponseMetadata`` (the error document for a failure).
    response: dict[str, Any] = field(default_factory=dict)
    #: The exception's type name when the call raised anything but ``ClientError``.
    raised: str | None = None
    #: The client's region (where the call went: state is kept per region).
    region: str = ""


Observer = Callable[[Exchange], None]

_lock = threading.Lock()
_observers: dict[int, tuple[frozenset[str], Observer]] = {}
_next_handle = [0]


def observe(services: Iterable[str], observer: Observer) -> Callable[[], None]:
    """Call ``observer`` with each API call of a client of ``services``; returns the function
    that stops it. Observers run on the calling thread, after the call."""
    with _lock:
        handle = _next_handle[0] = _next_handle[0] + 1
        if not _observers:
            _botocore.wrap_make_api_call(_make_api_call)
            _aiobotocore.wrap_aio_make_api_call(_amake_api_call)
        _observers[handle] = (frozenset(services), observer)

    def stop() -> None:
        with _lock:
            if _observers.pop(handle, None) is not None and not _observers:
                _botocore.unwrap_make_api_call()
                _aiobotocore.unwrap_aio_make_api_call()

    return stop


def _watching(instance: Any) -> tuple[str, list[Observer]]:
    service: str = instance.meta.service_model.service_name
    return service, [seen for services, seen in list(_observers.values()) if service in services]


def _make_api_call(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    service, observers = _watching(instance)
    if not observers:
        return wrapped(*args, **kwargs)
    operation, params = _arguments(args, kwargs)
    sent = copy.deepcopy(params)
    try:
        result = wrapped(*args, **kwargs)
    except BaseException as error:
        _tell(observers, _failed(service, operation, sent, error), instance)
        raise
    _tell(observers, _succeeded(service, operation, sent, result), instance)
    return result


async def _amake_api_call(
    wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any
) -> Any:
    service, observers = _watching(instance)
    if not observers:
        return await wrapped(*args, **kwargs)
    operation, params = _arguments(args, kwargs)
    sent = copy.deepcopy(params)
    try:
        result = await wrapped(*args, **kwargs)
    except BaseException as error:
        _tell(observers, _failed(service, operation, sent, error), instance)
        raise
    _tell(observers, _succeeded(service, operation, sent, result), instance)
    return result


def _arguments(args: Any, kwargs: Any) -> tuple[str, dict[str, Any]]:
    operation = args[0] if args else kwargs["operation_name"]
    params = args[1] if len(args) > 1 else kwargs["api_params"]
    return operation, params


def _succeeded(service: str, operation: str, params: dict[str, Any], result: Any) -> Exchange:
    response = {key: value for key, value in result.items() if key != "ResponseMetadata"}
    status = result.get("ResponseMetadata", {}).get("HTTPStatusCode", 200)
    return Exchange(service, operation, params, status, None, copy.deepcopy(response))


def _failed(service: str, operation: str, params: dict[str, Any], error: BaseException) -> Exchange:
    if isinstance(error, ClientError):
        answer = error.response
        body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
        status = answer.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = answer.get("Error", {}).get("Code")
        return Exchange(service, operation, params, status, code, copy.deepcopy(body))
    return Exchange(service, operation, params, 0, None, {}, raised=type(error).__name__)


def _tell(observers: list[Observer], exchange: Exchange, client: Any) -> None:
    exchange = dataclasses.replace(exchange, region=client.meta.region_name or "")
    for observer in observers:
        observer(exchange)
