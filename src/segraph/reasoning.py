"""OWL reasoning with owlready2 and HermiT: consistency of ontology + data, and what it entails.

The entailed triples are returned as their own graph, to be stored in the named graph
``graph/inferred``, never mixed with asserted data. The reasoner sees the ontology axioms and the
data's types and object/datatype property assertions (annotations such as labels are left out,
as are literals whose datatype is not in the OWL 2 datatype map, e.g. WKT geometries and
``xsd:date``, which HermiT rejects).
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from segraph.sources import GraphSource

# Datatypes of the OWL 2 datatype map that HermiT accepts (plus plain/language-tagged strings).
OWL2_DATATYPES = {
    XSD.string, XSD.boolean, XSD.decimal, XSD.integer, XSD.nonNegativeInteger,
    XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.long, XSD.int,
    XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
    XSD.double, XSD.float, XSD.anyURI, XSD.dateTime, XSD.dateTimeStamp, XSD.normalizedString,
    XSD.token, XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN, XSD.hexBinary,
    XSD.base64Binary, RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal, None,
}
IGNORED_TYPES = {OWL.Thing, OWL.NamedIndividual}


INFERRED = GraphSource(
    name="inferred",
    title={"en": "Inferred by the OWL reasoner", "sv": "Härlett av OWL-resoneraren"},
    converter="hermit",
    files=(),
    license="https://creativecommons.org/licenses/by/4.0/",
    derivation={"en": "Entailments of the ontology and the asserted data computed by HermiT "
                      "through owlready2 (class memberships incl. superclasses, property chains, "
                      "super-properties); never mixed with asserted data.",
                "sv": "Slutsatser av ontologin och de påstådda data, beräknade av HermiT via "
                      "owlready2; hålls åtskilda från påstådda data."},
)


class InconsistentError(Exception):
    """The ontology and the data contradict each other (HermiT found no model)."""


def _declared(ontology: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def reasoning_input(ontology: Graph, data: Graph) -> Graph:
    """The part of ontology + data that the reasoner needs, in a form HermiT accepts."""
    properties = _declared(ontology, OWL.ObjectProperty) | _declared(ontology,
                                                                     OWL.DatatypeProperty)
    keep = Graph()
    for s, p, o in ontology:
        if isinstance(o, Literal) and p not in (RDFS.label, RDFS.comment) and \
                o.datatype not in OWL2_DATATYPES:
            continue
        keep.add((s, p, o))
    for s, p, o in data:
        if p == RDF.type or p in properties:
            if isinstance(o, Literal) and o.datatype not in OWL2_DATATYPES:
                continue
            keep.add((s, p, o))
    return keep


def _superclasses(graph: Graph) -> dict[URIRef, set[URIRef]]:
    direct: dict[URIRef, set[URIRef]] = {}
    for s, o in graph.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            direct.setdefault(s, set()).add(o)
    for s, o in graph.subject_objects(OWL.equivalentClass):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            direct.setdefault(s, set()).add(o)
            direct.setdefault(o, set()).add(s)
    return _closure(direct)


def _superproperties(graph: Graph) -> dict[URIRef, set[URIRef]]:
    direct: dict[URIRef, set[URIRef]] = {}
    for s, o in graph.subject_objects(RDFS.subPropertyOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            direct.setdefault(s, set()).add(o)
    return _closure(direct)


def _closure(direct: dict[URIRef, set[URIRef]]) -> dict[URIRef, set[URIRef]]:
    result: dict[URIRef, set[URIRef]] = {}
    for start in direct:
        seen: set[URIRef] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen and node != start:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        result[start] = seen
    return result


def infer(ontology: Graph, data: Graph, *, java: str = "java") -> Graph:
    """Run HermiT over ``ontology`` + ``data``; return the entailed triples not already asserted.

    Raises :class:`InconsistentError` when the ontology and data are inconsistent.
    """
    import owlready2

    owlready2.JAVA_EXE = java
    source = reasoning_input(ontology, data)
    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="segraph-reason-") as tmp:
        path = Path(tmp) / "input.nt"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rdflib: "NTSerializer always uses UTF-8"
            source.serialize(path, format="nt", encoding="utf-8")
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0,
                                          ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InconsistentError(
                "HermiT finds the ontology and the data inconsistent: some resource is stated "
                "to belong to classes that are declared disjoint, or breaks a functional "
                "property. Check recent changes to types and to seg:inCounty, "
                "seg:seatMunicipality, seg:agreementKind and the other functional properties."
            ) from exc
        except FileNotFoundError as exc:
            raise RuntimeError(f"cannot run Java ({java!r}) for HermiT: install a Java runtime "
                               "(Debian: default-jre-headless) or set SEGRAPH_JAVA") from exc
        reasoned = Graph()
        for triple in world.as_rdflib_graph():
            reasoned.add(triple)
    world.close()
    schema = Graph()
    schema += ontology
    superclasses = _superclasses(schema)
    superproperties = _superproperties(schema)
    entailed = Graph()
    for s, p, o in reasoned:
        if not isinstance(s, URIRef) or str(s).startswith("http://inferrences"):
            continue
        if p == RDF.type and isinstance(o, URIRef):
            for cls in {o} | superclasses.get(o, set()):
                entailed.add((s, RDF.type, cls))
        elif isinstance(o, URIRef) and p != RDF.type:
            for prop in {p} | superproperties.get(p, set()):
                entailed.add((s, prop, o))
    schema_terms = _schema_terms(ontology)
    inferred = Graph()
    for s, p, o in entailed:
        if p == RDF.type and o in IGNORED_TYPES:
            continue
        if (s, p, o) in data or (s, p, o) in ontology:
            continue
        if s in schema_terms:
            continue
        inferred.add((s, p, o))
    return inferred


def _schema_terms(ontology: Graph) -> set[URIRef]:
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                 OWL.Ontology, RDFS.Class, RDF.Property):
        terms |= _declared(ontology, kind)
    return terms


NOT_REASONED_OVER = {"shapes", "metadata", "inferred", "matches"}


def reason_over_store(store_path: Path, *, java: str = "java", output: Path | None = None) -> int:
    """Reason over the asserted graphs of a built store; replace its ``graph/inferred``.

    The replacement is one SPARQL update, so readers see the old or the new inferences, never a
    mix. Returns the number of inferred triples.
    """
    from segraph.build import describe_graph
    from segraph.namespaces import GRAPH, bind_prefixes
    from segraph.store.embedded import EmbeddedStore, read_graph

    store = EmbeddedStore(store_path) if store_path.is_dir() else None
    if store is None:
        raise FileNotFoundError(f"no store at {store_path}: run `segraph build` first")
    names = [g.value for g in store.oxigraph.named_graphs()]
    ontology = read_graph(store.oxigraph, str(GRAPH["ontology"]))
    data = Graph()
    for name in names:
        short = name.removeprefix(str(GRAPH))
        if short not in NOT_REASONED_OVER and short != "ontology":
            data += read_graph(store.oxigraph, name)
    inferred = infer(ontology, data, java=java)
    description = Graph()
    describe_graph(description, INFERRED, len(inferred))
    store.replace_graph(str(GRAPH["inferred"]), inferred, metadata_graph=str(GRAPH["metadata"]),
                        description=description)
    store.close()
    if output is not None:
        bind_prefixes(inferred).serialize(output, format="turtle")
    return len(inferred)
