"""W3C Web Annotation JSON-LD: annotations out, and the same files back in.

A plain module because the work spans several models (sources, claims,
attributions, users, annotations). The shapes follow the Web Annotation Data
Model (https://www.w3.org/TR/annotation-model/); the helpers that build
targets, selectors, agents and collections are meant for every export of
anchored things (the attributions' export below uses them too).

Identifiers are stable across databases, so that a file exported here imports
into another database that holds the same articles and claims:

- an annotation: ``urn:uuid:<Annotation.uuid>``;
- a source: its URL when it has one, else ``urn:provenance:source:<content hash>``
  (an import accepts either form for any source);
- a claim: ``urn:provenance:claim:<fingerprint>`` (its normalised statement and
  event dates, Claim.fingerprint);
- an attribution:
  ``urn:provenance:attribution:<claim fingerprint>:<source content hash>:<start>-<end>``;
- a collection: ``urn:provenance:annotations:source:<content hash>`` or
  ``urn:provenance:annotations:claim:<fingerprint>``.

A note (motivation ``commenting``) targets a claim or an attribution by its
IRI, or a passage as a SpecificResource with a TextQuoteSelector and a
TextPositionSelector, as Hypothesis does. An orphaned passage note (its quote
was lost by a text correction) has no position, so it carries the
TextQuoteSelector alone. A reply (motivation ``replying``) targets its parent
annotation's id. The body is a TextualBody in ``text/plain``. A deleted
annotation is exported as a tombstone: the same annotation without a body, so
that the threads under it stay whole and the deletion travels with the file.

Importing (import_document) is all or nothing: every item is checked first
(the @context, the shapes, the selectors against the source text, that every
source, claim, attribution, creator and parent exists) and one clear error per
problem is raised before anything is written. Annotations are matched by id:
importing a file twice changes nothing, and a file only overwrites the text of
an annotation it holds a newer version of (its ``modified``).

import_document is the one write function of "import annotations" (the
`import_annotations` command and the backup restore call it). It writes
Annotation rows itself, each save recording its history: annotations carry no
derived state (claims.derived.DERIVED lists none), so there is nothing to
refresh.
"""

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from claims.models import Annotation, Attribution, Claim
from lib.text import find_nul
from sources.models import QuoteNotFound, Source

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'

COMMENTING = "commenting"
REPLYING = "replying"

_URN = "urn:provenance"
_HEX64 = "[0-9a-f]{64}"
_SOURCE_URN_RE = re.compile(rf"^{_URN}:source:({_HEX64})$")
_CLAIM_URN_RE = re.compile(rf"^{_URN}:claim:({_HEX64})$")
_ATTRIBUTION_URN_RE = re.compile(rf"^{_URN}:attribution:({_HEX64}):({_HEX64}):(\d+)-(\d+)$")
_UUID_URN_RE = re.compile(r"^urn:uuid:([0-9a-fA-F-]{36})$")
# Selectors that address a rendered page rather than the text; other tools
# (Hypothesis) send them next to the text selectors, and they are ignored.
_DOM_SELECTORS = {"RangeSelector", "XPathSelector", "CssSelector", "FragmentSelector"}
MAX_TEXT = Annotation._meta.get_field("text").max_length


# Identifiers -------------------------------------------------------------


def source_urn(source):
    return f"{_URN}:source:{source.content_hash}"


def source_iri(source):
    """The article's address when it has one, else its content-hash URN."""
    return source.url or source_urn(source)


def claim_iri(claim):
    return f"{_URN}:claim:{claim.fingerprint}"


def attribution_iri(claim_fingerprint, source_hash, start, end):
    """An attribution's IRI from its claim, its source and its span (its identity)."""
    return f"{_URN}:attribution:{claim_fingerprint}:{source_hash}:{start}-{end}"


def annotation_iri(note):
    return f"urn:uuid:{note.uuid}"


