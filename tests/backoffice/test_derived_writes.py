"""Admin pages that change rows the engine reads refresh the claims that depend on them.

An outlet's owner group, an actor's kind, a source's outlet and relays, an owner
group deleted: each goes through its write function (claims.actions), so the
claim's stored status follows at once, as it does from the API and the app.
"""

from django.urls import reverse

from claims.models import Actor, Claim
from sources.models import OwnerGroup
from tests.base import BaseTestCase
from tests.factories import (
    make_actor,
    make_attribution,
    make_claim,
    make_outlet,
    make_owner_group,
    make_source,
)

QUOTE = "the pipeline will be finished next year"


def form_data(response):
    """The POST data of an admin change page as it was shown: its form and inlines."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            data[key] = value if not isinstance(value, list | tuple) else list(value)
            if value is True:
                data[key] = "on"

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


class AdminWritesRefreshTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.daily = make_outlet("Daily", reliability="B")
        cls.weekly = make_outlet("Weekly", reliability="B")
        cls.speaker = make_actor("Ivan Petrov", kind=Actor.Kind.OFFICIAL)
        cls.claim = make_claim("The pipeline is finished next year")
        cls.first = make_source(f"Petrov said {QUOTE}.", cls.daily)
        cls.second = make_source(f"On Monday Petrov said {QUOTE}, Daily reported.", cls.weekly)
        for source in (cls.first, cls.second):
            make_attribution(cls.claim, source, QUOTE, speaker=cls.speaker)

    def setUp(self):
        self.login(self.admin)

    def status(self):
        return Claim.objects.get(pk=self.claim.pk).status

    def change(self, url_name, obj, **changes):
        url = reverse(url_name, args=[obj.pk])
        data = form_data(self.client.get(url))
        data.update(changes)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))

    def test_the_claim_starts_corroborated(self):
        self.assertEqual(self.status(), Claim.Status.CORROBORATED)

    def test_outlets_put_in_one_owner_group_are_one_origin(self):
        group = make_owner_group("One holding")
        for outlet in (self.daily, self.weekly):
            self.change("admin:sources_outlet_change", outlet, owner_group=str(group.pk))
        self.assertEqual(self.status(), Claim.Status.SINGLE_SOURCE)

    def test_deleting_the_owner_group_makes_them_independent_again(self):
        group = make_owner_group("One holding")
        for outlet in (self.daily, self.weekly):
            self.change("admin:sources_outlet_change", outlet, owner_group=str(group.pk))
        url = reverse("admin:sources_ownergroup_delete", args=[group.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(OwnerGroup.objects.exists())
        self.assertEqual(self.status(), Claim.Status.CORROBORATED)

    def test_a_sources_outlet_changed_in_the_admin(self):
        self.change("admin:sources_source_change", self.second, outlet=str(self.daily.pk))
        self.assertEqual(self.status(), Claim.Status.SINGLE_SOURCE)

    def test_a_relay_added_in_the_sources_inline(self):
        url = reverse("admin:sources_source_change", args=[self.second.pk])
        data = form_data(self.client.get(url))
        prefix = next(
            key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS")
        )
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-0-outlet": str(self.daily.pk),
                f"{prefix}-0-cue": "Daily reported",
            }
        )
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(
            list(self.second.relay_links.values_list("outlet", flat=True)), [self.daily.pk]
        )
        self.assertEqual(self.status(), Claim.Status.SINGLE_SOURCE)

    def test_an_actors_kind_changed_in_the_admin(self):
        before = Claim.objects.get(pk=self.claim.pk).explanation
        self.change("admin:claims_actor_change", self.speaker, kind=Actor.Kind.ANALYST)
        self.assertEqual(Actor.objects.get(pk=self.speaker.pk).kind, Actor.Kind.ANALYST)
        self.assertNotEqual(Claim.objects.get(pk=self.claim.pk).explanation, before)
