"""The provenance chain of a claim, laid out as a picture.

claim ← attributions ← sources ← relaying agencies ← speakers

Each independent origin gets its own column inside a framed box; the sources
that collapse into one origin (same outlet, same relaying agency, same owner
group, near-copies) sit together in that box. This module computes positions
and plain-text labels only; templates/claims/partials/chain.html draws them as
SVG, escaping every label.
"""

import hashlib
from dataclasses import dataclass, field

from django.urls import reverse

from lib.text import counted

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


# Origin frames drawn in full; any further origins share one last frame with their counts.
MAX_GROUPS = 12
# Passages drawn one by one in each frame; the rest of the origin's are one "+N" node.
MAX_DRAWN = 3


@dataclass
class OriginGroup:
    """Attributions that count as one origin, as the status engine grouped them.

    Read from Claim.origin_groups (claims.engine.origin_groups_summary), which
    the engine stores with the status. `side` is "supports" or "disputes" for
    the counted attributions, grouped by independent origin, or "uncounted"
    for the speculative ones the engine leaves out (one group, `notes` giving
    each one's reasons). `ids` are all its attributions; `attributions` the
    few loaded to be drawn (load_drawn).
    """

    side: str
    label: str
    ids: list
    reason: str = ""
    sources: int = 0
    # Attribution id -> why the engine left it out (uncounted) ...
    notes: dict = field(default_factory=dict)
    # ... and -> the outlet it came through, when the engine found it relayed.
    via: dict = field(default_factory=dict)
    attributions: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.ids)

    @property
    def more(self):
        """How many of its passages are not drawn one by one."""
        return len(self.ids) - len(self.attributions)


def origin_groups(claim):
    """The claim's origin groups, from the engine's stored summary (no query)."""
    return [
        OriginGroup(
            side=group["side"],
            label=group["label"],
            ids=group["ids"],
            reason=group["reason"],
            sources=group["sources"],
            notes=dict(group["notes"]),
            via=dict(group["via"]),
        )
        for group in claim.origin_groups
    ]


def drawn_ids(groups):
    """The attributions the chain draws one by one: the first few of the first origins."""
    return [pk for group in groups[:MAX_GROUPS] for pk in group.ids[:MAX_DRAWN]]


def load_drawn(groups, by_id):
    """Give each drawn group its `attributions`, taken from `by_id` (attribution id ->
    attribution, with what the chain shows loaded: the claim page loads the
    drawn_ids() with its page of evidence, web.views.evidence_page)."""
    for group in groups[:MAX_GROUPS]:
        group.attributions = [by_id[pk] for pk in group.ids[:MAX_DRAWN] if pk in by_id]


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

    @property
    def title(self):
        """The frame's label with its reason, in full."""
        return self.label + (f" ({self.reason})" if self.reason else "")


@dataclass
class Chain:
    width: float
    height: float
    nodes: list
    edges: list
    frames: list

    @property
    def description(self):
        """Every origin frame's title, for a reader that cannot see the picture."""
        return "; ".join(frame.title for frame in self.frames)

    @property
    def digest(self):
        """A key for the drawn picture: equal digests draw the same SVG.

        Everything the template reads is in the dataclasses' reprs (sizes,
        positions, labels, titles, classes, links), so a changed label or link
        changes the digest; the page caches the drawing under it.
        """
        text = repr((self.width, self.height, self.nodes, self.edges, self.frames))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


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
    """Positions for every node, edge and origin frame of the claim's chain.

    The first MAX_GROUPS origins get a frame each, with their first MAX_DRAWN
    passages (load_drawn) drawn one by one and the rest as one "+N more" node;
    any further origins share one last frame, drawn with their counts. So the
    picture stays the same size however much evidence the claim has.
    """
    claim_node = _claim_node(claim)
    nodes, links, frames = [], [], []
    x = GROUP_PAD
    numbers = {"supports": 0, "disputes": 0, "uncounted": 0}
    for index, group in enumerate(groups[:MAX_GROUPS], start=1):
        numbers[group.side] += 1
        group_nodes, group_links, right = _lay_out_group(group, x + GROUP_PAD, claim_node)
        label, reason = _frame_text(group, numbers[group.side])
        css = f"origin origin-{index % 6} side-{group.side}"
        frames.append(Frame(x, 0, right - x + GROUP_PAD, 0, label, reason, css=css))
        nodes.extend(group_nodes)
        links.extend(group_links)
        x = right + GROUP_PAD + GROUP_GAP
    rest = groups[MAX_GROUPS:]
    if rest:
        node = _rest_node(rest, x + GROUP_PAD)
        right = _place_row([node], x + GROUP_PAD)
        nodes.append(node)
        links.append((node, claim_node, "edge"))
        label, reason = counted(len(rest), "more origin"), "listed in the evidence"
        frames.append(
            Frame(x, 0, right - x + GROUP_PAD, 0, label, reason, css="origin origin-more")
        )
        x = right + GROUP_PAD + GROUP_GAP
    return _assemble(claim_node, nodes, links, frames, groups_width=x - GROUP_GAP + GROUP_PAD)


