"""``--campaigns-chaos=SEED[:RATE]``: transient faults in every test, the same wherever it runs.

Each test here runs an inner suite through ``pytester`` (in process, or in a subprocess for
pytest-xdist): its tests make requests with clients that do not retry, write what each request
answered to a file of their own, and fail when anything failed, so that the report shows the
chaos section. What is compared is what the requests answered and what the reports say.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import signal
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from support import ACCESS_KEY, REGION, SECRET_KEY, create
from support_docs import ROOT, fenced_blocks
from support_server import Launch, ids_of

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.engine import _chaos
from pytest_campaigns_fake.engine._model import load
from pytest_campaigns_fake.server._server import CampaignsServer

pytest_plugins = ["pytester"]

# As tests/test_docs.py runs its examples: hypothesis's plugin costs seconds per in-process
# session, and pytest-benchmark warns in every session under xdist.
QUIET = (
    "-p",
    "no:cacheprovider",
    "-p",
    "no:randomly",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:benchmark",
)

# pytest-asyncio (in the async venvs) warns at configure time unless its loop scope is set: an
# error under -W error (as in tests/test_docs.py).
ASYNCIO_SCOPE = (
    ("-o", "asyncio_default_fixture_loop_scope=function")
    if importlib.util.find_spec("pytest_asyncio") is not None
    else ()
)

# The inner suite's conftest: a client without retries (every answer seen), and a file per test
# holding what its requests answered. {out} is filled in with the directory.
CONFTEST = """
import json
import pathlib

import boto3
import pytest
from botocore.config import Config

OUT = pathlib.Path({out!r})


@pytest.fixture
def client():
    return boto3.client(
        "connectcampaigns",
        region_name="us-east-1",
        config=Config(retries={{"total_max_attempts": 1}}),
    )


@pytest.fixture
def seen(request):
    answers = []
    yield answers
    name = re.sub(r"[^A-Za-z0-9]+", "_", request.node.nodeid)
    (OUT / (name + ".json")).write_text(json.dumps([request.node.nodeid, answers]))


def answer(call, *args, **kwargs):
    try:
        return call(*args, **kwargs), "ok"
    except Exception as error:
        return None, error.response["Error"]["Code"]

import re
"""

SUITE = """
import pytest
from conftest import answer

DIALER = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
OUTBOUND = {"connectContactFlowId": "flow-1"}


@pytest.mark.parametrize("n", [1, 2])
def test_create(campaigns_fake, client, seen, n):
    campaigns_fake.add_instance("instance-1")
    for k in range(12):
        _, said = answer(
            client.create_campaign,
            name=f"c{n}-{k}",
            connectInstanceId="instance-1",
            dialerConfig=DIALER,
            outboundCallConfig=OUTBOUND,
        )
        seen.append(said)
    assert set(seen) == {"ok"}


def test_reads(campaigns_fake, client, seen):
    campaign = campaigns_fake.add_campaign(connect_instance_id="instance-1")
    for _ in range(12):
        seen.append(answer(client.describe_campaign, id=campaign.id)[1])
        seen.append(answer(client.list_campaigns)[1])
    assert set(seen) == {"ok"}


def test_untouched(seen):
    seen.append("no request")
"""


def _answers(out: Path) -> dict[str, list[str]]:
    """What each test's requests answered, by node id."""
    found = {}
    for path in out.glob("*.json"):
        nodeid, answers = json.loads(path.read_text())
        found[nodeid] = answers
    return found


def _sections(output: str) -> dict[str, str]:
    """Each report's chaos section, by the node id its replay command names."""
    found = {}
    for section in re.findall(r"-+ campaigns chaos -+\n(.*?)(?=\n[-=_]{3})", output, re.S):
        nodeid = re.search(r"pytest '([^']+)' --campaigns-chaos", section)
        assert nodeid is not None, section
        found[nodeid.group(1)] = section
    return found


@pytest.fixture
def suite(pytester: pytest.Pytester) -> Iterator[Path]:
    out = pytester.path / "out"
    out.mkdir()
    pytester.makeconftest(CONFTEST.format(out=str(out)))
    pytester.makepyfile(test_suite=SUITE)
    yield out


def _clear(out: Path) -> None:
    for path in out.glob("*.json"):
        path.unlink()


