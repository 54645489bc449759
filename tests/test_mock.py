"""``mock_campaigns`` as context manager and decorator, outside the pytest fixtures."""

from __future__ import annotations

import asyncio
import inspect
import io
import unittest
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from typing import ClassVar

import pytest
from support import new_client

import pytest_campaigns_fake
from pytest_campaigns_fake import CampaignsFake, FakeUsageError, mock_campaigns

CLIENT = new_client()


def test_context_manager_returns_an_active_fresh_fake() -> None:
    with mock_campaigns(require_onboarding=False) as fake:
        assert isinstance(fake, CampaignsFake)
        assert fake.active and pytest_campaigns_fake.current() is fake
        fake.add_campaign(connect_instance_id="i")
        assert len(CLIENT.list_campaigns()["campaignSummaryList"]) == 1
    assert not fake.active and pytest_campaigns_fake.current() is None
    with mock_campaigns() as second:
        assert second is not fake
        assert CLIENT.list_campaigns()["campaignSummaryList"] == []


def test_unknown_option_fails_at_once() -> None:
    with pytest.raises(TypeError, match="onboarding_pols"):
        mock_campaigns(onboarding_pols=1)  # type: ignore[call-overload]


def test_strict_exit_names_unfired_faults() -> None:
    expected = pytest.raises(FakeUsageError, match="AccessDeniedException on DescribeCampaign")
    with expected, mock_campaigns() as fake:
        fake.inject_error("describe_campaign", "AccessDeniedException")


def test_non_strict_exit_allows_unfired_faults() -> None:
    with mock_campaigns(strict=False) as fake:
        fake.throttle()
    assert len(fake.unused_faults) == 1  # it never fired, and leaving did not fail


def test_an_exception_in_the_block_is_not_masked_by_strictness() -> None:
    with pytest.raises(KeyError, match="original"), mock_campaigns() as fake:
        fake.throttle()
        raise KeyError("original")


def test_nested_activation_innermost_answers_then_outer_again() -> None:
    with mock_campaigns(require_onboarding=False) as outer:
        outer.add_campaign(connect_instance_id="i", name="outer")
        with mock_campaigns() as inner:
            assert pytest_campaigns_fake.current() is inner
            assert CLIENT.list_campaigns()["campaignSummaryList"] == []
        names = [c["name"] for c in CLIENT.list_campaigns()["campaignSummaryList"]]
        assert names == ["outer"]
        assert len(inner.calls) == 1 and len(outer.calls) == 1


def test_same_fake_cannot_be_activated_twice() -> None:
    fake = CampaignsFake()
    with fake, pytest.raises(RuntimeError, match="already active"):
        fake.start()


@mock_campaigns
def _bare(x: int, *, y: str = "a") -> CampaignsFake | None:
    return pytest_campaigns_fake.current()


@mock_campaigns(seed=3, require_onboarding=False)
def _with_options(x: int) -> tuple[str, ...]:
    fake = pytest_campaigns_fake.current()
    assert fake is not None
    return tuple(fake.add_campaign(connect_instance_id="i").id for _ in range(x))


def test_decorator_without_arguments_activates_per_call() -> None:
    first, second = _bare(1), _bare(2, y="b")
    assert isinstance(first, CampaignsFake) and isinstance(second, CampaignsFake)
    assert first is not second
    assert pytest_campaigns_fake.current() is None


def test_decorator_preserves_the_signature() -> None:
    expected = "(x: 'int', *, y: 'str' = 'a') -> 'CampaignsFake | None'"
    assert str(inspect.signature(_bare)) == expected
    assert _bare.__name__ == "_bare"


def test_decorator_with_options_and_seed_is_deterministic() -> None:
    assert _with_options(3) == _with_options(3)
    assert len(set(_with_options(3))) == 3


