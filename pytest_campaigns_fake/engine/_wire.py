"""rest-json on the wire: an HTTP request in, (operation, params) out; a result or error back.

The response is a real ``AWSResponse`` so botocore's own parser, error classes and retry
handlers run on it exactly as on an answer from AWS. Requests are made into the model's shape
here (declared members only, timestamps as datetimes), and timestamps are written back as
ISO-8601.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Callable, NamedTuple, Optional
from urllib.parse import parse_qsl, unquote, urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.model import OperationModel, Shape

from ..botocore_corners._botocore import header, http_response
from ._errors import ServiceError
from ._model import Model, Route, shape_key

# A SigV4 credential scope: access key / date / region / service / aws4_request.
_SCOPE = re.compile(r"([^/,\s=]+)/\d{8}/([^/,\s]+)/[^/,\s]+/aws4_request")
_AUTH_SCOPE = re.compile(r"Credential=" + _SCOPE.pattern)
_ATTEMPT = re.compile(r"attempt=(\d+)")


class Envelope(NamedTuple):
    """What the fake reads from a request besides the operation's parameters."""

    # A named tuple, not a frozen dataclass: one is made per request, and a frozen
    # dataclass's __init__ costs as much as reading the request's headers.
    access_key: str | None
    region: str | None
    attempt: int
    url: str
    #: Whether the request carries a SigV4 credential scope, in its ``Authorization`` header
    #: or (a presigned URL) its ``X-Amz-Credential`` query parameter.
    signed: bool = True


def envelope(request: AWSPreparedRequest) -> Envelope:
    headers = request.headers
    scope = _header_scope(header(headers, "Authorization"))
    if scope is None:
        url = urlsplit(request.url)
        presigned = [v for k, v in parse_qsl(url.query) if k.lower() == "x-amz-credential"]
        found = _SCOPE.fullmatch(presigned[0]) if presigned else None
        if found is not None:
            scope = found.group(1), found.group(2)
    # An unsigned request names no region: the engine reads it from the host of the model
    # the request routes to (_endpoints), when that is AWS's.
    access_key, region = scope if scope is not None else (None, None)
    # Positional: a class called with a keyword has it packed into a dict first.
    return Envelope(
        access_key,
        region,
        _attempt(header(headers, "amz-sdk-request")),
        request.url,
        scope is not None,
    )


# A client sends the same few Authorization and amz-sdk-request values again and again: each
# distinct value is parsed once (the caches are emptied when they grow past a bound).
_CACHE_BOUND = 1024
_scopes: dict[str | bytes | None, tuple[str, str] | None] = {}
_attempts: dict[str | bytes | None, int] = {}


def _header_scope(value: str | bytes | None) -> tuple[str, str] | None:
    """(access key, region) of an Authorization header's SigV4 credential scope, or None."""
    try:
        return _scopes[value]
    except KeyError:
        pass
    found = _AUTH_SCOPE.search(_text(value))
    scope = (found.group(1), found.group(2)) if found is not None else None
    if len(_scopes) >= _CACHE_BOUND:
        _scopes.clear()
    _scopes[value] = scope
    return scope


def _attempt(value: str | bytes | None) -> int:
    """The attempt an ``amz-sdk-request`` header counts (``attempt=2; max=5``), 1 without."""
    try:
        return _attempts[value]
    except KeyError:
        pass
    found = _ATTEMPT.search(_text(value))
    attempt = int(found.group(1)) if found else 1
    if len(_attempts) >= _CACHE_BOUND:
        _attempts.clear()
    _attempts[value] = attempt
    return attempt


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value or ""


def missing_token() -> ServiceError:
    """What AWS's front end answers (HTTP 403) to a request without a signature."""
    return ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token")


# What a request's method and path route to in a model: the operation's route and the values of
# its URI labels; None when no operation of the model serves them.
Routed = Optional[tuple[Route, dict[str, str]]]


