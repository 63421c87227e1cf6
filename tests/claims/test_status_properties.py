"""Property: after any sequence of edits through the write functions (claims.actions),
every stored status equals a full recompute, with or without one batch for them all."""

from contextlib import suppress

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims import actions, derived, engine
from claims.models import Actor, Attribution, Claim, VersionConflict
from sources.models import OwnerGroup, SourceRelay
from tests.factories import make_actor, make_claim, make_outlet, make_owner_group, make_source

# Paragraphs the sources are built from: a wire text, a near-copy of it, a
# rewrite, text that names the wire ("TASS said"), hedged and plain text.
WIRE = (
    "Patrushev and Yang Jiechi agreed that the United States was escalating tension in the "
    "Asia-Pacific region and that both countries would continue joint patrols and exercises."
)
PARAGRAPHS = [
    WIRE,
    WIRE.replace("joint patrols and exercises.", "joint patrols and naval exercises."),
    "Officials said the two sides agreed that tension was escalating, according to Xinhua.",
    "Patrushev and Yang Jiechi agreed on more patrols, TASS said with reference to the council.",
    "This could possibly lead to a new alliance in the region, an analyst suggested.",
    "Trade grew by a tenth in May, RT reported, and more growth is planned.",
]
# Each source is a selection of paragraphs, separated by blank lines.
SOURCE_LAYOUTS = [(0, 4), (1, 5), (2, 3), (3, 0), (5, 1, 2), (4, 2)]
OUTLETS = ["TASS", "Xinhua", "RT", "Pravda.ru", "AP"]
CUES = ["", "TASS said", "according to Xinhua", "RT reported"]

N_CLAIMS, N_ACTORS, N_GROUPS = 3, 4, 2

index = st.integers(min_value=0, max_value=50)
maybe = st.one_of(st.just(-1), index)  # -1: none
add = st.tuples(
    st.just("add"),
    index,  # claim
    index,  # source
    index,  # paragraph of the source
    st.sampled_from(Attribution.Kind.values),
    st.sampled_from(Attribution.Stance.values),
    maybe,  # speaker
    st.one_of(st.just(-1), st.just(-1), index),  # relayed via, usually none
)
relay_add = st.tuples(st.just("relay_add"), index, index, st.sampled_from(CUES), st.booleans())
owner_group = st.tuples(st.just("owner_group"), index, maybe)
reliability = st.tuples(st.just("reliability"), index, st.sampled_from("ABCDEF"))
actor_kind = st.tuples(st.just("actor_kind"), index, st.sampled_from(Actor.Kind.values))
# The edits of one example; the likelier ones are listed more than once.
edits = st.one_of(
    add,
    add,
    add,
    st.tuples(st.just("edit_stance"), index, st.sampled_from(Attribution.Stance.values)),
    st.tuples(st.just("edit_kind"), index, st.sampled_from(Attribution.Kind.values)),
    st.tuples(st.just("edit_relay"), index, maybe),
    st.tuples(st.just("edit_speaker"), index, maybe),
    st.tuples(st.just("move"), index, index),
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("remove"), index),  # the soft delete
    st.tuples(st.just("source_outlet"), index, maybe),
    relay_add,
    relay_add,
    st.tuples(st.just("relay_remove"), index),
    owner_group,
    owner_group,
    reliability,
    reliability,
    st.tuples(st.just("delete_group"), index),
    actor_kind,
    actor_kind,
)


# Each example runs a few hundred queries: about 5-10 s a run on either database.
EXAMPLES = 60


def pick(items, i):
    return items[i % len(items)] if items and i >= 0 else None


