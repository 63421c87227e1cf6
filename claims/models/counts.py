"""ClaimCount: current claims counted by status, verdict and outlet kinds, kept by triggers."""

from django.db import DEFAULT_DB_ALIAS, models, transaction

from claims.models.claim import Claim, count_facets


class ClaimCountQuerySet(models.QuerySet):
    def facet_counts(self, outlet_kinds=True):
        """As ClaimQuerySet.facet_counts, for the current claims these rows count."""
        return count_facets(
            self,
            models.Sum("n"),
            lambda condition: models.Sum("n", filter=condition),
            outlet_kinds,
        )


class ClaimCount(models.Model):
    """How many current claims have each status, verdict and outlet_kinds.

    The claim list's facets and the dashboard's counts read these few thousand
    rows instead of scanning every claim, when the only filters are on
    status, verdict and outlet kind (claims.filters.COUNTED_FILTERS). Kept by
    database triggers on the claim table (claims/sql/claimcount.*.sql): every
    insert, update (the engine's, a verdict, a merge) and delete, through the
    ORM or raw SQL, adjusts the counts in its own transaction. Rows whose count
    fell to zero stay. rebuild() recounts from scratch.
    """

    status = models.CharField(max_length=20, choices=Claim.Status.choices)
    verdict = models.CharField(max_length=20, choices=Claim.Verdict.choices, blank=True)
    outlet_kinds = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)

    objects = ClaimCountQuerySet.as_manager()

    class Meta:
        constraints = [
            # One row per combination; the triggers' INSERT ... ON CONFLICT needs it.
            models.UniqueConstraint(
                fields=["status", "verdict", "outlet_kinds"], name="claimcount_key"
            ),
        ]

    def __str__(self):
        return f"{self.status}/{self.verdict or '-'}/{self.outlet_kinds}: {self.n}"

    @staticmethod
    def _recounted(using):
        """(status, verdict, outlet_kinds, n) of the current claims, counted afresh."""
        return (
            Claim.objects.using(using)
            .current()
            .order_by()
            .values_list("status", "verdict", "outlet_kinds")
            .annotate(n=models.Count("*"))
        )

    @classmethod
    def rebuild(cls, using=DEFAULT_DB_ALIAS):
        """Recount every row from the claims (after a restore, or to repair drift)."""
        with transaction.atomic(using=using):
            cls.objects.using(using).all().delete()
            cls.objects.using(using).bulk_create(
                cls(status=status, verdict=verdict, outlet_kinds=kinds, n=n)
                for status, verdict, kinds, n in cls._recounted(using)
            )

    @classmethod
    def drift(cls, using=DEFAULT_DB_ALIAS):
        """{(status, verdict, outlet_kinds): (counted, actual)} where they differ."""
        counted = {
            (status, verdict, kinds): n
            for status, verdict, kinds, n in cls.objects.using(using).values_list(
                "status", "verdict", "outlet_kinds", "n"
            )
            if n
        }
        actual = {
            (status, verdict, kinds): n for status, verdict, kinds, n in cls._recounted(using)
        }
        return {
            key: (counted.get(key, 0), actual.get(key, 0))
            for key in counted.keys() | actual.keys()
            if counted.get(key, 0) != actual.get(key, 0)
        }
