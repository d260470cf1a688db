"""Checks on the shapes files themselves: naming, labels, messages, targets."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from shape_cases import SHAPES_DIR, load_shapes

SEGSH = "https://w3id.org/segraph/shapes#"
SEG = "https://w3id.org/segraph/ontology#"

# Classes targeted by shapes that belong to other vocabularies and need not be redeclared by the
# segraph ontology.
EXTERNAL_TARGET_CLASSES = {SKOS.ConceptScheme}

# Ontology classes that data never instantiates directly (abstract super-classes), so they need
# no node shape of their own.
ABSTRACT_CLASSES = {URIRef(SEG + "AdministrativeArea"), URIRef(SEG + "SDGConcept")}


def _shapes(graph: Graph) -> set:
    """Every shape: typed shapes, SPARQL constraints, and anything used where a shape goes."""
    found = set()
    for cls in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        found |= set(graph.subjects(RDF.type, cls))
    for prop in (SH.property, SH.node, SH.qualifiedValueShape, SH.sparql, SH["not"]):
        found |= set(graph.objects(None, prop))
    for prop in (SH["or"], SH["and"], SH.xone):
        for head in graph.objects(None, prop):
            found |= set(graph.items(head))
    return found


def test_each_shapes_file_parses() -> None:
    files = sorted(SHAPES_DIR.glob("*.ttl"))
    assert files
    for path in files:
        Graph().parse(path, format="turtle")


def test_every_shape_is_a_named_segsh_iri() -> None:
    shapes = _shapes(load_shapes())
    bad = sorted(str(s) for s in shapes if not (isinstance(s, URIRef) and s.startswith(SEGSH)))
    assert bad == []


def test_the_only_blank_nodes_are_rdf_lists() -> None:
    graph = load_shapes()
    blanks = {n for t in graph for n in (t[0], t[2]) if isinstance(n, BNode)}
    for node in blanks:
        predicates = set(graph.predicates(node, None))
        assert predicates <= {RDF.first, RDF.rest}, f"blank node with {sorted(predicates)}"


def test_every_shape_has_labels_in_sv_and_en_and_an_english_comment() -> None:
    graph = load_shapes()
    for shape in sorted(_shapes(graph)):
        labels = {getattr(lab, "language", None) for lab in graph.objects(shape, RDFS.label)}
        comments = {getattr(c, "language", None) for c in graph.objects(shape, RDFS.comment)}
        assert {"sv", "en"} <= labels, f"{shape}: rdfs:label in sv and en needed, has {labels}"
        assert "en" in comments, f"{shape}: rdfs:comment in en needed"


def test_every_reported_shape_has_one_english_and_one_swedish_message() -> None:
    graph = load_shapes()
    reported = set(graph.objects(None, SH.property)) | set(graph.objects(None, SH.sparql))
    for shape in sorted(reported):
        if (shape, SH.sparql, None) in graph and (shape, SH.message, None) not in graph:
            continue  # the message is on its SPARQL constraint, which is checked itself
        langs = sorted(getattr(m, "language", None) or "" for m in graph.objects(shape, SH.message))
        assert langs == ["en", "sv"], f"{shape}: needs one @en and one @sv sh:message, has {langs}"


def test_severities_are_violation_or_warning() -> None:
    graph = load_shapes()
    assert set(graph.objects(None, SH.severity)) <= {SH.Violation, SH.Warning}


def test_every_target_class_is_defined_in_the_ontology(ontology_graph: Graph) -> None:
    classes = set(ontology_graph.subjects(RDF.type, OWL.Class))
    for target in sorted(set(load_shapes().objects(None, SH.targetClass))):
        if target in EXTERNAL_TARGET_CLASSES:
            continue
        assert target in classes, f"sh:targetClass {target} is not an owl:Class in the ontology"


def test_every_concrete_ontology_class_has_a_node_shape(ontology_graph: Graph) -> None:
    targeted = set(load_shapes().objects(None, SH.targetClass))
    own = {
        c for c in ontology_graph.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and c.startswith(SEG)
    }
    missing = sorted(own - ABSTRACT_CLASSES - targeted)
    assert missing == [], f"ontology classes without a node shape: {missing}"


@pytest.mark.parametrize("name", ["Municipality-municipalityCode-known"])
def test_the_generated_municipality_code_shape_is_used(name: str) -> None:
    graph = load_shapes()
    shape = URIRef(SEGSH + name)
    assert (URIRef(SEGSH + "MunicipalityShape"), SH.property, shape) in graph
    assert len(list(graph.items(graph.value(shape, SH["in"])))) == 290
