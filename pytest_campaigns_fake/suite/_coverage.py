"""--campaigns-coverage[=FILE]: the outcomes the suite saw, and those it never saw.

Every call of a connectcampaigns or connectcampaignsv2 client during the run is counted
(``interception._observe``: whatever answers it, the fake in process, a server, AWS), and at
the end of the session a terminal section sets the outcomes seen beside the errors the
installed model lists (``_coverage_tally``); FILE gets the same as JSON. Under pytest-xdist
each worker hands its counts to the controller (``workeroutput``), which adds them up and
reports once.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from ..interception._observe import observe
from . import _coverage_tally
from ._coverage_tally import Tally

OPTION = "--campaigns-coverage"
INI = "campaigns_coverage"
# Where a worker puts its counts in ``config.workeroutput`` (plain data, as execnet carries).
WORKER_KEY = "campaigns_coverage"
TITLE = "campaigns coverage"
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


def addoption(parser: pytest.Parser) -> None:
    """Register this feature's command-line and ini options."""
    group = parser.getgroup("campaigns_fake", "campaigns fake")
    group.addoption(
        OPTION,
        dest="campaigns_coverage",
        action="store",
        nargs="?",
        const="",
        default=None,
        metavar="FILE",
        help="at the end of the run, list per operation of connectcampaigns(v2) the outcomes "
        "the suite saw and the errors the model lists that it never saw; with =FILE, write "
        "the same as JSON to FILE too",
    )
    parser.addini(
        INI,
        "campaigns coverage: true for the table at the end of the run, or a JSON file to write "
        "it to as well (relative to the ini file); the command line's option takes precedence",
        type="string",
        default=None,
    )


def configure(config: pytest.Config) -> None:
    """Turn the feature on for this run when its option asks for it."""
    on, file = _wanted(config)
    if not on:
        return
    if hasattr(config, "workerinput"):
        # An xdist worker counts its calls and hands them over; the controller, which read the
        # same options, has checked the file and writes the report.
        config.pluginmanager.register(_Coverage(None, worker=True), "campaigns-coverage")
        return
    file = None if file is None else _checked_file(file)
    config.pluginmanager.register(_Coverage(file, worker=False), "campaigns-coverage")


def _wanted(config: pytest.Config) -> tuple[bool, Path | None]:
    """Whether the run reports its coverage, and the JSON file it writes as well (if any)."""
    given: str | None = config.getoption("campaigns_coverage")
    if given is not None:  # the command line's option, bare (""), or =FILE
        return True, Path(config.invocation_params.dir, given) if given else None
    value = _ini(config)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        value = value.strip().lower() in _TRUE
    if isinstance(value, bool) or value is None:
        return bool(value), None
    if not isinstance(value, str):
        raise pytest.UsageError(
            f"{INI} must be true, false or the path of a JSON file to write, not {value!r}"
        )
    # Relative to the file that says it, as pytest reads the paths an ini file gives.
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return True, Path(base, value)


def _ini(config: pytest.Config) -> object:
    """The ini value as the file has it: a text, TOML's boolean, or None when unset."""
    try:
        value = config.getini(INI)
    except (TypeError, ValueError, pytest.UsageError) as error:
        # pytest 9 reads [pytest] of pytest.toml and [tool.pytest] of pyproject.toml with
        # TOML's own types, and refuses a boolean for a text option: read it from the file.
        value = _toml_value(config, error)
    # Unset: None, or what older pytest releases give for default=None ("" or []).
    return None if value in (None, "", []) else value


def _toml_value(config: pytest.Config, error: Exception) -> object:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pytest needs tomli on these
        import tomli as tomllib

    path = config.inipath
    try:
        assert path is not None
        with open(path, "rb") as file:
            data = tomllib.load(file)
        table = data if path.name in ("pytest.toml", ".pytest.toml") else data.get("tool", {})
        return table["pytest"][INI]
    except (AssertionError, KeyError, OSError, ValueError):
        raise pytest.UsageError(
            f"{INI} must be true, false or the path of a JSON file to write: {error}"
        ) from None


def _checked_file(path: Path) -> Path:
    """The file the JSON goes to, refused when writing it would destroy something: with
    ``nargs="?"``, ``--campaigns-coverage tests/`` takes the test path for FILE."""
    hint = (
        f"(to write the JSON, give {OPTION}=FILE a new path or a coverage file written before; "
        f"for the table only, put {OPTION} after the test paths or write {OPTION}=)"
    )
    if path.is_dir():
        raise pytest.UsageError(f"{OPTION}: {path} is a directory, not a file to write {hint}")
    if path.exists() and not _is_ours(path):
        raise pytest.UsageError(
            f"{OPTION}: {path} exists and is not a campaigns coverage file: refusing to "
            f"overwrite it {hint}"
        )
    return path


def _is_ours(path: Path) -> bool:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(document, dict) and document.get("format") == _coverage_tally.FORMAT


class _Coverage:
    """The feature's plugin object, registered for the run when it is asked for."""

    def __init__(self, file: Path | None, *, worker: bool) -> None:
        self.file = file
        self.worker = worker
        self.tally = Tally()
        self.lost_workers: list[str] = []
        self.document: dict[str, Any] | None = None
        self._stop = observe(_coverage_tally.SERVICES, self.tally.add)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        # An xdist worker finished (the controller only): its counts join ours. A worker that
        # crashed hands nothing, and the report says so rather than look complete.
        data = getattr(node, "workeroutput", {}).get(WORKER_KEY)
        if data is None:
            self.lost_workers.append(str(getattr(node.gateway, "id", node)))
        else:
            self.tally.merge(data)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # After every test and fixture teardown, session-scoped ones included.
        if self.worker:
            session.config.workeroutput[WORKER_KEY] = self.tally.data()  # type: ignore[attr-defined]
            return
        self.document = _coverage_tally.report(self.tally.data(), self.lost_workers)
        if self.file is not None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(self.document, indent=2) + "\n"
            # Written whole, then renamed: a reader (CI) never finds half a file.
            partial = self.file.with_name(self.file.name + ".partial")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, self.file)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.worker or self.document is None:
            return
        terminalreporter.write_sep("=", TITLE)
        # pytest has no public name for the width: its writer, as other plugins read it.
        width = int(getattr(getattr(terminalreporter, "_tw", None), "fullwidth", 100))
        for line in _coverage_tally.table(self.document, width=width - 4):
            terminalreporter.write_line(line)
        if self.file is not None:
            terminalreporter.write_line(f"written as JSON to {self.file}")

    def pytest_unconfigure(self) -> None:
        self._stop()