def test_the_same_failures_alone_in_the_run_and_under_xdist(
    pytester: pytest.Pytester, suite: Path
) -> None:
    option = "--campaigns-chaos=42:0.2"
    whole = pytester.runpytest(*QUIET, option)
    in_run = _answers(suite)
    sections = _sections(whole.stdout.str())
    # The draws did something, and not everything: the comparison means something.
    every = [said for answers in in_run.values() for said in answers]
    assert {"ThrottlingException", "InternalServerException"} & set(every)
    assert "ok" in every
    failed = {nodeid for nodeid, answers in in_run.items() if set(answers) - {"ok", "no request"}}
    assert failed and set(sections) == failed
    whole.assert_outcomes(failed=len(failed), passed=4 - len(failed))
    assert "campaigns chaos: --campaigns-chaos=42:0.2" in whole.stdout.str()

    # Alone: each test, by itself, answers and reports the same.
    for nodeid in in_run:
        _clear(suite)
        alone = pytester.runpytest(*QUIET, nodeid, option)
        assert _answers(suite) == {nodeid: in_run[nodeid]}
        assert _sections(alone.stdout.str()) == {k: v for k, v in sections.items() if k == nodeid}

    # Under pytest-xdist: two workers, another process each, another order.
    _clear(suite)
    distributed = pytester.runpytest_subprocess(*QUIET, "-n", "2", option)
    assert _answers(suite) == in_run
    assert _sections(distributed.stdout.str()) == sections

    # Another seed draws otherwise: the answers follow the seed, not chance.
    _clear(suite)
    pytester.runpytest(*QUIET, "--campaigns-chaos=43:0.2")
    assert _answers(suite) != in_run


def test_the_report_lists_the_faults_and_the_command_that_replays_them(
    pytester: pytest.Pytester, suite: Path
) -> None:
    result = pytester.runpytest(*QUIET, "--campaigns-chaos=7:0.3", "-k", "test_reads")
    in_run = _answers(suite)
    output = result.stdout.str()
    [(nodeid, section)] = _sections(output).items()
    assert nodeid == "test_suite.py::test_reads"
    injected = [said for said in in_run[nodeid] if said != "ok"]
    # One line per fault, in order, each naming the operation, the error and its status.
    listed = re.findall(r"  - (\w+): (\w+) \((\d+), connectcampaigns\)", section)
    assert [code for _, code, _ in listed] == injected
    assert {(code, status) for _, code, status in listed} <= {
        ("ThrottlingException", "429"),
        ("InternalServerException", "500"),
    }
    assert f"--campaigns-chaos=7:0.3 injected {len(injected)} fault(s)" in section
    command = re.search(r"^  (pytest .*)$", section, re.M)
    assert command is not None
    assert command.group(1) == "pytest 'test_suite.py::test_reads' --campaigns-chaos=7:0.3"

    # Running the command reproduces the failure, fault for fault.
    _clear(suite)
    words = command.group(1).split()
    replay = pytester.runpytest(*QUIET, words[1].strip("'"), *words[2:])
    replay.assert_outcomes(failed=1)
    assert _answers(suite) == {nodeid: in_run[nodeid]}
    assert _sections(replay.stdout.str()) == {nodeid: section}


