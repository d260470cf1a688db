"""The graph a server answers from: the build's dump (and any --data files) in memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from segraph.namespaces import graph_iri
from segraph.settings import Paths


@dataclass
class ServedGraph:
    store: ox.Store
    version: str  # changes whenever the served data changes; keys ETags
    sources: list[str]

    def __len__(self) -> int:
        return len(self.store)


def _format_of(path: Path) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise ValueError(f"{path}: unknown RDF file type {path.suffix!r}")
    return fmt


def load_served_graph(paths: Paths, data_files: list[Path], *, with_build: bool = True,
                      store: Path | None = None) -> ServedGraph:
    """Load the built dump (or the on-disk ``store``) and ``data_files`` into memory.

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
    return ServedGraph(store=memory, version=digest.hexdigest()[:16], sources=sources)
