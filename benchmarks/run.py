"""Benchmarks of pytest-campaigns-fake, side by side with botocore's floor, Stubber and moto.

Run:  python benchmarks/run.py            (prints the table)
      python benchmarks/run.py --write    (also rewrites docs/performance.md)
      python benchmarks/run.py --server   (prints the "Server mode" section alone)

Timings are the median of several repeats of a timed loop; the machine is described in the
output, because the numbers mean nothing without it.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import boto3
import botocore
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

import pytest_campaigns_fake
from pytest_campaigns_fake import CampaignsFake, mock_campaigns

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
DIALER = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
OUTBOUND = {"connectContactFlowId": "flow-1", "connectQueueId": "queue-1"}
CAMPAIGN_ID = "6f1b5a3e-2f0c-4d2a-9a57-0c3b1f2d9e11"
ARN = f"arn:aws:connect-campaigns:{REGION}:123456789012:campaign/{CAMPAIGN_ID}"
DESCRIBE_ANSWER = {
    "campaign": {
        "id": CAMPAIGN_ID,
        "arn": ARN,
        "name": "renewals",
        "connectInstanceId": "instance-1",
        "dialerConfig": DIALER,
        "outboundCallConfig": OUTBOUND,
        "tags": {},
    }
}
CREATE_ANSWER = {"id": CAMPAIGN_ID, "arn": ARN}


def new_client(**config: Any) -> Any:
    return boto3.session.Session().client(
        "connectcampaigns",
        region_name=REGION,
        aws_access_key_id="AKIABENCHMARK0000000",
        aws_secret_access_key="secret",
        config=botocore.config.Config(**config) if config else None,
    )


def per_call(fn: Callable[[], Any], number: int = 2000, repeat: int = 7) -> float:
    """Median seconds per call."""
    for _ in range(min(200, number)):
        fn()
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def floor_client(answer: dict[str, Any]) -> Any:
    """botocore's floor: serialize, sign, send to a bare before-send handler, parse."""
    client = new_client()
    body = json.dumps(answer).encode()

    def canned(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, {"x-amzn-RequestId": "r"}, _Raw(body))

    client.meta.events.register("before-send.connectcampaigns", canned)
    return client


def create_kwargs(i: int = 0) -> dict[str, Any]:
    return {
        "name": f"campaign-{i}",
        "connectInstanceId": "instance-1",
        "dialerConfig": DIALER,
        "outboundCallConfig": OUTBOUND,
    }


# -- the contenders: each makes its client, then ``run(n)`` makes n calls ------------------------
# One definition serves the timed loops and the instruction counts (a child process per count).

Run = Callable[[int], None]


def _loop(call: Callable[[], Any]) -> Run:
    def run(n: int) -> None:
        for _ in range(n):
            call()

    return run


def _call(client: Any, operation: str, campaign_id: str) -> Callable[[], Any]:
    if operation == "DescribeCampaign":
        return lambda: client.describe_campaign(id=campaign_id)
    return lambda: client.create_campaign(**create_kwargs())


@contextmanager
def floor(operation: str) -> Iterator[Run]:
    answer = DESCRIBE_ANSWER if operation == "DescribeCampaign" else CREATE_ANSWER
    yield _loop(_call(floor_client(answer), operation, CAMPAIGN_ID))


@contextmanager
def fake(operation: str) -> Iterator[Run]:
    client = new_client()
    with mock_campaigns(campaigns_per_instance=10**9) as active:
        active.add_instance("instance-1")
        campaign = active.add_campaign(connect_instance_id="instance-1", name="renewals")
        yield _loop(_call(client, operation, campaign.id))


V2_CHANNELS = {
    "telephony": {
        "connectQueueId": "queue-1",
        "outboundMode": {"progressive": {"bandwidthAllocation": 1.0}},
        "defaultOutboundConfig": {"connectContactFlowId": "flow-1"},
    }
}


@contextmanager
def fake_v2(operation: str) -> Iterator[Run]:
    """The same two operations through a connectcampaignsv2 client."""
    client = boto3.session.Session().client(
        "connectcampaignsv2",
        region_name=REGION,
        aws_access_key_id="AKIABENCHMARK0000000",
        aws_secret_access_key="secret",
    )
    with mock_campaigns() as active:
        active.v2.quotas.campaigns_per_instance = 10**9
        active.add_instance("instance-1")
        campaign = active.v2.add_campaign(connect_instance_id="instance-1", name="renewals")
        if operation == "DescribeCampaign":
            yield _loop(lambda: client.describe_campaign(id=campaign.id))
        else:
            yield _loop(
                lambda: client.create_campaign(
                    name="campaign-0",
                    connectInstanceId="instance-1",
                    channelSubtypeConfig=V2_CHANNELS,
                )
            )


