"""What connectcampaigns (v1) and connectcampaignsv2 (v2) share: the records store, the item
batches, the shared-campaign views, snapshots. Its modules are private (``_name.py``)."""
