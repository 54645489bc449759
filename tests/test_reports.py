"""What a failing test's report shows: the "connectcampaigns calls" section, hints, and where
the fake's own usage errors point. Run in isolated pytest sessions through ``pytester``."""

from __future__ import annotations

import re
import textwrap

import pytest

pytest_plugins = ["pytester"]

# Prepended to every test module below: the names they use, and clients made as application
# code makes them (not the campaigns_client fixture), in any region and with any access key.
PRELUDE = """\
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from pytest_campaigns_fake import CampaignsFake, current, mock_campaigns

CONFIG = dict(
    dialerConfig={"agentlessDialerConfig": {"dialingCapacity": 0.5}},
    outboundCallConfig={"connectContactFlowId": "flow"},
)


def make_client(region="us-east-1", key="AKIAEXAMPLE"):
    return boto3.client(
        "connectcampaigns",
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="x",
    )


def dial(phone, token, seconds=60):
    expires = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return {
        "clientToken": token,
        "phoneNumber": phone,
        "expirationTime": expires,
        "attributes": {},
    }


"""


def make_tests(pytester: pytest.Pytester, source: str) -> None:
    pytester.makepyfile(PRELUDE + textwrap.dedent(source))


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # -rA: a passing test's report sections would be printed too (so their absence shows).
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "-rA", *args)


# -- 1. every kind of fake gets the section, for failing tests only --------------------------------

FAKE_KINDS = {
    "fixture": """
        def test_fails(campaigns_fake):
            make_client().list_campaigns(maxResults=5)
            assert False, "the test's own failure"

        def test_passes(campaigns_fake):
            make_client().list_campaigns()
        """,
    "decorator": """
        @mock_campaigns
        def test_fails():
            make_client().list_campaigns(maxResults=5)
            assert False, "the test's own failure"

        @mock_campaigns
        def test_passes():
            make_client().list_campaigns()
        """,
    # The failure comes after the block: the fake has stopped, its calls are still shown.
    "context-manager": """
        def test_fails():
            with mock_campaigns():
                make_client().list_campaigns(maxResults=5)
            assert False, "the test's own failure"

        def test_passes():
            with mock_campaigns():
                make_client().list_campaigns()
        """,
    "CampaignsFake": """
        def test_fails():
            with CampaignsFake():
                make_client().list_campaigns(maxResults=5)
            assert False, "the test's own failure"

        def test_passes():
            with CampaignsFake():
                make_client().list_campaigns()
        """,
}


@pytest.mark.parametrize("kind", list(FAKE_KINDS))
def test_failing_test_shows_the_calls_of_its_fake(pytester: pytest.Pytester, kind: str) -> None:
    make_tests(pytester, FAKE_KINDS[kind])
    result = run(pytester)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_fails _*",
            "*AssertionError: the test's own failure",
            "*- connectcampaigns calls -*",
            "  1. ListCampaigns(maxResults=5) -> 200 OK",
        ]
    )
    # The failing test's section, once; none for the passing test (-rA would print it).
    assert result.stdout.str().count("connectcampaigns calls") == 1


def test_passing_tests_get_no_section_whatever_the_fake(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_fixture(campaigns_fake):
            make_client().list_campaigns()

        @mock_campaigns
        def test_decorator():
            make_client().list_campaigns()

        def test_context_manager():
            with mock_campaigns():
                make_client().list_campaigns()
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*PASSED*test_fixture*"])
    result.stdout.no_fnmatch_line("*connectcampaigns calls*")


def test_each_fake_of_a_test_gets_its_own_titled_section(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake):
            make_client().list_campaigns(maxResults=1)
            with CampaignsFake():
                make_client().list_campaigns(maxResults=2)
                make_client().list_campaigns(maxResults=3)
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls of the campaigns_fake fixture -*",
            "  1. ListCampaigns(maxResults=1) -> 200 OK",
            "*- connectcampaigns calls of a CampaignsFake -*",
            "  1. ListCampaigns(maxResults=2) -> 200 OK",
            "  2. ListCampaigns(maxResults=3) -> 200 OK",
        ]
    )