def timestamp(moment):
    """xsd:dateTime in UTC, to the microsecond, as the model recommends ("Z")."""
    utc = moment.astimezone(datetime.UTC)
    return utc.isoformat(timespec="microseconds").replace("+00:00", "Z")


# Building blocks (shared with other exports) --------------------------------


def quote_selector(exact, prefix="", suffix=""):
    selector = {"type": "TextQuoteSelector", "exact": exact}
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return selector


def position_selector(start, end):
    return {"type": "TextPositionSelector", "start": start, "end": end}


def passage_target(source, exact, prefix, suffix, start, end):
    """A passage of a source: TextQuoteSelector, plus TextPositionSelector when placed."""
    selectors = [quote_selector(exact, prefix, suffix)]
    if start is not None and end is not None:
        selectors.append(position_selector(start, end))
    return {"type": "SpecificResource", "source": source_iri(source), "selector": selectors}


def agent(user):
    """A person as a Web Annotation creator; the nickname is the user name."""
    return {
        "type": "Person",
        "nickname": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
    }


def collection(iri, label, items):
    """An AnnotationCollection with its single page embedded (items in order)."""
    return {
        "@context": CONTEXT,
        "id": iri,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {
            "id": f"{iri}:page:0",
            "type": "AnnotationPage",
            "partOf": iri,
            "startIndex": 0,
            "items": items,
        },
    }


# Annotations out -----------------------------------------------------------


def annotation(note, target):
    """One annotation (without @context: it sits in a collection) aimed at `target`."""
    data = {
        "id": annotation_iri(note),
        "type": "Annotation",
        "motivation": REPLYING if note.parent_id else COMMENTING,
        "created": timestamp(note.created_at),
        "modified": timestamp(note.updated_at),
    }
    if note.author_id:
        data["creator"] = agent(note.author)
    if not note.deleted_at:  # a tombstone keeps its place in the thread, not its words
        data["body"] = {"type": "TextualBody", "value": note.text, "format": "text/plain"}
    data["target"] = target
    return data


def _in_thread_order(notes):
    """Each root, then its replies depth first; siblings by (created, id), parents first."""
    children = {}
    for note in notes:
        children.setdefault(note.parent_id, []).append(note)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.created_at, str(n.uuid)))
    ordered = []

    def walk(parent_id):
        for note in children.get(parent_id, []):
            ordered.append(note)
            walk(note.pk)

    walk(None)
    return ordered


def _items(notes, root_target):
    by_pk = {note.pk: note for note in notes}
    return [
        annotation(
            note, annotation_iri(by_pk[note.parent_id]) if note.parent_id else root_target(note)
        )
        for note in _in_thread_order(notes)
    ]


def source_collection(source, notes):
    """The passage notes of `source` and their replies (Annotation.objects.on_source)."""

    def target(note):
        return passage_target(source, note.exact, note.prefix, note.suffix, note.start, note.end)

    label = f"Annotations on “{source}”"
    return collection(
        f"{_URN}:annotations:source:{source.content_hash}", label, _items(notes, target)
    )


def claim_collection(claim, spans, notes):
    """Notes on `claim` and on its attributions, with replies.

    `spans` maps each attribution id of the claim to (source content hash, start, end).
    """

    def target(note):
        if note.attribution_id:
            return attribution_iri(claim.fingerprint, *spans[note.attribution_id])
        return claim_iri(claim)

    label = f"Annotations on the claim “{claim}”"
    return collection(f"{_URN}:annotations:claim:{claim.fingerprint}", label, _items(notes, target))


def claim_spans(claim):
    """What claim_collection needs to name the claim's attributions: one small query."""
    rows = Attribution.objects.filter(claim=claim).values_list(
        "pk", "source__content_hash", "start", "end"
    )
    return {pk: (source_hash, start, end) for pk, source_hash, start, end in rows}


# Annotations in ----------------------------------------------------------------


