"""Property-based tests of connectcampaignsv2: mangled requests, generated from the model.

For every operation of the installed v2 model, hypothesis draws a valid request from the
operation's input shape (against a seeded world: instances, campaigns in every state, an
integration) and then, mostly, breaks one thing somewhere in it: a random JSON value, a wrong
JSON type, a number out of range, a string too long or too short, a bad enum value, a pattern
broken, a union with no member or two, a required member or a list item set to null or left
out, an unknown member. Body members are sent either by botocore (``parameter_validation``
off) or written raw into the JSON body by a hook; and raw HTTP requests with random bodies
(bytes, JSON documents), URI labels and query strings are handed straight to the engine.

Properties, for every request that reaches the fake:

* it never crashes: the answer is a 200 whose body botocore parses (with the output's
  required members and enum values), or an error the operation's model lists (or
  ValidationException; SerializationException for a body that is not a JSON object) with the
  model's HTTP status, parsed into the modelled exception class; never a 5xx, never another
  exception out of botocore, and the journal records it exactly once, as v2;
* a request broken in a way no reading of the model allows gets ValidationException;
* state stays consistent: a request answered with an error changes nothing (the whole
  ``snapshot()`` and ``fake.v2.campaigns``), read-only operations change nothing, a
  successful CreateCampaign adds exactly the campaign it returns, and after any change
  ListCampaigns shows exactly the stored campaigns and the state survives a snapshot round
  trip.

Bugs found are pinned at the end of the file (strict xfail) and listed in ``KNOWN_BUGS``, which
the generators steer clear of.

Requests botocore cannot serialize (it raises before anything is sent) never reach the fake
and are rejected as examples.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache, partial
from typing import Any
from urllib.parse import quote

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser
from hypothesis import example, given, note, reject, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from support import ACCESS_KEY, REGION, SECRET_KEY, Client
from support_fuzz import (
    Capture,
    Fuzzer,
    ValidValues,
    as_json,
    fuzz_profile,
    output_problems,
    pinned_bug,
)
from support_v2 import (
    DOMAIN_ARN,
    FLOW_ARN,
    KB_ARN,
    LAMBDA_ARN,
    LIMITS,
    OTHER_SEGMENT_ARN,
    PHONE_ARN,
    PROFILE_ID,
    SEGMENT_ARN,
    SERVICE_V2,
    TELEPHONY,
    TEMPLATE_ARN,
    TIME_ZONE,
    WINDOW,
    has_member,
)

from pytest_campaigns_fake import CampaignsFake

MODEL = botocore.session.Session().get_service_model(SERVICE_V2)
OPERATIONS = tuple(sorted(MODEL.operation_names))
FROZEN_NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
SEED = 20240423
HOST = f"connect-campaigns.{REGION}.amazonaws.com"
# Operations that only read: whatever they answer, the fake's state is the same afterwards.
READ_ONLY = frozenset(
    {
        "DescribeCampaign",
        "GetCampaignState",
        "GetCampaignStateBatch",
        "GetConnectInstanceConfig",
        "GetInstanceCommunicationLimits",
        "ListCampaigns",
        "ListConnectInstanceIntegrations",
        "ListTagsForResource",
    }
)

# Package bugs this suite found. Each has a strict xfail regression test at the end of this
# file. While a bug is listed here the fuzzers steer clear of it, so that they keep guarding
# everything else; delete the entry when the package is fixed (its xfail test then XPASSes and
# fails, which is the reminder).
KNOWN_BUGS: frozenset[str] = frozenset()
# How deep a JSON value nests in the raw bodies: deep enough for the known bug unless listed.
DEEP = 300 if "deep-json-value-crash" in KNOWN_BUGS else 900

FUZZ_SETTINGS = fuzz_profile("campaigns-v2-fuzz", max_examples=25)


# -- the seeded world ------------------------------------------------------------------------

INSTANCES = ("inst-ready", "inst-failed", "inst-pending")
CAMPAIGN_STATES = ("Initialized", "Running", "Paused", "Stopped", "Completed", "Failed")


@dataclass(frozen=True)
class World:
    """What ``seed`` made: v2 campaign ids and ARNs by name, and a v1 campaign's id."""

    ids: dict[str, str]
    arns: dict[str, str]
    v1_id: str