def route(model: Model, request: AWSPreparedRequest) -> Routed:
    """The route of ``model`` that serves this request's method and path, if any."""
    return model.route(request.method.upper(), urlsplit(request.url).path)


def identify(
    model: Model, request: AWSPreparedRequest, routed: Routed
) -> tuple[str, dict[str, Any]]:
    """The operation and parameters of a request refused before any operation runs.

    As far as they can be read: ``"Unknown"`` for a path no operation serves, no parameters
    for a body that does not decode.
    """
    try:
        op_model, params = decode(request, routed)
    except ServiceError:
        return (routed[0].operation.name if routed else "Unknown"), {}
    return op_model.name, params


def decode(request: AWSPreparedRequest, routed: Routed) -> tuple[OperationModel, dict[str, Any]]:
    """The routed operation (``route``'s answer for the request) and its parameters, with
    member names as in the model."""
    url = urlsplit(request.url)
    if routed is None:
        raise ServiceError(
            "UnknownOperationException",
            f"No operation matches {request.method.upper()} {url.path}",
        )
    route, labels = routed
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
                params[member] = _query_value(route.operation.input_shape.members[member], value)
    # An empty list cannot travel in a query string: botocore sends nothing for `tagKeys=[]`.
    for member in route.required_query_lists:
        params.setdefault(member, [])
    return route.operation, params


