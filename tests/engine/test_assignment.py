"""Who acts on a task: post holders by role and scope, then A/B substitution for officials on leave."""

from datetime import date

import pytest

from engine.assignment import (
    ABPost,
    AssignmentError,
    AssignmentRule,
    CaseContext,
    LeavePeriod,
    OfficialInfo,
    OrgSnapshot,
    Resolution,
    acting_official,
    post_holders,
    resolve,
)

# Two departments, each with a window; ids chosen so that the tests read like an org chart.
TAX, SOCIAL = 10, 20
TAX_WINDOW, SOCIAL_WINDOW = 11, 21

OFFICIALS = [
    OfficialInfo(1, "张窗口", frozenset({"window_staff"}), TAX, TAX_WINDOW),
    OfficialInfo(2, "李负责", frozenset({"window_head"}), TAX, TAX_WINDOW),
    OfficialInfo(3, "王副职", frozenset({"window_staff"}), TAX, TAX_WINDOW),
    OfficialInfo(4, "赵负责", frozenset({"window_head"}), SOCIAL, SOCIAL_WINDOW),
    OfficialInfo(5, "钱分管", frozenset({"dept_deputy_leader"}), TAX, None),
    OfficialInfo(6, "孙分管", frozenset({"dept_deputy_leader"}), SOCIAL, None),
    OfficialInfo(7, "周主任", frozenset({"centre_director"}), None, None),
    OfficialInfo(8, "吴副主任", frozenset({"centre_deputy_director"}), None, None),
    OfficialInfo(9, "郑副主任", frozenset({"centre_deputy_director", "centre_office"}), None, None),
]

LEAVE_FIRST, LEAVE_LAST = date(2026, 10, 12), date(2026, 10, 16)
DURING, BEFORE, AFTER = date(2026, 10, 14), date(2026, 10, 9), date(2026, 10, 19)

TAX_CASE = CaseContext(applicant_id=1, department_id=TAX, window_id=TAX_WINDOW)


def org(ab_posts=(), leaves=()) -> OrgSnapshot:
    return OrgSnapshot({o.id: o for o in OFFICIALS}, list(ab_posts), list(leaves))


def away(official_id: int, first: date = LEAVE_FIRST, last: date = LEAVE_LAST) -> LeavePeriod:
    return LeavePeriod(official_id, first, last)


# --- rules ----------------------------------------------------------------------------------


def test_rule_takes_the_default_scope_of_its_role():
    assert AssignmentRule.of("window_head") == AssignmentRule("window_head", "applicant.window")
    assert AssignmentRule.of("dept_deputy_leader") == AssignmentRule("dept_deputy_leader", "applicant.department")
    assert AssignmentRule.of("centre_director") == AssignmentRule("centre_director", "centre")
    assert AssignmentRule.of("applicant") == AssignmentRule("applicant", "applicant")


def test_rule_scope_can_be_widened():
    assert AssignmentRule.of("window_head", "centre").scope == "centre"


def test_unknown_role_is_refused():
    with pytest.raises(AssignmentError, match="window_boss"):
        AssignmentRule.of("window_boss")


def test_unknown_scope_is_refused():
    with pytest.raises(AssignmentError, match="applicant.floor"):
        AssignmentRule.of("window_head", "applicant.floor")


@pytest.mark.parametrize(("role", "scope"), [("window_head", "applicant"), ("applicant", "centre")])
def test_applicant_scope_only_goes_with_the_applicant_role(role, scope):
    # window_head + "applicant" used to mean every window head in the centre; the applicant + "centre"
    # silently ignored the scope.
    with pytest.raises(AssignmentError, match=scope):
        AssignmentRule.of(role, scope)


# --- post holders ---------------------------------------------------------------------------


def test_window_head_of_the_applicants_window():
    assert post_holders(AssignmentRule.of("window_head"), TAX_CASE, org()) == [2]
    social_case = CaseContext(applicant_id=4, department_id=SOCIAL, window_id=SOCIAL_WINDOW)
    assert post_holders(AssignmentRule.of("window_head"), social_case, org()) == [4]


def test_dept_deputy_leader_of_the_applicants_department():
    assert post_holders(AssignmentRule.of("dept_deputy_leader"), TAX_CASE, org()) == [5]


def test_centre_roles_ignore_the_case():
    assert post_holders(AssignmentRule.of("centre_director"), CaseContext(), org()) == [7]
    assert post_holders(AssignmentRule.of("centre_deputy_director"), TAX_CASE, org()) == [8, 9]


def test_window_head_widened_to_the_centre():
    assert post_holders(AssignmentRule.of("window_head", "centre"), TAX_CASE, org()) == [2, 4]


def test_applicant_role_is_the_applicant():
    assert post_holders(AssignmentRule.of("applicant"), TAX_CASE, org()) == [1]


def test_case_without_a_window_has_no_window_head():
    case = CaseContext(applicant_id=5, department_id=TAX, window_id=None)
    assert post_holders(AssignmentRule.of("window_head"), case, org()) == []


# --- resolve --------------------------------------------------------------------------------


def test_resolve_without_leave_gives_the_holder():
    resolution = resolve(AssignmentRule.of("window_head"), TAX_CASE, org(), DURING)
    assert resolution == Resolution(holders=(2,), candidates=(2,), substitutions=())


def test_a_on_leave_is_replaced_by_the_standing_b_post():
    snapshot = org(ab_posts=[ABPost(2, 3)], leaves=[away(2)])
    resolution = resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, DURING)
    assert resolution.holders == (2,)
    assert resolution.candidates == (3,)
    assert resolution.substitutions == ((2, 3),)


