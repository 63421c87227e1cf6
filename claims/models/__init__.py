"""The domain's models, one module each, re-exported here (Django's convention).

Modules, each importing only those before it: tag, actor, review, claim
(statements, their derived status and verdict), attribution (evidence: a claim
on a passage of a source), annotation (notes and replies), counts (ClaimCount),
documents (search documents), merges (a claim or an actor merged into another).
"""

from claims.models.actor import Actor, ActorAlias, ActorQuerySet
from claims.models.annotation import (
    Annotation,
    AnnotationConflict,
    AnnotationQuerySet,
    reanchor_annotations,
)
from claims.models.attribution import (
    EVIDENCE_ORDER,
    QUOTE_CONTEXT,
    Attribution,
    AttributionQuerySet,
    reanchor_attributions,
)
from claims.models.claim import (
    CLAIM_EXISTS,
    QUEUE_FIRST,
    Claim,
    ClaimQuerySet,
    VersionConflict,
    count_facets,
    queue_priority,
    refresh_documents,
    statement_fingerprint,
)
from claims.models.counts import ClaimCount, ClaimCountQuerySet
from claims.models.documents import ClaimFullText, ClaimSearchDocument, ClaimSearchDocumentQuerySet
from claims.models.merges import merge_actor, merge_claim
from claims.models.review import Review, Verdict
from claims.models.tag import Tag, TagQuerySet

__all__ = [
    "CLAIM_EXISTS",
    "EVIDENCE_ORDER",
    "QUEUE_FIRST",
    "QUOTE_CONTEXT",
    "Actor",
    "ActorAlias",
    "ActorQuerySet",
    "Annotation",
    "AnnotationConflict",
    "AnnotationQuerySet",
    "Attribution",
    "AttributionQuerySet",
    "Claim",
    "ClaimCount",
    "ClaimCountQuerySet",
    "ClaimFullText",
    "ClaimQuerySet",
    "ClaimSearchDocument",
    "ClaimSearchDocumentQuerySet",
    "Review",
    "Tag",
    "TagQuerySet",
    "Verdict",
    "VersionConflict",
    "count_facets",
    "merge_actor",
    "merge_claim",
    "queue_priority",
    "reanchor_annotations",
    "reanchor_attributions",
    "refresh_documents",
    "statement_fingerprint",
]
