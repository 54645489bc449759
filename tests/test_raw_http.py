"""The fake's HTTP surface, with hand-built requests: no boto3 client shapes them.

Each test prepares a botocore ``AWSRequest`` and hands it straight to the engine,
then reads the ``AWSResponse`` as a client would: status, headers, JSON body. This reaches what
botocore never sends: unknown paths and methods, bodies that are not JSON, empty and
hand-encoded URI labels, requests without a signature. ``send`` adds a SigV4-looking
``Authorization`` header (scoped to the host's region) unless told not to: the fake checks that
a request is signed, not its signature.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from botocore.awsrequest import AWSRequest
from support import ACCOUNT, UUID_RE

from pytest_campaigns_fake import CampaignsFake

HOST = "connect-campaigns.us-east-1.amazonaws.com"
HOST_REGION = re.compile(r"connect-campaigns\.([a-z0-9-]+)\.amazonaws\.com")
EU_HOST = "connect-campaigns.eu-west-2.amazonaws.com"
CREATE_BODY: dict[str, Any] = {
    "name": "raw",
    "connectInstanceId": "inst-1",
    "dialerConfig": {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
    "outboundCallConfig": {"connectContactFlowId": "flow-1"},
}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = {k.lower(): v for k, v in self.headers.items()}
        return lowered.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    # Not started: handle() answers the requests given to it, no client is intercepted.
    yield CampaignsFake(require_onboarding=False, strict=False)


def send(
    fake: CampaignsFake,
    method: str,
    path: str,
    body: bytes | str | io.BytesIO | None = None,
    *,
    host: str = HOST,
    headers: Mapping[str, str] | None = None,
    signed: bool = True,
) -> Answer:
    all_headers = dict(headers or {})
    if signed:
        all_headers.setdefault("Authorization", authorization(host))
    request = AWSRequest(method=method, url=f"https://{host}{path}", data=body, headers=all_headers)
    response = fake._engine.answer(request.prepare())
    content = response.content
    assert isinstance(content, bytes)
    return Answer(response.status_code, dict(response.headers.items()), content)


def authorization(host: str, access_key: str = "AKIARAWHTTPTEST00001") -> str:
    """A SigV4 header as botocore writes it, scoped to the host's region (us-east-1 if none)."""
    found = HOST_REGION.fullmatch(host)
    region = found.group(1) if found else "us-east-1"
    return (
        f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/{region}/connect-campaigns/"
        "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
    )


def send_json(fake: CampaignsFake, method: str, path: str, document: Any, **kw: Any) -> Answer:
    return send(fake, method, path, json.dumps(document).encode(), **kw)


def assert_error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    """A well-formed rest-json error: status, headers, and a JSON body with a message."""
    assert answer.status == status, (answer.status, answer.body)
    assert answer.header("x-amzn-ErrorType") == code
    request_id = answer.header("x-amzn-RequestId")
    assert request_id is not None and UUID_RE.fullmatch(request_id), request_id
    assert answer.header("Content-Type") == "application/json"
    assert answer.header("Content-Length") == str(len(answer.body))
    document = answer.json()
    assert isinstance(document, dict)
    assert isinstance(document.get("message"), str) and document["message"]
    return document


def assert_ok(answer: Answer) -> Any:
    assert answer.status == 200, (answer.status, answer.body)
    assert answer.header("x-amzn-RequestId")
    assert answer.header("Content-Length") == str(len(answer.body))
    if not answer.body:
        return None
    assert answer.header("Content-Type") == "application/json"
    return answer.json()


def campaign_arn(campaign_id: str, region: str = "us-east-1") -> str:
    return f"arn:aws:connect-campaigns:{region}:{ACCOUNT}:campaign/{campaign_id}"


def tags_path(arn: str) -> str:
    return "/tags/" + quote(arn, safe="")


