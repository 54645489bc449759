"""``python -m pytest_campaigns_fake serve``: the fake over HTTP.

Installed as the ``pytest-campaigns-fake`` command too.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .server._durable import StateFileError

#: Every option of ``serve`` can be set by the variable of this prefix and its name
#: (``--v2-campaigns-per-instance`` by PYTEST_CAMPAIGNS_FAKE_V2_CAMPAIGNS_PER_INSTANCE); the
#: command line wins over the environment.
ENV_PREFIX = "PYTEST_CAMPAIGNS_FAKE_"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, not {text}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            f"must be a port number from 1 to 65535 (or 0 for a free one), not {text!r}"
        )
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, not {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytest-campaigns-fake",
        description="An in-memory Amazon Connect Outbound Campaigns service (connectcampaigns "
        "and connectcampaignsv2), for tests.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the fake over HTTP (API requests, and a control plane at /_fake/)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    serve.add_argument(
        "--port", type=_port, default=8999, help="port (default 8999; 0 picks a free one)"
    )
    serve.add_argument(
        "--state", metavar="FILE", help="keep the service's state in FILE (SQLite) across runs"
    )
    serve.add_argument(
        "--control-token",
        help="token the control plane requires (made up and printed on a non-loopback host)",
    )
    serve.add_argument(
        "--no-require-onboarding",
        dest="require_onboarding",
        action="store_false",
        help="CreateCampaign without an onboarded instance",
    )
    serve.add_argument(
        "--onboarding-polls",
        type=_count,
        default=1,
        help="status polls until an onboarding job succeeds (0: at once)",
    )
    serve.add_argument(
        "--share-campaigns",
        action="store_true",
        help="v1 and v2 campaigns visible through both APIs (separate by default)",
    )
    serve.add_argument("--seed", help="seed for ids (a state file keeps its own)")
    serve.add_argument("--region", default="us-east-1", help="the fake's default region")
    serve.add_argument(
        "--account-id", default="123456789012", help="account of unregistered access keys"
    )
    serve.add_argument(
        "--campaigns-per-instance", type=_count, default=25, help="v1 quota (default 25)"
    )
    serve.add_argument(
        "--v2-campaigns-per-instance", type=_count, default=500, help="v2 quota (default 500)"
    )
    serve.add_argument(
        "--v2-active-campaigns-per-instance",
        type=_count,
        default=50,
        help="v2 quota of Running or Paused campaigns (default 50)",
    )
    serve.add_argument(
        "--allow-host",
        dest="allow_hosts",
        action="append",
        default=[],
        metavar="NAME",
        help="another name clients reach the server by (a compose service name); repeatable",
    )
    serve.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="no access-log line per request on stderr",
    )
    serve.add_argument(
        "--read-timeout",
        type=_seconds,
        default=30.0,
        help="seconds a client may take to send a request (default 30)",
    )
    serve.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=60.0,
        help="seconds a kept-alive connection may wait for its next request (default 60)",
    )
    serve.add_argument(
        "--drain-timeout",
        type=_seconds,
        default=10.0,
        help="seconds a stop lets the requests in flight finish (default 10)",
    )
    verify = commands.add_parser(
        "verify",
        help="replay recorded tests (--campaigns-record) against a fresh fake and report every "
        "difference (exit 0: all match; 1: a difference; 2: unreadable input)",
    )
    verify.add_argument("directory", metavar="DIR", help="the directory a run recorded to")
    verify.add_argument(
        "--snapshot",
        metavar="FILE",
        help="a snapshot (JSON or YAML) each fresh fake starts from: the state the recorded "
        "service had before the run (an onboarded instance of your AWS sandbox)",
    )
    return parser


def serve_actions(serve: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options of ``serve`` that can be set (help excluded), in the order they are listed."""
    return [action for action in serve._actions if action.option_strings and action.dest != "help"]


