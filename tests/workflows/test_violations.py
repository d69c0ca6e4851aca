"""Records the rule books treat as violations reach discipline by the duty-rule table (workflows.discipline.violations).

限时办结制 五、2: a window's first overdue case → 诫勉教育 of the window, the second in the year → 效能告诫;
考勤管理办法 三 with 实施细则 第六条(十八): an absence from leave → 效能告诫 of the official, once per absence.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from discipline_steps import open_task, usernames
from django.db import connection

from engine.clock import CENTRE_TZ
from workflows.discipline.catalogue import sync_violation_rules
from workflows.discipline.definitions import deploy_discipline_processes
from workflows.discipline.models import SanctionCase, ViolationRecord
from workflows.discipline.rules import JIEMIAN, OFFICIAL, WARNING, WINDOW
from workflows.discipline.services import DisciplineRefused
from workflows.discipline.violations import open_case_for_record, record_violation
from workflows.leave.handlers import record_absence
from workflows.leave.models import AbsenceRecord, LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Window
from workflows.runtime.errors import Conflict
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
TIME_LIMIT, OVERDUE = "限时办结制", "over_time_limit"


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CENTRE_TZ)


def overdue(window: Window, number: int, **extra) -> ViolationRecord:
    """What the applications family hands over when one of its cases runs past its promised day."""
    return record_violation(source=f"application:{number}:overdue", duty_rule=TIME_LIMIT, finding=OVERDUE,
                            window=window, facts=f"申请件 SQ2026-{number:05d} 超过承诺时限未办结。", **extra)


@pytest.fixture
def window(centre):
    """张三's window (he heads it, 李四 works there)."""
    return centre["zhangsan"].window


def test_a_windows_first_overdue_case_opens_a_jiemian_case_against_the_window(centre, clock, deploy_discipline,
                                                                                window):
    record = overdue(window, 1)
    case = record.case
    assert (record.occurrence, record.window, record.official, record.note) == (1, window, None, "")
    assert (case.origin, case.target_kind, case.target_window, case.target_official, case.measure) == (
        SanctionCase.RECORD, WINDOW, window, None, JIEMIAN)
    assert (case.rule, case.other_text, case.facts) == (None, "限时办结制：超出规定时限（窗口造成）",
                                                       "申请件 SQ2026-00001 超过承诺时限未办结。")
    assert case.respondent == centre["zhangsan"]  # the window's head answers for it
    decide = open_task(case.instance, "decide_sanction")
    assert usernames(decide) == ["qianxn"]  # 第四条: the efficiency group decides on a window
    [audit] = AuditEvent.objects.filter(action="violation_recorded")
    assert audit.instance_id == case.instance_id
    assert audit.after["source"] == "application:1:overdue" and audit.after["case_id"] == case.pk
    assert audit.message.endswith("本年度第1次；已立案 " + case.register_number + "（诫勉教育）")


def test_the_second_overdue_in_the_year_is_a_warning_and_the_next_year_starts_again(centre, clock,
                                                                                     deploy_discipline, window):
    clock.set(at(2026, 3, 2))
    first = overdue(window, 1)
    clock.set(at(2026, 12, 31, 23))
    second = overdue(window, 2)
    other_window = overdue(centre["wangwu"].window, 3)
    clock.set(at(2027, 1, 4))
    next_year = overdue(window, 4)
    assert [(r.occurrence, r.case.measure) for r in (first, second, other_window, next_year)] == [
        (1, JIEMIAN), (2, WARNING), (1, JIEMIAN), (1, JIEMIAN)]
    assert second.case.rule.code == "6.3"  # 第六条(三) 违反…限时办结制…
    assert second.case.target_window == window


def test_a_record_whose_case_was_dismissed_does_not_count(centre, clock, deploy_discipline, window):
    """The efficiency group found the first delay was not the window's doing: the next is the first again."""
    dismissed = overdue(window, 1)
    complete_task(open_task(dismissed.case.instance, "decide_sanction").pk, centre["qianxn"], {
        "decision": "dismiss", "measure": JIEMIAN, "facts": "", "reason": "系专网故障所致，非窗口责任"})
    waiting = record_violation(source="inspection:2", duty_rule=TIME_LIMIT, finding=OVERDUE, window=window,
                               facts="明察暗访发现超期未办结。")
    third = overdue(window, 3)
    assert (waiting.occurrence, waiting.case.measure) == (1, JIEMIAN)
    assert (third.occurrence, third.case.measure) == (2, WARNING)  # the undecided 诫勉 counts, the dismissed not


def test_the_year_is_the_year_the_violation_happened_in(centre, clock, deploy_discipline, window):
    """Handed over in January, an overdue of last December counts with last year's (Shanghai time)."""
    clock.set(at(2027, 1, 4))
    overdue(window, 1, occurred_at=at(2026, 12, 31, 23))
    late_december = overdue(window, 2, occurred_at=at(2026, 12, 31, 23))
    january = overdue(window, 3)
    assert (late_december.occurrence, january.occurrence) == (2, 1)


