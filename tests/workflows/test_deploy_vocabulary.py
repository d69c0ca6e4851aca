"""Deploy refuses names this installation does not know: form keys, service operators, roles of the org chart."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import DefinitionError
from workflows.org.models import Role
from workflows.runtime.registry import registered_form_keys
from workflows.runtime.services.definitions import deploy_definition, deploy_vocabulary

FIXTURES = Path(__file__).parent / "fixtures"
REVIEW = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8")
BPMN_DIR = Path(__file__).resolve().parent.parent.parent / "bpmn"


def test_the_vocabulary_knows_the_registered_forms_services_and_the_roles_table(db):
    vocabulary = deploy_vocabulary()
    assert {"approval", "confirm_substitute", "investigation", "appeal"} <= vocabulary.forms == registered_form_keys()
    assert "discipline.record_complaint_reply" in vocabulary.services
    assert {"window_head", "centre_director", "applicant"} <= vocabulary.roles


SHIPPED = [
    ("complaint", ["complaint.bpmn", "duty_rule_measures.dmn"]),
    ("sanction", ["sanction.bpmn"]),
    *[("leave_approval", ["leave_approval.bpmn", f"leave_route_{rules}.dmn"])
      for rules in ("shenxian", "nileke", "window_rules")],
]


@pytest.mark.parametrize(("key", "files"), SHIPPED, ids=[files[-1] for _key, files in SHIPPED])
def test_every_shipped_definition_deploys_against_the_vocabulary(db, key, files):
    definition = deploy_definition(key, {name: (BPMN_DIR / name).read_text(encoding="utf-8") for name in files})
    assert (definition.key, definition.version) == (key, 1)


def test_an_unknown_form_key_is_refused_naming_the_task(db):
    with pytest.raises(DefinitionError) as info:
        deploy_definition("window_review", {"review.bpmn": REVIEW.replace('value="approval"', 'value="aproval"')})
    assert (info.value.filename, info.value.element_id) == ("review.bpmn", "review_by_window_head")
    assert "aproval" in info.value.reason


def test_a_role_missing_from_the_roles_table_is_refused(db):
    Role.objects.filter(code="window_head").delete()
    with pytest.raises(DefinitionError) as info:
        deploy_definition("window_review", {"review.bpmn": REVIEW})
    assert info.value.element_id == "review_by_window_head"
    assert "window_head" in info.value.reason
