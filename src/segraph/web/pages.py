"""What a resource page shows beyond its own triples, per kind of resource.

A resource's kind comes from its ``rdf:type``. Each kind has one SELECT that gathers, in one
round trip, the facts its page lays out: a municipality's county, FA region, collaboration
set-up, enterprises and agreements; a challenge's SKOS neighbourhood, SDG targets and
enterprises; and so on. Every row names its ``?section`` and ``?item``; further columns carry
details (``?kind``, ``?year``, ``?value``, ``?date``, ``?count``, ``?text``) and
``?other`` links that an item can have several of. ``?this`` is the resource; it is bound by
substitution, so no IRI is written into the query text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from segraph.executor import QueryRequest
from segraph.namespaces import PREFIXES, SEG

if TYPE_CHECKING:
    from segraph.web import Segraph

# Most specific first: a work-integration social enterprise is also a social enterprise.
KINDS: tuple[tuple[str, str], ...] = (
    (str(SEG.DevelopmentNetwork), "network"),
    (str(SEG.Municipality), "municipality"),
    (str(SEG.County), "county"),
    (str(SEG.LabourMarketRegion), "fa-region"),
    (str(SEG.SocietalChallenge), "challenge"),
    (str(SEG.SDGGoal), "goal"),
    (str(SEG.SDGTarget), "target"),
    (str(SEG.SocialEnterprise), "enterprise"),
    (str(SEG.Agreement), "agreement"),
)

COLUMNS = "?this ?section ?item ?kind ?year ?value ?date ?count ?text ?other"

WHERE = {
    "municipality": """
  { BIND("county" AS ?section) ?this seg:inCounty ?item }
  UNION { BIND("fa-region" AS ?section) ?this seg:inLabourMarketRegion ?item }
  UNION { BIND("political" AS ?section) ?this seg:politicalResponsibility ?item
          OPTIONAL { ?item seg:unitKind ?kind } }
  UNION { BIND("officer" AS ?section) ?this seg:officerResponsibility ?item
          OPTIONAL { ?item seg:unitKind ?kind } }
  UNION { BIND("structure" AS ?section) ?this seg:hasCollaborationStructure ?item
          OPTIONAL { ?item seg:spansOperationalArea ?other } }
  UNION { BIND("policy" AS ?section) ?this seg:hasPolicyDocument ?item
          OPTIONAL { ?item seg:policyKind ?kind } OPTIONAL { ?item dcterms:issued ?date }
          OPTIONAL { ?item seg:linkedToSDG ?other } }
  UNION { BIND("forum" AS ?section) ?this seg:hasDialogueForum ?item
          OPTIONAL { ?item dcterms:description ?text } }
  UNION { BIND("count" AS ?section) ?this seg:hasEnterpriseCount ?item .
          ?item seg:refDate ?date ; seg:enterpriseCount ?count }
  UNION { BIND("challenge" AS ?section) ?this seg:facesChallenge ?item }
  UNION { BIND("seated" AS ?section) ?item seg:seatMunicipality ?this
          OPTIONAL { ?item seg:legalForm ?kind } OPTIONAL { ?item seg:addressesChallenge ?other } }
  UNION { BIND("operating" AS ?section) ?item seg:operatesIn ?this
          OPTIONAL { ?item seg:seatMunicipality ?other } }
  UNION { BIND("agreement" AS ?section) ?item seg:municipalityParty ?this
          OPTIONAL { ?item seg:agreementKind ?kind } OPTIONAL { ?item seg:year ?year }
          OPTIONAL { ?item seg:valueSEK ?value } OPTIONAL { ?item seg:enterpriseParty ?other } }
  UNION { BIND("network" AS ?section) ?item seg:participant ?this }
""",
    "county": """
  { BIND("member" AS ?section) ?item seg:inCounty ?this }
  UNION { BIND("enterprise" AS ?section) ?item seg:seatMunicipality ?other .
          ?other seg:inCounty ?this }
""",
    "fa-region": """
  { BIND("member" AS ?section) ?item seg:inLabourMarketRegion ?this
    OPTIONAL { ?item seg:inCounty ?other } }
  UNION { BIND("enterprise" AS ?section) ?item seg:seatMunicipality ?other .
          ?other seg:inLabourMarketRegion ?this }
