"""A botocore upgrade never breaks a suite.

Each test writes a changed copy of the installed botocore models of both APIs (an added
operation, an added input member, an added enum value, an added error shape) into a data
directory, and runs a program in a fresh interpreter whose ``AWS_DATA_PATH`` puts it first:
every botocore session there (the fake's, and the boto3 clients the program makes) reads the
changed models, as after a ``pip install -U botocore``. The program runs the same scenario on
both APIs as on the installed models (seeded ids, a frozen clock), and the answers must be the
same; then it uses what changed.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable

import botocore.session
import pytest

_LOADER = botocore.session.Session().get_component("data_loader")
SERVICES = ("connectcampaigns", "connectcampaignsv2")
INSTALLED = {service: _LOADER.load_service_model(service, "service-2") for service in SERVICES}
VERSIONS = {service: INSTALLED[service]["metadata"]["apiVersion"] for service in SERVICES}

# What every program runs: the scenario, on both APIs, printed as JSON; then the part of the
# test (EXTRA), whose findings go into `out`.
PROGRAM = textwrap.dedent(
    """
    import json, warnings
    from datetime import datetime, timedelta, timezone
    import boto3
    import botocore.session
    from botocore.exceptions import ClientError
    from pytest_campaigns_fake import mock_campaigns

    AT = datetime(2030, 1, 1, 9, 0, tzinfo=timezone.utc)
    KEYS = dict(aws_access_key_id="AKIAFAKECAMPAIGNS000", aws_secret_access_key="x")
    TELEPHONY = {
        "capacity": 0.5, "connectQueueId": "queue-1",
        "outboundMode": {"progressive": {"bandwidthAllocation": 1.0}},
        "defaultOutboundConfig": {"connectContactFlowId": "flow-1"},
    }

    def client(service):
        # A boto3 client made from a botocore session: its data path has AWS_DATA_PATH first.
        session = boto3.session.Session(botocore_session=botocore.session.Session())
        return session.client(service, region_name="us-east-1", **KEYS)

    def call(log, api, operation, **params):
        try:
            answer = getattr(api, operation)(**params)
        except ClientError as error:
            answer = {"error": error.response["Error"],
                      "status": error.response["ResponseMetadata"]["HTTPStatusCode"]}
        else:
            answer.pop("ResponseMetadata")
        log.append([operation, json.loads(json.dumps(answer, default=str))])
        return answer

    def scenario(fake, v1, v2):
        log = []
        fake.add_instance("instance-1")
        call(log, v1, "get_connect_instance_config", connectInstanceId="instance-1")
        made = call(log, v1, "create_campaign", name="n", connectInstanceId="instance-1",
            dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
            outboundCallConfig={"connectContactFlowId": "flow-1"}, tags={"team": "a"})
        call(log, v1, "describe_campaign", id=made["id"])
        call(log, v1, "start_campaign", id=made["id"])
        call(log, v1, "get_campaign_state_batch", campaignIds=[made["id"], "nope"])
        call(log, v1, "put_dial_request_batch", id=made["id"], dialRequests=[{
            "clientToken": "t1", "phoneNumber": "+15550100", "attributes": {},
            "expirationTime": AT + timedelta(minutes=5)}])
        call(log, v1, "list_campaigns", maxResults=1)
        call(log, v1, "list_tags_for_resource", arn=made["arn"])
        call(log, v1, "update_campaign_name", id=made["id"], name="x" * 200)
        call(log, v1, "stop_campaign", id=made["id"])
        call(log, v1, "delete_campaign", id=made["id"])
        call(log, v1, "describe_campaign", id=made["id"])
        made = call(log, v2, "create_campaign", name="n", connectInstanceId="instance-1",
            channelSubtypeConfig={"telephony": TELEPHONY})
        call(log, v2, "describe_campaign", id=made["id"])
        call(log, v2, "update_campaign_name", id=made["id"], name="renamed")
        call(log, v2, "get_campaign_state", id=made["id"])
        call(log, v2, "list_campaigns")
        call(log, v2, "tag_resource", arn=made["arn"], tags={"team": "b"})
        call(log, v2, "list_tags_for_resource", arn=made["arn"])
        call(log, v2, "delete_campaign", id=made["id"])
        call(log, v2, "describe_campaign", id=made["id"])
        log.append(["journal", [[c.operation, c.status_code] for c in fake.calls]])
        return log

    out = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with mock_campaigns(seed=7) as fake:
            fake.clock.freeze(at=AT)
            v1, v2 = client("connectcampaigns"), client("connectcampaignsv2")
            out["scenario"] = scenario(fake, v1, v2)
            fake.reset()
    EXTRA
        out["warnings"] = [
            [w.category.__name__, str(w.message), w.filename] for w in caught
        ]
    print(json.dumps(out, default=str))
    """
)


def _run(tmp_path: Path, models: dict[str, dict[str, Any]] | None, extra: str = "") -> Any:
    """Run PROGRAM (with ``extra`` after the scenario) on ``models`` (None: the installed ones)
    and return what it printed."""
    environment = dict(os.environ)
    if models is not None:
        for service, model in models.items():
            folder = tmp_path / service / VERSIONS[service]
            folder.mkdir(parents=True)
            (folder / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
        environment["AWS_DATA_PATH"] = str(tmp_path)
    program = PROGRAM.replace("EXTRA", textwrap.indent(textwrap.dedent(extra), " " * 8) or "")
    script = tmp_path / "program.py"
    script.write_text(program, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The scenario's answers on the installed models."""
    seen = _run(tmp_path_factory.mktemp("installed"), None)
    assert seen["warnings"] == []
    return seen["scenario"]