# -- 2. another fixture's teardown failure ---------------------------------------------------------


@pytest.mark.parametrize(
    "fixtures",
    ["campaigns_fake, broken", "broken, campaigns_fake"],
    ids=["broken-torn-down-first", "fake-torn-down-first"],
)
def test_section_keeps_the_calls_when_another_teardown_fails(
    pytester: pytest.Pytester, fixtures: str
) -> None:
    make_tests(
        pytester,
        f"""
        @pytest.fixture
        def broken():
            yield
            raise RuntimeError("broken teardown")

        def test_it({fixtures}):
            make_client().list_campaigns()
            make_client().list_campaigns(maxResults=7)
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_it*",
            "E       RuntimeError: broken teardown",
            "*- connectcampaigns calls (teardown) -*",
            "  1. ListCampaigns() -> 200 OK",
            "  2. ListCampaigns(maxResults=7) -> 200 OK",
        ]
    )
    result.stdout.no_fnmatch_line("*(no connectcampaigns calls)*")


# -- 3. batches: per-item outcomes -----------------------------------------------------------------


def test_batch_call_shows_its_failed_items(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake, campaigns_client):
            campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
            campaigns_fake.fail_dial_requests("RequestThrottled", phone_number="+15550100")
            put = campaigns_client.put_dial_request_batch
            put(id=campaign.id, dialRequests=[dial("+15550100", "a"), dial("+15550101", "b")])
            # Out of the 30..900 s window: the service's own InvalidInput, not a fault's.
            put(id=campaign.id, dialRequests=[dial("+15550102", "c", 3600), dial("+15550103", "d")])
            put(id=campaign.id, dialRequests=[dial("+15550104", "e"), dial("+15550105", "f")])
            campaigns_client.get_campaign_state_batch(campaignIds=[campaign.id, "unknown-id"])
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls -*",
            "  1. PutDialRequestBatch(id='*', dialRequests=<2 items>) -> 200 OK, "
            "1 of 2 failed: RequestThrottled (injected)",
            # Whole lines: no "(injected)" where no fault answered, no count where none failed.
            "  2. PutDialRequestBatch(id='*', dialRequests=<2 items>) -> 200 OK, "
            "1 of 2 failed: InvalidInput",
            "  3. PutDialRequestBatch(id='*', dialRequests=<2 items>) -> 200 OK",
            "  4. GetCampaignStateBatch(campaignIds=*) -> 200 OK, 1 of 2 failed: ResourceNotFound",
        ]
    )


def test_batch_outcome_counts_each_failure_code(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake, campaigns_client):
            first = campaigns_fake.add_campaign(connect_instance_id="inst-1", state="Running")
            second = campaigns_fake.add_campaign(connect_instance_id="inst-1", name="two")
            campaigns_fake.fail_dial_requests("RequestThrottled")
            campaigns_fake.fail_campaign_state(second.id)
            requests = [dial("+15550100", "a"), dial("+15550101", "b", 1), dial("+15550102", "c")]
            campaigns_client.put_dial_request_batch(id=first.id, dialRequests=requests)
            campaigns_client.get_campaign_state_batch(campaignIds=[first.id, second.id, "gone"])
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  1. PutDialRequestBatch(id='*', dialRequests=<3 items>) -> 200 OK, "
            "3 of 3 failed: RequestThrottled (injected) x2, InvalidInput",
            "  2. GetCampaignStateBatch(campaignIds=*) -> 200 OK, "
            "2 of 3 failed: UnknownError (injected), ResourceNotFound",
        ]
    )


# -- 4. region and account, when not the fake's own ------------------------------------------------


def test_call_shows_region_and_account_when_not_the_fakes(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake):
            assert campaigns_fake.region == "us-east-1"
            campaigns_fake.register_account("AKIAOTHEREXAMPLE", "210987654321")
            make_client(region="eu-west-2").list_campaigns(maxResults=1)
            make_client(key="AKIAOTHEREXAMPLE").list_campaigns(maxResults=2)
            make_client().list_campaigns(maxResults=3)
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls -*",
            "  1. ListCampaigns(maxResults=1) -> 200 OK [[]eu-west-2, account 123456789012[]]",
            "  2. ListCampaigns(maxResults=2) -> 200 OK [[]us-east-1, account 210987654321[]]",
            "  3. ListCampaigns(maxResults=3) -> 200 OK",
        ]
    )


def test_default_region_is_the_fakes_not_us_east_1(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        @pytest.mark.campaigns_fake(region="eu-west-2")
        def test_it(campaigns_fake, campaigns_client):
            campaigns_client.list_campaigns(maxResults=1)
            make_client(region="us-east-1").list_campaigns(maxResults=2)
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  1. ListCampaigns(maxResults=1) -> 200 OK",
            "  2. ListCampaigns(maxResults=2) -> 200 OK [[]us-east-1, account 123456789012[]]",
        ]
    )


# -- 5. hints --------------------------------------------------------------------------------------


def test_hint_for_an_instance_never_seeded(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake, campaigns_client):
            campaigns_client.create_campaign(name="n", connectInstanceId="inst-9", **CONFIG)
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            # The whole line: the error stays as AWS words it, nothing appended.
            "E   *ResourceNotFoundException: An error occurred (ResourceNotFoundException) when "
            "calling the CreateCampaign operation: "
            "Connect instance inst-9 is not onboarded to outbound campaigns",
            "*- connectcampaigns calls -*",
            "  1. CreateCampaign(name='n', connectInstanceId='inst-9') "
            "-> 404 ResourceNotFoundException",
            "       hint: seed the instance with campaigns_fake.add_instance('inst-9'), "
            "or turn the onboarding check off with require_onboarding=False",
        ]
    )
    result.stdout.no_fnmatch_line("E *hint*")


def test_hints_for_another_region_and_a_deleted_campaign(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        from botocore.exceptions import ClientError

        def test_it(campaigns_fake, campaigns_client):
            campaigns_fake.add_instance("inst-1", region="eu-west-2")
            campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
            campaigns_client.delete_campaign(id=campaign.id)
            with pytest.raises(ClientError) as created:
                campaigns_client.create_campaign(name="n", connectInstanceId="inst-1", **CONFIG)
            assert created.value.response["Error"]["Message"] == (
                "Connect instance inst-1 is not onboarded to outbound campaigns"
            )
            with pytest.raises(ClientError) as described:
                campaigns_client.describe_campaign(id=campaign.id)
            assert described.value.response["Error"]["Message"] == (
                f"Campaign not found: {campaign.id}"
            )
            assert False, "the messages are AWS's"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: the messages are AWS's",
            "*- connectcampaigns calls -*",
            "  1. DeleteCampaign(id='*') -> 200 OK",
            "  2. CreateCampaign(name='n', connectInstanceId='inst-1') "
            "-> 404 ResourceNotFoundException",
            "       hint: instance inst-1 is in account 123456789012, region eu-west-2 of the "
            "fake; this request was signed for account 123456789012, region us-east-1",
            "  3. DescribeCampaign(id='*') -> 404 ResourceNotFoundException",
            "       hint: campaign * was deleted earlier (DeleteCampaign)",
        ]
    )


def test_no_hint_for_an_injected_not_found(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake, campaigns_client):
            campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
            campaigns_fake.inject_error("DescribeCampaign", "ResourceNotFoundException")
            with pytest.raises(campaigns_client.exceptions.ResourceNotFoundException):
                campaigns_client.describe_campaign(id=campaign.id)
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  1. DescribeCampaign(id='*') -> 404 ResourceNotFoundException (injected)"]
    )
    result.stdout.no_fnmatch_line("*hint:*")


# -- 6. one test, one fake -------------------------------------------------------------------------

BOTH_FAKES = (
    "E   *pytest_campaigns_fake.FakeUsageError: mock_campaigns (*) started while "
    "the campaigns_fake fixture (*) is active*"
)


def test_mock_campaigns_block_in_a_fixture_test_fails_at_once(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake, campaigns_client):
            campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
            with mock_campaigns():
                campaigns_client.describe_campaign(id=campaign.id)
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([">       with mock_campaigns():", BOTH_FAKES])
    result.stdout.no_fnmatch_line("*ResourceNotFound*")
    result.stdout.no_fnmatch_line("*DescribeCampaign*")


def test_mock_campaigns_decorator_on_a_fixture_test_fails_at_once(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        @mock_campaigns
        def test_it(campaigns_fake, campaigns_client):
            campaign = campaigns_fake.add_campaign(connect_instance_id="inst-1")
            campaigns_client.describe_campaign(id=campaign.id)
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([BOTH_FAKES])
    result.stdout.no_fnmatch_line("*ResourceNotFound*")
    result.stdout.no_fnmatch_line("*DescribeCampaign*")


def test_fixture_started_inside_mock_campaigns_fails_at_setup(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        @pytest.fixture
        def mocked():
            with mock_campaigns() as fake:
                yield fake

        def test_it(mocked, campaigns_fake):
            pass
        """,
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_it*",
            "E   *pytest_campaigns_fake.FakeUsageError: the campaigns_fake fixture (*) started "
            "while mock_campaigns (*) is active*",
        ]
    )


