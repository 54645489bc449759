"""How long a server takes to open a state file holding many campaigns (``serve --state``).

Run:  python benchmarks/state_restart.py                 (50,000 campaigns, 3 repeats)
      python benchmarks/state_restart.py --campaigns 10000 --profile

Two files, each holding the same ``--campaigns`` v1 campaigns:

- ``snapshot``: the campaigns in the snapshot (a file after a clean stop);
- ``after a crash``: the worst a ``kill -9`` leaves: the last ``COMPACT_AFTER`` (5,000)
  CreateCampaign requests in the log, as a server logs them (method, URL, the headers the
  engine reads, body), the others in the snapshot; a start replays the log, then compacts;
- ``all in the log``: every CreateCampaign in the log (a file a server older than the
  compaction of long logs left after a crash).

The time is ``CampaignsServer(state=path)``: lock, read-only checks, replay, compaction, the
run's settings logged; the median of the repeats, each on a fresh copy of the file. The target
(issue 17): at most 2 s for 50,000 campaigns.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import json
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pytest_campaigns_fake import CampaignsServer
from pytest_campaigns_fake.server._durable import COMPACT_AFTER

REGION = "us-east-1"
ACCESS_KEY = "AKIABENCHMARK0000001"
INSTANCE = "instance-1"
DIALER = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
OUTBOUND = {"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"}
TARGET_SECONDS = 2.0


def _headers() -> dict[str, str]:
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/"
        "connect-campaigns/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
        "Content-Type": "application/json",
        "X-Amz-Date": "20260101T000000Z",
    }


def build_log(path: Path, count: int, first: int = 0) -> None:
    """A state file whose log holds ``count`` CreateCampaign requests (and an onboarding)
    after what it held (``first``: the number of the first campaign)."""
    server = CampaignsServer(state=path, campaigns_per_instance=10**9)
    state = server._state
    assert state is not None
    with server.fake._engine.lock:
        state.apply_control(server.fake, "POST", "instances", {"connectInstanceId": INSTANCE})
    server.stop()
    db = sqlite3.connect(path, isolation_level=None)
    headers = _headers()
    now = time.time()
    rows = []
    for n in range(first, first + count):
        body = json.dumps(
            {
                "name": f"campaign-{n}",
                "connectInstanceId": INSTANCE,
                "dialerConfig": DIALER,
                "outboundCallConfig": OUTBOUND,
            }
        ).encode()
        entry = {
            "method": "PUT",
            "url": "http://127.0.0.1:8999/campaigns",
            "headers": headers,
            "body": base64.b64encode(body).decode(),
        }
        rows.append(("api", now + n / 1000, json.dumps(entry)))
    db.execute("BEGIN")
    db.executemany("INSERT INTO log (kind, at, payload) VALUES (?, ?, ?)", rows)
    db.execute("COMMIT")
    db.close()


def build_snapshot(path: Path, count: int) -> None:
    """A state file whose snapshot holds ``count`` campaigns (its log replayed once)."""
    build_log(path, count)
    CampaignsServer(state=path, campaigns_per_instance=10**9).stop()


def build_crashed(path: Path, count: int) -> None:
    """The worst file a crash leaves: ``count`` campaigns, the last COMPACT_AFTER of them in
    the log (a running server compacts when its log reaches that many requests)."""
    # The most a running server leaves: it compacts when the log reaches COMPACT_AFTER
    # requests (the log holds one more: the onboarding each build_log makes).
    logged = min(count, COMPACT_AFTER - 2)
    build_snapshot(path, count - logged)
    build_log(path, logged, first=count - logged)


def time_open(
    source: Path, count: int, repeats: int, profile: bool
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each open (CPU: what the machine's load does not add)."""
    times: list[float] = []
    cpus: list[float] = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "state.db"
            shutil.copyfile(source, path)
            profiler = cProfile.Profile() if profile else None
            start, cpu = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.enable()
            server = CampaignsServer(state=path, campaigns_per_instance=10**9)
            if profiler is not None:
                profiler.disable()
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
            held = len(server.fake.campaigns)
            server.stop()
            assert held == count, held
            if profiler is not None:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
                profile = False
    return times, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print cProfile of one open")
    arguments = parser.parse_args()
    count = arguments.campaigns
    with tempfile.TemporaryDirectory() as directory:
        log, snapshot = Path(directory) / "log.db", Path(directory) / "snapshot.db"
        crashed = Path(directory) / "crashed.db"
        build_log(log, count)
        build_snapshot(snapshot, count)
        build_crashed(crashed, count)
        print(
            f"| state file, {count:,} campaigns | size | open (median of {arguments.repeats}) "
            "| CPU |"
        )
        print("|---|---|---|---|")
        worst = 0.0
        cases = (("in the snapshot", snapshot), ("after a crash", crashed), ("all in the log", log))
        for name, path in cases:
            times, cpus = time_open(path, count, arguments.repeats, arguments.profile)
            median = statistics.median(times)
            if path != log:  # the target is for files this version leaves
                worst = max(worst, median)
            size = path.stat().st_size / 2**20
            cpu = statistics.median(cpus)
            print(f"| {name} | {size:,.1f} MiB | {median:,.2f} s | {cpu:,.2f} s |")
    verdict = "met" if worst <= TARGET_SECONDS else "NOT met"
    print(f"\nTarget: at most {TARGET_SECONDS:g} s ({verdict}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
