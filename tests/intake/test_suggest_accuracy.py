"""Accuracy of the suggested attributions on the five seeds, against hand-made annotations.

demo/expected_suggestions.toml lists what a careful editor marks in each seed
(quotes, reported speech, the outlet's own speculation) with its speaker. A
suggestion matches an expected passage when their spans overlap by at least
half of the shorter one AND they name the same speaker (the same actor, or the
same words when no actor fits; the outlet's own voice is no speaker). Each
expected passage matches one suggestion at most.

precision = matched suggestions / all suggestions
recall    = matched expected passages / all expected passages

The test prints the report and fails below 0.8 for either. The extractor was
written with these seeds in view, so these figures are an upper bound on what
it does with unseen articles; the tests in test_suggest.py hold it to general
rules on other texts.
"""

import re
import tomllib
from pathlib import Path

from django.conf import settings

from claims.models import Actor
from intake.actions import import_files
from intake.models import Suggestion
from lib.text import normalize_name
from sources.models import ImportBatch, Source
from tests.base import BaseTestCase
from tests.factories import make_demo_cast

EXPECTED_PATH = Path(settings.BASE_DIR) / "demo" / "expected_suggestions.toml"
SEEDS = Path(settings.BASE_DIR) / "demo" / "articles"
THRESHOLD = 0.8


def overlap(a, b):
    """Overlap of two (start, end) spans as a share of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return max(shared, 0) / max(1, min(a[1] - a[0], b[1] - b[0]))


def speaker_key(name, actor_id=None):
    if actor_id:
        return ("actor", actor_id)
    actor = Actor.objects.resolve(name) if name else None
    if actor is not None:
        return ("actor", actor.pk)
    return ("words", normalize_name(re.sub(r"^(?:the|a|an)\s+", "", name or "", flags=re.I)))


def evaluate():
    """(report lines, figures) for the suggestions stored for the seeds."""
    expected = tomllib.loads(EXPECTED_PATH.read_text("utf-8"))["expected"]
    sources = {Path(s.import_label).name: s for s in Source.objects.all()}
    suggestions = list(Suggestion.objects.select_related("source", "speaker"))
    matched_suggestions, matched_expected = set(), 0
    span_only, kinds, speculative, lines = 0, 0, 0, []
    for entry in expected:
        source = sources[entry["file"]]
        start = source.body.find(entry["quote"])
        assert start >= 0, f"expected passage not in the body: {entry['quote'][:60]}"
        span = (start, start + len(entry["quote"]))
        want = speaker_key(entry["speaker"])
        candidates = [
            s
            for s in suggestions
            if s.source_id == source.pk
            and s.pk not in matched_suggestions
            and overlap(span, (s.start, s.end)) >= 0.5
        ]
        if candidates:
            span_only += 1
        hit = next(
            (s for s in candidates if speaker_key(s.speaker_name, s.speaker_id) == want), None
        )
        if hit is None:
            found = ", ".join(
                f"“{c.speaker.name if c.speaker_id else c.speaker_name}”" for c in candidates
            )
            lines.append(
                f"  missed  {entry['file'][:3]} {entry['speaker'] or '(outlet)'}: "
                f"{entry['quote'][:70]}…" + (f" [suggested speaker {found}]" if found else "")
            )
            continue
        matched_suggestions.add(hit.pk)
        matched_expected += 1
        kinds += hit.kind == entry["kind"]
        speculative += hit.speculative == entry["speculative"]
    for s in suggestions:
        if s.pk not in matched_suggestions:
            who = s.speaker.name if s.speaker_id else (s.speaker_name or "(outlet)")
            lines.append(f"  extra   {Path(s.source.import_label).name[:3]} {who}: {s.quote[:70]}…")
    figures = {
        "expected": len(expected),
        "suggested": len(suggestions),
        "matched": matched_expected,
        "precision": len(matched_suggestions) / max(1, len(suggestions)),
        "recall": matched_expected / max(1, len(expected)),
        "span_recall": span_only / max(1, len(expected)),
        "kind_agreement": kinds / max(1, matched_expected),
        "speculative_agreement": speculative / max(1, matched_expected),
    }
    return lines, figures


class SuggestionAccuracyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_demo_cast()
        import_files([SEEDS], via=ImportBatch.Via.DEMO)

    def test_precision_and_recall_against_the_hand_made_annotations(self):
        lines, figures = evaluate()

        report = "\n".join(
            [
                "Suggested attributions on the five seeds "
                f"(demo/expected_suggestions.toml, {figures['expected']} passages):",
                f"  suggested {figures['suggested']}, matched {figures['matched']} "
                "(same passage and same speaker)",
                f"  precision {figures['precision']:.3f}, recall {figures['recall']:.3f} "
                f"(passage only: recall {figures['span_recall']:.3f})",
                f"  of the matched: kind agrees {figures['kind_agreement']:.3f}, "
                f"speculative flag agrees {figures['speculative_agreement']:.3f}",
                *lines,
            ]
        )
        print(report)
        self.assertGreaterEqual(figures["precision"], THRESHOLD, report)
        self.assertGreaterEqual(figures["recall"], THRESHOLD, report)

    def test_the_measure_fails_a_bad_extractor(self):
        # The measure itself: suggestions with the wrong speaker do not count.
        Suggestion.objects.filter(speaker__isnull=False).update(
            speaker=None, speaker_name="Somebody Else"
        )

        _, figures = evaluate()

        self.assertLess(figures["recall"], THRESHOLD)
        self.assertLess(figures["precision"], THRESHOLD)