def test_documented_nesting_is_still_allowed(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        def test_campaigns_fake_inside_the_fixture(campaigns_fake):
            with CampaignsFake() as inner:
                make_client().list_campaigns()
            make_client().list_campaigns()
            assert len(inner.calls) == len(campaigns_fake.calls) == 1

        def test_mock_campaigns_inside_mock_campaigns():
            with mock_campaigns() as outer:
                with mock_campaigns() as inner:
                    make_client().list_campaigns()
                assert len(inner.calls) == 1 and len(outer.calls) == 0

        @mock_campaigns
        def test_campaigns_fake_inside_the_decorator():
            with CampaignsFake() as inner:
                make_client().list_campaigns()
            assert len(inner.calls) == 1 and len(current().calls) == 0
        """,
    )
    run(pytester).assert_outcomes(passed=3)


# -- 7. failures point at the user's line ----------------------------------------------------------

# A frame of the package's own code (_fake.py, _mock.py, plugin.py, engine/_journal.py...), as
# tracebacks name it: in the package's folder or one of its rooms' folders.
PACKAGE_FRAME = re.compile(r"pytest_campaigns_fake(?:[\\/]\w+)*[\\/]\w+\.py")


def assert_no_package_frames(result: pytest.RunResult) -> None:
    out = result.stdout.str()
    shown = PACKAGE_FRAME.findall(out)
    assert not shown, f"package frames in the traceback: {shown}\n{out}"


def test_unfired_fault_at_teardown_is_reported_once_without_package_frames(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake):
            campaigns_fake.inject_error("DescribeCampaign", "AccessDeniedException")
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_it*",
            "E   pytest_campaigns_fake.FakeUsageError: 1 fault(s) set up on the "
            "connectcampaigns fake never fired:",
        ]
    )
    result.stdout.no_fnmatch_line("*pytest_campaigns_fake._fake.FakeUsageError*")
    out = result.stdout.str()
    assert out.count("error AccessDeniedException on DescribeCampaign (times=1, fired 0)") == 1
    assert_no_package_frames(result)


def test_unfired_fault_of_a_failing_test_is_listed_once_in_its_section(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake):
            campaigns_fake.throttle("DescribeCampaign")
            assert False, "the real failure"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls -*",
            "  (no connectcampaigns calls)",
            "faults set up and not fired:",
            "  - throttle ThrottlingException on DescribeCampaign (times=1, fired 0)",
        ]
    )
    assert result.stdout.str().count("throttle ThrottlingException on DescribeCampaign") == 1


def test_unfired_fault_of_a_mock_campaigns_block_points_at_the_with_line(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        def test_it():
            with mock_campaigns() as fake:
                fake.throttle("ListCampaigns")
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            ">       with mock_campaigns() as fake:",
            "E       pytest_campaigns_fake.FakeUsageError: 1 fault(s) set up on the "
            "connectcampaigns fake never fired:",
            "E         - throttle ThrottlingException on ListCampaigns (times=1, fired 0)",
            "test_*.py:*: FakeUsageError",
        ]
    )
    assert_no_package_frames(result)


def test_unfired_fault_of_a_decorated_test_shows_no_package_frames(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        @mock_campaigns
        def test_it():
            current().throttle("ListCampaigns")
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E   pytest_campaigns_fake.FakeUsageError: 1 fault(s)*"])
    assert_no_package_frames(result)


def test_two_fakes_error_from_a_with_block_shows_no_package_frames(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake):
            with mock_campaigns():
                pass
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([">       with mock_campaigns():", BOTH_FAKES])
    assert_no_package_frames(result)


def test_two_fakes_error_from_the_decorator_shows_no_package_frames(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        @mock_campaigns
        def test_it(campaigns_fake):
            pass
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([BOTH_FAKES])
    assert_no_package_frames(result)


def test_unfired_fault_is_listed_when_the_test_fails_with_the_two_fakes_error(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        def test_it(campaigns_fake):
            campaigns_fake.throttle("DescribeCampaign")
            with mock_campaigns():
                pass
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    assert result.stdout.str().count("throttle ThrottlingException on DescribeCampaign") == 1


UNFIRED_IN_THE_CALL = {
    "context-manager": """
        def test_it():
            with mock_campaigns() as fake:
                fake.throttle("ListCampaigns")
        """,
    "decorator": """
        @mock_campaigns
        def test_it():
            current().throttle("ListCampaigns")
        """,
}


@pytest.mark.parametrize("kind", list(UNFIRED_IN_THE_CALL))
def test_unfired_fault_of_mock_campaigns_is_listed_once(
    pytester: pytest.Pytester, kind: str
) -> None:
    make_tests(pytester, UNFIRED_IN_THE_CALL[kind])
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E *pytest_campaigns_fake.FakeUsageError: 1 fault(s)*"])
    assert result.stdout.str().count("throttle ThrottlingException on ListCampaigns") == 1


# -- 8. a fake started before the test: this test's calls ------------------------------------------

STARTED_BEFORE = {
    "session-fixture": """
        @pytest.fixture(scope="session")
        def fake():
            with CampaignsFake() as fake:
                yield fake
        """,
    "module-fixture": """
        @pytest.fixture(scope="module")
        def fake():
            with CampaignsFake() as fake:
                yield fake
        """,
    "class-fixture": """
        @pytest.fixture(scope="class")
        def fake():
            with CampaignsFake() as fake:
                yield fake
        """,
    "decorated-session-fixture": """
        @pytest.fixture(scope="session")
        @mock_campaigns
        def fake():
            yield current()
        """,
}


@pytest.mark.parametrize("kind", list(STARTED_BEFORE))
def test_a_fake_started_before_the_test_shows_this_tests_calls(
    pytester: pytest.Pytester, kind: str
) -> None:
    pytester.makeconftest(PRELUDE + textwrap.dedent(STARTED_BEFORE[kind]))
    make_tests(
        pytester,
        """
        class TestBoth:
            def test_first(self, fake):
                make_client().list_campaigns(maxResults=1)
                make_client().list_campaigns(maxResults=2)

            def test_second(self, fake):
                make_client().list_campaigns(maxResults=3)
                assert False, "the test's own failure"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ TestBoth.test_second _*",
            "*- connectcampaigns calls -*",
            "  1. ListCampaigns(maxResults=3) -> 200 OK",
            "  (and 2 earlier call(s), before this test, not shown)",
        ]
    )
    result.stdout.no_fnmatch_line("*maxResults=1*")
    assert result.stdout.str().count("connectcampaigns calls") == 1


