"""The source reader: /sources/<id>/ (web.source_views.source_detail)."""

import re

from django.urls import reverse

from claims.models import Attribution
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import (
    make_actor,
    make_annotation,
    make_attribution,
    make_claim,
    make_outlet,
    make_source,
)

# The source reader runs these queries, whatever the size of the article or the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("sources.view_source",
#  4. the user's groups' permissions }              "claims.view_claim")
#  5. the source, with its outlet and importer
#  6. its relays, with their outlets
#  7. its attributions, with claim, speaker and relaying agency
#  8. its passage notes and all their replies, with their authors (web.annotation_views)
READER_QUERIES = 8

BODY = (
    "Moscow, Monday. The minister said the talks were useful.\n"
    "He added that more talks would follow.\n"
    "\n"
    "Critics disagreed. They said the talks achieved nothing at all."
)


def paragraphs_of(response):
    """The HTML inside each paragraph of the article the reader drew."""
    return re.findall(
        r'<p class="body-paragraph" data-start="\d+">(.*?)</p>', response.content.decode()
    )


class SourceDetailTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.wire = make_outlet("Wire Agency", kind="wire")
        cls.outlet = make_outlet("Morning Post")
        cls.source = make_source(
            BODY,
            outlet=cls.outlet,
            relays=[cls.wire],
            title="Talks in Moscow",
            byline="By A. Writer",
        )
        cls.minister = make_actor("The Minister")
        cls.claim = make_claim("The talks were useful")
        cls.other_claim = make_claim("The talks achieved nothing")
        cls.quote = make_attribution(
            cls.claim,
            cls.source,
            "the talks were useful",
            speaker=cls.minister,
            kind=Attribution.Kind.DIRECT_QUOTE,
            relayed_via=cls.wire,
        )
        cls.dispute = make_attribution(
            cls.other_claim,
            cls.source,
            "the talks achieved nothing at all",
            kind=Attribution.Kind.PARAPHRASE,
        )
        cls.url = reverse("source-detail", args=[cls.source.pk])

    def get(self, user=None, url=None):
        if user is not None:
            self.login(user)
        return self.client.get(url or self.url)

    # Permissions ----------------------------------------------------------

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        self.assertRedirects(
            self.get(), f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_user_without_a_role_gets_403(self):
        self.assertEqual(self.get(self.outsider).status_code, 403)

    def test_every_role_may_read_the_article(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.assertContains(self.get(user), "Talks in Moscow")

    def test_missing_source_is_404(self):
        url = reverse("source-detail", args=[999999])
        self.assertEqual(self.get(self.factchecker, url).status_code, 404)

    # Content --------------------------------------------------------------

    def test_each_attributed_span_is_highlighted_by_kind_and_links_to_its_claim(self):
        response = self.get(self.factchecker)
        claim_url = reverse("claim-detail", args=[self.claim.pk])
        self.assertContains(
            response,
            f'<a class="hl-link" href="{claim_url}#e{self.quote.pk}"><mark id="a{self.quote.pk}" '
            f'class="hl hl-direct_quote" data-attributions="{self.quote.pk}"',
        )
        self.assertContains(response, f'id="a{self.dispute.pk}" class="hl hl-paraphrase"')
        marked = re.findall(r"<mark id=\"a\d+\"[^>]*>([^<]*)</mark>", response.content.decode())
        self.assertEqual(marked, ["the talks were useful", "the talks achieved nothing at all"])

    def test_the_cached_article_is_drawn_anew_when_its_highlights_change(self):
        before = paragraphs_of(self.get(self.factchecker))  # drawn and cached
        self.assertNotIn("more talks would follow</mark>", before[0])

        make_attribution(self.other_claim, self.source, "more talks would follow")
        after = paragraphs_of(self.get())

        self.assertIn("more talks would follow</mark>", after[0])
        self.assertNotEqual(before, after)

    def test_an_article_with_margin_notes_is_not_drawn_from_the_cache(self):
        self.assertTrue(self.get(self.editor).context["article_key"])
        make_annotation(
            self.editor, "Check this.", quote="the talks were useful", source=self.source
        )

        self.assertEqual(self.get().context["article_key"], "")

    def test_paragraphs_and_line_breaks_are_kept(self):
        response = self.get(self.factchecker)
        paragraphs = paragraphs_of(response)
        self.assertEqual(len(paragraphs), 2)
        self.assertIn("useful</mark></a>.<br>He added", paragraphs[0])
        self.assertTrue(paragraphs[1].startswith("Critics disagreed."))

    def test_metadata_relays_and_carried_claims_are_shown(self):
        response = self.get(self.factchecker)
        self.assertContains(response, "Morning Post")
        self.assertContains(response, "By A. Writer")
        self.assertContains(response, reverse("outlet-detail", args=[self.wire.pk]))
        self.assertEqual(
            [claim.pk for claim, _ in response.context["claims"]],
            [self.claim.pk, self.other_claim.pk],
        )
        self.assertContains(response, reverse("claim-detail", args=[self.other_claim.pk]))
        self.assertContains(response, f'href="#a{self.quote.pk}"')

    def test_missing_metadata_reads_unknown(self):
        source = make_source("Just text.", outlet=None, title="Anonymous leaflet")
        response = self.get(self.factchecker, reverse("source-detail", args=[source.pk]))
        content = response.content.decode()
        meta = content[content.index('<dl class="source-meta">') : content.index("</dl>")]
        self.assertEqual(
            meta.count('<span class="muted">unknown</span>'), 3
        )  # outlet, byline, date
        self.assertNotIn("None", meta)

    def test_overlapping_spans_are_each_reachable_and_highlighted(self):
        body = "Alpha beta gamma delta epsilon zeta."
        source = make_source(body, outlet=self.outlet)
        outer = make_attribution(self.claim, source, "beta gamma delta epsilon")
        inner = make_attribution(
            self.other_claim, source, "gamma delta", kind=Attribution.Kind.DIRECT_QUOTE
        )
        crossing = make_attribution(make_claim("Crossing"), source, "epsilon zeta")
        response = self.get(self.factchecker, reverse("source-detail", args=[source.pk]))
        [html] = paragraphs_of(response)
        for a in (outer, inner, crossing):
            self.assertEqual(html.count(f'id="a{a.pk}"'), 1, a)
        # The shared pieces are coloured by the innermost span and list every span.
        self.assertIn(f'data-attributions="{inner.pk} {outer.pk}"', html)
        self.assertIn(f'data-attributions="{crossing.pk} {outer.pk}"', html)
        self.assertIn("hl-overlap", html)
        text = re.sub(r"<[^>]+>", "", html)
        self.assertEqual(text, body)  # nothing lost or doubled

    def test_hostile_article_text_and_metadata_are_escaped(self):
        body = (
            'Intro <script>alert("x")</script> and <img src=x onerror=alert(1)>.\n\n'
            "The quote \" onmouseover=alert(2) x=\" ends here. And 'single' <b>bold</b>."
        )
        source = make_source(
            body,
            outlet=make_outlet('<img src=x onerror="alert(3)">'),
            title='<script>alert("t")</script>',
            byline="<i onmouseover=alert(4)>Evil</i>",
            url="javascript:alert(5)",
        )
        attribution = make_attribution(
            make_claim('<script>alert("c")</script>'),
            source,
            '" onmouseover=alert(2) x="',
            speaker=make_actor("<b>Speaker</b>"),
        )
        response = self.get(self.factchecker, reverse("source-detail", args=[source.pk]))
        self.assertEqual(response.status_code, 200)
        for raw in ("<script>alert", "<img src=x", "<i onmouseover", "<b>bold", "<b>Speaker"):
            self.assertNotContains(response, raw)
        self.assertNotContains(response, 'href="javascript:')
        self.assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
        self.assertContains(response, f'id="a{attribution.pk}" class="hl hl-paraphrase" ')
        self.assertContains(response, "&quot; onmouseover=alert(2) x=&quot;</mark>")

    # Query budget ---------------------------------------------------------

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.factchecker)
        with self.assertNumQueries(READER_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        # Ten times as many rows in the database, and on this very article.
        for n in range(9):
            build_evidence(make_claim(f"Scaling claim {n}"), reviewer=self.factchecker)
            claim = make_claim(f"Scaling claim on the article {n}")
            make_attribution(claim, self.source, "more talks would follow", speaker=self.minister)
            make_attribution(claim, self.source, "Critics disagreed")
            self.source.relay_links.create(outlet=make_outlet(f"Relay {n}"))
        self.assertEqual(self.source.attributions.count(), 20)
        with self.assertNumQueries(READER_QUERIES):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        # The carried claims come without their stored origin groups (claim page only).
        for claim, _ in response.context["claims"]:
            self.assertIn("origin_groups", claim.get_deferred_fields())
