"""The engine's words: a claim's explanation, and its origin groups as stored data.

Pure: it reads the core's Groups and Evidence (claims.engine.data) and returns
text and JSON-ready lists. Names are already isolated (data.Origin), so no
name reorders a sentence.
"""

from claims.engine.data import (
    CONTESTED,
    CORROBORATED,
    DIRECT_QUOTE,
    GRADE_WORDS,
    IMPROBABLE,
    PARAPHRASE,
    SINGLE_SOURCE,
    SPECULATIVE,
    UNSUPPORTED,
)
from lib.text import counted


def explanation(status, grade, support_groups, dispute_groups, spec_supports, spec_disputes):
    """The explanation stored on a claim, one sentence after another.

    What the status says of the counted origins; why origins count as one;
    the speculative attributions left out; and, for a grade the status does
    not explain, why that grade.
    """
    sentences = status_sentences(status, support_groups, dispute_groups)
    for group in support_groups + dispute_groups:
        sentences.extend(merge_sentences(group))
    sentences.extend(left_out_sentences(spec_supports, spec_disputes))
    sentences.extend(grade_sentences(status, grade, support_groups, dispute_groups))
    return " ".join(sentences)


def status_sentences(status, support_groups, dispute_groups):
    """The sentences that state the status and name the counted origins."""
    n_support, n_dispute = len(support_groups), len(dispute_groups)
    if status == UNSUPPORTED:
        sentences = ["Unsupported: no supporting attribution."]
        if dispute_groups:
            sentences.append(f"Disputed by {origins(n_dispute)}: {listed(dispute_groups)}.")
        return sentences
    if status == CONTESTED:
        if support_groups:
            supported = f"Supported by {origins(n_support)}: {listed(support_groups)}."
        else:
            supported = "No non-speculative attribution supports it."
        disputed = f"Contested: disputed by {origins(n_dispute)}: {listed(dispute_groups)}."
        return [disputed, supported]
    if status == SPECULATIVE:
        return ["Speculative: every supporting attribution is speculative."]
    if status == CORROBORATED:
        return [f"Corroborated: {origins(n_support)}: {listed(support_groups)}."]
    return [f"Single source: {origins(1)}: {listed(support_groups)}."]


def merge_sentences(group):
    """Why the origins of a group count as one (nothing for a group of one origin)."""
    if not group.reasons:
        return []
    return [f"Counted as one origin: {'; '.join(group.reasons)}."]


def left_out_sentences(spec_supports, spec_disputes):
    """The speculative attributions not counted, each with why."""
    sentences = []
    if spec_supports:
        sentences.append(
            f"{counted(len(spec_supports), 'speculative attribution')} not counted: "
            + "; ".join(left_out(a) for a in spec_supports)
            + "."
        )
    if spec_disputes:
        sentences.append(
            f"{counted(len(spec_disputes), 'speculative dispute')} not counted: "
            + "; ".join(left_out(a) for a in spec_disputes)
            + "."
        )
    return sentences


def grade_sentences(status, grade, support_groups, dispute_groups):
    """Why the grade, when the status alone does not say (improbable, single source)."""
    if grade == IMPROBABLE:
        return [
            f"Grade 5 (improbable): more independent origins dispute it ({len(dispute_groups)}) "
            f"than support it ({len(support_groups)})."
        ]
    if status == SINGLE_SOURCE:
        graded = ", ".join(
            f"{o.name} is graded {o.reliability}"
            if o.reliability
            else f"{o.name} has no reliability grade"
            for o in support_groups[0].origins
        )
        return [f"Grade {int(grade)} ({GRADE_WORDS[grade]}): {graded}."]
    return []


# ----- reasons for counting origins as one -----


def shared_owner_reason(a, b):
    """Origins `a` and `b` (data.Origin) belong to one owner group."""
    return f"{a.name} and {b.name} share the owner group “{b.group_name}”"


def same_paragraph_reason(a, b):
    """One paragraph reached through origins `a` and `b`."""
    return f"{a.name} and {b.name} carry the same paragraph (similarity 1.00)"


def near_copy_reason(a, b, inter, union):
    """The paragraphs attributed through `a` and `b` are near-copies."""
    return (
        f"{a.name} and {b.name} are near-copies "
        f"(similarity {score(inter, union)}, Jaccard of 5-word shingles "
        "of the attributed paragraphs)"
    )