def test_the_same_source_twice_is_one_record_and_one_case(centre, clock, deploy_discipline, window):
    first = overdue(window, 7)
    again = overdue(window, 7)
    assert again.pk == first.pk
    assert ViolationRecord.objects.count() == SanctionCase.objects.count() == 1
    assert ProcessInstance.objects.filter(definition__key="sanction").count() == 1
    assert AuditEvent.objects.filter(action="violation_recorded").count() == 1


def test_a_row_without_a_measure_is_left_to_the_centre_office(centre, clock, deploy_discipline):
    """服务承诺制 四 吃拿卡要 情节严重: 移交 (the table gives no measure): recorded, no case, the office decides."""
    record = record_violation(source="inspection:9", duty_rule="服务承诺制", finding="serious_corruption",
                              official=centre["lisi"], facts="明察暗访发现索要财物，情节严重。")
    assert (record.case, record.occurrence) == (None, 1)
    assert record.note == "处理办法对该情形没有规定处理措施。"
    assert SanctionCase.objects.count() == 0
    assert AuditEvent.objects.get(action="violation_recorded").instance_id is None


def test_the_centre_office_decides_a_record_left_to_it_once(centre, clock, deploy_discipline):
    record = record_violation(source="inspection:9", duty_rule="服务承诺制", finding="serious_corruption",
                              official=centre["lisi"], facts="明察暗访发现索要财物，情节严重。")
    decision = {"measure": WARNING, "target_kind": WINDOW, "rule_code": "6.12"}
    with pytest.raises(DisciplineRefused, match="只有中心办公室"):
        open_case_for_record(record, opened_by=centre["qianxn"], **decision)
    case = open_case_for_record(record, opened_by=centre["zhaobgs"], **decision)
    assert (case.target_kind, case.target_window, case.respondent) == (WINDOW, centre["lisi"].window,
                                                                       centre["zhangsan"])  # her window, its head
    with pytest.raises(Conflict, match=case.register_number):
        open_case_for_record(record, opened_by=centre["zhaobgs"], **decision)
    record.refresh_from_db()
    assert record.case == case and SanctionCase.objects.count() == 1


def test_a_window_with_nobody_to_answer_for_it_is_left_to_the_centre_office(centre, clock, deploy_discipline):
    """限时办结制 五、3 targets the official who handled it; named only by a window without a head, nobody is."""
    empty = Window.objects.create(department=centre["zhangsan"].department, name="临时窗口")
    record = record_violation(source="application:5:no_receipt", duty_rule=TIME_LIMIT, finding="no_receipt_slip",
                              window=empty, facts="未出具收件回执单。")
    assert record.case is None and record.note == "县市场监督管理局 临时窗口没有窗口负责人，无人代表该窗口接受处理。"
    late = overdue(empty, 6)  # a measure against the window itself: its head would receive the letter
    assert late.case is None and late.note == record.note


def test_an_official_target_named_by_a_window_is_its_head(centre, clock, deploy_discipline, window):
    record = record_violation(source="application:6:no_receipt", duty_rule=TIME_LIMIT, finding="no_receipt_slip",
                              window=window, facts="未出具收件回执单。")
    assert (record.case.target_kind, record.case.target_official, record.case.rule.code) == (
        OFFICIAL, centre["zhangsan"], "6.3")


def test_without_the_complaint_process_deployed_nothing_is_guessed(centre, clock, window):
    record = overdue(window, 1)
    assert record.case is None and "尚未部署" in record.note


def test_a_record_waiting_for_the_office_counts_as_a_time(centre, clock, window, settings, tmp_path):
    waiting = overdue(window, 1)  # nothing deployed yet: no case
    settings.MEDIA_ROOT = tmp_path
    sync_violation_rules()
    deploy_discipline_processes(BPMN_DIR)
    second = overdue(window, 2)
    assert (waiting.case, second.occurrence, second.case.measure) == (None, 2, WARNING)


def test_the_measure_comes_from_the_deployed_table_not_a_copy(centre, clock, deploy_discipline, window):
    """A new version of `complaint` whose table is stricter decides the next record."""
    dmn = (BPMN_DIR / "duty_rule_measures.dmn").read_text(encoding="utf-8")
    first_row = '<outputEntry id="time_limit_over_time_limit_first_measure"><text>"诫勉教育"</text></outputEntry>'
    assert first_row in dmn
    deploy_definition("complaint", {
        "complaint.bpmn": (BPMN_DIR / "complaint.bpmn").read_text(encoding="utf-8"),
        "duty_rule_measures.dmn": dmn.replace(first_row, first_row.replace("诫勉教育", "效能告诫")),
    })
    assert overdue(window, 1).case.measure == WARNING


