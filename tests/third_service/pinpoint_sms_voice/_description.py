"""The rules of pinpoint-sms-voice's configuration sets and voice messages, and its state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from pytest_campaigns_fake.engine._clock import Clock, Ids
from pytest_campaigns_fake.engine._engine import Description, Operation, Result
from pytest_campaigns_fake.engine._errors import ServiceError
from pytest_campaigns_fake.engine._model import load
from pytest_campaigns_fake.services._registry import ServicePackage

MODEL = load("pinpoint-sms-voice")
#: ListConfigurationSets' page when the request names no PageSize (AWS documents none).
DEFAULT_PAGE_SIZE = 20


@dataclass
class Bucket:
    """What one account sees in one region."""

    #: Configuration set names, in the order they were created.
    configuration_sets: dict[str, None] = field(default_factory=dict)
    #: Every voice message accepted: its MessageId and the request's members.
    messages: list[dict[str, Any]] = field(default_factory=list)


class SmsVoice:
    """The service's state on one fake: a bucket per (account, region)."""

    def __init__(self, clock: Clock, ids: Ids) -> None:
        self.clock = clock
        self.ids = ids
        self.buckets: dict[tuple[str, str], Bucket] = {}

    def bucket(self, account: str, region: str) -> Bucket:
        found = self.buckets.get((account, region))
        if found is None:
            found = self.buckets[account, region] = Bucket()
        return found

    def clear(self) -> None:
        self.buckets.clear()


OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    """Register a rule under the model's name of its operation."""

    def register(rule: Operation) -> Operation:
        # An operation an older botocore's model lacks (ListConfigurationSets came after
        # 1.38.46) has no rule: the engine never routes a request to it.
        if name in MODEL.operations:
            OPERATIONS[name] = rule
        return rule

    return register


def bad_request(message: str) -> ServiceError:
    return ServiceError("BadRequestException", message)


@operation("CreateConfigurationSet")
def create_configuration_set(state: SmsVoice, bucket: Bucket, params: dict[str, Any]) -> Result:
    name = params.get("ConfigurationSetName")
    if not name:
        raise bad_request("ConfigurationSetName is required")
    if name in bucket.configuration_sets:
        raise ServiceError("AlreadyExistsException", f"Configuration set {name} already exists")
    bucket.configuration_sets[name] = None
    return {}


@operation("ListConfigurationSets")
def list_configuration_sets(state: SmsVoice, bucket: Bucket, params: dict[str, Any]) -> Result:
    size = params.get("PageSize", str(DEFAULT_PAGE_SIZE))
    if not size.isdigit() or int(size) < 1:
        raise bad_request(f"PageSize must be a positive number, not {size!r}")
    token = params.get("NextToken", "0")
    if not token.isdigit():
        raise bad_request(f"Invalid NextToken: {token}")
    start, end = int(token), int(token) + int(size)
    names = list(bucket.configuration_sets)
    answer: dict[str, Any] = {"ConfigurationSets": names[start:end]}
    if end < len(names):
        answer["NextToken"] = str(end)
    return answer


@operation("DeleteConfigurationSet")
def delete_configuration_set(state: SmsVoice, bucket: Bucket, params: dict[str, Any]) -> Result:
    name = params["ConfigurationSetName"]
    if name not in bucket.configuration_sets:
        raise ServiceError("NotFoundException", f"Configuration set {name} does not exist")
    del bucket.configuration_sets[name]
    return {}


@operation("SendVoiceMessage")
def send_voice_message(state: SmsVoice, bucket: Bucket, params: dict[str, Any]) -> Result:
    for required in ("DestinationPhoneNumber", "Content"):
        if not params.get(required):
            raise bad_request(f"{required} is required")
    name = params.get("ConfigurationSetName")
    if name is not None and name not in bucket.configuration_sets:
        # The model lists no NotFoundException for this operation.
        raise bad_request(f"Configuration set {name} does not exist")
    message_id = state.ids.uuid()
    bucket.messages.append({"MessageId": message_id, **params})
    return {"MessageId": message_id}


def _buckets(state: SmsVoice) -> Callable[[str, str], Bucket]:
    return state.bucket


DESCRIPTION = Description(model=MODEL, operations=OPERATIONS, buckets=_buckets)
SERVICE = ServicePackage(DESCRIPTION, state=SmsVoice)
