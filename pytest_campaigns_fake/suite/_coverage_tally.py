"""What ``--campaigns-coverage`` counts, and the report it makes of the counts.

A ``Tally`` counts the outcomes of every API call a run's clients made (one ``Exchange`` each,
from ``interception._observe``): success, each error code, each per-item failure code found in a
batch answer, each exception raised without an answer. The counts are plain JSON-able data, so
that an xdist worker hands its own to the controller, which adds them up (``merge``).

``report`` sets the counts beside the botocore model installed now: the errors the model lists
for each operation (``OperationModel.error_shapes``) and the per-item failure codes its output
shape declares (a ``failureCode`` member of the items of a list, with the member's enum) that no
call ever got, and the operations never called. ``table`` is the same as text.
"""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore
from botocore.model import Shape

from .._fake import SERVICES as SERVICES
from ..engine import _model
from ..interception._observe import Exchange

#: The APIs whose calls are counted: every client of these services, whatever answers it.
#: What the JSON document says it is, and its schema's version (bumped on any change a reader
#: of version 1 would misread; a field added is not such a change).
FORMAT = "pytest-campaigns-fake suite coverage"
VERSION = 1

# One operation's counts, as workers send them: {"calls": n, "success": n, "errors": {code: n},
# "items": {path: {code: n}}, "raised": {exception type: n}}.
Counts = dict[str, Any]
# Every operation's counts: {service: {operation: Counts}}.
Data = dict[str, dict[str, Counts]]


@dataclass(frozen=True)
class FailureList:
    """Where a batch answer lists its per-item failures: the path from the output shape to a
    failure code member (``failedRequests[].failureCode``), and the codes its enum declares."""

    path: tuple[str, ...]
    codes: tuple[str, ...]

    @property
    def name(self) -> str:
        """The path as written in the JSON document: ``failedRequests[].failureCode``."""
        return "".join(step if step in ("[]", "{}") else f".{step}" for step in self.path)[1:]

    def codes_in(self, answer: Any, steps: tuple[str, ...] | None = None) -> Iterator[str]:
        """Each failure code found along the path in a parsed answer."""
        steps = self.path if steps is None else steps
        if not steps:
            if isinstance(answer, str):
                yield answer
            return
        step, rest = steps[0], steps[1:]
        if step == "[]" and isinstance(answer, list):
            nested: list[Any] = answer
        elif step == "{}" and isinstance(answer, dict):
            nested = list(answer.values())
        elif isinstance(answer, dict) and step in answer:
            nested = [answer[step]]
        else:
            nested = []
        for inner in nested:
            yield from self.codes_in(inner, rest)


def _is_failure_code(member: str) -> bool:
    # failureCode, FailureCode, failure_code: the member every batch answer of these APIs
    # names its items' failures with.
    return member.replace("_", "").lower() == "failurecode"


def _failure_lists(shape: Shape, path: tuple[str, ...], seen: frozenset[str]) -> list[FailureList]:
    if shape.name in seen:  # a recursive shape: every path through it is found once
        return []
    seen = seen | {shape.name}
    found: list[FailureList] = []
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            inside = (*path, name)
            # Per item only: a failure code outside any list (an onboarding job's status) is
            # the state of one resource, not one item of a batch failing.
            if _is_failure_code(name) and ("[]" in path or "{}" in path):
                found.append(FailureList(inside, tuple(member.enum or ())))
            else:
                found.extend(_failure_lists(member, inside, seen))
    elif shape.type_name == "list":
        found.extend(_failure_lists(shape.member, (*path, "[]"), seen))
    elif shape.type_name == "map":
        found.extend(_failure_lists(shape.value, (*path, "{}"), seen))
    return found


@cache
def failure_lists(service: str, operation: str) -> tuple[FailureList, ...]:
    """Where the installed model's answer of ``operation`` lists per-item failures."""
    model = _model.load(service)
    op = model.operations.get(operation)
    if op is None or op.output_shape is None:
        return ()
    return tuple(_failure_lists(op.output_shape, (), frozenset()))


def model_errors(service: str, operation: str) -> tuple[str, ...]:
    """The errors the installed model lists for ``operation`` (none for one it lacks)."""
    model = _model.load(service)
    return model.errors_of(operation) if operation in model.operations else ()


def _new_counts() -> Counts:
    return {"calls": 0, "success": 0, "errors": {}, "items": {}, "raised": {}}


