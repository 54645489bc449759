"""connectcampaignsv2's table of rules, and what its rules share.

``OPERATIONS`` is the explicit table the engine dispatches v2's requests by, ``CHECKS`` the
checks on the request alone; each rule is registered at its implementation with
``@operation("Name")`` (or, for a rule written once in ``campaigns/``, where it is registered
for v2's ``API``). The modules beside this one fill the tables; ``_description.py`` imports
them all and serves the tables as v2's one ``DESCRIPTION``.
"""

from __future__ import annotations

from typing import Any

from ...engine._engine import Operation, registrar
from ..campaigns._api import Api
from ..campaigns._records import V2, Bucket, CampaignV2Record
from ..campaigns._rules import settled
from ..campaigns._shared_views import foreign, v2_data, v2_summary
from ._service import Service

#: Which API the rules written once act for: v2's campaigns are a bucket's ``v2``, seen in
#: v2's shapes; its page tokens are refused by v1 (and v1's by v2).
API = Api(V2, data=v2_data, summary=v2_summary, scope_prefix="v2:")

OPERATIONS: dict[str, Operation] = {}
CHECKS: dict[str, Operation] = {}

#: ``@operation("Name")``: a rule registered in the table (``CHECKS`` given as second argument).
operation = registrar(OPERATIONS)


def own_campaign(service: Service, bucket: Bucket, campaign_id: str) -> CampaignV2Record:
    """A campaign whose configuration or requests the call changes: a v2 campaign (a v1 one,
    found when campaigns are shared, is ConflictException)."""
    campaign = settled(bucket.v2, service, campaign_id)
    if not isinstance(campaign, CampaignV2Record):
        raise foreign(campaign)
    return campaign


def set_members(union: dict[str, Any]) -> dict[str, Any]:
    """A union's members that are set: a member whose value is null counts as unset."""
    return {name: value for name, value in union.items() if value is not None}
