"""The backup format: everything, as one JSON document, out and back in.

`manage.py export_data FILE` writes it; `manage.py import_data FILE` restores
it into an empty database (one that has been migrated, and may have users, but
holds no outlets, sources, actors, tags, claims or annotations). Exporting the
restored database gives the same file, byte for byte: tests/interchange/
test_export_data.py proves it on the demo, test_import_data.py in a new, empty
database (SQLite or PostgreSQL). It sits next to `dumpdata` and
`pg_dump`: those copy the tables; this one is readable, independent of
database ids, and survives schema changes.

The document (format "provenance-backup", version 1) holds the lists below, in
this order. Rows are listed in the order they were created (database id
order, though ids themselves are not exported) and restored in that order, so
a restored database lists, explains and exports everything as the original:

    users           username, names, e-mail, flags and role (group) names; no
                    passwords: restored users have none until an admin sets one.
                    Users that already exist are kept as they are.
    owner_groups    name, notes
    outlets         name, aliases, domain, kind, country, state_affiliated,
                    owner_group (name), reliability, notes
    import_batches  who, when, via, files, counts, errors; sources refer to a
                    batch by its position in this list
    actors          name, aliases, kind, role, country
    tags            name, slug
    sources         identified by content_hash (as in the W3C exports); every
                    field, with the exact body, the original text and raw HTML,
                    and relays (outlet name, cue)
    claims          identified by fingerprint (as in the W3C exports); statement,
                    event dates, tags, verdict, version, merged_into
                    (fingerprint), timestamps, creator, and the stored status,
                    grade, explanation and origin count (restored as stored;
                    `manage.py check_derived` verifies them)
    attributions    claim (fingerprint), source (content hash), the quote and
                    its offsets and context, speaker (name), kind, stance,
                    relayed_via (outlet name), who and when, and the removed /
                    orphaned state
    reviews         claim (fingerprint), reviewer, verdict, rationale, time
    annotations     W3C Web Annotation collections, exactly as the per-source and
                    per-claim exports (interchange.webanno), imported back with
                    interchange.webanno.import_document

Not included: the change history (django-simple-history; a restore starts a
new one), source text corrections, the importer's pending suggestions, API
tokens and sessions. Use pg_dump or dumpdata for a copy of everything.

The restore is a bulk loader, the one write path of "restore a backup": it
saves the rows in the order above (each save records its history), then
refreshes the derived state of everything restored once, explicitly, in its
transaction (claims.derived.Refresh: the engine over every restored claim,
which fills the fields the file leaves out, such as the origin groups and
outlet kinds, and every search document), and then writes the stored status,
grade, explanation, origin count and update times back as exported. The
derived state that triggers keep (claims.derived.DERIVED) follows the rows.
Annotations go through interchange.webanno.import_document, the annotation
import's own write function.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from claims import derived
from claims.models import (
    Actor,
    ActorAlias,
    Annotation,
    Attribution,
    Claim,
    Review,
    Tag,
)
from interchange import webanno
from lib.text import find_nul
from sources.models import ImportBatch, Outlet, OutletAlias, OwnerGroup, Source, SourceRelay

FORMAT = "provenance-backup"
VERSION = 1

# What must be empty before a restore: (model, what to call its rows).
DOMAIN_MODELS = [
    (OwnerGroup, "owner groups"),
    (Outlet, "outlets"),
    (ImportBatch, "import batches"),
    (Actor, "actors"),
    (Tag, "tags"),
    (Source, "sources"),
    (Claim, "claims"),
    (Attribution, "attributions"),
    (Review, "reviews"),
    (Annotation, "annotations"),
]


class BackupError(ValueError):
    """A file that cannot be restored, or a database that is not empty."""


def _time(value):
    return value.isoformat() if value else None


def _parse_time(value):
    return datetime.datetime.fromisoformat(value) if value else None


def _parse_date(value):
    return datetime.date.fromisoformat(value) if value else None


def _name(user):
    return user.get_username() if user else None


# Export -------------------------------------------------------------------------------


def export_data():
    """The whole database in the backup format, as a dict ready for json.dump."""
    batches = list(ImportBatch.objects.select_related("created_by").order_by("pk"))
    claim_rows = list(
        Claim.objects.select_related("created_by", "merged_into")
        .prefetch_related("tags")
        .order_by("pk")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "users": export_users(),
        "owner_groups": [
            {"name": group.name, "notes": group.notes}
            for group in OwnerGroup.objects.order_by("pk")
        ],
        "outlets": export_outlets(),
        "import_batches": [export_batch(batch) for batch in batches],
        "actors": export_actors(),
        "tags": [{"name": tag.name, "slug": tag.slug} for tag in Tag.objects.order_by("pk")],
        "sources": export_sources({batch.pk: i for i, batch in enumerate(batches)}),
        "claims": [export_claim(claim) for claim in claim_rows],
        "attributions": export_attributions(),
        "reviews": [
            {
                "claim": review.claim.fingerprint,
                "reviewer": _name(review.reviewer),
                "verdict": review.verdict,
                "rationale": review.rationale,
                "created_at": _time(review.created_at),
            }
            for review in Review.objects.select_related("claim", "reviewer").order_by("pk")
        ],
        "annotations": _annotation_collections(claim_rows),
    }


def export_users():
    return [
        {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(group.name for group in user.groups.all()),
        }
        for user in get_user_model().objects.prefetch_related("groups").order_by("username")
    ]


def export_outlets():
    return [
        {
            "name": outlet.name,
            "aliases": sorted(alias.name for alias in outlet.aliases.all()),
            "domain": outlet.domain,
            "kind": outlet.kind,
            "country": outlet.country,
            "state_affiliated": outlet.state_affiliated,
            "owner_group": outlet.owner_group.name if outlet.owner_group_id else None,
            "reliability": outlet.reliability,
            "notes": outlet.notes,
        }
        for outlet in Outlet.objects.select_related("owner_group")
        .prefetch_related("aliases")
        .order_by("pk")
    ]


def export_batch(batch):
    return {
        "created_by": _name(batch.created_by),
        "created_at": _time(batch.created_at),
        "via": batch.via,
        "files": batch.files,
        "imported_count": batch.imported_count,
        "duplicate_count": batch.duplicate_count,
        "failed_count": batch.failed_count,
        "errors": batch.errors,
    }


def export_actors():
    return [
        {
            "name": actor.name,
            "aliases": sorted(alias.name for alias in actor.aliases.all()),
            "kind": actor.kind,
            "role": actor.role,
            "country": actor.country,
        }
        for actor in Actor.objects.prefetch_related("aliases").order_by("pk")
    ]


def export_sources(batch_index):
    """Every source; `batch_index` maps an import batch id to its position in the file."""
    return [
        {
            "content_hash": source.content_hash,
            "title": source.title,
            "outlet": source.outlet.name if source.outlet_id else None,
            "url": source.url,
            "byline": source.byline,
            "published_on": _time(source.published_on),
            "language": source.language,
            "body": source.body,
            "original_text": source.original_text,
            "raw_html": source.raw_html,
            "import_format": source.import_format,
            "encoding": source.encoding,
            "import_label": source.import_label,
            "import_notes": source.import_notes,
            "proposed_relays": source.proposed_relays,
            "imported_by": _name(source.imported_by),
            "imported_at": _time(source.imported_at),
            "batch": batch_index.get(source.batch_id),
            "relays": sorted(
                (
                    {"outlet": relay.outlet.name, "cue": relay.cue}
                    for relay in source.relay_links.all()
                ),
                key=lambda relay: relay["outlet"],
            ),
        }
        for source in Source.objects.select_related("outlet", "imported_by")
        .prefetch_related("relay_links__outlet")
        .order_by("pk")
    ]


def export_claim(claim):
    return {
        "fingerprint": claim.fingerprint,
        "statement": claim.statement,
        "event_start": _time(claim.event_start),
        "event_end": _time(claim.event_end),
        "tags": sorted(tag.name for tag in claim.tags.all()),
        "status": claim.status,
        "grade": claim.grade,
        "explanation": claim.explanation,
        "origin_count": claim.origin_count,
        "verdict": claim.verdict,
        "version": claim.version,
        "merged_into": claim.merged_into.fingerprint if claim.merged_into_id else None,
        "merged_at": _time(claim.merged_at),
        "created_by": _name(claim.created_by),
        "created_at": _time(claim.created_at),
        "updated_at": _time(claim.updated_at),
    }


# An attribution's fields in the file: (key, the values() lookup it is read from).
ATTRIBUTION_FIELDS = (
    ("claim", "claim__fingerprint"),
    ("source", "source__content_hash"),
    ("quote", "quote"),
    ("start", "start"),
    ("end", "end"),
    ("prefix", "prefix"),
    ("suffix", "suffix"),
    ("speaker", "speaker__name"),
    ("kind", "kind"),
    ("stance", "stance"),
    ("relayed_via", "relayed_via__name"),
    ("created_by", "created_by__username"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("deleted_at", "deleted_at"),
    ("deleted_by", "deleted_by__username"),
    ("orphaned_at", "orphaned_at"),
    ("orphan_reason", "orphan_reason"),
)
ATTRIBUTION_TIMES = {"created_at", "updated_at", "deleted_at", "orphaned_at"}


def export_attributions():
    """Every attribution, removed and orphaned ones too (one query)."""
    rows = Attribution.objects.values(*(lookup for _, lookup in ATTRIBUTION_FIELDS))
    return [
        {
            key: _time(row[lookup]) if key in ATTRIBUTION_TIMES else row[lookup]
            for key, lookup in ATTRIBUTION_FIELDS
        }
        for row in rows.order_by("pk")
    ]


def refuse_nul(data):
    """BackupError naming the first NUL character in a backup document, if any.

    PostgreSQL cannot store NUL in text: a backup holding one would restore on
    SQLite and not on PostgreSQL, so it is refused on both, before anything is
    written. The app refuses NUL on every way in, so only a file edited by hand
    (or a database filled before that rule) holds one.
    """
    location = find_nul(data)
    if location is not None:
        raise BackupError(
            f"{location}: the text contains a NUL character (\\u0000), which PostgreSQL "
            "cannot store; remove it and try again. Nothing was written."
        )


def _annotation_collections(claims):
    """Every annotation, as the per-source and per-claim W3C collections (sorted)."""
    collections = []
    notes = list(Annotation.objects.select_related("author"))
    by_source, by_claim = {}, {}
    spans = {
        pk: (claim_id, source_hash, start, end)
        for pk, claim_id, source_hash, start, end in Attribution.objects.values_list(
            "pk", "claim_id", "source__content_hash", "start", "end"
        )
    }
    for note in notes:
        if note.source_id:
            by_source.setdefault(note.source_id, []).append(note)
        elif note.attribution_id:
            by_claim.setdefault(spans[note.attribution_id][0], []).append(note)
        else:
            by_claim.setdefault(note.claim_id, []).append(note)
    for source in Source.objects.filter(pk__in=by_source).only(
        "pk", "title", "url", "content_hash"
    ):
        collections.append(webanno.source_collection(source, by_source[source.pk]))
    claims_by_pk = {claim.pk: claim for claim in claims}
    for claim_id, claim_notes in by_claim.items():
        claim = claims_by_pk[claim_id]
        claim_spans = {pk: span[1:] for pk, span in spans.items() if span[0] == claim_id}
        collections.append(webanno.claim_collection(claim, claim_spans, claim_notes))
    return sorted(collections, key=lambda c: c["id"])


# Import ---------------------------------------------------------------------------------


def check_empty():
    """Raise BackupError naming what the database holds, unless it holds none of it."""
    held = [
        f"{count} {label}" for model, label in DOMAIN_MODELS if (count := model.objects.count())
    ]
    if held:
        raise BackupError(
            f"The database is not empty: it holds {', '.join(held)}. A backup is restored "
            "into an empty database only (create one, run `manage.py migrate`, then import); "
            "nothing was written."
        )


def import_data(data):
    """Restore a backup (a dict from export_data) into an empty database, all or nothing.

    Returns {what: count}. Raises BackupError with a message naming the
    problem; nothing is written then.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f'Not a Provenance backup: the file has no "format": "{FORMAT}".')
    if data.get("version") != VERSION:
        raise BackupError(
            f"Backup format version {data.get('version')!r} is not supported (expected {VERSION})."
        )
    refuse_nul(data)
    try:
        with transaction.atomic():
            check_empty()
            counts = _Restore(data).run()
    except BackupError:
        raise
    except (ValidationError, DatabaseError) as error:
        raise BackupError(
            f"The database refused the backup ({error}); nothing was written."
        ) from error
    except (KeyError, TypeError, ValueError, AttributeError, LookupError) as error:
        raise BackupError(
            f"The backup is malformed or inconsistent ({type(error).__name__}: {error}); "
            "nothing was written."
        ) from error
    return counts


