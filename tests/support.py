"""What the tests share: one boto3 client factory, the constants, and the error helpers.

A plain module (``tests/`` has no ``__init__.py``: pytest's default import mode puts it on
``sys.path``), imported as ``from support import ...``. The fixtures built on it (``make_client``
and ``client``, in both validation modes) are in ``conftest.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_campaigns_fake import CampaignsFake

Client = Any  # botocore clients are generated classes: nothing narrower to name

SERVICE = "connectcampaigns"
ACCOUNT = "123456789012"  # the account of any access key not registered with a fake
OTHER_ACCOUNT = "210987654321"
ACCESS_KEY = "AKIAFAKECAMPAIGNS000"
SECRET_KEY = "fake-secret-key-for-tests"
OTHER_KEY = "AKIAOTHERACCOUNT0001"  # registered by the tests that need it, as OTHER_ACCOUNT
REGION = "us-east-1"
OTHER_REGION = "eu-west-2"
INSTANCE = "instance-1"
STATES = ("Initialized", "Running", "Paused", "Stopped", "Failed")

DIALER: dict[str, Any] = {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
PREDICTIVE: dict[str, Any] = {
    "predictiveDialerConfig": {"bandwidthAllocation": 0.5, "dialingCapacity": 0.25}
}
AGENTLESS: dict[str, Any] = {"agentlessDialerConfig": {"dialingCapacity": 0.5}}
DIALERS = {"progressive": DIALER, "predictive": PREDICTIVE, "agentless": AGENTLESS}
OUTBOUND: dict[str, Any] = {"connectContactFlowId": "flow-1"}

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SERVICE_LINKED_ROLE_RE = re.compile(
    r"arn:aws:iam::(\d{12}):role/aws-service-role/connect-campaigns\.amazonaws\.com/"
    r"AWSServiceRoleForConnectCampaigns_[A-Za-z0-9]{20}"
)


# -- clients ---------------------------------------------------------------------------------


def new_client(
    region: str = REGION,
    access_key: str = ACCESS_KEY,
    *,
    validate: bool = True,
    retry_mode: str | None = None,
    max_attempts: int | None = None,
    endpoint_url: str | None = None,
    config: Config | None = None,
) -> Client:
    """A boto3 ``connectcampaigns`` client from a session of its own.

    ``validate=False`` turns botocore's parameter validation off (the client sends what it is
    given); ``retry_mode`` and ``max_attempts`` (total attempts, 1 = no retry) shape the retries;
    anything else goes in ``config``, which must not set ``retries`` if those two are given.
    """
    settings: dict[str, Any] = {}
    if not validate:
        settings["parameter_validation"] = False
    retries: dict[str, Any] = {}
    if retry_mode is not None:
        retries["mode"] = retry_mode
    if max_attempts is not None:
        retries["total_max_attempts"] = max_attempts
    if retries:
        settings["retries"] = retries
    merged = Config(**settings) if settings else None
    if config is not None:
        merged = config if merged is None else merged.merge(config)
    return boto3.session.Session().client(
        SERVICE,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=SECRET_KEY,
        endpoint_url=endpoint_url,
        config=merged,
    )


class ClientFactory:
    """Clients of one validation mode, cached: ``make_client(region=, access_key=)``.

    Clients are expensive to make, and every active fake answers them all, so one per
    (region, access key) serves a whole module. (``client.meta.config.parameter_validation``
    does not tell the mode: botocore reports True for every client, so tests that need it read
    ``validates`` here.)
    """

    def __init__(self, validates: bool, cache: dict[tuple[bool, str, str], Client]) -> None:
        self.validates = validates
        self._cache = cache

    def __call__(self, region: str = REGION, access_key: str = ACCESS_KEY) -> Client:
        key = (self.validates, region, access_key)
        if key not in self._cache:
            self._cache[key] = new_client(region, access_key, validate=self.validates)
        return self._cache[key]


# -- errors ----------------------------------------------------------------------------------


def error_code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def error_message(error: ClientError) -> str:
    return str(error.response["Error"]["Message"])


def error_status(error: ClientError) -> int:
    return int(error.response["ResponseMetadata"]["HTTPStatusCode"])


def caught(call: Callable[[], object]) -> ClientError:
    """The ClientError ``call`` raises (the test fails if it raises none)."""
    with pytest.raises(ClientError) as info:
        call()
    return info.value


def code_and_message(call: Callable[[], object]) -> tuple[str, str]:
    error = caught(call)
    return error_code(error), error_message(error)


def code_and_status(call: Callable[[], object]) -> tuple[str, int]:
    error = caught(call)
    return error_code(error), error_status(error)


@contextmanager
def raises(client: Client, code: str, status: int) -> Iterator[pytest.ExceptionInfo[Any]]:
    """Expect the modelled exception ``code``, answered with HTTP ``status``."""
    exc_class = getattr(client.exceptions, code)
    with pytest.raises(exc_class) as info:
        yield info
    error = info.value
    assert type(error) is exc_class
    assert error_code(error) == code
    assert error_status(error) == status
    assert error.response["Error"]["Message"]


# -- campaigns -------------------------------------------------------------------------------


def create(
    client: Client,
    *,
    name: str = "campaign",
    instance: str = INSTANCE,
    dialer: dict[str, Any] | None = None,
    outbound: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    """CreateCampaign, with a progressive dialer and a contact flow unless told otherwise."""
    kwargs: dict[str, Any] = {
        "name": name,
        "connectInstanceId": instance,
        "dialerConfig": dialer or DIALER,
        "outboundCallConfig": outbound or OUTBOUND,
    }
    if tags is not None:
        kwargs["tags"] = tags
    result: dict[str, Any] = client.create_campaign(**kwargs)
    return result


def seed(fake: CampaignsFake, state: str = "Initialized", **kwargs: Any) -> str:
    """A campaign added straight to ``fake`` (on INSTANCE unless told), in ``state``: its id."""
    kwargs.setdefault("connect_instance_id", INSTANCE)
    campaign = fake.add_campaign(**kwargs)
    if state != "Initialized":
        fake.set_campaign_state(campaign.id, state)
    return campaign.id


def state_of(client: Client, campaign_id: str) -> str:
    state: str = client.get_campaign_state(id=campaign_id)["state"]
    return state


def dial(
    token: str,
    expires: datetime,
    phone: str = "+15550100",
    attributes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One PutDialRequestBatch item."""
    return {
        "clientToken": token,
        "phoneNumber": phone,
        "expirationTime": expires,
        "attributes": attributes or {},
    }


def tags_of(client: Client, arn: str) -> dict[str, str]:
    tags: dict[str, str] = client.list_tags_for_resource(arn=arn)["tags"]
    return tags


def many_tags(n: int, prefix: str = "key") -> dict[str, str]:
    return {f"{prefix}{i}": f"value{i}" for i in range(n)}


def job_of(client: Client, instance: str = INSTANCE) -> dict[str, Any]:
    """GetInstanceOnboardingJobStatus: the job's status."""
    job: dict[str, Any] = client.get_instance_onboarding_job_status(connectInstanceId=instance)[
        "connectInstanceOnboardingJobStatus"
    ]
    return job
