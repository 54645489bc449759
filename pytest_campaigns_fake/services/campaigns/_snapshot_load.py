"""Snapshot data back into records: every record checked against the model's shapes and the
fake's invariants, each at its own path (``partitions[0].campaigns[1].dialRequests[0]``), so a
corrupted snapshot is refused naming the first violation, before anything is replaced
(``_snapshot.restore`` swaps the built store in only when all of it passed).

What is every API's (the creation sequence, accounts, partitions, instances) is read here;
each service's ``Section`` reads its own campaigns, quotas and settings
with the helpers below (``at``, ``campaign_data``, ``accepted_item``, ``keep``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Protocol

from botocore.model import Shape

from ...engine._errors import ServiceError
from ...engine._seeds import (
    check_access_key,
    check_account_id,
    check_request,
    enum,
    unknown_members,
)
from ...engine._validation import violations
from ...engine._wire import parse_timestamp, shaped
from ._batches import CLIENT_TOKEN_VALIDITY
from ._records import (
    V1,
    V2,
    Bucket,
    CampaignRecord,
    InstanceRecord,
    Store,
    members,
    shape,
)
from ._seeds import check_instance

# Whether each campaign is checked against the model: not for a state file's own snapshot,
# which the fake itself dumped (restore(own=True)).
checking: ContextVar[bool] = ContextVar("checking", default=True)
# An instance record's members beside those of the model's shapes: the fake's own.
_INSTANCE_OWN = ("polls", "jobStartedAt", "integrations", "communicationLimits")


class Violation(ValueError):
    """The first thing wrong in a snapshot, and the path of the record (and member) it is in."""

    def __init__(self, path: list[str], reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    @property
    def where(self) -> str:
        return ".".join(self.path)


@contextmanager
def at(segment: str) -> Iterator[None]:
    """Whatever goes wrong inside is reported at ``segment`` (under the enclosing ones)."""
    try:
        yield
    except Violation as violation:
        violation.path.insert(0, segment)
        raise
    except KeyError as exc:
        raise Violation([segment], f"missing member {exc.args[0]!r}") from None
    except ValueError as exc:
        raise Violation([segment], str(exc)) from None
    except (TypeError, AttributeError, IndexError) as exc:
        raise Violation([segment], f"{type(exc).__name__}: {exc}") from None


def items(raw: Any, name: str) -> list[Any]:
    if not isinstance(raw, list):
        raise ValueError(f"{name} must be a list, not {type(raw).__name__}")
    return raw


def by_seq(campaigns: list[Any]) -> list[tuple[int, Any]]:
    """The campaigns with their places in the snapshot, in creation order (a bucket's list
    order needs it); a seq that is not a number is found by the campaign's own check."""

    def seq(entry: tuple[int, Any]) -> int:
        found = entry[1].get("seq") if isinstance(entry[1], dict) else None
        return found if isinstance(found, int) and not isinstance(found, bool) else 0

    return sorted(enumerate(campaigns), key=seq)


class Section(Protocol):
    """One service's part of a snapshot: its top-level entries (quotas, settings), and in each
    partition, its campaigns. Loading is checked first and applied after (all or nothing)."""

    def dump(self) -> dict[str, Any]:
        """The section's top-level entries."""

    def dump_partition(self, bucket: Bucket) -> dict[str, Any]:
        """The section's entries of one account and region's partition."""

    def load(self, data: dict[str, Any]) -> Callable[[], None]:
        """Check the section's top-level entries of ``data``; returns what applies them."""

    def load_partition(
        self, part: dict[str, Any], bucket: Bucket, store: Store, seqs: dict[int, str]
    ) -> None:
        """Check one partition's entries of the section, and build its records in ``bucket``."""

    def clear(self) -> None:
        """Forget the service's state beyond the store (what ``reset()`` forgets)."""


