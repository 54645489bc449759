"""Property-based tests: requests generated from the botocore model, sent through boto3.

For every operation, hypothesis draws requests from the operation's input shape, either valid
(every constraint of the model respected) or mangled (wrong JSON types, out-of-range numbers,
unknown members, empty, oversized and random-unicode strings, null members, bad list and map
sizes). Each request goes through a real boto3 client with ``parameter_validation=False`` into
an active fake seeded with instances and campaigns that some requests name.

The truth about a request is computed here, independently of the package: a hook on the client
captures the HTTP request exactly as it reaches the fake (path, query string, JSON body), and a
checker written in this file decodes it and judges it against the model, with the regular
expression semantics of the service's (Java) validators. Properties:

* every call succeeds or raises ClientError with a code the operation's model lists (or
  ValidationException), with the model's HTTP status for that code, never 5xx, never any other
  exception once the request has reached the fake, and the journal records it exactly once;
* a request that breaks a constraint of the model always gets ValidationException;
* a request that keeps every constraint never gets ValidationException, except for the service
  rules documented as ValidationException (tag count, keyArn, foreign nextToken);
* every success parses into the operation's output shape with its required members.

Requests botocore cannot serialize (it raises before anything is sent) never reach the service
and are rejected as examples, not counted as failures of the fake.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore.session
import pytest
from botocore import xform_name
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape
from hypothesis import example, given, note, reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from support import OTHER_REGION, REGION, STATES, new_client
from support_fuzz import (
    Capture,
    Fuzzer,
    ValidValues,
    as_json,
    fuzz_profile,
    output_problems,
    pinned_bug,
)

from pytest_campaigns_fake import CampaignsFake, mock_campaigns

SERVICE = botocore.session.Session().get_service_model("connectcampaigns")
OPERATIONS = tuple(sorted(SERVICE.operation_names))
FROZEN_NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
MAX_TAGS = 50

# Package bugs this suite found. Each has a strict xfail regression test at the end of this
# file. While a bug is listed here the fuzzers steer clear of it, so that they keep guarding
# everything else; delete the entry when the package is fixed (its xfail test then XPASSes and
# fails, which is the reminder).
KNOWN_BUGS: frozenset[str] = frozenset()


def known_bug(operation: str, params: Mapping[str, Any]) -> str | None:
    """The listed bug this request would run into, if it is one the fuzzers must avoid."""
    token = params.get("nextToken")
    if (
        "token-non-ascii-crash" in KNOWN_BUGS
        and operation == "ListCampaigns"
        and isinstance(token, str)
        and not token.isascii()
    ):
        return "token-non-ascii-crash"
    return None


FUZZ_SETTINGS = fuzz_profile("campaigns-fuzz", max_examples=60)

# Java's '.' (no DOTALL) stops at these; ECMAScript's at all of them but \x85.
LINE_TERMINATORS = "\n\r\x85\u2028\u2029"
# Non-ASCII characters ECMAScript's \s matches and Java's (ASCII) \s does not.
ECMA_ONLY_SPACES = (
    "\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000\ufeff"
)
ANY_CHAR = st.characters(codec="utf-8")
# Valid generated text avoids the characters on which Java and ECMAScript disagree.
SAFE_CHAR = st.characters(codec="utf-8", exclude_characters=LINE_TERMINATORS + ECMA_ONLY_SPACES)
# Padding to a maximum length repeats a character: one UTF-16 unit, so both measures agree.
SAFE_BMP_CHAR = st.characters(
    codec="utf-8", max_codepoint=0xFFFF, exclude_characters=LINE_TERMINATORS + ECMA_ONLY_SPACES
)
ANY_TEXT = st.text(ANY_CHAR, max_size=24)
# Characters that trouble patterns: spaces, line terminators, NUL, non-ASCII digits and letters.
ODD_CHAR = st.one_of(
    ANY_CHAR, st.sampled_from(list(" \t\n\r\x0b\x00\x85\u2028\xa0\u0663\xe9%/?#&="))
)


# -- references to seeded resources ----------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A placeholder for something seeded in the fake, resolved when the request is sent."""

    shape: str
    name: str
    suffix: str = ""

    def __repr__(self) -> str:
        return f"<{self.shape}:{self.name}>{self.suffix!r}"

    def plus(self, suffix: str) -> Ref:
        return Ref(self.shape, self.name, self.suffix + suffix)


CAMPAIGN_NAMES = (*STATES, "agentless", "tagged", "other-region")
INSTANCE_NAMES = ("inst-ready", "inst-empty", "inst-failed", "inst-pending")
REFS: dict[str, tuple[Ref, ...]] = {
    "CampaignId": tuple(Ref("CampaignId", n) for n in CAMPAIGN_NAMES),
    "Arn": tuple(Ref("Arn", n) for n in CAMPAIGN_NAMES),
    "InstanceId": tuple(Ref("InstanceId", n) for n in INSTANCE_NAMES),
    "NextToken": (Ref("NextToken", "issued"),),
}


@dataclass
class World:
    """What was seeded: placeholder -> concrete value, and tag counts by campaign ARN."""

    values: dict[Ref, str] = field(default_factory=dict)
    tag_counts: dict[str, int] = field(default_factory=dict)
    issued_token: str | None = None


