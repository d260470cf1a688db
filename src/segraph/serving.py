"""The graph a server answers from: the build's dump (and any --data files) in memory, or a
remote SPARQL engine (``store_url``) read through
:class:`~segraph.store.remote_dataset.RemoteDataset`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from segraph.namespaces import BASE, graph_iri
from segraph.settings import Paths
from segraph.store.remote_dataset import RemoteDataset


@dataclass
class ServedGraph:
    store: ox.Store | RemoteDataset  # a RemoteDataset reads like a pyoxigraph Store
    version: str  # changes whenever the served data changes; keys ETags
    sources: list[str]

    def __len__(self) -> int:
        return len(self.store)


def _format_of(path: Path) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise ValueError(f"{path}: unknown RDF file type {path.suffix!r}")
    return fmt


def rebase(store: ox.Store, base_uri: str) -> ox.Store:
    """A copy of ``store`` with the resource URIs ``{BASE}id/…`` moved to ``{base_uri}id/…``.

    IRIs and IRI-valued strings (a VoID ``uriSpace``) move; the vocabulary
    (``{BASE}ontology#…``, ``{BASE}shapes#…``) and the named graphs keep their canonical IRIs,
    so queries written against the published vocabulary work on any host.
    """
    if not base_uri.endswith(("/", "#")):
        raise ValueError(f"base_uri {base_uri!r} must end with / (or #)")
    old, new = BASE + "id/", base_uri + "id/"

    def moved(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
              ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        if isinstance(term, ox.NamedNode) and term.value.startswith(old):
            return ox.NamedNode(new + term.value[len(old):])
        if isinstance(term, ox.Literal) and not term.language and term.value.startswith(old):
            return ox.Literal(new + term.value[len(old):], datatype=term.datatype)
        return term

    rebased = ox.Store()
    rebased.extend(ox.Quad(moved(q.subject), q.predicate, moved(q.object), q.graph_name)
                   for q in store)
    return rebased


def load_served_graph(paths: Paths, data_files: list[Path], *, with_build: bool = True,
                      store: Path | None = None, base_uri: str = BASE) -> ServedGraph:
    """Load the built dump (or the on-disk ``store``) and ``data_files`` into memory, with the
    resource URIs rebased onto ``base_uri`` when it is not the canonical base.

    Uses ``Store.load`` (not the parallel bulk loader) so that no thread pool exists in the
    process before the server forks its workers.
    """
    memory = ox.Store()
    digest = hashlib.sha256()
    sources = []
    if store is not None:
        disk = ox.Store.read_only(str(store))
        memory.extend(disk.quads_for_pattern(None, None, None, None))
        digest.update(f"{store.resolve()}:{len(memory)}".encode())
        sources.append(str(store))
    elif with_build:
        dump = paths.build / "dumps" / "segraph.nq"
        if not dump.is_file():
            raise FileNotFoundError(f"no build at {paths.build}: run `segraph build` first")
        memory.load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        digest.update((paths.build / "dumps" / "SHA256SUMS").read_bytes())
        sources.append(str(dump))
    local = ox.NamedNode(str(graph_iri("local")))
    for path in data_files:
        fmt = _format_of(path)
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            memory.load(path=str(path), format=fmt)
        else:
            memory.load(path=str(path), format=fmt, to_graph=local)
        stat = path.stat()
        digest.update(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        sources.append(str(path))
    if base_uri != BASE:
        memory = rebase(memory, base_uri)
        digest.update(base_uri.encode())
    return ServedGraph(store=memory, version=digest.hexdigest()[:16], sources=sources)


def load_remote_graph(settings: dict[str, Any], data_files: list[Path], *,
                      base_uri: str = BASE) -> ServedGraph:
    """The remote engine of ``store_url`` as the served graph (read where it is, nothing is
    copied). Its version is keyed on the URL and the number of quads found at start.
    ``--data`` files and another ``base_uri`` need the in-memory graph: a ``ValueError`` says
    what to do instead."""
    dataset = RemoteDataset.from_settings(settings)
    if dataset is None:
        raise ValueError("no store_url: nothing remote to serve")
    if data_files:
        raise ValueError(
            "--data files cannot be served beside a remote store (store_url): load them into "
            "the engine (e.g. `segraph build --data FILE --store-url URL`), or serve them "
            "without --store-url")
    if base_uri != BASE:
        raise ValueError(
            f"base_uri {base_uri!r} cannot be used with a remote store (store_url): the engine "
            "holds the canonical URIs. Leave base_uri at its default, or serve the build "
            "without --store-url")
    count = len(dataset)
    digest = hashlib.sha256(f"{dataset.url}:{count}".encode())
    return ServedGraph(store=dataset, version=digest.hexdigest()[:16], sources=[dataset.url])


def served_graph(settings: dict[str, Any], *, store: Path | None = None) -> ServedGraph:
    """The graph the settings name: the remote engine when ``store_url`` is set, else the
    build (or the on-disk ``store``) and the ``data`` files in memory."""
    data_files = [Path(p) for p in settings.get("data") or []]
    base_uri = settings.get("base_uri") or BASE
    if settings.get("store_url"):
        if store is not None:
            raise ValueError("--store and --store-url name two different stores: give one")
        return load_remote_graph(settings, data_files, base_uri=base_uri)
    return load_served_graph(Paths.from_settings(settings), data_files,
                             with_build=settings.get("with_build", True), store=store,
                             base_uri=base_uri)
