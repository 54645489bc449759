"""aiobotocore's private corners (an optional extra): its emitter, its adaptive mode's token
bucket and its response type, beside botocore's in ``_botocore`` (whose ``PRIVATE_CORNERS``
lists these too, each guarded by tests/test_botocore_corners.py)."""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse

from ._botocore import Wrapper, _unwrap, _wrap


def aio_emitter() -> type | None:
    """aiobotocore's emitter class, or None without aiobotocore (an optional extra)."""
    try:
        from aiobotocore.hooks import AioHierarchicalEmitter
    except ImportError:
        return None
    emitter: type = AioHierarchicalEmitter
    return emitter


def wrap_aio_emitter(wrapper: Wrapper) -> bool:
    """Route every aiobotocore event through ``wrapper`` (async, like the ``_emit`` it wraps);
    False without aiobotocore."""
    # Touches the private aiobotocore.hooks.AioHierarchicalEmitter._emit, a coroutine that
    # overrides botocore's: wrapping botocore's alone never sees an async client's events.
    emitter = aio_emitter()
    if emitter is None:
        return False
    _wrap(emitter, "_emit", wrapper)
    return True


def unwrap_aio_emitter() -> None:
    emitter = aio_emitter()
    if emitter is not None and "_emit" in vars(emitter):
        _unwrap(emitter, "_emit")


def aio_token_bucket() -> type | None:
    """aiobotocore's token bucket class (adaptive retry mode), or None without aiobotocore."""
    try:
        from aiobotocore.retries.bucket import AsyncTokenBucket
    except ImportError:
        return None
    bucket: type = AsyncTokenBucket
    return bucket


def wrap_aio_token_bucket_acquire(wrapper: Wrapper) -> bool:
    """Route every ``AsyncTokenBucket.acquire(amount=1, block=True)`` (a coroutine) through
    ``wrapper``; False without aiobotocore."""
    # aiobotocore's adaptive mode awaits AsyncTokenBucket.acquire (anyio's subclass inherits
    # it) in before-send, waiting on a condition for as long as the bucket needs to refill.
    bucket = aio_token_bucket()
    if bucket is None:
        return False
    _wrap(bucket, "acquire", wrapper)
    return True


def unwrap_aio_token_bucket_acquire() -> None:
    bucket = aio_token_bucket()
    if bucket is not None and "acquire" in vars(bucket):
        _unwrap(bucket, "acquire")


async def aio_token_bucket_take(bucket: Any, amount: Any) -> float | None:
    """``token_bucket_take`` for aiobotocore's ``AsyncTokenBucket``: its condition is awaited."""
    # Touches AsyncTokenBucket._new_fill_rate_condition (an asyncio or anyio Condition),
    # _refill(), _current_capacity and _sleep_amount(), as token_bucket_take does botocore's.
    delay = None
    async with bucket._new_fill_rate_condition:
        bucket._refill()
        if amount > bucket._current_capacity:
            delay = float(bucket._sleep_amount(amount))
        bucket._current_capacity = max(0.0, bucket._current_capacity - amount)
    return delay


class _AsyncBody:
    """The ``raw`` of an AioAWSResponse: aiobotocore awaits ``raw.read()``."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def read(self, *_: Any) -> bytes:
        return self.data


def aio_http_response(response: AWSResponse) -> Any:
    """The same answer as an aiobotocore response (its ``content`` is awaited)."""
    from aiobotocore.awsrequest import AioAWSResponse

    body: bytes = response.raw.data
    return AioAWSResponse(response.url, response.status_code, response.headers, _AsyncBody(body))


def wrap_aio_make_api_call(wrapper: Wrapper) -> bool:
    """Route every ``AioBaseClient._make_api_call`` (a coroutine) through ``wrapper``; False
    without aiobotocore."""
    try:
        from aiobotocore.client import AioBaseClient
    except ImportError:
        return False
    _wrap(AioBaseClient, "_make_api_call", wrapper)
    return True


def unwrap_aio_make_api_call() -> None:
    try:
        from aiobotocore.client import AioBaseClient
    except ImportError:
        return
    if "_make_api_call" in vars(AioBaseClient):
        _unwrap(AioBaseClient, "_make_api_call")
