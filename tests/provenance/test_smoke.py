from tests.base import BaseTestCase
from tests.factories import make_attribution, make_claim, make_source


class CastTests(BaseTestCase):
    def test_roles_carry_their_permissions(self):
        self.assertTrue(self.factchecker.has_perm("claims.record_verdict"))
        self.assertFalse(self.factchecker.has_perm("claims.add_attribution"))
        self.assertTrue(self.editor.has_perm("claims.add_attribution"))
        self.assertFalse(self.editor.has_perm("sources.import_sources"))
        self.assertTrue(self.admin.has_perm("sources.import_sources"))
        self.assertFalse(self.outsider.has_perm("claims.view_claim"))

    def test_factories_anchor_quotes(self):
        source = make_source(body="Alpha said hello. Beta said bye.")
        attribution = make_attribution(make_claim(), source, "Beta said bye.")
        self.assertEqual(source.body[attribution.start : attribution.end], "Beta said bye.")
