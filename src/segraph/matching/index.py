"""What matching needs from the graph, read once with in-process SPARQL into plain Python.

:meth:`GraphIndex.from_store` runs a handful of SELECT queries on a pyoxigraph store (the union
of its named graphs, asserted data only: nothing here depends on the reasoner, so a server's
``--data`` files are matched like the built graph) and keeps enterprises, municipalities,
challenges, SDG goals and targets, policies and agreements as small records indexed by IRI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import RDFS

from segraph.labels import best_label
from segraph.namespaces import SEG, sparql_prologue

Labels = dict[str, str]


@dataclass
class Challenge:
    iri: str
    labels: Labels = field(default_factory=dict)
    broader: set[str] = field(default_factory=set)
    narrower: set[str] = field(default_factory=set)
    targets: frozenset[str] = frozenset()


@dataclass
class SDGConcept:
    iri: str
    notation: str
    kind: str  # "goal" | "target"
    labels: Labels = field(default_factory=dict)
    goal: str | None = None  # a target's goal


@dataclass
class Policy:
    iri: str
    labels: Labels = field(default_factory=dict)
    sdg: set[str] = field(default_factory=set)


@dataclass
class Agreement:
    iri: str
    labels: Labels = field(default_factory=dict)
    municipalities: set[str] = field(default_factory=set)
    enterprises: set[str] = field(default_factory=set)
    challenges: set[str] = field(default_factory=set)


@dataclass
class Municipality:
    iri: str
    code: str
    labels: Labels = field(default_factory=dict)
    county: str | None = None
    fa_region: str | None = None
    faces: set[str] = field(default_factory=set)
    policies: set[str] = field(default_factory=set)
    agreements: set[str] = field(default_factory=set)


@dataclass
class Enterprise:
    iri: str
    labels: Labels = field(default_factory=dict)
    seat: str | None = None
    operates: set[str] = field(default_factory=set)
    challenges: frozenset[str] = frozenset()
    activities: set[str] = field(default_factory=set)
    target_groups: set[str] = field(default_factory=set)
    example: bool = False


label = best_label  # the label to show, by language (segraph.labels)


def _rows(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    result = store.query(sparql_prologue() + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    yield from result


def _put_label(labels: Labels, term: ox.Literal | None) -> None:
    """Keep one label per language (the smallest, so the choice does not depend on order)."""
    if isinstance(term, ox.Literal):
        lang = term.language or ""
        if lang not in labels or term.value < labels[lang]:
            labels[lang] = term.value


ENTERPRISE_PROPERTIES = {
    str(RDFS.label): "label",
    str(SEG.seatMunicipality): "seat",
    str(SEG.operatesIn): "operates",
    str(SEG.addressesChallenge): "challenge",
    str(SEG.activityType): "activity",
    str(SEG.targetGroup): "target_group",
    str(SEG.isExample): "example",
}

Q_ENTERPRISE_CLASSES = """
SELECT DISTINCT ?class WHERE { ?class rdfs:subClassOf* seg:SocialEnterprise }"""
Q_ENTERPRISES = """
SELECT ?e ?p ?o WHERE {{
  VALUES ?class {{ {classes} }}
  ?e a ?class .
  VALUES ?p {{ {properties} }}
  ?e ?p ?o
}}"""
Q_CHALLENGES = """
SELECT ?c ?p ?o WHERE {
  ?c a seg:SocietalChallenge .
  VALUES ?p { skos:prefLabel skos:broader skos:narrower seg:relatedSDGTarget }
  OPTIONAL { ?c ?p ?o }
}"""
Q_SDG = """
SELECT ?s ?kind ?notation ?label ?goal WHERE {
  VALUES ?kind { seg:SDGGoal seg:SDGTarget }
  ?s a ?kind ; skos:notation ?notation .
  OPTIONAL { ?s skos:prefLabel ?label }
  OPTIONAL { ?s seg:targetOfGoal ?goal }
}"""
Q_MUNICIPALITIES = """
SELECT ?m ?code ?label ?county ?fa WHERE {
  ?m a seg:Municipality ; seg:municipalityCode ?code .
  OPTIONAL { ?m rdfs:label ?label }
  OPTIONAL { ?m seg:inCounty ?county }
  OPTIONAL { ?m seg:inLabourMarketRegion ?fa }
}"""
Q_FACES = "SELECT ?m ?c WHERE { ?m seg:facesChallenge ?c }"
Q_POLICIES = """
SELECT ?m ?p ?label ?sdg WHERE {
  ?m seg:hasPolicyDocument ?p .
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p seg:linkedToSDG ?sdg }
}"""
Q_AGREEMENTS = """
SELECT ?a ?p ?o WHERE {
  ?a a seg:Agreement .
  VALUES ?p { rdfs:label seg:municipalityParty seg:enterpriseParty seg:servesChallenge }
  ?a ?p ?o
}"""
Q_AREA_LABELS = """
SELECT ?x ?label WHERE {
  VALUES ?class { seg:County seg:LabourMarketRegion }
  ?x a ?class ; rdfs:label ?label
}"""
Q_CONCEPT_LABELS = """
SELECT ?x ?label WHERE {
  VALUES ?class { seg:ActivityType seg:TargetGroup }
  ?x a ?class ; skos:prefLabel ?label
}"""


@dataclass
class GraphIndex:
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    sdg: dict[str, SDGConcept] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)
    labels: dict[str, Labels] = field(default_factory=dict)  # counties, FA regions, concepts
    by_code: dict[str, str] = field(default_factory=dict)  # kommunkod -> municipality IRI

    @classmethod
    def from_store(cls, store: ox.Store) -> GraphIndex:
        index = cls()
        index._read_challenges(store)
        index._read_sdg(store)
        index._read_municipalities(store)
        index._read_agreements(store)
        index._read_enterprises(store)
        for row in _rows(store, Q_AREA_LABELS):
            _put_label(index.labels.setdefault(row["x"].value, {}), row["label"])
        for row in _rows(store, Q_CONCEPT_LABELS):
            _put_label(index.labels.setdefault(row["x"].value, {}), row["label"])
        return index

    def _read_challenges(self, store: ox.Store) -> None:
        targets: dict[str, set[str]] = defaultdict(set)
        for row in _rows(store, Q_CHALLENGES):
            challenge = self.challenges.setdefault(row["c"].value, Challenge(row["c"].value))
            predicate, value = row["p"].value, row["o"]
            if value is None:
                continue
            if predicate.endswith("#prefLabel"):
                _put_label(challenge.labels, value)
            elif predicate.endswith("#broader"):
                challenge.broader.add(value.value)
            elif predicate.endswith("#narrower"):
                challenge.narrower.add(value.value)
            else:
                targets[challenge.iri].add(value.value)
        for iri, challenge in self.challenges.items():  # broader and narrower both ways
            challenge.targets = frozenset(targets[iri])
            for other in challenge.broader:
                if other in self.challenges:
                    self.challenges[other].narrower.add(iri)
            for other in challenge.narrower:
                if other in self.challenges:
                    self.challenges[other].broader.add(iri)
        for challenge in self.challenges.values():
            challenge.broader &= self.challenges.keys()
            challenge.narrower &= self.challenges.keys()

    def _read_sdg(self, store: ox.Store) -> None:
        for row in _rows(store, Q_SDG):
            iri = row["s"].value
            kind = "goal" if row["kind"].value.endswith("SDGGoal") else "target"
            concept = self.sdg.setdefault(iri, SDGConcept(iri, row["notation"].value, kind))
            _put_label(concept.labels, row["label"])
            if row["goal"] is not None:
                concept.goal = row["goal"].value

    def _read_municipalities(self, store: ox.Store) -> None:
        for row in _rows(store, Q_MUNICIPALITIES):
            iri = row["m"].value
            municipality = self.municipalities.setdefault(
                iri, Municipality(iri, row["code"].value))
            _put_label(municipality.labels, row["label"])
            if row["county"] is not None:
                municipality.county = row["county"].value
            if row["fa"] is not None:
                municipality.fa_region = row["fa"].value
            self.by_code[municipality.code] = iri
        for row in _rows(store, Q_FACES):
            if row["m"].value in self.municipalities:
                self.municipalities[row["m"].value].faces.add(row["c"].value)
        for row in _rows(store, Q_POLICIES):
            if row["m"].value not in self.municipalities:
                continue
            policy = self.policies.setdefault(row["p"].value, Policy(row["p"].value))
            self.municipalities[row["m"].value].policies.add(policy.iri)
            _put_label(policy.labels, row["label"])
            if row["sdg"] is not None:
                policy.sdg.add(row["sdg"].value)

    def _read_agreements(self, store: ox.Store) -> None:
        for row in _rows(store, Q_AGREEMENTS):
            agreement = self.agreements.setdefault(row["a"].value, Agreement(row["a"].value))
            predicate, value = row["p"].value, row["o"]
            if predicate.endswith("#label"):
                _put_label(agreement.labels, value)
            elif predicate.endswith("#municipalityParty"):
                agreement.municipalities.add(value.value)
            elif predicate.endswith("#enterpriseParty"):
                agreement.enterprises.add(value.value)
            else:
                agreement.challenges.add(value.value)
        for agreement in self.agreements.values():
            for iri in agreement.municipalities:
                if iri in self.municipalities:
                    self.municipalities[iri].agreements.add(agreement.iri)

    def _read_enterprises(self, store: ox.Store) -> None:
        found = {row["class"].value for row in _rows(store, Q_ENTERPRISE_CLASSES)}
        found |= {str(SEG.SocialEnterprise), str(SEG.WorkIntegrationSocialEnterprise)}
        classes = " ".join(f"<{iri}>" for iri in sorted(found))
        properties = " ".join(f"<{p}>" for p in ENTERPRISE_PROPERTIES)
        challenges: dict[str, set[str]] = defaultdict(set)
        enterprises = self.enterprises
        for row in _rows(store, Q_ENTERPRISES.format(classes=classes, properties=properties)):
            iri = row["e"].value
            enterprise = enterprises.get(iri)
            if enterprise is None:
                enterprise = enterprises[iri] = Enterprise(iri)
            kind, value = ENTERPRISE_PROPERTIES[row["p"].value], row["o"]
            if kind == "label":
                _put_label(enterprise.labels, value)
            elif kind == "seat":
                enterprise.seat = min(value.value, enterprise.seat or value.value)
            elif kind == "operates":
                enterprise.operates.add(value.value)
            elif kind == "challenge":
                challenges[iri].add(value.value)
            elif kind == "activity":
                enterprise.activities.add(value.value)
            elif kind == "target_group":
                enterprise.target_groups.add(value.value)
            elif kind == "example":
                enterprise.example = value.value == "true"
        for iri, enterprise in enterprises.items():
            enterprise.challenges = frozenset(challenges[iri])
            enterprise.operates.discard(enterprise.seat or "")

    # --- small helpers --------------------------------------------------------------------

    def name(self, iri: str, lang: str) -> str:
        """A display name for any IRI the index knows, in ``lang`` (else a short IRI tail)."""
        for table in (self.municipalities, self.enterprises, self.challenges, self.sdg,
                      self.policies, self.agreements):
            if iri in table:
                return label(table[iri].labels, lang, iri.rsplit("/", 1)[-1])
        return label(self.labels.get(iri, {}), lang, iri.rsplit("/", 1)[-1])

    def names(self, iri: str) -> Labels:
        return {lang: self.name(iri, lang) for lang in ("sv", "en")}