def test_mock_campaigns_in_a_conftest_shows_each_tests_calls(pytester: pytest.Pytester) -> None:
    # A fake started when the conftest is imported, before any test: the plainest "fake for
    # the whole suite", and the one the report missed altogether.
    pytester.makeconftest(
        PRELUDE
        + textwrap.dedent(
            """
            SUITE = mock_campaigns()
            SUITE.__enter__()

            def pytest_unconfigure():
                SUITE.__exit__(None, None, None)
            """
        )
    )
    make_tests(
        pytester,
        """
        def test_first():
            make_client().list_campaigns(maxResults=1)

        def test_second():
            make_client().list_campaigns(maxResults=2)
            assert False, "the test's own failure"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls -*",
            "  1. ListCampaigns(maxResults=2) -> 200 OK",
            "  (and 1 earlier call(s), before this test, not shown)",
        ]
    )


def test_a_reset_during_the_test_shows_every_call_after_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        PRELUDE
        + textwrap.dedent(
            """
            @pytest.fixture(scope="session")
            def fake():
                with CampaignsFake() as fake:
                    yield fake
            """
        )
    )
    make_tests(
        pytester,
        """
        def test_first(fake):
            make_client().list_campaigns(maxResults=1)
            make_client().list_campaigns(maxResults=2)

        def test_second(fake):
            make_client().list_campaigns(maxResults=3)
            fake.reset()
            make_client().list_campaigns(maxResults=4)
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*- connectcampaigns calls -*", "  1. ListCampaigns(maxResults=4) -> 200 OK"]
    )
    result.stdout.no_fnmatch_line("*earlier call*")


