"""The write gate: a write is worked out, checked against the shapes, logged, then applied.

For the embedded store the work is done in a child forked from the serving process: the child
has a copy-on-write copy of the served graph, applies the request's operations one after the
other to it (so each sees the ones before), checks the result, and sends back the net change
or the shapes report; it is killed if it runs past the write time limit. Only then, under the
journal lock, is the change appended to the journal (on disk), applied to this process's
graph, and described in the history graph. Other processes apply it from the journal before
they answer their next request (:meth:`WriteGate.catch_up`).

For a remote engine, the change is worked out with queries to it, checked on the neighbourhood
fetched from it, and sent as one SPARQL Update (``DELETE DATA``/``INSERT DATA`` and the
history), after the journal has it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Pipe
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from segraph.executor import die_with_parent, limit_memory
from segraph.validation import Report
from segraph.writes.check import check
from segraph.writes.delta import Delta, WriteRefused, apply, present
from segraph.writes.history import prov_quads
from segraph.writes.journal import Journal, Record, nquads
from segraph.writes.operations import UpdateRefused

Plan = Callable[[Any, bool], Delta]  # (store, mutable) -> the change


class WriteTimeout(Exception):
    """Working out or checking the write took longer than the write time limit."""


@dataclass
class Outcome:
    """What became of a write: ``record`` when it was applied, else the reason."""

    report: Report
    record: Record | None = None
    removed: int = 0
    added: int = 0
    graphs: list[str] = field(default_factory=list)
    shapes_turtle: str = ""

    @property
    def refused(self) -> bool:
        return not self.report.conforms


class WriteGate:
    def __init__(self, journal: Journal, store: Any, *, shapes: Graph, ontology: Graph,
                 id_base: str, site: str, engine: str = "turbo", timeout: float = 120.0,
                 memory_mb: int = 0) -> None:
        self.journal = journal
        self.store = store
        self.shapes = shapes
        self.ontology = ontology
        self.id_base = id_base
        self.site = site
        self.engine = engine
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.seq = 0
        self.offset = 0
        self.embedded = isinstance(store, ox.Store)

    def version(self, base: str) -> str:
        """The served graph's version: the built graph's, and how many writes are on it."""
        return f"{base}.{self.seq}" if self.seq else base

    # --- reading the journal ---------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply the records other processes appended since this one last looked (a stat when
        there are none); how many."""
        if self.journal.size() == self.offset:
            return 0
        count = 0
        for record, offset in self.journal.read(self.offset):
            self._apply(record, local_only=True)
            self.seq, self.offset = record.seq, offset
            count += 1
        return count

    def skip_through(self, seq: int) -> None:
        """Take changes 1 to ``seq`` as applied (the served build already holds them)."""
        if seq <= self.seq:
            return
        for record, offset in self.journal.read(self.offset):
            if record.seq > seq:
                break
            self.seq, self.offset = record.seq, offset

    def _apply(self, record: Record, *, local_only: bool) -> None:
        if self.embedded:
            apply_record(self.store, record, self.id_base, self.site)
            return
        removed, added = record.quads()
        history = prov_quads(record, self.id_base, self.site)
        if local_only:  # another process sent it to the engine
            self.store.changed()
        else:
            self.store.update(_update_text(removed, added + history))

    # --- writing ---------------------------------------------------------------------------

    def write(self, plan: Plan, *, agent: str, via: str, request: str,
              undoes: int | None = None, queries: bool = True) -> Outcome:
        """Work out, check and (when it passes) apply one write, all or nothing. A write
        whose change depends on the data (``queries``: a WHERE, DELETE DATA, a graph to copy)
        is worked out in a forked copy, operation after operation, within the time limit; one
        that names its quads (INSERT DATA, a Graph Store request, an undo) is read from the
        graph in this process, which is quicker and bounded by the size of the request."""
        with self.journal.locked():
            self.catch_up()
            if self.embedded and queries:
                outcome, removed, added = self._in_child(plan)
            else:
                outcome, removed, added = self._work(plan, mutable=False)
            if outcome.refused or not (removed or added):
                return outcome
            record = Record(seq=self.seq + 1, agent=agent, via=via, request=request,
                            time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            removed=removed, added=added, undoes=undoes,
                            graphs=outcome.graphs)
            offset = self.journal.append(record, self.offset)
            try:
                self._apply(record, local_only=False)
            except Exception:  # the engine refused it or could not be reached: take it back
                self.journal.truncate(self.offset)
                raise
            self.seq, self.offset = record.seq, offset
            return replace(outcome, record=record)

    def undo(self, seq: int, *, agent: str) -> Outcome:
        """Write the inverse of change ``seq`` (what it added and is still there is removed,
        what it removed and is not back is added), through the gate like any write."""
        original = self.journal.find(seq)
        if original is None:
            raise LookupError(f"there is no change {seq}")
        removed, added = original.quads()

        def plan(store: Any, mutable: bool) -> Delta:
            return Delta(removed=present(store, added),
                         added=set(removed) - present(store, removed))

        return self.write(plan, agent=agent, via="undo", undoes=seq, queries=False,
                          request=f"undo change {seq} ({original.via} by {original.agent}, "
                                  f"{original.time})")

    def _work(self, plan: Plan, *, mutable: bool) -> tuple[Outcome, str, str]:
        delta = plan(self.store, mutable)
        if mutable:  # back to the state before the write, to check it
            apply(self.store, delta.added, delta.removed)
        if not self.embedded and any(isinstance(t, ox.BlankNode) for q in delta.removed
                                     for t in (q.subject, q.object)):
            raise WriteRefused("a remote engine cannot delete triples with blank nodes "
                               "(SPARQL DELETE DATA cannot name them)")
        report = check(self.store, delta, self.shapes, self.ontology, engine=self.engine)
        turtle = report.to_turtle() if report.results_graph is not None else ""
        outcome = Outcome(report=replace(report, results_graph=None), removed=len(delta.removed),
                          added=len(delta.added), graphs=delta.graphs(), shapes_turtle=turtle)
        if outcome.refused:
            return outcome, "", ""
        return outcome, nquads(delta.removed), nquads(delta.added)

    def _in_child(self, plan: Plan) -> tuple[Outcome, str, str]:
        """:meth:`_work` in a forked copy of this process, within the time limit."""
        reader, writer = Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            reader.close()
            try:
                die_with_parent()
                limit_memory(self.memory_mb)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                try:
                    reply: tuple[str, Any] = ("ok", self._work(plan, mutable=True))
                except (SyntaxError, WriteRefused, UpdateRefused, LookupError) as exc:
                    reply = (type(exc).__name__, str(getattr(exc, "msg", None) or exc))
                except MemoryError:
                    reply = ("MemoryError", "the write needed more memory than the limit")
                except Exception as exc:
                    reply = ("Exception", f"{type(exc).__name__}: {exc}")
                writer.send(reply)
            finally:
                os._exit(0)
        writer.close()
        try:
            if not reader.poll(self.timeout):
                raise WriteTimeout(f"the write took longer than the limit of {self.timeout:g} s "
                                   "and was stopped; nothing was changed")
            try:
                kind, value = reader.recv()
            except (EOFError, OSError):
                raise MemoryError("the write needed more memory than the limit and was "
                                  "stopped; nothing was changed") from None
        finally:
            reader.close()
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        raise {"SyntaxError": SyntaxError, "WriteRefused": WriteRefused,
               "UpdateRefused": UpdateRefused, "LookupError": LookupError,
               "MemoryError": MemoryError}.get(kind, RuntimeError)(value)


def apply_record(store: ox.Store, record: Record, id_base: str, site: str) -> None:
    """Apply a journal record and its history to an in-memory or on-disk pyoxigraph store."""
    removed, added = record.quads()
    apply(store, removed, added + prov_quads(record, id_base, site))


def replay(store: ox.Store, journal: Journal, id_base: str, site: str) -> int:
    """Apply every change in ``journal`` to ``store``; the last change's number (0: none)."""
    seq = 0
    for record, _ in journal.read():
        apply_record(store, record, id_base, site)
        seq = record.seq
    return seq


def _update_text(removed: list[ox.Quad], added: list[ox.Quad]) -> str:
    """One SPARQL Update with the change (for a remote engine)."""
    parts = []
    for operation, quads in (("DELETE", removed), ("INSERT", added)):
        if quads:
            parts.append(f"{operation} DATA {{\n{_trig(quads)}\n}}")
    return " ;\n".join(parts)


def _trig(quads: list[ox.Quad]) -> str:
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad)  # type: ignore[union-attr]
    return "\n".join(
        f"GRAPH <{graph}> {{\n"
        + ox.serialize([q.triple for q in group], format=ox.RdfFormat.N_TRIPLES).decode()
        + "}" for graph, group in sorted(by_graph.items()))
