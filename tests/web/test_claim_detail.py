"""The claim page: /claims/<id>/ (web.views.claim_detail)."""

import html
import re

from django.urls import reverse

from claims import actions
from claims.models import Attribution, Claim
from tests.base import BaseTestCase
from tests.evidence import build_evidence
from tests.factories import make_actor, make_attribution, make_claim, make_outlet, make_source

# The claim page runs these queries, whatever the size of the claim or the database:
#  1. the session
#  2. the signed-in user
#  3. the user's own permissions     } require_perm("claims.view_claim"), then the
#  4. the user's groups' permissions } navigation's `perms` reuses the cache
#  5. the claim, with its creator and its origin groups (stored by the status engine)
#  6. the claim's tags
#  7. the ids of one page of its live attributions (EVIDENCE_PAGE_SIZE + 1), in date order
#  8. those attributions and the ones the chain draws one by one (a few per origin,
#     capped), with source, outlet, speaker, relaying agency and, for the page's rows,
#     the slice of the body around each quote
#  9. its removed and orphaned attributions (capped), with their sources
# 10. its reviews, with their reviewers
# 11. the claim's history records, with their users
# 12. the history records of its most recently changed attributions (capped)
# 13. the notes on the claim and on its attributions, with replies and authors
# (The similar claims load after the page, from /claims/similar/: static/js/similar.js.)
CLAIM_PAGE_QUERIES = 13
# A claim with a verdict also has its schema.org ClaimReview, which reads:
# 14. its first appearance (the earliest live supporting attribution)
# 15. the articles it appears in (capped)
CLAIM_WITH_VERDICT_QUERIES = 15


class ClaimDetailTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.claim = make_claim(
            "The minister confirmed the visit to the northern province", created_by=cls.editor
        )
        cls.unit = build_evidence(cls.claim, reviewer=cls.factchecker)
        cls.url = reverse("claim-detail", args=[cls.claim.pk])

    def get(self, user=None, url=None):
        if user is not None:
            self.login(user)
        return self.client.get(url or self.url)

    # Permissions ----------------------------------------------------------

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        response = self.get()
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_user_without_a_role_gets_403(self):
        self.assertEqual(self.get(self.outsider).status_code, 403)

    def test_every_role_may_read_the_claim(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, self.claim.statement)

    def test_only_a_fact_checker_sees_the_verdict_form(self):
        review_url = reverse("claim-review", args=[self.claim.pk])
        self.assertContains(self.get(self.factchecker), f'action="{review_url}"')
        for user in (self.editor, self.admin):
            with self.subTest(user=user.username):
                self.assertNotContains(self.get(user), f'action="{review_url}"')

    def test_missing_claim_is_404(self):
        response = self.get(self.factchecker, reverse("claim-detail", args=[999999]))
        self.assertEqual(response.status_code, 404)

    # Content --------------------------------------------------------------

    def test_status_grade_explanation_and_verdict_are_shown(self):
        Claim.objects.filter(pk=self.claim.pk).update(
            status=Claim.Status.CONTESTED, grade=4, explanation="Contested: Observer denies it."
        )
        response = self.get(self.factchecker)
        self.assertContains(response, 'class="badge badge-contested"')
        self.assertContains(response, "Contested: Observer denies it.")
        self.assertContains(response, "4 – Doubtful")
        self.assertContains(response, "Needs more sourcing")
        self.assertContains(response, "checked.")  # the review's rationale

    def test_each_quote_is_shown_inside_its_sentence_and_links_to_the_source(self):
        relayed = self.unit["attributions"][0]
        response = self.get(self.factchecker)
        n = relayed.quote.rsplit(" ", 1)[-1]
        self.assertContains(
            response,
            f'According to Wire {n}, <mark class="quote">{relayed.quote}</mark>.',
            html=False,
        )
        source_url = reverse("source-detail", args=[relayed.source_id])
        self.assertContains(response, f'href="{source_url}#a{relayed.pk}"')
        self.assertContains(response, f'id="e{relayed.pk}"')

    def test_evidence_rows_show_speaker_kind_stance_relay_outlet_and_date(self):
        relayed, _copy, orphan, _speculation, dispute = self.unit["attributions"]
        response = self.get(self.factchecker)
        content = response.content.decode()
        row = content[content.index(f'id="e{relayed.pk}"') :]
        row = row[: row.index("</tr>")]
        self.assertIn(relayed.speaker.name, row)
        self.assertIn("Paraphrase", row)
        self.assertIn("Supports", row)
        self.assertIn(
            f"{relayed.relayed_via.name}</bdi></a> → <bdi>{relayed.source.outlet.name}</bdi>", row
        )
        self.assertIn(relayed.source.published_on.isoformat(), row)
        row = content[content.index(f'id="e{orphan.pk}"') :]
        row = row[: row.index("</tr>")]
        self.assertIn("unknown", row)  # no outlet, no date
        self.assertNotIn("None", row)
        row = content[content.index(f'id="e{dispute.pk}"') :]
        self.assertIn("Disputes", row[: row.index("</tr>")])

    def test_chain_draws_one_frame_per_origin_as_the_status_engine_groups_them(self):
        response = self.get(self.factchecker)
        wire, paper, sister, independent = self.unit["outlets"]
        relayed, copy, orphan, speculation, dispute = self.unit["attributions"]
        groups = [
            (g.side, g.label, sorted(a.pk for a in g.attributions))
            for g in response.context["groups"]
        ]
        # The relayed report's origin is the wire, not the paper that printed it; the
        # blog without an outlet is its own origin; the pundit's hedge is left out.
        self.assertEqual(
            groups,
            [
                ("supports", wire.name, [relayed.pk]),
                ("supports", sister.name, [copy.pk]),
                (
                    "supports",
                    f"an article with no known outlet, “{orphan.source.title}”",
                    [orphan.pk],
                ),
                ("disputes", independent.name, [dispute.pk]),
                ("uncounted", "Not counted", [speculation.pk]),
            ],
        )
        svg = response.content.decode()
        self.assertIn('<svg class="chain"', svg)
        self.assertEqual(svg.count('class="chain-frame '), 5)
        self.assertIn(f"Origin 1: {wire.name}", svg)
        self.assertIn(f"Disputing origin 1: {independent.name}", svg)
        self.assertIn("Not counted: speculative", svg)
        self.assertEqual(svg.count('class="chain-node attribution'), 5)
        self.assertEqual(svg.count('class="chain-node attribution stance-supports speculative"'), 1)
        self.assertIn(f'href="#e{relayed.pk}"', svg)
        # The speaker and the agency the minister's words came through are drawn.
        self.assertIn(f">{relayed.speaker.name}</text>", svg)
        self.assertIn(f">{wire.name}</text>", svg)

    def test_the_cached_chain_is_drawn_anew_when_what_it_shows_changes(self):
        wire = self.unit["outlets"][0]
        self.get(self.factchecker)  # draws and caches the chain

        actions.change_outlet(wire, name="Renamed Wire Service")
        chain = re.search(r'<svg class="chain".*?</svg>', self.get().content.decode(), re.S)

        self.assertIn("Renamed Wire Service", chain.group())
        self.assertNotIn(f">{wire.name}<", chain.group().replace("Renamed Wire Service", ""))

    def test_origins_of_one_owner_share_one_frame(self):
        claim = make_claim("Two sister papers say the same thing")
        owner_group = self.unit["outlets"][1].owner_group
        for name in ("Sister A", "Sister B"):
            outlet = make_outlet(name, owner_group=owner_group)
            make_attribution(claim, make_source(f"{name} says the thing.", outlet=outlet))
        response = self.get(self.factchecker, reverse("claim-detail", args=[claim.pk]))
        [group] = response.context["groups"]
        self.assertEqual(group.label, "Sister A · Sister B")
        self.assertIn("share the owner group", group.reason)
        self.assertContains(response, "collapsed: Sister A and Sister B share the owner group")

    def test_near_copies_share_one_frame(self):
        claim = make_claim("A wire story was republished")
        paragraph = (
            "The delegation arrived on Monday and held talks on security cooperation "
            "with their hosts for two full days before returning home."
        )
        for name in ("Reprint One", "Reprint Two"):
            source = make_source(f"{name} headline\n\n{paragraph}", outlet=make_outlet(name))
            make_attribution(claim, source, "The delegation arrived on Monday")
        response = self.get(self.factchecker, reverse("claim-detail", args=[claim.pk]))
        [group] = response.context["groups"]
        self.assertEqual(group.label, "Reprint One · Reprint Two")
        self.assertIn("near-copies", group.reason)

    def test_a_relay_named_in_the_paragraph_is_drawn_and_listed(self):
        tass = make_outlet("TASS", kind="wire")
        source = make_source(
            "Headline\n\nThe talks went well, TASS said, citing the council.",
            outlet=make_outlet("Relaying Daily"),
            relays=[tass],
        )
        claim = make_claim("The talks went well")
        attribution = make_attribution(claim, source, "The talks went well")
        response = self.get(self.factchecker, reverse("claim-detail", args=[claim.pk]))
        [group] = response.context["groups"]
        self.assertEqual(group.label, "TASS")
        self.assertContains(
            response, '<bdi>TASS</bdi> <span class="muted">(named in the text)</span> →'
        )
        self.assertContains(response, "named as source</text>")
        self.assertEqual(response.context["attributions"][0].via_name, "TASS")
        self.assertEqual(attribution.relayed_via, None)

    def test_a_claim_without_evidence_says_so(self):
        claim = make_claim("Nobody has said this yet")
        response = self.get(self.factchecker, reverse("claim-detail", args=[claim.pk]))
        self.assertContains(response, "No attribution evidences this claim yet.")
        self.assertContains(response, "Unsupported: no supporting attribution.")
        self.assertNotContains(response, '<svg class="chain"')

    def test_similar_claims_are_suggested(self):
        similar = make_claim("The minister confirmed the visit to the southern province")
        unrelated = make_claim("Harvest figures rose sharply in the autumn quarter")
        response = self.get(self.factchecker)
        # The page loads them after it is shown (static/js/similar.js), from this address.
        html = response.content.decode()
        url = re.search(r'data-similar-url="([^"]+)"', html).group(1).replace("&amp;", "&")
        self.assertIn(f'data-claim="{self.claim.pk}"', html)
        self.assertIn("js/similar", html)
        found = self.client.get(url).json()["results"]
        suggested = [c["id"] for c in found if c["id"] != self.claim.pk]
        self.assertIn(similar.pk, suggested)
        self.assertNotIn(unrelated.pk, suggested)

    def test_history_shows_who_when_and_old_and_new_values(self):
        attribution = self.unit["attributions"][1]
        attribution.stance = Attribution.Stance.DISPUTES
        attribution._history_user = self.editor
        attribution.save()
        self.claim.refresh_from_db()
        self.claim.record_verdict(
            self.factchecker, Claim.Verdict.FALSE, "Wrong.", self.claim.version
        )
        response = self.get(self.factchecker)
        history = response.context["history"]
        verdict_change = next(e for e in history if any(c.field == "verdict" for c in e.changes))
        self.assertEqual(verdict_change.who, self.factchecker)
        [change] = [c for c in verdict_change.changes if c.field == "verdict"]
        self.assertEqual((change.old, change.new), ("—", "False"))
        stance_change = next(e for e in history if any(c.field == "stance" for c in e.changes))
        self.assertEqual(stance_change.who, self.editor)
        self.assertEqual(stance_change.anchor, f"#e{attribution.pk}")
        [change] = [c for c in stance_change.changes if c.field == "stance"]
        self.assertEqual((change.old, change.new), ("Supports", "Disputes"))
        self.assertContains(response, "<del")
        self.assertContains(response, "Disputes</ins>")

    def test_hostile_text_is_escaped(self):
        payload = '<script>alert("x")</script><img src=x onerror="alert(1)">'
        claim = make_claim(f"{payload} claim")
        source = make_source(
            f"Intro. He said {payload} loudly. Then more.",
            outlet=make_outlet(f'Outlet "{payload}'),
            title=payload,
        )
        speaker = make_actor(f"Speaker {payload}")
        make_attribution(claim, source, f"said {payload} loudly", speaker=speaker)
        response = self.get(self.factchecker, reverse("claim-detail", args=[claim.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
        self.assertContains(response, '<mark class="quote">said &lt;script&gt;')
        # The chain and the evidence row, both drawn by templates, escape every name,
        # also inside attributes (titles) where a quote would end the attribute.
        content = response.content.decode()
        svg = content[content.index('<svg class="chain"') : content.index("</svg>")]
        row = content[content.index('<tr id="e') :]
        row = row[: row.index("</tr>")]
        escaped = html.escape(payload)
        for piece in (svg, row):
            self.assertNotIn("<script", piece)
            self.assertNotIn("<img", piece)
            self.assertIn(f"Outlet &quot;{escaped}", piece)
            self.assertIn(f"Speaker {escaped}", piece)
        self.assertIn(f"<title>“said {escaped} loudly”</title>", svg)

    # Query budget ---------------------------------------------------------

    def test_query_count_does_not_grow_with_the_data(self):
        self.login(self.factchecker)
        with self.assertNumQueries(CLAIM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        # Ten times as many rows: in the database and on this very claim.
        for _ in range(9):
            build_evidence(self.claim, reviewer=self.factchecker)
        self.assertEqual(self.claim.attributions.count(), 50)
        with self.assertNumQueries(CLAIM_PAGE_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
