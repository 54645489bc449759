"""Server mode in process: ``CampaignsServer`` on a loopback port, called over real HTTP.

boto3 clients reach it with ``endpoint_url=server.url`` (nothing is intercepted in this
process: the fake behind the server is never started), the control plane under ``/_fake/``
with ``urllib.request``, keep-alive with ``http.client``. The contract of the API itself is the
in-process suite's; here is what the server adds: the region from the SigV4 scope, the account
from the access key, AWS's 403 for unsigned requests, errors as modelled exceptions, many
requests over one connection, concurrent clients, and every control-plane route.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import boto3
import botocore
import pytest
import support_server
from botocore.config import Config
from support import (
    ACCESS_KEY,
    ACCOUNT,
    DIALER,
    INSTANCE,
    OTHER_ACCOUNT,
    OTHER_KEY,
    OTHER_REGION,
    REGION,
    SECRET_KEY,
    UUID_RE,
    Client,
    caught,
    create,
    dial,
    error_code,
    error_status,
    new_client,
    raises,
    seed,
    state_of,
)
from support_v2 import SERVICE_V2, TELEPHONY, create_v2, has_member, outbound_request

from pytest_campaigns_fake import CampaignsFake
from pytest_campaigns_fake.server._server import TOKEN_HEADER, CampaignsServer

# A SigV4 Authorization header as botocore writes it (the fake reads the scope, not the HMAC).
AUTHORIZATION = (
    f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/connect-campaigns/"
    "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)
CREATE_BODY: dict[str, Any] = {
    "name": "raw",
    "connectInstanceId": INSTANCE,
    "dialerConfig": DIALER,
    "outboundCallConfig": {"connectContactFlowId": "flow-1"},
}
# Every operation of the control plane, as its 404 lists them.
ROUTES = (
    "GET /_fake/health",
    "POST /_fake/accounts",
    "POST /_fake/reset",
    "POST /_fake/instances",
    "POST /_fake/instances/{instance}/onboarding",
    "POST /_fake/campaigns",
    "POST /_fake/campaigns/{campaign}/state",
    "GET /_fake/campaigns/{campaign}/requests",
    "POST /_fake/faults/errors",
    "POST /_fake/faults/throttle",
    "POST /_fake/faults/items",
    "GET /_fake/faults/unused",
    "DELETE /_fake/faults",
    "GET /_fake/clock",
    "POST /_fake/clock/advance",
    "GET /_fake/calls",
    "GET /_fake/snapshot",
    "PUT /_fake/snapshot",
    "POST /_fake/chaos",
    "GET /_fake/chaos",
    "DELETE /_fake/chaos",
)
# urllib without the machine's proxy settings: the server is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def server() -> Iterator[CampaignsServer]:
    with CampaignsServer() as served:
        yield served


# -- clients -------------------------------------------------------------------------------------


def v1(server: CampaignsServer, region: str = REGION, access_key: str = ACCESS_KEY) -> Client:
    """A connectcampaigns client of the server; one attempt, so the journal counts requests."""
    return new_client(region, access_key, endpoint_url=server.url, max_attempts=1)


def v2(server: CampaignsServer, region: str = REGION) -> Client:
    return boto3.session.Session().client(
        SERVICE_V2,
        region_name=region,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        endpoint_url=server.url,
        config=Config(retries={"total_max_attempts": 1}),
    )


def control(
    server: CampaignsServer,
    method: str,
    path: str,
    body: Any = None,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """A control-plane request: its status and JSON answer (``data`` is sent as it is)."""
    return support_server.control(server.url, method, path, body, headers, data=data)


def ok(server: CampaignsServer, method: str, path: str, body: Any = None) -> Any:
    status, answer = control(server, method, path, body)
    assert status == 200, answer
    return answer


def soon(fake: CampaignsFake) -> datetime:
    """An expiration time inside the dial request window (30 to 900 s from the fake's now)."""
    return fake.clock.now() + timedelta(minutes=5)


def operations(calls: Any) -> list[str]:
    return [call.operation for call in calls]


# -- the API over HTTP ---------------------------------------------------------------------------


def test_v1_lifecycle(server: CampaignsServer) -> None:
    client = v1(server)
    job = client.start_instance_onboarding_job(
        connectInstanceId=INSTANCE, encryptionConfig={"enabled": False}
    )["connectInstanceOnboardingJobStatus"]
    assert job == {"connectInstanceId": INSTANCE, "status": "IN_PROGRESS"}
    status = client.get_instance_onboarding_job_status(connectInstanceId=INSTANCE)
    assert status["connectInstanceOnboardingJobStatus"]["status"] == "SUCCEEDED"
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["encryptionConfig"] == {"enabled": False}

    created = create(client, name="renewals", tags={"team": "a"})
    campaign_id = created["id"]
    assert UUID_RE.fullmatch(campaign_id)
    assert created["arn"] == f"arn:aws:connect-campaigns:{REGION}:{ACCOUNT}:campaign/{campaign_id}"
    assert state_of(client, campaign_id) == "Initialized"
    client.start_campaign(id=campaign_id)
    assert state_of(client, campaign_id) == "Running"

    expires = soon(server.fake)
    first = client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[dial("t1", expires, "+15550101"), dial("t2", expires, "+15550102")],
    )
    assert [r["clientToken"] for r in first["successfulRequests"]] == ["t1", "t2"]
    assert first["failedRequests"] == []
    again = client.put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("t1", expires, "+15550101")]
    )
    assert again["successfulRequests"][0]["id"] == first["successfulRequests"][0]["id"]

    client.pause_campaign(id=campaign_id)
    assert state_of(client, campaign_id) == "Paused"
    client.resume_campaign(id=campaign_id)
    client.update_campaign_name(id=campaign_id, name="renewals-2")
    client.tag_resource(arn=created["arn"], tags={"env": "test"})
    client.untag_resource(arn=created["arn"], tagKeys=["team"])
    assert client.list_tags_for_resource(arn=created["arn"])["tags"] == {"env": "test"}
    described = client.describe_campaign(id=campaign_id)["campaign"]
    assert described["name"] == "renewals-2"
    assert described["dialerConfig"] == DIALER
    listed = client.list_campaigns()["campaignSummaryList"]
    assert [(c["id"], c["name"]) for c in listed] == [(campaign_id, "renewals-2")]
    batch = client.get_campaign_state_batch(campaignIds=[campaign_id])
    assert batch["successfulRequests"] == [{"campaignId": campaign_id, "state": "Running"}]
    client.stop_campaign(id=campaign_id)
    client.delete_campaign(id=campaign_id)
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id=campaign_id)

    # The fake behind the server holds what the requests did, and journaled each of them.
    accepted = server.fake.dial_requests(campaign_id)
    assert [(r.client_token, r.phone_number) for r in accepted] == [
        ("t1", "+15550101"),
        ("t2", "+15550102"),
    ]
    assert operations(server.fake.calls) == [
        "StartInstanceOnboardingJob",
        "GetInstanceOnboardingJobStatus",
        "GetConnectInstanceConfig",
        "CreateCampaign",
        "GetCampaignState",
        "StartCampaign",
        "GetCampaignState",
        "PutDialRequestBatch",
        "PutDialRequestBatch",
        "PauseCampaign",
        "GetCampaignState",
        "ResumeCampaign",
        "UpdateCampaignName",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
        "DescribeCampaign",
        "ListCampaigns",
        "GetCampaignStateBatch",
        "StopCampaign",
        "DeleteCampaign",
        "DescribeCampaign",
    ]
    assert {(call.region, call.account) for call in server.fake.calls} == {(REGION, ACCOUNT)}
    assert server.fake.calls.last.status_code == 404
    assert not server.fake.active  # answered over HTTP, nothing intercepted in process