class WebAnnotationError(ValueError):
    """A file that cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0

    def __str__(self):
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.orphaned:
            text += f"; {self.orphaned} passage note(s) orphaned (quote not in the text)"
        return text


@dataclass
class _Item:
    """One annotation of a file, checked for shape but not yet against the database."""

    label: str
    uuid: uuid.UUID
    motivation: str
    text: str | None  # None: a tombstone (deleted)
    creator: str | None
    created: datetime.datetime
    modified: datetime.datetime
    kind: str  # "claim", "attribution", "passage" or "reply"
    ref: object = None  # the IRI pieces of the target
    selector: dict = field(default_factory=dict)


def _types(value):
    return value if isinstance(value, list) else [value]


def _items_of(document):
    if not isinstance(document, dict):
        raise WebAnnotationError(["The file must hold a JSON object (an AnnotationCollection)."])
    context = document.get("@context")
    if CONTEXT not in _types(context):
        raise WebAnnotationError(
            [f"The @context must be “{CONTEXT}” (found {context!r}): not a Web Annotation file."]
        )
    kinds = _types(document.get("type"))
    if "AnnotationCollection" in kinds:
        page = document.get("first")
        if not isinstance(page, dict):
            raise WebAnnotationError(["The collection's first page must be embedded in the file."])
        if page.get("next"):
            raise WebAnnotationError(["Only single-page collections can be imported."])
        items = page.get("items")
    elif "AnnotationPage" in kinds:
        items = document.get("items")
    elif "Annotation" in kinds:
        items = [document]
    else:
        raise WebAnnotationError(
            [
                f"Unknown type {document.get('type')!r}: expected AnnotationCollection, "
                "AnnotationPage or Annotation."
            ]
        )
    if not isinstance(items, list):
        raise WebAnnotationError(["The page has no list of items."])
    return items


def _datetime(value, what, label, errors):
    if not isinstance(value, str):
        errors.append(f"{label}: “{what}” must be a date-time like 2024-05-01T10:00:00Z.")
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}: “{what}” is not a date-time: {value!r}.")
        return None
    if moment.tzinfo is None:
        errors.append(f"{label}: “{what}” needs a time zone (e.g. a final Z): {value!r}.")
        return None
    return moment


def _body(data, label, errors):
    """The plain text of the body, None for a tombstone (no body), or an error."""
    if "bodyValue" in data and "body" not in data:
        body = {"type": "TextualBody", "value": data["bodyValue"]}
    elif "body" not in data:
        return None
    else:
        body = data["body"]
    if isinstance(body, list) and len(body) == 1:
        body = body[0]
    if not isinstance(body, dict) or "TextualBody" not in _types(body.get("type")):
        errors.append(f"{label}: the body must be one TextualBody.")
        return None
    if body.get("format", "text/plain") != "text/plain":
        errors.append(
            f"{label}: only plain-text bodies (format text/plain) are accepted, "
            f"not {body.get('format')!r}."
        )
        return None
    value = body.get("value")
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{label}: the body has no text.")
        return None
    if len(value) > MAX_TEXT:
        errors.append(f"{label}: the text is {len(value)} characters long; at most {MAX_TEXT}.")
        return None
    return value


def _selectors(target, label, errors):
    """{"exact", "prefix", "suffix", "start", "end"} from a passage target, or None."""
    raw = target.get("selector")
    raw = raw if isinstance(raw, list) else [raw]
    quote = position = None
    for selector in raw:
        kind = selector.get("type") if isinstance(selector, dict) else None
        if kind == "TextQuoteSelector" and quote is None:
            quote = selector
        elif kind == "TextPositionSelector" and position is None:
            position = selector
        elif kind not in _DOM_SELECTORS:
            errors.append(f"{label}: unexpected selector {selector!r}.")
            return None
    if quote is None:
        errors.append(f"{label}: a passage needs a TextQuoteSelector.")
        return None
    exact, prefix, suffix = (quote.get(k, "") for k in ("exact", "prefix", "suffix"))
    if not (isinstance(exact, str) and exact) or not all(
        isinstance(s, str) for s in (prefix, suffix)
    ):
        errors.append(
            f"{label}: the TextQuoteSelector needs text in “exact” (and text prefix/suffix)."
        )
        return None
    selector = {"exact": exact, "prefix": prefix, "suffix": suffix, "start": None, "end": None}
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if not all(type(n) is int for n in (start, end)) or not 0 <= start < end:
            errors.append(
                f"{label}: the TextPositionSelector needs whole numbers 0 ≤ start < end "
                f"(found {start!r}–{end!r})."
            )
            return None
        if end - start != len(exact):
            errors.append(
                f"{label}: the TextPositionSelector spans {end - start} characters but the "
                f"quote has {len(exact)}."
            )
            return None
        selector["start"], selector["end"] = start, end
    return selector


def _identify(data, index, errors):
    """(label, uuid) of an item that is an Annotation with a urn:uuid: id and no NUL."""
    label = f"Item {index + 1}"
    if not isinstance(data, dict):
        errors.append(f"{label}: not an annotation object.")
        return None
    iri = data.get("id")
    match = _UUID_URN_RE.match(iri) if isinstance(iri, str) else None
    if not match:
        errors.append(f"{label}: the id must be a urn:uuid: URN (found {iri!r}).")
        return None
    label = f"{label} ({iri})"
    if "Annotation" not in _types(data.get("type")):
        errors.append(f"{label}: the type must be Annotation.")
        return None
    nul = find_nul(data)
    if nul is not None:
        # PostgreSQL cannot store NUL: refused on every database, so backups restore anywhere.
        errors.append(f"{label}: “{nul}” contains a NUL character (\\u0000); remove it.")
        return None
    return label, uuid.UUID(match.group(1))


def _single(value):
    """A one-element list stands for its element (JSON-LD allows both)."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _motivation(data, label, errors):
    motivation = _single(data.get("motivation"))
    if motivation not in (COMMENTING, REPLYING):
        errors.append(
            f"{label}: the motivation must be “commenting” or “replying”, not {motivation!r}."
        )
    return motivation


