"""Many threads, one fake: no lost, duplicated or torn state.

Eight threads each run 300 mixed operations on a shared pool of campaigns through boto3: create,
start/pause/resume/stop, dial request batches with unique client tokens, tag/untag, paginated
listing, describe, batch state and delete (of the thread's own campaigns only, so that the
owner always knows whether one of its campaigns exists). Afterwards:

* no call raised anything but a ClientError the race makes legitimate;
* full pagination lists exactly the campaigns created and not deleted, once each;
* the dial requests the fake holds are exactly those the threads were told were accepted;
* the journal holds every call, once, and replaying each campaign's successful transitions in
  journal order through the state machine (reference/service-behavior.md) is legal at every
  step and ends in the campaign's current state.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from support import ACCOUNT, REGION, STATES, new_client

from pytest_campaigns_fake import CampaignsFake

THREADS = 8
OPERATIONS_PER_THREAD = 300
INSTANCE = "inst-stress"
SEED_CAMPAIGNS = 8
TAG_KEYS = tuple(f"k{i}" for i in range(8))  # never more than 50 tags on a campaign

# Package bugs this file found, each pinned by a strict xfail test below. While one is listed,
# the stress test checks only what does not depend on it; delete the entry once it is fixed.
KNOWN_BUGS: frozenset[str] = frozenset()

# The state machine of reference/service-behavior.md: operation -> {from state: to state}.
TRANSITIONS: dict[str, dict[str, str]] = {
    "StartCampaign": {"Initialized": "Running"},
    "PauseCampaign": {"Running": "Paused"},
    "ResumeCampaign": {"Paused": "Running"},
    "StopCampaign": {"Running": "Stopped", "Paused": "Stopped"},
}
ACTION = {
    "start": ("start_campaign", "StartCampaign"),
    "pause": ("pause_campaign", "PauseCampaign"),
    "resume": ("resume_campaign", "ResumeCampaign"),
    "stop": ("stop_campaign", "StopCampaign"),
}
# Weighted mix of one thread's operations.
MIX = {
    "create": 9,
    "start": 12,
    "pause": 8,
    "resume": 8,
    "stop": 5,
    "dial": 16,
    "tag": 8,
    "untag": 6,
    "list": 4,
    "describe": 10,
    "state": 5,
    "delete": 6,
}
SWITCH_INTERVAL = 1e-6


@dataclass
class Shared:
    """What all threads see: the campaign pool (append-only) and the fake."""

    fake: CampaignsFake
    pool: list[str]
    hot: list[str]  # seeded campaigns nobody deletes: half the picks, for contention
    pool_lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, rng: random.Random) -> str:
        if rng.random() < 0.5:
            return rng.choice(self.hot)
        with self.pool_lock:
            return rng.choice(self.pool)

    def add(self, campaign_id: str) -> None:
        with self.pool_lock:
            self.pool.append(campaign_id)


@dataclass
class Report:
    """One thread's account of what the service told it."""

    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    accepted: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    calls: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