def seed(fake: CampaignsFake, client: Client) -> World:
    """Instances, a v2 campaign in each state, campaigns with sources and tags, an integration
    (the fake is deterministic: the same ``seed`` gives the same ids every time)."""
    fake.clock.freeze(FROZEN_NOW)
    fake.add_instance("inst-ready")
    fake.add_instance("inst-failed", status="FAILED", failure_code="KMS_KEY_NOT_FOUND")
    fake.add_instance("inst-pending", status="IN_PROGRESS")
    v2 = fake.v2
    campaigns = {
        state: v2.add_campaign(connect_instance_id="inst-ready", name=state, state=state)
        for state in CAMPAIGN_STATES
    }
    campaigns["event"] = v2.add_campaign(
        connect_instance_id="inst-ready",
        name="event",
        state="Running",
        source={"eventTrigger": {"customerProfilesDomainArn": DOMAIN_ARN}},
    )
    campaigns["segment"] = v2.add_campaign(
        connect_instance_id="inst-ready",
        name="segment",
        source={"customerProfilesSegmentArn": SEGMENT_ARN},
        # Seeds take timestamps as ISO-8601 strings or epoch seconds (docs/v2.md).
        schedule={"startTime": "2030-01-02T12:00:00Z", "endTime": "2030-01-03T12:00:00Z"},
        communication_time_config={"localTimeZoneConfig": TIME_ZONE, "telephony": WINDOW},
        communication_limits_override={"allChannelSubtypes": LIMITS},
    )
    campaigns["tagged"] = v2.add_campaign(
        connect_instance_id="inst-ready",
        name="tagged",
        tags={f"tag{i}": "v" for i in range(49)},
    )
    v1 = fake.add_campaign(connect_instance_id="inst-ready", name="v1")
    client.put_connect_instance_integration(
        connectInstanceId="inst-ready", integrationConfig=SEEDED_INTEGRATION
    )
    return World(
        ids={name: c.id for name, c in campaigns.items()},
        arns={name: c.arn for name, c in campaigns.items()},
        v1_id=v1.id,
    )


# The integration ``seed`` puts (and DeleteConnectInstanceIntegration's successful request
# removes): a Lambda one where the installed model has IntegrationConfig.lambda (botocore
# 1.40+), a Customer Profiles one otherwise.
if has_member("IntegrationConfig", "lambda"):
    SEEDED_INTEGRATION: dict[str, Any] = {"lambda": {"functionArn": LAMBDA_ARN}}
    SEEDED_IDENTIFIER: dict[str, Any] = {"lambda": {"functionArn": LAMBDA_ARN}}
else:
    SEEDED_INTEGRATION = {
        "customerProfiles": {
            "domainArn": DOMAIN_ARN,
            "objectTypeNames": {"Campaign-Telephony": "t"},
        }
    }
    SEEDED_IDENTIFIER = {"customerProfiles": {"domainArn": DOMAIN_ARN}}


def _client() -> Client:
    return boto3.session.Session().client(
        SERVICE_V2,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )


def new_fake() -> CampaignsFake:
    return CampaignsFake(strict=False, seed=SEED)


@cache
def world() -> World:
    with new_fake() as fake:
        return seed(fake, _client())


# -- valid values from the model -------------------------------------------------------------

