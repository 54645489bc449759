"""Faults a test sets up on purpose, seen through real boto3 clients.

Every expectation about codes and HTTP statuses is read from botocore's own service model, so
the table covers each operation x each error the model lists for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from support import DIALER, INSTANCE, error_code, error_status, new_client

from pytest_campaigns_fake import CampaignsFake, FakeUsageError

ARN = "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c1"
DIAL_REQUEST = {
    "clientToken": "token-1",
    "phoneNumber": "+15550100",
    "expirationTime": "2030-01-01T00:00:00Z",
    "attributes": {},
}

# Parameters that pass botocore's client-side checks, for every operation of the model.
PARAMS: dict[str, dict[str, Any]] = {
    "CreateCampaign": {
        "name": "c",
        "connectInstanceId": INSTANCE,
        "dialerConfig": DIALER,
        "outboundCallConfig": {"connectContactFlowId": "flow-1"},
    },
    "DeleteCampaign": {"id": "c1"},
    "DeleteConnectInstanceConfig": {"connectInstanceId": INSTANCE},
    "DeleteInstanceOnboardingJob": {"connectInstanceId": INSTANCE},
    "DescribeCampaign": {"id": "c1"},
    "GetCampaignState": {"id": "c1"},
    "GetCampaignStateBatch": {"campaignIds": ["c1"]},
    "GetConnectInstanceConfig": {"connectInstanceId": INSTANCE},
    "GetInstanceOnboardingJobStatus": {"connectInstanceId": INSTANCE},
    "ListCampaigns": {},
    "ListTagsForResource": {"arn": ARN},
    "PauseCampaign": {"id": "c1"},
    "PutDialRequestBatch": {"id": "c1", "dialRequests": [DIAL_REQUEST]},
    "ResumeCampaign": {"id": "c1"},
    "StartCampaign": {"id": "c1"},
    "StartInstanceOnboardingJob": {
        "connectInstanceId": INSTANCE,
        "encryptionConfig": {"enabled": False},
    },
    "StopCampaign": {"id": "c1"},
    "TagResource": {"arn": ARN, "tags": {"team": "a"}},
    "UntagResource": {"arn": ARN, "tagKeys": ["team"]},
    "UpdateCampaignDialerConfig": {"id": "c1", "dialerConfig": DIALER},
    "UpdateCampaignName": {"id": "c1", "name": "renamed"},
    "UpdateCampaignOutboundCallConfig": {"id": "c1"},
}

_MODEL = botocore.session.get_session().get_service_model("connectcampaigns")


def _model_errors() -> list[tuple[str, str, int]]:
    table = []
    for operation in sorted(_MODEL.operation_names):
        for shape in _MODEL.operation_model(operation).error_shapes:
            table.append((operation, shape.name, int(shape.metadata["error"]["httpStatusCode"])))
    return table


ERROR_TABLE = _model_errors()


@pytest.fixture(scope="module")
def no_retry_client() -> Any:
    """A client that surfaces the first error instead of retrying it."""
    return new_client(max_attempts=1)


@pytest.fixture(scope="module")
def raw_client() -> Any:
    """No client-side validation and no retries: the server sees whatever is sent."""
    return new_client(validate=False, max_attempts=1)


@pytest.fixture(scope="module")
def legacy_client() -> Any:
    """botocore's legacy retry mode (5 attempts), named: newer botocore defaults to standard."""
    return new_client(retry_mode="legacy")


@pytest.fixture(scope="module")
def standard_client() -> Any:
    return new_client(retry_mode="standard", max_attempts=1)


def _call(client: Any, operation: str, **overrides: Any) -> dict[str, Any]:
    method = getattr(client, botocore.xform_name(operation))
    result: dict[str, Any] = method(**{**PARAMS[operation], **overrides})
    return result


def _running_campaign(fake: CampaignsFake, name: str = "campaign") -> str:
    return fake.add_campaign(connect_instance_id=INSTANCE, name=name, state="Running").id


def _dial(token: str, phone: str, fake: CampaignsFake) -> dict[str, Any]:
    return {
        "clientToken": token,
        "phoneNumber": phone,
        "expirationTime": fake.clock.now() + timedelta(seconds=300),
        "attributes": {"k": token},
    }


# -- inject_error: the whole model table -----------------------------------------------------


def test_params_table_covers_every_operation() -> None:
    assert sorted(PARAMS) == sorted(_MODEL.operation_names)
    assert len(ERROR_TABLE) > 100


@pytest.mark.parametrize(
    ("operation", "code", "status"), ERROR_TABLE, ids=[f"{o}-{c}" for o, c, _ in ERROR_TABLE]
)
def test_inject_every_modelled_error(
    campaigns_fake: CampaignsFake,
    no_retry_client: Any,
    operation: str,
    code: str,
    status: int,
) -> None:
    message = f"boom from {operation}/{code}"
    rule = campaigns_fake.inject_error(operation, code, message=message)
    exception_class = getattr(no_retry_client.exceptions, code)
    with pytest.raises(exception_class) as caught:
        _call(no_retry_client, operation)
    error = caught.value.response
    assert error["Error"]["Code"] == code
    assert error["Error"]["Message"] == message
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    assert rule.fired == 1
    call = campaigns_fake.calls.last
    assert (call.operation, call.error_code, call.status_code, call.injected) == (
        operation,
        code,
        status,
        True,
    )


def test_modelled_statuses_are_the_documented_ones() -> None:
    statuses = {code: status for _, code, status in ERROR_TABLE}
    assert statuses == {
        "AccessDeniedException": 403,
        "ConflictException": 409,
        "InternalServerException": 500,
        "InvalidCampaignStateException": 409,
        "InvalidStateException": 409,
        "ResourceNotFoundException": 404,
        "ServiceQuotaExceededException": 402,
        "ThrottlingException": 429,
        "ValidationException": 400,
    }


