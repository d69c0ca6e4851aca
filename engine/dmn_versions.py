"""DMN 1.1, 1.2 and 1.3 files checked against their own schema before SpiffWorkflow parses them.

SpiffWorkflow validates DMN by the file's namespace, but the DMN 1.2 schema it ships imports its DMNDI
(diagram) part from a file that declares another namespace, so building that schema fails with an lxml
error on every DMN 1.2 file. Here DMN 1.2 is checked against SpiffWorkflow's DMN12.xsd without the
diagram part, and the file's `dmndi:DMNDI` (shapes and edges only, nothing the engine runs) is left out
of what is checked. A namespace that is no DMN version SpiffWorkflow's parser handles is refused by name.
"""

from __future__ import annotations

import copy
import os
from functools import cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import XSD_DIR, BpmnDmnParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine import end_events, signers

XSD = "http://www.w3.org/2001/XMLSchema"
DMN_1_2 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN_1_2_DI = "http://www.omg.org/spec/DMN/20180521/DMNDI/"
VERSIONS = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    DMN_1_2: "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
}
_SCHEMA_FILES = {"1.1": "DMN.xsd", "1.2": "DMN12.xsd", "1.3": "DMN13.xsd"}


def new_parser() -> SpiffBpmnParser:
    """SpiffWorkflow's parser with BPMN schema validation, signal end events (engine.end_events), signing
    multi-instance steps (engine.signers), and DMN validation
    left to `add_dmn`."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.OVERRIDE_PARSER_CLASSES = {**parser.OVERRIDE_PARSER_CLASSES, **end_events.PARSER_OVERRIDES,
                                    **signers.PARSER_OVERRIDES}
    parser.dmn_schemas = {}  # its DMN 1.2 schema cannot be built; add_dmn validates every version instead
    return parser


def add_dmn(parser: BpmnDmnParser, filename: str, root: etree._Element) -> None:
    """Validate a DMN file and parse its decision now, so a broken table is refused by its own file and element.

    SpiffWorkflow parses a decision only when a business rule task asks for it, and would report its faults
    against the BPMN file; anything the parser raises (a KeyError on a missing attribute, an IndexError on a
    decision without a table) becomes a ValidationException naming this file and its decision.
    """
    validate_dmn(filename, root)
    decisions = root.findall(f"{{{etree.QName(root).namespace}}}decision")
    element = decisions[0] if decisions else root
    if len(decisions) > 1:  # SpiffWorkflow runs one decision table per file and has no decision graph (DRG)
        raise ValidationException("一个 DMN 文件只能有一个决策", node=decisions[1], file_name=filename)
    if root.prefix not in (None, "dmn"):  # SpiffWorkflow finds DMN elements by the prefix `dmn` or the default
        parser.namespaces = {**parser.namespaces, "dmn": etree.QName(root).namespace}
    try:
        parser.add_dmn_xml(root, filename=filename)
        dmn_parser = parser.dmn_parsers[element.get("id")]
        dmn_parser.parse()
        if not dmn_parser.decision.decisionTables:
            raise ValidationException("决策须为决策表（decisionTable）", node=element, file_name=filename)
    except ValidationException:
        raise
    except Exception as exc:  # the parser's own faults, whatever their type: never out of a deploy raw
        reason = f"DMN 解析失败：{type(exc).__name__}: {exc}"
        raise ValidationException(reason, node=element, file_name=filename) from exc


def validate_dmn(filename: str, root: etree._Element) -> None:
    """Raise ValidationException (file, line) unless `root` is a valid DMN 1.1, 1.2 or 1.3 document."""
    namespace = etree.QName(root).namespace
    version = VERSIONS.get(namespace or "")
    if version is None or etree.QName(root).localname != "definitions":
        raise ValidationException(
            f"不是可部署的 DMN 文件：根元素须为 DMN 1.1、1.2 或 1.3 的 definitions（命名空间 {namespace or '无'}）",
            file_name=filename, line_number=root.sourceline,
        )
    schema = _schema(version)
    checked = root
    if version == "1.2":
        checked = copy.deepcopy(root)
        for diagram in checked.findall(f"{{{DMN_1_2_DI}}}DMNDI"):
            checked.remove(diagram)
    if not schema.validate(checked):
        error = schema.error_log.last_error
        raise ValidationException(error.message, file_name=filename, line_number=error.line)


@cache
def _schema(version: str) -> etree.XMLSchema:
    tree = etree.parse(os.path.join(XSD_DIR, _SCHEMA_FILES[version]))
    if version == "1.2":
        for node in list(tree.getroot().iter(f"{{{XSD}}}import", f"{{{XSD}}}element")):
            if node.get("namespace") == DMN_1_2_DI or node.get("ref") == "dmndi:DMNDI":
                node.getparent().remove(node)
    return etree.XMLSchema(tree)