def test_a_failure_chaos_did_not_cause_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fails(campaigns_fake):
            assert False
        """
    )
    result = pytester.runpytest(*QUIET, "--campaigns-chaos=7")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- campaigns chaos -*",
            "--campaigns-chaos=7:0.1 injected no fault into this test: the failure is not chaos's",
            "replay this test alone with the same faults (from the rootdir):",
            "  pytest 'test_a_failure_chaos_did_not_cause_says_so.py::test_fails' "
            "--campaigns-chaos=7:0.1",
        ]
    )


def test_each_test_draws_from_its_own_start(pytester: pytest.Pytester, suite: Path) -> None:
    # Two runs that differ only in the tests before: a test's answers are its own.
    pytester.runpytest(*QUIET, "--campaigns-chaos=9:0.3", "-k", "test_reads")
    alone = _answers(suite)
    _clear(suite)
    pytester.runpytest(*QUIET, "--campaigns-chaos=9:0.3", "-p", "no:randomly")
    assert _answers(suite)["test_suite.py::test_reads"] == alone["test_suite.py::test_reads"]
    # And the stream is the documented one: random.Random seeded with "SEED:NODEID".
    draws = _chaos.Chaos("9", 0.3, "test_suite.py::test_reads")
    expected = []
    for _ in range(12):
        for operation in ("DescribeCampaign", "ListCampaigns"):
            expected.append(draws.error("connectcampaigns", operation) or "ok")
    assert alone["test_suite.py::test_reads"] == expected


def test_rate_zero_changes_nothing(pytester: pytest.Pytester) -> None:
    out = pytester.path / "journal.json"
    pytester.makepyfile(
        f"""
        import boto3
        from botocore.config import Config
        from pytest_campaigns_fake.server._control_plane import call_json

        def test_journal(campaigns_fake):
            client = boto3.client(
                "connectcampaigns", region_name="us-east-1",
                config=Config(retries={{"total_max_attempts": 1}}),
            )
            campaign = campaigns_fake.add_campaign(connect_instance_id="instance-1")
            for _ in range(20):
                try:
                    client.describe_campaign(id=campaign.id)
                    client.get_campaign_state_batch(campaignIds=[campaign.id, "gone"])
                except client.exceptions.ClientError:
                    pass
            calls = [call_json(call) for call in campaigns_fake.calls]
            for call, entry in zip(campaigns_fake.calls, calls):
                entry["injectedItems"] = list(call.injected_items)
            with open({str(out)!r}, "a") as file:
                file.write(json.dumps(calls, sort_keys=True) + "\\n")

        import json
        """
    )
    pytester.makeini("[pytest]\ncampaigns_fake_seed = 5\n")
    without = pytester.runpytest(*QUIET)
    without.assert_outcomes(passed=1)
    baseline = out.read_bytes()
    out.unlink()
    zero = pytester.runpytest(*QUIET, "--campaigns-chaos=1:0")
    zero.assert_outcomes(passed=1)
    assert out.read_bytes() == baseline
    assert "campaigns chaos" not in zero.stdout.str()  # nothing registered, not even a header
    out.unlink()
    # The same seed at another rate does change the journal: the comparison can see it.
    pytester.runpytest(*QUIET, "--campaigns-chaos=1:0.5").assert_outcomes(passed=1)
    assert out.read_bytes() != baseline
    assert '"injected": true' in out.read_text()


def test_strict_mode_is_unaffected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        def test_rules_fire_first_and_chaos_is_no_rule(campaigns_fake, campaigns_client):
            campaign = campaigns_fake.add_campaign(connect_instance_id="instance-1")
            rule = campaigns_fake.inject_error("DescribeCampaign", "AccessDeniedException")
            # Rate 1: every request that can fail transiently does; the test's rule first.
            with pytest.raises(campaigns_client.exceptions.AccessDeniedException):
                campaigns_client.describe_campaign(id=campaign.id)
            assert rule.fired == 1
            with pytest.raises(campaigns_client.exceptions.ClientError):
                campaigns_client.list_campaigns()
            chaos = [call for call in campaigns_fake.calls if call.injected][1:]
            assert chaos and all(call.status_code in (429, 500) for call in chaos)
            assert campaigns_fake.unused_faults == []

        def test_an_unfired_rule_still_fails(campaigns_fake, campaigns_client):
            campaigns_fake.inject_error("StopCampaign", "AccessDeniedException")
            with pytest.raises(campaigns_client.exceptions.ClientError):
                campaigns_client.list_campaigns()
        """
    )
    result = pytester.runpytest(*QUIET, "--campaigns-chaos=3:1")
    # The second test's call passed, and its teardown's strict check errored.
    result.assert_outcomes(passed=2, errors=1)
    output = result.stdout.str()
    assert "1 fault(s) set up on the connectcampaigns fake never fired" in output
    assert "error AccessDeniedException on StopCampaign (times=1, fired 0)" in output
    # Chaos faults are never among the faults that did not fire.
    assert "ThrottlingException on" not in output
    assert "InternalServerException on" not in output