@pytest.mark.parametrize("day", [LEAVE_FIRST, DURING, LEAVE_LAST])
def test_substitution_applies_on_every_day_of_the_leave(day):
    snapshot = org(ab_posts=[ABPost(2, 3)], leaves=[away(2)])
    assert resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, day).candidates == (3,)


@pytest.mark.parametrize("day", [BEFORE, date(2026, 10, 11), date(2026, 10, 17), AFTER])
def test_no_substitution_before_or_after_the_leave(day):
    snapshot = org(ab_posts=[ABPost(2, 3)], leaves=[away(2)])
    resolution = resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, day)
    assert resolution.candidates == (2,)
    assert resolution.substitutions == ()


def test_a_temporary_pair_for_the_leave_beats_the_standing_pair():
    snapshot = org(ab_posts=[ABPost(2, 3), ABPost(2, 1, LEAVE_FIRST, LEAVE_LAST)], leaves=[away(2)])
    assert resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, DURING).candidates == (1,)


def test_a_temporary_pair_outside_its_dates_does_not_apply():
    # The temporary pair ends on Wednesday; the leave goes on to Friday: the standing pair takes over.
    temporary = ABPost(2, 1, LEAVE_FIRST, date(2026, 10, 14))
    snapshot = org(ab_posts=[temporary, ABPost(2, 3)], leaves=[away(2)])
    assert resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, date(2026, 10, 14)).candidates == (1,)
    assert resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, date(2026, 10, 15)).candidates == (3,)


def test_chain_goes_on_when_the_b_post_is_away_too():
    snapshot = org(ab_posts=[ABPost(2, 3), ABPost(3, 1)], leaves=[away(2), away(3, DURING, DURING)])
    assert resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, DURING).candidates == (1,)
    assert resolve(AssignmentRule.of("window_head"), TAX_CASE, snapshot, LEAVE_FIRST).candidates == (3,)
    assert acting_official(2, snapshot, DURING) == 1


def test_chain_ends_at_the_last_official_reached():
    # B is away as well and has no B post: B is the last one reached and keeps the task.
    snapshot = org(ab_posts=[ABPost(2, 3)], leaves=[away(2), away(3)])
    assert acting_official(2, snapshot, DURING) == 3


def test_official_on_leave_without_a_b_post_keeps_the_task():
    assert acting_official(2, org(leaves=[away(2)]), DURING) == 2


def test_a_cycle_of_b_posts_terminates():
    snapshot = org(ab_posts=[ABPost(2, 3), ABPost(3, 2)], leaves=[away(2), away(3)])
    assert acting_official(2, snapshot, DURING) == 3
    assert acting_official(3, snapshot, DURING) == 2


def test_b_post_of_someone_else_does_not_apply():
    snapshot = org(ab_posts=[ABPost(5, 3)], leaves=[away(2)])
    assert acting_official(2, snapshot, DURING) == 2


def test_two_holders_substituting_onto_one_official_give_one_candidate():
    snapshot = org(ab_posts=[ABPost(8, 7), ABPost(9, 7)], leaves=[away(8), away(9)])
    resolution = resolve(AssignmentRule.of("centre_deputy_director"), TAX_CASE, snapshot, DURING)
    assert resolution.holders == (8, 9)
    assert resolution.candidates == (7,)
    assert resolution.substitutions == ((8, 7), (9, 7))


def test_one_holder_away_keeps_the_other_as_candidate():
    snapshot = org(ab_posts=[ABPost(8, 9)], leaves=[away(8)])
    resolution = resolve(AssignmentRule.of("centre_deputy_director"), TAX_CASE, snapshot, DURING)
    assert resolution.candidates == (9,)
    assert resolution.substitutions == ((8, 9),)


def test_applicant_steps_are_never_substituted():
    snapshot = org(ab_posts=[ABPost(1, 3)], leaves=[away(1)])
    resolution = resolve(AssignmentRule.of("applicant"), TAX_CASE, snapshot, DURING)
    assert resolution.candidates == (1,)
    assert resolution.substitutions == ()


def test_no_holder_is_an_assignment_error_naming_role_and_scope():
    social_org = OrgSnapshot({o.id: o for o in OFFICIALS if o.id != 4})
    social_case = CaseContext(applicant_id=6, department_id=SOCIAL, window_id=SOCIAL_WINDOW)
    with pytest.raises(AssignmentError, match=r"^组织架构中无人担任 window_head（范围：applicant\.window）$") as info:
        resolve(AssignmentRule.of("window_head"), social_case, social_org, DURING)
    assert "无人担任" in str(info.value)


def test_applicant_role_without_an_applicant_is_an_assignment_error():
    with pytest.raises(AssignmentError, match="applicant"):
        resolve(AssignmentRule.of("applicant"), CaseContext(department_id=TAX), org(), DURING)


def test_leave_and_pair_coverage():
    assert away(2).covers(LEAVE_FIRST) and away(2).covers(LEAVE_LAST)
    assert not away(2).covers(BEFORE) and not away(2).covers(AFTER)
    assert ABPost(2, 3).standing and ABPost(2, 3).covers(BEFORE)
    open_ended = ABPost(2, 3, valid_from=LEAVE_FIRST)
    assert not open_ended.standing
    assert not open_ended.covers(BEFORE) and open_ended.covers(date(2030, 1, 1))
