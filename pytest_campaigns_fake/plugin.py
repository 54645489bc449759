"""The pytest plugin: fixtures, the ``campaigns_fake`` marker, ini options, the report section.

Registered through the ``pytest11`` entry point; nothing here knows how requests work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from . import _fake
from ._fake import CampaignsFake
from ._faults import describe_rules
from ._intercept import DUMMY_ACCESS_KEY, DUMMY_CREDENTIALS
from ._options import Options

if TYPE_CHECKING:
    from ._server import CampaignsServer

# Every fake a test started (fixture, mock_campaigns, CampaignsFake), in order.
_FAKES_KEY = pytest.StashKey[list[CampaignsFake]]()
# Whether a report of this test already showed the calls (shown once, at the first failure).
_SHOWN_KEY = pytest.StashKey[bool]()
_REPORTS_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()
_OPTIONS = Options.names()


def pytest_addoption(parser: pytest.Parser) -> None:
    # One ini option per option of the fake, named and documented by Options itself.
    for option in dataclasses.fields(Options):
        parser.addini(
            f"campaigns_fake_{option.name}",
            f"campaigns_fake: {option.metadata['help']} (default {option.default!r})",
            default="",
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"campaigns_fake(**options): options of the campaigns_fake fixture ({', '.join(_OPTIONS)})",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name in _OPTIONS:
        text = request.config.getini(f"campaigns_fake_{name}")
        if text != "":
            options[name] = Options.parse(name, str(text))
    marker = request.node.get_closest_marker("campaigns_fake")
    if marker is not None:
        if marker.args:
            raise TypeError("@pytest.mark.campaigns_fake takes keyword options only")
        Options.build("@pytest.mark.campaigns_fake", marker.kwargs)
        options.update(marker.kwargs)
    return options


@pytest.fixture
def campaigns_fake(request: pytest.FixtureRequest) -> Iterator[CampaignsFake]:
    """An active connectcampaigns fake with fresh state for this test."""
    __tracebackhide__ = True
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
    from ._http import MissingExtra, require
    from ._server import CampaignsServer

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
    seen: list[CampaignsFake] = []
    item.stash[_FAKES_KEY] = seen

    def note(fake: CampaignsFake) -> None:
        if fake not in seen:
            seen.append(fake)

    _fake._on_start.append(note)
    try:
        return (yield)
    finally:
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
    for fake in fakes:
        calls = fake.calls
        text = calls.describe() if len(calls) else "  (no connectcampaigns calls)"
        unused = fake.unused_faults
        unused = [rule for rule in unused if rule.describe() not in error]
        if unused:
            text += "\nfaults set up and not fired:\n" + describe_rules(unused)
        title = "connectcampaigns calls"
        if len(fakes) > 1:
            title += f" of {fake._owner or 'a CampaignsFake'}"
        if report.when != "call":
            title += f" ({report.when})"
        report.sections.append((title, text))
    return report
