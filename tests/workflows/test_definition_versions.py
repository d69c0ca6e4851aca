"""Versions: deploying makes the new version active, new instances start on the active one, running ones keep
theirs, an older version can be made active again (audited), and refused input never reaches the parser."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from engine.errors import DefinitionError
from engine.specs import load_bundle
from workflows.runtime.models import ActiveVersion, AuditEvent, ProcessDefinition, StartSchedule
from workflows.runtime.services.definitions import (
    Problem,
    activate_version,
    active_definition,
    deploy_definition,
    deploy_from_files,
    deploy_vocabulary,
    validate_sources,
)
from workflows.runtime.services.instances import start_process

FIXTURES = Path(__file__).parent / "fixtures"
REVIEW = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8")
REVIEW_2 = REVIEW.replace('name="窗口负责人审核（测试用）"', 'name="窗口负责人审核（第二版）"')
ELEMENTS = Path(__file__).parent.parent / "engine" / "fixtures" / "elements"


def start(business_key: str, centre):
    return start_process("window_review", data={"note": "交接"}, business_key=business_key,
                         applicant=centre["lisi"], started_by=centre["lisi"])


def test_deploying_makes_the_new_version_active_and_new_instances_start_on_it(centre):
    first = deploy_definition("window_review", {"review.bpmn": REVIEW})
    running = start("V-1", centre)
    second = deploy_definition("window_review", {"review.bpmn": REVIEW_2})
    assert (first.version, second.version) == (1, 2)
    assert active_definition("window_review") == second
    assert start("V-2", centre).definition == second
    running.refresh_from_db()
    assert running.definition == first  # a running instance finishes on its version


def test_rolling_back_makes_an_older_version_active_audited_with_the_reason(centre):
    first = deploy_definition("window_review", {"review.bpmn": REVIEW})
    second = deploy_definition("window_review", {"review.bpmn": REVIEW_2})
    on_second = start("V-3", centre)
    activate_version(first.pk, centre["zhangsan"], "第二版标题有误")
    assert active_definition("window_review") == first
    assert start("V-4", centre).definition == first
    on_second.refresh_from_db()
    assert on_second.definition == second
    row = AuditEvent.objects.filter(action="definition_activated").order_by("-id").first()
    assert (row.actor, row.message) == (centre["zhangsan"], "window_review v1")
    assert (row.before, row.after) == ({"version": 2}, {"version": 1, "reason": "第二版标题有误"})
    assert ActiveVersion.objects.get(key="window_review").activated_by == centre["zhangsan"]


def test_activating_an_unknown_version_or_without_a_reason_is_refused_naming_the_field(centre):
    from workflows.runtime.errors import InvalidInput

    first = deploy_definition("window_review", {"review.bpmn": REVIEW})
    with pytest.raises(InvalidInput) as unknown:
        activate_version(first.pk + 100, centre["zhangsan"], "回退")
    assert unknown.value.field == "version"
    with pytest.raises(InvalidInput) as no_reason:
        activate_version(first.pk, centre["zhangsan"], "  ")
    assert no_reason.value.field == "reason"


def test_deploying_the_sources_of_an_older_version_makes_it_active_again_without_a_new_version(centre):
    first = deploy_definition("window_review", {"review.bpmn": REVIEW})
    deploy_definition("window_review", {"review.bpmn": REVIEW_2})
    again = deploy_definition("window_review", {"review.bpmn": REVIEW})
    assert again == first
    assert ProcessDefinition.objects.filter(key="window_review").count() == 2
    assert active_definition("window_review") == first
    row = AuditEvent.objects.filter(action="definition_activated").order_by("-id").first()
    assert row.after == {"version": 1, "reason": "重新部署与第 1 版相同的内容"}


def test_deploying_the_active_version_again_changes_nothing(centre):
    deploy_definition("window_review", {"review.bpmn": REVIEW})
    before = AuditEvent.objects.count()
    assert deploy_definition("window_review", {"review.bpmn": REVIEW}).version == 1
    assert AuditEvent.objects.count() == before


def test_rolling_back_hands_the_start_schedule_to_the_active_version(centre, clock):
    cycle = (ELEMENTS / "timers_start_cycle.bpmn").read_text(encoding="utf-8")
    first = deploy_definition("timers_start_cycle", {"s.bpmn": cycle})
    second = deploy_definition("timers_start_cycle", {"s.bpmn": cycle.replace('"R3/P1D"', '"R2/P1D"')})
    assert set(StartSchedule.objects.filter(active=True).values_list("definition", flat=True)) == {second.pk}
    activate_version(first.pk, None, "回到每日三次")
    assert set(StartSchedule.objects.filter(active=True).values_list("definition", flat=True)) == {first.pk}


# --- validate_sources: the modeler's check -----------------------------------------------------------------------


def test_validate_sources_lists_every_problem_with_file_and_element(centre):
    broken = REVIEW.replace('value="window_head"', 'value="no_such_role"').replace('value="approval"',
                                                                                   'value="aproval"')
    found = validate_sources("window_review", {"review.bpmn": broken})
    assert {(p.file, p.element_id) for p in found} == {("review.bpmn", "review_by_window_head")}
    assert len(found) == 2
    assert all(isinstance(p, Problem) and p.message for p in found)
    assert validate_sources("window_review", {"review.bpmn": REVIEW}) == []
    assert not ProcessDefinition.objects.exists()  # validating stores nothing


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ({"review.txt": REVIEW}, "文件“review.txt”的类型不受支持：只能上传 .bpmn 或 .dmn 文件"),
        ({"../review.bpmn": REVIEW}, "文件“../review.bpmn”的类型不受支持：只能上传 .bpmn 或 .dmn 文件"),
        ({"review.bpmn": REVIEW.encode("gbk")}, "文件“review.bpmn”须为 UTF-8 编码（偏移量 "),
        ({"route.dmn": "<definitions/>"}, "需要一个 .bpmn 文件"),
        ({"review.bpmn": REVIEW + " " * 2000}, "文件“review.bpmn”过大（"),
    ],
    ids=["extension", "path", "encoding", "no-bpmn", "oversize"],
)
def test_refused_input_is_named_by_file_and_never_parsed(centre, settings, sources, message):
    from workflows.runtime.errors import InvalidInput

    settings.GOVFLOW_DEFINITION_MAX_BYTES = len(REVIEW.encode("utf-8")) + 1000
    [problem] = validate_sources("window_review", sources)
    assert problem.message.startswith(message)
    assert (problem.file, problem.element_id) == ("" if "需要" in message else next(iter(sources)), "")
    with pytest.raises(InvalidInput) as info:
        deploy_definition("window_review", sources)
    assert info.value.field == "sources"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (REVIEW.replace('<?xml version="1.0" encoding="UTF-8"?>',
                        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'), "不允许 DTD 或实体声明"),
        ("这不是 XML", "XML 格式错误"),
        (REVIEW.replace("</spiffworkflow:properties>", "</spiffworkflow:properties><spiffworkflow:preScript>"
                        "x = ().__class__.__base__.__subclasses__()</spiffworkflow:preScript>", 1), "__class__"),
        (REVIEW.replace("</spiffworkflow:properties>", "</spiffworkflow:properties><spiffworkflow:preScript>"
                        "x = 10 ** 10 ** 10</spiffworkflow:preScript>", 1), "超出计算预算"),
    ],
    ids=["dtd-entities", "not-xml", "sandbox-escape", "costly-expression"],
)
def test_dangerous_sources_are_refused_with_a_clear_message(centre, text, message):
    found = validate_sources("window_review", {"review.bpmn": text})
    assert found and all(p.file == "review.bpmn" for p in found)
    assert any(message in p.message for p in found)
    if "preScript" in text:
        assert [p.element_id for p in found] == ["review_by_window_head"]
    with pytest.raises(DefinitionError):
        deploy_definition("window_review", {"review.bpmn": text})
    assert not ProcessDefinition.objects.exists()


# --- the DMN input rule with a real family's start data -------------------------------------------------------


def test_the_leave_route_reads_only_what_the_leave_family_declares_as_start_data(centre):
    bpmn = Path(__file__).resolve().parent.parent.parent / "bpmn"
    sources = {name: (bpmn / name).read_text(encoding="utf-8")
               for name in ("leave_approval.bpmn", "leave_route_shenxian.dmn")}
    vocabulary = deploy_vocabulary()
    assert "days" in vocabulary.start_variables["leave_approval"]
    assert load_bundle(sources, "leave_approval", vocabulary)
    without_days = dict(vocabulary.start_variables, leave_approval=vocabulary.start_variables["leave_approval"]
                        - {"days"})
    with pytest.raises(DefinitionError) as info:
        load_bundle(sources, "leave_approval", replace(vocabulary, start_variables=without_days))
    [problem] = info.value.problems
    assert problem.filename == "leave_approval.bpmn"
    assert "days" in problem.reason and "（leave_route_shenxian.dmn）" in problem.reason


def test_every_shipped_process_with_a_decision_has_its_start_data_declared(centre):
    """Otherwise the deploy check leaves that process's decision inputs unchecked (see the test below)."""
    from lxml import etree

    bpmn = Path(__file__).resolve().parent.parent.parent / "bpmn"
    with_decisions = {process.get("id") for path in bpmn.glob("*.bpmn")
                      for process in etree.parse(str(path)).iter("{*}process")
                      if next(process.iter("{*}businessRuleTask"), None) is not None}
    assert with_decisions == {"leave_approval", "complaint"}
    assert with_decisions <= set(deploy_vocabulary().start_variables)


