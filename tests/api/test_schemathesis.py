"""Schemathesis fuzzes every API operation from the OpenAPI schema, over real HTTP.

The live test server (pytest-django's live_server, a threaded WSGI server
running the whole Django stack) answers requests that schemathesis generates
from /api/schema/, sent with an API token of a superuser (every write path
open). Every answer must be no 5xx and must match the schema: documented
status code, content type and body.

Two runs: each operation on its own, and the stateful phase, sequences of
operations chained by the links schemathesis infers from the schema (a POST's
`id` fed to the GET, PATCH and DELETE of that object, a claim's id to its
exports). A handful of examples each keeps the pair well under two minutes
per database; `st run` against a server does the long run (README, API).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from tests.factories import make_annotation, make_newsroom, make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_EXAMPLES = 20
STATEFUL_EXAMPLES = 25
STATEFUL_STEPS = 8
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
SETTINGS = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": list(HealthCheck),
}


@pytest.fixture
def api(live_server):
    """(schema, headers) for the live server, with a newsroom's data and a superuser."""
    root = make_user("root", is_staff=True, is_superuser=True)
    headers = {"Authorization": f"Token {Token.objects.create(user=root).key}"}
    news = make_newsroom(reviewer=root)
    make_annotation(root, "A note.", claim=news.meeting)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", headers=headers)
    return schema, headers


def test_every_operation_answers_as_its_schema_says(api, live_server):
    schema, headers = api
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=MAX_EXAMPLES, **SETTINGS)
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(base_url=live_server.url, headers=headers, timeout=30)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # collect all, report all
            failures.append(f"{operation.label}: {error}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)


def test_operations_in_sequence_answer_as_the_schema_says(api, live_server):
    schema, headers = api
    machine = schema.as_state_machine()
    # Transitions (links between operations): without them there is nothing to run.
    rules = [
        name for name, rule in vars(machine).items() if hasattr(rule, "hypothesis_stateful_rule")
    ]
    assert len(rules) >= 100, rules

    calls, failures = [], []

    class Workflow(machine):
        def after_call(self, response, case):
            calls.append(case.operation.label)

        def get_call_kwargs(self, case):
            return {"base_url": live_server.url, "headers": headers, "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Collected, not raised: a failing sequence cannot be replayed against a
            # database the earlier sequences have changed (Hypothesis calls that flaky).
            try:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{case.operation.label}: {error}")

    # One scenario per run, each generated afresh: a second scenario in one run would
    # replay choices against a database the first one changed, which Hypothesis reports
    # as flaky data generation.
    for _ in range(STATEFUL_EXAMPLES):
        Workflow.run(
            settings=settings(
                max_examples=1,
                stateful_step_count=STATEFUL_STEPS,
                phases=[Phase.generate],
                **{**SETTINGS, "derandomize": False},
            )
        )
    # Each scenario runs at least two steps; most run more.
    assert len(calls) >= 2 * STATEFUL_EXAMPLES, calls
    assert not failures, "\n\n".join(failures)