def env_name(action: argparse.Action) -> str:
    """The environment variable of a ``serve`` option."""
    return ENV_PREFIX + action.option_strings[0].lstrip("-").replace("-", "_").upper().removeprefix(
        "NO_"
    )


def _from_environment(serve: argparse.ArgumentParser, environ: Mapping[str, str]) -> None:
    """Each option's default from its environment variable, checked as the option is."""
    for action in serve_actions(serve):
        name = env_name(action)
        text = environ.get(name)
        if text is None or text == "":
            continue
        if action.nargs == 0:  # a flag: the variable says what the option means, true or false
            word = text.strip().lower()
            if word not in _TRUE + _FALSE:
                serve.error(f"{name}={text!r}: give true or false (1/0, yes/no, on/off)")
            # The value of the option's destination: REQUIRE_ONBOARDING=false is
            # --no-require-onboarding, SHARE_CAMPAIGNS=true is --share-campaigns.
            value: Any = word in _TRUE
        elif isinstance(action.default, list):  # a repeatable option: comma-separated
            value = [part.strip() for part in text.split(",") if part.strip()]
        else:
            try:
                value = action.type(text) if callable(action.type) else text
            except argparse.ArgumentTypeError as error:
                serve.error(f"{name}={text!r}: {error}")
        serve.set_defaults(**{action.dest: value})


def subcommand(top: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of one subcommand (``serve``)."""
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise KeyError(name)


def main(argv: Sequence[str] | None = None) -> int:
    top = parser()
    _from_environment(subcommand(top, "serve"), os.environ)
    arguments = top.parse_args(argv)
    if arguments.command == "verify":
        from .suite._verify import verify

        snapshot = Path(arguments.snapshot) if arguments.snapshot is not None else None
        return verify(Path(arguments.directory), sys.stdout, sys.stderr, snapshot)
    from .server._http import CannotListen, Limits, MissingExtra, require
    from .server._server import CampaignsServer

    try:
        require()
    except MissingExtra as error:
        print(f"pytest-campaigns-fake: {error}", file=sys.stderr)
        return 2

    options: dict[str, Any] = {
        "require_onboarding": arguments.require_onboarding,
        "onboarding_polls": arguments.onboarding_polls,
        "share_campaigns": arguments.share_campaigns,
        "campaigns_per_instance": arguments.campaigns_per_instance,
        "region": arguments.region,
        "account_id": arguments.account_id,
        # The server answers every region a client names; nothing is intercepted in process.
        "any_region": True,
        "isolate_environment": False,
    }
    if arguments.seed is not None:
        options["seed"] = arguments.seed
    options["v2_campaigns_per_instance"] = arguments.v2_campaigns_per_instance
    options["v2_active_campaigns_per_instance"] = arguments.v2_active_campaigns_per_instance
    limits = Limits(read_timeout=arguments.read_timeout, idle_timeout=arguments.idle_timeout)
    # Set before the server exists: a signal while the state file replays stops it cleanly.
    stopping = threading.Event()

    def stop(signum: int, frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server = CampaignsServer(
            host=arguments.host,
            port=arguments.port,
            state=arguments.state,
            control_token=arguments.control_token,
            allow_hosts=arguments.allow_hosts,
            access_log=sys.stderr if arguments.access_log else None,
            limits=limits,
            drain_timeout=arguments.drain_timeout,
            **options,
        )
    except (CannotListen, StateFileError, ValueError) as error:
        print(f"pytest-campaigns-fake: {error}", file=sys.stderr)
        return 2
    server.start()
    print(f"pytest-campaigns-fake serving on {server.url}", flush=True)
    if server.control_token is not None:
        print(f"control plane token: {server.control_token}", flush=True)
    while not stopping.wait(0.5):
        pass
    if not server.stop():
        print(
            f"pytest-campaigns-fake: stopped with requests still in flight after "
            f"{arguments.drain_timeout:g} s (--drain-timeout); they were answered 503",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
