"""The fault controls both campaigns APIs offer beyond the engine's own (``inject_error``,
``throttle``): the per-item failures of their batches that are not a rule's own, by campaign."""

from __future__ import annotations

from ...engine._faults import FaultControls, Rule


class CampaignFaultControls(FaultControls):
    """``FaultControls`` plus ``fail_campaign_state``, on the faults of one campaigns API."""

    def fail_campaign_state(
        self, campaign_id: str, code: str = "UnknownError", *, times: int | None = None
    ) -> Rule:
        """Report ``campaign_id`` under failedRequests of GetCampaignStateBatch with ``code``."""
        __tracebackhide__ = True
        if not isinstance(campaign_id, str):
            raise TypeError(f"campaign_id must be a str, not {campaign_id!r}")
        return self._faults.add_item_failure(
            "GetCampaignStateBatch", code, times, {"campaignId": campaign_id}
        )
