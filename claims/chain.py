"""The provenance chain of a claim, laid out for an SVG drawn on the server.

claim ← attributions ← sources ← relaying agencies ← speakers

Each independent origin gets its own column inside a framed box; the sources
that collapse into one origin (same outlet, same relaying agency, same owner
group, near-copies) sit together in that box. This module only computes
positions and labels; templates/claims/partials/provenance_chain.svg draws
them, escaping every label.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from claims import status
from sources.models import SourceRelay

NODE_WIDTH = 176
NODE_HEIGHT = 44
H_GAP = 14
GROUP_GAP = 26
GROUP_PAD = 12
ROW_GAP = 40
TOP = 12
LABEL_HEIGHT = 34
CHARS_PER_LINE = 23
CLAIM_CHARS = 90
# Average advance of a bold 12px system-ui character, to size the claim's box.
BOLD_CHAR_WIDTH = 7

# Rows, top to bottom.
ROW_CLAIM, ROW_ATTRIBUTION, ROW_SOURCE, ROW_AGENCY, ROW_SPEAKER = range(5)


@dataclass
class OriginGroup:
    """Attributions that count as one origin, as the status engine sees them.

    `side` is "supports" or "disputes" for the counted attributions, grouped
    by independent origin, or "uncounted" for the speculative ones the engine
    leaves out (one group, `notes` giving each one's reasons).
    """

    side: str
    label: str
    attributions: list
    reason: str = ""
    # Attribution id -> why the engine left it out (uncounted) ...
    notes: dict = field(default_factory=dict)
    # ... and -> the outlet it came through, when the engine found it relayed.
    via: dict = field(default_factory=dict)


class _LoadedParagraphs(status.Paragraphs):
    """The engine's paragraph splitter over bodies already in memory: never queries."""

    def __init__(self, bodies):
        super().__init__()
        for source_id, body in bodies.items():
            self._bodies[source_id] = [body, None, None]

    def load(self, source_ids):
        pass


class _GroupingEvaluator(status.Evaluator):
    """The engine's evaluator, keeping the per-attribution origins it worked out."""

    def _claim(self, atts):
        self.atts = list(atts)
        return super()._claim(atts)


def _path(obj, path):
    """obj.a.b.c for "a__b__c", None once a link is empty."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def relay_rows(claim):
    """The relays of the sources evidencing `claim`, as the engine reads them (one query)."""
    return list(
        SourceRelay.objects.filter(source_id__in=claim.attributions.live().values("source_id"))
        .order_by("source_id", "id")
        .values_list(*status._RELAY_FIELDS)
    )


def origin_groups(claim, attributions, relay_rows):
    """The claim's attributions grouped as claims.status groups them, for the chain.

    Uses the engine's own Evaluator (origins, relays named in the paragraph,
    owner groups, near-copies), fed from the rows already loaded for the page:
    `attributions` with their source, outlet, owner group, speaker and relaying
    agency, and `relay_rows`, the relays of their sources as
    status._RELAY_FIELDS tuples. Runs no query of its own.
    """
    if not attributions:
        return []
    by_id = {a.pk: a for a in attributions}
    rows = [tuple(_path(a, f) for f in status._ATTRIBUTION_FIELDS) for a in attributions]
    evaluator = _GroupingEvaluator(
        paragraphs=_LoadedParagraphs({a.source_id: a.source.body for a in attributions})
    )
    evaluator.evaluate([claim.pk], rows, relay_rows)
    atts = evaluator.atts
    via = {a.id: a.origin.name for a in atts if a.relayed}
    groups = []
    for side, supports in (("supports", True), ("disputes", False)):
        counted = [a for a in atts if a.supports == supports and not a.reasons]
        for group in evaluator._groups(counted) if counted else []:
            members = sorted(
                (by_id[a.id] for att_list in group.att_lists for a in att_list),
                key=lambda a: (a.source_id, a.start),
            )
            groups.append(
                OriginGroup(
                    side=side,
                    label=" · ".join(origin.name for origin in group.origins),
                    attributions=members,
                    reason="; ".join(group.reasons),
                    via=via,
                )
            )
    uncounted = [a for a in atts if a.reasons]
    if uncounted:
        groups.append(
            OriginGroup(
                side="uncounted",
                label="Not counted",
                attributions=[by_id[a.id] for a in uncounted],
                reason="speculative",
                notes={a.id: "; ".join(a.reasons) for a in uncounted},
                via=via,
            )
        )
    return groups


@dataclass
class Node:
    row: int
    label: str
    sublabel: str = ""
    title: str = ""
    css: str = ""
    href: str = ""
    slots: list = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0
    width: float = NODE_WIDTH
    height: float = NODE_HEIGHT

    @property
    def cx(self):
        return self.x + self.width / 2

    @property
    def top(self):
        return self.y

    @property
    def bottom(self):
        return self.y + self.height


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str = ""


@dataclass
class Frame:
    x: float
    y: float
    width: float
    height: float
    label: str
    reason: str
    css: str = ""

    @property
    def bottom(self):
        return self.y + self.height

    @property
    def short_label(self):
        return _short(self.label, max(12, int((self.width - 20) / 7)))

    @property
    def short_reason(self):
        return _short(self.reason, max(12, int((self.width - 20) / 6)))


@dataclass
class Chain:
    width: float
    height: float
    nodes: list
    edges: list
    frames: list


def _short(text, limit=CHARS_PER_LINE):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _place_row(nodes, left):
    """Centre each node under its slots, then push right until none overlap."""
    cursor = left
    for node in sorted(nodes, key=lambda n: sum(n.slots) / len(n.slots)):
        centre = sum(n for n in node.slots) / len(node.slots)
        node.x = max(centre - node.width / 2, cursor)
        cursor = node.x + node.width + H_GAP
    return cursor - H_GAP


def layout(claim, groups):
    """Positions for every node, edge and origin frame of the claim's chain."""
    nodes, links, frames = [], [], []
    row_y = [TOP + r * (NODE_HEIGHT + ROW_GAP) for r in range(5)]
    x = GROUP_PAD
    claim_label = _short(claim.statement, CLAIM_CHARS)
    claim_node = Node(
        ROW_CLAIM,
        claim_label,
        f"{claim.get_status_display()} · grade {claim.grade}",
        title=claim.statement,
        css=f"claim status-{claim.status}",
        width=0,
    )
    used_rows = {ROW_CLAIM, ROW_ATTRIBUTION, ROW_SOURCE}
    counters = {"supports": 0, "disputes": 0, "uncounted": 0}
    for index, group in enumerate(groups, start=1):
        counters[group.side] += 1
        left = x + GROUP_PAD
        attributions = sorted(
            group.attributions,
            key=lambda a: (
                group.via.get(a.pk, ""),
                a.source_id,
                a.speaker_id or 0,
                a.start,
            ),
        )
        group_nodes = []
        sources, agencies, speakers = {}, {}, {}
        attribution_nodes = []
        for slot, attribution in enumerate(attributions):
            centre = left + slot * (NODE_WIDTH + H_GAP) + NODE_WIDTH / 2
            note = group.notes.get(attribution.pk, "")
            speculative = bool(note)
            node = Node(
                ROW_ATTRIBUTION,
                f"{attribution.get_kind_display()}",
                f"{attribution.get_stance_display()}" + (" · speculative" if speculative else ""),
                title=f"“{attribution.quote}”" + (f" — not counted: {note}" if note else ""),
                css=f"attribution stance-{attribution.stance}"
                + (" speculative" if speculative else ""),
                href=f"#e{attribution.pk}",
                slots=[centre],
            )
            attribution_nodes.append((attribution, node))
            source = attribution.source
            source_node = sources.get(source.pk)
            if source_node is None:
                outlet = source.outlet.name if source.outlet else "no known outlet"
                source_node = sources[source.pk] = Node(
                    ROW_SOURCE,
                    _short(source.title or f"Source #{source.pk}"),
                    f"{_short(outlet, 18)} · {source.published_display}",
                    title=f"{source.title} — {outlet}, {source.published_display}",
                    css="source",
                    href=reverse("source-detail", args=[source.pk]),
                )
            source_node.slots.append(centre)
            relay = group.via.get(attribution.pk)
            if relay:
                agency = agencies.get(relay)
                if agency is None:
                    agency = agencies[relay] = Node(
                        ROW_AGENCY,
                        _short(relay),
                        "relaying agency" if attribution.relayed_via_id else "named as source",
                        title=relay,
                        css="agency",
                    )
                agency.slots.append(centre)
                used_rows.add(ROW_AGENCY)
            if attribution.speaker_id:
                speaker = speakers.get(attribution.speaker_id)
                if speaker is None:
                    speaker = speakers[attribution.speaker_id] = Node(
                        ROW_SPEAKER,
                        _short(attribution.speaker.name),
                        attribution.speaker.get_kind_display(),
                        title=f"{attribution.speaker.name}, {attribution.speaker.role}".rstrip(
                            ", "
                        ),
                        css="speaker",
                    )
                speaker.slots.append(centre)
                used_rows.add(ROW_SPEAKER)
        right = left
        for row_nodes in (
            [n for _, n in attribution_nodes],
            list(sources.values()),
            list(agencies.values()),
            list(speakers.values()),
        ):
            if row_nodes:
                right = max(right, _place_row(row_nodes, left))
        for row_nodes in (sources.values(), agencies.values(), speakers.values()):
            group_nodes.extend(row_nodes)
        for attribution, node in attribution_nodes:
            group_nodes.append(node)
            source_node = sources[attribution.source_id]
            links.append((source_node, node, "edge"))
            upstream = source_node
            relay = group.via.get(attribution.pk)
            if relay:
                agency = agencies[relay]
                links.append((agency, source_node, "edge relay"))
                upstream = agency
            if attribution.speaker_id:
                links.append((speakers[attribution.speaker_id], upstream, "edge said"))
            links.append((node, claim_node, f"edge stance-{attribution.stance}"))
        if group.side == "uncounted":
            label, reason = "Not counted: speculative", "left out of the status"
        else:
            number = counters[group.side]
            label = f"{'Origin' if group.side == 'supports' else 'Disputing origin'} {number}: "
            label += group.label
            reason = f"collapsed: {group.reason}" if group.reason else ""
        frames.append(
            Frame(
                x,
                0,
                right - x + GROUP_PAD,
                0,
                label,
                reason,
                css=f"origin origin-{index % 6} side-{group.side}",
            )
        )
        nodes.extend(group_nodes)
        x = right + GROUP_PAD + GROUP_GAP
    # Wide enough for the claim's label, whatever the number of origins.
    claim_width = max(NODE_WIDTH * 2, len(claim_label) * BOLD_CHAR_WIDTH + 24)
    groups_width = x - GROUP_GAP + GROUP_PAD
    width = max(groups_width, claim_width + 2 * GROUP_PAD)
    # Centre the origins under a claim wider than they are.
    shift = (width - groups_width) / 2
    for item in (*nodes, *frames):
        item.x += shift
    # Close empty rows up so the picture has no gaps.
    rows = sorted(used_rows)
    for node in nodes:
        node.y = row_y[rows.index(node.row)]
    claim_node.width = claim_width
    claim_node.x = (width - claim_node.width) / 2
    claim_node.y = row_y[0]
    bottom = row_y[len(rows) - 1] + NODE_HEIGHT
    for frame in frames:
        frame.y = row_y[1] - GROUP_PAD
        frame.height = bottom - frame.y + GROUP_PAD + LABEL_HEIGHT
    # An arrow from each upstream node to the node it feeds, drawn once.
    # The claim is wide: its incoming arrows spread along its lower edge.
    edges = {}
    for lower, upper, css in links:
        upper_x = upper.cx
        if upper is claim_node:
            upper_x = min(max(lower.cx, upper.x + 10), upper.x + upper.width - 10)
        edges[(id(lower), id(upper), css)] = Edge(lower.cx, lower.top, upper_x, upper.bottom, css)
    return Chain(
        width=width,
        height=bottom + GROUP_PAD + LABEL_HEIGHT + 8,
        nodes=[claim_node, *nodes],
        edges=list(edges.values()),
        frames=frames,
    )
