"""Tags written through the API: a tag is known by its name or its slug."""

from claims.models import Claim, Tag
from tests.api.base import APITestCase


class TagSlugTests(APITestCase):
    def test_names_that_slug_alike_are_one_tag(self):
        response = self.api(self.editor).post(
            "/api/claims", {"statement": "x", "tags": ["Zz!", "Zz?"]}, format="json"
        )

        self.assertStatus(response, 201)
        self.assertEqual(response.data["tags"], ["Zz!"])
        self.assertEqual(list(Tag.objects.values_list("name", "slug")), [("Zz!", "zz")])

    def test_a_name_slugging_like_an_existing_tag_is_that_tag(self):
        Tag.objects.create(name="Pipelines", slug="pipelines")

        response = self.api(self.editor).post(
            "/api/claims", {"statement": "y", "tags": ["pipelines!"]}, format="json"
        )

        self.assertStatus(response, 201)
        self.assertEqual(response.data["tags"], ["Pipelines"])
        self.assertEqual(Tag.objects.count(), 1)

    def test_the_same_on_the_claim_form(self):
        self.login(self.editor)

        response = self.client.post("/claims/new/", {"statement": "z", "tags": "Zz!, Zz?"})

        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(Claim.objects.get(statement="z").tags.values_list("name", flat=True)), ["Zz!"]
        )

    def test_a_tag_of_control_characters_only_is_no_tag(self):
        response = self.api(self.editor).post(
            "/api/claims", {"statement": "w", "tags": ["\x1b[0m", "Gas\x1b[31m"]}, format="json"
        )

        self.assertStatus(response, 201)
        self.assertEqual(response.data["tags"], ["Gas"])
        self.assertFalse(Tag.objects.filter(name="").exists())
