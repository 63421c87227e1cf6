"""The web pages' forms: what a page posts, cleaned into the values the write functions take."""

from django import forms
from django.utils.text import Truncator

from claims.input import TAGS_TEXT_LENGTH, check_claim_words, split_tags
from claims.models import Actor, Annotation, Attribution, Claim
from sources.models import Outlet, QuoteNotFound


class ReviewForm(forms.Form):
    """A fact-checker's verdict on a claim, with the claim version it was written against."""

    # No verdict is preselected: saving one takes a deliberate choice.
    verdict = forms.ChoiceField(
        choices=[("", "Choose a verdict…"), *Claim.Verdict.choices],
        error_messages={"required": "Choose a verdict."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="Why this verdict: what you checked and what you found.",
        error_messages={"required": "Write the rationale for your verdict."},
    )
    # The claim's version when the form was shown; a newer stored version is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# Editors ---------------------------------------------------------------------


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class ClaimFieldsMixin:
    """Statement, event date or range and tags, checked by claims.input.check_claim_words."""

    def clean_claim_fields(self, data, instance_pk=None):
        words, errors = check_claim_words(
            data.get("statement"),
            data.get("event_start"),
            data.get("event_end"),
            split_tags(data.get("tags")),
            claim_pk=instance_pk,
        )
        for field, message in errors.items():
            self.add_error(field, message)
        data.update(words)

    def claim_words(self):
        """The claim's words of the valid form, as Claim.create_new and Claim.edit take them."""
        data = self.cleaned_data
        return {
            "statement": data["statement"],
            "event_start": data.get("event_start"),
            "event_end": data.get("event_end"),
            "tags": data.get("tag_list", []),
        }


def add_model_errors(form, error):
    """Put a model ValidationError on the form's matching fields (or the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ClaimForm(ClaimFieldsMixin, forms.Form):
    """Write a claim, or edit one: with the version it was based on (optimistic concurrency)."""

    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="One checkable statement, in plain words.",
    )
    event_start = forms.DateField(
        required=False, label="Event date", widget=_date_input(), help_text="Or the first day."
    )
    event_end = forms.DateField(
        required=False, label="Event end", widget=_date_input(), help_text="For a date range."
    )
    tags = forms.CharField(
        required=False, max_length=TAGS_TEXT_LENGTH, help_text="Separated by commas."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if "statement" in data:
            self.clean_claim_fields(data, self.instance.pk if self.instance else None)
        if self.instance is not None and not data.get("version"):
            raise forms.ValidationError("The form lost track of the claim's version; reload it.")
        return data


class SpeakerFieldsMixin:
    """A speaker by name or alias (or none: the outlet's own voice), or a new actor."""

    def clean_speaker_fields(self, data):
        name = (data.get("speaker") or "").strip()
        data["speaker_actor"] = None
        data["new_actor"] = None
        if data.get("new_speaker"):
            if not name:
                self.add_error("speaker", "Write the new actor's name.")
                return
            existing = Actor.objects.resolve(name)
            if existing is not None:
                self.add_error(
                    "speaker",
                    f"“{existing.name}” already answers to this name; choose them instead "
                    "of creating a new actor.",
                )
                return
            actor = Actor(
                name=name[:200],
                kind=data.get("speaker_kind") or Actor.Kind.OFFICIAL,
                role=(data.get("speaker_role") or "")[:300],
            )
            try:
                actor.full_clean(exclude=["name_key"])
            except forms.ValidationError as error:
                self.add_error("speaker", error.messages)
                return
            data["new_actor"] = actor
        elif name:
            actor = Actor.objects.resolve(name)
            if actor is None:
                self.add_error(
                    "speaker",
                    f"No actor is called “{name}”, by name or alias. Pick one from the "
                    "suggestions, or tick “Create a new actor”.",
                )
                return
            data["speaker_actor"] = actor

    def clean_relayed_via(self):
        name = (self.cleaned_data.get("relayed_via") or "").strip()
        if not name:
            return None
        outlet = Outlet.objects.resolve(name)
        if outlet is None:
            raise forms.ValidationError(f"No outlet is called “{name}”, by name or alias.")
        return outlet


def _quote_context(label):
    """The text just before or after a quote, kept exactly (TextQuoteSelector prefix, suffix)."""
    return forms.CharField(
        label=label,
        strip=False,
        required=False,
        max_length=500,
        # A textarea, not an input: input values lose their line breaks.
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only needed when the quote occurs more than once.",
    )


class QuoteSelectorFields(forms.Form):
    """A W3C TextQuoteSelector: the exact quote, and the text just before and after it."""

    exact = forms.CharField(
        label="Quote",
        strip=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Select it in the article, or paste it exactly as the article has it.",
        error_messages={"required": "Give the quote: select it in the article or paste it."},
    )
    prefix = _quote_context("Text just before it")
    suffix = _quote_context("Text just after it")

    def anchor_quote(self, data, source):
        """Set data["span"] from the selector, or add a clear error to the quote."""
        exact = data.get("exact")
        if not exact:
            return
        try:
            data["span"] = source.find_quote(exact, data.get("prefix", ""), data.get("suffix", ""))
        except QuoteNotFound as error:
            self.add_error("exact", str(error))


def passage_values(data):
    """The passage, speaker, kind, stance and relay of a valid attribute or edit form,
    as the write functions take them (claims.actions)."""
    start, end = data["span"]
    return {
        "quote": data["exact"],
        "start": start,
        "end": end,
        "speaker": data.get("speaker_actor"),
        "new_speaker": data.get("new_actor"),
        "kind": data["kind"],
        "stance": data["stance"],
        "relayed_via": data.get("relayed_via"),
    }


class AttributionForm(ClaimFieldsMixin, SpeakerFieldsMixin, QuoteSelectorFields):
    """Attribute a passage of a source: to an existing claim, or to a new one."""

    claim = forms.IntegerField(
        label="Existing claim number",
        required=False,
        min_value=1,
        help_text="Pick a suggested claim, or leave empty and write a new claim below.",
    )
    statement = forms.CharField(
        label="New claim",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    event_start = forms.DateField(required=False, label="Event date", widget=_date_input())
    event_end = forms.DateField(required=False, label="Event end", widget=_date_input())
    tags = forms.CharField(
        required=False, max_length=TAGS_TEXT_LENGTH, help_text="Separated by commas."
    )
    speaker = forms.CharField(
        required=False,
        max_length=200,
        help_text="A name or alias (e.g. Jiechi). Leave empty when the outlet speaks for itself.",
    )
    new_speaker = forms.BooleanField(required=False, label="Create a new actor with this name")
    speaker_kind = forms.ChoiceField(
        required=False, label="New actor's kind", choices=Actor.Kind.choices
    )
    speaker_role = forms.CharField(required=False, label="New actor's role", max_length=300)
    kind = forms.ChoiceField(choices=Attribution.Kind.choices)
    stance = forms.ChoiceField(choices=Attribution.Stance.choices, initial="supports")
    relayed_via = forms.CharField(
        required=False,
        label="Relayed via",
        max_length=200,
        help_text="The agency the words came through, e.g. TASS. Usually empty.",
    )
    then = forms.ChoiceField(
        choices=[("claim", "Go to the claim"), ("source", "Stay in the article")],
        initial="claim",
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, source, **kwargs):
        self.source = source
        super().__init__(*args, **kwargs)

    def attribution(self):
        """The valid form as the keyword arguments of claims.actions.attribute_passage
        (but the user, the source and the reasons)."""
        data = self.cleaned_data
        return {
            **passage_values(data),
            "claim": data["claim_obj"],
            "new_claim": self.claim_words() if data["claim_obj"] is None else None,
        }

    def clean(self):
        data = super().clean()
        self.anchor_quote(data, self.source)
        number = data.get("claim")
        data["claim_obj"] = None
        if number:
            if (data.get("statement") or "").strip():
                self.add_error(
                    "statement", "Either pick an existing claim or write a new one, not both."
                )
            claim = Claim.objects.filter(pk=number).first()
            if claim is None:
                self.add_error("claim", f"There is no claim #{number}.")
            elif claim.merged_into_id:
                self.add_error(
                    "claim", f"Claim #{number} was merged into #{claim.merged_into_id}; use that."
                )
            else:
                data["claim_obj"] = claim
        elif "claim" not in self.errors:
            if not (data.get("statement") or "").strip():
                self.add_error(
                    "statement", "Pick an existing claim or write the statement of a new one."
                )
            else:
                self.clean_claim_fields(data)
        self.clean_speaker_fields(data)
        return data


class AttributionEditForm(SpeakerFieldsMixin, QuoteSelectorFields):
    """Change an attribution: how it is said, by whom, through whom, and where (re-anchoring)."""

    speaker = AttributionForm.base_fields["speaker"]
    new_speaker = AttributionForm.base_fields["new_speaker"]
    speaker_kind = AttributionForm.base_fields["speaker_kind"]
    speaker_role = AttributionForm.base_fields["speaker_role"]
    kind = AttributionForm.base_fields["kind"]
    stance = AttributionForm.base_fields["stance"]
    relayed_via = AttributionForm.base_fields["relayed_via"]
    # updated_at when the form was shown: a newer one means someone else saved meanwhile.
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, attribution, **kwargs):
        self.attribution = attribution
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        self.anchor_quote(data, self.attribution.source)
        self.clean_speaker_fields(data)
        return data


class ClaimMergeForm(forms.Form):
    """Merge a claim into another that says the same thing."""

    target = forms.TypedChoiceField(
        required=False, coerce=int, widget=forms.RadioSelect, label="Merge into"
    )
    target_number = forms.IntegerField(required=False, min_value=1, label="or claim number")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, claim, candidates=(), **kwargs):
        self.claim = claim
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(c.pk, f"#{c.pk} {c}") for c in candidates]

    def clean(self):
        data = super().clean()
        number = data.get("target_number") or data.get("target")
        if not number:
            raise forms.ValidationError("Choose the claim to merge into.")
        if number == self.claim.pk:
            raise forms.ValidationError("A claim cannot be merged into itself.")
        target = Claim.objects.filter(pk=number).first()
        if target is None:
            raise forms.ValidationError(f"There is no claim #{number}.")
        if target.merged_into_id:
            raise forms.ValidationError(
                f"Claim #{number} was merged into #{target.merged_into_id}; merge into that one."
            )
        data["target_claim"] = target
        return data


