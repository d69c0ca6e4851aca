"""Issue 10, items 9 and 10 on the engine side: a step's timeout rule is read and checked at deploy, and a step
whose post is vacant goes to the centre office instead of stopping the case."""

from datetime import date, datetime
from pathlib import Path

import pytest

from engine.assignment import AssignmentError, AssignmentRule, CaseContext, OfficialInfo, OrgSnapshot, assign
from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ
from engine.errors import DefinitionError
from engine.specs import Vocabulary, load_bundle

TWO_STEP = (Path(__file__).parent / "fixtures" / "two_step.bpmn").read_text(encoding="utf-8")
APPROVE_FORM = '<spiffworkflow:property name="form" value="approval"/>'
RECEIPT_FORM = '<spiffworkflow:property name="form" value="receipt"/>'


def with_props(at: str, *props: tuple[str, str]) -> str:
    extra = "".join(f'<spiffworkflow:property name="{n}" value="{v}"/>' for n, v in props)
    assert TWO_STEP.count(at) == 1
    return TWO_STEP.replace(at, at + extra)


def reasons(source: str, vocabulary: Vocabulary | None = None) -> dict[str, str]:
    with pytest.raises(DefinitionError) as info:
        load_bundle({"p.bpmn": source}, vocabulary=vocabulary)
    assert all(p.filename == "p.bpmn" for p in info.value.problems)
    return {p.element_id: p.reason for p in info.value.problems}


def test_a_timeout_rule_is_read_onto_the_task_metadata():
    source = with_props(APPROVE_FORM, ("timeout_working_days", "2"), ("timeout_action", "approve"))
    source = source.replace(RECEIPT_FORM, RECEIPT_FORM + '<spiffworkflow:property name="timeout_working_days" '
                            'value="0"/><spiffworkflow:property name="timeout_action" value="escalate"/>'
                            '<spiffworkflow:property name="escalate_role" value="centre_office"/>')
    tasks = load_bundle({"p.bpmn": source}).human_tasks
    assert (tasks["approve"].timeout_working_days, tasks["approve"].timeout_action) == (2, "approve")
    assert tasks["approve"].escalation is None
    assert tasks["receive"].timeout_working_days == 0
    assert tasks["receive"].escalation == AssignmentRule("centre_office", "centre")
    assert load_bundle({"p.bpmn": TWO_STEP}).human_tasks["approve"].timeout_action is None


@pytest.mark.parametrize(("props", "reason"), [
    ((("timeout_working_days", "-1"), ("timeout_action", "remind")),
     "timeout_working_days 须为不小于 0 的整数，实际为 '-1'"),
    ((("timeout_working_days", "two"), ("timeout_action", "remind")),
     "timeout_working_days 须为不小于 0 的整数，实际为 'two'"),
    ((("timeout_action", "remind"),), "timeout_working_days 须为不小于 0 的整数，实际为 None"),
    ((("timeout_working_days", "1"), ("timeout_action", "shout")),
     "未知的超时处理 timeout_action='shout'，可用：remind、approve、reject、escalate"),
    ((("timeout_working_days", "1"), ("timeout_action", "escalate")), "timeout_action=escalate 须指定 escalate_role"),
    ((("timeout_working_days", "1"), ("timeout_action", "escalate"), ("escalate_role", "boss")),
     "escalate_role：未知角色“boss”"),
    ((("timeout_working_days", "1"), ("timeout_action", "escalate"), ("escalate_role", "centre_office"),
      ("escalate_scope", "applicant.floor")), "escalate_role：未知范围“applicant.floor”"),
    ((("timeout_working_days", "1"), ("timeout_action", "remind"), ("escalate_role", "centre_office")),
     "escalate_role 只能与 timeout_action=escalate 一起使用"),
])
def test_a_wrong_timeout_rule_is_refused_naming_the_file_and_the_task(props, reason):
    problems = reasons(with_props(APPROVE_FORM, *props))
    assert list(problems) == ["approve"]
    assert problems["approve"] == reason


def test_auto_approve_or_reject_needs_the_approval_form():
    for action, words in (("approve", "同意"), ("reject", "不同意")):
        problems = reasons(with_props(RECEIPT_FORM, ("timeout_working_days", "1"), ("timeout_action", action)))
        assert problems == {"receive": f"超时自动{words}只能用于审批表单（approval）的任务，此任务的表单是 'receipt'"}


def test_an_escalation_role_the_org_chart_lacks_is_refused():
    source = with_props(APPROVE_FORM, ("timeout_working_days", "1"), ("timeout_action", "escalate"),
                        ("escalate_role", "efficiency_group"))
    vocabulary = Vocabulary(roles=frozenset({"window_head", "dept_deputy_leader", "centre_office"}))
    assert reasons(source, vocabulary) == {"approve": "组织架构中没有角色 'efficiency_group'"}


def test_the_due_soon_warning_comes_when_two_working_days_are_left():
    calendar = WorkingCalendar()
    friday_close = datetime(2026, 12, 4, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert calendar.warning_from(friday_close, 2) == datetime(2026, 12, 2, 23, 59, 59, tzinfo=CENTRE_TZ)
    monday_close = datetime(2026, 12, 7, 23, 59, 59, tzinfo=CENTRE_TZ)  # the weekend does not count
    assert calendar.warning_from(monday_close, 2) == datetime(2026, 12, 3, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert calendar.working_days_before(date(2026, 10, 8), 1) == date(2026, 9, 30)  # over the National Day week


# --- a vacant post ---------------------------------------------------------------------------------------

TAX, TAX_WINDOW, DAY = 10, 11, date(2026, 10, 14)
CASE = CaseContext(applicant_id=1, department_id=TAX, window_id=TAX_WINDOW, excluded_ids=frozenset({1}))
APPLICANT = OfficialInfo(1, "张窗口", frozenset({"window_staff"}), TAX, TAX_WINDOW)
OFFICE = OfficialInfo(9, "郑办公室", frozenset({"centre_office"}))


def test_a_vacant_post_goes_to_the_centre_office_flagged_with_the_reason():
    org = OrgSnapshot({1: APPLICANT, 9: OFFICE})
    resolution = assign(AssignmentRule.of("window_head"), CASE, org, DAY)
    assert resolution.candidates == (9,) and resolution.escalated
    assert resolution.vacant == (AssignmentRule("window_head", "applicant.window"),)


def test_a_vacant_post_passes_to_the_next_tier_first():
    deputy = OfficialInfo(5, "钱分管", frozenset({"dept_deputy_leader"}), TAX)
    org = OrgSnapshot({1: APPLICANT, 5: deputy, 9: OFFICE})
    resolution = assign(AssignmentRule.of("window_head"), CASE, org, DAY,
                        fallback=AssignmentRule.of("dept_deputy_leader"))
    assert resolution.candidates == (5,) and not resolution.escalated and len(resolution.vacant) == 1


def test_a_vacant_centre_office_is_an_error_for_an_administrator():
    with pytest.raises(AssignmentError,
                       match="^组织架构中无人担任 window_head（范围：applicant.window），且中心办公室无人在岗"):
        assign(AssignmentRule.of("window_head"), CASE, OrgSnapshot({1: APPLICANT}), DAY)
