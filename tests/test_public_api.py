"""The public surface: small, explicit, documented, and typed for the user's checker."""

from __future__ import annotations

import inspect
import pydoc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pytest_campaigns_fake

ROOT = Path(__file__).resolve().parent.parent


def _public_members(obj: object) -> list[tuple[str, object]]:
    members: list[tuple[str, object]] = []
    for name, member in vars(obj).items():
        if name.startswith("_"):
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if inspect.isfunction(member) or isinstance(member, property):
            members.append((name, member))
    return members


@pytest.mark.parametrize("name", pytest_campaigns_fake.__all__)
def test_every_public_name_and_member_has_a_docstring(name: str) -> None:
    obj = getattr(pytest_campaigns_fake, name)
    assert inspect.getdoc(obj), f"{name} has no docstring"
    if inspect.isclass(obj):
        missing = [m for m, member in _public_members(obj) if not inspect.getdoc(member)]
        assert missing == [], f"{name} members without a docstring: {missing}"


def test_help_tells_a_newcomer_where_to_start() -> None:
    text = pydoc.render_doc(pytest_campaigns_fake, renderer=pydoc.plaintext)  # type: ignore[attr-defined]  # not in typeshed
    for needed in ("campaigns_fake", "mock_campaigns", "CampaignsFake", "calls", "FakeUsageError"):
        assert needed in text


@pytest.mark.parametrize(
    ("owner", "name"),
    [("CampaignsFake", "handle"), ("Campaign", "seq"), ("Campaign", "tokens")],
)
def test_internal_members_are_private(owner: str, name: str) -> None:
    cls = getattr(pytest_campaigns_fake, owner)
    assert not hasattr(cls, name)


def test_the_usage_error_shows_where_users_import_it() -> None:
    error = pytest_campaigns_fake.FakeUsageError
    assert f"{error.__module__}.{error.__qualname__}" == "pytest_campaigns_fake.FakeUsageError"


def test_the_license_pyproject_declares_is_there() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "MIT"' in pyproject and 'license-files = ["LICENSE"]' in pyproject


@pytest.mark.skipif(sys.version_info < (3, 10), reason="the mypy gate runs on the CI Python")
def test_a_type_checker_sees_the_fake_in_with_mock_campaigns(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    sample = tmp_path / "sample.py"
    sample.write_text(
        textwrap.dedent(
            """
            from typing_extensions import assert_type
            from pytest_campaigns_fake import CampaignsFake, Rule, mock_campaigns

            with mock_campaigns() as fake:
                assert_type(fake, CampaignsFake)
                assert_type(fake.inject_error(None, "ThrottlingException"), Rule)
            with mock_campaigns(seed=1) as other:
                assert_type(other, CampaignsFake)
            """
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(sample)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_are_typed() -> None:
    from pytest_campaigns_fake import CampaignsFake, ErrorRule, ItemRule, ThrottleRule

    fake = CampaignsFake(strict=False)
    rules = [
        fake.inject_error("DescribeCampaign", "AccessDeniedException"),
        fake.throttle("ListCampaigns"),
        fake.fail_dial_requests("RequestThrottled"),
        fake.fail_campaign_state("c1"),
    ]
    assert [type(rule) for rule in rules] == [ErrorRule, ThrottleRule, ItemRule, ItemRule]
    assert not hasattr(rules[0], "kind")
