"""schema.org ClaimReview (JSON-LD) for a claim with a verdict.

Google and other fact-check readers pick these up from the claim page (a
<script type="application/ld+json"> block, embedded_json) and from
/api/claims/<id>/claimreview. The shape (https://schema.org/ClaimReview,
Google's "Fact check" structured data):

- claimReviewed: the claim's statement;
- reviewRating: a Rating whose alternateName is the verdict's label, with
  ratingValue on a 1-5 scale (bestRating 5, worstRating 1), see RATINGS;
- itemReviewed: a Claim whose author is the speaker of its first appearance
  (a Person, or an Organization for government bodies and agencies, or the
  outlet when the outlet speaks for itself), with appearance (every article
  that supports it, as a CreativeWork with url, headline, datePublished and
  publisher) and firstAppearance (the earliest of them);
- datePublished: when the verdict was recorded (the latest review);
- author: the organisation publishing the fact-check (settings
  PROVENANCE_ORG_NAME and PROVENANCE_ORG_URL);
- url: the claim's page.

Only live attributions count: removed and orphaned ones are no evidence.
"""

import json

from django.conf import settings
from django.db.models import Case, F, When
from django.urls import reverse
from django.utils.safestring import mark_safe

from claims.models import EVIDENCE_ORDER, Actor, Attribution, Claim
from sources.models import Source

CONTEXT = "https://schema.org"

# Verdict -> ratingValue. The scale runs from 1 (false) to 5 (accurate); verdicts
# that do not judge the truth (unverifiable, needs more sourcing) sit in the middle.
BEST_RATING = 5
WORST_RATING = 1
RATINGS = {
    Claim.Verdict.ACCURATE: 5,
    Claim.Verdict.MOSTLY_ACCURATE: 4,
    Claim.Verdict.NEEDS_SOURCING: 3,
    Claim.Verdict.UNVERIFIABLE: 3,
    Claim.Verdict.MISLEADING: 2,
    Claim.Verdict.FALSE: 1,
}

# Speakers of these kinds are organisations, every other kind a person.
ORGANISATION_KINDS = {Actor.Kind.GOVERNMENT_BODY, Actor.Kind.AGENCY}


def _date(value):
    return value.isoformat() if value else None


def organisation():
    return {
        "@type": "Organization",
        "name": settings.PROVENANCE_ORG_NAME,
        "url": settings.PROVENANCE_ORG_URL,
    }


def _outlet(outlet):
    data = {"@type": "Organization", "name": outlet.name}
    if outlet.domain:
        data["url"] = f"https://{outlet.domain}/"
    return data


def _speaker(attribution):
    actor = attribution.speaker
    if actor is None:
        outlet = attribution.source.outlet
        return _outlet(outlet) if outlet else None
    data = {
        "@type": "Organization" if actor.kind in ORGANISATION_KINDS else "Person",
        "name": actor.name,
    }
    if actor.role:
        data["jobTitle" if data["@type"] == "Person" else "description"] = actor.role
    return data


def _appearance(source, absolute_url):
    work = {
        "@type": "CreativeWork",
        "url": source.url or absolute_url(reverse("source-detail", args=[source.pk])),
        "headline": source.title or str(source),
    }
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.outlet_id:
        work["publisher"] = _outlet(source.outlet)
    return work


# The long text (and import-only) columns of a source: a ClaimReview never needs them.
_SOURCE_TEXT = (
    "body",
    "original_text",
    "raw_html",
    "import_notes",
    "missing_metadata",
    "proposed_relays",
)


def appearances(claim, limit=None):
    """(first appearance, articles it appears in) of `claim`: two queries.

    The evidence is its live supporting attributions (all live ones when none
    supports it). The first appearance is the earliest of them (dated articles
    oldest first, then undated ones; ties by article, then position), with
    source, outlet and speaker, or None; the articles are theirs in the same
    order, with their outlets, at most `limit` of them.
    """
    live = claim.attributions.live()
    first = (
        live.select_related("source__outlet", "speaker")
        .defer(*(f"source__{name}" for name in _SOURCE_TEXT))
        .order_by(
            Case(When(stance=Attribution.Stance.SUPPORTS, then=0), default=1), *EVIDENCE_ORDER
        )
        .first()
    )
    if first is None:
        return None, []
    if first.stance == Attribution.Stance.SUPPORTS:
        live = live.filter(stance=Attribution.Stance.SUPPORTS)
    sources = (
        Source.objects.filter(pk__in=live.values("source_id"))
        .select_related("outlet")
        .defer(*_SOURCE_TEXT)
        .order_by(F("published_on").asc(nulls_last=True), "pk")
    )
    return first, list(sources[:limit] if limit is not None else sources)


def build(claim, review, first, sources, absolute_url):
    """The ClaimReview of `claim` (with a verdict) from what it shows of the evidence.

    `first` is the first appearance (the earliest live supporting attribution,
    or None), with source, outlet and speaker; `sources` the articles it
    appears in, first appearances first, with their outlets.
    """
    item = {"@type": "Claim"}
    if first is not None:
        speaker = _speaker(first)
        if speaker:
            item["author"] = speaker
        if first.source.published_on:
            item["datePublished"] = first.source.published_on.isoformat()
        appearances = [_appearance(source, absolute_url) for source in sources]
        item["firstAppearance"] = appearances[0]
        item["appearance"] = appearances
    if claim.event_start:
        item["temporalCoverage"] = claim.event_display.replace(" – ", "/")
    verdict = Claim.Verdict(claim.verdict)
    published = review.created_at if review is not None else claim.updated_at
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": absolute_url(reverse("claim-detail", args=[claim.pk])),
        "claimReviewed": claim.statement,
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[verdict],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": verdict.label,
        },
        "datePublished": published.date().isoformat(),
        "author": organisation(),
    }


def for_claim(claim, absolute_url):
    """The ClaimReview of `claim`, or None when it has no verdict: three queries (its
    latest review, its first appearance, the articles it appears in).

    `absolute_url` turns a path into an absolute URL (request.build_absolute_uri).
    """
    if not claim.verdict:
        return None
    review = claim.reviews.order_by("-created_at", "-pk").first()
    return build(claim, review, *appearances(claim), absolute_url)


# Characters that could end the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def embedded_json(data):
    """`data` as JSON text safe inside a <script type="application/ld+json"> element
    (the claim page's template holds the element).

    The JSON is escaped as django's json_script filter does ("</script>" in a
    claim cannot close the element); a CSP allows it, since it is data, not code.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 (no <, > or & left: it cannot leave the element)
