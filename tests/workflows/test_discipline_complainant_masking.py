"""Complainant privacy at the service level: masking rules, and case facts drawn from a complaint (which go into
the letter, the case pages and the ledger CSV) never carry the complainant's name or number."""

from __future__ import annotations

from discipline_steps import do, pdf_text

from workflows.discipline.models import Complaint, SanctionCase
from workflows.discipline.privacy import complaint_as_seen_by, mask_complainant
from workflows.discipline.rules import JIEMIAN, OFFICIAL
from workflows.discipline.selectors import ledger_csv
from workflows.discipline.services import file_complaint
from workflows.runtime.clock import today


def test_masking_covers_the_number_however_it_is_written():
    text = "赵先生（139 0000-0001）来电；赵先生再次来电13900000001"
    expected = "〔投诉人〕（〔联系方式〕）来电；〔投诉人〕再次来电〔联系方式〕"
    assert mask_complainant(text, "赵先生", "13900000001") == expected
    assert mask_complainant("王某说", "王", "") == "王某说"  # a bare surname would blank out ordinary words


def test_facts_letter_and_csv_of_a_case_from_a_complaint_name_no_complainant(centre, clock, deploy_discipline):
    office = centre["zhaobgs"]
    complaint = file_complaint(source=Complaint.PUBLIC, target_kind=OFFICIAL, target_official=centre["lisi"],
                               summary="赵先生反映李四态度生硬", complainant_name="赵先生",
                               complainant_contact="13900000001", received_by=office)
    assert complaint_as_seen_by(complaint, centre["lisi"]).complainant_name == ""
    assert complaint_as_seen_by(complaint, office).complainant_contact == "13900000001"
    do(complaint.instance, "investigate_complaint", office, {
        "founded": True, "findings": "经向赵先生（13900000001）核实，李四与其发生争吵，属实。", "duty_rule": "",
        "finding": "", "occurrence": 1, "rule_code": "5.15", "proposed_measure": JIEMIAN, "target_kind": OFFICIAL})
    case = SanctionCase.objects.get(origin_complaint=complaint)
    assert case.facts == "经向〔投诉人〕（〔联系方式〕）核实，李四与其发生争吵，属实。"
    # The decider re-types the facts with the name: still masked in the decided case and its letter.
    do(case.instance, "decide_sanction", office, {"decision": "sanction", "measure": JIEMIAN,
                                                  "facts": "李四与赵先生发生争吵。", "reason": "属实"})
    do(case.instance, "record_talk", office, {"talked_on": today(), "record": "已谈话"})
    case.refresh_from_db()
    assert case.facts == "李四与〔投诉人〕发生争吵。"
    letter_text = pdf_text(case.letters.get())
    assert "李四与〔投诉人〕发生争吵" in letter_text and "赵先生" not in letter_text
    csv = ledger_csv(case.year).decode("utf-8-sig")
    assert case.number in csv and "赵先生" not in csv and "13900000001" not in csv
