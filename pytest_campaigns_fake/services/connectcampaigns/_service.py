"""What connectcampaigns' rules act on besides the bucket (``Service``), and the quotas and
settings a test may change while the fake runs, each value checked when it is set."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, ClassVar

from ...engine._clock import Clock, Ids
from ...engine._faults import ItemFaults
from ...engine._seeds import CountsCheckedWhenSet, check_bool, check_count, check_known
from ..campaigns._records import Store


@dataclass
class Quotas(CountsCheckedWhenSet):
    """Adjustable service quotas; a value is checked when it is set (``"25"`` is refused)."""

    LABEL: ClassVar[str] = "campaigns_fake.quotas"
    campaigns_per_instance: int = 25


@dataclass
class Settings:
    """Behaviour a test may change while the fake runs; values are checked when set."""

    LABEL: ClassVar[str] = "campaigns_fake.settings"
    require_onboarding: bool = True
    # An IN_PROGRESS onboarding job succeeds on this status poll; None: only when told.
    onboarding_polls: int | None = 1
    # v1 and v2 campaigns in one namespace (``campaigns/_shared_views``); separate by default.
    share_campaigns: bool = False

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True
        check_known(self, name)
        if name in ("require_onboarding", "share_campaigns"):
            check_bool(name, value)
        elif value is not None:
            check_count(name, value, none="None")
        super().__setattr__(name, value)


def _never() -> timedelta | None:
    return None


@dataclass
class Service:
    """What the rules act on besides the bucket: the fake's store, time, ids and settings."""

    store: Store
    clock: Clock
    ids: Ids
    settings: Settings
    quotas: Quotas
    faults: ItemFaults
    #: How long after it started an onboarding job is forgotten (None: never). The job is one
    #: record for both APIs, and the rule is v2's setting (``job_expiry_days``): the fake
    #: hands its reader over, so both APIs' routes forget the job at the same instant.
    job_retention: Callable[[], timedelta | None] = _never
    #: The settings both APIs read (onboarding, shared campaigns): ``settings`` itself, under
    #: the name v2's service gives them, so that a rule written once reads either API's.
    shared: Settings = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.shared = self.settings

    def share_job_retention(self, reader: Callable[[], timedelta | None]) -> None:
        """Forget onboarding jobs by ``reader`` (the service served beside this one decides)."""
        self.job_retention = reader
