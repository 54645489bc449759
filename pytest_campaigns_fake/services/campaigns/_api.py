"""Which API a rule written once acts for, and what it reads of either API's service.

v1 and v2 answer much of the campaigns API alike: create, describe, delete, the state and its
transitions, list, tags, onboarding. Those rules are written once (``_rules.py``,
``_onboarding.py``) and each description registers them with its ``Api``: whose campaigns
they act on (a bucket's own, v1's, or its ``v2``) and what the two answer differently (the
shapes a campaign is seen in, what a list page token is bound to). Each API's service is a
dataclass of its own; the protocols below are what the rules written once read of either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Protocol

from ...engine._clock import Clock, Ids
from ...engine._faults import ItemFaults
from ._records import V2, Bucket, CampaignRecord, Store


@dataclass(frozen=True)
class Api:
    """One API of the two, as the rules written once need it."""

    #: The API's botocore service name (``V1``, ``V2``): whose campaigns a rule acts on (v1's
    #: are a bucket's own, v2's its ``v2``) and whose model declares them.
    name: str
    #: A campaign in this API's ``Campaign`` shape (DescribeCampaign's answer).
    data: Callable[[CampaignRecord], dict[str, Any]]
    #: A campaign in this API's ``CampaignSummary`` shape (ListCampaigns' answer).
    summary: Callable[[CampaignRecord], dict[str, Any]]
    #: What the API's ListCampaigns page tokens are bound to begins with this (a token one API
    #: issued is refused by the other).
    scope_prefix: str = ""
    #: Whether the API is v2 (its campaigns are a bucket's ``v2``): a field, not a property,
    #: read on the request path.
    v2: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "v2", self.name == V2)

    def campaigns(self, bucket: Bucket) -> Bucket:
        """This API's campaigns of the bucket's account and region. (The rules on the request
        path make the same choice inline: no call per request.)"""
        return bucket.v2 if self.v2 else bucket


class SharedSettings(Protocol):
    """The settings both APIs read, one object for both (``campaigns_fake.settings``)."""

    @property
    def require_onboarding(self) -> bool: ...

    @property
    def onboarding_polls(self) -> int | None: ...

    @property
    def share_campaigns(self) -> bool: ...


class CampaignQuotas(Protocol):
    @property
    def campaigns_per_instance(self) -> int: ...


class OnboardingService(Protocol):
    """What the onboarding rules read of either API's service: one job per instance."""

    @property
    def clock(self) -> Clock: ...

    @property
    def ids(self) -> Ids: ...

    @property
    def shared(self) -> SharedSettings: ...

    def job_retention(self) -> timedelta | None:
        """How long after it started an onboarding job is forgotten (None: never)."""


class CampaignsService(OnboardingService, Protocol):
    """What the campaign rules written once read of either API's service."""

    @property
    def store(self) -> Store: ...

    @property
    def quotas(self) -> CampaignQuotas: ...

    @property
    def faults(self) -> ItemFaults: ...
