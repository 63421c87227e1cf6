"""Model fields for hostile text.

NameField is the CharField of every name and title people read (actors and
aliases, outlets and aliases, owner groups, tags, source titles and bylines):
its value is cleaned with lib.text.clean_line on every way in (form and
model validation through to_python; save() and bulk_create() through
pre_save; update() and bulk_update() through get_prep_value), and a NUL is
refused by its validator, as by every form and API text field.
"""

from django.core.validators import ProhibitNullCharactersValidator
from django.db import models

from lib.text import clean_line


class NameField(models.CharField):
    """A one-line name or title, stored without control or direction characters."""

    default_validators = [ProhibitNullCharactersValidator()]

    def deconstruct(self):
        # Migrations record a CharField: the column is the same, the cleaning is Python's.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return clean_line(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            cleaned = clean_line(value)
            if cleaned != value:
                setattr(model_instance, self.attname, cleaned)
            return cleaned
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return clean_line(value) if isinstance(value, str) else value
