"""Hostile text in every field that renders imported or user-written text, in view tests.

Each field carries script, HTML and attribute-injection payloads; every page
that shows it must escape it (the browser half is tests/browser/test_hardening.py).
"""

from django.urls import reverse

from claims.models import Attribution
from intake.models import Suggestion
from tests.base import BaseTestCase
from tests.factories import (
    make_actor,
    make_annotation,
    make_attribution,
    make_claim,
    make_outlet,
    make_review,
    make_source,
    make_tag,
)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
ATTR = '" onmouseover="alert(3)" x="'
SHORT = f"{SCRIPT}{IMG}{ATTR}"
PAYLOAD = SHORT + "<iframe src=javascript:alert(4)></iframe><b>bold</b>"
RAW = (SCRIPT, IMG, '" onmouseover="alert(3)"', "<iframe", "<b>bold</b>")


class HostileInputTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        outlet = make_outlet(f"Outlet {SHORT}", aliases=[f"Alias {SHORT}"[:100]])
        wire = make_outlet(f"Wire {SHORT}", kind="wire")
        cls.speaker = make_actor(f"Speaker {SHORT}", aliases=[f"Nick {SHORT}"[:100]])
        cls.source = make_source(
            f"Headline {PAYLOAD}\n\nThe article says {PAYLOAD} in the middle.\n\n"
            "The minister said the talks went well.",
            outlet=outlet,
            relays=[wire],
            title=f"Title {PAYLOAD}",
            byline=f"By {PAYLOAD}",
        )
        cls.outlet = outlet
        cls.claim = make_claim(f"Claim {PAYLOAD}")
        cls.claim.tags.add(make_tag(f"Tag {SHORT}"[:100]))
        cls.attribution = make_attribution(
            cls.claim,
            cls.source,
            f"says {PAYLOAD} in the middle",
            speaker=cls.speaker,
            relayed_via=wire,
            kind=Attribution.Kind.DIRECT_QUOTE,
        )
        make_annotation(cls.editor, f"Note {PAYLOAD}", claim=cls.claim)
        make_annotation(
            cls.editor, f"Passage {PAYLOAD}", source=cls.source, quote="the talks went well"
        )
        make_review(cls.claim, cls.factchecker, rationale=f"Rationale {PAYLOAD}")
        quote = "The minister said the talks went well"
        start = cls.source.body.index(quote)
        cls.suggestion = Suggestion.objects.create(
            source=cls.source,
            start=start,
            end=start + len(quote),
            quote=quote,
            cue=f"said {SHORT}",
            speaker_name=f"Minister {SHORT}",
            kind=Attribution.Kind.PARAPHRASE,
        )

    def pages(self):
        return {
            "claim-list": reverse("claim-list"),
            "claim-search": reverse("claim-list") + "?q=Claim",
            "claim-detail": reverse("claim-detail", args=[self.claim.pk]),
            "source-detail": reverse("source-detail", args=[self.source.pk]),
            "dashboard": reverse("dashboard"),
            "actor-detail": reverse("actor-detail", args=[self.speaker.pk]),
            "outlet-detail": reverse("outlet-detail", args=[self.outlet.pk]),
            "source-attribute": reverse("source-attribute", args=[self.source.pk]),
            "attribution-edit": reverse("attribution-edit", args=[self.attribution.pk]),
            "claim-edit": reverse("claim-edit", args=[self.claim.pk]),
            "suggestion-queue": reverse("suggestion-queue"),
            "suggestion-detail": reverse("suggestion-detail", args=[self.suggestion.pk]),
        }

    def test_every_page_escapes_the_payloads(self):
        self.login(self.editor)
        for name, url in self.pages().items():
            with self.subTest(page=name):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                for raw in RAW:
                    self.assertNotIn(raw, html)
                # The payload is there, escaped: shown as text, not dropped.
                self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)

    def test_the_claim_page_shows_each_field_escaped(self):
        self.login(self.editor)
        html = self.client.get(reverse("claim-detail", args=[self.claim.pk])).content.decode()
        # Title and Wire: in the evidence rows and the chain's SVG, both built in Python.
        for text in (
            "Claim ",
            "Note ",
            "Rationale ",
            "Speaker ",
            "Tag ",
            "Outlet ",
            "Title ",
            "Wire ",
        ):
            self.assertIn(f"{text}&lt;script&gt;alert(1)&lt;/script&gt;", html, text)

    def test_the_reader_shows_each_field_escaped(self):
        self.login(self.editor)
        html = self.client.get(reverse("source-detail", args=[self.source.pk])).content.decode()
        for text in ("Title ", "By ", "says ", "Passage ", "Outlet ", "Wire "):
            self.assertIn(f"{text}&lt;script&gt;alert(1)&lt;/script&gt;", html, text)

    def test_csv_export_neutralises_formulas(self):
        make_claim('=HYPERLINK("http://evil.example","x")')
        self.login(self.factchecker)
        response = self.client.get(reverse("claim-list-csv"))
        body = b"".join(response.streaming_content).decode()
        self.assertIn("'=HYPERLINK", body)
        self.assertNotIn("\n=HYPERLINK", body)
        self.assertNotIn(",=HYPERLINK", body)