def seed(fake: CampaignsFake, client: Any, operation: str) -> World:
    world = World()
    fake.clock.freeze(FROZEN_NOW)
    fake.add_instance("inst-ready")
    fake.add_instance("inst-empty")
    fake.add_instance("inst-failed", status="FAILED", failure_code="KMS_KEY_NOT_FOUND")
    fake.add_instance("inst-pending", status="IN_PROGRESS")
    for name in INSTANCE_NAMES:
        world.values[Ref("InstanceId", name)] = name
    seeded = {
        state: fake.add_campaign(
            connect_instance_id="inst-ready", name=f"seed-{state}", state=state
        )
        for state in STATES
    }
    seeded["agentless"] = fake.add_campaign(
        connect_instance_id="inst-ready",
        name="seed-agentless",
        state="Running",
        dialer_config={"agentlessDialerConfig": {"dialingCapacity": 0.5}},
    )
    seeded["tagged"] = fake.add_campaign(
        connect_instance_id="inst-ready",
        name="seed-tagged",
        state="Running",
        tags={f"tag{i}": "v" for i in range(MAX_TAGS - 1)},
    )
    seeded["other-region"] = fake.add_campaign(
        connect_instance_id="inst-ready", name="elsewhere", region=OTHER_REGION
    )
    for name, campaign in seeded.items():
        world.values[Ref("CampaignId", name)] = campaign.id
        world.values[Ref("Arn", name)] = campaign.arn
        if name != "other-region":
            world.tag_counts[campaign.arn] = len(campaign.tags)
    if operation == "ListCampaigns":
        world.issued_token = client.list_campaigns(maxResults=2)["nextToken"]
        world.values[Ref("NextToken", "issued")] = world.issued_token
    else:
        world.values[Ref("NextToken", "issued")] = "never-issued"
    return world


def resolve(value: Any, world: World) -> Any:
    if isinstance(value, Ref):
        return world.values[Ref(value.shape, value.name)] + value.suffix
    if isinstance(value, dict):
        return {resolve(k, world): resolve(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, world) for v in value]
    return value


# -- the independent checker -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One way a request breaks the model.

    ``invalid``: the service must answer ValidationException. ``malformed``: it must fail, with
    ValidationException or SerializationException. ``unclear``: AWS's validators could go
    either way (Java and ECMAScript regular expressions disagree, UTF-16 vs code point length,
    numbers a lenient parser may coerce): only the general properties apply.
    """

    path: str
    reason: str
    level: str = "invalid"
    tag: str = ""


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def java_regex(pattern: str) -> re.Pattern[str]:
    """The model's pattern as java.util.regex reads it: ASCII classes, '.' stops at newlines."""
    compiled = _REGEX_CACHE.get(pattern)
    if compiled is not None:
        return compiled
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class and char == "]":
            in_class = False
        elif not in_class and char == "[":
            in_class = True
        elif not in_class and char == ".":
            out.append("[^\\n\\r\\x85\\u2028\\u2029]")
            i += 1
            continue
        out.append(char)
        i += 1
    compiled = _REGEX_CACHE[pattern] = re.compile("".join(out), re.ASCII)
    return compiled


def has_bare_dot(pattern: str) -> bool:
    return java_regex(pattern).pattern != pattern


def pattern_problem(pattern: str, value: str, path: str) -> Problem | None:
    regex = java_regex(pattern)
    java_ok = regex.fullmatch(value) is not None
    # ECMAScript: its extra spaces are \s; \x85 is a character '.' takes.
    ecma_value = value.replace("\x85", "\xe9")
    for space in ECMA_ONLY_SPACES:
        ecma_value = ecma_value.replace(space, " ")
    ecma_ok = regex.fullmatch(ecma_value) is not None
    if "\\s" in pattern.lower() and ("\u2028" in value or "\u2029" in value):
        ecma_ok = not java_ok
    if java_ok and ecma_ok:
        return None
    reason = f"does not match {pattern!r}"
    if java_ok != ecma_ok:
        return Problem(path, reason, "unclear")
    tag = ""
    if has_bare_dot(pattern) and any(c in value for c in LINE_TERMINATORS):
        relaxed = "".join("\xe9" if c in LINE_TERMINATORS else c for c in value)
        if regex.fullmatch(relaxed) is not None:
            tag = "dot-matches-line-terminators"
    return Problem(path, reason, "invalid", tag)


