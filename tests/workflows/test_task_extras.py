"""The opinion rule, comments and attachments, bulk approval and signatures as services (tests/webapp has the API)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.errors import DefinitionError
from tests.task_files import PDF, jpeg_bytes, plain_zip, png_bytes, upload
from workflows.runtime.approval_sheet_pdf import approval_sheet_pdf
from workflows.runtime.errors import InvalidInput
from workflows.runtime.forms import ApprovalForm
from workflows.runtime.models import AuditEvent, HumanTask, TaskAttachment, TaskComment
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.task_extras import (
    add_attachment,
    add_comment,
    bulk_approve,
    set_signature,
)
from workflows.runtime.services.transitions import OperationRefused, allowed_operations, complete_task
from workflows.runtime.timeline import approval_steps, case_timeline

REVIEW = (Path(__file__).parent / "fixtures" / "window_review.bpmn").read_text(encoding="utf-8")
PROPS = '<spiffworkflow:property name="due_working_days" value="2"/>'


def review_with(**props: str) -> str:
    extra = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in props.items())
    return REVIEW.replace(PROPS, PROPS + extra)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def start(centre, clock):
    """start(**props) → the window head's (张三's) review of 李四's case, the step carrying `props`."""
    counter = iter(range(1, 100))

    def make(**props: str) -> HumanTask:
        deploy_definition("window_review", {"review.bpmn": review_with(**props)})
        instance = start_process("window_review", data={}, business_key=f"R-{next(counter)}", applicant=centre["lisi"])
        return HumanTask.objects.get(instance=instance)

    return make


# --- the opinion rule and its deploy checks ---------------------------------------------------------------------

@pytest.mark.parametrize(("props", "words"), [
    ({"opinion_required": "sometimes"}, "opinion_required"),
    ({"bulk_approve": "yes"}, "bulk_approve"),
    ({"bulk_approve": "true", "opinion_required": "always"}, "opinion_required=always"),
])
def test_deploy_refuses_a_bad_opinion_or_bulk_setting_naming_file_and_element(db, props, words):
    with pytest.raises(DefinitionError) as info:
        deploy_definition("window_review", {"review.bpmn": review_with(**props)})
    assert (info.value.filename, info.value.element_id) == ("review.bpmn", "review_by_window_head")
    assert words in info.value.reason


def test_deploy_refuses_bulk_approval_on_a_step_without_the_approval_form(db):
    source = review_with(bulk_approve="true").replace('value="approval"/>', 'value="acknowledge"/>', 1)
    with pytest.raises(DefinitionError) as info:
        deploy_definition("window_review", {"review.bpmn": source})
    assert info.value.element_id == "review_by_window_head" and "form=approval" in info.value.reason


def test_the_task_row_keeps_the_steps_opinion_rule_and_bulk_flag(start):
    task = start(opinion_required="always")
    assert (task.opinion_required, task.bulk_approve) == ("always", False)
    assert start(bulk_approve="true").bulk_approve
    assert start().opinion_required == "on_reject"


@pytest.mark.parametrize(("rule", "decision", "ok"), [
    ("always", "approve", False), ("always", "reject", False),
    ("on_reject", "approve", True), ("on_reject", "reject", False),
    ("never", "approve", True), ("never", "reject", True),
])
def test_the_approval_form_asks_for_the_opinion_as_the_step_says(start, rule, decision, ok):
    form = ApprovalForm.for_task(start(opinion_required=rule), {"decision": decision, "comment": "  "})
    assert form.is_valid() is ok
    if not ok:
        assert list(form.errors) == ["comment"]
    assert ApprovalForm.for_task(start(opinion_required=rule), {"decision": decision, "comment": "理由"}).is_valid()


# --- comments and attachments ------------------------------------------------------------------------------------

def test_the_holder_comments_and_attaches_and_the_timeline_shows_both_at_their_time(start, centre, clock):
    task = start()
    zhangsan = centre["zhangsan"]
    comment = add_comment(task.pk, zhangsan, "  请补充材料  ")
    attachment = add_attachment(task.pk, zhangsan, upload("材料.pdf", PDF))
    assert TaskComment.objects.get().text == "请补充材料" and comment.author == zhangsan
    assert (attachment.original_name, attachment.size, attachment.content_type) == ("材料.pdf", len(PDF),
                                                                                    "application/pdf")
    assert attachment.file.name.startswith(f"cases/{task.instance_id}/tasks/{task.pk}/")
    assert default_storage.open(attachment.file.name).read() == PDF
    assert len(attachment.sha256) == 64
    actions = list(AuditEvent.objects.filter(task=task).values_list("action", flat=True))
    assert "task_commented" in actions and "task_attachment_added" in actions
    entries = [e for e in case_timeline(task.instance) if e.kind == "event"]
    assert [e.event.message for e in entries if e.event.action == "task_commented"] == ["请补充材料"]
    assert [e.attachment for e in entries if e.event.action == "task_attachment_added"] == [attachment]
    task.instance.refresh_from_db()  # nothing of it went into the workflow state
    assert "请补充材料" not in str(task.instance.state) and "材料.pdf" not in str(task.instance.state)


def test_the_timeline_reads_a_fixed_number_of_queries_however_many_files(start, centre):
    task = start()
    instance = task.instance
    add_attachment(task.pk, centre["zhangsan"], upload("a.pdf", PDF))
    with CaptureQueriesContext(connection) as one:
        case_timeline(instance)
    for n in range(3):
        add_attachment(task.pk, centre["zhangsan"], upload(f"b{n}.png", png_bytes()))
        add_comment(task.pk, centre["zhangsan"], f"备注{n}")
    with CaptureQueriesContext(connection) as many:
        entries = case_timeline(instance)
    assert len(many.captured_queries) == len(one.captured_queries) == 4
    assert sum(1 for e in entries if e.kind == "event" and e.attachment) == 4


