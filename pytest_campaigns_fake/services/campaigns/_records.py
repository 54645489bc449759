"""The service's state as records in the shape of the model's output structures.

A campaign is its members as the model's ``Campaign`` structure declares them (what
DescribeCampaign answers), plus what only the fake knows (state, creation order, client
tokens, accepted dial requests). An instance is its ``InstanceConfig`` and its onboarding job
(``InstanceOnboardingJobStatus``), plus the status polls counted. Describe and summary are
projections of those members onto the model's shapes, so a member a botocore release adds
travels from the request to the answer and the snapshot without code.

Records are bucketed by (account, region): what one account sees in one region. They know
nothing of requests or rules; the engine holds the lock while rules touch them. Tests read
them through read-only views (``_views.py``: ``Campaign``, ``CampaignV2``, ``Instance``).
"""

from __future__ import annotations

import copy
import heapq
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Callable, TypeVar

from botocore.model import Shape

from ...engine._model import load

# The botocore service names of the two APIs.
V1 = "connectcampaigns"
V2 = "connectcampaignsv2"


@cache
def shape(name: str, service: str = V1) -> Shape:
    """A structure of a served model, by name (``Campaign``, ``InstanceConfig``); the v1
    model's unless ``service`` names another."""
    found: Shape = load(service).service.shape_for(name)
    return found


@cache
def members(name: str, service: str = V1) -> frozenset[str]:
    """The members a structure of the model declares."""
    return frozenset(shape(name, service).members)


Accepted = TypeVar("Accepted")


def detached(accepted: Iterable[Accepted]) -> list[Accepted]:
    """Copies of accepted requests for a test to read: their nested values (``attributes``,
    ``channel_subtype_parameters``, ``event_trigger_context``) are plain dicts, and a test
    editing one must change nothing in the fake, its idempotent answers or its snapshots."""
    return [copy.deepcopy(request) for request in accepted]


@dataclass(frozen=True)
class DialRequest:
    """An accepted dial request: what the campaign would have dialed."""

    id: str
    client_token: str
    phone_number: str
    expiration_time: datetime
    attributes: dict[str, str]
    accepted_at: datetime


class CampaignRecord:
    """A campaign: ``data`` in the shape of the model's ``Campaign``, and the fake's own."""

    __slots__ = ("data", "dial_requests", "seq", "state", "tokens")

    def __init__(self, data: dict[str, Any], state: str, seq: int) -> None:
        self.data = data
        self.state = state
        # Creation order across the whole fake: list order and page tokens point into it.
        self.seq = seq
        self.dial_requests: list[DialRequest] = []
        # client token -> accepted request, for idempotency within the token's validity
        self.tokens: dict[str, DialRequest] = {}

    @property
    def id(self) -> str:
        ident: str = self.data["id"]
        return ident

    @property
    def connect_instance_id(self) -> str:
        instance: str = self.data["connectInstanceId"]
        return instance

    def describe(self) -> dict[str, Any]:
        """The campaign as DescribeCampaign answers it: the ``Campaign`` shape's members.

        ``data`` holds nothing else (it is built from, and updated with, requests already
        made into the model's shape), so it is the answer as it is: encoded at once, never
        handed out (the public view copies)."""
        return self.data

    def settle(self, now: datetime) -> str:
        """The campaign's state at ``now`` (a v1 campaign's never moves by itself)."""
        return self.state

    def summary(self) -> dict[str, Any]:
        """The campaign as ListCampaigns lists it: the ``CampaignSummary`` shape's members."""
        data = self.data
        return {name: data[name] for name in shape("CampaignSummary").members if name in data}


@dataclass(frozen=True)
class OutboundRequest:
    """An outbound request a connectcampaignsv2 campaign accepted (PutOutboundRequestBatch)."""

    id: str
    client_token: str
    expiration_time: datetime
    #: The ``ChannelSubtypeParameters`` union as sent: ``{"telephony": {...}}``.
    channel_subtype_parameters: dict[str, Any]
    accepted_at: datetime


@dataclass(frozen=True)
class ProfileOutboundRequest:
    """A profile outbound request a campaign accepted (PutProfileOutboundRequestBatch)."""

    id: str
    client_token: str
    profile_id: str
    expiration_time: datetime | None
    event_trigger_context: dict[str, Any] | None
    accepted_at: datetime


