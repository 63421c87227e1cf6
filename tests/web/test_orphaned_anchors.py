"""The editors' list of orphaned anchors: /attributions/orphaned/ (web.editor_views)."""

from django.urls import reverse

from claims.actions import remove_attribution
from intake.actions import correct_source_text
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_attribution, make_claim, make_source, make_user

# The page runs these queries, whatever the number of attributions:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim",
#  4. the user's groups' permissions }              "claims.change_attribution")
#  5. the count of orphaned attributions
#  6. the newest orphaned passage notes, with source and author (web.annotation_views)
#  7. one page of them, with claim, source and speaker
ORPHANED_QUERIES = 7


class OrphanedAnchorsTests(BaseTestCase):
    url = reverse("orphaned-anchors")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source("Alpha said one thing. Beta said another.")
        cls.claim = make_claim("Alpha said one thing")
        cls.orphan = make_attribution(cls.claim, cls.source, "Alpha said one thing")
        cls.fine = make_attribution(make_claim("Beta spoke"), cls.source, "Beta said another")
        correct_source_text(
            cls.source, "Alpha said nothing. Beta said another.", make_user("corrector")
        )

    def test_signed_out_and_roles(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )
        for user, code in (
            (self.factchecker, 403),
            (self.outsider, 403),
            (self.editor, 200),
            (self.admin, 200),
        ):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, code)

    def test_orphans_are_listed_with_a_way_to_re_anchor_them(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertEqual([a.pk for a in response.context["page"].object_list], [self.orphan.pk])
        self.assertContains(response, "“Alpha said one thing”")
        self.assertContains(response, reverse("attribution-edit", args=[self.orphan.pk]))
        self.assertContains(response, "no longer occurs")

    def test_removed_orphans_leave_the_list(self):
        self.orphan.refresh_from_db()
        remove_attribution(self.orphan, self.editor)
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, "No orphaned anchors")

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(ORPHANED_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            unit = build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
            source = unit["sources"][0]
            correct_source_text(source, source.body + " Corrected.", self.admin)
            correct_source_text(source, source.body.replace("minister", "ministre"), self.admin)
        with self.assertNumQueries(ORPHANED_QUERIES):
            response = self.client.get(self.url)
        self.assertEqual(response.context["page"].paginator.count, 11)
