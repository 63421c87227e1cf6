"""Helpers for tests of simultaneous writes: the same request from several threads at once.

Each thread has its own database connection (Django's connections are per thread),
so on PostgreSQL the requests really overlap: they meet at row locks and unique
indexes. The tests using this are TransactionTestCases (the threads see only
committed rows) and run on PostgreSQL only.
"""

import threading

from django.db import connection, connections
from django.test import TransactionTestCase, skipUnlessDBFeature
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.roles import ADMIN, EDITOR, FACT_CHECKER
from tests.factories import make_user

BARRIER_TIMEOUT = 30


def at_once(n, task):
    """Run task(i) for i in range(n) in n threads released together: [result or exception]."""
    barrier = threading.Barrier(n, timeout=BARRIER_TIMEOUT)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = task(i)
        except Exception as error:  # reported to the test, which asserts on it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BARRIER_TIMEOUT * 4)
    return results


@skipUnlessDBFeature("has_select_for_update")
class ConcurrentTestCase(TransactionTestCase):
    """Committed data, the cast of tests/base.py with API tokens; PostgreSQL only."""

    # Restore the migrations' data (the role groups) after each test's flush.
    serialized_rollback = True

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("simultaneous writes meet at row locks on PostgreSQL only")
        self.factchecker = make_user("fiona", FACT_CHECKER, is_staff=True)
        self.editor = make_user("eddie", EDITOR, is_staff=True)
        self.admin = make_user("ada", ADMIN, is_staff=True)
        self.tokens = {
            user.username: Token.objects.create(user=user).key
            for user in (self.factchecker, self.editor, self.admin)
        }

    def api(self, user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[user.username]}")
        return client

    def assertNoServerErrors(self, results):
        errors = [r for r in results if isinstance(r, Exception)]
        self.assertEqual(errors, [], "a thread raised")
        statuses = [r.status_code for r in results]
        self.assertFalse([s for s in statuses if s >= 500], f"server errors in {statuses}")
        return statuses
