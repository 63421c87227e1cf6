"""Tags: short labels on claims, created on first use."""

from django.db import models
from django.db.models import Case, Q, Value, When

from lib.concurrency import save_or_winner
from lib.fields import NameField


class TagQuerySet(models.QuerySet):
    def ensure(self, tags):
        """Saved tags for `tags` (claims.input.parse_tags: existing tags and unsaved new
        ones), in order, without repeats.

        A new tag that a simultaneous write created first (the same slug or name:
        both are unique) is that tag: the first writer wins, the others use it.
        """
        saved = []
        for tag in tags:
            if tag.pk is None:
                tag, _created = save_or_winner(
                    tag,
                    lambda tag=tag: (
                        self.filter(Q(slug=tag.slug) | Q(name=tag.name))
                        .order_by(Case(When(slug=tag.slug, then=Value(0)), default=Value(1)))
                        .first()
                    ),
                )
            if tag not in saved:
                saved.append(tag)
        return saved


class Tag(models.Model):
    name = NameField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
