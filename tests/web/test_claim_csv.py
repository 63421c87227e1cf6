"""The CSV export of the claim list: exactly the filtered list, streamed."""

import csv
import io

from django.urls import reverse

from claims.models import Claim
from tests.base import BaseTestCase
from tests.factories import grow_tenfold, load_demo, make_claim, make_newsroom, set_status
from web.views import CSV_COLUMNS, PAGE_SIZE

URL = reverse("claim-list-csv")


class ClaimCsvTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.news = make_newsroom(reviewer=cls.factchecker)

    def setUp(self):
        self.login(self.factchecker)

    def rows(self, query=""):
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        text = b"".join(response.streaming_content).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))

    def listed_ids(self, query=""):
        """Every claim id of the HTML list for `query`, page after page."""
        ids, page = [], 1
        while True:
            response = self.client.get(reverse("claim-list") + query + f"&page={page}")
            ids += [claim.pk for claim in response.context["claims"]]
            if not response.context["page"].has_next():
                return ids
            page += 1

    def test_signed_out_visitor_is_sent_to_sign_in(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(
            response, reverse("login") + "?next=/claims.csv", fetch_redirect_response=False
        )

    def test_user_without_a_role_gets_403(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_every_role_may_export(self):
        for user in (self.factchecker, self.editor, self.admin):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(len(self.rows()), 4)

    def test_columns_and_values(self):
        (row,) = self.rows("?status=corroborated")
        self.assertEqual(list(row), CSV_COLUMNS)
        meeting = self.news.meeting
        self.assertEqual(
            row,
            {
                "id": str(meeting.pk),
                "statement": meeting.statement,
                "event_start": "2019-06-01",
                "event_end": "2019-06-03",
                "status": "corroborated",
                "grade": "1",
                "verdict": "accurate",
                "origin_count": "2",
                "url": f"http://testserver{reverse('claim-detail', args=[meeting.pk])}",
            },
        )

    def test_equals_the_filtered_list_across_pages_in_order(self):
        for i in range(PAGE_SIZE + 3):
            set_status(make_claim(f"Filler {i}"), Claim.Status.UNSUPPORTED)
        for query in (
            "?sort=oldest",
            "?status=unsupported&sort=newest",
            "?reviewed=no&outlet_kind=state_media&sort=grade",
            "?q=sanctions",
        ):
            with self.subTest(query=query):
                self.assertEqual(
                    [int(row["id"]) for row in self.rows(query)], self.listed_ids(query)
                )
        self.assertEqual(len(self.rows("?status=unsupported")), PAGE_SIZE + 4)

    def test_spreadsheet_formulas_are_defused(self):
        make_claim('=HYPERLINK("http://evil.example","click")')
        (row,) = self.rows("?q=HYPERLINK")
        self.assertEqual(row["statement"], '\'=HYPERLINK("http://evil.example","click")')

    def test_invalid_filters_export_nothing_and_say_why(self):
        response = self.client.get(URL + "?event_from=yesterday")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "event_from", status_code=400)

    def test_query_count_is_constant(self):
        # 1 session, 2 user, 3-4 the user's and their groups' permissions,
        # 5 the claims (one streamed query, however many rows).
        def export():
            with self.assertNumQueries(5):
                return self.rows("?reviewed=no")

        self.assertEqual(len(export()), 3)
        for i in range(9):
            make_newsroom(label=f" copy {i}")
        self.assertEqual(len(export()), 3 + 9 * 4)


class DemoQueryCountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_demo()

    def test_same_queries_with_the_demo_and_ten_times_as_many_rows(self):
        # 1 session, 2 user, 3-4 permissions, 5 the claims.
        self.login(self.factchecker)
        with self.assertNumQueries(5):
            first = b"".join(self.client.get(URL + "?sort=oldest").streaming_content)
        grow_tenfold()
        with self.assertNumQueries(5):
            second = b"".join(self.client.get(URL + "?sort=oldest").streaming_content)
        self.assertEqual(second.count(b"\n"), 10 * (first.count(b"\n") - 1) + 1)
