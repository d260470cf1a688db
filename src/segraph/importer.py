"""``segraph import``: converted outside sources become named graphs of their own.

An import is kept under ``var/imports/NAME.ttl`` (with its provenance in ``NAME.meta.ttl``), so
every later build includes it, and is loaded into the built store at once when there is one.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, VOID, XSD

from segraph.namespaces import GRAPH, OUTPUT_PREFIXES, bind_prefixes, graph_iri
from segraph.settings import Paths
from segraph.sources.sdg import sdg_kos_graph

UN_SDG_KOS = URIRef("http://metadata.un.org/sdg")
UN_SDG_KOS_CITATION = (
    "Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge "
    "Organization System for the United Nations Sustainable Development Goals. New York, NY. "
    "http://metadata.un.org/sdg"
)


def provenance(name: str, file: Path, triples: int, *, title: dict[str, str],
               description: dict[str, str], activity: str, source: URIRef | None = None,
               citation: str | None = None, rows: int | None = None,
               entities: int | None = None) -> Graph:
    """PROV-O/DCTERMS/VoID description of the named graph ``name`` made from ``file``: its
    title and description, the activity (``activity``, ended now) that used the file (name,
    SHA-256, and for a table the number of data rows), its size."""
    node = graph_iri(name)
    activity_node = URIRef(f"{node}#import")
    used = URIRef(f"{node}#input-file")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    meta = bind_prefixes(Graph())
    meta.add((node, RDF.type, PROV.Entity))
    for predicate, texts in ((DCTERMS.title, title), (DCTERMS.description, description)):
        for lang, text in sorted(texts.items()):
            meta.add((node, predicate, Literal(text, lang=lang)))
    if source is not None:
        meta.add((node, DCTERMS.source, source))
        meta.add((node, PROV.wasDerivedFrom, source))
    if citation:
        meta.add((node, DCTERMS.bibliographicCitation, Literal(citation)))
    meta.add((node, PROV.wasGeneratedBy, activity_node))
    meta.add((activity_node, RDF.type, PROV.Activity))
    meta.add((activity_node, RDFS.label, Literal(activity, lang="en")))
    meta.add((activity_node, PROV.endedAtTime,
              Literal(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      datatype=XSD.dateTime)))
    meta.add((activity_node, PROV.used, used))
    meta.add((used, RDF.type, PROV.Entity))
    meta.add((used, RDFS.label, Literal(file.name)))
    meta.add((used, DCTERMS.identifier, Literal(f"sha256:{digest}")))
    if rows is not None:
        meta.add((used, VOID.entities, Literal(rows)))
    if entities is not None:
        meta.add((node, VOID.entities, Literal(entities)))
    meta.add((node, VOID.triples, Literal(triples)))
    return meta


def write_turtle(graph: Graph, path: Path) -> None:
    """``graph`` as Turtle with the project's prefixes, written by Oxigraph (rdflib's
    serializer takes seconds for 100,000 triples)."""
    import pyoxigraph as ox

    from segraph.store.embedded import to_oxigraph

    prefixes = {p: ns for p, ns in OUTPUT_PREFIXES.items() if p != "xml"}
    triples = (ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in sorted(graph))
    ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=prefixes)


def keep_and_load(paths: Paths, name: str, graph: Graph, meta: Graph) -> bool:
    """Keep ``graph`` and its description ``meta`` as ``var/imports/NAME.ttl`` and
    ``NAME.meta.ttl`` and replace the named graph in the built store, if there is one (True
    then). The files are written aside first and put in place only after the store took the
    graph in one update, so a failure leaves the files and the store as they were."""
    paths.imports.mkdir(parents=True, exist_ok=True)
    staged = []
    try:
        for target, content in ((paths.imports / f"{name}.ttl", graph),
                                (paths.imports / f"{name}.meta.ttl", meta)):
            tmp = target.with_name(target.name + ".tmp")
            write_turtle(content, tmp)
            staged.append((tmp, target))
        loaded = False
        if paths.store.is_dir():
            from segraph.store.embedded import EmbeddedStore

            store = EmbeddedStore(paths.store)
            try:
                store.replace_graph(str(graph_iri(name)), graph,
                                    metadata_graph=str(GRAPH["metadata"]), description=meta)
            finally:
                store.close()
            loaded = True
        for tmp, target in staged:
            tmp.replace(target)
        return loaded
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


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
    meta = provenance(
        "un-sdg-kos", file, len(graph),
        title={"en": "UN SDG KOS: official titles and indicators",
               "sv": "FN:s SDG KOS: officiella titlar och indikatorer"},
        description={"en": "The UN's official titles (en/fr/es) of the goals and targets, and "
                           "the indicators, converted by `segraph import sdg-kos` from a copy "
                           "of the UN SDG KOS RDF dump."},
        activity="segraph import sdg-kos", source=UN_SDG_KOS, citation=UN_SDG_KOS_CITATION)
    loaded = f" and loaded into {paths.store}" if keep_and_load(
        paths, "un-sdg-kos", graph, meta) else ""
    indicators = len(set(graph.subjects(RDF.type, URIRef(
        "https://w3id.org/segraph/ontology#SDGIndicator"))))
    return (f"Imported {len(graph):,} triples ({indicators} indicators) into the named graph "
            f"<{graph_iri('un-sdg-kos')}>; kept in {paths.imports}{loaded}.")
