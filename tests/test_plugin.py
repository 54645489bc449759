"""The pytest plugin itself, run in isolated pytest sessions through ``pytester``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

SEED = """
import pytest

@pytest.fixture
def campaign(campaigns_fake):
    campaigns_fake.add_instance("instance-1")
    return campaigns_fake.add_campaign(connect_instance_id="instance-1", name="renewals")
"""


def test_fixtures_are_registered_without_import(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(campaigns_fake, campaigns_client):
            campaigns_fake.add_instance("instance-1")
            created = campaigns_client.create_campaign(
                name="n",
                connectInstanceId="instance-1",
                dialerConfig={"agentlessDialerConfig": {"dialingCapacity": 0.5}},
                outboundCallConfig={"connectContactFlowId": "flow"},
            )
            assert campaigns_fake.campaign(created["id"]).name == "n"
            assert campaigns_client.meta.region_name == "us-east-1"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=1)


def test_each_test_gets_fresh_state(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SEED)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("round", [1, 2, 3])
        def test_state_does_not_leak(campaigns_fake, campaigns_client, campaign, round):
            listed = campaigns_client.list_campaigns()["campaignSummaryList"]
            assert [c["id"] for c in listed] == [campaign.id]
            assert len(campaigns_fake.calls) == 1
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=3)


def test_client_is_reused_across_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        seen = []

        def test_one(campaigns_client):
            seen.append(campaigns_client)

        def test_two(campaigns_client):
            assert seen == [campaigns_client]
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=2)


def test_closest_marker_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.campaigns_fake(onboarding_polls=5, region="eu-west-2")

        def test_module_level(campaigns_fake, campaigns_client):
            assert campaigns_fake.settings.onboarding_polls == 5
            assert campaigns_client.meta.region_name == "eu-west-2"

        @pytest.mark.campaigns_fake(onboarding_polls=3)
        class TestClass:
            def test_class_level(self, campaigns_fake):
                assert campaigns_fake.settings.onboarding_polls == 3

            @pytest.mark.campaigns_fake(onboarding_polls=None)
            def test_function_level(self, campaigns_fake):
                assert campaigns_fake.settings.onboarding_polls is None
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=3)


def test_marker_options_reach_the_service(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.campaigns_fake(require_onboarding=False, campaigns_per_instance=1)
        def test_it(campaigns_client):
            request = dict(
                name="n",
                connectInstanceId="never-onboarded",
                dialerConfig={"agentlessDialerConfig": {"dialingCapacity": 0.5}},
                outboundCallConfig={"connectContactFlowId": "flow"},
            )
            campaigns_client.create_campaign(**request)
            with pytest.raises(campaigns_client.exceptions.ServiceQuotaExceededException):
                campaigns_client.create_campaign(**request)
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=1)


def test_unknown_marker_option_is_a_clear_type_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.campaigns_fake(onboarding_pols=2)
        def test_it(campaigns_fake):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*TypeError: @pytest.mark.campaigns_fake got unknown option(s) onboarding_pols "
            "(did you mean 'onboarding_polls'?);*"
        ]
    )


def test_ini_options_set_suite_defaults(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        campaigns_fake_region = ap-southeast-2
        campaigns_fake_strict = false
        campaigns_fake_require_onboarding = false
        """
    )
    pytester.makepyfile(
        """
        def test_it(campaigns_fake, campaigns_client):
            assert campaigns_client.meta.region_name == "ap-southeast-2"
            assert campaigns_fake.strict is False
            assert campaigns_fake.settings.require_onboarding is False
            campaigns_fake.throttle("DescribeCampaign")  # never fires: allowed, not strict
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=1)


def test_every_option_of_the_fake_is_an_ini_option(pytester: pytest.Pytester) -> None:
    # Options is the schema: each of its fields is an ini option, parsed to its type.
    pytester.makeini(
        """
        [pytest]
        campaigns_fake_region = eu-west-1
        campaigns_fake_any_region = true
        campaigns_fake_onboarding_polls = none
        campaigns_fake_campaigns_per_instance = 3
        campaigns_fake_seed = reproducible
        campaigns_fake_account_id = 210987654321
        campaigns_fake_isolate_environment = false
        """
    )
    pytester.makepyfile(
        """
        def test_it(campaigns_fake):
            options = campaigns_fake.options
            assert (options.region, options.any_region) == ("eu-west-1", True)
            assert options.onboarding_polls is None
            assert options.campaigns_per_instance == 3
            assert campaigns_fake.quotas.campaigns_per_instance == 3
            assert (options.seed, options.account_id) == ("reproducible", "210987654321")
            assert options.isolate_environment is False
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=1)
    help_text = pytester.runpytest("--help").stdout.str()
    from pytest_campaigns_fake import Options

    for name in Options.names():
        assert f"campaigns_fake_{name}" in help_text


