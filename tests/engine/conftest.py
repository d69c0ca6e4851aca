"""Shared fixtures for engine tests: a frozen centre clock and service handlers that record their calls.

Fixtures only (no helpers to import): test modules in other folders may have a conftest too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from engine.clock import CENTRE_TZ, FrozenClock


class ServiceRecorder:
    """Service handlers for EngineEnvironment.services that remember every call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.contexts: list[dict[str, Any]] = []  # the task data each handler saw, in call order

    def handlers(self, *names: str) -> dict[str, Callable[..., dict[str, Any]]]:
        """`{name: handler}` for EngineEnvironment.services; each handler records (name, params)."""
        return {name: self._handler(name) for name in names}

    def _handler(self, name: str) -> Callable[..., dict[str, Any]]:
        def handle(context: dict[str, Any], **params: Any) -> dict[str, Any]:
            self.calls.append((name, dict(params)))
            self.contexts.append(dict(context))
            return {"called": name}

        return handle

    def names(self) -> list[str]:
        return [name for name, _params in self.calls]

    def count(self, name: str) -> int:
        return self.names().count(name)


@pytest.fixture
def frozen_clock() -> FrozenClock:
    """Monday 2026-03-02 09:00 in the centre (Asia/Shanghai), moved only by the test."""
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=CENTRE_TZ))


@pytest.fixture
def service_recorder() -> ServiceRecorder:
    return ServiceRecorder()


_DIAGRAM_NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}


def _check_diagram(path, lane_names: list[str]) -> None:
    """Every flow node drawn inside its one lane, every flow drawn, lanes named and ordered as given."""
    from lxml import etree

    root = etree.parse(str(path)).getroot()
    process = root.find("bpmn:process", _DIAGRAM_NS)
    flow_nodes = {el.get("id") for el in process if el.get("id") and etree.QName(el).localname not in
                  ("laneSet", "sequenceFlow", "documentation")}
    flows = {el.get("id") for el in process.findall("bpmn:sequenceFlow", _DIAGRAM_NS)}
    shapes = {s.get("bpmnElement"): s.find("dc:Bounds", _DIAGRAM_NS)
              for s in root.iterfind(".//bpmndi:BPMNShape", _DIAGRAM_NS)}
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", _DIAGRAM_NS)}
    assert flow_nodes <= set(shapes), flow_nodes - set(shapes)
    assert flows == set(edges), flows ^ set(edges)
    assert all(len(edge.findall("di:waypoint", _DIAGRAM_NS)) >= 2 for edge in edges.values())

    lanes = {lane.get("name"): lane for lane in process.iterfind(".//bpmn:lane", _DIAGRAM_NS)}
    assert list(lanes) == lane_names
    in_lanes = [ref.text for lane in lanes.values() for ref in lane.findall("bpmn:flowNodeRef", _DIAGRAM_NS)]
    assert sorted(in_lanes) == sorted(flow_nodes)
    for lane in lanes.values():
        lane_box = shapes[lane.get("id")]
        top, height = float(lane_box.get("y")), float(lane_box.get("height"))
        left, width = float(lane_box.get("x")), float(lane_box.get("width"))
        for ref in lane.findall("bpmn:flowNodeRef", _DIAGRAM_NS):
            box = shapes[ref.text]
            x, y = float(box.get("x")), float(box.get("y"))
            assert top <= y and y + float(box.get("height")) <= top + height, (lane.get("name"), ref.text)
            assert left <= x and x + float(box.get("width")) <= left + width, (lane.get("name"), ref.text)


@pytest.fixture
def check_diagram() -> Callable[..., None]:
    """`check_diagram(path, lane_names)`: the BPMN file's diagram draws every element and flow, each in its lane."""
    return _check_diagram
