"""Server-side validation, generated from the installed botocore model of connectcampaigns.

Every operation's input shape is walked recursively. For each constraint found (required,
JSON type, length/size/value bounds, pattern, enum, the DialerConfig union, map keys and
values) a minimal valid request is built from the shapes and exactly one member is broken.

* Every violation is sent through a client with ``parameter_validation=False``, so the fake
  alone must reject it: ValidationException, HTTP 400, a message reporting the member's path
  and the constraint phrase of each rule broken (and no value for a sensitive member).
* Violations botocore does not check itself (max bounds, patterns, enums) are sent through a
  default client as well; which those are is decided by botocore's own ParamValidator.
* The value exactly at each bound must not be rejected by validation (the request may still
  fail for business reasons, e.g. ResourceNotFoundException).

The exact messages are golden strings, in the format of AWS's documented example and
shared/reference/service-behavior.md, with the constraint values of the botocore model: a table
covering each constraint kind (and the hand-written tests at the end), not a second copy of
the validator's formatting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape
from botocore.validate import ParamValidator
from support import new_client
from support_v2 import new_v2_client

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.engine._errors import ServiceError
from pytest_campaigns_fake.engine._validation import admitter, format_errors, violations
from pytest_campaigns_fake.engine._wire import shaped

SERVICE = botocore.session.Session().get_service_model("connectcampaigns")

# -- the small hand-written part: what a generator cannot derive from a regex ---------------

# A valid value of any length starts with this prefix and is padded with a filler.
PATTERN_PREFIX = {"arn:.*": "arn:"}
# Tried in order to pad a value that satisfies a pattern.
FILLERS = ("a", "1")
# Tried in order to build a value that breaks a pattern (within the length bounds).
BREAKERS = (" ", "!", "#")
# Patterns that every value we can send satisfies: there is no pattern case for them.
UNVIOLABLE_PATTERNS = frozenset({".*"})
# A wrong JSON type per scalar type, and the type name the fake reports.
WRONG_TYPE: dict[str, Any] = {
    "string": 5,
    "integer": "1",
    "long": "1",
    "double": True,  # botocore's float serializer raises on a str; a bool goes through
    "float": True,
    "boolean": "yes",
}
# The type words of the expected messages, written here rather than imported from the fake so
# that a wrong word in the fake fails these tests.
JSON_TYPE = {
    "string": "string",
    "integer": "integer",
    "long": "integer",
    "double": "number",
    "float": "number",
    "boolean": "boolean",
}
# Members whose value at a bound is valid by shape and still a ValidationException by business
# rule: the service rejects a nextToken it did not issue (that message is no constraint one).
BUSINESS_VALIDATION = frozenset({("ListCampaigns", "nextToken")})
# Far enough in the future to be a valid expirationTime whatever the fake's clock.
EXPIRES = datetime.now(timezone.utc) + timedelta(minutes=5)

Step = tuple[str, ...]  # ("member", name) | ("item",) | ("key",) | ("value",)
ABSENT = object()  # as a leaf: leave the member out of the request


# -- shapes -> values ------------------------------------------------------------------------


def _full(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value, re.ASCII) is not None  # as the fake: Java-like "."


def _string_of(shape: Shape, length: int, *, strict: bool = True) -> str:
    """A string of ``length`` characters satisfying the shape's pattern (if ``strict``)."""
    pattern = shape.metadata.get("pattern")
    if pattern is None:
        return "a" * length
    prefix = PATTERN_PREFIX.get(pattern, "")
    candidates = [prefix + f * (length - len(prefix)) for f in FILLERS if len(prefix) <= length]
    for value in candidates:
        if _full(pattern, value):
            return value
    if strict or not candidates:
        raise LookupError(f"no value of length {length} for {pattern!r}: add to PATTERN_PREFIX")
    return candidates[0]


def _pattern_breaker(shape: Shape) -> str | None:
    pattern = shape.metadata["pattern"]
    length: int = max(shape.metadata.get("min", 0), 1)
    if length <= shape.metadata.get("max", length):
        for breaker in BREAKERS:
            if not _full(pattern, breaker * length):
                return breaker * length
    if pattern in UNVIOLABLE_PATTERNS:
        return None
    raise LookupError(f"no value breaks {pattern!r}: add a BREAKER or list it as unviolable")


def _minimal(shape: Shape) -> Any:
    """The smallest valid value of a shape: required members only, lowest bounds."""
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure":
        names = list(shape.required_members)
        if not names and meta.get("union"):
            names = [next(iter(shape.members))]
        return {name: _minimal(shape.members[name]) for name in names}
    if kind == "list":
        # At least one item: an empty list in a query string does not reach the service.
        return [_minimal(shape.member) for _ in range(max(meta.get("min", 0), 1))]
    if kind == "map":
        if meta.get("min", 0) > 0:
            raise LookupError(f"{shape.name}: maps with a minimum size are not generated")
        return {}
    if kind == "string":
        if _enum(shape):
            return _enum(shape)[0]
        return _string_of(shape, min(max(meta.get("min", 0), 1), meta.get("max", 1)))
    if kind in ("integer", "long"):
        return int(meta.get("min", 1))
    if kind in ("double", "float"):
        return float(meta.get("min", 1))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return EXPIRES
    raise LookupError(f"{shape.name}: no minimal value for type {kind}")