@pytest.mark.parametrize(("fields", "message"), [
    ({"duty_rule": "考勤制度"}, "未知的工作制度“考勤制度”"),
    ({"finding": "rude_service"}, "“限时办结制”没有查实情形“rude_service”"),
    ({"facts": "  "}, "请写明违规事实"),
    ({"source": ""}, "来源记录"),
    ({"window": None}, "请指定一个窗口或一名工作人员"),
    ({"official": "lisi"}, "请指定一个窗口或一名工作人员"),
    ({"occurred_at": datetime(2026, 12, 1, 9)}, "时区"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(centre, clock, deploy_discipline, window,
                                                                      fields, message):
    given = {"source": "application:1:overdue", "duty_rule": TIME_LIMIT, "finding": OVERDUE, "window": window,
             "facts": "超过承诺时限未办结。"}
    given.update({k: centre[v] if k == "official" else v for k, v in fields.items()})
    with pytest.raises(DisciplineRefused, match=message):
        record_violation(**given)
    assert ViolationRecord.objects.count() == SanctionCase.objects.count() == 0
    assert not AuditEvent.objects.filter(action="violation_recorded").exists()


# --- the leave family's absence ------------------------------------------------------------------------------------

def approve_all(request: LeaveRequest) -> None:
    while (task := HumanTask.objects.filter(instance=request.instance, state=HumanTask.OPEN,
                                            form__in=["approval", "confirm_substitute"]).first()):
        data = ({"decision": "approve", "comment": "同意"} if task.form == "approval"
                else {"confirmed": True, "substitute_id": request.proposed_substitute_id, "comment": ""})
        complete_task(task.pk, task.candidates.first(), data)


def test_an_approved_leave_not_reported_back_opens_exactly_one_warning_case(centre, clock, deploy_leave,
                                                                              deploy_discipline):
    deploy_leave("shenxian")
    leave = submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 2), "am", date(2026, 12, 3), "pm",
                                                          "家中有事", None, False))
    approve_all(leave)
    clock.set(at(2026, 12, 5, 0))  # the report-back deadline (Friday 12-04) has closed
    fire_due_timers()
    fire_due_timers()
    absence = AbsenceRecord.objects.get()
    record = ViolationRecord.objects.get()
    assert (record.source, record.duty_rule, record.finding, record.official, record.occurrence) == (
        f"leave:{leave.pk}:absence", "考勤管理办法", "absence", centre["lisi"], 1)
    assert record.occurred_at == at(2026, 12, 4, 23).replace(minute=59, second=59)
    case = record.case
    assert (case.origin, case.target_kind, case.target_official, case.measure, case.rule.code) == (
        SanctionCase.RECORD, OFFICIAL, centre["lisi"], WARNING, "6.18")  # 第六条(十八) 旷工一次(半天)的
    assert "2026-12-04按旷工处理" in case.facts
    assert usernames(open_task(case.instance, "decide_sanction")) == ["admin", "zhaobgs"]

    record_absence({}, leave.pk)  # the step run again (a retry after an error): still one absence, one case
    fire_due_timers()
    assert AbsenceRecord.objects.get() == absence
    assert ViolationRecord.objects.count() == SanctionCase.objects.count() == 1


# --- two at once (PostgreSQL row locks) ------------------------------------------------------------------------------

def _at_once(*calls) -> list[object]:
    """Run the calls in threads released together; each result or exception, in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - the test asserts on whatever came out
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not connection.features.has_select_for_update, reason="concurrent writers: PostgreSQL")
def test_the_same_source_from_two_threads_is_one_record_and_one_case(centre, clock, deploy_discipline, window):
    results = _at_once(lambda: overdue(window, 1), lambda: overdue(window, 1))
    assert all(isinstance(r, ViolationRecord) for r in results), results
    assert results[0].pk == results[1].pk
    assert ViolationRecord.objects.count() == SanctionCase.objects.count() == 1
    assert AuditEvent.objects.filter(action="violation_recorded").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not connection.features.has_select_for_update, reason="concurrent writers: PostgreSQL")
def test_two_overdues_of_one_window_at_once_count_first_and_second(centre, clock, deploy_discipline, window):
    results = _at_once(lambda: overdue(window, 1), lambda: overdue(window, 2))
    assert all(isinstance(r, ViolationRecord) for r in results), results
    assert sorted((r.occurrence, r.case.measure) for r in results) == [(1, JIEMIAN), (2, WARNING)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not connection.features.has_select_for_update, reason="concurrent writers: PostgreSQL")
def test_two_offices_deciding_one_record_at_once_open_one_case(centre, clock, deploy_discipline):
    record = record_violation(source="inspection:9", duty_rule="服务承诺制", finding="serious_corruption",
                              official=centre["lisi"], facts="明察暗访发现索要财物，情节严重。")
    decide = {"opened_by": centre["zhaobgs"], "measure": WARNING, "target_kind": OFFICIAL, "rule_code": "6.12"}
    results = _at_once(lambda: open_case_for_record(record, **decide), lambda: open_case_for_record(record, **decide))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "SanctionCase"], results
    assert SanctionCase.objects.count() == 1