# -- routing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/nothing-here"),
        ("POST", "/campaignsx"),
        ("GET", "/campaigns/a/b/c"),
        ("POST", "/campaigns/abc/restart"),
        ("GET", "/connect-instance/i-1"),
        ("PUT", "/tags"),
    ],
)
def test_unknown_path_is_unknown_operation(fake: CampaignsFake, method: str, path: str) -> None:
    answer = send(fake, method, path)
    assert_error(answer, 404, "UnknownOperationException")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/campaigns"),
        ("GET", "/campaigns"),
        ("POST", "/campaigns"),
        ("PUT", "/campaigns/abc"),
        ("GET", "/campaigns/abc/start"),
        ("DELETE", "/campaigns-summary"),
        ("GET", "/campaigns-state"),
        ("POST", "/connect-instance/i-1/config"),
        ("PATCH", "/tags/arn%3Aaws"),
    ],
)
def test_wrong_method_on_a_known_path_is_unknown_operation(
    fake: CampaignsFake, method: str, path: str
) -> None:
    answer = send(fake, method, path, b"{}")
    assert_error(answer, 404, "UnknownOperationException")


def test_unknown_operation_is_journaled_without_touching_state(fake: CampaignsFake) -> None:
    answer = send(fake, "PATCH", "/campaigns", json.dumps(CREATE_BODY).encode())
    assert_error(answer, 404, "UnknownOperationException")
    assert fake.campaigns == []
    assert fake.calls.last.error_code == "UnknownOperationException"
    assert fake.calls.last.request_id == answer.header("x-amzn-RequestId")


def test_literal_routes_win_over_labels(fake: CampaignsFake) -> None:
    # '/campaigns-state' is GetCampaignStateBatch, not a campaign id in '/campaigns{...}'.
    answer = send_json(fake, "POST", "/campaigns-state", {"campaignIds": ["nope"]})
    document = assert_ok(answer)
    assert document["failedRequests"] == [{"campaignId": "nope", "failureCode": "ResourceNotFound"}]


# -- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"{",
        b'{"name": "x",}',
        b"\xff\xfe\x00garbage",
        b"[]",
        b'["name"]',
        b'"a string"',
        b"42",
        b"true",
        b"null",
    ],
    ids=lambda b: repr(b)[:20],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/campaigns"),
        ("POST", "/campaigns-summary"),
        ("POST", "/campaigns-state"),
        ("PUT", "/campaigns/abc/dial-requests"),
        ("POST", "/campaigns/abc/name"),
        ("POST", "/tags/" + quote(campaign_arn("abc"), safe="")),
    ],
)
def test_body_that_is_not_a_json_object_is_serialization_exception(
    fake: CampaignsFake, method: str, path: str, body: bytes
) -> None:
    answer = send(fake, method, path, body)
    assert_error(answer, 400, "SerializationException")
    assert fake.campaigns == []


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 100_000], ids=["array", "object"])
def test_deeply_nested_body_is_serialization_exception(fake: CampaignsFake, body: bytes) -> None:
    answer = send(fake, "PUT", "/campaigns", body)
    assert_error(answer, 400, "SerializationException")


def test_empty_body_on_create_is_validation_of_every_required_member(
    fake: CampaignsFake,
) -> None:
    document = assert_error(send(fake, "PUT", "/campaigns", b""), 400, "ValidationException")
    for member in ("name", "connectInstanceId", "dialerConfig", "outboundCallConfig"):
        assert f"'{member}'" in document["message"]


def test_wrong_json_types_are_validation_exception(fake: CampaignsFake) -> None:
    body = {**CREATE_BODY, "name": 5, "dialerConfig": "fast", "tags": ["a"]}
    document = assert_error(send_json(fake, "PUT", "/campaigns", body), 400, "ValidationException")
    assert document["message"].startswith("3 validation errors detected: ")


def test_unknown_members_are_ignored(fake: CampaignsFake) -> None:
    body = {**CREATE_BODY, "surprise": {"deeply": [1, 2]}, "priority": 7}
    created = assert_ok(send_json(fake, "PUT", "/campaigns", body))
    assert set(created) == {"id", "arn"}
    assert "surprise" not in fake.campaign(created["id"]).describe()


