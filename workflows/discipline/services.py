"""Discipline writes the web layer and the process handlers call.

file_complaint / open_case start their process in the same transaction as the record;
file_appeal / waive_appeal complete the open `file_appeal` task in the same transaction as
the appeal, so a record never exists without its process step or the other way round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.files import File
from django.db import IntegrityError, transaction

from workflows.discipline.attachments import CheckedFile, check_attachments
from workflows.discipline.catalogue import rule_label
from workflows.discipline.intake import normalized_phone, phone_problem, target_problem
from workflows.discipline.letters import chinese_date
from workflows.discipline.models import (
    Appeal,
    AppealAttachment,
    AppealDraft,
    AppealDraftFile,
    Complaint,
    SanctionCase,
    ViolationRule,
)
from workflows.discipline.privacy import masked
from workflows.discipline.rules import (
    ESCALATION_RULE_CODE,
    JIEMIAN,
    MEASURES,
    OFFICIAL,
    WARNING,
    WINDOW,
    appeal_deadline,
    appeal_decision_due,
    appeal_is_late,
    deciding_role,
    escalation_due,
)
from workflows.discipline.selectors import effective_jiemian_count, open_step, standing_escalations, window_head
from workflows.org.models import Official, Window
from workflows.org.selectors import working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now, today
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.models import HumanTask
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.notifications import notify
from workflows.runtime.services.transitions import complete_task

COMPLAINT_PROCESS = "complaint"
SANCTION_PROCESS = "sanction"
FILE_APPEAL_STEP = "file_appeal"
APPEALED = "appealed"  # the file_appeal task's outcome when an appeal is filed …
WAIVED = "waived"  # … and when the official gives up the right (放弃申辩)
WAIVER_CONSEQUENCE = "请确认放弃申辩：确认后处理决定维持不变，且以后不能再提出申辩"


class DisciplineRefused(InvalidInput):
    """The request breaks a discipline rule; the message says which, in Chinese."""


class LateAppeal(DisciplineRefused):
    """第十一条: the five working days to appeal are over."""


def _target(target_kind: str, official: Official | None, window: Window | None) -> tuple[Official | None, Window]:
    """The official (None for a window) and the window the case or complaint is about."""
    if target_kind == OFFICIAL:
        if official is None:
            raise DisciplineRefused("请指定被投诉（处理）的工作人员")
        if official.window is None:
            raise DisciplineRefused(f"{official.name}不是窗口工作人员")
        return official, official.window
    if target_kind == WINDOW:
        if window is None:
            raise DisciplineRefused("请指定窗口")
        return None, window
    raise DisciplineRefused(f"未知的对象类别“{target_kind}”")


def _respondent(official: Official | None, window: Window) -> Official:
    """Who receives the letter and may appeal: the official, or the window's head for a window."""
    if official is not None:
        return official
    head = window_head(window)
    if head is None:
        raise DisciplineRefused(f"{window}没有窗口负责人，无人代表该窗口接受处理")
    return head


@transaction.atomic
def file_complaint(
    *,
    source: str,
    summary: str,
    target_kind: str,
    target_official: Official | None = None,
    target_window: Window | None = None,
    complainant_name: str = "",
    complainant_contact: str = "",
    received_by: Official | None = None,
) -> Complaint:
    """Register a complaint and start its handling (investigate → reply); every complaint gets an answer."""
    if source not in dict(Complaint.SOURCES):
        raise DisciplineRefused(f"未知的投诉来源“{source}”")
    if not summary.strip():
        raise DisciplineRefused("请填写投诉内容")
    contradiction = target_problem(target_kind, target_official, target_window)
    if contradiction is not None:
        raise DisciplineRefused(contradiction[1])
    bad_phone = phone_problem(complainant_contact)
    if bad_phone is not None:
        raise DisciplineRefused(bad_phone)
    complainant_contact = normalized_phone(complainant_contact)
    official, window = _target(target_kind, target_official, target_window)
    respondent = _respondent(official, window)
    complaint = Complaint.objects.create(
        source=source, summary=summary.strip(), target_kind=target_kind, target_official=official,
        target_window=window, complainant_name=complainant_name, complainant_contact=complainant_contact,
        received_at=now(), received_by=received_by,
    )
    data = {
        "complaint_id": complaint.pk, "complaint_number": complaint.number, "source": source,
        "summary": masked(complaint, complaint.summary),  # process data lands in the audit trail: privacy.py
        "target_kind": target_kind, "target_window_id": window.pk,
        "target_official_id": official.pk if official else None,
    }
    complaint.instance = start_process(COMPLAINT_PROCESS, data=data, business_key=complaint.number,
                                       applicant=respondent, started_by=received_by)
    complaint.save(update_fields=["instance"])
    return complaint


