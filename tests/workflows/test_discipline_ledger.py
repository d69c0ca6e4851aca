"""The automatic rules on the database: second-诫勉 escalation, yearly consequences, window bar, the ledger.

Revoked sanctions stay in the ledger, marked, and never count.
"""

from __future__ import annotations

import csv
from datetime import datetime
from io import StringIO

import pytest
from discipline_steps import issued, revoke_on_appeal

from engine.clock import CENTRE_TZ
from workflows.discipline.models import SanctionCase
from workflows.discipline.rules import INCOMPETENT, JIEMIAN, NOT_EXCELLENT, WARNING
from workflows.discipline.selectors import (
    cases_visible_to,
    ledger_csv,
    ledger_entries,
    official_ledger,
    official_ledger_csv,
    window_ledger,
)
from workflows.discipline.services import DisciplineRefused, open_case, open_escalation_if_due
from workflows.runtime.models import AuditEvent, HumanTask, Notification


@pytest.fixture
def year_2026(centre, clock, deploy_discipline):
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=CENTRE_TZ))
    return centre


def rating(centre, who: str, year: int = 2026) -> str:
    rows = official_ledger(year, official_id=centre[who].pk)
    return rows[0].consequence.rating if rows else ""


def test_a_second_jiemian_in_a_year_opens_exactly_one_warning_proposal(year_2026):
    centre = year_2026
    first = issued(centre, "lisi")
    assert not SanctionCase.objects.filter(origin=SanctionCase.ESCALATION).exists()
    second = issued(centre, "lisi")
    proposal = SanctionCase.objects.get(origin=SanctionCase.ESCALATION)
    assert (proposal.escalated_from, proposal.target_official, proposal.measure, proposal.rule.code) == (
        second, centre["lisi"], WARNING, "6.13")
    assert first.number in proposal.facts and second.number in proposal.facts
    decide = HumanTask.objects.get(instance=proposal.instance, state=HumanTask.OPEN)
    assert (decide.spec_name, decide.applicant) == ("decide_sanction", centre["lisi"])
    history = AuditEvent.objects.get(instance=second.instance, action="escalation_proposed")
    assert history.after["case_id"] == proposal.pk and "第六条（十三）" in history.message

    assert open_escalation_if_due(second) is None  # the same pair never escalates twice
    issued(centre, "lisi")  # the third: no new pair
    issued(centre, "sunqi")  # someone else's first
    issued(centre, window="zhangsan")  # the window's own 诫勉 is not an official's
    assert SanctionCase.objects.filter(origin=SanctionCase.ESCALATION).count() == 1
    issued(centre, "lisi")  # the fourth completes the second pair
    assert SanctionCase.objects.filter(origin=SanctionCase.ESCALATION).count() == 2


def test_revoking_one_of_the_two_jiemian_flags_the_undecided_warning_proposal(year_2026):
    centre = year_2026
    issued(centre, "lisi")
    second = issued(centre, "lisi")
    proposal = SanctionCase.objects.get(origin=SanctionCase.ESCALATION)
    revoke_on_appeal(centre, second)
    flagged = AuditEvent.objects.get(instance=proposal.instance, action="escalation_basis_revoked")
    assert second.number in flagged.message
    notes = (Notification.objects.filter(instance=proposal.instance).exclude(kind=Notification.TASK)
             .select_related("recipient__user", "task"))
    assert sorted(n.recipient.user.username for n in notes) == ["admin", "zhaobgs"]  # the centre office
    assert {n.task.spec_name for n in notes} == {"decide_sanction"}
    proposal.refresh_from_db()
    assert proposal.status == SanctionCase.OPEN  # deciding stays the centre office's act


def test_a_revoked_jiemian_does_not_count_towards_the_second(year_2026):
    centre = year_2026
    revoke_on_appeal(centre, issued(centre, "lisi"))
    issued(centre, "lisi")
    assert not SanctionCase.objects.filter(origin=SanctionCase.ESCALATION).exists()


def test_a_jiemian_of_last_year_does_not_pair_with_this_years(year_2026, clock):
    centre = year_2026
    clock.set(datetime(2025, 12, 30, 9, 0, tzinfo=CENTRE_TZ))
    issued(centre, "lisi")
    clock.set(datetime(2026, 1, 5, 9, 0, tzinfo=CENTRE_TZ))
    assert issued(centre, "lisi").year == 2026
    assert not SanctionCase.objects.filter(origin=SanctionCase.ESCALATION).exists()


