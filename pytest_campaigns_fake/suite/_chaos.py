"""--campaigns-chaos=SEED[:RATE]: reproducible transient faults in every test.

Each test gets a chaos of its own (``engine/_chaos.py``), made from the seed and the test's id
when its call phase starts, attached to every fake that answers it (those active then, and those
started meanwhile) and, against a server target, set on the server through its control plane.
What it injected is listed in a failing test's report with the command that replays the test
alone with the same faults.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from .. import _fake
from ..engine import _chaos
from ..engine._errors import FakeUsageError
from ..interception import _intercept
from . import _remote

OPTION = "--campaigns-chaos"
INI = "campaigns_chaos"
SECTION = "campaigns chaos"
# What turns chaos off on the command line when the ini file asks for it.
OFF = "off"
# The serve option's own environment variable: the token of a server that has one.
_TEST_KEY = pytest.StashKey["_TestChaos"]()


def addoption(parser: pytest.Parser) -> None:
    """Register this feature's command-line and ini options."""
    help = (
        "inject the transient faults the model lists (throttling, 5xx, transient per-item "
        "failures) into every test's requests at RATE (default "
        f"{_chaos.DEFAULT_RATE}), drawn from SEED and the test's id; '{OFF}' turns it off"
    )
    group = parser.getgroup("campaigns_fake", "pytest-campaigns-fake")
    group.addoption(OPTION, dest=INI, metavar="SEED[:RATE]", default=None, help=help)
    parser.addini(INI, f"{OPTION}'s value for every run: SEED[:RATE]", type="string", default=None)


def configure(config: pytest.Config) -> None:
    """Turn the feature on for this run when its option asks for it."""
    given, where = config.getoption(INI), OPTION
    if given is None:
        given, where = _ini(config), f"the ini option {INI}"
    if given is None or given.strip().lower() == OFF:
        return
    seed, rate = parse(given, where)
    target = _target(config)
    if target == "aws" and rate > 0:
        raise pytest.UsageError(
            f"{where}={given} against --campaigns-target=aws: chaos injects faults into a fake "
            "(in process or a server), and AWS takes no faults from a test. Drop the option "
            f"(or give {OPTION}={OFF}) for a run against AWS"
        )
    if rate == 0:
        return  # rate 0 changes nothing: nothing is attached anywhere
    server = target if target not in (None, "", "inprocess", "aws") else None
    config.pluginmanager.register(ChaosRun(seed, rate, server), "campaigns-chaos")


def parse(text: str, where: str = OPTION) -> tuple[str, float]:
    """``SEED[:RATE]`` as (seed, rate); UsageError naming what to write instead."""
    seed, colon, rate_text = text.strip().partition(":")
    rate: object = _chaos.DEFAULT_RATE
    if colon:
        try:
            rate = float(rate_text)
        except ValueError:
            rate = rate_text
    try:
        return _chaos.check(seed, rate)
    except (TypeError, ValueError) as error:
        raise pytest.UsageError(
            f"{where}={text!r}: {error}. Give SEED[:RATE], e.g. {OPTION}=7 (rate "
            f"{_chaos.DEFAULT_RATE}) or {OPTION}=nightly:0.25"
        ) from None


def _ini(config: pytest.Config) -> str | None:
    try:
        value = config.getini(INI)
    except (TypeError, ValueError, pytest.UsageError) as error:
        # pytest 9 reads a TOML file's values with TOML's types: a bare number is refused.
        raise pytest.UsageError(
            f"the ini option {INI} is text, SEED[:RATE]: in a TOML file quote it "
            f'({INI} = "7:0.2"); {error}'
        ) from None
    return None if value in (None, "", []) else str(value)


def _target(config: pytest.Config) -> str | None:
    """The run's --campaigns-target (registered by the target feature), None without one."""
    value = config.getoption("campaigns_target", None)
    if value is None:
        try:
            value = config.getini("campaigns_target")
        except (ValueError, TypeError, pytest.UsageError):
            value = None  # no such ini option (yet), or not a string
    text = str(value).strip() if value not in (None, "", []) else None
    # The two keywords in any case; a URL as given.
    return text.lower() if text is not None and text.lower() in ("aws", "inprocess") else text


def option(seed: str, rate: float) -> str:
    """The option that asks for this chaos again: ``--campaigns-chaos=SEED:RATE``."""
    return f"--campaigns-chaos={_chaos.describe_run(seed, rate)}"


def replay_command(nodeid: str, seed: str, rate: float) -> str:
    """The command that runs one test alone with the same chaos (the id single-quoted)."""
    quoted = "'" + nodeid.replace("'", "'\"'\"'") + "'"
    return f"pytest {quoted} {option(seed, rate)}"


