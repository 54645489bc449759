"""``pytest-campaigns-fake verify DIR``: replay recordings against a fresh fake, and compare.

Each recording (``--campaigns-record``) is replayed in order against a fresh in-process fake,
through real botocore clients, as the test's own clients made the calls. Status, error code and
response body are compared after one normalization: values that legitimately differ between
two services (ids, ARNs, page tokens, timestamps) are matched by consistent renaming. The
first time a recorded id meets its replayed counterpart, the pair is noted; from then on that
recorded id must be answered with that replayed id (and no other recorded id with it), and the
recorded id inside a later request is rewritten to the replayed one before it is sent.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ._record import FORMAT, VERSION, plain

#: Exit statuses: every recording matches, one differs, the input cannot be read.
MATCH, DIFFER, UNREADABLE = 0, 1, 2
# Members whose values the service makes up: ids, ARNs, page tokens (by their member's name,
# the model's own naming; a list of them by the list's name).
_MADE_UP = re.compile(r"(^id$|^ids$|Id$|Ids$|[aA]rn$|[aA]rns$|Token$|^requestId$)")
# Ids shorter than this are not looked for inside longer strings of a request (an ARN the test
# built from an id): a short one could match by chance.
_EMBEDDED = 8
# Error messages are prose, worded as each service chooses: the code is what is compared.
_PROSE = ("Message", "message")


class Unreadable(Exception):
    """A recording verify cannot read: what is wrong with which file."""


@dataclass(frozen=True)
class Difference:
    """The first place a replayed exchange differs from its recording."""

    index: int  # 1-based, among the recording's exchanges
    operation: str
    recorded: dict[str, Any]
    replayed: dict[str, Any]
    path: str  # where in the exchange: status, errorCode, response.campaign.name, ...
    detail: str


@dataclass
class Outcome:
    """What replaying one recording found."""

    test: str
    exchanges: int = 0
    not_sent: int = 0
    differences: list[Difference] = field(default_factory=list)


@dataclass
class Renaming:
    """Recorded values the service makes up, and the replayed values they became."""

    ids: dict[str, tuple[str, int]] = field(default_factory=dict)  # recorded -> (replayed, at)
    taken: dict[str, str] = field(default_factory=dict)  # replayed -> recorded
    times: dict[str, tuple[str, int]] = field(default_factory=dict)

    def loaded(self, snapshot: Any) -> None:
        """A recorded state was loaded: the fake now holds the recorded ids themselves, each
        standing for itself (``at`` 0: the loaded state), and no other."""
        self.ids.clear()
        self.taken.clear()
        self.times.clear()
        for value in _made_up(snapshot, ""):
            self.ids[value] = (value, 0)
            self.taken[value] = value

    def match(self, kind: str, recorded: str, replayed: str, at: int) -> str | None:
        """None when the pair is consistent with every pair seen before (noting it), else why
        not. Ids pair one to one; a timestamp maps to one replayed timestamp (two resources made
        within one tick of the recorded service's clock may get two of the fake's)."""
        pairs = self.ids if kind == "id" else self.times
        seen = pairs.get(recorded)
        if seen is not None:
            if seen[0] == replayed:
                return None
            return (
                f"recorded {recorded!r} was replayed as {seen[0]!r} in {_where(seen[1])}, "
                f"and as {replayed!r} here"
            )
        if kind == "id":
            other = self.taken.get(replayed)
            if other is not None:
                return (
                    f"replayed {replayed!r} stands for recorded {other!r} (in "
                    f"{_where(self.ids[other][1])}), and for recorded {recorded!r} here"
                )
            self.taken[replayed] = recorded
        pairs[recorded] = (replayed, at)
        return None

    def rewrite(self, value: Any) -> Any:
        """A recorded request with the recorded ids it holds made the replayed ones."""
        if isinstance(value, dict):
            return {key: self.rewrite(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.rewrite(item) for item in value]
        if not isinstance(value, str):
            return value
        whole = self.ids.get(value)
        if whole is not None:
            return whole[0]
        for recorded, (replayed, _) in self.ids.items():
            if len(recorded) >= _EMBEDDED and recorded != replayed and recorded in value:
                value = value.replace(recorded, replayed)
        return value


def _where(at: int) -> str:
    return f"exchange {at}" if at else "the recorded state loaded before it"


def _made_up(value: Any, member: str) -> Iterator[str]:
    """The made-up values (ids, ARNs) anywhere in ``value``, by their members' names."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _made_up(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _made_up(item, member)
    elif isinstance(value, str) and _MADE_UP.search(member):
        yield value


