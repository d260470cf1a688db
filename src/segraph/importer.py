"""``segraph import``: converted outside sources become named graphs of their own.

An import is kept under ``var/imports/NAME.ttl`` (with its provenance in ``NAME.meta.ttl``), so
every later build includes it, and is loaded into the built store at once when there is one.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from segraph.namespaces import GRAPH, bind_prefixes, graph_iri
from segraph.settings import Paths
from segraph.sources.sdg import sdg_kos_graph

UN_SDG_KOS = URIRef("http://metadata.un.org/sdg")
UN_SDG_KOS_CITATION = (
    "Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge "
    "Organization System for the United Nations Sustainable Development Goals. New York, NY. "
    "http://metadata.un.org/sdg"
)


def _provenance(name: str, file: Path, triples: int) -> Graph:
    node = graph_iri(name)
    activity = URIRef(f"{node}#import")
    used = URIRef(f"{node}#input-file")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    meta = bind_prefixes(Graph())
    meta.add((node, RDF.type, PROV.Entity))
    meta.add((node, DCTERMS.title,
              Literal("UN SDG KOS: official titles and indicators", lang="en")))
    meta.add((node, DCTERMS.title, Literal("FN:s SDG KOS: officiella titlar och indikatorer",
                                           lang="sv")))
    meta.add((node, DCTERMS.description, Literal(
        "The UN's official titles (en/fr/es) of the goals and targets, and the indicators, "
        "converted by `segraph import sdg-kos` from a copy of the UN SDG KOS RDF dump.",
        lang="en")))
    meta.add((node, DCTERMS.source, UN_SDG_KOS))
    meta.add((node, PROV.wasDerivedFrom, UN_SDG_KOS))
    meta.add((node, DCTERMS.bibliographicCitation, Literal(UN_SDG_KOS_CITATION)))
    meta.add((node, PROV.wasGeneratedBy, activity))
    meta.add((activity, RDF.type, PROV.Activity))
    meta.add((activity, RDFS.label, Literal("segraph import sdg-kos", lang="en")))
    meta.add((activity, PROV.endedAtTime,
              Literal(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      datatype=XSD.dateTime)))
    meta.add((activity, PROV.used, used))
    meta.add((used, RDF.type, PROV.Entity))
    meta.add((used, RDFS.label, Literal(file.name)))
    meta.add((used, DCTERMS.identifier, Literal(f"sha256:{digest}")))
    meta.add((node, URIRef("http://rdfs.org/ns/void#triples"), Literal(triples)))
    return meta


def import_sdg_kos(paths: Paths, file: Path, *, engine: str = "turbo") -> str:
    """Convert the UN SDG KOS dump at ``file``, validate it, keep it and load it."""
    from segraph.build import canonical
    from segraph.sources import shapes_and_reference
    from segraph.validation import validate_graph

    graph = canonical(sdg_kos_graph(file))
    shapes, reference = shapes_and_reference(paths.project)
    report = validate_graph(graph, shapes, reference=reference, engine=engine)
    if not report.conforms:
        from segraph.sources import SourceError

        raise SourceError(f"{file}: the converted data breaks the shapes:\n{report.to_text()}")
    meta = _provenance("un-sdg-kos", file, len(graph))
    paths.imports.mkdir(parents=True, exist_ok=True)
    for target, content in ((paths.imports / "un-sdg-kos.ttl", graph),
                            (paths.imports / "un-sdg-kos.meta.ttl", meta)):
        tmp = target.with_suffix(".tmp")
        bind_prefixes(content).serialize(tmp, format="turtle")
        tmp.replace(target)
    loaded = ""
    if paths.store.is_dir():
        from segraph.store.embedded import EmbeddedStore

        store = EmbeddedStore(paths.store)
        store.replace_graph(str(graph_iri("un-sdg-kos")), graph,
                            metadata_graph=str(GRAPH["metadata"]), description=meta)
        store.close()
        loaded = f" and loaded into {paths.store}"
    indicators = len(set(graph.subjects(RDF.type, URIRef(
        "https://w3id.org/segraph/ontology#SDGIndicator"))))
    return (f"Imported {len(graph):,} triples ({indicators} indicators) into the named graph "
            f"<{graph_iri('un-sdg-kos')}>; kept in {paths.imports}{loaded}.")
