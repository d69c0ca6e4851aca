"""The complainant's name and contact reach the centre office and the efficiency group only: never the accused,
nor an ordinary official given a step, on any page, API response, letter (PDF) or CSV.

The demo complaint: 王女士 (13900000000) complains about 李四, and the office's summary names her.
"""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from workflows.discipline.demo import DEMO_SUMMARY
from workflows.discipline.models import Complaint
from workflows.discipline.privacy import CONTACT_MASK, NAME_MASK
from workflows.discipline.rules import OFFICIAL
from workflows.discipline.selectors import open_step
from workflows.discipline.services import file_complaint
from workflows.runtime.models import AuditEvent, HumanTask

NAME, PHONE = "王女士", "13900000000"


def _text(response) -> str:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if body.startswith(b"%PDF"):
        return "".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages).replace("\n", "")
    return body.decode("utf-8-sig")


def _assert_hidden(client: Client, urls: list[str], name: str = NAME, phone: str = PHONE) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        text = _text(response)
        assert name not in text, url
        assert phone not in text and "139 0000 0000" not in text, url


def _urls_about(complaint: Complaint, case_id: int | None = None) -> list[str]:
    tasks = HumanTask.objects.filter(instance=complaint.instance)
    urls = ["/", reverse("inbox") + "?tab=done", reverse("case_list"), "/api/instances/", "/api/cases/",
            "/api/appeals/", "/api/complaints/", "/api/tasks/?view=done", "/api/tasks/?view=mine",
            "/api/tasks/?view=claimable", reverse("ledger_csv"), reverse("official_ledger_csv"), reverse("ledger"),
            f"/api/instances/{complaint.instance_id}/", reverse("complaint_list")]
    urls += [reverse("task", args=[t.pk]) for t in tasks] + [f"/api/tasks/{t.pk}/" for t in tasks]
    if case_id is not None:
        urls += [reverse("case_detail", args=[case_id]), f"/api/cases/{case_id}/"]
    return urls


def test_the_accused_sees_the_complaint_but_never_who_made_it(login, delivered_case):
    complaint = delivered_case.origin_complaint
    lisi = login("lisi")
    investigate = HumanTask.objects.get(instance=complaint.instance, spec_name="investigate_complaint")
    page = lisi.get(reverse("task", args=[investigate.pk]))
    assert page.status_code == 200  # she is the complaint's applicant: she may read what she is accused of
    text = page.content.decode()
    assert DEMO_SUMMARY.replace(NAME, NAME_MASK) in text and "投诉人</dt>" not in text

    case_urls = _urls_about(complaint, delivered_case.pk)
    case_urls += [reverse("letter_download", args=[letter.pk]) for letter in delivered_case.letters.all()]
    case_urls += [f"/api/instances/{delivered_case.instance_id}/"]
    case_urls += [reverse("task", args=[t.pk]) for t in HumanTask.objects.filter(instance=delivered_case.instance)]
    _assert_hidden(lisi, case_urls)
    assert lisi.get(reverse("letter_download", args=[delivered_case.letters.get().pk])).status_code == 200


def test_the_centre_office_and_the_efficiency_group_do_see_the_complainant(login, delivered_case):
    complaint = delivered_case.origin_complaint
    investigate = HumanTask.objects.get(instance=complaint.instance, spec_name="investigate_complaint")
    text = login("zhaobgs").get(reverse("task", args=[investigate.pk])).content.decode()
    assert f"{NAME} · {PHONE}" in text and DEMO_SUMMARY in text
    for username in ("zhaobgs", "qianxn"):
        client = login(username)
        listed = client.get("/api/complaints/").json()["results"][0]
        assert (listed["complainant_name"], listed["complainant_contact"]) == (NAME, PHONE)