@contextmanager
def stubber(operation: str) -> Iterator[Run]:
    client = new_client()
    stub = Stubber(client)
    if operation == "DescribeCampaign":

        def call() -> None:
            stub.add_response("describe_campaign", DESCRIBE_ANSWER, {"id": CAMPAIGN_ID})
            client.describe_campaign(id=CAMPAIGN_ID)

    else:

        def call() -> None:
            stub.add_response("create_campaign", CREATE_ANSWER, create_kwargs())
            client.create_campaign(**create_kwargs())

    with stub:
        yield _loop(call)


@contextmanager
def moto(operation: str) -> Iterator[Run]:
    mock_aws = _moto()
    assert mock_aws is not None
    with mock_aws():
        client = new_client()
        campaign_id = client.create_campaign(**create_kwargs())["id"]
        yield _loop(_call(client, operation, campaign_id))


LIST_BUCKETS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Owner><ID>o</ID></Owner><Buckets/></ListAllMyBucketsResult>"
)


def _s3_client() -> Any:
    client = boto3.session.Session().client(
        "s3",
        region_name=REGION,
        aws_access_key_id="AKIABENCHMARK0000000",
        aws_secret_access_key="secret",
    )

    def canned(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, {"x-amz-request-id": "r"}, _Raw(LIST_BUCKETS))

    client.meta.events.register("before-send.s3", canned)
    return client


@contextmanager
def s3_alone(operation: str) -> Iterator[Run]:
    yield _loop(_s3_client().list_buckets)


@contextmanager
def s3_beside_a_fake(operation: str) -> Iterator[Run]:
    client = _s3_client()
    with mock_campaigns():
        yield _loop(client.list_buckets)


# Async: aiobotocore clients, against their own floor (a bare before-send handler returning
# aiobotocore's response type); an event loop of their own runs n calls in one coroutine.


@contextmanager
def _async_client(operation: str, canned: bytes | None) -> Iterator[tuple[Any, Any]]:
    import asyncio

    from aiobotocore.awsrequest import AioAWSResponse
    from aiobotocore.session import get_session

    class AioRaw:
        def __init__(self, body: bytes) -> None:
            self._body = body

        async def read(self) -> bytes:
            return self._body

    loop = asyncio.new_event_loop()
    context = get_session().create_client(
        "connectcampaigns",
        region_name=REGION,
        aws_access_key_id="AKIABENCHMARK0000000",
        aws_secret_access_key="secret",
    )
    client = loop.run_until_complete(context.__aenter__())
    if canned is not None:
        body = canned

        def send(request: Any, **_: Any) -> Any:
            return AioAWSResponse(request.url, 200, {"x-amzn-RequestId": "r"}, AioRaw(body))

        client.meta.events.register("before-send.connectcampaigns", send)
    try:
        yield loop, client
    finally:
        loop.run_until_complete(context.__aexit__(None, None, None))
        loop.close()


def _async_run(loop: Any, call: Callable[[], Any]) -> Run:
    async def many(n: int) -> None:
        for _ in range(n):
            await call()

    return lambda n: loop.run_until_complete(many(n))


@contextmanager
def async_floor(operation: str) -> Iterator[Run]:
    answer = DESCRIBE_ANSWER if operation == "DescribeCampaign" else CREATE_ANSWER
    with _async_client(operation, json.dumps(answer).encode()) as (loop, client):
        yield _async_run(loop, _call(client, operation, CAMPAIGN_ID))


@contextmanager
def async_fake(operation: str) -> Iterator[Run]:
    with (
        _async_client(operation, None) as (loop, client),
        mock_campaigns(campaigns_per_instance=10**9) as active,
    ):
        active.add_instance("instance-1")
        campaign = active.add_campaign(connect_instance_id="instance-1", name="renewals")
        yield _async_run(loop, _call(client, operation, campaign.id))


FLOOR = "botocore floor (bare before-send)"
FAKE = "pytest-campaigns-fake"
FAKE_V2 = "pytest-campaigns-fake, connectcampaignsv2 client"
ASYNC_FLOOR = "aiobotocore floor (bare before-send)"
ASYNC_FAKE = "pytest-campaigns-fake, aiobotocore client"
S3_ALONE = "S3 ListBuckets, no fake"
S3_BESIDE = "S3 ListBuckets, a fake active"
OPERATIONS = ("DescribeCampaign", "CreateCampaign")

