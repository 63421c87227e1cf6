"""Schemathesis fuzzes every API operation from the OpenAPI schema, over real HTTP.

The live test server (pytest-django's live_server, a threaded WSGI server
running the whole Django stack) answers requests that schemathesis generates
from /api/schema/, sent with an API token of a superuser (every write path
open). Every answer must be no 5xx and must match the schema: documented
status code, content type and body. A handful of examples per operation keeps
the run well under two minutes per database.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from tests.factories import make_annotation, make_newsroom, make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_EXAMPLES = 8
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def test_every_operation_answers_as_its_schema_says(live_server):
    root = make_user("root", is_staff=True, is_superuser=True)
    headers = {"Authorization": f"Token {Token.objects.create(user=root).key}"}
    news = make_newsroom(reviewer=root)
    make_annotation(root, "A note.", claim=news.meeting)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", headers=headers)

    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
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
