"""The admin's pages run under the Content-Security-Policy without a single violation.

A superuser walks every registered model's list, add, change, history and
delete pages, each history page's old version, the password and upload pages
and the upload's preview, in Chromium; any securitypolicyviolation event (an
inline <style>, a style="" attribute, an inline script) fails the test.
"""

from pathlib import Path

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Claim
from sources.models import ImportBatch, OwnerGroup
from tests.browser.conftest import sign_in, watch
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def admin_pages(user, objects):
    """(name, path) of every admin page of every registered model that `user` may open."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [("index", reverse("admin:index"))]
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append((f"{info}_changelist", reverse(f"{info}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{info}_add", reverse(f"{info}_add")))
        obj = objects.get(model._meta.label_lower) or model._default_manager.first()
        if obj is None:
            continue
        pk = obj.user_id if model._meta.label_lower == "authtoken.tokenproxy" else obj.pk
        views = ["change", "history"]
        if model_admin.has_delete_permission(request, obj):
            views.append("delete")
        for view in views:
            pages.append((f"{info}_{view}", reverse(f"{info}_{view}", args=[pk])))
        if isinstance(model_admin, SimpleHistoryAdmin):
            record = obj.history.order_by("history_id").first()
            if record is not None:
                name = f"{info}_simple_history"
                pages.append((name, reverse(name, args=[pk, record.history_id])))
    return pages


def test_every_admin_page_loads_without_a_csp_violation(live_server, new_page, tmp_path):
    root = make_user("root", is_staff=True, is_superuser=True)
    outlet = make_outlet("Harbour Gazette")
    outlet.owner_group = OwnerGroup.objects.create(name="Harbour Media")
    outlet.save()
    source = make_source("The harbour master said the port reopened on Monday.", outlet=outlet)
    claim = make_claim("The port reopened on Monday", created_by=root)
    claim.tags.add(make_tag("Ports"))
    make_attribution(claim, source, "the port reopened on Monday", speaker=make_actor("Harbour"))
    claim.refresh_from_db()
    review = claim.record_verdict(root, Claim.Verdict.ACCURATE, "Checked.", claim.version)
    note = make_annotation(root, "A note.", claim=claim)
    Token.objects.create(user=root)
    objects = {
        "claims.review": review,
        "claims.annotation": note,
        "sources.importbatch": ImportBatch.objects.create(created_by=root, files=["a.txt"]),
    }
    pages = admin_pages(root, objects)
    pages.append(
        ("auth_user_password_change", reverse("admin:auth_user_password_change", args=[root.pk]))
    )
    pages.append(("importbatch_upload", reverse("admin:sources_importbatch_upload")))
    page = new_page()
    dialogs, console = watch(page)
    sign_in(page, live_server, "root")
    violations = {}
    for name, path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, path, response.status)
        page.wait_for_load_state("networkidle")
        reports = page.evaluate("window.__csp")
        if reports:
            violations[name] = reports
    # The upload's preview: a real file through the upload form.
    article = Path(tmp_path) / "article.txt"
    article.write_text("Port reopens\n\nThe port reopened on Monday, officials said.\n")
    page.goto(f"{live_server.url}{reverse('admin:sources_importbatch_upload')}")
    page.set_input_files("input[type=file]", str(article))
    page.click("input[type=submit]")
    page.wait_for_selector("table.import-preview")
    page.wait_for_load_state("networkidle")
    reports = page.evaluate("window.__csp")
    if reports:
        violations["importbatch_preview"] = reports
    assert violations == {}, violations
    assert console == []
    assert dialogs == []
    assert len(pages) > 40
