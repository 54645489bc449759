"""The documentation stays true: generated pages are fresh, examples run, model claims hold.

* ``docs/coverage.md`` is generated from the installed botocore models (v1 and v2) by
  ``scripts/gen_coverage.py``; ``--check`` fails when it is stale. The page records the
  botocore version it came from; under another botocore the freshness test is skipped.
* Every page a user reads is covered: README.md and every page of docs/, found by glob.
* Every fenced block says what it is by its language, from a list this module knows: ``python``
  blocks run, each as its own test module in an isolated pytest session (``pytester``) with
  the plugin active and warnings as errors: test functions must pass and module-level code
  must not raise. ``toml``, ``yaml`` and ``json`` blocks are parsed (the ini options a toml
  block sets must exist); shell sessions, output and other languages are shown. Blocks that
  need an optional package (moto, aiobotocore, aioboto3, pytest-asyncio, anyio) run only where
  it is installed.
* The model facts the "Reference vs model" page relies on still hold for the installed model.
* With mkdocs installed, the site builds with ``--strict``.

The tables of options, fixtures, markers, flags and controls: tests/test_docs_tables.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import botocore
import botocore.session
import pytest
from support_docs import SKIP_MARK, fenced_blocks, python_blocks

from pytest_campaigns_fake import Options

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Where docs/coverage.md records the botocore it was generated from.
COVERAGE_VERSION = re.compile(r"<!-- generated-from: botocore (\S+) -->")
# Every page a user reads: README.md and each page of the site, found, not listed, so that a
# new page is covered the day it is written.
PAGES = (ROOT / "README.md", *sorted(DOCS.glob("*.md")))
# What each language of a fenced block is, and so what this suite does with it. A block in
# another language, or in none, fails test_every_block_says_what_it_is.
RUN = {"python"}  # runs, each block as a test module (test_examples_run)
PARSED = {"toml", "yaml", "json"}  # parsed (test_config_blocks_parse)
SHOWN = {
    "console",  # a shell session: `$ command` and its output
    "bash",  # commands (README's are the ones CI runs verbatim: tests/test_readme.py)
    "sh",  # a shell script, for a machine without Python
    "text",  # output, a report, a diagram
    "js",  # a JavaScript SDK example (needs Node and the AWS SDK)
}
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


def pages_with_examples() -> list[str]:
    return [page.name for page in PAGES if python_blocks(page)]


def page_path(name: str) -> Path:
    return ROOT / name if name == "README.md" else DOCS / name


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


@pytest.mark.parametrize("page", pages_with_examples())
def test_examples_run(page: str, pytester: pytest.Pytester) -> None:
    blocks = [(line, src) for line, src in python_blocks(page_path(page)) if runnable(src)]
    if not blocks:
        pytest.skip(f"no python example of {page} can run here (an optional package is missing)")
    stem = page.removesuffix(".md").replace("-", "_")
    files = {f"test_doc_{stem}_line{line}": source for line, source in blocks}
    pytester.makepyfile(**files)
    # Warnings are errors, as in a suite with `filterwarnings = error`: an example that uses a
    # deprecated name fails. No example uses hypothesis (whose plugin costs seconds per
    # in-process session) or pytest-benchmark (which warns in every session under xdist).
    # pytest-asyncio (in the async venvs) warns at configure time unless its loop scope is set:
    # an error under -W error before any example runs. Set only where it is installed: an
    # unknown ini option is itself a warning.
    asyncio_scope = (
        ["-o", "asyncio_default_fixture_loop_scope=function"]
        if importlib.util.find_spec("pytest_asyncio") is not None
        else []
    )
    result = pytester.runpytest(
        "-q",
        "-W",
        "error",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        "-p",
        "no:benchmark",
        *asyncio_scope,
    )
    outcomes = result.parseoutcomes() if result.ret != pytest.ExitCode.NO_TESTS_COLLECTED else {}
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED), (
        f"examples of {page} failed (modules are named after the block's line):\n"
        + str(result.stdout)
    )
    assert not outcomes.get("failed") and not outcomes.get("errors")


def test_every_block_says_what_it_is() -> None:
    unknown = [
        f"{page.relative_to(ROOT)}:{line - 1}: ```{lang}"
        for page in PAGES
        for line, lang, _, _ in fenced_blocks(page)
        if lang not in RUN | PARSED | SHOWN
    ]
    assert not unknown, (
        "fenced blocks in a language tests/test_docs.py does not know (python runs; "
        f"{', '.join(sorted(PARSED))} are parsed; {', '.join(sorted(SHOWN))} are shown); "
        "label each block with one of them:\n" + "\n".join(unknown)
    )


def test_skipped_python_blocks_still_compile() -> None:
    # A block marked `<!-- docs-test: skip -->` (one that cannot run as it stands) is still
    # Python a reader can paste: it must at least compile.
    for page in PAGES:
        for line, lang, previous, body in fenced_blocks(page):
            if lang == "python" and previous == SKIP_MARK:
                compile(body, f"{page.relative_to(ROOT)}:{line}", "exec")


def test_config_blocks_parse() -> None:
    ini_options = {f"campaigns_fake_{name}" for name in Options.names()}
    for page in PAGES:
        for line, lang, _, body in fenced_blocks(page):
            where = f"{page.relative_to(ROOT)}:{line - 1}"
            if lang == "json":
                json.loads(body)
            elif lang == "yaml" and importlib.util.find_spec("yaml") is not None:
                import yaml

                assert yaml.safe_load(body) is not None, where
            elif lang == "toml" and sys.version_info >= (3, 11):
                import tomllib

                data = tomllib.loads(body)
                ini = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
                ours = {key for key in ini if key.startswith("campaigns_fake")}
                assert ours <= ini_options, f"{where}: no such ini option: {ours - ini_options}"


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
        # Not -q: mkdocs counts strict mode's warnings from the log it prints, so a quiet
        # build passes with a broken link (seen: api.md linked an anchor seeding.md lost).
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