class _TestChaos:
    """One test's chaos: the fakes it reaches, and what was injected into them."""

    def __init__(self, run: ChaosRun, nodeid: str) -> None:
        self.run = run
        self.nodeid = nodeid
        self.fakes: list[Any] = []
        self.chaos: _chaos.Chaos | None = None
        # Each attached engine and the chaos it consulted before (put back at the end).
        self._attached: list[tuple[Any, _chaos.Chaos | None]] = []
        self.server_injected: list[str] = []
        # Whether the server took this test's chaos (and so is to be asked to drop it).
        self.on_server = False
        self.shown = False

    def note(self, fake: Any) -> None:
        """A fake started during the test: reached by its chaos, at once when it runs."""
        if all(known is not fake for known in self.fakes):
            self.fakes.append(fake)
            if self.chaos is not None:
                self._attach(fake)

    def begin(self) -> None:
        run = self.run
        self.chaos = _chaos.Chaos(run.seed, run.rate, self.nodeid)
        for fake in list(_intercept._active):
            self.note(fake)
        for fake in self.fakes:
            self._attach(fake)
        if run.server is not None:
            body = {"seed": run.seed, "rate": run.rate, "test": self.nodeid}
            _control(run.server, "POST", body)
            self.on_server = True

    def end(self) -> None:
        for engine, before in reversed(self._attached):
            _chaos.attach(engine, before)
        self._attached.clear()
        if self.run.server is not None and self.on_server:
            self.on_server = False
            # Named: the server drops this test's chaos only, never another run's.
            answer = _control(self.run.server, "DELETE", {"test": self.nodeid})
            self.server_injected = [str(line) for line in answer.get("injected", [])]

    def _attach(self, fake: Any) -> None:
        engine = getattr(fake, "_engine", None)
        if engine is None or any(known is engine for known, _ in self._attached):
            return
        self._attached.append((engine, _chaos.attach(engine, self.chaos)))

    def describe(self) -> str:
        run = self.run
        injected = self.chaos.injected if self.chaos is not None else []
        lines = [f"  - {fault.describe()}" for fault in injected]
        lines += [f"  - {line} (server {run.server})" for line in self.server_injected]
        said = option(run.seed, run.rate)
        if lines:
            head = f"{said} injected {len(lines)} fault(s) into this test, in order:"
        else:
            head = f"{said} injected no fault into this test: the failure is not chaos's"
        return "\n".join(
            [
                head,
                *lines,
                "replay this test alone with the same faults (from the rootdir):",
                f"  {replay_command(self.nodeid, run.seed, run.rate)}",
            ]
        )


class ChaosRun:
    """The plugin object of a chaos run: each test's chaos, and its report section."""

    def __init__(self, seed: str, rate: float, server: str | None) -> None:
        self.seed = seed
        self.rate = rate
        self.server = server.rstrip("/") if server else None

    def pytest_report_header(self, config: pytest.Config) -> str:
        where = f" (set on the server {self.server})" if self.server else ""
        return (
            f"campaigns chaos: {option(self.seed, self.rate)}{where}; a failing test's "
            "report lists the faults injected and the command that replays it"
        )

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Any:
        test = item.stash[_TEST_KEY] = _TestChaos(self, item.nodeid)
        _fake._on_start.append(test.note)
        try:
            return (yield)
        finally:
            _fake._on_start.remove(test.note)
            test.fakes.clear()  # released with the test

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        # The call phase only: a fixture shared by several tests is set up by whichever runs
        # first (alone, in the run, on an xdist worker), so its requests must not draw.
        test = item.stash[_TEST_KEY]
        try:
            test.begin()
            return (yield)
        finally:
            test.end()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        test = item.stash.get(_TEST_KEY, None)
        if test is None or test.chaos is None or not report.failed or test.shown:
            return report
        test.shown = True
        report.sections.append((SECTION, test.describe()))
        return report


def _control(server: str, method: str, body: dict[str, Any]) -> dict[str, Any]:
    """One request to the server's chaos control; the test fails naming what went wrong."""
    __tracebackhide__ = True
    try:
        found: dict[str, Any] = _remote.ControlPlane.of(server).request(method, "chaos", body)
        return found
    except (FakeUsageError, ValueError, TypeError, KeyError, OSError) as error:
        problem = str(error)
    pytest.fail(
        f"{OPTION}: {method} {server}/_fake/chaos failed: {problem}. Chaos against a server is "
        f"set through its control plane (a token, if it has one, in "
        f"${_remote.TOKEN_VARIABLE})",
        pytrace=False,
    )
