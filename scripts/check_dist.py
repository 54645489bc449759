"""Build the sdist and the wheel, check them, and run README's first test against the wheel.

    python scripts/check_dist.py [--outdir dist]

What a user who gets the wheel would do, in order, each step failing loudly:

1. ``python -m build``: the sdist and the wheel, into ``--outdir`` (emptied first);
2. ``twine check --strict``: the metadata and the README render for a package index;
3. a clean virtualenv (no packages of this interpreter), where pip installs the wheel and
   boto3 with their dependencies from the package index, as a user's ``pip install`` would;
4. README's "A first test" code block, written to an empty directory outside the checkout and
   run with that virtualenv's pytest: every test must pass, with the plugin imported from the
   virtualenv, not from the source tree.

CI runs it (.ci/run). The suite's own wheel test (tests/test_quality.py) runs the same README
test offline, against the packages of the interpreter running the suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The plugin must come from the virtualenv: a conftest.py next to the README test checks it.
FROM_THE_WHEEL = """
import sys

import pytest_campaigns_fake


def pytest_sessionstart(session):
    where = pytest_campaigns_fake.__file__
    assert where.startswith(sys.prefix), f"pytest_campaigns_fake imported from {where}"
"""


def readme_first_test(readme: Path = ROOT / "README.md") -> str:
    """The first ``python`` block after README's "## A first test" heading."""
    text = readme.read_text(encoding="utf-8")
    section = text[text.index("## A first test") :]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    if found is None:
        raise SystemExit('README.md has no python block under "## A first test"')
    return found.group(1)


def run(*args: str | Path, cwd: Path = ROOT) -> str:
    print("+", " ".join(str(a) for a in args), flush=True)
    # Without PYTHONPATH: the clean venv must import the plugin from the wheel, not a checkout.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--outdir", type=Path, default=ROOT / "dist")
    outdir = arguments.parse_args().outdir.resolve()
    shutil.rmtree(outdir, ignore_errors=True)
    run(sys.executable, "-m", "build", "--outdir", outdir, ROOT)
    files = sorted(outdir.iterdir())
    wheels = [f for f in files if f.suffix == ".whl"]
    if len(wheels) != 1 or not any(f.name.endswith(".tar.gz") for f in files):
        raise SystemExit(f"expected one wheel and one sdist in {outdir}: {files}")
    run(sys.executable, "-m", "twine", "check", "--strict", *files)
    with tempfile.TemporaryDirectory(prefix="check-dist-") as scratch:
        env = Path(scratch) / "venv"
        venv.create(env, with_pip=True, clear=True)
        python = env / "bin" / "python"
        run(python, "-m", "pip", "install", "-q", wheels[0], "boto3")
        work = Path(scratch) / "project"
        work.mkdir()
        (work / "conftest.py").write_text(FROM_THE_WHEEL, encoding="utf-8")
        (work / "test_first.py").write_text(readme_first_test(), encoding="utf-8")
        output = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=work)
    print(output.strip().splitlines()[-1])
    if " passed" not in output or "failed" in output or "error" in output:
        raise SystemExit(f"README's first test did not pass against the wheel:\n{output}")


if __name__ == "__main__":
    main()