def test_v2_lifecycle(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    client = v2(server)
    created = create_v2(client, name="v2-campaign", tags={"team": "b"})
    campaign_id = created["id"]
    assert UUID_RE.fullmatch(campaign_id)
    described = client.describe_campaign(id=campaign_id)["campaign"]
    assert described["channelSubtypeConfig"]["telephony"]["connectQueueId"] == "queue-1"
    if has_member("Campaign", "lastModifiedTime"):  # not in botocore 1.38's model
        assert isinstance(described["lastModifiedTime"], datetime)
    else:
        assert "lastModifiedTime" not in described
    client.start_campaign(id=campaign_id)
    assert client.get_campaign_state(id=campaign_id)["state"] == "Running"

    expires = server.fake.clock.now() + timedelta(hours=1)
    put = client.put_outbound_request_batch(
        id=campaign_id, outboundRequests=[outbound_request("o1", expires, "+15550111")]
    )
    assert [r["clientToken"] for r in put["successfulRequests"]] == ["o1"]
    repeated = client.put_outbound_request_batch(
        id=campaign_id, outboundRequests=[outbound_request("o1", expires, "+15550111")]
    )
    assert repeated["successfulRequests"][0]["id"] == put["successfulRequests"][0]["id"]

    client.pause_campaign(id=campaign_id)
    client.resume_campaign(id=campaign_id)
    client.update_campaign_name(id=campaign_id, name="v2-renamed")
    assert [c["name"] for c in client.list_campaigns()["campaignSummaryList"]] == ["v2-renamed"]
    client.stop_campaign(id=campaign_id)
    assert client.get_campaign_state(id=campaign_id)["state"] == "Stopped"
    client.delete_campaign(id=campaign_id)
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id=campaign_id)

    accepted = server.fake.v2.outbound_requests(campaign_id)
    assert [r.client_token for r in accepted] == ["o1"]
    assert operations(server.fake.v2.calls) == [
        "CreateCampaign",
        "DescribeCampaign",
        "StartCampaign",
        "GetCampaignState",
        "PutOutboundRequestBatch",
        "PutOutboundRequestBatch",
        "PauseCampaign",
        "ResumeCampaign",
        "UpdateCampaignName",
        "ListCampaigns",
        "StopCampaign",
        "GetCampaignState",
        "DeleteCampaign",
        "DescribeCampaign",
    ]
    assert {call.service for call in server.fake.calls} == {SERVICE_V2}