def test_a_bad_ini_value_names_the_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncampaigns_fake_campaigns_per_instance = many\n")
    pytester.makepyfile("def test_it(campaigns_fake):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*campaigns_fake_campaigns_per_instance must be an integer*"])


def test_unfired_fault_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(campaigns_fake):
            campaigns_fake.inject_error("DescribeCampaign", "AccessDeniedException", times=2)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_it*",
            "*1 fault(s) set up on the connectcampaigns fake never fired:*",
            "*error AccessDeniedException on DescribeCampaign (times=2, fired 0)*",
            "*- connectcampaigns calls (teardown) -*",
            "*(no connectcampaigns calls)*",
        ]
    )


def test_strictness_can_be_turned_off_by_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.campaigns_fake(strict=False)
        def test_it(campaigns_fake):
            campaigns_fake.throttle()
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=1)


def test_failing_test_is_not_blamed_twice_for_unfired_faults(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(campaigns_fake):
            campaigns_fake.throttle("DescribeCampaign")
            assert False, "the real failure"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*ERROR at teardown*")


def test_failure_report_lists_the_tests_calls(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SEED)
    pytester.makepyfile(
        """
        import pytest

        def test_it(campaigns_fake, campaigns_client, campaign):
            campaigns_client.start_campaign(id=campaign.id)
            with pytest.raises(campaigns_client.exceptions.InvalidCampaignStateException):
                campaigns_client.resume_campaign(id=campaign.id)
            campaigns_fake.throttle("GetCampaignState", times=1)
            campaigns_client.get_campaign_state(id=campaign.id)
            assert False, "boom"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls -*",
            "*1. StartCampaign(id='*') -> 200 OK",
            "*2. ResumeCampaign(id='*') -> 409 InvalidCampaignStateException",
            "*3. GetCampaignState(id='*') -> 429 ThrottlingException (injected)*",
            "*4. GetCampaignState(id='*') -> 200 OK [[]attempt 2[]]",
        ]
    )


def test_passing_test_has_no_report_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(campaigns_client):
            campaigns_client.list_campaigns()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "-rA")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*connectcampaigns calls*")


def test_fake_is_inactive_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest_campaigns_fake

        kept = []

        def test_one(campaigns_fake):
            assert pytest_campaigns_fake.current() is campaigns_fake
            kept.append(campaigns_fake)

        def test_two():
            assert pytest_campaigns_fake.current() is None
            assert not kept[0].active
            assert len(kept[0].calls) == 0
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=2)


def test_marker_region_is_the_only_region_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.campaigns_fake(default_region="eu-west-2")
        def test_it(campaigns_fake):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*unknown option(s) default_region (did you mean 'any_region' or 'region'?); "
            "valid options:*region*"
        ]
    )


# -- configuration files: pytest 9's native TOML types and the classic ini forms ------------------

# What each file sets, and what the fake must then have.
EXPECT_OPTIONS = """
def test_it(campaigns_fake):
    options = campaigns_fake.options
    assert options.strict is False
    assert options.any_region is True
    assert options.campaigns_per_instance == 3
    assert options.onboarding_polls == 2
    assert options.seed == 7
    assert options.region == "eu-west-1"
    assert options.account_id == "012345678901"
"""

NATIVE_TOML = """
campaigns_fake_strict = false
campaigns_fake_any_region = true
campaigns_fake_campaigns_per_instance = 3
campaigns_fake_onboarding_polls = 2
campaigns_fake_seed = 7
campaigns_fake_region = "eu-west-1"
campaigns_fake_account_id = "012345678901"
"""

INI_TEXT = """
campaigns_fake_strict = false
campaigns_fake_any_region = yes
campaigns_fake_campaigns_per_instance = 3
campaigns_fake_onboarding_polls = 2
campaigns_fake_seed = 7
campaigns_fake_region = eu-west-1
campaigns_fake_account_id = 012345678901
"""

# [tool.pytest] and pytest.toml are pytest 9's: older releases read neither.
PYTEST_9 = int(pytest.__version__.split(".")[0]) >= 9
needs_pytest_9 = pytest.mark.skipif(not PYTEST_9, reason="native TOML settings are pytest 9's")

CONFIG_FILES = {
    # pytest 9: TOML's own types (bool, integer, string).
    "pyproject-tool-pytest": ("pyproject.toml", "[tool.pytest]" + NATIVE_TOML),
    "pytest-toml": ("pytest.toml", "[pytest]" + NATIVE_TOML),
    # The classic forms: text, or (ini_options) TOML values pytest turns into text.
    "pyproject-ini-options": ("pyproject.toml", "[tool.pytest.ini_options]" + NATIVE_TOML),
    "pytest-ini": ("pytest.ini", "[pytest]" + INI_TEXT),
    "tox-ini": ("tox.ini", "[pytest]" + INI_TEXT),
    "setup-cfg": ("setup.cfg", "[tool:pytest]" + INI_TEXT),
}


@pytest.mark.parametrize("form", list(CONFIG_FILES))
def test_ini_options_in_every_configuration_file_form(pytester: pytest.Pytester, form: str) -> None:
    if form in ("pyproject-tool-pytest", "pytest-toml") and not PYTEST_9:
        pytest.skip("native TOML settings are pytest 9's")
    name, text = CONFIG_FILES[form]
    pytester.path.joinpath(name).write_text(text)
    pytester.makepyfile(EXPECT_OPTIONS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=1)


@needs_pytest_9
def test_a_command_line_override_is_text_even_beside_native_toml(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyprojecttoml("[tool.pytest]\ncampaigns_fake_campaigns_per_instance = 3\n")
    pytester.makepyfile(
        """
        def test_it(campaigns_fake):
            assert campaigns_fake.options.campaigns_per_instance == 5
            assert campaigns_fake.options.onboarding_polls is None
        """
    )
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "-o",
        "campaigns_fake_campaigns_per_instance=5",
        "-o",
        "campaigns_fake_onboarding_polls=none",
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # A number where text is meant would lose an account id's leading zero.
        (
            "campaigns_fake_account_id = 12345678901",
            "campaigns_fake_account_id must be a string (quoted in TOML), not 12345678901",
        ),
        ("campaigns_fake_strict = 1", "campaigns_fake_strict must be true or false, not 1"),
        (
            "campaigns_fake_campaigns_per_instance = 2.5",
            "campaigns_fake_campaigns_per_instance must be an integer, not 2.5",
        ),
        (
            "campaigns_fake_onboarding_polls = true",
            "campaigns_fake_onboarding_polls must be an integer or none, not True",
        ),
        (
            'campaigns_fake_campaigns_per_instance = "many"',
            "campaigns_fake_campaigns_per_instance must be an integer, not 'many'",
        ),
    ],
    ids=["number-for-text", "number-for-bool", "float-for-int", "bool-for-int", "text-for-int"],
)
@needs_pytest_9
def test_a_native_toml_value_of_the_wrong_type_names_the_option(
    pytester: pytest.Pytester, setting: str, message: str
) -> None:
    pytester.makepyprojecttoml(f"[tool.pytest]\n{setting}\n")
    pytester.makepyfile("def test_it(campaigns_fake):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*ValueError: {message}*"])


def test_a_bad_ini_bool_names_the_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncampaigns_fake_strict = maybe\n")
    pytester.makepyfile("def test_it(campaigns_fake):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ValueError: campaigns_fake_strict must be true or false*"])


def test_bool_options_are_pytest_bools_in_help(pytester: pytest.Pytester) -> None:
    help_text = pytester.runpytest("--help").stdout.str()
    assert re.search(r"campaigns_fake_strict \(bool\)", help_text), help_text
    assert re.search(r"campaigns_fake_campaigns_per_instance \(string\)", help_text), help_text


def test_ci_smoke_tests_the_floors_that_pyproject_declares() -> None:
    # pyproject's pytest and pluggy floors are true only while .ci/run runs the plugin there.
    root = Path(__file__).resolve().parent.parent
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    for name in ("pytest", "pluggy"):
        floor = re.search(rf'"{name}>=([0-9.]+)"', pyproject)
        pinned = re.search(rf"^OLDEST_{name.upper()}=([0-9.]+)$", ci, re.MULTILINE)
        assert floor is not None and pinned is not None, name
        assert pinned.group(1).removesuffix(".0") == floor.group(1).removesuffix(".0"), (
            f".ci/run tests {name} {pinned.group(1)}, pyproject.toml declares >={floor.group(1)}"
        )
