"""The application process (bpmn/application.bpmn) through the services: intake, acceptance with its notice, each
kind's way of handling, 出件 and the rating."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader

from engine.clock import CENTRE_TZ
from tests.workflows.application_steps import (  # noqa: F401 (items_fixture: the `items` fixture)
    all_materials,
    do,
    form_errors,
    items_fixture,
    open_steps,
    open_task,
    usernames,
)
from workflows.applications.clock import ClockRefused
from workflows.applications.demo import seed_joint_representatives
from workflows.applications.handling import extend
from workflows.applications.intake import ApplicationRefused, receive_application
from workflows.applications.models import Application, ClockEntry, CoDepartmentReview, ServiceItem
from workflows.applications.ratings import rate_application
from workflows.discipline.models import SanctionCase, ViolationRecord
from workflows.org.models import Official
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task


@pytest.fixture(autouse=True)
def frozen(clock):
    """Every test runs on the frozen clock (Monday 2026-11-30 09:00) unless it moves it."""
    return clock


def pdf_text(notice) -> str:
    return "".join(page.extract_text() for page in PdfReader(notice.file.open("rb")).pages).replace("\n", "")


def receive(items, centre, code="CN-002", brought=None, **changes) -> Application:
    item = items[code]
    fields = {"applicant": "伊犁天山餐饮有限公司", "phone": "13899912345", "matter": "新开餐馆"}
    fields.update(changes)
    return receive_application(item.pk, fields["applicant"], fields["phone"], fields["matter"],
                               all_materials(item) if brought is None else brought, centre["lisi"])


def test_a_complete_promised_application_is_accepted_decided_issued_and_rated(items, centre, clock):
    application = receive(items, centre)
    assert application.number == "20261130-0001" and application.status == Application.IN_PROGRESS
    assert application.kind == "promised" and application.department == items["CN-002"].department
    # CN-002 promises 10 working days from Monday 2026-11-30: due Monday 2026-12-14 at the close of the day.
    assert application.due_at.astimezone(CENTRE_TZ).date().isoformat() == "2026-12-14"
    acceptance = application.notices.get(kind="受理通知书")
    text = pdf_text(acceptance)
    assert "20261130-0001" in text and "10个工作日" in text and "2026年12月14日" in text
    assert [e.kind for e in application.clock_entries.all()] == [ClockEntry.ACCEPTED]

    task = open_task(application, "handle_application")
    assert usernames(task) == ["chensx"] and task.due_at == application.due_at
    do(application, "handle_application", centre["chensx"],
       {"action": "decide", "decision": "approved", "opinion": "符合条件，准予许可"})
    assert application.status == Application.DECIDED and application.outcome == Application.APPROVED

    assert "lisi" in usernames(open_task(application, "issue_result"))
    do(application, "issue_result", centre["lisi"], {"handed_over": "on"})
    assert application.status == Application.ISSUED and application.issued_at is not None
    assert "准予许可" in pdf_text(application.notices.get(kind="办结通知书"))

    rating = rate_application(application.number, "138 9991 2345", 5, "很快")
    assert rating.score == 5 and not rating.is_bad
    application.instance.refresh_from_db()
    assert application.instance.status == ProcessInstance.COMPLETED and application.instance.end_event == "rated"


def joint_official(username: str) -> Official:
    return Official.objects.get(user__username=username)


def day_of(moment) -> str:
    return moment.astimezone(CENTRE_TZ).date().isoformat()


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=CENTRE_TZ)


def test_missing_other_materials_are_all_named_at_once_and_the_clock_starts_when_they_arrive(items, centre, clock):
    item = items["CN-002"]
    main, *others = item.materials.order_by("position")
    application = receive(items, centre, brought=[main.pk, others[0].pk])
    assert application.status == Application.AWAITING_MATERIALS and application.due_at is None
    assert not application.clock_entries.exists() and application.accepted_at is None
    text = pdf_text(application.notices.get(kind="补正材料通知书"))
    assert all(m.name in text for m in others[1:]) and others[0].name not in text  # 一次性告知: every missing one
    task = open_task(application, "materials_arrived")
    assert "lisi" in usernames(task)

    clock.set(at("2026-12-02"))
    do(application, "materials_arrived", centre["lisi"], {"material_ids": [others[1].pk]})
    assert application.status == Application.AWAITING_MATERIALS and open_steps(application) == ["materials_arrived"]
    assert application.notices.filter(kind="补正材料通知书").count() == 1  # told once, not again

    clock.set(at("2026-12-03"))
    do(application, "materials_arrived", centre["lisi"], {"material_ids": [m.pk for m in others[2:]]})
    assert application.status == Application.IN_PROGRESS and day_of(application.accepted_at) == "2026-12-03"
    # The clock starts at acceptance: 10 working days from Thursday 2026-12-03.
    assert day_of(application.due_at) == "2026-12-17"
    assert open_steps(application) == ["handle_application"]


def test_a_material_that_is_not_missing_is_refused_on_the_arrival_form(items, centre):
    item = items["CN-002"]
    main, first, *rest = item.materials.order_by("position")
    application = receive(items, centre, brought=[main.pk, first.pk])
    errors = form_errors(application, "materials_arrived", {"material_ids": [first.pk]})
    do_errors = form_errors(application, "materials_arrived", {"material_ids": []})
    assert "material_ids" in errors and "material_ids" in do_errors


def test_without_the_main_document_the_case_is_rejected_through_rejection_reporting(items, centre):
    item = items["CN-002"]
    others = [m.pk for m in item.materials.filter(is_main=False)]
    application = receive(items, centre, brought=others)
    assert application.status == Application.REFUSED and application.instance is None
    refusal = application.refusal
    assert refusal.notice_kind == "驳回件通知书" and "食品经营许可申请书" in refusal.reason
    assert refusal.applicant == application.applicant and refusal.instance.definition.key == "rejection_report"
    assert refusal.status == refusal.AWAITING_LEADER  # lisi's refusal is beyond a window's authority for CN-002


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"item_id": 99999}, "item", "99999"),
    ({"applicant": "  "}, "applicant", "申请人"),
    ({"phone": "12345"}, "phone", "12345"),
    ({"brought": "foreign"}, "materials", "不是"),
])
def test_bad_intake_is_refused_with_a_chinese_message_and_nothing_is_saved(items, centre, changes, field, words):
    item = items["CN-002"]
    brought = all_materials(item)
    if changes.get("brought") == "foreign":
        brought = brought + [items["CN-001"].materials.first().pk]
    args = {"item_id": item.pk, "applicant": "伊犁天山餐饮有限公司", "phone": "13899912345", "matter": "新开餐馆",
            "brought_material_ids": brought, "received_by": centre["lisi"]}
    args.update({k: v for k, v in changes.items() if k != "brought"})
    with pytest.raises(ApplicationRefused) as refused:
        receive_application(**args)
    assert refused.value.field == field and words in str(refused.value)
    assert not Application.objects.exists() and not ProcessInstance.objects.exists()
    assert not AuditEvent.objects.filter(action="application_received").exists()


def test_a_supplement_pause_moves_the_due_date_by_exactly_the_paused_working_days(items, centre, clock):
    """Accepted Tuesday 2026-09-22 with 10 working days: due 2026-10-13 (中秋 25 Sep and 国庆 1–7 Oct are holidays,
    Saturday 10 Oct a make-up working day). Paused from Thursday 24 Sep to Friday 9 Oct: 5 working days excluded
    (28, 29, 30 Sep, 8 and 9 Oct), so the due date moves 5 working days on, to 2026-10-20."""
    clock.set(at("2026-09-22"))
    application = receive(items, centre)
    assert day_of(application.due_at) == "2026-10-13"

    clock.set(at("2026-09-24", 10))
    do(application, "handle_application", centre["chensx"], {"action": "supplement", "requested": "营业执照原件"})
    assert application.status == Application.PAUSED and application.due_at is None
    assert "营业执照原件" in pdf_text(application.notices.filter(kind="补正材料通知书").latest("pk"))
    assert open_steps(application) == ["supplement_arrived"]

    clock.set(at("2026-10-09", 11))
    do(application, "supplement_arrived", centre["lisi"], {"note": "已补交营业执照原件"})
    assert application.status == Application.IN_PROGRESS and day_of(application.due_at) == "2026-10-20"
    assert [e.kind for e in application.clock_entries.all()] == [
        ClockEntry.ACCEPTED, ClockEntry.PAUSE_STARTED, ClockEntry.PAUSE_ENDED]
    assert open_task(application, "handle_application").due_at == application.due_at  # the fresh task's due date


def test_a_special_procedure_pauses_until_the_handler_ends_it_with_a_reminder_on_its_planned_end(
        items, centre, clock):
    application = receive(items, centre)
    errors = form_errors(application, "handle_application",
                         {"action": "special_procedure", "procedure_reason": "专家评审"})
    assert "planned_end" in errors
    do(application, "handle_application", centre["chensx"],
       {"action": "special_procedure", "procedure_reason": "专家现场评审", "planned_end": "2026-12-04"})
    assert application.status == Application.PAUSED
    entry = application.clock_entries.get(kind=ClockEntry.PAUSE_STARTED)
    assert entry.reason == "特别程序" and entry.note == "专家现场评审" and entry.planned_end.isoformat() == "2026-12-04"
    assert usernames(open_task(application, "end_special_procedure")) == ["chensx"]

    clock.set(at("2026-12-05", 0))
    fire_due_timers()
    assert Notification.objects.filter(recipient=centre["chensx"], message__contains="特别程序", kind="").count() == 1
    do(application, "end_special_procedure", centre["chensx"], {"note": "评审通过"})
    # Paused Monday 30 Nov to Saturday 5 Dec: 4 working days (1–4 Dec) excluded; due 2026-12-14 + 4 = 2026-12-18.
    assert application.status == Application.IN_PROGRESS and day_of(application.due_at) == "2026-12-18"


def test_an_extension_approved_by_a_centre_leader_extends_the_clock_and_tells_the_applicant(items, centre, clock):
    application = receive(items, centre)
    do(application, "handle_application", centre["chensx"],
       {"action": "extension", "extension_days": 3, "extension_reason": "需要现场核查经营场所"})
    task = open_task(application, "approve_extension")
    assert usernames(task) == ["wangzr"]
    assert day_of(application.due_at) == "2026-12-14"  # nothing extended before the leader approves

    do(application, "approve_extension", centre["wangzr"], {"approve": "true", "opinion": "同意延长3个工作日"})
    extended = application.clock_entries.get(kind=ClockEntry.EXTENDED)
    assert extended.days == 3 and extended.approved_by == centre["wangzr"] and extended.recorded_by == centre["chensx"]
    assert day_of(application.due_at) == "2026-12-17"
    text = pdf_text(application.notices.get(kind="延期办理告知书"))
    assert "需要现场核查经营场所" in text and "3个工作日" in text and "2026年12月17日" in text
    assert open_task(application, "handle_application").due_at == application.due_at


def test_a_refused_extension_changes_nothing_and_the_handler_goes_on(items, centre):
    application = receive(items, centre)
    do(application, "handle_application", centre["chensx"],
       {"action": "extension", "extension_days": 3, "extension_reason": "需要现场核查"})
    do(application, "approve_extension", centre["wangzr"], {"approve": "false", "opinion": "时限内可以办结"})
    assert not application.clock_entries.filter(kind=ClockEntry.EXTENDED).exists()
    assert not application.notices.filter(kind="延期办理告知书").exists()
    assert day_of(application.due_at) == "2026-12-14" and open_steps(application) == ["handle_application"]


def test_an_extension_without_a_centre_leaders_approval_is_impossible(items, centre):
    application = receive(items, centre)
    for approver in (None, centre["chensx"], centre["zhaobgs"]):
        with pytest.raises(ApplicationRefused, match="中心领导"):
            extend(application, days=3, reason="需要现场核查", requested_by=centre["chensx"], approved_by=approver)
    assert not application.clock_entries.filter(kind=ClockEntry.EXTENDED).exists()
    assert not application.notices.filter(kind="延期办理告知书").exists()
    assert not AuditEvent.objects.filter(action="application_extended").exists()


def test_an_extension_after_the_due_day_is_refused_with_the_clocks_reason(items, centre, clock):
    application = receive(items, centre)
    clock.set(at("2026-12-15"))
    errors = form_errors(application, "handle_application",
                         {"action": "extension", "extension_days": 2, "extension_reason": "来不及"})
    assert "extension_days" in errors and "届满" in errors["extension_days"][0]
    with pytest.raises(ClockRefused, match="已于 2026-12-14 届满"):
        extend(application, days=2, reason="来不及", requested_by=centre["chensx"], approved_by=centre["wangzr"])
    assert not application.clock_entries.filter(kind=ClockEntry.EXTENDED).exists()


def test_the_due_date_watch_reminds_two_working_days_before_and_marks_overdue_once(items, centre, clock):
    application = receive(items, centre)  # due Monday 2026-12-14
    clock.set(at("2026-12-09", 23))
    fire_due_timers()
    assert not Notification.objects.filter(recipient=centre["chensx"]).exclude(kind=Notification.TASK).exists()
    clock.set(at("2026-12-10", 23).replace(minute=59, second=59))
    fire_due_timers()
    reminders = Notification.objects.filter(recipient=centre["chensx"], message__contains=application.number,
                                            kind="")
    assert reminders.count() == 1 and "2026-12-14" in reminders.get().message

    clock.set(at("2026-12-14", 23).replace(minute=59, second=58))
    fire_due_timers()
    application.refresh_from_db()
    assert application.overdue_since is None
    clock.set(at("2026-12-15", 0))
    fire_due_timers()
    application.refresh_from_db()
    first = application.overdue_since
    assert first is not None and day_of(first) == "2026-12-15"
    clock.set(at("2026-12-16"))
    fire_due_timers()
    application.refresh_from_db()
    assert application.overdue_since == first
    assert AuditEvent.objects.filter(action="application_overdue").count() == 1
    assert open_steps(application) == ["handle_application"]  # the watch never interrupts the handling

    # A fresh handling task (after a refused extension … here a supplement) keeps the first overdue mark.
    do(application, "handle_application", centre["chensx"],
       {"action": "decide", "decision": "approved", "opinion": "逾期办结"})
    assert AuditEvent.objects.filter(action="application_overdue").count() == 1


def test_an_overdue_case_opens_exactly_one_finding_against_the_window_and_the_next_one_is_a_warning(
        items, centre, clock, deploy_discipline):
    """限时办结制 五、处理办法 2 through discipline's duty-rule table: the window's first late case → 诫勉教育 of the
    window, its second in the year → 效能告诫; the watch firing again or a fresh handling task opens nothing more."""
    first = receive(items, centre)  # due Monday 2026-12-14
    clock.set(at("2026-12-01"))
    second = receive(items, centre, applicant="尼勒克县第二餐饮店")  # due Tuesday 2026-12-15
    window = centre["lisi"].window  # nobody took the handling steps: the receiving window promised the time limit
    clock.set(at("2026-12-15", 0))
    fire_due_timers()
    clock.set(at("2026-12-16", 0))
    fire_due_timers()
    records = ViolationRecord.objects.order_by("occurrence")
    assert [(r.source, r.duty_rule, r.finding, r.occurrence, r.window) for r in records] == [
        (f"application:{first.pk}:overdue", "限时办结制", "over_time_limit", 1, window),
        (f"application:{second.pk}:overdue", "限时办结制", "over_time_limit", 2, window),
    ]
    assert first.number in records[0].facts and "2026-12-14" in records[0].facts
    cases = list(SanctionCase.objects.order_by("pk"))
    assert [(c.measure, c.target_window, c.origin) for c in cases] == [
        ("诫勉教育", window, SanctionCase.RECORD), ("效能告诫", window, SanctionCase.RECORD)]

    first.refresh_from_db()
    do(first, "handle_application", centre["chensx"], {"action": "supplement", "requested": "补充说明"})
    do(first, "supplement_arrived", centre["lisi"], {"note": "已补交"})
    clock.set(at("2026-12-21"))
    fire_due_timers()
    assert ViolationRecord.objects.count() == 2 and SanctionCase.objects.count() == 2


def test_an_immediate_case_is_decided_on_the_spot_by_the_window(items, centre):
    application = receive(items, centre, code="JB-001")
    assert application.kind == "immediate" and day_of(application.due_at) == "2026-11-30"
    assert "当场办结" in pdf_text(application.notices.get(kind="受理通知书"))
    task = open_task(application, "decide_on_the_spot")
    assert task.due_at is None
    do(application, "decide_on_the_spot", centre["lisi"], {"decision": "approved", "opinion": "材料齐全，当场办结"})
    assert application.status == Application.DECIDED and open_steps(application) == ["issue_result"]


def test_a_special_case_needs_a_centre_leader_and_handling_before_the_approval_is_recorded(items, centre, clock):
    application = receive(items, centre, code="TB-001")
    assert open_steps(application) == ["approve_special_case", "handle_application"]
    do(application, "handle_application", centre["chensx"],
       {"action": "decide", "decision": "approved", "opinion": "先行办理，准予许可"})
    assert application.status == Application.IN_PROGRESS and open_steps(application) == ["approve_special_case"]
    clock.set(at("2026-11-30", 10))
    do(application, "approve_special_case", centre["wangzr"], {"approve": "true", "opinion": "同意特办"})
    assert application.status == Application.DECIDED and application.outcome == Application.APPROVED
    decided = AuditEvent.objects.get(action="application_decided")
    assert decided.after["handled_before_approval"] is True and decided.after["leader_approved"] is True


def test_a_special_case_the_leader_does_not_approve_is_not_approved(items, centre, clock):
    application = receive(items, centre, code="TB-001")
    do(application, "approve_special_case", centre["wangzr"], {"approve": "false", "opinion": "不符合特办条件"})
    clock.set(at("2026-11-30", 10))
    do(application, "handle_application", centre["chensx"],
       {"action": "decide", "decision": "approved", "opinion": "准予"})
    assert application.outcome == Application.NOT_APPROVED
    decided = AuditEvent.objects.get(action="application_decided")
    assert decided.after["handled_before_approval"] is False and decided.after["opinion"] == "不符合特办条件"


def test_a_reported_case_pauses_for_the_higher_authority_and_resumes_with_its_answer(items, centre, clock):
    application = receive(items, centre, code="SB-001")
    assert application.status == Application.PAUSED and application.due_at is None
    assert "上报" in pdf_text(application.notices.get(kind="上报件通知书"))
    assert application.clock_entries.get(kind=ClockEntry.PAUSE_STARTED).reason == "上报审批"
    assert "lisi" in usernames(open_task(application, "record_higher_answer"))

    clock.set(at("2026-12-07"))
    do(application, "record_higher_answer", centre["lisi"], {"approved": "true", "note": "州局批复同意"})
    # 15 working days, paused 30 Nov – 7 Dec (5 working days, 1–4 and 7 Dec): due 2026-12-21 + 5 = 2026-12-28.
    assert application.status == Application.IN_PROGRESS and day_of(application.due_at) == "2026-12-28"
    assert application.clock_entries.get(kind=ClockEntry.PAUSE_ENDED).note == "上级机关同意：州局批复同意"
    do(application, "handle_application", centre["chensx"],
       {"action": "decide", "decision": "approved", "opinion": "按州局批复准予许可"})
    assert application.status == Application.DECIDED


def test_a_joint_application_with_a_silent_department_is_deemed_to_consent_and_concluded_by_the_lead(
        items, centre, clock):
    """The whole 联办件 through the window's intake: the application process calls joint_review; one of three
    co-departments never answers, the item allows silent consent, and the lead concludes on the next working day."""
    seed_joint_representatives()
    ServiceItem.objects.filter(code="LB-001").update(silent_consent=True)
    clock.set(at("2026-12-03"))  # Thursday
    application = receive(items, centre, code="LB-001", applicant="伊犁河谷新能源开发有限公司", phone="0999-8123456")
    assert application.status == Application.IN_PROGRESS and open_steps(application) == ["inform_co_departments"]
    do(application, "inform_co_departments", joint_official("hefg"), {"mode": "written", "review_days": "2"})
    for username in ("xuzr", "hanzj"):  # 县生态环境局 (yanghb) stays silent
        task = HumanTask.objects.get(instance=application.instance, spec_name="answer_co_department_review",
                                     state=HumanTask.OPEN, candidates__user__username=username)
        complete_task(task.pk, joint_official(username), {"agree": True, "opinion": "符合规划"})

    clock.set(datetime(2026, 12, 7, 23, 59, 59, tzinfo=CENTRE_TZ))  # the close of Monday, the last working day
    assert fire_due_timers() == 0 and open_steps(application) == ["answer_co_department_review"]
    clock.set(datetime(2026, 12, 8, 0, 0, tzinfo=CENTRE_TZ))
    assert fire_due_timers() == 1
    silent = application.co_reviews.get(department__name="县生态环境局")
    assert silent.answer == CoDepartmentReview.DEEMED_CONSENT and silent.answered_by is None

    clock.set(at("2026-12-08"))
    do(application, "conclude_joint_review", joint_official("hefg"),
       {"decision": "approve", "opinion": "各部门同意（县生态环境局视为同意）"})
    assert application.status == Application.DECIDED and application.outcome == Application.APPROVED
    do(application, "issue_result", centre["lisi"], {"handed_over": "on"})
    assert application.status == Application.ISSUED
    assert "准予许可" in pdf_text(application.notices.get(kind="办结通知书"))


def issued(items, centre) -> Application:
    application = receive(items, centre)
    do(application, "handle_application", centre["chensx"], {"action": "decide", "decision": "approved",
                                                             "opinion": "准予"})
    return do(application, "issue_result", centre["lisi"], {"handed_over": "on"})


def test_a_bad_rating_opens_a_rectification_whose_reply_is_kept_on_the_rating(items, centre, clock):
    application = issued(items, centre)
    with pytest.raises(ApplicationRefused, match="编号和电话"):
        rate_application(application.number, "13800000000", 1, "")
    rating = rate_application(application.number, "13899912345", 2, "窗口态度差")
    assert rating.is_bad and day_of(rating.rectification_due_at) == "2026-12-07"
    task = open_task(application, "rectify_bad_rating")
    assert usernames(task) == ["chensx"] and task.due_at == rating.rectification_due_at
    with pytest.raises(ApplicationRefused, match="已经评价"):
        rate_application(application.number, "13899912345", 5, "再评一次")
    do(application, "rectify_bad_rating", centre["chensx"], {"reply": "已对窗口人员批评教育并致歉"})
    rating.refresh_from_db()
    assert rating.rectification_reply == "已对窗口人员批评教育并致歉" and rating.rectified_by == centre["chensx"]
    application.instance.refresh_from_db()
    assert application.instance.end_event == "rectified"


def test_nobody_rating_ends_the_case_after_ten_working_days_and_no_rating_is_taken_then(items, centre, clock):
    application = issued(items, centre)
    clock.set(at("2026-12-14", 23))
    fire_due_timers()
    application.instance.refresh_from_db()
    assert application.instance.status == ProcessInstance.RUNNING
    clock.set(at("2026-12-15", 0))
    fire_due_timers()
    application.instance.refresh_from_db()
    assert application.instance.status == ProcessInstance.COMPLETED and application.instance.end_event == "not_rated"
    with pytest.raises(ApplicationRefused, match="不能评价"):
        rate_application(application.number, "13899912345", 5, "")


def test_the_demo_applications_are_one_of_each_state_and_seeding_again_changes_nothing(items, centre):
    from workflows.applications.application_demo import seed_demo_applications

    first = seed_demo_applications()
    assert sorted(a.status for a in first) == sorted([Application.IN_PROGRESS, Application.AWAITING_MATERIALS,
                                                      Application.PAUSED])
    assert {a.kind for a in first} == {"promised", "reported"}
    again = seed_demo_applications()
    assert [a.pk for a in again] == [a.pk for a in first] and Application.objects.count() == 3


def test_a_holiday_announced_later_moves_the_due_date_the_handling_task_and_its_timers(items, centre, clock):
    from workflows.org.models import CalendarOverride
    from workflows.runtime.services.calendar import delete_override, save_override

    application = receive(items, centre)  # due Monday 2026-12-14
    clock.set(at("2026-12-01"))
    override = CalendarOverride(day=datetime(2026, 12, 3).date(), kind=CalendarOverride.HOLIDAY, note="临时放假")
    save_override(override, actor=centre["admin"])
    application.refresh_from_db()
    assert day_of(application.due_at) == "2026-12-15"
    assert open_task(application, "handle_application").due_at == application.due_at
    application.instance.refresh_from_db()
    assert day_of(application.instance.next_timer_at) == "2026-12-11"  # the reminder, two working days before

    delete_override(override, actor=centre["admin"])
    application.refresh_from_db()
    assert day_of(application.due_at) == "2026-12-14"
    assert open_task(application, "handle_application").due_at == application.due_at


def test_a_process_that_cannot_start_refuses_the_intake_and_saves_nothing(items, centre):
    """LB-001 is led by the 县发展和改革委员会, which has no officials: nobody would inform the co-departments."""
    with pytest.raises(ApplicationRefused, match="无法收件") as refused:
        receive(items, centre, code="LB-001")
    assert refused.value.field == "item"
    assert not Application.objects.exists() and not ProcessInstance.objects.exists()


def test_a_fresh_handling_task_of_an_overdue_case_does_not_mark_it_overdue_again(items, centre, clock):
    application = receive(items, centre)  # due Monday 2026-12-14
    clock.set(at("2026-12-15"))
    fire_due_timers()
    application.refresh_from_db()
    first = application.overdue_since
    do(application, "handle_application", centre["chensx"], {"action": "supplement", "requested": "补充说明"})
    clock.set(at("2026-12-17"))
    do(application, "supplement_arrived", centre["lisi"], {"note": "已补交"})
    assert day_of(application.due_at) == "2026-12-14"  # late before the pause, it stays as late as it was
    clock.set(at("2026-12-18"))
    fire_due_timers()
    application.refresh_from_db()
    assert application.overdue_since == first
    assert AuditEvent.objects.filter(action="application_overdue").count() == 1
    assert open_steps(application) == ["handle_application"]
