"""The rule book's automatic consequences as pure functions (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.calendar import WorkingCalendar
from workflows.discipline.catalogue import chinese_numeral, citation
from workflows.discipline.letters import chinese_date
from workflows.discipline.rules import (
    INCOMPETENT,
    NOT_EXCELLENT,
    Counts,
    appeal_deadline,
    appeal_decision_due,
    appeal_is_late,
    deciding_role,
    escalation_due,
    official_consequence,
    window_standing,
)


def test_the_deciding_body_follows_the_target():
    assert deciding_role("window") == "efficiency_group"
    assert deciding_role("official") == "centre_office"
    with pytest.raises(ValueError):
        deciding_role("department")


@pytest.mark.parametrize(
    ("jiemian", "standing", "due"),
    [(1, 0, False), (2, 0, True), (2, 1, False), (3, 1, False), (4, 1, True), (4, 2, False), (3, 0, True)],
)
def test_every_second_jiemian_in_a_year_calls_for_one_warning(jiemian, standing, due):
    assert escalation_due(jiemian, standing) is due


@pytest.mark.parametrize(
    ("this_year", "last_year_warnings", "rating", "articles"),
    [
        (Counts(), 0, "", []),
        (Counts(jiemian=1), 0, "", []),
        (Counts(jiemian=2), 0, NOT_EXCELLENT, ["绩效考评实施办法六（二）"]),
        (Counts(warnings=1), 0, NOT_EXCELLENT, ["第九条", "绩效考评实施办法六（二）"]),
        (Counts(warnings=2), 0, INCOMPETENT, ["第九条", "绩效考评实施办法六（二）"]),
        (Counts(warnings=1), 2, INCOMPETENT, ["第九条", "绩效考评实施办法六（二）"]),
        (Counts(warnings=1), 1, NOT_EXCELLENT, ["第九条", "绩效考评实施办法六（二）"]),
        (Counts(), 3, "", []),
    ],
)
def test_yearly_consequence_of_an_official(this_year, last_year_warnings, rating, articles):
    consequence = official_consequence(this_year, last_year_warnings)
    assert consequence.rating == rating
    assert [reason.split("：")[0] for reason in consequence.reasons] == articles


def test_two_warnings_last_year_and_one_this_year_say_why():
    assert "上年度曾被效能告诫两次" in official_consequence(Counts(warnings=1), 2).reasons[0]


@pytest.mark.parametrize(
    ("total", "officials", "barred", "no_award"),
    [
        (Counts(jiemian=2), [Counts(jiemian=1), Counts(jiemian=1)], False, False),
        (Counts(jiemian=3), [Counts(jiemian=1), Counts(jiemian=1), Counts(jiemian=1)], True, False),
        (Counts(jiemian=3), [Counts(jiemian=1)], True, False),  # two of the three were the window's own
        (Counts(jiemian=2), [Counts(jiemian=2)], False, True),
        (Counts(warnings=1), [], True, False),  # a warning of the window itself
        (Counts(warnings=1), [Counts(warnings=1)], True, True),
    ],
)
def test_window_bar(total, officials, barred, no_award):
    standing = window_standing(total, officials)
    assert (standing.cannot_be_advanced, standing.loses_award_eligibility) == (barred, no_award)
    assert len(standing.reasons) == barred + no_award


def test_appeal_window_counts_working_days_over_national_day_2026():
    calendar = WorkingCalendar()
    delivered = date(2026, 9, 25)  # Friday, 中秋节, before the National Day holiday
    assert appeal_deadline(calendar, delivered) == date(2026, 10, 9)
    assert not appeal_is_late(calendar, delivered, date(2026, 10, 9))
    assert appeal_is_late(calendar, delivered, date(2026, 10, 10))  # a make-up working Saturday, the 6th
    assert appeal_decision_due(calendar, date(2026, 10, 9)) == date(2026, 10, 22)


def test_citations_are_written_as_the_rule_book_writes_them():
    assert [chinese_numeral(n) for n in (1, 5, 10, 13, 20, 21)] == ["一", "五", "十", "十三", "二十", "二十一"]
    assert citation(6, 13) == "第六条第（十三）项"
    assert chinese_date(date(2026, 9, 25)) == "2026年9月25日"


@pytest.mark.django_db
def test_the_catalogue_loads_idempotently_and_a_malformed_file_is_refused(tmp_path):
    from workflows.discipline.catalogue import sync_violation_rules
    from workflows.discipline.models import ViolationRule

    assert ViolationRule.objects.count() == 40  # loaded by the data migration
    assert sync_violation_rules() == 40 and ViolationRule.objects.count() == 40
    assert ViolationRule.objects.get(code="6.13").text == "一年内累计被诫勉教育达二次的"
    bad = tmp_path / "violation_catalogue.json"
    bad.write_text('[{"code": "5.1", "article": 5, "item": 2, "measure": "诫勉教育", "text": "x"}]', encoding="utf-8")
    with pytest.raises(ValueError, match=r"^条目编号 5\.1 与条、项不符（应为 5\.2）："):
        sync_violation_rules(path=bad)
    assert ViolationRule.objects.get(code="5.1").item == 1
