"""Prefixes and IRI constants, defined once for the whole project."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

BASE = "https://w3id.org/segraph/"

SEG = Namespace(BASE + "ontology#")
SEGSH = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

ONTOLOGY_IRI = URIRef(BASE + "ontology")
DATASET_IRI = URIRef(BASE + "dataset")

ORG = Namespace("http://www.w3.org/ns/org#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
QB = Namespace("http://purl.org/linked-data/cube#")
UNSDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
VANN = Namespace("http://purl.org/vocab/vann/")

PREFIXES: dict[str, Namespace] = {
    "seg": SEG,
    "segsh": SEGSH,
    "segid": ID,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "dcat": Namespace(str(DCAT)),
    "void": Namespace(str(VOID)),
    "prov": Namespace(str(PROV)),
    "foaf": Namespace(str(FOAF)),
    "sh": Namespace(str(SH)),
    "org": ORG,
    "rov": ROV,
    "schema": SCHEMA,
    "geo": GEO,
    "qb": QB,
    "unsdg": UNSDG,
    "vann": VANN,
}

# The prefixes written into serialized RDF (query answers, dumps). ``segid:`` is left out: the
# local names under it contain "/", which Turtle must escape (``segid:county\/12``), and the
# full IRI reads better.
OUTPUT_PREFIXES: dict[str, str] = {p: str(ns) for p, ns in PREFIXES.items() if p != "segid"}


def graph_iri(name: str) -> URIRef:
    """The IRI of the named graph that holds one source, e.g. ``graph_iri("sdg")``."""
    return GRAPH[name]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def shorten(iri: str) -> str | None:
    """``seg:Municipality`` for a project IRI, ``None`` when no prefix covers it."""
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return None


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, for queries written by hand."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
