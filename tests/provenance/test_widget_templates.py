"""templates/django/forms/widgets/: Django's widget templates with their includes written out.

Every widget kind our forms, filters and the admin render is rendered twice, by
Django's own templates and by ours (FORM_RENDERER), and must come out byte for
byte the same: errors, initial values, attributes (True, False, strings),
option groups, checked and selected options, and hostile labels included.
"""

import datetime

import pytest
from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer

HOSTILE = '<script>alert("x")</script> & "quoted"'
CHOICES = [("a", "Alpha"), ("b", HOSTILE), ("", "None")]
GROUPED = [("Group <1>", [("g1", "One"), ("g2", "Two")]), ("loose", "Loose")]


class EveryWidget(forms.Form):
    text = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"placeholder": HOSTILE, "autofocus": True})
    )
    disabled = forms.CharField(widget=forms.TextInput(attrs={"readonly": False}), disabled=True)
    number = forms.IntegerField(min_value=1)
    email = forms.EmailField()
    url = forms.URLField(assume_scheme="https")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    datetime_ = forms.DateTimeField()
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    password = forms.CharField(widget=forms.PasswordInput)
    search = forms.CharField(widget=forms.SearchInput)
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    checkbox = forms.BooleanField(required=False)
    select = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED)
    multiple = forms.MultipleChoiceField(choices=CHOICES)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    radio_grouped = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect)
    checkboxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    null_boolean = forms.NullBooleanField()
    split = forms.SplitDateTimeField()
    admin_filtered = forms.MultipleChoiceField(
        choices=CHOICES, widget=FilteredSelectMultiple("things", is_stacked=False)
    )


DATA = {
    "text": HOSTILE,
    "number": "0",
    "email": "not an email",
    "date": "2024-05-01",
    "hidden": "7",
    "area": HOSTILE + "\nline two",
    "checkbox": "on",
    "select": "b",
    "grouped": "g2",
    "multiple": ["a", ""],
    "radio": "a",
    "radio_grouped": "g1",
    "checkboxes": ["b"],
    "null_boolean": "true",
    "split_0": "2024-05-01",
    "split_1": "nonsense",
}


def render_all(form, renderer):
    form.renderer = renderer
    return [(name, str(form[name])) for name in form.fields] + [("form", form.as_div())]


@pytest.mark.parametrize(
    "form",
    [
        EveryWidget(),
        EveryWidget(initial={"select": "a", "date": datetime.date(2024, 1, 2), "text": "x"}),
        EveryWidget(DATA),
    ],
    ids=["unbound", "initial", "bound with errors"],
)
def test_our_widget_templates_render_what_djangos_do(form):
    assert isinstance(get_default_renderer(), TemplatesSetting)
    form.is_bound and form.is_valid()  # noqa: B018 -- runs validation so errors render
    ours = render_all(form, TemplatesSetting())
    django = render_all(form, DjangoTemplates())
    assert ours == django
    # The comparison is not vacuous: options, attributes and escaping are there.
    html = dict(ours)
    assert '<option value="b"' in html["select"]
    assert "&lt;script&gt;" in html["radio"]
    assert '<optgroup label="Group &lt;1&gt;">' in html["grouped"]
    assert ' placeholder="&lt;script&gt;alert(&quot;x&quot;)' in html["text"]
    assert " autofocus " in html["text"]
