"""The requests a campaign accepts in batches, item by item, for both APIs.

PutDialRequestBatch (v1), PutOutboundRequestBatch and PutProfileOutboundRequestBatch (v2)
answer the same way: a client token seen within its validity answers the request it made
(idempotency, also within one batch); otherwise the item's own rules, then the faults, may fail
it; an accepted item is kept, under its token. Both answer lists keep the request's order and
every item is in exactly one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Protocol, TypeVar

from ...engine._clock import Ids
from ...engine._faults import ItemFaults
from ._records import Store

# "The token is valid for 7 days after creation" (both APIs' references).
CLIENT_TOKEN_VALIDITY = timedelta(days=7)


class Accepted(Protocol):
    """An accepted request: what the token answers with, and since when."""

    @property
    def id(self) -> str: ...

    @property
    def accepted_at(self) -> datetime: ...


A = TypeVar("A", bound=Accepted)


class Service(Protocol):
    """What of either API's service a batch needs: ids, and the faults for per-item failures."""

    store: Store
    ids: Ids
    faults: ItemFaults


def accept(
    service: Service,
    operation: str,
    campaign_id: str,
    items: list[dict[str, Any]],
    *,
    now: datetime,
    tokens: dict[str, A],
    accepted: list[A],
    refuse: Callable[[dict[str, Any]], str | None],
    make: Callable[[str, dict[str, Any]], A],
    conflicts: Callable[[A, dict[str, Any]], bool] | None = None,
) -> dict[str, Any]:
    """Answer a batch: ``refuse`` gives an item's failure code under the operation's own rules
    (None: it passes them), ``make`` the record of an accepted item, ``conflicts`` whether a
    token seen before was sent with other values (failure ``Conflict``)."""
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for item in items:
        token = item["clientToken"]
        known = tokens.get(token)
        if known is not None and now - known.accepted_at < CLIENT_TOKEN_VALIDITY:
            if conflicts is not None and conflicts(known, item):
                failed.append({"clientToken": token, "id": known.id, "failureCode": "Conflict"})
            else:
                succeeded.append({"clientToken": token, "id": known.id})
            continue
        code = refuse(item) or service.faults.item_failure(
            operation, {**item, "campaignId": campaign_id}
        )
        ident = service.store.fresh_id(service.ids.uuid)
        if code is not None:
            failed.append({"clientToken": token, "id": ident, "failureCode": code})
            continue
        record = make(ident, item)
        accepted.append(record)
        tokens[token] = record
        succeeded.append({"clientToken": token, "id": ident})
    return {"successfulRequests": succeeded, "failedRequests": failed}
