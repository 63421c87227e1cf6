"""The permission matrix: every URL pattern, every role, one declared expectation.

The test walks the URL resolver (UI, API, admin) and requests each pattern as
each member of the cast and as a signed-out visitor, comparing the status code
with MATRIX below. A URL name without an entry fails the test, with the entry
to add in the failure message: no view can be added without deciding who may
use it.

Each request runs inside a savepoint that is rolled back, so a POST that
changes state (a removal, a merge) does not affect the requests after it.
POSTs send no data: they prove the permission check, not the form (a role
that may write gets past it to a 400 form error, a redirect or a 409).
"""

from django.contrib.admin.sites import site as admin_site
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from intake.models import Suggestion
from sources.models import ImportBatch
from tests.base import BaseTestCase
from tests.factories import make_annotation, make_newsroom

# Columns of every row: signed-out visitor, otto (no role), fiona (fact-checker),
# eddie (editor), ada (admin).
ROLES = ("anon", "otto", "fiona", "eddie", "ada")

# A signed-out visitor of a UI page is sent to sign in (302); the API answers 401.
UI_READ = (302, 403, 200, 200, 200)
API_READ = (401, 403, 200, 200, 200)
API_SIGNED_IN = (401, 200, 200, 200, 200)
ANYONE = (200, 200, 200, 200, 200)
# Editors' and admins' forms: fiona and otto get 403; an empty POST is a form error.
UI_WRITE_GET = (302, 403, 403, 200, 200)
UI_WRITE_POST = (302, 403, 403, 400, 400)

