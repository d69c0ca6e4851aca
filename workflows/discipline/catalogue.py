"""The violation catalogue (第五条 诫勉教育 / 第六条 效能告诫 items) and how letters cite an item.

The catalogue ships as bpmn/violation_catalogue.json next to the process definitions;
`sync_violation_rules` loads it (idempotent: rows are updated by code, never deleted, since
cases point at them). The data migration calls it on a fresh database.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from workflows.discipline.rules import MEASURES

CATALOGUE_FILE = "violation_catalogue.json"
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1–99 as written in the rule book: 五, 十三, 二十一."""
    if not 0 < n < 100:
        raise ValueError(f"{n} 超出范围（须在 1 至 99 之间）")
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[units] if units else "")


def citation(article: int, item: int) -> str:
    """第六条第（十三）项"""
    return f"第{chinese_numeral(article)}条第（{chinese_numeral(item)}）项"


def rule_label(rule, other_text: str = "") -> str:
    """A case's breach in one line: 第五条第（十五）项 <item text>, plus any free text; or 其他：<free text>."""
    if rule is None:
        return f"其他：{other_text}"
    label = f"{citation(rule.article, rule.item)} {rule.text}"
    return f"{label}（{other_text}）" if other_text else label


def read_catalogue(path: Path | None = None) -> list[dict]:
    """The catalogue entries, checked: a malformed file is refused before anything is written."""
    path = path or Path(settings.GOVFLOW_BPMN_DIR) / CATALOGUE_FILE
    entries = json.loads(path.read_text(encoding="utf-8"))
    for entry in entries:
        if {"code", "article", "item", "measure", "text"} - entry.keys() or entry["measure"] not in MEASURES:
            raise ValueError(f"{path.name} 中的违规目录条目无效：{entry}")
        expected = f"{entry['article']}.{entry['item']}"
        if entry["code"] != expected:
            raise ValueError(f"条目编号 {entry['code']} 与条、项不符（应为 {expected}）：{entry}")
    return entries


@transaction.atomic
def sync_violation_rules(model=None, path: Path | None = None) -> int:
    """Create or update every catalogue row; returns how many entries the file has.

    `model` is the historical model when a migration calls it.
    """
    if model is None:
        from workflows.discipline.models import ViolationRule as model
    entries = read_catalogue(path)
    for entry in entries:
        model.objects.update_or_create(
            code=entry["code"],
            defaults={"article": entry["article"], "item": entry["item"], "measure": entry["measure"],
                      "text": entry["text"]},
        )
    return len(entries)
