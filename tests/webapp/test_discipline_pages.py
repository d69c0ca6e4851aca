"""Discipline pages: the appellant's case page and appeal, the deciding body's task page, complaints, the 台帐 and
its CSV, letters only for people who may see the case, notifications in the inbox.

李四's case comes from the demo (delivered Wednesday 2026-11-25; appeal until Wednesday 12-02).
"""

from __future__ import annotations

from datetime import date, datetime

from discipline_files import EXE_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Appeal, AppealAttachment, AppealDraft, Complaint, SanctionCase
from workflows.discipline.rules import OFFICIAL, WARNING
from workflows.discipline.selectors import open_step
from workflows.discipline.services import open_case
from workflows.runtime.models import HumanTask
from workflows.runtime.services.notifications import notify
from workflows.runtime.services.transitions import complete_task

LATE = datetime(2026, 12, 3, 9, 0, tzinfo=CENTRE_TZ)  # the 6th working day after delivery


def appeal_form(**files) -> dict:
    return {"text": "当日系群众先行辱骂，请求撤销。", **files}


def test_appeal_on_the_case_page_reaches_the_deciding_body_who_revokes_it(login, delivered_case):
    case = delivered_case
    lisi = login("lisi")
    page = lisi.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "书面申辩" in page and "2026-12-02" in page and "剩余5个工作日" in page
    assert 'enctype="multipart/form-data"' in page and 'name="attachments" multiple' in page
    assert "可上传PDF、JPG、PNG、Word（.doc、.docx）或OFD文件；最多5个，每个不超过20 MB。" in page
    assert "第五条第（十五）项" in page and "与下达时一致" in page
    assert reverse("letter_download", args=[case.letters.get().pk]) in page

    upload = SimpleUploadedFile("监控截图说明.pdf", PDF_BYTES)
    response = lisi.post(reverse("case_appeal", args=[case.pk]), appeal_form(attachments=[upload]))
    assert response.status_code == 302 and response["Location"] == reverse("case_appeal_preview", args=[case.pk])
    assert not Appeal.objects.exists()  # nothing is sent before the preview is confirmed
    preview = lisi.get(response["Location"]).content.decode()
    assert "当日系群众先行辱骂，请求撤销。" in preview and "监控截图说明.pdf" in preview and "尚未发送" in preview
    sent = lisi.post(reverse("case_appeal_send", args=[case.pk]))
    assert sent.status_code == 302 and sent["Location"] == reverse("case_detail", args=[case.pk])
    appeal = Appeal.objects.get(case=case)
    assert appeal.attachments.get().original_name == "监控截图说明.pdf"
    assert not AppealDraft.objects.exists()

    office = login("zhaobgs")
    decide = open_step(case.instance, "decide_appeal")
    assert case.register_number in office.get(reverse("inbox"), {"tab": "claimable"}).content.decode()
    task_page = office.get(reverse("task", args=[decide.pk])).content.decode()
    assert "李四" in task_page and "第五条第（十五）项" in task_page and 'name="decision"' in task_page
    assert "当日系群众先行辱骂" in task_page  # the appeal, with its attachment
    assert reverse("appeal_attachment", args=[appeal.attachments.get().pk]) in task_page
    attachment = office.get(reverse("appeal_attachment", args=[appeal.attachments.get().pk]))
    assert b"".join(attachment.streaming_content) == PDF_BYTES and attachment["Content-Type"] == "application/pdf"
    revoke = {"decision": "revoke", "reasons": "系群众先行辱骂，情节轻微"}
    response = office.post(reverse("task", args=[decide.pk]), revoke)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.revoked

    inbox = lisi.get(reverse("inbox")).content.decode()
    assert "签收申辩答复" in inbox
    response = lisi.get(reverse("case_detail", args=[case.pk]))
    page = response.content.decode()
    assert "已撤销" in page and "系群众先行辱骂，情节轻微" in page and "申辩答复书" in page
    assert "撤销处理决定" in page  # the history
    assert response.context["appeal_form"] is None

    ledger = office.get(reverse("ledger")).content.decode()
    assert case.number in ledger and "已撤销" in ledger