def _put(shape: Shape, current: Any, steps: tuple[Step, ...], leaf: Any) -> Any:
    """``current`` (or a minimal value of ``shape``) with ``leaf`` at ``steps``; copies."""
    if not steps:
        return leaf
    step, rest = steps[0], steps[1:]
    if step[0] == "member":
        name = step[1]
        base = dict(current) if isinstance(current, dict) else _minimal(shape)
        if shape.metadata.get("union"):
            base = {name: base[name]} if name in base else {}
        member = shape.members[name]
        child = base.get(name)
        new = _put(member, child if child is not None else _minimal(member), rest, leaf)
        if new is ABSENT:
            base.pop(name, None)
        else:
            base[name] = new
        return base
    if step[0] == "item":
        items = list(current) if isinstance(current, list) and current else []
        items = items or [_minimal(shape.member)]
        items[0] = _put(shape.member, items[0], rest, leaf)
        return items
    if step[0] == "key":
        return {leaf: _minimal(shape.value)}
    return {_minimal(shape.key): _put(shape.value, _minimal(shape.value), rest, leaf)}


def _enum(shape: Shape) -> list[str]:
    return list(getattr(shape, "enum", None) or [])


def _hides(shape: Shape) -> bool:
    """Sensitive, or holding something sensitive: the message must not show the value."""
    if shape.metadata.get("sensitive"):
        return True
    if shape.type_name == "structure":
        return any(_hides(m) for m in shape.members.values())
    if shape.type_name == "list":
        return _hides(shape.member)
    if shape.type_name == "map":
        return _hides(shape.key) or _hides(shape.value)
    return False


# -- the constraint phrases of each shape ----------------------------------------------------


def _rules(shape: Shape) -> list[tuple[str, Callable[[Any], bool]]]:
    """(phrase, violated) for each bound/pattern/enum of a shape, in AWS's order."""
    meta = shape.metadata
    measure: Callable[[Any], float] = float
    word = "value"
    if shape.type_name in ("string", "list", "map"):
        measure, word = len, "length"
    rules: list[tuple[str, Callable[[Any], bool]]] = []
    if "max" in meta and shape.type_name not in ("structure", "boolean"):
        high = meta["max"]
        phrase = f"Member must have {word} less than or equal to {high}"
        rules.append((phrase, lambda v: measure(v) > high))
    if "min" in meta and shape.type_name not in ("structure", "boolean"):
        low = meta["min"]
        phrase = f"Member must have {word} greater than or equal to {low}"
        rules.append((phrase, lambda v: measure(v) < low))
    if "pattern" in meta:
        pattern = meta["pattern"]
        phrase = f"Member must satisfy regular expression pattern: {pattern}"
        rules.append((phrase, lambda v: not _full(pattern, v)))
    if _enum(shape):
        allowed = _enum(shape)
        phrase = f"Member must satisfy enum value set: [{', '.join(allowed)}]"
        rules.append((phrase, lambda v: v not in allowed))
    return rules


def _violated(shape: Shape, value: Any) -> list[str]:
    return [phrase for phrase, violated in _rules(shape) if violated(value)]


def _wire_path(steps: tuple[Step, ...]) -> str:
    parts: list[str] = []
    for step in steps:
        if step[0] == "member":
            parts.append(step[1])
        elif step[0] == "item":
            parts += ["1", "member"]
        # a map key or value is reported at the map's own path
    return ".".join(parts)


def _label(steps: tuple[Step, ...]) -> str:
    return ".".join(
        step[1] if step[0] == "member" else step[0].replace("item", "member") for step in steps
    )


# -- the walk --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """One place in an operation's input where a value can go."""

    op: OperationModel
    steps: tuple[Step, ...]
    shape: Shape
    parent: Shape
    required: bool
    location: str | None  # "uri" / "querystring" / None (JSON body), of the top-level member

    @property
    def last(self) -> str:
        return self.steps[-1][0]


@dataclass(frozen=True)
class Case:
    id: str
    operation: str
    kind: str
    params: dict[str, Any]
    # What the message must hold, for a violation: one "at '<path>' failed to satisfy
    # constraint: <phrase>" per error (so ``errors`` of them), and "Value null at '<path>'" or,
    # for a sensitive member, "Value at '<path>'". Nothing for a value at a bound.
    fragments: tuple[str, ...] = ()
    errors: int = 0
    business: bool = False  # at a bound, a business-rule ValidationException is allowed

    @property
    def client_checked(self) -> bool:
        """botocore's own client-side validator rejects this request."""
        shape = SERVICE.operation_model(self.operation).input_shape
        return bool(ParamValidator().validate(self.params, shape).has_errors())


