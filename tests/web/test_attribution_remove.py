"""Removing an attribution: /attributions/<id>/remove/ (web.editor_views.attribution_remove).

Removal is a soft delete: the row stays (deleted_at, deleted_by), the history
records it, and every place that reads evidence ignores it.
"""

from django.urls import reverse

from claims import engine
from claims.models import Attribution, Claim
from tests.base import BaseTestCase
from tests.factories import make_actor, make_attribution, make_claim, make_outlet, make_source


class AttributionRemoveTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.wire = make_outlet("Wire Agency", kind="wire")
        cls.paper = make_outlet("Morning Post", kind="newspaper")
        cls.minister = make_actor("Minister Zebulon")
        cls.claim = make_claim("The bridge was finished")
        cls.wire_story = make_source(
            "The bridge was finished on Monday, officials said.", outlet=cls.wire
        )
        cls.paper_story = make_source(
            "Builders completed the crossing over the xylophone river.", outlet=cls.paper
        )
        cls.kept = make_attribution(cls.claim, cls.wire_story, "The bridge was finished on Monday")
        cls.doomed = make_attribution(
            cls.claim,
            cls.paper_story,
            "Builders completed the crossing over the xylophone river",
            speaker=cls.minister,
            stance=Attribution.Stance.DISPUTES,
        )
        cls.url = reverse("attribution-remove", args=[cls.doomed.pk])

    def remove(self, user=None):
        if user is not None:
            self.login(user)
        return self.client.post(self.url)

    # Permissions ----------------------------------------------------------

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.remove()
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )
        self.doomed.refresh_from_db()
        self.assertIsNone(self.doomed.deleted_at)

    def test_fact_checkers_and_outsiders_get_403(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.remove(user).status_code, 403)
        self.doomed.refresh_from_db()
        self.assertIsNone(self.doomed.deleted_at)

    def test_get_is_not_allowed(self):
        self.login(self.editor)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_missing_attribution_is_404(self):
        self.login(self.editor)
        url = reverse("attribution-remove", args=[999999])
        self.assertEqual(self.client.post(url).status_code, 404)

    # Removing -------------------------------------------------------------

    def test_removal_is_soft_kept_in_the_history_and_updates_the_status(self):
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.CONTESTED)
        response = self.remove(self.editor)
        self.assertRedirects(
            response,
            reverse("claim-detail", args=[self.claim.pk]) + "#evidence-heading",
            fetch_redirect_response=False,
        )
        self.doomed.refresh_from_db()
        self.assertIsNotNone(self.doomed.deleted_at)
        self.assertEqual(self.doomed.deleted_by, self.editor)
        self.assertTrue(Attribution.objects.filter(pk=self.doomed.pk).exists())
        record = self.doomed.history.first()
        self.assertEqual(record.history_change_reason, "Attribution removed")
        self.assertEqual(record.history_user, self.editor)
        self.assertIsNotNone(record.deleted_at)
        # Same request: the dispute is gone, the claim is single-source now.
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Claim.Status.SINGLE_SOURCE)
        self.assertEqual(engine.recompute_all(write=False).changed, 0)

    def test_removing_twice_changes_nothing(self):
        self.remove(self.editor)
        self.doomed.refresh_from_db()
        first = self.doomed.deleted_at
        self.remove(self.admin)
        self.doomed.refresh_from_db()
        self.assertEqual(self.doomed.deleted_at, first)
        self.assertEqual(self.doomed.deleted_by, self.editor)

    # Every reader of evidence ignores it ----------------------------------

    def test_the_claim_page_lists_it_apart_and_the_chain_leaves_it_out(self):
        self.remove(self.editor)
        self.login(self.factchecker)
        response = self.client.get(reverse("claim-detail", args=[self.claim.pk]))
        self.assertEqual([a.pk for a in response.context["attributions"]], [self.kept.pk])
        self.assertEqual([a.pk for a in response.context["removed"]], [self.doomed.pk])
        groups = response.context["groups"]
        self.assertEqual([a.pk for g in groups for a in g.attributions], [self.kept.pk])
        self.assertContains(response, 'class="chain-node attribution', count=1)  # the chain SVG
        self.assertContains(response, "Removed</span>")
        self.assertContains(response, "Attribution removed")  # the history says so

    def test_the_source_reader_no_longer_highlights_it(self):
        self.login(self.factchecker)
        url = reverse("source-detail", args=[self.paper_story.pk])
        self.assertContains(self.client.get(url), f'id="a{self.doomed.pk}"')
        self.remove(self.editor)
        self.login(self.factchecker)
        response = self.client.get(url)
        self.assertNotContains(response, f'id="a{self.doomed.pk}"')
        self.assertEqual(response.context["claims"], [])

    def test_search_filters_facets_csv_and_pages_ignore_it(self):
        self.remove(self.editor)
        self.login(self.factchecker)
        list_url = reverse("claim-list")

        def listed(**params):
            response = self.client.get(list_url, params)
            return [c.pk for c in response.context["claims"]]

        self.assertEqual(listed(q="xylophone"), [])  # its quote left the search document
        self.assertEqual(listed(q="bridge"), [self.claim.pk])
        self.assertEqual(listed(speaker="Minister Zebulon"), [])
        self.assertEqual(listed(outlet="Morning Post"), [])
        self.assertEqual(listed(has_disputes="true"), [])
        self.assertEqual(listed(outlet_kind="newspaper"), [])
        response = self.client.get(list_url)
        [claim] = response.context["claims"]
        self.assertEqual((claim.attribution_count, claim.dispute_count), (1, 0))
        facets = {f["name"]: f for f in response.context["facets"]}
        kinds = {o["value"]: o["count"] for o in facets["outlet_kind"]["options"]}
        self.assertEqual(kinds, {"wire": 1})
        csv = b"".join(self.client.get(reverse("claim-list-csv"), {"outlet": "Morning Post"}))
        self.assertNotIn(b"The bridge was finished", csv)
        actor_page = self.client.get(reverse("actor-detail", args=[self.minister.pk]))
        self.assertEqual(actor_page.context["breakdown"]["total"], 0)
        outlet_page = self.client.get(reverse("outlet-detail", args=[self.paper.pk]))
        self.assertEqual(outlet_page.context["breakdown"]["total"], 0)
