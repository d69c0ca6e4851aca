"""seed_demo: the demo centre, the processes and 李四's delivered 诫勉教育书 to appeal; running it twice is once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from workflows.applications.demo import ITEMS
from workflows.applications.models import RequiredMaterial, ServiceItem
from workflows.discipline.models import SanctionCase, ViolationRecord
from workflows.discipline.selectors import open_step
from workflows.leave.models import AbsenceRecord, LeaveRequest
from workflows.runtime.models import AuditEvent


def test_seed_demo_leaves_lisi_a_letter_to_appeal_and_runs_twice(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    case = SanctionCase.objects.get(origin=SanctionCase.COMPLAINT)
    assert f"申辩期限至 2026-12-02：/discipline/cases/{case.pk}/" in first.getvalue()
    assert second.getvalue() == first.getvalue()
    assert open_step(case.instance, "file_appeal").candidates.get().user.username == "lisi"


def test_seed_demo_seeds_the_service_item_catalogue_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = StringIO()
    call_command("seed_demo", stdout=first)
    counts = (ServiceItem.objects.count(), RequiredMaterial.objects.count(),
              AuditEvent.objects.filter(action="service_item_created").count())
    call_command("seed_demo", stdout=StringIO())
    assert "服务事项目录：7 个演示事项：/catalogue/" in first.getvalue()
    assert ServiceItem.objects.filter(code__in=[demo.code for demo in ITEMS]).count() == 7
    assert counts[2] == counts[0]  # the demo applications' 上报件 item (application_demo) comes the same way
    assert (ServiceItem.objects.count(), RequiredMaterial.objects.count(),
            AuditEvent.objects.filter(action="service_item_created").count()) == counts
    assert ServiceItem.objects.get(name="建设项目并联审批").co_departments.count() == 3


def test_seed_demo_hands_sunqis_absence_to_discipline_once(db, settings, tmp_path):
    """孙七's one-day leave on Friday 11-20, approved the day before, not reported back by the close of Monday 11-23:
    an absence, handed over as one violation record, and the 效能告诫 case the centre office decides."""
    settings.MEDIA_ROOT = tmp_path
    first = StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=StringIO())
    leave = LeaveRequest.objects.get(applicant__user__username="sunqi")
    assert (leave.first_day.isoformat(), leave.status) == ("2026-11-20", LeaveRequest.ABSENT)
    assert AbsenceRecord.objects.get().day.isoformat() == "2026-11-23"
    record = ViolationRecord.objects.get()
    assert (record.source, record.case.measure, record.case.rule.code) == (f"leave:{leave.pk}:absence", "效能告诫",
                                                                           "6.18")
    assert open_step(record.case.instance, "decide_sanction").candidates.filter(user__username="zhaobgs").exists()
    line = f"孙七的请假 {leave.case_number}（2026-11-20）期满未销假，已记旷工并移送中心办公室：/discipline/violations/"
    assert line in first.getvalue()