def read(path: Path) -> dict[str, Any]:
    """A recording file's document, checked; Unreadable says what is wrong with it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise Unreadable(f"{path}: not a readable JSON file: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unreadable(f'{path}: not a recording (its "format" is not {FORMAT!r})')
    version = document.get("version")
    if version != VERSION:
        raise Unreadable(
            f"{path}: recording version {version!r}; this pytest-campaigns-fake reads version "
            f"{VERSION} (record again with this release)"
        )
    events = document.get("events")
    if not isinstance(events, list) or not isinstance(document.get("test"), str):
        raise Unreadable(f'{path}: a recording needs "test" (text) and "events" (a list)')
    for number, event in enumerate(events, 1):
        problem = _event_problem(event)
        if problem is not None:
            raise Unreadable(f"{path}: event {number}: {problem}")
    return document


def _event_problem(event: Any) -> str | None:
    if not isinstance(event, dict):
        return "not an object"
    kind = event.get("kind")
    needs: dict[str, type]
    if kind == "state":
        needs = {"snapshot": dict, "accountId": str, "region": str}
    elif kind == "exchange":
        needs = {"service": str, "operation": str, "params": dict, "status": int, "response": dict}
    else:
        return f'"kind" must be "state" or "exchange", not {kind!r}'
    for name, kind_of in needs.items():
        if not isinstance(event.get(name), kind_of):
            return f"{kind} event without {name!r} ({kind_of.__name__})"
    if not isinstance(event.get("time"), (int, float)):
        return f'{kind} event without "time" (epoch seconds)'
    return None


class Replay:
    """One recording replayed: a fresh fake, clients made as a user makes them."""

    def __init__(self, test: str, start: dict[str, Any] | None = None) -> None:
        from .._fake import CampaignsFake

        self.outcome = Outcome(test)
        # The state the recorded service started from (``--snapshot``), loaded into the fresh
        # fake before the first event.
        self._start = start
        self.names = Renaming()
        self._fake: CampaignsFake | None = None
        self._clients: dict[tuple[str, str], Any] = {}

    def close(self) -> None:
        if self._fake is not None:
            self._fake.stop()

    def _the_fake(self, account: str | None = None, region: str | None = None) -> Any:
        from .._fake import CampaignsFake

        if self._fake is None:
            # strict=False: no fault is ever set up here; any_region: the recording's clients
            # may have named any region.
            options: dict[str, Any] = {"any_region": True, "strict": False}
            if account is not None:
                options["account_id"] = account
            if region is not None:
                options["region"] = region
            fake = self._fake = CampaignsFake(**options).start()
            if self._start is not None:
                # A copy: every recording starts from the same data.
                fake.load(copy.deepcopy(self._start))
                self.names.loaded(self._start)
        return self._fake

    def state(self, event: dict[str, Any]) -> None:
        fake = self._the_fake(event["accountId"], event["region"])
        fake.clock.freeze(at=float(event["time"]))
        try:
            fake.load(event["snapshot"])
        except (ValueError, TypeError, KeyError) as error:
            raise Unreadable(f"{self.outcome.test}: a state event's snapshot: {error}") from None
        self.names.loaded(event["snapshot"])

    def exchange(self, event: dict[str, Any]) -> None:
        self.outcome.exchanges += 1
        index = self.outcome.exchanges
        if event.get("injected"):
            # A fault the test set up made this answer: it says nothing of the service.
            self.outcome.not_sent += 1
            return
        fake = self._the_fake()
        fake.clock.freeze(at=float(event["time"]))
        region = event.get("region") or fake.region
        replayed = self._send(event["service"], region, event["operation"], event["params"])
        difference = compare(event, replayed, self.names, index)
        if difference is not None:
            self.outcome.differences.append(difference)

    def _client(self, service: str, region: str) -> Any:
        """A client of ``service`` in ``region``, made as a user makes one (once per replay)."""
        from botocore.config import Config

        from ..interception._intercept import DUMMY_ACCESS_KEY, DUMMY_CREDENTIALS

        client = self._clients.get((service, region))
        if client is None:
            client = self._clients[(service, region)] = _session().create_client(
                service,
                region_name=region,
                aws_access_key_id=DUMMY_ACCESS_KEY,
                aws_secret_access_key=DUMMY_CREDENTIALS.secret_key,
                # Nothing here throttles: an error the first attempt gets is the answer.
                config=Config(retries={"total_max_attempts": 1}),
            )
        return client

    def _send(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        from botocore import xform_name
        from botocore.exceptions import ClientError

        try:
            client = self._client(service, region)
            answer = getattr(client, xform_name(operation))(**self.names.rewrite(params))
        except ClientError as error:
            body = {k: v for k, v in error.response.items() if k != "ResponseMetadata"}
            return {
                "status": error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0),
                "errorCode": error.response.get("Error", {}).get("Code"),
                "response": plain(body),
                "raised": None,
            }
        # What the client raised (a parameter it refused, a service or an operation this
        # botocore does not know): the recording may say the same.
        except Exception as error:
            return {"status": 0, "errorCode": None, "response": {}, "raised": type(error).__name__}
        return {
            "status": answer.get("ResponseMetadata", {}).get("HTTPStatusCode", 200),
            "errorCode": None,
            "response": plain({k: v for k, v in answer.items() if k != "ResponseMetadata"}),
            "raised": None,
        }


def compare(
    recorded: dict[str, Any], replayed: dict[str, Any], names: Renaming, index: int
) -> Difference | None:
    """The first difference between a recorded exchange and its replay, None when they match."""
    operation = recorded["operation"]

    def differ(path: str, detail: str) -> Difference:
        return Difference(index, operation, recorded, replayed, path, detail)

    for member in ("raised", "status", "errorCode"):
        if recorded.get(member) != replayed.get(member):
            return differ(
                member,
                f"recorded {recorded.get(member)!r}, replayed {replayed.get(member)!r}",
            )
    timestamps = _timestamp_members(recorded["service"], operation)
    body_recorded, body_replayed = recorded["response"], replayed["response"]
    if recorded.get("errorCode") is not None:
        body_recorded, body_replayed = _without_prose(body_recorded), _without_prose(body_replayed)
    found = _first(body_recorded, body_replayed, "response", "", timestamps, names, index)
    return None if found is None else differ(*found)


def _without_prose(body: dict[str, Any]) -> dict[str, Any]:
    trimmed = {k: v for k, v in body.items() if k not in _PROSE}
    error = trimmed.get("Error")
    if isinstance(error, dict):
        trimmed["Error"] = {k: v for k, v in error.items() if k not in _PROSE}
    return trimmed


def _first(
    recorded: Any,
    replayed: Any,
    path: str,
    member: str,
    timestamps: frozenset[str],
    names: Renaming,
    index: int,
) -> tuple[str, str] | None:
    """(path, what differs) of the first difference, depth first in the recorded order."""
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        for key in [*recorded, *(k for k in replayed if k not in recorded)]:
            where = f"{path}.{key}"
            if key not in replayed:
                return where, f"recorded {_short(recorded[key])}, absent from the replay"
            if key not in recorded:
                return where, f"absent from the recording, replayed {_short(replayed[key])}"
            found = _first(recorded[key], replayed[key], where, key, timestamps, names, index)
            if found is not None:
                return found
        return None
    if isinstance(recorded, list) and isinstance(replayed, list):
        if len(recorded) != len(replayed):
            return path, f"recorded {len(recorded)} item(s), replayed {len(replayed)}"
        for number, (one, other) in enumerate(zip(recorded, replayed)):
            found = _first(one, other, f"{path}[{number}]", member, timestamps, names, index)
            if found is not None:
                return found
        return None
    if isinstance(recorded, str) and isinstance(replayed, str):
        kind = "time" if member in timestamps else "id" if _MADE_UP.search(member) else None
        if kind is not None:
            problem = names.match(kind, recorded, replayed, index)
            return None if problem is None else (path, problem)
    if _number(recorded) and _number(replayed):
        # JSON's one kind of number: 1 and 1.0 are the same answer to the application.
        same = recorded == replayed
    else:
        same = type(recorded) is type(replayed) and recorded == replayed
    return None if same else (path, f"recorded {_short(recorded)}, replayed {_short(replayed)}")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."


_SESSION: list[Any] = []


def _session() -> Any:
    """One botocore session for the run: each session loads the models it is asked for once."""
    if not _SESSION:
        import botocore.session

        _SESSION.append(botocore.session.Session())
    return _SESSION[0]


_TIMESTAMPS: dict[tuple[str, str], frozenset[str]] = {}


def _timestamp_members(service: str, operation: str) -> frozenset[str]:
    """The names of the timestamp members anywhere in an operation's output, from the model."""
    key = (service, operation)
    found = _TIMESTAMPS.get(key)
    if found is None:
        from ..engine._model import load

        names: set[str] = set()
        try:
            shape = load(service).operations[operation].output_shape
        except Exception:  # an unknown service or operation: the replay said so already
            shape = None
        if shape is not None:
            _walk_timestamps(shape, names, set())
        found = _TIMESTAMPS[key] = frozenset(names)
    return found


