"""What a claim's own words must be, checked the same way for every entry point.

The web forms and the API both validate a claim's statement, event dates and
tags here before calling a write function (claims.actions, Claim.create_new,
Claim.edit), so the messages a user reads are the same wherever they write.
Each function returns plain values and a dict of messages by field; it writes
nothing (new tags are returned unsaved, pk None; Tag.objects.ensure saves them).
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify

from claims.models import Claim, Tag, statement_fingerprint
from lib.text import clean_line

# The longest tag name kept; longer names are cut.
TAG_NAME_LENGTH = 100
# The longest list of a claim's tags, written out with commas between them.
TAGS_TEXT_LENGTH = 1000


def split_tags(text):
    """The names of a comma-separated list of tags, as typed."""
    return (text or "").split(",")


def parse_tags(raw_names):
    """Tag objects for `raw_names`; new ones unsaved (pk None), in input order.

    Each name is cleaned (control characters out, spaces collapsed, cut to
    TAG_NAME_LENGTH); empty names and repeats (case-insensitive) are dropped.
    A tag is known by its name or its slug (both unique): names that slug alike
    ("Zz!", "Zz?") are one tag, the existing one or else the first written.
    Raises ValidationError for a name without letters or digits.
    """
    names = []
    for raw in raw_names:
        name = " ".join(clean_line(raw).split())[:TAG_NAME_LENGTH]
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if not names:
        return []
    slugs = [slugify(n)[:TAG_NAME_LENGTH] for n in names]
    existing = {}
    for tag in Tag.objects.filter(Q(name__in=names) | Q(slug__in=slugs)):
        existing[tag.name.casefold()] = existing[tag.slug] = tag
    tags = []
    for name, slug in zip(names, slugs, strict=True):
        tag = existing.get(name.casefold()) or existing.get(slug)
        if tag is None:
            if not slug:
                raise ValidationError(f"“{name}” cannot be a tag: use letters or digits.")
            tag = existing[slug] = Tag(name=name, slug=slug)
        if tag not in tags:
            tags.append(tag)
    return tags


def check_claim_words(statement, event_start, event_end, tag_names, *, claim_pk=None):
    """(words, errors) for a claim's statement, event dates and tags.

    `words` holds the stripped statement and `tag_list` (parse_tags); `errors`
    maps a field name to its message, empty when all is well. A statement must
    be given, a date range needs a first day and must not end before it, and
    no other claim than `claim_pk` may say the same with the same dates (the
    message names the claim to add evidence to instead). The first error of
    the statement or the dates stops the checks; the tags are then not read.
    """
    statement = (statement or "").strip()
    if not statement:
        return {}, {"statement": "Write the claim's statement."}
    if event_end and not event_start:
        return {}, {"event_start": "A date range needs a first day."}
    if event_start and event_end and event_end < event_start:
        return {}, {"event_end": "The range ends before it starts."}
    errors = {}
    fingerprint = statement_fingerprint(statement, event_start, event_end)
    twin = Claim.objects.filter(fingerprint=fingerprint).exclude(pk=claim_pk).first()
    if twin is not None:
        where = twin.merged_into_id or twin.pk
        errors["statement"] = (
            f"Claim #{where} already says this with the same event dates; "
            "add the evidence to it instead."
        )
    words = {"statement": statement}
    try:
        words["tag_list"] = parse_tags(tag_names)
    except ValidationError as error:
        errors["tags"] = error.messages[0]
    return words, errors