def load_campaigns(
    part: dict[str, Any],
    names: tuple[str, str],
    campaigns: Bucket,
    record: Callable[[Any], CampaignRecord],
) -> None:
    """A partition's campaigns of one API, ``names`` its live and deleted lists (``campaigns``
    and ``deletedCampaigns``; v2's ``v2Campaigns`` and ``v2DeletedCampaigns``), into the
    bucket that holds that API's campaigns (a bucket, or its ``v2``), each made by ``record``."""
    live, deleted = names
    for name, gone in ((live, False), (deleted, True)):
        for index, raw in by_seq(items(part[name], name)):
            with at(f"{name}[{index}]"):
                campaign = record(raw)
                if gone:
                    campaigns.deleted[campaign.id] = campaign
                else:
                    campaigns.add(campaign)


def build(
    data: dict[str, Any], sections: Sequence[Section]
) -> tuple[Store, dict[str, str], list[Callable[[], None]]]:
    """The store a snapshot holds, its accounts, and what applies each section's top-level
    entries, read in the order a dump writes them (the first section's entries before the
    accounts, every other's after the partitions: the first violation is the first found)."""
    store = Store()
    with at("lastSeq"):
        store.last_seq = count(data["lastSeq"], "lastSeq")
    apply = [section.load(data) for section in sections[:1]]
    with at("accounts"):
        accounts = data["accounts"]
        if not isinstance(accounts, dict):
            raise ValueError(f"accounts must map access key ids to accounts: {accounts!r}")
        for key, account in accounts.items():
            with at(repr(key)):
                check_access_key(key)
                check_account_id(account)
    partitions = data["partitions"]
    if not isinstance(partitions, list):
        raise ValueError("partitions must be a list")
    seqs: dict[int, str] = {}
    places: set[tuple[str, str]] = set()
    for index, part in enumerate(partitions):
        with at(f"partitions[{index}]"):
            _partition(part, store, seqs, places, sections)
    accounts = {k: str(v) for k, v in accounts.items()}
    apply += [section.load(data) for section in sections[1:]]
    return store, accounts, apply


def _partition(
    part: dict[str, Any],
    store: Store,
    seqs: dict[int, str],
    places: set[tuple[str, str]],
    sections: Sequence[Section],
) -> None:
    """One account and region's records, checked one by one, each at its own path."""
    with at("account"):
        check_account_id(part["account"])
    with at("region"):
        if not isinstance(part["region"], str):
            raise ValueError(f"bad region {part['region']!r}")
    place = (part["account"], part["region"])
    if place in places:
        raise ValueError(f"partition {place[0]}/{place[1]} repeated: one per account and region")
    places.add(place)
    bucket = store.bucket(*place)
    for index, raw in enumerate(items(part["instances"], "instances")):
        with at(f"instances[{index}]"):
            record = _instance_record(raw)
            if record.connect_instance_id in bucket.instances:
                raise ValueError(
                    f"connectInstanceId {record.connect_instance_id!r} repeated: an instance "
                    "appears once per partition"
                )
            bucket.instances[record.connect_instance_id] = record
    for section in sections:
        section.load_partition(part, bucket, store, seqs)


