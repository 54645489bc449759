"""TagResource, UntagResource, ListTagsForResource.

Through real boto3 clients; the contract is shared/reference/service-behavior.md.
Every test runs twice (the ``client`` and ``make_client`` fixtures of conftest.py):
with a default client, and with one built with ``parameter_validation=False`` (which
sends what it is given, so the fake's own checks are what answer).
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest
from support import (
    ACCOUNT,
    INSTANCE,
    OTHER_ACCOUNT,
    OTHER_KEY,
    OTHER_REGION,
    REGION,
    ClientFactory,
    create,
    many_tags,
    raises,
    tags_of,
)

from pytest_campaigns_fake import CampaignsFake

# -- Tags ------------------------------------------------------------------------------------


def test_tag_list_untag(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    answer = client.tag_resource(arn=arn, tags={"b": "2", "a": "one", "c/d:e.f": ""})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(client, arn) == {"a": "one", "b": "2", "c/d:e.f": ""}
    answer = client.untag_resource(arn=arn, tagKeys=["a", "c/d:e.f", "not-there"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(client, arn) == {"b": "2"}
    client.untag_resource(arn=arn, tagKeys=["b"])
    assert tags_of(client, arn) == {}
    campaign_id = arn.rsplit("/", 1)[1]
    assert client.describe_campaign(id=campaign_id)["campaign"]["tags"] == {}


def test_untag_resource_with_no_keys(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    answer = client.untag_resource(arn=arn, tagKeys=[])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(client, arn) == {"a": "1"}


def test_tags_are_per_campaign(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    one = create(client, name="one", tags={"k": "1"})["arn"]
    two = create(client, name="two")["arn"]
    client.tag_resource(arn=two, tags={"k": "2"})
    assert tags_of(client, one) == {"k": "1"}
    assert tags_of(client, two) == {"k": "2"}


@pytest.mark.parametrize("key", ["aws:created-by", "aws:x"])
def test_tag_resource_rejects_aws_prefix(
    campaigns_fake: CampaignsFake, client: Any, key: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags={key: "v", "b": "2"})
    assert tags_of(client, arn) == {"a": "1"}


def test_tag_resource_50_tag_limit_counts_merged_tags(
    campaigns_fake: CampaignsFake, client: Any
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags=many_tags(45))["arn"]
    client.tag_resource(arn=arn, tags=many_tags(5, prefix="more"))
    assert len(tags_of(client, arn)) == 50
    # overwriting existing keys does not add tags
    client.tag_resource(arn=arn, tags={"key0": "changed", "more4": "changed"})
    tags = tags_of(client, arn)
    assert len(tags) == 50
    assert tags["key0"] == tags["more4"] == "changed"
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags={"one-too-many": "x"})
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags={"key1": "changed", "one-too-many": "x"})
    assert tags_of(client, arn) == tags
    client.untag_resource(arn=arn, tagKeys=["key1"])
    client.tag_resource(arn=arn, tags={"now-fits": "x"})
    assert len(tags_of(client, arn)) == 50


def test_tag_resource_51_at_once(campaigns_fake: CampaignsFake, client: Any) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client)["arn"]
    with raises(client, "ValidationException", 400):
        client.tag_resource(arn=arn, tags=many_tags(51))
    assert tags_of(client, arn) == {}
    client.tag_resource(arn=arn, tags=many_tags(50))
    assert tags_of(client, arn) == many_tags(50)


TAG_OPERATIONS: dict[str, Callable[[Any, str], Any]] = {
    "TagResource": lambda c, arn: c.tag_resource(arn=arn, tags={"k": "v"}),
    "UntagResource": lambda c, arn: c.untag_resource(arn=arn, tagKeys=["a"]),
    "ListTagsForResource": lambda c, arn: c.list_tags_for_resource(arn=arn),
}


def _foreign_arns(arn: str) -> dict[str, str]:
    campaign_id = arn.rsplit("/", 1)[1]
    return {
        "unknown-id": arn.replace(campaign_id, str(uuid.uuid4())),
        "other-account": arn.replace(f":{ACCOUNT}:", f":{OTHER_ACCOUNT}:"),
        "other-region": arn.replace(f":{REGION}:", f":{OTHER_REGION}:"),
        "other-partition": arn.replace("arn:aws:", "arn:aws-cn:"),
        "other-service": arn.replace(":connect-campaigns:", ":connect:"),
        "other-resource-type": arn.replace(":campaign/", ":instance/"),
        "not-campaigns": f"arn:aws:s3:::bucket-{campaign_id}",
    }


@pytest.mark.parametrize("operation", sorted(TAG_OPERATIONS))
@pytest.mark.parametrize(
    "which",
    [
        "unknown-id",
        "other-account",
        "other-region",
        "other-partition",
        "other-service",
        "other-resource-type",
        "not-campaigns",
    ],
)
def test_tag_operations_on_unknown_arn(
    campaigns_fake: CampaignsFake, client: Any, operation: str, which: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    arn = create(client, tags={"a": "1"})["arn"]
    with raises(client, "ResourceNotFoundException", 404):
        TAG_OPERATIONS[operation](client, _foreign_arns(arn)[which])
    assert tags_of(client, arn) == {"a": "1"}


@pytest.mark.parametrize("operation", sorted(TAG_OPERATIONS))
def test_tag_operations_on_deleted_campaign(
    campaigns_fake: CampaignsFake, client: Any, operation: str
) -> None:
    campaigns_fake.add_instance(INSTANCE)
    created = create(client, tags={"a": "1"})
    client.delete_campaign(id=created["id"])
    with raises(client, "ResourceNotFoundException", 404):
        TAG_OPERATIONS[operation](client, created["arn"])


def test_arn_of_same_id_in_other_account_or_region_is_not_found(
    campaigns_fake: CampaignsFake, make_client: ClientFactory
) -> None:
    """A real campaign's ARN, asked about from the wrong account or region."""
    campaigns_fake.register_account(OTHER_KEY, OTHER_ACCOUNT)
    home = make_client()
    campaigns_fake.add_instance(INSTANCE)
    arn = create(home, tags={"a": "1"})["arn"]
    for stranger in (make_client(region=OTHER_REGION), make_client(access_key=OTHER_KEY)):
        with raises(stranger, "ResourceNotFoundException", 404):
            stranger.list_tags_for_resource(arn=arn)
        with raises(stranger, "ResourceNotFoundException", 404):
            stranger.tag_resource(arn=arn, tags={"b": "2"})
        with raises(stranger, "ResourceNotFoundException", 404):
            stranger.untag_resource(arn=arn, tagKeys=["a"])
    assert tags_of(home, arn) == {"a": "1"}
