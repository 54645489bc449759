"""The documentation stays true: generated pages are fresh, examples run, model claims hold.

* ``docs/coverage.md`` is generated from the installed botocore models (v1 and v2) by
  ``scripts/gen_coverage.py``; ``--check`` fails when it is stale. The page records the
  botocore version it came from; under another botocore the freshness test is skipped.
* Every ``python`` code block of the guide pages runs, each as its own test module in an
  isolated pytest session (``pytester``) with the plugin active: test functions must pass and
  module-level code must not raise. A block right after ``<!-- docs-test: skip -->`` is left
  out; blocks that need an optional package (moto, aiobotocore, aioboto3, pytest-asyncio,
  anyio) run only where it is installed.
* The model facts the "Reference vs model" page relies on still hold for the installed model.
* With mkdocs installed, the site builds with ``--strict``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import botocore
import botocore.session
import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SKIP_MARK = "<!-- docs-test: skip -->"
# Where docs/coverage.md records the botocore it was generated from.
COVERAGE_VERSION = re.compile(r"<!-- generated-from: botocore (\S+) -->")
# The pages whose examples this suite runs (fidelity.md and performance.md have owners and
# conventions of their own; coverage.md is generated; api.md is rendered from docstrings).
GUIDE_PAGES = (
    "index.md",
    "pytest.md",
    "unittest.md",
    "seeding.md",
    "faults.md",
    "onboarding.md",
    "time.md",
    "journal.md",
    "moto.md",
    "async.md",
    "v2.md",
    "server.md",
    "api.md",
)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[ \t]*$")
# Blocks that need an optional package run only where it is installed (CI has venvs with).
NEEDS = {
    "moto": "moto",
    "aiobotocore": "aiobotocore",
    "aioboto3": "aioboto3",
    "pytest.mark.asyncio": "pytest_asyncio",
    "pytest.mark.anyio": "anyio",
}


def runnable(source: str) -> bool:
    return all(
        importlib.util.find_spec(module) is not None
        for needle, module in NEEDS.items()
        if needle in source
    )


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(first line number, dedented source) of each ``python`` block not marked to skip."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, lang = opening.group("indent"), opening.group("lang")
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != f"{indent}```":
            end += 1
        previous = next((line.strip() for line in reversed(lines[:i]) if line.strip()), "")
        if lang == "python" and previous != SKIP_MARK:
            body = textwrap.dedent("\n".join(lines[i + 1 : end]))
            blocks.append((i + 2, body + "\n"))
        i = end + 1
    return blocks


def coverage_check(page: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``gen_coverage.py --check``, of docs/coverage.md or of ``page``."""
    output = [] if page is None else ["--output", str(page)]
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_coverage.py"), "--check", *output],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_coverage_page_is_fresh() -> None:
    # The page is true of the botocore it was generated from (the v2 model changes between
    # releases): under another botocore it cannot match, and nothing is wrong with it.
    found = COVERAGE_VERSION.search((DOCS / "coverage.md").read_text(encoding="utf-8"))
    recorded, installed = (found.group(1) if found else None), botocore.__version__
    if recorded is not None and recorded != installed:
        pytest.skip(
            f"docs/coverage.md was generated from botocore {recorded}; botocore {installed} "
            "is installed, whose models may differ"
        )
    result = coverage_check()
    assert result.returncode == 0, result.stderr + result.stdout


def test_coverage_check_fails_on_a_stale_page(tmp_path: Path) -> None:
    stale = tmp_path / "coverage.md"
    stale.write_text("# Coverage\n\nout of date\n", encoding="utf-8")
    result = coverage_check(stale)
    assert result.returncode == 1
    assert "is stale" in result.stderr and "gen_coverage.py" in result.stderr
    # A page generated here, with the installed botocore, is fresh; one changed cell or another
    # recorded botocore version makes it stale (whichever botocore is installed).
    fresh = tmp_path / "fresh.md"
    script = str(ROOT / "scripts" / "gen_coverage.py")
    subprocess.run(
        [sys.executable, script, "--output", str(fresh)], capture_output=True, cwd=ROOT, check=True
    )
    page = fresh.read_text(encoding="utf-8")
    found = COVERAGE_VERSION.search(page)
    assert found is not None and found.group(1) == botocore.__version__
    assert "## connectcampaigns (v1)" in page and "## connectcampaignsv2 (v2)" in page
    assert coverage_check(fresh).returncode == 0
    stale.write_text(page.replace(" | yes |", " | **no** |", 1), encoding="utf-8")
    result = coverage_check(stale)
    assert result.returncode == 1 and "is stale" in result.stderr
    other = page.replace(found.group(0), "<!-- generated-from: botocore 0.0.1 -->")
    stale.write_text(other, encoding="utf-8")
    result = coverage_check(stale)
    assert result.returncode == 1 and "is stale" in result.stderr
    assert f"generated from botocore 0.0.1; botocore {botocore.__version__}" in result.stderr