class CampaignV2Record(CampaignRecord):
    """A connectcampaignsv2 campaign: ``data`` in the shape of the v2 model's ``Campaign``."""

    __slots__ = ("outbound_requests", "outbound_tokens", "profile_requests", "profile_tokens")

    def __init__(self, data: dict[str, Any], state: str, seq: int) -> None:
        super().__init__(data, state=state, seq=seq)
        self.outbound_requests: list[OutboundRequest] = []
        self.profile_requests: list[ProfileOutboundRequest] = []
        # client token -> accepted request, for idempotency within the token's validity
        self.outbound_tokens: dict[str, OutboundRequest] = {}
        self.profile_tokens: dict[str, ProfileOutboundRequest] = {}

    def settle(self, now: datetime) -> str:
        """The campaign's state at ``now``: Completed, lazily, once its schedule has ended while
        it was Running or Paused (v2 campaigns complete by the clock)."""
        if self.state in ("Running", "Paused"):
            schedule = self.data.get("schedule")
            if schedule is not None and schedule["endTime"] <= now:
                self.state = "Completed"
        return self.state

    def summary(self) -> dict[str, Any]:
        """The campaign as v2 ListCampaigns lists it; ``channelSubtypes`` names the configured
        subtypes in the ChannelSubtype enum's order."""
        data = self.data
        found = {name: data[name] for name in shape("CampaignSummary", V2).members if name in data}
        found["channelSubtypes"] = channel_subtypes(data.get("channelSubtypeConfig") or {})
        return found


@cache
def subtype_members() -> tuple[tuple[str, str], ...]:
    """(ChannelSubtype enum value, ChannelSubtypeConfig member) pairs, in the enum's order:
    ``("TELEPHONY", "telephony")``, ... ``("WHATSAPP", "whatsApp")`` where the model has it."""
    config = shape("ChannelSubtypeConfig", V2).members
    by_lower = {name.lower(): name for name in config}
    return tuple(
        (value, by_lower[value.lower()])
        for value in shape("ChannelSubtype", V2).enum
        if value.lower() in by_lower
    )


def channel_subtypes(config: dict[str, Any]) -> list[str]:
    return [value for value, member in subtype_members() if config.get(member) is not None]


class InstanceRecord:
    """A Connect instance: its ``InstanceConfig``, its onboarding job, the polls counted."""

    __slots__ = (
        "config",
        "integration_seqs",
        "integrations",
        "job",
        "job_started",
        "last_integration_seq",
        "limits",
        "polls",
    )

    def __init__(
        self,
        config: dict[str, Any],
        job: dict[str, Any] | None = None,
        polls: int = 0,
        job_started: datetime | None = None,
    ) -> None:
        self.config = config
        # In the shape of InstanceOnboardingJobStatus; None while there is no onboarding job.
        self.job = job
        self.polls = polls
        # When the job was started (v2 forgets a job 14 days later); None: never forgotten.
        self.job_started = job_started
        # connectcampaignsv2's instance integrations (IntegrationConfig unions, in the order
        # put) and instance communication limits (InstanceCommunicationLimitsConfig).
        self.integrations: list[dict[str, Any]] = []
        # Each integration's place in the order of puts (beside it, same index): a page token
        # names the last place it listed, which a deletion between pages does not move.
        self.integration_seqs: list[int] = []
        self.last_integration_seq = 0
        self.limits: dict[str, Any] | None = None

    def add_integration(self, config: dict[str, Any]) -> None:
        """A new integration, after every other in the list's order."""
        self.last_integration_seq += 1
        self.integrations.append(config)
        self.integration_seqs.append(self.last_integration_seq)

    def remove_integration(self, index: int) -> None:
        del self.integrations[index]
        del self.integration_seqs[index]

    def set_integrations(self, integrations: list[dict[str, Any]]) -> None:
        """Replace every integration (in this order, as if put one after another)."""
        self.integrations, self.integration_seqs = [], []
        for config in integrations:
            self.add_integration(config)

    def adopt_integrations(self, other: InstanceRecord) -> None:
        """Take over another record's integrations, their places and the count of places."""
        self.integrations, self.integration_seqs = other.integrations, other.integration_seqs
        self.last_integration_seq = other.last_integration_seq

    def integrations_after(self, seq: int) -> list[tuple[int, dict[str, Any]]]:
        """The integrations placed after ``seq``, in order, with their places."""
        start = bisect_left(self.integration_seqs, seq + 1)
        return list(zip(self.integration_seqs[start:], self.integrations[start:]))

    @property
    def connect_instance_id(self) -> str:
        return str(self.config["connectInstanceId"])

    @property
    def status(self) -> str | None:
        return None if self.job is None else self.job.get("status")


