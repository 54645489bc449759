"""The options of a fake: one frozen object, checked when it is made.

``CampaignsFake(**options)``, ``mock_campaigns(**options)`` and the ``campaigns_fake`` marker
all take these names, and all refuse an unknown name by listing the valid ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from .engine import _endpoints
from .engine._nearest import did_you_mean
from .engine._seeds import check_bool, check_count

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Options:
    """How a fake behaves; every value is checked when the object is made.

    Attributes:
        require_onboarding: CreateCampaign (and v2's integration and instance-limit
            operations) need an instance whose onboarding SUCCEEDED.
        onboarding_polls: an IN_PROGRESS onboarding job succeeds on this status poll
            (0: at once; None: only when the test calls ``advance_onboarding``).
        campaigns_per_instance: the campaigns-per-instance quota.
        seed: makes campaign, dial request and request ids the same on every run.
        strict: fail the test at its end on faults that were set up and never fired.
        account_id: the account of requests signed with an unregistered access key.
        region: the region seeds and lookups use when they name none.
        any_region: answer requests in every region; by default a region where AWS does not
            offer the service has no endpoint (``EndpointConnectionError``), as against AWS.
        isolate_environment: while the fake is active, dummy credentials and the fake's region
            replace the AWS settings of the environment, so that no credential helper runs
            (SSO, credential_process, assume-role, instance metadata) and a laptop with
            ``~/.aws`` behaves like a bare CI machine. False keeps the environment as it is.
        share_campaigns: v1 and v2 campaigns in one namespace: each API finds, lists and
            acts on the other's campaigns (seen in its own shape); separate by default.
    """

    require_onboarding: bool = field(
        default=True, metadata={"help": "CreateCampaign needs an onboarded instance"}
    )
    onboarding_polls: int | None = field(
        default=1,
        metadata={"help": "the status poll on which onboarding succeeds (None: when told)"},
    )
    campaigns_per_instance: int = field(
        default=25, metadata={"help": "the campaigns-per-instance quota"}
    )
    seed: int | str | None = field(
        default=None, metadata={"help": "makes ids the same on every run"}
    )
    strict: bool = field(default=True, metadata={"help": "fail a test whose faults never fired"})
    account_id: str = field(
        default=DEFAULT_ACCOUNT, metadata={"help": "the account of unregistered access keys"}
    )
    region: str = field(
        default=DEFAULT_REGION, metadata={"help": "the fake's region, and campaigns_client's"}
    )
    any_region: bool = field(
        default=False, metadata={"help": "answer in every region, offered by AWS or not"}
    )
    isolate_environment: bool = field(
        default=True, metadata={"help": "dummy AWS credentials and region while active"}
    )
    share_campaigns: bool = field(
        default=False, metadata={"help": "v1 and v2 campaigns visible through both APIs"}
    )

    def __post_init__(self) -> None:
        __tracebackhide__ = True
        for name in (
            "require_onboarding",
            "strict",
            "any_region",
            "isolate_environment",
            "share_campaigns",
        ):
            check_bool(name, getattr(self, name))
        if self.onboarding_polls is not None:
            check_count("onboarding_polls", self.onboarding_polls, none="None")
        check_count("campaigns_per_instance", self.campaigns_per_instance)
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, (int, str))
        ):
            raise ValueError(f"seed must be an int, a str or None, not {self.seed!r}")
        check_account(self.account_id)
        check_region(self.region)
        if not self.any_region and self.region not in offered_regions():
            raise ValueError(
                f"region={self.region!r}: AWS does not offer connectcampaigns there (botocore's "
                f"endpoint data lists {', '.join(offered_regions())}); pass any_region=True for "
                "a custom endpoint or a region botocore does not know yet"
            )

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The option names, in order: what the marker and ``mock_campaigns`` accept."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def build(cls, where: str, options: Mapping[str, Any]) -> Options:
        """``Options(**options)``, or a TypeError that names ``where`` and the valid options."""
        __tracebackhide__ = True
        unknown = sorted(set(options) - set(cls.names()))
        if unknown:
            raise TypeError(
                f"{where} got unknown option(s) {', '.join(unknown)}"
                f"{did_you_mean(unknown[0], cls.names())}; "
                f"valid options: {', '.join(cls.names())}"
            )
        return cls(**options)

    @classmethod
    def parse(cls, name: str, value: object) -> Any:
        """An option's value from a configuration file: an ini file's text (``none`` for None
        where allowed), or a value of TOML's own type (pytest 9's ``[tool.pytest]`` table:
        ``false``, ``3``, ``"eu-west-1"``). What each option accepts follows its type here."""
        __tracebackhide__ = True
        kind = next(f.type for f in dataclasses.fields(cls) if f.name == name)
        parts = {part.strip() for part in str(kind).split("|")}
        key = f"campaigns_fake_{name}"
        if isinstance(value, str):
            return _parse_text(key, parts, value)
        if isinstance(value, bool):
            if parts == {"bool"}:
                return value
        elif isinstance(value, int) and "int" in parts:
            return value
        raise ValueError(f"{key} must be {_describe(parts)}, not {value!r}")

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes``, checked as a new object is."""
        __tracebackhide__ = True
        return dataclasses.replace(self, **changes)


class OptionKeywords(TypedDict, total=False):
    """``Options`` as keyword arguments, for type checkers: ``mock_campaigns(**options)`` is
    typed with it (``Unpack``), so a misspelt or mistyped option fails ``mypy --strict``.
    Kept equal to ``Options``'s fields by a test."""

    require_onboarding: bool
    onboarding_polls: int | None
    campaigns_per_instance: int
    seed: int | str | None
    strict: bool
    account_id: str
    region: str
    any_region: bool
    isolate_environment: bool
    share_campaigns: bool


def _describe(parts: set[str]) -> str:
    """What a configuration file may give for an option of these types, in words."""
    if parts == {"bool"}:
        return "true or false"
    words = []
    if "int" in parts:
        words.append("an integer")
    if "str" in parts:
        # A TOML number where text is meant would lose what text keeps (an account id's
        # leading zero): quoted, it is text.
        words.append("a string (quoted in TOML)")
    if "None" in parts:
        words.append("none")
    return " or ".join(words)


def _parse_text(key: str, parts: set[str], text: str) -> Any:
    """An option's value from its text in an ini file (or a TOML string)."""
    stripped = text.strip()
    lowered = stripped.lower()
    if "None" in parts and lowered in ("none", "null"):
        return None
    if parts == {"bool"}:
        if lowered not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"{key} must be true or false, not {text!r}")
        return lowered in ("true", "1", "yes")
    if "int" in parts:
        try:
            return int(stripped)
        except ValueError:
            if "str" not in parts:
                raise ValueError(f"{key} must be {_describe(parts)}, not {text!r}") from None
    return stripped if parts == {"str"} else text


def check_account(account_id: Any) -> None:
    __tracebackhide__ = True
    if not (
        isinstance(account_id, str)
        and account_id.isascii()
        and account_id.isdigit()
        and len(account_id) == 12
    ):
        raise ValueError(f"account_id must be 12 ASCII digits, not {account_id!r}")


def check_region(region: Any) -> None:
    __tracebackhide__ = True
    if not isinstance(region, str) or not region.strip():
        raise ValueError(f"region must be a non-empty region name, not {region!r}")


def offered_regions() -> tuple[str, ...]:
    """Every region where botocore's endpoint data says AWS offers connectcampaigns: the
    regions the fake's own ``region`` may name without ``any_region``."""
    return _endpoints.offered_regions("connectcampaigns")