@pytest.fixture
def complaint_given_to_zhangsan(discipline, official):
    """A complaint about 孙七 whose investigation is handed to 张三 (window head, not the office) as a candidate."""
    complaint = file_complaint(
        source=Complaint.PUBLIC, target_kind=OFFICIAL, target_official=official("sunqi"),
        summary="张先生来电（0999 8123456）反映孙七推诿。", complainant_name="张先生",
        complainant_contact="0999-8123456", received_by=official("zhaobgs"),
    )
    task = open_step(complaint.instance, "investigate_complaint")
    task.candidates.add(official("zhangsan"))
    return complaint


def test_an_ordinary_official_given_a_step_sees_no_complainant(login, complaint_given_to_zhangsan, official):
    complaint = complaint_given_to_zhangsan
    zhangsan = login("zhangsan")
    task = open_step(complaint.instance, "investigate_complaint")
    text = zhangsan.get(reverse("task", args=[task.pk])).content.decode()
    assert "孙七推诿" in text and f"{NAME_MASK}来电（{CONTACT_MASK}）" in text
    _assert_hidden(zhangsan, _urls_about(complaint), name="张先生", phone="8123456")

    # Completing the step through the API: a comment naming the complainant is masked in the history.
    body = {"data": {"founded": "false", "findings": "经向张先生核实，不属实", "target_kind": OFFICIAL,
                     "comment": "已电话联系张先生（0999-8123456）说明情况"}}
    done = zhangsan.post(f"/api/tasks/{task.pk}/complete/", body, content_type="application/json")
    assert done.status_code == 200, done.json()
    for event in AuditEvent.objects.filter(instance=complaint.instance):
        stored = json.dumps([event.message, event.after], ensure_ascii=False)
        assert "张先生" not in stored and "8123456" not in stored, event.action
    history = login("sunqi").get(reverse("task", args=[task.pk])).content.decode()
    assert f"已电话联系{NAME_MASK}（{CONTACT_MASK}）说明情况" in history
    _assert_hidden(login("sunqi"), _urls_about(complaint), name="张先生", phone="8123456")


def test_steps_of_a_case_opened_from_a_complaint_record_no_complainant(login, complaint_given_to_zhangsan):
    complaint = complaint_given_to_zhangsan
    office = login("zhaobgs")
    investigate = open_step(complaint.instance, "investigate_complaint")
    found = {"founded": "true", "findings": "张先生所述属实", "duty_rule": "", "finding": "", "rule_code": "5.15",
             "proposed_measure": "诫勉教育", "target_kind": OFFICIAL, "comment": "张先生电话0999-8123456"}
    assert office.post(reverse("task", args=[investigate.pk]), found).status_code == 302
    case = complaint.sanction_cases.get()
    decide = open_step(case.instance, "decide_sanction")
    decision = {"decision": "sanction", "measure": "诫勉教育", "facts": "孙七推诿张先生", "reason": "张先生投诉属实",
                "comment": "已告知张先生"}
    assert office.post(reverse("task", args=[decide.pk]), decision).status_code == 302
    talk = open_step(case.instance, "record_talk")
    talked = {"talked_on": "2026-11-25", "record": "谈话中提及张先生的投诉"}
    assert office.post(reverse("task", args=[talk.pk]), talked).status_code == 302
    for event in AuditEvent.objects.filter(instance__in=[complaint.instance, case.instance]):
        stored = json.dumps([event.message, event.after, event.before], ensure_ascii=False)
        assert "张先生" not in stored and "8123456" not in stored, event.action
    case.refresh_from_db()
    assert case.facts == f"孙七推诿{NAME_MASK}" and case.decision_reason == f"{NAME_MASK}投诉属实"
    assert case.talk_record == f"谈话中提及{NAME_MASK}的投诉"
    letter = case.letters.get()
    urls = [reverse("case_detail", args=[case.pk]), f"/api/cases/{case.pk}/", f"/api/instances/{case.instance_id}/",
            reverse("letter_download", args=[letter.pk])]
    _assert_hidden(login("sunqi"), urls, name="张先生", phone="8123456")