""",
    "challenge": """
  { BIND("broader" AS ?section) ?this skos:broader ?item }
  UNION { BIND("narrower" AS ?section) ?this skos:narrower ?item }
  UNION { BIND("related" AS ?section) ?this skos:related ?item }
  UNION { BIND("scheme" AS ?section) ?this skos:inScheme ?item }
  UNION { BIND("target" AS ?section) ?this seg:relatedSDGTarget ?item
          OPTIONAL { ?item seg:targetOfGoal ?other } }
  UNION { BIND("enterprise" AS ?section) ?item seg:addressesChallenge ?this
          OPTIONAL { ?item seg:seatMunicipality ?other } }
  UNION { BIND("municipality" AS ?section) ?item seg:facesChallenge ?this }
  UNION { BIND("agreement" AS ?section) ?item seg:servesChallenge ?this
          OPTIONAL { ?item seg:year ?year } OPTIONAL { ?item seg:municipalityParty ?other } }
""",
    "goal": """
  { BIND("target" AS ?section) ?item seg:targetOfGoal ?this }
  UNION { BIND("challenge" AS ?section) ?item seg:relatedSDGTarget ?other .
          ?other seg:targetOfGoal ?this }
  UNION { BIND("enterprise" AS ?section) ?item seg:contributesToSDGGoal ?this }
  UNION { BIND("policy" AS ?section) ?item seg:linkedToSDG ?this }
""",
    "target": """
  { BIND("goal" AS ?section) ?this seg:targetOfGoal ?item }
  UNION { BIND("indicator" AS ?section) ?item seg:indicatorOfTarget ?this }
  UNION { BIND("challenge" AS ?section) ?item seg:relatedSDGTarget ?this }
  UNION { BIND("enterprise" AS ?section) ?item seg:contributesToSDGTarget ?this }
  UNION { BIND("policy" AS ?section) ?item seg:linkedToSDG ?this }
""",
    "network": """
  { BIND("participant" AS ?section) ?this seg:participant ?item
    OPTIONAL { ?item seg:inCounty ?other } }
  UNION { BIND("organiser" AS ?section) ?this seg:organiser ?item }
  UNION { BIND("funder" AS ?section) ?this seg:fundedBy ?item }
  UNION { BIND("basis" AS ?section) ?this seg:buildsOn ?item
          OPTIONAL { ?item a ?kind FILTER(?kind IN (seg:Handbook, seg:Report, seg:Film)) }
          OPTIONAL { ?item dcterms:issued ?date } }
  UNION { BIND("document" AS ?section)
          { ?this seg:producedDocument ?item } UNION { ?item prov:wasGeneratedBy ?this }
          OPTIONAL { ?item a ?kind FILTER(?kind IN (seg:Handbook, seg:Report, seg:Film)) }
          OPTIONAL { ?item dcterms:issued ?date } }
  UNION { BIND("outcome" AS ?section) ?this seg:hasOutcome ?item
          OPTIONAL { ?item dcterms:description ?text } OPTIONAL { ?item seg:prevalence ?kind } }
""",
    "enterprise": """
  { BIND("seat" AS ?section) ?this seg:seatMunicipality ?item
    OPTIONAL { ?item seg:inCounty ?other } }
  UNION { BIND("operates" AS ?section) ?this seg:operatesIn ?item }
  UNION { BIND("legal-form" AS ?section) ?this seg:legalForm ?item }
  UNION { BIND("activity" AS ?section) ?this seg:activityType ?item }
  UNION { BIND("target-group" AS ?section) ?this seg:targetGroup ?item }
  UNION { BIND("challenge" AS ?section) ?this seg:addressesChallenge ?item }
  UNION { BIND("target" AS ?section) ?this seg:contributesToSDGTarget ?item }
  UNION { BIND("agreement" AS ?section) ?item seg:enterpriseParty ?this
          OPTIONAL { ?item seg:agreementKind ?kind } OPTIONAL { ?item seg:year ?year }
          OPTIONAL { ?item seg:valueSEK ?value } OPTIONAL { ?item seg:municipalityParty ?other } }
""",
    "agreement": """
  { BIND("kind" AS ?section) ?this seg:agreementKind ?item }
  UNION { BIND("municipality" AS ?section) ?this seg:municipalityParty ?item
          OPTIONAL { ?item seg:inCounty ?other } }
  UNION { BIND("enterprise" AS ?section) ?this seg:enterpriseParty ?item
          OPTIONAL { ?item seg:legalForm ?kind } }
  UNION { BIND("challenge" AS ?section) ?this seg:servesChallenge ?item
          OPTIONAL { ?item seg:relatedSDGTarget ?other } }