def _creator(data, label, errors):
    """The creator's user name (its "nickname"), None when the item names no creator."""
    creator = data.get("creator")
    if creator is None:
        return None
    nickname = creator.get("nickname") if isinstance(creator, dict) else None
    if not isinstance(nickname, str) or not nickname:
        errors.append(f"{label}: the creator needs the user name as “nickname”.")
    return nickname


def _aim(item, target, errors):
    """Set the item's kind and ref (and selector, for a passage) from its target."""
    label = item.label
    if item.motivation == REPLYING:
        parent = _UUID_URN_RE.match(target) if isinstance(target, str) else None
        if parent is None:
            errors.append(f"{label}: a reply must target its parent annotation's urn:uuid: id.")
        else:
            item.kind, item.ref = "reply", uuid.UUID(parent.group(1))
    elif isinstance(target, str) and (claim := _CLAIM_URN_RE.match(target)):
        item.kind, item.ref = "claim", claim.group(1)
    elif isinstance(target, str) and (attribution := _ATTRIBUTION_URN_RE.match(target)):
        fingerprint, source_hash, start, end = attribution.groups()
        item.kind, item.ref = "attribution", (fingerprint, source_hash, int(start), int(end))
    elif isinstance(target, dict) and isinstance(target.get("source"), str):
        selector = _selectors(target, label, errors)
        if selector is not None:
            item.kind, item.ref, item.selector = "passage", target["source"], selector
    elif isinstance(target, str) and _UUID_URN_RE.match(target):
        errors.append(
            f"{label}: an annotation on an annotation is a reply (motivation “replying”)."
        )
    else:
        errors.append(
            f"{label}: the target must be a claim ({_URN}:claim:…), an attribution "
            f"({_URN}:attribution:…) or a passage (source and selectors); found {target!r}."
        )