# URL name -> {"obj": the fixture object whose pk fills <pk> (if any),
#              METHOD: expected status per role, in ROLES order}.
# Methods: GET for every view; POST for every view that changes state (UI forms,
# API list creates and actions); PATCH and DELETE for writable API resources.
MATRIX = {
    # Sign-in and out.
    "login": {"GET": ANYONE},
    "logout": {"GET": (405,) * 5, "POST": (302,) * 5},
    # Fact-checker workspace. Reading needs a role; verdicts are fiona's.
    "claim-list": {"GET": UI_READ},
    "claim-list-csv": {"GET": UI_READ},
    "dashboard": {"GET": UI_READ},
    "actor-detail": {"obj": "actor", "GET": UI_READ},
    "outlet-detail": {"obj": "outlet", "GET": UI_READ},
    "claim-detail": {"obj": "claim", "GET": UI_READ},
    "source-detail": {"obj": "source", "GET": UI_READ},
    "claim-similar": {"GET": UI_READ},
    "actor-autocomplete": {"GET": UI_READ},
    "claim-review": {
        "obj": "claim",
        "GET": (302, 403, 405, 403, 403),
        "POST": (302, 403, 400, 403, 403),
    },
    # Editors: claims, attributions, actors. Fact-checkers may not write them.
    "claim-create": {"GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "claim-edit": {"obj": "claim", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "claim-merge": {"obj": "claim", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "actor-merge": {"obj": "actor", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "source-attribute": {"obj": "source", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "orphaned-anchors": {"GET": UI_WRITE_GET},
    "attribution-edit": {"obj": "attribution", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "attribution-remove": {
        "obj": "attribution",
        "GET": (302, 403, 403, 405, 405),
        "POST": (302, 403, 403, 302, 302),
    },
    # Annotations: editors write; only the author edits; author or admin deletes.
    "claim-annotate": {"obj": "claim", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "source-annotate": {"obj": "source", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "claim-annotations-export": {"obj": "claim", "GET": UI_READ},
    "source-annotations-export": {"obj": "source", "GET": UI_READ},
    "annotation-reply": {"obj": "annotation", "GET": UI_WRITE_GET, "POST": UI_WRITE_POST},
    "annotation-edit": {  # the annotation is eddie's own
        "obj": "annotation",
        "GET": (302, 403, 403, 200, 403),
        "POST": (302, 403, 403, 400, 403),
    },
    "annotation-delete": {
        "obj": "annotation",
        "GET": (302, 403, 405, 405, 405),
        "POST": (302, 403, 403, 302, 302),
    },
    # Admins correct source texts (re-anchoring).
    "source-correct": {
        "obj": "source",
        "GET": (302, 403, 403, 403, 200),
        "POST": (302, 403, 403, 403, 400),
    },
    # Suggested attributions: the editors' queue.
    "suggestion-queue": {"GET": UI_WRITE_GET},
    "suggestion-detail": {"obj": "suggestion", "GET": UI_WRITE_GET},
    "suggestion-accept": {
        "obj": "suggestion",
        "GET": (302, 403, 403, 405, 405),
        "POST": UI_WRITE_POST,
    },
    "suggestion-dismiss": {
        "obj": "suggestion",
        "GET": (302, 403, 403, 405, 405),
        "POST": (302, 403, 403, 302, 302),
    },
    # The REST API. The schema and docs need any signed-in user.
    "api-root": {"GET": API_SIGNED_IN},
    "api-schema": {"GET": API_SIGNED_IN},
    "api-docs": {"GET": API_SIGNED_IN},
    "api-redoc": {"GET": API_SIGNED_IN},
    "api-claim-list": {"GET": API_READ, "POST": (401, 403, 403, 400, 400)},
    "api-claim-detail": {
        "obj": "claim",
        "GET": API_READ,
        "PATCH": (401, 403, 403, 400, 400),
        "DELETE": (401, 403, 403, 403, 405),
    },
    "api-claim-annotations-jsonld": {"obj": "claim", "GET": API_READ},
    "api-claim-attributions-jsonld": {"obj": "claim", "GET": API_READ},
    "api-claim-claimreview": {"obj": "claim", "GET": API_READ},
    "api-claim-prov": {"obj": "claim", "GET": API_READ},
    "api-claim-reviews": {"obj": "claim", "GET": API_READ},
    "api-claim-verdict": {
        "obj": "claim",
        "GET": (401, 403, 405, 403, 403),
        "POST": (401, 403, 400, 403, 403),
    },
    "api-source-list": {"GET": API_READ, "POST": (401, 403, 403, 403, 405)},
    "api-source-detail": {
        "obj": "source",
        "GET": API_READ,
        "PATCH": (401, 403, 403, 403, 200),
        "DELETE": (401, 403, 403, 403, 405),
    },
    "api-source-annotations-jsonld": {"obj": "source", "GET": API_READ},
    "api-source-attributions-jsonld": {"obj": "source", "GET": API_READ},
    "api-outlet-list": {"GET": API_READ, "POST": (401, 403, 403, 403, 400)},
    "api-outlet-detail": {  # the outlet has sources: deleting it is refused (409)
        "obj": "outlet",
        "GET": API_READ,
        "PATCH": (401, 403, 403, 403, 200),
        "DELETE": (401, 403, 403, 403, 409),
    },
    "api-actor-list": {"GET": API_READ, "POST": (401, 403, 403, 400, 400)},
    "api-actor-detail": {  # the actor has attributions: deleting it is refused (409)
        "obj": "actor",
        "GET": API_READ,
        "PATCH": (401, 403, 403, 200, 200),
        "DELETE": (401, 403, 403, 403, 409),
    },
    "api-attribution-list": {"GET": API_READ, "POST": (401, 403, 403, 400, 400)},
    "api-attribution-detail": {
        "obj": "attribution",
        "GET": API_READ,
        "PATCH": (401, 403, 403, 400, 400),
        "DELETE": (401, 403, 403, 204, 204),
    },
    "api-annotation-list": {"GET": API_READ, "POST": (401, 403, 403, 400, 400)},
    "api-annotation-detail": {  # eddie's own note: only he edits it; ada moderates
        "obj": "annotation",
        "GET": API_READ,
        "PATCH": (401, 403, 403, 400, 403),
        "DELETE": (401, 403, 403, 204, 204),
    },
    "api-importbatch-list": {"GET": API_READ, "POST": (401, 403, 403, 403, 403)},
    "api-importbatch-detail": {
        "obj": "batch",
        "GET": API_READ,
        "PATCH": (401, 403, 403, 403, 405),
        "DELETE": (401, 403, 403, 403, 403),
    },
}

ADMIN_NAMESPACE = "admin"


def url_patterns(patterns=None, namespace=None):
    """(namespace, pattern) for every URL pattern, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def pattern_kwargs(pattern):
    """The names of the keyword arguments a pattern needs (path converters or regex groups)."""
    regex = pattern.pattern.regex
    return sorted(regex.groupindex)


def suggested_entry(name, pattern):
    """The MATRIX line a developer should add for an unlisted pattern."""
    kwargs = pattern_kwargs(pattern)
    obj = '"obj": "claim|source|actor|outlet|attribution|annotation|suggestion|batch", '
    return (
        f'    "{name}": {{{obj if kwargs else ""}"GET": UI_READ or API_READ or (anon, otto, '
        f'fiona, eddie, ada), "POST": (...)}},  # {pattern.pattern}'
    )


def missing_entries(matrix):
    """The lines to add to `matrix` for URL patterns it lacks (the admin excepted)."""
    missing = []
    for namespace, pattern in url_patterns():
        if namespace == ADMIN_NAMESPACE:
            continue
        if not pattern.name:
            missing.append(f"    # unnamed pattern {pattern.pattern}: give it a name=")
        elif pattern.name not in matrix:
            missing.append(suggested_entry(pattern.name, pattern))
    return missing


class PermissionMatrixTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        news = make_newsroom(reviewer=cls.factchecker)
        attribution = news.meeting.attributions.first()
        cls.objects = {
            "claim": news.meeting,
            "source": news.wire_story,
            "actor": news.official,
            "outlet": news.wire,
            "attribution": attribution,
            "annotation": make_annotation(cls.editor, "A note.", claim=news.meeting),
            "suggestion": Suggestion.objects.create(
                source=news.paper_story,
                start=0,
                end=5,
                quote=news.paper_story.body[:5],
                cue="said",
                kind="paraphrase",
            ),
            "batch": ImportBatch.objects.create(created_by=cls.admin, files=["a.txt"]),
        }
        cls.users = {
            "anon": None,
            "otto": cls.outsider,
            "fiona": cls.factchecker,
            "eddie": cls.editor,
            "ada": cls.admin,
        }

    def request(self, role, method, url):
        self.client.logout()
        user = self.users[role]
        if user is not None:
            self.client.force_login(user)
        with transaction.atomic():
            response = getattr(self.client, method.lower())(url)
            transaction.set_rollback(True)
        return response.status_code

    def url_for(self, name, pattern, entry):
        kwargs = pattern_kwargs(pattern)
        if not kwargs:
            return reverse(name)
        obj = self.objects[entry["obj"]]
        return reverse(name, kwargs=dict.fromkeys(kwargs, obj.pk))

    def test_every_url_pattern_has_an_entry(self):
        missing = missing_entries(MATRIX)
        assert not missing, (
            "These URL patterns have no entry in the permission matrix. Decide who may use "
            "each view and add a line to MATRIX in tests/provenance/test_permission_matrix.py "
            "(statuses in the order: signed-out, otto, fiona, eddie, ada):\n" + "\n".join(missing)
        )

    def test_a_view_without_an_entry_is_reported_with_the_line_to_add(self):
        matrix = {name: entry for name, entry in MATRIX.items() if name != "claim-edit"}
        missing = missing_entries(matrix)
        assert len(missing) == 1
        assert missing[0].startswith('    "claim-edit": {"obj": ')
        assert "claims/<int:pk>/edit/" in missing[0]

    def test_no_stale_entries(self):
        names = {pattern.name for _, pattern in url_patterns()}
        stale = sorted(set(MATRIX) - names)
        assert not stale, f"MATRIX lists URL names that no longer exist; remove them: {stale}"

    def test_every_role_gets_the_declared_status(self):
        mismatches = []
        checked = 0
        for namespace, pattern in url_patterns():
            entry = MATRIX.get(pattern.name)
            if namespace == ADMIN_NAMESPACE or entry is None:
                continue  # the admin has its own test; missing entries fail the test above
            url = self.url_for(pattern.name, pattern, entry)
            for method in ("GET", "POST", "PATCH", "DELETE"):
                if method not in entry:
                    continue
                for role, expected in zip(ROLES, entry[method], strict=True):
                    actual = self.request(role, method, url)
                    checked += 1
                    if actual != expected:
                        mismatches.append(
                            f"{pattern.name} {method} {url} as {role}: "
                            f"expected {expected}, got {actual}"
                        )
        assert checked >= 5 * len(MATRIX)
        assert not mismatches, "\n".join(mismatches)

    def test_admin_needs_staff_and_model_permissions(self):
        # One rule for the admin namespace: every admin page without arguments sends
        # signed-out visitors and non-staff users (otto) to the admin's sign-in page.
        urls = [
            reverse(f"admin:{pattern.name}")
            for namespace, pattern in url_patterns()
            if namespace == ADMIN_NAMESPACE and pattern.name and not pattern.pattern.regex.groups
        ]
        assert len(urls) > 10
        for url in urls:
            for role in ("anon", "otto"):
                response = self.request(role, "GET", url)
                assert response in (302, 200), (url, role, response)
        for role in ("anon", "otto"):
            self.client.logout()
            if self.users[role]:
                self.client.force_login(self.users[role])
            response = self.client.get(reverse("admin:index"))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        # Staff roles see the admin; only admins manage users.
        users = reverse("admin:auth_user_changelist")
        assert self.request("ada", "GET", users) == 200
        assert self.request("fiona", "GET", users) == 403
        assert self.request("eddie", "GET", users) == 403
        for role in ("fiona", "eddie", "ada"):
            assert self.request(role, "GET", reverse("admin:index")) == 200
        assert admin_site.name == ADMIN_NAMESPACE
