"""What a fault's ``match`` may hold: keys that are input members (or batch items' members)
of the operations the rule can answer, and values that could equal a request's, checked
against the member's shape in the model (type, enum, pattern, length, members at any depth,
timestamps as aware datetimes). A rule that could never fire is refused when it is set."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from typing import Any, Callable, Union

from botocore.model import Shape

from ._model import COMMON_ERRORS, load
from ._nearest import did_you_mean
from ._seeds import unknown_members
from ._validation import violations

Match = Union[Mapping[str, Any], Callable[[dict[str, Any]], bool], None]


@cache
def may_answer(
    operation: str, code: str, service: str, modelled_only: frozenset[str] = frozenset()
) -> bool:
    """Whether ``operation`` may answer ``code``: its model lists it, or it is a common AWS
    error, which AWS may answer from any operation (unless the service answers that one only
    where the model lists it: ``modelled_only``)."""
    if code in load(service).errors_of(operation):
        return True
    return code in COMMON_ERRORS and code not in modelled_only


@cache
def answering_operations(code: str, service: str, modelled_only: frozenset[str]) -> tuple[str, ...]:
    """The operations of ``service`` that may answer ``code``, sorted."""
    operations = load(service).operations
    return tuple(op for op in sorted(operations) if may_answer(op, code, service, modelled_only))


def _input_members(operation: str, service: str) -> list[str]:
    shape = load(service).operations[operation].input_shape
    return sorted(shape.members) if shape is not None else []


def check_match(
    operation: str | None,
    code: str,
    match: Match,
    service: str,
    modelled_only: frozenset[str] = frozenset(),
) -> None:
    """A match mapping's keys must be request parameters the rule can ever see: input members
    of its operation, or, without an operation, all input members of one operation that may
    answer the code. Callables are not checked."""
    __tracebackhide__ = True
    if match is None or callable(match):
        return
    if not isinstance(match, Mapping):
        raise TypeError(
            f"match must be a mapping of request parameters or a callable, not {match!r}"
        )
    keys = list(match)
    if operation is not None:
        members = _input_members(operation, service)
        unknown = [key for key in keys if key not in members]
        if unknown:
            raise ValueError(
                f"match {_keys(unknown)} {_not_input_members(unknown)} of {operation}"
                f"{did_you_mean(unknown[0], members)}; "
                f"its members are: {', '.join(members) or '(none)'}"
            )
        shapes = load(service).operations[operation].input_shape.members
        for key, value in match.items():
            _check_match_value(f"match[{key!r}]=", key, shapes[key], value, f"{operation} requests")
        return
    model = load(service)
    every = sorted({m for op in model.operations for m in _input_members(op, service)})
    unknown = [key for key in keys if key not in every]
    if unknown:
        raise ValueError(
            f"match {_keys(unknown)} {_not_input_members(unknown)} of any {service} "
            f"operation{did_you_mean(unknown[0], every)}; input members are: {', '.join(every)}"
        )
    answering = list(answering_operations(code, service, modelled_only))
    candidates = [op for op in answering if set(keys) <= set(_input_members(op, service))]
    if not candidates:
        members = sorted({m for op in answering for m in _input_members(op, service)})
        raise ValueError(
            f"no operation that may answer {code} has all of the match keys "
            f"{', '.join(repr(k) for k in keys)}; those operations ({', '.join(answering)}) "
            f"have the members: {', '.join(members)}"
        )
    # Each value must be one some request of those operations could carry; the first
    # operation's complaint is shown when none could.
    for key, value in match.items():
        problems = [
            _match_value_problems(key, load(service).operations[op].input_shape.members[key], value)
            for op in candidates
        ]
        if all(problems):
            _refuse_match_value(f"match[{key!r}]=", problems[0], value, f"{candidates[0]} requests")


def check_item_match(
    operation: str, match: Match, service: str, item_keys: Mapping[str, str] | None = None
) -> None:
    """An item fault's match names members of the batch's items, or a key of ``item_keys``
    (a member of the batch request the items carry under that key, such as the id of the
    resource the batch is for): each value must be one such an item could carry, or the rule
    could never fire."""
    __tracebackhide__ = True
    if match is None or callable(match):
        return
    shapes = _item_member_shapes(operation, service, tuple(sorted((item_keys or {}).items())))
    for key, value in match.items():
        shape = shapes.get(key)
        if shape is None:
            raise ValueError(
                f"{key!r} is not a member of {operation} items; they have: "
                f"{', '.join(sorted(shapes))}"
            )
        _check_match_value(f"{_snake(key)}=", key, shape, value, f"{operation} items")


@cache
def _item_member_shapes(
    operation: str, service: str, item_keys: tuple[tuple[str, str], ...]
) -> dict[str, Shape]:
    """What an item of ``operation``'s batch carries, by name: the members of the structure
    its input lists, or the listed value itself (a list ``thingIds``: ``thingId``), and each
    ``item_keys`` key for the batch request's member it names, where the input has it."""
    shape = load(service).operations[operation].input_shape
    found: dict[str, Shape] = {}
    for name, member in shape.members.items():
        if member.type_name != "list":
            continue
        item = member.member
        if item.type_name == "structure":
            found.update(item.members)
        else:
            found[name.removesuffix("s")] = item
    for key, member in item_keys:
        if member in shape.members:
            found.setdefault(key, shape.members[member])
    return found


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _check_match_value(label: str, path: str, shape: Shape, value: Any, seen: str) -> None:
    __tracebackhide__ = True
    problems = _match_value_problems(path, shape, value)
    if problems:
        _refuse_match_value(label, problems, value, seen)


def _refuse_match_value(label: str, problems: list[str], value: Any, seen: str) -> None:
    __tracebackhide__ = True
    raise ValueError(
        f"{label}{value!r} could never match: {'; '.join(problems)} (a match value is "
        f"compared for equality with {seen} as the model shapes them)"
    )


def _match_value_problems(path: str, shape: Shape, value: Any) -> list[str]:
    """Why ``value`` can never equal a request's value of ``shape``: members the shape does
    not have (at any depth), a timestamp that is not an aware datetime (requests hold aware
    datetimes), then every constraint of the model (type, enum, pattern, length, range)."""
    problems = unknown_members(shape, value, path)
    problems += [
        f"{where} is a timestamp: give a timezone-aware datetime (a request's timestamps are "
        f"aware datetimes), not {type(found).__name__} {found!r}"
        for where, found in _timestamps(shape, value, path)
        if not (isinstance(found, datetime) and found.tzinfo is not None)
    ]
    if problems:
        return problems
    return violations(shape, value, path)


def _timestamps(shape: Shape, value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every timestamp member's value inside ``value``, with its path."""
    kind = shape.type_name
    if kind == "timestamp":
        yield path, value
    elif kind == "structure" and isinstance(value, Mapping):
        for name, member in value.items():
            if name in shape.members and member is not None:
                yield from _timestamps(shape.members[name], member, f"{path}.{name}")
    elif kind == "list" and isinstance(value, list):
        for index, element in enumerate(value):
            yield from _timestamps(shape.member, element, f"{path}[{index}]")
    elif kind == "map" and isinstance(value, Mapping):
        for key, element in value.items():
            yield from _timestamps(shape.value, element, f"{path}[{key!r}]")


def _keys(keys: list[Any]) -> str:
    return ("key " if len(keys) == 1 else "keys ") + ", ".join(repr(k) for k in keys)


def _not_input_members(keys: list[Any]) -> str:
    return "is not an input member" if len(keys) == 1 else "are not input members"
