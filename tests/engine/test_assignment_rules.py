"""The rules every process shares: nobody approves their own case, and an earlier step's performer continues.

Issue item 3 (the same rules for every process): the subject and initiator are never candidates of
the case's approval steps; with nobody else left the step goes to the next tier the definition names,
else to the centre office with a flag; `performer_of` keeps a case with the official who did the earlier step.
"""

from datetime import date
from pathlib import Path

import pytest

from engine.assignment import (
    ABPost,
    AssignmentError,
    AssignmentRule,
    CaseContext,
    LeavePeriod,
    NobodyElse,
    OfficialInfo,
    OrgSnapshot,
    assign,
    resolve,
)
from engine.errors import DefinitionError
from engine.specs import load_bundle

TAX, TAX_WINDOW = 10, 11
DAY = date(2026, 10, 14)
OFFICIALS = [
    OfficialInfo(1, "张窗口", frozenset({"window_staff"}), TAX, TAX_WINDOW),
    OfficialInfo(2, "李负责", frozenset({"window_head", "window_staff"}), TAX, TAX_WINDOW),
    OfficialInfo(3, "王副职", frozenset({"window_staff"}), TAX, TAX_WINDOW),
    OfficialInfo(5, "钱分管", frozenset({"dept_deputy_leader"}), TAX, None),
    OfficialInfo(9, "郑办公室", frozenset({"centre_office"}), None, None),
    OfficialInfo(10, "冯办公室", frozenset({"centre_office"}), None, None),
]
WINDOW_HEAD = AssignmentRule.of("window_head")
DEPUTY = AssignmentRule.of("dept_deputy_leader")


def org(ab_posts=(), leaves=()) -> OrgSnapshot:
    return OrgSnapshot({o.id: o for o in OFFICIALS}, list(ab_posts), list(leaves))


def case_of(*own: int) -> CaseContext:
    return CaseContext(applicant_id=own[0], department_id=TAX, window_id=TAX_WINDOW, excluded_ids=frozenset(own))


# --- nobody approves their own case -----------------------------------------------------------


def test_a_head_applying_is_not_a_candidate_of_his_own_window_head_step():
    with pytest.raises(NobodyElse):
        resolve(WINDOW_HEAD, case_of(2), org(), DAY)


def test_the_next_tier_the_definition_names_takes_the_step():
    resolution = assign(WINDOW_HEAD, case_of(2), org(), DAY, fallback=DEPUTY)
    assert (resolution.candidates, resolution.rule, resolution.escalated) == ((5,), DEPUTY, False)
    assert resolution.excluded == (2,)


def test_without_a_next_tier_the_centre_office_gets_it_flagged():
    resolution = assign(WINDOW_HEAD, case_of(2), org(), DAY)
    assert (resolution.candidates, resolution.escalated) == ((9, 10), True)
    assert resolution.excluded == (2,)


def test_a_next_tier_held_only_by_the_case_people_also_goes_to_the_centre_office():
    resolution = assign(WINDOW_HEAD, case_of(2, 5), org(), DAY, fallback=DEPUTY)
    assert (resolution.candidates, resolution.escalated, resolution.excluded) == ((9, 10), True, (2, 5))


def test_the_initiator_is_left_out_like_the_subject():
    # 张窗口 applies; 李负责 started the case for her: neither handles it, the centre office does.
    resolution = assign(WINDOW_HEAD, case_of(1, 2), org(), DAY)
    assert resolution.escalated and 2 not in resolution.candidates


def test_other_holders_remain_candidates_without_any_flag():
    staff = AssignmentRule.of("window_staff")
    resolution = assign(staff, case_of(1), org(), DAY)
    assert (resolution.candidates, resolution.escalated, resolution.excluded) == ((2, 3), False, (1,))


def test_the_b_post_standing_in_is_never_the_subject():
    # 李负责 is on leave and his B post is 张窗口, who applied: the task must not land on her.
    snapshot = org(ab_posts=[ABPost(2, 1)], leaves=[LeavePeriod(2, DAY, DAY)])
    resolution = assign(WINDOW_HEAD, case_of(1), snapshot, DAY, fallback=DEPUTY)
    assert 1 not in resolution.candidates
    assert resolution.candidates == (5,)