_STRICT_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_LOOSE_ISO = re.compile(r"\s*\d{4}-\d{2}-\d{2}.*", re.DOTALL)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_value(shape: Shape, value: Any, path: str, out: list[Problem]) -> None:
    """Append every way ``value`` (decoded JSON or label/query text) breaks ``shape``."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            out.append(Problem(path, "not an object"))
            return
        present = 0
        for name, member in shape.members.items():
            member_value = value.get(name)
            if member_value is None:
                if name in shape.required_members:
                    out.append(Problem(_join(path, name), "required member missing or null"))
                continue
            present += 1
            check_value(member, member_value, _join(path, name), out)
        if meta.get("union") and present != 1:
            out.append(Problem(path, f"union with {present} members set"))
        return
    if kind == "list":
        if not isinstance(value, list):
            out.append(Problem(path, "not a list"))
            return
        _check_size(meta, len(value), path, out)
        for i, item in enumerate(value, 1):
            if item is None:
                out.append(Problem(f"{path}.{i}", "null list item"))
            else:
                check_value(shape.member, item, f"{path}.{i}", out)
        return
    if kind == "map":
        if not isinstance(value, dict):
            out.append(Problem(path, "not an object"))
            return
        _check_size(meta, len(value), path, out)
        for key, item in value.items():
            check_value(shape.key, key, f"{path}[key]", out)
            if item is None:
                out.append(Problem(f"{path}[{key!r}]", "null map value"))
            else:
                check_value(shape.value, item, f"{path}[{key!r}]", out)
        return
    if kind == "string":
        if not isinstance(value, str):
            out.append(Problem(path, "not a string"))
            return
        if getattr(shape, "enum", None) and value not in shape.enum:
            out.append(Problem(path, "not in enum"))
        points, units = len(value), len(value.encode("utf-16-le")) // 2
        low, high = meta.get("min", 0), meta.get("max", math.inf)
        by_points, by_units = low <= points <= high, low <= units <= high
        if not by_points and not by_units:
            out.append(Problem(path, f"length {points} outside [{low}, {high}]"))
        elif by_points != by_units:
            out.append(Problem(path, "length differs in UTF-16 units", "unclear"))
        if "pattern" in meta:
            problem = pattern_problem(meta["pattern"], value, path)
            if problem is not None:
                out.append(problem)
        return
    if kind in ("integer", "long"):
        if isinstance(value, float) and value.is_integer():
            out.append(Problem(path, "integral JSON float for an integer", "unclear"))
            value = int(value)
        elif not _is_number(value) or isinstance(value, float):
            out.append(Problem(path, "not an integer"))
            return
        if abs(value) >= 2**63:
            out.append(Problem(path, "beyond a Java long", "malformed"))
        _check_range(meta, value, path, out)
        return
    if kind in ("double", "float"):
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            if value == "NaN":
                out.append(Problem(path, "NaN (a Smithy JSON double)", "unclear"))
                return
            value = float(value)
        elif not _is_number(value):
            out.append(Problem(path, "not a number"))
            return
        _check_range(meta, value, path, out)
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            out.append(Problem(path, "not a boolean"))
        return
    if kind == "timestamp":
        if _is_number(value):
            out.append(Problem(path, "epoch number for an iso8601 timestamp", "unclear"))
        elif not isinstance(value, str):
            out.append(Problem(path, "not a timestamp"))
        elif _STRICT_ISO.fullmatch(value):
            try:
                # Python < 3.11's fromisoformat does not read a trailing Z.
                datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
            except ValueError:
                out.append(Problem(path, "impossible date"))
        elif _LOOSE_ISO.fullmatch(value):
            out.append(Problem(path, "unusual ISO-8601 spelling", "unclear"))
        else:
            out.append(Problem(path, "not an ISO-8601 timestamp"))
        return
    raise AssertionError(f"checker does not know shape type {kind}")


def _check_size(meta: Mapping[str, Any], size: int, path: str, out: list[Problem]) -> None:
    if size < meta.get("min", 0) or size > meta.get("max", math.inf):
        out.append(Problem(path, f"size {size} outside [{meta.get('min')}, {meta.get('max')}]"))


def _check_range(meta: Mapping[str, Any], value: float, path: str, out: list[Problem]) -> None:
    try:
        number = float(value)
    except OverflowError:
        out.append(Problem(path, "beyond any double"))
        return
    if math.isnan(number):
        out.append(Problem(path, "NaN", "unclear"))
    elif number < meta.get("min", -math.inf) or number > meta.get("max", math.inf):
        out.append(Problem(path, f"{value} outside [{meta.get('min')}, {meta.get('max')}]"))


@dataclass
class Wire:
    """An HTTP request as the fake received it, decoded by this test's own reading of the model."""

    params: dict[str, Any]
    problems: list[Problem]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def decode_wire(op: OperationModel, method: str, url: str, body: bytes) -> Wire:
    problems: list[Problem] = []
    members = op.input_shape.members if op.input_shape is not None else {}
    parts = urlsplit(url)
    template = op.http["requestUri"].partition("?")[0]
    regex = re.sub(r"\\\{([^}+]+)\\\}", r"(?P<\1>[^/]*)", re.escape(template))
    match = re.fullmatch(regex, parts.path)
    assert method == op.http["method"] and match is not None, f"{method} {url} is not {op.name}"
    params: dict[str, Any] = {}
    body_members = []
    for name, member in members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            params[name] = unquote(match.group(wire_name))
        elif location == "querystring":
            for pair in filter(None, parts.query.split("&")):
                key, _, value = pair.partition("=")
                if unquote(key) != wire_name:
                    continue
                if member.type_name == "list":
                    params.setdefault(name, []).append(unquote(value))
                else:
                    params[name] = unquote(value)
            if name not in params and member.type_name == "list":
                # No query parameter is how an empty list travels (botocore sends nothing).
                params[name] = []
        elif location is None:
            body_members.append(name)
    if body_members and body.strip():
        try:
            document = json.loads(body, parse_constant=_reject_constant)
        except ValueError as exc:
            return Wire(params, [Problem("", f"body is not JSON: {exc}", "malformed")])
        if not isinstance(document, dict):
            return Wire(params, [Problem("", "body is not a JSON object", "malformed")])
        for name in body_members:
            if name in document:
                params[name] = document[name]
    if op.input_shape is not None:
        check_value(op.input_shape, params, "", problems)
    return Wire(params, problems)


def service_rule(operation: str, params: Mapping[str, Any], world: World) -> str | None:
    """'must'/'may' when a documented service rule (not the model) makes it ValidationException."""
    if operation == "CreateCampaign":
        tags = params.get("tags")
        if isinstance(tags, dict) and len(tags) > MAX_TAGS:
            return "must"
    if operation == "TagResource":
        tags = params.get("tags")
        if isinstance(tags, dict):
            existing = world.tag_counts.get(params.get("arn", ""))
            if existing is not None:
                keys = {f"tag{i}" for i in range(existing)} | set(tags)
                if len(keys) > MAX_TAGS:
                    return "must"
            elif len(tags) > MAX_TAGS:
                return "may"
    if operation == "StartInstanceOnboardingJob":
        config = params.get("encryptionConfig")
        if isinstance(config, dict) and config.get("enabled") is True:
            if config.get("keyArn") is None:
                return "must"
            if config.get("keyArn") == "":
                return "may"
    if operation == "ListCampaigns":
        token = params.get("nextToken")
        if token == "":
            return "may"
        if token is not None and token != world.issued_token:
            return "must"
        # The token was issued for no filter: under an instance filter it is not valid.
        filters = params.get("filters")
        chosen = filters.get("instanceIdFilter") if isinstance(filters, dict) else None
        if token is not None and isinstance(chosen, dict) and chosen.get("value") is not None:
            return "must"
    return None


