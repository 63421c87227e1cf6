"""A realistic block of evidence for page tests, repeatable to scale a dataset up.

One "unit" adds, around a given claim: a wire agency, two outlets of one owner,
an independent outlet, four articles (one with no outlet and no date, one
relaying the agency), an official and an analyst, five attributions on the
claim (one relayed, one disputing, one speculative), a review, an unrelated
claim with its own attribution, and history records for all of it. Query-count
tests render a page at 1 unit and at 10 units and expect the same count.
"""

import datetime
import itertools

from claims.models import Attribution, Claim
from tests.factories import (
    make_actor,
    make_attribution,
    make_claim,
    make_outlet,
    make_owner_group,
    make_review,
    make_source,
)

_units = itertools.count(1)


def build_evidence(claim, reviewer=None):
    """Add one unit of evidence around `claim`; returns a dict of what was made."""
    n = next(_units)
    wire = make_outlet(f"Wire {n}", kind="wire", reliability="B")
    owner = make_owner_group(f"Holding {n}")
    paper = make_outlet(f"Daily {n}", owner_group=owner)
    sister = make_outlet(f"Daily {n} English", owner_group=owner)
    independent = make_outlet(f"Observer {n}")
    official = make_actor(f"Minister {n}", role="Minister of Examples")
    analyst = make_actor(f"Pundit {n}", kind="analyst", role="political scientist")
    relayed = make_source(
        f"Report {n}. According to Wire {n}, the minister confirmed the visit took place "
        f"in unit {n}. Officials said nothing else.\n\nA second paragraph follows here.",
        outlet=paper,
        relays=[wire],
        published_on=datetime.date(2022, 9, 1 + n % 28),
        byline=f"By Reporter {n}",
    )
    copy = make_source(
        f"Copy {n}. The minister confirmed the visit took place in unit {n}, it reported.",
        outlet=sister,
        published_on=datetime.date(2022, 9, 2 + n % 27),
    )
    orphan = make_source(
        f"Blog {n}. Nobody knows who wrote this. The visit surely happened in unit {n}, "
        "the blog claims. It could possibly mean war, says a pundit.",
        outlet=None,
    )
    rebuttal = make_source(
        f"Observer {n}. Officials denied that any visit happened in unit {n}. That is all.",
        outlet=independent,
        published_on=datetime.date(2022, 10, 1 + n % 28),
    )
    attributions = [
        make_attribution(
            claim,
            relayed,
            f"the minister confirmed the visit took place in unit {n}",
            speaker=official,
            relayed_via=wire,
            kind=Attribution.Kind.PARAPHRASE,
        ),
        make_attribution(
            claim,
            copy,
            f"The minister confirmed the visit took place in unit {n}",
            kind=Attribution.Kind.OUTLET_ASSERTION,
        ),
        make_attribution(
            claim,
            orphan,
            f"The visit surely happened in unit {n}",
            kind=Attribution.Kind.OUTLET_ASSERTION,
        ),
        make_attribution(
            claim,
            orphan,
            "It could possibly mean war",
            speaker=analyst,
            kind=Attribution.Kind.SPECULATION,
        ),
        make_attribution(
            claim,
            rebuttal,
            f"Officials denied that any visit happened in unit {n}",
            kind=Attribution.Kind.PARAPHRASE,
            stance=Attribution.Stance.DISPUTES,
        ),
    ]
    other = make_claim(f"An unrelated statement about harvests number {n}")
    make_attribution(other, rebuttal, "That is all.", kind=Attribution.Kind.OUTLET_ASSERTION)
    review = None
    if reviewer is not None:
        review = make_review(claim, reviewer, Claim.Verdict.NEEDS_SOURCING, f"Unit {n} checked.")
    return {
        "sources": [relayed, copy, orphan, rebuttal],
        "attributions": attributions,
        "outlets": [wire, paper, sister, independent],
        "review": review,
        "other_claim": other,
    }
