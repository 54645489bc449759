"""``python -m pytest_campaigns_fake serve``: the fake over HTTP.

Installed as the ``pytest-campaigns-fake`` command too.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from ._durable import StateFileError


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, not {text}")
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
        "--port", type=_count, default=8999, help="port (default 8999; 0 picks a free one)"
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    from ._server import CampaignsServer

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
    try:
        server = CampaignsServer(
            host=arguments.host,
            port=arguments.port,
            state=arguments.state,
            control_token=arguments.control_token,
            **options,
        )
    except (StateFileError, ValueError, OSError) as error:
        print(f"pytest-campaigns-fake: {error}", file=sys.stderr)
        return 2
    stopping = threading.Event()

    def stop(signum: int, frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.start()
    print(f"pytest-campaigns-fake serving on {server.url}", flush=True)
    if server.control_token is not None:
        print(f"control plane token: {server.control_token}", flush=True)
    while not stopping.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
