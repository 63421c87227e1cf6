"""The suggester's database side: the Lookup it reads, the Suggestion rows it writes.

intake.suggest finds attributions in a text from the rows a Lookup holds;
this module gives it the database's actors and outlets and stores what it
finds for a source as pending suggestions (one INSERT).
"""

from django.db import DEFAULT_DB_ALIAS

from claims.models import Actor, ActorAlias
from intake.models import INSERT_FIELDS, Suggestion
from intake.suggest.lookup import Lookup
from sources.models import Outlet, OutletAlias


def database_rows(using=DEFAULT_DB_ALIAS):
    """The four row lists a Lookup knows (see intake.suggest.lookup.Lookup), in four queries."""
    return (
        Actor.objects.using(using)
        .order_by()
        .values_list("pk", "name", "name_key", "kind", "role", "country"),
        ActorAlias.objects.using(using).order_by().values_list("actor_id", "name_key"),
        Outlet.objects.using(using).order_by().values_list("pk", "name", "name_key", "domain"),
        OutletAlias.objects.using(using).order_by().values_list("outlet_id", "name_key"),
    )


def database_lookup(using=DEFAULT_DB_ALIAS):
    """A Lookup of the database's actors and outlets, read the first time it is asked."""
    return Lookup(lambda: database_rows(using))


def store_suggestions(source_id, found):
    """Insert the Suggested attributions `found` in source `source_id` as pending suggestions."""
    Suggestion.objects.insert_many(
        [
            {
                "source_id": source_id,
                **{name: getattr(s, name) for name in INSERT_FIELDS if name != "source_id"},
            }
            for s in found
        ]
    )