TOKEN_CHARS = "abcXYZ019_-."
SAFE_TEXT = st.characters(codec="utf-8", exclude_characters="\n\r\x85\u2028\u2029")
SCALARS: SearchStrategy[Any] = (
    st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
ANY_JSON: SearchStrategy[Any] = st.recursive(
    st.none() | SCALARS,
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=4,
)


def patterned(name: str) -> SearchStrategy[str] | None:
    """Valid values of a shape with a pattern (or one whose values name the seeded world)."""
    w = world()
    arns = [*w.arns.values(), FLOW_ARN, SEGMENT_ARN, OTHER_SEGMENT_ARN, DOMAIN_ARN]
    table: dict[str, SearchStrategy[str]] = {
        "Arn": st.sampled_from([*arns, TEMPLATE_ARN, KB_ARN, PHONE_ARN]),
        "CampaignId": st.sampled_from([*w.ids.values(), w.v1_id, "unknown-campaign"]),
        "InstanceId": st.sampled_from([*INSTANCES, "inst-unknown"]),
        "AttributeName": st.text(TOKEN_CHARS.replace(".", ""), min_size=1, max_size=8),
        "AttributeValue": st.text(SAFE_TEXT, max_size=8),
        "ClientToken": st.one_of(st.sampled_from(["t1", "t2"]), st.text(TOKEN_CHARS, max_size=12)),
        "DestinationPhoneNumber": st.text("0123456789-+", max_size=20),
        "EmailAddress": st.sampled_from(["a@example.com", "first.last@mail.example.org"]),
        "EvaluationWindow": st.sampled_from(["PT1H", "PT9H", "PT24H"]),
        "Iso8601Date": st.sampled_from(["2030-01-01", "2030-02-28", "2030-12-31"]),
        "Iso8601Duration": st.sampled_from(["PT0H", "PT1H", "P1D", "PT30M", "PT1.5S"]),
        "Iso8601Time": st.sampled_from(["T00:00", "T09:00", "T17:30", "T24:00"]),
        "LambdaArn": st.sampled_from([LAMBDA_ARN, LAMBDA_ARN + ":live"]),
        "ProfileId": st.one_of(
            st.just(PROFILE_ID), st.text("0123456789abcdef", min_size=32, max_size=32)
        ),
        "TagKey": st.sampled_from(["team", "env", "tag1", "a:b", "x=y"]),
        "TimeZone": st.sampled_from(["America/New_York", "UTC", "Europe/Paris", ""]),
    }
    return table.get(name)


class Strategies(ValidValues):
    """Valid values of every input shape of the model, built once per shape."""

    def scalar(self, shape: Shape) -> SearchStrategy[Any]:
        kind, meta = shape.type_name, shape.metadata
        if kind == "list":
            low = meta.get("min", 0)
            return st.lists(
                self.valid(shape.member), min_size=low, max_size=min(meta.get("max", 3), low + 2)
            )
        if kind == "map":
            return st.dictionaries(self.valid(shape.key), self.valid(shape.value), max_size=2)
        if kind == "string":
            enum = getattr(shape, "enum", None)
            if enum:
                return st.sampled_from(list(enum))
            found = patterned(shape.name)
            if found is not None:
                return found
            assert "pattern" not in meta, f"no valid values for {shape.name}: add to patterned()"
            low = meta.get("min", 0)
            return st.text(SAFE_TEXT, min_size=low, max_size=min(meta.get("max", 12), low + 12))
        if kind in ("integer", "long"):
            low = meta.get("min", 0)
            return st.integers(low, meta.get("max", low + 100))
        if kind in ("double", "float"):
            return st.floats(meta.get("min", 0.0), meta.get("max", 10.0), allow_nan=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return st.integers(-3600, 10 * 86400).map(lambda s: FROZEN_NOW + timedelta(seconds=s))
        raise AssertionError(f"no strategy for shape type {kind}")


# -- one thing broken ------------------------------------------------------------------------

Path = tuple[Any, ...]  # member names, list indices and map keys from the request's root


@dataclass(frozen=True)
class Site:
    """A place in a request that a mangle can break."""

    path: Path
    shape: Shape
    location: str | None  # of the top-level member: "uri", "querystring", or None (body)
    role: str  # "root", "member", "item", "key", "value"
    required: bool = False
    in_union: bool = False


@dataclass(frozen=True)
class Mangle:
    """What was done at a site; ``definite``: no reading of the model allows the result."""

    kind: str
    value: Any
    definite: bool
    remove: bool = False
    # The request's body must be written raw (botocore would transform or refuse the value).
    raw: bool = False


def sites(shape: Shape, value: Any, path: Path = (), location: str | None = None) -> Iterator[Site]:
    if not path:
        yield Site(path, shape, None, "root")
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        union = bool(shape.metadata.get("union"))
        for name, item in value.items():
            member = shape.members[name]
            here = member.serialization.get("location") if not path else location
            required = name in shape.required_members
            yield Site((*path, name), member, here, "member", required, union)
            yield from sites(member, item, (*path, name), here)
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield Site((*path, index), shape.member, location, "item")
            yield from sites(shape.member, item, (*path, index), location)
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield Site((*path, key), shape.key, location, "key")
            yield Site((*path, key), shape.value, location, "value")
            yield from sites(shape.value, item, (*path, key), location)


BREAKERS = " !#%&*\n"


def _full(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value, re.ASCII) is not None


JSON_VALUES: dict[str, SearchStrategy[Any]] = {
    "string": st.text(max_size=6),
    "number": st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)),
    "boolean": st.booleans(),
    "array": st.lists(st.text(max_size=4), max_size=2),
    "object": st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
}
# The JSON types a shape's value may have on the wire (a timestamp: an ISO string or epoch).
JSON_TYPES = {
    "string": ("string",),
    "integer": ("number",),
    "long": ("number",),
    "double": ("number",),
    "float": ("number",),
    "boolean": ("boolean",),
    "timestamp": ("string", "number"),
    "structure": ("object",),
    "map": ("object",),
    "list": ("array",),
}


# Instants at the edges of what a reader takes: before year 1 or after 9999 in UTC, nanoseconds,
# lower case, no zone, epoch numbers of any size, numbers as text.
ODD_TIMESTAMPS = st.sampled_from(
    [
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "2030-01-01T00:00:00.123456789Z",
        "2030-01-01t12:00:00z",
        "2030-01-01T12:00:00",
        "2030-01-01",
        "1893499200",
        "Infinity",
        1e300,
        -1e300,
        10**30,
        1893499200,
        1893499200.5,
        0,
    ]
)


def wrong_type(kind: str) -> SearchStrategy[Any]:
    """JSON values of a JSON type the shape's values never have."""
    return st.one_of([s for t, s in JSON_VALUES.items() if t not in JSON_TYPES[kind]])


