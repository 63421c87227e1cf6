"""The API tests' base: the cast of tests/base.py, each with an API token."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.base import BaseTestCase

# Who may do what, as the roles grant it (claims/migrations/0002_roles, 0006_annotation).
ROLES = ("factchecker", "editor", "admin", "outsider")


class APITestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tokens = {
            user.username: Token.objects.create(user=user).key
            for user in (cls.factchecker, cls.editor, cls.admin, cls.outsider)
        }

    def api(self, user=None):
        """A client authenticated with `user`'s token (none: anonymous)."""
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[user.username]}")
        return client

    def user(self, role):
        return getattr(self, role)

    def assertStatus(self, response, expected, msg=""):
        self.assertEqual(
            response.status_code,
            expected,
            f"{msg}: {response.status_code} {getattr(response, 'data', response.content)!r}",
        )

    def assertMatrix(self, request, expected):
        """`request(client)` answers `expected[role]` for each role, and 401 signed out.

        `request` must not change anything for roles expected to be refused.
        """
        self.assertStatus(request(self.api()), 401, "anonymous")
        for role, status in expected.items():
            with self.subTest(role=role):
                self.assertStatus(request(self.api(self.user(role))), status, role)
