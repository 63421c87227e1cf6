"""Every error under /api/ is JSON, {"detail": "..."}: DRF's, and Django's own handlers'.

Outside /api/ the same errors keep their HTML pages.
"""

import json

from django.test import Client, RequestFactory
from django.urls import get_resolver

from sources.models import ImportBatch
from tests.api.base import APITestCase
from tests.factories import make_user


class APIErrorsAreJSONTests(APITestCase):
    def assertJSONError(self, response, status):
        self.assertEqual(response.status_code, status, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/json", response.content[:300])
        body = json.loads(response.content)
        self.assertIsInstance(body.get("detail"), str, body)
        self.assertNotIn("<", body["detail"])

    def test_unknown_addresses_under_the_api_are_json_404s(self):
        client = self.api(self.factchecker)
        # No route at all (Django's 404 handler), a pk the router's pattern refuses,
        # a trailing slash the routes do not have, and DRF's own 404s.
        for path in (
            "/api/nothing",
            "/api/claims/1.5",
            "/api/claims/",
            "/api/sources/7/nothing",
            "/api/claims/987654",
            "/api/claims/abc",
            "/api/sources/abc",
        ):
            with self.subTest(path=path):
                self.assertJSONError(client.get(path), 404)

    def test_signed_out_and_refused_requests_are_json(self):
        self.assertJSONError(self.api().get("/api/claims"), 401)
        self.assertJSONError(self.api(self.outsider).get("/api/claims"), 403)

    def test_a_method_the_operation_does_not_have_is_a_json_405(self):
        root = make_user("root", is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(root)
        batch = ImportBatch.objects.create(created_by=root)
        self.assertJSONError(client.delete(f"/api/import-batches/{batch.pk}"), 405)

    def test_a_session_write_without_its_csrf_token_is_a_json_403(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.editor)
        response = client.post("/api/actors", {"name": "Someone"}, content_type="application/json")
        self.assertJSONError(response, 403)
        self.assertIn("CSRF", json.loads(response.content)["detail"])

    def test_a_nul_in_the_query_string_is_a_json_400_with_its_message(self):
        response = self.api(self.factchecker).get("/api/claims?q=a%00b")
        self.assertJSONError(response, 400)
        self.assertIn("NUL", json.loads(response.content)["detail"])

    def test_a_bad_host_under_the_api_is_a_json_400(self):
        response = Client().get("/api/claims", HTTP_HOST="evil.example")
        self.assertJSONError(response, 400)

    def test_django_error_handlers_answer_json_under_the_api_only(self):
        resolver = get_resolver()
        factory = RequestFactory()
        for status in (400, 403, 404, 500):
            handler = resolver.resolve_error_handler(status)
            kwargs = {} if status == 500 else {"exception": Exception("/secret/path")}
            with self.subTest(status=status):
                self.assertJSONError(handler(factory.get("/api/claims"), **kwargs), status)
                page = handler(factory.get("/claims/"), **kwargs)
                self.assertEqual(page.status_code, status)
                self.assertTrue(page["Content-Type"].startswith("text/html"))

    def test_html_pages_keep_their_html_404(self):
        self.login(self.factchecker)
        response = self.client.get("/nothing-here/")
        self.assertContains(response, "There is no page at this address", status_code=404)


class PageSizeTests(APITestCase):
    def test_a_page_size_that_is_not_a_whole_number_is_a_400(self):
        client = self.api(self.factchecker)
        for url in ("/api/claims", "/api/outlets", "/api/annotations", "/api/import-batches"):
            for size in ("null", "0", "-3", "2.5", ""):
                with self.subTest(url=url, size=size):
                    response = client.get(url, {"page_size": size})
                    self.assertStatus(response, 400)
                    self.assertIn("page_size", response.json())
            with self.subTest(url=url, size="huge"):
                self.assertStatus(client.get(url, {"page_size": "9" * 40}), 200)