class ActorMergeForm(forms.Form):
    """Merge an actor into another: the same person or body under another name."""

    target = forms.CharField(
        label="Merge into", max_length=200, help_text="The other actor's name or an alias."
    )

    def __init__(self, *args, actor, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)

    def clean_target(self):
        name = self.cleaned_data["target"]
        target = Actor.objects.resolve(name)
        if target is None:
            raise forms.ValidationError(f"No actor is called “{name}”, by name or alias.")
        if target.pk == self.actor.pk:
            raise forms.ValidationError(
                f"“{name}” is {self.actor.name} already; choose another actor."
            )
        return target


# Annotations --------------------------------------------------------------


def _note_text(label="Note"):
    return forms.CharField(
        label=label,
        max_length=Annotation._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain text.",
        error_messages={"required": "Write the note."},
    )


class PassageAnnotationForm(QuoteSelectorFields):
    """A note on a passage of a source, anchored by its quote (TextQuoteSelector).

    Shown on the reader with the prefix "note", so its fields never clash with
    the attribute form's.
    """

    text = _note_text()

    def __init__(self, *args, source, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
        self.source = source
        # One-line text boxes: a text <input> would drop the line breaks of the context.
        for name in ("prefix", "suffix"):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 1})

    def clean(self):
        data = super().clean()
        self.anchor_quote(data, self.source)
        return data


class ClaimAnnotationForm(forms.Form):
    """A note on a claim, or on one of its attributions (`target`: "claim" or "a<id>")."""

    target = forms.ChoiceField(label="On")
    text = _note_text()

    def __init__(self, *args, claim, attributions, **kwargs):
        super().__init__(*args, **kwargs)
        self.attributions = {f"a{a.pk}": a for a in attributions}
        self.fields["target"].choices = [("claim", "This claim")] + [
            (key, f"The passage “{Truncator(a.quote).chars(60)}” in {a.source}")
            for key, a in self.attributions.items()
        ]

    def clean_target(self):
        """The attribution annotated, or None for the claim itself."""
        return self.attributions.get(self.cleaned_data["target"])


class AnnotationReplyForm(forms.Form):
    text = _note_text("Reply")


class AnnotationEditForm(forms.Form):
    text = _note_text()
    # The note's version when the form was shown; a newer stored version is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
