"""Fuzzing the importer: random and malformed input never crashes it and never half-writes.

The parsers (parse_bytes: sniffing, decoding, text, HTML, JSON Lines, CSV, zip)
must answer every input with articles or clear errors. A whole import of
random files must store each article completely (source, relays,
suggestions whose quotes are the body's own text) or not at all.
"""

import io
import json
import zipfile

from django.test import SimpleTestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from intake.actions import import_articles
from intake.importer.articles import FileStatus, Parsed
from intake.importer.formats import parse_bytes
from intake.models import Suggestion
from sources.models import Source, SourceRelay
from tests.factories import make_actor, make_outlet

# Pieces of real articles and of hostile input, shuffled by hypothesis.
FRAGMENTS = [
    "Follow us on:",
    "Last update: October 14, 2024 23:44",
    "Newsroom logo",
    "None",
    "By Vusala Abbasova December 6, 2019",
    "June 7, 2014, 9:47 am",
    "“We have achieved a lot,” Yang Jiechi said.",
    '"Unclosed quote, Patrushev said',
    "According to Xinhua, the meetings were held.",
    "TASS said with reference to the Russian Security Council.",
    "RIA Novosti quoted Patrushev as saying on Wednesday.",
    "state media reports said",
    "Some analysts say that the relationship could someday lead to an alliance.",
    "Obviously, we are talking about exercises.",
    "he stated that “under the circumstances…”",
    "Subscribe to Pravda.Ru Telegram channel, Facebook, RSS!",
    "TBP and Agencies",
    "Leave a Reply",
    "<script>alert(1)</script>",
    "<html><body><p>",
    "</p></div>",
    '{"title": "x", "body": ',
    "title,body\n",
    '"a,b""c',
    "[Xinhua]",
    " / Mikhail Metzel / TASS",
    "\u00a0\u200b\ufeff",
    "\r\n",
    "\n\n",
    "…",
]

texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), min_size=0, max_size=25
).map("".join)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])


@st.composite
def files(draw):
    """Bytes of a plausible-looking or broken file in any of the formats."""
    kind = draw(st.sampled_from(["text", "html", "jsonl", "csv", "zip", "bytes"]))
    text = draw(texts)
    if kind == "html":
        text = f"<!doctype html><html><head><title>{draw(texts)}</title></head><body>{text}"
    elif kind == "jsonl":
        rows = draw(
            st.lists(
                st.one_of(
                    st.dictionaries(
                        st.sampled_from(["title", "body", "text", "url", "date", "outlet", "x"]),
                        st.one_of(texts, st.integers(), st.none(), st.lists(st.integers())),
                    ),
                    texts,
                ),
                max_size=5,
            )
        )
        text = "\n".join(json.dumps(row) if not isinstance(row, str) else row for row in rows)
    elif kind == "csv":
        text = "title,body,date\n" + text
    elif kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in draw(
                st.lists(
                    st.sampled_from(["a.txt", "b/c.html", "../x", "d.jsonl"]),
                    max_size=3,
                    unique=True,
                )
            ):
                archive.writestr(name, draw(texts))
        return buffer.getvalue()
    elif kind == "bytes":
        return draw(st.binary(max_size=2000))
    return text.encode(draw(encodings), errors="replace")


def check_parsed(test, items):
    test.assertIsInstance(items, list)
    test.assertTrue(items)
    for item in items:
        test.assertIsInstance(item, Parsed)
        if item.article is None:
            test.assertIsInstance(item.error, str)
            test.assertTrue(item.error.strip(), item)
        else:
            test.assertTrue(item.article.body.strip())
            test.assertLessEqual(len(item.article.title), 500)


class ParserFuzzTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=files())
    def test_parsers_answer_every_input_without_crashing(self, data):
        check_parsed(self, parse_bytes(data, "fuzz"))

    @settings(max_examples=100, deadline=None)
    @given(
        data=st.binary(max_size=4000), fmt=st.sampled_from(["text", "html", "jsonl", "csv", "zip"])
    )
    def test_forced_formats_answer_every_input(self, data, fmt):
        check_parsed(self, parse_bytes(data, "fuzz", fmt=fmt))


class ImportFuzzTests(TestCase):
    """Each example runs in its own transaction (hypothesis.extra.django)."""

    @classmethod
    def setUpTestData(cls):
        make_outlet("TASS")
        make_outlet("Xinhua")
        make_outlet("RIA Novosti")
        make_actor("Nikolai Patrushev", aliases=["Patrushev"])
        make_actor("Yang Jiechi", aliases=["Jiechi"])

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(batch=st.lists(files(), min_size=1, max_size=4))
    def test_every_article_is_stored_whole_or_not_at_all(self, batch):
        items = [item for n, data in enumerate(batch) for item in parse_bytes(data, f"f{n}")]
        result = import_articles(items)
        imported = [o for o in result.outcomes if o.status == FileStatus.IMPORTED]
        self.assertEqual(Source.objects.count(), len(imported))
        for outcome in result.outcomes:
            # A bug caught by the importer's last-resort handler counts as a crash here.
            self.assertFalse(outcome.message.startswith("unexpected error"), outcome.message)
            if outcome.status != FileStatus.IMPORTED:
                self.assertFalse(Source.objects.filter(import_label=outcome.path).exists())
        for source in Source.objects.prefetch_related("suggestions", "relay_links"):
            for suggestion in source.suggestions.all():
                self.assertEqual(source.body[suggestion.start : suggestion.end], suggestion.quote)
            for relay in source.relay_links.all():
                self.assertIn(relay.cue, source.body)
        self.assertFalse(Suggestion.objects.exclude(source__in=Source.objects.all()).exists())
        self.assertFalse(SourceRelay.objects.exclude(source__in=Source.objects.all()).exists())
