"""A claim's provenance chain as W3C PROV-JSON (https://www.w3.org/Submission/prov-json/).

Served at /api/claims/<id>/prov. The chain is the one the claim page draws,
with the origins the status engine works out (stored on Claim.origin_groups,
read through claims.chain.origin_groups); only live attributions are evidence.

Entities
  claim:<fingerprint>          the claim statement (prov:value), with its status
  source:<content hash>        each article (title, url, date)
  attribution:<fp>:<hash>:<start>-<end>
                               each quote: the passage (prov:value), its kind,
                               stance and offsets; the same IRIs as the W3C
                               Web Annotation export (interchange.webanno)
  report:<outlet id>-<content hash>
                               what a relaying agency put out, that an article
                               passed on ("TASS said ...")
Agents
  actor:<id>                   speakers (prov:Person, or prov:Organization for
                               government bodies and agencies)
  outlet:<id>                  outlets and agencies (prov:Organization)
Relations
  wasAttributedTo              quote -> speaker; article -> its outlet;
                               report -> the relaying agency
  wasDerivedFrom               claim -> quote (with its stance);
                               quote -> article, typed prov:Quotation for a
                               direct quote, and prov:PrimarySource when the
                               article is the origin the engine counts;
                               article -> report, typed prov:PrimarySource when
                               the relaying agency is the counted origin
  actedOnBehalfOf              the article's outlet -> the agency it relays
"""

from claims.chain import origin_groups
from claims.models import Actor, Attribution
from interchange import webanno
from sources.models import SourceRelay

PREFIXES = {
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "provenance": "urn:provenance:vocab:",
    "claim": "urn:provenance:claim:",
    "source": "urn:provenance:source:",
    "attribution": "urn:provenance:attribution:",
    "report": "urn:provenance:report:",
    "actor": "urn:provenance:actor:",
    "outlet": "urn:provenance:outlet:",
}
QUOTATION = "prov:Quotation"
PRIMARY_SOURCE = "prov:PrimarySource"
ORGANISATION_KINDS = {Actor.Kind.GOVERNMENT_BODY, Actor.Kind.AGENCY}


def _qualified(value):
    return {"$": value, "type": "prov:QUALIFIED_NAME"}


def _date(value):
    return {"$": value.isoformat(), "type": "xsd:date"}


def relay_rows(claim):
    """(source id, outlet id, outlet name) of the relays of the claim's evidence (one query)."""
    return list(
        SourceRelay.objects.filter(source_id__in=claim.attributions.live().values("source_id"))
        .order_by("source_id", "id")
        .values_list("source_id", "outlet_id", "outlet__name")
    )


def load_chain(claim):
    """The claim's live attributions (with source, outlet, speaker, relay), the relays
    of their sources, and its origin groups as the engine stored them: two queries."""
    attributions = list(
        claim.attributions.live()
        .select_related("source__outlet__owner_group", "speaker", "relayed_via__owner_group")
        .defer("source__body", "source__original_text", "source__raw_html")
        .in_evidence_order()
    )
    relays = relay_rows(claim) if attributions else []
    return attributions, relays, origin_groups(claim)


def claim_attributes(claim):
    """The claim entity: its statement, stored status, grade, origin count and dates."""
    attributes = {
        "prov:type": _qualified("provenance:ClaimStatement"),
        "prov:value": claim.statement,
        "provenance:status": claim.status,
        "provenance:grade": claim.grade,
        "provenance:originCount": claim.origin_count,
    }
    if claim.verdict:
        attributes["provenance:verdict"] = claim.verdict
    if claim.event_start:
        attributes["provenance:eventStart"] = _date(claim.event_start)
    if claim.event_end:
        attributes["provenance:eventEnd"] = _date(claim.event_end)
    return attributes


def article_attributes(source):
    attributes = {
        "prov:type": _qualified("provenance:Article"),
        "prov:label": source.title or str(source),
    }
    if source.url:
        attributes["prov:location"] = source.url
    if source.published_on:
        attributes["provenance:published"] = _date(source.published_on)
    return attributes


def quote_attributes(attribution):
    return {
        "prov:type": _qualified("provenance:Quote"),
        "prov:value": attribution.quote,
        "provenance:kind": attribution.kind,
        "provenance:stance": attribution.stance,
        "provenance:start": attribution.start,
        "provenance:end": attribution.end,
    }


def speaker_attributes(actor):
    kind = "prov:Organization" if actor.kind in ORGANISATION_KINDS else "prov:Person"
    attributes = {"prov:type": _qualified(kind), "prov:label": actor.name}
    if actor.role:
        attributes["provenance:role"] = actor.role
    return attributes


class _Document:
    """PROV-JSON being built: records keyed by kind; relations numbered as added."""

    def __init__(self):
        self.data = {"prefix": dict(PREFIXES)}
        self._counter = 0

    def add(self, kind, identifier, attributes):
        self.data.setdefault(kind, {}).setdefault(identifier, attributes)

    def relate(self, kind, attributes):
        self._counter += 1
        self.data.setdefault(kind, {})[f"_:{kind}{self._counter}"] = attributes

    def outlet_agent(self, outlet_id, name):
        identifier = f"outlet:{outlet_id}"
        self.add(
            "agent", identifier, {"prov:type": _qualified("prov:Organization"), "prov:label": name}
        )
        return identifier