#: name -> (contender, counted in instructions too)
CONTENDERS: dict[str, Callable[[str], Any]] = {
    FLOOR: floor,
    FAKE: fake,
    FAKE_V2: fake_v2,
    "botocore Stubber": stubber,
    "moto": moto,
    ASYNC_FLOOR: async_floor,
    ASYNC_FAKE: async_fake,
    S3_ALONE: s3_alone,
    S3_BESIDE: s3_beside_a_fake,
}
COUNTED = (FLOOR, FAKE, FAKE_V2, "moto", ASYNC_FLOOR, ASYNC_FAKE, S3_ALONE, S3_BESIDE)


def available(name: str) -> bool:
    if name == "moto":
        return _moto() is not None
    if name in (ASYNC_FLOOR, ASYNC_FAKE):
        try:
            import aiobotocore  # noqa: F401
        except ImportError:
            return False
    return True


def operations_of(name: str) -> tuple[str, ...]:
    return ("ListBuckets",) if name.startswith("S3") else OPERATIONS


def per_run(run: Run, number: int = 2000, repeat: int = 7) -> float:
    """Median seconds per call of ``run(number)``."""
    run(min(200, number))
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run(number)
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def bench_per_call() -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    for name, contender in CONTENDERS.items():
        if not available(name):
            continue
        number = 300 if name == "moto" else 2000
        rows[name] = {}
        for operation in operations_of(name):
            with contender(operation) as run:
                rows[name][operation] = per_run(run, number=number)
        if name == FAKE:
            rows[OWN_WORK] = _own_work()
        if name == FAKE_V2:
            rows[OWN_WORK_V2] = _own_work_v2()
    return rows


OWN_WORK = "(of which the fake's own work: CampaignsFake.engine.answer)"


def _own_work() -> dict[str, float]:
    client = new_client()
    with mock_campaigns(campaigns_per_instance=10**9) as active:
        active.add_instance("instance-1")
        campaign = active.add_campaign(connect_instance_id="instance-1", name="renewals")
        describe, create = _prepared(client, active, campaign.id)
        return {
            "DescribeCampaign": per_call(lambda: active.engine.answer(describe)),
            "CreateCampaign": per_call(lambda: active.engine.answer(create)),
        }


def _prepared(
    client: Any, fake: CampaignsFake, campaign_id: str, create: dict[str, Any] | None = None
) -> tuple[Any, Any]:
    """The HTTP requests botocore prepares for a Describe and a Create, as the fake gets them."""
    seen: list[Any] = []

    def keep(request: Any, **_: Any) -> None:
        seen.append(request)

    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}"
    client.meta.events.register_first(event, keep)
    client.describe_campaign(id=campaign_id)
    client.create_campaign(**(create or create_kwargs()))
    client.meta.events.unregister(event, keep)
    return seen[0], seen[1]


OWN_WORK_V2 = "(of which the fake's own work, connectcampaignsv2)"


def _own_work_v2() -> dict[str, float]:
    client = boto3.session.Session().client(
        "connectcampaignsv2",
        region_name=REGION,
        aws_access_key_id="AKIABENCHMARK0000000",
        aws_secret_access_key="secret",
    )
    with mock_campaigns() as active:
        active.v2.quotas.campaigns_per_instance = 10**9
        active.add_instance("instance-1")
        campaign = active.v2.add_campaign(connect_instance_id="instance-1", name="renewals")
        create = {
            "name": "campaign-0",
            "connectInstanceId": "instance-1",
            "channelSubtypeConfig": V2_CHANNELS,
        }
        describe, created = _prepared(client, active, campaign.id, create)
        return {
            "DescribeCampaign": per_call(lambda: active.engine.answer(describe)),
            "CreateCampaign": per_call(lambda: active.engine.answer(created)),
        }


def _moto() -> Any:
    try:
        from moto import mock_aws
    except ImportError:
        return None
    return mock_aws


def bench_per_test() -> dict[str, float]:
    client = new_client()

    def one_test() -> None:
        with mock_campaigns():
            client.list_campaigns()

    rows = {"pytest-campaigns-fake": per_call(one_test, number=500)}
    moto = _moto()
    if moto is not None:

        def one_moto_test() -> None:
            with moto():
                client.list_campaigns()

        rows["moto"] = per_call(one_moto_test, number=50, repeat=5)
    return rows


