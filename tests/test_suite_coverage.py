"""--campaigns-coverage[=FILE]: the outcomes a suite saw per operation, and those the installed
model lists that it never saw, as a terminal table and a JSON file; merged across xdist workers;
whatever answers the calls (the fake in process, a server).

Every expected error list, failure code and operation name is read here from the installed
botocore model, as the feature reads them: a botocore upgrade changes both sides alike.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from pytest_campaigns_fake.suite._coverage_tally import FORMAT, VERSION, failure_lists

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
# pytest-benchmark, where installed, warns in every session under xdist.
ARGS = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:benchmark")
V1, V2 = "connectcampaigns", "connectcampaignsv2"

# A small suite: a success, an injected error, a per-item failure in a batch answer.
SUITE = """
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def campaign(campaigns_fake):
    campaigns_fake.add_instance("instance-1")
    return campaigns_fake.add_campaign(connect_instance_id="instance-1", state="Running")


def test_pause(campaigns_client, campaign):
    campaigns_client.pause_campaign(id=campaign.id)


def test_pause_conflict(campaigns_fake, campaigns_client, campaign):
    campaigns_fake.inject_error("PauseCampaign", "ConflictException")
    with pytest.raises(ClientError, match="ConflictException"):
        campaigns_client.pause_campaign(id=campaign.id)


def test_one_number_fails(campaigns_fake, campaigns_client, campaign):
    campaigns_fake.fail_dial_requests("InvalidInput", phone_number="+15550100")
    expires = campaigns_fake.clock.now() + timedelta(minutes=5)
    answer = campaigns_client.put_dial_request_batch(
        id=campaign.id,
        dialRequests=[
            {"clientToken": token, "phoneNumber": number, "expirationTime": expires,
             "attributes": {}}
            for token, number in (("a", "+15550100"), ("b", "+15550101"))
        ],
    )
    assert [item["failureCode"] for item in answer["failedRequests"]] == ["InvalidInput"]
"""

# v2 beside v1: a success, a per-item failure of PutOutboundRequestBatch, an error of the model.
SUITE_V2 = """
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError


def v2():
    return boto3.client("connectcampaignsv2", region_name="us-east-1")


def test_v2_list(campaigns_fake):
    assert v2().list_campaigns()["campaignSummaryList"] == []


def test_v2_missing(campaigns_fake):
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        v2().describe_campaign(id="00000000-0000-0000-0000-000000000000")


SMS = {
    "outboundMode": {"agentless": {}},
    "defaultOutboundConfig": {
        "connectSourcePhoneNumberArn": "arn:aws:connect:us-east-1:123456789012:phone-number/p1",
        "wisdomTemplateArn": "arn:aws:wisdom:us-east-1:123456789012:message-template/kb/t1",
    },
}


@pytest.mark.parametrize("code", ["InvalidInput", "UnknownError", "InvalidInput"])
def test_v2_outbound(campaigns_fake, code):
    campaigns_fake.add_instance("instance-1")
    campaign = campaigns_fake.v2.add_campaign(
        connect_instance_id="instance-1", channel_subtype_config={"sms": SMS}, state="Running"
    )
    campaigns_fake.v2.fail_outbound_requests(code, client_token="a")
    expires = campaigns_fake.clock.now() + timedelta(minutes=5)
    answer = v2().put_outbound_request_batch(
        id=campaign.id,
        outboundRequests=[
            {"clientToken": token, "expirationTime": expires,
             "channelSubtypeParameters": {"sms": {"destinationPhoneNumber": "+15550100",
                                                  "templateParameters": {}}}}
            for token in ("a", "b")
        ],
    )
    assert [item["failureCode"] for item in answer["failedRequests"]] == [code]
"""


def model(service: str) -> Any:
    return botocore.session.Session().get_service_model(service)


def errors(service: str, operation: str) -> list[str]:
    """The errors the installed model lists for ``operation``."""
    return [shape.name for shape in model(service).operation_model(operation).error_shapes]


def failure_codes(service: str, operation: str) -> list[str]:
    """The codes of the failureCode member of the items of ``operation``'s failedRequests."""
    output = model(service).operation_model(operation).output_shape
    return list(output.members["failedRequests"].member.members["failureCode"].enum)


