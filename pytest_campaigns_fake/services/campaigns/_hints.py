"""Hints for the person reading a failure: what in the test would have avoided it.

A ResourceNotFoundException is often the test's own doing: an instance never seeded, a client
signed for another region or account than the seed, a campaign deleted earlier. The AWS error
message stays as AWS would word it; the hint goes to the journal and the report section.
"""

from __future__ import annotations

from typing import Any

from ._records import Bucket, Store

# The operations whose need for an onboarded instance require_onboarding=False lifts (v1's
# CreateCampaign; v2's CreateCampaign, integration and instance-limit operations).
ONBOARDING_SWITCHABLE = frozenset(
    {
        "CreateCampaign",
        "PutConnectInstanceIntegration",
        "DeleteConnectInstanceIntegration",
        "ListConnectInstanceIntegrations",
        "PutInstanceCommunicationLimits",
        "GetInstanceCommunicationLimits",
    }
)


def not_found_hint(
    store: Store,
    operation: str,
    params: dict[str, Any],
    account: str,
    region: str,
) -> str | None:
    """The hint for a ResourceNotFoundException the fake answered, or None."""
    here = (account, region)
    if "arn" in params and isinstance(params["arn"], str):
        campaign_id = params["arn"].rpartition("/")[2]
        return _campaign_hint(store, campaign_id, here, what=f"the campaign of {params['arn']}")
    if "id" in params and isinstance(params["id"], str):
        return _campaign_hint(store, params["id"], here, what=f"campaign {params['id']}")
    instance_id = params.get("connectInstanceId")
    if not isinstance(instance_id, str):
        return None
    elsewhere = [
        bucket
        for key, bucket in store.buckets.items()
        if key != here and instance_id in bucket.instances
    ]
    if elsewhere:
        return f"instance {instance_id} is in {_where(elsewhere[0])} of the fake; {_this(here)}"
    instance = store.buckets[here].instances.get(instance_id) if here in store.buckets else None
    if instance is not None and instance.status == "SUCCEEDED":
        # Onboarded: what was not found is something else (an integration), not the instance.
        return None
    seed = f"campaigns_fake.add_instance({instance_id!r})"
    if instance is not None and instance.status is not None:
        fix = (
            f"campaigns_fake.advance_onboarding({instance_id!r})"
            if instance.status == "IN_PROGRESS"
            else seed
        )
        return f"the onboarding job of instance {instance_id} is {instance.status}; {fix}"
    if operation in ONBOARDING_SWITCHABLE:
        return (
            f"seed the instance with {seed}, or turn the onboarding check off with "
            "require_onboarding=False"
        )
    return f"seed the instance with {seed}"


def _campaign_hint(store: Store, campaign_id: str, here: tuple[str, str], what: str) -> str:
    for key, bucket in store.buckets.items():
        if campaign_id in bucket.campaigns and key != here:
            return f"{what} is in {_where(bucket)} of the fake; {_this(here)}"
    for bucket in store.buckets.values():
        if campaign_id in bucket.deleted:
            return f"{what} was deleted earlier (DeleteCampaign)"
    return (
        f"no campaign {campaign_id} was created or seeded in this fake; seed one with "
        "campaigns_fake.add_campaign(...) and use its .id"
    )


def _where(bucket: Bucket) -> str:
    return f"account {bucket.account}, region {bucket.region}"


def _this(here: tuple[str, str]) -> str:
    return f"this request was signed for account {here[0]}, region {here[1]}"
