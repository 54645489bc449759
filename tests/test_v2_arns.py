"""v2's ``Arn`` pattern and us-gov regions: ``fake.v2.settings.accept_us_gov_arns``.

The contract matches patterns on the whole string (as v1), and under full match the v2
model's ``Arn`` pattern (``...:[a-z]{2}-[a-z]+-\\d{1,2}:...``) refuses every ``us-gov-*``
region; whether the service anchors its patterns is an open question, so a strictness flag
accepts such ARNs. Through real boto3 clients in us-gov-west-1 (``any_region=True``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support import INSTANCE, Client, raises
from support_v2 import new_v2_client

from pytest_campaigns_fake import CampaignsFake

GOV = "us-gov-west-1"


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    with CampaignsFake(any_region=True) as active:
        yield active


@pytest.fixture(scope="module")
def gov() -> Client:
    return new_v2_client(GOV)


def gov_campaign(fake: CampaignsFake) -> str:
    arn = fake.v2.add_campaign(connect_instance_id=INSTANCE, region=GOV).arn
    assert arn.startswith(f"arn:aws-us-gov:connect-campaigns:{GOV}:")
    return arn


TAG_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("tag_resource", {"tags": {"team": "a"}}),
    ("untag_resource", {"tagKeys": ["team"]}),
    ("list_tags_for_resource", {}),
]


@pytest.mark.parametrize(("method", "arguments"), TAG_CALLS, ids=[m for m, _ in TAG_CALLS])
def test_a_us_gov_arn_fails_the_full_match_pattern_by_default(
    fake: CampaignsFake, gov: Client, method: str, arguments: dict[str, Any]
) -> None:
    assert fake.v2.settings.accept_us_gov_arns is False
    arn = gov_campaign(fake)
    with raises(gov, "ValidationException", 400) as info:
        getattr(gov, method)(arn=arn, **arguments)
    message = info.value.response["Error"]["Message"]
    assert f"Value '{arn}' at 'arn' failed to satisfy constraint" in message
    assert r"[a-z]{2}-[a-z]+-\d{1,2}" in message  # the model's pattern, as AWS prints it


@pytest.mark.parametrize(("method", "arguments"), TAG_CALLS, ids=[m for m, _ in TAG_CALLS])
def test_the_flag_accepts_us_gov_arns(
    fake: CampaignsFake, gov: Client, method: str, arguments: dict[str, Any]
) -> None:
    fake.v2.settings.accept_us_gov_arns = True
    arn = gov_campaign(fake)
    getattr(gov, method)(arn=arn, **arguments)
    assert fake.v2.calls.last.status_code == 200


def test_the_flag_accepts_nothing_else_the_pattern_refuses(
    fake: CampaignsFake, gov: Client
) -> None:
    fake.v2.settings.accept_us_gov_arns = True
    bad = "arn:aws-us-gov:connect-campaigns:us-gov-west:123456789012:campaign/x"
    with raises(gov, "ValidationException", 400):
        gov.list_tags_for_resource(arn=bad)


def test_the_flag_holds_for_its_fakes_requests_only(gov: Client) -> None:
    with CampaignsFake(any_region=True) as strict:
        arn = gov_campaign(strict)
        with CampaignsFake(any_region=True) as lenient:
            lenient.v2.settings.accept_us_gov_arns = True
            gov.list_tags_for_resource(arn=gov_campaign(lenient))
        # The lenient fake answered and stopped: the strict one answers with its own setting.
        with raises(gov, "ValidationException", 400):
            gov.list_tags_for_resource(arn=arn)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_flag_refuses_a_non_bool(value: Any) -> None:
    fake = CampaignsFake()
    with pytest.raises(ValueError, match=r"accept_us_gov_arns must be True or False"):
        fake.v2.settings.accept_us_gov_arns = value


def test_a_snapshot_keeps_the_flag(fake: CampaignsFake) -> None:
    fake.v2.settings.accept_us_gov_arns = True
    snapshot = fake.snapshot()
    assert snapshot["v2"]["settings"]["acceptUsGovArns"] is True
    other = CampaignsFake()
    other.load(snapshot)
    assert other.v2.settings.accept_us_gov_arns is True