def _instance_record(raw: dict[str, Any]) -> InstanceRecord:
    """An instance as a valid StartInstanceOnboardingJob made it, then its job and role."""
    unknown = set(raw) - members("InstanceConfig") - members("InstanceOnboardingJobStatus")
    unknown -= set(_INSTANCE_OWN)
    instance_id = raw["connectInstanceId"]
    if unknown:
        raise ValueError(f"instance {instance_id}: unknown member(s) {sorted(unknown)}")
    status, failure = raw["status"], raw["failureCode"]
    if status is None and "encryptionConfig" not in raw:
        # Known without a job or config: v2 integrations or limits written while
        # require_onboarding was off.
        request = check_request(
            "GetInstanceCommunicationLimits", {"connectInstanceId": instance_id}, V2
        )
    else:
        request = check_instance(instance_id, raw["encryptionConfig"])
    if status is not None and status not in enum("InstanceOnboardingJobStatusCode", V1):
        raise ValueError(f"instance {instance_id}: bad status {status!r}")
    if failure is not None and (
        status != "FAILED" or failure not in enum("InstanceOnboardingJobFailureCode", V1)
    ):
        raise ValueError(
            f"instance {instance_id}: bad failureCode {failure!r} for status {status!r}"
        )
    role = raw["serviceLinkedRoleArn"]
    # Onboarding that SUCCEEDED made the role, and only that: an instance without it would
    # answer GetConnectInstanceConfig with a config the model requires a role in.
    if status == "SUCCEEDED" and role is None:
        raise ValueError(
            f"instance {instance_id}: status SUCCEEDED without its serviceLinkedRoleArn (the "
            "role onboarding creates)"
        )
    if role is not None:
        if status != "SUCCEEDED":
            raise ValueError(
                f"instance {instance_id}: a serviceLinkedRoleArn with status {status!r} (only "
                "onboarding that SUCCEEDED has the role)"
            )
        broken = violations(shape("InstanceConfig").members["serviceLinkedRoleArn"], role, "")
        if broken:
            raise ValueError(f"instance {instance_id}: serviceLinkedRoleArn: {'; '.join(broken)}")
    config = {
        name: value
        for name, value in {**raw, **request}.items()
        if name in members("InstanceConfig") and value is not None
    }
    job = None
    if status is not None:
        job = {
            name: value
            for name, value in raw.items()
            if name in members("InstanceOnboardingJobStatus") and value is not None
        }
    record = InstanceRecord(config, job, count(raw["polls"], "polls"))
    started = raw["jobStartedAt"]
    record.job_started = None if started is None else when(started)
    integrations = items(raw["integrations"], "integrations")
    config_shape = shape("IntegrationConfig", V2)
    for index, integration in enumerate(integrations):
        with at(f"integrations[{index}]"):
            known_members(config_shape, integration)
            request = {"connectInstanceId": instance_id, "integrationConfig": integration}
            check_request("PutConnectInstanceIntegration", request, V2)
    record.set_integrations([dict(i) for i in integrations])
    limits = raw["communicationLimits"]
    if limits is not None:
        request = {"connectInstanceId": instance_id, "communicationLimitsConfig": limits}
        record.limits = check_request("PutInstanceCommunicationLimits", request, V2)[
            "communicationLimitsConfig"
        ]
    return record


def campaign_data(
    raw: dict[str, Any],
    bucket: Bucket,
    store: Store,
    seqs: dict[int, str],
    service: str,
    label: str,
    own: tuple[str, ...],
    check: Callable[[dict[str, Any], str], Any],
    tags: Callable[[dict[str, str]], None],
) -> dict[str, Any]:
    """A campaign's members in the ``Campaign`` shape of ``service``'s model, checked against
    it (and by ``check``, with the state; ``tags``, the tag cap), its id, ARN and seq against
    the store; what every campaign of a snapshot must be, whichever API made it. ``label``
    names it in messages; ``own``: the members the fake keeps beside the model's (state, seq,
    accepted requests)."""
    campaign_id, seq = raw["id"], raw["seq"]
    declared = members("Campaign", service)
    unknown = set(raw) - declared - set(own)
    if unknown:
        raise ValueError(f"{label} {campaign_id!r}: unknown member(s) {sorted(unknown)}")
    data = {name: value for name, value in raw.items() if name in declared}
    # Nested too: a union member this model does not have would be dropped without a word.
    if checking.get():
        known_members(shape("Campaign", service), data)
        check(data, raw["state"])
        broken = violations(shape("Campaign", service), data)
        if broken:
            raise ValueError(f"{label} {campaign_id!r}: " + "; ".join(broken))
    # As a request made it: timestamps as datetimes, numbers as the model's types.
    data = dict(shaped(shape("Campaign", service), data))
    try:
        tags(data.get("tags") or {})
    except ServiceError as error:
        raise ValueError(f"{label} {campaign_id!r}: {error.message}") from None
    if not isinstance(campaign_id, str) or not campaign_id or campaign_id in store.ids:
        raise ValueError(f"missing or repeated campaign id {campaign_id!r}")
    store.ids.add(campaign_id)
    if raw["arn"] != bucket.campaign_arn(campaign_id):
        raise ValueError(f"{label} {campaign_id}: arn {raw['arn']!r} is not its ARN")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq <= store.last_seq:
        raise ValueError(f"{label} {campaign_id}: seq {seq!r} is not from 1 to lastSeq")
    if seq in seqs:
        # List order and page tokens point at one campaign per place in the creation order.
        raise ValueError(
            f"{label} {campaign_id}: seq {seq} is also {seqs[seq]}'s (one campaign per seq)"
        )
    seqs[seq] = campaign_id
    data.setdefault("tags", {})
    return data


