"""--campaigns-target: the same suite in process, against a server, or against AWS.

``inprocess`` (the default) is the fake in this process. A URL is a server: this project's own
(``GET /_fake/health`` answers ``ok``: ``campaigns_fake`` drives it through the control plane,
each test in an account of its own) or any endpoint that speaks the API (fake-only controls skip
the test). ``aws`` is the account of the environment's credentials, never used unless asked.
Against a server or AWS, the campaigns each test created are deleted when it ends.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Generator, Iterator
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest

from .._fake import SERVICES
from .._options import DEFAULT_REGION, Options
from ..interception._intercept import DUMMY_ACCESS_KEY, DUMMY_CREDENTIALS, REMOVED_VARIABLES
from ..interception._observe import Exchange, observe
from . import _remote

INPROCESS, AWS = "inprocess", "aws"
#: For this project's own tests only: the ``aws`` target's clients (and the endpoint variables)
#: go to this URL, a server standing in for AWS, since tests have no network. Never documented.
AWS_STAND_IN = "_PYTEST_CAMPAIGNS_FAKE_AWS_STAND_IN"
#: The control plane's token of a server bound to another address than loopback (the variable
#: ``pytest-campaigns-fake serve`` reads too).
#: The name under which a test's undeleted resources travel in its teardown report's
#: ``user_properties`` (so that pytest-xdist brings them to the controller's summary).
LEFTOVER = "campaigns_target_leftover"
# The marker options a server or AWS honours; the others configure a fake in this process.
_HONOURED = {"region", "strict", "any_region", "isolate_environment"}


@dataclasses.dataclass(frozen=True)
class Target:
    kind: Literal["inprocess", "url", "aws"]
    #: The server's URL (``url``), without a trailing slash.
    url: str = ""

    @property
    def value(self) -> str:
        """The option's value, as ``config.getoption("campaigns_target")`` reads it."""
        return self.url if self.kind == "url" else self.kind

    @property
    def remote(self) -> bool:
        return self.kind != INPROCESS


_TARGET = pytest.StashKey[Target]()
# The server's fake a test used: a failing test's report shows its calls.
_REMOTE = pytest.StashKey[_remote.RemoteFake]()
_SHOWN = pytest.StashKey[bool]()
# Per process: what GET /_fake/health said of the URL (None: this project's server).
_PROBED = pytest.StashKey[dict[str, str | None]]()


def parse(value: str) -> Target:
    """The target a value of ``--campaigns-target`` (or ``campaigns_target``) names."""
    text = value.strip()
    if text == INPROCESS:
        return Target("inprocess")
    if text == AWS:
        return Target("aws")
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.hostname and not parts.query:
        return Target("url", text.rstrip("/"))
    raise pytest.UsageError(
        f"--campaigns-target={value!r} is not a target: give inprocess (the default), an "
        "http(s) URL of a server (http://127.0.0.1:8999), or aws (the account of the "
        "environment's credentials)"
    )


def addoption(parser: pytest.Parser) -> None:
    """Register this feature's command-line and ini options."""
    help = (
        "where the campaigns fixtures' calls go: inprocess (default), the URL of a server "
        "(pytest-campaigns-fake serve, or any endpoint of the API), or aws"
    )
    parser.getgroup("campaigns_fake").addoption(
        "--campaigns-target", dest="campaigns_target", default=None, metavar="TARGET", help=help
    )
    parser.addini("campaigns_target", f"campaigns_fake: {help}", default=None)


def configure(config: pytest.Config) -> None:
    """Turn the feature on for this run when its option asks for it."""
    value = config.getoption("campaigns_target") or config.getini("campaigns_target") or INPROCESS
    target = parse(str(value))
    # Read by the other run-wide features: the one spelling of the target in effect.
    config.option.campaigns_target = target.value
    config.stash[_TARGET] = target
    config.stash[_PROBED] = {}
    if target.remote:
        config.pluginmanager.register(_Reports(), "campaigns_target_reports")


def target(config: pytest.Config) -> Target:
    return config.stash.get(_TARGET, Target("inprocess"))


def remote(config: pytest.Config) -> bool:
    """Whether the fixtures' calls go to a server or AWS (no fake in this process)."""
    return target(config).remote