def test_a_streamed_body_is_read(fake: CampaignsFake) -> None:
    stream = io.BytesIO(json.dumps(CREATE_BODY).encode())
    created = assert_ok(send(fake, "PUT", "/campaigns", stream))
    assert UUID_RE.fullmatch(created["id"])


def test_a_body_on_an_operation_without_body_members_is_ignored(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1")
    answer = send(fake, "POST", f"/campaigns/{campaign.id}/start", b"this is not json")
    assert assert_ok(answer) is None
    assert answer.body == b""
    assert campaign.state == "Running"


def test_number_literals_json_does_not_have_are_rejected(fake: CampaignsFake) -> None:
    answer = send(fake, "POST", "/campaigns-summary", b'{"maxResults": NaN}')
    assert answer.status == 400
    assert answer.header("x-amzn-ErrorType") in ("SerializationException", "ValidationException")
    assert isinstance(answer.json()["message"], str)


# -- URI labels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/campaigns/", 404, "ResourceNotFoundException"),
        ("DELETE", "/campaigns/", 404, "ResourceNotFoundException"),
        ("GET", "/campaigns//state", 404, "ResourceNotFoundException"),
        ("POST", "/campaigns//start", 404, "ResourceNotFoundException"),
        ("GET", "/connect-instance//config", 404, "ResourceNotFoundException"),
        ("GET", "/connect-instance//onboarding", 404, "ResourceNotFoundException"),
        # An ARN is at least 20 characters: empty is a validation error, not a lookup.
        ("GET", "/tags/", 400, "ValidationException"),
    ],
)
def test_empty_label_is_a_modelled_error(
    fake: CampaignsFake, method: str, path: str, status: int, code: str
) -> None:
    assert_error(send(fake, method, path), status, code)


def test_empty_label_with_a_body_is_a_modelled_error(fake: CampaignsFake) -> None:
    answer = send_json(fake, "POST", "/campaigns//name", {"name": "x"})
    assert_error(answer, 404, "ResourceNotFoundException")


def test_percent_encoded_label_is_decoded(fake: CampaignsFake) -> None:
    assert_error(send(fake, "GET", "/campaigns/a%20b"), 400, "ValidationException")
    document = assert_error(
        send(fake, "GET", "/campaigns/caf%C3%A9"), 404, "ResourceNotFoundException"
    )
    assert "café" in document["message"]
    assert fake.calls.last.params == {"id": "café"}


def test_percent_encoded_arn_of_an_unknown_campaign(fake: CampaignsFake) -> None:
    arn = campaign_arn(str(uuid.UUID(int=1)))
    path = tags_path(arn)
    assert "%3A" in path and "%2F" in path
    assert_error(send(fake, "GET", path), 404, "ResourceNotFoundException")
    assert fake.calls.last.params == {"arn": arn}


