"""rest-json on the wire: an HTTP request in, (operation, params) out; a result or error back.

The response is a real ``AWSResponse`` so botocore's own parser, error classes and retry
handlers run on it exactly as on an answer from AWS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.model import OperationModel, Shape

from ._errors import ServiceError
from ._model import Model, contains
from ._validation import iso8601, parse_timestamp

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")
_HOST_REGION = re.compile(r"connect-campaigns(?:-fips)?\.([a-z0-9-]+)\.")
_ATTEMPT = re.compile(r"attempt=(\d+)")


@dataclass(frozen=True)
class Envelope:
    """What the fake reads from a request besides the operation's parameters."""

    access_key: str | None
    region: str | None
    attempt: int
    url: str


def envelope(request: AWSPreparedRequest) -> Envelope:
    headers = request.headers
    auth = headers.get("Authorization") or ""
    if isinstance(auth, bytes):
        auth = auth.decode("latin-1")
    scope = _SCOPE.search(auth)
    if scope is not None:
        access_key, region = scope.group(1), scope.group(2)
    else:
        host = _HOST_REGION.search(urlsplit(request.url).netloc)
        access_key, region = None, host.group(1) if host else None
    sdk_request = headers.get("amz-sdk-request") or ""
    if isinstance(sdk_request, bytes):
        sdk_request = sdk_request.decode("latin-1")
    attempt = _ATTEMPT.search(sdk_request)
    return Envelope(access_key, region, int(attempt.group(1)) if attempt else 1, request.url)


def decode(model: Model, request: AWSPreparedRequest) -> tuple[OperationModel, dict[str, Any]]:
    """The routed operation and its parameters, with member names as in the model."""
    url = urlsplit(request.url)
    found = model.route(request.method.upper(), url.path)
    if found is None:
        raise ServiceError(
            "UnknownOperationException",
            f"No operation matches {request.method.upper()} {url.path}",
        )
    route, labels = found
    params: dict[str, Any] = {}
    if route.body_members:
        params.update(_json_body(request.body))
    for label, member in route.labels.items():
        params[member] = unquote(labels[label])
    if route.query and url.query:
        for key, value in parse_qsl(url.query, keep_blank_values=True):
            target = route.query.get(key)
            if target is None:
                continue
            member, is_list = target
            if is_list:
                params.setdefault(member, []).append(value)
            else:
                params[member] = value
    # An empty list cannot travel in a query string: botocore sends nothing for `tagKeys=[]`.
    for member in route.required_query_lists:
        params.setdefault(member, [])
    return route.operation, params


def _json_body(body: Any) -> dict[str, Any]:
    if body is None or body == b"" or body == "":
        return {}
    if hasattr(body, "read"):
        body = body.read()
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ServiceError(
            "SerializationException", f"Could not parse request body into json: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise ServiceError("SerializationException", "Request body must be a JSON object")
    return data


def convert_timestamps(shape: Shape | None, value: Any) -> Any:
    """Turn the timestamp members of validated params into aware datetimes, in place."""
    if shape is None or not contains(shape, _is_timestamp):
        return value
    kind = shape.type_name
    if kind == "timestamp":
        return parse_timestamp(value)
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                value[name] = convert_timestamps(member, value[name])
    elif kind == "list" and isinstance(value, list):
        value[:] = [convert_timestamps(shape.member, v) for v in value]
    elif kind == "map" and isinstance(value, dict):
        for k in value:
            value[k] = convert_timestamps(shape.value, value[k])
    return value


def _is_timestamp(shape: Shape) -> bool:
    return bool(shape.type_name == "timestamp")


class _Body:
    """The ``raw`` of an AWSResponse: botocore reads it through ``stream()``."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any) -> bytes:
        return self._data


def encode(result: dict[str, Any] | None) -> bytes | None:
    """A successful answer's JSON body; None for operations without output."""
    if result is None:
        return None
    return json.dumps(result, default=_json_default, separators=(",", ":")).encode()


def success(url: str, request_id: str, body: bytes | None) -> AWSResponse:
    headers = {"x-amzn-RequestId": request_id}
    if body is None:
        body = b""
    else:
        headers["Content-Type"] = "application/json"
    headers["Content-Length"] = str(len(body))
    return AWSResponse(url, 200, headers, _Body(body))


def failure(url: str, request_id: str, status: int, error: ServiceError) -> AWSResponse:
    payload: dict[str, Any] = {"message": error.message}
    payload.update(error.members)
    body = json.dumps(payload, default=_json_default, separators=(",", ":")).encode()
    headers = {
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": error.code,
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
    }
    return AWSResponse(url, status, headers, _Body(body))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso8601(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