def test_a_late_appeal_on_the_page_names_the_deadline_and_creates_nothing(login, delivered_case, clock):
    clock.set(LATE)
    response = login("lisi").post(reverse("case_appeal", args=[delivered_case.pk]),
                                  appeal_form(attachments=[SimpleUploadedFile("材料.pdf", PDF_BYTES)]))
    assert response.status_code == 200
    assert "申辩期限已于2026年12月2日届满" in response.content.decode()
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists() and not AppealDraft.objects.exists()
    assert open_step(delivered_case.instance, "decide_appeal") is None


def test_an_attachment_over_the_size_limit_stays_on_the_form(login, delivered_case, monkeypatch):
    monkeypatch.setattr("workflows.discipline.attachments.MAX_FILE_BYTES", 3)
    response = login("lisi").post(reverse("case_appeal", args=[delivered_case.pk]),
                                  appeal_form(attachments=[SimpleUploadedFile("大.pdf", PDF_BYTES)]))
    assert "“大.pdf”超过" in response.content.decode() and not AppealDraft.objects.exists()


def test_an_exe_renamed_pdf_is_refused_on_the_page_with_the_reason(login, delivered_case):
    response = login("lisi").post(reverse("case_appeal", args=[delivered_case.pk]),
                                  appeal_form(attachments=[SimpleUploadedFile("证据.pdf", EXE_BYTES)]))
    assert response.status_code == 200
    assert "“证据.pdf”的内容不是.pdf文件（文件内容与扩展名不符），不予接收" in response.content.decode()
    assert not AppealDraft.objects.exists() and not Appeal.objects.exists()


def test_the_preview_keeps_the_files_and_a_new_preview_replaces_the_draft(login, delivered_case):
    lisi = login("lisi")
    appeal_url = reverse("case_appeal", args=[delivered_case.pk])
    lisi.post(appeal_url, appeal_form(attachments=[SimpleUploadedFile("一.pdf", PDF_BYTES)]))
    lisi.post(appeal_url, {"text": "改写后的理由", "attachments": [SimpleUploadedFile("二.png", PNG_BYTES),
                                                                  SimpleUploadedFile("三.docx", docx_bytes())]})
    draft = AppealDraft.objects.get()
    assert [f.original_name for f in draft.files.all()] == ["二.png", "三.docx"]
    case_page = lisi.get(reverse("case_detail", args=[delivered_case.pk])).content.decode()
    assert reverse("case_appeal_preview", args=[delivered_case.pk]) in case_page  # the unsent draft is offered
    preview = lisi.get(reverse("case_appeal_preview", args=[delivered_case.pk])).content.decode()
    assert "改写后的理由" in preview and "一.pdf" not in preview
    png = lisi.get(reverse("appeal_draft_file", args=[draft.files.first().pk]))
    assert b"".join(png.streaming_content) == PNG_BYTES
    assert login("zhaobgs").get(reverse("appeal_draft_file", args=[draft.files.first().pk])).status_code == 404
    assert login("zhaobgs").get(reverse("case_appeal_preview", args=[delivered_case.pk])).status_code == 404

    lisi.post(reverse("case_appeal_send", args=[delivered_case.pk]))
    appeal = Appeal.objects.get()
    assert appeal.text == "改写后的理由"
    assert [(a.original_name, a.kind) for a in appeal.attachments.order_by("id")] == [("二.png", "png"),
                                                                                     ("三.docx", "docx")]
    assert appeal.attachments.get(kind="docx").file.read() == docx_bytes()
    assert not AppealDraft.objects.exists()