def _parse_item(data, index, errors):
    """The item at `index`, checked for shape; None (and its errors added) when it is bad."""
    identity = _identify(data, index, errors)
    if identity is None:
        return None
    label, item_uuid = identity
    count = len(errors)
    motivation = _motivation(data, label, errors)
    text = _body(data, label, errors)
    creator = _creator(data, label, errors)
    created = _datetime(data.get("created"), "created", label, errors)
    modified = _datetime(data.get("modified", data.get("created")), "modified", label, errors)
    item = _Item(label, item_uuid, motivation, text, creator, created, modified, "")
    _aim(item, _single(data.get("target")), errors)
    return item if len(errors) == count else None


def parse(document):
    """The items of a Web Annotation document, checked for shape. Raises WebAnnotationError."""
    errors = []
    items = [_parse_item(data, i, errors) for i, data in enumerate(_items_of(document))]
    seen = set()
    for item in items:
        if item is not None:
            if item.uuid in seen:
                errors.append(f"{item.label}: the same id appears twice in the file.")
            seen.add(item.uuid)
    if errors:
        raise WebAnnotationError(errors)
    return items


class _Lookups:
    """Everything the items refer to, fetched with one query per kind."""

    def __init__(self, items):
        refs = {
            kind: [i.ref for i in items if i.kind == kind]
            for kind in ("claim", "attribution", "passage")
        }
        self.sources = self.find_sources(refs["passage"])
        fingerprints = set(refs["claim"]) | {r[0] for r in refs["attribution"]}
        self.claims = (
            {c.fingerprint: c for c in Claim.objects.filter(fingerprint__in=fingerprints)}
            if fingerprints
            else {}
        )
        self.attributions = self.find_attributions(refs["attribution"])
        names = {i.creator for i in items if i.creator}
        self.users = (
            {u.get_username(): u for u in get_user_model().objects.filter(username__in=names)}
            if names
            else {}
        )
        wanted = {i.uuid for i in items} | {i.ref for i in items if i.kind == "reply"}
        self.notes = {n.uuid: n for n in Annotation.objects.filter(uuid__in=wanted)}

    @staticmethod
    def find_sources(iris):
        """{iri: Source} for the passage targets, by URL or by content-hash URN."""
        if not iris:
            return {}
        urls = [r for r in iris if not _SOURCE_URN_RE.match(r)]
        hashes = [m.group(1) for r in iris if (m := _SOURCE_URN_RE.match(r))]
        sources = {}
        for source in Source.objects.filter(Q(url__in=urls) | Q(content_hash__in=hashes)):
            sources[source_urn(source)] = source
            if source.url:
                sources[source.url] = source
        return sources

    @staticmethod
    def find_attributions(keys):
        """{(fingerprint, source hash, start, end): attribution id}; a live one wins."""
        if not keys:
            return {}
        condition = Q()
        for fingerprint, source_hash, start, end in keys:
            condition |= Q(
                claim__fingerprint=fingerprint,
                source__content_hash=source_hash,
                start=start,
                end=end,
            )
        rows = Attribution.objects.filter(condition).values_list(
            "pk", "claim__fingerprint", "source__content_hash", "start", "end", "deleted_at"
        )
        # A live attribution wins over a removed one on the same span: it is listed last.
        return {
            tuple(key): pk for pk, *key, _deleted_at in sorted(rows, key=lambda r: r[-1] is None)
        }


def _place(item, source, errors):
    """Where the passage is in `source`: (start, end, prefix, suffix), or None: orphaned."""
    selector = item.selector
    exact, start, end = selector["exact"], selector["start"], selector["end"]
    if start is not None and source.body[start:end] == exact:
        return start, end
    try:
        return source.find_quote(exact, selector["prefix"], selector["suffix"])
    except QuoteNotFound as error:
        if start is None:
            return None  # exported orphaned: it stays orphaned
        errors.append(f"{item.label}: bad selector: {error}")
        return None


def _same_target(note, values):
    return all(getattr(note, name) == value for name, value in values.items())