def test_an_outer_fake_and_the_fixture_each_show_this_tests_calls(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        PRELUDE
        + textwrap.dedent(
            """
            @pytest.fixture(scope="session", autouse=True)
            def outer():
                with CampaignsFake() as fake:
                    make_client().list_campaigns(maxResults=9)
                    yield fake
            """
        )
    )
    make_tests(
        pytester,
        """
        def test_first(campaigns_fake):
            pass  # the session fixture starts, and makes its call, during this test

        def test_second(campaigns_fake):
            make_client().list_campaigns(maxResults=1)
            assert False
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls of a CampaignsFake -*",
            "  (no connectcampaigns calls)",
            "  (and 1 earlier call(s), before this test, not shown)",
            "*- connectcampaigns calls of the campaigns_fake fixture -*",
            "  1. ListCampaigns(maxResults=1) -> 200 OK",
        ]
    )


# -- 9. failing in the body and in teardown: the section once --------------------------------------


@pytest.mark.parametrize("kind", ["fixture", "decorated-yield-fixture"])
def test_a_test_failing_in_its_body_and_its_teardown_shows_the_section_once(
    pytester: pytest.Pytester, kind: str
) -> None:
    fake = "campaigns_fake" if kind == "fixture" else "mocked"
    make_tests(
        pytester,
        f"""
        @pytest.fixture
        @mock_campaigns
        def mocked():
            yield current()

        @pytest.fixture
        def broken():
            yield
            raise RuntimeError("broken teardown")

        def test_it(broken, {fake}):
            make_client().list_campaigns(maxResults=7)
            assert False, "the test's own failure"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1, errors=1)
    # pytest prints the teardown's error first, then the failure, with the section.
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_it*",
            "E       RuntimeError: broken teardown",
            "*AssertionError: the test's own failure*",
            "*- connectcampaigns calls -*",
            "  1. ListCampaigns(maxResults=7) -> 200 OK",
        ]
    )
    assert result.stdout.str().count("connectcampaigns calls") == 1
    assert result.stdout.str().count("ListCampaigns(maxResults=7)") == 1


