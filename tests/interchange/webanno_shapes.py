"""Shape checks for W3C Web Annotation JSON-LD (https://www.w3.org/TR/annotation-model/).

Used by the export and import tests: each check follows the model's MUSTs for
what the exports use (collections, pages, annotations, TextualBody,
SpecificResource targets, TextQuoteSelector and TextPositionSelector).
"""

import re

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
UTC_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def check_collection(test, document):
    """An AnnotationCollection with its one page embedded; returns the items."""
    test.assertEqual(document["@context"], ANNO_CONTEXT)
    test.assertEqual(document["type"], "AnnotationCollection")
    test.assertRegex(document["id"], r"^urn:provenance:annotations:(source|claim):[0-9a-f]{64}$")
    test.assertIsInstance(document["label"], str)
    page = document["first"]
    test.assertEqual(page["type"], "AnnotationPage")
    test.assertEqual(page["partOf"], document["id"])
    test.assertEqual(page["startIndex"], 0)
    test.assertEqual(document["total"], len(page["items"]))
    seen = set()
    for item in page["items"]:
        check_annotation(test, item)
        if item["motivation"] == "replying":
            test.assertIn(item["target"], seen, "a reply comes after its parent")
        seen.add(item["id"])
    return page["items"]


def check_annotation(test, item):
    test.assertNotIn("@context", item)  # embedded: the collection's context applies
    test.assertRegex(item["id"], UUID_URN)
    test.assertEqual(item["type"], "Annotation")
    test.assertIn(item["motivation"], ("commenting", "replying"))
    test.assertRegex(item["created"], UTC_DATETIME)
    test.assertRegex(item["modified"], UTC_DATETIME)
    test.assertGreaterEqual(item["modified"], item["created"])
    if "creator" in item:
        test.assertEqual(item["creator"]["type"], "Person")
        test.assertTrue(item["creator"]["nickname"])
    if "body" in item:  # absent: a deleted annotation (tombstone)
        body = item["body"]
        test.assertEqual(body["type"], "TextualBody")
        test.assertEqual(body["format"], "text/plain")
        test.assertIsInstance(body["value"], str)
    target = item["target"]
    if item["motivation"] == "replying":
        test.assertRegex(target, UUID_URN)
    elif isinstance(target, str):
        test.assertRegex(target, r"^urn:provenance:(claim|attribution):")
    else:
        check_passage_target(test, target)


def check_passage_target(test, target):
    test.assertEqual(target["type"], "SpecificResource")
    test.assertIsInstance(target["source"], str)
    selectors = target["selector"]
    test.assertIn(
        [s["type"] for s in selectors],
        (["TextQuoteSelector", "TextPositionSelector"], ["TextQuoteSelector"]),
    )
    quote = selectors[0]
    test.assertTrue(quote["exact"])
    test.assertLessEqual(set(quote), {"type", "exact", "prefix", "suffix"})
    if len(selectors) == 2:
        position = selectors[1]
        test.assertEqual(set(position), {"type", "start", "end"})
        test.assertIsInstance(position["start"], int)
        test.assertEqual(position["end"] - position["start"], len(quote["exact"]))
