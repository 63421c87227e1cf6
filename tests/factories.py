"""Small factory functions for tests. Each fills in what a test does not care about."""

import datetime
import itertools
from collections import Counter
from io import StringIO
from types import SimpleNamespace

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils.text import slugify

from claims import derived, search
from claims.models import Actor, ActorAlias, Annotation, Attribution, Claim, Review, Tag
from intake.management.commands.load_demo import Command, load_annotations
from sources.models import Outlet, OwnerGroup, Source, SourceRelay

_counter = itertools.count(1)


def make_user(username, role=None, **kwargs):
    user = User.objects.create_user(username=username, password="pw-" + username, **kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_owner_group(name=None):
    return OwnerGroup.objects.create(name=name or f"Owner {next(_counter)}")


def make_outlet(name=None, aliases=(), **kwargs):
    outlet = Outlet.objects.create(name=name or f"Outlet {next(_counter)}", **kwargs)
    for alias in aliases:
        outlet.aliases.create(name=alias)
    return outlet


def make_source(body=None, outlet=None, relays=(), **kwargs):
    n = next(_counter)
    kwargs.setdefault("title", f"Article {n}")
    source = Source.objects.create(
        body=body if body is not None else f"Article number {n}. The minister said things.",
        outlet=outlet,
        **kwargs,
    )
    for relay in relays:
        SourceRelay.objects.create(source=source, outlet=relay)
    return source


def make_actor(name=None, aliases=(), **kwargs):
    actor = Actor.objects.create(name=name or f"Actor {next(_counter)}", **kwargs)
    for alias in aliases:
        ActorAlias.objects.create(actor=actor, name=alias)
    return actor


def make_claim(statement=None, **kwargs):
    """A claim, saved as it is given, with its search document."""
    claim = Claim.objects.create(statement=statement or f"Claim number {next(_counter)}", **kwargs)
    search.refresh([claim.pk])
    return claim


def make_attribution(claim, source, quote=None, *, prefix="", suffix="", refresh=None, **kwargs):
    """An attribution anchored on `quote` (told apart by `prefix`/`suffix` if repeated).

    Defaults to the whole body when no quote is given. Stores the quote's context
    (Attribution.take_context), as the editors' form does. Saved as given (no
    validation), then the claim's derived state is refreshed explicitly: at once (and
    `claim` given the values the engine stored), or in the caller's `refresh` batch.
    """
    quote = quote if quote is not None else source.body
    start, end = source.find_quote(quote, prefix, suffix)
    kwargs.setdefault("kind", Attribution.Kind.PARAPHRASE)
    attribution = Attribution(claim=claim, source=source, quote=quote, start=start, end=end)
    attribution.take_context(source.body)
    for name, value in kwargs.items():
        setattr(attribution, name, value)
    attribution.save()
    if refresh is not None:
        refresh.add_evidence([claim.pk])
    else:
        result = derived.Refresh().add_evidence([claim.pk]).run().get(claim.pk)
        for name, value in result._asdict().items():  # the claim as the engine stored it
            setattr(claim, name, value)
    return attribution


def make_annotation(author, text="A note.", *, quote=None, **target):
    """A note by `author` on claim=, attribution= or source= (anchored on `quote`, which
    must occur once in the body), or a reply with parent= (on its thread's target)."""
    parent = target.pop("parent", None)
    if parent is not None:
        return parent.reply(author, text)
    note = Annotation(author=author, text=text, **target)
    if note.source_id:
        note.exact = quote
        note.anchor()
    note.save()
    return note


def make_review(claim, reviewer, verdict=Claim.Verdict.ACCURATE, rationale="Checked."):
    return Review.objects.create(
        claim=claim, reviewer=reviewer, verdict=verdict, rationale=rationale
    )


def make_tag(name=None):
    name = name or f"Tag {next(_counter)}"
    return Tag.objects.create(name=name, slug=slugify(name))


def set_status(claim, status, grade=None, origin_count=None):
    """Store a support status as the engine would, without running it (list tests)."""
    fields = {"status": status}
    if grade is not None:
        fields["grade"] = grade
    if origin_count is not None:
        fields["origin_count"] = origin_count
    Claim.objects.filter(pk=claim.pk).update(**fields)
    for name, value in fields.items():
        setattr(claim, name, value)
    return claim


def make_newsroom(label="", reviewer=None, refresh=None):
    """A small newsroom: three outlets, two actors, a tag and four claims, one per status
    shape (corroborated, speculative, contested, unsupported), statuses stored directly.

    `label` keeps names unique when called again (e.g. to grow a dataset tenfold);
    `refresh`, a claims.derived.Refresh batch for the attributions (make_attribution).
    Returns a namespace of what it made.
    """

    def attribute(*args, **kwargs):
        return make_attribution(*args, refresh=refresh, **kwargs)

    n = next(_counter)
    ns = SimpleNamespace()
    ns.wire = make_outlet(f"Wire Agency{label}", kind=Outlet.Kind.WIRE, aliases=[f"WA{label}"])
    ns.state = make_outlet(f"State Daily{label}", kind=Outlet.Kind.STATE_MEDIA)
    ns.paper = make_outlet(f"Morning Paper{label}", kind=Outlet.Kind.NEWSPAPER)
    ns.official = make_actor(
        f"Yang Jiechi{label}", aliases=[f"Jiechi{label}"], kind=Actor.Kind.OFFICIAL
    )
    ns.pundit = make_actor(f"Marat Bashirov{label}", kind=Actor.Kind.ANALYST)
    ns.tag = make_tag(f"Security{label}")

    ns.wire_story = make_source(
        body=f"Story {n}. Patrushev met Yang in Beijing, Yang Jiechi said. Nothing else.",
        outlet=ns.wire,
    )
    ns.paper_story = make_source(
        body=f"Story {n}. The envoys met in Beijing to discuss a pipeline. Sanctions were "
        "lifted last week, the paper reported.",
        outlet=ns.paper,
    )
    ns.state_story = make_source(
        body=f"Story {n}. Troops could possibly move north, the analyst said. Sanctions "
        "were never lifted, the ministry insisted.",
        outlet=ns.state,
    )
    ns.anonymous_story = make_source(body=f"Story {n}. Nobody knows who wrote this.")

    ns.meeting = make_claim(
        f"Patrushev met Yang Jiechi in Beijing{label}",
        event_start=datetime.date(2019, 6, 1),
        event_end=datetime.date(2019, 6, 3),
    )
    ns.meeting.tags.add(ns.tag)
    attribute(
        ns.meeting,
        ns.wire_story,
        "Patrushev met Yang in Beijing",
        speaker=ns.official,
        kind=Attribution.Kind.DIRECT_QUOTE,
    )
    attribute(ns.meeting, ns.paper_story, "The envoys met in Beijing to discuss a pipeline")
    set_status(ns.meeting, Claim.Status.CORROBORATED, grade=1, origin_count=2)

    ns.troops = make_claim(f"Troops will move north{label}", event_start=datetime.date(2022, 2, 1))
    attribute(
        ns.troops,
        ns.state_story,
        "Troops could possibly move north",
        speaker=ns.pundit,
        kind=Attribution.Kind.SPECULATION,
    )
    set_status(ns.troops, Claim.Status.SPECULATIVE, grade=6, origin_count=0)

    ns.sanctions = make_claim(
        f"Sanctions were lifted{label}", event_start=datetime.date(2014, 3, 1)
    )
    attribute(ns.sanctions, ns.paper_story, "Sanctions were lifted last week")
    attribute(
        ns.sanctions,
        ns.state_story,
        "Sanctions were never lifted",
        stance=Attribution.Stance.DISPUTES,
        kind=Attribution.Kind.OUTLET_ASSERTION,
    )
    attribute(ns.sanctions, ns.anonymous_story, "Nobody knows who wrote this")
    set_status(ns.sanctions, Claim.Status.CONTESTED, grade=4, origin_count=1)

    ns.summit = make_claim(f"The summit was cancelled{label}")
    set_status(ns.summit, Claim.Status.UNSUPPORTED, grade=6, origin_count=0)

    if reviewer is not None:
        make_review(ns.meeting, reviewer, Claim.Verdict.ACCURATE)
        Claim.objects.filter(pk=ns.meeting.pk).update(verdict=Claim.Verdict.ACCURATE)
        ns.meeting.verdict = Claim.Verdict.ACCURATE
    ns.claims = [ns.meeting, ns.troops, ns.sanctions, ns.summit]
    return ns


def load_demo():
    """Run `manage.py load_demo` quietly (the demo articles, annotations and users)."""
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())


def grow_tenfold(reviewer=None):
    """Add newsrooms (make_newsroom) until there are ten times as many claims as now."""
    target = 10 * Claim.objects.count()
    copies = -(-(target - Claim.objects.count()) // 4)  # a newsroom has four claims
    with derived.batch() as refresh:  # one status recompute at the end, not one per attribution
        for copy in range(copies):
            make_newsroom(
                label=f" x{next(_counter)}",
                reviewer=reviewer if copy % 2 else None,
                refresh=refresh,
            )


def make_demo_cast():
    """The demo's owner groups, outlets and actors (demo/annotations.toml), no articles.

    For importer tests: signatures, relays and speakers then resolve as in the demo.
    """
    data = load_annotations()
    command = Command()
    command.created, command.existing = Counter(), Counter()
    groups = command.load_owner_groups(data)
    command.load_outlets(data, groups)
    command.load_actors(data)
    return data
