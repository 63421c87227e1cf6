"""Fact-checkers' verdicts on claims."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Verdict(models.TextChoices):
    ACCURATE = "accurate", "Accurate"
    MOSTLY_ACCURATE = "mostly_accurate", "Mostly accurate"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    NEEDS_SOURCING = "needs_sourcing", "Needs more sourcing"


class Review(models.Model):
    """A fact-checker's verdict on a claim, with the reasoning behind it."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    rationale = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # A claim's verdict history, newest first.
            models.Index(fields=["claim", "-created_at"], name="review_claim_idx"),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()} on “{self.claim}”"