""",
}

# Which map a kind's page draws, which sections mark areas on it (section -> CSS class; with
# ".others", the section's other links rather than its items), and the legend of those marks
# (CSS class, Swedish, English).
MAPS: dict[str, tuple[str, dict[str, str], tuple[tuple[str, str, str], ...]]] = {
    "municipality": ("municipality", {"self": "hl"}, ()),
    "county": ("county", {"self": "hl"}, ()),
    "fa-region": ("fa-region", {"self": "hl"}, ()),
    "network": ("municipality", {"participant": "hl"},
                (("hl", "deltagande kommun", "participating municipality"),)),
    "challenge": ("municipality", {"municipality": "hl", "enterprise.others": "also"},
                  (("hl", "kommun som har identifierat utmaningen",
                    "municipality that has identified the challenge"),
                   ("also", "säte för ett företag som arbetar med den",
                    "seat of an enterprise working on it"))),
    "enterprise": ("municipality", {"seat": "hl", "operates": "also"},
                   (("hl", "säte", "seat"), ("also", "verkar också här", "also active here"))),
}


def kind_of(types: set[str]) -> str | None:
    """The page kind of a resource with these ``rdf:type`` IRIs, if it has one."""
    return next((kind for cls, kind in KINDS if cls in types), None)


def query_text(kind: str, iri: str | None = None) -> str:
    """The kind's query; with ``iri``, the same query as a reader can run it on /sparql."""
    body = WHERE[kind]
    if iri is not None:
        body = f"\n  VALUES ?this {{ <{iri}> }}" + body
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()
                       if re.search(rf"\b{p}:", body))
    return f"{prologue}SELECT DISTINCT {COLUMNS} WHERE {{{body}}}"


def rows_for(state: Segraph, kind: str, iri: str) -> list[dict[str, dict[str, str]]]:
    """The kind query's rows for ``iri`` (SPARQL JSON bindings)."""
    job = QueryRequest(query=query_text(kind), media_type="application/sparql-results+json",
                       substitutions={"this": ox.NamedNode(iri)})
    answer = state.runner.run(job, float(state.settings["query_timeout"]))
    return json.loads(answer.body)["results"]["bindings"]


def iris_in(rows: list[dict[str, dict[str, str]]]) -> set[str]:
    return {cell["value"] for row in rows for var, cell in row.items()
            if cell["type"] == "uri" and var != "this"}


@dataclass
class Entry:
    """One item of a section: a link, its details, and the links it has several of."""

    item: dict[str, str]
    details: dict[str, Any] = field(default_factory=dict)
    others: list[dict[str, str]] = field(default_factory=list)


def sort_key(text: str) -> tuple:
    """Natural order: 8.2 before 8.10, 0114 before 1283."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text) if part)


def sections(rows: list[dict[str, dict[str, str]]], show: Callable[[dict], dict],
             lang: str) -> dict[str, list[Entry]]:
    """Rows grouped by section and item; literal details in ``lang`` where there is a choice."""
    grouped: dict[str, dict[str, Entry]] = {}
    ranks: dict[tuple[str, str, str], int] = {}
    for row in rows:
        section, item = row["section"]["value"], row["item"]["value"]
        entry = grouped.setdefault(section, {}).get(item)
        if entry is None:
            entry = grouped[section][item] = Entry(item=show(row["item"]))
        for var, cell in row.items():
            if var in ("this", "section", "item"):
                continue
            if var == "other":
                shown = show(cell)
                if shown not in entry.others:
                    entry.others.append(shown)
                continue
            rank = {lang: 0, "": 1}.get(cell.get("xml:lang", ""), 2)
            if rank < ranks.get((section, item, var), 3):
                ranks[(section, item, var)] = rank
                entry.details[var] = show(cell) if cell["type"] == "uri" else cell["value"]
    result = {}
    for section, entries in grouped.items():
        for entry in entries.values():
            entry.others.sort(key=lambda link: sort_key(link["text"]))
        result[section] = sorted(entries.values(), key=lambda e: sort_key(e.item["text"]))
    return result


def marked_areas(kind: str, iri: str, found: dict[str, list[Entry]]) -> dict[str, str]:
    """IRI -> CSS class of the areas the page's map marks."""
    marks: dict[str, str] = {}
    for spec, css in MAPS[kind][1].items() if kind in MAPS else ():
        if spec == "self":
            marks[iri] = css
        section, _, part = spec.partition(".")
        for entry in found.get(section, []):
            for link in entry.others if part == "others" else [entry.item]:
                if link.get("iri"):
                    marks.setdefault(link["iri"], css)
    return marks