# -- clients -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Connection:
    """How a test's clients reach its target: an endpoint (None: AWS's) and keys (None: the
    environment's, botocore's default chain)."""

    endpoint_url: str | None
    access_key: str | None
    region: str

    def client(self, service: str) -> Any:
        options: dict[str, Any] = {"region_name": self.region}
        if self.endpoint_url is not None:
            options["endpoint_url"] = self.endpoint_url
        if self.access_key is not None:
            options["aws_access_key_id"] = self.access_key
            options["aws_secret_access_key"] = DUMMY_CREDENTIALS.secret_key
        try:
            import boto3
        except ImportError:  # botocore alone makes the same client
            import botocore.session

            return botocore.session.Session().create_client(service, **options)
        return boto3.session.Session().client(service, **options)

    def environment(self) -> dict[str, str | None]:
        """The variables the code under test's own clients need to reach the target (None:
        removed); nothing for AWS, whose clients take the environment as it is."""
        if self.endpoint_url is None:
            return {}
        values: dict[str, str | None] = {name: None for name in REMOVED_VARIABLES}
        values.update(
            AWS_ENDPOINT_URL_CONNECTCAMPAIGNS=self.endpoint_url,
            AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2=self.endpoint_url,
        )
        if self.access_key is not None:
            values.update(
                AWS_ACCESS_KEY_ID=self.access_key,
                AWS_SECRET_ACCESS_KEY=DUMMY_CREDENTIALS.secret_key,
                AWS_DEFAULT_REGION=self.region,
                AWS_REGION=self.region,
            )
        return values


def connection_of(fake: Any) -> Connection:
    """The connection of a ``campaigns_fake`` made by ``remote_fake``."""
    found: Connection = fake._connection
    return found


# -- the fixture -------------------------------------------------------------------------------


@contextlib.contextmanager
def remote_fake(
    request: pytest.FixtureRequest, passed: Callable[[], bool], defaults: dict[str, Any]
) -> Iterator[Any]:
    """``campaigns_fake`` for a server or AWS target, for the length of one test: the object
    that drives the server (or skips fake-only controls), with the environment pointing the
    code under test's clients at the target; afterwards, the campaigns the test created are
    deleted and this test's faults removed."""
    __tracebackhide__ = True
    config = request.config
    where = target(config)
    marker = {**defaults, **_marker_options(request)}
    region = marker.get("region")
    fake: Any
    if where.kind == AWS:
        stand_in = os.environ.get(AWS_STAND_IN) or None
        region = region or _environment_region()
        connection = Connection(stand_in, None, region)
        fake = _remote.FakeOnly("AWS", region)
    else:
        region = region or DEFAULT_REGION
        plane = _remote.ControlPlane.of(where.url)
        problem = _probe(config, plane)
        if problem is None:
            key, account = _remote.new_identity()
            plane.request("POST", "accounts", {"accessKeyId": key, "accountId": account})
            connection = Connection(where.url, key, region)
            fake = _remote.RemoteFake(plane, key, account, region, marker.get("strict", True))
            request.node.stash[_REMOTE] = fake
        else:
            connection = Connection(where.url, DUMMY_ACCESS_KEY, region)
            fake = _remote.FakeOnly(
                f"{where.url} (not a pytest-campaigns-fake server: {problem})", region
            )
    fake._connection = connection
    created: list[tuple[str, str]] = []

    def note(exchange: Exchange) -> None:
        if exchange.operation == "CreateCampaign" and exchange.error_code is None:
            arn = exchange.response.get("arn")
            if isinstance(arn, str):
                created.append((exchange.service, arn))

    stop = observe(SERVICES, note)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in connection.environment().items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            _fresh_default_session(patch)
            yield fake
            stop()
            _delete(request, connection, created)
    finally:
        stop()
        if isinstance(fake, _remote.RemoteFake):
            try:
                if fake.strict and passed():
                    fake.verify()
            finally:
                fake.forget_faults()


