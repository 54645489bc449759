"""A botocore service model, loaded once per service: operations, routes, errors, shapes.

Everything the fake knows about shapes, routes and error statuses is read from here, so a
botocore upgrade that changes the model changes the fake without code. ``load(name)`` gives
the installed model of a botocore service (by its botocore name); ``build()`` makes the same
from any rest-json ``ServiceModel`` (the engine serves each model it is given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

import botocore.session
from botocore import xform_name
from botocore.model import NoShapeFoundError, OperationModel, ServiceModel, Shape

from ..botocore_corners._botocore import shape_model_identity
from ._nearest import did_you_mean

# AWS "Common Errors" that every service may return although no service model lists them.
# The model's own error shapes take precedence over this table.
COMMON_ERRORS: dict[str, int] = {
    "AccessDeniedException": 400,
    "ExpiredTokenException": 403,
    "IncompleteSignature": 400,
    "InternalFailure": 500,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "InvalidParameterCombination": 400,
    "InvalidParameterValue": 400,
    "InvalidQueryParameter": 400,
    "MalformedQueryString": 404,
    "MissingAction": 400,
    "MissingAuthenticationToken": 403,
    "MissingParameter": 400,
    "NotAuthorized": 400,
    "OptInRequired": 403,
    "RequestExpired": 400,
    "RequestTimeout": 408,
    "ServiceUnavailable": 503,
    "ThrottlingException": 400,
    "UnrecognizedClientException": 403,
    "ValidationError": 400,
    # What a rest-json front end answers before any operation runs.
    "SerializationException": 400,
    "UnknownOperationException": 404,
}


@dataclass(frozen=True)
class Route:
    operation: OperationModel
    method: str
    pattern: re.Pattern[str]
    # URI label name -> input member name
    labels: dict[str, str]
    # query string key -> (input member name, is a list)
    query: dict[str, tuple[str, bool]]
    # input members that travel in the JSON body
    body_members: frozenset[str]
    # required list members of the query string (absent on the wire when empty)
    required_query_lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    service: ServiceModel
    operations: dict[str, OperationModel]
    routes: tuple[Route, ...]
    by_snake_name: dict[str, str]
    error_status: dict[str, int] = field(default_factory=dict)
    _routed: dict[tuple[str, str], tuple[Route, dict[str, str]] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __repr__(self) -> str:
        # Short: a traceback or message showing a model would otherwise print every shape.
        return f"<Model {self.service.service_name} {self.service.api_version}>"

    def operation_name(self, name: str) -> str:
        """``describe_thing`` or ``DescribeThing`` -> ``DescribeThing``; ValueError
        naming the known operations otherwise."""
        __tracebackhide__ = True
        if name in self.operations:
            return name
        try:
            return self.by_snake_name[name]
        except KeyError:
            # Suggested in the spelling given: snake_case names for a snake_case name.
            spelling = self.by_snake_name if name.islower() else self.operations
            raise ValueError(
                f"Unknown {self.service.service_name} operation {name!r}"
                f"{did_you_mean(name, spelling)}; known: {', '.join(sorted(self.operations))}"
            ) from None

    def status_of(self, code: str) -> int:
        return self.error_status.get(code, COMMON_ERRORS.get(code, 400))

    def errors_of(self, operation: str) -> tuple[str, ...]:
        return tuple(s.name for s in self.operations[operation].error_shapes)

    def error_shape(self, code: str) -> Shape | None:
        try:
            shape: Shape = self.service.shape_for(code)
        except NoShapeFoundError:
            return None
        return shape if shape.metadata.get("exception") else None

    def route(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # Tests ask for the same few paths again and again: each is matched once (the cache is
        # emptied when it grows past a bound; callers never change what it returns).
        key = (method, path)
        try:
            return self._routed[key]
        except KeyError:
            pass
        found = None
        for route in self.routes:
            if route.method != method:
                continue
            match = route.pattern.fullmatch(path)
            if match is not None:
                found = route, match.groupdict()
                break
        if len(self._routed) >= 1024:
            self._routed.clear()
        self._routed[key] = found
        return found


def _compile_route(op: OperationModel) -> Route:
    uri = op.http["requestUri"]
    path, _, _ = uri.partition("?")
    members = op.input_shape.members if op.input_shape is not None else {}
    labels: dict[str, str] = {}
    query: dict[str, tuple[str, bool]] = {}
    body: set[str] = set()
    for name, shape in members.items():
        location = shape.serialization.get("location")
        wire_name = shape.serialization.get("name", name)
        if location == "uri":
            labels[wire_name] = name
        elif location == "querystring":
            query[wire_name] = (name, shape.type_name == "list")
        elif location is None:
            body.add(name)

    def label(match: re.Match[str]) -> str:
        name = match.group(1)
        greedy = name.endswith("+")
        name = name.rstrip("+")
        # Empty labels still route, so that the operation can answer with a modelled error.
        return f"(?P<{name}>{'.*' if greedy else '[^/]*'})"

    regex = re.sub(r"\\\{([^}]+)\\\}", label, re.escape(path))
    required = set(op.input_shape.required_members) if op.input_shape is not None else set()
    lists = tuple(m for m, is_list in query.values() if is_list and m in required)
    return Route(op, op.http["method"], re.compile(regex), labels, query, frozenset(body), lists)


@cache
def load(service_name: str) -> Model:
    """The installed botocore model of ``service_name``, loaded once."""
    return build(botocore.session.Session().get_service_model(service_name))


def build(service: ServiceModel) -> Model:
    """The fake's view of a rest-json service model: operations, routes, error statuses."""
    operations = {name: service.operation_model(name) for name in service.operation_names}
    # Literal routes before templated ones, so `/things-state` never reads as `/things/{id}`.
    routes = sorted(
        (_compile_route(op) for op in operations.values()),
        key=lambda r: (r.pattern.pattern.count("(?P<"), -len(r.pattern.pattern)),
    )
    status: dict[str, int] = {}
    for op in operations.values():
        for shape in op.error_shapes:
            status[shape.name] = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
    return Model(
        service=service,
        operations=operations,
        routes=tuple(routes),
        by_snake_name={xform_name(name): name for name in operations},
        error_status=status,
    )


def contains(shape: Shape, test: Callable[[Shape], bool]) -> bool:
    """Whether ``test`` holds for the shape or any shape nested in it (members, items, keys,
    values); used for "holds a timestamp" and "holds a sensitive member"."""
    key = (shape_key(shape), test)
    found = _contains.get(key)
    if found is None:
        found = _contains[key] = _walk(shape, test, frozenset())
    return found


_contains: dict[tuple[tuple[int, str], Callable[[Shape], bool]], bool] = {}


def shape_key(shape: Shape) -> tuple[int, str]:
    """What identifies a shape across models: shape names are unique only within one model
    (two versions of an API may both have a ``Thing``), so the key adds the model the shape
    belongs to."""
    return (shape_model_identity(shape), shape.name)


def _walk(shape: Shape, test: Callable[[Shape], bool], seen: frozenset[str]) -> bool:
    if test(shape):
        return True
    if shape.name in seen:
        return False
    seen = seen | {shape.name}
    kind = shape.type_name
    if kind == "structure":
        nested = list(shape.members.values())
    elif kind == "list":
        nested = [shape.member]
    elif kind == "map":
        nested = [shape.key, shape.value]
    else:
        nested = []
    return any(_walk(inner, test, seen) for inner in nested)
