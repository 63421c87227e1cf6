"""Forms of the sources app."""

import codecs

from django import forms
from django.conf import settings

from intake.importer.articles import FORMAT_CHOICES, Format
from intake.importer.formats import parse_bytes
from sources.models import Outlet, Source


class CorrectTextForm(forms.Form):
    """An admin's correction of an article's stored text (intake.actions.correct_source_text)."""

    body = forms.CharField(
        label="Corrected text",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "body-editor"}),
        help_text="The whole article as it should be stored. Every attribution is found "
        "again from its quote; those whose quote is gone are flagged as orphaned.",
    )
    note = forms.CharField(
        label="Why",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was wrong, for the record.",
        error_messages={"required": "Say why the text is corrected, for the record."},
    )


# Importing in the admin ---------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>, cleaned one by one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    """Article files to preview before importing: text, HTML, JSON Lines, CSV or zip."""

    files = MultipleFileField(
        help_text="Plain text, saved HTML pages, JSON Lines, CSV, or zip archives of these. "
        "The format is told from each file's content.",
        error_messages={"required": "Choose at least one file."},
    )
    format = forms.ChoiceField(
        choices=FORMAT_CHOICES,
        initial=Format.AUTO.value,
        help_text="Leave on auto unless a file is misread.",
    )
    outlet = forms.CharField(
        required=False,
        max_length=200,
        help_text="Optional: the outlet of every article (name or alias), over what each "
        "article says.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text += (
            f" At most {settings.IMPORT_UPLOAD_MAX_FILES:,} files and "
            f"{settings.IMPORT_UPLOAD_MAX_ARTICLES:,} articles per upload."
        )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.IMPORT_UPLOAD_MAX_FILES
        if len(files) > limit:
            raise forms.ValidationError(
                f"{len(files)} files is more than {limit} in one upload (IMPORT_UPLOAD_MAX_FILES)."
            )
        max_bytes = settings.IMPORT_MAX_BYTES
        problems = [
            f"“{f.name}” is {f.size:,} bytes, over the limit of {max_bytes:,} (IMPORT_MAX_BYTES)."
            for f in files
            if f.size > max_bytes
        ]
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean_outlet(self):
        return _resolve_outlet(self.cleaned_data.get("outlet", ""))

    def clean(self):
        """Refuse more articles than IMPORT_UPLOAD_MAX_ARTICLES before anything is stashed.

        The files are parsed as the preview will parse them; articles (not failed
        files or rows) count, since the preview posts a form for each one on confirm
        and DATA_UPLOAD_MAX_NUMBER_FIELDS is sized for this many.
        """
        cleaned = super().clean()
        files, fmt = cleaned.get("files"), cleaned.get("format")
        if not files or not fmt:
            return cleaned
        count = 0
        for upload in files:
            upload.seek(0)
            parsed = parse_bytes(upload.read(), upload.name, fmt=fmt)
            upload.seek(0)
            count += sum(1 for item in parsed if item.article is not None)
        limit = settings.IMPORT_UPLOAD_MAX_ARTICLES
        if count > limit:
            raise forms.ValidationError(
                f"This upload holds {count:,} articles, more than {limit:,} in one upload "
                "(IMPORT_UPLOAD_MAX_ARTICLES). Split it into smaller uploads, or import the "
                "files with the import_articles management command "
                "(manage.py import_articles), which has no such limit.",
                code="too_many_articles",
            )
        return cleaned


def _resolve_outlet(name):
    name = (name or "").strip()
    if not name:
        return None
    outlet = Outlet.objects.resolve(name)
    if outlet is None:
        raise forms.ValidationError(
            f"No outlet is called “{name}”, by name or alias. Add it first, or leave this empty."
        )
    return outlet


class PreviewArticleForm(forms.Form):
    """One article of an upload, as detected, with the fields an admin may correct."""

    label = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    # The content hash of the previewed text: the confirmation must import that text.
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    skip = forms.BooleanField(required=False, label="Do not import")
    title = forms.CharField(required=False, max_length=Source._meta.get_field("title").max_length)
    byline = forms.CharField(required=False, max_length=Source._meta.get_field("byline").max_length)
    published_on = forms.DateField(
        required=False, label="Published", widget=forms.DateInput(attrs={"type": "date"})
    )
    url = forms.URLField(
        required=False,
        label="URL",
        max_length=Source._meta.get_field("url").max_length,
        assume_scheme="https",
    )
    language = forms.CharField(required=False, max_length=16)
    outlet = forms.CharField(required=False, max_length=200, help_text="Name or alias.")

    def clean_outlet(self):
        return _resolve_outlet(self.cleaned_data.get("outlet", ""))

    def correction(self):
        """The fields to apply to the parsed article (intake.importer.run.apply_correction)."""
        data = self.cleaned_data
        outlet = data.get("outlet")
        return {
            "skip": data.get("skip", False),
            "title": " ".join((data.get("title") or "").split()),
            "byline": " ".join((data.get("byline") or "").split()),
            "published_on": data.get("published_on"),
            "url": data.get("url") or "",
            "language": (data.get("language") or "").strip() or "en",
            "outlet": outlet,
            "outlet_name": outlet.name if outlet else "",
        }


PreviewFormSet = forms.formset_factory(PreviewArticleForm, extra=0)


class EncodingChoiceForm(forms.Form):
    """An admin's choice of encoding for one uploaded file, after an unsure guess.

    The file is read again with that encoding (intake.importer.files.detect_encoding);
    any text encoding Python knows is accepted, the preview offers the
    detector's candidates.
    """

    file = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    encoding = forms.CharField(max_length=40)

    def clean_encoding(self):
        name = self.cleaned_data["encoding"].strip()
        try:
            codec = codecs.lookup(name)
            "".encode(codec.name)  # LookupError for base64, rot13 and other non-text codecs
        except LookupError:
            raise forms.ValidationError(f"Unknown text encoding “{name}”.") from None
        return codec.name