@pytest.mark.parametrize(("name", "content", "words"), [
    ("x.exe", b"MZ...", "文件类型不在允许范围内"),
    ("x.pdf", b"", "空文件"),
    ("x.pdf", png_bytes(), "内容不是.pdf文件"),
    ("x.docx", plain_zip(), "内容不是.docx文件"),
    ('x".pdf', PDF, "引号"),
])
def test_a_bad_file_is_refused_naming_the_field_and_nothing_is_kept(start, centre, name, content, words):
    task = start()
    with pytest.raises(InvalidInput) as info:
        add_attachment(task.pk, centre["zhangsan"], upload(name, content))
    assert info.value.field == "file" and words in str(info.value)
    assert not TaskAttachment.objects.exists()


def test_size_and_count_limits_come_from_settings(start, centre, settings):
    task = start()
    settings.GOVFLOW_TASK_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(InvalidInput, match="超过"):
        add_attachment(task.pk, centre["zhangsan"], upload("big.png", png_bytes(size=(400, 400))))
    settings.GOVFLOW_TASK_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    settings.GOVFLOW_TASK_ATTACHMENT_MAX_COUNT = 1
    add_attachment(task.pk, centre["zhangsan"], upload("one.pdf", PDF))
    with pytest.raises(InvalidInput, match="最多上传 1 个附件"):
        add_attachment(task.pk, centre["zhangsan"], upload("two.pdf", PDF))
    assert TaskAttachment.objects.count() == 1


def test_only_who_acts_or_acted_on_the_task_may_comment(start, centre):
    task = start()
    with pytest.raises(OperationRefused, match="只有办理或办理过此任务的人员"):
        add_comment(task.pk, centre["wangwu"], "路过")
    with pytest.raises(InvalidInput) as info:
        add_comment(task.pk, centre["zhangsan"], "   ")
    assert info.value.field == "text"
    complete_task(task.pk, centre["zhangsan"], {"decision": "approve", "comment": "同意"})
    task.refresh_from_db()
    assert allowed_operations(task, centre["zhangsan"])["comment"]  # completed: still theirs to annotate
    add_comment(task.pk, centre["zhangsan"], "已电话告知申请人")
    assert not allowed_operations(task, centre["wangwu"])["comment"]


# --- bulk approval -----------------------------------------------------------------------------------------------

def test_bulk_approval_completes_each_allowed_task_and_reports_the_others(start, centre):
    bulk = [start(bulk_approve="true") for _ in range(2)]
    single = start()
    outcomes = bulk_approve([bulk[0].pk, single.pk, bulk[1].pk, 999999], centre["zhangsan"], "同意，按规定办理")
    assert [(o.task_id, o.done) for o in outcomes] == [(bulk[0].pk, True), (single.pk, False), (bulk[1].pk, True),
                                                       (999999, False)]
    assert outcomes[1].reason == "此环节不允许批量同意。"
    for task in bulk:
        task.refresh_from_db()
        assert (task.state, task.outcome, task.completed_by) == (HumanTask.COMPLETED, "approve", centre["zhangsan"])
        event = AuditEvent.objects.get(task=task, action="task_completed")
        assert event.after == {"decision": "approve", "comment": "同意，按规定办理"}
    single.refresh_from_db()
    assert single.state == HumanTask.OPEN


def test_bulk_approval_refuses_a_task_the_official_may_not_complete_with_the_reason(start, centre):
    task = start(bulk_approve="true")
    (outcome,) = bulk_approve([task.pk], centre["wangwu"])
    assert not outcome.done and outcome.reason
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN
    with pytest.raises(InvalidInput) as info:
        bulk_approve([], centre["zhangsan"])
    assert info.value.field == "task_ids"


# --- signatures --------------------------------------------------------------------------------------------------

def test_an_approval_keeps_the_signature_as_it_was_then(start, centre):
    zhangsan = centre["zhangsan"]
    set_signature(zhangsan, upload("sig.png", png_bytes("black")))
    first = start()
    complete_task(first.pk, zhangsan, {"decision": "approve", "comment": "同意"})
    set_signature(zhangsan, upload("new.jpg", jpeg_bytes()))
    second = start()
    complete_task(second.pk, zhangsan, {"decision": "approve", "comment": "同意"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.signature_file.endswith(".png") and second.signature_file.endswith(".jpg")
    assert first.signature_sha256 != second.signature_sha256
    assert default_storage.open(first.signature_file).read() == png_bytes("black")  # the old image, unchanged
    steps = approval_steps(first.instance)
    assert steps[0].task.signature_file == first.signature_file
    pdf = approval_sheet_pdf("中心", first.instance, steps, first.completed_at)
    assert pdf.startswith(b"%PDF") and b"/Image" in pdf


def test_a_signature_must_be_a_small_png_or_jpeg_by_content(centre):
    with pytest.raises(InvalidInput) as info:
        set_signature(centre["zhangsan"], upload("sig.png", PDF))
    assert info.value.field == "signature"
    with pytest.raises(InvalidInput):
        set_signature(centre["zhangsan"], upload("sig.pdf", PDF))
    centre["zhangsan"].refresh_from_db()
    assert centre["zhangsan"].signature_file == ""