class Worker:
    def __init__(self, number: int, client: Any, shared: Shared) -> None:
        self.number = number
        self.client = client
        self.shared = shared
        self.rng = random.Random(1000 + number)
        self.report = Report()
        self.own: list[str] = []  # this thread's live campaigns
        self.tokens = 0

    def run(self) -> None:
        names = list(MIX)
        weights = list(MIX.values())
        for step in range(OPERATIONS_PER_THREAD):
            action = self.rng.choices(names, weights)[0]
            try:
                getattr(self, f"do_{action}")()
            except Exception as exc:  # everything is recorded, the test asserts on it
                self.report.failures.append(f"thread {self.number} step {step} {action}: {exc!r}")

    # Each call goes through here: it counts calls and checks which errors the race allows.
    def call(self, method: str, allowed: tuple[str, ...] = (), **params: Any) -> Any:
        self.report.calls += 1
        try:
            answer = getattr(self.client, method)(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            self.report.outcomes[f"{method}: {code}"] += 1
            if code not in allowed:
                raise
            if code == "InvalidCampaignStateException":
                assert error.response.get("state") in STATES, error.response
            return None
        self.report.outcomes[f"{method}: ok"] += 1
        return answer

    def do_create(self) -> None:
        answer = self.call(
            "create_campaign",
            name=f"t{self.number}-{len(self.report.created)}",
            connectInstanceId=INSTANCE,
            dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
            outboundCallConfig={"connectContactFlowId": "flow"},
            tags={"owner": f"t{self.number}"},
        )
        self.report.created.append(answer["id"])
        self.own.append(answer["id"])
        self.shared.add(answer["id"])

    def _transition(self, action: str) -> None:
        method, _ = ACTION[action]
        self.call(
            method,
            ("InvalidCampaignStateException", "ResourceNotFoundException"),
            id=self.shared.pick(self.rng),
        )

    def do_start(self) -> None:
        self._transition("start")

    def do_pause(self) -> None:
        self._transition("pause")

    def do_resume(self) -> None:
        self._transition("resume")

    def do_stop(self) -> None:
        self._transition("stop")

    def do_dial(self) -> None:
        campaign_id = self.shared.pick(self.rng)
        expires = self.shared.fake.clock.now() + timedelta(seconds=300)
        requests = []
        for _ in range(self.rng.randint(1, 5)):
            self.tokens += 1
            requests.append(
                {
                    "clientToken": f"t{self.number}-{self.tokens}",
                    "phoneNumber": f"+1555{self.number:02d}{self.tokens:05d}",
                    "expirationTime": expires,
                    "attributes": {"thread": str(self.number)},
                }
            )
        answer = self.call(
            "put_dial_request_batch",
            ("InvalidCampaignStateException", "ResourceNotFoundException"),
            id=campaign_id,
            dialRequests=requests,
        )
        if answer is None:
            return
        assert answer["failedRequests"] == [], answer["failedRequests"]
        sent = [r["clientToken"] for r in requests]
        assert [r["clientToken"] for r in answer["successfulRequests"]] == sent
        self.report.accepted[campaign_id] += [r["id"] for r in answer["successfulRequests"]]

    def do_tag(self) -> None:
        campaign_id = self.shared.pick(self.rng)
        keys = self.rng.sample(TAG_KEYS, self.rng.randint(1, 3))
        self.call(
            "tag_resource",
            ("ResourceNotFoundException",),
            arn=self._arn(campaign_id),
            tags={k: f"t{self.number}" for k in keys},
        )

    def do_untag(self) -> None:
        campaign_id = self.shared.pick(self.rng)
        self.call(
            "untag_resource",
            ("ResourceNotFoundException",),
            arn=self._arn(campaign_id),
            tagKeys=self.rng.sample(TAG_KEYS, self.rng.randint(0, 3)),
        )

    def do_list(self) -> None:
        # Own live campaigns exist for the whole listing: only this thread deletes them.
        expected = set(self.own)
        listed = list_all(self.call, self.rng.choice((7, 25, 50)))
        assert len(listed) == len(set(listed)), "a campaign listed twice in one pagination"
        missing = expected - set(listed)
        assert not missing, f"live campaigns missing from the listing: {sorted(missing)}"

    def do_describe(self) -> None:
        if self.own and self.rng.random() < 0.5:
            campaign_id = self.rng.choice(self.own)
            answer = self.call("describe_campaign", id=campaign_id)  # must exist
            assert answer["campaign"]["id"] == campaign_id
            assert answer["campaign"]["tags"]["owner"] == f"t{self.number}"
        else:
            self.call(
                "describe_campaign", ("ResourceNotFoundException",), id=self.shared.pick(self.rng)
            )

    def do_state(self) -> None:
        ids = [self.shared.pick(self.rng) for _ in range(self.rng.randint(1, 25))]
        answer = self.call("get_campaign_state_batch", campaignIds=ids)
        answered = [r["campaignId"] for r in answer["successfulRequests"]]
        answered += [r["campaignId"] for r in answer["failedRequests"]]
        assert sorted(answered) == sorted(ids)
        for result in answer["successfulRequests"]:
            assert result["state"] in STATES
        for result in answer["failedRequests"]:
            assert result["failureCode"] == "ResourceNotFound"
        own_failed = set(self.own) & {r["campaignId"] for r in answer["failedRequests"]}
        assert not own_failed, f"live campaigns reported missing: {own_failed}"

    def do_delete(self) -> None:
        if not self.own:
            return self.do_create()
        campaign_id = self.own.pop(self.rng.randrange(len(self.own)))
        self.call("delete_campaign", id=campaign_id)  # its owner's: must exist
        self.report.deleted.append(campaign_id)
        return None

    def _arn(self, campaign_id: str) -> str:
        return f"arn:aws:connect-campaigns:{REGION}:{ACCOUNT}:campaign/{campaign_id}"


def list_all(call: Callable[..., Any], page_size: int) -> list[str]:
    listed: list[str] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"maxResults": page_size}
        if token:
            params["nextToken"] = token
        answer = call("list_campaigns", **params)
        page = answer["campaignSummaryList"]
        assert len(page) <= page_size
        listed += [summary["id"] for summary in page]
        token = answer.get("nextToken")
        if not token:
            return listed