def test_decorates_coroutine_functions() -> None:
    @mock_campaigns(require_onboarding=False)
    async def run() -> int:
        fake = pytest_campaigns_fake.current()
        assert fake is not None
        fake.add_campaign(connect_instance_id="i")
        await asyncio.sleep(0)
        return len(CLIENT.list_campaigns()["campaignSummaryList"])

    assert inspect.iscoroutinefunction(run)
    assert asyncio.run(run()) == 1
    assert pytest_campaigns_fake.current() is None


def test_decorating_a_non_testcase_class_is_refused() -> None:
    with pytest.raises(TypeError, match=r"unittest\.TestCase"):
        mock_campaigns(type("Plain", (), {}))


@mock_campaigns(require_onboarding=False)
class _Reminders(unittest.TestCase):
    __test__ = False  # run by unittest's own runner below, not collected by pytest
    seen: ClassVar[list[CampaignsFake]] = []
    campaigns_fake: CampaignsFake  # set by the mock_campaigns decorator, for each test

    def setUp(self) -> None:
        self.client = CLIENT
        self.campaign = self.campaigns_fake.add_campaign(connect_instance_id="i")

    def test_start(self) -> None:
        self.seen.append(self.campaigns_fake)
        self.client.start_campaign(id=self.campaign.id)
        self.assertEqual(self.campaigns_fake.campaign(self.campaign.id).state, "Running")

    def test_fresh_state(self) -> None:
        self.seen.append(self.campaigns_fake)
        listed = self.client.list_campaigns()["campaignSummaryList"]
        self.assertEqual([c["id"] for c in listed], [self.campaign.id])

    def test_unfired_fault(self) -> None:
        self.campaigns_fake.throttle("StopCampaign")


def test_testcase_classes_get_a_fresh_fake_per_test_under_unittest() -> None:
    _Reminders.seen.clear()
    suite = unittest.TestLoader().loadTestsFromTestCase(_Reminders)
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    assert result.testsRun == 3
    assert result.errors == []
    # The strict check runs as a cleanup: the unfired throttle fails that test only.
    assert [test.id().rsplit(".", 1)[-1] for test, _ in result.failures] == ["test_unfired_fault"]
    assert "ThrottlingException on StopCampaign" in result.failures[0][1]
    assert len(_Reminders.seen) == 2 and _Reminders.seen[0] is not _Reminders.seen[1]
    assert pytest_campaigns_fake.current() is None


def test_overlapping_calls_of_one_decorated_coroutine_each_get_their_own_fake() -> None:
    @mock_campaigns
    async def run(pause: float) -> CampaignsFake:
        fake = pytest_campaigns_fake.current()
        assert fake is not None
        await asyncio.sleep(pause)
        return fake

    async def both() -> list[CampaignsFake]:
        return list(await asyncio.gather(run(0.01), run(0)))

    first, second = asyncio.run(both())
    assert first is not second
    assert not first.active and not second.active
    assert pytest_campaigns_fake.current() is None


def test_campaigns_fake_as_context_manager_is_strict_too() -> None:
    unfired = pytest.raises(FakeUsageError, match="ThrottlingException on any operation")
    with unfired, CampaignsFake() as fake:
        fake.throttle()
    with CampaignsFake(strict=False) as lenient:
        lenient.throttle()
    assert not lenient.active


def test_throttle_refuses_arguments_it_would_ignore() -> None:
    fake = CampaignsFake()
    with pytest.raises(TypeError, match="burst applies to a rate limit"):
        fake.throttle("DescribeCampaign", burst=3)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="times does not apply"):
        fake.throttle("DescribeCampaign", rate=2, times=3)  # type: ignore[call-overload]


def test_empty_dialer_config_seed_breaks_the_union() -> None:
    with pytest.raises(ValueError, match="Member must have exactly one of"):
        CampaignsFake().add_campaign(connect_instance_id="i", dialer_config={})


def test_stop_verifies_only_when_asked() -> None:
    quiet = CampaignsFake().start()
    quiet.throttle()
    quiet.stop()
    assert not quiet.active
    checked = CampaignsFake().start()
    checked.throttle("StopCampaign")
    with pytest.raises(FakeUsageError, match="ThrottlingException on StopCampaign"):
        checked.stop(verify=True)
    assert not checked.active
    CampaignsFake(strict=False).start().stop(verify=True)  # not strict: nothing to fail


