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


def test_every_property_shape_has_one_english_and_one_swedish_message() -> None:
    """The messages are on the property shapes (also for SHACL-SPARQL constraints, which are
    shared between property shapes and carry none of their own)."""
    graph = load_shapes()
    for shape in sorted(set(graph.objects(None, SH.property))):
        langs = sorted(getattr(m, "language", None) or "" for m in graph.objects(shape, SH.message))
        assert langs == ["en", "sv"], f"{shape}: needs one @en and one @sv sh:message, has {langs}"
    for constraint in sorted(set(graph.objects(None, SH.sparql))):
        assert (constraint, SH.message, None) not in graph, (
            f"{constraint}: put the message on the property shapes that use it"
        )


def test_english_messages_are_unique() -> None:
    """Each property shape says something of its own (and results never tie on the message)."""
    graph = load_shapes()
    english = [
        str(m) for m in graph.objects(None, SH.message) if getattr(m, "language", None) == "en"
    ]
    duplicates = sorted({m for m in english if english.count(m) > 1})
    assert duplicates == []


# Parameters that constrain how many values there are, and parameters that constrain each value.
COUNT_PARAMETERS = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.hasValue}
VALUE_PARAMETERS = {
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH.pattern,
    SH["in"],
    SH.languageIn,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.lessThanOrEquals,
    SH.sparql,
}


def test_counts_and_values_are_checked_by_separate_property_shapes() -> None:
    """Missing-or-too-many and this-value-is-wrong get separate shapes and messages.

    This also keeps every shape's results either all with or all without a value, which
    segraph.validation's sorting of results relies on.
    """
    graph = load_shapes()
    for shape in sorted(set(graph.subjects(SH.path, None))):
        parameters = set(graph.predicates(shape, None))
        counts, values = parameters & COUNT_PARAMETERS, parameters & VALUE_PARAMETERS
        assert not (counts and values), f"{shape} mixes {sorted(counts | values)}"


def test_no_nested_shapes() -> None:
    """sh:node, sh:or, sh:and, sh:xone, sh:not and qualified value shapes pass vacuously when
    pySHACL validates with its focus_nodes option (as segraph.validation does with a reference
    graph): it filters the nested evaluations too, down to the data's own subjects."""
    graph = load_shapes()
    nested = [SH.node, SH["or"], SH["and"], SH.xone, SH["not"], SH.qualifiedValueShape]
    used = sorted({str(p) for p in nested if (None, p, None) in graph})
    assert used == []


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
        c
        for c in ontology_graph.subjects(RDF.type, OWL.Class)
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
