"""The write gate and the write tokens, from the settings."""

from __future__ import annotations

from typing import Any

from segraph.catalogue import site
from segraph.namespaces import graph_iri
from segraph.settings import Paths
from segraph.store.embedded import read_graph
from segraph.writes.gate import WriteGate
from segraph.writes.journal import Journal


def journal_of(settings: dict[str, Any]) -> Journal:
    """The journal of the served graph: ``<var_dir>/writes/journal``."""
    return Journal(Paths.from_settings(settings).journal)


def built_through(settings: dict[str, Any], sources: list[str]) -> int:
    """The last change the served build already holds (0: none, or not a build)."""
    return int(Paths.from_settings(settings).build_info(sources).get("journal") or 0)


def write_gate(settings: dict[str, Any], store: Any, sources: list[str] | None = None
               ) -> WriteGate:
    """The gate for ``store`` (served from ``sources``), checking with the shapes and ontology
    the store serves; the changes a build already holds are not applied again."""
    base = site(settings)
    gate = WriteGate(journal_of(settings), store,
                     shapes=read_graph(store, str(graph_iri("shapes"))),
                     ontology=read_graph(store, str(graph_iri("ontology"))),
                     id_base=f"{base}id/", site=base, engine=settings["validator"],
                     timeout=float(settings["write_timeout"]),
                     memory_mb=int(settings["query_memory"]))
    gate.skip_through(built_through(settings, sources or []))
    return gate


def write_tokens(settings: dict[str, Any]) -> dict[str, str]:
    """token -> the name it writes as, from ``write_token`` (``TOKEN`` or ``NAME:TOKEN``, comma
    separated; a bare token writes as "steward")."""
    tokens = {}
    for entry in str(settings.get("write_token") or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        name, _, token = entry.rpartition(":")
        tokens[token] = name.strip() or "steward"
    return tokens
