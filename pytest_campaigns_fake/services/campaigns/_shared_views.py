"""One campaign, two API versions: what v1 sees of a v2 campaign and v2 of a v1 campaign.

By default v1 and v2 campaigns are separate (the contract's [CHOSEN] reading; AWS documents
no migration). With ``share_campaigns`` they form one namespace: each API finds, lists,
describes, starts, stops, renames, tags and deletes the other's campaigns, seen in its own
shape. A campaign keeps the record of the API that created it; its configuration and its
requests change only through that API (ConflictException otherwise), because the two
configurations do not map onto each other both ways (v2's sources, schedules, time windows,
preview mode and channels other than telephony have no v1 form).

The mapping is the one the two models suggest: v1's ``dialerConfig`` variant is v2's
telephony ``outboundMode`` (progressive, predictive, agentless) and its ``dialingCapacity``
the telephony ``capacity``; v1's ``outboundCallConfig`` is v2's telephony
``defaultOutboundConfig`` plus ``connectQueueId``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ...engine._errors import ServiceError
from ._records import V1, V2, CampaignRecord, CampaignV2Record, members, shape

# v1 DialerConfig variant -> v2 TelephonyOutboundMode variant
_MODES = {
    "progressiveDialerConfig": "progressive",
    "predictiveDialerConfig": "predictive",
    "agentlessDialerConfig": "agentless",
}
_COMMON = ("id", "arn", "name", "connectInstanceId", "tags")


def is_v2(campaign: CampaignRecord) -> bool:
    return isinstance(campaign, CampaignV2Record)


def v2_data(campaign: CampaignRecord) -> dict[str, Any]:
    """The campaign as v2's ``Campaign`` shape: a v2 campaign's own data, a v1 campaign's as
    a telephony campaign without source."""
    if is_v2(campaign):
        return campaign.data
    data = campaign.data
    telephony: dict[str, Any] = {}
    kind, dialer = _variant(data.get("dialerConfig"))
    if kind in _MODES:
        mode = _MODES[kind]
        declared = _mode_members(mode)
        telephony["outboundMode"] = {mode: {k: v for k, v in dialer.items() if k in declared}}
        if "dialingCapacity" in dialer:
            telephony["capacity"] = dialer["dialingCapacity"]
    call = data.get("outboundCallConfig") or {}
    if "connectQueueId" in call:
        telephony["connectQueueId"] = call["connectQueueId"]
    default = members("TelephonyOutboundConfig", V2)
    telephony["defaultOutboundConfig"] = {k: v for k, v in call.items() if k in default}
    view = {name: data[name] for name in _COMMON if name in data}
    view["channelSubtypeConfig"] = {"telephony": telephony}
    return view


def v1_data(campaign: CampaignRecord) -> dict[str, Any]:
    """The campaign as v1's ``Campaign`` shape: a v1 campaign's own data; of a v2 campaign
    what maps onto v1, its telephony config (no dialerConfig for preview mode, neither member
    without telephony)."""
    if not is_v2(campaign):
        return campaign.data
    data = campaign.data
    view = {name: data[name] for name in _COMMON if name in data}
    telephony = (data.get("channelSubtypeConfig") or {}).get("telephony")
    if not telephony:
        return view
    mode, config = _variant(telephony.get("outboundMode"))
    kind = next((v1 for v1, v2 in _MODES.items() if v2 == mode), None)
    if kind is not None:
        declared = shape("DialerConfig").members[kind].members
        dialer = {k: v for k, v in config.items() if k in declared}
        if "capacity" in telephony and "dialingCapacity" in declared:
            dialer["dialingCapacity"] = telephony["capacity"]
        view["dialerConfig"] = {kind: dialer}
    call_members = members("OutboundCallConfig")
    call = {
        k: v for k, v in (telephony.get("defaultOutboundConfig") or {}).items() if k in call_members
    }
    if "connectQueueId" in telephony:
        call["connectQueueId"] = telephony["connectQueueId"]
    view["outboundCallConfig"] = call
    return view


def v2_summary(campaign: CampaignRecord) -> dict[str, Any]:
    if is_v2(campaign):
        return campaign.summary()
    return CampaignV2Record(v2_data(campaign), state=campaign.state, seq=campaign.seq).summary()


def v1_summary(campaign: CampaignRecord) -> dict[str, Any]:
    if not is_v2(campaign):
        return campaign.summary()
    return CampaignRecord(v1_data(campaign), state=campaign.state, seq=campaign.seq).summary()


def foreign(campaign: CampaignRecord) -> ServiceError:
    """The answer to a configuration change or request through the API that did not create
    the campaign."""
    own, other = (V2, V1) if is_v2(campaign) else (V1, V2)
    return ServiceError(
        "ConflictException",
        f"Campaign {campaign.id} was created through {own}; its configuration and requests "
        f"change through {own}, not {other} (campaigns are shared across API versions, their "
        "configurations are not)",
    )


def _variant(union: dict[str, Any] | None) -> tuple[str | None, dict[str, Any]]:
    for name, value in (union or {}).items():
        if value is not None:
            return name, value
    return None, {}


@cache
def _mode_members(mode: str) -> frozenset[str]:
    return frozenset(shape("TelephonyOutboundMode", V2).members[mode].members)
