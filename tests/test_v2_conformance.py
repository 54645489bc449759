"""connectcampaignsv2 conformance with the installed botocore model, generated from it.

Table-driven over the model's operations, with one minimal valid request per operation built
from its input shape (required members only, the first member of a union, the lowest bounds,
a hand-written sample per patterned shape; see ``minimal``):

* every operation routes: what botocore sends for it (method and path) reaches that operation
  of the v2 model, as ``fake.calls`` and ``fake.v2.calls`` record it, and nothing of v1's;
* every required member left out (client validation off) is a ValidationException (400)
  naming the member;
* every error the operation's model lists can be injected with ``fake.v2.inject_error`` and is
  answered with the model's HTTP status, parsed by botocore into the modelled exception class;
  an error the model does not list for the operation is refused at once;
* v1 and v2 operations of the same name do not share faults;
* the fake serves a rule for each operation of the model.

An operation the fake has a rule for and the installed model lacks (an older botocore) is
skipped. The contract is shared/reference/service-behavior-v2.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ServiceModel, Shape
from botocore.validate import validate_parameters
from support import ACCESS_KEY, REGION, SECRET_KEY, Client
from support_v2 import (
    FLOW_ARN,
    LAMBDA_ARN,
    PROFILE_ID,
    SERVICE_V2,
    TELEPHONY,
)

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.engine._model import COMMON_ERRORS, load

SERVICE_V1 = "connectcampaigns"
MODEL = botocore.session.Session().get_service_model(SERVICE_V2)
MODEL_V1 = botocore.session.Session().get_service_model(SERVICE_V1)
# v2 operations an older botocore than the newest lacks (the entry limits came in 1.40).
LATER_OPERATIONS = frozenset({"UpdateCampaignEntryLimits", "DeleteCampaignEntryLimits"})
# Patterned v2 shapes an older botocore lacks (the entry limits and Lambda integrations, 1.40).
LATER_SHAPES = frozenset({"EvaluationWindow", "LambdaArn"})


def _served_rules() -> dict[str, set[str]]:
    """Service name -> the operations the engine has a rule for."""
    served = {s.description.model.service.service_name: s for s in CampaignsFake()._engine.served}
    return {name: set(s.description.operations) for name, s in served.items()}


RULES = _served_rules()[SERVICE_V2]
# The model's operations, and any rule's operation it lacks (skipped below).
OPERATIONS = sorted(set(MODEL.operation_names) | RULES)


def _in_model(operation: str) -> Any:
    return pytest.param(
        operation,
        marks=pytest.mark.skipif(
            operation not in MODEL.operation_names,
            reason=f"the installed botocore's {SERVICE_V2} model has no {operation}",
        ),
        id=operation,
    )


ALL_OPERATIONS = [_in_model(name) for name in OPERATIONS]


# -- minimal valid requests from the model --------------------------------------------------

# A valid sample per shape with a pattern (both models' shape names; a generator cannot read
# these off a regular expression). Shapes without a pattern get "a" * max(min, 1).
SAMPLES: dict[str, str] = {
    # connectcampaignsv2
    "Arn": FLOW_ARN,
    "AttributeName": "key",
    "AttributeValue": "value",
    "CampaignId": "campaign-1",
    "ClientToken": "token-1",
    "DestinationPhoneNumber": "+15550100",
    "EmailAddress": "campaigns@example.com",
    "EvaluationWindow": "PT1H",
    "InstanceId": "instance-1",
    "Iso8601Date": "2030-01-01",
    "Iso8601Duration": "PT1H",
    "Iso8601Time": "T09:00",
    "LambdaArn": LAMBDA_ARN,
    "ProfileId": PROFILE_ID,
    "TagKey": "team",
    "TimeZone": "America/New_York",
}
# v1 shapes of the same name with another pattern.
SAMPLES_V1: dict[str, str] = {"Arn": "arn:aws:connect-campaigns:us-east-1:1:campaign/x"}
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
# Request rules beyond the model (a request check, ValidationException): what the minimal
# request of an operation needs to pass them.
BEYOND_THE_MODEL: dict[str, dict[str, Any]] = {
    # A campaign that is not a JOURNEY needs a channel subtype (and telephony a queue).
    "CreateCampaign": {"channelSubtypeConfig": {"telephony": TELEPHONY}},
}


def minimal(shape: Shape, member: str = "", samples: dict[str, str] = SAMPLES) -> Any:
    """The smallest valid value of ``shape``: required members only, lowest bounds."""
    kind, meta = shape.type_name, shape.metadata
    if kind == "structure":
        names = list(shape.required_members)
        if not names and meta.get("union"):
            names = [next(iter(shape.members))]
        return {name: minimal(shape.members[name], name, samples) for name in names}
    if kind == "list":
        return [minimal(shape.member, "", samples) for _ in range(max(meta.get("min", 0), 1))]
    if kind == "map":
        return {}
    if kind == "string":
        enum = getattr(shape, "enum", None)
        if enum:
            return enum[0]
        if shape.name in samples:
            return samples[shape.name]
        assert "pattern" not in meta, f"add a sample of {shape.name} ({meta['pattern']!r})"
        return "a" * max(meta.get("min", 0), 1)
    if kind in ("integer", "long"):
        return int(meta.get("min", 1))
    if kind in ("double", "float"):
        return float(meta.get("min", 1))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        # A schedule must end after it starts.
        return NOW + timedelta(hours=2 if member == "endTime" else 1)
    raise AssertionError(f"no minimal value for {shape.name} ({kind})")


def minimal_request(service: ServiceModel, operation: str) -> dict[str, Any]:
    samples = SAMPLES if service is MODEL else {**SAMPLES, **SAMPLES_V1}
    op = service.operation_model(operation)
    request: dict[str, Any] = minimal(op.input_shape, "", samples) if op.input_shape else {}
    if service is MODEL:
        request.update(BEYOND_THE_MODEL.get(operation, {}))
    return request


# -- clients and what they send -------------------------------------------------------------


class Capture:
    """A before-send hook: the method and URL of each request as botocore sent it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> None:
        self.sent.append((request.method, request.url))