def mangles(site: Site, value: Any, strategies: Strategies) -> SearchStrategy[Mangle]:
    """The ways to break ``value`` at ``site``."""
    shape, meta, kind = site.shape, site.shape.metadata, site.shape.type_name
    body = site.location is None
    options: list[SearchStrategy[Mangle]] = []

    def of(kind_: str, values: SearchStrategy[Any], definite: bool, raw: bool = False) -> None:
        options.append(values.map(lambda v: Mangle(kind_, v, definite, raw=raw)))

    if site.role == "root":
        # Leave out a required member (a required query-string list travels as none at all).
        droppable = [
            name
            for name in shape.required_members
            if name in value
            and shape.members[name].serialization.get("location") != "uri"
            and not (
                shape.members[name].serialization.get("location") == "querystring"
                and shape.members[name].type_name == "list"
            )
        ]
        if droppable:
            options.append(
                st.sampled_from(droppable).map(lambda n: Mangle("drop", n, True, remove=True))
            )
        extra = st.text(st.characters(codec="ascii", categories=["L"]), min_size=1, max_size=8)
        options.append(
            st.tuples(extra.filter(lambda n: n not in shape.members), ANY_JSON).map(
                lambda t: Mangle("unknown member", t, False, raw=True)
            )
        )
        return st.one_of(options)

    if site.role == "key":
        # JSON object keys are strings.
        if "max" in meta:
            high = meta["max"]
            if high < 1000:
                of("key too long", st.integers(1, 3).map(lambda n: "k" * (high + n)), True)
        if meta.get("min", 0) > 0:
            of("empty key", st.just(""), True, raw=True)
        if "pattern" in meta:
            of(
                "key breaks pattern",
                st.tuples(st.sampled_from(BREAKERS), st.sampled_from(["", "aws:"])).map(
                    lambda t: t[1] + "key" + t[0]
                ),
                True,
            )
        return st.one_of(options) if options else st.nothing()

    # Anything at all (text on the wire outside the body: scalars), and null.
    text_only = site.location == "uri"  # botocore percent-encodes a label: text only
    of(
        "random JSON",
        ANY_JSON if body else st.text(max_size=8) if text_only else SCALARS,
        False,
        raw=body,
    )
    if body:
        null_definite = site.role in ("item", "value") or site.required or site.in_union
        of("null", st.none(), null_definite, raw=True)
        if site.role == "member" and not site.required and not site.in_union:
            options.append(st.just(Mangle("left out", None, False, remove=True)))
        of("wrong type", wrong_type(kind), True, raw=True)

    if kind == "structure":
        if meta.get("union"):
            of("union with no member", st.just({}), True, raw=True)
            names = sorted(shape.members)
            both = st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(
                lambda t: t[0] != t[1]
            )
            options.append(
                both.flatmap(
                    lambda t: st.tuples(
                        strategies.valid(shape.members[t[0]]), strategies.valid(shape.members[t[1]])
                    ).map(
                        lambda v: Mangle("union with two members", {t[0]: v[0], t[1]: v[1]}, True)
                    )
                )
            )
        elif isinstance(value, dict):
            present = [n for n in shape.required_members if n in value]
            if present:
                options.append(
                    st.sampled_from(present).map(
                        lambda n: Mangle(
                            "required member left out",
                            {k: v for k, v in value.items() if k != n},
                            True,
                            raw=True,
                        )
                    )
                )
    elif kind == "list":
        low, high = meta.get("min", 0), meta.get("max")
        item = strategies.valid(shape.member)
        if low > 0 and body:
            of("too few items", st.lists(item, max_size=low - 1), True, raw=True)
        if high is not None and body:
            of("too many items", item.map(lambda x: [x] * (high + 1)), True, raw=True)
    elif kind == "string":
        low, high = meta.get("min", 0), meta.get("max")
        enum = getattr(shape, "enum", None)
        if enum:
            bad = st.sampled_from([e.lower() for e in enum] + [" " + enum[0], "BOGUS", ""])
            of("bad enum value", bad.filter(lambda v: v not in enum), True)
        if high is not None:
            of("too long", st.integers(1, 3).map(lambda n: "a" * (high + n)), True)
        if low > 0:
            of("too short", st.just(""), True)
        if "pattern" in meta and isinstance(value, str):
            pattern = meta["pattern"]
            broken = st.tuples(st.sampled_from(BREAKERS), st.integers(0, len(value))).map(
                lambda t: value[: t[1]] + t[0] + value[t[1] :]
            )
            options.append(
                broken.map(
                    lambda v: Mangle(
                        "breaks pattern",
                        v,
                        not _full(pattern, v) and len(v) <= meta.get("max", len(v)),
                    )
                )
            )
        if site.location == "querystring":
            # Text on the wire whatever the type: nothing is definite about a number here.
            of("number as text", st.integers(-5, 5), False)
    elif kind in ("integer", "long", "double", "float"):
        integral = kind in ("integer", "long")
        low, high = meta.get("min"), meta.get("max")
        if low is not None:
            below = (
                st.integers(low - 1000, low - 1)
                if integral
                else st.floats(low - 1000, low, exclude_max=True, allow_nan=False)
            )
            of("below minimum", below, True)
        if high is not None:
            above = (
                st.integers(high + 1, high + 1000)
                if integral
                else st.floats(high, high + 1000, exclude_min=True, allow_nan=False)
            )
            of("above maximum", above, True)
            of("huge number", st.sampled_from([10**400, 2**1024]), True, raw=True)
            if not integral:
                of("infinite", st.just(math.inf), True, raw=True)
        if not integral:
            of("NaN", st.just(math.nan), False, raw=True)
        else:
            of("fraction", st.sampled_from([1.5, 2.25]), True, raw=body)
    elif kind == "timestamp" and body:
        of("not a timestamp", st.sampled_from(["yesterday", "2030-13-01T00:00:00Z"]), True, True)
        of("odd timestamp", ODD_TIMESTAMPS, False, raw=True)
    return st.one_of(options)


