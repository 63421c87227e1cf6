"""Independent origins: which origins of a claim's counted attributions count as one.

Two origins are not independent when they are the same outlet, share an owner
group, or when their attributed paragraphs are near-copies: Jaccard similarity
of the sets of 5-word shingles of at least 0.8 (NEAR_COPY_THRESHOLD, compared
exactly as a fraction). Independent origins are the connected groups of that
relation. Pure: paragraphs come from a claims.engine.paragraphs.Paragraphs.
"""

from claims.engine import explain
from claims.engine.data import Group

NEAR_COPY_THRESHOLD = (4, 5)  # Jaccard >= 4/5
# Above this many paragraphs in one claim, near-copies are found by prefix filtering.
MANY_PARAGRAPHS = 40
# The pair cache is cleared when it holds more pairs than this.
MAX_CACHED_PAIRS = 2_000_000


def jaccard(a, b):
    """Jaccard similarity of two sets, as (intersection, union) sizes."""
    inter = len(a & b)
    return inter, len(a) + len(b) - inter


def is_near_copy(inter, union):
    """Whether (intersection, union) sizes reach the near-copy threshold."""
    num, den = NEAR_COPY_THRESHOLD
    return union > 0 and inter * den >= num * union


def near_copy_sizes(a, b):
    """jaccard(a, b), or (0, 1) when the sizes alone rule out a near-copy."""
    num, den = NEAR_COPY_THRESHOLD
    la, lb = len(a), len(b)
    if not la or not lb or (la * den < num * lb if la < lb else lb * den < num * la):
        return (0, 1)
    return jaccard(a, b)


def similar_pairs(sets):
    """(i, j, intersection, union) for every pair of sets with Jaccard >= the threshold, i < j.

    Prefix filtering, exact: two sets with Jaccard >= t share a token among the
    first |s| - ceil(t|s|) + 1 tokens of each, in one global order; only pairs
    sharing such a token are compared. For claims with many paragraphs.
    """
    num, den = NEAR_COPY_THRESHOLD
    index = {}
    for j, tokens in enumerate(sets):
        if not tokens:
            continue
        ordered = sorted(tokens)
        prefix = len(ordered) - (num * len(ordered) + den - 1) // den + 1
        candidates = set()
        for token in ordered[:prefix]:
            seen = index.get(token)
            if seen is None:
                index[token] = [j]
            else:
                candidates.update(seen)
                seen.append(j)
        for i in sorted(candidates):
            inter, union = jaccard(sets[i], tokens)
            if is_near_copy(inter, union):
                yield i, j, inter, union


class Grouping:
    """Origin keys joined into groups (union-find), remembering why each join was made.

    A group's root is its earliest key, so groups come out in the order of
    their first origin.
    """

    def __init__(self, keys):
        self.order = {key: i for i, key in enumerate(keys)}
        self.parent = {key: key for key in keys}
        self.links = []  # (an origin key, reason) for every join of two groups
        self.components = len(keys)

    def find(self, key):
        parent = self.parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(self, a, b, reason):
        """Join the groups of `a` and `b`; False when they are one already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.order[rb] < self.order[ra]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.links.append((a, reason))
        self.components -= 1
        return True

    def groups(self, by_origin, origin_of):
        """The groups as data.Group objects, each with the reasons of its joins."""
        members = {}
        for key in self.order:
            members.setdefault(self.find(key), []).append(key)
        result = {
            root: Group([origin_of[k] for k in keys], [by_origin[k] for k in keys])
            for root, keys in members.items()
        }
        for key, reason in self.links:
            result[self.find(key)].reasons.append(reason)
        return list(result.values())


class Independence:
    """Groups counted attributions into independent origins.

    Remembers the similarity of each pair of paragraphs it compares, since the
    same paragraphs meet again in other claims.
    """

    def __init__(self, paragraphs):
        self.paragraphs = paragraphs
        self._pairs = {}  # (paragraph key, paragraph key) -> (intersection, union)

    def groups(self, atts):
        """The independent origins of counted attributions (data.Evidence), as Groups."""
        by_origin = {}
        for att in atts:
            by_origin.setdefault(att.origin.key, []).append(att)
        if len(by_origin) == 1:  # the common case: one origin, nothing to join
            (only,) = by_origin.values()
            return [Group([only[0].origin], [only])]
        origin_of = {key: atts[0].origin for key, atts in by_origin.items()}
        grouping = Grouping(list(by_origin))
        _join_owner_groups(grouping, origin_of)
        if grouping.components > 1:
            self._join_near_copies(grouping, by_origin, origin_of)
        return grouping.groups(by_origin, origin_of)

    def _join_near_copies(self, grouping, by_origin, origin_of):
        """Join origins that carry one paragraph, or paragraphs that are near-copies."""
        entries = list(self._paragraph_origins(by_origin).items())
        for _, owners in entries:
            for other in owners[1:]:
                reason = explain.same_paragraph_reason(origin_of[owners[0]], origin_of[other])
                grouping.join(owners[0], other, reason)
        if len(entries) > MANY_PARAGRAPHS:
            shingles = [self.paragraphs.shingles(pkey) for pkey, _ in entries]
            # Sorted, so the pair that joins two origins (and its score) never depends
            # on hashing.
            pairs = sorted(similar_pairs(shingles))
        else:
            pairs = self._near_pairs(entries, grouping)
        for i, j, inter, union in pairs:
            for a in entries[i][1]:
                for b in entries[j][1]:
                    if grouping.find(a) != grouping.find(b):
                        reason = explain.near_copy_reason(origin_of[a], origin_of[b], inter, union)
                        grouping.join(a, b, reason)

    def _paragraph_origins(self, by_origin):
        """{paragraph key: the origin keys whose attributions are in it, in order}."""
        para_origins = {}
        for key, atts in by_origin.items():
            for att in atts:
                pkey = self.paragraphs.key(att.source_id, att.start, att.end)
                owners = para_origins.setdefault(pkey, [])
                if key not in owners:
                    owners.append(key)
        return para_origins

    def _near_pairs(self, entries, grouping):
        """Near-copy pairs (i, j, intersection, union) of a few paragraphs, in (i, j) order.

        A generator the caller joins from as it goes: skips pairs whose origins
        are already one, and stops once all are.
        """
        if len(self._pairs) > MAX_CACHED_PAIRS:
            self._pairs.clear()
        for i in range(len(entries)):
            for j in range(i + 1, len(entries)):
                if grouping.components <= 1:
                    return
                if grouping.find(entries[i][1][0]) == grouping.find(entries[j][1][0]):
                    continue
                sizes = self._sizes(entries[i][0], entries[j][0])
                if is_near_copy(*sizes):
                    yield i, j, *sizes

    def _sizes(self, a, b):
        """near_copy_sizes of the shingles of paragraphs `a` and `b`, cached."""
        key = (a, b)
        sizes = self._pairs.get(key)
        if sizes is None:
            shingles = self.paragraphs.shingles
            sizes = self._pairs[key] = near_copy_sizes(shingles(a), shingles(b))
        return sizes


def _join_owner_groups(grouping, origin_of):
    """Join the origins that share an owner group, each to the group's first origin."""
    first_in_group = {}
    for key, origin in origin_of.items():
        if origin.group_id is None:
            continue
        other = first_in_group.setdefault(origin.group_id, key)
        if other != key:
            grouping.join(other, key, explain.shared_owner_reason(origin_of[other], origin))