def bench_throttled() -> dict[str, float]:
    client = new_client()
    results = {}
    for mode in ("legacy", "standard", "adaptive"):
        moded = new_client(retries={"mode": mode})
        with mock_campaigns(require_onboarding=False) as fake:
            campaign = fake.add_campaign(connect_instance_id="instance-1")
            moded.describe_campaign(id=campaign.id)  # warm up
            samples = []
            for _ in range(20):
                fake.throttle("DescribeCampaign", times=2)
                start = time.perf_counter()
                answer = moded.describe_campaign(id=campaign.id)
                samples.append(time.perf_counter() - start)
                assert answer["ResponseMetadata"]["RetryAttempts"] == 2
            results[mode] = statistics.median(samples)
    del client
    return results


@contextmanager
def _scale_fake() -> Iterator[CampaignsFake]:
    with mock_campaigns(campaigns_per_instance=10**9) as fake:
        fake.add_instance("instance-1")
        yield fake


def bench_scale(count: int = 20_000, page: int = 50) -> dict[str, float]:
    client = new_client()
    with _scale_fake() as fake:
        start = time.perf_counter()
        for i in range(count):
            fake.add_campaign(connect_instance_id="instance-1", name=f"campaign-{i}")
        seeding = time.perf_counter() - start

        page_times: list[float] = []
        token = None
        listed = 0
        while True:
            kwargs: dict[str, Any] = {"maxResults": page}
            if token:
                kwargs["nextToken"] = token
            start = time.perf_counter()
            answer = client.list_campaigns(**kwargs)
            page_times.append(time.perf_counter() - start)
            listed += len(answer["campaignSummaryList"])
            token = answer.get("nextToken")
            if not token:
                break
        assert listed == count, listed
    first = statistics.median(page_times[:20])
    last = statistics.median(page_times[-20:])

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    with _scale_fake() as fake:
        for i in range(count):
            fake.add_campaign(connect_instance_id="instance-1", name=f"campaign-{i}")
        after = tracemalloc.take_snapshot()
        memory = sum(s.size_diff for s in after.compare_to(before, "filename")) / count
    tracemalloc.stop()
    return {
        "seeding_s": seeding,
        "first_pages_s": first,
        "last_pages_s": last,
        "pages": float(len(page_times)),
        "bytes_per_campaign": memory,
    }


# -- server mode: requests per second over HTTP, and the restart of a state file ----------------

SERVER = "pytest-campaigns-fake server (python -m pytest_campaigns_fake serve)"
MOTO_SERVER = "moto server (python -m moto.server)"
THREADS = 8


def _http_client(url: str) -> Any:
    """A connectcampaigns client of its own (session included) for ``url``."""
    return boto3.session.Session().client(
        "connectcampaigns",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="AKIABENCHMARK0000000",
        aws_secret_access_key="secret",
    )


def requests_per_second(
    url: str, operation: str, campaign_id: str, calls: int = 150, repeat: int = 3
) -> float:
    """Median requests/s of ``THREADS`` boto3 clients, each in a process of its own, making
    ``calls`` calls each against ``url`` at once (every call must succeed). Processes, not
    threads: clients sharing one interpreter would measure their own GIL, not the server."""
    samples = []
    for _ in range(repeat):
        samples.append(THREADS * calls / _at_once(url, operation, campaign_id, calls))
    return statistics.median(samples)


def _at_once(url: str, operation: str, campaign_id: str, calls: int) -> float:
    """Seconds from the first client's start to the last one's end, all starting together."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 1.5
    workers = [
        context.Process(
            target=_client_process, args=(url, operation, campaign_id, calls, start_at, results)
        )
        for _ in range(THREADS)
    ]
    for worker in workers:
        worker.start()
    spans = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join()
    failures = [span for span in spans if isinstance(span, str)]
    if failures:
        raise RuntimeError(failures[0])
    return max(end for _, end in spans) - min(begin for begin, _ in spans)


def _client_process(
    url: str, operation: str, campaign_id: str, calls: int, start_at: float, results: Any
) -> None:
    try:
        call = _call(_http_client(url), operation, campaign_id)
        for _ in range(5):  # warm up: the connection, botocore's caches
            call()
        time.sleep(max(0.0, start_at - time.time()))
        begin = time.time()
        for _ in range(calls):
            call()
        results.put((begin, time.time()))
    except BaseException as error:  # reported to the parent
        results.put(f"{type(error).__name__}: {error}")


def server_cpu_per_request(pid: int, run: Callable[[], int]) -> float:
    """CPU seconds the server process ``pid`` spent per request while ``run()`` made its
    requests (``run`` returns how many): the server's own cost, whatever the clients cost."""

    def cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    before = cpu()
    requests = run()
    return (cpu() - before) / requests


