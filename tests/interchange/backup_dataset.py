"""A representative dataset for the backup tests (pg_dump and the export format).

The demo, plus what it lacks so every table a backup must carry holds rows of
every shape: users in each role and none, owner groups, outlets with aliases,
an import batch, sources with relays, actors with aliases, tags, claims with
direct, relayed, disputing and removed attributions, a merged claim, verdicts
with reviews, notes with replies on claims, attributions and passages (one
deleted), and the change history all of these write. API tokens and a session
too (pg_dump copies those; the export format does not).
"""

from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token

from claims.actions import merge_claims, remove_attribution
from claims.models import Attribution, Claim
from claims.roles import ADMIN, EDITOR, FACT_CHECKER
from sources.models import ImportBatch, Outlet
from tests.factories import (
    load_demo,
    make_actor,
    make_annotation,
    make_attribution,
    make_claim,
    make_newsroom,
    make_outlet,
    make_owner_group,
    make_source,
    make_user,
)


def make_backup_dataset():
    """Build the dataset; returns the users it made (checker, editor, admin, outsider)."""
    load_demo()
    checker = make_user("bea", FACT_CHECKER, first_name="Bea", email="bea@example.org")
    editor = make_user("ed", EDITOR, is_staff=True)
    admin = make_user("adele", ADMIN, is_staff=True, is_superuser=True)
    outsider = make_user("olaf", is_active=False)

    owners = make_owner_group("Backup Holdings")
    wire = make_outlet(
        "Backup Wire", aliases=["BW", "B. Wire"], kind=Outlet.Kind.WIRE, owner_group=owners
    )
    paper = make_outlet("Backup Gazette", country="FR", owner_group=owners, notes="Weekly.")
    ns = make_newsroom(" (backup)", reviewer=checker)  # incl. a disputing attribution

    batch = ImportBatch.objects.create(
        created_by=admin,
        via=ImportBatch.Via.ADMIN,
        files=["gazette.jsonl"],
        imported_count=1,
        errors=[{"file": "broken.txt", "error": "Empty file."}],
    )
    relayed = make_source(
        body="Relayed story. The minister said the deal was done, according to Backup Wire. "
        "Critics disagreed.",
        outlet=paper,
        relays=[wire],
        byline="A. Writer",
        batch=batch,
        imported_by=admin,
    )
    minister = make_actor("Backup Minister", aliases=["The minister", "Min. B"])
    deal = make_claim("The deal was done (backup)")
    deal.tags.add(ns.tag)
    make_attribution(
        deal,
        relayed,
        "the deal was done",
        speaker=minister,
        relayed_via=wire,
        kind=Attribution.Kind.PARAPHRASE,
    )
    make_attribution(
        deal,
        relayed,
        "Critics disagreed",
        stance=Attribution.Stance.DISPUTES,
        kind=Attribution.Kind.OUTLET_ASSERTION,
    )
    removed = make_attribution(deal, ns.wire_story, "Patrushev met Yang in Beijing")
    remove_attribution(removed, editor)

    deal.refresh_from_db()
    deal.record_verdict(checker, Claim.Verdict.MISLEADING, "One wire only.", deal.version)
    deal.refresh_from_db()
    deal.record_verdict(checker, Claim.Verdict.FALSE, "Checked twice.", deal.version)

    twin = make_claim("The deal is done (backup twin)")
    make_attribution(twin, ns.paper_story, "Sanctions were lifted last week")
    merge_claims(twin, deal, editor)

    note = make_annotation(editor, "Source this <b>please</b>.", claim=deal)
    make_annotation(admin, "Done.", parent=note)
    make_annotation(
        checker, "Which wire?", attribution=Attribution.objects.live().filter(claim=deal).first()
    )
    make_annotation(editor, "Passage note.", source=relayed, quote="Critics disagreed")
    gone = make_annotation(editor, "Typo.", claim=ns.troops)
    gone.soft_delete(admin)

    Token.objects.create(user=checker)
    session = SessionStore()
    session["_auth_user_id"] = str(checker.pk)
    session.create()
    return checker, editor, admin, outsider
