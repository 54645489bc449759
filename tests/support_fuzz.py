"""What the property-based tests of both APIs share (test_fuzz.py for v1, test_v2_fuzz.py for v2):
the Hypothesis profile, valid values of structures and unions built from the model, the JSON a
hook writes raw, the before-send capture, the judge of a parsed answer against the output shape,
and the marks of a pinned bug."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.model import Shape
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy


def fuzz_profile(name: str, max_examples: int) -> settings:
    """The fuzzers' Hypothesis settings: deterministic, no deadline, no example database."""
    settings.register_profile(
        name,
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        # Requests botocore cannot serialize are rejected by design; the tests assert instead
        # that enough requests of each kind reached the fake.
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    return settings.get_profile(name)


class ValidValues:
    """Valid values of a model's shapes, built once per shape (deferred: shapes nest in
    themselves). Structures and unions are built here, alike for both APIs; what a fuzzer
    draws for the other types is its own (``scalar``)."""

    def __init__(self) -> None:
        self._valid: dict[str, SearchStrategy[Any]] = {}

    def valid(self, shape: Shape) -> SearchStrategy[Any]:
        if shape.name not in self._valid:
            self._valid[shape.name] = st.deferred(lambda: self._build_valid(shape))
        return self._valid[shape.name]

    def _build_valid(self, shape: Shape) -> SearchStrategy[Any]:
        if shape.type_name != "structure":
            return self.scalar(shape)
        members = shape.members
        if shape.metadata.get("union"):
            # One member set, as a union must have.
            return st.sampled_from(sorted(members)).flatmap(
                lambda name: self.valid(members[name]).map(lambda v: {name: v})
            )
        return st.fixed_dictionaries(
            {name: self.valid(members[name]) for name in shape.required_members},
            optional={
                name: self.valid(member)
                for name, member in members.items()
                if name not in shape.required_members
            },
        )

    def scalar(self, shape: Shape) -> SearchStrategy[Any]:
        """Valid values of a shape that is not a structure (lists and maps included)."""
        raise NotImplementedError


def as_json(value: Any) -> Any:
    """Plain JSON data, as botocore would serialize it (datetimes ISO, NaN as a string)."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


class Capture:
    """A before-send hook: records each request as sent, optionally replacing its JSON body."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bytes]] = []
        self.body: bytes | None = None

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> None:
        if self.body is not None:
            request.body = self.body
            request.headers["Content-Length"] = str(len(self.body))
        body = request.body
        if isinstance(body, str):
            body = body.encode()
        self.sent.append((request.method, request.url, body or b""))


@dataclass
class Fuzzer:
    """A client that sends what it is given, and the capture of what it sent."""

    client: Any
    capture: Capture


def output_problems(shape: Shape | None, value: Any, path: str = "") -> list[str]:
    """Missing required members and enum values off the model in a parsed answer."""
    found: list[str] = []
    if shape is None or value is None:
        return found
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name in shape.required_members:
            if value.get(name) is None:
                found.append(f"{path}.{name} missing")
        for name, member in shape.members.items():
            found += output_problems(member, value.get(name), f"{path}.{name}")
    elif kind == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            found += output_problems(shape.member, item, f"{path}[{i}]")
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            found += output_problems(shape.value, item, f"{path}[{key!r}]")
    elif kind == "string" and getattr(shape, "enum", None) and value not in shape.enum:
        found.append(f"{path}={value!r} not in {shape.enum}")
    return found


def pinned_bug(known: Collection[str], name: str, cause: str) -> tuple[pytest.MarkDecorator, ...]:
    """The marks of a regression test of a fixed bug: while the bug is listed as known (in
    ``known``), a strict xfail."""
    if name in known:
        return (pytest.mark.xfail(strict=True, reason=f"{name}: {cause}"),)
    return ()
