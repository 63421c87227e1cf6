"""Plain rows for the engine's pure core: outlets, articles and attributions, no database."""

from claims.engine.data import AttributionRow, RelayRow

# Outlet kind -> bit, as Claim.outlet_kinds numbers them (None: no known outlet).
KIND_BITS = {"wire": 1, "state_media": 2, "newspaper": 4, None: 8}


class Outlet:
    """An outlet as the rows describe it."""

    def __init__(self, pk, name, reliability=None, group=None, kind="newspaper"):
        self.pk, self.name, self.reliability, self.kind = pk, name, reliability, kind
        self.group_id, self.group_name = group if group else (None, None)

    def fields(self):
        return (self.pk, self.name, self.group_id, self.group_name, self.reliability)


class Rows:
    """Builds attribution and relay rows; ids are given out in order."""

    def __init__(self):
        self.attributions = []
        self.relays = []
        self._next_id = 0

    def attribution(
        self,
        claim_id,
        source_id,
        quote="The talks went well",
        *,
        outlet=None,
        start=0,
        kind="paraphrase",
        stance="supports",
        speaker=None,
        speaker_kind="official",
        role="",
        relayed_via=None,
        title="",
    ):
        self._next_id += 1
        own = outlet.fields() if outlet else (None,) * 5
        via = relayed_via.fields() if relayed_via else (None,) * 5
        row = AttributionRow(
            claim_id,
            self._next_id,
            source_id,
            start,
            start + len(quote),
            quote,
            kind,
            stance,
            speaker,
            speaker_kind if speaker else None,
            role if speaker else None,
            *via,
            *own,
            title,
            outlet.kind if outlet else None,
        )
        self.attributions.append(row)
        return row

    def relay(self, source_id, outlet, cue=""):
        self.relays.append(RelayRow(source_id, outlet.pk, cue, *outlet.fields()[1:]))
