"""A claim's support status, credibility grade and verdict as badges: {% load badges %}.

Template tags rather than included partials because lists print three per row:
an {% include %} of a one-line partial took about 0.1 ms on a 2-core machine,
so a page of 25 claims spent 7 ms on its badges; these take a few microseconds
each. Every text is escaped by format_html.
"""

from django import template
from django.utils.html import format_html

from claims.models import Claim

register = template.Library()

# Labels by value, looked up once (get_FOO_display() rebuilds its dict every call).
STATUS_LABELS = dict(Claim.Status.choices)
GRADE_LABELS = dict(Claim.Grade.choices)
VERDICT_LABELS = dict(Claim.Verdict.choices)


@register.simple_tag
def status_badge(claim=None, status="", label="", with_title=True):
    """A claim's support status as a coloured badge, its explanation as the tooltip.

    `{% status_badge claim %}`; `with_title=False` where the page prints the
    explanation anyway (the claim page); or a status without a claim, with its
    label: `{% status_badge status=value label=label %}` (facet lists).
    """
    if claim is None:
        return format_html('<span class="badge badge-{}">{}</span>', status, label)
    label = STATUS_LABELS.get(claim.status, claim.status)
    if with_title:
        return format_html(
            '<span class="badge badge-{}" title="{}">{}</span>',
            claim.status,
            claim.explanation,
            label,
        )
    return format_html('<span class="badge badge-{}">{}</span>', claim.status, label)


@register.simple_tag
def grade_badge(claim):
    """A claim's credibility grade on the Admiralty scale (1–6), its meaning as the tooltip."""
    return format_html(
        '<span class="grade grade-{}" title="Credibility: {}">{}</span>',
        claim.grade,
        GRADE_LABELS.get(claim.grade, claim.grade),
        claim.grade,
    )


@register.simple_tag
def verdict_badge(claim):
    """A claim's latest fact-checker verdict, or "Unreviewed"."""
    if not claim.verdict:
        return format_html('<span class="verdict verdict-none">{}</span>', "Unreviewed")
    return format_html(
        '<span class="verdict verdict-{}">{}</span>',
        claim.verdict,
        VERDICT_LABELS.get(claim.verdict, claim.verdict),
    )
