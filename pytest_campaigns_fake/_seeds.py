"""What seeds and snapshots must satisfy: the model's request shapes and its enums.

A test that seeds state the service could never hold fails at once, with the same AWS-style
violations a request would get, instead of producing answers no real service gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._model import load
from ._service import MAX_TAGS
from ._validation import violations


def enum(shape_name: str) -> tuple[str, ...]:
    """The values of one of the model's enum shapes (``CampaignState``, ``FailureCode``...)."""
    return tuple(load().service.shape_for(shape_name).enum)


def check_choice(name: str, value: Any, shape_name: str) -> None:
    allowed = enum(shape_name)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")


def check_instance(connect_instance_id: str, encryption_config: Mapping[str, Any]) -> None:
    """A seeded instance must be what a valid StartInstanceOnboardingJob would create."""
    _check_shape(
        "StartInstanceOnboardingJobRequest",
        {"connectInstanceId": connect_instance_id, "encryptionConfig": encryption_config},
    )


def check_campaign(campaign: Mapping[str, Any], state: str) -> None:
    """A seeded campaign must be a valid CreateCampaign request, in a modelled state."""
    request = {
        key: campaign.get(key)
        for key in ("name", "connectInstanceId", "dialerConfig", "outboundCallConfig", "tags")
    }
    _check_shape("CreateCampaignRequest", request)
    tags = request.get("tags") or {}
    if len(tags) > MAX_TAGS:
        raise ValueError(
            f"Seed breaks the connectcampaigns rules: a resource can have at most {MAX_TAGS} "
            f"tags, this campaign has {len(tags)}"
        )
    check_choice("state", state, "CampaignState")


def _check_shape(shape_name: str, value: dict[str, Any]) -> None:
    errors = violations(load().service.shape_for(shape_name), value)
    if errors:
        raise ValueError(
            f"Seed breaks the connectcampaigns model ({shape_name}): " + "; ".join(errors)
        )
