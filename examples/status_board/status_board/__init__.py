"""An asyncio status board of outbound campaigns: many states at once, and an emergency stop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

BATCH = 25  # GetCampaignStateBatch takes at most 25 ids


@dataclass
class Board:
    """Campaign id -> state, and the ids the service could not report."""

    states: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


async def read_board(client: Any, campaign_ids: Sequence[str], *, rounds: int = 2) -> Board:
    """The state of every campaign, the batches concurrently. Ids failed with UnknownError
    (a transient service fault) are asked again, up to ``rounds`` times in all."""
    board = Board()
    pending = list(dict.fromkeys(campaign_ids))
    for _ in range(rounds):
        if not pending:
            break
        chunks = [pending[i : i + BATCH] for i in range(0, len(pending), BATCH)]
        answers = await asyncio.gather(
            *(client.get_campaign_state_batch(campaignIds=chunk) for chunk in chunks)
        )
        pending = []
        for answer in answers:
            for ok in answer["successfulRequests"]:
                board.states[ok["campaignId"]] = ok["state"]
            for failed in answer["failedRequests"]:
                if failed["failureCode"] == "ResourceNotFound":
                    board.missing.append(failed["campaignId"])
                else:
                    pending.append(failed["campaignId"])
    board.unknown = pending
    return board


async def campaigns_of(client: Any, instance_id: str) -> list[str]:
    """Every campaign id of an instance, through the ListCampaigns paginator."""
    ids: list[str] = []
    paginator = client.get_paginator("list_campaigns")
    pages = paginator.paginate(
        filters={"instanceIdFilter": {"value": instance_id, "operator": "Eq"}}
    )
    async for page in pages:
        ids.extend(summary["id"] for summary in page["campaignSummaryList"])
    return ids


async def emergency_pause(client: Any, instance_id: str) -> list[str]:
    """Pause every running campaign of the instance, concurrently; the ids paused."""
    board = await read_board(client, await campaigns_of(client, instance_id))
    running = [cid for cid, state in board.states.items() if state == "Running"]
    await asyncio.gather(*(client.pause_campaign(id=cid) for cid in running))
    return running


def summary(board: Board) -> dict[str, int]:
    """How many campaigns are in each state."""
    counts: dict[str, int] = {}
    for state in board.states.values():
        counts[state] = counts.get(state, 0) + 1
    return counts
