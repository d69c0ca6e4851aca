"""End events that throw a signal, which SpiffWorkflow 3.2's end-event parser silently drops.

BPMN lets an end event throw a signal (“补正完毕并通知”). SpiffWorkflow's parser reads only message, cancel, error,
escalation and terminate definitions on an end event, so a signal end event deployed as a plain end and the
branch waiting for the signal waited forever. Its end event spec already throws whatever definition it carries;
only the parser needs to read the signal too.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import (
    CANCEL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TERMINATION_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.spiff.parser.event_parsers import SpiffEndEventParser

_THROWN = [MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, CANCEL_EVENT_XPATH, ERROR_EVENT_XPATH, ESCALATION_EVENT_XPATH,
           TERMINATION_EVENT_XPATH]


class SignallingEndEventParser(SpiffEndEventParser):
    """SpiffWorkflow's end event, also when it throws a signal."""

    def create_task(self):
        task = self._create_task(self.get_event_definition(_THROWN))
        task.connect(self.spec.end)
        return task


PARSER_OVERRIDES = {full_tag("endEvent"): (SignallingEndEventParser, EndEvent)}
