"""Actors, the people and bodies that make statements, and the other names they go by."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from lib.fields import NameField
from lib.names import NameKeyed, NameKeyedQuerySet
from lib.text import normalize_name
from sources.models import country_code


class ActorQuerySet(NameKeyedQuerySet):
    """Actors, resolved by name or alias (NameKeyedQuerySet.resolve).

    Aliases carry misspellings and short forms: "Chiang Wanquan" resolves to
    Chang Wanquan, "Jiechi" to Yang Jiechi.
    """


class Actor(NameKeyed):
    """A person or organisation that makes statements."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", "Official"
        GOVERNMENT_BODY = "government_body", "Government body"
        JOURNALIST = "journalist", "Journalist"
        ANALYST = "analyst", "Analyst or pundit"
        AGENCY = "agency", "Agency"
        UNNAMED = "unnamed", "Unnamed"

    name = NameField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICIAL)
    role = NameField(max_length=300, blank=True, help_text="Role or title")
    country = models.CharField(max_length=2, blank=True, validators=[country_code])

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def clean(self):
        key = normalize_name(self.name)
        if ActorAlias.objects.filter(name_key=key).exclude(actor_id=self.pk).exists():
            raise ValidationError({"name": "Another actor already has this name as an alias."})


class ActorAlias(NameKeyed):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = NameField(max_length=200)

    class Meta:
        verbose_name_plural = "actor aliases"
        ordering = ["name"]

    def clean(self):
        key = normalize_name(self.name)
        if Actor.objects.filter(name_key=key).exclude(pk=self.actor_id).exists():
            raise ValidationError({"name": "Another actor already has this name."})
