"""Fixtures shared by the Django-side tests: a movable clock, the demo centre, deployed definitions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.clock import CENTRE_TZ, FrozenClock, SystemClock

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Seeding hashes 22 demo passwords: PBKDF2 makes that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    """Time stands still at Monday 2026-11-30 09:00 (Asia/Shanghai) until a test moves it."""
    from workflows.runtime.clock import set_clock

    frozen = FrozenClock(datetime(2026, 11, 30, 9, 0, tzinfo=CENTRE_TZ))
    set_clock(frozen)
    yield frozen
    set_clock(SystemClock())


@pytest.fixture
def centre(db):
    """The demo centre; `centre["lisi"]` is the Official with that login."""
    from workflows.org.demo import seed_demo_centre
    from workflows.org.models import Official

    seed_demo_centre()
    return {o.user.username: o for o in Official.objects.select_related("user")}


@pytest.fixture
def deploy_leave(db):
    """Deploy the leave process with one of the three shipped rule sets."""
    from workflows.runtime.services.definitions import deploy_from_files

    def deploy(rule_set: str = "shenxian"):
        return deploy_from_files(
            "leave_approval", [BPMN_DIR / "leave_approval.bpmn", BPMN_DIR / f"leave_route_{rule_set}.dmn"]
        )

    return deploy


@pytest.fixture
def deploy_discipline(db, settings, tmp_path):
    """Deploy `complaint` and `sanction` from bpmn/, load the violation catalogue; letters go to a temp media root."""
    from workflows.discipline.catalogue import sync_violation_rules
    from workflows.discipline.definitions import deploy_discipline_processes

    settings.MEDIA_ROOT = tmp_path / "media"
    sync_violation_rules()
    return deploy_discipline_processes(BPMN_DIR)
