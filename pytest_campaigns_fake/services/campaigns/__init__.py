"""What connectcampaigns (v1) and connectcampaignsv2 (v2) share: the rules both answer alike,
written once (each taking the ``Api`` whose campaigns it acts on), onboarding, page tokens,
hints, the records store, the item batches, the shared-campaign views, snapshots. Its modules
are private (``_name.py``)."""
