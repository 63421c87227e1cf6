"""The provenance chain of a claim, laid out for an SVG drawn on the server.

claim ← attributions ← sources ← relaying agencies ← speakers

Each independent origin gets its own column inside a framed box; the sources
that collapse into one origin (same outlet, same relaying agency, same owner
group, near-copies) sit together in that box. This module only computes
positions and labels, and svg() draws them (format_html, every label escaped).
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe

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

    Read from Claim.origin_groups (claims.status.origin_groups_summary), which
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
    """Positions for every node, edge and origin frame of the claim's chain.

    The first MAX_GROUPS origins get a frame each, with their first MAX_DRAWN
    passages (load_drawn) drawn one by one and the rest as one "+N more" node;
    any further origins share one last frame, drawn with their counts. So the
    picture stays the same size however much evidence the claim has.
    """
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
    for index, group in enumerate(groups[:MAX_GROUPS], start=1):
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
        if group.more:
            centre = left + len(attributions) * (NODE_WIDTH + H_GAP) + NODE_WIDTH / 2
            more = Node(
                ROW_ATTRIBUTION,
                f"+{group.more} more",
                f"{counted(group.count, 'passage')}, {counted(group.sources, 'article')}",
                title=f"{counted(group.more, 'more passage')} of this origin: see the evidence",
                css="attribution more",
                href="#evidence-heading",
                slots=[centre],
            )
            attribution_nodes.append((None, more))
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
            if attribution is None:  # the "+N more" node
                links.append((node, claim_node, "edge"))
                continue
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
    rest = groups[MAX_GROUPS:]
    if rest:
        left = x + GROUP_PAD
        passages = sum(group.count for group in rest)
        node = Node(
            ROW_ATTRIBUTION,
            f"{counted(len(rest), 'more origin')}",
            counted(passages, "passage"),
            title="; ".join(group.label for group in rest[:MAX_GROUPS])
            + ("; …" if len(rest) > MAX_GROUPS else ""),
            css="attribution more",
            href="#evidence-heading",
            slots=[left + NODE_WIDTH / 2],
        )
        right = _place_row([node], left)
        nodes.append(node)
        links.append((node, claim_node, "edge"))
        frames.append(
            Frame(
                x,
                0,
                right - x + GROUP_PAD,
                0,
                f"{counted(len(rest), 'more origin')}",
                "listed in the evidence",
                css="origin origin-more",
            )
        )
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


def _number(value):
    """A coordinate as the template language prints it with localisation off."""
    text = str(value)
    return text if "e" not in text else localize(value, use_l10n=False)


def svg(chain):
    """The chain as inline SVG markup, every label, title, link and class escaped.

    Built in Python rather than with a template loop: the page draws a
    hundred-odd nodes and edges, and the template language took a tenth of
    the claim page's time to print their coordinates. Only numbers (computed
    here) go in unescaped.
    """
    n, e = _number, escape
    parts = [
        f'<svg class="chain" xmlns="http://www.w3.org/2000/svg" width="{n(chain.width)}" '
        f'height="{n(chain.height)}" viewBox="0 0 {n(chain.width)} {n(chain.height)}" '
        'role="img" aria-labelledby="chain-title chain-desc">'
        '<title id="chain-title">Provenance chain of this claim</title>'
        '<desc id="chain-desc">Groups of evidence: '
        + "; ".join(e(_frame_title(frame)) for frame in chain.frames)
        + ".</desc>"
        '<defs><marker id="chain-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="chain-arrowhead"/></marker></defs>'
    ]
    for frame in chain.frames:
        x, bottom = n(frame.x), n(frame.bottom)
        parts.append(
            f'<g class="chain-frame {e(frame.css)}"><title>{e(_frame_title(frame))}</title>'
            f'<rect x="{x}" y="{n(frame.y)}" width="{n(frame.width)}" '
            f'height="{n(frame.height)}" rx="10"/>'
            f'<text x="{x}" y="{bottom}" dx="10" dy="-19" class="chain-frame-label">'
            f"{e(frame.short_label)}</text>"
        )
        if frame.reason:
            parts.append(
                f'<text x="{x}" y="{bottom}" dx="10" dy="-5" class="chain-frame-reason">'
                f"{e(frame.short_reason)}</text>"
            )
        parts.append("</g>")
    for edge in chain.edges:
        parts.append(
            f'<line x1="{n(edge.x1)}" y1="{n(edge.y1)}" x2="{n(edge.x2)}" y2="{n(edge.y2)}" '
            f'class="{e(edge.css)}" marker-end="url(#chain-arrow)"/>'
        )
    for node in chain.nodes:
        y, cx = n(node.y), n(node.cx)
        parts.append(
            f'<g class="chain-node {e(node.css)}">'
            + (f'<a href="{e(node.href)}">' if node.href else "")
            + f"<title>{e(node.title)}</title>"
            f'<rect x="{n(node.x)}" y="{y}" width="{n(node.width)}" '
            f'height="{n(node.height)}" rx="6"/>'
            f'<text x="{cx}" y="{y}" dy="18" text-anchor="middle" class="chain-label">'
            f"{e(node.label)}</text>"
            f'<text x="{cx}" y="{y}" dy="35" text-anchor="middle" class="chain-sublabel">'
            f"{e(node.sublabel)}</text>" + ("</a>" if node.href else "") + "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _frame_title(frame):
    return frame.label + (f" ({frame.reason})" if frame.reason else "")
