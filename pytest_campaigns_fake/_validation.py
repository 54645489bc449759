"""One validator over the model's shapes: every constraint, every violation, AWS-style messages.

Each shape is compiled once into a checker closure; a request is then checked by walking its
value with those closures, collecting every violation rather than stopping at the first.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone
from typing import Any, Callable

from botocore.model import Shape

from ._errors import ServiceError

Checker = Callable[[Any, str, list[str]], None]

_cache: dict[str, Checker] = {}


def validate(shape: Shape | None, params: dict[str, Any]) -> None:
    """Raise ValidationException listing every violation of ``shape`` in ``params``."""
    if shape is None:
        return
    errors: list[str] = []
    checker_for(shape)(params, "", errors)
    if errors:
        raise ServiceError("ValidationException", format_errors(errors))


def violations(shape: Shape, value: Any, path: str = "") -> list[str]:
    errors: list[str] = []
    checker_for(shape)(value, path, errors)
    return errors


def format_errors(errors: list[str]) -> str:
    n = len(errors)
    return f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(errors)


def checker_for(shape: Shape) -> Checker:
    key = f"{id(shape.__class__)}:{shape.name}"
    checker = _cache.get(key)
    if checker is None:
        checker = _compile(shape)
        _cache[key] = checker
    return checker


def render(value: Any) -> str:
    """The value as AWS prints it inside ``Value '...'``: Java-like, not Python repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render(k)}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
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


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


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


def _scalar_constraints(shape: Shape) -> list[Callable[[Any], str | None]]:
    """Length/value/pattern/enum constraints of a scalar shape, as predicates returning a phrase."""
    meta = shape.metadata
    rules: list[Callable[[Any], str | None]] = []
    measure: Callable[[Any], float]
    if shape.type_name in ("string", "list", "map"):
        measure, word = len, "length"
    else:
        measure, word = float, "value"
    if "min" in meta:
        low = meta["min"]
        phrase = f"Member must have {word} greater than or equal to {render(low)}"
        rules.append(lambda v, low=low, p=phrase: p if measure(v) < low else None)
    if "max" in meta:
        high = meta["max"]
        phrase = f"Member must have {word} less than or equal to {render(high)}"
        rules.append(lambda v, high=high, p=phrase: p if measure(v) > high else None)
    if "pattern" in meta:
        regex = re.compile(meta["pattern"], re.DOTALL)
        phrase = f"Member must satisfy regular expression pattern: {meta['pattern']}"
        rules.append(lambda v, r=regex, p=phrase: p if r.fullmatch(v) is None else None)
    if getattr(shape, "enum", None):
        allowed = frozenset(shape.enum)
        phrase = f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"
        rules.append(lambda v, a=allowed, p=phrase: p if v not in a else None)
    return rules


def _type_ok(type_name: str, value: Any) -> bool:
    if type_name == "string":
        return isinstance(value, str)
    if type_name in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name in ("double", "float"):
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
        )
    if type_name == "boolean":
        return isinstance(value, bool)
    if type_name == "timestamp":
        return parse_timestamp(value) is not None
    if type_name in ("structure", "map"):
        return isinstance(value, dict)
    if type_name == "list":
        return isinstance(value, list)
    return True


def _compile(shape: Shape) -> Checker:
    type_name = shape.type_name
    sensitive = bool(shape.metadata.get("sensitive"))
    rules = _scalar_constraints(shape) if type_name not in ("structure", "boolean") else []
    type_phrase = _type_error(type_name)

    def check_scalar(value: Any, path: str, errors: list[str]) -> bool:
        if not _type_ok(type_name, value):
            _fail(errors, path, value, sensitive, type_phrase)
            return False
        for rule in rules:
            phrase = rule(value)
            if phrase is not None:
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
            for name in required:
                if value.get(name) is None:
                    _fail(errors, _join(path, name), None, False, "Member must not be null")
            set_members = 0
            for name, member_value in value.items():
                member_shape = members.get(name)
                # Unknown members are ignored, as AWS's JSON deserializers do.
                if member_shape is None or member_value is None:
                    continue
                set_members += 1
                checker = member_checkers.get(name)
                if checker is None:
                    checker = member_checkers[name] = checker_for(member_shape)
                checker(member_value, _join(path, name), errors)
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
            for kind, phrases in (("keys", key_phrases), ("value", value_phrases)):
                unique = list(dict.fromkeys(phrases))
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


_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:?\d{2})?"
)


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO-8601 string or epoch seconds as an aware UTC datetime; None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or _ISO.fullmatch(value) is None:
        return None
    text = value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T")
    try:
        parsed = datetime.fromisoformat(_trim_fraction(text))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _trim_fraction(text: str) -> str:
    # Python 3.9's fromisoformat accepts only 3 or 6 fractional digits.
    match = re.search(r"\.(\d+)", text)
    if match is None:
        return text
    digits = (match.group(1) + "000000")[:6]
    return text[: match.start()] + "." + digits + text[match.end() :]