class _ChainDocument(_Document):
    """One claim's chain: the claim, then each attribution's article, quote, speaker and relay.

    `groups` are the claim's stored origin groups: an attribution in a counted group
    is an origin (prov:PrimarySource), on its article or, when a relaying agency is the
    counted origin, on the agency's report.
    """

    def __init__(self, claim, relays, groups):
        super().__init__()
        self.claim = claim
        self.claim_id = f"claim:{claim.fingerprint}"
        self.counted = {
            pk for group in groups if group.side != "uncounted" for pk in group.ids
        }  # the attribution ids the engine counts as origins
        self.via = {pk: name for group in groups for pk, name in group.via.items()}
        self.relay_ids = {(row[0], row[2]): row[1] for row in relays}  # (source, name) -> id
        self.add("entity", self.claim_id, claim_attributes(claim))

    def add_evidence(self, attribution):
        source_id = self.add_article(attribution.source)
        quote_id = self.add_quote(attribution)
        if attribution.speaker_id:
            actor_id = f"actor:{attribution.speaker.pk}"
            self.add("agent", actor_id, speaker_attributes(attribution.speaker))
            self.relate("wasAttributedTo", {"prov:entity": quote_id, "prov:agent": actor_id})
        self.relate(
            "wasDerivedFrom",
            {
                "prov:generatedEntity": self.claim_id,
                "prov:usedEntity": quote_id,
                "provenance:stance": attribution.stance,
            },
        )
        relay_outlet = self.relay_outlet(attribution)
        self.relate(
            "wasDerivedFrom", self.quote_derivation(attribution, quote_id, source_id, relay_outlet)
        )
        if relay_outlet is not None:
            self.add_report(attribution, source_id, relay_outlet)

    def add_article(self, source):
        source_id = f"source:{source.content_hash}"
        self.add("entity", source_id, article_attributes(source))
        if source.outlet_id:
            outlet_id = self.outlet_agent(source.outlet_id, source.outlet.name)
            self.relate("wasAttributedTo", {"prov:entity": source_id, "prov:agent": outlet_id})
        return source_id

    def add_quote(self, attribution):
        quote_id = "attribution:" + webanno.attribution_iri(
            self.claim.fingerprint,
            attribution.source.content_hash,
            attribution.start,
            attribution.end,
        ).removeprefix(PREFIXES["attribution"])
        self.add("entity", quote_id, quote_attributes(attribution))
        return quote_id

    def relay_outlet(self, attribution):
        """The id of the relaying agency the engine names for `attribution`, or None."""
        relayed_name = self.via.get(attribution.pk)
        if relayed_name is None:
            return None
        if attribution.relayed_via_id and attribution.relayed_via.name == relayed_name:
            return attribution.relayed_via_id
        return self.relay_ids.get((attribution.source.pk, relayed_name))

    def quote_derivation(self, attribution, quote_id, source_id, relay_outlet):
        types = []
        if attribution.kind == Attribution.Kind.DIRECT_QUOTE:
            types.append(_qualified(QUOTATION))
        if attribution.pk in self.counted and relay_outlet is None:
            types.append(_qualified(PRIMARY_SOURCE))
        derivation = {"prov:generatedEntity": quote_id, "prov:usedEntity": source_id}
        if types:
            derivation["prov:type"] = types[0] if len(types) == 1 else types
        return derivation

    def add_report(self, attribution, source_id, relay_outlet):
        """The agency's report the article passed on, attributed to the agency."""
        source = attribution.source
        relayed_name = self.via[attribution.pk]
        agency_id = self.outlet_agent(relay_outlet, relayed_name)
        report_id = f"report:{relay_outlet}-{source.content_hash}"
        self.add(
            "entity",
            report_id,
            {
                "prov:type": _qualified("provenance:AgencyReport"),
                "prov:label": f"{relayed_name}, as relayed in “{source.title or source}”",
            },
        )
        self.relate("wasAttributedTo", {"prov:entity": report_id, "prov:agent": agency_id})
        relay_derivation = {"prov:generatedEntity": source_id, "prov:usedEntity": report_id}
        if attribution.pk in self.counted:
            relay_derivation["prov:type"] = _qualified(PRIMARY_SOURCE)
        self.relate("wasDerivedFrom", relay_derivation)
        if source.outlet_id and source.outlet_id != relay_outlet:
            self.relate(
                "actedOnBehalfOf",
                {"prov:delegate": f"outlet:{source.outlet_id}", "prov:responsible": agency_id},
            )

    def finish(self):
        for kind in ("wasAttributedTo", "wasDerivedFrom", "actedOnBehalfOf"):
            if kind in self.data:
                self.data[kind] = _unique(self.data[kind])
        return self.data


def document(claim, attributions, relays, groups):
    """The PROV-JSON document (a dict) of `claim`'s chain, from load_chain()'s results."""
    doc = _ChainDocument(claim, relays, groups)
    for attribution in attributions:
        doc.add_evidence(attribution)
    return doc.finish()


def _unique(relations):
    """The relations without repeats, renumbered in order (the same article twice, say)."""
    kind = next(iter(relations)).split(":")[1].rstrip("0123456789") if relations else ""
    seen, unique = set(), {}
    for attributes in relations.values():
        key = repr(sorted(attributes.items(), key=lambda item: item[0]))
        if key not in seen:
            seen.add(key)
            unique[f"_:{kind}{len(unique) + 1}"] = attributes
    return unique


def for_claim(claim):
    """The PROV-JSON document of `claim`: two queries."""
    return document(claim, *load_chain(claim))
