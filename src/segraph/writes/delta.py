"""What a write changes, as two sets of quads, worked out before anything is written.

The dataset a write sees is the served one: every named graph, and as the default graph the
union of them all (as for queries). So a triple written without ``GRAPH`` goes into the named
graph ``graph/edits``, and a triple deleted without ``GRAPH`` is deleted from every graph that
holds it. Each operation's change is computed with queries (its WHERE solutions put into its
templates by ``CONSTRUCT``), so the same code serves the embedded store and a remote engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from segraph.namespaces import graph_iri
from segraph.writes.operations import Operation, Update, split_template

EDITS_GRAPH = str(graph_iri("edits"))  # where triples written without GRAPH go
HISTORY_GRAPH = str(graph_iri("history"))  # written by the server only
PROTECTED_GRAPHS = {HISTORY_GRAPH: "the history graph is written by the server; undo a change "
                                   "with POST /history/N/undo"}


@dataclass
class Delta:
    """The net change of a write: quads removed and quads added (disjoint)."""

    removed: set[ox.Quad] = field(default_factory=set)
    added: set[ox.Quad] = field(default_factory=set)

    def then(self, removed: Iterable[ox.Quad], added: Iterable[ox.Quad]) -> None:
        """Fold one more step (its deletions first, then its insertions) into the net change."""
        for quad in removed:
            if quad in self.added:
                self.added.discard(quad)
            else:
                self.removed.add(quad)
        for quad in added:
            if quad in self.removed:
                self.removed.discard(quad)
            else:
                self.added.add(quad)

    def graphs(self) -> list[str]:
        return sorted({q.graph_name.value for q in self.removed | self.added
                       if isinstance(q.graph_name, ox.NamedNode)})

    def __bool__(self) -> bool:
        return bool(self.removed or self.added)


class WriteRefused(ValueError):
    """The write is valid SPARQL but cannot be applied (a protected graph, blank nodes in
    DELETE DATA, a graph that does not exist …)."""


def apply(store: ox.Store, removed: Iterable[ox.Quad], added: Iterable[ox.Quad]) -> None:
    """Remove, then add (an in-memory pyoxigraph store)."""
    for quad in removed:
        store.remove(quad)
    store.extend(added)


def evaluate(store: Any, update: Update, *, using: list[str] | None = None,
             using_named: list[str] | None = None, mutable: bool = True) -> Delta:
    """The net change of ``update`` on ``store``, operation after operation, each seeing the
    ones before it. With ``mutable`` (a pyoxigraph store the caller may change, e.g. a forked
    copy) each step is applied to ``store``; otherwise a step that reads the data may not follow
    one that changed it (:class:`WriteRefused`). ``using``/``using_named`` are the protocol's
    ``using-graph-uri``/``using-named-graph-uri``."""
    delta = Delta()
    for op in update.operations:
        if delta and not mutable and op.reads_state:
            raise WriteRefused("this engine cannot show one operation the changes of an earlier "
                               "one in the same request: send them as separate requests")
        if using or using_named:
            if op.using or op.using_named or op.with_graph:
                raise WriteRefused("using-graph-uri / using-named-graph-uri and USING or WITH "
                                   "in the update cannot be combined (SPARQL 1.1 Protocol)")
            op.using, op.using_named = list(using or []), list(using_named or [])
        removed, added = _operation(store, update, op)
        removed = present(store, removed)
        added = set(added) - present(store, added)
        for quad in removed | added:
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            if name in PROTECTED_GRAPHS:
                raise WriteRefused(f"<{name}>: {PROTECTED_GRAPHS[name]}")
        delta.then(removed, added)
        if mutable:
            apply(store, removed, added)
    return delta


PRESENT_CHUNK = 500  # quads per question to a remote engine


def present(store: Any, quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """Those of ``quads`` the store holds: looked up one by one in a pyoxigraph store, asked
    in chunks of a remote engine (a quad with a blank node is never the engine's own)."""
    quads = list(quads)
    if isinstance(store, ox.Store):
        return {q for q in quads if q in store}
    named = [q for q in quads if isinstance(q.graph_name, ox.NamedNode) and not any(
        isinstance(t, ox.BlankNode) for t in (q.subject, q.object))]
    found: set[ox.Quad] = set()
    for start in range(0, len(named), PRESENT_CHUNK):
        chunk = named[start:start + PRESENT_CHUNK]
        rows = " ".join(f"({q.subject} {q.predicate} {q.object} {q.graph_name})" for q in chunk)
        result = store.query(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p ?o ?g) {{ {rows} }} "
                             "GRAPH ?g { ?s ?p ?o } }")
        answered = {(str(r["s"]), str(r["p"]), str(r["o"]), str(r["g"])) for r in result}
        found |= {q for q in chunk if (str(q.subject), str(q.predicate), str(q.object),
                                       str(q.graph_name)) in answered}
    return found


