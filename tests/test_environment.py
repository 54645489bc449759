"""Environment isolation: while a fake is active, no credential helper runs.

The user's AWS configuration here is a default profile whose ``credential_process`` writes a
marker file when botocore runs it, and whose region (eu-west-1) AWS does not offer the service
in: a client that read that profile would both run the helper and fail to connect.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from pytest_campaigns_fake import CampaignsFake, current, mock_campaigns
from pytest_campaigns_fake.interception._intercept import DUMMY_ACCESS_KEY

HELPER = """\
import json, pathlib, sys
pathlib.Path(sys.argv[1]).write_text("ran")
print(json.dumps({"Version": 1, "AccessKeyId": "AKIAFROMHELPER000001",
                  "SecretAccessKey": "helper-secret"}))
"""
# Present in the user's environment; each leads botocore to another identity or a helper.
REMOVED = {
    "AWS_SESSION_TOKEN": "real-session-token",
    "AWS_SECURITY_TOKEN": "real-security-token",
    "AWS_ROLE_ARN": "arn:aws:iam::210987654321:role/ci",
    "AWS_ROLE_SESSION_NAME": "ci",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token",
}


class Home:
    def __init__(self, root: Path) -> None:
        self.config = root / "config"
        self.marker = root / "helper-ran"


# Shared fixtures of conftest.py, for every test here.
pytestmark = pytest.mark.usefixtures("fresh_default_session")


@pytest.fixture(autouse=True)
def no_fake_left_active() -> Iterator[None]:
    assert current() is None, "a fake leaked into this test"
    yield
    assert current() is None


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Home:
    """A laptop's AWS set-up: a profile with a credential helper, a region, stray variables."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    found = Home(tmp_path)
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    found.config.write_text(
        "[default]\n"
        f"credential_process = {sys.executable} {helper} {found.marker}\n"
        "region = eu-west-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(found.config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name, value in REMOVED.items():
        monkeypatch.setenv(name, value)
    return found


def list_with_a_new_client() -> Any:
    c = boto3.client("connectcampaigns")
    c.list_campaigns()
    return c


def test_without_a_fake_the_profile_runs_its_helper(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: the set-up does what the other tests say the fake prevents."""
    session = boto3.session.Session()
    assert session.region_name == "eu-west-1"
    for name in REMOVED:  # without them botocore reads the profile
        monkeypatch.delenv(name)
    assert session.get_credentials().access_key == "AKIAFROMHELPER000001"
    assert home.marker.read_text() == "ran"


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2"])
def test_inside_the_fake_no_helper_runs_and_the_region_is_the_fakes(
    home: Home, no_network: list[object], region: str
) -> None:
    before = dict(os.environ)
    with CampaignsFake(region=region) as fake:
        c = list_with_a_new_client()
        assert c.meta.region_name == region
        assert c._request_signer._credentials.access_key == DUMMY_ACCESS_KEY
        assert (fake.calls.last.region, fake.calls.last.account) == (region, fake.account_id)
        assert os.environ["AWS_DEFAULT_REGION"] == os.environ["AWS_REGION"] == region
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
        assert not Path(os.environ["AWS_CONFIG_FILE"]).is_file()
        assert not Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).is_file()
        assert not set(REMOVED) & set(os.environ)
    assert not home.marker.exists()
    assert dict(os.environ) == before
    assert no_network == []


def test_absent_variables_are_absent_again_afterwards(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"):
        assert name not in os.environ
    monkeypatch.setenv("AWS_PROFILE", "default")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    before = dict(os.environ)
    with mock_campaigns():
        list_with_a_new_client()
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_REGION"] == "us-east-1"
    assert dict(os.environ) == before
    assert "AWS_REGION" not in os.environ and "AWS_ACCESS_KEY_ID" not in os.environ
    assert not home.marker.exists()


def test_without_isolation_the_environment_is_untouched(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in REMOVED:
        monkeypatch.delenv(name)
    before = dict(os.environ)
    with CampaignsFake(isolate_environment=False):
        assert dict(os.environ) == before
        c = boto3.client("connectcampaigns")
        assert c.meta.region_name == "eu-west-1"
        assert home.marker.read_text() == "ran"  # the user's own configuration, as asked
    assert dict(os.environ) == before


@pytest.mark.parametrize("outer_isolates", [True, False])
def test_the_outermost_fake_decides(home: Home, outer_isolates: bool) -> None:
    before = dict(os.environ)
    with CampaignsFake(region="eu-west-2", isolate_environment=outer_isolates):
        during = dict(os.environ)
        with CampaignsFake(region="us-west-2", isolate_environment=not outer_isolates):
            assert dict(os.environ) == during
        assert dict(os.environ) == during
    assert (during == before) is not outer_isolates
    if outer_isolates:
        assert during["AWS_DEFAULT_REGION"] == "eu-west-2"
    assert dict(os.environ) == before


def test_stopping_out_of_order_restores_once_the_last_fake_stops(home: Home) -> None:
    before = dict(os.environ)
    outer = CampaignsFake(region="eu-west-2").start()
    inner = CampaignsFake().start()
    outer.stop()
    assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-2"
    inner.stop()
    assert dict(os.environ) == before


# -- through the fixture: the fake is active before the test body runs -----------------------


def aws_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


@pytest.fixture
def environment_before(home: Home) -> dict[str, str]:
    """The AWS variables before the ``campaigns_fake`` fixture (requested after it) starts."""
    return aws_environment()


@pytest.mark.campaigns_fake(region="eu-west-2")
def test_a_bare_client_in_a_test_gets_the_fakes_region(
    home: Home, environment_before: dict[str, str], campaigns_fake: CampaignsFake
) -> None:
    c = list_with_a_new_client()
    assert c.meta.region_name == "eu-west-2"
    assert campaigns_fake.calls.last.region == "eu-west-2"
    assert aws_environment() != environment_before
    assert not home.marker.exists()


@pytest.mark.campaigns_fake(isolate_environment=False)
def test_the_marker_reaches_isolate_environment(
    home: Home, environment_before: dict[str, str], campaigns_fake: CampaignsFake
) -> None:
    assert not campaigns_fake.options.isolate_environment
    assert aws_environment() == environment_before


# -- boto3's default session, and profiles hidden by the isolation ---------------------------


@pytest.fixture
def dev_profile(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second profile, with static keys and its own region, chosen by AWS_PROFILE."""
    for name in REMOVED:
        monkeypatch.delenv(name)
    home.config.write_text(
        home.config.read_text() + "[profile dev]\n"
        "aws_access_key_id = AKIADEVPROFILE000001\n"
        "aws_secret_access_key = dev-secret\n"
        "region = us-west-2\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "dev")


def test_leaving_a_fake_gives_boto3_its_own_default_session_back(dev_profile: None) -> None:
    mine = boto3.client("connectcampaigns")  # the user's default session, before any fake
    assert mine.meta.region_name == "us-west-2"
    users_session = boto3.DEFAULT_SESSION
    with mock_campaigns():
        inside = boto3.client("connectcampaigns")  # a default session in the fake's world
        assert inside.meta.region_name == "us-east-1"
        assert boto3.DEFAULT_SESSION is not users_session
    assert boto3.DEFAULT_SESSION is users_session
    after = boto3.client("connectcampaigns")
    assert after.meta.region_name == "us-west-2"
    assert after._request_signer._credentials.access_key == "AKIADEVPROFILE000001"


def test_a_default_session_first_made_inside_a_fake_does_not_outlive_it(
    dev_profile: None,
) -> None:
    assert boto3.DEFAULT_SESSION is None
    with mock_campaigns():
        boto3.client("connectcampaigns").list_campaigns()
    # Made after the fake: the user's profile, its region and keys; no ProfileNotFound.
    after = boto3.client("connectcampaigns")
    assert after.meta.region_name == "us-west-2"
    assert after._request_signer._credentials.access_key == "AKIADEVPROFILE000001"


def test_a_profile_hidden_by_the_isolation_says_so_and_how_to_turn_it_off(
    dev_profile: None,
) -> None:
    from botocore.exceptions import ProfileNotFound

    with mock_campaigns(), pytest.raises(ProfileNotFound) as caught:
        boto3.session.Session(profile_name="dev").client("connectcampaigns")
    message = str(caught.value)
    assert message.startswith("The config profile (dev) could not be found: ")
    assert "the environment is isolated" in message
    assert "isolate_environment=False" in message
    # Outside a fake, botocore's own message, and the profile is found again.
    with pytest.raises(ProfileNotFound, match=r"^The config profile \(nope\) could not be found$"):
        boto3.session.Session(profile_name="nope")
    assert boto3.session.Session(profile_name="dev").region_name == "us-west-2"


def test_without_isolation_profiles_are_found_inside_the_fake(dev_profile: None) -> None:
    with mock_campaigns(isolate_environment=False) as fake:
        client = boto3.session.Session(profile_name="dev").client("connectcampaigns")
        client.list_campaigns()
        assert fake.calls.last.region == "us-west-2"