def _sites(op: OperationModel) -> Iterator[Site]:
    def walk(shape: Shape, steps: tuple[Step, ...], location: str | None) -> Iterator[Site]:
        if len(steps) > 12:
            raise RecursionError(f"{op.name}: input nested too deep at {_label(steps)}")
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                here = member.serialization.get("location") if not steps else location
                at = (*steps, ("member", name))
                yield Site(op, at, member, shape, name in shape.required_members, here)
                yield from walk(member, at, here)
        elif shape.type_name == "list":
            at = (*steps, ("item",))
            yield Site(op, at, shape.member, shape, False, location)
            yield from walk(shape.member, at, location)
        elif shape.type_name == "map":
            yield Site(op, (*steps, ("key",)), shape.key, shape, False, location)
            at = (*steps, ("value",))
            yield Site(op, at, shape.value, shape, False, location)
            yield from walk(shape.value, at, location)

    yield from walk(op.input_shape, (), None)


def _request(site: Site, leaf: Any) -> dict[str, Any]:
    params: dict[str, Any] = _put(site.op.input_shape, None, site.steps, leaf)
    return params


def _violation(site: Site, kind: str, leaf: Any, phrases: list[str]) -> Case:
    params = _request(site, leaf)
    if site.last in ("key", "value"):
        # AWS reports the map (one error), listing every constraint of the key (value) shape
        # when any of them failed: "Map keys must satisfy constraint: [max, min, pattern]".
        path, hidden = _wire_path(site.steps[:-1]), _hides(site.parent)
        word = "keys" if site.last == "key" else "value"
        fragments = [f"at '{path}' failed to satisfy constraint: Map {word} must satisfy"]
        fragments += phrases
        count = 1
    else:
        path, hidden = _wire_path(site.steps), _hides(site.shape)
        fragments = [f"at '{path}' failed to satisfy constraint: {p}" for p in phrases]
        count = len(phrases)
    if site.last not in ("key", "value") and (leaf is ABSENT or leaf is None):
        fragments.append(f"Value null at '{path}'")  # null, sensitive or not
    elif hidden:
        fragments.append(f"Value at '{path}'")
    case_id = f"{site.op.name}-{_label(site.steps)}-{kind}"
    return Case(case_id, site.op.name, kind, params, tuple(fragments), count)


def _checked(site: Site, kind: str, value: Any, intended: str) -> Case:
    """A case breaking one constraint; other phrases this value also violates are expected."""
    phrases = _violated(site.shape, value)
    assert intended in phrases, (site.op.name, _label(site.steps), kind, phrases)
    return _violation(site, kind, value, phrases)


def _phrase(shape: Shape, key: str) -> str:
    for phrase, _ in _rules(shape):
        if (key == "max" and "less than" in phrase) or (key == "min" and "greater" in phrase):
            return phrase
    raise KeyError(key)


def _too_far(shape: Shape, bound: str) -> Any:
    """A value one step beyond the shape's ``bound`` ("min" or "max"), otherwise valid."""
    limit = shape.metadata[bound]
    delta = -1 if bound == "min" else 1
    if shape.type_name == "string":
        return _string_of(shape, limit + delta, strict=bound == "max")
    if shape.type_name == "list":
        return [_minimal(shape.member) for _ in range(limit + delta)]
    if shape.type_name in ("integer", "long"):
        return int(limit) + delta
    if shape.type_name in ("double", "float"):
        return float(limit + delta)
    raise LookupError(f"{shape.name}: no {bound} violation for type {shape.type_name}")


def _at(shape: Shape, bound: str) -> Any:
    limit = shape.metadata[bound]
    if shape.type_name == "string":
        return _string_of(shape, limit)
    if shape.type_name == "list":
        return [_minimal(shape.member) for _ in range(limit)]
    if shape.type_name in ("integer", "long"):
        return int(limit)
    if shape.type_name in ("double", "float"):
        return float(limit)
    raise LookupError(f"{shape.name}: no value at {bound} for type {shape.type_name}")


