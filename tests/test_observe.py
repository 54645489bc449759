"""interception/_observe.py: every API call of the faked services' clients, seen once with its
outcome, whatever answers it; other services' clients are not seen; stopping restores botocore."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.interception._observe import Exchange, observe


def _client(service: str) -> Any:
    return boto3.session.Session().client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIAOBSERVE000000001",
        aws_secret_access_key="x",
    )


def test_a_call_and_a_failure_are_seen_with_their_outcomes() -> None:
    seen: list[Exchange] = []
    original = BaseClient.__dict__["_make_api_call"]
    with CampaignsFake() as fake:
        fake.add_instance("inst-1")
        client = _client("connectcampaigns")
        stop = observe({"connectcampaigns"}, seen.append)
        try:
            assert BaseClient.__dict__["_make_api_call"] is not original
            client.list_campaigns()
            with pytest.raises(ClientError):
                client.describe_campaign(id="00000000-0000-0000-0000-000000000000")
            _client("connectcampaignsv2").list_campaigns()  # not observed
        finally:
            stop()
    assert BaseClient.__dict__["_make_api_call"] is original
    assert [(e.operation, e.status, e.error_code) for e in seen] == [
        ("ListCampaigns", 200, None),
        ("DescribeCampaign", 404, "ResourceNotFoundException"),
    ]
    assert seen[0].response == {"campaignSummaryList": []}
    assert seen[1].params == {"id": "00000000-0000-0000-0000-000000000000"}
    assert seen[1].response["Error"]["Code"] == "ResourceNotFoundException"
