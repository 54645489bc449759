"""The run-wide features together, as a team's CI would run them: one suite under xdist against
a real server process, recorded and counted at once, then the recording verified against a
fresh in-process fake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support_server import Launch

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

# Only what any target answers alike from a fresh state: what verify can replay without the
# server's seeds (which a recording of a remote target does not hold).
SUITE = """
import pytest

def test_lists(campaigns_client):
    assert campaigns_client.list_campaigns()["campaignSummaryList"] == []

def test_describes_what_is_not_there(campaigns_client):
    with pytest.raises(campaigns_client.exceptions.ResourceNotFoundException):
        campaigns_client.describe_campaign(id="00000000-0000-4000-8000-000000000000")

def test_lists_again(campaigns_client):
    assert campaigns_client.list_campaigns(maxResults=5)["campaignSummaryList"] == []

def test_describes_again(campaigns_client):
    with pytest.raises(campaigns_client.exceptions.ResourceNotFoundException):
        campaigns_client.describe_campaign(id="00000000-0000-4000-8000-000000000001")
"""


def test_a_server_target_recorded_and_counted_under_xdist_then_verified(
    pytester: pytest.Pytester, launch: Launch
) -> None:
    served = launch()
    pytester.makepyfile(test_team=SUITE)
    recordings = pytester.path / "recordings"
    coverage = pytester.path / "coverage.json"
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "-n",
        "2",
        f"--campaigns-target={served.endpoint}",
        f"--campaigns-record={recordings}",
        f"--campaigns-coverage={coverage}",
    )
    result.assert_outcomes(passed=4)
    # One recording per test, whichever worker ran it.
    assert len(list(recordings.glob("*.json"))) == 4
    # The coverage of both workers, merged: two operations, their outcomes.
    counted = json.loads(coverage.read_text())["apis"]["connectcampaigns"]["called"]
    assert counted["ListCampaigns"]["seen"]["success"] == 2
    assert counted["DescribeCampaign"]["seen"]["errors"] == {"ResourceNotFoundException": 2}
    # Recorded against the server, verified against a fresh in-process fake: they agree.
    verified = subprocess.run(
        [sys.executable, "-m", "pytest_campaigns_fake", "verify", str(recordings)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
