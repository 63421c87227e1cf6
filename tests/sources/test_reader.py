"""Quotes in context and highlighted paragraphs (web.reader)."""

from django.test import SimpleTestCase

from web.reader import paragraph_ranges, quote_in_context, sentence_around


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

    def test_html_is_escaped(self):
        body = "<b>Bold</b> claim: <script>x()</script> here."
        start = body.index("<script>")
        html = quote_in_context(body, start, start + len("<script>x()</script>"))
        self.assertEqual(
            html,
            '&lt;b&gt;Bold&lt;/b&gt; claim: <mark class="quote">&lt;script&gt;x()'
            "&lt;/script&gt;</mark> here.",
        )


class ParagraphRangesTests(SimpleTestCase):
    def test_blank_lines_separate_paragraphs(self):
        body = "One\nstill one\n\n  \nTwo\n\nThree"
        self.assertEqual(
            [body[a:b] for a, b in paragraph_ranges(body)], ["One\nstill one", "Two", "Three"]
        )
