"""What seeds and snapshots must satisfy: the model's request shapes and its enums.

A test that seeds state the service could never hold fails at once, with the same AWS-style
violations a request would get, instead of producing answers no real service gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from botocore.model import Shape

from ._model import load
from ._nearest import did_you_mean
from ._validation import violations
from ._wire import shaped


def enum(shape_name: str, service: str) -> tuple[str, ...]:
    """The values of one of the model's enum shapes (a state, a failure code...)."""
    return tuple(load(service).service.shape_for(shape_name).enum)


def check_choice(name: str, value: Any, shape_name: str, service: str) -> None:
    __tracebackhide__ = True
    allowed = enum(shape_name, service)
    if value not in allowed:
        raise ValueError(
            f"{name}={value!r} is not one of {', '.join(allowed)}{did_you_mean(value, allowed)}"
        )


def check_request(operation: str, values: Mapping[str, Any], service: str) -> dict[str, Any]:
    """``values`` as a request of ``operation`` (its input members only, copied), checked
    against the model as the engine checks a request."""
    __tracebackhide__ = True
    shape = load(service).operations[operation].input_shape
    request = {name: value for name, value in values.items() if name in shape.members}
    # Nested members the model does not declare (a union member of another botocore release)
    # would be dropped without a word: the seed would not be what the test wrote.
    errors = unknown_members(shape, request, "") or violations(shape, request)
    if errors:
        raise ValueError(f"Seed breaks the {service} model ({shape.name}): " + "; ".join(errors))
    shaped_request: dict[str, Any] = shaped(shape, request)
    return shaped_request


# A setting's or an option's value, as a test hands it (the services' settings, the
# fake's options).
def check_bool(name: str, value: Any) -> None:
    __tracebackhide__ = True
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, not {value!r}")


def check_count(name: str, value: Any, *, none: str = "") -> None:
    """An int >= 0 (bools and numeric strings refused: a quota of "25" is a typo, not 25)."""
    __tracebackhide__ = True
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        also = f" or {none}" if none else ""
        raise ValueError(f"{name} must be an int >= 0{also}, not {value!r}")


# What a SigV4 credential scope can carry as its access key (``_wire`` reads the key with the
# same class of characters): a key outside it could never be the key of a request.
_ACCESS_KEY = re.compile(r"[^/,\s=]+")


def check_access_key(access_key_id: Any) -> None:
    """An access key a signed request can carry; anything else would never match one."""
    __tracebackhide__ = True
    if not isinstance(access_key_id, str):
        raise TypeError(
            f"access_key_id must be a str (the key a client signs with), not {access_key_id!r}"
        )
    if not (access_key_id.isascii() and _ACCESS_KEY.fullmatch(access_key_id)):
        raise ValueError(
            "access_key_id must be a non-empty ASCII str without '/', ',', '=' or whitespace "
            f"(what a SigV4 credential scope can carry), not {access_key_id!r}"
        )


def check_account_id(account_id: Any) -> None:
    """Twelve ASCII digits: ``str.isdigit()`` also passes full-width and other scripts'
    digits, and the fake would then mint ARNs its own model refuses."""
    __tracebackhide__ = True
    if not (
        isinstance(account_id, str)
        and len(account_id) == 12
        and account_id.isascii()
        and account_id.isdigit()
    ):
        raise ValueError(f"account_id must be 12 ASCII digits, not {account_id!r}")


def unknown_members(shape: Shape, value: Any, path: str) -> list[str]:
    """Members ``value`` holds that ``shape`` does not declare, at any depth (a union member a
    botocore release does not have, a typo in a nested structure). The validator ignores
    them, as AWS's deserializers do; a seed, a snapshot or a match must not."""
    problems: list[str] = []
    _walk(shape, value, path, problems)
    return problems


def _walk(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        for name, member in value.items():
            where = f"{path}.{name}" if path else str(name)
            if name not in shape.members:
                problems.append(
                    f"{where}: {shape.name} has no member {name!r}"
                    f"{did_you_mean(name, shape.members)} (its members: "
                    f"{', '.join(shape.members)})"
                )
            elif member is not None:
                _walk(shape.members[name], member, where, problems)
    elif kind == "list" and isinstance(value, list):
        for index, element in enumerate(value):
            if element is not None:
                _walk(shape.member, element, f"{path}[{index}]", problems)
    elif kind == "map" and isinstance(value, Mapping):
        for key, element in value.items():
            if element is not None:
                _walk(shape.value, element, f"{path}[{key!r}]", problems)


def check_known(controls: Any, name: str) -> None:
    """Refuse a name the settings or quotas object does not have: a misspelt
    ``quotas.things_per_instanse = 1`` would otherwise make a new attribute and leave the quota
    as it was."""
    __tracebackhide__ = True
    known = [field.name for field in fields(controls)]
    if name not in known:
        raise AttributeError(
            f"{controls.LABEL} has no {name!r}{did_you_mean(name, known)}; "
            f"it has: {', '.join(known)}"
        )


class CountsCheckedWhenSet:
    """A dataclass of counts (quotas): a field unknown to it, or a value that is not an int
    >= 0, is refused when set, naming the field (``"25"`` and ``-1`` included)."""

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True
        check_known(self, name)
        check_count(name, value)
        super().__setattr__(name, value)
