"""Chaos: transient faults injected into a test's requests at a rate, from a seed and the test's
id (the plugin's chaos option, ``suite/_chaos.py``), so that a test fails the same way wherever
it runs.

What is transient comes from the model: an error of the operation whose shape botocore retries
(``retryable``), a throttle (429) or a server error (5xx); per item, the failure codes of the
batch's enum that name a passing condition (throttling, an unknown or internal error, a limit
reached). Chaos is not a rule: it never counts for strictness, and it answers only when no rule
the test set up answered first. The faults consult it (``Faults.chaos``), one draw per request
(and per batch item) of an operation that has something transient to answer, from one
``random.Random`` per test: a string seed is hashed with SHA-512 by ``random``, never with
``hash()``, so the draws do not depend on the process (``PYTHONHASHSEED``, xdist's workers).
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from ._faults import Faults, item_failure_codes
from ._model import load

DEFAULT_RATE = 0.1
#: What a seed may be: what a shell passes as it is, so that the replay command can be pasted.
SEED = re.compile(r"[A-Za-z0-9_.-]+")
#: Per-item failure codes that name a passing condition. A batch's failure-code enum is only
#: names (``InvalidInput``, ``RequestThrottled``, ``UnknownError``, ``BufferLimitExceeded``,
#: ``ResourceNotFound``, ``Conflict``): a code naming a throttle, an unknown or internal error
#: or a limit reached goes away if the item is sent again; the others are the item's own fault.
TRANSIENT_ITEM_CODE = re.compile(r"Throttl|Unknown|Internal|Unavailable|Timeout|LimitExceeded")
# What names an item of a batch in the report, most telling first: its token (unique per
# request), then its id; whatever the service calls them.
_ITEM_NAME_ENDINGS = ("Token", "Id", "id")


def check(seed: object, rate: object) -> tuple[str, float]:
    """The seed and rate of a chaos run, checked: ValueError says what to give instead."""
    if not isinstance(seed, str) or not SEED.fullmatch(seed):
        raise ValueError(
            f"the chaos seed must be letters, digits, '_', '.' or '-' (a shell passes it as it "
            f"is in the replay command), not {seed!r}"
        )
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise TypeError(f"the chaos rate must be a number from 0 to 1, not {rate!r}")
    if not math.isfinite(rate) or not 0 <= rate <= 1:
        raise ValueError(
            f"the chaos rate must be from 0 (no fault) to 1 (every request that can fail), "
            f"not {rate!r}"
        )
    return seed, float(rate)


def describe_run(seed: str, rate: float) -> str:
    """``SEED:RATE``: what asks for this chaos again."""
    # repr: the shortest text that reads back as the same float (":g" would round).
    return f"{seed}:{rate!r}"


@dataclass(frozen=True)
class Injected:
    """One fault chaos injected: an error answered to a request, or a failed batch item."""

    service: str
    operation: str
    code: str
    status: int | None = None
    item: str | None = None

    def describe(self) -> str:
        """One line, as a failing test's report lists it."""
        if self.item is not None:
            return f"{self.operation} item {self.item}: failureCode {self.code} ({self.service})"
        return f"{self.operation}: {self.code} ({self.status}, {self.service})"


class Chaos:
    """The chaos of one test: one stream of draws from the seed and the test's id, and the
    faults it injected, in order."""

    def __init__(self, seed: str, rate: float, test: str) -> None:
        self.seed, self.rate = check(seed, rate)
        if not isinstance(test, str) or not test:
            raise ValueError(f"the chaos test must be a test's id (a non-empty str), not {test!r}")
        self.test = test
        # A str seed: random hashes it with SHA-512 (the same in every process).
        self._random = random.Random(f"{self.seed}:{test}")
        # Two fakes (two engines, two locks) may answer at once on a test's threads.
        self._lock = threading.Lock()
        self._injected: list[Injected] = []

    def __repr__(self) -> str:
        return f"<Chaos {describe_run(self.seed, self.rate)} test={self.test!r}>"

    @property
    def injected(self) -> list[Injected]:
        """The faults injected so far, in order (a copy)."""
        with self._lock:
            return list(self._injected)

    def error(self, service: str, operation: str) -> str | None:
        """The transient error to answer this request of ``operation`` with, or None."""
        code = self._draw(transient_errors(service, operation))
        if code is not None:
            status = load(service).status_of(code)
            with self._lock:
                self._injected.append(Injected(service, operation, code, status))
        return code

    def _draw(self, codes: Sequence[str]) -> str | None:
        """One draw (none for an operation with nothing transient): a code at ``rate``."""
        if not codes:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return codes[self._random.randrange(len(codes))]

    def message(self, code: str, operation: str) -> str:
        """The error's message: it names chaos, so that a log of the application says why."""
        said = "Rate exceeded" if code == "ThrottlingException" else f"{code} in {operation}"
        return f"{said} (injected by chaos {describe_run(self.seed, self.rate)})"

    def item_failure(self, service: str, operation: str, item: dict[str, Any]) -> str | None:
        """The transient failure code for this item of ``operation``'s batch, or None."""
        code = self._draw(transient_item_codes(service, operation))
        if code is not None:
            injected = Injected(service, operation, code, item=_item_name(item) or "?")
            with self._lock:
                self._injected.append(injected)
        return code


@cache
def transient_errors(service: str, operation: str) -> tuple[str, ...]:
    """The errors the model lists for ``operation`` that botocore retries: a shape marked
    ``retryable``, a throttle (429) or a server error (5xx); sorted, so draws pick the same."""
    found = set()
    for shape in load(service).operations[operation].error_shapes:
        status = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
        if shape.metadata.get("retryable") is not None or status == 429 or status >= 500:
            found.add(shape.name)
    return tuple(sorted(found))


@cache
def transient_item_codes(service: str, operation: str) -> tuple[str, ...]:
    """The failure codes of ``operation``'s batch items that name a passing condition."""
    try:
        codes = item_failure_codes(operation, service)
    except ValueError:  # not a batch with per-item failures
        return ()
    return tuple(sorted(code for code in codes if TRANSIENT_ITEM_CODE.search(code)))


class _Served(Protocol):
    @property
    def faults(self) -> Faults: ...


class Serving(Protocol):
    """What chaos reads of an engine (``Engine``): the faults of each model it serves."""

    @property
    def served(self) -> Sequence[_Served]: ...


def attached(engine: Serving) -> Chaos | None:
    """The chaos the engine's faults consult now, or None."""
    for served in engine.served:
        if isinstance(served.faults.chaos, Chaos):
            return served.faults.chaos
    return None


def attach(engine: Serving, chaos: Chaos | None) -> Chaos | None:
    """Make every model the engine serves consult ``chaos`` (None: none); returns the chaos
    consulted before, for the caller to put back."""
    before = attached(engine)
    for served in engine.served:
        served.faults.chaos = chaos
    return before


def _item_name(item: dict[str, Any]) -> str:
    """``clientToken='t-1'``: the member that names a batch item in the report ('' if none)."""
    for ending in _ITEM_NAME_ENDINGS:
        for key, value in item.items():
            if key.endswith(ending) and isinstance(value, str):
                return f"{key}={value!r}"
    return ""
