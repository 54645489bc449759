"""Amazon Connect Outbound Campaigns, v2 (``connectcampaignsv2``): its description
(operations, checks, quotas, settings). Its modules are private (``_name.py``)."""
