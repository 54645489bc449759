"""Appointment reminder calls through Amazon Connect Outbound Campaigns.

``ReminderDialer`` wraps a boto3 ``connectcampaigns`` client (passed in, so tests and callers
choose credentials, region and retry settings) and the app's sense of time (``sleep``,
``monotonic`` and ``now``, injectable so tests never wait).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Literal, TypeVar

from botocore.exceptions import ClientError

from .errors import (
    CampaignNotFound,
    CampaignNotRunning,
    CampaignQuotaExceeded,
    CampaignStateError,
    InstanceNotOnboarded,
    InstanceStillInUse,
    OnboardingFailed,
    OnboardingTimeout,
)
from .schedule import CallingHours

CampaignsClient = Any
"""A boto3 (or botocore) ``connectcampaigns`` client; boto3 ships no static types for it."""

MAX_BATCH = 25  # PutDialRequestBatch takes 1 to 25 dial requests
DEFAULT_EXPIRY = timedelta(minutes=5)  # the service accepts 30 s to 15 min
DialerKind = Literal["progressive", "predictive", "agentless"]
T = TypeVar("T")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Contact:
    """Someone to remind. ``key`` identifies the reminder (an appointment id, say); by default
    the phone number does, so the same number is called at most once per run."""

    phone_number: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    key: str | None = None


@dataclass(frozen=True)
class CampaignSpec:
    """What a reminder campaign dials with."""

    name: str
    connect_instance_id: str
    contact_flow_id: str
    queue_id: str | None = None
    source_phone_number: str | None = None
    dialer: DialerKind = "progressive"
    bandwidth_allocation: float = 1.0
    dialing_capacity: float | None = None
    answering_machine_detection: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)

    def dialer_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        if self.dialer != "agentless":
            config["bandwidthAllocation"] = self.bandwidth_allocation
        if self.dialing_capacity is not None:
            config["dialingCapacity"] = self.dialing_capacity
        return {f"{self.dialer}DialerConfig": config}

    def outbound_call_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"connectContactFlowId": self.contact_flow_id}
        if self.queue_id is not None:
            config["connectQueueId"] = self.queue_id
        if self.source_phone_number is not None:
            config["connectSourcePhoneNumber"] = self.source_phone_number
        if self.answering_machine_detection:
            config["answerMachineDetectionConfig"] = {"enableAnswerMachineDetection": True}
        return config


@dataclass(frozen=True)
class CampaignRef:
    id: str
    arn: str
    name: str


@dataclass(frozen=True)
class Accepted:
    contact: Contact
    client_token: str
    dial_request_id: str


@dataclass(frozen=True)
class Rejected:
    """A contact the service would not take: InvalidInput, UnknownError, or RequestThrottled
    on every one of the app's attempts."""

    contact: Contact
    client_token: str
    failure_code: str


@dataclass
class PushResult:
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    batches: int = 0
    """PutDialRequestBatch calls the app made (botocore's own retries not counted)."""
    throttled_rounds: int = 0
    """Rounds in which the app re-sent items that came back RequestThrottled."""

    @property
    def ok(self) -> bool:
        return not self.rejected


def client_token(run_key: str, contact: Contact) -> str:
    """The dial request's client token: the same run key and contact give the same token, so
    a run that is repeated (a crash, a cron job that fires twice) dials nobody twice."""
    identity = f"{run_key}\x1f{contact.key if contact.key is not None else contact.phone_number}"
    return "rem-" + hashlib.sha256(identity.encode()).hexdigest()[:48]