def _client(service: str) -> Client:
    """Validation off (the fake's checks answer), one attempt (no retry of a 500 or 429)."""
    return boto3.session.Session().client(
        service,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def capture() -> Capture:
    return Capture()


@pytest.fixture(scope="module")
def v2(capture: Capture) -> Client:
    client = _client(SERVICE_V2)
    client.meta.events.register(f"before-send.{SERVICE_V2}", capture)
    return client


@pytest.fixture(scope="module")
def v1() -> Client:
    return _client(SERVICE_V1)


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    # Not strict: a test that leaves a fault unfired says so with its own assertions.
    with CampaignsFake(strict=False) as active:
        yield active


def call(client: Client, operation: str, params: dict[str, Any]) -> ClientError | None:
    """Send ``operation``; the ClientError it raised, None on success."""
    try:
        getattr(client, xform_name(operation))(**params)
    except ClientError as error:
        return error
    return None


def modelled_status(code: str) -> int:
    return int(MODEL.shape_for(code).metadata["error"]["httpStatusCode"])


# -- what is served -------------------------------------------------------------------------


def test_the_fake_serves_a_rule_for_each_operation_of_the_model() -> None:
    model_operations = set(MODEL.operation_names)
    assert model_operations <= RULES, f"no rule for {sorted(model_operations - RULES)}"
    # Rules beyond the model are allowed only for operations an older model lacks.
    assert RULES - model_operations <= LATER_OPERATIONS
    if model_operations >= LATER_OPERATIONS:
        assert len(MODEL.operation_names) == len(RULES)
    # The engine routes by the model it was built from: the installed one.
    assert set(load(SERVICE_V2).operations) == model_operations


@pytest.mark.parametrize("operation", ALL_OPERATIONS)
def test_every_operation_routes_to_itself(
    operation: str, fake: CampaignsFake, v2: Client, capture: Capture
) -> None:
    op = MODEL.operation_model(operation)
    capture.sent.clear()
    call(v2, operation, minimal_request(MODEL, operation))

    assert len(capture.sent) == 1
    method, url = capture.sent[0]
    path = urlsplit(url).path
    template = op.http["requestUri"].partition("?")[0]
    regex = re.sub(r"\\\{([^}]+)\\\}", r"[^/]+", re.escape(template))
    assert method == op.http["method"] and re.fullmatch(regex, path), (method, path)
    assert path.startswith("/v2/")

    # The engine's router agrees, and v1's routes do not take the path.
    found = load(SERVICE_V2).route(method, path)
    assert found is not None and found[0].operation.name == operation
    assert load(SERVICE_V1).route(method, path) is None

    (recorded,) = fake.calls
    assert recorded.operation == operation
    assert recorded.service == SERVICE_V2
    assert list(fake.v2.calls) == [recorded]
    assert recorded.error_code != "ValidationException", recorded.summary()


# -- required members -----------------------------------------------------------------------


def _required_members() -> Iterator[Any]:
    for operation in OPERATIONS:
        if operation not in MODEL.operation_names:
            yield pytest.param(
                operation, "", marks=pytest.mark.skip(reason=f"no {operation} in the model")
            )
            continue
        shape = MODEL.operation_model(operation).input_shape
        for member in shape.required_members if shape is not None else ():
            yield pytest.param(operation, member, id=f"{operation}-{member}")


def _allows_empty(shape: Shape) -> bool:
    """Whether the model allows "" as a value of the string ``shape``."""
    meta = shape.metadata
    pattern = meta.get("pattern")
    return meta.get("min", 0) == 0 and (pattern is None or re.search(pattern, "") is not None)


@pytest.mark.parametrize(("operation", "member"), list(_required_members()))
def test_a_missing_required_member_is_a_validation_error(
    operation: str, member: str, fake: CampaignsFake, v2: Client, capture: Capture
) -> None:
    shape = MODEL.operation_model(operation).input_shape
    location = shape.members[member].serialization.get("location")
    params = minimal_request(MODEL, operation)
    label_may_be_empty = False
    if location == "uri":
        # botocore cannot leave a URI label out: an empty one is what reaches the service.
        params[member] = ""
        # Older models (botocore 1.38's CampaignId and InstanceId: min 0, pattern ``[...]*``)
        # allow an empty label, which is then a value like any other.
        label_may_be_empty = _allows_empty(shape.members[member])
    else:
        del params[member]
    capture.sent.clear()
    error = call(v2, operation, params)

    assert len(capture.sent) == 1, "botocore sent nothing"
    (recorded,) = fake.v2.calls
    assert recorded.operation == operation
    if location == "querystring" and shape.members[member].type_name == "list":
        # An empty query-string list is not sent at all: on the wire a missing required list
        # is an empty one, which the model allows (TagKeyList min 0).
        assert recorded.error_code != "ValidationException", recorded.summary()
        return
    if label_may_be_empty:
        # The empty label is read as any other id nothing has: answered as the minimal
        # request (whose sample id is unknown to this fake) is, never as a validation error.
        assert recorded.error_code != "ValidationException", recorded.summary()
        unknown = call(v2, operation, minimal_request(MODEL, operation))
        code = None if error is None else error.response["Error"]["Code"]
        assert code == (None if unknown is None else unknown.response["Error"]["Code"])
        return
    assert error is not None, f"{operation} without {member} succeeded"
    assert error.response["Error"]["Code"] == "ValidationException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert isinstance(error, v2.exceptions.ValidationException)
    message = error.response["Error"]["Message"]
    assert f"at '{member}'" in message, message
    assert recorded.status_code == 400 and not recorded.injected


# -- faults ----------------------------------------------------------------------------------


def _modelled_errors() -> Iterator[Any]:
    for operation in OPERATIONS:
        if operation not in MODEL.operation_names:
            yield pytest.param(
                operation, "", marks=pytest.mark.skip(reason=f"no {operation} in the model")
            )
            continue
        for shape in MODEL.operation_model(operation).error_shapes:
            yield pytest.param(operation, shape.name, id=f"{operation}-{shape.name}")


@pytest.mark.parametrize(("operation", "code"), list(_modelled_errors()))
def test_every_modelled_error_can_be_injected(
    operation: str, code: str, fake: CampaignsFake, v2: Client
) -> None:
    rule = fake.v2.inject_error(operation, code)
    error = call(v2, operation, minimal_request(MODEL, operation))

    assert error is not None, f"the injected {code} did not fire on {operation}"
    exception_class = getattr(v2.exceptions, code)
    assert type(error) is exception_class
    assert error.response["Error"]["Code"] == code
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == modelled_status(code)
    assert error.response["Error"]["Message"]
    for member in MODEL.shape_for(code).required_members:
        if member != "message":
            # InvalidCampaignStateException's state: a CampaignState.
            value = error.response.get(member)
            enum = getattr(MODEL.shape_for(code).members[member], "enum", None)
            assert value is not None and (not enum or value in enum), error.response
    assert rule.fired == 1
    (recorded,) = fake.v2.calls
    # Injected, so the minimal request passed validation and every request check first.
    assert recorded.injected and recorded.operation == operation
    assert (recorded.error_code, recorded.status_code) == (code, modelled_status(code))


def _unlisted_errors() -> Iterator[Any]:
    every = {name for name in MODEL.shape_names if MODEL.shape_for(name).metadata.get("exception")}
    for operation in OPERATIONS:
        if operation not in MODEL.operation_names:
            continue
        listed = {s.name for s in MODEL.operation_model(operation).error_shapes}
        # Common AWS errors may come from any operation, but v2 answers ThrottlingException
        # only where the model lists it: it is refused on the others like a model error.
        anywhere = set(COMMON_ERRORS) - {"ThrottlingException"}
        for code in sorted(every - listed - anywhere):
            yield pytest.param(operation, code, id=f"{operation}-{code}")


UNLISTED = list(_unlisted_errors())


def test_some_operations_do_not_list_some_errors() -> None:
    assert len(UNLISTED) >= len(MODEL.operation_names)


@pytest.mark.parametrize(("operation", "code"), UNLISTED)
def test_an_error_the_operation_does_not_list_is_refused_at_once(
    operation: str, code: str, fake: CampaignsFake, v2: Client
) -> None:
    with pytest.raises(ValueError, match=operation) as refused:
        fake.v2.inject_error(operation, code)
    assert code in str(refused.value)
    # Nothing was registered: the request is answered as if no fault had been asked for.
    call(v2, operation, minimal_request(MODEL, operation))
    (recorded,) = fake.v2.calls
    assert not recorded.injected and recorded.error_code != code


SHARED = sorted(set(MODEL.operation_names) & set(MODEL_V1.operation_names))


def _shared_code(operation: str) -> str:
    """An error both models list for ``operation``, other than validation and 500s."""
    v1_codes = {s.name for s in MODEL_V1.operation_model(operation).error_shapes}
    v2_codes = [s.name for s in MODEL.operation_model(operation).error_shapes]
    skip = {"ValidationException", "InternalServerException"}
    code: str = next(c for c in v2_codes if c in v1_codes and c not in skip)
    return code


def test_both_apis_share_operation_names() -> None:
    assert len(SHARED) >= 10, SHARED


@pytest.mark.parametrize("operation", SHARED)
def test_v1_and_v2_faults_are_separate(
    operation: str, fake: CampaignsFake, v1: Client, v2: Client
) -> None:
    code = _shared_code(operation)
    v1_request = minimal_request(MODEL_V1, operation)
    v2_request = minimal_request(MODEL, operation)

    on_v2 = fake.v2.inject_error(operation, code)
    call(v1, operation, v1_request)
    assert on_v2.fired == 0 and not fake.calls[-1].injected, fake.calls[-1].summary()
    assert fake.calls[-1].service == SERVICE_V1
    error = call(v2, operation, v2_request)
    assert error is not None and error.response["Error"]["Code"] == code
    assert on_v2.fired == 1 and fake.v2.calls[-1].injected

    on_v1 = fake.inject_error(operation, code)
    call(v2, operation, v2_request)
    assert on_v1.fired == 0 and not fake.calls[-1].injected, fake.calls[-1].summary()
    assert fake.calls[-1].service == SERVICE_V2
    error = call(v1, operation, v1_request)
    assert error is not None and error.response["Error"]["Code"] == code
    assert on_v1.fired == 1 and fake.calls[-1].injected
    assert fake.calls[-1].service == SERVICE_V1


def test_the_minimal_requests_use_no_unmodelled_sample() -> None:
    # Each sample satisfies its shape's pattern in full (a stale sample would make every
    # generated request a ValidationException, and the fault tests above would show it only
    # as "did not fire").
    for samples, model in ((SAMPLES, MODEL), (SAMPLES_V1, MODEL_V1)):
        for name, value in samples.items():
            if name not in model.shape_names:
                # Only the shapes an older model lacks may be missing.
                assert model is MODEL and name in LATER_SHAPES, name
                continue
            meta = model.shape_for(name).metadata
            assert re.fullmatch(meta["pattern"], value), (name, value)
            assert meta.get("min", 0) <= len(value) <= meta.get("max", len(value))


@pytest.mark.parametrize("service", [MODEL, MODEL_V1], ids=[SERVICE_V2, SERVICE_V1])
def test_the_minimal_requests_pass_botocores_own_validation(service: ServiceModel) -> None:
    for operation in service.operation_names:
        shape = service.operation_model(operation).input_shape
        if shape is not None:
            validate_parameters(minimal_request(service, operation), shape)
