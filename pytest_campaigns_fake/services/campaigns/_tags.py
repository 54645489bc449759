"""The tag rule both APIs share: a resource holds at most ``MAX_TAGS`` tags.

Requests (CreateCampaign, TagResource) and snapshots of either API check it, so it is written
once, below both descriptions and the snapshot sections."""

from __future__ import annotations

from ...engine._errors import validation

MAX_TAGS = 50


def check_tag_count(tags: dict[str, str]) -> None:
    """ValidationException when ``tags`` holds more than ``MAX_TAGS`` tags."""
    if len(tags) > MAX_TAGS:
        raise validation(
            f"A resource can have at most {MAX_TAGS} tags; this one would have {len(tags)}"
        )
