"""Fixtures shared by the Django-side tests: a movable clock, the demo centre, deployed definitions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from django.db.models.signals import post_migrate

from engine.clock import CENTRE_TZ, FrozenClock, SystemClock
from workflows.runtime import workflow_cache

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


@pytest.fixture(autouse=True)
def no_kept_workflows():
    """Tests reuse instance ids and revisions: a workflow kept by an earlier test must not stand in for a new row."""
    workflow_cache.forget_all()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Seeding hashes 22 demo passwords: PBKDF2 makes that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _reinstall_audit_triggers(sender, using="default", **kwargs):
    """A flush ends with post_migrate: put back the audit triggers a transactional test lifted before it."""
    from django.db import connections

    from workflows.runtime.append_only import install_triggers

    if sender.name == "workflows.runtime":
        install_triggers(connections[using])


post_migrate.connect(_reinstall_audit_triggers, weak=False, dispatch_uid="govflow-tests-audit-triggers")


@pytest.fixture(autouse=True)
def audit_rows_flushable(request):
    """SQLite empties tables between transactional tests with DELETE, which the audit log's append-only trigger
    refuses: lift the triggers just before that flush (this teardown runs before pytest-django's); the flush's
    post_migrate puts them back. PostgreSQL flushes with TRUNCATE, which fires no row trigger."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connection

    from workflows.runtime.append_only import uninstall_triggers

    if connection.vendor == "sqlite":
        uninstall_triggers(connection)


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
