"""What seeds and snapshots must satisfy: the model's request shapes and its enums.

A test that seeds state the service could never hold fails at once, with the same AWS-style
violations a request would get, instead of producing answers no real service gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._model import SERVICE_NAME, load
from ._validation import violations
from ._wire import shaped


def enum(shape_name: str, service: str = SERVICE_NAME) -> tuple[str, ...]:
    """The values of one of the model's enum shapes (``CampaignState``, ``FailureCode``...)."""
    return tuple(load(service).service.shape_for(shape_name).enum)


def check_choice(name: str, value: Any, shape_name: str, service: str = SERVICE_NAME) -> None:
    allowed = enum(shape_name, service)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")


def check_instance(
    connect_instance_id: str, encryption_config: Mapping[str, Any]
) -> dict[str, Any]:
    """A seeded instance must be what a valid StartInstanceOnboardingJob would create: the
    request, in the model's shape (a copy of the caller's dicts)."""
    return check_request(
        "StartInstanceOnboardingJob",
        {"connectInstanceId": connect_instance_id, "encryptionConfig": encryption_config},
    )


def check_campaign(campaign: Mapping[str, Any], state: str) -> dict[str, Any]:
    """A seeded campaign must be a valid CreateCampaign request (the members of ``campaign``
    that CreateCampaign takes), in a modelled state. Returns that request, a copy."""
    request = check_request("CreateCampaign", campaign)
    check_choice("state", state, "CampaignState")
    return request


def check_request(
    operation: str, values: Mapping[str, Any], service: str = SERVICE_NAME
) -> dict[str, Any]:
    """``values`` as a request of ``operation`` (its input members only, copied), checked
    against the model as the engine checks a request."""
    shape = load(service).operations[operation].input_shape
    request = {name: value for name, value in values.items() if name in shape.members}
    errors = violations(shape, request)
    if errors:
        raise ValueError(f"Seed breaks the {service} model ({shape.name}): " + "; ".join(errors))
    shaped_request: dict[str, Any] = shaped(shape, request)
    return shaped_request