@pytest.mark.parametrize("page", GUIDE_PAGES)
def test_examples_run(page: str, pytester: pytest.Pytester) -> None:
    blocks = [(line, src) for line, src in python_blocks(DOCS / page) if runnable(src)]
    if not blocks:
        pytest.skip(f"no runnable python example in {page}")
    stem = page.removesuffix(".md").replace("-", "_")
    files = {f"test_doc_{stem}_line{line}": source for line, source in blocks}
    pytester.makepyfile(**files)
    # No example uses hypothesis (whose plugin costs seconds per in-process session) or
    # pytest-benchmark (which warns in every session under xdist).
    result = pytester.runpytest(
        "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark"
    )
    outcomes = result.parseoutcomes() if result.ret != pytest.ExitCode.NO_TESTS_COLLECTED else {}
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED), (
        f"examples of docs/{page} failed (modules are named after the block's line):\n"
        + str(result.stdout)
    )
    assert not outcomes.get("failed") and not outcomes.get("errors")


def test_example_extraction_honours_the_skip_mark(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n\n"
        f"{SKIP_MARK}\n\n```python\nraise SystemExit\n```\n\n"
        '=== "tab"\n\n    ```python\n    y = 2\n    ```\n\n'
        "```toml\nz = 3\n```\n",
        encoding="utf-8",
    )
    assert python_blocks(page) == [(2, "x = 1\n"), (14, "y = 2\n")]


def test_reference_differences_page_matches_the_model() -> None:
    """The installed model still says what docs/reference-differences.md says it says."""
    service = botocore.session.Session().get_service_model("connectcampaigns")
    text = (DOCS / "reference-differences.md").read_text(encoding="utf-8")
    assert len(service.operation_names) == 22
    for name in service.operation_names:
        errors = {shape.name for shape in service.operation_model(name).error_shapes}
        assert "InternalServerException" in errors
        assert not errors & {"InternalServerErrorException", "InternalServerError"}
    for name in ("GetCampaignState", "StartCampaign", "PauseCampaign", "ResumeCampaign"):
        errors = {shape.name for shape in service.operation_model(name).error_shapes}
        assert "ValidationException" in errors
    shape = service.shape_for
    assert shape("ClientToken").metadata["max"] == 200
    assert shape("TagKey").metadata["pattern"] == "(?!aws:)[a-zA-Z+-=._:/]+"
    assert shape("OutboundCallConfig").required_members == ["connectContactFlowId"]
    dialer = shape("DialerConfig")
    assert dialer.metadata.get("union") and "agentlessDialerConfig" in dialer.members
    assert "dialingCapacity" in shape("ProgressiveDialerConfig").members
    assert "awaitAnswerMachinePrompt" in shape("AnswerMachineDetectionConfig").members
    assert shape("TimeStamp").serialization.get("timestampFormat") == "iso8601"
    assert shape("CampaignId").metadata["pattern"] == "[\\S]*"
    assert shape("InstanceId").metadata["pattern"] == "[a-zA-Z0-9_\\-.]*"
    for quoted in ("`(?!aws:)[a-zA-Z+-=._:/]+`", "`[\\S]*`", "`[a-zA-Z0-9_\\-.]*`"):
        assert quoted in text


def test_site_builds_strictly(tmp_path: Path) -> None:
    for module in ("mkdocs", "material", "mkdocstrings_handlers"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} missing: pip install mkdocs-material mkdocstrings-python")
    for page in ("fidelity.md", "performance.md"):
        if not (DOCS / page).exists():
            pytest.skip(f"docs/{page} is not written yet")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