# An accepted request's members beside the request item's: the fake's own.
_ACCEPTED_OWN = ("id", "acceptedAt")


def accepted_item(
    raw: Any, item_shape: str, service: str, kept_raw: tuple[str, ...]
) -> dict[str, Any]:
    """An accepted request's item as its batch request carried it, checked against the
    model's item shape (``DialRequest``: the phone number's pattern, the attributes' map;
    unions with exactly one known member), in the model's shape (timestamps as datetimes).
    The members in ``kept_raw`` keep the snapshot's own spelling (nested values as sent)."""
    if not isinstance(raw, dict):
        raise ValueError(f"an accepted request is an object, not {type(raw).__name__}")
    if not isinstance(raw.get("id"), str) or not raw["id"]:
        raise ValueError(f"id must be a non-empty string, not {raw.get('id')!r}")
    item_model = shape(item_shape, service)
    # A snapshot writes an optional member the request left out as null.
    given = {name for name, value in raw.items() if value is not None}
    unknown = sorted(given - set(item_model.members) - set(_ACCEPTED_OWN))
    if unknown:
        raise ValueError(
            f"unknown member(s) {unknown}: the model's {item_shape} has "
            f"{', '.join(item_model.members)}"
        )
    item = {name: value for name, value in raw.items() if name in given & item_model.members.keys()}
    known_members(item_model, item)
    broken = violations(item_model, item)
    if broken:
        raise ValueError("; ".join(broken))
    made: dict[str, Any] = dict(shaped(item_model, item))
    for name in kept_raw:
        if name in item:
            made[name] = item[name]
    return made


def known_members(model: Shape, value: Any) -> None:
    unknown = unknown_members(model, value, "")
    if unknown:
        raise ValueError(unknown[0])


def keep(
    store: Store, label: str, accepted: Any, requests: list[Any], tokens: dict[str, Any]
) -> None:
    """An accepted request of a snapshot's campaign, kept with its campaign's requests and
    client tokens once its id and token are known to be its own."""
    _hold_id(store, label, accepted.id)
    _hold_token(tokens, accepted)
    requests.append(accepted)
    tokens[accepted.client_token] = accepted


def _hold_token(tokens: dict[str, Any], accepted: Any) -> None:
    """One client token names one request for as long as it is valid: the same token twice
    in a campaign means two requests accepted at least CLIENT_TOKEN_VALIDITY apart (a reuse
    after the token expired); closer, the second would have been the first's answer."""
    known = tokens.get(accepted.client_token)
    if known is not None and abs(accepted.accepted_at - known.accepted_at) < (
        CLIENT_TOKEN_VALIDITY
    ):
        raise ValueError(
            f"clientToken {accepted.client_token!r} repeated in one campaign within "
            f"{CLIENT_TOKEN_VALIDITY.days} days (requests {known.id} and {accepted.id}): a "
            "token names one request while it is valid"
        )


def _hold_id(store: Store, label: str, ident: str) -> None:
    if ident in store.ids:
        raise ValueError(f"{label}: repeated id {ident!r}")
    store.ids.add(ident)


def count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, not {value!r}")
    return int(value)


def when(text: str) -> Any:
    parsed = parse_timestamp(text) if isinstance(text, str) else None
    if parsed is None:
        raise ValueError(f"Not an ISO-8601 timestamp: {text!r}")
    return parsed
