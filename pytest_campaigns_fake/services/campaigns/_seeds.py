"""What a seeded v1 campaign and a seeded instance must be: the request that would have
made them (the engine's ``check_request``, against the connectcampaigns model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...engine._seeds import check_choice, check_request
from ._records import V1


def check_instance(
    connect_instance_id: str, encryption_config: Mapping[str, Any]
) -> dict[str, Any]:
    """A seeded instance must be what a valid StartInstanceOnboardingJob would create: the
    request, in the model's shape (a copy of the caller's dicts)."""
    __tracebackhide__ = True
    return check_request(
        "StartInstanceOnboardingJob",
        {"connectInstanceId": connect_instance_id, "encryptionConfig": encryption_config},
        V1,
    )


def check_campaign(campaign: Mapping[str, Any], state: str) -> dict[str, Any]:
    """A seeded campaign must be a valid CreateCampaign request (the members of ``campaign``
    that CreateCampaign takes), in a modelled state. Returns that request, a copy."""
    __tracebackhide__ = True
    request = check_request("CreateCampaign", campaign, V1)
    check_choice("state", state, "CampaignState", V1)
    return request
