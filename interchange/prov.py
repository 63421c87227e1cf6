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


class _Document:
    def __init__(self):
        self.data = {"prefix": dict(PREFIXES)}
        self._counter = 0

    def add(self, kind, identifier, attributes):
        self.data.setdefault(kind, {}).setdefault(identifier, attributes)

    def relate(self, kind, attributes):
        self._counter += 1
        self.data.setdefault(kind, {})[f"_:{kind}{self._counter}"] = attributes


def _outlet_agent(doc, outlet_id, name):
    identifier = f"outlet:{outlet_id}"
    doc.add("agent", identifier, {"prov:type": _qualified("prov:Organization"), "prov:label": name})
    return identifier


def document(claim, attributions, relays, groups):
    """The PROV-JSON document (a dict) of `claim`'s chain, from load_chain()'s results."""
    doc = _Document()
    claim_id = f"claim:{claim.fingerprint}"
    claim_attributes = {
        "prov:type": _qualified("provenance:ClaimStatement"),
        "prov:value": claim.statement,
        "provenance:status": claim.status,
        "provenance:grade": claim.grade,
        "provenance:originCount": claim.origin_count,
    }
    if claim.verdict:
        claim_attributes["provenance:verdict"] = claim.verdict
    if claim.event_start:
        claim_attributes["provenance:eventStart"] = _date(claim.event_start)
    if claim.event_end:
        claim_attributes["provenance:eventEnd"] = _date(claim.event_end)
    doc.add("entity", claim_id, claim_attributes)

    counted = {}  # attribution id -> origin label, for the counted ones
    for group in groups:
        if group.side != "uncounted":
            for pk in group.ids:
                counted[pk] = group.label
    via = {pk: name for group in groups for pk, name in group.via.items()}
    relay_ids = {(row[0], row[2]): row[1] for row in relays}  # (source, outlet name) -> id

    for attribution in attributions:
        source = attribution.source
        source_id = f"source:{source.content_hash}"
        source_attributes = {
            "prov:type": _qualified("provenance:Article"),
            "prov:label": source.title or str(source),
        }
        if source.url:
            source_attributes["prov:location"] = source.url
        if source.published_on:
            source_attributes["provenance:published"] = _date(source.published_on)
        doc.add("entity", source_id, source_attributes)
        if source.outlet_id:
            outlet_id = _outlet_agent(doc, source.outlet_id, source.outlet.name)
            doc.relate("wasAttributedTo", {"prov:entity": source_id, "prov:agent": outlet_id})

        quote_id = "attribution:" + webanno.attribution_iri(
            claim.fingerprint, source.content_hash, attribution.start, attribution.end
        ).removeprefix(PREFIXES["attribution"])
        doc.add(
            "entity",
            quote_id,
            {
                "prov:type": _qualified("provenance:Quote"),
                "prov:value": attribution.quote,
                "provenance:kind": attribution.kind,
                "provenance:stance": attribution.stance,
                "provenance:start": attribution.start,
                "provenance:end": attribution.end,
            },
        )
        if attribution.speaker_id:
            actor = attribution.speaker
            kind = "prov:Organization" if actor.kind in ORGANISATION_KINDS else "prov:Person"
            actor_id = f"actor:{actor.pk}"
            actor_attributes = {"prov:type": _qualified(kind), "prov:label": actor.name}
            if actor.role:
                actor_attributes["provenance:role"] = actor.role
            doc.add("agent", actor_id, actor_attributes)
            doc.relate("wasAttributedTo", {"prov:entity": quote_id, "prov:agent": actor_id})

        derivation = {
            "prov:generatedEntity": claim_id,
            "prov:usedEntity": quote_id,
            "provenance:stance": attribution.stance,
        }
        doc.relate("wasDerivedFrom", derivation)

        relayed_name = via.get(attribution.pk)
        relay_outlet = None
        if relayed_name is not None:
            if attribution.relayed_via_id and attribution.relayed_via.name == relayed_name:
                relay_outlet = attribution.relayed_via_id
            else:
                relay_outlet = relay_ids.get((source.pk, relayed_name))
        types = []
        if attribution.kind == Attribution.Kind.DIRECT_QUOTE:
            types.append(_qualified(QUOTATION))
        if attribution.pk in counted and relay_outlet is None:
            types.append(_qualified(PRIMARY_SOURCE))
        quote_from = {"prov:generatedEntity": quote_id, "prov:usedEntity": source_id}
        if types:
            quote_from["prov:type"] = types[0] if len(types) == 1 else types
        doc.relate("wasDerivedFrom", quote_from)

        if relay_outlet is not None:
            agency_id = _outlet_agent(doc, relay_outlet, relayed_name)
            report_id = f"report:{relay_outlet}-{source.content_hash}"
            doc.add(
                "entity",
                report_id,
                {
                    "prov:type": _qualified("provenance:AgencyReport"),
                    "prov:label": f"{relayed_name}, as relayed in “{source.title or source}”",
                },
            )
            doc.relate("wasAttributedTo", {"prov:entity": report_id, "prov:agent": agency_id})
            relay_derivation = {"prov:generatedEntity": source_id, "prov:usedEntity": report_id}
            if attribution.pk in counted:
                relay_derivation["prov:type"] = _qualified(PRIMARY_SOURCE)
            doc.relate("wasDerivedFrom", relay_derivation)
            if source.outlet_id and source.outlet_id != relay_outlet:
                doc.relate(
                    "actedOnBehalfOf",
                    {"prov:delegate": f"outlet:{source.outlet_id}", "prov:responsible": agency_id},
                )
    for kind in ("wasAttributedTo", "wasDerivedFrom", "actedOnBehalfOf"):
        if kind in doc.data:
            doc.data[kind] = _unique(doc.data[kind])
    return doc.data


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
