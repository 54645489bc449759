"""ListCampaigns: pages, tokens, the instance filter.

Through real boto3 clients; the contract is shared/reference/service-behavior.md.
Every test runs twice (the ``client`` and ``make_client`` fixtures of conftest.py):
with a default client, and with one built with ``parameter_validation=False`` (which
sends what it is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ParamValidationError
from support import (
    INSTANCE,
    ClientFactory,
    create,
    raises,
    seed,
)

from pytest_campaigns_fake import CampaignsFake


def list_all(client: Any, **kwargs: Any) -> list[list[str]]:
    """Page through ListCampaigns by hand: the ids of every page."""
    pages: list[list[str]] = []
    token: str | None = None
    while True:
        args = dict(kwargs)
        if token is not None:
            args["nextToken"] = token
        answer = client.list_campaigns(**args)
        pages.append([s["id"] for s in answer["campaignSummaryList"]])
        token = answer.get("nextToken")
        if token is None:
            return pages
        assert len(pages) < 100, "pagination does not end"


# -- ListCampaigns ---------------------------------------------------------------------------


def test_list_campaigns_empty(campaigns_fake: CampaignsFake, client: Any) -> None:
    answer = client.list_campaigns()
    assert answer["campaignSummaryList"] == []
    assert "nextToken" not in answer


def test_list_campaigns_summaries_in_creation_order(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    campaigns_fake.add_instance("instance-2")
    created = [
        (create(client, name="zeta", instance=INSTANCE), "zeta", INSTANCE),
        (create(client, name="alpha", instance="instance-2"), "alpha", "instance-2"),
        (create(client, name="mid", instance=INSTANCE), "mid", INSTANCE),
    ]
    answer = client.list_campaigns()
    assert "nextToken" not in answer
    assert answer["campaignSummaryList"] == [
        {"id": c["id"], "arn": c["arn"], "name": name, "connectInstanceId": instance}
        for c, name, instance in created
    ]


def test_list_campaigns_default_page_is_50(campaigns_fake: CampaignsFake, client: Any) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(120)]
    pages = list_all(client)
    assert [len(page) for page in pages] == [50, 50, 20]
    assert [i for page in pages for i in page] == ids


def test_list_campaigns_exact_multiple_has_no_empty_last_page(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(100)]
    first = client.list_campaigns()
    assert len(first["campaignSummaryList"]) == 50
    second = client.list_campaigns(nextToken=first["nextToken"])
    assert [s["id"] for s in second["campaignSummaryList"]] == ids[50:]
    assert "nextToken" not in second


@pytest.mark.parametrize(("count", "size"), [(10, 3), (10, 5), (10, 1), (10, 10), (10, 50)])
def test_list_campaigns_max_results(
    campaigns_fake: CampaignsFake, client: Any, count: int, size: int
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(count)]
    pages = list_all(client, maxResults=size)
    expected = [ids[i : i + size] for i in range(0, count, size)]
    assert pages == expected


def test_list_campaigns_paginator(campaigns_fake: CampaignsFake, client: Any) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(23)]
    assert client.can_paginate("list_campaigns")
    paginator = client.get_paginator("list_campaigns")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["campaignSummaryList"]) for p in pages] == [5, 5, 5, 5, 3]
    assert ["nextToken" in p for p in pages] == [True, True, True, True, False]
    assert [s["id"] for p in pages for s in p["campaignSummaryList"]] == ids
    full = paginator.paginate().build_full_result()
    assert [s["id"] for s in full["campaignSummaryList"]] == ids


def test_list_campaigns_instance_filter(campaigns_fake: CampaignsFake, client: Any) -> None:
    wanted = []
    for i in range(12):
        instance = "instance-2" if i % 3 == 0 else INSTANCE
        campaign_id = seed(campaigns_fake, name=f"c{i}", connect_instance_id=instance)
        if instance == "instance-2":
            wanted.append(campaign_id)
    eq = {"instanceIdFilter": {"value": "instance-2", "operator": "Eq"}}
    answer = client.list_campaigns(filters=eq)
    assert [s["id"] for s in answer["campaignSummaryList"]] == wanted
    assert {s["connectInstanceId"] for s in answer["campaignSummaryList"]} == {"instance-2"}
    assert "nextToken" not in answer
    assert list_all(client, filters=eq, maxResults=3) == [wanted[:3], wanted[3:]]
    assert list_all(client, filters=eq, maxResults=2) == [wanted[:2], wanted[2:]]
    none = {"instanceIdFilter": {"value": "instance-9", "operator": "Eq"}}
    assert client.list_campaigns(filters=none)["campaignSummaryList"] == []


def test_list_campaigns_filter_pages_by_matches(campaigns_fake: CampaignsFake, client: Any) -> None:
    seed(campaigns_fake, name="match-1", connect_instance_id="instance-2")
    for i in range(5):
        seed(campaigns_fake, name=f"other-{i}")
    last = seed(campaigns_fake, name="match-2", connect_instance_id="instance-2")
    eq = {"instanceIdFilter": {"value": "instance-2", "operator": "Eq"}}
    first = client.list_campaigns(filters=eq, maxResults=1)
    assert [s["name"] for s in first["campaignSummaryList"]] == ["match-1"]
    second = client.list_campaigns(filters=eq, maxResults=1, nextToken=first["nextToken"])
    assert [s["id"] for s in second["campaignSummaryList"]] == [last]
    assert "nextToken" not in second


@pytest.mark.parametrize(
    "delete",
    [[2], [3], [2, 3], [0, 1, 2], [3, 4, 5], [9]],
    ids=["last-of-page", "first-of-next", "both", "whole-page", "whole-next-page", "final"],
)
def test_list_campaigns_delete_between_pages(
    campaigns_fake: CampaignsFake, client: Any, delete: list[int]
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(10)]
    first = client.list_campaigns(maxResults=3)
    assert [s["id"] for s in first["campaignSummaryList"]] == ids[:3]
    for index in delete:
        client.delete_campaign(id=ids[index])
    rest = list_all(client, maxResults=3, nextToken=first["nextToken"])
    remaining_after_first_page = [c for i, c in enumerate(ids[3:], 3) if i not in delete]
    assert [i for page in rest for i in page] == remaining_after_first_page
    assert all(len(page) <= 3 for page in rest)


def test_list_campaigns_created_between_pages_come_last(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    ids = [seed(campaigns_fake, name=f"c{i}") for i in range(4)]
    first = client.list_campaigns(maxResults=2)
    newer = seed(campaigns_fake, name="newer")
    rest = list_all(client, maxResults=2, nextToken=first["nextToken"])
    assert [i for page in rest for i in page] == [*ids[2:], newer]


@pytest.mark.parametrize(
    "token",
    ["made-up-token", "eyJhZnRlciI6IDN9.000000000000000000000000", "x" * 1000],
    ids=["garbage", "forged", "long"],
)
def test_list_campaigns_made_up_token(
    campaigns_fake: CampaignsFake, client: Any, token: str
) -> None:
    for i in range(5):
        seed(campaigns_fake, name=f"c{i}")
    with raises(client, "ValidationException", 400):
        client.list_campaigns(nextToken=token)


def test_list_campaigns_tampered_token(campaigns_fake: CampaignsFake, client: Any) -> None:
    for i in range(5):
        seed(campaigns_fake, name=f"c{i}")
    token = client.list_campaigns(maxResults=2)["nextToken"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with raises(client, "ValidationException", 400):
        client.list_campaigns(nextToken=tampered)


@pytest.mark.parametrize("size", [0, 51])
def test_list_campaigns_max_results_out_of_range(
    campaigns_fake: CampaignsFake, make_client: ClientFactory, size: int
) -> None:
    client = make_client()
    if size == 0 and make_client.validates:
        # botocore checks minimum values itself: the request never reaches the service
        with pytest.raises(ParamValidationError):
            client.list_campaigns(maxResults=size)
        assert len(campaigns_fake.calls) == 0
        return
    with raises(client, "ValidationException", 400):
        client.list_campaigns(maxResults=size)
