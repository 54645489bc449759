"""Creating, finding, launching, controlling and shutting down reminder campaigns."""

from __future__ import annotations

import pytest
from pytest_campaigns_fake import CampaignsFake
from support import INSTANCE, make_contacts

from reminders import (
    CampaignNotFound,
    CampaignNotRunning,
    CampaignQuotaExceeded,
    CampaignSpec,
    CampaignStateError,
    InstanceNotOnboarded,
    ReminderDialer,
)


def test_create_sends_the_spec(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, spec: CampaignSpec
) -> None:
    created = dialer.create_campaign(spec)

    call = campaigns_fake.calls.assert_called_once("CreateCampaign", name="dental-reminders")
    assert call.params["dialerConfig"] == {"progressiveDialerConfig": {"bandwidthAllocation": 1.0}}
    assert call.params["outboundCallConfig"] == {
        "connectContactFlowId": "reminder-flow",
        "connectQueueId": "reminder-queue",
    }
    stored = campaigns_fake.campaign(created.id)
    assert stored.state == "Initialized"
    assert stored.tags == {"team": "clinic"}
    assert created.arn == f"arn:aws:connect-campaigns:eu-west-2:123456789012:campaign/{created.id}"


def test_agentless_campaign_with_answering_machine_detection(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, instance: str
) -> None:
    spec = CampaignSpec(
        name="agentless",
        connect_instance_id=instance,
        contact_flow_id="ivr-flow",
        source_phone_number="+442079000000",
        dialer="agentless",
        dialing_capacity=0.5,
        answering_machine_detection=True,
    )

    created = dialer.create_campaign(spec)

    stored = campaigns_fake.campaign(created.id)
    assert stored.dialer_config == {"agentlessDialerConfig": {"dialingCapacity": 0.5}}
    assert stored.outbound_call_config["answerMachineDetectionConfig"] == {
        "enableAnswerMachineDetection": True
    }


def test_create_on_an_instance_that_is_not_onboarded(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    spec = CampaignSpec(name="x", connect_instance_id="not-onboarded", contact_flow_id="flow")

    with pytest.raises(InstanceNotOnboarded, match="not-onboarded"):
        dialer.create_campaign(spec)

    assert campaigns_fake.calls.last.error_code == "ResourceNotFoundException"


@pytest.mark.campaigns_fake(campaigns_per_instance=1)
def test_create_beyond_the_quota(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, spec: CampaignSpec
) -> None:
    dialer.create_campaign(spec)

    with pytest.raises(CampaignQuotaExceeded):
        dialer.create_campaign(spec)

    assert campaigns_fake.calls.last.status_code == 402


def test_find_campaign_reads_every_page(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    for i in range(60):
        campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name=f"campaign-{i}")
    campaigns_fake.add_campaign(connect_instance_id="other-instance", name="wanted")
    wanted = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, name="wanted")

    found = dialer.find_campaign("wanted", INSTANCE)

    assert found is not None
    assert found.id == wanted.id
    assert campaigns_fake.calls.count_of("ListCampaigns") == 2  # pages of 50
    assert dialer.find_campaign("missing", INSTANCE) is None


def test_launch_twice_creates_once_and_dials_once(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, spec: CampaignSpec
) -> None:
    contacts = make_contacts(30)

    first, pushed = dialer.launch(spec, contacts, run_key="2024-06-03")
    again, repushed = dialer.launch(spec, contacts, run_key="2024-06-03")

    assert again == first
    assert campaigns_fake.calls.count_of("CreateCampaign") == 1
    assert campaigns_fake.calls.count_of("StartCampaign") == 1
    assert len(campaigns_fake.dial_requests(first.id)) == 30
    assert [a.dial_request_id for a in repushed.accepted] == [
        a.dial_request_id for a in pushed.accepted
    ]


@pytest.mark.campaigns_fake(require_onboarding=False)
def test_launch_without_an_onboarded_instance_when_the_check_is_off(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    # A test about pushing needn't seed an instance: the fake's onboarding check is off.
    spec = CampaignSpec(name="quick", connect_instance_id="never-onboarded", contact_flow_id="f")

    campaign, pushed = dialer.launch(spec, make_contacts(3), run_key="monday")

    assert pushed.ok
    assert campaigns_fake.campaign(campaign.id).state == "Running"
    assert [c.operation for c in campaigns_fake.calls] == [
        "ListCampaigns",
        "CreateCampaign",
        "GetCampaignState",
        "StartCampaign",
        "PutDialRequestBatch",
    ]


def test_state_errors_become_app_errors(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    initialized = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)
    stopped = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Stopped")

    with pytest.raises(CampaignNotRunning) as not_running:
        dialer.pause(initialized.id)
    with pytest.raises(CampaignStateError) as cannot_start:
        dialer.start(stopped.id)
    with pytest.raises(CampaignNotFound):
        dialer.state("00000000-0000-4000-8000-000000000000")

    assert not_running.value.state == "Initialized"
    assert cannot_start.value.state == "Stopped"
    assert not isinstance(cannot_start.value, CampaignNotRunning)


def test_pause_and_resume(dialer: ReminderDialer, campaigns_fake: CampaignsFake) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")

    dialer.pause(campaign.id)
    assert dialer.state(campaign.id) == "Paused"
    dialer.resume(campaign.id)
    assert dialer.state(campaign.id) == "Running"


def test_shutdown_stops_deletes_and_offboards(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake, instance: str
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=instance, state="Paused")

    assert dialer.shutdown(campaign.id, offboard_instance=True) is True

    operations = [c.operation for c in campaigns_fake.calls]
    assert operations == [
        "DescribeCampaign",
        "GetCampaignState",
        "StopCampaign",
        "DeleteCampaign",
        "DeleteConnectInstanceConfig",
    ]
    assert campaigns_fake.campaigns == []
    assert dialer.shutdown(campaign.id) is False  # already gone: nothing to do


def test_shutdown_of_a_campaign_that_never_started(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE)

    dialer.shutdown(campaign.id)

    campaigns_fake.calls.assert_not_called("StopCampaign")
    campaigns_fake.calls.assert_called_once("DeleteCampaign", id=campaign.id)


def test_shutdown_tolerates_a_campaign_stopped_meanwhile(
    dialer: ReminderDialer, campaigns_fake: CampaignsFake
) -> None:
    campaign = campaigns_fake.add_campaign(connect_instance_id=INSTANCE, state="Running")
    # Someone else stops the campaign between our state read and our StopCampaign.
    campaigns_fake.inject_error(
        "StopCampaign", "InvalidCampaignStateException", members={"state": "Stopped"}
    )

    dialer.shutdown(campaign.id)

    assert campaigns_fake.calls.assert_attempted("StopCampaign").injected
    campaigns_fake.calls.assert_called("DeleteCampaign", id=campaign.id)