class Bucket:
    """Everything one account sees in one region (not an AWS partition: a region's slice)."""

    def __init__(
        self, account: str, region: str, instances: dict[str, InstanceRecord] | None = None
    ) -> None:
        self.account = account
        self.region = region
        self.aws_partition = aws_partition(region)
        self.campaigns: dict[str, CampaignRecord] = {}
        # Instances belong to the Connect instance, not to an API version: the v2 bucket of
        # an account and region shares its v1 bucket's.
        self.instances: dict[str, InstanceRecord] = {} if instances is None else instances
        self._v2: Bucket | None = None
        # The other API's campaigns of this account and region (v1's for a v2 bucket, v2's
        # for a v1 bucket): where a lookup goes on when campaigns are shared across versions.
        self._other: Bucket | None = None
        self.campaigns_per_instance: dict[str, int] = {}
        # Deleted campaigns stay readable to the test (what did it dial?), never to the API.
        self.deleted: dict[str, CampaignRecord] = {}
        # Creation order as sorted sequence numbers, so a page can be found by bisection.
        self._seqs: list[int] = []
        self._by_seq: dict[int, CampaignRecord] = {}

    @property
    def v2(self) -> Bucket:
        """The connectcampaignsv2 campaigns of this account and region (same instances)."""
        if self._v2 is None:
            self._v2 = Bucket(self.account, self.region, self.instances)
            self._v2._other = self
        return self._v2

    @property
    def other(self) -> Bucket:
        """The other API version's campaigns of this account and region."""
        return self._other if self._other is not None else self.v2

    def find(self, campaign_id: str, shared: bool) -> CampaignRecord | None:
        """This API's campaign ``campaign_id``; when ``shared``, the other API's too."""
        found = self.campaigns.get(campaign_id)
        if found is None and shared:
            found = self.other.campaigns.get(campaign_id)
        return found

    def all_after(self, seq: int, shared: bool) -> Iterator[CampaignRecord]:
        """``after(seq)``; when ``shared``, merged with the other API's in creation order (one
        sequence numbers both, so a page token points into either)."""
        if not shared:
            return self.after(seq)
        return heapq.merge(self.after(seq), self.other.after(seq), key=_seq)

    def count(self, instance_id: str, shared: bool) -> int:
        """Campaigns of the instance; when ``shared``, the other API's too."""
        found = self.campaigns_per_instance.get(instance_id, 0)
        if shared:
            found += self.other.campaigns_per_instance.get(instance_id, 0)
        return found

    def add(self, campaign: CampaignRecord) -> None:
        self.campaigns[campaign.id] = campaign
        self._seqs.insert(bisect_left(self._seqs, campaign.seq), campaign.seq)
        self._by_seq[campaign.seq] = campaign
        counts = self.campaigns_per_instance
        instance = campaign.connect_instance_id
        counts[instance] = counts.get(instance, 0) + 1

    def remove(self, campaign: CampaignRecord) -> None:
        del self.campaigns[campaign.id]
        self.deleted[campaign.id] = campaign
        del self._seqs[bisect_left(self._seqs, campaign.seq)]
        del self._by_seq[campaign.seq]
        counts = self.campaigns_per_instance
        instance = campaign.connect_instance_id
        counts[instance] -= 1
        if not counts[instance]:
            del counts[instance]

    def remove_anywhere(self, campaign: CampaignRecord) -> None:
        """``remove`` from this API's campaigns or, shared, from the other API's."""
        (self if self.campaigns.get(campaign.id) is campaign else self.other).remove(campaign)

    def after(self, seq: int) -> Iterator[CampaignRecord]:
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
    """Every bucket of the fake, the creation sequence, and every id ever held."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[str, str], Bucket] = {}
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

    def bucket(self, account: str, region: str) -> Bucket:
        key = (account, region)
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = Bucket(account, region)
        return found

    def next_seq(self) -> int:
        self.last_seq += 1
        return self.last_seq


def _seq(campaign: CampaignRecord) -> int:
    return campaign.seq


def aws_partition(region: str) -> str:
    """The AWS partition of a region (ARNs name it)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