class _Restore:
    """One restore: the rows made so far, looked up by their identity in the file."""

    def __init__(self, data):
        self.data = data
        self.users = {}

    def user(self, username):
        return self.users[username] if username else None

    def run(self):
        data = self.data
        self.restore_users(data["users"])
        outlets = self.restore_outlets(data["owner_groups"], data["outlets"])
        batches = self.restore_batches(data["import_batches"])
        actors = self.restore_actors(data["actors"])
        tags = {
            row["name"]: Tag.objects.create(name=row["name"], slug=row["slug"])
            for row in data["tags"]
        }
        sources = self.restore_sources(data["sources"], outlets, batches)
        claims = self.restore_claims(data["claims"], tags)
        self.restore_attributions(data["attributions"], claims, sources, actors, outlets)
        # Every restored claim's derived state, once; then the stored values over it.
        claim_ids = [claim.pk for claim in claims.values()]
        derived.Refresh().add_evidence(claim_ids).run()
        self.restore_derived(data["claims"], claims)
        self.restore_reviews(data["reviews"], claims)
        notes = self.restore_annotations(data["annotations"])
        return {
            "users": len(data["users"]),
            "outlets": len(outlets),
            "actors": len(actors),
            "sources": len(sources),
            "claims": len(claims),
            "attributions": len(data["attributions"]),
            "reviews": len(data["reviews"]),
            "annotations": notes,
        }

    def restore_outlets(self, group_rows, rows):
        """The owner groups, then the outlets with their aliases: {outlet name: Outlet}."""
        groups = {
            row["name"]: OwnerGroup.objects.create(name=row["name"], notes=row["notes"])
            for row in group_rows
        }
        outlets = {}
        for row in rows:
            outlet = Outlet.objects.create(
                name=row["name"],
                domain=row["domain"],
                kind=row["kind"],
                country=row["country"],
                state_affiliated=row["state_affiliated"],
                owner_group=groups[row["owner_group"]] if row["owner_group"] else None,
                reliability=row["reliability"],
                notes=row["notes"],
            )
            for alias in row["aliases"]:
                OutletAlias.objects.create(outlet=outlet, name=alias)
            outlets[outlet.name] = outlet
        return outlets

    def restore_batches(self, rows):
        """The import batches, in file order (sources refer to them by position)."""
        return [
            ImportBatch.objects.create(
                created_by=self.user(row["created_by"]),
                created_at=_parse_time(row["created_at"]),
                via=row["via"],
                files=row["files"],
                imported_count=row["imported_count"],
                duplicate_count=row["duplicate_count"],
                failed_count=row["failed_count"],
                errors=row["errors"],
            )
            for row in rows
        ]

    def restore_actors(self, rows):
        actors = {}
        for row in rows:
            actor = Actor(
                name=row["name"], kind=row["kind"], role=row["role"], country=row["country"]
            )
            actor._change_reason = "Restored from a backup"
            actor.save()
            for alias in row["aliases"]:
                ActorAlias.objects.create(actor=actor, name=alias)
            actors[actor.name] = actor
        return actors

    def restore_reviews(self, rows, claims):
        for row in rows:
            Review.objects.create(
                claim=claims[row["claim"]],
                reviewer=self.user(row["reviewer"]),
                verdict=row["verdict"],
                rationale=row["rationale"],
                created_at=_parse_time(row["created_at"]),
            )

    def restore_annotations(self, documents):
        """Each W3C collection through the annotation import; returns the notes created."""
        notes = 0
        for document in documents:
            try:
                report = webanno.import_document(document)
            except webanno.WebAnnotationError as error:
                raise BackupError(f"Annotations {document.get('id')}: {error}") from error
            notes += report.created
        return notes

    def restore_users(self, rows):
        User = get_user_model()
        existing = {
            u.get_username(): u
            for u in User.objects.filter(username__in=[r["username"] for r in rows])
        }
        groups = {group.name: group for group in Group.objects.all()}
        for row in rows:
            user = existing.get(row["username"])
            if user is None:
                user = User(
                    username=row["username"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    email=row["email"],
                    is_active=row["is_active"],
                    is_staff=row["is_staff"],
                    is_superuser=row["is_superuser"],
                )
                user.set_unusable_password()
                user.save()
                missing = [name for name in row["groups"] if name not in groups]
                if missing:
                    raise BackupError(f"User {row['username']}: no role named {missing[0]!r}.")
                user.groups.set([groups[name] for name in row["groups"]])
            self.users[row["username"]] = user

    def restore_sources(self, rows, outlets, batches):
        sources = {}
        for row in rows:
            source = Source(
                title=row["title"],
                outlet=outlets[row["outlet"]] if row["outlet"] else None,
                url=row["url"],
                byline=row["byline"],
                published_on=_parse_date(row["published_on"]),
                language=row["language"],
                body=row["body"],
                original_text=row["original_text"],
                raw_html=row["raw_html"],
                import_format=row["import_format"],
                encoding=row["encoding"],
                import_label=row["import_label"],
                import_notes=row["import_notes"],
                proposed_relays=row["proposed_relays"],
                imported_by=self.user(row["imported_by"]),
                imported_at=_parse_time(row["imported_at"]),
                batch=batches[row["batch"]] if row["batch"] is not None else None,
            )
            source.save()
            if source.content_hash != row["content_hash"]:
                raise BackupError(
                    f"Source “{row['title']}”: its body does not match its content hash."
                )
            for relay in row["relays"]:
                SourceRelay.objects.create(
                    source=source, outlet=outlets[relay["outlet"]], cue=relay["cue"]
                )
            sources[source.content_hash] = source
        return sources

    def restore_claims(self, rows, tags):
        claims = {}
        for row in rows:
            claim = Claim(
                statement=row["statement"],
                event_start=_parse_date(row["event_start"]),
                event_end=_parse_date(row["event_end"]),
                verdict=row["verdict"],
                version=row["version"],
                created_by=self.user(row["created_by"]),
                created_at=_parse_time(row["created_at"]),
            )
            claim._history_user = claim.created_by
            claim._change_reason = "Restored from a backup"
            claim.save()
            if claim.fingerprint != row["fingerprint"]:
                raise BackupError(
                    f"Claim “{row['statement'][:60]}”: its fingerprint does not match."
                )
            claim.tags.set([tags[name] for name in row["tags"]])
            claims[claim.fingerprint] = claim
        for row in rows:
            if row["merged_into"]:
                Claim.objects.filter(pk=claims[row["fingerprint"]].pk).update(
                    merged_into=claims[row["merged_into"]], merged_at=_parse_time(row["merged_at"])
                )
        return claims

    def restore_attributions(self, rows, claims, sources, actors, outlets):
        restored = []
        for row in rows:
            source = sources[row["source"]]
            attribution = Attribution(
                claim=claims[row["claim"]],
                source=source,
                quote=row["quote"],
                start=row["start"],
                end=row["end"],
                prefix=row["prefix"],
                suffix=row["suffix"],
                speaker=actors[row["speaker"]] if row["speaker"] else None,
                kind=row["kind"],
                stance=row["stance"],
                relayed_via=outlets[row["relayed_via"]] if row["relayed_via"] else None,
                created_by=self.user(row["created_by"]),
                created_at=_parse_time(row["created_at"]),
                deleted_at=_parse_time(row["deleted_at"]),
                deleted_by=self.user(row["deleted_by"]),
                orphaned_at=_parse_time(row["orphaned_at"]),
                orphan_reason=row["orphan_reason"],
            )
            if attribution.orphaned_at is None:
                attribution.clean()  # the quote is at its offsets in the body
            attribution._history_user = attribution.created_by
            attribution._change_reason = "Restored from a backup"
            attribution.save()
            attribution.updated_at = _parse_time(row["updated_at"])
            restored.append(attribution)
        Attribution.objects.bulk_update(restored, ["updated_at"], batch_size=1000)

    def restore_derived(self, rows, claims):
        """The stored status, grade, explanation, origin count and updated_at, as exported."""
        restored = []
        for row in rows:
            claim = claims[row["fingerprint"]]
            claim.status = row["status"]
            claim.grade = row["grade"]
            claim.explanation = row["explanation"]
            claim.origin_count = row["origin_count"]
            claim.updated_at = _parse_time(row["updated_at"])
            restored.append(claim)
        Claim.objects.bulk_update(
            restored,
            ["status", "grade", "explanation", "origin_count", "updated_at"],
            batch_size=1000,
        )
