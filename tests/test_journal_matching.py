"""Journal queries never pass silently: parameter names are checked against the model,
``contains`` matches inside list parameters, assertion frames stay out of tracebacks."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import botocore.session
import pytest
from botocore.awsrequest import AWSRequest

from pytest_campaigns_fake import Call, Calls, CampaignsFake, FakeUsageError, contains

pytest_plugins = ["pytester"]

INSTANCE = "instance-1"
# The model as botocore ships it, read here independently of the fake's own loader.
SERVICE = botocore.session.Session().get_service_model("connectcampaigns")
SERVICE_V2 = botocore.session.Session().get_service_model("connectcampaignsv2")
OPERATIONS = sorted(SERVICE.operation_names)
# ``campaigns_fake.calls`` holds the calls of both APIs: a name is checked against both models
# (an operation both have takes the members of either).
APIS = "connectcampaigns or connectcampaignsv2"


def _members(operation: str) -> list[str]:
    found = set(SERVICE.operation_model(operation).input_shape.members)
    if operation in SERVICE_V2.operation_names:
        found |= set(SERVICE_V2.operation_model(operation).input_shape.members)
    return sorted(found)


ALL_MEMBERS = sorted(
    {m for op in OPERATIONS for m in _members(op)}
    | {
        m
        for op in SERVICE_V2.operation_names
        for m in SERVICE_V2.operation_model(op).input_shape.members
    }
)
QUERIES: dict[str, Callable[..., Any]] = {
    "filter": Calls.filter,
    "count_of": Calls.count_of,
    "assert_called": Calls.assert_called,
    "assert_called_once": Calls.assert_called_once,
    "assert_not_called": Calls.assert_not_called,
}


def _dial(client: Any, campaign_id: str, expires: Any, *numbers: str) -> None:
    client.put_dial_request_batch(
        id=campaign_id,
        dialRequests=[
            {
                "clientToken": f"tok{number[1:]}",
                "phoneNumber": number,
                "expirationTime": expires,
                "attributes": {"n": number[-1]},
            }
            for number in numbers
        ],
    )


@pytest.fixture
def dialled(campaigns_fake: CampaignsFake, campaigns_client: Any) -> Calls:
    """One batch that dialled +15550100 and +15550101."""
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    expires = campaigns_fake.clock.now() + timedelta(minutes=5)
    _dial(campaigns_client, campaign.id, expires, "+15550100", "+15550101")
    return campaigns_fake.calls


# -- parameter names are checked against the operation's input -------------------------------


@pytest.mark.parametrize("query", sorted(QUERIES))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_refuses_a_member_its_input_lacks(
    campaigns_fake: CampaignsFake, operation: str, query: str
) -> None:
    # Even on an empty journal, where a not-called assertion would otherwise pass.
    expected = (
        f"{operation} has no input member 'noSuchMember'; "
        f"its members are: {', '.join(_members(operation))}"
    )
    for spelling in (operation, botocore.xform_name(operation)):
        with pytest.raises(TypeError) as caught:
            QUERIES[query](campaigns_fake.calls, spelling, noSuchMember=1)
        message = str(caught.value)
        assert message == expected or message.startswith(expected + ". To match ")


def _sample(shape: Any, depth: int = 0) -> Any:
    """A value of ``shape`` as the journal holds one: what a query may be given."""
    kind = shape.type_name
    if kind == "structure":
        names = list(shape.members)
        if shape.metadata.get("union"):
            names = names[:1]
        else:
            names = [n for n in names if n in shape.required_members or depth < 1]
        return {n: _sample(shape.members[n], depth + 1) for n in names}
    if kind == "list":
        return [_sample(shape.member, depth + 1)]
    if kind == "map":
        return {_sample(shape.key, depth + 1): _sample(shape.value, depth + 1)}
    return {
        "string": (getattr(shape, "enum", None) and shape.enum[0]) or "x",
        "integer": 1,
        "long": 1,
        "double": 0.5,
        "float": 0.5,
        "boolean": True,
        "timestamp": datetime(2030, 1, 1, tzinfo=timezone.utc),
    }[kind]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_input_member_is_accepted(campaigns_fake: CampaignsFake, operation: str) -> None:
    # Any value of the member's shape is accepted; a value of no shape is refused, by path.
    for member in _members(operation):
        shape = SERVICE.operation_model(operation).input_shape.members.get(member)
        if shape is None:
            shape = SERVICE_V2.operation_model(operation).input_shape.members[member]
        params: dict[str, Any] = {member: _sample(shape)}
        assert campaigns_fake.calls.count_of(operation, **params) == 0
        with pytest.raises(FakeUsageError, match=rf"^{operation}\.{member}: the model allows"):
            nothing: dict[str, Any] = {member: object()}
            campaigns_fake.calls.count_of(operation, **nothing)


def test_the_silent_pass_of_the_issue_is_refused(dialled: Calls) -> None:
    with pytest.raises(TypeError) as caught:
        dialled.assert_not_called("PutDialRequestBatch", phoneNumber="+15550100")
    assert str(caught.value) == (
        "PutDialRequestBatch has no input member 'phoneNumber'; its members are: "
        "dialRequests, id. To match inside dialRequests use dialRequests=contains(phoneNumber=...)"
    )


def test_without_an_operation_a_member_of_some_input_is_needed(dialled: Calls) -> None:
    batch = dialled.last
    assert list(dialled.filter(id=batch.params["id"])) == [batch]
    assert dialled.count_of(campaignIds=["x"]) == 0
    with pytest.raises(TypeError) as caught:
        dialled.filter(phoneNumber="+15550100")
    assert str(caught.value) == (
        f"No {APIS} operation has an input member 'phoneNumber'; the input members "
        f"are: {', '.join(ALL_MEMBERS)}. To match inside PutDialRequestBatch.dialRequests use "
        "dialRequests=contains(phoneNumber=...)"
    )
    last = ALL_MEMBERS[-1]
    with pytest.raises(TypeError, match=rf"^No {APIS} operation .* 'nope'; .* {last}$"):
        dialled.count_of(nope=1)


@pytest.mark.parametrize(
    ("operation", "member", "hint"),
    [
        (
            "CreateCampaign",
            "connectQueueId",
            "connectQueueId is a member of outboundCallConfig: match it with where=lambda "
            "call: call.params['outboundCallConfig'].get('connectQueueId') == ...",
        ),
        ("GetCampaignStateBatch", "campaignId", "To match an item of campaignIds use "),
        ("UntagResource", "tagKey", "To match an item of tagKeys use tagKeys=contains(...)"),
        ("PutDialRequestBatch", "clientToken", "use dialRequests=contains(clientToken=...)"),
    ],
)
def test_unknown_members_come_with_a_hint(
    campaigns_fake: CampaignsFake, operation: str, member: str, hint: str
) -> None:
    with pytest.raises(TypeError) as caught:
        params: dict[str, Any] = {member: "x"}
        campaigns_fake.calls.filter(operation, **params)
    assert hint in str(caught.value)


def test_where_stays_a_free_predicate(dialled: Calls) -> None:
    assert dialled.count_of("PutDialRequestBatch", where=lambda call: "anything" not in call.params)


# -- contains ----------------------------------------------------------------------------------


def test_contains_matches_a_dial_request(dialled: Calls) -> None:
    batch = dialled.last
    with pytest.raises(AssertionError) as caught:
        dialled.assert_not_called(
            "PutDialRequestBatch", dialRequests=contains(phoneNumber="+15550100")
        )
    assert str(caught.value).startswith(
        "Expected no call to PutDialRequestBatch(dialRequests=contains(phoneNumber='+15550100'))"
        "; got 1:\n  1. PutDialRequestBatch("
    )
    dialled.assert_not_called("PutDialRequestBatch", dialRequests=contains(phoneNumber="+1999"))
    found = dialled.assert_called_once(
        "put_dial_request_batch",
        id=batch.params["id"],
        dialRequests=contains(phoneNumber="+15550101", clientToken="tok15550101"),
    )
    assert found is batch
    # All members must hold for one and the same item.
    assert not dialled.filter(
        "PutDialRequestBatch",
        dialRequests=contains(phoneNumber="+15550100", clientToken="tok15550101"),
    )
    assert dialled.count_of(dialRequests=contains(attributes={"n": "1"})) == 1
    assert dialled.count_of(dialRequests=contains(attributes={"n": "1", "x": "y"})) == 0
    expires = batch.params["dialRequests"][0]["expirationTime"]
    assert dialled.count_of(dialRequests=contains(expirationTime=expires)) == 1
    with pytest.raises(AssertionError) as missing:
        dialled.assert_called("PutDialRequestBatch", dialRequests=contains(phoneNumber="+1999"))
    assert "Expected a call to PutDialRequestBatch(dialRequests=contains(phoneNumber='+1999'))" in (
        str(missing.value)
    )


def test_contains_matches_a_campaign_id(
    campaigns_fake: CampaignsFake, campaigns_client: Any
) -> None:
    campaigns_client.get_campaign_state_batch(campaignIds=["id-1", "id-2"])
    campaigns_client.get_campaign_state_batch(campaignIds=["id-2"])
    calls = campaigns_fake.calls
    assert list(calls.filter("GetCampaignStateBatch", campaignIds=contains("id-1"))) == [calls[0]]
    assert calls.count_of("GetCampaignStateBatch", campaignIds=contains("id-2")) == 2
    assert calls.count_of(campaignIds=contains("id-3")) == 0
    with pytest.raises(AssertionError, match=r"campaignIds=contains\('id-2'\)\), got 2;"):
        calls.assert_called_once("GetCampaignStateBatch", campaignIds=contains("id-2"))


def _send_raw(fake: CampaignsFake, path: str, document: Any) -> None:
    """A hand-made request, for bodies botocore cannot serialize (no boto3 client shapes it)."""
    request = AWSRequest(
        method="POST" if path == "/campaigns-state" else "PUT",
        url=f"https://connect-campaigns.us-east-1.amazonaws.com{path}",
        data=json.dumps(document).encode(),
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIARAW/20260101/us-east-1/"
            "connect-campaigns/aws4_request, SignedHeaders=host, Signature=" + "0" * 64
        },
    )
    assert fake.engine.answer(request.prepare()).status_code == 400


def test_contains_never_matches_what_is_not_a_list(campaigns_fake: CampaignsFake) -> None:
    _send_raw(campaigns_fake, "/campaigns-state", {"campaignIds": "id-1"})
    _send_raw(campaigns_fake, "/campaigns-state", {"campaignIds": {"id-1": "id-1"}})
    _send_raw(campaigns_fake, "/campaigns/c1/dial-requests", {"dialRequests": ["+1", 7]})
    _send_raw(campaigns_fake, "/campaigns/c1/dial-requests", {"dialRequests": {"phoneNumber": 1}})
    calls = campaigns_fake.calls
    assert [c.operation for c in calls] == ["GetCampaignStateBatch"] * 2 + [
        "PutDialRequestBatch"
    ] * 2
    assert [c.params.get("campaignIds") for c in calls[:2]] == ["id-1", {"id-1": "id-1"}]
    for value in ("id-1", "i"):
        assert calls.count_of("GetCampaignStateBatch", campaignIds=contains(value)) == 0
    with pytest.raises(FakeUsageError, match=r"dialRequests\[\].phoneNumber: the model allows a"):
        calls.count_of("PutDialRequestBatch", dialRequests=contains(phoneNumber=1))
    assert calls.count_of("PutDialRequestBatch", dialRequests=contains(phoneNumber="+1")) == 0
    # The same, on the matcher itself.
    assert not contains("i").matches("id-1")
    assert not contains("a").matches({"a": 1})
    assert not contains(a=1).matches({"a": 1})
    assert not contains(a=1).matches([["a"], None, "a"])
    assert contains(a=1).matches([None, {"a": 1, "b": 2}])
    assert contains("a").matches(["b", "a"])


@pytest.mark.parametrize(
    ("operation", "member", "matcher", "message"),
    [
        (
            "PutDialRequestBatch",
            "dialRequests",
            contains("+15550100"),
            "PutDialRequestBatch.dialRequests holds structures (DialRequest): give item members "
            "as keywords, dialRequests=contains(<member>=...), not contains('+15550100'); the "
            "members are: attributes, clientToken, expirationTime, phoneNumber",
        ),
        (
            "PutDialRequestBatch",
            "dialRequests",
            contains(phone="+15550100"),
            "PutDialRequestBatch.dialRequests items (DialRequest) have no member 'phone' (did you "
            "mean 'phoneNumber'?); their "
            "members are: attributes, clientToken, expirationTime, phoneNumber",
        ),
        (
            None,
            "dialRequests",
            contains(phone="+15550100"),
            "PutDialRequestBatch.dialRequests items (DialRequest) have no member 'phone' (did you "
            "mean 'phoneNumber'?); their "
            "members are: attributes, clientToken, expirationTime, phoneNumber",
        ),
        (
            "PutDialRequestBatch",
            "dialRequests",
            contains(phoneNumber=contains("1")),
            "PutDialRequestBatch.dialRequests[].phoneNumber is a string, not a list: contains() "
            "matches an item of a list member; PutDialRequestBatch.dialRequests[] has none",
        ),
        (
            "GetCampaignStateBatch",
            "campaignIds",
            contains(id="id-1"),
            "GetCampaignStateBatch.campaignIds holds strings, which have no members: give the "
            "item itself, campaignIds=contains(...), not contains(id='id-1')",
        ),
        (
            "GetCampaignStateBatch",
            "campaignIds",
            contains(contains("id-1")),
            "GetCampaignStateBatch.campaignIds holds strings, not lists: "
            "contains(contains('id-1')) cannot match",
        ),
        (
            "PutDialRequestBatch",
            "id",
            contains("c1"),
            "PutDialRequestBatch.id is a string, not a list: contains() matches an item of a "
            "list member; PutDialRequestBatch's are: dialRequests",
        ),
        (
            "DescribeCampaign",
            "id",
            contains("c1"),
            "DescribeCampaign.id is a string, not a list: contains() matches an item of a list "
            "member; DescribeCampaign has none",
        ),
        (
            None,
            "id",
            contains("c1"),
            "DeleteCampaign.id is a string, not a list: contains() matches an item of a list "
            "member; DeleteCampaign has none",
        ),
        (
            "TagResource",
            "tags",
            contains("team"),
            "TagResource.tags is a map, not a list: contains() matches an item of a list member; "
            "TagResource has none",
        ),
    ],
)
def test_contains_is_checked_against_the_model(
    campaigns_fake: CampaignsFake,
    operation: str | None,
    member: str,
    matcher: contains,
    message: str,
) -> None:
    for query in ("filter", "assert_not_called") if operation else ("filter", "count_of"):
        args = (operation,) if operation else ()
        with pytest.raises(FakeUsageError) as caught:
            QUERIES[query](campaigns_fake.calls, *args, **{member: matcher})
        assert str(caught.value) == message


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "contains() needs one item value, contains('id-1'), or item members as keywords"),
        (("a", "b"), {}, "contains() takes one item value, got 2: ('a', 'b')"),
        (("a",), {"phoneNumber": "b"}, "contains() takes either one item value"),
    ],
)
def test_contains_needs_one_value_or_members(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError) as caught:
        contains(*args, **kwargs)
    assert str(caught.value).startswith(message)


def test_contains_repr() -> None:
    assert repr(contains("id-1")) == "contains('id-1')"
    assert repr(contains(phoneNumber="+15550100")) == "contains(phoneNumber='+15550100')"
    assert repr(contains(phoneNumber="+1", clientToken="t")) == (
        "contains(phoneNumber='+1', clientToken='t')"
    )
    assert repr(contains(attributes={"a": 1})) == "contains(attributes={'a': 1})"


# -- snapshots: calls recorded meanwhile -------------------------------------------------------


def test_filtering_reads_a_snapshot(campaigns_fake: CampaignsFake, campaigns_client: Any) -> None:
    campaigns_client.list_campaigns()
    campaigns_client.list_campaigns()
    seen: list[Call] = []

    def recording_meanwhile(call: Call) -> bool:
        # Another request is answered (and recorded) while the journal is being filtered.
        seen.append(call)
        if len(seen) < 10:
            campaigns_client.list_campaigns()
        return True

    calls = campaigns_fake.calls
    found = calls.filter("ListCampaigns", where=recording_meanwhile)
    assert len(seen) == len(found) == 2
    assert list(found) == list(calls[:2])
    assert len(calls) == 4


# -- assertion frames are hidden from tracebacks -----------------------------------------------

FAILING = """
import pytest
from pytest_campaigns_fake import contains


