"""Writes that lose to simultaneous ones (lib.concurrency, provenance.middleware).

A deadlock or serialization failure is retried once, the whole transaction of the
write; when the retry fails the same way, or an IntegrityError escapes a request,
the answer is a 409 "try again" (JSON under /api/), never the 503 of an outage.
The deadlocks here are real: two connections locking two claims in opposite orders.
"""

import json
import threading

from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.test import RequestFactory, TestCase

from claims.models import Claim, Tag
from lib.concurrency import TryAgain, is_transient, retry_once_on_conflict
from provenance.middleware import DatabaseUnavailableMiddleware, write_conflict
from tests.concurrency import BARRIER_TIMEOUT, ConcurrentTestCase
from tests.factories import make_claim


def detail(response):
    return json.loads(response.content)["detail"]


def answer(path, error):
    request = RequestFactory().post(path)
    return DatabaseUnavailableMiddleware(lambda request: None).process_exception(request, error)


class IntegrityErrorTests(TestCase):
    def integrity_error(self):
        Tag.objects.create(name="Dams", slug="dams")
        try:
            with transaction.atomic():
                Tag.objects.create(name="Dams", slug="dams-2")
        except IntegrityError as error:
            return error
        self.fail("no IntegrityError")

    def test_an_escaped_integrity_error_is_a_409_page(self):
        response = answer("/claims/new/", self.integrity_error())
        self.assertEqual(response.status_code, 409)
        self.assertIn("at the same moment", response.content.decode())
        self.assertIn("text/html", response["Content-Type"])

    def test_under_the_api_it_is_json(self):
        response = answer("/api/claims", self.integrity_error())
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("at the same moment", detail(response))

    def test_try_again_is_a_409_and_an_outage_stays_a_503(self):
        self.assertEqual(answer("/claims/new/", TryAgain()).status_code, 409)
        self.assertEqual(detail(answer("/api/claims", TryAgain())), str(TryAgain()))
        outage = OperationalError("connection to server at 127.0.0.1 failed")
        self.assertFalse(is_transient(outage))
        # Not a conflict: the 503 page answers it (tests/provenance/test_error_pages.py;
        # it closes the connection, so it is not called inside this test's transaction).
        self.assertIsNone(write_conflict(RequestFactory().post("/claims/new/"), outage))


class DeadlockTests(ConcurrentTestCase):
    """Two transactions lock claims a and b in opposite orders and meet: PostgreSQL
    aborts one (the victim, whose deadlock_timeout is shorter) with DeadlockDetected."""

    def setUp(self):
        super().setUp()
        self.a, self.b = make_claim("Claim a."), make_claim("Claim b.")

    def lock(self, claim):
        Claim.objects.select_for_update().get(pk=claim.pk)

    def partner(self, rounds):
        """Lock b then a, once per barrier in `rounds` (each its own transaction)."""
        try:
            for barrier in rounds:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL deadlock_timeout = '10s'")
                    self.lock(self.b)
                    barrier.wait()
                    self.lock(self.a)
        finally:
            connections.close_all()

    def deadlocking_write(self, rounds, attempts):
        """Lock a then b; deadlocks while a partner round waits at rounds[attempt]."""

        @retry_once_on_conflict
        def write():
            attempts.append(len(attempts) + 1)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '100ms'")
            self.lock(self.a)
            if len(attempts) <= len(rounds):
                rounds[len(attempts) - 1].wait()
            self.lock(self.b)
            Claim.objects.filter(pk=self.a.pk).update(explanation="written")
            return "done"

        return write

    def run_against(self, partner_rounds):
        rounds = [threading.Barrier(2, timeout=BARRIER_TIMEOUT) for _ in range(partner_rounds)]
        attempts = []
        thread = threading.Thread(target=self.partner, args=(rounds,))
        thread.start()
        try:
            return self.deadlocking_write(rounds, attempts)(), attempts
        except Exception as error:
            return error, attempts
        finally:
            thread.join(BARRIER_TIMEOUT)

    def test_a_deadlock_is_retried_once_and_the_write_succeeds(self):
        result, attempts = self.run_against(partner_rounds=1)
        self.assertEqual((result, attempts), ("done", [1, 2]))
        self.assertEqual(Claim.objects.get(pk=self.a.pk).explanation, "written")

    def test_a_second_deadlock_is_try_again_and_nothing_is_written(self):
        result, attempts = self.run_against(partner_rounds=2)
        self.assertIsInstance(result, TryAgain)
        self.assertEqual(attempts, [1, 2])
        self.assertTrue(is_transient(result.__cause__))  # DeadlockDetected, SQLSTATE 40P01
        self.assertNotEqual(Claim.objects.get(pk=self.a.pk).explanation, "written")
        response = answer("/api/claims", result)
        self.assertEqual((response.status_code, detail(response)), (409, str(result)))

    def test_a_deadlock_outside_a_retried_write_is_a_409_not_a_503(self):
        rounds = [threading.Barrier(2, timeout=BARRIER_TIMEOUT)]
        thread = threading.Thread(target=self.partner, args=(rounds,))
        thread.start()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL deadlock_timeout = '100ms'")
                self.lock(self.a)
                rounds[0].wait()
                self.lock(self.b)
        except OperationalError as error:
            deadlock = error
        else:
            self.fail("no deadlock")
        finally:
            thread.join(BARRIER_TIMEOUT)
        self.assertTrue(is_transient(deadlock))
        response = answer("/claims/1/merge/", deadlock)
        self.assertEqual(response.status_code, 409)
        self.assertIn("Try again", response.content.decode())
