"""Attributing a passage: /sources/<id>/attribute/ (web.editor_views.attribute)."""

import datetime

from django.urls import reverse

from claims.actions import remove_attribution
from claims.models import Actor, Attribution, Claim, Tag
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import (
    make_actor,
    make_attribution,
    make_claim,
    make_outlet,
    make_source,
    make_tag,
)

# The attribute form (GET) runs these queries, whatever the size of the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim",
#  4. the user's groups' permissions }              "claims.add_attribution")
#  5. the source, with its outlet
ATTRIBUTE_FORM_QUERIES = 5

BODY = (
    "Beijing, Tuesday. Patrushev met Yang Jiechi for talks on security.\n\n"
    "The talks went well, Jiechi said. The talks went well, a spokesman added.\n\n"
    "Pipelines were not discussed."
)


class AttributeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.paper = make_outlet("Morning Post", reliability="C")
        cls.tass = make_outlet("TASS", kind="wire", aliases=["ITAR-TASS"])
        cls.source = make_source(BODY, outlet=cls.paper, title="Talks in Beijing")
        cls.yang = make_actor("Yang Jiechi", aliases=["Jiechi"], role="Director of the office")
        cls.url = reverse("source-attribute", args=[cls.source.pk])

    def post(self, user=None, **fields):
        data = {"kind": "paraphrase", "stance": "supports", "then": "claim", **fields}
        if user is not None:
            self.login(user)
        return self.client.post(self.url, data)

    # Permissions ----------------------------------------------------------

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        for response in (self.client.get(self.url), self.post(exact="x")):
            self.assertRedirects(
                response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
            )
        self.assertFalse(Attribution.objects.exists())

    def test_fact_checkers_and_outsiders_may_not_attribute(self):
        for user in (self.factchecker, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.post(exact="Pipelines were not discussed", statement="No pipes")
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Attribution.objects.exists())
        self.assertFalse(Claim.objects.exists())

    def test_editors_and_admins_may_attribute(self):
        for n, user in enumerate((self.editor, self.admin)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)
                response = self.post(
                    exact="Pipelines were not discussed", statement=f"No pipelines {n}"
                )
                self.assertEqual(response.status_code, 302)
        self.assertEqual(Attribution.objects.count(), 2)

    def test_missing_source_is_404(self):
        self.login(self.editor)
        url = reverse("source-attribute", args=[999999])
        self.assertEqual(self.client.get(url).status_code, 404)

    # Attributing ----------------------------------------------------------

    def test_new_claim_with_alias_speaker_and_status_in_the_same_request(self):
        tag = make_tag("Security")
        response = self.post(
            self.editor,
            exact="Patrushev met Yang Jiechi for talks on security",
            prefix="Beijing, Tuesday. ",
            suffix=".\n\nThe talks",
            statement="Patrushev met Yang Jiechi in Beijing",
            event_start="2019-06-01",
            event_end="2019-06-03",
            tags="security, Energy",
            speaker="Jiechi",
            kind="direct_quote",
        )
        claim = Claim.objects.get(statement="Patrushev met Yang Jiechi in Beijing")
        attribution = claim.attributions.get()
        self.assertRedirects(
            response,
            reverse("claim-detail", args=[claim.pk]) + f"#e{attribution.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(attribution.speaker, self.yang)
        self.assertEqual(attribution.kind, Attribution.Kind.DIRECT_QUOTE)
        self.assertEqual(attribution.created_by, self.editor)
        self.assertEqual(BODY[attribution.start : attribution.end], attribution.quote)
        self.assertEqual(attribution.prefix, BODY[: attribution.start])
        self.assertEqual(attribution.suffix, BODY[attribution.end : attribution.end + 32])
        self.assertEqual(claim.event_start, datetime.date(2019, 6, 1))
        self.assertEqual(claim.event_end, datetime.date(2019, 6, 3))
        self.assertEqual(claim.created_by, self.editor)
        self.assertEqual(sorted(t.name for t in claim.tags.all()), ["Energy", "Security"])
        self.assertIn(tag, claim.tags.all())
        # The engine ran in the same request: one origin, the Morning Post.
        self.assertEqual(claim.status, Claim.Status.SINGLE_SOURCE)
        self.assertIn("Morning Post", claim.explanation)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(
            messages, [f"Attributed to claim #{claim.pk}. Its status is now Single source."]
        )
        history = attribution.history.get()
        self.assertEqual(history.history_user, self.editor)
        self.assertEqual(history.history_change_reason, "Attributed from the source reader")

    def test_existing_claim_and_relay_by_alias_and_back_to_the_article(self):
        claim = make_claim("Pipelines were left out")
        self.assertEqual(claim.status, Claim.Status.UNSUPPORTED)
        response = self.post(
            self.editor,
            exact="Pipelines were not discussed",
            claim=str(claim.pk),
            relayed_via="itar-tass",
            kind="assertion",
            then="source",
        )
        attribution = claim.attributions.get()
        self.assertRedirects(
            response,
            reverse("source-detail", args=[self.source.pk]) + f"#a{attribution.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(attribution.relayed_via, self.tass)
        self.assertIsNone(attribution.speaker)
        claim.refresh_from_db()
        self.assertEqual(claim.status, Claim.Status.SINGLE_SOURCE)
        self.assertIn("TASS", claim.explanation)  # the origin is the relaying agency

    def test_a_new_actor_is_created_with_its_kind_and_role(self):
        self.post(
            self.editor,
            exact="a spokesman added",
            statement="A spokesman spoke",
            speaker="Zhao Lijian",
            new_speaker="on",
            speaker_kind="official",
            speaker_role="Foreign ministry spokesman",
        )
        actor = Actor.objects.get(name="Zhao Lijian")
        self.assertEqual(actor.role, "Foreign ministry spokesman")
        self.assertEqual(Attribution.objects.get().speaker, actor)

    def test_a_repeated_quote_is_told_apart_by_its_prefix_and_suffix(self):
        quote = "The talks went well"
        first, second = BODY.index(quote), BODY.rindex(quote)
        self.post(self.editor, exact=quote, statement="The talks went well")
        self.assertFalse(Attribution.objects.exists())
        self.post(self.editor, exact=quote, prefix="said. ", statement="The talks went well")
        self.assertEqual(Attribution.objects.get().start, second)
        self.post(self.editor, exact=quote, suffix=", Jiechi said", statement="Talks: well")
        self.assertEqual(Attribution.objects.get(claim__statement="Talks: well").start, first)

    def test_the_form_without_javascript_has_the_quote_fields(self):
        self.login(self.editor)
        response = self.client.get(self.url + "?exact=Pipelines&claim=12")
        self.assertContains(response, 'name="exact"')
        self.assertContains(response, 'name="prefix"')
        self.assertContains(response, 'name="suffix"')
        self.assertContains(response, ">\nPipelines</textarea>")
        self.assertContains(response, 'value="12"')
        self.assertNotContains(response, "<script>")  # no inline script (CSP)

    # Error paths ----------------------------------------------------------

    def assert_rejected(self, response, field, message):
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, " ".join(response.context["form"].errors.get(field, [])))
        self.assertFalse(Attribution.objects.exists())

    def test_a_quote_not_in_the_text_gets_a_clear_error_and_nothing_is_written(self):
        response = self.post(self.editor, exact="Patrushev met Xi", statement="Met Xi")
        self.assert_rejected(response, "exact", "does not occur in “Talks in Beijing”")
        self.assertContains(response, "does not occur", status_code=400)
        self.assertFalse(Claim.objects.exists())  # the new claim was not written either

    def test_an_ambiguous_quote_asks_for_the_text_around_it(self):
        response = self.post(self.editor, exact="The talks went well", statement="Went well")
        self.assert_rejected(response, "exact", "occurs more than once")
        # A prefix that matches neither place is no better.
        response = self.post(
            self.editor, exact="The talks went well", prefix="nowhere", statement="Went well"
        )
        self.assert_rejected(response, "exact", "occurs more than once")

    def test_offsets_sent_by_the_browser_are_ignored(self):
        # Only the TextQuoteSelector counts: the server finds the offsets itself.
        response = self.post(
            self.editor, exact="Pipelines were not discussed", statement="P", start=0, end=3
        )
        self.assertEqual(response.status_code, 302)
        attribution = Attribution.objects.get()
        self.assertEqual(attribution.start, BODY.index("Pipelines"))
        attribution.full_clean()

    def test_an_empty_quote_is_refused(self):
        response = self.post(self.editor, exact="", statement="Nothing")
        self.assert_rejected(response, "exact", "Give the quote")

    def test_a_quote_is_matched_exactly_white_space_included(self):
        response = self.post(self.editor, exact=" Pipelines  were", statement="Pipes")
        self.assert_rejected(response, "exact", "does not occur")

    def test_a_claim_is_required_and_only_one_kind_of_claim(self):
        response = self.post(self.editor, exact="Pipelines were not discussed")
        self.assert_rejected(response, "statement", "Pick an existing claim")
        claim = make_claim("Existing")
        response = self.post(
            self.editor, exact="Pipelines were not discussed", claim=claim.pk, statement="New"
        )
        self.assert_rejected(response, "statement", "not both")
        response = self.post(self.editor, exact="Pipelines were not discussed", claim=999999)
        self.assert_rejected(response, "claim", "There is no claim #999999")

    def test_a_merged_claim_points_to_its_target(self):
        target = make_claim("Target")
        merged = make_claim("Merged")
        Claim.objects.filter(pk=merged.pk).update(merged_into=target)
        response = self.post(self.editor, exact="Pipelines were not discussed", claim=merged.pk)
        self.assert_rejected(response, "claim", f"merged into #{target.pk}")

    def test_a_new_claim_that_exists_already_names_it(self):
        existing = make_claim("Pipelines were left out")
        response = self.post(
            self.editor, exact="Pipelines were not discussed", statement="pipelines were left out"
        )
        self.assert_rejected(response, "statement", f"Claim #{existing.pk} already says this")

    def test_bad_event_dates_are_refused(self):
        response = self.post(
            self.editor,
            exact="Pipelines were not discussed",
            statement="Dated",
            event_start="2020-05-02",
            event_end="2020-05-01",
        )
        self.assert_rejected(response, "event_end", "ends before it starts")
        response = self.post(
            self.editor, exact="Pipelines were not discussed", statement="Dated", event_end="2020"
        )
        self.assertEqual(response.status_code, 400)

    def test_an_unknown_speaker_or_relay_is_refused(self):
        response = self.post(
            self.editor, exact="Pipelines were not discussed", statement="S", speaker="Nobody"
        )
        self.assert_rejected(response, "speaker", "No actor is called “Nobody”")
        response = self.post(
            self.editor, exact="Pipelines were not discussed", statement="S", relayed_via="Nope"
        )
        self.assert_rejected(response, "relayed_via", "No outlet is called “Nope”")

    def test_a_new_actor_that_exists_already_is_refused(self):
        response = self.post(
            self.editor,
            exact="Pipelines were not discussed",
            statement="S",
            speaker="jiechi",
            new_speaker="on",
        )
        self.assert_rejected(response, "speaker", "“Yang Jiechi” already answers to this name")
        self.assertEqual(Actor.objects.count(), 1)

    def test_the_same_passage_cannot_evidence_a_claim_twice(self):
        claim = make_claim("Pipelines were left out")
        make_attribution(claim, self.source, "Pipelines were not discussed")
        response = self.post(self.editor, exact="Pipelines were not discussed", claim=claim.pk)
        self.assertEqual(response.status_code, 400)
        self.assertIn("already evidences claim", str(response.context["form"].errors))
        self.assertEqual(claim.attributions.count(), 1)

    def test_a_removed_attribution_does_not_block_the_same_passage(self):
        claim = make_claim("Pipelines were left out")
        remove_attribution(
            make_attribution(claim, self.source, "Pipelines were not discussed"), self.editor
        )
        response = self.post(self.editor, exact="Pipelines were not discussed", claim=claim.pk)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(claim.attributions.live().count(), 1)
        self.assertEqual(claim.attributions.removed().count(), 1)

    def test_untrusted_text_is_escaped_in_the_form(self):
        source = make_source("<script>alert(1)</script> said <b>it</b>.", title="<i>x</i>")
        self.login(self.editor)
        url = reverse("source-attribute", args=[source.pk])
        response = self.client.get(url + "?exact=%3Cscript%3E")
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<i>x</i>")
        self.assertContains(response, "&lt;i&gt;x&lt;/i&gt;")

    # Queries --------------------------------------------------------------

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.editor)
        with self.assertNumQueries(ATTRIBUTE_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
            make_attribution(make_claim(f"On this article {n}"), self.source, "Pipelines")
        with self.assertNumQueries(ATTRIBUTE_FORM_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)


class ReaderAttributePanelTests(BaseTestCase):
    """The source reader offers the attribute form and script to editors only."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source("First paragraph.\n\nSecond 𝒜 paragraph.\nLine two.")
        cls.url = reverse("source-detail", args=[cls.source.pk])

    def test_editors_get_the_panel_the_script_and_the_body(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, 'id="attribute-form"')
        self.assertContains(response, 'id="attribute-button"')
        self.assertContains(response, "js/attribute.js")
        self.assertContains(response, '<script id="source-body" type="application/json">')
        self.assertContains(response, reverse("source-attribute", args=[self.source.pk]))
        self.assertNotContains(response, "{#")  # no template comment leaks into the page

    def test_fact_checkers_get_neither(self):
        self.login(self.factchecker)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'id="attribute-form"')
        self.assertNotContains(response, "js/attribute.js")
        self.assertNotContains(response, "source-body")
        self.assertNotContains(response, reverse("source-attribute", args=[self.source.pk]))

    def test_paragraphs_carry_their_body_offsets(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        body = self.source.body
        second = body.index("Second")
        self.assertContains(response, '<p class="body-paragraph" data-start="0">First')
        self.assertContains(response, f'<p class="body-paragraph" data-start="{second}">Second')
        # Offsets count code points, as Python does (the script counts the same way).
        self.assertEqual(body[second:].index("paragraph"), len("Second 𝒜 "))


class NoTagPermissionTests(BaseTestCase):
    def test_new_tags_need_the_add_tag_permission(self):
        from django.contrib.auth.models import Permission

        source = make_source("Alpha beta gamma.")
        self.editor.groups.first().permissions.remove(
            Permission.objects.get(codename="add_tag", content_type__app_label="claims")
        )
        self.login(self.editor)
        url = reverse("source-attribute", args=[source.pk])
        data = {"exact": "Alpha", "statement": "A", "kind": "paraphrase", "stance": "supports"}
        self.assertEqual(self.client.post(url, {**data, "tags": "Brand new"}).status_code, 403)
        self.assertFalse(Tag.objects.exists())
        self.assertFalse(Claim.objects.exists())
