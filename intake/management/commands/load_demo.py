"""manage.py load_demo: the five seed articles, hand-made annotations and one user per role.

The articles in demo/articles/ go through the importer; demo/annotations.toml
holds everything an editor added by hand (outlets, actors, relays, claims and
their attributions, and the status each claim is meant to get). Tests read the
same file through load_annotations() and find a claim with find_claim().

Everything runs in one transaction: a bad quote or a missing article leaves
nothing half-loaded. Running it again creates nothing new, says so, and resets
the demo users' passwords.
"""

import secrets
import tomllib
from collections import Counter
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from claims import derived
from claims.models import Actor, ActorAlias, Attribution, Claim, Tag, statement_fingerprint
from claims.roles import ADMIN, EDITOR, FACT_CHECKER
from intake.actions import import_files
from lib.text import normalize_name
from sources.models import (
    ImportBatch,
    Outlet,
    OutletAlias,
    OwnerGroup,
    QuoteNotFound,
    SourceRelay,
)

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
ARTICLES_DIR = DEMO_DIR / "articles"
ANNOTATIONS_PATH = DEMO_DIR / "annotations.toml"

# (username, role): one demo user per role, all staff so they can use the admin.
DEMO_USERS = (("factchecker", FACT_CHECKER), ("editor", EDITOR), ("admin", ADMIN))

# The keys each kind of entry may carry: (required, optional).
SCHEMA = {
    "owner_groups": ({"name"}, {"notes"}),
    "outlets": (
        {"name", "kind"},
        {"aliases", "domain", "country", "state_affiliated", "owner_group", "reliability", "notes"},
    ),
    "actors": ({"name", "kind"}, {"aliases", "role", "country"}),
    "sources": ({"key", "file"}, {"outlet", "outlet_cue", "byline", "published_on", "relays"}),
    "claims": (
        {"key", "statement", "expected_status", "attributions"},
        {"event_start", "event_end", "tags"},
    ),
    "attributions": (
        {"source", "quote", "kind"},
        {"prefix", "suffix", "speaker", "stance", "relayed_via"},
    ),
    "relays": ({"outlet", "cue"}, set()),
}


class AnnotationError(ValueError):
    """The annotation file is malformed or refers to something it does not define."""


