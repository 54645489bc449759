"""Test set-up for the reminders app: the campaigns fake, an instant clock, no network.

``campaigns_fake`` and ``campaigns_client`` come from the pytest-campaigns-fake plugin; they
need no import. Their region is the ``campaigns_fake_region`` ini option of this example's
pyproject.toml (eu-west-2), and clients built here use the same region: the fake keeps each
region's campaigns apart, as AWS does.
"""

from __future__ import annotations

import socket
from typing import Any

import boto3
import pytest
from pytest_campaigns_fake import CampaignsFake
from support import INSTANCE, REGION, FakeTime

from reminders import CampaignSpec, ReminderDialer


class NetworkAccessError(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite must pass offline: any socket connection fails the test."""

    def guard(self: socket.socket, address: object, *args: object) -> None:
        raise NetworkAccessError(f"test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def dialer(
    campaigns_client: Any, campaigns_fake: CampaignsFake, fake_time: FakeTime
) -> ReminderDialer:
    """The app under test. Its wall clock is the fake service's clock, so the dial requests'
    expiration times agree with the service however a test moves that clock."""
    return ReminderDialer(
        campaigns_client,
        sleep=fake_time.sleep,
        monotonic=fake_time.monotonic,
        now=campaigns_fake.clock.now,
    )


@pytest.fixture
def instance(campaigns_fake: CampaignsFake) -> str:
    """A Connect instance already onboarded to outbound campaigns."""
    campaigns_fake.add_instance(INSTANCE)
    return INSTANCE


@pytest.fixture
def spec(instance: str) -> CampaignSpec:
    return CampaignSpec(
        name="dental-reminders",
        connect_instance_id=instance,
        contact_flow_id="reminder-flow",
        queue_id="reminder-queue",
        tags={"team": "clinic"},
    )


@pytest.fixture
def dummy_session() -> boto3.session.Session:
    """A boto3 session with dummy credentials, as the app would build its own clients."""
    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
        region_name=REGION,
    )