def _moto_server() -> bool:
    try:
        import moto.server  # noqa: F401
    except ImportError:  # moto without its server extra (flask, werkzeug)
        return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serving(command: list[str], url: str) -> Iterator[subprocess.Popen[bytes]]:
    """A server in a process of its own (so that it has a core and an interpreter to itself,
    as in a real deployment), ready when ``url`` answers."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{command} did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_server_throughput() -> dict[str, dict[str, float]]:
    """Requests/s of the fake's server and moto's, each in a process of its own, with
    ``THREADS`` boto3 clients in this one."""
    rows: dict[str, dict[str, float]] = {SERVER: {}}
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "pytest_campaigns_fake",
        "serve",
        "--port",
        str(port),
        "--campaigns-per-instance",
        str(10**9),
    ]
    with _serving(command, f"{url}/_fake/health") as process:
        onboard = urllib.request.Request(
            f"{url}/_fake/instances",
            data=json.dumps({"connectInstanceId": "instance-1"}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},  # what the control plane asks
        )
        urllib.request.urlopen(onboard).close()
        _measure(rows, SERVER, url, process.pid)
    if not _moto_server():
        return rows
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    moto = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with _serving(moto, url) as process:
        _measure(rows, MOTO_SERVER, url, process.pid)
    return rows


def _measure(rows: dict[str, dict[str, float]], name: str, url: str, pid: int) -> None:
    client = _http_client(url)
    campaign_id = client.create_campaign(**create_kwargs())["id"]
    rows[name] = {}
    rows[f"{name}: CPU per request"] = {}
    for operation in OPERATIONS:
        rows[name][operation] = requests_per_second(url, operation, campaign_id)
        rows[f"{name}: CPU per request"][operation] = server_cpu_per_request(
            pid, functools.partial(_serial, _call(client, operation, campaign_id))
        )


def _serial(call: Callable[[], Any], n: int = 300) -> int:
    for _ in range(n):
        call()
    return n


def bench_restart(count: int = 50_000, repeats: int = 3) -> dict[str, float]:
    """The time ``CampaignsServer(state=path)`` takes to open a state file holding ``count``
    v1 campaigns (benchmarks/state_restart.py builds the files): in its snapshot, as a clean
    stop leaves it, and the worst a ``kill -9`` leaves (the last requests before the running
    server's compaction still in the log, replayed at the start)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import state_restart

    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        for name, build in (
            ("snapshot", state_restart.build_snapshot),
            ("crashed", state_restart.build_crashed),
        ):
            path = Path(directory) / f"{name}.db"
            build(path, count)
            times, cpus = state_restart.time_open(path, count, repeats, False)
            measured[f"{name}_s"] = statistics.median(times)
            measured[f"{name}_cpu_s"] = statistics.median(cpus)
            measured[f"{name}_bytes"] = float(path.stat().st_size)
    return measured


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = f"botocore {botocore.__version__}, boto3 {boto3.__version__}"
    moto = _moto()
    if moto is not None:
        import moto as moto_module

        versions += f", moto {moto_module.__version__}"
    return (
        f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}; "
        f"pytest-campaigns-fake {pytest_campaigns_fake.__version__}"
    )


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


# -- instructions per call: deterministic where wall time on a shared machine is not --------


def run_calls(who: str, operation: str, n: int) -> None:
    """Child of ``bench_instructions``: a warm-up, then ``n`` calls, nothing else timed."""
    with CONTENDERS[who](operation) as run:
        run(30)
        run(n)