def _changed(change: Callable[[str, dict[str, Any]], None]) -> dict[str, dict[str, Any]]:
    models = {service: copy.deepcopy(INSTALLED[service]) for service in SERVICES}
    for service, model in models.items():
        change(service, model)
    return models


def _add_operation(service: str, model: dict[str, Any]) -> None:
    prefix = "/v2" if service == "connectcampaignsv2" else ""
    model["operations"]["ArchiveCampaign"] = {
        "name": "ArchiveCampaign",
        "http": {"method": "POST", "requestUri": f"{prefix}/campaigns/{{id}}/archive"},
        "input": {"shape": "ArchiveCampaignRequest"},
        "errors": [
            {"shape": "ValidationException"},
            {"shape": "AccessDeniedException"},
            {"shape": "ResourceNotFoundException"},
        ],
    }
    model["shapes"]["ArchiveCampaignRequest"] = {
        "type": "structure",
        "required": ["id"],
        "members": {
            "id": {"shape": "CampaignId", "location": "uri", "locationName": "id"},
            "reason": {"shape": "ArchiveReason"},
        },
    }
    model["shapes"]["ArchiveReason"] = {"type": "string", "enum": ["DONE", "DUPLICATE"]}


def test_an_added_operation_answers_501_and_everything_else_as_before(
    tmp_path: Path, before: Any
) -> None:
    seen = _run(
        tmp_path,
        _changed(_add_operation),
        """
        with mock_campaigns(seed=7) as fake:
            for service, api in (("v1", client("connectcampaigns")),
                                 ("v2", client("connectcampaignsv2"))):
                log = out[service] = []
                call(log, api, "archive_campaign", id="c1", reason="DONE")
                call(log, api, "archive_campaign", id="c1")
                # validated against the model first, as any operation: no retry, no 501
                api.meta.config.parameter_validation = False
                call(log, api, "archive_campaign", id="c1", reason="LATER")
                controls = fake if service == "v1" else fake.v2
                controls.inject_error("ArchiveCampaign", "AccessDeniedException")
                call(log, api, "archive_campaign", id="c1")
                log.append([[c.operation, c.status_code, c.attempt, c.error_code]
                            for c in controls.calls])
                log.append(str(controls.calls.last.error_message))
        """,
    )
    assert seen["scenario"] == before
    not_implemented = {
        "Code": "NotImplemented",
        "Message": (
            f"pytest-campaigns-fake does not implement {{}} ArchiveCampaign yet (it is in the "
            f"model of the installed botocore {botocore.__version__}); every other operation "
            "is answered as usual. Upgrade pytest-campaigns-fake, or pin botocore to a release "
            "without it"
        ),
    }
    for api, service in (("v1", "connectcampaigns"), ("v2", "connectcampaignsv2")):
        error = {**not_implemented, "Message": not_implemented["Message"].format(service)}
        answers = seen[api]
        assert answers[0] == ["archive_campaign", {"error": error, "status": 501}]
        assert answers[1] == answers[0]
        assert answers[2][1]["status"] == 400
        assert answers[2][1]["error"]["Code"] == "ValidationException"
        assert "Value 'LATER' at 'reason'" in answers[2][1]["error"]["Message"]
        assert answers[3][1]["status"] == 403
        assert answers[3][1]["error"]["Code"] == "AccessDeniedException"
        # One attempt each (botocore retries no 501), journaled with the operation's name.
        assert answers[4] == [
            ["ArchiveCampaign", 501, 1, "NotImplemented"],
            ["ArchiveCampaign", 501, 1, "NotImplemented"],
            ["ArchiveCampaign", 400, 1, "ValidationException"],
            ["ArchiveCampaign", 403, 1, "AccessDeniedException"],
        ]
    # Once per fake and operation, pointing at the program's own line.
    assert [w[:1] + w[2:] for w in seen["warnings"]] == [
        ["UnimplementedOperationWarning", str(tmp_path / "program.py")],
        ["UnimplementedOperationWarning", str(tmp_path / "program.py")],
    ]
    assert [w[1] for w in seen["warnings"]] == [
        not_implemented["Message"].format(service) for service in SERVICES
    ]