def test_per_item_failures_in_a_batch(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from datetime import timedelta

        import boto3
        from botocore.config import Config

        def test_batches(campaigns_fake):
            client = boto3.client(
                "connectcampaigns", region_name="us-east-1",
                config=Config(retries={"total_max_attempts": 10}),
            )
            campaigns_fake.add_instance("instance-1")
            campaign = campaigns_fake.add_campaign(
                connect_instance_id="instance-1", state="Running"
            )
            expires = campaigns_fake.clock.now() + timedelta(minutes=5)
            failed = []
            for batch in range(10):
                answer = client.put_dial_request_batch(
                    id=campaign.id,
                    dialRequests=[
                        {"clientToken": f"t{batch}-{n}", "phoneNumber": "+15550100",
                         "expirationTime": expires, "attributes": {}}
                        for n in range(5)
                    ],
                )
                failed += [item["failureCode"] for item in answer["failedRequests"]]
            states = client.get_campaign_state_batch(campaignIds=[campaign.id] * 20)
            failed += [item["failureCode"] for item in states["failedRequests"]]
            journaled = [code for call in campaigns_fake.calls for code in call.injected_items]
            assert failed == journaled
            assert not failed, failed
        """
    )
    result = pytester.runpytest(*QUIET, "--campaigns-chaos=11:0.3")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    [section] = _sections(output).values()
    items = re.findall(r"  - (\w+) item (\w+)='([^']*)': failureCode (\w+)", section)
    assert {operation for operation, *_ in items} == {
        "PutDialRequestBatch",
        "GetCampaignStateBatch",
    }
    # Only the transient codes of each batch's enum: never InvalidInput, never ResourceNotFound.
    assert {code for operation, _, _, code in items if operation == "PutDialRequestBatch"} == {
        "RequestThrottled",
        "UnknownError",
    }
    assert {code for operation, _, _, code in items if operation == "GetCampaignStateBatch"} == {
        "UnknownError"
    }
    assert {key for _, key, _, _ in items} == {"clientToken", "campaignId"}
    # The journal marks the injected item failures as injected, as for a rule's.
    assert "RequestThrottled (injected)" in output


def test_transient_faults_come_from_the_model() -> None:
    model = load("connectcampaigns")
    for operation, op_model in model.operations.items():
        transient = _chaos.transient_errors("connectcampaigns", operation)
        for shape in op_model.error_shapes:
            status = shape.metadata["error"]["httpStatusCode"]
            assert (shape.name in transient) == (status == 429 or status >= 500), shape.name
    assert _chaos.transient_errors("connectcampaigns", "ListCampaigns") == (
        "InternalServerException",
    )
    assert _chaos.transient_item_codes("connectcampaignsv2", "PutOutboundRequestBatch") == (
        "BufferLimitExceeded",
        "RequestThrottled",
        "UnknownError",
    )
    assert _chaos.transient_item_codes("connectcampaignsv2", "PutProfileOutboundRequestBatch") == (
        "RequestThrottled",
        "UnknownError",
    )
    assert _chaos.transient_item_codes("connectcampaigns", "ListCampaigns") == ()


def test_fixtures_requests_are_not_drawn_and_fakes_started_in_the_test_are(
    pytester: pytest.Pytester,
) -> None:
    # Chaos runs in the call phase: a module-scoped fixture's requests are made by whichever
    # test comes first, and must not depend on it.
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from botocore.config import Config
        from pytest_campaigns_fake import mock_campaigns

        def client():
            return boto3.client(
                "connectcampaigns", region_name="us-east-1",
                config=Config(retries={"total_max_attempts": 1}),
            )

        @pytest.fixture
        def listed(campaigns_fake):
            return [client().list_campaigns() for _ in range(10)]

        def test_setup_is_spared(listed):
            assert len(listed) == 10

        def test_a_fake_started_in_the_test():
            with mock_campaigns() as fake:
                with pytest.raises(Exception):
                    client().list_campaigns()
                assert [call.injected for call in fake.calls] == [True]
        """
    )
    pytester.runpytest(*QUIET, "--campaigns-chaos=1:1").assert_outcomes(passed=2)


