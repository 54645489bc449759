"""Async clients wait for nothing either: aiobotocore's retry backoff and its adaptive mode's
token bucket are recorded in ``fake.retry_delays``, never slept, and move the fake's running
clock on, so a rate limit refills for the retry as it would at AWS.

aiobotocore is an optional extra: these tests run where it is installed (CI's async venvs).
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

from aiobotocore.config import AioConfig
from aiobotocore.retries import bucket
from aiobotocore.session import get_session
from botocore.exceptions import CapacityNotAvailableError

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.engine import _clock


def client(**config: Any) -> Any:
    """An aiobotocore connectcampaigns client (an async context manager)."""
    return get_session().create_client(
        "connectcampaigns",
        region_name="us-east-1",
        aws_access_key_id="AKIAFAKECAMPAIGNS000",
        aws_secret_access_key="secret",
        config=AioConfig(**config),
    )


@pytest.fixture
def never_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiobotocore's token bucket fails the test if it waits for its fill rate."""

    async def wait(self: Any, sleep_amount: float) -> None:
        raise AssertionError(f"aiobotocore's token bucket waited {sleep_amount} s")

    if hasattr(bucket.AsyncTokenBucket, "_wait_for_new_fill_rate"):
        monkeypatch.setattr(bucket.AsyncTokenBucket, "_wait_for_new_fill_rate", wait)
        return

    # aiobotocore 2.x waits inline, in _acquire: asyncio.wait_for(condition.wait(), seconds).
    class NoWaiting:
        def __getattr__(self, name: str) -> Any:
            return getattr(asyncio, name)

        async def wait_for(self, awaitable: Any, timeout: float) -> None:
            awaitable.close()
            raise AssertionError(f"aiobotocore's token bucket waited {timeout} s")

    monkeypatch.setattr(bucket, "asyncio", NoWaiting())


@pytest.fixture
def still(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process's time stands still for the fake's running clock: only the waits it was
    spared move it, however slow the machine."""
    monkeypatch.setattr(_clock, "time", SimpleNamespace(time=lambda: 1_900_000_000.0))


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_an_async_retrying_client_gets_through_a_rate_limit(
    campaigns_fake: CampaignsFake, sleeps: list[float], never_waits: None, still: None, mode: str
) -> None:
    campaigns_fake.throttle("ListCampaigns", rate=2, burst=1)
    before = campaigns_fake.clock.time()

    async def scenario() -> list[int]:
        async with client(retries={"mode": mode, "total_max_attempts": 10}) as campaigns:
            answers = [await campaigns.list_campaigns() for _ in range(4)]
        return [a["ResponseMetadata"]["HTTPStatusCode"] for a in answers]

    assert asyncio.run(scenario()) == [200] * 4
    statuses = [c.status_code for c in campaigns_fake.calls]
    assert statuses.count(200) == 4 and 429 in statuses
    # Nothing slept: every backoff botocore asked for was answered 0.
    assert set(sleeps) <= {0}
    waited = sum(campaigns_fake.retry_delays)
    assert waited >= 1.5  # three requests beyond the burst, at two a second
    assert campaigns_fake.clock.time() - before == pytest.approx(waited)


def test_a_token_bucket_outside_a_faked_request_is_aiobotocore_s_own(
    campaigns_fake: CampaignsFake,
) -> None:
    # While a fake is active, a bucket is short-circuited only inside the before-send of a
    # request the fake answers: anywhere else (another service's client) it is untouched.
    async def take() -> None:
        limiter = bucket.AsyncTokenBucket(max_rate=1, clock=bucket.Clock())
        with pytest.raises(CapacityNotAvailableError):
            await limiter.acquire(amount=1, block=False)

    asyncio.run(take())
    assert campaigns_fake.retry_delays == []


def test_an_async_clients_user_agent_is_memoized_while_the_fake_is_active() -> None:
    # As for sync clients: the memo is the client's own object's, and goes when the fake does.
    from botocore.useragent import UserAgentString

    from pytest_campaigns_fake import CampaignsFake as Fake

    async def scenario() -> tuple[bool, bool]:
        async with client() as campaigns:
            with Fake(require_onboarding=False):
                for _ in range(2):
                    await campaigns.list_campaigns()
                during = "to_string" in vars(campaigns._user_agent_creator)
            after = "to_string" in vars(campaigns._user_agent_creator)
        return during, after

    assert asyncio.run(scenario()) == (True, False)
    assert "to_string" in vars(UserAgentString)
