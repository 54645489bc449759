"""The status board's tests: offline, against pytest-campaigns-fake, with pytest-asyncio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiobotocore.session import get_session
from status_board import emergency_pause, read_board, summary


@pytest_asyncio.fixture
async def client() -> AsyncIterator[Any]:
    session = get_session()
    async with session.create_client("connectcampaigns", region_name="us-east-1") as c:
        yield c


@pytest.mark.asyncio
async def test_reads_sixty_campaigns_in_three_concurrent_batches(campaigns_fake, client):
    states = ["Running", "Paused", "Initialized"]
    ids = [
        campaigns_fake.add_campaign(connect_instance_id="inst-1", state=states[i % 3]).id
        for i in range(60)
    ]
    board = await read_board(client, ids)
    assert summary(board) == {"Running": 20, "Paused": 20, "Initialized": 20}
    assert campaigns_fake.calls.count_of("GetCampaignStateBatch") == 3


@pytest.mark.asyncio
async def test_a_transient_unknown_error_is_asked_again(campaigns_fake, client):
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
    campaigns_fake.fail_campaign_state(campaign.id, "UnknownError", times=1)
    board = await read_board(client, [campaign.id, "gone"])
    assert board.states == {campaign.id: "Running"}
    assert (board.missing, board.unknown) == (["gone"], [])
    assert campaigns_fake.calls.count_of("GetCampaignStateBatch") == 2


@pytest.mark.asyncio
async def test_a_persistent_unknown_error_is_reported(campaigns_fake, client):
    campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
    campaigns_fake.fail_campaign_state(campaign.id, "UnknownError", times=None)
    board = await read_board(client, [campaign.id], rounds=3)
    assert board.unknown == [campaign.id]


@pytest.mark.asyncio
@pytest.mark.campaigns_fake(require_onboarding=False)
async def test_emergency_pause_pauses_only_the_running_campaigns_of_the_instance(
    campaigns_fake, client
):
    running = [
        campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running").id
        for _ in range(30)
    ]
    stopped = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Stopped")
    elsewhere = campaigns_fake.add_campaign(connect_instance_id="inst-2", state="Running")

    paused = await emergency_pause(client, "inst-1")

    assert sorted(paused) == sorted(running)
    assert {campaigns_fake.campaign(cid).state for cid in running} == {"Paused"}
    assert campaigns_fake.campaign(stopped.id).state == "Stopped"
    assert campaigns_fake.campaign(elsewhere.id).state == "Running"
    campaigns_fake.calls.assert_not_called("PauseCampaign", id=elsewhere.id)


@pytest.mark.asyncio
async def test_throttled_batches_are_retried_by_aiobotocore(campaigns_fake, client):
    ids = [campaigns_fake.add_campaign(connect_instance_id="inst-1").id for _ in range(3)]
    campaigns_fake.throttle("GetCampaignStateBatch", times=2)
    board = await read_board(client, ids)
    assert len(board.states) == 3
    assert len(campaigns_fake.retry_delays) == 2  # recorded; aiobotocore slept 0 s
