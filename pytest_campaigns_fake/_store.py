"""Plain records of the service's state, partitioned by (account, region).

The store knows nothing of requests or rules; the service holds the lock while it touches it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable


@dataclass
class DialRequest:
    """An accepted dial request: what the campaign would have dialed."""

    id: str
    client_token: str
    phone_number: str
    expiration_time: datetime
    attributes: dict[str, str]
    accepted_at: datetime


class Campaign:
    """A campaign as the service stores it. Read its fields; change it through the fake."""

    __slots__ = (
        "_seq",
        "_tokens",
        "arn",
        "connect_instance_id",
        "dial_requests",
        "dialer_config",
        "id",
        "name",
        "outbound_call_config",
        "state",
        "tags",
    )

    def __init__(
        self,
        *,
        id: str,
        arn: str,
        name: str,
        connect_instance_id: str,
        dialer_config: dict[str, Any],
        outbound_call_config: dict[str, Any],
        tags: dict[str, str],
        state: str = "Initialized",
        seq: int = 0,
    ) -> None:
        self.id = id
        self.arn = arn
        self.name = name
        self.connect_instance_id = connect_instance_id
        self.dialer_config = dialer_config
        self.outbound_call_config = outbound_call_config
        self.tags = tags
        self.state = state
        # Creation order across the whole fake: list order and page tokens point into it.
        self._seq = seq
        self.dial_requests: list[DialRequest] = []
        # client token -> accepted request, for idempotency within the token's validity
        self._tokens: dict[str, DialRequest] = {}

    def __repr__(self) -> str:
        return f"Campaign(id={self.id!r}, name={self.name!r}, state={self.state!r})"

    def describe(self) -> dict[str, Any]:
        """The campaign as DescribeCampaign answers it."""
        return {
            "id": self.id,
            "arn": self.arn,
            "name": self.name,
            "connectInstanceId": self.connect_instance_id,
            "dialerConfig": self.dialer_config,
            "outboundCallConfig": self.outbound_call_config,
            "tags": self.tags,
        }

    def summary(self) -> dict[str, Any]:
        """The campaign as ListCampaigns lists it."""
        return {
            "id": self.id,
            "arn": self.arn,
            "name": self.name,
            "connectInstanceId": self.connect_instance_id,
        }


@dataclass
class Instance:
    """A Connect instance as the campaigns service sees it: its onboarding job and config."""

    connect_instance_id: str
    # None: no onboarding job; otherwise IN_PROGRESS, SUCCEEDED or FAILED.
    status: str | None = None
    failure_code: str | None = None
    encryption_config: dict[str, Any] = field(default_factory=lambda: {"enabled": False})
    service_linked_role_arn: str | None = None
    polls: int = 0

    def job(self) -> dict[str, Any]:
        """The onboarding job as GetInstanceOnboardingJobStatus answers it."""
        job: dict[str, Any] = {"connectInstanceId": self.connect_instance_id, "status": self.status}
        if self.failure_code is not None:
            job["failureCode"] = self.failure_code
        return job

    def config(self) -> dict[str, Any]:
        """The instance config as GetConnectInstanceConfig answers it."""
        return {
            "connectInstanceId": self.connect_instance_id,
            "serviceLinkedRoleArn": self.service_linked_role_arn,
            "encryptionConfig": self.encryption_config,
        }


class Partition:
    """Everything one account sees in one region."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.aws_partition = aws_partition(region)
        self.campaigns: dict[str, Campaign] = {}
        self.instances: dict[str, Instance] = {}
        self.campaigns_per_instance: dict[str, int] = {}
        # Deleted campaigns stay readable to the test (what did it dial?), never to the API.
        self.deleted: dict[str, Campaign] = {}
        # Creation order as sorted sequence numbers, so a page can be found by bisection.
        self._seqs: list[int] = []
        self._by_seq: dict[int, Campaign] = {}

    def add(self, campaign: Campaign) -> None:
        self.campaigns[campaign.id] = campaign
        self._seqs.append(campaign._seq)
        self._by_seq[campaign._seq] = campaign
        counts = self.campaigns_per_instance
        counts[campaign.connect_instance_id] = counts.get(campaign.connect_instance_id, 0) + 1

    def remove(self, campaign: Campaign) -> None:
        del self.campaigns[campaign.id]
        self.deleted[campaign.id] = campaign
        del self._seqs[bisect_left(self._seqs, campaign._seq)]
        del self._by_seq[campaign._seq]
        counts = self.campaigns_per_instance
        counts[campaign.connect_instance_id] -= 1
        if not counts[campaign.connect_instance_id]:
            del counts[campaign.connect_instance_id]

    def after(self, seq: int) -> Iterator[Campaign]:
        """Campaigns created after ``seq``, oldest first."""
        seqs, by_seq = self._seqs, self._by_seq
        for i in range(bisect_left(seqs, seq + 1), len(seqs)):
            yield by_seq[seqs[i]]

    def campaign_arn(self, campaign_id: str) -> str:
        return (
            f"arn:{self.aws_partition}:connect-campaigns:{self.region}:{self.account}"
            f":campaign/{campaign_id}"
        )


class Store:
    def __init__(self) -> None:
        self.partitions: dict[tuple[str, str], Partition] = {}
        self.last_seq = 0
        # Every campaign and dial request id held, loaded or deleted: a new id is never one of
        # them, whatever a snapshot or a seeded id stream brought in.
        self.ids: set[str] = set()

    def fresh_id(self, new: Callable[[], str]) -> str:
        ident = new()
        while ident in self.ids:
            ident = new()
        self.ids.add(ident)
        return ident

    def partition(self, account: str, region: str) -> Partition:
        key = (account, region)
        found = self.partitions.get(key)
        if found is None:
            found = self.partitions[key] = Partition(account, region)
        return found

    def next_seq(self) -> int:
        self.last_seq += 1
        return self.last_seq


def aws_partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
