"""The public fake, ``CampaignsFake``: what a test calls (seeding, faults, onboarding, the
clock, the journal, snapshots, options). Answering requests is the engine's (``_engine``);
this room only builds one, serves the connectcampaigns description on it, and activates it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Callable, cast

from ._fake_v2 import CampaignsV2
from ._options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options
from .engine._clock import Clock, Ids
from .engine._engine import Engine
from .engine._errors import FakeUsageError, ServiceError
from .engine._faults import (
    Faults,
    RateLimit,
    Rule,
    describe_rules,
    item_match,
)
from .engine._journal import Calls, Journal
from .engine._nearest import did_you_mean
from .engine._seeds import (
    check_access_key,
    check_account_id,
    check_choice,
)
from .interception import _intercept
from .services._registry import serve_registered
from .services.campaigns import _snapshot
from .services.campaigns._fault_controls import CampaignFaultControls
from .services.campaigns._records import (
    V1,
    V2,
    Bucket,
    CampaignRecord,
    DialRequest,
    Store,
    detached,
)
from .services.campaigns._seeds import check_campaign, check_instance
from .services.campaigns._views import Campaign, Instance
from .services.connectcampaigns import _description as v1
from .services.connectcampaignsv2 import _description as v2

SERVICES = (v1.DESCRIPTION.model.service.service_name, V2)
# What a FAILED onboarding job reports when the test names no failure code.
DEFAULT_FAILURE_CODE = "INTERNAL_FAILURE"
DEFAULT_DIALER_CONFIG: dict[str, Any] = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
DEFAULT_OUTBOUND_CALL_CONFIG: dict[str, Any] = {
    "connectContactFlowId": "contact-flow-id",
    "connectQueueId": "queue-id",
}


def current() -> CampaignsFake | None:
    """The fake that answers requests now: the most recently activated one."""
    # Only a CampaignsFake is ever activated; interception keeps it as what it reads of one.
    return cast("CampaignsFake | None", _intercept.current())


# Who made a fake: the two that must never split one test between them.
FIXTURE = "the campaigns_fake fixture"
MOCK = "mock_campaigns"

# Called with each fake as it starts: the pytest plugin notes the fakes a test used, so that
# a failing test's report shows their calls, whoever started them.
_on_start: list[Callable[[CampaignsFake], None]] = []


class CampaignsFake(CampaignFaultControls):
    """An in-memory Amazon Connect Outbound Campaigns service.

    While active (``start()`` or ``with``), every botocore client in the process that calls
    ``connectcampaigns`` is answered by this object instead of AWS.
    """

    def __init__(
        self,
        *,
        require_onboarding: bool = True,
        onboarding_polls: int | None = 1,
        campaigns_per_instance: int = 25,
        seed: int | str | None = None,
        strict: bool = True,
        account_id: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        any_region: bool = False,
        isolate_environment: bool = True,
        share_campaigns: bool = False,
    ) -> None:
        # Every option is checked (Options.__post_init__) before anything is built.
        __tracebackhide__ = True
        self.options = Options(
            require_onboarding=require_onboarding,
            onboarding_polls=onboarding_polls,
            campaigns_per_instance=campaigns_per_instance,
            seed=seed,
            strict=strict,
            account_id=account_id,
            region=region,
            any_region=any_region,
            isolate_environment=isolate_environment,
            share_campaigns=share_campaigns,
        )
        # Options takes str.isdigit() digits (full-width too); ARNs need ASCII ones.
        check_account_id(account_id)
        self.clock = Clock()
        self._ids = Ids(seed)
        self.quotas = v1.Quotas(campaigns_per_instance=campaigns_per_instance)
        self.settings = v1.Settings(require_onboarding, onboarding_polls, share_campaigns)
        self._store = Store()
        self._faults = Faults(self.clock, V1)
        self._journal = Journal()
        self._accounts: dict[str, str] = {}
        # Who made this fake, for messages: "the campaigns_fake fixture", "mock_campaigns".
        self._owner: str | None = None
        #: The request path: what interception hands every request to.
        self._engine = Engine(
            ids=self._ids,
            faults=self._faults,
            journal=self._journal,
            accounts=self._accounts,
            home=lambda: (self.options.account_id, self.options.region),
        )
        self._service = v1.Service(
            self._store, self.clock, self._ids, self.settings, self.quotas, self._engine.item_faults
        )
        self._engine.serve(v1.DESCRIPTION, self._service)
        self._lock = self._engine.lock
        self._faults_v2 = Faults(self.clock, V2, modelled_only=v2.MODELLED_ONLY_ERRORS)
        service_v2 = v2.Service(
            store=self._store,
            clock=self.clock,
            ids=self._ids,
            shared=self.settings,
            settings=v2.Settings(),
            quotas=v2.Quotas(),
            faults=self._engine.item_faults,  # replaced by serve(): the v2 faults' own
            v1=self._service,
        )
        self._engine.serve(v2.DESCRIPTION, service_v2, self._faults_v2)
        # One onboarding job for both APIs, forgotten on both routes by v2's setting.
        self._service.job_retention = service_v2.settings.job_retention
        #: The connectcampaignsv2 API's controls: its campaigns, outbound requests, settings,
        #: quotas, faults and calls (instances and onboarding are shared with v1).
        self.v2 = CampaignsV2(self, service_v2, self._faults_v2)
        # Services registered beside the two APIs (services/_registry.py), on the same engine.
        self._services = serve_registered(self._engine, self.clock, self._ids)

    @property
    def strict(self) -> bool:
        """Whether the fake fails on faults that never fired (``options.strict``)."""
        return self.options.strict

    @property
    def account_id(self) -> str:
        """The account of requests signed with an unregistered access key."""
        return self.options.account_id

    @property
    def region(self) -> str:
        """The region seeds and lookups use when they name none."""
        return self.options.region

    def __repr__(self) -> str:
        return f"<CampaignsFake active={self.active} calls={len(self._journal.view((V1,)))}>"

    # -- activation --------------------------------------------------------------------------

    def start(self) -> CampaignsFake:
        """Begin answering connectcampaigns requests of every client in the process.

        While the ``campaigns_fake`` fixture's fake is active, ``mock_campaigns`` may not start
        one (nor the fixture while a ``mock_campaigns`` fake is active): the newest would take
        every call while the test seeds the other, and the test would fail with a
        ResourceNotFoundException it cannot explain. FakeUsageError names both instead. A
        ``CampaignsFake`` made on purpose nests as documented (the innermost answers).
        """
        __tracebackhide__ = True
        active = current()
        if active is not None and {self._owner, active._owner} == {FIXTURE, MOCK}:
            raise FakeUsageError(
                f"{self._label()} started while {active._label()} is active: the test would "
                "seed one fake while the other answers its calls. Use one of them: the "
                "campaigns_fake fixture, or mock_campaigns/CampaignsFake, not both"
            )
        _intercept.activate(self)
        for note in _on_start:
            note(self)
        return self

    def _label(self) -> str:
        return f"{self._owner or 'a CampaignsFake'} ({self!r})"

    def stop(self, *, verify: bool = False) -> None:
        """Stop answering; clients behave as without the fake (or as the outer fake says).

        With ``verify=True`` (what the fixture and ``mock_campaigns`` pass when the test
        passed), a strict fake then fails on faults that never fired.
        """
        __tracebackhide__ = True
        _intercept.deactivate(self)
        if verify and self.strict:
            self.verify()

    @property
    def active(self) -> bool:
        """Whether this fake answers requests now (the innermost active fake)."""
        return _intercept.current() is self

    def __enter__(self) -> CampaignsFake:
        __tracebackhide__ = True
        return self.start()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        """Stop; on a clean exit a strict fake then fails on faults that never fired."""
        __tracebackhide__ = True
        self.stop(verify=exc_type is None)

    def reset(self) -> None:
        """Forget all state, faults and calls (settings and the clock stay)."""
        with self._lock:
            self._store.buckets.clear()
            self._faults.clear()
            self._faults_v2.clear()
            self.v2._service.missing_profiles.clear()
            self._services.reset()
            self._journal.clear()

    def register_account(self, access_key_id: str, account_id: str) -> None:
        """Requests signed with ``access_key_id`` act in ``account_id`` (default 123456789012).

        A key no SigV4 signature can carry (not a str, empty, non-ASCII, or with ``/``,
        ``,``, ``=`` or whitespace) could never match a request, and is refused, as is an
        account that is not twelve ASCII digits.
        """
        __tracebackhide__ = True
        check_access_key(access_key_id)
        check_account_id(account_id)
        with self._lock:
            self._accounts[access_key_id] = account_id

    def _bucket(self, account: str | None, region: str | None) -> Bucket:
        """The bucket a seed or lookup names, the fake's own account and region by default."""
        __tracebackhide__ = True
        if account is not None:
            check_account_id(account)
        if region is not None:
            # A seed where no client can reach it is a test that cannot mean what it says.
            self.options.replace(region=region)
        return self._store.bucket(account or self.account_id, region or self.region)

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
        with self._lock:
            bucket = self._bucket(account_id, region)
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
        with self._lock:
            bucket = self._bucket(account_id, region)
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
        with self._lock:
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
        with self._lock:
            for bucket in self._store.buckets.values():
                found = bucket.campaigns.get(campaign_id) or (
                    bucket.deleted.get(campaign_id) if deleted else None
                )
                if found is not None:
                    return found
            if any(campaign_id in b.v2.campaigns for b in self._store.buckets.values()):
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
        with self._lock:
            found = self._bucket(account_id, region).instances.get(connect_instance_id)
        if found is None:
            raise KeyError(f"No instance {connect_instance_id!r} in the fake")
        return Instance(found)

    @property
    def campaigns(self) -> list[Campaign]:
        """Every campaign, in every account and region, in creation order."""
        with self._lock:
            everything = [
                c for bucket in self._store.buckets.values() for c in bucket.campaigns.values()
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
        with self._lock:
            bucket = self._bucket(account_id, region)
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

    @property
    def unused_faults(self) -> list[Rule]:
        """Faults set up and never fired (what a strict fake fails on), v1's and v2's."""
        return self._faults.unused() + self._faults_v2.unused() + self._services.unused()

    def _rate_limits(self) -> list[RateLimit]:
        """The rate limits set up (``throttle(rate=...)``), v1's and v2's: listed in a failing
        test's report, never checked by strictness (a limit that never throttled is the
        application staying under it)."""
        rate_limits = self._faults.rate_limits() + self._faults_v2.rate_limits()
        return rate_limits + self._services.rate_limits()

    def verify(self) -> None:
        """Raise FakeUsageError naming every fault that was set up and never fired."""
        __tracebackhide__ = True
        unused = self.unused_faults
        if unused:
            raise FakeUsageError(
                f"{len(unused)} fault(s) set up on the connectcampaigns fake never fired:\n"
                f"{describe_rules(unused)}\n(pass strict=False to allow this)"
            )

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole fake (all accounts and regions) as plain JSON-able data."""
        with self._lock:
            return _snapshot.dump(
                self._store, self.quotas, self.settings, self._accounts, self.v2._service
            )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``snapshot()`` to a JSON file (YAML for .yaml/.yml, with PyYAML)."""
        __tracebackhide__ = True
        _snapshot.write(self.snapshot(), path)

    def load(self, source: _snapshot.Source) -> None:
        """Replace the fake's state with a snapshot: its data, or a JSON/YAML file's path."""
        __tracebackhide__ = True
        data = _snapshot.read(source)
        with self._lock:
            accounts = _snapshot.restore(
                data, self._store, self.quotas, self.settings, self.v2._service
            )
            # In place: the engine reads the same mapping.
            self._accounts.clear()
            self._accounts.update(accounts)

    # -- the journal -------------------------------------------------------------------------

    @property
    def calls(self) -> Calls:
        """Every request answered, in order, one entry per attempt (v1 and v2 calls alike;
        ``v2.calls`` has v2's alone)."""
        return self._journal.view(SERVICES)

    @property
    def retry_delays(self) -> list[float]:
        """Waits botocore asked for on faked requests, recorded and never slept: retry backoff,
        and in adaptive retry mode the client-side rate limiter's waits (which, since no real
        time passes, follow every request after a throttle)."""
        return list(self._journal.retry_delays)

    def dial_requests(self, campaign_id: str) -> list[DialRequest]:
        """The dial requests a campaign accepted, in order, even after it was deleted (copies:
        editing one's ``attributes`` changes nothing in the fake or its snapshots)."""
        __tracebackhide__ = True
        with self._lock:
            return detached(self._find(campaign_id, deleted=True).dial_requests)