# -- strategies from the model ---------------------------------------------------------------


def bounded(pattern: str, low: int, high: int) -> str:
    """The pattern with its final '*' or '+' made '{low,high}', to bound generated sizes."""
    assert pattern.endswith(("*", "+")), f"no rule to bound pattern {pattern!r}"
    return f"{pattern[:-1]}{{{max(low, pattern.endswith('+'))},{high}}}"


def pad(text: str, size: int) -> str:
    """``text`` grown to ``size`` by repeating its last character (a final ``X*`` takes it)."""
    return text + text[-1] * (size - len(text)) if text else "x" * size


class Strategies(ValidValues):
    """Valid and mangled values for every shape of the model, built once and cached."""

    def __init__(self) -> None:
        super().__init__()
        self._mangled: dict[str, SearchStrategy[Any]] = {}

    def mangled(self, shape: Shape) -> SearchStrategy[Any]:
        if shape.name not in self._mangled:
            self._mangled[shape.name] = st.deferred(lambda: self._build_mangled(shape))
        return self._mangled[shape.name]

    # valid ------------------------------------------------------------------------------

    def scalar(self, shape: Shape) -> SearchStrategy[Any]:
        kind, meta = shape.type_name, shape.metadata
        if kind == "list":
            low, high = meta.get("min", 0), meta.get("max", 10)
            item = self.valid(shape.member)
            return st.one_of(
                st.lists(item, min_size=low, max_size=min(high, low + 3)),
                st.builds(lambda x: [x] * high, item),
            )
        if kind == "map":
            entries = st.dictionaries(self.valid(shape.key), self.valid(shape.value), max_size=3)
            if shape.name == "TagMap":
                many = st.integers(MAX_TAGS - 1, MAX_TAGS + 1).map(
                    lambda n: {f"key{i}": "v" for i in range(n)}
                )
                return st.one_of(entries, many)
            return entries
        if kind == "string":
            generated = self._valid_string(shape)
            refs = REFS.get(shape.name)
            if refs:
                return st.one_of(st.sampled_from(refs), st.sampled_from(refs), generated)
            return generated
        if kind in ("integer", "long"):
            return st.integers(meta.get("min", -(2**31)), meta.get("max", 2**31 - 1))
        if kind in ("double", "float"):
            return st.floats(meta.get("min"), meta.get("max"), allow_nan=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            near = st.integers(-1200, 1200).map(lambda s: FROZEN_NOW + timedelta(seconds=s))
            anywhen = st.datetimes(
                datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(timezone.utc)
            )
            options = [near, anywhen]
            if "timestamp-overflow-crash" not in KNOWN_BUGS:
                # Valid instants whose UTC date falls outside datetime's years 1..9999.
                options.append(
                    st.sampled_from(
                        [
                            datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
                            datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-1))),
                        ]
                    )
                )
            return st.one_of(options)
        raise AssertionError(f"no strategy for shape type {kind}")

    def _valid_string(self, shape: Shape) -> SearchStrategy[str]:
        meta = shape.metadata
        if getattr(shape, "enum", None):
            return st.sampled_from(list(shape.enum))
        low, high = meta.get("min", 0), meta.get("max", 4096)
        short_high = min(high, low + 24)
        pattern = meta.get("pattern")

        def texts(alphabet: SearchStrategy[str]) -> SearchStrategy[str]:
            if pattern is None:
                return st.text(alphabet, min_size=low, max_size=short_high)
            # Python's '.' stops at '\n' only; the alphabet keeps the other terminators out.
            regex = re.compile(bounded(pattern, low, short_high), re.ASCII)
            return st.from_regex(regex, fullmatch=True, alphabet=alphabet)

        short = texts(SAFE_CHAR)
        longest = texts(SAFE_BMP_CHAR).filter(bool).map(lambda s: pad(s, high))
        candidates = st.one_of(short, short, longest)
        return candidates.filter(lambda s: self._string_ok(shape, s))

    @staticmethod
    def _string_ok(shape: Shape, value: str) -> bool:
        found: list[Problem] = []
        check_value(shape, value, "", found)
        return not found

    # mangled ----------------------------------------------------------------------------

    def _build_mangled(self, shape: Shape) -> SearchStrategy[Any]:
        kind, meta = shape.type_name, shape.metadata
        wrong = wrong_type(kind)
        if kind == "structure":
            return st.one_of(self.mangled_members(shape), wrong)
        if kind == "list":
            low, high = meta.get("min", 0), meta.get("max")
            item = self.valid(shape.member)
            options = [
                wrong,
                st.tuples(
                    st.lists(item, max_size=2), self.mangled(shape.member), st.integers(0, 2)
                ).map(lambda t: [*t[0][: t[2]], t[1], *t[0][t[2] :]]),
                st.lists(item, max_size=2).map(lambda items: [*items, None]),
            ]
            if high is not None:
                options.append(st.builds(lambda x: [x] * (high + 1), item))
            if low > 0:
                options.append(st.lists(item, max_size=low - 1))
            return st.one_of(options)
        if kind == "map":
            keys, values = self.valid(shape.key), self.valid(shape.value)
            string_keys = self.mangled(shape.key).filter(lambda k: isinstance(k, str))
            return st.one_of(
                wrong,
                st.tuples(st.dictionaries(keys, values, max_size=2), string_keys, values).map(
                    lambda t: {**t[0], t[1]: t[2]}
                ),
                st.tuples(
                    st.dictionaries(keys, values, max_size=2), keys, self.mangled(shape.value)
                ).map(lambda t: {**t[0], t[1]: t[2]}),
                st.tuples(st.dictionaries(keys, values, max_size=2), keys).map(
                    lambda t: {**t[0], t[1]: None}
                ),
            )
        if kind == "string":
            return st.one_of(self._mangled_string(shape), wrong)
        if kind in ("integer", "long", "double", "float"):
            return st.one_of(out_of_range(shape), wrong)
        return wrong

    def _mangled_string(self, shape: Shape) -> SearchStrategy[Any]:
        meta = shape.metadata
        low, high = meta.get("min", 0), meta.get("max")
        valid = self._valid_string(shape)
        options: list[SearchStrategy[Any]] = [ANY_TEXT]  # random unicode
        if "pattern" in meta or getattr(shape, "enum", None):
            options += [
                st.tuples(valid, ODD_CHAR, st.integers(0, 30)).map(
                    lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
                ),
                st.text(ODD_CHAR, min_size=1, max_size=4),
            ]
        if low > 0:
            options.append(st.text(ANY_CHAR, max_size=low - 1))
        if high is not None:
            options.append(
                st.tuples(valid.filter(bool), st.integers(1, 3)).map(
                    lambda t: pad(t[0], high + t[1])
                )
            )
        if getattr(shape, "enum", None):
            options.append(st.sampled_from([e.lower() for e in shape.enum] + [" Eq", ""]))
        refs = REFS.get(shape.name)
        if refs:
            options.append(
                st.tuples(st.sampled_from(refs), st.sampled_from([" ", "\t", "\n", "\x00"])).map(
                    lambda t: t[0].plus(t[1])
                )
            )
        return st.one_of(options)

    def mangled_members(self, shape: Shape) -> SearchStrategy[Any]:
        """A structure (an object) with one thing wrong in it."""
        members = shape.members
        valid = self.valid(shape)
        # A URI label is text on the wire, and botocore cannot build a path without it.
        labels = {n for n, m in members.items() if m.serialization.get("location") == "uri"}
        nullable = sorted(set(members) - labels)
        required = [n for n in shape.required_members if n not in labels]

        def mangle(name: str) -> SearchStrategy[Any]:
            if name in labels:
                return self._mangled_string(members[name])
            return self.mangled(members[name])

        options: list[SearchStrategy[Any]] = []
        if members:
            one_member = st.tuples(valid, st.sampled_from(sorted(members))).flatmap(
                lambda t: mangle(t[1]).map(lambda v: {**t[0], t[1]: v})
            )
            options += [one_member, one_member]  # the likeliest to break something
        if nullable:
            options.append(
                st.tuples(valid, st.sampled_from(nullable)).map(lambda t: {**t[0], t[1]: None})
            )
        if required:
            options.append(
                st.tuples(valid, st.sampled_from(required)).map(
                    lambda t: {k: v for k, v in t[0].items() if k != t[1]}
                )
            )
        extra_name = st.text(st.characters(codec="ascii", categories=["L"]), min_size=1).filter(
            lambda n: n not in members
        )
        options.append(
            st.tuples(valid, extra_name, st.one_of(ANY_TEXT, st.integers(), st.none())).map(
                lambda t: {**t[0], t[1]: t[2]}
            )
        )
        if shape.metadata.get("union"):
            options.append(st.just({}))
            both = [self.valid(m) for m in members.values()]
            names = sorted(members)
            options.append(st.tuples(*both).map(lambda values: dict(zip(names, values))))
        return st.one_of(options)

    def requests(self, op: OperationModel) -> SearchStrategy[Request]:
        shape = op.input_shape
        has_body = any(m.serialization.get("location") is None for m in shape.members.values())
        valid = self.valid(shape).map(lambda p: Request(p, raw=False, mangled=False))
        mangled = st.tuples(
            self.mangled_members(shape), st.booleans() if has_body else st.just(False)
        ).map(lambda t: Request(t[0], raw=t[1], mangled=True))
        return st.one_of(valid, mangled, mangled)