def _add_member(service: str, model: dict[str, Any]) -> None:
    model["shapes"]["CampaignNote"] = {"type": "string", "max": 40, "min": 1}
    for name in ("CreateCampaignRequest", "Campaign"):
        model["shapes"][name]["members"]["note"] = {"shape": "CampaignNote"}


def test_an_added_input_member_travels_and_everything_else_as_before(
    tmp_path: Path, before: Any
) -> None:
    seen = _run(
        tmp_path,
        _changed(_add_member),
        """
        with mock_campaigns(require_onboarding=False) as fake:
            api = client("connectcampaigns")
            made = api.create_campaign(
                name="n", connectInstanceId="i", note="call after 9",
                dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
                outboundCallConfig={"connectContactFlowId": "flow-1"})
            out["v1"] = api.describe_campaign(id=made["id"])["campaign"].get("note")
            api = client("connectcampaignsv2")
            made = api.create_campaign(name="n", connectInstanceId="i", note="after 10",
                channelSubtypeConfig={"telephony": TELEPHONY})
            out["v2"] = api.describe_campaign(id=made["id"])["campaign"].get("note")
            out["v2_long"] = []
            call(out["v2_long"], api, "create_campaign", name="n", connectInstanceId="i",
                 note="x" * 41, channelSubtypeConfig={"telephony": TELEPHONY})
        """,
    )
    assert seen["scenario"] == before
    assert (seen["v1"], seen["v2"]) == ("call after 9", "after 10")
    assert seen["v2_long"][0][1]["error"]["Message"].endswith(
        "at 'note' failed to satisfy constraint: Member must have length less than or equal to 40"
    )
    assert seen["warnings"] == []


def _add_enum_value(service: str, model: dict[str, Any]) -> None:
    model["shapes"]["EncryptionType"]["enum"].append("AES256")


def test_an_added_enum_value_is_accepted_and_everything_else_as_before(
    tmp_path: Path, before: Any
) -> None:
    seen = _run(
        tmp_path,
        _changed(_add_enum_value),
        """
        with mock_campaigns() as fake:
            for service in SERVICES:
                api = client(service)
                api.start_instance_onboarding_job(
                    connectInstanceId="instance-" + service[-2:],
                    encryptionConfig={"enabled": True, "encryptionType": "AES256",
                                      "keyArn": "arn:aws:kms:us-east-1:123456789012:key/k"})
                fake.advance_onboarding("instance-" + service[-2:])
                config = api.get_connect_instance_config(
                    connectInstanceId="instance-" + service[-2:])["connectInstanceConfig"]
                out[service] = config["encryptionConfig"]["encryptionType"]
        """.replace("SERVICES", repr(SERVICES)),
    )
    assert seen["scenario"] == before
    assert (seen["connectcampaigns"], seen["connectcampaignsv2"]) == ("AES256", "AES256")
    assert seen["warnings"] == []


def _add_error_shape(service: str, model: dict[str, Any]) -> None:
    model["shapes"]["CampaignLockedException"] = {
        "type": "structure",
        "required": ["message"],
        "members": {"message": {"shape": "String"}},
        "error": {"httpStatusCode": 423, "senderFault": True},
        "exception": True,
    }
    model["operations"]["StartCampaign"]["errors"].append({"shape": "CampaignLockedException"})


def test_an_added_error_shape_can_be_injected_and_everything_else_as_before(
    tmp_path: Path, before: Any
) -> None:
    seen = _run(
        tmp_path,
        _changed(_add_error_shape),
        """
        with mock_campaigns(require_onboarding=False) as fake:
            for controls, api in ((fake, client("connectcampaigns")),
                                  (fake.v2, client("connectcampaignsv2"))):
                controls.inject_error("StartCampaign", "CampaignLockedException",
                                      message="locked")
                try:
                    api.start_campaign(id="c1")
                except api.exceptions.CampaignLockedException as error:
                    out[api.meta.service_model.service_name] = [
                        error.response["Error"],
                        error.response["ResponseMetadata"]["HTTPStatusCode"],
                    ]
        """,
    )
    assert seen["scenario"] == before
    for service in SERVICES:
        assert seen[service] == [{"Code": "CampaignLockedException", "Message": "locked"}, 423]
    assert seen["warnings"] == []
