"""Quality gates run with the suite: lint, format, strict typing, and a wheel that works.

Each gate runs the real tool in a subprocess; a gate whose tool is not installed is skipped
(the README's test command installs them all through the `test` extra).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)


def run_clean(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``run`` without PYTHONPATH: a venv's python sees its own packages, not this checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def needs(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
    ],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff(command: tuple[str, ...]) -> None:
    needs("ruff")
    result = run(sys.executable, "-m", *command)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    sys.version_info < (3, 10),
    reason="typed on the CI Python: the mypy and typeshed releases that still run on 3.9 differ",
)
def test_mypy_strict_on_the_package() -> None:
    needs("mypy")
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    needs("build")
    out = tmp_path_factory.mktemp("dist")
    result = run(sys.executable, "-m", "build", "--outdir", str(out), str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_wheel_and_sdist_pass_twine_check(dist: Path) -> None:
    needs("twine")
    files = sorted(str(p) for p in dist.iterdir())
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    result = run(sys.executable, "-m", "twine", "check", "--strict", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_wheel_ships_the_typing_marker_and_the_entry_point(dist: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "pytest_campaigns_fake/py.typed" in names
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        text = archive.read(entry_points).decode()
    assert "[pytest11]" in text
    assert "campaigns_fake = pytest_campaigns_fake.plugin" in text


def check_dist() -> Any:
    """scripts/check_dist.py, whose README test and wheel check the CI runs too."""
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / "scripts" / "check_dist.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_wheel_metadata_is_release_ready(dist: Path) -> None:
    import pytest_campaigns_fake

    wheel = next(dist.glob("*.whl"))
    # One source for the version: the package's __version__ (pyproject's dynamic version).
    assert wheel.name.startswith(f"pytest_campaigns_fake-{pytest_campaigns_fake.__version__}-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    headers = metadata.decode().partition("\n\n")[0].splitlines()
    assert "License-Expression: MIT" in headers
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(h.startswith("Classifier: License ::") for h in headers)
    for classifier in ("Framework :: Pytest", "Typing :: Typed", "Development Status :: "):
        assert any(h.startswith(f"Classifier: {classifier}") for h in headers), classifier
    assert any(h.startswith("Author") for h in headers)
    assert "Provides-Extra: async" in headers and "Provides-Extra: test-async" in headers


def test_wheel_installs_and_works_in_a_fresh_venv(dist: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # The venv borrows this interpreter's packages (botocore, boto3, pytest: the network may be
    # absent) through a plain path entry, after its own site-packages, so the project itself
    # comes from the wheel; a path entry, unlike a site dir, does not run the .pth hook of an
    # editable install found there.
    site = run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site.stdout.strip()) / "borrowed.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    wheel = next(dist.glob("*.whl"))
    install = run(
        str(python),
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--force-reinstall",
        str(wheel),
    )
    assert install.returncode == 0, install.stdout + install.stderr
    # README's first test, as a user would paste it, with a conftest.py that fails the session
    # unless the plugin comes from the wheel in this venv rather than from the source tree.
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "conftest.py").write_text(check_dist().FROM_THE_WHEEL)
    (tmp_path / "work" / "test_first.py").write_text(check_dist().readme_first_test())
    result = run_clean(
        str(python),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        cwd=tmp_path / "work",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout
