"""The embedded store: pyoxigraph, in memory or in a RocksDB directory on disk."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from segraph.store.base import QueryResult


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def graph_quads(graph: Graph, graph_name: str) -> Iterable[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in the named graph ``graph_name``."""
    name = ox.NamedNode(graph_name)
    for s, p, o in graph:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)  # type: ignore[arg-type]


class EmbeddedStore:
    """pyoxigraph behind the :class:`~segraph.store.base.Store` interface."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        if path is None:
            self._store = ox.Store()
        elif read_only:
            if not path.is_dir():
                raise FileNotFoundError(
                    f"no store at {path}: run `segraph build` first (or give --store)")
            self._store = ox.Store.read_only(str(path))
        else:
            self._store = ox.Store(str(path))

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def query(self, sparql: str, *, union_default_graph: bool = True,
              substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None) -> QueryResult:
        """Run a query; ``substitutions`` bind variables in the engine (never in the text)."""
        from segraph.sparql_text import names_dataset

        result = self._store.query(
            sparql, use_default_graph_as_union=union_default_graph and not names_dataset(sparql),
            substitutions={ox.Variable(k): v for k, v in (substitutions or {}).items()} or None)
        if isinstance(result, bool):
            return QueryResult("ask", result)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", result)
        if isinstance(result, ox.QuerySolutions):
            return QueryResult("select", result)
        return QueryResult("graph", result)

    def load_quads(self, quads: Iterable[ox.Quad]) -> None:
        self._store.bulk_extend(quads)

    def replace_graph(self, graph_name: str, graph: Graph, *, metadata_graph: str,
                      description: Graph) -> None:
        """Replace one named graph and its description in the metadata graph (the graph's IRI
        and the ``<graph>#…`` nodes of its provenance), in one update: readers see the old state
        or the new one, never a mix. Only the triples that change are written (re-importing
        the same data writes next to nothing), unless blank nodes make a difference unsafe."""
        name = ox.NamedNode(graph_name)
        old = {q.triple for q in self._store.quads_for_pattern(None, None, None, name)}
        new = {ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in graph}
        removed, added = old - new, new - old
        blank = any(isinstance(t, ox.BlankNode) for triple in removed
                    for t in (triple.subject, triple.object))
        if blank:
            change = f"DROP SILENT GRAPH <{graph_name}> ;\n"
            removed, added = set(), new
        else:
            change = ""
        for operation, triples in (("DELETE", removed), ("INSERT", added)):
            if triples:  # in order: RocksDB takes sorted writes faster
                change += (f"{operation} DATA {{ GRAPH <{graph_name}> {{\n"
                           f"{_ntriples(sorted(triples, key=str))}\n}} }} ;\n")
        description_triples = {ox.Triple(*(to_oxigraph(t) for t in triple))
                               for triple in description}
        self._store.update(
            change
            + f"DELETE {{ GRAPH <{metadata_graph}> {{ <{graph_name}> ?p ?o }} }}\n"
            f"WHERE {{ GRAPH <{metadata_graph}> {{ <{graph_name}> ?p ?o }} }} ;\n"
            f"DELETE {{ GRAPH <{metadata_graph}> {{ ?s ?p ?o }} }}\n"
            f"WHERE {{ GRAPH <{metadata_graph}> {{ ?s ?p ?o "
            f"FILTER(STRSTARTS(STR(?s), \"{graph_name}#\")) }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{metadata_graph}> {{\n{_ntriples(description_triples)}\n}} }}"
        )

    def __len__(self) -> int:
        return len(self._store)

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        del self._store


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    """N-Triples, written by Oxigraph (fast for large graphs)."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()


def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def read_graph(store: ox.Store, graph_name: str) -> Graph:
    """One named graph of ``store`` as an rdflib graph."""
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_name)):
        graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),  # type: ignore[arg-type]
                   from_oxigraph(quad.object)))  # type: ignore[arg-type]
    return graph