def load_annotations(path=ANNOTATIONS_PATH):
    """The demo annotations as plain Python data, checked for consistency.

    A dict with lists of dicts under "owner_groups", "outlets", "actors",
    "sources" and "claims". Each claim has "key", "statement", "event_start" /
    "event_end" (datetime.date or absent), "tags", "expected_status" (a
    Claim.Status value) and "attributions" (each with "source" key, "quote",
    "kind", and optional "prefix", "suffix", "speaker", "stance",
    "relayed_via"). Raises AnnotationError listing every problem found.
    """
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    problems = check_annotations(data)
    if problems:
        raise AnnotationError(
            f"{path} has {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return data


def find_claim(entry):
    """The Claim an annotation entry describes (same statement and event dates), or None."""
    fingerprint = statement_fingerprint(
        entry["statement"], entry.get("event_start"), entry.get("event_end")
    )
    return Claim.objects.filter(fingerprint=fingerprint).first()


def _check_keys(problems, where, entry, section):
    required, optional = SCHEMA[section]
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a table, found {entry!r}")
        return False
    missing = required - entry.keys()
    unknown = entry.keys() - required - optional
    if missing:
        problems.append(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    return not missing


def _check_choice(problems, where, value, choices, field):
    if value not in choices.values:
        problems.append(f"{where}: {field} “{value}” is not one of {', '.join(choices.values)}")


def _names(entries):
    """normalize_name(name or alias) -> canonical name, for the entries of one section."""
    names = {}
    for entry in entries:
        for name in [entry.get("name", ""), *entry.get("aliases", [])]:
            names[normalize_name(name)] = entry.get("name", "")
    return names


def check_annotations(data):
    """Every problem in the parsed annotation data, as a list of messages."""
    problems = []
    for section in data:
        if section not in ("owner_groups", "outlets", "actors", "sources", "claims"):
            problems.append(f"unknown section [[{section}]]")
    outlets = _names(data.get("outlets", []))
    for i, entry in enumerate(data.get("owner_groups", [])):
        _check_keys(problems, f"owner group #{i + 1}", entry, "owner_groups")
    groups = {entry.get("name") for entry in data.get("owner_groups", [])}
    for entry in data.get("outlets", []):
        _check_outlet(problems, entry, groups)
    for entry in data.get("actors", []):
        where = f"actor “{entry.get('name')}”"
        if _check_keys(problems, where, entry, "actors"):
            _check_choice(problems, where, entry["kind"], Actor.Kind, "kind")
    source_keys = set()
    for entry in data.get("sources", []):
        if _check_source(problems, entry, outlets):
            source_keys.add(entry["key"])
    known = {"sources": source_keys, "outlets": outlets, "actors": _names(data.get("actors", []))}
    claim_keys, identities = set(), set()
    for entry in data.get("claims", []):
        where = f"claim “{entry.get('key')}”"
        if not _check_keys(problems, where, entry, "claims"):
            continue
        _check_choice(problems, where, entry["expected_status"], Claim.Status, "expected_status")
        identity = (entry["statement"], entry.get("event_start"), entry.get("event_end"))
        if entry["key"] in claim_keys or identity in identities:
            problems.append(f"{where}: the same claim is annotated twice")
        claim_keys.add(entry["key"])
        identities.add(identity)
        if not entry["attributions"]:
            problems.append(f"{where}: needs at least one attribution")
        for attribution in entry["attributions"]:
            _check_attribution(problems, where, attribution, known)
    return problems


def _check_outlet(problems, entry, groups):
    where = f"outlet “{entry.get('name')}”"
    if not _check_keys(problems, where, entry, "outlets"):
        return
    _check_choice(problems, where, entry["kind"], Outlet.Kind, "kind")
    _check_choice(problems, where, entry.get("reliability", "F"), Outlet.Reliability, "reliability")
    if entry.get("owner_group") and entry["owner_group"] not in groups:
        problems.append(f"{where}: unknown owner group “{entry['owner_group']}”")


def _check_source(problems, entry, outlets):
    """Check one source entry; False if its keys are wrong (it is not known then)."""
    where = f"source “{entry.get('key')}”"
    if not _check_keys(problems, where, entry, "sources"):
        return False
    if entry.get("outlet") and normalize_name(entry["outlet"]) not in outlets:
        problems.append(f"{where}: unknown outlet “{entry['outlet']}”")
    if entry.get("outlet") and not entry.get("outlet_cue"):
        problems.append(f"{where}: give the outlet_cue, the text that names the outlet")
    for relay in entry.get("relays", []):
        if _check_keys(problems, f"{where}, relay", relay, "relays") and (
            normalize_name(relay["outlet"]) not in outlets
        ):
            problems.append(f"{where}: unknown relay outlet “{relay['outlet']}”")
    return True


def _check_attribution(problems, where, attribution, known):
    """Check one attribution of a claim against the `known` sources, outlets and actors."""
    at = f"{where}, quote “{str(attribution.get('quote', ''))[:60]}”"
    if not _check_keys(problems, at, attribution, "attributions"):
        return
    _check_choice(problems, at, attribution["kind"], Attribution.Kind, "kind")
    _check_choice(problems, at, attribution.get("stance", "supports"), Attribution.Stance, "stance")
    if attribution["source"] not in known["sources"]:
        problems.append(f"{at}: unknown source “{attribution['source']}”")
    speaker = attribution.get("speaker")
    if speaker and normalize_name(speaker) not in known["actors"]:
        problems.append(f"{at}: unknown speaker “{speaker}”")
    relay = attribution.get("relayed_via")
    if relay and normalize_name(relay) not in known["outlets"]:
        problems.append(f"{at}: unknown outlet “{relay}”")


class Command(BaseCommand):
    help = (
        "Load the demo: the five seed articles, their hand-made annotations (outlets, "
        "actors, claims, attributions) and one user per role with a new random password. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--annotations",
            default=str(ANNOTATIONS_PATH),
            help="the annotation file (default: demo/annotations.toml)",
        )

    def handle(self, *args, annotations, **options):
        try:
            data = load_annotations(annotations)
        except (OSError, tomllib.TOMLDecodeError, AnnotationError) as exc:
            raise CommandError(f"Cannot read the demo annotations: {exc}") from exc

        self.created = Counter()
        self.existing = Counter()
        with transaction.atomic():
            passwords = self.load_users()
            groups = self.load_owner_groups(data)
            self.load_outlets(data, groups)
            self.load_actors(data)
            # Articles after outlets and actors: the importer resolves signatures,
            # relays and suggested speakers against them.
            sources = self.load_articles(data, user=self.users["admin"])
            self.load_sources(data, sources)
            self.load_claims(data, sources, user=self.users["editor"])
            mismatches = self.check_statuses(data)

        self.report(mismatches)
        self.stdout.write("")
        self.stdout.write("Demo users (new passwords on every run; sign in at /admin/):")
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role:<13} password: {passwords[username]}")

    # ----- users -----

    def load_users(self):
        """Create or reset the demo users; {username: new password}."""
        self.users, passwords = {}, {}
        for username, role in DEMO_USERS:
            try:
                group = Group.objects.get(name=role)
            except Group.DoesNotExist:
                raise CommandError(
                    f"The role group “{role}” is missing; run `manage.py migrate` first."
                ) from None
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": "Demo", "last_name": role}
            )
            self._count("user", created)
            if user.is_superuser:
                self.stderr.write(
                    f"Note: “{username}” is a superuser; load_demo leaves that as it is."
                )
            user.is_staff = True
            user.is_active = True
            passwords[username] = secrets.token_urlsafe(12)
            user.set_password(passwords[username])
            user.save()
            user.groups.set([group])
            self.users[username] = user
        return passwords

    # ----- articles and sources -----

    def load_articles(self, data, user):
        """Import demo/articles through the importer; {file name: Source}."""
        result = import_files([ARTICLES_DIR], user=user, via=ImportBatch.Via.DEMO)
        for outcome in result.outcomes:
            self.stdout.write(f"  {outcome.status:<10} {Path(outcome.path).name}")
        if result.failed:
            reasons = "; ".join(f"{o.path}: {o.message}" for o in result.failed)
            raise CommandError(f"Demo articles failed to import: {reasons}")
        self.created["article"] += len(result.imported)
        self.existing["article"] += len(result.duplicates)
        sources = {Path(o.path).name: o.source for o in result.outcomes}
        missing = [e["file"] for e in data["sources"] if e["file"] not in sources]
        if missing:
            raise CommandError(f"Annotated articles missing from {ARTICLES_DIR}: {missing}")
        return {entry["key"]: sources[entry["file"]] for entry in data["sources"]}

    def load_sources(self, data, sources):
        """Outlet, byline, date and relays of each article, where not set already."""
        for entry in data["sources"]:
            source = sources[entry["key"]]
            for cue in [entry.get("outlet_cue"), *(r["cue"] for r in entry.get("relays", []))]:
                # A signature may be furniture the importer cleaned out of the body.
                if cue and cue not in source.body and cue not in source.original_text:
                    raise CommandError(f"Source {entry['key']}: “{cue}” is not in the text.")
            changed = []
            if entry.get("outlet") and source.outlet_id is None:
                source.outlet = Outlet.objects.resolve(entry["outlet"])
                changed.append("outlet")
            if entry.get("byline") and not source.byline:
                source.byline = entry["byline"]
                changed.append("byline")
            if entry.get("published_on") and source.published_on is None:
                source.published_on = entry["published_on"]
                changed.append("published_on")
            if changed:
                self._validate(source, f"source {entry['key']}", exclude=["content_hash"])
                source.save(update_fields=changed)
            for relay in entry.get("relays", []):
                _, created = SourceRelay.objects.get_or_create(
                    source=source,
                    outlet=Outlet.objects.resolve(relay["outlet"]),
                    defaults={"cue": relay["cue"]},
                )
                self._count("relay", created)

    # ----- outlets and actors -----

    def load_owner_groups(self, data):
        groups = {}
        for entry in data.get("owner_groups", []):
            group = OwnerGroup.objects.filter(name=entry["name"]).first()
            self._count("owner group", group is None)
            if group is None:
                group = OwnerGroup(name=entry["name"], notes=entry.get("notes", ""))
                self._validate(group, f"owner group “{entry['name']}”")
                group.save()
            groups[entry["name"]] = group
        return groups

    def load_outlets(self, data, groups):
        for entry in data.get("outlets", []):
            outlet = Outlet.objects.resolve(entry["name"])
            self._count("outlet", outlet is None)
            if outlet is not None:
                continue
            outlet = Outlet(
                name=entry["name"],
                domain=entry.get("domain", ""),
                kind=entry["kind"],
                country=entry.get("country", ""),
                state_affiliated=entry.get("state_affiliated", False),
                owner_group=groups.get(entry.get("owner_group")),
                reliability=entry.get("reliability", Outlet.Reliability.F),
                notes=entry.get("notes", ""),
            )
            self._validate(outlet, f"outlet “{entry['name']}”", exclude=["name_key"])
            outlet.save()
            for alias in entry.get("aliases", []):
                other = Outlet.objects.resolve(alias)
                if other is not None and other != outlet:
                    raise CommandError(f"Outlet alias “{alias}” already names “{other}”.")
                if other is None:
                    OutletAlias.objects.create(outlet=outlet, name=alias)

    def load_actors(self, data):
        for entry in data.get("actors", []):
            actor = Actor.objects.resolve(entry["name"])
            self._count("actor", actor is None)
            if actor is not None:
                continue
            actor = Actor(
                name=entry["name"],
                kind=entry["kind"],
                role=entry.get("role", ""),
                country=entry.get("country", ""),
            )
            self._validate(actor, f"actor “{entry['name']}”", exclude=["name_key"])
            actor.save()
            for name in entry.get("aliases", []):
                other = Actor.objects.resolve(name)
                if other is not None and other != actor:
                    raise CommandError(f"Actor alias “{name}” already names “{other}”.")
                if other is None:
                    alias = ActorAlias(actor=actor, name=name)
                    self._validate(alias, f"alias “{name}”", exclude=["name_key"])
                    alias.save()

    # ----- claims and attributions -----

    def load_claims(self, data, sources, user):
        """The claims and their attributions; their derived state refreshed once at the end."""
        refresh = derived.Refresh()
        for entry in data["claims"]:
            claim = find_claim(entry)
            self._count("claim", claim is None)
            if claim is None:
                claim = Claim(
                    statement=entry["statement"],
                    event_start=entry.get("event_start"),
                    event_end=entry.get("event_end"),
                    created_by=user,
                )
                self._validate(claim, f"claim “{entry['key']}”", exclude=["fingerprint"])
                claim.save()
                refresh.add(documents=[claim.pk])
            claim.tags.add(*(self._tag(name) for name in entry.get("tags", [])))
            for item in entry["attributions"]:
                self.load_attribution(claim, entry, item, sources[item["source"]], user, refresh)
        refresh.run()

    def load_attribution(self, claim, entry, item, source, user, refresh):
        where = f"Claim “{entry['key']}”, quote “{item['quote'][:80]}” in source {item['source']}"
        speaker = Actor.objects.resolve(item["speaker"]) if item.get("speaker") else None
        relay = Outlet.objects.resolve(item["relayed_via"]) if item.get("relayed_via") else None
        attribution = Attribution(
            claim=claim,
            source=source,
            quote=item["quote"],
            speaker=speaker,
            kind=item["kind"],
            stance=item.get("stance", Attribution.Stance.SUPPORTS),
            relayed_via=relay,
            created_by=user,
        )
        try:
            attribution.anchor(item.get("prefix", ""), item.get("suffix", ""))
        except QuoteNotFound as exc:
            raise CommandError(f"{where}: {exc}") from exc
        exists = Attribution.objects.filter(
            claim=claim, source=source, start=attribution.start, end=attribution.end
        ).exists()
        self._count("attribution", not exists)
        if not exists:
            self._validate(attribution, where)
            attribution.save()
            refresh.add_evidence([claim.pk])

    def _tag(self, name):
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag(name=name, slug=slugify(name))
            self._validate(tag, f"tag “{name}”")
            tag.save()
        return tag

    # ----- statuses and the report -----

    def check_statuses(self, data):
        """Claims whose stored status differs from the annotated one: (entry, status)."""
        if "recompute_status" in get_commands():
            call_command("recompute_status", stdout=StringIO(), stderr=StringIO())
        mismatches = []
        for entry in data["claims"]:
            claim = find_claim(entry)
            if claim.status != entry["expected_status"]:
                mismatches.append((entry, claim.status))
        return mismatches

    def report(self, mismatches):
        parts = []
        for kind in ("article", "owner group", "outlet", "actor", "relay", "claim", "attribution"):
            new, old = self.created[kind], self.existing[kind]
            parts.append(f"{kind}s: {new} new" + (f", {old} already there" if old else ""))
        if not any(count for kind, count in self.created.items() if kind != "user"):
            self.stdout.write(
                self.style.SUCCESS("The demo is already loaded: nothing new was created.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Demo loaded."))
        self.stdout.write("  " + "; ".join(parts) + ".")
        for entry, status in mismatches:
            self.stderr.write(
                self.style.WARNING(
                    f"Claim “{entry['key']}” has status {status}, "
                    f"but the demo means it to be {entry['expected_status']}."
                )
            )

    def _count(self, kind, created):
        (self.created if created else self.existing)[kind] += 1

    def _validate(self, obj, where, exclude=()):
        try:
            obj.full_clean(exclude=list(exclude))
        except ValidationError as exc:
            raise CommandError(f"{where}: {'; '.join(exc.messages)}") from exc