def test_waiving_asks_for_confirmation_and_the_case_then_reads_waived(login, delivered_case):
    lisi = login("lisi")
    case_page = lisi.get(reverse("case_detail", args=[delivered_case.pk])).content.decode()
    waive_url = reverse("case_waive_appeal", args=[delivered_case.pk])
    assert waive_url in case_page
    confirm = lisi.get(waive_url).content.decode()
    assert "处理决定维持不变" in confirm and "不能再提出申辩" in confirm and 'name="confirm"' in confirm
    unconfirmed = lisi.post(waive_url, {})
    assert unconfirmed.status_code == 200 and "请勾选确认放弃申辩" in unconfirmed.content.decode()
    assert open_step(delivered_case.instance, "file_appeal") is not None

    response = lisi.post(waive_url, {"confirm": "on"}, follow=True)
    page = response.content.decode()
    assert "您已放弃申辩，处理决定维持不变" in page
    assert open_step(delivered_case.instance, "file_appeal") is None
    assert page.count("放弃申辩") >= 3  # the status, the case summary and the appeal task's outcome
    assert "申辩情况" in page
    assert "已申辩" not in page
    assert "放弃申辩" in lisi.get(reverse("case_list")).content.decode()
    assert login("zhaobgs").get(waive_url).status_code == 403  # only the sanctioned official may waive
    refused = lisi.post(reverse("case_appeal", args=[delivered_case.pk]), appeal_form())
    assert "申辩已提出、已放弃或期限已过" in refused.content.decode()
    assert not Appeal.objects.exists()


def test_only_the_case_people_see_the_case_page_and_its_letter(login, delivered_case):
    letter = delivered_case.letters.get()
    for username in ("sunqi", "zhangsan"):
        other = login(username)
        assert other.get(reverse("case_detail", args=[delivered_case.pk])).status_code == 403
        assert other.get(reverse("letter_download", args=[letter.pk])).status_code == 403
        assert other.post(reverse("case_appeal", args=[delivered_case.pk]), appeal_form()).status_code == 403
        assert delivered_case.register_number not in other.get(reverse("case_list")).content.decode()
    download = login("lisi").get(reverse("letter_download", args=[letter.pk]))
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert delivered_case.register_number in login("lisi").get(reverse("case_list")).content.decode()
    assert login("qianxn").get(reverse("case_detail", args=[delivered_case.pk])).status_code == 200
    assert login("zhaobgs").get(reverse("case_detail", args=[delivered_case.pk])).context["appeal_form"] is None


def test_the_appeal_task_is_not_completed_through_the_task_form(login, delivered_case):
    task = open_step(delivered_case.instance, "file_appeal")
    lisi = login("lisi")
    response = lisi.get(reverse("task", args=[task.pk]))
    assert response.context["form"] is None
    assert f'{reverse("case_detail", args=[delivered_case.pk])}#appeal' in response.content.decode()
    assert lisi.post(reverse("task", args=[task.pk]), {"comment": ""}).status_code == 403
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN


def test_ledger_and_csv_are_refused_to_window_staff(login, delivered_case):
    lisi = login("lisi")
    for name in ("ledger", "ledger_csv", "official_ledger_csv", "complaint_list", "complaint_new"):
        assert lisi.get(reverse(name)).status_code == 403
    def nav(client) -> str:
        page = client.get(reverse("inbox")).content.decode()
        return page[page.index("<nav>"):page.index("</nav>")]

    assert "处分案件" in nav(lisi) and "台帐" not in nav(lisi) and "投诉" not in nav(lisi)
    office_nav = nav(login("qianxn"))
    assert "台帐" in office_nav and "投诉" in office_nav


def test_ledger_page_and_csv_exports(login, delivered_case):
    office = login("zhaobgs")
    page = office.get(reverse("ledger")).content.decode()
    assert "2026年度台帐" in page and "李四" in page and delivered_case.number in page and "有效" in page
    assert office.get(reverse("ledger"), {"year": 2025}).context["entries"].count() == 0

    cases = office.get(reverse("ledger_csv"), {"year": 2026})
    assert cases["Content-Disposition"] == 'attachment; filename="ledger-2026.csv"'
    assert cases.content.startswith(b"\xef\xbb\xbf")
    lines = cases.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("文号,登记号,处理对象") and delivered_case.number in lines[1]
    officials = office.get(reverse("official_ledger_csv"))
    assert officials.content.startswith(b"\xef\xbb\xbf")
    assert officials.content.decode("utf-8-sig").splitlines()[0].startswith("姓名,所在部门,窗口,诫勉教育,效能告诫")


