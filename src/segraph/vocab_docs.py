"""What the ontology and shapes documentation pages show, read from the graphs themselves.

:func:`ontology_doc` and :func:`shapes_doc` turn the ``ontology`` and ``shapes`` graphs (rdflib)
into plain data: one entry per ``seg:`` class, object property and datatype property (with its
labels and comments in Swedish and English, superclasses and subclasses, domain, range,
alignments to external vocabularies and the shapes that constrain it), and one entry per node
shape, property shape and SPARQL constraint. Nothing here depends on Flask or on a language: the
pages (``web/vocabulary.py`` and the templates ``ontology.html``/``shapes.html``) pick the
language and turn IRIs into links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from segraph.namespaces import BASE, ONTOLOGY_IRI, PREFIXES, SEG, SEGSH, VANN, shorten

SHAPES_IRI = URIRef(BASE + "shapes")
LANGUAGES = ("sv", "en")

Texts = dict[str, list[str]]  # language ("" when untagged) -> texts


def texts(graph: Graph, subject: Node, predicate: URIRef) -> Texts:
    """The literal values of ``predicate`` by language tag, sorted."""
    found: dict[str, list[str]] = defaultdict(list)
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal):
            found[value.language or ""].append(str(value))
    return {lang: sorted(values) for lang, values in sorted(found.items())}


def pick(values: Texts, lang: str) -> str:
    """The text in ``lang``, else untagged, else Swedish or English, else any; '' if none."""
    for key in (lang, "", *LANGUAGES, *values):
        if values.get(key):
            return values[key][0]
    return ""


def local_name(iri: str, namespace: str) -> str | None:
    return iri[len(namespace):] if iri.startswith(namespace) and iri != namespace else None


def _iris(nodes: Any) -> list[str]:
    return sorted({str(n) for n in nodes if isinstance(n, URIRef)})


def _list(graph: Graph, node: Node) -> list[Node]:
    return list(Collection(graph, node)) if isinstance(node, BNode) else [node]


Expression = str | dict[str, Any]  # an IRI, or {"op": "or"|"and"|..., "items": [...]}


def expression(graph: Graph, node: Node) -> Expression:
    """A class expression or property path as an IRI or a small tree the templates can show."""
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        return {"op": "literal", "value": str(node)}
    for predicate, op in ((OWL.unionOf, "or"), (OWL.intersectionOf, "and"),
                          (OWL.oneOf, "one of"), (SH.alternativePath, "alternative")):
        members = graph.value(node, predicate)
        if members is not None:
            return {"op": op, "items": [expression(graph, m) for m in _list(graph, members)]}
    for predicate, op in ((OWL.complementOf, "not"), (SH.inversePath, "inverse"),
                          (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                          (SH.zeroOrOnePath, "?")):
        inner = graph.value(node, predicate)
        if inner is not None:
            return {"op": op, "items": [expression(graph, inner)]}
    if graph.value(node, RDF.first) is not None:  # a sequence path
        return {"op": "sequence", "items": [expression(graph, m) for m in _list(graph, node)]}
    restriction = graph.value(node, OWL.onProperty)
    if restriction is not None:
        parts = [(p, graph.value(node, p)) for p in (
            OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.cardinality,
            OWL.minCardinality, OWL.maxCardinality, OWL.qualifiedCardinality)]
        return {"op": "restriction", "items": [str(restriction)] + [
            {"op": shorten(str(p)) or str(p), "items": [expression(graph, v)]}
            for p, v in parts if v is not None]}
    return {"op": "blank", "items": []}


# --- the ontology --------------------------------------------------------------------------------

@dataclass
class Term:
    """One ``seg:`` class or property."""

    name: str  # local name: the section's id
    iri: str
    kind: str  # class | object | datatype | annotation
    label: Texts
    comment: Texts
    alt_labels: Texts
    notes: Texts
    characteristics: list[str] = field(default_factory=list)  # IRIs, e.g. owl:FunctionalProperty
    facts: dict[str, list[Expression]] = field(default_factory=dict)  # row key -> values
    shapes: list[str] = field(default_factory=list)  # shape IRIs that constrain the term


# Row keys of Term.facts, in the order the page shows them.
CLASS_FACTS = ("superclasses", "subclasses", "equivalents", "disjoint", "domain_of", "range_of",
               "see_also")
PROPERTY_FACTS = ("domain", "range", "superproperties", "subproperties", "equivalents",
                  "inverse", "chain", "see_also")


@dataclass
class Vocabulary:
    """An external vocabulary the ontology aligns with (by subclass or subproperty axioms)."""

    prefix: str
    namespace: str
    terms: list[str]  # IRIs of its terms the ontology refers to


@dataclass
class OntologyDoc:
    iri: str
    title: Texts
    description: Texts
    version: str
    version_iri: str
    created: str
    creator: str
    license: str
    prefix: str
    namespace: str
    imports: list[str]
    vocabularies: list[Vocabulary]
    terms: list[Term]
    hierarchy: list[tuple[int, str]]  # (depth, class IRI), depth-first over seg: classes
    labels: dict[str, Texts]  # IRI -> rdfs:label texts, for every labelled IRI in both graphs

    def of_kind(self, kind: str) -> list[Term]:
        return [t for t in self.terms if t.kind == kind]

    @property
    def names(self) -> set[str]:
        return {t.name for t in self.terms}


KINDS = ((OWL.Class, "class"), (RDFS.Class, "class"), (OWL.ObjectProperty, "object"),
         (OWL.DatatypeProperty, "datatype"), (OWL.AnnotationProperty, "annotation"),
         (RDF.Property, "object"))
CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                   OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
                   OWL.IrreflexiveProperty)


def _literal(graph: Graph, subject: Node, predicate: URIRef) -> str:
    value = graph.value(subject, predicate)
    return "" if value is None else str(value)


def ontology_doc(ontology: Graph, shapes: Graph | None = None) -> OntologyDoc:
    """Everything the ontology page shows; ``shapes`` adds which shapes constrain each term."""
    seg = str(SEG)
    kinds: dict[str, str] = {}
    for rdf_type, kind in KINDS:
        for subject in ontology.subjects(RDF.type, rdf_type):
            if isinstance(subject, URIRef) and local_name(str(subject), seg):
                kinds.setdefault(str(subject), kind)

    disjoint: dict[str, set[str]] = defaultdict(set)
    for a, b in ontology.subject_objects(OWL.disjointWith):
        disjoint[str(a)].add(str(b))
        disjoint[str(b)].add(str(a))
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = _iris(_list(ontology, ontology.value(group, OWL.members)))
        for member in members:
            disjoint[member].update(m for m in members if m != member)

    constrained = _constraining_shapes(shapes) if shapes is not None else {}
    terms = []
    for iri, kind in kinds.items():
        node = URIRef(iri)
        term = Term(
            name=local_name(iri, seg) or iri, iri=iri, kind=kind,
            label=texts(ontology, node, RDFS.label), comment=texts(ontology, node, RDFS.comment),
            alt_labels=texts(ontology, node, SKOS.altLabel),
            notes=texts(ontology, node, SKOS.scopeNote),
            characteristics=_iris(t for t in ontology.objects(node, RDF.type)
                                  if t in CHARACTERISTICS),
            shapes=sorted(constrained.get(iri, ())))
        facts: dict[str, list[Expression]] = {}
        if kind == "class":
            facts["superclasses"] = sorted(
                (expression(ontology, o) for o in ontology.objects(node, RDFS.subClassOf)),
                key=str)
            facts["subclasses"] = _iris(ontology.subjects(RDFS.subClassOf, node))
            facts["equivalents"] = [expression(ontology, o) for o in
                                    ontology.objects(node, OWL.equivalentClass)]
            facts["disjoint"] = sorted(disjoint.get(iri, ()))
            facts["domain_of"] = [p for p in _iris(ontology.subjects(RDFS.domain, node))
                                  if p in kinds]
            facts["range_of"] = [p for p in _iris(ontology.subjects(RDFS.range, node))
                                 if p in kinds]
        else:
            facts["domain"] = [expression(ontology, o) for o in ontology.objects(node, RDFS.domain)]
            facts["range"] = [expression(ontology, o) for o in ontology.objects(node, RDFS.range)]
            facts["superproperties"] = _iris(ontology.objects(node, RDFS.subPropertyOf))
            facts["subproperties"] = _iris(ontology.subjects(RDFS.subPropertyOf, node))
            facts["equivalents"] = _iris(ontology.objects(node, OWL.equivalentProperty))
            facts["inverse"] = _iris([*ontology.objects(node, OWL.inverseOf),
                                      *ontology.subjects(OWL.inverseOf, node)])
            chains = list(ontology.objects(node, OWL.propertyChainAxiom))
            facts["chain"] = [{"op": "chain", "items": [expression(ontology, m) for m in
                                                        _list(ontology, chain)]}
                              for chain in chains]
        facts["see_also"] = _iris(ontology.objects(node, RDFS.seeAlso))
        term.facts = {key: values for key, values in facts.items() if values}
        terms.append(term)
    order = {"class": 0, "object": 1, "datatype": 2, "annotation": 3}
    terms.sort(key=lambda t: (order[t.kind], t.name.lower(), t.name))

    header = ONTOLOGY_IRI
    referenced: dict[str, set[str]] = defaultdict(set)
    for s, _, o in ontology:
        if isinstance(s, URIRef) and str(s) in kinds and isinstance(o, URIRef):
            for prefix, namespace in PREFIXES.items():
                ns = str(namespace)
                if prefix not in ("seg", "segid", "rdf", "rdfs", "owl", "xsd") and \
                        local_name(str(o), ns):
                    referenced[prefix].add(str(o))
    vocabularies = [Vocabulary(p, str(PREFIXES[p]), sorted(referenced[p]))
                    for p in PREFIXES if p in referenced]

    labels: dict[str, Texts] = {}
    for graph in (ontology, shapes) if shapes is not None else (ontology,):
        for subject in set(graph.subjects(RDFS.label, None)):
            if isinstance(subject, URIRef):
                labels[str(subject)] = texts(graph, subject, RDFS.label)

    return OntologyDoc(
        iri=str(header), title=texts(ontology, header, DCTERMS.title),
        description=texts(ontology, header, DCTERMS.description),
        version=_literal(ontology, header, OWL.versionInfo),
        version_iri=_literal(ontology, header, OWL.versionIRI),
        created=_literal(ontology, header, DCTERMS.created),
        creator=_literal(ontology, header, DCTERMS.creator),
        license=_literal(ontology, header, DCTERMS.license),
        prefix=_literal(ontology, header, VANN.preferredNamespacePrefix) or "seg",
        namespace=_literal(ontology, header, VANN.preferredNamespaceUri) or seg,
        imports=_iris(ontology.objects(header, OWL.imports)),
        vocabularies=vocabularies, terms=terms,
        hierarchy=_hierarchy(ontology, [t.iri for t in terms if t.kind == "class"]),
        labels=labels)


def _hierarchy(graph: Graph, classes: list[str]) -> list[tuple[int, str]]:
    known = set(classes)
    children: dict[str, list[str]] = defaultdict(list)
    has_parent = set()
    for cls in classes:
        for parent in graph.objects(URIRef(cls), RDFS.subClassOf):
            if str(parent) in known and str(parent) != cls:
                children[str(parent)].append(cls)
                has_parent.add(cls)
    rows: list[tuple[int, str]] = []

    def walk(cls: str, depth: int, path: tuple[str, ...]) -> None:
        rows.append((depth, cls))
        for child in sorted(children.get(cls, ())):
            if child not in path:
                walk(child, depth + 1, (*path, child))

    for root in sorted(c for c in classes if c not in has_parent):
        walk(root, 0, (root,))
    return rows


def _constraining_shapes(shapes: Graph) -> dict[str, set[str]]:
    """Term IRI -> the shapes that constrain it: node shapes targeting a class (or the subjects
    of a property), property shapes on a path or requiring a class."""
    found: dict[str, set[str]] = defaultdict(set)
    for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path,
                      SH["class"]):
        for shape, term in shapes.subject_objects(predicate):
            if isinstance(shape, URIRef) and isinstance(term, URIRef):
                found[str(term)].add(str(shape))
    return found


# --- the shapes ----------------------------------------------------------------------------------

@dataclass
class Constraint:
    """One constraint of a shape: a SHACL parameter and its values."""

    parameter: str  # the sh: IRI
    values: list[Expression]


@dataclass
class PropertyShape:
    name: str
    iri: str
    label: Texts
    comment: Texts
    path: Expression
    severity: str
    messages: Texts
    min_count: int | None
    max_count: int | None
    constraints: list[Constraint]
    used_by: list[str] = field(default_factory=list)  # node shape IRIs

    @property
    def cardinality(self) -> str:
        if self.min_count is None and self.max_count is None:
            return ""
        low = self.min_count or 0
        return f"{low}..{'*' if self.max_count is None else self.max_count}"


@dataclass
class NodeShape:
    name: str
    iri: str
    label: Texts
    comment: Texts
    targets: list[tuple[str, str]]  # (sh:targetClass etc., IRI)
    properties: list[str]  # property shape IRIs
    constraints: list[Constraint]


@dataclass
class SparqlConstraint:
    name: str
    iri: str
    label: Texts
    comment: Texts
    select: str


@dataclass
class ShapesDoc:
    iri: str
    label: Texts
    comment: Texts
    license: str
    node_shapes: list[NodeShape]
    property_shapes: dict[str, PropertyShape]  # IRI -> shape
    sparql: list[SparqlConstraint]

    @property
    def shared(self) -> list[PropertyShape]:
        """Property shapes used by several node shapes (or by none): shown once on their own."""
        return [s for s in self.property_shapes.values() if len(s.used_by) != 1]


SHOWN_ELSEWHERE = {SH.path, SH.message, SH.severity, SH.minCount, SH.maxCount, SH.property,
                   SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode,
                   SH.declare, SH.prefixes, SH.select, RDF.type, RDFS.label, RDFS.comment}
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


def _name(iri: str) -> str:
    return local_name(iri, str(SEGSH)) or shorten(iri) or iri


def _constraints(graph: Graph, shape: URIRef) -> list[Constraint]:
    found: dict[str, list[Expression]] = defaultdict(list)
    for predicate, value in graph.predicate_objects(shape):
        if predicate in SHOWN_ELSEWHERE or not str(predicate).startswith(str(SH)):
            continue
        if predicate in (SH["in"], SH.languageIn):
            found[str(predicate)].extend(expression(graph, v) for v in _list(graph, value))
        else:
            found[str(predicate)].append(expression(graph, value))
    return [Constraint(p, sorted(v, key=str) if p not in (str(SH["in"]), str(SH.languageIn))
                       else v) for p, v in sorted(found.items())]


def _int(graph: Graph, shape: Node, predicate: URIRef) -> int | None:
    value = graph.value(shape, predicate)
    return int(value) if isinstance(value, Literal) else None


def shapes_doc(shapes: Graph) -> ShapesDoc:
    """Everything the shapes page shows."""
    property_shapes: dict[str, PropertyShape] = {}
    for shape in set(shapes.subjects(SH.path, None)) | set(
            shapes.subjects(RDF.type, SH.PropertyShape)):
        if not isinstance(shape, URIRef):
            continue
        path = shapes.value(shape, SH.path)
        severity = shapes.value(shape, SH.severity)
        property_shapes[str(shape)] = PropertyShape(
            name=_name(str(shape)), iri=str(shape), label=texts(shapes, shape, RDFS.label),
            comment=texts(shapes, shape, RDFS.comment),
            path=expression(shapes, path) if path is not None else "",
            severity=str(severity) if severity is not None else str(SH.Violation),
            messages=texts(shapes, shape, SH.message),
            min_count=_int(shapes, shape, SH.minCount),
            max_count=_int(shapes, shape, SH.maxCount),
            constraints=_constraints(shapes, shape))

    node_shapes = []
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | {
            s for t in TARGETS for s in shapes.subjects(t, None)}:
        if not isinstance(shape, URIRef) or str(shape) in property_shapes:
            continue
        members = _iris(shapes.objects(shape, SH.property))
        for member in members:
            if member in property_shapes:
                property_shapes[member].used_by.append(str(shape))
        members.sort(key=lambda m: (str(property_shapes[m].path) if m in property_shapes
                                    else "", m))
        node_shapes.append(NodeShape(
            name=_name(str(shape)), iri=str(shape), label=texts(shapes, shape, RDFS.label),
            comment=texts(shapes, shape, RDFS.comment),
            targets=sorted((str(t), str(v)) for t in TARGETS for v in shapes.objects(shape, t)),
            properties=members, constraints=_constraints(shapes, shape)))
    node_shapes.sort(key=lambda s: s.name)
    for shape in property_shapes.values():
        shape.used_by.sort()

    sparql = [SparqlConstraint(name=_name(str(c)), iri=str(c), label=texts(shapes, c, RDFS.label),
                               comment=texts(shapes, c, RDFS.comment),
                               select=_literal(shapes, c, SH.select).strip())
              for c in sorted(shapes.subjects(RDF.type, SH.SPARQLConstraint))
              if isinstance(c, URIRef)]
    return ShapesDoc(
        iri=str(SHAPES_IRI), label=texts(shapes, SHAPES_IRI, RDFS.label),
        comment=texts(shapes, SHAPES_IRI, RDFS.comment),
        license=_literal(shapes, SHAPES_IRI, DCTERMS.license), node_shapes=node_shapes,
        property_shapes=dict(sorted(property_shapes.items())), sparql=sparql)