def test_the_complaint_decision_reads_only_what_the_complaint_process_sets(centre):
    """The discipline family declares the complaint's start data, so its decision inputs are checked at deploy:
    they come from the rule task's preScript, and losing one of those assignments is refused."""
    bpmn = Path(__file__).resolve().parent.parent.parent / "bpmn"
    sources = {name: (bpmn / name).read_text(encoding="utf-8")
               for name in ("complaint.bpmn", "duty_rule_measures.dmn")}
    vocabulary = deploy_vocabulary()
    assert "complaint_id" in vocabulary.start_variables["complaint"]
    assert "case_id" in vocabulary.start_variables["sanction"]
    assert load_bundle(sources, "complaint", vocabulary)
    assignment = 'finding = investigation.get("finding") or ""\n'
    assert assignment in sources["complaint.bpmn"]
    broken = dict(sources, **{"complaint.bpmn": sources["complaint.bpmn"].replace(assignment, "", 1)})
    with pytest.raises(DefinitionError) as info:
        load_bundle(broken, "complaint", vocabulary)
    [problem] = info.value.problems
    assert (problem.filename, problem.element_id) == ("complaint.bpmn", "propose_measure")
    assert "（duty_rule_measures.dmn）的输入“查实情形 finding”读取的变量 finding" in problem.reason
    undeclared = dict(vocabulary.start_variables)
    del undeclared["complaint"]
    assert load_bundle(broken, "complaint", replace(vocabulary, start_variables=undeclared))  # why it is declared


