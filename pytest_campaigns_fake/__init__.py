"""An in-process fake of AWS Amazon Connect Outbound Campaigns (boto3 ``connectcampaigns``)."""

from __future__ import annotations

from ._fake import CampaignsFake, FakeUsageError
from ._intercept import FakeBypassedWarning, current
from ._journal import Call, Calls, contains
from ._mock import mock_campaigns
from ._store import Campaign, DialRequest, Instance

__all__ = [
    "Call",
    "Calls",
    "Campaign",
    "CampaignsFake",
    "DialRequest",
    "FakeBypassedWarning",
    "FakeUsageError",
    "Instance",
    "contains",
    "current",
    "mock_campaigns",
]
__version__ = "0.1.0"