def make_client(
    region: str | None = None, *, max_attempts: int = 5, session: Any | None = None
) -> CampaignsClient:
    """A connectcampaigns client whose standard-mode retries absorb ThrottlingException.

    ``max_attempts`` counts every attempt, the first included (botocore's
    ``total_max_attempts``; its ``max_attempts`` key counts only the retries).
    ``session`` is a ``boto3.session.Session`` (default: a new one from the environment).
    """
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": max_attempts})
    factory = session if session is not None else boto3.session.Session()
    return factory.client("connectcampaigns", region_name=region, config=config)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ReminderDialer:
    """Runs reminder campaigns on one Amazon Connect Outbound Campaigns client."""

    def __init__(
        self,
        client: CampaignsClient,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
        expiry: timedelta = DEFAULT_EXPIRY,
        batch_size: int = MAX_BATCH,
        max_item_attempts: int = 4,
        item_retry_delay: float = 1.0,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}, not {batch_size}")
        if max_item_attempts < 1:
            raise ValueError("max_item_attempts must be at least 1")
        self.client = client
        self._sleep = sleep
        self._monotonic = monotonic
        self._now = now
        self.expiry = expiry
        self.batch_size = batch_size
        self.max_item_attempts = max_item_attempts
        self.item_retry_delay = item_retry_delay

    # -- onboarding --------------------------------------------------------------------------

    def onboard(
        self,
        instance_id: str,
        *,
        kms_key_arn: str | None = None,
        timeout: float = 900.0,
        poll_interval: float = 15.0,
        restart_failed: bool = True,
    ) -> dict[str, Any]:
        """Onboard a Connect instance to outbound campaigns and wait until it is ready.

        Returns the instance's config (GetConnectInstanceConfig). A FAILED job left over from
        an earlier attempt is deleted and started again once (``restart_failed``; the service
        would otherwise keep answering with the old failure); a job that fails while we wait
        raises ``OnboardingFailed`` with its failure code, since starting it again would fail
        the same way. ``OnboardingTimeout`` when it is still in progress after ``timeout``.
        """
        encryption: dict[str, Any] = {"enabled": False}
        if kms_key_arn is not None:
            encryption = {"enabled": True, "encryptionType": "KMS", "keyArn": kms_key_arn}
        job = self._start_onboarding(instance_id, encryption)
        if job["status"] == "FAILED" and restart_failed:
            self.client.delete_instance_onboarding_job(connectInstanceId=instance_id)
            job = self._start_onboarding(instance_id, encryption)
        started = self._monotonic()
        polls = 0
        while job["status"] == "IN_PROGRESS":
            remaining = started + timeout - self._monotonic()
            if remaining <= 0:
                raise OnboardingTimeout(instance_id, self._monotonic() - started, polls)
            self._sleep(min(poll_interval, remaining))
            job = self.client.get_instance_onboarding_job_status(connectInstanceId=instance_id)[
                "connectInstanceOnboardingJobStatus"
            ]
            polls += 1
        if job["status"] == "FAILED":
            raise OnboardingFailed(instance_id, job.get("failureCode"))
        config: dict[str, Any] = self.client.get_connect_instance_config(
            connectInstanceId=instance_id
        )["connectInstanceConfig"]
        return config

    def _start_onboarding(self, instance_id: str, encryption: dict[str, Any]) -> dict[str, Any]:
        answer = self.client.start_instance_onboarding_job(
            connectInstanceId=instance_id, encryptionConfig=encryption
        )
        job: dict[str, Any] = answer["connectInstanceOnboardingJobStatus"]
        return job

    def offboard(self, instance_id: str) -> bool:
        """Disable outbound campaigns on an instance; False if they were not enabled."""
        try:
            self.client.delete_connect_instance_config(connectInstanceId=instance_id)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return False
            if _code(error) == "InvalidStateException":
                raise InstanceStillInUse(instance_id, _message(error)) from error
            raise
        return True

    # -- campaigns ---------------------------------------------------------------------------

    def create_campaign(self, spec: CampaignSpec) -> CampaignRef:
        request: dict[str, Any] = {
            "name": spec.name,
            "connectInstanceId": spec.connect_instance_id,
            "dialerConfig": spec.dialer_config(),
            "outboundCallConfig": spec.outbound_call_config(),
        }
        if spec.tags:
            request["tags"] = dict(spec.tags)
        try:
            answer = self.client.create_campaign(**request)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                raise InstanceNotOnboarded(spec.connect_instance_id) from error
            if _code(error) == "ServiceQuotaExceededException":
                raise CampaignQuotaExceeded(_message(error)) from error
            raise
        return CampaignRef(answer["id"], answer["arn"], spec.name)

    def find_campaign(self, name: str, instance_id: str) -> CampaignRef | None:
        """The first campaign of the instance with this name, if there is one."""
        pages = self.client.get_paginator("list_campaigns").paginate(
            filters={"instanceIdFilter": {"value": instance_id, "operator": "Eq"}}
        )
        for page in pages:
            for summary in page["campaignSummaryList"]:
                if summary["name"] == name:
                    return CampaignRef(summary["id"], summary["arn"], summary["name"])
        return None

    def state(self, campaign_id: str) -> str:
        with _translated(campaign_id, "read"):
            state: str = self.client.get_campaign_state(id=campaign_id)["state"]
        return state

    def start(self, campaign_id: str) -> None:
        with _translated(campaign_id, "start"):
            self.client.start_campaign(id=campaign_id)

    def pause(self, campaign_id: str) -> None:
        with _translated(campaign_id, "pause", CampaignNotRunning):
            self.client.pause_campaign(id=campaign_id)

    def resume(self, campaign_id: str) -> None:
        with _translated(campaign_id, "resume"):
            self.client.resume_campaign(id=campaign_id)

    def launch(
        self, spec: CampaignSpec, contacts: Iterable[Contact], *, run_key: str
    ) -> tuple[CampaignRef, PushResult]:
        """Create (or find, by name) the campaign, start it if new, and push the contacts.

        Safe to run again with the same ``run_key``: the campaign is found rather than
        created twice, and nobody is dialed twice.
        """
        campaign = self.find_campaign(spec.name, spec.connect_instance_id)
        if campaign is None:
            campaign = self.create_campaign(spec)
        if self.state(campaign.id) == "Initialized":
            self.start(campaign.id)
        return campaign, self.push(campaign.id, contacts, run_key=run_key)

    def enforce_calling_hours(
        self, campaign_id: str, hours: CallingHours
    ) -> Literal["paused", "resumed"] | None:
        """Pause a running campaign outside calling hours and resume a paused one inside them.

        Meant for a scheduler that runs every few minutes; returns what it did.
        """
        state = self.state(campaign_id)
        allowed = hours.allows(self._now())
        if state == "Running" and not allowed:
            self.pause(campaign_id)
            return "paused"
        if state == "Paused" and allowed:
            self.resume(campaign_id)
            return "resumed"
        return None

    def shutdown(self, campaign_id: str, *, offboard_instance: bool = False) -> bool:
        """Stop and delete the campaign; False if it was already gone.

        With ``offboard_instance``, also disable outbound campaigns on its Connect instance
        (``InstanceStillInUse`` if the instance has other campaigns).
        """
        try:
            campaign = self.client.describe_campaign(id=campaign_id)["campaign"]
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return False
            raise
        if self.state(campaign_id) in ("Running", "Paused"):
            self._stop(campaign_id)
        try:
            self.client.delete_campaign(id=campaign_id)
        except ClientError as error:
            if _code(error) != "ResourceNotFoundException":
                raise
        if offboard_instance:
            self.offboard(campaign["connectInstanceId"])
        return True

    def _stop(self, campaign_id: str) -> None:
        try:
            self.client.stop_campaign(id=campaign_id)
        except ClientError as error:
            # Stopped by someone else in the meantime: that is what we wanted.
            if _code(error) != "InvalidCampaignStateException" or error.response.get(
                "state"
            ) not in ("Stopped", "Failed"):
                raise

    # -- dial requests -----------------------------------------------------------------------

    def push(self, campaign_id: str, contacts: Iterable[Contact], *, run_key: str) -> PushResult:
        """Send dial requests for ``contacts`` in batches of ``batch_size``.

        Items that come back RequestThrottled are sent again, up to ``max_item_attempts`` in
        all, with exponential backoff; InvalidInput and UnknownError items are not retried.
        Everything that was not accepted is in ``rejected``. Contacts with the same client
        token (same key, or same number without a key) are sent once.

        ``CampaignNotRunning`` if the campaign is not Running; the batches sent before it
        stay accepted, and pushing again with the same ``run_key`` sends only the rest.
        """
        pending: dict[str, Contact] = {}
        for contact in contacts:
            pending.setdefault(client_token(run_key, contact), contact)
        result = PushResult()
        attempt = 1
        while pending:
            throttled: dict[str, Contact] = {}
            for batch in chunks(list(pending.items()), self.batch_size):
                answer = self._put_batch(campaign_id, batch)
                result.batches += 1
                for item in answer.get("successfulRequests", []):
                    token = item["clientToken"]
                    result.accepted.append(Accepted(pending[token], token, item["id"]))
                for item in answer.get("failedRequests", []):
                    token, code = item["clientToken"], item["failureCode"]
                    if code == "RequestThrottled" and attempt < self.max_item_attempts:
                        throttled[token] = pending[token]
                    else:
                        result.rejected.append(Rejected(pending[token], token, code))
            pending = throttled
            if pending:
                self._sleep(self.item_retry_delay * 2 ** (attempt - 1))
                attempt += 1
                result.throttled_rounds += 1
        return result

    def _put_batch(self, campaign_id: str, batch: Sequence[tuple[str, Contact]]) -> dict[str, Any]:
        expires = self._now() + self.expiry
        requests = [
            {
                "clientToken": token,
                "phoneNumber": contact.phone_number,
                "expirationTime": expires,
                "attributes": dict(contact.attributes),
            }
            for token, contact in batch
        ]
        with _translated(campaign_id, "push dial requests to", CampaignNotRunning):
            answer: dict[str, Any] = self.client.put_dial_request_batch(
                id=campaign_id, dialRequests=requests
            )
        return answer


@contextmanager
def _translated(
    campaign_id: str, operation: str, state_error: type[CampaignStateError] = CampaignStateError
) -> Iterator[None]:
    """Turn the ClientErrors of one campaign operation into the app's exceptions."""
    try:
        yield
    except ClientError as error:
        code = _code(error)
        if code == "ResourceNotFoundException":
            raise CampaignNotFound(campaign_id) from error
        if code == "InvalidCampaignStateException":
            raise state_error(campaign_id, operation, error.response.get("state")) from error
        raise


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))