class StoredStatusProperty(TestCase):
    refresh = None  # the batch of a bulk run (derived.batch), else each write's own

    def build_world(self):
        self.groups = [make_owner_group(f"Holding {i}") for i in range(N_GROUPS)]
        self.outlets = [make_outlet(name) for name in OUTLETS]
        self.sources = []
        for n, layout in enumerate(SOURCE_LAYOUTS):
            body = "\n\n".join(PARAGRAPHS[p] for p in layout)
            outlet = self.outlets[n] if n < len(self.outlets) else None
            self.sources.append(make_source(body, outlet, title=f"Story {n}"))
        self.actors = [
            make_actor("Nikolai Patrushev"),
            make_actor("Marat Bashirov", kind=Actor.Kind.ANALYST, role="political scientist"),
            make_actor("Some analysts", kind=Actor.Kind.UNNAMED),
            make_actor("Foreign ministry", kind=Actor.Kind.GOVERNMENT_BODY),
        ]
        self.claims = [make_claim(f"Claim {n}") for n in range(N_CLAIMS)]
        # A start where every kind of edit can change some status: TASS and RT share
        # an owner; Pravda.ru relays TASS in the paragraph it is quoted from; AP's
        # paragraph names RT ("RT reported") without a relay, yet.
        with derived.batch() as self.refresh:  # one recompute for the whole start
            for outlet, group in ((0, 0), (2, 0), (1, 1)):
                actions.change_outlet(
                    self.outlets[outlet], owner_group=self.groups[group], refresh=self.refresh
                )
            actions.add_relay(self.sources[3], self.outlets[0], "TASS said", refresh=self.refresh)
            for claim, source, paragraph, speaker in [
                (0, 0, 0, 0),  # single source: TASS and RT are one owner's
                (0, 2, 0, -1),
                (1, 1, 0, 3),  # corroborated: Xinhua, and TASS relayed by Pravda.ru
                (1, 3, 0, -1),
                (2, 4, 0, -1),  # single source, AP; and a speculative pundit
                (2, 5, 1, 1),
            ]:
                self.apply(("add", claim, source, paragraph, "paraphrase", "supports", speaker, -1))
        self.refresh = None

    def apply(self, edit):
        """One edit through its write function; an edit the write function refuses
        (a removed attribution edited, a passage the claim already cites) changes
        nothing."""
        with suppress(ValidationError, VersionConflict):
            self.write(edit)

    def write(self, edit):
        kind, *args = edit
        getattr(self, f"write_{kind}")(*args)

    def attribution(self, i):
        return pick(list(Attribution.objects.order_by("pk")), i)

    def write_add(self, claim, source, paragraph, att_kind, stance, speaker, relay):
        claim, source = pick(self.claims, claim), pick(self.sources, source)
        source.refresh_from_db()
        quote = pick(source.body.split("\n\n"), paragraph)
        start = source.body.index(quote)
        if Attribution.objects.filter(claim=claim, source=source, start=start).exists():
            return
        attribution = Attribution(
            claim=claim,
            source=source,
            quote=quote,
            start=start,
            end=start + len(quote),
            kind=att_kind,
            stance=stance,
            speaker=pick(self.actors, speaker),
            relayed_via=pick(self.outlets, relay),
        )
        attribution.take_context(source.body)
        actions.save_attribution(attribution, None, "Added", refresh=self.refresh)

    def edit(self, i, **changes):
        attribution = self.attribution(i)
        if attribution is not None:
            actions.edit_attribution(
                None, attribution, attribution.updated_at, refresh=self.refresh, **changes
            )

    def write_edit_stance(self, i, stance):
        self.edit(i, stance=stance)

    def write_edit_kind(self, i, kind):
        self.edit(i, kind=kind)

    def write_edit_relay(self, i, relay):
        self.edit(i, relayed_via=pick(self.outlets, relay))

    def write_edit_speaker(self, i, speaker):
        self.edit(i, speaker=pick(self.actors, speaker))

    def write_move(self, i, claim):
        attribution, claim = self.attribution(i), pick(self.claims, claim)
        taken = Attribution.objects.filter(
            claim=claim,
            source_id=getattr(attribution, "source_id", None),
            start=getattr(attribution, "start", None),
        )
        if attribution is not None and not taken.exists():
            self.edit(i, claim=claim)

    def write_delete(self, i):
        attribution = self.attribution(i)
        if attribution is not None:
            actions.delete_attribution(attribution, refresh=self.refresh)

    def write_remove(self, i):
        attribution = self.attribution(i)
        if attribution is not None and attribution.deleted_at is None:
            actions.remove_attribution(attribution, None, refresh=self.refresh)

    def write_source_outlet(self, i, outlet):
        source = pick(self.sources, i)
        source.refresh_from_db()
        actions.change_source(source, outlet=pick(self.outlets, outlet), refresh=self.refresh)

    def write_relay_add(self, i, o, cue, whole_list):
        source = pick(self.sources, i)
        source.refresh_from_db()
        # Mostly an outlet the text names, as real relays are; sometimes any outlet.
        named = [outlet for outlet in self.outlets if outlet.name in source.body]
        outlet = pick(named if named and o % 4 else self.outlets, o)
        if SourceRelay.objects.filter(source=source, outlet=outlet).exists():
            return
        if whole_list:  # the source's whole relay list, one more in it
            relays = [(r.outlet, r.cue) for r in source.relay_links.order_by("pk")]
            actions.set_relays(source, [*relays, (outlet, cue)], refresh=self.refresh)
        else:
            actions.add_relay(source, outlet, cue, refresh=self.refresh)

    def write_relay_remove(self, i):
        relay = pick(list(SourceRelay.objects.order_by("pk")), i)
        if relay is not None:
            actions.remove_relay(relay, refresh=self.refresh)

    def write_owner_group(self, i, group):
        outlet = pick(self.outlets, i)
        outlet.refresh_from_db()
        group = pick(list(OwnerGroup.objects.order_by("pk")), group)
        actions.change_outlet(outlet, owner_group=group, refresh=self.refresh)

    def write_reliability(self, i, grade):
        outlet = pick(self.outlets, i)
        outlet.refresh_from_db()
        actions.change_outlet(outlet, reliability=grade, refresh=self.refresh)

    def write_delete_group(self, i):
        group = pick(list(OwnerGroup.objects.order_by("pk")), i)
        if group is not None:
            actions.delete_owner_group(group, refresh=self.refresh)

    def write_actor_kind(self, i, kind):
        actions.change_actor(pick(self.actors, i), kind=kind, refresh=self.refresh)

    def assert_stored_equals_full_recompute(self):
        fresh = engine.evaluate(Claim.objects.values_list("pk", flat=True))
        stored = {
            pk: engine.Result(*values)
            # Every stored field of the Result: status, grade, explanation, origin
            # count, outlet kinds and origin groups.
            for pk, *values in Claim.objects.values_list("pk", *engine.Result._fields)
        }
        self.assertEqual(stored, fresh)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(edits, min_size=1, max_size=12), st.booleans())
    def test_stored_statuses_always_equal_a_full_recompute(self, sequence, batched):
        self.build_world()
        if batched:
            # Bulk mode: one batch for every edit, run once at the end.
            with derived.batch() as self.refresh:
                for edit in sequence:
                    self.apply(edit)
            self.refresh = None
            self.assert_stored_equals_full_recompute()
        else:
            for edit in sequence:
                self.apply(edit)
                self.assert_stored_equals_full_recompute()
        self.assertEqual(engine.recompute_all().changed, 0)
