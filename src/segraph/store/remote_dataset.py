"""A remote SPARQL engine behind the part of the ``pyoxigraph.Store`` API the server reads.

``segraph serve`` with ``store_url`` set answers from a remote engine instead of an in-memory
pyoxigraph store. Every web feature reads the served graph through a handful of
``pyoxigraph.Store`` calls (the query runner, the named graphs, the quads of one graph, the
size); :class:`RemoteDataset` offers exactly those, with pyoxigraph's semantics, on top of a
:class:`~segraph.store.remote.RemoteStore` (the only place that speaks HTTP):

* ``query(text, use_default_graph_as_union=False, default_graph=None, named_graphs=None,
  substitutions=None, prefixes=None, base_iri=None)`` returns pyoxigraph's ``QuerySolutions``,
  ``QueryBoolean`` or ``QueryTriples``. As in pyoxigraph the default graph is *not* the union
  of the named graphs unless asked; a given ``default_graph``/``named_graphs`` is the Protocol
  dataset (``default-graph-uri``/``named-graph-uri``); ``prefixes`` and ``base_iri`` become
  ``PREFIX``/``BASE`` lines before the query; ``substitutions`` a ``VALUES`` binding. An engine's
  syntax error is raised as :class:`SyntaxError`, as pyoxigraph raises it.
* ``named_graphs()``, ``quads_for_pattern(s, p, o, g)``, ``len()`` and iteration (every quad).
* ``update(sparql)``: one SPARQL Update request to the engine (``store_update_url``).

The remote dataset holds named graphs only (as every segraph build); its default graph is empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyoxigraph as ox

from segraph.store.remote import RemoteStore

Term = ox.NamedNode | ox.BlankNode | ox.Literal
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class RemoteDataset:
    """A :class:`RemoteStore` that reads like a ``pyoxigraph.Store``."""

    def __init__(self, remote: RemoteStore) -> None:
        self.remote = remote

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> RemoteDataset | None:
        """The engine the ``store_*`` settings name, with ``query_timeout`` as its time limit;
        ``None`` when ``store_url`` is empty."""
        remote = RemoteStore.from_settings(settings)
        if remote is None:
            return None
        remote.timeout = float(settings.get("query_timeout") or remote.timeout)
        return cls(remote)

    @property
    def url(self) -> str:
        return self.remote.query_url

    # --- pyoxigraph.Store ------------------------------------------------------------------

    def query(self, query: str, *, use_default_graph_as_union: bool = False,
              default_graph: Sequence[GraphName] | GraphName | None = None,
              named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
              substitutions: dict[ox.Variable, Term] | None = None,
              prefixes: dict[str, str] | None = None,
              base_iri: str | None = None) -> Any:
        """Evaluate ``query`` on the engine, as ``pyoxigraph.Store.query`` would."""
        text = prologue(prefixes, base_iri) + query
        dataset = None
        if default_graph is not None or named_graphs is not None:
            every = self.remote.graphs()  # a part not given keeps pyoxigraph's default
            defaults = every if use_default_graph_as_union else []
            dataset = (defaults if default_graph is None else _graph_names(default_graph),
                       every if named_graphs is None else _graph_names(named_graphs))
        values = {v.value: t for v, t in (substitutions or {}).items()}
        result = self.remote.query(text, union_default_graph=use_default_graph_as_union,
                                   substitutions=values or None,  # type: ignore[arg-type]
                                   dataset=dataset)
        return result.raw

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The engine's named graphs (its own system graphs left out)."""
        return iter([ox.NamedNode(g) for g in self.remote.graphs()])

    def quads_for_pattern(self, subject: ox.NamedNode | ox.BlankNode | None,
                          predicate: ox.NamedNode | None, object: Term | None,
                          graph_name: GraphName | None = None) -> Iterator[ox.Quad]:
        """The quads matching the pattern (``None`` matches anything). Blank nodes in the
        pattern match nothing: their labels are not shared with the engine."""
        if isinstance(graph_name, ox.DefaultGraph) or any(
                isinstance(t, ox.BlankNode) for t in (subject, object, graph_name)):
            return iter([])
        slots = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        pattern = {k: str(t) if t is not None else f"?{k}" for k, t in slots.items()}
        free = [f"?{k}" for k, t in slots.items() if t is None] or ["*"]
        sparql = (f"SELECT {' '.join(free)} WHERE {{ GRAPH {pattern['g']} "
                  f"{{ {pattern['s']} {pattern['p']} {pattern['o']} }} }}")
        rows = self.query(sparql, use_default_graph_as_union=True)
        return (ox.Quad(*(slots[k] if slots[k] is not None else row[k]  # type: ignore[misc]
                          for k in ("s", "p", "o", "g"))) for row in rows)

    def __len__(self) -> int:
        """The number of quads (every named graph's triples)."""
        return len(self.remote)

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None, None)

    # --- writing ---------------------------------------------------------------------------

    def changed(self) -> None:
        """Another process wrote to the engine: forget what is cached about its dataset."""
        self.remote.forget_graphs()

    def update(self, sparql: str) -> None:
        """One SPARQL Update request (needs ``store_update_url``); raises ``RemoteError``."""
        self.remote.update(sparql)


def prologue(prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    """``BASE`` and ``PREFIX`` lines that the query's own declarations may override."""
    lines = [f"BASE <{base_iri}>"] if base_iri else []
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in (prefixes or {}).items()]
    return "".join(line + "\n" for line in lines)


def _graph_names(graphs: Sequence[GraphName] | GraphName | None) -> list[str]:
    """IRIs of the named graphs in ``graphs``; the (empty) default graph adds none."""
    if graphs is None:
        return []
    if not isinstance(graphs, Sequence):
        graphs = [graphs]
    return [g.value for g in graphs if isinstance(g, ox.NamedNode)]
