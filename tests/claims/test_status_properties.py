"""Property: after any sequence of edits, every stored status equals a full recompute."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims import status
from claims.models import Actor, Attribution, Claim
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
    st.tuples(st.just("remove"), index),  # the soft delete of issue 5
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
        with status.deferred():  # one recompute for the whole start
            for outlet, group in ((0, 0), (2, 0), (1, 1)):
                self.outlets[outlet].owner_group = self.groups[group]
                self.outlets[outlet].save()
            SourceRelay.objects.create(
                source=self.sources[3], outlet=self.outlets[0], cue="TASS said"
            )
            for claim, source, paragraph, speaker in [
                (0, 0, 0, 0),  # single source: TASS and RT are one owner's
                (0, 2, 0, -1),
                (1, 1, 0, 3),  # corroborated: Xinhua, and TASS relayed by Pravda.ru
                (1, 3, 0, -1),
                (2, 4, 0, -1),  # single source, AP; and a speculative pundit
                (2, 5, 1, 1),
            ]:
                self.apply(("add", claim, source, paragraph, "paraphrase", "supports", speaker, -1))

    def apply(self, edit):
        kind, *args = edit
        attributions = list(Attribution.objects.order_by("pk"))
        if kind == "add":
            claim, source, paragraph, att_kind, stance, speaker, relay = args
            claim, source = pick(self.claims, claim), pick(self.sources, source)
            source.refresh_from_db()
            quote = pick(source.body.split("\n\n"), paragraph)
            start = source.body.index(quote)
            if not Attribution.objects.filter(claim=claim, source=source, start=start).exists():
                Attribution.objects.create(
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
        elif kind in ("edit_stance", "edit_kind", "edit_relay", "edit_speaker"):
            attribution = pick(attributions, args[0])
            if attribution is None:
                return
            if kind == "edit_stance":
                attribution.stance = args[1]
            elif kind == "edit_kind":
                attribution.kind = args[1]
            elif kind == "edit_relay":
                attribution.relayed_via = pick(self.outlets, args[1])
            else:
                attribution.speaker = pick(self.actors, args[1])
            attribution.save()
        elif kind == "move":
            attribution = pick(attributions, args[0])
            claim = pick(self.claims, args[1])
            taken = Attribution.objects.filter(
                claim=claim,
                source_id=getattr(attribution, "source_id", None),
                start=getattr(attribution, "start", None),
            )
            if attribution is not None and not taken.exists():
                attribution.claim = claim
                attribution.save()
        elif kind == "delete":
            attribution = pick(attributions, args[0])
            if attribution is not None:
                attribution.delete()
        elif kind == "remove":
            attribution = pick(attributions, args[0])
            if attribution is not None and attribution.deleted_at is None:
                attribution.remove(None)
        elif kind == "source_outlet":
            source = pick(self.sources, args[0])
            source.refresh_from_db()
            source.outlet = pick(self.outlets, args[1])
            source.save()
        elif kind == "relay_add":
            source = pick(self.sources, args[0])
            source.refresh_from_db()
            # Mostly an outlet the text names, as real relays are; sometimes any outlet.
            named = [o for o in self.outlets if o.name in source.body]
            outlet = pick(named if named and args[1] % 4 else self.outlets, args[1])
            if not SourceRelay.objects.filter(source=source, outlet=outlet).exists():
                if args[3]:  # through the m2m manager, which sends m2m_changed
                    source.relays.add(outlet, through_defaults={"cue": args[2]})
                else:
                    SourceRelay.objects.create(source=source, outlet=outlet, cue=args[2])
        elif kind == "relay_remove":
            relay = pick(list(SourceRelay.objects.order_by("pk")), args[0])
            if relay is not None:
                relay.delete()
        elif kind == "owner_group":
            outlet = pick(self.outlets, args[0])
            outlet.refresh_from_db()
            outlet.owner_group = pick(list(OwnerGroup.objects.order_by("pk")), args[1])
            outlet.save()
        elif kind == "reliability":
            outlet = pick(self.outlets, args[0])
            outlet.refresh_from_db()
            outlet.reliability = args[1]
            outlet.save()
        elif kind == "delete_group":
            group = pick(list(OwnerGroup.objects.order_by("pk")), args[0])
            if group is not None:
                group.delete()
        elif kind == "actor_kind":
            actor = pick(self.actors, args[0])
            actor.kind = args[1]
            actor.save()

    def assert_stored_equals_full_recompute(self):
        fresh = status.evaluate(Claim.objects.values_list("pk", flat=True))
        stored = {
            pk: status.Result(*values)
            # Every stored field of the Result: status, grade, explanation, origin
            # count, outlet kinds and origin groups.
            for pk, *values in Claim.objects.values_list("pk", *status.Result._fields)
        }
        self.assertEqual(stored, fresh)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(edits, min_size=1, max_size=12), st.booleans())
    def test_stored_statuses_always_equal_a_full_recompute(self, sequence, deferred):
        self.build_world()
        if deferred:
            # Bulk mode: one recompute at the end of the block.
            with status.deferred():
                for edit in sequence:
                    self.apply(edit)
            self.assert_stored_equals_full_recompute()
        else:
            for edit in sequence:
                self.apply(edit)
                self.assert_stored_equals_full_recompute()
        self.assertEqual(status.recompute_all().changed, 0)