def _walk_timestamps(shape: Any, names: set[str], seen: set[str]) -> None:
    if shape.name in seen:
        return
    seen.add(shape.name)
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if member.type_name == "timestamp":
                names.add(name)
            _walk_timestamps(member, names, seen)
    elif shape.type_name == "list":
        _walk_timestamps(shape.member, names, seen)
    elif shape.type_name == "map":
        _walk_timestamps(shape.value, names, seen)


def replay(document: dict[str, Any], start: dict[str, Any] | None = None) -> Outcome:
    """Replay one recording against a fresh fake (loaded from ``start`` when given); what it
    found."""
    run = Replay(document["test"], start)
    try:
        for event in document["events"]:
            if event["kind"] == "state":
                run.state(event)
            else:
                run.exchange(event)
    finally:
        run.close()
    return run.outcome


def recordings(directory: Path) -> Iterator[Path]:
    return iter(sorted(directory.glob("*.json")))


def verify(directory: Path, out: TextIO, errors: TextIO, snapshot: Path | None = None) -> int:
    """Replay every recording of ``directory``, each against a fresh fake (loaded from
    ``snapshot`` when given); print what differs and a summary; the exit status (MATCH, DIFFER,
    UNREADABLE)."""
    if not directory.is_dir():
        print(f"pytest-campaigns-fake verify: {directory} is not a directory", file=errors)
        return UNREADABLE
    start = None
    if snapshot is not None:
        try:
            start = _starting_state(snapshot)
        except Unreadable as error:
            print(f"pytest-campaigns-fake verify: {error}", file=errors)
            return UNREADABLE
    documents: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in recordings(directory):
        try:
            documents.append(read(path))
        except Unreadable as error:
            problems.append(str(error))
    if not documents and not problems:
        problems.append(f"{directory} holds no recording (*.json): record with --campaigns-record")
    if problems:
        for problem in problems:
            print(f"pytest-campaigns-fake verify: {problem}", file=errors)
        return UNREADABLE
    outcomes: list[Outcome] = []
    for document in documents:
        try:
            outcomes.append(replay(document, start))
        except Unreadable as error:
            print(f"pytest-campaigns-fake verify: {error}", file=errors)
            return UNREADABLE
    for outcome in outcomes:
        if outcome.differences:
            print(describe(outcome), file=out)
    print(summary(outcomes), file=out)
    return DIFFER if any(outcome.differences for outcome in outcomes) else MATCH


