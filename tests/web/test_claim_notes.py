"""Notes on a claim and its evidence, on the claim page: /claims/<id>/ (views.claim_detail)."""

import re

from django.urls import reverse

from claims.actions import remove_attribution
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_annotation, make_attribution, make_claim, make_source
from tests.web.test_claim_detail import CLAIM_PAGE_QUERIES

# The claim page's queries are listed in tests/web/test_claim_detail.py; the notes
# on the claim and on its attributions, with replies and authors, are one of them (13.).

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)">'


class ClaimNotesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim("The talks were useful")
        cls.source = make_source("The minister said the talks were useful.", title="Talks")
        cls.attribution = make_attribution(cls.claim, cls.source, "the talks were useful")
        cls.url = reverse("claim-detail", args=[cls.claim.pk])

    def setUp(self):
        self.on_claim = make_annotation(self.editor, "Needs a second source.", claim=self.claim)
        self.on_attribution = make_annotation(
            self.editor, "Paraphrase, not a quote.", attribution=self.attribution
        )
        self.reply = make_annotation(self.admin, "Agreed.", parent=self.on_attribution)

    def get(self, user):
        self.login(user)
        return self.client.get(self.url)

    def test_claim_and_attribution_notes_are_shown_in_threads(self):
        response = self.get(self.factchecker)
        self.assertEqual([n.pk for n in response.context["claim_notes"]], [self.on_claim.pk])
        [(attribution, threads)] = response.context["attribution_notes"]
        self.assertEqual(attribution, self.attribution)
        self.assertEqual([t.pk for t in threads], [self.on_attribution.pk])
        self.assertEqual([r.pk for r in threads[0].thread], [self.reply.pk])
        html = response.content.decode()
        section = html[html.index('id="notes"') :]
        self.assertIn("Needs a second source.", section)
        self.assertIn(f'href="#e{self.attribution.pk}"', section)
        thread = section[section.index(f'id="note-{self.on_attribution.pk}"') :]
        self.assertIn("Agreed.", thread)
        self.assertContains(response, reverse("claim-annotations-export", args=[self.claim.pk]))

    def test_notes_on_a_removed_attribution_stay_visible(self):
        remove_attribution(self.attribution, self.editor)
        response = self.get(self.factchecker)
        self.assertContains(response, "Paraphrase, not a quote.")
        self.assertContains(response, "(attribution removed)")

    def test_only_editors_and_admins_get_the_note_form(self):
        form = f'action="{reverse("claim-annotate", args=[self.claim.pk])}"'
        self.assertNotContains(self.get(self.factchecker), form)
        for user in (self.editor, self.admin):
            response = self.get(user)
            self.assertContains(response, form)
            self.assertContains(response, f'<option value="a{self.attribution.pk}">')

    def test_hostile_note_text_is_escaped(self):
        make_annotation(self.editor, HOSTILE, claim=self.claim)
        response = self.get(self.editor)
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")

    def test_query_count_does_not_grow_with_the_notes(self):
        self.login(self.editor)
        with self.assertNumQueries(CLAIM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n in range(10):
            build_evidence(self.claim)
            attribution = make_attribution(
                self.claim,
                make_source(f"Story {n}: the talks were useful."),
                "the talks were useful",
            )
            note = make_annotation(self.editor, f"a{n}", attribution=attribution)
            make_annotation(self.admin, f"r{n}", parent=note)
            make_annotation(self.editor, f"c{n}", claim=self.claim)
            make_annotation(self.editor, f"x{n}", claim=make_claim(f"Other claim {n}"))
        with self.assertNumQueries(CLAIM_PAGE_QUERIES):
            response = self.client.get(self.url)
        self.assertEqual(len(re.findall(r'id="note-\d+"', response.content.decode())), 3 + 30)