def test_called(campaigns_fake):
    campaigns_fake.calls.assert_called("StopCampaign")  # USER-LINE-1


def test_called_once(campaigns_fake):
    campaigns_fake.calls.assert_called_once("stop_campaign", id="c1")  # USER-LINE-2


def test_not_called(campaigns_fake, campaigns_client):
    campaigns_client.list_campaigns()
    campaigns_fake.calls.assert_not_called("ListCampaigns")  # USER-LINE-3


def test_last(campaigns_fake):
    campaigns_fake.calls.last  # USER-LINE-4


def test_unknown_member(campaigns_fake):
    campaigns_fake.calls.assert_not_called("StopCampaign", campaignId="c1")  # USER-LINE-5


def test_bad_matcher(campaigns_fake):
    campaigns_fake.calls.count_of(campaignIds=contains(id="c1"))  # USER-LINE-6
"""


def test_assertion_failures_point_at_the_users_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_failing=FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(failed=6)
    output = result.stdout.str()
    for line in range(1, 7):
        result.stdout.fnmatch_lines([f">*# USER-LINE-{line}"])
    result.stdout.fnmatch_lines(
        [
            "E*AssertionError: Expected a call to StopCampaign; calls made:",
            "E*AssertionError: Expected exactly one call to StopCampaign(id='c1'), got 0;*",
            "E*AssertionError: Expected no call to ListCampaigns; got 1:",
            f"E*AssertionError: No {APIS} call was made",
            "E*TypeError: StopCampaign has no input member 'campaignId'; its members are: id",
            "E*FakeUsageError: GetCampaignStateBatch.campaignIds holds strings, which have no*",
        ],
        consecutive=False,
    )
    assert "_journal.py" not in output and "_journal_values.py" not in output
    # Each failure is located at the user's line, and nowhere else.
    located = [line for line in result.stdout.lines if re.fullmatch(r"\S+\.py:\d+: \w+", line)]
    assert located == [
        f"test_failing.py:{number}: {error}"
        for number, error in [
            (6, "AssertionError"),
            (10, "AssertionError"),
            (15, "AssertionError"),
            (19, "AssertionError"),
            (23, "TypeError"),
            (27, "FakeUsageError"),
        ]
    ]
