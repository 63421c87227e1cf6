"""The claim list at "/": roles, filters, facets, search, sorting, paging, queries."""

import datetime
import json
from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims import derived, search
from claims.actions import delete_attribution
from claims.models import Attribution, Claim
from tests.base import BaseTestCase
from tests.factories import (
    grow_tenfold,
    load_demo,
    make_actor,
    make_attribution,
    make_claim,
    make_newsroom,
    make_source,
    set_status,
)
from web.views import PAGE_SIZE

URL = reverse("claim-list")


class ClaimListCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom(reviewer=cls.factchecker)

    def setUp(self):
        self.login(self.factchecker)

    def listed(self, query=""):
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        return [claim.pk for claim in response.context["claims"]]

    def assertListed(self, query, expected):
        self.assertEqual(sorted(self.listed(query)), sorted(c.pk for c in expected), query)


class AccessTests(ClaimListCase):
    def test_signed_out_visitor_is_sent_to_sign_in(self):
        self.client.logout()
        response = self.client.get(URL + "?status=contested")
        self.assertRedirects(
            response,
            reverse("login") + "?next=/%3Fstatus%3Dcontested",
            fetch_redirect_response=False,
        )

    def test_user_without_a_role_gets_403(self):
        self.login(self.outsider)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Your role does not give you access", status_code=403)
        # The navigation offers a user without a role nothing to open.
        self.assertNotContains(response, f'href="{reverse("dashboard")}"', status_code=403)

    def test_every_role_may_read_the_list(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Patrushev met Yang Jiechi in Beijing")

    def test_navigation_shows_what_the_role_can_use(self):
        response = self.client.get(URL)
        self.assertContains(response, f'href="{reverse("dashboard")}"')
        self.assertContains(response, f'href="{reverse("claim-list")}"')


class FilterTests(ClaimListCase):
    def test_no_filter_lists_every_claim(self):
        self.assertListed("", self.news.claims)

    def test_status(self):
        n = self.news
        self.assertListed("?status=contested", [n.sanctions])
        self.assertListed("?status=contested&status=speculative", [n.sanctions, n.troops])

    def test_grade(self):
        n = self.news
        self.assertListed("?grade=6", [n.troops, n.summit])
        self.assertListed("?grade=1&grade=4", [n.meeting, n.sanctions])

    def test_verdict_and_reviewed(self):
        n = self.news
        self.assertListed("?verdict=accurate", [n.meeting])
        self.assertListed("?verdict=false", [])
        self.assertListed("?reviewed=yes", [n.meeting])
        self.assertListed("?reviewed=no", [n.troops, n.sanctions, n.summit])

    def test_speaker_by_name_or_alias(self):
        n = self.news
        self.assertListed("?speaker=Yang+Jiechi", [n.meeting])
        self.assertListed("?speaker=jiechi", [n.meeting])  # an alias, any case
        self.assertListed("?speaker=Nobody+Known", [])

    def test_speaker_kind(self):
        n = self.news
        self.assertListed("?speaker_kind=analyst", [n.troops])
        self.assertListed("?speaker_kind=official&speaker_kind=analyst", [n.meeting, n.troops])
        # No speaker at all: the outlet speaks for itself.
        self.assertListed("?speaker_kind=outlet_voice", [n.meeting, n.sanctions])

    def test_outlet_by_name_or_alias(self):
        n = self.news
        self.assertListed("?outlet=Wire+Agency", [n.meeting])
        self.assertListed("?outlet=WA", [n.meeting])
        self.assertListed("?outlet=Morning+Paper", [n.meeting, n.sanctions])

    def test_outlet_kind(self):
        n = self.news
        self.assertListed("?outlet_kind=state_media", [n.troops, n.sanctions])
        self.assertListed(
            "?outlet_kind=wire&outlet_kind=state_media", [n.meeting, n.troops, n.sanctions]
        )
        self.assertListed("?outlet_kind=unknown", [n.sanctions])

    def test_tag(self):
        self.assertListed(f"?tag={self.news.tag.slug}", [self.news.meeting])

    def test_event_date_range_overlaps(self):
        n = self.news
        # The meeting ran 2019-06-01 to 06-03: a range touching its last day finds it.
        self.assertListed("?event_from=2019-06-03&event_to=2019-12-31", [n.meeting])
        self.assertListed("?event_from=2019-06-04", [n.troops])
        self.assertListed("?event_to=2015-01-01", [n.sanctions])

    def test_has_disputes(self):
        n = self.news
        self.assertListed("?has_disputes=true", [n.sanctions])
        self.assertListed("?has_disputes=false", [n.meeting, n.troops, n.summit])

    def test_filters_combine(self):
        n = self.news
        self.assertListed("?outlet_kind=newspaper&reviewed=no", [n.sanctions])
        self.assertListed("?outlet_kind=newspaper&reviewed=no&status=corroborated", [])

    def test_bad_input_is_reported_and_left_out(self):
        response = self.client.get(URL + "?event_from=not-a-date&status=contested&status=bogus")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Some filters were not understood")
        self.assertContains(response, "Enter a valid date.")

    def test_form_keeps_facet_choices_for_the_next_search(self):
        response = self.client.get(URL + "?status=contested&outlet_kind=wire")
        self.assertContains(response, '<input type="hidden" name="status" value="contested">')
        self.assertContains(response, '<input type="hidden" name="outlet_kind" value="wire">')


class FacetTests(ClaimListCase):
    def facets(self, query=""):
        response = self.client.get(URL + query)
        return {
            facet["name"]: {o["value"]: o["count"] for o in facet["options"]}
            for facet in response.context["facets"]
        }

    def test_counts_over_everything(self):
        facets = self.facets()
        self.assertEqual(
            facets["status"],
            {"corroborated": 1, "speculative": 1, "contested": 1, "unsupported": 1},
        )
        self.assertEqual(facets["verdict"], {"accurate": 1})
        self.assertEqual(facets["reviewed"], {"yes": 1, "no": 3})
        # A claim counts once under each kind of outlet that carries it.
        self.assertEqual(
            facets["outlet_kind"], {"wire": 1, "newspaper": 2, "state_media": 2, "unknown": 1}
        )

    def test_counts_follow_the_filters(self):
        facets = self.facets("?reviewed=no")
        self.assertEqual(facets["status"], {"speculative": 1, "contested": 1, "unsupported": 1})
        self.assertEqual(facets["outlet_kind"], {"newspaper": 1, "state_media": 2, "unknown": 1})

    def test_search_facets_count_the_claims_listed(self):
        # On PostgreSQL a search counted on the search documents' copies of the claims'
        # facets (ClaimFilter.documents), elsewhere on the claims: either way, exactly the
        # claims the search lists.
        make_newsroom(label=" again")
        for query in (
            "?q=beijing",
            "?q=sanctions",
            "?q=sanctions&reviewed=no",
            "?q=beijing&outlet_kind=wire",
            "?q=sanctions&status=contested&status=corroborated",
        ):
            with self.subTest(query=query):
                listed = list(Claim.objects.filter(pk__in=self.listed(query)))
                self.assertTrue(listed)
                kinds = [
                    kind or "unknown"
                    for claim in listed
                    for bit, kind in enumerate(Claim.OUTLET_KIND_BITS)
                    if claim.outlet_kinds & (1 << bit)
                ]
                reviewed = Counter("yes" if claim.verdict else "no" for claim in listed)
                # Options with no claims are shown only when selected (count 0).
                facets = {
                    name: {value: n for value, n in options.items() if n}
                    for name, options in self.facets(query).items()
                }
                self.assertEqual(facets["status"], dict(Counter(c.status for c in listed)))
                self.assertEqual(facets["outlet_kind"], dict(Counter(kinds)))
                self.assertEqual(facets["reviewed"], dict(reviewed))

    def test_option_links_keep_the_other_filters(self):
        response = self.client.get(URL + "?q=sanctions&page=1")
        self.assertContains(response, 'href="?q=sanctions&amp;status=contested"')
        # A chosen option links to its own removal.
        response = self.client.get(URL + "?status=contested&reviewed=no")
        self.assertContains(response, 'href="?reviewed=no" aria-current="true"')


class SearchTests(ClaimListCase):
    def test_words_in_the_statement(self):
        self.assertListed("?q=cancelled", [self.news.summit])

    def test_words_only_in_a_quote(self):
        self.assertListed("?q=pipeline", [self.news.meeting])

    def test_every_word_must_match(self):
        self.assertListed("?q=sanctions+lifted", [self.news.sanctions])
        self.assertListed("?q=sanctions+pipeline", [])

    def test_statement_matches_rank_above_quote_matches(self):
        n = self.news
        quoted = make_claim("An unrelated statement")
        make_attribution(quoted, make_source(body="They discussed Beijing at length."), "Beijing")
        self.assertEqual(self.listed("?q=beijing"), [n.meeting.pk, quoted.pk])

    def test_best_match_order(self):
        # Claims whose statement matches first, more hits in it before fewer, even when
        # older; then claims matched only in their quotes, newest first however many
        # quotes match (the rank reads the statement alone, claims.search). Same words,
        # same lengths: SQLite's bm25 weighs the row's length. PostgreSQL (ts_rank) and
        # SQLite (bm25) alike.
        twice = make_claim("Zeppelin after zeppelin landed")
        once = make_claim("The zeppelin landed today")
        older, newer = make_claim("Another airship story"), make_claim("Further airship story")
        make_attribution(older, make_source(body="A zeppelin was seen. Then a zeppelin left."))
        make_attribution(newer, make_source(body="A zeppelin was seen over the sea."))
        now = timezone.now()
        for age, claim in enumerate([newer, older, once, twice]):
            Claim.objects.filter(pk=claim.pk).update(created_at=now - datetime.timedelta(days=age))
        expected = [twice.pk, once.pk, newer.pk, older.pk]
        self.assertEqual(self.listed("?q=zeppelin"), expected)
        self.assertEqual(self.listed("?q=zeppelin&sort=relevance"), expected)
        ranks = [c.search_rank for c in self.client.get(URL + "?q=zeppelin").context["claims"]]
        self.assertGreater(ranks[0], ranks[1])
        self.assertGreater(ranks[1], ranks[2])
        self.assertAlmostEqual(ranks[2], ranks[3])
        # Another sort still searches, in its own order.
        self.assertEqual(
            self.listed("?q=zeppelin&sort=oldest"), [twice.pk, once.pk, older.pk, newer.pk]
        )

    def test_search_results_page_in_order(self):
        # More matches than a page: page 2 goes on where page 1 stops, for every sort a
        # search pages on its documents alone (claims.filters.DOCUMENT_SORTS) and one
        # it does not. Same words, same lengths: the ranks tie, and the newest come first.
        now = timezone.now()
        made = [make_claim(f"Hovercraft report {i}") for i in range(PAGE_SIZE + 3)]
        for age, claim in enumerate(made):
            Claim.objects.filter(pk=claim.pk).update(created_at=now - datetime.timedelta(hours=age))
        newest_first = [claim.pk for claim in made]
        for sort, expected in (
            ("relevance", newest_first),
            ("newest", newest_first),
            ("oldest", newest_first[::-1]),
            ("status", newest_first),
            ("grade", newest_first),
        ):
            with self.subTest(sort=sort):
                first = self.listed(f"?q=hovercraft&sort={sort}")
                second = self.listed(f"?q=hovercraft&sort={sort}&page=2")
                self.assertEqual(first + second, expected)
        # A page past the last shows the last; a page that is no number, the first.
        response = self.client.get(URL + "?q=hovercraft&page=99")
        self.assertEqual(response.context["page"].number, 2)
        self.assertEqual([c.pk for c in response.context["claims"]], newest_first[PAGE_SIZE:])
        response = self.client.get(URL + "?q=hovercraft&page=first")
        self.assertEqual(response.context["page"].number, 1)
        self.assertEqual([c.pk for c in response.context["claims"]], newest_first[:PAGE_SIZE])

    def test_search_combines_with_filters_and_counts_matches(self):
        n = self.news
        response = self.client.get(URL + "?q=pipeline&status=" + n.meeting.status)
        self.assertEqual([c.pk for c in response.context["claims"]], [n.meeting.pk])
        self.assertEqual(response.context["page"].paginator.count, 1)
        self.assertListed("?q=pipeline&status=unsupported", [])

    def test_merged_claims_are_not_found(self):
        merged = make_claim("The zeppelin was grounded")
        Claim.objects.filter(pk=merged.pk).update(
            merged_into=self.news.summit, merged_at=timezone.now()
        )
        self.assertListed("?q=zeppelin", [])

    def test_search_follows_edits_to_statements_and_quotes(self):
        n = self.news
        n.summit.edit(self.editor, n.summit.version, statement="The summit was postponed to autumn")
        self.assertListed("?q=autumn", [n.summit])
        self.assertListed("?q=cancelled", [])
        make_attribution(n.troops, make_source(body="Armoured columns were seen."), "Armoured")
        self.assertListed("?q=armoured", [n.troops])
        delete_attribution(Attribution.objects.get(claim=n.meeting, quote__contains="pipeline"))
        self.assertListed("?q=pipeline", [])

    def test_bulk_edits_in_a_batch_are_searchable_at_its_end(self):
        with derived.batch() as refresh:
            source = make_source(body="A hovercraft was seen.")
            make_attribution(self.news.summit, source, refresh=refresh)
        self.assertListed("?q=hovercraft", [self.news.summit])

    def test_rebuild_all_restores_lost_documents(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DELETE FROM claims_claimsearchdocument")
            else:
                cursor.execute("DELETE FROM claims_claim_fts")
        self.assertListed("?q=pipeline", [])
        search.rebuild_all()
        self.assertListed("?q=pipeline", [self.news.meeting])

    def test_dumpdata_leaves_out_the_full_text_table(self):
        # claims.ClaimFullText (SQLite's FTS5 table; no table on PostgreSQL) is derived.
        out = StringIO()
        call_command("dumpdata", "claims", stdout=out)
        models = {row["model"] for row in json.loads(out.getvalue())}
        self.assertIn("claims.claim", models)
        self.assertNotIn("claims.claimfulltext", models)

    def test_search_is_escaped(self):
        response = self.client.get(URL + "?q=%3Cscript%3Ealert(1)%3C/script%3E")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>alert(1)")

    def test_english_words_are_stemmed(self):
        # PostgreSQL's 'english' config and SQLite's porter tokenizer both stem.
        self.assertListed("?q=lifting", [self.news.sanctions])

    def test_quoted_phrases(self):
        self.assertListed('?q="move+north"', [self.news.troops])
        self.assertListed('?q="north+move"', [])

    def test_search_syntax_is_not_an_error(self):
        for query in ('"', "NEAR(a b)", "statement:x", "a OR", "*", "-", "AND"):
            with self.subTest(query=query):
                response = self.client.get(URL, {"q": query})
                self.assertEqual(response.status_code, 200)


class SortTests(ClaimListCase):
    def test_sorts(self):
        n = self.news
        now = timezone.now()
        for age, claim in enumerate(n.claims):  # meeting newest … summit oldest
            Claim.objects.filter(pk=claim.pk).update(created_at=now - datetime.timedelta(days=age))
        order = [c.pk for c in n.claims]
        self.assertEqual(self.listed(""), order)
        self.assertEqual(self.listed("?sort=newest"), order)
        self.assertEqual(self.listed("?sort=oldest"), order[::-1])
        self.assertEqual(
            self.listed("?sort=grade"), [n.meeting.pk, n.sanctions.pk, n.troops.pk, n.summit.pk]
        )
        self.assertEqual(
            self.listed("?sort=evidence"), [n.meeting.pk, n.sanctions.pk, n.troops.pk, n.summit.pk]
        )
        self.assertEqual(
            self.listed("?sort=status"),
            [n.meeting.pk, n.troops.pk, n.sanctions.pk, n.summit.pk],
        )
        # Latest event first; claims without an event date last.
        self.assertEqual(
            self.listed("?sort=event"), [n.troops.pk, n.meeting.pk, n.sanctions.pk, n.summit.pk]
        )
        # The review queue: unreviewed only when asked; speculative before the rest, oldest first.
        self.assertEqual(
            self.listed("?reviewed=no&sort=queue"), [n.troops.pk, n.summit.pk, n.sanctions.pk]
        )

    def test_unknown_sort_is_reported(self):
        response = self.client.get(URL + "?sort=sideways")
        self.assertContains(response, "Some filters were not understood")


class PaginationTests(ClaimListCase):
    def test_pages_keep_the_filters(self):
        for i in range(PAGE_SIZE + 5):
            set_status(make_claim(f"Filler claim {i}"), Claim.Status.SINGLE_SOURCE)
        first = self.client.get(URL + "?status=single_source&sort=oldest")
        self.assertEqual(first.context["page"].paginator.count, PAGE_SIZE + 5)
        self.assertEqual(len(first.context["claims"]), PAGE_SIZE)
        self.assertContains(first, 'href="?status=single_source&amp;sort=oldest&amp;page=2"')
        second = self.client.get(URL + "?status=single_source&sort=oldest&page=2")
        self.assertEqual(
            [c.statement for c in second.context["claims"]],
            [f"Filler claim {i}" for i in range(PAGE_SIZE, PAGE_SIZE + 5)],
        )
        # Facet links drop the page number, so a new filter starts on page 1.
        self.assertContains(second, 'href="?sort=oldest"')

    def test_a_page_out_of_range_shows_the_last(self):
        response = self.client.get(URL + "?page=99")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"].number, 1)


class EscapingTests(ClaimListCase):
    def test_untrusted_text_is_escaped(self):
        make_claim('<script>alert("x")</script> said the minister')
        response = self.client.get(URL)
        self.assertNotContains(response, '<script>alert("x")</script>')
        self.assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")


class QueryCountTests(ClaimListCase):
    # 1 session, 2 user, 3-4 the user's and their groups' permissions,
    # 5 the facets: one GROUP BY status, verdict and outlet kinds of the filtered
    # claims, whose total is also the paginator's count (no COUNT query),
    # 6 the page of claims, 7 their tags, 8 their attribution and dispute
    # counts, 9 the tags for the filter form.
    QUERIES = 9

    def assertConstantQueries(self, query):
        with self.assertNumQueries(self.QUERIES):
            self.client.get(URL + query)
        for i in range(9):  # ten times as many rows
            make_newsroom(label=f" copy {i}", reviewer=self.factchecker)
        with self.assertNumQueries(self.QUERIES):
            response = self.client.get(URL + query)
        return response

    def test_unfiltered(self):
        response = self.assertConstantQueries("")
        self.assertEqual(response.context["page"].paginator.count, 40)
        # Rows come without the stored origin groups (ClaimQuerySet.listed): only the
        # claim page reads them, and they run to kilobytes for a big claim.
        for claim in response.context["claims"]:
            self.assertIn("origin_groups", claim.get_deferred_fields())

    def test_filtered_searched_and_sorted(self):
        response = self.assertConstantQueries(
            "?q=sanctions&outlet_kind=newspaper&has_disputes=true&sort=grade"
        )
        self.assertEqual(response.context["page"].paginator.count, 10)


class DemoQueryCountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_demo()

    def test_same_queries_with_the_demo_and_ten_times_as_many_rows(self):
        self.login(self.factchecker)
        queries = (
            "",
            "?status=single_source&sort=oldest",
            "?q=Patrushev&outlet_kind=newspaper&sort=evidence",
            # Counted and paged from the search documents on PostgreSQL (ClaimFilter.documents).
            "?q=Patrushev&reviewed=no",
            "?reviewed=no&has_disputes=false&speaker_kind=analyst&page=2",
        )
        for query in queries:
            with self.subTest(query=query), self.assertNumQueries(QueryCountTests.QUERIES):
                self.assertEqual(self.client.get(URL + query).status_code, 200)
        grow_tenfold(reviewer=self.factchecker)
        for query in queries:
            with self.subTest(query=query), self.assertNumQueries(QueryCountTests.QUERIES):
                self.assertEqual(self.client.get(URL + query).status_code, 200)


class ActorLinkTests(ClaimListCase):
    def test_speaker_filter_finds_actor_by_alias_only_once(self):
        # An actor named by two aliases is still one speaker, and the claim is listed once.
        make_actor("Other Person", aliases=["O. Person"])
        self.assertEqual(
            self.listed("?speaker=Yang+Jiechi&speaker_kind=official"), [self.news.meeting.pk]
        )
