"""Who may write evidence and who may import: every editor view, every role."""

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_actor, make_attribution, make_claim, make_source


class EditorPermissionTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source("Officials said the road was open.")
        cls.claim = make_claim("The road was open")
        cls.attribution = make_attribution(cls.claim, cls.source, "the road was open")
        cls.actor = make_actor("Road Official")

    def urls(self):
        return [
            reverse("source-attribute", args=[self.source.pk]),
            reverse("attribution-edit", args=[self.attribution.pk]),
            reverse("attribution-remove", args=[self.attribution.pk]),
            reverse("claim-create"),
            reverse("claim-edit", args=[self.claim.pk]),
            reverse("claim-merge", args=[self.claim.pk]),
            reverse("actor-merge", args=[self.actor.pk]),
            reverse("orphaned-anchors"),
        ]

    def test_fact_checkers_cannot_write_attributions_or_claims(self):
        self.login(self.factchecker)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, {}).status_code, 403)
        self.assertFalse(self.factchecker.has_perm("claims.add_attribution"))

    def test_outsiders_get_403_and_visitors_sign_in(self):
        self.login(self.outsider)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, {}).status_code, 403)
        self.client.logout()
        for url in self.urls():
            with self.subTest(url=url, signed_in=False):
                self.assertEqual(self.client.post(url, {}).status_code, 302)

    def test_editors_can_write_evidence_but_cannot_import(self):
        self.login(self.editor)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertNotEqual(self.client.get(url).status_code, 403)
        self.assertFalse(self.editor.has_perm("sources.import_sources"))
        for name in ("admin:sources_importbatch_upload", "admin:sources_source_add"):
            with self.subTest(url=name):
                self.assertEqual(self.client.get(reverse(name)).status_code, 403)
        # Nor correct an article's stored text: that is an admin's job.
        url = reverse("source-correct", args=[self.source.pk])
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_admins_can_import_and_write(self):
        self.login(self.admin)
        self.assertTrue(self.admin.has_perm("sources.import_sources"))
        self.assertEqual(
            self.client.get(reverse("admin:sources_importbatch_upload")).status_code, 200
        )
        self.assertEqual(self.client.get(reverse("claim-create")).status_code, 200)