def _violations(site: Site) -> Iterator[Case]:
    shape, meta = site.shape, site.shape.metadata
    body = site.location is None
    # Missing required member. botocore cannot build the URL without a URI label (KeyError in
    # its serializer), so a missing label never reaches any server; a missing query-string list
    # looks on the wire exactly like an empty one, which the service accepts.
    if site.last == "member" and site.required and site.location not in ("uri", "querystring"):
        yield _violation(site, "null", ABSENT, ["Member must not be null"])
    # A null list item or map value. Only in the body: query-string lists travel as text. And
    # not for structures: botocore's serializer iterates the item (AttributeError on None).
    container = shape.type_name in ("structure", "list", "map")
    if site.last in ("item", "value") and body and not container:
        yield _violation(site, "null", None, ["Member must not be null"])
    # Wrong JSON type, for scalars in the body only: URI labels and query strings are text on
    # the wire whatever the Python type; botocore cannot serialize a wrong type for a
    # structure, list or map (it iterates the value), nor for a timestamp (it parses or
    # converts the value client-side: "Invalid timestamp"); JSON map keys are always strings.
    if body and site.last != "key" and shape.type_name in WRONG_TYPE:
        phrase = f"Member must be of type {JSON_TYPE[shape.type_name]}"
        yield _violation(site, "type", WRONG_TYPE[shape.type_name], [phrase])
    numeric = shape.type_name in ("integer", "long", "double", "float")
    if "min" in meta and (numeric or meta["min"] > 0):
        yield _checked(site, "min", _too_far(shape, "min"), _phrase(shape, "min"))
    if "max" in meta:
        yield _checked(site, "max", _too_far(shape, "max"), _phrase(shape, "max"))
    if "pattern" in meta:
        breaker = _pattern_breaker(shape)
        if breaker is not None:
            intended = f"Member must satisfy regular expression pattern: {meta['pattern']}"
            yield _checked(site, "pattern", breaker, intended)
    enum = _enum(shape)
    if enum:
        wrong = enum[0].lower() if enum[0].lower() not in enum else "Nope"
        intended = f"Member must satisfy enum value set: [{', '.join(enum)}]"
        yield _checked(site, "enum", wrong, intended)
    if shape.type_name == "structure" and meta.get("union"):
        phrase = f"Member must have exactly one of [{', '.join(shape.members)}] set"
        yield _violation(site, "union-none", {}, [phrase])
        first, second = list(shape.members)[:2]
        both = {first: _minimal(shape.members[first]), second: _minimal(shape.members[second])}
        yield _violation(site, "union-two", both, [phrase])


def _bounds(site: Site) -> Iterator[Case]:
    shape, meta = site.shape, site.shape.metadata
    for bound in ("min", "max"):
        if bound not in meta or shape.type_name in ("structure", "boolean"):
            continue
        if bound == "min" and shape.type_name == "list" and site.location == "querystring":
            # An empty query-string list is not sent at all (UntagResource with tagKeys=[] has
            # no tagKeys on the wire), so the service sees a missing required member.
            continue
        pattern = meta.get("pattern")
        if bound == "min" and meta["min"] == 0 and pattern and not _full(pattern, ""):
            # AttributeName: min 0 but pattern '...+', so no value of the minimum length is valid.
            continue
        params = _request(site, _at(shape, bound))
        business = (site.op.name, site.steps[0][1]) in BUSINESS_VALIDATION
        case_id = f"{site.op.name}-{_label(site.steps)}-at-{bound}"
        yield Case(case_id, site.op.name, f"at-{bound}", params, business=business)


def _generate() -> tuple[list[Case], list[Case]]:
    violations: list[Case] = []
    bounds: list[Case] = []
    for name in SERVICE.operation_names:
        op = SERVICE.operation_model(name)
        if op.input_shape is None:
            continue
        for site in _sites(op):
            violations.extend(_violations(site))
            bounds.extend(_bounds(site))
    for cases in (violations, bounds):
        ids = [c.id for c in cases]
        assert len(ids) == len(set(ids)), "generated test ids are not unique"
    return violations, bounds


VIOLATIONS, BOUNDS = _generate()
SERVER_ONLY = [c for c in VIOLATIONS if not c.client_checked]


def _ids(case: Case) -> str:
    return case.id


# -- running a case --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unvalidated_client() -> Any:
    """A client that sends whatever it is given: the fake alone has to validate."""
    return new_client(validate=False)