def _operation(store: Any, update: Update, op: Operation) -> tuple[set[ox.Quad], set[ox.Quad]]:
    if op.kind == "insert-data":
        return set(), {_into_named(q) for q in _quad_data(update, op.data, fresh=True)}
    if op.kind == "delete-data":
        quads = list(_quad_data(update, op.data, fresh=False))
        if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
            raise WriteRefused("DELETE DATA cannot name blank nodes (SPARQL 1.1 Update 3.1.2); "
                               "use DELETE … WHERE")
        return set(_everywhere(store, quads)), set()
    if op.kind == "delete-where":
        return _instantiate(store, update, op.data, op.data, Operation("modify")), set()
    if op.kind == "modify":
        removed = _instantiate(store, update, op.delete, op.where, op) if op.delete else set()
        added = _instantiate(store, update, op.insert, op.where, op, insert=True) \
            if op.insert else set()
        return removed, added
    if op.kind in ("clear", "drop"):
        return set(_graph_quads(store, op.graphs[0], op)), set()
    if op.kind == "create":
        return set(), set()
    source, target = op.graphs
    if source == target:
        return set(), set()
    moved = [ox.Quad(q.subject, q.predicate, q.object, _named(target))
             for q in _graph_quads(store, source, op)]
    removed: set[ox.Quad] = set()
    if op.kind in ("copy", "move"):
        removed |= set(_graph_quads(store, target, op, missing_ok=True))
    if op.kind == "move":
        removed |= set(_graph_quads(store, source, op))
    return removed - set(moved), set(moved)


def _named(graph: str | None) -> ox.NamedNode:
    return ox.NamedNode(graph or EDITS_GRAPH)


def _into_named(quad: ox.Quad) -> ox.Quad:
    if isinstance(quad.graph_name, ox.DefaultGraph):
        return ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(EDITS_GRAPH))
    return quad


def _everywhere(store: Any, quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
    """The quads to delete: a default-graph triple is deleted from every graph that holds it."""
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            yield from store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        else:
            yield quad


def _quad_data(update: Update, data: str, *, fresh: bool) -> list[ox.Quad]:
    """INSERT/DELETE DATA content, read as TriG (the same syntax, with the request's prologue);
    blank nodes of INSERT DATA are new ones."""
    blocks = [f"{triples} ." if graph is None else f"GRAPH <{graph}> {{ {triples} }}"
              for graph, triples in split_template(data, update.prefixes, update.base)]
    text = update.prologue + "\n" + "\n".join(blocks)
    try:
        return list(ox.parse(text.encode(), format=ox.RdfFormat.TRIG, base_iri=update.base,
                             rename_blank_nodes=fresh))
    except SyntaxError as exc:
        raise SyntaxError(f"in the quad data: {exc}") from exc


def _graph_quads(store: Any, graph: str | None, op: Operation, *,
                 missing_ok: bool = False) -> list[ox.Quad]:
    name = _named(graph)
    quads = list(store.quads_for_pattern(None, None, None, name))
    if not quads and not (op.silent or missing_ok or op.kind == "clear"):
        raise WriteRefused(f"there is no graph <{name.value}> (add SILENT to ignore this)")
    return quads


def _instantiate(store: Any, update: Update, template: str, where: str, op: Operation, *,
                 insert: bool = False) -> set[ox.Quad]:
    """The quads of ``template`` for every solution of ``where`` (as SPARQL Update does:
    a triple with an unbound variable is left out; blank nodes are new per solution)."""
    kwargs: dict[str, Any] = {}
    if op.using or op.using_named:
        kwargs = {"default_graph": [ox.NamedNode(g) for g in op.using],
                  "named_graphs": [ox.NamedNode(g) for g in op.using_named]}
    elif op.with_graph:
        kwargs = {"default_graph": [ox.NamedNode(op.with_graph)],
                  "named_graphs": list(store.named_graphs())}
    else:
        kwargs = {"use_default_graph_as_union": True}
    quads: set[ox.Quad] = set()
    default_target = op.with_graph
    for graph, triples in split_template(template, update.prefixes, update.base):
        if graph is not None and graph.startswith("?"):
            names = store.query(f"{update.prologue}\nSELECT DISTINCT {graph} WHERE {{{where}}}",
                                **kwargs)
            for row in names:
                value = row[graph[1:]]
                if not isinstance(value, ox.NamedNode):
                    continue
                quads |= _construct(store, update, triples,
                                    f"VALUES {graph} {{ {value} }} {where}", kwargs, value)
            continue
        if graph is None and not insert and default_target is None:
            found = _construct(store, update, triples, where, kwargs, ox.DefaultGraph())
            quads |= set(_everywhere(store, found))
            continue
        quads |= _construct(store, update, triples, where, kwargs,
                            _named(graph or default_target))
    return quads


def _construct(store: Any, update: Update, triples: str, where: str, kwargs: dict[str, Any],
               graph: ox.NamedNode | ox.DefaultGraph) -> set[ox.Quad]:
    result = store.query(f"{update.prologue}\nCONSTRUCT {{{triples}}} WHERE {{{where}}}",
                         **kwargs)
    return {ox.Quad(t.subject, t.predicate, t.object, graph) for t in result}
