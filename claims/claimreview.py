"""schema.org ClaimReview (JSON-LD) for a claim with a verdict.

Google and other fact-check readers pick these up from the claim page (a
<script type="application/ld+json"> block, script_tag) and from
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
from django.urls import reverse
from django.utils.safestring import mark_safe

from claims.models import Actor, Attribution, Claim

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


def _appearance_order(attribution):
    # Dated articles oldest first, then undated ones; ties by article, then position.
    published = attribution.source.published_on
    return (published is None, published or "", attribution.source_id, attribution.start)


def claim_review(claim, review, attributions, absolute_url):
    """The ClaimReview of `claim`, or None when it has no verdict.

    `review` is the claim's latest Review (or None), `attributions` its
    attributions with source, outlet and speaker loaded (only live supporting
    ones are used; all live ones when none supports it), `absolute_url` turns
    a path into an absolute URL (request.build_absolute_uri).
    """
    if not claim.verdict:
        return None
    live = [a for a in attributions if a.deleted_at is None and a.orphaned_at is None]
    supporting = [a for a in live if a.stance == Attribution.Stance.SUPPORTS] or live
    supporting.sort(key=_appearance_order)
    seen, sources = set(), []
    for attribution in supporting:
        if attribution.source_id not in seen:
            seen.add(attribution.source_id)
            sources.append(attribution.source)
    return build(claim, review, supporting[0] if supporting else None, sources, absolute_url)


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
    """claim_review() with what it needs loaded: two queries (latest review, evidence)."""
    if not claim.verdict:
        return None
    review = claim.reviews.order_by("-created_at", "-pk").first()
    attributions = list(
        claim.attributions.live().select_related("source__outlet", "speaker").order_by("pk")
    )
    return claim_review(claim, review, attributions, absolute_url)


# Characters that could end the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_tag(data):
    """`data` as a <script type="application/ld+json"> element, safe to embed in a page.

    The JSON is escaped as django's json_script filter does ("</script>" in a
    claim cannot close the element); a CSP allows it, since it is data, not code.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
