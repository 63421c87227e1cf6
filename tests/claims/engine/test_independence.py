"""Paragraphs, shingles and near-copies: the engine's independence test, no database."""

import random

from django.test import SimpleTestCase

from claims.engine.independence import (
    Grouping,
    is_near_copy,
    jaccard,
    near_copy_sizes,
    similar_pairs,
)
from claims.engine.paragraphs import Paragraphs, paragraph_spans, shingles_of


class ParagraphTests(SimpleTestCase):
    def test_paragraphs_are_split_at_blank_lines_else_at_line_breaks(self):
        body = "One.\n\nTwo.\n  \nThree."
        starts, ends = paragraph_spans(body)
        self.assertEqual(
            [body[s:e] for s, e in zip(starts, ends, strict=True)], ["One.", "Two.", "Three."]
        )
        starts, ends = paragraph_spans("One.\nTwo.")
        self.assertEqual(len(starts), 2)

    def test_a_span_takes_every_paragraph_it_touches(self):
        body = "One.\n\nTwo.\n\nThree."
        paragraphs = Paragraphs.of({7: body})
        paragraphs.load([7])
        key = paragraphs.key(7, body.index("One"), body.index("Two") + 2)
        self.assertEqual(key, (7, 0, 1))
        self.assertEqual(paragraphs.text(key), "One.\n\nTwo.")

    def test_bodies_are_fetched_once(self):
        calls = []

        def fetch(ids):
            calls.append(list(ids))
            return [(i, "Text.") for i in ids]

        paragraphs = Paragraphs(fetch)
        paragraphs.load([1, 2])
        paragraphs.load([2, 1])
        paragraphs.load([])
        self.assertEqual(calls, [[1, 2]])

    def test_shingles_are_five_lower_cased_words(self):
        self.assertEqual(
            shingles_of("One two three four five six"), shingles_of("ONE two three four five SIX")
        )
        self.assertEqual(len(shingles_of("One two three four five six")), 2)
        self.assertEqual(len(shingles_of("Too short")), 1)
        self.assertEqual(shingles_of(" ... "), frozenset())

    def test_packed_shingles_equal_fresh_ones(self):
        paragraphs = Paragraphs.of({1: "a b c d e f g h"})
        paragraphs.load([1])
        key = paragraphs.key(1, 0, 1)
        first = paragraphs.shingles(key)
        paragraphs.forget_shingles()
        self.assertEqual(paragraphs.shingles(key), first)


class NearCopyTests(SimpleTestCase):
    def test_the_threshold_is_four_fifths_exactly(self):
        self.assertTrue(is_near_copy(4, 5))
        self.assertFalse(is_near_copy(79, 100))
        self.assertFalse(is_near_copy(0, 0))

    def test_sizes_rule_out_sets_too_different_in_size(self):
        small, large = frozenset(range(3)), frozenset(range(10))
        self.assertEqual(near_copy_sizes(small, large), (0, 1))
        self.assertEqual(near_copy_sizes(frozenset(), large), (0, 1))
        self.assertEqual(near_copy_sizes(large, frozenset(range(9))), (9, 10))

    def test_prefix_filtering_finds_exactly_the_pairs_a_full_comparison_finds(self):
        rng = random.Random(3)
        base = list(range(200))
        sets = []
        for _ in range(60):
            kept = [t for t in base if rng.random() < 0.9]
            sets.append(
                frozenset(kept + [rng.randrange(1000, 2000) for _ in range(rng.randrange(5))])
            )
        sets.append(frozenset())
        expected = [
            (i, j, *jaccard(sets[i], sets[j]))
            for i in range(len(sets))
            for j in range(i + 1, len(sets))
            if is_near_copy(*jaccard(sets[i], sets[j]))
        ]
        self.assertTrue(expected)
        self.assertEqual(sorted(similar_pairs(sets)), expected)


class GroupingTests(SimpleTestCase):
    def test_groups_keep_the_order_of_their_first_origin_and_every_reason(self):
        grouping = Grouping(["a", "b", "c", "d"])
        self.assertTrue(grouping.join("d", "b", "d and b"))
        self.assertTrue(grouping.join("c", "a", "c and a"))
        self.assertFalse(grouping.join("a", "c", "again"))
        self.assertEqual(grouping.components, 2)
        self.assertEqual(grouping.find("d"), "b")
        self.assertEqual(grouping.find("c"), "a")
        self.assertEqual(grouping.links, [("d", "d and b"), ("c", "c and a")])
