"""Margin notes in the source reader: /sources/<id>/ (web.source_views.source_detail)."""

import re

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import make_annotation, make_attribution, make_claim, make_source
from tests.web.test_source_detail import READER_QUERIES

# The reader's queries are listed in tests/web/test_source_detail.py; the notes
# and all their replies, with their authors, are one of them (8.).

BODY = (
    "Moscow, Monday. The minister said the talks were useful.\n\n"
    "Critics disagreed. They said the talks achieved nothing at all."
)
HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"> & "quotes"'


class ReaderNotesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(BODY, title="Talks")
        cls.claim = make_claim("The talks were useful")
        cls.attribution = make_attribution(cls.claim, cls.source, "the talks were useful")
        cls.url = reverse("source-detail", args=[cls.source.pk])

    def setUp(self):
        self.first = make_annotation(
            self.editor, "Which talks?", source=self.source, quote="The minister said"
        )
        self.second = make_annotation(
            self.editor, "Nothing at all?", source=self.source, quote="achieved nothing"
        )
        self.reply = make_annotation(self.admin, "The Moscow round.", parent=self.first)

    def get(self, user):
        self.login(user)
        return self.client.get(self.url)

    def test_notes_sit_in_the_margin_of_the_paragraph_holding_their_passage(self):
        response = self.get(self.factchecker)
        rows = response.context["article_rows"]
        self.assertEqual(
            [[n.pk for n in row["notes"]] for row in rows], [[self.first.pk], [self.second.pk]]
        )
        html = response.content.decode()
        first_row = html.split('<div class="para-row">')[1]
        self.assertIn(f'id="note-{self.first.pk}"', first_row)
        self.assertIn("Which talks?", first_row)
        self.assertIn("The Moscow round.", first_row)  # the reply, in the thread
        self.assertNotIn("Nothing at all?", first_row)

    def test_the_passage_is_highlighted_and_linked_to_its_note(self):
        html = self.get(self.factchecker).content.decode()
        self.assertIn(
            f'<span class="note-anchor" id="passage-{self.first.pk}"></span>'
            f'<span class="note-hl" data-notes="{self.first.pk}">The minister said</span>',
            html,
        )
        self.assertIn(f'href="#passage-{self.first.pk}"', html)
        # A note over an attributed span wraps the attribution's highlight.
        make_annotation(self.editor, "Overlap", source=self.source, quote="minister said the talks")
        html = self.get(self.factchecker).content.decode()
        self.assertIn('<span class="note-hl" data-notes="', html)
        self.assertIn(f'data-attributions="{self.attribution.pk}"', html)

    def test_fact_checkers_read_but_get_no_forms(self):
        response = self.get(self.factchecker)
        self.assertContains(response, "Which talks?")
        self.assertNotContains(response, 'id="note-form"')
        self.assertNotContains(response, reverse("annotation-reply", args=[self.first.pk]))
        self.assertNotContains(response, reverse("annotation-edit", args=[self.first.pk]))
        self.assertContains(response, reverse("source-annotations-export", args=[self.source.pk]))

    def test_editors_get_the_form_reply_and_their_own_edit_and_delete(self):
        response = self.get(self.editor)
        self.assertContains(response, 'id="note-form"')
        self.assertContains(response, reverse("annotation-reply", args=[self.first.pk]))
        self.assertContains(response, reverse("annotation-edit", args=[self.first.pk]))
        self.assertContains(response, reverse("annotation-delete", args=[self.first.pk]))
        # Not on the admin's reply.
        self.assertNotContains(response, reverse("annotation-edit", args=[self.reply.pk]))
        self.assertNotContains(response, reverse("annotation-delete", args=[self.reply.pk]))

    def test_admins_may_delete_every_note_but_edit_only_their_own(self):
        response = self.get(self.admin)
        for note in (self.first, self.second, self.reply):
            self.assertContains(response, reverse("annotation-delete", args=[note.pk]))
        self.assertContains(response, reverse("annotation-edit", args=[self.reply.pk]))
        self.assertNotContains(response, reverse("annotation-edit", args=[self.first.pk]))

    def test_a_deleted_note_shows_as_deleted_with_its_replies(self):
        self.first.soft_delete(self.editor)
        self.second.soft_delete(self.editor)  # no replies: gone from the page
        response = self.get(self.factchecker)
        self.assertContains(response, "[deleted]", count=1)
        self.assertContains(response, "The Moscow round.")
        self.assertNotContains(response, "Which talks?")
        self.assertNotContains(response, "Nothing at all?")

    def test_hostile_note_text_is_escaped(self):
        make_annotation(self.editor, HOSTILE, source=self.source, quote="Critics")
        make_annotation(self.admin, HOSTILE, parent=self.first)
        response = self.get(self.editor)
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(
            response,
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x "
            "onerror=&quot;alert(1)&quot;&gt; &amp; &quot;quotes&quot;",
            count=2,
        )

    def test_users_without_the_right_see_the_article_without_notes(self):
        group = self.factchecker.groups.get()
        group.permissions.remove(*group.permissions.filter(codename="view_annotation"))
        response = self.get(self.factchecker)
        self.assertContains(response, "Critics disagreed.")
        self.assertNotContains(response, "Which talks?")
        self.assertNotContains(response, "note-hl")

    def test_query_count_does_not_grow_with_the_notes(self):
        self.login(self.editor)
        with self.assertNumQueries(READER_QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        # Ten times as many notes and replies, on this source and on others.
        for n in range(10):
            note = make_annotation(self.editor, f"n{n}", source=self.source, quote="Critics")
            reply = make_annotation(self.admin, f"r{n}", parent=note)
            make_annotation(self.editor, f"rr{n}", parent=reply)
            other = make_source(f"Another article, number {n}.")
            make_annotation(self.editor, f"o{n}", source=other, quote="Another")
        reply.soft_delete(self.admin)
        with self.assertNumQueries(READER_QUERIES):
            response = self.client.get(self.url)
        self.assertEqual(len(re.findall(r'id="note-\d+"', response.content.decode())), 2 + 1 + 30)
