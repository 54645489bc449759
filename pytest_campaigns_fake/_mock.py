"""``mock_campaigns``: one object that is a context manager and a decorator, like time-machine."""

from __future__ import annotations

import functools
import inspect
import unittest
from typing import Any, Callable, TypeVar, overload

import wrapt

from ._fake import MOCK, CampaignsFake
from ._options import Options

T = TypeVar("T")

# wrapt 1.x (which aiobotocore 2.x pins) ships no type hints, wrapt 2 does: typed here once,
# so that the strict type check passes with either.
_decorator: Callable[[Callable[..., Any]], Callable[..., Any]] = wrapt.decorator


class _MockCampaigns:
    """Activates a fresh ``CampaignsFake`` per ``with`` block, decorated call or test method."""

    def __init__(self, options: dict[str, Any]) -> None:
        # Fail on an unknown or invalid option now, not when the test runs.
        Options.build("mock_campaigns()", options)
        self._options = options
        self._fakes: list[CampaignsFake] = []

    def __repr__(self) -> str:
        return f"mock_campaigns({', '.join(f'{k}={v!r}' for k, v in self._options.items())})"

    def _new(self) -> CampaignsFake:
        fake = CampaignsFake(**self._options)
        fake._owner = MOCK
        return fake

    def __enter__(self) -> CampaignsFake:
        __tracebackhide__ = True
        fake = self._new().start()
        self._fakes.append(fake)
        return fake

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        __tracebackhide__ = True
        self._fakes.pop().__exit__(exc_type, exc, tb)

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...
    @overload
    def __call__(self, target: Callable[..., Any]) -> Callable[..., Any]: ...
    def __call__(self, target: Any) -> Any:
        if isinstance(target, type):
            if not issubclass(target, unittest.TestCase):
                raise TypeError("mock_campaigns can decorate unittest.TestCase classes only")
            return self._decorate_testcase(target)
        if inspect.iscoroutinefunction(target):

            @_decorator
            async def run_async(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
                # A fake per call, not a stack on self: calls of one decorated function may
                # overlap (asyncio.gather, threads).
                __tracebackhide__ = True
                with self._new():
                    return await wrapped(*args, **kwargs)

            return run_async(target)

        @_decorator
        def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
            __tracebackhide__ = True
            with self._new():
                return wrapped(*args, **kwargs)

        return run(target)

    def _decorate_testcase(self, cls: type[unittest.TestCase]) -> type[unittest.TestCase]:
        original = cls.setUp
        new = self._new

        @functools.wraps(original)
        def setUp(test: unittest.TestCase) -> None:
            fake = new().start()
            test.campaigns_fake = fake  # type: ignore[attr-defined]

            def finish() -> None:
                outcome = getattr(test, "_outcome", None)
                fake.stop(verify=outcome is None or getattr(outcome, "success", True))

            test.addCleanup(finish)
            original(test)

        cls.setUp = setUp  # type: ignore[method-assign,assignment]
        return cls


@overload
def mock_campaigns(target: type[T], /) -> type[T]: ...
@overload
def mock_campaigns(target: Callable[..., Any], /) -> Callable[..., Any]: ...
@overload
def mock_campaigns(target: None = None, /, **options: Any) -> _MockCampaigns: ...
def mock_campaigns(target: Any = None, /, **options: Any) -> Any:
    """Activate a fresh in-memory connectcampaigns service.

    As a context manager it returns the active ``CampaignsFake``; as a decorator (with or
    without arguments) it wraps functions, coroutine functions and ``unittest.TestCase``
    classes, giving each call or test method a fresh fake (``self.campaigns_fake`` in a
    TestCase, ``pytest_campaigns_fake.current()`` anywhere). Options are those of
    ``CampaignsFake``; on a clean exit a strict fake fails on faults that never fired.
    """
    if target is not None:
        if options:
            raise TypeError("use mock_campaigns(**options)(target) to combine options and target")
        return _MockCampaigns({})(target)
    return _MockCampaigns(options)
