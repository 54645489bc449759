"""The fake's own time, and its identifiers: both under the test's control."""

from __future__ import annotations

import math
import random
import string
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any


class Clock:
    """The service's clock: real time, shifted by ``advance()``, or frozen.

    Only the fake reads it (dial request windows, client token validity, rate limits); the
    process's own ``time`` is never touched.
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen: float | None = None
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch, as the service sees them."""
        frozen = self._frozen
        return frozen if frozen is not None else time.time() + self._offset

    def now(self) -> datetime:
        """The service's current time, a timezone-aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def advance(self, seconds: float | timedelta) -> datetime:
        """Move the service's time forward (negative values move it back)."""
        __tracebackhide__ = True
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float, timedelta)):
            raise TypeError(f"advance() takes seconds or a timedelta, not {seconds!r}")
        delta = (
            seconds.total_seconds()
            if isinstance(seconds, timedelta)
            else _seconds(seconds, f"advance({seconds!r})")
        )
        with self._lock:
            # Checked before it is kept: a clock moved out of datetime's range would break
            # every later request, and the test could not even move it back.
            _check_instant(self.time() + delta, f"advance({seconds!r})")
            if self._frozen is not None:
                self._frozen += delta
            else:
                self._offset += delta
        return self.now()

    def freeze(self, at: datetime | float | None = None) -> datetime:
        """Stop the service's clock, at ``at`` or at the current time."""
        # Checked before the clock changes: an instant it cannot hold leaves it as it was.
        __tracebackhide__ = True
        if at is None:
            instant = None
        elif isinstance(at, datetime):
            if at.tzinfo is None:
                raise ValueError("freeze(at=...) needs a timezone-aware datetime")
            instant = _check_instant(at.timestamp(), f"freeze(at={at!r})")
        else:
            if isinstance(at, bool) or not isinstance(at, (int, float)):
                raise TypeError(f"freeze(at=...) takes a datetime or epoch seconds, not {at!r}")
            instant = _check_instant(_seconds(at, f"freeze(at={at!r})"), f"freeze(at={at!r})")
        with self._lock:
            self._frozen = self.time() if instant is None else instant
        return self.now()

    def unfreeze(self) -> datetime:
        """Let the clock run again from where it stands."""
        __tracebackhide__ = True
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - time.time()
                self._frozen = None
        return self.now()

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still (``freeze``) rather than running."""
        return self._frozen is not None

    def _waited(self, seconds: float) -> None:
        """A wait a client was spared (retry backoff, adaptive mode's rate limiting, recorded
        and not slept): a running clock moves on by it, as the service's time would have while
        the client slept, so rate limits refill for the retry as they would at AWS. A frozen
        clock stands still: the test holds the time."""
        with self._lock:
            if self._frozen is None and 0 < seconds < _LATEST - self.time():
                self._offset += seconds

    # -- for the durable state file: what the clock is, and a request's instant replayed ----

    def _state(self) -> dict[str, float | None]:
        with self._lock:
            return {"offset": self._offset, "frozen": self._frozen}

    def _restore(self, state: dict[str, float | None]) -> None:
        with self._lock:
            self._offset = float(state.get("offset") or 0.0)
            frozen = state.get("frozen")
            self._frozen = None if frozen is None else float(frozen)

    @contextmanager
    def _pinned(self, at: float) -> Iterator[None]:
        """The clock reads ``at`` while a logged request is replayed."""
        with self._lock:
            saved = self._frozen
            self._frozen = at
        try:
            yield
        finally:
            with self._lock:
                self._frozen = saved


# The instants the clock holds. The epoch first: before it, botocore writes a request's
# timestamps in a form nothing parses back (years below 1000 without their leading zeros) and
# some platforms cannot convert the seconds to a datetime at all. A day short of datetime's
# last: the service adds up to 900 s to "now" (a dial request's latest expiration).
_EARLIEST = 0.0
_LATEST = datetime(9999, 12, 30, tzinfo=timezone.utc).timestamp()


def _check_instant(when: float, call: str) -> float:
    __tracebackhide__ = True
    if not (math.isfinite(when) and _EARLIEST <= when <= _LATEST):
        raise ValueError(
            f"{call} would move the fake's clock outside 1970-01-01 to 9999-12-30 (UTC), the "
            "instants it holds (see docs/time.md); the clock is unchanged"
        )
    return when


def _seconds(value: float, call: str) -> float:
    """``value`` as float seconds; an int too large for a float is the same ValueError as any
    instant the clock cannot hold (not float()'s OverflowError)."""
    __tracebackhide__ = True
    try:
        return float(value)
    except OverflowError:
        raise ValueError(
            f"{call[:60]}...) is beyond any instant the fake's clock can hold; the clock is "
            "unchanged"
        ) from None


class Ids:
    """UUID-shaped identifiers: random, or the same sequence on every run with a seed.

    Request ids come from a stream of their own, so that a test which makes one more call
    (or is retried once more) does not shift the ids of the resources it creates.
    """

    def __init__(self, seed: int | str | None = None) -> None:
        self._random: random.Random | None = None if seed is None else random.Random(seed)
        # Unseeded, the ids come from a generator seeded by the OS once: ids need to be
        # unpredictable across runs, not secret, and uuid.uuid4() costs a system call per id.
        self._fresh = random.Random()
        self._requests: random.Random | None = (
            None if seed is None else random.Random(f"{seed}/requests")
        )
        self._lock = threading.Lock()

    def uuid(self) -> str:
        """A resource id (of a resource, or an accepted item of a batch)."""
        return self._uuid(self._random)

    def request_id(self) -> str:
        return self._uuid(self._requests)

    def _uuid(self, source: random.Random | None) -> str:
        with self._lock:
            bits = (source or self._fresh).getrandbits(128)
        # What str(uuid.UUID(int=bits, version=4)) gives, without building a UUID object (the
        # bytes' hex() is cheaper than formatting the int).
        bits = (bits & ~(0xC000 << 48) & ~(0xF000 << 64)) | (0x8000 << 48) | (4 << 76)
        hexed = bits.to_bytes(16, "big").hex()
        return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"

    def _state(self) -> list[Any]:
        """The seeded streams' positions (JSON-able), so a restart continues them."""
        with self._lock:
            return [
                None if source is None else _jsonable(source.getstate())
                for source in (self._random, self._requests)
            ]

    def _restore(self, state: list[Any]) -> None:
        with self._lock:
            for source, saved in zip((self._random, self._requests), state):
                if source is not None and saved is not None:
                    version, internal, gauss = saved
                    source.setstate((version, tuple(internal), gauss))

    def alphanumeric(self, length: int) -> str:
        alphabet = string.ascii_uppercase + string.digits
        if self._random is None:
            rng: random.Random = random.SystemRandom()
            return "".join(rng.choice(alphabet) for _ in range(length))
        with self._lock:
            return "".join(self._random.choice(alphabet) for _ in range(length))


def _jsonable(state: tuple[Any, ...]) -> list[Any]:
    version, internal, gauss = state
    return [version, list(internal), gauss]