# -- generator functions: the fake is active from the body's first step to its end ---------------


def _names() -> list[str]:
    return [c["name"] for c in CLIENT.list_campaigns()["campaignSummaryList"]]


def test_decorated_generator_keeps_its_fake_across_yields() -> None:
    @mock_campaigns(require_onboarding=False)
    def seeded(name: str) -> Generator[CampaignsFake, None, None]:
        fake = pytest_campaigns_fake.current()
        assert fake is not None
        fake.add_campaign(connect_instance_id="i", name=name)
        yield fake
        # Resumed after the consumer ran: still this fake, still answering.
        assert pytest_campaigns_fake.current() is fake
        assert _names() == [name]

    generator = seeded("first")
    assert inspect.isgenerator(seeded("unstarted"))
    assert pytest_campaigns_fake.current() is None  # nothing runs before the first step
    fake = next(generator)
    assert fake.active and _names() == ["first"]  # the consumer's calls reach it too
    with pytest.raises(StopIteration):
        next(generator)
    assert not fake.active and pytest_campaigns_fake.current() is None
    assert len(fake.calls) == 2
    assert next(seeded("second")) is not fake  # a fresh fake per call


def test_decorated_generator_gets_send_throw_and_its_return_value() -> None:
    @mock_campaigns
    def echo() -> Generator[int, int, str]:
        received = yield 1
        try:
            yield received
        except KeyError:
            yield -1
        return "done"

    generator = echo()
    assert next(generator) == 1
    assert generator.send(5) == 5
    assert generator.throw(KeyError("k")) == -1
    with pytest.raises(StopIteration) as stopped:
        next(generator)
    assert stopped.value.value == "done"
    assert pytest_campaigns_fake.current() is None


def test_decorated_generator_checks_a_strict_fake_at_its_end_only() -> None:
    @mock_campaigns
    def unfired() -> Generator[None, None, None]:
        fake = pytest_campaigns_fake.current()
        assert fake is not None
        fake.throttle("StopCampaign")
        yield

    finished = unfired()
    next(finished)
    with pytest.raises(FakeUsageError, match="ThrottlingException on StopCampaign"):
        next(finished)
    closed = unfired()
    next(closed)
    closed.close()  # left early, as a with block left by an exception: stopped, not checked
    assert pytest_campaigns_fake.current() is None


def test_decorated_generator_refuses_wrong_arguments_at_the_call() -> None:
    @mock_campaigns
    def one(x: int) -> Iterator[int]:
        yield x

    with pytest.raises(TypeError):
        one(1, 2)  # type: ignore[call-arg]
    assert inspect.isgeneratorfunction(one)


def test_decorated_async_generator_keeps_its_fake_across_yields() -> None:
    @mock_campaigns(require_onboarding=False)
    async def seeded() -> AsyncGenerator[CampaignsFake, str]:
        fake = pytest_campaigns_fake.current()
        assert fake is not None
        fake.add_campaign(connect_instance_id="i", name="async")
        await asyncio.sleep(0)
        received = yield fake
        assert pytest_campaigns_fake.current() is fake and received == "sent"
        try:
            yield fake
        except KeyError:
            yield fake
        assert _names() == ["async"]

    async def consume() -> None:
        generator = seeded()
        assert pytest_campaigns_fake.current() is None
        fake = await generator.__anext__()
        assert fake.active and _names() == ["async"]
        assert await generator.asend("sent") is fake
        assert await generator.athrow(KeyError("k")) is fake
        with pytest.raises(StopAsyncIteration):
            await generator.__anext__()
        assert not fake.active
        closed = seeded()
        await closed.__anext__()
        await closed.aclose()
        assert pytest_campaigns_fake.current() is None

    assert inspect.isasyncgenfunction(seeded)
    asyncio.run(consume())


