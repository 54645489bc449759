"""A third AWS service on the same engine and interception: pinpoint-sms-voice.

The service lives in a folder of its own (under tests/third_service/) and is served from the
registration below alone: the engine, interception, the fake and its registry name no
part of it. Its clients are real boto3 clients; its host (``sms-voice.pinpoint``) and signing
name (``sms-voice``) differ from the campaigns APIs', and are read from its model.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_campaigns_fake import CampaignsFake, FakeUsageError, UnimplementedOperationWarning
from pytest_campaigns_fake.services._registry import (
    ServiceControls,
    ServicePackage,
    packages,
    register,
    unregister,
)

ROOT = Path(__file__).resolve().parent.parent
NAME = "pinpoint-sms-voice"
VOICE = {"PlainTextMessage": {"Text": "Your code is 1234", "VoiceId": "Joanna"}}


# ListConfigurationSets is in pinpoint-sms-voice's model of newer botocore releases only (not in
# 1.38.46, the oldest the project supports): the tests that list need it.
LISTS = "ListConfigurationSets" in (
    botocore.session.get_session().get_service_model("pinpoint-sms-voice").operation_names
)
lists = pytest.mark.skipif(
    not LISTS, reason="this botocore's pinpoint-sms-voice model has no ListConfigurationSets"
)


@pytest.fixture(autouse=True)
def served() -> Iterator[ServicePackage]:
    """The service, served by the fakes each test here makes, and by none of other modules'
    tests (they count what a fake serves)."""
    # The one line outside its folder that serves it:
    service = register("third_service.pinpoint_sms_voice")
    yield service
    unregister(service.name)


def folder(service: ServicePackage) -> Path:
    """Its folder, found from what it registered (so that this file names its package once)."""
    assert service.state is not None
    return Path(inspect.getfile(service.state)).parent


@pytest.fixture
def fake() -> Iterator[CampaignsFake]:
    with CampaignsFake(strict=False) as active:
        yield active


def client(region: str = "us-east-1", **kwargs: Any) -> Any:
    return boto3.client(NAME, region_name=region, **kwargs)


def controls(fake: CampaignsFake) -> ServiceControls:
    # The registered service's controls on this fake: faults on its model, its calls, its state.
    return fake._services[NAME]


@lists
def test_configuration_sets_are_created_listed_and_deleted(fake: CampaignsFake) -> None:
    sms = client()
    for name in ("alerts", "marketing", "otp"):
        sms.create_configuration_set(ConfigurationSetName=name)
    assert sms.list_configuration_sets()["ConfigurationSets"] == ["alerts", "marketing", "otp"]
    first = sms.list_configuration_sets(PageSize="2")
    assert first["ConfigurationSets"] == ["alerts", "marketing"]
    second = sms.list_configuration_sets(PageSize="2", NextToken=first["NextToken"])
    assert second["ConfigurationSets"] == ["otp"] and "NextToken" not in second
    sms.delete_configuration_set(ConfigurationSetName="marketing")
    assert sms.list_configuration_sets()["ConfigurationSets"] == ["alerts", "otp"]
    assert [(c.operation, c.status_code) for c in controls(fake).calls][-2:] == [
        ("DeleteConfigurationSet", 200),
        ("ListConfigurationSets", 200),
    ]
    # The journal writes a call of a service that says nothing of its own by the members its
    # model's URIs carry.
    assert repr(controls(fake).calls[-2]) == (
        "<Call DeleteConfigurationSet(ConfigurationSetName='marketing') -> 200 OK>"
    )


def test_its_errors_are_its_models(fake: CampaignsFake) -> None:
    sms = client()
    sms.create_configuration_set(ConfigurationSetName="alerts")
    with pytest.raises(sms.exceptions.AlreadyExistsException) as exists:
        sms.create_configuration_set(ConfigurationSetName="alerts")
    assert exists.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(sms.exceptions.NotFoundException) as missing:
        sms.delete_configuration_set(ConfigurationSetName="nope")
    assert missing.value.response["Error"]["Message"] == "Configuration set nope does not exist"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_voice_message_is_sent_and_kept(fake: CampaignsFake) -> None:
    sms = client()
    sms.create_configuration_set(ConfigurationSetName="otp")
    sent = sms.send_voice_message(
        ConfigurationSetName="otp",
        Content=VOICE,
        DestinationPhoneNumber="+15555550100",
        OriginationPhoneNumber="+15555550199",
    )
    [message] = controls(fake).state.bucket(fake.account_id, "us-east-1").messages
    assert message["MessageId"] == sent["MessageId"]
    assert message["Content"] == VOICE
    with pytest.raises(sms.exceptions.BadRequestException, match="Configuration set gone"):
        sms.send_voice_message(
            ConfigurationSetName="gone", Content=VOICE, DestinationPhoneNumber="+15555550100"
        )


@lists
def test_its_own_host_and_signing_name_reach_the_engine(fake: CampaignsFake) -> None:
    # Read from its model's metadata (endpointPrefix sms-voice.pinpoint, signingName
    # sms-voice), not the campaigns APIs' connect-campaigns.
    seen: list[Any] = []
    sms = client("eu-west-1")
    sms.meta.events.register(f"before-send.{NAME}", lambda request, **_: seen.append(request))
    sms.list_configuration_sets()
    [request] = seen
    assert (
        request.url
        == "https://sms-voice.pinpoint.eu-west-1.amazonaws.com/v1/sms-voice/configuration-sets"
    )
    authorization = request.headers["Authorization"].decode()
    assert re.search(r"Credential=\w+/\d{8}/eu-west-1/sms-voice/aws4_request", authorization)
    # botocore's endpoint data lists no region for it: no region is refused (the data cannot
    # tell where AWS offers it), and the call acts in the client's region.
    assert controls(fake).calls.last.region == "eu-west-1"


def test_a_request_against_its_model_is_refused_before_any_rule(fake: CampaignsFake) -> None:
    # EventType is an enum botocore does not check: the engine does, from the model, before
    # it finds the operation has no rule (its answer would be 501).
    sms = client()
    with pytest.warns(UnimplementedOperationWarning), pytest.raises(ClientError) as refused:
        sms.create_configuration_set_event_destination(
            ConfigurationSetName="alerts",
            EventDestinationName="logs",
            EventDestination={"Enabled": True, "MatchingEventTypes": ["RINGING", "SINGING"]},
        )
    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith("1 validation error detected: Value 'SINGING' at ")
    assert "Member must satisfy enum value set: [INITIATED_CALL, RINGING" in error["Message"]
    assert controls(fake).calls.last.status_code == 400


def test_an_operation_without_a_rule_is_answered_501(fake: CampaignsFake) -> None:
    sms = client()
    with pytest.warns(UnimplementedOperationWarning), pytest.raises(ClientError) as refused:
        sms.get_configuration_set_event_destinations(ConfigurationSetName="alerts")
    assert refused.value.response["Error"]["Code"] == "NotImplemented"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_faults_are_set_up_on_its_model(fake: CampaignsFake) -> None:
    sms = client()
    own = controls(fake)
    own.inject_error("SendVoiceMessage", "BadRequestException", message="quota")
    with pytest.raises(sms.exceptions.BadRequestException, match="quota"):
        sms.send_voice_message(Content=VOICE, DestinationPhoneNumber="+15555550100")
    assert own.calls.last.injected
    # Throttled once: botocore retries it, as it would AWS's answer.
    own.throttle("SendVoiceMessage")
    sms.send_voice_message(Content=VOICE, DestinationPhoneNumber="+15555550100")
    assert [(c.error_code, c.injected) for c in own.calls] == [
        ("BadRequestException", True),
        ("ThrottlingException", True),
        (None, False),
    ]
    # Names and codes are checked against its model, not the campaigns APIs'.
    with pytest.raises(ValueError, match="is not an error of SendVoiceMessage"):
        own.inject_error("SendVoiceMessage", "ResourceNotFoundException")
    with pytest.raises(ValueError, match="DescribeCampaign"):
        own.inject_error("DescribeCampaign", "BadRequestException")


def test_a_fault_that_never_fired_fails_a_strict_fake() -> None:
    strict = CampaignsFake()
    controls(strict).inject_error("SendVoiceMessage", "BadRequestException")
    with pytest.raises(FakeUsageError, match="BadRequestException on SendVoiceMessage"):
        strict.verify()


@lists
def test_interception_follows_the_services_the_active_fakes_serve(
    served: ServicePackage, no_network: list[object], lookups: list[str]
) -> None:
    # A fake made while the service is not registered does not serve it: its clients are not
    # answered (here they reach for the network, which the suite refuses), until a fake that
    # serves it is active; when that one stops, they are left alone again.
    unregister(NAME)
    try:
        without = CampaignsFake(strict=False)
    finally:
        register(".".join(folder(served).relative_to(ROOT / "tests").parts))
    with without:
        sms = client(config=Config(retries={"max_attempts": 1}))
        with pytest.raises(Exception, match="test tried to reach the network"):
            sms.list_configuration_sets()
        assert len(no_network) == 1 and lookups == ["sms-voice.pinpoint.us-east-1.amazonaws.com"]
        with CampaignsFake(strict=False) as serving:
            assert sms.list_configuration_sets()["ConfigurationSets"] == []
            assert controls(serving).calls.last.operation == "ListConfigurationSets"
        with pytest.raises(Exception, match="test tried to reach the network"):
            sms.list_configuration_sets()
        assert len(no_network) == 2
        # The campaigns APIs were answered throughout.
        assert boto3.client("connectcampaigns").list_campaigns()["campaignSummaryList"] == []


@lists
def test_reset_forgets_its_state(fake: CampaignsFake) -> None:
    sms = client()
    sms.create_configuration_set(ConfigurationSetName="alerts")
    fake.reset()
    assert sms.list_configuration_sets()["ConfigurationSets"] == []


def test_it_is_served_from_its_folder_and_one_line(served: ServicePackage) -> None:
    # The registry holds it beside the campaigns APIs, and nothing of the product names it.
    assert served in packages() and served.name == NAME
    product = ROOT / "pytest_campaigns_fake"
    assert not [p for p in product.rglob("*.py") if "pinpoint" in p.read_text().lower()]
    # Outside its folder, one line of one file names its package: the registration above.
    own = folder(served)
    touching = [
        (path.relative_to(ROOT).as_posix(), line.strip())
        for path in _project_files()
        if own not in path.parents
        for line in path.read_text(encoding="utf-8").splitlines()
        if own.name in line
    ]
    assert touching == [
        ("tests/test_third_service.py", f'service = register("third_service.{own.name}")')
    ]
    assert sorted(p.name for p in own.glob("*.py")) == ["__init__.py", "_description.py"]


def test_other_modules_fakes_do_not_serve_it(served: ServicePackage) -> None:
    unregister(served.name)
    try:
        assert served not in packages()
        assert NAME not in CampaignsFake()._services
    finally:
        register(".".join(folder(served).relative_to(ROOT / "tests").parts))


def _project_files() -> Iterator[Path]:
    """The project's code and configuration (the docs' prose aside), as a fresh clone has it:
    hidden folders (virtual environments, caches) and build output left out."""
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [
            name
            for name in folders
            if not name.startswith(".") and name not in ("site", "build", "dist", "__pycache__")
        ]
        for name in files:
            if name.endswith((".py", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".json")):
                yield Path(folder, name)