def _claim_node(claim):
    """The claim's node, wide enough for its label whatever the number of origins."""
    label = _short(claim.statement, CLAIM_CHARS)
    return Node(
        ROW_CLAIM,
        label,
        f"{claim.get_status_display()} · grade {claim.grade}",
        title=claim.statement,
        css=f"claim status-{claim.status}",
        width=max(NODE_WIDTH * 2, len(label) * BOLD_CHAR_WIDTH + 24),
    )


def _slot_centre(left, slot):
    """The centre of the `slot`th passage of the origin whose frame's content starts at `left`."""
    return left + slot * (NODE_WIDTH + H_GAP) + NODE_WIDTH / 2


def _lay_out_group(group, left, claim_node):
    """One origin's nodes, placed from `left`, its links and its right edge.

    Its drawn passages side by side (relayed ones grouped by agency, then by
    source and speaker), a "+N more" node for the rest; above them their
    sources, relaying agencies and speakers, each drawn once.
    """
    attributions = sorted(
        group.attributions,
        key=lambda a: (group.via.get(a.pk, ""), a.source_id, a.speaker_id or 0, a.start),
    )
    sources, agencies, speakers = {}, {}, {}
    passages = []
    for slot, attribution in enumerate(attributions):
        centre = _slot_centre(left, slot)
        note = group.notes.get(attribution.pk, "")
        passages.append((attribution, _attribution_node(attribution, note, centre)))
        source = attribution.source
        _add_slot(sources, source.pk, centre, _source_node, source)
        relay = group.via.get(attribution.pk)
        if relay:
            _add_slot(agencies, relay, centre, _agency_node, relay, attribution.relayed_via_id)
        if attribution.speaker_id:
            _add_slot(speakers, attribution.speaker_id, centre, _speaker_node, attribution.speaker)
    if group.more:
        passages.append((None, _more_node(group, _slot_centre(left, len(attributions)))))
    passage_nodes = [node for _, node in passages]
    rows = [passage_nodes, *(list(row.values()) for row in (sources, agencies, speakers))]
    right = left
    for row_nodes in rows:
        if row_nodes:
            right = max(right, _place_row(row_nodes, left))
    group_nodes = [*sources.values(), *agencies.values(), *speakers.values(), *passage_nodes]
    links = _group_links(passages, group.via, sources, agencies, speakers, claim_node)
    return group_nodes, links, right


def _add_slot(nodes, key, centre, build, *args):
    """Put `centre` under the node `nodes[key]`, built by build(*args) the first time."""
    node = nodes.get(key)
    if node is None:
        node = nodes[key] = build(*args)
    node.slots.append(centre)


def _attribution_node(attribution, note, centre):
    """A passage's node; `note` says why the engine did not count it ("" when it did)."""
    speculative = bool(note)
    return Node(
        ROW_ATTRIBUTION,
        f"{attribution.get_kind_display()}",
        f"{attribution.get_stance_display()}" + (" · speculative" if speculative else ""),
        title=f"“{attribution.quote}”" + (f" — not counted: {note}" if note else ""),
        css=f"attribution stance-{attribution.stance}" + (" speculative" if speculative else ""),
        href=f"#e{attribution.pk}",
        slots=[centre],
    )


def _source_node(source):
    outlet = source.outlet.name if source.outlet else "no known outlet"
    return Node(
        ROW_SOURCE,
        _short(source.title or f"Source #{source.pk}"),
        f"{_short(outlet, 18)} · {source.published_display}",
        title=f"{source.title} — {outlet}, {source.published_display}",
        css="source",
        href=reverse("source-detail", args=[source.pk]),
    )


