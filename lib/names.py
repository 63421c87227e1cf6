"""Things found by name: a stored name key, and lookup by name or alias.

A model that inherits NameKeyed has a `name` field (declared by the model, which
decides its length and uniqueness) and gets `name_key`, the normalized form of
that name (lib.text.normalize_name), set on every save(). The key is unique, so
one spelling names one row. NameKeyedQuerySet.resolve finds a row by its own key
or by the key of one of its aliases (a related NameKeyed model reached through
`aliases`).
"""

from django.db import models
from django.db.models import Q

from lib.text import normalize_name


class NameKeyedQuerySet(models.QuerySet):
    def resolve(self, name):
        """The row called `name`, by its name or one of its aliases, or None.

        Nothing is guessed: a name that is neither a name nor an alias
        resolves to None.
        """
        key = normalize_name(name)
        if not key:
            return None
        return self.filter(Q(name_key=key) | Q(aliases__name_key=key)).distinct().first()


class NameKeyed(models.Model):
    """A row with a `name`, whose normalized key is kept in `name_key` on save()."""

    # Unique: one spelling can only ever mean one row (NameKeyedQuerySet.resolve).
    name_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)
