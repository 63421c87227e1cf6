"""The claim page at scale: evidence a page at a time, the chain drawn per origin from the
groups the status engine stores (Claim.origin_groups), a bounded number of queries."""

import datetime
import itertools
import json
import re
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import chain, derived, engine
from claims.actions import (
    change_outlet,
    delete_attribution,
    edit_attribution,
    remove_attribution,
)
from claims.models import Attribution, Claim
from tests.base import BaseTestCase
from tests.factories import (
    make_actor,
    make_attribution,
    make_claim,
    make_outlet,
    make_owner_group,
    make_review,
    make_source,
)
from tests.web.test_claim_detail import CLAIM_PAGE_QUERIES, CLAIM_WITH_VERDICT_QUERIES
from web.reader import sentence_around
from web.views import EVIDENCE_PAGE_SIZE

_copies = itertools.count()
# Long enough that the context of a quote deep inside is a slice of the body.
FILLER = "Filler words go on here without saying much at all. " * 30


def grow(claim, n, outlets):
    """`n` live attributions on `claim` over sources of `outlets`: some undated, several
    per source, several sources per date, so the keyset cursor meets every tie."""
    made = []
    with derived.batch() as refresh:
        for i in range(n):
            if i % 3 == 0:
                published = None if i % 9 == 0 else datetime.date(2022, 1, 1 + i % 5)
                source = make_source(
                    f"{FILLER}\n\nIn report {i}, the minister said the border opened {i}. "
                    f"More text follows. {FILLER}\n\nThe border opened again {i}, an aide "
                    f"said. Talks continue {i}. (Copy {next(_copies)}.)",
                    outlet=outlets[i % len(outlets)],
                    published_on=published,
                )
                quotes = [
                    f"the border opened {i}",
                    f"The border opened again {i}",
                    f"Talks continue {i}",
                ]
            made.append(make_attribution(claim, source, quotes[i % 3], refresh=refresh))
    return made


def evidence_order(attributions):
    return sorted(
        attributions,
        key=lambda a: (
            a.source.published_on is None,
            a.source.published_on or datetime.date.min,
            a.source_id,
            a.start,
            a.pk,
        ),
    )


class EvidencePaginationTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outlets = [make_outlet(f"Gazette {i}") for i in range(4)]
        cls.claim = make_claim("The border opened")
        cls.attributions = grow(cls.claim, 120, cls.outlets)
        # Set aside: neither removed nor orphaned ones are evidence rows.
        remove_attribution(cls.attributions.pop(), None)
        cls.url = reverse("claim-detail", args=[cls.claim.pk])

    def pages(self):
        """Every page, following the "Next" links: [(ids, response)]."""
        url, pages = self.url, []
        while url:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            pages.append(([a.pk for a in response.context["attributions"]], response))
            url = response.context["evidence_next"]
            if url:
                url = self.url + url.split("#")[0]
        return pages

    def test_pages_follow_one_another_without_overlap_or_gap(self):
        self.login(self.factchecker)
        pages = self.pages()
        full, rest = divmod(119, EVIDENCE_PAGE_SIZE)
        self.assertEqual([len(ids) for ids, _ in pages], [EVIDENCE_PAGE_SIZE] * full + [rest])
        seen = [pk for ids, _ in pages for pk in ids]
        expected = [a.pk for a in evidence_order(self.claim.attributions.live())]
        self.assertEqual(seen, expected)
        # Every page counts all the evidence; only the last has no "Next" link.
        for _, response in pages:
            self.assertContains(response, 'Evidence <span class="muted">(119)</span>')
        self.assertContains(pages[0][1], 'rel="next"')
        self.assertNotContains(pages[-1][1], 'rel="next"')
        self.assertContains(pages[1][1], 'rel="first"')

    def test_each_quote_is_shown_in_the_context_of_the_whole_body(self):
        self.login(self.factchecker)
        for _ids, response in self.pages():
            for attribution in response.context["attributions"]:
                source = attribution.source
                full = Attribution.objects.select_related("source").get(pk=attribution.pk)
                self.assertEqual(
                    attribution.context,
                    sentence_around(full.source.body, full.start, full.end),
                )
                # Only the slice around the quote was read, never the whole body.
                self.assertNotIn("body", source.__dict__)
                self.assertLess(len(attribution.window), len(full.source.body))

    def test_a_bad_cursor_shows_the_first_page(self):
        self.login(self.factchecker)
        first = self.client.get(self.url)
        for cursor in ("nonsense", "2022-13-01.1.2.3", "-.x.1.1"):
            with self.subTest(cursor=cursor):
                response = self.client.get(self.url, {"after": cursor})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    [a.pk for a in response.context["attributions"]],
                    [a.pk for a in first.context["attributions"]],
                )

    def test_queries_are_the_same_with_one_attribution_and_with_120(self):
        self.login(self.factchecker)
        small = make_claim("A claim with one passage")
        grow(small, 1, self.outlets)
        small_url = reverse("claim-detail", args=[small.pk])
        second_page = self.url + self.client.get(self.url).context["evidence_next"].split("#")[0]
        for url in (small_url, self.url, second_page):
            with self.subTest(url=url), self.assertNumQueries(CLAIM_PAGE_QUERIES):
                self.assertEqual(self.client.get(url).status_code, 200)
        for claim in (small, self.claim):
            make_review(claim, self.factchecker, Claim.Verdict.ACCURATE)
            Claim.objects.filter(pk=claim.pk).update(verdict=Claim.Verdict.ACCURATE)
        for url in (small_url, self.url):
            with self.subTest(url=url), self.assertNumQueries(CLAIM_WITH_VERDICT_QUERIES):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_page_reads_no_source_body_whole(self):
        self.login(self.factchecker)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.url)
        for query in queries.captured_queries:
            sql = query["sql"]
            self.assertNotRegex(sql, r'"sources_source"\."body"(?!,\s*\()', sql[:200])
            self.assertNotIn('"sources_source"."original_text"', sql)

    def test_the_claimreview_lists_the_first_appearances(self):
        make_review(self.claim, self.factchecker, Claim.Verdict.ACCURATE)
        Claim.objects.filter(pk=self.claim.pk).update(verdict=Claim.Verdict.ACCURATE)
        self.login(self.factchecker)
        content = self.client.get(self.url).content.decode()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
        self.assertIsNotNone(block)
        data = json.loads(block.group(1))
        appearances = data["itemReviewed"]["appearance"]
        first = evidence_order(self.claim.attributions.live())[0]
        self.assertEqual(appearances[0]["headline"], first.source.title)
        self.assertEqual(data["itemReviewed"]["firstAppearance"], appearances[0])
        self.assertEqual(len(appearances), 20)  # capped: the claim appears in 40 articles