def test_the_campaigns_server_fixture_is_reached(pytester: pytest.Pytester) -> None:
    # Its fake is never activated in process (it answers over HTTP): chaos reaches it all the
    # same, and so reaches what the test runs in a subprocess against it.
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from botocore.config import Config

        def test_over_http(campaigns_server):
            client = boto3.client(
                "connectcampaigns", region_name="us-east-1", endpoint_url=campaigns_server.url,
                aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="secret",
                config=Config(retries={"total_max_attempts": 1}),
            )
            with pytest.raises(client.exceptions.InternalServerException):
                client.list_campaigns()
            assert [call.injected for call in campaigns_server.fake.calls] == [True]
        """
    )
    pytester.runpytest(*QUIET, "--campaigns-chaos=1:1").assert_outcomes(passed=1)


def test_the_ini_option_and_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_list(campaigns_fake, campaigns_client):
            campaigns_client.meta.config.retries["total_max_attempts"] = 1
            campaigns_client.list_campaigns()
        """
    )
    pytester.makeini("[pytest]\ncampaigns_chaos = 1:1\n")
    asked = pytester.runpytest(*QUIET)
    asked.stdout.fnmatch_lines(["campaigns chaos: --campaigns-chaos=1:1.0*"])
    assert "InternalServerException" in asked.stdout.str()
    # The command line wins: another seed, or off.
    pytester.runpytest(*QUIET, "--campaigns-chaos=off").assert_outcomes(passed=1)
    pytester.runpytest(*QUIET, "--campaigns-chaos=2:0").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("", "the chaos seed must be letters"),
        ("my seed", "the chaos seed must be letters"),
        ("7:", "the chaos rate must be a number from 0 to 1, not ''"),
        ("7:often", "not 'often'"),
        ("7:1.5", "not 1.5"),
        ("7:-0.1", "not -0.1"),
        ("7:nan", "not nan"),
        ("7:0.1:2", "not '0.1:2'"),
    ],
)
def test_a_wrong_value_is_a_usage_error(pytester: pytest.Pytester, given: str, said: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*QUIET, f"--campaigns-chaos={given}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--campaigns-chaos={given!r}*{said}*Give SEED[[]:RATE[]]*"])


def test_against_aws_chaos_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*QUIET, "--campaigns-target=aws", "--campaigns-chaos=7")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--campaigns-chaos=7 against --campaigns-target=aws*"])
    # Rate 0 (or off) changes nothing, against AWS too.
    pytester.runpytest(*QUIET, "--campaigns-target=aws", "--campaigns-chaos=7:0").assert_outcomes(
        passed=1
    )


