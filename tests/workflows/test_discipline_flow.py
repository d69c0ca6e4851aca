"""诫勉教育 end to end on the database: complaint → case → letter delivered before National Day → appeal
accepted on the 5th working day, refused on the 6th → reminder, overdue supervision → revoked → ledger."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest
from discipline_files import PDF_BYTES
from discipline_steps import do, issued, open_task, pdf_text, usernames
from django.core.files.uploadedfile import SimpleUploadedFile

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Appeal, Complaint, Letter, SanctionCase
from workflows.discipline.rules import JIEMIAN, NOT_EXCELLENT, OFFICIAL, WARNING
from workflows.discipline.selectors import letter_is_intact, official_ledger
from workflows.discipline.services import DisciplineRefused, LateAppeal, file_appeal, file_complaint, waive_appeal
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, Notification
from workflows.runtime.selectors import my_tasks, unread_notifications
from workflows.runtime.services.notifications import mark_read
from workflows.runtime.services.sweep import fire_due_timers

NUMBER = "尼勒克县行政服务中心 诫字〔2026〕第{}号"
FINDINGS = "经查看监控并询问当事人，李四与办事群众发生争吵，属实。"


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=CENTRE_TZ)


@pytest.fixture
def delivered(centre, clock, deploy_discipline):
    """李四 already had one 诫勉 in March; a public complaint leads to a second, delivered Friday 2026-09-25."""
    clock.set(at(2026, 3, 10))
    earlier = issued(centre, "lisi", facts="上班迟到，经指出不改")
    clock.set(at(2026, 9, 21))
    complaint = file_complaint(source=Complaint.PUBLIC, summary="李四办理营业执照变更时与我争吵", target_kind=OFFICIAL,
                               target_official=centre["lisi"], complainant_name="王女士",
                               complainant_contact="13900000000", received_by=centre["zhaobgs"])
    investigation = open_task(complaint.instance, "investigate_complaint")
    assert usernames(investigation) == ["admin", "zhaobgs"]
    assert investigation.due_at == at(2026, 9, 29, 23, 59, 59)  # 中秋节 (09-25) does not count
    do(complaint.instance, "investigate_complaint", centre["zhaobgs"], {
        "founded": True, "findings": FINDINGS, "duty_rule": "", "finding": "", "occurrence": 1, "rule_code": "5.15",
        "proposed_measure": JIEMIAN, "target_kind": OFFICIAL,
    })
    case = SanctionCase.objects.get(origin_complaint=complaint)
    do(complaint.instance, "reply_to_complainant", centre["zhaobgs"], {"reply": "经查属实，已立案处理。"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.founded, complaint.instance.end_event) == (
        Complaint.ANSWERED, True, "complaint_answered")

    assert (case.rule.code, case.measure, case.deciding_role, case.instance.applicant) == (
        "5.15", JIEMIAN, "centre_office", centre["lisi"])
    clock.set(at(2026, 9, 22))
    do(case.instance, "decide_sanction", centre["zhaobgs"], {"decision": "sanction", "measure": JIEMIAN,
                                                             "facts": FINDINGS, "reason": "查实"})
    clock.set(at(2026, 9, 24))
    do(case.instance, "record_talk", centre["zhaobgs"], {"talked_on": date(2026, 9, 24), "record": "已谈话"})
    clock.set(at(2026, 9, 25, 10))
    do(case.instance, "record_delivery", centre["zhaobgs"], {"delivered_on": date(2026, 9, 25)})
    case.refresh_from_db()
    return {"case": case, "earlier": earlier, "complaint": complaint}


def test_the_letter_is_issued_numbered_stored_and_the_appeal_window_runs_over_national_day(delivered, centre):
    case = delivered["case"]
    assert (case.number, case.status, case.decided_by) == (NUMBER.format(2), SanctionCase.DELIVERED, centre["zhaobgs"])
    assert (case.talked_on, case.delivered_on, case.appeal_deadline) == (
        date(2026, 9, 24), date(2026, 9, 25), date(2026, 10, 9))
    letter = Letter.objects.get(case=case)
    assert letter.kind == "诫勉教育书" and letter_is_intact(letter)
    text = pdf_text(letter)
    for expected in (NUMBER.format(2), "2026年9月24日", "第五条第（十五）项", "因服务态度、工作质量问题与群众发生争吵",
                     "自收到本书之日起五个工作日内向尼勒克县行政服务中心办公室提出书面申辩",
                     "申辩期间不停止本决定的执行"):
        assert expected in text
    case.instance.refresh_from_db()
    assert case.instance.next_timer_at == at(2026, 10, 9, 23, 59, 59)
    assert usernames(open_task(case.instance, "file_appeal")) == ["lisi"]
    # performer_of: whoever recorded the delivery files the case too, not the whole office pool again
    assert usernames(open_task(case.instance, "record_notification_and_filing")) == ["zhaobgs"]


def test_an_appeal_on_the_sixth_working_day_is_refused_naming_the_deadline(delivered, centre, clock):
    case = delivered["case"]
    clock.set(at(2026, 10, 10, 9))  # make-up working Saturday: the 6th working day
    with pytest.raises(LateAppeal) as late:
        file_appeal(case, centre["lisi"], "我不服")
    assert str(late.value) == "申辩期限已于2026年10月9日届满"
    assert not Appeal.objects.exists()
    fire_due_timers()
    assert HumanTask.objects.get(instance=case.instance, spec_name="file_appeal").state == HumanTask.CANCELLED
    do(case.instance, "record_notification_and_filing", centre["zhaobgs"],
       {"department_notified_on": date(2026, 10, 10), "filed_with_county_on": date(2026, 10, 12)})
    case.refresh_from_db()
    assert case.filed_with_county_on == date(2026, 10, 12)
    assert case.instance.end_event == "case_closed"


def test_only_the_sanctioned_official_may_appeal(delivered, centre, clock):
    clock.set(at(2026, 10, 8))
    with pytest.raises(DisciplineRefused, match="^只有被处理人本人可以申辩$"):
        file_appeal(delivered["case"], centre["zhangsan"], "替他申辩")


def test_a_waived_appeal_closes_the_appeal_branch(delivered, centre, clock):
    case = delivered["case"]
    clock.set(at(2026, 9, 28))
    with pytest.raises(DisciplineRefused, match="请确认放弃申辩：确认后处理决定维持不变，且以后不能再提出申辩"):
        waive_appeal(case, centre["lisi"], confirmed=False)
    assert open_task(case.instance, "file_appeal") and case.appeal_status == ""
    waive_appeal(case, centre["lisi"], confirmed=True)
    assert HumanTask.objects.get(instance=case.instance, spec_name="file_appeal").outcome == "waived"
    case.refresh_from_db()
    assert case.appeal_status == "放弃申辩" and case.appeal_waived_at == at(2026, 9, 28)
    with pytest.raises(Conflict):
        file_appeal(case, centre["lisi"], "又想申辩了")
    assert not Appeal.objects.exists()
    case.instance.refresh_from_db()
    assert case.instance.next_timer_at is None  # the appeal window's timer went with the task


def test_appeal_on_the_fifth_working_day_reminder_revocation_and_ledger(delivered, centre, clock):
    case, earlier = delivered["case"], delivered["earlier"]
    # The second 诫勉 this year proposed a 效能告诫 under 第六条(十三), visible in the case history.
    proposal = SanctionCase.objects.get(escalated_from=case)
    assert (proposal.origin, proposal.measure, proposal.rule.code) == (SanctionCase.ESCALATION, WARNING, "6.13")
    assert NUMBER.format(1) in proposal.facts and NUMBER.format(2) in proposal.facts
    assert AuditEvent.objects.filter(instance=case.instance, action="escalation_proposed").count() == 1
    before = official_ledger(2026, official_id=centre["lisi"].pk)[0]
    assert (before.jiemian, before.revoked, before.consequence.rating) == (2, 0, NOT_EXCELLENT)

    clock.set(at(2026, 10, 9, 16))  # Friday, the 5th working day after delivery
    upload = SimpleUploadedFile("申辩材料.pdf", PDF_BYTES)
    appeal = file_appeal(case, centre["lisi"], "事实认定有误，请求撤销。", [upload])
    assert (appeal.received_on, appeal.due_on) == (date(2026, 10, 9), date(2026, 10, 22))
    attachment = appeal.attachments.get()
    assert attachment.original_name == "申辩材料.pdf" and attachment.file.name.startswith("appeals/2026/")
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest() and attachment.kind == "pdf"
    assert case.appeal_status == "已申辩"
    decide = open_task(case.instance, "decide_appeal")
    assert decide.due_at == at(2026, 10, 22, 23, 59, 59) and usernames(decide) == ["admin", "zhaobgs"]
    with pytest.raises(Conflict, match="^申辩已提出、已放弃或期限已过$"):
        file_appeal(case, centre["lisi"], "再申辩一次")

    clock.set(at(2026, 10, 20, 23, 59))
    fire_due_timers()
    # New tasks notify; no reminder yet. The 效能告诫 proposal's 作出处理决定 is overdue by now: the deadline watch
    # told its holders, and its timeout rule escalated it to the centre director (the appeal decision has its own
    # reminder timers: `deadline_notices` false, no notice of it).
    watched = Notification.objects.filter(kind__in=[Notification.OVERDUE, Notification.TIMEOUT])
    assert {n.task.spec_name for n in watched} == {"decide_sanction"}
    assert watched.filter(recipient=centre["zhaobgs"], kind=Notification.OVERDUE)
    assert watched.filter(recipient=centre["wangzr"], kind=Notification.TIMEOUT)
    assert not Notification.objects.exclude(kind__in=[Notification.TASK, Notification.OVERDUE,
                                                      Notification.TIMEOUT]).exists()
    watched.update(read_at=at(2026, 10, 20, 23, 59))
    clock.set(at(2026, 10, 21, 0, 0, 1))  # the 8th working day has closed: two working days left
    fire_due_timers()
    reminders = unread_notifications(centre["zhaobgs"])
    assert [n.task for n in reminders] == [decide] and "2026年10月22日" in reminders[0].message
    with pytest.raises(InvalidInput):
        mark_read(reminders[0].pk, centre["lisi"])  # not the recipient
    mark_read(reminders[0].pk, centre["zhaobgs"])
    assert not unread_notifications(centre["zhaobgs"]).exists() and unread_notifications(centre["admin"]).exists()

    clock.set(at(2026, 10, 21, 10))
    do(case.instance, "decide_appeal", centre["zhaobgs"], {"decision": "revoke", "reasons": "系群众先行辱骂，情节轻微"})
    case.refresh_from_db()
    appeal.refresh_from_db()
    assert (case.revoked, case.revoked_reason, appeal.decision, appeal.decided_by) == (
        True, "系群众先行辱骂，情节轻微", Appeal.REVOKE, centre["zhaobgs"])
    reply = Letter.objects.get(case=case, kind="申辩答复书")
    assert reply.number == "尼勒克县行政服务中心 复字〔2026〕第1号"
    reply_text = pdf_text(reply)
    for expected in ("申辩答复书", "2026年10月9日", NUMBER.format(2), "撤销原诫勉教育决定", "系群众先行辱骂",
                     "2026年10月21日"):
        assert expected in reply_text

    after = official_ledger(2026, official_id=centre["lisi"].pk)[0]
    assert (after.jiemian, after.revoked, after.consequence.rating) == (1, 1, "")
    do(case.instance, "acknowledge_appeal_reply", centre["lisi"], {"comment": "已收到"})
    do(case.instance, "record_notification_and_filing", centre["zhaobgs"],
       {"department_notified_on": date(2026, 10, 21), "filed_with_county_on": date(2026, 10, 21)})
    case.instance.refresh_from_db()
    assert case.instance.end_event == "case_closed"
    assert earlier.letters.get().number == NUMBER.format(1)


def test_overdue_supervision_reaches_the_director_and_closes_with_the_case(centre, clock, deploy_discipline):
    clock.set(at(2026, 9, 24))
    case = issued(centre, "sunqi", delivered_on=date(2026, 9, 25))
    clock.set(at(2026, 9, 28))
    file_appeal(case, centre["sunqi"], "不服")
    clock.set(at(2026, 10, 16, 23, 59))  # the decision is due at the close of 10-16 (10 working days after 09-28)
    fire_due_timers()
    assert not my_tasks(centre["wangzr"]).exists()
    clock.set(at(2026, 10, 17, 0, 0, 1))
    fire_due_timers()
    supervise = my_tasks(centre["wangzr"]).get()
    assert (supervise.spec_name, usernames(supervise)) == ("supervise_overdue_appeal", ["wangzr"])
    assert open_task(case.instance, "decide_appeal")  # still open: the overdue timer does not interrupt it
    do(case.instance, "decide_appeal", centre["zhaobgs"], {"decision": "uphold", "reasons": "事实清楚"})
    case.refresh_from_db()
    assert not case.revoked and case.appeal.decision == Appeal.UPHOLD
    do(case.instance, "acknowledge_appeal_reply", centre["sunqi"], {"comment": ""})
    do(case.instance, "record_notification_and_filing", centre["zhaobgs"],
       {"department_notified_on": date(2026, 10, 16), "filed_with_county_on": date(2026, 10, 16)})
    supervise.refresh_from_db()
    assert supervise.state == HumanTask.CANCELLED  # case closed: the supervision has nothing left to chase
