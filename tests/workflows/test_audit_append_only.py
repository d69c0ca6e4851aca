"""The audit log is append-only in the database itself: UPDATE and DELETE are refused by triggers (migration
runtime 0003), whatever path they come by; inserting goes on as before."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from workflows.runtime.append_only import uninstall_triggers
from workflows.runtime.audit import record
from workflows.runtime.models import AuditEvent, ProcessInstance


@pytest.fixture
def entry(db, clock):
    return record("note", message="第一条")


def test_recording_still_appends(entry):
    record("note", message="第二条")
    assert list(AuditEvent.objects.values_list("message", flat=True)) == ["第一条", "第二条"]


def test_an_orm_update_is_refused(entry):
    with pytest.raises(DatabaseError, match="审计记录只可追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).update(message="改写")
    entry.refresh_from_db()
    assert entry.message == "第一条"


def test_saving_a_changed_row_is_refused(entry):
    entry.message = "改写"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    assert AuditEvent.objects.get(pk=entry.pk).message == "第一条"


def test_a_delete_is_refused(entry):
    with pytest.raises(DatabaseError, match="审计记录只可追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).delete()
    assert AuditEvent.objects.filter(pk=entry.pk).exists()


def test_raw_sql_is_refused_too(entry):
    for sql in ("UPDATE runtime_auditevent SET message = 'x'", "DELETE FROM runtime_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get().message == "第一条"


def test_an_instance_with_history_cannot_be_deleted(deploy_leave, file_leave_in_centre):
    instance = file_leave_in_centre.instance
    assert instance.audit.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        ProcessInstance.objects.filter(pk=instance.pk).delete()
    assert ProcessInstance.objects.filter(pk=instance.pk).exists()


@pytest.fixture
def file_leave_in_centre(centre, deploy_leave, clock):
    from datetime import date

    from workflows.leave.services import LeaveApplication, submit_leave

    deploy_leave()
    return submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 1), "pm",
                                                         "家中有事", None))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL flushes with TRUNCATE, past the triggers")
def test_a_flush_puts_the_triggers_back(entry):
    """What happens after each transactional test on SQLite: triggers lifted, tables flushed, post_migrate."""
    uninstall_triggers(connection)
    call_command("flush", verbosity=0, interactive=False)
    record("note", message="after the flush")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(message="改写")
    assert AuditEvent.objects.get().message == "after the flush"