def test_two_warnings_show_as_incompetent_and_bar_the_window(login, discipline, official):
    for n in range(2):
        case = open_case(target_kind=OFFICIAL, target_official=official("sunqi"), measure=WARNING, rule_code="6.9",
                         facts=f"第{n + 1}次与群众争吵", opened_by=official("zhaobgs"))
        complete_task(open_step(case.instance, "decide_sanction").pk, official("zhaobgs"),
                      {"decision": "sanction", "measure": WARNING, "facts": case.facts, "reason": "查实"})
        complete_task(open_step(case.instance, "record_talk").pk, official("zhaobgs"),
                      {"talked_on": date(2026, 11, 25), "record": "已谈话"})
    page = login("zhaobgs").get(reverse("ledger"), {"official": official("sunqi").pk}).content.decode()
    assert "不称职" in page and "不能评为先进集体" in page and "取消年终评优资格" in page


def test_complaint_intake_starts_the_investigation(login, discipline, official):
    office = login("zhaobgs")
    form = office.get(reverse("complaint_new")).content.decode()
    assert "投诉来源" in form and "李四" in form
    missing = office.post(reverse("complaint_new"), {"source": "public", "target_kind": OFFICIAL, "summary": "态度差"})
    assert "请选择工作人员" in missing.content.decode() and not Complaint.objects.exists()
    response = office.post(reverse("complaint_new"), {
        "source": "public", "complainant_name": "王女士", "complainant_contact": "13900000000",
        "target_kind": OFFICIAL, "target_official": official("sunqi").pk, "summary": "孙七办理社保时态度蛮横，与我争吵",
    }, follow=True)
    complaint = Complaint.objects.get()
    assert complaint.number in response.content.decode() and complaint.received_by == official("zhaobgs")
    assert "调查核实" in office.get(reverse("inbox"), {"tab": "claimable"}).content.decode()


def test_investigation_through_the_duty_rule_table_opens_a_warning_case(login, discipline, official):
    office = login("zhaobgs")
    office.post(reverse("complaint_new"), {"source": "public", "target_kind": OFFICIAL,
                                           "target_official": official("sunqi").pk, "summary": "孙七与我争吵"})
    complaint = Complaint.objects.get()
    task = open_step(complaint.instance, "investigate_complaint")
    page = office.get(reverse("task", args=[task.pk])).content.decode()
    assert complaint.number in page and "服务承诺制" in page and "态度蛮横、语言粗俗，发生争吵" in page
    assert "第六条第（九）项" in page  # catalogue items are offered by their citation
    investigation = {"founded": "true", "findings": "经查属实", "duty_rule": "首问负责制", "finding": "rude_service",
                     "occurrence": 1, "rule_code": "", "proposed_measure": "", "target_kind": OFFICIAL}
    wrong = office.post(reverse("task", args=[task.pk]), investigation)
    assert "该查实情形不属于所选制度" in wrong.content.decode()
    office.post(reverse("task", args=[task.pk]), {**investigation, "duty_rule": "服务承诺制"})
    case = SanctionCase.objects.get(origin_complaint=complaint)
    assert (case.measure, case.rule.code, case.target_official) == (WARNING, "6.9", official("sunqi"))


def test_delivery_date_must_lie_between_the_letter_and_today(login, discipline, official):
    zhaobgs = official("zhaobgs")
    case = open_case(target_kind=OFFICIAL, target_official=official("lisi"), measure="诫勉教育", rule_code="5.15",
                     facts="与群众争吵", opened_by=zhaobgs)
    complete_task(open_step(case.instance, "decide_sanction").pk, zhaobgs,
                  {"decision": "sanction", "measure": "诫勉教育", "facts": case.facts, "reason": ""})
    talk = open_step(case.instance, "record_talk")
    office = login("zhaobgs")
    future = office.post(reverse("task", args=[talk.pk]), {"talked_on": "2026-11-26", "record": "已谈话"})
    assert "日期不能晚于今天" in future.content.decode()
    office.post(reverse("task", args=[talk.pk]), {"talked_on": "2026-11-25", "record": "已谈话"})
    delivery = open_step(case.instance, "record_delivery")
    early = office.post(reverse("task", args=[delivery.pk]), {"delivered_on": "2026-11-24"})
    assert "处理决定书于2026-11-25下达" in early.content.decode()
    assert office.post(reverse("task", args=[delivery.pk]), {"delivered_on": "2026-11-25"}).status_code == 302
    case.refresh_from_db()
    assert case.appeal_deadline == date(2026, 12, 2)