def test_default_message_names_code_and_operation(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaigns_fake.inject_error("DescribeCampaign", "AccessDeniedException")
    with pytest.raises(no_retry_client.exceptions.AccessDeniedException) as caught:
        no_retry_client.describe_campaign(id="c1")
    message = caught.value.response["Error"]["Message"]
    assert "AccessDeniedException" in message
    assert "DescribeCampaign" in message


def test_error_fires_only_on_its_operation(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_fake.inject_error("DescribeCampaign", "InternalServerException")
    assert no_retry_client.get_campaign_state(id=campaign.id)["state"] == "Initialized"
    with pytest.raises(no_retry_client.exceptions.InternalServerException):
        no_retry_client.describe_campaign(id=campaign.id)
    assert no_retry_client.describe_campaign(id=campaign.id)["campaign"]["id"] == campaign.id


@pytest.mark.parametrize("spelling", ["DescribeCampaign", "describe_campaign"])
def test_operation_accepts_both_spellings(
    campaigns_fake: CampaignsFake, no_retry_client: Any, spelling: str
) -> None:
    rule = campaigns_fake.inject_error(spelling, "ResourceNotFoundException")
    assert rule.operation == "DescribeCampaign"
    with pytest.raises(no_retry_client.exceptions.ResourceNotFoundException):
        no_retry_client.describe_campaign(id="whatever")
    assert rule.fired == 1


def test_times_counts_matching_requests(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_fake.inject_error("DescribeCampaign", "InternalServerException", times=2)
    for _ in range(2):
        with pytest.raises(no_retry_client.exceptions.InternalServerException):
            no_retry_client.describe_campaign(id=campaign.id)
    assert no_retry_client.describe_campaign(id=campaign.id)["campaign"]["name"] == "campaign"
    assert [c.error_code for c in campaigns_fake.calls] == [
        "InternalServerException",
        "InternalServerException",
        None,
    ]


def test_times_none_answers_every_request(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    rule = campaigns_fake.inject_error("GetCampaignState", "AccessDeniedException", times=None)
    for _ in range(7):
        with pytest.raises(no_retry_client.exceptions.AccessDeniedException):
            no_retry_client.get_campaign_state(id=campaign.id)
    assert rule.fired == 7
    assert not rule.exhausted


@pytest.mark.parametrize("times", [0, -1, 1.5, "2"])
def test_times_must_be_a_positive_int(campaigns_fake: CampaignsFake, times: Any) -> None:
    with pytest.raises(ValueError, match="times must be a positive integer"):
        campaigns_fake.inject_error("DescribeCampaign", "ValidationException", times=times)


def test_rules_are_consumed_in_registration_order(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaigns_fake.inject_error("DescribeCampaign", "AccessDeniedException")
    campaigns_fake.inject_error("DescribeCampaign", "InternalServerException")
    with pytest.raises(no_retry_client.exceptions.AccessDeniedException):
        no_retry_client.describe_campaign(id="c1")
    with pytest.raises(no_retry_client.exceptions.InternalServerException):
        no_retry_client.describe_campaign(id="c1")


def test_unknown_operation_is_rejected_naming_the_known_ones(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.inject_error("DescribeCampaigns", "ValidationException")
    message = str(caught.value)
    assert "'DescribeCampaigns'" in message
    for operation in ("DescribeCampaign", "PutDialRequestBatch", "UntagResource"):
        assert operation in message
    assert campaigns_fake.unused_faults == []


def test_code_outside_the_operation_model_is_rejected_at_once(
    campaigns_fake: CampaignsFake,
) -> None:
    # DescribeCampaign's model lists no ConflictException, and it is no common AWS error.
    with pytest.raises(ValueError) as caught:
        campaigns_fake.inject_error("DescribeCampaign", "ConflictException")
    message = str(caught.value)
    assert "'ConflictException' is not an error of DescribeCampaign" in message
    assert "ResourceNotFoundException" in message
    with pytest.raises(ValueError, match="'NoSuchThing'"):
        campaigns_fake.inject_error("StartCampaign", "NoSuchThing")
    assert campaigns_fake.unused_faults == []


@pytest.mark.parametrize(("code", "status"), [("ServiceUnavailable", 503), ("RequestTimeout", 408)])
def test_common_aws_error_is_accepted(
    campaigns_fake: CampaignsFake, no_retry_client: Any, code: str, status: int
) -> None:
    campaigns_fake.inject_error("ListCampaigns", code, message="try later")
    with pytest.raises(ClientError) as caught:
        no_retry_client.list_campaigns()
    error = caught.value.response
    assert error["Error"]["Code"] == code
    assert error["Error"]["Message"] == "try later"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status


def test_match_dict_of_request_params(campaigns_fake: CampaignsFake, no_retry_client: Any) -> None:
    first = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="first")
    second = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="second")
    rule = campaigns_fake.inject_error(
        "describe_campaign", "ResourceNotFoundException", times=None, match={"id": second.id}
    )
    assert no_retry_client.describe_campaign(id=first.id)["campaign"]["name"] == "first"
    with pytest.raises(no_retry_client.exceptions.ResourceNotFoundException):
        no_retry_client.describe_campaign(id=second.id)
    assert no_retry_client.describe_campaign(id=first.id)["campaign"]["name"] == "first"
    assert rule.fired == 1


def test_match_dict_on_body_members(campaigns_fake: CampaignsFake, no_retry_client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.inject_error("CreateCampaign", "ConflictException", match={"name": "taken"})
    with pytest.raises(no_retry_client.exceptions.ConflictException):
        _call(no_retry_client, "CreateCampaign", name="taken")
    created = _call(no_retry_client, "CreateCampaign", name="free")
    assert campaigns_fake.campaign(created["id"]).name == "free"


def test_match_callable_receives_the_request_params(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    seen: list[dict[str, Any]] = []

    def only_big_batches(params: dict[str, Any]) -> bool:
        seen.append(dict(params))
        return len(params["campaignIds"]) > 2

    campaigns_fake.inject_error(
        "GetCampaignStateBatch", "ThrottlingException", times=None, match=only_big_batches
    )
    answer = no_retry_client.get_campaign_state_batch(campaignIds=["a", "b"])
    assert [f["campaignId"] for f in answer["failedRequests"]] == ["a", "b"]
    with pytest.raises(no_retry_client.exceptions.ThrottlingException) as caught:
        no_retry_client.get_campaign_state_batch(campaignIds=["a", "b", "c"])
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert seen == [{"campaignIds": ["a", "b"]}, {"campaignIds": ["a", "b", "c"]}]


def test_match_of_wrong_type_is_rejected(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(TypeError, match="match must be"):
        campaigns_fake.inject_error("DescribeCampaign", "ValidationException", match=["id"])  # type: ignore[arg-type]


def test_invalid_campaign_state_carries_the_campaigns_state(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Stopped")
    campaigns_fake.inject_error("PauseCampaign", "InvalidCampaignStateException", times=2)
    with pytest.raises(no_retry_client.exceptions.InvalidCampaignStateException) as caught:
        no_retry_client.pause_campaign(id=campaign.id)
    # botocore puts modelled members of an error at the top of the response.
    assert caught.value.response["state"] == "Stopped"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    # Without a campaign to read, the required member still has a modelled value.
    with pytest.raises(no_retry_client.exceptions.InvalidCampaignStateException) as caught:
        no_retry_client.pause_campaign(id="unknown")
    assert caught.value.response["state"] == "Initialized"


def test_invalid_campaign_state_members_override(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    campaigns_fake.inject_error(
        "pause_campaign",
        "InvalidCampaignStateException",
        members={"state": "Paused"},
        message="already paused",
    )
    with pytest.raises(no_retry_client.exceptions.InvalidCampaignStateException) as caught:
        no_retry_client.pause_campaign(id=campaign.id)
    assert caught.value.response["state"] == "Paused"
    assert caught.value.response["Error"]["Message"] == "already paused"
    # The injected answer changed nothing.
    assert no_retry_client.get_campaign_state(id=campaign.id)["state"] == "Running"


def test_unknown_member_is_rejected(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.inject_error(
            "StartCampaign", "InvalidCampaignStateException", members={"status": "Paused"}
        )
    assert "'status'" in str(caught.value)
    assert "state" in str(caught.value)
    with pytest.raises(ValueError, match="carries no members"):
        campaigns_fake.inject_error(
            "StartCampaign", "ServiceUnavailable", members={"state": "Paused"}
        )
    assert campaigns_fake.unused_faults == []


def test_header_members_are_not_error_body_members(campaigns_fake: CampaignsFake) -> None:
    # xAmzErrorType travels in the x-amzn-ErrorType header, which the fake sets from the code.
    with pytest.raises(ValueError, match="xAmzErrorType"):
        campaigns_fake.inject_error(
            "StartCampaign",
            "InvalidCampaignStateException",
            members={"xAmzErrorType": "Other"},
        )
    assert campaigns_fake.unused_faults == []


# -- throttling ------------------------------------------------------------------------------


def test_throttle_one_operation(campaigns_fake: CampaignsFake, no_retry_client: Any) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_fake.throttle("GetCampaignState")
    assert no_retry_client.describe_campaign(id=campaign.id)["campaign"]["id"] == campaign.id
    with pytest.raises(no_retry_client.exceptions.ThrottlingException) as caught:
        no_retry_client.get_campaign_state(id=campaign.id)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert caught.value.response["Error"]["Message"] == "Rate exceeded"
    assert no_retry_client.get_campaign_state(id=campaign.id)["state"] == "Initialized"


def test_throttle_every_operation(campaigns_fake: CampaignsFake, no_retry_client: Any) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_fake.throttle(times=3)
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.describe_campaign(id=campaign.id)
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.list_campaigns()
    # ListTagsForResource's model lists ThrottlingException; ListCampaigns' does not, yet AWS
    # may throttle anything, so a throttle without an operation covers every operation.
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.list_tags_for_resource(arn=campaign.arn)
    assert no_retry_client.list_tags_for_resource(arn=campaign.arn)["tags"] == {}
    assert [c.error_code for c in campaigns_fake.calls] == ["ThrottlingException"] * 3 + [None]


def test_throttle_surfaces_with_standard_mode_single_attempt(
    campaigns_fake: CampaignsFake, standard_client: Any
) -> None:
    campaigns_fake.throttle("list_campaigns")
    with pytest.raises(standard_client.exceptions.ThrottlingException):
        standard_client.list_campaigns()
    assert campaigns_fake.calls.call_count == 1


def test_retries_absorb_throttling(campaigns_fake: CampaignsFake, legacy_client: Any) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="absorbed")
    campaigns_fake.throttle("DescribeCampaign", times=3)
    answer = legacy_client.describe_campaign(id=campaign.id)
    assert answer["campaign"]["name"] == "absorbed"
    assert answer["ResponseMetadata"]["RetryAttempts"] == 3
    assert [(c.attempt, c.status_code) for c in campaigns_fake.calls] == [
        (1, 429),
        (2, 429),
        (3, 429),
        (4, 200),
    ]


def test_retries_give_up_after_legacy_attempts(
    campaigns_fake: CampaignsFake, legacy_client: Any
) -> None:
    campaigns_fake.throttle("DescribeCampaign", times=None)
    with pytest.raises(legacy_client.exceptions.ThrottlingException) as caught:
        legacy_client.describe_campaign(id="c1")
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 4
    assert campaigns_fake.calls.count_of("DescribeCampaign") == 5


def test_rate_limit_on_the_fake_clock(campaigns_fake: CampaignsFake, no_retry_client: Any) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    campaigns_fake.clock.freeze()
    campaigns_fake.throttle("DescribeCampaign", rate=2, burst=2)
    for _ in range(2):
        no_retry_client.describe_campaign(id=campaign.id)
    with pytest.raises(no_retry_client.exceptions.ThrottlingException) as caught:
        no_retry_client.describe_campaign(id=campaign.id)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    # Other operations are not limited.
    assert no_retry_client.get_campaign_state(id=campaign.id)["state"] == "Initialized"
    # Half a second refills one token at 2/s.
    campaigns_fake.clock.advance(0.5)
    no_retry_client.describe_campaign(id=campaign.id)
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.describe_campaign(id=campaign.id)
    campaigns_fake.clock.advance(1)
    for _ in range(2):
        no_retry_client.describe_campaign(id=campaign.id)
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.describe_campaign(id=campaign.id)
    # A long pause refills only up to the burst.
    campaigns_fake.clock.advance(3600)
    for _ in range(2):
        no_retry_client.describe_campaign(id=campaign.id)
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.describe_campaign(id=campaign.id)
    outcomes = [c.status_code for c in campaigns_fake.calls.filter("DescribeCampaign")]
    assert outcomes == [200, 200, 429, 200, 429, 200, 200, 429, 200, 200, 429]


def test_rate_limit_for_every_operation(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaigns_fake.clock.freeze()
    campaigns_fake.throttle(rate=1, burst=1)
    no_retry_client.list_campaigns()
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.get_campaign_state_batch(campaignIds=["a"])
    campaigns_fake.clock.advance(1)
    assert no_retry_client.get_campaign_state_batch(campaignIds=["a"])["successfulRequests"] == []


@pytest.mark.parametrize("rate", [0, -1])
def test_rate_must_be_positive(campaigns_fake: CampaignsFake, rate: float) -> None:
    with pytest.raises(ValueError, match="rate must be a positive number"):
        campaigns_fake.throttle(rate=rate)


# -- per-item failures -----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["InvalidInput", "RequestThrottled", "UnknownError"])
def test_fail_dial_requests_by_phone_number(
    campaigns_fake: CampaignsFake, campaigns_client: Any, code: str
) -> None:
    campaign_id = _running_campaign(campaigns_fake)
    campaigns_fake.fail_dial_requests(code, phone_number="+15550002")
    answer = campaigns_client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[
            _dial("t1", "+15550001", campaigns_fake),
            _dial("t2", "+15550002", campaigns_fake),
            _dial("t3", "+15550003", campaigns_fake),
        ],
    )
    assert [s["clientToken"] for s in answer["successfulRequests"]] == ["t1", "t3"]
    assert len(answer["failedRequests"]) == 1
    failed = answer["failedRequests"][0]
    assert failed["clientToken"] == "t2"
    assert failed["failureCode"] == code
    assert [d.phone_number for d in campaigns_fake.dial_requests(campaign_id)] == [
        "+15550001",
        "+15550003",
    ]


def test_fail_dial_requests_by_token_and_times(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign_id = _running_campaign(campaigns_fake)
    rule = campaigns_fake.fail_dial_requests("RequestThrottled", client_token="retry-me", times=1)
    first = campaigns_client.put_dial_request_batch(
        id=campaign_id, dialRequests=[_dial("retry-me", "+15550001", campaigns_fake)]
    )
    assert first["failedRequests"][0]["failureCode"] == "RequestThrottled"
    assert first["successfulRequests"] == []
    # A failed item is not remembered: the same token is accepted the next time.
    second = campaigns_client.put_dial_request_batch(
        id=campaign_id, dialRequests=[_dial("retry-me", "+15550001", campaigns_fake)]
    )
    assert second["failedRequests"] == []
    assert second["successfulRequests"][0]["clientToken"] == "retry-me"
    assert rule.fired == 1


def test_fail_dial_requests_by_campaign(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    failing = _running_campaign(campaigns_fake, "failing")
    healthy = _running_campaign(campaigns_fake, "healthy")
    campaigns_fake.fail_dial_requests("UnknownError", campaign_id=failing)
    batch = [_dial("a", "+15550001", campaigns_fake), _dial("b", "+15550002", campaigns_fake)]
    bad = campaigns_client.put_dial_request_batch(id=failing, dialRequests=batch)
    good = campaigns_client.put_dial_request_batch(id=healthy, dialRequests=batch)
    assert [f["failureCode"] for f in bad["failedRequests"]] == ["UnknownError"] * 2
    assert [s["clientToken"] for s in good["successfulRequests"]] == ["a", "b"]
    assert good["failedRequests"] == []


@pytest.mark.parametrize("code", ["ResourceNotFound", "InvalidInputs", "ThrottlingException"])
def test_fail_dial_requests_rejects_other_codes(campaigns_fake: CampaignsFake, code: str) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.fail_dial_requests(code)
    assert repr(code) in str(caught.value)
    assert "InvalidInput" in str(caught.value)
    assert campaigns_fake.unused_faults == []


def test_fail_campaign_state(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    broken = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="broken")
    fine = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="fine", state="Paused")
    campaigns_fake.fail_campaign_state(broken.id)
    answer = campaigns_client.get_campaign_state_batch(campaignIds=[broken.id, fine.id])
    assert answer["successfulRequests"] == [{"campaignId": fine.id, "state": "Paused"}]
    assert answer["failedRequests"] == [{"campaignId": broken.id, "failureCode": "UnknownError"}]
    # The single-campaign operation is not affected.
    assert campaigns_client.get_campaign_state(id=broken.id)["state"] == "Initialized"


def test_fail_campaign_state_resource_not_found_once(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Stopped")
    campaigns_fake.fail_campaign_state(campaign.id, "ResourceNotFound", times=1)
    first = campaigns_client.get_campaign_state_batch(campaignIds=[campaign.id])
    assert first["failedRequests"] == [
        {"campaignId": campaign.id, "failureCode": "ResourceNotFound"}
    ]
    second = campaigns_client.get_campaign_state_batch(campaignIds=[campaign.id])
    assert second["successfulRequests"] == [{"campaignId": campaign.id, "state": "Stopped"}]


def test_fail_campaign_state_rejects_other_codes(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError, match="'InvalidInput'"):
        campaigns_fake.fail_campaign_state("c1", "InvalidInput")


# -- strictness ------------------------------------------------------------------------------


def test_verify_names_a_fault_that_never_fired() -> None:
    fake = CampaignsFake()
    fake.inject_error("DescribeCampaign", "AccessDeniedException", times=2)
    fake.fail_dial_requests("RequestThrottled", phone_number="+15550001")
    with pytest.raises(FakeUsageError) as caught:
        fake.verify()
    message = str(caught.value)
    assert message.startswith("2 fault(s) set up on the connectcampaigns fake never fired")
    assert "AccessDeniedException on DescribeCampaign (times=2" in message
    assert "item failure RequestThrottled on PutDialRequestBatch items (every time" in message
    assert "+15550001" in message
    assert isinstance(caught.value, AssertionError)


def test_unused_faults_shrink_as_faults_fire(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    access = campaigns_fake.inject_error("DescribeCampaign", "AccessDeniedException")
    throttle = campaigns_fake.throttle("ListCampaigns")
    assert campaigns_fake.unused_faults == [access, throttle]
    with pytest.raises(no_retry_client.exceptions.AccessDeniedException):
        no_retry_client.describe_campaign(id="c1")
    assert campaigns_fake.unused_faults == [throttle]
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.list_campaigns()
    assert campaigns_fake.unused_faults == []
    campaigns_fake.verify()


@pytest.mark.campaigns_fake(strict=False)
def test_non_strict_fake_via_marker(campaigns_fake: CampaignsFake) -> None:
    assert campaigns_fake.strict is False
    rule = campaigns_fake.inject_error("DescribeCampaign", "AccessDeniedException")
    assert campaigns_fake.unused_faults == [rule]
    # An explicit verify() still reports; only the automatic teardown check is off, so this
    # test passes although the fault never fires.
    with pytest.raises(FakeUsageError, match="AccessDeniedException on DescribeCampaign"):
        campaigns_fake.verify()


@pytest.fixture
def unstarted_fake() -> Iterator[CampaignsFake]:
    fake = CampaignsFake()
    yield fake
    fake.stop()


def test_faults_are_forgotten_on_reset(unstarted_fake: CampaignsFake) -> None:
    unstarted_fake.inject_error("DescribeCampaign", "AccessDeniedException")
    unstarted_fake.reset()
    assert unstarted_fake.unused_faults == []
    unstarted_fake.verify()


# -- order of checks -------------------------------------------------------------------------


def test_invalid_request_is_rejected_before_a_fault_fires(
    campaigns_fake: CampaignsFake, raw_client: Any
) -> None:
    # docs/fidelity.md: validation runs before injected faults (a chosen rule), so an invalid
    # request never uses up a fault meant for a valid one.
    rule = campaigns_fake.inject_error("UpdateCampaignName", "ConflictException")
    with pytest.raises(raw_client.exceptions.ValidationException):
        raw_client.update_campaign_name(id="c1")  # `name` missing
    assert rule.fired == 0
    with pytest.raises(raw_client.exceptions.ConflictException):
        raw_client.update_campaign_name(id="c1", name="valid")
    assert rule.fired == 1
    assert [(c.error_code, c.injected) for c in campaigns_fake.calls] == [
        ("ValidationException", False),
        ("ConflictException", True),
    ]


def test_rate_limit_survives_a_clock_moved_back(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaigns_fake.clock.freeze()
    campaigns_fake.throttle("ListCampaigns", rate=1, burst=2)
    no_retry_client.list_campaigns()
    campaigns_fake.clock.advance(-30)
    # Moving the clock back takes no tokens away: the second of the burst still passes.
    no_retry_client.list_campaigns()
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.list_campaigns()


def test_injected_member_values_must_fit_the_model(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError, match=r"Value 'Sleeping' at 'state' failed .* enum value set"):
        campaigns_fake.inject_error(
            "PauseCampaign", "InvalidCampaignStateException", members={"state": "Sleeping"}
        )
    assert campaigns_fake.unused_faults == []


# -- match: keys are checked against the model, and every key must match ---------------------

_INPUT_MEMBERS = {
    op: sorted(_MODEL.operation_model(op).input_shape.members) for op in _MODEL.operation_names
}
_EVERY_MEMBER = sorted({m for members in _INPUT_MEMBERS.values() for m in members})
# A value each input member may hold: a match value is checked against the member's shape too.
_SAMPLE: dict[str, Any] = {
    "answerMachineDetectionConfig": {"enableAnswerMachineDetection": True},
    "arn": "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c1",
    "campaignIds": ["c1"],
    "connectContactFlowId": "flow",
    "connectInstanceId": "instance-1",
    "connectSourcePhoneNumber": "+15550100",
    "dialRequests": [
        {
            "clientToken": "t1",
            "phoneNumber": "+15550100",
            "expirationTime": datetime(2030, 1, 1, tzinfo=timezone.utc),
            "attributes": {},
        }
    ],
    "dialerConfig": {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}},
    "encryptionConfig": {"enabled": False},
    "filters": {"instanceIdFilter": {"value": "instance-1", "operator": "Eq"}},
    "id": "c1",
    "maxResults": 10,
    "name": "campaign",
    "nextToken": "token",
    "outboundCallConfig": {"connectContactFlowId": "flow"},
    "tagKeys": ["team"],
    "tags": {"team": "a"},
}
_COMMON = {
    "AccessDeniedException",
    "InternalFailure",
    "ServiceUnavailable",
    "ThrottlingException",
}


def test_match_key_outside_the_operation_is_refused_naming_its_members(
    campaigns_fake: CampaignsFake,
) -> None:
    kept = campaigns_fake.inject_error("ListCampaigns", "InternalServerException")
    with pytest.raises(ValueError) as caught:
        campaigns_fake.inject_error(
            "DescribeCampaign", "ResourceNotFoundException", match={"campaignId": "x"}
        )
    assert str(caught.value) == (
        "match key 'campaignId' is not an input member of DescribeCampaign; its members are: id"
    )
    assert campaigns_fake.unused_faults == [kept]
    campaigns_fake.reset()


@pytest.mark.parametrize("operation", sorted(_INPUT_MEMBERS))
def test_match_keys_are_the_operations_input_members(operation: str) -> None:
    fake = CampaignsFake()
    code = _MODEL.operation_model(operation).error_shapes[0].name
    # Every input member is a valid key, all of them at once too.
    for member in _INPUT_MEMBERS[operation]:
        fake.inject_error(operation, code, match={member: _SAMPLE[member]})
    fake.inject_error(
        operation, code, match={member: _SAMPLE[member] for member in _INPUT_MEMBERS[operation]}
    )
    registered = fake.unused_faults
    # A member of another operation is not.
    foreign = [m for m in _EVERY_MEMBER if m not in _INPUT_MEMBERS[operation]]
    with pytest.raises(ValueError) as caught:
        fake.inject_error(operation, code, match={foreign[0]: "v", "nonsense": 1})
    assert str(caught.value) == (
        f"match keys {foreign[0]!r}, 'nonsense' are not input members of {operation}; "
        f"its members are: {', '.join(_INPUT_MEMBERS[operation])}"
    )
    assert fake.unused_faults == registered


def test_match_key_checked_for_throttle_and_snake_case_operations(
    campaigns_fake: CampaignsFake,
) -> None:
    with pytest.raises(ValueError, match="'campaign_id' is not an input member of PauseCampaign"):
        campaigns_fake.inject_error(
            "pause_campaign", "ConflictException", match={"campaign_id": "c1"}
        )
    assert campaigns_fake.unused_faults == []


def test_callable_match_is_not_checked(campaigns_fake: CampaignsFake, no_retry_client: Any) -> None:
    rule = campaigns_fake.inject_error(
        "DescribeCampaign", "AccessDeniedException", match=lambda p: p.get("campaignId") == "x"
    )
    no_retry_client.list_campaigns()
    assert rule.fired == 0
    campaigns_fake.reset()


def test_operationless_match_key_must_be_some_operations_member(
    campaigns_fake: CampaignsFake,
) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.inject_error(None, "AccessDeniedException", match={"campaignID": "c1"})
    assert str(caught.value) == (
        "match key 'campaignID' is not an input member of any connectcampaigns operation "
        "(did you mean 'campaignIds'?); "
        f"input members are: {', '.join(_EVERY_MEMBER)}"
    )
    # No operation that may answer InvalidCampaignStateException takes an `arn`.
    with pytest.raises(ValueError) as caught:
        campaigns_fake.inject_error(None, "InvalidCampaignStateException", match={"arn": ARN})
    message = str(caught.value)
    assert "no operation that may answer InvalidCampaignStateException" in message
    assert "PauseCampaign" in message and "ListTagsForResource" not in message
    assert message.endswith("have the members: dialRequests, id")
    # Both keys exist, but no single operation takes both.
    with pytest.raises(ValueError, match="'arn', 'campaignIds'"):
        campaigns_fake.inject_error(
            None,
            "AccessDeniedException",
            match={"arn": ARN, "campaignIds": ["c1"]},
        )
    assert campaigns_fake.unused_faults == []


def test_operationless_match_fires_where_the_key_is(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    rule = campaigns_fake.inject_error(None, "AccessDeniedException", match={"arn": campaign.arn})
    no_retry_client.describe_campaign(id=campaign.id)
    with pytest.raises(no_retry_client.exceptions.AccessDeniedException):
        no_retry_client.list_tags_for_resource(arn=campaign.arn)
    assert rule.fired == 1


def test_two_key_match_fires_only_when_both_match(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    first = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="first")
    second = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="second")
    rule = campaigns_fake.inject_error(
        "UpdateCampaignName",
        "ConflictException",
        times=None,
        match={"id": first.id, "name": "clash"},
    )
    # Only `id` matches, then only `name`: no fault.
    no_retry_client.update_campaign_name(id=first.id, name="renamed")
    no_retry_client.update_campaign_name(id=second.id, name="clash")
    assert rule.fired == 0
    # Both match: the fault answers.
    with pytest.raises(no_retry_client.exceptions.ConflictException):
        no_retry_client.update_campaign_name(id=first.id, name="clash")
    assert rule.fired == 1
    assert [c.injected for c in campaigns_fake.calls] == [False, False, True]
    assert campaigns_fake.campaign(first.id).name == "renamed"
    assert campaigns_fake.campaign(second.id).name == "clash"


def test_fail_dial_requests_with_two_criteria_needs_both(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaign_id = _running_campaign(campaigns_fake)
    rule = campaigns_fake.fail_dial_requests(
        "InvalidInput", phone_number="+15550001", client_token="bad"
    )
    answer = campaigns_client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[
            _dial("good", "+15550001", campaigns_fake),  # phone matches, token does not
            _dial("bad", "+15550001", campaigns_fake),  # both match
            # Token matches, phone does not (a failed token is not remembered, so it is new).
            _dial("bad", "+15550002", campaigns_fake),
        ],
    )
    assert [s["clientToken"] for s in answer["successfulRequests"]] == ["good", "bad"]
    assert [(f["clientToken"], f["failureCode"]) for f in answer["failedRequests"]] == [
        ("bad", "InvalidInput")
    ]
    assert rule.fired == 1
    assert [d.phone_number for d in campaigns_fake.dial_requests(campaign_id)] == [
        "+15550001",
        "+15550002",
    ]


def test_fail_dial_requests_with_campaign_and_phone_needs_both(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    failing = _running_campaign(campaigns_fake, "failing")
    other = _running_campaign(campaigns_fake, "other")
    campaigns_fake.fail_dial_requests("UnknownError", campaign_id=failing, phone_number="+15550009")
    batch = [_dial("a", "+15550009", campaigns_fake), _dial("b", "+15550001", campaigns_fake)]
    elsewhere = campaigns_client.put_dial_request_batch(id=other, dialRequests=batch)
    assert elsewhere["failedRequests"] == []
    here = campaigns_client.put_dial_request_batch(id=failing, dialRequests=batch)
    assert [f["clientToken"] for f in here["failedRequests"]] == ["a"]
    assert [s["clientToken"] for s in here["successfulRequests"]] == ["b"]


# -- faults without an operation answer only what an operation may answer ----------------------


def _unlisted() -> list[tuple[str, str]]:
    """Each operation x each model error it does not list (and that is no common error)."""
    codes = sorted({code for _, code, _ in ERROR_TABLE} - _COMMON)
    listed = {(op, code) for op, code, _ in ERROR_TABLE}
    return [
        (op, code)
        for op in sorted(_MODEL.operation_names)
        for code in codes
        if (op, code) not in listed
    ]


UNLISTED = _unlisted()


def test_unlisted_table_is_not_empty() -> None:
    assert ("ListCampaigns", "InvalidCampaignStateException") in UNLISTED
    assert ("DescribeCampaign", "ConflictException") in UNLISTED
    assert len(UNLISTED) > 30


@pytest.mark.campaigns_fake(strict=False)
@pytest.mark.parametrize(("operation", "code"), UNLISTED, ids=[f"{o}-{c}" for o, c in UNLISTED])
def test_operationless_fault_never_answers_an_unlisted_code(
    campaigns_fake: CampaignsFake, no_retry_client: Any, operation: str, code: str
) -> None:
    rule = campaigns_fake.inject_error(None, code, times=None)
    try:
        _call(no_retry_client, operation)
    except ClientError as error:
        assert error_code(error) != code
    call = campaigns_fake.calls.last
    assert (call.operation, call.injected) == (operation, False)
    assert rule.fired == 0
    assert campaigns_fake.unused_faults == [rule]


@pytest.mark.parametrize(
    ("operation", "code", "status"), ERROR_TABLE, ids=[f"{o}-{c}" for o, c, _ in ERROR_TABLE]
)
def test_operationless_fault_answers_a_listed_code(
    campaigns_fake: CampaignsFake, no_retry_client: Any, operation: str, code: str, status: int
) -> None:
    rule = campaigns_fake.inject_error(None, code)
    with pytest.raises(getattr(no_retry_client.exceptions, code)):
        _call(no_retry_client, operation)
    assert rule.fired == 1
    assert campaigns_fake.calls.last.status_code == status


@pytest.mark.parametrize("operation", sorted(_MODEL.operation_names))
@pytest.mark.parametrize(("code", "status"), [("InternalFailure", 500), ("ThrottlingException", 0)])
def test_common_errors_fire_on_every_operation(
    campaigns_fake: CampaignsFake, no_retry_client: Any, operation: str, code: str, status: int
) -> None:
    # ThrottlingException keeps the model's 429 wherever any operation lists it.
    rule = (
        campaigns_fake.throttle()
        if code == "ThrottlingException"
        else campaigns_fake.inject_error(None, code)
    )
    with pytest.raises(ClientError) as caught:
        _call(no_retry_client, operation)
    assert error_code(caught.value) == code
    assert error_status(caught.value) == (status or 429)
    assert rule.fired == 1


def test_operationless_fault_skips_then_fires(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    rule = campaigns_fake.inject_error(None, "InvalidCampaignStateException")
    assert no_retry_client.list_campaigns()["campaignSummaryList"]
    assert no_retry_client.describe_campaign(id=campaign.id)["campaign"]["id"] == campaign.id
    assert rule.fired == 0
    with pytest.raises(no_retry_client.exceptions.InvalidCampaignStateException) as caught:
        no_retry_client.pause_campaign(id=campaign.id)
    assert caught.value.response["state"] == "Running"
    assert rule.fired == 1
    assert [c.injected for c in campaigns_fake.calls] == [False, False, True]


def test_operationless_code_no_operation_lists_is_refused(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.inject_error(None, "InternalServerErrorException")
    message = str(caught.value)
    assert message.startswith(
        "'InternalServerErrorException' is neither a connectcampaigns error nor a common AWS error"
    )
    assert "InternalServerException" in message and "InternalFailure" in message
    assert campaigns_fake.unused_faults == []


# -- control values are checked before anything is registered --------------------------------

BAD_TIMES = [True, False, 0, -1, 1.5, "2", float("nan"), float("inf")]


@pytest.mark.parametrize("times", BAD_TIMES, ids=repr)
@pytest.mark.parametrize(
    "register",
    [
        lambda fake, times: fake.inject_error(
            "DescribeCampaign", "ValidationException", times=times
        ),
        lambda fake, times: fake.inject_error(None, "AccessDeniedException", times=times),
        lambda fake, times: fake.throttle("ListCampaigns", times=times),
        lambda fake, times: fake.throttle(times=times),
        lambda fake, times: fake.fail_dial_requests("InvalidInput", times=times),
        lambda fake, times: fake.fail_campaign_state("c1", times=times),
    ],
    ids=["inject_error", "inject_error-any", "throttle", "throttle-any", "dial", "state"],
)
def test_times_is_a_positive_int_not_a_bool(register: Any, times: Any) -> None:
    fake = CampaignsFake()
    kept = fake.inject_error("DescribeCampaign", "AccessDeniedException")
    with pytest.raises(ValueError) as caught:
        register(fake, times)
    assert str(caught.value) == (
        f"times must be a positive integer or None (always), not {times!r}"
    )
    assert fake.unused_faults == [kept]


def test_times_true_with_a_rate_is_refused(campaigns_fake: CampaignsFake) -> None:
    with pytest.raises(TypeError, match="times does not apply"):
        campaigns_fake.throttle(rate=1, times=True)  # type: ignore[call-overload]


def _never_throttled(fake: CampaignsFake, client: Any) -> None:
    fake.clock.freeze()
    for _ in range(3):
        client.list_campaigns()
    assert [c.status_code for c in fake.calls] == [200, 200, 200]


@pytest.mark.parametrize(
    "rate", [0, -1, 0.0, float("nan"), float("inf"), float("-inf"), True, False, "2"], ids=repr
)
def test_rate_is_a_finite_positive_number(
    campaigns_fake: CampaignsFake, no_retry_client: Any, rate: Any
) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.throttle("ListCampaigns", rate=rate)
    assert str(caught.value) == (
        "rate must be a positive number of requests per second <= 9007199254740992 (2**53: "
        f"what a token bucket of floats can count), not {rate!r}"
    )
    _never_throttled(campaigns_fake, no_retry_client)


@pytest.mark.parametrize(
    "burst", [0, 0.5, -1, float("nan"), float("inf"), True, False, "2"], ids=repr
)
def test_burst_is_a_finite_number_of_at_least_one(
    campaigns_fake: CampaignsFake, no_retry_client: Any, burst: Any
) -> None:
    with pytest.raises(ValueError) as caught:
        campaigns_fake.throttle("ListCampaigns", rate=1, burst=burst)
    assert str(caught.value) == (
        "burst must be a number of requests >= 1 and <= 9007199254740992 (or None for "
        f"max(1, rate)), not {burst!r}"
    )
    _never_throttled(campaigns_fake, no_retry_client)


def test_burst_of_one_is_accepted(campaigns_fake: CampaignsFake, no_retry_client: Any) -> None:
    campaigns_fake.clock.freeze()
    limit = campaigns_fake.throttle("ListCampaigns", rate=0.5, burst=1)
    no_retry_client.list_campaigns()
    with pytest.raises(no_retry_client.exceptions.ThrottlingException):
        no_retry_client.list_campaigns()
    assert isinstance(limit, object) and limit.fired == 1


def test_empty_operation_name_is_no_wildcard(
    campaigns_fake: CampaignsFake, no_retry_client: Any
) -> None:
    with pytest.raises(ValueError, match="Unknown connectcampaigns operation ''"):
        campaigns_fake.throttle("", rate=1)
    with pytest.raises(ValueError, match="Unknown connectcampaigns operation ''"):
        campaigns_fake.throttle("")
    _never_throttled(campaigns_fake, no_retry_client)


@pytest.mark.parametrize(
    ("register", "message"),
    [
        (
            lambda fake: fake.inject_error("DescribeCampaign", 404),
            "code must be an error name (a str), not 404",
        ),
        (
            lambda fake: fake.inject_error(None, ["AccessDeniedException"]),
            "code must be an error name (a str), not ['AccessDeniedException']",
        ),
        (
            lambda fake: fake.fail_dial_requests(None),
            "code must be an error name (a str), not None",
        ),
        (
            lambda fake: fake.fail_campaign_state("c1", 3),
            "code must be an error name (a str), not 3",
        ),
        (
            lambda fake: fake.inject_error(7, "AccessDeniedException"),
            "operation must be an operation name (a str) or None, not 7",
        ),
        (
            lambda fake: fake.throttle(["ListCampaigns"]),
            "operation must be an operation name (a str) or None, not ['ListCampaigns']",
        ),
        (
            lambda fake: fake.inject_error("ListCampaigns", "AccessDeniedException", message=5),
            "message must be a str or None, not 5",
        ),
        (
            lambda fake: fake.inject_error(
                "PauseCampaign", "InvalidCampaignStateException", members=[("state", "Paused")]
            ),
            "members must be a mapping of error members, not [('state', 'Paused')]",
        ),
        (
            lambda fake: fake.fail_dial_requests("InvalidInput", phone_number=15550001),
            "phone_number must be a str or None, not 15550001",
        ),
        (
            lambda fake: fake.fail_dial_requests("InvalidInput", client_token=b"t"),
            "client_token must be a str or None, not b't'",
        ),
        (
            lambda fake: fake.fail_campaign_state(1),
            "campaign_id must be a str, not 1",
        ),
    ],
)
def test_control_values_of_the_wrong_type_are_refused(register: Any, message: str) -> None:
    fake = CampaignsFake()
    kept = fake.throttle("ListCampaigns")
    with pytest.raises(TypeError) as caught:
        register(fake)
    assert str(caught.value) == message
    assert fake.unused_faults == [kept]


def test_a_rate_limit_describes_itself_as_every_rule_does(campaigns_fake: CampaignsFake) -> None:
    limit = campaigns_fake.throttle("list_campaigns", rate=2, burst=3)
    assert limit.describe() == (
        "rate limit ThrottlingException on ListCampaigns (rate=2/s, burst=3, fired 0)"
    )
    every = campaigns_fake.v2.throttle(rate=0.25)
    assert every.describe() == (
        "rate limit ThrottlingException on any operation (rate=0.25/s, burst=1, fired 0)"
    )
