"""Conformance with the installed botocore model: what is served, and what is answered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.engine._model import load
from pytest_campaigns_fake.engine._validation import violations

MODEL = botocore.session.Session().get_service_model("connectcampaigns")


def test_the_fake_serves_exactly_the_models_operations() -> None:
    # The engine dispatches by the description's explicit table: it is the one to check.
    served = {
        served.description.model.service.service_name: set(served.description.operations)
        for served in CampaignsFake()._engine.served
    }
    assert set(served) == {"connectcampaigns", "connectcampaignsv2"}
    for service, operations in served.items():
        expected = set(botocore.session.Session().get_service_model(service).operation_names)
        # A rule for an operation an older model lacks may stay (v2's entry limits came in
        # botocore 1.40): the model decides what is routed.
        assert expected <= operations, (
            f"the {service} operations the fake implements differ from the installed "
            f"botocore model: missing {sorted(expected - operations)}"
        )
    assert len(MODEL.operation_names) == 22


def _sample_path(uri: str) -> str:
    path = uri.partition("?")[0]
    for label in ("{id}", "{connectInstanceId}", "{arn}"):
        path = path.replace(label, "x")
    return path


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_every_route_of_the_model_reaches_its_operation(operation: str) -> None:
    op = MODEL.operation_model(operation)
    found = load("connectcampaigns").route(op.http["method"], _sample_path(op.http["requestUri"]))
    assert found is not None, f"{operation}: {op.http['method']} {op.http['requestUri']}"
    assert found[0].operation.name == operation


def output_problems(shape: Shape | None, response: dict[str, Any] | None) -> list[str]:
    """Every way ``response`` departs from the output shape: constraints and unknown members."""
    if shape is None:
        return [] if not response else [f"an operation without output answered {response}"]
    problems = violations(shape, response or {})
    problems += unknown_members(shape, response or {}, "")
    return problems


def unknown_members(shape: Shape, value: Any, path: str) -> list[str]:
    if shape.type_name == "structure" and isinstance(value, dict):
        found = []
        for name, item in value.items():
            if name not in shape.members:
                found.append(f"unknown member {path}{name}")
            else:
                found += unknown_members(shape.members[name], item, f"{path}{name}.")
        return found
    if shape.type_name == "list" and isinstance(value, list):
        return [p for item in value for p in unknown_members(shape.member, item, path)]
    if shape.type_name == "map" and isinstance(value, dict):
        return [p for item in value.values() for p in unknown_members(shape.value, item, path)]
    return []


def test_every_operation_answers_with_its_output_shape(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    client = campaigns_client
    flow = {"connectContactFlowId": "flow", "connectQueueId": "queue"}
    progressive = {"progressiveDialerConfig": {"bandwidthAllocation": 0.5}}

    client.start_instance_onboarding_job(
        connectInstanceId="instance-1", encryptionConfig={"enabled": False}
    )
    client.get_instance_onboarding_job_status(connectInstanceId="instance-1")
    client.get_connect_instance_config(connectInstanceId="instance-1")
    ids = [
        client.create_campaign(
            name=f"campaign-{n}",
            connectInstanceId="instance-1",
            dialerConfig=progressive,
            outboundCallConfig=flow,
            tags={"team": "blue"},
        )["id"]
        for n in range(2)
    ]
    first = ids[0]
    arn = client.describe_campaign(id=first)["campaign"]["arn"]
    client.get_campaign_state(id=first)
    client.get_campaign_state_batch(campaignIds=[first, "unknown"])
    assert "nextToken" in client.list_campaigns(maxResults=1)
    client.start_campaign(id=first)
    soon = campaigns_fake.clock.now() + timedelta(seconds=60)
    client.put_dial_request_batch(
        id=first,
        dialRequests=[
            {"clientToken": "ok", "phoneNumber": "+1555", "expirationTime": soon, "attributes": {}},
            {
                "clientToken": "late",
                "phoneNumber": "+1555",
                "expirationTime": soon + timedelta(hours=1),
                "attributes": {"k": "v"},
            },
        ],
    )
    client.pause_campaign(id=first)
    client.resume_campaign(id=first)
    client.stop_campaign(id=first)
    client.update_campaign_name(id=first, name="renamed")
    client.update_campaign_dialer_config(
        id=first, dialerConfig={"predictiveDialerConfig": {"bandwidthAllocation": 1.0}}
    )
    client.update_campaign_outbound_call_config(id=first, connectContactFlowId="flow-2")
    client.tag_resource(arn=arn, tags={"env": "test"})
    client.list_tags_for_resource(arn=arn)
    client.untag_resource(arn=arn, tagKeys=["env"])
    for campaign_id in ids:
        client.delete_campaign(id=campaign_id)
    client.delete_connect_instance_config(connectInstanceId="instance-1")
    campaigns_fake.settings.onboarding_polls = None
    client.start_instance_onboarding_job(
        connectInstanceId="instance-2", encryptionConfig={"enabled": False}
    )
    campaigns_fake.advance_onboarding("instance-2", "FAILED", "KMS_KEY_NOT_FOUND")
    client.delete_instance_onboarding_job(connectInstanceId="instance-2")

    answered = {call.operation for call in campaigns_fake.calls if call.ok}
    assert answered == set(MODEL.operation_names)
    for call in campaigns_fake.calls:
        op = MODEL.operation_model(call.operation)
        assert call.status_code == 200, call.summary()
        assert output_problems(op.output_shape, call.response) == [], call.summary()


def test_output_checker_catches_departures() -> None:
    shape = MODEL.operation_model("DescribeCampaign").output_shape
    assert output_problems(shape, {"campaign": {"id": "x"}}) != []
    assert output_problems(shape, {"surprise": 1}) == ["unknown member surprise"]
    assert output_problems(None, {"a": 1}) != []