def section(output: list[str]) -> list[str]:
    """The lines of the terminal's campaigns coverage section."""
    start = next(
        i for i, line in enumerate(output) if re.fullmatch(r"=+ campaigns coverage =+", line)
    )
    end = next(
        (i for i in range(start + 1, len(output)) if re.fullmatch(r"=+ .* =+", output[i])),
        len(output),
    )
    return output[start + 1 : end]


def squeezed(lines: list[str]) -> list[str]:
    """Each line with its runs of spaces made one: what a row says, whatever the widths."""
    return [re.sub(r" +", " ", line.strip()) for line in lines]


def rows(operation: str, calls: int, seen: list[str], never: list[str]) -> list[str]:
    """One operation's lines of the table, squeezed: a seen and a never-seen item per line."""
    height = max(len(seen), len(never), 1)
    seen, never = seen + [""] * (height - len(seen)), never + [""] * (height - len(never))
    first = [f"{operation} {calls} {seen[0]} {never[0]}".strip()]
    return first + [f"{a} {b}".strip() for a, b in zip(seen[1:], never[1:])]


def run(pytester: pytest.Pytester, *args: str, passed: int) -> pytest.RunResult:
    result = pytester.runpytest(*ARGS, *args)
    result.assert_outcomes(passed=passed)
    return result


# -- the table ---------------------------------------------------------------------------------


def test_table_shows_each_outcome_seen_and_each_listed_error_never_seen(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_suite=SUITE)
    lines = section(run(pytester, "--campaigns-coverage", passed=3).outlines)

    operations = model(V1).operation_names
    pause_never = sorted(set(errors(V1, "PauseCampaign")) - {"ConflictException"})
    batch_never = sorted(errors(V1, "PutDialRequestBatch")) + [
        f"failedRequests: {code}"
        for code in sorted(set(failure_codes(V1, "PutDialRequestBatch")) - {"InvalidInput"})
    ]
    expected = [
        f"{V1}: 2 of {len(operations)} operations called, 3 calls",
        "operation calls outcomes seen errors the model lists, never seen",
        *rows("PauseCampaign", 2, ["success 1", "ConflictException 1"], pause_never),
        *rows(
            "PutDialRequestBatch", 1, ["success 1", "failedRequests: InvalidInput 1"], batch_never
        ),
    ]
    table = squeezed(lines)
    assert [line for line in table if not re.fullmatch(r"[- ]+", line)][: len(expected)] == (
        expected
    )
    # A table: each column starts at the same offset on every row.
    end = next(i for i, line in enumerate(lines) if line.startswith("  never called"))
    body = lines[1:end]
    header = body[0]
    for title in ("outcomes seen", "errors the model lists"):
        column = header.index(title)
        assert all(line[column - 1] == " " for line in body[1:] if len(line) > column), title
    assert lines[0].startswith(f"{V1}: ")


def test_operations_never_called_are_listed_apart(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_list(campaigns_client):
            campaigns_client.list_campaigns()
        """
    )
    lines = section(run(pytester, "--campaigns-coverage", passed=1).outlines)
    text = " ".join(squeezed(lines))
    never = sorted(set(model(V1).operation_names) - {"ListCampaigns"})
    assert f"never called ({len(never)}): {', '.join(never)}" in text
    # An API the suite never called is one line, not a list of every one of its operations.
    v2_total = len(model(V2).operation_names)
    assert f"{V2}: never called ({v2_total} operations in the model)" in squeezed(lines)


def test_an_error_retried_away_is_success_and_a_client_side_failure_is_raised(
    pytester: pytest.Pytester,
) -> None:
    # What the application saw, after botocore's retries: a throttled attempt retried into a
    # success is a success; a call botocore refused to send is counted apart from errors.
    pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ParamValidationError

        def test_it(campaigns_fake, campaigns_client):
            campaigns_fake.throttle("ListCampaigns", times=1)
            campaigns_client.list_campaigns()
            with pytest.raises(ParamValidationError):
                campaigns_client.describe_campaign()
        """
    )
    run(pytester, "--campaigns-coverage=cov.json", passed=1)
    called = json.loads((pytester.path / "cov.json").read_text())["apis"][V1]["called"]
    assert called["ListCampaigns"]["seen"] == {
        "success": 1,
        "errors": {},
        "item_failures": {},
        "raised": {},
    }
    assert called["DescribeCampaign"]["seen"]["raised"] == {"ParamValidationError": 1}
    assert called["DescribeCampaign"]["seen"]["success"] == 0


