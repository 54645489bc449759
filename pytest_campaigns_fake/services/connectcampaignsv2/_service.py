"""What connectcampaignsv2's rules act on besides the bucket (``Service``), and its quotas and
settings, each value checked when it is set."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, ClassVar

from ...engine._clock import Clock, Ids
from ...engine._faults import ItemFaults, item_failure_codes
from ...engine._seeds import CountsCheckedWhenSet, check_bool, check_count, check_known
from ..campaigns._api import SharedSettings
from ..campaigns._records import V2, Store

# The longest duration any two instances the fake can hold are apart (years 1 to 9999): a
# setting beyond it could only overflow the datetime arithmetic of a later request.
MAX_SPAN = datetime.max - datetime.min
MAX_SPAN_SECONDS = MAX_SPAN.total_seconds()


@dataclass
class Quotas(CountsCheckedWhenSet):
    """connectcampaignsv2's adjustable quotas (per instance); checked when set."""

    LABEL: ClassVar[str] = "campaigns_fake.v2.quotas"
    #: CreateCampaign beyond it: ServiceQuotaExceededException.
    campaigns_per_instance: int = 500
    #: StartCampaign/ResumeCampaign beyond it (Running or Paused campaigns): ConflictException.
    active_campaigns_per_instance: int = 50


@dataclass
class Settings:
    """The v2 rules that are guesses ([CHOSEN] in the contract), each switchable; checked when
    set."""

    LABEL: ClassVar[str] = "campaigns_fake.v2.settings"
    #: Outbound requests a campaign holds unexpired before the next fails
    #: ``pending_request_cap_failure_code``; None: no cap.
    pending_request_cap: int | None = None
    #: The FailureCode of an outbound request beyond the cap: BufferLimitExceeded ("pending
    #: dial requests") or RequestThrottled ("large number of requests").
    pending_request_cap_failure_code: str = "BufferLimitExceeded"
    #: The latest expirationTime an outbound request may have, from now (seconds); None: no
    #: upper bound.
    max_expiration_seconds: float | None = None
    #: PutProfileOutboundRequestBatch only on campaigns whose source is an event trigger.
    profile_requests_need_event_trigger: bool = True
    #: CreateCampaign/UpdateCampaignSource with an eventTrigger need a Customer Profiles
    #: integration of that domain on the instance (ConflictException otherwise).
    event_trigger_needs_integration: bool = False
    #: ARNs of us-gov-* regions pass the model's Arn pattern, which, matched on the whole
    #: string, refuses them (ValidationException by default).
    accept_us_gov_arns: bool = False
    #: A PutProfileOutboundRequestBatch item for a web notification (its eventTriggerContext
    #: has a channelContext.webNotificationContext) needs the instance's Customer Profiles
    #: integration of the campaign's event-trigger domain to map the Campaign-WebNotification
    #: object type (the item fails InvalidInput otherwise).
    web_notification_needs_object_type: bool = False
    #: Days after it started that an onboarding job is forgotten, on both APIs' routes (the job
    #: is one record); None: never. GetInstanceOnboardingJobStatus may answer 404 "if the
    #: instance was onboarded more than 14 days ago".
    job_expiry_days: int | None = 14

    def job_retention(self) -> timedelta | None:
        """``job_expiry_days`` as a duration, None for never."""
        days = self.job_expiry_days
        return None if days is None else timedelta(days=days)

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True
        check_known(self, name)
        if name in (
            "profile_requests_need_event_trigger",
            "event_trigger_needs_integration",
            "accept_us_gov_arns",
            "web_notification_needs_object_type",
        ):
            check_bool(name, value)
        elif name == "pending_request_cap_failure_code":
            allowed = cap_failure_codes()
            if value not in allowed:
                raise ValueError(
                    f"{name} must be one of {', '.join(map(repr, allowed))} (the FailureCode "
                    f"values of a pending-request cap), not {value!r}"
                )
        elif name == "job_expiry_days":
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 1 <= value <= MAX_SPAN.days
            ):
                raise ValueError(
                    f"{name} must be a whole number of days from 1 to {MAX_SPAN.days} (the "
                    f"span of a datetime, years 1 to 9999) or None, not {value!r}"
                )
        elif name == "max_expiration_seconds":
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                # An int too big for a float: compared before math.isfinite() would overflow.
                or not 0 < value <= MAX_SPAN_SECONDS
                or not math.isfinite(value)
            ):
                raise ValueError(
                    f"{name} must be a number of seconds > 0 and <= {MAX_SPAN_SECONDS:.0f} "
                    f"(the span of a datetime, years 1 to 9999) or None, not {value!r}"
                )
        elif value is not None:
            check_count(name, value, none="None")
        super().__setattr__(name, value)


@cache
def cap_failure_codes() -> tuple[str, ...]:
    """What a pending-request cap may answer: the contract's two throttling codes, as far as
    the model's FailureCode has them."""
    modelled = item_failure_codes("PutOutboundRequestBatch", V2)
    return tuple(code for code in ("BufferLimitExceeded", "RequestThrottled") if code in modelled)


@dataclass
class Service:
    """What the v2 rules act on besides the bucket."""

    store: Store
    clock: Clock
    ids: Ids
    #: The settings both APIs read (require_onboarding, onboarding_polls, share_campaigns):
    #: v1's ``campaigns_fake.settings``; onboarding is one job per instance for both APIs.
    shared: SharedSettings
    settings: Settings
    quotas: Quotas
    faults: ItemFaults
    #: Customer Profiles profile ids a test marked missing (ResourceNotFound items).
    missing_profiles: set[str] = field(default_factory=set)

    def job_retention(self) -> timedelta | None:
        """How long after it started an onboarding job is forgotten (``job_expiry_days``)."""
        return self.settings.job_retention()
