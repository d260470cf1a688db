"""The linking vocabulary, read from the graph: challenges, SDG goals and targets, their words.

Everything comes from the served store by in-process SPARQL: labels (skos:prefLabel, altLabel,
hiddenLabel — the curated terms of graph/linking-terms), definitions, the UN's official titles
(seg:officialTitle, present once the UN SDG KOS is imported), and the relations used to pass
evidence on (seg:relatedSDGTarget, seg:targetOfGoal).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from segraph.labels import best_label
from segraph.namespaces import SEG, SKOS

KINDS = ("challenge", "goal", "target")
LABEL_SOURCES = ("prefLabel", "altLabel", "hiddenLabel")
TEXT_SOURCES = ("definition", "officialTitle")
LANGS = ("sv", "en")


@dataclass
class Concept:
    """A challenge, goal or target and everything the linker knows about it."""

    uri: str
    kind: str                                    # "challenge" | "goal" | "target"
    notation: str | None = None
    labels: dict[str, str] = field(default_factory=dict)          # lang -> prefLabel
    terms: list[tuple[str, str, str]] = field(default_factory=list)   # (text, source, lang)
    texts: list[tuple[str, str, str]] = field(default_factory=list)   # definitions, titles
    targets: list[str] = field(default_factory=list)     # challenge -> related SDG targets
    goal: str | None = None                              # target -> its goal
    broader: list[str] = field(default_factory=list)     # challenge -> broader challenges

    def label(self, lang: str) -> str:
        return best_label(self.labels, lang, self.notation or self.uri)


_CLASSES = {"challenge": SEG.SocietalChallenge, "goal": SEG.SDGGoal, "target": SEG.SDGTarget}
_PROPERTIES = {"prefLabel": SKOS.prefLabel, "altLabel": SKOS.altLabel,
               "hiddenLabel": SKOS.hiddenLabel, "definition": SKOS.definition,
               "officialTitle": SEG.officialTitle}

_TEXT_QUERY = """
SELECT DISTINCT ?c ?kind ?p ?o WHERE {
  VALUES (?class ?kind) { %s }
  VALUES ?p { %s }
  ?c a ?class ; ?p ?o .
  FILTER(isLiteral(?o))
}"""

_RELATION_QUERY = f"""
SELECT DISTINCT ?c ?p ?o WHERE {{
  VALUES ?p {{ <{SEG.relatedSDGTarget}> <{SEG.targetOfGoal}> <{SKOS.notation}>
              <{SKOS.broader}> }}
  {{ ?c a <{SEG.SocietalChallenge}> }} UNION {{ ?c a <{SEG.SDGTarget}> }}
  UNION {{ ?c a <{SEG.SDGGoal}> }}
  ?c ?p ?o .
}}"""


def _oxigraph(store: Any) -> ox.Store:
    """A pyoxigraph Store, also from segraph's EmbeddedStore wrapper."""
    return getattr(store, "oxigraph", store)


def _query(store: ox.Store, sparql: str) -> ox.QuerySolutions:
    return store.query(sparql, use_default_graph_as_union=True)  # type: ignore[return-value]


def load_concepts(store: Any) -> dict[str, Concept]:
    """Every challenge, goal and target in ``store`` with its words and relations, by IRI."""
    store = _oxigraph(store)
    concepts: dict[str, Concept] = {}
    classes = " ".join(f'(<{iri}> "{kind}")' for kind, iri in _CLASSES.items())
    properties = " ".join(f"<{iri}>" for iri in _PROPERTIES.values())
    by_property = {str(iri): name for name, iri in _PROPERTIES.items()}
    rows: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in _query(store, _TEXT_QUERY % (classes, properties)):
        uri, kind = row["c"].value, row["kind"].value
        concept = concepts.setdefault(uri, Concept(uri, kind))
        literal: ox.Literal = row["o"]  # type: ignore[assignment]
        source = by_property[row["p"].value]
        text = " ".join(literal.value.split())
        if not text:
            continue
        langs = [literal.language] if literal.language else list(LANGS)
        for lang in langs:
            if source == "prefLabel" and lang in LANGS:
                concept.labels[lang] = text
            rows[uri].append((text, source, lang))
    for uri, items in rows.items():
        concept = concepts[uri]
        for text, source, lang in sorted(set(items)):
            if lang not in LANGS:
                continue
            (concept.terms if source in LABEL_SOURCES else concept.texts).append(
                (text, source, lang))
    for row in _query(store, _RELATION_QUERY):
        concept = concepts.get(row["c"].value)
        if concept is None:
            continue
        prop, value = row["p"].value, row["o"].value
        if prop == str(SEG.relatedSDGTarget):
            concept.targets.append(value)
        elif prop == str(SEG.targetOfGoal):
            concept.goal = value
        elif prop == str(SKOS.broader):
            concept.broader.append(value)
        elif concept.notation is None or value < concept.notation:
            concept.notation = value
    for concept in concepts.values():
        concept.targets = sorted(set(concept.targets) & set(concepts))
        concept.broader = sorted(b for b in set(concept.broader)
                                 if b in concepts and concepts[b].kind == concept.kind)
        if concept.kind == "challenge":
            concept.notation = None
        if concept.goal is not None and concept.goal not in concepts:
            concept.goal = None
    return dict(sorted(concepts.items()))


__all__ = ["KINDS", "LABEL_SOURCES", "LANGS", "TEXT_SOURCES", "Concept", "load_concepts"]
