"""Quotes in context and highlighted paragraphs (web.reader), and the templates that draw them."""

import html
import re

from django.template.loader import render_to_string
from django.test import SimpleTestCase

from claims.models import Actor, Annotation, Attribution, Claim
from sources.models import Outlet, Source
from web.reader import highlighted_paragraphs, margin_rows, paragraph_ranges, sentence_around

# Untrusted text that would run, or end an attribute and add one, if printed raw.
HOSTILE = '<script>alert("x")</script><img src=x onerror=\'alert(1)\'> " onmouseover="alert(2)'


def around(body, quote, **kwargs):
    start = body.index(quote)
    return sentence_around(body, start, start + len(quote), **kwargs)


class SentenceAroundTests(SimpleTestCase):
    def test_the_sentence_holding_the_quote(self):
        body = "First one. Then the minister said the talks went well. Last one."
        self.assertEqual(
            around(body, "the talks went well"),
            ("Then the minister said ", "the talks went well", "."),
        )

    def test_a_quote_ending_its_sentence_and_closing_quotation_marks(self):
        body = "He said: “We will win.” Then he left. Next."
        self.assertEqual(around(body, "We will win."), ("He said: “", "We will win.", "”"))

    def test_paragraph_breaks_end_sentences_and_white_space_is_collapsed(self):
        body = "Headline without a stop\n\nBody   text\nwith the quote in it\n\nNext"
        self.assertEqual(around(body, "the quote"), ("Body text with ", "the quote", " in it"))

    def test_long_sentences_are_cut_with_an_ellipsis(self):
        body = "word " * 200 + "QUOTE " + "word " * 200
        before, quote, after = around(body, "QUOTE", limit=30)
        self.assertTrue(before.startswith("…"))
        self.assertTrue(after.endswith("…"))
        self.assertLess(len(before) + len(after), 80)

    def test_the_text_comes_back_as_plain_text_for_the_template_to_escape(self):
        body = "<b>Bold</b> claim: <script>x()</script> here."
        self.assertEqual(
            around(body, "<script>x()</script>"),
            ("<b>Bold</b> claim: ", "<script>x()</script>", " here."),
        )


class ParagraphRangesTests(SimpleTestCase):
    def test_blank_lines_separate_paragraphs(self):
        body = "One\nstill one\n\n  \nTwo\n\nThree"
        self.assertEqual(
            [body[a:b] for a, b in paragraph_ranges(body)], ["One\nstill one", "Two", "Three"]
        )


class ArticleTextTemplateTests(SimpleTestCase):
    """templates/sources/partials/article_text.html draws highlighted_paragraphs()."""

    def render(self, body, attributions, notes=()):
        paragraphs = highlighted_paragraphs(body, attributions, notes)
        return render_to_string(
            "sources/partials/article_text.html",
            {"article_rows": margin_rows(body, paragraphs, [])},
        )

    def attribution(self, pk, body, quote, statement="A claim"):
        start = body.index(quote)
        return Attribution(
            pk=pk,
            claim=Claim(pk=pk + 100, statement=statement),
            start=start,
            end=start + len(quote),
            kind=Attribution.Kind.DIRECT_QUOTE,
            stance=Attribution.Stance.SUPPORTS,
        )

    def test_hostile_text_stays_inert_in_the_text_the_highlights_and_their_titles(self):
        body = f"Intro {HOSTILE} middle.\nSecond line {HOSTILE}.\n\nNext paragraph."
        quoted = self.attribution(1, body, f"middle.\nSecond line {HOSTILE}", statement=HOSTILE)
        note = Annotation(pk=5, start=body.index("Intro"), end=body.index("Intro") + 5)
        out = self.render(body, [quoted], [note])
        self.assertNotIn("<script", out)
        self.assertNotIn("<img", out)
        self.assertNotIn('" onmouseover=', out)
        escaped = html.escape(HOSTILE)
        self.assertIn(f"Intro</span> {escaped} ", out)
        self.assertIn(f'title="Direct quote (supports): {escaped}"', out)
        self.assertIn(f"middle.<br>Second line {escaped}</mark></a>", out)

    def test_the_paragraphs_hold_the_body_exactly_with_one_br_per_line_break(self):
        body = 'One <b>\nline & two.\n\nThree "quoted".'
        out = self.render(body, [self.attribution(1, body, "line & two")])
        paragraphs = re.findall(r'<p class="body-paragraph" data-start="(\d+)">(.*?)</p>', out)
        self.assertEqual([int(start) for start, _ in paragraphs], [0, body.index("Three")])
        texts = [
            html.unescape(re.sub(r"<[^>]+>", "", p.replace("<br>", "\n"))) for _, p in paragraphs
        ]
        self.assertEqual(texts, [body[a:b] for a, b in paragraph_ranges(body)])


class EvidenceRowTemplateTests(SimpleTestCase):
    """templates/claims/partials/evidence_table.html draws web.views.evidence_page()'s rows."""

    def test_hostile_names_and_text_stay_inert_in_every_column(self):
        outlet = Outlet(pk=3, name=f"Outlet {HOSTILE}")
        source = Source(pk=2, title=f"Title {HOSTILE}", outlet=outlet)
        speaker = Actor(pk=4, name=f"Speaker {HOSTILE}", kind=Actor.Kind.OFFICIAL)
        row = Attribution(
            pk=1,
            source=source,
            speaker=speaker,
            relayed_via=Outlet(pk=6, name=f"Wire {HOSTILE}"),
            kind=Attribution.Kind.PARAPHRASE,
            stance=Attribution.Stance.SUPPORTS,
        )
        body = f"It said {HOSTILE} loudly."
        row.context = sentence_around(body, body.index(HOSTILE), body.index(" loudly"))
        row.source_label = source.title
        row.speaker_detail = f"Role {HOSTILE}"
        row.via_name = ""
        for name in ("source_url", "edit_url", "speaker_url", "relay_url", "outlet_url"):
            setattr(row, name, f"/{name}/?q={HOSTILE}")
        out = render_to_string(
            "claims/partials/evidence_table.html",
            {"attributions": [row], "evidence_count": 1, "can_edit_evidence": True},
        )
        self.assertNotIn("<script", out)
        self.assertNotIn("<img", out)
        self.assertNotIn('" onmouseover=', out)
        escaped = html.escape(HOSTILE)
        self.assertIn(f'It said <mark class="quote">{escaped}</mark> loudly.', out)
        for text in ("Outlet ", "Title ", "Speaker ", "Role ", "Wire "):
            self.assertIn(f"{text}{escaped}", out)
        self.assertIn(f'href="/edit_url/?q={escaped}"', out)