def import_document(document, dry_run=False):
    """Import a Web Annotation document; all of it, or nothing. Returns an ImportReport.

    Raises WebAnnotationError listing every problem when anything is wrong.
    With `dry_run`, everything is checked and counted, and nothing is kept.
    """
    items = parse(document)
    report = ImportReport()
    with transaction.atomic():
        lookups = _Lookups(items)
        errors = []
        made = {}  # uuid -> Annotation, imported or already stored
        failed = set()
        pending = list(items)
        while pending:
            waiting = {i.uuid for i in pending}
            ready = [
                i
                for i in pending
                if i.kind != "reply"
                or i.ref in made
                or i.ref in failed
                or (i.ref in lookups.notes and i.ref not in waiting)
            ]
            if not ready:
                for item in pending:
                    errors.append(
                        f"{item.label}: its parent urn:uuid:{item.ref} is neither in the file "
                        "nor in the database (or the replies go round in a circle)."
                    )
                break
            for item in ready:
                if item.kind == "reply" and item.ref in failed:
                    note = None
                    errors.append(f"{item.label}: not imported, as its parent could not be.")
                else:
                    note = _import_item(item, lookups, made, report, errors)
                if note is None:
                    failed.add(item.uuid)
                else:
                    made[item.uuid] = note
            pending = [i for i in pending if i not in ready]
        if errors:
            raise WebAnnotationError(errors)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _target_values(item, lookups, made, errors):
    """The note's target columns from what its item refers to (None: not in the database)."""
    values = {"claim_id": None, "attribution_id": None, "source_id": None, "parent_id": None}
    if item.kind == "claim":
        claim = lookups.claims.get(item.ref)
        if claim is None:
            errors.append(f"{item.label}: no claim {_URN}:claim:{item.ref} in this database.")
            return None
        values["claim_id"] = claim.pk
    elif item.kind == "attribution":
        pk = lookups.attributions.get(item.ref)
        if pk is None:
            errors.append(
                f"{item.label}: no attribution {attribution_iri(*item.ref)} in this database."
            )
            return None
        values["attribution_id"] = pk
    elif item.kind == "passage":
        source = lookups.sources.get(item.ref)
        if source is None:
            errors.append(
                f"{item.label}: no source {item.ref} in this database (import the article first)."
            )
            return None
        values["source_id"] = source.pk
    else:  # a reply: on its parent's target
        parent = made.get(item.ref) or lookups.notes[item.ref]
        values.update(
            parent_id=parent.pk,
            claim_id=parent.claim_id,
            attribution_id=parent.attribution_id,
            source_id=parent.source_id,
        )
    return values


def _update(existing, item, values, report, errors):
    """Take the item's text (or its deletion) when it is newer than the stored note."""
    if not _same_target(existing, values):
        errors.append(
            f"{item.label}: this annotation is already here, on another target; "
            "nothing was changed."
        )
        return None
    if item.modified <= existing.updated_at:
        report.unchanged += 1
        return existing
    existing.text = item.text if item.text is not None else existing.text
    existing.deleted_at = item.modified if item.text is None else None
    if item.text is not None:
        existing.deleted_by = None
    existing.updated_at = item.modified
    existing.version += 1
    existing._change_reason = "Imported a newer version (Web Annotation)"
    existing.save()
    report.updated += 1
    return existing


def _passage_anchor(item, source, report, errors):
    """The selector columns of a new passage note: placed, or orphaned; None: a bad selector."""
    selector = item.selector
    placed = _place(item, source, errors)
    if placed is not None:
        return {"exact": selector["exact"], "start": placed[0], "end": placed[1]}
    if selector["start"] is not None:
        return None  # a bad selector, reported by _place
    report.orphaned += 1
    return {
        "exact": selector["exact"],
        "prefix": selector["prefix"],
        "suffix": selector["suffix"],
        "orphaned_at": item.modified,
        "orphan_reason": "Imported orphaned: the quote is not in the text.",
    }