def value_at(request: dict[str, Any], site: Site) -> Any:
    """The value at ``site`` (a map key's site: the key)."""
    if site.role == "key":
        return site.path[-1]
    value: Any = request
    for step in site.path:
        value = value[step]
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def apply(request: dict[str, Any], site: Site, mangle: Mangle) -> dict[str, Any]:
    """A copy of ``request`` with ``mangle`` made at ``site``."""
    result: dict[str, Any] = _copy(request)
    if site.role == "root":
        if mangle.remove:
            del result[mangle.value]
        else:
            name, value = mangle.value
            result[name] = value
        return result
    parent: Any = result
    for step in site.path[:-1]:
        parent = parent[step]
    last = site.path[-1]
    if site.role == "key":
        parent[mangle.value] = parent.pop(last)
    elif mangle.remove:
        del parent[last]
    else:
        parent[last] = mangle.value
    return result


# -- sending and judging ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzzer() -> Fuzzer:
    client = _client()
    capture = Capture()
    client.meta.events.register(f"before-send.{SERVICE_V2}", capture)
    return Fuzzer(client, capture)


def modelled_status(code: str) -> int:
    if code == "SerializationException":
        return 400  # a rest-json front end's answer; no model lists it
    return int(MODEL.shape_for(code).metadata["error"]["httpStatusCode"])


def state_of(fake: CampaignsFake) -> tuple[Any, list[tuple[str, str, str]]]:
    campaigns = [(c.id, c.name, c.state) for c in fake.v2.campaigns]
    return fake.snapshot(), campaigns


def assert_consistent(fake: CampaignsFake, client: Client) -> None:
    """After a change: the campaigns ListCampaigns shows are the stored ones, in order, and
    the state survives a snapshot round trip."""
    listed = client.list_campaigns()
    assert "nextToken" not in listed
    stored = [c.id for c in fake.v2.campaigns]
    assert [s["id"] for s in listed["campaignSummaryList"]] == stored
    shape = MODEL.operation_model("ListCampaigns").output_shape
    shown = {k: v for k, v in listed.items() if k != "ResponseMetadata"}
    assert not output_problems(shape, shown), output_problems(shape, shown)
    snapshot = fake.snapshot()
    copy = CampaignsFake()
    copy.load(snapshot)
    assert copy.snapshot() == snapshot


def judge_answer(
    op: OperationModel,
    fake: CampaignsFake,
    before: tuple[Any, list[tuple[str, str, str]]],
    journal_before: int,
    outcome: tuple[int, str | None, dict[str, Any]],
    definite: bool,
    raw_body: bool,
    stats: Counter[str],
    client: Client,
) -> None:
    """The properties every answer must have. ``outcome``: status, error code, parsed body."""
    status, code, parsed = outcome
    calls = fake.calls
    assert len(calls) == journal_before + 1, "the fake must journal each request exactly once"
    recorded = calls[-1]
    assert recorded.service == SERVICE_V2
    assert recorded.status_code == status and recorded.error_code == code
    after = state_of(fake)
    if code is None:
        stats["succeeded"] += 1
        assert status == 200
        assert not definite, "accepted a request no reading of the model allows"
        shown = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        assert not output_problems(op.output_shape, shown), output_problems(op.output_shape, shown)
        if op.name in READ_ONLY:
            assert after == before, f"{op.name} changed the fake's state"
        if op.name == "CreateCampaign":
            added = [c for c in after[1] if c not in before[1]]
            assert [c[0] for c in added] == [parsed["id"]]
            assert after[1][: len(before[1])] == before[1]
        if after != before:
            assert_consistent(fake, client)
        return
    stats[f"error {code}"] += 1
    note(f"answer: {status} {code}: {parsed.get('Error', {}).get('Message')}")
    allowed = {s.name for s in op.error_shapes} | {"ValidationException"}
    if raw_body:
        allowed.add("SerializationException")
    assert code != "InternalServerException", "the fake failed internally"
    assert status < 500, status
    assert code in allowed, f"{code} is not an error {op.name} can answer"
    assert status == modelled_status(code), f"{code} must be HTTP {modelled_status(code)}"
    message = parsed.get("Error", {}).get("Message")
    assert isinstance(message, str) and message
    assert after == before, f"{op.name} answered {code} and changed the fake's state"
    if definite:
        stats["invalid"] += 1
        assert code == "ValidationException", f"a request the model forbids got {code}"


@dataclass(frozen=True)
class Request:
    params: dict[str, Any]
    mangle: str | None  # what was broken (None: a valid request)
    definite: bool
    raw: bool  # body members written into the HTTP body by the hook, not by botocore


