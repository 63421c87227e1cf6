"""Request bodies no write of the API may answer with a 500: deep nesting, NUL characters.

The parser (api.parsers, REST_FRAMEWORK's DEFAULT_PARSER_CLASSES) answers
both with a 400 and a message before any view runs, for every write operation
the schema lists. Run on PostgreSQL too (DATABASE_URL): a NUL that reached a
query there would be a 500.
"""

import json
import re

from drf_spectacular.generators import SchemaGenerator

from claims.models import Annotation
from sources.models import Outlet
from tests.api.base import APITestCase
from tests.factories import make_annotation, make_attribution, make_newsroom, make_owner_group

DEEP_LIST = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a": ' * 1000 + "1" + "}" * 1000
WRITE_METHODS = ("post", "put", "patch")


class HostileBodyTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom()
        attribution = make_attribution(cls.news.meeting, cls.news.wire_story)
        cls.ids = {
            "claims": cls.news.meeting.pk,
            "sources": cls.news.wire_story.pk,
            "outlets": cls.news.wire.pk,
            "actors": cls.news.official.pk,
            "attributions": attribution.pk,
            "annotations": make_annotation(cls.admin, claim=cls.news.meeting).pk,
        }

    def client_for(self, path):
        # Verdicts are the fact-checkers' right; every other write is the admins'.
        return self.api(self.factchecker if path.endswith("/verdict") else self.admin)

    def write_operations(self):
        """(method, path) of every write operation in the API's schema, ids filled in."""
        schema = SchemaGenerator().get_schema(request=None, public=True)
        for path, operations in schema["paths"].items():
            for method in WRITE_METHODS:
                if method in operations:
                    resource = path.split("/")[2]
                    yield method, re.sub(r"\{[^}]+\}", str(self.ids.get(resource, 1)), path)

    def test_every_write_answers_a_deeply_nested_body_with_400(self):
        operations = list(self.write_operations())
        self.assertGreater(len(operations), 10)
        for method, path in operations:
            for body in (DEEP_LIST, DEEP_OBJECT):
                with self.subTest(method=method, path=path, body=body[:2]):
                    response = getattr(self.client_for(path), method)(
                        path, body, content_type="application/json"
                    )
                    self.assertStatus(response, 400)
                    self.assertEqual(response["Content-Type"], "application/json")
                    self.assertIn("nested more than 64 levels", response.json()["detail"])

    def test_a_nul_anywhere_in_a_json_body_is_400(self):
        for method, path in self.write_operations():
            with self.subTest(method=method, path=path):
                response = getattr(self.client_for(path), method)(
                    path,
                    json.dumps({"name": "a\x00b", "statement": "x\x00"}),
                    content_type="application/json",
                )
                self.assertStatus(response, 400)
                self.assertIn("NUL", response.json()["detail"])

    def test_a_nul_in_an_outlets_owner_group_is_400_not_a_server_error(self):
        make_owner_group("Holding")
        response = self.api(self.admin).patch(
            f"/api/outlets/{self.news.wire.pk}", {"owner_group": "Hold\x00ing"}, format="json"
        )
        self.assertStatus(response, 400)
        self.assertIn("owner_group: text cannot contain NUL", response.json()["detail"])
        self.assertIsNone(Outlet.objects.get(pk=self.news.wire.pk).owner_group)

    def test_a_nul_in_a_form_encoded_body_is_400(self):
        response = self.api(self.admin).patch(
            f"/api/outlets/{self.news.wire.pk}", {"owner_group": "Hold\x00ing"}, format="multipart"
        )
        self.assertStatus(response, 400)
        self.assertIn("NUL", response.json()["detail"])

    def test_ordinary_bodies_still_parse(self):
        response = self.api(self.admin).post(
            "/api/annotations",
            {"claim": self.news.meeting.pk, "text": "Nested [ { fine } ] text"},
            format="json",
        )
        self.assertIn(response.status_code, (200, 201), response.content)
        self.assertTrue(Annotation.objects.filter(text="Nested [ { fine } ] text").exists())
