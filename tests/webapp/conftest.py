"""The leave process deployed (莘县 rules) in the demo centre, logged-in clients, leave helpers; the discipline
processes and the demo 诫勉 case for the discipline pages.

`clock`, `centre`, `deploy_leave` and `deploy_discipline` come from tests/conftest.py.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import Client

from engine.clock import CENTRE_TZ
from workflows.discipline.demo import seed_discipline_demo
from workflows.discipline.models import SanctionCase
from workflows.leave.models import LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official
from workflows.runtime.models import HumanTask

# A Wednesday; 2026-12-01 (Tuesday) lies ahead and is a working day.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ)


@pytest.fixture(autouse=True)
def now(clock):
    """Every web test runs on the frozen clock of tests/conftest.py, moved to NOW."""
    clock.set(NOW)
    return clock


@pytest.fixture
def leave_definition(centre, deploy_leave):
    """The demo centre with the leave process deployed under the 莘县 rules."""
    return deploy_leave("shenxian")


@pytest.fixture
def client_of(centre):
    """client_of("lisi") → a test client logged in as that demo official, nothing deployed."""

    def log_in(username: str) -> Client:
        client = Client()
        client.force_login(_official(username).user)
        return client

    return log_in


@pytest.fixture
def login(leave_definition, client_of):
    """login("lisi") → a test client logged in as that demo official, with the leave process deployed."""
    return client_of


def _official(username: str) -> Official:
    return Official.objects.get(user__username=username)


@pytest.fixture
def official(leave_definition):
    """official("lisi") → the demo official."""
    return _official


@pytest.fixture
def file_leave(leave_definition):
    """file_leave(...) → a 事假 filed through the service (default: lisi, 2026-12-01, one day)."""

    def file(username: str = "lisi", first: date = date(2026, 12, 1), last: date = date(2026, 12, 1),
             substitute: str | None = None) -> LeaveRequest:
        sub = _official(substitute) if substitute else None
        return submit_leave(_official(username), LeaveApplication("事假", first, "am", last, "pm", "家中有事", sub))

    return file


@pytest.fixture
def open_task():
    """open_task(leave) → the one open task of the leave's process."""

    def find(leave: LeaveRequest) -> HumanTask:
        return HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)

    return find


@pytest.fixture
def discipline(leave_definition, deploy_discipline):
    """`complaint` and `sanction` deployed beside leave, the catalogue loaded, files in a temporary media root."""
    return deploy_discipline


@pytest.fixture
def delivered_case(discipline) -> SanctionCase:
    """李四's 诫勉教育书 from the demo complaint, delivered today (Wednesday 11-25): appeal until Wednesday 12-02."""
    return seed_discipline_demo()