def requests(op: OperationModel, strategies: Strategies) -> SearchStrategy[Request]:
    shape = op.input_shape
    valid = strategies.valid(shape)

    @st.composite
    def mangled(draw: Any) -> Request:
        params = draw(valid)
        found = list(sites(shape, params))
        site = draw(st.sampled_from(found))
        mangle = draw(mangles(site, value_at(params, site), strategies))
        broken = apply(params, site, mangle)
        note(f"mangle: {mangle.kind} at {site.path} ({site.role}): {mangle.value!r}")
        has_body = any(m.serialization.get("location") is None for m in shape.members.values())
        raw = has_body and (mangle.raw or draw(st.booleans()))
        return Request(broken, f"{mangle.kind} at {site.path}", mangle.definite, raw)

    plain = valid.map(lambda p: Request(p, None, False, False))
    return st.one_of(plain, mangled(), mangled(), mangled())


def exercise(fuzzer: Fuzzer, op: OperationModel, request: Request, stats: Counter[str]) -> None:
    with new_fake() as fake:
        assert seed(fake, fuzzer.client) == world(), "the seeded world is not deterministic"
        params = request.params
        kwargs = params
        fuzzer.capture.body = None
        if request.raw:
            body_names = {
                n for n, m in op.input_shape.members.items() if "location" not in m.serialization
            }
            kwargs = {k: v for k, v in params.items() if k not in body_names}
            body = {k: v for k, v in params.items() if k in body_names}
            fuzzer.capture.body = json.dumps(as_json(body)).encode()
        fuzzer.capture.sent.clear()
        before = state_of(fake)
        journal_before = len(fake.calls)
        note(f"params: {params!r} (raw body: {request.raw}, definite: {request.definite})")
        outcome: tuple[int, str | None, dict[str, Any]]
        try:
            result = getattr(fuzzer.client, xform_name(op.name))(**kwargs)
            outcome = (200, None, result)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            if code in MODEL.shape_names:
                assert type(error) is getattr(fuzzer.client.exceptions, code)
            outcome = (status, code, error.response)
        except Exception:
            if not fuzzer.capture.sent:
                stats["not sent: botocore could not serialize"] += 1
                reject()
            raise  # it reached the fake: any other exception is a failure of the fake
        finally:
            fuzzer.capture.body = None
        assert len(fuzzer.capture.sent) == 1, "exactly one attempt expected"
        method, url, sent = fuzzer.capture.sent[0]
        note(f"wire: {method} {url} {sent[:300]!r}")
        stats["mangled" if request.mangle else "valid"] += 1
        judge_answer(
            op, fake, before, journal_before, outcome, request.definite, False, stats, fuzzer.client
        )


# One request per operation that succeeds against the seeded world: run as explicit examples
# first, so every operation's success path is judged whatever hypothesis draws.
def successful_requests() -> dict[str, dict[str, Any]]:
    ids, arns = world().ids, world().arns
    soon = FROZEN_NOW + timedelta(hours=1)
    return {
        "CreateCampaign": {
            "name": "created",
            "connectInstanceId": "inst-ready",
            "channelSubtypeConfig": {"telephony": TELEPHONY},
        },
        "DeleteCampaign": {"id": ids["Running"]},
        "DeleteCampaignChannelSubtypeConfig": {"id": ids["Initialized"], "channelSubtype": "SMS"},
        "DeleteCampaignCommunicationLimits": {
            "id": ids["segment"],
            "config": "ALL_CHANNEL_SUBTYPES",
        },
        "DeleteCampaignCommunicationTime": {"id": ids["segment"], "config": "TELEPHONY"},
        "DeleteCampaignEntryLimits": {"id": ids["Initialized"]},
        "DeleteConnectInstanceConfig": {"connectInstanceId": "inst-ready"},
        "DeleteConnectInstanceIntegration": {
            "connectInstanceId": "inst-ready",
            "integrationIdentifier": SEEDED_IDENTIFIER,
        },
        "DeleteInstanceOnboardingJob": {"connectInstanceId": "inst-failed"},
        "DescribeCampaign": {"id": ids["segment"]},
        "GetCampaignState": {"id": ids["Paused"]},
        "GetCampaignStateBatch": {"campaignIds": [ids["Completed"], "unknown"]},
        "GetConnectInstanceConfig": {"connectInstanceId": "inst-ready"},
        "GetInstanceCommunicationLimits": {"connectInstanceId": "inst-ready"},
        "GetInstanceOnboardingJobStatus": {"connectInstanceId": "inst-pending"},
        "ListCampaigns": {"maxResults": 2},
        "ListConnectInstanceIntegrations": {"connectInstanceId": "inst-ready"},
        "ListTagsForResource": {"arn": arns["tagged"]},
        "PauseCampaign": {"id": ids["Running"]},
        "PutConnectInstanceIntegration": {
            "connectInstanceId": "inst-ready",
            "integrationConfig": {"qConnect": {"knowledgeBaseArn": KB_ARN}},
        },
        "PutInstanceCommunicationLimits": {
            "connectInstanceId": "inst-ready",
            "communicationLimitsConfig": {"allChannelSubtypes": LIMITS},
        },
        "PutOutboundRequestBatch": {
            "id": ids["Running"],
            "outboundRequests": [
                {
                    "clientToken": "t1",
                    "expirationTime": soon,
                    "channelSubtypeParameters": {
                        "telephony": {"destinationPhoneNumber": "+15550100", "attributes": {}}
                    },
                }
            ],
        },
        "PutProfileOutboundRequestBatch": {
            "id": ids["event"],
            "profileOutboundRequests": [{"clientToken": "t1", "profileId": PROFILE_ID}],
        },
        "ResumeCampaign": {"id": ids["Paused"]},
        "StartCampaign": {"id": ids["Initialized"]},
        "StartInstanceOnboardingJob": {
            "connectInstanceId": "inst-new",
            "encryptionConfig": {"enabled": False},
        },
        "StopCampaign": {"id": ids["Paused"]},
        "TagResource": {"arn": arns["Running"], "tags": {"team": "blue"}},
        "UntagResource": {"arn": arns["tagged"], "tagKeys": ["tag1", "absent"]},
        "UpdateCampaignChannelSubtypeConfig": {
            "id": ids["Running"],
            "channelSubtypeConfig": {"telephony": TELEPHONY},
        },
        "UpdateCampaignCommunicationLimits": {
            "id": ids["Initialized"],
            "communicationLimitsOverride": {"allChannelSubtypes": LIMITS},
        },
        "UpdateCampaignCommunicationTime": {
            "id": ids["Initialized"],
            "communicationTimeConfig": {"localTimeZoneConfig": TIME_ZONE, "telephony": WINDOW},
        },
        "UpdateCampaignEntryLimits": {
            "id": ids["Initialized"],
            "entryLimitsConfig": {"maxEntryCount": 1, "minEntryInterval": "PT1H"},
        },
        "UpdateCampaignFlowAssociation": {
            "id": ids["Initialized"],
            "connectCampaignFlowArn": FLOW_ARN,
        },
        "UpdateCampaignName": {"id": ids["Stopped"], "name": "renamed"},
        "UpdateCampaignSchedule": {
            "id": ids["Initialized"],
            "schedule": {"startTime": soon, "endTime": soon + timedelta(days=1)},
        },
        "UpdateCampaignSource": {
            "id": ids["segment"],
            "source": {"customerProfilesSegmentArn": OTHER_SEGMENT_ARN},
        },
    }


