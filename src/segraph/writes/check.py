"""The shapes check of a write: only the nodes it touches, in the state it would leave.

The focus is every IRI or blank node a changed triple names (classes as objects of
``rdf:type`` aside), and, for a node that loses triples, the nodes that point at it (their
``sh:class`` checks may depend on what it loses). The data the shapes see is the focus nodes'
own triples, the triples of the nodes they point at (types for ``sh:class``, nested shapes),
the triples pointing at them through the predicates the shapes follow backwards
(``sh:inversePath``, ``sh:targetObjectsOf``), and the ontology (``rdfs:subClassOf``) — taken
from the store as it is, with the write's change applied to that small copy. So the check
costs what the write touches, not what the graph holds: a new enterprise naming a legal form
that 25,000 others share reads the legal form, not the 25,000. Only violations the write
brings are refused: when the state after the write has any, the same check on the state before
it is subtracted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from segraph.store.embedded import from_oxigraph
from segraph.validation import Report, Violation, validate_graph
from segraph.writes.delta import Delta, apply

RDF_TYPE = ox.NamedNode(str(RDF.type))
Node = ox.NamedNode | ox.BlankNode


def focus_nodes(store: Any, delta: Delta) -> set[Node]:
    focus: set[Node] = set()
    losing: set[Node] = set()
    for quads, lost in ((delta.added, False), (delta.removed, True)):
        for quad in quads:
            focus.add(quad.subject)  # type: ignore[arg-type]
            if lost:
                losing.add(quad.subject)  # type: ignore[arg-type]
            if quad.predicate != RDF_TYPE and isinstance(quad.object,
                                                         (ox.NamedNode, ox.BlankNode)):
                focus.add(quad.object)
    for node in losing:
        for quad in store.quads_for_pattern(None, None, node, None):
            focus.add(quad.subject)  # type: ignore[arg-type]
    return focus


def backward_predicates(shapes: Graph) -> set[ox.NamedNode]:
    """The predicates the shapes follow from object to subject."""
    found = set(shapes.objects(None, SH.inversePath)) | set(shapes.objects(None,
                                                                           SH.targetObjectsOf))
    return {ox.NamedNode(str(p)) for p in found if isinstance(p, URIRef)}


def neighbourhood(store: Any, focus: Iterable[Node], extra: Iterable[ox.Quad] = (), *,
                  backward: Iterable[ox.NamedNode] = ()) -> ox.Store:
    """A small store with what the shapes may look at around ``focus`` (see the module)."""
    local = ox.Store()
    seen: set[Node] = set()
    reach: list[Node] = []

    def describe(node: Node, *, follow: bool) -> None:
        if node in seen:
            return
        seen.add(node)
        for quad in store.quads_for_pattern(node, None, None, None):
            local.add(quad)
            if isinstance(quad.object, ox.BlankNode):  # part of its owner's description
                describe(quad.object, follow=follow)
            elif follow and isinstance(quad.object, ox.NamedNode) and quad.predicate != RDF_TYPE:
                reach.append(quad.object)

    backward = list(backward)
    for node in focus:
        describe(node, follow=True)
        for predicate in backward:
            for quad in store.quads_for_pattern(None, predicate, node, None):
                local.add(quad)
    for quad in extra:  # what the write adds points at nodes the store must describe too
        if isinstance(quad.object, ox.NamedNode):
            reach.append(quad.object)
    for node in reach:
        describe(node, follow=False)
    return local


def check(store: Any, delta: Delta, shapes: Graph, ontology: Graph, *,
          engine: str = "turbo") -> Report:
    """Validate the state ``delta`` would leave ``store`` in, around the nodes it touches; the
    report lists the violations the write brings (those already there do not count)."""
    if not delta:
        return Report(conforms=True)
    focus = focus_nodes(store, delta)
    local = neighbourhood(store, focus, delta.added, backward=backward_predicates(shapes))
    apply(local, delta.removed, delta.added)
    iris = {URIRef(n.value) for n in focus if isinstance(n, ox.NamedNode)}
    report = validate_graph(_graph(local), shapes, reference=ontology, focus_nodes=iris,
                            engine=engine)
    if not report.errors:
        return report
    apply(local, delta.added, delta.removed)  # back to the state before the write
    old = {_key(v) for v in validate_graph(_graph(local), shapes, reference=ontology,
                                           focus_nodes=iris, engine=engine).errors}
    new = [v for v in report.violations if _key(v) not in old]
    return replace(report, conforms=not any(v.severity == "violation" for v in new),
                   violations=new)


def _key(v: Violation) -> tuple[str | None, ...]:
    return (v.focus, v.path, v.constraint, v.value, v.shape)


def _graph(local: ox.Store) -> Graph:
    graph = Graph()
    for quad in local:
        graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),  # type: ignore[arg-type]
                   from_oxigraph(quad.object)))  # type: ignore[arg-type]
    return graph