def _rule(rule_code: str, other_text: str) -> ViolationRule | None:
    if not rule_code:
        if not other_text.strip():
            raise DisciplineRefused("请选择违规条目或说明其他情形")
        return None
    rule = ViolationRule.objects.filter(code=rule_code).first()
    if rule is None:
        raise DisciplineRefused(f"违规目录中没有条目“{rule_code}”")
    return rule


@transaction.atomic
def open_case(
    *,
    target_kind: str,
    measure: str,
    facts: str,
    rule_code: str = "",
    other_text: str = "",
    target_official: Official | None = None,
    target_window: Window | None = None,
    origin: str = SanctionCase.MANUAL,
    opened_by: Official | None = None,
    origin_complaint: Complaint | None = None,
    escalated_from: SanctionCase | None = None,
) -> SanctionCase:
    """Open a sanction case and start its process; the deciding body follows from the target (第四条).

    A manual case is opened by the centre office; complaints and the second-诫勉 rule open theirs
    from their process steps.
    """
    if origin == SanctionCase.MANUAL and (
        opened_by is None or not opened_by.roles.filter(code="centre_office").exists()
    ):
        raise DisciplineRefused("只有中心办公室可以立案")
    if measure not in MEASURES:
        raise DisciplineRefused(f"处理措施须为诫勉教育或效能告诫，不能是“{measure}”")
    if not facts.strip():
        raise DisciplineRefused("请填写违规事实")
    rule = _rule(rule_code, other_text)
    official, window = _target(target_kind, target_official, target_window)
    respondent = _respondent(official, window)
    role = deciding_role(target_kind)
    case = SanctionCase.objects.create(
        year=today().year, target_kind=target_kind, target_official=official, target_window=window,
        department=window.department, respondent=respondent, rule=rule, other_text=other_text.strip(),
        facts=facts.strip(), measure=measure, deciding_role=role, origin=origin, origin_complaint=origin_complaint,
        escalated_from=escalated_from, opened_at=now(), opened_by=opened_by,
    )
    data = {
        "case_id": case.pk, "case_number": case.register_number, "target_kind": target_kind,
        "target_official_id": official.pk if official else None, "target_window_id": window.pk,
        "deciding_role": role, "proposed_measure": measure, "rule_code": rule.code if rule else "",
        "rule_text": rule_label(rule, case.other_text), "facts": case.facts, "origin": origin,
    }
    case.instance = start_process(SANCTION_PROCESS, data=data, business_key=case.register_number,
                                  applicant=respondent, started_by=opened_by)
    case.save(update_fields=["instance"])
    return case


def open_escalation_if_due(case: SanctionCase) -> SanctionCase | None:
    """第六条(十三): an official's second effective 诫勉 in a year opens one 效能告诫 proposal.

    Runs when a 诫勉 letter is issued. The proposal is an ordinary case the centre office decides;
    the triggering case's history records it.
    """
    if case.measure != JIEMIAN or case.target_kind != OFFICIAL or not case.is_effective or case.escalations.exists():
        return None
    official, year = case.target_official, case.year
    if not escalation_due(effective_jiemian_count(official.pk, year), standing_escalations(official.pk, year)):
        return None
    counted = SanctionCase.objects.filter(target_official=official, year=year, measure=JIEMIAN,
                                          issued_at__isnull=False, revoked=False).order_by("issued_at", "id")
    numbers = "、".join(c.number for c in counted)
    proposal = open_case(
        target_kind=OFFICIAL, target_official=official, measure=WARNING, rule_code=ESCALATION_RULE_CODE,
        facts=f"{official.name}{year}年内累计被诫勉教育达二次（{numbers}）。",
        origin=SanctionCase.ESCALATION, escalated_from=case,
    )
    audit.record(
        "escalation_proposed", instance=case.instance,
        message=f"第六条（十三）：{official.name}{year}年内第二次诫勉教育，已提请效能告诫（{proposal.register_number}）",
        after={"case_id": proposal.pk, "case_number": proposal.register_number},
    )
    return proposal