def tally(fake: CampaignsFake) -> tuple[dict[str, str], list[str]]:
    """Each campaign's state from its journaled successful transitions, whatever their order.

    A legal order exists only if the counts fit the state machine: at most one start and one
    stop, pauses and resumes alternating, dial requests only after a start. The state those
    counts end in is the only one any legal order can end in.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for call in fake.calls:
        if call.ok and (call.operation in TRANSITIONS or call.operation == "PutDialRequestBatch"):
            counts[call.params["id"]][call.operation] += 1
        elif call.ok and call.operation == "CreateCampaign":
            assert call.response is not None
            counts[call.response["id"]]["CreateCampaign"] += 1
    states: dict[str, str] = {}
    impossible: list[str] = []
    for campaign_id, n in counts.items():
        starts, stops = n["StartCampaign"], n["StopCampaign"]
        pauses, resumes = n["PauseCampaign"], n["ResumeCampaign"]
        if (
            starts > 1
            or stops > 1
            or not resumes <= pauses <= resumes + 1
            or (not starts and (pauses or stops or n["PutDialRequestBatch"]))
        ):
            impossible.append(f"{campaign_id}: {dict(n)}")
        if stops:
            states[campaign_id] = "Stopped"
        elif not starts:
            states[campaign_id] = "Initialized"
        else:
            states[campaign_id] = "Paused" if pauses > resumes else "Running"
    return states, impossible


def replay(fake: CampaignsFake) -> tuple[dict[str, str], list[str]]:
    """Each campaign's state after its journaled successful transitions, and illegal steps."""
    states: dict[str, str] = {}
    illegal: list[str] = []
    for position, call in enumerate(fake.calls):
        if not call.ok:
            continue
        if call.operation == "CreateCampaign":
            assert call.response is not None
            states[call.response["id"]] = "Initialized"
        elif call.operation in TRANSITIONS:
            campaign_id = call.params["id"]
            current = states.get(campaign_id, "<unknown>")
            target = TRANSITIONS[call.operation].get(current)
            if target is None:
                illegal.append(f"#{position} {call.operation} on {campaign_id} in {current}")
                continue
            states[campaign_id] = target
        elif call.operation == "PutDialRequestBatch":
            current = states.get(call.params["id"], "<unknown>")
            if current != "Running":
                illegal.append(f"#{position} PutDialRequestBatch accepted in {current}")
        elif call.operation == "DeleteCampaign":
            states.pop(call.params["id"], None)
    return states, illegal


@pytest.fixture
def stress_fake() -> Iterator[CampaignsFake]:
    fake = CampaignsFake(campaigns_per_instance=10_000, strict=False, region=REGION)
    fake.add_instance(INSTANCE)
    fake.clock.freeze()
    with fake:
        yield fake


def stress_client() -> Any:
    """One attempt per call, and a connection pool for every thread."""
    return new_client(REGION, max_attempts=1, config=Config(max_pool_connections=THREADS))


