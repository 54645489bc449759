"""connectcampaigns' (v1) test controls: seeding, onboarding, per-item faults, reads.

``ConnectCampaignsControls`` is what the fake offers of v1 as its own methods
(``campaigns_fake.add_campaign``, ``advance_onboarding``, ``dial_requests``, ...): the fake
inherits it (the v1 controls are the fake's own, as they always were; v2's are an object,
``fake.v2``), and sets it up with ``_connect``, which serves v1's description on the engine.
What it keeps is its own (the ``Context``, v1's ``Service``, faults, quotas and settings); the
fake's shared state is reached through the ``Context`` alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ...engine._clock import Clock
from ...engine._engine import Engine
from ...engine._errors import ServiceError
from ...engine._faults import Faults, Rule, item_match
from ...engine._nearest import did_you_mean
from ...engine._seeds import check_choice
from ..campaigns._context import Context
from ..campaigns._fault_controls import CampaignFaultControls
from ..campaigns._records import V1, Bucket, CampaignRecord, DialRequest, detached
from ..campaigns._seeds import check_campaign, check_instance
from ..campaigns._views import Campaign, Instance
from . import _description as v1
from ._service import Quotas, Service, Settings
from ._snapshot import Section

# What a FAILED onboarding job reports when the test names no failure code.
DEFAULT_FAILURE_CODE = "INTERNAL_FAILURE"
DEFAULT_DIALER_CONFIG: dict[str, Any] = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
DEFAULT_OUTBOUND_CALL_CONFIG: dict[str, Any] = {
    "connectContactFlowId": "contact-flow-id",
    "connectQueueId": "queue-id",
}


class Options(Protocol):
    """The fake's options v1's quotas and settings start from (the fake's ``Options``)."""

    @property
    def campaigns_per_instance(self) -> int: ...
    @property
    def require_onboarding(self) -> bool: ...
    @property
    def onboarding_polls(self) -> int | None: ...
    @property
    def share_campaigns(self) -> bool: ...


class ConnectCampaignsControls(CampaignFaultControls):
    """The connectcampaigns (v1) controls of a fake: seeding, onboarding, per-item faults and
    reads of the stored campaigns and instances."""

    #: The rules a test may switch while the fake runs (checked when set).
    settings: Settings
    #: The adjustable service quotas (checked when set).
    quotas: Quotas
    _context: Context
    _service: Service

    def _connect(
        self,
        context: Context,
        engine: Engine,
        faults: Faults,
        options: Options,
    ) -> Section:
        """Serve connectcampaigns' description on ``engine``, its rules acting on the
        ``context``'s store, its request faults ``faults`` (the engine's own), its quotas and
        settings as ``options`` set them; returns its snapshot section."""
        self._context = context
        self._faults = faults
        self.quotas = Quotas(campaigns_per_instance=options.campaigns_per_instance)
        self.settings = Settings(
            options.require_onboarding, options.onboarding_polls, options.share_campaigns
        )
        self._service = Service(
            context.store,
            context.clock,
            context.ids,
            self.settings,
            self.quotas,
            engine.item_faults,
        )
        engine.serve(v1.DESCRIPTION, self._service)
        return Section(self.quotas, self.settings)

    # -- seeding -----------------------------------------------------------------------------

    def add_instance(
        self,
        connect_instance_id: str,
        *,
        status: str = "SUCCEEDED",
        failure_code: str | None = None,
        encryption_config: Mapping[str, Any] | None = None,
        region: str | None = None,
        account_id: str | None = None,
    ) -> Instance:
        """Seed a Connect instance with an onboarding job in ``status``.

        The instance is what a valid StartInstanceOnboardingJob request would create: the
        request is built from the arguments and checked against the model first.
        """
        __tracebackhide__ = True
        request = check_instance(connect_instance_id, dict(encryption_config or {"enabled": False}))
        check_choice("status", status, "InstanceOnboardingJobStatusCode", V1)
        if failure_code is not None:
            check_choice("failure_code", failure_code, "InstanceOnboardingJobFailureCode", V1)
            if status != "FAILED":
                raise ValueError("failure_code is only meaningful with status='FAILED'")
        elif status == "FAILED":
            failure_code = DEFAULT_FAILURE_CODE
        with self._context.lock:
            bucket = self._context.bucket(account_id, region)
            self._check_rules("StartInstanceOnboardingJob", bucket, request)
            record = v1.new_instance(self._service, bucket, request)
            if status != "IN_PROGRESS":
                v1.finish_onboarding(self._service, bucket, record, status, failure_code)
        return Instance(record)

    def add_campaign(
        self,
        *,
        connect_instance_id: str,
        name: str = "campaign",
        state: str = "Initialized",
        dialer_config: Mapping[str, Any] | None = None,
        outbound_call_config: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
        account_id: str | None = None,
    ) -> Campaign:
        """Seed a campaign in any state. Quota and onboarding are not checked; the request a
        CreateCampaign would need is built from the arguments and checked against the model."""
        __tracebackhide__ = True
        request = check_campaign(
            {
                "name": name,
                "connectInstanceId": connect_instance_id,
                "dialerConfig": DEFAULT_DIALER_CONFIG if dialer_config is None else dialer_config,
                "outboundCallConfig": (
                    DEFAULT_OUTBOUND_CALL_CONFIG
                    if outbound_call_config is None
                    else outbound_call_config
                ),
                "tags": tags or {},
            },
            state,
        )
        with self._context.lock:
            bucket = self._context.bucket(account_id, region)
            self._check_rules("CreateCampaign", bucket, request)
            record = v1.new_campaign(self._service, bucket, request, state)
        return Campaign(record)

    def _check_rules(self, operation: str, bucket: Bucket, request: dict[str, Any]) -> None:
        """A seed takes the request path's checks on the request alone (the 50-tag cap,
        ``keyArn`` with encryption): the service could never hold what they refuse."""
        __tracebackhide__ = True
        check = v1.DESCRIPTION.checks.get(operation)
        if check is not None:
            try:
                check(self._service, bucket, request)
            except ServiceError as error:
                raise ValueError(
                    f"Seed breaks the connectcampaigns rules: {error.message}"
                ) from None

    def set_campaign_state(self, campaign_id: str, state: str) -> Campaign:
        """Put a campaign in any state at once, whatever the state machine says."""
        __tracebackhide__ = True
        check_choice("state", state, "CampaignState", V1)
        with self._context.lock:
            record = self._find(campaign_id, deleted=False)
            record.state = state
        return Campaign(record)

    def campaign(self, campaign_id: str) -> Campaign:
        """The stored campaign with this id, in any account or region."""
        __tracebackhide__ = True
        return Campaign(self._find(campaign_id, deleted=False))

    def _find(self, campaign_id: str, *, deleted: bool) -> CampaignRecord:
        # Under the lock, as every read of the state: requests may run on other threads.
        __tracebackhide__ = True
        with self._context.lock:
            for bucket in self._context.store.buckets.values():
                found = bucket.campaigns.get(campaign_id) or (
                    bucket.deleted.get(campaign_id) if deleted else None
                )
                if found is not None:
                    return found
            if any(campaign_id in b.v2.campaigns for b in self._context.store.buckets.values()):
                raise KeyError(
                    f"{campaign_id!r} is a connectcampaignsv2 campaign: read it with "
                    f"campaigns_fake.v2.campaign({campaign_id!r})"
                )
        raise KeyError(f"No campaign {campaign_id!r} in the fake")

    def instance(
        self, connect_instance_id: str, *, region: str | None = None, account_id: str | None = None
    ) -> Instance:
        """The Connect instance with this id in the fake's (or the given) account and region."""
        __tracebackhide__ = True
        with self._context.lock:
            found = self._context.bucket(account_id, region).instances.get(connect_instance_id)
        if found is None:
            raise KeyError(f"No instance {connect_instance_id!r} in the fake")
        return Instance(found)

    @property
    def campaigns(self) -> list[Campaign]:
        """Every campaign, in every account and region, in creation order."""
        with self._context.lock:
            everything = [
                c
                for bucket in self._context.store.buckets.values()
                for c in bucket.campaigns.values()
            ]
        return [Campaign(record) for record in sorted(everything, key=lambda c: c.seq)]

    # -- onboarding --------------------------------------------------------------------------

    def advance_onboarding(
        self,
        connect_instance_id: str,
        status: str = "SUCCEEDED",
        failure_code: str | None = None,
        *,
        region: str | None = None,
        account_id: str | None = None,
    ) -> Instance:
        """Move an onboarding job to SUCCEEDED, or FAILED with a failure code, at once."""
        __tracebackhide__ = True
        if status not in ("SUCCEEDED", "FAILED"):
            raise ValueError(
                f"status={status!r} is not one of SUCCEEDED, FAILED"
                f"{did_you_mean(status, ('SUCCEEDED', 'FAILED'))}"
            )
        if status == "FAILED":
            failure_code = failure_code or DEFAULT_FAILURE_CODE
            check_choice("failure_code", failure_code, "InstanceOnboardingJobFailureCode", V1)
        elif failure_code is not None:
            raise ValueError("failure_code is only meaningful with status='FAILED'")
        with self._context.lock:
            bucket = self._context.bucket(account_id, region)
            instance = bucket.instances.get(connect_instance_id)
            if instance is None or instance.status is None:
                raise KeyError(f"No onboarding job for instance {connect_instance_id!r}")
            if instance.status != "IN_PROGRESS":
                # As in the service: a finished job stays as it ended until a new job starts.
                raise ValueError(
                    f"The onboarding job of instance {connect_instance_id!r} already ended "
                    f"{instance.status}; a FAILED job must be deleted "
                    "(DeleteInstanceOnboardingJob) and started again, and a SUCCEEDED one stays "
                    f"SUCCEEDED (seed another state with add_instance({connect_instance_id!r}, "
                    "status=...))"
                )
            v1.finish_onboarding(self._service, bucket, instance, status, failure_code)
        return Instance(instance)

    # -- faults ------------------------------------------------------------------------------

    def fail_dial_requests(
        self,
        code: str,
        *,
        phone_number: str | None = None,
        client_token: str | None = None,
        campaign_id: str | None = None,
        times: int | None = None,
    ) -> Rule:
        """Fail matching PutDialRequestBatch items with ``code`` (per-item failure)."""
        __tracebackhide__ = True
        match = item_match(
            phone_number=phone_number, client_token=client_token, campaign_id=campaign_id
        )
        return self._faults.add_item_failure("PutDialRequestBatch", code, times, match)

    # -- reads -------------------------------------------------------------------------------

    def dial_requests(self, campaign_id: str) -> list[DialRequest]:
        """The dial requests a campaign accepted, in order, even after it was deleted (copies:
        editing one's ``attributes`` changes nothing in the fake or its snapshots)."""
        __tracebackhide__ = True
        with self._context.lock:
            return detached(self._find(campaign_id, deleted=True).dial_requests)


def request_faults(clock: Clock) -> Faults:
    """v1's request faults (the engine's own): operation names and codes checked against the
    connectcampaigns model."""
    return Faults(clock, V1)