def _call(client: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = getattr(client, xform_name(operation))(**params)
    return result


def _rejected(fake: CampaignsFake, client: Any, operation: str, params: dict[str, Any]) -> str:
    """The message of the ValidationException (400) the fake answered ``params`` with."""
    with pytest.raises(ClientError) as info:
        _call(client, operation, params)
    response = info.value.response
    assert response["Error"]["Code"] == "ValidationException", response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    last = fake.calls.last
    assert (last.operation, last.status_code) == (operation, 400)
    message: str = response["Error"]["Message"]
    return message


def _assert_reports(message: str, case: Case) -> None:
    """The exact format is the golden table's business: here, what is reported where."""
    assert message.count(" failed to satisfy constraint: ") == case.errors, message
    for fragment in case.fragments:
        assert fragment in message, (fragment, message)


def test_the_model_yields_cases_of_every_kind() -> None:
    assert len(VIOLATIONS) > 100
    assert len(BOUNDS) > 40
    kinds = {c.kind for c in VIOLATIONS}
    assert {"null", "type", "min", "max", "pattern", "enum", "union-none", "union-two"} <= kinds
    assert {"at-min", "at-max"} <= {c.kind for c in BOUNDS}
    assert len(SERVER_ONLY) > 40


def test_botocore_checks_only_required_min_type_and_union_itself() -> None:
    for case in VIOLATIONS:
        server_only = case.kind in ("max", "pattern", "enum")
        if case.kind == "type" and any("type number" in f for f in case.fragments):
            # botocore takes a bool for a double (bool is an int), JSON true reaches the server.
            server_only = True
        assert case.client_checked is not server_only, case.id


@pytest.mark.parametrize("case", VIOLATIONS, ids=_ids)
def test_violation_is_rejected_by_the_fake(
    campaigns_fake: CampaignsFake, unvalidated_client: Any, case: Case
) -> None:
    message = _rejected(campaigns_fake, unvalidated_client, case.operation, case.params)
    _assert_reports(message, case)


@pytest.mark.parametrize("case", SERVER_ONLY, ids=_ids)
def test_violation_botocore_lets_through_is_rejected(
    campaigns_fake: CampaignsFake, campaigns_client: Any, case: Case
) -> None:
    message = _rejected(campaigns_fake, campaigns_client, case.operation, case.params)
    _assert_reports(message, case)


# No onboarding needed: CreateCampaign at a bound then runs to the end and stores the campaign.
@pytest.mark.campaigns_fake(require_onboarding=False)
@pytest.mark.parametrize("case", BOUNDS, ids=_ids)
def test_value_at_a_bound_is_valid(
    campaigns_fake: CampaignsFake, campaigns_client: Any, case: Case
) -> None:
    try:
        _call(campaigns_client, case.operation, case.params)
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
        if code == "ValidationException":
            assert case.business, message
            assert "failed to satisfy constraint" not in message
    assert campaigns_fake.calls.last.operation == case.operation


# -- hand-written: the message format --------------------------------------------------------

ARN = "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/nope"
TAG_KEY_RULES = (
    "Member must have length less than or equal to 128, "
    "Member must have length greater than or equal to 1, "
    "Member must satisfy regular expression pattern: (?!aws:)[a-zA-Z+-=._:/]+"
)


def _dial(phone: str = "+15550100", **extra: Any) -> dict[str, Any]:
    return {
        "clientToken": "t",
        "phoneNumber": phone,
        "expirationTime": EXPIRES,
        "attributes": {},
        **extra,
    }


def test_one_error_message_matches_the_documented_example(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    message = _rejected(
        campaigns_fake, campaigns_client, "UpdateCampaignName", {"id": "c", "name": "x" * 128}
    )
    assert message == (
        f"1 validation error detected: Value '{'x' * 128}' at 'name' failed to satisfy "
        "constraint: Member must have length less than or equal to 127"
    )


def test_several_errors_are_counted_and_listed_in_model_order(
    campaigns_fake: CampaignsFake, unvalidated_client: Any
) -> None:
    expected = (
        "4 validation errors detected: "
        f"Value '{'n' * 128}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 127; "
        "Value 'bad id' at 'connectInstanceId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_\\-.]*; "
        "Value null at 'outboundCallConfig' failed to satisfy constraint: "
        "Member must not be null; "
        "Value '{aws:team=a}' at 'tags' failed to satisfy constraint: "
        f"Map keys must satisfy constraint: [{TAG_KEY_RULES}]"
    )
    dialer: dict[str, Any] = {"agentlessDialerConfig": {}}
    in_model_order = {
        "name": "n" * 128,
        "connectInstanceId": "bad id",
        "dialerConfig": dialer,
        "tags": {"aws:team": "a"},
    }
    reversed_order = dict(reversed(in_model_order.items()))
    for params in (in_model_order, reversed_order):
        assert _rejected(campaigns_fake, unvalidated_client, "CreateCampaign", params) == expected


def test_two_errors_on_one_value(campaigns_fake: CampaignsFake, unvalidated_client: Any) -> None:
    message = _rejected(
        campaigns_fake, unvalidated_client, "UntagResource", {"arn": ARN, "tagKeys": ["ok", ""]}
    )
    assert message == (
        "2 validation errors detected: "
        "Value '' at 'tagKeys.2.member' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value '' at 'tagKeys.2.member' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (?!aws:)[a-zA-Z+-=._:/]+"
    )


def test_tag_keys_must_not_start_with_aws_prefix(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    message = _rejected(
        campaigns_fake,
        campaigns_client,
        "TagResource",
        {"arn": ARN, "tags": {"team": "a", "aws:team": "b"}},
    )
    assert message == (
        "1 validation error detected: Value '{team=a, aws:team=b}' at 'tags' failed to "
        f"satisfy constraint: Map keys must satisfy constraint: [{TAG_KEY_RULES}]"
    )
    message = _rejected(
        campaigns_fake,
        campaigns_client,
        "UntagResource",
        {"arn": ARN, "tagKeys": ["team", "aws:team"]},
    )
    assert message == (
        "1 validation error detected: Value 'aws:team' at 'tagKeys.2.member' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
        "(?!aws:)[a-zA-Z+-=._:/]+"
    )


@pytest.mark.parametrize("key", ["awsteam", "team2", "a:b/c=d.e_f+g", "AWS:upper", "x-aws:y"])
def test_tag_keys_the_pattern_allows(
    campaigns_fake: CampaignsFake, campaigns_client: Any, key: str
) -> None:
    # '+-=' is a character range (it holds the digits); only a leading 'aws:' is refused.
    with pytest.raises(ClientError) as info:
        campaigns_client.tag_resource(arn=ARN, tags={key: "v"})
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_sensitive_phone_number_is_reported_without_its_value(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    params = {"id": "c", "dialRequests": [_dial(), _dial("+1 555 0199")]}
    message = _rejected(campaigns_fake, campaigns_client, "PutDialRequestBatch", params)
    assert message == (
        "1 validation error detected: Value at 'dialRequests.2.member.phoneNumber' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [\\d\\-+]*"
    )
    assert "0199" not in message


def test_sensitive_attributes_are_reported_without_their_value(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    params = {"id": "c", "dialRequests": [_dial(attributes={"bad key": "secret-value"})]}
    message = _rejected(campaigns_fake, campaigns_client, "PutDialRequestBatch", params)
    assert message == (
        "1 validation error detected: Value at 'dialRequests.1.member.attributes' failed to "
        "satisfy constraint: Map keys must satisfy constraint: ["
        "Member must have length less than or equal to 32767, "
        "Member must have length greater than or equal to 0, "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9\\-_]+]"
    )
    assert "secret" not in message and "bad key" not in message


def test_a_list_holding_phone_numbers_is_reported_without_its_value(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    params = {"id": "c", "dialRequests": [_dial(f"+1555010{i % 10}") for i in range(26)]}
    message = _rejected(campaigns_fake, campaigns_client, "PutDialRequestBatch", params)
    assert message == (
        "1 validation error detected: Value at 'dialRequests' failed to satisfy constraint: "
        "Member must have length less than or equal to 25"
    )


def test_phone_number_digits_are_ascii_digits(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    # The service's \d (Java) means [0-9]; Python's str regex would also take other digits.
    params = {"id": "c", "dialRequests": [_dial("+\u0661\u0662\u0663")]}
    message = _rejected(campaigns_fake, campaigns_client, "PutDialRequestBatch", params)
    assert "at 'dialRequests.1.member.phoneNumber' failed" in message


def test_enum_is_case_sensitive(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    params = {"filters": {"instanceIdFilter": {"value": "i", "operator": "EQ"}}}
    message = _rejected(campaigns_fake, campaigns_client, "ListCampaigns", params)
    assert message == (
        "1 validation error detected: Value 'EQ' at 'filters.instanceIdFilter.operator' "
        "failed to satisfy constraint: Member must satisfy enum value set: [Eq]"
    )


# -- golden messages: one per constraint kind ------------------------------------------------


def _bound(shape: str, key: str) -> Any:
    """A constraint value of the botocore model (so a model update moves the goldens too)."""
    return SERVICE.shape_for(shape).metadata[key]


NAME_MAX = _bound("CampaignName", "max")  # 127
NAME_MIN = _bound("CampaignName", "min")  # 1
ARN_MIN = _bound("Arn", "min")  # 20
RESULTS_MAX = _bound("MaxResults", "max")  # 50
RESULTS_MIN = _bound("MaxResults", "min")  # 1
BANDWIDTH_MAX = _bound("BandwidthAllocation", "max")  # 1
CAPACITY_MIN = _bound("DialingCapacity", "min")  # 0.01
TAG_VALUE_MAX = _bound("TagValue", "max")  # 256
BATCH_MAX = _bound("DialRequestList", "max")  # 25
INSTANCE_PATTERN = _bound("InstanceId", "pattern")  # [a-zA-Z0-9_\-.]*
TOKEN_PATTERN = _bound("ClientToken", "pattern")  # [a-zA-Z0-9_\-.]*
PHONE_PATTERN = _bound("DestinationPhoneNumber", "pattern")  # [\d\-+]*
CREATE: dict[str, Any] = {
    "name": "campaign",
    "connectInstanceId": "instance-1",
    "dialerConfig": {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
    "outboundCallConfig": {"connectContactFlowId": "flow-1"},
}
UNION = (
    "Member must have exactly one of "
    "[progressiveDialerConfig, predictiveDialerConfig, agentlessDialerConfig] set"
)

# (id, operation, params, the whole message)
GOLDEN: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "length-max",
        "UpdateCampaignName",
        {"id": "c", "name": "x" * (NAME_MAX + 1)},
        f"1 validation error detected: Value '{'x' * (NAME_MAX + 1)}' at 'name' failed to "
        f"satisfy constraint: Member must have length less than or equal to {NAME_MAX}",
    ),
    (
        "length-min",
        "CreateCampaign",
        {**CREATE, "name": ""},
        "1 validation error detected: Value '' at 'name' failed to satisfy constraint: "
        f"Member must have length greater than or equal to {NAME_MIN}",
    ),
    (
        "length-min-uri",
        "TagResource",
        {"arn": "arn:x", "tags": {"a": "b"}},
        "1 validation error detected: Value 'arn:x' at 'arn' failed to satisfy constraint: "
        f"Member must have length greater than or equal to {ARN_MIN}",
    ),
    (
        "list-length-max-sensitive",
        "PutDialRequestBatch",
        {"id": "c", "dialRequests": [_dial(f"+1555010{i % 10}") for i in range(BATCH_MAX + 1)]},
        "1 validation error detected: Value at 'dialRequests' failed to satisfy constraint: "
        f"Member must have length less than or equal to {BATCH_MAX}",
    ),
    (
        "value-max",
        "ListCampaigns",
        {"maxResults": RESULTS_MAX + 1},
        f"1 validation error detected: Value '{RESULTS_MAX + 1}' at 'maxResults' failed to "
        f"satisfy constraint: Member must have value less than or equal to {RESULTS_MAX}",
    ),
    (
        "value-min",
        "ListCampaigns",
        {"maxResults": RESULTS_MIN - 1},
        f"1 validation error detected: Value '{RESULTS_MIN - 1}' at 'maxResults' failed to "
        f"satisfy constraint: Member must have value greater than or equal to {RESULTS_MIN}",
    ),
    (
        "double-max",
        "CreateCampaign",
        {**CREATE, "dialerConfig": {"progressiveDialerConfig": {"bandwidthAllocation": 1.5}}},
        "1 validation error detected: Value '1.5' at "
        "'dialerConfig.progressiveDialerConfig.bandwidthAllocation' failed to satisfy "
        f"constraint: Member must have value less than or equal to {BANDWIDTH_MAX}",
    ),
    (
        "double-min",
        "CreateCampaign",
        {
            **CREATE,
            "dialerConfig": {
                "predictiveDialerConfig": {"bandwidthAllocation": 0.5, "dialingCapacity": 0.001}
            },
        },
        "1 validation error detected: Value '0.001' at "
        "'dialerConfig.predictiveDialerConfig.dialingCapacity' failed to satisfy constraint: "
        f"Member must have value greater than or equal to {CAPACITY_MIN}",
    ),
    (
        "pattern",
        "CreateCampaign",
        {**CREATE, "connectInstanceId": "bad id"},
        "1 validation error detected: Value 'bad id' at 'connectInstanceId' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {INSTANCE_PATTERN}",
    ),
    (
        "pattern-list-item",
        "PutDialRequestBatch",
        {"id": "c", "dialRequests": [_dial(clientToken="bad token")]},
        "1 validation error detected: Value 'bad token' at 'dialRequests.1.member.clientToken' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        f"{TOKEN_PATTERN}",
    ),
    (
        "pattern-sensitive",
        "PutDialRequestBatch",
        {"id": "c", "dialRequests": [_dial("+1 555 0199")]},
        "1 validation error detected: Value at 'dialRequests.1.member.phoneNumber' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {PHONE_PATTERN}",
    ),
    (
        "enum",
        "StartInstanceOnboardingJob",
        {
            "connectInstanceId": "i",
            "encryptionConfig": {"enabled": True, "encryptionType": "kms", "keyArn": "k"},
        },
        "1 validation error detected: Value 'kms' at 'encryptionConfig.encryptionType' failed "
        "to satisfy constraint: Member must satisfy enum value set: [KMS]",
    ),
    (
        "required",
        "CreateCampaign",
        {k: v for k, v in CREATE.items() if k != "outboundCallConfig"},
        "1 validation error detected: Value null at 'outboundCallConfig' failed to satisfy "
        "constraint: Member must not be null",
    ),
    (
        "type-string",
        "UpdateCampaignName",
        {"id": "c", "name": 5},
        "1 validation error detected: Value '5' at 'name' failed to satisfy constraint: "
        "Member must be of type string",
    ),
    (
        "type-boolean",
        "StartInstanceOnboardingJob",
        {"connectInstanceId": "i", "encryptionConfig": {"enabled": "yes"}},
        "1 validation error detected: Value 'yes' at 'encryptionConfig.enabled' failed to "
        "satisfy constraint: Member must be of type boolean",
    ),
    (
        "type-integer",
        "ListCampaigns",
        {"maxResults": 2.5},
        "1 validation error detected: Value '2.5' at 'maxResults' failed to satisfy "
        "constraint: Member must be of type integer",
    ),
    (
        # JSON true is no integer, although Python's bool is an int.
        "type-integer-true",
        "ListCampaigns",
        {"maxResults": True},
        "1 validation error detected: Value 'true' at 'maxResults' failed to satisfy "
        "constraint: Member must be of type integer",
    ),
    (
        "type-integer-false",
        "ListCampaigns",
        {"maxResults": False},
        "1 validation error detected: Value 'false' at 'maxResults' failed to satisfy "
        "constraint: Member must be of type integer",
    ),
    (
        "union-none",
        "UpdateCampaignDialerConfig",
        {"id": "c", "dialerConfig": {}},
        f"1 validation error detected: Value '{{}}' at 'dialerConfig' failed to satisfy "
        f"constraint: {UNION}",
    ),
    (
        "union-two",
        "UpdateCampaignDialerConfig",
        {
            "id": "c",
            "dialerConfig": {
                "progressiveDialerConfig": {"bandwidthAllocation": 1.0},
                "agentlessDialerConfig": {},
            },
        },
        "1 validation error detected: Value '{progressiveDialerConfig={bandwidthAllocation=1.0}, "
        f"agentlessDialerConfig={{}}}}' at 'dialerConfig' failed to satisfy constraint: {UNION}",
    ),
    (
        "map-key",
        "TagResource",
        {"arn": ARN, "tags": {"aws:team": "a"}},
        "1 validation error detected: Value '{aws:team=a}' at 'tags' failed to satisfy "
        f"constraint: Map keys must satisfy constraint: [{TAG_KEY_RULES}]",
    ),
    (
        "map-value",
        "TagResource",
        {"arn": ARN, "tags": {"team": "v" * (TAG_VALUE_MAX + 1)}},
        f"1 validation error detected: Value '{{team={'v' * (TAG_VALUE_MAX + 1)}}}' at 'tags' "
        "failed to satisfy constraint: Map value must satisfy constraint: ["
        f"Member must have length less than or equal to {TAG_VALUE_MAX}, "
        "Member must have length greater than or equal to 0]",
    ),
    (
        "several",
        "PutDialRequestBatch",
        {"id": "c", "dialRequests": [_dial(), _dial("+1 555", clientToken="bad token")]},
        "2 validation errors detected: "
        "Value 'bad token' at 'dialRequests.2.member.clientToken' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {TOKEN_PATTERN}; "
        "Value at 'dialRequests.2.member.phoneNumber' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {PHONE_PATTERN}",
    ),
]


def test_the_golden_table_holds_the_models_numbers() -> None:
    # The literals the numbers stand for, as AWS documents them (a model change shows here).
    assert (NAME_MAX, NAME_MIN, ARN_MIN, RESULTS_MAX, RESULTS_MIN) == (127, 1, 20, 50, 1)
    assert (BATCH_MAX, TAG_VALUE_MAX, BANDWIDTH_MAX, CAPACITY_MIN) == (25, 256, 1, 0.01)
    assert INSTANCE_PATTERN == TOKEN_PATTERN == "[a-zA-Z0-9_\\-.]*"
    assert PHONE_PATTERN == "[\\d\\-+]*"


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [golden[1:] for golden in GOLDEN],
    ids=[golden[0] for golden in GOLDEN],
)
def test_golden_message(
    campaigns_fake: CampaignsFake,
    unvalidated_client: Any,
    operation: str,
    params: dict[str, Any],
    expected: str,
) -> None:
    assert _rejected(campaigns_fake, unvalidated_client, operation, params) == expected


# -- the request path's one walk: the validator's verdict, the projector's copy ---------------


def _input(operation: str) -> Shape:
    shape: Shape = SERVICE.operation_model(operation).input_shape
    return shape


ADMITTED: list[tuple[str, str, dict[str, Any]]] = [
    *((case.id, case.operation, case.params) for case in VIOLATIONS + BOUNDS),
    *((golden[0], golden[1], golden[2]) for golden in GOLDEN),
    # Undeclared members are dropped at every depth, nulls kept, timestamps parsed.
    (
        "undeclared-null-timestamp",
        "PutDialRequestBatch",
        {
            "id": "c",
            "extra": 1,
            "dialRequests": [
                {**_dial(), "expirationTime": "2030-01-01T00:00:00Z", "nested": {"x": 1}},
                {**_dial(), "expirationTime": 1893456000, "attributes": {"k": "v"}},
            ],
        },
    ),
    ("null-optional", "CreateCampaign", {**_minimal(_input("CreateCampaign")), "tags": None}),
    ("not-an-object", "CreateCampaign", [1]),  # type: ignore[list-item]
]


@pytest.mark.parametrize(
    ("operation", "params"), [a[1:] for a in ADMITTED], ids=[a[0] for a in ADMITTED]
)
def test_one_walk_admits_what_the_validator_and_the_projector_would(
    operation: str, params: dict[str, Any]
) -> None:
    shape = _input(operation)
    errors = violations(shape, params)
    if errors:
        with pytest.raises(ServiceError) as info:
            admitter(shape)(params)
        assert (info.value.code, info.value.message) == (
            "ValidationException",
            format_errors(errors),
        )
    else:
        assert admitter(shape)(params) == shaped(shape, params)


def test_a_boolean_for_a_v2_integer_member_is_refused(campaigns_fake: CampaignsFake) -> None:
    # botocore with parameter_validation=False sends a JSON true; the service wants an integer.
    client = new_v2_client(validate=False)
    with pytest.raises(ClientError) as info:
        client.list_campaigns(maxResults=True)
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'true' at 'maxResults' failed to "
        "satisfy constraint: Member must be of type integer",
    }
    assert campaigns_fake.v2.calls.last.status_code == 400