@pytest.mark.parametrize("sharing", ["client-per-thread", "one-shared-client"])
def test_concurrent_mixed_operations(stress_fake: CampaignsFake, sharing: str) -> None:
    fake = stress_fake
    clients = (
        [stress_client() for _ in range(THREADS)]
        if sharing == "client-per-thread"
        else [stress_client()] * THREADS
    )
    seed_reports = Report()
    seeded = [
        clients[0].create_campaign(
            name=f"seed-{i}",
            connectInstanceId=INSTANCE,
            dialerConfig={"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
            outboundCallConfig={"connectContactFlowId": "flow"},
        )["id"]
        for i in range(SEED_CAMPAIGNS)
    ]
    seed_reports.created += seeded
    seed_reports.calls += SEED_CAMPAIGNS
    shared = Shared(fake, list(seeded), list(seeded))
    workers = [Worker(n, clients[n], shared) for n in range(THREADS)]
    threads = [threading.Thread(target=w.run, name=f"stress-{w.number}") for w in workers]
    started = time.monotonic()
    # Switch threads as often as the interpreter can, so that races show up in a short run.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), "a worker hung"
    journaled = len(fake.calls)
    reports = [seed_reports] + [w.report for w in workers]

    failures = [f for r in reports for f in r.failures]
    assert not failures, "\n".join(failures[:20])

    # Campaigns: created minus deleted, each listed once.
    created = [c for r in reports for c in r.created]
    deleted = [c for r in reports for c in r.deleted]
    assert len(created) == len(set(created)), "a campaign id was handed out twice"
    assert set(deleted) <= set(created) and len(deleted) == len(set(deleted))
    live = set(created) - set(deleted)
    listed = list_all(lambda method, **kw: getattr(clients[0], method)(**kw), 50)
    assert len(listed) == len(set(listed))
    assert set(listed) == live
    assert {c.id for c in fake.campaigns} == live

    # Dial requests: what the fake holds is what the threads were told was accepted.
    accepted: dict[str, list[str]] = defaultdict(list)
    for report in reports:
        for campaign_id, ids in report.accepted.items():
            accepted[campaign_id] += ids
    for campaign_id in live:
        held = [d.id for d in fake.dial_requests(campaign_id)]
        assert sorted(held) == sorted(accepted.get(campaign_id, [])), campaign_id
    total_held = sum(len(fake.dial_requests(c)) for c in live)
    assert total_held == sum(len(accepted.get(c, [])) for c in live)
    all_ids = [i for ids in accepted.values() for i in ids]
    assert len(all_ids) == len(set(all_ids)), "a dial request id was handed out twice"

    # The journal: every call once; transitions replay legally to the current states.
    assert journaled == sum(r.calls for r in reports), "calls lost or doubled in the journal"
    request_ids = [c.request_id for c in fake.calls]
    assert len(request_ids) == len(set(request_ids))
    tallied, impossible = tally(fake)
    assert not impossible, "\n".join(impossible[:20])
    for campaign_id in live:
        assert tallied[campaign_id] == fake.campaign(campaign_id).state, campaign_id
    replayed, illegal = replay(fake)
    if "journal-order" not in KNOWN_BUGS:
        assert not illegal, "\n".join(illegal[:20])
    else:
        replayed = tallied
    for campaign_id in live:
        assert fake.campaign(campaign_id).state in STATES
        assert replayed[campaign_id] == fake.campaign(campaign_id).state, campaign_id
    states = {}
    for start in range(0, len(listed), 25):
        batch = clients[0].get_campaign_state_batch(campaignIds=listed[start : start + 25])
        assert batch["failedRequests"] == []
        states.update({r["campaignId"]: r["state"] for r in batch["successfulRequests"]})
    assert states == {c: replayed[c] for c in live}

    # Not vacuous: the race produced every kind of outcome.
    outcomes: Counter[str] = Counter()
    for report in reports:
        outcomes.update(report.outcomes)
    for expected in (
        "start_campaign: ok",
        "pause_campaign: ok",
        "resume_campaign: ok",
        "stop_campaign: ok",
        "put_dial_request_batch: ok",
        "delete_campaign: ok",
        "start_campaign: InvalidCampaignStateException",
        "put_dial_request_batch: InvalidCampaignStateException",
        "describe_campaign: ResourceNotFoundException",
    ):
        assert outcomes[expected] > 0, (expected, outcomes)
    print(f"{sharing}: {sum(r.calls for r in reports)} calls in {elapsed:.1f}s")


def test_journal_order_follows_execution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = CampaignsFake(require_onboarding=False, strict=False, region=REGION)
    campaign = fake.add_campaign(connect_instance_id=INSTANCE)
    # Widen the window between running StartCampaign and journaling it (a private hook: the
    # only way to make the race deterministic).
    journal = fake._journal
    record = journal.record

    def slow_record(call: Any) -> None:
        if call.operation == "StartCampaign":
            time.sleep(0.3)
        record(call)

    monkeypatch.setattr(journal, "record", slow_record)
    starter, dialer = stress_client(), stress_client()
    with fake:
        thread = threading.Thread(target=lambda: starter.start_campaign(id=campaign.id))
        thread.start()
        deadline = time.monotonic() + 5
        while campaign.state != "Running" and time.monotonic() < deadline:
            time.sleep(0.001)
        dialer.put_dial_request_batch(
            id=campaign.id,
            dialRequests=[
                {
                    "clientToken": "after-start",
                    "phoneNumber": "+15550100",
                    "expirationTime": fake.clock.now() + timedelta(seconds=60),
                    "attributes": {},
                }
            ],
        )
        thread.join()
    assert [c.operation for c in fake.calls] == ["StartCampaign", "PutDialRequestBatch"]
