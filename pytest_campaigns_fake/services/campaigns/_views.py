"""Read-only views of the records, for tests: ``Campaign``, ``CampaignV2``, ``Instance``.

What a test reads of the fake's state (``fake.campaign(...)``, ``fake.v2.campaigns``,
``fake.instance(...)``): values that are dicts are copies, so that a test editing one changes
nothing in the fake; a change goes through the fake's controls or through the API.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from ...engine._wire import shaped
from ._records import (
    CampaignRecord,
    CampaignV2Record,
    DialRequest,
    InstanceRecord,
    OutboundRequest,
    ProfileOutboundRequest,
    detached,
    shape,
)


class Campaign:
    """A stored campaign, read-only: what the fake holds, as the test may read it.

    Change it through the fake (``set_campaign_state``) or through the API; values that are
    dicts are copies.
    """

    __slots__ = ("_record",)

    def __init__(self, record: CampaignRecord) -> None:
        self._record = record

    def __repr__(self) -> str:
        return f"Campaign(id={self.id!r}, name={self.name!r}, state={self.state!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Campaign) and other._record is self._record

    def __hash__(self) -> int:
        return hash(self._record.id)

    def _get(self, member: str) -> Any:
        return copy.deepcopy(self._record.data.get(member))

    @property
    def id(self) -> str:
        """The campaign id."""
        return self._record.id

    @property
    def arn(self) -> str:
        """The campaign ARN."""
        return str(self._record.data["arn"])

    @property
    def name(self) -> str:
        """The campaign name."""
        return str(self._record.data["name"])

    @property
    def connect_instance_id(self) -> str:
        """The Connect instance the campaign belongs to."""
        return self._record.connect_instance_id

    @property
    def dialer_config(self) -> dict[str, Any]:
        """A copy of the dialer config."""
        value: dict[str, Any] = self._get("dialerConfig")
        return value

    @property
    def outbound_call_config(self) -> dict[str, Any]:
        """A copy of the outbound call config."""
        value: dict[str, Any] = self._get("outboundCallConfig")
        return value

    @property
    def tags(self) -> dict[str, str]:
        """A copy of the campaign's tags."""
        value: dict[str, str] = self._get("tags") or {}
        return value

    @property
    def state(self) -> str:
        """The campaign's state (``Initialized``, ``Running``, ...)."""
        return self._record.state

    @property
    def dial_requests(self) -> list[DialRequest]:
        """The dial requests the campaign accepted, in order (copies)."""
        return detached(self._record.dial_requests)

    def describe(self) -> dict[str, Any]:
        """The campaign as DescribeCampaign answers it (a copy)."""
        return copy.deepcopy(self._record.describe())

    def summary(self) -> dict[str, Any]:
        """The campaign as ListCampaigns lists it (a copy)."""
        return copy.deepcopy(self._record.summary())


class CampaignV2(Campaign):
    """A stored connectcampaignsv2 campaign, read-only (dict values are copies)."""

    __slots__ = ("_complete",)

    _record: CampaignV2Record

    def __init__(
        self,
        record: CampaignV2Record,
        complete: Callable[[CampaignV2Record], str] | None = None,
    ) -> None:
        super().__init__(record)
        # The service's lazy Completed, evaluated when the state is read (as a read through
        # the API does); None: the stored state as it is.
        self._complete = complete

    @property
    def state(self) -> str:
        """The campaign's state as the service reports it now: ``Completed`` once the end of
        its schedule passed while it was ``Running`` or ``Paused``."""
        if self._complete is None:
            return self._record.state
        return self._complete(self._record)

    def __repr__(self) -> str:
        return f"CampaignV2(id={self.id!r}, name={self.name!r}, state={self.state!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CampaignV2) and other._record is self._record

    def __hash__(self) -> int:
        return hash(self._record.id)

    @property
    def dialer_config(self) -> dict[str, Any]:
        raise AttributeError("a connectcampaignsv2 campaign has no dialerConfig")

    @property
    def outbound_call_config(self) -> dict[str, Any]:
        raise AttributeError("a connectcampaignsv2 campaign has no outboundCallConfig")

    @property
    def dial_requests(self) -> list[DialRequest]:
        raise AttributeError(
            "a connectcampaignsv2 campaign has outbound_requests, not dial_requests"
        )

    @property
    def channel_subtype_config(self) -> dict[str, Any]:
        """A copy of the channel subtype config (``{}`` without any)."""
        value: dict[str, Any] = self._get("channelSubtypeConfig") or {}
        return value

    @property
    def source(self) -> dict[str, Any] | None:
        """A copy of the source union, None for an external (source-less) campaign."""
        value: dict[str, Any] | None = self._get("source")
        return value

    @property
    def outbound_requests(self) -> list[OutboundRequest]:
        """The outbound requests the campaign accepted, in order (copies)."""
        return detached(self._record.outbound_requests)

    @property
    def profile_outbound_requests(self) -> list[ProfileOutboundRequest]:
        """The profile outbound requests the campaign accepted, in order (copies)."""
        return detached(self._record.profile_requests)


class Instance:
    """A Connect instance as the campaigns service sees it, read-only: its onboarding job and
    config (dict values are copies)."""

    __slots__ = ("_record",)

    def __init__(self, record: InstanceRecord) -> None:
        self._record = record

    def __repr__(self) -> str:
        return f"Instance({self.connect_instance_id!r}, status={self.status!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Instance) and other._record is self._record

    def __hash__(self) -> int:
        return hash(self.connect_instance_id)

    @property
    def connect_instance_id(self) -> str:
        """The Connect instance id."""
        return self._record.connect_instance_id

    @property
    def status(self) -> str | None:
        """The onboarding job's status (IN_PROGRESS, SUCCEEDED, FAILED), None without a job."""
        return self._record.status

    @property
    def failure_code(self) -> str | None:
        """The failed onboarding job's failure code."""
        job = self._record.job
        return None if job is None else job.get("failureCode")

    @property
    def encryption_config(self) -> dict[str, Any]:
        """A copy of the instance's encryption config; ``{}`` for an instance never onboarded
        (known by v2 integrations or limits written with ``require_onboarding=False``)."""
        value: dict[str, Any] = copy.deepcopy(self._record.config.get("encryptionConfig", {}))
        return value

    @property
    def service_linked_role_arn(self) -> str | None:
        """The service-linked role, once onboarding SUCCEEDED."""
        return self._record.config.get("serviceLinkedRoleArn")

    @property
    def polls(self) -> int:
        """How often the test polled the onboarding job's status."""
        return self._record.polls

    def job(self) -> dict[str, Any] | None:
        """The onboarding job as GetInstanceOnboardingJobStatus answers it; None without one."""
        if self._record.job is None:
            return None
        found: dict[str, Any] = shaped(shape("InstanceOnboardingJobStatus"), self._record.job)
        return found

    def config(self) -> dict[str, Any]:
        """The instance config as GetConnectInstanceConfig answers it."""
        found: dict[str, Any] = shaped(shape("InstanceConfig"), self._record.config)
        return found
