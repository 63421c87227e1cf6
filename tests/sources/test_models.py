from django.db import IntegrityError, transaction

from lib.text import content_hash, normalize_name
from sources.models import Outlet, QuoteNotFound, Source
from tests.base import BaseTestCase
from tests.factories import make_outlet, make_source


class ContentHashTests(BaseTestCase):
    def test_same_text_cannot_come_in_twice(self):
        make_source(body="Patrushev met Yang Jiechi in Beijing.")
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_source(body="Patrushev met Yang Jiechi in Beijing.")

    def test_hash_ignores_nbsp_and_line_endings_but_body_keeps_them(self):
        body = "Patrushev\u00a0met Yang Jiechi.\r\n"
        source = make_source(body=body)
        source.refresh_from_db()
        self.assertEqual(source.body, body)
        self.assertEqual(source.content_hash, content_hash("Patrushev met Yang Jiechi.\n"))
        self.assertEqual(Source.objects.duplicate_of("Patrushev met  Yang Jiechi."), source)

    def test_different_text_is_not_a_duplicate(self):
        make_source(body="One article.")
        self.assertIsNone(Source.objects.duplicate_of("Another article."))


class UrlUniquenessTests(BaseTestCase):
    def test_url_is_unique_when_present(self):
        make_source(body="First", url="https://example.org/a")
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_source(body="Second", url="https://example.org/a")

    def test_many_sources_may_have_no_url(self):
        make_source(body="First")
        make_source(body="Second")
        self.assertEqual(Source.objects.filter(url="").count(), 2)

    def test_duplicate_of_finds_same_url(self):
        source = make_source(body="First", url="https://example.org/a")
        self.assertEqual(Source.objects.duplicate_of("Other text", url=source.url), source)


class PublishedDisplayTests(BaseTestCase):
    def test_unknown_date_shows_as_unknown(self):
        self.assertEqual(make_source().published_display, "unknown")


class FindQuoteTests(BaseTestCase):
    def test_quote_not_in_text_is_a_clear_error(self):
        source = make_source(body="Xi met Patrushev.")
        with self.assertRaisesMessage(QuoteNotFound, "does not occur"):
            source.find_quote("Putin met Xi")

    def test_repeated_quote_is_told_apart_by_context(self):
        source = make_source(body="TASS said yes. RIA said no. TASS said yes.")
        self.assertEqual(source.find_quote("TASS said yes.", prefix="no. "), (28, 42))
        self.assertEqual(source.find_quote("TASS said yes.", suffix=" RIA"), (0, 14))
        with self.assertRaisesMessage(QuoteNotFound, "occurs more than once"):
            source.find_quote("TASS said yes.")


class OutletAliasTests(BaseTestCase):
    def test_resolves_name_and_aliases_ignoring_case_and_punctuation(self):
        pravda = make_outlet("Pravda.Ru", aliases=["Pravda Report", "english.pravda.ru"])
        self.assertEqual(Outlet.objects.resolve("PRAVDA.RU"), pravda)
        self.assertEqual(Outlet.objects.resolve("pravda\u00a0report"), pravda)
        self.assertEqual(Outlet.objects.resolve("English.Pravda.ru"), pravda)
        self.assertIsNone(Outlet.objects.resolve("Pravda"))
        self.assertIsNone(Outlet.objects.resolve(""))

    def test_alias_spelling_means_one_outlet(self):
        make_outlet("TASS", aliases=["ITAR-TASS"])
        other = make_outlet("Other")
        with self.assertRaises(IntegrityError), transaction.atomic():
            other.aliases.create(name="itar tass")

    def test_normalize_name(self):
        self.assertEqual(normalize_name("  Chang\u00a0Wanquán "), "chang wanquan")
