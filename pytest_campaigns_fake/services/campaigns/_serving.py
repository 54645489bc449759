"""What the engine needs of the campaigns APIs besides their rules, in its own terms: how their
calls are summed up in the journal, what an item fault's match may name beyond an item's own
members, the bucket a request acts on, and v2's setting that widens the model's ARN patterns.
Each description hands these to the engine (``Description``), which names no service."""

from __future__ import annotations

from typing import Any, Callable

from ...engine._validation import Widening
from ._records import Bucket

#: Parameters a call's one-line summary shows, most telling first.
KEY_PARAMS = ("id", "name", "connectInstanceId", "arn", "campaignIds", "maxResults", "nextToken")

#: A batch's items carry the batch's campaign (its ``id``) as ``campaignId``: an item fault may
#: match it (``fail_dial_requests(campaign_id=...)``).
ITEM_KEYS = {"campaignId": "id"}


def buckets(service: Any) -> Callable[[str, str], Bucket]:
    """The bucket of an (account, region) in the service's store: one store for both APIs (v2's
    rules go on to ``bucket.v2``)."""
    found: Callable[[str, str], Bucket] = service.store.bucket
    return found


# The region part of the v2 model's full-match Arn pattern, which no ``us-gov-*`` region
# matches, and the form that takes them (as the same model's LambdaArn spells it).
_REGION = r"[a-z]{2}-[a-z]+-\d"
_REGION_WITH_GOV = r"[a-z]{2}(-gov)?-[a-z]+-\d"


def _accepts_us_gov_arns(service: Any) -> bool:
    accepts: bool = service.settings.accept_us_gov_arns
    return accepts


#: v2's ``settings.accept_us_gov_arns``: ARNs of us-gov-* regions pass the model's patterns.
US_GOV_ARNS = Widening(_REGION, _REGION_WITH_GOV, _accepts_us_gov_arns)
