"""The measures of the six duty rules (bpmn/duty_rule_measures.dmn) and the catalogue they cite.

Every row of the table is reached by an input of its own, evaluated through the engine's sandboxed
script engine (cells are Python, not FEEL). The expected outputs are restated here from the seed's
处理办法, not read back from the table.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.runtime import EngineEnvironment, GovScriptEngine, ProcessRunner
from engine.specs import load_bundle_from_files

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
DMN_FILE = BPMN_DIR / "duty_rule_measures.dmn"
CATALOGUE_FILE = BPMN_DIR / "violation_catalogue.json"
COMPLAINT_FILE = BPMN_DIR / "complaint.bpmn"
SEED_FILE = Path("/work/shared/seeds/003_e9f8c96bb2924817.txt")  # the source text, where it is checked out

ZJ, GJ = "诫勉教育", "效能告诫"
WIN, OFF = "window", "official"
SQ, CN, AB, XS, FD, YC = "首问负责制", "服务承诺制", "AB岗工作制", "限时办结制", "否定报备制", "一次性告知制"
DUTY_RULES = (SQ, CN, AB, XS, FD, YC)
KQ = "考勤管理办法"  # not one of the six duty rules: 旷工, decided by the same table
SOURCES = {  # the 处理办法 paragraph each rule's rows must cite
    SQ: "《尼勒克县行政服务中心首问责任制》五、处理办法",
    CN: "《尼勒克县行政服务中心服务承诺制》六、违反承诺处理办法",
    AB: "《尼勒克县行政服务中心AB岗工作制》五、处理办法",
    XS: "《尼勒克县行政服务中心限时办结制》五、处理办法",
    FD: "《尼勒克县行政服务中心否定报备制》七、处理办法",
    YC: "《尼勒克县行政服务中心一次性告知制》五、处理办法",
    KQ: "《尼勒克县行政服务中心窗口工作人员考勤管理办法》三",
}

# (row id, duty_rule, finding, occurrence that reaches it, measure, measure_target, measure_rule_code)
ROWS: list[tuple[str, str, str, int, str, str, str]] = [
    # 首问责任制 五: 1 未实行 (原文对「该窗口工作人员」) 首次诫勉、拒不改正告诫;
    # 2 未告知姓名职务电话 诫勉, 未听取登记 告诫;
    # 3 职责内未及时处理 告诫, 未一次性解释 诫勉, 非职责未指引 诫勉, 不文明用语 诫勉
    ("first_inquiry_not_implemented_first", SQ, "not_implemented", 1, ZJ, OFF, ""),
    ("first_inquiry_not_implemented_repeat", SQ, "not_implemented", 2, GJ, OFF, "6.3"),
    ("first_inquiry_no_self_introduction", SQ, "no_self_introduction", 1, ZJ, OFF, ""),
    ("first_inquiry_no_record", SQ, "no_record", 1, GJ, OFF, "6.3"),
    ("first_inquiry_not_handled_promptly", SQ, "not_handled_promptly", 1, GJ, OFF, "6.3"),
    ("first_inquiry_no_one_time_explanation", SQ, "no_one_time_explanation", 1, ZJ, OFF, "5.3"),
    ("first_inquiry_no_referral", SQ, "no_referral", 1, ZJ, OFF, ""),
    ("first_inquiry_uncivil_reply", SQ, "uncivil_reply", 1, ZJ, OFF, "5.8"),
    # 服务承诺制 六: 1 未实行; 2 超承诺时限（窗口 / 工作人员）一次诫勉两次告诫;
    # 3 着装挂牌语言 一次诫勉二次告诫, 态度蛮横 告诫; 4 八公开 未公开, 乱收费（窗口 / 个人）,
    # 吃拿卡要 轻微: 个人告诫 + 窗口诫勉, 严重或屡教不改: 移交
    ("service_pledge_not_implemented_first", CN, "not_implemented", 1, ZJ, WIN, ""),
    ("service_pledge_not_implemented_repeat", CN, "not_implemented", 2, GJ, WIN, ""),
    ("service_pledge_over_time_limit_first", CN, "over_time_limit", 1, ZJ, WIN, ""),
    ("service_pledge_over_time_limit_repeat", CN, "over_time_limit", 2, GJ, WIN, ""),
    ("service_pledge_over_time_limit_by_staff_first", CN, "over_time_limit_by_staff", 1, ZJ, OFF, "5.6"),
    ("service_pledge_over_time_limit_by_staff_repeat", CN, "over_time_limit_by_staff", 2, GJ, OFF, ""),
    ("service_pledge_dress_badge_language_first", CN, "dress_badge_language", 1, ZJ, OFF, "5.1"),
    ("service_pledge_dress_badge_language_repeat", CN, "dress_badge_language", 2, GJ, OFF, ""),
    ("service_pledge_rude_service", CN, "rude_service", 1, GJ, OFF, "6.9"),
    ("service_pledge_not_disclosed_first", CN, "not_disclosed", 1, ZJ, WIN, ""),
    ("service_pledge_not_disclosed_repeat", CN, "not_disclosed", 2, GJ, WIN, ""),
    ("service_pledge_unlawful_charge", CN, "unlawful_charge", 1, GJ, WIN, ""),
    ("service_pledge_unlawful_charge_by_staff", CN, "unlawful_charge_by_staff", 1, GJ, OFF, ""),
    ("service_pledge_petty_corruption_first", CN, "petty_corruption", 1, GJ, OFF, "6.12"),
    ("service_pledge_petty_corruption_window", CN, "petty_corruption_window", 1, ZJ, WIN, ""),
    ("service_pledge_petty_corruption_repeat", CN, "petty_corruption", 2, "", "", ""),
    ("service_pledge_serious_corruption", CN, "serious_corruption", 1, "", "", ""),
    # AB岗工作制 五: 1 未实行; 2 顶岗人员未履职 诫勉, 造成严重后果 告诫
    ("ab_post_not_implemented_first", AB, "not_implemented", 1, ZJ, WIN, "5.4"),
    ("ab_post_not_implemented_repeat", AB, "not_implemented", 2, GJ, WIN, "6.3"),
    ("ab_post_substitute_neglect", AB, "substitute_neglect", 1, ZJ, OFF, ""),
    ("ab_post_substitute_neglect_serious", AB, "substitute_neglect_serious", 1, GJ, OFF, "6.3"),
    # 限时办结制 五: 1 未实行; 2 窗口超时限 一次诫勉两次告诫; 3 未出具收件回执单 告诫经办人; 4 领导交办逾期 视情节;
    # 5 紧急事件未急办 告诫窗口
    ("time_limit_not_implemented_first", XS, "not_implemented", 1, ZJ, WIN, ""),
    ("time_limit_not_implemented_repeat", XS, "not_implemented", 2, GJ, WIN, "6.3"),
    ("time_limit_over_time_limit_first", XS, "over_time_limit", 1, ZJ, WIN, ""),
    ("time_limit_over_time_limit_repeat", XS, "over_time_limit", 2, GJ, WIN, "6.3"),
    ("time_limit_no_receipt_slip", XS, "no_receipt_slip", 1, GJ, OFF, "6.3"),
    ("time_limit_assigned_work_overdue", XS, "assigned_work_overdue", 1, ZJ, OFF, ""),
    ("time_limit_assigned_work_overdue_serious", XS, "assigned_work_overdue_serious", 1, GJ, OFF, "6.16"),
    ("time_limit_emergency_delayed", XS, "emergency_delayed", 1, GJ, WIN, "6.3"),
    # 否定报备制 七: 1 未实行; 2 未登记备案 诫勉; 3 越权否定 告诫; 4 未填登记表 告诫; 5 逾期 / 未书面告知 告诫;
    # 6 未退还材料 诫勉
    ("denial_filing_not_implemented_first", FD, "not_implemented", 1, ZJ, WIN, ""),
    ("denial_filing_not_implemented_repeat", FD, "not_implemented", 2, GJ, WIN, "6.3"),
    ("denial_filing_denial_not_registered", FD, "denial_not_registered", 1, ZJ, OFF, ""),
    ("denial_filing_denial_beyond_authority", FD, "denial_beyond_authority", 1, GJ, OFF, "6.3"),
    ("denial_filing_denial_form_missing", FD, "denial_form_missing", 1, GJ, OFF, "6.3"),
    ("denial_filing_denial_overdue", FD, "denial_overdue", 1, GJ, OFF, "6.3"),
    ("denial_filing_denial_not_in_writing", FD, "denial_not_in_writing", 1, GJ, OFF, "6.3"),
    ("denial_filing_materials_not_returned", FD, "materials_not_returned", 1, ZJ, OFF, ""),
    # 一次性告知制 五: 1 未实行; 2 未开具受理单/不予受理告知书 告诫; 3 未书面告知 告诫; 4 未告知解答 诫勉
    ("one_time_notice_not_implemented_first", YC, "not_implemented", 1, ZJ, WIN, "5.3"),
    ("one_time_notice_not_implemented_repeat", YC, "not_implemented", 2, GJ, WIN, "6.3"),
    ("one_time_notice_no_acceptance_slip", YC, "no_acceptance_slip", 1, GJ, OFF, "6.3"),
    ("one_time_notice_not_in_writing", YC, "not_in_writing", 1, GJ, OFF, "6.3"),
    ("one_time_notice_no_guidance", YC, "no_guidance", 1, ZJ, OFF, "5.3"),
    # 考勤管理办法 三 按旷工处理; 实施细则 第六条(十八) 旷工一次(半天) 效能告诫, each time
    ("attendance_absence", KQ, "absence", 1, GJ, OFF, "6.18"),
]
CATCH_ALL = "no_matching_clause"
NO_MEASURE = {"measure": "", "measure_target": "", "measure_rule_code": ""}

NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


@pytest.fixture(scope="module")
def dmn_engine():
    bundle = load_bundle_from_files([COMPLAINT_FILE, DMN_FILE])  # XSD and sandbox checks of every cell
    return bundle.spec.task_specs["propose_measure"].dmnEngine


@pytest.fixture(scope="module")
def script_engine() -> GovScriptEngine:
    return GovScriptEngine(EngineEnvironment(FrozenClock(datetime(2026, 3, 2, 9, tzinfo=CENTRE_TZ)), WorkingCalendar()))


def decide(dmn_engine, script_engine, duty_rule: str, finding: str, occurrence: int) -> tuple[str, dict[str, Any]]:
    """(id of the first matching row, outputs) as the business rule task sees them."""
    task = SimpleNamespace(data={"duty_rule": duty_rule, "finding": finding, "occurrence": occurrence},
                           workflow=SimpleNamespace(script_engine=script_engine))
    rules = dmn_engine.decide(task)
    return rules[0].id, dict(dmn_engine.result(task))


def outputs(measure: str, target: str, code: str) -> dict[str, str]:
    return {"measure": measure, "measure_target": target, "measure_rule_code": code}


@pytest.mark.parametrize(("row_id", "duty_rule", "finding", "occurrence", "measure", "target", "code"), ROWS,
                         ids=[r[0] for r in ROWS])
def test_every_row_is_reached_by_its_own_input(dmn_engine, script_engine, row_id, duty_rule, finding, occurrence,
                                               measure, target, code):
    assert decide(dmn_engine, script_engine, duty_rule, finding, occurrence) == (row_id, outputs(measure, target, code))


def test_the_table_has_exactly_the_tested_rows_then_the_catch_all(dmn_engine):
    assert [rule.id for rule in dmn_engine.decision_table.rules] == [r[0] for r in ROWS] + [CATCH_ALL]


ESCALATING = sorted({(r[1], r[2]) for r in ROWS if r[0].endswith("_repeat")})


@pytest.mark.parametrize(("duty_rule", "finding"), ESCALATING, ids=[f"{d}-{f}" for d, f in ESCALATING])
def test_repeat_findings_escalate(dmn_engine, script_engine, duty_rule, finding):
    first = [r for r in ROWS if (r[1], r[2], r[3]) == (duty_rule, finding, 1)][0]
    repeat = [r for r in ROWS if (r[1], r[2], r[3]) == (duty_rule, finding, 2)][0]
    for occurrence, row in ((0, first), (1, first), (2, repeat), (3, repeat), (7, repeat)):
        assert decide(dmn_engine, script_engine, duty_rule, finding, occurrence)[0] == row[0]
    if first[4] == ZJ:  # the usual ladder: 诫勉教育 first, 效能告诫 when it happens again
        assert repeat[4] in (GJ, "")


def test_every_absence_is_a_warning_of_the_official(dmn_engine, script_engine):
    """第六条(十八) 旷工一次(半天)的: no first-time 诫勉 step, each absence is one 效能告诫."""
    for occurrence in (1, 2, 5):
        assert decide(dmn_engine, script_engine, KQ, "absence", occurrence) == (
            "attendance_absence", outputs(GJ, OFF, "6.18"))


def test_contract_examples(dmn_engine, script_engine):
    """The examples the contract gives (docs/discipline-contract.md)."""
    assert decide(dmn_engine, script_engine, CN, "over_time_limit", 1)[1] == outputs(ZJ, WIN, "")
    assert decide(dmn_engine, script_engine, CN, "over_time_limit", 2)[1] == outputs(GJ, WIN, "")
    assert decide(dmn_engine, script_engine, XS, "no_receipt_slip", 1)[1] == outputs(GJ, OFF, "6.3")
    assert decide(dmn_engine, script_engine, YC, "no_acceptance_slip", 1)[1] == outputs(GJ, OFF, "6.3")


@pytest.mark.parametrize(("duty_rule", "finding", "occurrence"), [
    ("", "", 1),  # none of the six duty rules
    ("", "not_implemented", 1),
    (SQ, "", 1),
    (SQ, "no_such_finding", 2),
    ("首问责任制", "not_implemented", 1),  # the seed's title, not the contract's name
    (CN, "no_receipt_slip", 1),  # a finding of another rule
    (XS, "rude_service", 1),
])
def test_anything_else_falls_to_the_catch_all(dmn_engine, script_engine, duty_rule, finding, occurrence):
    assert decide(dmn_engine, script_engine, duty_rule, finding, occurrence) == (CATCH_ALL, NO_MEASURE)


def test_every_rule_has_the_item_for_not_implementing_it():
    for duty_rule in DUTY_RULES:
        finding = "not_disclosed" if duty_rule == CN else "not_implemented"
        assert {r[3] for r in ROWS if (r[1], r[2]) == (duty_rule, "not_implemented")} == {1, 2}
        assert {r[3] for r in ROWS if (r[1], r[2]) == (duty_rule, finding)} == {1, 2}


# --- the file itself --------------------------------------------------------------------------------

def test_table_shape_and_documentation():
    root = etree.parse(str(DMN_FILE)).getroot()
    [decision] = root.findall("dmn:decision", NS)
    assert decision.get("id") == "duty_rule_measure"
    description = decision.findtext("dmn:description", namespaces=NS)
    assert "来源" in description and "第五条" in description and "第六条" in description
    table = decision.find("dmn:decisionTable", NS)
    assert table.get("hitPolicy") == "FIRST"
    assert [i.findtext("dmn:inputExpression/dmn:text", namespaces=NS) for i in table.findall("dmn:input", NS)] == [
        "duty_rule", "finding", "occurrence"]
    assert [o.get("name") for o in table.findall("dmn:output", NS)] == [
        "measure", "measure_target", "measure_rule_code"]

    rules = table.findall("dmn:rule", NS)
    for rule in rules[:-1]:
        duty_rule_cell, finding_cell, _occurrence = (
            e.findtext("dmn:text", namespaces=NS) for e in rule.findall("dmn:inputEntry", NS))
        duty_rule = json.loads(duty_rule_cell)
        assert duty_rule in (*DUTY_RULES, KQ), rule.get("id")
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", json.loads(finding_cell)), rule.get("id")
        text = rule.findtext("dmn:description", namespaces=NS)
        assert SOURCES[duty_rule] in text and "「" in text, rule.get("id")  # cites the paragraph and quotes it
    last = rules[-1]
    assert [e.findtext("dmn:text", namespaces=NS) for e in last.findall("dmn:inputEntry", NS)] == ["-"] * 3
    assert [e.findtext("dmn:text", namespaces=NS) for e in last.findall("dmn:outputEntry", NS)] == ['""'] * 3


# --- the catalogue of 第五条 / 第六条 ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalogue() -> list[dict[str, Any]]:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def test_catalogue_has_21_items_of_article_5_and_19_of_article_6(catalogue):
    assert [(i["article"], i["item"]) for i in catalogue] == (
        [(5, n) for n in range(1, 22)] + [(6, n) for n in range(1, 20)])
    codes = [i["code"] for i in catalogue]
    assert len(set(codes)) == len(codes) == 40
    for item in catalogue:
        assert set(item) == {"code", "article", "item", "measure", "text"}
        assert item["code"] == f"{item['article']}.{item['item']}"
        assert item["measure"] == (ZJ if item["article"] == 5 else GJ)
        assert item["text"] and not re.match(r"^[(（]", item["text"]) and item["text"][-1] not in ";；。"


def test_catalogue_spot_checks(catalogue):
    text = {i["code"]: i["text"] for i in catalogue}
    assert text["5.1"] == "未按规定着装、佩证上岗、摆放桌牌,指出不改的"
    assert text["5.5"] == "对符合规定、手续齐全但不能及时办理的事项未出具受理通知单的"
    assert text["5.21"] == "其他需给予诫勉教育的"
    assert text["6.3"] == "违反首问负责制、一次性告知制、限时办结制、否定报备制、同岗(AB岗)替代制等规定,造成不良后果的"
    assert text["6.13"] == "一年内累计被诫勉教育达二次的"
    assert text["6.19"] == "其他需给予效能告诫的"


@pytest.mark.skipif(not SEED_FILE.exists(), reason="seed text not checked out here")
def test_catalogue_is_copied_from_the_seed(catalogue):
    seed = SEED_FILE.read_text(encoding="utf-8")
    article_5 = seed[seed.index("第五条各窗口工作人员有下列情形之一"):seed.index("第六条各各窗口工作人员")]
    article_6 = seed[seed.index("第六条各各窗口工作人员"):seed.index("第七条宣布")]
    units = ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
    numerals = [*units, "十", *(f"十{u}" for u in units), "二十", "二十一"]
    for item in catalogue:
        body = article_5 if item["article"] == 5 else article_6
        assert f"({numerals[item['item'] - 1]}){item['text']}" in body, item["code"]


def test_rule_codes_of_the_table_are_in_the_catalogue_and_fit_the_measure(catalogue):
    measure_of = {i["code"]: i["measure"] for i in catalogue}
    used = {r[6] for r in ROWS if r[6]}
    assert used <= set(measure_of)
    for row_id, _rule, _finding, _occurrence, measure, _target, code in ROWS:
        if code:  # 5.x backs a 诫勉教育, 6.x an 效能告诫
            assert measure_of[code] == measure, row_id


def test_rule_codes_in_the_file_are_in_the_catalogue(catalogue):
    """Read from the DMN itself, so a row added later cannot cite a code that does not exist."""
    codes = {i["code"] for i in catalogue}
    root = etree.parse(str(DMN_FILE)).getroot()
    cells = [json.loads(e.findtext("dmn:text", namespaces=NS))
             for e in root.iterfind(".//dmn:outputEntry", NS) if e.get("id").endswith("_rule_code")]
    assert len(cells) == len(ROWS) + 1
    assert {c for c in cells if c} <= codes


# --- through the complaint process ----------------------------------------------------------------------

def test_every_row_through_the_complaint_process(frozen_clock, service_recorder):
    """The business rule task reads its inputs out of the investigation (preScript) and keeps the outputs."""
    bundle = load_bundle_from_files([COMPLAINT_FILE, DMN_FILE])
    env = EngineEnvironment(frozen_clock, WorkingCalendar(), service_recorder.handlers(
        "discipline.open_case_from_complaint", "discipline.record_complaint_reply"))
    runner = ProcessRunner(bundle, env)
    for row_id, duty_rule, finding, occurrence, measure, target, code in ROWS:
        workflow = runner.start({"complaint_id": 1, "complaint_number": "TS-1", "source": "public", "summary": "",
                                 "target_kind": target or "official", "target_window_id": 101,
                                 "target_official_id": 12})
        [task] = runner.ready_human_tasks(workflow)
        runner.complete(workflow, task.id, {
            "founded": True, "findings": "查实", "duty_rule": duty_rule, "finding": finding, "occurrence": occurrence,
            "rule_code": "5.21", "proposed_measure": ZJ, "target_kind": target or "official",
        }, actor_id=33, candidates=[33])
        seen = service_recorder.contexts[-1]
        assert service_recorder.names()[-1] == "discipline.open_case_from_complaint"
        assert {k: seen[k] for k in NO_MEASURE} == outputs(measure, target, code), row_id
