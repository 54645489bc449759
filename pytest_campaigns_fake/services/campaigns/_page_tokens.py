"""The page tokens of both APIs' list operations: opaque to the client, signed, and bound to
what issued them (an API, account, region, filter or instance), so a token replayed elsewhere
is refused as a forged one is."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, Callable

from ...engine._engine import Operation, Result
from ...engine._errors import validation
from ._records import Bucket

DEFAULT_PAGE_SIZE = 50
_TOKEN_KEY = b"pytest-campaigns-fake/list-campaigns"

# What a token is bound to, from the caller's bucket and the request.
Scope = Callable[[Bucket, dict[str, Any]], str]


def page_token(after: int, scope: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode()
    return f"{payload}.{_mac(payload, scope)}"


def read_page_token(token: str, scope: str) -> int:
    payload, _, mac = token.partition(".")
    # As bytes: compare_digest refuses str with non-ASCII characters.
    if not hmac.compare_digest(mac.encode(), _mac(payload, scope).encode()):
        raise validation(f"Invalid nextToken: {token}")
    try:
        after = json.loads(base64.urlsafe_b64decode(payload.encode()))["after"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise validation(f"Invalid nextToken: {token}") from None
    if not isinstance(after, int):
        raise validation(f"Invalid nextToken: {token}")
    return after


def _mac(payload: str, scope: str) -> str:
    signed = f"{scope}\n{payload}".encode()
    return hmac.new(_TOKEN_KEY, signed, hashlib.sha256).hexdigest()[:24]


def page_token_check(scope: Scope) -> Operation:
    """A list operation's check of its ``nextToken``: one this API issued for ``scope``."""

    def check(service: Any, bucket: Bucket, params: dict[str, Any]) -> Result:
        if params.get("nextToken"):
            read_page_token(params["nextToken"], scope(bucket, params))
        return None

    return check


def list_scope(prefix: str) -> Scope:
    """What a ListCampaigns page token is bound to: the API (``prefix``), and the account,
    region and filter that issued it."""

    def scope(bucket: Bucket, params: dict[str, Any]) -> str:
        instance_filter = (params.get("filters") or {}).get("instanceIdFilter") or {}
        return prefix + json.dumps([bucket.account, bucket.region, instance_filter.get("value")])

    return scope