def wrong_type(kind: str) -> SearchStrategy[Any]:
    """JSON values whose JSON type is not the shape's."""
    scalars: dict[str, SearchStrategy[Any]] = {
        "string": st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)),
        "number": st.text(max_size=8),
        "boolean": st.booleans(),
        "list": st.lists(st.text(max_size=4), max_size=2),
        "object": st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2),
    }
    json_type = {
        "string": "string",
        "integer": "number",
        "long": "number",
        "double": "number",
        "float": "number",
        "boolean": "boolean",
        "timestamp": "timestamp",
        "structure": "object",
        "map": "object",
        "list": "list",
    }[kind]
    others = [s for t, s in scalars.items() if t != json_type]
    if json_type == "boolean":
        others.append(st.sampled_from(["true", "false", 0, 1]))
    if json_type == "timestamp":
        others = [scalars["boolean"], scalars["list"], scalars["object"], ANY_TEXT]
    if json_type == "number":
        others.append(st.sampled_from(["1", "0.5", "NaN"]))
    return st.one_of(others)


def out_of_range(shape: Shape) -> SearchStrategy[Any]:
    meta = shape.metadata
    integral = shape.type_name in ("integer", "long")
    options: list[SearchStrategy[Any]] = []
    if "min" in meta:
        low = meta["min"]
        options.append(
            st.integers(max_value=low - 1)
            if integral
            else st.floats(max_value=low, exclude_max=True, allow_infinity=True, allow_nan=False)
        )
    if "max" in meta:
        high = meta["max"]
        options.append(
            st.integers(min_value=high + 1)
            if integral
            else st.floats(min_value=high, exclude_min=True, allow_infinity=True, allow_nan=False)
        )
    if not integral:
        options.append(st.just(math.nan))
    else:
        options.append(
            st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
        )
    if "huge-number-crash" not in KNOWN_BUGS:
        options.append(st.sampled_from([10**400, -(10**400), 2**1024]))
    return st.one_of(options)