class StoredOriginGroupsTests(BaseTestCase):
    """Claim.origin_groups, written with the status, always equals a fresh evaluation."""

    def assertFresh(self, claim):
        claim.refresh_from_db()
        fresh = engine.evaluate([claim.pk])[claim.pk]
        self.assertEqual(claim.origin_groups, fresh.origin_groups)
        self.assertEqual(claim.origin_count, fresh.origin_count)
        return claim.origin_groups

    def test_groups_follow_every_change_to_the_evidence(self):
        owner = make_owner_group("Holding")
        sister_a = make_outlet("Sister A", owner_group=owner)
        sister_b = make_outlet("Sister B", owner_group=owner)
        wire = make_outlet("TASS", kind="wire")
        claim = make_claim("The talks went well")
        self.assertEqual(self.assertFresh(claim), [])

        first = make_attribution(claim, make_source("The talks went well.", outlet=sister_a))
        [group] = self.assertFresh(claim)
        self.assertEqual(
            (group["side"], group["label"], group["ids"]), ("supports", "Sister A", [first.pk])
        )

        second = make_attribution(claim, make_source("The talks went well, too.", outlet=sister_b))
        [group] = self.assertFresh(claim)
        self.assertEqual(group["label"], "Sister A · Sister B")
        self.assertIn("share the owner group", group["reason"])
        self.assertEqual(group["ids"], sorted([first.pk, second.pk]))

        # A relay named in the paragraph: the passage came through TASS.
        relayed = make_attribution(
            claim,
            make_source(
                "The talks went well, TASS said.",
                outlet=make_outlet("Relaying Daily"),
                relays=[wire],
            ),
            "The talks went well",
        )
        groups = self.assertFresh(claim)
        self.assertEqual([g["label"] for g in groups], ["Sister A · Sister B", "TASS"])
        self.assertEqual(groups[1]["via"], [[relayed.pk, "TASS"]])

        # Edited into a dispute, then a speculative one added, then removed, then deleted.
        edit_attribution(None, second, second.updated_at, stance=Attribution.Stance.DISPUTES)
        groups = self.assertFresh(claim)
        self.assertEqual([g["side"] for g in groups], ["supports", "supports", "disputes"])
        pundit = make_actor("Some pundit", kind="analyst")
        guess = make_attribution(
            claim, make_source("It might go well.", outlet=wire), "It might go well", speaker=pundit
        )
        groups = self.assertFresh(claim)
        self.assertEqual(groups[-1]["side"], "uncounted")
        self.assertEqual(groups[-1]["ids"], [guess.pk])
        self.assertIn("analyst", dict(groups[-1]["notes"])[guess.pk])
        remove_attribution(guess, None)
        self.assertNotIn("uncounted", [g["side"] for g in self.assertFresh(claim)])
        delete_attribution(relayed)
        self.assertEqual(len(self.assertFresh(claim)), 2)
        # An outlet renamed: the label follows.
        change_outlet(sister_a, name="Sister Alpha")
        self.assertEqual(self.assertFresh(claim)[0]["label"], "Sister Alpha")

    def test_recompute_check_finds_no_drift_and_fills_a_cleared_claim(self):
        claim = make_claim("Something happened")
        make_attribution(claim, make_source("Something happened.", outlet=make_outlet("Paper")))
        Claim.objects.filter(pk=claim.pk).update(origin_groups=[])
        out = StringIO()
        call_command("recompute_status", stdout=out)
        self.assertFresh(claim)
        self.assertEqual(len(claim.origin_groups), 1)
        self.assertEqual(engine.fill_origin_groups(), Claim.objects.count())
        self.assertFresh(claim)


class ChainPerOriginTests(BaseTestCase):
    def chain_of(self, claim):
        self.login(self.factchecker)
        response = self.client.get(reverse("claim-detail", args=[claim.pk]))
        self.assertEqual(response.status_code, 200)
        return response, response.content.decode()

    def test_an_origin_with_many_passages_draws_a_few_and_counts_the_rest(self):
        outlet = make_outlet("Big Paper")
        claim = make_claim("The border opened")
        grow(claim, 10, [outlet])
        response, svg = self.chain_of(claim)
        [group] = response.context["groups"]
        self.assertEqual(group.count, 10)
        self.assertEqual(len(group.attributions), chain.MAX_DRAWN)
        self.assertEqual(svg.count('class="chain-frame '), 1)
        self.assertEqual(svg.count('class="chain-node attribution stance-'), chain.MAX_DRAWN)
        self.assertEqual(svg.count('class="chain-node attribution more"'), 1)
        self.assertIn(f">+{10 - chain.MAX_DRAWN} more</text>", svg)
        self.assertIn(">10 passages, 4 articles</text>", svg)

    def test_origins_beyond_the_limit_share_one_frame_with_their_counts(self):
        outlets = [make_outlet(f"Paper {i:02}") for i in range(chain.MAX_GROUPS + 3)]
        claim = make_claim("The border opened")
        with derived.batch() as refresh:
            for i, outlet in enumerate(outlets):
                words = " ".join(f"w{i}x{j}" for j in range(8))
                body = f"Paper {i} says {words}: the border opened."
                source = make_source(body, outlet=outlet)
                make_attribution(claim, source, "the border opened", refresh=refresh)
        response, svg = self.chain_of(claim)
        self.assertEqual(len(response.context["groups"]), chain.MAX_GROUPS + 3)
        self.assertEqual(svg.count('class="chain-frame '), chain.MAX_GROUPS + 1)
        self.assertIn(">3 more origins</text>", svg)
        self.assertIn(">3 passages</text>", svg)
        self.assertEqual(svg.count('class="chain-node attribution stance-'), chain.MAX_GROUPS)
