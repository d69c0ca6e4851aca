"""Messages and signals from outside (workflows.runtime.services.messages) and collaborations of several pools."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from workflows.runtime.engine_env import runner_for
from workflows.runtime.event_models import MessageStart, WaitingEvent
from workflows.runtime.models import AuditEvent, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.messages import DeliveryRefused, broadcast_signal, deliver_message
from workflows.runtime.services.sweep import fire_due_timers

ELEMENTS = Path(__file__).resolve().parents[1] / "engine" / "fixtures" / "elements"


def received(instance: ProcessInstance, variable: str) -> list:
    """What the instance's steps hold under `variable` (read through the engine, as the state is the engine's)."""
    workflow = runner_for(instance.definition).restore(instance.state)
    return [t.data[variable] for t in workflow.get_tasks() if variable in t.data]


def deploy(name: str):
    return deploy_from_files(name, [ELEMENTS / f"{name}.bpmn"])


@pytest.fixture
def reply_waiters(db, clock):
    """Two instances waiting for 上级答复, for cases A-1 and B-2."""
    deploy("messages_correlation")
    return {case: start_process("messages_correlation", data={"case_number": case}, business_key=case)
            for case in ("A-1", "B-2")}


def test_a_message_reaches_the_instance_its_correlation_names(reply_waiters):
    delivery = deliver_message("上级答复", {"case_number": "B-2"}, {"approved": True})
    assert [i.pk for i in delivery.instances] == [reply_waiters["B-2"].pk] and not delivery.started
    first, second = (ProcessInstance.objects.get(pk=reply_waiters[c].pk) for c in ("A-1", "B-2"))
    assert first.status == ProcessInstance.RUNNING
    assert second.status == ProcessInstance.COMPLETED and second.end_event == "end"
    assert received(second, "reply")[-1] == {"approved": True, "case_number": "B-2"}
    assert list(WaitingEvent.objects.values_list("instance_id", "correlation")) == [
        (first.pk, '{"case_number": "A-1"}')]
    audit = AuditEvent.objects.get(action="message_delivered")
    assert audit.instance_id == second.pk and audit.message == "上级答复"


def test_a_message_for_nobody_is_refused_with_its_reason_and_audited(reply_waiters):
    with pytest.raises(DeliveryRefused, match="没有流程在等待关联值为.*C-3.*上级答复"):
        deliver_message("上级答复", {"case_number": "C-3"}, {})
    with pytest.raises(DeliveryRefused, match="没有流程在等待"):
        deliver_message("无人等待", {}, {})
    refused = AuditEvent.objects.filter(action="message_refused").order_by("id")
    assert [r.after["name"] for r in refused] == ["上级答复", "无人等待"]
    assert "C-3" in refused[0].message
    assert ProcessInstance.objects.filter(status=ProcessInstance.RUNNING).count() == 2


def test_a_correlation_two_instances_share_is_refused_as_ambiguous(db, clock):
    deploy("messages_correlation")
    for _ in range(2):
        start_process("messages_correlation", data={"case_number": "A-1"}, business_key="A-1")
    with pytest.raises(DeliveryRefused, match="同时匹配多个") as refused:
        deliver_message("上级答复", {"case_number": "A-1"}, {})
    assert refused.value.field == "correlation"
    assert ProcessInstance.objects.filter(status=ProcessInstance.RUNNING).count() == 2
    assert AuditEvent.objects.filter(action="message_refused").count() == 1


def test_a_signal_reaches_every_instance_waiting_for_it(db, clock):
    deploy("messages_signal")
    deploy("messages_correlation")
    waiting = [start_process("messages_signal", data={}, business_key=f"S-{n}") for n in range(3)]
    other = start_process("messages_correlation", data={"case_number": "A-1"}, business_key="A-1")
    delivery = broadcast_signal("政策调整", {"policy": "2027"})
    assert sorted(i.pk for i in delivery.instances) == sorted(i.pk for i in waiting)
    statuses = dict(ProcessInstance.objects.values_list("pk", "status"))
    assert all(statuses[i.pk] == ProcessInstance.COMPLETED for i in waiting)
    assert statuses[other.pk] == ProcessInstance.RUNNING
    assert AuditEvent.objects.filter(action="signal_delivered").count() == 3
    with pytest.raises(DeliveryRefused, match="没有流程在等待信号"):
        broadcast_signal("政策调整", {})
    assert AuditEvent.objects.filter(action="signal_refused").count() == 1


def test_a_message_start_event_starts_an_instance_of_the_latest_version(db, clock):
    definition = deploy("messages_start")
    assert list(MessageStart.objects.values_list("definition_id", "name")) == [(definition.pk, "网上申报")]
    delivery = deliver_message("网上申报", {"filing_no": "W-9"}, {"applicant": "张三"})
    assert delivery.started
    instance = ProcessInstance.objects.get(pk=delivery.instances[0].pk)
    assert instance.definition_id == definition.pk and instance.business_key == "W-9"
    assert instance.status == ProcessInstance.COMPLETED
    assert received(instance, "registered_for")[-1] == "张三"
    assert AuditEvent.objects.filter(action="message_delivered", instance=instance).exists()
    assert not WaitingEvent.objects.exists()


def test_a_collaboration_deploys_as_one_definition_and_its_pools_exchange_messages(db, clock):
    definition = deploy("messages_collaboration")
    assert not MessageStart.objects.filter(definition=definition).exists()  # its pools' starts are internal
    instance = start_process("messages_collaboration", data={"case_number": "A-1"}, business_key="A-1")
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.COMPLETED and instance.end_event in ("centre_end", "authority_end")
    assert received(instance, "answer")[-1] == {"case_number": "A-1", "approved": True}


def test_instances_saved_before_the_index_are_indexed_by_the_command(reply_waiters):
    WaitingEvent.objects.all().delete()
    MessageStart.objects.all().delete()
    deploy("messages_start")
    MessageStart.objects.all().delete()
    call_command("index_waiting_events", stdout=StringIO())
    assert WaitingEvent.objects.count() == 2 and MessageStart.objects.get().name == "网上申报"
    deliver_message("上级答复", {"case_number": "A-1"}, {})
    assert ProcessInstance.objects.get(pk=reply_waiters["A-1"].pk).status == ProcessInstance.COMPLETED


def test_the_timer_sweep_keeps_the_index_in_step(db, clock):
    deploy("messages_after_timer")
    instance = start_process("messages_after_timer", data={"case_number": "M-1"}, business_key="M-1")
    assert not WaitingEvent.objects.exists()  # the notice period runs first
    clock.advance(days=3)
    assert fire_due_timers() == 1
    assert list(WaitingEvent.objects.values_list("instance_id", "name", "correlation")) == [
        (instance.pk, "补正材料", '{"case_number": "M-1"}')]
    deliver_message("补正材料", {"case_number": "M-1"}, {"files": 2})
    assert ProcessInstance.objects.get(pk=instance.pk).status == ProcessInstance.COMPLETED
    assert not WaitingEvent.objects.exists()