# -- the JSON file -----------------------------------------------------------------------------


def test_json_file_holds_the_same_per_operation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE, test_suite_v2=SUITE_V2)
    result = run(pytester, "--campaigns-coverage=reports/coverage.json", passed=8)
    path = pytester.path / "reports" / "coverage.json"  # its directory made for it
    assert f"written as JSON to {path}" in result.outlines
    document = json.loads(path.read_text(encoding="utf-8"))

    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert document["botocore"] == botocore.__version__
    assert document["lost_workers"] == []
    v1, v2 = document["apis"][V1], document["apis"][V2]
    assert v1["operations_in_model"] == len(model(V1).operation_names)
    assert v1["called"]["PauseCampaign"] == {
        "calls": 2,
        "in_model": True,
        "seen": {
            "success": 1,
            "errors": {"ConflictException": 1},
            "item_failures": {},
            "raised": {},
        },
        "never_seen": {
            "errors": sorted(set(errors(V1, "PauseCampaign")) - {"ConflictException"}),
            "item_failures": {},
        },
    }
    failed = "failedRequests[].failureCode"
    assert v1["called"]["PutDialRequestBatch"]["seen"]["item_failures"] == {
        failed: {"InvalidInput": 1}
    }
    assert v1["called"]["PutDialRequestBatch"]["never_seen"]["item_failures"] == {
        failed: sorted(set(failure_codes(V1, "PutDialRequestBatch")) - {"InvalidInput"})
    }
    assert v1["never_called"] == sorted(
        set(model(V1).operation_names) - {"PauseCampaign", "PutDialRequestBatch"}
    )
    # Per-item failures are counted per item, each code apart.
    outbound = v2["called"]["PutOutboundRequestBatch"]
    assert outbound["calls"] == 3
    assert outbound["seen"]["item_failures"] == {failed: {"InvalidInput": 2, "UnknownError": 1}}
    assert outbound["never_seen"]["item_failures"] == {
        failed: sorted(
            set(failure_codes(V2, "PutOutboundRequestBatch")) - {"InvalidInput", "UnknownError"}
        )
    }
    assert v2["called"]["DescribeCampaign"]["seen"]["errors"] == {"ResourceNotFoundException": 1}
    assert v2["called"]["ListCampaigns"]["seen"]["success"] == 1


def test_per_item_failure_lists_are_found_in_the_model_output_shapes() -> None:
    # Where a batch answer lists its items' failures, and only there: an onboarding job's
    # failureCode is one resource's state, not an item of a batch.
    for service, operation in [
        (V1, "PutDialRequestBatch"),
        (V1, "GetCampaignStateBatch"),
        (V2, "PutOutboundRequestBatch"),
        (V2, "PutProfileOutboundRequestBatch"),
    ]:
        found = [(f.name, list(f.codes)) for f in failure_lists(service, operation)]
        assert found == [("failedRequests[].failureCode", failure_codes(service, operation))]
    assert failure_lists(V1, "GetInstanceOnboardingJobStatus") == ()
    assert failure_lists(V1, "ListCampaigns") == ()


# -- options -----------------------------------------------------------------------------------


