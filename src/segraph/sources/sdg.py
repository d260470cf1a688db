"""The SDG goals and targets (own short labels, sv/en) and the importer for the UN SDG KOS dump."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from segraph.namespaces import ID, SDGO, SEG, UNSDG, bind_prefixes
from segraph.sources.rdf_files import SourceError, parse_rdf_file

SCHEME = URIRef(str(ID) + "sdg")


def goal_iri(notation: str) -> URIRef:
    return ID[f"sdg/goal/{notation}"]


def target_iri(notation: str) -> URIRef:
    return ID[f"sdg/target/{notation}"]


def indicator_iri(notation: str) -> URIRef:
    return ID[f"sdg/indicator/{notation}"]


def sdg_graph(path: Path) -> Graph:
    """Goals and targets from the project's label table (``kind,notation,label_en,label_sv``)."""
    graph = bind_prefixes(Graph())
    graph.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    for lang, title, description in (
        ("en", "Sustainable Development Goals and targets",
         "The 17 goals and 169 targets of the 2030 Agenda, with short labels written for "
         "segraph and links to the UN SDG Knowledge Organization System."),
        ("sv", "De globala målen för hållbar utveckling och deras delmål",
         "Agenda 2030:s 17 mål och 169 delmål, med korta benämningar skrivna för segraph och "
         "länkar till FN:s kunskapsorganisationssystem för målen (SDG KOS)."),
    ):
        graph.add((SCHEME, SKOS.prefLabel, Literal(title, lang=lang)))
        graph.add((SCHEME, DCTERMS.title, Literal(title, lang=lang)))
        graph.add((SCHEME, DCTERMS.description, Literal(description, lang=lang)))
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        expected = ["kind", "notation", "label_en", "label_sv"]
        if reader.fieldnames != expected:
            raise SourceError(f"{path}:1: header must be {','.join(expected)}")
        for line, row in enumerate(reader, start=2):
            kind, notation = row["kind"], row["notation"]
            if kind == "goal":
                node, cls, un = goal_iri(notation), SEG.SDGGoal, UNSDG[notation]
                graph.add((SCHEME, SKOS.hasTopConcept, node))
                graph.add((node, SKOS.topConceptOf, SCHEME))
            elif kind == "target":
                goal = notation.split(".")[0]
                node, cls, un = target_iri(notation), SEG.SDGTarget, UNSDG[notation]
                graph.add((node, SKOS.broader, goal_iri(goal)))
                graph.add((goal_iri(goal), SKOS.narrower, node))
                graph.add((node, SEG.targetOfGoal, goal_iri(goal)))
            else:
                raise SourceError(f"{path}:{line}: kind must be goal or target, not {kind!r}")
            graph.add((node, RDF.type, cls))
            graph.add((node, RDF.type, SKOS.Concept))
            graph.add((node, SKOS.inScheme, SCHEME))
            graph.add((node, SKOS.notation, Literal(notation)))
            graph.add((node, SKOS.exactMatch, un))
            for lang in ("en", "sv"):
                label = row[f"label_{lang}"].strip()
                if not label:
                    raise SourceError(f"{path}:{line}: label_{lang} is empty")
                graph.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
    return graph


UN_LANGS = ("en", "fr", "es")


def sdg_kos_graph(path: Path) -> Graph:
    """Convert the UN SDG KOS RDF dump into segraph terms.

    Adds the UN's official titles (en/fr/es) of goals and targets as ``seg:officialTitle`` to
    segraph's own SDG resources, and the indicators as ``seg:SDGIndicator`` resources linked to
    their targets and to the UN IRIs.
    """
    source = parse_rdf_file(path)
    out = bind_prefixes(Graph())
    kinds = {SDGO.Goal: "goal", SDGO.Target: "target", SDGO.Indicator: "indicator"}
    found = {"goal": 0, "target": 0, "indicator": 0}
    for un_class, kind in kinds.items():
        for un in sorted(source.subjects(RDF.type, un_class)):
            notation = _compact_notation(source, un, kind)
            if notation is None:
                continue
            found[kind] += 1
            titles = [t for t in source.objects(un, SKOS.prefLabel)
                      if getattr(t, "language", None) in UN_LANGS]
            if kind == "goal":
                node = goal_iri(notation)
            elif kind == "target":
                node = target_iri(notation)
            else:
                node = indicator_iri(notation)
                target = notation.rsplit(".", 1)[0]
                out.add((node, RDF.type, SEG.SDGIndicator))
                out.add((node, RDF.type, SKOS.Concept))
                out.add((node, SKOS.inScheme, SCHEME))
                out.add((node, SKOS.notation, Literal(notation)))
                out.add((node, SKOS.exactMatch, un))
                out.add((node, SKOS.broader, target_iri(target)))
                out.add((target_iri(target), SKOS.narrower, node))
                out.add((node, SEG.indicatorOfTarget, target_iri(target)))
                for title in titles:
                    if title.language in ("en",):
                        out.add((node, SKOS.prefLabel, Literal(str(title).strip(), lang="en")))
            for title in titles:
                out.add((node, SEG.officialTitle, Literal(str(title).strip(),
                                                          lang=title.language)))
    if found["goal"] == 0 and found["target"] == 0:
        raise SourceError(f"{path}: no UN SDG goals or targets found "
                          f"(expected resources typed {SDGO.Goal} / {SDGO.Target})")
    return out


def _compact_notation(graph: Graph, node: URIRef, kind: str) -> str | None:
    for notation in graph.objects(node, SKOS.notation):
        if isinstance(notation, Literal) and notation.datatype == SDGO.SDGCodeCompact:
            return str(notation)
    text = str(node).removeprefix(str(UNSDG))
    if kind in ("goal", "target") and re.fullmatch(r"\d{1,2}(\.[0-9a-z]{1,2})?", text):
        return text
    return None


__all__ = ["sdg_graph", "sdg_kos_graph"]
