"""The base test case: a named cast of users, one per role plus an outsider."""

from django.test import TestCase

from claims.roles import ADMIN, EDITOR, FACT_CHECKER
from tests.factories import make_user


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Fiona checks facts, Eddie edits, Ada administers, Otto has no role.
        cls.factchecker = make_user("fiona", FACT_CHECKER, is_staff=True)
        cls.editor = make_user("eddie", EDITOR, is_staff=True)
        cls.admin = make_user("ada", ADMIN, is_staff=True)
        cls.outsider = make_user("otto")

    def login(self, user):
        self.client.force_login(user)