def _campaign(name: str) -> Ref:
    return Ref("CampaignId", name)


def _arn(name: str) -> Ref:
    return Ref("Arn", name)


def _instance(name: str) -> Ref:
    return Ref("InstanceId", name)


# One request per operation that must succeed against the seeded world: run as explicit
# examples first, so every operation's success path is judged whatever hypothesis draws.
MINIMAL_REQUESTS: dict[str, dict[str, Any]] = {
    "CreateCampaign": {
        "name": "minimal",
        "connectInstanceId": _instance("inst-ready"),
        "dialerConfig": {"predictiveDialerConfig": {"bandwidthAllocation": 0.5}},
        "outboundCallConfig": {"connectContactFlowId": "flow"},
    },
    "DeleteCampaign": {"id": _campaign("Running")},
    "DeleteConnectInstanceConfig": {"connectInstanceId": _instance("inst-empty")},
    "DeleteInstanceOnboardingJob": {"connectInstanceId": _instance("inst-failed")},
    "DescribeCampaign": {"id": _campaign("agentless")},
    "GetCampaignState": {"id": _campaign("Paused")},
    "GetCampaignStateBatch": {"campaignIds": [_campaign("Failed"), "unknown"]},
    "GetConnectInstanceConfig": {"connectInstanceId": _instance("inst-ready")},
    "GetInstanceOnboardingJobStatus": {"connectInstanceId": _instance("inst-pending")},
    "ListCampaigns": {"maxResults": 2, "nextToken": Ref("NextToken", "issued")},
    "ListTagsForResource": {"arn": _arn("tagged")},
    "PauseCampaign": {"id": _campaign("Running")},
    "PutDialRequestBatch": {
        "id": _campaign("Running"),
        "dialRequests": [
            {
                "clientToken": "token-1",
                "phoneNumber": "+15550100",
                "expirationTime": FROZEN_NOW + timedelta(seconds=60),
                "attributes": {"name": "Ada"},
            }
        ],
    },
    "ResumeCampaign": {"id": _campaign("Paused")},
    "StartCampaign": {"id": _campaign("Initialized")},
    "StartInstanceOnboardingJob": {
        "connectInstanceId": "inst-new",
        "encryptionConfig": {"enabled": False},
    },
    "StopCampaign": {"id": _campaign("Paused")},
    "TagResource": {"arn": _arn("Running"), "tags": {"team": "renewals"}},
    "UntagResource": {"arn": _arn("tagged"), "tagKeys": ["tag1", "absent"]},
    "UpdateCampaignDialerConfig": {
        "id": _campaign("Running"),
        "dialerConfig": {"predictiveDialerConfig": {"bandwidthAllocation": 1.0}},
    },
    "UpdateCampaignName": {"id": _campaign("Stopped"), "name": "renamed"},
    "UpdateCampaignOutboundCallConfig": {"id": _campaign("Running"), "connectQueueId": "q"},
}


@dataclass(frozen=True)
class Request:
    params: dict[str, Any]
    raw: bool  # body members written into the HTTP body by the hook, not by botocore
    mangled: bool


STRATEGIES = Strategies()


# -- sending ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzzer() -> Fuzzer:
    client = new_client(REGION, validate=False, max_attempts=1)
    capture = Capture()
    client.meta.events.register("before-send.connectcampaigns", capture)
    return Fuzzer(client, capture)


def model_status(code: str) -> int | None:
    if code == "SerializationException":
        return 400  # a rest-json front end's answer; no model lists it
    try:
        shape = SERVICE.shape_for(code)
    except Exception:
        return None
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))


def exercise(fuzzer: Fuzzer, operation: str, request: Request, stats: Counter[str]) -> None:
    op = SERVICE.operation_model(operation)
    with mock_campaigns(require_onboarding=False, strict=False, seed=20240601) as fake:
        world = seed(fake, fuzzer.client, operation)
        params = resolve(request.params, world)
        if known_bug(operation, params):
            stats["steered clear of a known bug"] += 1
            reject()
        kwargs = params
        fuzzer.capture.body = None
        if request.raw:
            body_names = {
                n
                for n, m in op.input_shape.members.items()
                if m.serialization.get("location") is None
            }
            kwargs = {k: v for k, v in params.items() if k not in body_names}
            body = {k: v for k, v in params.items() if k in body_names}
            fuzzer.capture.body = json.dumps(as_json(body)).encode()
        fuzzer.capture.sent.clear()
        journal_before = len(fake.calls)
        note(f"params: {params!r} (raw body: {request.raw})")
        error: ClientError | None = None
        result: dict[str, Any] | None = None
        try:
            result = getattr(fuzzer.client, xform_name(operation))(**kwargs)
        except ClientError as exc:
            error = exc
        except Exception:
            if not fuzzer.capture.sent:
                stats["not sent: botocore could not serialize"] += 1
                reject()
            raise  # it reached the fake: any other exception is a failure of the fake
        finally:
            fuzzer.capture.body = None
        assert len(fuzzer.capture.sent) == 1, "exactly one attempt expected"
        method, url, body_bytes = fuzzer.capture.sent[0]
        note(f"wire: {method} {url} {body_bytes[:500]!r}")
        judge(op, fake, world, method, url, body_bytes, error, result, journal_before, stats)


