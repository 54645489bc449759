"""Appointment reminder calls through Amazon Connect Outbound Campaigns."""

from __future__ import annotations

from .dialer import (
    DEFAULT_EXPIRY,
    MAX_BATCH,
    Accepted,
    CampaignRef,
    CampaignSpec,
    Contact,
    PushResult,
    Rejected,
    ReminderDialer,
    client_token,
    make_client,
)
from .errors import (
    CampaignNotFound,
    CampaignNotRunning,
    CampaignQuotaExceeded,
    CampaignStateError,
    InstanceNotOnboarded,
    InstanceStillInUse,
    OnboardingFailed,
    OnboardingTimeout,
    ReminderError,
)
from .schedule import CallingHours

__all__ = [
    "DEFAULT_EXPIRY",
    "MAX_BATCH",
    "Accepted",
    "CallingHours",
    "CampaignNotFound",
    "CampaignNotRunning",
    "CampaignQuotaExceeded",
    "CampaignRef",
    "CampaignSpec",
    "CampaignStateError",
    "Contact",
    "InstanceNotOnboarded",
    "InstanceStillInUse",
    "OnboardingFailed",
    "OnboardingTimeout",
    "PushResult",
    "Rejected",
    "ReminderDialer",
    "ReminderError",
    "client_token",
    "make_client",
]
