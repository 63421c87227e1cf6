"""Suggestion rows: what an import stores for a source, and how a text correction moves them."""

from intake.actions import correct_source_text, import_article
from intake.importer.articles import ArticleData
from intake.models import Suggestion
from intake.suggest.attributions import Suggested
from intake.suggestions import store_suggestions
from tests.base import BaseTestCase
from tests.factories import make_actor, make_outlet, make_source

TEXT = (
    "Lavrov in Beijing\n\n"
    "“We see eye to eye on all major questions,” Sergey Lavrov said after the talks.\n\n"
    "Political scientist Ivan Petrovsky wrote that the visit could change the region.\n\n"
    "The talks lasted two days."
)


class SuggestionsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lavrov = make_actor("Sergey Lavrov", role="Minister of Foreign Affairs of Russia")
        cls.paper = make_outlet("Morning Paper")
        article = ArticleData(body=TEXT, title="Lavrov in Beijing")
        cls.source = import_article(article, label="Lavrov in Beijing", outlet=cls.paper).source
        cls.quote = cls.source.suggestions.get(speaker=cls.lavrov)
        cls.pundit = cls.source.suggestions.get(speaker_name="Ivan Petrovsky")


class StoreTests(SuggestionsTestCase):
    def test_an_import_stores_pending_suggestions_on_the_text(self):
        for suggestion in (self.quote, self.pundit):
            self.assertEqual(suggestion.state, Suggestion.State.PENDING)
            self.assertEqual(TEXT[suggestion.start : suggestion.end], suggestion.quote)
        self.assertEqual(self.quote.kind, "direct_quote")

    def test_long_values_are_cut_to_their_fields_in_one_insert(self):
        source = make_source("Another text said so.")
        found = Suggested(
            start=0,
            end=7,
            quote="Another",
            cue="c" * 400,
            kind="paraphrase",
            speaker_name="n" * 400,
        )
        with self.assertNumQueries(1):  # the INSERT
            store_suggestions(source.pk, [found])
        stored = source.suggestions.get()
        self.assertEqual((len(stored.cue), len(stored.speaker_name)), (300, 300))
        self.assertEqual(stored.state, Suggestion.State.PENDING)


class CorrectionTests(SuggestionsTestCase):
    """Correcting an article's text re-anchors its pending suggestions (correct_source_text)."""

    def test_pending_suggestions_follow_the_text_or_are_dismissed(self):
        body = self.source.body
        new_body = "A correction note.\n\n" + body.replace(
            "Political scientist Ivan Petrovsky wrote that the visit could change the region.",
            "An unrelated paragraph.",
        )

        correct_source_text(self.source, new_body, self.admin, note="Typo")

        self.quote.refresh_from_db()
        self.pundit.refresh_from_db()
        self.assertEqual(self.quote.state, Suggestion.State.PENDING)
        self.assertEqual(new_body[self.quote.start : self.quote.end], self.quote.quote)
        self.assertEqual(
            (self.pundit.state, self.pundit.decided_by), (Suggestion.State.DISMISSED, self.admin)
        )