def judge(
    op: OperationModel,
    fake: CampaignsFake,
    world: World,
    method: str,
    url: str,
    body: bytes,
    error: ClientError | None,
    result: dict[str, Any] | None,
    journal_before: int,
    stats: Counter[str],
) -> None:
    wire = decode_wire(op, method, url, body)
    problems = [
        p if p.tag not in KNOWN_BUGS else Problem(p.path, p.reason, "unclear", p.tag)
        for p in wire.problems
    ]
    note(f"checker: {problems}")
    breaking = [p for p in problems if p.level in ("invalid", "malformed")]
    unclear = [p for p in problems if p.level == "unclear"]
    rule = service_rule(op.name, wire.params, world)

    calls = fake.calls
    assert len(calls) == journal_before + 1, "the fake must journal each request exactly once"
    call = calls[-1]
    assert call.operation == op.name

    if error is None:
        stats["succeeded"] += 1
        assert not breaking, f"accepted a request that breaks the model: {breaking}"
        assert rule != "must", "accepted a request a documented service rule rejects"
        assert call.ok and call.status_code == 200
        shown = {k: v for k, v in (result or {}).items() if k != "ResponseMetadata"}
        assert not output_problems(op.output_shape, shown), output_problems(op.output_shape, shown)
        if not problems and rule is None:
            stats["valid"] += 1
        return

    code = error.response["Error"]["Code"]
    status = error.response["ResponseMetadata"]["HTTPStatusCode"]
    message = error.response["Error"].get("Message")
    note(f"answer: {status} {code}: {message}")
    stats[f"error {code}"] += 1
    allowed = {s.name for s in op.error_shapes} | {"ValidationException"}
    if any(p.level == "malformed" for p in breaking):
        allowed.add("SerializationException")
    assert code in allowed, f"{code} is not an error {op.name} can answer"
    assert code != "InternalServerException", "the fake failed internally"
    assert status < 500
    assert status == model_status(code), f"{code} must be HTTP {model_status(code)}"
    assert isinstance(message, str) and message
    assert call.error_code == code and call.status_code == status
    if code in SERVICE.shape_names:
        error_shape = SERVICE.shape_for(code)
        for name in error_shape.required_members:
            if name != "message":
                assert error.response.get(name) is not None, f"{code} without {name}"

    if breaking:
        stats["invalid"] += 1
        assert code in ("ValidationException", "SerializationException") and code in allowed, (
            f"a request that breaks the model got {code}: {breaking}"
        )
    elif rule == "must":
        stats["service rule"] += 1
        assert code == "ValidationException"
    elif not unclear and rule is None:
        stats["valid"] += 1
        assert code not in ("ValidationException", "SerializationException"), (
            f"a request that keeps the model got {code}: {message}"
        )


@pytest.mark.parametrize("operation", OPERATIONS)
def test_generated_requests(fuzzer: Fuzzer, operation: str) -> None:
    stats: Counter[str] = Counter()

    @FUZZ_SETTINGS
    @example(request=Request(MINIMAL_REQUESTS[operation], raw=False, mangled=False))
    @given(request=STRATEGIES.requests(SERVICE.operation_model(operation)))
    def run(request: Request) -> None:
        exercise(fuzzer, operation, request, stats)

    run()
    print(f"{operation}: {dict(stats)}")  # shown with -s / -rP: what the fuzzer exercised
    # Not vacuous: both kinds of request reached the fake and were judged.
    assert stats["invalid"] >= 5, stats
    assert stats["valid"] >= 5, stats
    assert stats["succeeded"] >= 1, stats


# -- the checker itself ----------------------------------------------------------------------


def _problems(shape_name: str, value: Any) -> list[Problem]:
    found: list[Problem] = []
    check_value(SERVICE.shape_for(shape_name), value, "", found)
    return found


@pytest.mark.parametrize(
    ("shape", "value", "level"),
    [
        ("DestinationPhoneNumber", "+1-555-0100", None),
        ("DestinationPhoneNumber", "\u0663\u0663", "invalid"),  # Java's \d is ASCII
        ("DestinationPhoneNumber", "1" * 21, "invalid"),
        ("CampaignId", "abc", None),
        ("CampaignId", "a b", "invalid"),
        ("CampaignId", "a\x1cb", None),  # no space to Java nor ECMAScript
        ("CampaignId", "a\xa0b", "unclear"),  # a space to ECMAScript only
        ("Arn", "arn:aws:connect-campaigns:x", None),
        ("Arn", "arn:aws:connect-campaigns:\nx", "invalid"),
        ("Arn", "arn:aws:connect-campaigns:\x85x", "unclear"),
        ("Arn", "arn:short", "invalid"),
        ("TagKey", "aws:reserved", "invalid"),
        ("TagKey", "a1=b", None),
        ("TagMap", {"ok": None}, "invalid"),
        ("MaxResults", 51, "invalid"),
        ("MaxResults", 5.0, "unclear"),
        ("MaxResults", True, "invalid"),
        ("MaxResults", 10**400, "malformed"),
        ("BandwidthAllocation", "Infinity", "invalid"),
        ("BandwidthAllocation", "NaN", "unclear"),
        ("BandwidthAllocation", 1, None),
        ("DialerConfig", {}, "invalid"),
        ("DialerConfig", {"agentlessDialerConfig": {}}, None),
        ("TimeStamp", "2030-01-01T00:00:00Z", None),
        ("TimeStamp", "2030-13-01T00:00:00Z", "invalid"),
        ("TimeStamp", "yesterday", "invalid"),
        ("CampaignName", "\U0001f600" * 64, "unclear"),  # 64 code points, 128 UTF-16 units
    ],
)
def test_checker(shape: str, value: Any, level: str | None) -> None:
    found = _problems(shape, value)
    levels = {p.level for p in found}
    if level is None:
        assert not found
    else:
        assert level in levels, found


