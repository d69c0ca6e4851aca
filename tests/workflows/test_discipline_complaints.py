"""Complaints: founded ones open the case the duty-rule table proposes, every one is answered; dismissal."""

from __future__ import annotations

from datetime import datetime

import pytest
from discipline_steps import do, open_task, usernames

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Complaint, SanctionCase
from workflows.discipline.rules import JIEMIAN, OFFICIAL, WARNING, WINDOW
from workflows.discipline.services import DisciplineRefused, file_complaint, open_case
from workflows.runtime.models import AuditEvent


@pytest.fixture
def office(centre, clock, deploy_discipline):
    clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=CENTRE_TZ))
    return centre["zhaobgs"]


def complain(centre, **target) -> Complaint:
    target = target or {"target_kind": OFFICIAL, "target_official": centre["lisi"]}
    return file_complaint(source=Complaint.SUPERVISOR, summary="企业登记窗口办件超时", received_by=centre["zhaobgs"],
                          **target)


def investigate(complaint: Complaint, office, **answers) -> None:
    data = {"founded": True, "findings": "查实", "duty_rule": "", "finding": "", "occurrence": 1, "rule_code": "",
            "proposed_measure": "", "target_kind": OFFICIAL, **answers}
    do(complaint.instance, "investigate_complaint", office, data)


def test_the_rule_table_turns_a_complaint_about_an_official_into_a_case_against_the_window(centre, office):
    complaint = complain(centre)
    investigate(complaint, office, duty_rule="服务承诺制", finding="over_time_limit", findings="办件超过承诺时限三天")
    case = SanctionCase.objects.get(origin_complaint=complaint)
    assert (case.target_kind, case.target_window, case.target_official, case.respondent) == (
        WINDOW, centre["lisi"].window, None, centre["zhangsan"])
    assert (case.measure, case.rule, case.other_text, case.deciding_role) == (
        JIEMIAN, None, "办件超过承诺时限三天", "efficiency_group")
    assert usernames(open_task(case.instance, "decide_sanction")) == ["qianxn"]


def test_the_table_row_wins_over_the_investigators_proposal_and_the_investigator_fills_its_gaps(centre, office):
    complaint = complain(centre)
    investigate(complaint, office, duty_rule="服务承诺制", finding="rude_service", proposed_measure=JIEMIAN,
                rule_code="5.15")
    case = SanctionCase.objects.get(origin_complaint=complaint)
    assert (case.measure, case.rule.code, case.target_official) == (WARNING, "6.9", centre["lisi"])
    second = complain(centre)
    investigate(second, office, duty_rule="首问负责制", finding="not_implemented", rule_code="5.14")
    assert SanctionCase.objects.get(origin_complaint=second).rule.code == "5.14"


def test_an_unfounded_complaint_is_answered_without_a_case(centre, office):
    complaint = complain(centre, target_kind=WINDOW, target_window=centre["sunqi"].window)
    assert complaint.instance.applicant == centre["zhaoliu"]  # the window's head stands for the window
    investigate(complaint, office, founded=False, findings="经核实，系材料不全，非窗口责任")
    do(complaint.instance, "reply_to_complainant", office, {"reply": "经核实，投诉不属实，已向您说明。"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.founded, complaint.findings, complaint.reply) == (
        Complaint.ANSWERED, False, "经核实，系材料不全，非窗口责任", "经核实，投诉不属实，已向您说明。")
    assert not SanctionCase.objects.exists()


def test_a_founded_complaint_beyond_these_measures_opens_no_case_and_says_so(centre, office):
    complaint = complain(centre)
    investigate(complaint, office, duty_rule="服务承诺制", finding="serious_corruption")
    assert not SanctionCase.objects.exists()
    assert AuditEvent.objects.filter(instance=complaint.instance, action="complaint_founded").exists()
    assert open_task(complaint.instance, "reply_to_complainant")


def test_a_dismissed_case_gets_no_number_and_no_letter(centre, office):
    case = open_case(target_kind=OFFICIAL, target_official=centre["lisi"], measure=JIEMIAN, rule_code="5.2",
                     facts="迟到", opened_by=office)
    do(case.instance, "decide_sanction", office, {"decision": "dismiss", "measure": JIEMIAN, "facts": "迟到",
                                                  "reason": "系交通事故所致，情有可原"})
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.decision_reason, case.number) == (
        SanctionCase.DISMISSED, office, "系交通事故所致，情有可原", "")
    assert not case.letters.exists() and case.instance.end_event == "case_dismissed"