def _create(item, author, values, lookups, report, errors):
    anchor = {}
    source = lookups.sources.get(item.ref) if item.kind == "passage" else None
    if source is not None:
        anchor = _passage_anchor(item, source, report, errors)
        if anchor is None:
            return None
    note = Annotation(
        uuid=item.uuid,
        author=author,
        text=item.text or "",
        created_at=item.created,
        updated_at=item.modified,
        deleted_at=item.modified if item.text is None else None,
        **values,
        **anchor,
    )
    if source is not None and note.start is not None:
        note.source = source
        note.take_context(source.body)
    note._change_reason = "Imported (Web Annotation)"
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError as error:
        errors.append(f"{item.label}: the database refused it ({error}).")
        return None
    report.created += 1
    return note


def _import_item(item, lookups, made, report, errors):
    """The stored note for `item`: created, updated or unchanged; None when it fails."""
    values = _target_values(item, lookups, made, errors)
    if values is None:
        return None
    author = None
    if item.creator:
        author = lookups.users.get(item.creator)
        if author is None:
            errors.append(f"{item.label}: no user named “{item.creator}” in this database.")
            return None
    existing = lookups.notes.get(item.uuid)
    if existing is not None:
        return _update(existing, item, values, report, errors)
    return _create(item, author, values, lookups, report, errors)


# Attributions out ----------------------------------------------------------------
#
# An attribution is an annotation with motivation "assessing": its target is the
# passage (TextQuoteSelector + TextPositionSelector), its bodies say which claim
# the passage evidences (the claim's IRI, purpose "linking"), how (kind and
# stance, purpose "assessing") and who speaks (purpose "describing"). Only live
# attributions are exported: removed and orphaned ones are no evidence.

ASSESSING = "assessing"


def attribution_annotation(attribution):
    """One live attribution as a Web Annotation (no @context: it sits in a collection).

    `attribution` comes with its claim, source, speaker, relaying agency and
    creator loaded (attribution_collection's callers select_related them).
    """
    claim, source = attribution.claim, attribution.source
    how = f"{attribution.get_stance_display()}: {attribution.get_kind_display().lower()}"
    who = attribution.speaker.name if attribution.speaker_id else "the outlet's own voice"
    if attribution.relayed_via_id:
        who += f", relayed via {attribution.relayed_via.name}"
    data = {
        "id": attribution_iri(
            claim.fingerprint, source.content_hash, attribution.start, attribution.end
        ),
        "type": "Annotation",
        "motivation": ASSESSING,
        "created": timestamp(attribution.created_at),
        "modified": timestamp(attribution.updated_at),
    }
    if attribution.created_by_id:
        data["creator"] = agent(attribution.created_by)
    data["body"] = [
        {"type": "SpecificResource", "source": claim_iri(claim), "purpose": "linking"},
        {
            "type": "TextualBody",
            "purpose": ASSESSING,
            "value": f"{how} of the claim “{claim.statement}”",
            "format": "text/plain",
        },
        {"type": "TextualBody", "purpose": "describing", "value": who, "format": "text/plain"},
    ]
    data["target"] = passage_target(
        source,
        attribution.quote,
        attribution.prefix,
        attribution.suffix,
        attribution.start,
        attribution.end,
    )
    return data


def attributions_for_export(queryset):
    """Live attributions of `queryset` with what attribution_annotation reads: one query."""
    return list(
        queryset.live()
        .select_related("claim", "source", "speaker", "relayed_via", "created_by")
        .order_by("source_id", "start", "end", "claim_id", "pk")
    )


def source_attribution_collection(source, attributions):
    """The live attributions on a source's passages, as an AnnotationCollection."""
    items = [attribution_annotation(a) for a in attributions]
    return collection(
        f"{_URN}:attributions:source:{source.content_hash}",
        f"Attributions in “{source}”",
        items,
    )


def claim_attribution_collection(claim, attributions):
    """The live attributions evidencing a claim, as an AnnotationCollection."""
    items = [attribution_annotation(a) for a in attributions]
    return collection(
        f"{_URN}:attributions:claim:{claim.fingerprint}",
        f"Evidence for the claim “{claim}”",
        items,
    )