def test_decorated_async_generator_checks_a_strict_fake_at_its_end() -> None:
    @mock_campaigns
    async def unfired() -> AsyncIterator[None]:
        fake = pytest_campaigns_fake.current()
        assert fake is not None
        fake.throttle("StopCampaign")
        yield

    async def consume() -> None:
        generator = unfired()
        await generator.__anext__()
        with pytest.raises(FakeUsageError, match="ThrottlingException on StopCampaign"):
            await generator.__anext__()

    asyncio.run(consume())
    assert pytest_campaigns_fake.current() is None


def test_a_pytest_fixture_wrapped_from_outside_is_refused() -> None:
    # pytest would call the function under @pytest.fixture: the fake would never start.
    with pytest.raises(TypeError, match=r"Put @mock_campaigns below @pytest\.fixture"):

        @mock_campaigns
        @pytest.fixture
        def fixture() -> Iterator[None]:
            yield


def test_decorating_what_is_not_callable_is_refused() -> None:
    with pytest.raises(TypeError, match=r"decorates functions.*not 42"):
        mock_campaigns(42)  # type: ignore[call-overload]


# -- one mock_campaigns object entered twice -------------------------------------------------------


def test_one_object_is_one_with_block_at_a_time() -> None:
    mock = mock_campaigns(require_onboarding=False)
    unfired = pytest.raises(FakeUsageError, match="ThrottlingException on StopCampaign")
    with unfired, mock as outer:
        outer.add_campaign(connect_instance_id="i", name="outer")
        with pytest.raises(RuntimeError, match="already in a with block"), mock:
            pass  # pragma: no cover
        # The refused entry changed nothing: the first block's fake still answers.
        assert pytest_campaigns_fake.current() is outer and _names() == ["outer"]
        outer.throttle("StopCampaign")
    # Its exit stopped and checked the first block's fake, as a with block's exit does.
    assert not outer.active and pytest_campaigns_fake.current() is None


def test_one_object_entered_again_after_its_block_gives_a_fresh_fake() -> None:
    mock = mock_campaigns(require_onboarding=False)
    with mock as first:
        first.add_campaign(connect_instance_id="i", name="first")
    with mock as second:
        assert second is not first and second.active and not first.active
        assert _names() == []
    unfired = pytest.raises(FakeUsageError, match="ThrottlingException on StopCampaign")
    with unfired, mock as third:
        third.throttle("StopCampaign")
    assert pytest_campaigns_fake.current() is None
    with mock:  # the failed check released the object too
        pass


def test_one_object_decorates_and_is_entered_independently() -> None:
    mock = mock_campaigns()

    @mock
    def inside() -> CampaignsFake | None:
        return pytest_campaigns_fake.current()

    with mock as block:
        called = inside()  # a decorated call's fake is its own, nested in the block's
        assert called is not None and called is not block and block.active


# -- a decorated TestCase's outcome is told as it is -----------------------------------------------


@mock_campaigns
class _Outcomes(unittest.TestCase):
    """Each test leaves a fault unfired: only the passing one may fail for it."""

    __test__ = False
    campaigns_fake: CampaignsFake

    def setUp(self) -> None:
        self.campaigns_fake.throttle("StopCampaign")

    def test_fails(self) -> None:
        self.assertEqual(1, 2)

    def test_errors(self) -> None:
        raise KeyError("the test's own error")

    def test_skips(self) -> None:
        self.skipTest("not today")

    @unittest.expectedFailure
    def test_fails_as_expected(self) -> None:
        self.assertEqual(1, 2)

    @unittest.expectedFailure
    def test_passes_unexpectedly(self) -> None:
        pass

    def test_passes(self) -> None:
        pass

    def test_subtest_fails(self) -> None:
        with self.subTest(n=1):
            self.assertEqual(1, 2)

    @unittest.skip("skipped by decorator")
    def test_skipped_by_decorator(self) -> None:
        pass  # pragma: no cover


