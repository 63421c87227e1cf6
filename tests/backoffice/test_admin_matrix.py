"""The admin's permission matrix: every registered ModelAdmin, every role, declared.

For each model in django.contrib.admin.site and each of fiona (fact-checker),
eddie (editor), ada (admin) and a superuser, the test asks the ModelAdmin itself,
on a real request and a real object, which actions it allows (add, change,
delete, view, history, revert) and which fields its forms let that role write:
the add form, the change form and every inline that may add or change rows.
The answers must equal ADMIN_MATRIX. A model, role or field missing from it
fails the test, and the failure message prints the lines to paste, so a new
model or field in the admin is a deliberate choice. Read-only fields are shown
but never written; every writable field here is saved through the app's own
write functions (see backoffice/claims.py).
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from rest_framework.authtoken.models import Token, TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Claim, Review
from sources.models import ImportBatch, OwnerGroup
from tests.base import BaseTestCase
from tests.factories import (
    make_actor,
    make_annotation,
    make_attribution,
    make_claim,
    make_outlet,
    make_source,
    make_tag,
    make_user,
)

ROLES = ("fiona", "eddie", "ada", "root")

# (model label, role) -> (allowed actions, writable fields of the add form, of the
# change form, of inlines as "<inline model>.<field>"). "revert" is a history page's
# restore button (django-simple-history): never allowed here.
ADMIN_MATRIX = {
    ("auth.group", "fiona"): ("", "", "", ""),
    ("auth.group", "eddie"): ("", "", "", ""),
    ("auth.group", "ada"): ("view history", "", "", ""),
    ("auth.group", "root"): (
        "add change delete view history",
        "name permissions",
        "name permissions",
        "",
    ),
    ("auth.user", "fiona"): ("", "", "", ""),
    ("auth.user", "eddie"): ("", "", "", ""),
    ("auth.user", "ada"): (
        "add change view history",
        "password1 password2 usable_password username",
        "email first_name is_active last_name password username",
        "",
    ),
    ("auth.user", "root"): (
        "add change delete view history",
        "password1 password2 usable_password username",
        "email first_name groups is_active is_staff is_superuser last_name password "
        "user_permissions username",
        "",
    ),
    ("authtoken.tokenproxy", "fiona"): ("", "", "", ""),
    ("authtoken.tokenproxy", "eddie"): ("", "", "", ""),
    ("authtoken.tokenproxy", "ada"): ("", "", "", ""),
    ("authtoken.tokenproxy", "root"): ("add delete view history", "user", "", ""),
    ("axes.accessattempt", "fiona"): ("", "", "", ""),
    ("axes.accessattempt", "eddie"): ("", "", "", ""),
    ("axes.accessattempt", "ada"): ("", "", "", ""),
    ("axes.accessattempt", "root"): ("change delete view history", "", "", ""),
    ("axes.accessfailurelog", "fiona"): ("", "", "", ""),
    ("axes.accessfailurelog", "eddie"): ("", "", "", ""),
    ("axes.accessfailurelog", "ada"): ("", "", "", ""),
    ("axes.accessfailurelog", "root"): ("change delete view history", "", "", ""),
    ("axes.accesslog", "fiona"): ("", "", "", ""),
    ("axes.accesslog", "eddie"): ("", "", "", ""),
    ("axes.accesslog", "ada"): ("", "", "", ""),
    ("axes.accesslog", "root"): ("change delete view history", "", "", ""),
    ("claims.actor", "fiona"): ("view history", "", "", ""),
    ("claims.actor", "eddie"): (
        "add change view history",
        "country kind name role",
        "country kind name role",
        "actoralias.name",
    ),  # noqa: E501
    ("claims.actor", "ada"): (
        "add change delete view history",
        "country kind name role",
        "country kind name role",
        "actoralias.name",
    ),  # noqa: E501
    ("claims.actor", "root"): (
        "add change delete view history",
        "country kind name role",
        "country kind name role",
        "actoralias.name",
    ),  # noqa: E501
    ("claims.annotation", "fiona"): ("view history", "", "", ""),
    ("claims.annotation", "eddie"): ("view history", "", "", ""),
    ("claims.annotation", "ada"): ("view history", "", "", ""),
    ("claims.annotation", "root"): ("view history", "", "", ""),
    ("claims.attribution", "fiona"): ("view history", "", "", ""),
    ("claims.attribution", "eddie"): ("delete view history", "", "", ""),
    ("claims.attribution", "ada"): ("delete view history", "", "", ""),
    ("claims.attribution", "root"): ("delete view history", "", "", ""),
    ("claims.claim", "fiona"): ("view history", "", "", ""),
    ("claims.claim", "eddie"): (
        "add change view history",
        "event_end event_start statement tags",
        "event_end event_start seen_version statement tags",
        "",
    ),  # noqa: E501
    ("claims.claim", "ada"): (
        "add change view history",
        "event_end event_start statement tags",
        "event_end event_start seen_version statement tags",
        "",
    ),  # noqa: E501
    ("claims.claim", "root"): (
        "add change view history",
        "event_end event_start statement tags",
        "event_end event_start seen_version statement tags",
        "",
    ),  # noqa: E501
    ("claims.review", "fiona"): ("view history", "", "", ""),
    ("claims.review", "eddie"): ("view history", "", "", ""),
    ("claims.review", "ada"): ("view history", "", "", ""),
    ("claims.review", "root"): ("view history", "", "", ""),
    ("claims.tag", "fiona"): ("view history", "", "", ""),
    ("claims.tag", "eddie"): ("add change view history", "name slug", "name slug", ""),
    ("claims.tag", "ada"): ("add change view history", "name slug", "name slug", ""),
    ("claims.tag", "root"): ("add change view history", "name slug", "name slug", ""),
    ("sources.importbatch", "fiona"): ("view history", "", "", ""),
    ("sources.importbatch", "eddie"): ("view history", "", "", ""),
    ("sources.importbatch", "ada"): ("change view history", "", "", ""),
    ("sources.importbatch", "root"): ("change delete view history", "", "", ""),
    ("sources.outlet", "fiona"): ("view history", "", "", ""),
    ("sources.outlet", "eddie"): ("view history", "", "", ""),
    ("sources.outlet", "ada"): (
        "add change delete view history",
        "country domain kind name notes owner_group reliability state_affiliated",
        "country domain kind name notes owner_group reliability state_affiliated",
        "outletalias.name",
    ),  # noqa: E501
    ("sources.outlet", "root"): (
        "add change delete view history",
        "country domain kind name notes owner_group reliability state_affiliated",
        "country domain kind name notes owner_group reliability state_affiliated",
        "outletalias.name",
    ),  # noqa: E501
    ("sources.ownergroup", "fiona"): ("view history", "", "", ""),
    ("sources.ownergroup", "eddie"): ("view history", "", "", ""),
    ("sources.ownergroup", "ada"): (
        "add change delete view history",
        "name notes",
        "name notes",
        "",
    ),  # noqa: E501
    ("sources.ownergroup", "root"): (
        "add change delete view history",
        "name notes",
        "name notes",
        "",
    ),  # noqa: E501
    ("sources.source", "fiona"): ("view history", "", "", ""),
    ("sources.source", "eddie"): ("view history", "", "", ""),
    ("sources.source", "ada"): (
        "add change delete view history",
        "body byline language outlet published_on title url",
        "byline language outlet published_on title url",
        "sourcerelay.cue sourcerelay.outlet",
    ),  # noqa: E501
    ("sources.source", "root"): (
        "add change delete view history",
        "body byline language outlet published_on title url",
        "byline language outlet published_on title url",
        "sourcerelay.cue sourcerelay.outlet",
    ),  # noqa: E501
}


def describe(model_admin, request, obj):
    """(actions, add fields, change fields, inline fields) as space-separated strings."""
    actions = []
    if model_admin.has_add_permission(request):
        actions.append("add")
    if model_admin.has_change_permission(request, obj):
        actions.append("change")
    if model_admin.has_delete_permission(request, obj):
        actions.append("delete")
    if model_admin.has_view_permission(request, obj):
        actions.append("view")
    if isinstance(model_admin, SimpleHistoryAdmin):
        if model_admin.has_view_history_or_change_history_permission(request, obj):
            actions.append("history")
        if not model_admin.revert_disabled(request, obj):
            actions.append("revert")
    elif model_admin.has_view_or_change_permission(request, obj):
        actions.append("history")  # the admin's log of the object (ModelAdmin.history_view)
    add = change = ""
    if "add" in actions:
        add = fields(model_admin.get_form(request, None, change=False))
    if "change" in actions:
        change = fields(model_admin.get_form(request, obj, change=True))
    inline_fields = []
    if "change" in actions:
        for inline in model_admin.get_inline_instances(request, obj):
            if inline.has_add_permission(request, obj) or inline.has_change_permission(
                request, obj
            ):
                form = inline.get_formset(request, obj).form
                name = inline.model._meta.model_name
                skip = {"id", "DELETE", inline.get_formset(request, obj).fk.name}
                inline_fields += [f"{name}.{f}" for f in form.base_fields if f not in skip]
    return " ".join(actions), add, change, " ".join(sorted(inline_fields))


def fields(form_class):
    return " ".join(sorted(form_class.base_fields))


def entry(label, role, row):
    """The ADMIN_MATRIX line for one model and role, as it is written above."""
    values = ", ".join(f'"{value}"' for value in row)
    line = f'    ("{label}", "{role}"): ({values}),'
    return line + "  # noqa: E501" if len(line) > 100 else line


class AdminMatrixTests(BaseTestCase):
    def objects(self):
        """One real object per registered model, by label."""
        outlet = make_outlet("Matrix Daily")
        source = make_source("The mayor said the bridge would reopen in May.", outlet=outlet)
        claim = make_claim("The bridge reopens in May", created_by=self.editor)
        claim.tags.add(make_tag("Bridges"))
        attribution = make_attribution(claim, source, "the bridge would reopen in May")
        target = make_user("tess")
        return {
            "auth.group": Group.objects.first(),
            "auth.user": target,
            "authtoken.tokenproxy": TokenProxy.objects.get(pk=Token.objects.create(user=target).pk),
            "claims.actor": make_actor("Matrix Mayor"),
            "claims.tag": claim.tags.get(),
            "claims.claim": claim,
            "claims.attribution": attribution,
            "claims.review": Review.objects.create(
                claim=claim,
                reviewer=self.factchecker,
                verdict=Claim.Verdict.ACCURATE,
                rationale="x",
            ),
            "claims.annotation": make_annotation(self.editor, "A note.", claim=claim),
            "sources.ownergroup": OwnerGroup.objects.create(name="Matrix Group"),
            "sources.outlet": outlet,
            "sources.source": source,
            "sources.importbatch": ImportBatch.objects.create(created_by=self.admin, files=[]),
        }

    def test_every_admin_and_role_is_declared(self):
        objects = self.objects()
        users = {
            "fiona": self.factchecker,
            "eddie": self.editor,
            "ada": self.admin,
            "root": make_user("root", is_staff=True, is_superuser=True),
        }
        factory = RequestFactory()
        missing, wrong = [], []
        for model, model_admin in sorted(
            admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower
        ):
            label = model._meta.label_lower
            obj = objects.get(label)
            if obj is None:
                obj = model._default_manager.first()
            for role in ROLES:
                request = factory.get("/admin/")
                request.user = users[role]
                row = describe(model_admin, request, obj)
                declared = ADMIN_MATRIX.get((label, role))
                if declared is None:
                    missing.append(entry(label, role, row))
                elif tuple(declared) != row:
                    wrong.append(
                        f"{entry(label, role, declared)}\n  is now\n{entry(label, role, row)}"
                    )
        message = ""
        if missing:
            message += "Declare in ADMIN_MATRIX:\n" + "\n".join(missing) + "\n"
        if wrong:
            message += "Changed (fix the admin, or the line):\n" + "\n".join(wrong)
        assert not message, message

    def test_the_matrix_has_no_stale_lines(self):
        labels = {model._meta.label_lower for model in admin.site._registry}
        stale = [key for key in ADMIN_MATRIX if key[0] not in labels or key[1] not in ROLES]
        assert not stale, stale