def _agency_node(relay, relayed_via_id):
    """The agency `relay`: set on the passage (`relayed_via_id`), or named in its paragraph."""
    return Node(
        ROW_AGENCY,
        _short(relay),
        "relaying agency" if relayed_via_id else "named as source",
        title=relay,
        css="agency",
    )


def _speaker_node(speaker):
    return Node(
        ROW_SPEAKER,
        _short(speaker.name),
        speaker.get_kind_display(),
        title=f"{speaker.name}, {speaker.role}".rstrip(", "),
        css="speaker",
    )


def _more_node(group, centre):
    """The node standing for the passages of `group` not drawn one by one."""
    return Node(
        ROW_ATTRIBUTION,
        f"+{group.more} more",
        f"{counted(group.count, 'passage')}, {counted(group.sources, 'article')}",
        title=f"{counted(group.more, 'more passage')} of this origin: see the evidence",
        css="attribution more",
        href="#evidence-heading",
        slots=[centre],
    )


def _rest_node(rest, left):
    """The one node standing for the origins beyond the first MAX_GROUPS."""
    return Node(
        ROW_ATTRIBUTION,
        f"{counted(len(rest), 'more origin')}",
        counted(sum(group.count for group in rest), "passage"),
        title="; ".join(group.label for group in rest[:MAX_GROUPS])
        + ("; …" if len(rest) > MAX_GROUPS else ""),
        css="attribution more",
        href="#evidence-heading",
        slots=[left + NODE_WIDTH / 2],
    )


def _group_links(passages, via, sources, agencies, speakers, claim_node):
    """(lower, upper, css) of each arrow of one origin: speaker → agency → source → passage → claim.

    The agency is left out of a passage that came through none.
    """
    links = []
    for attribution, node in passages:
        if attribution is None:  # the "+N more" node
            links.append((node, claim_node, "edge"))
            continue
        source_node = sources[attribution.source_id]
        links.append((source_node, node, "edge"))
        upstream = source_node
        relay = via.get(attribution.pk)
        if relay:
            upstream = agencies[relay]
            links.append((upstream, source_node, "edge relay"))
        if attribution.speaker_id:
            links.append((speakers[attribution.speaker_id], upstream, "edge said"))
        links.append((node, claim_node, f"edge stance-{attribution.stance}"))
    return links


def _frame_text(group, number):
    """The label and reason of the frame of `group`, the `number`th origin of its side."""
    if group.side == "uncounted":
        return "Not counted: speculative", "left out of the status"
    side = "Origin" if group.side == "supports" else "Disputing origin"
    reason = f"collapsed: {group.reason}" if group.reason else ""
    return f"{side} {number}: {group.label}", reason


def _assemble(claim_node, nodes, links, frames, groups_width):
    """The Chain: the origins (`groups_width` wide) centred under the claim, no empty row."""
    width = max(groups_width, claim_node.width + 2 * GROUP_PAD)
    # Centre the origins under a claim wider than they are.
    shift = (width - groups_width) / 2
    for item in (*nodes, *frames):
        item.x += shift
    # Close empty rows up so the picture has no gaps.
    rows = sorted({ROW_CLAIM, ROW_ATTRIBUTION, ROW_SOURCE, *(node.row for node in nodes)})
    row_y = [TOP + r * (NODE_HEIGHT + ROW_GAP) for r in range(len(rows))]
    for node in nodes:
        node.y = row_y[rows.index(node.row)]
    claim_node.x = (width - claim_node.width) / 2
    claim_node.y = row_y[0]
    bottom = row_y[-1] + NODE_HEIGHT
    for frame in frames:
        frame.y = row_y[1] - GROUP_PAD
        frame.height = bottom - frame.y + GROUP_PAD + LABEL_HEIGHT
    return Chain(
        width=width,
        height=bottom + GROUP_PAD + LABEL_HEIGHT + 8,
        nodes=[claim_node, *nodes],
        edges=_edges(links, claim_node),
        frames=frames,
    )


def _edges(links, claim_node):
    """An arrow from each upstream node to the node it feeds, drawn once.

    The claim is wide: its incoming arrows spread along its lower edge.
    """
    edges = {}
    for lower, upper, css in links:
        upper_x = upper.cx
        if upper is claim_node:
            upper_x = min(max(lower.cx, upper.x + 10), upper.x + upper.width - 10)
        edges[(id(lower), id(upper), css)] = Edge(lower.cx, lower.top, upper_x, upper.bottom, css)
    return list(edges.values())
