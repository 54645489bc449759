"""connectcampaignsv2's checks on the request alone (ValidationException, before faults): the
semantic rules of a campaign's configuration the model cannot say, and the checks v1 makes on
the same requests."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...engine._engine import Result
from ...engine._errors import validation
from ..campaigns._onboarding import check_encryption
from ..campaigns._page_tokens import list_scope, page_token_check
from ..campaigns._records import Bucket, channel_subtypes, subtype_members
from ..campaigns._rules import check_tags
from ..campaigns._tags import check_tag_count
from ._instances import integration_scope
from ._operations import API, CHECKS, operation
from ._service import Service


@operation("CreateCampaign", CHECKS)
def check_create(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    check_tag_count(params.get("tags") or {})
    if params.get("type") != "JOURNEY" and not channel_subtypes(
        params.get("channelSubtypeConfig") or {}
    ):
        raise validation(
            "channelSubtypeConfig must configure at least one channel subtype (telephony, sms, "
            "email) unless the campaign type is JOURNEY"
        )
    check_config(params)
    return None


@operation("UpdateCampaignChannelSubtypeConfig", CHECKS)
@operation("UpdateCampaignSchedule", CHECKS)
@operation("UpdateCampaignCommunicationTime", CHECKS)
def check_config_update(service: Service, bucket: Bucket, params: dict[str, Any]) -> Result:
    check_config(params)
    return None


# The same checks as v1's on the same requests: the 50-tag cap, keyArn with encryption.
operation("TagResource", CHECKS)(check_tags)
operation("StartInstanceOnboardingJob", CHECKS)(check_encryption)
# Page tokens bound to v2 (a v1 token on v2 is refused) and, for integrations, to the instance.
operation("ListCampaigns", CHECKS)(page_token_check(list_scope(API.scope_prefix)))
operation("ListConnectInstanceIntegrations", CHECKS)(page_token_check(integration_scope))


def check_config(params: dict[str, Any]) -> None:
    """The semantic rules the model cannot say: telephony's queue or source number, a schedule
    that ends after it starts, real times and dates in order, an IANA time zone."""
    telephony = (params.get("channelSubtypeConfig") or {}).get("telephony")
    if telephony is not None:
        default = telephony.get("defaultOutboundConfig") or {}
        if not telephony.get("connectQueueId") and not default.get("connectSourcePhoneNumber"):
            raise validation(
                "telephony needs a connectQueueId or a "
                "defaultOutboundConfig.connectSourcePhoneNumber"
            )
    schedule = params.get("schedule")
    if schedule is not None and not schedule["startTime"] < schedule["endTime"]:
        raise validation("schedule.endTime must be after schedule.startTime")
    time_config = params.get("communicationTimeConfig")
    if time_config is not None:
        zone = (time_config.get("localTimeZoneConfig") or {}).get("defaultTimeZone")
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise validation(f"defaultTimeZone {zone!r} is not an IANA time zone") from None
        for _, member in subtype_members():
            window = time_config.get(member)
            if window is not None:
                check_window(member, window)


def check_window(channel: str, window: dict[str, Any]) -> None:
    daily = (window.get("openHours") or {}).get("dailyHours") or {}
    for day, ranges in daily.items():
        for time_range in ranges:
            start = _minutes(time_range["startTime"])
            end = _minutes(time_range["endTime"])
            if start is None or end is None or not start < end:
                raise validation(
                    f"{channel} openHours on {day}: {time_range['startTime']}-"
                    f"{time_range['endTime']} is not a time range (real times, start before end)"
                )
    periods = (window.get("restrictedPeriods") or {}).get("restrictedPeriodList") or []
    for period in periods:
        start_date, end_date = _date(period["startDate"]), _date(period["endDate"])
        if start_date is None or end_date is None or start_date > end_date:
            raise validation(
                f"{channel} restricted period {period['startDate']}..{period['endDate']} is not "
                "a date range (real dates, start not after end)"
            )


def _minutes(value: str) -> int | None:
    try:
        hours, minutes = int(value[1:3]), int(value[4:6])
    except ValueError:
        return None
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
