"""The claims CSV when its database backend is killed while the file streams (PostgreSQL).

The CSV reads the claims through a server-side cursor. When the backend dies
mid-stream, reading and then closing that cursor fail (the close with the
driver's own error); the stream ends cleanly instead of raising, and the
broken connection is closed so the next request reconnects.
"""

import psycopg
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Claim, statement_fingerprint
from tests.concurrency import ConcurrentTestCase

CLAIMS = 2500  # more than one fetch of the cursor (chunk_size=2000)


def terminate(pid):
    """pg_terminate_backend(pid), from a connection of its own."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


class BackendKilledTests(ConcurrentTestCase):
    def test_the_stream_ends_cleanly_and_the_next_request_works(self):
        Claim.objects.bulk_create(
            Claim(statement=f"Claim {i}.", fingerprint=statement_fingerprint(f"Claim {i}."))
            for i in range(CLAIMS)
        )
        client = Client()
        client.force_login(self.factchecker)
        response = client.get(reverse("claim-list-csv"))
        self.assertEqual(response.status_code, 200)
        rows = iter(response.streaming_content)
        self.assertTrue(next(rows).startswith(b"id,statement"))
        next(rows)  # the first claim: the cursor is open on the server

        terminate(connection.connection.info.backend_pid)
        rest = list(rows)  # no error raised: the file ends early

        self.assertLess(len(rest), CLAIMS - 1)
        response.close()
        self.assertEqual(client.get(reverse("claim-list")).status_code, 200)
