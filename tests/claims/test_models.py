import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.models import Actor, ActorAlias, Attribution, Claim
from tests.base import BaseTestCase
from tests.factories import make_actor, make_attribution, make_claim, make_source


class AttributionOffsetTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(body="Patrushev said the talks were useful. Xi agreed.")
        cls.claim = make_claim("The talks were useful")

    def attribution(self, quote, start, end):
        return Attribution(
            claim=self.claim,
            source=self.source,
            quote=quote,
            start=start,
            end=end,
            kind=Attribution.Kind.PARAPHRASE,
        )

    def test_text_at_offsets_must_equal_the_quote(self):
        self.attribution("Patrushev said", 0, 14).full_clean()
        with self.assertRaisesMessage(ValidationError, "The source reads “atrushev said ”"):
            self.attribution("Patrushev said", 1, 15).full_clean()

    def test_span_past_the_end_is_rejected(self):
        with self.assertRaisesMessage(ValidationError, "only 48 characters long"):
            self.attribution("Xi agreed.", 40, 60).full_clean()

    def test_database_rejects_quote_of_the_wrong_length(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.attribution("Patrushev", 0, 14).save()

    def test_database_rejects_empty_span(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.attribution("", 5, 5).save()

    def test_anchor_finds_offsets(self):
        attribution = self.attribution("Xi agreed.", 0, 0)
        attribution.anchor()
        self.assertEqual((attribution.start, attribution.end), (38, 48))
        attribution.full_clean()

    def test_one_passage_evidences_a_claim_once(self):
        make_attribution(self.claim, self.source, "Xi agreed.")
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_attribution(self.claim, self.source, "Xi agreed.")


class ActorAliasTests(BaseTestCase):
    def test_misspellings_and_surnames_resolve_to_one_actor(self):
        chang = make_actor("Chang Wanquan", aliases=["Chiang Wanquan"])
        yang = make_actor("Yang Jiechi", aliases=["Jiechi", "Yang Jie-chi"])
        self.assertEqual(Actor.objects.resolve("Chiang Wanquan"), chang)
        self.assertEqual(Actor.objects.resolve("chang wanquan"), chang)
        self.assertEqual(Actor.objects.resolve("Jiechi"), yang)
        self.assertEqual(Actor.objects.resolve("Yang Jie-Chi"), yang)
        self.assertIsNone(Actor.objects.resolve("Wanquan Chang"))

    def test_alias_cannot_be_another_actors_name(self):
        make_actor("Nikolai Patrushev")
        vavilov = make_actor("Nikolai Vavilov")
        alias = ActorAlias(actor=vavilov, name="Nikolai  Patrushev")
        with self.assertRaisesMessage(ValidationError, "Another actor already has this name"):
            alias.full_clean()

    def test_name_cannot_be_another_actors_alias(self):
        make_actor("Yang Jiechi", aliases=["Jiechi"])
        with self.assertRaisesMessage(ValidationError, "already has this name as an alias"):
            Actor(name="Jiechi").full_clean()


class ClaimIdentityTests(BaseTestCase):
    def test_same_statement_on_different_dates_are_different_claims(self):
        statement = "Patrushev met Yang Jiechi for strategic security consultations"
        for year in (2014, 2019, 2022):
            make_claim(statement, event_start=datetime.date(year, 1, 1))
        self.assertEqual(Claim.objects.filter(statement=statement).count(), 3)

    def test_a_claim_is_written_once(self):
        make_claim("Russia and China held joint patrols")
        duplicate = Claim(statement="russia and China  held joint patrols.")
        with self.assertRaisesMessage(ValidationError, "already exists"):
            duplicate.full_clean()
        with self.assertRaises(IntegrityError), transaction.atomic():
            duplicate.save()

    def test_event_range_must_be_ordered(self):
        claim = Claim(
            statement="x",
            event_start=datetime.date(2020, 5, 2),
            event_end=datetime.date(2020, 5, 1),
        )
        with self.assertRaisesMessage(ValidationError, "ends before it starts"):
            claim.full_clean()
        with self.assertRaises(IntegrityError), transaction.atomic():
            claim.save()

    def test_defaults_to_unsupported_and_cannot_be_judged(self):
        claim = make_claim()
        self.assertEqual(claim.status, Claim.Status.UNSUPPORTED)
        self.assertEqual(claim.grade, Claim.Grade.CANNOT_BE_JUDGED)