def test_the_applicant_keeps_her_own_steps():
    applicant = AssignmentRule.of("applicant")
    assert assign(applicant, case_of(1), org(), DAY).candidates == (1,)


def test_the_centre_office_itself_being_the_case_people_is_an_error_not_a_silent_skip():
    with pytest.raises(AssignmentError):
        assign(AssignmentRule.of("centre_office"), case_of(9, 10), org(), DAY)


# --- whoever did the earlier step ---------------------------------------------------------------

OFFICE = AssignmentRule.of("centre_office")


def test_the_performer_of_the_earlier_step_keeps_the_case():
    resolution = assign(OFFICE, case_of(1), org(), DAY, performer_id=10)
    assert (resolution.holders, resolution.candidates) == ((10,), (10,))


def test_a_performer_on_leave_gives_the_step_back_to_the_role_rule():
    snapshot = org(leaves=[LeavePeriod(10, DAY, DAY)])
    assert assign(OFFICE, case_of(1), snapshot, DAY, performer_id=10).candidates == (9, 10)


def test_a_performer_who_left_the_post_gives_the_step_back_to_the_role_rule():
    moved = [o if o.id != 10 else OfficialInfo(10, "冯办公室", frozenset({"window_staff"})) for o in OFFICIALS]
    snapshot = OrgSnapshot({o.id: o for o in moved})
    assert assign(OFFICE, case_of(1), snapshot, DAY, performer_id=10).candidates == (9,)


def test_a_performer_who_is_the_case_subject_does_not_continue():
    assert assign(OFFICE, case_of(10), org(), DAY, performer_id=10).candidates == (9,)


# --- the definition names the next tier and the earlier step --------------------------------------

TWO_STEP = (Path(__file__).parent / "fixtures" / "two_step.bpmn").read_text(encoding="utf-8")
APPROVE_PROPS = '<spiffworkflow:property name="role" value="dept_deputy_leader"/>'


def with_props(*props: tuple[str, str]) -> str:
    extra = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in props)
    assert TWO_STEP.count(APPROVE_PROPS) == 1
    return TWO_STEP.replace(APPROVE_PROPS, APPROVE_PROPS + extra)


def test_fallback_and_performer_of_are_read_from_the_properties():
    bundle = load_bundle({"two_step.bpmn": with_props(("fallback_role", "centre_deputy_director"),
                                                      ("performer_of", "receive"),
                                                      ("initiator_may_act", "true"))})
    meta = bundle.human_tasks["approve"]
    assert meta.fallback == AssignmentRule("centre_deputy_director", "centre")
    assert (meta.performer_of, meta.initiator_may_act) == ("receive", True)
    assert bundle.human_tasks["receive"].fallback is None


def test_department_variable_scopes_the_task_to_the_department_the_data_names():
    """A joint review's co-department tasks: one rule, each task in the department its branch data names."""
    from engine.errors import ExecutionError
    from engine.runtime import ReadyTask

    meta = load_bundle({"two_step.bpmn": with_props(("department_variable", "reviewing_department_id"))}
                       ).human_tasks["approve"]
    assert meta.department_variable == "reviewing_department_id"
    assert ReadyTask("t1", meta, {"reviewing_department_id": 7}).department_id == 7
    assert ReadyTask("t2", bundle_meta_without_variable(), {"reviewing_department_id": 7}).department_id is None
    with pytest.raises(ExecutionError, match="reviewing_department_id"):
        _ = ReadyTask("t3", meta, {"reviewing_department_id": "县税务局"}).department_id


def bundle_meta_without_variable():
    return load_bundle({"two_step.bpmn": TWO_STEP}).human_tasks["approve"]


@pytest.mark.parametrize("props", [
    (("performer_of", "no_such_task"),),
    (("performer_of", "wait_five_days"),),  # a timer, not a user task
    (("performer_of", "approve"),),  # itself
    (("fallback_role", "window_boss"),),
    (("fallback_role", "window_head"), ("fallback_scope", "applicant")),
    (("initiator_may_act", "yes"),),
    (("scope", "centre"), ("department_variable", "reviewing_department_id")),  # only a department scope reads it
])
def test_a_wrong_assignment_property_is_refused_at_deploy_naming_the_task(props):
    with pytest.raises(DefinitionError) as refused:
        load_bundle({"two_step.bpmn": with_props(*props)})
    assert refused.value.element_id == "approve"