def _add(counts: dict[str, int], key: str, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by


class Tally:
    """The outcomes of a run's calls, counted per API and operation; safe across threads (an
    application may call from several)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: Data = {}

    def add(self, exchange: Exchange) -> None:
        """Count one call (an ``observe`` observer)."""
        with self._lock:
            counts = self._counts(exchange.service, exchange.operation)
            counts["calls"] += 1
            if exchange.raised is not None:
                _add(counts["raised"], exchange.raised)
            elif exchange.error_code is not None:
                _add(counts["errors"], exchange.error_code)
            else:
                counts["success"] += 1
                for failures in failure_lists(exchange.service, exchange.operation):
                    for code in failures.codes_in(exchange.response):
                        _add(counts["items"].setdefault(failures.name, {}), code)

    def merge(self, data: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Add another tally's ``data()`` (an xdist worker's) to this one."""
        with self._lock:
            for service, operations in data.items():
                for operation, other in operations.items():
                    counts = self._counts(service, operation)
                    counts["calls"] += other["calls"]
                    counts["success"] += other["success"]
                    for kind in ("errors", "raised"):
                        for key, number in other[kind].items():
                            _add(counts[kind], key, number)
                    for path, codes in other["items"].items():
                        for code, number in codes.items():
                            _add(counts["items"].setdefault(path, {}), code, number)

    def data(self) -> Data:
        """The counts as plain data (a copy): what a worker hands the controller."""
        with self._lock:
            return {
                service: {
                    operation: {
                        "calls": counts["calls"],
                        "success": counts["success"],
                        "errors": dict(counts["errors"]),
                        "items": {path: dict(codes) for path, codes in counts["items"].items()},
                        "raised": dict(counts["raised"]),
                    }
                    for operation, counts in operations.items()
                }
                for service, operations in self._data.items()
            }

    def _counts(self, service: str, operation: str) -> Counts:
        return self._data.setdefault(service, {}).setdefault(operation, _new_counts())


def _sorted(counts: Mapping[str, int]) -> dict[str, int]:
    return {key: counts[key] for key in sorted(counts)}


def report(data: Data, lost_workers: list[str] | None = None) -> dict[str, Any]:
    """The JSON document of ``data`` (schema: docs/suite-coverage.md), against the model
    installed now."""
    apis: dict[str, Any] = {}
    for service in sorted({*SERVICES, *data}):
        called = data.get(service, {})
        in_model = set(_model.load(service).operations) if service in SERVICES else set()
        operations: dict[str, Any] = {}
        for operation in sorted(called):
            counts = called[operation]
            errors = model_errors(service, operation)
            lists = failure_lists(service, operation)
            items = counts["items"]
            operations[operation] = {
                "calls": counts["calls"],
                "in_model": operation in in_model,
                "seen": {
                    "success": counts["success"],
                    "errors": _sorted(counts["errors"]),
                    "item_failures": {
                        failures.name: _sorted(items.get(failures.name, {})) for failures in lists
                    },
                    "raised": _sorted(counts["raised"]),
                },
                "never_seen": {
                    "errors": sorted(set(errors) - set(counts["errors"])),
                    "item_failures": {
                        failures.name: sorted(
                            set(failures.codes) - set(items.get(failures.name, {}))
                        )
                        for failures in lists
                    },
                },
            }
        apis[service] = {
            "operations_in_model": len(in_model),
            "called": operations,
            "never_called": sorted(in_model - set(called)),
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "botocore": botocore.__version__,
        "lost_workers": sorted(lost_workers or []),
        "apis": apis,
    }


def _seen_cells(entry: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    seen, never = entry["seen"], entry["never_seen"]
    outcomes = [f"success {seen['success']}"] if seen["success"] else []
    outcomes += [f"{code} {number}" for code, number in seen["errors"].items()]
    unseen = list(never["errors"])
    for name, codes in seen["item_failures"].items():
        label = _label(name)
        outcomes += [f"{label}: {code} {number}" for code, number in codes.items()]
        unseen += [f"{label}: {code}" for code in never["item_failures"][name]]
    outcomes += [f"{kind} (raised, no answer) {number}" for kind, number in seen["raised"].items()]
    return outcomes, unseen


def _label(name: str) -> str:
    """The list a failure path's items belong to, as the table shows it:
    ``failedRequests[].failureCode`` -> ``failedRequests``."""
    head = name.rsplit(".", 1)[0] if "." in name else name
    while head.endswith(("[]", "{}")):
        head = head[:-2]
    return head or name


def table(document: Mapping[str, Any], width: int = 100) -> list[str]:
    """The report as the lines of the terminal's section."""
    lines: list[str] = []
    for service, api in document["apis"].items():
        called, never_called = api["called"], api["never_called"]
        total = api["operations_in_model"]
        if not called:
            lines.append(f"{service}: never called ({total} operations in the model)")
            continue
        calls = sum(entry["calls"] for entry in called.values())
        in_model = sum(1 for entry in called.values() if entry["in_model"])
        lines.append(
            f"{service}: {in_model} of {total} operations called, "
            f"{calls} call{'s' if calls != 1 else ''}"
        )
        rows = [("operation", "calls", "outcomes seen", "errors the model lists, never seen")]
        spans: list[list[tuple[str, str, str, str]]] = []
        for operation, entry in called.items():
            outcomes, unseen = _seen_cells(entry)
            name = operation if entry["in_model"] else f"{operation} (not in the model)"
            height = max(len(outcomes), len(unseen), 1)
            outcomes += [""] * (height - len(outcomes))
            unseen += [""] * (height - len(unseen))
            spans.append(
                [
                    (name if i == 0 else "", str(entry["calls"]) if i == 0 else "", seen, never)
                    for i, (seen, never) in enumerate(zip(outcomes, unseen))
                ]
            )
        widths = [
            max(len(row[column]) for row in rows + [r for span in spans for r in span])
            for column in range(4)
        ]
        lines.append("  " + _row(rows[0], widths))
        rule = ["-" * w for w in widths]
        lines.append("  " + _row((rule[0], rule[1], rule[2], rule[3]), widths))
        for span in spans:
            lines.extend("  " + _row(row, widths) for row in span)
        if never_called:
            lines.extend(
                textwrap.wrap(
                    ", ".join(never_called),
                    width=max(width, 40),
                    initial_indent=f"  never called ({len(never_called)}): ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )
            )
    if document["lost_workers"]:
        lines.append(
            f"incomplete: worker(s) {', '.join(document['lost_workers'])} ended without handing "
            "over their counts (crashed?): their calls are missing"
        )
    return lines


def _row(cells: tuple[str, str, str, str], widths: list[int]) -> str:
    name, calls, seen, never = cells
    return f"{name:<{widths[0]}}  {calls:>{widths[1]}}  {seen:<{widths[2]}}  {never}".rstrip()