def score(inter, union):
    """The similarity rounded down to two decimals, so 0.799 never reads 0.80."""
    return f"{(inter * 100 // union) / 100:.2f}"


# ----- describing origins and attributions -----


def describe_group(group):
    """A group's origins, each with who relayed it and what its attributions say."""
    return " together with ".join(
        describe_origin(origin, atts)
        for origin, atts in zip(group.origins, group.att_lists, strict=True)
    )


def describe_origin(origin, atts):
    label = origin.name
    relayers = []
    for att in atts:
        if att.relayed and att.source_label not in relayers:
            relayers.append(att.source_label)
    if relayers:
        label += ", relayed by " + and_list(relayers)
    direct_sources = {att.source_id for att in atts if not att.relayed}
    if len(direct_sources) > 1:
        label += f", {len(direct_sources)} articles counted as one outlet"
    what = []
    for att in atts:
        phrase = what_it_says(att)
        if phrase not in what:
            what.append(phrase)
    return f"{label} ({'; '.join(what)})"


def what_it_says(att):
    """How an attribution carries the statement: quoting, citing, or in its own words."""
    if att.speaker:
        if att.kind == DIRECT_QUOTE:
            return f"quoting {att.speaker}"
        if att.kind == PARAPHRASE:
            return f"citing a statement by {att.speaker}"
        return f"citing {att.speaker}"
    if att.kind == DIRECT_QUOTE:
        return "quoting an unnamed speaker"
    if att.kind == PARAPHRASE:
        return "in its own reporting"
    return "in its own words"


def left_out(att):
    """A speculative attribution: who, where, and why it is not counted."""
    where = att.source_label
    if att.relayed:
        where += f" relaying {att.origin.name}"
    if att.speaker:
        who = att.speaker + (f", {att.role}" if att.role else "")
        text = f"{who}, in {where}"
    else:
        text = f"{where}, in its own words"
    return f"{text} ({'; '.join(att.reasons)})"


def bare_source_label(source_id, title):
    """How the explanation names an article with no known outlet."""
    title = (title or "").strip()
    if not title:
        return f"an article with no known outlet (source #{source_id})"
    if len(title) > 70:
        title = title[:69].rstrip() + "…"
    return f"an article with no known outlet, “{title}”"


def and_list(items):
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def listed(groups):
    parts = [describe_group(g) for g in groups]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def origins(n):
    return counted(n, "independent origin")


# ----- origin groups, stored on Claim.origin_groups -----


def origin_groups_summary(support_groups, dispute_groups, uncounted):
    """A claim's origin groups as JSON-ready data, stored on Claim.origin_groups.

    One dict per independent origin, supporting ones first, then disputing ones,
    then (when any) one "uncounted" group of the speculative attributions left
    out: side ("supports", "disputes" or "uncounted"), label (the origins'
    names joined by " · "), reason (why several origins count as one), ids (its
    attributions, by source and position), sources (how many articles), via
    ([id, agency name] for each passage the engine found relayed, by
    relayed_via or by a relay named in its paragraph) and notes ([id, why it
    was left out] for the uncounted ones). Lists only, so the stored value
    compares equal to a fresh one after a JSON round trip.
    """
    groups = []
    for side, side_groups in (("supports", support_groups), ("disputes", dispute_groups)):
        for group in side_groups:
            groups.append(
                _summary(
                    side,
                    " · ".join(origin.name for origin in group.origins),
                    "; ".join(group.reasons),
                    [a for atts in group.att_lists for a in atts],
                )
            )
    if uncounted:
        groups.append(_summary("uncounted", "Not counted", "speculative", uncounted))
    return groups


def _att_order(att):
    return (att.source_id, att.start, att.id)


def _summary(side, label, reason, atts):
    atts = sorted(atts, key=_att_order)
    return {
        "side": side,
        "label": label,
        "reason": reason,
        "ids": [a.id for a in atts],
        "sources": len({a.source_id for a in atts}),
        "via": [[a.id, a.origin.name] for a in atts if a.relayed],
        "notes": [[a.id, "; ".join(a.reasons)] for a in atts if a.reasons],
    }
