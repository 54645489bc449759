"""``mock_campaigns`` as context manager and decorator, outside the pytest fixtures."""

from __future__ import annotations

import asyncio
import inspect
import io
import unittest
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
        mock_campaigns(onboarding_pols=1)


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