def flag_escalations_without_basis(revoked: SanctionCase) -> list[SanctionCase]:
    """A revoked 诫勉 may leave an undecided 第六条(十三) proposal without its two 诫勉.

    The proposal is not dismissed by the system (deciding is the centre office's act): its
    deciders are notified and its history records why it should be reviewed.
    """
    if revoked.measure != JIEMIAN or revoked.target_kind != OFFICIAL:
        return []
    official, year = revoked.target_official, revoked.year
    undecided = list(SanctionCase.objects.filter(
        escalated_from__target_official=official, escalated_from__year=year, status=SanctionCase.OPEN,
    ).select_related("instance"))
    if not undecided or effective_jiemian_count(official.pk, year) // 2 >= standing_escalations(official.pk, year):
        return []
    message = (f"{revoked.number}已经申辩撤销，{official.name}{year}年内有效的诫勉教育不足二次，"
               "请复核效能告诫建议")
    for proposal in undecided:
        step = open_step(proposal.instance, "decide_sanction")
        notify([o.pk for o in step.candidates.all()] if step else [], message, instance=proposal.instance, task=step)
        audit.record("escalation_basis_revoked", instance=proposal.instance, message=message,
                     after={"revoked_case": revoked.number})
    return undecided


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_appellant(case: SanctionCase, official: Official) -> None:
    if official.pk != case.respondent_id:
        raise DisciplineRefused("只有被处理人本人可以申辩")
    if case.delivered_on is None:
        raise DisciplineRefused("处理决定书尚未送达")


def _open_appeal_step(case: SanctionCase) -> HumanTask:
    task = open_step(case.instance, FILE_APPEAL_STEP)
    if task is None:
        raise Conflict("申辩已提出、已放弃或期限已过")
    return task


def _check_in_time(case: SanctionCase) -> None:
    calendar = working_calendar()
    if appeal_is_late(calendar, case.delivered_on, today()):
        deadline = appeal_deadline(calendar, case.delivered_on)
        raise LateAppeal(f"申辩期限已于{chinese_date(deadline)}届满")


def _check_appeal(case: SanctionCase, official: Official, text: str) -> None:
    _check_appellant(case, official)
    _check_in_time(case)
    if not text.strip():
        raise DisciplineRefused("请填写申辩理由")


@dataclass(frozen=True)
class AppealPreview:
    """What filing would send: the text as stored and each file as checked."""

    text: str
    files: list[CheckedFile]
    appeal_deadline: date | None


def preview_appeal(
    case: SanctionCase, official: Official, text: str, attachments: Sequence[File] = ()
) -> AppealPreview:
    """Every check filing makes, and nothing stored: for API clients that show the appeal before sending it."""
    _check_appeal(case, official, text)
    _open_appeal_step(case)
    return AppealPreview(text.strip(), check_attachments(list(attachments)), case.appeal_deadline)


