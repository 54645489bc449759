"""The typed entry points, as a user's type checker sees them: ``mypy --strict`` on a small
user file keeps a decorated function's signature, types ``mock_campaigns``'s options, gives a
decorated TestCase its fake, and catches the mistakes that would otherwise fail at run time."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
import textwrap
import unittest
from pathlib import Path

import pytest

from pytest_campaigns_fake import Options
from pytest_campaigns_fake._options import OptionKeywords

ROOT = Path(__file__).resolve().parent.parent

# A user's file. Each line marked `# error: <code>` must be reported by mypy, with that error
# code, and nothing else may be.
USER_FILE = """\
from __future__ import annotations

import asyncio
import unittest
from collections.abc import Iterator

import pytest

from pytest_campaigns_fake import CampaignsFake, current, mock_campaigns


@mock_campaigns(seed=1, region="eu-west-2", onboarding_polls=None)
def helper(name: str, count: int) -> list[str]:
    return [name] * count


@mock_campaigns
async def fetch(n: int) -> int:
    return n


@pytest.fixture
@mock_campaigns(require_onboarding=False)
def seeded() -> Iterator[CampaignsFake]:
    fake = current()
    assert fake is not None
    yield fake


@mock_campaigns(strict=False)
class ReminderTests(unittest.TestCase):
    campaigns_fake: CampaignsFake  # set by mock_campaigns for each test

    def test_it(self) -> None:
        self.campaigns_fake.add_instance("instance-1")


def uses() -> None:
    names: list[str] = helper("x", 2)
    number: int = asyncio.run(fetch(3))
    with mock_campaigns(strict=False, any_region=True) as fake:
        fake.add_instance("instance-1")
    assert names and number


helper("x", "2")  # error: arg-type
helper("x")  # error: call-arg
asyncio.run(fetch("3"))  # error: arg-type
mock_campaigns(regoin="eu-west-2")  # error: call-overload
mock_campaigns(strict="no")  # error: call-overload
mock_campaigns(seed=1.5)  # error: call-overload
"""


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    # The package under test first (not the one installed), read as a user's mypy reads an
    # installed package: its own modules' findings silenced, its types used.
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--follow-imports=silent",
            "--no-incremental",
            "--show-error-codes",
            "--no-error-summary",
            path.name,
        ],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(
    sys.version_info < (3, 10),
    reason="typed on the CI Python: the mypy and typeshed releases that still run on 3.9 differ",
)
def test_mypy_strict_on_a_user_file_catches_misspelt_options_and_wrong_arguments(
    tmp_path: Path,
) -> None:
    pytest.importorskip("mypy")
    path = tmp_path / "test_user.py"
    path.write_text(USER_FILE, encoding="utf-8")
    result = _mypy(path)
    reported = {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"^test_user\.py:(\d+): error: .*\[([\w-]+)\]$", result.stdout, re.M)
    }
    expected = {
        number: m.group(1)
        for number, line in enumerate(USER_FILE.splitlines(), 1)
        if (m := re.search(r"# error: ([\w-]+)$", line))
    }
    assert reported == expected, result.stdout + result.stderr
    # The misspelt option is named, with what was meant.
    assert 'Unexpected keyword argument "regoin"' in result.stdout, result.stdout


def test_the_typed_keywords_are_the_options() -> None:
    # OptionKeywords types mock_campaigns(**options) for type checkers; Options is the one
    # definition of the options: the two must agree, name for name and type for type.
    keywords = {
        name: getattr(kind, "__forward_arg__", kind)
        for name, kind in OptionKeywords.__annotations__.items()
    }
    fields = {field.name: str(field.type) for field in dataclasses.fields(Options)}
    assert keywords == fields
    assert OptionKeywords.__total__ is False  # every option is optional


def test_the_users_file_runs(tmp_path: Path) -> None:
    # What the user's file does, less its mistakes, runs: the types describe real behaviour.
    source = "\n".join(line for line in USER_FILE.splitlines() if "# error:" not in line)
    namespace: dict[str, object] = {"__name__": "user"}
    exec(compile(textwrap.dedent(source), "test_user.py", "exec"), namespace)
    uses = namespace["uses"]
    assert callable(uses)
    uses()
    tests = namespace["ReminderTests"]
    assert isinstance(tests, type) and issubclass(tests, unittest.TestCase)
    result = unittest.TextTestRunner(stream=io.StringIO()).run(tests("test_it"))
    assert result.wasSuccessful()