def test_without_the_option_nothing_is_reported(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = run(pytester, passed=3)
    assert not any("campaigns coverage" in line for line in result.outlines)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("tox.ini", "[pytest]\ncampaigns_coverage = true\n"),
        ("pyproject.toml", "[tool.pytest.ini_options]\ncampaigns_coverage = true\n"),
        ("pyproject.toml", '[tool.pytest.ini_options]\ncampaigns_coverage = "yes"\n'),
        ("pytest.toml", "[pytest]\ncampaigns_coverage = true\n"),  # TOML's own boolean
    ],
)
def test_ini_true_shows_the_table(pytester: pytest.Pytester, name: str, text: str) -> None:
    (pytester.path / name).write_text(text, encoding="utf-8")
    pytester.makepyfile(test_suite=SUITE)
    result = run(pytester, passed=3)
    assert f"{V1}: 2 of {len(model(V1).operation_names)} operations called, 3 calls" in (
        section(result.outlines)
    )
    assert not list(pytester.path.glob("*.json"))


def test_ini_false_is_off(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncampaigns_coverage = false\n")
    pytester.makepyfile(test_suite=SUITE)
    result = run(pytester, passed=3)
    assert not any("campaigns coverage" in line for line in result.outlines)


def test_ini_path_is_relative_to_the_ini_file_and_the_command_line_wins(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ncampaigns_coverage = out/cov.json\n")
    pytester.makepyfile(test_suite=SUITE)
    tests = pytester.mkdir("elsewhere")
    # Run from another directory: the path is the ini file's, not the working directory's.
    pytester.chdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tests)
        run(pytester, str(pytester.path), passed=3)
        assert (pytester.path / "out" / "cov.json").is_file()
        assert not (tests / "out").exists()
        (pytester.path / "out" / "cov.json").unlink()
        # A bare option on the command line is the table alone, whatever the ini file says.
        result = run(pytester, str(pytester.path), "--campaigns-coverage", passed=3)
    assert section(result.outlines)
    assert not (pytester.path / "out" / "cov.json").exists()


def test_a_test_path_taken_for_file_is_refused_and_left_alone(pytester: pytest.Pytester) -> None:
    # nargs="?": `--campaigns-coverage test_suite.py` reads the test path as FILE.
    test = pytester.makepyfile(test_suite=SUITE)
    before = test.read_text()
    result = pytester.runpytest(*ARGS, "--campaigns-coverage", "test_suite.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--campaigns-coverage: *test_suite.py exists and is not a campaigns coverage file*"]
    )
    assert "--campaigns-coverage=" in result.stderr.str()  # says what to write instead
    assert test.read_text() == before
    result = pytester.runpytest(*ARGS, "--campaigns-coverage", str(pytester.path))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*is a directory, not a file to write*"])