def bench_instructions(n: int = 300) -> dict[str, dict[str, int]] | None:
    """Instructions per call under callgrind (the difference of n calls and none)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None

    def count(who: str, operation: str, calls: int) -> int:
        result = subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                __file__,
                "--calls",
                who,
                operation,
                str(calls),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
        assert found is not None, result.stderr[-2000:]
        return int(found.group(1).replace(",", ""))

    rows: dict[str, dict[str, int]] = {}
    for name in COUNTED:
        if not available(name):
            continue
        calls = 100 if name == "moto" else n
        rows[name] = {
            op: (count(name, op, calls) - count(name, op, 0)) // calls for op in operations_of(name)
        }
    return rows


def _table(
    rows: dict[str, dict[str, float]],
    names: tuple[str, ...],
    base: str,
    cell: Callable[[float], str],
    operations: tuple[str, ...] = OPERATIONS,
) -> list[str]:
    """A markdown table of ``names`` (those measured), each with its ratio to ``base``."""
    lines = [
        "| | " + " | ".join(operations) + " | × " + base_short(base) + " |",
        "|---|" + "---|" * (len(operations) + 1),
    ]
    for name in names:
        if name not in rows:
            continue
        row = rows[name]
        ratio = " / ".join(f"{row[op] / rows[base][op]:.2f}" for op in operations)
        if name in (OWN_WORK, OWN_WORK_V2):
            ratio = ""
        lines.append(
            f"| {name} | " + " | ".join(cell(row[op]) for op in operations) + f" | {ratio} |"
        )
    return lines


def base_short(base: str) -> str:
    return "no fake" if base == S3_ALONE else "floor"


def count(value: float) -> str:
    return f"{value:,.0f}"


def worst(rows: dict[str, dict[str, float]], name: str, base: str) -> float:
    return max(rows[name][op] / rows[base][op] for op in rows[base])


def best_gain(rows: dict[str, dict[str, float]], slower: str, name: str) -> float:
    """How many times faster ``name`` is than ``slower``, on its least favourable operation."""
    return min(rows[slower][op] / rows[name][op] for op in rows[name])


def server_section(throughput: dict[str, dict[str, float]], restart: dict[str, float]) -> list[str]:
    """The "Server mode" section of the report."""
    lines = [
        "## Server mode",
        "",
        f"Requests per second over HTTP: {THREADS} boto3 clients (`endpoint_url`), each in a",
        "process of its own, making 150 calls each at once, median of 3 runs. Each server runs",
        "in a process of its own, as a deployment would: `python -m pytest_campaigns_fake serve`",
        "and `python -m moto.server`. On a 2-core machine the clients' own botocore work",
        "competes with the server for the cores, so the ratio of requests per second understates",
        "the servers' difference; the CPU each server spends per request (measured from its",
        "process's CPU time over 300 sequential calls) is the server's cost alone. Both servers",
        "are measured in the same run, one after the other: on a shared machine the absolute",
        "numbers move with the other jobs, and the ratios to moto's server are the ones to read.",
        "",
        "| | " + " | ".join(OPERATIONS) + " | × moto's server |",
        "|---|" + "---|" * (len(OPERATIONS) + 1),
    ]
    moto = throughput.get(MOTO_SERVER)
    for name in (SERVER, MOTO_SERVER):
        if name not in throughput:
            continue
        row = throughput[name]
        ratio = " / ".join(f"{row[op] / moto[op]:.2f}" for op in OPERATIONS) if moto else ""
        cells = " | ".join(f"{count(row[op])} requests/s" for op in OPERATIONS)
        lines.append(f"| {name} | {cells} | {ratio} |")
    for name in (SERVER, MOTO_SERVER):
        key = f"{name}: CPU per request"
        if key not in throughput:
            continue
        row = throughput[key]
        base = throughput.get(f"{MOTO_SERVER}: CPU per request")
        ratio = " / ".join(f"{base[op] / row[op]:.2f}" for op in OPERATIONS) if base else ""
        cells = " | ".join(f"{us(row[op])} CPU" for op in OPERATIONS)
        lines.append(f"| {key} | {cells} | {ratio} (moto's CPU ÷ this) |")
    lines.append("")
    if moto is not None:
        least = min(throughput[SERVER][op] / moto[op] for op in OPERATIONS)
        cpu = throughput[f"{SERVER}: CPU per request"]
        moto_cpu = throughput[f"{MOTO_SERVER}: CPU per request"]
        cheaper = min(moto_cpu[op] / cpu[op] for op in OPERATIONS)
        lines += [
            f"Target: at least 3× moto's server's requests/s. Least: {least:.2f}× "
            f"({verdict(least >= 3)}); server CPU per request at least 5× less than moto's: "
            f"{cheaper:.1f}× ({verdict(cheaper >= 5)}).",
            "",
        ]
    else:
        lines += ["moto's server is not measured: moto (with flask) is not installed.", ""]
    lines += [
        "Restart: the time `CampaignsServer(state=path)` takes to open a state file holding",
        "50,000 v1 campaigns (benchmarks/state_restart.py builds it): the lock, the read-only",
        "checks, the snapshot loaded, the log replayed, the run's options logged. A clean stop",
        "leaves every campaign in the snapshot; a `kill -9` leaves at worst the requests since",
        "the running server's last compaction (every 5,000) in the log. Median of 3 opens.",
        "",
        "| state file, 50,000 campaigns | size | open | CPU | target |",
        "|---|---|---|---|---|",
        *(
            f"| {label} | {restart[f'{key}_bytes'] / 2**20:,.1f} MiB | "
            f"{restart[f'{key}_s']:,.2f} s | {restart[f'{key}_cpu_s']:,.2f} s | "
            f"at most 2 s ({verdict(restart[f'{key}_s'] <= 2)}) |"
            for label, key in (("after a clean stop", "snapshot"), ("after a crash", "crashed"))
        ),
        "",
    ]
    return lines


def report() -> str:
    counted = bench_instructions()
    calls = bench_per_call()
    tests = bench_per_test()
    throttled = bench_throttled()
    scale = bench_scale()
    throughput = bench_server_throughput()
    restart = bench_restart()

    lines = [
        "# Performance",
        "",
        "Measured by `python benchmarks/run.py --write`: wall time is the median of repeated",
        "timed loops; instructions are counted by `valgrind --tool=callgrind` (the difference",
        "between a process making 300 calls and one making none, divided by 300; 100 for moto).",
        "Wall time on a shared virtual machine moves by 10 % between runs, instruction counts do",
        "not: targets are judged on instructions, with wall time alongside.",
        "",
        f"Machine: {machine()}.",
        "",
        "## Per call",
        "",
        "The floor is botocore alone: the client serializes, signs and hands the request to a",
        "bare `before-send` handler that returns a canned response, which botocore then parses.",
        "The fake keeps all of botocore's path that a user can observe (parameter validation,",
        "serialization, endpoint resolution, `before-sign`/`before-send` handlers, the parser,",
        "retries, the modelled exception classes); it skips what nobody can observe: the SigV4",
        "HMAC of a request that never leaves the process, and rebuilding the same User-Agent",
        "string twice per call (it is built once per client and set of features while a fake",
        "is active; see the fidelity page). Its own work (routing, validation, faults, the",
        "operation, the journal, encoding) is measured alone on the row below it.",
        "`botocore.stub.Stubber` answers before serialization and checks nothing the service",
        "would.",
        "",
        "### Wall time",
        "",
        *_table(
            calls,
            (FLOOR, FAKE, OWN_WORK, FAKE_V2, OWN_WORK_V2, "botocore Stubber", "moto"),
            FLOOR,
            us,
        ),
        "",
    ]
    if counted is not None:
        lines += [
            "### Instructions",
            "",
            *_table(counted, (FLOOR, FAKE, FAKE_V2, "moto"), FLOOR, count),
            "",
        ]
    judged = counted if counted is not None else calls
    on = "instructions" if counted is not None else "wall time"
    fake_ratio = worst(judged, FAKE, FLOOR)
    lines += [
        f"Target: at most 1.0× the floor, judged on {on}. Worst: {fake_ratio:.2f}× "
        f"({verdict(fake_ratio <= 1.0)}; wall time: {worst(calls, FAKE, FLOOR):.2f}×).",
        "",
    ]
    own = max(calls[OWN_WORK_V2][op] / calls[OWN_WORK][op] for op in OPERATIONS)
    whole = max(judged[FAKE_V2][op] / judged[FAKE][op] for op in OPERATIONS)
    lines += [
        "The v2 rows are the same two operations through a `connectcampaignsv2` client. The",
        "fake's own work for them is what v1's is; the call as a whole costs more where the",
        "v2 model answers more: a v2 `Campaign` carries `lastModifiedTime`, an ISO-8601",
        "timestamp botocore parses with dateutil (as it would AWS's answer).",
        "",
        f"Target: v2 costs what v1 does. The fake's own work: {own:.2f}× v1's (wall time); "
        f"the whole call: {whole:.2f}× ({on}).",
        "",
    ]
    if "moto" in judged:
        gain = best_gain(judged, "moto", FAKE)
        lines += [
            f"Target: at least 3× faster than moto per call, judged on {on}. Least: "
            f"{gain:.1f}× ({verdict(gain >= 3)}; "
            f"wall time: {best_gain(calls, 'moto', FAKE):.1f}×).",
            "",
        ]
    if ASYNC_FAKE in calls:
        lines += [
            "## Per call, async (aiobotocore)",
            "",
            "The same calls from an aiobotocore client, against aiobotocore's own floor (a bare",
            "`before-send` handler returning its response type).",
            "",
            "### Wall time",
            "",
            *_table(calls, (ASYNC_FLOOR, ASYNC_FAKE), ASYNC_FLOOR, us),
            "",
        ]
        if counted is not None and ASYNC_FAKE in counted:
            lines += [
                "### Instructions",
                "",
                *_table(counted, (ASYNC_FLOOR, ASYNC_FAKE), ASYNC_FLOOR, count),
                "",
            ]
        async_ratio = worst(judged, ASYNC_FAKE, ASYNC_FLOOR)
        lines += [
            f"Target: at most 1.0× aiobotocore's floor, judged on {on}. Worst: "
            f"{async_ratio:.2f}× ({verdict(async_ratio <= 1.0)}; wall time: "
            f"{worst(calls, ASYNC_FAKE, ASYNC_FLOOR):.2f}×).",
            "",
        ]
    else:
        lines += [
            "## Per call, async (aiobotocore)",
            "",
            "Not measured: aiobotocore is not installed where this ran.",
            "",
        ]
    beside = worst(judged, S3_BESIDE, S3_ALONE)
    lines += [
        "## Another service while a fake is active",
        "",
        "An S3 client (ListBuckets, answered by a bare `before-send` handler) with and without",
        "a fake active: every event of every client passes the fake's emitter, which sends",
        "other services' events straight on. The User-Agent memo applies to every client while",
        "a fake is active, which is why the ratio can be under 1.",
        "",
        "### Wall time",
        "",
        *_table(calls, (S3_ALONE, S3_BESIDE), S3_ALONE, us, ("ListBuckets",)),
        "",
    ]
    if counted is not None:
        lines += [
            "### Instructions",
            "",
            *_table(counted, (S3_ALONE, S3_BESIDE), S3_ALONE, count, ("ListBuckets",)),
            "",
        ]
    lines += [
        f"Target: at most 1.02× without a fake, judged on {on}: {beside:.3f}× "
        f"({verdict(beside <= 1.02)}; wall time: {worst(calls, S3_BESIDE, S3_ALONE):.3f}×).",
        "",
    ]
    lines += [
        "## Per test",
        "",
        "Activate a fresh fake, make one call (ListCampaigns), deactivate.",
        "",
        "| | per test |",
        "|---|---|",
    ]
    lines += [f"| {name} | {ms(value)} |" for name, value in tests.items()]
    per_test = tests["pytest-campaigns-fake"]
    lines += [
        "",
        f"Target: at most 1 ms ({verdict(per_test <= 0.001)}).",
        "",
        "## Throttled twice, then success",
        "",
        "One DescribeCampaign call answered ThrottlingException twice, then success",
        "(`RetryAttempts == 2`): botocore's backoff is recorded, not slept.",
        "",
        "| retry mode | wall time |",
        "|---|---|",
    ]
    lines += [f"| {mode} | {ms(value)} |" for mode, value in throttled.items()]
    slowest = max(throttled.values())
    lines += [
        "",
        f"Target: under 50 ms ({verdict(slowest < 0.05)}).",
        "",
        "## Scale: 20,000 campaigns in one instance",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| seeding 20,000 campaigns (`add_campaign`) | {ms(scale['seeding_s'])} | under 2 s "
        f"({verdict(scale['seeding_s'] < 2)}) |",
        f"| ListCampaigns page of 50, first 20 pages (median) | {us(scale['first_pages_s'])} | |",
        f"| ListCampaigns page of 50, last 20 pages (median) | {us(scale['last_pages_s'])} | "
        f"at most 1.5× the first "
        f"({verdict(scale['last_pages_s'] <= 1.5 * scale['first_pages_s'])}: "
        f"{scale['last_pages_s'] / scale['first_pages_s']:.2f}×) |",
        f"| pages in the full pagination | {scale['pages']:.0f} | |",
        f"| memory per campaign (tracemalloc) | {scale['bytes_per_campaign']:,.0f} bytes | "
        f"under 4 KB ({verdict(scale['bytes_per_campaign'] < 4096)}) |",
        "",
    ]
    lines += server_section(throughput, restart)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite docs/performance.md")
    parser.add_argument(
        "--server",
        action="store_true",
        help='measure and print the "Server mode" section alone (docs/performance.md untouched)',
    )
    parser.add_argument(
        "--calls", nargs=3, metavar=("WHO", "OPERATION", "N"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.calls:
        who, operation, n = args.calls
        run_calls(who, operation, int(n))
        return
    if args.server:
        if args.write:
            parser.error("--server prints one section; --write needs the whole report")
        print(f"Machine: {machine()}.\n")
        print("\n".join(server_section(bench_server_throughput(), bench_restart())))
        return
    text = report()
    print(text)
    if args.write:
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")
        print(f"\nwritten to {ROOT / 'docs' / 'performance.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
