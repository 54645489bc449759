"""One validator over the model's shapes: every constraint, every violation, AWS-style messages.

Each shape is compiled once into a checker closure; a request is then checked by walking its
value with those closures, collecting every violation rather than stopping at the first.

The request path asks for more than a verdict: a valid request made into the model's shape
(``admitter``). Nearly every request a test sends is valid, so that is done in one walk which
builds no message at all, and only a request it cannot admit takes the walk that lists every
violation.
"""

from __future__ import annotations

import json
import math
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from botocore.model import Shape

from ._errors import ServiceError
from ._model import contains, shape_key
from ._wire import parse_timestamp, projector

Checker = Callable[[Any, str, list[str]], None]
# An admitter (see admitter()): the value made into its shape, or _REFUSED.
Admit = Callable[[Any], Any]
_REFUSED: Any = object()

# Compiled once per shape of each model the fake serves.
_cache: dict[tuple[int, str], Checker] = {}


@dataclass(frozen=True)
class Widening:
    """A service's setting that accepts more than the model's patterns do: while
    ``active(state)`` says so, a pattern that contains ``narrow`` also accepts what it accepts
    with ``narrow`` replaced by ``wide``. Consulted only for a value the pattern refuses: the
    request path of a valid request never meets it."""

    narrow: str
    wide: str
    active: Callable[[Any], bool]

    def accepts(self, pattern: str, value: str) -> bool:
        return self.narrow in pattern and _widened(self, pattern).fullmatch(value) is not None


@lru_cache(maxsize=256)
def _widened(widening: Widening, pattern: str) -> re.Pattern[str]:
    return re.compile(java_pattern(pattern.replace(widening.narrow, widening.wide)), re.ASCII)


#: The widening of the service whose request is being validated, while its setting is on; a
#: context variable, so that fakes in other threads or tasks keep their own answer.
widening: ContextVar[Widening | None] = ContextVar("widening", default=None)


def validator(shape: Shape | None) -> Callable[[dict[str, Any]], None]:
    """For one shape, compiled once: a function that raises ValidationException listing every
    violation of the shape in a request (what ``admitter`` falls back on)."""
    if shape is None:
        return _nothing
    checker = checker_for(shape)

    def check(params: dict[str, Any]) -> None:
        errors: list[str] = []
        checker(params, "", errors)
        if errors:
            raise ServiceError("ValidationException", format_errors(errors))

    return check


def _nothing(params: dict[str, Any]) -> None:
    return None


