"""The pytest plugin: fixtures, the ``campaigns_fake`` marker, ini options, the report section.

Registered through the ``pytest11`` entry point; nothing here knows how requests work.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, Literal, cast

import pytest

from . import _fake, _mock
from ._fake import CampaignsFake
from ._options import Options
from .engine._faults import describe_rules
from .engine._journal import Call, Calls
from .interception import _intercept
from .interception._intercept import DUMMY_ACCESS_KEY, DUMMY_CREDENTIALS
from .suite import _chaos, _coverage, _record, _target

if TYPE_CHECKING:
    from .server._server import CampaignsServer


@dataclasses.dataclass
class _Watched:
    """A fake a test used, and how many calls it had answered when the test began to use it:
    a fake started before the test (a session-, module- or class-scoped fixture, a
    ``mock_campaigns`` in a conftest) is reported with the calls of this test alone."""

    fake: CampaignsFake
    before: int
    # The last call made before: if it is no longer where it was, reset() emptied the journal
    # during the test, and every call in it is this test's.
    last: Call | None

    @classmethod
    def now(cls, fake: CampaignsFake) -> _Watched:
        calls = fake.calls
        before = len(calls)
        return cls(fake, before, calls[before - 1] if before else None)

    def calls(self) -> tuple[Calls, int]:
        """This test's calls, and how many calls of the fake came before them."""
        calls = self.fake.calls
        before = self.before
        if before and len(calls) >= before and calls[before - 1] is self.last:
            return calls[before:], before
        return calls[0:], 0


# Every fake a test used (active when it began, or started during it), in order.
_FAKES_KEY = pytest.StashKey[list[_Watched]]()
# Whether a report of this test already showed the calls (shown once, at the first failure).
_SHOWN_KEY = pytest.StashKey[bool]()
_REPORTS_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()
_OPTIONS = Options.names()
# The run-wide features, each in a module of its own that registers its options and, when asked
# for, a plugin object of its own: this module only hands them pytest's two calls.
_FEATURES = (_target, _record, _chaos, _coverage)


def pytest_addoption(parser: pytest.Parser) -> None:
    # One ini option per option of the fake, named and documented by Options itself. A bool
    # is pytest's "bool" (TOML's true/false; true/false/yes/no/1/0 in an ini file); the others
    # are read as text, or as TOML's number (_ini_value), and parsed by Options.parse.
    for option in dataclasses.fields(Options):
        # A variable of a Literal type, not the expression in the call: pytest 9.2 annotates
        # addini's type with a TypeForm, where mypy takes a bare string for an annotation.
        kind: Literal["bool", "string"] = "bool" if option.type == "bool" else "string"
        parser.addini(
            f"campaigns_fake_{option.name}",
            f"campaigns_fake: {option.metadata['help']} (default {option.default!r})",
            type=kind,
            default=None,
        )
    for feature in _FEATURES:
        feature.addoption(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"campaigns_fake(**options): options of the campaigns_fake fixture ({', '.join(_OPTIONS)})",
    )
    for feature in _FEATURES:
        feature.configure(config)


def _ini_value(config: pytest.Config, key: str) -> object:
    """An ini option's value as pytest reads it; None when the file does not set it."""
    try:
        value = config.getini(key)
    except (TypeError, ValueError, pytest.UsageError) as error:
        # pytest 9 reads a TOML table ([tool.pytest] in pyproject.toml, [pytest] in
        # pytest.toml) with TOML's own types, and refuses a number (or a "false" string for a
        # bool) where the option was registered as text (TypeError; pytest 9.2: UsageError):
        # read from the file, it is parsed as any other value. Otherwise it is pytest's own
        # parsing of an ini file's bool that failed (ValueError; pytest 9.2: UsageError).
        try:
            value = _toml_value(config, key)
        except (KeyError, OSError, ValueError):
            raise ValueError(f"{key} must be true or false: {error}") from None
    # Unset: None, or what older pytest releases give for default=None ("" or []).
    return None if value in (None, "", []) else value


def _toml_value(config: pytest.Config, key: str) -> object:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pytest needs tomli on these
        import tomli as tomllib

    path = config.inipath
    if path is None or path.suffix != ".toml":
        raise KeyError(key)  # not a TOML file: no typed value to read
    with open(path, "rb") as file:
        data = tomllib.load(file)
    # As pytest reads them: [pytest] in pytest.toml, [tool.pytest] in any other TOML file.
    table = data if path.name in ("pytest.toml", ".pytest.toml") else data.get("tool", {})
    return table.get("pytest", {})[key]


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name in _OPTIONS:
        value = _ini_value(request.config, f"campaigns_fake_{name}")
        if value is not None:
            options[name] = Options.parse(name, value)
    marker = request.node.get_closest_marker("campaigns_fake")
    if marker is not None:
        if marker.args:
            raise TypeError("@pytest.mark.campaigns_fake takes keyword options only")
        Options.build("@pytest.mark.campaigns_fake", marker.kwargs)
        options.update(marker.kwargs)
    return options