@cache
def strategies() -> Strategies:
    return Strategies()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_mangled_requests(fuzzer: Fuzzer, operation: str) -> None:
    op = MODEL.operation_model(operation)
    stats: Counter[str] = Counter()
    success = successful_requests()[operation]

    @FUZZ_SETTINGS
    @example(request=Request(success, None, False, False))
    @given(request=requests(op, strategies()))
    def run(request: Request) -> None:
        exercise(fuzzer, op, request, stats)

    run()
    print(f"{operation}: {dict(stats)}")  # shown with -s / -rP: what the fuzzer exercised
    # Not vacuous: valid and broken requests reached the fake, and one succeeded.
    assert stats["succeeded"] >= 1, stats
    assert stats["mangled"] >= 5, stats
    assert stats["invalid"] >= 3, stats


def test_every_operation_has_a_successful_request() -> None:
    assert set(successful_requests()) >= set(OPERATIONS)


# -- raw HTTP --------------------------------------------------------------------------------


def _path(op: OperationModel, labels: dict[str, str]) -> str:
    """The request path, ``labels`` written into the URI template as they are."""
    template = op.http["requestUri"].partition("?")[0]
    return re.sub(r"\{([^}]+)\}", lambda m: labels[m.group(1)], template)


def _labels(op: OperationModel) -> list[str]:
    return re.findall(r"\{([^}]+)\}", op.http["requestUri"].partition("?")[0])


def _query_names(op: OperationModel) -> list[str]:
    members = op.input_shape.members.values() if op.input_shape is not None else []
    return [
        m.serialization.get("name", m.name)
        for m in members
        if m.serialization.get("location") == "querystring"
    ]


BODIES: SearchStrategy[bytes] = st.one_of(
    st.binary(max_size=64),
    ANY_JSON.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.text(max_size=12), ANY_JSON, max_size=3).map(
        lambda v: json.dumps(v).encode()
    ),
    st.sampled_from(
        [
            b"",
            b"{}",
            b"null",
            b"[]",
            b'{"a":',
            b"\xff\xfe",
            b'{"a": NaN}',
            b'{"a": 1e999}',
            b"[" * 100_000,
            b'{"name": ' + b"[" * DEEP + b"]" * DEEP + b"}",
            b'{"name": ' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}",
            b'{"name": "a", "name": 5}',
            b'\xef\xbb\xbf{"name": "bom"}',
        ]
    ),
)
# A URI label as it may arrive: what botocore would send, any text percent-encoded, or
# broken percent-escapes and encoded separators.
RAW_LABEL_TEXT = st.sampled_from(
    ["%", "%ZZ", "%00", "%2F", "%2f..%2f", "%C3%28", "a%20b", "%E2%80%A8"]
)


