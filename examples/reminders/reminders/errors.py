"""The app's exceptions: what a caller of ``reminders`` can act on.

botocore's ``ClientError`` is translated where the app knows what the error means for the
caller (a campaign in the wrong state, an instance that is not onboarded); anything else
(validation errors, throttling that outlasted botocore's retries, access denied) is a bug or
an outage and propagates unchanged.
"""

from __future__ import annotations


class ReminderError(Exception):
    """Base class of every error the reminders app raises on purpose."""


class OnboardingFailed(ReminderError):
    """The instance's onboarding job ended FAILED."""

    def __init__(self, instance_id: str, failure_code: str | None) -> None:
        super().__init__(
            f"Onboarding of Connect instance {instance_id} failed: {failure_code or 'no code'}"
        )
        self.instance_id = instance_id
        self.failure_code = failure_code


class OnboardingTimeout(ReminderError):
    """The onboarding job was still IN_PROGRESS when the wait ran out."""

    def __init__(self, instance_id: str, waited: float, polls: int) -> None:
        super().__init__(
            f"Onboarding of Connect instance {instance_id} still in progress after "
            f"{waited:.0f}s ({polls} status polls)"
        )
        self.instance_id = instance_id
        self.waited = waited
        self.polls = polls


class InstanceNotOnboarded(ReminderError):
    """CreateCampaign named an instance that is not onboarded to outbound campaigns."""

    def __init__(self, instance_id: str) -> None:
        super().__init__(
            f"Connect instance {instance_id} is not onboarded to outbound campaigns; "
            "call ReminderDialer.onboard() first"
        )
        self.instance_id = instance_id


class InstanceStillInUse(ReminderError):
    """Outbound campaigns cannot be disabled on an instance that still has campaigns."""

    def __init__(self, instance_id: str, message: str) -> None:
        super().__init__(f"Cannot disable campaigns on instance {instance_id}: {message}")
        self.instance_id = instance_id


class CampaignQuotaExceeded(ReminderError):
    """The instance already has as many campaigns as its quota allows."""


class CampaignNotFound(ReminderError):
    """No campaign with this id (deleted, or in another account or region)."""

    def __init__(self, campaign_id: str) -> None:
        super().__init__(f"Campaign {campaign_id} does not exist")
        self.campaign_id = campaign_id


class CampaignStateError(ReminderError):
    """The campaign's state does not allow the operation (InvalidCampaignStateException)."""

    def __init__(self, campaign_id: str, operation: str, state: str | None) -> None:
        super().__init__(f"Cannot {operation} campaign {campaign_id}: it is {state or 'unknown'}")
        self.campaign_id = campaign_id
        self.operation = operation
        self.state = state


class CampaignNotRunning(CampaignStateError):
    """Dial requests (or a pause) need a Running campaign."""
