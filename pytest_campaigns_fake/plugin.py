"""The pytest plugin: fixtures, the ``campaigns_fake`` marker, ini options, the report section.

Registered through the ``pytest11`` entry point; nothing here knows how requests work.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from ._fake import CampaignsFake
from ._faults import describe_rules
from ._intercept import DUMMY_ACCESS_KEY, DUMMY_CREDENTIALS
from ._options import Options

_FAKE_KEY = pytest.StashKey[CampaignsFake]()
_REPORTS_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()
_OPTIONS = Options.names()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "campaigns_fake_region",
        "Region of the campaigns_client fixture (default us-east-1)",
        default="us-east-1",
    )
    parser.addini(
        "campaigns_fake_strict",
        "Fail a test whose campaigns_fake faults never fired (default true)",
        type="bool",
        default=True,
    )
    parser.addini(
        "campaigns_fake_require_onboarding",
        "CreateCampaign needs an onboarded instance (default true)",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"campaigns_fake(**options): options of the campaigns_fake fixture ({', '.join(_OPTIONS)})",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {
        "strict": request.config.getini("campaigns_fake_strict"),
        "require_onboarding": request.config.getini("campaigns_fake_require_onboarding"),
        "region": request.config.getini("campaigns_fake_region"),
    }
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
    fake = CampaignsFake(**_options(request))
    request.node.stash[_FAKE_KEY] = fake
    fake.start()
    try:
        yield fake
    except BaseException:
        fake.stop()
        raise
    call = request.node.stash.get(_REPORTS_KEY, {}).get("call")
    fake.stop(verify=call is not None and call.passed)
    fake.reset()


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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS_KEY, {})[report.when] = report
    fake = item.stash.get(_FAKE_KEY, None)
    if fake is not None and report.failed and report.when in ("call", "teardown"):
        calls = fake.calls
        text = calls.describe() if len(calls) else "  (no connectcampaigns calls)"
        unused = fake.unused_faults
        if unused:
            text += "\nfaults set up and not fired:\n" + describe_rules(unused)
        title = "connectcampaigns calls" + (" (teardown)" if report.when == "teardown" else "")
        report.sections.append((title, text))
    return report
