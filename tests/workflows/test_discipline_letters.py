"""Letters are PDFs with Chinese text (ReportLab's built-in CID font), stored once with their hash."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest
from discipline_steps import do, issued, pdf_text
from django.core.files.base import ContentFile

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Letter
from workflows.discipline.rules import WARNING
from workflows.discipline.selectors import letter_is_intact
from workflows.discipline.services import file_appeal


@pytest.fixture
def on_sept_24(centre, clock, deploy_discipline):
    clock.set(datetime(2026, 9, 24, 10, 0, tzinfo=CENTRE_TZ))
    return centre


def test_a_warning_to_a_window_comes_from_the_efficiency_group(on_sept_24):
    case = issued(on_sept_24, measure=WARNING, window="zhangsan", facts="窗口连续两次超过承诺时限办结")
    letter = case.letters.get()
    assert (letter.kind, letter.number) == ("效能告诫书", "尼勒克县行政服务中心 告字〔2026〕第1号")
    text = pdf_text(letter)
    for expected in ("效能告诫书", "县市场监督管理局企业登记窗口：", "窗口连续两次超过承诺时限办结",
                     "决定给予你窗口效能告诫", "第六条第（九）项", "工作中作风粗暴、态度蛮横", "2026年9月24日",
                     "向尼勒克县行政服务中心机关效能建设领导小组提出书面申辩", "抄送：县市场监督管理局"):
        assert expected in text


def test_the_stored_file_is_the_one_hashed_and_tampering_shows(on_sept_24):
    letter = issued(on_sept_24).letters.get()
    with letter.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == letter.sha256
    assert letter.file.name.startswith("letters/2026/") and letter_is_intact(letter)
    storage = letter.file.storage
    storage.delete(letter.file.name)
    storage.save(letter.file.name, ContentFile(b"%PDF-1.4 forged"))
    assert not letter_is_intact(Letter.objects.get(pk=letter.pk))


def test_an_upheld_appeal_gets_a_reply_letter_and_numbers_run_per_kind(on_sept_24, clock):
    centre = on_sept_24
    first = issued(centre, "lisi", delivered_on=date(2026, 9, 24))
    second = issued(centre, "sunqi")
    assert [first.number, second.number] == [f"尼勒克县行政服务中心 诫字〔2026〕第{n}号" for n in (1, 2)]
    clock.set(datetime(2026, 9, 28, 9, 0, tzinfo=CENTRE_TZ))
    file_appeal(first, centre["lisi"], "不服")
    do(first.instance, "decide_appeal", centre["zhaobgs"], {"decision": "uphold", "reasons": "有监控录像为证"})
    reply = first.letters.get(kind=Letter.REPLY_LETTER)
    text = pdf_text(reply)
    for expected in ("申辩答复书", "李四：", "你于2026年9月28日对《诫勉教育书》", "维持原诫勉教育决定",
                     "有监控录像为证", "尼勒克县行政服务中心办公室", "2026年9月28日"):
        assert expected in text


def test_a_letter_whose_file_is_gone_is_not_intact(on_sept_24):
    letter = issued(on_sept_24).letters.get()
    letter.file.storage.delete(letter.file.name)
    assert not letter_is_intact(Letter.objects.get(pk=letter.pk))