# -- 10. a decorated unittest class under pytest: outcomes as they are -----------------------------


def test_a_decorated_testcase_keeps_its_outcomes_under_pytest(pytester: pytest.Pytester) -> None:
    make_tests(
        pytester,
        """
        import unittest

        @mock_campaigns
        class Tests(unittest.TestCase):
            campaigns_fake: CampaignsFake

            def setUp(self):
                self.campaigns_fake.throttle("StopCampaign")  # never fires

            def test_fails(self):
                make_client().list_campaigns(maxResults=4)
                self.assertEqual(1, 2)

            def test_skips(self):
                self.skipTest("not today")

            @unittest.expectedFailure
            def test_fails_as_expected(self):
                self.assertEqual(1, 2)

            def test_passes(self):
                pass
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=2, skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "FAILED *::Tests::test_fails",
            "FAILED *::Tests::test_passes",
        ]
    )
    # The failing test's section shows its call; only the passing test is blamed for the fault.
    result.stdout.fnmatch_lines(
        ["*- connectcampaigns calls -*", "  1. ListCampaigns(maxResults=4) -> 200 OK"]
    )
    assert result.stdout.str().count("never fired:") == 1


# -- 11. a decorated yield fixture: the fake across the test, checked as the fixture is ----------


def test_a_decorated_yield_fixture_answers_the_test_and_is_checked_like_the_fixture(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        @pytest.fixture
        @mock_campaigns(require_onboarding=False)
        def seeded():
            fake = current()
            fake.add_campaign(connect_instance_id="instance-1", name="seeded")
            yield fake
            assert current() is fake  # teardown runs with the same fake

        def test_sees_the_seed(seeded):
            listed = make_client().list_campaigns()["campaignSummaryList"]
            assert [c["name"] for c in listed] == ["seeded"]

        def test_passes_with_an_unfired_fault(seeded):
            seeded.throttle("StopCampaign")

        def test_fails_with_an_unfired_fault(seeded):
            seeded.throttle("StopCampaign")
            assert False, "the test's own failure"
        """,
    )
    result = run(pytester)
    # The passing test is failed at teardown for its unfired fault; the failing test is not
    # blamed a second time (its section lists the fault).
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_passes_with_an_unfired_fault*",
            "E   *FakeUsageError: 1 fault(s) set up on the connectcampaigns fake never fired:",
        ]
    )
    result.stdout.no_fnmatch_line("*ERROR at teardown of test_fails_with_an_unfired_fault*")
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: the test's own failure*",
            "*- connectcampaigns calls -*",
            "faults set up and not fired:",
        ]
    )


