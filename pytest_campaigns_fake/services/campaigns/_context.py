"""What a service's test controls act on of the fake they belong to (``Context``).

The fake builds one and hands it to each service's controls: the engine's lock, the store,
the journal, the clock and ids, and the bucket a seed or lookup names. The controls reach
the fake through it alone, never through the fake's private attributes, and the services'
package never imports the fake (a room above it).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from ...engine._clock import Clock, Ids
from ...engine._journal import Journal
from ._records import Bucket, Store


@dataclass(frozen=True)
class Context:
    """The fake's shared state, as its services' controls see it."""

    #: The engine's lock: every control that reads or changes the state takes it, as a
    #: request does (requests may run on other threads).
    lock: AbstractContextManager[Any]
    store: Store
    journal: Journal
    clock: Clock
    ids: Ids
    #: The bucket a seed or lookup names (account, region), the fake's own by default; the
    #: fake checks both (a region no client can reach is refused).
    bucket: Callable[[str | None, str | None], Bucket]
    #: The fake, as its controls' reprs name it.
    owner: object