def test_region_comes_from_the_sigv4_scope(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    seeded = seed(server.fake, name="east")  # the fake's region: us-east-1
    east, west = v1(server), v1(server, region=OTHER_REGION)
    assert [c["id"] for c in east.list_campaigns()["campaignSummaryList"]] == [seeded]
    assert west.list_campaigns()["campaignSummaryList"] == []
    with raises(west, "ResourceNotFoundException", 404):
        west.describe_campaign(id=seeded)
    # A campaign created in eu-west-2 lives there, with that region in its ARN.
    server.fake.add_instance(INSTANCE, region=OTHER_REGION)
    made = create(west, name="west")
    assert made["arn"].startswith(f"arn:aws:connect-campaigns:{OTHER_REGION}:{ACCOUNT}:")
    assert [c["id"] for c in east.list_campaigns()["campaignSummaryList"]] == [seeded]
    assert [call.region for call in server.fake.calls] == [
        REGION,
        OTHER_REGION,
        OTHER_REGION,
        OTHER_REGION,
        REGION,
    ]


def test_account_comes_from_the_access_key(server: CampaignsServer) -> None:
    server.fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    server.fake.add_instance(INSTANCE, account_id=OTHER_ACCOUNT)
    other, default = v1(server, access_key=OTHER_KEY), v1(server)
    made = create(other, name="other-account")
    assert made["arn"] == (
        f"arn:aws:connect-campaigns:{REGION}:{OTHER_ACCOUNT}:campaign/{made['id']}"
    )
    assert default.list_campaigns()["campaignSummaryList"] == []
    with raises(default, "ResourceNotFoundException", 404):
        default.describe_campaign(id=made["id"])
    assert [c["id"] for c in other.list_campaigns()["campaignSummaryList"]] == [made["id"]]
    assert [call.account for call in server.fake.calls] == [
        OTHER_ACCOUNT,
        ACCOUNT,
        ACCOUNT,
        OTHER_ACCOUNT,
    ]


def test_env_reaches_the_server(server: CampaignsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """``server.env`` is all a client needs: endpoints of both APIs, credentials, region."""
    server.fake.add_instance(INSTANCE)
    seeded = seed(server.fake, name="from-env")
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    session = boto3.session.Session()
    listed = session.client("connectcampaigns").list_campaigns()["campaignSummaryList"]
    assert [c["id"] for c in listed] == [seeded]
    assert session.client(SERVICE_V2).list_campaigns()["campaignSummaryList"] == []
    assert operations(server.fake.calls) == ["ListCampaigns", "ListCampaigns"]
    assert [call.service for call in server.fake.calls] == ["connectcampaigns", SERVICE_V2]


def test_unsigned_request_is_refused_with_403(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    seed(server.fake)
    unsigned = new_client(
        endpoint_url=server.url, max_attempts=1, config=Config(signature_version=botocore.UNSIGNED)
    )
    error = caught(unsigned.list_campaigns)
    assert error_code(error) == "MissingAuthenticationTokenException"
    assert error_status(error) == 403
    assert "campaignSummaryList" not in error.response
    assert server.fake.calls.last.status_code == 403
    # The same request signed is answered.
    assert len(v1(server).list_campaigns()["campaignSummaryList"]) == 1


def test_modelled_errors_reach_boto3_as_their_classes(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    client = v1(server)
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id="no-such-campaign")
    initialized = seed(server.fake)
    with raises(client, "InvalidCampaignStateException", 409) as info:
        client.pause_campaign(id=initialized)
    assert info.value.response["state"] == "Initialized"
    unvalidated = new_client(endpoint_url=server.url, validate=False, max_attempts=1)
    with raises(unvalidated, "ValidationException", 400):
        unvalidated.list_campaigns(maxResults=0)
    server.fake.inject_error("ListCampaigns", "AccessDeniedException")
    with raises(client, "AccessDeniedException", 403):
        client.list_campaigns()
    server.fake.throttle("GetCampaignState")
    with raises(client, "ThrottlingException", 429):
        client.get_campaign_state(id=initialized)
    client_v2 = v2(server)
    with raises(client_v2, "ResourceNotFoundException", 404):
        client_v2.describe_campaign(id="no-such-campaign")
    assert [call.status_code for call in server.fake.calls] == [404, 409, 400, 403, 429, 404]


def test_keep_alive_serves_many_requests_on_one_connection(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    api_headers = {"Authorization": AUTHORIZATION, "Content-Type": "application/json"}
    requests: list[tuple[str, str, bytes | None, dict[str, str], int]] = [
        ("GET", "/_fake/health", None, {}, 200),
        ("PUT", "/campaigns", json.dumps(CREATE_BODY).encode(), api_headers, 200),
        ("POST", "/campaigns-summary", b"{}", api_headers, 200),
        ("GET", "/campaigns/no-such-campaign", None, api_headers, 404),
        ("GET", "/_fake/no-such-route", None, {}, 404),
        ("PUT", "/campaigns", json.dumps(CREATE_BODY).encode(), api_headers, 200),
        ("GET", "/_fake/calls", None, {}, 200),
    ]
    try:
        connection.connect()
        sock = connection.sock
        for method, path, body, headers, expected in requests:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            assert response.status == expected, (path, payload)
            assert response.getheader("Content-Length") == str(len(payload))
            assert not response.will_close, path
            assert connection.sock is sock, f"the connection was closed after {path}"
        calls = json.loads(payload)["calls"]
    finally:
        connection.close()
    assert [c["operation"] for c in calls] == [
        "CreateCampaign",
        "ListCampaigns",
        "DescribeCampaign",
        "CreateCampaign",
    ]
    assert len(server.fake.campaigns) == 2


def test_chunked_request_body(server: CampaignsServer) -> None:
    """Some SDKs stream request bodies (Transfer-Encoding: chunked); the connection stays
    usable after one."""
    server.fake.add_instance(INSTANCE)
    body = json.dumps(CREATE_BODY).encode()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        connection.request(
            "PUT",
            "/campaigns",
            body=iter([body[:7], body[7:20], body[20:]]),
            headers={"Authorization": AUTHORIZATION, "Transfer-Encoding": "chunked"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        created = json.loads(response.read())
        assert response.status == 200, created
        connection.request("GET", "/_fake/health")
        response = connection.getresponse()
        assert (response.status, json.loads(response.read())) == (200, {"ok": True})
    finally:
        connection.close()
    assert server.fake.campaign(created["id"]).name == "raw"
    assert server.fake.calls.last.params["dialerConfig"] == DIALER


@pytest.mark.parametrize("length", ["abc", "-1"])
def test_malformed_content_length_is_400(server: CampaignsServer, length: str) -> None:
    with socket.create_connection((server.host, server.port), timeout=2) as raw:
        raw.sendall(
            f"POST /_fake/reset HTTP/1.1\r\nHost: {server.host}\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
        )
        try:
            answer = raw.recv(65536)
        except socket.timeout:
            answer = b""
    assert answer.startswith(b"HTTP/1.1 400 "), answer


def test_concurrent_clients_lose_nothing(server: CampaignsServer) -> None:
    workers, each = 8, 10
    for n in range(workers):
        server.fake.add_instance(f"instance-{n}")
    clients = [v1(server) for _ in range(workers)]
    start = threading.Barrier(workers, timeout=60)

    def work(n: int) -> list[str]:
        start.wait()
        return [
            create(clients[n], name=f"c{n}-{i}", instance=f"instance-{n}")["id"]
            for i in range(each)
        ]

    with ThreadPoolExecutor(workers) as pool:
        returned = [i for ids in pool.map(work, range(workers)) for i in ids]

    assert len(returned) == len(set(returned)) == workers * each
    pages = v1(server).get_paginator("list_campaigns").paginate(PaginationConfig={"PageSize": 7})
    listed = [c for page in pages for c in page["campaignSummaryList"]]
    assert sorted(c["id"] for c in listed) == sorted(returned)
    for summary in listed:  # every campaign on its worker's instance, under its own name
        n = summary["name"].split("-")[0][1:]
        assert summary["connectInstanceId"] == f"instance-{n}"
    creates = server.fake.calls.filter("CreateCampaign")
    assert len(creates) == workers * each == len({call.request_id for call in creates})
    assert all(call.status_code == 200 for call in creates)
    assert sorted(call.response["id"] for call in creates if call.response) == sorted(returned)


# -- the control plane ---------------------------------------------------------------------------


def test_health(server: CampaignsServer) -> None:
    assert control(server, "GET", "health") == (200, {"ok": True})


def test_reset_forgets_state_and_calls(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    seed(server.fake)
    v1(server).list_campaigns()
    assert ok(server, "POST", "reset") == {}
    assert server.fake.campaigns == []
    assert len(server.fake.calls) == 0
    with pytest.raises(KeyError):
        server.fake.instance(INSTANCE)


def test_instances_and_onboarding(server: CampaignsServer) -> None:
    added = ok(server, "POST", "instances", {"connectInstanceId": INSTANCE})
    assert added["job"] == {"connectInstanceId": INSTANCE, "status": "SUCCEEDED"}
    role = added["config"]["serviceLinkedRoleArn"]
    client = v1(server)
    config = client.get_connect_instance_config(connectInstanceId=INSTANCE)
    assert config["connectInstanceConfig"]["serviceLinkedRoleArn"] == role

    pending = ok(server, "POST", "instances", {"connectInstanceId": "i-2", "status": "IN_PROGRESS"})
    assert pending["job"]["status"] == "IN_PROGRESS"
    failed = ok(
        server,
        "POST",
        "instances/i-2/onboarding",
        {"status": "FAILED", "failureCode": "KMS_ACCESS_DENIED"},
    )
    assert failed["job"]["failureCode"] == "KMS_ACCESS_DENIED"
    job = client.get_instance_onboarding_job_status(connectInstanceId="i-2")
    assert job["connectInstanceOnboardingJobStatus"] == {
        "connectInstanceId": "i-2",
        "status": "FAILED",
        "failureCode": "KMS_ACCESS_DENIED",
    }

    west = ok(server, "POST", "instances", {"connectInstanceId": "i-3", "region": OTHER_REGION})
    assert west["job"]["status"] == "SUCCEEDED"
    assert server.fake.instance("i-3", region=OTHER_REGION).status == "SUCCEEDED"
    with pytest.raises(KeyError):
        server.fake.instance("i-3")


def test_campaigns_v1_and_their_state(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    answer = ok(
        server,
        "POST",
        "campaigns",
        {"connectInstanceId": INSTANCE, "name": "seeded", "tags": {"k": "v"}, "state": "Paused"},
    )
    assert answer["state"] == "Paused"
    campaign_id = answer["campaign"]["id"]
    client = v1(server)
    described = client.describe_campaign(id=campaign_id)["campaign"]
    assert described == answer["campaign"]
    assert described["tags"] == {"k": "v"}
    assert state_of(client, campaign_id) == "Paused"

    moved = ok(server, "POST", f"campaigns/{campaign_id}/state", {"state": "Running"})
    assert moved == {"id": campaign_id, "state": "Running"}
    assert state_of(client, campaign_id) == "Running"


def test_campaigns_v2(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    answer = ok(
        server,
        "POST",
        "campaigns",
        {
            "api": "v2",
            "connectInstanceId": INSTANCE,
            "name": "v2-seeded",
            "state": "Running",
            "schedule": {"startTime": "2030-01-02T12:00:00Z", "endTime": "2030-01-03T12:00:00Z"},
        },
    )
    assert answer["state"] == "Running"
    described = v2(server).describe_campaign(id=answer["campaign"]["id"])["campaign"]
    assert described["name"] == "v2-seeded"
    # The answer's instants are JSON as the wire writes them (ISO-8601): the schedule's in
    # every model, lastModifiedTime where the installed model has it (not botocore 1.38's).
    instants: list[tuple[str, ...]] = [("schedule", "startTime"), ("schedule", "endTime")]
    if has_member("Campaign", "lastModifiedTime"):
        instants.append(("lastModifiedTime",))
    else:
        assert "lastModifiedTime" not in answer["campaign"]
    for path in instants:
        written: Any = answer["campaign"]
        parsed: Any = described
        for step in path:
            written, parsed = written[step], parsed[step]
        assert isinstance(written, str), path
        assert datetime.fromisoformat(written.replace("Z", "+00:00")) == parsed, path


def test_campaign_state_v2(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    campaign_id = server.fake.v2.add_campaign(connect_instance_id=INSTANCE).id
    moved = ok(server, "POST", f"campaigns/{campaign_id}/state", {"api": "v2", "state": "Paused"})
    assert moved == {"id": campaign_id, "state": "Paused"}
    assert v2(server).get_campaign_state(id=campaign_id)["state"] == "Paused"
    # v1 does not know a v2 campaign: the fake's own KeyError, as a 400
    status, answer = control(server, "POST", f"campaigns/{campaign_id}/state", {"state": "Paused"})
    assert status == 400
    assert campaign_id in answer["error"]


def test_accepted_requests_v1_and_v2(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    v1_id = seed(server.fake, "Running")
    expires = soon(server.fake)
    sent = v1(server).put_dial_request_batch(
        id=v1_id, dialRequests=[dial("t1", expires, "+15550101", {"a": "b"})]
    )
    answer = ok(server, "GET", f"campaigns/{v1_id}/requests")
    assert answer == {
        "dialRequests": [
            {
                "id": sent["successfulRequests"][0]["id"],
                "clientToken": "t1",
                "phoneNumber": "+15550101",
                "expirationTime": answer["dialRequests"][0]["expirationTime"],
                "attributes": {"a": "b"},
                "acceptedAt": answer["dialRequests"][0]["acceptedAt"],
            }
        ]
    }
    accepted = server.fake.dial_requests(v1_id)[0]
    assert answer["dialRequests"][0]["expirationTime"].startswith(
        accepted.expiration_time.strftime("%Y-%m-%dT%H:%M:%S")
    )

    v2_id = server.fake.v2.add_campaign(
        connect_instance_id=INSTANCE, channel_subtype_config={"telephony": TELEPHONY}
    ).id
    server.fake.v2.set_campaign_state(v2_id, "Running")
    put = v2(server).put_outbound_request_batch(
        id=v2_id, outboundRequests=[outbound_request("o1", expires)]
    )
    answer = ok(server, "GET", f"campaigns/{v2_id}/requests")
    assert [(r["id"], r["clientToken"]) for r in answer["outboundRequests"]] == [
        (put["successfulRequests"][0]["id"], "o1")
    ]
    assert answer["profileOutboundRequests"] == []


def test_fault_errors_v1_and_v2(server: CampaignsServer) -> None:
    answer = ok(
        server,
        "POST",
        "faults/errors",
        {"operation": "ListCampaigns", "code": "AccessDeniedException", "message": "nope"},
    )
    assert "AccessDeniedException" in answer["fault"]
    v2_fault = {"api": "v2", "operation": "ListCampaigns", "code": "InternalServerException"}
    ok(server, "POST", "faults/errors", v2_fault)
    client, client_v2 = v1(server), v2(server)
    with raises(client, "AccessDeniedException", 403) as info:
        client.list_campaigns()
    assert info.value.response["Error"]["Message"] == "nope"
    assert client.list_campaigns()["campaignSummaryList"] == []  # times=1 by default
    with raises(client_v2, "InternalServerException", 500):
        client_v2.list_campaigns()
    assert [call.injected for call in server.fake.calls] == [True, False, True]


def test_fault_throttle(server: CampaignsServer) -> None:
    answer = ok(server, "POST", "faults/throttle", {"operation": "ListCampaigns", "times": 2})
    assert "ThrottlingException" in answer["fault"]
    client = v1(server)
    for _ in range(2):
        with raises(client, "ThrottlingException", 429):
            client.list_campaigns()
    client.list_campaigns()
    # v2 throttles only the operations whose model lists ThrottlingException.
    status, refused = control(
        server, "POST", "faults/throttle", {"api": "v2", "operation": "ListCampaigns"}
    )
    assert status == 400 and "GetCampaignState" in refused["error"], refused
    ok(server, "POST", "faults/throttle", {"api": "v2", "operation": "GetCampaignState"})
    client_v2 = v2(server)
    with raises(client_v2, "ThrottlingException", 429):
        client_v2.get_campaign_state(id="campaign-1")
    assert [call.status_code for call in server.fake.calls] == [429, 429, 200, 429]


def test_fault_items_and_unused(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    campaign_id = seed(server.fake, "Running")
    ok(
        server,
        "POST",
        "faults/items",
        {
            "operation": "PutDialRequestBatch",
            "code": "RequestThrottled",
            "match": {"clientToken": "t2"},
        },
    )
    ok(
        server,
        "POST",
        "faults/errors",
        {"operation": "DeleteCampaign", "code": "AccessDeniedException"},
    )
    unused = ok(server, "GET", "faults/unused")["unused"]
    assert len(unused) == 2
    assert "RequestThrottled" in unused[0] and "AccessDeniedException" in unused[1]

    expires = soon(server.fake)
    answer = v1(server).put_dial_request_batch(
        id=campaign_id, dialRequests=[dial("t1", expires), dial("t2", expires, "+15550102")]
    )
    assert [r["clientToken"] for r in answer["successfulRequests"]] == ["t1"]
    assert [(r["clientToken"], r["failureCode"]) for r in answer["failedRequests"]] == [
        ("t2", "RequestThrottled")
    ]
    unused = ok(server, "GET", "faults/unused")["unused"]
    assert len(unused) == 1 and "AccessDeniedException" in unused[0]
    assert [rule.describe() for rule in server.fake.unused_faults] == unused

    status, answer = control(server, "POST", "faults/items", {"operation": "PutDialRequestBatch"})
    assert (status, answer["error"]) == (400, "operation and code are required")


def test_clock_and_advance(server: CampaignsServer) -> None:
    before = datetime.fromisoformat(ok(server, "GET", "clock")["now"].replace("Z", "+00:00"))
    advanced = ok(server, "POST", "clock/advance", {"seconds": 86400})["now"]
    after = datetime.fromisoformat(advanced.replace("Z", "+00:00"))
    assert after - before >= timedelta(days=1)
    assert after - before < timedelta(days=1, minutes=5)
    assert server.fake.clock.now() >= after
    status, answer = control(server, "POST", "clock/advance", {"seconds": "soon"})
    assert status == 400
    assert "TypeError" in answer["error"]


def test_calls(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    client = v1(server)
    campaign_id = create(client, name="journaled")["id"]
    with raises(client, "ResourceNotFoundException", 404):
        client.describe_campaign(id="missing")
    v2(server).list_campaigns()
    calls = ok(server, "GET", "calls")["calls"]
    assert [(c["service"], c["operation"], c["statusCode"]) for c in calls] == [
        ("connectcampaigns", "CreateCampaign", 200),
        ("connectcampaigns", "DescribeCampaign", 404),
        (SERVICE_V2, "ListCampaigns", 200),
    ]
    first = calls[0]
    assert first["params"]["name"] == "journaled"
    assert first["response"]["id"] == campaign_id
    assert (first["region"], first["account"], first["attempt"]) == (REGION, ACCOUNT, 1)
    assert first["requestId"] == server.fake.calls[0].request_id
    assert first["summary"] == server.fake.calls[0].summary()
    assert calls[1]["errorCode"] == "ResourceNotFoundException"
    assert calls[1]["errorMessage"]


def test_snapshot_get_and_put(server: CampaignsServer) -> None:
    server.fake.add_instance(INSTANCE)
    kept = seed(server.fake, "Paused", name="kept")
    snapshot = ok(server, "GET", "snapshot")
    assert snapshot == server.fake.snapshot()
    ok(server, "POST", "reset")
    assert server.fake.campaigns == []
    assert ok(server, "PUT", "snapshot", snapshot) == {}
    assert [c.id for c in server.fake.campaigns] == [kept]
    assert state_of(v1(server), kept) == "Paused"
    status, answer = control(server, "PUT", "snapshot", {"format": "something-else"})
    assert status == 400
    assert answer["error"]
    assert [c.id for c in server.fake.campaigns] == [kept]


def test_bad_arguments_are_400_with_the_fakes_message(server: CampaignsServer) -> None:
    with pytest.raises(ValueError) as refused:
        CampaignsFake().add_instance("not an id!")
    status, answer = control(server, "POST", "instances", {"connectInstanceId": "not an id!"})
    assert status == 400
    assert answer["error"] == f"ValueError: {refused.value}"

    status, answer = control(server, "POST", "instances", {"instanceId": INSTANCE})
    assert status == 400
    assert answer["error"].startswith("unknown member(s) instanceId; this operation takes: ")
    assert "connectInstanceId" in answer["error"]
    status, answer = control(server, "POST", "campaigns", {"api": "v3"})
    assert (status, answer["error"]) == (400, "api must be 'v1' or 'v2', not 'v3'")
    status, answer = control(server, "POST", "reset", data=b"{not json")
    assert status == 400
    assert answer["error"].startswith("the body is not JSON")
    assert server.fake.campaigns == []


@pytest.mark.parametrize(
    "data",
    [b"[1]", b'[["pairs", 1]]', b'"text"', b"3"],
    ids=["array", "pairs", "string", "number"],
)
def test_a_body_that_is_not_an_object_is_400(server: CampaignsServer, data: bytes) -> None:
    status, answer = control(server, "POST", "reset", data=data)
    assert status == 400
    assert "JSON object" in answer["error"]


def test_unknown_path_is_404_listing_the_operations(server: CampaignsServer) -> None:
    status, answer = control(server, "GET", "no/such/thing")
    assert status == 404
    message = answer["error"]
    assert message.startswith("No control operation at /_fake/no/such/thing; the operations are: ")
    for route in ROUTES:
        if "{" not in route:
            assert route in message
    assert message.count("/_fake/") == len(ROUTES) + 1


def test_unknown_path_lists_labelled_routes_readably(server: CampaignsServer) -> None:
    message = control(server, "GET", "no/such/thing")[1]["error"]
    for route in ROUTES:
        assert route in message


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "health"), ("DELETE", "reset"), ("GET", "campaigns"), ("POST", "snapshot")],
)
def test_wrong_method_is_405(server: CampaignsServer, method: str, path: str) -> None:
    status, answer = control(server, method, path, {} if method != "GET" else None)
    assert status == 405
    assert answer == {"error": f"{method} is not allowed on /_fake/{path}"}


# -- the control plane's token -------------------------------------------------------------------


@pytest.fixture
def guarded() -> Iterator[CampaignsServer]:
    with CampaignsServer(control_token="t") as served:
        served.fake.add_instance(INSTANCE)
        seed(served.fake)
        yield served


@pytest.mark.parametrize(
    "headers",
    [{}, {TOKEN_HEADER: "wrong"}, {"Authorization": "Bearer wrong"}, {TOKEN_HEADER: ""}],
    ids=["none", "wrong-header", "wrong-bearer", "empty"],
)
def test_control_token_is_required(guarded: CampaignsServer, headers: dict[str, str]) -> None:
    status, answer = control(guarded, "GET", "clock", headers=headers)
    assert status == 401
    assert TOKEN_HEADER in answer["error"]
    status, _ = control(guarded, "POST", "reset", {}, headers=headers)
    assert status == 401
    assert len(guarded.fake.campaigns) == 1  # refused before anything changed


@pytest.mark.parametrize(
    "headers", [{TOKEN_HEADER: "t"}, {"Authorization": "Bearer t"}], ids=["header", "bearer"]
)
def test_control_token_is_accepted(guarded: CampaignsServer, headers: dict[str, str]) -> None:
    assert control(guarded, "GET", "clock", headers=headers)[0] == 200
    assert control(guarded, "POST", "reset", {}, headers=headers) == (200, {})
    assert guarded.fake.campaigns == []


def test_api_requests_need_no_control_token(guarded: CampaignsServer) -> None:
    assert len(v1(guarded).list_campaigns()["campaignSummaryList"]) == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [(TOKEN_HEADER.lower(), "t"), ("authorization", "Bearer t")],
    ids=["x-fake-control-token", "authorization"],
)
def test_control_token_header_name_is_case_insensitive(
    guarded: CampaignsServer, name: str, value: str
) -> None:
    connection = http.client.HTTPConnection(guarded.host, guarded.port, timeout=30)
    try:
        connection.putrequest("GET", "/_fake/clock")
        connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 200, response.read()
    finally:
        connection.close()


def test_loopback_server_has_no_token_unless_given() -> None:
    with CampaignsServer() as plain, CampaignsServer(control_token="given") as given:
        assert plain.control_token is None
        assert given.control_token == "given"
        assert plain.url == f"http://127.0.0.1:{plain.port}"


def test_non_loopback_server_makes_up_a_token() -> None:
    # Bound to every address; no request is sent to it (the tests stay on loopback).
    with CampaignsServer(host="0.0.0.0", port=0) as exposed:
        token = exposed.control_token
        assert token is not None and len(token) >= 20
        assert exposed.port > 0
    with CampaignsServer(host="0.0.0.0", port=0) as another:
        assert another.control_token not in (None, token)
    with CampaignsServer(host="0.0.0.0", port=0, control_token="chosen") as chosen:
        assert chosen.control_token == "chosen"


# -- the server object ---------------------------------------------------------------------------


def test_options_and_a_given_fake() -> None:
    fake = CampaignsFake(region=OTHER_REGION)
    with CampaignsServer(fake) as given:
        assert given.fake is fake
        assert given.env["AWS_DEFAULT_REGION"] == OTHER_REGION
    with pytest.raises(TypeError, match="options apply to a fake the server makes"):
        CampaignsServer(fake, seed=1)
    with CampaignsServer(seed="s", require_onboarding=False) as made:
        assert made.fake.options.seed == "s"
        assert create(v1(made))["id"]  # no onboarded instance needed


def _stops_within(server: CampaignsServer, seconds: float) -> bool:
    """Whether ``server.stop()`` returns within ``seconds`` (run on a thread of its own)."""
    stopping = threading.Thread(target=server.stop, daemon=True)
    stopping.start()
    stopping.join(seconds)
    stopped = not stopping.is_alive()
    if not stopped:  # serve_forever sees the shutdown request at once and releases stop()
        server.start()
        stopping.join(30)
    return stopped


def test_stop_without_start_returns() -> None:
    never_started = CampaignsServer()
    assert _stops_within(never_started, 2)
    with pytest.raises(OSError):  # the socket is closed all the same
        http.client.HTTPConnection("127.0.0.1", never_started.port, timeout=5).connect()


def test_stop_after_start_returns() -> None:
    served = CampaignsServer().start()
    assert _stops_within(served, 30)
    with pytest.raises(OSError):
        http.client.HTTPConnection(served.host, served.port, timeout=5).connect()


@pytest.mark.parametrize(
    ("method", "path", "body", "said"),
    [
        ("POST", "accounts", {}, "accessKeyId and accountId are required"),
        ("DELETE", "faults", {"accountId": "123"}, "12 ASCII digits, not '123'"),
        ("DELETE", "faults", {"accountId": 7}, "12 ASCII digits, not 7"),
        ("GET", "calls", {"accountId": []}, "12 ASCII digits, not []"),
        ("GET", "faults/unused", {"accountId": "x"}, "12 ASCII digits, not 'x'"),
        ("DELETE", "chaos", {"test": 5}, "test must be the test's node id (a string), not 5"),
    ],
)
def test_a_member_that_could_never_match_is_refused(
    server: CampaignsServer, method: str, path: str, body: Any, said: str
) -> None:
    # An account or test no request could carry would scope the call to nothing: refused, not
    # answered with an empty list (or "0 removed") that reads as success.
    server.fake.inject_error("ListCampaigns", "ThrottlingException", times=None)
    status, answer = control(server, method, path, body)
    assert status == 400
    assert said in answer["error"]
    assert len(server.fake.unused_faults) == 1  # nothing removed
    server.fake.reset()
