"""``mock_campaigns``: one object that is a context manager and a decorator, like time-machine.

Whatever it decorates, the rule is the one of a ``with`` block around the body: the fake is
active while the body runs (a generator's body too, from its first step to its end) and a
strict fake is checked when the body ends without an exception.
"""

from __future__ import annotations

import functools
import inspect
import threading
import unittest
from collections.abc import AsyncGenerator, Generator, Mapping
from typing import TYPE_CHECKING, Any, Callable, TypeVar, overload

import wrapt

from ._fake import MOCK, CampaignsFake
from ._options import Options

if TYPE_CHECKING:
    # Type checkers only: typing_extensions is not a dependency, and Python 3.9's typing has
    # neither ParamSpec nor Unpack (mypy has the stub whether or not the package is installed).
    from typing_extensions import ParamSpec, Unpack

    from ._options import OptionKeywords

    P = ParamSpec("P")

R = TypeVar("R")
TC = TypeVar("TC", bound=unittest.TestCase)

# wrapt 1.x (which aiobotocore 2.x pins) ships no type hints, wrapt 2 does: typed here once,
# so that the strict type check passes with either.
_decorator: Callable[[Callable[..., Any]], Callable[..., Any]] = wrapt.decorator

# On a decorated TestCase class: the mock_campaigns object its tests take their fake from
# (the closest decorated class's, by inheritance); on its ``run``: that ``run`` starts fakes.
_MOCK_OF_CLASS = "_campaigns_fake_mock"
_STARTS_FAKES = "_campaigns_fake_run"
# On a test instance while its run holds a fake: an overriding ``run`` that calls the wrapped
# one of a decorated base class must not start a second fake.
_RUNNING = "_campaigns_fake_running"


def _no_test_failed() -> bool:
    return False


# Whether the test running now already failed: set by the pytest plugin for each test, so that a
# decorated yield fixture's fake, ending at the test's teardown, does not blame a failed test a
# second time for its unfired faults (as the campaigns_fake fixture does not).
test_failed: Callable[[], bool] = _no_test_failed


