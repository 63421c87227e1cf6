"""Control and direction characters in names and titles (lib.text, lib.fields).

Names and titles are cleaned on every way in (forms and admin, API, save,
bulk_create, update, the importer, the backup); a name stored before that rule
cannot reorder the sentence of an explanation that quotes it, and pages show
names and titles isolated in <bdi>.
"""

import re

from django.db import connection
from django.test import SimpleTestCase
from django.urls import reverse

from claims import engine
from claims.models import Actor, Claim, Tag
from lib.text import clean_line, isolate, normalize_name
from sources.models import Outlet, OwnerGroup, Source
from tests.api.base import APITestCase
from tests.factories import make_attribution, make_claim, make_outlet, make_source

ANSI = "\x1b[31mRed\x1b[0m Daily"
RLO = "Evil\u202e News"


class CleanLineTests(SimpleTestCase):
    def test_terminal_escapes_are_removed_whole(self):
        self.assertEqual(clean_line(ANSI), "Red Daily")
        self.assertEqual(clean_line("\x1b]0;pwned\x07Title"), "Title")
        self.assertEqual(clean_line("C1\x9b31m csi"), "C1 csi")

    def test_control_and_direction_characters_go_line_breaks_become_spaces(self):
        self.assertEqual(clean_line(RLO), "Evil News")
        self.assertEqual(clean_line("a\u2066b\u2069c\u200fd\u061ce\u202a"), "abcde")
        self.assertEqual(clean_line("One\r\nTwo\tThree\x07"), "One Two Three")

    def test_other_text_is_kept_as_typed_and_nul_is_left_for_the_validators(self):
        for text in ("Café «Le Monde»", "الجزيرة", "שלום עולם", "新华社", "a  b"):
            self.assertEqual(clean_line(text), text)
        self.assertEqual(clean_line("a\x00b"), "a\x00b")

    def test_name_keys_ignore_escapes(self):
        self.assertEqual(normalize_name(ANSI), normalize_name("Red Daily"))

    def test_isolate_wraps_only_names_that_can_reorder_text(self):
        self.assertEqual(isolate("TASS"), "TASS")
        self.assertEqual(isolate(RLO), f"\u2068{RLO}\u2069")
        self.assertEqual(isolate("الجزيرة"), "\u2068الجزيرة\u2069")
        self.assertEqual(isolate(isolate(RLO)), isolate(RLO))


class NamesAreCleanedOnEveryWayInTests(APITestCase):
    def test_save_bulk_create_and_update(self):
        outlet = Outlet.objects.create(name=ANSI)
        self.assertEqual(outlet.name, "Red Daily")
        self.assertEqual(Outlet.objects.get(pk=outlet.pk).name, "Red Daily")
        [group] = OwnerGroup.objects.bulk_create([OwnerGroup(name=RLO)])
        self.assertEqual(OwnerGroup.objects.get().name, "Evil News")
        OwnerGroup.objects.filter(pk=group.pk).update(name="Holding\x1b[1m Co")
        self.assertEqual(OwnerGroup.objects.get().name, "Holding Co")
        tag = Tag.objects.create(name="Zz\u202e!", slug="zz")
        self.assertEqual(tag.name, "Zz!")
        source = make_source(title="\x1b[2JBreaking\u202e", byline="By\tA.\x1b[0m Writer")
        source.refresh_from_db()
        self.assertEqual((source.title, source.byline), ("Breaking", "By A. Writer"))

    def test_full_clean_as_forms_and_the_admin_run_it(self):
        actor = Actor(name="Ivan\u202e Petrov", role="\x1b[31mMinister")
        actor.full_clean()
        self.assertEqual((actor.name, actor.role), ("Ivan Petrov", "Minister"))

    def test_the_api(self):
        response = self.api(self.admin).post(
            "/api/actors", {"name": "\x1b[31mAnna\x1b[0m K.", "kind": "official"}, format="json"
        )
        self.assertStatus(response, 201)
        self.assertEqual(Actor.objects.get().name, "Anna K.")

    def test_the_admin_change_form(self):
        self.login(self.admin)
        outlet = make_outlet("Plain")
        response = self.client.post(
            reverse("admin:sources_outlet_change", args=[outlet.pk]),
            {
                "name": "Plain\u202e Times",
                "kind": "newspaper",
                "reliability": "F",
                "aliases-TOTAL_FORMS": "0",
                "aliases-INITIAL_FORMS": "0",
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.assertEqual(Outlet.objects.get(pk=outlet.pk).name, "Plain Times")


class StoredDirectionCharactersTests(APITestCase):
    def test_a_stored_override_cannot_reverse_the_rest_of_an_explanation(self):
        outlet = make_outlet("Placeholder")
        # A name stored before names were cleaned: written past the field, in SQL.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Outlet._meta.db_table} SET name = %s WHERE id = %s",  # noqa: S608
                [RLO, outlet.pk],
            )
        claim = make_claim("The bridge was closed.")
        make_attribution(claim, make_source(outlet=outlet, body="The bridge was closed, it said."))
        engine.recompute_claims([claim.pk])
        explanation = Claim.objects.get(pk=claim.pk).explanation
        self.assertIn(f"\u2068{RLO}\u2069", explanation)
        # Every override is closed within an isolate: nothing outside one is reordered.
        outside = re.sub("\u2068[^\u2069]*\u2069", "", explanation)
        self.assertNotIn("\u202e", outside)

    def test_pages_isolate_titles_and_names(self):
        source = make_source(title="כותרת Title", byline="A. Writer", outlet=make_outlet("Daily"))
        self.login(self.factchecker)
        response = self.client.get(reverse("source-detail", args=[source.pk]))
        self.assertContains(response, "<h1><bdi>כותרת Title</bdi></h1>", html=False)
        self.assertContains(response, "<bdi>A. Writer</bdi>")
        self.assertContains(response, "<bdi>Daily</bdi>")
        response = self.client.get(reverse("outlet-detail", args=[source.outlet_id]))
        self.assertContains(response, "<h1><bdi>Daily</bdi></h1>", html=False)
        self.assertTrue(Source.objects.exists())
