"""A claim's support status, credibility grade and verdict as badges: {% load badges %}.

Each badge is drawn by its one-line template, templates/claims/partials/
<status|grade|verdict>_badge.html, which escapes every text. Lists print
three badges per row, so a badge that depends only on a choice (a grade, a
verdict, a status without its explanation) is rendered once per value and
process and reused, and a status with its explanation renders its template
in the page's own context rather than a new one.
"""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string

from claims.models import Claim

register = template.Library()

# Labels by value, looked up once (get_FOO_display() rebuilds its dict every call).
STATUS_LABELS = dict(Claim.Status.choices)
GRADE_LABELS = dict(Claim.Grade.choices)
VERDICT_LABELS = dict(Claim.Verdict.choices)


@lru_cache(maxsize=256)
def _choice_badge(template_name, **values):
    """`template_name` rendered with `values` (choices and their labels only)."""
    return render_to_string(template_name, values)


@register.simple_tag(takes_context=True)
def status_badge(context, claim=None, status="", label="", with_title=True):
    """A claim's support status as a coloured badge, its explanation as the tooltip.

    `{% status_badge claim %}`; `with_title=False` where the page prints the
    explanation anyway (the claim page); or a status without a claim, with its
    label: `{% status_badge status=value label=label %}` (facet lists).
    """
    name = "claims/partials/status_badge.html"
    if claim is None:
        return _choice_badge(name, status=status, label=str(label), with_title=False)
    label = STATUS_LABELS.get(claim.status, claim.status)
    if not with_title:
        return _choice_badge(name, status=claim.status, label=label, with_title=False)
    with context.push(status=claim.status, label=label, with_title=True, title=claim.explanation):
        return context.template.engine.get_template(name).render(context)


@register.simple_tag
def grade_badge(claim):
    """A claim's credibility grade on the Admiralty scale (1–6), its meaning as the tooltip."""
    return _choice_badge(
        "claims/partials/grade_badge.html",
        grade=claim.grade,
        label=GRADE_LABELS.get(claim.grade, claim.grade),
    )


@register.simple_tag
def verdict_badge(claim):
    """A claim's latest fact-checker verdict, or "Unreviewed"."""
    return _choice_badge(
        "claims/partials/verdict_badge.html",
        verdict=claim.verdict,
        label=VERDICT_LABELS.get(claim.verdict, "Unreviewed") if claim.verdict else "Unreviewed",
    )