def test_compare_marks_added_removed_and_changed_elements_and_ignores_layout():
    from workflows.runtime.definition_diff import element_changes

    newer = REVIEW.replace('name="窗口负责人审核"', 'name="窗口负责人复核"', 1)
    changes = element_changes({"review.bpmn": REVIEW}, {"review.bpmn": newer})
    assert (changes.added, changes.removed, changes.changed) == ((), (), ("review_by_window_head",))
    leave = (Path(__file__).resolve().parent.parent.parent / "bpmn" / "leave_approval.bpmn").read_text(encoding="utf-8")
    moved = leave.replace(' x="', ' x="1')
    assert moved != leave
    assert element_changes({"l.bpmn": leave}, {"l.bpmn": moved}).count == 0  # positions are no change
    renamed = element_changes({"review.bpmn": REVIEW}, {"review.bpmn": REVIEW.replace(
        "review_by_window_head", "review_by_head")})
    assert "review_by_head" in renamed.added and "review_by_window_head" in renamed.removed


def test_shipped_files_deployed_again_never_take_the_active_version_back(centre, tmp_path):
    """`make run` seeds again on every start: the shipped file, identical to v1, must not undo a published v2."""
    shipped = tmp_path / "review.bpmn"
    shipped.write_text(REVIEW, encoding="utf-8")
    first = deploy_from_files("window_review", [shipped])
    second = deploy_definition("window_review", {"review.bpmn": REVIEW.replace("窗口负责人审核", "窗口负责人复核")})
    assert deploy_from_files("window_review", [shipped]) == first
    assert active_definition("window_review") == second