def admitter(shape: Shape | None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """``validator`` and ``_wire.projector`` of one shape, compiled once: a function that
    raises what the validator raises for an invalid request, and makes a valid one into the
    model's shape as the projector does (what the engine keeps per operation)."""
    project = projector(shape)
    if shape is None:
        return project
    fast = _admitter_for(shape)
    check = validator(shape)

    def admit(params: dict[str, Any]) -> dict[str, Any]:
        admitted = fast(params)
        if admitted is _REFUSED:
            # Every violation, in the validator's words; should there be none after all (the
            # fast walk refuses what it cannot vouch for), the projector's copy.
            check(params)
            admitted = project(params)
        result: dict[str, Any] = admitted
        return result

    return admit


def violations(shape: Shape, value: Any, path: str = "") -> list[str]:
    errors: list[str] = []
    checker_for(shape)(value, path, errors)
    return errors


def format_errors(errors: list[str]) -> str:
    n = len(errors)
    return f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(errors)


def checker_for(shape: Shape) -> Checker:
    key = shape_key(shape)
    checker = _cache.get(key)
    if checker is None:
        checker = _cache[key] = _compile(shape)
    return checker


# How deep a value is printed in a message: a request may nest a wrong value hundreds of
# levels deep, and printing it all would overflow the stack (and the reader).
_RENDER_DEPTH = 32


def render(value: Any, depth: int = 0) -> str:
    """The value as AWS prints it inside ``Value '...'``: Java-like, not Python repr."""
    if depth > _RENDER_DEPTH and isinstance(value, (dict, list)):
        return "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        inner = depth + 1
        return "{" + ", ".join(f"{render(k)}={render(v, inner)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v, depth + 1) for v in value) + "]"
    return json.dumps(value, default=str)


def _fail(errors: list[str], path: str, value: Any, sensitive: bool, constraint: str) -> None:
    if value is None:
        shown = "Value null"
    elif sensitive:
        shown = "Value"
    else:
        shown = f"Value '{render(value)}'"
    errors.append(f"{shown} at '{path}' failed to satisfy constraint: {constraint}")


def _phrase(error: str) -> str:
    return error.rsplit("failed to satisfy constraint: ", 1)[-1]


_JSON_TYPE = {
    "string": "string",
    "integer": "integer",
    "long": "integer",
    "double": "number",
    "float": "number",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "structure": "structure",
    "list": "list",
    "map": "map",
}


def _type_error(type_name: str) -> str:
    return f"Member must be of type {_JSON_TYPE.get(type_name, type_name)}"


# One constraint of a shape: its AWS phrase, and the predicate that tells it is violated.
Constraint = tuple[str, Callable[[Any], bool]]


def _predicate(predicate: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """Identity: gives a lambda its type, so that it can close over the bound it tests."""
    return predicate


def _scalar_constraints(shape: Shape) -> list[Constraint]:
    """Length/value/pattern/enum constraints of a shape: (phrase, predicate "violated")."""
    return _scalar_rules(shape)[0]


def _scalar_rules(shape: Shape) -> tuple[list[Constraint], Admit]:
    """The shape's constraints (``_scalar_constraints``), and its admitter of the value itself
    (for a list or map: before its items): the value if it has the shape's type and keeps
    them all, a timestamp parsed, else ``_REFUSED``; the same bounds, regex and enum, in one
    call."""
    type_name = shape.type_name
    type_ok = _TYPE_OK.get(type_name, _anything)
    if type_name in ("structure", "boolean"):
        return [], lambda value: value if type_ok(value) else _REFUSED
    meta = shape.metadata
    rules: list[Constraint] = []
    measure: Callable[[Any], Any]
    sized = type_name in ("string", "list", "map")
    if sized:
        measure, word = len, "length"
    else:
        # Numbers compare as they are: float() of a 400-digit integer overflows.
        measure, word = _identity, "value"
    high = meta.get("max")
    low = meta.get("min")
    regex: re.Pattern[str] | _Either | None = None
    allowed: frozenset[str] | None = None
    # In the order AWS lists them in "Map value must satisfy constraint: [...]": max, min, pattern.
    if high is not None:
        phrase = f"Member must have {word} less than or equal to {render(high)}"
        rules.append((phrase, _predicate(lambda v: measure(v) > high)))
    if low is not None:
        phrase = f"Member must have {word} greater than or equal to {render(low)}"
        rules.append((phrase, _predicate(lambda v: measure(v) < low)))
    if "pattern" in meta:
        # As the service's Java regexes match: \d, \s and \w are ASCII-only (so '[\d\-+]*'
        # takes no non-ASCII digits) and '.' does not match a line break.
        python = re.compile(meta["pattern"], re.ASCII)
        java = re.compile(java_pattern(meta["pattern"]), re.ASCII)
        # Python's '.' and Java's differ only on the line terminators besides '\n': a value
        # without them takes the faster regex, with the same answer.
        # (Named twice: the lambda's name is never None, for mypy.)
        pattern = regex = python if java.pattern == python.pattern else _Either(python, java)
        phrase = f"Member must satisfy regular expression pattern: {meta['pattern']}"
        text = meta["pattern"]

        def refused(value: Any) -> bool:
            if pattern.fullmatch(value) is not None:
                return False
            wide = widening.get()
            return wide is None or not wide.accepts(text, value)

        rules.append((phrase, refused))
    if getattr(shape, "enum", None):
        allowed = enum = frozenset(shape.enum)
        phrase = f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"
        rules.append((phrase, _predicate(lambda v: v not in enum)))
    is_string = type_name == "string"
    is_timestamp = type_name == "timestamp"

    def admit(value: Any) -> Any:
        admitted = value
        if is_string:
            # _TYPE_OK["string"], written out: strings are most of a request.
            if not isinstance(value, str):
                return _REFUSED
        elif is_timestamp:
            # _TYPE_OK["timestamp"]'s test, and the projector's copy: parsed once.
            admitted = parse_timestamp(value)
            if admitted is None:
                return _REFUSED
        elif not type_ok(value):
            return _REFUSED
        # Each test is the negation of a predicate above (the type test came first, so a
        # number here is finite and compares as its predicate's does).
        size = len(value) if sized else value
        if (
            (high is not None and size > high)
            or (low is not None and size < low)
            or (regex is not None and regex.fullmatch(value) is None)
            or (allowed is not None and value not in allowed)
        ):
            return _REFUSED
        return admitted

    return rules, admit


# What Java's '.' refuses (without DOTALL): every line terminator, not only '\n'.
_JAVA_DOT = "[^\n\r\u0085\u2028\u2029]"


class _Either:
    """``fast.fullmatch`` for values without Java-only line terminators, else ``java``'s."""

    __slots__ = ("_fast", "_java")

    def __init__(self, fast: re.Pattern[str], java: re.Pattern[str]) -> None:
        self._fast = fast
        self._java = java

    def fullmatch(self, value: str) -> re.Match[str] | None:
        if "\r" in value or "\x85" in value or "\u2028" in value or "\u2029" in value:
            return self._java.fullmatch(value)
        return self._fast.fullmatch(value)


def java_pattern(pattern: str) -> str:
    """``pattern`` with each '.' outside a character class made to match as Java's does."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # A ']' right after '[' or '[^' is a literal, not the end of the class.
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 1
                char = ""
            if pattern[i + 1 : i + 2] == "]":
                out.append(char + "]")
                i += 2
                continue
        elif char == ".":
            char = _JAVA_DOT
        out.append(char)
        i += 1
    return "".join(out)


def _identity(value: Any) -> Any:
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    # Any int is finite; math.isfinite() of a huge one would overflow.
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


# Chosen once per shape when its checker is compiled: every value checked pays one call.
_TYPE_OK: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": _is_int,
    "long": _is_int,
    "double": _is_number,
    "float": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "timestamp": lambda value: parse_timestamp(value) is not None,
    "structure": lambda value: isinstance(value, dict),
    "map": lambda value: isinstance(value, dict),
    "list": lambda value: isinstance(value, list),
}


def _anything(value: Any) -> bool:
    return True


def _is_sensitive(shape: Shape) -> bool:
    return bool(shape.metadata.get("sensitive"))


def _compile(shape: Shape) -> Checker:
    type_name = shape.type_name
    # Sensitive, or holding a sensitive member: such a value is never printed in a message.
    sensitive = contains(shape, _is_sensitive)
    rules = _scalar_constraints(shape)
    type_phrase = _type_error(type_name)
    type_ok = _TYPE_OK.get(type_name, _anything)

    def check_scalar(value: Any, path: str, errors: list[str]) -> bool:
        if not type_ok(value):
            _fail(errors, path, value, sensitive, type_phrase)
            return False
        for phrase, violated in rules:
            if violated(value):
                _fail(errors, path, value, sensitive, phrase)
        return True

    if type_name == "structure":
        members = dict(shape.members)
        required = tuple(shape.required_members)
        union = bool(shape.metadata.get("union"))
        member_checkers: dict[str, Checker] = {}

        def check_structure(value: Any, path: str, errors: list[str]) -> None:
            if not check_scalar(value, path or "input", errors):
                return
            set_members = 0
            prefix = f"{path}." if path else ""
            # Model order, required or not; unknown members are ignored, as AWS's JSON
            # deserializers do.
            for name, member_shape in members.items():
                member_value = value.get(name)
                if member_value is None:
                    if name in required:
                        _fail(errors, prefix + name, None, False, "Member must not be null")
                    continue
                set_members += 1
                checker = member_checkers.get(name)
                if checker is None:
                    checker = member_checkers[name] = checker_for(member_shape)
                checker(member_value, prefix + name, errors)
            if union and set_members != 1:
                _fail(
                    errors,
                    path,
                    value,
                    sensitive,
                    f"Member must have exactly one of [{', '.join(members)}] set",
                )

        return check_structure

    if type_name == "list":
        member_shape = shape.member

        def check_list(value: Any, path: str, errors: list[str]) -> None:
            if not check_scalar(value, path, errors):
                return
            item = checker_for(member_shape)
            for i, element in enumerate(value, start=1):
                item_path = f"{path}.{i}.member"
                if element is None:
                    _fail(errors, item_path, None, False, "Member must not be null")
                else:
                    item(element, item_path, errors)

        return check_list

    if type_name == "map":
        key_shape, value_shape = shape.key, shape.value
        key_rules = [phrase for phrase, _ in _scalar_constraints(key_shape)]
        value_rules = [phrase for phrase, _ in _scalar_constraints(value_shape)]

        def check_map(value: Any, path: str, errors: list[str]) -> None:
            if not check_scalar(value, path, errors):
                return
            key_checker, value_checker = checker_for(key_shape), checker_for(value_shape)
            key_phrases: list[str] = []
            value_phrases: list[str] = []
            for k, v in value.items():
                found: list[str] = []
                key_checker(k, path, found)
                key_phrases.extend(_phrase(e) for e in found)
                found = []
                if v is None:
                    found.append("Member must not be null")
                else:
                    value_checker(v, path, found)
                value_phrases.extend(_phrase(e) for e in found)
            for kind, phrases, listed in (
                ("keys", key_phrases, key_rules),
                ("value", value_phrases, value_rules),
            ):
                unique = list(dict.fromkeys(phrases))
                if any(p in listed for p in unique):
                    # As AWS: "[Member must have length less than or equal to 256, Member
                    # must have length greater than or equal to 0]", whichever one failed.
                    unique = [p for p in unique if p not in listed] + listed
                if unique:
                    _fail(
                        errors,
                        path,
                        value,
                        sensitive,
                        f"Map {kind} must satisfy constraint: [{', '.join(unique)}]",
                    )

        return check_map

    def check_leaf(value: Any, path: str, errors: list[str]) -> None:
        check_scalar(value, path, errors)

    return check_leaf


# -- admitting a valid value in one walk -------------------------------------------------------
# An admitter returns the value made into its shape (as _wire.projector would: declared members
# only, in the request's order, nulls kept, timestamps as datetimes), or _REFUSED as soon as a
# constraint may be broken. It must never return a value the checkers would find a violation
# in; refusing a valid one only costs the full walk. It tests what the checkers test (the same
# type tests, and the bounds, regexes and enums _scalar_rules reads for both), but stops at the
# first failure and builds no path or message.

_admitters: dict[tuple[int, str], Admit] = {}


def _admitter_for(shape: Shape) -> Admit:
    key = shape_key(shape)
    admit = _admitters.get(key)
    if admit is None:
        # A recursive shape reaches itself through its members: until it is compiled, they
        # find it through the cache.
        _admitters[key] = lambda value: _admitters[key](value)
        admit = _admitters[key] = _compile_admitter(shape)
    return admit


def _compile_admitter(shape: Shape) -> Admit:
    type_name = shape.type_name

    if type_name == "structure":
        members = {name: _admitter_for(member) for name, member in shape.members.items()}
        required = tuple(shape.required_members)
        union = bool(shape.metadata.get("union"))

        def admit_structure(value: Any) -> Any:
            if not isinstance(value, dict):
                return _REFUSED
            out = {}
            set_members = 0
            for name, item in value.items():
                admit = members.get(name)
                if admit is None:
                    continue
                if item is not None:
                    item = admit(item)
                    if item is _REFUSED:
                        return _REFUSED
                    set_members += 1
                out[name] = item
            for name in required:
                if out.get(name) is None:
                    return _REFUSED
            if union and set_members != 1:
                return _REFUSED
            return out

        return admit_structure

    admit_value = _scalar_rules(shape)[1]

    if type_name == "list":
        item_admit = _admitter_for(shape.member)

        def admit_list(value: Any) -> Any:
            if admit_value(value) is _REFUSED:
                return _REFUSED
            out = []
            for item in value:
                item = _REFUSED if item is None else item_admit(item)
                if item is _REFUSED:
                    return _REFUSED
                out.append(item)
            return out

        return admit_list

    if type_name == "map":
        key_admit = _admitter_for(shape.key)
        value_admit = _admitter_for(shape.value)

        def admit_map(value: Any) -> Any:
            if admit_value(value) is _REFUSED:
                return _REFUSED
            out = {}
            for key, item in value.items():
                if key_admit(key) is _REFUSED:
                    return _REFUSED
                item = _REFUSED if item is None else value_admit(item)
                if item is _REFUSED:
                    return _REFUSED
                out[key] = item
            return out

        return admit_map

    # A scalar: its own admitter, one call per value.
    return admit_value
