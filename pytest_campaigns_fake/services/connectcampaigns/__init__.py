"""Amazon Connect Outbound Campaigns, v1 (``connectcampaigns``): its description (operations,
checks, quotas, settings) and its hints. Its modules are private (``_name.py``)."""
