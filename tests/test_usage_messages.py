"""Messages that finish the job: a misspelt name is answered with the nearest known names,
and a usage error's traceback stops at the test's own line (no frame of the package, no long
reprs of its internals)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_campaigns_fake import CampaignsFake, mock_campaigns

# A frame of the package in a pytest traceback: its file's path (in a room's folder or not).
PACKAGE_FRAME = re.compile(r"pytest_campaigns_fake(?:[/\\]\w+)*[/\\]\w+\.py")


def _run(pytester: pytest.Pytester, body: str) -> str:
    pytester.makepyfile(body)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "--tb=long")
    result.assert_outcomes(failed=1)
    return result.stdout.str()


def _shows_only_the_users_frame(output: str, line: str) -> None:
    assert f"    {line}" in output, output
    assert not PACKAGE_FRAME.search(output), output
    assert "Model(" not in output, output


def test_a_misspelt_operation_in_an_assertion_names_the_nearest_at_the_users_line(
    pytester: pytest.Pytester,
) -> None:
    output = _run(
        pytester,
        """
        def test_it(campaigns_fake):
            campaigns_fake.calls.assert_called("StopCampaing")
        """,
    )
    _shows_only_the_users_frame(output, 'campaigns_fake.calls.assert_called("StopCampaing")')
    assert "Unknown connectcampaigns operation 'StopCampaing' (did you mean 'StopCampaign'?)" in (
        output
    )


def test_a_failing_assert_called_shows_the_users_line(pytester: pytest.Pytester) -> None:
    output = _run(
        pytester,
        """
        def test_it(campaigns_fake, campaigns_client):
            campaigns_client.list_campaigns()
            campaigns_fake.calls.assert_called("StopCampaign", id="c1")
        """,
    )
    _shows_only_the_users_frame(
        output, 'campaigns_fake.calls.assert_called("StopCampaign", id="c1")'
    )
    assert "Expected a call to StopCampaign(id='c1')" in output


@pytest.mark.parametrize(
    ("call", "hint"),
    [
        (
            'campaigns_fake.inject_error("DescribeCampaing", "AccessDeniedException")',
            "'DescribeCampaign'",
        ),
        (
            'campaigns_fake.inject_error("DescribeCampaign", "AccessDenied")',
            "'AccessDeniedException'",
        ),
        ('campaigns_fake.calls.filter("StartCampaign", idd="c1")', "'id'"),
        ("campaigns_fake.quotas.campaign_per_instance = 1", "'campaigns_per_instance'"),
        ('campaigns_fake.v2.throttle("list_campaign")', "'list_campaigns'"),
    ],
    ids=["operation", "error-code", "journal-member", "quota", "v2-snake-operation"],
)
def test_a_misspelt_name_given_to_a_control_is_refused_at_the_users_line(
    pytester: pytest.Pytester, call: str, hint: str
) -> None:
    output = _run(
        pytester,
        f"""
        def test_it(campaigns_fake):
            {call}
        """,
    )
    _shows_only_the_users_frame(output, call)
    assert f"(did you mean {hint}?)" in output


# -- the nearest names, where each kind of name is refused ---------------------------------------


def _refusal(action: Any) -> str:
    with pytest.raises((ValueError, TypeError, AttributeError, AssertionError)) as caught:
        action()
    return str(caught.value)


def test_each_misspelt_name_suggests_the_nearest() -> None:
    fake = CampaignsFake(strict=False)
    fake.add_instance("instance-1")
    cases = {
        # an unknown operation, in the spelling given
        "'StartCampaign'": lambda: fake.calls.filter("StartCampaing"),
        "'start_campaign'": lambda: fake.calls.filter("start_campaing"),
        # an unknown journal member, with and without an operation
        "'connectInstanceId'": lambda: fake.calls.filter("CreateCampaign", connectInstanceID="x"),
        "'campaignIds'": lambda: fake.calls.count_of(campaignIdz=["x"]),
        # an unknown error code, on an operation and on any operation
        "'ResourceNotFoundException'": lambda: fake.inject_error(
            "DescribeCampaign", "ResourceNotFound"
        ),
        "'ThrottlingException'": lambda: fake.inject_error(None, "ThrottlingExeption"),
        # an unknown member of an injected error, of a fault's match, of a seed
        "'state'": lambda: fake.inject_error(
            "StartCampaign", "InvalidCampaignStateException", members={"stat": "Running"}
        ),
        "'id'": lambda: fake.inject_error(
            "DescribeCampaign", "AccessDeniedException", match={"idd": "x"}
        ),
        "'connectQueueId'": lambda: fake.add_campaign(
            connect_instance_id="instance-1",
            outbound_call_config={"connectContactFlowId": "f", "connectQueueID": "q"},
        ),
        # an unknown item failure code
        "'InvalidInput'": lambda: fake.fail_dial_requests("InvalidInputs"),
        # an unknown enum value of a seed
        "'SUCCEEDED'": lambda: fake.add_instance("instance-2", status="SUCEEDED"),
        "'Paused'": lambda: fake.add_campaign(connect_instance_id="instance-1", state="paused"),
        # an unknown setting
        "'onboarding_polls'": lambda: setattr(fake.settings, "onboarding_poll", 1),
    }
    for hint, action in cases.items():
        message = _refusal(action)
        assert f"(did you mean {hint}" in message, (hint, message)


def test_an_unknown_option_suggests_the_nearest() -> None:
    with pytest.raises(TypeError, match=r"regoin \(did you mean 'region'\?\)"):
        mock_campaigns(regoin="eu-west-2")  # type: ignore[call-overload]


def test_nothing_near_suggests_nothing() -> None:
    fake = CampaignsFake(strict=False)
    message = _refusal(lambda: fake.calls.filter("Xyzzy"))
    assert "did you mean" not in message
    assert message.startswith("Unknown connectcampaigns operation 'Xyzzy'; known: ")