@pytest.fixture
def campaigns_fake(request: pytest.FixtureRequest) -> Iterator[CampaignsFake]:
    """An active connectcampaigns fake with fresh state for this test (against a server or
    AWS, ``--campaigns-target``: the object that drives the server's control plane, or skips
    the test at a fake-only control)."""
    __tracebackhide__ = True
    if _target.remote(request.config):

        def passed() -> bool:
            call = request.node.stash.get(_REPORTS_KEY, {}).get("call")
            return call is not None and call.passed

        # The suite's ini defaults a server or AWS honours (the others configure a fake in
        # this process): the clients' region, strictness.
        defaults = {
            name: Options.parse(name, value)
            for name in ("region", "strict")
            if (value := _ini_value(request.config, f"campaigns_fake_{name}")) is not None
        }
        with _target.remote_fake(request, passed, defaults) as remote:
            yield remote
        return
    fake = CampaignsFake(**_options(request))
    fake._owner = _fake.FIXTURE
    fake.start()
    try:
        yield fake
    except BaseException:
        fake.stop()
        raise
    call = request.node.stash.get(_REPORTS_KEY, {}).get("call")
    # Not reset: the report section of a failure in a later teardown still shows its calls.
    fake.stop(verify=call is not None and call.passed)


@pytest.fixture
def campaigns_server(request: pytest.FixtureRequest) -> Iterator[CampaignsServer]:
    """The fake served over HTTP on a free loopback port, for what runs in a subprocess (the
    AWS CLI, a Node script): ``.url``, ``.env`` (endpoint URLs, dummy credentials, region) and
    ``.fake`` (seed, inject faults and read the journal as in process). Options as for
    ``campaigns_fake`` (marker, ini); nothing is intercepted in this process."""
    __tracebackhide__ = True
    from .server._http import MissingExtra, require
    from .server._server import CampaignsServer

    missing = None
    try:
        require()
    except MissingExtra as error:
        missing = str(error)
    if missing is not None:  # outside the except: the report shows this message alone
        pytest.fail(f"campaigns_server: {missing}", pytrace=False)
    options = {"any_region": True, **_options(request)}
    fake = CampaignsFake(**options)
    fake._owner = "the campaigns_server fixture"
    for note in list(_fake._on_start):
        note(fake)
    server = CampaignsServer(fake).start()
    try:
        yield server
    finally:
        server.stop()
    call = request.node.stash.get(_REPORTS_KEY, {}).get("call")
    if fake.strict and call is not None and call.passed:
        fake.verify()


@pytest.fixture(scope="session")
def _campaigns_clients() -> dict[str, Any]:
    return {}


@pytest.fixture
def campaigns_client(
    request: pytest.FixtureRequest,
    campaigns_fake: CampaignsFake,
    _campaigns_clients: dict[str, Any],
) -> Any:
    """A boto3 ``connectcampaigns`` client answered by ``campaigns_fake``.

    Clients are made once per region and session: every fake answers every client, so a test
    pays nothing for its client.
    """
    if _target.remote(request.config):
        # The target's own client (endpoint, keys): made per test, as the keys are the test's.
        return _target.connection_of(campaigns_fake).client("connectcampaigns")
    region = campaigns_fake.region
    client = _campaigns_clients.get(region)
    if client is None:
        client = _campaigns_clients[region] = _new_client(region)
    return client


def _new_client(region: str) -> Any:
    options = {
        "region_name": region,
        "aws_access_key_id": DUMMY_ACCESS_KEY,
        "aws_secret_access_key": DUMMY_CREDENTIALS.secret_key,
    }
    try:
        import boto3
    except ImportError:  # botocore alone makes the same client
        import botocore.session

        return botocore.session.Session().create_client("connectcampaigns", **options)
    return boto3.session.Session().client("connectcampaigns", **options)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # The fakes already active (outermost first) answer this test's calls too.
    seen = [_Watched.now(cast(CampaignsFake, fake)) for fake in list(_intercept._active)]
    item.stash[_FAKES_KEY] = seen

    def note(fake: CampaignsFake) -> None:
        if all(watched.fake is not fake for watched in seen):
            seen.append(_Watched.now(fake))

    def failed() -> bool:
        call = item.stash.get(_REPORTS_KEY, {}).get("call")
        return call is not None and call.failed

    _fake._on_start.append(note)
    _mock.test_failed = failed
    try:
        return (yield)
    finally:
        _mock.test_failed = _mock._no_test_failed
        _fake._on_start.remove(note)
        # The fakes (and their journals) are released with the test, not with the session.
        seen.clear()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS_KEY, {})[report.when] = report
    fakes = item.stash.get(_FAKES_KEY, [])
    if not (fakes and report.failed) or item.stash.get(_SHOWN_KEY, False):
        return report
    item.stash[_SHOWN_KEY] = True
    # Faults the failure's own message already lists (the strict check's) are not repeated.
    error = str(call.excinfo.value) if call.excinfo is not None else ""
    for watched in fakes:
        fake = watched.fake
        calls, before = watched.calls()
        text = calls.describe() if len(calls) else "  (no connectcampaigns calls)"
        if before:
            text += f"\n  (and {before} earlier call(s), before this test, not shown)"
        unused = fake.unused_faults
        unused = [rule for rule in unused if rule.describe() not in error]
        if unused:
            text += "\nfaults set up and not fired:\n" + describe_rules(unused)
        limits = fake._rate_limits()
        if limits:
            text += "\nrate limits set up:\n" + describe_rules(limits)
        title = "connectcampaigns calls"
        if len(fakes) > 1:
            title += f" of {fake._owner or 'a CampaignsFake'}"
        if report.when != "call":
            title += f" ({report.when})"
        report.sections.append((title, text))
    return report
