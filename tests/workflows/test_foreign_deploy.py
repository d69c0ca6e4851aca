"""Diagrams from other modelers through the real deploy and write path: roles named by lane label or by a
Camunda candidate group reach the task rows, and a DMN 1.2 file deploys."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import DefinitionError
from workflows.runtime.models import HumanTask
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process

ELEMENTS = Path(__file__).resolve().parent.parent / "engine" / "fixtures" / "elements"
ENGINE_FIXTURES = ELEMENTS.parent


def element(name: str) -> str:
    return (ELEMENTS / name).read_text(encoding="utf-8")


def test_a_lane_named_by_its_label_assigns_the_task_when_the_instance_runs(centre, clock):
    deploy_definition("modelers_lanes", {"modelers_lanes.bpmn": element("modelers_lanes.bpmn")})
    instance = start_process("modelers_lanes", data={}, business_key="L-1", applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    assert (task.spec_name, task.role) == ("check", "window_staff")  # lane 窗口工作人员
    assert task.candidates.exists()


def test_a_camunda_diagram_deploys_with_a_dmn_1_2_table_and_assigns_its_groups(centre, clock):
    deploy_definition("modelers_camunda", {"modelers_camunda.bpmn": element("modelers_camunda.bpmn"),
                                           "route.dmn": element("modelers_route_dmn12.dmn")})
    instance = start_process("modelers_camunda", data={"days": 1, "receive_due": "2026-12-04T17:00:00+08:00"},
                             business_key="C-1", applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    assert (task.spec_name, task.role, task.form) == ("receive", "window_head", "approval")


def test_a_camunda_form_key_this_installation_does_not_register_is_refused_naming_the_task(db):
    source = element("modelers_camunda.bpmn").replace('camunda:formKey="approval"', 'camunda:formKey="camunda-forms:x"')
    with pytest.raises(DefinitionError) as info:
        deploy_definition("modelers_camunda", {"c.bpmn": source, "route.dmn": element("modelers_route_dmn13.dmn")})
    assert [(p.filename, p.element_id) for p in info.value.problems] == [("c.bpmn", "receive")]
    assert "camunda-forms:x" in info.value.reason
