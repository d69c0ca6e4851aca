"""否定报备: within authority a refusal is registered at once; beyond it only after a centre leader agrees;
refused input leaves nothing saved; the written notice reads back from its stored PDF; returns are recorded."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from django.db.models import ProtectedError
from pypdf import PdfReader

from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.models import Refusal, ServiceItem
from workflows.applications.refusals import (
    RefusalInput,
    RefusalRefused,
    decide_refusal,
    is_phone,
    propose_refusal,
    register_refusal,
    return_materials,
)
from workflows.runtime.models import AuditEvent


@pytest.fixture
def catalogue(centre, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return {item.code: item for item in seed_demo_catalogue()}


@pytest.fixture
def refusal_input(catalogue) -> RefusalInput:
    """CN-001 (passports) may be refused by a chief representative or a window head, not by a plain window clerk."""
    return RefusalInput(
        item_id=catalogue["CN-001"].pk, applicant="马晓东", phone="139 9988 7766",
        matter="申请普通护照签发", reason="申请人系法院判决限制出境的人员",
        legal_basis="《中华人民共和国护照法》第十三条第一款第（四）项",
    )


def _text(refusal: Refusal) -> str:
    with refusal.notice_file.open("rb") as stored:
        return "".join(page.extract_text() for page in PdfReader(stored).pages).replace("\n", "")


def _actions() -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith="refusal_").order_by("pk").values_list("action",
                                                                                                    flat=True))


def test_within_authority_a_refusal_is_registered_at_once_with_its_notice(refusal_input, centre):
    refusal = propose_refusal(refusal_input, handler=centre["zhangsan"])  # a window head
    assert refusal.status == Refusal.REGISTERED and refusal.within_authority and refusal.leader is None
    assert refusal.phone == "13999887766" and refusal.registered_at is not None
    assert _actions() == ["refusal_proposed", "refusal_registered"]
    with refusal.notice_file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == refusal.notice_sha256
    text = _text(refusal)
    assert "不予受理告知书" in text and refusal.notice_number in text and "马晓东" in text
    assert "限制出境" in text and "《中华人民共和国护照法》第十三条" in text


def test_beyond_authority_the_refusal_waits_for_a_leader_and_cannot_be_registered_before(refusal_input, centre):
    refusal = propose_refusal(refusal_input, handler=centre["lisi"])  # window staff only
    assert refusal.status == Refusal.AWAITING_LEADER and not refusal.within_authority
    with pytest.raises(RefusalRefused, match="中心领导"):
        register_refusal(refusal, actor=centre["lisi"])
    refusal.refresh_from_db()
    assert refusal.status == Refusal.AWAITING_LEADER and not refusal.notice_file and not refusal.notice_sha256
    with pytest.raises(RefusalRefused):
        decide_refusal(refusal, leader=centre["zhangsan"], agree=True, opinion="同意")  # not a centre leader

    refusal = decide_refusal(refusal, leader=centre["lifzr"], agree=True, opinion="同意不予受理")
    assert refusal.status == Refusal.REGISTERED and refusal.leader == centre["lifzr"]
    assert refusal.leader_opinion == "同意不予受理" and refusal.notice_sha256
    assert _actions() == ["refusal_proposed", "refusal_agreed", "refusal_registered"]
    with pytest.raises(RefusalRefused):
        register_refusal(refusal, actor=centre["lisi"])  # never twice


def test_a_leader_who_disagrees_withdraws_the_refusal(refusal_input, centre):
    refusal = propose_refusal(refusal_input, handler=centre["lisi"])
    refusal = decide_refusal(refusal, leader=centre["wangzr"], agree=False, opinion="材料可补正，应予受理")
    assert refusal.status == Refusal.WITHDRAWN and refusal.leader_agreed is False and not refusal.notice_file
    row = AuditEvent.objects.get(action="refusal_withdrawn")
    assert row.actor == centre["wangzr"] and row.after["leader_opinion"] == "材料可补正，应予受理"
    with pytest.raises(RefusalRefused, match="撤回"):
        register_refusal(refusal, actor=centre["lisi"])


@pytest.mark.parametrize(("change", "field"), [
    ({"phone": "12345"}, "phone"),
    ({"phone": "电话号码"}, "phone"),
    ({"legal_basis": "  "}, "legal_basis"),
    ({"item_id": 999999}, "item"),
    ({"applicant": ""}, "applicant"),
    ({"reason": ""}, "reason"),
])
def test_a_bad_refusal_is_refused_with_nothing_saved(refusal_input, centre, change, field):
    with pytest.raises(RefusalRefused) as refused:
        propose_refusal(replace(refusal_input, **change), handler=centre["zhangsan"])
    assert refused.value.field == field
    assert not Refusal.objects.exists() and not _actions()


def test_phones_mobile_and_landline():
    assert is_phone("13800138000") and is_phone("0999-4562233") and is_phone("010 12345678")
    assert not is_phone("12800138000") and not is_phone("1380013800") and not is_phone("999-4562233")


def test_a_rejection_notice_names_itself(refusal_input, centre):
    refusal = propose_refusal(replace(refusal_input, notice_kind=Refusal.REJECTED), handler=centre["zhangsan"])
    assert "驳回件通知书" in _text(refusal) and "予以驳回" in _text(refusal)


def test_materials_are_returned_after_an_identity_check_with_the_applicants_confirmation(refusal_input, centre):
    waiting = propose_refusal(refusal_input, handler=centre["lisi"])
    with pytest.raises(RefusalRefused):
        return_materials(waiting, staff=centre["lisi"], identity_document="居民身份证", applicant_confirmation="马晓东")
    refusal = propose_refusal(refusal_input, handler=centre["zhangsan"])
    with pytest.raises(RefusalRefused) as refused:
        return_materials(refusal, staff=centre["zhangsan"], identity_document=" ", applicant_confirmation="马晓东")
    assert refused.value.field == "identity_document"
    refusal = return_materials(refusal, staff=centre["zhangsan"], identity_document="居民身份证 6540281990…",
                               applicant_confirmation="马晓东")
    assert refusal.materials_returned_by == centre["zhangsan"] and refusal.materials_returned_at is not None
    assert refusal.applicant_confirmation == "马晓东"
    row = AuditEvent.objects.get(action="refusal_materials_returned")
    assert row.actor == centre["zhangsan"] and row.after["identity_document"].startswith("居民身份证")
    with pytest.raises(RefusalRefused):
        return_materials(refusal, staff=centre["zhangsan"], identity_document="居民身份证",
                         applicant_confirmation="马晓东")


def test_an_item_in_use_by_a_refusal_cannot_vanish_from_the_register(refusal_input, centre, catalogue):
    propose_refusal(refusal_input, handler=centre["zhangsan"])
    with pytest.raises(ProtectedError):
        ServiceItem.objects.filter(pk=refusal_input.item_id).delete()
