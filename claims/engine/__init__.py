"""The provenance engine: each claim's support status, credibility grade and explanation.

A pure core and the code that feeds it:

- claims.engine.data: the rows the core reads, its vocabulary, and Result;
- claims.engine.rules: the rules (origins, speculation, status and grade) and
  the Evaluator that turns rows into Results;
- claims.engine.independence: which origins count as one (owner groups,
  near-copy paragraphs);
- claims.engine.explain: the explanation text and the stored origin groups;
- claims.engine.paragraphs: paragraphs of source bodies and their shingles;
- claims.engine.store: loads the rows, runs the core, writes what changed
  (the only module here that touches the database).

Callers write `from claims import engine` and use the names below. The cue
lists the rules read are lib.cues.
"""

from claims.engine.data import UNSUPPORTED_NOTHING, AttributionRow, RelayRow, Result
from claims.engine.explain import origin_groups_summary
from claims.engine.rules import Evaluator, speculation_reasons
from claims.engine.store import (
    Summary,
    claims_condition,
    default_workers,
    evaluate,
    fill_origin_groups,
    ids_in,
    new_evaluator,
    recompute,
    recompute_all,
    recompute_claims,
    recompute_for,
)

__all__ = [
    "UNSUPPORTED_NOTHING",
    "AttributionRow",
    "Evaluator",
    "RelayRow",
    "Result",
    "Summary",
    "claims_condition",
    "default_workers",
    "evaluate",
    "fill_origin_groups",
    "ids_in",
    "new_evaluator",
    "origin_groups_summary",
    "recompute",
    "recompute_all",
    "recompute_claims",
    "recompute_for",
    "speculation_reasons",
]
