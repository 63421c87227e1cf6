"""Query budgets: every page and API list runs as many queries at ten times the demo.

One test loads the demo, counts the queries of each GET page (on the demo's
largest claim, source, actor and outlet), grows the data to about ten times
the demo with the corpus generator (bench.corpus, which
also fills the statuses and search documents), and asserts the same counts.
The per-page tests (tests/claims/test_*.py, tests/sources/test_*.py,
tests/api/test_*.py) list the queries of each page; this one covers every
page in one place, including those whose own test checks one size only.
"""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Length
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from bench import corpus
from claims.models import Actor, Attribution, Claim
from sources.models import Outlet, Source
from tests.factories import make_user


def pages():
    """The GET pages and API lists, on the demo's largest objects."""
    claim = Claim.objects.annotate(n=Count("attributions")).order_by("-n", "pk").first()
    source = Source.objects.annotate(n=Length("body")).order_by("-n", "pk").first()
    actor = Actor.objects.annotate(n=Count("attributions")).order_by("-n", "pk").first()
    outlet = Outlet.objects.annotate(n=Count("sources")).order_by("-n", "pk").first()
    attribution = Attribution.objects.filter(claim=claim).order_by("pk").first()
    return [
        "/",
        "/?status=single_source&status=corroborated&has_disputes=false",
        "/?q=security",
        "/?sort=oldest&page=2",
        "/claims.csv",
        "/dashboard/",
        f"/claims/{claim.pk}/",
        f"/claims/{claim.pk}/edit/",
        f"/claims/{claim.pk}/merge/",
        f"/claims/{claim.pk}/annotations.jsonld",
        "/claims/new/",
        "/claims/similar/?statement=security+council+talks",
        f"/actors/{actor.pk}/",
        f"/actors/{actor.pk}/merge/",
        f"/actors/autocomplete/?q={actor.name[:4]}",
        f"/attributions/{attribution.pk}/edit/",
        "/attributions/orphaned/",
        "/suggestions/",
        f"/sources/{source.pk}/",
        f"/sources/{source.pk}/attribute/",
        f"/sources/{source.pk}/correct/",
        f"/sources/{source.pk}/annotations.jsonld",
        f"/sources/outlets/{outlet.pk}/",
        "/api/claims",
        "/api/claims?status=single_source",
        "/api/sources",
        "/api/outlets",
        "/api/actors",
        "/api/attributions",
        "/api/annotations",
        "/api/import-batches",
    ]


class QueryBudgetTests(TestCase):
    def count(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def test_every_page_runs_the_same_queries_at_ten_times_the_demo(self):
        call_command("load_demo", stdout=StringIO())
        self.client.force_login(make_user("root", is_superuser=True, is_staff=True))
        demo_claims = Claim.objects.count()
        urls = pages()
        at_demo = {url: self.count(url) for url in urls}

        # Grow to about ten times the demo: claims (and sources, attributions … in proportion).
        corpus.build(scale=10 * demo_claims / 200_000, seed=3, out=lambda msg: None)
        self.assertGreaterEqual(Claim.objects.count(), 10 * demo_claims)
        for url in urls:
            with self.subTest(url=url), self.assertNumQueries(at_demo[url]):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)


class SearchedListBudgetTests(TestCase):
    """The searched claim list, ranked by best match: a fixed number of queries.

    A superuser needs no permission queries. 1 session, 2 user, 3 the facets of the
    matching claims (one GROUP BY, whose total is also the paginator's count),
    4 the page of claims matched and ranked in the same query (PostgreSQL: the
    GIN-indexed document; SQLite: the FTS5 table joined, bm25 computed once), 5
    their tags, 6 their attribution and dispute counts, 7 the tags for the filter form.
    """

    QUERIES = 7
    URL = "/?q=security&sort=relevance"

    def test_same_queries_at_the_demo_and_ten_times_the_demo(self):
        call_command("load_demo", stdout=StringIO())
        self.client.force_login(make_user("root", is_superuser=True, is_staff=True))
        with self.assertNumQueries(self.QUERIES):
            response = self.client.get(self.URL)
        demo_matches = response.context["page"].paginator.count
        self.assertGreater(demo_matches, 0)
        demo_claims = Claim.objects.count()
        corpus.build(scale=10 * demo_claims / 200_000, seed=3, out=lambda msg: None)
        with self.assertNumQueries(self.QUERIES):
            response = self.client.get(self.URL)
        self.assertGreater(response.context["page"].paginator.count, demo_matches)
