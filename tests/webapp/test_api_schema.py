"""The API answers as its OpenAPI schema says: a bounded, deterministic schemathesis run against the app in-process.

Every operation gets a few generated requests (valid and invalid bodies, ids and query strings) as the centre
office's 赵办公 (who may see and deploy everything), over HTTP Basic so writes need no CSRF token, on the demo
centre with a filed leave, a delivered 诫勉 case and the demo service items. No answer may be a 500, and every
answer must have a status code, content type and body the schema declares.
"""

from __future__ import annotations

import base64
import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from workflows.applications.demo import seed_demo_catalogue
from workflows.org.demo import DEMO_PASSWORD

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BASIC = "Basic " + base64.b64encode(f"zhaobgs:{DEMO_PASSWORD}".encode()).decode()


@pytest.fixture
def api_schema(delivered_case, file_leave, settings):
    """The schema as /api/schema/ serves it, run against the WSGI app; uploads go to the temp media root."""
    file_leave()
    seed_demo_catalogue()
    settings.DEBUG = False
    raw = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    # As django.test.Client does: a finished request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# A deeper run by hand: GOVFLOW_SCHEMA_EXAMPLES=200 .venv/bin/pytest tests/webapp/test_api_schema.py
EXAMPLES = int(os.environ.get("GOVFLOW_SCHEMA_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def _failures(operation, mode: GenerationMode) -> str | None:
    """The first failing request of `operation` with data generated in `mode`, or None."""

    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers={"Authorization": BASIC}, checks=CHECKS)

    try:
        run()
    except (AssertionError, FailureGroup) as failure:  # report every operation's failure, not just the first
        return f"{operation.label} ({mode}): {failure}"
    return None


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_matches_the_schema(api_schema, mode):
    """Positive: requests the schema allows; negative: requests it forbids (they must get a declared 4xx)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 15
    failures = [f for f in (_failures(operation, mode) for operation in operations) if f]
    assert not failures, "\n\n".join(failures)