def test_yearly_consequences_and_revocation(year_2026, clock):
    centre = year_2026
    warning = issued(centre, "lisi", WARNING)
    assert rating(centre, "lisi") == NOT_EXCELLENT
    issued(centre, "lisi", WARNING)
    assert rating(centre, "lisi") == INCOMPETENT
    revoke_on_appeal(centre, warning)
    row = official_ledger(2026, official_id=centre["lisi"].pk)[0]
    assert (row.warnings, row.revoked, row.consequence.rating) == (1, 1, NOT_EXCELLENT)
    assert [c.revoked for c in ledger_entries(2026, official_id=centre["lisi"].pk)] == [True, False]


def test_two_warnings_last_year_make_one_this_year_incompetent(year_2026, clock):
    centre = year_2026
    clock.set(datetime(2025, 6, 3, 9, 0, tzinfo=CENTRE_TZ))
    issued(centre, "sunqi", WARNING)
    issued(centre, "sunqi", WARNING)
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=CENTRE_TZ))
    issued(centre, "sunqi", WARNING)
    row = official_ledger(2026, official_id=centre["sunqi"].pk)[0]
    assert (row.warnings, row.warnings_last_year, row.consequence.rating) == (1, 2, INCOMPETENT)
    assert "上年度" in row.consequence.reasons[0]


def test_window_bar_counts_the_windows_officials_and_the_window_itself(year_2026):
    centre = year_2026
    window = centre["lisi"].window
    issued(centre, "lisi")
    issued(centre, "chensx")
    (row,) = window_ledger(2026, window_id=window.pk)
    assert (row.jiemian, row.standing.cannot_be_advanced) == (2, False)
    third = issued(centre, window="zhangsan")  # the window's own, decided by the efficiency group
    assert (third.deciding_role, third.respondent, third.target_official) == ("efficiency_group", centre["zhangsan"],
                                                                            None)
    (row,) = window_ledger(2026, window_id=window.pk)
    assert (row.jiemian, row.standing.cannot_be_advanced, row.standing.loses_award_eligibility) == (3, True, False)
    revoke_on_appeal(centre, third)
    (row,) = window_ledger(2026, window_id=window.pk)
    assert (row.jiemian, row.revoked, row.standing.cannot_be_advanced) == (2, 1, False)


def test_one_official_with_two_jiemian_costs_the_window_its_award(year_2026):
    centre = year_2026
    issued(centre, "sunqi")
    issued(centre, "sunqi")
    rows = {r.window.pk: r for r in window_ledger(2026)}
    row = rows[centre["sunqi"].window_id]
    assert (row.standing.cannot_be_advanced, row.standing.loses_award_eligibility) == (False, True)
    assert rating(centre, "sunqi") == NOT_EXCELLENT


def test_ledger_csv_opens_in_excel_and_marks_revoked_cases(year_2026):
    centre = year_2026
    revoke_on_appeal(centre, issued(centre, "lisi"))
    issued(centre, "sunqi", WARNING)
    data = ledger_csv(2026)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["文号", "登记号", "处理对象"]
    assert [(r[2], r[5], r[11]) for r in rows[1:]] == [("李四", JIEMIAN, "已撤销"), ("孙七", WARNING, "有效")]
    assert "第五条第（十五）项" in rows[1][6]
    summary = list(csv.reader(StringIO(official_ledger_csv(2026).decode("utf-8-sig"))))
    assert [r[0] for r in summary[1:]] == ["李四", "孙七"]
    assert summary[2][7] == NOT_EXCELLENT


def test_officials_see_their_own_cases_the_office_and_efficiency_group_see_all(year_2026):
    centre = year_2026
    own = issued(centre, "lisi")
    window_case = issued(centre, window="zhangsan")
    issued(centre, "sunqi")
    assert list(cases_visible_to(centre["lisi"])) == [own]
    assert list(cases_visible_to(centre["zhangsan"])) == [window_case]
    assert cases_visible_to(centre["zhaobgs"]).count() == cases_visible_to(centre["qianxn"]).count() == 3


def test_only_the_centre_office_opens_a_case_by_hand(year_2026):
    centre = year_2026
    with pytest.raises(DisciplineRefused, match="^只有中心办公室可以立案$"):
        open_case(target_kind="official", target_official=centre["lisi"], measure=JIEMIAN, rule_code="5.2",
                  facts="迟到", opened_by=centre["zhangsan"])
    with pytest.raises(DisciplineRefused, match="^违规目录中没有条目“5.99”$"):
        open_case(target_kind="official", target_official=centre["lisi"], measure=JIEMIAN, rule_code="5.99",
                  facts="迟到", opened_by=centre["zhaobgs"])
    other = open_case(target_kind="official", target_official=centre["lisi"], measure=JIEMIAN,
                      other_text="午休时间在窗口用餐", facts="午休时间在窗口用餐", opened_by=centre["zhaobgs"])
    assert other.rule is None and other.instance.business_key == other.register_number
    assert not SanctionCase.objects.exclude(pk=other.pk).exists()
