"""What a value given to a journal query means, checked against the model's shape of its member.

A value that no request the service accepted can hold (a string for an integer, ``"EQ"`` for
``Eq``, a naive datetime, a dict without a member every request has, a matcher where no list
is) would make ``assert_not_called`` pass and ``count_of`` answer 0 by accident: it is a
``FakeUsageError`` when given, naming the member's path, what the model allows and what was
given. Values that unambiguously mean what the journal holds (a tuple for a list, an ISO 8601
string with an offset or epoch seconds for a timestamp) are read as that.

Lengths, ranges and patterns are not checked: the journal keeps the requests the service
refused as they were sent, and such a value can match one of those.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import FakeUsageError
from ._nearest import did_you_mean

if TYPE_CHECKING:
    from botocore.model import Shape

# What a value of each scalar type must be in Python, and how the model's type reads.
_INTEGERS = ("integer", "long")
_NUMBERS = ("double", "float")
_Data = TypeVar("_Data")


def refused(message: str) -> AssertionError:
    """The FakeUsageError for ``message``."""
    return FakeUsageError(message)


def _given(value: Any) -> str:
    return f"given {value!r} (a {type(value).__name__})"


def _never(path: str, allows: str, value: Any, advice: str = "") -> AssertionError:
    return refused(
        f"{path}: the model allows {allows}, {_given(value)}, which no call can match"
        + (f"; {advice}" if advice else "")
    )


def expect(path: str, shape: Shape, value: Any, siblings: Mapping[str, Shape] | None = None) -> Any:
    """``value`` as compared with what the journal holds for member ``path`` of ``shape``
    (a member of the structure whose members are ``siblings``, named when a matcher that
    needs a list is given another member); FakeUsageError when it can never match."""
    __tracebackhide__ = True
    if isinstance(value, contains):
        return value._fit(path, shape, siblings or {})
    if value is None:
        raise refused(
            f"{path}: given None, which no call can match: a member a request did not set is "
            "absent from its params, never None; to assert that, use "
            "where=lambda call: ... not in call.params"
        )
    kind = shape.type_name
    if kind == "structure":
        return _structure(path, shape, value)
    if kind == "list":
        return _list(path, shape, value)
    if kind == "map":
        return _map(path, shape, value)
    if kind == "timestamp":
        return _instant(path, value)
    if kind in _INTEGERS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _never(path, f"{'an' if kind == 'integer' else 'a'} {kind} (an int)", value)
    elif kind in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _never(path, f"a {kind} (a float or an int)", value)
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise _never(path, "a boolean (True or False)", value)
    elif kind == "string":
        if not isinstance(value, str):
            raise _never(path, f"a string{_enum(shape)}", value)
        allowed = getattr(shape, "enum", None)
        if allowed and value not in allowed:
            raise refused(
                f"{path}: the model allows one of {', '.join(map(repr, allowed))}, "
                f"given {value!r}, which no call can match{did_you_mean(value, allowed)}"
            )
    return value


def _enum(shape: Shape) -> str:
    # A map's key shape may be a plain Shape, without ``enum``.
    allowed = getattr(shape, "enum", None)
    return f", one of {', '.join(map(repr, allowed))}" if allowed else ""


def _structure(path: str, shape: Any, value: Any) -> dict[str, Any]:
    """A plain dict means equality: every member it gives is the model's, and it has every
    member that every accepted request has (otherwise equality can never hold)."""
    __tracebackhide__ = True
    members = shape.members
    if not isinstance(value, Mapping):
        raise _never(path, f"a structure ({shape.name}, a dict of {_names(members)})", value)
    expected: dict[str, Any] = {}
    for key, item in value.items():
        if key not in members:
            raise refused(
                f"{path}: the model's {shape.name} has no member {key!r}"
                f"{did_you_mean(key, members)}; its members are: "
                f"{_names(members)}"
            )
        expected[key] = expect(f"{path}.{key}", members[key], item, members)
    if shape.metadata.get("union") and len(expected) != 1:
        raise refused(
            f"{path}: the model's {shape.name} is a union: a request sets exactly one of "
            f"{_names(members)}, given {len(expected)} ({_names(expected) or 'none'}), which no "
            "call can match"
        )
    missing = [name for name in shape.required_members if name not in expected]
    if missing:
        # The request's top-level member, where a where= predicate starts.
        name = path.split(".")[1].split("[")[0] if "." in path else path
        raise refused(
            f"{path}: a plain dict means equality, and every request's {shape.name} has "
            f"{', '.join(missing)}, which the dict given lacks ({value!r}), so no call can "
            f"match it; give every member, or match some with where=lambda call: "
            f"call.params[{name!r}]..."
        )
    return expected


def _names(members: Mapping[str, Any]) -> str:
    return ", ".join(sorted(members))


def _list(path: str, shape: Any, value: Any) -> list[Any]:
    __tracebackhide__ = True
    item = shape.member
    if not isinstance(value, (list, tuple)):
        name = path.rpartition(".")[2]
        advice = f"to match an item, use {name}=contains(...)" if "[" not in name else ""
        raise _never(path, f"a list (of {item.type_name}s)", value, advice)
    expected = []
    for index, each in enumerate(value):
        where = f"{path}[{index}]"
        if isinstance(each, contains) and item.type_name != "list":
            name = path.rpartition(".")[2]
            raise refused(
                f"{where}: {each!r} in a list literal stands for an item, a {item.type_name} "
                f"here, never a list, so no call can match it; to match any item of the list, "
                f"give {name}=contains(...) instead of a list"
            )
        expected.append(expect(where, item, each))
    return expected


def _map(path: str, shape: Any, value: Any) -> dict[str, Any]:
    __tracebackhide__ = True
    described = f"a map (a dict of {shape.key.type_name} to {shape.value.type_name})"
    if not isinstance(value, Mapping):
        raise _never(path, described, value)
    expected = {}
    for key, each in value.items():
        if not isinstance(key, str):
            raise _never(f"{path} key", f"a {shape.key.type_name}", key)
        expect(f"{path} key {key!r}", shape.key, key)
        expected[key] = expect(f"{path}[{key!r}]", shape.value, each)
    return expected


def _instant(path: str, value: Any) -> datetime:
    """An aware datetime, the instant a value unambiguously names; FakeUsageError otherwise."""
    __tracebackhide__ = True
    allows = (
        "a timestamp: an aware datetime (or an ISO 8601 string with a UTC offset, or epoch seconds)"
    )
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            utc = repr(value.replace(tzinfo=timezone.utc)).replace("datetime.", "")
            raise refused(
                f"{path}: the model allows {allows}, {_given(value)}: a naive datetime names "
                f"no instant, so no call can match it; give {utc} if it is UTC (botocore "
                "sends a naive datetime as UTC)"
            )
        return value
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise _never(path, allows, value) from None
        if parsed.tzinfo is None:
            raise refused(
                f"{path}: the model allows {allows}, {_given(value)}: a time without a UTC "
                f"offset names no instant, so no call can match it; give {value}Z if it is UTC"
            )
        return parsed
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise _never(path, allows, value) from None
    advice = "a date is a day, not an instant" if isinstance(value, date) else ""
    raise _never(path, allows, value, advice)


class contains:  # lower case: it reads as a call in ``dialRequests=contains(...)``
    """Matches a list parameter of which any item is ``value``, or, for a list of structures,
    any item whose given ``members`` all equal the values given.

    ``calls.filter("GetThingBatch", thingIds=contains("id-1"))`` (a list of strings),
    ``calls.assert_not_called("PutItemBatch", items=contains(phoneNumber="+1555"))`` (a list
    of structures; the journal page shows the fake's own batches).
    When used, it is checked against the model: the parameter must be a list; a list of
    structures takes member names as keywords (names its items have), a list of scalars one
    positional value, and every value must fit its member's shape; anything else is a
    ``FakeUsageError``. A member's value may itself be a ``contains`` for a list nested in the
    items, or a plain dict (equality) for a structure.
    """

    __slots__ = ("_members", "_value")

    def __init__(self, *value: Any, **members: Any) -> None:
        __tracebackhide__ = True
        if len(value) > 1:
            raise TypeError(
                f"contains() takes one item value, got {len(value)}: {value!r}; "
                "to require several items, give several assertions"
            )
        if value and members:
            raise TypeError(
                "contains() takes either one item value (a list of scalars) or item members "
                "as keywords (a list of structures), not both"
            )
        if not value and not members:
            raise TypeError(
                "contains() needs one item value, contains('id-1'), or item members as "
                "keywords, contains(phoneNumber='+15550100')"
            )
        self._value: tuple[Any, ...] = value
        self._members: dict[str, Any] = members

    def __repr__(self) -> str:
        shown = [repr(v) for v in self._value]
        shown += [f"{k}={v!r}" for k, v in self._members.items()]
        return f"contains({', '.join(shown)})"

    def matches(self, actual: Any) -> bool:
        """Whether ``actual`` is a list with an item that matches."""
        if not isinstance(actual, list):
            return False
        if self._value:
            return any(matches(item, self._value[0]) for item in actual)
        return any(
            isinstance(item, dict)
            and all(k in item and matches(item[k], v) for k, v in self._members.items())
            for item in actual
        )

    def _fit(self, path: str, shape: Any, siblings: Mapping[str, Any]) -> contains:
        """This matcher with its values as compared (``expect`` of each); FakeUsageError
        unless it fits ``shape``, the botocore shape of member ``path`` (``Operation.member``)
        of a structure whose members are ``siblings``."""
        __tracebackhide__ = True
        name = path.rpartition(".")[2]
        if shape.type_name != "list":
            owner = path.rpartition(".")[0]
            lists = sorted(k for k, s in siblings.items() if s.type_name == "list")
            raise refused(
                f"{path} is a {shape.type_name}, not a list: contains() matches an item of a "
                "list member; "
                + (f"{owner}'s are: {', '.join(lists)}" if lists else f"{owner} has none")
            )
        item = shape.member
        found = contains.__new__(contains)
        found._value, found._members = (), {}
        if item.type_name == "structure":
            valid = _names(item.members)
            if self._value:
                raise refused(
                    f"{path} holds structures ({item.name}): give item members as keywords, "
                    f"{name}=contains(<member>=...), not {self!r}; the members are: {valid}"
                )
            for key, value in self._members.items():
                if key not in item.members:
                    raise refused(
                        f"{path} items ({item.name}) have no member {key!r}"
                        f"{did_you_mean(key, item.members)}; their members are: {valid}"
                    )
                found._members[key] = expect(
                    f"{path}[].{key}", item.members[key], value, item.members
                )
        elif self._members:
            raise refused(
                f"{path} holds {item.type_name}s, which have no members: give the item itself, "
                f"{name}=contains(...), not {self!r}"
            )
        elif isinstance(self._value[0], contains) and item.type_name != "list":
            raise refused(f"{path} holds {item.type_name}s, not lists: {self!r} cannot match")
        else:
            found._value = (expect(f"{path}[]", item, self._value[0]),)
        return found


def matches(actual: Any, expected: Any) -> bool:
    """Whether the journal's ``actual`` equals ``expected`` (as ``expect`` made it), matchers
    matching at any depth; a bool never equals a number (``True == 1`` in Python)."""
    if isinstance(expected, contains):
        return expected.matches(actual)
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(matches(actual[k], v) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(matches(a, e) for a, e in zip(actual, expected))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    return bool(actual == expected)


def copied(value: _Data) -> _Data:
    """A copy of decoded JSON-like data (dicts and lists at any depth; scalars, datetimes
    included, are immutable): what a test reads from the journal is its own."""
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [copied(v) for v in value]  # type: ignore[return-value]
    return value