def _fresh_default_session(patch: pytest.MonkeyPatch) -> None:
    """A new default session for ``boto3.client(...)`` in this test: the one a previous test
    made holds its credentials (botocore resolves them once per session), which act in that
    test's account, and its region."""
    try:
        import boto3
    except ImportError:
        return
    patch.setattr(boto3, "DEFAULT_SESSION", None)


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The test's ``campaigns_fake`` marker options; a test whose marker sets one only a fake in
    this process honours is skipped, naming it."""
    __tracebackhide__ = True
    found = request.node.get_closest_marker("campaigns_fake")
    if found is None:
        return {}
    if found.args:
        raise TypeError("@pytest.mark.campaigns_fake takes keyword options only")
    Options.build("@pytest.mark.campaigns_fake", found.kwargs)
    where = target(request.config)
    for name in sorted(set(found.kwargs) - _HONOURED):
        pytest.skip(
            f"@pytest.mark.campaigns_fake({name}=...) is a fake-only control: skipped against "
            f"{'AWS' if where.kind == AWS else where.url}"
        )
    return dict(found.kwargs)


def _environment_region() -> str:
    __tracebackhide__ = True
    import botocore.session

    region = botocore.session.Session().get_config_variable("region")
    if not region:
        pytest.fail(
            "--campaigns-target=aws: no region in the environment: set AWS_REGION (or a "
            "profile's region), or mark the test @pytest.mark.campaigns_fake(region=...)",
            pytrace=False,
        )
    return str(region)


def _probe(config: pytest.Config, plane: _remote.ControlPlane) -> str | None:
    """Whether the URL is this project's server (None), else what answered; asked once per
    process. Nothing answering fails the test, naming the URL."""
    __tracebackhide__ = True
    probed = config.stash.setdefault(_PROBED, {})
    if plane.url not in probed:
        try:
            probed[plane.url] = plane.probe()
        except OSError as error:
            pytest.fail(
                f"--campaigns-target={plane.url}: nothing answers there ({error}); start the "
                "server first (pytest-campaigns-fake serve --port ...)",
                pytrace=False,
            )
    return probed[plane.url]


# -- cleanup -----------------------------------------------------------------------------------


def _delete(
    request: pytest.FixtureRequest, connection: Connection, created: list[tuple[str, str]]
) -> None:
    """Delete the campaigns the test created, best effort: one that is already gone is fine;
    any other failure is listed in the run's summary (and the test's teardown report)."""
    from botocore.exceptions import BotoCoreError, ClientError

    clients: dict[tuple[str, str], Any] = {}
    for service, arn in created:
        region = _arn_region(arn) or connection.region
        client = clients.get((service, region))
        if client is None:
            client = clients[(service, region)] = dataclasses.replace(
                connection, region=region
            ).client(service)
        campaign_id = arn.rsplit("/", 1)[-1]
        try:
            client.delete_campaign(id=campaign_id)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code != "ResourceNotFoundException":
                _left(request, service, arn, f"{code}: {error}")
        except BotoCoreError as error:
            _left(request, service, arn, f"{type(error).__name__}: {error}")


def _arn_region(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


def _left(request: pytest.FixtureRequest, service: str, arn: str, why: str) -> None:
    request.node.user_properties.append(
        (LEFTOVER, f"{service} campaign {arn} (created by {request.node.nodeid}): {why}")
    )


class _Reports:
    """A failing test's calls on the server, in its report (as in process); at the end of the
    run, the resources tests created and teardown failed to delete (collected from the
    reports, so pytest-xdist's workers' too)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        fake = item.stash.get(_REMOTE, None)
        if fake is None or not report.failed or item.stash.get(_SHOWN, False):
            return report
        item.stash[_SHOWN] = True
        try:
            text = fake.calls.describe() or "  (no connectcampaigns calls)"
        except Exception as error:  # the report must not hide the test's own failure
            text = f"  (the server's journal could not be read: {error})"
        title = f"connectcampaigns calls (server {fake.url}, account {fake.account_id})"
        if report.when != "call":
            title += f" ({report.when})"
        report.sections.append((title, text))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.lines.extend(str(v) for k, v in report.user_properties if k == LEFTOVER)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.lines:
            terminalreporter.write_sep("=", "campaigns target: resources not deleted")
            for line in self.lines:
                terminalreporter.write_line(f"  {line}")
            terminalreporter.write_line(
                f"  ({len(self.lines)} resource(s) left: delete them by hand)"
            )