def _control(server: CampaignsServer, method: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{server.url}/_fake/chaos",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _server_client(server: CampaignsServer) -> Any:
    return boto3.client(
        "connectcampaigns",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_the_server_target_takes_chaos_through_its_control_plane(
    pytester: pytest.Pytester,
) -> None:
    with CampaignsServer(CampaignsFake(any_region=True, require_onboarding=False)) as server:
        campaign = server.fake.add_campaign(connect_instance_id="instance-1")
        pytester.makepyfile(
            f"""
            import boto3
            from botocore.config import Config

            def test_against_the_server():
                client = boto3.client(
                    "connectcampaigns", region_name="{REGION}", endpoint_url="{server.url}",
                    aws_access_key_id="{ACCESS_KEY}", aws_secret_access_key="{SECRET_KEY}",
                    config=Config(retries={{"total_max_attempts": 1}}),
                )
                said = []
                for _ in range(20):
                    try:
                        client.describe_campaign(id="{campaign.id}")
                        said.append("ok")
                    except client.exceptions.ClientError as error:
                        said.append(error.response["Error"]["Code"])
                assert set(said) == {{"ok"}}, said
            """
        )
        option = "--campaigns-chaos=5:0.3"
        result = pytester.runpytest(*QUIET, f"--campaigns-target={server.url}", option)
        result.assert_outcomes(failed=1)
        output = result.stdout.str()
        assert f"campaigns chaos: --campaigns-chaos=5:0.3 (set on the server {server.url})" in (
            output
        )
        [section] = _sections(output).values()
        listed = re.findall(rf"  - DescribeCampaign: (\w+) .*\(server {server.url}\)", section)
        injected = [call.error_code for call in server.fake.calls if call.injected]
        assert listed == injected and injected
        # The same draws as in process: one chaos, wherever the fake runs.
        nodeid = "test_the_server_target_takes_chaos_through_its_control_plane.py::"
        draws = _chaos.Chaos("5", 0.3, nodeid + "test_against_the_server")
        expected = [draws.error("connectcampaigns", "DescribeCampaign") for _ in range(20)]
        assert [code for code in expected if code] == injected
        # The test's chaos is off the server once it ended: the server answers as before.
        assert _control(server, "GET", None) == (200, {"chaos": None, "injected": []})
        _server_client(server).describe_campaign(id=campaign.id)


def test_the_chaos_control_route() -> None:
    with CampaignsServer(CampaignsFake(any_region=True, require_onboarding=False)) as server:
        client = _server_client(server)
        status, answer = _control(server, "POST", {"seed": "1", "rate": 1, "test": "t::a"})
        assert status == 200 and "t::a" in answer["chaos"]
        with pytest.raises(client.exceptions.ClientError):
            client.list_campaigns()
        assert _control(server, "GET", None) == (
            200,
            {
                "chaos": {"seed": "1", "rate": 1.0, "test": "t::a"},
                "injected": ["ListCampaigns: InternalServerException (500, connectcampaigns)"],
            },
        )
        # Another test's chaos while this one's is on: refused (xdist workers sharing a server).
        status, answer = _control(server, "POST", {"seed": "1", "rate": 1, "test": "t::b"})
        assert status == 409 and "the chaos of test 't::a' is on" in answer["error"]
        assert _control(server, "DELETE", {"test": "t::b"})[0] == 409
        # Checked as the option is.
        assert _control(server, "POST", {"seed": "1", "rate": 2, "test": "t::a"})[0] == 400
        assert _control(server, "POST", {"seed": "a b", "rate": 1, "test": "t::a"})[0] == 400
        assert _control(server, "POST", {"seed": "1", "test": "t::a"})[0] == 400
        assert _control(server, "DELETE", {"test": "t::a"}) == (
            200,
            {"injected": ["ListCampaigns: InternalServerException (500, connectcampaigns)"]},
        )
        client.list_campaigns()
        assert _control(server, "DELETE", None) == (200, {"injected": []})


def test_a_state_file_replays_chaos_and_a_restart_forgets_it(
    launch: Launch, tmp_path: Path
) -> None:
    """Chaos set through the control plane is logged: the requests it failed are replayed
    failing after a crash, and the restart forgets it as it forgets faults."""
    options = ("--state", tmp_path / "state.db", "--no-require-onboarding", "--seed", "3")
    first = launch(*options)
    first.control("POST", "chaos", {"seed": "4", "rate": 0.5, "test": "t::a"})
    made = []
    for n in range(12):
        with contextlib.suppress(ClientError):
            made.append(create(first.v1(), name=f"c{n}")["id"])
    assert 0 < len(made) < 12
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL  # no compaction: the log is replayed

    second = launch(*options)
    assert ids_of(second.v1()) == made
    assert second.control("GET", "chaos") == {"chaos": None, "injected": []}


def test_the_docs_example_survives_chaos(pytester: pytest.Pytester) -> None:
    [example] = [
        source
        for _, language, _, source in fenced_blocks(ROOT / "docs" / "chaos.md")
        if language == "python"
    ]
    pytester.makepyfile(test_example=example)
    # What chaos injected, counted from the journal: the example did meet faults.
    counted = pytester.path / "injected.txt"
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_teardown(item):
            calls = item.funcargs["campaigns_fake"].calls
            errors = sum(call.injected for call in calls)
            items = sum(len(call.injected_items) for call in calls)
            with open({str(counted)!r}, "a") as file:
                file.write(f"{{errors}} {{items}}\\n")
        """
    )
    for seed in range(1, 7):
        # Without -W error: tests/test_docs.py runs the example with warnings as errors; here
        # a warning of another test's leftovers in this process must not fail the session.
        result = pytester.runpytest(*QUIET, *ASYNCIO_SCOPE, f"--campaigns-chaos={seed}:0.2")
        assert result.ret == pytest.ExitCode.OK, f"{result.stdout}\n{result.stderr}"
    lines = [line.split() for line in counted.read_text().splitlines()]
    assert len(lines) == 6
    assert sum(int(errors) for errors, _ in lines) > 0
    assert sum(int(items) for _, items in lines) > 0
