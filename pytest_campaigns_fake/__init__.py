"""An in-process fake of AWS Amazon Connect Outbound Campaigns (boto3 ``connectcampaigns``
and ``connectcampaignsv2``).

While a fake is active, every botocore/boto3/aiobotocore client in the process that calls
``connectcampaigns`` (v1, 22 operations) or ``connectcampaignsv2`` (v2, 37 operations) is
answered by an in-memory service that follows the real one (the campaign state machine,
onboarding jobs, quotas, validation from the botocore model) with real HTTP responses, so
botocore's parser, errors and retries run as against AWS. Nothing reaches the network.
``CampaignsServer`` (``python -m pytest_campaigns_fake serve``) serves the same fake over HTTP.

In pytest (the plugin is registered on install)::

    def test_start(campaigns_fake, campaigns_client):
        campaigns_fake.add_instance("instance-1")
        ...
        campaigns_fake.calls.assert_called("StartCampaign", id=campaign_id)

Anywhere else::

    from pytest_campaigns_fake import mock_campaigns

    with mock_campaigns() as fake:          # or @mock_campaigns on a function or TestCase
        fake.add_instance("instance-1")
        ...

What a test uses:

- ``CampaignsFake``: the service: seeding (``add_instance``, ``add_campaign``), faults
  (``inject_error``, ``throttle``, ``fail_dial_requests``), onboarding, ``clock``, the journal
  (``calls``), snapshots; its ``Options`` are checked when it is made. Its ``v2``
  (``CampaignsV2``) holds the v2 API's controls.
- ``CampaignsServer``: a fake over HTTP, for the AWS CLI and other SDKs.
- ``mock_campaigns``: a fresh fake as context manager or decorator; ``current()`` the active one.
- ``Calls``/``Call`` and ``contains``: the journal, with assertions checked against the model.
- ``Rule`` (``ErrorRule``, ``ThrottleRule``, ``ItemRule``) and ``RateLimit``: what fault
  methods return; ``Clock``: the fake's time.
- ``Campaign``, ``Instance``, ``DialRequest``; ``CampaignV2``, ``OutboundRequest``,
  ``ProfileOutboundRequest``: the stored records, to read.
- ``FakeUsageError``: the fake was used in a way that would let a test pass by accident.
- ``FakeBypassedWarning``, ``UnimplementedOperationWarning``: another handler answered before
  the fake; the installed botocore has an operation the fake does not implement yet.
"""

from __future__ import annotations

from ._fake import CampaignsFake, current
from ._mock import mock_campaigns
from ._options import Options
from .engine._clock import Clock
from .engine._engine import UnimplementedOperationWarning
from .engine._errors import FakeUsageError
from .engine._faults import ErrorRule, ItemRule, RateLimit, Rule, ThrottleRule
from .engine._journal import Call, Calls, contains
from .interception._intercept import FakeBypassedWarning
from .server._server import CampaignsServer
from .services.campaigns._records import (
    DialRequest,
    OutboundRequest,
    ProfileOutboundRequest,
)
from .services.campaigns._views import Campaign, CampaignV2, Instance
from .services.connectcampaignsv2._controls import CampaignsV2

__all__ = [
    "Call",
    "Calls",
    "Campaign",
    "CampaignV2",
    "CampaignsFake",
    "CampaignsServer",
    "CampaignsV2",
    "Clock",
    "DialRequest",
    "ErrorRule",
    "FakeBypassedWarning",
    "FakeUsageError",
    "Instance",
    "ItemRule",
    "Options",
    "OutboundRequest",
    "ProfileOutboundRequest",
    "RateLimit",
    "Rule",
    "ThrottleRule",
    "UnimplementedOperationWarning",
    "contains",
    "current",
    "mock_campaigns",
]
__version__ = "0.1.0"