def test_percent_encoded_arn_of_a_real_campaign(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1", tags={"team": "a"})
    path = tags_path(campaign.arn)
    assert assert_ok(send(fake, "GET", path)) == {"tags": {"team": "a"}}
    assert assert_ok(send_json(fake, "POST", path, {"tags": {"tier": "1"}})) is None
    assert assert_ok(send(fake, "GET", path)) == {"tags": {"team": "a", "tier": "1"}}
    assert assert_ok(send(fake, "DELETE", f"{path}?tagKeys=team&tagKeys=tier")) is None
    assert assert_ok(send(fake, "GET", path)) == {"tags": {}}


def test_lowercase_percent_encoding_and_bare_colons_decode_alike(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1", tags={"k": "v"})
    lower = tags_path(campaign.arn).replace("%3A", "%3a").replace("%2F", "%2f")
    bare_colons = "/tags/" + quote(campaign.arn, safe=":")
    for path in (lower, bare_colons):
        assert assert_ok(send(fake, "GET", path)) == {"tags": {"k": "v"}}


def test_untag_without_tag_keys_untags_nothing(fake: CampaignsFake) -> None:
    # botocore sends no query string for tagKeys=[] (valid: 0..50 keys): an empty list.
    campaign = fake.add_campaign(connect_instance_id="inst-1", tags={"k": "v"})
    assert assert_ok(send(fake, "DELETE", tags_path(campaign.arn))) is None
    assert campaign.tags == {"k": "v"}


def test_unknown_query_parameters_are_ignored(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1", tags={"k": "v", "x": "y"})
    answer = send(fake, "DELETE", f"{tags_path(campaign.arn)}?tagKeys=k&verbose=1&tagKeys")
    # A bare 'tagKeys' carries the empty key, which breaks TagKey's minimum length.
    assert_error(answer, 400, "ValidationException")
    assert_ok(send(fake, "DELETE", f"{tags_path(campaign.arn)}?verbose=1&tagKeys=k"))
    assert campaign.tags == {"x": "y"}


# -- envelope: region, account, request id ----------------------------------------------------


def test_request_signed_for_the_hosts_region_acts_there(fake: CampaignsFake) -> None:
    home = fake.add_campaign(connect_instance_id="inst-1")
    abroad = fake.add_campaign(connect_instance_id="inst-1", region="eu-west-2")
    assert_ok(send(fake, "GET", f"/campaigns/{abroad.id}", host=EU_HOST))
    assert fake.calls.last.region == "eu-west-2"
    assert_error(
        send(fake, "GET", f"/campaigns/{home.id}", host=EU_HOST), 404, "ResourceNotFoundException"
    )
    created = assert_ok(send_json(fake, "PUT", "/campaigns", CREATE_BODY, host=EU_HOST))
    assert created["arn"] == campaign_arn(created["id"], "eu-west-2")


def test_signed_request_takes_its_region_from_the_credential_scope(fake: CampaignsFake) -> None:
    abroad = fake.add_campaign(connect_instance_id="inst-1", region="ap-southeast-2")
    authorization = (
        "AWS4-HMAC-SHA256 Credential=AKIARAWHTTPTEST00001/20300101/ap-southeast-2/"
        "connect-campaigns/aws4_request, SignedHeaders=host, Signature=00"
    )
    answer = send(
        fake,
        "GET",
        f"/campaigns/{abroad.id}",
        host=EU_HOST,
        headers={"Authorization": authorization},
    )
    assert assert_ok(answer)["campaign"]["id"] == abroad.id
    assert fake.calls.last.region == "ap-southeast-2"


def test_host_without_a_region_takes_the_region_of_the_scope(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1")
    assert_ok(send(fake, "GET", f"/campaigns/{campaign.id}", host="localhost:4566"))
    assert fake.calls.last.region == "us-east-1"


# -- unsigned requests -----------------------------------------------------------------------


def assert_missing_token(answer: Answer) -> None:
    """AWS's front-end answer to a request without a signature, to the byte."""
    assert_error(answer, 403, "MissingAuthenticationTokenException")
    assert answer.body == b'{"message":"Missing Authentication Token"}'


@pytest.mark.parametrize(
    ("method", "path", "body", "operation", "params"),
    [
        ("POST", "/campaigns-summary", b"{}", "ListCampaigns", {}),
        ("PUT", "/campaigns", json.dumps(CREATE_BODY).encode(), "CreateCampaign", CREATE_BODY),
        ("GET", "/campaigns/abc", None, "DescribeCampaign", {"id": "abc"}),
        # Refused before routing, validation and parsing: none of their errors shows.
        ("GET", "/campaigns/a%20b", None, "DescribeCampaign", {"id": "a b"}),
        ("PUT", "/campaigns", b"not json", "CreateCampaign", {}),
        ("PATCH", "/nothing-here", None, "Unknown", {}),
    ],
)
def test_unsigned_request_is_refused_before_any_operation_runs(
    fake: CampaignsFake,
    method: str,
    path: str,
    body: bytes | None,
    operation: str,
    params: dict[str, Any],
) -> None:
    answer = send(fake, method, path, body, host=EU_HOST, signed=False)
    assert_missing_token(answer)
    assert fake.campaigns == []
    call = fake.calls.last
    assert (call.operation, call.params) == (operation, params)
    assert (call.status_code, call.error_code) == (403, "MissingAuthenticationTokenException")
    assert (call.region, call.account) == ("eu-west-2", ACCOUNT)
    assert call.request_id == answer.header("x-amzn-RequestId")


def test_unsigned_request_does_not_use_up_a_fault(fake: CampaignsFake) -> None:
    fake.inject_error("ListCampaigns", "InternalServerException", times=1)
    assert_missing_token(send(fake, "POST", "/campaigns-summary", b"{}", signed=False))
    assert_error(send(fake, "POST", "/campaigns-summary", b"{}"), 500, "InternalServerException")
    assert [call.status_code for call in fake.calls] == [403, 500]


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer token",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIARAWHTTPTEST00001, SignedHeaders=host, Signature=00",
        "AWS AKIARAWHTTPTEST00001:c2lnbmF0dXJl",  # SigV2: no credential scope
    ],
)
def test_authorization_without_a_sigv4_scope_is_unsigned(fake: CampaignsFake, header: str) -> None:
    answer = send(fake, "POST", "/campaigns-summary", b"{}", headers={"Authorization": header})
    assert_missing_token(answer)


def test_a_presigned_url_is_signed(fake: CampaignsFake) -> None:
    credential = quote("AKIARAWHTTPTEST00001/20260101/eu-west-2/connect-campaigns/aws4_request")
    query = f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Signature=00"
    answer = send(fake, "GET", f"/campaigns/abc{query}", signed=False)
    assert_error(answer, 404, "ResourceNotFoundException")
    assert fake.calls.last.region == "eu-west-2"


def test_every_answer_has_its_own_request_id(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1")
    answers = [
        send(fake, "GET", f"/campaigns/{campaign.id}"),
        send(fake, "GET", "/campaigns/unknown"),
        send(fake, "PATCH", "/campaigns"),
        send(fake, "PUT", "/campaigns", b"{"),
    ]
    ids = [a.header("x-amzn-RequestId") for a in answers]
    assert len(set(ids)) == len(ids)
    assert ids == [call.request_id for call in fake.calls]


# -- error bodies ----------------------------------------------------------------------------


def test_invalid_campaign_state_carries_the_state(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1", state="Stopped")
    document = assert_error(
        send(fake, "POST", f"/campaigns/{campaign.id}/resume"), 409, "InvalidCampaignStateException"
    )
    assert document["state"] == "Stopped"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/campaigns/nope", None, 404, "ResourceNotFoundException"),
        ("POST", "/campaigns-summary", b'{"maxResults": 0}', 400, "ValidationException"),
        ("POST", "/campaigns-summary", b'{"nextToken": "forged"}', 400, "ValidationException"),
        (
            "PUT",
            "/connect-instance/i-1/onboarding",
            b'{"encryptionConfig": {"enabled": true}}',
            400,
            "ValidationException",
        ),
        ("DELETE", "/connect-instance/i-1/onboarding", None, 404, "ResourceNotFoundException"),
        ("GET", "/connect-instance/i-1/config", None, 404, "ResourceNotFoundException"),
        ("PUT", "/campaigns", b"{}", 400, "ValidationException"),
    ],
)
def test_every_error_body_is_json_with_a_message(
    fake: CampaignsFake, method: str, path: str, body: bytes | None, status: int, code: str
) -> None:
    assert_error(send(fake, method, path, body), status, code)


def test_success_without_output_has_an_empty_body(fake: CampaignsFake) -> None:
    campaign = fake.add_campaign(connect_instance_id="inst-1")
    answer = send(fake, "DELETE", f"/campaigns/{campaign.id}")
    assert assert_ok(answer) is None
    assert answer.header("Content-Length") == "0"
    assert fake.campaigns == []


def test_list_campaigns_accepts_an_empty_body(fake: CampaignsFake) -> None:
    fake.add_campaign(connect_instance_id="inst-1")
    for body in (None, b"", b"{}"):
        document = assert_ok(send(fake, "POST", "/campaigns-summary", body))
        assert len(document["campaignSummaryList"]) == 1
