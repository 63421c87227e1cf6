"""/api/schema/ (OpenAPI 3) and the docs, served from local static files only."""

import re

import yaml
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

from tests.api.base import APITestCase


class SchemaTests(APITestCase):
    def test_schema_is_valid_openapi_with_every_resource(self):
        response = self.api(self.factchecker).get("/api/schema/")
        self.assertStatus(response, 200)
        schema = yaml.safe_load(response.content)
        validate_schema(schema)
        paths = set(schema["paths"])
        for path in (
            "/api/claims",
            "/api/claims/{id}/claimreview",
            "/api/claims/{id}/prov",
            "/api/claims/{id}/verdict",
            "/api/sources",
            "/api/outlets",
            "/api/actors",
            "/api/attributions",
            "/api/annotations",
            "/api/import-batches",
        ):
            self.assertIn(path, paths)
        # The claim list documents ClaimFilter's filters.
        params = {p["name"] for p in schema["paths"]["/api/claims"]["get"]["parameters"]}
        self.assertLessEqual({"q", "status", "verdict", "speaker", "outlet_kind", "cursor"}, params)
        verdict = schema["paths"]["/api/claims/{id}/verdict"]["post"]["responses"]
        self.assertLessEqual({"201", "400", "401", "403", "404", "409"}, set(verdict))
        self.assertIn("tokenAuth", schema["components"]["securitySchemes"])

    def test_every_operation_documents_its_json_errors(self):
        # Django's handlers answer JSON under /api/ even where DRF would negotiate
        # JSON-LD (a path no route matches); every write can lose to a simultaneous one.
        schema = yaml.safe_load(self.api(self.factchecker).get("/api/schema/").content)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation["responses"]
                expected = {"400", "401", "403", "503"} | ({"404"} if "{" in path else set())
                if method in ("post", "put", "patch", "delete"):
                    expected.add("409")
                with self.subTest(operation=f"{method.upper()} {path}"):
                    self.assertLessEqual(expected, set(responses))
                    for code in expected:
                        self.assertIn("application/json", responses[code]["content"], code)
                    self.assertIn("Retry-After", responses["503"]["headers"])

    def test_schema_and_docs_need_a_signed_in_user(self):
        for url in ("/api/schema/", "/api/docs/", "/api/redoc/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 401)

    def test_docs_load_nothing_from_other_sites(self):
        self.client.force_login(self.editor)
        for url in ("/api/docs/", "/api/redoc/", "/api/docs/?script="):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertNotRegex(html, r"(src|href)=\"(https?:)?//")
                for asset in re.findall(r'(?:src|href)="/static/([^"?]+)"', html):
                    self.assertIsNotNone(finders.find(asset), asset)
        html = self.client.get("/api/docs/").content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", html)


class BrowsableAPITests(APITestCase):
    def test_a_signed_in_browser_gets_html_pages(self):
        from tests.factories import make_newsroom

        news = make_newsroom()
        self.client.force_login(self.editor)
        for url in (
            "/api/",
            "/api/claims",
            f"/api/claims/{news.meeting.pk}",
            "/api/attributions",
            "/api/annotations",
            "/api/sources",
        ):
            with self.subTest(url=url):
                response = self.client.get(url, HTTP_ACCEPT="text/html")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