def _query_value(shape: Shape, value: str) -> Any:
    """A query-string value as its member's type: botocore sends integers and booleans as
    text (``maxResults=2``); a value that is not one stays text, for validation to refuse."""
    if shape.type_name in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            return value
    if shape.type_name == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def _json_body(body: Any) -> dict[str, Any]:
    if body is None or body == b"" or body == "":
        return {}
    if hasattr(body, "read"):
        body = body.read()
    try:
        if isinstance(body, (bytes, bytearray)):
            # What botocore sends starts with '{': UTF-8. Anything else is detected as
            # json.loads would (UTF-16/32, a BOM).
            encoding = "utf-8" if body[:1] == b"{" else json.detect_encoding(body)
            body = body.decode(encoding, "surrogatepass")
        data = _decoded(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ServiceError(
            "SerializationException", f"Could not parse request body into json: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise ServiceError("SerializationException", "Request body must be a JSON object")
    return data


# More digits than the largest double has: the service's JSON reader sees an infinite number,
# and its validation answers; Python would refuse to build such an int at all.
_MAX_DOUBLE_DIGITS = 309


def _parse_int(text: str) -> int | float:
    digits = len(text) - (text[0] == "-")
    if digits > _MAX_DOUBLE_DIGITS:
        return float("-inf") if text[0] == "-" else float("inf")
    return int(text)


# One decoder for every request: json.loads(..., parse_int=...) would build one per call.
_DECODER = json.JSONDecoder(parse_int=_parse_int)


def _decoded(text: str) -> Any:
    """``_DECODER.decode(text)``, the same value or error."""
    # What botocore sends is an object with no whitespace around it: raw_decode alone reads it,
    # without decode()'s two whitespace scans. Anything else (or an object followed by more)
    # is read by decode(), which raises what it raises.
    if text[:1] == "{" and text[-1:] == "}":
        data, end = _DECODER.raw_decode(text)
        if end == len(text):
            return data
    return _DECODER.decode(text)


def shaped(shape: Shape | None, value: Any) -> Any:
    """A copy of validated ``value`` holding only the members ``shape`` declares, at every
    depth, with timestamps as aware datetimes: what the service acts on and the journal keeps.

    A member the model does not declare for this operation never reaches the service, so it
    can neither be stored nor change anything (the service ignores unknown members)."""
    return projector(shape)(value)


Projector = Callable[[Any], Any]


def projector(shape: Shape | None) -> Projector:
    """``shaped`` for one shape, compiled once: what the engine keeps per operation."""
    if shape is None:
        return _empty
    project = _projector(shape)
    return _same if project is None else project


def _empty(value: Any) -> dict[str, Any]:
    return {}


def _same(value: Any) -> Any:
    return value


_projectors: dict[tuple[int, str], Projector | None] = {}


def _projector(shape: Shape) -> Projector | None:
    """The copying function of a shape, compiled once; None for a scalar kept as it is."""
    key = shape_key(shape)
    if key in _projectors:
        return _projectors[key]
    # A placeholder first: recursive shapes reach themselves through their members.
    _projectors[key] = _copy
    project = _compile_projector(shape)
    _projectors[key] = project
    return project


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _compile_projector(shape: Shape) -> Projector | None:
    kind = shape.type_name
    if kind == "structure":
        members = {name: _projector(member) for name, member in shape.members.items()}

        def structure(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            out = {}
            for name, item in value.items():
                if name in members:
                    project = members[name]
                    out[name] = item if project is None or item is None else project(item)
            return out

        return structure
    if kind == "list":
        inner = _projector(shape.member)

        def listing(value: Any) -> Any:
            if not isinstance(value, list):
                return value
            return list(value) if inner is None else [inner(item) for item in value]

        return listing
    if kind == "map":
        values = _projector(shape.value)

        def mapping(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            if values is None:
                return dict(value)
            return {key: values(item) for key, item in value.items()}

        return mapping
    if kind == "timestamp":
        return parse_timestamp
    return None


def encode(result: dict[str, Any] | None) -> bytes | None:
    """A successful answer's JSON body; None for operations without output."""
    if result is None:
        return None
    return _ENCODER.encode(result).encode()


def success(url: str, request_id: str, body: bytes | None) -> AWSResponse:
    headers = {"x-amzn-RequestId": request_id}
    if body is None:
        body = b""
    else:
        headers["Content-Type"] = "application/json"
    headers["Content-Length"] = str(len(body))
    return http_response(url, 200, headers, body)


def failure(url: str, request_id: str, status: int, error: ServiceError) -> AWSResponse:
    payload: dict[str, Any] = {"message": error.message}
    payload.update(error.members)
    body = _ENCODER.encode(payload).encode()
    headers = {
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": error.code,
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
    }
    return http_response(url, status, headers, body)


def json_default(value: Any) -> Any:
    """JSON for what the fake holds beside plain data: timestamps, as the wire writes them."""
    if isinstance(value, datetime):
        return iso8601(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


# One encoder for every answer: json.dumps() with these arguments would build one per call.
_ENCODER = json.JSONEncoder(default=json_default, separators=(",", ":"))


# -- timestamps: ISO-8601 on the wire, aware UTC datetimes inside ---------------------------

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:?\d{2})?"
)


def iso8601(value: datetime) -> str:
    """A UTC datetime as the wire writes it: ISO-8601 with a ``Z``."""
    return value.isoformat().replace("+00:00", "Z")


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO-8601 string or epoch seconds as an aware UTC datetime; None if it is neither.
    A datetime (a seed's, as a client would send it) is taken as botocore takes it: naive
    means UTC."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(timezone.utc)
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or _ISO.fullmatch(value) is None:
        return None
    text = value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T")
    try:
        parsed = datetime.fromisoformat(_trim_fraction(text))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:
        # A valid instant just outside what datetime holds in UTC (year 1 or 9999 with an
        # offset): as far out of any window as the nearest datetime that exists.
        extreme = datetime.min if parsed.year == 1 else datetime.max
        return extreme.replace(tzinfo=timezone.utc)


def _trim_fraction(text: str) -> str:
    # Python 3.9's fromisoformat accepts only 3 or 6 fractional digits.
    match = re.search(r"\.(\d+)", text)
    if match is None:
        return text
    digits = (match.group(1) + "000000")[:6]
    return text[: match.start()] + "." + digits + text[match.end() :]