def _starting_state(path: Path) -> dict[str, Any]:
    """The snapshot of ``--snapshot``, read and loaded once into a fake to check it."""
    from .._fake import CampaignsFake
    from ..services.campaigns import _snapshot

    try:
        data: dict[str, Any] = _snapshot.read(str(path))
        CampaignsFake().load(data)
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise Unreadable(f"--snapshot {path}: {error}") from None
    return data


def describe(outcome: Outcome) -> str:
    """A differing recording's report: its first differing exchange, recorded and replayed."""
    first = outcome.differences[0]
    lines = [
        f"DIFFERS {outcome.test}",
        f"  exchange {first.index} of {outcome.exchanges}: {first.operation}",
        f"    recorded: {_answer(first.recorded)}",
        f"    replayed: {_answer(first.replayed)}",
        f"    at {first.path}: {first.detail}",
    ]
    later = len(outcome.differences) - 1
    if later:
        lines.append(f"  and {later} later exchange(s) differ")
    return "\n".join(lines)


def _answer(exchange: dict[str, Any]) -> str:
    if exchange.get("raised"):
        return f"raised {exchange['raised']}"
    code = exchange.get("errorCode")
    return f"{exchange['status']}" + (f" {code}" if code else "")


def summary(outcomes: list[Outcome]) -> str:
    exchanges = sum(outcome.exchanges for outcome in outcomes)
    not_sent = sum(outcome.not_sent for outcome in outcomes)
    differing = [outcome for outcome in outcomes if outcome.differences]
    text = (
        f"{len(differing)} of {len(outcomes)} recording(s) differ from the fake"
        if differing
        else f"{len(outcomes)} recording(s), {exchanges} exchange(s): all match the fake"
    )
    if not_sent:
        text += f" ({not_sent} exchange(s) answered by a fault the test injected, not replayed)"
    return text
