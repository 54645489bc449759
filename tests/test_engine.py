"""One engine for any rest-json service model.

Two proofs the issue asks for: a second model plugged into the same engine beside
connectcampaigns, routed by path (a tiny one, with a shape named like one of v1's); and a
member a botocore release adds to the model travelling Create -> Describe -> snapshot with no
code change (a patched copy of the installed model, in a subprocess).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSRequest
from botocore.model import ServiceModel

from pytest_campaigns_fake import CampaignsFake, UnimplementedOperationWarning
from pytest_campaigns_fake.engine._engine import Description
from pytest_campaigns_fake.engine._errors import not_found
from pytest_campaigns_fake.engine._model import build
from pytest_campaigns_fake.services.campaigns._records import Bucket

# Two operations, and a structure named "Campaign" whose members are not v1's: the engine's
# compiled validators and projectors must keep the two models apart.
TINY: dict[str, Any] = {
    "version": "2.0",
    "metadata": {
        "apiVersion": "2024-01-01",
        "endpointPrefix": "connect-campaigns",
        "protocol": "rest-json",
        "serviceFullName": "Tiny",
        "serviceId": "Tiny",
        "signatureVersion": "v4",
        "signingName": "connect-campaigns",
        "uid": "tiny-2024-01-01",
    },
    "operations": {
        "PutThing": {
            "name": "PutThing",
            "http": {"method": "PUT", "requestUri": "/tiny/things/{id}"},
            "input": {"shape": "PutThingRequest"},
            "output": {"shape": "PutThingResponse"},
            "errors": [{"shape": "ValidationException"}],
        },
        "GetThing": {
            "name": "GetThing",
            "http": {"method": "GET", "requestUri": "/tiny/things/{id}"},
            "input": {"shape": "GetThingRequest"},
            "output": {"shape": "GetThingResponse"},
            "errors": [{"shape": "ResourceNotFoundException"}],
        },
    },
    "shapes": {
        "Id": {"type": "string", "max": 10, "min": 1},
        "Color": {"type": "string", "enum": ["red", "blue"]},
        "Campaign": {
            "type": "structure",
            "required": ["color"],
            "members": {"color": {"shape": "Color"}},
        },
        "PutThingRequest": {
            "type": "structure",
            "required": ["id", "campaign"],
            "members": {
                "id": {"shape": "Id", "location": "uri", "locationName": "id"},
                "campaign": {"shape": "Campaign"},
            },
        },
        "PutThingResponse": {"type": "structure", "members": {"id": {"shape": "Id"}}},
        "GetThingRequest": {
            "type": "structure",
            "required": ["id"],
            "members": {"id": {"shape": "Id", "location": "uri", "locationName": "id"}},
        },
        "GetThingResponse": {
            "type": "structure",
            "members": {"campaign": {"shape": "Campaign"}},
        },
        "Message": {"type": "string"},
        "ValidationException": {
            "type": "structure",
            "members": {"message": {"shape": "Message"}},
            "error": {"httpStatusCode": 400, "senderFault": True},
            "exception": True,
        },
        "ResourceNotFoundException": {
            "type": "structure",
            "members": {"message": {"shape": "Message"}},
            "error": {"httpStatusCode": 404, "senderFault": True},
            "exception": True,
        },
    },
}
# Kept for the module's life: the engine's caches know a model by its identity.
TINY_MODEL = build(ServiceModel(TINY, service_name="tiny"))


def put_thing(things: dict[str, Any], bucket: Bucket, params: dict[str, Any]) -> dict[str, Any]:
    things[params["id"]] = params["campaign"]
    return {"id": params["id"]}


def get_thing(things: dict[str, Any], bucket: Bucket, params: dict[str, Any]) -> dict[str, Any]:
    if params["id"] not in things:
        raise not_found("Thing", params["id"])
    return {"campaign": things[params["id"]]}


TINY_DESCRIPTION = Description(
    model=TINY_MODEL, operations={"PutThing": put_thing, "GetThing": get_thing}
)


def send(fake: CampaignsFake, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    request = AWSRequest(
        method=method,
        url=f"https://connect-campaigns.us-east-1.amazonaws.com{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAFAKECAMPAIGNS000/20260101/"
            "us-east-1/connect-campaigns/aws4_request, SignedHeaders=host, Signature=0"
        },
    ).prepare()
    answer = fake._engine.answer(request)
    return answer.status_code, json.loads(answer.content or b"null")


@pytest.fixture
def fake() -> CampaignsFake:
    fake = CampaignsFake(require_onboarding=False, strict=False)
    fake._engine.serve(TINY_DESCRIPTION, {})
    return fake


def test_a_second_model_is_served_beside_the_first_routed_by_path(fake: CampaignsFake) -> None:
    assert send(fake, "PUT", "/tiny/things/t1", {"campaign": {"color": "red"}}) == (
        200,
        {"id": "t1"},
    )
    assert send(fake, "GET", "/tiny/things/t1") == (200, {"campaign": {"color": "red"}})
    status, answer = send(fake, "POST", "/campaigns-summary", {})
    assert (status, answer) == (200, {"campaignSummaryList": []})
    assert [(c.operation, c.status_code) for c in fake.calls] == [
        ("PutThing", 200),
        ("GetThing", 200),
        ("ListCampaigns", 200),
    ]


def test_each_model_is_validated_against_its_own_shapes(fake: CampaignsFake) -> None:
    # The tiny Campaign's enum, not v1's Campaign: same shape name, other model.
    status, answer = send(fake, "PUT", "/tiny/things/t1", {"campaign": {"color": "green"}})
    assert status == 400
    assert answer["message"] == (
        "1 validation error detected: Value 'green' at 'campaign.color' failed to satisfy "
        "constraint: Member must satisfy enum value set: [red, blue]"
    )
    status, answer = send(fake, "PUT", "/tiny/things/t1", {"campaign": {"color": "red", "x": 1}})
    assert status == 200
    assert send(fake, "GET", "/tiny/things/t1") == (200, {"campaign": {"color": "red"}})
    # v1 is untouched by the tiny model's shapes.
    status, answer = send(fake, "PUT", "/campaigns", {"name": "c"})
    assert status == 400 and "connectInstanceId" in answer["message"]


def test_errors_of_the_second_model_come_from_its_model(fake: CampaignsFake) -> None:
    assert send(fake, "GET", "/tiny/things/none") == (404, {"message": "Thing not found: none"})
    assert fake.calls.last.error_code == "ResourceNotFoundException"


def test_a_second_model_on_the_same_faults_keeps_what_the_first_items_may_match(
    fake: CampaignsFake,
) -> None:
    # The tiny model is served on the engine's own faults (v1's): a batch item of v1 still
    # carries its campaign's id, and a fault may still match it.
    rule = fake.fail_dial_requests("InvalidInput", campaign_id="c-1")
    assert rule.match == {"campaignId": "c-1"}


def test_an_operation_without_a_rule_is_answered_501_and_warned_once(fake: CampaignsFake) -> None:
    # The model of a newer botocore than the fake: serving it never fails, and only the
    # operation without a rule is refused, per request.
    partial = Description(model=TINY_MODEL, operations={"PutThing": put_thing})
    other = CampaignsFake(require_onboarding=False, strict=False)
    other._engine.serve(partial, {})
    assert send(other, "PUT", "/tiny/things/t1", {"campaign": {"color": "red"}})[0] == 200
    with pytest.warns(UnimplementedOperationWarning) as caught:
        status, answer = send(other, "GET", "/tiny/things/t1")
    assert [str(w.message) for w in caught] == [answer["message"]]
    assert caught[0].filename == __file__  # the caller's line: send(), here
    assert status == 501
    assert answer["message"].startswith("pytest-campaigns-fake does not implement tiny GetThing")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per fake and operation
        assert send(other, "GET", "/tiny/things/t2")[0] == 501
    assert [(c.operation, c.status_code, c.error_code) for c in other.calls] == [
        ("PutThing", 200, None),
        ("GetThing", 501, "NotImplemented"),
        ("GetThing", 501, "NotImplemented"),
    ]


# -- a member the model adds needs no code --------------------------------------------------

PROGRAM = textwrap.dedent(
    """
    import json
    import boto3
    from botocore.exceptions import ClientError
    from pytest_campaigns_fake import CampaignsFake, mock_campaigns

    out = {}
    with mock_campaigns(require_onboarding=False) as fake:
        client = boto3.client(
            "connectcampaigns", region_name="us-east-1",
            aws_access_key_id="AKIAFAKECAMPAIGNS000", aws_secret_access_key="x",
        )
        common = dict(
            name="n", connectInstanceId="inst-1",
            dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
            outboundCallConfig={"connectContactFlowId": "flow-1"},
        )
        created = client.create_campaign(note="call after 9", **common)
        out["described"] = client.describe_campaign(id=created["id"])["campaign"].get("note")
        snap = fake.snapshot()
        out["snapshot"] = snap["partitions"][0]["campaigns"][0].get("note")
        try:
            client.create_campaign(note="x" * 41, **common)
        except ClientError as error:
            out["too_long"] = error.response["Error"]["Message"]
        with CampaignsFake() as other:
            other.load(snap)
            out["loaded"] = client.describe_campaign(id=created["id"])["campaign"].get("note")
    print(json.dumps(out))
    """
)


def test_a_member_added_to_the_model_needs_no_code(tmp_path: Path) -> None:
    loader = botocore.session.Session().get_component("data_loader")
    model = json.loads(json.dumps(loader.load_service_model("connectcampaigns", "service-2")))
    model["shapes"]["CampaignNote"] = {"type": "string", "max": 40, "min": 1}
    for name in ("CreateCampaignRequest", "Campaign"):
        model["shapes"][name]["members"]["note"] = {"shape": "CampaignNote"}
    patched = tmp_path / "connectcampaigns" / "2021-01-30"
    patched.mkdir(parents=True)
    (patched / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
    environment = {**os.environ, "AWS_DATA_PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["described"] == seen["snapshot"] == seen["loaded"] == "call after 9"
    assert seen["too_long"].endswith(
        "at 'note' failed to satisfy constraint: Member must have length less than or equal to 40"
    )