class _OwnSetUp(_Outcomes):
    """A subclass whose setUp does not call super(): its tests still get a fake."""

    __test__ = False

    def setUp(self) -> None:
        self.campaigns_fake.add_instance("instance-1")

    def test_has_a_fake(self) -> None:
        assert pytest_campaigns_fake.current() is self.campaigns_fake
        assert self.campaigns_fake.instance("instance-1").connect_instance_id == "instance-1"


def _run_tests(case: type[unittest.TestCase], *names: str) -> unittest.TestResult:
    suite = unittest.TestSuite(case(name) for name in names)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def _names_of(outcomes: list[tuple[unittest.TestCase, str]]) -> list[str]:
    return sorted(test.id().split(" ")[0].rsplit(".", 1)[-1] for test, _ in outcomes)


def test_testcase_outcomes_are_kept_and_only_a_pass_is_checked() -> None:
    result = _run_tests(
        _Outcomes,
        "test_fails",
        "test_errors",
        "test_skips",
        "test_fails_as_expected",
        "test_passes_unexpectedly",
        "test_passes",
        "test_subtest_fails",
        "test_skipped_by_decorator",
    )
    # One failure each, the test's own: no second FakeUsageError for the unfired fault.
    assert _names_of(result.failures) == ["test_fails", "test_passes", "test_subtest_fails"]
    by_name = {test.id().split(" ")[0].rsplit(".", 1)[-1]: text for test, text in result.failures}
    assert "FakeUsageError" not in by_name["test_fails"]
    assert "FakeUsageError" not in by_name["test_subtest_fails"]
    assert "ThrottlingException on StopCampaign" in by_name["test_passes"]
    assert _names_of(result.errors) == ["test_errors"]
    assert "KeyError" in result.errors[0][1] and "FakeUsageError" not in result.errors[0][1]
    assert _names_of(result.skipped) == ["test_skipped_by_decorator", "test_skips"]
    assert _names_of(result.expectedFailures) == ["test_fails_as_expected"]
    # A test marked as an expected failure is never checked: passing, it stays an unexpected
    # success (what its author needs to hear first).
    assert _names_of([(t, "") for t in result.unexpectedSuccesses]) == ["test_passes_unexpectedly"]
    assert result.testsRun == 8
    assert pytest_campaigns_fake.current() is None


def test_a_subclass_setup_without_super_still_gets_a_fresh_fake() -> None:
    result = _run_tests(_OwnSetUp, "test_has_a_fake", "test_passes")
    assert result.failures == [] and result.errors == []
    assert pytest_campaigns_fake.current() is None


@mock_campaigns(seed=1)
class _Inner(_Outcomes):
    """Decorated again below a decorated base: one fake per test, with this class's options."""

    __test__ = False

    def setUp(self) -> None:
        pass

    def test_one_fake_with_the_closest_options(self) -> None:
        assert self.campaigns_fake.options.seed == 1
        assert self.campaigns_fake.active


def test_the_closest_decorated_class_gives_the_options() -> None:
    result = _run_tests(_Inner, "test_one_fake_with_the_closest_options")
    assert result.failures == [] and result.errors == []


@mock_campaigns(require_onboarding=False)
class _AsyncTests(unittest.IsolatedAsyncioTestCase):
    __test__ = False
    campaigns_fake: CampaignsFake

    async def asyncSetUp(self) -> None:
        self.campaigns_fake.add_campaign(connect_instance_id="i", name="async")

    async def test_answered_in_the_loop(self) -> None:
        await asyncio.sleep(0)
        assert pytest_campaigns_fake.current() is self.campaigns_fake
        self.assertEqual(_names(), ["async"])

    async def test_unfired(self) -> None:
        self.campaigns_fake.throttle("StopCampaign")


def test_isolated_asyncio_testcases_get_a_fake_from_async_setup_on() -> None:
    result = _run_tests(_AsyncTests, "test_answered_in_the_loop", "test_unfired")
    assert result.errors == []
    assert _names_of(result.failures) == ["test_unfired"]
    assert pytest_campaigns_fake.current() is None