def test_a_decorated_async_yield_fixture_answers_the_test(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_asyncio")
    make_tests(
        pytester,
        """
        import asyncio

        import pytest_asyncio

        @pytest_asyncio.fixture
        @mock_campaigns(require_onboarding=False)
        async def seeded():
            fake = current()
            fake.add_campaign(connect_instance_id="instance-1", name="seeded")
            await asyncio.sleep(0)
            yield fake
            assert current() is fake

        @pytest.mark.asyncio
        async def test_sees_the_seed(seeded):
            await asyncio.sleep(0)
            listed = make_client().list_campaigns()["campaignSummaryList"]
            assert [c["name"] for c in listed] == ["seeded"]
            assert current() is seeded
        """,
    )
    run(pytester).assert_outcomes(passed=1)


def test_rate_limits_of_a_failing_test_are_listed_with_what_they_throttled(
    pytester: pytest.Pytester,
) -> None:
    make_tests(
        pytester,
        """
        def test_fails(campaigns_fake, campaigns_client):
            campaigns_fake.throttle("ListCampaigns", rate=1)
            campaigns_fake.v2.throttle(rate=0.5, burst=2)
            for _ in range(2):
                try:
                    campaigns_client.list_campaigns()
                except campaigns_client.exceptions.ThrottlingException:
                    pass
            assert False, "the test's own failure"

        def test_passes_with_a_rate_limit_that_never_throttled(campaigns_fake):
            campaigns_fake.throttle(rate=10)
        """,
    )
    result = run(pytester)
    # Strictness does not check rate limits: a limit never reached passes.
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*- connectcampaigns calls -*",
            "rate limits set up:",
            "  - rate limit ThrottlingException on ListCampaigns (rate=1/s, burst=1, fired *)",
            "  - rate limit ThrottlingException on any operation (rate=0.5/s, burst=2, fired 0)",
        ]
    )
    result.stdout.no_fnmatch_line("*faults set up and not fired*")