def file_appeal(case: SanctionCase, official: Official, text: str, attachments: Sequence[File] = ()) -> Appeal:
    """第十一条: a written appeal within five working days of receiving the letter; the sanction stays in force.

    Attachments must be documents or images by their content (attachments.py); anything else refuses
    the whole appeal with the reason, before anything is stored.
    """
    _check_appeal(case, official, text)
    attachments = list(attachments)
    checked = check_attachments(attachments)
    day = today()
    stored: list[str] = []
    try:
        with transaction.atomic():
            task = _open_appeal_step(case)
            try:
                with transaction.atomic():
                    appeal = Appeal.objects.create(case=case, appellant=official, text=text.strip(),
                                                   received_on=day, due_on=appeal_decision_due(working_calendar(), day))
            except IntegrityError as exc:  # the same appeal submitted twice at once
                raise Conflict("申辩已提出") from exc
            for upload, check in zip(attachments, checked, strict=True):
                attachment = AppealAttachment.objects.create(appeal=appeal, file=upload, sha256=_sha256(upload),
                                                             original_name=check.name, kind=check.kind)
                stored.append(attachment.file.name)
            complete_task(task.pk, official, {"appeal": True, "appeal_id": appeal.pk, "received_on": day,
                                              "decision": APPEALED})
            audit.record("appeal_filed", instance=case.instance, actor=official,
                         message=f"书面申辩，附件{len(checked)}个",
                         after={"appeal_id": appeal.pk, "attachments": [c.name for c in checked]})
    except Exception:
        storage = AppealAttachment._meta.get_field("file").storage
        for name in stored:  # their rows were rolled back: leave no files nobody can reach
            storage.delete(name)
        raise
    return appeal


def _delete_draft(draft: AppealDraft) -> None:
    """The draft's rows and its stored files (files are not transactional: removed after the rows)."""
    names = [f.file.name for f in draft.files.all()]
    storage = AppealDraftFile._meta.get_field("file").storage
    draft.delete()
    for name in names:
        storage.delete(name)


def prepare_appeal(case: SanctionCase, official: Official, text: str, attachments: Sequence[File] = ()) -> AppealDraft:
    """Step one of filing: check everything filing would check and keep text and files as a draft to preview.

    A new preparation replaces the previous draft of the same case; nothing reaches the deciding body
    until send_appeal.
    """
    attachments = list(attachments)
    checked = preview_appeal(case, official, text, attachments).files
    old = AppealDraft.objects.filter(case=case, appellant=official).first()
    if old is not None:
        _delete_draft(old)
    stored: list[str] = []
    try:
        with transaction.atomic():
            draft = AppealDraft.objects.create(case=case, appellant=official, text=text.strip(), created_at=now())
            for upload, check in zip(attachments, checked, strict=True):
                draft_file = AppealDraftFile.objects.create(draft=draft, file=upload, original_name=check.name,
                                                            kind=check.kind, size=check.size, sha256=_sha256(upload))
                stored.append(draft_file.file.name)
    except Exception:
        storage = AppealDraftFile._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return draft


def send_appeal(draft: AppealDraft, official: Official) -> Appeal:
    """Step two: file exactly what the preview showed (the draft's text and files), then drop the draft."""
    if draft.appellant_id != official.pk:
        raise DisciplineRefused("只有被处理人本人可以申辩")
    files = list(draft.files.all())
    uploads = [File(draft_file.file.open("rb"), name=draft_file.original_name) for draft_file in files]
    try:
        appeal = file_appeal(draft.case, official, draft.text, uploads)
    finally:
        for upload in uploads:
            upload.close()
    _delete_draft(draft)
    return appeal


@transaction.atomic
def waive_appeal(case: SanctionCase, official: Official, *, confirmed: bool) -> SanctionCase:
    """The official gives up the right to appeal (第十一条): the sanction stands and no appeal can follow.

    `confirmed` is the official's explicit acknowledgement of that consequence; without it nothing happens.
    The case then reads 放弃申辩.
    """
    _check_appellant(case, official)
    if not confirmed:
        raise DisciplineRefused(WAIVER_CONSEQUENCE)
    task = _open_appeal_step(case)
    complete_task(task.pk, official, {"appeal": False, "appeal_id": None, "received_on": None, "decision": WAIVED})
    case.appeal_waived_at = now()
    case.save(update_fields=["appeal_waived_at"])
    draft = AppealDraft.objects.filter(case=case, appellant=official).first()
    if draft is not None:
        transaction.on_commit(lambda: _delete_draft(draft))
    audit.record("appeal_waived", instance=case.instance, actor=official,
                 message=f"{case.number} 被处理人放弃申辩，处理决定不变")
    return case