def raw_labels(op: OperationModel, valid: dict[str, Any]) -> SearchStrategy[dict[str, str]]:
    def one(name: str) -> SearchStrategy[str]:
        member = op.input_shape.members[name]
        assert member.serialization.get("location") == "uri"
        return st.one_of(
            st.just(quote(str(valid[name]), safe="")),
            st.just(quote(str(valid[name]), safe="")),
            st.text(max_size=12).map(lambda t: quote(t, safe="")),
            RAW_LABEL_TEXT,
        )

    # Label names are member names in this model (checked by the route test).
    return st.fixed_dictionaries({name: one(name) for name in _labels(op)})


def raw_query(op: OperationModel) -> SearchStrategy[str]:
    names = [*_query_names(op), "junk"]
    pair = st.tuples(
        st.sampled_from(names),
        st.one_of(st.text(max_size=8), st.sampled_from(["SMS", "0", "51", "2.5", "RETAIN_ALL"])),
    ).map(lambda t: f"{t[0]}={quote(t[1], safe='')}")
    return st.one_of(
        st.lists(pair, max_size=3).map("&".join),
        st.text(st.characters(codec="ascii", exclude_characters="#"), max_size=20),
    )


@pytest.fixture(scope="module")
def seeder() -> Client:
    return _client()


def test_raw_http_requests_with_random_bodies(seeder: Client) -> None:
    stats: Counter[str] = Counter()
    parser = create_parser("rest-json")

    @settings(FUZZ_SETTINGS, max_examples=200)
    @given(operation=st.sampled_from(OPERATIONS), body=BODIES, data=st.data())
    def run(operation: str, body: bytes, data: st.DataObject) -> None:
        op = MODEL.operation_model(operation)
        labels = data.draw(raw_labels(op, successful_requests()[operation]), label="labels")
        query = data.draw(raw_query(op), label="query")
        url = f"https://{HOST}{_path(op, labels)}" + (f"?{query}" if query else "")
        with new_fake() as fake:
            seed(fake, seeder)
            before = state_of(fake)
            journal_before = len(fake.calls)
            request = AWSRequest(
                method=op.http["method"],
                url=url,
                data=body,
                headers={
                    "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20300101/"
                    f"{REGION}/connect-campaigns/aws4_request, SignedHeaders=host, Signature=0"
                },
            )
            note(f"{op.http['method']} {url} {body!r}")
            response = fake._engine.answer(request.prepare())
            content = response.content
            assert isinstance(content, bytes)
            headers = response.headers
            status = response.status_code
            parsed = parser.parse(
                {"status_code": status, "headers": headers, "body": content}, op.output_shape
            )
            code = None
            if status != 200:
                code = parsed["Error"]["Code"]
                assert code == headers["x-amzn-ErrorType"], (code, dict(headers))
            else:
                assert "Error" not in parsed
            stats[operation] += 1
            outcome = (status, code, parsed)
            judge_answer(op, fake, before, journal_before, outcome, False, True, stats, seeder)

    run()
    print(dict(stats))
    assert stats["succeeded"] >= 10, stats
    assert stats["error SerializationException"] >= 10, stats
    assert stats["error ValidationException"] >= 10, stats


# -- bugs found by the fuzzers, pinned ---------------------------------------------------------
# Raw requests handed to CampaignsFake._engine.answer, so that botocore cannot refuse them first.


# A regression test of a fixed bug; while the bug is listed as known, a strict xfail.
_bug = partial(pinned_bug, KNOWN_BUGS)


DEEP_CAUSE = (
    "a member of the wrong JSON type nested 400+ levels deep raises RecursionError out of "
    "engine.answer (_validation.render recurses into the value to print it in the "
    "ValidationException message)"
)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param(
            "PUT",
            "/v2/campaigns",
            b'{"name": ' + b"[" * 450 + b"1" + b"]" * 450 + b', "connectInstanceId": "inst-1"}',
            marks=_bug("deep-json-value-crash", DEEP_CAUSE),
            id="create-campaign-name-nested-lists",
        ),
        pytest.param(
            "POST",
            "/v2/campaigns/{id}/name",
            b'{"name": ' + b'{"a":' * 450 + b"1" + b"}" * 450 + b"}",
            marks=_bug("deep-json-value-crash", DEEP_CAUSE),
            id="update-campaign-name-nested-objects",
        ),
    ],
)
def test_pinned_bug(method: str, path: str, body: bytes) -> None:
    fake = CampaignsFake(require_onboarding=False, strict=False)
    campaign = fake.v2.add_campaign(connect_instance_id="inst-1")
    request = AWSRequest(
        method=method,
        url=f"https://{HOST}{path.format(id=campaign.id)}",
        data=body,
        headers={
            "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20300101/{REGION}/"
            "connect-campaigns/aws4_request, SignedHeaders=host, Signature=0"
        },
    )
    response = fake._engine.answer(request.prepare())
    assert response.status_code == 400, response.content
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert isinstance(json.loads(response.content)["message"], str)
