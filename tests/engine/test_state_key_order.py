"""Restoring must not depend on the key order of the stored JSON (PostgreSQL jsonb sorts keys)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import load_bundle_from_files

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
SERVICES = ("leave.record_approvers", "leave.approve", "leave.reject", "leave.start", "leave.end",
            "leave.record_absence")


def _jsonb_like(state: dict) -> dict:
    """Key order as jsonb returns it: shorter keys first, then bytewise."""

    def reorder(value):
        if isinstance(value, dict):
            return {k: reorder(value[k]) for k in sorted(value, key=lambda k: (len(k.encode()), k.encode()))}
        if isinstance(value, list):
            return [reorder(v) for v in value]
        return value

    return reorder(json.loads(json.dumps(state)))


def test_a_multi_instance_approval_survives_a_key_reordering_round_trip():
    bundle = load_bundle_from_files([BPMN / "leave_approval.bpmn", BPMN / "leave_route_nileke.dmn"])
    env = EngineEnvironment(FrozenClock(datetime(2026, 11, 30, 9, tzinfo=CENTRE_TZ)), WorkingCalendar(),
                            {name: (lambda context, **params: {}) for name in SERVICES})
    runner = ProcessRunner(bundle, env)
    workflow = runner.start({
        "leave_request_id": 1, "applicant_id": 1, "applicant_name": "李四", "department_id": 1, "window_id": 1,
        "window_staff_count": 2, "leave_type": "事假", "days": 1.0, "first_day": "2026-12-01",
        "last_day": "2026-12-01", "starts_at": "2026-12-01T00:00:00+08:00", "reason": "家中有事",
        "proposed_substitute_id": None, "has_sick_certificate": False,
    })
    workflow = runner.restore(_jsonb_like(runner.dump(workflow)))
    (approval,) = runner.ready_human_tasks(workflow)
    runner.complete(workflow, approval.id, {"decision": "approve", "comment": "同意"}, 7, [7])
    workflow = runner.restore(_jsonb_like(runner.dump(workflow)))
    assert runner.next_timer_due(workflow).isoformat() == "2026-12-01T00:00:00+08:00"
    assert not workflow.completed
