"""What the connectcampaignsv2 tests share: clients, request builders, model facts.

The contract is shared/reference/service-behavior-v2.md. The fake serves whatever v2 model the
installed botocore has: members a model lacks (``whatsApp``, ``entryLimitsConfig`` before
botocore 1.40) are skipped with ``needs_member``/``needs_operation``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from support import ACCESS_KEY, INSTANCE, REGION, SECRET_KEY, Client

from pytest_campaigns_fake import CampaignsFake

SERVICE_V2 = "connectcampaignsv2"
_MODEL = botocore.session.get_session().get_service_model(SERVICE_V2)

FLOW_ARN = "arn:aws:connect:us-east-1:123456789012:instance/instance-1/contact-flow/flow-1"
SEGMENT_ARN = "arn:aws:profile:us-east-1:123456789012:domains/d1/segment-definitions/s1"
OTHER_SEGMENT_ARN = "arn:aws:profile:us-east-1:123456789012:domains/d1/segment-definitions/s2"
DOMAIN_ARN = "arn:aws:profile:us-east-1:123456789012:domains/d1"
OTHER_DOMAIN_ARN = "arn:aws:profile:us-east-1:123456789012:domains/d2"
PHONE_ARN = "arn:aws:connect:us-east-1:123456789012:phone-number/p1"
TEMPLATE_ARN = "arn:aws:wisdom:us-east-1:123456789012:message-template/kb1/t1"
KB_ARN = "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/kb1"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:dialer-hook"
PROFILE_ID = "0123456789abcdef0123456789abcdef"

TELEPHONY: dict[str, Any] = {
    "capacity": 0.5,
    "connectQueueId": "queue-1",
    "outboundMode": {"progressive": {"bandwidthAllocation": 1.0}},
    "defaultOutboundConfig": {"connectContactFlowId": "flow-1"},
}
AGENTLESS_TELEPHONY: dict[str, Any] = {
    "outboundMode": {"agentless": {}},
    "defaultOutboundConfig": {
        "connectContactFlowId": "flow-1",
        "connectSourcePhoneNumber": "+15550199",
    },
}
SMS: dict[str, Any] = {
    "outboundMode": {"agentless": {}},
    "defaultOutboundConfig": {
        "connectSourcePhoneNumberArn": PHONE_ARN,
        "wisdomTemplateArn": TEMPLATE_ARN,
    },
}
EMAIL: dict[str, Any] = {
    "outboundMode": {"agentless": {}},
    "defaultOutboundConfig": {
        "connectSourceEmailAddress": "campaigns@example.com",
        "wisdomTemplateArn": TEMPLATE_ARN,
    },
}
TIME_ZONE: dict[str, Any] = {"defaultTimeZone": "America/New_York"}
WINDOW: dict[str, Any] = {
    "openHours": {"dailyHours": {"MONDAY": [{"startTime": "T09:00", "endTime": "T17:00"}]}}
}
LIMITS: dict[str, Any] = {
    "communicationLimitsList": [{"maxCountPerRecipient": 3, "frequency": 7, "unit": "DAY"}]
}


def new_v2_client(
    region: str = REGION, access_key: str = ACCESS_KEY, *, validate: bool = True
) -> Client:
    """A boto3 ``connectcampaignsv2`` client from a session of its own (``validate=False``:
    botocore sends what it is given, so the fake's own checks are what answer)."""
    return boto3.session.Session().client(
        SERVICE_V2,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=SECRET_KEY,
        config=None if validate else Config(parameter_validation=False),
    )


# -- what the installed model has ----------------------------------------------------------


def has_member(shape: str, member: str) -> bool:
    """Whether the installed model has ``shape`` with ``member`` (an older one may lack both)."""
    if shape not in _MODEL.shape_names:
        return False
    return member in getattr(_MODEL.shape_for(shape), "members", {})


def has_operation(name: str) -> bool:
    return name in _MODEL.operation_names


def needs_member(shape: str, member: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not has_member(shape, member),
        reason=f"the installed botocore's {SERVICE_V2} model has no {shape}.{member}",
    )


def needs_operation(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not has_operation(name),
        reason=f"the installed botocore's {SERVICE_V2} model has no {name}",
    )


# -- requests ------------------------------------------------------------------------------


def create_v2(
    client: Client,
    *,
    name: str = "campaign",
    instance: str = INSTANCE,
    channels: dict[str, Any] | None = None,
    **members: Any,
) -> dict[str, Any]:
    """CreateCampaign (v2), with a progressive telephony subtype unless told otherwise; any
    other CreateCampaign member by its model name (``source=``, ``schedule=``, ``tags=``)."""
    result: dict[str, Any] = client.create_campaign(
        name=name,
        connectInstanceId=instance,
        channelSubtypeConfig={"telephony": TELEPHONY} if channels is None else channels,
        **members,
    )
    return result


def outbound_request(
    token: str, expires: datetime, phone: str = "+15550100", **telephony: Any
) -> dict[str, Any]:
    """One PutOutboundRequestBatch item on the telephony subtype."""
    return {
        "clientToken": token,
        "expirationTime": expires,
        "channelSubtypeParameters": {
            "telephony": {"destinationPhoneNumber": phone, "attributes": {}, **telephony}
        },
    }


def profile_request(
    token: str, profile_id: str = PROFILE_ID, expires: datetime | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {"clientToken": token, "profileId": profile_id}
    if expires is not None:
        item["expirationTime"] = expires
    return item


def later(fake: CampaignsFake, **delta: float) -> datetime:
    """The fake's clock now, plus ``delta`` (``hours=1``)."""
    return fake.clock.now() + timedelta(**delta)


def running_v2(client: Client, fake: CampaignsFake, **members: Any) -> str:
    """A campaign created through ``client`` and started: its id."""
    campaign_id: str = create_v2(client, **members)["id"]
    client.start_campaign(id=campaign_id)
    return campaign_id
