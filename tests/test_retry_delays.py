"""The backoff botocore asks for is recorded in ``fake.retry_delays`` exactly, and never slept.

botocore's jitter is made deterministic, so the recorded values can be pinned: a fake that
recorded 0 (or anything but what botocore computed) fails here.

- legacy mode: ``botocore.retryhandler.delay_exponential`` with base ``'rand'`` draws
  ``random.random()`` and waits ``base * 2 ** (attempts - 1)``;
- standard mode: ``botocore.retries.standard.ExponentialBackoff`` draws ``self._random()`` and
  waits ``rand * min(scale * 2 ** (attempt - 1), 20)``, scale 1 for throttling errors.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import botocore.endpoint
import botocore.retryhandler
import pytest
from botocore.retries import bucket, standard
from support import INSTANCE, new_client

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.engine import _clock

# Binary fractions: every product below is exact, so equality is exact.
JITTER = [0.25, 0.375, 0.625, 0.8125, 0.5625]


class Jitter:
    """Stands in for ``random.random``: hands out JITTER in order and counts the draws."""

    def __init__(self) -> None:
        self._values: Iterator[float] = iter(JITTER)
        self.draws = 0

    def __call__(self) -> float:
        self.draws += 1
        return next(self._values)


@pytest.fixture
def jitter(monkeypatch: pytest.MonkeyPatch) -> Jitter:
    """Deterministic jitter for both retry modes; clients must be made after this fixture."""
    draw = Jitter()
    # Legacy: delay_exponential reads the module global `random` at call time.
    monkeypatch.setattr(botocore.retryhandler, "random", SimpleNamespace(random=draw))
    # Standard: `random=random.random` is bound as a default when the class is defined, and the
    # backoff is built with the client, so the instance's `_random` is replaced.
    original = standard.ExponentialBackoff.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._random = draw

    monkeypatch.setattr(standard.ExponentialBackoff, "__init__", init)
    return draw


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``time.sleep`` botocore's endpoint asks for, recorded instead of slept."""
    asked: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", asked.append)
    return asked


def _backoff(throttles: int) -> list[float]:
    """Both modes' throttling backoff: jitter * 2 ** (attempt - 1), below the 20 s cap."""
    return [JITTER[i] * 2**i for i in range(throttles)]


def test_expected_values_are_not_zero_nor_the_raw_jitter() -> None:
    assert _backoff(2) == [0.25, 0.75]
    assert _backoff(3) == [0.25, 0.75, 2.5]


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_throttled_twice_records_the_exact_backoff(
    campaigns_fake: CampaignsFake, jitter: Jitter, sleeps: list[float], mode: str
) -> None:
    client = new_client(retry_mode=mode)
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_fake.throttle("DescribeCampaign", times=2)
    answer = client.describe_campaign(id=campaign.id)
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(c.attempt, c.status_code) for c in campaigns_fake.calls] == [
        (1, 429),
        (2, 429),
        (3, 200),
    ]
    assert campaigns_fake.retry_delays == [0.25, 0.75]
    assert jitter.draws == 2
    # Nothing was slept: botocore's endpoint slept 0 once per retry, never the delays.
    assert sleeps == [0, 0]


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_more_retries_grow_the_backoff(
    campaigns_fake: CampaignsFake, jitter: Jitter, sleeps: list[float], mode: str
) -> None:
    client = new_client(retry_mode=mode)
    # Standard mode stops after 3 attempts; legacy after 5.
    throttles = {"legacy": 4, "standard": 2}[mode]
    campaigns_fake.throttle("ListCampaigns", times=None)
    with pytest.raises(client.exceptions.ThrottlingException):
        client.list_campaigns()
    assert campaigns_fake.calls.count_of("ListCampaigns") == throttles + 1
    assert campaigns_fake.retry_delays == _backoff(throttles)
    assert sleeps == [0] * throttles
    assert not set(sleeps) & set(_backoff(throttles))


