"""connectcampaignsv2 (2024-04-23): the service description, business rules only.

The second description on the engine, beside v1's (``connectcampaigns/``): the same kind of
table of rules by operation name (``@operation("CreateCampaign")``), the same records, store and
onboarding job. v2 campaigns live in each bucket's ``v2`` (not visible to v1, nor v1's to v2,
unless the fake's ``share_campaigns`` setting joins them: ``_shared_views``); instances, and so
onboarding, are shared. The contract is shared/reference/service-behavior-v2.md; every
[CHOSEN] rule is on docs/fidelity.md.

The rules are in the modules beside this one, by what they hold: ``_checks`` (the checks on
the request alone), ``_campaigns`` (campaigns and their configuration), ``_outbound``
(outbound requests), ``_instances`` (onboarding, integrations, instance limits); each
registers its rules in ``_operations``' table, which this module serves as v2's one
``DESCRIPTION``.
"""

from __future__ import annotations

from typing import Any

from ...engine._engine import Description
from ...engine._model import load
from ..campaigns import _rules as rules
from ..campaigns import _serving as serving
from ..campaigns._hints import not_found_hint
from ..campaigns._records import V2
from . import _campaigns, _checks, _instances, _outbound
from ._campaigns import complete as complete
from ._campaigns import new_campaign as new_campaign
from ._operations import API, CHECKS, OPERATIONS
from ._service import Quotas as Quotas
from ._service import Service as Service
from ._service import Settings as Settings

# The modules whose rules fill the tables (imported for that).
RULES = (_campaigns, _checks, _instances, _outbound)
# Fault injection answers ThrottlingException only from the operations whose model lists it
# (the contract's choice); v1 answers it, as a common AWS error, from any operation.
MODELLED_ONLY_ERRORS = frozenset({"ThrottlingException"})
__all__ = ["CHECKS", "DESCRIPTION", "MODELLED_ONLY_ERRORS", "OPERATIONS", "Quotas", "Service"]
__all__ += ["Settings", "complete", "new_campaign"]


def hint(
    service: Service, operation: str, params: dict[str, Any], account: str, region: str
) -> str | None:
    campaign_id = params.get("id")
    if isinstance(params.get("arn"), str):
        campaign_id = params["arn"].rpartition("/")[2]
    if isinstance(campaign_id, str):
        for bucket in service.store.buckets.values():
            if campaign_id in bucket.campaigns and not service.shared.share_campaigns:
                return (
                    f"campaign {campaign_id} is a connectcampaigns (v1) campaign; v1 and v2 "
                    "campaigns are separate: use a connectcampaigns client, or seed a v2 one "
                    "with campaigns_fake.v2.add_campaign(...)"
                )
            if campaign_id in bucket.v2.campaigns and (bucket.account, bucket.region) != (
                account,
                region,
            ):
                return (
                    f"campaign {campaign_id} is in account {bucket.account}, region "
                    f"{bucket.region} of the fake; this request was signed for account "
                    f"{account}, region {region}"
                )
            if campaign_id in bucket.v2.deleted:
                return f"campaign {campaign_id} was deleted earlier (DeleteCampaign)"
        return (
            f"no v2 campaign {campaign_id} was created or seeded in this fake; seed one with "
            "campaigns_fake.v2.add_campaign(...) and use its .id"
        )
    return not_found_hint(service.store, operation, params, account, region)


DESCRIPTION = Description(
    model=load(V2),
    operations=OPERATIONS,
    checks=CHECKS,
    buckets=serving.buckets,
    error_member=rules.error_member(API),
    hint=hint,
    widening=serving.US_GOV_ARNS,
    # Its calls are read on fake.v2: the journal says so.
    label="v2.",
    key_params=serving.KEY_PARAMS,
    item_keys=serving.ITEM_KEYS,
)
