"""The investigation form's duty rules and finding codes are exactly those bpmn/duty_rule_measures.dmn matches on."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from workflows.discipline.duty_rules import DUTY_RULES, FINDINGS

DMN_FILE = Path(__file__).resolve().parents[2] / "bpmn" / "duty_rule_measures.dmn"
NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


def table_pairs() -> set[tuple[str, str]]:
    """(duty_rule, finding) of every row that names both; the catch-all row names neither."""
    pairs = set()
    for rule in etree.parse(str(DMN_FILE)).iterfind(".//dmn:rule", NS):
        duty_rule, finding, _ = (entry.findtext("dmn:text", namespaces=NS) for entry in
                                 rule.iterfind("dmn:inputEntry", NS))
        if duty_rule != "-":
            pairs.add((duty_rule.strip('"'), finding.strip('"')))
    return pairs


def test_every_finding_in_the_form_has_its_rows_and_every_row_its_finding():
    offered = {(duty_rule, code) for duty_rule, findings in FINDINGS.items() for code, _ in findings}
    assert offered == table_pairs()


def test_the_six_duty_rules_and_the_attendance_rules():
    assert DUTY_RULES == ("首问负责制", "服务承诺制", "AB岗工作制", "限时办结制", "否定报备制", "一次性告知制",
                          "考勤管理办法")
    assert all(len({code for code, _ in findings}) == len(findings) for findings in FINDINGS.values())