class _MockCampaigns:
    """Activates a fresh ``CampaignsFake`` per ``with`` block, decorated call or test method."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        # Fail on an unknown or invalid option now, not when the test runs.
        Options.build("mock_campaigns()", options)
        self._options = dict(options)
        # The fake of the ``with`` block this object is in, if it is in one (see __enter__).
        self._entered: CampaignsFake | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"mock_campaigns({', '.join(f'{k}={v!r}' for k, v in self._options.items())})"

    def _new(self) -> CampaignsFake:
        fake = CampaignsFake(**self._options)
        fake._owner = MOCK
        return fake

    # -- as a context manager ----------------------------------------------------------------

    def __enter__(self) -> CampaignsFake:
        """A fresh fake, active until the block ends.

        One object is one block at a time: entering it again while its block runs (nested, or
        from another thread) is refused, since the reader of ``with m:`` inside ``with m:``
        cannot tell whether it means the same fake or a new one, and the two blocks' exits
        could stop each other's fake. Entered again after its block ended, it gives a fresh
        fake. (As a decorator it starts a fake per call and holds none: calls may overlap.)
        """
        __tracebackhide__ = True
        with self._lock:
            if self._entered is not None:
                raise RuntimeError(
                    f"{self!r} is already in a with block (its fake: {self._entered!r}): one "
                    "mock_campaigns object is one block at a time. For a nested fake, use a "
                    "second mock_campaigns(...); for the same fake, use the one the first "
                    "block gave (with ... as fake)"
                )
            fake = self._entered = self._new()
        try:
            return fake.start()
        except BaseException:
            self._entered = None
            raise

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        __tracebackhide__ = True
        fake, self._entered = self._entered, None
        if fake is None:
            raise RuntimeError(f"{self!r} exited without being entered")
        fake.__exit__(exc_type, exc, tb)

    # -- as a decorator ----------------------------------------------------------------------

    @overload
    def __call__(self, target: type[TC]) -> type[TC]: ...
    @overload
    def __call__(self, target: Callable[P, R]) -> Callable[P, R]: ...
    def __call__(self, target: Any) -> Any:
        if isinstance(target, type):
            if not issubclass(target, unittest.TestCase):
                raise TypeError(
                    f"mock_campaigns can decorate unittest.TestCase classes only, not {target!r}"
                )
            return self._decorate_testcase(target)
        if _is_pytest_fixture(target):
            # pytest calls the function under @pytest.fixture, not what wraps the fixture:
            # the fake would never start.
            raise TypeError(
                f"mock_campaigns cannot wrap the pytest fixture {target!r} from outside: "
                "pytest would call the function under @pytest.fixture and the fake would "
                "never start. Put @mock_campaigns below @pytest.fixture"
            )
        if not callable(target):
            raise TypeError(
                "mock_campaigns decorates functions, coroutine functions, generator functions "
                f"and unittest.TestCase classes, not {target!r}"
            )
        if inspect.isasyncgenfunction(target):

            @_decorator
            def run_async_generator(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
                # The body is made now, so that wrong arguments fail at the call as they do
                # undecorated; it starts (and the fake with it) at the first step.
                return self._async_generator(wrapped(*args, **kwargs))

            return run_async_generator(target)
        if inspect.isgeneratorfunction(target):

            @_decorator
            def run_generator(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
                return self._generator(wrapped(*args, **kwargs))

            return run_generator(target)
        if inspect.iscoroutinefunction(target):

            @_decorator
            async def run_async(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
                # A fake per call, none held by self: calls of one decorated function may
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

    def _generator(self, body: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
        """``body`` run inside a fresh fake: active from its first step to its end, across
        its yields (a yield fixture's test runs with it). Closed early (``close()``, garbage
        collection) or raising, the fake stops unchecked, as a ``with`` block left by an
        exception; at the end of a yield fixture whose test failed, too."""
        __tracebackhide__ = True
        fake = self._new().start()
        try:
            # yield from passes send(), throw() and close() through to the body.
            result = yield from body
        except BaseException:
            fake.stop()
            raise
        fake.stop(verify=not test_failed())
        return result

    async def _async_generator(self, body: AsyncGenerator[Any, Any]) -> AsyncGenerator[Any, Any]:
        """``_generator`` for async generators, which have no ``yield from``: every
        ``asend``, ``athrow`` and ``aclose`` is passed to the body by hand."""
        __tracebackhide__ = True
        fake = self._new().start()
        try:
            value = await body.__anext__()
            while True:
                try:
                    sent = yield value
                except GeneratorExit:
                    await body.aclose()
                    raise
                except BaseException as error:
                    value = await body.athrow(error)
                else:
                    value = await body.asend(sent)
        except StopAsyncIteration:
            pass  # the body ended
        except BaseException:
            fake.stop()
            raise
        fake.stop(verify=not test_failed())

    # -- unittest.TestCase classes -----------------------------------------------------------

    def _decorate_testcase(self, cls: type[TC]) -> type[TC]:
        # ``run`` and not ``setUp``: a subclass's setUp that does not call super() would leave
        # its tests without a fake, and a skipped or expected failure is told only by run.
        setattr(cls, _MOCK_OF_CLASS, self)
        if getattr(cls.run, _STARTS_FAKES, False):
            return cls  # inherited from a decorated base: it reads this class's mock
        original = cls.run

        @functools.wraps(original)
        def run(
            test: unittest.TestCase, result: unittest.TestResult | None = None
        ) -> unittest.TestResult | None:
            mock: _MockCampaigns = getattr(type(test), _MOCK_OF_CLASS)
            return mock._run_test(test, original, result)

        setattr(run, _STARTS_FAKES, True)
        cls.run = run  # type: ignore[method-assign,assignment]
        return cls

    def _run_test(
        self,
        test: unittest.TestCase,
        run: Callable[[Any, unittest.TestResult | None], unittest.TestResult | None],
        result: unittest.TestResult | None,
    ) -> unittest.TestResult | None:
        """One test method run with a fresh fake, from before ``setUp`` to after the last
        cleanup. A strict fake is checked only when the test passed and was not marked
        ``expectedFailure``: a failure, an error, a skip, an expected failure or an unexpected
        success is reported as it is, with nothing added."""
        if vars(test).get(_RUNNING):
            return run(test, result)
        fake = self._new().start()
        test.campaigns_fake = fake  # type: ignore[attr-defined]
        cleanups = test.doCleanups

        def do_cleanups() -> Any:  # what unittest's returns (typeshed says None)
            # unittest runs this after tearDown, outside any part of the test: the outcome
            # read here is the whole test's (inside a cleanup it would be the cleanup's own).
            ok = cleanups()
            outcome = getattr(test, "_outcome", None)
            passed = (
                outcome is not None
                and bool(getattr(outcome, "success", False))
                and not _expects_failure(test)
            )
            fake.stop()
            if passed and fake.strict and fake.unused_faults:
                # Raised as a cleanup, so that unittest reports it as this test's failure.
                test.addCleanup(fake.verify)
                ok = cleanups()
            return ok

        vars(test)[_RUNNING] = True
        test.doCleanups = do_cleanups  # type: ignore[method-assign]
        try:
            return run(test, result)
        finally:
            vars(test).pop("doCleanups", None)
            vars(test).pop(_RUNNING, None)
            fake.stop()  # a skipped test's run returns before any cleanup


def _expects_failure(test: unittest.TestCase) -> bool:
    """Whether the test is marked ``expectedFailure`` (as unittest's own ``run`` reads it):
    failing, it is an expected failure; passing, an unexpected success; either is its outcome,
    which an unfired fault would hide."""
    method = getattr(test, test._testMethodName, None)
    return bool(
        getattr(test, "__unittest_expecting_failure__", False)
        or getattr(method, "__unittest_expecting_failure__", False)
    )


def _is_pytest_fixture(target: Any) -> bool:
    # pytest >= 8.4 makes a FixtureFunctionDefinition; older releases mark the function.
    return (
        type(target).__name__ == "FixtureFunctionDefinition"
        or getattr(target, "_pytestfixturefunction", None) is not None
    )


@overload
def mock_campaigns(target: type[TC], /) -> type[TC]: ...
@overload
def mock_campaigns(target: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def mock_campaigns(target: None = None, /, **options: Unpack[OptionKeywords]) -> _MockCampaigns: ...
def mock_campaigns(target: Any = None, /, **options: Any) -> Any:
    """Activate a fresh in-memory connectcampaigns service.

    As a context manager it returns the active ``CampaignsFake``; as a decorator (with or
    without arguments) it wraps functions, coroutine functions, generator and async generator
    functions (a yield fixture, say) and ``unittest.TestCase`` classes, giving each call or test
    method a fresh fake (``self.campaigns_fake`` in a TestCase, ``pytest_campaigns_fake.current()``
    anywhere), active while the body runs. Options are those of ``CampaignsFake``; on a clean
    exit a strict fake fails on faults that never fired.
    """
    if target is not None:
        if options:
            raise TypeError("use mock_campaigns(**options)(target) to combine options and target")
        return _MockCampaigns({})(target)
    return _MockCampaigns(options)