def test_dismissing_needs_a_reason(login, discipline, official):
    case = open_case(target_kind=OFFICIAL, target_official=official("lisi"), measure="诫勉教育", rule_code="5.15",
                     facts="与群众争吵", opened_by=official("zhaobgs"))
    decide = open_step(case.instance, "decide_sanction")
    office = login("zhaobgs")
    form = office.get(reverse("task", args=[decide.pk])).context["form"]
    assert form.initial == {"measure": "诫勉教育", "facts": "与群众争吵"}
    refused = office.post(reverse("task", args=[decide.pk]), {"decision": "dismiss", "facts": "与群众争吵"})
    assert "请填写不予处理的理由" in refused.content.decode()
    office.post(reverse("task", args=[decide.pk]), {"decision": "dismiss", "facts": "与群众争吵", "reason": "查无实据"})
    case.refresh_from_db()
    assert case.status == SanctionCase.DISMISSED


def test_notifications_show_in_the_inbox_until_marked_read(login, delivered_case, official):
    task = open_step(delivered_case.instance, "record_notification_and_filing")
    [notification] = notify([official("zhaobgs").pk], "请于12月2日前完成通报备案", task=task)
    office = login("zhaobgs")
    assert "请于12月2日前完成通报备案" in office.get(reverse("inbox")).content.decode()
    assert login("lisi").post(reverse("notification_read", args=[notification.pk])).status_code == 404
    assert office.post(reverse("notification_read", args=[notification.pk])).status_code == 302
    assert "请于12月2日前完成通报备案" not in office.get(reverse("inbox")).content.decode()



def test_the_director_supervising_an_overdue_appeal_may_read_the_case(login, delivered_case, clock, centre):
    from workflows.discipline.services import file_appeal
    from workflows.runtime.services.sweep import fire_due_timers

    file_appeal(delivered_case, centre["lisi"], "请求撤销。")
    letter = delivered_case.letters.get()
    assert login("wangzr").get(reverse("case_detail", args=[delivered_case.pk])).status_code == 403
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=CENTRE_TZ))  # received 11-25: 10 working days ended 12-09
    fire_due_timers()
    supervision = HumanTask.objects.get(instance=delivered_case.instance, spec_name="supervise_overdue_appeal")
    assert [o.user.username for o in supervision.candidates.all()] == ["wangzr"]
    director = login("wangzr")
    assert director.get(reverse("case_detail", args=[delivered_case.pk])).status_code == 200
    assert director.get(reverse("letter_download", args=[letter.pk])).status_code == 200
    assert login("sunqi").get(reverse("case_detail", args=[delivered_case.pk])).status_code == 403


def test_the_complaint_form_refuses_contradictory_targets_and_bad_numbers(login, discipline, official):
    office = login("zhaobgs")
    lisi, other_window = official("lisi"), official("sunqi").window
    assert "手机号，或带区号的固定电话" in office.get(reverse("complaint_new")).content.decode()
    form = {"source": "public", "complainant_name": "王女士", "summary": "态度差"}
    both = office.post(reverse("complaint_new"), {**form, "target_kind": OFFICIAL, "target_official": lisi.pk,
                                                  "target_window": other_window.pk})
    assert f"所选窗口“{other_window}”与被投诉工作人员李四所在窗口不一致" in both.content.decode()
    window_and_person = office.post(reverse("complaint_new"), {**form, "target_kind": "window",
                                                               "target_window": lisi.window.pk,
                                                               "target_official": lisi.pk})
    assert "投诉对象为窗口时不能同时选择工作人员李四" in window_and_person.content.decode()
    bad_phone = office.post(reverse("complaint_new"), {**form, "target_kind": OFFICIAL, "target_official": lisi.pk,
                                                       "complainant_contact": "1390000"})
    assert "联系电话“1390000”不是有效的电话号码：手机号为1开头的11位数字" in bad_phone.content.decode()
    assert not Complaint.objects.exists()
    office.post(reverse("complaint_new"), {**form, "target_kind": OFFICIAL, "target_official": lisi.pk,
                                           "target_window": lisi.window.pk, "complainant_contact": "139-0000-0000"})
    assert Complaint.objects.get().complainant_contact == "13900000000"