def test_every_operation_is_fuzzed() -> None:
    assert set(MINIMAL_REQUESTS) == set(OPERATIONS)


def test_every_model_pattern_can_be_bounded() -> None:
    patterns = {
        shape.metadata["pattern"]
        for name in SERVICE.shape_names
        for shape in [SERVICE.shape_for(name)]
        if "pattern" in shape.metadata
    }
    for pattern in patterns:
        regex = java_regex(bounded(pattern, 1, 3))
        assert regex.pattern


# -- bugs found by the fuzzers, pinned ----------------------------------------------------------
# Raw requests handed to CampaignsFake._engine.answer, so that botocore cannot refuse them first.


# A regression test of a fixed bug; while the bug is listed as known, a strict xfail.
_bug = partial(pinned_bug, KNOWN_BUGS)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param(
            "POST",
            "/campaigns-summary",
            b'{"maxResults": 1' + b"0" * 400 + b"}",
            marks=_bug(
                "huge-number-crash",
                "an integer member beyond float range raises OverflowError out of handle() "
                "(_validation.py: measure=float in the max/min rule)",
            ),
            id="integer-beyond-float",
        ),
        pytest.param(
            "POST",
            "/campaigns/{id}/dialer-config",
            b'{"dialerConfig": {"progressiveDialerConfig": {"bandwidthAllocation": 1'
            + b"0" * 400
            + b"}}}",
            marks=_bug(
                "huge-number-crash",
                "a double member holding an integer beyond float range raises OverflowError "
                "out of handle() (_validation.py _is_number: math.isfinite)",
            ),
            id="double-beyond-float",
        ),
        pytest.param(
            "POST",
            "/campaigns-summary",
            '{"nextToken": "eyJ9.caf\u00e9"}'.encode(),
            marks=_bug(
                "token-non-ascii-crash",
                "a nextToken with non-ASCII characters raises TypeError out of handle() "
                "(connectcampaigns/_description.py read_page_token: hmac.compare_digest on str)",
            ),
            id="next-token-non-ascii",
        ),
        pytest.param(
            "PUT",
            "/campaigns/{id}/dial-requests",
            b'{"dialRequests": [{"clientToken": "t", "phoneNumber": "+15550100", '
            b'"expirationTime": "0001-01-01T00:00:00+01:00", "attributes": {}}]}',
            marks=_bug(
                "timestamp-overflow-crash",
                "a valid ISO-8601 instant whose UTC date is before year 1 raises OverflowError "
                "out of handle() (_validation.py parse_timestamp: astimezone(timezone.utc))",
            ),
            id="timestamp-before-year-1",
        ),
        pytest.param(
            "GET",
            "/tags/arn%3Aaws%3Aconnect-campaigns%3A%0Aus-east-1%3Acampaign",
            None,
            marks=_bug(
                "dot-matches-line-terminators",
                "patterns are compiled with re.DOTALL, so Arn's 'arn:.*' takes a newline that "
                "Java's '.' does not (answer: 404 ResourceNotFound, not 400)",
            ),
            id="arn-newline",
        ),
        pytest.param(
            "PUT",
            "/campaigns/{id}/dial-requests",
            b'{"dialRequests": [{"clientToken": "t", "phoneNumber": "+15550100", '
            b'"expirationTime": "{expires}", "attributes": {"note": "one\\ntwo"}}]}',
            marks=_bug(
                "dot-matches-line-terminators",
                "AttributeValue '.*' accepts a newline (re.DOTALL in _validation.py)",
            ),
            id="attribute-newline",
        ),
    ],
)
def test_pinned_validation_bug(method: str, path: str, body: bytes | None) -> None:
    fake = CampaignsFake(require_onboarding=False, strict=False)
    campaign = fake.add_campaign(connect_instance_id="inst-1", state="Running")
    expires = (fake.clock.now() + timedelta(seconds=60)).isoformat().replace("+00:00", "Z")
    if body is not None:
        body = body.replace(b"{expires}", expires.encode())
    request = AWSRequest(
        method=method,
        url=f"https://connect-campaigns.{REGION}.amazonaws.com{path.format(id=campaign.id)}",
        data=body,
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAFAKECAMPAIGNS000/20260101/"
            f"{REGION}/connect-campaigns/aws4_request, SignedHeaders=host, Signature=0"
        },
    )
    response = fake._engine.answer(request.prepare())
    document = json.loads(response.content)
    if "0001-01-01" in (body or b"").decode():
        # A valid instant, far outside the 30..900 s window: the item fails, the call does not.
        assert response.status_code == 200, response.content
        assert [f["failureCode"] for f in document["failedRequests"]] == ["InvalidInput"]
        return
    assert response.status_code == 400, response.content
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert isinstance(document["message"], str)