def test_a_complaint_names_a_window_official_or_a_window(centre, office):
    with pytest.raises(DisciplineRefused, match=r"^请指定被投诉（处理）的工作人员$"):
        file_complaint(source=Complaint.PUBLIC, summary="态度差", target_kind=OFFICIAL)
    with pytest.raises(DisciplineRefused, match=f"^{centre['zhaobgs'].name}不是窗口工作人员$"):
        complain(centre, target_kind=OFFICIAL, target_official=centre["zhaobgs"])
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("contact", ["13900000000", "139 0000 0000", "+86 139-0000-0000", "0999-8123456",
                                     "(0999) 8123456", "010-12345678转123", ""])
def test_a_callable_number_is_accepted_and_kept_without_separators(centre, office, contact):
    complaint = file_complaint(source=Complaint.PUBLIC, summary="态度差", target_kind=OFFICIAL,
                               target_official=centre["lisi"], complainant_contact=contact)
    assert complaint.complainant_contact == "".join(c for c in contact if c not in " -()")


@pytest.mark.parametrize("contact", ["1390000000", "12900000000", "8123456", "abc", "139000000001", "wx:wang"])
def test_an_invalid_phone_number_is_refused_saying_what_a_number_looks_like(centre, office, contact):
    with pytest.raises(DisciplineRefused) as refused:
        file_complaint(source=Complaint.PUBLIC, summary="态度差", target_kind=OFFICIAL,
                       target_official=centre["lisi"], complainant_contact=contact)
    assert str(refused.value) == (f"联系电话“{contact}”不是有效的电话号码：手机号为1开头的11位数字，"
                                  "固定电话须带区号（如0999-8123456）")
    assert not Complaint.objects.exists()


def test_contradictory_targets_are_refused(centre, office):
    lisi, other_window = centre["lisi"], centre["sunqi"].window
    assert other_window != lisi.window
    with pytest.raises(DisciplineRefused, match=f"所选窗口“{other_window}”与被投诉工作人员李四所在窗口不一致"):
        complain(centre, target_kind=OFFICIAL, target_official=lisi, target_window=other_window)
    with pytest.raises(DisciplineRefused, match="投诉对象为窗口时不能同时选择工作人员李四"):
        complain(centre, target_kind=WINDOW, target_official=lisi, target_window=lisi.window)
    assert not Complaint.objects.exists()
    consistent = complain(centre, target_kind=OFFICIAL, target_official=lisi, target_window=lisi.window)
    assert (consistent.target_official, consistent.target_window) == (lisi, lisi.window)


def test_the_start_data_the_family_declares_is_what_the_services_pass(centre, office):
    """The deploy check trusts DISCIPLINE_FAMILY.start_variables: a name declared but never passed would hide a
    decision input nothing sets."""
    from workflows.discipline.family import DISCIPLINE_FAMILY
    from workflows.runtime.engine_env import runner_for

    def data_of(instance) -> dict:
        instance.refresh_from_db()
        runner = runner_for(instance.definition)
        return runner.open_data(runner.restore(instance.state))

    declared = DISCIPLINE_FAMILY.start_variables
    assert set(declared["complaint"]) <= set(data_of(complain(centre).instance))
    case = open_case(target_kind=OFFICIAL, target_official=centre["lisi"], measure=JIEMIAN, rule_code="5.2",
                     facts="迟到", opened_by=office)
    assert set(declared["sanction"]) <= set(data_of(case.instance))