def test_a_coverage_file_of_an_earlier_run_is_overwritten(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    run(pytester, "--campaigns-coverage=cov.json", passed=3)
    first = json.loads((pytester.path / "cov.json").read_text())
    pytester.makepyfile(test_suite="def test_nothing():\n    pass\n")
    run(pytester, "--campaigns-coverage=cov.json", passed=1)
    second = json.loads((pytester.path / "cov.json").read_text())
    assert first["apis"][V1]["called"] and not second["apis"][V1]["called"]
    assert not list(pytester.path.glob("*.partial"))


# -- other targets -----------------------------------------------------------------------------


def test_calls_answered_by_a_server_are_seen(pytester: pytest.Pytester) -> None:
    # No fake in process: the client calls a CampaignsServer over HTTP.
    pytester.makepyfile(
        """
        from datetime import timedelta

        import boto3
        import pytest
        from botocore.exceptions import ClientError

        from pytest_campaigns_fake import CampaignsServer, current


        @pytest.fixture(scope="module")
        def server():
            with CampaignsServer() as served:
                yield served


        @pytest.fixture
        def client(server):
            return boto3.client(
                "connectcampaigns", region_name="us-east-1", endpoint_url=server.url,
                aws_access_key_id="AKIAEXAMPLE000000001", aws_secret_access_key="x",
            )


        def test_answers(server, client):
            assert current() is None
            server.fake.add_instance("instance-1")
            campaign = server.fake.add_campaign(connect_instance_id="instance-1", state="Running")
            client.list_campaigns()
            with pytest.raises(ClientError, match="ResourceNotFoundException"):
                client.describe_campaign(id="00000000-0000-0000-0000-000000000000")
            server.fake.fail_dial_requests("UnknownError", phone_number="+15550100")
            expires = server.fake.clock.now() + timedelta(minutes=5)
            client.put_dial_request_batch(
                id=campaign.id,
                dialRequests=[
                    {"clientToken": "a", "phoneNumber": "+15550100", "expirationTime": expires,
                     "attributes": {}}
                ],
            )
        """
    )
    run(pytester, "--campaigns-coverage=cov.json", passed=1)
    called = json.loads((pytester.path / "cov.json").read_text())["apis"][V1]["called"]
    assert sorted(called) == ["DescribeCampaign", "ListCampaigns", "PutDialRequestBatch"]
    assert called["ListCampaigns"]["seen"]["success"] == 1
    assert called["DescribeCampaign"]["seen"]["errors"] == {"ResourceNotFoundException": 1}
    assert called["PutDialRequestBatch"]["seen"]["item_failures"] == {
        "failedRequests[].failureCode": {"UnknownError": 1}
    }


# -- pytest-xdist ------------------------------------------------------------------------------


def test_xdist_workers_counts_merge_into_the_single_process_result(
    pytester: pytest.Pytester,
) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_suite=SUITE, test_suite_v2=SUITE_V2, test_more=SUITE)
    alone = run(pytester, "--campaigns-coverage=alone.json", passed=11)
    spread = run(pytester, "-n", "2", "-v", "--campaigns-coverage=spread.json", passed=11)
    # Both workers ran tests: the merge had two tallies to add up.
    assert {"gw0", "gw1"} <= set(re.findall(r"\[(gw\d)\]", spread.stdout.str()))
    merged = json.loads((pytester.path / "spread.json").read_text())
    assert merged == json.loads((pytester.path / "alone.json").read_text())
    assert merged["apis"][V1]["called"]["PauseCampaign"]["calls"] == 4
    # The same table too, shown once (by the controller).
    assert section(spread.outlines)[:-1] == section(alone.outlines)[:-1]
    assert spread.stdout.str().count("campaigns coverage ==") == 1


def test_a_worker_that_crashed_is_named_as_missing(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        test_suite=SUITE,
        test_crash="""
            import os

            def test_crash(campaigns_client):
                campaigns_client.list_campaigns()
                os._exit(3)
            """,
    )
    result = pytester.runpytest(*ARGS, "-n", "2", "--campaigns-coverage=cov.json")
    document = json.loads((pytester.path / "cov.json").read_text())
    assert len(document["lost_workers"]) == 1
    assert any(line.startswith("incomplete: worker(s) gw") for line in section(result.outlines))


# -- the docs page -----------------------------------------------------------------------------


def _blocks(page: str, language: str) -> list[str]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def _within(shown: Any, real: Any, key: str = "") -> bool:
    """The docs' JSON is the real one, shortened only where the page says so: the operations
    under ``called`` and the lists ``never_called``."""
    if isinstance(shown, dict):
        keys_match = set(shown) <= set(real) if key == "called" else set(shown) == set(real)
        return (
            isinstance(real, dict)
            and keys_match
            and all(_within(shown[k], real[k], k) for k in shown)
        )
    if isinstance(shown, list) and key == "never_called":
        return isinstance(real, list) and set(shown) <= set(real)
    return bool(shown == real)


def test_docs_example_is_what_the_feature_reports(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    (example,) = _blocks("suite-coverage.md", "python")
    table = next(block for block in _blocks("suite-coverage.md", "text") if "coverage ==" in block)
    shown = json.loads(_blocks("suite-coverage.md", "json")[0])
    if shown["botocore"] != botocore.__version__:
        pytest.skip(f"the page shows botocore {shown['botocore']}'s model, not the installed one")
    monkeypatch.setenv("COLUMNS", "100")
    pytester.makepyfile(test_example=example)
    result = run(
        pytester,
        "--campaigns-coverage=cov.json",
        passed=len(re.findall("^def test_", example, re.M)),
    )
    lines = table.splitlines()
    assert section(result.outlines)[:-1] == lines[1:]
    real = json.loads((pytester.path / "cov.json").read_text())
    assert _within(shown, real), json.dumps(real, indent=2)
