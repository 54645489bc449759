"""The public fake, ``CampaignsFake``: what a test calls (seeding, faults, onboarding, the
clock, the journal, snapshots, options). Answering requests is the engine's (``_engine``).

The fake composes: it holds what every API shares (options, clock, ids, store, journal,
accounts, the engine) and takes the rest from each service, which brings its controls, its
request faults and its snapshot section (``services/<api>/_controls.py``, ``_snapshot.py``):
v1's controls are the fake's own methods (it inherits them, as it always offered them),
v2's are ``fake.v2``. Switching it on and off is ``_activation``'s. It holds no service's
rules and reads no private attribute of another object (``tests/test_architecture.py``)."""

from __future__ import annotations

import os
from typing import Any, cast

from ._activation import FIXTURE as FIXTURE
from ._activation import MOCK as MOCK
from ._activation import Activation
from ._activation import _on_start as _on_start
from ._options import DEFAULT_ACCOUNT, DEFAULT_REGION, Options
from .engine._clock import Clock, Ids
from .engine._engine import Engine
from .engine._errors import FakeUsageError
from .engine._faults import RateLimit, Rule, describe_rules
from .engine._journal import Calls, Journal
from .engine._seeds import check_access_key, check_account_id
from .interception import _intercept
from .services._registry import serve_registered
from .services.campaigns import _snapshot
from .services.campaigns._context import Context
from .services.campaigns._records import V1, V2, Bucket, Store
from .services.connectcampaigns import _controls as v1
from .services.connectcampaignsv2 import _controls as v2

# The services whose calls ``calls`` lists.
SERVICES = (V1, V2)


def current() -> CampaignsFake | None:
    """The fake that answers requests now: the most recently activated one."""
    # Only a CampaignsFake is ever activated; interception keeps it as what it reads of one.
    return cast("CampaignsFake | None", _intercept.current())


class CampaignsFake(Activation, v1.ConnectCampaignsControls):
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
        self._store = Store()
        self._faults = v1.request_faults(self.clock)
        self._faults_v2 = v2.request_faults(self.clock)
        self._journal = Journal()
        self._accounts: dict[str, str] = {}
        #: The request path: what interception hands every request to.
        self._engine = Engine(
            ids=self._ids,
            faults=self._faults,
            journal=self._journal,
            accounts=self._accounts,
            home=lambda: (self.options.account_id, self.options.region),
        )
        self._lock = self._engine.lock
        # Each service brings its controls and its snapshot section; it reaches the fake's
        # shared state through the context alone. v1's controls are the fake's own methods.
        context = Context(
            self._lock, self._store, self._journal, self.clock, self._ids, self._bucket, self
        )
        v1_section = self._connect(context, self._engine, self._faults, self.options)
        v2_controls, v2_section = v2.connect(context, self._engine, self._faults_v2, self._service)
        #: The connectcampaignsv2 API's controls: its campaigns, outbound requests, settings,
        #: quotas, faults and calls (instances and onboarding are shared with v1).
        self.v2: v2.CampaignsV2 = v2_controls
        self._sections: tuple[_snapshot.Section, ...] = (v1_section, v2_section)
        # Services registered beside the two APIs (services/_registry.py), on the same engine.
        self._services = serve_registered(self._engine, self.clock, self._ids)

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

    def reset(self) -> None:
        """Forget all state, faults and calls (settings and the clock stay)."""
        with self._lock:
            self._store.buckets.clear()
            self._faults.clear()
            self._faults_v2.clear()
            for section in self._sections:
                section.clear()
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

    # -- faults ------------------------------------------------------------------------------

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
            return _snapshot.dump(self._store, self._sections, self._accounts)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``snapshot()`` to a JSON file (YAML for .yaml/.yml, with PyYAML)."""
        __tracebackhide__ = True
        _snapshot.write(self.snapshot(), path)

    def load(self, source: _snapshot.Source) -> None:
        """Replace the fake's state with a snapshot: its data, or a JSON/YAML file's path."""
        __tracebackhide__ = True
        data = _snapshot.read(source)
        with self._lock:
            accounts = _snapshot.restore(data, self._store, self._sections)
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