def test_unpatched_jitter_stays_in_its_bounds(
    campaigns_fake: CampaignsFake, sleeps: list[float]
) -> None:
    # Without the patch the values are random, yet bounded: rand in [0, 1) times 2 ** i.
    client = new_client(retry_mode="legacy")
    campaigns_fake.throttle("ListCampaigns", times=3)
    client.list_campaigns()
    delays = campaigns_fake.retry_delays
    assert len(delays) == 3
    assert all(0 <= d < 2**i for i, d in enumerate(delays))
    assert sleeps == [0, 0, 0]


# -- the fake's clock sees the waits it spared ------------------------------------------------


@pytest.fixture
def still(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process's time stands still for the fake's running clock: only the waits it was
    spared move it, however slow the machine (a test never depends on how long it took)."""
    monkeypatch.setattr(_clock, "time", SimpleNamespace(time=lambda: 1_900_000_000.0))


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_a_retrying_client_gets_through_a_rate_limit_after_its_backoff(
    campaigns_fake: CampaignsFake, jitter: Jitter, sleeps: list[float], still: None, mode: str
) -> None:
    # Against AWS the client sleeps its backoff and the service's tokens refill meanwhile; here
    # nothing sleeps, and the fake's running clock moves on by the recorded backoff instead.
    client = new_client(retry_mode=mode, max_attempts=10)
    limit = campaigns_fake.throttle("ListCampaigns", rate=2, burst=1)
    before = campaigns_fake.clock.time()
    client.list_campaigns()  # the burst's one token
    answer = client.list_campaigns()
    # 0.25 s refills half a token: throttled again; 0.75 s more and a token is back.
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.status_code for c in campaigns_fake.calls] == [200, 429, 429, 200]
    assert campaigns_fake.retry_delays == [0.25, 0.75]
    assert limit.fired == 2
    assert sleeps == [0, 0]
    assert campaigns_fake.clock.time() - before == 1.0  # the backoff, and nothing else


def test_an_adaptive_client_gets_through_a_rate_limit_without_sleeping(
    campaigns_fake: CampaignsFake,
    jitter: Jitter,
    sleeps: list[float],
    still: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Adaptive mode also waits in its client-side token bucket (before-send) once throttled:
    # that wait is recorded and moves the clock too; nothing blocks.
    class NeverWaits(threading.Condition):
        def wait(self, timeout: float | None = None) -> bool:
            raise AssertionError(f"the token bucket blocked for {timeout} s")

    # The bucket's own condition (made with the client) refuses to block.
    monkeypatch.setattr(
        bucket, "threading", SimpleNamespace(Lock=threading.Lock, Condition=NeverWaits)
    )
    client = new_client(retry_mode="adaptive", max_attempts=10)
    campaigns_fake.throttle("ListCampaigns", rate=2, burst=1)
    before = campaigns_fake.clock.time()
    for _ in range(4):
        client.list_campaigns()
    statuses = [c.status_code for c in campaigns_fake.calls]
    assert statuses.count(200) == 4 and 429 in statuses
    assert sleeps and set(sleeps) == {0}
    waited = sum(campaigns_fake.retry_delays)
    assert waited >= 1.0  # three tokens beyond the burst, at two a second... at least 1 s
    assert campaigns_fake.clock.time() - before == pytest.approx(waited)


def test_a_frozen_clock_stays_frozen_and_the_limit_exact(
    campaigns_fake: CampaignsFake, jitter: Jitter, sleeps: list[float]
) -> None:
    # The test holds the time: the backoff is recorded, the clock does not move, and the
    # limit refills only when the test advances it.
    client = new_client(retry_mode="standard", max_attempts=3)
    frozen = campaigns_fake.clock.freeze()
    campaigns_fake.throttle("ListCampaigns", rate=2, burst=1)
    client.list_campaigns()
    with pytest.raises(client.exceptions.ThrottlingException):
        client.list_campaigns()
    assert campaigns_fake.retry_delays == [0.25, 0.75]
    assert campaigns_fake.clock.now() == frozen
    campaigns_fake.clock.advance(0.5)
    client.list_campaigns()
