"""Small factory functions for tests. Each fills in what a test does not care about."""

import itertools

from django.contrib.auth.models import Group, User

from claims.models import Actor, ActorAlias, Attribution, Claim, Review
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
    return Claim.objects.create(statement=statement or f"Claim number {next(_counter)}", **kwargs)


def make_attribution(claim, source, quote=None, **kwargs):
    """An attribution anchored on `quote`, which must occur once in the source body.

    Defaults to the whole body when no quote is given.
    """
    quote = quote if quote is not None else source.body
    start, end = source.find_quote(quote)
    kwargs.setdefault("kind", Attribution.Kind.PARAPHRASE)
    return Attribution.objects.create(
        claim=claim, source=source, quote=quote, start=start, end=end, **kwargs
    )


def make_review(claim, reviewer, verdict=Claim.Verdict.ACCURATE, rationale="Checked."):
    return Review.objects.create(
        claim=claim, reviewer=reviewer, verdict=verdict, rationale=rationale
    )
